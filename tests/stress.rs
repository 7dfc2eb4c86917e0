//! Turnover stress on generated instances: every run is reproducible from its seed, every
//! repaired plan passes the checker on the instance with the run's departures applied, and a
//! run that stays strict has no shortfall.

mod common;

use proptest::prelude::*;
use sanlian_engine::Answer;
use sanlian_model::{PlanMode, Prepared};
use sanlian_solver::SolveOptions;
use sanlian_stress::{draw, replay, Risks, RunStatus};

/// The instance with its strict optimum, if it has one.
fn planned(inst: &sanlian_model::Instance) -> Option<(sanlian_model::Instance, sanlian_model::Plan)> {
    let prep = Prepared::new(inst).ok()?;
    let opts = SolveOptions { mode: PlanMode::Strict, ..SolveOptions::default() };
    let Ok(Answer::Planned(plan)) = sanlian_engine::solve(&prep, &opts).map(|s| s.answer) else { return None };
    Some((inst.clone(), plan.into_plan()))
}

/// The small fixture (its parameters changed by `tune`) with its strict optimum.
fn small_planned(tune: impl FnOnce(&mut sanlian_model::Instance)) -> (sanlian_model::Instance, sanlian_model::Plan) {
    let path = format!("{}/fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    let mut inst = sanlian_model::Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    tune(&mut inst);
    planned(&inst).expect("the small fixture has a plan")
}

#[test]
fn every_stress_run_repairs_to_a_plan_the_checker_accepts() {
    let strategy = (common::shapes(), 0.0f64..0.6, 0.0f64..=1.0, any::<u64>());
    common::run_until_compared("stress runs", file!(), &strategy, 40, 400, |(shape, rate, share, seed)| {
        let Some((inst, plan)) = planned(&common::build(&shape)) else { return Ok(false) };
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

/// A stage's id, objective and terms.
type StageValue = (String, f64, Vec<(String, f64)>);

/// The values every re-planning stage reports: R1 and S1, R2 and the S2 it keeps, R3 and
/// the presence it keeps.
fn stage_values(plan: &sanlian_model::Plan) -> Vec<StageValue> {
    plan.stages
        .iter()
        .filter(|s| ["B1", "B2", "B3", "R1", "S1", "R2", "R3"].contains(&s.id.as_str()))
        .map(|s| (s.id.clone(), s.objective, s.terms.iter().map(|(k, v)| (k.clone(), *v)).collect()))
        .collect()
}

/// Replay `events` month by month, as a stress run does, repairing each month twice: as the
/// engine does (R1 and R2 keep a component or county whose baseline holds without a model,
/// R3 keeps the months that can be kept as constants) and with every model whole
/// (`capture_models` turns the shortcuts off). Both must reach the same value at every stage
/// and pass the checker. Answers how many R1/R2 models and R3 variables the shortcuts saved.
fn shortcuts_match_whole_models(
    inst: &sanlian_model::Instance,
    plan: &sanlian_model::Plan,
    events: &sanlian_model::Events,
) -> Result<(usize, usize), TestCaseError> {
    use sanlian_solver::repair::{baselines, repair};
    use sanlian_solver::Outcome;
    let mut dates: Vec<chrono::NaiveDate> = events.events.iter().map(|e| e.date()).collect();
    dates.sort();
    dates.dedup();
    let (mut inst, mut plan) = (inst.clone(), plan.clone());
    let mut mode = PlanMode::Strict;
    let (mut saved_models, mut saved_cols) = (0, 0);
    for date in dates {
        let step =
            sanlian_model::Events { events: events.events.iter().filter(|e| e.date() == date).cloned().collect() };
        let applied = step.apply(&inst, &plan).expect("the drawn events apply");
        let next = Prepared::new(&applied.instance).expect("the instance after the events is valid");
        let base = baselines(&next, &plan, &applied.baseline);
        let mut repaired = None;
        for m in [mode, PlanMode::BestEffort] {
            let fast = SolveOptions { mode: m, ..SolveOptions::default() };
            let whole = SolveOptions { capture_models: true, ..fast.clone() };
            let a = repair(&next, date, &base, &fast).map(|s| s.outcome);
            let b = repair(&next, date, &base, &whole).map(|s| s.outcome);
            match (a, b) {
                (Ok(Outcome::Planned(a)), Ok(Outcome::Planned(b))) => {
                    prop_assert_eq!(stage_values(&a), stage_values(&b), "{:?} mode on {}", m, date);
                    for p in [&a, &b] {
                        let report = sanlian_check::check(&applied.instance, p).expect("checkable");
                        prop_assert!(report.is_valid(), "{:?}", report.violations);
                    }
                    let figure = |p: &sanlian_model::Plan, id: &str, f: fn(&sanlian_model::StageReport) -> usize| {
                        p.stages.iter().find(|s| s.id == id).map_or(0, f)
                    };
                    for stage in ["R1", "R2"] {
                        saved_models += figure(&b, stage, |s| s.models) - figure(&a, stage, |s| s.models);
                    }
                    saved_cols += figure(&b, "R3", |s| s.columns) - figure(&a, "R3", |s| s.columns);
                    mode = m;
                    repaired = Some(*a);
                    break;
                }
                (Ok(Outcome::Infeasible(_)), Ok(Outcome::Infeasible(_))) if m == PlanMode::Strict => continue,
                (Err(_), Err(_)) if m == PlanMode::BestEffort => return Ok((saved_models, saved_cols)),
                (a, b) => prop_assert!(
                    false,
                    "{:?} on {}: the engine and the whole models disagree: {:?} / {:?}",
                    m,
                    date,
                    a.map(|o| matches!(o, Outcome::Planned(_))).map_err(|e| e.to_string()),
                    b.map(|o| matches!(o, Outcome::Planned(_))).map_err(|e| e.to_string())
                ),
            }
        }
        let Some(p) = repaired else { return Ok((saved_models, saved_cols)) };
        (inst, plan) = (applied.instance, p);
    }
    Ok((saved_models, saved_cols))
}

#[test]
fn re_planning_shortcuts_reach_the_whole_models_optimum() {
    let strategy = (common::shapes(), 0.05f64..0.6, 0.0f64..=1.0, any::<u64>());
    common::run_until_compared("re-planning shortcuts", file!(), &strategy, 40, 400, |(shape, rate, share, seed)| {
        let Some((inst, plan)) = planned(&common::build(&shape)) else { return Ok(false) };
        let d = draw(&inst, &Risks::from_rate(&inst, rate).unwrap(), share, seed, 0, 0);
        shortcuts_match_whole_models(&inst, &plan, &d.events)?;
        Ok(true)
    });
}

/// On the small fixture, a year of turnover: the shortcuts are taken (county models and
/// month variables saved) and reach what the whole models reach.
#[test]
fn re_planning_shortcuts_are_taken_on_the_small_fixture() {
    let (inst, plan) = small_planned(|_| {});
    let d = draw(&inst, &Risks::from_rate(&inst, 0.3).unwrap(), 0.5, 7, 0, 0);
    assert!(d.departures > 0);
    let (models, cols) = shortcuts_match_whole_models(&inst, &plan, &d.events).unwrap();
    assert!(models > 0, "no R1 component or R2 county was kept without a model");
    assert!(cols > 0, "R3 kept no month as a constant");
}

/// A joiner in a department whose kept months fill its H9 cap: R3 keeps the others' months
/// as constants, and the joiner's months must fit in what they leave (the whole model's
/// answer, and the checker's).
#[test]
fn a_joiner_fits_around_the_months_r3_keeps() {
    // Three province cadres in 组织部 and a fourth joining: at most one on a block a month.
    let (inst, plan) = small_planned(|i| i.parameters.max_department_away_share = 0.2);
    let peer = inst.cadres.iter().find(|c| c.department.as_deref() == Some("组织部")).unwrap();
    let joiner = sanlian_model::Cadre { id: "J1".into(), name: "新人".into(), ..peer.clone() };
    let date = chrono::NaiveDate::from_ymd_opt(inst.first_year, 7, 1).unwrap();
    let events = sanlian_model::Events { events: vec![sanlian_model::Event::Join { date, cadre: joiner }] };
    shortcuts_match_whole_models(&inst, &plan, &events).unwrap();
}

/// An explicit repair of a plan that puts three cadres on one township in a year (H6 allows
/// two): R2 must not keep that county's baseline, and reaches what the whole models reach.
#[test]
fn r2_keeps_no_baseline_that_breaks_h6() {
    use sanlian_solver::repair::{baselines, repair};
    use sanlian_solver::Outcome;
    let (inst, mut broken) = small_planned(|_| {});
    let prep = Prepared::new(&inst).unwrap();
    // The most loaded (township, year) of the plan, and a county-mate elsewhere that year.
    let mut load: std::collections::BTreeMap<(String, i32), Vec<String>> = Default::default();
    for a in &broken.assignments {
        for y in &a.years {
            load.entry((y.township.clone(), y.year)).or_default().push(a.cadre.clone());
        }
    }
    let ((town, year), _) = load.iter().find(|(_, who)| who.len() == 2).expect("a township with two cadres");
    let (town, year) = (town.clone(), *year);
    let county = broken.assignments.iter().find(|a| a.years.iter().any(|y| y.township == town)).unwrap().county.clone();
    // Whose township that year another member-year covers too: H7 still holds, only H6 breaks.
    let third = broken
        .assignments
        .iter_mut()
        .find(|a| {
            a.county == county
                && a.years.iter().all(|y| y.township != town)
                && a.years
                    .iter()
                    .any(|y| y.year == year && load.get(&(y.township.clone(), year)).is_some_and(|w| w.len() == 2))
        })
        .expect("a third member of the county");
    third.years.iter_mut().find(|y| y.year == year).unwrap().township = town;
    let report = sanlian_check::check(&inst, &broken).unwrap();
    // (The plan's stage figures no longer match it either: STAGE.)
    let rules: Vec<&str> = report.violations.iter().map(|v| v.rule.as_str()).filter(|r| *r != "STAGE").collect();
    assert_eq!(rules, ["H6"], "{:?}", report.violations);
    let ids: Vec<Option<String>> = inst.cadres.iter().map(|c| Some(c.id.clone())).collect();
    let base = baselines(&prep, &broken, &ids);
    let fast = SolveOptions::default();
    let whole = SolveOptions { capture_models: true, ..fast.clone() };
    let solve = |o: &SolveOptions| match repair(&prep, prep.plan_start(), &base, o).unwrap().outcome {
        Outcome::Planned(p) => *p,
        Outcome::Infeasible(c) => panic!("{c:?}"),
    };
    let (a, b) = (solve(&fast), solve(&whole));
    assert_eq!(stage_values(&a), stage_values(&b));
    for p in [&a, &b] {
        let report = sanlian_check::check(&inst, p).unwrap();
        assert!(report.is_valid(), "{:?}", report.violations);
    }
}
