//! `sanlian allocate` and `sanlian merge` end to end on the Shandong fixture: the files a
//! province hands its cities, the cities' plans checked on their sub-instances, the merge.

mod common;

use common::*;

#[test]
fn allocate_plan_cities_and_merge_on_shandong() {
    let dir = tmp();
    let out = dir.path().join("round");
    let o = sanlian(&[
        "allocate",
        s(&fixture("shandong")),
        "--out",
        s(&out),
        "--min-per-city",
        "1",
        "--max-per-group",
        "4",
        "--department-cities",
        "3",
        "--plan-cities",
    ]);
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(text.contains("济南市"), "{text}");
    assert!(text.contains("A1+A2+A3"), "{text}");
    assert!(text.contains("Price of decentralisation"), "{text}");
    assert!(text.contains("= 0.00 (0.0000%)"), "{text}");
    assert!(text.contains("Merged province plan: valid"), "{text}");
    for f in ["allocation.json", "province-plan.json", "prices.csv", "merged-plan.json"] {
        assert!(out.join(f).exists(), "{f}");
    }
    let prices = std::fs::read_to_string(out.join("prices.csv")).unwrap();
    assert_eq!(prices.lines().count(), 5, "{prices}");
    // A city plans, explains and checks its sub-instance with the ordinary commands.
    let jinan = out.join("cities/370100");
    let o = sanlian(&["check", s(&jinan.join("instance.json")), s(&jinan.join("plan.json"))]);
    assert_exit(&o, 0);
    let mut plans: Vec<String> = std::fs::read_dir(out.join("cities"))
        .unwrap()
        .map(|e| e.unwrap().path().join("plan.json").display().to_string())
        .collect();
    plans.sort();
    assert_eq!(plans.len(), 16);
    let (inst, allocation, province) =
        (fixture("shandong"), out.join("allocation.json"), out.join("province-plan.json"));
    let merged = dir.path().join("merged.json");
    let mut args = vec!["merge", s(&inst), s(&allocation), s(&province)];
    args.extend(plans.iter().map(String::as_str));
    args.extend(["-o", s(&merged)]);
    let o = sanlian(&args);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("Merged province plan: valid"), "{}", stdout(&o));
    let o = sanlian(&["check", s(&fixture("shandong")), s(&merged)]);
    assert_exit(&o, 0);

    // One city missing: bad input, nothing written.
    let partial = dir.path().join("partial.json");
    let mut args = vec!["merge", s(&inst), s(&allocation), s(&province)];
    args.extend(plans[1..].iter().map(String::as_str));
    args.extend(["-o", s(&partial)]);
    let o = sanlian(&args);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("lacks the plan of 370100 济南市"), "{}", stderr(&o));
    assert!(!partial.exists());

    // A city plan that took a cadre of another city: refused, naming the city and the cadre.
    let alloc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("allocation.json")).unwrap()).unwrap();
    let foreign = alloc["cities"][1]["cadres"][0].as_str().unwrap().to_string();
    let own = alloc["cities"][0]["cadres"][0].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(jinan.join("plan.json"))
        .unwrap()
        .replace(&format!("\"{own}\""), &format!("\"{foreign}\""));
    let forged = dir.path().join("forged.json");
    std::fs::write(&forged, text).unwrap();
    let mut args = vec!["merge", s(&inst), s(&allocation), s(&province), s(&forged)];
    args.extend(plans[1..].iter().map(String::as_str));
    let o = sanlian(&args);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("breaks its allocation"), "{}", stderr(&o));
    assert!(stderr(&o).contains(&foreign), "{}", stderr(&o));
}

#[test]
fn impossible_spreading_rules_and_bad_files_exit_2() {
    let dir = tmp();
    let o = sanlian(&["allocate", s(&fixture("shandong")), "--out", s(dir.path()), "--min-per-city", "100"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("spread.min_province_per_city"), "{}", stderr(&o));
    assert!(!dir.path().join("allocation.json").exists());
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"instance\": 1").unwrap();
    let o = sanlian(&["merge", s(&fixture("shandong")), s(&bad), s(&bad), s(&bad)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("allocation is not valid JSON"), "{}", stderr(&o));
}
