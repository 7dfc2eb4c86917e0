//! Plan versions compared, for the service and the command line alike.

use sanlian_explain::diff::PlanDiff;
use sanlian_explain::render::{diff_rows, Lang};
use sanlian_files::{diff_xlsx, FilesError, UnitCostRow};

/// The comparison's workbook (变更明细 and 费用变化, Chinese headers); the changes are
/// worded in `lang`.
pub fn diff_workbook(d: &PlanDiff, lang: Lang) -> Result<Vec<u8>, FilesError> {
    let units: Vec<UnitCostRow> = d
        .units
        .iter()
        .map(|u| UnitCostRow {
            unit: u.unit.clone(),
            travel_before: u.travel_before,
            travel_after: u.travel_after,
            stay_before: u.stay_before,
            stay_after: u.stay_after,
        })
        .collect();
    diff_xlsx(&diff_rows(d, lang), &units)
}
