//! Policy parameters (PLANNING_RULES: every *default*), overridable per instance.

use serde::{Deserialize, Serialize};

use crate::msg::Msg;

/// Policy parameters. Every field has the default written in PLANNING_RULES;
/// an instance may override any of them, and the plan echoes the values used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
    /// First calendar month of the on-site window (1–12). Default 3 (March).
    pub window_first_month: u32,
    /// Last calendar month of the on-site window (1–12). Default 12 (December).
    pub window_last_month: u32,
    /// Block months per active year for blocks-mode cadres (§2). Default 2.
    pub blocks_per_year: u32,
    /// Block months per active year for mixed-mode cadres (§2). Default 1.
    pub mixed_blocks_per_year: u32,
    /// H2: radius within which a university or enterprise may serve. Default 80 km.
    pub nearby_km: f64,
    /// H4: minimum province- or city-level members per group. Default 1.
    pub min_upper_per_group: u32,
    /// H6: most cadres on one township in one year. Default 2.
    pub max_cadres_per_township_year: u32,
    /// H9: share of a department that may be away on a block in one month. Default 0.3.
    pub max_department_away_share: f64,
    /// §4: road km per great-circle km. Default 1.3.
    pub road_factor: f64,
    /// §4: round trips per block month. Default 2.
    pub trips_per_month: u32,
    /// §4: fare per road km in yuan. Default 0.6.
    pub fare_per_km: f64,
    /// §4: planned weeks of weekly work per active year, before blocks. Default 43.
    pub weeks_per_year: f64,
    /// §4: lodging per on-site day of a block, yuan. Default 350.
    pub lodging_per_day: f64,
    /// §4: meals per on-site day of a block, yuan. Default 100.
    pub meal_per_day: f64,
    /// S1: penalty per cadre placed outside all its preferred counties. Default 2000.
    pub preference_penalty: f64,
    /// S1: bonus per cadre placed in its previous county. Default 1000.
    pub continuity_bonus: f64,
    /// S2: value per matching strength–need pair. Default 10.
    pub match_value: f64,
    /// S2: value per priority township covered in the first plan year. Default 50.
    pub priority_first_year_value: f64,
    /// Robust (N−1) planning (docs/robust.md): absent by default, when plans are made as
    /// PLANNING_RULES alone asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub robust: Option<Robust>,
    /// Continuity's ε-form, for a front of cost against continuity with last round
    /// (`sanlian tradeoffs`): at least this many cadres placed in their previous county, S1
    /// minimised with them. Like `robust`, a way of solving: absent by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuity_at_least: Option<u32>,
    /// F1–F3, the fair-burden options (docs/fairness.md): all off by default, and left out of
    /// the JSON form when off, so that instances and plans without them read and write as before.
    #[serde(default, skip_serializing_if = "Fairness::is_off")]
    pub fairness: Fairness,
}

/// The fair-burden options (issue 15, docs/fairness.md). Each narrows what a valid plan may do,
/// on top of the hard rules; both the solver's `Prepared` and the checker read them.
///
/// - **F1 travel cap** (`max_travel_km`): a cadre's two-year travel distance — its round trips
///   over both years (§4, the cost model's trips) × 2 × road km to its county's seat — is at most
///   this many km. A county beyond the cap is not eligible for the cadre (H2 ∩ F1); a cadre for
///   which no H2-eligible county meets the cap makes the instance invalid (at
///   `parameters.fairness.max_travel_km`, naming the cadre and the least km H2 allows it).
/// - **F2 rotation** (`rotate_km`): a cadre whose `previous_county` seat lies more than this many
///   road km from its base (it went far last round) is not sent farther than `rotate_km` again:
///   of its H2 ∩ F1 counties only those within `rotate_km` road km are eligible, or, when none
///   is, only the nearest of them (all at the least road km; 就近就便, as H2's rule for units
///   with no county nearby).
/// - **F3 department balance** (`balance_departments`): in every month, a department's cadres on
///   a block number at most min(H9 cap, max(1, ⌈the department's block months that year ÷ the
///   window's months⌉)) — its blocks spread evenly over the window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fairness {
    /// F1: the most km one cadre may travel over the two years (round trips × 2 × road km).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_travel_km: Option<f64>,
    /// F2: road km beyond which last round's county counts as far, and within which a cadre
    /// who went far is placed this round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotate_km: Option<f64>,
    /// F3: spread each department's block months evenly over the window's months.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub balance_departments: bool,
}

impl Fairness {
    /// No option set: the plan is made by the hard rules alone.
    pub fn is_off(&self) -> bool {
        self.max_travel_km.is_none() && self.rotate_km.is_none() && !self.balance_departments
    }

    /// F3's monthly cap for a department with `blocks` block months in a year of a window of
    /// `window_months` months: max(1, ⌈blocks / window_months⌉), in whole numbers.
    pub fn balance_cap(blocks: u32, window_months: u32) -> u32 {
        blocks.div_ceil(window_months.max(1)).max(1)
    }
}

/// Robust (N−1) planning: a goal ranked after the best-effort goals and before S1 (stage N),
/// never a hard rule. A group is *robust* when at every date H3 and H4 are checked
///
/// - **N1 senior backup**: at least two of its members who may lead it (senior, not barred
///   by P4) serve, or a group whose seat lies within `reach_km` of its seat has two such
///   members of its own serving and one senior member serving who may serve and lead here
///   (H2 and the locks): it could take over while its own group stays led;
/// - **N2 upper spare**: at least `min_upper_per_group` + 1 of its province/city members
///   serve (none needed when `min_upper_per_group` is 0), so H4 survives any one departure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Robust {
    /// Great-circle km between two county seats within which one group backs up the other
    /// (N1). Default 80.
    pub reach_km: f64,
    /// The ε-form, for a front of cost against robustness: instead of maximising the robust
    /// groups (stage N), ask for at least this many and minimise S1 with them. Absent: stage N.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_least: Option<u32>,
}

impl Default for Robust {
    fn default() -> Self {
        Robust { reach_km: DEFAULT_REACH_KM, at_least: None }
    }
}

/// The default of [`Robust::reach_km`], km.
pub const DEFAULT_REACH_KM: f64 = 80.0;

/// The documented range of every parameter (docs/input-format.md): wide enough for any
/// real policy, narrow enough that every model coefficient stays finite and far inside
/// HiGHS's limits (its infinity is 1e20).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest distance (nearby_km), km: half the Earth's circumference.
    pub max_km: f64,
    /// Largest count parameter (min_upper_per_group, max_cadres_per_township_year).
    pub max_count: u32,
    /// Largest road_factor.
    pub max_factor: f64,
    /// Largest trips_per_month.
    pub max_trips_per_month: u32,
    /// Largest fare_per_km, yuan.
    pub max_fare_per_km: f64,
    /// Largest money or S2 value (lodging, meals, penalty, bonus, match and priority values).
    pub max_value: f64,
    /// Largest F1 travel cap (`fairness.max_travel_km`), km over two years.
    pub max_travel_km: f64,
}

/// The parameter ranges in force.
pub const LIMITS: Limits = Limits {
    max_km: 20_000.0,
    max_count: 10_000,
    max_factor: 10.0,
    max_trips_per_month: 100,
    max_fare_per_km: 1_000.0,
    max_value: 1_000_000.0,
    max_travel_km: 10_000_000.0,
};

/// Weeks of a block month in the weekly-trip count (§4: "4.3 × block months").
pub const WEEKS_PER_BLOCK_MONTH: f64 = 4.3;

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            window_first_month: 3,
            window_last_month: 12,
            blocks_per_year: 2,
            mixed_blocks_per_year: 1,
            nearby_km: 80.0,
            min_upper_per_group: 1,
            max_cadres_per_township_year: 2,
            max_department_away_share: 0.3,
            road_factor: 1.3,
            trips_per_month: 2,
            fare_per_km: 0.6,
            weeks_per_year: 43.0,
            lodging_per_day: 350.0,
            meal_per_day: 100.0,
            preference_penalty: 2000.0,
            continuity_bonus: 1000.0,
            match_value: 10.0,
            priority_first_year_value: 50.0,
            robust: None,
            continuity_at_least: None,
            fairness: Fairness::default(),
        }
    }
}

impl Parameters {
    /// Months of the on-site window, in order.
    pub fn window_months(&self) -> std::ops::RangeInclusive<u32> {
        self.window_first_month..=self.window_last_month
    }

    /// Number of months in the on-site window.
    pub fn window_len(&self) -> u32 {
        self.window_last_month.saturating_sub(self.window_first_month) + 1
    }

    /// Every out-of-range value, as (field, reason).
    pub fn problems(&self) -> Vec<(&'static str, Msg)> {
        let mut out = Vec::new();
        let mut need = |ok: bool, field: &'static str, why: Msg| {
            if !ok {
                out.push((field, why));
            }
        };
        let p = self;
        need(
            (1..=12).contains(&p.window_first_month),
            "window_first_month",
            Msg::new("param.not_a_month").arg("value", p.window_first_month),
        );
        need(
            (1..=12).contains(&p.window_last_month),
            "window_last_month",
            Msg::new("param.not_a_month").arg("value", p.window_last_month),
        );
        need(
            p.window_first_month <= p.window_last_month,
            "window_last_month",
            Msg::new("param.window_reversed").arg("last", p.window_last_month).arg("first", p.window_first_month),
        );
        let w = p.window_len();
        need(
            p.blocks_per_year >= 1 && p.blocks_per_year <= w,
            "blocks_per_year",
            Msg::new("param.blocks_per_year").arg("value", p.blocks_per_year).arg("months", w),
        );
        need(
            p.mixed_blocks_per_year <= w,
            "mixed_blocks_per_year",
            Msg::new("param.beyond_window").arg("value", p.mixed_blocks_per_year).arg("months", w),
        );
        need(
            p.nearby_km.is_finite() && p.nearby_km > 0.0 && p.nearby_km <= LIMITS.max_km,
            "nearby_km",
            Msg::new("param.distance").arg("value", p.nearby_km).arg("most", LIMITS.max_km),
        );
        need(
            p.min_upper_per_group <= LIMITS.max_count,
            "min_upper_per_group",
            Msg::new("param.count")
                .arg("value", p.min_upper_per_group)
                .arg("range", format!("[0, {}]", LIMITS.max_count)),
        );
        need(
            (1..=LIMITS.max_count).contains(&p.max_cadres_per_township_year),
            "max_cadres_per_township_year",
            Msg::new("param.township_room").arg("value", p.max_cadres_per_township_year).arg("most", LIMITS.max_count),
        );
        need(
            p.max_department_away_share > 0.0 && p.max_department_away_share <= 1.0,
            "max_department_away_share",
            Msg::new("param.share").arg("value", p.max_department_away_share),
        );
        need(
            p.road_factor.is_finite() && p.road_factor > 0.0 && p.road_factor <= LIMITS.max_factor,
            "road_factor",
            Msg::new("param.range").arg("value", p.road_factor).arg("range", format!("(0, {}]", LIMITS.max_factor)),
        );
        need(
            (1..=LIMITS.max_trips_per_month).contains(&p.trips_per_month),
            "trips_per_month",
            Msg::new("param.trips").arg("value", p.trips_per_month).arg("most", LIMITS.max_trips_per_month),
        );
        need(
            p.fare_per_km.is_finite() && p.fare_per_km >= 0.0 && p.fare_per_km <= LIMITS.max_fare_per_km,
            "fare_per_km",
            Msg::new("param.fare").arg("value", p.fare_per_km).arg("most", LIMITS.max_fare_per_km),
        );
        need(
            p.weeks_per_year.is_finite()
                && p.weeks_per_year > 0.0
                && p.weeks_per_year <= 53.0
                && p.weeks_per_year >= WEEKS_PER_BLOCK_MONTH * p.mixed_blocks_per_year as f64,
            "weeks_per_year",
            Msg::new("param.weeks")
                .arg("value", p.weeks_per_year)
                .arg("blocks", p.mixed_blocks_per_year)
                .arg("weeks", WEEKS_PER_BLOCK_MONTH * p.mixed_blocks_per_year as f64),
        );
        for (field, v) in [
            ("lodging_per_day", p.lodging_per_day),
            ("meal_per_day", p.meal_per_day),
            ("preference_penalty", p.preference_penalty),
            ("continuity_bonus", p.continuity_bonus),
            ("match_value", p.match_value),
            ("priority_first_year_value", p.priority_first_year_value),
        ] {
            need(
                v.is_finite() && (0.0..=LIMITS.max_value).contains(&v),
                field,
                Msg::new("param.range").arg("value", v).arg("range", format!("[0, {}]", LIMITS.max_value)),
            );
        }
        if let Some(r) = &p.robust {
            need(
                r.reach_km.is_finite() && r.reach_km > 0.0 && r.reach_km <= LIMITS.max_km,
                "robust.reach_km",
                Msg::new("param.distance").arg("value", r.reach_km).arg("most", LIMITS.max_km),
            );
        }
        let f = &p.fairness;
        if let Some(v) = f.max_travel_km {
            need(
                v.is_finite() && v > 0.0 && v <= LIMITS.max_travel_km,
                "fairness.max_travel_km",
                Msg::new("param.distance").arg("value", v).arg("most", LIMITS.max_travel_km),
            );
        }
        if let Some(v) = f.rotate_km {
            need(
                v.is_finite() && v > 0.0 && v <= LIMITS.max_km,
                "fairness.rotate_km",
                Msg::new("param.distance").arg("value", v).arg("most", LIMITS.max_km),
            );
        }
        out
    }
}
