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
