//! The Shandong fixture in strict mode: a valid plan, every stage proven optimal.

use sanlian_model::{Instance, Prepared};
use sanlian_solver::{solve, Formulation, Outcome, SolveOptions};

fn fixture(name: &str) -> Instance {
    let path = format!("{}/fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

#[test]
fn shandong_strict_is_valid_and_proven_optimal() {
    let inst = fixture("shandong");
    let prep = Prepared::new(&inst).expect("fixture validates");
    assert_eq!(inst.region.counties.len(), 136);
    assert_eq!(inst.region.townships.len(), 1807);
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else {
        panic!("the Shandong fixture must be feasible in strict mode");
    };
    let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(plan.coverage.total, 1807);
    let ids: Vec<&str> = plan.stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["S1", "S2", "S3a", "S3b"]);
    for st in &plan.stages {
        assert!(st.proven_optimal, "{} gap {}", st.id, st.gap);
    }
}

#[test]
fn plain_and_aggregated_formulations_agree_on_shandong_s1() {
    let inst = fixture("shandong");
    let prep = Prepared::new(&inst).unwrap();
    let s1 = |f: Formulation| {
        let opts = SolveOptions { formulation: f, ..SolveOptions::default() };
        let Outcome::Planned(plan) = solve(&prep, &opts).unwrap().outcome else { panic!("feasible") };
        plan.stages[0].objective
    };
    let (a, p) = (s1(Formulation::Aggregated), s1(Formulation::Plain));
    assert!((a - p).abs() <= 1e-6 * a.abs(), "aggregated {a} plain {p}");
}

#[test]
fn small_fixture_is_feasible_and_infeasible_fixture_has_certificates() {
    let inst = fixture("small");
    let prep = Prepared::new(&inst).unwrap();
    assert!(matches!(solve(&prep, &SolveOptions::default()).unwrap().outcome, Outcome::Planned(_)));
    let inst = fixture("infeasible");
    let prep = Prepared::new(&inst).unwrap();
    let Outcome::Infeasible(certs) = solve(&prep, &SolveOptions::default()).unwrap().outcome else {
        panic!("the infeasible fixture must be infeasible");
    };
    assert!(!certs.is_empty());
}
