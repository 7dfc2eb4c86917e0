//! `sanlian roster`: import a roster spreadsheet into an instance, export an instance's roster,
//! write an empty template (formats: docs/spreadsheets.md).

use std::path::{Path, PathBuf};

use sanlian_model::{InputError, Instance, Prepared};

use crate::{load_instance, read_bytes, write_atomic, Failure};

/// Arguments of `sanlian roster`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Read a roster (xlsx, xls/et, ods or CSV, Chinese headers) into a new instance with the
    /// region, first year and parameters of --region; the new instance is validated before
    /// it is written. Sheet problems exit 2 naming sheet, row and column.
    Import {
        /// The roster spreadsheet (.xlsx, .xls, .et, .ods or .csv; the format is told from the content).
        roster: PathBuf,
        /// Instance JSON whose region, first year and parameters the new instance takes.
        #[arg(long, value_name = "INSTANCE")]
        region: PathBuf,
        /// Where to write the new instance (JSON).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write an instance's roster as a spreadsheet in template form (.xlsx or .csv, by the
    /// output's extension); it imports back as exactly the same cadres.
    Export {
        /// Instance JSON file.
        instance: PathBuf,
        /// Output file: FILE.xlsx or FILE.csv.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write an empty roster template for a region: 名册 with the headers, 说明 explaining
    /// each column, 县区 listing every county with its city and code.
    Template {
        /// Instance JSON whose region the template lists.
        #[arg(long, value_name = "INSTANCE")]
        region: PathBuf,
        /// Output file (.xlsx).
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// Run `sanlian roster`.
pub fn run(args: Args) -> Result<(), Failure> {
    let internal = |e: sanlian_files::FilesError| Failure { code: 1, message: e.to_string() };
    match args.command {
        Command::Import { roster, region, output } => {
            let base = load_instance(&region)?;
            let bytes = read_bytes(&roster)?;
            let name =
                roster.file_name().map_or_else(|| roster.display().to_string(), |n| n.to_string_lossy().into_owned());
            let read =
                sanlian_files::read_roster_for(&bytes, &name, &base).map_err(|e| Failure::input(e.to_string()))?;
            for w in &read.warnings {
                eprintln!("warning: {w}");
            }
            let inst = Instance { cadres: read.cadres, ..base };
            if let Err(e) = Prepared::new(&inst) {
                return Err(Failure::input(format!(
                    "{}: the roster makes an invalid instance: {}",
                    roster.display(),
                    locate(&e, &inst)
                )));
            }
            write_atomic(
                &output,
                serde_json::to_string_pretty(&inst).map_err(|e| Failure::input(e.to_string()))? + "\n",
            )?;
            eprintln!("{} cadres read; instance written to {}", inst.cadres.len(), output.display());
            Ok(())
        }
        Command::Export { instance, output } => {
            let inst = load_instance(&instance)?;
            match extension(&output).as_str() {
                "xlsx" => write_atomic(&output, sanlian_files::roster_xlsx(&inst).map_err(internal)?)?,
                "csv" => write_atomic(&output, sanlian_files::roster_csv(&inst))?,
                _ => return Err(Failure::input(format!("{}: the output must end in .xlsx or .csv", output.display()))),
            }
            eprintln!("{} cadres written to {}", inst.cadres.len(), output.display());
            Ok(())
        }
        Command::Template { region, output } => {
            let inst = load_instance(&region)?;
            if extension(&output) != "xlsx" {
                return Err(Failure::input(format!(
                    "{}: the template is a workbook; name it *.xlsx",
                    output.display()
                )));
            }
            write_atomic(&output, sanlian_files::template_xlsx(&inst.region).map_err(internal)?)?;
            eprintln!("template written to {}", output.display());
            Ok(())
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

/// The validation problems, each `cadres[i]` path followed by that cadre's 编号 and 姓名 so the
/// planner can find its row.
fn locate(e: &InputError, inst: &Instance) -> String {
    let InputError::Invalid { problems, .. } = e else { return e.to_string() };
    let lines: Vec<String> = problems
        .iter()
        .map(|p| {
            let who = p
                .path
                .strip_prefix("cadres[")
                .and_then(|rest| rest.split(']').next())
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| inst.cadres.get(i))
                .map(|c| format!(" (编号 {}, 姓名 {})", c.id, c.name))
                .unwrap_or_default();
            format!("\n  - {}{who}: {}", p.path, p.message)
        })
        .collect();
    format!("{} problem(s):{}", problems.len(), lines.concat())
}
