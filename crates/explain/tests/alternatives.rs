//! Alternatives on demand (issue 12, item 3) on the small fixture: each feasible alternative,
//! repaired again, passes the checker with the alternative kept and the same S1 delta; they
//! come ranked by (others changed, S1 delta); what a rule forbids is said with the rule.

mod common;

use common::fixture;

use sanlian_explain::alternatives::{alternatives, Subject};
use sanlian_explain::edit::{repair_edit, Edit};
use sanlian_model::{Instance, Plan};
use sanlian_solver::SolveOptions;

/// Each feasible alternative re-repaired and re-checked; the list ranked.
fn recheck(inst: &Instance, plan: &Plan, list: &sanlian_explain::alternatives::Alternatives) {
    let mut last = (0usize, f64::NEG_INFINITY);
    for a in list.alternatives.iter().filter(|a| a.feasible) {
        let r = repair_edit(inst, plan, &a.edit, &SolveOptions::default()).expect("feasible");
        let report = sanlian_check::check(&r.instance, &r.plan).unwrap();
        assert!(report.is_valid(), "{:?}: {:?}", a.edit, report.violations);
        assert!((r.s1_delta - a.s1_delta.unwrap()).abs() < 1e-6, "{:?}", a.edit);
        assert_eq!(Some(r.others), a.others, "{:?}", a.edit);
        assert_eq!(Some(r.changes.len()), a.changes, "{:?}: {:?}", a.edit, r.changes);
        let key = (a.others.unwrap(), a.s1_delta.unwrap());
        assert!(key.0 > last.0 || (key.0 == last.0 && key.1 >= last.1 - 1e-9), "ranked: {last:?} then {key:?}");
        last = key;
    }
    let first_infeasible = list.alternatives.iter().position(|a| !a.feasible).unwrap_or(list.alternatives.len());
    assert!(list.alternatives[first_infeasible..].iter().all(|a| !a.feasible), "feasible ones first");
}

#[test]
fn a_province_cadres_other_groups_are_repaired_exactly_and_ranked() {
    let (inst, plan) = fixture();
    let list = alternatives(&inst, &plan, &Subject::Cadre("P001".into()), 3, &SolveOptions::default()).unwrap();
    assert_eq!(list.alternatives.len(), 3);
    assert!(list.ruled_out.is_empty(), "a province cadre may serve anywhere: {:?}", list.ruled_out);
    assert_eq!(list.considered, inst.region.counties.len() - 1);
    for a in &list.alternatives {
        assert!(matches!(&a.edit, Edit::Move { cadre, county } if cadre == "P001" && county == &a.candidate));
        assert!(a.feasible && a.exact, "{a:?}");
        assert!(a.s1_delta.unwrap() >= -1e-6, "the plan is optimal: {a:?}");
    }
    recheck(&inst, &plan, &list);
}

#[test]
fn a_county_cadre_has_no_other_group_and_h2_says_why() {
    let (inst, plan) = fixture();
    let list = alternatives(&inst, &plan, &Subject::Cadre("K370502-1".into()), 5, &SolveOptions::default()).unwrap();
    assert!(list.alternatives.is_empty());
    assert_eq!(list.ruled_out.len(), inst.region.counties.len() - 1);
    assert!(list.ruled_out.iter().all(|(_, rule)| rule == "H2"), "{:?}", list.ruled_out);
}

#[test]
fn a_countys_leaders_put_its_senior_members_first_at_no_cost() {
    let (inst, plan) = fixture();
    let g = plan.groups.iter().find(|g| g.county == "370502").unwrap();
    let list = alternatives(&inst, &plan, &Subject::Leader(g.county.clone()), 4, &SolveOptions::default()).unwrap();
    assert!(!list.alternatives.is_empty());
    let senior_members: Vec<&String> = g
        .members
        .iter()
        .filter(|m| Some(*m) != g.leader.as_ref() && inst.cadres.iter().any(|c| &c.id == *m && c.senior))
        .collect();
    assert!(!senior_members.is_empty(), "东营区 has a senior member besides its leader");
    for m in &senior_members {
        let a = list.alternatives.iter().find(|a| &&a.candidate == m).expect("each senior member is an alternative");
        assert!(a.feasible && a.others == Some(0) && a.s1_delta.unwrap().abs() < 1e-6, "{a:?}");
    }
    // Members who are not senior are ruled out by H3.
    assert!(list.ruled_out.iter().all(|(_, r)| r == "H3" || r == "P4"));
    assert!(list.ruled_out.iter().any(|(_, r)| r == "H3"));
    recheck(&inst, &plan, &list);
}

#[test]
fn a_township_years_cadres_are_members_of_its_group_first() {
    let (inst, plan) = fixture();
    let year = plan.first_year;
    let list =
        alternatives(&inst, &plan, &Subject::Township("370502001".into(), year), 3, &SolveOptions::default()).unwrap();
    let group = plan.groups.iter().find(|g| g.county == "370502").unwrap();
    for a in &list.alternatives {
        assert!(group.members.contains(&a.candidate), "{a:?}");
    }
    recheck(&inst, &plan, &list);
}

#[test]
fn unknown_subjects_are_refused() {
    let (inst, plan) = fixture();
    for s in
        [Subject::Cadre("NOBODY".into()), Subject::Leader("999999".into()), Subject::Township("370502001".into(), 2031)]
    {
        assert!(alternatives(&inst, &plan, &s, 3, &SolveOptions::default()).is_err(), "{s:?}");
    }
}
