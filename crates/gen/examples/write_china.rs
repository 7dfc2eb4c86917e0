//! Regenerate the province fixtures:
//! `cargo run --release -p sanlian-gen --example write_china [-- DIR [SEED]]`.
//!
//! With the fixture seed (the default) it rewrites `fixtures/china/instances.csv`, the digest
//! table the tests compare with; with DIR it also writes every instance as `DIR/<dir>.json`
//! (e.g. to solve them with `sanlian solve`). Another SEED writes only the instances. Prints
//! one line per province: counts, the 团省委's size and need, and the tightness report.

use std::path::{Path, PathBuf};

use sanlian_gen::{china, fixtures, generate_for, tightness, ProvinceRosterSpec, RosterSizes};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let out: Option<PathBuf> = std::env::args().nth(1).map(PathBuf::from);
    let seed: u64 = match std::env::args().nth(2).map(|s| s.parse()) {
        None => china::SEED,
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            eprintln!("SEED: {e}");
            std::process::exit(2);
        }
    };
    let spec = ProvinceRosterSpec::default();
    let mut table = vec![china::DIGEST_HEADER.to_string()];
    for (dir, _) in china::PROVINCES {
        let import = match china::load(&root, dir) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let inst = generate_for(&import, &spec, seed);
        let json = fixtures::to_json(&inst);
        table.push(china::digest_line(dir, &inst, &json));
        let s = RosterSizes::of(&import, &spec, seed);
        println!(
            "{dir}: {} counties, {} townships, {} cadres (province {} / {} senior; need: cover {}, lead {}, together {}), {} bytes",
            inst.region.counties.len(),
            inst.region.townships.len(),
            inst.cadres.len(),
            s.province,
            s.province_seniors,
            s.province_cover,
            s.province_lead,
            s.province_need,
            json.len()
        );
        for line in tightness::report(&inst).iter().take(5) {
            println!("    {line}");
        }
        if let Some(out) = &out {
            std::fs::create_dir_all(out).expect("create the output folder");
            std::fs::write(out.join(format!("{dir}.json")), &json).expect("write the instance");
        }
    }
    if seed == china::SEED {
        table.push(String::new());
        std::fs::write(root.join(china::DIGESTS), table.join("\n")).expect("write the digest table");
    }
}
