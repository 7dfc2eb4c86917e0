//! Cadres → the roster template's rows, and the template's sheets.

use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Workbook, Worksheet};
use sanlian_model::{Cadre, Mode, Region};

use super::columns::{Col, COLUMNS};
use super::grid::ROSTER_SHEET;
use super::names::Names;
use crate::xlsx::{write_table, Out};
use crate::FilesError;

/// Separator written between list items.
const SEP: &str = "、";

/// Rows the drop-down lists of 名册 reach.
const VALIDATED_ROWS: u32 = 10_000;

/// The template's headers, in order.
pub(crate) fn headers() -> Vec<&'static str> {
    COLUMNS.iter().map(|s| s.header).collect()
}

fn mode_zh(m: Mode) -> &'static str {
    match m {
        Mode::Blocks => "集中",
        Mode::Weekly => "每周",
        Mode::Mixed => "混合",
    }
}

/// One cadre as a template row. Every field is written, the base explicitly, so that the row
/// reads back as exactly this cadre.
fn row(names: &Names<'_>, c: &Cadre) -> Vec<Out> {
    let counties = |codes: &[String]| codes.iter().map(|k| names.county_label(k)).collect::<Vec<_>>().join(SEP);
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    COLUMNS
        .iter()
        .map(|s| match s.col {
            Col::Id => Out::from(c.id.as_str()),
            Col::Name => c.name.as_str().into(),
            Col::Level => c.level.zh().into(),
            Col::Unit => c.unit.as_str().into(),
            Col::Department => c.department.clone().unwrap_or_default().into(),
            Col::Senior => if c.senior { "是" } else { "否" }.into(),
            Col::City => c.home_city.as_deref().map(|k| names.city_label(k)).unwrap_or_default().into(),
            Col::County => c.home_county.as_deref().map(|k| names.county_label(k)).unwrap_or_default().into(),
            Col::Lat => Out::Number(c.base.lat),
            Col::Lon => Out::Number(c.base.lon),
            Col::Strengths => c.strengths.join(SEP).into(),
            Col::Preferred => counties(&c.preferred_counties).into(),
            Col::Previous => c.previous_county.as_deref().map(|k| names.county_label(k)).unwrap_or_default().into(),
            Col::Unavailable => c.unavailable_months.join(SEP).into(),
            Col::Years => c.active_years.iter().map(u8::to_string).collect::<Vec<_>>().join(SEP).into(),
            Col::Mode => c.mode.map(mode_zh).unwrap_or("").into(),
            Col::From => date(c.from).into(),
            Col::Until => date(c.until).into(),
            Col::Gender => c.gender.clone().unwrap_or_default().into(),
            Col::Title => c.title.clone().unwrap_or_default().into(),
            Col::Phone => c.phone.clone().unwrap_or_default().into(),
            Col::Note => c.note.clone().unwrap_or_default().into(),
        })
        .collect()
}

/// The roster as template rows.
pub(crate) fn rows(region: &Region, cadres: &[Cadre]) -> Vec<Vec<Out>> {
    let names = Names::new(region);
    cadres.iter().map(|c| row(&names, c)).collect()
}

/// The roster as CSV text (UTF-8 with a byte-order mark).
pub(crate) fn csv(region: &Region, cadres: &[Cadre]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(headers());
    for r in rows(region, cadres) {
        let _ = w.write_record(r.iter().map(|cell| crate::cells::neutralise(&cell.to_text()).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// Add the sheet 名册: headers, one row per cadre, drop-down lists for the enumerated columns.
pub(crate) fn add_roster_sheet(wb: &mut Workbook, region: &Region, cadres: &[Cadre]) -> Result<(), FilesError> {
    let ws = wb.add_worksheet();
    ws.set_name(ROSTER_SHEET)?;
    write_table(ws, &headers(), &rows(region, cadres))?;
    // Printed, the roster is a landscape list one page wide, its header row on every page.
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_gridlines(true);
    ws.set_repeat_rows(0, 0)?;
    let lists: [(Col, &[&str]); 3] = [
        (Col::Level, &["省级", "市级", "县级", "高校", "企业"]),
        (Col::Senior, &["是", "否"]),
        (Col::Mode, &["集中", "每周", "混合"]),
    ];
    for (col, values) in lists {
        let Some(j) = COLUMNS.iter().position(|s| s.col == col) else { continue };
        let dv = DataValidation::new()
            .allow_list_strings(values)?
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_message(format!("{} 可填：{}", col.header(), values.join("、")))?;
        let last = VALIDATED_ROWS.max(cadres.len() as u32 + 1);
        ws.add_data_validation(1, j as u16, last, j as u16, &dv)?;
    }
    Ok(())
}

/// Add the sheet 说明: each column's meaning, whether required, an example and its default,
/// then how the sheet is read.
pub(crate) fn add_columns_sheet(wb: &mut Workbook) -> Result<(), FilesError> {
    let ws = wb.add_worksheet();
    ws.set_name("说明")?;
    let mut rows: Vec<Vec<Out>> = COLUMNS
        .iter()
        .map(|s| vec![s.header.into(), s.meaning.into(), s.required.into(), s.example.into(), s.default.into()])
        .collect();
    rows.push(Vec::new());
    for note in NOTES {
        rows.push(vec![Out::from(note)]);
    }
    write_table(ws, &["列名", "含义与可填值", "是否必填", "示例", "留空时"], &rows)?;
    narrow_notes(ws)
}

/// How the 名册 sheet is read, one line each.
const NOTES: [&str; 7] = [
    "读取规则：",
    "1. 读取名为“名册”的工作表（没有则读取第一个工作表）；第一行写列名，列的顺序不限，其上方的标题行会被忽略。",
    "2. 每行一名干部；空行跳过；“序号”等模板以外的列忽略（会提示）。",
    "3. 县区可写名称、6 位代码或“市名+县区名”；重名县区（如市中区）请填所在市，或写作“济南市市中区”，或写代码。",
    "4. 多个值（特长、意向县区、不可下沉月份、参加年度）用顿号、逗号或分号分隔。",
    "5. 驻地纬度、驻地经度留空时按级别取驻地：省级取省会，市级取所在市驻地，县级取所在县区驻地。",
    "6. 可导入 .xlsx、.xls、WPS .et、LibreOffice .ods 或 CSV（UTF-8 或 GBK）。",
];

/// Keep the long notes from widening column A: the column width follows the headers.
fn narrow_notes(ws: &mut Worksheet) -> Result<(), FilesError> {
    ws.set_column_width(0, 14)?;
    Ok(())
}

/// Add the sheet 县区: every county with its city and code, flagging repeated names.
pub(crate) fn add_counties_sheet(wb: &mut Workbook, region: &Region) -> Result<(), FilesError> {
    let names = Names::new(region);
    let ws = wb.add_worksheet();
    ws.set_name("县区")?;
    let rows: Vec<Vec<Out>> = region
        .counties
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let note = if names.is_repeated(i) {
                format!("重名：请填所在市，或写作“{}”，或写代码 {}", names.qualified(i), k.code)
            } else {
                String::new()
            };
            vec![names.city_label(&k.city).into(), k.name.as_str().into(), k.code.as_str().into(), note.into()]
        })
        .collect();
    write_table(ws, &["市", "县区", "代码", "备注"], &rows)
}
