//! Takeover options when a group's leader leaves mid-plan (issue 11, item 8), on the small
//! fixture: every feasible option's plan passes the checker with the candidate leading the
//! group, the options come sorted by (changes, cost), their cost deltas add up, and a
//! candidate whose move breaks its own group is reported infeasible with the rule.

mod common;

use common::fixture;

use sanlian_explain::render::{Lang, Names};
use sanlian_explain::replan::{reassign_with, ReplanOptions, TakeoverStatus};
use sanlian_model::{Event, Events, Instance, Plan, PlanMode};

fn total(p: &Plan) -> f64 {
    p.costs.travel + p.costs.stay
}

fn leave(cadre: &str) -> Events {
    Events { events: vec![Event::Leave { date: "2027-07-01".parse().unwrap(), cadre: cadre.into() }] }
}

/// The first leader of the plan whose group has no other senior member: its leaving leaves
/// no strict repair, and every candidate must move.
fn lone_leader(inst: &Instance, plan: &Plan) -> String {
    let senior = |id: &str| inst.cadres.iter().any(|c| c.id == id && c.senior);
    plan.groups
        .iter()
        .find(|g| g.members.iter().filter(|m| senior(m)).count() == 1)
        .and_then(|g| g.leader.clone())
        .expect("a group with one senior member")
}

#[test]
fn a_leader_leaving_lists_checked_takeovers_sorted_by_changes_then_cost() {
    let (inst, old) = fixture();
    let leader = lone_leader(&inst, &old);
    let county = old.groups.iter().find(|g| g.leader.as_deref() == Some(leader.as_str())).unwrap().county.clone();
    let opts = ReplanOptions { mode: PlanMode::Strict, ..ReplanOptions::default() };
    let r = reassign_with(&inst, &old, &leave(&leader), &opts).unwrap();
    assert_eq!(r.takeovers.len(), 1, "{:?}", r.takeovers);
    let g = &r.takeovers[0];
    assert_eq!((g.county.as_str(), g.leaver.as_str()), (county.as_str(), leader.as_str()));
    assert!(!g.options.is_empty());
    assert!(g.options.len() <= 5 && g.not_evaluated == g.eligible - g.options.len(), "{g:?}");
    let feasible: Vec<_> = g.options.iter().filter(|t| t.status == TakeoverStatus::Feasible).collect();
    assert!(!feasible.is_empty(), "{g:?}");
    for t in &feasible {
        let (inst2, plan) = (t.instance.as_ref().unwrap(), t.plan.as_ref().unwrap().plan());
        let report = sanlian_check::check(inst2, plan).unwrap();
        assert!(report.is_valid(), "{}: {:?}", t.cadre, report.violations);
        let group = plan.groups.iter().find(|x| x.county == county).unwrap();
        assert_eq!(group.leader.as_deref(), Some(t.leads_as.as_str()), "{}", t.cadre);
        assert!(group.former_leaders.iter().any(|f| f.cadre == leader), "{group:?}");
        let recomputed = total(plan) - total(&old);
        assert!((t.cost_delta - recomputed).abs() < 1e-6, "{} vs {recomputed}", t.cost_delta);
        let units: f64 = t.unit_deltas.iter().map(|u| u.delta).sum();
        assert!(
            (units - recomputed).abs() < 0.5 * (t.unit_deltas.len() as f64 + 1.0) + 1e-6,
            "{units} vs {recomputed}"
        );
    }
    // Feasible first, then by changes, then by cost.
    let keys: Vec<(bool, usize, f64)> =
        g.options.iter().map(|t| (t.status != TakeoverStatus::Feasible, t.changes, t.cost_delta)).collect();
    for w in keys.windows(2) {
        assert!(w[0].0 <= w[1].0, "{keys:?}");
        if !w[0].0 && !w[1].0 {
            assert!((w[0].1, w[0].2) <= (w[1].1, w[1].2), "{keys:?}");
        }
    }
    // The words name a candidate with a cost, in both languages.
    let zh = r.takeover_lines(Lang::Zh).join("\n");
    let en = r.takeover_lines(Lang::En).join("\n");
    let first = feasible[0];
    assert!(zh.contains("可接任组长") && zh.contains(&first.cadre) && zh.contains("费用"), "{zh}");
    assert!(en.contains("Could take over") && en.contains(&first.cadre) && en.contains("cost"), "{en}");
    assert!(r.report(&old, Lang::Zh).contains("可接任组长"));
}

#[test]
fn a_candidate_whose_move_leaves_its_own_group_unled_is_infeasible_with_the_rule() {
    let (inst, old) = fixture();
    let leader = lone_leader(&inst, &old);
    let opts = ReplanOptions { mode: PlanMode::Strict, ..ReplanOptions::default() };
    let r = reassign_with(&inst, &old, &leave(&leader), &opts).unwrap();
    let g = &r.takeovers[0];
    let senior = |id: &str| inst.cadres.iter().any(|c| c.id == id && c.senior);
    // A candidate that is its own group's only senior member: moving it leaves that group
    // without a senior leader (H3).
    let lone = g
        .options
        .iter()
        .find(|t| {
            let group = old.groups.iter().find(|x| x.members.contains(&t.cadre)).unwrap();
            group.members.iter().filter(|m| senior(m)).count() == 1
        })
        .expect("a candidate that is its group's only senior");
    assert_eq!(lone.status, TakeoverStatus::Infeasible, "{lone:?}");
    assert!(lone.moves && lone.plan.is_none());
    let reason = lone.reason.as_deref().unwrap();
    assert!(reason.contains("H3"), "{reason}");
    let words = lone.text(Lang::Zh, &Names::of(&inst));
    assert!(words.contains("不可行") && words.contains(&lone.cadre) && words.contains("H3"), "{words}");
    let english: Vec<&str> = words.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3).collect();
    assert!(english.is_empty(), "English in the Chinese reason: {english:?} in {words}");
    // The same move asked directly has no strict repair either.
    let successor = inst.cadres.iter().find(|c| c.id == lone.cadre).unwrap().clone();
    let successor = sanlian_model::Cadre { id: lone.leads_as.clone(), ..successor };
    let date = "2027-07-01".parse().unwrap();
    let moved = Events {
        events: vec![
            Event::Replace { date, cadre: leader.clone(), successor },
            Event::Leave { date, cadre: lone.cadre.clone() },
        ],
    };
    let direct = reassign_with(&inst, &old, &moved, &ReplanOptions { takeovers: Some(0), ..opts }).unwrap();
    assert!(direct.plan.is_none() && !direct.certificates.is_empty());
    assert!(direct.takeovers.iter().all(|t| t.options.is_empty()));
}

#[test]
fn no_takeovers_are_evaluated_when_asked_for_none() {
    let (inst, old) = fixture();
    let leader = lone_leader(&inst, &old);
    let opts = ReplanOptions { mode: PlanMode::Strict, takeovers: Some(0), ..ReplanOptions::default() };
    let r = reassign_with(&inst, &old, &leave(&leader), &opts).unwrap();
    let g = &r.takeovers[0];
    assert!(g.options.is_empty() && g.not_evaluated == g.eligible && g.eligible > 0, "{g:?}");
}

#[test]
fn a_senior_member_of_the_group_takes_over_without_moving_and_the_repair_names_its_pick() {
    let (inst, old) = fixture();
    let senior = |id: &str| inst.cadres.iter().any(|c| c.id == id && c.senior);
    let group = old
        .groups
        .iter()
        .find(|g| g.members.iter().filter(|m| senior(m)).count() >= 2)
        .expect("a group with two senior members");
    let leader = group.leader.clone().unwrap();
    let opts = ReplanOptions { mode: PlanMode::Strict, ..ReplanOptions::default() };
    let r = reassign_with(&inst, &old, &leave(&leader), &opts).unwrap();
    let g = &r.takeovers[0];
    let members: Vec<_> = g.options.iter().filter(|t| group.members.contains(&t.cadre)).collect();
    assert!(!members.is_empty(), "{g:?}");
    for t in &members {
        assert!(!t.moves && t.status == TakeoverStatus::Feasible, "{t:?}");
        let plan = t.plan.as_ref().unwrap().plan();
        assert!(sanlian_check::check(t.instance.as_ref().unwrap(), plan).unwrap().is_valid());
        let led = plan.groups.iter().find(|x| x.county == group.county).unwrap();
        assert_eq!(led.leader.as_deref(), Some(t.cadre.as_str()));
    }
    let shown = r.plan.as_ref().expect("a strict repair").plan();
    let pick = shown.groups.iter().find(|x| x.county == group.county).unwrap().leader.clone().unwrap();
    let chosen: Vec<_> = g.options.iter().filter(|t| t.chosen).collect();
    assert_eq!(chosen.len(), 1, "{g:?}");
    assert_eq!(chosen[0].cadre, pick);
    // The repair's own pick costs what the repair costs.
    assert!((chosen[0].cost_delta - (total(shown) - total(&old))).abs() < 1e-6);
    assert!(r.takeover_lines(Lang::Zh).iter().any(|l| l.starts_with("采用：") && l.contains(&pick)));
}
