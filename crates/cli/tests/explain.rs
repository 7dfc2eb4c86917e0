//! `sanlian explain` end to end: text in both languages, JSON, the filters,
//! what-ifs, and the exit codes (0 answer, 1 infeasible, 2 bad input).

mod common;

use std::fs;

use common::*;
use serde_json::Value;

/// `sanlian explain` of the small fixture with its plan and extra arguments.
fn explain_small(dir: &TempDir, extra: &[&str]) -> Output {
    let plan = solve_small(dir);
    let small = fixture("small");
    let mut args = vec!["explain", s(&small), s(&plan)];
    args.extend_from_slice(extra);
    sanlian(&args)
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

#[test]
fn chinese_text_by_default() {
    let dir = tmp();
    let o = explain_small(&dir, &[]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let first = &small_json()["cadres"][0];
    let name = first["name"].as_str().unwrap();
    assert!(out.contains(name), "the first cadre's name {name} is missing:\n{out}");
    for needle in ["H2", "（分组费用·S1）", "（两年全覆盖·H7）", "为什么在", "偏好", "覆盖余量", "组长", "边际值", "¥"]
    {
        assert!(out.contains(needle), "{needle:?} is missing:\n{out}");
    }
    // Rules go by their words in Chinese, the id beside them; no bare tag is left.
    for tag in ["(H3)", "(H5)", "(S1)", "(S2)", "(S3a)", "(§4)"] {
        assert!(!out.contains(tag), "a bare rule tag {tag} in the Chinese text:\n{out}");
    }
}

#[test]
fn english_text() {
    let dir = tmp();
    let o = explain_small(&dir, &["--lang", "en"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    for needle in ["Why", "Preference", "Coverage slack", "(H2)", "(S1)", "Method"] {
        assert!(out.contains(needle), "{needle:?} is missing:\n{out}");
    }
    assert!(!out.contains("为什么在"), "Chinese labels in English text:\n{out}");
}

#[test]
fn json_has_every_cadre_and_the_method() {
    let dir = tmp();
    let o = explain_small(&dir, &["--format", "json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    let e = &v["explanation"];
    assert_eq!(e["cadres"].as_array().map(Vec::len), Some(40));
    assert_eq!(e["groups"].as_array().map(Vec::len), Some(5));
    assert!(e["global"]["method"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(v.get("what_if").is_none(), "no what-if was asked");
    assert!(v.get("certificates").is_none(), "the instance is feasible");
}

#[test]
fn one_cadre() {
    let dir = tmp();
    let o = explain_small(&dir, &["--cadre", "P001", "--format", "json"]);
    assert_exit(&o, 0);
    let e = &json(&o)["explanation"];
    let cadres = e["cadres"].as_array().unwrap();
    assert_eq!(cadres.len(), 1);
    assert_eq!(cadres[0]["cadre"], "P001");
    assert_eq!(e["groups"].as_array().map(Vec::len), Some(0));
    assert!(e["global"].is_null());

    let o = sanlian(&["explain", s(&fixture("small")), s(&dir.path().join("plan.json")), "--cadre", "P001"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("P001") && !out.contains("P002"), "{out}");
}

#[test]
fn one_county() {
    let dir = tmp();
    let o = explain_small(&dir, &["--county", "370502", "--format", "json"]);
    assert_exit(&o, 0);
    let e = &json(&o)["explanation"];
    let groups = e["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["county"], "370502");
    let cadres = e["cadres"].as_array().unwrap();
    assert_eq!(cadres.len() as u64, groups[0]["members"].as_u64().unwrap());
    assert!(cadres.iter().all(|c| c["here"]["county"] == "370502"));

    let o = sanlian(&["explain", s(&fixture("small")), s(&dir.path().join("plan.json")), "--county", "370502"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("东营区"), "{}", stdout(&o));
}

#[test]
fn unknown_cadre_or_county_is_bad_input() {
    let dir = tmp();
    let o = explain_small(&dir, &["--cadre", "NOBODY"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("NOBODY"), "{}", stderr(&o));
    let o = sanlian(&["explain", s(&fixture("small")), s(&dir.path().join("plan.json")), "--county", "999999"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("999999"), "{}", stderr(&o));
}

#[test]
fn what_if_remove_prints_the_s1_delta() {
    let dir = tmp();
    let o = explain_small(&dir, &["--cadre", "C0501", "--what-if", "remove C0501"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("remove C0501"), "{out}");
    assert!(out.contains("S1 变化"), "{out}");

    let o = sanlian(&[
        "explain",
        s(&fixture("small")),
        s(&dir.path().join("plan.json")),
        "--lang",
        "en",
        "--cadre",
        "C0501",
        "--what-if",
        "remove C0501",
    ]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("S1 delta"), "{}", stdout(&o));
}

#[test]
fn what_ifs_repeat_and_accept_a_leading_hyphen() {
    let dir = tmp();
    let o = explain_small(
        &dir,
        &["--cadre", "P001", "--format", "json", "--what-if", "-C0501", "--what-if", "P001 !-> 370523"],
    );
    assert_exit(&o, 0);
    let v = json(&o);
    let w = v["what_if"].as_array().expect("what_if array");
    assert_eq!(w.len(), 2);
    assert_eq!(w[0]["what_if"], "-C0501");
    assert_eq!(w[1]["what_if"], "P001 !-> 370523");
    for r in w {
        let before = r["s1_before"].as_f64().unwrap();
        let after = r["s1_after"].as_f64().expect("a strict plan exists after the change");
        let delta = r["s1_delta"].as_f64().unwrap();
        assert!((after - before - delta).abs() < 1e-6, "{r}");
        assert_eq!(r["valid"], true, "{r}");
    }
}

#[test]
fn malformed_what_if_is_bad_input() {
    let dir = tmp();
    let o = explain_small(&dir, &["--what-if", "bogus"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("bogus"), "{}", stderr(&o));
    let o = sanlian(&["explain", s(&fixture("small")), "--what-if", "NOBODY -> 370502"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("NOBODY"), "{}", stderr(&o));
}

#[test]
fn without_a_plan_the_instance_is_solved_first() {
    let o = sanlian(&["explain", s(&fixture("small")), "--format", "json", "--cadre", "P001"]);
    assert_exit(&o, 0);
    let e = &json(&o)["explanation"];
    assert_eq!(e["cadres"].as_array().map(Vec::len), Some(1));
    let (plan, optimal) = (e["s1_plan"].as_f64().unwrap(), e["s1_optimal"].as_f64().unwrap());
    assert!((plan - optimal).abs() < 1e-6, "the solved plan is optimal: {plan} vs {optimal}");
}

#[test]
fn a_plan_of_another_instance_is_bad_input() {
    let dir = tmp();
    let plan = solve_small(&dir);

    let mut shifted = small_json();
    shifted["first_year"] = Value::from(shifted["first_year"].as_i64().unwrap() + 1);
    // Keep the instance valid: its unavailable months move with the plan years.
    for c in shifted["cadres"].as_array_mut().unwrap() {
        if let Some(months) = c.get_mut("unavailable_months").and_then(Value::as_array_mut) {
            for m in months {
                let (y, mm) = m.as_str().unwrap().split_once('-').unwrap();
                *m = Value::from(format!("{}-{mm}", y.parse::<i32>().unwrap() + 1));
            }
        }
    }
    let other = write_json(&dir, "shifted.json", &shifted);
    let o = sanlian(&["explain", s(&other), s(&plan)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("does not belong") && err.contains("first_year"), "{err}");
    assert!(err.contains("plan.json"), "the message names the plan file: {err}");

    let mut renamed = small_json();
    renamed["cadres"][0]["id"] = Value::from("P999");
    let other = write_json(&dir, "renamed.json", &renamed);
    let o = sanlian(&["explain", s(&other), s(&plan)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("does not belong") && err.contains("P001"), "{err}");
}

#[test]
fn malformed_plan_is_bad_input() {
    let dir = tmp();
    let bad = dir.path().join("bad.json");
    fs::write(&bad, "{ not json").unwrap();
    let o = sanlian(&["explain", s(&fixture("small")), s(&bad)]);
    assert_exit(&o, 2);
}

#[test]
fn infeasible_instance_prints_certificates() {
    let o = sanlian(&["explain", s(&fixture("infeasible"))]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("H3"), "{out}");
    assert!(out.contains("需要 5") && out.contains("供给 3") && out.contains("再让 2 名"), "{out}");

    let o = sanlian(&["explain", s(&fixture("infeasible")), "--lang", "en"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(
        out.contains("H3") && out.contains("2 more senior cadres eligible for") && out.contains("(need 5, supply 3)"),
        "{out}"
    );

    let o = sanlian(&["explain", s(&fixture("infeasible")), "--format", "json"]);
    assert_exit(&o, 1);
    let v = json(&o);
    let certs = v["certificates"].as_array().expect("certificates");
    assert!(!certs.is_empty());
    assert!(certs.iter().any(|c| c["rule"] == "H3" && c["need"] == 5 && c["supply"] == 3), "{v}");
    assert!(v.get("explanation").is_none());
}
