//! The adversarial suite, in process: a bounded, seeded fuzz loop over everything a planner or
//! an attacker can hand the engine — instances, plans, events, scenario specs and roster
//! spreadsheets — mutated structurally and byte by byte from the small fixture.
//!
//! Every input must end in a clean answer: accepted (and then solved, checked, re-planned or
//! expanded without a defect) or rejected with a message. A panic (even one the code under
//! test catches), an input that takes more
//! than [`HANG_SECONDS`], a plan the checker rejects after the engine made it, a plan the
//! checker accepts although it was edited to break a named rule, or an error without words is
//! a defect: the input is written to `target/fuzz-failures/` and the test fails naming it.
//!
//! Each target runs `SANLIAN_FUZZ_SECONDS` seconds (default 3; CI) from `SANLIAN_FUZZ_SEED`
//! (default 1); the `#[ignore]`d `long_fuzz` runs each for 120 s:
//! `cargo test --release --workspace --test fuzz -- --ignored` (with `--workspace`, so that the
//! build shares the suite's features and nothing is rebuilt).

#[path = "common/mutate.rs"]
mod mutate;

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use mutate::{mutate_bytes, mutate_csv, mutate_json, Rng};
use sanlian_engine::{Answer, EngineError};
use sanlian_model::{Events, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::{SolveError, SolveOptions};
use serde_json::{json, Value};

/// An input that takes longer than this is a hang: every stage is bounded far below it.
const HANG_SECONDS: f64 = 30.0;

fn small_text() -> String {
    std::fs::read_to_string(format!("{}/fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn small() -> Instance {
    Instance::from_json(&small_text()).unwrap()
}

fn plan_of(inst: &Instance) -> Plan {
    let prep = Prepared::new(inst).unwrap();
    let solved = sanlian_engine::solve(&prep, &SolveOptions::default()).unwrap();
    solved.answer.plan().expect("the small fixture is feasible").plan().clone()
}

/// What one input came to.
enum Verdict {
    /// Refused with this message.
    Rejected(String),
    /// Accepted and carried through to the end (solved and checked, expanded …).
    Accepted,
}

/// A seeded run of one target: inputs from `make`, each put through `exercise`.
struct Tally {
    tried: usize,
    accepted: usize,
    rejected: usize,
    slowest: f64,
}

fn seconds(default: f64) -> f64 {
    std::env::var("SANLIAN_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("SANLIAN_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

thread_local! {
    /// Panics on this thread so far, caught or not (counted by [`count_panics`]'s hook).
    static PANICS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Count every panic, also those the code under test catches itself: a caught panic is a
/// defect too (the suite's target is none at all).
fn count_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|p| p.set(p.get() + 1));
            default(info);
        }));
    });
}

/// Run `exercise` on inputs from `make` for `budget` seconds (at least `min_inputs`); a
/// defect writes the input to `target/fuzz-failures/<target>-<seed>.bin` and fails.
fn fuzz(
    target: &str,
    budget: f64,
    min_inputs: usize,
    mut make: impl FnMut(&mut Rng) -> Vec<u8>,
    exercise: impl Fn(&[u8]) -> Result<Verdict, String>,
) -> Tally {
    count_panics();
    let start = Instant::now();
    let base = seed();
    let mut tally = Tally { tried: 0, accepted: 0, rejected: 0, slowest: 0.0 };
    while tally.tried < min_inputs || start.elapsed().as_secs_f64() < budget {
        let case = base.wrapping_mul(1_000_003).wrapping_add(tally.tried as u64);
        let mut rng = Rng::new(case);
        let input = make(&mut rng);
        let t = Instant::now();
        let panics = PANICS.with(|p| p.get());
        let result = catch_unwind(AssertUnwindSafe(|| exercise(&input)));
        let caught = PANICS.with(|p| p.get()) > panics && result.is_ok();
        let took = t.elapsed().as_secs_f64();
        tally.slowest = tally.slowest.max(took);
        let defect = match result {
            Err(panic) => Some(format!(
                "panicked: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
            Ok(_) if caught => Some("panicked, and the code under test caught it (see the message above)".into()),
            Ok(_) if took > HANG_SECONDS => Some(format!("took {took:.1} s (more than {HANG_SECONDS} s)")),
            Ok(Err(defect)) => Some(defect),
            Ok(Ok(Verdict::Rejected(message))) if message.trim().len() < 8 => {
                Some(format!("rejected without a usable message: {message:?}"))
            }
            Ok(Ok(Verdict::Rejected(_))) => {
                tally.rejected += 1;
                None
            }
            Ok(Ok(Verdict::Accepted)) => {
                tally.accepted += 1;
                None
            }
        };
        if let Some(defect) = defect {
            let dir = format!("{}/target/fuzz-failures", env!("CARGO_MANIFEST_DIR"));
            std::fs::create_dir_all(&dir).unwrap();
            let path = format!("{dir}/{target}-{case}.bin");
            std::fs::write(&path, &input).unwrap();
            panic!("fuzz {target}: case {case} is a defect: {defect}\n  input written to {path}");
        }
        tally.tried += 1;
    }
    eprintln!(
        "fuzz {target}: {} inputs in {:.1} s, {} accepted, {} rejected, slowest {:.2} s",
        tally.tried,
        start.elapsed().as_secs_f64(),
        tally.accepted,
        tally.rejected,
        tally.slowest
    );
    tally
}

/// The loop must reach both sides of the validation, or it tests nothing.
fn assert_both_sides(target: &str, t: &Tally) {
    assert!(t.accepted > 0, "fuzz {target}: no mutated input was accepted in {} tries", t.tried);
    assert!(t.rejected > 0, "fuzz {target}: no mutated input was rejected in {} tries", t.tried);
}

fn text(input: &[u8]) -> Result<&str, Verdict> {
    std::str::from_utf8(input).map_err(|e| Verdict::Rejected(format!("not UTF-8: {e}")))
}

/// Solve a validated instance in `mode` under a time limit and check whatever plan comes out.
fn solve_and_check(inst: &Instance, mode: PlanMode) -> Result<Verdict, String> {
    let prep = match Prepared::new(inst) {
        Ok(p) => p,
        Err(e) => return Ok(Verdict::Rejected(e.to_string())),
    };
    let opts = SolveOptions { mode, time_limit: Some(5.0), ..SolveOptions::default() };
    match sanlian_engine::solve(&prep, &opts) {
        Ok(solved) => match solved.answer {
            Answer::Planned(plan) => {
                let report = sanlian_check::check(inst, plan.plan()).map_err(|e| format!("re-check: {e}"))?;
                if !report.is_valid() {
                    return Err(format!("a certified plan fails a fresh check: {:?}", report.violations));
                }
                Ok(Verdict::Accepted)
            }
            Answer::Infeasible(certs) if certs.is_empty() => Err("infeasible without a certificate".into()),
            Answer::Infeasible(_) => Ok(Verdict::Accepted),
        },
        Err(EngineError::Rejected(report)) => {
            Err(format!("the checker rejects the engine's plan: {:?}", report.violations))
        }
        Err(EngineError::Solve(SolveError::Solver { stage, message })) => {
            Err(format!("HiGHS failed on a validated instance at {stage}: {message}"))
        }
        Err(e) => Ok(Verdict::Rejected(e.to_string())),
    }
}

fn fuzz_instances(budget: f64) -> Tally {
    let base: Value = serde_json::from_str(&small_text()).unwrap();
    let bytes = small_text().into_bytes();
    fuzz(
        "instance",
        budget,
        40,
        |rng| {
            if rng.chance(0.15) {
                mutate_bytes(rng, &bytes, 4)
            } else {
                serde_json::to_vec(&mutate_json(rng, &base, 3)).unwrap()
            }
        },
        |input| {
            let text = match text(input) {
                Ok(t) => t,
                Err(v) => return Ok(v),
            };
            let inst = match Instance::from_json(text) {
                Ok(i) => i,
                Err(e) => return Ok(Verdict::Rejected(e.to_string())),
            };
            let mode = if input.len() % 2 == 0 { PlanMode::Strict } else { PlanMode::BestEffort };
            solve_and_check(&inst, mode)
        },
    )
}

/// Edits of a valid plan that each break a named rule: the checker must refuse every one.
fn breaking_edits(inst: &Instance, plan: &Value) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut p = plan.clone();
        f(&mut p);
        p
    };
    let other_county = |here: &str| inst.region.counties.iter().map(|c| c.code.clone()).find(|c| c != here).unwrap();
    let first_county = plan["assignments"][0]["county"].as_str().unwrap().to_string();
    out.push((
        "a member sent to another county (H1: the groups say otherwise)",
        edit(&|p| p["assignments"][0]["county"] = json!(other_county(&first_county))),
    ));
    out.push((
        "a cadre left out (H1 every cadre in one group)",
        edit(&|p| {
            p["assignments"].as_array_mut().unwrap().remove(0);
        }),
    ));
    out.push((
        "a cadre twice",
        edit(&|p| {
            let a = p["assignments"][0].clone();
            p["assignments"].as_array_mut().unwrap().push(a);
        }),
    ));
    out.push((
        "a block in February, outside the window (H8)",
        edit(&|p| {
            let year = p["assignments"][0]["years"][0]["year"].as_i64().unwrap();
            p["assignments"][0]["years"][0]["blocks"][0] = json!({
                "month": format!("{year}-02"), "first_day": format!("{year}-02-01"), "last_day": format!("{year}-02-28")
            });
        }),
    ));
    out.push(("a township of no county", edit(&|p| p["assignments"][0]["years"][0]["township"] = json!("370000999"))));
    out.push((
        "a leader who is not a member",
        edit(&|p| {
            let other = p["groups"][1]["members"][0].clone();
            p["groups"][0]["leader"] = other;
        }),
    ));
    out.push(("a group with no leader (H3)", edit(&|p| p["groups"][0]["leader"] = Value::Null)));
    out.push((
        "the travel cost halved (the checker recomputes it)",
        edit(&|p| {
            let travel = p["costs"]["travel"].as_f64().unwrap();
            p["costs"]["travel"] = json!(travel / 2.0);
        }),
    ));
    out
}

/// A plan the checker accepts may differ from the optimal `original` (another valid plan, or
/// the same one with other duals); but the first stage whose value differs from the optimum
/// cannot be certified optimal, whatever proof the plan carries.
fn certified_only_at_the_optimum(original: &Plan, edited: &Plan, report: &sanlian_check::Report) -> Result<(), String> {
    for (stage, check) in edited.stages.iter().zip(&report.stages) {
        let Some(optimum) = original.stages.iter().find(|s| s.id == stage.id) else { break };
        if (stage.objective - optimum.objective).abs() > 1e-6 * optimum.objective.abs().max(1.0) {
            if check.verdict == sanlian_engine::Verdict::Certified {
                return Err(format!(
                    "stage {} certified optimal at {} although the optimum is {}",
                    stage.id, stage.objective, optimum.objective
                ));
            }
            break;
        }
    }
    Ok(())
}

fn fuzz_plans(budget: f64) -> Tally {
    let inst = small();
    let plan = plan_of(&inst);
    let value = serde_json::to_value(&plan).unwrap();
    for (what, broken) in breaking_edits(&inst, &value) {
        let refused = match Plan::from_json(&broken.to_string()) {
            Err(_) => true,
            Ok(p) => match sanlian_check::check(&inst, &p) {
                Err(_) => true,
                Ok(report) => !report.is_valid() || !report.mismatches().is_empty(),
            },
        };
        assert!(refused, "the checker accepts a plan edited to break a rule: {what}");
    }
    let bytes = serde_json::to_vec(&value).unwrap();
    fuzz(
        "plan",
        budget,
        60,
        |rng| {
            if rng.chance(0.15) {
                mutate_bytes(rng, &bytes, 4)
            } else {
                serde_json::to_vec(&mutate_json(rng, &value, 2)).unwrap()
            }
        },
        |input| {
            let text = match text(input) {
                Ok(t) => t,
                Err(v) => return Ok(v),
            };
            let p = match Plan::from_json(text) {
                Ok(p) => p,
                Err(e) => return Ok(Verdict::Rejected(e.to_string())),
            };
            match sanlian_check::check(&inst, &p) {
                Err(e) => Ok(Verdict::Rejected(e.to_string())),
                Ok(r) if r.is_valid() => certified_only_at_the_optimum(&plan, &p, &r).map(|()| Verdict::Accepted),
                Ok(r) if r.violations.is_empty() && r.mismatches().is_empty() => {
                    Err("invalid without a violation or mismatch named".into())
                }
                Ok(r) => Ok(Verdict::Rejected(format!("{} violation(s)", r.violations.len()))),
            }
        },
    )
}

fn fuzz_events(budget: f64) -> Tally {
    let inst = small();
    let plan = plan_of(&inst);
    let mut joiner = serde_json::to_value(&inst.cadres[1]).unwrap();
    joiner["id"] = json!("NEW1");
    let mut successor = serde_json::to_value(&inst.cadres[2]).unwrap();
    successor["id"] = json!("NEW2");
    let (a, b, c) = (&inst.cadres[0].id, &inst.cadres[3].id, &inst.cadres[4].id);
    let year = inst.first_year;
    let base = json!({"events": [
        {"kind": "leave", "date": format!("{year}-07-01"), "cadre": a},
        {"kind": "join", "date": format!("{year}-07-01"), "cadre": joiner},
        {"kind": "replace", "date": format!("{year}-07-01"), "cadre": b, "successor": successor},
        {"kind": "unavailable", "date": format!("{year}-06-15"), "cadre": c, "months": [format!("{year}-09"), format!("{year}-10")]},
    ]});
    fuzz(
        "events",
        budget,
        20,
        |rng| serde_json::to_vec(&mutate_json(rng, &base, 2)).unwrap(),
        |input| {
            let text = match text(input) {
                Ok(t) => t,
                Err(v) => return Ok(v),
            };
            let events = match Events::from_json(text) {
                Ok(e) => e,
                Err(e) => return Ok(Verdict::Rejected(e.to_string())),
            };
            let opts = sanlian_explain::replan::ReplanOptions {
                mode: if input.len() % 2 == 0 { PlanMode::Strict } else { PlanMode::BestEffort },
                time_limit: Some(5.0),
                ..Default::default()
            };
            match sanlian_explain::replan::reassign_with(&inst, &plan, &events, &opts) {
                Ok(_) => Ok(Verdict::Accepted),
                Err(e @ sanlian_explain::replan::ReplanError::Rejected(_)) => Err(e.to_string()),
                Err(sanlian_explain::replan::ReplanError::Solve(SolveError::Solver { stage, message })) => {
                    Err(format!("HiGHS failed on accepted events at {stage}: {message}"))
                }
                Err(e) => Ok(Verdict::Rejected(e.to_string())),
            }
        },
    )
}

fn fuzz_specs(budget: f64) -> Tally {
    let inst = small();
    let base = json!({"name": "fuzz", "seed": 3, "sweeps": [
        {"kind": "province_cadres", "from": 2, "to": 8, "step": 2},
        {"kind": "remove_city_seniors", "cities": [inst.region.cities[0].code]},
        {"kind": "unavailable_share", "values": [0.1, 0.5]},
        {"kind": "department_share", "from": 0.1, "to": 0.3, "step": 0.1},
        {"kind": "nearby_km", "values": [40, 80]}
    ]});
    fuzz(
        "spec",
        budget,
        100,
        |rng| serde_json::to_vec(&mutate_json(rng, &base, 3)).unwrap(),
        |input| {
            let text = match text(input) {
                Ok(t) => t,
                Err(v) => return Ok(v),
            };
            let spec = match sanlian_scenarios::Spec::from_json(text) {
                Ok(s) => s,
                Err(e) => return Ok(Verdict::Rejected(e.to_string())),
            };
            let (count, _work) = match sanlian_scenarios::budget(&inst, &spec) {
                Ok(b) => b,
                Err(e) => return Ok(Verdict::Rejected(e.to_string())),
            };
            match sanlian_scenarios::variants(&inst, &spec) {
                Ok(v) if v.len() == count => Ok(Verdict::Accepted),
                Ok(v) => Err(format!("the budget counted {count} variants, expansion made {}", v.len())),
                Err(e) => Ok(Verdict::Rejected(e.to_string())),
            }
        },
    )
}

/// Read a roster and make the instance of it, as `roster import` and the service do.
fn import(inst: &Instance, bytes: &[u8], name: &str) -> Result<Verdict, String> {
    match sanlian_files::read_roster_for(bytes, name, inst) {
        Err(e) => Ok(Verdict::Rejected(e.to_string())),
        Ok(roster) => {
            let next = Instance { cadres: roster.cadres, ..inst.clone() };
            Ok(match Prepared::new(&next) {
                Ok(_) => Verdict::Accepted,
                Err(e) => Verdict::Rejected(e.to_string()),
            })
        }
    }
}

/// The workbook with one of its XML parts edited (the archive stays a valid zip).
fn edit_part(rng: &mut Rng, xlsx: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let victim = rng.pick(&names).clone();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in &names {
        let mut data = Vec::new();
        archive.by_name(name).unwrap().read_to_end(&mut data).unwrap();
        if *name == victim {
            data = mutate_bytes(rng, &data, 3);
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn fuzz_spreadsheets(budget: f64) -> Tally {
    let inst = small();
    let csv = sanlian_files::roster_csv(&inst);
    let xlsx = sanlian_files::roster_xlsx(&inst).unwrap();
    let xls = std::fs::read(format!("{}/fixtures/small/roster.xls", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(matches!(import(&inst, csv.as_bytes(), "roster.csv"), Ok(Verdict::Accepted)));
    assert!(matches!(import(&inst, &xls, "roster.xls"), Ok(Verdict::Accepted)));
    let ods = std::fs::read(format!("{}/fixtures/small/roster.ods", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(matches!(import(&inst, &ods, "roster.ods"), Ok(Verdict::Accepted)));
    fuzz(
        "spreadsheet",
        budget,
        60,
        |rng| {
            // A tag byte says which file kind the rest is, for the exercise.
            let (tag, body) = match rng.below(6) {
                0 => (b'c', mutate_csv(rng, &csv, 3).into_bytes()),
                1 => (b'x', edit_part(rng, &xlsx)),
                2 => (b'l', mutate_bytes(rng, &xls, 3)),
                3 => (b'o', edit_part(rng, &ods)),
                4 => (b'o', mutate_bytes(rng, &ods, 3)),
                _ => (b'x', mutate_bytes(rng, &xlsx, 3)),
            };
            let mut input = vec![tag];
            input.extend(body);
            input
        },
        |input| {
            let name = match input[0] {
                b'c' => "roster.csv",
                b'l' => "roster.xls",
                b'o' => "roster.ods",
                _ => "roster.xlsx",
            };
            import(&inst, &input[1..], name)
        },
    )
}

#[test]
fn mutated_instances_are_solved_and_checked_or_refused_with_a_reason() {
    let t = fuzz_instances(seconds(3.0));
    assert_both_sides("instance", &t);
}

#[test]
fn mutated_plans_are_checked_without_a_panic_and_rule_breaking_edits_are_refused() {
    let t = fuzz_plans(seconds(3.0));
    assert_both_sides("plan", &t);
}

#[test]
fn mutated_events_are_replanned_or_refused_with_a_reason() {
    let t = fuzz_events(seconds(3.0));
    assert_both_sides("events", &t);
}

#[test]
fn mutated_scenario_specs_are_sized_before_they_are_expanded() {
    let t = fuzz_specs(seconds(2.0));
    assert_both_sides("spec", &t);
}

#[test]
fn mutated_roster_spreadsheets_are_imported_or_refused_with_the_place() {
    let t = fuzz_spreadsheets(seconds(3.0));
    assert_both_sides("spreadsheet", &t);
}

/// The long run: two minutes per target (`cargo test --release --workspace --test fuzz -- --ignored`).
#[test]
#[ignore]
fn long_fuzz() {
    let budget = seconds(120.0);
    for (name, t) in [
        ("instance", fuzz_instances(budget)),
        ("plan", fuzz_plans(budget)),
        ("events", fuzz_events(budget)),
        ("spec", fuzz_specs(budget)),
        ("spreadsheet", fuzz_spreadsheets(budget)),
    ] {
        assert_both_sides(name, &t);
    }
}
