//! Lexicographic optima proved by bounds alone, without HiGHS.
//!
//! Re-planning's models mostly ask "can everything stay as it was?": a goal that counts kept
//! decisions reaches its bound when every one of them is kept, and the rows then leave nothing
//! else to choose. [`Milp::optimum_by_bounds`] finds those answers by domain propagation
//! (activity bounds on every row) and proves them by the goals' own bounds, so that a model
//! whose answer is "as before" costs microseconds instead of a HiGHS run.

use std::time::Instant;

use super::{Direction, Goal, Milp, MilpResult, Terms};

/// Feasibility tolerance of the final point, relative to the row bound.
const TOL: f64 = 1e-7;

/// A bound counts as tightened when it moves by more than this.
const MOVED: f64 = 1e-9;

impl Milp {
    /// A lexicographic optimum of `goals` proved by bounds alone, or `None`.
    ///
    /// Goal by goal, every column of the goal is put at the bound that is best for the goal —
    /// no point does better there, so every point optimal for the goals so far lies there —
    /// and the implications are propagated through the rows. If that leaves a point (each
    /// column fixed, or free and put at a finite bound) that holds every row and bound, the
    /// point reaches each goal's bound over the points optimal for the goals before it: it is
    /// a lexicographic optimum. The answer is each goal's value at the point and the point,
    /// as [`Milp::solve_goals_warm`] gives them (the result's objective is the model's own at
    /// the point); `None` when a goal's best bound is infinite, the propagation meets a
    /// contradiction, or the point breaks a row — then solve the model.
    pub fn optimum_by_bounds(&self, goals: &[Goal]) -> Option<(Vec<f64>, MilpResult)> {
        let start = Instant::now();
        let mut lb: Vec<f64> = self.cols.iter().map(|c| c.lb).collect();
        let mut ub: Vec<f64> = self.cols.iter().map(|c| c.ub).collect();
        let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); self.cols.len()];
        for (r, row) in self.rows.iter().enumerate() {
            for &(c, _) in &row.terms {
                rows_of[c].push(r);
            }
        }
        // Every row first: the rows alone may rule out a goal's best bound (a presence that no
        // column left free can give), which the goal must not then assume.
        let mut queue = Propagation::new(self.rows.len());
        (0..self.rows.len()).for_each(|r| queue.push(r));
        if !self.propagate(&mut lb, &mut ub, &rows_of, &mut queue) {
            return None;
        }
        for (_, direction, terms, _) in goals {
            for (c, a) in merged(terms) {
                let best = if (a > 0.0) == (*direction == Direction::Max) { ub[c] } else { lb[c] };
                if !best.is_finite() {
                    return None;
                }
                if lb[c] != best || ub[c] != best {
                    (lb[c], ub[c]) = (best, best);
                    rows_of[c].iter().for_each(|&r| queue.push(r));
                }
            }
            if !self.propagate(&mut lb, &mut ub, &rows_of, &mut queue) {
                return None;
            }
        }
        let point: Vec<f64> = lb
            .iter()
            .zip(&ub)
            .map(|(&l, &u)| {
                if l.is_finite() {
                    l
                } else if u.is_finite() {
                    u
                } else {
                    0.0_f64.clamp(l, u)
                }
            })
            .collect();
        let holds = |v: f64, lo: f64, hi: f64| v >= lo - TOL * (1.0 + lo.abs()) && v <= hi + TOL * (1.0 + hi.abs());
        let integral = self.cols.iter().zip(&point).all(|(c, v)| !c.integer || v.fract() == 0.0);
        let rows_hold = self.rows.iter().all(|row| {
            let activity: f64 = row.terms.iter().map(|&(c, a)| a * point[c]).sum();
            holds(activity, row.lb, row.ub)
        });
        if !integral || !rows_hold {
            return None;
        }
        let values: Vec<f64> = goals
            .iter()
            .map(|(_, _, terms, offset)| terms.iter().map(|&(v, a)| a * point[v.0]).sum::<f64>() + offset)
            .collect();
        let objective = self.objective_of(&point);
        let seconds = start.elapsed().as_secs_f64();
        Some((values, MilpResult::proved(point, objective, self.rows.len(), self.cols.len(), seconds)))
    }

    /// Tighten `lb`/`ub` by the rows in `queue` until nothing moves (or a budget of row visits
    /// is spent: the bounds are then still valid, only less tight); `false` on a contradiction.
    ///
    /// For a row `L ≤ Σ a·x ≤ U` with minimum activity `min` (every term at its lower end),
    /// each term's `a·x ≤ U − (min − its own lower end)`, and likewise from `L` and the
    /// maximum activity; integer columns round inwards.
    fn propagate(&self, lb: &mut [f64], ub: &mut [f64], rows_of: &[Vec<usize>], queue: &mut Propagation) -> bool {
        let mut budget = 20 * self.rows.len() + 100;
        while let Some(r) = queue.pop() {
            if budget == 0 {
                queue.clear();
                return true;
            }
            budget -= 1;
            let row = &self.rows[r];
            let (mut min, mut max, mut min_inf, mut max_inf) = (0.0, 0.0, 0usize, 0usize);
            for &(c, a) in &row.terms {
                let (lo, hi) = ends(lb, ub, c, a);
                if lo.is_finite() {
                    min += lo
                } else {
                    min_inf += 1
                }
                if hi.is_finite() {
                    max += hi
                } else {
                    max_inf += 1
                }
            }
            if (min_inf == 0 && min > row.ub + TOL * (1.0 + row.ub.abs()))
                || (max_inf == 0 && max < row.lb - TOL * (1.0 + row.lb.abs()))
            {
                return false;
            }
            for &(c, a) in &row.terms {
                if a == 0.0 {
                    continue;
                }
                let (lo, hi) = ends(lb, ub, c, a);
                let (mut new_lb, mut new_ub) = (lb[c], ub[c]);
                // a·x ≤ U − (min − lo)
                if row.ub.is_finite() && min_inf == 0 {
                    let limit = (row.ub - (min - lo)) / a;
                    if a > 0.0 {
                        new_ub = new_ub.min(limit)
                    } else {
                        new_lb = new_lb.max(limit)
                    }
                }
                // a·x ≥ L − (max − hi)
                if row.lb.is_finite() && max_inf == 0 {
                    let limit = (row.lb - (max - hi)) / a;
                    if a > 0.0 {
                        new_lb = new_lb.max(limit)
                    } else {
                        new_ub = new_ub.min(limit)
                    }
                }
                if self.cols[c].integer {
                    new_lb = (new_lb - 1e-6).ceil();
                    new_ub = (new_ub + 1e-6).floor();
                }
                if new_lb > new_ub + TOL * (1.0 + new_ub.abs()) {
                    return false;
                }
                let moved = new_lb > lb[c] + MOVED || new_ub < ub[c] - MOVED;
                if moved {
                    lb[c] = new_lb.max(lb[c]);
                    ub[c] = new_ub.min(ub[c]).max(lb[c]);
                    rows_of[c].iter().filter(|&&q| q != r).for_each(|&q| queue.push(q));
                }
            }
        }
        true
    }
}

/// The lower and upper end of the term `a·x[c]` over the bounds.
fn ends(lb: &[f64], ub: &[f64], c: usize, a: f64) -> (f64, f64) {
    if a > 0.0 {
        (a * lb[c], a * ub[c])
    } else {
        (a * ub[c], a * lb[c])
    }
}

/// A goal's terms with repeated columns added up, zero coefficients left out.
fn merged(terms: &Terms) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = terms.iter().map(|&(v, a)| (v.0, a)).collect();
    super::add_up(&mut out);
    out.retain(|&(_, a)| a != 0.0);
    out
}

/// Rows waiting to be propagated, each at most once.
struct Propagation {
    rows: Vec<usize>,
    queued: Vec<bool>,
}

impl Propagation {
    fn new(n: usize) -> Self {
        Propagation { rows: Vec::new(), queued: vec![false; n] }
    }

    fn push(&mut self, r: usize) {
        if !self.queued[r] {
            self.queued[r] = true;
            self.rows.push(r);
        }
    }

    fn pop(&mut self) -> Option<usize> {
        let r = self.rows.pop()?;
        self.queued[r] = false;
        Some(r)
    }

    fn clear(&mut self) {
        self.rows.iter().for_each(|&r| self.queued[r] = false);
        self.rows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Direction, Goal, Milp, MilpSettings, Var};

    /// Two cadres, two townships: keep cadre a on township 1 (goal 1), then most matches.
    fn keep_model(keep_a_on: usize) -> (Milp, Vec<Goal>) {
        let mut m = Milp::new("keep", Direction::Max);
        let t: Vec<Vec<Var>> = (0..2).map(|c| (0..2).map(|i| m.binary(format!("t[{c},{i}]"), 0.0)).collect()).collect();
        for (c, ts) in t.iter().enumerate() {
            m.row(format!("one[{c}]"), ts.iter().map(|&v| (v, 1.0)), 1.0, 1.0);
        }
        for i in 0..2 {
            m.row(format!("cover[{i}]"), [(t[0][i], 1.0), (t[1][i], 1.0)], 1.0, f64::INFINITY);
        }
        let goals = vec![
            ("keep", Direction::Max, vec![(t[0][keep_a_on], 1.0)], 0.0),
            ("match", Direction::Max, vec![(t[0][0], 3.0), (t[1][0], 1.0), (t[1][1], 2.0)], 0.0),
        ];
        (m, goals)
    }

    #[test]
    fn a_kept_decision_that_fixes_everything_is_proved_without_highs() {
        let (m, goals) = keep_model(1);
        let (values, r) = m.optimum_by_bounds(&goals).expect("keeping a on 1 forces b on 0");
        assert_eq!(values, vec![1.0, 1.0]);
        assert_eq!(r.values, vec![0.0, 1.0, 1.0, 0.0]);
        // The same answer as HiGHS goal by goal.
        let mut held = m.clone();
        held.set_objective(Direction::Max, goals[0].2.clone(), 0.0);
        held.row("keep_fixed".into(), goals[0].2.clone(), 1.0, f64::INFINITY);
        held.set_objective(Direction::Max, goals[1].2.clone(), 0.0);
        assert_eq!(held.solve(&MilpSettings::default()).objective, values[1]);
    }

    #[test]
    fn a_goal_left_with_a_choice_is_left_to_highs() {
        // Without the keep goal, the match goal's best bound puts b on both townships, which
        // breaks one[1]: the optimum is a choice, HiGHS's to make.
        let (m, mut goals) = keep_model(0);
        goals.remove(0);
        assert!(m.optimum_by_bounds(&goals).is_none());
    }

    #[test]
    fn a_goal_whose_best_breaks_a_row_is_left_to_highs() {
        let mut m = Milp::new("cap", Direction::Max);
        let x: Vec<Var> = (0..3).map(|i| m.binary(format!("x{i}"), 0.0)).collect();
        m.row("cap".into(), x.iter().map(|&v| (v, 1.0)), f64::NEG_INFINITY, 2.0);
        let goals = vec![("all", Direction::Max, x.iter().map(|&v| (v, 1.0)).collect(), 0.0)];
        assert!(m.optimum_by_bounds(&goals).is_none());
    }

    #[test]
    fn propagation_follows_integer_rows_and_minimisation() {
        // min (1 − k) with k ≤ n, n + m = 4 and m ≥ 4k (n, m integers in 0..=5): k = 1 forces
        // m ≥ 4, so n ≤ 0, which breaks k ≤ n: the best bound is out of reach.
        let mut m = Milp::new("int", Direction::Min);
        let k = m.binary("k".into(), 0.0);
        let n = m.col("n".into(), 0.0, 5.0, true, 0.0);
        let mm = m.col("m".into(), 0.0, 5.0, true, 0.0);
        m.row("k_le_n".into(), [(k, 1.0), (n, -1.0)], f64::NEG_INFINITY, 0.0);
        m.row("sum".into(), [(n, 1.0), (mm, 1.0)], 4.0, 4.0);
        m.row("m_big".into(), [(mm, 1.0), (k, -4.0)], 0.0, f64::INFINITY);
        let goals = vec![("keep", Direction::Min, vec![(k, -1.0)], 1.0)];
        assert!(m.optimum_by_bounds(&goals).is_none());
        // With room (n + m = 5) the point k = 1, n = 1, m = 4 follows from the rows alone.
        m.truncate_rows(1);
        m.row("sum".into(), [(n, 1.0), (mm, 1.0)], 5.0, 5.0);
        m.row("m_big".into(), [(mm, 1.0), (k, -4.0)], 0.0, f64::INFINITY);
        m.row("n_small".into(), [(n, 1.0)], f64::NEG_INFINITY, 1.0);
        let (values, r) = m.optimum_by_bounds(&goals).expect("k = 1 forces n = 1 and m = 4");
        assert_eq!(values, vec![0.0]);
        assert_eq!(r.values, vec![1.0, 1.0, 4.0]);
    }
}
