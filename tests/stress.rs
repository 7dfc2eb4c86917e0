//! Turnover stress on generated instances: every run is reproducible from its seed, every
//! repaired plan passes the checker on the instance with the run's departures applied, and a
//! run that stays strict has no shortfall.

mod common;

use proptest::prelude::*;
use sanlian_engine::Answer;
use sanlian_model::{PlanMode, Prepared};
use sanlian_solver::SolveOptions;
use sanlian_stress::{draw, replay, Risks, RunStatus};

#[test]
fn every_stress_run_repairs_to_a_plan_the_checker_accepts() {
    let strategy = (common::shapes(), 0.0f64..0.6, 0.0f64..=1.0, any::<u64>());
    common::run_until_compared("stress runs", file!(), &strategy, 40, 400, |(shape, rate, share, seed)| {
        let inst = common::build(&shape);
        let Ok(prep) = Prepared::new(&inst) else { return Ok(false) };
        let opts = SolveOptions { mode: PlanMode::Strict, ..SolveOptions::default() };
        let Ok(Answer::Planned(plan)) = sanlian_engine::solve(&prep, &opts).map(|s| s.answer) else { return Ok(false) };
        let plan = plan.into_plan();
        let risks = Risks::from_rate(&inst, rate).unwrap();
        let d = draw(&inst, &risks, share, seed, 0, 0);
        prop_assert_eq!(&d, &draw(&inst, &risks, share, seed, 0, 0), "the draw is reproducible");
        let (run, end) = replay(&inst, &plan, &d.events, None);
        prop_assert_eq!(run.departures, d.departures);
        match (run.status, end) {
            (RunStatus::Unrepaired, end) => prop_assert!(end.is_none() && run.error.is_some(), "{run:?}"),
            (status, Some((after, repaired))) => {
                let report = sanlian_check::check(&after, &repaired).expect("the repaired instance is valid");
                prop_assert!(report.is_valid(), "run {run:?}: {:?}", report.violations);
                prop_assert_eq!(run.covered, repaired.coverage.total);
                if status == RunStatus::Strict {
                    prop_assert!(repaired.shortfalls.is_empty() && run.uncovered.is_empty(), "{run:?}");
                    prop_assert_eq!(repaired.mode, PlanMode::Strict);
                }
                // Every leaver serves until its date (exclusive), or not at all.
                for e in &d.events.events {
                    if let sanlian_model::Event::Leave { date, cadre } = e {
                        let c = after.cadres.iter().find(|c| &c.id == cadre);
                        prop_assert!(c.is_none_or(|c| c.until.is_some_and(|u| u <= *date)), "{cadre} still serves");
                    }
                }
            }
            (_, None) => prop_assert!(false, "a repaired run without its plan: {run:?}"),
        }
        Ok(true)
    });
}
