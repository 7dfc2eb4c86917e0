//! The trade-off set: every point valid and proven optimal for its ε, its ε met (checked from
//! the plan itself), the points mutually non-dominated, and each point's S1 equal to an
//! independent re-solve at its ε with the other formulation.

mod common;

use sanlian_check::Rules;
use sanlian_model::{Instance, Prepared, Robust};
use sanlian_solver::{solve, Formulation, Outcome, SolveOptions};
use sanlian_tradeoffs::{compute, Epsilon, Metrics, Options};

fn s1(plan: &sanlian_model::Plan) -> f64 {
    plan.stages.iter().find(|s| s.id == "S1").expect("S1 reported").objective
}

/// No worse on cost, the farthest traveller and robust groups, better on one: written here
/// from the definition, not taken from the crate.
fn beats(a: &Metrics, b: &Metrics) -> bool {
    let eps = 1e-6;
    let no_worse = a.s1 <= b.s1 + eps * b.s1.abs().max(1.0)
        && a.max_km <= b.max_km + eps * b.max_km.max(1.0)
        && a.robust_groups >= b.robust_groups;
    let better = a.s1 < b.s1 - eps * b.s1.abs().max(1.0)
        || a.max_km < b.max_km - eps * b.max_km.max(1.0)
        || a.robust_groups > b.robust_groups;
    no_worse && better
}

fn verify(inst: &Instance, points: usize) -> usize {
    let opts = Options { points, ..Options::default() };
    let t = compute(inst, &opts).unwrap_or_else(|e| panic!("{}: {e}", inst.name));
    assert!(!t.points.is_empty() && t.points.len() <= points, "{} points", t.points.len());
    // A has the plain optimum's S1: the plain optimum itself, or a tie with it that is more
    // robust or fairer (which dominates it).
    let prep = Prepared::new(inst).unwrap();
    let Outcome::Planned(plain) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("infeasible") };
    assert!((t.points[0].metrics.s1 - s1(&plain)).abs() <= 1e-6 * s1(&plain).abs().max(1.0), "A is the cheapest");
    assert!(t.points.windows(2).all(|w| w[0].metrics.s1 <= w[1].metrics.s1), "cheapest first");
    let rules = Rules::new(inst).unwrap();
    for p in &t.points {
        let report = sanlian_check::check(&p.instance, &p.plan).unwrap();
        assert!(report.is_valid(), "{}: {:?}", p.id, report.violations);
        assert!(p.proven_optimal && p.plan.stages.iter().all(|s| s.proven_optimal), "{}", p.id);
        // The ε holds, read off the plan.
        match &p.epsilon {
            Epsilon::None => {}
            Epsilon::TravelAtMost { km } => {
                for c in &p.plan.costs.cadres {
                    assert!(c.round_trips * 2.0 * c.road_km <= km + 1e-6, "{}: {} travels beyond {km}", p.id, c.cadre);
                }
            }
            Epsilon::RobustAtLeast { groups } => {
                let robust = Robust { reach_km: opts.reach_km, at_least: None };
                let n = sanlian_check::robust::of_plan(&rules, &p.plan, &robust).robust_groups;
                assert!(n as u32 >= *groups && n == p.metrics.robust_groups, "{}: {n} robust groups", p.id);
            }
        }
        // An independent re-solve at the same ε, with the other formulation, has the same S1.
        let prep = Prepared::new(&p.instance).unwrap();
        let plain = SolveOptions { formulation: Formulation::Plain, ..SolveOptions::default() };
        let Outcome::Planned(again) = solve(&prep, &plain).unwrap().outcome else { panic!("{}: infeasible", p.id) };
        assert!(
            (s1(&again) - p.metrics.s1).abs() <= 1e-6 * p.metrics.s1.abs().max(1.0),
            "{}: S1 {} vs {}",
            p.id,
            s1(&again),
            p.metrics.s1
        );
    }
    for a in &t.points {
        for b in &t.points {
            assert!(!beats(&a.metrics, &b.metrics), "{} dominates {}", a.id, b.id);
        }
    }
    t.points.len()
}

#[test]
fn the_small_fixtures_trade_off_set_is_valid_optimal_and_non_dominated() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/small/instance.json");
    let inst = Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(verify(&inst, 5) >= 3, "the small fixture trades cost against both goals");
}

#[test]
fn generated_instances_trade_off_sets_are_valid_optimal_and_non_dominated() {
    let strategy = common::shapes();
    common::run_until_compared("trade-offs", file!(), &strategy, 12, 96, |shape| {
        let inst = common::build(&shape);
        let Ok(prep) = Prepared::new(&inst) else { return Ok(false) };
        if !matches!(solve(&prep, &SolveOptions::default()).map(|s| s.outcome), Ok(Outcome::Planned(_))) {
            return Ok(false);
        }
        verify(&inst, 4);
        Ok(true)
    });
}
