//! The national-size scenario: deterministic, about 38,000 townships and
//! 32,000 cadres, every instance valid, provinces apart, distances kept.
//! (Strict feasibility is tested in the root package's `tests/national.rs`,
//! which may use the solver.)

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use sanlian_gen::load_region;
use sanlian_gen::national::{national, prefix, province_name, PROVINCES};
use sanlian_model::geo::haversine_km;
use sanlian_model::{Instance, Prepared, Region};

fn region() -> &'static Region {
    static R: OnceLock<Region> = OnceLock::new();
    R.get_or_init(|| {
        load_region(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shandong/data")).unwrap().region
    })
}

fn set() -> &'static Vec<Instance> {
    static S: OnceLock<Vec<Instance>> = OnceLock::new();
    S.get_or_init(|| national(region(), 1))
}

#[test]
fn totals_are_national_size() {
    let set = set();
    assert_eq!(set.len(), PROVINCES);
    let townships: usize = set.iter().map(|i| i.region.townships.len()).sum();
    let cadres: usize = set.iter().map(|i| i.cadres.len()).sum();
    assert!((35_000..=41_000).contains(&townships), "{townships} townships");
    assert!((29_000..=35_000).contains(&cadres), "{cadres} cadres");
    for inst in set {
        let n = inst.region.cities.len();
        assert!((5..=16).contains(&n), "{}: {n} cities", inst.region.province.name);
    }
}

#[test]
fn same_seed_same_set_other_seed_differs() {
    let a = serde_json::to_string(set()).unwrap();
    let b = serde_json::to_string(&national(region(), 1)).unwrap();
    let c = serde_json::to_string(&national(region(), 2)).unwrap();
    assert!(a == b, "same seed, different output");
    assert!(a != c, "other seed, same output");
}

#[test]
fn every_province_validates_with_its_own_codes_and_name() {
    let mut prefixes = BTreeSet::new();
    for (i, inst) in set().iter().enumerate() {
        Prepared::new(inst).unwrap_or_else(|e| panic!("province {i}: {e}"));
        let pp = prefix(i);
        assert!(prefixes.insert(pp.clone()));
        let r = &inst.region;
        assert_eq!(r.province.name, province_name(i));
        assert_eq!(r.province.code, format!("{pp}0000"));
        assert!(r.cities.iter().all(|c| c.code.starts_with(&pp)));
        assert!(r.counties.iter().all(|k| k.code.starts_with(&pp) && k.city.starts_with(&pp)));
        assert!(r.townships.iter().all(|t| t.code.starts_with(&pp) && t.county.starts_with(&pp)));
        assert!(inst.name.starts_with(&province_name(i)), "{}", inst.name);
        let homes = inst.cadres.iter().filter_map(|c| c.home_city.as_ref().or(c.home_county.as_ref()));
        assert!(homes.into_iter().all(|h| h.starts_with(&pp)));
    }
    assert_eq!(prefixes.len(), PROVINCES);
}

/// Longitude intervals (with the cadres' bases) of different provinces do not meet.
#[test]
fn provinces_do_not_overlap() {
    let spans: Vec<(f64, f64)> = set()
        .iter()
        .map(|inst| {
            let r = &inst.region;
            let lons = r.counties.iter().map(|k| k.seat.lon).chain(inst.cadres.iter().map(|c| c.base.lon));
            lons.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)))
        })
        .collect();
    for (i, a) in spans.iter().enumerate() {
        assert!(a.1 - a.0 < 10.0, "province {i} spans {a:?} (wrapped across ±180°?)");
        for (j, b) in spans.iter().enumerate().skip(i + 1) {
            assert!(a.1 < b.0 || b.1 < a.0, "provinces {i} {a:?} and {j} {b:?} overlap");
        }
    }
}

/// Relabelling moves longitudes only, so county-to-county distances are the source's.
#[test]
fn distances_are_the_sources() {
    let src = region();
    for inst in set().iter().take(5) {
        let ks = &inst.region.counties;
        for w in ks.windows(2) {
            let orig = |code: &str| src.counties.iter().find(|k| k.code[2..] == code[2..]).unwrap().seat;
            let (a, b) = (haversine_km(w[0].seat, w[1].seat), haversine_km(orig(&w[0].code), orig(&w[1].code)));
            assert!((a - b).abs() < 1e-3, "{} {}: {a} vs {b}", w[0].code, w[1].code);
        }
    }
}
