//! A small sparse MILP builder with named rows and columns, solved by HiGHS.
//!
//! Rows and columns carry the names of the rules they encode (`H3_leader[370102]`,
//! `n[q12,370102]`), so a model written as MPS can be read against PLANNING_RULES.

use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use highs::{ColProblem, HighsModelStatus, Sense};

mod bounds;

/// A column handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Var(pub usize);

/// A linear expression: (column, coefficient) pairs.
pub type Terms = Vec<(Var, f64)>;

/// A goal of a lexicographic solve: its id (the row `{id}_fixed` holds it), direction, terms and
/// the constant added to them.
pub type Goal = (&'static str, Direction, Terms, f64);

/// A row on one day of the plan: the day, its terms and the constant moved to its bound.
pub type DatedRow = (chrono::NaiveDate, Terms, f64);

/// Optimisation direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Minimise the objective.
    Min,
    /// Maximise the objective.
    Max,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    lb: f64,
    ub: f64,
    integer: bool,
    cost: f64,
}

#[derive(Debug, Clone)]
struct RowDef {
    name: String,
    lb: f64,
    ub: f64,
    terms: Vec<(usize, f64)>,
}

/// A mixed-integer linear programme under construction.
#[derive(Debug, Clone)]
pub struct Milp {
    /// Model name (used in MPS output).
    pub name: String,
    direction: Direction,
    cols: Vec<Column>,
    rows: Vec<RowDef>,
    /// Constant added to the objective.
    pub offset: f64,
}

/// Dual values keyed by row name, those sharing a name added up, zeros left out.
pub(crate) fn sum_duals<'a>(
    duals: impl IntoIterator<Item = (&'a str, f64)>,
) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    for (name, y) in duals {
        if y != 0.0 {
            *out.entry(name.to_string()).or_insert(0.0) += y;
        }
    }
    out.retain(|_, y| *y != 0.0);
    out
}

/// How far from a whole number an integer column's relaxed value may be and still count as whole.
const INTEGRALITY: f64 = 1e-9;

/// Whether `r`'s objective and bound are as close as the gaps of `s` let HiGHS stop at (with
/// a margin for HiGHS's own rounding).
fn gap_closed(r: &MilpResult, s: &MilpSettings) -> bool {
    let gap = (r.objective - r.bound).abs();
    gap <= 1.01 * s.mip_abs_gap.max(s.mip_rel_gap * r.objective.abs()) + 1e-9
}

/// A relaxation kept in HiGHS between solves ([`Milp::warm_lp`]): each solve starts from the
/// basis the last one ended with, which a change of bounds leaves usable for dual simplex.
pub struct WarmLp {
    /// `None` once HiGHS failed on it.
    model: Option<highs::Model>,
    /// The settings it was made with (without flags or time limit), for the MILPs too.
    settings: MilpSettings,
}

// SAFETY: a HiGHS object holds no reference to the OS thread that made it (the scheduler it
// runs on is the running thread's, set by `use_threads` before each solve) and installs no
// callback (`Milp::warm_lp`); `WarmLp` gives access to it only through `&mut self`.
unsafe impl Send for WarmLp {}

/// What a warm re-solve of the relaxation found.
enum Relaxed {
    /// Optimal and integral: the MILP's optimum, with the integer columns rounded.
    Integral(Vec<f64>),
    /// Optimal but fractional: the MILP is still to be solved.
    Fractional,
    /// No solution: the MILP has none either.
    Infeasible,
    /// HiGHS failed or stopped otherwise.
    Failed,
}

/// What a warm solve of a changed MILP found ([`WarmLp::solve_changed`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Warm {
    /// The MILP's optimum (integer columns whole), proven with the warm model's settings.
    Optimal(Vec<f64>),
    /// The changed MILP has no solution.
    Infeasible,
    /// HiGHS failed or stopped.
    Failed,
}

impl WarmLp {
    /// The MILP `milp` (the model this was made from, unchanged) with the column bounds `cols`
    /// and row bounds `rows` changed: the kept relaxation re-solved (an integral optimum is the
    /// MILP's), else the changed MILP solved on its own ([`Milp::solve`]: LP first, the dive,
    /// HiGHS) with the same settings. The kept relaxation gets its bounds back.
    pub fn solve_changed(&mut self, milp: &Milp, cols: &[(Var, f64, f64)], rows: &[(usize, f64, f64)]) -> Warm {
        match self.relax_changed(milp, cols, rows) {
            Relaxed::Integral(values) => Warm::Optimal(values),
            Relaxed::Infeasible => Warm::Infeasible,
            Relaxed::Failed => Warm::Failed,
            Relaxed::Fractional => {
                let mut changed = milp.clone();
                for &(v, lb, ub) in cols {
                    changed.set_col_bounds(v, lb, ub);
                }
                for &(r, lb, ub) in rows {
                    changed.set_row_bounds(r, lb, ub);
                }
                let r = changed.solve(&self.settings);
                match r.status {
                    MilpStatus::Optimal => {
                        let values =
                            r.values.iter().zip(&milp.cols).map(|(x, c)| if c.integer { x.round() } else { *x });
                        Warm::Optimal(values.collect())
                    }
                    MilpStatus::Infeasible => Warm::Infeasible,
                    _ => Warm::Failed,
                }
            }
        }
    }

    /// The relaxation of `milp` re-solved with the bounds changed, then put back.
    fn relax_changed(&mut self, milp: &Milp, cols: &[(Var, f64, f64)], rows: &[(usize, f64, f64)]) -> Relaxed {
        let Some(mut model) = self.model.take() else { return Relaxed::Failed };
        let set = |model: &mut highs::Model, changed: bool| -> bool {
            cols.iter().all(|&(v, lb, ub)| {
                let (lb, ub) = if changed { (lb, ub) } else { milp.col_bounds(v) };
                // SAFETY: `model` owns a live HiGHS object with `milp`'s columns.
                let status = unsafe { highs_sys::Highs_changeColBounds(model.as_mut_ptr(), v.0 as i32, lb, ub) };
                status == highs_sys::kHighsStatusOk
            }) && rows.iter().all(|&(r, lb, ub)| {
                let (lb, ub) = if changed { (lb, ub) } else { (milp.rows[r].lb, milp.rows[r].ub) };
                // SAFETY: as above, with `milp`'s rows.
                let status = unsafe { highs_sys::Highs_changeRowBounds(model.as_mut_ptr(), r as i32, lb, ub) };
                status == highs_sys::kHighsStatusOk
            })
        };
        if !set(&mut model, true) {
            return Relaxed::Failed;
        }
        use_threads(self.settings.threads.max(1));
        let Ok(solved) = model.try_solve() else { return Relaxed::Failed };
        // SAFETY: `solved` owns a live HiGHS object.
        let status = unsafe { highs_sys::Highs_getModelStatus(solved.as_ptr()) } as i32;
        let answer = match status {
            highs_sys::MODEL_STATUS_OPTIMAL => {
                let values = solved.get_solution().columns().to_vec();
                if values.len() != milp.cols.len() {
                    Relaxed::Failed
                } else if milp.is_integral(&values) {
                    Relaxed::Integral(
                        values.iter().zip(&milp.cols).map(|(x, c)| if c.integer { x.round() } else { *x }).collect(),
                    )
                } else {
                    Relaxed::Fractional
                }
            }
            highs_sys::MODEL_STATUS_INFEASIBLE | highs_sys::MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE => Relaxed::Infeasible,
            _ => Relaxed::Failed,
        };
        let mut model: highs::Model = solved.into();
        if set(&mut model, false) {
            self.model = Some(model);
        }
        answer
    }
}

/// HiGHS settings for one solve.
#[derive(Debug, Clone)]
pub struct MilpSettings {
    /// Threads for HiGHS (keep 1 inside rayon workers).
    pub threads: u32,
    /// Relative MIP gap at which HiGHS stops.
    pub mip_rel_gap: f64,
    /// Absolute MIP gap at which HiGHS stops.
    pub mip_abs_gap: f64,
    /// Wall-clock limit in seconds, if any.
    pub time_limit: Option<f64>,
    /// Let HiGHS print its log to the console.
    pub log: bool,
    /// Solve the LP relaxation first and stop if it is integral.
    pub lp_first: bool,
    /// When set (by another thread), HiGHS stops at its next simplex iteration or MIP node
    /// and the solve ends [`MilpStatus::Cancelled`].
    pub interrupt: Option<Arc<AtomicBool>>,
    /// "Finish now with what you have": when set (by another thread) while the MILP has an
    /// incumbent, HiGHS stops at its next MIP node and the solve ends [`MilpStatus::Limit`]
    /// with that incumbent and HiGHS's bound, as at a time limit. Until there is an incumbent
    /// (and during LP solves, which have none) the solve goes on. A set `interrupt` wins.
    pub settle: Option<Arc<AtomicBool>>,
}

impl Default for MilpSettings {
    /// One thread, gaps far below "proven optimal", no time limit, no log, LP first.
    fn default() -> Self {
        MilpSettings {
            threads: 1,
            mip_rel_gap: 1e-9,
            mip_abs_gap: 1e-9,
            time_limit: None,
            log: false,
            lp_first: true,
            interrupt: None,
            settle: None,
        }
    }
}

impl MilpSettings {
    /// These settings with the time limit shortened by the time passed since `start` (at least
    /// 10 ms are left, as HiGHS takes no zero limit).
    pub fn left_after(&self, start: Instant) -> MilpSettings {
        MilpSettings {
            time_limit: self.time_limit.map(|t| (t - start.elapsed().as_secs_f64()).max(0.01)),
            ..self.clone()
        }
    }
}

/// How a MILP solve ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MilpStatus {
    /// Solved to HiGHS's optimality tolerances.
    Optimal,
    /// Stopped with a feasible incumbent before the gap was closed: by the time limit, or
    /// settled ([`MilpSettings::settle`]).
    Limit,
    /// Proven infeasible.
    Infeasible,
    /// Stopped by the time limit with no feasible solution.
    NoSolution,
    /// HiGHS could not solve the model (an error status, or a stop without a time limit):
    /// the message says what HiGHS answered.
    Failed(String),
    /// Not solved: the solve was cancelled.
    Cancelled,
}

/// The result of a MILP solve.
#[derive(Debug, Clone)]
pub struct MilpResult {
    /// How it ended.
    pub status: MilpStatus,
    /// Column values (empty unless a solution exists).
    pub values: Vec<f64>,
    /// Objective value including the offset.
    pub objective: f64,
    /// Proven dual bound including the offset.
    pub bound: f64,
    /// When the LP relaxation's optimum was integral or equals the MILP's (so the LP bound
    /// proves `objective`): the LP's row duals, in row order (HiGHS's convention: reduced
    /// cost = cost − Aᵀ·dual).
    pub duals: Option<Vec<f64>>,
    /// Rows of the model.
    pub rows: usize,
    /// Columns of the model.
    pub cols: usize,
    /// Wall time, seconds.
    pub seconds: f64,
}

impl MilpResult {
    /// Value of a column.
    pub fn value(&self, v: Var) -> f64 {
        self.values[v.0]
    }

    /// Value of an integer column, rounded.
    pub fn int(&self, v: Var) -> i64 {
        self.values[v.0].round() as i64
    }

    /// Does the result carry a solution (optimal, or the best found in time)?
    pub fn has_solution(&self) -> bool {
        matches!(self.status, MilpStatus::Optimal | MilpStatus::Limit)
    }

    /// An optimum proved without a MILP search (an integral warm LP, or bounds): bound = objective.
    fn proved(values: Vec<f64>, objective: f64, rows: usize, cols: usize, seconds: f64) -> MilpResult {
        MilpResult {
            status: MilpStatus::Optimal,
            values,
            objective,
            bound: objective,
            duals: None,
            rows,
            cols,
            seconds,
        }
    }

    pub(crate) fn without_solution(status: MilpStatus, rows: usize, cols: usize, seconds: f64) -> MilpResult {
        MilpResult {
            status,
            values: Vec::new(),
            objective: f64::NAN,
            bound: f64::NAN,
            duals: None,
            rows,
            cols,
            seconds,
        }
    }
}

thread_local! {
    /// The thread count this OS thread's HiGHS scheduler was started with (0: none yet).
    /// HiGHS keeps one scheduler per OS thread and refuses a run asking for another count.
    static SCHEDULER_THREADS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Sort (column, coefficient) terms by column and add up the terms on one column.
fn add_up(terms: &mut Vec<(usize, f64)>) {
    if terms.windows(2).any(|w| w[0].0 >= w[1].0) {
        terms.sort_by_key(|&(c, _)| c);
        terms.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
    }
}

/// Is an optional flag set?
fn is_set(flag: &Option<Arc<AtomicBool>>) -> bool {
    flag.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
}

/// HiGHS's interrupt callback: asks it to stop once the `interrupt` flag of the settings
/// `data` points to is set, or at a MIP node once their `settle` flag is set and HiGHS has an
/// incumbent (a finite primal bound).
///
/// # Safety
/// `data` points to live [`MilpSettings`], `data_out`, when not null, to HiGHS's callback
/// output and `data_in`, when not null, to its callback input.
unsafe extern "C" fn interrupt_if_set(
    kind: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    data_out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    data: *mut std::ffi::c_void,
) {
    // SAFETY: see the function's contract; HiGHS passes back the pointer it was given.
    let Some(s) = (unsafe { data.cast::<MilpSettings>().as_ref() }) else { return };
    let settle = || {
        kind == highs_sys::kHighsCallbackMipInterrupt
            && is_set(&s.settle)
            // SAFETY: HiGHS hands a valid (or null) output block to its callbacks; for a MIP
            // interrupt it holds the incumbent's objective (infinite without one).
            && unsafe { data_out.as_ref() }.is_some_and(|out| out.mip_primal_bound.is_finite())
    };
    if is_set(&s.interrupt) || settle() {
        // SAFETY: HiGHS hands a valid (or null) input block to interrupt callbacks.
        if let Some(input) = unsafe { data_in.as_mut() } {
            input.user_interrupt = 1;
        }
    }
}

/// Make this OS thread's HiGHS scheduler run `threads` threads: stop the one it has when it
/// was started with another count (HiGHS would refuse the run).
fn use_threads(threads: u32) {
    SCHEDULER_THREADS.with(|t| {
        if t.get() != 0 && t.get() != threads {
            // SAFETY: no HiGHS solve runs on this thread now (solves are synchronous), and a
            // blocking reset waits for the scheduler's workers to stop.
            unsafe { highs_sys::Highs_resetGlobalScheduler(1) };
        }
        t.set(threads);
    });
}

impl Milp {
    /// An empty model.
    pub fn new(name: impl Into<String>, direction: Direction) -> Self {
        Milp { name: name.into(), direction, cols: Vec::new(), rows: Vec::new(), offset: 0.0 }
    }

    /// Add a column with bounds, integrality and objective coefficient.
    pub fn col(&mut self, name: String, lb: f64, ub: f64, integer: bool, cost: f64) -> Var {
        self.cols.push(Column { name, lb, ub, integer, cost });
        Var(self.cols.len() - 1)
    }

    /// Add a 0/1 column.
    pub fn binary(&mut self, name: String, cost: f64) -> Var {
        self.col(name, 0.0, 1.0, true, cost)
    }

    /// Add a row `lb ≤ Σ coef·var ≤ ub` (use ±∞ for one-sided rows).
    /// Terms on the same column are added up (HiGHS refuses a matrix with a repeated entry).
    pub fn row(&mut self, name: String, terms: impl IntoIterator<Item = (Var, f64)>, lb: f64, ub: f64) {
        let mut terms: Vec<(usize, f64)> = terms.into_iter().map(|(v, c)| (v.0, c)).collect();
        add_up(&mut terms);
        self.rows.push(RowDef { name, lb, ub, terms });
    }

    /// Drop every row after the first `n` (rows added last, e.g. a constraint tried on a copy).
    pub fn truncate_rows(&mut self, n: usize) {
        self.rows.truncate(n);
    }

    /// Change the bounds of column `v`.
    pub fn set_col_bounds(&mut self, v: Var, lb: f64, ub: f64) {
        let c = &mut self.cols[v.0];
        (c.lb, c.ub) = (lb, ub);
    }

    /// The bounds of column `v`.
    pub fn col_bounds(&self, v: Var) -> (f64, f64) {
        (self.cols[v.0].lb, self.cols[v.0].ub)
    }

    /// The bounds of row `r`.
    pub fn row_bounds(&self, r: usize) -> (f64, f64) {
        (self.rows[r].lb, self.rows[r].ub)
    }

    /// Change the bounds of row `r` (its index: rows are numbered in the order they were added).
    pub fn set_row_bounds(&mut self, r: usize, lb: f64, ub: f64) {
        let row = &mut self.rows[r];
        (row.lb, row.ub) = (lb, ub);
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.cols.len()
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// Name of row `r`.
    pub fn row_name(&self, r: usize) -> &str {
        &self.rows[r].name
    }

    /// The non-zero duals of a result, keyed by row name (rows sharing a name add up).
    pub fn named_duals(&self, duals: &[f64]) -> std::collections::BTreeMap<String, f64> {
        sum_duals(self.rows.iter().zip(duals).map(|(row, &y)| (row.name.as_str(), y)))
    }

    /// The objective as (column, coefficient) pairs, for fixing a stage's value.
    pub fn objective_terms(&self) -> Vec<(Var, f64)> {
        self.cols.iter().enumerate().filter(|(_, c)| c.cost != 0.0).map(|(i, c)| (Var(i), c.cost)).collect()
    }

    /// Replace the objective: all costs zero except `terms`, new direction and offset.
    pub fn set_objective(&mut self, direction: Direction, terms: impl IntoIterator<Item = (Var, f64)>, offset: f64) {
        for c in &mut self.cols {
            c.cost = 0.0;
        }
        for (v, c) in terms {
            self.cols[v.0].cost += c;
        }
        self.direction = direction;
        self.offset = offset;
    }

    /// Solve with HiGHS: first the LP relaxation, whose optimum proves
    /// optimality when it happens to be integral (common for these
    /// assignment-like models); otherwise the MILP.
    pub fn solve(&self, s: &MilpSettings) -> MilpResult {
        let start = Instant::now();
        // A row without terms holds only if 0 lies within its bounds; HiGHS reports a model
        // without columns as "empty" (optimal) whatever its rows say.
        if self.rows.iter().any(|r| r.terms.is_empty() && (r.lb > 1e-9 || r.ub < -1e-9)) {
            return MilpResult::without_solution(
                MilpStatus::Infeasible,
                self.rows.len(),
                self.cols.len(),
                start.elapsed().as_secs_f64(),
            );
        }
        let mut start_at = None;
        let mut relaxed = None;
        if s.lp_first && self.cols.iter().any(|c| c.integer) {
            let lp = self.run_highs(s, false);
            if lp.status == MilpStatus::Optimal && self.is_integral(&lp.values) {
                let values: Vec<f64> =
                    lp.values.iter().zip(&self.cols).map(|(v, c)| if c.integer { v.round() } else { *v }).collect();
                let objective = self.objective_of(&values);
                return MilpResult {
                    values,
                    objective,
                    bound: lp.objective,
                    seconds: start.elapsed().as_secs_f64(),
                    ..lp
                };
            }
            if matches!(lp.status, MilpStatus::Infeasible | MilpStatus::Failed(_)) {
                return MilpResult { seconds: start.elapsed().as_secs_f64(), ..lp };
            }
            if lp.status == MilpStatus::Optimal {
                let within = s.left_after(start);
                start_at = self.incumbent_near(&within);
                relaxed = Some(lp);
            }
        }
        let remaining = s.left_after(start);
        let mut r = self.run_highs_from(&remaining, true, start_at.as_deref());
        if start_at.is_some() && r.status == MilpStatus::Optimal && !gap_closed(&r, s) {
            // HiGHS 1.16 can answer "optimal" with the bound of its presolved model, without
            // presolve's objective offset, when the start leaves presolve nothing to branch on
            // (tests/properties.proptest-regressions): the MILP is then solved without the start.
            r = self.run_highs_from(&remaining, true, None);
        }
        // A fractional relaxation whose optimum the MILP's meets (alternative optima, some
        // fractional) still proves it: its duals are the MILP's proof.
        r.duals = relaxed
            .filter(|lp| {
                r.status == MilpStatus::Optimal
                    && (lp.objective - r.objective).abs() <= 1e-9 * r.objective.abs().max(1.0)
            })
            .and_then(|lp| lp.duals);
        r.seconds = start.elapsed().as_secs_f64();
        r
    }

    /// A feasible point near the relaxation's optimum, for the MILP to start from, found by
    /// diving on one HiGHS relaxation kept between steps (each re-solve starts from the last
    /// basis): the fractional integer column nearest a whole number is bounded to that side of
    /// it (a value exactly halfway goes down: on S1 with one-year cadres, whose halves come from
    /// odd coverage needs, that dive ends 0.14 % above the optimum, rounding up 0.8 %), or to
    /// the other side if the relaxation then has no solution; the relaxation is solved again,
    /// and so on until it is integral. `None` when a step finds neither side feasible, HiGHS
    /// fails or stops, the steps run out or the time limit passes; the MILP then starts without
    /// an incumbent, as HiGHS alone does. The point only speeds up the MILP: its optimum and
    /// bound are HiGHS's, whatever the start.
    fn incumbent_near(&self, s: &MilpSettings) -> Option<Vec<f64>> {
        let optimal = |solved: &highs::SolvedModel| -> Option<Vec<f64>> {
            // SAFETY: `solved` owns a live HiGHS object.
            let status = unsafe { highs_sys::Highs_getModelStatus(solved.as_ptr()) } as i32;
            let values = solved.get_solution().columns().to_vec();
            (status == highs_sys::MODEL_STATUS_OPTIMAL && values.len() == self.cols.len()).then_some(values)
        };
        let mut solved = self.highs_model(s, false, false, None).ok()?.try_solve().ok()?;
        let mut values = optimal(&solved)?;
        let steps = 2 * self.cols.iter().filter(|c| c.integer).count().min(100) + 10;
        let mut bounds: Vec<(f64, f64)> = self.cols.iter().map(|c| (c.lb, c.ub)).collect();
        let began = Instant::now();
        for _ in 0..steps {
            if s.time_limit.is_some_and(|t| began.elapsed().as_secs_f64() >= t) {
                return None;
            }
            let pick = self
                .cols
                .iter()
                .zip(&values)
                .enumerate()
                .filter(|(_, (c, v))| c.integer && (*v - v.round()).abs() > INTEGRALITY)
                .min_by(|(_, (_, a)), (_, (_, b))| (*a - a.round()).abs().total_cmp(&(*b - b.round()).abs()));
            let Some((j, (_, &v))) = pick else {
                return Some(
                    values.iter().zip(&self.cols).map(|(x, c)| if c.integer { x.round() } else { *x }).collect(),
                );
            };
            let mut model: highs::Model = solved.into();
            let (lb, ub) = bounds[j];
            let up = v - v.floor() > 0.5;
            let mut next = None;
            for side in [up, !up] {
                let (l, u) = if side { (v.ceil(), ub) } else { (lb, v.floor()) };
                // SAFETY: `model` owns a live HiGHS object and `j` is one of its columns.
                if unsafe { highs_sys::Highs_changeColBounds(model.as_mut_ptr(), j as i32, l, u) }
                    != highs_sys::kHighsStatusOk
                {
                    return None;
                }
                let tried = model.try_solve().ok()?;
                match optimal(&tried) {
                    Some(x) => {
                        bounds[j] = (l, u);
                        next = Some((tried, x));
                        break;
                    }
                    None => model = tried.into(),
                }
            }
            let (tried, x) = next?;
            solved = tried;
            values = x;
        }
        None
    }

    /// The LP relaxation kept in HiGHS for re-solves that each change a few bounds
    /// ([`WarmLp::solve_changed`]); `None` when HiGHS refuses the model. The settings' flags
    /// are not passed on: a kept model installs no callback.
    pub fn warm_lp(&self, s: &MilpSettings) -> Option<WarmLp> {
        let plain = MilpSettings { interrupt: None, settle: None, time_limit: None, ..s.clone() };
        let model = self.highs_model(&plain, false, false, None).ok()?;
        Some(WarmLp { model: Some(model), settings: plain })
    }

    /// Solve the LP relaxation only (integrality dropped): its optimum bounds the MILP's.
    pub fn solve_relaxation(&self, s: &MilpSettings) -> MilpResult {
        if self.rows.iter().any(|r| r.terms.is_empty() && (r.lb > 1e-9 || r.ub < -1e-9)) {
            return MilpResult::without_solution(MilpStatus::Infeasible, self.rows.len(), self.cols.len(), 0.0);
        }
        self.run_highs(s, false)
    }

    /// Optimise `goals` (id, direction, terms, offset) in order on one HiGHS relaxation kept
    /// between them: each goal's optimum is held for the next by a row `{id}_fixed` (added to
    /// this model too, as a goal-by-goal solve adds it), and each re-solve starts from the
    /// previous optimal basis, which a cost change and a new row leave usable. It answers
    /// only when every relaxation on the way is optimal and integral — an integral optimum of
    /// the relaxation is the MILP's, as in [`Milp::solve`] — with each goal's value (whole
    /// numbers for all but the last) and the last result; otherwise `None`, and the model is
    /// as it was (the caller then solves goal by goal).
    pub fn solve_goals_warm(&mut self, goals: &[Goal], s: &MilpSettings) -> Option<(Vec<f64>, MilpResult)> {
        let start = Instant::now();
        let rows_before = self.rows.len();
        let integer = self.cols.iter().any(|c| c.integer);
        let empty_row = self.rows.iter().any(|r| r.terms.is_empty());
        // (A cancelled solve ends not optimal here, and the goal-by-goal solve then says so.)
        if goals.is_empty() || !s.lp_first || !integer || empty_row {
            return None;
        }
        let (_, first_direction, first_terms, first_offset) = &goals[0];
        self.set_objective(*first_direction, first_terms.clone(), *first_offset);
        let mut model = self.highs_model(s, false, false, None).ok()?;
        let mut values_out = Vec::new();
        let mut last_values = Vec::new();
        for (i, (id, direction, terms, offset)) in goals.iter().enumerate() {
            if i > 0 && terms.is_empty() {
                // A constant goal: every optimum of the goals before it reaches its value.
                self.set_objective(*direction, Vec::new(), *offset);
                values_out.push(*offset);
                continue;
            }
            if i > 0 {
                self.set_objective(*direction, terms.clone(), *offset);
                let costs: Vec<f64> = self.cols.iter().map(|c| c.cost).collect();
                let sense = match direction {
                    Direction::Min => highs_sys::kHighsObjSenseMinimize,
                    Direction::Max => highs_sys::kHighsObjSenseMaximize,
                };
                // SAFETY: `model` owns a live HiGHS object with `costs.len()` columns.
                let ok = unsafe {
                    highs_sys::Highs_changeColsCostByRange(
                        model.as_mut_ptr(),
                        0,
                        costs.len() as i32 - 1,
                        costs.as_ptr(),
                    ) == highs_sys::kHighsStatusOk
                        && highs_sys::Highs_changeObjectiveSense(model.as_mut_ptr(), sense) == highs_sys::kHighsStatusOk
                };
                if !ok {
                    self.rows.truncate(rows_before);
                    return None;
                }
                // The previous optimum still holds every row (the new one at equality): a
                // primal feasible basis, where primal simplex goes on without a first phase.
                model.set_option("simplex_strategy", 4);
            }
            let solved = match model.try_solve() {
                Ok(solved) => solved,
                Err(_) => {
                    self.rows.truncate(rows_before);
                    return None;
                }
            };
            // SAFETY: `solved` owns a live HiGHS object.
            let status = unsafe { highs_sys::Highs_getModelStatus(solved.as_ptr()) } as i32;
            let values: Vec<f64> = if status == highs_sys::MODEL_STATUS_OPTIMAL {
                solved.get_solution().columns().to_vec()
            } else {
                Vec::new()
            };
            if values.len() != self.cols.len() || !self.is_integral(&values) {
                self.rows.truncate(rows_before);
                return None;
            }
            let values: Vec<f64> =
                values.iter().zip(&self.cols).map(|(v, c)| if c.integer { v.round() } else { *v }).collect();
            let objective = self.objective_of(&values);
            let last = i + 1 == goals.len();
            let value = if last { objective } else { objective.round() };
            values_out.push(value);
            last_values = values;
            model = solved.into();
            if !last {
                let held = value - offset;
                let (lb, ub) =
                    if *direction == Direction::Min { (f64::NEG_INFINITY, held) } else { (held, f64::INFINITY) };
                self.row(format!("{id}_fixed"), terms.clone(), lb, ub);
                let row = &self.rows[self.rows.len() - 1];
                let index: Vec<i32> = row.terms.iter().map(|&(c, _)| c as i32).collect();
                let coef: Vec<f64> = row.terms.iter().map(|&(_, v)| v).collect();
                // SAFETY: `model` owns a live HiGHS object; `index` and `coef` have the same length.
                let added = unsafe {
                    highs_sys::Highs_addRow(
                        model.as_mut_ptr(),
                        row.lb,
                        row.ub,
                        index.len() as i32,
                        index.as_ptr(),
                        coef.as_ptr(),
                    )
                };
                if added != highs_sys::kHighsStatusOk {
                    self.rows.truncate(rows_before);
                    return None;
                }
            }
        }
        let objective = *values_out.last()?;
        let seconds = start.elapsed().as_secs_f64();
        Some((values_out, MilpResult::proved(last_values, objective, self.rows.len(), self.cols.len(), seconds)))
    }

    /// The lexicographic optimum of `goals`, each goal's value held while the next ones are
    /// optimised: proved by bounds where nothing is left to choose ([`Milp::optimum_by_bounds`]),
    /// from one warm LP where every relaxation is integral ([`Milp::solve_goals_warm`]), else
    /// goal by goal. Every goal but the last counts whole decisions; the last one's unit is
    /// `last_unit`. The goals' values and the last result, or the status of the goal that
    /// found no solution. The held goals stay in the model as rows `{id}_fixed`.
    pub fn solve_goals(
        &mut self,
        goals: &[Goal],
        s: &MilpSettings,
        last_unit: f64,
    ) -> Result<(Vec<f64>, MilpResult), MilpStatus> {
        if let Some(done) = self.optimum_by_bounds(goals).or_else(|| self.solve_goals_warm(goals, s)) {
            return Ok(done);
        }
        let mut values = Vec::new();
        let mut last = None;
        let n = goals.len();
        for (i, (id, direction, terms, offset)) in goals.iter().enumerate() {
            self.set_objective(*direction, terms.clone(), *offset);
            let abs_gap = if i + 1 == n { 0.5 * last_unit } else { 0.5 - 1e-9 };
            let r = self.solve(&MilpSettings { mip_abs_gap: abs_gap, ..s.clone() });
            if !r.has_solution() {
                return Err(r.status);
            }
            let value = if i + 1 == n { r.objective } else { r.objective.round() };
            values.push(value);
            if i + 1 < n {
                let held = value - offset;
                let (lb, ub) =
                    if *direction == Direction::Min { (f64::NEG_INFINITY, held) } else { (held, f64::INFINITY) };
                self.row(format!("{id}_fixed"), terms.clone(), lb, ub);
            }
            last = Some(r);
        }
        last.map(|r| (values, r)).ok_or(MilpStatus::Failed("no goal to optimise".into()))
    }

    fn is_integral(&self, values: &[f64]) -> bool {
        self.cols.iter().zip(values).all(|(c, v)| !c.integer || (v - v.round()).abs() <= INTEGRALITY)
    }

    /// The objective at `values`, offset included.
    pub fn objective_of(&self, values: &[f64]) -> f64 {
        self.cols.iter().zip(values).map(|(c, v)| c.cost * v).sum::<f64>() + self.offset
    }

    /// The model as HiGHS takes it, with the settings applied.
    fn highs_model(
        &self,
        s: &MilpSettings,
        integer: bool,
        presolve: bool,
        start_at: Option<&[f64]>,
    ) -> Result<highs::Model, String> {
        let mut pb = ColProblem::new();
        let rows: Vec<highs::Row> = self.rows.iter().map(|r| pb.add_row(r.lb..=r.ub)).collect();
        let mut by_col: Vec<Vec<(highs::Row, f64)>> = vec![Vec::new(); self.cols.len()];
        for (r, row) in self.rows.iter().enumerate() {
            for &(c, v) in &row.terms {
                by_col[c].push((rows[r], v));
            }
        }
        for (c, col) in self.cols.iter().enumerate() {
            pb.add_column_with_integrality(col.cost, col.lb..=col.ub, &by_col[c], integer && col.integer);
        }
        let sense = match self.direction {
            Direction::Min => Sense::Minimise,
            Direction::Max => Sense::Maximise,
        };
        let mut model =
            pb.try_optimise(sense).map_err(|e| format!("HiGHS refused the model {:?} ({e:?})", self.name))?;
        let threads = s.threads.max(1);
        use_threads(threads);
        model.set_threads(NonZeroU32::new(threads).expect("at least one thread"));
        model.set_option("mip_rel_gap", s.mip_rel_gap);
        model.set_option("mip_abs_gap", s.mip_abs_gap);
        model.set_option("presolve", if presolve { "on" } else { "off" });
        if s.log {
            model.set_option("output_flag", true);
            model.set_option("log_to_console", true);
        }
        if let Some(t) = s.time_limit {
            model.set_option("time_limit", t.max(0.01));
        }
        if let Some(x) = start_at.filter(|x| x.len() == self.cols.len()) {
            // A start HiGHS cannot use (it checks the point itself) only leaves it without one.
            let _ = model.try_set_solution(Some(x), None, None, None);
        }
        if s.interrupt.is_some() || s.settle.is_some() {
            let data = std::ptr::from_ref(s).cast_mut().cast::<std::ffi::c_void>();
            // SAFETY: `model` owns a live HiGHS object; `data` points to the settings `s`,
            // which `run_highs` borrows for the whole solve (the model is solved and dropped
            // inside it), and `interrupt_if_set` only reads them.
            unsafe {
                highs_sys::Highs_setCallback(model.as_mut_ptr(), Some(interrupt_if_set), data);
                for kind in [
                    highs_sys::kHighsCallbackSimplexInterrupt,
                    highs_sys::kHighsCallbackIpmInterrupt,
                    highs_sys::kHighsCallbackMipInterrupt,
                ] {
                    highs_sys::Highs_startCallback(model.as_mut_ptr(), kind);
                }
            }
        }
        Ok(model)
    }

    fn run_highs(&self, s: &MilpSettings, integer: bool) -> MilpResult {
        self.run_highs_from(s, integer, None)
    }

    /// [`Milp::run_highs`], the MILP given the point `start_at` as its first incumbent.
    fn run_highs_from(&self, s: &MilpSettings, integer: bool, start_at: Option<&[f64]>) -> MilpResult {
        let start = Instant::now();
        let (n_rows, n_cols) = (self.rows.len(), self.cols.len());
        let failed = |message: String| {
            MilpResult::without_solution(MilpStatus::Failed(message), n_rows, n_cols, start.elapsed().as_secs_f64())
        };
        let any_integer = integer && self.cols.iter().any(|c| c.integer);
        // Presolve costs more than it saves on the relaxations of these small models. On rare
        // MIPs HiGHS's presolve hands back a point its postsolve finds infeasible ("solve
        // error"), or declares a feasible model infeasible (HiGHS 1.16: a best-effort B3 after
        // B2 was held, whose B2 solution satisfies it; `tests/presolve.rs`); the same model
        // without presolve is then solved correctly, so an infeasible MIP is confirmed so.
        let attempt = |presolve: bool| -> Result<(highs::SolvedModel, i32), String> {
            let solved = self
                .highs_model(s, integer, presolve, start_at)?
                .try_solve()
                .map_err(|e| format!("HiGHS failed to run on {:?} ({e:?})", self.name))?;
            // The raw status: the highs crate panics on codes it does not know.
            // SAFETY: `solved` owns a live HiGHS object.
            let status = unsafe { highs_sys::Highs_getModelStatus(solved.as_ptr()) } as i32;
            Ok((solved, status))
        };
        const SOLVE_ERROR: i32 = highs_sys::MODEL_STATUS_SOLVE_ERROR;
        const INFEASIBLE: i32 = highs_sys::MODEL_STATUS_INFEASIBLE;
        let (solved, status) = match attempt(integer) {
            Ok((_, SOLVE_ERROR | INFEASIBLE)) if integer => match attempt(false) {
                Ok(done) => done,
                Err(e) => return failed(e),
            },
            Ok(done) => done,
            Err(_) if integer => match attempt(false) {
                Ok(done) => done,
                Err(e) => return failed(e),
            },
            Err(e) => return failed(e),
        };
        // Read the raw info value: the highs crate panics on HiGHS's "-1" (no status) instead of returning it.
        const SOLUTION_STATUS_FEASIBLE: i64 = 2;
        let has_solution = solved.int_info_value(c"primal_solution_status") == Ok(SOLUTION_STATUS_FEASIBLE);
        let status = match HighsModelStatus::try_from(status) {
            Ok(HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty) => MilpStatus::Optimal,
            Ok(HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible) => MilpStatus::Infeasible,
            Ok(HighsModelStatus::ReachedTimeLimit) if s.time_limit.is_some() && has_solution => MilpStatus::Limit,
            Ok(HighsModelStatus::ReachedTimeLimit) if s.time_limit.is_some() => MilpStatus::NoSolution,
            // Settled with an incumbent (the callback settles only then): kept, as at a time limit.
            Ok(HighsModelStatus::ReachedInterrupt) if is_set(&s.settle) && !is_set(&s.interrupt) && has_solution => {
                MilpStatus::Limit
            }
            Ok(HighsModelStatus::ReachedInterrupt) if s.interrupt.is_some() => {
                return MilpResult::without_solution(
                    MilpStatus::Cancelled,
                    n_rows,
                    n_cols,
                    start.elapsed().as_secs_f64(),
                );
            }
            Ok(other) => {
                return failed(format!("HiGHS stopped on {:?} with status {other:?}", self.name));
            }
            Err(_) => return failed(format!("HiGHS stopped on {:?} with unknown status {status}", self.name)),
        };
        let feasible = matches!(status, MilpStatus::Optimal | MilpStatus::Limit);
        let solution = (feasible && !self.cols.is_empty()).then(|| solved.get_solution());
        let values = solution.as_ref().map(|sol| sol.columns().to_vec()).unwrap_or_default();
        let duals = solution.as_ref().filter(|_| !integer).map(|sol| sol.dual_rows().to_vec());
        let objective = if feasible { self.objective_of(&values) } else { f64::NAN };
        let bound = if !feasible {
            f64::NAN
        } else if status == MilpStatus::Optimal && !any_integer {
            objective
        } else {
            match solved.double_info_value(c"mip_dual_bound") {
                Ok(b) if b.is_finite() => b + self.offset,
                _ => objective,
            }
        };
        MilpResult {
            status,
            values,
            objective,
            bound,
            duals: duals.filter(|d| d.len() == n_rows),
            rows: n_rows,
            cols: n_cols,
            seconds: start.elapsed().as_secs_f64(),
        }
    }

    /// The model in free MPS format, with the rule-named rows and columns
    /// (`OBJSENSE` section for maximisation), for any other solver to read.
    pub fn to_mps(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "NAME {}", self.name.replace(' ', "_"));
        if self.direction == Direction::Max {
            out.push_str("OBJSENSE\n    MAX\n");
        }
        out.push_str("ROWS\n N  obj\n");
        for r in &self.rows {
            let kind = match (r.lb.is_finite(), r.ub.is_finite()) {
                (true, true) if r.lb == r.ub => "E",
                (true, _) => "G",
                (false, true) => "L",
                (false, false) => "N",
            };
            let _ = writeln!(out, " {kind}  {}", r.name);
        }
        let mut by_col: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.cols.len()];
        for (r, row) in self.rows.iter().enumerate() {
            for &(c, v) in &row.terms {
                by_col[c].push((r, v));
            }
        }
        out.push_str("COLUMNS\n");
        let mut in_int = false;
        for (c, col) in self.cols.iter().enumerate() {
            if col.integer != in_int {
                let marker = if col.integer { "'INTORG'" } else { "'INTEND'" };
                let _ = writeln!(out, "    MARKER  'MARKER'  {marker}");
                in_int = col.integer;
            }
            if col.cost != 0.0 || by_col[c].is_empty() {
                let _ = writeln!(out, "    {}  obj  {}", col.name, col.cost);
            }
            for &(r, v) in &by_col[c] {
                let _ = writeln!(out, "    {}  {}  {}", col.name, self.rows[r].name, v);
            }
        }
        if in_int {
            out.push_str("    MARKER  'MARKER'  'INTEND'\n");
        }
        out.push_str("RHS\n");
        if self.offset != 0.0 {
            let _ = writeln!(out, "    rhs  obj  {}", -self.offset);
        }
        let mut ranges = Vec::new();
        for r in &self.rows {
            let rhs = match (r.lb.is_finite(), r.ub.is_finite()) {
                (true, true) if r.lb == r.ub => Some(r.lb),
                (true, true) => {
                    ranges.push((r, r.ub - r.lb));
                    Some(r.lb)
                }
                (true, false) => Some(r.lb),
                (false, true) => Some(r.ub),
                (false, false) => None,
            };
            if let Some(v) = rhs.filter(|v| *v != 0.0) {
                let _ = writeln!(out, "    rhs  {}  {}", r.name, v);
            }
        }
        if !ranges.is_empty() {
            out.push_str("RANGES\n");
            for (r, v) in ranges {
                let _ = writeln!(out, "    rng  {}  {}", r.name, v);
            }
        }
        out.push_str("BOUNDS\n");
        for col in &self.cols {
            if col.lb == col.ub {
                let _ = writeln!(out, " FX bnd  {}  {}", col.name, col.lb);
                continue;
            }
            if col.integer && col.lb == 0.0 && col.ub == 1.0 {
                let _ = writeln!(out, " BV bnd  {}", col.name);
                continue;
            }
            if col.lb != 0.0 {
                if col.lb.is_finite() {
                    let _ = writeln!(out, " LO bnd  {}  {}", col.name, col.lb);
                } else {
                    let _ = writeln!(out, " MI bnd  {}", col.name);
                }
            }
            if col.ub.is_finite() {
                let _ = writeln!(out, " UP bnd  {}  {}", col.name, col.ub);
            }
        }
        out.push_str("ENDATA\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> MilpSettings {
        MilpSettings::default()
    }

    /// An assignment of 3 workers to 3 jobs (integral relaxation): first the fewest changes
    /// from a base assignment with one job closed, then the least cost with the changes held.
    fn assignment() -> (Milp, Vec<Goal>) {
        let mut m = Milp::new("assign", Direction::Min);
        let cost = [[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
        let x: Vec<Vec<Var>> = (0..3).map(|i| (0..3).map(|j| m.binary(format!("x[{i},{j}]"), 0.0)).collect()).collect();
        for i in 0..3 {
            m.row(format!("worker[{i}]"), (0..3).map(|j| (x[i][j], 1.0)), 1.0, 1.0);
            m.row(format!("job[{i}]"), (0..3).map(|j| (x[j][i], 1.0)), f64::NEG_INFINITY, 1.0);
        }
        // Worker 0 may not keep job 0 (its base), so at least one change.
        m.row("closed".into(), [(x[0][0], 1.0)], 0.0, 0.0);
        let changes: Terms = (0..3).map(|i| (x[i][i], -1.0)).collect();
        let costs: Terms =
            (0..3).flat_map(|i| (0..3).map(move |j| (i, j))).map(|(i, j)| (x[i][j], cost[i][j])).collect();
        (m, vec![("changes", Direction::Min, changes, 3.0), ("cost", Direction::Min, costs, 0.0)])
    }

    #[test]
    fn goals_on_a_warm_relaxation_equal_goal_by_goal_solves() {
        let (mut warm, goals) = assignment();
        let rows = warm.n_rows();
        let (values, last) = warm.solve_goals_warm(&goals, &settings()).expect("integral relaxations");
        assert_eq!(warm.n_rows(), rows + 1, "the held goal is a row of the model too");
        let (mut cold, goals) = assignment();
        let mut expected = Vec::new();
        for (i, (id, direction, terms, offset)) in goals.iter().enumerate() {
            cold.set_objective(*direction, terms.clone(), *offset);
            let r = cold.solve(&settings());
            assert_eq!(r.status, MilpStatus::Optimal);
            expected.push(r.objective);
            if i == 0 {
                cold.row(format!("{id}_fixed"), terms.clone(), f64::NEG_INFINITY, r.objective.round() - offset);
            } else {
                assert!((last.objective - r.objective).abs() < 1e-9);
            }
        }
        assert_eq!(values, vec![2.0, expected[1]], "two changes at least (a swap), then the cheapest");
        assert!((values[0] - expected[0]).abs() < 1e-9);
        assert_eq!(last.status, MilpStatus::Optimal);
    }

    #[test]
    fn goals_on_a_fractional_relaxation_are_left_to_the_goal_by_goal_solve() {
        // max x + y, 2x + 2y ≤ 3, x, y binary: the relaxation's optimum is fractional.
        let mut m = Milp::new("frac", Direction::Max);
        let x = m.binary("x".into(), 0.0);
        let y = m.binary("y".into(), 0.0);
        m.row("cap".into(), [(x, 2.0), (y, 2.0)], f64::NEG_INFINITY, 3.0);
        let rows = m.n_rows();
        let goals = vec![("sum", Direction::Max, vec![(x, 1.0), (y, 1.0)], 0.0)];
        assert!(m.solve_goals_warm(&goals, &settings()).is_none());
        assert_eq!(m.n_rows(), rows, "the model is as it was");
    }

    #[test]
    fn knapsack_is_solved_to_optimality_with_bound() {
        let mut m = Milp::new("knap", Direction::Max);
        let w = [3.0, 4.0, 5.0, 6.0];
        let v = [4.0, 5.0, 6.0, 8.0];
        let x: Vec<Var> = (0..4).map(|i| m.binary(format!("x[{i}]"), v[i])).collect();
        m.row("cap".into(), x.iter().zip(w).map(|(x, w)| (*x, w)), f64::NEG_INFINITY, 10.0);
        let r = m.solve(&settings());
        assert_eq!(r.status, MilpStatus::Optimal);
        assert!((r.objective - 13.0).abs() < 1e-9, "{}", r.objective);
        assert!((r.bound - 13.0).abs() < 1e-6);
        assert!(m.to_mps().contains("cap"));
    }

    /// A market-split instance (Cornuéjols and Dawande): a few dense equality rows over
    /// binaries, notoriously slow for branch and bound, so that it is still running when
    /// the flag is set.
    fn market_split() -> Milp {
        let (rows, n) = (4, 36);
        let mut seed = 12_345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) % 100) as f64
        };
        let a: Vec<Vec<f64>> = (0..rows).map(|_| (0..n).map(|_| next()).collect()).collect();
        let mut m = Milp::new("market split", Direction::Min);
        let x: Vec<Var> = (0..n).map(|j| m.binary(format!("x[{j}]"), 0.0)).collect();
        for (i, row) in a.iter().enumerate() {
            let rhs = (row.iter().sum::<f64>() / 2.0).floor();
            let plus = m.col(format!("s+[{i}]"), 0.0, f64::INFINITY, false, 1.0);
            let minus = m.col(format!("s-[{i}]"), 0.0, f64::INFINITY, false, 1.0);
            let terms: Vec<(Var, f64)> =
                x.iter().zip(row).map(|(x, a)| (*x, *a)).chain([(plus, 1.0), (minus, -1.0)]).collect();
            m.row(format!("split[{i}]"), terms, rhs, rhs);
        }
        m
    }

    #[test]
    fn a_set_interrupt_flag_stops_highs_inside_a_model() {
        let m = market_split();
        let flag = Arc::new(AtomicBool::new(false));
        let setter = {
            let flag = flag.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                flag.store(true, Ordering::Relaxed);
            })
        };
        // Without the interrupt this ends at the time limit (status Limit), not Cancelled.
        let s = MilpSettings { time_limit: Some(120.0), interrupt: Some(flag), ..settings() };
        let r = m.solve(&s);
        setter.join().unwrap();
        assert_eq!(r.status, MilpStatus::Cancelled, "after {:.1} s", r.seconds);
        assert!(r.values.is_empty(), "a cancelled solve hands back no solution");
    }

    #[test]
    fn a_set_settle_flag_keeps_the_incumbent_with_its_bound() {
        let m = market_split();
        let flag = Arc::new(AtomicBool::new(false));
        let setter = {
            let flag = flag.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                flag.store(true, Ordering::Relaxed);
            })
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let s = MilpSettings { time_limit: Some(120.0), interrupt: Some(cancel), settle: Some(flag), ..settings() };
        let r = m.solve(&s);
        setter.join().unwrap();
        assert!(r.seconds < 60.0, "settled well before the time limit: {:.1} s", r.seconds);
        assert_eq!(r.status, MilpStatus::Limit, "after {:.1} s", r.seconds);
        assert_eq!(r.values.len(), m.n_cols(), "the incumbent is handed back");
        assert!(r.objective.is_finite() && r.bound.is_finite(), "{} {}", r.objective, r.bound);
        assert!(r.bound <= r.objective + 1e-9, "a lower bound of a minimisation: {} > {}", r.bound, r.objective);
        let gap = sanlian_model::optimality::gap(r.objective, r.bound);
        assert!(gap.is_finite() && gap > 0.0, "stopped short of optimality: gap {gap}");
        // The incumbent satisfies every row.
        for row in &m.rows {
            let lhs: f64 = row.terms.iter().map(|&(c, a)| a * r.values[c]).sum();
            assert!(lhs >= row.lb - 1e-6 && lhs <= row.ub + 1e-6, "{} = {lhs}", row.name);
        }
    }

    #[test]
    fn cancel_wins_over_settle() {
        let m = market_split();
        let (cancel, settle) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(true)));
        let setter = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(200));
                cancel.store(true, Ordering::Relaxed);
            })
        };
        // Both set by the time HiGHS looks (the settle flag from the start, so the first
        // incumbent would settle it): the cancel is what counts.
        std::thread::sleep(std::time::Duration::from_millis(250));
        let s = MilpSettings { time_limit: Some(120.0), interrupt: Some(cancel), settle: Some(settle), ..settings() };
        let r = m.solve(&s);
        setter.join().unwrap();
        assert_eq!(r.status, MilpStatus::Cancelled);
        assert!(r.values.is_empty());
    }

    #[test]
    fn a_settle_flag_does_not_stop_a_model_without_an_incumbent() {
        // No incumbent ever exists (an odd right-hand side for even coefficients; its LP is
        // feasible): with the settle flag set from the start HiGHS must go on to its proof
        // of infeasibility rather than stop with nothing.
        let mut m = Milp::new("parity", Direction::Max);
        let x: Vec<Var> = (0..30).map(|i| m.binary(format!("x[{i}]"), 1.0 + i as f64)).collect();
        m.row("odd".into(), x.iter().map(|&v| (v, 2.0)), 31.0, 31.0);
        let s = MilpSettings { settle: Some(Arc::new(AtomicBool::new(true))), lp_first: false, ..settings() };
        assert_eq!(m.solve(&s).status, MilpStatus::Infeasible);
    }

    #[test]
    fn an_unset_interrupt_flag_changes_nothing() {
        let mut m = Milp::new("knap", Direction::Max);
        let x: Vec<Var> = (0..3).map(|i| m.binary(format!("x[{i}]"), [4.0, 5.0, 6.0][i])).collect();
        m.row("cap".into(), x.iter().zip([3.0, 4.0, 5.0]).map(|(x, w)| (*x, w)), f64::NEG_INFINITY, 8.0);
        let s = MilpSettings { interrupt: Some(Arc::new(AtomicBool::new(false))), lp_first: false, ..settings() };
        let r = m.solve(&s);
        assert_eq!(r.status, MilpStatus::Optimal);
        assert!((r.objective - 10.0).abs() < 1e-9, "{}", r.objective);
    }

    #[test]
    fn empty_rows_that_exclude_zero_are_infeasible() {
        let mut m = Milp::new("empty", Direction::Min);
        m.row("need1".into(), [], 1.0, f64::INFINITY);
        assert_eq!(m.solve(&settings()).status, MilpStatus::Infeasible);
        let mut m = Milp::new("fine", Direction::Min);
        m.row("free".into(), [], f64::NEG_INFINITY, 0.0);
        assert_eq!(m.solve(&settings()).status, MilpStatus::Optimal);
    }

    #[test]
    fn repeated_terms_of_a_row_are_added_up() {
        let mut m = Milp::new("dup", Direction::Max);
        let x = m.col("x".into(), 0.0, 10.0, true, 1.0);
        let y = m.col("y".into(), 0.0, 10.0, true, 1.0);
        m.row("cap".into(), [(y, 1.0), (x, 1.0), (y, 2.0), (x, 1.0)], f64::NEG_INFINITY, 6.0);
        assert_eq!(m.rows[0].terms, vec![(0, 2.0), (1, 3.0)]);
        let r = m.solve(&settings());
        assert_eq!(r.status, MilpStatus::Optimal);
        assert!((r.objective - 3.0).abs() < 1e-9, "2x + 3y ≤ 6 allows x + y = 3: {}", r.objective);
    }

    #[test]
    fn one_os_thread_may_change_its_thread_count() {
        let mut m = Milp::new("knap", Direction::Max);
        let x: Vec<Var> = (0..6).map(|i| m.binary(format!("x[{i}]"), 1.0 + i as f64)).collect();
        m.row("cap".into(), x.iter().map(|&v| (v, 2.0)), f64::NEG_INFINITY, 7.0);
        for threads in [2, 1, 3, 1] {
            let r = m.solve(&MilpSettings { threads, lp_first: false, ..settings() });
            assert_eq!(r.status, MilpStatus::Optimal, "{threads} threads");
            assert!((r.objective - 15.0).abs() < 1e-9);
        }
    }

    #[test]
    fn duals_follow_highs_convention_in_both_senses() {
        // min x + 2y s.t. x + y >= 3, x <= 2: optimum x = 2, y = 1, value 4; dual of the
        // covering row is 2 (reduced cost of y: 2 - 2 = 0), of the cap row -1.
        let mut m = Milp::new("lp", Direction::Min);
        let x = m.col("x".into(), 0.0, 10.0, true, 1.0);
        let y = m.col("y".into(), 0.0, 10.0, true, 2.0);
        m.row("cover".into(), [(x, 1.0), (y, 1.0)], 3.0, f64::INFINITY);
        m.row("cap".into(), [(x, 1.0)], f64::NEG_INFINITY, 2.0);
        let r = m.solve(&settings());
        let d = r.duals.expect("integral LP: duals");
        assert!((d[0] - 2.0).abs() < 1e-9 && (d[1] + 1.0).abs() < 1e-9, "{d:?}");
        // max x + 2y s.t. x + y <= 3, y <= 2: optimum y = 2, x = 1, value 5; duals 1 and 1.
        let mut m = Milp::new("lp", Direction::Max);
        let x = m.col("x".into(), 0.0, 10.0, true, 1.0);
        let y = m.col("y".into(), 0.0, 10.0, true, 2.0);
        m.row("cap".into(), [(x, 1.0), (y, 1.0)], f64::NEG_INFINITY, 3.0);
        m.row("ycap".into(), [(y, 1.0)], f64::NEG_INFINITY, 2.0);
        let r = m.solve(&settings());
        let d = r.duals.expect("integral LP: duals");
        assert!((d[0] - 1.0).abs() < 1e-9 && (d[1] - 1.0).abs() < 1e-9, "{d:?}");
    }

    /// Does `values` hold every row and bound of `m`, integer columns whole?
    fn holds(m: &Milp, values: &[f64]) -> bool {
        let tol = 1e-6;
        values.len() == m.cols.len()
            && m.cols.iter().zip(values).all(|(c, &v)| {
                v >= c.lb - tol && v <= c.ub + tol && (!c.integer || (v - v.round()).abs() <= INTEGRALITY)
            })
            && m.rows.iter().all(|r| {
                let a: f64 = r.terms.iter().map(|&(c, k)| k * values[c]).sum();
                a >= r.lb - tol && a <= r.ub + tol
            })
    }

    /// Cover the edges of an odd cycle (5 vertices) with the fewest vertices: the relaxation
    /// puts ½ on each (2.5), the MILP needs 3.
    fn odd_cycle_cover() -> Milp {
        let mut m = Milp::new("cycle", Direction::Min);
        let x: Vec<Var> = (0..5).map(|i| m.binary(format!("x[{i}]"), 1.0)).collect();
        for i in 0..5 {
            m.row(format!("edge[{i}]"), [(x[i], 1.0), (x[(i + 1) % 5], 1.0)], 1.0, f64::INFINITY);
        }
        m
    }

    #[test]
    fn a_dive_from_a_half_integral_relaxation_ends_at_a_feasible_point() {
        let m = odd_cycle_cover();
        let lp = m.solve_relaxation(&settings());
        assert!((lp.objective - 2.5).abs() < 1e-9, "the relaxation is fractional: {}", lp.objective);
        let start = m.incumbent_near(&settings()).expect("a dive finds a cover");
        assert!(holds(&m, &start), "{start:?}");
        let r = m.solve(&settings());
        assert_eq!(r.status, MilpStatus::Optimal);
        assert!((r.objective - 3.0).abs() < 1e-9 && (r.bound - 3.0).abs() < 1e-6, "{} {}", r.objective, r.bound);
    }

    #[test]
    fn a_dive_that_finds_no_point_leaves_the_milp_to_say_infeasible() {
        // 2x + 2y = 3 has relaxed solutions and no integer one.
        let mut m = Milp::new("odd", Direction::Min);
        let x = m.col("x".into(), 0.0, 5.0, true, 1.0);
        let y = m.col("y".into(), 0.0, 5.0, true, 1.0);
        m.row("odd".into(), [(x, 2.0), (y, 2.0)], 3.0, 3.0);
        assert!(m.incumbent_near(&settings()).is_none());
        assert_eq!(m.solve(&settings()).status, MilpStatus::Infeasible);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Generated covering models with integer counts (rows Σ a·n ≥ b with a in {1, 2}, as
        /// H7 has, and per-class totals as H1): the dive's point, when there is one, holds
        /// every row, and the solve that starts from it reaches HiGHS's optimum without a start.
        #[test]
        fn a_dive_start_changes_no_optimum(
            classes in proptest::collection::vec((1u32..4, proptest::collection::vec((0usize..6, 1u32..3, 1u32..40), 1..4)), 2..8),
            needs in proptest::collection::vec(1u32..7, 6),
        ) {
            let mut m = Milp::new("cover", Direction::Min);
            let mut rows: Vec<Vec<(Var, f64)>> = vec![Vec::new(); 6];
            for (q, (size, cols)) in classes.iter().enumerate() {
                let mut h1 = Vec::new();
                for (i, &(k, a, cost)) in cols.iter().enumerate() {
                    let v = m.col(format!("n[{q},{k},{i}]"), 0.0, f64::from(*size), true, f64::from(cost));
                    rows[k].push((v, f64::from(a)));
                    h1.push((v, 1.0));
                }
                m.row(format!("H1[{q}]"), h1, f64::from(*size), f64::from(*size));
            }
            for (k, terms) in rows.into_iter().enumerate() {
                if !terms.is_empty() {
                    m.row(format!("H7[{k}]"), terms, f64::from(needs[k]), f64::INFINITY);
                }
            }
            if let Some(start) = m.incumbent_near(&settings()) {
                proptest::prop_assert!(holds(&m, &start), "{:?}", start);
            }
            let with = m.solve(&settings());
            let without = m.solve(&MilpSettings { lp_first: false, ..settings() });
            proptest::prop_assert_eq!(&with.status, &without.status);
            if with.status == MilpStatus::Optimal {
                proptest::prop_assert!(holds(&m, &with.values));
                proptest::prop_assert!((with.objective - without.objective).abs() < 1e-6, "{} {}", with.objective, without.objective);
            }
        }
    }

    #[test]
    fn infeasible_is_reported() {
        let mut m = Milp::new("inf", Direction::Min);
        let x = m.binary("x".into(), 1.0);
        m.row("need2".into(), [(x, 1.0)], 2.0, f64::INFINITY);
        assert_eq!(m.solve(&settings()).status, MilpStatus::Infeasible);
    }
}
