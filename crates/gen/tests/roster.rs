use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use sanlian_gen::tightness::{necessary_problems, report, senior_shortfall, tightness, witness};
use sanlian_gen::{fixtures, generate, load_region, make_infeasible, RosterSpec};
use sanlian_model::{Instance, Level, Prepared, Region};

fn region() -> &'static Region {
    static R: OnceLock<Region> = OnceLock::new();
    R.get_or_init(|| {
        load_region(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shandong/data")).unwrap().region
    })
}

fn shandong() -> &'static Instance {
    static I: OnceLock<Instance> = OnceLock::new();
    I.get_or_init(|| fixtures::shandong(region()))
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let spec = RosterSpec::default();
    let a = serde_json::to_string(&generate(region(), &spec, 7)).unwrap();
    let b = serde_json::to_string(&generate(region(), &spec, 7)).unwrap();
    let c = serde_json::to_string(&generate(region(), &spec, 8)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn shandong_roster_has_the_specified_shape() {
    let inst = shandong();
    inst.validate().unwrap();
    Prepared::new(inst).unwrap();
    let n = inst.cadres.len();
    assert!((1000..=1100).contains(&n), "{n} cadres");
    let mut per_level: BTreeMap<Level, (usize, usize)> = BTreeMap::new();
    for c in &inst.cadres {
        let e = per_level.entry(c.level).or_default();
        e.0 += 1;
        e.1 += usize::from(c.senior);
    }
    assert_eq!(per_level[&Level::Province], (120, 60));
    assert_eq!(per_level[&Level::City], (16 * 12, 16 * 5));
    assert_eq!(per_level[&Level::University], (30, 8));
    assert_eq!(per_level[&Level::Enterprise], (20, 5));
    assert_eq!(per_level[&Level::County].1, 0);

    let depts: BTreeSet<&str> =
        inst.cadres.iter().filter(|c| c.level == Level::Province).map(|c| c.department.as_deref().unwrap()).collect();
    assert_eq!(depts.len(), 10);
    assert!(inst
        .cadres
        .iter()
        .all(|c| c.level == Level::Province || c.level == Level::County || c.department.is_none()));

    let mut per_county: BTreeMap<&str, usize> = BTreeMap::new();
    for c in inst.cadres.iter().filter(|c| c.level == Level::County) {
        *per_county.entry(c.home_county.as_deref().unwrap()).or_default() += 1;
        assert!(c.unit.starts_with('团') && c.unit.ends_with('委'));
        assert!(c.id.starts_with(&format!("K{}-", c.home_county.as_deref().unwrap())));
    }
    assert_eq!(per_county.len(), 136);
    let county_units: BTreeSet<&str> =
        inst.cadres.iter().filter(|c| c.level == Level::County).map(|c| c.unit.as_str()).collect();
    assert_eq!(county_units.len(), 136);
    assert!(county_units.contains("团枣庄市市中区委") && county_units.contains("团济南市市中区委"));
    assert!(county_units.contains("团历下区委"));
    assert!(per_county.values().all(|&k| (4..=6).contains(&k)));
    let finance = inst.cadres.iter().filter(|c| c.department.as_deref() == Some("金融挂职")).count();
    assert_eq!(finance, 14);

    let jinan: Vec<_> = inst.cadres.iter().filter(|c| c.unit == "团济南市委").collect();
    assert_eq!(jinan.len(), 12);
    assert!(jinan.iter().all(|c| c.home_city.as_deref() == Some("370100") && c.id.starts_with("C01")));
    assert!(inst.cadres.iter().any(|c| c.id == "P001") && inst.cadres.iter().any(|c| c.id == "U01-1"));
    assert!(inst.cadres.iter().any(|c| c.unit == "海尔集团团委" && c.id.starts_with('E')));

    let mut bases: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for c in &inst.cadres {
        bases.entry(c.unit.as_str()).or_default().insert(format!("{:?}{:?}", c.level, c.base));
    }
    assert!(bases.values().all(|b| b.len() == 1), "a unit name is shared by two units");
    let ids: BTreeSet<&str> = inst.cadres.iter().map(|c| c.id.as_str()).collect();
    let names: BTreeSet<&str> = inst.cadres.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(ids.len(), n);
    assert_eq!(names.len(), n);

    let one_year = inst.cadres.iter().filter(|c| c.active_years.len() == 1).count();
    assert_eq!(one_year, 6);
    let prefs = inst.cadres.iter().filter(|c| !c.preferred_counties.is_empty()).count();
    assert_eq!(prefs, 24);
    assert!(inst.cadres.iter().all(|c| c.strengths.len() <= 2 && c.preferred_counties.len() <= 3));
    let away = inst.cadres.iter().filter(|c| c.level != Level::County).count();
    let unavailable = inst.cadres.iter().filter(|c| !c.unavailable_months.is_empty()).count();
    assert_eq!(unavailable, (away as f64 * 0.05).round() as usize);
    assert!(inst.cadres.iter().all(|c| c.level != Level::County || c.unavailable_months.is_empty()));

    let t = &inst.region.townships;
    let priority = t.iter().filter(|t| t.priority).count();
    assert!((120..=240).contains(&priority), "{priority} priority townships");
    assert!(t.iter().all(|t| t.needs.len() <= 2));
    assert!(t.iter().filter(|t| !t.needs.is_empty()).count() > 500);
}

#[test]
fn affiliates_sit_near_their_city() {
    let inst = shandong();
    let spec = RosterSpec::default();
    for (prefix, list) in [('U', &spec.universities), ('E', &spec.enterprises)] {
        for (i, a) in list.iter().enumerate() {
            let c = inst.cadres.iter().find(|c| c.id == format!("{prefix}{:02}-1", i + 1)).unwrap();
            assert_eq!(c.unit, format!("{}团委", a.name));
            let city = inst.region.cities.iter().find(|x| x.code == a.city).unwrap();
            let d = sanlian_model::geo::haversine_km(c.base, city.seat);
            assert!(d > 0.0 && d < 10.0, "{} is {d} km from {}", a.name, city.name);
        }
    }
}

#[test]
fn shandong_roster_is_feasible_but_tight() {
    let inst = shandong();
    assert_eq!(necessary_problems(inst), Vec::<String>::new());
    let p = Prepared::new(inst).unwrap();
    let cadre_years: usize = (0..p.n_cadres()).map(|c| p.active_years(c) as usize).sum();
    assert!(cadre_years >= inst.region.townships.len());

    let rows = tightness(inst);
    let province_seniors = inst.cadres.iter().filter(|c| c.level == Level::Province && c.senior).count() as i64;
    let senior_gap: i64 = rows.iter().map(|r| r.senior_gap.max(0)).sum();
    assert!(senior_gap <= province_seniors);
    assert!(province_seniors - senior_gap <= 20, "seniors are not tight: slack {}", province_seniors - senior_gap);
    assert!(rows.iter().all(|r| r.upper_gap <= 0), "city cadres alone meet H4");
    let coverage_gap: i64 = rows.iter().map(|r| r.coverage_gap.max(0)).sum();
    assert!(coverage_gap <= 120);

    let w = witness(&p, true).unwrap();
    assert!(w.province_needed <= 120 && w.province_needed >= 60, "{}", w.province_needed);
    for k in 0..p.n_counties() {
        let leader = w.leader_of[k].unwrap();
        assert!(inst.cadres[leader].senior && w.county_of[leader] == k && p.is_eligible(leader, k));
        let members: Vec<usize> = (0..p.n_cadres()).filter(|&c| w.county_of[c] == k).collect();
        assert!(members.iter().any(|&c| inst.cadres[c].level.is_upper()));
        let years: usize = members.iter().map(|&c| p.active_years(c) as usize).sum();
        assert!(years >= p.townships_of[k].len());
        for y in 0..2 {
            let load = members.iter().filter(|&&c| p.active(c, y)).count();
            assert!(load <= 2 * p.townships_of[k].len());
        }
    }
    assert!((0..p.n_cadres()).all(|c| p.is_eligible(c, w.county_of[c])));
    assert!(report(inst).iter().any(|l| l.starts_with("H3 binds")));
}

#[test]
fn other_seeds_are_feasible_too() {
    for seed in 2..12 {
        let inst = generate(region(), &RosterSpec::default(), seed);
        assert_eq!(necessary_problems(&inst), Vec::<String>::new(), "seed {seed}");
    }
}

#[test]
fn small_fixture_is_feasible() {
    let inst = fixtures::small(region());
    assert_eq!(inst.region.counties.len(), 5);
    assert_eq!(necessary_problems(&inst), Vec::<String>::new());
    assert!(inst.cadres.iter().any(|c| c.unit == "胜利油田团委"));
    assert!(!inst.cadres.iter().any(|c| c.level == Level::University));
}

#[test]
fn infeasible_fixture_breaks_only_the_senior_leader_rule() {
    let small = fixtures::small(region());
    let inst = fixtures::infeasible(region());
    assert_eq!(inst, make_infeasible(&small));
    let p = Prepared::new(&inst).unwrap();
    let seniors_left = inst.cadres.iter().filter(|c| c.senior).count();
    assert!(seniors_left < 5, "{seniors_left}");
    assert_eq!(senior_shortfall(&p).len(), 5 - seniors_left);
    assert!(!inst.cadres.iter().any(|c| c.level == Level::City && c.senior));
    assert_eq!(small.cadres.len() - inst.cadres.len(), 3);
    witness(&p, false).unwrap();
    assert!(witness(&p, true).is_err());
}

#[test]
fn make_infeasible_also_breaks_a_roomy_instance() {
    let inst = make_infeasible(shandong());
    let p = Prepared::new(&inst).unwrap();
    assert!(!senior_shortfall(&p).is_empty());
    let jinan_seniors = (0..p.n_cadres())
        .filter(|&c| inst.cadres[c].senior && p.eligible[c].iter().any(|&k| inst.region.counties[k].city == "370100"))
        .count();
    assert_eq!(jinan_seniors, 11);
    assert!(!necessary_problems(&inst).is_empty());
}
