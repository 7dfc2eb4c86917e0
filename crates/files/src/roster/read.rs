//! Rows of a roster sheet → cadres, with every problem located.

use std::collections::HashMap;

use sanlian_model::{Cadre, Level, Msg, Point, Region};

use super::columns::{letter, Col, COLUMNS, REQUIRED};
use super::errors::{list, Collector, Note, SheetErrors};
use super::grid::{Cell, Grid};
use super::names::Names;
use super::parse;
use super::Roster;

/// The cadres of `grid`, or every problem found (at most 100 listed).
pub(crate) fn cadres(grid: &Grid, file: &str, region: &Region, first_year: Option<i32>) -> Result<Roster, SheetErrors> {
    let mut errors = Collector::new(file, &grid.sheet);
    let mut warnings = grid.notes.clone();
    let Some(h) = find_header(grid, file, &mut errors, &mut warnings) else { return Err(errors.finish()) };
    let cols = columns(grid, h, &mut errors, &mut warnings);
    if !errors.is_empty() {
        return Err(errors.finish());
    }
    let read = rows(grid, h, &cols, region, first_year, &mut errors);
    if !errors.is_empty() {
        return Err(errors.finish());
    }
    warnings.extend(same_names(&read, &errors));
    let cadres: Vec<Cadre> = read.into_iter().map(|(_, c)| c).collect();
    if cadres.is_empty() {
        warnings.push(Note::at(super::grid::file_at(file), Msg::new("roster.no_cadres")));
    }
    Ok(Roster { cadres, warnings })
}

/// The index in `grid.rows` of the header row: the first row naming a template column.
fn find_header(grid: &Grid, file: &str, errors: &mut Collector<'_>, warnings: &mut Vec<Note>) -> Option<usize> {
    let Some(h) = grid.rows.iter().position(|(_, cells)| cells.iter().any(|c| header_of(c).is_some())) else {
        let message = match grid.rows.first() {
            None => "roster.empty_sheet",
            Some(_) => "roster.no_header",
        };
        errors.add(grid.rows.first().map(|(r, _)| *r), None, None, Msg::new(message));
        return None;
    };
    if h > 0 {
        let (first, last, header) = (grid.rows[0].0, grid.rows[h - 1].0, grid.rows[h].0);
        let why = if first == last {
            Msg::new("roster.title_row").arg("first", first).arg("header", header)
        } else {
            Msg::new("roster.title_rows").arg("first", first).arg("last", last).arg("header", header)
        };
        warnings.push(Note::at(super::grid::file_at(file), why));
    }
    Some(h)
}

/// The column index of each template column of header row `h`; repeated and missing required
/// columns are errors, other headers and headerless data warnings.
fn columns(grid: &Grid, h: usize, errors: &mut Collector<'_>, warnings: &mut Vec<Note>) -> HashMap<Col, usize> {
    let (row, cells) = (grid.rows[h].0, &grid.rows[h].1);
    let mut cols: HashMap<Col, usize> = HashMap::new();
    for (j, cell) in cells.iter().enumerate() {
        let text = cell.text().unwrap_or_default();
        match header_of(cell).map(|col| (col, cols.get(&col).copied())) {
            Some((col, Some(first))) => {
                let message = Msg::new("roster.column_twice")
                    .arg("column", col.header())
                    .arg("first", letter(first))
                    .arg("second", letter(j));
                errors.add(Some(row), Some(col.header()), Some(letter(j)), message);
            }
            Some((col, None)) => {
                cols.insert(col, j);
            }
            None if !text.is_empty() => {
                let at = errors.location(Some(row), Some(&text), Some(letter(j)));
                warnings.push(Note::at(at, Msg::new("roster.not_a_column")));
            }
            None => {
                if grid.rows[h + 1..].iter().any(|(_, cells)| cells.get(j).is_some_and(|c| !c.is_blank())) {
                    let at = errors.location(None, None, Some(letter(j)));
                    warnings.push(Note::at(at, Msg::new("roster.data_without_header")));
                }
            }
        }
    }
    for col in REQUIRED.into_iter().filter(|c| !cols.contains_key(c)) {
        let h = col.header();
        errors.add(Some(row), Some(h), None, Msg::new("roster.missing_column").arg("column", h));
    }
    cols
}

/// The cadres of the rows below header row `h`; rows with nothing in a template column are
/// skipped, and a repeated 编号 is an error naming both rows.
fn rows(
    grid: &Grid,
    h: usize,
    cols: &HashMap<Col, usize>,
    region: &Region,
    first_year: Option<i32>,
    errors: &mut Collector<'_>,
) -> Vec<(usize, Cadre)> {
    let names = Names::new(region);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut cadres = Vec::new();
    for (row, cells) in &grid.rows[h + 1..] {
        let mut r = RowReader { row: *row, cells, cols, errors, first_year };
        if COLUMNS.iter().all(|s| r.cell(s.col).is_blank()) {
            continue;
        }
        let id = super::grid::narrow(&r.cell(Col::Id).text().unwrap_or_default()).trim().to_string();
        if let Some(first) = seen.get(&id).filter(|_| !id.is_empty()) {
            r.error(Col::Id, Msg::new("roster.id_twice").arg("id", &id).arg("first", first).arg("row", row));
        } else {
            seen.insert(id, *row);
        }
        if let Some(cadre) = r.cadre(&names, region) {
            cadres.push((*row, cadre));
        }
    }
    cadres
}

/// A warning for each 姓名 that two or more rows share: such cadres are told apart by 编号
/// alone (in the re-plan panel, in letters), so the planner should know.
fn same_names(read: &[(usize, Cadre)], errors: &Collector<'_>) -> Vec<Note> {
    let mut by_name: std::collections::BTreeMap<&str, Vec<(usize, &str)>> = std::collections::BTreeMap::new();
    for (row, c) in read {
        by_name.entry(c.name.as_str()).or_default().push((*row, c.id.as_str()));
    }
    by_name
        .into_iter()
        .filter(|(_, rows)| rows.len() > 1)
        .map(|(name, rows)| {
            let at = errors.location(Some(rows[0].0), Some(Col::Name.header()), None);
            let items = rows.iter().map(|(r, id)| Msg::new("roster.row_id").arg("row", r).arg("id", id)).collect();
            let why =
                Msg::new("roster.same_name").arg("count", rows.len()).arg("name", name).arg_msg("rows", list(items));
            Note::at(at, why)
        })
        .collect()
}

/// A name as a person writes it: a full-width or doubled space between Chinese characters
/// (padding of a two-character name, "王　五") removed, other runs of spaces made one.
fn clean_name(name: &str) -> String {
    let chars: Vec<char> = name.split_whitespace().flat_map(|w| w.chars().chain([' '])).collect();
    let cjk = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c) || c == '·';
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let (before, after) = (i.checked_sub(1).map(|j| chars[j]), chars.get(i + 1).copied());
            if after.is_none() || (before.is_some_and(cjk) && after.is_some_and(cjk)) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn header_of(cell: &Cell) -> Option<Col> {
    match cell {
        Cell::Text(t) => Col::from_header(t),
        _ => None,
    }
}

/// One data row being read.
struct RowReader<'r, 'c> {
    row: usize,
    cells: &'r [Cell],
    cols: &'r HashMap<Col, usize>,
    errors: &'r mut Collector<'c>,
    /// The plan's first calendar year, when known (for 参加年度 written as 2027、2028).
    first_year: Option<i32>,
}

const EMPTY: Cell = Cell::Empty;

impl RowReader<'_, '_> {
    fn cell(&self, col: Col) -> &Cell {
        self.cols.get(&col).and_then(|&j| self.cells.get(j)).unwrap_or(&EMPTY)
    }

    fn error(&mut self, col: Col, message: Msg) {
        let letter = self.cols.get(&col).map(|&j| letter(j));
        self.errors.add(Some(self.row), Some(col.header()), letter, message);
    }

    /// The cell's text, or None after recording why it cannot be read.
    fn text(&mut self, col: Col) -> Option<String> {
        match self.cell(col).text() {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(col, e);
                None
            }
        }
    }

    /// Apply `f` to the cell, recording its error.
    fn parse<T>(&mut self, col: Col, f: impl FnOnce(&Cell) -> Result<T, Msg>) -> Option<T> {
        match f(self.cell(col)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(col, e);
                None
            }
        }
    }

    /// A non-empty text, or None after recording that it is missing; `what` is the catalogue
    /// code of what every cadre needs.
    fn required(&mut self, col: Col, what: &str) -> Option<String> {
        let t = self.text(col)?;
        if t.is_empty() {
            self.error(col, Msg::new("roster.empty").arg("column", col.header()).arg_msg("what", Msg::new(what)));
            return None;
        }
        Some(t)
    }

    fn optional(&mut self, col: Col) -> Option<String> {
        self.text(col).filter(|t| !t.is_empty())
    }

    /// The cadre of this row, or None when a problem was recorded.
    fn cadre(&mut self, names: &Names<'_>, region: &Region) -> Option<Cadre> {
        let before = self.errors_len();
        let id = self.required(Col::Id, "roster.needs_id").map(|t| super::grid::narrow(&t).trim().to_string());
        let name = self.required(Col::Name, "roster.needs_name").map(|n| clean_name(&n));
        let level = self
            .required(Col::Level, "roster.needs_level")
            .and_then(|t| parse::level(&t).map_err(|e| self.error(Col::Level, e)).ok());
        let unit = self.required(Col::Unit, "roster.needs_unit");
        let department = self.optional(Col::Department);
        let senior = self.parse(Col::Senior, parse::yes_no);

        let home_city =
            self.optional(Col::City).and_then(|t| names.city(&t).map_err(|e| self.error(Col::City, e)).ok());
        let home_county = self.optional(Col::County).and_then(|t| {
            let found = names.county(&t, home_city).map_err(|e| {
                let e = if e.code == "roster.county_ambiguous" {
                    Msg::new("roster.or_fill_city").arg_msg("why", e)
                } else {
                    e
                };
                self.error(Col::County, e);
            });
            let k = found.ok()?;
            let county = &region.counties[k];
            match home_city.map(|c| &region.cities[c]) {
                Some(city) if city.code != county.city => {
                    let msg = Msg::new("roster.county_not_in_city")
                        .arg("county", &county.name)
                        .arg("in_city", names.city_label(&county.city))
                        .arg("city", &city.name);
                    self.error(Col::County, msg);
                    None
                }
                _ => Some(k),
            }
        });
        match level {
            Some(Level::City) if home_city.is_none() && self.cell(Col::City).is_blank() => {
                self.error(Col::City, Msg::new("roster.city_cadre_needs_city"))
            }
            Some(Level::County) if home_county.is_none() && self.cell(Col::County).is_blank() => {
                self.error(Col::County, Msg::new("roster.county_cadre_needs_county"))
            }
            _ => {}
        }

        let base = self.base(level, home_city, home_county, region);
        let strengths = self.text(Col::Strengths).map(|t| parse::list(&t)).unwrap_or_default();
        let mut preferred = Vec::new();
        for item in self.text(Col::Preferred).map(|t| parse::list(&t)).unwrap_or_default() {
            match names.county(&item, home_city) {
                Ok(k) => preferred.push(region.counties[k].code.clone()),
                Err(e) => self.error(Col::Preferred, e),
            }
        }
        let previous = self.optional(Col::Previous).and_then(|t| match names.county(&t, home_city) {
            Ok(k) => Some(region.counties[k].code.clone()),
            Err(e) => {
                self.error(Col::Previous, e);
                None
            }
        });
        let unavailable = self.parse(Col::Unavailable, parse::months).unwrap_or_default();
        let first_year = self.first_year;
        let years = self
            .text(Col::Years)
            .and_then(|t| parse::years(&t, first_year).map_err(|e| self.error(Col::Years, e)).ok());
        let mode = match self.optional(Col::Mode) {
            Some(t) => parse::mode(&t).map(Some).map_err(|e| self.error(Col::Mode, e)).ok(),
            None => Some(None),
        };
        let from = self.date(Col::From);
        let until = self.date(Col::Until);
        let gender = self.optional(Col::Gender);
        let title = self.optional(Col::Title);
        let phone = self.optional(Col::Phone).map(|t| super::grid::narrow(&t).trim().to_string());
        let note = self.optional(Col::Note);
        if self.errors_len() != before {
            return None;
        }
        let mut cadre = Cadre::new(id?, name?, level?, unit?, base?);
        cadre.department = department;
        cadre.senior = senior?;
        cadre.home_city = home_city.map(|c| region.cities[c].code.clone());
        cadre.home_county = home_county.map(|k| region.counties[k].code.clone());
        cadre.strengths = strengths;
        cadre.preferred_counties = preferred;
        cadre.previous_county = previous;
        cadre.unavailable_months = unavailable;
        cadre.active_years = years?;
        cadre.mode = mode?;
        cadre.from = from?;
        cadre.until = until?;
        cadre.gender = gender;
        cadre.title = title;
        cadre.phone = phone;
        cadre.note = note;
        Some(cadre)
    }

    fn errors_len(&self) -> usize {
        self.errors.len()
    }

    /// Some(None) for an empty cell, Some(Some(date)) for a date, None after an error.
    fn date(&mut self, col: Col) -> Option<Option<chrono::NaiveDate>> {
        if self.cell(col).is_blank() {
            return Some(None);
        }
        self.parse(col, parse::date).map(Some)
    }

    /// The base: 驻地纬度/驻地经度 when given, else the seat the level implies.
    fn base(
        &mut self,
        level: Option<Level>,
        city: Option<usize>,
        county: Option<usize>,
        region: &Region,
    ) -> Option<Point> {
        let (lat_blank, lon_blank) = (self.cell(Col::Lat).is_blank(), self.cell(Col::Lon).is_blank());
        if !lat_blank || !lon_blank {
            if lat_blank || lon_blank {
                let missing = if lat_blank { Col::Lat } else { Col::Lon };
                self.error(missing, Msg::new("roster.lat_lon_pair"));
                return None;
            }
            let lat = self.parse(Col::Lat, |c| parse::number(c, -90.0..=90.0, "roster.latitude"));
            let lon = self.parse(Col::Lon, |c| parse::number(c, -180.0..=180.0, "roster.longitude"));
            return Some(Point { lat: lat?, lon: lon? });
        }
        let county_seat = county.map(|k| region.counties[k].seat);
        let city_seat = city.map(|c| region.cities[c].seat);
        match level? {
            Level::Province => Some(region.province.seat),
            Level::City => city_seat,
            Level::County => county_seat,
            Level::University | Level::Enterprise => {
                let seat = county_seat.or(city_seat);
                if seat.is_none() && self.cell(Col::County).is_blank() && self.cell(Col::City).is_blank() {
                    self.error(Col::Lat, Msg::new("roster.unit_needs_place"));
                }
                seat
            }
        }
    }
}
