//! `sanlian stress`: seeded turnover runs on the small fixture, repaired and re-checked, with
//! tables, a chart and work units; bad input exits 2 with nothing written.

mod common;

use common::*;

/// The runs of stress.json without their seconds (the one field that varies between
/// identical runs).
fn runs_without_seconds(dir: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("stress.json")).unwrap()).unwrap();
    let mut runs = v["runs"].as_array().unwrap().clone();
    for r in &mut runs {
        r.as_object_mut().unwrap().remove("seconds");
    }
    runs
}

#[test]
fn a_sweep_of_rates_gives_tables_a_chart_and_the_same_runs_for_the_same_seed() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let run = |seed: &str, out: &Path| {
        let o = sanlian(&[
            "stress",
            s(&fixture("small")),
            s(&plan),
            "--departure-rate",
            "0.1,0.4",
            "--runs",
            "6",
            "--seed",
            seed,
            "--out",
            s(out),
            "-q",
        ]);
        assert_exit(&o, 0);
        o
    };
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    let o = run("3", &a);
    assert!(stdout(&o).contains("离岗率") && stdout(&o).contains("严格有效"), "{}", stdout(&o));
    run("3", &b);
    run("4", &c);
    let rows = runs_without_seconds(&a);
    assert_eq!(rows.len(), 12, "6 runs per rate");
    let csv = std::fs::read_to_string(a.join("runs.csv")).unwrap();
    assert!(csv.starts_with("point,run,departures,successors,status,changes"), "{csv}");
    assert_eq!(rows, runs_without_seconds(&b), "the same seed gives the same runs");
    assert_ne!(rows, runs_without_seconds(&c), "another seed gives other runs");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("stress.json")).unwrap()).unwrap();
    let points = summary["summary"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    for p in points {
        let shares: f64 =
            ["strict_share", "best_effort_share", "unrepaired_share"].iter().map(|k| p[k].as_f64().unwrap()).sum();
        assert!((shares - 1.0).abs() < 1e-9, "every run ends one way: {p}");
        assert!(p["coverage_mean"].as_f64().unwrap() <= 1.0);
    }
    // More departures at the higher rate.
    assert!(points[1]["departures"].as_f64().unwrap() > points[0]["departures"].as_f64().unwrap(), "{points:?}");
    let groups = std::fs::read_to_string(a.join("groups.csv")).unwrap();
    assert_eq!(groups.lines().count(), 1 + 5, "one row per group of the small fixture: {groups}");
    let svg = std::fs::read_to_string(a.join("stress.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.matches("<polyline").count() == 5 && svg.contains("0.4"), "{svg}");
    for f in ["points.csv", "townships.csv", "units.csv"] {
        assert!(a.join(f).is_file(), "{f}");
    }
}

#[test]
fn each_run_as_a_work_unit_gives_the_same_result_as_the_run_itself() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let (out, units) = (dir.path().join("out"), dir.path().join("units"));
    let inst = fixture("small");
    let args = |extra: &[&str]| {
        let mut v = vec!["stress", s(&inst), s(&plan), "--departure-rate", "0.5", "--runs", "3", "--seed", "9", "-q"];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let a = args(&["--out", s(&out)]);
    assert_exit(&sanlian(&a.iter().map(String::as_str).collect::<Vec<_>>()), 0);
    let u = args(&["--units", s(&units)]);
    assert_exit(&sanlian(&u.iter().map(String::as_str).collect::<Vec<_>>()), 0);
    let runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stress.json")).unwrap()).unwrap();
    for (i, run) in runs["runs"].as_array().unwrap().iter().enumerate() {
        let unit = std::fs::read(units.join(format!("0.5-{i}.json"))).unwrap();
        let o = sanlian_stdin(&["unit"], &unit);
        assert_exit(&o, 0);
        let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(r["id"], format!("0.5-{i}"));
        for k in ["departures", "successors", "status", "changes", "covered", "uncovered", "unled", "unmixed"] {
            assert_eq!(r[k], run[k], "{k} of run {i}");
        }
    }
}

#[test]
fn bad_stress_input_exits_2_and_writes_nothing() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let out = dir.path().join("out");
    let risks = dir.path().join("risks.csv");
    let inst = s(&fixture("small")).to_string();
    let check = |extra: &[&str], says: &str| {
        let mut v = vec!["stress", inst.as_str(), s(&plan), "--out", s(&out), "-q"];
        v.extend_from_slice(extra);
        let o = sanlian(&v);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
        assert!(!out.exists(), "{extra:?}: nothing written");
    };
    check(&["--departure-rate", "1.5"], "1.5 is not a probability in [0, 1]");
    check(&["--departure-rate=-0.1"], "is not a probability");
    check(&["--departure-rate", "0.1", "--runs", "10001"], "--runs: 10001 is outside 1..=10000");
    check(&["--departure-rate", "0.1", "--successor-share", "2"], "--successor-share");
    check(&[], "give --departure-rate");
    std::fs::write(&risks, "cadre,monthly_risk\nNOBODY,0.1\n").unwrap();
    check(&["--risks", s(&risks)], "line 2, cadre: \"NOBODY\" is not a cadre of the instance");
    let first = small_json()["cadres"][0]["id"].as_str().unwrap().to_string();
    std::fs::write(&risks, format!("cadre,monthly_risk\n{first},7\n")).unwrap();
    check(&["--risks", s(&risks)], "line 2, monthly_risk: 7 is not a probability");
    // A plan that breaks a rule cannot be stress-tested (re-planning needs a valid plan).
    let mut broken: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    broken["assignments"][0]["county"] = broken["assignments"][1]["county"].clone();
    broken["assignments"].as_array_mut().unwrap().remove(2);
    let bad = write_json(&dir, "bad.json", &broken);
    let o = sanlian(&["stress", &inst, s(&bad), "--departure-rate", "0.1", "--out", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("cannot be stress-tested"), "{}", stderr(&o));
    assert!(!out.exists());
}
