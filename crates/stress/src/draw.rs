//! One run's turnover: who leaves in which month, and whether a successor takes the post.

use chrono::{Datelike, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanlian_model::{Cadre, Event, Events, Instance};

use crate::risk::Risks;

/// The departures drawn for one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// The run's events, in date order: `leave` (no successor) or `replace`.
    pub events: Events,
    /// Cadres who leave.
    pub departures: usize,
    /// Of them, those followed by a successor.
    pub successors: usize,
}

/// The random stream of run `run` under `seed`: ChaCha8 keyed by (seed, stream, run), so a
/// run draws the same departures whatever thread runs it and however many runs there are.
pub fn stream(seed: u64, stream: u64, run: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&stream.to_le_bytes());
    key[16..24].copy_from_slice(&run.to_le_bytes());
    key[24..].copy_from_slice(b"sanlian!");
    ChaCha8Rng::from_seed(key)
}

/// The days a departure may take effect: the first day of each month after the first window
/// month of the plan's first year, to the end of the plan. A cadre in post at the start of a
/// month who leaves during it is gone from the first day of the next month (so the earliest
/// departure takes effect after a month of on-site work; one who leaves before work starts is
/// a change to the roster, not to the plan).
pub fn departure_days(inst: &Instance) -> Vec<NaiveDate> {
    let first = inst.parameters.window_first_month.clamp(1, 12);
    (0..2)
        .flat_map(|y| (1..=12u32).map(move |m| (inst.first_year + y, m)))
        .filter(|&(y, m)| y > inst.first_year || m > first)
        .filter_map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1))
        .collect()
}

/// The successor's record: the same post (level, unit, department, rank, base, home), a new
/// person with no preferences, previous county or months of its own yet.
pub fn successor(c: &Cadre, date: NaiveDate) -> Cadre {
    Cadre {
        id: format!("{}~{:04}{:02}", c.id, date.year(), date.month()),
        name: format!("{}（继任）", c.name),
        preferred_counties: Vec::new(),
        previous_county: None,
        unavailable_months: Vec::new(),
        from: None,
        until: None,
        blocks_owed: Default::default(),
        phone: None,
        note: None,
        ..c.clone()
    }
}

/// Draw run `run`: each cadre in post at the start of a month leaves during it with its
/// monthly risk (taking effect on the 1st of the next month, [`departure_days`]) while it has on-site work ahead (a
/// window month of one of its active years, inside its service period); a leaver is followed by
/// a successor with probability `successor_share`. A cadre leaves at most once; successors do
/// not leave.
pub fn draw(inst: &Instance, risks: &Risks, successor_share: f64, seed: u64, stream_id: u64, run: u64) -> Draw {
    let mut rng = stream(seed, stream_id, run);
    let days = departure_days(inst);
    let mut events = Vec::new();
    let (mut departures, mut successors) = (0, 0);
    for (c, cadre) in inst.cadres.iter().enumerate() {
        let p = risks.monthly[c];
        // Every cadre consumes the same draws, so one cadre's risk never shifts another's.
        let draws: Vec<f64> = days.iter().map(|_| rng.random::<f64>()).collect();
        let keeps = rng.random::<f64>() < successor_share;
        let last = inst.parameters.window_last_month;
        // A departure matters while the cadre has on-site work ahead: a window month of an
        // active year on or after the date, inside its service period.
        let ahead = |d: NaiveDate| {
            cadre.active_years.iter().any(|&y| {
                let year = inst.first_year + i32::from(y) - 1;
                year > d.year() || (year == d.year() && d.month() <= last)
            })
        };
        let leave = days.iter().zip(draws).find(|&(&d, u)| {
            u < p && cadre.from.is_none_or(|f| d > f) && cadre.until.is_none_or(|until| d < until) && ahead(d)
        });
        let Some((&date, _)) = leave else { continue };
        departures += 1;
        events.push(if keeps {
            successors += 1;
            Event::Replace { date, cadre: cadre.id.clone(), successor: successor(cadre, date) }
        } else {
            Event::Leave { date, cadre: cadre.id.clone() }
        });
    }
    events.sort_by_key(Event::date);
    Draw { events: Events { events }, departures, successors }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::small as instance;

    #[test]
    fn a_run_draws_the_same_departures_whatever_else_is_drawn() {
        let inst = instance();
        let risks = Risks::from_rate(&inst, 0.3).unwrap();
        let a = draw(&inst, &risks, 0.5, 7, 0, 3);
        assert_eq!(a, draw(&inst, &risks, 0.5, 7, 0, 3));
        assert_ne!(a.events, draw(&inst, &risks, 0.5, 8, 0, 3).events, "another seed, other departures");
        assert!(a.departures > 0 && a.successors <= a.departures);
        let days = departure_days(&inst);
        assert_eq!(days.len(), 12 - inst.parameters.window_first_month as usize + 12);
        assert!(a.events.events.iter().all(|e| days.contains(&e.date())));
    }

    #[test]
    fn no_risk_no_departure_and_certain_risk_everyone_in_the_first_month() {
        let inst = instance();
        let none = draw(&inst, &Risks::from_rate(&inst, 0.0).unwrap(), 1.0, 1, 0, 0);
        assert_eq!(none.departures, 0);
        let all = draw(&inst, &Risks::from_rate(&inst, 1.0).unwrap(), 0.0, 1, 0, 0);
        assert_eq!(all.departures, inst.cadres.len());
        assert_eq!(all.successors, 0);
        assert!(all.events.events.iter().all(|e| e.date() == departure_days(&inst)[0]));
    }

    #[test]
    fn the_departure_rate_is_met_on_average() {
        let inst = instance();
        let rate = 0.2;
        let risks = Risks::from_rate(&inst, rate).unwrap();
        let runs = 400;
        let left: usize = (0..runs).map(|r| draw(&inst, &risks, 0.5, 11, 0, r).departures).sum();
        let months = departure_days(&inst).len() as f64;
        let expected = inst.cadres.len() as f64 * runs as f64 * (1.0 - (1.0 - rate).powf(months / 12.0));
        let sd = (expected * (1.0 - expected / (inst.cadres.len() as f64 * runs as f64))).sqrt();
        assert!((left as f64 - expected).abs() < 5.0 * sd, "{left} departures, {expected:.0} expected");
    }
}
