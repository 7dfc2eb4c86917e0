//! Jobs that stop: cancelled while queued or running (`DELETE /api/jobs/{id}`), and a job
//! that a crash interrupts twice, which is failed with its reason instead of resumed forever.

mod common;

use std::time::{Duration, Instant};

use common::server::*;
use common::*;
use serde_json::Value;

/// A scenario spec on the Shandong fixture that runs for many seconds (161 variants,
/// within the work budget).
const LONG_SPEC: &[u8] = br#"{"name":"long","sweeps":[{"kind":"province_cadres","from":80,"to":240,"step":1}]}"#;

fn submit_long(server: &Server, shandong: i64) -> i64 {
    let (status, job) = server.post(&format!("/api/instances/{shandong}/scenarios"), LONG_SPEC);
    assert_eq!(status, 202, "{job}");
    job["id"].as_i64().unwrap()
}

/// Wait until job `id` is running.
fn wait_running(server: &Server, id: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, v) = server.get_json(&format!("/api/jobs/{id}"));
        match v["state"].as_str() {
            Some("running") => return,
            Some("queued") => {}
            _ => panic!("job {id} ended before it could be stopped: {v}"),
        }
        assert!(Instant::now() < deadline, "job {id} never started: {v}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn delete(server: &Server, id: i64) -> (u16, Value) {
    let (status, bytes) = call("DELETE", &server.url(&format!("/api/jobs/{id}")), None);
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

#[test]
fn queued_and_running_jobs_are_cancelled_and_free_their_worker() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let small = server.fixture("small");
    let long = submit_long(&server, shandong);
    let (_, queued) = server.post(&format!("/api/instances/{small}/solve"), b"");
    let queued = queued["id"].as_i64().unwrap();
    wait_running(&server, long);

    // The queued job: cancelled at once, and it never runs.
    let (status, v) = delete(&server, queued);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "cancelled", "{v}");
    assert_eq!(v["error"]["code"], "cancelled", "{v}");

    // The running one: cancelled, and the worker is free again within moments.
    let (status, v) = delete(&server, long);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "cancelled", "{v}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.get_json("/api/health").1["jobs"]["running"] != 0 {
        assert!(Instant::now() < deadline, "the cancelled job still holds its worker");
        std::thread::sleep(Duration::from_millis(20));
    }
    for id in [long, queued] {
        let v = server.wait(id);
        assert_eq!(v["state"], "cancelled", "a cancelled job stays cancelled: {v}");
        assert!(v["result"].is_null(), "a cancelled job stores no result: {v}");
    }

    // Finished jobs cannot be stopped; unknown ones do not exist.
    let (status, v) = delete(&server, long);
    assert_error(status, &v, 409, "job_finished");
    let (status, v) = delete(&server, 999_999);
    assert_error(status, &v, 404, "not_found");
    let (status, v) = delete(&server, -1);
    assert!(status == 400 || status == 404, "{status} {v}");

    // The worker takes the next job and nothing of the cancelled ones was stored.
    let pid = server.solve(small);
    let (_, plans) = server.get_json("/api/plans");
    let plans = plans.as_array().unwrap();
    assert_eq!(plans.len(), 1, "only the last solve stored a plan: {plans:?}");
    assert_eq!(plans[0]["id"], pid);
}

#[test]
fn cancelling_from_another_site_is_refused() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let long = submit_long(&server, shandong);
    let resp = agent()
        .delete(&server.url(&format!("/api/jobs/{long}")))
        .header("origin", "https://evil.example")
        .call()
        .expect("an answer");
    assert_eq!(resp.status().as_u16(), 403);
    let (_, v) = server.get_json(&format!("/api/jobs/{long}"));
    assert_ne!(v["state"], "cancelled", "{v}");
    delete(&server, long);
}

#[test]
fn a_job_interrupted_by_two_crashes_is_failed_not_resumed() {
    let dir = tmp();
    let path = db(&dir);
    let server = Server::start(&path, &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let long = submit_long(&server, shandong);
    wait_running(&server, long);
    server.kill();

    // First restart: the job runs again (one crash may be the machine's fault).
    let server = Server::start(&path, &["--workers", "1"]);
    wait_running(&server, long);
    server.kill();

    // Second restart: it is failed with the reason, and the service takes new work.
    let server = Server::start(&path, &["--workers", "1"]);
    let (_, v) = server.get_json(&format!("/api/jobs/{long}"));
    assert_eq!(v["state"], "failed", "{v}");
    assert_eq!(v["error"]["code"], "interrupted", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("interrupted 2 times"), "{message}");
    let small = server.fixture("small");
    server.solve(small);
}
