//! iCalendar output: CRLF, folding, events per block and weekly run, escaping, service periods.

mod common;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use common::{fixture, solve};
use sanlian_files::{ics, FilesError};
use sanlian_model::{Cadre, Instance, Plan};

fn stamp() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(8, 5, 9).unwrap()
}

fn unfold(text: &str) -> Vec<String> {
    text.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Weekly runs of one cadre-year, counted here independently: maximal stretches of window
/// months without a block month that hold at least one of its weekdays in service.
fn runs(c: &Cadre, plan: &Plan, year: i32, blocks: &[u32], day: Weekday) -> Vec<(NaiveDate, NaiveDate)> {
    let p = &plan.parameters;
    let mut out = Vec::new();
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for m in p.window_first_month..=p.window_last_month + 1 {
        let is_run_month = m <= p.window_last_month && !blocks.contains(&m);
        if is_run_month {
            let mut d = NaiveDate::from_ymd_opt(year, m, 1).unwrap();
            while d.month() == m {
                if d.weekday() == day && c.in_period(d) {
                    current = Some(current.map_or((d, d), |(a, _)| (a, d)));
                }
                d = d.succ_opt().unwrap();
            }
        } else if let Some(run) = current.take() {
            out.push(run);
        }
        if !is_run_month {
            current = None;
        }
    }
    out
}

fn expected_events(inst: &Instance, plan: &Plan, only: Option<&str>) -> usize {
    let mut n = 0;
    for a in plan.assignments.iter().filter(|a| only.is_none_or(|id| a.cadre == id)) {
        let c = inst.cadres.iter().find(|c| c.id == a.cadre).unwrap();
        for y in &a.years {
            n += y.blocks.len();
            if let Some(day) = y.weekday {
                let blocks: Vec<u32> = y.blocks.iter().map(|b| b.month[5..].parse().unwrap()).collect();
                n += runs(c, plan, y.year, &blocks, day).len();
            }
        }
    }
    n
}

/// (DTSTART, UNTIL) of every recurring event of unfolded lines.
fn weekly_events(lines: &[String]) -> Vec<(NaiveDate, NaiveDate)> {
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y%m%d").unwrap();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(rule) = l.strip_prefix("RRULE:") {
            let start = lines[..i].iter().rev().find_map(|x| x.strip_prefix("DTSTART;VALUE=DATE:")).unwrap();
            let until = rule.split(';').find_map(|p| p.strip_prefix("UNTIL=")).unwrap();
            out.push((date(start), date(until)));
        }
    }
    out
}

#[track_caller]
fn assert_wire_format(text: &str) {
    assert!(text.ends_with("\r\n"));
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
    }
}

#[test]
fn every_cadre_calendar_of_the_small_plan() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let text = ics(&inst, &plan, None, stamp()).unwrap();
    assert_wire_format(&text);
    assert!(text.contains("\r\n "), "long lines are folded");
    let lines = unfold(&text);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    for l in ["VERSION:2.0", "CALSCALE:GREGORIAN"] {
        assert!(lines.iter().any(|x| x == l), "{l}");
    }
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    assert!(lines.iter().any(|l| l.starts_with("X-WR-CALNAME:") && l.contains("东营市")));

    let events = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
    let blocks: usize = plan.assignments.iter().flat_map(|a| &a.years).map(|y| y.blocks.len()).sum();
    assert!(blocks > 0);
    assert_eq!(events, expected_events(&inst, &plan, None), "one event per block and per weekly run");
    assert_eq!(lines.iter().filter(|l| l.starts_with("RRULE:")).count(), events - blocks);
    assert_eq!(lines.iter().filter(|l| *l == "DTSTAMP:20261130T080509Z").count(), events);
    let uids: std::collections::BTreeSet<&String> = lines.iter().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(uids.len(), events, "UIDs are unique");
    let again = ics(&inst, &plan, None, stamp() + chrono::Duration::days(3)).unwrap();
    let uids_again: std::collections::BTreeSet<String> =
        unfold(&again).into_iter().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(uids.into_iter().cloned().collect::<std::collections::BTreeSet<_>>(), uids_again, "UIDs are stable");

    let a = plan.assignments.iter().find(|a| a.years.iter().any(|y| !y.blocks.is_empty())).unwrap();
    let c = inst.cadres.iter().find(|c| c.id == a.cadre).unwrap();
    let g = plan.groups.iter().find(|g| g.county == a.county).unwrap();
    let y = a.years.iter().find(|y| !y.blocks.is_empty()).unwrap();
    let town = &inst.region.townships.iter().find(|t| t.code == y.township).unwrap().name;
    let b = &y.blocks[0];
    let summary = format!("SUMMARY:三联四促下沉：{} {town}（{}）", g.county_name, c.name);
    let at = lines.iter().position(|l| *l == summary).unwrap_or_else(|| panic!("{summary} after unfolding"));
    let event_start = lines[..at].iter().rposition(|l| l == "BEGIN:VEVENT").unwrap();
    let event = &lines[event_start..at + 4];
    assert!(event.contains(&format!("DTSTART;VALUE=DATE:{}", b.first_day.format("%Y%m%d"))), "{event:?}");
    assert!(
        event.contains(&format!("DTEND;VALUE=DATE:{}", b.last_day.succ_opt().unwrap().format("%Y%m%d"))),
        "{event:?}"
    );
    let leader = inst.cadres.iter().find(|x| Some(x.id.as_str()) == g.leader.as_deref()).unwrap();
    let description = lines[at..].iter().find(|l| l.starts_with("DESCRIPTION:")).unwrap();
    for part in [
        format!("工作组：{}工作组", g.county_name),
        format!("组长：{}（{}）", leader.name, leader.id),
        format!("联系乡镇：{town}"),
    ] {
        assert!(description.contains(&part), "{description} lacks {part}");
    }
    assert!(description.contains("\\n"), "newlines are escaped");
}

#[test]
fn one_cadre_weekly_days_skip_block_months_and_follow_the_service_period() {
    let mut inst = fixture("small");
    let plan = solve(&inst);
    let mixed = plan
        .assignments
        .iter()
        .find(|a| a.years.iter().any(|y| y.weekday.is_some() && !y.blocks.is_empty()))
        .or_else(|| plan.assignments.iter().find(|a| a.years.iter().any(|y| y.weekday.is_some())))
        .unwrap();
    let id = mixed.cadre.clone();
    let text = ics(&inst, &plan, Some(&id), stamp()).unwrap();
    assert_wire_format(&text);
    let lines = unfold(&text);
    let c = inst.cadres.iter().find(|c| c.id == id).unwrap().clone();
    assert!(lines.iter().any(|l| l.starts_with("X-WR-CALNAME:") && l.contains(&c.name)));
    assert!(
        lines.iter().filter(|l| l.starts_with("SUMMARY:")).all(|l| !l.contains(&format!("（{}", c.name))),
        "one cadre's calendar does not repeat the name"
    );
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), expected_events(&inst, &plan, Some(&id)));
    let day = mixed.years.iter().find_map(|y| y.weekday).unwrap();
    let code = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day.num_days_from_monday() as usize];
    let rrules: Vec<&String> = lines.iter().filter(|l| l.starts_with("RRULE:")).collect();
    assert!(!rrules.is_empty());
    for r in &rrules {
        assert!(r.starts_with(&format!("RRULE:FREQ=WEEKLY;BYDAY={code};UNTIL=")), "{r}");
    }
    let weekly = weekly_events(&lines);
    assert_eq!(weekly.len(), rrules.len());
    for (start, until) in &weekly {
        assert_eq!((start.weekday(), until.weekday()), (day, day), "runs start and end on the cadre's weekday");
        for b in mixed.years.iter().flat_map(|y| &y.blocks) {
            assert!(
                until < &b.first_day || start > &b.last_day,
                "a weekly run {start}–{until} overlaps block {}",
                b.month
            );
        }
    }

    let from = NaiveDate::from_ymd_opt(plan.first_year, 7, 15).unwrap();
    inst.cadres.iter_mut().find(|c| c.id == id).unwrap().from = Some(from);
    let late = unfold(&ics(&inst, &plan, Some(&id), stamp()).unwrap());
    let late_runs = weekly_events(&late);
    assert!(late_runs.iter().all(|(d, _)| *d >= from && d.weekday() == day), "{late_runs:?}");
    let blocks: usize = mixed.years.iter().map(|y| y.blocks.len()).sum();
    assert_eq!(blocks + late_runs.len(), expected_events(&inst, &plan, Some(&id)));
    let first_year_runs =
        |runs: &[(NaiveDate, NaiveDate)]| runs.iter().filter(|(d, _)| d.year() == plan.first_year).count();
    assert!(first_year_runs(&weekly) > 0);
    assert!(late_runs.iter().filter(|(d, _)| d.year() == plan.first_year).all(|(d, _)| d.month() >= 7));
    assert!(late_runs.len() <= weekly.len());
}

#[test]
fn text_is_escaped_and_unknown_cadres_are_refused() {
    let mut inst = fixture("small");
    let plan = solve(&inst);
    let id = plan.assignments[0].cadre.clone();
    inst.cadres.iter_mut().find(|c| c.id == id).unwrap().name = "王,五;六\\七".into();
    let lines = unfold(&ics(&inst, &plan, None, stamp()).unwrap());
    assert!(lines.iter().any(|l| l.starts_with("SUMMARY:") && l.ends_with("（王\\,五\\;六\\\\七）")), "escaped name");
    assert_eq!(ics(&inst, &plan, Some("nobody"), stamp()), Err(FilesError::UnknownCadre("nobody".into())));
}
