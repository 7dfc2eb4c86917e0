//! The service under hostile input and faults (issue 10): each test is a regression test
//! for an attack or an accident that once got through.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::server::*;
use common::*;
use serde_json::Value;

/// A raw HTTP/1.1 request, as an attacker writes it: status, headers (lower-case names) and body.
fn raw(server: &Server, request: &str, body: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|c| c.parse().ok()).unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, bytes[split + 4..].to_vec())
}

/// A request head with `Connection: close`.
fn head(method: &str, path: &str, host: &str, extra: &[(&str, &str)], body: &[u8]) -> String {
    let mut h =
        format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in extra {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h
}

fn host_of(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_string()
}

fn instances(server: &Server) -> usize {
    server.get_json("/api/instances").1.as_array().map_or(0, Vec::len)
}

fn error_code(body: &[u8]) -> String {
    let v: Value =
        serde_json::from_slice(body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)));
    v["error"]["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn writes_from_other_sites_and_other_body_types_are_refused() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &[]);
    let host = host_of(&server);
    let body = std::fs::read(fixture("small")).unwrap();
    let own = format!("http://{host}");
    type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);
    let cases: [Case; 5] = [
        (&[("Content-Type", "text/plain")], 415, "unsupported_media_type"),
        (&[("Content-Type", "application/x-www-form-urlencoded")], 415, "unsupported_media_type"),
        (&[("Content-Type", "multipart/form-data; boundary=x")], 415, "unsupported_media_type"),
        (&[("Content-Type", "application/json"), ("Origin", "http://evil.example")], 403, "cross_origin"),
        (&[("Content-Type", "application/json"), ("Sec-Fetch-Site", "cross-site")], 403, "cross_origin"),
    ];
    for (extra, status, code) in cases {
        let (got, _, answer) = raw(&server, &head("POST", "/api/instances", &host, extra, &body), &body);
        assert_eq!((got, error_code(&answer).as_str()), (status, code), "{extra:?}");
    }
    // An empty body sent across sites is refused too (it would load a fixture and queue work).
    let (got, _, answer) =
        raw(&server, &head("POST", "/api/fixtures/small", &host, &[("Origin", "http://evil.example")], b""), b"");
    assert_eq!((got, error_code(&answer).as_str()), (403, "cross_origin"));
    assert_eq!(instances(&server), 0, "nothing was stored");
    // The service's own page, and clients that are not browsers, may write.
    let ok = [("Content-Type", "application/json"), ("Origin", own.as_str())];
    let (got, _, _) = raw(&server, &head("POST", "/api/instances", &host, &ok, &body), &body);
    assert_eq!(got, 201);
    let (got, _, _) = raw(&server, &head("POST", "/api/instances", &host, &ok[..1], &body), &body);
    assert_eq!(got, 201);
    // Renaming and deleting are writes too: another site can do neither.
    let evil = [("Content-Type", "application/json"), ("Origin", "http://evil.example")];
    let label = br#"{"label":"pwned"}"#;
    let (got, _, answer) = raw(&server, &head("PATCH", "/api/instances/1", &host, &evil, label), label);
    assert_eq!((got, error_code(&answer).as_str()), (403, "cross_origin"));
    let (got, _, answer) = raw(&server, &head("DELETE", "/api/instances/1", &host, &evil[1..], b""), b"");
    assert_eq!((got, error_code(&answer).as_str()), (403, "cross_origin"));
    let (got, _, answer) =
        raw(&server, &head("PATCH", "/api/instances/1", &host, &[("Content-Type", "text/plain")], label), label);
    assert_eq!((got, error_code(&answer).as_str()), (415, "unsupported_media_type"));
    assert_eq!(instances(&server), 2, "nothing was deleted");
}

#[test]
fn unknown_host_names_are_refused_against_dns_rebinding() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &["--allowed-host", "planner.example"]);
    let port = host_of(&server).rsplit(':').next().unwrap().to_string();
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let (status, _, body) = raw(&server, &head("GET", "/api/instances", host, &[], b""), b"");
        assert_eq!((status, error_code(&body).as_str()), (421, "unknown_host"), "{host}");
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), "planner.example".to_string()] {
        let (status, _, _) = raw(&server, &head("GET", "/api/instances", &host, &[], b""), b"");
        assert_eq!(status, 200, "{host}");
    }
}

#[test]
fn every_response_carries_the_security_headers() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &[]);
    let host = host_of(&server);
    for path in ["/", "/assets/app.js", "/api/health", "/api/no-such-thing", "/api/jobs/abc"] {
        let (_, headers, _) = raw(&server, &head("GET", path, &host, &[], b""), b"");
        let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        assert!(get("content-security-policy").contains("default-src 'self'"), "{path}: {headers:?}");
        assert!(get("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(get("x-frame-options"), "DENY", "{path}");
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("referrer-policy"), "no-referrer", "{path}");
    }
    let (_, headers, _) = raw(&server, &head("GET", "evil", "evil.example", &[], b""), b"");
    assert!(headers.iter().any(|(k, _)| k == "x-frame-options"), "refusals carry them too");
}

#[test]
fn query_string_errors_are_json_and_names_stay_out_of_the_log() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &[]);
    let inst = server.fixture("small");
    let (status, v) = server.get_json("/api/jobs/1?wait=soon");
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_query")), "{v}");
    let (status, _) = server.get(&format!("/api/instances/{inst}/roster.csv?x=1"));
    assert_eq!(status, 200, "unknown query fields are ignored");
    let secret = "%E5%BC%A0%E4%B8%89%E7%9A%84%E5%90%8D%E5%86%8C";
    let _ = server.post(&format!("/api/instances/{inst}/roster?name={secret}.csv"), b"junk");
    std::thread::sleep(Duration::from_millis(200));
    let log = server.log();
    assert!(log.contains("/roster"), "the request is logged: {log}");
    assert!(!log.contains(secret) && !log.contains("张三"), "the file name is not: {log}");
}

#[test]
fn a_plan_the_checker_rejects_is_not_stored() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (_, bytes) = server.get(&format!("/api/plans/{pid}"));
    let mut plan: Value = serde_json::from_slice(&bytes).unwrap();
    plan["groups"][0]["leader"] = plan["groups"][0]["members"].as_array().unwrap().last().cloned().unwrap();
    let (status, v) = server.post(&format!("/api/instances/{inst}/plans"), plan.to_string().as_bytes());
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("plan_invalid")), "{v}");
    let plans = server.get_json("/api/plans").1;
    assert_eq!(plans.as_array().unwrap().len(), 1, "only the solved plan is stored: {plans}");
}

#[test]
fn calendars_hold_no_control_characters() {
    let dir = tmp();
    let mut v = small_json();
    v["cadres"][0]["name"] = Value::from("张\u{0}三\u{7}");
    let path = write_json(&dir, "nul.json", &v);
    let server = Server::start(&dir.path().join("db"), &[]);
    let (status, stored) = server.post("/api/instances", &std::fs::read(&path).unwrap());
    assert_eq!(status, 201, "{stored}");
    let pid = server.solve(stored["id"].as_i64().unwrap());
    let (status, ics) = server.get(&format!("/api/plans/{pid}/calendar.ics"));
    assert_eq!(status, 200);
    assert!(!ics.iter().any(|&b| b < 0x20 && b != b'\r' && b != b'\n' && b != b'\t'), "a control byte in the calendar");
    assert!(String::from_utf8_lossy(&ics).contains("张三"));
}

/// A spec of about 7 KB repeating one large value a thousand times.
fn heavy_spec() -> String {
    let values = vec!["20000"; 1000].join(",");
    format!(r#"{{"name":"heavy","sweeps":[{{"kind":"province_cadres","values":[{values}]}}]}}"#)
}

#[test]
fn scenario_specs_are_bounded_before_anything_is_built() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &[]);
    let inst = server.fixture("small");
    let huge = r#"{"name":"huge","sweeps":[{"kind":"province_cadres","values":[1000000000]}]}"#;
    let (status, v) = server.post(&format!("/api/instances/{inst}/scenarios"), huge.as_bytes());
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_spec")), "{v}");
    assert_eq!(v["error"]["location"], "sweeps[0].values[0]", "{v}");
    let (status, v) = server.post(&format!("/api/instances/{inst}/scenarios"), heavy_spec().as_bytes());
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_spec")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("units of work"), "{v}");
    assert_eq!(server.get_json("/api/health").0, 200, "the service is still up");

    // The CLI refuses the same specs with exit code 2, naming the field.
    for (name, spec) in [("huge.json", huge.to_string()), ("heavy.json", heavy_spec())] {
        let path = dir.path().join(name);
        std::fs::write(&path, spec).unwrap();
        let o = sanlian(&["scenarios", s(&path), "--base", s(&fixture("small")), "-o", s(&dir.path().join("out"))]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("sweeps[0]"), "{}", stderr(&o));
    }
}

/// Open a connection and send `bytes` (a request head, perhaps a partial body), keeping it open.
fn hold(server: &Server, bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.write_all(bytes).unwrap();
    stream
}

/// The response on a held connection, up to `wait`; None when nothing came.
fn answer_within(stream: &mut TcpStream, wait: Duration) -> Option<(u16, Vec<u8>)> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(_) if bytes.is_empty() => return None,
            Err(_) => break,
        }
    }
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status = String::from_utf8_lossy(&bytes[..split]).split_whitespace().nth(1)?.parse().ok()?;
    Some((status, bytes[split + 4..].to_vec()))
}

#[test]
fn slow_headers_and_slow_bodies_are_cut_off() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &["--header-timeout", "1", "--body-timeout", "1"]);
    let host = host_of(&server);
    // Headers that never end: the connection is closed, nothing is answered.
    let mut slow = hold(&server, format!("GET /api/health HTTP/1.1\r\nHost: {host}\r\nX-Slow: ").as_bytes());
    let mut buf = [0u8; 64];
    slow.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    assert!(matches!(slow.read(&mut buf), Ok(0) | Err(_)), "a connection with unfinished headers stays open");
    // A body that stops halfway: 408 body_timeout.
    let head = format!(
        "POST /api/instances HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{{\"name\""
    );
    let mut slow = hold(&server, head.as_bytes());
    let (status, body) = answer_within(&mut slow, Duration::from_secs(20)).expect("an answer");
    assert_eq!((status, error_code(&body).as_str()), (408, "body_timeout"));
    // The service answers as before.
    assert_eq!(server.get_json("/api/health").0, 200);
}

#[test]
fn uploads_are_admitted_within_a_byte_budget_before_they_are_read() {
    let dir = tmp();
    let mib = (1 << 20).to_string();
    let server =
        Server::start(&dir.path().join("db"), &["--body-limit", &mib, "--upload-budget", &mib, "--body-timeout", "3"]);
    let host = host_of(&server);
    let post = |len: usize, rest: &str| {
        format!(
            "POST /api/instances HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n{rest}"
        )
    };
    // One upload declares the whole budget and sends a few bytes: it holds the budget.
    let mut big = hold(&server, post(1 << 20, "{").as_bytes());
    std::thread::sleep(Duration::from_millis(300));
    let (_, health) = server.get_json("/api/health");
    assert_eq!(health["uploads"]["in_flight_bytes"], 1 << 20, "{health}");
    // A second one waits for room, unread, instead of being buffered beside it.
    let body = std::fs::read(fixture("small")).unwrap();
    let mut second = hold(&server, post(body.len(), "").as_bytes());
    second.write_all(&body).unwrap();
    assert!(answer_within(&mut second, Duration::from_millis(1500)).is_none(), "the second upload was not held back");
    // The first times out (408); then the second is read and stored.
    let (status, _) = answer_within(&mut big, Duration::from_secs(20)).expect("an answer to the stalled upload");
    assert_eq!(status, 408);
    let (status, answer) = answer_within(&mut second, Duration::from_secs(20)).expect("an answer to the second");
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(server.get_json("/api/health").1["uploads"]["in_flight_bytes"], 0);
}

#[test]
fn abandoned_explanations_keep_their_slot_until_their_work_ends() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let pid = server.solve(shandong);
    let host = host_of(&server);
    // Five whole-plan explanations, each abandoned by its client at once.
    for _ in 0..5 {
        let request = format!("GET /api/plans/{pid}/explain HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        drop(hold(&server, request.as_bytes()));
    }
    // However many were abandoned, no more than the one slot's worth of work runs at once.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut seen_running = false;
    loop {
        let (_, health) = server.get_json("/api/health");
        let running = health["requests"]["running"].as_u64().unwrap();
        assert!(running <= 1, "abandoned requests escaped the worker bound: {health}");
        seen_running |= running == 1;
        if seen_running && running == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the abandoned work never ended: {health}");
        // An explanation of the fixture takes well under a second (warm models): look often.
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn explanations_stop_at_their_counterfactual_limit_and_say_so() {
    let dir = tmp();
    let server = Server::start(&dir.path().join("db"), &["--max-counterfactuals", "20"]);
    let shandong = server.fixture("shandong");
    let pid = server.solve(shandong);
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/explain?format=json"));
    assert_eq!(status, 200, "{v}");
    let e = &v["explanation"];
    assert_eq!(e["partial"], true, "{}", e["counterfactuals"]);
    assert_eq!(e["counterfactuals"]["limit"], 20);
    assert!(e["counterfactuals"]["computed"].as_u64().unwrap() <= 20);
    assert!(e["counterfactuals"]["skipped"].as_u64().unwrap() > 0);
    let skipped = e["global"]["per_county_cadre"].as_array().unwrap().iter().filter(|k| k["skipped"] == true).count();
    assert!(skipped > 0, "the counties beyond the limit are marked skipped");
    let (_, text) = server.get(&format!("/api/plans/{pid}/explain?lang=zh"));
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("部分解释") && text.contains("未计算"), "the text says what it left out");
    // One cadre alone is within the limit: whole.
    let (_, one) = server.get_json(&format!("/api/plans/{pid}/explain?format=json&cadre=P026"));
    assert_eq!(one["explanation"]["partial"], false, "{}", one["explanation"]["counterfactuals"]);
}

#[test]
fn sigterm_stops_waiting_for_open_requests_after_a_bounded_drain() {
    let dir = tmp();
    let mut server = Server::start(&dir.path().join("db"), &["--body-timeout", "3600"]);
    let host = host_of(&server);
    // A request whose body never comes would hold the shutdown for an hour.
    let _stalled = hold(
        &server,
        format!("POST /api/instances HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{").as_bytes(),
    );
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().expect("the server exits");
    assert!(status.success(), "exit status {status}; log:\n{}", server.log());
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "shutdown waited {:?} for a stalled request",
        started.elapsed()
    );
    assert!(server.log().contains("did not finish within"), "the cut-off is logged:\n{}", server.log());
}
