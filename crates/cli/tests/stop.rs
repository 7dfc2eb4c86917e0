//! Stop and keep the best so far (`POST /api/jobs/{id}/stop`): a running job ends `done`
//! with what it has — a scenario batch with the rows done and the rest marked not run — and
//! is flagged `stopped`; a job that is not running, an unknown one, a re-planning one and a
//! request from another site are refused, and nothing changes.

mod common;

use std::time::{Duration, Instant};

use common::server::*;
use common::*;
use serde_json::Value;

/// A scenario spec on the Shandong fixture that runs for many seconds (161 variants).
const LONG_SPEC: &[u8] = br#"{"name":"long","sweeps":[{"kind":"province_cadres","from":80,"to":240,"step":1}]}"#;

fn submit_long(server: &Server, shandong: i64) -> i64 {
    let (status, job) = server.post(&format!("/api/instances/{shandong}/scenarios"), LONG_SPEC);
    assert_eq!(status, 202, "{job}");
    job["id"].as_i64().unwrap()
}

/// Wait until job `id` is running and has done at least `done` units of work.
fn wait_running(server: &Server, id: i64, done: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, v) = server.get_json(&format!("/api/jobs/{id}"));
        match v["state"].as_str() {
            Some("running") if v["progress"]["done"].as_u64().unwrap_or(0) >= done => return v,
            Some("running" | "queued") => {}
            _ => panic!("job {id} ended before it could be stopped: {v}"),
        }
        assert!(Instant::now() < deadline, "job {id} never got going: {v}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stop(server: &Server, id: i64) -> (u16, Value) {
    let (status, bytes) = call("POST", &server.url(&format!("/api/jobs/{id}/stop")), None);
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

#[test]
fn a_stopped_batch_ends_done_with_the_rows_it_has() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let long = submit_long(&server, shandong);
    wait_running(&server, long, 3);

    let asked = Instant::now();
    let (status, v) = stop(&server, long);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "running", "it finishes what is under way: {v}");
    assert_eq!(v["stopped"], true, "{v}");
    // Asking again changes nothing.
    let (status, again) = stop(&server, long);
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["stopped"], true, "{again}");

    let v = server.wait(long);
    let took = asked.elapsed().as_secs_f64();
    assert_eq!(v["state"], "done", "a stopped job keeps its result: {v}");
    assert_eq!(v["stopped"], true, "{v}");
    let result = &v["result"];
    assert_eq!(result["stopped"], true, "the stored result says so");
    let rows = result["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 161, "every variant has its row");
    let not_run = rows.iter().filter(|r| r["error"] == "stopped: not run").count();
    let planned: Vec<&Value> = rows.iter().filter(|r| !r["plan"].is_null()).collect();
    assert!(planned.len() >= 3, "the rows done before the stop are kept: {}", planned.len());
    assert!(not_run > 0 && not_run + planned.len() <= 161, "{not_run} not run, {} planned", planned.len());
    for r in rows.iter().filter(|r| r["error"] == "stopped: not run") {
        assert_eq!(r["stopped"], true, "{r}");
        assert!(r["plan"].is_null() && r["s1_cost"].is_null(), "{r}");
    }
    for r in &planned {
        assert_eq!(r["stopped"] == true, r["proven_optimal"] == false, "marked when cut short: {r}");
    }
    let csv = result["csv"].as_str().unwrap();
    assert_eq!(csv.lines().filter(|l| l.contains("stopped: not run")).count(), not_run, "the CSV has them too");
    assert!(took < 30.0, "stopping took {took:.1} s");
    eprintln!("stopped after {} variants done: {not_run} not run, done {took:.2} s after the stop", planned.len());
    let log = server.log();
    assert!(log.contains("stopping: keeping the best found so far"), "the log records the stop:\n{log}");
}

/// A best-effort solve of Shandong stopped while B1–B3 or S1 run: S1 (which HiGHS branches
/// on in best-effort mode) ends with its first incumbent. The solve is short (under a second
/// on an idle machine), so a stop that comes too late — the job finished, or past S1 — is
/// tried again on a new job, a few times at most.
#[test]
fn a_stopped_solve_stores_a_valid_plan_with_its_gap() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    for attempt in 1..=5 {
        let (status, job) = server.post(&format!("/api/instances/{shandong}/solve"), br#"{"mode":"best_effort"}"#);
        assert_eq!(status, 202, "{job}");
        let id = job["id"].as_i64().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (_, v) = server.get_json(&format!("/api/jobs/{id}"));
            if v["state"] != "queued" && (v["state"] != "running" || v["progress"]["stage"] == "solve") {
                break;
            }
            assert!(Instant::now() < deadline, "job {id} never started solving: {v}");
            std::thread::sleep(Duration::from_millis(2));
        }
        let (status, v) = stop(&server, id);
        if status == 409 {
            assert_error(status, &v, 409, "job_finished");
            eprintln!("attempt {attempt}: job {id} finished before the stop");
            continue;
        }
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["stopped"], true, "{v}");
        let done = server.wait(id);
        assert_eq!(done["state"], "done", "a stopped solve keeps its plan: {done}");
        assert_eq!(done["stopped"], true, "{done}");
        let result = &done["result"];
        assert_eq!(result["outcome"], "planned", "{done}");
        assert_eq!(result["stopped"], true, "{done}");
        let stages = result["summary"]["stages"].as_array().expect("stages");
        let cut: Vec<&Value> = stages.iter().filter(|s| s["status"] == "time_limit").collect();
        if cut.is_empty() {
            // The stop came after S1: every stage finished proven optimal.
            assert!(stages.iter().all(|s| s["proven_optimal"] == true), "{stages:?}");
            eprintln!("attempt {attempt}: job {id} was stopped after S1");
            continue;
        }
        assert_eq!(cut.len(), 1, "the stage under way is cut short, the rest run as usual: {stages:?}");
        let s1 = cut[0];
        assert_eq!(s1["id"], "S1", "{s1}");
        assert_eq!(s1["proven_optimal"], false, "{s1}");
        let gap = s1["gap"].as_f64().expect("a gap");
        assert!(gap > 0.0 && gap.is_finite(), "{s1}");
        assert!(s1["bound"].as_f64().unwrap() < s1["objective"].as_f64().unwrap(), "{s1}");
        // The stored plan is valid (the checker again) and carries the same stage.
        let pid = result["plan"].as_i64().expect("a stored plan");
        let (status, check) = server.get_json(&format!("/api/plans/{pid}/check"));
        assert_eq!(status, 200, "{check}");
        assert_eq!(check["valid"], true, "{check}");
        let (_, plan) = server.get_json(&format!("/api/plans/{pid}"));
        let stored = plan["stages"].as_array().expect("the plan's stages");
        let stored_s1 = stored.iter().find(|s| s["id"] == "S1").expect("S1");
        assert_eq!(stored_s1["status"], "time_limit", "{stored_s1}");
        assert_eq!(stored_s1["gap"], s1["gap"], "{stored_s1}");
        eprintln!("attempt {attempt}: S1 stopped with gap {:.3} %", 100.0 * gap);
        return;
    }
    panic!("five stops in a row came too late to cut S1 short");
}

#[test]
fn only_a_running_job_can_be_stopped() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let small = server.fixture("small");
    let long = submit_long(&server, shandong);
    let (_, queued) = server.post(&format!("/api/instances/{small}/solve"), b"");
    let queued = queued["id"].as_i64().unwrap();
    wait_running(&server, long, 0);

    // Queued: nothing to keep yet.
    let (status, v) = stop(&server, queued);
    assert_error(status, &v, 409, "job_not_running");
    let (_, v) = server.get_json(&format!("/api/jobs/{queued}"));
    assert_eq!(v["state"], "queued", "{v}");
    assert!(v.get("stopped").is_none(), "{v}");

    // Unknown and malformed ids.
    let (status, v) = stop(&server, 999_999);
    assert_error(status, &v, 404, "not_found");
    let (status, bytes) = call("POST", &server.url("/api/jobs/x/stop"), None);
    assert!(status == 400 || status == 404, "{status} {}", String::from_utf8_lossy(&bytes));

    // Finished: cancelled, then done.
    let (status, _) = call("DELETE", &server.url(&format!("/api/jobs/{long}")), None);
    assert_eq!(status, 200);
    let (status, v) = stop(&server, long);
    assert_error(status, &v, 409, "job_finished");
    let done = server.wait(queued);
    assert_eq!(done["state"], "done", "{done}");
    let (status, v) = stop(&server, queued);
    assert_error(status, &v, 409, "job_finished");
    assert!(server.wait(queued).get("stopped").is_none(), "a job never stopped is not flagged");
}

#[test]
fn a_cancel_after_a_stop_still_wins() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let long = submit_long(&server, shandong);
    wait_running(&server, long, 1);
    let (status, v) = stop(&server, long);
    assert_eq!(status, 200, "{v}");
    let (status, _) = call("DELETE", &server.url(&format!("/api/jobs/{long}")), None);
    assert_eq!(status, 200);
    let v = server.wait(long);
    assert_eq!(v["state"], "cancelled", "{v}");
    assert!(v["result"].is_null(), "a cancelled job stores nothing, stopped or not: {v}");
}

#[test]
fn stopping_from_another_site_is_refused() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let long = submit_long(&server, shandong);
    wait_running(&server, long, 0);
    let resp = agent()
        .post(&server.url(&format!("/api/jobs/{long}/stop")))
        .header("origin", "https://evil.example")
        .send_empty()
        .expect("an answer");
    assert_eq!(resp.status().as_u16(), 403);
    let (_, v) = server.get_json(&format!("/api/jobs/{long}"));
    assert_eq!(v["state"], "running", "{v}");
    assert!(v.get("stopped").is_none(), "a refused stop changes nothing: {v}");
    call("DELETE", &server.url(&format!("/api/jobs/{long}")), None);
}
