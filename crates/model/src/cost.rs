//! The cost model (PLANNING_RULES §4).

use chrono::{Datelike, NaiveDate};

use crate::params::WEEKS_PER_BLOCK_MONTH;
use crate::{Mode, Parameters};

/// Round trips in one active year: `trips_per_month` per block month, plus one
/// per planned week of weekly work (`weeks_per_year` − 4.3 × block months)
/// for weekly- and mixed-mode cadres.
pub fn round_trips_per_year(p: &Parameters, mode: Mode, blocks: u32) -> f64 {
    let block_trips = (blocks * p.trips_per_month) as f64;
    match mode {
        Mode::Blocks => block_trips,
        Mode::Weekly | Mode::Mixed => block_trips + (p.weeks_per_year - WEEKS_PER_BLOCK_MONTH * blocks as f64),
    }
}

/// Round trips in a year served only in part (a share `share` of its window months):
/// `trips_per_month` per block month, plus for weekly and mixed modes one per planned week,
/// max(0, weeks_per_year × share − 4.3 × block months).
pub fn round_trips_part_year(p: &Parameters, mode: Mode, blocks: u32, share: f64) -> f64 {
    let block_trips = (blocks * p.trips_per_month) as f64;
    match mode {
        Mode::Blocks => block_trips,
        Mode::Weekly | Mode::Mixed => {
            block_trips + (p.weeks_per_year * share - WEEKS_PER_BLOCK_MONTH * blocks as f64).max(0.0)
        }
    }
}

/// Travel cost of `round_trips` round trips over `road_km`: trips × 2 × km × fare.
pub fn travel_cost(p: &Parameters, round_trips: f64, road_km: f64) -> f64 {
    round_trips * 2.0 * road_km * p.fare_per_km
}

/// Stay cost of `days` on-site days.
pub fn stay_cost(p: &Parameters, days: u32) -> f64 {
    days as f64 * (p.lodging_per_day + p.meal_per_day)
}

/// First and last day of a calendar month.
pub fn month_days(year: i32, month: u32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("month 1-12");
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) }
            .expect("valid date");
    (first, next.pred_opt().expect("valid date"))
}

/// Number of days in a calendar month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    month_days(year, month).1.day()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trips_follow_section_4() {
        let p = Parameters::default();
        assert_eq!(round_trips_per_year(&p, Mode::Blocks, 2), 4.0);
        assert_eq!(round_trips_per_year(&p, Mode::Weekly, 0), 43.0);
        assert!((round_trips_per_year(&p, Mode::Mixed, 1) - (2.0 + 43.0 - 4.3)).abs() < 1e-12);
        assert!((travel_cost(&p, 4.0, 100.0) - 480.0).abs() < 1e-9);
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(days_in_month(2027, 12), 31);
        assert_eq!(stay_cost(&p, 31), 31.0 * 450.0);
    }
}
