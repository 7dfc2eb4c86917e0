//! Locks through the `sanlian` binary and the HTTP service: a plan keeps them and `check`
//! verifies them, a lock that cannot hold exits 2 (422) naming it, locks that make the rules
//! impossible exit 1 with the locks to lift, and `explain` prices each lock.

mod common;

use common::*;
use serde_json::{json, Value};

fn locked(locks: Value) -> Value {
    let mut inst = small_json();
    inst["locks"] = locks;
    inst
}

#[test]
fn a_locked_plan_keeps_its_locks_and_check_verifies_them() {
    let dir = tmp();
    let inst = write_json(
        &dir,
        "locked.json",
        &locked(json!([
            {"kind": "leader", "cadre": "P003", "county": "370503", "reason": "团省委指定"},
            {"kind": "not_months", "cadre": "C0502", "months": ["2027-03", "2027-04"]},
            {"kind": "weekday", "cadre": "K370503-1", "weekday": "Thu"}
        ])),
    );
    let plan = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&inst), "-o", s(&plan)]);
    assert_exit(&o, 0);
    let p: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let group = p["groups"].as_array().unwrap().iter().find(|g| g["county"] == "370503").unwrap();
    assert_eq!(group["leader"], "P003", "{group}");
    assert_eq!(p["locks"].as_array().unwrap().len(), 3);
    let weekly = p["assignments"].as_array().unwrap().iter().find(|a| a["cadre"] == "K370503-1").unwrap();
    assert!(weekly["years"].as_array().unwrap().iter().all(|y| y["weekday"] == "Thu"), "{weekly}");
    let o = sanlian(&["check", s(&inst), s(&plan)]);
    assert_exit(&o, 0);

    // The same plan checked against the instance with another leader locked: P3 is broken.
    let other = write_json(
        &dir,
        "other.json",
        &locked(json!([
            {"kind": "leader", "cadre": "P004", "county": "370503"},
            {"kind": "not_months", "cadre": "C0502", "months": ["2027-03", "2027-04"]},
            {"kind": "weekday", "cadre": "K370503-1", "weekday": "Thu"}
        ])),
    );
    let o = sanlian(&["check", s(&other), s(&plan)]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("[P3] locks[0]"), "{out}");
}

#[test]
fn a_lock_that_cannot_hold_exits_2_naming_it_and_writes_nothing() {
    let dir = tmp();
    let inst =
        write_json(&dir, "bad.json", &locked(json!([{"kind": "county", "cadre": "K370502-1", "county": "370503"}])));
    let plan = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&inst), "-o", s(&plan)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("locks[0].county") && err.contains("H2"), "{err}");
    assert!(!plan.exists());
}

#[test]
fn locks_that_make_the_rules_impossible_name_the_locks_to_lift() {
    // Two of the six seniors who could lead 东营's five groups barred from leading any of them
    // (P4): four leaders for five groups (H3), although each lock alone is harmless.
    let dir = tmp();
    let mut locks = Vec::new();
    for c in ["C0502", "C0504"] {
        for k in ["370502", "370503", "370505", "370522", "370523"] {
            locks.push(json!({"kind": "not_leader", "cadre": c, "county": k}));
        }
    }
    let inst = write_json(&dir, "tight.json", &locked(Value::Array(locks)));
    let o = sanlian(&["solve", s(&inst), "--lang", "en"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains("locks[0]") && out.contains("locks[9]"), "every one of the ten is needed: {out}");
    assert!(out.contains("lift"), "{out}");
    let o = sanlian(&["solve", s(&inst)]);
    assert_exit(&o, 1);
    let zh = stdout(&o);
    assert!(zh.contains("解除") && zh.contains("不任组长"), "{zh}");
}

#[test]
fn explain_prices_each_lock() {
    let dir = tmp();
    let inst = write_json(&dir, "one.json", &locked(json!([{"kind": "county", "cadre": "P001", "county": "370523"}])));
    let o = sanlian(&["explain", s(&inst), "--cadre", "P001", "--format", "json"]);
    assert_exit(&o, 0);
    let e: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let locks = e["explanation"]["locks"].as_array().unwrap();
    assert_eq!(locks.len(), 1, "{e}");
    assert_eq!(locks[0]["rule"], "P1");
    assert!(locks[0]["s1_delta"].as_f64().unwrap() >= 0.0, "{e}");
    assert!(locks[0]["others_moved"].as_u64().is_some(), "{e}");
    let o = sanlian(&["explain", s(&inst), "--cadre", "P001"]);
    assert_exit(&o, 0);
    let zh = stdout(&o);
    assert!(zh.contains("锁定的代价") && zh.contains("分组费用") && zh.contains("人因此换组"), "{zh}");
}

#[test]
fn alternatives_for_a_cadre_are_listed_in_words() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let o = sanlian(&["alternatives", s(&fixture("small")), s(&plan), "--cadre", "P001", "-k", "2"]);
    assert_exit(&o, 0);
    let zh = stdout(&o);
    assert!(zh.contains("备选方案") && zh.contains("调到") && zh.contains("人随之调整"), "{zh}");
    let o = sanlian(&["alternatives", s(&fixture("small")), s(&plan), "--cadre", "K370502-1", "--lang", "en"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("ruled out (H2)"), "{}", stdout(&o));
    let o = sanlian(&["alternatives", s(&fixture("small")), s(&plan), "--cadre", "NOBODY"]);
    assert_exit(&o, 2);
    let o = sanlian(&["alternatives", s(&fixture("small")), s(&plan), "-k", "0", "--cadre", "P001"]);
    assert_exit(&o, 2);
}
