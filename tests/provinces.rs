//! Real provinces planned: each irregularity's documented rule (docs/provinces.md) checked on
//! the plan — a municipality, counties directly under a province, cities without counties,
//! zones left out, and a province whose seats lie more than 1,500 km apart.

use std::path::PathBuf;

use sanlian_engine::Answer;
use sanlian_gen::china;
use sanlian_gen::province::CityRole;
use sanlian_gen::ProvinceImport;
use sanlian_model::{Instance, Level, Plan, Prepared};
use sanlian_solver::SolveOptions;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The province's import, instance and strict plan, re-checked by the checker.
fn planned(dir: &str) -> (ProvinceImport, Instance, Plan) {
    let import = china::load(&fixtures(), dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let inst = china::instance(&import);
    let prep = Prepared::new(&inst).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let opts = SolveOptions { threads: 1, ..SolveOptions::default() };
    let plan = match sanlian_engine::solve(&prep, &opts).expect("the engine answers").answer {
        Answer::Planned(p) => p.into_plan(),
        Answer::Infeasible(c) => panic!("{dir} has no strict plan: {c:?}"),
    };
    assert!(plan.stages.iter().all(|s| s.proven_optimal), "{dir}: every stage proven optimal");
    let report = sanlian_check::check(&inst, &plan).expect("the checker reads it");
    assert!(report.is_valid(), "{dir}: {:?}", report.violations);
    (import, inst, plan)
}

fn level_of(inst: &Instance, id: &str) -> Level {
    inst.cadres.iter().find(|c| c.id == id).map(|c| c.level).expect("a cadre of the roster")
}

#[test]
fn a_municipality_has_no_city_level_and_its_districts_are_groups() {
    let (import, inst, plan) = planned("beijing");
    assert!(import.municipality);
    assert!(import.cities.iter().all(|c| c.role == CityRole::Municipal), "only placeholder cities");
    assert!(inst.cadres.iter().all(|c| c.level != Level::City), "no 团市委 below the municipal committee");
    assert_eq!(plan.groups.len(), inst.region.counties.len(), "a group per district and county");
    for g in &plan.groups {
        // The upper-level member every group needs (H4) comes from the municipal committee.
        assert!(
            g.members
                .iter()
                .any(|m| matches!(level_of(&inst, m), Level::Province | Level::University | Level::Enterprise)),
            "{}: no member from above the district",
            g.county_name
        );
    }
}

#[test]
fn counties_directly_under_a_province_are_covered_by_province_cadres() {
    let (import, inst, plan) = planned("hubei");
    let direct: Vec<&str> =
        import.cities.iter().filter(|c| c.role == CityRole::DirectlyUnderProvince).map(|c| c.code.as_str()).collect();
    assert_eq!(direct.len(), 1, "湖北's 省直辖县级行政区划");
    let counties: Vec<_> = inst.region.counties.iter().filter(|k| direct.contains(&k.city.as_str())).collect();
    assert!(counties.iter().any(|k| k.name == "神农架林区"), "{counties:?}");
    for k in counties {
        let g = plan.groups.iter().find(|g| g.county == k.code).expect("a group");
        assert!(
            g.members.iter().all(|m| level_of(&inst, m) != Level::City),
            "{}: no city committee to send anyone",
            k.name
        );
        assert!(
            g.members.iter().any(|m| level_of(&inst, m) == Level::Province),
            "{}: its H4 member is the province's",
            k.name
        );
    }
}

#[test]
fn a_city_without_counties_is_one_planning_unit_with_all_its_towns() {
    let (import, inst, plan) = planned("guangdong");
    for (code, name) in [("441900", "东莞市"), ("442000", "中山市")] {
        let city = import.cities.iter().find(|c| c.code == code).expect("the city");
        assert_eq!(city.role, CityRole::WithoutCounties, "{name}");
        let units: Vec<_> = inst.region.counties.iter().filter(|k| k.city == code).collect();
        assert_eq!(units.len(), 1, "{name} is one planning unit");
        let towns = inst.region.townships.iter().filter(|t| t.county == units[0].code).count();
        assert!(towns >= 20, "{name}: its streets and towns are the unit's townships ({towns})");
        assert_eq!(plan.groups.iter().filter(|g| g.county == units[0].code).count(), 1, "{name}: one group");
    }
    assert_eq!(plan.coverage.total, plan.coverage.townships, "every township of 广东 covered");
}

#[test]
fn development_zones_are_left_out_and_listed() {
    let (import, inst, plan) = planned("hebei");
    let zones: Vec<_> = import.left_out.iter().filter(|l| l.code.as_bytes().get(4) == Some(&b'7')).collect();
    assert!(!zones.is_empty(), "河北 has development zones");
    for z in &zones {
        assert!(inst.region.counties.iter().all(|k| k.code != z.code), "{} is not a planning unit", z.name);
        assert!(plan.groups.iter().all(|g| g.county != z.code));
        assert!(
            inst.region.zones_note.as_deref().unwrap_or_default().contains(&z.name),
            "{} listed in the note",
            z.name
        );
    }
}

#[test]
fn a_province_with_seats_1500_km_apart_is_planned_strict() {
    let (_, inst, plan) = planned("xinjiang");
    let seats: Vec<_> = inst.region.counties.iter().map(|k| k.seat).collect();
    let widest = seats
        .iter()
        .flat_map(|a| seats.iter().map(move |b| sanlian_model::geo::haversine_km(*a, *b)))
        .fold(0.0_f64, f64::max);
    assert!(widest > 1500.0, "新疆's seats lie {widest:.0} km apart at most");
    assert_eq!(plan.coverage.total, plan.coverage.townships);
    // Travel is paid per the cost model on those distances: every cadre's cost is the checker's.
    assert!(plan.costs.travel > 0.0);
}
