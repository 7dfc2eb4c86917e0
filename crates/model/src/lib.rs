//! Domain model of the 三联四促 deployment planner.
//!
//! This crate owns the vocabulary every other crate speaks: the [`Instance`]
//! (region, roster, policy [`Parameters`]), the [`Plan`] an engine answers
//! with, their JSON form, [`validate`]-ion with located error messages, and
//! the rule definitions that both the solver and the checker must agree on:
//! eligibility (H2), modes of work (§2), department caps (H9) and the cost
//! model (§4). It performs no I/O.

pub mod allocation;
pub mod cost;
pub mod edit;
pub mod events;
pub mod geo;
pub mod instance;
pub mod locks;
pub mod msg;
pub mod optimality;
pub mod params;
pub mod plan;
pub mod prepared;
pub mod validate;

pub use allocation::{Allocation, CityShare, Spread};
pub use edit::Edit;
pub use events::{Applied, Event, Events};
pub use instance::{
    Cadre, City, County, CountyKind, DepartmentQuota, Instance, Level, Mode, Point, Province, Region, Township,
};
pub use locks::{Lock, LockKind, LockTable};
pub use msg::{Arg, Lang, Msg};
pub use params::{Fairness, Parameters};
pub use plan::{
    Block, CadreAssignment, CadreCost, Certificate, CertificateKind, Coverage, FormerLeader, Group, GroupCost, Plan,
    PlanMode, Proof, Shortfall, StagePart, StageReport, StageStatus, UnitCost, YearAssignment,
};
pub use prepared::{Prepared, YearIdx};
pub use validate::{InputError, Problem};

/// The version of `PLANNING_RULES.md` this engine implements; every plan echoes it.
pub const CONTRACT_VERSION: &str = "1.1";
