//! Stop and keep the best so far (`SolveOptions::settle`): a solve whose flag is set while a
//! stage's MILP is under way ends that stage with its incumbent, its bound and its gap — as
//! at a time limit, not proven optimal — runs the stages after it as usual, and hands back a
//! plan the checker accepts; a cancel still wins.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sanlian_model::{Instance, PlanMode, Prepared, StageStatus};
use sanlian_solver::{solve, Outcome, SolveError, SolveOptions};

fn fixture(name: &str) -> Instance {
    let path = format!("{}/../../fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

/// Best-effort mode on Shandong: B1–B3 are solved at once, then S1 (whose best-effort model
/// HiGHS branches on, unlike strict S1, whose LP relaxation is integral) is still running when
/// the flag, set during B1–B3, is seen.
fn best_effort(settle: &Arc<AtomicBool>, cancel: &Arc<AtomicBool>) -> SolveOptions {
    SolveOptions {
        mode: PlanMode::BestEffort,
        settle: Some(settle.clone()),
        cancel: Some(cancel.clone()),
        ..SolveOptions::default()
    }
}

/// Set `flag` after `ms` milliseconds, from another thread.
fn set_after(flag: &Arc<AtomicBool>, ms: u64) -> std::thread::JoinHandle<()> {
    let flag = flag.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms));
        flag.store(true, Ordering::Relaxed);
    })
}

#[test]
fn a_settled_solve_keeps_a_valid_plan_with_its_gap() {
    let inst = fixture("shandong");
    let prep = Prepared::new(&inst).expect("valid fixture");
    let (settle, cancel) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    let setter = set_after(&settle, SETTLE_AFTER_MS);
    let start = Instant::now();
    let solved = solve(&prep, &best_effort(&settle, &cancel)).expect("a settled solve answers");
    let seconds = start.elapsed().as_secs_f64();
    setter.join().unwrap();
    let Outcome::Planned(plan) = solved.outcome else { panic!("Shandong is feasible") };
    let cut: Vec<_> = plan.stages.iter().filter(|s| s.status == StageStatus::TimeLimit).collect();
    assert_eq!(cut.len(), 1, "exactly the stage under way is cut short ({seconds:.2} s): {:#?}", plan.stages);
    let s = cut[0];
    assert!(!s.proven_optimal, "{s:?}");
    assert!(s.gap.is_finite() && s.gap > 0.0, "a finite gap: {s:?}");
    assert_eq!(s.id, "S1", "B1–B3 are solved at their root, S1 is what is under way");
    assert!(s.bound <= s.objective + 1e-6, "S1 minimises: its bound is below: {s:?}");
    let after = plan.stages.iter().skip_while(|t| t.id != s.id).skip(1);
    for t in after {
        assert!(t.proven_optimal, "the stages after the settled one run as usual: {t:?}");
    }
    let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
    assert!(report.is_valid(), "{:?}", report.violations);
    eprintln!("settled after {SETTLE_AFTER_MS} ms: solve {seconds:.2} s, stage {} gap {:.4} %", s.id, 100.0 * s.gap);
}

/// When the flag is set: during B1–B3 (about 0.45 s of the 0.8 s solve on an idle machine).
const SETTLE_AFTER_MS: u64 = 100;

#[test]
fn cancel_wins_over_settle_in_a_solve() {
    let inst = fixture("shandong");
    let prep = Prepared::new(&inst).expect("valid fixture");
    let both = Arc::new(AtomicBool::new(true));
    let r = solve(&prep, &best_effort(&both, &both));
    assert!(matches!(r, Err(SolveError::Cancelled { .. })), "{:?}", r.map(|_| ()));
}
