//! Property tests of the province–city process (issue 13) on generated instances of one to
//! three cities: under the allocation read off the province optimum, every city plans, the
//! merged plan is valid for the province (every rule, H9 against the real caps, the
//! spreading rules A1–A3) and costs exactly the optimum; under a random allocation (cadres
//! moved to other cities they may serve, quotas split at random) that every city can plan,
//! the merged plan is still valid for the province and never cheaper than the optimum.

mod common;

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sanlian_model::allocation::is_allocated_level;
use sanlian_model::{Allocation, Instance, Plan, Prepared, Spread};
use sanlian_process::{allocate, merge, plan_cities, ProcessError};
use sanlian_solver::SolveOptions;

fn spreads() -> impl Strategy<Value = Spread> {
    (0u32..=1, prop::option::of(2u32..=4), 0u32..=2).prop_map(|(a1, a2, a3)| Spread {
        min_province_per_city: a1,
        max_province_per_group: a2,
        min_cities_per_department: a3,
    })
}

/// Plan every city and merge; `None` when some city has no plan under `allocation`.
fn merged(inst: &Instance, allocation: &Allocation, province: &Plan) -> Option<sanlian_process::Merged> {
    let opts = SolveOptions::default();
    match plan_cities(inst, allocation, &opts) {
        Ok(cities) => {
            let plans: Vec<(String, Plan)> = cities.into_iter().map(|c| (c.city, c.plan)).collect();
            Some(merge(inst, allocation, province, &plans, &opts).expect("every city planned: the plans merge"))
        }
        // A city the allocation leaves without a plan: certificates, or rules its
        // sub-instance cannot keep (more province cadres than A2 leaves room for).
        Err(ProcessError::Infeasible { city: Some(_), .. } | ProcessError::Input(_)) => None,
        Err(e) => panic!("{e}"),
    }
}

/// `allocation` with the allocated cadres picked by `picks` moved to another city they may
/// serve (H2 in the province instance), and every quota of a department and month split at
/// random among the cities, adding up to at most the cap.
fn shuffled(prep: &Prepared, allocation: &Allocation, template: &Plan, picks: &[u32]) -> Allocation {
    let inst = prep.inst;
    let mut out = allocation.clone();
    let mut pick = picks.iter().copied().cycle();
    let city_of_county = |k: usize| inst.region.counties[k].city.as_str();
    for (c, cadre) in inst.cadres.iter().enumerate() {
        if !is_allocated_level(cadre.level) || pick.next().unwrap() % 3 != 0 {
            continue;
        }
        let mut cities: Vec<&str> = prep.eligible[c].iter().map(|&k| city_of_county(k)).collect();
        cities.sort_unstable();
        cities.dedup();
        let to = cities[pick.next().unwrap() as usize % cities.len()];
        for share in &mut out.cities {
            share.cadres.retain(|id| *id != cadre.id);
        }
        let share = out.cities.iter_mut().find(|s| s.city == to).expect("a city of the allocation");
        share.cadres.push(cadre.id.clone());
    }
    let order: std::collections::HashMap<&str, usize> =
        inst.cadres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    for share in &mut out.cities {
        share.cadres.sort_by_key(|id| order[id.as_str()]);
    }
    // New quotas: every department split across cities by the shuffle, each month's cap
    // dealt out at random.
    let fresh = Allocation::from_plan(prep, &empty_plan(inst, &out, template), &out.spread);
    let mut months: std::collections::BTreeMap<(String, Option<String>, String), Vec<usize>> = Default::default();
    for (i, share) in fresh.cities.iter().enumerate() {
        for q in &share.quotas {
            months.entry((q.unit.clone(), q.department.clone(), q.month.clone())).or_default().push(i);
        }
    }
    for share in &mut out.cities {
        share.quotas.clear();
    }
    for ((unit, department, month), cities) in months {
        let total: u32 = cities
            .iter()
            .map(|&i| {
                fresh.cities[i]
                    .quotas
                    .iter()
                    .find(|q| q.unit == unit && q.department == department && q.month == month)
                    .unwrap()
                    .max
            })
            .sum();
        let mut left = total;
        for (j, &i) in cities.iter().enumerate() {
            let max = if j + 1 == cities.len() { left } else { pick.next().unwrap() % (left + 1) };
            left -= max;
            out.cities[i].quotas.push(sanlian_model::DepartmentQuota {
                unit: unit.clone(),
                department: department.clone(),
                month: month.clone(),
                max,
            });
        }
    }
    out
}

/// `template` with every cadre placed in the first county of its allocated (or home) city and
/// nobody on a block: what `Allocation::from_plan` needs to read cities and spare caps.
fn empty_plan(inst: &Instance, allocation: &Allocation, template: &Plan) -> Plan {
    let first_county = |city: &str| inst.region.counties.iter().find(|k| k.city == city).unwrap().code.clone();
    let city_of_cadre = |c: &sanlian_model::Cadre| -> String {
        match c.level {
            sanlian_model::Level::City => c.home_city.clone().unwrap(),
            sanlian_model::Level::County => {
                let k = c.home_county.as_deref().unwrap();
                inst.region.counties.iter().find(|x| x.code == k).unwrap().city.clone()
            }
            _ => allocation.cities.iter().find(|s| s.cadres.contains(&c.id)).unwrap().city.clone(),
        }
    };
    let mut plan = template.clone();
    for a in &mut plan.assignments {
        let cadre = inst.cadres.iter().find(|c| c.id == a.cadre).expect("a roster cadre");
        a.county = first_county(&city_of_cadre(cadre));
        for e in &mut a.years {
            e.blocks.clear();
        }
    }
    plan
}

#[test]
fn decentralised_plans_merge_into_valid_province_plans() {
    // A fixed seed: the counts asserted below must not depend on the run.
    let mut runner = TestRunner::new_with_rng(
        Config { cases: 160, source_file: Some(file!()), ..Config::default() },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let (optimum, random) = (Cell::new(0usize), Cell::new(0usize));
    runner
        .run(&(common::shapes(), spreads(), prop::collection::vec(any::<u32>(), 16..64)), |(shape, spread, picks)| {
            let inst = common::build(&shape);
            let allocated = match allocate(&inst, &spread, &SolveOptions::default()) {
                Ok(a) => a,
                // Spreading rules no plan can keep (refused by validation, or infeasible).
                Err(ProcessError::Infeasible { city: None, .. } | ProcessError::Input(_)) => return Ok(()),
                Err(e) => panic!("{e}"),
            };
            // The optimum's allocation: every city plans, the merge is valid and free.
            let m =
                merged(&inst, &allocated.allocation, &allocated.plan).expect("the optimum's allocation is feasible");
            prop_assert!(m.report.is_valid(), "{:#?}", m.report.violations);
            prop_assert!(m.price.price.abs() <= 1e-6 * m.price.province_s1.abs().max(1.0), "{:?}", m.price);
            optimum.set(optimum.get() + 1);
            // A random allocation: when every city can plan, the merge is valid.
            let ruled = sanlian_process::with_spread(&inst, &spread);
            let prep = Prepared::new(&ruled).unwrap();
            let other = shuffled(&prep, &allocated.allocation, &allocated.plan, &picks);
            prop_assert!(other.problems(&prep).is_empty(), "{:?}", other.problems(&prep));
            if let Some(m) = merged(&inst, &other, &allocated.plan) {
                let broken: Vec<_> =
                    m.report.rule_violations().into_iter().filter(|v| !v.rule.starts_with('A')).collect();
                prop_assert!(broken.is_empty(), "{broken:#?}");
                prop_assert!(m.price.price >= -1e-6 * m.price.province_s1.abs().max(1.0), "{:?}", m.price);
                random.set(random.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    assert!(optimum.get() >= 40, "too few generated instances planned: {}", optimum.get());
    assert!(random.get() >= 10, "too few random allocations planned: {}", random.get());
    println!("optimum allocations {}, random allocations planned {}", optimum.get(), random.get());
}
