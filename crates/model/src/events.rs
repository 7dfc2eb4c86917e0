//! Changes during the plan (岗位调整, PLANNING_RULES §7): the events file and how it
//! turns an instance into the instance the rest of the plan is made for.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::msg::Msg;
use crate::validate::parse_month;
use crate::{Cadre, InputError, Instance, Plan, Problem};

/// An events file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// The events, in any order.
    pub events: Vec<Event>,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A cadre leaves on `date` (its service ends the day before).
    Leave {
        /// Day the change takes effect.
        date: NaiveDate,
        /// Id of the cadre who leaves.
        cadre: String,
    },
    /// A new cadre joins on `date`.
    Join {
        /// Day the change takes effect.
        date: NaiveDate,
        /// The new cadre's record.
        cadre: Cadre,
    },
    /// A successor takes over from a cadre on `date`: same group, its townships and its
    /// remaining blocks where the rules allow (the work plan: 由调整后人员继续参加工作组工作).
    Replace {
        /// Day the change takes effect.
        date: NaiveDate,
        /// Id of the cadre who leaves.
        cadre: String,
        /// The successor's record.
        successor: Cadre,
    },
    /// A cadre becomes unavailable in some months (known from `date`).
    Unavailable {
        /// Day the change becomes known.
        date: NaiveDate,
        /// Id of the cadre.
        cadre: String,
        /// Months "YYYY-MM", each starting on or after `date`.
        months: Vec<String>,
    },
}

impl Event {
    /// The day the event takes effect.
    pub fn date(&self) -> NaiveDate {
        match self {
            Event::Leave { date, .. }
            | Event::Join { date, .. }
            | Event::Replace { date, .. }
            | Event::Unavailable { date, .. } => *date,
        }
    }
}

/// The instance for the rest of the plan.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The instance with the events applied: leavers serve `until` their date (or are
    /// gone if they left before the plan started), joiners and successors serve `from` it.
    pub instance: Instance,
    /// The earliest event date: every decision before it is pinned.
    pub date: NaiveDate,
    /// For each cadre of `instance`, the id whose decisions are its baseline: itself,
    /// its predecessor (successors), or none (joiners).
    pub baseline: Vec<Option<String>>,
    /// Ids of the cadres who leave (with or without a successor).
    pub leavers: Vec<String>,
}

impl Events {
    /// Parse an events file, naming the line and column of a syntax error (a leading
    /// byte-order mark is accepted).
    pub fn from_json(text: &str) -> Result<Events, InputError> {
        crate::validate::from_json("events", text)
    }

    /// Apply the events to `inst`, whose plan in force is `base`, checking each against the
    /// instance: every problem is reported with the event's place (`events[2].cadre`). Events
    /// are read in file order, so a later event may name a cadre an earlier one added.
    ///
    /// In a year served only in part, H8 asks for the blocks still owed (§7): a leaver owes
    /// the blocks `base` gave it before the date, a successor the blocks of its own mode that
    /// its predecessor had not taken before the date; both are written to `blocks_owed`.
    pub fn apply(&self, inst: &Instance, base: &Plan) -> Result<Applied, InputError> {
        let mut problems = Vec::new();
        let mut add = |path: String, msg: Msg| problems.push(Problem::new(path, msg));
        if self.events.is_empty() {
            add("events".into(), Msg::new("event.none"));
        }
        let p = &inst.parameters;
        let (plan_first, plan_last) =
            (NaiveDate::from_ymd_opt(inst.first_year, 1, 1), NaiveDate::from_ymd_opt(inst.first_year + 1, 12, 31));
        let window_start =
            |year: i32| crate::cost::month_days(year.clamp(1, 9999), p.window_first_month.clamp(1, 12)).0;
        let start = window_start(inst.first_year);
        let mut out = inst.clone();
        let mut baseline: Vec<Option<String>> = inst.cadres.iter().map(|c| Some(c.id.clone())).collect();
        let mut leavers: Vec<String> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        // Where each cadre added or changed by an event came from, for locating its problems.
        let mut origin: std::collections::HashMap<String, (usize, &'static str)> = std::collections::HashMap::new();
        for (i, e) in self.events.iter().enumerate() {
            let at = |field: &str| format!("events[{i}].{field}");
            let date = e.date();
            if plan_first.is_none_or(|f| date < f) || plan_last.is_none_or(|l| date > l) {
                add(
                    at("date"),
                    Msg::new("input.outside_plan_years")
                        .arg("value", date)
                        .arg("first", inst.first_year)
                        .arg("second", inst.first_year + 1),
                );
                continue;
            }
            let known = |out: &Instance, id: &str| out.cadres.iter().position(|c| c.id == id);
            let taken = |id: &str, year: i32| -> u32 {
                base.assignments
                    .iter()
                    .find(|a| a.cadre == id)
                    .and_then(|a| a.years.iter().find(|ya| ya.year == year))
                    .map_or(0, |ya| {
                        ya.blocks
                            .iter()
                            .filter(|b| {
                                parse_month(&b.month).is_some_and(|(y, m)| crate::cost::month_days(y, m).0 < date)
                            })
                            .count() as u32
                    })
            };
            // A date inside a year's window (after its first day) splits that year.
            let split_year = (date > window_start(date.year())).then_some(date.year());
            match e {
                Event::Leave { cadre, .. } | Event::Replace { cadre, .. } => {
                    let Some(c) = known(&out, cadre) else {
                        add(at("cadre"), Msg::new("event.unknown_cadre").arg("cadre", cadre));
                        continue;
                    };
                    if leavers.contains(cadre) {
                        add(at("cadre"), Msg::new("event.already_leaves").arg("cadre", cadre));
                        continue;
                    }
                    leavers.push(cadre.clone());
                    origin.entry(cadre.clone()).or_insert((i, "date"));
                    // Leaving before its first window starts, the cadre has done nothing yet.
                    let first_window =
                        if out.cadres[c].active_in(1) { start } else { window_start(inst.first_year + 1) };
                    let first_active = out.cadres[c].from.map_or(first_window, |f| f.max(first_window));
                    if date <= first_active {
                        removed.push(cadre.clone());
                    } else {
                        out.cadres[c].until = Some(date);
                        if let Some(year) = split_year {
                            let kept = taken(cadre, year);
                            out.cadres[c].blocks_owed.insert(year, kept);
                        }
                    }
                    if let Event::Replace { successor, .. } = e {
                        if known(&out, &successor.id).is_some() {
                            add(at("successor.id"), Msg::new("event.id_taken").arg("id", &successor.id));
                            continue;
                        }
                        let mut s = successor.clone();
                        s.from = (date > start).then_some(date);
                        if let Some(year) = split_year {
                            let own = match s.mode() {
                                crate::Mode::Blocks => p.blocks_per_year,
                                crate::Mode::Mixed => p.mixed_blocks_per_year,
                                crate::Mode::Weekly => 0,
                            };
                            s.blocks_owed.insert(year, own.saturating_sub(taken(cadre, year)));
                        }
                        origin.insert(s.id.clone(), (i, "successor"));
                        out.cadres.push(s);
                        baseline.push(Some(cadre.clone()));
                    }
                }
                Event::Join { cadre, .. } => {
                    if known(&out, &cadre.id).is_some() {
                        add(at("cadre.id"), Msg::new("event.id_taken").arg("id", &cadre.id));
                        continue;
                    }
                    let mut s = cadre.clone();
                    s.from = (date > start).then_some(date);
                    origin.insert(s.id.clone(), (i, "cadre"));
                    out.cadres.push(s);
                    baseline.push(None);
                }
                Event::Unavailable { cadre, months, .. } => {
                    let Some(c) = known(&out, cadre) else {
                        add(at("cadre"), Msg::new("event.unknown_cadre").arg("cadre", cadre));
                        continue;
                    };
                    if months.is_empty() {
                        add(at("months"), Msg::new("event.no_months"));
                    }
                    origin.entry(cadre.clone()).or_insert((i, "months"));
                    for (j, m) in months.iter().enumerate() {
                        let path = at(&format!("months[{j}]"));
                        match parse_month(m) {
                            None => add(path, Msg::new("input.bad_month").arg("month", format!("{m:?}"))),
                            Some((y, mm)) if crate::cost::month_days(y.clamp(1, 9999), mm).0 < date => {
                                add(path, Msg::new("event.month_before_date").arg("month", m).arg("date", date))
                            }
                            Some(_) => {
                                if !out.cadres[c].unavailable_months.contains(m) {
                                    out.cadres[c].unavailable_months.push(m.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
        let keep: Vec<bool> = out.cadres.iter().map(|c| !removed.contains(&c.id)).collect();
        let mut k = keep.iter();
        out.cadres.retain(|_| *k.next().expect("one flag per cadre"));
        let mut k = keep.iter();
        baseline.retain(|_| *k.next().expect("one flag per cadre"));
        if problems.is_empty() {
            if let Err(InputError::Invalid { problems: more, .. }) = out.validate() {
                for pr in more {
                    problems.push(locate(&out, &origin, pr));
                }
            }
        }
        if !problems.is_empty() {
            return Err(InputError::Invalid { what: "events", problems });
        }
        let date = self.events.iter().map(Event::date).min().expect("at least one event");
        Ok(Applied { instance: out, date, baseline, leavers })
    }
}

/// Move a problem of the instance with the events applied to the event it comes from:
/// `cadres[40].base.lat` of a joiner becomes `events[2].cadre.base.lat`, a problem of a
/// cadre an event changed names that event.
fn locate(out: &Instance, origin: &std::collections::HashMap<String, (usize, &'static str)>, pr: Problem) -> Problem {
    let Some((idx, rest)) = pr.path.strip_prefix("cadres[").and_then(|r| r.split_once(']')) else { return pr };
    let Some(cadre) = idx.parse::<usize>().ok().and_then(|n| out.cadres.get(n)) else { return pr };
    match origin.get(&cadre.id) {
        Some(&(i, field @ ("cadre" | "successor"))) => Problem { path: format!("events[{i}].{field}{rest}"), ..pr },
        Some(&(i, field)) => Problem::new(
            format!("events[{i}].{field}"),
            Msg::new("event.located").arg_msg("problem", pr.msg).arg("cadre", &cadre.id).arg("path", &pr.path),
        ),
        None => pr,
    }
}
