//! `sanlian reassign`: repair a plan after someone leaves, joins or is replaced mid-plan.

use std::path::PathBuf;

use sanlian_explain::render::Lang;
use sanlian_explain::replan::{reassign_with, ReplanError, ReplanOptions, DEFAULT_TAKEOVERS};
use sanlian_model::{Events, PlanMode, Prepared};

use crate::{load_instance, load_plan, read, summary, Failure, ModeArg, Staged};

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
    /// Repair a plan in force that breaks the rules, explicitly: every decision may change,
    /// the past included, and the report lists each violation it had to change. Without it
    /// such a plan is refused (exit 2), since re-planning keeps the past as it was.
    #[arg(long)]
    repair_invalid: bool,
    /// When a group's leader leaves: how many senior cadres to evaluate as its new leader
    /// (one re-solve each; 0: none). The report lists each with its changes and cost.
    #[arg(long, default_value_t = DEFAULT_TAKEOVERS)]
    takeovers: usize,
    /// Language of the report: zh (default, the planners') or en.
    #[arg(long, value_enum, default_value_t = crate::explain::LangArg::Zh)]
    lang: crate::explain::LangArg,
}

/// Run `sanlian reassign`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(Failure::input("--time-limit must be a positive number of seconds"));
    }
    let inst = load_instance(&args.instance)?;
    let old = load_plan(&args.plan)?;
    let events = Events::from_json(&read(&args.events)?)
        .map_err(|e| Failure::input(format!("{}: {e}", args.events.display())))?;
    let mode = match args.mode {
        ModeArg::Strict => PlanMode::Strict,
        ModeArg::BestEffort => PlanMode::BestEffort,
    };
    let opts = ReplanOptions {
        mode,
        time_limit: args.time_limit,
        repair_invalid: args.repair_invalid,
        cancel: None,
        takeovers: Some(args.takeovers),
    };
    let replan = reassign_with(&inst, &old, &events, &opts).map_err(|e| match e {
        ReplanError::Instance(_) => Failure::input(format!("{}: {e}", args.instance.display())),
        ReplanError::Mismatch(_) | ReplanError::InvalidBase(_) => {
            Failure::input(format!("{}: {e}", args.plan.display()))
        }
        ReplanError::Events(_) => Failure::input(format!("{}: {e}", args.events.display())),
        ReplanError::Solve(_) => Failure { code: 1, message: e.to_string() },
        ReplanError::Rejected(_) => Failure { code: 1, message: format!("{e}\nnothing written") },
    })?;
    let lang = args.lang.lang();
    let zh = lang == Lang::Zh;
    let Some(plan) = replan.plan.as_ref().map(|p| p.plan()) else {
        let next = Prepared::new(&replan.instance).map_err(|e| Failure::input(e.to_string()))?;
        // The certificates of a re-plan count what the past fixes (months already served,
        // groups kept): their own messages say so, which the Chinese renderer does not yet.
        say!("{}", summary::infeasible(&next, &replan.certificates));
        if replan.best_effort.is_some() {
            say!(
                "\n{}",
                if zh {
                    "尽力修复的结果（未写出；加 --mode best-effort 可写出）："
                } else {
                    "The best-effort repair (not written; run with --mode best-effort to write it):"
                }
            );
            say!("{}", replan.report(&old, lang));
        } else {
            for line in replan.takeover_lines(lang) {
                say!("{line}");
            }
        }
        return Err(Failure { code: 1, message: "no valid repair in strict mode; see the certificates above".into() });
    };
    say!("{}", replan.report(&old, lang));
    match (replan.base_violations.is_empty(), zh) {
        (true, true) => say!("检查器：在应用变动后的实例上有效；{} 之前的安排没有改变", replan.date),
        (true, false) => {
            say!("Checker: valid on the instance with the events applied; nothing before {} changed", replan.date)
        }
        (false, true) => say!("检查器：在应用变动后的实例上有效（显式修复：之前的安排可能改变）"),
        (false, false) => {
            say!("Checker: valid on the instance with the events applied (an explicit repair: the past may have changed)")
        }
    }
    if let Some(out) = &args.output {
        let inst_path = args.new_instance.clone().unwrap_or_else(|| out.with_extension("instance.json"));
        let mut staged = Staged::default();
        staged.add(&inst_path, serde_json::to_string_pretty(&replan.instance).expect("serialises") + "\n")?;
        staged.add(out, serde_json::to_string_pretty(plan).expect("serialises") + "\n")?;
        staged.commit()?;
        eprintln!("repaired plan written to {} (its instance: {})", out.display(), inst_path.display());
    }
    Ok(())
}
