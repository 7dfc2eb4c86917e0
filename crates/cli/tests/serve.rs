//! The HTTP service against a spawned `sanlian serve`: the whole flow, bad input, the
//! queue, persistence across a kill and a graceful stop, and logs without names.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::*;
use common::*;
use serde_json::{json, Value};

#[test]
fn the_whole_flow_small_fixture() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let (status, health) = server.get_json("/api/health");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");

    let inst = server.fixture("small");
    let small = small_json();
    let (_, summary) = server.get_json(&format!("/api/instances/{inst}/summary"));
    assert_eq!(summary["cadres"].as_u64().unwrap() as usize, small["cadres"].as_array().unwrap().len());

    // Solve through SSE: the stream ends with the finished job.
    let (status, job) = server.post(&format!("/api/instances/{inst}/solve"), b"");
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_i64().unwrap();
    let (status, events) = server.get(&format!("/api/jobs/{id}/events"));
    assert_eq!(status, 200);
    let events = String::from_utf8(events).unwrap();
    let last = events.lines().filter_map(|l| l.strip_prefix("data:")).next_back().expect("at least one event");
    let last: Value = serde_json::from_str(last.trim()).unwrap();
    assert_eq!(last["state"], "done", "{events}");
    let pid = last["result"]["plan"].as_i64().expect("a plan");

    // The plan, the checker's verdict and the page's view agree.
    let (_, plan) = server.get_json(&format!("/api/plans/{pid}"));
    let groups = plan["groups"].as_array().unwrap().len();
    assert_eq!(groups, small["region"]["counties"].as_array().unwrap().len());
    let (_, check) = server.get_json(&format!("/api/plans/{pid}/check"));
    assert_eq!(check["valid"], true, "{check}");
    let (_, view) = server.get_json(&format!("/api/plans/{pid}/view"));
    assert_eq!(view["groups"].as_array().unwrap().len(), groups);
    let members: usize =
        view["groups"].as_array().unwrap().iter().map(|g| g["members"].as_array().unwrap().len()).sum();
    assert_eq!(members, plan["assignments"].as_array().unwrap().len());
    for (y, field) in ["year1", "year2"].iter().enumerate() {
        let counted: u64 = view["counties"].as_array().unwrap().iter().map(|k| k["covered"][y].as_u64().unwrap()).sum();
        assert_eq!(counted, plan["coverage"][field].as_u64().unwrap(), "distinct townships reached in {field}");
    }
    assert!(view["departments"].as_array().unwrap().iter().all(|d| {
        d["away"].as_object().unwrap().iter().all(|(m, n)| {
            let y = (m[..4].parse::<i64>().unwrap() - view["first_year"].as_i64().unwrap()) as usize;
            n.as_u64().unwrap() <= d["cap"][y].as_u64().unwrap()
        })
    }));

    // Explanations, in both languages, name the cadre asked about.
    let cadre = &plan["assignments"][0]["cadre"].as_str().unwrap().to_string();
    let name = small["cadres"].as_array().unwrap().iter().find(|c| c["id"] == cadre.as_str()).unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    for lang in ["zh", "en"] {
        let (status, text) = server.get(&format!("/api/plans/{pid}/explain?cadre={cadre}&lang={lang}"));
        let text = String::from_utf8(text).unwrap();
        assert_eq!(status, 200, "{text}");
        assert!(text.contains(&name), "{text}");
    }
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/explain?cadre=NOBODY"));
    assert_error(status, &v, 404, "not_found");

    // Every export is there and is what it says.
    let (_, xlsx) = server.get(&format!("/api/plans/{pid}/plan.xlsx"));
    assert!(xlsx.starts_with(b"PK\x03\x04"), "the workbook is a ZIP");
    let (_, csv) = server.get(&format!("/api/plans/{pid}/table.csv"));
    assert!(String::from_utf8(csv).unwrap().contains("工作组"));
    for colour in ["city", "year"] {
        let (status, svg) = server.get(&format!("/api/plans/{pid}/map.svg?colour={colour}"));
        assert_eq!(status, 200);
        assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    }
    let (_, ics) = server.get(&format!("/api/plans/{pid}/calendar.ics?cadre={cadre}"));
    let ics = String::from_utf8(ics).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.contains("BEGIN:VEVENT"), "{ics}");
    let (_, roster) = server.get(&format!("/api/instances/{inst}/roster.xlsx"));
    assert!(roster.starts_with(b"PK\x03\x04"));

    // The roster workbook re-imports as the same roster: a new instance of the same size.
    let (status, again) = server.post(&format!("/api/instances/{inst}/roster?name=roster.xlsx"), &roster);
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["cadres"], summary["cadres"]);
    let (_, a) = server.get_json(&format!("/api/instances/{inst}"));
    let (_, b) = server.get_json(&format!("/api/instances/{}", again["id"]));
    assert_eq!(a["cadres"], b["cadres"], "export then import gives the same roster");
    // So does LibreOffice's .ods of the same roster.
    let ods = std::fs::read(fixture("small").parent().unwrap().join("roster.ods")).unwrap();
    let (status, from_ods) = server.post(&format!("/api/instances/{inst}/roster?name=roster.ods"), &ods);
    assert_eq!(status, 201, "{from_ods}");
    assert_eq!(from_ods["warnings"], json!([]), "{from_ods}");
    let (_, c) = server.get_json(&format!("/api/instances/{}", from_ods["id"]));
    assert_eq!(a["cadres"], c["cadres"], "the .ods imports as the roster it was made from");

    // A departure mid-plan: a valid repaired plan on a new instance.
    let leaver = plan["groups"][0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| Some(m.as_str().unwrap()) != plan["groups"][0]["leader"].as_str())
        .unwrap()
        .clone();
    let events = json!({ "events": [{ "kind": "leave", "cadre": leaver, "date": format!("{}-09-01", small["first_year"].as_i64().unwrap() + 1) }] });
    let (status, job) =
        server.post(&format!("/api/plans/{pid}/reassign?mode=best_effort"), events.to_string().as_bytes());
    assert_eq!(status, 202, "{job}");
    let done = server.wait(job["id"].as_i64().unwrap());
    assert_eq!(done["state"], "done", "{done}");
    let new_plan =
        done["result"]["plan"].as_i64().or(done["result"]["best_effort_plan"].as_i64()).expect("a repaired plan");
    let (_, check) = server.get_json(&format!("/api/plans/{new_plan}/check"));
    assert_eq!(check["valid"], true, "{check}");
    assert_ne!(done["result"]["instance"], json!(inst));
    assert!(done["result"]["report"]["zh"].as_str().unwrap().contains("起重新规划"), "{done}");
    assert!(done["result"]["report"]["en"].as_str().unwrap().starts_with("Re-plan from"), "{done}");
    assert!(done["result"]["summary"]["leavers"].as_array().unwrap().contains(&leaver), "{done}");

    // A plan made elsewhere is stored with its verdict.
    let (_, text) = server.get(&format!("/api/plans/{pid}"));
    let (status, stored) = server.post(&format!("/api/instances/{inst}/plans"), &text);
    assert_eq!(status, 201, "{stored}");
    assert_eq!(stored["valid"], true);
    let other = server.fixture("infeasible");
    let (status, v) = server.post(&format!("/api/instances/{other}/plans"), &text);
    assert_error(status, &v, 422, "plan_mismatch");
}

#[test]
fn logs_carry_ids_not_names() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (_, plan) = server.get_json(&format!("/api/plans/{pid}"));
    let cadre = plan["assignments"][0]["cadre"].as_str().unwrap();
    server.get(&format!("/api/plans/{pid}/explain?cadre={cadre}"));
    server.get(&format!("/api/plans/{pid}/view"));
    server.get(&format!("/api/plans/{pid}/plan.xlsx"));
    std::thread::sleep(Duration::from_millis(200));
    let log = server.log();
    assert!(log.contains("/api/plans"), "requests are logged: {log}");
    for c in small_json()["cadres"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        assert!(!log.contains(name), "the log names {name}:\n{log}");
    }
}

#[test]
fn bad_input_gets_a_located_4xx_and_nothing_is_stored() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--body-limit", "200000"]);
    let (status, v) = server.post("/api/instances", b"{\"name\": \"x\",\n  \"first_year\": 2027,,}");
    assert_error(status, &v, 400, "invalid_json");
    assert_eq!(v["error"]["location"], "line 2, column 22", "the second comma");

    let mut bad = small_json();
    bad["cadres"][3]["home_county"] = json!("999999");
    let (status, v) = server.post("/api/instances", bad.to_string().as_bytes());
    assert_error(status, &v, 422, "invalid_input");
    assert!(v["error"]["location"].as_str().unwrap().starts_with("cadres[3]"), "{v}");

    let mut dup = small_json();
    let first = dup["cadres"][0].clone();
    dup["cadres"].as_array_mut().unwrap().push(first);
    let (status, v) = server.post("/api/instances", dup.to_string().as_bytes());
    assert_error(status, &v, 422, "invalid_input");
    assert!(v["error"]["message"].as_str().unwrap().contains("appears twice"), "{v}");

    let (status, v) = server.post("/api/instances", &[0xff, 0xfe, 0x00, 0x41]);
    assert_error(status, &v, 400, "not_utf8");

    // Declared larger than --body-limit (a 1 GB upload): 413 at once, before the body is read.
    let head = format!(
        "POST /api/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept-Language: en\r\nContent-Length: {}\r\n\r\n",
        1u64 << 30
    );
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&[b' '; 4096]).unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    let body: Value = serde_json::from_str(reply.split("\r\n\r\n").nth(1).expect("a body")).unwrap();
    assert_error(413, &body, 413, "too_large");

    // Unknown ids, routes and methods.
    for path in ["/api/plans/999", "/api/plans/abc", "/api/instances/42", "/api/jobs/7", "/api/plans/999/view"] {
        let (status, v) = server.get_json(path);
        assert_error(status, &v, 404, "not_found");
    }
    let (status, v) = server.get_json("/api/nothing");
    assert_error(status, &v, 404, "no_route");
    let (status, bytes) = call("DELETE", &server.url("/api/instances"), None);
    assert_error(status, &serde_json::from_slice(&bytes).unwrap(), 405, "method_not_allowed");
    let (status, v) = server.post("/api/fixtures/atlantis", b"");
    assert_error(status, &v, 404, "not_found");

    // Bad options, events, specs and spreadsheets.
    let inst = server.fixture("small");
    let (status, v) = server.post(&format!("/api/instances/{inst}/solve"), br#"{"mode":"fast"}"#);
    assert_error(status, &v, 400, "invalid_json");
    let (status, v) = server.post(&format!("/api/instances/{inst}/solve"), br#"{"time_limit":-1}"#);
    assert_error(status, &v, 400, "invalid_option");
    let pid = server.solve(inst);
    let (status, v) = server.post(
        &format!("/api/plans/{pid}/reassign"),
        br#"{"events":[{"kind":"leave","cadre":"NOBODY","date":"2027-06-01"}]}"#,
    );
    assert_error(status, &v, 422, "invalid_input");
    assert!(v["error"]["location"].as_str().unwrap().starts_with("events[0]"), "{v}");
    let (status, v) =
        server.post(&format!("/api/instances/{inst}/scenarios"), br#"{"name":"x","sweeps":[{"kind":"warp"}]}"#);
    assert_error(status, &v, 400, "invalid_spec");
    let (status, v) =
        server.post(&format!("/api/instances/{inst}/roster?name=junk.xlsx"), b"PK\x03\x04 not really a workbook");
    assert_error(status, &v, 422, "invalid_sheet");
    let sheet = "编号,姓名,级别,单位\nX1,张三,省级,团省委\nX2,李四,月级,团省委\n";
    let (status, v) = server.post(&format!("/api/instances/{inst}/roster?name=r.csv"), sheet.as_bytes());
    assert_error(status, &v, 422, "invalid_sheet");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("row 3") && message.contains("级别"), "{message}");
    // The same problem in Chinese, with its place in words, for a page showing Chinese.
    let zh = v["error"]["text"]["zh"].as_str().unwrap();
    assert!(zh.starts_with("名册中有 1 处问题："), "{zh}");
    assert!(zh.contains("r.csv，第 3 行，「级别」列（C）：“月级”不是级别"), "{zh}");
    assert_eq!(v["error"]["location_text"]["zh"], "r.csv，第 3 行，「级别」列（C）", "{v}");
    // Warnings come in the request's language and in both.
    let sheet = "干部名册\n编号,姓名,级别,单位,序号\nX1,张三,省级,团省委,1\n";
    let (status, v) = server.post(&format!("/api/instances/{inst}/roster?name=r.csv"), sheet.as_bytes());
    assert_eq!(status, 201, "{v}");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{v}");
    assert_eq!(warnings[0]["message"], "r.csv: row 1 is above the header row 2 and ignored (a title?)", "{v}");
    assert_eq!(warnings[0]["text"]["zh"], "r.csv：第 1 行在表头行（第 2 行）之上，已忽略（是标题吗？）", "{v}");
    assert_eq!(warnings[1]["text"]["zh"], "r.csv，第 2 行，「序号」列（E）：不是名册中的列，已忽略", "{v}");

    let (_, list) = server.get_json("/api/instances");
    assert_eq!(list.as_array().unwrap().len(), 2, "only the fixture and the good roster were stored: {list}");
}

#[test]
fn a_full_queue_answers_503_and_queued_jobs_all_finish() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &["--workers", "1", "--queue", "2"]);
    let shandong = server.fixture("shandong");
    let small = server.fixture("small");
    let spec = std::fs::read(root().join("fixtures/scenarios/shandong.json")).unwrap();
    let (status, long) = server.post(&format!("/api/instances/{shandong}/scenarios"), &spec);
    assert_eq!(status, 202, "{long}");
    let mut accepted = vec![long["id"].as_i64().unwrap()];
    let mut refused = 0;
    for _ in 0..6 {
        let (status, bytes) = call("POST", &server.url(&format!("/api/instances/{small}/solve")), Some(b""));
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        match status {
            202 => accepted.push(v["id"].as_i64().unwrap()),
            503 => {
                assert_error(status, &v, 503, "queue_full");
                refused += 1;
            }
            other => panic!("unexpected {other}: {v}"),
        }
    }
    assert!(refused >= 3, "one running and two waiting, so at least three of six are refused ({refused})");
    let (_, health) = server.get_json("/api/health");
    assert_eq!(health["jobs"]["queue_capacity"], 2);
    for id in accepted {
        let done = server.wait(id);
        assert_eq!(done["state"], "done", "{done}");
    }
}

#[test]
fn plans_survive_a_kill_and_queued_jobs_resume() {
    let dir = tmp();
    let path = db(&dir);
    let server = Server::start(&path, &["--workers", "1"]);
    let small = server.fixture("small");
    let pid = server.solve(small);
    let (_, before) = server.get(&format!("/api/plans/{pid}"));
    let shandong = server.fixture("shandong");
    let spec = std::fs::read(root().join("fixtures/scenarios/shandong.json")).unwrap();
    let (_, long) = server.post(&format!("/api/instances/{shandong}/scenarios"), &spec);
    let (_, queued) = server.post(&format!("/api/instances/{small}/solve"), b"");
    server.kill();

    let server = Server::start(&path, &["--workers", "1"]);
    let (status, after) = server.get(&format!("/api/plans/{pid}"));
    assert_eq!(status, 200);
    assert_eq!(before, after, "the stored plan is unchanged after a kill");
    for job in [&long, &queued] {
        let done = server.wait(job["id"].as_i64().unwrap());
        assert_eq!(done["state"], "done", "a job interrupted by the kill runs again: {done}");
    }
}

#[test]
fn sigterm_drains_running_jobs_and_exits_cleanly() {
    let dir = tmp();
    let path = db(&dir);
    let mut server = Server::start(&path, &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    let (_, job) = server.post(&format!("/api/instances/{shandong}/solve"), b"");
    let id = job["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.get_json(&format!("/api/jobs/{id}")).1["state"] == "queued" {
        assert!(Instant::now() < deadline, "the job never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().expect("the server exits");
    assert!(status.success(), "exit status {status}; log:\n{}", server.log());
    drop(server);

    let server = Server::start(&path, &[]);
    let done = server.wait(id);
    assert_eq!(done["state"], "done", "{done}");
}

#[test]
fn every_documented_path_is_served() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let (status, doc) = server.get_json("/api/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (_, job) = server.post(&format!("/api/instances/{inst}/solve"), b"");
    let jid = job["id"].as_i64().unwrap();
    server.wait(jid);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let id = if path.starts_with("/api/plans/") {
                pid
            } else if path.starts_with("/api/jobs/") {
                jid
            } else {
                inst
            };
            let url = path
                .replace("{id}", &id.to_string())
                .replace("{a}", &pid.to_string())
                .replace("{b}", &pid.to_string())
                .replace("{name}", "small")
                .replace("{city}", "370500");
            let (status, body) = match method.as_str() {
                "get" => server.get(&url),
                "post" => call("POST", &server.url(&url), Some(b"{}")),
                "delete" => call("DELETE", &server.url(&url), None),
                "patch" => call("PATCH", &server.url(&url), Some(br#"{"label":"x"}"#)),
                "put" => call("PUT", &server.url(&url), Some(b"{}")),
                other => panic!("undocumented method {other}"),
            };
            assert_ne!(status, 405, "{method} {url}");
            if status == 404 {
                let v: Value = serde_json::from_slice(&body).unwrap();
                assert_ne!(v["error"]["code"], "no_route", "{method} {url} is documented but not served");
            }
        }
    }
}

/// A city committee's downloads hold only its city (issue 11, item 5): the table, the
/// calendar and the workbook take `?city=` as a code, a name or a name without 市, and an
/// unknown city is a 404 that says what to give.
#[test]
fn the_city_filter_narrows_the_downloads_by_code_or_name() {
    let dir = TempDir::new().unwrap();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("shandong");
    let pid = server.solve(inst);
    let rows = |query: &str| -> Vec<String> {
        let (status, csv) = server.get(&format!("/api/plans/{pid}/table.csv{query}"));
        assert_eq!(status, 200, "{query}");
        String::from_utf8(csv).unwrap().lines().skip(1).map(str::to_string).collect()
    };
    let all = rows("");
    let dongying: Vec<&String> = all.iter().filter(|r| r.starts_with("东营市,")).collect();
    assert!(!dongying.is_empty() && dongying.len() < all.len());
    for city in ["370500", "%E4%B8%9C%E8%90%A5%E5%B8%82", "%E4%B8%9C%E8%90%A5"] {
        let only = rows(&format!("?city={city}"));
        assert_eq!(only.iter().collect::<Vec<_>>(), dongying, "?city={city}");
    }
    let events = |query: &str| {
        let (status, ics) = server.get(&format!("/api/plans/{pid}/calendar.ics{query}"));
        assert_eq!(status, 200, "{query}");
        String::from_utf8(ics).unwrap().matches("BEGIN:VEVENT").count()
    };
    let (everyone, city) = (events(""), events("?city=370500"));
    assert!(city > 0 && city < everyone, "{city} of {everyone} events");
    let (status, xlsx) = server.get(&format!("/api/plans/{pid}/plan.xlsx?city=%E4%B8%9C%E8%90%A5%E5%B8%82"));
    assert_eq!(status, 200);
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    for path in ["table.csv", "calendar.ics", "plan.xlsx"] {
        let (status, v) = server.get_json(&format!("/api/plans/{pid}/{path}?city=%E7%81%AB%E6%98%9F%E5%B8%82"));
        assert_error(status, &v, 404, "not_found");
        assert_eq!(v["error"]["location"], "city", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("火星市"), "{v}");
    }
}

/// Instances and plans carry a label a planner recognises (what made them, when, in China's
/// time), can be renamed, and deleted — but not while a job works on them (issue 11, item 11).
#[test]
fn instances_and_plans_are_labelled_renamed_and_deleted() {
    let dir = TempDir::new().unwrap();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let (_, row) = server.get_json(&format!("/api/instances/{inst}/summary"));
    assert!(row["label"].as_str().unwrap().starts_with("示例 small · "), "{row}");
    let pid = server.solve(inst);
    let (_, row) = server.get_json(&format!("/api/plans/{pid}/summary"));
    assert!(row["label"].as_str().unwrap().starts_with("严格求解 · "), "{row}");

    // A re-plan is named after its events.
    let (_, plan) = server.get_json(&format!("/api/plans/{pid}"));
    let cadre = plan["assignments"][0]["cadre"].as_str().unwrap().to_string();
    let year = plan["first_year"].as_i64().unwrap();
    let events = json!({"events": [{"kind": "leave", "date": format!("{year}-07-01"), "cadre": cadre}]});
    let (status, job) = server.post(&format!("/api/plans/{pid}/reassign"), events.to_string().as_bytes());
    assert_eq!(status, 202, "{job}");
    let done = server.wait(job["id"].as_i64().unwrap());
    let repaired = done["result"]["plan"].as_i64().expect("a repaired plan");
    let (_, row) = server.get_json(&format!("/api/plans/{repaired}/summary"));
    assert!(row["label"].as_str().unwrap().starts_with(&format!("调整：{cadre} 离岗 · ")), "{row}");

    // Rename; bad labels are refused with the place.
    let (status, body) =
        call("PATCH", &server.url(&format!("/api/plans/{pid}")), Some("{\"label\":\" 东营 初稿 \"}".as_bytes()));
    let row: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, row["label"].as_str()), (200, Some("东营 初稿")), "{row}");
    let (_, list) = server.get_json("/api/plans");
    assert!(list.as_array().unwrap().iter().any(|p| p["id"] == pid && p["label"] == "东营 初稿"), "{list}");
    for bad in [json!({"label": ""}), json!({"label": "长".repeat(121)}), json!({"label": "a\u{7}b"})] {
        let (status, body) = call("PATCH", &server.url(&format!("/api/plans/{pid}")), Some(bad.to_string().as_bytes()));
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_error(status, &v, 422, "invalid_input");
        assert_eq!(v["error"]["location"], "label", "{v}");
    }
    let (status, body) = call("PATCH", &server.url("/api/plans/9999"), Some(br#"{"label":"x"}"#));
    assert_error(status, &serde_json::from_slice(&body).unwrap(), 404, "not_found");

    // Delete: refused while a job works on the instance, done after it stopped.
    let shandong = server.fixture("shandong");
    let spec = br#"{"name":"long","sweeps":[{"kind":"province_cadres","from":80,"to":240,"step":1}]}"#;
    let (status, long) = server.post(&format!("/api/instances/{shandong}/scenarios"), spec);
    assert_eq!(status, 202, "{long}");
    let (status, body) = call("DELETE", &server.url(&format!("/api/instances/{shandong}")), None);
    assert_error(status, &serde_json::from_slice(&body).unwrap(), 409, "in_use");
    let (status, _) = call("DELETE", &server.url(&format!("/api/jobs/{}", long["id"])), None);
    assert_eq!(status, 200);
    server.wait(long["id"].as_i64().unwrap());
    let (status, _) = call("DELETE", &server.url(&format!("/api/instances/{shandong}")), None);
    assert_eq!(status, 200);
    assert_eq!(server.get(&format!("/api/instances/{shandong}")).0, 404);
    // A plan, and an instance with its plans.
    let (status, _) = call("DELETE", &server.url(&format!("/api/plans/{repaired}")), None);
    assert_eq!(status, 200);
    assert_eq!(server.get(&format!("/api/plans/{repaired}")).0, 404);
    let (status, _) = call("DELETE", &server.url(&format!("/api/instances/{inst}")), None);
    assert_eq!(status, 200);
    assert_eq!(server.get(&format!("/api/plans/{pid}")).0, 404, "the instance's plans go with it");
    let (status, body) = call("DELETE", &server.url(&format!("/api/instances/{inst}")), None);
    assert_error(status, &serde_json::from_slice(&body).unwrap(), 404, "not_found");
}

/// Plans are versions (issue 12, item 4): an author set with PATCH, the parent a re-plan
/// was made from, and the diff of two versions as JSON (in the request's language) and as a
/// workbook; unknown plans are 404, plans of unrelated instances 409.
#[test]
fn plan_versions_carry_author_and_parent_and_are_compared() {
    let dir = TempDir::new().unwrap();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (_, row) = server.get_json(&format!("/api/plans/{pid}/summary"));
    assert_eq!((row["author"].as_str(), &row["parent"]), (Some(""), &Value::Null), "{row}");
    assert!(row["created"].as_str().unwrap().ends_with('Z'), "{row}");
    // Sign it; a bad author is refused with the place, an instance has none.
    let (status, body) =
        call("PATCH", &server.url(&format!("/api/plans/{pid}")), Some("{\"author\":\" 王明 \"}".as_bytes()));
    let row: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, row["author"].as_str()), (200, Some("王明")), "{row}");
    assert!(row["label"].as_str().unwrap().starts_with("严格求解"), "the label stays: {row}");
    for bad in [json!({"author": "长".repeat(61)}), json!({"author": "a\u{7}"}), json!({})] {
        let (status, body) = call("PATCH", &server.url(&format!("/api/plans/{pid}")), Some(bad.to_string().as_bytes()));
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_error(status, &v, 422, "invalid_input");
    }
    let (status, body) = call("PATCH", &server.url(&format!("/api/instances/{inst}")), Some(br#"{"author":"x"}"#));
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_error(status, &v, 422, "invalid_input");
    assert_eq!(v["error"]["location"], "author", "{v}");

    // A re-plan's parent is the plan in force.
    let events = json!({"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "K370505-1"}]});
    let (status, job) = server.post(&format!("/api/plans/{pid}/reassign"), events.to_string().as_bytes());
    assert_eq!(status, 202, "{job}");
    let done = server.wait(job["id"].as_i64().unwrap());
    let repaired = done["result"]["plan"].as_i64().expect("a repaired plan");
    let (_, list) = server.get_json("/api/plans");
    let listed = list.as_array().unwrap().iter().find(|p| p["id"] == repaired).unwrap().clone();
    assert_eq!(listed["parent"], pid, "{listed}");
    assert_eq!(listed["author"], "", "{listed}");

    // The diff: JSON in the request's language (English here), Chinese on ?lang=zh.
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/diff/{repaired}"));
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["a"]["id"].as_i64(), v["b"]["id"].as_i64()), (Some(pid), Some(repaired)));
    assert_eq!(v["lang"], "en");
    let leaver = v["diff"]["cadres"].as_array().unwrap().iter().find(|c| c["cadre"] == "K370505-1");
    assert_eq!(leaver.map(|c| &c["status"]), Some(&json!("leaves")), "{v}");
    assert!(v["text"].as_str().unwrap().contains("leaves on 2027-07-01"), "{v}");
    assert_eq!(v["rows"].as_array().unwrap().len() as u64, v["diff"]["changes"].as_u64().unwrap());
    let units = v["diff"]["units"].as_array().unwrap();
    let sum: f64 = units.iter().map(|u| u["delta"].as_f64().unwrap()).sum();
    assert!((sum - v["diff"]["totals"]["delta"].as_f64().unwrap()).abs() < 0.01);
    let (_, zh) = server.get_json(&format!("/api/plans/{pid}/diff/{repaired}?lang=zh"));
    assert!(zh["text"].as_str().unwrap().contains("2027-07-01 起离岗"), "{zh}");
    let (status, same) = server.get_json(&format!("/api/plans/{pid}/diff/{pid}"));
    assert_eq!((status, same["diff"]["changes"].as_u64()), (200, Some(0)), "{same}");
    // The workbook.
    let (status, bytes) = server.get(&format!("/api/plans/{pid}/diff/{repaired}/diff.xlsx"));
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let resp = agent().get(&server.url(&format!("/api/plans/{pid}/diff/{repaired}/diff.xlsx"))).call().unwrap();
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(resp.headers().get("content-disposition").unwrap().to_str().unwrap().contains("attachment"));
    // Unknown plans, bad ids, bad options.
    for path in [format!("/api/plans/{pid}/diff/9999"), format!("/api/plans/9999/diff/{pid}/diff.xlsx")] {
        let (status, v) = server.get_json(&path);
        assert_error(status, &v, 404, "not_found");
    }
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/diff/x"));
    assert_error(status, &v, 404, "not_found");
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/diff/{pid}?lang=fr"));
    assert_error(status, &v, 400, "invalid_option");
    // Plans of unrelated instances.
    let other = server.fixture("small");
    let stranger = server.solve(other);
    let (status, v) = server.get_json(&format!("/api/plans/{pid}/diff/{stranger}"));
    assert_error(status, &v, 409, "different_instances");
    let (status, v) = server.get_json(&format!("/api/plans/{stranger}/diff/{repaired}/diff.xlsx"));
    assert_error(status, &v, 409, "different_instances");
    // Deleting the parent leaves the child without one.
    let (status, _) = call("DELETE", &server.url(&format!("/api/plans/{pid}")), None);
    assert_eq!(status, 200);
    let (_, row) = server.get_json(&format!("/api/plans/{repaired}/summary"));
    assert_eq!(row["parent"], Value::Null, "{row}");
}

/// The county outlines of an instance: one feature per county whose code and name have
/// embedded boundary data, in the instance's order; an entity tag that revalidates to 304;
/// 404 for an instance that does not exist.
#[test]
fn the_county_outlines_are_served_per_instance() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("shandong");
    let url = server.url(&format!("/api/instances/{inst}/counties.geojson"));
    let mut resp = agent().get(&url).call().expect("GET counties.geojson");
    assert_eq!(resp.status().as_u16(), 200);
    let header = |r: &ureq::http::Response<ureq::Body>, name: &str| {
        r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    };
    assert_eq!(header(&resp, "content-type"), "application/geo+json");
    let tag = header(&resp, "etag");
    assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 18, "{tag}");
    let doc: Value =
        serde_json::from_slice(&resp.body_mut().with_config().limit(8 << 20).read_to_vec().unwrap()).unwrap();
    let features = doc["features"].as_array().expect("features");
    let (_, instance) = server.get_json(&format!("/api/instances/{inst}"));
    let counties: Vec<&Value> = instance["region"]["counties"].as_array().unwrap().iter().collect();
    assert_eq!(features.len(), counties.len(), "every Shandong county has its outline");
    for (f, c) in features.iter().zip(&counties) {
        assert_eq!(f["properties"], json!({ "code": c["code"], "name": c["name"] }));
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
    }
    let again = agent().get(&url).header("if-none-match", &tag).call().expect("revalidate");
    assert_eq!(again.status().as_u16(), 304, "the same tag is not modified");
    let other = agent().get(&url).header("if-none-match", "\"0000000000000000\"").call().expect("another tag");
    assert_eq!(other.status().as_u16(), 200, "another tag gets the body");

    // A renamed county has no outline; the others keep theirs.
    let mut renamed = instance.clone();
    renamed["region"]["counties"][0]["name"] = json!("别的区");
    let (status, row) = server.post("/api/instances", renamed.to_string().as_bytes());
    assert_eq!(status, 201, "{row}");
    let (_, doc) = server.get_json(&format!("/api/instances/{}/counties.geojson", row["id"]));
    assert_eq!(doc["features"].as_array().map(Vec::len), Some(counties.len() - 1));
    assert_ne!(doc["features"][0]["properties"]["code"], counties[0]["code"]);

    let (status, v) = server.get_json("/api/instances/999999/counties.geojson");
    assert_error(status, &v, 404, "not_found");
}
