//! ROBUST: robust (N−1) planning (docs/robust.md), read from its definition a second time,
//! from the plan's groups alone.
//!
//! A group is robust when at every date H3 and H4 are checked (each window's first day and
//! each day a service period starts or ends inside a window):
//!
//! - N1: two of its members in service may lead it (senior, no P4 lock), or a group whose
//!   seat is within `reach_km` (great-circle) of its seat has two members in service who may
//!   lead that group and a senior member in service who may serve in this county (H2 and the
//!   locks) and lead it;
//! - N2: more than `min_upper_per_group` of its province/city members are in service (always,
//!   when `min_upper_per_group` is 0).
//!
//! Robustness is no hard rule: a plan that is not robust is still valid. What the checker
//! verifies is what the plan claims about it — each group's entry and the count — and, for
//! the ε-form of a solve, that the plan has the robust groups it was asked for.

use chrono::NaiveDate;
use sanlian_model::{GroupRobustness, Plan, Robust, Robustness};

use crate::reading::{great_circle_km, Rules};
use crate::view::PlanView;
use crate::Findings;

/// The robustness of groups with these members (per county, cadre indices), by the
/// checker's reading.
pub fn robustness(rules: &Rules, members: &[Vec<usize>], robust: &Robust) -> Robustness {
    let counties = &rules.inst.region.counties;
    let days = rules.stretch_days(0..rules.n_cadres());
    let need = rules.inst.parameters.min_upper_per_group as usize;
    let in_service = |k: usize, d: NaiveDate| members[k].iter().copied().filter(move |&c| rules.serves_on(c, d));
    let has_second = |k: usize, d: NaiveDate| in_service(k, d).filter(|&c| rules.may_lead(c, k)).count() >= 2;
    // Group j can lend group k a leader on day d and still be led itself.
    let lends = |j: usize, k: usize, d: NaiveDate| {
        has_second(j, d) && in_service(j, d).any(|c| rules.may_lead(c, k) && rules.is_eligible(c, k))
    };
    let groups: Vec<GroupRobustness> = (0..counties.len())
        .map(|k| {
            // The groups within reach, nearest first: needed only for a day without a second senior.
            let within_reach = || {
                let mut near: Vec<(f64, usize)> = (0..counties.len())
                    .filter(|&j| j != k)
                    .map(|j| (great_circle_km(counties[k].seat, counties[j].seat), j))
                    .filter(|&(km, _)| km <= robust.reach_km)
                    .collect();
                near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                near
            };
            let mut near: Option<Vec<(f64, usize)>> = None;
            let mut entry = GroupRobustness {
                county: counties[k].code.clone(),
                robust: false,
                second_senior: true,
                backups: Vec::new(),
                no_senior_backup: None,
                no_upper_spare: None,
            };
            let mut backups: Vec<usize> = Vec::new();
            for &d in &days {
                if !has_second(k, d) {
                    entry.second_senior = false;
                    let near = near.get_or_insert_with(within_reach);
                    let lenders: Vec<usize> = near.iter().map(|&(_, j)| j).filter(|&j| lends(j, k, d)).collect();
                    if lenders.is_empty() {
                        entry.no_senior_backup = entry.no_senior_backup.or(Some(d));
                    }
                    for j in lenders {
                        if !backups.contains(&j) {
                            backups.push(j);
                        }
                    }
                }
                let upper = in_service(k, d).filter(|&c| rules.inst.cadres[c].level.is_upper()).count();
                if need > 0 && upper <= need {
                    entry.no_upper_spare = entry.no_upper_spare.or(Some(d));
                }
            }
            let near = near.unwrap_or_default();
            backups.sort_by_key(|j| near.iter().position(|&(_, x)| x == *j));
            entry.backups = backups.into_iter().map(|j| counties[j].code.clone()).collect();
            entry.robust = entry.no_senior_backup.is_none() && entry.no_upper_spare.is_none();
            entry
        })
        .collect();
    Robustness { robust_groups: groups.iter().filter(|g| g.robust).count(), groups }
}

/// The robustness of a plan's groups (the counties its assignments name; unknown cadres and
/// counties left out), with `robust`'s reach.
pub fn of_plan(rules: &Rules, plan: &Plan, robust: &Robust) -> Robustness {
    let mut members = vec![Vec::new(); rules.n_counties()];
    let mut seen = vec![false; rules.n_cadres()];
    for a in &plan.assignments {
        let (Some(&c), Some(&k)) = (rules.cadre_index.get(a.cadre.as_str()), rules.county_index.get(a.county.as_str()))
        else {
            continue;
        };
        if !std::mem::replace(&mut seen[c], true) {
            members[k].push(c);
        }
    }
    for m in &mut members {
        m.sort_unstable();
    }
    robustness(rules, &members, robust)
}

/// The reach robustness is judged with: the plan's own robust planning, else the
/// instance's, else the default.
pub(crate) fn reach_of(rules: &Rules, plan: &Plan) -> Robust {
    plan.parameters.robust.clone().or_else(|| rules.inst.parameters.robust.clone()).unwrap_or_default()
}

/// Recompute the plan's robustness and compare it with what the plan reports.
pub(crate) fn check(rules: &Rules, plan: &Plan, view: &PlanView, replan: bool, found: &mut Findings) -> Robustness {
    let got = robustness(rules, &view.members, &reach_of(rules, plan));
    match (&plan.robust, &plan.parameters.robust) {
        (Some(_), None) => found.add(
            "ROBUST",
            "plan",
            "the plan reports its robustness, but its parameters ask for no robust planning (parameters.robust)",
        ),
        (None, Some(_)) => found.add(
            "ROBUST",
            "plan",
            "parameters.robust asks for robust planning, but the plan reports no robustness",
        ),
        (Some(claim), Some(_)) => compare(rules, claim, &got, found),
        (None, None) => {}
    }
    if let Some(least) = plan.parameters.robust.as_ref().and_then(|r| r.at_least).filter(|_| !replan) {
        if (got.robust_groups as u64) < least as u64 {
            found.add(
                "ROBUST",
                "plan",
                format!(
                    "parameters.robust.at_least asks for {least} robust groups; the plan has {}",
                    got.robust_groups
                ),
            );
        }
    }
    got
}

fn compare(rules: &Rules, claim: &Robustness, got: &Robustness, found: &mut Findings) {
    if claim.robust_groups != got.robust_groups {
        found.add(
            "ROBUST",
            "plan",
            format!("the plan reports {} robust groups, recomputed {}", claim.robust_groups, got.robust_groups),
        );
    }
    let counties = &rules.inst.region.counties;
    if claim.groups.len() != counties.len() || claim.groups.iter().zip(counties).any(|(g, k)| g.county != k.code) {
        found.add("ROBUST", "plan", "the robustness entries are not one per county, in county order");
    }
    let day = |d: Option<NaiveDate>| d.map_or("none".to_string(), |d| d.to_string());
    for want in &got.groups {
        let code = want.county.as_str();
        let Some(have) = claim.groups.iter().find(|g| g.county == code) else {
            found.add("ROBUST", code, "the plan reports no robustness for this group");
            continue;
        };
        if have.robust && !want.robust {
            let why = match (want.no_senior_backup, want.no_upper_spare) {
                (Some(d), _) => {
                    format!("from {d} fewer than two members who may lead it serve and no group within reach backs it up (N1)")
                }
                (None, Some(d)) => format!(
                    "from {d} no more than {} province/city members serve (N2)",
                    rules.inst.parameters.min_upper_per_group
                ),
                (None, None) => String::new(),
            };
            found.add("ROBUST", code, format!("is reported robust, but {why}"));
        } else if !have.robust && want.robust {
            found.add("ROBUST", code, "is reported not robust, but N1 and N2 hold at every date");
        }
        if have.second_senior != want.second_senior {
            found.add(
                "ROBUST",
                code,
                format!("second_senior: the plan reports {}, recomputed {}", have.second_senior, want.second_senior),
            );
        }
        if have.backups != want.backups {
            found.add(
                "ROBUST",
                code,
                format!("backups: the plan reports {:?}, recomputed {:?}", have.backups, want.backups),
            );
        }
        for (field, h, w) in [
            ("no_senior_backup", have.no_senior_backup, want.no_senior_backup),
            ("no_upper_spare", have.no_upper_spare, want.no_upper_spare),
        ] {
            if h != w {
                found.add("ROBUST", code, format!("{field}: the plan reports {}, recomputed {}", day(h), day(w)));
            }
        }
    }
}
