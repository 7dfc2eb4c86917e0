//! Accounts, roles and the province–city process over HTTP: the authorisation matrix (every
//! route of the router's own table × every role × own and other city), CSRF, sessions
//! (fixation, logout, a disabled user, a password change, expiry), logins (no hint whether a
//! user exists, the rate limit), the audit log, and the review state machine with its refusals.

mod common;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::{assert_error, db, Server};
use common::*;
use sanlian_server::routes::{table, Action};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";
/// 济南 and 青岛, with a district of each.
const CITY_A: &str = "370100";
const COUNTY_A: &str = "370102";
const CITY_B: &str = "370200";
const COUNTY_B: &str = "370202";

/// `sanlian user add` with the password on standard input.
fn add_user(db: &Path, name: &str, role: &str, city: Option<&str>, county: Option<&str>) -> std::process::Output {
    let mut args = vec!["user", "add", name, "--role", role, "--db", s(db)];
    if let Some(c) = city {
        args.extend(["--city", c]);
    }
    if let Some(k) = county {
        args.extend(["--county", k]);
    }
    user_command(&args, &format!("{PASSWORD}\n"))
}

fn user_command(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanlian"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("piped").write_all(stdin.as_bytes()).expect("stdin");
    child.wait_with_output().expect("it ends")
}

/// A client with its own cookie and CSRF token.
#[derive(Clone, Default)]
struct Client {
    base: String,
    cookie: Option<String>,
    csrf: Option<String>,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
    set_cookie: Option<String>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Client {
    fn anonymous(server: &Server) -> Client {
        Client { base: server.base.clone(), ..Client::default() }
    }

    fn logged_in(server: &Server, name: &str) -> Client {
        let mut c = Client::anonymous(server);
        let a = c.login(name, PASSWORD);
        assert_eq!(a.status, 200, "login of {name}: {}", a.json());
        c
    }

    /// Log in; keep the cookie and token on success.
    fn login(&mut self, name: &str, password: &str) -> Answer {
        let body = json!({ "name": name, "password": password }).to_string();
        let a = self.send("POST", "/api/auth/login", Some(body.as_bytes()), &[]);
        if a.status == 200 {
            self.cookie = a.set_cookie.clone().map(|c| c.split(';').next().unwrap_or_default().to_string());
            self.csrf = a.json()["csrf"].as_str().map(str::to_string);
        }
        a
    }

    fn send(&self, method: &str, path: &str, body: Option<&[u8]>, extra: &[(&str, &str)]) -> Answer {
        let agent = common::server::agent();
        let url = format!("{}{path}", self.base);
        let kind = if path.contains("/roster") || path.contains("/edit/workbook") {
            "application/octet-stream"
        } else {
            "application/json"
        };
        let mut headers: Vec<(String, String)> = vec![("accept-language".into(), "en".into())];
        if let Some(c) = &self.cookie {
            headers.push(("cookie".into(), c.clone()));
        }
        if let Some(t) = &self.csrf {
            headers.push(("x-csrf-token".into(), t.clone()));
        }
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        macro_rules! with_headers {
            ($req:expr) => {{
                let mut r = $req;
                for (k, v) in &headers {
                    r = r.header(k.as_str(), v.as_str());
                }
                r
            }};
        }
        let result = match method {
            "GET" => with_headers!(agent.get(&url)).call(),
            "DELETE" => with_headers!(agent.delete(&url)).call(),
            "POST" | "PUT" | "PATCH" => {
                let req = match method {
                    "POST" => agent.post(&url),
                    "PUT" => agent.put(&url),
                    _ => agent.patch(&url),
                };
                let req = with_headers!(req);
                match body {
                    Some(b) => req.header("content-type", kind).send(b),
                    None => req.send_empty(),
                }
            }
            other => panic!("method {other}"),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let set_cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_string);
        let status = resp.status().as_u16();
        let body = resp.body_mut().with_config().limit(256 << 20).read_to_vec().expect("a body");
        Answer { status, body, set_cookie }
    }

    fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None, &[])
    }

    fn post(&self, path: &str, body: &Value) -> Answer {
        self.send("POST", path, Some(body.to_string().as_bytes()), &[])
    }

    /// Wait for a job; its final view.
    fn wait(&self, job: i64) -> Value {
        let started = Instant::now();
        loop {
            let v = self.get(&format!("/api/jobs/{job}?wait=30")).json();
            if matches!(v["state"].as_str(), Some("done" | "failed" | "cancelled")) {
                return v;
            }
            assert!(started.elapsed() < Duration::from_secs(300), "job {job} did not finish: {v}");
        }
    }

    /// Solve an instance; the plan's id.
    fn solve(&self, instance: i64) -> i64 {
        let a = self.post(&format!("/api/instances/{instance}/solve"), &json!({}));
        assert_eq!(a.status, 202, "{}", a.json());
        let done = self.wait(a.json()["id"].as_i64().expect("a job id"));
        done["result"]["plan"].as_i64().unwrap_or_else(|| panic!("no plan: {done}"))
    }
}

/// Every account the tests use: (name, role, city, county).
const USERS: [(&str, &str, Option<&str>, Option<&str>); 8] = [
    ("admin", "admin", None, None),
    ("reviewer", "reviewer", None, None),
    ("planner-a", "planner", Some(CITY_A), None),
    ("viewer-a", "viewer", Some(CITY_A), None),
    ("county-a", "county", Some(CITY_A), Some(COUNTY_A)),
    ("planner-b", "planner", Some(CITY_B), None),
    ("viewer-b", "viewer", Some(CITY_B), None),
    ("county-b", "county", Some(CITY_B), Some(COUNTY_B)),
];

/// A service with every account, the Shandong fixture and a round started on it.
struct Setup {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    server: Server,
    admin: Client,
    round: i64,
    /// City → its sub-instance.
    subs: BTreeMap<String, i64>,
}

fn setup() -> Setup {
    let dir = tmp();
    let db = db(&dir);
    for (name, role, city, county) in USERS {
        let out = add_user(&db, name, role, city, county);
        assert_exit(&out, 0);
    }
    let server = Server::with_accounts(&db, &[]);
    let admin = Client::logged_in(&server, "admin");
    let loaded = admin.post("/api/fixtures/shandong", &json!({}));
    assert_eq!(loaded.status, 201, "{}", loaded.json());
    let province = loaded.json()["id"].as_i64().expect("an instance id");
    let created = admin.post("/api/rounds", &json!({ "instance": province, "label": "第一轮" }));
    assert_eq!(created.status, 201, "{}", created.json());
    let v = created.json();
    let round = v["round"]["id"].as_i64().expect("a round id");
    let subs = v["cities"]
        .as_array()
        .expect("cities")
        .iter()
        .map(|c| (c["city"].as_str().unwrap().to_string(), c["instance"].as_i64().unwrap()))
        .collect::<BTreeMap<_, _>>();
    assert_eq!(subs.len(), 16, "{v}");
    Setup { _dir: dir, db, server, admin, round, subs }
}

/// What the matrix expects of a principal on a route whose resource is city A's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Served,
    Unauthenticated,
    Forbidden,
    Hidden,
}

/// The specification of issue 13, written out here independently of the server's table: a
/// province admin may everything, a reviewer reads and reviews, a city planner plans and
/// submits its own city, a city viewer reads its own city, a county viewer sees its city's
/// round and letters; another city's resources are answered 404.
fn want(action: Action, role: Option<&str>, own: bool) -> Want {
    use Action::*;
    use Want::*;
    let Some(role) = role else {
        return if matches!(action, Public | Login) { Served } else { Unauthenticated };
    };
    let city_resource = !matches!(action, Public | Login | Session | ProvinceRead | ProvinceWrite | Audit | RoundRead);
    let province = matches!(role, "admin" | "reviewer");
    if city_resource && !province {
        let personal = !matches!(action, CityRead | CityLetters);
        if !own || (role == "county" && personal) {
            return Hidden;
        }
    }
    let allowed = match action {
        Public | Login | Session | RoundRead | CityRead | CityLetters => true,
        ProvinceRead => province,
        ProvinceWrite | Audit => role == "admin",
        InstanceRead | PlanRead | PlanPairRead | JobRead | CityPlanRead => role != "county",
        InstanceWrite | PlanWrite | JobWrite => matches!(role, "admin" | "planner"),
        CitySubmit => role == "planner",
        CityReview => province,
        CityNotify => matches!(role, "admin" | "planner"),
    };
    if allowed {
        Served
    } else {
        Forbidden
    }
}

#[test]
fn the_authorisation_matrix_covers_every_route_role_and_city() {
    let t = setup();
    let server = &t.server;
    let planner_a = Client::logged_in(server, "planner-a");
    let sub_a = t.subs[CITY_A];
    let plan = planner_a.solve(sub_a);
    let job = planner_a.post(&format!("/api/instances/{sub_a}/solve"), &json!({})).json()["id"].as_i64().unwrap();
    planner_a.wait(job);
    let plan_text = planner_a.get(&format!("/api/plans/{plan}")).body;
    let copy = planner_a.send("POST", &format!("/api/instances/{sub_a}/plans"), Some(&plan_text), &[]);
    assert_eq!(copy.status, 201, "{}", copy.json());
    let plan_b = copy.json()["id"].as_i64().unwrap();
    let submitted = planner_a
        .post(&format!("/api/rounds/{}/cities/{CITY_A}/submit", t.round), &json!({ "plan": plan, "version": 0 }));
    assert_eq!(submitted.status, 200, "{}", submitted.json());
    let reviewer = Client::logged_in(server, "reviewer");
    let approved = reviewer.post(&format!("/api/rounds/{}/cities/{CITY_A}/approve", t.round), &json!({ "version": 1 }));
    assert_eq!(approved.status, 200, "{}", approved.json());

    // The table itself: every path's resource is guarded by an action of its kind.
    let routes = table();
    for r in &routes {
        let family_ok = match r.path {
            p if p.starts_with("/api/instances/{id}") => {
                matches!(r.action, Action::InstanceRead | Action::InstanceWrite)
            }
            p if p.starts_with("/api/plans/{a}") => r.action == Action::PlanPairRead,
            p if p.starts_with("/api/plans/{id}") => matches!(r.action, Action::PlanRead | Action::PlanWrite),
            p if p.starts_with("/api/jobs/{id}") => matches!(r.action, Action::JobRead | Action::JobWrite),
            p if p.contains("/cities/{city}") => matches!(
                r.action,
                Action::CityRead
                    | Action::CityPlanRead
                    | Action::CityLetters
                    | Action::CitySubmit
                    | Action::CityReview
                    | Action::CityNotify
            ),
            p if p.starts_with("/api/rounds/{id}") => {
                matches!(r.action, Action::RoundRead | Action::ProvinceRead | Action::ProvinceWrite)
            }
            "/" | "/assets/app.js" | "/assets/app.css" | "/api/health" | "/api/openapi.json" => {
                r.action == Action::Public
            }
            "/api/auth/login" => r.action == Action::Login,
            _ => !matches!(r.action, Action::Public | Action::Login),
        };
        assert!(family_ok, "{} {} is guarded by {:?}", r.method, r.path, r.action);
        assert_eq!(
            r.changes,
            r.method != "GET"
                && !r.path.starts_with("/api/auth/")
                && !r.path.ends_with("/edit")
                && !r.path.ends_with("/edit/workbook"),
            "{} {}: changes",
            r.method,
            r.path
        );
    }
    assert!(routes.len() >= 60, "{} routes", routes.len());
    // The API document lists every route of the table.
    let doc = Client::anonymous(server).get("/api/openapi.json").json();
    for r in routes.iter().filter(|r| r.path.starts_with("/api/") && r.path != "/api/openapi.json") {
        let method = r.method.as_str().to_ascii_lowercase();
        assert!(doc["paths"][r.path][&method].is_object(), "{} {} is not in /api/openapi.json", r.method, r.path);
    }

    let mut principals: Vec<(Option<&str>, Option<&str>, bool, Client)> =
        vec![(None, None, true, Client::anonymous(server))];
    for (name, role, city, _) in USERS {
        principals.push((Some(name), Some(role), city != Some(CITY_B), Client::logged_in(server, name)));
    }
    let mut checked = 0;
    for r in &routes {
        let path = r
            .path
            .replace("{name}", "small")
            .replace("{a}", &plan.to_string())
            .replace("{b}", &plan_b.to_string())
            .replace("{city}", CITY_A)
            .replace(
                "{id}",
                &match r.action {
                    Action::InstanceRead | Action::InstanceWrite => sub_a,
                    Action::PlanRead | Action::PlanWrite => plan,
                    Action::JobRead | Action::JobWrite => job,
                    _ => t.round,
                }
                .to_string(),
            );
        for (name, role, own, client) in principals.iter_mut() {
            let body = (r.method != "GET" && r.method != "DELETE").then_some(&b"{}"[..]);
            let a = client.send(r.method.as_str(), &path, body, &[]);
            let expected = want(r.action, *role, *own);
            let who = name.unwrap_or("anonymous");
            let shown = String::from_utf8_lossy(&a.body).chars().take(300).collect::<String>();
            match expected {
                Want::Served => assert!(
                    ![401, 403, 404].contains(&a.status) && a.status < 500,
                    "{who} {} {path}: {} {shown}",
                    r.method,
                    a.status
                ),
                Want::Unauthenticated => assert_eq!(a.status, 401, "{who} {} {path}: {shown}", r.method),
                Want::Forbidden => assert_eq!(a.status, 403, "{who} {} {path}: {shown}", r.method),
                Want::Hidden => assert_eq!(a.status, 404, "{who} {} {path}: {shown}", r.method),
            }
            if r.path == "/api/auth/logout" && a.status == 200 {
                *client = Client::logged_in(server, name.expect("a user logged out"));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * 9);
}

#[test]
fn sessions_csrf_logins_and_the_audit_log() {
    let t = setup();
    let server = &t.server;
    let sub_a = t.subs[CITY_A];

    // A wrong password and an unknown user get the same answer.
    let mut c = Client::anonymous(server);
    let wrong = c.login("planner-a", "not the password");
    let unknown = c.login("nobody-here", "not the password");
    assert_error(wrong.status, &wrong.json(), 401, "wrong_login");
    assert_eq!(wrong.json()["error"]["message"], unknown.json()["error"]["message"]);
    assert_eq!((wrong.status, unknown.status), (401, 401));

    // Session fixation: a planted session id is not adopted; the login issues a new one.
    let planted = "ab".repeat(32);
    let mut fixed =
        Client { base: server.base.clone(), cookie: Some(format!("sanlian_session={planted}")), csrf: None };
    assert_eq!(fixed.get("/api/auth/me").status, 401);
    assert_eq!(fixed.login("viewer-a", PASSWORD).status, 200);
    let issued = fixed.cookie.clone().unwrap();
    assert!(!issued.contains(&planted), "{issued}");
    let planted_client =
        Client { base: server.base.clone(), cookie: Some(format!("sanlian_session={planted}")), csrf: None };
    assert_eq!(planted_client.get("/api/auth/me").status, 401);
    // The cookie is HttpOnly and SameSite=Strict.
    let mut probe = Client::anonymous(server);
    let a = probe.login("viewer-a", PASSWORD);
    let set = a.set_cookie.unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");

    // CSRF: a change without the token, or with another's, or from another origin, is refused.
    let planner = Client::logged_in(server, "planner-a");
    let label = json!({ "label": "济南 草稿" }).to_string();
    let no_token = Client { csrf: None, ..planner.clone() };
    let a = no_token.send("PATCH", &format!("/api/instances/{sub_a}"), Some(label.as_bytes()), &[]);
    assert_error(a.status, &a.json(), 403, "csrf");
    let other_token = Client { csrf: fixed.csrf.clone(), ..planner.clone() };
    let a = other_token.send("PATCH", &format!("/api/instances/{sub_a}"), Some(label.as_bytes()), &[]);
    assert_error(a.status, &a.json(), 403, "csrf");
    let a = planner.send(
        "PATCH",
        &format!("/api/instances/{sub_a}"),
        Some(label.as_bytes()),
        &[("origin", "http://evil.example")],
    );
    assert_error(a.status, &a.json(), 403, "cross_origin");
    let audit_before = t.admin.get("/api/audit").json();
    let entries_before = audit_before["entries"].as_array().unwrap().len();
    // Refused by role and by scope: counted, not logged.
    let viewer = Client::logged_in(server, "viewer-a");
    assert_eq!(viewer.send("PATCH", &format!("/api/instances/{sub_a}"), Some(label.as_bytes()), &[]).status, 403);
    let other_city = Client::logged_in(server, "planner-b");
    assert_eq!(other_city.send("PATCH", &format!("/api/instances/{sub_a}"), Some(label.as_bytes()), &[]).status, 404);
    assert_eq!(other_city.get(&format!("/api/instances/{sub_a}")).status, 404);
    // One change, one entry.
    let a = planner.send("PATCH", &format!("/api/instances/{sub_a}"), Some(label.as_bytes()), &[]);
    assert_eq!(a.status, 200, "{}", a.json());
    let audit = t.admin.get("/api/audit").json();
    let entries = audit["entries"].as_array().unwrap();
    // Logins are state changes too: viewer-a, planner-b and admin's own sessions were new.
    let logins_since = entries.len() - entries_before - 1;
    assert_eq!(logins_since, 2, "{audit}");
    assert_eq!(entries[0]["user"], "planner-a");
    assert_eq!(entries[0]["action"], "PATCH /api/instances/{id}");
    assert_eq!(entries[0]["subject"], format!("/api/instances/{sub_a}"));
    let refused = &audit["refused"];
    assert!(refused["forbidden"].as_u64().unwrap() > audit_before["refused"]["forbidden"].as_u64().unwrap());
    assert!(refused["hidden"].as_u64().unwrap() >= audit_before["refused"]["hidden"].as_u64().unwrap() + 2);
    assert!(refused["csrf"].as_u64().unwrap() >= 2);
    // Never a secret in the log.
    let text = audit.to_string();
    for secret in [
        PASSWORD,
        planner.csrf.as_deref().unwrap(),
        planner.cookie.as_deref().unwrap().trim_start_matches("sanlian_session="),
    ] {
        assert!(!text.contains(secret), "the audit log holds a secret");
    }
    // Only the admin reads it.
    assert_eq!(planner.get("/api/audit").status, 403);
    assert_eq!(Client::logged_in(server, "reviewer").get("/api/audit").status, 403);

    // Logout ends the session.
    let leaving = Client::logged_in(server, "viewer-a");
    assert_eq!(leaving.post("/api/auth/logout", &json!({})).status, 200);
    assert_eq!(leaving.get("/api/auth/me").status, 401);

    // A password change ends every session of the user but the new one.
    let first = Client::logged_in(server, "viewer-b");
    let second = Client::logged_in(server, "viewer-b");
    let changed = first.post("/api/auth/password", &json!({ "old": PASSWORD, "new": "another long secret" }));
    assert_eq!(changed.status, 200, "{}", changed.json());
    assert_eq!(second.get("/api/auth/me").status, 401);
    assert_eq!(first.get("/api/auth/me").status, 401, "the old session of the changer ends too");
    let renewed = Client {
        cookie: changed.set_cookie.map(|c| c.split(';').next().unwrap().to_string()),
        csrf: changed_csrf(&changed.body),
        ..first.clone()
    };
    assert_eq!(renewed.get("/api/auth/me").status, 200);
    assert_eq!(Client::anonymous(server).login("viewer-b", PASSWORD).status, 401);
    assert_eq!(Client::anonymous(server).login("viewer-b", "another long secret").status, 200);
    let weak = renewed.post("/api/auth/password", &json!({ "old": "another long secret", "new": "short" }));
    assert_error(weak.status, &weak.json(), 400, "bad_password");

    // A disabled user's sessions end at once and it cannot log in.
    let county = Client::logged_in(server, "county-b");
    assert_exit(&user_command(&["user", "disable", "county-b", "--db", s(&t.db)], ""), 0);
    assert_eq!(county.get("/api/auth/me").status, 401);
    let refused = Client::anonymous(server).login("county-b", PASSWORD);
    assert_error(refused.status, &refused.json(), 401, "wrong_login");

    // An expired session is refused.
    let expiring = Client::logged_in(server, "planner-b");
    expire_sessions(&t.db);
    assert_eq!(expiring.get("/api/auth/me").status, 401);

    // Five wrong passwords lock the account for a while, even with the right one after.
    let mut guesser = Client::anonymous(server);
    for _ in 0..5 {
        assert_eq!(guesser.login("reviewer", "wrong wrong wrong").status, 401);
    }
    let locked = guesser.login("reviewer", PASSWORD);
    assert_error(locked.status, &locked.json(), 429, "too_many_logins");
}

fn changed_csrf(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<Value>(body).ok()?["csrf"].as_str().map(str::to_string)
}

/// Every session's expiry moved into the past, as if hours had gone by.
fn expire_sessions(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("the database opens");
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute("UPDATE sessions SET expires = '2000-01-01T00:00:00Z'", []).expect("sessions expire");
}

#[test]
fn a_city_submits_the_province_returns_then_approves_and_the_county_gets_its_letter() {
    let t = setup();
    let server = &t.server;
    let (round, sub_a, sub_b) = (t.round, t.subs[CITY_A], t.subs[CITY_B]);
    let planner = Client::logged_in(server, "planner-a");
    let other = Client::logged_in(server, "planner-b");
    let reviewer = Client::logged_in(server, "reviewer");
    let city = |c: &str| format!("/api/rounds/{round}/cities/{c}");

    // Each city sees only its own part of the round.
    let rounds = planner.get("/api/rounds").json();
    let seen: Vec<&str> = rounds[0]["cities"].as_array().unwrap().iter().map(|c| c["city"].as_str().unwrap()).collect();
    assert_eq!(seen, vec![CITY_A]);
    assert_eq!(planner.get("/api/instances").json().as_array().unwrap().len(), 1, "only its own sub-instance");
    assert_eq!(planner.get(&format!("/api/instances/{sub_b}")).status, 404);
    assert_eq!(planner.get(&format!("/api/rounds/{round}/merged")).status, 403);

    let plan = planner.solve(sub_a);
    let plan_b = other.solve(sub_b);
    // Another city's plan, a forged city in the URL, a stale version, a plan of another instance.
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": plan_b, "version": 0 }));
    assert_error(a.status, &a.json(), 404, "not_found");
    let a = planner.post(&format!("{}/submit", city(CITY_B)), &json!({ "plan": plan, "version": 0 }));
    assert_error(a.status, &a.json(), 404, "not_found");
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": plan, "version": 3 }));
    assert_error(a.status, &a.json(), 409, "stale_version");
    let leaver =
        planner.get(&format!("/api/plans/{plan}")).json()["assignments"][0]["cadre"].as_str().unwrap().to_string();
    let events = json!({ "events": [{ "kind": "leave", "date": "2027-07-01", "cadre": leaver }] });
    let replan = planner.post(&format!("/api/plans/{plan}/reassign"), &events);
    assert_eq!(replan.status, 202, "{}", replan.json());
    let replanned = planner.wait(replan.json()["id"].as_i64().unwrap());
    // The leaver may lead its group: then only a best-effort re-plan exists; either is a plan
    // of the re-planned instance, not of the round's.
    let result = &replanned["result"];
    let derived = result["plan"]
        .as_i64()
        .or(result["best_effort_plan"].as_i64())
        .unwrap_or_else(|| panic!("a re-plan: {replanned}"));
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": derived, "version": 0 }));
    assert_error(a.status, &a.json(), 422, "not_round_plan");
    // The re-planned instance stays the city's own.
    assert_eq!(other.get(&format!("/api/plans/{derived}")).status, 404);

    // Submit, return with comments, resubmit, approve.
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": plan, "version": 0 }));
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["city"]["state"], "submitted");
    assert_eq!(planner.post(&format!("{}/approve", city(CITY_A)), &json!({ "version": 1 })).status, 403);
    let diff = reviewer.get(&format!("{}/diff", city(CITY_A)));
    assert_eq!(diff.status, 200, "{}", diff.json());
    assert!(diff.json()["against_province"]["text"].is_string());
    let a = reviewer.post(&format!("{}/return", city(CITY_A)), &json!({ "version": 1 }));
    assert_error(a.status, &a.json(), 400, "comment_required");
    let a = reviewer.post(
        &format!("{}/return", city(CITY_A)),
        &json!({ "version": 1, "comment": "请再斟酌", "groups": { "370999": "x" } }),
    );
    assert_error(a.status, &a.json(), 400, "unknown_county");
    let a = reviewer.post(
        &format!("{}/return", city(CITY_A)),
        &json!({ "version": 1, "comment": "请再斟酌历下区组长人选", "groups": { COUNTY_A: "组长宜由团市委干部担任" } }),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["city"]["state"], "returned");
    let a = reviewer.post(&format!("{}/approve", city(CITY_A)), &json!({ "version": 1 }));
    assert_error(a.status, &a.json(), 409, "wrong_state");
    let copy = planner.send(
        "POST",
        &format!("/api/instances/{sub_a}/plans"),
        Some(&planner.get(&format!("/api/plans/{plan}")).body),
        &[],
    );
    let edited = copy.json()["id"].as_i64().unwrap();
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": edited, "version": 1 }));
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["city"]["version"], 2);
    let a = reviewer.post(&format!("{}/approve", city(CITY_A)), &json!({ "version": 1 }));
    assert_error(a.status, &a.json(), 409, "stale_version");
    let a = reviewer.post(&format!("{}/approve", city(CITY_A)), &json!({ "version": 2, "comment": "同意" }));
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["city"]["approved"], edited);
    // A stale submission after the approval changes nothing.
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": plan, "version": 1 }));
    assert_error(a.status, &a.json(), 409, "stale_version");
    let a = planner.post(&format!("{}/submit", city(CITY_A)), &json!({ "plan": plan, "version": 2 }));
    assert_error(a.status, &a.json(), 409, "wrong_state");

    // The county viewer's letter: its own county only.
    let county = Client::logged_in(server, "county-a");
    let letter = county.get(&format!("{}/letters.docx", city(CITY_A)));
    assert_eq!(letter.status, 200);
    let xml = docx_text(&letter.body);
    assert!(xml.contains("历下区"), "the letter names its county");
    assert!(!xml.contains("市中区"), "the letter holds no other county of 济南");
    let whole = planner.get(&format!("{}/letters.docx", city(CITY_A)));
    assert!(docx_text(&whole.body).contains("市中区"));
    assert_eq!(Client::logged_in(server, "county-b").get(&format!("{}/letters.docx", city(CITY_A))).status, 404);
    // Its 报到 list likewise; the budget (every unit's people and money) is not the county's.
    let checkin = county.get(&format!("{}/checkin.docx", city(CITY_A)));
    assert_eq!(checkin.status, 200);
    let xml = docx_text(&checkin.body);
    assert!(xml.contains("历下区") && !xml.contains("市中区"), "the 报到 list of its county only");
    assert_eq!(county.get(&format!("{}/budget.xlsx", city(CITY_A))).status, 404);
    let budget = planner.get(&format!("{}/budget.docx", city(CITY_A)));
    assert_eq!(budget.status, 200);
    assert!(docx_text(&budget.body).contains("经费测算表"));
    let a = planner.post(&format!("{}/notify", city(CITY_A)), &json!({ "version": 2 }));
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["city"]["state_zh"], "已函告");

    // Every transition: who, when, from, to, why.
    let history = county.get(&city(CITY_A)).json()["history"].clone();
    let moves: Vec<(String, String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (h["from"].as_str().unwrap().into(), h["to"].as_str().unwrap().into(), h["user"].as_str().unwrap().into())
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("draft", "submitted", "planner-a"),
        ("submitted", "returned", "reviewer"),
        ("returned", "submitted", "planner-a"),
        ("submitted", "approved", "reviewer"),
        ("approved", "notified", "planner-a"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(moves, want);
    assert_eq!(history[1]["comment"], "请再斟酌历下区组长人选");
    assert_eq!(history[1]["groups"][COUNTY_A], "组长宜由团市委干部担任");
    assert!(history.as_array().unwrap().iter().all(|h| h["at"].as_str().is_some_and(|s| s.ends_with('Z'))));

    // The merged plan waits for every city.
    let a = reviewer.get(&format!("/api/rounds/{round}/merged"));
    assert_error(a.status, &a.json(), 409, "incomplete");

    // The allocation: only the admin changes it, and not into one a city cannot plan.
    let alloc = t.admin.get(&format!("/api/rounds/{round}")).json()["allocation"].clone();
    let put = |c: &Client, v: &Value| {
        c.send("PUT", &format!("/api/rounds/{round}/allocation"), Some(v.to_string().as_bytes()), &[])
    };
    assert_eq!(put(&planner, &alloc).status, 403);
    assert_eq!(put(&reviewer, &alloc).status, 403);
    let a = put(&t.admin, &alloc);
    assert_error(a.status, &a.json(), 409, "round_started");
}

#[test]
fn an_allocation_that_leaves_a_city_without_a_plan_is_refused_in_its_words() {
    let t = setup();
    let round = t.round;
    let before = t.admin.get(&format!("/api/rounds/{round}")).json();
    let mut alloc = before["allocation"].clone();
    let given = alloc["cities"][0]["cadres"].take();
    for c in given.as_array().unwrap() {
        alloc["cities"][1]["cadres"].as_array_mut().unwrap().push(c.clone());
    }
    alloc["cities"][0]["cadres"] = json!([]);
    alloc["cities"][0]["quotas"] = json!([]);
    alloc["cities"][1]["quotas"] = json!([]);
    let a = t.admin.send("PUT", &format!("/api/rounds/{round}/allocation"), Some(alloc.to_string().as_bytes()), &[]);
    assert_error(a.status, &a.json(), 422, "infeasible");
    let v = a.json();
    assert!(v["error"]["message"].as_str().unwrap().contains("济南"), "{v}");
    let after = t.admin.get(&format!("/api/rounds/{round}")).json();
    assert_eq!(before["cities"], after["cities"], "nothing changed");
    let mut bad = before["allocation"].clone();
    bad["cities"][0]["cadres"].as_array_mut().unwrap().push(json!("NO-SUCH-CADRE"));
    let a = t.admin.send("PUT", &format!("/api/rounds/{round}/allocation"), Some(bad.to_string().as_bytes()), &[]);
    assert_error(a.status, &a.json(), 422, "bad_allocation");
    // The allocation as it was is accepted again (nobody has submitted).
    let a = t.admin.send(
        "PUT",
        &format!("/api/rounds/{round}/allocation"),
        Some(before["allocation"].to_string().as_bytes()),
        &[],
    );
    assert_eq!(a.status, 200, "{}", a.json());
}

#[test]
fn at_a_single_desk_every_city_submits_and_the_merged_plan_is_valid_and_free() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let desk = Client::anonymous(&server);
    assert_eq!(desk.get("/api/auth/me").json()["single_user"], true);
    let province = desk.post("/api/fixtures/shandong", &json!({})).json()["id"].as_i64().unwrap();
    let created = desk.post("/api/rounds", &json!({ "instance": province, "spread": { "min_province_per_city": 1 } }));
    assert_eq!(created.status, 201, "{}", created.json());
    let v = created.json();
    let round = v["round"]["id"].as_i64().unwrap();
    for c in v["cities"].as_array().unwrap() {
        let plan = desk.solve(c["instance"].as_i64().unwrap());
        let code = c["city"].as_str().unwrap();
        let a = desk.post(&format!("/api/rounds/{round}/cities/{code}/submit"), &json!({ "plan": plan, "version": 0 }));
        assert_eq!(a.status, 200, "{code}: {}", a.json());
    }
    let merged = desk.get(&format!("/api/rounds/{round}/merged"));
    assert_eq!(merged.status, 200, "{}", merged.json());
    let m = merged.json();
    assert_eq!(m["valid"], true, "{}", m["violations"]);
    assert!(m["price"]["price"].as_f64().unwrap().abs() < 1e-6, "{}", m["price"]);
    // Every city got a province cadre (A1).
    let alloc = desk.get(&format!("/api/rounds/{round}")).json()["allocation"].clone();
    let provincial: std::collections::HashSet<String> =
        serde_json::from_str::<Value>(&std::fs::read_to_string(fixture("shandong")).unwrap()).unwrap()["cadres"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["level"] == "province")
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
    for share in alloc["cities"].as_array().unwrap() {
        assert!(
            share["cadres"].as_array().unwrap().iter().any(|c| provincial.contains(c.as_str().unwrap())),
            "{} has no province cadre",
            share["city"]
        );
    }
    // No login at a single desk; and a single desk never serves the network.
    let a = desk.post("/api/auth/login", &json!({ "name": "x", "password": "y" }));
    assert_error(a.status, &a.json(), 409, "single_user");
    let out = Command::new(env!("CARGO_BIN_EXE_sanlian"))
        .args(["serve", "--single-user", "--addr", "0.0.0.0:0", "--db", s(&dir.path().join("other.db"))])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--single-user serves this machine only"), "{}", stderr(&out));
}

#[test]
fn user_commands_refuse_bad_input_and_never_show_hashes() {
    let dir = tmp();
    let db = db(&dir);
    let run = |args: &[&str], stdin: &str| user_command(&[&["user"], args, &["--db", s(&db)]].concat(), stdin);
    let out = run(&["add", "a", "--role", "chief"], "long enough secret\n");
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("--role chief"), "{}", stderr(&out));
    let out = run(&["add", "a", "--role", "planner"], "long enough secret\n");
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("--city"), "{}", stderr(&out));
    let out = run(&["add", "a", "--role", "admin", "--city", "370100"], "long enough secret\n");
    assert_exit(&out, 2);
    let out = run(&["add", "a", "--role", "admin"], "short\n");
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("at least 10"), "{}", stderr(&out));
    let out = run(&["add", "a", "--role", "admin"], "");
    assert_exit(&out, 2);
    let out = run(&["add", "bad name!", "--role", "admin"], "long enough secret\n");
    assert_exit(&out, 2);
    assert_exit(&run(&["add", "管理员", "--role", "admin"], "long enough secret\n"), 0);
    let out = run(&["add", "管理员", "--role", "admin"], "long enough secret\n");
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("already"), "{}", stderr(&out));
    assert_exit(&run(&["add", "p", "--role", "planner", "--city", "370100"], "long enough secret\n"), 0);
    assert_exit(&run(&["passwd", "nobody"], "long enough secret\n"), 2);
    assert_exit(&run(&["disable", "p"], ""), 0);
    let list = run(&["list"], "");
    assert_exit(&list, 0);
    let text = stdout(&list);
    assert!(text.contains("管理员\tadmin") && text.contains("p\tplanner\t370100\t-\tdisabled"), "{text}");
    assert!(!text.contains("argon2"), "{text}");
    // The database holds Argon2id hashes, not the password.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let hash: String = conn.query_row("SELECT hash FROM users WHERE name = 'p'", [], |r| r.get(0)).unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("long enough secret"));
}

/// The text of a .docx's main part.
fn docx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a docx is a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").expect("its document"), &mut xml).unwrap();
    xml
}

/// A city's trade-offs (issue 15, item 4) are its own: its planner computes them, its viewer
/// may read the plans but not start the job, another city's planner finds neither the job's
/// instance nor the points' plans and instances (each ε-instance belongs to the city too), and
/// a request without the CSRF token is refused.
#[test]
fn a_citys_trade_offs_stay_in_its_scope() {
    let t = setup();
    let server = &t.server;
    let sub_a = t.subs[CITY_A];
    let path = format!("/api/instances/{sub_a}/tradeoffs");
    let planner_a = Client::logged_in(server, "planner-a");
    let viewer_a = Client::logged_in(server, "viewer-a");
    let planner_b = Client::logged_in(server, "planner-b");
    let options = json!({ "points": 3 });
    assert_eq!(viewer_a.post(&path, &options).status, 403);
    assert_eq!(planner_b.post(&path, &options).status, 404);
    let no_token = Client { csrf: None, ..planner_a.clone() };
    let refused = no_token.post(&path, &options);
    assert_eq!((refused.status, refused.json()["error"]["code"].clone()), (403, json!("csrf")));
    let queued = planner_a.post(&path, &options);
    assert_eq!(queued.status, 202, "{}", queued.json());
    let job = queued.json()["id"].as_i64().unwrap();
    assert_eq!(planner_b.get(&format!("/api/jobs/{job}")).status, 404);
    let done = planner_a.wait(job);
    assert_eq!(done["state"], "done", "{done}");
    let points = done["result"]["points"].as_array().expect("points");
    assert!(points.len() >= 2, "{done}");
    for p in points {
        let (pid, iid) = (p["plan"].as_i64().unwrap(), p["instance"].as_i64().unwrap());
        let check = viewer_a.get(&format!("/api/plans/{pid}/check"));
        assert_eq!((check.status, check.json()["valid"].clone()), (200, json!(true)), "{}", check.json());
        assert_eq!(planner_b.get(&format!("/api/plans/{pid}")).status, 404, "plan {pid}");
        assert_eq!(planner_b.get(&format!("/api/instances/{iid}")).status, 404, "instance {iid}");
        let listed = planner_b.get("/api/instances").json();
        assert!(listed.as_array().unwrap().iter().all(|i| i["id"] != iid), "{listed}");
    }
}
