//! Turn the stages' decisions into a [`Plan`] with costs, coverage and shortfalls.

use std::collections::BTreeMap;
use std::time::Instant;

use sanlian_model::cost::{days_in_month, month_days, stay_cost, travel_cost};
use sanlian_model::plan::Costs;
use sanlian_model::{
    Block, CadreAssignment, CadreCost, Coverage, FormerLeader, Group, GroupCost, Msg, Plan, PlanMode, Prepared,
    Shortfall, StageReport, UnitCost, YearAssignment,
};

use crate::groups::Groups;
use crate::months::{Months, Weekdays};
use crate::townships::Townships;

#[allow(clippy::too_many_arguments)]
pub(crate) fn plan(
    prep: &Prepared,
    mode: PlanMode,
    groups: &Groups,
    towns: &Townships,
    months: &Months,
    weekdays: &Weekdays,
    stages: Vec<StageReport>,
    start: Instant,
) -> Plan {
    let inst = prep.inst;
    let r = &inst.region;
    let mut members = vec![Vec::new(); prep.n_counties()];
    for (c, &k) in groups.county_of.iter().enumerate() {
        members[k].push(c);
    }
    let group_list: Vec<Group> = (0..prep.n_counties())
        .map(|k| {
            let mut by_level = BTreeMap::new();
            for &c in &members[k] {
                *by_level.entry(inst.cadres[c].level).or_insert(0) += 1;
            }
            Group {
                county: r.counties[k].code.clone(),
                county_name: r.counties[k].name.clone(),
                city: r.counties[k].city.clone(),
                leader: groups.leader[k].map(|c| inst.cadres[c].id.clone()),
                members: members[k].iter().map(|&c| inst.cadres[c].id.clone()).collect(),
                by_level,
                former_leaders: groups.former_leaders[k]
                    .iter()
                    .map(|&(c, until)| FormerLeader { cadre: inst.cadres[c].id.clone(), until })
                    .collect(),
            }
        })
        .collect();
    let assignments: Vec<CadreAssignment> = (0..prep.n_cadres())
        .map(|c| CadreAssignment {
            cadre: inst.cadres[c].id.clone(),
            county: r.counties[groups.county_of[c]].code.clone(),
            years: (0..2)
                .filter(|&y| prep.active(c, y))
                .map(|y| {
                    let year = inst.year(y);
                    YearAssignment {
                        year,
                        township: r.townships[towns[c][y].expect("S2 gives every active year a township")].code.clone(),
                        blocks: months[c][y]
                            .iter()
                            .map(|&m| {
                                let (first_day, last_day) = month_days(year, m);
                                Block { month: format!("{year}-{m:02}"), first_day, last_day }
                            })
                            .collect(),
                        weekday: weekdays[c],
                    }
                })
                .collect(),
        })
        .collect();
    let costs = costs(prep, groups, months);
    let coverage = coverage(prep, towns);
    let shortfalls = if mode == PlanMode::BestEffort { shortfalls(prep, groups, towns) } else { Vec::new() };
    Plan {
        contract: sanlian_model::CONTRACT_VERSION.to_string(),
        instance: inst.name.clone(),
        first_year: inst.first_year,
        mode,
        parameters: inst.parameters.clone(),
        groups: group_list,
        assignments,
        coverage,
        costs,
        stages,
        locks: inst.locks.clone(),
        shortfalls,
        robust: inst.parameters.robust.as_ref().map(|r| crate::robust::assess(prep, &groups.county_of, r)),
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn costs(prep: &Prepared, groups: &Groups, months: &Months) -> Costs {
    let p = &prep.inst.parameters;
    let mut out = Costs::default();
    let mut group = vec![(0.0, 0.0); prep.n_counties()];
    let mut unit: BTreeMap<&str, (usize, f64, f64)> = BTreeMap::new();
    for c in 0..prep.n_cadres() {
        let cadre = &prep.inst.cadres[c];
        let k = groups.county_of[c];
        let road_km = prep.road_km(c, k);
        let round_trips = prep.round_trips(c);
        let travel = travel_cost(p, round_trips, road_km);
        let stay_days: u32 =
            (0..2).flat_map(|y| months[c][y].iter().map(move |&m| days_in_month(prep.inst.year(y), m))).sum();
        let stay = stay_cost(p, stay_days);
        out.travel += travel;
        out.stay += stay;
        group[k].0 += travel;
        group[k].1 += stay;
        let u = unit.entry(cadre.unit.as_str()).or_default();
        u.0 += 1;
        u.1 += travel;
        u.2 += stay;
        out.cadres.push(CadreCost {
            cadre: cadre.id.clone(),
            unit: cadre.unit.clone(),
            road_km,
            round_trips,
            travel,
            stay_days,
            stay,
        });
    }
    out.groups = group
        .iter()
        .enumerate()
        .map(|(k, &(travel, stay))| GroupCost { county: prep.inst.region.counties[k].code.clone(), travel, stay })
        .collect();
    out.units = unit
        .into_iter()
        .map(|(name, (cadres, travel, stay))| UnitCost { unit: name.to_string(), cadres, travel, stay })
        .collect();
    out
}

fn coverage(prep: &Prepared, towns: &Townships) -> Coverage {
    let n = prep.inst.region.townships.len();
    let mut seen = vec![[false; 2]; n];
    for ys in towns {
        for y in 0..2 {
            if let Some(i) = ys[y] {
                seen[i][y] = true;
            }
        }
    }
    Coverage {
        townships: n,
        year1: seen.iter().filter(|s| s[0]).count(),
        year2: seen.iter().filter(|s| s[1]).count(),
        total: seen.iter().filter(|s| s[0] || s[1]).count(),
    }
}

/// Best-effort: every unmet goal with its reason, traced to the data.
fn shortfalls(prep: &Prepared, groups: &Groups, towns: &Townships) -> Vec<Shortfall> {
    let r = &prep.inst.region;
    let p = &prep.inst.parameters;
    let mut out = Vec::new();
    let mut members = vec![Vec::new(); prep.n_counties()];
    for (c, &k) in groups.county_of.iter().enumerate() {
        members[k].push(c);
    }
    // Counted only for a shortfall's message: most counties have none.
    let eligible_for = |k: usize, pred: &dyn Fn(usize) -> bool| -> usize {
        (0..prep.n_cadres()).filter(|&c| prep.is_eligible(c, k) && pred(c)).count()
    };
    let mut covered = vec![false; r.townships.len()];
    for ys in towns {
        for i in ys.iter().flatten() {
            covered[*i] = true;
        }
    }
    for k in 0..prep.n_counties() {
        let county = &r.counties[k];
        let all = || eligible_for(k, &|_| true);
        let mut short = |rule: &str, subject: &str, msg: Msg| {
            out.push(Shortfall { rule: rule.into(), subject: subject.into(), reason: msg.to_string(), msg: Some(msg) })
        };
        let at = |code: &str| Msg::new(code).arg("county", &county.name);
        if members[k].is_empty() {
            short(
                "H1",
                &county.code,
                match all() {
                    0 => at("shortfall.h1_no_one_eligible"),
                    n => at("shortfall.h1_needed_elsewhere").arg("eligible", n),
                },
            );
        } else if let Some(day) = prep
            .stretch_starts(members[k].iter().copied())
            .into_iter()
            .find(|&d| !members[k].iter().any(|&c| prep.serves_on(c, d)))
        {
            short("H1", &county.code, at("shortfall.h1_gap").arg("day", day));
        }
        let supply: u32 = members[k].iter().map(|&c| prep.active_years(c)).sum();
        for &i in &prep.townships_of[k] {
            if !covered[i] {
                let msg = at("shortfall.h7_uncovered")
                    .arg("township", &r.townships[i].name)
                    .arg("supply", supply)
                    .arg("townships", prep.townships_of[k].len())
                    .arg("eligible", all());
                short("H7", &r.townships[i].code, msg);
            }
        }
        let timeline: Vec<usize> = groups.former_leaders[k].iter().map(|&(c, _)| c).chain(groups.leader[k]).collect();
        if let Some(&l) = timeline.iter().find(|&&l| !prep.inst.cadres[l].senior) {
            let msg = at("shortfall.h3_not_senior")
                .arg("leader", &prep.inst.cadres[l].name)
                .arg("id", &prep.inst.cadres[l].id)
                .arg("seniors", eligible_for(k, &|c| prep.inst.cadres[c].senior));
            short("H3", &county.code, msg);
        } else if groups.leader[k].is_none() {
            short("H3", &county.code, at("shortfall.h3_no_leader"));
        }
        let upper_on = |d: chrono::NaiveDate| {
            members[k].iter().filter(|&&c| prep.inst.cadres[c].level.is_upper() && prep.serves_on(c, d)).count()
        };
        let upper = prep.stretch_starts(members[k].iter().copied()).into_iter().map(upper_on).min().unwrap_or(0);
        if (upper as u32) < p.min_upper_per_group {
            let reachable = eligible_for(k, &|c| prep.inst.cadres[c].level.is_upper());
            let msg = at("shortfall.h4_few_upper")
                .arg("upper", upper)
                .arg("min", p.min_upper_per_group)
                .arg("reachable", reachable);
            short("H4", &county.code, msg);
        }
    }
    out
}
