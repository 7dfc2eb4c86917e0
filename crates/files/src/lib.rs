//! The files planners exchange with sanlian: roster spreadsheets (import, export, template),
//! the plan workbook a city committee files, its letters to the counties (函告), the 报到 lists,
//! the budget per dispatching unit (经费测算表), the planners' CSV table, SVG maps and iCalendar
//! calendars.
//!
//! Everything here takes and returns values (bytes or text); the caller reads and writes files.

mod doc;
mod error;
mod xlsx;

pub mod budget;
pub mod calendar;
pub mod cells;
pub mod checkin;
pub mod diff;
pub mod form_edits;
pub mod letters;
pub mod map;
pub mod roster;
pub mod table;
pub mod workbook;

pub use budget::{budget_docx, budget_xlsx};
pub use calendar::ics;
pub use checkin::checkin_docx;
pub use diff::{diff_xlsx, UnitCostRow};
pub use doc::{CJK_FONT, LATIN_FONT};
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

/// Which groups a document covers: every group, one city's, or one county's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    city: Option<&'a sanlian_model::City>,
    county: Option<&'a sanlian_model::County>,
}

impl<'a> Scope<'a> {
    /// The groups of `city` (see [`find_city`]) and of `county` (its code, or its name when
    /// no other county of the city asked for, or of the region, has it); neither: every group.
    /// A county fixes its city.
    pub fn new(
        region: &'a sanlian_model::Region,
        city: Option<&str>,
        county: Option<&str>,
    ) -> Result<Scope<'a>, FilesError> {
        let city = match city {
            None => None,
            Some(c) => Some(find_city(region, c).ok_or_else(|| FilesError::UnknownCity(c.to_string()))?),
        };
        let county = match county {
            None => None,
            Some(text) => {
                let t = text.trim();
                let found = match region.counties.iter().find(|k| k.code == t) {
                    Some(k) => k,
                    None => {
                        let named: Vec<&sanlian_model::County> = region
                            .counties
                            .iter()
                            .filter(|k| k.name == t && city.is_none_or(|c| c.code == k.city))
                            .collect();
                        match named[..] {
                            [] => return Err(FilesError::UnknownCounty(text.to_string())),
                            [k] => k,
                            _ => {
                                let codes: Vec<&str> = named.iter().map(|k| k.code.as_str()).collect();
                                return Err(FilesError::AmbiguousCounty(text.to_string(), codes.join(", ")));
                            }
                        }
                    }
                };
                let its_city = region.cities.iter().find(|c| c.code == found.city);
                if let Some(c) = city.filter(|c| c.code != found.city) {
                    return Err(FilesError::CountyOutsideCity {
                        county: text.to_string(),
                        its_city: its_city.map_or(found.city.clone(), |c| c.name.clone()),
                        city: c.name.clone(),
                    });
                }
                Some(found)
            }
        };
        let city = city.or_else(|| county.and_then(|k| region.cities.iter().find(|c| c.code == k.city)));
        Ok(Scope { city, county })
    }

    /// Every group.
    pub fn all() -> Scope<'a> {
        Scope::default()
    }

    /// The city, when the scope is one city's (or one county's).
    pub fn city(&self) -> Option<&'a sanlian_model::City> {
        self.city
    }

    /// The county, when the scope is one county's.
    pub fn county(&self) -> Option<&'a sanlian_model::County> {
        self.county
    }

    /// Whether the scope covers `group`.
    pub fn holds(&self, group: &sanlian_model::Group) -> bool {
        self.city.is_none_or(|c| c.code == group.city) && self.county.is_none_or(|k| k.code == group.county)
    }

    /// The committee that sends the documents: 团济南市委 for a city's (or a county's),
    /// 团山东省委 for the province's.
    pub fn committee(&self, region: &sanlian_model::Region) -> String {
        format!("团{}委", self.city.map_or(region.province.name.as_str(), |c| c.name.as_str()))
    }

    /// What the scope covers in words: "东营市", "东营市东营区", "山东省".
    pub fn name(&self, region: &sanlian_model::Region) -> String {
        match (self.city, self.county) {
            (Some(c), Some(k)) => format!("{}{}", c.name, k.name),
            (Some(c), None) => c.name.clone(),
            (None, Some(k)) => k.name.clone(),
            (None, None) => region.province.name.clone(),
        }
    }
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
