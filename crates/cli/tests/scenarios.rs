//! `sanlian scenarios` end to end: table, charts, and bad specs.

mod common;

use common::*;

#[test]
fn small_sweep_writes_table_and_charts() {
    let dir = tmp();
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, r#"{"name": "小", "sweeps": [{"kind": "province_cadres", "from": 0, "to": 6, "step": 2}]}"#)
        .unwrap();
    let out = dir.path().join("out");
    let o = sanlian(&["scenarios", s(&spec), "--base", s(&fixture("small")), "-o", s(&out), "--quiet"]);
    assert_exit(&o, 0);
    let csv = std::fs::read_to_string(out.join("scenarios.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    let svg = std::fs::read_to_string(out.join("chart-province_cadres.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.contains("<svg"), "{svg}");
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("scenarios.json")).unwrap()).unwrap();
    let feasible: Vec<bool> = rows.as_array().unwrap().iter().map(|r| r["feasible"].as_bool().unwrap()).collect();
    assert_eq!(feasible, [false, false, true, true]);
}

#[test]
fn bad_specs_are_bad_input() {
    let dir = tmp();
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, r#"{"name": "x", "sweeps": [{"kind": "province_cadres", "from": 0, "to": 6, "step": 0}]}"#)
        .unwrap();
    let o = sanlian(&["scenarios", s(&spec), "--base", s(&fixture("small")), "-o", s(&dir.path().join("o"))]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("sweeps[0].step"), "{}", stderr(&o));
    std::fs::write(&spec, r#"{"name": "x", "sweeps": []"#).unwrap();
    let o = sanlian(&["scenarios", s(&spec), "--base", s(&fixture("small"))]);
    assert_exit(&o, 2);
    std::fs::write(&spec, r#"{"name": "x", "sweeps": [{"kind": "nearby_km", "values": [40]}]}"#).unwrap();
    let o = sanlian(&["scenarios", s(&spec)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no base instance"), "{}", stderr(&o));
}
