//! Best-effort shortfalls name the data behind them: each count of eligible cadres a
//! shortfall's message gives is recounted here from the instance, on its own.

use sanlian_engine::Answer;
use sanlian_model::msg::Lang;
use sanlian_model::{Instance, PlanMode, Prepared};
use sanlian_solver::SolveOptions;

#[test]
fn shortfall_counts_of_eligible_cadres_are_the_instances() {
    let path = format!("{}/fixtures/infeasible/instance.json", env!("CARGO_MANIFEST_DIR"));
    let inst = Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    let opts = SolveOptions { mode: PlanMode::BestEffort, ..SolveOptions::default() };
    let Answer::Planned(plan) = sanlian_engine::solve(&prep, &opts).unwrap().answer else {
        panic!("the infeasible fixture has a best-effort plan")
    };
    let plan = plan.into_plan();
    assert!(!plan.shortfalls.is_empty(), "the infeasible fixture falls short somewhere");
    let mut counted = 0;
    for s in &plan.shortfalls {
        let msg = s.msg.as_ref().expect("shortfalls carry their message");
        let name = msg.get("county", Lang::En).expect("a shortfall names its county");
        let k = inst.region.counties.iter().position(|k| k.name == name).expect("a county of the instance");
        let count = |keep: &dyn Fn(&sanlian_model::Cadre) -> bool| {
            (0..inst.cadres.len()).filter(|&c| prep.eligible[c].contains(&k) && keep(&inst.cadres[c])).count()
        };
        for (arg, want) in [
            ("eligible", count(&|_| true)),
            ("seniors", count(&|c| c.senior)),
            ("reachable", count(&|c| c.level.is_upper())),
        ] {
            if let Some(got) = msg.get(arg, Lang::En) {
                assert_eq!(got, want.to_string(), "{} of {}: {}", arg, s.subject, s.reason);
                counted += 1;
            }
        }
    }
    assert!(counted > 0, "no shortfall gave a count");
}
