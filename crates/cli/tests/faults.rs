//! The store under faults (issue 10, item 9): a database deleted under the running service,
//! a disk that fills up, online backups and a restore. Health must tell the truth, a failed
//! write must fail its job visibly, and a database that vanished must not be replaced by an
//! empty one at the next start.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::server::*;
use common::*;
use serde_json::Value;

fn health(server: &Server) -> (u16, Value) {
    server.get_json("/api/health")
}

/// `sanlian serve` that is expected to refuse to start: its output.
fn serve_refused(db: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sanlian"))
        .args(["serve", "--single-user", "--addr", "127.0.0.1:0", "--db", s(db)])
        .args(extra)
        .output()
        .expect("the binary runs")
}

#[test]
fn a_deleted_database_is_reported_then_refused_and_a_backup_restores_it() {
    let dir = tmp();
    let db = db(&dir);
    let backup = dir.path().join("backup.db");
    let server = Server::start(&db, &[]);
    let small = server.fixture("small");
    let pid = server.solve(small);
    let (_, before) = server.get(&format!("/api/plans/{pid}"));
    assert_eq!(health(&server).0, 200);

    // An online backup while the service runs.
    let out = sanlian(&["backup", "--db", s(&db), "-o", s(&backup)]);
    assert_exit(&out, 0);
    assert!(backup.exists());

    // The file is deleted under the running service: health says so.
    std::fs::remove_file(&db).unwrap();
    let (status, h) = health(&server);
    assert_eq!(status, 503, "{h}");
    assert_eq!(h["status"], "degraded");
    assert!(h["problems"].to_string().contains("deleted"), "{h}");
    server.kill();

    // At the next start the loss is an error, not an empty database.
    let _ = std::fs::remove_file(db.with_extension("db-wal"));
    let _ = std::fs::remove_file(db.with_extension("db-shm"));
    let out = serve_refused(&db, &[]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("is missing") && stderr(&out).contains("--init"), "{}", stderr(&out));
    assert!(!db.exists(), "no empty database was created");

    // Restored from the backup, the plan is back, byte for byte.
    std::fs::copy(&backup, &db).unwrap();
    let server = Server::start(&db, &[]);
    let (status, after) = server.get(&format!("/api/plans/{pid}"));
    assert_eq!(status, 200);
    assert_eq!(before, after, "the restored plan is the stored one");
    assert_eq!(health(&server).0, 200);
    server.kill();

    // --init starts an empty database on purpose.
    std::fs::remove_file(&db).unwrap();
    let server = Server::start(&db, &["--init"]);
    assert_eq!(server.get_json("/api/plans").1.as_array().map(Vec::len), Some(0));
}

#[test]
fn backups_of_a_missing_database_are_refused() {
    let dir = tmp();
    let out = sanlian(&["backup", "--db", s(&dir.path().join("nothing.db")), "-o", s(&dir.path().join("b.db"))]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("no such database"), "{}", stderr(&out));
    assert!(!dir.path().join("nothing.db").exists(), "the backup created no database");
}

#[test]
fn periodic_backups_are_written_and_shown_in_health() {
    let dir = tmp();
    let backups = dir.path().join("backups");
    let server = Server::start(&db(&dir), &["--backup-dir", s(&backups), "--backup-every", "60"]);
    let small = server.fixture("small");
    // The first backup is made at start; wait for it to show.
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = loop {
        let (_, h) = health(&server);
        if let Some(f) = h["backup"]["file"].as_str() {
            break PathBuf::from(f);
        }
        assert!(Instant::now() < deadline, "no backup reported: {h}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(file.starts_with(&backups) && file.exists(), "{}", file.display());
    // The copy is a database another service can open.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&file, &copy).unwrap();
    let other = Server::start(&copy, &[]);
    let ids: Vec<i64> =
        other.get_json("/api/instances").1.as_array().unwrap().iter().filter_map(|r| r["id"].as_i64()).collect();
    assert!(ids.is_empty() || ids == [small], "{ids:?}");
}

/// A small tmpfs mounted for one test (root only); unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", s(at)])
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").args(["-l", s(&self.0)]).status();
    }
}

/// Fill the file system at `dir` until a write fails.
fn fill(dir: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let block = vec![0xA5u8; 64 * 1024];
    while f.write_all(&block).and_then(|_| f.flush()).is_ok() {}
    let _ = f.sync_all();
}

#[test]
fn a_full_disk_fails_jobs_visibly_and_degrades_health() {
    let dir = tmp();
    let Some(mnt) = Tmpfs::mount(&dir.path().join("mnt"), "24m") else {
        eprintln!("skipped: mounting a tmpfs needs root (RELIABILITY.md records the run)");
        return;
    };
    let db = mnt.0.join("sanlian.db");
    let server = Server::start(&db, &["--workers", "1"]);
    let shandong = server.fixture("shandong");
    assert_eq!(health(&server).0, 200);
    // The only worker is busy; a Shandong solve is accepted and waits.
    let spec = br#"{"name":"long","sweeps":[{"kind":"province_cadres","from":80,"to":240,"step":1}]}"#;
    let (_, long) = server.post(&format!("/api/instances/{shandong}/scenarios"), spec);
    let (status, job) = server.post(&format!("/api/instances/{shandong}/solve"), b"");
    assert_eq!(status, 202, "{job}");
    // The disk fills up; then the solve runs and must store a plan of about a megabyte.
    fill(&mnt.0);
    // Stopping the long run cannot be recorded on a full disk, but it stops all the same.
    let (status, answer) = call("DELETE", &server.url(&format!("/api/jobs/{}", long["id"])), None);
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    if status != 200 {
        assert_error(status, &answer, 503, "store_unavailable");
    }
    let done = server.wait(job["id"].as_i64().unwrap());
    assert_eq!(done["state"], "failed", "a job whose result could not be stored is failed: {done}");
    // New submissions are refused with the reason while the disk is full.
    let (status, refused) = server.post(&format!("/api/instances/{shandong}/solve"), b"");
    if status != 202 {
        assert_error(status, &refused, 503, "store_unavailable");
    }
    let (status, h) = health(&server);
    assert_eq!(status, 503, "{h}");
    assert!(h["problems"].to_string().contains("write"), "{h}");
    // Room again: new work is stored, and the service never stopped answering.
    std::fs::remove_file(mnt.0.join("filler")).unwrap();
    let small = server.fixture("small");
    server.solve(small);
}
