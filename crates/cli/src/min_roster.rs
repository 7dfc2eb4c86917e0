//! `sanlian min-roster`: the least number of cadres of one kind that still allows a strict plan.

use std::path::PathBuf;

use clap::ValueEnum;
use sanlian_explain::render::{Lang, Names};
use sanlian_model::{Level, Prepared};
use sanlian_solver::min_roster::{min_roster, MinRosterError, Selection};
use sanlian_solver::SolveOptions;

use crate::{load_instance, Failure, Staged};

/// Arguments of `sanlian min-roster`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// Level whose cadres may be left at home.
    #[arg(long, value_enum, default_value_t = LevelArg::Province)]
    level: LevelArg,
    /// Only the senior (副处级以上) cadres of that level may be left at home.
    #[arg(long)]
    senior_only: bool,
    /// Write the plan at the minimum (JSON) here.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Write the reduced instance (the roster at the minimum) here.
    #[arg(long)]
    reduced_instance: Option<PathBuf>,
    /// Write the two MILPs (R1: fewest cadres, R2: cheapest at that count) as MPS into this directory.
    #[arg(long)]
    write_model: Option<PathBuf>,
    /// Wall-clock limit, seconds.
    #[arg(long, allow_negative_numbers = true)]
    time_limit: Option<f64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum LevelArg {
    Province,
    City,
    County,
    University,
    Enterprise,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Province => Level::Province,
            LevelArg::City => Level::City,
            LevelArg::County => Level::County,
            LevelArg::University => Level::University,
            LevelArg::Enterprise => Level::Enterprise,
        }
    }
}

/// Run `sanlian min-roster`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(Failure::input("--time-limit must be a positive number of seconds"));
    }
    let inst = load_instance(&args.instance)?;
    let prep = Prepared::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let sel = Selection { level: args.level.into(), senior_only: args.senior_only };
    let opts = SolveOptions {
        time_limit: args.time_limit,
        capture_models: args.write_model.is_some(),
        ..SolveOptions::default()
    };
    let names = Names::of(&inst);
    let m = match min_roster(&prep, &sel, &opts) {
        Ok(m) => m,
        Err(MinRosterError::Infeasible(certs)) | Err(MinRosterError::Reduced(certs)) => {
            say!("{}", certificates_with_names(&certs, &names));
            return Err(Failure { code: 1, message: "no strict plan exists even with every selected cadre".into() });
        }
        Err(e) => return Err(Failure { code: 1, message: e.to_string() }),
    };
    let rules = sanlian_check::Rules::new(&m.reduced_instance)
        .map_err(|e| Failure { code: 1, message: format!("internal error: {e}") })?;
    let checked = sanlian_check::certify(&rules, m.plan.clone());
    say!(
        "{}: at least {} of the {} {} are needed for a strict plan ({} can stay home).",
        inst.name,
        m.minimum,
        m.selected_total,
        sel.describe(),
        m.unused.len()
    );
    say!("Proof that {} are not enough ({:?}): {}", m.minimum.saturating_sub(1), m.proof_kind, m.proof);
    for (rule, bound) in &m.counting_by_rule {
        say!("  counting bound {rule}: {bound}");
    }
    for c in &m.lower_bound_certificates {
        say!("  [{}] need {} > supply {} without the selected cadres: {}", c.rule, c.need, c.supply, c.message);
        say!("       counties: {}", c.counties.join(" "));
    }
    for st in &m.stages {
        say!("  {:<3} {} = {:.2} (bound {:.2}, gap {:.1e})", st.id, st.name, st.objective, st.bound, st.gap);
    }
    say!("Left at home: {}", m.unused.join(" "));
    let s1 = m.plan.stages.iter().find(|s| s.id == "S1").map(|s| s.objective).unwrap_or(f64::NAN);
    say!("Plan at the minimum: S1 {s1:.2}, coverage {}/{}", m.plan.coverage.total, m.plan.coverage.townships);
    let checked = checked.map_err(|report| {
        let list: Vec<String> = report.violations.iter().map(|v| v.to_string()).collect();
        Failure {
            code: 1,
            message: format!("internal error: the checker rejects the plan at the minimum:\n{}", list.join("\n")),
        }
    })?;
    say!("Checker: valid (on the reduced instance)");
    let mut staged = Staged::default();
    if let Some(dir) = &args.write_model {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })?;
        for model in &m.models {
            staged.add(&dir.join(format!("{}.mps", model.name)), &model.mps)?;
        }
    }
    if let Some(path) = &args.reduced_instance {
        staged.add(path, serde_json::to_string_pretty(&m.reduced_instance).expect("serialises") + "\n")?;
    }
    if let Some(path) = &args.output {
        staged.add(path, serde_json::to_string_pretty(checked.plan()).expect("serialises") + "\n")?;
    }
    staged.commit()
}

fn certificates_with_names(certs: &[sanlian_model::Certificate], names: &Names) -> String {
    sanlian_explain::render::certificates_with(certs, Lang::En, names)
}
