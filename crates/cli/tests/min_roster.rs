//! `sanlian min-roster` end to end: the minimum, its proof, the plan at the minimum.

mod common;

use common::*;

#[test]
fn small_fixture_minimum_province_cadres_with_a_checked_plan() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    let reduced = dir.path().join("reduced.json");
    let o = sanlian(&[
        "min-roster",
        s(&fixture("small")),
        "--level",
        "province",
        "-o",
        s(&plan),
        "--reduced-instance",
        s(&reduced),
    ]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("at least 1 of the 6 province cadres"), "{out}");
    assert!(out.contains("Checker: valid"), "{out}");
    let o = sanlian(&["check", s(&reduced), s(&plan)]);
    assert_exit(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&reduced).unwrap()).unwrap();
    let province = v["cadres"].as_array().unwrap().iter().filter(|c| c["level"] == "province").count();
    assert_eq!(province, 1);
}

#[test]
fn infeasible_instance_and_bad_options() {
    let o = sanlian(&["min-roster", s(&fixture("infeasible"))]);
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("H3"), "{}", stdout(&o));
    let o = sanlian(&["min-roster", s(&fixture("small")), "--level", "mayor"]);
    assert_exit(&o, 2);
    let o = sanlian(&["min-roster", s(&fixture("small")), "--time-limit", "-1"]);
    assert_exit(&o, 2);
}
