//! Changes during the plan (岗位调整, PLANNING_RULES §7): the events file and how it
//! turns an instance into the instance the rest of the plan is made for.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validate::parse_month;
use crate::{Cadre, InputError, Instance, Problem};

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
    /// Parse an events file, naming the line and column of a syntax error.
    pub fn from_json(text: &str) -> Result<Events, InputError> {
        serde_json::from_str(text).map_err(|e| InputError::Json {
            what: "events",
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }

    /// Apply the events to `inst`, checking each against the instance: every problem is
    /// reported with the event's place (`events[2].cadre`).
    pub fn apply(&self, inst: &Instance) -> Result<Applied, InputError> {
        let mut problems = Vec::new();
        let mut add = |path: String, message: String| problems.push(Problem { path, message });
        if self.events.is_empty() {
            add("events".into(), "there are no events: nothing to re-plan".into());
        }
        let p = &inst.parameters;
        let (plan_first, plan_last) =
            (NaiveDate::from_ymd_opt(inst.first_year, 1, 1), NaiveDate::from_ymd_opt(inst.first_year + 1, 12, 31));
        let start = crate::cost::month_days(inst.first_year, p.window_first_month.clamp(1, 12)).0;
        let mut out = inst.clone();
        let mut baseline: Vec<Option<String>> = inst.cadres.iter().map(|c| Some(c.id.clone())).collect();
        let mut leavers: Vec<String> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        let mut ids: std::collections::HashSet<String> = inst.cadres.iter().map(|c| c.id.clone()).collect();
        let known = |id: &str| inst.cadres.iter().position(|c| c.id == id);
        for (i, e) in self.events.iter().enumerate() {
            let at = |field: &str| format!("events[{i}].{field}");
            let date = e.date();
            if plan_first.is_none_or(|f| date < f) || plan_last.is_none_or(|l| date > l) {
                add(
                    at("date"),
                    format!("{date} is outside the plan years {} and {}", inst.first_year, inst.first_year + 1),
                );
                continue;
            }
            match e {
                Event::Leave { cadre, .. } | Event::Replace { cadre, .. } => {
                    let Some(c) = known(cadre) else {
                        add(at("cadre"), format!("{cadre} is not a cadre of the instance"));
                        continue;
                    };
                    if leavers.contains(cadre) {
                        add(at("cadre"), format!("{cadre} already leaves in an earlier event: two events conflict"));
                        continue;
                    }
                    leavers.push(cadre.clone());
                    // Leaving before its first window starts, the cadre has done nothing yet.
                    let first_active = if inst.cadres[c].active_in(1) {
                        start
                    } else {
                        start.with_year(inst.first_year + 1).unwrap_or(start)
                    };
                    if date <= first_active {
                        removed.push(cadre.clone());
                    } else {
                        out.cadres[c].until = Some(date);
                    }
                    if let Event::Replace { successor, .. } = e {
                        if !ids.insert(successor.id.clone()) {
                            add(at("successor.id"), format!("{} is already a cadre id", successor.id));
                            continue;
                        }
                        let mut s = successor.clone();
                        s.from = (date > start).then_some(date);
                        out.cadres.push(s);
                        baseline.push(Some(cadre.clone()));
                    }
                }
                Event::Join { cadre, .. } => {
                    if !ids.insert(cadre.id.clone()) {
                        add(at("cadre.id"), format!("{} is already a cadre id", cadre.id));
                        continue;
                    }
                    let mut s = cadre.clone();
                    s.from = (date > start).then_some(date);
                    out.cadres.push(s);
                    baseline.push(None);
                }
                Event::Unavailable { cadre, months, .. } => {
                    let Some(c) = known(cadre) else {
                        add(at("cadre"), format!("{cadre} is not a cadre of the instance"));
                        continue;
                    };
                    if months.is_empty() {
                        add(at("months"), "lists no month".into());
                    }
                    for (j, m) in months.iter().enumerate() {
                        let path = at(&format!("months[{j}]"));
                        match parse_month(m) {
                            None => add(path, format!("{m:?} is not a month in the form YYYY-MM")),
                            Some((y, mm)) if crate::cost::month_days(y.clamp(1, 9999), mm).0 < date => add(
                                path,
                                format!("{m} starts before the event date {date}: the past is kept as it was"),
                            ),
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
        if let Err(InputError::Invalid { problems: more, .. }) = out.validate() {
            let n0 = inst.cadres.len() - removed.len();
            for mut pr in more {
                if let Some(idx) = pr
                    .path
                    .strip_prefix("cadres[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    if idx >= n0 {
                        pr.message = format!("{} (the cadre added by the events)", pr.message);
                    }
                }
                problems.push(pr);
            }
        }
        if !problems.is_empty() {
            return Err(InputError::Invalid { what: "events", problems });
        }
        let date = self.events.iter().map(Event::date).min().expect("at least one event");
        Ok(Applied { instance: out, date, baseline, leavers })
    }
}
