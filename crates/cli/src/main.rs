//! `sanlian`: plan the 三联四促 deployment of league cadres from the command line.

#[macro_use]
mod output;

mod alternatives;
mod diff;
mod documents;
mod edits;
mod explain;
mod fairness;
mod min_roster;
mod national;
mod process;
mod reassign;
mod roster;
mod scenarios;
mod serve;
mod stress;
mod summary;
mod tradeoffs;
mod unit;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sanlian_engine::{Answer, EngineError};
use sanlian_files::{map, table};
use sanlian_model::{InputError, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::{Formulation, SolveOptions};

pub(crate) use output::{write_atomic, Staged};

#[derive(Parser)]
#[command(name = "sanlian", version, about = "Plan the 三联四促 deployment of Communist Youth League cadres")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve an instance: groups, townships, months and weekdays, each stage proven optimal.
    Solve {
        /// Instance JSON file.
        instance: PathBuf,
        /// Write the plan (JSON) here; it is written only after the checker passes it.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// strict: every hard rule or a certificate; best-effort: always a plan, shortfalls listed.
        #[arg(long, value_enum, default_value_t = ModeArg::Strict)]
        mode: ModeArg,
        /// Wall-clock limit for the whole solve, seconds.
        #[arg(long, allow_negative_numbers = true)]
        time_limit: Option<f64>,
        /// HiGHS threads for the single-model stages (1 to 4 × the machine's cores).
        #[arg(long, default_value_t = 1)]
        threads: u32,
        /// Relative MIP gap to reach (1e-6 = proven optimal).
        #[arg(long, default_value_t = sanlian_solver::PROVEN_GAP)]
        mip_gap: f64,
        /// Formulation of S1 and S2: aggregated (default: interchangeable cadres and townships
        /// counted) or plain (one 0/1 per cadre × county, per cadre × year × township).
        #[arg(long, value_enum, default_value_t = FormulationArg::Aggregated)]
        formulation: FormulationArg,
        /// Write each stage's MILP as MPS into this directory.
        #[arg(long)]
        write_model: Option<PathBuf>,
        /// Also write the plan as the table a city committee files (CSV, Chinese headers:
        /// 工作组, 组长, 姓名, 单位, 级别, 第一年/第二年联系乡镇, 下沉时段).
        #[arg(long, value_name = "FILE.csv")]
        table: Option<PathBuf>,
        /// Also draw the plan as a map (SVG): county seats coloured by city, sized by group,
        /// ringed by the leader's level.
        #[arg(long, value_name = "FILE.svg")]
        map: Option<PathBuf>,
        /// Also write the plan workbook a city committee files (xlsx): 汇总, one sheet per
        /// county, 名册 (re-imports as the roster) and 说明.
        #[arg(long, value_name = "FILE.xlsx")]
        xlsx: Option<PathBuf>,
        /// Also write every cadre's calendar (iCalendar): block months and weekly days.
        #[arg(long, value_name = "FILE.ics")]
        ics: Option<PathBuf>,
        /// Also write the letters (函告) to each county's Party organisation department about
        /// its group (Word, a letter a page), as the city committees send them.
        #[arg(long, value_name = "FILE.docx")]
        letters: Option<PathBuf>,
        /// Keep one city's groups only in --table, --xlsx, --ics and --letters (its code, its
        /// name or its name without 市: 370500, 东营市, 东营), as that city's committee files them.
        #[arg(long)]
        city: Option<String>,
        /// Print nothing but errors (the plan still goes to --output).
        #[arg(long)]
        quiet: bool,
        /// Language of the summary: zh (default, the planners') or en.
        #[arg(long, value_enum, default_value_t = explain::LangArg::Zh)]
        lang: explain::LangArg,
        /// Show HiGHS's own log for the single-model stages.
        #[arg(long)]
        solver_log: bool,
        /// Robust (N−1) planning (docs/robust.md): the most groups that keep a second senior
        /// member or a backup group within reach and an upper member to spare (stage N, before
        /// S1); the plain optimum is solved too and printed beside it. The plan written is the
        /// robust one.
        #[arg(long)]
        robust: bool,
        /// With --robust: km between county seats (great-circle) within which one group backs
        /// up another (default 80).
        #[arg(long, value_name = "KM", requires = "robust", allow_negative_numbers = true)]
        reach_km: Option<f64>,
        /// With --robust: the ε-form, at least N robust groups at the least cost, instead of
        /// the most robust groups.
        #[arg(long, value_name = "N", requires = "robust")]
        robust_groups_at_least: Option<u32>,
        /// The fair-burden options F1–F3 (docs/fairness.md), set on the instance's parameters
        /// before solving; the plan echoes them, and with -o the instance they make is written
        /// beside the plan (`PLAN.instance.json`), to check the plan against.
        #[command(flatten)]
        fair: fairness::FairArgs,
    },
    /// Re-verify a plan against an instance without the solver; exits 1 on any violation.
    Check {
        /// Instance JSON file.
        instance: PathBuf,
        /// Plan JSON file.
        plan: PathBuf,
    },
    /// Explain a plan: why each cadre and group is as it is, binding rules, marginal values, what-ifs.
    ///
    /// Per cadre: the H2 basis of its county, its S1 cost there against the cheapest eligible
    /// county, preference and continuity, and per year its township, matches, block months and
    /// weekday. Per group: coverage slack, composition, leader and alternatives, cost by unit.
    /// Globally: binding rules and re-solved marginal values. Each number is tagged with its rule.
    /// Without PLAN the instance is solved first (strict mode). An infeasible instance prints its
    /// certificates with remedies and exits 1; bad input (including a plan of another instance)
    /// exits 2.
    Explain(explain::Args),
    /// The least number of cadres of one level (or its seniors) that still allows a strict plan,
    /// found by an optimisation model and proven (a plan at the minimum, a proof one below).
    MinRoster(min_roster::Args),
    /// Repair a plan after cadres leave, join, are replaced or become unavailable mid-plan:
    /// everything before the event date is kept; the fewest decisions after it change.
    Reassign(reassign::Args),
    /// The top-k alternatives for a cadre (other groups), a county (other leaders) or a
    /// township-year (other cadres), each repaired exactly: the plan changed as little as
    /// possible with the alternative kept, its S1 delta and the other cadres it changes;
    /// candidates a rule forbids are named with the rule.
    Alternatives(alternatives::Args),
    /// Fair burden: per cadre two-year travel (km and round trips) and its distribution (max,
    /// 90th percentile, Gini) per level and per dispatching unit, departments' busiest months and
    /// rotation; with --options, what each fair-burden option (F1 travel cap, F2 rotation, F3
    /// department balance) costs, solved plain, each alone and all together. Bad input exits 2.
    Fairness(fairness::Args),
    /// Compare two versions of a plan: per person what changed (group, leader, township,
    /// block months, weekday per year), leaders per group, cost per dispatching unit before
    /// and after, and the stage objectives. Bad input exits 2.
    Diff(diff::Args),
    /// Read an edited plan workbook (its 汇总 sheet: a row moved to another 工作组, a
    /// township, block month, weekday or 组长 changed) as edits of the plan it was exported
    /// from; check them at once (rules broken, cost and S2/S3 deltas) and with --repair write
    /// the plan repaired around them. A sheet edited into nonsense exits 2 naming its cells.
    Edits(edits::Args),
    /// Solve a family of instances derived from a base (sweeps of cadre counts, seniors,
    /// unavailability, department share, proximity…) in parallel; write a table and charts.
    Scenarios(scenarios::Args),
    /// Serve the HTTP API and the planners' web page (instances, plans and jobs are kept
    /// in an SQLite file; see docs/http-api.md).
    Serve(serve::Args),
    /// Copy the service's database, consistently, while it runs (SQLite's online backup).
    /// To restore: stop the service and put the copy where `--db` points.
    Backup(serve::BackupArgs),
    /// Accounts of the service: add a user with its role and scope, set its password (read
    /// from standard input), disable or enable it, list them.
    User(serve::UserArgs),
    /// Every real province at once: each imported from its division data (--data, or the
    /// committed fixtures), given its own seeded roster, solved strict in parallel and checked;
    /// a table per province (national.csv) and a chart (national.svg).
    National(national::Args),
    /// One unit of work for a batch engine: a JSON document on standard input (a province's
    /// instance and how to solve it, or one turnover run to repair), its result as JSON on
    /// standard output.
    Unit(unit::Args),
    /// Turnover stress: departures drawn over the two plan years (a yearly rate, or per-cadre
    /// risks), each run repaired by the re-planning engine (strict, then best effort) and
    /// re-checked; how often the plan stays valid, changes, townships and groups at risk and
    /// why, cost drift per unit, and a chart against the departure rate.
    Stress(stress::Args),
    /// Trade-offs for leadership: a small Pareto set of plans by ε-constraint — the cheapest,
    /// and the cheapest reaching each level of robustness (groups that survive any single
    /// departure) or of fairness (the farthest traveller's km) — each proven optimal for its
    /// level and checked, with a line per plan, a table, a chart and the plans.
    Tradeoffs(tradeoffs::Args),
    /// The province's allocation of its cadres to the cities (work plan §六.1): the
    /// province-wide optimum under spreading rules A1–A3 with each rule's S1 price, the
    /// allocation and every city's sub-instance; --plan-cities plans and merges the cities.
    Allocate(process::AllocateArgs),
    /// Merge the cities' plans into the province plan: each city's plan checked against its
    /// sub-instance, the merged plan against the province (every rule, H9 against the real
    /// caps), and the price of decentralisation. Bad input exits 2, a rejected plan 1.
    Merge(process::MergeArgs),
    /// The documents of an approved plan, per city: the 函告 letters to the counties (with the
    /// 报到 date and place), the 报到 lists to sign, the budget per dispatching unit (docx and
    /// xlsx, every number with its formula) and the filing workbook; --pdf renders the Word
    /// documents with LibreOffice. Bad input (unknown city, a plan of another instance or one
    /// that breaks a rule, an output directory that cannot be written) exits 2.
    Documents(documents::Args),
    /// Import, export or start a roster spreadsheet (xlsx or CSV with Chinese headers).
    Roster(roster::Args),
    /// Generate an instance from division CSVs and a seeded synthetic roster.
    Generate {
        /// Directory with province.csv, cities.csv, counties.csv, divisions.csv.
        #[arg(long)]
        region: PathBuf,
        /// Random seed; the same seed gives the same file byte for byte.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Restrict to one city (its code, e.g. 370500) for a small instance.
        #[arg(long)]
        city: Option<String>,
        /// Make the documented infeasible variant.
        #[arg(long)]
        infeasible: bool,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Strict or best-effort, as a command-line value.
#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Strict,
    BestEffort,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormulationArg {
    Aggregated,
    Plain,
}

/// A failure with its exit code: 2 for bad input, 1 for a negative answer.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into() }
    }
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Largest input file `read` accepts (256 MiB); the Shandong instance is about 1 MiB.
const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Read a whole input file, refusing one larger than [`MAX_INPUT_BYTES`] before reading it.
fn read(path: &Path) -> Result<String, Failure> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|e| Failure::input(format!("cannot read {}: not UTF-8 text ({})", path.display(), e.utf8_error())))
}

/// Read a whole input file as bytes, refusing one larger than [`MAX_INPUT_BYTES`] before reading it.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| Failure::input(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    let too_large = |size: &str| {
        Failure::input(format!(
            "{} is too large ({size} bytes); the limit is {MAX_INPUT_BYTES} bytes (256 MiB)",
            path.display()
        ))
    };
    if size > MAX_INPUT_BYTES {
        return Err(too_large(&size.to_string()));
    }
    // The length can be 0 or stale for pipes and special files: never read past the limit.
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(&format!("more than {MAX_INPUT_BYTES}")));
    }
    Ok(bytes)
}

fn load_instance(path: &Path) -> Result<Instance, Failure> {
    Instance::from_json(&read(path)?).map_err(|e| Failure::input(format!("{}: {e}", path.display())))
}

fn load_plan(path: &Path) -> Result<Plan, Failure> {
    Plan::from_json(&read(path)?).map_err(|e| Failure::input(format!("{}: {e}", path.display())))
}

/// The most HiGHS threads `--threads` accepts: four per core of this machine.
fn max_threads() -> u32 {
    4 * std::thread::available_parallelism().map_or(1, |n| n.get() as u32)
}

/// An engine failure with its exit code: bad input 2, anything else 1.
fn engine_failure(e: EngineError) -> Failure {
    match e {
        EngineError::Input(e) => Failure::input(e.to_string()),
        other => Failure { code: 1, message: other.to_string() },
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Solve {
            instance,
            output,
            mode,
            time_limit,
            threads,
            mip_gap,
            formulation,
            write_model,
            table,
            map,
            xlsx,
            ics,
            letters,
            city,
            quiet,
            lang,
            solver_log,
            robust,
            reach_km,
            robust_groups_at_least,
            fair,
        } => {
            if threads == 0 || threads > max_threads() {
                return Err(Failure::input(format!(
                    "--threads {threads}: must lie between 1 and {} (4 × the machine's cores)",
                    max_threads()
                )));
            }
            if time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
                return Err(Failure::input("--time-limit must be a positive number of seconds"));
            }
            if !(mip_gap.is_finite() && mip_gap >= 0.0) {
                return Err(Failure::input("--mip-gap must be a non-negative number"));
            }
            let mut inst = load_instance(&instance)?;
            // --robust replaces the instance's own robust planning, if it has one.
            let robust = robust.then(|| sanlian_model::Robust {
                reach_km: reach_km.unwrap_or(sanlian_model::params::DEFAULT_REACH_KM),
                at_least: robust_groups_at_least,
            });
            if robust.is_some() {
                inst.parameters.robust = robust.clone();
            }
            fair.apply(&mut inst);
            let prep = Prepared::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", instance.display())))?;
            let city = match city {
                None => None,
                Some(c) => match sanlian_files::find_city(&inst.region, &c) {
                    Some(found) => Some(found.code.clone()),
                    None => {
                        let some: Vec<&str> = inst.region.cities.iter().take(3).map(|c| c.name.as_str()).collect();
                        return Err(Failure::input(format!(
                            "--city {c}: no city of {} is called so; give a city's code or name, e.g. {}",
                            instance.display(),
                            some.join(", ")
                        )));
                    }
                },
            };
            let opts = SolveOptions {
                mode: match mode {
                    ModeArg::Strict => PlanMode::Strict,
                    ModeArg::BestEffort => PlanMode::BestEffort,
                },
                time_limit,
                threads,
                mip_rel_gap: mip_gap,
                formulation: match formulation {
                    FormulationArg::Aggregated => Formulation::Aggregated,
                    FormulationArg::Plain => Formulation::Plain,
                },
                capture_models: write_model.is_some(),
                solver_log,
                ..SolveOptions::default()
            };
            // --robust: the plain optimum beside the robust plan, both solved and checked.
            let (solved, comparison) = match &robust {
                None => (sanlian_engine::solve(&prep, &opts).map_err(engine_failure)?, None),
                Some(r) => {
                    let compared = sanlian_engine::robust::compare(&inst, r, &opts).map_err(engine_failure)?;
                    match compared {
                        sanlian_engine::robust::Compared::Infeasible(certs) => {
                            (sanlian_engine::Solved { answer: Answer::Infeasible(certs), models: Vec::new() }, None)
                        }
                        sanlian_engine::robust::Compared::Both(mut c) => {
                            // The models written are the robust solve's.
                            let models = std::mem::take(&mut c.models);
                            let answer = Answer::Planned(Box::new(c.plan.clone()));
                            (sanlian_engine::Solved { answer, models }, Some(*c))
                        }
                    }
                }
            };
            // Every output is staged first and all are renamed together: all or nothing.
            let mut staged = Staged::default();
            if let Some(dir) = &write_model {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })?;
                for m in &solved.models {
                    staged.add(&dir.join(format!("{}.mps", m.name)), &m.mps)?;
                }
            }
            match solved.answer {
                Answer::Infeasible(certs) => {
                    staged.commit()?;
                    if !inst.parameters.fairness.is_off() {
                        say!(
                            "{}",
                            match lang {
                                explain::LangArg::Zh =>
                                    "注意：公平负担选项已生效，证书中的“可派”按 H2 ∩ F1 ∩ F2 计，部门上限按 F3 收窄；\
                                                         放宽或取消这些选项也是一种补救（docs/fairness.md）。",
                                explain::LangArg::En =>
                                    "note: the fair-burden options are in force: \"eligible\" in the \
                                                         certificates means H2 ∩ F1 ∩ F2 and the department caps are \
                                                         narrowed by F3; relaxing the options is a remedy too \
                                                         (docs/fairness.md).",
                            }
                        );
                    }
                    match lang {
                        explain::LangArg::En => say!("{}", summary::infeasible(&prep, &certs)),
                        // The explainer's certificates, in Chinese, with names and remedies.
                        explain::LangArg::Zh => say!(
                            "{}",
                            sanlian_explain::render::certificates_with(
                                &certs,
                                sanlian_explain::render::Lang::Zh,
                                &sanlian_explain::render::Names::of(&inst)
                            )
                        ),
                    }
                    Err(Failure { code: 1, message: "infeasible in strict mode; see the certificates above".into() })
                }
                Answer::Planned(checked) => {
                    let plan = checked.plan();
                    if !quiet {
                        say!("{}", summary::plan(&prep, plan, checked.report(), lang.lang()));
                        if let Some(c) = &comparison {
                            say!("\n{}", summary::robust_comparison(c, lang.lang()));
                        }
                    }
                    let internal = |e: sanlian_files::FilesError| Failure { code: 1, message: e.to_string() };
                    // The fair-burden options make another instance: written beside the plan.
                    let epsilon_instance =
                        output.as_ref().filter(|_| fair.any()).map(|out| out.with_extension("instance.json"));
                    if let Some(out) = &output {
                        let json = serde_json::to_string_pretty(plan).expect("plans serialise");
                        staged.add(out, json + "\n")?;
                    }
                    if let Some(path) = &epsilon_instance {
                        let json = serde_json::to_string_pretty(&inst).expect("instances serialise");
                        staged.add(path, json + "\n")?;
                    }
                    if let Some(path) = &table {
                        staged.add(path, table::csv_of(&inst, plan, city.as_deref()))?;
                    }
                    if let Some(path) = &map {
                        staged.add(path, map::svg(&inst, plan))?;
                    }
                    if let Some(path) = &xlsx {
                        staged.add(path, sanlian_files::plan_xlsx(&inst, plan, city.as_deref()).map_err(internal)?)?;
                    }
                    if let Some(path) = &ics {
                        let text = sanlian_files::calendar::ics_of(&inst, plan, None, city.as_deref(), now_utc())
                            .map_err(internal)?;
                        staged.add(path, text)?;
                    }
                    if let Some(path) = &letters {
                        staged
                            .add(path, sanlian_files::letters_docx(&inst, plan, city.as_deref()).map_err(internal)?)?;
                    }
                    staged.commit()?;
                    let written = [
                        ("plan", &output),
                        ("instance with the fair-burden options", &epsilon_instance),
                        ("table", &table),
                        ("map", &map),
                        ("workbook", &xlsx),
                        ("calendar", &ics),
                        ("letters", &letters),
                    ];
                    for (what, path) in written {
                        if let Some(path) = path {
                            eprintln!("{what} written to {}", path.display());
                        }
                    }
                    Ok(())
                }
            }
        }
        Command::Check { instance, plan } => {
            let inst = load_instance(&instance)?;
            // The instance is validated before the plan is read.
            let rules =
                sanlian_check::Rules::new(&inst).map_err(|e| Failure::input(format!("{}: {e}", instance.display())))?;
            let plan = load_plan(&plan)?;
            let report = sanlian_check::check_with(&rules, &plan);
            say!("{}", summary::check(&report));
            if report.is_valid() {
                Ok(())
            } else {
                Err(Failure { code: 1, message: format!("{} violation(s)", report.violations.len()) })
            }
        }
        Command::Explain(args) => explain::run(args),
        Command::MinRoster(args) => min_roster::run(args),
        Command::Allocate(args) => process::allocate(args),
        Command::National(args) => national::run(args),
        Command::Unit(args) => unit::run(args),
        Command::Stress(args) => stress::run(args),
        Command::Tradeoffs(args) => tradeoffs::run(args),
        Command::Merge(args) => process::merge(args),
        Command::Reassign(args) => reassign::run(args),
        Command::Alternatives(args) => alternatives::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fairness(args) => fairness::run(args),
        Command::Edits(args) => edits::run(args),
        Command::Scenarios(args) => scenarios::run(args),
        Command::Documents(args) => documents::run(args),
        Command::Roster(args) => roster::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Backup(args) => serve::backup(args),
        Command::User(args) => serve::user(args),
        Command::Generate { region, seed, city, infeasible, output } => {
            use sanlian_gen::roster::{generate, make_infeasible, RosterSpec};
            let import = sanlian_gen::region::load_region(&region).map_err(|e| Failure::input(e.to_string()))?;
            let (region, spec) = match &city {
                Some(code) if !import.region.cities.iter().any(|c| &c.code == code) => {
                    return Err(Failure::input(format!("--city {code}: no such city in {}", region.display())));
                }
                Some(code) => (sanlian_gen::region::one_city(&import.region, code), RosterSpec::small()),
                None => (import.region, RosterSpec::default()),
            };
            let mut inst = generate(&region, &spec, seed);
            if infeasible {
                inst = make_infeasible(&inst);
            }
            let json = sanlian_gen::fixtures::to_json(&inst);
            match output {
                Some(path) => write_atomic(&path, &json),
                None => {
                    say!("{}", json.trim_end());
                    Ok(())
                }
            }
        }
    }
}

/// The current time in UTC (for calendar stamps).
fn now_utc() -> chrono::NaiveDateTime {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(secs as i64, 0).unwrap_or_default().naive_utc()
}
