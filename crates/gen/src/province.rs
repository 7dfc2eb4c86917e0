//! Region import for any mainland province from the folders of `shared/data/china/`
//! (the layout of `shared/data/shandong/`; copied to `fixtures/china/<dir>/data/`).
//!
//! Every irregularity of the national data is handled by one rule (docs/provinces.md):
//!
//! - **Municipalities** (the province's name ends in 市: 北京, 天津, 上海, 重庆). The NBS
//!   placeholder city codes (110100 市辖区, 500100 市辖区, 500200 县 …) stay as cities with
//!   no committee, named after the municipality (`北京市`; both of 重庆's are `重庆市`): the
//!   municipal 团市委 is the provincial committee, there is no city level, and districts
//!   and counties are county-level units.
//! - **Counties directly under the province** (city code digits 3–4 `90`, or a city name
//!   ending in 直辖县级行政区划: 429000, 469000, 659000). The placeholder stays as a city with
//!   no committee, named after the province (`湖北省`), whose committee runs them.
//!
//! A placeholder is named after the government that runs its counties, so that everything
//! named from a city reads right: the committee `团北京市委`, the place `湖北省仙桃市`.
//! [`PlannedCity::source_name`] and the region's note keep the NBS name.
//! - **Cities without counties** (东莞, 中山, 儋州, 嘉峪关). The city's one `official=no`
//!   county row that bears the city's name becomes one planning unit (kind `county_city`)
//!   at the city's seat, with the city's township rows.
//! - **Development zones** (fifth digit 7) and the other statistical codes (`official=no`:
//!   大兴安岭's management districts, 大柴旦, 三沙's island units) are left out with their
//!   township rows, and listed.
//! - **Placeholder township rows** (a name ending in 直辖村级区划, or a code ending in `000`,
//!   金门县's only row) are not townships. A county left with none (金门县, 三亚's four
//!   districts, 龙港市) is left out and listed, and so is a city left with no planning unit.
//! - **Official counties without coordinates** (西藏 540481 米林市, 540581 错那市) are an
//!   error, unless [`MissingSeat::CitySeat`] places them at their city's seat (listed).
//! - Otherwise as [`crate::load_region`]: township rows of kind `other` (类似乡级单位) are
//!   kept, and townships have no location.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sanlian_model::{City, County, CountyKind, Point, Region, Township};

use crate::region::{is_zone_code, DivisionFiles};
use crate::GenError;

/// What to do with an official county that has no coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingSeat {
    /// Refuse the import with [`GenError::CountyWithoutSeat`].
    #[default]
    Error,
    /// Place the county at its city's seat and list it in [`ProvinceImport::stand_in_seats`].
    CitySeat,
}

/// Options of [`load_province`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Official counties without coordinates.
    pub missing_seat: MissingSeat,
}

/// How a city of the region is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityRole {
    /// A prefecture-level unit with counties and its own 团市委.
    Prefecture,
    /// A prefecture-level city without counties: one planning unit, a 团市委 and no 团县委.
    WithoutCounties,
    /// A placeholder code of a municipality: no city level, the municipal committee is the
    /// provincial one.
    Municipal,
    /// The placeholder of the counties directly under the province: no city committee.
    DirectlyUnderProvince,
}

impl CityRole {
    /// Does the city have a 团市委 of its own (city-level cadres)?
    pub fn has_committee(self) -> bool {
        matches!(self, CityRole::Prefecture | CityRole::WithoutCounties)
    }
}

/// A city of the imported region, in the order of `region.cities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCity {
    /// City code.
    pub code: String,
    /// Its name in `cities.csv` (a placeholder's name in the region is its province's).
    pub source_name: String,
    /// How it is planned.
    pub role: CityRole,
}

/// Why a county-level code of `counties.csv` is not a planning unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutReason {
    /// A development zone (fifth digit 7).
    Zone,
    /// Another statistical code that is not an official county (`official=no`).
    Statistical,
    /// No township of its own: only placeholder rows.
    NoTownships,
}

/// A county-level code that is not a planning unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// County-level code.
    pub code: String,
    /// Name.
    pub name: String,
    /// City code.
    pub city: String,
    /// Township-level rows filed under it in `divisions.csv` (placeholders included).
    pub rows: usize,
    /// Why.
    pub reason: LeftOutReason,
}

/// The result of [`load_province`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceImport {
    /// Province, cities, planning units and their townships.
    pub region: Region,
    /// Is the province a municipality (直辖市)?
    pub municipality: bool,
    /// How each city of `region.cities` is planned, in the same order.
    pub cities: Vec<PlannedCity>,
    /// County-level codes that are not planning units, in file order.
    pub left_out: Vec<LeftOut>,
    /// Cities of `cities.csv` left without a planning unit: (code, name).
    pub cities_left_out: Vec<(String, String)>,
    /// Placeholder rows dropped from counties that are planned: (township code, name, county code).
    pub placeholder_rows: Vec<(String, String, String)>,
    /// Official counties placed at their city's seat ([`MissingSeat::CitySeat`]): (code, name).
    pub stand_in_seats: Vec<(String, String)>,
}

impl ProvinceImport {
    /// The role of city `code`, if it is a city of the region.
    pub fn role(&self, code: &str) -> Option<CityRole> {
        self.cities.iter().find(|c| c.code == code).map(|c| c.role)
    }

    /// Is county `code` a whole city without counties (no 团县委)?
    pub fn is_city_unit(&self, code: &str) -> bool {
        self.region.counties.iter().any(|k| k.code == code && self.role(&k.city) == Some(CityRole::WithoutCounties))
    }
}

/// County kind from the name: 区 → district (but 林区 and 特区, county-level special
/// units, → county), 县 and 旗 → county, 市 → county-level city.
pub fn county_kind(name: &str) -> Option<CountyKind> {
    if name.ends_with("林区") || name.ends_with("特区") {
        return Some(CountyKind::County);
    }
    match name.chars().last()? {
        '区' => Some(CountyKind::District),
        '县' | '旗' => Some(CountyKind::County),
        '市' => Some(CountyKind::CountyCity),
        _ => None,
    }
}

/// Is this township row a placeholder rather than a township: a name ending in
/// 直辖村级区划, or a code whose digits 7–9 are `000`?
pub fn is_placeholder_row(code: &str, name: &str) -> bool {
    name.ends_with("直辖村级区划") || code.ends_with("000")
}

/// A county-level row of `counties.csv`.
struct Unit {
    line: u64,
    code: String,
    city: String,
    name: String,
    official: bool,
    seat: Option<Point>,
    declared: usize,
    rows: usize,
    real: usize,
}

/// Read a province from `dir` (`province.csv`, `cities.csv`, `counties.csv`,
/// `divisions.csv`) with the rules of the module documentation. Errors name the
/// file, the line and the reason.
pub fn load_province(dir: &Path, options: &ImportOptions) -> Result<ProvinceImport, GenError> {
    let DivisionFiles { province, cities: cities_t, counties: counties_t, divisions: div } = DivisionFiles::read(dir)?;
    let municipality = province.name.ends_with('市');

    let mut cities: Vec<(City, CityRole)> = Vec::new();
    let mut city_at: BTreeMap<String, usize> = BTreeMap::new();
    for (line, row) in &cities_t.rows {
        let code = cities_t.code6(*line, row, "city_code")?;
        if code[..2] != province.code[..2] {
            return Err(cities_t.invalid(*line, format!("city code {code} is not under province {}", province.code)));
        }
        if city_at.insert(code.clone(), cities.len()).is_some() {
            return Err(cities_t.invalid(*line, format!("city code {code} appears twice")));
        }
        let name = cities_t.text(*line, row, "city_name")?;
        let role = if municipality {
            CityRole::Municipal
        } else if &code[2..4] == "90" || name.ends_with("直辖县级行政区划") {
            CityRole::DirectlyUnderProvince
        } else {
            CityRole::Prefecture
        };
        let seat = cities_t.point(*line, row, "seat_lat", "seat_lon")?;
        cities.push((City { code, name, seat }, role));
    }

    let mut units: Vec<Unit> = Vec::new();
    let mut unit_at: BTreeMap<String, usize> = BTreeMap::new();
    for (line, row) in &counties_t.rows {
        let line = *line;
        let city = counties_t.code6(line, row, "city_code")?;
        if !city_at.contains_key(&city) {
            return Err(counties_t.invalid(line, format!("unknown city code {city} (not in cities.csv)")));
        }
        let code = counties_t.code6(line, row, "county_code")?;
        if code[..4] != city[..4] {
            return Err(GenError::NotUnderCity { file: counties_t.file.clone(), line, county: code, city });
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
        let seat = if !official {
            None
        } else if counties_t.get(row, "county_lat").is_empty() && counties_t.get(row, "county_lon").is_empty() {
            match options.missing_seat {
                MissingSeat::Error => {
                    return Err(GenError::CountyWithoutSeat { file: counties_t.file.clone(), line, code, name })
                }
                MissingSeat::CitySeat => None,
            }
        } else {
            Some(counties_t.point(line, row, "county_lat", "county_lon")?)
        };
        if official && county_kind(&name).is_none() {
            return Err(counties_t.invalid(
                line,
                format!("cannot tell the kind of {code} {name}: the name ends in none of 区, 县, 旗, 市"),
            ));
        }
        if unit_at.insert(code.clone(), units.len()).is_some() {
            return Err(counties_t.invalid(line, format!("county code {code} appears twice")));
        }
        units.push(Unit { line, code, city, name, official, seat, declared, rows: 0, real: 0 });
    }

    struct Row {
        code: String,
        name: String,
        kind: String,
        unit: usize,
        placeholder: bool,
    }
    let mut rows = Vec::new();
    let mut township_codes = BTreeSet::new();
    for (line, row) in &div.rows {
        let line = *line;
        let county = div.code6(line, row, "county_code")?;
        let city = div.code6(line, row, "city_code")?;
        let code = div.text(line, row, "township_code")?;
        let Some(&u) = unit_at.get(&county) else {
            return Err(GenError::UnknownCounty { file: div.file.clone(), line, township: code, county });
        };
        if units[u].city != city {
            return Err(div.invalid(line, format!("county {county} is under city {}, not {city}", units[u].city)));
        }
        if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) || !code.starts_with(&county) {
            return Err(
                div.invalid(line, format!("township code `{code}` is not a 9-digit code under county {county}"))
            );
        }
        if !township_codes.insert(code.clone()) {
            return Err(div.invalid(line, format!("township code {code} appears twice")));
        }
        let name = div.text(line, row, "township_name")?;
        let placeholder = is_placeholder_row(&code, &name);
        units[u].rows += 1;
        units[u].real += usize::from(!placeholder);
        rows.push(Row { code, name, kind: div.get(row, "township_kind").to_string(), unit: u, placeholder });
    }

    for u in &units {
        if u.declared != u.rows {
            return Err(counties_t.invalid(
                u.line,
                format!(
                    "{} {} declares {} townships but divisions.csv has {} rows for it",
                    u.code, u.name, u.declared, u.rows
                ),
            ));
        }
    }

    let with_official: BTreeSet<&str> = units.iter().filter(|u| u.official).map(|u| u.city.as_str()).collect();
    let mut planned = vec![false; units.len()];
    let mut left_out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let (city, role) = &cities[city_at[&u.city]];
        let city_unit = !u.official
            && !is_zone_code(&u.code)
            && *role == CityRole::Prefecture
            && u.name == city.name
            && !with_official.contains(u.city.as_str());
        let reason = if !u.official && !city_unit {
            Some(if is_zone_code(&u.code) { LeftOutReason::Zone } else { LeftOutReason::Statistical })
        } else if u.real == 0 {
            Some(LeftOutReason::NoTownships)
        } else {
            None
        };
        match reason {
            Some(reason) => left_out.push(LeftOut {
                code: u.code.clone(),
                name: u.name.clone(),
                city: u.city.clone(),
                rows: u.rows,
                reason,
            }),
            None => planned[i] = true,
        }
    }
    for (i, u) in units.iter().enumerate() {
        if planned[i] && !u.official {
            cities[city_at[&u.city]].1 = CityRole::WithoutCounties;
        }
    }

    let mut counties = Vec::new();
    let mut stand_in_seats = Vec::new();
    for u in units.iter().zip(&planned).filter(|(_, &p)| p).map(|(u, _)| u) {
        let city = &cities[city_at[&u.city]].0;
        let (kind, seat) = if u.official {
            let kind = county_kind(&u.name).expect("checked above");
            let seat = u.seat.unwrap_or_else(|| {
                stand_in_seats.push((u.code.clone(), u.name.clone()));
                city.seat
            });
            (kind, seat)
        } else {
            (CountyKind::CountyCity, city.seat)
        };
        counties.push(County { code: u.code.clone(), name: u.name.clone(), city: u.city.clone(), kind, seat });
    }

    let mut townships = Vec::new();
    let mut placeholder_rows = Vec::new();
    for r in rows.into_iter().filter(|r| planned[r.unit]) {
        if r.placeholder {
            placeholder_rows.push((r.code, r.name, units[r.unit].code.clone()));
        } else {
            townships.push(Township {
                code: r.code,
                name: r.name,
                county: units[r.unit].code.clone(),
                kind: r.kind,
                location: None,
                needs: Vec::new(),
                priority: false,
            });
        }
    }

    let used: BTreeSet<&str> = counties.iter().map(|k| k.city.as_str()).collect();
    let mut cities_left_out = Vec::new();
    let mut kept_cities = Vec::new();
    let mut planned_cities = Vec::new();
    for (city, role) in &cities {
        if !used.contains(city.code.as_str()) {
            cities_left_out.push((city.code.clone(), city.name.clone()));
            continue;
        }
        let name = if role.has_committee() { city.name.clone() } else { province.name.clone() };
        kept_cities.push(City { code: city.code.clone(), name, seat: city.seat });
        planned_cities.push(PlannedCity { code: city.code.clone(), source_name: city.name.clone(), role: *role });
    }
    if counties.is_empty() {
        return Err(counties_t.invalid(1, "no county-level unit to plan"));
    }

    let mut import = ProvinceImport {
        region: Region { province, cities: kept_cities, counties, townships, zones_note: None },
        municipality,
        cities: planned_cities,
        left_out,
        cities_left_out,
        placeholder_rows,
        stand_in_seats,
    };
    import.region.zones_note = Some(note(&import));
    Ok(import)
}

/// `code name (n)` items joined with commas.
fn items<'a>(list: impl Iterator<Item = (&'a str, &'a str, usize)>) -> String {
    list.map(|(c, n, k)| format!("{c} {n} ({k})")).collect::<Vec<_>>().join(", ")
}

/// The region's note: what was done with every irregularity, in words.
fn note(imp: &ProvinceImport) -> String {
    let r = &imp.region;
    let p = &r.province.name;
    let counties_of = |city: &str| r.counties.iter().filter(|k| k.city == city).count();
    let townships_of = |county: &str| r.townships.iter().filter(|t| t.county == county).count();
    let mut parts = Vec::new();
    let placeholders = |role: CityRole| -> Vec<String> {
        imp.cities
            .iter()
            .filter(|c| c.role == role)
            .map(|c| format!("{} {} ({} counties)", c.code, c.source_name, counties_of(&c.code)))
            .collect()
    };
    let municipal = placeholders(CityRole::Municipal);
    if !municipal.is_empty() {
        parts.push(format!(
            "Municipality: 团{p}委 is the provincial committee and there is no city level; the NBS placeholder city \
             codes {} stand for the municipal government (named {p} here), have no committee and no city-level \
             cadres, and their districts and counties are county-level units.",
            municipal.join(", ")
        ));
    }
    let direct = placeholders(CityRole::DirectlyUnderProvince);
    if !direct.is_empty() {
        parts.push(format!(
            "Counties directly under the province: {} (named {p} here) has no city committee, so no city-level \
             cadre may serve there and province-level cadres (and universities or enterprises within reach) must \
             cover them.",
            direct.join(", ")
        ));
    }
    let city_units: Vec<&County> = r.counties.iter().filter(|k| imp.is_city_unit(&k.code)).collect();
    if !city_units.is_empty() {
        parts.push(format!(
            "Cities without counties are one planning unit each, at the city's seat, whose townships are the \
             city's streets and towns and whose committee is the city's: {}.",
            items(city_units.iter().map(|k| (k.code.as_str(), k.name.as_str(), townships_of(&k.code))))
        ));
    }
    let of = |reason: LeftOutReason| imp.left_out.iter().filter(move |l| l.reason == reason);
    let zones: Vec<&LeftOut> = of(LeftOutReason::Zone).collect();
    if zones.is_empty() {
        parts.push("No development zones in the source.".to_string());
    } else {
        parts.push(format!(
            "Development zones left out: county-level codes whose fifth digit is 7 are not official counties and \
             have no seat in the source, so they get no group, and the township-level units filed under them \
             (their legal parent county is not in the source) are not in this instance; {} zones, {} township-level \
             units: {}.",
            zones.len(),
            zones.iter().map(|z| z.rows).sum::<usize>(),
            items(zones.iter().map(|z| (z.code.as_str(), z.name.as_str(), z.rows)))
        ));
    }
    let stat: Vec<&LeftOut> = of(LeftOutReason::Statistical).collect();
    if !stat.is_empty() {
        parts.push(format!(
            "Statistical county-level codes left out (official=no, not counties, no seat), with the township-level \
             units filed under them: {}.",
            items(stat.iter().map(|z| (z.code.as_str(), z.name.as_str(), z.rows)))
        ));
    }
    let none: Vec<&LeftOut> = of(LeftOutReason::NoTownships).collect();
    if !none.is_empty() {
        parts.push(format!(
            "Counties without a township of their own left out (their only rows are placeholders: 直辖村级区划, or \
             a code ending in 000): {}.",
            items(none.iter().map(|z| (z.code.as_str(), z.name.as_str(), z.rows)))
        ));
    }
    if !imp.cities_left_out.is_empty() {
        let list: Vec<String> = imp.cities_left_out.iter().map(|(c, n)| format!("{c} {n}")).collect();
        parts.push(format!("Cities left without a planning unit: {}.", list.join(", ")));
    }
    if !imp.placeholder_rows.is_empty() {
        let list: Vec<String> = imp
            .placeholder_rows
            .iter()
            .map(|(c, n, k)| {
                let county = r.counties.iter().find(|x| &x.code == k).map_or("", |x| x.name.as_str());
                format!("{c} {n} ({k} {county})")
            })
            .collect();
        parts.push(format!("Placeholder rows dropped from planned counties (not townships): {}.", list.join(", ")));
    }
    if !imp.stand_in_seats.is_empty() {
        let list: Vec<String> = imp
            .stand_in_seats
            .iter()
            .map(|(code, name)| {
                let city = r.counties.iter().find(|k| &k.code == code).map(|k| k.city.as_str()).unwrap_or("");
                let city = r.cities.iter().find(|c| c.code == city).map_or("", |c| c.name.as_str());
                format!("{code} {name} at the seat of {city}")
            })
            .collect();
        parts.push(format!(
            "Official counties without coordinates in the source, placed at their city's seat (distances and \
             travel costs to them are measured from there): {}.",
            list.join(", ")
        ));
    }
    parts.join(" ")
}
