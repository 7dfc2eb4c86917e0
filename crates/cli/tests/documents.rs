//! `sanlian documents`: a city's letters, 报到 lists, budget and workbook written together (and
//! rendered to PDF), and bad input refused with exit code 2 and nothing written.

mod common;

use std::fs;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::*;
use serde_json::Value;

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files(&p).into_iter().map(|f| format!("{}/{f}", e.file_name().to_string_lossy())));
            } else {
                out.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// Yuan as the summary prints them: "1,234,567.89".
fn grouped(yuan: f64) -> String {
    let fen = (yuan * 100.0).round() as i64;
    let whole = (fen / 100).to_string();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{:02}", fen % 100)
}

fn require(tool: &str) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is missing: install LibreOffice and poppler with `scripts/setup.sh --office`");
}

#[test]
fn documents_of_a_city_are_written_together_and_add_up() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let out = dir.path().join("documents");
    let o = sanlian(&["documents", s(&fixture("small")), s(&plan), "--out", s(&out), "--city", "东营"]);
    assert_exit(&o, 0);
    assert_eq!(
        files(&out),
        [
            "370500/budget.docx",
            "370500/budget.xlsx",
            "370500/checkin.docx",
            "370500/letters.docx",
            "370500/workbook.xlsx"
        ]
    );
    assert!(stderr(&o).contains("documents written to"), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(said.contains("东营市（370500）：5 个工作组，40 人"), "{said}");

    // The budget's grand total is the plan's travel and stay, within a fen per cadre.
    let plan_json: Value = serde_json::from_str(&fs::read_to_string(&plan).unwrap()).unwrap();
    let reported = plan_json["costs"]["travel"].as_f64().unwrap() + plan_json["costs"]["stay"].as_f64().unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(fs::read(out.join("370500/budget.xlsx")).unwrap())).unwrap();
    let summary = wb.worksheet_range("汇总").unwrap();
    let total_row = (0..summary.height() as u32)
        .find(|&r| summary.get_value((r, 0)) == Some(&Data::String("合计".into())))
        .expect("a 合计 row");
    let Some(Data::Float(total)) = summary.get_value((total_row, 6)) else { panic!("合计 is a number") };
    assert!((total - reported).abs() <= 40.0 * 0.005, "{total} vs {reported}");
    assert!(said.contains(&format!("经费测算合计 {} 元", grouped(*total))), "{said}");

    // The letters are a Word document (a ZIP archive); their words are tested in sanlian-files.
    let letters = fs::read(out.join("370500/letters.docx")).unwrap();
    assert_eq!(&letters[..2], b"PK");

    // One county: its city's folder, the workbook still the city's.
    let one = dir.path().join("one");
    let o = sanlian(&["documents", s(&fixture("small")), s(&plan), "--out", s(&one), "--county", "370502"]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains("东营市东营区（370500）：1 个工作组"), "{}", stdout(&o));
    assert_eq!(files(&one).len(), 5);
}

#[test]
fn documents_render_to_pdf_with_libreoffice() {
    require("soffice");
    require("pdfinfo");
    let dir = tmp();
    let plan = solve_small(&dir);
    let out = dir.path().join("pdf");
    let o = sanlian(&["documents", s(&fixture("small")), s(&plan), "--out", s(&out), "--pdf"]);
    assert_exit(&o, 0);
    for stem in ["letters", "checkin", "budget"] {
        let pdf = out.join(format!("370500/{stem}.pdf"));
        let bytes = fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        assert!(bytes.starts_with(b"%PDF"), "{stem}.pdf is a PDF");
    }
    let info = std::process::Command::new("pdfinfo").arg(out.join("370500/checkin.pdf")).output().unwrap();
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse::<usize>().unwrap()))
        .unwrap();
    assert_eq!(pages, 5, "a 报到 list per county group");
    assert!(!files(&out).iter().any(|f| f.contains(".partial")), "{:?}", files(&out));
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let small = fixture("small");
    let out = dir.path().join("out");
    let refused = |args: &[&str], says: &[&str]| {
        let mut all = vec!["documents"];
        all.extend_from_slice(args);
        let o = sanlian(&all);
        assert_exit(&o, 2);
        let err = stderr(&o);
        for s in says {
            assert!(err.contains(s), "{args:?}: the message says {s}: {err}");
        }
        assert!(files(&out).is_empty(), "{args:?}: nothing written: {:?}", files(&out));
    };
    refused(&[s(&small), s(&plan), "--out", s(&out), "--city", "北京"], &["--city 北京", "东营市"]);
    refused(&[s(&small), s(&plan), "--out", s(&out), "--county", "370102"], &["--county 370102"]);
    let missing = dir.path().join("missing.json");
    refused(&[s(&small), s(&missing), "--out", s(&out)], &["cannot read", "missing.json"]);
    // A plan of another instance.
    refused(&[s(&fixture("shandong")), s(&plan), "--out", s(&out)], &["does not belong", "[PLAN]"]);
    // A plan that breaks a rule: a township of another county.
    let mut tampered: Value = serde_json::from_str(&fs::read_to_string(&plan).unwrap()).unwrap();
    let assignments = tampered["assignments"].as_array_mut().unwrap();
    let county = assignments[0]["county"].as_str().unwrap().to_string();
    let foreign = assignments.iter().find(|a| a["county"] != county.as_str()).unwrap()["years"][0]["township"].clone();
    assignments[0]["years"][0]["township"] = foreign;
    let tampered = write_json(&dir, "tampered.json", &tampered);
    refused(&[s(&small), s(&tampered), "--out", s(&out)], &["breaks", "[H5]", "nothing written"]);
    // An output directory that cannot be made: under a file.
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let under = file.join("docs");
    let o = sanlian(&["documents", s(&small), s(&plan), "--out", s(&under)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--out") && stderr(&o).contains("a-file"), "{}", stderr(&o));
    // --pdf without LibreOffice on the PATH: the message says what to install.
    let empty = dir.path().join("no-tools");
    fs::create_dir(&empty).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sanlian"))
        .args(["documents", s(&small), s(&plan), "--out", s(&out), "--pdf"])
        .env("PATH", &empty)
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("scripts/setup.sh --office"), "{}", stderr(&o));
    assert!(files(&out).is_empty(), "{:?}", files(&out));
}
