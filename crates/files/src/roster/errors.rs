//! Located roster problems: file, sheet, row, column and what to do.

use std::fmt;

/// Most problems collected from one sheet; the rest are only counted.
pub(crate) const MAX_ERRORS: usize = 100;

/// One problem in a roster sheet, located as precisely as it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    /// The file name, as given by the caller.
    pub file: String,
    /// The sheet (for a CSV file: the file name); none when the file is not a spreadsheet.
    pub sheet: Option<String>,
    /// 1-based row number, as the spreadsheet program shows it.
    pub row: Option<usize>,
    /// The column's header (for a missing column: the header it should have).
    pub column: Option<String>,
    /// The column's letter, e.g. "G" (none for a missing column).
    pub letter: Option<String>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl SheetError {
    /// Where the problem is, e.g. "roster.xlsx, sheet 名册, row 7, column 所在县区 (G)" (a CSV
    /// file's sheet, being the file itself, is not repeated).
    pub fn location(&self) -> String {
        let mut s = self.file.clone();
        if let Some(sheet) = self.sheet.as_ref().filter(|s| **s != self.file) {
            s.push_str(&format!(", sheet {sheet}"));
        }
        if let Some(row) = self.row {
            s.push_str(&format!(", row {row}"));
        }
        match (&self.column, &self.letter) {
            (Some(c), Some(l)) => s.push_str(&format!(", column {c} ({l})")),
            (Some(c), None) => s.push_str(&format!(", column {c}")),
            (None, Some(l)) => s.push_str(&format!(", column {l}")),
            (None, None) => {}
        }
        s
    }
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// Every problem found in a roster (at most 100 listed; `more` counts the rest).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SheetErrors {
    /// The problems, in sheet order.
    pub errors: Vec<SheetError>,
    /// Problems found beyond the first 100, not listed.
    pub more: usize,
}

impl fmt::Display for SheetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.errors.len() + self.more;
        write!(f, "{total} problem(s) in the roster:")?;
        for e in &self.errors {
            write!(f, "\n  - {e}")?;
        }
        if self.more > 0 {
            write!(f, "\n  … and {} more (only the first {MAX_ERRORS} are listed)", self.more)?;
        }
        Ok(())
    }
}

impl SheetErrors {
    /// A single problem about the whole file.
    pub(crate) fn file(file: &str, message: impl Into<String>) -> SheetErrors {
        SheetErrors {
            errors: vec![SheetError {
                file: file.to_string(),
                sheet: None,
                row: None,
                column: None,
                letter: None,
                message: message.into(),
            }],
            more: 0,
        }
    }
}

/// Collects the problems of one sheet, up to [`MAX_ERRORS`].
pub(crate) struct Collector<'a> {
    file: &'a str,
    sheet: &'a str,
    errors: SheetErrors,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(file: &'a str, sheet: &'a str) -> Collector<'a> {
        Collector { file, sheet, errors: SheetErrors { errors: Vec::new(), more: 0 } }
    }

    /// Record a problem at `row` (1-based) in the column with `header` and `letter`.
    pub(crate) fn add(&mut self, row: Option<usize>, header: Option<&str>, letter: Option<String>, message: String) {
        if self.errors.errors.len() >= MAX_ERRORS {
            self.errors.more += 1;
            return;
        }
        self.errors.errors.push(SheetError {
            file: self.file.to_string(),
            sheet: Some(self.sheet.to_string()),
            row,
            column: header.map(str::to_string),
            letter,
            message,
        });
    }

    /// Where (`row`, `header`, `letter`) is in this sheet, as [`SheetError::location`] says it.
    pub(crate) fn location(&self, row: Option<usize>, header: Option<&str>, letter: Option<String>) -> String {
        SheetError {
            file: self.file.to_string(),
            sheet: Some(self.sheet.to_string()),
            row,
            column: header.map(str::to_string),
            letter,
            message: String::new(),
        }
        .location()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Problems recorded, listed or not.
    pub(crate) fn len(&self) -> usize {
        self.errors.errors.len() + self.errors.more
    }

    pub(crate) fn finish(self) -> SheetErrors {
        self.errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_every_place() {
        let mut c = Collector::new("roster.xlsx", "名册");
        c.add(Some(7), Some("所在县区"), Some("G".into()), "unknown county 历下县".into());
        c.add(Some(1), Some("姓名"), None, "missing".into());
        let e = c.finish();
        assert_eq!(
            e.errors[0].to_string(),
            "roster.xlsx, sheet 名册, row 7, column 所在县区 (G): unknown county 历下县"
        );
        assert_eq!(e.errors[1].to_string(), "roster.xlsx, sheet 名册, row 1, column 姓名: missing");
        assert!(e.to_string().starts_with("2 problem(s) in the roster:\n  - roster.xlsx, sheet 名册, row 7"));
        let csv = Collector::new("r.csv", "r.csv");
        let mut csv = csv;
        csv.add(Some(3), Some("编号"), Some("A".into()), "empty".into());
        assert_eq!(csv.finish().errors[0].to_string(), "r.csv, row 3, column 编号 (A): empty");
    }

    #[test]
    fn at_most_a_hundred_are_listed() {
        let mut c = Collector::new("f", "s");
        for i in 0..150 {
            c.add(Some(i), None, None, "x".into());
        }
        let e = c.finish();
        assert_eq!((e.errors.len(), e.more), (100, 50));
        assert!(e.to_string().contains("150 problem(s)") && e.to_string().ends_with("only the first 100 are listed)"));
    }
}
