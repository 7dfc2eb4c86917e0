//! `sanlian national`: real provinces from their division folders, each strict, proven optimal
//! and checked, with a table and a chart; bad folders exit 2 with nothing written.

mod common;

use common::*;

/// A folder holding copies of the named fixture provinces' division folders.
fn provinces(dir: &tempfile::TempDir, names: &[&str]) -> std::path::PathBuf {
    let data = dir.path().join("data");
    for name in names {
        let to = data.join(name);
        std::fs::create_dir_all(&to).unwrap();
        for file in ["province.csv", "cities.csv", "counties.csv", "divisions.csv"] {
            std::fs::copy(root().join("fixtures/china").join(name).join("data").join(file), to.join(file)).unwrap();
        }
    }
    data
}

#[test]
fn two_real_provinces_are_planned_strict_with_a_table_and_a_chart() {
    let dir = tmp();
    // A municipality (no city committees) and an ordinary province.
    let data = provinces(&dir, &["beijing", "ningxia"]);
    let out = dir.path().join("out");
    let o = sanlian(&["national", "--data", s(&data), "--out", s(&out)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("2 provinces"), "{}", stdout(&o));
    let csv = std::fs::read_to_string(out.join("national.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    for r in &rows {
        assert_eq!(r[7], "1.0000", "every township covered: {csv}");
        assert_eq!((r[8], r[9]), ("true", "true"), "proven optimal and checked: {csv}");
        assert!(r[5].parse::<f64>().unwrap() > 0.0);
    }
    assert_eq!(rows[0][1], "北京市");
    let svg = std::fs::read_to_string(out.join("national.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("北京市") && svg.contains("宁夏回族自治区"), "{svg}");
}

#[test]
fn a_bad_region_folder_exits_2_naming_the_file_and_writes_nothing() {
    let dir = tmp();
    let data = provinces(&dir, &["beijing"]);
    std::fs::remove_file(data.join("beijing/divisions.csv")).unwrap();
    let out = dir.path().join("out");
    let o = sanlian(&["national", "--data", s(&data), "--out", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("divisions.csv"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
    // 西藏's two official counties without coordinates: named with their row, and what to do.
    let tibet_dir = tmp();
    let tibet = provinces(&tibet_dir, &["xizang"]);
    let o = sanlian(&["national", "--data", s(&tibet), "--out", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("counties.csv:") && stderr(&o).contains("540481"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--stand-in-seats"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
    assert_exit(&sanlian(&["national", "--data", s(&tibet), "--out", s(&out), "--stand-in-seats"]), 0);
    std::fs::remove_dir_all(&out).unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = sanlian(&["national", "--data", s(&empty), "--out", s(&out)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("no province folder"), "{}", stderr(&o));
    assert!(!out.exists());
}

/// Runs `sanlian unit` with `input` on standard input.
fn unit(input: &[u8], extra: &[&str]) -> std::process::Output {
    sanlian_stdin(&[&["unit"], extra].concat(), input)
}

#[test]
fn a_work_unit_in_gives_its_result_out_and_bad_units_exit_2() {
    let dir = tmp();
    let data = provinces(&dir, &["ningxia"]);
    let out = dir.path().join("out");
    assert_exit(&sanlian(&["national", "--data", s(&data), "--out", s(&out), "--units", "--seed", "3"]), 0);
    let text = std::fs::read(out.join("units/ningxia.json")).unwrap();
    let o = unit(&text, &["--with-plan"]);
    assert_exit(&o, 0);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["id"], "ningxia/seed-3");
    assert_eq!(
        (r["outcome"].as_str(), r["valid"].as_bool(), r["proven_optimal"].as_bool()),
        (Some("planned"), Some(true), Some(true))
    );
    assert_eq!(r["coverage"]["total"], r["townships"]);
    // The plan it carries is valid for the unit's instance, by the checker run again.
    let unit_doc: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let inst = write_json(&dir, "inst.json", &unit_doc["instance"]);
    let plan = write_json(&dir, "plan.json", &r["plan"]);
    assert_exit(&sanlian(&["check", s(&inst), s(&plan)]), 0);
    // The same unit twice gives the same figures.
    let again: serde_json::Value = serde_json::from_str(&stdout(&unit(&text, &[]))).unwrap();
    assert_eq!(again["stages"].as_array().unwrap().len(), r["stages"].as_array().unwrap().len());
    for (a, b) in again["stages"].as_array().unwrap().iter().zip(r["stages"].as_array().unwrap()) {
        assert_eq!(a["objective"], b["objective"]);
    }
    for (bad, says) in [
        (&b"{\"unit\": \"solve\""[..], "not a work unit"),
        (&b"{\"unit\": \"explode\", \"id\": \"x\", \"instance\": {}}"[..], "the kinds are \"solve\" and \"replan\""),
        (&b"{\"unit\": \"replan\", \"id\": \"x\", \"instance\": {}}"[..], "instance"),
        (&b"{\"unit\": \"solve\", \"id\": \"x\", \"instance\": {\"first_year\": 2027}}"[..], "instance"),
        (&b"{\"unit\": \"solve\", \"id\": \"x\", \"instance\": {}, \"time_limit\": -1}"[..], "time_limit"),
    ] {
        let o = unit(bad, &[]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}
