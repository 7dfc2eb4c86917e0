//! Re-planning (PLANNING_RULES §7) cross-checked by exhaustive enumeration on tiny
//! instances, for every event kind (leave, join, replace, unavailable) and dates before,
//! inside and between the plan's windows.
//!
//! The enumeration shares no code with the solver: it tries every repaired plan that keeps
//! the past — groups of cadres already at work, townships of years under way, block months
//! begun before the date — judges each with the checker (H1–H7 on groups and townships,
//! H8–H9 on months, which no other decision constrains), counts the changed decisions after
//! the date by §7's words, and keeps the fewest changes, then the least S1. The engine's
//! repair must reach exactly that, or be infeasible exactly when nothing is valid. The repair
//! around a planner's edit (issue 12) is held to the same enumeration, the edit as locks.

// Index loops mirror the rules' subscripts (cadre c, year y, county k).
#![allow(clippy::needless_range_loop)]

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{NaiveDate, Weekday};
use common::{TINY_CITY, TINY_COUNTIES, TINY_DATES, TINY_YEAR};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sanlian_check::Rules;
use sanlian_explain::edit::{repair_edit, Edit, RepairError};
use sanlian_explain::replan::reassign;
use sanlian_model::plan::Costs;
use sanlian_model::{
    Block, Cadre, CadreAssignment, Coverage, Event, Events, FormerLeader, Group, Instance, Plan, PlanMode, Prepared,
    YearAssignment,
};
use sanlian_solver::SolveOptions;

/// The event a shape draws, against the plan in force.
fn event(t: &common::Tiny, inst: &Instance, old: &Plan) -> Event {
    let (kind, who, when, senior) = t.event;
    let date: NaiveDate = TINY_DATES[when as usize].parse().unwrap();
    let cadre = &inst.cadres[who % inst.cadres.len()];
    let newcomer = |id: &str| {
        let mut c = Cadre::new(id, "新人", cadre.level, cadre.unit.clone(), cadre.base);
        c.home_city = cadre.home_city.clone();
        c.home_county = cadre.home_county.clone();
        c.department = cadre.department.clone();
        c.senior = senior;
        c
    };
    match kind {
        0 => Event::Leave { date, cadre: cadre.id.clone() },
        1 => Event::Join { date, cadre: newcomer("N1") },
        2 => Event::Replace { date, cadre: cadre.id.clone(), successor: newcomer("S1") },
        _ => {
            let a = old.assignments.iter().find(|a| a.cadre == cadre.id);
            let later: Vec<String> = a
                .into_iter()
                .flat_map(|a| &a.years)
                .flat_map(|y| &y.blocks)
                .filter(|b| b.first_day >= date)
                .map(|b| b.month.clone())
                .collect();
            let months = if later.is_empty() { vec!["2028-06".to_string()] } else { later };
            Event::Unavailable { date, cadre: cadre.id.clone(), months }
        }
    }
}

/// One cadre's decisions: county, township and block months per year.
#[derive(Debug, Clone, PartialEq)]
struct Decision {
    county: usize,
    town: [Option<usize>; 2],
    months: [Vec<u32>; 2],
    weekday: Option<Weekday>,
}

/// The decisions of `plan`'s cadre `id`, in `rules`' indices.
fn decision_of(rules: &Rules, plan: &Plan, id: &str) -> Option<Decision> {
    let a = plan.assignments.iter().find(|a| a.cadre == id)?;
    let mut d = Decision {
        county: rules.county_index[a.county.as_str()],
        town: [None, None],
        months: [vec![], vec![]],
        weekday: None,
    };
    for y in &a.years {
        let i = (y.year - TINY_YEAR) as usize;
        d.town[i] = rules.township_index.get(y.township.as_str()).copied();
        d.months[i] = y.blocks.iter().map(|b| b.month[5..].parse().unwrap()).collect();
        d.weekday = d.weekday.or(y.weekday);
    }
    Some(d)
}

/// Build a plan from decisions (costs and stages left empty: only H1–H10 are judged).
fn plan_of(rules: &Rules, ds: &[Decision]) -> Plan {
    let inst = rules.inst;
    let mut assignments = Vec::new();
    let mut members = vec![Vec::new(); 2];
    for (c, d) in ds.iter().enumerate() {
        members[d.county].push(c);
        let years = (0..2)
            .filter(|&y| rules.active(c, y))
            .map(|y| {
                let year = TINY_YEAR + y as i32;
                YearAssignment {
                    year,
                    township: d.town[y].map(|t| inst.region.townships[t].code.clone()).unwrap_or_default(),
                    blocks: d.months[y]
                        .iter()
                        .map(|&m| {
                            let (first_day, last_day) = sanlian_check::reading::month_span(year, m);
                            Block { month: format!("{year}-{m:02}"), first_day, last_day }
                        })
                        .collect(),
                    weekday: if rules.has_weekday(c) { Some(d.weekday.unwrap_or(Weekday::Mon)) } else { None },
                }
            })
            .collect();
        assignments.push(CadreAssignment {
            cadre: inst.cadres[c].id.clone(),
            county: TINY_COUNTIES[d.county].into(),
            years,
        });
    }
    let groups = (0..2)
        .map(|k| {
            // Leaders by the rule: a senior member in service on each stretch day.
            let mut timeline: Vec<(usize, NaiveDate)> = Vec::new();
            let mut leader: Option<usize> = None;
            for day in rules.stretch_days(members[k].iter().copied()) {
                if leader.is_some_and(|l| rules.serves_on(l, day)) {
                    continue;
                }
                let next = members[k].iter().copied().find(|&c| inst.cadres[c].senior && rules.serves_on(c, day));
                if let (Some(prev), Some(_)) = (leader, next) {
                    timeline.push((prev, day));
                }
                if next.is_some() {
                    leader = next;
                }
            }
            let mut by_level = BTreeMap::new();
            for &c in &members[k] {
                *by_level.entry(inst.cadres[c].level).or_insert(0) += 1;
            }
            Group {
                county: TINY_COUNTIES[k].into(),
                county_name: inst.region.counties[k].name.clone(),
                city: TINY_CITY.into(),
                leader: leader.map(|c| inst.cadres[c].id.clone()),
                members: members[k].iter().map(|&c| inst.cadres[c].id.clone()).collect(),
                by_level,
                former_leaders: timeline
                    .into_iter()
                    .map(|(c, until)| FormerLeader { cadre: inst.cadres[c].id.clone(), until })
                    .collect(),
            }
        })
        .collect();
    Plan {
        contract: sanlian_model::CONTRACT_VERSION.into(),
        instance: inst.name.clone(),
        first_year: TINY_YEAR,
        mode: PlanMode::Strict,
        parameters: inst.parameters.clone(),
        groups,
        assignments,
        coverage: Coverage::default(),
        costs: Costs::default(),
        stages: Vec::new(),
        locks: Vec::new(),
        shortfalls: Vec::new(),
        robust: None,
        seconds: 0.0,
    }
}

/// Violations of the rules in `which`.
fn breaks(rules: &Rules, ds: &[Decision], which: &[&str]) -> bool {
    sanlian_check::check_with(rules, &plan_of(rules, ds)).violations.iter().any(|v| which.contains(&v.rule.as_str()))
}

/// Every combination of per-cadre options (a cartesian product), or `None` if too many.
fn product<T: Clone>(options: &[Vec<T>], limit: usize) -> Option<Vec<Vec<T>>> {
    let size = options.iter().try_fold(1usize, |n, o| n.checked_mul(o.len()))?;
    if size > limit {
        return None;
    }
    let mut out = vec![Vec::new()];
    for o in options {
        out = out
            .into_iter()
            .flat_map(|prefix| o.iter().map(move |x| [prefix.clone(), vec![x.clone()]].concat()))
            .collect();
    }
    Some(out)
}

/// The brute-force answer: the fewest changed decisions after the date and then the least
/// S1, or `None` when no repaired plan is valid; `Err` when the enumeration is too large.
fn brute_force(rules: &Rules, base: &[Option<(Decision, bool)>], date: NaiveDate) -> Result<Option<(usize, f64)>, ()> {
    let inst = rules.inst;
    let n = rules.n_cadres();
    let start = |y: usize, m: u32| sanlian_check::reading::month_span(TINY_YEAR + y as i32, m).0;
    let started = |y: usize| start(y, inst.parameters.window_first_month) < date;
    let later = |c: usize, y: usize| rules.window().any(|m| start(y, m) >= date && rules.serves_month(c, y, m));
    // Groups and townships: the options of each cadre.
    let mut options: Vec<Vec<(usize, [Option<usize>; 2])>> = Vec::new();
    for c in 0..n {
        // A successor carries on in its predecessor's group; a cadre with a year under way
        // keeps its group (H1: one group for the whole plan).
        let counties: Vec<usize> = match &base[c] {
            Some((b, successor)) if *successor || (0..2).any(|y| started(y) && rules.active(c, y)) => vec![b.county],
            _ => rules.eligible[c].clone(),
        };
        let mut opts = Vec::new();
        for &k in &counties {
            let per_year: Vec<Vec<Option<usize>>> = (0..2)
                .map(|y| {
                    if !rules.active(c, y) {
                        return vec![None];
                    }
                    match &base[c] {
                        Some((b, false)) if started(y) => vec![b.town[y]],
                        _ => rules.townships_of[k].iter().map(|&t| Some(t)).collect(),
                    }
                })
                .collect();
            for &t1 in &per_year[0] {
                for &t2 in &per_year[1] {
                    opts.push((k, [t1, t2]));
                }
            }
        }
        options.push(opts);
    }
    let Some(placements) = product(&options, 200_000) else { return Err(()) };
    // Months: the options of each cadre (kept before the date, the exact count in all).
    let mut month_options: Vec<Vec<[Vec<u32>; 2]>> = Vec::new();
    for c in 0..n {
        let per_year: Vec<Vec<Vec<u32>>> = (0..2)
            .map(|y| {
                let need = rules.block_count(c, y) as usize;
                let (kept, open): (Vec<u32>, Vec<u32>) = match &base[c] {
                    Some((b, false)) => (
                        b.months[y].iter().copied().filter(|&m| start(y, m) < date).collect(),
                        rules.available_months(c, y).into_iter().filter(|&m| start(y, m) >= date).collect(),
                    ),
                    _ => (Vec::new(), rules.available_months(c, y)),
                };
                if kept.len() > need {
                    return Vec::new();
                }
                common::subsets(&open, need - kept.len()).into_iter().map(|s| [kept.clone(), s].concat()).collect()
            })
            .collect();
        let mut opts = Vec::new();
        for m1 in &per_year[0] {
            for m2 in &per_year[1] {
                opts.push([m1.clone(), m2.clone()]);
            }
        }
        month_options.push(opts);
    }
    let Some(month_plans) = product(&month_options, 20_000) else { return Err(()) };
    let weekday = |c: usize| base[c].as_ref().and_then(|(b, _)| b.weekday);
    // Any valid months will do for judging groups and townships (H1–H7 do not look at them).
    let decisions = |p: &[(usize, [Option<usize>; 2])], months: &[[Vec<u32>; 2]]| -> Vec<Decision> {
        (0..n)
            .map(|c| Decision { county: p[c].0, town: p[c].1, months: months[c].clone(), weekday: weekday(c) })
            .collect()
    };
    let Some(any_months) = month_plans.first() else { return Ok(None) };
    let mut best_gt: Option<(usize, f64)> = None;
    for p in &placements {
        let ds = decisions(p, any_months);
        if breaks(rules, &ds, &["H1", "H2", "H3", "H4", "H5", "H6", "H7", "P1", "P2", "P3", "P4", "P5", "P6"]) {
            continue;
        }
        let mut changes = 0;
        for c in 0..n {
            let Some((b, successor)) = &base[c] else { continue };
            for y in (0..2).filter(|&y| rules.active(c, y) && later(c, y)) {
                if !started(y) && p[c].0 != b.county {
                    changes += 1;
                }
                if (!started(y) || *successor) && p[c].1[y] != b.town[y] {
                    changes += 1;
                }
            }
        }
        let s1: f64 = (0..n).map(|c| rules.s1_coefficient(c, p[c].0)).sum();
        let better = match best_gt {
            None => true,
            Some((bc, bs)) => changes < bc || (changes == bc && s1 < bs - 1e-9),
        };
        if better {
            best_gt = Some((changes, s1));
        }
    }
    let Some((gt_changes, s1)) = best_gt else { return Ok(None) };
    let any_placement = &placements[0];
    let mut best_months: Option<usize> = None;
    for months in &month_plans {
        let ds = decisions(any_placement, months);
        if breaks(rules, &ds, &["H8", "H9", "P7", "P8"]) {
            continue;
        }
        let mut changes = 0;
        for c in 0..n {
            let Some((b, _)) = &base[c] else { continue };
            for y in (0..2).filter(|&y| rules.active(c, y) && later(c, y)) {
                let after = |ms: &[u32]| {
                    let mut v: Vec<u32> = ms.iter().copied().filter(|&m| start(y, m) >= date).collect();
                    v.sort();
                    v
                };
                if after(&b.months[y]) != after(&months[c][y]) {
                    changes += 1;
                }
            }
        }
        best_months = Some(best_months.map_or(changes, |b| b.min(changes)));
    }
    Ok(best_months.map(|m| (gt_changes + m, s1)))
}

#[test]
fn repairs_change_the_fewest_decisions_then_cost_least() {
    let counts: BTreeMap<&str, AtomicUsize> = ["compared", "infeasible", "too_large", "no_base_plan", "bad_event"]
        .into_iter()
        .map(|k| (k, AtomicUsize::new(0)))
        .collect();
    let count = |k: &str| counts[k].fetch_add(1, Ordering::Relaxed);
    let mut runner = TestRunner::new(Config { cases: 200, source_file: Some(file!()), ..Config::default() });
    let result = runner.run(&common::tiny(), |t| {
        let inst = common::tiny_instance(&t);
        let Ok(prep) = Prepared::new(&inst) else {
            count("no_base_plan");
            return Ok(());
        };
        let Ok(solved) = sanlian_engine::solve(&prep, &Default::default()) else {
            count("no_base_plan");
            return Ok(());
        };
        let Some(old) = solved.answer.plan().map(|p| p.plan().clone()) else {
            count("no_base_plan");
            return Ok(());
        };
        let events = Events { events: vec![event(&t, &inst, &old)] };
        let Ok(applied) = events.apply(&inst, &old) else {
            count("bad_event");
            return Ok(());
        };
        let rules = Rules::new(&applied.instance).expect("the events give a valid instance");
        let old_rules = Rules::new(&inst).unwrap();
        let base: Vec<Option<(Decision, bool)>> = applied
            .baseline
            .iter()
            .enumerate()
            .map(|(c, b)| {
                let id = b.as_deref()?;
                let d = decision_of(&old_rules, &old, id)?;
                Some((d, id != applied.instance.cadres[c].id))
            })
            .collect();
        let expected = match brute_force(&rules, &base, applied.date) {
            Ok(e) => e,
            Err(()) => {
                count("too_large");
                return Ok(());
            }
        };
        let replan = match reassign(&inst, &old, &events, PlanMode::Strict, None, false) {
            Ok(r) => r,
            Err(sanlian_explain::replan::ReplanError::Events(_)) => {
                count("bad_event");
                return Ok(());
            }
            Err(e) => {
                prop_assert!(false, "{e}");
                unreachable!()
            }
        };
        match (&replan.plan, expected) {
            (Some(plan), Some((changes, s1))) => {
                count("compared");
                let engine_s1 = plan.plan().stages.iter().find(|s| s.id == "S1").unwrap().objective;
                prop_assert_eq!(replan.changes.len(), changes, "changes {:?}", replan.changes);
                prop_assert!(
                    (engine_s1 - s1).abs() <= 1e-6 * s1.abs().max(1.0),
                    "S1 engine {} brute force {}",
                    engine_s1,
                    s1
                );
            }
            (None, None) => {
                count("infeasible");
            }
            (Some(_), None) => prop_assert!(false, "the engine repaired what the enumeration finds impossible"),
            (None, Some(e)) => {
                prop_assert!(
                    false,
                    "the engine found no repair; the enumeration found {:?}: {:?}",
                    e,
                    replan.certificates
                )
            }
        }
        Ok(())
    });
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {}", v.load(Ordering::Relaxed))).collect();
    eprintln!("re-plan brute force: {}", summary.join(", "));
    result.unwrap();
    let compared = counts["compared"].load(Ordering::Relaxed);
    assert!(compared >= 60, "too few cases compared: {}", summary.join(", "));
}

#[test]
fn the_repair_around_an_edit_changes_the_fewest_decisions_then_costs_least() {
    let counts: BTreeMap<&str, AtomicUsize> =
        ["compared", "infeasible", "too_large", "no_base_plan", "lock_cannot_hold"]
            .into_iter()
            .map(|k| (k, AtomicUsize::new(0)))
            .collect();
    let count = |k: &str| counts[k].fetch_add(1, Ordering::Relaxed);
    // A fixed seed: the count of cases compared below must not depend on the run.
    let mut runner = TestRunner::new_with_rng(
        Config { cases: 200, source_file: Some(file!()), ..Config::default() },
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let result = runner.run(&common::tiny(), |t| {
        let inst = common::tiny_instance(&t);
        let Ok(prep) = Prepared::new(&inst) else {
            count("no_base_plan");
            return Ok(());
        };
        let Some(old) = sanlian_engine::solve(&prep, &Default::default())
            .ok()
            .and_then(|s| s.answer.plan().map(|p| p.plan().clone()))
        else {
            count("no_base_plan");
            return Ok(());
        };
        // Move the event's cadre to the other county.
        let a = &old.assignments[t.event.1 % old.assignments.len()];
        let other = TINY_COUNTIES.iter().find(|k| **k != a.county).unwrap();
        let edit = Edit::Move { cadre: a.cadre.clone(), county: other.to_string() };
        let mut locked = inst.clone();
        locked.locks.extend(edit.locks(&old));
        let Ok(rules) = Rules::new(&locked) else {
            count("lock_cannot_hold");
            return Ok(());
        };
        let base: Vec<Option<(Decision, bool)>> =
            inst.cadres.iter().map(|c| decision_of(&rules, &old, &c.id).map(|d| (d, false))).collect();
        let expected = match brute_force(&rules, &base, prep.plan_start()) {
            Ok(e) => e,
            Err(()) => {
                count("too_large");
                return Ok(());
            }
        };
        match (repair_edit(&inst, &old, &edit, &SolveOptions::default()), expected) {
            (Ok(r), Some((changes, s1))) => {
                count("compared");
                let engine_s1 = r.plan.stages.iter().find(|s| s.id == "S1").unwrap().objective;
                prop_assert_eq!(r.changes.len(), changes, "changes {:?}", r.changes);
                prop_assert!(
                    (engine_s1 - s1).abs() <= 1e-6 * s1.abs().max(1.0),
                    "S1 engine {} brute force {}",
                    engine_s1,
                    s1
                );
            }
            (Err(RepairError::Infeasible(_)), None) => {
                count("infeasible");
            }
            (Err(RepairError::Edit(_)), _) => {
                count("lock_cannot_hold");
            }
            (Ok(_), None) => prop_assert!(false, "the engine repaired what the enumeration finds impossible"),
            (Err(e), expected) => {
                prop_assert!(false, "the engine found no repair ({}); the enumeration: {:?}", e, expected)
            }
        }
        Ok(())
    });
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {}", v.load(Ordering::Relaxed))).collect();
    eprintln!("edit repair brute force: {}", summary.join(", "));
    result.unwrap();
    let compared = counts["compared"].load(Ordering::Relaxed);
    assert!(compared >= 30, "too few cases compared: {}", summary.join(", "));
}
