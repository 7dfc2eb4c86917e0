//! `sanlian diff` end to end: a plan against its re-plan (text in both languages, JSON, the
//! workbook), a plan against itself, and bad input (exit 2, the file named).

mod common;

use calamine::{Reader, Xlsx};
use common::*;
use serde_json::Value;

/// The small fixture's plan and its re-plan after K370505-1 leaves on 2027-07-01.
fn replanned(dir: &TempDir) -> (PathBuf, PathBuf, PathBuf) {
    let plan = solve_small(dir);
    let ev = dir.path().join("events.json");
    std::fs::write(&ev, r#"{"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "K370505-1"}]}"#).unwrap();
    let new = dir.path().join("new.json");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&new)]);
    assert_exit(&o, 0);
    (dir.path().join("new.instance.json"), plan, new)
}

#[test]
fn a_replan_is_compared_in_words_json_and_a_workbook() {
    let dir = tmp();
    let (inst, a, b) = replanned(&dir);
    let xlsx = dir.path().join("diff.xlsx");
    let o = sanlian(&["diff", s(&inst), s(&a), s(&b), "--xlsx", s(&xlsx)]);
    assert_exit(&o, 0);
    let zh = stdout(&o);
    for want in ["两版方案对比", "黄霞晓（K370505-1", "2027-07-01 起离岗", "2028 年联系乡镇", "派出单位费用", "合计"]
    {
        assert!(zh.contains(want), "{want}: {zh}");
    }
    let english = ["Township", "Group", "leaves", "Total", "travel", "unchanged"];
    assert!(english.iter().all(|w| !zh.contains(w)), "English in the Chinese text: {zh}");
    let o = sanlian(&["diff", s(&inst), s(&a), s(&b), "--lang", "en"]);
    assert_exit(&o, 0);
    let en = stdout(&o);
    assert!(en.contains("leaves on 2027-07-01") && en.contains("Township 2028"), "{en}");
    // JSON: the leaver and the one township change, codes and names.
    let o = sanlian(&["diff", s(&inst), s(&a), s(&b), "--format", "json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let cadres = v["cadres"].as_array().unwrap();
    assert_eq!(cadres.len(), 2, "the leaver and the cadre who takes its township: {cadres:?}");
    let (leaver, other) = match cadres.iter().position(|c| c["cadre"] == "K370505-1") {
        Some(0) => (&cadres[0], &cadres[1]),
        Some(_) => (&cadres[1], &cadres[0]),
        None => panic!("the leaver is listed: {cadres:?}"),
    };
    assert_eq!(leaver["status"], "leaves");
    assert_eq!(leaver["until"], "2027-07-01");
    let town = &other["changes"][0];
    assert_eq!((town["kind"].as_str(), town["year"].as_i64()), (Some("township"), Some(2028)));
    assert!(!town["to_name"].as_str().unwrap().is_empty());
    let sum: f64 = v["units"].as_array().unwrap().iter().map(|u| u["delta"].as_f64().unwrap()).sum();
    assert!((sum - v["totals"]["delta"].as_f64().unwrap()).abs() < 0.01);
    // The workbook: one row per change under Chinese headers, and the costs per unit.
    let mut wb: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(wb.sheet_names(), ["变更明细", "费用变化"]);
    let changes = wb.worksheet_range("变更明细").unwrap();
    let rows: Vec<Vec<String>> = changes.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0], ["姓名", "编号", "单位", "变更项", "原安排", "新安排"]);
    assert_eq!(rows.len(), 1 + v["changes"].as_u64().unwrap() as usize, "{rows:?}");
    assert!(rows.iter().any(|r| r[1] == "K370505-1" && r[3] == "离岗"), "{rows:?}");
    let costs = wb.worksheet_range("费用变化").unwrap();
    assert_eq!(costs.rows().count(), 1 + v["units"].as_array().unwrap().len() + 1, "a row per unit and 合计");
}

#[test]
fn a_plan_against_itself_and_without_the_instance() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let o = sanlian(&["diff", s(&fixture("small")), s(&plan), s(&plan)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("两版相同"), "{}", stdout(&o));
    // Without the instance: counties by the plans' names, cadres by id.
    let (_, a, b) = replanned(&dir);
    let o = sanlian(&["diff", s(&a), s(&b), "--format", "json"]);
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["changes"].as_u64().unwrap() >= 1, "{v}");
    assert_eq!(v["cadres"][0]["name"], v["cadres"][0]["cadre"]);
}

#[test]
fn bad_input_names_the_file() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let missing = dir.path().join("missing.json");
    let o = sanlian(&["diff", s(&fixture("small")), s(&plan), s(&missing)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"instance\": 1,\n").unwrap();
    let o = sanlian(&["diff", s(&plan), s(&broken)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("broken.json") && stderr(&o).contains("line"), "{}", stderr(&o));
    // A plan of another instance.
    let o = sanlian(&["diff", s(&fixture("shandong")), s(&plan), s(&plan)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("plan.json") && err.contains("give the instance the plans were made for"), "{err}");
    let xlsx = dir.path().join("never.xlsx");
    let o = sanlian(&["diff", s(&fixture("shandong")), s(&plan), s(&plan), "--xlsx", s(&xlsx)]);
    assert_exit(&o, 2);
    assert!(!xlsx.exists(), "nothing written");
    // One file is not a comparison.
    let o = sanlian(&["diff", s(&plan)]);
    assert_exit(&o, 2);
}
