//! Shared spreadsheet writing: header rows, cells, column widths and valid sheet names.

use std::collections::HashSet;

use rust_xlsxwriter::{Format, FormatBorder, Worksheet};

use crate::FilesError;

/// A cell to write.
pub(crate) enum Out {
    /// Text (an empty text leaves the cell empty).
    Text(String),
    /// A number, written exactly.
    Number(f64),
    /// An amount of yuan, shown with two decimals.
    Money(f64),
}

impl Out {
    /// The cell as CSV text (numbers in Rust's shortest exact form).
    pub(crate) fn to_text(&self) -> String {
        match self {
            Out::Text(s) => s.clone(),
            Out::Number(x) | Out::Money(x) => x.to_string(),
        }
    }
}

impl From<&str> for Out {
    fn from(s: &str) -> Out {
        Out::Text(s.to_string())
    }
}

impl From<String> for Out {
    fn from(s: String) -> Out {
        Out::Text(s)
    }
}

/// Bold, bottom-bordered header cells.
pub(crate) fn header_format() -> Format {
    Format::new().set_bold().set_border_bottom(FormatBorder::Thin)
}

/// Write `headers` as a bold, frozen first row and `rows` below it, and size the columns to
/// their contents.
pub(crate) fn write_table(ws: &mut Worksheet, headers: &[&str], rows: &[Vec<Out>]) -> Result<(), FilesError> {
    let bold = header_format();
    let money = Format::new().set_num_format("#,##0.00");
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            if widths.len() <= col {
                widths.resize(col + 1, 0);
            }
            let c = col as u16;
            match cell {
                Out::Text(s) if s.is_empty() => {}
                Out::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Out::Number(x) => {
                    ws.write_number(r, c, *x)?;
                }
                Out::Money(x) => {
                    ws.write_number_with_format(r, c, *x, &money)?;
                }
            }
            let w = match cell {
                Out::Money(x) => format!("{x:.2}").len() + 3,
                other => display_width(&other.to_text()),
            };
            widths[col] = widths[col].max(w);
        }
    }
    ws.set_freeze_panes(1, 0)?;
    set_widths(ws, &widths)?;
    Ok(())
}

/// Set column widths from content widths (in half-width characters), within sensible bounds.
pub(crate) fn set_widths(ws: &mut Worksheet, widths: &[usize]) -> Result<(), FilesError> {
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, (*w as f64 + 2.0).clamp(6.0, 60.0))?;
    }
    Ok(())
}

/// Width of `s` in half-width characters: CJK and other wide characters count twice.
pub(crate) fn display_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()).max().unwrap_or(0)
}

/// Excel's limit on a sheet name, in UTF-16 code units.
const MAX_SHEET_NAME: usize = 31;

/// A valid sheet name for `wanted`, unique among `taken` (case-insensitively, as Excel
/// compares): forbidden characters `[]:*?/\` become `_`, leading and trailing apostrophes
/// go, the name is cut to 31 characters, and a repeat gets `（qualifier）` or a number.
pub(crate) fn unique_sheet_name(wanted: &str, qualifier: &str, taken: &mut HashSet<String>) -> String {
    let clean = |s: &str| -> String {
        let s: String = s.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
        let s = s.trim_matches('\'').trim().to_string();
        if s.is_empty() {
            "Sheet".to_string()
        } else {
            s
        }
    };
    let base = clean(wanted);
    let mut candidates = vec![truncate(&base, MAX_SHEET_NAME)];
    if !qualifier.is_empty() {
        let q = format!("（{}）", clean(qualifier));
        candidates.push(format!("{}{q}", truncate(&base, MAX_SHEET_NAME.saturating_sub(utf16_len(&q)))));
    }
    let numbered = (2..).map(|n| {
        let suffix = format!("（{n}）");
        format!("{}{suffix}", truncate(&base, MAX_SHEET_NAME - utf16_len(&suffix)))
    });
    let name = candidates
        .into_iter()
        .chain(numbered)
        .find(|n| {
            !n.is_empty() && utf16_len(n) <= MAX_SHEET_NAME && !n.ends_with('\'') && !taken.contains(&n.to_lowercase())
        })
        .unwrap_or_default();
    taken.insert(name.to_lowercase());
    name
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The longest prefix of `s` of at most `max` UTF-16 code units.
fn truncate(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if utf16_len(&out) + c.len_utf16() > max {
            break;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique_sheet_name("市中区", "济南市", &mut taken), "市中区");
        assert_eq!(unique_sheet_name("市中区", "枣庄市", &mut taken), "市中区（枣庄市）");
        assert_eq!(unique_sheet_name("市中区", "枣庄市", &mut taken), "市中区（2）");
        assert_eq!(unique_sheet_name("a/b:c*d?[e]\\", "", &mut taken), "a_b_c_d__e__");
        assert_eq!(unique_sheet_name("'x'", "", &mut taken), "x");
        let long = "长".repeat(40);
        let n = unique_sheet_name(&long, "济南市", &mut taken);
        assert_eq!(n.chars().count(), 31);
        let n2 = unique_sheet_name(&long, "济南市", &mut taken);
        assert!(n2.ends_with("（济南市）") && n2.chars().count() == 31, "{n2}");
        assert_eq!(unique_sheet_name("SHEET", "", &mut taken), "SHEET");
        assert_eq!(unique_sheet_name("sheet", "", &mut taken), "sheet（2）");
    }
}
