//! Instance generation for the 三联四促 planner.
//!
//! - [`region`]: import a province's real divisions from the CSV files of
//!   `shared/data/shandong/` (official counties only; development zones are
//!   left out and listed), and cut out a one-city sub-region.
//! - [`province`]: the same for any mainland province (`shared/data/china/`), with
//!   municipalities, counties directly under the province, cities without counties,
//!   placeholder rows and counties without coordinates handled by documented rules.
//! - [`province_roster`]: a seeded roster sized from a province's own townships and
//!   counties, with generic universities and enterprises at its own city seats.
//! - [`china`]: the 29 province fixtures of `fixtures/china/` and their digests.
//! - [`families`]: variants of the Shandong fixture whose relaxations are not integral
//!   (preferences, one-year cadres, service periods, H9 at the cap, four provinces merged).
//! - [`roster`]: a seeded, byte-for-byte deterministic synthetic roster of
//!   cadres (pseudonyms) for a region, built to be feasible but tight.
//! - [`tightness`]: the necessary conditions the roster is built to meet, a
//!   constructive group assignment that proves them jointly, and a per-city
//!   report of which rules bind.
//! - [`fixtures`]: the three committed fixtures and their exact file form.
//! - [`national`]: a national-size scenario, 31 synthetic provinces relabelled
//!   from one real province.

pub mod china;
pub mod families;
pub mod fixtures;
pub mod national;
pub mod province;
pub mod province_roster;
pub mod region;
pub mod roster;
pub mod tightness;

mod names;

use std::path::PathBuf;

pub use province::{load_province, ImportOptions, MissingSeat, ProvinceImport};
pub use province_roster::{generate_for, ProvinceRosterSpec, RosterSizes};
pub use region::{load_region, one_city, RegionImport};
pub use roster::{generate, make_infeasible, Affiliate, RosterSpec};

/// Why a region could not be imported. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum GenError {
    /// A required file is not there.
    #[error("{}: file not found", file.display())]
    MissingFile {
        /// The file that was looked for.
        file: PathBuf,
    },
    /// A file exists but could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The header line lacks a required column.
    #[error("{}:1: missing column `{column}` in the header line", file.display())]
    MissingColumn {
        /// The file.
        file: PathBuf,
        /// The column that is missing.
        column: String,
    },
    /// An official county has no seat coordinates (and no stand-in was asked for).
    #[error(
        "{}:{line}: {code} {name} is an official county without coordinates (county_lat and county_lon are empty); \
         give it its seat there, or import with its city's seat as a stand-in (MissingSeat::CitySeat)",
        file.display()
    )]
    CountyWithoutSeat {
        /// The file (`counties.csv`).
        file: PathBuf,
        /// 1-based line number.
        line: u64,
        /// County code.
        code: String,
        /// County name.
        name: String,
    },
    /// A county's code does not begin with its city's code (first four digits).
    #[error("{}:{line}: county {county} is filed under city {city}, but {city} is not a prefix of its code", file.display())]
    NotUnderCity {
        /// The file.
        file: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The county code.
        county: String,
        /// The city code given for it.
        city: String,
    },
    /// A township row names a county that `counties.csv` does not list.
    #[error("{}:{line}: township {township} is under county {county}, which is not in counties.csv", file.display())]
    UnknownCounty {
        /// The file (`divisions.csv`).
        file: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The township code.
        township: String,
        /// The unknown county code.
        county: String,
    },
    /// A line is malformed or contradicts the rest of the data.
    #[error("{}:{line}: {reason}", file.display())]
    Invalid {
        /// The file.
        file: PathBuf,
        /// 1-based line number (the header is line 1).
        line: u64,
        /// What is wrong.
        reason: String,
    },
}
