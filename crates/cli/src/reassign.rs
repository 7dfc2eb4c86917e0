//! `sanlian reassign`: repair a plan after someone leaves, joins or is replaced mid-plan.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use sanlian_explain::render::yuan;
use sanlian_model::{Events, Plan, PlanMode, Prepared};
use sanlian_solver::repair::{baselines, changes, pinned_differences, repair, successor_problems, Change};
use sanlian_solver::{Outcome, SolveOptions};

use crate::{load_instance, load_plan, read, summary, write_atomic, Failure, ModeArg};

/// Arguments of `sanlian reassign`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file the plan was made for.
    instance: PathBuf,
    /// The plan in force (JSON).
    plan: PathBuf,
    /// Events JSON file (leave, join, replace, unavailable; see docs/replanning.md).
    events: PathBuf,
    /// Write the repaired plan here; the instance it belongs to (with the events applied)
    /// goes beside it as <stem>.instance.json unless --new-instance says otherwise.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Where to write the instance with the events applied.
    #[arg(long)]
    new_instance: Option<PathBuf>,
    /// strict: every hard rule or a certificate; best-effort: a repair that meets what it can.
    #[arg(long, value_enum, default_value_t = ModeArg::Strict)]
    mode: ModeArg,
    /// Wall-clock limit, seconds.
    #[arg(long, allow_negative_numbers = true)]
    time_limit: Option<f64>,
}

/// Run `sanlian reassign`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(Failure::input("--time-limit must be a positive number of seconds"));
    }
    let inst = load_instance(&args.instance)?;
    let prep = Prepared::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let old = load_plan(&args.plan)?;
    let mismatch: Vec<String> =
        sanlian_check::check(&prep, &old).violations.iter().filter(|v| v.rule == "PLAN").map(|v| v.to_string()).collect();
    if !mismatch.is_empty() {
        return Err(Failure::input(format!(
            "{}: the plan does not belong to this instance:\n  {}",
            args.plan.display(),
            mismatch.join("\n  ")
        )));
    }
    let events = Events::from_json(&read(&args.events)?).map_err(|e| Failure::input(format!("{}: {e}", args.events.display())))?;
    let applied = events.apply(&inst).map_err(|e| Failure::input(format!("{}: {e}", args.events.display())))?;
    let next = Prepared::new(&applied.instance)
        .map_err(|e| Failure::input(format!("{}: after the events: {e}", args.events.display())))?;
    let base = baselines(&next, &old, &applied.baseline);
    let problems = successor_problems(&next, &base);
    if !problems.is_empty() {
        return Err(Failure::input(format!("{}: {}", args.events.display(), problems.join("; "))));
    }
    let mode = match args.mode {
        ModeArg::Strict => PlanMode::Strict,
        ModeArg::BestEffort => PlanMode::BestEffort,
    };
    let opts = SolveOptions { mode, time_limit: args.time_limit, ..SolveOptions::default() };
    let solved = repair(&next, applied.date, &base, &opts).map_err(|e| Failure { code: 1, message: e.to_string() })?;
    let plan = match solved.outcome {
        Outcome::Planned(plan) => *plan,
        Outcome::Infeasible(certs) => {
            println!("{}", summary::infeasible(&next, &certs));
            let offer = SolveOptions { mode: PlanMode::BestEffort, ..opts };
            if let Ok(Outcome::Planned(be)) = repair(&next, applied.date, &base, &offer).map(|s| s.outcome) {
                println!("\nThe best-effort repair (not written; run with --mode best-effort to write it):");
                println!("{}", report(&next, &old, &be, applied.date, &base, &applied.leavers));
            }
            return Err(Failure { code: 1, message: "no valid repair in strict mode; see the certificates above".into() });
        }
    };
    let verdict = sanlian_check::check(&next, &plan);
    let pinned = pinned_differences(&next, applied.date, &base, &plan);
    println!("{}", report(&next, &old, &plan, applied.date, &base, &applied.leavers));
    if !verdict.is_valid() || !pinned.is_empty() {
        let list: Vec<String> = verdict.violations.iter().map(|v| v.to_string()).chain(pinned).collect();
        return Err(Failure {
            code: 1,
            message: format!("internal error: the repaired plan fails its checks, nothing written:\n{}", list.join("\n")),
        });
    }
    println!("Checker: valid on the instance with the events applied; nothing before {} changed", applied.date);
    if let Some(out) = &args.output {
        let inst_path = args.new_instance.clone().unwrap_or_else(|| out.with_extension("instance.json"));
        write_atomic(&inst_path, &(serde_json::to_string_pretty(&applied.instance).expect("serialises") + "\n"))?;
        write_atomic(out, &(serde_json::to_string_pretty(&plan).expect("serialises") + "\n"))?;
        eprintln!("repaired plan written to {} (its instance: {})", out.display(), inst_path.display());
    }
    Ok(())
}

/// The change list per person, the cost delta and the stages, for a planner.
fn report(
    prep: &Prepared,
    old: &Plan,
    new: &Plan,
    date: chrono::NaiveDate,
    base: &[Option<sanlian_solver::repair::Baseline>],
    leavers: &[String],
) -> String {
    let list = changes(prep, date, base, new);
    let mut s = String::new();
    let _ = writeln!(s, "Re-plan from {date}: {} changed decision(s) after the date (§7: group, township, months, weekday per cadre and year)", list.len());
    if !leavers.is_empty() {
        let _ = writeln!(s, "Leaving: {}", leavers.join(" "));
    }
    let mut per: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for ch in &list {
        per.entry(ch.cadre.as_str()).or_default().push(ch);
    }
    for (id, chs) in per {
        let name = prep.cadre_index.get(id).map(|&c| prep.inst.cadres[c].name.as_str()).unwrap_or("");
        let _ = writeln!(s, "  {name}（{id}）");
        for ch in chs {
            let _ = writeln!(s, "    {} {}: {} → {}", ch.year, ch.kind, if ch.from.is_empty() { "—" } else { &ch.from }, if ch.to.is_empty() { "—" } else { &ch.to });
        }
    }
    let joined: Vec<&str> = new
        .assignments
        .iter()
        .filter(|a| base.get(prep.cadre_index[a.cadre.as_str()]).is_some_and(Option::is_none))
        .map(|a| a.cadre.as_str())
        .collect();
    for id in joined {
        let a = new.assignments.iter().find(|a| a.cadre == id).expect("listed above");
        let _ = writeln!(s, "  joins: {id} → group {} ({})", a.county, a.years.iter().map(|y| y.township.as_str()).collect::<Vec<_>>().join(", "));
    }
    let _ = writeln!(
        s,
        "Cost: travel {} → {} ({}), stay {} → {} ({})",
        yuan(old.costs.travel),
        yuan(new.costs.travel),
        signed(new.costs.travel - old.costs.travel),
        yuan(old.costs.stay),
        yuan(new.costs.stay),
        signed(new.costs.stay - old.costs.stay)
    );
    let old_units: BTreeMap<&str, f64> = old.costs.units.iter().map(|u| (u.unit.as_str(), u.travel + u.stay)).collect();
    for u in &new.costs.units {
        let before = old_units.get(u.unit.as_str()).copied().unwrap_or(0.0);
        let delta = u.travel + u.stay - before;
        if delta.abs() >= 0.5 {
            let _ = writeln!(s, "  {}: {}", u.unit, signed(delta));
        }
    }
    for st in &new.stages {
        let _ = writeln!(s, "  {:<3} {} = {:.2} (gap {:.1e})", st.id, st.name, st.objective, st.gap);
    }
    if !new.shortfalls.is_empty() {
        let _ = writeln!(s, "Best-effort shortfalls ({}):", new.shortfalls.len());
        for f in &new.shortfalls {
            let _ = writeln!(s, "  [{}] {}: {}", f.rule, f.subject, f.reason);
        }
    }
    s
}

fn signed(v: f64) -> String {
    if v < 0.0 {
        format!("−{}", yuan(-v))
    } else {
        format!("+{}", yuan(v))
    }
}
