//! Instance generation for the 三联四促 planner.
//!
//! - [`region`]: import a province's real divisions from the CSV files of
//!   `shared/data/shandong/` (official counties only; development zones are
//!   left out and listed), and cut out a one-city sub-region.
//! - [`roster`]: a seeded, byte-for-byte deterministic synthetic roster of
//!   cadres (pseudonyms) for a region, built to be feasible but tight.
//! - [`tightness`]: the necessary conditions the roster is built to meet, a
//!   constructive group assignment that proves them jointly, and a per-city
//!   report of which rules bind.
//! - [`fixtures`]: the three committed fixtures and their exact file form.
//! - [`national`]: a national-size scenario, 31 synthetic provinces relabelled
//!   from one real province.

pub mod fixtures;
pub mod national;
pub mod region;
pub mod roster;
pub mod tightness;

mod names;

use std::path::PathBuf;

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
