//! The county boundaries the page's map draws (`fixtures/shandong/data/counties.geojson`, which
//! the server embeds): one outline per county of the Shandong fixture, with its seat inside it
//! and inside no other county's, coordinates to 4 decimals, and a file small enough to serve;
//! and the outlines committed under `fixtures/china/` (only provinces whose file is small, see
//! `fixtures/china/README.md`), which the server embeds too: every planning unit of the province
//! has one, around its seat, in 4 decimals, as valid rings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sanlian_gen::china;
use sanlian_model::Instance;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

const GEOJSON: &str = "shandong/data/counties.geojson";
const LIMIT: u64 = 400_000;

/// A county's rings, (longitude, latitude), every ring of every polygon.
struct Outline {
    code: String,
    name: String,
    city: String,
    rings: Vec<Vec<(f64, f64)>>,
}

fn outlines() -> Vec<Outline> {
    let text = std::fs::read_to_string(root().join(GEOJSON)).expect("counties.geojson");
    let doc: Value = serde_json::from_str(&text).expect("counties.geojson is JSON");
    assert_eq!(doc["type"], "FeatureCollection");
    let prop =
        |f: &Value, key: &str| f["properties"][key].as_str().unwrap_or_else(|| panic!("no {key}: {f}")).to_string();
    doc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            assert_eq!(f["type"], "Feature");
            let code = prop(f, "county_code");
            assert_eq!(f["geometry"]["type"], "MultiPolygon", "{code}");
            let mut rings = Vec::new();
            for polygon in f["geometry"]["coordinates"].as_array().expect("polygons") {
                for ring in polygon.as_array().expect("rings") {
                    let ring: Vec<(f64, f64)> = ring
                        .as_array()
                        .expect("positions")
                        .iter()
                        .map(|p| (p[0].as_f64().expect("longitude"), p[1].as_f64().expect("latitude")))
                        .collect();
                    rings.push(ring);
                }
            }
            Outline { code, name: prop(f, "county_name"), city: prop(f, "city_code"), rings }
        })
        .collect()
}

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
fn the_even_odd_test_sees_holes() {
    let square = |a: f64, b: f64| vec![(a, a), (b, a), (b, b), (a, b), (a, a)];
    let rings = vec![square(0.0, 10.0), square(4.0, 6.0)];
    assert!(inside(&rings, (2.0, 2.0)));
    assert!(!inside(&rings, (5.0, 5.0)), "in the hole");
    assert!(!inside(&rings, (11.0, 5.0)));
}

#[test]
fn the_boundary_file_is_small_enough_to_serve() {
    let size = std::fs::metadata(root().join(GEOJSON)).expect("counties.geojson").len();
    assert!(size < LIMIT, "{GEOJSON} is {size} bytes, over {LIMIT}");
}

#[test]
fn every_county_of_the_shandong_fixture_has_an_outline_around_its_seat() {
    let inst = Instance::from_json(&std::fs::read_to_string(root().join("shandong/instance.json")).unwrap()).unwrap();
    let outlines = outlines();
    assert_eq!(inst.region.counties.len(), 136, "the fixture's official counties");
    for c in &inst.region.counties {
        let mine: Vec<&Outline> = outlines.iter().filter(|o| o.code == c.code).collect();
        assert_eq!(mine.len(), 1, "{} {}: one outline", c.code, c.name);
        let o = mine[0];
        assert_eq!((o.name.as_str(), o.city.as_str()), (c.name.as_str(), c.city.as_str()), "{}", c.code);
        let seat = (c.seat.lon, c.seat.lat);
        assert!(inside(&o.rings, seat), "{} {}: the seat {seat:?} is outside its outline", c.code, c.name);
        let others: Vec<&str> =
            outlines.iter().filter(|x| x.code != c.code && inside(&x.rings, seat)).map(|x| x.code.as_str()).collect();
        assert!(others.is_empty(), "{} {}: the seat is also inside {others:?}", c.code, c.name);
    }
    assert_eq!(outlines.len(), inst.region.counties.len(), "no outline for a county the fixture lacks");
    // The small fixture is five Shandong counties: they have theirs too.
    let small = Instance::from_json(&std::fs::read_to_string(root().join("small/instance.json")).unwrap()).unwrap();
    for c in &small.region.counties {
        let o = outlines.iter().find(|o| o.code == c.code && o.name == c.name).expect("an outline");
        assert!(inside(&o.rings, (c.seat.lon, c.seat.lat)), "small: {} {}", c.code, c.name);
    }
}

#[test]
fn the_outlines_are_closed_rings_in_4_decimals() {
    let mut points = 0;
    for o in outlines() {
        assert!(!o.rings.is_empty(), "{}", o.code);
        for ring in &o.rings {
            assert!(ring.len() >= 4, "{}: a ring of {} positions", o.code, ring.len());
            assert_eq!(ring.first(), ring.last(), "{}: an open ring", o.code);
            for &(x, y) in ring {
                assert!(
                    (114.0..123.5).contains(&x) && (34.0..38.5).contains(&y),
                    "{}: ({x}, {y}) is not in Shandong",
                    o.code
                );
                for v in [x, y] {
                    assert!(((v * 1e4).round() - v * 1e4).abs() < 1e-6, "{}: {v} has more than 4 decimals", o.code);
                }
            }
            points += ring.len();
        }
    }
    assert!(points > 10_000, "only {points} positions: the outlines are not that coarse");
}

/// The largest outline file committed under `fixtures/china/`.
const CHINA_LIMIT: u64 = 100_000;

/// A county's rings, (longitude, latitude), every ring of every polygon.
type Rings = Vec<Vec<(f64, f64)>>;

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
        assert!(size <= CHINA_LIMIT, "{dir}: {size} bytes");
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
