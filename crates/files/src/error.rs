//! Failures of the writers and of look-ups by id.

/// Why a file could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilesError {
    /// The spreadsheet writer failed (e.g. a sheet name it refuses).
    #[error("cannot write the workbook: {0}")]
    Xlsx(String),
    /// The document writer failed.
    #[error("cannot write the document: {0}")]
    Docx(String),
    /// No cadre of the instance has this id.
    #[error("unknown cadre {0}: no cadre of the instance has this id")]
    UnknownCadre(String),
    /// No city of the instance has this code (or name).
    #[error("unknown city {0}: give the 6-digit code of a city of the instance, e.g. 370100")]
    UnknownCity(String),
    /// No county of the instance (of the city asked for) has this code or name.
    #[error("unknown county {0}: give the 6-digit code of a county of the instance, e.g. 370102")]
    UnknownCounty(String),
    /// A county name that several counties share (市中区 is in 济南市 and in 枣庄市).
    #[error("county {0} is ambiguous: it names {1}; give the county's code or its city")]
    AmbiguousCounty(String, String),
    /// The county asked for lies in another city than the one asked for.
    #[error("county {county} lies in {its_city}, not in {city}")]
    CountyOutsideCity {
        /// The county, as named.
        county: String,
        /// Its city's name.
        its_city: String,
        /// The city asked for.
        city: String,
    },
    /// The plan reports no cost for a cadre it places (a plan the checker rejects).
    #[error("the plan reports no cost for cadre {0}; check the plan with `sanlian check`")]
    MissingCost(String),
}

impl From<rust_xlsxwriter::XlsxError> for FilesError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        FilesError::Xlsx(e.to_string())
    }
}
