//! The fair-burden report (issue 15, docs/fairness.md): how a plan spreads travel over people.
//!
//! A pure function of the instance (read by the checker's own [`Rules`]) and a plan. Per cadre
//! it gives the two-year travel — round trips over both years (§4) and the km they cover,
//! round trips × 2 × road km to its county's seat — and per level, per dispatching unit and for
//! all cadres the distribution of those km:
//!
//! - `n`, `total_km`, `mean_km` (total ÷ n), `max_km`, `max_trips`;
//! - `p90_km`, the 90th percentile by **nearest rank**: the ⌈0.9 × n⌉-th smallest km;
//! - `gini`, the Gini coefficient of the km: Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² × mean), computed over the
//!   km sorted ascending as (2 Σᵢ i·x₍ᵢ₎) ÷ (n Σ x) − (n + 1) ÷ n (i from 1); 0 when everyone
//!   travels the same, (n − 1) ÷ n when one cadre travels all; 0 for an empty group or one in
//!   which nobody travels.
//!
//! Per department and plan year it gives the block months (F3's basis), the most of its cadres
//! away in one month, and the even spread max(1, ⌈blocks ÷ window months⌉) that F3 enforces.
//! With a rotation threshold, the cadres whose previous county lay beyond it and how many of
//! them are sent beyond it again (F2's subject).
//!
//! Only cadres the plan places in a county of the instance are counted; entries naming an
//! unknown cadre or county are left out (the checker reports them).

use std::collections::BTreeMap;

use sanlian_model::{Level, Plan};
use serde::Serialize;

use crate::reading::{year_month, Rules};

/// One cadre's two-year travel in its county.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CadreTravel {
    /// Cadre id.
    pub cadre: String,
    /// Name, as the roster gives it.
    pub name: String,
    /// Level.
    pub level: Level,
    /// Dispatching unit.
    pub unit: String,
    /// County code of its group.
    pub county: String,
    /// Road km from its base to the county seat (§4).
    pub road_km: f64,
    /// Round trips over both years (§4).
    pub trips: f64,
    /// Two-year travel, km: trips × 2 × road km.
    pub km: f64,
}

/// The distribution of two-year travel over a group of cadres.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Distribution {
    /// Cadres counted.
    pub n: usize,
    /// Their km added up.
    pub total_km: f64,
    /// total_km ÷ n (0 for none).
    pub mean_km: f64,
    /// The most km of one cadre.
    pub max_km: f64,
    /// 90th percentile, nearest rank: the ⌈0.9 n⌉-th smallest km.
    pub p90_km: f64,
    /// Gini coefficient of the km, in [0, 1).
    pub gini: f64,
    /// The most round trips of one cadre.
    pub max_trips: f64,
}

/// The distribution of one level's cadres.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelRow {
    /// Level.
    pub level: Level,
    /// Its cadres' travel.
    #[serde(flatten)]
    pub travel: Distribution,
}

/// The distribution of one dispatching unit's cadres.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRow {
    /// Unit name.
    pub unit: String,
    /// Its cadres' travel.
    #[serde(flatten)]
    pub travel: Distribution,
}

/// One department's block months in one plan year, against F3's even spread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentMonths {
    /// "unit" or "unit/department".
    pub department: String,
    /// Calendar year.
    pub year: i32,
    /// Block months of its cadres that year (the plan's).
    pub blocks: u32,
    /// The most of its cadres on a block in one month.
    pub busiest: u32,
    /// max(1, ⌈blocks ÷ window months⌉): the most F3 allows.
    pub even: u32,
}

/// F2's subject: cadres whose previous county lay beyond a road-km threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rotation {
    /// The threshold, road km.
    pub far_km: f64,
    /// Placed cadres whose previous county lay farther than `far_km` from their base.
    pub went_far: usize,
    /// Of them, those placed farther than `far_km` again.
    pub far_again: usize,
}

/// The fair-burden report of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FairnessReport {
    /// Every placed cadre, in roster order.
    pub cadres: Vec<CadreTravel>,
    /// All placed cadres.
    pub all: Distribution,
    /// Per level, in `Level::ALL` order (levels without a placed cadre left out).
    pub levels: Vec<LevelRow>,
    /// Per dispatching unit, by name.
    pub units: Vec<UnitRow>,
    /// Per department and plan year with block months, in department order.
    pub departments: Vec<DepartmentMonths>,
    /// Department-years whose busiest month is above the even spread.
    pub departments_above_even: usize,
    /// With a threshold: who went far last round and is sent far again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
}

/// The 90th percentile of `sorted` (ascending) by nearest rank: its ⌈0.9 n⌉-th value.
pub fn p90(sorted: &[f64]) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // ⌈0.9 n⌉ in integers: (9n + 9) div 10 is ⌈9n / 10⌉.
    let rank = (9 * sorted.len()).div_ceil(10);
    sorted[rank.max(1) - 1]
}

/// The Gini coefficient of `sorted` (ascending, non-negative): (2 Σ i·xᵢ) ÷ (n Σ x) − (n+1) ÷ n.
pub fn gini(sorted: &[f64]) -> f64 {
    let n = sorted.len() as f64;
    let total: f64 = sorted.iter().sum();
    if sorted.is_empty() || total <= 0.0 {
        return 0.0;
    }
    let weighted: f64 = sorted.iter().enumerate().map(|(i, x)| (i + 1) as f64 * x).sum();
    (2.0 * weighted / (n * total) - (n + 1.0) / n).max(0.0)
}

/// The distribution of the km and trips of `cadres`.
pub fn distribution<'a>(cadres: impl IntoIterator<Item = &'a CadreTravel>) -> Distribution {
    let mut km = Vec::new();
    let mut max_trips: f64 = 0.0;
    for c in cadres {
        km.push(c.km);
        max_trips = max_trips.max(c.trips);
    }
    km.sort_by(f64::total_cmp);
    let n = km.len();
    let total_km: f64 = km.iter().sum();
    Distribution {
        n,
        total_km,
        mean_km: if n == 0 { 0.0 } else { total_km / n as f64 },
        max_km: km.last().copied().unwrap_or(0.0),
        p90_km: p90(&km),
        gini: gini(&km),
        max_trips,
    }
}

/// The fair-burden report of `plan` on the instance read by `rules`. With `far_km`, the
/// rotation figures at that threshold (F2's `rotate_km`).
pub fn report(rules: &Rules, plan: &Plan, far_km: Option<f64>) -> FairnessReport {
    let inst = rules.inst;
    let mut county_of: Vec<Option<usize>> = vec![None; rules.n_cadres()];
    for a in &plan.assignments {
        if let (Some(&c), Some(&k)) =
            (rules.cadre_index.get(a.cadre.as_str()), rules.county_index.get(a.county.as_str()))
        {
            county_of[c] = Some(k);
        }
    }
    let mut cadres = Vec::new();
    let mut rotation = far_km.map(|far_km| Rotation { far_km, went_far: 0, far_again: 0 });
    for (c, cadre) in inst.cadres.iter().enumerate() {
        let Some(k) = county_of[c] else { continue };
        cadres.push(CadreTravel {
            cadre: cadre.id.clone(),
            name: cadre.name.clone(),
            level: cadre.level,
            unit: cadre.unit.clone(),
            county: inst.region.counties[k].code.clone(),
            road_km: rules.road_km(c, k),
            trips: rules.round_trips(c),
            km: rules.travel_km(c, k),
        });
        if let Some(r) = rotation.as_mut() {
            let previous = cadre.previous_county.as_deref().and_then(|p| rules.county_index.get(p));
            if previous.is_some_and(|&p| rules.road_km(c, p) > r.far_km) {
                r.went_far += 1;
                if rules.road_km(c, k) > r.far_km {
                    r.far_again += 1;
                }
            }
        }
    }
    let levels = Level::ALL
        .iter()
        .filter_map(|&level| {
            let of: Vec<&CadreTravel> = cadres.iter().filter(|c| c.level == level).collect();
            (!of.is_empty()).then(|| LevelRow { level, travel: distribution(of) })
        })
        .collect();
    let mut by_unit: BTreeMap<&str, Vec<&CadreTravel>> = BTreeMap::new();
    for c in &cadres {
        by_unit.entry(c.unit.as_str()).or_default().push(c);
    }
    let units =
        by_unit.into_iter().map(|(unit, of)| UnitRow { unit: unit.to_string(), travel: distribution(of) }).collect();
    let departments = department_months(rules, plan);
    let departments_above_even = departments.iter().filter(|d| d.busiest > d.even).count();
    FairnessReport { all: distribution(&cadres), cadres, levels, units, departments, departments_above_even, rotation }
}

/// Each department's block months per plan year in `plan`, its busiest month and the even spread.
fn department_months(rules: &Rules, plan: &Plan) -> Vec<DepartmentMonths> {
    let inst = rules.inst;
    let window = rules.window().count() as u32;
    // (department, plan year) → month → cadres away.
    let mut away: BTreeMap<(usize, usize), BTreeMap<u32, u32>> = BTreeMap::new();
    for a in &plan.assignments {
        let Some(&c) = rules.cadre_index.get(a.cadre.as_str()) else { continue };
        for y in &a.years {
            for b in &y.blocks {
                let Some((year, month)) = year_month(&b.month) else { continue };
                let Ok(py) = usize::try_from(year - inst.first_year) else { continue };
                if py < 2 {
                    *away.entry((rules.department_of[c], py)).or_default().entry(month).or_default() += 1;
                }
            }
        }
    }
    away.into_iter()
        .map(|((d, y), months)| {
            let blocks: u32 = months.values().sum();
            DepartmentMonths {
                department: rules.departments[d].clone(),
                year: rules.year(y),
                blocks,
                busiest: months.values().copied().max().unwrap_or(0),
                even: blocks.div_ceil(window.max(1)).max(1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_and_gini_by_hand() {
        // Ten values 1..=10: ⌈0.9 × 10⌉ = 9th smallest is 9.
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&v), 9.0);
        // Eleven values: ⌈9.9⌉ = 10th.
        let v: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(p90(&v), 10.0);
        assert_eq!(p90(&[5.0]), 5.0);
        assert_eq!(p90(&[]), 0.0);
        // Equal values: 0. One of four travels everything: (n − 1) / n = 0.75.
        assert_eq!(gini(&[3.0, 3.0, 3.0]), 0.0);
        assert!((gini(&[0.0, 0.0, 0.0, 8.0]) - 0.75).abs() < 1e-12);
        // 1, 2, 3, 4: Σ|xi − xj| over ordered pairs = 20, 2 n² mean = 2 × 16 × 2.5 = 80 → 0.25.
        assert!((gini(&[1.0, 2.0, 3.0, 4.0]) - 0.25).abs() < 1e-12);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
    }
}
