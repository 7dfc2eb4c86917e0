//! Criterion benchmarks on the Shandong fixture: each stage and the whole solve,
//! with the plain formulations (S1 per cadre, S2 per township) beside the aggregated ones.

use criterion::{criterion_group, criterion_main, Criterion};
use sanlian_model::{Instance, Prepared};
use sanlian_solver::{solve, stages, Formulation, Outcome, SolveOptions};

fn shandong() -> Instance {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/shandong/instance.json");
    Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses")
}

fn bench(c: &mut Criterion) {
    let inst = shandong();
    let prep = Prepared::new(&inst).expect("valid");
    let mut g = c.benchmark_group("shandong");
    g.sample_size(10);
    g.bench_function("validate_and_prepare", |b| b.iter(|| Prepared::new(&inst).unwrap()));
    for (name, formulation) in
        [("solve_all_stages_aggregated", Formulation::Aggregated), ("solve_all_stages_plain", Formulation::Plain)]
    {
        let opts = SolveOptions { formulation, ..SolveOptions::default() };
        g.bench_function(name, |b| b.iter(|| solve(&prep, &opts).unwrap()));
    }
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    for st in &plan.stages {
        eprintln!(
            "stage {:<4} {:>8.4} s  rows {:>6} cols {:>6} models {:>3}",
            st.id, st.seconds, st.rows, st.columns, st.models
        );
    }
    g.bench_function("check", |b| b.iter(|| sanlian_check::check(prep.inst, &plan).expect("a valid instance")));
    // The same check with every stage's proof turned into the solver's word: the difference
    // is the time the checker spends verifying the dual bounds.
    let mut unproved = (*plan).clone();
    for st in &mut unproved.stages {
        st.proof = sanlian_model::Proof::Solver;
        st.parts.clear();
    }
    g.bench_function("check_without_proofs", |b| {
        b.iter(|| sanlian_check::check(prep.inst, &unproved).expect("a valid instance"))
    });
    g.finish();
    let mut g = c.benchmark_group("shandong_stages");
    g.sample_size(10);
    let opts = SolveOptions::default();
    for (name, formulation) in [("s1_aggregated", Formulation::Aggregated), ("s1_plain", Formulation::Plain)] {
        let o = SolveOptions { formulation, ..SolveOptions::default() };
        g.bench_function(name, |b| b.iter(|| stages::groups(&prep, &o).unwrap()));
    }
    let defaults =
        SolveOptions { formulation: Formulation::Plain, lp_first: false, mip_rel_gap: 1e-4, ..SolveOptions::default() };
    g.bench_function("s1_plain_highs_defaults", |b| b.iter(|| stages::groups(&prep, &defaults).unwrap()));
    let groups = stages::groups(&prep, &opts).unwrap();
    g.bench_function("s2_townships", |b| b.iter(|| stages::townships(&prep, &groups, &opts).unwrap()));
    g.bench_function("s3_months_weekdays", |b| b.iter(|| stages::months(&prep, &groups, &opts).unwrap()));
    g.finish();

    // Re-planning: one departure in mid-2027 (a province cadre of 市中区's group), from the
    // events file to the checked, repaired plan.
    let events = sanlian_model::Events {
        events: vec![sanlian_model::Event::Leave { date: "2027-07-01".parse().unwrap(), cadre: "P004".into() }],
    };
    let mut g = c.benchmark_group("shandong_reassign");
    g.sample_size(10);
    g.bench_function("one_departure", |b| {
        b.iter(|| {
            let applied = events.apply(&inst, &plan).unwrap();
            let next = Prepared::new(&applied.instance).unwrap();
            let base = sanlian_solver::repair::baselines(&next, &plan, &applied.baseline);
            let sol = sanlian_solver::repair::repair(&next, applied.date, &base, &opts).unwrap();
            let Outcome::Planned(new) = sol.outcome else { panic!("a valid repair exists") };
            assert!(sanlian_check::check(next.inst, &new).expect("a valid instance").is_valid());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
