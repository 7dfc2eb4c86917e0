//! Plan versions compared: a plan against itself, against its re-plan, against a hand edit.

use std::collections::BTreeSet;

use chrono::Weekday;
use sanlian_explain::diff::{diff, CadreStatus, ChangeKind, PlanDiff};
use sanlian_explain::render::{plan_diff, Lang};
use sanlian_explain::replan::reassign;
use sanlian_model::{Events, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn small() -> Instance {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/small/instance.json");
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn plan_of(inst: &Instance) -> Plan {
    let prep = Prepared::new(inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    *plan
}

fn leave(cadre: &str, date: &str) -> Events {
    Events::from_json(&format!(r#"{{"events": [{{"kind": "leave", "date": "{date}", "cadre": "{cadre}"}}]}}"#)).unwrap()
}

/// Per-unit deltas add up to the total delta, and each unit's delta is after − before.
fn assert_units_add_up(d: &PlanDiff) {
    let sum: f64 = d.units.iter().map(|u| u.delta).sum();
    assert!((sum - d.totals.delta).abs() < 0.01, "units {sum} vs total {}", d.totals.delta);
    for u in &d.units {
        assert!((u.after - u.before - u.delta).abs() < 1e-9, "{u:?}");
        assert!((u.before - u.travel_before - u.stay_before).abs() < 1e-9, "{u:?}");
    }
}

#[test]
fn a_plan_diffed_with_itself_is_empty() {
    let inst = small();
    let plan = plan_of(&inst);
    let d = diff(&inst, &plan, &plan);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(d.changes, 0);
    assert!(d.cadres.is_empty() && d.groups.is_empty());
    assert_eq!(d.units.len(), plan.costs.units.len());
    assert!(d.units.iter().all(|u| u.delta == 0.0));
    assert!(d.stages.iter().all(|s| s.delta == Some(0.0)), "{:?}", d.stages);
    let zh = plan_diff(&d, Lang::Zh);
    assert!(zh.contains("两版相同"), "{zh}");
    let en = plan_diff(&d, Lang::En);
    assert!(en.contains("The versions are the same"), "{en}");
}

#[test]
fn a_replan_diffs_to_its_own_change_list() {
    let inst = small();
    let plan = plan_of(&inst);
    let mut compared = 0;
    let mut nonempty = 0;
    let mut leaves = 0;
    // Mid-plan and before the plan starts (every decision free), leaders among the leavers.
    for date in ["2027-07-01", "2027-02-01", "2028-05-01"] {
        for cadre in &inst.cadres {
            let Ok(r) = reassign(&inst, &plan, &leave(&cadre.id, date), PlanMode::Strict, None, false) else {
                continue;
            };
            let Some(new) = r.plan.as_ref().map(|p| p.plan()) else { continue };
            let d = diff(&r.instance, &plan, new);
            compared += 1;
            nonempty += usize::from(!r.changes.is_empty());
            assert_units_add_up(&d);
            // The re-plan's changes, as (cadre, kind, year, from, to); a group change counts
            // once, months after the date only (those before it are pinned and equal).
            let cut = &date[..7];
            let later = |m: &str| m.split(' ').filter(|m| *m >= cut).collect::<Vec<_>>().join(" ");
            let want: BTreeSet<(String, String, Option<i32>, String, String)> = r
                .changes
                .iter()
                .map(|c| {
                    let year = (c.kind != "group").then_some(c.year);
                    let dash = |v: &str| if v == "—" { String::new() } else { v.to_string() };
                    (c.cadre.clone(), c.kind.clone(), year, dash(&c.from), dash(&c.to))
                })
                .collect();
            let got: BTreeSet<(String, String, Option<i32>, String, String)> = d
                .cadres
                .iter()
                .filter(|c| matches!(c.status, CadreStatus::Changed | CadreStatus::Leaves))
                .flat_map(|c| c.changes.iter().map(move |ch| (c, ch)))
                .filter(|(_, ch)| ch.kind != ChangeKind::Leader)
                .map(|(c, ch)| {
                    let (from, to) = if ch.kind == ChangeKind::Months {
                        (later(&ch.from), later(&ch.to))
                    } else {
                        (ch.from.clone(), ch.to.clone())
                    };
                    (c.cadre.clone(), ch.kind.id().to_string(), ch.year, from, to)
                })
                .collect();
            assert_eq!(got, want, "{} leaves on {date}", cadre.id);
            for g in &d.groups {
                // Once the plan is under way, leadership moves only in the group the leaver led.
                if date != "2027-02-01" {
                    assert!(
                        g.leader_from.as_deref() == Some(cadre.id.as_str()) || g.former_to.contains(&cadre.id),
                        "{} leaves on {date}: {g:?}",
                        cadre.id
                    );
                }
                // A new leader's own list says it leads now.
                if let Some(new) = g.leader_to.as_ref().filter(|l| g.leader_from.as_ref() != Some(*l)) {
                    let c = d.cadres.iter().find(|c| &c.cadre == new).expect("the new leader is listed");
                    assert!(c.changes.iter().any(|ch| ch.kind == ChangeKind::Leader && ch.to == g.county), "{c:?}");
                }
            }
            for c in d.cadres.iter().filter(|c| c.status == CadreStatus::Leaves) {
                assert_eq!(c.cadre, cadre.id);
                assert_eq!(c.until.map(|d| d.to_string()).as_deref(), Some(date));
                leaves += 1;
            }
            // Someone who left before the plan started is not in the new version.
            for c in d.cadres.iter().filter(|c| c.status == CadreStatus::Removed) {
                assert_eq!(c.cadre, cadre.id);
            }
        }
    }
    assert!(
        compared > 20 && nonempty > 5 && leaves > 5,
        "{compared} re-plans, {nonempty} with changes, {leaves} leaves"
    );
}

#[test]
fn a_hand_edited_plan_shows_each_kind_of_change() {
    let inst = small();
    let a = plan_of(&inst);
    let mut b = a.clone();
    // Group: the first non-leader member of the first group moves to the second group.
    let leader = b.groups[0].leader.clone().unwrap();
    let mover = b.groups[0].members.iter().find(|m| **m != leader).unwrap().clone();
    let (from_k, to_k) = (b.groups[0].county.clone(), b.groups[1].county.clone());
    let i = b.assignments.iter().position(|x| x.cadre == mover).unwrap();
    b.assignments[i].county = to_k.clone();
    // Leader: the mover leads the second group instead of its leader.
    let old_leader = b.groups[1].leader.replace(mover.clone()).unwrap();
    // Township, months and weekday of the mover's first year.
    let y = &mut b.assignments[i].years[0];
    let year = y.year;
    let old_town = y.township.clone();
    let new_town = inst.region.townships.iter().find(|t| t.county == to_k).unwrap().code.clone();
    y.township = new_town.clone();
    let old_months: Vec<String> = y.blocks.iter().map(|b| b.month.clone()).collect();
    y.blocks.truncate(1);
    y.blocks[0].month = format!("{year}-12");
    let old_day = y.weekday;
    y.weekday = Some(if old_day == Some(Weekday::Fri) { Weekday::Mon } else { Weekday::Fri });
    let d = diff(&inst, &a, &b);
    let mine = d.cadres.iter().find(|c| c.cadre == mover).expect("the mover changed");
    assert_eq!(mine.status, CadreStatus::Changed);
    let kinds: Vec<ChangeKind> = mine.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [ChangeKind::Group, ChangeKind::Leader, ChangeKind::Township, ChangeKind::Months, ChangeKind::Weekday]
    );
    let ch = |k: ChangeKind| mine.changes.iter().find(|c| c.kind == k).unwrap();
    assert_eq!(
        (ch(ChangeKind::Group).from.as_str(), ch(ChangeKind::Group).to.as_str()),
        (from_k.as_str(), to_k.as_str())
    );
    assert_eq!(ch(ChangeKind::Group).to_name, inst.region.counties.iter().find(|k| k.code == to_k).unwrap().name);
    assert_eq!((ch(ChangeKind::Leader).from.as_str(), ch(ChangeKind::Leader).to.as_str()), ("", to_k.as_str()));
    assert_eq!(ch(ChangeKind::Township).year, Some(year));
    assert_eq!((ch(ChangeKind::Township).from.clone(), ch(ChangeKind::Township).to.clone()), (old_town, new_town));
    let mut sorted = old_months.clone();
    sorted.sort();
    assert_eq!(ch(ChangeKind::Months).from, sorted.join(" "));
    assert_eq!(ch(ChangeKind::Months).to, format!("{year}-12"));
    // The old leader of the second group stops leading it.
    let ousted = d.cadres.iter().find(|c| c.cadre == old_leader).unwrap();
    assert_eq!(ousted.changes.len(), 1);
    assert_eq!((ousted.changes[0].kind, ousted.changes[0].to.as_str()), (ChangeKind::Leader, ""));
    assert_eq!(d.groups.len(), 1);
    assert_eq!(d.groups[0].leader_to.as_deref(), Some(mover.as_str()));
    assert_eq!(d.changes, 6);
    // A cadre only in one version: added in B, removed the other way round.
    let mut c = b.clone();
    let gone = c.assignments.pop().unwrap().cadre;
    let d2 = diff(&inst, &c, &b);
    let added = d2.cadres.iter().find(|x| x.cadre == gone).unwrap();
    assert_eq!(added.status, CadreStatus::Added);
    assert_eq!(added.changes[0].kind, ChangeKind::Group);
    assert_eq!(added.changes[0].from, "");
    let d3 = diff(&inst, &b, &c);
    assert_eq!(d3.cadres.iter().find(|x| x.cadre == gone).unwrap().status, CadreStatus::Removed);
    // The words, in both languages: Chinese without English words.
    let zh = plan_diff(&d, Lang::Zh);
    let name = &inst.cadres.iter().find(|c| c.id == mover).unwrap().name;
    for want in [name.as_str(), "工作组", "组长", "联系乡镇", "集中下沉月份", "每周下沉日", "组长变化", "派出单位费用"]
    {
        assert!(zh.contains(want), "{want}: {zh}");
    }
    let english = ["Group", "Leader", "Township", "Block", "Weekday", "leads", "none", "Mon", "Fri"];
    assert!(english.iter().all(|w| !zh.contains(w)), "{zh}");
    let en = plan_diff(&d, Lang::En);
    for want in ["Group", "Leader", "Township", "Block months", "Weekday", "Cost per dispatching unit"] {
        assert!(en.contains(want), "{want}: {en}");
    }
    // Every unit's before and after, and the totals, are the plans' own figures.
    assert_units_add_up(&d);
    assert!((d.totals.before - (a.costs.travel + a.costs.stay)).abs() < 1e-9);
}
