//! Two plan versions compared, as a workbook: 变更明细 (one row per change) and 费用变化 (per
//! dispatching unit, before and after).

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};

use crate::xlsx::{display_width, set_widths};
use crate::FilesError;

/// The columns of 变更明细.
pub const CHANGE_HEADERS: [&str; 6] = ["姓名", "编号", "单位", "变更项", "原安排", "新安排"];

/// The columns of 费用变化.
pub const COST_HEADERS: [&str; 8] = ["派出单位", "原差旅", "新差旅", "原食宿", "新食宿", "原合计", "新合计", "变化"];

/// One dispatching unit's cost in both versions, yuan.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCostRow {
    /// Unit name.
    pub unit: String,
    /// Travel before.
    pub travel_before: f64,
    /// Travel after.
    pub travel_after: f64,
    /// Stay before.
    pub stay_before: f64,
    /// Stay after.
    pub stay_after: f64,
}

/// The workbook of a comparison: 变更明细 with one row per change ([`CHANGE_HEADERS`]: name,
/// id, unit, what, before, after, already in words) and 费用变化 with one row per unit and a
/// 合计 row. Bordered cells, a bold frozen header (repeated on every printed page), A4
/// landscape, one page wide.
pub fn diff_xlsx(changes: &[[String; 6]], units: &[UnitCostRow]) -> Result<Vec<u8>, FilesError> {
    let mut wb = Workbook::new();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let money = Format::new().set_border(FormatBorder::Thin).set_num_format("#,##0.00");
    let delta = Format::new().set_border(FormatBorder::Thin).set_num_format("+#,##0.00;-#,##0.00;0.00");
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#E7EEF7");

    let ws = wb.add_worksheet();
    ws.set_name("变更明细")?;
    header(ws, &CHANGE_HEADERS, &head)?;
    let mut widths: Vec<usize> = CHANGE_HEADERS.iter().map(|h| display_width(h)).collect();
    for (r, row) in changes.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, text, &cell)?;
            widths[c] = widths[c].max(display_width(text));
        }
    }
    printable(ws)?;
    set_widths(ws, &widths)?;

    let ws = wb.add_worksheet();
    ws.set_name("费用变化")?;
    header(ws, &COST_HEADERS, &head)?;
    let mut widths: Vec<usize> = COST_HEADERS.iter().map(|h| display_width(h)).collect();
    let total = UnitCostRow {
        unit: "合计".into(),
        travel_before: units.iter().map(|u| u.travel_before).sum(),
        travel_after: units.iter().map(|u| u.travel_after).sum(),
        stay_before: units.iter().map(|u| u.stay_before).sum(),
        stay_after: units.iter().map(|u| u.stay_after).sum(),
    };
    for (r, u) in units.iter().chain(std::iter::once(&total)).enumerate() {
        let r = r as u32 + 1;
        let before = u.travel_before + u.stay_before;
        let after = u.travel_after + u.stay_after;
        let unit_format = if std::ptr::eq(u, &total) { head.clone() } else { cell.clone() };
        ws.write_string_with_format(r, 0, &u.unit, &unit_format)?;
        widths[0] = widths[0].max(display_width(&u.unit));
        let figures = [u.travel_before, u.travel_after, u.stay_before, u.stay_after, before, after];
        for (c, v) in figures.into_iter().enumerate() {
            ws.write_number_with_format(r, c as u16 + 1, v, &money)?;
            widths[c + 1] = widths[c + 1].max(format!("{v:.2}").len() + 3);
        }
        ws.write_number_with_format(r, 7, after - before, &delta)?;
        widths[7] = widths[7].max(format!("{:.2}", after - before).len() + 4);
    }
    printable(ws)?;
    set_widths(ws, &widths)?;
    Ok(wb.save_to_buffer()?)
}

fn header(ws: &mut Worksheet, headers: &[&str], format: &Format) -> Result<(), FilesError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, format)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A4 landscape, one page wide, the header on every page.
fn printable(ws: &mut Worksheet) -> Result<(), FilesError> {
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_center_horizontally(true);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn the_workbook_has_both_sheets_with_chinese_headers() {
        let changes = vec![[
            "张三".to_string(),
            "P001".into(),
            "团省委".into(),
            "工作组".into(),
            "历下区（370102）".into(),
            "市中区（370103）".into(),
        ]];
        let units = vec![
            UnitCostRow {
                unit: "团省委".into(),
                travel_before: 100.0,
                travel_after: 150.5,
                stay_before: 20.0,
                stay_after: 20.0,
            },
            UnitCostRow {
                unit: "团济南市委".into(),
                travel_before: 10.0,
                travel_after: 5.0,
                stay_before: 0.0,
                stay_after: 0.0,
            },
        ];
        let bytes = diff_xlsx(&changes, &units).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["变更明细", "费用变化"]);
        let sheet = wb.worksheet_range("变更明细").unwrap();
        let row = |r: usize| -> Vec<String> { sheet.rows().nth(r).unwrap().iter().map(|c| c.to_string()).collect() };
        assert_eq!(row(0), CHANGE_HEADERS);
        assert_eq!(row(1)[5], "市中区（370103）");
        let costs = wb.worksheet_range("费用变化").unwrap();
        let rows: Vec<&[Data]> = costs.rows().collect();
        assert_eq!(rows[0].iter().map(|c| c.to_string()).collect::<Vec<_>>(), COST_HEADERS);
        assert_eq!(rows[1][7], Data::Float(50.5));
        assert_eq!(rows[3][0].to_string(), "合计");
        assert_eq!(rows[3][7], Data::Float(45.5));
    }
}
