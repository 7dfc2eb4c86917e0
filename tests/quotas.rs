//! H9 quotas (a city's share of a province department's monthly places, issue 13): the solver
//! keeps a quota tighter than the cap, and the checker agrees that the plan keeps it.

use std::collections::BTreeMap;

use sanlian_model::{DepartmentQuota, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn small() -> Instance {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/small/instance.json");
    Instance::from_json(&std::fs::read_to_string(path).expect("fixture present")).expect("fixture parses")
}

fn plan_of(inst: &Instance) -> Plan {
    let prep = Prepared::new(inst).expect("valid instance");
    let opts = SolveOptions { mode: PlanMode::Strict, ..SolveOptions::default() };
    match solve(&prep, &opts).expect("no time limit").outcome {
        Outcome::Planned(p) => *p,
        Outcome::Infeasible(c) => panic!("infeasible: {c:?}"),
    }
}

/// (unit, department, "YYYY-MM") → cadres of the department on a block that month.
fn away(inst: &Instance, plan: &Plan) -> BTreeMap<(String, Option<String>, String), usize> {
    let mut out = BTreeMap::new();
    for a in &plan.assignments {
        let c = inst.cadres.iter().find(|c| c.id == a.cadre).expect("a roster cadre");
        for e in &a.years {
            for b in &e.blocks {
                *out.entry((c.unit.clone(), c.department.clone(), b.month.clone())).or_default() += 1;
            }
        }
    }
    out
}

#[test]
fn a_quota_below_the_busiest_month_moves_blocks_and_the_checker_agrees() {
    let mut inst = small();
    let plan = plan_of(&inst);
    let before = away(&inst, &plan);
    let ((unit, department, month), n) = before.iter().max_by_key(|(_, &n)| n).map(|(k, &n)| (k.clone(), n)).unwrap();
    assert!(n >= 1, "the plan sends someone on a block");
    inst.department_quotas = vec![DepartmentQuota {
        unit: unit.clone(),
        department: department.clone(),
        month: month.clone(),
        max: n as u32 - 1,
    }];
    let again = plan_of(&inst);
    let after = away(&inst, &again);
    let now = after.get(&(unit.clone(), department.clone(), month.clone())).copied().unwrap_or(0);
    assert!(now < n, "{unit}/{department:?} still has {now} away in {month}, quota {}", n - 1);
    let report = sanlian_check::check(&inst, &again).expect("a valid instance");
    assert!(report.is_valid(), "{:?}", report.violations);
    // The checker reads the quota too: the first plan breaks it.
    let old = sanlian_check::check(&inst, &plan).expect("a valid instance");
    assert!(old.violations.iter().any(|v| v.rule == "H9" && v.message.contains(&month)), "{:?}", old.violations);
}
