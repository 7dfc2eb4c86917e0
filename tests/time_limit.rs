//! The time limit on the Shandong fixture: a tight limit gives either a clean
//! "out of time" error or a plan the checker accepts, never an invalid plan or
//! a false "infeasible"; a generous limit gives a plan proven optimal stage by stage.

use sanlian_model::{Instance, Prepared, StageStatus};
use sanlian_solver::{solve, Outcome, SolveError, SolveOptions};

fn shandong() -> Instance {
    let path = format!("{}/fixtures/shandong/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

/// What a solve under `limit` seconds ended with: `None` for the time-limit error, else the plan's stage ids.
fn solve_within(prep: &Prepared, limit: f64) -> Option<Vec<String>> {
    let opts = SolveOptions { time_limit: Some(limit), ..Default::default() };
    match solve(prep, &opts) {
        Err(SolveError::TimeLimit { stage }) => {
            assert!(["S1", "S2", "S3a"].contains(&stage), "unexpected stage {stage}");
            None
        }
        Err(other) => panic!("limit {limit}: only a time-limit error is acceptable, got: {other}"),
        Ok(solution) => match solution.outcome {
            Outcome::Infeasible(certs) => {
                panic!("limit {limit}: the feasible fixture was called infeasible: {certs:?}")
            }
            Outcome::Planned(plan) => {
                let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
                assert!(report.is_valid(), "limit {limit}: the checker rejects the plan: {:?}", report.violations);
                assert_eq!(plan.coverage.total, plan.coverage.townships);
                for st in &plan.stages {
                    // A stage is either proven optimal or says it was stopped by the limit.
                    assert_eq!(st.proven_optimal, st.status == StageStatus::Optimal, "limit {limit}: {st:?}");
                    assert!(st.gap >= 0.0 && st.gap.is_finite(), "limit {limit}: {st:?}");
                }
                Some(plan.stages.iter().map(|s| s.id.clone()).collect())
            }
        },
    }
}

#[test]
fn a_tight_limit_gives_an_error_or_a_valid_plan() {
    let inst = shandong();
    let prep = Prepared::new(&inst).expect("fixture validates");
    for limit in [1e-3, 0.05, 0.2] {
        if let Some(stages) = solve_within(&prep, limit) {
            assert_eq!(stages, ["S1", "S2", "S3a", "S3b"], "limit {limit}");
        }
    }
}

#[test]
fn a_generous_limit_gives_a_plan_proven_optimal() {
    let inst = shandong();
    let prep = Prepared::new(&inst).expect("fixture validates");
    let opts = SolveOptions { time_limit: Some(30.0), ..Default::default() };
    let Outcome::Planned(plan) = solve(&prep, &opts).expect("30 s is plenty").outcome else {
        panic!("the Shandong fixture is feasible in strict mode");
    };
    let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
    assert!(report.is_valid(), "{:?}", report.violations);
    let ids: Vec<&str> = plan.stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["S1", "S2", "S3a", "S3b"]);
    for st in &plan.stages {
        assert!(st.proven_optimal, "{} gap {}", st.id, st.gap);
        assert_eq!(st.status, StageStatus::Optimal, "{}", st.id);
    }
    assert!(plan.seconds < 30.0, "{}", plan.seconds);
}

#[test]
fn a_cancelled_solve_stops_with_cancelled_and_no_plan() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    let inst = shandong();
    let prep = Prepared::new(&inst).expect("fixture validates");
    let opts = SolveOptions { cancel: Some(Arc::new(AtomicBool::new(true))), ..Default::default() };
    match solve(&prep, &opts) {
        Err(SolveError::Cancelled { stage }) => assert_eq!(stage, "S1", "the first model is not run"),
        Err(other) => panic!("a cancelled solve must say so, got: {other}"),
        Ok(_) => panic!("a cancelled solve handed back an outcome"),
    }
    // The same options without the flag set solve as usual.
    let opts = SolveOptions { cancel: Some(Arc::new(AtomicBool::new(false))), ..Default::default() };
    assert!(matches!(solve(&prep, &opts).expect("solves").outcome, Outcome::Planned(_)));
}
