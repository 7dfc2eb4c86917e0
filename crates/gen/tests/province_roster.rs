//! The roster generator that fits each province: sizes from the province, generic
//! universities and enterprises at its own city seats, the counting conditions of a strict
//! plan, reproducibility, and the digest table of the fixtures.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sanlian_gen::province::ProvinceImport;
use sanlian_gen::tightness::necessary_problems;
use sanlian_gen::{china, fixtures, generate_for, ProvinceRosterSpec, RosterSizes};
use sanlian_model::geo::haversine_km;
use sanlian_model::{Instance, Level};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn all() -> &'static Vec<(&'static str, ProvinceImport, Instance)> {
    static ALL: OnceLock<Vec<(&'static str, ProvinceImport, Instance)>> = OnceLock::new();
    ALL.get_or_init(|| {
        china::PROVINCES
            .iter()
            .map(|&(dir, _)| {
                let import = china::load(&root(), dir).unwrap();
                let inst = china::instance(&import);
                (dir, import, inst)
            })
            .collect()
    })
}

#[test]
fn every_province_roster_meets_the_conditions_of_a_strict_plan() {
    for (dir, _, inst) in all() {
        assert_eq!(necessary_problems(inst), Vec::<String>::new(), "{dir}");
    }
}

#[test]
fn other_seeds_meet_them_too() {
    let spec = ProvinceRosterSpec::default();
    for (dir, import, _) in all() {
        for seed in 2..=6 {
            let inst = generate_for(import, &spec, seed);
            assert_eq!(necessary_problems(&inst), Vec::<String>::new(), "{dir} seed {seed}");
        }
    }
}

#[test]
fn seniors_are_at_least_the_counties_plus_a_margin() {
    let spec = ProvinceRosterSpec::default();
    for (dir, import, inst) in all() {
        let k = inst.region.counties.len();
        let margin = spec.senior_margin_min.max((k as f64 * spec.senior_margin_share).ceil() as usize);
        let province_and_city = inst.cadres.iter().filter(|c| c.senior && c.level.is_upper()).count();
        assert!(province_and_city >= k + margin, "{dir}: {province_and_city} seniors for {k} counties");
        let sizes = RosterSizes::of(import, &spec, china::SEED);
        let p = inst.cadres.iter().filter(|c| c.level == Level::Province).count();
        assert_eq!(p, sizes.province, "{dir}");
        assert!(p >= sizes.province_need, "{dir}");
        assert_eq!(
            inst.cadres.iter().filter(|c| c.level == Level::Province && c.senior).count(),
            sizes.province_seniors
        );
    }
}

#[test]
fn sizes_follow_the_townships() {
    let spec = ProvinceRosterSpec::default();
    for (dir, import, inst) in all() {
        let r = &inst.region;
        let sizes = RosterSizes::of(import, &spec, china::SEED);
        for (k, county) in r.counties.iter().enumerate() {
            let t = r.townships.iter().filter(|t| t.county == county.code).count();
            let n = inst.cadres.iter().filter(|c| c.home_county.as_deref() == Some(&county.code)).count();
            assert_eq!(n, sizes.county[k], "{dir} {}", county.name);
            if import.is_city_unit(&county.code) {
                assert_eq!(n, 0);
                continue;
            }
            let base = (spec.county_per_township * t as f64).round() as usize + 1;
            assert!(n >= 1 && n <= (2 * t).saturating_sub(2).max(1), "{dir} {}: {n} for {t} townships", county.name);
            assert!(n.abs_diff(base) <= 1 || n == (2 * t).saturating_sub(2).max(1), "{dir} {}", county.name);
        }
        let cadres = inst.cadres.len() as f64 / r.townships.len() as f64;
        assert!((0.5..0.75).contains(&cadres), "{dir}: {cadres:.2} cadres per township");
    }
}

#[test]
fn universities_and_enterprises_are_generic_and_at_the_provinces_own_city_seats() {
    let shandong_names: Vec<String> = sanlian_gen::RosterSpec::default()
        .universities
        .iter()
        .chain(&sanlian_gen::RosterSpec::default().enterprises)
        .map(|a| a.name.clone())
        .collect();
    for (dir, import, inst) in all() {
        let r = &inst.region;
        let hosts: Vec<(String, sanlian_model::Point)> = if import.cities.iter().any(|c| c.role.has_committee()) {
            r.cities
                .iter()
                .zip(&import.cities)
                .filter(|(_, p)| p.role.has_committee())
                .map(|(c, _)| (c.name.clone(), c.seat))
                .collect()
        } else {
            vec![(r.province.name.clone(), r.province.seat)]
        };
        let mut units = BTreeSet::new();
        for c in inst.cadres.iter().filter(|c| matches!(c.level, Level::University | Level::Enterprise)) {
            let kind = if c.level == Level::University { "属高校（" } else { "属国有企业（" };
            let (host, seat) = hosts
                .iter()
                .find(|(name, _)| c.unit.starts_with(&format!("{name}{kind}")))
                .unwrap_or_else(|| panic!("{dir}: {} is not named after a city of the province", c.unit));
            let d = haversine_km(c.base, *seat);
            assert!(d < 10.0, "{dir}: {} is {d:.1} km from {host}", c.unit);
            assert!(c.unit.ends_with("）团委"));
            assert!(!shandong_names.iter().any(|n| c.unit.contains(n.as_str())), "{dir}: {}", c.unit);
            units.insert(c.unit.clone());
        }
        let t = r.townships.len() as f64;
        let expected = (t / 120.0).round().max(1.0) + (t / 180.0).round().max(1.0);
        assert_eq!(units.len(), expected as usize, "{dir}: universities and enterprises");
        let capital = hosts
            .iter()
            .min_by(|a, b| haversine_km(a.1, r.province.seat).total_cmp(&haversine_km(b.1, r.province.seat)))
            .unwrap();
        assert!(
            units.iter().any(|u| u.starts_with(&format!("{}属高校（一）", capital.0))),
            "{dir}: the capital has one"
        );
    }
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let spec = ProvinceRosterSpec::default();
    for dir in ["beijing", "hainan", "xizang"] {
        let (_, import, inst) = all().iter().find(|(d, _, _)| *d == dir).unwrap();
        let a = fixtures::to_json(&generate_for(import, &spec, china::SEED));
        assert_eq!(a, fixtures::to_json(inst), "{dir}");
        let again = china::load(&root(), dir).unwrap();
        assert_eq!(a, fixtures::to_json(&generate_for(&again, &spec, china::SEED)), "{dir}: a fresh import");
        let b = fixtures::to_json(&generate_for(import, &spec, 2));
        assert_ne!(a, b, "{dir}");
        assert_eq!(necessary_problems(&generate_for(import, &spec, 2)), Vec::<String>::new(), "{dir} seed 2");
    }
}

#[test]
fn the_digest_table_is_current() {
    let mut lines = vec![china::DIGEST_HEADER.to_string()];
    for (dir, _, inst) in all() {
        lines.push(china::digest_line(dir, inst, &fixtures::to_json(inst)));
    }
    lines.push(String::new());
    let committed = std::fs::read_to_string(root().join(china::DIGESTS)).unwrap();
    assert!(
        committed == lines.join("\n"),
        "fixtures/{} differs from the generator's output; rerun `cargo run --release -p sanlian-gen --example write_china`",
        china::DIGESTS
    );
}

#[test]
fn fnv1a64_is_the_published_function() {
    assert_eq!(china::fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(china::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(china::fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
}
