//! Robust (N−1) planning beside the plain optimum (docs/robust.md): both solved and checked,
//! with the figures that compare them — the price of robustness, a front of cost against
//! robust groups (the ε-form, [`Robust::at_least`]), and stress tests that need both plans.

use sanlian_check::{CheckedPlan, Rules};
use sanlian_model::{Certificate, Instance, Plan, Prepared, Robust, Robustness, StageReport};
use sanlian_solver::{NamedModel, SolveOptions};

use crate::{Answer, EngineError, Solved};

/// One plan's figures in a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// S1: travel + preference penalty − continuity bonus, yuan.
    pub s1: f64,
    /// Two-year travel cost, yuan.
    pub travel: f64,
    /// Two-year stay cost, yuan (it does not depend on the groups).
    pub stay: f64,
    /// Robust groups, by the checker's reading with the compared reach.
    pub robust_groups: usize,
    /// Groups of the plan.
    pub groups: usize,
    /// Every stage of the plan is proven optimal.
    pub proven_optimal: bool,
    /// Wall time of its solve, seconds.
    pub seconds: f64,
}

impl Figures {
    /// The figures of `plan`, whose robustness (with the compared reach) is `robustness`.
    pub fn of(plan: &Plan, robustness: &Robustness) -> Figures {
        Figures {
            s1: plan.stages.iter().find(|s| s.id == "S1").map_or(f64::NAN, |s| s.objective),
            travel: plan.costs.travel,
            stay: plan.costs.stay,
            robust_groups: robustness.robust_groups,
            groups: plan.groups.len(),
            proven_optimal: plan.stages.iter().all(|s| s.proven_optimal),
            seconds: plan.seconds,
        }
    }
}

/// The plain optimum and the robust plan of one instance, both checked.
#[derive(Debug)]
pub struct Comparison {
    /// The robust planning compared.
    pub robust: Robust,
    /// The instance's optimum without robust planning.
    pub plain: CheckedPlan,
    /// Which of its groups are robust all the same (the checker's reading, `robust`'s reach).
    pub plain_robustness: Robustness,
    /// Its figures.
    pub plain_figures: Figures,
    /// The robust plan (its robustness is `plan.plan().robust`, verified by the checker).
    pub plan: CheckedPlan,
    /// Its figures.
    pub figures: Figures,
    /// The robust solve's models (with `capture_models`).
    pub models: Vec<NamedModel>,
}

impl Comparison {
    /// What robustness costs: S1 of the robust plan minus S1 of the plain optimum, yuan.
    pub fn extra_cost(&self) -> f64 {
        self.figures.s1 - self.plain_figures.s1
    }

    /// The same in travel cost alone, yuan.
    pub fn extra_travel(&self) -> f64 {
        self.figures.travel - self.plain_figures.travel
    }

    /// Stage N of the robust plan (the most robust groups, its bound and gap); none in the
    /// ε-form.
    pub fn stage_n(&self) -> Option<&StageReport> {
        self.plan.plan().stages.iter().find(|s| s.id == "N")
    }
}

/// What [`compare`] found.
#[derive(Debug)]
pub enum Compared {
    /// Both plans.
    Both(Box<Comparison>),
    /// Strict mode: no plan satisfies the hard rules (robust planning never makes a plan
    /// infeasible, so this is the plain instance's answer).
    Infeasible(Vec<Certificate>),
}

/// `inst` with robust planning `robust` (or without it, `None`) in its parameters.
pub fn with_robust(inst: &Instance, robust: Option<&Robust>) -> Instance {
    let mut out = inst.clone();
    out.parameters.robust = robust.cloned();
    out
}

/// Solve `inst` with robust planning `robust` (whatever its parameters said) and check the plan.
pub fn solve_robust(inst: &Instance, robust: &Robust, opts: &SolveOptions) -> Result<Solved, EngineError> {
    let inst = with_robust(inst, Some(robust));
    let prep = Prepared::new(&inst)?;
    crate::solve(&prep, opts)
}

/// Solve `inst` twice, in parallel — without robust planning (the plain optimum) and with
/// `robust` — and check both plans. The plain plan's robustness is read by the checker with
/// `robust`'s reach. With `robust.at_least` the robust solve is the ε-form: its answer may be
/// [`sanlian_solver::SolveError::RobustTarget`]. The models captured (`capture_models`) are
/// the robust solve's.
pub fn compare(inst: &Instance, robust: &Robust, opts: &SolveOptions) -> Result<Compared, EngineError> {
    let plain_inst = with_robust(inst, None);
    let robust_inst = with_robust(inst, Some(robust));
    let quiet = SolveOptions { capture_models: false, ..opts.clone() };
    let run = |i: &Instance, o: &SolveOptions| -> Result<Solved, EngineError> { crate::solve(&Prepared::new(i)?, o) };
    let (plain, robust_answer) = std::thread::scope(|s| {
        let plain = s.spawn(|| run(&plain_inst, &quiet));
        let robust_answer = run(&robust_inst, opts);
        (plain.join().expect("the plain solve does not panic"), robust_answer)
    });
    let (plain, robust_answer) = (plain?, robust_answer?);
    let models = robust_answer.models;
    let (plain, plan) = match (plain.answer, robust_answer.answer) {
        (Answer::Planned(plain), Answer::Planned(plan)) => (*plain, *plan),
        (Answer::Infeasible(certs), _) | (_, Answer::Infeasible(certs)) => return Ok(Compared::Infeasible(certs)),
    };
    let rules = Rules::new(&plain_inst)?;
    let plain_robustness = sanlian_check::robust::of_plan(&rules, plain.plan(), robust);
    let plain_figures = Figures::of(plain.plan(), &plain_robustness);
    let figures = Figures::of(plan.plan(), &plan.report().robust);
    Ok(Compared::Both(Box::new(Comparison {
        robust: robust.clone(),
        plain,
        plain_robustness,
        plain_figures,
        plan,
        figures,
        models,
    })))
}
