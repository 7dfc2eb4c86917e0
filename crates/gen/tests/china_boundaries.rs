//! The county outlines committed under `fixtures/china/` (only provinces whose file is small,
//! see `fixtures/china/README.md`), which the server embeds as it does Shandong's: every
//! planning unit of the province has one, around its seat, in 4 decimals, as valid rings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sanlian_gen::china;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The largest outline file committed.
const LIMIT: u64 = 100_000;

/// A county's rings, (longitude, latitude), every ring of every polygon.
type Rings = Vec<Vec<(f64, f64)>>;

/// Even–odd rule over all rings (holes included), as the page's SVG fill draws them.
fn inside(rings: &[Vec<(f64, f64)>], (x, y): (f64, f64)) -> bool {
    let crossings = rings
        .iter()
        .flat_map(|r| r.windows(2))
        .filter(|e| (e[0].1 > y) != (e[1].1 > y) && x < e[0].0 + (y - e[0].1) * (e[1].0 - e[0].0) / (e[1].1 - e[0].1))
        .count();
    crossings % 2 == 1
}

#[test]
fn the_committed_outlines_are_small_valid_and_around_every_seat() {
    let mut committed = Vec::new();
    for &(dir, _) in &china::PROVINCES {
        let file = china::data_dir(&root(), dir).join("counties.geojson");
        if dir == "shandong" || !file.is_file() {
            continue;
        }
        committed.push(dir);
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size <= LIMIT, "{dir}: {size} bytes");
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(doc["type"], "FeatureCollection");
        let mut outlines: BTreeMap<String, (String, Rings)> = BTreeMap::new();
        for f in doc["features"].as_array().unwrap() {
            let code = f["properties"]["county_code"].as_str().unwrap().to_string();
            assert_eq!(f["geometry"]["type"], "MultiPolygon", "{dir} {code}");
            let mut rings = Vec::new();
            for polygon in f["geometry"]["coordinates"].as_array().unwrap() {
                for ring in polygon.as_array().unwrap() {
                    let ring: Vec<(f64, f64)> = ring
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                        .collect();
                    assert!(ring.len() >= 4 && ring.first() == ring.last(), "{dir} {code}: an open or short ring");
                    let mut distinct: Vec<(f64, f64)> = ring.clone();
                    distinct.sort_by(|a, b| a.partial_cmp(b).unwrap());
                    distinct.dedup();
                    assert!(distinct.len() >= 3, "{dir} {code}: a degenerate ring");
                    for &(x, y) in &ring {
                        for v in [x, y] {
                            assert!(((v * 1e4).round() - v * 1e4).abs() < 1e-6, "{dir} {code}: {v}");
                        }
                    }
                    rings.push(ring);
                }
            }
            let name = f["properties"]["county_name"].as_str().unwrap().to_string();
            assert!(outlines.insert(code.clone(), (name, rings)).is_none(), "{dir}: {code} twice");
        }
        let import = china::load(&root(), dir).unwrap();
        let flagged: Vec<String> = std::fs::read_to_string(china::data_dir(&root(), dir).join("counties.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.split(',').nth(11) == Some("no"))
            .map(|l| l.split(',').nth(2).unwrap().to_string())
            .collect();
        for k in &import.region.counties {
            let (name, rings) = outlines.get(&k.code).unwrap_or_else(|| panic!("{dir}: no outline for {}", k.code));
            assert_eq!(name, &k.name, "{dir} {}", k.code);
            if !flagged.contains(&k.code) {
                assert!(inside(rings, (k.seat.lon, k.seat.lat)), "{dir} {} {}: seat outside", k.code, k.name);
            }
        }
    }
    assert_eq!(committed, ["beijing", "tianjin", "shanghai", "hainan", "chongqing", "ningxia"]);
}
