//! The national-size scenario end to end, once, for `/usr/bin/time -v`:
//! import the Shandong region, generate the 31 synthetic provinces
//! (`sanlian_gen::national`), solve each in strict mode in parallel (rayon,
//! one HiGHS thread per solve), run the checker on every plan, print totals.
//!
//! ```sh
//! cargo build --release --example national
//! /usr/bin/time -v target/release/examples/national [SEED]
//! ```
//! Exit code 1 if any province is not planned or a plan fails the checker.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use sanlian_gen::national::national;
use sanlian_model::Prepared;
use sanlian_solver::{solve, Outcome, SolveOptions};

fn main() {
    let seed: u64 = std::env::args().nth(1).map_or(1, |s| s.parse().expect("SEED must be a number"));
    let start = Instant::now();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shandong/data");
    let region = sanlian_gen::load_region(&data).unwrap_or_else(|e| panic!("{e}")).region;
    let set = national(&region, seed);
    let generated = start.elapsed().as_secs_f64();
    let townships: usize = set.iter().map(|i| i.region.townships.len()).sum();
    let cadres: usize = set.iter().map(|i| i.cadres.len()).sum();
    let counties: usize = set.iter().map(|i| i.region.counties.len()).sum();
    println!(
        "generated {} provinces: {counties} counties, {townships} townships, {cadres} cadres in {generated:.2} s",
        set.len()
    );
    let opts = SolveOptions { threads: 1, ..SolveOptions::default() };
    let results: Vec<Result<(f64, f64, usize), String>> = set
        .par_iter()
        .map(|inst| {
            let t = Instant::now();
            let prep = Prepared::new(inst).map_err(|e| format!("{}: {e}", inst.region.province.name))?;
            let solution = solve(&prep, &opts).map_err(|e| format!("{}: {e}", inst.region.province.name))?;
            let Outcome::Planned(plan) = solution.outcome else {
                return Err(format!("{}: infeasible in strict mode", inst.region.province.name));
            };
            let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
            if !report.is_valid() {
                return Err(format!("{}: checker: {}", inst.region.province.name, report.violations[0]));
            }
            let s1 = plan.stages.iter().find(|s| s.id == "S1").map_or(f64::NAN, |s| s.objective);
            Ok((t.elapsed().as_secs_f64(), s1, plan.coverage.total))
        })
        .collect();
    let mut failed = 0;
    let (mut slowest, mut s1_total, mut covered) = (0.0f64, 0.0, 0);
    for (inst, r) in set.iter().zip(&results) {
        match r {
            Ok((secs, s1, cov)) => {
                slowest = slowest.max(*secs);
                s1_total += s1;
                covered += cov;
            }
            Err(e) => {
                failed += 1;
                eprintln!("{} FAILED: {e}", inst.region.province.name);
            }
        }
    }
    println!(
        "solved and checked {} of {} provinces: {covered} townships covered, S1 total {s1_total:.2} yuan, \
         slowest province {slowest:.2} s, rayon threads {}",
        results.len() - failed,
        results.len(),
        rayon::current_num_threads()
    );
    println!("wall {:.2} s", start.elapsed().as_secs_f64());
    if failed > 0 {
        std::process::exit(1);
    }
}
