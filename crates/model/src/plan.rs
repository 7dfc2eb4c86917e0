//! The output: a deployment plan and everything needed to trace its numbers.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::{Level, Parameters};

/// Strict (every hard rule) or best-effort (H3, H4, H7 become goals), PLANNING_RULES §6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PlanMode {
    /// Every hard rule holds, or the answer is "infeasible" with a certificate.
    #[default]
    Strict,
    /// Always a plan; H3, H4, H7 are maximised before S1 and shortfalls are listed.
    BestEffort,
}

/// A two-year deployment plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Version of PLANNING_RULES the plan was made under ([`crate::CONTRACT_VERSION`]).
    #[serde(default)]
    pub contract: String,
    /// Name of the instance this plan answers.
    pub instance: String,
    /// First plan year.
    pub first_year: i32,
    /// Mode the plan was made in.
    pub mode: PlanMode,
    /// The parameters in force (defaults filled in).
    pub parameters: Parameters,
    /// One group per county, in county order.
    pub groups: Vec<Group>,
    /// One entry per cadre, in roster order.
    pub assignments: Vec<CadreAssignment>,
    /// Township coverage per year and in total.
    pub coverage: Coverage,
    /// Costs per cadre, group and dispatching unit.
    pub costs: Costs,
    /// Objective, bound and gap of every stage solved, in order.
    pub stages: Vec<StageReport>,
    /// The locks and bans in force (P1–P9), echoed from the instance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<crate::Lock>,
    /// Best-effort only: every goal left unmet, with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shortfalls: Vec<Shortfall>,
    /// Robust (N−1) planning (`parameters.robust`): which groups are robust, and why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robust: Option<Robustness>,
    /// Wall time of the whole solve, seconds.
    #[serde(default)]
    pub seconds: f64,
}

impl Plan {
    /// Parse a plan from JSON text, naming the line and column of a syntax error (a leading
    /// byte-order mark is accepted).
    pub fn from_json(text: &str) -> Result<Plan, crate::InputError> {
        crate::validate::from_json("plan", text)
    }
}

/// A county working group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// City code.
    pub city: String,
    /// Leader's cadre id (none only in best-effort, for a county no cadre can reach).
    pub leader: Option<String>,
    /// Member cadre ids, leader included, in roster order.
    pub members: Vec<String>,
    /// Member count per level.
    pub by_level: BTreeMap<Level, usize>,
    /// Leaders before `leader`, each until the day the next one took over (H3 v1.1: a leader
    /// leads only while it is in service, e.g. in its active years).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_leaders: Vec<FormerLeader>,
}

/// A leader who led a group for a part of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormerLeader {
    /// Cadre id.
    pub cadre: String,
    /// The day the next leader took over (exclusive): the first day this one was not in
    /// service (it left, or its active years ended).
    pub until: NaiveDate,
}

/// Where one cadre works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadreAssignment {
    /// Cadre id.
    pub cadre: String,
    /// County code of the cadre's group.
    pub county: String,
    /// One entry per active year.
    pub years: Vec<YearAssignment>,
}

/// A cadre's work in one plan year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearAssignment {
    /// Calendar year.
    pub year: i32,
    /// Township code covered this year.
    pub township: String,
    /// Block months on site.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block>,
    /// Fixed weekday of weekly work ("Mon".."Fri").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<Weekday>,
}

/// One whole calendar month on site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// "YYYY-MM".
    pub month: String,
    /// First day on site.
    pub first_day: NaiveDate,
    /// Last day on site.
    pub last_day: NaiveDate,
}

/// Townships covered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Townships in the region.
    pub townships: usize,
    /// Townships covered in plan year 1.
    pub year1: usize,
    /// Townships covered in plan year 2.
    pub year2: usize,
    /// Townships covered in at least one year (H7).
    pub total: usize,
}

/// All costs, in yuan (§4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Two-year travel cost of all cadres.
    pub travel: f64,
    /// Two-year stay cost (lodging + meals on block days) of all cadres.
    pub stay: f64,
    /// Per cadre, roster order.
    pub cadres: Vec<CadreCost>,
    /// Per group, county order.
    pub groups: Vec<GroupCost>,
    /// Per dispatching unit, by name.
    pub units: Vec<UnitCost>,
}

/// One cadre's costs and the numbers they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadreCost {
    /// Cadre id.
    pub cadre: String,
    /// Dispatching unit.
    pub unit: String,
    /// Road km from base to the county seat (great-circle × road_factor).
    pub road_km: f64,
    /// Round trips over both years.
    pub round_trips: f64,
    /// Travel cost = round_trips × 2 × road_km × fare_per_km.
    pub travel: f64,
    /// On-site block days over both years.
    pub stay_days: u32,
    /// Stay cost = stay_days × (lodging + meals).
    pub stay: f64,
}

/// One group's costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCost {
    /// County code.
    pub county: String,
    /// Travel cost of its members.
    pub travel: f64,
    /// Stay cost of its members.
    pub stay: f64,
}

/// What one dispatching unit pays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCost {
    /// Unit name.
    pub unit: String,
    /// Cadres it sends.
    pub cadres: usize,
    /// Travel cost of its cadres.
    pub travel: f64,
    /// Stay cost of its cadres.
    pub stay: f64,
}

/// How a stage's solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    /// Optimal within the proven-optimality tolerance.
    Optimal,
    /// Stopped by the time limit (one was set and struck) with a valid incumbent.
    TimeLimit,
}

/// Objective, bound and gap of one optimisation stage (§5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageReport {
    /// Stage id: "B1".."B3" (best-effort goals), "N" (robust groups, `parameters.robust`),
    /// "S1", "S2", "S3a" (months), "S3b" (weekdays).
    pub id: String,
    /// What the stage optimises.
    pub name: String,
    /// "min" or "max".
    pub sense: String,
    /// Objective value of the plan.
    pub objective: f64,
    /// Proven bound on the objective.
    pub bound: f64,
    /// Relative gap |objective − bound| / max(1, |objective|).
    pub gap: f64,
    /// Whether the gap meets the proven-optimality tolerance.
    pub proven_optimal: bool,
    /// How the solve ended.
    pub status: StageStatus,
    /// Constraint rows of the MILP(s) (0 for a combinatorial stage).
    pub rows: usize,
    /// Variables of the MILP(s).
    pub columns: usize,
    /// Number of MILPs solved for this stage.
    pub models: usize,
    /// Wall time, seconds.
    pub seconds: f64,
    /// How the objective breaks down into the rule's terms.
    pub terms: BTreeMap<String, f64>,
    /// How the bound is known, so that it can be re-checked without the solver.
    #[serde(default)]
    pub proof: Proof,
    /// Stages solved as independent models (S2: one per county): each model's own figures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<StagePart>,
}

/// One independent model of a stage (S2: one county).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagePart {
    /// Model id, e.g. "S2_370102".
    pub id: String,
    /// The model's objective value in the plan.
    pub objective: f64,
    /// Its proven bound.
    pub bound: f64,
    /// How the bound is known.
    pub proof: Proof,
}

/// How a stage's bound is known (PLANNING_RULES §5: "its proven bound").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Proof {
    /// The LP relaxation's optimum was integral, or equal to the MILP's. `duals` holds the LP dual value of every
    /// row with a non-zero dual, keyed by the row's rule-named id (as `--write-model` names
    /// it). Anyone can rebuild those rows from the rules and compute the bound the duals
    /// imply (Lagrangian weak duality); a wrong vector only weakens it.
    LpDuals {
        /// Row id → dual value (HiGHS's convention: reduced cost = cost − Aᵀ·dual).
        duals: BTreeMap<String, f64>,
    },
    /// A counting bound the checker recomputes from the plan (S3b: Σ over groups of
    /// min(5, weekly and mixed members)).
    Counting,
    /// Each of `parts` carries its own proof.
    Parts,
    /// The MILP solver's bound (branching was needed, or the stage's rows depend on data the
    /// checker does not see): not independently certified.
    #[default]
    Solver,
}

/// How robust a plan is (docs/robust.md): N1 and N2 of every group, at every date H3 and H4
/// are checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Robustness {
    /// Groups that are robust (N1 and N2 at every date).
    pub robust_groups: usize,
    /// One entry per group, in county order.
    pub groups: Vec<GroupRobustness>,
}

/// One group's robustness: N1 (a second senior member, or a backup group within reach) and
/// N2 (a province/city member to spare), and the first date each fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRobustness {
    /// County code.
    pub county: String,
    /// N1 and N2 hold at every date.
    pub robust: bool,
    /// N1 by itself: two members who may lead the group serve at every date.
    pub second_senior: bool,
    /// The groups within reach that back this one up (N1) on a date it has no second senior:
    /// each has two members serving then who may lead it and a senior member serving who may
    /// serve and lead here. Nearest seat first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backups: Vec<String>,
    /// N1 fails: the first date on which fewer than two members who may lead the group serve
    /// and no group within reach backs it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_senior_backup: Option<NaiveDate>,
    /// N2 fails: the first date on which its province/city members serving number
    /// `min_upper_per_group` or fewer (so one departure breaks H4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_upper_spare: Option<NaiveDate>,
}

/// A best-effort goal left unmet (§6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shortfall {
    /// Rule id: "H1", "H3", "H4" or "H7".
    pub rule: String,
    /// Township or county code concerned.
    pub subject: String,
    /// Why, in words (English).
    pub reason: String,
    /// The same reason as a coded message, for the reader's language (absent in plans
    /// written before messages had codes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<crate::Msg>,
}

/// What kind of obstacle an infeasibility certificate shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// H7: counties whose township need exceeds the cadre-years of every cadre eligible for any of them.
    Coverage,
    /// H3: counties outnumbering the senior cadres eligible for any of them.
    SeniorLeaders,
    /// H4: counties needing more province/city members than can reach them.
    UpperMembers,
    /// H6: cadres who can only serve one county outnumber its township capacity in a year.
    TownshipLoad,
    /// H6 with H1: every county a cadre may serve is filled, in a year it serves, by the
    /// cadres who can serve only there (a cadre keeps one group in both years).
    NoRoom,
    /// H8: a cadre with fewer available window months than blocks in a year.
    BlockMonths,
    /// H9: a department whose blocks cannot fit under its monthly cap.
    DepartmentCap,
    /// The rules conflict only jointly; the MILP proved infeasibility.
    Joint,
    /// The planner's locks (P1–P9) make the rules impossible: the certificate's `locks` alone
    /// admit no plan, and without any one of them they do (a minimal conflicting set).
    Locks,
}

/// A checkable reason why no strict plan exists (§6): every number adds up from the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Rule id the obstacle violates.
    pub rule: String,
    /// Kind of obstacle.
    pub kind: CertificateKind,
    /// Counties (or the one cadre/department) involved.
    pub counties: Vec<String>,
    /// Cadres whose supply is counted.
    pub cadres: Vec<String>,
    /// Department (H9 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Plan year index 1 or 2 (H6, H8, H9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u8>,
    /// H3, H4: the day the need falls short (only cadres in service that day are counted).
    /// H7, H8, H9 of a re-plan: the re-plan's date, before which decisions are kept as they
    /// were (covered townships, block months taken) and counted so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<chrono::NaiveDate>,
    /// What the rule needs, in the unit of the kind.
    pub need: u64,
    /// What the instance can supply, in the same unit.
    pub supply: u64,
    /// The certificate in words, for a planner.
    pub message: String,
    /// [`CertificateKind::Locks`]: indices in `Instance::locks` of the locks to lift (any one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<usize>,
}
