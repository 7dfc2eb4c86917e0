//! The province–city process (issue 13): the allocation read off the province optimum lets
//! every city plan on its own, and the merged plan is valid for the province and costs
//! exactly the province optimum (the price of decentralisation is 0); the province's
//! spreading rules A1–A3 hold in the merged plan and their price is what they cost on S1.

use std::path::Path;

use sanlian_model::{Instance, Level, Spread};
use sanlian_process::{check_city_plan, decentralise, plan_city, Allocated, Merged, ProcessError};
use sanlian_solver::SolveOptions;

fn fixture(name: &str) -> Instance {
    let path = format!("{}/fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

/// A second region: synthetic province 1 of the national set (another roster, other names).
fn second_region() -> Instance {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shandong/data");
    let region = sanlian_gen::load_region(&data).unwrap().region;
    sanlian_gen::national::national(&region, 1).swap_remove(1)
}

fn run(inst: &Instance, spread: &Spread) -> (Allocated, Merged) {
    let (allocated, cities, merged, rounds) = decentralise(inst, spread, &SolveOptions::default()).expect("it plans");
    assert!(rounds <= 2);
    assert_eq!(cities.len(), allocated.allocation.cities.len());
    for c in &cities {
        let report = check_city_plan(inst, &allocated.allocation, &c.city, &c.plan).unwrap();
        assert!(report.is_valid(), "{}: {:?}", c.city, report.violations);
    }
    (allocated, merged)
}

#[track_caller]
fn assert_free(inst: &Instance, allocated: &Allocated, merged: &Merged) {
    assert!(merged.report.is_valid(), "merged plan of {}: {:#?}", inst.name, merged.report.violations);
    let p = &merged.price;
    assert!(p.price.abs() <= 1e-6 * p.province_s1.abs().max(1.0), "{}: price {p:?}", inst.name);
    let sum: f64 = p.city_s1.iter().map(|(_, s)| s).sum::<f64>() + p.dropped_penalties;
    assert!(
        (sum - p.merged_s1).abs() <= 1e-6 * sum.abs().max(1.0),
        "Σ city S1 + dropped {sum} ≠ merged {}",
        p.merged_s1
    );
    assert_eq!(allocated.allocation.cities.len(), p.city_s1.len());
    assert_eq!(merged.plan.coverage.total, inst.region.townships.len());
    // Every stage of the merged plan is proven optimal for its groups (S3a with H9 against
    // the real caps, after the quotas were read again if the cities' groups differ).
    for st in &merged.plan.stages {
        assert!(st.proven_optimal, "{}: {} bound {}", st.id, st.objective, st.bound);
    }
}

#[test]
fn shandong_decentralised_costs_nothing() {
    let inst = fixture("shandong");
    let (allocated, merged) = run(&inst, &Spread::default());
    assert_free(&inst, &allocated, &merged);
    assert!(allocated.prices.is_empty(), "no rule, no price");
    // Departments serving in several cities got quotas, adding up to at most their caps
    // (checked by Allocation::problems, which the city solves ran).
    assert!(allocated.allocation.cities.iter().any(|c| !c.quotas.is_empty()));
}

#[test]
fn a_second_region_decentralised_costs_nothing() {
    let inst = second_region();
    let (allocated, merged) = run(&inst, &Spread::default());
    assert_free(&inst, &allocated, &merged);
}

#[test]
fn shandong_spreading_rules_hold_and_are_priced() {
    let inst = fixture("shandong");
    let spread = Spread { min_province_per_city: 1, max_province_per_group: Some(4), min_cities_per_department: 3 };
    let (allocated, merged) = run(&inst, &spread);
    assert_free(&inst, &allocated, &merged);
    // A1–A3 on the merged plan, read here from the plan itself.
    let county_city: std::collections::HashMap<&str, &str> =
        inst.region.counties.iter().map(|k| (k.code.as_str(), k.city.as_str())).collect();
    let mut per_city: std::collections::HashMap<&str, usize> = Default::default();
    let mut per_county: std::collections::HashMap<&str, usize> = Default::default();
    let mut dept_cities: std::collections::HashMap<(&str, Option<&str>), std::collections::HashSet<&str>> =
        Default::default();
    for a in &merged.plan.assignments {
        let c = inst.cadres.iter().find(|c| c.id == a.cadre).unwrap();
        if c.level != Level::Province {
            continue;
        }
        *per_city.entry(county_city[a.county.as_str()]).or_default() += 1;
        *per_county.entry(a.county.as_str()).or_default() += 1;
        dept_cities
            .entry((c.unit.as_str(), c.department.as_deref()))
            .or_default()
            .insert(county_city[a.county.as_str()]);
    }
    for m in &inst.region.cities {
        assert!(per_city.get(m.code.as_str()).copied().unwrap_or(0) >= 1, "A1: {} has no province cadre", m.name);
    }
    assert!(per_county.values().all(|&n| n <= 4), "A2: {per_county:?}");
    assert!(dept_cities.values().all(|s| s.len() >= 3), "A3: {dept_cities:?}");
    // Prices: each rule alone and all together, never negative; together at least each alone.
    assert_eq!(allocated.prices.len(), 4, "{:?}", allocated.prices);
    let together = allocated.prices.last().unwrap().delta.expect("feasible together");
    for p in &allocated.prices {
        let d = p.delta.expect("feasible");
        assert!(d >= -1e-6 && d <= together + 1e-6, "{p:?}");
    }
    let s1 = allocated.plan.stages.iter().find(|s| s.id == "S1").unwrap().objective;
    assert!(
        (s1 - allocated.free_s1 - together).abs() <= 1e-6 * s1.abs(),
        "plan S1 {s1}, free {}, Δ {together}",
        allocated.free_s1
    );
    println!("{:#?}", allocated.prices);
}

#[test]
fn a_city_plan_that_breaks_its_allocation_cannot_be_submitted() {
    let inst = fixture("shandong");
    let (allocated, _) = run(&inst, &Spread::default());
    let alloc = &allocated.allocation;
    let (a, b) = (&alloc.cities[0], &alloc.cities[1]);
    let mut plan = plan_city(&inst, alloc, &a.city, &SolveOptions::default()).unwrap().plan;
    // A cadre of another city's allocation written into this city's plan.
    let foreign = b.cadres[0].clone();
    let mine = plan.assignments.iter().position(|x| a.cadres.contains(&x.cadre)).unwrap();
    let old = std::mem::replace(&mut plan.assignments[mine].cadre, foreign.clone());
    for g in &mut plan.groups {
        for m in &mut g.members {
            if *m == old {
                m.clone_from(&foreign);
            }
        }
        if g.leader.as_deref() == Some(old.as_str()) {
            g.leader = Some(foreign.clone());
        }
    }
    let report = check_city_plan(&inst, alloc, &a.city, &plan).unwrap();
    assert!(!report.is_valid());
    assert!(report.violations.iter().any(|v| v.message.contains(&foreign)), "{:#?}", report.violations);
    assert!(report.violations.iter().any(|v| v.rule == "H1" && v.subject == old), "{:#?}", report.violations);
}

#[test]
fn an_allocation_that_does_not_fit_is_refused_naming_the_place() {
    let inst = fixture("shandong");
    let (allocated, _) = run(&inst, &Spread::default());
    let mut alloc = allocated.allocation.clone();
    let moved = alloc.cities[0].cadres.remove(0);
    alloc.cities[1].cadres.push("NOBODY".into());
    let twice = alloc.cities[3].cadres[0].clone();
    alloc.cities[2].cadres.push(twice);
    let bound = inst.cadres.iter().find(|c| c.level == Level::County).unwrap().id.clone();
    alloc.cities[4].cadres.push(bound.clone());
    let quota = alloc.cities.iter().position(|c| !c.quotas.is_empty()).unwrap();
    alloc.cities[quota].quotas[0].max += 100;
    let Err(ProcessError::Allocation(problems)) =
        plan_city(&inst, &alloc, &alloc.cities[0].city, &SolveOptions::default())
    else {
        panic!("the allocation is refused")
    };
    let text: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
    let has = |what: &str| assert!(text.iter().any(|t| t.contains(what)), "no {what:?} in {text:#?}");
    has(&format!("{moved} is allocated to no city"));
    has("cities[1].cadres[");
    has("NOBODY is not on the roster");
    has("is already allocated to");
    has(&format!("{bound} is a city or county cadre"));
    has("more than its H9 cap");
    assert!(matches!(
        plan_city(&inst, &allocated.allocation, "379999", &SolveOptions::default()),
        Err(ProcessError::UnknownCity(c)) if c == "379999"
    ));
}

#[test]
fn an_allocation_that_leaves_a_city_infeasible_answers_in_the_citys_words() {
    let inst = fixture("shandong");
    let (allocated, _) = run(&inst, &Spread::default());
    let mut alloc = allocated.allocation.clone();
    // 济南 gives all its province, university and enterprise cadres to 青岛.
    let given = std::mem::take(&mut alloc.cities[0].cadres);
    alloc.cities[1].cadres.extend(given);
    alloc.cities[0].quotas.clear();
    alloc.cities[1].quotas.clear();
    match plan_city(&inst, &alloc, &alloc.cities[0].city, &SolveOptions::default()) {
        Err(ProcessError::Infeasible { city: Some(c), certificates }) => {
            assert_eq!(c, alloc.cities[0].city);
            assert!(!certificates.is_empty());
            // The certificate names counties of the city only.
            for cert in &certificates {
                assert!(cert.counties.iter().all(|k| k.starts_with("3701")), "{cert:?}");
            }
        }
        other => panic!("济南 without its allocated cadres: {:?}", other.map(|p| p.plan.coverage)),
    }
}
