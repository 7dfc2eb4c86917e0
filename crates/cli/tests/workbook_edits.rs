//! The plan workbook edited and uploaded back (issue 12, item 5): `sanlian edits` and `POST
//! /api/plans/{id}/edit/workbook` read the 汇总 sheet as edits of the plan, answer them like
//! an edit, and repair around them; a workbook edited into nonsense is refused at its cells
//! with exit 2 or a 422, and nothing is stored.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::server::*;
use common::*;
use serde_json::{json, Value};

/// The 汇总 sheet of a plan workbook as text.
fn summary(book: &[u8]) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(book.to_vec())).expect("a workbook");
    let range = wb.worksheet_range("汇总").expect("汇总");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(x) => x.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Rows as a workbook with one sheet 汇总.
fn workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("汇总").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn col(rows: &[Vec<String>], header: &str) -> usize {
    rows[1].iter().position(|h| h == header).unwrap()
}

/// A province cadre who does not lead, its row, and a county name of another group.
fn mover(plan: &Value, inst: &Value, rows: &[Vec<String>]) -> (String, usize, String, String) {
    let groups = plan["groups"].as_array().unwrap();
    let leaders: Vec<&str> = groups.iter().filter_map(|g| g["leader"].as_str()).collect();
    let a = plan["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["cadre"].as_str().unwrap().starts_with('P') && !leaders.contains(&a["cadre"].as_str().unwrap()))
        .unwrap();
    let id = a["cadre"].as_str().unwrap();
    let there = groups.iter().find(|g| g["county"] != a["county"]).unwrap();
    let name = inst["cadres"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["name"].as_str().unwrap();
    let row = rows.iter().position(|r| r[col(rows, "姓名")] == name).unwrap();
    (
        id.to_string(),
        row,
        there["county"].as_str().unwrap().to_string(),
        there["county_name"].as_str().unwrap().to_string(),
    )
}

#[test]
fn sanlian_edits_reads_checks_and_repairs_an_edited_workbook() {
    let dir = tmp();
    let plan_path = dir.path().join("plan.json");
    let book_path = dir.path().join("plan.xlsx");
    let o = sanlian(&["solve", s(&fixture("small")), "-o", s(&plan_path), "--xlsx", s(&book_path), "--quiet"]);
    assert_exit(&o, 0);
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
    let mut rows = summary(&std::fs::read(&book_path).unwrap());

    // The workbook as exported holds no edit.
    let o = sanlian(&["edits", s(&fixture("small")), s(&plan_path), s(&book_path)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("没有读到改动"), "{}", stdout(&o));
    assert!(stderr(&o).contains("只读取了「汇总」工作表"), "{}", stderr(&o));

    let (id, row, county, county_name) = mover(&plan, &small_json(), &rows);
    let group = col(&rows, "工作组");
    rows[row][group] = county_name.clone();
    let edited = dir.path().join("edited.xlsx");
    std::fs::write(&edited, workbook(&rows)).unwrap();
    let repaired = dir.path().join("repaired.json");
    let locked = dir.path().join("locked.json");
    let o = sanlian(&[
        "edits",
        s(&fixture("small")),
        s(&plan_path),
        s(&edited),
        "--repair",
        s(&repaired),
        "--locked-instance",
        s(&locked),
    ]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("调整 1 项") && out.contains(&format!("调到{county_name}")), "{out}");
    assert!(out.contains(&format!("第 {} 行，「工作组」列（C）", row + 1)), "{out}");
    assert!(stderr(&o).contains("修复完成"), "{}", stderr(&o));
    let fixed: Value = serde_json::from_str(&std::fs::read_to_string(&repaired).unwrap()).unwrap();
    let a = fixed["assignments"].as_array().unwrap().iter().find(|a| a["cadre"] == id.as_str()).unwrap();
    assert_eq!(a["county"], county.as_str(), "the repair keeps the move");
    let o = sanlian(&["check", s(&locked), s(&repaired)]);
    assert_exit(&o, 0);

    // Nonsense: exit 2, the cell named, nothing written.
    rows[row][group] = "不存在县".into();
    std::fs::write(&edited, workbook(&rows)).unwrap();
    let gone = dir.path().join("gone.json");
    let o = sanlian(&["edits", s(&fixture("small")), s(&plan_path), s(&edited), "--repair", s(&gone)]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(&format!("第 {} 行，「工作组」列（C）：没有叫“不存在县”的县区", row + 1)),
        "{}",
        stderr(&o)
    );
    assert!(!gone.exists(), "nothing written");
}

#[test]
fn an_edited_workbook_uploaded_is_answered_repaired_and_bad_ones_get_a_located_422() {
    let dir = tmp();
    let server = Server::start(&db(&dir), &[]);
    let inst = server.fixture("small");
    let pid = server.solve(inst);
    let (_, plan) = server.get_json(&format!("/api/plans/{pid}"));
    let (status, book) = server.get(&format!("/api/plans/{pid}/plan.xlsx"));
    assert_eq!(status, 200);
    let mut rows = summary(&book);
    let url = format!("/api/plans/{pid}/edit/workbook?name=plan.xlsx");

    let (status, same) = server.post(&url, &book);
    assert_eq!(status, 200, "{same}");
    assert_eq!(same["edits"], json!([]), "{same}");
    assert!(same["notes"][0]["text"]["zh"].as_str().unwrap().contains("只读取了「汇总」"), "{same}");

    let (id, row, county, county_name) = mover(&plan, &small_json(), &rows);
    let group = col(&rows, "工作组");
    rows[row][group] = county_name.clone();
    let (status, answer) = server.post(&url, &workbook(&rows));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["edits"], json!([{"kind": "move", "cadre": id, "county": county}]), "{answer}");
    let placed = &answer["placed"][0];
    assert!(placed["at"]["zh"].as_str().unwrap().contains("「工作组」列（C）"), "{answer}");
    assert!(placed["text"]["zh"].as_str().unwrap().contains(&county_name), "{answer}");
    assert!(answer["stages"]["S1"]["delta"].is_number(), "{answer}");
    let (_, list) = server.get_json("/api/plans");
    assert_eq!(list.as_array().unwrap().len(), 1, "reading a workbook stores nothing");

    let body = json!({ "edits": answer["edits"] }).to_string();
    let (status, job) = server.post(&format!("/api/plans/{pid}/edit/repair"), body.as_bytes());
    assert_eq!(status, 202, "{job}");
    let done = server.wait(job["id"].as_i64().unwrap());
    assert_eq!(done["result"]["outcome"], "planned", "{done}");
    let new = done["result"]["plan"].as_i64().unwrap();
    let (_, check) = server.get_json(&format!("/api/plans/{new}/check"));
    assert_eq!(check["valid"], true, "{check}");
    let (_, list) = server.get_json("/api/plans");
    let row = list.as_array().unwrap().iter().find(|p| p["id"] == new).unwrap();
    assert_eq!(row["parent"], pid, "the repaired plan is a version of the original: {row}");

    // Nonsense is refused at its cells; garbage and an empty batch too; nothing is stored.
    let mut bad = rows.clone();
    bad[1][group] = String::new();
    let (status, v) = server.post(&url, &workbook(&bad));
    assert_error(status, &v, 422, "invalid_sheet");
    assert!(v.to_string().contains("缺少这一列") || v.to_string().contains("找不到表头行"), "{v}");
    let (status, v) = server.post(&url, b"\x00\x01\x02 not a workbook");
    assert_error(status, &v, 422, "invalid_sheet");
    let (status, v) = server.post(&format!("/api/plans/{pid}/edit"), br#"{"edits": []}"#);
    assert_error(status, &v, 422, "invalid_edit");
    let (status, v) = server.post(
        &format!("/api/plans/{pid}/edit"),
        br#"{"edits": [{"kind":"weekday","cadre":"NOBODY","weekday":"Mon"}, {"kind":"move","cadre":"NOBODY","county":"1"}]}"#,
    );
    assert_error(status, &v, 422, "invalid_edit");
    assert_eq!(v["error"]["location"], "edits[0]", "{v}");
    let (_, list) = server.get_json("/api/plans");
    assert_eq!(list.as_array().unwrap().len(), 2, "only the repair stored a plan");
}
