//! Located roster problems: file, sheet, row, column and what to do, in either language.

use std::fmt;

use sanlian_model::{Arg, Lang, Msg};

/// The heading of a roster's problems.
const HEADING: &str = "roster.problems";

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
    /// What is wrong and what to do about it (English: the text of `msg`).
    pub message: String,
    /// The same, coded: rendered in the reader's language with [`SheetError::text`].
    pub msg: Msg,
}

impl SheetError {
    /// A problem at a place: `message` is the English text of `msg`.
    pub(crate) fn new(
        file: &str,
        sheet: Option<&str>,
        row: Option<usize>,
        column: Option<&str>,
        letter: Option<String>,
        msg: Msg,
    ) -> SheetError {
        SheetError {
            file: file.to_string(),
            sheet: sheet.map(str::to_string),
            row,
            column: column.map(str::to_string),
            letter,
            message: msg.to_string(),
            msg,
        }
    }

    /// Where the problem is, e.g. "roster.xlsx, sheet 名册, row 7, column 所在县区 (G)" (a CSV
    /// file's sheet, being the file itself, is not repeated).
    pub fn location(&self) -> String {
        self.location_msg().text(Lang::En)
    }

    /// Where the problem is, coded: in Chinese "roster.xlsx，工作表「名册」，第 7 行，「所在县区」列（G）".
    pub fn location_msg(&self) -> Msg {
        let empty = || Arg::Text(String::new());
        let sheet = match self.sheet.as_ref().filter(|s| **s != self.file) {
            Some(sheet) => Arg::Msg(Msg::new("roster.at_sheet").arg("sheet", sheet)),
            None => empty(),
        };
        let row = match self.row {
            Some(row) => Arg::Msg(Msg::new("roster.at_row").arg("row", row)),
            None => empty(),
        };
        let column = match (&self.column, &self.letter) {
            (Some(c), Some(l)) => Arg::Msg(Msg::new("roster.at_column").arg("column", c).arg("letter", l)),
            (Some(c), None) => Arg::Msg(Msg::new("roster.at_column_name").arg("column", c)),
            (None, Some(l)) => Arg::Msg(Msg::new("roster.at_letter").arg("letter", l)),
            (None, None) => empty(),
        };
        let mut m = Msg::new("roster.at").arg("file", &self.file);
        m.args.extend([("sheet".to_string(), sheet), ("row".to_string(), row), ("column".to_string(), column)]);
        m
    }

    /// The place and the problem, coded ("{at}: {why}").
    pub fn located_msg(&self) -> Msg {
        Msg::new("roster.located").arg_msg("at", self.location_msg()).arg_msg("why", self.msg.clone())
    }

    /// The place and the problem in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.located_msg().text(lang)
    }
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// Something the reader ignored or assumed that the planner should know (a title row, an
/// unknown column, a GBK file, two cadres of one name), in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The English text of `msg`, with its place.
    pub message: String,
    /// The same, coded.
    pub msg: Msg,
}

impl Note {
    /// A note of `msg`.
    pub(crate) fn new(msg: Msg) -> Note {
        Note { message: msg.to_string(), msg }
    }

    /// A note `why` at the place `at`.
    pub(crate) fn at(at: Msg, why: Msg) -> Note {
        Note::new(Msg::new("roster.located").arg_msg("at", at).arg_msg("why", why))
    }

    /// The note in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.msg.text(lang)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// `items` as one message, "A、B、C" in Chinese and "A, B, C" in English (at most `most`
/// listed, then "… and N more").
pub(crate) fn list(items: Vec<Msg>) -> Msg {
    const MOST: usize = 20;
    let count = items.len();
    let mut items: Vec<Msg> = items.into_iter().take(MOST).collect();
    let mut out = items.pop().unwrap_or_else(|| Msg::new("roster.item").arg("item", ""));
    while let Some(first) = items.pop() {
        out = Msg::new("roster.list").arg_msg("first", first).arg_msg("rest", out);
    }
    if count > MOST {
        out = Msg::new("roster.list_more").arg_msg("first", out).arg("count", count - MOST);
    }
    out
}

/// A plain text as a list item.
pub(crate) fn item(text: impl fmt::Display) -> Msg {
    Msg::new("roster.item").arg("item", text)
}

/// Every problem found in a roster (at most 100 listed; `more` counts the rest).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SheetErrors {
    /// The problems, in sheet order.
    pub errors: Vec<SheetError>,
    /// Problems found beyond the first 100, not listed.
    pub more: usize,
    /// The catalogue code of the list's heading ("… problem(s) in the roster:").
    pub heading: &'static str,
}

impl fmt::Display for SheetErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl SheetErrors {
    /// A single problem about the whole file.
    pub(crate) fn file(file: &str, msg: Msg) -> SheetErrors {
        SheetErrors { errors: vec![SheetError::new(file, None, None, None, None, msg)], more: 0, heading: HEADING }
    }

    /// The heading of the list, coded: "{count} problem(s) in the roster:".
    pub fn heading_msg(&self) -> Msg {
        Msg::new(self.heading).arg("count", self.errors.len() + self.more)
    }

    /// Each problem with its place, coded, and a last line counting those not listed.
    pub fn details_msg(&self) -> Vec<Msg> {
        let mut out: Vec<Msg> = self.errors.iter().map(SheetError::located_msg).collect();
        if self.more > 0 {
            out.push(Msg::new("roster.more").arg("count", self.more).arg("most", MAX_ERRORS));
        }
        out
    }

    /// Every problem in `lang`, one a line under a heading.
    pub fn text(&self, lang: Lang) -> String {
        let mut out = self.heading_msg().text(lang);
        for d in self.details_msg() {
            out.push_str("\n  - ");
            out.push_str(&d.text(lang));
        }
        out
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
        Collector { file, sheet, errors: SheetErrors { errors: Vec::new(), more: 0, heading: HEADING } }
    }

    /// Record a problem at `row` (1-based) in the column with `header` and `letter`.
    pub(crate) fn add(&mut self, row: Option<usize>, header: Option<&str>, letter: Option<String>, msg: Msg) {
        if self.errors.errors.len() >= MAX_ERRORS {
            self.errors.more += 1;
            return;
        }
        self.errors.errors.push(SheetError::new(self.file, Some(self.sheet), row, header, letter, msg));
    }

    /// Where (`row`, `header`, `letter`) is in this sheet, as [`SheetError::location_msg`] says it.
    pub(crate) fn location(&self, row: Option<usize>, header: Option<&str>, letter: Option<String>) -> Msg {
        SheetError::new(self.file, Some(self.sheet), row, header, letter, Msg::new("roster.item")).location_msg()
    }

    /// The file's name.
    pub(crate) fn file(&self) -> String {
        self.file.to_string()
    }

    /// The sheet's name.
    pub(crate) fn sheet(&self) -> String {
        self.sheet.to_string()
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
        c.add(Some(7), Some("所在县区"), Some("G".into()), item("unknown county 历下县"));
        c.add(Some(1), Some("姓名"), None, item("missing"));
        let e = c.finish();
        assert_eq!(
            e.errors[0].to_string(),
            "roster.xlsx, sheet 名册, row 7, column 所在县区 (G): unknown county 历下县"
        );
        assert_eq!(e.errors[1].to_string(), "roster.xlsx, sheet 名册, row 1, column 姓名: missing");
        assert!(e.to_string().starts_with("2 problem(s) in the roster:\n  - roster.xlsx, sheet 名册, row 7"));
        let csv = Collector::new("r.csv", "r.csv");
        let mut csv = csv;
        csv.add(Some(3), Some("编号"), Some("A".into()), item("empty"));
        csv.add(None, None, Some("C".into()), item("空"));
        let csv = csv.finish();
        assert_eq!(csv.errors[0].to_string(), "r.csv, row 3, column 编号 (A): empty");
        assert_eq!(csv.errors[1].text(Lang::Zh), "r.csv，C 列：空");
        assert_eq!(
            e.errors[0].location_msg().text(Lang::Zh),
            "roster.xlsx，工作表「名册」，第 7 行，「所在县区」列（G）"
        );
        assert_eq!(e.errors[1].text(Lang::Zh), "roster.xlsx，工作表「名册」，第 1 行，「姓名」列：missing");
        assert!(e.text(Lang::Zh).starts_with("名册中有 2 处问题：\n  - roster.xlsx，工作表「名册」，第 7 行"));
    }

    #[test]
    fn at_most_a_hundred_are_listed() {
        let mut c = Collector::new("f", "s");
        for i in 0..150 {
            c.add(Some(i), None, None, item("x"));
        }
        let e = c.finish();
        assert_eq!((e.errors.len(), e.more), (100, 50));
        assert!(e.to_string().contains("150 problem(s)") && e.to_string().ends_with("only the first 100 are listed)"));
        assert!(e.text(Lang::Zh).ends_with("另有 50 处问题未列出（只列出前 100 处）"));
    }

    #[test]
    fn lists_in_either_language() {
        let three = list(vec![item("甲"), item("乙"), item("丙")]);
        assert_eq!((three.text(Lang::Zh), three.text(Lang::En)), ("甲、乙、丙".into(), "甲, 乙, 丙".into()));
        let many = list((0..25).map(item).collect());
        assert!(many.text(Lang::Zh).ends_with("、19，另有 5 项"), "{}", many.text(Lang::Zh));
    }
}
