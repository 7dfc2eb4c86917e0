//! `sanlian alternatives`: the top-k alternatives for a cadre, a county's leader or a
//! township-year, each repaired exactly (issue 12, item 3).

use std::path::PathBuf;

use sanlian_explain::alternatives::{alternatives, AlternativesError, Subject};
use sanlian_explain::render::{self, Names};
use sanlian_solver::SolveOptions;

use crate::explain::{FormatArg, LangArg};
use crate::{load_instance, load_plan, Failure};

/// Arguments of `sanlian alternatives`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// Plan JSON file made for this instance.
    plan: PathBuf,
    /// The groups this cadre (id) could serve in.
    #[arg(long, value_name = "ID", conflicts_with_all = ["county", "township"])]
    cadre: Option<String>,
    /// The cadres who could lead this county's (code) group.
    #[arg(long, value_name = "CODE", conflicts_with = "township")]
    county: Option<String>,
    /// The cadres who could cover this township (code) in --year.
    #[arg(long, value_name = "CODE", requires = "year")]
    township: Option<String>,
    /// Calendar year of --township.
    #[arg(long)]
    year: Option<i32>,
    /// How many alternatives to repair (1–10).
    #[arg(short, long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=10))]
    k: u8,
    /// Language of the text.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// text for people; json for programs.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
}

/// Run `sanlian alternatives`.
pub fn run(args: Args) -> Result<(), Failure> {
    let subject = match (&args.cadre, &args.county, &args.township, args.year) {
        (Some(c), _, _, _) => Subject::Cadre(c.clone()),
        (None, Some(k), _, _) => Subject::Leader(k.clone()),
        (None, None, Some(t), Some(y)) => Subject::Township(t.clone(), y),
        _ => return Err(Failure::input("give --cadre ID, --county CODE, or --township CODE --year YYYY")),
    };
    let inst = load_instance(&args.instance)?;
    let plan = load_plan(&args.plan)?;
    let list =
        alternatives(&inst, &plan, &subject, args.k as usize, &SolveOptions::default()).map_err(|e| match e {
            AlternativesError::Unknown(m) => Failure::input(format!("{}: {m}", args.plan.display())),
            AlternativesError::Input(e) => Failure::input(format!("{}: {e}", args.instance.display())),
        })?;
    match args.format {
        FormatArg::Json => say!("{}", serde_json::to_string_pretty(&list).expect("alternatives serialise")),
        FormatArg::Text => say!("{}", render::alternatives(&list, args.lang.lang(), &Names::of(&inst))),
    }
    Ok(())
}
