use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sanlian_gen::{load_region, one_city, GenError};
use sanlian_model::CountyKind;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shandong/data")
}

/// A scratch copy of the fixture data, with `edit` applied to one file.
fn edited(tag: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sanlian-gen-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["province.csv", "cities.csv", "counties.csv", "divisions.csv"] {
        let text = std::fs::read_to_string(data_dir().join(f)).unwrap();
        std::fs::write(dir.join(f), if f == file { edit(text) } else { text }).unwrap();
    }
    dir
}

#[test]
fn shandong_has_136_counties_and_1807_townships() {
    let imp = load_region(&data_dir()).unwrap();
    let r = &imp.region;
    assert_eq!(r.province.name, "山东省");
    assert_eq!(r.cities.len(), 16);
    assert_eq!(r.counties.len(), 136);
    assert_eq!(r.townships.len(), 1807);
    let mut kinds = BTreeMap::new();
    for k in &r.counties {
        *kinds.entry(format!("{:?}", k.kind)).or_insert(0) += 1;
    }
    assert_eq!(kinds[&format!("{:?}", CountyKind::District)], 58);
    assert_eq!(kinds[&format!("{:?}", CountyKind::CountyCity)], 26);
    assert_eq!(kinds[&format!("{:?}", CountyKind::County)], 52);
    let mut tk = BTreeMap::new();
    for t in &r.townships {
        *tk.entry(t.kind.as_str()).or_insert(0) += 1;
        assert!(t.location.is_none());
    }
    assert_eq!(tk.values().sum::<usize>(), 1807);
    assert_eq!(tk["other"], 1807 - tk["街道"] - tk["镇"] - tk["乡"]);
    assert_eq!(imp.zones_left_out.len(), 15);
    assert_eq!(imp.zones_left_out.iter().map(|z| z.2).sum::<usize>(), 46);
    assert!(imp.zones_left_out.iter().all(|(code, _, _)| code.as_bytes()[4] == b'7'));
    assert_eq!(imp.zones_left_out[0], ("370176".to_string(), "济南高新技术产业开发区".to_string(), 5));
    let note = r.zones_note.as_deref().unwrap();
    assert!(note.contains("left out") && note.contains("46 township-level units"), "{note}");
    let lixia = r.counties.iter().find(|k| k.code == "370102").unwrap();
    assert_eq!((lixia.name.as_str(), lixia.city.as_str(), lixia.kind), ("历下区", "370100", CountyKind::District));
}

#[test]
fn one_city_keeps_its_counties_and_townships() {
    let r = load_region(&data_dir()).unwrap().region;
    let d = one_city(&r, "370500");
    assert_eq!(d.cities.len(), 1);
    assert_eq!(d.counties.len(), 5);
    assert_eq!(d.townships.len(), 50);
    assert_eq!(d.province, r.province);
    assert!(d.zones_note.unwrap().starts_with("One-city sub-region: 370500 东营市"));
}

fn error_of(dir: &Path) -> String {
    let e: GenError = load_region(dir).unwrap_err();
    e.to_string()
}

#[test]
fn missing_file_is_named() {
    let dir = edited("missing", "", |t| t);
    std::fs::remove_file(dir.join("cities.csv")).unwrap();
    let e = error_of(&dir);
    assert!(e.contains("cities.csv") && e.contains("not found"), "{e}");
}

#[test]
fn missing_column_is_named() {
    let dir = edited("column", "counties.csv", |t| t.replacen("official", "offizial", 1));
    let e = error_of(&dir);
    assert!(e.contains("counties.csv:1") && e.contains("`official`"), "{e}");
}

#[test]
fn bad_number_names_file_and_line() {
    let dir = edited("number", "counties.csv", |t| t.replacen("36.666034", "36.66x", 1));
    let e = error_of(&dir);
    assert!(e.contains("counties.csv:2:") && e.contains("county_lat") && e.contains("not a number"), "{e}");
}

#[test]
fn unknown_city_code_names_file_and_line() {
    let dir = edited("city", "cities.csv", |t| {
        t.lines().filter(|l| !l.starts_with("370500")).map(|l| format!("{l}\n")).collect()
    });
    let e = error_of(&dir);
    assert!(e.contains("counties.csv:") && e.contains("unknown city code 370500"), "{e}");
}

#[test]
fn unknown_county_code_in_divisions() {
    let dir = edited("county", "divisions.csv", |t| t.replacen("370100,济南市,370102,", "370100,济南市,370199,", 1));
    let e = error_of(&dir);
    assert!(e.contains("divisions.csv:2:") && e.contains("unknown county code 370199"), "{e}");
}

#[test]
fn township_count_mismatch_is_reported() {
    let dir = edited("count", "divisions.csv", |t| {
        t.lines().filter(|l| !l.contains("370102001")).map(|l| format!("{l}\n")).collect()
    });
    let e = error_of(&dir);
    assert!(e.contains("counties.csv:2:") && e.contains("declares 13 townships but divisions.csv has 12"), "{e}");
}
