//! Criterion benchmark of the national-size scenario (issue 4, "Scale"): the
//! 31 synthetic provinces of `sanlian_gen::national` (about 38,000 townships
//! and 32,000 cadres), each validated, solved in strict mode and re-verified
//! by the checker, the provinces in parallel with rayon (one HiGHS thread per
//! solve). Every province must come back Planned and checker-valid.
//!
//! `cargo bench --bench national`; the one-shot wall time and peak RSS come
//! from `examples/national.rs` under `/usr/bin/time -v`.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use rayon::prelude::*;
use sanlian_gen::national::national;
use sanlian_model::{Instance, Prepared, Region};
use sanlian_solver::{solve, Outcome, SolveOptions};

const SEED: u64 = 1;

fn region() -> Region {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shandong/data");
    sanlian_gen::load_region(&data).unwrap_or_else(|e| panic!("{e}")).region
}

/// Validate, solve (strict, 1 thread) and check every province in parallel;
/// panics unless each is Planned and checker-valid. Returns townships covered.
fn solve_all(set: &[Instance]) -> usize {
    let opts = SolveOptions { threads: 1, ..SolveOptions::default() };
    set.par_iter()
        .map(|inst| {
            let name = &inst.region.province.name;
            let prep = Prepared::new(inst).unwrap_or_else(|e| panic!("{name}: {e}"));
            let Outcome::Planned(plan) = solve(&prep, &opts).unwrap_or_else(|e| panic!("{name}: {e}")).outcome else {
                panic!("{name}: infeasible in strict mode");
            };
            let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
            assert!(report.is_valid(), "{name}: {:?}", report.violations);
            assert_eq!(plan.coverage.total, inst.region.townships.len(), "{name}");
            plan.coverage.total
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let region = region();
    let set = national(&region, SEED);
    let townships: usize = set.iter().map(|i| i.region.townships.len()).sum();
    let cadres: usize = set.iter().map(|i| i.cadres.len()).sum();
    eprintln!("national set (seed {SEED}): {} provinces, {townships} townships, {cadres} cadres", set.len());
    assert_eq!(solve_all(&set), townships);

    let mut g = c.benchmark_group("national");
    g.sample_size(10);
    g.bench_function("generate_31", |b| b.iter(|| national(&region, SEED)));
    // Seconds per iteration: one iteration per sample.
    g.sampling_mode(SamplingMode::Flat);
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("solve_and_check_31", |b| b.iter(|| solve_all(&set)));
    g.bench_function("end_to_end_31", |b| b.iter(|| solve_all(&national(&region, SEED))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
