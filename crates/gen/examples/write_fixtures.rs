//! Write the three committed fixtures from `fixtures/shandong/data`:
//! `cargo run --release -p sanlian-gen --example write_fixtures`.

use std::path::Path;

use sanlian_gen::{fixtures, load_region};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let region = match load_region(&root.join("shandong/data")) {
        Ok(r) => r.region,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    for (dir, inst) in [
        ("shandong", fixtures::shandong(&region)),
        ("small", fixtures::small(&region)),
        ("infeasible", fixtures::infeasible(&region)),
    ] {
        let path = root.join(dir).join("instance.json");
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create the fixture folder");
        std::fs::write(&path, fixtures::to_json(&inst)).expect("write the fixture");
        println!("{} ({} cadres)", path.display(), inst.cadres.len());
    }
}
