//! The files planners exchange with sanlian: roster spreadsheets (import, export, template),
//! the plan workbook a city committee files, its letters to the counties (函告), the planners'
//! CSV table, SVG maps and iCalendar calendars.
//!
//! Everything here takes and returns values (bytes or text); the caller reads and writes files.

mod error;
mod xlsx;

pub mod calendar;
pub mod cells;
pub mod diff;
pub mod form_edits;
pub mod letters;
pub mod map;
pub mod roster;
pub mod table;
pub mod workbook;

pub use calendar::ics;
pub use diff::{diff_xlsx, UnitCostRow};
pub use error::FilesError;
pub use form_edits::{read_plan_edits, FormEdits, PlacedEdit};
pub use letters::letters_docx;
pub use roster::{
    read_roster, read_roster_for, roster_csv, roster_xlsx, template_xlsx, Note, Roster, SheetError, SheetErrors,
};
pub use workbook::plan_xlsx;

/// The city of `region` that `text` names: its 6-digit code, its name (东营市), or its name
/// without 市 (东营); surrounding spaces ignored.
pub fn find_city<'a>(region: &'a sanlian_model::Region, text: &str) -> Option<&'a sanlian_model::City> {
    let t = text.trim();
    region.cities.iter().find(|c| c.code == t || c.name == t || c.name.strip_suffix('市') == Some(t))
}

/// `text` with ASCII letters, digits, `-`, `_` and `.` kept and every other byte as `%XX`:
/// safe in calendar UIDs and in `filename*=UTF-8''…` download headers.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
