//! Property tests: random small instances are solved, and every answer is
//! verified independently — plans by the checker, certificates by re-adding
//! their numbers from the instance.

mod common;

use proptest::prelude::*;
use sanlian_model::{PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveError, SolveOptions};

fn options(mode: PlanMode) -> SolveOptions {
    SolveOptions { mode, ..SolveOptions::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn strict_answers_are_valid_plans_or_checkable_certificates(shape in common::shapes()) {
        let inst = common::build(&shape);
        let Ok(prep) = Prepared::new(&inst) else {
            // Shapes may draw an empty roster; validation must say so, not panic.
            prop_assert!(inst.cadres.is_empty());
            return Ok(());
        };
        match solve(&prep, &options(PlanMode::Strict)).expect("no time limit, so always an answer").outcome {
            Outcome::Planned(plan) => {
                let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
                prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
                prop_assert_eq!(plan.coverage.total, inst.region.townships.len());
                for st in &plan.stages {
                    prop_assert!(st.proven_optimal, "stage {} gap {}", st.id, st.gap);
                }
            }
            Outcome::Infeasible(certs) => {
                prop_assert!(!certs.is_empty());
                for c in &certs {
                    if let Err(e) = common::reverify(&prep, c) {
                        prop_assert!(false, "{}: {}", c.message, e);
                    }
                }
                // Independent evidence for every kind, the joint one included: best-effort
                // either cannot plan at all or must leave some goal unmet.
                if let Ok(sol) = solve(&prep, &options(PlanMode::BestEffort)) {
                    let Outcome::Planned(plan) = sol.outcome else { unreachable!("best-effort always plans") };
                    prop_assert!(!plan.shortfalls.is_empty(), "strict infeasible but best-effort met every goal");
                }
            }
        }
    }

    #[test]
    fn best_effort_always_plans_unless_a_non_goal_rule_is_impossible(shape in common::shapes()) {
        let inst = common::build(&shape);
        let Ok(prep) = Prepared::new(&inst) else { return Ok(()); };
        match solve(&prep, &options(PlanMode::BestEffort)) {
            Ok(sol) => {
                let Outcome::Planned(plan) = sol.outcome else {
                    prop_assert!(false, "best-effort answered infeasible");
                    unreachable!()
                };
                let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
                prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
                let strict = solve(&prep, &options(PlanMode::Strict)).unwrap().outcome;
                if let Outcome::Planned(sp) = strict {
                    // When a strict plan exists, best-effort meets every goal and costs the same.
                    prop_assert!(plan.shortfalls.is_empty(), "{:?}", plan.shortfalls);
                    let s1 = |p: &sanlian_model::Plan| p.stages.iter().find(|s| s.id == "S1").unwrap().objective;
                    prop_assert!((s1(&plan) - s1(&sp)).abs() <= 1e-6 * s1(&sp).abs().max(1.0));
                }
            }
            Err(SolveError::Impossible(certs)) => {
                for c in &certs {
                    prop_assert!(["H6", "H8", "H9"].contains(&c.rule.as_str()), "{}", c.message);
                    if let Err(e) = common::reverify(&prep, c) {
                        prop_assert!(false, "{}: {}", c.message, e);
                    }
                }
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}
