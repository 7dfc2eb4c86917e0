//! Write the instance families of issue 16 (`sanlian_gen::families`) into a folder:
//! `cargo run --release -p sanlian-gen --example write_families -- OUT [SEED]`.

use std::path::{Path, PathBuf};

use sanlian_gen::families::{family, Family};
use sanlian_gen::{fixtures, load_region};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: write_families OUT [SEED]");
        std::process::exit(2);
    };
    let seed: u64 = match args.next().map(|s| s.parse()) {
        None => 1,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            eprintln!("SEED must be a whole number");
            std::process::exit(2);
        }
    };
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shandong/data");
    let region = match load_region(&data) {
        Ok(r) => r.region,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    std::fs::create_dir_all(&out).expect("create the output folder");
    for f in Family::ALL {
        let inst = family(&region, f, seed);
        let path = out.join(format!("{}.json", f.name()));
        std::fs::write(&path, fixtures::to_json(&inst)).expect("write the family");
        println!("{} ({} cadres, {} townships)", path.display(), inst.cadres.len(), inst.region.townships.len());
    }
}
