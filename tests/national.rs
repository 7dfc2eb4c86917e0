//! The national-size scenario (issue 4, "Scale"): a sample of the 31
//! synthetic provinces is strict-feasible, and the plans pass the checker.
//! (All 31 are solved by `benches/national.rs` and `examples/national.rs`;
//! determinism and totals are tested in `crates/gen/tests/national.rs`.)

use std::path::Path;

use sanlian_gen::national::national;
use sanlian_model::Prepared;
use sanlian_solver::{solve, Outcome, SolveOptions};

#[test]
fn sampled_provinces_are_strict_feasible_and_checker_valid() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shandong/data");
    let region = sanlian_gen::load_region(&data).unwrap().region;
    let set = national(&region, 1);
    let opts = SolveOptions { threads: 1, ..SolveOptions::default() };
    for i in [0, 1, 15, 30] {
        let inst = &set[i];
        let prep = Prepared::new(inst).unwrap_or_else(|e| panic!("province {i}: {e}"));
        let Outcome::Planned(plan) = solve(&prep, &opts).unwrap().outcome else {
            panic!("province {i} ({}) is infeasible in strict mode", inst.region.province.name);
        };
        let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
        assert!(report.is_valid(), "province {i}: {:?}", report.violations);
        assert_eq!(plan.coverage.total, inst.region.townships.len());
        assert!(plan.stages.iter().all(|s| s.proven_optimal), "province {i}");
    }
}
