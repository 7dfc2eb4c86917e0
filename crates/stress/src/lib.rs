//! Turnover stress (issue 15): how much slack a plan has when cadres leave.
//!
//! Each run draws departures over the two plan years ([`draw`]), each with or without a
//! successor, and repairs the plan with the real re-planning engine
//! ([`sanlian_explain::replan`], strict, falling back to best effort); the repaired plan is
//! re-verified by the checker there. Runs are independent and seeded per run, so they run in
//! parallel (rayon, one HiGHS thread each) and any run can be redone alone, or elsewhere as a
//! work unit ([`unit_json`]). [`Summary`] turns the runs into what a planner asks: how often
//! the plan stays strictly valid, how many decisions change, which townships and groups are
//! at risk and why, and how each dispatching unit's cost drifts.
//!
//! A run is repaired **month by month**, as a planner learns of departures: each month's
//! departures are one re-plan of the plan the previous month left, with everything before the
//! date pinned (no foresight). Strict while a strict repair exists; from the first month
//! without one, best effort for the rest of the run (the run is then not strictly valid).

pub mod draw;
pub mod output;
pub mod risk;

use std::collections::BTreeMap;
use std::time::Instant;

use rayon::prelude::*;
use sanlian_explain::replan::{Chain, ReplanOptions};
use sanlian_model::{Events, Instance, Level, Plan, PlanMode};
use serde::Serialize;

pub use draw::{draw, Draw};
pub use risk::Risks;

/// Most runs per departure rate (`--runs`), and most work units written at once.
pub const MAX_RUNS: usize = 10_000;

/// Most departure rates in one sweep.
pub const MAX_RATES: usize = 20;

/// Why a stress test cannot run.
#[derive(Debug, thiserror::Error)]
pub enum StressError {
    /// Bad input: the message names the place and the reason.
    #[error("{0}")]
    Input(String),
    /// The plan is not a valid plan of the instance.
    #[error("the plan cannot be stress-tested: {0}")]
    Plan(String),
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// One risk set per point of the sweep (a departure rate, or a risk file), with its label.
    pub points: Vec<(String, Risks)>,
    /// Runs per point.
    pub runs: usize,
    /// Seed of every draw.
    pub seed: u64,
    /// Share of departures followed by a successor in the same post (the work plan:
    /// 由调整后人员继续参加工作组工作).
    pub successor_share: f64,
    /// Most seconds one run's re-plan may take.
    pub time_limit: Option<f64>,
}

impl Spec {
    /// Check the numbers: runs in 1..=[`MAX_RUNS`], at most [`MAX_RATES`] points, a successor
    /// share in [0, 1].
    pub fn validate(&self) -> Result<(), StressError> {
        if self.runs == 0 || self.runs > MAX_RUNS {
            return Err(StressError::Input(format!(
                "--runs: {} is outside 1..={MAX_RUNS} (run more as work units on a cluster: --units)",
                self.runs
            )));
        }
        if self.points.is_empty() || self.points.len() > MAX_RATES {
            return Err(StressError::Input(format!(
                "--departure-rate: give 1 to {MAX_RATES} rates, not {}",
                self.points.len()
            )));
        }
        if !(self.successor_share.is_finite() && (0.0..=1.0).contains(&self.successor_share)) {
            return Err(StressError::Input(format!(
                "--successor-share: {} is not a share in [0, 1]",
                self.successor_share
            )));
        }
        if self.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
            return Err(StressError::Input("--time-limit: give a positive number of seconds".into()));
        }
        Ok(())
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// A strict repair exists: every hard rule holds after the departures.
    Strict,
    /// No strict repair; the best-effort repair keeps the rules that stay hard.
    BestEffort,
    /// Not even a best-effort repair (a rule that stays hard cannot hold), or the re-plan failed.
    Unrepaired,
}

/// One run: its draw and its repair.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Label of the sweep point (`0.1`, or the risk file).
    pub point: String,
    /// Run number within the point.
    pub run: u64,
    /// Cadres who left.
    pub departures: usize,
    /// Of them, followed by a successor.
    pub successors: usize,
    /// How the repair ended.
    pub status: RunStatus,
    /// Changed decisions after the first departure (§7, per cadre, year and kind).
    pub changes: usize,
    /// Cadres with at least one changed decision.
    pub changed_cadres: usize,
    /// Townships covered by the repaired plan (0 without one).
    pub covered: usize,
    /// Townships in the region.
    pub townships: usize,
    /// Townships the repaired plan leaves uncovered (H7 shortfalls).
    pub uncovered: Vec<String>,
    /// Counties whose group has no senior leader at some date (H3 shortfalls).
    pub unled: Vec<String>,
    /// Counties whose group is not mixed at some date (H4 shortfalls).
    pub unmixed: Vec<String>,
    /// Travel + stay per dispatching unit after the repair, yuan (empty without a plan).
    pub unit_costs: BTreeMap<String, f64>,
    /// Why the run has no repair, if it has none.
    pub error: Option<String>,
    /// Seconds the repair took.
    pub seconds: f64,
}

/// Travel + stay per dispatching unit of a plan.
pub fn unit_costs(plan: &Plan) -> BTreeMap<String, f64> {
    plan.costs.units.iter().map(|u| (u.unit.clone(), u.travel + u.stay)).collect()
}

/// Repair `plan` after `events` as a stress run does: month by month, as a planner learns of
/// them — the events of each date repaired by the re-planning engine on the plan the previous
/// repair left, everything before the date pinned; strict while a strict repair exists, then
/// best effort for the rest of the run. No takeover options (a planner's choice, not the
/// simulation's). Every repaired plan has passed the checker on its instance.
pub fn repair(inst: &Instance, plan: &Plan, events: &Events, time_limit: Option<f64>) -> Run {
    replay(inst, plan, events, time_limit).0
}

/// [`repair`], with the instance (events applied) and the plan the run ends with, when it has one.
pub fn replay(
    inst: &Instance,
    plan: &Plan,
    events: &Events,
    time_limit: Option<f64>,
) -> (Run, Option<(Instance, Plan)>) {
    let started = Instant::now();
    let successors = events.events.iter().filter(|e| matches!(e, sanlian_model::Event::Replace { .. })).count();
    let mut run = Run {
        point: String::new(),
        run: 0,
        departures: events.events.len(),
        successors,
        status: RunStatus::Strict,
        changes: 0,
        changed_cadres: 0,
        covered: 0,
        townships: inst.region.townships.len(),
        uncovered: Vec::new(),
        unled: Vec::new(),
        unmixed: Vec::new(),
        unit_costs: BTreeMap::new(),
        error: None,
        seconds: 0.0,
    };
    let mut dates: Vec<chrono::NaiveDate> = events.events.iter().map(|e| e.date()).collect();
    dates.sort();
    dates.dedup();
    // Each repaired plan is certified for its instance when it is made, and checked only then.
    let mut chain = Chain::new(inst.clone(), plan.clone());
    let mut changed: std::collections::HashSet<String> = std::collections::HashSet::new();
    for date in dates {
        let step = Events { events: events.events.iter().filter(|e| e.date() == date).cloned().collect() };
        let mode = if run.status == RunStatus::Strict { PlanMode::Strict } else { PlanMode::BestEffort };
        let limit = time_limit.map(|t| (t - started.elapsed().as_secs_f64()).max(0.001));
        let opts = ReplanOptions { mode, time_limit: limit, takeovers: Some(0), ..ReplanOptions::default() };
        match chain.step(&step, &opts) {
            Ok(r) => {
                run.changes += r.changes.len();
                changed.extend(r.changes.iter().map(|c| c.cadre.clone()));
                if r.plan.is_none() && r.best_effort.is_some() {
                    run.status = RunStatus::BestEffort;
                } else if r.plan.is_none() {
                    run.status = RunStatus::Unrepaired;
                    run.error = Some(format!(
                        "{date}: {}",
                        r.certificates.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join("; ")
                    ));
                    break;
                }
            }
            Err(e) => {
                run.status = RunStatus::Unrepaired;
                run.error = Some(format!("{date}: {e}"));
                break;
            }
        }
    }
    run.changed_cadres = changed.len();
    let (inst, plan) = chain.into_parts();
    if run.status != RunStatus::Unrepaired {
        run.covered = plan.coverage.total;
        run.unit_costs = unit_costs(&plan);
        for s in &plan.shortfalls {
            let list = match s.rule.as_str() {
                "H7" => &mut run.uncovered,
                "H3" => &mut run.unled,
                "H4" => &mut run.unmixed,
                _ => continue,
            };
            if !list.contains(&s.subject) {
                list.push(s.subject.clone());
            }
        }
    }
    run.seconds = started.elapsed().as_secs_f64();
    let end = (run.status != RunStatus::Unrepaired).then_some((inst, plan));
    (run, end)
}

/// Every run of `spec`, in parallel, in (point, run) order; `progress` is called after each run
/// with the number done and the total.
pub fn simulate(
    inst: &Instance,
    plan: &Plan,
    spec: &Spec,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Run>, StressError> {
    spec.validate()?;
    check_plan(inst, plan)?;
    let total = spec.points.len() * spec.runs;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let jobs: Vec<(usize, u64)> =
        (0..spec.points.len()).flat_map(|p| (0..spec.runs as u64).map(move |r| (p, r))).collect();
    Ok(jobs
        .par_iter()
        .map(|&(p, r)| {
            let (label, risks) = &spec.points[p];
            let d = draw(inst, risks, spec.successor_share, spec.seed, p as u64, r);
            let mut run = repair(inst, plan, &d.events, spec.time_limit);
            run.point = label.clone();
            run.run = r;
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
            run
        })
        .collect())
}

/// The plan must be a valid plan of the instance (re-planning refuses any other, §7).
pub fn check_plan(inst: &Instance, plan: &Plan) -> Result<(), StressError> {
    let report = sanlian_check::check(inst, plan).map_err(|e| StressError::Input(e.to_string()))?;
    let problems: Vec<String> =
        report.mismatches().into_iter().chain(report.rule_violations().iter().map(|v| v.to_string())).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        let n = problems.len();
        let shown: Vec<&str> = problems.iter().take(5).map(String::as_str).collect();
        Err(StressError::Plan(format!("{n} problem(s), e.g. {}", shown.join("; "))))
    }
}

/// A work unit for one run, for `sanlian unit` on a batch engine: the instance, the plan and
/// the run's events, self-contained.
pub fn unit_json(id: &str, inst: &Instance, plan: &Plan, events: &Events) -> serde_json::Value {
    serde_json::json!({ "unit": "replan", "id": id, "instance": inst, "plan": plan, "events": events })
}

/// Why a group of the plan is fragile, read off the plan before any departure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Fragility {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// Its only senior member (副处级以上) leaves: no one in the group can lead (H3).
    pub single_senior: bool,
    /// Province/city members at the minimum: one departure unmixes the group (H4).
    pub single_upper: bool,
    /// Cadre-years equal the townships: one departure uncovers a township (H7).
    pub no_cover_slack: bool,
    /// In some year the group has as many cadres as its townships can take (H6): a newcomer
    /// cannot be added.
    pub tight_h6: bool,
}

/// The fragility of each group of `plan`.
pub fn fragility(inst: &Instance, plan: &Plan) -> Vec<Fragility> {
    let cadre: BTreeMap<&str, &sanlian_model::Cadre> = inst.cadres.iter().map(|c| (c.id.as_str(), c)).collect();
    let towns: BTreeMap<&str, usize> = inst.region.townships.iter().fold(BTreeMap::new(), |mut m, t| {
        *m.entry(t.county.as_str()).or_default() += 1;
        m
    });
    let years: BTreeMap<&str, usize> = plan.assignments.iter().map(|a| (a.cadre.as_str(), a.years.len())).collect();
    let p = &inst.parameters;
    plan.groups
        .iter()
        .map(|g| {
            let members: Vec<&sanlian_model::Cadre> =
                g.members.iter().filter_map(|m| cadre.get(m.as_str()).copied()).collect();
            let seniors = members.iter().filter(|c| c.senior).count();
            let upper = members.iter().filter(|c| matches!(c.level, Level::Province | Level::City)).count();
            let t = towns.get(g.county.as_str()).copied().unwrap_or(0);
            let cadre_years: usize = g.members.iter().map(|m| years.get(m.as_str()).copied().unwrap_or(0)).sum();
            let per_year = |y: i32| {
                plan.assignments
                    .iter()
                    .filter(|a| a.county == g.county && a.years.iter().any(|ya| ya.year == y))
                    .count()
            };
            let cap = p.max_cadres_per_township_year as usize * t;
            Fragility {
                county: g.county.clone(),
                county_name: g.county_name.clone(),
                single_senior: seniors <= 1,
                single_upper: upper <= p.min_upper_per_group as usize,
                no_cover_slack: cadre_years <= t,
                tight_h6: (0..2).any(|y| per_year(plan.first_year + y) >= cap),
            }
        })
        .collect()
}

/// Nearest-rank percentile `q` ∈ (0, 1] of `values` (0 for none).
pub fn percentile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// The runs of one sweep point, summarised.
#[derive(Debug, Clone, Serialize)]
pub struct PointSummary {
    /// The point's label.
    pub point: String,
    /// Runs.
    pub runs: usize,
    /// Mean departures per run.
    pub departures: f64,
    /// Share of runs with a strict repair.
    pub strict_share: f64,
    /// Share of runs with only a best-effort repair.
    pub best_effort_share: f64,
    /// Share of runs without any repair.
    pub unrepaired_share: f64,
    /// Mean changed decisions (runs with a repair).
    pub changes_mean: f64,
    /// 95th percentile (nearest rank) of changed decisions.
    pub changes_p95: f64,
    /// Mean share of townships covered (runs without a repair count 0).
    pub coverage_mean: f64,
    /// 5th percentile of the share of townships covered.
    pub coverage_p5: f64,
    /// Mean seconds per run.
    pub seconds_mean: f64,
}

/// A township that lost coverage in some run.
#[derive(Debug, Clone, Serialize)]
pub struct TownshipRisk {
    /// Township code.
    pub township: String,
    /// Township name.
    pub name: String,
    /// County code.
    pub county: String,
    /// Share of runs (of its point) in which the repaired plan leaves it uncovered.
    pub share: f64,
}

/// A group's risk over the runs beside its fragility.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRisk {
    /// Why the group is fragile in the plan itself.
    pub fragility: Fragility,
    /// Share of runs whose repair leaves the group without a senior leader at some date.
    pub unled_share: f64,
    /// Share of runs whose repair leaves the group unmixed at some date.
    pub unmixed_share: f64,
    /// Share of runs whose repair leaves one of its townships uncovered.
    pub uncovered_share: f64,
}

/// Cost drift of one dispatching unit.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDrift {
    /// Dispatching unit.
    pub unit: String,
    /// Travel + stay in the plan, yuan.
    pub before: f64,
    /// Mean change over the runs with a repair, yuan.
    pub mean_delta: f64,
    /// 95th percentile of the change, yuan.
    pub p95_delta: f64,
}

/// Everything a stress test reports.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// One row per sweep point.
    pub points: Vec<PointSummary>,
    /// Townships uncovered in any run of the last point, most at risk first.
    pub townships: Vec<TownshipRisk>,
    /// Every group, fragile or at risk first (last point).
    pub groups: Vec<GroupRisk>,
    /// Cost drift per dispatching unit (last point).
    pub units: Vec<UnitDrift>,
    /// Successor share, seed and how the runs were made, for the record.
    pub seed: u64,
    /// Share of departures followed by a successor.
    pub successor_share: f64,
}

/// Summarise `runs` (as [`simulate`] returns them) of `plan`.
pub fn summarise(inst: &Instance, plan: &Plan, spec: &Spec, runs: &[Run]) -> Summary {
    let points: Vec<PointSummary> = spec
        .points
        .iter()
        .map(|(label, _)| {
            let these: Vec<&Run> = runs.iter().filter(|r| &r.point == label).collect();
            let n = these.len().max(1) as f64;
            let share = |s: RunStatus| these.iter().filter(|r| r.status == s).count() as f64 / n;
            let repaired: Vec<f64> =
                these.iter().filter(|r| r.status != RunStatus::Unrepaired).map(|r| r.changes as f64).collect();
            let coverage: Vec<f64> = these.iter().map(|r| r.covered as f64 / r.townships.max(1) as f64).collect();
            PointSummary {
                point: label.clone(),
                runs: these.len(),
                departures: these.iter().map(|r| r.departures as f64).sum::<f64>() / n,
                strict_share: share(RunStatus::Strict),
                best_effort_share: share(RunStatus::BestEffort),
                unrepaired_share: share(RunStatus::Unrepaired),
                changes_mean: repaired.iter().sum::<f64>() / repaired.len().max(1) as f64,
                changes_p95: percentile(&repaired, 0.95),
                coverage_mean: coverage.iter().sum::<f64>() / n,
                coverage_p5: percentile(&coverage, 0.05),
                seconds_mean: these.iter().map(|r| r.seconds).sum::<f64>() / n,
            }
        })
        .collect();
    let last = spec.points.last().map(|(l, _)| l.as_str()).unwrap_or("");
    let these: Vec<&Run> = runs.iter().filter(|r| r.point == last).collect();
    let n = these.len().max(1) as f64;
    let town_county: BTreeMap<&str, (&str, &str)> =
        inst.region.townships.iter().map(|t| (t.code.as_str(), (t.name.as_str(), t.county.as_str()))).collect();
    let mut lost: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_county: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for r in &these {
        for t in &r.uncovered {
            *lost.entry(t.as_str()).or_default() += 1;
        }
        let counties: std::collections::BTreeSet<&str> =
            r.uncovered.iter().filter_map(|t| town_county.get(t.as_str()).map(|x| x.1)).collect();
        for k in counties {
            per_county.entry(k).or_default()[2] += 1;
        }
        for k in &r.unled {
            per_county.entry(k.as_str()).or_default()[0] += 1;
        }
        for k in &r.unmixed {
            per_county.entry(k.as_str()).or_default()[1] += 1;
        }
    }
    let mut townships: Vec<TownshipRisk> = lost
        .iter()
        .map(|(&t, &count)| {
            let (name, county) = town_county.get(t).copied().unwrap_or(("", ""));
            TownshipRisk { township: t.into(), name: name.into(), county: county.into(), share: count as f64 / n }
        })
        .collect();
    townships.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.township.cmp(&b.township)));
    let mut groups: Vec<GroupRisk> = fragility(inst, plan)
        .into_iter()
        .map(|f| {
            let c = per_county.get(f.county.as_str()).copied().unwrap_or_default();
            GroupRisk {
                unled_share: c[0] as f64 / n,
                unmixed_share: c[1] as f64 / n,
                uncovered_share: c[2] as f64 / n,
                fragility: f,
            }
        })
        .collect();
    let risk = |g: &GroupRisk| g.unled_share + g.unmixed_share + g.uncovered_share;
    let flags = |g: &GroupRisk| {
        let f = &g.fragility;
        [f.single_senior, f.single_upper, f.no_cover_slack, f.tight_h6].iter().filter(|&&b| b).count()
    };
    groups.sort_by(|a, b| {
        risk(b)
            .total_cmp(&risk(a))
            .then(flags(b).cmp(&flags(a)))
            .then_with(|| a.fragility.county.cmp(&b.fragility.county))
    });
    let before = unit_costs(plan);
    let units = before
        .iter()
        .map(|(unit, &was)| {
            let deltas: Vec<f64> = these
                .iter()
                .filter(|r| r.status != RunStatus::Unrepaired)
                .map(|r| r.unit_costs.get(unit).copied().unwrap_or(0.0) - was)
                .collect();
            UnitDrift {
                unit: unit.clone(),
                before: was,
                mean_delta: deltas.iter().sum::<f64>() / deltas.len().max(1) as f64,
                p95_delta: percentile(&deltas, 0.95),
            }
        })
        .collect();
    Summary { points, townships, groups, units, seed: spec.seed, successor_share: spec.successor_share }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The small fixture, for the unit tests of every module.
    pub(crate) fn small() -> Instance {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/small/instance.json");
        Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.95), 19.0);
        assert_eq!(percentile(&v, 0.05), 1.0);
        assert_eq!(percentile(&v, 1.0), 20.0);
        assert_eq!(percentile(&[3.0], 0.5), 3.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
