//! Helpers shared by the test files: fixtures, solved plans, hand-made and read-back workbooks.

#![allow(dead_code)]

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Reader, Xlsx};
use sanlian_model::{Instance, Plan, Prepared};
use sanlian_solver::{Outcome, SolveOptions};

pub fn fixture(name: &str) -> Instance {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(name).join("instance.json");
    Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("valid JSON")
}

pub fn solve(inst: &Instance) -> Plan {
    let prep = Prepared::new(inst).expect("valid instance");
    match sanlian_solver::solve(&prep, &SolveOptions::default()).expect("solves").outcome {
        Outcome::Planned(plan) => *plan,
        Outcome::Infeasible(_) => panic!("fixture is infeasible"),
    }
}

/// An xlsx workbook with one sheet of text cells (empty strings leave the cell empty).
pub fn xlsx(sheet: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// CSV text with a BOM from rows of cells.
pub fn csv(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in rows {
        let mut r: Vec<&str> = row.clone();
        r.resize(width, "");
        w.write_record(&r).unwrap();
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(w.into_inner().unwrap());
    out
}

/// Every sheet of a workbook: (name, rows of cells as text).
pub fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens it");
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            let rows = range.rows().map(|r| r.iter().map(text).collect()).collect();
            (n, rows)
        })
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(x) => x.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}
