//! Regression tests for the edges of trust (issue 9): threads, outcomes, writes all or
//! nothing, closed pipes, byte-order marks, events that name their place, and re-planning
//! that refuses an invalid plan in force.

mod common;

use std::fs;
use std::io::Read as _;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

/// A plan's JSON without its timings: every `seconds` field set to 0.
fn untimed(path: &Path) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    if k == "seconds" {
                        *x = Value::from(0.0);
                    } else {
                        strip(x);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    strip(&mut v);
    v
}

#[test]
fn any_thread_count_solves_and_gives_the_same_plan() {
    let dir = tmp();
    let mut plans = Vec::new();
    for (i, threads) in ["1", "2", "1", "4"].iter().enumerate() {
        let out = dir.path().join(format!("plan{i}.json"));
        let o = sanlian(&["solve", s(&fixture("small")), "--threads", threads, "--quiet", "-o", s(&out)]);
        assert_exit(&o, 0);
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        plans.push(untimed(&out));
    }
    for p in &plans[1..] {
        assert_eq!(p, &plans[0], "invariant 6: the same plan whatever the thread count, apart from timings");
    }
    assert_eq!(plans[0]["contract"], "1.1", "the plan echoes the contract version");
}

#[test]
fn the_shandong_plan_is_the_same_with_one_and_two_threads() {
    let dir = tmp();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        let o = sanlian(&["solve", s(&fixture("shandong")), "--threads", threads, "--quiet", "-o", s(out)]);
        assert_exit(&o, 0);
    }
    assert_eq!(untimed(&a), untimed(&b));
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let small = fixture("small");
    for args in [vec!["explain", s(&small)], vec!["solve", s(&small)]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sanlian"))
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then hang up, as `| head -c 1` does.
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(status.code() == Some(0), "{args:?}: {status:?} {err}");
    }
}

#[test]
fn outputs_are_written_all_or_nothing() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    let table = dir.path().join("plan.csv");
    let bad_map = dir.path().join("no-such-dir").join("map.svg");
    let o = sanlian(&[
        "solve",
        s(&fixture("small")),
        "--quiet",
        "-o",
        s(&plan),
        "--table",
        s(&table),
        "--map",
        s(&bad_map),
    ]);
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert!(!plan.exists() && !table.exists(), "no output is written when one of them fails");
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "no temporary file is left: {left:?}");

    // A rename that fails (the target is a directory) leaves no `.partial` file either.
    let target = dir.path().join("taken");
    fs::create_dir(&target).unwrap();
    let o = sanlian(&["solve", s(&fixture("small")), "--quiet", "-o", s(&target)]);
    assert_exit(&o, 1);
    let left: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["taken"], "{left:?}");
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tmp();
    let text = fs::read_to_string(fixture("small")).unwrap();
    let bom = dir.path().join("bom.json");
    fs::write(&bom, format!("\u{feff}{text}")).unwrap();
    let plan = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&bom), "--quiet", "-o", s(&plan)]);
    assert_exit(&o, 0);
    let plan_text = fs::read_to_string(&plan).unwrap();
    fs::write(&plan, format!("\u{feff}{plan_text}")).unwrap();
    assert_exit(&sanlian(&["check", s(&bom), s(&plan)]), 0);
}

#[test]
fn parameters_outside_their_range_are_bad_input() {
    let dir = tmp();
    let mut v = small_json();
    v["parameters"]["fare_per_km"] = Value::from(1e19);
    let bad = write_json(&dir, "fare.json", &v);
    let o = sanlian(&["solve", s(&bad)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("parameters.fare_per_km"), "{}", stderr(&o));
}

/// The small fixture's plan and an events file, for the re-planning tests.
fn replan_inputs(dir: &TempDir, events: Value) -> (PathBuf, PathBuf) {
    let plan = solve_small(dir);
    let events_path = dir.path().join("events.json");
    fs::write(&events_path, serde_json::to_string(&events).unwrap()).unwrap();
    (plan, events_path)
}

#[test]
fn no_month_left_is_a_certificate_not_a_time_limit() {
    for mode in ["strict", "best-effort"] {
        let dir = tmp();
        let months: Vec<String> = (6..=12).map(|m| format!("2028-{m:02}")).collect();
        // P001 is available in no month from June 2028 on, and March–May are past.
        let events = serde_json::json!({ "events": [
            { "kind": "unavailable", "date": "2028-05-15", "cadre": "P001", "months": months }
        ]});
        let (plan, events) = replan_inputs(&dir, events);
        let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&events), "--mode", mode]);
        assert_exit(&o, 1);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("time limit"), "{mode}: {all}");
        assert!(all.contains("H8") && all.contains("P001"), "{mode}: {all}");
        assert!(all.contains("kept as planned"), "{mode}: the certificate counts the pinned months: {all}");
    }
}

#[test]
fn an_invalid_plan_in_force_is_refused_unless_repaired_explicitly() {
    let dir = tmp();
    let events = serde_json::json!({ "events": [{ "kind": "leave", "date": "2027-07-01", "cadre": "K370502-1" }] });
    let (plan, events) = replan_inputs(&dir, events);
    // Break H3: the group of 东营区 is led by a county cadre who is not senior.
    let mut v: Value = serde_json::from_str(&fs::read_to_string(&plan).unwrap()).unwrap();
    let group = v["groups"].as_array_mut().unwrap().iter_mut().find(|g| g["county"] == "370502").unwrap();
    let member =
        group["members"].as_array().unwrap().iter().find(|m| m.as_str().unwrap().starts_with('K')).cloned().unwrap();
    group["leader"] = member;
    let broken = write_json(&dir, "broken.json", &v);
    let out = dir.path().join("new.json");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&broken), s(&events), "-o", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("[H3] 370502"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--repair-invalid"), "{}", stderr(&o));
    assert!(!out.exists());

    let o = sanlian(&[
        "reassign",
        s(&fixture("small")),
        s(&broken),
        s(&events),
        "-o",
        s(&out),
        "--repair-invalid",
        "--lang",
        "en",
    ]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("Explicit repair"), "{}", stdout(&o));
    assert!(stdout(&o).contains("[H3] 370502"), "{}", stdout(&o));
    let inst = dir.path().join("new.instance.json");
    assert_exit(&sanlian(&["check", s(&inst), s(&out)]), 0);
}

#[test]
fn event_problems_name_the_event() {
    let dir = tmp();
    let joiner = serde_json::json!({
        "id": "X1", "name": "新人", "level": "province", "unit": "团省委",
        "base": { "lat": 95.0, "lon": 117.0 }
    });
    let events = serde_json::json!({ "events": [{ "kind": "join", "date": "2027-08-01", "cadre": joiner }] });
    let (plan, events) = replan_inputs(&dir, events);
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&events)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("events[0].cadre.base.lat"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("cadres["), "{}", stderr(&o));
}

#[test]
fn a_joiner_can_be_named_by_a_later_event() {
    let dir = tmp();
    let joiner = serde_json::json!({
        "id": "X1", "name": "新人", "level": "province", "unit": "团省委", "department": "组织部",
        "base": { "lat": 36.67, "lon": 117.01 }
    });
    let events = serde_json::json!({ "events": [
        { "kind": "join", "date": "2027-08-01", "cadre": joiner },
        { "kind": "unavailable", "date": "2027-08-01", "cadre": "X1", "months": ["2028-03"] }
    ]});
    let (plan, events) = replan_inputs(&dir, events);
    let out = dir.path().join("new.json");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&events), "-o", s(&out)]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    let x1 = v["assignments"].as_array().unwrap().iter().find(|a| a["cadre"] == "X1").unwrap();
    let blocks: Vec<&str> = x1["years"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|y| y["blocks"].as_array().unwrap())
        .map(|b| b["month"].as_str().unwrap())
        .collect();
    assert!(!blocks.contains(&"2028-03"), "{blocks:?}");
}
