//! Solving the variants in parallel and summarising each in a [`Row`].

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use sanlian_engine::{Answer, EngineError, Solved};
use sanlian_model::{Certificate, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::{SolveError, SolveOptions};
use serde::{Deserialize, Serialize};

use crate::{Recipe, Spec, Variant};

/// How [`run_with`] solves each variant.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Wall-clock limit per solve (strict, and best-effort again), seconds.
    pub time_limit: Option<f64>,
    /// Set to stop: variants not yet solved get a `cancelled` row, solves under way stop at
    /// their next model.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Set to stop and keep what is done: variants not yet started get a row with `stopped`
    /// and the error `stopped: not run`; solves under way finish with the best plan found so
    /// far ([`SolveOptions::settle`]: their cut-short stages are not proven optimal) and their
    /// rows are marked `stopped`. `cancel` wins.
    pub settle: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl RunOptions {
    /// The options a spec asks for.
    pub fn of(spec: &Spec) -> RunOptions {
        RunOptions { time_limit: spec.time_limit, cancel: None, settle: None }
    }
}

/// The outcome of one variant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Sweep name.
    pub sweep: String,
    /// What is varied.
    pub parameter: String,
    /// Its value in this variant.
    pub value: f64,
    /// Cadres in the variant's roster.
    pub cadres: usize,
    /// A strict plan exists (every hard rule holds).
    pub feasible: bool,
    /// Which plan the figures below come from: `strict`, `best_effort`
    /// (strict was infeasible), or none (no plan at all; see `error`).
    pub plan: Option<PlanMode>,
    /// Townships covered: all of them when feasible, else the best-effort
    /// plan's maximum (0 without a plan).
    pub coverage_best_effort: usize,
    /// Townships in the variant.
    pub townships: usize,
    /// S1 objective (yuan) of the plan the row reports (see `plan`).
    pub s1_cost: Option<f64>,
    /// Groups whose leader is senior, in that plan.
    pub leaders_senior: usize,
    /// Groups (counties) in the variant.
    pub groups: usize,
    /// Rule ids of the strict-mode infeasibility certificates, in order, once each.
    pub certificate_rules: Vec<String>,
    /// Every stage of the reported plan is proven optimal (false without a plan).
    pub proven_optimal: bool,
    /// Wall time of this variant's solves and checks, seconds.
    pub seconds: f64,
    /// Why there is no plan, or why the figures are not to be trusted: a
    /// validation error of the variant, a solve error (no best-effort plan,
    /// time limit), a plan the checker rejected, or an internal error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The run was stopped ([`RunOptions::settle`]) before this variant was done: it was not
    /// run (see `error`), or its plan is the best found when the stop came (see
    /// `proven_optimal`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stopped: bool,
}

impl Row {
    fn empty(v: &Variant) -> Row {
        Row {
            sweep: v.sweep.clone(),
            parameter: v.parameter.clone(),
            value: v.value,
            cadres: v.instance.cadres.len(),
            feasible: false,
            plan: None,
            coverage_best_effort: 0,
            townships: v.instance.region.townships.len(),
            s1_cost: None,
            leaders_senior: 0,
            groups: v.instance.region.counties.len(),
            certificate_rules: Vec::new(),
            proven_optimal: false,
            seconds: 0.0,
            error: None,
            stopped: false,
        }
    }

    /// Townships covered as a percentage of all (100 for an empty region).
    pub fn coverage_pct(&self) -> f64 {
        if self.townships == 0 {
            100.0
        } else {
            100.0 * self.coverage_best_effort as f64 / self.townships as f64
        }
    }
}

/// Solve every variant with default [`RunOptions`]; see [`run_with`].
pub fn run(variants: &[Variant], progress: &(dyn Fn(usize, usize) + Sync)) -> Vec<Row> {
    run_with(variants, &RunOptions::default(), progress)
}

/// Solve every variant in parallel (rayon; one HiGHS thread per solve):
/// strict mode first, and best-effort when strict is infeasible; every plan
/// is re-verified by the checker. Rows come back in variant order.
/// `progress(done, total)` is called once with 0 before any solve and after
/// each variant (from worker threads, in completion order). Never panics on a
/// variant: validation errors, solve errors and even internal panics become
/// rows with `error` set.
pub fn run_with(variants: &[Variant], opts: &RunOptions, progress: &(dyn Fn(usize, usize) + Sync)) -> Vec<Row> {
    run_each(variants, |v| (v.sweep.as_str(), v.parameter.as_str(), v.value), Cow::Borrowed, opts, progress)
}

/// [`run_with`] on recipes of `base`: each variant is built just before it is solved and
/// dropped after, so a run holds one instance per solve under way, not one per variant.
pub fn run_recipes(
    base: &Instance,
    recipes: &[Recipe],
    opts: &RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Row> {
    run_each(
        recipes,
        |r| (r.sweep.as_str(), r.parameter.as_str(), r.value),
        |r| Cow::Owned(r.build(base)),
        opts,
        progress,
    )
}

fn run_each<'a, T: Sync>(
    items: &'a [T],
    label: impl Fn(&T) -> (&str, &str, f64) + Sync,
    get: impl Fn(&'a T) -> Cow<'a, Variant> + Sync,
    opts: &RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Row> {
    let total = items.len();
    let done = AtomicUsize::new(0);
    progress(0, total);
    items
        .par_iter()
        .map(|item| {
            let row = catch_unwind(AssertUnwindSafe(|| solve_variant(&get(item), opts))).unwrap_or_else(|payload| {
                let why = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                let (sweep, parameter, value) = label(item);
                Row {
                    sweep: sweep.to_string(),
                    parameter: parameter.to_string(),
                    value,
                    error: Some(format!("internal error: {why}")),
                    ..Row::default()
                }
            });
            progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
            row
        })
        .collect()
}

fn solve_variant(v: &Variant, opts: &RunOptions) -> Row {
    let start = Instant::now();
    let mut row = Row::empty(v);
    let is_set = |f: &Option<std::sync::Arc<std::sync::atomic::AtomicBool>>| {
        f.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
    };
    if is_set(&opts.cancel) {
        row.error = Some("cancelled".into());
        return row;
    }
    if is_set(&opts.settle) {
        row.error = Some("stopped: not run".into());
        row.stopped = true;
        return row;
    }
    let prep = match Prepared::new(&v.instance) {
        Ok(p) => p,
        Err(e) => {
            row.error = Some(format!("the variant does not validate: {e}"));
            row.seconds = start.elapsed().as_secs_f64();
            return row;
        }
    };
    let strict = SolveOptions {
        threads: 1,
        time_limit: opts.time_limit,
        cancel: opts.cancel.clone(),
        settle: opts.settle.clone(),
        ..SolveOptions::default()
    };
    match sanlian_engine::solve(&prep, &strict) {
        Ok(solved) => match solved.answer {
            Answer::Planned(plan) => {
                row.feasible = true;
                fill(&mut row, &prep, plan.plan());
            }
            Answer::Infeasible(certs) => {
                for c in &certs {
                    if !row.certificate_rules.contains(&c.rule) {
                        row.certificate_rules.push(c.rule.clone());
                    }
                }
                let best = SolveOptions { mode: PlanMode::BestEffort, ..strict };
                match sanlian_engine::solve(&prep, &best) {
                    Ok(Solved { answer: Answer::Planned(plan), .. }) => fill(&mut row, &prep, plan.plan()),
                    Ok(Solved { answer: Answer::Infeasible(_), .. }) => {
                        row.error = Some("internal error: best-effort mode answered infeasible".into())
                    }
                    Err(EngineError::Solve(SolveError::Impossible(certs))) => row.error = Some(impossible(&certs)),
                    Err(e) => row.error = Some(format!("best-effort: {e}")),
                }
            }
        },
        Err(e) => row.error = Some(format!("strict: {e}")),
    }
    // Stopped while under way: the plan's figures are the best found then, unless every
    // stage finished proven optimal anyway.
    row.stopped = is_set(&opts.settle) && row.plan.is_some() && !row.proven_optimal;
    row.seconds = start.elapsed().as_secs_f64();
    row
}

/// A short account of why even best-effort has no plan: how many obstacles
/// of which rules, and the first in words (the full list can run to pages).
fn impossible(certs: &[Certificate]) -> String {
    let mut rules: Vec<(&str, usize)> = Vec::new();
    for c in certs {
        match rules.iter_mut().find(|(r, _)| *r == c.rule) {
            Some((_, n)) => *n += 1,
            None => rules.push((&c.rule, 1)),
        }
    }
    let rules: Vec<String> = rules.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
    format!(
        "no plan even in best-effort mode: {} obstacle(s) ({}); first: {}",
        certs.len(),
        rules.join(", "),
        certs.first().map_or("", |c| c.message.as_str())
    )
}

/// Figures of `plan` (which the checker accepted) into `row`.
fn fill(row: &mut Row, prep: &Prepared, plan: &Plan) {
    row.plan = Some(plan.mode);
    row.coverage_best_effort = plan.coverage.total;
    row.s1_cost = plan.stages.iter().find(|s| s.id == "S1").map(|s| s.objective);
    row.leaders_senior = plan
        .groups
        .iter()
        .filter(|g| {
            g.leader.as_deref().and_then(|id| prep.cadre_index.get(id)).is_some_and(|&c| prep.inst.cadres[c].senior)
        })
        .count();
    row.proven_optimal = plan.stages.iter().all(|s| s.proven_optimal);
}
