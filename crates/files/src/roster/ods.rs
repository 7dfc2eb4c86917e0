//! OpenDocument spreadsheets (.ods, what LibreOffice saves), read by calamine once checked.
//!
//! calamine's `Ods` reader parses every sheet of `content.xml` into a dense range, and it
//! trusts the repeat counts (`table:number-rows-repeated`, `table:number-columns-repeated`)
//! the file declares: a hostile kilobyte could ask it for billions of cells. So, as for xlsx,
//! the archive is inflated first with its bytes counted (at most [`MAX_UNPACKED`]), and while
//! it is, `content.xml` is scanned for the cells calamine would hold; a file that would make it
//! hold more than [`MAX_CELLS`], or that has content beyond a roster sheet's rows and columns,
//! is refused before calamine reads it.

use std::io::{Cursor, Read};

use calamine::{Data, Ods, Reader};
use sanlian_model::Msg;

use super::errors::SheetErrors;
use super::grid::{beyond, cell, too_big, Cells, Counted, Grid, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED};

/// The `mimetype` of an OpenDocument spreadsheet.
pub(crate) const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// Most cells calamine may be asked to hold, over all the sheets of a workbook (a roster of
/// 100,000 cadres in 22 columns has 2.2 million).
pub(crate) const MAX_CELLS: u64 = 3_000_000;

/// Is this ZIP archive an OpenDocument file (it has a `mimetype` or a `content.xml` entry)?
pub(crate) fn is_ods(bytes: &[u8]) -> bool {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive.index_for_name("mimetype").is_some() || archive.index_for_name("content.xml").is_some(),
        Err(_) => false,
    }
}

/// Read the sheet named `wanted` (else the first sheet) of an .ods workbook.
pub(crate) fn read(bytes: &[u8], file: &str, wanted: &str) -> Result<Grid, SheetErrors> {
    let not = |e: &dyn std::fmt::Display| SheetErrors::file(file, Msg::new("roster.unreadable_ods").arg("detail", e));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not(&e))?;
    // (An archive written with data descriptors, as LibreOffice writes, declares no total.)
    let declared = archive.decompressed_size().map_or(0, |n| u64::try_from(n).unwrap_or(u64::MAX));
    if declared > MAX_UNPACKED {
        return Err(SheetErrors::file(file, too_big()));
    }
    // The declared type: an OpenDocument text or drawing is not a roster.
    if let Ok(entry) = archive.by_name("mimetype") {
        let mut kind = String::new();
        let mut limited = entry.take(200);
        limited.read_to_string(&mut kind).map_err(|e| not(&e))?;
        if kind.trim() != MIMETYPE {
            let why = Msg::new("roster.ods_mimetype").arg("mimetype", kind.trim());
            return Err(SheetErrors::file(file, Msg::new("roster.unreadable_ods").arg_msg("detail", why)));
        }
    }
    // An encrypted file's content.xml is not XML: say why, as calamine would.
    if let Ok(entry) = archive.by_name("META-INF/manifest.xml") {
        let mut manifest = Vec::new();
        entry.take(1 << 20).read_to_end(&mut manifest).map_err(|e| not(&e))?;
        if manifest.windows(24).any(|w| w == b"manifest:encryption-data") {
            return Err(SheetErrors::file(file, Msg::new("roster.password")));
        }
    }
    let mut inflated = 0u64;
    let mut scan = Scan::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| not(&e))?;
        let content = entry.name() == "content.xml";
        let limited = std::io::Read::take(&mut entry, MAX_UNPACKED - inflated + 1);
        let mut counted = Counted { inner: limited, bytes: 0 };
        if content {
            match scan.content(&mut counted) {
                Ok(()) => {}
                Err(Stop::Refused(msg)) => return Err(SheetErrors::file(file, msg)),
                Err(Stop::Xml(e)) => return Err(not(&e)),
            }
        } else {
            std::io::copy(&mut counted, &mut std::io::sink()).map_err(|e| not(&e))?;
        }
        inflated += counted.bytes;
        if inflated > MAX_UNPACKED {
            return Err(SheetErrors::file(file, too_big()));
        }
    }
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => SheetErrors::file(file, Msg::new("roster.password")),
        e => not(&e),
    })?;
    let names = wb.sheet_names();
    let Some(sheet) = names.iter().find(|n| n.trim() == wanted).or_else(|| names.first()).cloned() else {
        return Err(SheetErrors::file(file, Msg::new("roster.no_sheets")));
    };
    let range = wb.worksheet_range(&sheet).map_err(|e| not(&e))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut cells = Cells::new(&sheet);
    for (r, c, value) in range.used_cells() {
        let value = match value {
            Data::Empty => continue,
            v => cell(v),
        };
        let (row, col) = (top as u64 + r as u64, left as u64 + c as u64);
        cells.put(row, col, value).map_err(|m| SheetErrors::file(file, m))?;
    }
    let mut grid = cells.finish();
    grid.sheets = names.clone();
    Ok(grid)
}

/// Why the scan of `content.xml` stopped.
enum Stop {
    /// The workbook is refused: the message to show.
    Refused(Msg),
    /// The XML is malformed.
    Xml(quick_xml::Error),
}

/// What calamine would hold of `content.xml`, counted as it is scanned.
#[derive(Default)]
struct Scan {
    /// Cells held over all sheets: those read row by row, then each sheet's dense range.
    held: u64,
}

/// The state of the sheet being scanned.
#[derive(Default)]
struct Sheet {
    name: String,
    /// 0-based row of the next row element (repeats counted).
    row: u64,
    /// Rows of the first and past the last row with content.
    first: Option<u64>,
    end: u64,
    /// Widest row with content, in cells held.
    width: u64,
}

impl Scan {
    /// Scan `content.xml` as calamine reads it (elements by their prefixed names), counting
    /// the cells it would push: every cell with a value or formula and every run of empty
    /// cells followed by another cell, once per row element; and then the dense range of
    /// each sheet, from its first to its last row with content.
    fn content(&mut self, from: impl Read) -> Result<(), Stop> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(from));
        let mut buf = Vec::new();
        let mut sheet: Option<Sheet> = None;
        // The row element being read: its repeats, cells pushed, a run of empty cells not yet
        // pushed, and whether it has content.
        let (mut repeats, mut pushed, mut pending, mut content) = (1u64, 0u64, 0u64, false);
        loop {
            let event = reader.read_event_into(&mut buf).map_err(Stop::Xml)?;
            match event {
                Event::Eof => return Ok(()),
                Event::Start(ref e) | Event::Empty(ref e) => match e.name().as_ref() {
                    b"table:table" => {
                        let name = attr(e, b"table:name").unwrap_or_default();
                        sheet = Some(Sheet { name, ..Sheet::default() });
                    }
                    b"table:table-row" => {
                        repeats = attr(e, b"table:number-rows-repeated").map_or(1, |v| count(&v));
                        (pushed, pending, content) = (0, 0, false);
                        if matches!(event, Event::Empty(_)) {
                            self.row_end(sheet.as_mut(), repeats, pushed, content)?;
                        }
                    }
                    b"table:table-cell" | b"table:covered-table-cell" => {
                        let n = attr(e, b"table:number-columns-repeated").map_or(1, |v| count(&v));
                        let valued = e.attributes().flatten().any(|a| {
                            matches!(
                                a.key.as_ref(),
                                b"office:value"
                                    | b"office:string-value"
                                    | b"office:date-value"
                                    | b"office:time-value"
                                    | b"office:boolean-value"
                                    | b"table:formula"
                            ) || (a.key.as_ref() == b"office:value-type" && a.value.as_ref() == b"string")
                        });
                        pushed = pushed.saturating_add(pending);
                        pending = 0;
                        if valued {
                            pushed = pushed.saturating_add(n);
                            content = true;
                        } else {
                            pending = n;
                        }
                        self.add(pushed, sheet.as_ref())?;
                    }
                    _ => {}
                },
                Event::End(ref e) => match e.name().as_ref() {
                    b"table:table-row" => self.row_end(sheet.as_mut(), repeats, pushed, content)?,
                    b"table:table" => {
                        if let Some(s) = sheet.take() {
                            let rows = s.first.map_or(0, |f| s.end - f);
                            self.held = self.held.saturating_add(rows.saturating_mul(s.width));
                            self.add(0, Some(&s))?;
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            buf.clear();
        }
    }

    /// The end of a row element: its cells are held, its content places the sheet's range.
    fn row_end(&mut self, sheet: Option<&mut Sheet>, repeats: u64, pushed: u64, content: bool) -> Result<(), Stop> {
        self.held = self.held.saturating_add(pushed);
        let Some(s) = sheet else { return Ok(()) };
        let start = s.row;
        s.row = s.row.saturating_add(repeats.max(1));
        if content {
            s.first.get_or_insert(start);
            s.end = s.row;
            s.width = s.width.max(pushed);
            if s.end > MAX_ROWS as u64 || pushed > MAX_COLUMNS as u64 {
                let (row, col) = (s.end - 1, pushed.saturating_sub(1));
                return Err(Stop::Refused(beyond(&s.name, row, col)));
            }
        }
        self.add(0, Some(s))
    }

    /// Refuse once the cells held (and `more` of the row being read) exceed [`MAX_CELLS`].
    fn add(&self, more: u64, sheet: Option<&Sheet>) -> Result<(), Stop> {
        if self.held.saturating_add(more) <= MAX_CELLS {
            return Ok(());
        }
        Err(Stop::Refused(match sheet {
            Some(s) if more > MAX_COLUMNS as u64 => beyond(&s.name, s.row, more - 1),
            _ => too_big(),
        }))
    }
}

/// The value of attribute `name`, unescaped.
fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    let a = e.attributes().flatten().find(|a| a.key.as_ref() == name)?;
    let raw = String::from_utf8_lossy(&a.value).into_owned();
    Some(quick_xml::escape::unescape(&raw).map_or_else(|_| raw.clone(), |v| v.into_owned()))
}

/// A repeat count as calamine reads it (an unparsable one is calamine's error to give, so it
/// counts as 1 here).
fn count(v: &str) -> u64 {
    v.trim().parse::<u64>().unwrap_or(1)
}
