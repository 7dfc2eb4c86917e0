//! Helpers shared by the CLI test files: run the binary, read its output, temp files.

#![allow(dead_code)]

use std::fs;
pub use std::path::{Path, PathBuf};
use std::process::Command;
pub use std::process::Output;

use serde_json::Value;
pub use tempfile::TempDir;

pub mod server;

/// The workspace root (fixtures live there).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name).join("instance.json")
}

pub fn sanlian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sanlian")).args(args).current_dir(root()).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Assert the exit code, showing both streams when it is wrong.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
}

pub fn tmp() -> TempDir {
    tempfile::Builder::new().prefix("sanlian-cli-test-").tempdir_in(std::env::temp_dir()).expect("temp dir")
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

pub fn small_json() -> Value {
    serde_json::from_str(&fs::read_to_string(fixture("small")).unwrap()).unwrap()
}

pub fn write_json(dir: &TempDir, name: &str, v: &Value) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
    path
}

/// Solve the small fixture into `dir/plan.json` and return the plan's path.
pub fn solve_small(dir: &TempDir) -> PathBuf {
    let plan = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&fixture("small")), "-o", s(&plan)]);
    assert_exit(&o, 0);
    plan
}

/// Run the binary with `input` on standard input.
pub fn sanlian_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanlian"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("a pipe").write_all(input).expect("the unit is written");
    child.wait_with_output().expect("the binary ends")
}
