//! The committed fixtures are exactly what the library makes.

use std::path::{Path, PathBuf};

use sanlian_gen::{fixtures, load_region};
use sanlian_model::{Instance, Prepared};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn committed(name: &str) -> String {
    let path = root().join(name).join("instance.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(name: &str, make: fn(&sanlian_model::Region) -> Instance) {
    let region = load_region(&root().join("shandong/data")).unwrap().region;
    let inst = make(&region);
    Prepared::new(&inst).unwrap();
    let text = fixtures::to_json(&inst);
    assert!(
        text == committed(name),
        "fixtures/{name}/instance.json differs from the generator's output; \
         rerun `cargo run --release -p sanlian-gen --example write_fixtures`"
    );
    assert_eq!(Instance::from_json(&text).unwrap(), inst);
}

#[test]
fn shandong_fixture_is_current() {
    check("shandong", fixtures::shandong);
}

#[test]
fn small_fixture_is_current() {
    check("small", fixtures::small);
}

#[test]
fn infeasible_fixture_is_current() {
    check("infeasible", fixtures::infeasible);
}

#[test]
fn fixture_data_is_a_verbatim_copy() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/shandong");
    if !shared.is_dir() {
        return;
    }
    for f in ["province.csv", "cities.csv", "counties.csv", "divisions.csv", "counties.geojson"] {
        let a = std::fs::read(shared.join(f)).unwrap();
        let b = std::fs::read(root().join("shandong/data").join(f)).unwrap();
        assert!(a == b, "{f} differs from shared/data/shandong");
    }
}
