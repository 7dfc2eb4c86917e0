//! `sanlian national`: every real province planned at once — each imported from its division
//! data, given its own seeded roster, solved strict (one HiGHS thread each, in parallel), and
//! re-checked by the checker — with a table per province (CSV) and a chart (SVG).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use sanlian_engine::Answer;
use sanlian_gen::china;
use sanlian_gen::load_province;
use sanlian_model::{Instance, Prepared};
use sanlian_solver::SolveOptions;

use crate::output::Staged;
use crate::Failure;

/// Arguments of `sanlian national`.
#[derive(clap::Args)]
pub struct Args {
    /// A folder of province folders, each with province.csv, cities.csv, counties.csv and
    /// divisions.csv (the layout of shared/data/china); without it, the committed fixtures
    /// (fixtures/china and fixtures/shandong).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Where to write national.csv and national.svg.
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// Roster seed (the fixtures' is 1).
    #[arg(long, default_value_t = china::SEED)]
    seed: u64,
    /// Most seconds one province's solve may take.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Place an official county without coordinates at its city's seat (listed in the
    /// instance's note) instead of refusing the folder; the committed fixtures always do (西藏's
    /// 米林市 and 错那市).
    #[arg(long)]
    stand_in_seats: bool,
    /// Also write each province as a work unit for `sanlian unit` (DIR/units/<province>.json),
    /// for a batch engine to fan out.
    #[arg(long)]
    units: bool,
}

/// One province's row of the national table.
struct Row {
    dir: String,
    province: String,
    counties: usize,
    townships: usize,
    cadres: usize,
    s1: f64,
    covered: usize,
    optimal: bool,
    valid: bool,
    seconds: f64,
}

/// The province folders to plan: (folder name, division folder).
fn provinces(data: Option<&Path>) -> Result<Vec<(String, PathBuf)>, Failure> {
    let Some(data) = data else {
        let fixtures = PathBuf::from("fixtures");
        if !fixtures.join("china").is_dir() {
            return Err(Failure::input(
                "fixtures/china not found: run from the repository root, or give --data DIR (e.g. ../shared/data/china)",
            ));
        }
        return Ok(china::PROVINCES
            .iter()
            .map(|(dir, _)| (dir.to_string(), china::data_dir(&fixtures, dir)))
            .collect());
    };
    let entries = std::fs::read_dir(data)
        .map_err(|e| Failure::input(format!("{}: {e}; give a folder of province folders (--data)", data.display())))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let dir = entry.file_name().to_string_lossy().to_string();
        for candidate in [path.clone(), path.join("data")] {
            if candidate.join("province.csv").is_file() {
                out.push((dir.clone(), candidate));
                break;
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(Failure::input(format!(
            "{}: no province folder (one with province.csv, cities.csv, counties.csv, divisions.csv) in it",
            data.display()
        )));
    }
    Ok(out)
}

/// `sanlian national`.
pub fn run(args: Args) -> Result<(), Failure> {
    let started = Instant::now();
    let dirs = provinces(args.data.as_deref())?;
    // Import and generate every province first: bad data stops the run before any solve.
    let mut instances: Vec<(String, Instance)> = Vec::with_capacity(dirs.len());
    let options = if args.data.is_none() || args.stand_in_seats {
        china::OPTIONS
    } else {
        sanlian_gen::ImportOptions { missing_seat: sanlian_gen::MissingSeat::Error }
    };
    for (dir, path) in &dirs {
        let import = load_province(path, &options).map_err(|e| match e {
            sanlian_gen::GenError::CountyWithoutSeat { .. } => Failure::input(format!(
                "{e}; or run with --stand-in-seats to place it at its city's seat (listed in the instance's note)"
            )),
            e => Failure::input(e.to_string()),
        })?;
        let inst = sanlian_gen::generate_for(&import, &sanlian_gen::ProvinceRosterSpec::default(), args.seed);
        instances.push((dir.clone(), inst));
    }
    let opts = SolveOptions { threads: 1, time_limit: args.time_limit, ..SolveOptions::default() };
    let rows: Vec<Result<Row, Failure>> = instances
        .par_iter()
        .map(|(dir, inst)| {
            let t = Instant::now();
            let prep = Prepared::new(inst).map_err(|e| Failure::input(format!("{dir}: {e}")))?;
            let solved =
                sanlian_engine::solve(&prep, &opts).map_err(|e| Failure { code: 1, message: format!("{dir}: {e}") })?;
            let seconds = t.elapsed().as_secs_f64();
            let row = match solved.answer {
                Answer::Planned(checked) => {
                    let plan = checked.into_plan();
                    let s1 = plan.stages.iter().find(|s| s.id == "S1").map_or(f64::NAN, |s| s.objective);
                    Row {
                        dir: dir.clone(),
                        province: inst.region.province.name.clone(),
                        counties: inst.region.counties.len(),
                        townships: inst.region.townships.len(),
                        cadres: inst.cadres.len(),
                        s1,
                        covered: plan.coverage.total,
                        optimal: plan.stages.iter().all(|s| s.proven_optimal),
                        // The engine hands out only plans its checker accepted.
                        valid: true,
                        seconds,
                    }
                }
                Answer::Infeasible(_) => Row {
                    dir: dir.clone(),
                    province: inst.region.province.name.clone(),
                    counties: inst.region.counties.len(),
                    townships: inst.region.townships.len(),
                    cadres: inst.cadres.len(),
                    s1: f64::NAN,
                    covered: 0,
                    optimal: false,
                    valid: false,
                    seconds,
                },
            };
            eprintln!(
                "{:<14} {:>4} counties {:>5} townships {:>5} cadres  {:.2} s  {}",
                row.province,
                row.counties,
                row.townships,
                row.cadres,
                row.seconds,
                if row.optimal { "strict, proven optimal, checked" } else { "NOT planned strict" }
            );
            Ok(row)
        })
        .collect();
    let rows: Vec<Row> = rows.into_iter().collect::<Result<_, _>>()?;
    let mut csv = String::from("dir,province,counties,townships,cadres,s1,covered,coverage,optimal,valid,seconds\n");
    for r in &rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{:.2},{},{:.4},{},{},{:.3}\n",
            r.dir,
            r.province,
            r.counties,
            r.townships,
            r.cadres,
            r.s1,
            r.covered,
            r.covered as f64 / r.townships.max(1) as f64,
            r.optimal,
            r.valid,
            r.seconds
        ));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::input(format!("{}: cannot create the folder: {e}", args.out.display())))?;
    let mut staged = Staged::default();
    if args.units {
        std::fs::create_dir_all(args.out.join("units")).map_err(|e| {
            Failure::input(format!("{}: cannot create the folder: {e}", args.out.join("units").display()))
        })?;
        for (dir, inst) in &instances {
            let unit = crate::unit::unit_json(&format!("{dir}/seed-{}", args.seed), inst);
            staged.add(&args.out.join("units").join(format!("{dir}.json")), unit.to_string())?;
        }
    }
    staged.add(&args.out.join("national.csv"), csv)?;
    staged.add(&args.out.join("national.svg"), chart(&rows))?;
    staged.commit()?;
    let all_optimal = rows.iter().all(|r| r.optimal);
    let townships: usize = rows.iter().map(|r| r.townships).sum();
    let cadres: usize = rows.iter().map(|r| r.cadres).sum();
    println!(
        "{} provinces, {townships} townships, {cadres} cadres: {} in {:.2} s; table and chart in {}",
        rows.len(),
        if all_optimal { "every one strict, proven optimal and checked" } else { "NOT every one planned strict" },
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    if all_optimal {
        Ok(())
    } else {
        Err(Failure { code: 1, message: "some provinces have no strict plan; see national.csv".into() })
    }
}

/// Escape text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A horizontal bar per province: its townships, with its solve time written beside it.
fn chart(rows: &[Row]) -> String {
    let most = rows.iter().map(|r| r.townships).max().unwrap_or(1).max(1) as f64;
    let (left, bar_w, row_h, top) = (130.0, 560.0, 22.0, 50.0);
    let height = top + row_h * rows.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"{height}\" font-family=\"Noto Sans CJK SC, sans-serif\" font-size=\"13\">\n\
         <text x=\"10\" y=\"24\" font-size=\"16\">各省乡镇数与严格求解用时（每省一个 HiGHS 线程）</text>\n"
    );
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = bar_w * r.townships as f64 / most;
        let colour = if r.optimal { "#b22222" } else { "#888888" };
        svg.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{left}\" y=\"{:.0}\" width=\"{w:.1}\" height=\"{:.0}\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.0}\">{} 个乡镇 · {:.2} s</text>\n",
            left - 6.0,
            y + 15.0,
            esc(&r.province),
            y + 3.0,
            row_h - 6.0,
            left + w + 6.0,
            y + 15.0,
            r.townships,
            r.seconds
        ));
    }
    svg.push_str("</svg>\n");
    svg
}
