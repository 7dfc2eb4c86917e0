//! `sanlian tradeoffs` and the fair-burden options end to end: files a planner can file, the
//! plans re-checked by `sanlian check`, caps that hold in the checker; bad input exits 2 with
//! nothing written.

mod common;

use common::*;

#[test]
fn the_trade_off_set_is_written_and_every_plan_rechecks() {
    let dir = tmp();
    let out = dir.path().join("out");
    let o = sanlian(&["tradeoffs", s(&fixture("small")), "-o", s(&out)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("互不占优") && stdout(&o).contains("  A  差旅最省"), "{}", stdout(&o));
    let csv = std::fs::read_to_string(out.join("tradeoffs.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!((3..=5).contains(&rows.len()), "{csv}");
    assert!(rows[0].starts_with("A,plain,"), "{csv}");
    for (i, row) in rows.iter().enumerate() {
        let id = ((b'A' + i as u8) as char).to_string();
        assert!(row.starts_with(&format!("{id},")), "{row}");
        let plan = out.join(format!("plan-{id}.json"));
        let inst = out.join(format!("plan-{id}.instance.json"));
        assert_exit(&sanlian(&["check", s(&inst), s(&plan)]), 0);
    }
    let svg = std::fs::read_to_string(out.join("tradeoffs.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("多花") && svg.matches("<circle").count() == 2 * rows.len(),
        "{svg}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("tradeoffs.json")).unwrap()).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), rows.len());
}

#[test]
fn bad_trade_off_input_exits_2_and_writes_nothing() {
    let dir = tmp();
    let out = dir.path().join("out");
    let small = fixture("small");
    for (args, says) in [
        (vec!["--points", "9"], "--points: 9 is outside 3..=7"),
        (vec!["--points", "2"], "--points: 2 is outside 3..=7"),
        (vec!["--reach-km", "0"], "--reach-km"),
        (vec!["--time-limit=-1"], "--time-limit"),
    ] {
        let mut v = vec!["tradeoffs", s(&small), "-o", s(&out)];
        v.extend(args.iter().copied());
        let o = sanlian(&v);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(!out.exists());
    }
    let mut inst = small_json();
    inst["parameters"] = serde_json::json!({ "fairness": { "max_travel_km": 5000.0 } });
    let capped = write_json(&dir, "capped.json", &inst);
    let o = sanlian(&["tradeoffs", s(&capped), "-o", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("parameters.fairness"), "{}", stderr(&o));
    assert!(!out.exists());
}

/// Each cadre's two-year km in `plan`, from its costs (round trips × 2 × road km).
fn km_of(plan: &std::path::Path) -> Vec<(String, f64)> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap();
    v["costs"]["cadres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let km = c["round_trips"].as_f64().unwrap() * 2.0 * c["road_km"].as_f64().unwrap();
            (c["cadre"].as_str().unwrap().to_string(), km)
        })
        .collect()
}

#[test]
fn a_travel_cap_holds_in_the_plan_and_the_checker_rejects_a_plan_beyond_it() {
    let dir = tmp();
    let plain = solve_small(&dir);
    let before = km_of(&plain);
    let most = before.iter().map(|(_, k)| *k).fold(0.0, f64::max);
    let cap = (most * 0.97).floor();
    let capped_plan = dir.path().join("capped.json");
    let o = sanlian(&["solve", s(&fixture("small")), "--max-travel-km", &cap.to_string(), "-o", s(&capped_plan)]);
    assert_exit(&o, 0);
    for (cadre, km) in km_of(&capped_plan) {
        assert!(km <= cap + 1e-6, "{cadre} travels {km} km, beyond the cap {cap}");
    }
    // The plain plan breaks the cap for its farthest traveller: the checker says F1.
    let mut inst = small_json();
    inst["parameters"] = serde_json::json!({ "fairness": { "max_travel_km": cap } });
    let capped = write_json(&dir, "capped-instance.json", &inst);
    let mut plan: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    plan["parameters"]["fairness"] = serde_json::json!({ "max_travel_km": cap });
    let forged = write_json(&dir, "forged.json", &plan);
    let o = sanlian(&["check", s(&capped), s(&forged)]);
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("F1"), "{}", stdout(&o));
}

#[test]
fn a_cap_below_what_h2_allows_names_the_cadre_and_writes_nothing() {
    let dir = tmp();
    let out = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&fixture("small")), "--max-travel-km", "1", "-o", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("fairness.max_travel_km"), "{}", stderr(&o));
    let first_upper = small_json()["cadres"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["level"] == "province" || c["level"] == "city")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .unwrap();
    assert!(stderr(&o).contains(&first_upper) || stderr(&o).contains("cadre"), "{}", stderr(&o));
    assert!(!out.exists());
}
