//! Legacy Excel (.xls, BIFF8) and WPS (.et) workbooks, read by a reader of this crate's own.
//!
//! calamine reads these too, but it trusts the file: it reserves memory from sizes and
//! dimensions the file declares, follows sector chains without a bound and indexes tables
//! with the file's numbers, so a hostile kilobyte could ask for gigabytes or panic. Here every
//! sector number, chain, offset and length is checked against the bytes there are before it
//! is used, nothing is reserved from a declared size, and every cell goes through
//! [`Cells`], which bounds what is held. Only what a roster needs is read: the sheet's text,
//! number, date, boolean and formula-result cells.

use chrono::{NaiveDate, NaiveDateTime};
use sanlian_model::Msg;

use super::errors::SheetErrors;
use super::grid::{Cell, Cells, Grid};

/// Read the sheet named `wanted` (else the first worksheet) of a legacy workbook.
pub(crate) fn read(bytes: &[u8], file: &str, wanted: &str) -> Result<Grid, SheetErrors> {
    let fail = |why: String| {
        let msg = Msg::new("roster.password");
        if why == msg.to_string() {
            return SheetErrors::file(file, msg);
        }
        SheetErrors::file(file, Msg::new("roster.unreadable_xls").arg("detail", why))
    };
    let stream = workbook_stream(bytes).map_err(fail)?;
    let book = globals(&stream).map_err(fail)?;
    let Some(sheet) = book.sheets.iter().find(|s| s.name.trim() == wanted).or_else(|| book.sheets.first()) else {
        return Err(SheetErrors::file(file, Msg::new("roster.no_sheets")));
    };
    let mut cells = Cells::new(&sheet.name);
    sheet_cells(&stream, sheet.offset, &book, &mut cells).map_err(|e| match e {
        Failure::Malformed(why) => fail(why),
        Failure::Bounds(message) => SheetErrors::file(file, message),
    })?;
    let mut grid = cells.finish();
    grid.sheets = book.sheets.iter().map(|s| s.name.clone()).collect();
    Ok(grid)
}

// ---- The compound file (MS-CFB): find the workbook stream. ----

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// The compound file's sectors and allocation table.
struct Compound<'a> {
    bytes: &'a [u8],
    size: usize,
    sectors: usize,
    fat: Vec<u32>,
}

impl Compound<'_> {
    /// Sector `id`'s bytes (the last sector of a file may be short).
    fn sector(&self, id: u32) -> Result<&[u8], String> {
        let i = id as usize;
        if i >= self.sectors {
            return Err(format!("sector {id} is outside the file"));
        }
        let start = (i + 1) * self.size;
        Ok(&self.bytes[start..(start + self.size).min(self.bytes.len())])
    }

    /// The sectors of the chain from `start`, each once: a chain longer than the file or
    /// naming a sector outside it is malformed.
    fn chain(&self, start: u32, table: &[u32]) -> Result<Vec<u32>, String> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if out.len() >= table.len() {
                return Err("a sector chain loops".into());
            }
            out.push(id);
            id = *table
                .get(id as usize)
                .ok_or_else(|| format!("a sector chain names sector {id}, outside the table"))?;
        }
        Ok(out)
    }

    /// The first `len` bytes of the chain from `start`.
    fn stream(&self, start: u32, len: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        for id in self.chain(start, &self.fat)? {
            if out.len() >= len {
                break;
            }
            out.extend_from_slice(self.sector(id)?);
        }
        if out.len() < len {
            return Err(format!("a stream declares {len} bytes but its sectors hold {}", out.len()));
        }
        out.truncate(len);
        Ok(out)
    }
}

/// The Workbook (or, from Excel 5, Book) stream of a compound file.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let header = bytes.get(..512).ok_or("the file is shorter than its header")?;
    let size = match u16_at(header, 30) {
        Some(9) => 512usize,
        Some(12) => 4096,
        _ => return Err("unknown sector size".into()),
    };
    let sectors = bytes.len().saturating_sub(size).div_ceil(size);
    let mut cf = Compound { bytes, size, sectors, fat: Vec::new() };
    let fat_sectors = u32_at(header, 44).unwrap_or(0) as usize;
    if fat_sectors > sectors {
        return Err(format!("the header declares {fat_sectors} allocation sectors in a file of {sectors}"));
    }
    // The allocation table's sectors: 109 in the header, the rest in a chain of DIFAT sectors.
    let mut fat_ids: Vec<u32> = (0..109).filter_map(|i| u32_at(header, 76 + 4 * i)).filter(|&id| id != FREE).collect();
    let mut difat = u32_at(header, 68).unwrap_or(END_OF_CHAIN);
    let mut seen = 0;
    while difat != END_OF_CHAIN && difat != FREE {
        seen += 1;
        if seen > sectors {
            return Err("the DIFAT chain loops".into());
        }
        let s = cf.sector(difat)?;
        let n = s.len() / 4;
        fat_ids.extend((0..n.saturating_sub(1)).filter_map(|i| u32_at(s, 4 * i)).filter(|&id| id != FREE));
        difat = u32_at(s, 4 * (n.saturating_sub(1))).unwrap_or(END_OF_CHAIN);
    }
    fat_ids.truncate(fat_sectors);
    let mut fat = Vec::new();
    for id in fat_ids {
        let s = cf.sector(id)?;
        fat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    cf.fat = fat;

    // The directory: 128-byte entries; the root's stream is the mini stream.
    let mut dir = Vec::new();
    for id in cf.chain(u32_at(header, 48).unwrap_or(END_OF_CHAIN), &cf.fat)? {
        dir.extend_from_slice(cf.sector(id)?);
    }
    let entry = |i: usize| dir.get(i * 128..(i + 1) * 128);
    let name_of = |e: &[u8]| {
        let len = (u16_at(e, 64).unwrap_or(0) as usize).min(64) / 2;
        let units: Vec<u16> = (0..len).filter_map(|k| u16_at(e, 2 * k)).take_while(|&u| u != 0).collect();
        String::from_utf16_lossy(&units)
    };
    let stream_len = |e: &[u8]| -> Result<usize, String> {
        let low = u32_at(e, 120).unwrap_or(0) as u64;
        let high = if size == 4096 { u32_at(e, 124).unwrap_or(0) as u64 } else { 0 };
        let len = (high << 32) | low;
        if len > bytes.len() as u64 {
            return Err(format!("a stream declares {len} bytes, more than the file's {}", bytes.len()));
        }
        Ok(len as usize)
    };
    let root = entry(0).ok_or("the directory is empty")?;
    let mut found = None;
    for i in 0..dir.len() / 128 {
        let Some(e) = entry(i) else { break };
        let name = name_of(e);
        if e.get(66) == Some(&2) && (name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book")) {
            found = Some(e);
            if name.eq_ignore_ascii_case("Workbook") {
                break;
            }
        }
    }
    let e = found.ok_or("no Workbook stream: this is not an Excel or WPS workbook")?;
    let (start, len) = (u32_at(e, 116).unwrap_or(END_OF_CHAIN), stream_len(e)?);
    let cutoff = u32_at(header, 56).unwrap_or(4096) as usize;
    if len >= cutoff {
        return cf.stream(start, len);
    }
    // A small stream lives in 64-byte mini sectors inside the root's stream.
    let mini = cf.stream(u32_at(root, 116).unwrap_or(END_OF_CHAIN), stream_len(root)?)?;
    let minifat_ids = cf.chain(u32_at(header, 60).unwrap_or(END_OF_CHAIN), &cf.fat)?;
    let mut minifat = Vec::new();
    for id in minifat_ids {
        let s = cf.sector(id)?;
        minifat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    let mut out = Vec::new();
    for id in cf.chain(start, &minifat)? {
        if out.len() >= len {
            break;
        }
        let at = id as usize * 64;
        out.extend_from_slice(mini.get(at..at + 64).ok_or("a mini sector is outside the mini stream")?);
    }
    if out.len() < len {
        return Err(format!("a stream declares {len} bytes but its sectors hold {}", out.len()));
    }
    out.truncate(len);
    Ok(out)
}

// ---- The workbook stream (MS-XLS, BIFF8). ----

/// One record: its type and data.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
}

/// The records of `stream` from `at`; a record running past the stream's end is malformed.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = Result<Record<'_>, String>> {
    std::iter::from_fn(move || {
        if at >= stream.len() {
            return None;
        }
        let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) else {
            at = stream.len();
            return Some(Err("a record is cut short".into()));
        };
        let start = at + 4;
        let Some(data) = stream.get(start..start + len as usize) else {
            at = stream.len();
            return Some(Err(format!("a record of type {typ:#06x} runs past the end of the stream")));
        };
        at = start + len as usize;
        Some(Ok(Record { typ, data }))
    })
}

struct Sheet {
    name: String,
    offset: usize,
}

/// What the workbook's globals say: its sheets, shared strings and cell formats.
struct Book {
    sheets: Vec<Sheet>,
    strings: Vec<String>,
    /// Which cell formats (XF records, by index) show dates.
    date_xf: Vec<bool>,
    is_1904: bool,
}

/// Bytes read across a record and the CONTINUE records after it.
struct Pieces<'a> {
    parts: Vec<&'a [u8]>,
    part: usize,
    at: usize,
}

impl<'a> Pieces<'a> {
    fn byte(&mut self) -> Option<u8> {
        while self.at >= self.parts.get(self.part)?.len() {
            self.part += 1;
            self.at = 0;
        }
        let b = self.parts[self.part][self.at];
        self.at += 1;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([self.byte()?, self.byte()?, self.byte()?, self.byte()?]))
    }

    fn skip(&mut self, n: u64) -> Option<()> {
        for _ in 0..n {
            self.byte()?;
        }
        Some(())
    }

    /// `cch` characters, one or two bytes each by `high`; a CONTINUE record met inside them
    /// starts with a new flags byte saying how the rest are stored.
    fn chars(&mut self, cch: usize, mut high: bool) -> Option<String> {
        let mut units: Vec<u16> = Vec::new();
        while units.len() < cch {
            if self.at >= self.parts.get(self.part)?.len() {
                self.part += 1;
                self.at = 0;
                high = self.byte()? & 1 == 1;
                continue;
            }
            units.push(if high { self.u16()? } else { self.byte()? as u16 });
        }
        Some(String::from_utf16_lossy(&units))
    }

    /// An XLUnicodeRichExtendedString (of the shared-string table).
    fn rich_string(&mut self) -> Option<String> {
        let cch = self.u16()? as usize;
        let flags = self.byte()?;
        let runs = if flags & 0x8 != 0 { self.u16()? as u64 } else { 0 };
        let ext = if flags & 0x4 != 0 { self.u32()? as u64 } else { 0 };
        let s = self.chars(cch, flags & 1 == 1)?;
        self.skip(4 * runs)?;
        self.skip(ext)?;
        Some(s)
    }
}

/// A string of a single record: `cch` (read as `wide` 16 bits or 8), a flags byte, the
/// characters (and, when flagged, rich-text runs and phonetic data after them, ignored).
fn record_string(data: &[u8], wide: bool) -> Option<String> {
    let (cch, rest) =
        if wide { (u16_at(data, 0)? as usize, data.get(2..)?) } else { (*data.first()? as usize, data.get(1..)?) };
    let flags = *rest.first()?;
    let mut at = 1;
    if flags & 0x8 != 0 {
        at += 2;
    }
    if flags & 0x4 != 0 {
        at += 4;
    }
    let body = rest.get(at..)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = (0..cch).map(|k| u16_at(body, 2 * k)).collect::<Option<_>>()?;
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(body.get(..cch)?.iter().map(|&b| b as char).collect())
    }
}

fn globals(stream: &[u8]) -> Result<Book, String> {
    let mut book = Book { sheets: Vec::new(), strings: Vec::new(), date_xf: Vec::new(), is_1904: false };
    let mut formats: std::collections::HashMap<u16, bool> = std::collections::HashMap::new();
    let mut xf_formats: Vec<u16> = Vec::new();
    let mut iter = records(stream, 0).peekable();
    let first = iter.next().ok_or("the workbook stream is empty")??;
    if first.typ != 0x0809 {
        return Err("the workbook stream does not start with a BOF record".into());
    }
    match u16_at(first.data, 0) {
        Some(0x0600) => {}
        Some(v) => {
            return Err(format!(
                "a BIFF version {v:#06x} workbook (Excel 95 or older) is not read; only Excel 97–2003 .xls"
            ))
        }
        None => return Err("the BOF record is cut short".into()),
    }
    let bad = |what: &str| format!("a malformed {what} record");
    while let Some(r) = iter.next() {
        let r = r?;
        match r.typ {
            // The text of roster.password, given as that message by read().
            0x002F => return Err(Msg::new("roster.password").to_string()),
            0x0022 => book.is_1904 = u16_at(r.data, 0) == Some(1),
            0x041E => {
                let id = u16_at(r.data, 0).ok_or_else(|| bad("FORMAT"))?;
                let code = record_string(r.data.get(2..).unwrap_or(&[]), true).ok_or_else(|| bad("FORMAT"))?;
                formats.insert(id, is_date_format(&code));
            }
            0x00E0 => xf_formats.push(u16_at(r.data, 2).ok_or_else(|| bad("XF"))?),
            0x0085 => {
                let offset = u32_at(r.data, 0).ok_or_else(|| bad("BOUNDSHEET"))? as usize;
                let kind = r.data.get(5).copied().ok_or_else(|| bad("BOUNDSHEET"))?;
                let name = record_string(r.data.get(6..).unwrap_or(&[]), false).ok_or_else(|| bad("BOUNDSHEET"))?;
                if kind == 0 {
                    if offset >= stream.len() {
                        return Err(format!("sheet {name} starts at {offset}, past the end of the stream"));
                    }
                    book.sheets.push(Sheet { name, offset });
                }
            }
            0x00FC => {
                let mut parts = vec![r.data];
                while let Some(Ok(next)) = iter.peek() {
                    if next.typ != 0x003C {
                        break;
                    }
                    parts.push(next.data);
                    iter.next();
                }
                let mut p = Pieces { parts, part: 0, at: 0 };
                p.u32().ok_or_else(|| bad("SST"))?;
                let unique = p.u32().ok_or_else(|| bad("SST"))?;
                for _ in 0..unique {
                    // The declared count is not trusted to reserve memory: strings are read
                    // while there are bytes.
                    match p.rich_string() {
                        Some(s) => book.strings.push(s),
                        None => return Err(bad("SST")),
                    }
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    book.date_xf = xf_formats.iter().map(|f| formats.get(f).copied().unwrap_or_else(|| builtin_date(*f))).collect();
    Ok(book)
}

/// Excel's built-in number formats that show dates or times.
fn builtin_date(id: u16) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Does a number format code show a date or time? Quoted text, escaped characters and
/// bracketed colours or conditions are not parts of it.
fn is_date_format(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// Why a sheet's cells cannot be read.
enum Failure {
    /// The file is malformed.
    Malformed(String),
    /// The sheet is beyond a roster's bounds (the message to show).
    Bounds(Msg),
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Malformed(s)
    }
}

/// A serial date of the workbook's date system as a date and time.
fn serial_date(x: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !x.is_finite() || !(0.0..3_000_000.0).contains(&x) {
        return None;
    }
    let (base, x) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, x)
    } else if x < 61.0 {
        // Excel counts a 29 February 1900 that never was.
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, x)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, x)
    };
    let seconds = (x * 86_400.0).round() as i64;
    base.and_hms_opt(0, 0, 0)?.checked_add_signed(chrono::TimeDelta::try_seconds(seconds)?)
}

/// An RK number: 30 bits of a float or an integer, maybe divided by 100.
fn rk(v: u32) -> f64 {
    let x = if v & 2 != 0 { ((v as i32) >> 2) as f64 } else { f64::from_bits(((v & 0xFFFF_FFFC) as u64) << 32) };
    if v & 1 != 0 {
        x / 100.0
    } else {
        x
    }
}

fn sheet_cells(stream: &[u8], offset: usize, book: &Book, cells: &mut Cells) -> Result<(), Failure> {
    let number = |x: f64, xf: u16| match book.date_xf.get(xf as usize) {
        Some(true) => serial_date(x, book.is_1904).map_or(Cell::Number(x), Cell::Date),
        _ => Cell::Number(x),
    };
    let put = |cells: &mut Cells, row: u16, col: u16, value: Cell| {
        cells.put(row as u64, col as u64, value).map_err(Failure::Bounds)
    };
    let bad = |what: &str| Failure::Malformed(format!("a malformed {what} record"));
    let mut iter = records(stream, offset);
    match iter.next() {
        Some(Ok(r)) if r.typ == 0x0809 => {}
        _ => return Err(Failure::Malformed("the sheet does not start with a BOF record".into())),
    }
    let mut formula_at: Option<(u16, u16)> = None;
    for r in iter {
        let r = r?;
        let d = r.data;
        let at = || Some((u16_at(d, 0)?, u16_at(d, 2)?, u16_at(d, 4)?));
        match r.typ {
            0x000A => break,
            // LABELSST
            0x00FD => {
                let (row, col, _) = at().ok_or_else(|| bad("LABELSST"))?;
                let i = u32_at(d, 6).ok_or_else(|| bad("LABELSST"))? as usize;
                let s = book.strings.get(i).ok_or_else(|| {
                    Failure::Malformed(format!(
                        "a cell names shared string {i}, the workbook has {}",
                        book.strings.len()
                    ))
                })?;
                put(cells, row, col, Cell::Text(s.clone()))?;
            }
            // LABEL, RSTRING
            0x0204 | 0x00D6 => {
                let (row, col, _) = at().ok_or_else(|| bad("LABEL"))?;
                let s = record_string(d.get(6..).unwrap_or(&[]), true).ok_or_else(|| bad("LABEL"))?;
                put(cells, row, col, Cell::Text(s))?;
            }
            // NUMBER
            0x0203 => {
                let (row, col, xf) = at().ok_or_else(|| bad("NUMBER"))?;
                let bits = d.get(6..14).ok_or_else(|| bad("NUMBER"))?;
                let x = f64::from_le_bytes(bits.try_into().map_err(|_| bad("NUMBER"))?);
                put(cells, row, col, number(x, xf))?;
            }
            // RK
            0x027E => {
                let (row, col, xf) = at().ok_or_else(|| bad("RK"))?;
                put(cells, row, col, number(rk(u32_at(d, 6).ok_or_else(|| bad("RK"))?), xf))?;
            }
            // MULRK: row, first column, (xf, rk) per column, last column.
            0x00BD => {
                let row = u16_at(d, 0).ok_or_else(|| bad("MULRK"))?;
                let first = u16_at(d, 2).ok_or_else(|| bad("MULRK"))?;
                let n = d.len().saturating_sub(6) / 6;
                for k in 0..n {
                    let xf = u16_at(d, 4 + 6 * k).ok_or_else(|| bad("MULRK"))?;
                    let v = u32_at(d, 6 + 6 * k).ok_or_else(|| bad("MULRK"))?;
                    put(cells, row, first.saturating_add(k as u16), number(rk(v), xf))?;
                }
            }
            // BOOLERR
            0x0205 => {
                let (row, col, _) = at().ok_or_else(|| bad("BOOLERR"))?;
                let (v, is_error) = (d.get(6).copied().ok_or_else(|| bad("BOOLERR"))?, d.get(7) == Some(&1));
                let value = if is_error { Cell::Error(error_text(v)) } else { Cell::Bool(v != 0) };
                put(cells, row, col, value)?;
            }
            // FORMULA: its cached result (a string result follows in a STRING record).
            0x0006 => {
                let (row, col, xf) = at().ok_or_else(|| bad("FORMULA"))?;
                let v = d.get(6..14).ok_or_else(|| bad("FORMULA"))?;
                formula_at = None;
                if v[6..8] == [0xFF, 0xFF] {
                    match v[0] {
                        0 => formula_at = Some((row, col)),
                        1 => put(cells, row, col, Cell::Bool(v[2] != 0))?,
                        2 => put(cells, row, col, Cell::Error(error_text(v[2])))?,
                        _ => {}
                    }
                } else {
                    let x = f64::from_le_bytes(v.try_into().map_err(|_| bad("FORMULA"))?);
                    put(cells, row, col, number(x, xf))?;
                }
            }
            // STRING: the result of the formula before it.
            0x0207 => {
                if let Some((row, col)) = formula_at.take() {
                    let s = record_string(d, true).ok_or_else(|| bad("STRING"))?;
                    put(cells, row, col, Cell::Text(s))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The text of a cell error code, as a spreadsheet shows it.
fn error_text(code: u8) -> String {
    match code {
        0x00 => "#NULL!",
        0x07 => "#DIV/0!",
        0x0F => "#VALUE!",
        0x17 => "#REF!",
        0x1D => "#NAME?",
        0x24 => "#NUM!",
        0x2A => "#N/A",
        _ => "#ERROR",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rk_numbers_and_dates() {
        assert_eq!(rk((370102 << 2) | 2), 370102.0);
        assert_eq!(rk((3650 << 2) | 3), 36.5);
        assert_eq!(rk(((1.5f64.to_bits() >> 32) as u32) & 0xFFFF_FFFC), 1.5);
        let d = serial_date(46569.0, false).unwrap();
        assert_eq!(d.date(), NaiveDate::from_ymd_opt(2027, 7, 1).unwrap());
        assert!(serial_date(f64::NAN, false).is_none() && serial_date(-1.0, false).is_none());
        assert!(is_date_format("yyyy\\-mm\\-dd") && is_date_format("[$-804]yyyy\"年\"m\"月\""));
        assert!(!is_date_format("0.00") && !is_date_format("\"day\"0") && !is_date_format("[Red]#,##0"));
    }

    #[test]
    fn truncated_and_looping_files_are_errors() {
        assert!(workbook_stream(&super::super::grid::OLE).is_err());
        let mut header = vec![0u8; 512 * 3];
        header[..8].copy_from_slice(&super::super::grid::OLE);
        header[30] = 9;
        header[44] = 1; // one FAT sector: sector 0, which says sector 1 follows sector 1
        header[76..80].copy_from_slice(&0u32.to_le_bytes());
        for i in 1..109 {
            header[76 + 4 * i..80 + 4 * i].copy_from_slice(&FREE.to_le_bytes());
        }
        header[48..52].copy_from_slice(&1u32.to_le_bytes());
        let fat = &mut header[512..1024];
        fat[4..8].copy_from_slice(&1u32.to_le_bytes());
        let e = workbook_stream(&header).unwrap_err();
        assert!(e.contains("loops"), "{e}");
    }
}
