//! The two readings of the rules agree exactly: the solver's (`sanlian_model::Prepared`)
//! and the checker's own (`sanlian_check::Rules`, written separately from PLANNING_RULES),
//! on eligibility (H2), service and activity, blocks (H8), department caps (H9), the cost
//! model (§4), the S1/S2 coefficients (§5) and robust planning's N1 and N2
//! (docs/robust.md), on generated instances.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sanlian_check::Rules;
use sanlian_model::Prepared;

/// Every rule definition, compared value by value (floats bit for bit, except that
/// 0.0 and −0.0 are equal).
fn agree(prep: &Prepared, rules: &Rules) -> Result<(), String> {
    let inst = prep.inst;
    let n = inst.cadres.len();
    let differ = |what: &str, c: usize, a: String, b: String| {
        Err(format!("{what} of {}: solver reads {a}, checker reads {b}", inst.cadres[c].id))
    };
    if prep.departments != rules.departments || prep.department_of != rules.department_of {
        return Err(format!("departments: {:?} vs {:?}", prep.departments, rules.departments));
    }
    for y in 0..2 {
        for d in 0..prep.departments.len() {
            if prep.department_size(d, y) != rules.department_size(d, y) {
                return Err(format!("department size of {} in year {y}", prep.departments[d]));
            }
            if prep.department_cap(d, y) != rules.department_cap(d, y) {
                return Err(format!("H9 cap of {} in year {y}", prep.departments[d]));
            }
        }
    }
    if prep.stretch_starts(0..n) != rules.stretch_days(0..n) {
        return Err(format!("stretch days {:?} vs {:?}", prep.stretch_starts(0..n), rules.stretch_days(0..n)));
    }
    let mut days = prep.stretch_starts(0..n);
    days.extend(inst.cadres.iter().flat_map(|c| [c.from, c.until]).flatten());
    for c in 0..n {
        if prep.eligible[c] != rules.eligible[c] {
            return differ("H2 eligibility", c, format!("{:?}", prep.eligible[c]), format!("{:?}", rules.eligible[c]));
        }
        if prep.blocks(c) != rules.mode_blocks(c) || prep.has_weekday(c) != rules.has_weekday(c) {
            return differ("mode", c, format!("{}", prep.blocks(c)), format!("{}", rules.mode_blocks(c)));
        }
        for y in 0..2 {
            if prep.active(c, y) != rules.active(c, y) {
                return differ("activity", c, format!("{}", prep.active(c, y)), format!("{}", rules.active(c, y)));
            }
            if prep.serves_whole_year(c, y) != rules.serves_whole_year(c, y) {
                return differ("whole year", c, String::new(), String::new());
            }
            for m in 1..=12 {
                if inst.parameters.window_months().contains(&m)
                    && prep.serves_month(c, y, m) != rules.serves_month(c, y, m)
                {
                    return differ("service month", c, format!("{m}"), String::new());
                }
            }
            if prep.available_months(c, y) != rules.available_months(c, y) {
                return differ(
                    "available months",
                    c,
                    format!("{:?}", prep.available_months(c, y)),
                    format!("{:?}", rules.available_months(c, y)),
                );
            }
            let (least, most) = prep.block_range(c, y);
            if least != most || least != rules.block_count(c, y) {
                return differ("H8 blocks", c, format!("{least}..{most}"), format!("{}", rules.block_count(c, y)));
            }
        }
        for &d in &days {
            if prep.serves_on(c, d) != rules.serves_on(c, d) {
                return differ("service on a day", c, format!("{d}: {}", prep.serves_on(c, d)), String::new());
            }
        }
        if prep.round_trips(c) != rules.round_trips(c) {
            return differ("round trips", c, format!("{}", prep.round_trips(c)), format!("{}", rules.round_trips(c)));
        }
        for k in 0..prep.n_counties() {
            if prep.road_km(c, k) != rules.road_km(c, k) || prep.travel_cost(c, k) != rules.travel(c, k) {
                return differ("travel", c, format!("{}", prep.travel_cost(c, k)), format!("{}", rules.travel(c, k)));
            }
            if prep.s1_coefficient(c, k) != rules.s1_coefficient(c, k) {
                return differ("S1 coefficient", c, format!("{k}"), String::new());
            }
        }
        for t in 0..inst.region.townships.len() {
            if prep.matches(c, t) != rules.matches(c, t) {
                return differ("S2 matches", c, format!("{}", prep.matches(c, t)), format!("{}", rules.matches(c, t)));
            }
        }
    }
    // The fair-burden options: F1's km, F3's block months and the caps in every month.
    for c in 0..n {
        for k in 0..prep.n_counties() {
            if prep.travel_km(c, k) != rules.travel_km(c, k) {
                return differ(
                    "F1 travel km",
                    c,
                    format!("{}", prep.travel_km(c, k)),
                    format!("{}", rules.travel_km(c, k)),
                );
            }
        }
    }
    for y in 0..2 {
        for d in 0..prep.departments.len() {
            if prep.department_blocks(d, y) != rules.department_blocks(d, y)
                || prep.balance_cap(d, y) != rules.balance_cap(d, y)
            {
                return Err(format!("F3 blocks or cap of {} in year {y}", prep.departments[d]));
            }
            for m in inst.parameters.window_months() {
                if prep.department_cap_in(d, y, m) != rules.department_cap_in(d, y, m) {
                    return Err(format!("H9/F3 cap of {} in {y}-{m}", prep.departments[d]));
                }
            }
        }
    }
    // The planner's locks (P1–P9), as each side resolves them.
    let (pl, rl) = (&prep.locks, &rules.locks);
    for c in 0..n {
        let mut no_lead = rl.no_lead[c].clone();
        no_lead.sort_unstable();
        no_lead.dedup();
        if pl.no_lead[c] != no_lead {
            return differ("P4 counties", c, format!("{:?}", pl.no_lead[c]), format!("{no_lead:?}"));
        }
        if pl.weekday[c] != rl.weekday[c] {
            return differ("P9 weekday", c, format!("{:?}", pl.weekday[c]), format!("{:?}", rl.weekday[c]));
        }
        for y in 0..2 {
            if pl.township[c][y] != rl.township[c][y] {
                return differ(
                    "P5 township",
                    c,
                    format!("{:?}", pl.township[c][y]),
                    format!("{:?}", rl.township[c][y]),
                );
            }
            let mut barred = rl.not_township[c][y].clone();
            barred.sort_unstable();
            barred.dedup();
            if pl.not_township[c][y] != barred {
                return differ("P6 townships", c, format!("{:?}", pl.not_township[c][y]), format!("{barred:?}"));
            }
            for m in 1..=12u32 {
                if (pl.months[c][y] & (1 << m) != 0) != rl.month_locked(c, y, m) {
                    return differ("P7 month", c, format!("{m}"), String::new());
                }
                if (pl.not_months[c][y] & (1 << m) != 0) != rl.month_barred(c, y, m) {
                    return differ("P8 month", c, format!("{m}"), String::new());
                }
            }
        }
    }
    for k in 0..prep.n_counties() {
        if pl.leader_of[k] != rl.leader[k] || pl.waste[k] != rl.waste[k] {
            return Err(format!("P3 leader or P5 repeats of county {}", inst.region.counties[k].code));
        }
    }
    robustness_agrees(prep, rules)
}

/// Robust planning (docs/robust.md): both readings give the same robustness, group by group,
/// for a few groupings (each cadre in its first, its last and a scattered eligible county)
/// and reaches from none to all.
fn robustness_agrees(prep: &Prepared, rules: &Rules) -> Result<(), String> {
    let n = prep.n_cadres();
    let pick: [&dyn Fn(usize, usize) -> usize; 3] = [&|_, _| 0, &|_, len| len - 1, &|c, len| (7 * c + 3) % len];
    for choose in pick {
        let county_of: Vec<usize> = (0..n).map(|c| prep.eligible[c][choose(c, prep.eligible[c].len())]).collect();
        let mut members = vec![Vec::new(); prep.n_counties()];
        for (c, &k) in county_of.iter().enumerate() {
            members[k].push(c);
        }
        for reach_km in [15.0, 80.0, 400.0] {
            let robust = sanlian_model::Robust { reach_km, at_least: None };
            let solver = sanlian_solver::robust::assess(prep, &county_of, &robust);
            let checker = sanlian_check::robust::robustness(rules, &members, &robust);
            if solver != checker {
                return Err(format!("robustness at {reach_km} km: solver reads {solver:?}, checker reads {checker:?}"));
            }
        }
    }
    Ok(())
}

/// Up to six random locks of every kind (many of them can never hold: `Prepared` refuses those,
/// and the comparison is made only where it accepts them).
fn random_locks(inst: &sanlian_model::Instance, mut seed: u64) -> Vec<sanlian_model::Lock> {
    use sanlian_model::{Lock, LockKind};
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let days = [chrono::Weekday::Mon, chrono::Weekday::Wed, chrono::Weekday::Fri];
    (0..1 + next(6))
        .map(|_| {
            let cadre = inst.cadres[next(inst.cadres.len())].id.clone();
            let county = inst.region.counties[next(inst.region.counties.len())].code.clone();
            let town = inst.region.townships[next(inst.region.townships.len())].code.clone();
            let year = inst.first_year + next(2) as i32;
            let month = format!("{year}-{:02}", 3 + next(10));
            let kind = LockKind::ALL[next(9)];
            let lock = Lock::new(kind, cadre);
            match kind {
                LockKind::County | LockKind::NotCounty | LockKind::Leader | LockKind::NotLeader => lock.county(county),
                LockKind::Township | LockKind::NotTownship => lock.township(town, year),
                LockKind::Months | LockKind::NotMonths => lock.months([month]),
                LockKind::Weekday => lock.weekday(days[next(3)]),
            }
        })
        .collect()
}

/// 80 instances with locks compared; instances whose locks cannot hold (the model refuses
/// them) are skipped, at most six per compared one.
#[test]
fn the_solver_and_the_checker_read_the_locks_alike() {
    let strategy = (common::shapes(), any::<u64>());
    common::run_until_compared("lock readings", file!(), &strategy, 80, 480, |(shape, seed)| {
        let base = common::build(&shape);
        if base.cadres.is_empty() {
            return Ok(false);
        }
        let inst = sanlian_model::Instance { locks: random_locks(&base, seed | 1), ..base };
        // The checker reads every field-valid lock; whether a lock can hold is the model's call.
        let (Ok(rules), Ok(prep)) = (Rules::new(&inst), Prepared::new(&inst)) else { return Ok(false) };
        if let Err(e) = agree(&prep, &rules) {
            prop_assert!(false, "{e} with {:?}", inst.locks);
        }
        Ok(true)
    });
}

#[test]
fn the_solver_and_the_checker_read_the_rules_alike() {
    let (checked, skipped) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(Config { cases: 256, source_file: Some(file!()), ..Config::default() });
    let result = runner.run(&(common::shapes(), common::variations()), |(shape, variation)| {
        let inst = common::vary(common::build(&shape), &variation);
        let (Ok(prep), Ok(rules)) = (Prepared::new(&inst), Rules::new(&inst)) else {
            prop_assert!(
                Prepared::new(&inst).is_err() && Rules::new(&inst).is_err(),
                "one reading refuses the instance"
            );
            skipped.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        checked.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = agree(&prep, &rules) {
            prop_assert!(false, "{e}");
        }
        Ok(())
    });
    let (checked, skipped) = (checked.into_inner(), skipped.into_inner());
    eprintln!("readings: {checked} instances compared, {skipped} refused by both");
    result.unwrap();
    assert!(checked >= 200, "only {checked} of 256 generated instances were compared ({skipped} refused)");
}

#[test]
fn the_fixtures_are_read_alike() {
    for name in ["small", "shandong", "infeasible"] {
        let path = format!("{}/fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
        let inst = sanlian_model::Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        let (prep, rules) = (Prepared::new(&inst).unwrap(), Rules::new(&inst).unwrap());
        agree(&prep, &rules).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// 128 instances with fair-burden options compared (a travel cap, rotation with previous
/// counties, department balance, and locks): where the model accepts the options, both readings
/// narrow eligibility and the caps alike; where it refuses a travel cap, the checker's own reading
/// leaves some cadre no county within it.
#[test]
fn the_solver_and_the_checker_read_the_fair_burden_options_alike() {
    let strategy = (
        common::shapes(),
        common::variations(),
        any::<u64>(),
        prop::sample::select(vec![None, Some(50.0), Some(400.0), Some(1500.0), Some(4000.0)]),
        prop::sample::select(vec![None, Some(10.0), Some(40.0), Some(120.0)]),
        any::<bool>(),
    );
    let refused = AtomicUsize::new(0);
    common::run_until_compared(
        "fair-burden readings",
        file!(),
        &strategy,
        128,
        600,
        |(shape, variation, seed, cap, rotate, balance)| {
            let mut inst = common::vary(common::build(&shape), &variation);
            if inst.cadres.is_empty() {
                return Ok(false);
            }
            // Every third cadre went to the last county last round.
            let last = inst.region.counties.last().unwrap().code.clone();
            for c in inst.cadres.iter_mut().step_by(3) {
                c.previous_county = Some(last.clone());
            }
            if seed % 3 == 0 {
                inst.locks = random_locks(&inst, seed | 1);
            }
            inst.parameters.fairness =
                sanlian_model::Fairness { max_travel_km: cap, rotate_km: rotate, balance_departments: balance };
            let Ok(rules) = Rules::new(&inst) else { return Ok(false) };
            match Prepared::new(&inst) {
                Ok(prep) => {
                    if let Err(e) = agree(&prep, &rules) {
                        prop_assert!(false, "{e} with {:?}", inst.parameters.fairness);
                    }
                    Ok(true)
                }
                Err(e) => {
                    let text = e.to_string();
                    if text.contains("parameters.fairness.max_travel_km") {
                        refused.fetch_add(1, Ordering::Relaxed);
                        prop_assert!(
                            rules.fair_eligible.iter().any(Vec::is_empty),
                            "the model refuses the cap, the checker finds a county within it for everyone: {text}"
                        );
                    }
                    Ok(false)
                }
            }
        },
    );
    eprintln!("fair-burden readings: {} caps refused as impossible", refused.into_inner());
}
