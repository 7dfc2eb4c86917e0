//! Criterion benchmark of the province–city process on the Shandong fixture (issue 13):
//! the allocation (the province solve under spreading rules A1–A3 and each rule's price)
//! plus the 16 city solves (target ≤ 2 s together), and the merged plan's check (target
//! ≤ 100 ms: the merge of the 16 city plans and the province checker on it).

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_model::{Instance, Plan, Spread};
use sanlian_process::{allocate, merge, plan_cities};
use sanlian_solver::SolveOptions;

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/instance.json");
    let inst = Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses");
    let opts = SolveOptions::default();
    let mut g = c.benchmark_group("shandong_process");
    g.sample_size(10);
    for (name, spread) in [
        ("allocate_and_16_cities", Spread::default()),
        (
            "allocate_and_16_cities_with_rules",
            Spread { min_province_per_city: 1, max_province_per_group: Some(4), min_cities_per_department: 3 },
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let allocated = allocate(&inst, &spread, &opts).unwrap();
                plan_cities(&inst, &allocated.allocation, &opts).unwrap()
            })
        });
    }
    let allocated = allocate(&inst, &Spread::default(), &opts).unwrap();
    let plans: Vec<(String, Plan)> =
        plan_cities(&inst, &allocated.allocation, &opts).unwrap().into_iter().map(|c| (c.city, c.plan)).collect();
    let same = merge(&inst, &allocated.allocation, &allocated.plan, &plans, &opts).unwrap();
    assert!(same.report.is_valid());
    g.sample_size(20);
    g.bench_function("merge_and_check", |b| {
        b.iter(|| merge(&inst, &allocated.allocation, &allocated.plan, &plans, &opts).unwrap())
    });
    g.bench_function("check_merged", |b| b.iter(|| sanlian_check::check(&inst, &same.plan).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
