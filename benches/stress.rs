//! Criterion benchmark of turnover stress (issue 15): one Shandong run at a 10 %/year
//! departure rate — about 190 departures, half with successors, repaired month by month by the
//! re-planning engine and re-checked — and the draw alone. The whole-run figure (1,000 runs on
//! 2 cores) comes from `sanlian stress` under `/usr/bin/time -v` (BENCHMARKS.md).
//!
//! `cargo bench --bench stress`

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use sanlian_engine::Answer;
use sanlian_model::{Instance, Prepared};
use sanlian_solver::SolveOptions;
use sanlian_stress::{draw, repair, Risks, RunStatus};

fn bench(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shandong/instance.json");
    let inst = Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    let Answer::Planned(plan) = sanlian_engine::solve(&prep, &SolveOptions::default()).unwrap().answer else {
        panic!("the Shandong fixture is feasible");
    };
    let plan = plan.into_plan();
    let risks = Risks::from_rate(&inst, 0.1).unwrap();
    let mut g = c.benchmark_group("stress");
    g.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("draw, Shandong, 10 %/year", |b| b.iter(|| draw(&inst, &risks, 0.5, 1, 0, 0).departures));
    g.bench_function("one run, Shandong, 10 %/year", |b| {
        let mut r = 0;
        b.iter(|| {
            r += 1;
            let d = draw(&inst, &risks, 0.5, 1, 0, r);
            let run = repair(&inst, &plan, &d.events, None);
            assert_ne!(run.status, RunStatus::Unrepaired, "{:?}", run.error);
            run.changes
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
