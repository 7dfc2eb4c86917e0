//! Criterion benchmark: two versions of the Shandong fixture's plan compared (issue 12,
//! item 4): the plan against its re-plan after one departure, names from the new instance.

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_model::{Events, Instance, PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/instance.json");
    let inst = Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses");
    let prep = Prepared::new(&inst).expect("valid");
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    let events =
        Events::from_json(r#"{"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "P004"}]}"#).expect("events");
    let r = sanlian_explain::replan::reassign(&inst, &plan, &events, PlanMode::Strict, None, false).expect("re-plan");
    let new = r.shown().expect("a repaired plan").clone();
    let mut g = c.benchmark_group("shandong_diff");
    g.bench_function("plan_vs_replan", |b| b.iter(|| sanlian_explain::diff(&r.instance, &plan, &new)));
    g.bench_function("plan_vs_itself", |b| b.iter(|| sanlian_explain::diff(&inst, &plan, &plan)));
    g.bench_function("plan_vs_replan_text_zh", |b| {
        b.iter(|| {
            let d = sanlian_explain::diff(&r.instance, &plan, &new);
            sanlian_explain::render::plan_diff(&d, sanlian_explain::render::Lang::Zh)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
