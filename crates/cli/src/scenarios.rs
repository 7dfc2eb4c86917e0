//! `sanlian scenarios`: a family of instances derived from a base, solved in parallel,
//! written as a table (CSV, JSON) and a chart per sweep (SVG).

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use sanlian_scenarios::{chart_svg, recipes, run_recipes, sweeps, to_csv, to_json, RunOptions, Spec};

use crate::{load_instance, read, write_atomic, Failure};

/// Arguments of `sanlian scenarios`.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario spec JSON file (see docs/scenarios.md).
    spec: PathBuf,
    /// Base instance; default: the spec's "base", relative to the spec file.
    #[arg(long)]
    base: Option<PathBuf>,
    /// Directory for scenarios.csv, scenarios.json and one chart-<sweep>.svg per sweep.
    #[arg(short, long, default_value = "scenarios-out")]
    output: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Run `sanlian scenarios`.
pub fn run(args: Args) -> Result<(), Failure> {
    let spec =
        Spec::from_json(&read(&args.spec)?).map_err(|e| Failure::input(format!("{}: {e}", args.spec.display())))?;
    let base_path = match (&args.base, &spec.base) {
        (Some(p), _) => p.clone(),
        (None, Some(rel)) => args.spec.parent().unwrap_or(std::path::Path::new(".")).join(rel),
        (None, None) => {
            return Err(Failure::input(format!(
                "{}: no base instance: give \"base\" in the spec or --base INSTANCE",
                args.spec.display()
            )))
        }
    };
    let base = load_instance(&base_path)?;
    base.validate().map_err(|e| Failure::input(format!("{}: {e}", base_path.display())))?;
    let family = recipes(&base, &spec).map_err(|e| Failure::input(format!("{}: {e}", args.spec.display())))?;
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(family.len() as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} variants solved ({eta} left)")
            .expect("a valid template"),
    );
    let rows = run_recipes(&base, &family, &RunOptions::of(&spec), &|done, _| bar.set_position(done as u64));
    bar.finish_and_clear();
    let out = &args.output;
    std::fs::create_dir_all(out)
        .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", out.display()) })?;
    write_atomic(&out.join("scenarios.csv"), to_csv(&rows))?;
    write_atomic(&out.join("scenarios.json"), to_json(&rows))?;
    let sweeps = sweeps(&rows);
    for sweep in &sweeps {
        let file: String =
            sweep.chars().map(|c| if c.is_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
        write_atomic(&out.join(format!("chart-{file}.svg")), chart_svg(&rows, sweep))?;
    }
    say!("{}: {} variants of {} ({} sweeps)", spec.name, rows.len(), base.name, sweeps.len());
    say!(
        "{:<28} {:<22} {:>8} {:>9} {:>10} {:>14} {:>8}",
        "sweep",
        "parameter",
        "value",
        "feasible",
        "coverage",
        "S1",
        "seconds"
    );
    for r in &rows {
        let s1 = r.s1_cost.map(|v| format!("{v:.0}")).unwrap_or_else(|| "—".into());
        let cov = format!("{}/{}", r.coverage_best_effort, r.townships);
        let feasible = if r.error.is_some() {
            "error"
        } else if r.feasible {
            "yes"
        } else {
            "no"
        };
        say!(
            "{:<28} {:<22} {:>8} {:>9} {:>10} {:>14} {:>8.2}",
            r.sweep,
            r.parameter,
            r.value,
            feasible,
            cov,
            s1,
            r.seconds
        );
    }
    say!("written: {}/scenarios.csv, scenarios.json and {} chart(s)", out.display(), sweeps.len());
    Ok(())
}
