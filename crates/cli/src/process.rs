//! `sanlian allocate` and `sanlian merge`: the province–city process (work plan §六.1–2).
//!
//! `allocate` plans the province under its spreading rules, writes the allocation and each
//! city's sub-instance (which every other command then plans, explains and edits as any
//! instance), prices the rules, and with `--plan-cities` plans the cities and merges them.
//! `merge` checks each city's plan against its sub-instance, merges them and checks the
//! province plan with every rule.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sanlian_explain::render::pad;
use sanlian_model::{Allocation, Instance, Plan, Spread};
use sanlian_process::{DecentralisationPrice, Merged, ProcessError};
use sanlian_solver::SolveOptions;

use crate::{load_instance, load_plan, read, Failure, Staged};

/// Arguments of `sanlian allocate`.
#[derive(clap::Args)]
pub struct AllocateArgs {
    /// Province instance JSON file.
    instance: PathBuf,
    /// Directory to write allocation.json, province-plan.json, prices.csv and
    /// cities/<code>/instance.json into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// A1: at least this many province cadres in every city.
    #[arg(long, default_value_t = 0)]
    min_per_city: u32,
    /// A2: at most this many province cadres in one county group.
    #[arg(long)]
    max_per_group: Option<u32>,
    /// A3: each department's province cadres in at least this many cities.
    #[arg(long, default_value_t = 0)]
    department_cities: u32,
    /// Also plan every city on its sub-instance (cities/<code>/plan.json), merge the plans
    /// (merged-plan.json) and report the price of decentralisation.
    #[arg(long)]
    plan_cities: bool,
    /// Wall-clock limit of each solve, seconds.
    #[arg(long, allow_negative_numbers = true)]
    time_limit: Option<f64>,
}

/// Arguments of `sanlian merge`.
#[derive(clap::Args)]
pub struct MergeArgs {
    /// Province instance JSON file.
    instance: PathBuf,
    /// The allocation (allocation.json from `sanlian allocate`).
    allocation: PathBuf,
    /// The province-wide plan the allocation was read off (province-plan.json).
    province_plan: PathBuf,
    /// Every city's plan, one file each (solved on cities/<code>/instance.json).
    #[arg(required = true)]
    city_plans: Vec<PathBuf>,
    /// Write the merged province plan here when the checker passes it.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

fn process_failure(e: ProcessError) -> Failure {
    match e {
        ProcessError::Input(_)
        | ProcessError::Allocation(_)
        | ProcessError::UnknownCity(_)
        | ProcessError::Missing(_) => Failure::input(e.to_string()),
        ProcessError::Infeasible { .. } | ProcessError::Engine(_) => Failure { code: 1, message: e.to_string() },
    }
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("serialises") + "\n"
}

fn city_name<'a>(inst: &'a Instance, code: &'a str) -> &'a str {
    inst.region.cities.iter().find(|m| m.code == code).map_or(code, |m| m.name.as_str())
}

/// Run `sanlian allocate`.
pub fn allocate(args: AllocateArgs) -> Result<(), Failure> {
    if args.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(Failure::input("--time-limit must be a positive number of seconds"));
    }
    let inst = load_instance(&args.instance)?;
    let spread = Spread {
        min_province_per_city: args.min_per_city,
        max_province_per_group: args.max_per_group,
        min_cities_per_department: args.department_cities,
    };
    let opts = SolveOptions { time_limit: args.time_limit, ..SolveOptions::default() };
    let (allocated, decentralised) = if args.plan_cities {
        let (allocated, cities, merged, rounds) =
            sanlian_process::decentralise(&inst, &spread, &opts).map_err(process_failure)?;
        (allocated, Some((cities, merged, rounds)))
    } else {
        (sanlian_process::allocate(&inst, &spread, &opts).map_err(process_failure)?, None)
    };
    let alloc = &allocated.allocation;
    say!("{}: allocation of the province's cadres to {} cities", inst.name, alloc.cities.len());
    say!("  {} {:>6} {:>10} {:>8}", pad("市", 10), "省级", "高校/企业", "H9名额");
    let level_of: HashMap<&str, sanlian_model::Level> = inst.cadres.iter().map(|c| (c.id.as_str(), c.level)).collect();
    for share in &alloc.cities {
        let province = share.cadres.iter().filter(|id| level_of[id.as_str()] == sanlian_model::Level::Province).count();
        say!(
            "  {} {:>6} {:>10} {:>8}",
            pad(&share.city_name, 10),
            province,
            share.cadres.len() - province,
            share.quotas.len()
        );
    }
    say!("S1 without spreading rules: {:.2}", allocated.free_s1);
    let mut csv = String::from("rules,text,s1,delta,share\n");
    for p in &allocated.prices {
        let fmt = |v: Option<f64>, digits: usize| v.map_or("infeasible".to_string(), |x| format!("{x:.digits$}"));
        say!(
            "  {:<10} S1 {} (+{}, {}%): {}",
            p.rules.join("+"),
            fmt(p.s1, 2),
            fmt(p.delta, 2),
            fmt(p.share.map(|s| 100.0 * s), 2),
            p.text
        );
        csv.push_str(&format!(
            "{},\"{}\",{},{},{}\n",
            p.rules.join("+"),
            p.text,
            fmt(p.s1, 2),
            fmt(p.delta, 2),
            fmt(p.share, 6)
        ));
    }
    let mut staged = Staged::default();
    create_dir(&args.out)?;
    staged.add(&args.out.join("allocation.json"), json(alloc))?;
    staged.add(&args.out.join("province-plan.json"), json(&allocated.plan))?;
    staged.add(&args.out.join("prices.csv"), csv)?;
    for share in &alloc.cities {
        let dir = args.out.join("cities").join(&share.city);
        create_dir(&dir)?;
        let sub = sanlian_process::city_instance(&inst, alloc, &share.city).map_err(process_failure)?;
        staged.add(&dir.join("instance.json"), json(&sub))?;
    }
    if let Some((cities, merged, rounds)) = &decentralised {
        for c in cities {
            staged.add(&args.out.join("cities").join(&c.city).join("plan.json"), json(&c.plan))?;
        }
        if *rounds > 1 {
            say!(
                "The cities chose other groups than the province's (ties in S1): their H9 quotas were read again \
                 off the province's months for those groups, and the cities planned a second time."
            );
        }
        report_merge(&inst, merged)?;
        staged.add(&args.out.join("merged-plan.json"), json(&merged.plan))?;
    }
    staged.commit()?;
    say!("Wrote {}", args.out.display());
    Ok(())
}

fn create_dir(dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })
}

/// Print the merged plan's check and price; a merged plan the checker rejects fails.
fn report_merge(inst: &Instance, merged: &Merged) -> Result<(), Failure> {
    let DecentralisationPrice { province_s1, merged_s1, city_s1, dropped_penalties, price, share, same_groups, stages } =
        &merged.price;
    say!("Cities' S1:");
    for (city, s1) in city_s1 {
        say!("  {} {s1:.2}", pad(city_name(inst, city), 10));
    }
    say!(
        "Price of decentralisation: merged S1 {merged_s1:.2} (Σ cities {:.2} + preference penalties left out of the \
         sub-instances {dropped_penalties:.2}) − province S1 {province_s1:.2} = {price:.2} ({:.4}%); groups as the \
         province's: {}",
        city_s1.iter().map(|(_, s)| s).sum::<f64>(),
        100.0 * share,
        if *same_groups { "yes" } else { "no (ties in S1 broken otherwise)" }
    );
    for (id, province, merged) in stages {
        say!("  {id:<4} province {province:.2}, merged {merged:.2}");
    }
    if merged.report.is_valid() {
        say!("Merged province plan: valid (every rule, H9 against the real caps, spreading rules A1–A3)");
        Ok(())
    } else {
        let list: Vec<String> = merged.report.violations.iter().map(|v| format!("  {v}")).collect();
        Err(Failure { code: 1, message: format!("the merged province plan breaks rules:\n{}", list.join("\n")) })
    }
}

/// Run `sanlian merge`.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let inst = load_instance(&args.instance)?;
    let alloc = Allocation::from_json(&read(&args.allocation)?)
        .map_err(|e| Failure::input(format!("{}: {e}", args.allocation.display())))?;
    let province = load_plan(&args.province_plan)?;
    let county_city: HashMap<&str, &str> =
        inst.region.counties.iter().map(|k| (k.code.as_str(), k.city.as_str())).collect();
    let mut plans: Vec<(String, Plan)> = Vec::new();
    for path in &args.city_plans {
        let plan = load_plan(path)?;
        let mut cities: Vec<&str> =
            plan.groups.iter().filter_map(|g| county_city.get(g.county.as_str()).copied()).collect();
        cities.sort_unstable();
        cities.dedup();
        let [city] = cities[..] else {
            return Err(Failure::input(format!(
                "{}: a city's plan has the groups of one city; this one has {} ({})",
                path.display(),
                cities.len(),
                cities.join(", ")
            )));
        };
        if plans.iter().any(|(c, _)| c == city) {
            return Err(Failure::input(format!(
                "{}: a second plan of {city} {}",
                path.display(),
                city_name(&inst, city)
            )));
        }
        let report = sanlian_process::check_city_plan(&inst, &alloc, city, &plan).map_err(process_failure)?;
        if !report.is_valid() {
            let list: Vec<String> = report.violations.iter().map(|v| format!("  {v}")).collect();
            return Err(Failure {
                code: 1,
                message: format!(
                    "{}: the plan of {city} {} breaks its allocation or the rules, and cannot be merged:\n{}",
                    path.display(),
                    city_name(&inst, city),
                    list.join("\n")
                ),
            });
        }
        plans.push((city.to_string(), plan));
    }
    let merged =
        sanlian_process::merge(&inst, &alloc, &province, &plans, &SolveOptions::default()).map_err(process_failure)?;
    report_merge(&inst, &merged)?;
    if let Some(path) = &args.output {
        let mut staged = Staged::default();
        staged.add(path, json(&merged.plan))?;
        staged.commit()?;
    }
    Ok(())
}
