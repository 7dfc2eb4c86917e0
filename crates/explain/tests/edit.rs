//! Edits of a plan (issue 12, item 2) on the small fixture: each kind is made and checked at
//! once; its S1 delta equals an independent recomputation from the solver's own reading of
//! the cost model (`Prepared::s1_coefficient`); the rules it breaks are named; the repair
//! around it keeps the edit, passes the checker and changes as little as it must.

mod common;

use common::fixture;

use chrono::Weekday;
use sanlian_check::Rules;
use sanlian_explain::edit::{apply_edit, repair_edit, Edit, RepairError};
use sanlian_model::{Instance, Plan, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn county_of<'p>(plan: &'p Plan, id: &str) -> &'p str {
    &plan.assignments.iter().find(|a| a.cadre == id).unwrap().county
}

/// A province cadre who is not a group's leader, and a county other than its own.
fn movable(plan: &Plan) -> (String, String) {
    let id = ["P001", "P002", "P005", "P006"]
        .into_iter()
        .find(|id| plan.groups.iter().all(|g| g.leader.as_deref() != Some(*id)))
        .expect("a province cadre who does not lead");
    let here = county_of(plan, id).to_string();
    let there = plan.groups.iter().map(|g| g.county.clone()).find(|k| *k != here).unwrap();
    (id.to_string(), there)
}

#[test]
fn a_move_is_checked_at_once_with_its_exact_s1_delta() {
    let (inst, plan) = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let rules = Rules::new(&inst).unwrap();
    let (id, there) = movable(&plan);
    let here = county_of(&plan, &id).to_string();
    let answer = apply_edit(&prep, &rules, &plan, &Edit::Move { cadre: id.clone(), county: there.clone() }).unwrap();
    let c = prep.cadre_index[id.as_str()];
    let expected = prep.s1_coefficient(c, prep.county_index[there.as_str()])
        - prep.s1_coefficient(c, prep.county_index[here.as_str()]);
    let s1 = answer.stages["S1"];
    assert!((s1.delta - expected).abs() < 1e-6, "S1 delta {} vs {expected}", s1.delta);
    assert!(s1.delta >= -1e-6, "the optimum cannot get cheaper by a move");
    assert_eq!(county_of(&answer.plan, &id), there);
    let group = answer.plan.groups.iter().find(|g| g.county == there).unwrap();
    assert!(group.members.contains(&id));
    let unit_sum: f64 = answer.units.values().map(|d| d.delta).sum();
    assert!((unit_sum - answer.travel.delta).abs() < 1e-6, "unit deltas add up to the total");
    if inst.cadres[c].preferred_counties.is_empty() && inst.cadres[c].previous_county.is_none() {
        assert!((answer.travel.delta - s1.delta).abs() < 1e-6, "without preferences S1 is travel");
    }
    // Moving a cadre out of a group of minimum size leaves a township uncovered or a group
    // without a province/city member: whatever breaks is named, with its rule.
    for b in &answer.broken {
        assert!(b.rule.starts_with('H') || b.rule.starts_with('P'), "{b:?}");
        assert!(!b.message.is_empty());
    }
    assert_eq!(answer.valid, answer.broken.is_empty());
}

#[test]
fn a_swap_trades_groups_and_townships_and_its_delta_adds_up() {
    let (inst, plan) = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let rules = Rules::new(&inst).unwrap();
    // Two non-senior province or city cadres (interchangeable for H3 and H4) in different groups.
    let upper: Vec<&sanlian_model::Cadre> = inst.cadres.iter().filter(|c| !c.senior && c.level.is_upper()).collect();
    let (a, b) = upper
        .iter()
        .flat_map(|a| upper.iter().map(move |b| (a, b)))
        .find(|(a, b)| county_of(&plan, &a.id) != county_of(&plan, &b.id))
        .map(|(a, b)| (a.id.as_str(), b.id.as_str()))
        .expect("two of them apart");
    let (ka, kb) = (county_of(&plan, a).to_string(), county_of(&plan, b).to_string());
    let answer = apply_edit(&prep, &rules, &plan, &Edit::Swap { cadre: a.into(), other: b.into() }).unwrap();
    let k = |code: &str| prep.county_index[code];
    let (ca, cb) = (prep.cadre_index[a], prep.cadre_index[b]);
    let expected = prep.s1_coefficient(ca, k(&kb)) + prep.s1_coefficient(cb, k(&ka))
        - prep.s1_coefficient(ca, k(&ka))
        - prep.s1_coefficient(cb, k(&kb));
    assert!((answer.stages["S1"].delta - expected).abs() < 1e-6);
    let towns = |p: &Plan, id: &str| -> Vec<String> {
        p.assignments.iter().find(|x| x.cadre == id).unwrap().years.iter().map(|y| y.township.clone()).collect()
    };
    assert_eq!(towns(&answer.plan, a), towns(&plan, b));
    assert_eq!(towns(&answer.plan, b), towns(&plan, a));
    // Two interchangeable city cadres (same level, not senior): nothing breaks.
    assert!(answer.valid, "{:?}", answer.broken);
}

#[test]
fn a_township_in_another_county_and_a_weekend_leader_are_named_as_broken_rules() {
    let (inst, plan) = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let rules = Rules::new(&inst).unwrap();
    let id = "K370502-1";
    let year = plan.first_year;
    let answer =
        apply_edit(&prep, &rules, &plan, &Edit::Township { cadre: id.into(), year, township: "370503001".into() })
            .unwrap();
    assert!(!answer.valid);
    assert!(answer.broken.iter().any(|b| b.rule == "H5" && b.subject == id), "{:?}", answer.broken);
    // A non-senior leader breaks H3 in that county.
    let k = county_of(&plan, id).to_string();
    let answer = apply_edit(&prep, &rules, &plan, &Edit::Leader { county: k.clone(), cadre: id.into() }).unwrap();
    assert!(answer.broken.iter().any(|b| b.rule == "H3" && b.subject == k), "{:?}", answer.broken);
    // Another weekday changes S3b by at most one and breaks nothing.
    let answer = apply_edit(&prep, &rules, &plan, &Edit::Weekday { cadre: id.into(), weekday: Weekday::Fri }).unwrap();
    assert!(answer.valid, "{:?}", answer.broken);
    assert!(answer.stages["S3b"].delta.abs() <= 1.0);
    assert!(answer.stages["S1"].delta.abs() < 1e-9);
}

#[test]
fn an_edit_naming_nothing_known_is_refused() {
    let (inst, plan) = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let rules = Rules::new(&inst).unwrap();
    for edit in [
        Edit::Move { cadre: "NOBODY".into(), county: "370502".into() },
        Edit::Move { cadre: "P001".into(), county: "999999".into() },
        Edit::Township { cadre: "P001".into(), year: 2030, township: "370502001".into() },
        Edit::Months { cadre: "P001".into(), year: 2027, months: vec!["2028-05".into()] },
    ] {
        let e = apply_edit(&prep, &rules, &plan, &edit).unwrap_err();
        assert!(e.0.code == "edit.unknown", "{edit:?}: {e}");
        assert!(!e.0.text(sanlian_model::Lang::Zh).is_empty());
    }
}

#[test]
fn repairing_around_a_move_keeps_it_and_changes_little() {
    let (inst, plan) = fixture();
    let (id, there) = movable(&plan);
    let edit = Edit::Move { cadre: id.clone(), county: there.clone() };
    let repaired = repair_edit(&inst, &plan, &edit, &SolveOptions::default()).unwrap();
    assert_eq!(county_of(&repaired.plan, &id), there, "the edit is kept");
    let report = sanlian_check::check(&repaired.instance, &repaired.plan).unwrap();
    assert!(report.is_valid(), "{:?}", report.violations);
    assert!(repaired.changes.iter().any(|c| c.cadre == id && c.kind == "group"));
    // The fewest changes first: never more other cadres touched than a fresh optimum with the
    // lock would move.
    let prep = Prepared::new(&repaired.instance).unwrap();
    let Outcome::Planned(fresh) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!() };
    let moved_fresh =
        fresh.assignments.iter().filter(|a| a.cadre != id && county_of(&plan, &a.cadre) != a.county).count();
    let moved_repair =
        repaired.plan.assignments.iter().filter(|a| a.cadre != id && county_of(&plan, &a.cadre) != a.county).count();
    assert!(moved_repair <= moved_fresh, "repair moved {moved_repair}, a fresh solve {moved_fresh}");
    assert!(repaired.s1_delta >= -1e-6, "the optimum cannot get cheaper");
}

#[test]
fn repairing_around_an_impossible_edit_names_the_lock() {
    let (inst, plan) = fixture();
    // A county cadre cannot serve in another county (H2): the edit's lock is refused.
    let edit = Edit::Move { cadre: "K370502-1".into(), county: "370503".into() };
    match repair_edit(&inst, &plan, &edit, &SolveOptions::default()) {
        Err(RepairError::Edit(e)) => assert!(e.to_string().contains("H2"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn re_planning_after_a_departure_keeps_every_lock() {
    use sanlian_explain::replan::{reassign_with, ReplanOptions};
    use sanlian_model::{Event, Events, Lock, LockKind};
    let (base, _) = fixture();
    let locks = vec![
        Lock::new(LockKind::County, "P001").county("370503"),
        Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Thu),
        Lock::new(LockKind::NotMonths, "C0502").months(["2027-08", "2027-09", "2027-10", "2027-11", "2027-12"]),
        Lock::new(LockKind::Township, "K370502-1").township("370502003", 2028),
    ];
    let inst = Instance { locks, ..base };
    let prep = Prepared::new(&inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("infeasible") };
    // A member of the locked township's group leaves mid-plan: the repair must not touch the locks.
    let leaver = plan
        .groups
        .iter()
        .find(|g| g.county == "370502")
        .unwrap()
        .members
        .iter()
        .find(|m| m.starts_with('K') && *m != "K370502-1")
        .unwrap()
        .clone();
    let events = Events { events: vec![Event::Leave { date: "2027-07-01".parse().unwrap(), cadre: leaver }] };
    let opts = ReplanOptions {
        mode: sanlian_model::PlanMode::Strict,
        time_limit: None,
        repair_invalid: false,
        cancel: None,
        takeovers: Some(0),
    };
    let replan = reassign_with(&inst, &plan, &events, &opts).unwrap();
    let new = replan.plan.expect("a strict repair").into_plan();
    assert_eq!(new.locks, inst.locks);
    let report = sanlian_check::check(&replan.instance, &new).unwrap();
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(county_of(&new, "P001"), "370503");
    let a = new.assignments.iter().find(|a| a.cadre == "K370502-1").unwrap();
    assert!(a.years.iter().any(|y| y.year == 2028 && y.township == "370502003"));
}
