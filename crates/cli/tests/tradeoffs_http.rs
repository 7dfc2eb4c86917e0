//! The trade-offs on the service (issue 15, item 4): `POST /api/instances/{id}/tradeoffs`
//! queues a job that stores every point's plan, each checked against the instance it was
//! solved on; bad options are refused before anything is queued; the job can be cancelled.

mod common;

use std::time::{Duration, Instant};

use common::server::*;
use common::*;
use serde_json::{json, Value};

/// Submit a trade-offs job on instance `id` and wait for it.
fn tradeoffs(server: &Server, id: i64, body: &[u8]) -> Value {
    let (status, job) = server.post(&format!("/api/instances/{id}/tradeoffs"), body);
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["kind"], "tradeoffs", "{job}");
    server.wait(job["id"].as_i64().unwrap())
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Whether metrics `a` dominate `b` on the traded goals (cost, the farthest traveller,
/// robust groups), written out here from docs/tradeoffs.md.
fn dominates(a: &Value, b: &Value) -> bool {
    let tol = |x: f64| 1e-6 * x.abs().max(1.0);
    let (s1a, s1b) = (num(&a["s1"]), num(&b["s1"]));
    let (kma, kmb) = (num(&a["max_km"]), num(&b["max_km"]));
    let (ra, rb) = (a["robust_groups"].as_u64().unwrap(), b["robust_groups"].as_u64().unwrap());
    let no_worse = s1a <= s1b + tol(s1b) && kma <= kmb + tol(kmb) && ra >= rb;
    let better = s1a < s1b - tol(s1b) || kma < kmb - tol(kmb) || ra > rb;
    no_worse && better
}

#[test]
fn a_tradeoffs_job_stores_every_point_as_a_plan_that_passes_its_check() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let small = server.fixture("small");
    let plain = server.solve(small);
    let (_, plain_doc) = server.get_json(&format!("/api/plans/{plain}"));
    let plain_s1 =
        plain_doc["stages"].as_array().unwrap().iter().find(|s| s["id"] == "S1").map(|s| num(&s["objective"]));
    let plain_s1 = plain_s1.expect("a plain plan has S1");

    let done = tradeoffs(&server, small, b"");
    assert_eq!(done["state"], "done", "{done}");
    let r = &done["result"];
    assert_eq!(r["outcome"], "tradeoffs", "{r}");
    assert_eq!(r["options"], json!({"points": 5, "reach_km": 80.0, "time_limit": 60.0}), "the defaults: {r}");
    let points = r["points"].as_array().expect("points");
    assert!(points.len() >= 3 && points.len() <= 5, "{} points: {r}", points.len());
    let ids: Vec<&str> = points.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["A", "B", "C", "D", "E"][..points.len()], "{ids:?}");

    // A is the plain optimum's S1 (the same as a plain solve job), and the deltas are from it.
    let a = &points[0];
    assert!((num(&a["metrics"]["s1"]) - plain_s1).abs() <= 1e-6 * plain_s1.abs().max(1.0), "{a} vs {plain_s1}");
    assert_eq!(num(&a["s1_delta"]), 0.0, "{a}");
    for (i, p) in points.iter().enumerate() {
        let m = &p["metrics"];
        let delta = num(&m["s1"]) - num(&a["metrics"]["s1"]);
        assert!((num(&p["s1_delta"]) - delta).abs() < 1e-6, "{p}");
        if i > 0 {
            assert!(num(&m["s1"]) >= num(&points[i - 1]["metrics"]["s1"]) - 1e-9, "cheapest first: {r}");
        }
        for (j, q) in points.iter().enumerate() {
            assert!(i == j || !dominates(&q["metrics"], m), "{} dominates {}: {r}", q["id"], p["id"]);
        }
        let zh = p["line_zh"].as_str().unwrap();
        let en = p["line_en"].as_str().unwrap();
        assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
        assert!(!en.is_empty() && en.is_ascii() || en.contains('¥'), "{en}");
    }
    assert!(r["svg"].as_str().unwrap().contains("<svg"), "a chart");

    // Every point is a stored plan, checked valid against the instance it was solved on: the
    // base for the plain optimum, the base with its ε (stored beside it) for the others.
    let (_, stored) = server.get_json("/api/plans");
    for p in points {
        let pid = p["plan"].as_i64().expect("a plan id");
        let iid = p["instance"].as_i64().expect("an instance id");
        let (status, check) = server.get_json(&format!("/api/plans/{pid}/check"));
        assert_eq!(status, 200, "{check}");
        assert_eq!(check["valid"], true, "point {} (plan {pid}): {check}", p["id"]);
        let (_, doc) = server.get_json(&format!("/api/plans/{pid}"));
        let (_, inst) = server.get_json(&format!("/api/instances/{iid}"));
        let params = &inst["parameters"];
        match p["epsilon"]["kind"].as_str().unwrap() {
            "none" => assert_eq!(iid, small, "{p}"),
            "travel_at_most" => {
                assert_ne!(iid, small, "{p}");
                assert_eq!(params["fairness"]["max_travel_km"], p["epsilon"]["km"], "{params}");
                assert!(num(&p["metrics"]["max_km"]) <= num(&p["epsilon"]["km"]) + 1e-6, "{p}");
            }
            "robust_at_least" => {
                assert_ne!(iid, small, "{p}");
                assert_eq!(params["robust"]["at_least"], p["epsilon"]["groups"], "{params}");
                assert_eq!(params["robust"]["reach_km"], 80.0, "{params}");
                assert!(p["metrics"]["robust_groups"].as_u64() >= p["epsilon"]["groups"].as_u64(), "{p}");
            }
            other => panic!("an unknown ε {other}: {p}"),
        }
        assert_eq!(doc["groups"].as_array().unwrap().len() as u64, p["metrics"]["groups"].as_u64().unwrap());
        let row = stored.as_array().unwrap().iter().find(|s| s["id"] == pid).expect("listed");
        assert_eq!(row["source"], "tradeoffs", "{row}");
        assert_eq!(row["instance"], iid, "{row}");
        let label = row["label"].as_str().unwrap();
        assert!(label.starts_with(&format!("权衡 {}：", p["id"].as_str().unwrap())), "{label}");
        let (status, _) = server.get(&format!("/api/plans/{pid}/view"));
        assert_eq!(status, 200, "the plan opens like any other");
    }
    // An ε-instance sets the trade-offs' own options: it is not traded again.
    if let Some(eps) = points.iter().find(|p| p["epsilon"]["kind"] != "none") {
        let (status, v) = server.post(&format!("/api/instances/{}/tradeoffs", eps["instance"]), b"{}");
        assert_error(status, &v, 422, "tradeoffs_preset");
    }
    server.kill();
}

#[test]
fn bad_options_are_refused_before_anything_is_queued() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let small = server.fixture("small");
    let path = format!("/api/instances/{small}/tradeoffs");
    for (body, field) in [
        (r#"{"points":2}"#, "points"),
        (r#"{"points":8}"#, "points"),
        (r#"{"points":4.5}"#, "points"),
        (r#"{"reach_km":-5}"#, "reach_km"),
        (r#"{"reach_km":0}"#, "reach_km"),
        (r#"{"reach_km":5000}"#, "reach_km"),
        (r#"{"time_limit":0}"#, "time_limit"),
        (r#"{"time_limit":-1}"#, "time_limit"),
        (r#"{"time_limit":100000}"#, "time_limit"),
    ] {
        let (status, v) = server.post(&path, body.as_bytes());
        assert_error(status, &v, 400, "invalid_option");
        assert_eq!(v["error"]["location"], field, "{body}: {v}");
        let en = v["error"]["text"]["en"].as_str().unwrap();
        assert!(en.starts_with(field), "{body}: the message names the field: {en}");
    }
    // Not numbers, an unknown option, not an object: refused naming the option.
    for (body, field) in [
        (r#"{"reach_km":"NaN"}"#, Some("reach_km")),
        (r#"{"points":"5"}"#, Some("points")),
        (r#"{"time_limit":null}"#, Some("time_limit")),
        (r#"{"points":5,"seed":1}"#, Some("seed")),
        (r#"[5]"#, None),
    ] {
        let (status, v) = server.post(&path, body.as_bytes());
        assert_error(status, &v, 400, "invalid_option");
        if let Some(field) = field {
            assert_eq!(v["error"]["location"], field, "{body}: {v}");
            assert!(v["error"]["text"]["en"].as_str().unwrap().starts_with(field), "{body}: {v}");
            assert!(v["error"]["text"]["zh"].as_str().unwrap().contains(field), "{body}: {v}");
        }
    }
    // Not JSON, or a number JSON cannot hold (NaN, 1e999).
    for body in [r#"{"reach_km":NaN}"#, "points=5", r#"{"reach_km":1e999}"#, r#"{"points":5"#] {
        let (status, v) = server.post(&path, body.as_bytes());
        assert_error(status, &v, 400, "invalid_json");
    }
    // A body of more than a few options is refused before it is read.
    let huge = format!(r#"{{"points":5{}}}"#, " ".repeat(5000));
    let (status, v) = server.post(&path, huge.as_bytes());
    assert_error(status, &v, 413, "too_large");
    assert!(v["error"]["text"]["en"].as_str().unwrap().contains("4096"), "{v}");
    // Unknown or malformed instances.
    let (status, v) = server.post("/api/instances/999/tradeoffs", b"{}");
    assert_error(status, &v, 404, "not_found");
    let (status, v) = server.post("/api/instances/abc/tradeoffs", b"{}");
    assert_error(status, &v, 404, "not_found");
    // An instance with fairness options of its own.
    let mut inst = small_json();
    inst["parameters"]["fairness"] = json!({"max_travel_km": 9000});
    let (status, up) = server.post("/api/instances", &serde_json::to_vec(&inst).unwrap());
    assert_eq!(status, 201, "{up}");
    let (status, v) = server.post(&format!("/api/instances/{}/tradeoffs", up["id"]), b"{}");
    assert_error(status, &v, 422, "tradeoffs_preset");
    assert!(v["error"]["text"]["zh"].as_str().unwrap().contains("公平"), "{v}");
    // Nothing was queued.
    let (status, v) = server.get_json("/api/jobs/1");
    assert_error(status, &v, 404, "not_found");
    server.kill();
}

#[test]
fn a_running_tradeoffs_job_is_cancelled_not_stopped_and_stores_nothing() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let (status, job) = server.post(&format!("/api/instances/{shandong}/tradeoffs"), br#"{"points":7}"#);
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, v) = server.get_json(&format!("/api/jobs/{id}"));
        match v["state"].as_str() {
            Some("running") => {
                break;
            }
            Some("queued") => {}
            _ => panic!("job {id} ended before it could be cancelled: {v}"),
        }
        assert!(Instant::now() < deadline, "job {id} never started: {v}");
        std::thread::sleep(Duration::from_millis(10));
    }
    // It cannot keep a partial set: a stop is refused, naming what can.
    let (status, v) = server.post(&format!("/api/jobs/{id}/stop"), b"");
    assert_error(status, &v, 409, "job_cannot_stop");
    assert!(!v["error"]["text"]["en"].as_str().unwrap().contains("re-planning"), "{v}");
    let started = Instant::now();
    let (status, bytes) = call("DELETE", &server.url(&format!("/api/jobs/{id}")), None);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let done = server.wait(id);
    assert_eq!(done["state"], "cancelled", "{done}");
    // The worker is free again soon: the solve under way stopped.
    let plan = server.solve(server.fixture("small"));
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    let (_, plans) = server.get_json("/api/plans");
    let plans = plans.as_array().unwrap();
    assert_eq!(plans.len(), 1, "only the solve's plan {plan}: {plans:?}");
    assert!(plans.iter().all(|p| p["source"] != "tradeoffs"), "{plans:?}");
    server.kill();
}
