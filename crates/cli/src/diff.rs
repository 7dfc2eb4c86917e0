//! `sanlian diff`: what changed between two versions of a plan.

use std::path::PathBuf;

use sanlian_explain::diff::{diff, diff_plans};
use sanlian_explain::render::plan_diff;

use crate::explain::LangArg;
use crate::{load_instance, load_plan, Failure, Staged};

/// Arguments of `sanlian diff`.
#[derive(clap::Args)]
pub struct Args {
    /// [INSTANCE] PLAN_A PLAN_B: the instance JSON (optional: it gives the cadres' and
    /// townships' names and who leaves when; for a re-plan, the new instance), then the
    /// version before and the version after.
    #[arg(num_args = 2..=3, value_names = ["INSTANCE", "PLAN_A", "PLAN_B"], required = true)]
    files: Vec<PathBuf>,
    /// Language of the text and of the workbook's rows: zh (default, the planners') or en.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// text for people; json for programs (the comparison as data, codes and names).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the comparison as a workbook: 变更明细 (one row per change) and 费用变化
    /// (per dispatching unit, before and after).
    #[arg(long, value_name = "FILE.xlsx")]
    xlsx: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Run `sanlian diff`.
pub fn run(args: Args) -> Result<(), Failure> {
    let (inst_path, a_path, b_path) = match args.files.as_slice() {
        [a, b] => (None, a, b),
        [i, a, b] => (Some(i), a, b),
        _ => return Err(Failure::input("give PLAN_A PLAN_B, or INSTANCE PLAN_A PLAN_B")),
    };
    let inst = inst_path.map(|p| load_instance(p)).transpose()?;
    let (a, b) = (load_plan(a_path)?, load_plan(b_path)?);
    let d = match (&inst, inst_path) {
        (Some(inst), Some(path)) => {
            for (plan, p) in [(&a, a_path), (&b, b_path)] {
                if plan.instance != inst.name {
                    return Err(Failure::input(format!(
                        "{}: the plan answers instance \"{}\", not \"{}\" of {}; give the instance the plans were \
                         made for (for a re-plan, the new instance written beside it)",
                        p.display(),
                        plan.instance,
                        inst.name,
                        path.display()
                    )));
                }
            }
            diff(inst, &a, &b)
        }
        _ => diff_plans(&a, &b),
    };
    let lang = args.lang.lang();
    let mut staged = Staged::default();
    if let Some(path) = &args.xlsx {
        let bytes = sanlian_server::versions::diff_workbook(&d, lang)
            .map_err(|e| Failure { code: 1, message: e.to_string() })?;
        staged.add(path, bytes)?;
    }
    staged.commit()?;
    match args.format {
        Format::Text => say!("{}", plan_diff(&d, lang)),
        Format::Json => say!("{}", serde_json::to_string_pretty(&d).expect("a diff serialises")),
    }
    if let Some(path) = &args.xlsx {
        eprintln!("workbook written to {}", path.display());
    }
    Ok(())
}
