//! Edits (issue 12, item 2) on generated instances: an edit's reported deltas equal an
//! independent recomputation from the model's cost coefficients, edits made as a batch equal
//! the same edits made one by one, and every alternative's figures equal its own repair's.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sanlian_check::Rules;
use sanlian_explain::edit::{apply_edit, apply_edits, Edit};
use sanlian_model::{Instance, Plan, PlanMode, Prepared};
use sanlian_solver::{Outcome, SolveOptions};

/// A best-effort plan (every generated instance has one unless a non-goal rule is impossible).
fn solved(inst: &Instance) -> Option<Plan> {
    solved_in(inst, PlanMode::BestEffort)
}

fn solved_in(inst: &Instance, mode: PlanMode) -> Option<Plan> {
    let prep = Prepared::new(inst).ok()?;
    match sanlian_solver::solve(&prep, &SolveOptions { mode, ..SolveOptions::default() }).ok()?.outcome {
        Outcome::Planned(p) => Some(*p),
        Outcome::Infeasible(_) => None,
    }
}

#[test]
fn an_edits_deltas_equal_an_independent_recomputation() {
    let strategy = (common::shapes(), any::<u64>(), any::<u64>(), any::<u64>());
    common::run_until_compared("edit deltas", file!(), &strategy, 24, 120, |(shape, pick, to, town)| {
        let inst = common::build(&shape);
        let Some(plan) = solved(&inst) else { return Ok(false) };
        let prep = Prepared::new(&inst).unwrap();
        let rules = Rules::new(&inst).unwrap();
        let a = &plan.assignments[(pick % plan.assignments.len() as u64) as usize];
        let c = prep.cadre_index[a.cadre.as_str()];
        let from = prep.county_index[a.county.as_str()];
        let k = (to % inst.region.counties.len() as u64) as usize;
        let county = inst.region.counties[k].code.clone();

        // A move: S1 changes by the cadre's own coefficient difference (S1 is a sum over
        // cadres of their county's coefficient), travel by the travel difference, all of it
        // on the cadre's dispatching unit.
        let answer = apply_edit(&prep, &rules, &plan, &Edit::Move { cadre: a.cadre.clone(), county }).unwrap();
        let want = prep.s1_coefficient(c, k) - prep.s1_coefficient(c, from);
        let got = answer.stages["S1"].delta;
        prop_assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "S1 delta {} want {}", got, want);
        let travel = prep.travel_cost(c, k) - prep.travel_cost(c, from);
        prop_assert!((answer.travel.delta - travel).abs() <= 1e-6 * travel.abs().max(1.0));
        let unit = &inst.cadres[c].unit;
        for (u, d) in &answer.units {
            let want = if u == unit { travel } else { 0.0 };
            prop_assert!((d.delta - want).abs() <= 1e-6 * want.abs().max(1.0), "unit {} {} want {}", u, d.delta, want);
        }
        prop_assert_eq!(answer.valid, answer.broken.is_empty());

        // A township of the same county: no S1 change; S2 by the checker's own figures.
        let y = &a.years[(town % a.years.len() as u64) as usize];
        let towns = &prep.townships_of[from];
        let t = &inst.region.townships[towns[(town % towns.len() as u64) as usize]];
        let edit = Edit::Township { cadre: a.cadre.clone(), year: y.year, township: t.code.clone() };
        let answer = apply_edit(&prep, &rules, &plan, &edit).unwrap();
        prop_assert!(answer.stages["S1"].delta.abs() < 1e-6, "{:?}", answer.stages["S1"]);
        let s2 = |p: &Plan| sanlian_check::check_with(&rules, p).values.s2;
        prop_assert!((answer.stages["S2"].delta - (s2(&answer.plan) - s2(&plan))).abs() < 1e-6);

        // Two edits as a batch are the two made one after the other.
        let move_back = Edit::Move { cadre: a.cadre.clone(), county: a.county.clone() };
        let batch = apply_edits(&prep, &rules, &plan, &[edit.clone(), move_back.clone()]).unwrap();
        let first = apply_edit(&prep, &rules, &plan, &edit).unwrap();
        let second = apply_edit(&prep, &rules, &first.plan, &move_back).unwrap();
        prop_assert_eq!(&batch.plan.assignments, &second.plan.assignments);
        prop_assert!((batch.stages["S1"].after - second.stages["S1"].after).abs() < 1e-6);
        Ok(true)
    });
}

#[test]
fn alternatives_equal_their_own_repair_on_generated_instances() {
    use sanlian_explain::alternatives::{alternatives, Subject};
    use sanlian_explain::edit::repair_edit;
    // A fixed seed: the count compared below must not depend on the run.
    let mut runner = TestRunner::new_with_rng(
        Config { cases: 80, source_file: Some(file!()), ..Config::default() },
        proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let compared = std::cell::Cell::new(0usize);
    runner
        .run(&(common::shapes(), any::<u64>()), |(shape, pick)| {
            let inst = common::build(&shape);
            // Strict plans: a repair is strict, and a best-effort plan's shortfalls are not valid there.
            let Some(plan) = solved_in(&inst, PlanMode::Strict) else { return Ok(()) };
            let a = &plan.assignments[(pick % plan.assignments.len() as u64) as usize];
            let opts = SolveOptions::default();
            for subject in [Subject::Cadre(a.cadre.clone()), Subject::Leader(a.county.clone())] {
                let list = alternatives(&inst, &plan, &subject, 3, &opts).unwrap();
                for alt in list.alternatives.iter().filter(|x| x.feasible) {
                    let r = repair_edit(&inst, &plan, &alt.edit, &opts).expect("a feasible alternative repairs");
                    prop_assert!(sanlian_check::check(&r.instance, &r.plan).unwrap().is_valid());
                    prop_assert!((r.s1_delta - alt.s1_delta.unwrap()).abs() <= 1e-6 * r.s1_delta.abs().max(1.0));
                    prop_assert_eq!(Some(r.others), alt.others, "{:?}", alt.edit);
                    prop_assert_eq!(Some(r.changes.len()), alt.changes, "{:?}", alt.edit);
                    compared.set(compared.get() + 1);
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(compared.get() >= 20, "too few alternatives compared: {}", compared.get());
}
