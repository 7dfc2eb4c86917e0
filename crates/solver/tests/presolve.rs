//! HiGHS 1.16's MIP presolve declared this best-effort S1 model infeasible once B2 was held
//! at 2 — though B2's own solution satisfies it — so that the solve ended "no plan exists
//! even in best-effort mode". (Found by `tests/stages_brute_force.rs`, whose enumeration of
//! every grouping gives B1–B3 = 14, 2, 3.) An infeasible MIP is now confirmed without
//! presolve, which solves it.

use sanlian_model::{Instance, PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

#[test]
fn a_feasible_goal_model_is_not_declared_infeasible() {
    let inst = Instance::from_json(include_str!("presolve_b3.json")).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    let sol = solve(&prep, &SolveOptions { mode: PlanMode::BestEffort, ..SolveOptions::default() }).expect("a plan");
    let Outcome::Planned(plan) = sol.outcome else { panic!("best-effort always plans") };
    let goal = |id: &str| plan.stages.iter().find(|s| s.id == id).map(|s| s.objective);
    assert_eq!((goal("B1"), goal("B2"), goal("B3")), (Some(14.0), Some(2.0), Some(3.0)));
    let report = sanlian_check::check(&inst, &plan).unwrap();
    assert!(report.rule_violations().is_empty(), "{:?}", report.violations);
}
