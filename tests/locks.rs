//! Property tests of the planner's locks and bans (P1–P9): generated instances get random
//! locks — some taken from their own optimal plan, some barring it, some anywhere — and are
//! solved again. A lock that can never hold is refused by validation, naming the lock; a plan
//! keeps every lock (re-verified here with this file's own reading of each lock, and by the
//! checker) and never costs less than the plan without locks; an infeasible answer names
//! locks whose lifting each gives a plan. Locking a plan's own decisions reproduces its
//! stage values exactly.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Weekday;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sanlian_check::Verdict;
use sanlian_model::{CertificateKind, InputError, Instance, Lock, LockKind, Plan, PlanMode, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn strict() -> SolveOptions {
    SolveOptions { mode: PlanMode::Strict, ..SolveOptions::default() }
}

/// A strict plan of `inst`, if it has one.
fn plan_of(inst: &Instance) -> Option<Plan> {
    let prep = Prepared::new(inst).ok()?;
    match solve(&prep, &strict()).expect("no time limit").outcome {
        Outcome::Planned(p) => Some(*p),
        Outcome::Infeasible(_) => None,
    }
}

fn stage(plan: &Plan, id: &str) -> f64 {
    plan.stages.iter().find(|s| s.id == id).map_or(f64::NAN, |s| s.objective)
}

/// This file's own reading of one lock on a plan.
fn holds(plan: &Plan, lock: &Lock) -> bool {
    let a = plan.assignments.iter().find(|a| a.cadre == lock.cadre).expect("every cadre is assigned");
    let county = lock.county.as_deref().unwrap_or_default();
    let group = plan.groups.iter().find(|g| g.county == county);
    let leads = group.is_some_and(|g| {
        g.leader.as_deref() == Some(lock.cadre.as_str()) || g.former_leaders.iter().any(|f| f.cadre == lock.cadre)
    });
    let in_year = |y: i32| a.years.iter().find(|e| e.year == y);
    let on_block = |m: &str| a.years.iter().any(|e| e.blocks.iter().any(|b| b.month == m));
    match lock.kind {
        LockKind::County => a.county == county,
        LockKind::NotCounty => a.county != county,
        LockKind::Leader => a.county == county && leads,
        LockKind::NotLeader => !leads,
        LockKind::Township => in_year(lock.year.unwrap()).is_some_and(|e| Some(&e.township) == lock.township.as_ref()),
        LockKind::NotTownship => {
            in_year(lock.year.unwrap()).is_none_or(|e| Some(&e.township) != lock.township.as_ref())
        }
        LockKind::Months => lock.months.iter().all(|m| on_block(m)),
        LockKind::NotMonths => !lock.months.iter().any(|m| on_block(m)),
        LockKind::Weekday => a.years.iter().all(|e| e.weekday.is_none() || e.weekday == lock.weekday),
    }
}

/// A small deterministic stream from a seed (the locks are drawn from it).
struct Draw(u64);

impl Draw {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Up to six locks: mostly the plan's own decisions (or bans of them), some anywhere.
fn random_locks(inst: &Instance, plan: &Plan, seed: u64) -> Vec<Lock> {
    let mut d = Draw(seed | 1);
    let n = 1 + d.next(6);
    let mut out = Vec::new();
    for _ in 0..n {
        let a = &plan.assignments[d.next(plan.assignments.len())];
        let own = d.next(10) < 7;
        let mut kind = LockKind::ALL[d.next(9)];
        // Mostly kinds the cadre can take (blocks for months, a weekday), so that fewer are refused.
        let entry0 = &a.years[0];
        let fits = |k: LockKind| match k {
            LockKind::Months | LockKind::NotMonths => !entry0.blocks.is_empty(),
            LockKind::Weekday => entry0.weekday.is_some(),
            _ => true,
        };
        if !fits(kind) && d.next(10) < 8 {
            kind = LockKind::ALL[d.next(9)];
        }
        let any_county = inst.region.counties[d.next(inst.region.counties.len())].code.clone();
        let county = if own { a.county.clone() } else { any_county };
        let entry = &a.years[d.next(a.years.len())];
        let any_town = inst.region.townships[d.next(inst.region.townships.len())].code.clone();
        let window = inst.parameters.window_first_month..=inst.parameters.window_last_month;
        let any_month = format!("{}-{:02}", entry.year, window.clone().nth(d.next(window.count())).unwrap());
        let lock = Lock::new(kind, &a.cadre);
        let lock = match kind {
            LockKind::County | LockKind::NotCounty | LockKind::NotLeader => lock.county(county),
            LockKind::Leader => {
                let led = plan.groups.iter().find(|g| g.leader.as_deref() == Some(a.cadre.as_str()));
                lock.county(if own { led.map_or(county, |g| g.county.clone()) } else { county })
            }
            LockKind::Township | LockKind::NotTownship => {
                lock.township(if own { entry.township.clone() } else { any_town }, entry.year)
            }
            LockKind::Months | LockKind::NotMonths => {
                let own_month = entry.blocks.first().map(|b| b.month.clone());
                lock.months([if own { own_month.unwrap_or(any_month) } else { any_month }])
            }
            LockKind::Weekday => {
                let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
                lock.weekday(if own { entry.weekday.unwrap_or(days[0]) } else { days[d.next(5)] })
            }
        };
        out.push(lock);
    }
    out
}

fn small_fixture() -> Instance {
    let path = format!("{}/fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(path).expect("the small fixture")).expect("it parses")
}

fn with_locks(inst: &Instance, locks: Vec<Lock>) -> Instance {
    Instance { locks, ..inst.clone() }
}

#[derive(Default)]
struct Counts {
    planned: AtomicUsize,
    refused: AtomicUsize,
    infeasible: AtomicUsize,
    skipped: AtomicUsize,
}

fn locked_answer(base: &Instance, seed: u64, counts: &Counts) -> Result<(), TestCaseError> {
    let Some(plain) = plan_of(base) else {
        counts.skipped.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    };
    let inst = with_locks(base, random_locks(base, &plain, seed));
    let prep = match Prepared::new(&inst) {
        Ok(p) => p,
        Err(InputError::Invalid { problems, .. }) => {
            // The base instance is valid: every problem is one of the locks, named by place.
            prop_assert!(!problems.is_empty());
            for p in &problems {
                prop_assert!(p.path.starts_with("locks["), "{}: {}", p.path, p.message);
            }
            counts.refused.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
    };
    match solve(&prep, &strict()).expect("no time limit").outcome {
        Outcome::Planned(plan) => {
            counts.planned.fetch_add(1, Ordering::Relaxed);
            for lock in &inst.locks {
                prop_assert!(holds(&plan, lock), "{lock:?} broken");
            }
            prop_assert_eq!(&plan.locks, &inst.locks);
            let report = sanlian_check::check(&inst, &plan).expect("a valid instance");
            prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
            for (st, verdict) in plan.stages.iter().zip(&report.stages) {
                prop_assert!(st.proven_optimal, "stage {} gap {}", st.id, st.gap);
                if common::lp_integral(st) {
                    prop_assert_eq!(verdict.verdict, Verdict::Certified, "stage {}", st.id);
                }
            }
            // Locks only take choices away: S1 never falls below the unlocked optimum.
            let (locked, free) = (stage(&plan, "S1"), stage(&plain, "S1"));
            prop_assert!(locked >= free - 1e-6 * free.abs().max(1.0), "S1 {locked} below the unlocked {free}");
        }
        Outcome::Infeasible(certs) => {
            counts.infeasible.fetch_add(1, Ordering::Relaxed);
            // Without locks the instance plans, so the first certificate names a minimal set of
            // locks in conflict: re-verified by solving with exactly those locks, and without each.
            let first = certs.first().expect("a certificate");
            prop_assert_eq!(first.kind, CertificateKind::Locks, "{}", first.message);
            prop_assert!(!first.locks.is_empty());
            if let Err(e) = common::reverify_locks(&inst, first) {
                prop_assert!(false, "{}: {}", first.message, e);
            }
        }
    }
    Ok(())
}

#[test]
fn random_locks_are_kept_refused_or_named_in_a_certificate() {
    let counts = Counts::default();
    let mut runner = TestRunner::new(Config {
        cases: 512,
        source_file: Some(file!()),
        failure_persistence: None,
        ..Config::default()
    });
    // Generated shapes (most are strictly infeasible and skipped) and, a third of the time,
    // the small fixture (40 cadres, feasible), each with its own random locks.
    let small = small_fixture();
    let strategy = (common::shapes(), any::<u64>(), 0u8..3);
    let result = runner.run(&strategy, |(shape, seed, pick)| {
        let base = if pick == 0 { small.clone() } else { common::build(&shape) };
        locked_answer(&base, seed, &counts)
    });
    let n = |a: &AtomicUsize| a.load(Ordering::Relaxed);
    let (planned, refused, infeasible, skipped) =
        (n(&counts.planned), n(&counts.refused), n(&counts.infeasible), n(&counts.skipped));
    eprintln!("locks: {planned} planned, {refused} refused, {infeasible} infeasible, {skipped} skipped");
    result.unwrap();
    assert!(planned >= 64, "only {planned} locked instances planned");
    assert!(refused + infeasible >= 1, "no random lock was ever refused or infeasible: the test shows too little");
}

/// Every decision of `plan` as a lock: county, leader, townships, block months, weekday.
fn own_decisions(plan: &Plan) -> Vec<Lock> {
    let mut locks = Vec::new();
    for a in &plan.assignments {
        locks.push(Lock::new(LockKind::County, &a.cadre).county(&a.county));
        for e in &a.years {
            locks.push(Lock::new(LockKind::Township, &a.cadre).township(&e.township, e.year));
            if !e.blocks.is_empty() {
                locks.push(Lock::new(LockKind::Months, &a.cadre).months(e.blocks.iter().map(|b| b.month.clone())));
            }
        }
        if let Some(d) = a.years.iter().find_map(|e| e.weekday) {
            locks.push(Lock::new(LockKind::Weekday, &a.cadre).weekday(d));
        }
    }
    for g in &plan.groups {
        if g.former_leaders.is_empty() {
            if let Some(l) = &g.leader {
                locks.push(Lock::new(LockKind::Leader, l).county(&g.county));
            }
        }
    }
    locks
}

#[test]
fn locking_a_plans_own_decisions_reproduces_its_values() {
    let small = small_fixture();
    common::run_until_compared("own decisions", file!(), &(common::shapes(), 0u8..4), 48, 192, |(shape, pick)| {
        let base = if pick == 0 { small.clone() } else { common::build(&shape) };
        let Some(plan) = plan_of(&base) else { return Ok(false) };
        let inst = with_locks(&base, own_decisions(&plan));
        let prep = Prepared::new(&inst).map_err(|e| TestCaseError::fail(format!("own decisions refused: {e}")))?;
        let Outcome::Planned(again) = solve(&prep, &strict()).expect("no time limit").outcome else {
            return Err(TestCaseError::fail("a plan's own decisions, locked, are infeasible"));
        };
        for id in ["S1", "S2", "S3a", "S3b"] {
            let (a, b) = (stage(&plan, id), stage(&again, id));
            prop_assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0), "{id}: {a} unlocked, {b} locked");
        }
        let report = sanlian_check::check(&inst, &again).expect("a valid instance");
        prop_assert!(report.is_valid(), "checker: {:?}", report.violations);
        Ok(true)
    });
}
