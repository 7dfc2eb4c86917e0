//! The adversarial suite against the running service: for a bounded time, mutated instances,
//! plans, events, scenario specs, roster spreadsheets, labels and query strings are sent to
//! every endpoint that takes them. Every answer must be a success or a JSON error with a code and a
//! message (never a 500, never a leak of internals), every job must end in a state of its own
//! (one still running after a few seconds is stopped, which exercises cancel), and at the end
//! the service is alive and healthy.
//!
//! `SANLIAN_FUZZ_SECONDS` (default 4) and `SANLIAN_FUZZ_SEED` (default 1) as in `tests/fuzz.rs`.

mod common;

#[path = "../../../tests/common/mutate.rs"]
mod mutate;

use std::time::{Duration, Instant};

use common::server::{call, Server};
use common::TempDir;
use mutate::{mutate_bytes, mutate_csv, mutate_json, Rng};
use serde_json::{json, Value};

/// The statuses the service may answer with to a hostile but well-formed HTTP request.
const ALLOWED: [u16; 12] = [200, 201, 202, 400, 404, 405, 408, 409, 413, 415, 422, 503];

fn check_answer(what: &str, status: u16, body: &[u8]) -> Option<Value> {
    assert!(
        ALLOWED.contains(&status),
        "{what}: status {status} is not an answer to bad input: {}",
        String::from_utf8_lossy(body)
    );
    if status >= 400 {
        let v: Value = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("{what}: an error that is not JSON ({e}): {}", String::from_utf8_lossy(body)));
        let message = v["error"]["message"].as_str().unwrap_or_else(|| panic!("{what}: no message in {v}"));
        assert!(v["error"]["code"].is_string() && message.len() >= 8, "{what}: {v}");
        for leak in ["panicked", "RUST_BACKTRACE", ".rs:", "stack backtrace"] {
            assert!(!message.contains(leak), "{what}: the error leaks internals: {message}");
        }
        if status == 503 {
            let code = v["error"]["code"].as_str().unwrap_or_default();
            assert!(["queue_full", "busy"].contains(&code), "{what}: 503 for another reason than load: {v}");
        }
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Follow a job to its end (stopping it after `patience`); its final state is its own.
fn settle(server: &Server, job: i64, patience: Duration) {
    let start = Instant::now();
    loop {
        let (status, v) = server.get_json(&format!("/api/jobs/{job}?wait=2"));
        assert_eq!(status, 200, "{v}");
        match v["state"].as_str() {
            Some("done") | Some("cancelled") => return,
            Some("failed") => {
                assert_ne!(v["error"]["code"], "internal", "job {job} failed inside the engine: {v}");
                return;
            }
            _ if start.elapsed() > patience => {
                let (status, body) = call("DELETE", &server.url(&format!("/api/jobs/{job}")), None);
                assert!(
                    [200, 409].contains(&status),
                    "stopping job {job}: {status} {}",
                    String::from_utf8_lossy(&body)
                );
            }
            _ => {}
        }
        assert!(start.elapsed() < patience + Duration::from_secs(30), "job {job} neither ended nor stopped: {v}");
    }
}

#[test]
fn the_service_answers_every_mutated_upload_with_a_result_or_a_coded_error_and_stays_healthy() {
    let budget: f64 = std::env::var("SANLIAN_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(4.0);
    let seed: u64 = std::env::var("SANLIAN_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = TempDir::new().unwrap();
    let server = Server::start(&common::server::db(&dir), &["--workers", "2", "--queue", "8"]);
    let id = server.fixture("small");
    let plan = server.solve(id);
    let instance: Value = serde_json::from_slice(&server.get(&format!("/api/instances/{id}")).1).unwrap();
    let plan_doc: Value = serde_json::from_slice(&server.get(&format!("/api/plans/{plan}")).1).unwrap();
    let csv = String::from_utf8(server.get(&format!("/api/instances/{id}/roster.csv")).1).unwrap();
    let xlsx = server.get(&format!("/api/instances/{id}/roster.xlsx")).1;
    let cadres = instance["cadres"].as_array().unwrap();
    let year = instance["first_year"].as_i64().unwrap();
    let mut joiner = cadres[1].clone();
    joiner["id"] = json!("NEW1");
    let events = json!({"events": [
        {"kind": "leave", "date": format!("{year}-07-01"), "cadre": cadres[0]["id"]},
        {"kind": "join", "date": format!("{year}-07-01"), "cadre": joiner},
        {"kind": "unavailable", "date": format!("{year}-06-15"), "cadre": cadres[3]["id"], "months": [format!("{year}-09")]},
    ]});
    let spec = json!({"name": "fuzz", "sweeps": [
        {"kind": "province_cadres", "from": 2, "to": 6, "step": 2},
        {"kind": "nearby_km", "values": [40, 80]}
    ]});
    let tradeoff_options = json!({"points": 3, "reach_km": 80, "time_limit": 5});
    let county = plan_doc["groups"][0]["county"].as_str().unwrap().to_string();
    let cadre = cadres[0]["id"].as_str().unwrap().to_string();

    let start = Instant::now();
    let (mut tried, mut refused, mut jobs) = (0usize, 0usize, 0usize);
    while tried < 30 || start.elapsed().as_secs_f64() < budget {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(tried as u64));
        let (what, method, path, body): (&str, &str, String, Option<Vec<u8>>) = match rng.below(9) {
            7 => (
                "label",
                "PATCH",
                format!("/api/plans/{plan}"),
                Some(serde_json::to_vec(&mutate_json(&mut rng, &json!({"label": "东营 初稿"}), 2)).unwrap()),
            ),
            0 => ("instance", "POST", "/api/instances".into(), Some(json_or_bytes(&mut rng, &instance))),
            1 => ("plan", "POST", format!("/api/instances/{id}/plans"), Some(json_or_bytes(&mut rng, &plan_doc))),
            2 => (
                "events",
                "POST",
                format!("/api/plans/{plan}/reassign?time_limit=5"),
                Some(serde_json::to_vec(&mutate_json(&mut rng, &events, 2)).unwrap()),
            ),
            3 => (
                "spec",
                "POST",
                format!("/api/instances/{id}/scenarios"),
                Some(serde_json::to_vec(&mutate_json(&mut rng, &spec, 2)).unwrap()),
            ),
            8 => (
                "tradeoffs",
                "POST",
                format!("/api/instances/{id}/tradeoffs"),
                Some(serde_json::to_vec(&mutate_json(&mut rng, &tradeoff_options, 2)).unwrap()),
            ),
            4 => (
                "roster.csv",
                "POST",
                format!("/api/instances/{id}/roster?name=r.csv"),
                Some(mutate_csv(&mut rng, &csv, 3).into_bytes()),
            ),
            5 => (
                "roster.xlsx",
                "POST",
                format!("/api/instances/{id}/roster?name=r.xlsx"),
                Some(mutate_bytes(&mut rng, &xlsx, 3)),
            ),
            _ => {
                let odd = |rng: &mut Rng, base: &str| {
                    let v = mutate_json(rng, &json!(base), 1);
                    sanlian_files::percent_encode(&v.as_str().map_or_else(|| v.to_string(), str::to_string))
                };
                let path = match rng.below(4) {
                    0 => format!("/api/plans/{plan}/explain?cadre={}&format=json", odd(&mut rng, &cadre)),
                    1 => format!(
                        "/api/plans/{plan}/explain?county={}&lang={}",
                        odd(&mut rng, &county),
                        odd(&mut rng, "zh")
                    ),
                    2 => format!("/api/plans/{plan}/map.svg?colour={}", odd(&mut rng, "city")),
                    _ => format!("/api/plans/{plan}/calendar.ics?cadre={}", odd(&mut rng, &cadre)),
                };
                ("query", "GET", path, None)
            }
        };
        let (status, answer) = call(method, &server.url(&path), body.as_deref());
        let value = check_answer(&format!("{what} #{tried} {method} {path}"), status, &answer);
        if status >= 400 {
            refused += 1;
        }
        if status == 202 {
            jobs += 1;
            let job = value.and_then(|v| v["id"].as_i64()).expect("a job id");
            settle(&server, job, Duration::from_secs(5));
        }
        tried += 1;
    }
    eprintln!("fuzz http: {tried} requests in {:.1} s, {refused} refused, {jobs} jobs", start.elapsed().as_secs_f64());
    assert!(refused > 0 && refused < tried, "the loop must reach both sides: {refused} of {tried} refused");
    let mut server = server;
    assert!(server.child.try_wait().unwrap().is_none(), "the service died");
    let log = server.log();
    assert!(!log.contains("panicked"), "a request made the service panic (even if it was caught):\n{log}");
    let (status, health) = server.get_json("/api/health");
    assert_eq!((status, &health["status"]), (200, &json!("ok")), "{health}");
    server.kill();
}

/// A JSON document mutated in structure (mostly) or in bytes.
fn json_or_bytes(rng: &mut Rng, doc: &Value) -> Vec<u8> {
    if rng.chance(0.2) {
        mutate_bytes(rng, &serde_json::to_vec(doc).unwrap(), 4)
    } else {
        serde_json::to_vec(&mutate_json(rng, doc, 3)).unwrap()
    }
}
