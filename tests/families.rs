//! The instance families of the benchmark (`sanlian_gen::families`): each one is solved in
//! strict mode, proven optimal stage by stage and valid in the checker; on the family whose S1
//! relaxation is fractional, the engine's S1 (aggregated classes, LP first, a dived start)
//! equals the plain one-variable-per-cadre model that HiGHS solves on its own.

use sanlian_gen::families::{family, Family};
use sanlian_model::{Instance, Plan, Prepared, Region};
use sanlian_solver::{solve, Formulation, Outcome, SolveOptions};

fn region() -> Region {
    let dir = format!("{}/fixtures/shandong/data", env!("CARGO_MANIFEST_DIR"));
    sanlian_gen::load_region(std::path::Path::new(&dir)).expect("the Shandong data").region
}

fn planned(inst: &Instance, opts: &SolveOptions) -> Plan {
    let prep = Prepared::new(inst).expect("a family's instance is valid");
    let Outcome::Planned(plan) = solve(&prep, opts).expect("solves").outcome else {
        panic!("{}: every family is feasible in strict mode", inst.name)
    };
    let report = sanlian_check::check(inst, &plan).expect("a valid instance");
    assert!(report.is_valid(), "{}: {:?}", inst.name, report.violations);
    for st in &plan.stages {
        assert!(st.proven_optimal, "{}: stage {} is not proven optimal (gap {})", inst.name, st.id, st.gap);
    }
    *plan
}

#[test]
fn every_shandong_size_family_is_solved_proven_and_valid() {
    let region = region();
    for f in Family::ALL.into_iter().filter(|&f| f != Family::Merged) {
        planned(&family(&region, f, 1), &SolveOptions::default());
    }
}

#[test]
fn one_year_cadres_s1_equals_the_plain_model_solved_by_highs() {
    let inst = family(&region(), Family::OneYear, 1);
    let s1 = |plan: &Plan| plan.stages.iter().find(|s| s.id == "S1").expect("an S1 stage").objective;
    let ours = planned(&inst, &SolveOptions::default());
    let plain =
        SolveOptions { formulation: Formulation::Plain, lp_first: false, mip_rel_gap: 1e-6, ..SolveOptions::default() };
    let theirs = planned(&inst, &plain);
    assert!((s1(&ours) - s1(&theirs)).abs() < 1e-6 * s1(&theirs).abs(), "{} vs {}", s1(&ours), s1(&theirs));
}
