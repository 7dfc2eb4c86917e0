//! Embeds every `counties.geojson` under `fixtures/` (county boundaries, one file per region),
//! so that a new region's polygons are added by committing its file, without code changes.

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    // A directory is watched with everything in it.
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    find(&root, &mut files);
    files.sort();
    let mut out = String::from("/// Every committed `counties.geojson`: (path under `fixtures/`, text).\n");
    out.push_str("pub const FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f.strip_prefix(&root).unwrap_or(f).to_string_lossy().replace('\\', "/");
        let abs = f.canonicalize().unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        out.push_str(&format!("    ({name:?}, include_str!({:?})),\n", abs.to_string_lossy()));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("boundary_files.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}

fn find(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find(&path, files);
        } else if path.file_name().is_some_and(|n| n == "counties.geojson") {
            files.push(path);
        }
    }
}
