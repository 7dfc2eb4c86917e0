//! The small fixture and its optimal strict plan, shared by the explainer's tests.

use sanlian_model::{Instance, Plan, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

/// 东营市 (5 counties, 40 cadres) and its optimal strict plan.
pub fn fixture() -> (Instance, Plan) {
    let path = format!("{}/../../fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    let inst = Instance::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("infeasible") };
    (inst, *plan)
}
