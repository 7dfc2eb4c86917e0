//! Region import from the division CSV files (format of `shared/data/shandong/README.md`).
//!
//! The four files are `province.csv`, `cities.csv`, `counties.csv` and
//! `divisions.csv`. Only official counties (`official=yes`) become counties;
//! development zones (fifth digit of the county code `7`, `official=no`, no
//! coordinates) are left out together with the township rows filed under
//! them, and listed in [`RegionImport::zones_left_out`] and the region's
//! `zones_note`. Townships carry their kind and no location (none is known).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use csv::StringRecord;
use sanlian_model::{City, County, CountyKind, Point, Province, Region, Township};

use crate::GenError;

/// The result of [`load_region`].
#[derive(Debug, Clone, PartialEq)]
pub struct RegionImport {
    /// Province, cities, official counties and all their township-level rows.
    pub region: Region,
    /// Development zones left out, in file order: (code, name, township rows filed under it).
    pub zones_left_out: Vec<(String, String, usize)>,
}

/// One CSV file, read whole, with its header mapped to column positions.
pub(crate) struct Table {
    pub(crate) file: PathBuf,
    columns: BTreeMap<String, usize>,
    pub(crate) rows: Vec<(u64, StringRecord)>,
}

impl Table {
    pub(crate) fn read(dir: &Path, name: &str, required: &[&str]) -> Result<Table, GenError> {
        let file = dir.join(name);
        if !file.is_file() {
            return Err(GenError::MissingFile { file });
        }
        let text = std::fs::read(&file).map_err(|source| GenError::Io { file: file.clone(), source })?;
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_slice());
        let header = reader.headers().map_err(|e| csv_error(&file, &e))?.clone();
        let columns: BTreeMap<String, usize> =
            header.iter().enumerate().map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_string(), i)).collect();
        for col in required {
            if !columns.contains_key(*col) {
                return Err(GenError::MissingColumn { file, column: (*col).to_string() });
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&file, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push((line, record));
        }
        Ok(Table { file, columns, rows })
    }

    pub(crate) fn get<'r>(&self, row: &'r StringRecord, column: &str) -> &'r str {
        row.get(self.columns[column]).unwrap_or("").trim()
    }

    pub(crate) fn invalid(&self, line: u64, reason: impl Into<String>) -> GenError {
        GenError::Invalid { file: self.file.clone(), line, reason: reason.into() }
    }

    /// A non-empty field.
    pub(crate) fn text(&self, line: u64, row: &StringRecord, column: &str) -> Result<String, GenError> {
        let v = self.get(row, column);
        if v.is_empty() {
            return Err(self.invalid(line, format!("column {column} is empty")));
        }
        Ok(v.to_string())
    }

    /// A 6-digit code.
    pub(crate) fn code6(&self, line: u64, row: &StringRecord, column: &str) -> Result<String, GenError> {
        let v = self.text(line, row, column)?;
        if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.invalid(line, format!("column {column}: `{v}` is not a 6-digit code")));
        }
        Ok(v)
    }

    /// A number within `range`.
    pub(crate) fn number(
        &self,
        line: u64,
        row: &StringRecord,
        column: &str,
        range: std::ops::RangeInclusive<f64>,
    ) -> Result<f64, GenError> {
        let v = self.text(line, row, column)?;
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && range.contains(&x) => Ok(x),
            Ok(_) => {
                Err(self.invalid(line, format!("column {column}: {v} is outside {}–{}", range.start(), range.end())))
            }
            Err(_) => Err(self.invalid(line, format!("column {column}: `{v}` is not a number"))),
        }
    }

    pub(crate) fn point(&self, line: u64, row: &StringRecord, lat: &str, lon: &str) -> Result<Point, GenError> {
        Ok(Point { lat: self.number(line, row, lat, -90.0..=90.0)?, lon: self.number(line, row, lon, -180.0..=180.0)? })
    }
}

fn csv_error(file: &Path, e: &csv::Error) -> GenError {
    GenError::Invalid { file: file.to_path_buf(), line: e.position().map_or(0, |p| p.line()), reason: e.to_string() }
}

/// County kind from the name: ends with 区 → district, 县 → county, 市 → county-level city.
pub fn county_kind(name: &str) -> Option<CountyKind> {
    match name.chars().last()? {
        '区' => Some(CountyKind::District),
        '县' => Some(CountyKind::County),
        '市' => Some(CountyKind::CountyCity),
        _ => None,
    }
}

/// Is this 6-digit county-level code a development zone (fifth digit `7`)?
pub fn is_zone_code(code: &str) -> bool {
    code.as_bytes().get(4) == Some(&b'7')
}

/// The four files of a division folder, read with their columns checked, and the province
/// row parsed: what [`load_region`] and [`crate::load_province`] both start from.
pub(crate) struct DivisionFiles {
    /// The province of `province.csv`'s one row.
    pub(crate) province: Province,
    /// `cities.csv`.
    pub(crate) cities: Table,
    /// `counties.csv`.
    pub(crate) counties: Table,
    /// `divisions.csv`.
    pub(crate) divisions: Table,
}

impl DivisionFiles {
    /// Read `dir`'s `province.csv`, `cities.csv`, `counties.csv` and `divisions.csv`.
    pub(crate) fn read(dir: &Path) -> Result<DivisionFiles, GenError> {
        let prov = Table::read(dir, "province.csv", &["province_code", "province_name", "seat_lat", "seat_lon"])?;
        let cities = Table::read(dir, "cities.csv", &["city_code", "city_name", "seat_lat", "seat_lon"])?;
        let counties = Table::read(
            dir,
            "counties.csv",
            &["city_code", "county_code", "county_name", "official", "townships", "county_lat", "county_lon"],
        )?;
        let divisions = Table::read(
            dir,
            "divisions.csv",
            &["city_code", "county_code", "township_code", "township_name", "township_kind"],
        )?;

        let province = match prov.rows.as_slice() {
            [] => return Err(prov.invalid(2, "no province row")),
            [(line, row)] => Province {
                code: prov.code6(*line, row, "province_code")?,
                name: prov.text(*line, row, "province_name")?,
                seat: prov.point(*line, row, "seat_lat", "seat_lon")?,
            },
            [_, (line, _), ..] => return Err(prov.invalid(*line, "more than one province row")),
        };
        Ok(DivisionFiles { province, cities, counties, divisions })
    }
}

/// Read a region from `dir` (`province.csv`, `cities.csv`, `counties.csv`,
/// `divisions.csv`). Errors name the file, the line and the reason.
pub fn load_region(dir: &Path) -> Result<RegionImport, GenError> {
    let DivisionFiles { province, cities: cities_t, counties: counties_t, divisions: div } = DivisionFiles::read(dir)?;

    let mut cities = Vec::new();
    let mut city_codes = BTreeSet::new();
    for (line, row) in &cities_t.rows {
        let code = cities_t.code6(*line, row, "city_code")?;
        if !city_codes.insert(code.clone()) {
            return Err(cities_t.invalid(*line, format!("city code {code} appears twice")));
        }
        let name = cities_t.text(*line, row, "city_name")?;
        cities.push(City { code, name, seat: cities_t.point(*line, row, "seat_lat", "seat_lon")? });
    }

    struct Unit {
        line: u64,
        city: String,
        name: String,
        official: bool,
        declared: usize,
        rows: usize,
    }
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    let mut unit_order = Vec::new();
    let mut counties = Vec::new();
    for (line, row) in &counties_t.rows {
        let line = *line;
        let city = counties_t.code6(line, row, "city_code")?;
        if !city_codes.contains(&city) {
            return Err(counties_t.invalid(line, format!("unknown city code {city} (not in cities.csv)")));
        }
        let code = counties_t.code6(line, row, "county_code")?;
        if code[..4] != city[..4] {
            return Err(counties_t.invalid(line, format!("county code {code} does not belong to city {city}")));
        }
        let name = counties_t.text(line, row, "county_name")?;
        let official = match counties_t.get(row, "official") {
            "yes" => true,
            "no" => false,
            v => return Err(counties_t.invalid(line, format!("column official: `{v}` is neither yes nor no"))),
        };
        if official && is_zone_code(&code) {
            return Err(counties_t.invalid(
                line,
                format!("{code} {name} is marked official but its fifth digit 7 marks a development zone"),
            ));
        }
        let declared = counties_t.get(row, "townships");
        let declared: usize = declared
            .parse()
            .map_err(|_| counties_t.invalid(line, format!("column townships: `{declared}` is not a count")))?;
        if official {
            let kind = county_kind(&name).ok_or_else(|| {
                counties_t.invalid(
                    line,
                    format!("cannot tell the kind of {code} {name}: the name ends in none of 区, 县, 市"),
                )
            })?;
            let seat = counties_t.point(line, row, "county_lat", "county_lon")?;
            counties.push(County { code: code.clone(), name: name.clone(), city: city.clone(), kind, seat });
        }
        let unit = Unit { line, city, name, official, declared, rows: 0 };
        if units.insert(code.clone(), unit).is_some() {
            return Err(counties_t.invalid(line, format!("county code {code} appears twice")));
        }
        unit_order.push(code);
    }

    let mut townships = Vec::new();
    let mut township_codes = BTreeSet::new();
    for (line, row) in &div.rows {
        let line = *line;
        let county = div.code6(line, row, "county_code")?;
        let city = div.code6(line, row, "city_code")?;
        let Some(unit) = units.get_mut(&county) else {
            return Err(div.invalid(line, format!("unknown county code {county} (not in counties.csv)")));
        };
        if unit.city != city {
            return Err(div.invalid(line, format!("county {county} is under city {}, not {city}", unit.city)));
        }
        let code = div.text(line, row, "township_code")?;
        if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) || !code.starts_with(&county) {
            return Err(
                div.invalid(line, format!("township code `{code}` is not a 9-digit code under county {county}"))
            );
        }
        if !township_codes.insert(code.clone()) {
            return Err(div.invalid(line, format!("township code {code} appears twice")));
        }
        unit.rows += 1;
        if unit.official {
            townships.push(Township {
                code,
                name: div.text(line, row, "township_name")?,
                county,
                kind: div.get(row, "township_kind").to_string(),
                location: None,
                needs: Vec::new(),
                priority: false,
            });
        }
    }

    let mut zones_left_out = Vec::new();
    for code in &unit_order {
        let u = &units[code];
        if u.declared != u.rows {
            return Err(counties_t.invalid(
                u.line,
                format!(
                    "{code} {} declares {} townships but divisions.csv has {} rows for it",
                    u.name, u.declared, u.rows
                ),
            ));
        }
        if u.official && u.rows == 0 {
            return Err(counties_t.invalid(u.line, format!("{code} {} has no township rows in divisions.csv", u.name)));
        }
        if !u.official {
            zones_left_out.push((code.clone(), u.name.clone(), u.rows));
        }
    }
    if counties.is_empty() {
        return Err(counties_t.invalid(1, "no official county"));
    }

    let zones_note = Some(zones_note(&zones_left_out));
    Ok(RegionImport { region: Region { province, cities, counties, townships, zones_note }, zones_left_out })
}

fn zones_note(zones: &[(String, String, usize)]) -> String {
    if zones.is_empty() {
        return "No development zones in the source; every county-level unit is an official county.".to_string();
    }
    let dropped: usize = zones.iter().map(|z| z.2).sum();
    let list: Vec<String> = zones.iter().map(|(c, n, t)| format!("{c} {n} ({t})")).collect();
    format!(
        "Development zones left out: {} county-level codes whose fifth digit is 7 are not official counties and \
         have no seat in the source, so they get no group, and the {dropped} township-level units filed under them \
         (their legal parent county is not in the source) are not in this instance: {}.",
        zones.len(),
        list.join(", ")
    )
}

/// The sub-region of one city: its counties and their townships, the same
/// province. `zones_note` keeps the parent's note, prefixed with the cut.
///
/// # Panics
/// If `city_code` is not a city of `region`.
pub fn one_city(region: &Region, city_code: &str) -> Region {
    let city = region
        .cities
        .iter()
        .find(|c| c.code == city_code)
        .unwrap_or_else(|| panic!("{city_code} is not a city of {}", region.province.name))
        .clone();
    let counties: Vec<County> = region.counties.iter().filter(|k| k.city == city_code).cloned().collect();
    let codes: BTreeSet<&str> = counties.iter().map(|k| k.code.as_str()).collect();
    let townships = region.townships.iter().filter(|t| codes.contains(t.county.as_str())).cloned().collect();
    let cut = format!("One-city sub-region: {} {} of {}.", city.code, city.name, region.province.name);
    let zones_note = Some(match &region.zones_note {
        Some(n) => format!("{cut} {n}"),
        None => cut,
    });
    Region { province: region.province.clone(), cities: vec![city], counties, townships, zones_note }
}
