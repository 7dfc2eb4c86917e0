//! Independent plan checker for the 三联四促 deployment planner.
//!
//! [`check`] re-verifies a [`Plan`] against its instance from the planning
//! rules alone; it never calls a solver. It reads the plan defensively
//! (unknown ids, missing or duplicated entries and wrong years become `PLAN`
//! violations, never a panic), checks the hard rules H1–H10 with the
//! best-effort allowances of §6, and recomputes costs (§4), coverage and the
//! stage values (§5) to compare them with the numbers the plan reports.
//!
//! Rule definitions that the solver and the checker must share on purpose
//! (eligibility, blocks per mode, department caps, the cost formulas) come
//! from [`sanlian_model::Prepared`] and [`sanlian_model::cost`].

use std::fmt;

use sanlian_model::plan::Costs;
use sanlian_model::{Coverage, Plan, Prepared};
use serde::Serialize;

mod costs;
mod rules;
mod stages;
mod view;

/// One broken rule or inconsistency found in a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Rule id: "H1".."H10", or "PLAN", "COST", "COVERAGE", "STAGE", "SHORTFALL".
    pub rule: String,
    /// What it concerns: a cadre id, county or township code, department,
    /// unit, stage id, or "plan" for the plan as a whole.
    pub subject: String,
    /// What is wrong, with the numbers involved.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: {}", self.rule, self.subject, self.message)
    }
}

/// Stage objective values recomputed from the plan (§5, §6), with their terms.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct StageValues {
    /// S1: travel + preference_penalty × misses − continuity_bonus × kept.
    pub s1: f64,
    /// S1 term: two-year travel cost of all placed cadres.
    pub s1_travel: f64,
    /// S1 term: cadres with preferred counties placed outside all of them.
    pub s1_preference_misses: usize,
    /// S1 term: cadres placed in their previous county.
    pub s1_continuity_kept: usize,
    /// S2: match_value × matches + priority_first_year_value × priority townships covered in year 1.
    pub s2: f64,
    /// S2 term: Σ over (cadre, active year) of |strengths ∩ needs of its township|.
    pub s2_matches: usize,
    /// S2 term: priority townships covered in the first plan year.
    pub s2_priority_first_year: usize,
    /// S3a: (county, year, window month) with at least one group member on a block.
    pub s3_presence: usize,
    /// S3b: Σ over groups of the distinct weekdays (Mon–Fri) used by the group's
    /// weekly- and mixed-mode members, both plan years pooled.
    pub s3_weekdays: usize,
    /// B1: townships covered in at least one year.
    pub b1_covered: usize,
    /// B2: groups whose leader is senior.
    pub b2_senior_leaders: usize,
    /// B3: groups with at least `min_upper_per_group` province- or city-level members.
    pub b3_mixed_groups: usize,
}

/// The outcome of [`check`]: every violation found and the recomputed numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every violation, in the order found.
    pub violations: Vec<Violation>,
    /// Recomputed stage values.
    pub values: StageValues,
    /// Recomputed costs (cadres whose county is unknown are left out).
    pub costs: Costs,
    /// Recomputed township coverage.
    pub coverage: Coverage,
}

impl Report {
    /// True when the plan breaks no rule and reports every number correctly.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violations that show the plan was made for another instance (rule `PLAN`:
    /// unknown cadres, counties or townships, another plan year), as text.
    pub fn mismatches(&self) -> Vec<String> {
        self.violations.iter().filter(|v| v.rule == "PLAN").map(|v| v.to_string()).collect()
    }
}

/// Re-verify `plan` against the instance of `prep` and recompute its numbers.
///
/// Never panics: whatever the plan contains, the problems come back as
/// violations. Only stages present in the plan are compared.
pub fn check(prep: &Prepared, plan: &Plan) -> Report {
    let mut found = Findings::default();
    let view = view::PlanView::read(prep, plan, &mut found);
    rules::check_hard_rules(prep, plan, &view, &mut found);
    let costs = costs::recompute(prep, &view);
    costs::compare(&plan.costs, &costs, &mut found);
    let coverage = view.coverage();
    compare_coverage(&plan.coverage, &coverage, &mut found);
    let values = stages::recompute(prep, &view);
    stages::compare(plan, &values, &mut found);
    Report { violations: found.0, values, costs, coverage }
}

fn compare_coverage(reported: &Coverage, recomputed: &Coverage, found: &mut Findings) {
    for (field, got, want) in [
        ("townships", reported.townships, recomputed.townships),
        ("year1", reported.year1, recomputed.year1),
        ("year2", reported.year2, recomputed.year2),
        ("total", reported.total, recomputed.total),
    ] {
        if got != want {
            found.add("COVERAGE", field, format!("plan reports {got}, recomputed {want}"));
        }
    }
}

/// Collects violations as the checks go.
#[derive(Default)]
pub(crate) struct Findings(Vec<Violation>);

impl Findings {
    pub(crate) fn add(&mut self, rule: &str, subject: impl Into<String>, message: impl Into<String>) {
        self.0.push(Violation { rule: rule.to_string(), subject: subject.into(), message: message.into() });
    }
}
