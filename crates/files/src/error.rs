//! Failures of the writers and of look-ups by id.

/// Why a file could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilesError {
    /// The spreadsheet writer failed (e.g. a sheet name it refuses).
    #[error("cannot write the workbook: {0}")]
    Xlsx(String),
    /// The document writer failed.
    #[error("cannot write the letters: {0}")]
    Docx(String),
    /// No cadre of the instance has this id.
    #[error("unknown cadre {0}: no cadre of the instance has this id")]
    UnknownCadre(String),
    /// No city of the instance has this code (or name).
    #[error("unknown city {0}: give the 6-digit code of a city of the instance, e.g. 370100")]
    UnknownCity(String),
}

impl From<rust_xlsxwriter::XlsxError> for FilesError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        FilesError::Xlsx(e.to_string())
    }
}
