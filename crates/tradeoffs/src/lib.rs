//! Trade-offs for leadership (issue 15, item 4).
//!
//! The fixed order S1 → S2 → S3 hides what one goal costs in another. This crate computes a
//! small Pareto set of plans by the ε-constraint method: the cheapest plan, then plans that
//! must reach a level ε of another goal — at least ε groups that survive any single departure
//! (robustness, N−1), at most ε km of two-year travel for any one person (fairness, rule F1),
//! at least ε cadres in last round's county (continuity, `parameters.continuity_at_least`) —
//! each solved to proven optimality for its ε by the engine and certified by the checker.
//! The points are compared on every goal (cost, robustness, the farthest traveller, continuity
//! with last round, S2), the dominated ones dropped, and each is described in one line.
//!
//! S2 is reported for every point but not ε-constrained: it is decided after the groups, so an
//! ε on it would need S1 and S2 in one model (docs/tradeoffs.md).

pub mod chart;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use sanlian_check::{fairness, CheckedPlan, Rules};
use sanlian_engine::{Answer, EngineError};
use sanlian_explain::render::yuan;
use sanlian_model::{Instance, Plan, Prepared, Robust};
use sanlian_solver::SolveOptions;
use serde::Serialize;

/// Fewest and most points a trade-off set may ask for.
pub const POINTS: std::ops::RangeInclusive<usize> = 3..=7;

/// Why no trade-off set could be made.
#[derive(Debug, thiserror::Error)]
pub enum TradeoffError {
    /// Bad input.
    #[error("{0}")]
    Input(String),
    /// The plain instance has no plan in strict mode.
    #[error("no plan satisfies every hard rule, so there is nothing to trade: {0}")]
    Infeasible(String),
    /// A solve failed (time limit, solver error).
    #[error("{0}")]
    Solve(String),
    /// The cancel flag was set: the set was abandoned.
    #[error("cancelled")]
    Cancelled,
}

/// The constraint a point was solved under.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Epsilon {
    /// The plain optimum.
    None,
    /// F1: nobody travels more than `km` over the two years.
    TravelAtMost {
        /// The cap, km.
        km: f64,
    },
    /// At least `groups` groups survive any single departure (N−1, docs/robust.md).
    RobustAtLeast {
        /// The least number of robust groups.
        groups: u32,
    },
    /// At least `cadres` cadres are placed in last round's county (their `previous_county`).
    ContinuityAtLeast {
        /// The least number of cadres.
        cadres: u32,
    },
}

/// A point's value on every goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// S1: travel + preference penalties − continuity bonuses, yuan.
    pub s1: f64,
    /// Travel cost, yuan.
    pub travel: f64,
    /// Stay cost, yuan (it does not depend on the grouping).
    pub stay: f64,
    /// The farthest traveller's two-year km (round trips × 2 × road km).
    pub max_km: f64,
    /// 90th percentile (nearest rank) of the two-year km per person.
    pub p90_km: f64,
    /// Gini coefficient of the two-year km per person.
    pub gini_km: f64,
    /// Cadres placed in last round's county.
    pub continuity: usize,
    /// S2: strength–need matching and priority townships in the first year.
    pub s2: f64,
    /// Groups that survive any single departure (N−1, the checker's reading at the set's reach).
    pub robust_groups: usize,
    /// Groups.
    pub groups: usize,
}

/// One plan of the trade-off set.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// "A", "B", … in order of cost.
    pub id: String,
    /// What it was solved under.
    pub epsilon: Epsilon,
    /// Its values.
    pub metrics: Metrics,
    /// Every stage proven optimal (for its ε).
    pub proven_optimal: bool,
    /// One line for leadership, in Chinese.
    pub line_zh: String,
    /// The same in English.
    pub line_en: String,
    /// The plan, certified by the checker on the instance with its ε.
    #[serde(skip)]
    pub plan: Plan,
    /// The instance the plan was made for (the base with its ε).
    #[serde(skip)]
    pub instance: Instance,
}

/// The trade-off set.
#[derive(Debug, Clone, Serialize)]
pub struct Tradeoffs {
    /// Mutually non-dominated points, cheapest first: "A" has the plain optimum's S1 (the plain
    /// optimum itself, or a tie with it that is more robust or fairer and so dominates it).
    pub points: Vec<Point>,
    /// ε levels tried and left out: unreachable (with why) or dominated by another point.
    pub left_out: Vec<String>,
}

/// Called after each solve of the set (from the thread that ran it).
pub type OnSolve = Arc<dyn Fn() + Send + Sync>;

/// How to compute the set.
#[derive(Clone)]
pub struct Options {
    /// How many points at most (3–7).
    pub points: usize,
    /// Most seconds each solve may take.
    pub time_limit: Option<f64>,
    /// Seat-to-seat km within which one group backs up another (N1).
    pub reach_km: f64,
    /// Set to abandon the set: the solve under way stops and [`compute`] answers
    /// [`TradeoffError::Cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
    /// Progress: told after each solve (at most [`max_solves`] of them).
    pub on_solve: Option<OnSolve>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("points", &self.points)
            .field("time_limit", &self.time_limit)
            .field("reach_km", &self.reach_km)
            .field("cancel", &self.cancel)
            .field("on_solve", &self.on_solve.is_some())
            .finish()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            points: 5,
            time_limit: None,
            reach_km: sanlian_model::params::DEFAULT_REACH_KM,
            cancel: None,
            on_solve: None,
        }
    }
}

impl Options {
    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }

    fn solved(&self) {
        if let Some(f) = &self.on_solve {
            f();
        }
    }
}

/// The most solves a set of `points` points takes: the plain optimum, the most robust plan,
/// the most continuity, the search for the least travel cap, and one per other point.
pub fn max_solves(points: usize) -> usize {
    3 + 1 + CAP_SEARCH_STEPS + points.saturating_sub(1)
}

/// Two-year km of cadre `c` in county `k`: round trips × 2 × road km (the cost model's trips).
pub fn km(prep: &Prepared, c: usize, k: usize) -> f64 {
    prep.round_trips(c) * 2.0 * prep.road_km(c, k)
}

/// The least cap on two-year km that H2 leaves possible: every cadre's nearest eligible county.
pub fn least_travel_cap(prep: &Prepared) -> f64 {
    (0..prep.n_cadres())
        .map(|c| prep.eligible[c].iter().map(|&k| km(prep, c, k)).fold(f64::INFINITY, f64::min))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

/// A checked plan's values on every goal: continuity as the checker counted it, robustness by
/// the checker's reading of `rules` at `reach_km`.
pub fn metrics(rules: &Rules, reach_km: f64, checked: &CheckedPlan) -> Metrics {
    let plan = checked.plan();
    let mut km: Vec<f64> = plan.costs.cadres.iter().map(|c| c.round_trips * 2.0 * c.road_km).collect();
    km.sort_by(f64::total_cmp);
    let stage = |id: &str| plan.stages.iter().find(|s| s.id == id).map_or(0.0, |s| s.objective);
    Metrics {
        s1: stage("S1"),
        travel: plan.costs.travel,
        stay: plan.costs.stay,
        max_km: km.iter().copied().fold(0.0, f64::max),
        p90_km: fairness::p90(&km),
        gini_km: fairness::gini(&km),
        continuity: checked.report().values.s1_continuity_kept,
        s2: stage("S2"),
        robust_groups: sanlian_check::robust::of_plan(rules, plan, &Robust { reach_km, at_least: None }).robust_groups,
        groups: plan.groups.len(),
    }
}

/// Whether `a` dominates `b` on the traded goals: no worse on each (cost, the farthest
/// traveller, robust groups, continuity) and better on one.
pub fn dominates(a: &Metrics, b: &Metrics) -> bool {
    let tol = |x: f64| 1e-6 * x.abs().max(1.0);
    let no_worse = a.s1 <= b.s1 + tol(b.s1)
        && a.max_km <= b.max_km + tol(b.max_km)
        && a.robust_groups >= b.robust_groups
        && a.continuity >= b.continuity;
    let better = a.s1 < b.s1 - tol(b.s1)
        || a.max_km < b.max_km - tol(b.max_km)
        || a.robust_groups > b.robust_groups
        || a.continuity > b.continuity;
    no_worse && better
}

/// The instance a point is solved on: the base with its ε (robustness at `reach_km`).
pub fn with_epsilon(inst: &Instance, eps: &Epsilon, reach_km: f64) -> Instance {
    let mut out = inst.clone();
    match eps {
        Epsilon::None => {}
        Epsilon::TravelAtMost { km } => out.parameters.fairness.max_travel_km = Some(*km),
        Epsilon::RobustAtLeast { groups } => {
            out.parameters.robust = Some(Robust { reach_km, at_least: Some(*groups) });
        }
        Epsilon::ContinuityAtLeast { cadres } => out.parameters.continuity_at_least = Some(*cadres),
    }
    out
}

/// A point's solve: the instance with its ε and the certified plan, or why there is none.
type Solved = Result<(Instance, CheckedPlan), String>;

/// One solve of the set: `variant` through the engine with `threads` HiGHS threads, the set's
/// time limit and cancel flag, progress told when it ends.
fn engine_solve(variant: &Instance, opts: &Options, threads: u32) -> Result<sanlian_engine::Solved, EngineError> {
    let solved = Prepared::new(variant).map_err(EngineError::from).and_then(|prep| {
        let so = SolveOptions {
            threads,
            time_limit: opts.time_limit,
            cancel: opts.cancel.clone(),
            ..SolveOptions::default()
        };
        sanlian_engine::solve(&prep, &so)
    });
    opts.solved();
    solved
}

/// Solve `inst` under `eps` (one thread: the points are solved in parallel): the certified
/// plan, or why not.
fn solve_at(inst: &Instance, eps: &Epsilon, opts: &Options) -> Solved {
    let variant = with_epsilon(inst, eps, opts.reach_km);
    match engine_solve(&variant, opts, 1).map_err(|e| e.to_string())?.answer {
        Answer::Planned(plan) => Ok((variant, *plan)),
        Answer::Infeasible(certs) => Err(certs.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join("; ")),
    }
}

/// The one-line descriptions of `m` against the plain optimum `base`.
pub fn lines(eps: &Epsilon, m: &Metrics, base: &Metrics) -> (String, String) {
    let extra = m.travel - base.travel;
    let (cost_zh, cost_en) = if extra.abs() < 0.5 {
        ("差旅最省".to_string(), "the cheapest travel".to_string())
    } else if extra > 0.0 {
        (format!("多花 {}", yuan(extra)), format!("{} more", yuan(extra)))
    } else {
        (format!("少花 {}", yuan(-extra)), format!("{} less", yuan(-extra)))
    };
    match eps {
        Epsilon::None => (
            format!("{cost_zh}：最远的人两年跑 {:.0} 公里，{} 人留在上一轮的县", m.max_km, m.continuity),
            format!("{cost_en}: the farthest traveller covers {:.0} km in two years, {} stay in last round's county", m.max_km, m.continuity),
        ),
        Epsilon::TravelAtMost { km } => (
            format!(
                "{cost_zh}，每人两年差旅不超过 {km:.0} 公里（最远者少跑 {:.0} 公里，基尼系数 {:.3} → {:.3}）",
                base.max_km - m.max_km,
                base.gini_km,
                m.gini_km
            ),
            format!(
                "{cost_en}, nobody travels more than {km:.0} km in two years (the farthest {:.0} km less, Gini {:.3} → {:.3})",
                base.max_km - m.max_km,
                base.gini_km,
                m.gini_km
            ),
        ),
        Epsilon::RobustAtLeast { .. } if m.robust_groups == m.groups => (
            format!("{cost_zh}，每个工作组都经得起任何一人离岗：有第二名副处级以上干部或邻近工作组兜底，省市级组员有富余（{} 个组）", m.groups),
            format!("{cost_en}, every group survives any single departure: a second senior or a backup group nearby, and a spare province/city member ({} groups)", m.groups),
        ),
        Epsilon::ContinuityAtLeast { .. } => (
            format!("{cost_zh}，留在上一轮县区的干部从 {} 人增至 {} 人，熟悉的人继续做熟悉的事", base.continuity, m.continuity),
            format!(
                "{cost_en}, cadres who stay in last round's county rise from {} to {}: people carry on where they know the ground",
                base.continuity, m.continuity
            ),
        ),
        Epsilon::RobustAtLeast { .. } => (
            format!(
                "{cost_zh}，经得起任何一人离岗的工作组从 {} 个增至 {} 个（共 {} 个）",
                base.robust_groups, m.robust_groups, m.groups
            ),
            format!(
                "{cost_en}, groups that survive any single departure rise from {} to {} (of {})",
                base.robust_groups, m.robust_groups, m.groups
            ),
        ),
    }
}

/// The ε levels to try for a goal counted in whole units (robust groups, cadres kept in last
/// round's county): `n` levels spread from just above the plain optimum's count up to the most
/// any plan reaches.
pub fn count_levels(plain: usize, most: usize, n: usize) -> Vec<u32> {
    if n == 0 || most <= plain {
        return Vec::new();
    }
    let mut out: Vec<u32> =
        (1..=n).map(|j| (plain as f64 + (most - plain) as f64 * j as f64 / n as f64).ceil() as u32).collect();
    out.dedup();
    out
}

/// The ε levels to try for the travel cap: `n` caps spread from just under the plain optimum's
/// farthest traveller down to the least cap H2 leaves possible (whole km, rounded up).
pub fn travel_caps(plain_max: f64, least: f64, n: usize) -> Vec<f64> {
    if n == 0 || plain_max - least < 1.0 {
        return Vec::new();
    }
    let mut caps: Vec<f64> = (1..=n)
        .map(|j| (least + (plain_max - least) * (n - j) as f64 / n as f64).ceil())
        .filter(|&c| c < plain_max)
        .collect();
    caps.dedup();
    caps
}

/// Steps of the search for the least travel cap with a valid plan.
const CAP_SEARCH_STEPS: usize = 6;

/// The least cap on two-year km with a strict plan, to within (high − low) / 2^6, by bisection
/// between the least cap H2 allows (`low`) and the plain optimum's farthest traveller (`high`,
/// feasible: the plain optimum meets it). Coverage and leadership, not H2, usually decide it: in
/// Shandong the eastern counties need province cadres from Jinan.
pub fn least_feasible_cap(inst: &Instance, opts: &Options, low: f64, high: f64) -> f64 {
    let (mut lo, mut hi) = (low, high);
    if solve_at(inst, &Epsilon::TravelAtMost { km: lo.ceil() }, opts).is_ok() {
        return lo.ceil();
    }
    for _ in 0..CAP_SEARCH_STEPS {
        if opts.cancelled() {
            break;
        }
        let mid = ((lo + hi) / 2.0).ceil();
        if mid >= hi {
            break;
        }
        if solve_at(inst, &Epsilon::TravelAtMost { km: mid }, opts).is_ok() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// A goal the instance already constrains, which the trade-offs would set themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Fair-burden options (`parameters.fairness`).
    Fairness,
    /// Robust planning (`parameters.robust`).
    Robust,
    /// Continuity's ε-form (`parameters.continuity_at_least`).
    Continuity,
}

impl Preset {
    /// The parameter that sets it.
    pub fn field(self) -> &'static str {
        match self {
            Preset::Fairness => "fairness",
            Preset::Robust => "robust",
            Preset::Continuity => "continuity_at_least",
        }
    }

    /// What the trade-offs set in its place.
    fn levels(self) -> &'static str {
        match self {
            Preset::Fairness => "travel caps",
            Preset::Robust => "robustness levels",
            Preset::Continuity => "continuity levels",
        }
    }
}

/// The first goal `inst` already constrains, if any: [`compute`] refuses such an instance.
pub fn preset(inst: &Instance) -> Option<Preset> {
    let p = &inst.parameters;
    if !p.fairness.is_off() {
        Some(Preset::Fairness)
    } else if p.robust.is_some() {
        Some(Preset::Robust)
    } else if p.continuity_at_least.is_some() {
        Some(Preset::Continuity)
    } else {
        None
    }
}

/// The most cadres any valid plan places in last round's county: asked for every cadre whose
/// previous county H2 allows, the ε-form answers with the most it can reach
/// ([`sanlian_solver::SolveError::ContinuityTarget`]). No more than `plain` when nobody has a
/// previous county.
fn most_continuity(inst: &Instance, prep: &Prepared, plain: usize, opts: &Options) -> Result<usize, TradeoffError> {
    let upper =
        (0..prep.n_cadres()).filter(|&c| prep.previous_county(c).is_some_and(|k| prep.is_eligible(c, k))).count();
    if upper <= plain {
        return Ok(plain);
    }
    let variant = with_epsilon(inst, &Epsilon::ContinuityAtLeast { cadres: upper as u32 }, opts.reach_km);
    match engine_solve(&variant, opts, SolveOptions::default().threads) {
        Ok(s) => Ok(if matches!(s.answer, Answer::Planned(_)) { upper } else { plain }),
        Err(EngineError::Solve(sanlian_solver::SolveError::ContinuityTarget { most, .. })) => Ok(most as usize),
        Err(e) => Err(engine_failed(e)),
    }
}

/// An engine error of one of the set's own solves: bad input, or a failed solve.
fn engine_failed(e: EngineError) -> TradeoffError {
    match e {
        EngineError::Input(e) => TradeoffError::Input(e.to_string()),
        e => TradeoffError::Solve(e.to_string()),
    }
}

/// The trade-off set of `inst`.
pub fn compute(inst: &Instance, opts: &Options) -> Result<Tradeoffs, TradeoffError> {
    if !POINTS.contains(&opts.points) {
        return Err(TradeoffError::Input(format!(
            "--points: {} is outside {}..={}",
            opts.points,
            POINTS.start(),
            POINTS.end()
        )));
    }
    if opts.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(TradeoffError::Input("--time-limit: give a positive number of seconds".into()));
    }
    let prep = Prepared::new(inst).map_err(|e| TradeoffError::Input(e.to_string()))?;
    if let Some(preset) = preset(inst) {
        return Err(TradeoffError::Input(format!(
            "parameters.{}: the trade-offs set their own {}; give the instance without it",
            preset.field(),
            preset.levels()
        )));
    }
    if !(opts.reach_km.is_finite() && opts.reach_km > 0.0 && opts.reach_km <= sanlian_model::params::LIMITS.max_km) {
        return Err(TradeoffError::Input(format!("--reach-km: {} is not a distance in km", opts.reach_km)));
    }
    let rules = Rules::new(inst).map_err(|e| TradeoffError::Input(e.to_string()))?;
    let plain = solve_at(inst, &Epsilon::None, opts);
    if opts.cancelled() {
        return Err(TradeoffError::Cancelled);
    }
    let (_, plain) = plain.map_err(TradeoffError::Infeasible)?;
    let base = metrics(&rules, opts.reach_km, &plain);
    // The most robust groups any plan reaches: stage N maximised.
    let mut most_robust = inst.clone();
    most_robust.parameters.robust = Some(Robust { reach_km: opts.reach_km, at_least: None });
    let most = {
        let solved = engine_solve(&most_robust, opts, SolveOptions::default().threads);
        if opts.cancelled() {
            return Err(TradeoffError::Cancelled);
        }
        match solved {
            Ok(s) => match s.answer {
                Answer::Planned(p) => p.plan().robust.as_ref().map_or(0, |r| r.robust_groups),
                Answer::Infeasible(_) => 0,
            },
            Err(e) => return Err(engine_failed(e)),
        }
    };
    let most_continuity = most_continuity(inst, &prep, base.continuity, opts)?;
    if opts.cancelled() {
        return Err(TradeoffError::Cancelled);
    }
    // The other points go round the goals that can be traded: robustness, continuity, travel.
    let others = opts.points - 1;
    let continuity_room = most_continuity > base.continuity;
    let n_continuity = if continuity_room { others / 3 } else { 0 };
    let n_robust = (others - n_continuity).div_ceil(2);
    let mut tried: Vec<Epsilon> = count_levels(base.robust_groups, most, n_robust)
        .into_iter()
        .map(|groups| Epsilon::RobustAtLeast { groups })
        .collect();
    tried.extend(
        count_levels(base.continuity, most_continuity, n_continuity)
            .into_iter()
            .map(|cadres| Epsilon::ContinuityAtLeast { cadres }),
    );
    let least = least_feasible_cap(inst, opts, least_travel_cap(&prep), base.max_km);
    if opts.cancelled() {
        return Err(TradeoffError::Cancelled);
    }
    let caps = travel_caps(base.max_km, least, others - tried.len());
    tried.extend(caps.iter().map(|&km| Epsilon::TravelAtMost { km }));
    let solved: Vec<(Epsilon, Solved)> = tried
        .into_par_iter()
        .map(|eps| {
            let r = solve_at(inst, &eps, opts);
            (eps, r)
        })
        .collect();
    if opts.cancelled() {
        return Err(TradeoffError::Cancelled);
    }
    let mut left_out = Vec::new();
    let mut candidates: Vec<(Epsilon, Instance, Plan, Metrics)> =
        vec![(Epsilon::None, inst.clone(), plain.into_plan(), base.clone())];
    for (eps, r) in solved {
        match r {
            Ok((variant, plan)) => {
                let m = metrics(&rules, opts.reach_km, &plan);
                candidates.push((eps, variant, plan.into_plan(), m));
            }
            Err(why) => left_out.push(format!("{eps:?}: {why}")),
        }
    }
    let kept: Vec<bool> =
        candidates.iter().map(|(_, _, _, m)| !candidates.iter().any(|(_, _, _, o)| dominates(o, m))).collect();
    let mut points: Vec<Point> = Vec::new();
    for ((eps, variant, plan, m), keep) in candidates.into_iter().zip(kept) {
        if !keep {
            left_out.push(format!("{eps:?}: dominated"));
            continue;
        }
        if points.iter().any(|p| p.metrics == m) {
            left_out.push(format!("{eps:?}: the same plan values as another point"));
            continue;
        }
        let (line_zh, line_en) = lines(&eps, &m, &base);
        points.push(Point {
            id: String::new(),
            proven_optimal: plan.stages.iter().all(|s| s.proven_optimal),
            epsilon: eps,
            metrics: m,
            line_zh,
            line_en,
            plan,
            instance: variant,
        });
    }
    points.sort_by(|a, b| a.metrics.s1.total_cmp(&b.metrics.s1));
    for (i, p) in points.iter_mut().enumerate() {
        p.id = ((b'A' + i as u8) as char).to_string();
    }
    Ok(Tradeoffs { points, left_out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_fall_from_the_plain_optimum_to_the_least_possible() {
        assert_eq!(travel_caps(1000.0, 400.0, 3), vec![800.0, 600.0, 400.0]);
        assert!(travel_caps(400.5, 400.0, 3).is_empty());
        assert_eq!(yuan(8200.4), "¥8,200");
        assert_eq!(yuan(1234567.0), "¥1,234,567");
    }
}
