//! `sanlian tradeoffs`: a small Pareto set of plans for leadership — the cheapest plan and
//! plans that reach a level of another goal, each proven optimal for its level and checked —
//! as a table, a chart and the plans themselves.

use std::path::PathBuf;

use sanlian_tradeoffs::{Epsilon, Options, TradeoffError};

use crate::explain::LangArg;
use crate::{load_instance, Failure, Staged};

/// Arguments of `sanlian tradeoffs`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// How many plans at most (3–7).
    #[arg(long, default_value_t = 5)]
    points: usize,
    /// Most seconds each solve may take.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Seat-to-seat km within which one group backs up another (robustness, N1).
    #[arg(long, default_value_t = sanlian_model::params::DEFAULT_REACH_KM)]
    reach_km: f64,
    /// Take each cadre's previous county (continuity's "last round") from this plan: the county
    /// it serves in there. Without previous counties there is no continuity to trade.
    #[arg(long, value_name = "PLAN")]
    last_round: Option<PathBuf>,
    /// Where to write tradeoffs.json, tradeoffs.csv, tradeoffs.svg and each plan
    /// (plan-A.json …, with the instance it was made for beside it).
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Language of the summary: zh (default, the planners') or en.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

fn failure(e: TradeoffError) -> Failure {
    match e {
        TradeoffError::Input(m) => Failure::input(m),
        TradeoffError::Infeasible(m) => Failure { code: 1, message: format!("no plan satisfies every hard rule: {m}") },
        TradeoffError::Solve(m) => Failure { code: 1, message: m },
        TradeoffError::Cancelled => Failure { code: 1, message: "cancelled".into() },
    }
}

/// The ε of a point as table text.
fn epsilon_text(e: &Epsilon) -> String {
    match e {
        Epsilon::None => "plain".into(),
        Epsilon::TravelAtMost { km } => format!("max_travel_km<={km:.0}"),
        Epsilon::RobustAtLeast { groups } => format!("robust_groups>={groups}"),
        Epsilon::ContinuityAtLeast { cadres } => format!("continuity>={cadres}"),
    }
}

/// `sanlian tradeoffs`.
pub fn run(args: Args) -> Result<(), Failure> {
    let mut inst = load_instance(&args.instance)?;
    if let Some(path) = &args.last_round {
        let last = crate::load_plan(path)?;
        let set = crate::fairness::last_round(&mut inst, &last);
        eprintln!("{}", crate::fairness::last_round_note(set, path, args.lang.lang()));
    }
    let opts =
        Options { points: args.points, time_limit: args.time_limit, reach_km: args.reach_km, ..Options::default() };
    let t = sanlian_tradeoffs::compute(&inst, &opts).map_err(failure)?;
    let zh = args.lang == LangArg::Zh;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure { code: 1, message: format!("cannot create {}: {e}", dir.display()) })?;
        let mut files = Staged::default();
        let json = serde_json::to_string_pretty(&t).expect("the set serialises");
        files.add(&dir.join("tradeoffs.json"), json)?;
        let mut csv = String::from(
            "point,epsilon,s1,travel,stay,robust_groups,groups,max_km,p90_km,gini_km,continuity,s2,proven_optimal,line\n",
        );
        for p in &t.points {
            let m = &p.metrics;
            csv.push_str(&format!(
                "{},{},{:.2},{:.2},{:.2},{},{},{:.1},{:.1},{:.4},{},{:.2},{},\"{}\"\n",
                p.id,
                epsilon_text(&p.epsilon),
                m.s1,
                m.travel,
                m.stay,
                m.robust_groups,
                m.groups,
                m.max_km,
                m.p90_km,
                m.gini_km,
                m.continuity,
                m.s2,
                p.proven_optimal,
                if zh { &p.line_zh } else { &p.line_en }.replace('"', "\"\"")
            ));
        }
        files.add(&dir.join("tradeoffs.csv"), csv)?;
        let title = format!("{}：取舍 / trade-offs", inst.name);
        files.add(&dir.join("tradeoffs.svg"), sanlian_tradeoffs::chart::svg(&t, &title))?;
        for p in &t.points {
            let plan = serde_json::to_string_pretty(&p.plan).expect("a plan serialises");
            files.add(&dir.join(format!("plan-{}.json", p.id)), plan)?;
            let instance = serde_json::to_string_pretty(&p.instance).expect("an instance serialises");
            files.add(&dir.join(format!("plan-{}.instance.json", p.id)), instance)?;
        }
        files.commit()?;
    }
    say!(
        "{}",
        if zh {
            format!("{}：{} 个互不占优的方案（每个在其约束下经证明最优，并经检查器复核）", inst.name, t.points.len())
        } else {
            format!(
                "{}: {} mutually non-dominated plans (each proven optimal for its constraint and checked)",
                inst.name,
                t.points.len()
            )
        }
    );
    for p in &t.points {
        say!("  {}  {}", p.id, if zh { &p.line_zh } else { &p.line_en });
    }
    Ok(())
}
