//! `sanlian roster` (import, export, template) and `sanlian solve --xlsx --ics` end to end.

mod common;

use std::fs;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use common::*;
use serde_json::Value;

fn sheet_names(path: &Path) -> Vec<String> {
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(fs::read(path).unwrap())).expect("calamine opens it");
    wb.sheet_names()
}

fn rows(path: &Path, sheet: &str) -> usize {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(fs::read(path).unwrap())).unwrap();
    wb.worksheet_range(sheet).unwrap().rows().count()
}

#[test]
fn export_then_import_gives_back_the_instance_and_solve_accepts_it() {
    let dir = tmp();
    for ext in ["xlsx", "csv"] {
        let sheet = dir.path().join(format!("roster.{ext}"));
        let o = sanlian(&["roster", "export", s(&fixture("small")), "-o", s(&sheet)]);
        assert_exit(&o, 0);
        assert!(stderr(&o).contains("40 cadres written"), "{}", stderr(&o));
        let new = dir.path().join(format!("new-{ext}.json"));
        let o = sanlian(&["roster", "import", s(&sheet), "--region", s(&fixture("small")), "-o", s(&new)]);
        assert_exit(&o, 0);
        assert!(stderr(&o).contains("40 cadres read"), "{}", stderr(&o));
        let written: Value = serde_json::from_str(&fs::read_to_string(&new).unwrap()).unwrap();
        assert_eq!(written, small_json(), "{ext}: the imported instance is the exported one");
    }
    let o = sanlian(&["solve", s(&dir.path().join("new-xlsx.json")), "--quiet"]);
    assert_exit(&o, 0);
}

/// LibreOffice's .ods (fixtures/small/roster.ods) imports as the instance it was made from.
#[test]
fn an_ods_roster_imports() {
    let dir = tmp();
    let ods = fixture("small").parent().unwrap().join("roster.ods");
    let new = dir.path().join("new-ods.json");
    let o = sanlian(&["roster", "import", s(&ods), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("40 cadres read"), "{}", stderr(&o));
    let written: Value = serde_json::from_str(&fs::read_to_string(&new).unwrap()).unwrap();
    assert_eq!(written, small_json(), "the imported instance is the one the .ods was made from");
}

#[test]
fn a_hand_made_csv_imports_with_warnings_and_solves() {
    let dir = tmp();
    let mut text = String::from(
        "\u{feff}序号,编号,姓名,级别,单位,所在市,所在县区,副处级以上,不可下沉月份,驻地纬度,驻地经度,备注\n",
    );
    let v = small_json();
    for (i, c) in v["cadres"].as_array().unwrap().iter().enumerate() {
        let county = c["home_county"].as_str().map_or(String::new(), |k| {
            v["region"]["counties"].as_array().unwrap().iter().find(|x| x["code"] == k).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        });
        let level = match c["level"].as_str().unwrap() {
            "province" => "省级",
            "city" => "市级",
            "county" => "县级",
            other => other,
        };
        let city = if c["home_city"].is_string() { "东营市" } else { "" };
        let senior = if c["senior"].as_bool().unwrap() { "是" } else { "" };
        let months = if i == 0 { "2027年5月" } else { "" };
        let (lat, lon) = match level {
            "university" | "enterprise" => (c["base"]["lat"].to_string(), c["base"]["lon"].to_string()),
            _ => (String::new(), String::new()),
        };
        text.push_str(&format!(
            "{},{},{},{level},{},{city},{county},{senior},{months},{lat},{lon},\n",
            i + 1,
            c["id"].as_str().unwrap(),
            c["name"].as_str().unwrap(),
            c["unit"].as_str().unwrap()
        ));
    }
    let sheet = dir.path().join("手工名册.csv");
    fs::write(&sheet, text).unwrap();
    let new = dir.path().join("new.json");
    let o = sanlian(&["roster", "import", s(&sheet), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(err.contains("warning: 手工名册.csv, row 1, column 序号 (A): not a roster column; ignored"), "{err}");
    assert!(!err.contains("column 备注"), "备注 is a roster column: {err}");
    let written: Value = serde_json::from_str(&fs::read_to_string(&new).unwrap()).unwrap();
    assert_eq!(written["cadres"][0]["unavailable_months"], serde_json::json!(["2027-05"]));
    let o = sanlian(&["solve", s(&new), "--quiet"]);
    assert_exit(&o, 0);
}

#[test]
fn a_malformed_sheet_exits_2_naming_sheet_row_and_column_and_writes_nothing() {
    let dir = tmp();
    let mut v = small_json();
    v["cadres"][3]["home_county"] = "379999".into();
    let bad = write_json(&dir, "bad.json", &v);
    let sheet = dir.path().join("roster.xlsx");
    assert_exit(&sanlian(&["roster", "export", s(&bad), "-o", s(&sheet)]), 0);
    let new = dir.path().join("new.json");
    let o = sanlian(&["roster", "import", s(&sheet), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("roster.xlsx, sheet 名册, row 5, column 所在县区 (H): unknown county code 379999"), "{err}");
    assert!(!new.exists(), "nothing is written");

    let csv = dir.path().join("bad.csv");
    fs::write(&csv, "编号,姓名,级别,单位\nP1,甲,乡级,团省委\n").unwrap();
    let o = sanlian(&["roster", "import", s(&csv), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("bad.csv, row 2, column 级别 (C): 乡级 is not a level"), "{}", stderr(&o));
    assert!(!new.exists());

    let text = dir.path().join("notes.txt");
    // "你好" in GBK: read as GBK (what Excel on Chinese Windows saves), and refused for what it is.
    fs::write(&text, [0xC4u8, 0xE3, 0xBA, 0xC3]).unwrap();
    let o = sanlian(&["roster", "import", s(&text), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("notes.txt, row 1: no header row"), "{}", stderr(&o));
    let binary = dir.path().join("photo.png");
    fs::write(&binary, [0x89u8, b'P', b'N', b'G', 0, 0, 0]).unwrap();
    let o = sanlian(&["roster", "import", s(&binary), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("photo.png: not a spreadsheet"), "{}", stderr(&o));
    assert!(!new.exists());
}

#[test]
fn an_import_that_breaks_the_instance_rules_exits_2_naming_the_cadre() {
    let dir = tmp();
    let csv = dir.path().join("late.csv");
    fs::write(&csv, "编号,姓名,级别,单位,不可下沉月份\nP1,甲,省级,团省委,2030-05\n").unwrap();
    let new = dir.path().join("new.json");
    let o = sanlian(&["roster", "import", s(&csv), "--region", s(&fixture("small")), "-o", s(&new)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("cadres[0].unavailable_months[0] (编号 P1, 姓名 甲): 2030-05 is outside the plan years"),
        "{err}"
    );
    assert!(!new.exists());
}

#[test]
fn export_and_template_write_workbooks_calamine_opens() {
    let dir = tmp();
    let book = dir.path().join("名册.xlsx");
    assert_exit(&sanlian(&["roster", "export", s(&fixture("small")), "-o", s(&book)]), 0);
    assert_eq!(sheet_names(&book), ["名册", "说明", "县区"]);
    assert_eq!(rows(&book, "名册"), 41);
    let csv = dir.path().join("名册.csv");
    assert_exit(&sanlian(&["roster", "export", s(&fixture("small")), "-o", s(&csv)]), 0);
    let text = fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}编号,姓名,级别,单位,"), "{text}");
    assert_eq!(text.lines().count(), 41);

    let template = dir.path().join("template.xlsx");
    let o = sanlian(&["roster", "template", "--region", s(&fixture("small")), "-o", s(&template)]);
    assert_exit(&o, 0);
    assert_eq!(sheet_names(&template), ["名册", "说明", "县区"]);
    assert_eq!((rows(&template, "名册"), rows(&template, "县区")), (1, 6));

    let o = sanlian(&["roster", "export", s(&fixture("small")), "-o", s(&dir.path().join("roster.ods"))]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains(".xlsx or .csv"), "{}", stderr(&o));
}

#[test]
fn solve_writes_the_plan_workbook_and_calendar() {
    let dir = tmp();
    let (book, cal) = (dir.path().join("plan.xlsx"), dir.path().join("plan.ics"));
    let o = sanlian(&["solve", s(&fixture("small")), "--quiet", "--xlsx", s(&book), "--ics", s(&cal)]);
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("workbook written to") && stderr(&o).contains("calendar written to"), "{}", stderr(&o));
    let names = sheet_names(&book);
    assert_eq!(names.first().map(String::as_str), Some("汇总"));
    assert_eq!(names.len(), 3 + 5);
    assert_eq!(rows(&book, "汇总"), 2 + 40 + 2, "title and header, 40 cadres, a blank row and the seal line");
    let ics = fs::read_to_string(&cal).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert!(ics.contains("BEGIN:VEVENT"));

    let infeasible = dir.path().join("x.xlsx");
    let o = sanlian(&["solve", s(&fixture("infeasible")), "--quiet", "--xlsx", s(&infeasible)]);
    assert_exit(&o, 1);
    assert!(!infeasible.exists(), "nothing is written without a plan");
}
