//! P1–P9: the planner's locks and bans hold in the plan, read from the instance by the
//! checker itself (each lock by its words in `sanlian_model::locks`).

use chrono::NaiveDate;
use sanlian_model::{LockKind, Plan};

use crate::reading::{year_month, Rules};
use crate::view::PlanView;
use crate::Findings;

/// Check every lock of the instance against the plan, and that the plan echoes them.
pub(crate) fn check_locks(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    let inst = rules.inst;
    if plan.locks != inst.locks {
        found.add(
            "P",
            "locks",
            format!("the plan lists {} lock(s), the instance {}: they differ", plan.locks.len(), inst.locks.len()),
        );
    }
    for (i, lock) in inst.locks.iter().enumerate() {
        let Some(&c) = rules.cadre_index.get(lock.cadre.as_str()) else { continue };
        let subject = format!("locks[{i}]");
        let id = &lock.cadre;
        let county = lock.county.as_deref().and_then(|k| rules.county_index.get(k).copied());
        let plan_year = lock.year.and_then(|y| usize::try_from(y - inst.first_year).ok()).filter(|&y| y < 2);
        let town = lock.township.as_deref().and_then(|t| rules.township_index.get(t).copied());
        let rule = lock.rule();
        let name = |k: usize| format!("{} {}", inst.region.counties[k].code, inst.region.counties[k].name);
        match lock.kind {
            LockKind::County | LockKind::Leader => {
                let Some(k) = county else { continue };
                if view.county_of[c] != Some(k) {
                    found.add(rule, &subject, format!("{id} is locked into {} but is not in its group", name(k)));
                } else if lock.kind == LockKind::Leader {
                    for day in days_not_led_by(rules, view, k, c) {
                        found.add(
                            rule,
                            &subject,
                            format!("{id} is locked to lead {} but does not lead it on {day}", name(k)),
                        );
                    }
                }
            }
            LockKind::NotCounty => {
                if let Some(k) = county.filter(|&k| view.county_of[c] == Some(k)) {
                    found.add(rule, &subject, format!("{id} is barred from {} but is in its group", name(k)));
                }
            }
            LockKind::NotLeader => {
                let Some(k) = county else { continue };
                if leads_ever(view, k, id) {
                    found.add(rule, &subject, format!("{id} is barred from leading {} but leads it", name(k)));
                }
            }
            LockKind::Township | LockKind::NotTownship => {
                let (Some(t), Some(y)) = (town, plan_year) else { continue };
                let covers = view.township[c][y] == Some(t);
                let tname = &inst.region.townships[t].name;
                if lock.kind == LockKind::Township && !covers {
                    found.add(
                        rule,
                        &subject,
                        format!("{id} is locked to {tname} in {} but does not cover it", view.year(y)),
                    );
                }
                if lock.kind == LockKind::NotTownship && covers {
                    found.add(rule, &subject, format!("{id} is barred from {tname} in {} but covers it", view.year(y)));
                }
            }
            LockKind::Months | LockKind::NotMonths => {
                for m in &lock.months {
                    let Some((year, month)) = year_month(m) else { continue };
                    let Some(y) = usize::try_from(year - inst.first_year).ok().filter(|&y| y < 2) else { continue };
                    let on = view.block_months(c, y).contains(&month);
                    if lock.kind == LockKind::Months && !on {
                        found.add(rule, &subject, format!("{id} is locked on a block in {m} but has none then"));
                    }
                    if lock.kind == LockKind::NotMonths && on {
                        found.add(rule, &subject, format!("{id} is barred from a block in {m} but has one then"));
                    }
                }
            }
            LockKind::Weekday => {
                let Some(day) = lock.weekday else { continue };
                for y in 0..2 {
                    if let Some(e) = view.entries[c][y] {
                        if e.weekday.is_some_and(|d| d != day) {
                            found.add(
                                rule,
                                &subject,
                                format!("{id} is locked to {day} but works on another weekday in {}", view.year(y)),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The leaders of county `k`'s group with the day each stopped (none without a group).
fn timeline<'p>(view: &PlanView<'p>, k: usize) -> Vec<(&'p str, Option<NaiveDate>)> {
    view.group[k].map(crate::rules::leaders).unwrap_or_default()
}

/// The days of the plan's stretches on which cadre `c` serves but does not lead county `k`.
fn days_not_led_by(rules: &Rules, view: &PlanView, k: usize, c: usize) -> Vec<NaiveDate> {
    let id = rules.inst.cadres[c].id.as_str();
    let leaders = timeline(view, k);
    let mut days = rules.stretch_days(view.members[k].iter().copied());
    days.extend(leaders.iter().filter_map(|&(_, u)| u).filter(|&u| rules.in_window(u)));
    days.sort();
    days.dedup();
    days.into_iter()
        .filter(|&day| rules.serves_on(c, day))
        .filter(|&day| leaders.iter().find(|(_, until)| until.is_none_or(|u| day < u)).is_none_or(|&(l, _)| l != id))
        .collect()
}

/// Whether `id` is listed as a leader of county `k`'s group at any time.
fn leads_ever(view: &PlanView, k: usize, id: &str) -> bool {
    timeline(view, k).iter().any(|&(l, _)| l == id)
}
