//! `sanlian stress`: turnover simulation over the two plan years — seeded departures, each run
//! repaired by the re-planning engine (strict, then best effort) and re-checked — summarised
//! as the risks a planner asks about, with tables, a JSON summary and a chart.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use sanlian_stress::{output, Risks, Spec, StressError};

use crate::explain::LangArg;
use crate::{load_instance, load_plan, read, Failure, Staged};

/// Arguments of `sanlian stress`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file the plan was made for.
    instance: PathBuf,
    /// The plan to stress (JSON); it must be valid.
    plan: PathBuf,
    /// Yearly departure rate of every cadre, in [0, 1]; several, comma-separated, make a sweep
    /// (one chart point each). With --risks: the rate of cadres the file does not list.
    #[arg(long, value_delimiter = ',', value_name = "R[,R…]", allow_negative_numbers = true)]
    departure_rate: Vec<f64>,
    /// Per-cadre risks: CSV `cadre,monthly_risk` (or `cadre,yearly_risk`), e.g. higher near an
    /// age ceiling.
    #[arg(long, value_name = "FILE")]
    risks: Option<PathBuf>,
    /// Runs per rate (at most 10,000; more as work units, --units).
    #[arg(long, default_value_t = 100)]
    runs: usize,
    /// Seed of the draws: the same seed gives the same runs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of departures followed by a successor in the same post.
    #[arg(long, default_value_t = 0.5)]
    successor_share: f64,
    /// Most seconds one run's re-plan may take.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Where to write stress.json, points.csv, runs.csv, townships.csv, groups.csv, units.csv
    /// and stress.svg.
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write each run as a work unit for `sanlian unit` (DIR/<rate>-<run>.json) instead of
    /// running it, for a batch engine to fan out.
    #[arg(long, value_name = "DIR")]
    units: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Language of the summary: zh (default, the planners') or en.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

fn stress_failure(e: StressError) -> Failure {
    match e {
        StressError::Input(m) => Failure::input(m),
        StressError::Plan(m) => Failure::input(format!("the plan cannot be stress-tested: {m}")),
    }
}

/// The label of a rate in tables and file names.
fn rate_label(rate: f64) -> String {
    format!("{rate}")
}

/// `sanlian stress`.
pub fn run(args: Args) -> Result<(), Failure> {
    let inst = load_instance(&args.instance)?;
    inst.validate().map_err(|e| Failure::input(format!("{}: {e}", args.instance.display())))?;
    let plan = load_plan(&args.plan)?;
    let points: Vec<(String, Risks)> = match &args.risks {
        Some(path) => {
            if args.departure_rate.len() > 1 {
                return Err(Failure::input(
                    "--departure-rate: with --risks give at most one rate (for the cadres the file does not list)",
                ));
            }
            let name = path.display().to_string();
            let risks = Risks::from_csv(&inst, &name, &read(path)?, args.departure_rate.first().copied())
                .map_err(stress_failure)?;
            let label = path.file_stem().map_or("risks".into(), |s| s.to_string_lossy().to_string());
            vec![(label, risks)]
        }
        None if args.departure_rate.is_empty() => {
            return Err(Failure::input("give --departure-rate R (e.g. 0.1 for 10 % a year) or --risks FILE"))
        }
        None => args
            .departure_rate
            .iter()
            .map(|&r| Ok((rate_label(r), Risks::from_rate(&inst, r).map_err(stress_failure)?)))
            .collect::<Result<_, Failure>>()?,
    };
    let spec = Spec {
        points,
        runs: args.runs,
        seed: args.seed,
        successor_share: args.successor_share,
        time_limit: args.time_limit,
    };
    if let Some(dir) = &args.units {
        spec.validate().map_err(stress_failure)?;
        sanlian_stress::check_plan(&inst, &plan).map_err(stress_failure)?;
        return write_units(&inst, &plan, &spec, dir);
    }
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new((spec.points.len() * spec.runs) as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} runs repaired ({eta} left)")
            .expect("a valid template"),
    );
    // `simulate` validates the spec and checks the plan before any run.
    let runs = sanlian_stress::simulate(&inst, &plan, &spec, &|done, _| bar.set_position(done as u64))
        .map_err(stress_failure)?;
    bar.finish_and_clear();
    let summary = sanlian_stress::summarise(&inst, &plan, &spec, &runs);
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })?;
        let title = format!("{}：{} 次离岗模拟 / turnover runs", inst.name, spec.runs);
        let json = serde_json::to_string_pretty(&serde_json::json!({ "summary": summary, "runs": runs }))
            .expect("the summary serialises");
        let mut files = Staged::default();
        files.add(&dir.join("stress.json"), json)?;
        files.add(&dir.join("points.csv"), output::points_csv(&summary))?;
        files.add(&dir.join("runs.csv"), output::runs_csv(&runs))?;
        files.add(&dir.join("townships.csv"), output::townships_csv(&summary))?;
        files.add(&dir.join("groups.csv"), output::groups_csv(&summary))?;
        files.add(&dir.join("units.csv"), output::units_csv(&summary))?;
        files.add(&dir.join("stress.svg"), output::chart_svg(&summary, &title))?;
        files.commit()?;
    }
    print_summary(&inst, &summary, args.lang);
    Ok(())
}

fn write_units(
    inst: &sanlian_model::Instance,
    plan: &sanlian_model::Plan,
    spec: &Spec,
    dir: &std::path::Path,
) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })?;
    let mut files = Staged::default();
    let mut n = 0;
    for (p, (label, risks)) in spec.points.iter().enumerate() {
        for r in 0..spec.runs as u64 {
            let d = sanlian_stress::draw(inst, risks, spec.successor_share, spec.seed, p as u64, r);
            let id = format!("{label}-{r}");
            let unit = sanlian_stress::unit_json(&id, inst, plan, &d.events);
            files.add(&dir.join(format!("{id}.json")), unit.to_string())?;
            n += 1;
        }
    }
    files.commit()?;
    say!("{n} work unit(s) in {} (run each with `sanlian unit < UNIT.json`)", dir.display());
    Ok(())
}

fn print_summary(inst: &sanlian_model::Instance, s: &sanlian_stress::Summary, lang: LangArg) {
    let zh = lang == LangArg::Zh;
    let pct = |v: f64| format!("{:.1}%", 100.0 * v);
    if zh {
        say!("{}：离岗模拟（每次运行：按月抽取离岗，{} 的离岗者有继任者；逐月用重新规划引擎修复，生效日期前的决定不变，严格模式，不行则此后用尽力模式；每个修复方案都经检查器复核）", inst.name, pct(s.successor_share));
        say!(
            "{:<10} {:>6} {:>8} {:>9} {:>9} {:>10} {:>9} {:>10} {:>9}",
            "离岗率",
            "次数",
            "平均离岗",
            "严格有效",
            "尽力修复",
            "无法修复",
            "平均改动",
            "改动95%",
            "平均覆盖"
        );
    } else {
        say!("{}: turnover runs (monthly departures, {} followed by a successor; repaired month by month by the re-planning engine with the past pinned, strict, then best effort from the first month without a strict repair; every repaired plan re-checked)", inst.name, pct(s.successor_share));
        say!(
            "{:<10} {:>6} {:>8} {:>9} {:>9} {:>10} {:>9} {:>10} {:>9}",
            "rate",
            "runs",
            "left",
            "strict",
            "best-eff.",
            "unrepaired",
            "changes",
            "changes95",
            "coverage"
        );
    }
    for p in &s.points {
        say!(
            "{:<10} {:>6} {:>8.1} {:>9} {:>9} {:>10} {:>9.1} {:>10.0} {:>9}",
            p.point,
            p.runs,
            p.departures,
            pct(p.strict_share),
            pct(p.best_effort_share),
            pct(p.unrepaired_share),
            p.changes_mean,
            p.changes_p95,
            pct(p.coverage_mean)
        );
    }
    let at_risk: Vec<&sanlian_stress::GroupRisk> =
        s.groups.iter().filter(|g| g.unled_share + g.unmixed_share + g.uncovered_share > 0.0).take(10).collect();
    if !at_risk.is_empty() {
        say!(
            "{}",
            if zh {
                "风险最高的工作组（最后一个离岗率）："
            } else {
                "Groups most at risk (last rate):"
            }
        );
        for g in at_risk {
            let f = &g.fragility;
            let mut why = Vec::new();
            for (on, zh_word, en_word) in [
                (f.single_senior, "仅一名副处级以上（H3）", "single senior (H3)"),
                (f.single_upper, "省市级组员无富余（H4）", "no spare province/city member (H4)"),
                (f.no_cover_slack, "人年数恰好等于乡镇数（H7）", "no coverage slack (H7)"),
                (f.tight_h6, "乡镇容量已满（H6）", "township load at the cap (H6)"),
            ] {
                if on {
                    why.push(if zh { zh_word } else { en_word });
                }
            }
            let sep = if zh { "、" } else { ", " };
            let why = if why.is_empty() { String::new() } else { format!(" — {}", why.join(sep)) };
            say!(
                "  {} {}: {} {} / {} {} / {} {}{}",
                f.county_name,
                f.county,
                if zh { "无组长" } else { "unled" },
                pct(g.unled_share),
                if zh { "未混编" } else { "unmixed" },
                pct(g.unmixed_share),
                if zh { "有乡镇失去覆盖" } else { "a township uncovered" },
                pct(g.uncovered_share),
                why
            );
        }
    }
    if let Some(t) = s.townships.first() {
        say!(
            "{}",
            if zh {
                format!(
                    "{} 个乡镇在部分运行中失去覆盖，最多的是 {}（{}，{}）",
                    s.townships.len(),
                    t.name,
                    t.township,
                    pct(t.share)
                )
            } else {
                format!(
                    "{} townships lose coverage in some run; most often {} ({}, {})",
                    s.townships.len(),
                    t.name,
                    t.township,
                    pct(t.share)
                )
            }
        );
    }
}
