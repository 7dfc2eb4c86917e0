//! A spawned `sanlian serve` for the service tests: start, call, wait, kill.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{root, s, Path, PathBuf, TempDir};

/// A running `sanlian serve` on a free port; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: Arc<Mutex<String>>,
}

impl Server {
    /// A single-desk service (`--single-user`: no login).
    pub fn start(db: &Path, extra: &[&str]) -> Server {
        Server::spawn(db, &[&["--single-user"], extra].concat())
    }

    /// A service with accounts: every request but the public ones needs a session.
    pub fn with_accounts(db: &Path, extra: &[&str]) -> Server {
        Server::spawn(db, extra)
    }

    fn spawn(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sanlian"))
            .args(["serve", "--addr", "127.0.0.1:0", "--db", s(db)])
            .args(extra)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut line = String::new();
        out.read_line(&mut line).expect("the server prints its address");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let (sink, mut err) = (log.clone(), child.stderr.take().expect("piped"));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Server { child, base, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        call("GET", &self.url(path), None)
    }

    pub fn get_json(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.get(path);
        (
            status,
            serde_json::from_slice(&body)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&body))),
        )
    }

    pub fn post(&self, path: &str, body: &[u8]) -> (u16, Value) {
        let (status, bytes) = call("POST", &self.url(path), Some(body));
        (
            status,
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes))),
        )
    }

    /// Store the named fixture; its instance id.
    pub fn fixture(&self, name: &str) -> i64 {
        let (status, v) = self.post(&format!("/api/fixtures/{name}"), b"");
        assert_eq!(status, 201, "{v}");
        v["id"].as_i64().expect("an id")
    }

    /// Wait for a job to finish; the finished job.
    pub fn wait(&self, job: i64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, v) = self.get_json(&format!("/api/jobs/{job}?wait=10"));
            assert_eq!(status, 200, "{v}");
            if ["done", "failed", "cancelled"].iter().any(|s| v["state"] == *s) {
                return v;
            }
            assert!(Instant::now() < deadline, "job {job} did not finish: {v}");
        }
    }

    /// Solve instance `id` in `mode`; the plan id.
    pub fn solve(&self, id: i64) -> i64 {
        let (status, job) = self.post(&format!("/api/instances/{id}/solve"), br#"{"mode":"strict"}"#);
        assert_eq!(status, 202, "{job}");
        let done = self.wait(job["id"].as_i64().unwrap());
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(done["result"]["outcome"], "planned", "{done}");
        done["result"]["plan"].as_i64().expect("a plan id")
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

/// One request: status and body, whatever the status.
pub fn call(method: &str, url: &str, body: Option<&[u8]>) -> (u16, Vec<u8>) {
    let agent = agent();
    // The tests read the service's English messages (Chinese is the default).
    const EN: (&str, &str) = ("accept-language", "en");
    let mut resp = match (method, body) {
        ("GET", _) => agent.get(url).header(EN.0, EN.1).call(),
        ("POST", Some(b)) => {
            let kind = if url.contains("/roster?") || url.contains("/edit/workbook") {
                "application/octet-stream"
            } else {
                "application/json"
            };
            agent.post(url).header(EN.0, EN.1).header("content-type", kind).send(b)
        }
        ("POST", None) => agent.post(url).header(EN.0, EN.1).send_empty(),
        ("DELETE", _) => agent.delete(url).header(EN.0, EN.1).call(),
        ("PATCH", Some(b)) => agent.patch(url).header(EN.0, EN.1).header("content-type", "application/json").send(b),
        ("PUT", Some(b)) => agent.put(url).header(EN.0, EN.1).header("content-type", "application/json").send(b),
        _ => unreachable!("methods used here"),
    }
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let bytes = resp.body_mut().with_config().limit(256 * 1024 * 1024).read_to_vec().expect("a body");
    (status, bytes)
}

#[track_caller]
pub fn assert_error(status: u16, v: &Value, want_status: u16, code: &str) {
    assert_eq!(status, want_status, "{v}");
    assert_eq!(v["error"]["status"], want_status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    let message = v["error"]["message"].as_str().expect("a message");
    assert!(!message.is_empty());
    assert_eq!(v["error"]["text"]["en"].as_str(), Some(message), "the message is the English text: {v}");
    let zh = v["error"]["text"]["zh"].as_str().expect("a Chinese text");
    assert!(!zh.is_empty(), "{v}");
    for leak in ["panicked", "RUST_BACKTRACE", ".rs:", "stack backtrace"] {
        assert!(!message.contains(leak), "the error leaks internals: {message}");
    }
}

pub fn db(dir: &TempDir) -> PathBuf {
    dir.path().join("sanlian.db")
}
