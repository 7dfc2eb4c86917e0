//! Every stage's optimum cross-checked by exhaustive enumeration on tiny instances, each
//! candidate judged by the checker (never by the solver's own rows): S1 over all groupings,
//! S2 over all townships of each county, S3a over all block months, S3b over all weekdays,
//! and the best-effort goals B1–B3 (then S1) over all groupings.

mod common;

use chrono::Weekday;
use proptest::prelude::*;
use sanlian_check::{check_with, Report, Rules};
use sanlian_model::{Instance, Plan, PlanMode, Prepared};
use sanlian_solver::stages::{self, Groups};
use sanlian_solver::{solve, Outcome, SolveOptions};

/// Run `body` on generated instances until `compared` of them were compared; it answers
/// `Ok(false)` for one it skips (too large to enumerate, or no plan), at most two per compared.
fn run_counted<S: Strategy<Value = Instance>>(
    name: &str,
    instances: S,
    compared: u32,
    body: impl Fn(&Instance) -> Result<bool, TestCaseError>,
) {
    common::run_until_compared(name, file!(), &instances, compared, 2 * compared, |inst| body(&inst));
}

/// Generated instances of every shape and policy variation.
fn varied() -> impl Strategy<Value = Instance> {
    (common::shapes(), common::variations()).prop_map(|(shape, v)| common::vary(common::build(&shape), &v))
}

/// Tiny instances (two counties of 1–3 townships, a handful of cadres), mostly feasible.
fn tiny() -> impl Strategy<Value = Instance> {
    common::tiny().prop_map(|t| common::tiny_instance(&t))
}

fn strict() -> SolveOptions {
    SolveOptions::default()
}

fn stage(plan: &Plan, id: &str) -> f64 {
    plan.stages.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("stage {id}")).objective
}

/// Violations of the given rules only.
fn breaks(report: &Report, rules: &[&str]) -> bool {
    report.violations.iter().any(|v| rules.contains(&v.rule.as_str()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Every grouping (one H2 county per cadre), if there are at most `limit`.
fn groupings(rules: &Rules, limit: usize) -> Option<Vec<Vec<usize>>> {
    let size = rules.eligible.iter().try_fold(1usize, |n, e| n.checked_mul(e.len()))?;
    if size > limit {
        return None;
    }
    let mut out = vec![Vec::new()];
    for e in &rules.eligible {
        out = out.into_iter().flat_map(|p: Vec<usize>| e.iter().map(move |&k| [p.clone(), vec![k]].concat())).collect();
    }
    Some(out)
}

fn groups_of(prep: &Prepared, county_of: Vec<usize>) -> Groups {
    let (leader, former_leaders) = sanlian_solver::groups::choose_leaders(prep, &county_of);
    Groups { county_of, leader, former_leaders }
}

/// S1: groupings in increasing S1 (the checker's coefficients), each completed with S2 and
/// S3 for its groups; the first whose plan breaks no hard rule has the least S1.
#[test]
fn s1_is_the_least_over_every_grouping_the_checker_accepts() {
    run_counted("S1", prop_oneof![varied(), tiny()], 80, |inst| {
        let (Ok(prep), Ok(rules)) = (Prepared::new(inst), Rules::new(inst)) else { return Ok(false) };
        let Some(mut all) = groupings(&rules, 3_000) else { return Ok(false) };
        let s1 = |g: &[usize]| -> f64 { g.iter().enumerate().map(|(c, &k)| rules.s1_coefficient(c, k)).sum() };
        all.sort_by(|a, b| s1(a).total_cmp(&s1(b)));
        let best = all.into_iter().find(|g| {
            stages::complete(&prep, &groups_of(&prep, g.clone()), &strict())
                .is_some_and(|plan| check_with(&rules, &plan).violations.iter().all(|v| !v.rule.starts_with('H')))
        });
        match (solve(&prep, &strict()).unwrap().outcome, best) {
            (Outcome::Planned(plan), Some(g)) => {
                prop_assert!(close(stage(&plan, "S1"), s1(&g)), "solver {} enumeration {}", stage(&plan, "S1"), s1(&g));
            }
            (Outcome::Infeasible(_), None) => {}
            (Outcome::Planned(plan), None) => prop_assert!(false, "solver planned S1 {}", stage(&plan, "S1")),
            (Outcome::Infeasible(c), Some(g)) => {
                prop_assert!(false, "solver infeasible {:?}, enumeration {}", c, s1(&g))
            }
        }
        Ok(true)
    });
}

/// S2: with the solver's groups, every township assignment of each county (counties do not
/// interact once the groups are fixed), judged by the checker on H5–H7.
#[test]
fn s2_is_the_most_over_every_township_assignment() {
    run_counted("S2", tiny(), 80, |inst| {
        let (Ok(prep), Ok(rules)) = (Prepared::new(inst), Rules::new(inst)) else { return Ok(false) };
        let Ok(sol) = solve(&prep, &strict()) else { return Ok(false) };
        let Outcome::Planned(plan) = sol.outcome else { return Ok(false) };
        let mut total = 0.0;
        for county in &inst.region.counties {
            let k = rules.county_index[county.code.as_str()];
            let towns = &rules.townships_of[k];
            // (assignment index, year) of every member-year of the county.
            let slots: Vec<(usize, usize)> = plan
                .assignments
                .iter()
                .enumerate()
                .filter(|(_, a)| a.county == county.code)
                .flat_map(|(i, a)| (0..a.years.len()).map(move |j| (i, j)))
                .collect();
            let space = (towns.len() as f64).powi(slots.len() as i32);
            if space > 20_000.0 {
                return Ok(false);
            }
            let mut best: Option<f64> = None;
            let mut choice = vec![0usize; slots.len()];
            let mut trial = plan.as_ref().clone();
            loop {
                for (s, &(i, j)) in slots.iter().enumerate() {
                    trial.assignments[i].years[j].township = inst.region.townships[towns[choice[s]]].code.clone();
                }
                let report = check_with(&rules, &trial);
                let own = |t: &str| {
                    inst.region.townships.iter().find(|x| x.code == t).is_some_and(|x| x.county == county.code)
                };
                let broken = report.violations.iter().any(|v| {
                    matches!(v.rule.as_str(), "H5" | "H6" | "H7")
                        && (own(&v.subject)
                            || plan.assignments.iter().any(|a| a.cadre == v.subject && a.county == county.code))
                });
                if !broken {
                    let value: f64 = slots
                        .iter()
                        .zip(&choice)
                        .map(|(&(i, _), &t)| {
                            let c = rules.cadre_index[trial.assignments[i].cadre.as_str()];
                            inst.parameters.match_value * rules.matches(c, towns[t]) as f64
                        })
                        .sum::<f64>()
                        + towns
                            .iter()
                            .filter(|&&t| {
                                inst.region.townships[t].priority
                                    && slots.iter().zip(&choice).any(|(&(i, j), &ch)| {
                                        towns[ch] == t && trial.assignments[i].years[j].year == inst.first_year
                                    })
                            })
                            .count() as f64
                            * inst.parameters.priority_first_year_value;
                    best = Some(best.map_or(value, |b: f64| b.max(value)));
                }
                let mut s = 0;
                while s < choice.len() {
                    choice[s] += 1;
                    if choice[s] < towns.len() {
                        break;
                    }
                    choice[s] = 0;
                    s += 1;
                }
                if s == choice.len() {
                    break;
                }
            }
            let Some(best) = best else {
                prop_assert!(false, "no township assignment of {} is valid", county.code);
                unreachable!()
            };
            total += best;
        }
        prop_assert!(close(stage(&plan, "S2"), total), "solver {} enumeration {total}", stage(&plan, "S2"));
        Ok(true)
    });
}

/// S3a: with the solver's groups and townships, every choice of block months (the exact
/// count of each cadre-year among its available months), judged by the checker on H8 and H9.
#[test]
fn s3a_is_the_most_over_every_month_plan() {
    run_counted("S3a", tiny(), 80, |inst| {
        // A short window keeps the months countable.
        let mut inst = inst.clone();
        inst.parameters.window_first_month = 3;
        inst.parameters.window_last_month = 5;
        inst.parameters.blocks_per_year = 1;
        inst.parameters.mixed_blocks_per_year = inst.parameters.mixed_blocks_per_year.min(1);
        for c in &mut inst.cadres {
            c.unavailable_months.retain(|m| sanlian_model::validate::parse_month(m).is_some_and(|(_, mm)| mm <= 5));
            c.blocks_owed.clear();
        }
        let (Ok(prep), Ok(rules)) = (Prepared::new(&inst), Rules::new(&inst)) else { return Ok(false) };
        let Ok(sol) = solve(&prep, &strict()) else { return Ok(false) };
        let Outcome::Planned(plan) = sol.outcome else { return Ok(false) };
        let mut slots: Vec<(usize, usize, Vec<Vec<u32>>)> = Vec::new();
        for (i, a) in plan.assignments.iter().enumerate() {
            let c = rules.cadre_index[a.cadre.as_str()];
            for (j, e) in a.years.iter().enumerate() {
                let y = (e.year - inst.first_year) as usize;
                let options = common::subsets(&rules.available_months(c, y), rules.block_count(c, y) as usize);
                if rules.mode_blocks(c) > 0 {
                    slots.push((i, j, options));
                }
            }
        }
        let space: f64 = slots.iter().map(|s| s.2.len().max(1) as f64).product();
        if space > 20_000.0 {
            return Ok(false);
        }
        let mut best: Option<usize> = None;
        let mut choice = vec![0usize; slots.len()];
        let mut trial = plan.as_ref().clone();
        if slots.iter().any(|s| s.2.is_empty()) {
            prop_assert!(false, "the solver planned months where a cadre-year has none");
        }
        loop {
            for (s, (i, j, options)) in slots.iter().enumerate() {
                let year = trial.assignments[*i].years[*j].year;
                trial.assignments[*i].years[*j].blocks = options[choice[s]]
                    .iter()
                    .map(|&m| {
                        let (first_day, last_day) = sanlian_check::reading::month_span(year, m);
                        sanlian_model::Block { month: format!("{year}-{m:02}"), first_day, last_day }
                    })
                    .collect();
            }
            let report = check_with(&rules, &trial);
            if !breaks(&report, &["H8", "H9"]) {
                best = Some(best.map_or(report.values.s3_presence, |b| b.max(report.values.s3_presence)));
            }
            let mut s = 0;
            while s < choice.len() {
                choice[s] += 1;
                if choice[s] < slots[s].2.len() {
                    break;
                }
                choice[s] = 0;
                s += 1;
            }
            if s == choice.len() {
                break;
            }
        }
        let best = best.expect("the solver's own months are among the candidates");
        prop_assert_eq!(stage(&plan, "S3a") as usize, best);
        Ok(true)
    });
}

/// S3b: with the solver's groups, every weekday (Mon–Fri, one per cadre) of the weekly and
/// mixed cadres, judged by the checker on H10.
#[test]
fn s3b_is_the_most_over_every_weekday_choice() {
    const DAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
    run_counted("S3b", tiny(), 56, |inst| {
        let (Ok(prep), Ok(rules)) = (Prepared::new(inst), Rules::new(inst)) else { return Ok(false) };
        let Ok(sol) = solve(&prep, &strict()) else { return Ok(false) };
        let Outcome::Planned(plan) = sol.outcome else { return Ok(false) };
        let weekly: Vec<usize> = (0..plan.assignments.len())
            .filter(|&i| rules.has_weekday(rules.cadre_index[plan.assignments[i].cadre.as_str()]))
            .collect();
        if weekly.len() > 6 {
            return Ok(false);
        }
        let mut best = 0;
        let mut trial = plan.as_ref().clone();
        let mut choice = vec![0usize; weekly.len()];
        loop {
            for (w, &i) in weekly.iter().enumerate() {
                for e in &mut trial.assignments[i].years {
                    e.weekday = Some(DAYS[choice[w]]);
                }
            }
            let report = check_with(&rules, &trial);
            if !breaks(&report, &["H10"]) {
                best = best.max(report.values.s3_weekdays);
            }
            let mut s = 0;
            while s < choice.len() {
                choice[s] += 1;
                if choice[s] < 5 {
                    break;
                }
                choice[s] = 0;
                s += 1;
            }
            if s == choice.len() {
                break;
            }
        }
        prop_assert_eq!(stage(&plan, "S3b") as usize, best);
        Ok(true)
    });
}

/// B1–B3 then S1 (best-effort): every grouping, completed in best-effort mode; among the
/// plans the checker accepts, the most covered townships, then senior-led groups, then
/// mixed groups, then the least S1.
#[test]
fn best_effort_goals_are_the_best_over_every_grouping() {
    run_counted("B1–B3", prop_oneof![varied(), tiny()], 80, |inst| {
        let (Ok(prep), Ok(rules)) = (Prepared::new(inst), Rules::new(inst)) else { return Ok(false) };
        let Some(all) = groupings(&rules, 2_000) else { return Ok(false) };
        let opts = SolveOptions { mode: PlanMode::BestEffort, ..SolveOptions::default() };
        let mut best: Option<((usize, usize, usize), f64)> = None;
        for g in all {
            let Some(plan) = stages::complete(&prep, &groups_of(&prep, g.clone()), &opts) else { continue };
            let report = check_with(&rules, &plan);
            if report.violations.iter().any(|v| v.rule.starts_with('H') || v.rule == "SHORTFALL") {
                continue;
            }
            let v = &report.values;
            let goals = (v.b1_covered, v.b2_senior_leaders, v.b3_mixed_groups);
            let s1: f64 = g.iter().enumerate().map(|(c, &k)| rules.s1_coefficient(c, k)).sum();
            let better = match &best {
                None => true,
                Some((bg, bs)) => goals > *bg || (goals == *bg && s1 < bs - 1e-6 * bs.abs().max(1.0)),
            };
            if better {
                best = Some((goals, s1));
            }
        }
        match (solve(&prep, &opts), best) {
            (Ok(sol), Some(((b1, b2, b3), s1))) => {
                let Outcome::Planned(plan) = sol.outcome else { unreachable!("best-effort plans") };
                let got = (stage(&plan, "B1") as usize, stage(&plan, "B2") as usize, stage(&plan, "B3") as usize);
                prop_assert_eq!(got, (b1, b2, b3));
                prop_assert!(close(stage(&plan, "S1"), s1), "S1 solver {} enumeration {s1}", stage(&plan, "S1"));
            }
            (Err(_), None) => {}
            (Ok(_), None) => prop_assert!(false, "the solver planned where no grouping gives a valid plan"),
            (Err(e), Some(b)) => prop_assert!(false, "solver: {e}; enumeration {b:?}"),
        }
        Ok(true)
    });
}

/// Determinism (invariant 6): the same instance gives the same answer, apart from timings,
/// when solved twice and with one or two HiGHS threads, in both modes.
#[test]
fn solving_is_deterministic() {
    run_counted("determinism", varied(), 48, |inst| {
        let Ok(prep) = Prepared::new(inst) else { return Ok(false) };
        for mode in [PlanMode::Strict, PlanMode::BestEffort] {
            let mut answers = Vec::new();
            for threads in [1, 1, 2] {
                let answer = match solve(&prep, &SolveOptions { threads, mode, ..SolveOptions::default() }) {
                    Ok(sol) => match sol.outcome {
                        Outcome::Planned(mut plan) => {
                            plan.seconds = 0.0;
                            for s in &mut plan.stages {
                                s.seconds = 0.0;
                            }
                            serde_json::to_string(&plan).unwrap()
                        }
                        Outcome::Infeasible(certs) => serde_json::to_string(&certs).unwrap(),
                    },
                    Err(e) => e.to_string(),
                };
                answers.push(answer);
            }
            prop_assert_eq!(&answers[0], &answers[1]);
            prop_assert_eq!(&answers[0], &answers[2]);
        }
        Ok(true)
    });
}
