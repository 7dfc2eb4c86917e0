//! The fair-burden options through the `sanlian` binary: `solve --max-travel-km/--rotate-km/
//! --balance-departments`, `fairness INSTANCE PLAN` (the report), `fairness --options` (each
//! option's cost), rules F2 (rotation) and F3 (department balance) read back from the plan by an
//! independent computation in the test, and the bad input: an impossible cap exits 2 naming the
//! cadre and writes nothing.

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

fn json_of(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn an_impossible_cap_exits_2_naming_the_cadre_and_writes_nothing() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    let table = dir.path().join("plan.csv");
    // The small fixture's county cadres live at their county seat (0 km), its city cadres do not.
    let o = sanlian(&["solve", s(&fixture("small")), "--max-travel-km", "10", "-o", s(&plan), "--table", s(&table)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("parameters.fairness.max_travel_km"), "{err}");
    assert!(err.contains("the two-year travel cap of 10.0 km (F1)"), "{err}");
    // It names a cadre by id and name, with the least km H2 allows it, and the least cap.
    let inst = small_json();
    let named =
        inst["cadres"].as_array().unwrap().iter().find(|c| {
            err.contains(&format!("{} {} (at least ", c["id"].as_str().unwrap(), c["name"].as_str().unwrap()))
        });
    assert!(named.is_some(), "no cadre named by id and name: {err}");
    assert!(err.contains("The cap must be at least"), "{err}");
    assert!(!plan.exists() && !table.exists(), "nothing is written");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no staged file is left");

    // The same through the instance file, and in Chinese through `fairness`.
    let mut capped = small_json();
    capped["parameters"]["fairness"] = serde_json::json!({"max_travel_km": 10.0});
    let path = write_json(&dir, "capped.json", &capped);
    let o = sanlian(&["solve", s(&path), "-o", s(&plan)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("parameters.fairness.max_travel_km"), "{}", stderr(&o));
    let o = sanlian(&["fairness", s(&path)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("两年行程上限 10.0 公里（F1）"), "{}", stderr(&o));
    assert!(!plan.exists());
}

#[test]
fn bad_option_values_exit_2() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    for (flag, value, field) in [
        ("--max-travel-km", "-5", "parameters.fairness.max_travel_km"),
        ("--max-travel-km", "0", "parameters.fairness.max_travel_km"),
        ("--max-travel-km", "inf", "parameters.fairness.max_travel_km"),
        ("--rotate-km", "30000", "parameters.fairness.rotate_km"),
    ] {
        let o = sanlian(&["solve", s(&fixture("small")), flag, value, "-o", s(&plan)]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(field), "{flag} {value}: {}", stderr(&o));
        assert!(!plan.exists());
    }
    let mut inst = small_json();
    inst["parameters"]["fairness"] = serde_json::json!({"rotate": 30});
    let path = write_json(&dir, "typo.json", &inst);
    let o = sanlian(&["solve", s(&path), "-o", s(&plan)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("unknown field"), "{}", stderr(&o));
    let o = sanlian(&["fairness", s(&fixture("small")), "--options"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--options needs at least one option"), "{}", stderr(&o));
}

#[test]
fn a_plan_solved_with_the_options_keeps_them_and_the_report_says_so() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    let o =
        sanlian(&["solve", s(&fixture("small")), "--balance-departments", "--max-travel-km", "3000", "-o", s(&plan)]);
    assert_exit(&o, 0);
    let p: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(p["parameters"]["fairness"], serde_json::json!({"max_travel_km": 3000.0, "balance_departments": true}));
    // Every cadre's two-year km within the cap, by the plan's own costs.
    for c in p["costs"]["cadres"].as_array().unwrap() {
        let km = c["round_trips"].as_f64().unwrap() * 2.0 * c["road_km"].as_f64().unwrap();
        assert!(km <= 3000.0, "{c}");
    }
    // The checker verifies it against the instance with the same options.
    let mut inst = small_json();
    inst["parameters"]["fairness"] = serde_json::json!({"max_travel_km": 3000.0, "balance_departments": true});
    let with = write_json(&dir, "with.json", &inst);
    assert_exit(&sanlian(&["check", s(&with), s(&plan)]), 0);
    // `fairness` reads the plan by the options it echoes.
    let o = sanlian(&["fairness", s(&fixture("small")), s(&plan), "--json"]);
    assert_exit(&o, 0);
    let r = json_of(&o);
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["options"]["max_travel_km"], 3000.0);
    assert_eq!(r["all"]["n"], 40);
    assert_eq!(r["cadres"].as_array().unwrap().len(), 40);
    assert!(r["all"]["max_km"].as_f64().unwrap() <= 3000.0);
    assert_eq!(r["departments_above_even"], 0, "F3 holds: {}", r["departments"]);
    let n: u64 = r["levels"].as_array().unwrap().iter().map(|l| l["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 40);
    // The text in Chinese, with the names as they are.
    let o = sanlian(&["fairness", s(&fixture("small")), s(&plan)]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("基尼系数") && out.contains("团东营市委") && out.contains("检查器：计划有效"), "{out}");
}

#[test]
fn a_plain_plan_that_bunches_a_department_breaks_the_balance() {
    let dir = tmp();
    // 团省委/组织部 (P001–P003, 6 block months a year) may have all three away at once (share 1),
    // and two are locked into May 2027: the even spread is ⌈6 ÷ 10⌉ = 1 a month.
    let mut inst = small_json();
    inst["parameters"]["max_department_away_share"] = Value::from(1.0);
    inst["locks"] = serde_json::json!([
        {"kind": "months", "cadre": "P001", "months": ["2027-05"]},
        {"kind": "months", "cadre": "P002", "months": ["2027-05"]}
    ]);
    let bunched = write_json(&dir, "bunched.json", &inst);
    let plan = dir.path().join("plan.json");
    assert_exit(&sanlian(&["solve", s(&bunched), "-o", s(&plan)]), 0);
    let o = sanlian(&["fairness", s(&bunched), s(&plan), "--json"]);
    assert_exit(&o, 0);
    let r = json_of(&o);
    let may = r["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["department"] == "团省委/组织部" && d["year"] == 2027)
        .unwrap()
        .clone();
    assert_eq!((may["blocks"].as_u64(), may["busiest"].as_u64(), may["even"].as_u64()), (Some(6), Some(2), Some(1)));
    assert!(r["departments_above_even"].as_u64().unwrap() >= 1);
    // Checked with balance on, the plan breaks F3 in that department (not H9: its cap is 3).
    inst["parameters"]["fairness"] = serde_json::json!({"balance_departments": true});
    let balanced = write_json(&dir, "balanced.json", &inst);
    let o = sanlian(&["check", s(&balanced), s(&plan)]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("[F3] 团省委/组织部:") && out.contains("2027-05"), "{out}");
    assert!(!out.contains("[H9]"), "{out}");
    // Solving with balance: the two locks can no longer hold together, and the lock says so.
    let again = dir.path().join("again.json");
    let o = sanlian(&["solve", s(&bunched), "--balance-departments", "-o", s(&again)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("locks[1].months") && stderr(&o).contains("cap of 1"), "{}", stderr(&o));
    assert!(!again.exists());
}

#[test]
fn the_options_are_priced_against_plain() {
    let o = sanlian(&[
        "fairness",
        s(&fixture("small")),
        "--options",
        "--max-travel-km",
        "3000",
        "--balance-departments",
        "--json",
    ]);
    assert_exit(&o, 0);
    let r = json_of(&o);
    let v = r["variants"].as_array().unwrap();
    let names: Vec<&str> = v.iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["plain", "F1", "F3", "all"]);
    let plain_s1 = v[0]["s1"].as_f64().unwrap();
    for x in v {
        let s1 = x["s1"].as_f64().unwrap();
        assert!((x["s1_delta"].as_f64().unwrap() - (s1 - plain_s1)).abs() < 1e-6, "{x}");
        // An option only narrows what a plan may do: S1 never improves.
        assert!(s1 >= plain_s1 - 1e-6, "{x}");
        assert!(x["all"]["n"].as_u64() == Some(40), "{x}");
    }
    assert!(v[1]["all"]["max_km"].as_f64().unwrap() <= 3000.0);
    assert_eq!(v[2]["departments_above_even"], 0);
    assert_eq!(v[3]["options"], serde_json::json!({"max_travel_km": 3000.0, "balance_departments": true}));
    // The text, in English.
    let o = sanlian(&["fairness", s(&fixture("small")), "--options", "--balance-departments", "--lang", "en"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("plain") && out.contains("F3 balance") && out.contains("Gini"), "{out}");
}

#[test]
fn rotation_with_last_round_from_a_plan() {
    let dir = tmp();
    let plan = solve_small(&dir);
    // Last round = the plain plan: whoever went beyond 30 km then is kept within 30 km now,
    // when a county that near is open to it.
    let o = sanlian(&[
        "fairness",
        s(&fixture("small")),
        "--options",
        "--rotate-km",
        "30",
        "--last-round",
        s(&plan),
        "--json",
    ]);
    assert_exit(&o, 0);
    let r = json_of(&o);
    let v = r["variants"].as_array().unwrap();
    assert_eq!(v[0]["name"], "plain");
    assert_eq!(v[1]["name"], "F2");
    let went = v[0]["rotation"]["went_far"].as_u64().unwrap();
    assert!(went >= 1, "some cadre went beyond 30 km last round");
    assert_eq!(v[0]["rotation"]["far_again"].as_u64().unwrap(), went, "plain repeats last round exactly");
    assert_eq!(v[1]["rotation"]["went_far"].as_u64().unwrap(), went);
    assert!(v[1]["rotation"]["far_again"].as_u64().unwrap() < went, "{}", v[1]);
    assert!(stderr(&o).contains("上一轮安排取自"), "{}", stderr(&o));
}

#[test]
fn a_capped_plan_is_written_with_the_instance_it_is_checked_against() {
    let dir = tmp();
    let plan = dir.path().join("capped.json");
    let o = sanlian(&["solve", s(&fixture("small")), "--max-travel-km", "2900", "-o", s(&plan), "--quiet"]);
    assert_exit(&o, 0);
    let beside = dir.path().join("capped.instance.json");
    assert!(stderr(&o).contains(&format!("instance with the fair-burden options written to {}", beside.display())));
    let inst: Value = serde_json::from_str(&std::fs::read_to_string(&beside).unwrap()).unwrap();
    assert_eq!(inst["parameters"]["fairness"]["max_travel_km"], 2900.0, "{}", inst["parameters"]);
    // The plan's proofs hold for the instance with its cap, which the check needs.
    assert_exit(&sanlian(&["check", s(&beside), s(&plan)]), 0);
    // Without a fair-burden option only the plan is written.
    let plain = dir.path().join("plain.json");
    assert_exit(&sanlian(&["solve", s(&fixture("small")), "-o", s(&plain), "--quiet"]), 0);
    assert!(!dir.path().join("plain.instance.json").exists());
}
