//! Property tests: random small instances, under every policy variation, are solved, and
//! every answer is verified independently — plans by the checker (every hard rule, every
//! number, every stage's proof), certificates by re-adding their numbers from the
//! instance. Skipped cases (instances that do not validate) are counted.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sanlian_check::Verdict;
use sanlian_model::{Instance, PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveError, SolveOptions};

fn options(mode: PlanMode) -> SolveOptions {
    SolveOptions { mode, ..SolveOptions::default() }
}

/// Instances of every shape under the default policy (the strategy the regression seeds in
/// `properties.proptest-regressions` were found with).
fn default_policy() -> BoxedStrategy<Instance> {
    common::shapes().prop_map(|shape| common::build(&shape)).boxed()
}

/// Instances of every shape under every policy variation.
fn varied() -> BoxedStrategy<Instance> {
    (common::shapes(), common::variations()).prop_map(|(shape, v)| common::vary(common::build(&shape), &v)).boxed()
}

/// Run `body` on 256 generated instances; instances that do not validate are skipped and
/// counted. At most a quarter may be skipped.
fn run(
    name: &str,
    instances: BoxedStrategy<Instance>,
    body: impl Fn(&Instance, &Prepared) -> Result<(), TestCaseError>,
) {
    let (checked, skipped) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(Config { cases: 256, source_file: Some(file!()), ..Config::default() });
    let result = runner.run(&instances, |inst| {
        // Shapes may draw an empty roster, and a variation's window may miss a cadre's
        // service period: validation must say so, not panic; such cases are skipped.
        let Ok(prep) = Prepared::new(&inst) else {
            skipped.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        checked.fetch_add(1, Ordering::Relaxed);
        body(&inst, &prep)
    });
    let (checked, skipped) = (checked.into_inner(), skipped.into_inner());
    eprintln!("{name}: {checked} checked, {skipped} skipped");
    result.unwrap();
    assert!(skipped * 4 <= checked + skipped, "{name}: {skipped} of {} cases skipped", checked + skipped);
}

#[test]
fn strict_answers_are_valid_plans_or_checkable_certificates() {
    run("strict", default_policy(), strict_answer);
}

#[test]
fn strict_answers_are_valid_under_every_policy_variation() {
    run("strict, varied", varied(), strict_answer);
}

#[test]
fn best_effort_always_plans_unless_a_non_goal_rule_is_impossible() {
    run("best-effort", default_policy(), best_effort_answer);
}

#[test]
fn best_effort_plans_are_valid_under_every_policy_variation() {
    run("best-effort, varied", varied(), best_effort_answer);
}

fn strict_answer(inst: &Instance, prep: &Prepared) -> Result<(), TestCaseError> {
    {
        match solve(prep, &options(PlanMode::Strict)).expect("no time limit, so always an answer").outcome {
            Outcome::Planned(plan) => {
                let report = sanlian_check::check(inst, &plan).expect("a valid instance");
                prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
                prop_assert_eq!(plan.coverage.total, inst.region.townships.len());
                for st in &plan.stages {
                    prop_assert!(st.proven_optimal, "stage {} gap {}", st.id, st.gap);
                }
                // Every stage whose LP relaxations were integral is certified by the checker.
                for (st, verdict) in plan.stages.iter().zip(&report.stages) {
                    if common::lp_integral(st) {
                        prop_assert_eq!(verdict.verdict, Verdict::Certified, "stage {}", st.id);
                    }
                }
            }
            Outcome::Infeasible(certs) => {
                prop_assert!(!certs.is_empty());
                for c in &certs {
                    if let Err(e) = common::reverify(prep, c) {
                        prop_assert!(false, "{}: {}", c.message, e);
                    }
                }
                // Independent evidence for every kind, the joint one included: best-effort
                // either cannot plan at all or must leave some goal unmet.
                if let Ok(sol) = solve(prep, &options(PlanMode::BestEffort)) {
                    let Outcome::Planned(plan) = sol.outcome else { unreachable!("best-effort always plans") };
                    prop_assert!(!plan.shortfalls.is_empty(), "strict infeasible but best-effort met every goal");
                }
            }
        }
        Ok(())
    }
}

fn best_effort_answer(inst: &Instance, prep: &Prepared) -> Result<(), TestCaseError> {
    {
        match solve(prep, &options(PlanMode::BestEffort)) {
            Ok(sol) => {
                let Outcome::Planned(plan) = sol.outcome else {
                    prop_assert!(false, "best-effort answered infeasible");
                    unreachable!()
                };
                let report = sanlian_check::check(inst, &plan).expect("a valid instance");
                prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
                let strict = solve(prep, &options(PlanMode::Strict)).unwrap().outcome;
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
                    if let Err(e) = common::reverify(prep, c) {
                        prop_assert!(false, "{}: {}", c.message, e);
                    }
                }
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
        Ok(())
    }
}
