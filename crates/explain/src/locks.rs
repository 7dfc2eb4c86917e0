//! What each of the planner's locks costs: the optimum with every lock against the optimum
//! without that one lock — the stage values' differences and how many other cadres are in
//! another group ("锁定 P012 在历下区：分组费用 +¥1,240，另有 2 人因此换组").

use rayon::prelude::*;
use serde::Serialize;

use sanlian_model::{Plan, Prepared};

use crate::{resolve_options, Counterfactuals};

/// One lock's price.
#[derive(Debug, Clone, Serialize)]
pub struct LockCost {
    /// Index in the instance's `locks`.
    pub lock: usize,
    /// Its rule id, P1–P9.
    pub rule: String,
    /// The cadre it names.
    pub cadre: String,
    /// S1 of the optimum with every lock minus S1 of the optimum without this one (yuan,
    /// ≥ 0); `None` when the re-solve was left out by the request's limit.
    pub s1_delta: Option<f64>,
    /// The same for S2, S3a and S3b (the later stages, maximised: ≤ 0 when the lock costs).
    pub later_deltas: Option<[f64; 3]>,
    /// Other cadres in another group in the two optima.
    pub others_moved: Option<usize>,
    /// Left out by the request's limit of re-solves.
    pub skipped: bool,
}

fn stage(plan: &Plan, id: &str) -> f64 {
    plan.stages.iter().find(|s| s.id == id).map_or(0.0, |s| s.objective)
}

/// Each cadre's county in a plan.
fn counties(plan: &Plan) -> std::collections::BTreeMap<&str, &str> {
    plan.assignments.iter().map(|a| (a.cadre.as_str(), a.county.as_str())).collect()
}

/// The price of every lock (the locks of `only`'s cadre, if given): one optimal re-solve
/// without each, in parallel, compared with `optimum` (the instance's optimal plan with
/// every lock). Re-solves beyond the budget are left out and marked.
pub fn lock_costs(prep: &Prepared, optimum: &Plan, only: Option<usize>, budget: &mut Counterfactuals) -> Vec<LockCost> {
    let inst = prep.inst;
    let wanted: Vec<usize> =
        (0..inst.locks.len()).filter(|&i| only.is_none_or(|c| inst.locks[i].cadre == inst.cadres[c].id)).collect();
    let granted: Vec<(usize, bool)> = wanted.iter().map(|&i| (i, budget.grant(1))).collect();
    let base = counties(optimum);
    granted
        .par_iter()
        .map(|&(i, granted)| {
            let lock = &inst.locks[i];
            let mut cost = LockCost {
                lock: i,
                rule: lock.rule().to_string(),
                cadre: lock.cadre.clone(),
                s1_delta: None,
                later_deltas: None,
                others_moved: None,
                skipped: !granted,
            };
            if !granted {
                return cost;
            }
            let mut lifted = inst.clone();
            lifted.locks.remove(i);
            let Ok(p) = Prepared::new(&lifted) else { return cost };
            let Ok(sol) = sanlian_solver::solve(&p, &resolve_options()) else { return cost };
            let sanlian_solver::Outcome::Planned(free) = sol.outcome else { return cost };
            cost.s1_delta = Some(stage(optimum, "S1") - stage(&free, "S1"));
            cost.later_deltas = Some(["S2", "S3a", "S3b"].map(|id| stage(optimum, id) - stage(&free, id)));
            let other = counties(&free);
            cost.others_moved =
                Some(base.iter().filter(|(id, k)| **id != lock.cadre && other.get(*id) != Some(*k)).count());
            cost
        })
        .collect()
}
