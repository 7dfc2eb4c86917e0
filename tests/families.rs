//! The instance families of the benchmark (`sanlian_gen::families`): each one is solved in
//! strict mode, proven optimal stage by stage and valid in the checker; on the family whose S1
//! relaxation is fractional, the engine's S1 (aggregated classes, LP first, a dived start)
//! equals the plain one-variable-per-cadre model that HiGHS solves on its own; the warm
//! counterfactuals of explanations equal the same questions solved from nothing; S2 on
//! classes of cadres and townships equals the township model, with a proof the checker certifies.

use sanlian_gen::families::{dense, family, Family};
use sanlian_model::{Cadre, Instance, Level, Plan, PlanMode, Prepared, Region};
use sanlian_solver::counterfactual::{Answer, Variant, WarmS1};
use sanlian_solver::{solve, Formulation, Outcome, SolveOptions};

fn region() -> Region {
    let dir = format!("{}/fixtures/shandong/data", env!("CARGO_MANIFEST_DIR"));
    sanlian_gen::load_region(std::path::Path::new(&dir)).expect("the Shandong data").region
}

fn planned(inst: &Instance, opts: &SolveOptions) -> Plan {
    let prep = Prepared::new(inst).expect("a family's instance is valid");
    let Outcome::Planned(plan) = solve(&prep, opts).expect("solves").outcome else {
        panic!("{}: every family is feasible in strict mode", inst.name)
    };
    let report = sanlian_check::check(inst, &plan).expect("a valid instance");
    assert!(report.is_valid(), "{}: {:?}", inst.name, report.violations);
    for st in &plan.stages {
        assert!(st.proven_optimal, "{}: stage {} is not proven optimal (gap {})", inst.name, st.id, st.gap);
    }
    *plan
}

#[test]
fn every_shandong_size_family_is_solved_proven_and_valid() {
    let region = region();
    for f in Family::ALL.into_iter().filter(|f| f.shandong_size()) {
        planned(&family(&region, f, 1), &SolveOptions::default());
    }
}

/// S2 on classes of cadres and townships (the default) equals S2 on the township model (one 0/1
/// column per cadre × year × township, `Formulation::Plain`) for the same groups, in both modes,
/// with one-year cadres, with service periods (whose counties keep the township model) and at
/// twice the township density; the checker certifies its bound from the duals, named after the
/// township model's rows.
#[test]
fn s2_on_classes_equals_the_township_model() {
    let region = region();
    let cases = [
        (family(&region, Family::Fixture, 1), PlanMode::Strict),
        (family(&region, Family::Fixture, 1), PlanMode::BestEffort),
        (family(&region, Family::OneYear, 1), PlanMode::Strict),
        (family(&region, Family::ServicePeriods, 1), PlanMode::Strict),
        (dense(&region, 2, 1), PlanMode::Strict),
    ];
    for (inst, mode) in cases {
        let opts = SolveOptions { mode, ..SolveOptions::default() };
        let prep = Prepared::new(&inst).unwrap();
        let Outcome::Planned(plan) = solve(&prep, &opts).expect("solves").outcome else { panic!("feasible") };
        let report = sanlian_check::check(&inst, &plan).expect("a valid instance");
        assert!(report.is_valid(), "{} {mode:?}: {:?}", inst.name, report.violations);
        let certified = report.stages.iter().find(|s| s.id == "S2").expect("an S2 check");
        assert_eq!(certified.verdict, sanlian_check::Verdict::Certified, "{} {mode:?}", inst.name);
        assert_eq!(certified.unknown_rows, 0, "{} {mode:?}", inst.name);
        let ours = plan.stages.iter().find(|s| s.id == "S2").expect("an S2 stage");

        let groups = sanlian_solver::stages::groups(&prep, &opts).expect("the same groups");
        let plain = SolveOptions { formulation: Formulation::Plain, ..opts.clone() };
        let theirs = sanlian_solver::stages::complete(&prep, &groups, &plain).expect("a plan for the groups");
        let theirs = theirs.stages.iter().find(|s| s.id == "S2").expect("an S2 stage");
        assert!(theirs.proven_optimal, "{}: the township model is proven", inst.name);
        assert_eq!(ours.objective, theirs.objective, "{} {mode:?}: S2 on classes against townships", inst.name);
        assert!(
            ours.columns < theirs.columns,
            "{} {mode:?}: {} columns on classes, {} on townships",
            inst.name,
            ours.columns,
            theirs.columns
        );
    }
}

#[test]
fn one_year_cadres_s1_equals_the_plain_model_solved_by_highs() {
    let inst = family(&region(), Family::OneYear, 1);
    let s1 = |plan: &Plan| plan.stages.iter().find(|s| s.id == "S1").expect("an S1 stage").objective;
    let ours = planned(&inst, &SolveOptions::default());
    let plain =
        SolveOptions { formulation: Formulation::Plain, lp_first: false, mip_rel_gap: 1e-6, ..SolveOptions::default() };
    let theirs = planned(&inst, &plain);
    assert!((s1(&ours) - s1(&theirs)).abs() < 1e-6 * s1(&theirs).abs(), "{} vs {}", s1(&ours), s1(&theirs));
}

/// S1 with cadre `c` fixed in county `k`, or of another roster, solved from nothing.
fn cold_s1(prep: &Prepared) -> Option<f64> {
    let g = sanlian_solver::stages::groups(prep, &SolveOptions::default())?;
    Some(sanlian_solver::groups::s1_value(prep, &g.county_of))
}

#[track_caller]
fn same_optimum(what: &str, warm: Answer, cold: Option<f64>) {
    match (warm, cold) {
        (Answer::Optimal { s1, .. }, Some(want)) => {
            assert!((s1 - want).abs() <= 2e-6 * want.abs().max(1.0), "{what}: warm {s1}, cold {want}")
        }
        (Answer::Infeasible, None) => {}
        (got, want) => panic!("{what}: warm {got:?}, cold {want:?}"),
    }
}

/// The warm counterfactuals of explanations (one S1 model kept in HiGHS, a few bounds changed
/// per question) equal the same questions solved from nothing, on every Shandong-size family
/// (on one-year cadres many of them fractional, so the MILP path is taken): cadres fixed into
/// a preferred or their costliest county, and one more county cadre in some counties.
#[test]
fn warm_counterfactuals_equal_cold_re_solves_on_every_family() {
    let region = region();
    for f in Family::ALL.into_iter().filter(|f| f.shandong_size()) {
        let inst = family(&region, f, 1);
        let prep = Prepared::new(&inst).unwrap();
        let n = prep.n_cadres();
        let extras: Vec<Cadre> = (0..prep.n_counties())
            .step_by(31)
            .map(|k| {
                let county = &inst.region.counties[k];
                let unit = format!("（假设）团{}委", county.name);
                let mut x =
                    Cadre::new(format!("EXTRA-{}", county.code), "（假设）新增干部", Level::County, unit, county.seat);
                x.home_county = Some(county.code.clone());
                x
            })
            .collect();
        let mut roster = inst.clone();
        roster.cadres.extend(extras.iter().cloned());
        let with_extras = Prepared::new(&roster).unwrap();
        let mut warm = WarmS1::new(&with_extras, n).expect("a plain strict S1 has a warm model");
        let base = cold_s1(&prep).expect("every family is feasible");
        assert!((warm.base() - base).abs() <= 2e-6 * base, "{f:?}: base {} against {base}", warm.base());
        let costliest = |c: usize| {
            prep.eligible[c]
                .iter()
                .copied()
                .max_by(|&a, &b| prep.s1_coefficient(c, a).total_cmp(&prep.s1_coefficient(c, b)))
        };
        let preferred = |c: usize| {
            inst.cadres[c]
                .preferred_counties
                .iter()
                .map(|p| prep.county_index[p.as_str()])
                .find(|&k| prep.is_eligible(c, k))
        };
        let fixes: Vec<(usize, usize)> =
            (0..n).step_by(89).filter_map(|c| preferred(c).or_else(|| costliest(c)).map(|k| (c, k))).collect();
        assert!(fixes.len() >= 10, "{f:?}: {} fixes", fixes.len());
        for (c, k) in fixes {
            let what = format!("{f:?}: {} in {}", inst.cadres[c].id, inst.region.counties[k].code);
            same_optimum(&what, warm.solve(Variant::Fix { cadre: c, county: k }), cold_s1(&prep.restrict(c, &[k])));
        }
        for (i, extra) in extras.iter().enumerate() {
            let mut one = inst.clone();
            one.cadres.push(extra.clone());
            let cold = cold_s1(&Prepared::new(&one).unwrap());
            same_optimum(&format!("{f:?}: {}", extra.id), warm.solve(Variant::Extra { cadre: n + i }), cold);
        }
    }
}

/// One more monthly place per department, from one warm S3a model, equals S3a solved from
/// nothing with that department's cap raised, on the family whose departments are at the cap.
/// (That the right rows are raised is `months::tests::a_department_place_raises_its_h9_rows`.)
#[test]
fn warm_department_places_equal_cold_re_solves() {
    let inst = family(&region(), Family::DepartmentCap, 1);
    let prep = Prepared::new(&inst).unwrap();
    let opts = SolveOptions::default();
    let groups = sanlian_solver::stages::groups(&prep, &opts).expect("feasible");
    let presence = |p: &Prepared| {
        let (months, _) = sanlian_solver::stages::months(p, &groups, &opts).expect("a month plan");
        let mut seen = std::collections::HashSet::new();
        for (c, ys) in months.iter().enumerate() {
            for (y, ms) in ys.iter().enumerate() {
                seen.extend(ms.iter().map(|&m| (groups.county_of[c], y, m)));
            }
        }
        seen.len()
    };
    let departments: Vec<usize> = (0..prep.departments.len()).step_by(17).collect();
    let (base, per) =
        sanlian_solver::months::presence_with_extra_place(&prep, &groups, &departments).expect("a month plan");
    assert_eq!(base, presence(&prep));
    assert!(departments.len() >= 10);
    for (&d, got) in departments.iter().zip(per) {
        assert_eq!(got, Some(presence(&prep.with_extra_cap(d, 1))), "department {}", prep.departments[d]);
    }
}
