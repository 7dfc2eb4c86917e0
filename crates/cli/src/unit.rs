//! `sanlian unit`: one unit of work for a batch engine — a self-contained JSON document on
//! standard input (one scenario of one province: the instance itself and how to solve it),
//! its result as one JSON document on standard output. Nothing else is read or written, so a
//! cluster can run any number of them side by side (ARCHITECTURE.md, "Where one machine ends").

use std::io::Read as _;
use std::time::Instant;

use sanlian_engine::Answer;
use sanlian_model::{Instance, PlanMode, Prepared};
use sanlian_solver::SolveOptions;
use serde::Deserialize;
use serde_json::json;

use crate::Failure;

/// Largest work unit read, bytes (the largest province instance is about 1.5 MB).
pub const MAX_UNIT: u64 = 256 << 20;

/// Arguments of `sanlian unit`.
#[derive(clap::Args)]
pub struct Args {
    /// Put the whole plan into the result (by default only its figures).
    #[arg(long)]
    with_plan: bool,
}

/// A work unit: `{"unit": "solve", "id", "instance", "mode"?, "time_limit"?}`, or a turnover
/// run of `sanlian stress`: `{"unit": "replan", "id", "instance", "plan", "events", "time_limit"?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Unit {
    /// What to do: `solve` or `replan`.
    unit: String,
    /// The caller's name for the unit, echoed in the result (e.g. `sichuan/seed-3`).
    id: String,
    /// The instance, whole.
    instance: serde_json::Value,
    /// `strict` (default) or `best_effort`.
    #[serde(default)]
    mode: Option<PlanMode>,
    /// Most seconds the solve may take.
    #[serde(default)]
    time_limit: Option<f64>,
    /// `replan`: the plan in force.
    #[serde(default)]
    plan: Option<serde_json::Value>,
    /// `replan`: the events (a stress run's departures).
    #[serde(default)]
    events: Option<serde_json::Value>,
}

/// A work unit for `inst`, as `sanlian national --units` writes them.
pub fn unit_json(id: &str, inst: &Instance) -> serde_json::Value {
    json!({ "unit": "solve", "id": id, "instance": inst, "mode": "strict" })
}

/// `sanlian unit`: read a unit on stdin, answer on stdout.
pub fn run(args: Args) -> Result<(), Failure> {
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_UNIT + 1)
        .read_to_string(&mut text)
        .map_err(|e| Failure::input(format!("standard input: cannot read the work unit: {e}")))?;
    if text.len() as u64 > MAX_UNIT {
        return Err(Failure::input(format!("standard input: the work unit is larger than {} MiB", MAX_UNIT >> 20)));
    }
    let unit: Unit = serde_json::from_str(&text).map_err(|e| {
        Failure::input(format!("standard input, line {} column {}: not a work unit: {e}", e.line(), e.column()))
    })?;
    if unit.unit != "solve" && unit.unit != "replan" {
        return Err(Failure::input(format!(
            "standard input: unit {:?}: the kinds are \"solve\" and \"replan\"",
            unit.unit
        )));
    }
    if let Some(t) = unit.time_limit.filter(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(Failure::input(format!("standard input: time_limit {t}: must be a positive number of seconds")));
    }
    let inst = Instance::from_json(&unit.instance.to_string())
        .map_err(|e| Failure::input(format!("standard input, unit {}: instance: {e}", unit.id)))?;
    if unit.unit == "replan" {
        return replan(&unit, &inst);
    }
    let prep = Prepared::new(&inst).map_err(|e| Failure::input(format!("unit {}: {e}", unit.id)))?;
    let opts = SolveOptions {
        mode: unit.mode.unwrap_or_default(),
        time_limit: unit.time_limit,
        threads: 1,
        ..SolveOptions::default()
    };
    let started = Instant::now();
    let solved = sanlian_engine::solve(&prep, &opts)
        .map_err(|e| Failure { code: 1, message: format!("unit {}: {e}", unit.id) })?;
    let seconds = started.elapsed().as_secs_f64();
    let result = match solved.answer {
        Answer::Planned(checked) => {
            let plan = checked.into_plan();
            let stages: Vec<_> = plan
                .stages
                .iter()
                .map(|s| json!({ "id": s.id, "objective": s.objective, "bound": s.bound, "gap": s.gap, "proven_optimal": s.proven_optimal }))
                .collect();
            let mut r = json!({
                "id": unit.id,
                "province": inst.region.province.name,
                "outcome": "planned",
                "valid": true,
                "proven_optimal": plan.stages.iter().all(|s| s.proven_optimal),
                "counties": inst.region.counties.len(),
                "townships": inst.region.townships.len(),
                "cadres": inst.cadres.len(),
                "coverage": plan.coverage,
                "travel": plan.costs.travel,
                "stay": plan.costs.stay,
                "stages": stages,
                "shortfalls": plan.shortfalls.len(),
                "seconds": seconds,
            });
            if args.with_plan {
                r["plan"] = serde_json::to_value(&plan).unwrap_or_default();
            }
            r
        }
        Answer::Infeasible(certificates) => json!({
            "id": unit.id,
            "province": inst.region.province.name,
            "outcome": "infeasible",
            "valid": false,
            "certificates": certificates,
            "seconds": seconds,
        }),
    };
    println!("{result}");
    Ok(())
}

/// A `replan` unit: one turnover run, repaired as `sanlian stress` repairs it; the result is the
/// run's row (status, changes, coverage, shortfalls, costs per unit).
fn replan(unit: &Unit, inst: &Instance) -> Result<(), Failure> {
    let field = |name: &str, v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|v| v.to_string())
            .ok_or_else(|| Failure::input(format!("standard input, unit {}: a replan unit needs \"{name}\"", unit.id)))
    };
    let plan = sanlian_model::Plan::from_json(&field("plan", &unit.plan)?)
        .map_err(|e| Failure::input(format!("standard input, unit {}: plan: {e}", unit.id)))?;
    let events = sanlian_model::Events::from_json(&field("events", &unit.events)?)
        .map_err(|e| Failure::input(format!("standard input, unit {}: events: {e}", unit.id)))?;
    inst.validate().map_err(|e| Failure::input(format!("unit {}: {e}", unit.id)))?;
    sanlian_stress::check_plan(inst, &plan).map_err(|e| Failure::input(format!("unit {}: {e}", unit.id)))?;
    let mut run = sanlian_stress::repair(inst, &plan, &events, unit.time_limit);
    run.point = unit.id.clone();
    let mut r = serde_json::to_value(&run).expect("a run serialises");
    r["id"] = json!(unit.id);
    println!("{r}");
    Ok(())
}
