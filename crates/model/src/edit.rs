//! A planner's edit of a plan: move, swap, township, months, weekday, leader (issue 12). The
//! explainer answers it (`sanlian_explain::edit`); the plan workbook reads back as a list of them.

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use crate::{Lock, LockKind, Plan};

/// One edit of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// The cadre joins another county's group; it takes the least-covered townships there.
    Move {
        /// Cadre id.
        cadre: String,
        /// County code.
        county: String,
    },
    /// Two cadres trade groups, townships and (if either led) the lead.
    Swap {
        /// Cadre id.
        cadre: String,
        /// The other cadre's id.
        other: String,
    },
    /// The cadre covers another township of its county in a year.
    Township {
        /// Cadre id.
        cadre: String,
        /// Calendar year.
        year: i32,
        /// Township code.
        township: String,
    },
    /// The cadre's block months in a year.
    Months {
        /// Cadre id.
        cadre: String,
        /// Calendar year.
        year: i32,
        /// Months as `YYYY-MM`.
        months: Vec<String>,
    },
    /// The cadre's weekday.
    Weekday {
        /// Cadre id.
        cadre: String,
        /// `Mon`–`Fri`.
        weekday: Weekday,
    },
    /// The cadre leads its county's group.
    Leader {
        /// County code.
        county: String,
        /// Cadre id.
        cadre: String,
    },
}

impl Edit {
    /// The cadres the edit names: one, or two for a swap.
    pub fn cadres(&self) -> Vec<&str> {
        match self {
            Edit::Swap { cadre, other } => vec![cadre, other],
            Edit::Move { cadre, .. }
            | Edit::Township { cadre, .. }
            | Edit::Months { cadre, .. }
            | Edit::Weekday { cadre, .. }
            | Edit::Leader { cadre, .. } => vec![cadre],
        }
    }

    /// The edit as the planner's locks: what "repair around it" keeps fixed.
    pub fn locks(&self, plan: &Plan) -> Vec<Lock> {
        let reason = |l: Lock| Lock { reason: Some("edit".into()), ..l };
        match self {
            Edit::Move { cadre, county } => vec![reason(Lock::new(LockKind::County, cadre).county(county))],
            Edit::Swap { cadre, other } => {
                let county_of = |id: &str| plan.assignments.iter().find(|a| a.cadre == id).map(|a| a.county.clone());
                let mut out = Vec::new();
                if let (Some(a), Some(b)) = (county_of(cadre), county_of(other)) {
                    out.push(reason(Lock::new(LockKind::County, cadre).county(b)));
                    out.push(reason(Lock::new(LockKind::County, other).county(a)));
                }
                out
            }
            Edit::Township { cadre, year, township } => {
                vec![reason(Lock::new(LockKind::Township, cadre).township(township, *year))]
            }
            Edit::Months { cadre, months, .. } => {
                vec![reason(Lock::new(LockKind::Months, cadre).months(months.clone()))]
            }
            Edit::Weekday { cadre, weekday } => vec![reason(Lock::new(LockKind::Weekday, cadre).weekday(*weekday))],
            Edit::Leader { county, cadre } => vec![reason(Lock::new(LockKind::Leader, cadre).county(county))],
        }
    }
}
