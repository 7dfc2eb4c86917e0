//! S1 counterfactuals on one warm model (issue 16, item 3): the optimal S1 with one cadre
//! fixed into a county, or with one more cadre, answered by changing a few bounds of one S1
//! model kept in HiGHS and re-solving it from its last basis, instead of preparing, classing,
//! building and solving each variant from nothing.
//!
//! The model is built once, on an instance whose roster ends with the what-if cadres (the
//! extras). Each extra is a class of its own whose `H1_assign` row is held at 0 until it is
//! asked for, then at 1: with every extra at 0 the model is the roster's S1 model.
//!
//! Fixing cadre c of class q into county k (`Prepared::restrict(c, &[k])`): when k is one of
//! c's own counties, y[c,k] ≥ 1; otherwise n[q,k] ≥ 1 and c's own columns are 0. Outside
//! their own counties the members of a class are interchangeable, so "a pool member of q in
//! k" is "c in k", and the optimum is that of the restricted instance.
//!
//! Each answer is proven as the stage's is ([`WarmLp::solve_changed`]): an integral optimum
//! of the relaxation is the MILP's; a fractional one is followed by the MILP of the changed
//! model (LP first, the dive, HiGHS) with the stage's gaps.

use sanlian_model::{PlanMode, Prepared};

use crate::groups::{build_with_optional, classes, Class, Model};
use crate::milp::{Var, Warm, WarmLp};
use crate::{Formulation, PROVEN_GAP};

/// A change of the roster's S1 model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Cadre `cadre` may serve only in county `county`.
    Fix {
        /// Cadre index.
        cadre: usize,
        /// County index.
        county: usize,
    },
    /// The what-if cadre `cadre` (an index from the model's `extras_from` on) joins the roster.
    Extra {
        /// Cadre index.
        cadre: usize,
    },
}

/// What a counterfactual re-solve found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Answer {
    /// The optimal S1 of the changed model, and for [`Variant::Extra`] the extra's county: of
    /// the optimal groupings, one where the extra's own S1 coefficient is least.
    Optimal {
        /// Optimal S1 (yuan).
        s1: f64,
        /// The county of the extra cadre in that optimum.
        extra_county: Option<usize>,
    },
    /// The change leaves no strict grouping.
    Infeasible,
    /// HiGHS failed or stopped: solve the variant on its own.
    Unknown,
}

/// The roster's S1 model kept warm for counterfactual re-solves.
pub struct WarmS1 {
    classes: Vec<Class>,
    class_of: Vec<usize>,
    model: Model,
    lp: WarmLp,
    base: f64,
}

impl WarmS1 {
    /// The warm model of `prep`, whose cadres from `extras_from` on are what-if cadres, absent
    /// until asked for. `None` when S1 is not the plain strict minimum (robust planning and
    /// continuity's ε-form add goals to it), when HiGHS refuses the model, or when the roster
    /// has no strict grouping.
    pub fn new(prep: &Prepared, extras_from: usize) -> Option<Self> {
        let p = &prep.inst.parameters;
        if p.robust.is_some() || p.continuity_at_least.is_some() {
            return None;
        }
        let mut classes = classes(prep, Formulation::Aggregated, true);
        let mut apart = Vec::new();
        for class in &mut classes {
            for &e in class.members.iter().filter(|&&c| c >= extras_from) {
                apart.push(Class { members: vec![e], special: Vec::new(), ..class.clone() });
            }
            class.members.retain(|&c| c < extras_from);
            class.special.retain(|&(c, _)| c < extras_from);
        }
        classes.retain(|class| !class.members.is_empty());
        let optional: Vec<bool> = (0..classes.len() + apart.len()).map(|q| q >= classes.len()).collect();
        classes.extend(apart);
        let mut class_of = vec![usize::MAX; prep.n_cadres()];
        for (q, class) in classes.iter().enumerate() {
            for &c in &class.members {
                class_of[c] = q;
            }
        }
        let mut model = build_with_optional(prep, &classes, PlanMode::Strict, &optional);
        for q in (0..classes.len()).filter(|&q| optional[q]) {
            model.milp.set_row_bounds(model.h1_index[q]?, 0.0, 0.0);
        }
        let lp = model.milp.warm_lp(&crate::proving(0.01))?;
        let mut warm = WarmS1 { classes, class_of, model, lp, base: 0.0 };
        match warm.answer(&[], &[], None) {
            Answer::Optimal { s1, .. } => warm.base = s1,
            Answer::Infeasible | Answer::Unknown => return None,
        }
        Some(warm)
    }

    /// The roster's optimal S1, found on this model (the baseline of its answers).
    pub fn base(&self) -> f64 {
        self.base
    }

    /// The optimal S1 under one change.
    pub fn solve(&mut self, what: Variant) -> Answer {
        match what {
            Variant::Fix { cadre: c, county: k } => {
                let q = self.class_of[c];
                let class = &self.classes[q];
                if !class.eligible.contains(&k) {
                    return Answer::Infeasible;
                }
                if self.model.n[q].is_empty() && class.forced().is_some() {
                    // A forced member is in its only county already.
                    return self.answer(&[], &[], None);
                }
                let own: Vec<(usize, Var)> =
                    self.model.special[q].iter().filter(|&&(m, _, _)| m == c).map(|&(_, k, v)| (k, v)).collect();
                let cols: Vec<(Var, f64, f64)> = match own.iter().find(|&&(x, _)| x == k) {
                    Some(&(_, y)) => vec![(y, 1.0, 1.0)],
                    None => {
                        let Some(&(_, n)) = self.model.n[q].iter().find(|&&(x, _)| x == k) else {
                            return Answer::Unknown;
                        };
                        let (_, ub) = self.model.milp.col_bounds(n);
                        std::iter::once((n, 1.0, ub)).chain(own.iter().map(|&(_, y)| (y, 0.0, 0.0))).collect()
                    }
                };
                self.answer(&cols, &[], None)
            }
            Variant::Extra { cadre: e } => {
                let q = self.class_of[e];
                let Some(row) = self.model.h1_index.get(q).copied().flatten() else { return Answer::Unknown };
                if self.classes[q].eligible.is_empty() {
                    return Answer::Infeasible;
                }
                let joined = [(row, 1.0, 1.0)];
                let found = self.answer(&[], &joined, Some(q));
                let Answer::Optimal { s1, extra_county: Some(at) } = found else { return found };
                let class = &self.classes[q];
                let own: Vec<(usize, f64)> = class.eligible.iter().copied().zip(class.coef.iter().copied()).collect();
                let columns = self.model.n[q].clone();
                let (s1, k) = least_own_optimum(s1, at, &own, |k| {
                    let &(_, v) = columns.iter().find(|&&(x, _)| x == k)?;
                    match self.answer(&[(v, 1.0, 1.0)], &joined, None) {
                        Answer::Optimal { s1, .. } => Some(s1),
                        Answer::Infeasible | Answer::Unknown => None,
                    }
                });
                Answer::Optimal { s1, extra_county: Some(k) }
            }
        }
    }

    /// Solve with the bounds `cols` and `rows` changed: warm relaxation first, the MILP of the
    /// changed model when it is fractional.
    fn answer(&mut self, cols: &[(Var, f64, f64)], rows: &[(usize, f64, f64)], extra: Option<usize>) -> Answer {
        let values = match self.lp.solve_changed(&self.model.milp, cols, rows) {
            Warm::Optimal(values) => values,
            Warm::Infeasible => return Answer::Infeasible,
            Warm::Failed => return Answer::Unknown,
        };
        let extra_county =
            extra.and_then(|q| self.model.class_columns(q).find(|&(_, v)| values[v.0] > 0.5)).map(|x| x.0);
        Answer::Optimal { s1: self.model.milp.objective_of(&values), extra_county }
    }
}

/// Of the optimal groupings with a new cadre, one where its own S1 coefficient is least: given
/// the optimum `s1` found with it in county `at`, and its coefficient in each county it may
/// join (`own`), the counties where it costs less are tried cheapest first (then in county
/// order) with it fixed there (`s1_there`), and the first whose optimum is `s1` to the proven
/// gap is taken. The optimum and the county, `(s1, at)` when none is.
pub fn least_own_optimum(
    s1: f64,
    at: usize,
    own: &[(usize, f64)],
    mut s1_there: impl FnMut(usize) -> Option<f64>,
) -> (f64, usize) {
    let cost = |k: usize| own.iter().find(|&&(x, _)| x == k).map_or(f64::INFINITY, |&(_, c)| c);
    let mut cheaper: Vec<(f64, usize)> = own.iter().filter(|&&(_, c)| c < cost(at)).map(|&(k, c)| (c, k)).collect();
    cheaper.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let tie = PROVEN_GAP * s1.abs().max(1.0);
    cheaper
        .into_iter()
        .find_map(|(_, k)| s1_there(k).filter(|&there| there <= s1 + tie).map(|there| (there.min(s1), k)))
        .unwrap_or((s1, at))
}
