//! Re-planning as one call (PLANNING_RULES §7): apply the events, repair the plan,
//! re-verify it, and say what changed, for the CLI and the HTTP service alike.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use sanlian_check::{certify, CheckedPlan, Rules};
use sanlian_model::{Certificate, Events, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::repair::{baselines, changes, pinned_differences, repair, successor_problems, Baseline, Change};
use sanlian_solver::{Outcome, SolveError, SolveOptions};

use crate::render::{yuan, Lang};

/// Why a re-plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReplanError {
    /// The instance itself is invalid.
    #[error("{0}")]
    Instance(String),
    /// The plan does not belong to the instance.
    #[error("the plan does not belong to this instance:\n  {}", .0.join("\n  "))]
    Mismatch(Vec<String>),
    /// The plan in force breaks the rules (§7: it must be valid); `--repair-invalid` asks
    /// for an explicit repair instead.
    #[error("the plan in force is not valid, so it cannot be re-planned (PLANNING_RULES §7); its violations:\n  {}\nrepair it explicitly with --repair-invalid, which may change decisions before the date", .0.join("\n  "))]
    InvalidBase(Vec<String>),
    /// The events do not fit the instance (the message names `events[i]`).
    #[error("{0}")]
    Events(String),
    /// A solve failed (time limit, solver error).
    #[error("{0}")]
    Solve(#[from] SolveError),
    /// The repaired plan failed the checker: a defect, reported rather than written.
    #[error("internal error: the repaired plan fails its checks:\n{}", .0.join("\n"))]
    Rejected(Vec<String>),
}

/// The outcome of a re-plan.
#[derive(Debug, Clone)]
pub struct Replan {
    /// The instance with the events applied: the repaired plan belongs to it.
    pub instance: Instance,
    /// The earliest event date; every decision before it is kept (unless the repair is
    /// explicit: see `base_violations`).
    pub date: NaiveDate,
    /// Ids of the cadres who leave.
    pub leavers: Vec<String>,
    /// The repaired plan, accepted by the checker on `instance` (none when strict repair is
    /// impossible).
    pub plan: Option<CheckedPlan>,
    /// Why strict repair is impossible, counted with the pinned decisions.
    pub certificates: Vec<Certificate>,
    /// When strict repair is impossible: the best-effort repair, checked, for the planner to
    /// consider.
    pub best_effort: Option<CheckedPlan>,
    /// The changed decisions after the date (every decision, for an explicit repair), of
    /// `plan` (or of `best_effort`).
    pub changes: Vec<Change>,
    /// Ids of the cadres who join (no baseline).
    pub joiners: Vec<String>,
    /// An explicit repair (`repair_invalid`) of a plan that was not valid: its violations,
    /// which the repair had to change, the past included.
    pub base_violations: Vec<String>,
}

/// Apply `events` to `inst`, repair `old` from the earliest event date in `mode`, and
/// re-verify the result: valid on the new instance and unchanged before the date.
///
/// `old` must be a valid plan of `inst` (§7); with `repair_invalid` an invalid one is
/// repaired explicitly instead: nothing is pinned, the fewest decisions of the whole plan
/// change, and its violations are listed in [`Replan::base_violations`].
pub fn reassign(
    inst: &Instance,
    old: &Plan,
    events: &Events,
    mode: PlanMode,
    time_limit: Option<f64>,
    repair_invalid: bool,
) -> Result<Replan, ReplanError> {
    let opts = ReplanOptions { mode, time_limit, repair_invalid, cancel: None };
    reassign_with(inst, old, events, &opts)
}

/// How a re-plan runs.
#[derive(Debug, Clone, Default)]
pub struct ReplanOptions {
    /// Strict or best-effort repair.
    pub mode: PlanMode,
    /// Wall-clock limit of the whole re-plan, seconds.
    pub time_limit: Option<f64>,
    /// Repair a plan in force that breaks the rules explicitly (see [`reassign`]).
    pub repair_invalid: bool,
    /// Set to stop the re-plan at its next model.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// [`reassign`] with every option.
pub fn reassign_with(inst: &Instance, old: &Plan, events: &Events, o: &ReplanOptions) -> Result<Replan, ReplanError> {
    let (mode, time_limit, repair_invalid) = (o.mode, o.time_limit, o.repair_invalid);
    // The time limit bounds the whole re-plan, its checks of the inputs included.
    let started = std::time::Instant::now();
    let report = sanlian_check::check(inst, old).map_err(|e| ReplanError::Instance(e.to_string()))?;
    let mismatch: Vec<String> = report.mismatches();
    if !mismatch.is_empty() {
        return Err(ReplanError::Mismatch(mismatch));
    }
    let base_violations: Vec<String> = report.rule_violations().iter().map(|v| v.to_string()).collect();
    if !base_violations.is_empty() && !repair_invalid {
        return Err(ReplanError::InvalidBase(base_violations));
    }
    let applied = events.apply(inst, old).map_err(|e| ReplanError::Events(e.to_string()))?;
    let next = Prepared::new(&applied.instance).map_err(|e| ReplanError::Events(format!("after the events: {e}")))?;
    let rules = Rules::new(&applied.instance).map_err(|e| ReplanError::Events(format!("after the events: {e}")))?;
    let base = baselines(&next, old, &applied.baseline);
    let problems = successor_problems(&next, &base);
    if !problems.is_empty() {
        return Err(ReplanError::Events(problems.join("; ")));
    }
    // An explicit repair pins nothing: every decision may change, and every change counts.
    let pin_date = if repair_invalid && !base_violations.is_empty() { next.plan_start() } else { applied.date };
    let opts =
        SolveOptions { mode, time_limit, started: Some(started), cancel: o.cancel.clone(), ..SolveOptions::default() };
    let accept = |plan: Plan| -> Result<CheckedPlan, ReplanError> {
        let pinned = pinned_differences(&next, pin_date, &base, &plan);
        let checked = certify(&rules, plan)
            .map_err(|report| ReplanError::Rejected(report.violations.iter().map(|v| v.to_string()).collect()))?;
        if !pinned.is_empty() {
            return Err(ReplanError::Rejected(pinned));
        }
        Ok(checked)
    };
    let (plan, certificates, best_effort) = match repair(&next, pin_date, &base, &opts)?.outcome {
        Outcome::Planned(plan) => (Some(accept(*plan)?), Vec::new(), None),
        Outcome::Infeasible(certs) => {
            let offer = SolveOptions { mode: PlanMode::BestEffort, ..opts };
            let be = match repair(&next, pin_date, &base, &offer).map(|s| s.outcome) {
                Ok(Outcome::Planned(be)) => Some(accept(*be)?),
                _ => None,
            };
            (None, certs, be)
        }
    };
    let shown = plan.as_ref().or(best_effort.as_ref()).map(CheckedPlan::plan);
    let list = shown.map(|p| changes(&next, pin_date, &base, p)).unwrap_or_default();
    let joiners = joiners(&next, &base);
    Ok(Replan {
        date: applied.date,
        leavers: applied.leavers,
        plan,
        certificates,
        best_effort,
        changes: list,
        joiners,
        base_violations: if repair_invalid { base_violations } else { Vec::new() },
        instance: applied.instance,
    })
}

fn joiners(prep: &Prepared, base: &[Option<Baseline>]) -> Vec<String> {
    prep.inst.cadres.iter().zip(base).filter(|(_, b)| b.is_none()).map(|(c, _)| c.id.clone()).collect()
}

/// A re-plan in numbers, for programs: what the HTTP service returns beside the plans.
#[derive(Debug, Clone, Serialize)]
pub struct ReplanSummary {
    /// The earliest event date.
    pub date: NaiveDate,
    /// Leavers' ids.
    pub leavers: Vec<String>,
    /// Joiners' ids.
    pub joiners: Vec<String>,
    /// Changed decisions after the date.
    pub changes: Vec<Change>,
    /// Travel + stay of the old plan, yuan.
    pub cost_before: f64,
    /// Travel + stay of the shown plan, yuan.
    pub cost_after: f64,
}

impl Replan {
    /// The plan this re-plan shows: the repaired plan, or the best-effort offer.
    pub fn shown(&self) -> Option<&Plan> {
        self.plan.as_ref().or(self.best_effort.as_ref()).map(CheckedPlan::plan)
    }

    /// The numbers of this re-plan against the old plan.
    pub fn summary(&self, old: &Plan) -> ReplanSummary {
        let total = |p: &Plan| p.costs.travel + p.costs.stay;
        ReplanSummary {
            date: self.date,
            leavers: self.leavers.clone(),
            joiners: self.joiners.clone(),
            changes: self.changes.clone(),
            cost_before: total(old),
            cost_after: self.shown().map(total).unwrap_or(0.0),
        }
    }

    /// The change list per person, the cost delta per unit and the stages, for a planner.
    pub fn report(&self, old: &Plan, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let Some(new) = self.shown() else {
            return if zh { "无法修复。" } else { "No repair could be made." }.into();
        };
        let name_of =
            |id: &str| self.instance.cadres.iter().find(|c| c.id == id).map(|c| c.name.as_str()).unwrap_or("");
        let mut s = String::new();
        if !self.base_violations.is_empty() {
            let n = self.base_violations.len();
            let _ = if zh {
                writeln!(s, "显式修复：原方案有 {n} 处违规，修复时可改变生效日期之前的决定：")
            } else {
                writeln!(s, "Explicit repair: the plan in force had {n} violation(s), which the repair changed (the past included):")
            };
            for v in &self.base_violations {
                let _ = writeln!(s, "  {v}");
            }
        }
        let (date, n) = (self.date, self.changes.len());
        let _ = if zh {
            writeln!(s, "自 {date} 起重新规划：生效日期后改变的决定 {n} 项（§7：按干部和年度计的工作组、乡镇、驻点月份、工作日）")
        } else {
            writeln!(s, "Re-plan from {date}: {n} changed decision(s) after the date (§7: group, township, months, weekday per cadre and year)")
        };
        if !self.leavers.is_empty() {
            let _ = writeln!(s, "{}{}", if zh { "离岗：" } else { "Leaving: " }, self.leavers.join(" "));
        }
        let mut per: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
        for ch in &self.changes {
            per.entry(ch.cadre.as_str()).or_default().push(ch);
        }
        let dash = |v: &str| if v.is_empty() { "—".to_string() } else { v.to_string() };
        for (id, chs) in per {
            let _ = writeln!(s, "  {}（{id}）", name_of(id));
            for ch in chs {
                let kind = if zh { kind_zh(&ch.kind) } else { ch.kind.as_str() };
                let _ = writeln!(s, "    {} {kind}: {} → {}", ch.year, dash(&ch.from), dash(&ch.to));
            }
        }
        for id in &self.joiners {
            if let Some(a) = new.assignments.iter().find(|a| &a.cadre == id) {
                let towns: Vec<&str> = a.years.iter().map(|y| y.township.as_str()).collect();
                let _ = if zh {
                    writeln!(s, "  新到岗：{id} → 工作组 {}（{}）", a.county, towns.join("、"))
                } else {
                    writeln!(s, "  joins: {id} → group {} ({})", a.county, towns.join(", "))
                };
            }
        }
        let (t0, t1, st0, st1) = (old.costs.travel, new.costs.travel, old.costs.stay, new.costs.stay);
        let _ = if zh {
            writeln!(
                s,
                "费用：差旅 {} → {}（{}），食宿 {} → {}（{}）",
                yuan(t0),
                yuan(t1),
                signed(t1 - t0),
                yuan(st0),
                yuan(st1),
                signed(st1 - st0)
            )
        } else {
            writeln!(
                s,
                "Cost: travel {} → {} ({}), stay {} → {} ({})",
                yuan(t0),
                yuan(t1),
                signed(t1 - t0),
                yuan(st0),
                yuan(st1),
                signed(st1 - st0)
            )
        };
        let old_units: BTreeMap<&str, f64> =
            old.costs.units.iter().map(|u| (u.unit.as_str(), u.travel + u.stay)).collect();
        for u in &new.costs.units {
            let delta = u.travel + u.stay - old_units.get(u.unit.as_str()).copied().unwrap_or(0.0);
            if delta.abs() >= 0.5 {
                let _ = writeln!(s, "  {}: {}", u.unit, signed(delta));
            }
        }
        for st in &new.stages {
            let gap = if zh { "差距" } else { "gap" };
            let _ = writeln!(s, "  {:<3} {} = {:.2} ({gap} {:.1e})", st.id, st.name, st.objective, st.gap);
        }
        if !new.shortfalls.is_empty() {
            let n = new.shortfalls.len();
            let _ = if zh {
                writeln!(s, "尽力模式未达目标（{n} 项）：")
            } else {
                writeln!(s, "Best-effort shortfalls ({n}):")
            };
            for f in &new.shortfalls {
                let _ = writeln!(s, "  [{}] {}: {}", f.rule, f.subject, f.reason);
            }
        }
        s
    }
}

/// A change's kind in Chinese.
fn kind_zh(kind: &str) -> &str {
    match kind {
        "group" => "工作组",
        "township" => "乡镇",
        "months" => "驻点月份",
        "weekday" => "工作日",
        other => other,
    }
}

fn signed(v: f64) -> String {
    if v < 0.0 {
        format!("−{}", yuan(-v))
    } else {
        format!("+{}", yuan(v))
    }
}
