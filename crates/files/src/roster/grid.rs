//! A sheet read into rows of cells, from xlsx, ods, xls/et or CSV (UTF-8 or GBK) bytes.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDateTime;
use sanlian_model::Msg;

use super::errors::{Note, SheetErrors};

/// The sheet read from an xlsx workbook when it has one of this name.
pub(crate) const ROSTER_SHEET: &str = "名册";

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDateTime),
    /// A spreadsheet error value such as #N/A.
    Error(String),
}

impl Cell {
    /// Empty, or text that is only whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as trimmed text: whole numbers without a decimal point, dates as YYYY-MM-DD.
    pub(crate) fn text(&self) -> Result<String, Msg> {
        Ok(match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
            Cell::Number(x) => x.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) if d.time() == chrono::NaiveTime::MIN => d.date().format("%Y-%m-%d").to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Error(e) => return Err(Msg::new("roster.cell_error").arg("error", e)),
        })
    }
}

/// `text` with full-width ASCII forms (０-９, Ａ-Ｚ, ＋, －, ／ …) as their ASCII letters and
/// the ideographic space as a space: what a Chinese input method types in place of them. For
/// ids, codes, numbers, dates and keywords; names and units keep their own characters.
pub(crate) fn narrow(text: &str) -> std::borrow::Cow<'_, str> {
    let wide = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}';
    if !text.chars().any(wide) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            c if wide(c) => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            c => c,
        })
        .collect::<String>()
        .into()
}

/// A sheet's non-empty rows, each with its 1-based row number and its cells from column A.
pub(crate) struct Grid {
    /// The sheet's name (a CSV file's name).
    pub sheet: String,
    /// (row number, cells), in sheet order.
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// What the reader did that the user should know (e.g. the text encoding it assumed).
    pub notes: Vec<Note>,
    /// Every sheet of the workbook, in order (none for CSV).
    pub sheets: Vec<String>,
}

/// The signature of an OLE2 compound file: a legacy Excel (.xls) or WPS (.et) workbook.
pub(crate) const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Read the sheet named `sheet` (else the first sheet) of `bytes`, read as an xlsx or OpenDocument (.ods) workbook (ZIP magic; an .ods has a
/// `mimetype` or `content.xml` entry), a legacy .xls/.et workbook (OLE2 magic) or else as CSV
/// text (UTF-8, BOM allowed, or GBK).
pub(crate) fn read(bytes: &[u8], file: &str, sheet: &str) -> Result<Grid, SheetErrors> {
    if bytes.starts_with(b"PK\x03\x04") {
        // A malformed workbook must be an error, even if the reader gives up by panicking.
        if super::ods::is_ods(bytes) {
            return std::panic::catch_unwind(|| super::ods::read(bytes, file, sheet))
                .unwrap_or_else(|_| Err(SheetErrors::file(file, Msg::new("roster.malformed_ods"))));
        }
        return std::panic::catch_unwind(|| xlsx(bytes, file, sheet))
            .unwrap_or_else(|_| Err(SheetErrors::file(file, Msg::new("roster.malformed"))));
    }
    let not = |why: Msg| SheetErrors::file(file, Msg::new("roster.not_a_sheet").arg_msg("why", why));
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(not(Msg::new("roster.file_empty")));
    }
    if bytes.starts_with(&OLE) {
        return super::xls::read(bytes, file, sheet);
    }
    if bytes.starts_with(b"PK") {
        return Err(not(Msg::new("roster.zip_not_xlsx")));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(not(Msg::new("roster.utf16")));
    }
    if bytes.contains(&0) {
        return Err(not(Msg::new("roster.binary")));
    }
    let (text, note) = match std::str::from_utf8(bytes) {
        Ok(t) => (std::borrow::Cow::Borrowed(t), None),
        // Excel on Chinese Windows saves "CSV" in the ANSI code page, GBK; GB18030 reads it.
        Err(e) => match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(t) => (t, Some(Note::at(file_at(file), Msg::new("roster.read_as_gbk")))),
            None => return Err(not(Msg::new("roster.not_utf8_nor_gbk").arg("offset", e.valid_up_to()))),
        },
    };
    let mut grid = csv(text.strip_prefix('\u{feff}').unwrap_or(&text), file)?;
    grid.notes.extend(note);
    Ok(grid)
}

/// The parts of a workbook read while it is inflated: the shared strings and the sheets.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    SharedStrings,
    Sheet,
    Other,
}

impl Part {
    fn of(name: &str) -> Part {
        if name.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            Part::SharedStrings
        } else if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            Part::Sheet
        } else {
            Part::Other
        }
    }
}

/// A reader that counts the bytes it hands out.
pub(crate) struct Counted<R> {
    pub(crate) inner: R,
    pub(crate) bytes: u64,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The shared strings a workbook has, and the highest one its sheets' cells name.
#[derive(Default)]
struct StringRefs {
    count: u64,
    highest: Option<u64>,
}

impl StringRefs {
    /// Read one XML part to its end: count `<si>` in the shared strings, or note the index
    /// of every `t="s"` cell of a sheet (read as calamine reads it: unparsable is 0).
    fn scan(&mut self, part: Part, from: impl std::io::Read) -> Result<(), quick_xml::Error> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(from));
        let mut buf = Vec::new();
        let (mut shared_cell, mut in_value, mut value) = (false, false, String::new());
        loop {
            match reader.read_event_into(&mut buf)? {
                Event::Eof => return Ok(()),
                Event::Start(e) | Event::Empty(e)
                    if part == Part::SharedStrings && e.local_name().as_ref() == b"si" =>
                {
                    self.count += 1;
                }
                Event::Start(e) if part == Part::Sheet => match e.local_name().as_ref() {
                    b"c" => {
                        shared_cell = e
                            .attributes()
                            .flatten()
                            .any(|a| a.key.local_name().as_ref() == b"t" && a.value.as_ref() == b"s");
                    }
                    b"v" if shared_cell => {
                        in_value = true;
                        value.clear();
                    }
                    _ => {}
                },
                Event::Text(t) if in_value => value.push_str(&String::from_utf8_lossy(&t)),
                Event::End(e) if part == Part::Sheet => match e.local_name().as_ref() {
                    b"v" if in_value => {
                        in_value = false;
                        let index = value.parse::<u64>().unwrap_or(0);
                        self.highest = Some(self.highest.map_or(index, |h| h.max(index)));
                    }
                    b"c" => shared_cell = false,
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
    }
}

/// Most bytes an uploaded workbook may unpack to, counted as they inflate (a roster of
/// thousands is a few MiB; one of 100,000 cadres about 90 MiB).
pub const MAX_UNPACKED: u64 = 128 * 1024 * 1024;
/// Most rows and columns read from a roster sheet.
pub(crate) const MAX_ROWS: u32 = 200_000;
pub(crate) const MAX_COLUMNS: u32 = 256;

fn xlsx(bytes: &[u8], file: &str, wanted: &str) -> Result<Grid, SheetErrors> {
    let not = |e: &dyn std::fmt::Display| SheetErrors::file(file, Msg::new("roster.unreadable_xlsx").arg("detail", e));
    // A small upload must not unpack into gigabytes. The sizes an archive declares can lie,
    // so the bytes are counted as they inflate (into nothing), and reading stops at the cap.
    let too_big = || SheetErrors::file(file, too_big());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not(&e))?;
    // (An archive written with data descriptors, as LibreOffice writes, declares no total.)
    let declared = archive.decompressed_size().map_or(0, |n| u64::try_from(n).unwrap_or(u64::MAX));
    if declared > MAX_UNPACKED {
        return Err(too_big());
    }
    let mut inflated = 0u64;
    let mut strings = StringRefs::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| not(&e))?;
        let part = Part::of(entry.name());
        let limited = std::io::Read::take(&mut entry, MAX_UNPACKED - inflated + 1);
        let mut counted = Counted { inner: limited, bytes: 0 };
        match part {
            Part::Other => {
                std::io::copy(&mut counted, &mut std::io::sink()).map_err(|e| not(&e))?;
            }
            xml => strings.scan(xml, &mut counted).map_err(|e| not(&e))?,
        }
        inflated += counted.bytes;
        if inflated > MAX_UNPACKED {
            return Err(too_big());
        }
    }
    // calamine indexes its shared-string table without a bound (a panic, not an error):
    // a cell naming a string the table lacks is refused here, before it reads one.
    if let Some(index) = strings.highest.filter(|&i| i >= strings.count) {
        return Err(SheetErrors::file(
            file,
            Msg::new("roster.bad_shared_string").arg("index", index).arg("count", strings.count),
        ));
    }
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| not(&e))?;
    let names = wb.sheet_names();
    let Some(sheet) = names.iter().find(|n| n.trim() == wanted).or_else(|| names.first()).cloned() else {
        return Err(SheetErrors::file(file, Msg::new("roster.no_sheets")));
    };
    // Cells are streamed, so a sheet whose declared range is huge costs nothing until it has content.
    let mut reader = wb.worksheet_cells_reader(&sheet).map_err(|e| not(&e))?;
    let mut by_row: std::collections::BTreeMap<u32, Vec<Cell>> = std::collections::BTreeMap::new();
    while let Some(c) = reader.next_cell().map_err(|e| not(&e))? {
        let value = cell(&Data::from(c.get_value().clone()));
        if value.is_blank() {
            continue;
        }
        let (r, col) = c.get_position();
        if r >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(SheetErrors::file(file, beyond(&sheet, r as u64, col as u64)));
        }
        let cells = by_row.entry(r).or_default();
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, Cell::Empty);
        }
        cells[col as usize] = value;
    }
    let rows = by_row.into_iter().map(|(r, cells)| (r as usize + 1, cells)).collect();
    Ok(Grid { sheet, rows, notes: Vec::new(), sheets: names })
}

/// The cells of a sheet read by the readers of this crate's own (legacy .xls, .ods), gathered
/// within a roster sheet's bounds: content beyond [`MAX_ROWS`] rows or [`MAX_COLUMNS`] columns
/// is refused, and so is holding more than [`MAX_UNPACKED`] bytes of cells (a cell repeated a
/// million times is cheap to declare, not to hold).
pub(crate) struct Cells {
    sheet: String,
    by_row: std::collections::BTreeMap<u32, Vec<Cell>>,
    held: u64,
}

impl Cells {
    pub(crate) fn new(sheet: &str) -> Cells {
        Cells { sheet: sheet.to_string(), by_row: std::collections::BTreeMap::new(), held: 0 }
    }

    /// Put `value` at 0-based (`row`, `col`); a blank value is skipped. The error is the
    /// message to show.
    pub(crate) fn put(&mut self, row: u64, col: u64, value: Cell) -> Result<(), Msg> {
        if value.is_blank() {
            return Ok(());
        }
        if row >= MAX_ROWS as u64 || col >= MAX_COLUMNS as u64 {
            return Err(beyond(&self.sheet, row, col));
        }
        self.held += 32 + if let Cell::Text(t) | Cell::Error(t) = &value { t.len() as u64 } else { 0 };
        if self.held > MAX_UNPACKED {
            return Err(too_big());
        }
        let cells = self.by_row.entry(row as u32).or_default();
        if cells.len() <= col as usize {
            cells.resize(col as usize + 1, Cell::Empty);
        }
        cells[col as usize] = value;
        Ok(())
    }

    /// The sheet's grid.
    pub(crate) fn finish(self) -> Grid {
        let rows = self.by_row.into_iter().map(|(r, cells)| (r as usize + 1, cells)).collect();
        Grid { sheet: self.sheet, rows, notes: Vec::new(), sheets: Vec::new() }
    }
}

/// The place of a note about the whole file.
pub(crate) fn file_at(file: &str) -> Msg {
    super::errors::SheetError::new(file, None, None, None, None, Msg::new("roster.item")).location_msg()
}

/// "The workbook unpacks to more than 128 MiB".
pub(crate) fn too_big() -> Msg {
    Msg::new("roster.too_big").arg("most", MAX_UNPACKED >> 20)
}

/// Content at 0-based (`row`, `col`), beyond the rows and columns a roster sheet may have.
pub(crate) fn beyond(sheet: &str, row: u64, col: u64) -> Msg {
    Msg::new("roster.beyond_bounds")
        .arg("sheet", sheet)
        .arg("rows", MAX_ROWS)
        .arg("columns", MAX_COLUMNS)
        .arg("row", row.saturating_add(1))
        .arg("column", col.saturating_add(1))
}

pub(crate) fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(x) => Cell::Number(*x),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) if dt.is_datetime() => Cell::Date(d),
            _ => Cell::Number(dt.as_f64()),
        },
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

fn csv(text: &str, file: &str) -> Result<Grid, SheetErrors> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = match (first.contains(','), first.contains('\t'), first.contains(';')) {
        (false, true, _) => b'\t',
        (false, false, true) => b';',
        _ => b',',
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(rows.len() + 1, |p| line_of(text, p));
                let cells: Vec<Cell> =
                    record.iter().map(|s| Cell::Text(crate::cells::restore(s).to_string())).collect();
                if cells.iter().any(|c| !c.is_blank()) {
                    rows.push((line, cells));
                }
            }
            Err(e) => {
                let mut errors = SheetErrors::file(file, Msg::new("roster.bad_csv").arg("detail", &e));
                errors.errors[0].sheet = Some(file.to_string());
                errors.errors[0].row = e.position().map(|p| p.line() as usize);
                return Err(errors);
            }
        }
    }
    Ok(Grid { sheet: file.to_string(), rows, notes: Vec::new(), sheets: Vec::new() })
}

/// The line a record starts on: the reader's position can point at blank lines it skipped.
fn line_of(text: &str, p: &csv::Position) -> usize {
    let rest = text.get(p.byte() as usize..).unwrap_or("");
    let skipped = rest.bytes().take_while(|b| *b == b'\n' || *b == b'\r').filter(|b| *b == b'\n').count();
    p.line() as usize + skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_numbered_as_lines_and_blank_ones_dropped() {
        let g = read("\u{feff}编号,姓名\n\nP1,甲\n,\n\"P2\",\"乙\"\r\n".as_bytes(), "r.csv", ROSTER_SHEET).unwrap();
        let numbers: Vec<usize> = g.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [1, 3, 5]);
        assert_eq!(g.rows[2].1, [Cell::Text("P2".into()), Cell::Text("乙".into())]);
        assert_eq!(g.sheet, "r.csv");
        let tabs = read("编号\t姓名\nP1\t甲\n".as_bytes(), "r.tsv", ROSTER_SHEET).unwrap();
        assert_eq!(tabs.rows[1].1, [Cell::Text("P1".into()), Cell::Text("甲".into())]);
    }

    #[test]
    fn cells_as_text() {
        assert_eq!(Cell::Number(370102.0).text().as_deref(), Ok("370102"));
        assert_eq!(Cell::Number(36.5).text().as_deref(), Ok("36.5"));
        assert_eq!(Cell::Text("  历下区 ".into()).text().as_deref(), Ok("历下区"));
        assert!(Cell::Error("#N/A".into()).text().unwrap_err().to_string().contains("#N/A"));
    }
}
