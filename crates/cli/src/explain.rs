//! `sanlian explain`: the reasons behind a plan, what-ifs, and certificates when there is no plan.

use std::path::PathBuf;

use clap::ValueEnum;
use sanlian_explain::render::{self, Lang, Names};
use sanlian_explain::{ExplainError, ExplainOptions, WhatIf};
use sanlian_model::{Certificate, Prepared};
use sanlian_solver::SolveOptions;

use crate::{load_instance, load_plan, Failure};

/// Arguments of `sanlian explain`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// Plan JSON file made for this instance (default: solve the instance first, strict mode).
    plan: Option<PathBuf>,
    /// Language of the text.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// text for people; json for programs: {"explanation", "what_if", "certificates"}, the parts present.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Explain only this cadre (id); no group or global part unless --county is given too.
    #[arg(long, value_name = "ID")]
    cadre: Option<String>,
    /// Explain only this county's group and its members (code).
    #[arg(long, value_name = "CODE")]
    county: Option<String>,
    /// At most this many counterfactual re-solves (default: all); beyond it the figures not
    /// computed are marked so and the explanation says it is partial.
    #[arg(long, value_name = "N")]
    max_counterfactuals: Option<usize>,
    /// Re-solve under one change and compare with the optimal plan; repeatable.
    /// "ID -> COUNTY" (serve there), "ID !-> COUNTY" (not there), "remove ID" or "-ID" (leaves).
    #[arg(long = "what-if", value_name = "CHANGE", allow_hyphen_values = true)]
    what_if: Vec<String>,
}

/// The language of a text output: Chinese (the planners') or English.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// 中文.
    Zh,
    /// English.
    En,
}

impl LangArg {
    /// The renderer's language.
    pub fn lang(self) -> Lang {
        match self {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Text,
    Json,
}

/// How an explain error ends the command: 2 for bad input, 1 for no answer.
fn failure(e: ExplainError, plan: Option<&PathBuf>) -> Failure {
    match e {
        ExplainError::Mismatch(_) => {
            let from = plan.map(|p| format!("{}: ", p.display())).unwrap_or_default();
            Failure::input(format!("{from}{e}"))
        }
        ExplainError::Unknown(_) => Failure::input(e.to_string()),
        ExplainError::Solve(_) | ExplainError::Infeasible => Failure { code: 1, message: e.to_string() },
    }
}

/// Run `sanlian explain`.
pub fn run(args: Args) -> Result<(), Failure> {
    let lang = args.lang.lang();
    // Malformed what-ifs are bad input: refuse them before any solving.
    let changes: Vec<(WhatIf, &str)> = args
        .what_if
        .iter()
        .map(|t| sanlian_explain::parse_what_if(t).map(|w| (w, t.as_str())).map_err(Failure::input))
        .collect::<Result<_, _>>()?;
    let inst = load_instance(&args.instance)?;
    let prep = Prepared::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let names = Names::of(&inst);
    let infeasible = || -> Failure {
        let certs = sanlian_explain::infeasibility(&prep);
        print_certificates(&certs, lang, args.format, &names);
        Failure { code: 1, message: "infeasible in strict mode; see the certificates above".into() }
    };

    let plan = match &args.plan {
        Some(path) => load_plan(path)?,
        None => match sanlian_engine::solve(&prep, &SolveOptions::default()).map_err(crate::engine_failure)?.answer {
            sanlian_engine::Answer::Planned(plan) => plan.into_plan(),
            sanlian_engine::Answer::Infeasible(_) => return Err(infeasible()),
        },
    };
    let opts = ExplainOptions {
        cadre: args.cadre.clone(),
        county: args.county.clone(),
        max_counterfactuals: args.max_counterfactuals,
    };
    let explanation = match sanlian_explain::explain(&prep, &plan, &opts) {
        Ok(e) => e,
        Err(ExplainError::Infeasible) => return Err(infeasible()),
        Err(e) => return Err(failure(e, args.plan.as_ref())),
    };
    let mut what_ifs = Vec::with_capacity(changes.len());
    for (change, text) in &changes {
        what_ifs.push(sanlian_explain::what_if(&prep, change, text).map_err(|e| failure(e, args.plan.as_ref()))?);
    }

    match args.format {
        FormatArg::Json => {
            let mut out = serde_json::Map::new();
            out.insert("explanation".into(), serde_json::to_value(&explanation).expect("explanations serialise"));
            if !what_ifs.is_empty() {
                out.insert("what_if".into(), serde_json::to_value(&what_ifs).expect("what-ifs serialise"));
            }
            say!("{}", serde_json::to_string_pretty(&out).expect("JSON values serialise"));
        }
        FormatArg::Text => {
            let mut parts = vec![render::explanation_with(&explanation, lang, &names)];
            parts.extend(what_ifs.iter().map(|r| render::what_if_with(r, lang, &names)));
            say!("{}", parts.join("\n\n"));
        }
    }
    Ok(())
}

fn print_certificates(certs: &[Certificate], lang: Lang, format: FormatArg, names: &Names) {
    match format {
        FormatArg::Json => {
            let out = serde_json::json!({ "certificates": certs });
            say!("{}", serde_json::to_string_pretty(&out).expect("certificates serialise"));
        }
        FormatArg::Text => say!("{}", render::certificates_with(certs, lang, names)),
    }
}
