//! The one checked way out of the engine (ARCHITECTURE invariant 1).
//!
//! Every front end and every crate that makes plans for people — the CLI, the HTTP
//! service, scenarios, explanations and what-ifs — solves through [`solve`]. Its answer
//! holds a [`CheckedPlan`], which only [`sanlian_check::certify`] can build: a plan that
//! the independent checker rejects never leaves the engine, by type.

use sanlian_check::{CheckedPlan, Report, Rules};
use sanlian_model::{Certificate, InputError, Prepared, Proof};
use sanlian_solver::{NamedModel, Outcome, SolveError, SolveOptions};

pub use sanlian_check::{certify, Verdict};

pub mod robust;

/// The engine's answer about an instance.
#[derive(Debug)]
pub enum Answer {
    /// A plan the checker accepted.
    Planned(Box<CheckedPlan>),
    /// Strict mode: no plan satisfies the hard rules; each certificate is a checkable reason.
    Infeasible(Vec<Certificate>),
}

/// A solve's answer and, if asked for, the models solved.
#[derive(Debug)]
pub struct Solved {
    /// Plan or certificates.
    pub answer: Answer,
    /// MPS text of every MILP solved (with `capture_models`).
    pub models: Vec<NamedModel>,
}

/// Why the engine gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The instance does not validate.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The solver stopped without an answer (time limit, impossible in best-effort, HiGHS).
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The checker rejected the solver's plan: a defect, reported, never handed out.
    #[error("internal error: the checker rejects the solver's plan:\n{}", .0.violations.iter().map(|v| format!("  {v}")).collect::<Vec<_>>().join("\n"))]
    Rejected(Box<Report>),
}

/// Solve the instance of `prep` and check the plan: the only way the engine answers.
pub fn solve(prep: &Prepared, opts: &SolveOptions) -> Result<Solved, EngineError> {
    let rules = Rules::new(prep.inst)?;
    let solution = sanlian_solver::solve(prep, opts)?;
    let answer = match solution.outcome {
        Outcome::Infeasible(certs) => Answer::Infeasible(certs),
        Outcome::Planned(plan) => Answer::Planned(Box::new(certify(&rules, *plan).map_err(EngineError::Rejected)?)),
    };
    Ok(Solved { answer, models: solution.models })
}

/// Solve a variant of the instance of `prep` — eligibility narrowed by a what-if (a cadre
/// fixed to or barred from a county) — and check the plan against the instance's rules. Its
/// stages are optimal under the variant, not the instance, so their proofs become the
/// solver's bound: the checker verifies every rule and number, and says the bounds are not
/// independently certified.
pub fn solve_variant(prep: &Prepared, opts: &SolveOptions) -> Result<Solved, EngineError> {
    let rules = Rules::new(prep.inst)?;
    let solution = sanlian_solver::solve(prep, opts)?;
    let answer = match solution.outcome {
        Outcome::Infeasible(certs) => Answer::Infeasible(certs),
        Outcome::Planned(mut plan) => {
            for stage in &mut plan.stages {
                stage.proof = Proof::Solver;
                for part in &mut stage.parts {
                    part.proof = Proof::Solver;
                }
            }
            Answer::Planned(Box::new(certify(&rules, *plan).map_err(EngineError::Rejected)?))
        }
    };
    Ok(Solved { answer, models: solution.models })
}

impl Answer {
    /// The checked plan, if there is one.
    pub fn plan(&self) -> Option<&CheckedPlan> {
        match self {
            Answer::Planned(p) => Some(p),
            Answer::Infeasible(_) => None,
        }
    }
}
