//! The roster as a spreadsheet with Chinese headers: import (xlsx, xls/et, ods or CSV), export and
//! an empty template. The columns and their rules are in `docs/spreadsheets.md` and in the
//! 说明 sheet of every workbook written here.

mod columns;
pub(crate) mod errors;
pub(crate) mod grid;
mod names;
mod ods;
mod parse;
mod read;
mod write;
mod xls;

use rust_xlsxwriter::Workbook;
use sanlian_model::{Cadre, Instance, Region};

pub(crate) use columns::letter as columns_letter;
pub use errors::{Note, SheetError, SheetErrors};

use crate::FilesError;

/// The cadres read from a roster sheet, and what was ignored on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    /// One cadre per data row, in sheet order.
    pub cadres: Vec<Cadre>,
    /// Ignored columns and rows and what was assumed, for the user to see.
    pub warnings: Vec<Note>,
}

/// Read a roster from an xlsx, ods or xls/et workbook (its sheet 名册, else its first sheet) or
/// a CSV file (UTF-8, BOM allowed, or GBK); the format is told from the content, `file_name` only names the file in
/// messages. County and city names are resolved in `region`. Every problem is reported with
/// its file, sheet, row and column (at most 100 listed).
pub fn read_roster(bytes: &[u8], file_name: &str, region: &Region) -> Result<Roster, SheetErrors> {
    let grid = grid::read(bytes, file_name, grid::ROSTER_SHEET)?;
    read::cadres(&grid, file_name, region, None)
}

/// [`read_roster`] for the cadres of `inst` (its region and plan years): 参加年度 may then
/// also be written as calendar years (2027、2028).
pub fn read_roster_for(bytes: &[u8], file_name: &str, inst: &Instance) -> Result<Roster, SheetErrors> {
    let grid = grid::read(bytes, file_name, grid::ROSTER_SHEET)?;
    read::cadres(&grid, file_name, &inst.region, Some(inst.first_year))
}

/// The instance's roster as an xlsx workbook in template form: sheets 名册, 说明 and 县区.
pub fn roster_xlsx(inst: &Instance) -> Result<Vec<u8>, FilesError> {
    let mut wb = Workbook::new();
    write::add_roster_sheet(&mut wb, &inst.region, &inst.cadres)?;
    write::add_columns_sheet(&mut wb)?;
    write::add_counties_sheet(&mut wb, &inst.region)?;
    Ok(wb.save_to_buffer()?)
}

/// The instance's roster as CSV in template form (UTF-8 with a byte-order mark).
pub fn roster_csv(inst: &Instance) -> String {
    write::csv(&inst.region, &inst.cadres)
}

/// An empty roster template for `region`: 名册 with the headers, 说明 explaining each column,
/// and 县区 listing every city, county name and code.
pub fn template_xlsx(region: &Region) -> Result<Vec<u8>, FilesError> {
    let mut wb = Workbook::new();
    write::add_roster_sheet(&mut wb, region, &[])?;
    write::add_columns_sheet(&mut wb)?;
    write::add_counties_sheet(&mut wb, region)?;
    Ok(wb.save_to_buffer()?)
}

/// Add the sheet 名册 holding `cadres` in template form (for the plan workbook).
pub(crate) fn add_roster_sheet(wb: &mut Workbook, region: &Region, cadres: &[Cadre]) -> Result<(), FilesError> {
    write::add_roster_sheet(wb, region, cadres)
}
