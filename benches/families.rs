//! The instance families of issue 16 (`sanlian_gen::families`, seed 1): for each Shandong-size
//! family the whole solve by the engine, S1 alone, and S1 as HiGHS solves it on its own (the
//! plain one-variable-per-cadre model, no LP first, no start, HiGHS's default gap 1e-4), so
//! that the ratio is measured in one run. The merged family (four provinces, ~4,300 cadres)
//! is measured as a whole run instead (BENCHMARKS.md).
//!
//! `s2_density`: S2 for fixed groups at 1, 2, 4 and 8 times the fixture's townships and cadres
//! in the same 136 counties (`families::dense`; factor 8 is the dense-townships family), on
//! township classes (the engine) and on the township model (`Formulation::Plain`), and the
//! whole solve of each.

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_gen::families::{dense, family, Family};
use sanlian_model::Prepared;
use sanlian_solver::{solve, stages, Formulation, SolveOptions};

fn bench(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/data");
    let region = sanlian_gen::load_region(std::path::Path::new(dir)).expect("the Shandong data").region;
    let engine = SolveOptions::default();
    let alone =
        SolveOptions { formulation: Formulation::Plain, lp_first: false, mip_rel_gap: 1e-4, ..SolveOptions::default() };
    let mut g = c.benchmark_group("families");
    g.sample_size(10);
    for f in Family::ALL.into_iter().filter(|f| f.shandong_size()) {
        let inst = family(&region, f, 1);
        let prep = Prepared::new(&inst).expect("a family's instance is valid");
        g.bench_function(format!("{}/solve", f.name()), |b| b.iter(|| solve(&prep, &engine).unwrap()));
        g.bench_function(format!("{}/s1", f.name()), |b| b.iter(|| stages::groups(&prep, &engine).unwrap()));
        g.bench_function(format!("{}/s1_plain_highs_alone", f.name()), |b| {
            b.iter(|| stages::groups(&prep, &alone).unwrap())
        });
    }
    g.finish();
}

fn density(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/data");
    let region = sanlian_gen::load_region(std::path::Path::new(dir)).expect("the Shandong data").region;
    let engine = SolveOptions::default();
    let townships = SolveOptions { formulation: Formulation::Plain, ..SolveOptions::default() };
    let mut g = c.benchmark_group("s2_density");
    g.sample_size(10);
    for factor in [1, 2, 4, 8] {
        let inst = dense(&region, factor, 1);
        let prep = Prepared::new(&inst).expect("a dense instance is valid");
        let groups = stages::groups(&prep, &engine).expect("feasible");
        g.bench_function(format!("x{factor}/s2_classes"), |b| {
            b.iter(|| stages::townships(&prep, &groups, &engine).unwrap())
        });
        g.bench_function(format!("x{factor}/s2_townships"), |b| {
            b.iter(|| stages::townships(&prep, &groups, &townships).unwrap())
        });
        g.bench_function(format!("x{factor}/solve"), |b| b.iter(|| solve(&prep, &engine).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, bench, density);
criterion_main!(benches);
