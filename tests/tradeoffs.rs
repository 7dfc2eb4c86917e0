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

/// No worse on cost, the farthest traveller, robust groups and continuity, better on one:
/// written here from the definition, not taken from the crate.
fn beats(a: &Metrics, b: &Metrics) -> bool {
    let eps = 1e-6;
    let no_worse = a.s1 <= b.s1 + eps * b.s1.abs().max(1.0)
        && a.max_km <= b.max_km + eps * b.max_km.max(1.0)
        && a.robust_groups >= b.robust_groups
        && a.continuity >= b.continuity;
    let better = a.s1 < b.s1 - eps * b.s1.abs().max(1.0)
        || a.max_km < b.max_km - eps * b.max_km.max(1.0)
        || a.robust_groups > b.robust_groups
        || a.continuity > b.continuity;
    no_worse && better
}

/// Cadres of `plan` placed in their previous county of `inst`, counted here.
fn stayed(inst: &Instance, plan: &sanlian_model::Plan) -> usize {
    plan.assignments
        .iter()
        .filter(|a| {
            inst.cadres.iter().any(|c| c.id == a.cadre && c.previous_county.as_deref() == Some(a.county.as_str()))
        })
        .count()
}

/// The points of each kind of ε a verified set had.
#[derive(Default)]
struct Kinds {
    continuity: usize,
}

fn verify(inst: &Instance, points: usize, kinds: &mut Kinds) -> usize {
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
            Epsilon::ContinuityAtLeast { cadres } => {
                let n = stayed(inst, &p.plan);
                assert!(n as u32 >= *cadres && n == p.metrics.continuity, "{}: {n} cadres stayed", p.id);
                assert_eq!(p.instance.parameters.continuity_at_least, Some(*cadres));
                let svg = sanlian_tradeoffs::chart::svg(&t, "set");
                assert!(svg.contains("cadres in last round") && svg.matches("<circle").count() == 3 * t.points.len());
                kinds.continuity += 1;
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
    assert!(verify(&inst, 5, &mut Kinds::default()) >= 3, "the small fixture trades cost against both goals");
}

#[test]
fn generated_instances_trade_off_sets_are_valid_optimal_and_non_dominated() {
    let strategy = common::shapes();
    common::run_until_compared("trade-offs", file!(), &strategy, 12, 96, |shape| {
        let mut inst = common::build(&shape);
        // Without its bonus, last round's county is one county among others: the plain optimum
        // leaves it wherever travel says, and continuity has a price.
        if inst.cadres.len().is_multiple_of(2) {
            inst.parameters.continuity_bonus = 0.0;
        }
        let Ok(prep) = Prepared::new(&inst) else { return Ok(false) };
        if !matches!(solve(&prep, &SolveOptions::default()).map(|s| s.outcome), Ok(Outcome::Planned(_))) {
            return Ok(false);
        }
        verify(&inst, 6, &mut Kinds::default());
        Ok(true)
    });
}

#[test]
fn continuity_with_a_last_round_that_differs_is_traded() {
    // Last round: the small fixture's plan under a travel cap; this round continuity has no bonus,
    // so the plain optimum leaves last round's counties wherever travel says.
    let mut inst = small();
    let mut capped = inst.clone();
    capped.parameters.fairness.max_travel_km = Some(2900.0);
    let Outcome::Planned(last) = solve(&Prepared::new(&capped).unwrap(), &SolveOptions::default()).unwrap().outcome
    else {
        panic!("the cap of 2,900 km has a plan")
    };
    for a in &last.assignments {
        let cadre = inst.cadres.iter_mut().find(|c| c.id == a.cadre).unwrap();
        cadre.previous_county = Some(a.county.clone());
    }
    inst.parameters.continuity_bonus = 0.0;
    let mut kinds = Kinds::default();
    verify(&inst, 7, &mut kinds);
    assert!(kinds.continuity > 0, "no continuity point");
}

fn small() -> Instance {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/small/instance.json");
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn continuity_beyond_the_cadres_with_a_previous_county_is_an_input_error() {
    let mut inst = small();
    inst.cadres[0].previous_county = Some(inst.region.counties[0].code.clone());
    inst.parameters.continuity_at_least = Some(2);
    let Err(e) = Prepared::new(&inst).map(|_| ()) else { panic!("2 asked, 1 cadre has a previous county") };
    let e = e.to_string();
    assert!(e.contains("parameters.continuity_at_least") && e.contains("only 1 cadres have one"), "{e}");
}

#[test]
fn unreachable_continuity_says_the_most_and_the_most_is_reached_and_checked() {
    // Every cadre's previous county is the first county: H1–H7 leave most of them elsewhere.
    let mut inst = small();
    let first = inst.region.counties[0].code.clone();
    for c in &mut inst.cadres {
        c.previous_county = Some(first.clone());
    }
    inst.parameters.continuity_at_least = Some(inst.cadres.len() as u32);
    let prep = Prepared::new(&inst).unwrap();
    let Err(sanlian_solver::SolveError::ContinuityTarget { at_least, most }) = solve(&prep, &SolveOptions::default())
    else {
        panic!("all 40 in one county cannot be valid")
    };
    assert_eq!(at_least, 40);
    assert!(most > 0 && most < 40, "{most}");
    // At the most, a plan exists, places that many there, and the checker holds it to it.
    inst.parameters.continuity_at_least = Some(most);
    let prep = Prepared::new(&inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("infeasible") };
    assert!(stayed(&inst, &plan) >= most as usize);
    assert!(sanlian_check::check(&inst, &plan).unwrap().is_valid());
    // Like robust planning, a way of solving: the plan is a plan of the instance without it,
    // held to its own echo, and one more than it has is a violation.
    let mut base = inst.clone();
    base.parameters.continuity_at_least = None;
    assert!(sanlian_check::check(&base, &plan).unwrap().is_valid());
    let mut claimed = (*plan).clone();
    claimed.parameters.continuity_at_least = Some(stayed(&inst, &plan) as u32 + 1);
    let report = sanlian_check::check(&base, &claimed).unwrap();
    assert!(
        report.violations.iter().any(|v| v.to_string().contains("cadres in their previous county; the plan has")),
        "{:?}",
        report.violations
    );
}
