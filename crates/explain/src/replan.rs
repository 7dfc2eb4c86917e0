//! Re-planning as one call (PLANNING_RULES §7): apply the events, repair the plan,
//! re-verify it, and say what changed, for the CLI and the HTTP service alike.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use sanlian_check::{certify, CheckedPlan, Rules};
use sanlian_model::msg::Msg;
use sanlian_model::{Certificate, Event, Events, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::repair::{
    baselines, changes, pinned_county, pinned_differences, repair, repair_led, successor_problems, Baseline, Change,
};
use sanlian_solver::{Outcome, SolveError, SolveOptions};

use crate::render::{certificate_text, yuan, Lang, Names};

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
    /// Per group whose leader leaves: who could take over and what each choice costs.
    pub takeovers: Vec<TakeoverOptions>,
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
    let opts = ReplanOptions { mode, time_limit, repair_invalid, cancel: None, takeovers: None };
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
    /// When a group's leader leaves: how many takeover candidates to re-solve at most
    /// (`None`: [`DEFAULT_TAKEOVERS`]; 0: none).
    pub takeovers: Option<usize>,
}

/// How many takeover candidates a re-plan evaluates by default.
pub const DEFAULT_TAKEOVERS: usize = 5;

/// Who could lead a group whose leader leaves (the work plan: the successor carries on in
/// the group), each with the re-plan that makes it the leader from the event date.
#[derive(Debug, Clone, Serialize)]
pub struct TakeoverOptions {
    /// The group's county code.
    pub county: String,
    /// The group's county name.
    pub county_name: String,
    /// The leader who leaves.
    pub leaver: String,
    /// Senior cadres (副处级以上) who serve on the date and may serve in the county (H2).
    pub eligible: usize,
    /// The candidates evaluated, best first: feasible ones by (changes, cost delta), then
    /// the others.
    pub options: Vec<Takeover>,
    /// Of `eligible`, those at work in another group before the date: H1 keeps them there,
    /// which is why a strict repair's certificate may count fewer seniors for the county.
    pub at_work_elsewhere: usize,
    /// Eligible cadres not evaluated (beyond the bound on re-solves).
    pub not_evaluated: usize,
}

/// Whether a takeover can be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TakeoverStatus {
    /// The re-plan with this leader exists and passes the checker.
    Feasible,
    /// No valid re-plan has this leader (see `reason`).
    Infeasible,
    /// The re-solve did not finish (time limit, cancel, solver error: see `reason`).
    Unsolved,
}

/// One takeover candidate.
#[derive(Debug, Clone, Serialize)]
pub struct Takeover {
    /// Cadre id.
    pub cadre: String,
    /// Cadre name.
    pub name: String,
    /// Its group in the plan in force (county code), if any.
    pub current_county: Option<String>,
    /// That county's name.
    pub current_county_name: Option<String>,
    /// Feasible or not.
    pub status: TakeoverStatus,
    /// Why not: the rule that blocks it (H1 for a cadre at work in another group), or the
    /// repair's certificates.
    pub reason: Option<String>,
    /// The certificates that rule the option out (for their words in the reader's language).
    #[serde(skip)]
    pub certificates: Vec<Certificate>,
    /// The blocking group, when the reason is H1 (county code).
    pub blocked_by_group: Option<String>,
    /// That county's name.
    pub blocked_by_group_name: Option<String>,
    /// Changed decisions after the date of the re-plan with this leader.
    pub changes: usize,
    /// Travel + stay of that re-plan minus the plan in force, yuan.
    pub cost_delta: f64,
    /// The same per dispatching unit (units whose cost moves by half a yuan or more).
    pub unit_deltas: Vec<UnitDelta>,
    /// The repair shown picked this cadre as the group's leader.
    pub chosen: bool,
    /// The cadre is at work in another group before the date and moves: the option is the
    /// re-plan of the events with the leaver replaced by this cadre (its record, as id
    /// `leads_as`) and the cadre leaving its own group on the date. `changes` counts as §7
    /// does for a successor, against the leaver's decisions; the move itself is this flag.
    pub moves: bool,
    /// The id that leads the group in the option's plan (the cadre's own, or for a move
    /// the successor record's).
    pub leads_as: String,
    /// The option's plan, checked (not serialised: the service keeps only the shown plan).
    #[serde(skip)]
    pub plan: Option<CheckedPlan>,
    /// The instance the option's plan belongs to (for a move: the events with the move).
    #[serde(skip)]
    pub instance: Option<Instance>,
}

impl Takeover {
    /// The option in a few words: name, id, current group, changes and cost, or why not.
    pub fn text(&self, lang: Lang, names: &Names) -> String {
        let at = self.current_county_name.clone().or(self.current_county.clone()).unwrap_or_else(|| "—".into());
        let msg = |code: &str| Msg::new(code).arg("name", &self.name).arg("id", &self.cadre).arg("at", &at);
        match self.status {
            TakeoverStatus::Feasible => msg(if self.moves { "replan.takeover_move" } else { "replan.takeover_option" })
                .arg("changes", self.changes)
                .arg("cost", signed(self.cost_delta))
                .text(lang),
            TakeoverStatus::Infeasible => {
                let why = match &self.blocked_by_group {
                    Some(code) => Msg::new("replan.takeover_h1")
                        .arg("county", self.blocked_by_group_name.as_deref().unwrap_or(code))
                        .text(lang),
                    // The first certificate says it; the field keeps them all.
                    None => match self.certificates.first() {
                        Some(c) => certificate_text(c, lang, names),
                        None => self.reason.as_deref().unwrap_or("").split("; ").next().unwrap_or("").to_string(),
                    },
                };
                msg("replan.takeover_blocked").arg("why", why).text(lang)
            }
            TakeoverStatus::Unsolved => {
                msg("replan.takeover_unsolved").arg("why", self.reason.clone().unwrap_or_default()).text(lang)
            }
        }
    }
}

/// A dispatching unit's cost delta.
#[derive(Debug, Clone, Serialize)]
pub struct UnitDelta {
    /// Unit name.
    pub unit: String,
    /// Travel + stay delta, yuan.
    pub delta: f64,
}

/// [`reassign`] with every option.
pub fn reassign_with(inst: &Instance, old: &Plan, events: &Events, o: &ReplanOptions) -> Result<Replan, ReplanError> {
    // The time limit bounds the whole re-plan, its checks of the inputs included.
    let started = std::time::Instant::now();
    let report = sanlian_check::check(inst, old).map_err(|e| ReplanError::Instance(e.to_string()))?;
    let mismatch: Vec<String> = report.mismatches();
    if !mismatch.is_empty() {
        return Err(ReplanError::Mismatch(mismatch));
    }
    let base_violations: Vec<String> = report.rule_violations().iter().map(|v| v.to_string()).collect();
    if !base_violations.is_empty() && !o.repair_invalid {
        return Err(ReplanError::InvalidBase(base_violations));
    }
    replan(inst, old, base_violations, events, o, started)
}

/// A chain of re-plans, month by month as a planner learns of events: the plan in force and the
/// instance it belongs to, held together. The plan it starts from is checked at the first step,
/// as [`reassign_with`] checks it; every later plan is one the chain itself made and the checker
/// certified for the instance beside it, so it is not checked again — and, the two being
/// private, never against another instance.
#[derive(Debug, Clone)]
pub struct Chain {
    instance: Instance,
    base: Base,
}

#[derive(Debug, Clone)]
enum Base {
    Given(Box<Plan>),
    Made(Box<CheckedPlan>),
}

impl Chain {
    /// A chain from `plan` of `inst`.
    pub fn new(inst: Instance, plan: Plan) -> Chain {
        Chain { instance: inst, base: Base::Given(Box::new(plan)) }
    }

    /// Re-plan the plan in force after `events`. When the answer has a plan (the repair, or the
    /// best-effort offer), the chain moves on to it and to the instance with the events applied.
    pub fn step(&mut self, events: &Events, o: &ReplanOptions) -> Result<Replan, ReplanError> {
        let r = match &self.base {
            Base::Given(plan) => reassign_with(&self.instance, plan, events, o)?,
            Base::Made(plan) => replan(&self.instance, plan.plan(), Vec::new(), events, o, std::time::Instant::now())?,
        };
        if let Some(next) = r.plan.as_ref().or(r.best_effort.as_ref()) {
            self.base = Base::Made(Box::new(next.clone()));
            self.instance = r.instance.clone();
        }
        Ok(r)
    }

    /// The instance of the plan in force.
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// The plan in force.
    pub fn plan(&self) -> &Plan {
        match &self.base {
            Base::Given(plan) => plan,
            Base::Made(plan) => plan.plan(),
        }
    }

    /// The instance and the plan in force.
    pub fn into_parts(self) -> (Instance, Plan) {
        match self.base {
            Base::Given(plan) => (self.instance, *plan),
            Base::Made(plan) => (self.instance, plan.into_plan()),
        }
    }
}

/// The re-plan of a base plan whose check found `base_violations` (none, or a repair of an
/// invalid plan that `o.repair_invalid` asks for).
fn replan(
    inst: &Instance,
    old: &Plan,
    base_violations: Vec<String>,
    events: &Events,
    o: &ReplanOptions,
    started: std::time::Instant,
) -> Result<Replan, ReplanError> {
    let (mode, time_limit, repair_invalid) = (o.mode, o.time_limit, o.repair_invalid);
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
            let offer = SolveOptions { mode: PlanMode::BestEffort, ..opts.clone() };
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
    let limit = o.takeovers.unwrap_or(DEFAULT_TAKEOVERS);
    let mut takeovers = Vec::new();
    // Only a leave: a replacement names its successor, who carries on as leader.
    for leaver in applied.leavers.iter().filter(|l| leave_event(events, l).is_some()) {
        let Some(group) = old.groups.iter().find(|g| g.leader.as_deref() == Some(leaver.as_str())) else { continue };
        let Some(&k) = next.county_index.get(group.county.as_str()) else { continue };
        let mut pool: Vec<usize> = (0..next.n_cadres())
            .filter(|&c| {
                let cadre = &next.inst.cadres[c];
                cadre.senior && &cadre.id != leaver && next.serves_on(c, pin_date) && next.is_eligible(c, k)
            })
            .collect();
        // A cheap proxy first: members of the group, then cadres the repair may still place,
        // then the rest; within each, same city, then road distance to the county seat.
        let rank = |c: usize| {
            let at = pinned_county(&next, pin_date, &base, c);
            let tier = match at {
                Some(a) if a == k => 0,
                None => 1,
                Some(_) => 2,
            };
            let city = next.inst.cadres[c].home_city.as_deref() != Some(group.city.as_str());
            (tier, city, (next.road_km(c, k) * 1000.0) as u64, c)
        };
        pool.sort_by_key(|&c| rank(c));
        let eligible = pool.len();
        let at_work_elsewhere = pool.iter().filter(|&&c| rank(c).0 == 2).count();
        let chosen =
            shown.and_then(|p| p.groups.iter().find(|g| g.county == group.county)).and_then(|g| g.leader.clone());
        let mut options: Vec<Takeover> = pool
            .iter()
            .take(limit)
            .map(|&c| {
                let opts = opts.clone();
                let moved = leave_event(events, leaver).map(|date| Move {
                    inst,
                    events,
                    leaver: leaver.as_str(),
                    date,
                    time_limit: remaining(time_limit, started),
                });
                takeover(&next, old, pin_date, &base, &opts, k, c, &accept, chosen.as_deref(), moved)
            })
            .collect::<Result<_, _>>()?;
        options.sort_by(|a, b| {
            let key = |t: &Takeover| (t.status != TakeoverStatus::Feasible, t.changes);
            key(a).cmp(&key(b)).then(a.cost_delta.total_cmp(&b.cost_delta))
        });
        takeovers.push(TakeoverOptions {
            county: group.county.clone(),
            county_name: group.county_name.clone(),
            leaver: leaver.clone(),
            eligible,
            at_work_elsewhere,
            not_evaluated: eligible - options.len(),
            options,
        });
    }
    Ok(Replan {
        takeovers,
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

/// The re-plan with cadre `c` leading county `k` from `date`, as a takeover option.
#[allow(clippy::too_many_arguments)]
fn takeover(
    next: &Prepared,
    old: &Plan,
    date: NaiveDate,
    base: &[Option<Baseline>],
    opts: &SolveOptions,
    k: usize,
    c: usize,
    accept: &dyn Fn(Plan) -> Result<CheckedPlan, ReplanError>,
    chosen: Option<&str>,
    moved: Option<Move>,
) -> Result<Takeover, ReplanError> {
    let cadre = &next.inst.cadres[c];
    let current = old.assignments.iter().find(|a| a.cadre == cadre.id).map(|a| a.county.clone());
    let county_name = |code: &str| next.county_index.get(code).map(|&i| next.inst.region.counties[i].name.clone());
    let mut t = Takeover {
        cadre: cadre.id.clone(),
        name: cadre.name.clone(),
        current_county_name: current.as_deref().and_then(county_name),
        current_county: current,
        status: TakeoverStatus::Infeasible,
        reason: None,
        certificates: Vec::new(),
        blocked_by_group: None,
        blocked_by_group_name: None,
        changes: 0,
        cost_delta: 0.0,
        unit_deltas: Vec::new(),
        chosen: chosen == Some(cadre.id.as_str()),
        moves: false,
        leads_as: cadre.id.clone(),
        plan: None,
        instance: None,
    };
    if let Some(at) = pinned_county(next, date, base, c).filter(|&at| at != k) {
        let county = &next.inst.region.counties[at];
        t.blocked_by_group = Some(county.code.clone());
        t.blocked_by_group_name = Some(county.name.clone());
        t.moves = true;
        let Some(mv) = moved.as_ref() else {
            t.reason = Some(format!(
                "H1: already at work in the group of {} ({}) before {date}; a cadre belongs to one group for the whole plan",
                county.name, county.code
            ));
            return Ok(t);
        };
        let Some(events) = mv.events(&cadre.id) else {
            t.reason = Some(format!("H1: {} is not in the roster of the plan in force", cadre.id));
            return Ok(t);
        };
        t.leads_as = mv.successor_id(&cadre.id);
        let o = ReplanOptions {
            mode: opts.mode,
            time_limit: mv.time_limit,
            repair_invalid: false,
            cancel: opts.cancel.clone(),
            takeovers: Some(0),
        };
        match reassign_with(mv.inst, old, &events, &o) {
            Ok(r) => match r.plan {
                Some(p) => {
                    t.status = TakeoverStatus::Feasible;
                    t.blocked_by_group = None;
                    t.changes = r.changes.len();
                    let total = |p: &Plan| p.costs.travel + p.costs.stay;
                    t.cost_delta = total(p.plan()) - total(old);
                    t.unit_deltas = unit_deltas(old, p.plan());
                    t.chosen = false;
                    t.plan = Some(p);
                    t.instance = Some(r.instance);
                }
                None => {
                    t.blocked_by_group = None;
                    t.reason = Some(r.certificates.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join("; "));
                    t.certificates = r.certificates.clone();
                }
            },
            Err(e @ ReplanError::Solve(SolveError::Cancelled { .. })) => return Err(e),
            Err(ReplanError::Solve(SolveError::Impossible(certs))) => {
                t.blocked_by_group = None;
                t.reason = Some(certs.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join("; "));
                t.certificates = certs;
            }
            Err(ReplanError::Solve(e)) => {
                t.status = TakeoverStatus::Unsolved;
                t.reason = Some(e.to_string());
            }
            Err(e) => {
                t.blocked_by_group = None;
                t.reason = Some(e.to_string());
            }
        }
        return Ok(t);
    }
    let outcome = match repair_led(next, date, base, opts, Some((k, c))) {
        Ok(s) => s.outcome,
        Err(SolveError::Impossible(certs)) => Outcome::Infeasible(certs),
        Err(e @ SolveError::Cancelled { .. }) => return Err(e.into()),
        Err(e) => {
            t.status = TakeoverStatus::Unsolved;
            t.reason = Some(e.to_string());
            return Ok(t);
        }
    };
    match outcome {
        Outcome::Planned(plan) => {
            let checked = accept(*plan)?;
            let new = checked.plan();
            t.status = TakeoverStatus::Feasible;
            t.changes = changes(next, date, base, new).len();
            let total = |p: &Plan| p.costs.travel + p.costs.stay;
            t.cost_delta = total(new) - total(old);
            t.unit_deltas = unit_deltas(old, new);
            t.plan = Some(checked);
            t.instance = Some(next.inst.clone());
        }
        Outcome::Infeasible(certs) => {
            t.reason = Some(certs.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join("; "));
            t.certificates = certs;
        }
    }
    Ok(t)
}

/// A takeover by a cadre at work in another group: the leaver's leave event becomes a
/// replacement by that cadre's record, and the cadre leaves its own group on the date.
struct Move<'a> {
    inst: &'a Instance,
    events: &'a Events,
    leaver: &'a str,
    date: NaiveDate,
    time_limit: Option<f64>,
}

impl Move<'_> {
    /// The id of the candidate's record as the leaver's successor.
    fn successor_id(&self, id: &str) -> String {
        format!("{id}@{}", self.leaver)
    }

    /// The events with the move, or `None` if the candidate is not in the instance.
    fn events(&self, id: &str) -> Option<Events> {
        let mut successor = self.inst.cadres.iter().find(|c| c.id == id)?.clone();
        successor.id = self.successor_id(id);
        successor.from = None;
        successor.until = None;
        successor.previous_county = None;
        let mut out: Vec<Event> = self
            .events
            .events
            .iter()
            .filter(|e| !matches!(e, Event::Leave { cadre, .. } if cadre == self.leaver))
            .cloned()
            .collect();
        out.push(Event::Replace { date: self.date, cadre: self.leaver.to_string(), successor });
        out.push(Event::Leave { date: self.date, cadre: id.to_string() });
        Some(Events { events: out })
    }
}

/// The date of the leave event of `id`, if one.
fn leave_event(events: &Events, id: &str) -> Option<NaiveDate> {
    events.events.iter().find_map(|e| match e {
        Event::Leave { date, cadre } if cadre == id => Some(*date),
        _ => None,
    })
}

/// What is left of a time limit.
fn remaining(limit: Option<f64>, started: std::time::Instant) -> Option<f64> {
    limit.map(|l| (l - started.elapsed().as_secs_f64()).max(0.001))
}

/// Per dispatching unit: travel + stay of `new` minus `old`, where it moves by half a yuan or more.
fn unit_deltas(old: &Plan, new: &Plan) -> Vec<UnitDelta> {
    let mut per: BTreeMap<&str, f64> = BTreeMap::new();
    for u in &new.costs.units {
        *per.entry(u.unit.as_str()).or_default() += u.travel + u.stay;
    }
    for u in &old.costs.units {
        *per.entry(u.unit.as_str()).or_default() -= u.travel + u.stay;
    }
    per.into_iter()
        .filter(|(_, d)| d.abs() >= 0.5)
        .map(|(unit, delta)| UnitDelta { unit: unit.into(), delta })
        .collect()
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
    /// Per group whose leader leaves: who could take over and what each choice costs.
    pub takeovers: Vec<TakeoverOptions>,
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
            takeovers: self.takeovers.clone(),
        }
    }

    /// The change list per person, the cost delta per unit and the stages, for a planner.
    pub fn report(&self, old: &Plan, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let Some(new) = self.shown() else {
            let mut s = String::from(if zh { "无法修复。\n" } else { "No repair could be made.\n" });
            for line in self.takeover_lines(lang) {
                let _ = writeln!(s, "{line}");
            }
            return s;
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
            let name = sanlian_model::msg::stage_name(&st.id, &st.name, lang);
            let _ = writeln!(s, "  {:<3} {name} = {:.2} ({gap} {:.1e})", st.id, st.objective, st.gap);
        }
        if !new.shortfalls.is_empty() {
            let n = new.shortfalls.len();
            let _ = if zh {
                writeln!(s, "尽力模式未达目标（{n} 项）：")
            } else {
                writeln!(s, "Best-effort shortfalls ({n}):")
            };
            for f in &new.shortfalls {
                let _ = match (&f.msg, zh) {
                    (Some(m), true) => writeln!(s, "  {}（{}）", m.text(lang), f.rule),
                    (Some(m), false) => writeln!(s, "  [{}] {}: {}", f.rule, f.subject, m.text(lang)),
                    (None, _) => writeln!(s, "  [{}] {}: {}", f.rule, f.subject, f.reason),
                };
            }
        }
        for line in self.takeover_lines(lang) {
            let _ = writeln!(s, "{line}");
        }
        s
    }

    /// Per group whose leader leaves, in words: who could take over and what each choice
    /// changes and costs, which one the repair took, and how many were not evaluated.
    pub fn takeover_lines(&self, lang: Lang) -> Vec<String> {
        let sep = if lang == Lang::Zh { "；" } else { "; " };
        let names = Names::of(&self.instance);
        let mut out = Vec::new();
        for g in &self.takeovers {
            let county = g.county_name.as_str();
            if g.eligible == 0 {
                out.push(Msg::new("replan.takeover_none").arg("county", county).arg("leaver", &g.leaver).text(lang));
                continue;
            }
            let head = Msg::new("replan.takeover_head").arg("county", county).arg("leaver", &g.leaver).text(lang);
            let mut parts: Vec<String> = g.options.iter().map(|t| t.text(lang, &names)).collect();
            if g.not_evaluated > 0 {
                parts.push(Msg::new("replan.takeover_rest").arg("n", g.not_evaluated).text(lang));
            }
            out.push(format!("{head}{}", parts.join(sep)));
            if g.at_work_elsewhere > 0 {
                out.push(
                    Msg::new("replan.takeover_eligible")
                        .arg("eligible", g.eligible)
                        .arg("elsewhere", g.at_work_elsewhere)
                        .arg("free", g.eligible - g.at_work_elsewhere)
                        .text(lang),
                );
            }
            if let Some(t) = g.options.iter().find(|t| t.chosen) {
                out.push(Msg::new("replan.takeover_chosen").arg("name", &t.name).arg("id", &t.cadre).text(lang));
            }
        }
        out
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
