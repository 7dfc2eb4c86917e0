//! `sanlian edits`: an edited plan workbook read back as edits of the plan it came from,
//! checked at once, and on request repaired around (issue 12, item 5).

use std::path::PathBuf;

use sanlian_explain::edit::{apply_edits, repair_edits, RepairError};
use sanlian_explain::render::{self, Names};
use sanlian_model::Prepared;
use sanlian_solver::SolveOptions;

use crate::explain::{FormatArg, LangArg};
use crate::{load_instance, load_plan, read_bytes, Failure, Staged};

/// Arguments of `sanlian edits`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// Plan JSON file the workbook was exported from.
    plan: PathBuf,
    /// The edited plan workbook (xlsx, ods, xls/et; its 汇总 sheet is read).
    workbook: PathBuf,
    /// Repair the plan around the edits (fewest other changes, then cost) and write the
    /// repaired plan here.
    #[arg(long, value_name = "PLAN.json")]
    repair: Option<PathBuf>,
    /// With --repair: also write the instance with the edits as locks (the repaired plan is
    /// certified against it).
    #[arg(long, value_name = "INSTANCE.json", requires = "repair")]
    locked_instance: Option<PathBuf>,
    /// Language of the text.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// text for people; json for programs.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
}

/// Run `sanlian edits`.
pub fn run(args: Args) -> Result<(), Failure> {
    let inst = load_instance(&args.instance)?;
    let plan = load_plan(&args.plan)?;
    if plan.instance != inst.name {
        return Err(Failure::input(format!(
            "{}: the plan answers instance \"{}\", not \"{}\" of {}",
            args.plan.display(),
            plan.instance,
            inst.name,
            args.instance.display()
        )));
    }
    let lang = args.lang.lang();
    let bytes = read_bytes(&args.workbook)?;
    let name = args
        .workbook
        .file_name()
        .map_or_else(|| args.workbook.display().to_string(), |n| n.to_string_lossy().into_owned());
    let read = sanlian_files::read_plan_edits(&bytes, &name, &inst, &plan).map_err(|e| Failure::input(e.text(lang)))?;
    for n in &read.notes {
        eprintln!("{}", n.text(lang));
    }
    if read.edits.is_empty() {
        say!(
            "{}",
            if lang == sanlian_model::Lang::Zh {
                "工作簿与计划一致：没有读到改动"
            } else {
                "the workbook matches the plan: no change read"
            }
        );
        return Ok(());
    }
    let edits: Vec<_> = read.edits.iter().map(|e| e.edit.clone()).collect();
    let prep = Prepared::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let rules =
        sanlian_check::Rules::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let answer = apply_edits(&prep, &rules, &plan, &edits)
        .map_err(|(i, e)| Failure::input(format!("{}: {}", read.edits[i].at.text(lang), e.0.text(lang))))?;
    let names = Names::of(&inst);
    match args.format {
        FormatArg::Json => say!("{}", serde_json::to_string_pretty(&answer).expect("an edit answer serialises")),
        FormatArg::Text => {
            let places: Vec<String> = read.edits.iter().map(|e| e.at.text(lang)).collect();
            say!("{}", render::edit_answer(&answer, &places, lang, &names));
        }
    }
    let Some(out) = &args.repair else { return Ok(()) };
    let repaired = match repair_edits(&inst, &plan, &edits, &SolveOptions::default()) {
        Ok(r) => r,
        Err(RepairError::Infeasible(certs)) => {
            return Err(Failure {
                code: 1,
                message: format!(
                    "{}\n{}",
                    if lang == sanlian_model::Lang::Zh {
                        "没有保留这些改动的有效计划："
                    } else {
                        "no valid plan keeps these edits:"
                    },
                    render::certificates_with(&certs, lang, &names)
                ),
            })
        }
        Err(RepairError::Edit(e)) => return Err(Failure::input(format!("{}: {e}", args.workbook.display()))),
        Err(e) => return Err(Failure { code: 1, message: e.to_string() }),
    };
    let mut staged = Staged::default();
    staged.add(out, serde_json::to_string_pretty(&repaired.plan).expect("plans serialise") + "\n")?;
    if let Some(path) = &args.locked_instance {
        staged.add(path, serde_json::to_string_pretty(&repaired.instance).expect("instances serialise") + "\n")?;
    }
    staged.commit()?;
    eprintln!(
        "{}",
        if lang == sanlian_model::Lang::Zh {
            format!(
                "修复完成：另有 {} 人随之调整，分组费用 {} (S1)；计划已写入 {}",
                repaired.others,
                render::yuan_delta(repaired.s1_delta),
                out.display()
            )
        } else {
            format!(
                "repaired: {} other cadre(s) adjusted, S1 {}; plan written to {}",
                repaired.others,
                render::yuan_delta(repaired.s1_delta),
                out.display()
            )
        }
    );
    Ok(())
}
