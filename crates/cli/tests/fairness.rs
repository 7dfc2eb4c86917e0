//! The fair-burden rules F2 (rotation) and F3 (department balance) on the small fixture, read
//! back from the plan by an independent computation in the test.

mod common;

use std::collections::BTreeMap;

use common::*;
use serde_json::Value;

/// Road km as the cost model reckons it (haversine, R = 6371.0 km, × road_factor).
fn road_km(a: &Value, b: &Value, factor: f64) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a["lat"].as_f64().unwrap().to_radians(),
        a["lon"].as_f64().unwrap().to_radians(),
        b["lat"].as_f64().unwrap().to_radians(),
        b["lon"].as_f64().unwrap().to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin() * factor
}

/// Solve `inst` with its fair-burden options `fairness` set in its parameters; the plan must
/// pass `sanlian check` against that instance.
fn solve(dir: &TempDir, inst: &Value, fairness: Value) -> Value {
    let mut inst = inst.clone();
    inst["parameters"]["fairness"] = fairness;
    let path = write_json(dir, "instance.json", &inst);
    let out = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&path), "-o", s(&out)]);
    assert_exit(&o, 0);
    assert_exit(&sanlian(&["check", s(&path), s(&out)]), 0);
    serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
}

#[test]
fn a_cadre_who_went_far_last_round_is_placed_near_this_time() {
    let dir = tmp();
    let mut inst = small_json();
    let factor = 1.3;
    let counties = inst["region"]["counties"].as_array().unwrap().clone();
    let base = inst["cadres"][0]["base"].clone();
    assert_eq!(inst["cadres"][0]["level"], "province", "P001 may serve anywhere (H2)");
    let km = |k: &Value| road_km(&base, &k["seat"], factor);
    let far = counties.iter().max_by(|a, b| km(a).total_cmp(&km(b))).unwrap();
    let nearest = counties.iter().map(km).fold(f64::INFINITY, f64::min);
    inst["cadres"][0]["previous_county"] = far["code"].clone();
    // Last round was beyond 1 km (every county is), and no county lies within 1 km: P001 may go
    // only to its nearest county.
    let plan = solve(&dir, &inst, serde_json::json!({ "rotate_km": 1.0 }));
    let placed = plan["assignments"].as_array().unwrap().iter().find(|a| a["cadre"] == "P001").unwrap();
    let county = counties.iter().find(|k| k["code"] == placed["county"]).unwrap();
    assert!(
        (km(county) - nearest).abs() < 1e-6,
        "P001 in {} at {:.1} km, nearest {nearest:.1}",
        county["name"],
        km(county)
    );
}

/// The (department, month, cadres away, even share) of every month of `plan` where a
/// department has more cadres on a block than its even share ⌈block months that year ÷ window
/// months⌉ (at least 1).
fn above_even_share(inst: &Value, plan: &Value, window: f64) -> Vec<(String, String, u32, f64)> {
    let dept: BTreeMap<&str, String> = inst["cadres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), format!("{}/{}", c["unit"], c["department"].as_str().unwrap_or(""))))
        .collect();
    let mut blocks: BTreeMap<(String, i64), u32> = BTreeMap::new();
    let mut away: BTreeMap<(String, String), u32> = BTreeMap::new();
    for a in plan["assignments"].as_array().unwrap() {
        let d = dept[a["cadre"].as_str().unwrap()].clone();
        for y in a["years"].as_array().unwrap() {
            for b in y["blocks"].as_array().into_iter().flatten() {
                *blocks.entry((d.clone(), y["year"].as_i64().unwrap())).or_default() += 1;
                *away.entry((d.clone(), b["month"].as_str().unwrap().to_string())).or_default() += 1;
            }
        }
    }
    assert!(!away.is_empty(), "the plan sends someone on a block");
    away.into_iter()
        .filter_map(|((d, month), n)| {
            let year: i64 = month[..4].parse().unwrap();
            let share = (f64::from(blocks[&(d.clone(), year)]) / window).ceil().max(1.0);
            (f64::from(n) > share).then_some((d, month, n, share))
        })
        .collect()
}

#[test]
fn balanced_departments_spread_their_blocks_evenly() {
    let dir = tmp();
    // A short window (March–June) and no H9 limit, so that blocks can crowd into a month.
    let mut inst = small_json();
    inst["parameters"]["window_last_month"] = 6.into();
    inst["parameters"]["max_department_away_share"] = 1.0.into();
    for c in inst["cadres"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("unavailable_months");
    }
    let plain = solve(&dir, &inst, serde_json::json!({}));
    assert!(!above_even_share(&inst, &plain, 4.0).is_empty(), "without F3 some department crowds a month");
    let balanced = solve(&dir, &inst, serde_json::json!({ "balance_departments": true }));
    let crowded = above_even_share(&inst, &balanced, 4.0);
    assert!(crowded.is_empty(), "F3: {crowded:?}");
}
