//! The fair-burden options F1–F3 (docs/fairness.md), end to end.
//!
//! Generated instances are solved plain and with options (a travel cap, rotation, department
//! balance); every plan the engine returns is valid, and the test verifies each option on its
//! own from the plan's assignments and distances (its own haversine, its own H2, its own count
//! of block months). The plain plan checked against the instance with the options is rejected
//! with exactly the F1/F2/F3 violations the test computes itself. A cap below what H2 makes
//! unavoidable is refused naming the cadres; the report's figures are recomputed by hand; and
//! the Shandong fixture solves strict, valid and certified with each option.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use sanlian_check::fairness::{distribution, gini, p90, report, CadreTravel};
use sanlian_check::Verdict;
use sanlian_engine::Answer;
use sanlian_model::{Fairness, Instance, Level, Plan, Point, Prepared};
use sanlian_solver::SolveOptions;

/// Great-circle km, written here again (haversine, R = 6371 km).
fn gc(a: Point, b: Point) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let (dp, dl) = ((b.lat - a.lat).to_radians(), (b.lon - a.lon).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Road km from cadre `c`'s base to county `k`'s seat.
fn road(inst: &Instance, c: usize, k: usize) -> f64 {
    gc(inst.cadres[c].base, inst.region.counties[k].seat) * inst.parameters.road_factor
}

/// H2 by its words.
fn h2(inst: &Instance, c: usize) -> Vec<usize> {
    let cadre = &inst.cadres[c];
    let ks = &inst.region.counties;
    match cadre.level {
        Level::County => vec![ks.iter().position(|k| Some(&k.code) == cadre.home_county.as_ref()).unwrap()],
        Level::City => (0..ks.len()).filter(|&k| Some(&ks[k].city) == cadre.home_city.as_ref()).collect(),
        Level::Province => (0..ks.len()).collect(),
        Level::University | Level::Enterprise => {
            let d = |k: usize| gc(cadre.base, ks[k].seat);
            let near: Vec<usize> = (0..ks.len()).filter(|&k| d(k) <= inst.parameters.nearby_km).collect();
            if near.is_empty() {
                vec![(0..ks.len()).min_by(|&a, &b| d(a).total_cmp(&d(b))).unwrap()]
            } else {
                near
            }
        }
    }
}

/// What the test reads off a plan: each cadre's county and round trips (the latter as the
/// plan reports them; the checker verifies them against its own reading of §4).
struct Placed {
    county: Vec<Option<usize>>,
    trips: Vec<f64>,
}

fn placed(inst: &Instance, plan: &Plan) -> Placed {
    let county = inst
        .cadres
        .iter()
        .map(|c| {
            let a = plan.assignments.iter().find(|a| a.cadre == c.id)?;
            inst.region.counties.iter().position(|k| k.code == a.county)
        })
        .collect();
    let trips = inst
        .cadres
        .iter()
        .map(|c| plan.costs.cadres.iter().find(|x| x.cadre == c.id).map_or(0.0, |x| x.round_trips))
        .collect();
    Placed { county, trips }
}

/// The cadres (ids) a plan's placement breaks F1 for, by the test's own distances.
fn f1_breakers(inst: &Instance, p: &Placed, cap: f64) -> BTreeSet<String> {
    (0..inst.cadres.len())
        .filter(|&c| p.county[c].is_some_and(|k| p.trips[c] * 2.0 * road(inst, c, k) > cap * (1.0 + 1e-9)))
        .map(|c| inst.cadres[c].id.clone())
        .collect()
}

/// The cadres a plan's placement breaks F2 for: their previous county lay beyond `rotate`,
/// and they are placed beyond it although a county within the cap (F1) and within `rotate`
/// exists, or, when none does, farther than the nearest county within the cap.
fn f2_breakers(inst: &Instance, p: &Placed, cap: Option<f64>, rotate: f64) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (c, cadre) in inst.cadres.iter().enumerate() {
        let (Some(k), Some(prev)) = (p.county[c], cadre.previous_county.as_ref()) else { continue };
        let prev = inst.region.counties.iter().position(|x| &x.code == prev).unwrap();
        if road(inst, c, prev) <= rotate {
            continue;
        }
        let allowed: Vec<f64> = h2(inst, c)
            .into_iter()
            .filter(|&j| cap.is_none_or(|cap| p.trips[c] * 2.0 * road(inst, c, j) <= cap * (1.0 + 1e-9)))
            .map(|j| road(inst, c, j))
            .collect();
        let here = road(inst, c, k);
        let nearest = allowed.iter().copied().fold(f64::INFINITY, f64::min);
        let within = allowed.iter().any(|&x| x <= rotate);
        if here > rotate && (within || here > nearest * (1.0 + 1e-9)) {
            out.insert(cadre.id.clone());
        }
    }
    out
}

/// The departments ("unit" or "unit/department") with a month in which more cadres are on a
/// block than max(1, ⌈the department's block months that year ÷ window months⌉).
fn f3_breakers(inst: &Instance, plan: &Plan) -> BTreeSet<String> {
    let window = inst.parameters.window_last_month - inst.parameters.window_first_month + 1;
    let mut months: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut blocks: BTreeMap<(String, i32), u32> = BTreeMap::new();
    for a in &plan.assignments {
        let cadre = inst.cadres.iter().find(|c| c.id == a.cadre).unwrap();
        let dept = match &cadre.department {
            Some(d) => format!("{}/{d}", cadre.unit),
            None => cadre.unit.clone(),
        };
        for y in &a.years {
            for b in &y.blocks {
                *months.entry((dept.clone(), b.month.clone())).or_default() += 1;
                *blocks.entry((dept.clone(), y.year)).or_default() += 1;
            }
        }
    }
    months
        .into_iter()
        .filter(|((dept, month), away)| {
            let year: i32 = month[..4].parse().unwrap();
            let even = blocks[&(dept.clone(), year)].div_ceil(window).max(1);
            *away > even
        })
        .map(|((dept, _), _)| dept)
        .collect()
}

fn solve(inst: &Instance) -> Result<Answer, String> {
    let prep = Prepared::new(inst).map_err(|e| e.to_string())?;
    sanlian_engine::solve(&prep, &SolveOptions::default()).map(|s| s.answer).map_err(|e| e.to_string())
}

fn planned(inst: &Instance) -> Option<Plan> {
    match solve(inst).expect("solves") {
        Answer::Planned(p) => Some(p.into_plan()),
        Answer::Infeasible(_) => None,
    }
}

fn ids_of(report: &sanlian_check::Report, rule: &str) -> BTreeSet<String> {
    report.violations.iter().filter(|v| v.rule == rule).map(|v| v.subject.clone()).collect()
}

/// Every option holds in `plan`, by the test's own reading, and the checker accepts it with its
/// integral stages certified.
fn assert_options_hold(inst: &Instance, plan: &Plan) -> Result<(), TestCaseError> {
    let report = sanlian_check::check(inst, plan).unwrap();
    prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
    for (st, verdict) in plan.stages.iter().zip(&report.stages) {
        if common::lp_integral(st) {
            prop_assert_eq!(verdict.verdict, Verdict::Certified, "stage {}", st.id);
        }
    }
    let f = &inst.parameters.fairness;
    let p = placed(inst, plan);
    prop_assert!(p.county.iter().all(Option::is_some), "every cadre is placed");
    if let Some(cap) = f.max_travel_km {
        let broken = f1_breakers(inst, &p, cap);
        prop_assert!(broken.is_empty(), "F1 broken for {broken:?}");
    }
    if let Some(rotate) = f.rotate_km {
        let broken = f2_breakers(inst, &p, f.max_travel_km, rotate);
        prop_assert!(broken.is_empty(), "F2 broken for {broken:?}");
    }
    if f.balance_departments {
        let broken = f3_breakers(inst, plan);
        prop_assert!(broken.is_empty(), "F3 broken in {broken:?}");
    }
    Ok(())
}

/// The options of a case: a cap at a share of the plain plan's longest travel (never below what
/// H2 makes unavoidable), a rotation radius with the upper cadres' previous county set to the
/// farthest they may serve in, and department balance.
#[derive(Debug, Clone)]
struct Pick {
    cap_share: Option<f64>,
    rotate_km: Option<f64>,
    balance: bool,
}

fn picks() -> impl Strategy<Value = Pick> {
    (
        prop::sample::select(vec![None, Some(0.6), Some(0.85), Some(1.0)]),
        prop::sample::select(vec![None, Some(30.0), Some(90.0), Some(160.0)]),
        any::<bool>(),
    )
        .prop_map(|(cap_share, rotate_km, balance)| Pick { cap_share, rotate_km, balance })
        .prop_filter("at least one option", |p| p.cap_share.is_some() || p.rotate_km.is_some() || p.balance)
}

#[test]
fn generated_instances_keep_every_option_and_the_checker_rejects_plain_plans_that_break_them() {
    let bites = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];
    // Skipped: no valid instance or no plain plan; strict infeasible under the options.
    let (no_plain, infeasible) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let strategy = (common::shapes(), picks());
    common::run_until_compared("fair burden", file!(), &strategy, 64, 1600, |(shape, pick)| {
        let mut inst = common::build(&shape);
        if inst.cadres.is_empty() {
            return Ok(false);
        }
        if pick.rotate_km.is_some() {
            // Last round: every province and city cadre went to the farthest county it may serve in.
            for c in 0..inst.cadres.len() {
                if inst.cadres[c].level.is_upper() {
                    let far = h2(&inst, c).into_iter().max_by(|&a, &b| road(&inst, c, a).total_cmp(&road(&inst, c, b)));
                    inst.cadres[c].previous_county = far.map(|k| inst.region.counties[k].code.clone());
                }
            }
        }
        let Some((prep, plain)) = Prepared::new(&inst).ok().and_then(|prep| Some((prep, planned(&inst)?))) else {
            no_plain.fetch_add(1, Ordering::Relaxed);
            return Ok(false);
        };
        let p = placed(&inst, &plain);
        let longest =
            (0..inst.cadres.len()).map(|c| p.trips[c] * 2.0 * road(&inst, c, p.county[c].unwrap())).fold(0.0, f64::max);
        // The least cap H2 allows: every cadre's nearest travel, at most.
        let floor = (0..inst.cadres.len())
            .map(|c| prep.eligible[c].iter().map(|&k| prep.travel_km(c, k)).fold(f64::INFINITY, f64::min))
            .fold(0.0, f64::max);
        // Nudged up by a millionth, so that no cadre's km lies within rounding of the cap (two
        // readings' floats may differ in the last bits; the cadre that sets the floor, and its
        // twins, would).
        let cap = pick.cap_share.map(|s| (s * longest).max(floor) * (1.0 + 1e-6)).filter(|&cap| cap > 0.0);
        inst.parameters.fairness =
            Fairness { max_travel_km: cap, rotate_km: pick.rotate_km, balance_departments: pick.balance };
        if inst.parameters.fairness.is_off() {
            return Ok(false);
        }
        // The plain plan against the options: exactly the breaches the test computes.
        let against = sanlian_check::check(&inst, &plain).unwrap();
        let f = inst.parameters.fairness.clone();
        let expect = [
            f.max_travel_km.map(|cap| f1_breakers(&inst, &p, cap)).unwrap_or_default(),
            f.rotate_km.map(|r| f2_breakers(&inst, &p, f.max_travel_km, r)).unwrap_or_default(),
            if f.balance_departments { f3_breakers(&inst, &plain) } else { BTreeSet::new() },
        ];
        for (i, rule) in ["F1", "F2", "F3"].iter().enumerate() {
            prop_assert_eq!(
                &ids_of(&against, rule),
                &expect[i],
                "{} violations of the plain plan under {:?}: {:?}",
                rule,
                f,
                against.violations.iter().filter(|v| v.rule == *rule).collect::<Vec<_>>()
            );
            if !expect[i].is_empty() {
                bites[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        if expect.iter().any(|e| !e.is_empty()) {
            prop_assert!(!against.is_valid());
            prop_assert!(!against.rule_violations().is_empty(), "F violations make the plan invalid as a plan");
        }
        match solve(&inst) {
            Err(e) => prop_assert!(false, "a cap at or above the H2 floor is valid input: {e}"),
            Ok(Answer::Planned(plan)) => assert_options_hold(&inst, plan.plan())?,
            Ok(Answer::Infeasible(certs)) => {
                // The options made the rules impossible: each certificate re-adds from the instance.
                let prep = Prepared::new(&inst).unwrap();
                for c in &certs {
                    if let Err(e) = common::reverify(&prep, c) {
                        prop_assert!(false, "{}: {}", c.message, e);
                    }
                }
                infeasible.fetch_add(1, Ordering::Relaxed);
                return Ok(false);
            }
        }
        Ok(true)
    });
    let bites: Vec<usize> = bites.iter().map(|b| b.load(Ordering::Relaxed)).collect();
    eprintln!(
        "plain plans broken: F1 {} F2 {} F3 {}; skipped: {} without a plain plan, {} infeasible under the options",
        bites[0],
        bites[1],
        bites[2],
        no_plain.into_inner(),
        infeasible.into_inner()
    );
    assert!(bites.iter().all(|&n| n >= 3), "each option must bind in some cases: {bites:?}");
}

fn shandong() -> Instance {
    let path = format!("{}/fixtures/shandong/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn shandong_solves_strict_valid_and_certified_with_each_option() {
    let base = shandong();
    let plain = planned(&base).expect("Shandong is feasible");
    // Last round as the plain plan: who went far then must not go far again.
    let mut rotated = base.clone();
    for a in &plain.assignments {
        rotated.cadres.iter_mut().find(|c| c.id == a.cadre).unwrap().previous_county = Some(a.county.clone());
    }
    let f1 = Fairness { max_travel_km: Some(7300.0), ..Fairness::default() };
    let f2 = Fairness { rotate_km: Some(200.0), ..Fairness::default() };
    let f3 = Fairness { balance_departments: true, ..Fairness::default() };
    let all = Fairness { max_travel_km: Some(7300.0), rotate_km: Some(200.0), balance_departments: true };
    for (name, base, f) in [("F1", &base, f1), ("F2", &rotated, f2), ("F3", &base, f3), ("all", &rotated, all)] {
        let mut inst = base.clone();
        inst.parameters.fairness = f;
        let plan = planned(&inst).unwrap_or_else(|| panic!("{name}: infeasible"));
        assert_eq!(plan.mode, sanlian_model::PlanMode::Strict);
        assert!(plan.stages.iter().all(|s| s.proven_optimal), "{name}");
        assert_eq!(plan.parameters.fairness, inst.parameters.fairness, "{name}: the plan echoes the options");
        assert_options_hold(&inst, &plan).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The plain plan breaks each option on Shandong, and the checker says where.
        // (Echoing the options, so that only the rules are compared.)
        let echoed = Plan { parameters: inst.parameters.clone(), ..plain.clone() };
        let against = sanlian_check::check(&inst, &echoed).unwrap();
        let rule = if name == "all" { "F" } else { name };
        assert!(against.violations.iter().any(|v| v.rule.starts_with(rule)), "{name}: the plain plan keeps it");
    }
}

#[test]
fn a_cap_below_what_h2_allows_names_the_cadres_and_the_least_cap() {
    let mut inst = shandong();
    inst.parameters.fairness.max_travel_km = Some(1000.0);
    let err = Prepared::new(&inst).expect_err("the cap is impossible");
    let sanlian_model::InputError::Invalid { problems, .. } = &err else { panic!("{err}") };
    assert_eq!(problems.len(), 1, "{err}");
    let p = &problems[0];
    assert_eq!(p.path, "parameters.fairness.max_travel_km");
    // The test's own count: cadres whose every H2 county is beyond the cap, by its own km.
    let plain = planned(&shandong()).unwrap();
    let trips = placed(&inst, &plain).trips;
    let least: Vec<(usize, f64)> = (0..inst.cadres.len())
        .map(|c| {
            (c, h2(&inst, c).into_iter().map(|k| trips[c] * 2.0 * road(&inst, c, k)).fold(f64::INFINITY, f64::min))
        })
        .filter(|&(_, km)| km > 1000.0)
        .collect();
    assert!(least.len() > 5, "the case names a few and counts the rest");
    let en = p.msg.text(sanlian_model::Lang::En);
    assert!(en.contains(&format!("allows {} cadre(s)", least.len())), "{en}");
    let (c0, km0) = least[0];
    let first =
        format!("{} {} (at least {:.1} km)", inst.cadres[c0].id, inst.cadres[c0].name, (km0 * 10.0).ceil() / 10.0);
    assert!(en.contains(&first), "{en}\nwants {first}");
    assert!(en.contains(&format!("and {} more", least.len() - 5)), "{en}");
    let need = least.iter().map(|&(_, km)| km).fold(0.0, f64::max);
    assert!(en.contains(&format!("at least {:.1} km, or be lifted", (need * 10.0).ceil() / 10.0)), "{en}");
    let zh = p.msg.text(sanlian_model::Lang::Zh);
    assert!(zh.contains(&inst.cadres[c0].name) && zh.contains("公里"), "{zh}");
    // At the least cap it names, the instance is valid input.
    inst.parameters.fairness.max_travel_km = Some((need * 10.0).ceil() / 10.0);
    assert!(Prepared::new(&inst).is_ok());
    // Out of range: not finite, not positive, above the limit.
    for bad in [0.0, -5.0, f64::INFINITY, 2.0e7] {
        inst.parameters.fairness.max_travel_km = Some(bad);
        let e = Prepared::new(&inst).expect_err("out of range").to_string();
        assert!(e.contains("parameters.fairness.max_travel_km"), "{e}");
    }
    inst.parameters.fairness.max_travel_km = None;
    inst.parameters.fairness.rotate_km = Some(-1.0);
    assert!(Prepared::new(&inst).expect_err("out of range").to_string().contains("parameters.fairness.rotate_km"));
}

#[test]
fn a_lock_where_the_options_bar_a_cadre_is_refused_at_the_lock() {
    let mut inst = shandong();
    // P001 of 团省委 locked into the county farthest from its base, under a cap that bars it.
    let c = inst.cadres.iter().position(|x| x.id == "P001").unwrap();
    let far = (0..inst.region.counties.len()).max_by(|&a, &b| road(&inst, c, a).total_cmp(&road(&inst, c, b))).unwrap();
    let code = inst.region.counties[far].code.clone();
    inst.locks.push(sanlian_model::Lock::new(sanlian_model::LockKind::County, "P001").county(code.clone()));
    inst.parameters.fairness.max_travel_km = Some(7300.0);
    let e = Prepared::new(&inst).expect_err("the lock breaks F1").to_string();
    assert!(e.contains("locks[0].county") && e.contains("P001") && e.contains(&code) && e.contains("F1"), "{e}");
}

#[test]
fn the_report_figures_match_a_hand_computation() {
    // Synthetic cadres with round numbers of km.
    let travel = |km: f64, trips: f64, level: Level, unit: &str| CadreTravel {
        cadre: format!("X{km}"),
        name: String::new(),
        level,
        unit: unit.into(),
        county: String::new(),
        road_km: km / (2.0 * trips),
        trips,
        km,
    };
    let four: Vec<CadreTravel> =
        [1000.0, 4000.0, 2000.0, 3000.0].iter().map(|&k| travel(k, 8.0, Level::Province, "A")).collect();
    let d = distribution(&four);
    assert_eq!((d.n, d.total_km, d.mean_km, d.max_km, d.max_trips), (4, 10_000.0, 2_500.0, 4_000.0, 8.0));
    // Nearest rank: ⌈0.9 × 4⌉ = 4th smallest.
    assert_eq!(d.p90_km, 4000.0);
    // Σ over ordered pairs |xi − xj| = 2 × (1+2+3+1+2+1) × 1000 = 20,000; ÷ (2 × 16 × 2,500) = 0.25.
    assert!((d.gini - 0.25).abs() < 1e-12, "{}", d.gini);
    // Ten cadres, 100 … 1,000 km: p90 is the 9th smallest; Gini by pairs = 0.3.
    let ten: Vec<CadreTravel> = (1..=10).map(|i| travel(100.0 * i as f64, 2.0, Level::City, "B")).collect();
    let d = distribution(&ten);
    assert_eq!(d.p90_km, 900.0);
    let pairs: f64 = ten.iter().flat_map(|a| ten.iter().map(move |b| (a.km - b.km).abs())).sum();
    assert!((d.gini - pairs / (2.0 * 100.0 * d.mean_km)).abs() < 1e-12);
    assert!((d.gini - 0.3).abs() < 1e-12, "{}", d.gini);
    assert_eq!(p90(&[7.0]), 7.0);
    assert_eq!(gini(&[5.0, 5.0]), 0.0);
    assert_eq!(distribution(&[]).n, 0);

    // A solved fixture: every figure recomputed from the plan's costs (road km × trips).
    let path = format!("{}/fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    let inst = Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let plan = planned(&inst).unwrap();
    let rules = sanlian_check::Rules::new(&inst).unwrap();
    let r = report(&rules, &plan, Some(50.0));
    assert_eq!(r.cadres.len(), inst.cadres.len());
    let mut km: Vec<f64> = plan.costs.cadres.iter().map(|c| c.round_trips * 2.0 * c.road_km).collect();
    for (got, cost) in r.cadres.iter().zip(&plan.costs.cadres) {
        assert_eq!(got.cadre, cost.cadre);
        assert!((got.km - cost.round_trips * 2.0 * cost.road_km).abs() < 1e-6);
        // The fare is the only difference between the km and the travel cost.
        assert!((got.km * inst.parameters.fare_per_km - cost.travel).abs() < 1e-6);
    }
    km.sort_by(f64::total_cmp);
    let n = km.len();
    assert!((r.all.max_km - km[n - 1]).abs() < 1e-6);
    assert!((r.all.p90_km - km[(9 * n).div_ceil(10) - 1]).abs() < 1e-6);
    let mean = km.iter().sum::<f64>() / n as f64;
    let pairs: f64 = km.iter().flat_map(|a| km.iter().map(move |b| (a - b).abs())).sum();
    assert!((r.all.gini - pairs / (2.0 * (n * n) as f64 * mean)).abs() < 1e-9);
    assert_eq!(r.levels.iter().map(|l| l.travel.n).sum::<usize>(), n);
    assert_eq!(r.units.iter().map(|u| u.travel.n).sum::<usize>(), n);
    for u in &r.units {
        let of: Vec<&CadreTravel> = r.cadres.iter().filter(|c| c.unit == u.unit).collect();
        assert_eq!(u.travel, distribution(of));
    }
    // Department months: the plan's blocks per department-year, and the even spread.
    let blocks: u32 = plan.assignments.iter().flat_map(|a| &a.years).map(|y| y.blocks.len() as u32).sum();
    assert_eq!(r.departments.iter().map(|d| d.blocks).sum::<u32>(), blocks);
    assert!(r.departments.iter().all(|d| d.even == d.blocks.div_ceil(10).max(1) && d.busiest >= 1));
    let rot = r.rotation.as_ref().unwrap();
    assert_eq!(rot.went_far, 0, "the small fixture has no previous counties");
    // Serialises (the CLI's --json).
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["all"]["n"], n);
}

#[test]
fn fixture_files_read_and_write_as_before() {
    // Options off are left out of the JSON form, so every committed fixture keeps its bytes.
    let p = sanlian_model::Parameters::default();
    assert!(!serde_json::to_string(&p).unwrap().contains("fairness"));
    let json = serde_json::to_value(Fairness { max_travel_km: Some(5.0), ..Fairness::default() }).unwrap();
    assert_eq!(json, serde_json::json!({"max_travel_km": 5.0}));
    let bad: Result<Fairness, _> = serde_json::from_str(r#"{"max_travel": 5}"#);
    assert!(bad.is_err(), "unknown fields are refused");
    let inst = shandong();
    assert!(inst.parameters.fairness.is_off());
}
