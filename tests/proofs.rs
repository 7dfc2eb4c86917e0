//! Optimality anyone can re-check: the checker verifies each stage's LP duals over rows it
//! derives itself, so the fixtures' plans are certified, and a forged or wrong dual vector
//! can only weaken the bound — never certify a plan that is not optimal.

use sanlian_check::{check, check_with, Report, Rules, Verdict};
use sanlian_model::{Instance, Plan, Prepared, Proof};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn fixture(name: &str) -> Instance {
    let path = format!("{}/fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn planned(inst: &Instance) -> Plan {
    let prep = Prepared::new(inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    *plan
}

fn verdict(report: &Report, id: &str) -> Verdict {
    report.stages.iter().find(|s| s.id == id).unwrap().verdict
}

fn duals_mut<'a>(plan: &'a mut Plan, id: &str) -> &'a mut std::collections::BTreeMap<String, f64> {
    match &mut plan.stages.iter_mut().find(|s| s.id == id).unwrap().proof {
        Proof::LpDuals { duals } => duals,
        other => panic!("{id} has proof {other:?}"),
    }
}

#[test]
fn every_stage_of_the_fixtures_is_certified_by_the_checker() {
    for name in ["small", "shandong"] {
        let inst = fixture(name);
        let plan = planned(&inst);
        let report = check(&inst, &plan).unwrap();
        assert!(report.is_valid(), "{name}: {:?}", report.violations);
        for st in &report.stages {
            assert_eq!(st.verdict, Verdict::Certified, "{name}: stage {} ({:?})", st.id, st.certified_bound);
            assert_eq!(st.unknown_rows, 0, "{name}: every dual names a row the checker derives");
        }
        for id in ["S1", "S3a"] {
            assert!(matches!(plan.stages.iter().find(|s| s.id == id).unwrap().proof, Proof::LpDuals { .. }));
        }
        let s2 = plan.stages.iter().find(|s| s.id == "S2").unwrap();
        assert_eq!(s2.parts.len(), inst.region.counties.len(), "{name}: one proven model per county");
    }
}

#[test]
fn forged_duals_only_weaken_the_bound() {
    let inst = fixture("small");
    let rules = Rules::new(&inst).unwrap();
    let plan = planned(&inst);

    // Scaled, zeroed or wrongly signed duals give a weaker bound: the claim is refused.
    let mut scaled = plan.clone();
    for y in duals_mut(&mut scaled, "S1").values_mut() {
        *y *= 1.5;
    }
    let mut zeroed = plan.clone();
    duals_mut(&mut zeroed, "S1").clear();
    let mut flipped = plan.clone();
    for (row, y) in duals_mut(&mut flipped, "S1").iter_mut() {
        if row.starts_with("H7_cover") || row.starts_with("H3_") {
            *y = -(*y + 1e6);
        }
    }
    for (what, forged) in [("scaled", &scaled), ("zeroed", &zeroed), ("flipped", &flipped)] {
        let report = check_with(&rules, forged);
        assert_eq!(verdict(&report, "S1"), Verdict::NotProven, "{what}");
        assert!(
            report.violations.iter().any(|v| v.subject == "S1" && v.message.contains("claims proven optimality")),
            "{what}: {:?}",
            report.violations
        );
    }

    // Duals on rows the checker does not derive count as 0: the bound still holds.
    let mut padded = plan.clone();
    duals_mut(&mut padded, "S1").insert("H99_free_lunch[370502]".into(), 1e9);
    let report = check_with(&rules, &padded);
    assert!(report.is_valid(), "{:?}", report.violations);
    let s1 = report.stages.iter().find(|s| s.id == "S1").unwrap();
    assert_eq!((s1.verdict, s1.unknown_rows), (Verdict::Certified, 1));
}

#[test]
fn duals_do_not_certify_a_worse_plan() {
    let inst = fixture("small");
    let rules = Rules::new(&inst).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    let optimal = planned(&inst);
    // Bar a cadre from its county and solve: a valid plan of the instance that costs more,
    // whose duals are those of the narrowed model.
    let s1 = |p: &Plan| p.stages.iter().find(|s| s.id == "S1").unwrap().objective;
    let worse = (0..prep.n_cadres())
        .filter(|&c| prep.eligible[c].len() > 1)
        .find_map(|c| {
            let k = prep.county_index[optimal.assignments[c].county.as_str()];
            match solve(&prep.forbid(c, k), &SolveOptions::default()).ok()?.outcome {
                Outcome::Planned(p) if s1(&p) > s1(&optimal) + 1.0 => Some(p),
                _ => None,
            }
        })
        .expect("some cadre costs more elsewhere");
    let report = check_with(&rules, &worse);
    assert!(report.rule_violations().is_empty(), "the plan keeps every rule: {:?}", report.violations);
    assert_eq!(verdict(&report, "S1"), Verdict::NotProven);
    assert!(
        report.violations.iter().any(|x| x.subject == "S1" && x.message.contains("claims proven optimality")),
        "{:?}",
        report.violations
    );
    // Nor do the optimal plan's duals.
    let mut forged = (*worse).clone();
    *duals_mut(&mut forged, "S1") = duals_mut(&mut optimal.clone(), "S1").clone();
    assert_eq!(verdict(&check_with(&rules, &forged), "S1"), Verdict::NotProven);
}
