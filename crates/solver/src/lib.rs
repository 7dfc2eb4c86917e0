//! The sanlian optimisation engine: turns a validated instance into a plan.
//!
//! Stages follow PLANNING_RULES §5, each solved to proven optimality given the
//! ones before it (§6 adds the best-effort goals B1–B3 in front of S1):
//!
//! | stage | module | what |
//! |---|---|---|
//! | B1–B3, S1 | [`groups`] | group membership and leaders (H1–H4, H6, H7 as counts) |
//! | N | [`robust`] | robust (N−1) groups, with `parameters.robust`, between B3 and S1 |
//! | S2 | [`townships`] | township per cadre and year, per county in parallel (H5–H7) |
//! | S3a | [`months`] | block months (H8, H9), maximising county-months with presence |
//! | S3b | [`months`] | weekdays (H10), maximising distinct weekdays per group |
//!
//! Infeasibility in strict mode is answered with checkable [`Certificate`]s
//! ([`certificate`]). The crate does no I/O: models are handed back as MPS text.

// Index loops mirror the formulation's subscripts (county k, year y, cadre c).
#![allow(clippy::needless_range_loop)]

pub mod certificate;
pub mod counterfactual;
pub mod groups;
pub mod milp;
pub mod min_roster;
pub mod months;
pub mod repair;
pub mod robust;
pub mod townships;

mod assemble;
mod town_classes;

use std::collections::BTreeMap;
use std::time::Instant;

use sanlian_model::{optimality, Certificate, Plan, PlanMode, Prepared, Proof, StagePart, StageReport, StageStatus};

use milp::{Milp, MilpResult, MilpSettings, MilpStatus};

/// Relative gap at or below which a stage counts as proven optimal (§5).
pub const PROVEN_GAP: f64 = optimality::REL_GAP;

/// HiGHS settings that prove a stage optimal, one thread: the relative gap [`PROVEN_GAP`] and
/// an absolute gap under half the stage's `unit` (its values are multiples of it).
pub(crate) fn proving(unit: f64) -> MilpSettings {
    MilpSettings {
        threads: 1,
        mip_rel_gap: PROVEN_GAP,
        mip_abs_gap: (0.5 * unit - 1e-9).max(1e-9),
        ..MilpSettings::default()
    }
}

/// How S1 and S2 are formulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Formulation {
    /// Interchangeable cadres (S1) and townships (S2) aggregated into integer counts; forced
    /// assignments fixed.
    #[default]
    Aggregated,
    /// One 0/1 variable per cadre × eligible county (S1) and per cadre × year × township
    /// (S2): the textbook models, for comparison.
    Plain,
}

/// Options of a solve.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Strict or best-effort (§6).
    pub mode: PlanMode,
    /// Wall-clock limit for the whole solve, seconds, counted from `started`.
    pub time_limit: Option<f64>,
    /// When the work the time limit bounds began (a job's start, so that reading and
    /// validating its input count too); default: when the solve begins.
    pub started: Option<Instant>,
    /// Set to stop the solve at the next model (a cancelled job): it ends with
    /// [`SolveError::Cancelled`].
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Set to stop and keep the best found so far ("finish now with what you have"): the
    /// model running when it is seen ends at its next MIP node once it has an incumbent
    /// (until then it goes on), and its stage is reported as at a time limit — incumbent,
    /// bound and gap, status `time_limit`, not proven optimal. That consumes the flag for
    /// this solve: the stages after it are solved as usual. The solver never clears it (a
    /// batch shares one flag among its solves); `cancel` wins.
    pub settle: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// HiGHS threads for the single-model stages (S2's per-county models use 1 each).
    pub threads: u32,
    /// Relative MIP gap HiGHS must reach (default 1e-6, i.e. proven optimal).
    pub mip_rel_gap: f64,
    /// S1 formulation.
    pub formulation: Formulation,
    /// Hand back every stage's MILP as MPS text.
    pub capture_models: bool,
    /// Let HiGHS print its own log (to standard output) for the single-model stages.
    pub solver_log: bool,
    /// Solve each model's LP relaxation first and stop when it is integral
    /// (default; turn off only to measure HiGHS on its own).
    pub lp_first: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            mode: PlanMode::Strict,
            time_limit: None,
            started: None,
            cancel: None,
            settle: None,
            threads: 1,
            mip_rel_gap: PROVEN_GAP,
            formulation: Formulation::Aggregated,
            capture_models: false,
            solver_log: false,
            lp_first: true,
        }
    }
}

/// A stage's MILP in MPS form.
#[derive(Debug, Clone)]
pub struct NamedModel {
    /// File stem, e.g. "S1" or "S2_370102".
    pub name: String,
    /// Free-format MPS text.
    pub mps: String,
}

/// The engine's answer.
#[derive(Debug)]
pub enum Outcome {
    /// A valid plan (strict: every hard rule; best-effort: every rule but the goals it lists).
    Planned(Box<Plan>),
    /// Strict mode: no plan satisfies the hard rules; each certificate is a checkable reason.
    Infeasible(Vec<Certificate>),
}

/// Solve output: the outcome and, if asked for, the models.
#[derive(Debug)]
pub struct Solution {
    /// Plan or certificates.
    pub outcome: Outcome,
    /// MPS text of every MILP solved (with `capture_models`).
    pub models: Vec<NamedModel>,
}

/// Why the engine gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// The time limit (one was set) struck before a valid solution of a stage was found.
    #[error("the time limit struck during stage {stage} before any valid solution was found; allow more time (--time-limit)")]
    TimeLimit {
        /// Stage id.
        stage: &'static str,
    },
    /// A hard rule other than H3/H4/H7 cannot hold, so even best-effort has no plan.
    #[error("no plan exists even in best-effort mode: {}", .0.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join("; "))]
    Impossible(Vec<Certificate>),
    /// Robust planning's ε-form (`parameters.robust.at_least`) asks for more robust groups
    /// than any valid plan has.
    #[error("no plan has {at_least} robust (N−1) groups: at most {most} groups can be robust; ask for fewer (--robust-groups-at-least) or for the most (stage N)")]
    RobustTarget {
        /// Robust groups asked for.
        at_least: u32,
        /// The most robust groups a valid plan has (stage N's bound).
        most: u32,
    },
    /// Continuity's ε-form (`parameters.continuity_at_least`) asks for more cadres in their
    /// previous county than any valid plan has.
    #[error("no plan places {at_least} cadres in their previous county: at most {most} can be; ask for fewer")]
    ContinuityTarget {
        /// Cadres asked for.
        at_least: u32,
        /// The most cadres a valid plan places in their previous county.
        most: u32,
    },
    /// The solve was cancelled (its job was stopped).
    #[error("stopped: the job was cancelled during stage {stage}")]
    Cancelled {
        /// Stage id.
        stage: &'static str,
    },
    /// HiGHS could not solve a stage's model: an internal error, not an answer about the
    /// instance (the input's parameters are range-checked so that this does not happen).
    #[error("internal error: HiGHS could not solve stage {stage}: {message}")]
    Solver {
        /// Stage id.
        stage: &'static str,
        /// What HiGHS answered.
        message: String,
    },
}

impl SolveError {
    /// The error for a stage whose model has no solution for a reason other than infeasibility.
    pub(crate) fn from_status(stage: &'static str, status: &MilpStatus) -> SolveError {
        match status {
            MilpStatus::Failed(message) => SolveError::Solver { stage, message: message.clone() },
            MilpStatus::Cancelled => SolveError::Cancelled { stage },
            _ => SolveError::TimeLimit { stage },
        }
    }
}

/// Solve an instance: stages B1–B3 (best-effort), S1, S2, S3. When the planner's locks make
/// the rules impossible, the answer's first certificate names the locks to lift
/// ([`locks_to_lift`]).
pub fn solve(prep: &Prepared, opts: &SolveOptions) -> Result<Solution, SolveError> {
    match solve_stages(prep, opts) {
        Ok(Solution { outcome: Outcome::Infeasible(certs), models }) => {
            Ok(Solution { outcome: Outcome::Infeasible(with_locks_first(prep, opts, certs)), models })
        }
        Err(SolveError::Impossible(certs)) => Err(SolveError::Impossible(with_locks_first(prep, opts, certs))),
        other => other,
    }
}

/// `certs` with, first, the certificate naming the locks to lift ([`locks_to_lift`]) when the
/// instance has locks and they cause the conflict; unchanged otherwise.
pub fn with_locks_first(prep: &Prepared, opts: &SolveOptions, mut certs: Vec<Certificate>) -> Vec<Certificate> {
    if !prep.inst.locks.is_empty() {
        if let Some(c) = locks_to_lift(prep, opts) {
            certs.insert(0, c);
        }
    }
    certs
}

/// Most locks the deletion filter of [`locks_to_lift`] tries one by one (a solve each).
pub const LOCK_FILTER_LIMIT: usize = 64;

/// When the instance has no plan with its locks but has one without them: the certificate
/// naming a minimal set of locks that conflict with the rules (these locks alone admit no
/// plan, and without any one of them they do: lifting one removes this conflict; other locks
/// may conflict too), found by a deletion filter — drop each lock in turn and keep it dropped
/// while the rest still conflict. Beyond [`LOCK_FILTER_LIMIT`] locks, every lock is named. `None` when the instance has no plan even without locks (the rules themselves
/// conflict: the other certificates say why) or a solve ran out of time.
pub fn locks_to_lift(prep: &Prepared, opts: &SolveOptions) -> Option<Certificate> {
    let inst = prep.inst;
    let quiet = SolveOptions { capture_models: false, solver_log: false, ..opts.clone() };
    let feasible = |keep: &[usize]| -> Option<bool> {
        let mut sub = inst.clone();
        sub.locks = keep.iter().map(|&i| inst.locks[i].clone()).collect();
        let p = Prepared::new(&sub).ok()?;
        match solve_stages(&p, &quiet) {
            Ok(Solution { outcome: Outcome::Planned(_), .. }) => Some(true),
            Ok(_) | Err(SolveError::Impossible(_)) => Some(false),
            Err(_) => None,
        }
    };
    if !feasible(&[])? {
        return None;
    }
    let mut keep: Vec<usize> = (0..inst.locks.len()).collect();
    if keep.len() <= LOCK_FILTER_LIMIT {
        let mut i = 0;
        while i < keep.len() {
            let without: Vec<usize> = keep.iter().copied().filter(|&j| j != keep[i]).collect();
            if feasible(&without)? {
                i += 1;
            } else {
                keep = without;
            }
        }
    }
    let mut rules: Vec<&str> = keep.iter().map(|&i| inst.locks[i].rule()).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut cadres: Vec<String> = keep.iter().map(|&i| inst.locks[i].cadre.clone()).collect();
    cadres.sort();
    cadres.dedup();
    let mut counties: Vec<String> = keep
        .iter()
        .filter_map(|&i| {
            let c = prep.cadre_index[inst.locks[i].cadre.as_str()];
            let e = &prep.eligible[c];
            (e.len() == 1).then(|| inst.region.counties[e[0]].code.clone())
        })
        .collect();
    counties.sort();
    counties.dedup();
    let list = keep.iter().map(|i| format!("locks[{i}]")).collect::<Vec<_>>().join(", ");
    let message = if keep.len() == 1 {
        format!("The lock {list} cannot hold with the rules: lift it (other locks may conflict too).")
    } else {
        format!(
            "The locks {list} cannot all hold with the rules; each is part of the conflict, so lifting any one of \
             them removes it (other locks may conflict too)."
        )
    };
    Some(Certificate {
        rule: rules.join("+"),
        kind: sanlian_model::CertificateKind::Locks,
        counties,
        cadres,
        department: None,
        year: None,
        day: None,
        need: keep.len() as u64,
        supply: 0,
        locks: keep,
        message,
    })
}

/// The stages, without the locks' certificate.
fn solve_stages(prep: &Prepared, opts: &SolveOptions) -> Result<Solution, SolveError> {
    let mut stager = Stager::new(opts);
    let hard = certificate::find(prep, opts.mode);
    if !hard.is_empty() {
        return match opts.mode {
            PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(hard), models: stager.models }),
            PlanMode::BestEffort => Err(SolveError::Impossible(hard)),
        };
    }
    let groups = match groups::solve(prep, opts.formulation, opts.mode, &mut stager) {
        groups::S1Outcome::Solved(g) => g,
        groups::S1Outcome::Infeasible => {
            let joint = certificate::joint_in(prep, opts.mode);
            return match opts.mode {
                PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(vec![joint]), models: stager.models }),
                PlanMode::BestEffort => Err(SolveError::Impossible(vec![joint])),
            };
        }
        groups::S1Outcome::Failed(e) => return Err(e),
    };
    let towns = match townships::solve(prep, &groups, opts.mode, &mut stager) {
        Ok(t) => t,
        // Township locks (P5, P6) that leave a county no assignment: strict mode answers
        // infeasible like for any other rule.
        Err(SolveError::Impossible(certs)) if opts.mode == PlanMode::Strict => {
            return Ok(Solution { outcome: Outcome::Infeasible(certs), models: stager.models })
        }
        Err(e) => return Err(e),
    };
    let months = match months::solve_months(prep, &groups, &mut stager) {
        Ok(m) => m,
        Err(MilpStatus::Infeasible) => {
            // H8/H9 do not depend on the groups; `certificate::find` checks them exactly
            // (a flow per department), so this is only reached if that check is wrong.
            let mut certs = certificate::block_months(prep);
            certs.extend(certificate::department_caps(prep));
            if certs.is_empty() {
                certs.push(certificate::joint_in(prep, opts.mode));
            }
            return match opts.mode {
                PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(certs), models: stager.models }),
                PlanMode::BestEffort => Err(SolveError::Impossible(certs)),
            };
        }
        Err(status) => return Err(SolveError::from_status("S3a", &status)),
    };
    let weekdays = months::solve_weekdays(prep, &groups, &mut stager);
    let plan = assemble::plan(prep, opts.mode, &groups, &towns, &months, &weekdays, stager.reports, stager.start);
    Ok(Solution { outcome: Outcome::Planned(Box::new(plan)), models: stager.models })
}

/// Stage-by-stage entry points, for benchmarks and for callers that fix earlier stages.
pub mod stages {
    use super::*;
    pub use crate::groups::Groups;
    pub use crate::months::{Months, Weekdays};
    pub use crate::townships::Townships;

    /// Stages B1–B3 (best-effort) and S1; `None` if infeasible or out of time.
    pub fn groups(prep: &Prepared, opts: &SolveOptions) -> Option<Groups> {
        match groups::solve(prep, opts.formulation, opts.mode, &mut Stager::new(opts)) {
            groups::S1Outcome::Solved(g) => Some(g),
            _ => None,
        }
    }

    /// Stage S2 for fixed groups.
    pub fn townships(prep: &Prepared, g: &Groups, opts: &SolveOptions) -> Option<Townships> {
        townships::solve(prep, g, opts.mode, &mut Stager::new(opts)).ok()
    }

    /// Stage S3 (months, then weekdays) for fixed groups.
    pub fn months(prep: &Prepared, g: &Groups, opts: &SolveOptions) -> Option<(Months, Weekdays)> {
        let mut stager = Stager::new(opts);
        let m = months::solve_months(prep, g, &mut stager).ok()?;
        Some((m, months::solve_weekdays(prep, g, &mut stager)))
    }

    /// A whole plan from fixed groups: S2 and S3 solved for them (the plan reports only
    /// those stages), or `None` when the groups admit no township or month plan.
    pub fn complete(prep: &Prepared, g: &Groups, opts: &SolveOptions) -> Option<Plan> {
        let mut stager = Stager::new(opts);
        let towns = townships::solve(prep, g, opts.mode, &mut stager).ok()?;
        let months = months::solve_months(prep, g, &mut stager).ok()?;
        let weekdays = months::solve_weekdays(prep, g, &mut stager);
        Some(assemble::plan(prep, opts.mode, g, &towns, &months, &weekdays, stager.reports, stager.start))
    }
}

/// Runs stage models within the time budget and collects their reports.
pub(crate) struct Stager<'o> {
    opts: &'o SolveOptions,
    start: Instant,
    reports: Vec<StageReport>,
    models: Vec<NamedModel>,
    /// A model of this solve has been settled ([`SolveOptions::settle`]): the rest run as usual.
    settled: bool,
}

impl<'o> Stager<'o> {
    fn new(opts: &'o SolveOptions) -> Self {
        Stager {
            opts,
            start: opts.started.unwrap_or_else(Instant::now),
            reports: Vec::new(),
            models: Vec::new(),
            settled: false,
        }
    }

    /// HiGHS settings for the next model: the remaining time, `threads` threads.
    pub(crate) fn settings(&self, threads: u32, unit: f64) -> MilpSettings {
        MilpSettings {
            threads,
            mip_rel_gap: self.opts.mip_rel_gap,
            time_limit: self.opts.time_limit.map(|t| (t - self.start.elapsed().as_secs_f64()).max(0.01)),
            log: self.opts.solver_log && threads == self.opts.threads,
            lp_first: self.opts.lp_first,
            interrupt: self.opts.cancel.clone(),
            settle: if self.settled { None } else { self.opts.settle.clone() },
            ..proving(unit)
        }
    }

    /// Note models solved with [`Self::settings`]: once one ended with an incumbent short of
    /// optimality while the settle flag is set, it was settled, and later models run as usual.
    pub(crate) fn note_settled<'r>(&mut self, results: impl IntoIterator<Item = &'r MilpResult>) {
        let settling = self.opts.settle.as_ref().is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed));
        if settling && results.into_iter().any(|r| r.status == MilpStatus::Limit) {
            self.settled = true;
        }
    }

    /// Are the models being kept (so a stage should solve the model it names, whole)?
    pub(crate) fn captures(&self) -> bool {
        self.opts.capture_models
    }

    /// Keep the model's MPS text if asked to.
    pub(crate) fn capture(&mut self, name: String, milp: &Milp) {
        if self.opts.capture_models {
            self.models.push(NamedModel { name, mps: milp.to_mps() });
        }
    }

    /// Solve one stage model with the configured threads (none when the solve was cancelled).
    pub(crate) fn run(&mut self, id: &str, milp: &Milp, unit: f64) -> MilpResult {
        self.capture(id.to_string(), milp);
        if self.cancelled() {
            return MilpResult::without_solution(MilpStatus::Cancelled, milp.n_rows(), milp.n_cols(), 0.0);
        }
        let r = milp.solve(&self.settings(self.opts.threads, unit));
        self.note_settled([&r]);
        r
    }

    /// [`Self::run`] for a model whose objective weighs `goals` lexicographically (each
    /// outweighs all after it), solved as those goals ([`Milp::solve_goals`]; the last one's
    /// unit is `unit`): the same optimum, found without HiGHS where nothing is left to choose.
    pub(crate) fn run_goals(&mut self, id: &str, milp: &mut Milp, goals: &[milp::Goal], unit: f64) -> MilpResult {
        self.capture(id.to_string(), milp);
        if self.cancelled() {
            return MilpResult::without_solution(MilpStatus::Cancelled, milp.n_rows(), milp.n_cols(), 0.0);
        }
        let (rows, cols) = (milp.n_rows(), milp.n_cols());
        let r = match milp.solve_goals(goals, &self.settings(self.opts.threads, unit), unit) {
            Ok((_, r)) => r,
            Err(status) => MilpResult::without_solution(status, rows, cols, 0.0),
        };
        self.note_settled([&r]);
        r
    }

    /// Solve one stage model's LP relaxation only (none when the solve was cancelled).
    pub(crate) fn run_relaxation(&mut self, id: &str, milp: &Milp) -> MilpResult {
        self.capture(id.to_string(), milp);
        if self.cancelled() {
            return MilpResult::without_solution(MilpStatus::Cancelled, milp.n_rows(), milp.n_cols(), 0.0);
        }
        milp.solve_relaxation(&self.settings(self.opts.threads, 1.0))
    }

    /// Has the solve been cancelled?
    pub(crate) fn cancelled(&self) -> bool {
        self.opts.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }

    pub(crate) fn record(&mut self, report: StageReport) {
        self.reports.push(report);
    }
}

/// Figures of one stage, as they go into its [`StageReport`].
pub(crate) struct StageFigures {
    pub objective: f64,
    pub bound: f64,
    /// Smallest objective unit: a gap below half of it proves optimality.
    pub unit: f64,
    pub limited: bool,
    pub rows: usize,
    pub cols: usize,
    pub models: usize,
    pub seconds: f64,
    pub proof: Proof,
    pub parts: Vec<StagePart>,
}

impl StageFigures {
    /// The figures of a one-model stage; its proof is the LP duals (named by `duals`) when
    /// the LP relaxation was integral, else the solver's bound.
    pub(crate) fn of(r: &MilpResult, objective: f64, unit: f64) -> Self {
        StageFigures {
            objective,
            bound: r.bound,
            unit,
            limited: r.status == MilpStatus::Limit,
            rows: r.rows,
            cols: r.cols,
            models: 1,
            seconds: r.seconds,
            proof: Proof::Solver,
            parts: Vec::new(),
        }
    }

    /// The same figures with a proof.
    pub(crate) fn proved(self, proof: Proof) -> Self {
        StageFigures { proof, ..self }
    }
}

/// The proof of a solved model: its LP duals by row name when the LP relaxation was
/// integral, else the solver's bound.
pub(crate) fn lp_proof(milp: &Milp, r: &MilpResult) -> Proof {
    match &r.duals {
        Some(d) => Proof::LpDuals { duals: milp.named_duals(d) },
        None => Proof::Solver,
    }
}

/// Build a stage report; the gap is |objective − bound| / max(1, |objective|) and "proven
/// optimal" is [`sanlian_model::optimality::proven`].
pub(crate) fn stage_report(
    id: &str,
    name: &str,
    sense: &str,
    f: StageFigures,
    terms: BTreeMap<String, f64>,
) -> StageReport {
    let proven = optimality::proven(f.objective, f.bound, f.unit);
    StageReport {
        id: id.into(),
        name: name.into(),
        sense: sense.into(),
        objective: f.objective,
        bound: f.bound,
        gap: optimality::gap(f.objective, f.bound),
        proven_optimal: proven,
        status: if f.limited && !proven { StageStatus::TimeLimit } else { StageStatus::Optimal },
        rows: f.rows,
        columns: f.cols,
        models: f.models,
        seconds: f.seconds,
        terms,
        proof: f.proof,
        parts: f.parts,
    }
}
