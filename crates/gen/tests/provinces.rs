//! Region import for every province (`fixtures/china/`): each irregularity of the national
//! data handled by its documented rule, checked on the import and on the fixture instance,
//! and bad input refused with the file and the row.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sanlian_gen::province::{county_kind, CityRole, LeftOutReason};
use sanlian_gen::{china, load_province, load_region, GenError, ImportOptions, ProvinceImport};
use sanlian_model::{CountyKind, Instance, Level, Prepared};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every province imported once, with its fixture instance.
fn all() -> &'static BTreeMap<&'static str, (ProvinceImport, Instance)> {
    static ALL: OnceLock<BTreeMap<&'static str, (ProvinceImport, Instance)>> = OnceLock::new();
    ALL.get_or_init(|| {
        china::PROVINCES
            .iter()
            .map(|&(dir, _)| {
                let import = china::load(&root(), dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
                let inst = china::instance(&import);
                (dir, (import, inst))
            })
            .collect()
    })
}

fn import(dir: &str) -> &'static ProvinceImport {
    &all()[dir].0
}

fn instance(dir: &str) -> &'static Instance {
    &all()[dir].1
}

/// The rows of a CSV file of province `dir` (no field of these files is quoted).
fn csv(dir: &str, file: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(china::data_dir(&root(), dir).join(file)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines.map(|l| header.iter().map(|h| h.to_string()).zip(l.split(',').map(str::to_string)).collect()).collect()
}

/// (cities, official counties, …) of `summary.csv`, by folder.
fn summary() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root().join("china/summary.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let row: BTreeMap<String, String> =
                header.iter().map(|h| h.to_string()).zip(l.split(',').map(str::to_string)).collect();
            (row["dir"].clone(), row)
        })
        .collect()
}

#[test]
fn every_province_imports_and_its_instance_validates() {
    let summary = summary();
    assert_eq!(summary.len(), china::PROVINCES.len());
    for &(dir, name) in &china::PROVINCES {
        let (imp, inst) = &all()[dir];
        let r = &imp.region;
        assert_eq!(r.province.name, name);
        assert_eq!(summary[dir]["province_name"], name);
        let official: usize = summary[dir]["counties"].parse().unwrap();
        let no_townships = imp.left_out.iter().filter(|l| l.reason == LeftOutReason::NoTownships).count();
        let city_units = r.counties.iter().filter(|k| imp.is_city_unit(&k.code)).count();
        assert_eq!(r.counties.len(), official - no_townships + city_units, "{dir}: planning units");
        let units: BTreeSet<&str> = r.counties.iter().map(|k| k.code.as_str()).collect();
        let left: BTreeSet<&str> = imp.left_out.iter().map(|l| l.code.as_str()).collect();
        let codes: BTreeSet<String> =
            csv(dir, "counties.csv").into_iter().map(|row| row["county_code"].clone()).collect();
        assert_eq!(units.len() + left.len(), codes.len(), "{dir}: every county-level code is planned or listed");
        assert!(units.is_disjoint(&left));
        let rows = csv(dir, "divisions.csv");
        let kept = rows.iter().filter(|row| units.contains(row["county_code"].as_str())).count();
        assert_eq!(r.townships.len(), kept - imp.placeholder_rows.len(), "{dir}: townships");
        assert!(r.townships.iter().all(|t| !t.name.ends_with("直辖村级区划") && !t.code.ends_with("000")));
        assert_eq!(imp.cities.len(), r.cities.len());
        assert!(r.cities.iter().all(|c| r.counties.iter().any(|k| k.city == c.code)), "{dir}: a city without a unit");
        inst.validate().unwrap_or_else(|e| panic!("{dir}: {e}"));
        Prepared::new(inst).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert_eq!(inst.region.counties, r.counties);
        assert!(r.zones_note.as_deref().is_some_and(|n| !n.is_empty()));
    }
}

#[test]
fn shandong_imports_as_the_shandong_fixture_does() {
    let old = load_region(&root().join("shandong/data")).unwrap();
    let new = import("shandong");
    assert_eq!(new.region.province, old.region.province);
    assert_eq!(new.region.cities, old.region.cities);
    assert_eq!(new.region.counties, old.region.counties);
    assert_eq!(new.region.townships, old.region.townships);
    let zones: Vec<(String, String, usize)> = new
        .left_out
        .iter()
        .inspect(|l| assert_eq!(l.reason, LeftOutReason::Zone))
        .map(|l| (l.code.clone(), l.name.clone(), l.rows))
        .collect();
    assert_eq!(zones, old.zones_left_out);
    assert!(new.cities.iter().all(|c| c.role == CityRole::Prefecture));
    assert!(!new.municipality && new.placeholder_rows.is_empty() && new.stand_in_seats.is_empty());
}

#[test]
fn a_municipality_has_no_city_level_and_its_districts_are_counties() {
    for (dir, placeholders) in [
        ("beijing", vec!["110100"]),
        ("tianjin", vec!["120100"]),
        ("shanghai", vec!["310100"]),
        ("chongqing", vec!["500100", "500200"]),
    ] {
        let imp = import(dir);
        let inst = instance(dir);
        let r = &imp.region;
        assert!(imp.municipality, "{dir}");
        let codes: Vec<&str> = imp.cities.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, placeholders, "{dir}: only the NBS placeholders stand as cities");
        assert!(imp.cities.iter().all(|c| c.role == CityRole::Municipal && !c.role.has_committee()));
        for (city, planned) in r.cities.iter().zip(&imp.cities) {
            assert_eq!(city.name, r.province.name, "{dir}: named after the municipality, not {}", planned.source_name);
            assert_eq!(city.seat, r.province.seat, "{dir}: the municipal government's point");
        }
        assert!(!inst.cadres.iter().any(|c| c.level == Level::City), "{dir}: no city-level cadre");
        let unit = format!("团{}委", r.province.name);
        assert!(inst.cadres.iter().filter(|c| c.level == Level::Province).all(|c| c.unit == unit), "{dir}");
        let mut with_committee = BTreeSet::new();
        for c in inst.cadres.iter().filter(|c| c.level == Level::County) {
            with_committee.insert(c.home_county.clone().unwrap());
            assert!(c.unit.ends_with("区委") || c.unit.ends_with("县委"), "{dir}: {}", c.unit);
        }
        assert_eq!(with_committee.len(), r.counties.len(), "{dir}: every district and county has its 团区委/团县委");
        assert!(r.counties.iter().all(|k| matches!(k.kind, CountyKind::District | CountyKind::County)));
        let p = Prepared::new(inst).unwrap();
        for k in 0..p.n_counties() {
            let upper: BTreeSet<Level> = (0..p.n_cadres())
                .filter(|&c| p.is_eligible(c, k) && inst.cadres[c].level.is_upper())
                .map(|c| inst.cadres[c].level)
                .collect();
            assert_eq!(upper, BTreeSet::from([Level::Province]), "{dir}: H4 only from the municipal committee");
        }
    }
    let chongqing = import("chongqing");
    let names: Vec<&str> = chongqing.region.cities.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["重庆市", "重庆市"]);
    let source: Vec<&str> = chongqing.cities.iter().map(|c| c.source_name.as_str()).collect();
    assert_eq!(source, ["市辖区", "县"]);
    assert_eq!(chongqing.region.counties.len(), 38);
}

#[test]
fn counties_directly_under_the_province_have_no_city_committee() {
    for (dir, code, n) in [("hubei", "429000", 4), ("hainan", "469000", 15), ("xinjiang", "659000", 12)] {
        let imp = import(dir);
        let inst = instance(dir);
        assert_eq!(imp.role(code), Some(CityRole::DirectlyUnderProvince), "{dir}");
        let city = imp.region.cities.iter().find(|c| c.code == code).unwrap();
        assert_eq!(city.name, imp.region.province.name, "{dir}: named after the province that runs them");
        assert!(imp.cities.iter().any(|c| c.code == code && c.source_name.ends_with("直辖县级行政区划")));
        assert!(!inst.cadres.iter().any(|c| c.home_city.as_deref() == Some(code)), "{dir}: no 团市委 there");
        let p = Prepared::new(inst).unwrap();
        let ks: Vec<usize> = (0..p.n_counties()).filter(|&k| inst.region.counties[k].city == code).collect();
        assert_eq!(ks.len(), n, "{dir}");
        for &k in &ks {
            let county = &inst.region.counties[k];
            let from_outside: BTreeSet<Level> = (0..p.n_cadres())
                .filter(|&c| p.is_eligible(c, k) && inst.cadres[c].home_county.as_deref() != Some(&county.code))
                .map(|c| inst.cadres[c].level)
                .collect();
            assert!(!from_outside.contains(&Level::City), "{dir} {}: a city cadre may serve there", county.name);
            assert!(from_outside.contains(&Level::Province));
            assert!(
                from_outside.iter().all(|l| matches!(l, Level::Province | Level::University | Level::Enterprise)),
                "{dir} {}: {from_outside:?}",
                county.name
            );
            assert!((0..p.n_cadres()).any(|c| inst.cadres[c].home_county.as_deref() == Some(&county.code)));
        }
    }
    let hubei = import("hubei");
    let direct: Vec<(&str, CountyKind)> =
        hubei.region.counties.iter().filter(|k| k.city == "429000").map(|k| (k.name.as_str(), k.kind)).collect();
    assert_eq!(
        direct,
        [
            ("仙桃市", CountyKind::CountyCity),
            ("潜江市", CountyKind::CountyCity),
            ("天门市", CountyKind::CountyCity),
            ("神农架林区", CountyKind::County)
        ]
    );
}

#[test]
fn a_city_without_counties_is_one_planning_unit() {
    for (dir, city, unit, name) in [
        ("guangdong", "441900", "441900", "东莞市"),
        ("guangdong", "442000", "442000", "中山市"),
        ("hainan", "460400", "460400", "儋州市"),
        ("gansu", "620200", "620201", "嘉峪关市"),
    ] {
        let imp = import(dir);
        let inst = instance(dir);
        assert_eq!(imp.role(city), Some(CityRole::WithoutCounties), "{name}");
        let units: Vec<_> = imp.region.counties.iter().filter(|k| k.city == city).collect();
        assert_eq!(units.len(), 1, "{name}: one planning unit");
        let (k, c) = (units[0], imp.region.cities.iter().find(|c| c.code == city).unwrap());
        assert_eq!((k.code.as_str(), k.name.as_str(), k.kind), (unit, name, CountyKind::CountyCity));
        assert_eq!((c.name.as_str(), k.seat), (name, c.seat), "{name}: at the city's seat");
        assert!(imp.is_city_unit(unit));
        let rows = csv(dir, "divisions.csv").into_iter().filter(|r| r["county_code"] == unit).count();
        let townships = imp.region.townships.iter().filter(|t| t.county == unit).count();
        assert_eq!(townships, rows, "{name}: its townships are its streets and towns");
        assert!(!inst.cadres.iter().any(|c| c.home_county.as_deref() == Some(unit)), "{name}: no 团县委");
        let committee: Vec<_> = inst.cadres.iter().filter(|c| c.home_city.as_deref() == Some(city)).collect();
        assert!(committee.iter().all(|c| c.unit == format!("团{name}委") && c.level == Level::City));
        assert!(2 * committee.len() >= townships, "{name}: its committee can cover it");
        let p = Prepared::new(inst).unwrap();
        let k = p.county_index[unit];
        for (i, cadre) in inst.cadres.iter().enumerate() {
            if cadre.home_city.as_deref() == Some(city) {
                assert_eq!(p.eligible[i], [k], "{name}: {} serves its own city", cadre.id);
            }
        }
    }
}

#[test]
fn development_zones_and_statistical_units_are_left_out_and_listed() {
    let hebei = import("hebei");
    let zones: Vec<_> = hebei.left_out.iter().filter(|l| l.reason == LeftOutReason::Zone).collect();
    assert_eq!(zones.len(), 23);
    assert!(zones.iter().all(|z| z.code.as_bytes()[4] == b'7'));
    let note = hebei.region.zones_note.as_deref().unwrap();
    for z in &zones {
        assert!(!hebei.region.counties.iter().any(|k| k.code == z.code));
        assert!(!hebei.region.townships.iter().any(|t| t.county == z.code || t.code.starts_with(&z.code)));
        assert!(note.contains(&format!("{} {} ({})", z.code, z.name, z.rows)), "{note}");
    }
    assert!(zones.iter().any(|z| z.code == "130171" && z.name == "石家庄高新技术产业开发区"));
    assert!(instance("hebei").cadres.iter().all(|c| c.home_county.as_deref().is_none_or(|k| k.as_bytes()[4] != b'7')));

    let hlj = import("heilongjiang");
    let stat: Vec<&str> =
        hlj.left_out.iter().filter(|l| l.reason == LeftOutReason::Statistical).map(|l| l.code.as_str()).collect();
    assert_eq!(stat, ["232761", "232762", "232763", "232764"], "大兴安岭's management districts");
    let hainan = import("hainan");
    let stat: Vec<&str> =
        hainan.left_out.iter().filter(|l| l.reason == LeftOutReason::Statistical).map(|l| l.code.as_str()).collect();
    assert_eq!(stat, ["460321", "460322", "460323"], "三沙's island units");
    let total: usize =
        all().values().map(|(i, _)| i.left_out.iter().filter(|l| l.reason == LeftOutReason::Zone).count()).sum();
    assert_eq!(total, 91, "the README's 91 zones");
}

#[test]
fn units_without_real_townships_are_left_out_and_listed() {
    let fujian = import("fujian");
    let none: Vec<(&str, &str)> = fujian
        .left_out
        .iter()
        .filter(|l| l.reason == LeftOutReason::NoTownships)
        .map(|l| (l.code.as_str(), l.name.as_str()))
        .collect();
    assert_eq!(none, [("350527", "金门县")]);
    assert!(fujian.region.zones_note.as_deref().unwrap().contains("350527 金门县 (1)"));
    assert!(!instance("fujian").cadres.iter().any(|c| c.home_county.as_deref() == Some("350527")));

    let hainan = import("hainan");
    let none: Vec<&str> =
        hainan.left_out.iter().filter(|l| l.reason == LeftOutReason::NoTownships).map(|l| l.code.as_str()).collect();
    assert_eq!(none, ["460202", "460203", "460204", "460205"], "三亚's four districts");
    let cities: Vec<&str> = hainan.cities_left_out.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(cities, ["460200", "460300"], "三亚 and 三沙 have no planning unit left");
    let dropped: Vec<&str> = hainan.placeholder_rows.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(dropped, ["469001198", "469029198"]);
    assert!(
        hainan.region.townships.iter().filter(|t| t.county == "469001").count() > 0,
        "五指山市 keeps its townships"
    );

    let zhejiang = import("zhejiang");
    assert!(zhejiang.left_out.iter().any(|l| l.code == "330383" && l.reason == LeftOutReason::NoTownships));
    let dropped: usize = all().values().map(|(i, _)| i.placeholder_rows.len()).sum();
    let left: usize =
        all().values().map(|(i, _)| i.left_out.iter().filter(|l| l.reason == LeftOutReason::NoTownships).count()).sum();
    assert_eq!((left, dropped), (6, 6), "金门县 and the five counties with only 直辖村级区划; six more such rows");
}

#[test]
fn xizang_counties_without_coordinates_stand_at_their_city_seat_only_when_asked() {
    let dir = china::data_dir(&root(), "xizang");
    let e = load_province(&dir, &ImportOptions::default()).unwrap_err();
    assert!(matches!(&e, GenError::CountyWithoutSeat { line: 49, code, .. } if code == "540481"), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("counties.csv:49:") && text.contains("540481 米林市") && text.contains("without coordinates")
    );

    let imp = import("xizang");
    let stand_ins: Vec<(&str, &str)> = imp.stand_in_seats.iter().map(|(c, n)| (c.as_str(), n.as_str())).collect();
    assert_eq!(stand_ins, [("540481", "米林市"), ("540581", "错那市")]);
    for (county, city) in [("540481", "540400"), ("540581", "540500")] {
        let k = imp.region.counties.iter().find(|k| k.code == county).unwrap();
        let c = imp.region.cities.iter().find(|c| c.code == city).unwrap();
        assert_eq!(k.seat, c.seat, "{county} stands at the seat of {}", c.name);
        assert!(imp.region.townships.iter().any(|t| t.county == county), "{county} is planned");
    }
    let note = imp.region.zones_note.as_deref().unwrap();
    assert!(
        note.contains("540481 米林市 at the seat of 林芝市") && note.contains("540581 错那市 at the seat of 山南市")
    );
    let others: usize = all().iter().filter(|(d, _)| **d != "xizang").map(|(_, (i, _))| i.stand_in_seats.len()).sum();
    assert_eq!(others, 0, "no other province lacks a seat");
}

#[test]
fn county_kinds_include_banners_and_special_districts() {
    assert_eq!(county_kind("鄂伦春自治旗"), Some(CountyKind::County));
    assert_eq!(county_kind("神农架林区"), Some(CountyKind::County));
    assert_eq!(county_kind("六枝特区"), Some(CountyKind::County));
    assert_eq!(county_kind("历下区"), Some(CountyKind::District));
    assert_eq!(county_kind("仙桃市"), Some(CountyKind::CountyCity));
    assert_eq!(county_kind("某某办事处"), None);
    let banners = import("neimenggu").region.counties.iter().filter(|k| k.name.ends_with('旗')).count();
    assert!(banners > 40, "{banners} banners");
}

/// A scratch copy of Beijing's four CSV files, with `edit` applied to one of them.
fn edited(tag: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sanlian-gen-prov-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["province.csv", "cities.csv", "counties.csv", "divisions.csv"] {
        let text = std::fs::read_to_string(china::data_dir(&root(), "beijing").join(f)).unwrap();
        std::fs::write(dir.join(f), if f == file { edit(text) } else { text }).unwrap();
    }
    dir
}

fn error_of(dir: &Path) -> GenError {
    load_province(dir, &china::OPTIONS).unwrap_err()
}

#[test]
fn a_missing_file_is_named() {
    let dir = edited("missing", "", |t| t);
    std::fs::remove_file(dir.join("divisions.csv")).unwrap();
    let e = error_of(&dir);
    assert!(matches!(&e, GenError::MissingFile { file } if file.ends_with("divisions.csv")), "{e:?}");
    assert!(e.to_string().ends_with("divisions.csv: file not found"), "{e}");
}

#[test]
fn a_county_without_coordinates_names_file_and_row() {
    let dir = edited("seat", "counties.csv", |t| t.replacen("39.910867,116.359671", ",", 1));
    let e = load_province(&dir, &ImportOptions::default()).unwrap_err();
    assert!(matches!(&e, GenError::CountyWithoutSeat { line: 3, .. }), "{e:?}");
    assert!(e.to_string().contains("counties.csv:3: 110102 西城区 is an official county without coordinates"), "{e}");
    let half = edited("half", "counties.csv", |t| t.replacen("39.910867,116.359671", ",116.359671", 1));
    let e = error_of(&half).to_string();
    assert!(e.contains("counties.csv:3:") && e.contains("county_lat is empty"), "{e}");
}

#[test]
fn a_city_code_that_is_not_a_prefix_names_file_and_row() {
    let dir = edited("prefix", "counties.csv", |t| t.replacen("110100,市辖区,110105,", "110100,市辖区,111105,", 1));
    let e = error_of(&dir);
    assert!(
        matches!(&e, GenError::NotUnderCity { line: 4, county, city, .. } if county == "111105" && city == "110100")
    );
    assert!(e.to_string().contains("counties.csv:4: county 111105 is filed under city 110100"), "{e}");
}

#[test]
fn a_township_under_an_unknown_county_names_file_and_row() {
    let dir = edited("county", "divisions.csv", |t| t.replacen("110100,市辖区,110101,", "110100,市辖区,110199,", 1));
    let e = error_of(&dir);
    assert!(matches!(&e, GenError::UnknownCounty { line: 2, county, .. } if county == "110199"), "{e:?}");
    assert!(
        e.to_string()
            .contains("divisions.csv:2: township 110101001 is under county 110199, which is not in counties.csv"),
        "{e}"
    );
}

#[test]
fn a_city_outside_the_province_names_file_and_row() {
    let dir = edited("city", "cities.csv", |t| t.replacen("110100,", "120100,", 1));
    let e = error_of(&dir).to_string();
    assert!(e.contains("cities.csv:2: city code 120100 is not under province 110000"), "{e}");
}

#[test]
fn fixture_data_is_a_verbatim_copy() {
    let shared = root().join("../../shared/data/china");
    if !shared.is_dir() {
        return;
    }
    for f in ["summary.csv", "seats.csv"] {
        assert!(std::fs::read(shared.join(f)).unwrap() == std::fs::read(root().join("china").join(f)).unwrap(), "{f}");
    }
    assert!(
        std::fs::read(shared.join("README.md")).unwrap() == std::fs::read(root().join("china/SOURCES.md")).unwrap()
    );
    for &(dir, _) in &china::PROVINCES {
        for f in ["province.csv", "cities.csv", "counties.csv", "divisions.csv", "counties.geojson"] {
            let ours = china::data_dir(&root(), dir).join(f);
            if !ours.is_file() {
                assert_eq!(f, "counties.geojson", "{dir}: {f} is missing");
                continue;
            }
            let a = std::fs::read(shared.join(dir).join(f)).unwrap();
            assert!(a == std::fs::read(&ours).unwrap(), "{dir}/{f} differs from shared/data/china");
        }
    }
}
