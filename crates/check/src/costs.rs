//! COST: recompute the costs of §4 and compare them with the plan's.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use sanlian_model::plan::Costs;
use sanlian_model::{CadreCost, GroupCost, UnitCost};

use crate::reading::Rules;
use crate::view::PlanView;
use crate::Findings;

/// Costs per cadre (roster order), per group (county order), per unit (by
/// name) and in total. A cadre without a known county has no cost entry.
pub(crate) fn recompute(rules: &Rules, view: &PlanView) -> Costs {
    let inst = rules.inst;
    let p = &inst.parameters;
    let mut groups: Vec<GroupCost> =
        inst.region.counties.iter().map(|k| GroupCost { county: k.code.clone(), travel: 0.0, stay: 0.0 }).collect();
    let mut units: BTreeMap<&str, UnitCost> = BTreeMap::new();
    let mut cadres = Vec::new();
    for (c, cadre) in inst.cadres.iter().enumerate() {
        let Some(k) = view.county_of[c] else { continue };
        let road_km = rules.road_km(c, k);
        let round_trips = rules.round_trips(c);
        let travel = round_trips * 2.0 * road_km * p.fare_per_km;
        let stay_days = view.block_days(c);
        // §4: on-site days × (lodging + meals), block months only.
        let stay = stay_days as f64 * (p.lodging_per_day + p.meal_per_day);
        groups[k].travel += travel;
        groups[k].stay += stay;
        let unit = units.entry(&cadre.unit).or_insert_with(|| UnitCost {
            unit: cadre.unit.clone(),
            cadres: 0,
            travel: 0.0,
            stay: 0.0,
        });
        unit.cadres += 1;
        unit.travel += travel;
        unit.stay += stay;
        cadres.push(CadreCost {
            cadre: cadre.id.clone(),
            unit: cadre.unit.clone(),
            road_km,
            round_trips,
            travel,
            stay_days,
            stay,
        });
    }
    Costs {
        travel: cadres.iter().map(|c| c.travel).sum(),
        stay: cadres.iter().map(|c| c.stay).sum(),
        cadres,
        groups,
        units: units.into_values().collect(),
    }
}

/// Report every difference between the plan's costs and the recomputed ones.
pub(crate) fn compare(reported: &Costs, recomputed: &Costs, found: &mut Findings) {
    amount(found, "total", "travel", reported.travel, recomputed.travel);
    amount(found, "total", "stay", reported.stay, recomputed.stay);
    for (r, e) in pair_up(found, "cadre", &reported.cadres, &recomputed.cadres, |c| &c.cadre) {
        let subject = e.cadre.as_str();
        if r.unit != e.unit {
            found.add("COST", subject, format!("unit: plan reports {:?}, the roster says {:?}", r.unit, e.unit));
        }
        amount(found, subject, "road_km", r.road_km, e.road_km);
        amount(found, subject, "round_trips", r.round_trips, e.round_trips);
        amount(found, subject, "travel", r.travel, e.travel);
        if r.stay_days != e.stay_days {
            found.add("COST", subject, format!("stay_days: plan reports {}, recomputed {}", r.stay_days, e.stay_days));
        }
        amount(found, subject, "stay", r.stay, e.stay);
    }
    for (r, e) in pair_up(found, "group", &reported.groups, &recomputed.groups, |g| &g.county) {
        amount(found, &e.county, "travel", r.travel, e.travel);
        amount(found, &e.county, "stay", r.stay, e.stay);
    }
    for (r, e) in pair_up(found, "unit", &reported.units, &recomputed.units, |u| &u.unit) {
        if r.cadres != e.cadres {
            found.add("COST", &e.unit, format!("cadres: plan reports {}, recomputed {}", r.cadres, e.cadres));
        }
        amount(found, &e.unit, "travel", r.travel, e.travel);
        amount(found, &e.unit, "stay", r.stay, e.stay);
    }
}

/// Match reported and recomputed entries by key, reporting entries that are
/// missing, unexpected or listed twice.
fn pair_up<'a, T>(
    found: &mut Findings,
    what: &str,
    reported: &'a [T],
    recomputed: &'a [T],
    key: impl Fn(&T) -> &String,
) -> Vec<(&'a T, &'a T)> {
    let mut by_key: HashMap<&str, &T> = HashMap::new();
    for r in reported {
        match by_key.entry(key(r)) {
            Entry::Occupied(_) => found.add("COST", key(r), format!("the plan reports the {what} cost more than once")),
            Entry::Vacant(v) => {
                v.insert(r);
            }
        }
    }
    let mut pairs = Vec::new();
    for e in recomputed {
        match by_key.remove(key(e).as_str()) {
            Some(r) => pairs.push((r, e)),
            None => found.add("COST", key(e), format!("the plan reports no {what} cost")),
        }
    }
    for r in reported {
        if by_key.remove(key(r).as_str()).is_some() {
            found.add("COST", key(r), format!("the plan reports a {what} cost, but there is none to report"));
        }
    }
    pairs
}

/// Report an amount that differs by more than 0.01 and more than 1e-6 relative.
fn amount(found: &mut Findings, subject: &str, field: &str, reported: f64, recomputed: f64) {
    let diff = (reported - recomputed).abs();
    if !(diff <= 0.01 || diff <= 1e-6 * reported.abs().max(recomputed.abs())) {
        found.add("COST", subject, format!("{field}: plan reports {reported}, recomputed {recomputed}"));
    }
}
