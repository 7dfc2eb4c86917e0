//! Independent plan checker for the 三联四促 deployment planner.
//!
//! [`check`] re-verifies a [`Plan`] against its instance from the planning
//! rules alone; it never calls a solver. It reads the plan defensively
//! (unknown ids, missing or duplicated entries and wrong years become `PLAN`
//! violations, never a panic), checks the hard rules H1–H10 with the
//! best-effort allowances of §6, and recomputes costs (§4), coverage and the
//! stage values (§5) to compare them with the numbers the plan reports.
//!
//! Its reading of the rules (eligibility, blocks, service, department caps, the
//! cost model and the S1/S2 coefficients) is its own ([`reading`]), written from
//! PLANNING_RULES, not the solver's `Prepared`. It verifies the proof each stage
//! carries ([`proofs`]): the bound its LP duals imply over rows it derives itself,
//! or a counting bound, so that "proven optimal" is checked without the solver.
//!
//! [`certify`] is the one way to a [`CheckedPlan`]: a plan the checker accepted.

use std::fmt;

use sanlian_model::plan::Costs;
use sanlian_model::{Coverage, InputError, Instance, Plan, CONTRACT_VERSION};
use serde::Serialize;

mod costs;
pub mod fairness;
mod locks;
pub mod proofs;
pub mod reading;
pub mod robust;
mod rules;
mod stages;
mod view;

pub use reading::Rules;
pub use stages::{expected_terms as stage_terms, expected_value as stage_value};

/// One broken rule or inconsistency found in a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Rule id: "H1".."H10", "P1".."P9" (locks), "A1".."A3" (spreading), "F1".."F3" (fair
    /// burden), or "PLAN", "COST", "COVERAGE", "STAGE", "SHORTFALL", "ROBUST".
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
    /// S1 term: preference_penalty × misses.
    pub s1_preference_penalty: f64,
    /// S1 term: continuity_bonus × kept.
    pub s1_continuity_bonus: f64,
    /// S2: match_value × matches + priority_first_year_value × priority townships covered in year 1.
    pub s2: f64,
    /// S2 term: Σ over (cadre, active year) of |strengths ∩ needs of its township|.
    pub s2_matches: usize,
    /// S2 term: priority townships covered in the first plan year.
    pub s2_priority_first_year: usize,
    /// S2 term: match_value × matches.
    pub s2_match_value: f64,
    /// S2 term: priority_first_year_value × priority townships covered in year 1.
    pub s2_priority_value: f64,
    /// S3a: (county, year, window month) with at least one group member on a block.
    pub s3_presence: usize,
    /// S3a term: (county, year, window month) in which some member could be on a block.
    pub s3_reachable: usize,
    /// S3b: Σ over groups of the distinct weekdays (Mon–Fri) used by the group's
    /// weekly- and mixed-mode members, both plan years pooled.
    pub s3_weekdays: usize,
    /// B1: townships covered in at least one year.
    pub b1_covered: usize,
    /// B2: groups whose leader is senior.
    pub b2_senior_leaders: usize,
    /// B3: groups with at least `min_upper_per_group` province- or city-level members.
    pub b3_mixed_groups: usize,
    /// N: robust (N−1) groups (docs/robust.md), with the plan's reach (or the instance's, or
    /// the default).
    pub n_robust_groups: usize,
}

/// How far the checker could verify a stage's optimality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The checker computed a bound itself (LP duals over rows it derived, or counting)
    /// and it proves the objective optimal.
    Certified,
    /// The bound is the MILP solver's (branching was needed, or the rows depend on data the
    /// checker does not see, as in a re-plan): not independently certified.
    SolverBound,
    /// The checker's bound does not prove optimality (a claim of it is a violation).
    NotProven,
}

/// The checker's verdict on one stage's optimality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageCheck {
    /// Stage id.
    pub id: String,
    /// The bound the checker computed, when it could.
    pub certified_bound: Option<f64>,
    /// What the checker concluded.
    pub verdict: Verdict,
    /// Dual entries naming rows the checker does not derive (counted as 0).
    pub unknown_rows: usize,
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
    /// The verdict on each stage's optimality, in the plan's order.
    pub stages: Vec<StageCheck>,
    /// Robustness (docs/robust.md) recomputed: reported whether or not the plan was made
    /// robust (robustness is no hard rule).
    pub robust: sanlian_model::Robustness,
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

    /// The violations of the hard rules H1–H10, of the planner's locks P1–P9, of the spreading
    /// rules A1–A3, of the fair-burden options F1–F3 and of the listed shortfalls: what makes a
    /// plan invalid as a plan, whatever its reported numbers say.
    pub fn rule_violations(&self) -> Vec<&Violation> {
        self.violations
            .iter()
            .filter(|v| {
                v.rule.starts_with('H')
                    || v.rule.starts_with('A')
                    || v.rule.starts_with('F')
                    || (v.rule.starts_with('P') && v.rule != "PLAN")
                    || v.rule == "SHORTFALL"
            })
            .collect()
    }
}

/// Re-verify `plan` against `inst` and recompute its numbers.
///
/// Never panics: whatever the plan contains, the problems come back as violations. An
/// instance that does not validate is an input error.
pub fn check(inst: &Instance, plan: &Plan) -> Result<Report, InputError> {
    let rules = Rules::new(inst)?;
    Ok(check_with(&rules, plan))
}

/// [`check`] with the instance already read.
pub fn check_with(rules: &Rules, plan: &Plan) -> Report {
    let mut found = Findings::default();
    if plan.contract != CONTRACT_VERSION {
        found.add(
            "PLAN",
            "plan",
            format!(
                "the plan was made under PLANNING_RULES {:?}; this checker verifies v{CONTRACT_VERSION}",
                plan.contract
            ),
        );
    }
    let view = view::PlanView::read(rules, plan, &mut found);
    rules::check_hard_rules(rules, plan, &view, &mut found);
    let costs = costs::recompute(rules, &view);
    costs::compare(&plan.costs, &costs, &mut found);
    let coverage = view.coverage();
    compare_coverage(&plan.coverage, &coverage, &mut found);
    let replan = plan.stages.iter().any(|s| matches!(s.id.as_str(), "R1" | "R2" | "R3"));
    let robust = robust::check(rules, plan, &view, replan, &mut found);
    let mut values = stages::recompute(rules, &view);
    if !replan {
        continuity(plan, values.s1_continuity_kept, &mut found);
    }
    values.n_robust_groups = robust.robust_groups;
    let stages = stages::compare(rules, plan, &view, &values, &mut found);
    Report { violations: found.0, values, costs, coverage, stages, robust }
}

/// A plan the checker accepted for its instance: the only way to build one is [`certify`],
/// so a function that takes or returns a `CheckedPlan` cannot hand out an unchecked plan.
#[derive(Debug, Clone)]
pub struct CheckedPlan {
    plan: Plan,
    report: Report,
}

impl CheckedPlan {
    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The checker's report (valid; with the verdict on each stage).
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The plan, giving up the proof that it was checked.
    pub fn into_plan(self) -> Plan {
        self.plan
    }
}

/// Check `plan` against the instance read in `rules`: the plan as a [`CheckedPlan`] when it
/// breaks no rule and reports every number and proof correctly, else the report.
pub fn certify(rules: &Rules, plan: Plan) -> Result<CheckedPlan, Box<Report>> {
    let report = check_with(rules, &plan);
    if report.is_valid() {
        Ok(CheckedPlan { plan, report })
    } else {
        Err(Box::new(report))
    }
}

/// Continuity's ε-form: a plan made with `parameters.continuity_at_least` (its echo) places at
/// least that many cadres in their previous county — `placed`, as S1's recomputation counts
/// them. A re-plan is not held to it: departures take cadres away, and re-planning minimises
/// changes, not this.
fn continuity(plan: &Plan, placed: usize, found: &mut Findings) {
    let Some(least) = plan.parameters.continuity_at_least else { return };
    if placed < least as usize {
        found.add(
            "CONTINUITY",
            "plan",
            format!("parameters.continuity_at_least asks for {least} cadres in their previous county; the plan has {placed}"),
        );
    }
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
