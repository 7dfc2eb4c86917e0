//! Criterion benchmark: the full explanation of the Shandong fixture's plan,
//! every preference counterfactual and marginal re-solve included.

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_model::{Instance, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/instance.json");
    let inst = Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses");
    let prep = Prepared::new(&inst).expect("valid");
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    let mut g = c.benchmark_group("shandong_explain");
    g.sample_size(10);
    g.bench_function("full_explanation", |b| {
        b.iter(|| sanlian_explain::explain(&prep, &plan, &Default::default()).unwrap())
    });
    let one = sanlian_explain::ExplainOptions { cadre: Some("P026".into()), ..Default::default() };
    g.bench_function("one_cadre", |b| b.iter(|| sanlian_explain::explain(&prep, &plan, &one).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
