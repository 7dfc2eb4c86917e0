//! Reasons for a plan, for the people in it and for the leadership
//! (issue: explain every plan).
//!
//! [`explain`] answers, from an instance and a plan: why each cadre is in
//! its county, township and months ([`CadreWhy`]); why each group looks as it
//! does ([`GroupWhy`]); which rules bind and what one more cadre, senior or
//! department place would be worth ([`GlobalWhy`]). [`what_if`] re-solves the
//! plan under one change. [`infeasibility`] turns strict infeasibility into
//! minimal, re-verified certificates with remedies. Every number is either
//! recomputed from the instance and the plan, or the difference of two
//! optimal solves (said so where it is).

pub mod alternatives;
pub mod diff;
pub mod edit;
mod global;
mod locks;
mod reasons;
pub mod render;
pub mod replan;
mod whatif;

use chrono::Weekday;
use serde::Serialize;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use sanlian_model::{Certificate, Level, Plan, Prepared};
use sanlian_solver::counterfactual::{least_own_optimum, Answer, Variant, WarmS1};
use sanlian_solver::stages::Groups;
use sanlian_solver::{SolveError, SolveOptions};

pub use diff::{
    diff, CadreDiff, CadreStatus, ChangeKind, CostDiff, DiffChange, GroupDiff, PlanDiff, StageDiff, UnitDiff,
};
pub use global::{CityLeaders, CountyMarginal, DepartmentMarginal, DepartmentMonth, GlobalWhy, SeniorMarginal};
pub use locks::{lock_costs, LockCost};
pub use reasons::{CadreWhy, CountyCost, GroupWhy, LeaderAlternative, MonthWhy, PreferenceWhy, UnitShare, YearWhy};
pub use whatif::{parse_what_if, what_if, Change, Minimal, WhatIf, WhatIfResult};

/// What to explain.
#[derive(Debug, Clone, Default)]
pub struct ExplainOptions {
    /// Only this cadre (id); with `county` unset, no group or global part.
    pub cadre: Option<String>,
    /// Only this county (code).
    pub county: Option<String>,
    /// At most this many counterfactual re-solves (none: no limit); beyond it the
    /// explanation is [`Explanation::partial`] and says which figures it did not compute.
    pub max_counterfactuals: Option<usize>,
}

/// The counterfactual re-solves of an explanation: the limit, how many were made and how
/// many were left out. They are granted in a fixed order, all of an item's or none: the
/// global part (counties, cities, departments), then groups by county, then cadres in
/// roster order; so the same request always computes the same figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counterfactuals {
    /// The limit asked for.
    pub limit: Option<usize>,
    /// Re-solves granted.
    pub computed: usize,
    /// Re-solves left out because of the limit.
    pub skipped: usize,
}

impl Counterfactuals {
    /// Grant `n` more re-solves for one item, or none of them.
    pub(crate) fn grant(&mut self, n: usize) -> bool {
        let fits = self.limit.is_none_or(|l| self.computed + n <= l);
        if fits {
            self.computed += n;
        } else {
            self.skipped += n;
        }
        fits
    }
}

/// A plan's explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// Instance name.
    pub instance: String,
    /// S1 of the plan, recomputed.
    pub s1_plan: f64,
    /// Optimal S1, re-solved: the baseline of every counterfactual delta.
    pub s1_optimal: f64,
    /// Checker violations of the plan (empty for a valid plan).
    pub violations: Vec<String>,
    /// Per cadre, roster order (or the one asked for).
    pub cadres: Vec<CadreWhy>,
    /// Per group, county order (or the one asked for).
    pub groups: Vec<GroupWhy>,
    /// Binding rules and marginal values (whole explanations only).
    pub global: Option<GlobalWhy>,
    /// What each of the planner's locks costs (whole explanations: every lock; a cadre's:
    /// its own), against the optimum without that lock.
    pub locks: Vec<LockCost>,
    /// Some counterfactual figures were left out by the limit (marked `skipped`).
    pub partial: bool,
    /// The re-solves made and left out.
    pub counterfactuals: Counterfactuals,
}

/// Why an explanation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// The plan does not belong to the instance.
    #[error("the plan does not belong to this instance:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Mismatch(Vec<String>),
    /// A cadre or county asked for is not in the instance.
    #[error("{0}")]
    Unknown(String),
    /// The baseline re-solve failed.
    #[error("re-solving the instance failed: {0}")]
    Solve(#[from] SolveError),
    /// The instance has no strict plan, so there is no baseline; see [`infeasibility`].
    #[error("the instance is infeasible in strict mode: use the certificates instead")]
    Infeasible,
}

/// The plan's decisions in instance indices.
#[derive(Debug, Clone)]
pub(crate) struct Decisions {
    pub groups: Groups,
    pub towns: Vec<[Option<usize>; 2]>,
    pub months: Vec<[Vec<u32>; 2]>,
    pub weekday: Vec<[Option<Weekday>; 2]>,
}

fn read(prep: &Prepared, plan: &Plan) -> Result<(Decisions, Vec<String>), ExplainError> {
    let report = sanlian_check::check(prep.inst, plan).map_err(|e| ExplainError::Unknown(e.to_string()))?;
    let mismatches: Vec<String> = report.mismatches();
    if !mismatches.is_empty() {
        return Err(ExplainError::Mismatch(mismatches));
    }
    let violations = report.violations.iter().map(|v| v.to_string()).collect();
    let n = prep.n_cadres();
    let mut county_of = vec![0; n];
    let mut towns = vec![[None, None]; n];
    let mut months = vec![[Vec::new(), Vec::new()]; n];
    let mut weekday = vec![[None, None]; n];
    for a in &plan.assignments {
        let c = prep.cadre_index[a.cadre.as_str()];
        county_of[c] = prep.county_index[a.county.as_str()];
        for ya in &a.years {
            let y = (ya.year - prep.inst.first_year) as usize;
            towns[c][y] = prep.township_index.get(ya.township.as_str()).copied();
            months[c][y] = ya
                .blocks
                .iter()
                .filter_map(|b| sanlian_model::validate::parse_month(&b.month).map(|(_, m)| m))
                .collect();
            weekday[c][y] = ya.weekday;
        }
    }
    let mut leader = vec![None; prep.n_counties()];
    let mut former_leaders = vec![Vec::new(); prep.n_counties()];
    for g in &plan.groups {
        let k = prep.county_index[g.county.as_str()];
        leader[k] = g.leader.as_deref().and_then(|id| prep.cadre_index.get(id).copied());
        former_leaders[k] = g
            .former_leaders
            .iter()
            .filter_map(|f| prep.cadre_index.get(f.cadre.as_str()).map(|&c| (c, f.until)))
            .collect();
    }
    Ok((Decisions { groups: Groups { county_of, leader, former_leaders }, towns, months, weekday }, violations))
}

/// Options for the counterfactual re-solves: one HiGHS thread each (they run under rayon).
pub(crate) fn resolve_options() -> SolveOptions {
    SolveOptions { threads: 1, ..SolveOptions::default() }
}

/// Optimal S1 of a (possibly modified) instance, `None` if it has no strict grouping.
pub(crate) fn optimal_s1(prep: &Prepared) -> Option<(f64, Groups)> {
    let g = sanlian_solver::stages::groups(prep, &resolve_options())?;
    Some((sanlian_solver::groups::s1_value(prep, &g.county_of), g))
}

/// An amount in yuan to the whole fen (a negative zero made plain): the precision of the
/// money figures, and what keeps an S1 delta of two equal optima, summed in another order, 0.
pub(crate) fn fen(yuan: f64) -> f64 {
    (yuan * 100.0).round() / 100.0 + 0.0
}

/// The S1 re-solves of one explanation: on the roster's S1 model kept warm
/// ([`WarmS1`], one per thread at most, lent from a pool), and where that cannot answer,
/// each variant prepared and solved from nothing. Every answer is a delta against the
/// optimum found the same way, so equal optima give exactly 0.
pub(crate) struct Resolver<'r> {
    prep: &'r Prepared<'r>,
    /// The roster followed by `extras` (what-if cadres), prepared; `None` if it could not be.
    with_extras: Option<&'r Prepared<'r>>,
    extras: &'r [sanlian_model::Cadre],
    /// Optimal S1 of the roster, solved from nothing.
    s1_optimal: f64,
    pool: Mutex<Vec<WarmS1>>,
    /// No warm model can be built: every re-solve is solved from nothing.
    cold: AtomicBool,
}

impl<'r> Resolver<'r> {
    pub(crate) fn new(
        prep: &'r Prepared<'r>,
        with_extras: Option<&'r Prepared<'r>>,
        extras: &'r [sanlian_model::Cadre],
        s1_optimal: f64,
    ) -> Self {
        Resolver { prep, with_extras, extras, s1_optimal, pool: Mutex::new(Vec::new()), cold: AtomicBool::new(false) }
    }

    /// The answer of a warm model and its baseline, `None` when no warm model answers.
    fn warm(&self, what: Variant) -> Option<(Answer, f64)> {
        let ext = self.with_extras?;
        let lent = self.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut warm = match lent {
            Some(w) => w,
            None if self.cold.load(Ordering::Relaxed) => return None,
            None => match WarmS1::new(ext, self.prep.n_cadres()) {
                Some(w) => w,
                None => {
                    self.cold.store(true, Ordering::Relaxed);
                    return None;
                }
            },
        };
        let answer = warm.solve(what);
        let base = warm.base();
        self.pool.lock().unwrap_or_else(|e| e.into_inner()).push(warm);
        (answer != Answer::Unknown).then_some((answer, base))
    }

    /// Optimal S1 with cadre `c` only in county `k`, minus the roster's optimal S1; `None` if
    /// no strict grouping has `c` there.
    pub(crate) fn fixed(&self, c: usize, k: usize) -> Option<f64> {
        match self.warm(Variant::Fix { cadre: c, county: k }) {
            Some((Answer::Optimal { s1, .. }, base)) => Some(fen(s1 - base)),
            Some(_) => None,
            None => optimal_s1(&self.prep.restrict(c, &[k])).map(|(s1, _)| fen(s1 - self.s1_optimal)),
        }
    }

    /// Optimal S1 with what-if cadre `i` of `extras` on the roster, minus the roster's optimal
    /// S1, and that cadre's own S1 coefficient in its county, in the optimum where that
    /// coefficient is least; `None` if no strict grouping takes it.
    pub(crate) fn extra(&self, i: usize) -> Option<(f64, f64)> {
        let c = self.prep.n_cadres() + i;
        match self.warm(Variant::Extra { cadre: c }) {
            Some((Answer::Optimal { s1, extra_county }, base)) => {
                Some((fen(s1 - base), self.with_extras?.s1_coefficient(c, extra_county?)))
            }
            Some(_) => None,
            None => {
                let mut inst = self.prep.inst.clone();
                inst.cadres.push(self.extras[i].clone());
                let p = Prepared::new(&inst).ok()?;
                let (s1, g) = optimal_s1(&p)?;
                let c = p.n_cadres() - 1;
                let own: Vec<(usize, f64)> = p.eligible[c].iter().map(|&k| (k, p.s1_coefficient(c, k))).collect();
                let (s1, k) = least_own_optimum(s1, g.county_of[c], &own, |k| {
                    optimal_s1(&p.restrict(c, &[k])).map(|(there, _)| there)
                });
                Some((fen(s1 - self.s1_optimal), p.s1_coefficient(c, k)))
            }
        }
    }
}

/// Explain a plan: per cadre, per group and (for a whole explanation) the global part.
pub fn explain(prep: &Prepared, plan: &Plan, opts: &ExplainOptions) -> Result<Explanation, ExplainError> {
    let (d, violations) = read(prep, plan)?;
    let only_cadre = match &opts.cadre {
        Some(id) => Some(
            *prep
                .cadre_index
                .get(id.as_str())
                .ok_or_else(|| ExplainError::Unknown(format!("--cadre {id}: no such cadre in the instance")))?,
        ),
        None => None,
    };
    let only_county = match &opts.county {
        Some(code) => Some(
            *prep
                .county_index
                .get(code.as_str())
                .ok_or_else(|| ExplainError::Unknown(format!("--county {code}: no such county in the instance")))?,
        ),
        None => None,
    };
    let (s1_optimal, _) = optimal_s1(prep).ok_or(ExplainError::Infeasible)?;
    let s1_plan = sanlian_solver::groups::s1_value(prep, &d.groups.county_of);
    let whole = only_cadre.is_none() && only_county.is_none();
    let cadres: Vec<usize> = (0..prep.n_cadres())
        .filter(|&c| match (only_cadre, only_county) {
            (Some(x), _) => c == x,
            (None, Some(k)) => d.groups.county_of[c] == k,
            (None, None) => true,
        })
        .collect();
    let counties: Vec<usize> = match (only_cadre, only_county) {
        (Some(_), None) => Vec::new(),
        (_, Some(k)) => vec![k],
        (None, None) => (0..prep.n_counties()).collect(),
    };
    let mut budget = Counterfactuals { limit: opts.max_counterfactuals, ..Counterfactuals::default() };
    // The what-if cadres of the global part, on the roster with the others, for one warm model;
    // the others warm the roster's own model.
    let extras = if whole { global::extras(prep.inst) } else { Vec::new() };
    let roster = whole.then(|| {
        let mut roster = prep.inst.clone();
        roster.cadres.extend(extras.iter().cloned());
        roster
    });
    let prepared = roster.as_ref().and_then(|r| Prepared::new(r).ok()).map(|mut p| {
        // Keep what-if adjustments of `prep` (restricted eligibility) for its own cadres.
        p.eligible[..prep.n_cadres()].clone_from_slice(&prep.eligible);
        p
    });
    let with_extras = if whole { prepared.as_ref() } else { Some(prep) };
    let resolver = Resolver::new(prep, with_extras, &extras, s1_optimal);
    let global = whole.then(|| global::global(prep, &d, &resolver, &mut budget));
    let lock_prices = if prep.inst.locks.is_empty() || (only_cadre.is_none() && !whole) {
        Vec::new()
    } else {
        let optimum = match sanlian_solver::solve(prep, &resolve_options())?.outcome {
            sanlian_solver::Outcome::Planned(p) => p,
            sanlian_solver::Outcome::Infeasible(_) => return Err(ExplainError::Infeasible),
        };
        locks::lock_costs(prep, &optimum, only_cadre, &mut budget)
    };
    let group_whys = reasons::groups(prep, &d, &counties, &resolver, &mut budget);
    let cadre_whys = reasons::cadres(prep, &d, &cadres, &resolver, &mut budget);
    Ok(Explanation {
        instance: prep.inst.name.clone(),
        s1_plan,
        s1_optimal,
        violations,
        cadres: cadre_whys,
        groups: group_whys,
        global,
        locks: lock_prices,
        partial: budget.skipped > 0,
        counterfactuals: budget,
    })
}

/// Strict infeasibility explained: certificates with the whole shortfall on a set
/// from which no county can be dropped without lowering it, each
/// re-verified from the instance, with the remedy in numbers.
/// Call it only for an instance the solver found infeasible: when no single-rule
/// obstacle exists it answers with the joint certificate.
/// When the planner's locks cause the conflict, the first certificate names the locks to lift.
pub fn infeasibility(prep: &Prepared) -> Vec<Certificate> {
    let mut certs = sanlian_solver::certificate::find(prep, sanlian_model::PlanMode::Strict);
    if certs.is_empty() {
        certs.push(sanlian_solver::certificate::joint(prep));
    }
    sanlian_solver::with_locks_first(prep, &resolve_options(), certs)
}

/// Level label in the chosen language.
pub(crate) fn level_name(level: Level, zh: bool) -> &'static str {
    if zh {
        level.zh()
    } else {
        level.id()
    }
}
