//! Re-planning after changes during the plan (PLANNING_RULES §7).
//!
//! The instance is the one the events produced (`sanlian_model::Events::apply`): leavers
//! serve until their date, joiners and successors from theirs. Every decision before the
//! earliest event date D is pinned: a block month that started before D, the township and
//! weekday of a year whose window started before D, and so the group of every cadre with
//! such a decision (H1: one group for the whole plan). A successor carries on in its
//! predecessor's group. Then, stage by stage:
//!
//! | stage | what | model |
//! |---|---|---|
//! | R1 | fewest group changes (weighted 2 per free year: the group and its township) | S1 model, plain, with the cadres who may move |
//! | S1 | least S1 with R1 held | the same model |
//! | R2 | pinned townships kept; fewest changed townships; then S2 | per county, like S2 |
//! | R3 | started months kept; fewest (cadre, year) with changed later months; then S3a | like S3a |
//! | — | weekdays: all kept (H10 allows any), new cadres on their group's least-used day | — |
//!
//! Changes are counted once per cadre, year and kind of decision; a successor is measured
//! against its predecessor's decisions; a joiner's decisions are new, not changes; a
//! leaver's lost decisions are the event, not changes. The stages are lexicographic in
//! this order: where groups are pinned (any event inside the plan) R1 has nothing to
//! decide and the total of changes is minimal; for events before the plan starts, group
//! moves are minimised before township changes.

use chrono::{NaiveDate, Weekday};
use serde::Serialize;

use sanlian_model::cost::month_days;
use sanlian_model::{Plan, PlanMode, Prepared};

use crate::groups::{self, Goal, S1Outcome};
use crate::milp::Direction;
use crate::{
    assemble, certificate, months, townships, Formulation, Outcome, Solution, SolveError, SolveOptions, Stager,
};

/// A cadre's decisions in the plan being repaired (its own, or its predecessor's).
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// County index.
    pub county: usize,
    /// Township index per plan year.
    pub town: [Option<usize>; 2],
    /// Block months per plan year.
    pub months: [Vec<u32>; 2],
    /// Weekday.
    pub weekday: Option<Weekday>,
    /// Whether these are a predecessor's decisions (the cadre is a successor).
    pub successor: bool,
}

/// What re-planning pins and what it measures changes against, in instance indices.
pub(crate) struct Pins {
    pub date: NaiveDate,
    pub town_fixed: Vec<[Option<usize>; 2]>,
    pub town_base: Vec<[Option<usize>; 2]>,
    pub months_base: Vec<[Option<Vec<u32>>; 2]>,
    pub months_pinned: Vec<bool>,
    pub weekday: Vec<Option<Weekday>>,
}

/// The baselines of the cadres of `prep` from the plan being repaired: `ids[c]` names the
/// cadre of `old` whose decisions cadre `c` inherits (itself, or its predecessor).
pub fn baselines(prep: &Prepared, old: &Plan, ids: &[Option<String>]) -> Vec<Option<Baseline>> {
    (0..prep.n_cadres())
        .map(|c| {
            let id = ids.get(c)?.as_deref()?;
            let (county, town, months, weekday) =
                read_assignment(prep, old.assignments.iter().find(|a| a.cadre == id)?)?;
            let weekday = weekday[0].or(weekday[1]);
            Some(Baseline { county, town, months, weekday, successor: id != prep.inst.cadres[c].id })
        })
        .collect()
}

/// One cadre's decisions in a plan, in instance indices: county, and per plan year the
/// township, block months and weekday. `None` if the county is not one of the instance.
type Decisions = (usize, [Option<usize>; 2], [Vec<u32>; 2], [Option<Weekday>; 2]);

fn read_assignment(prep: &Prepared, a: &sanlian_model::CadreAssignment) -> Option<Decisions> {
    let county = *prep.county_index.get(a.county.as_str())?;
    let mut town = [None, None];
    let mut months = [Vec::new(), Vec::new()];
    let mut weekday = [None, None];
    for ya in &a.years {
        let y = (ya.year - prep.inst.first_year) as usize;
        if y > 1 {
            continue;
        }
        town[y] = prep.township_index.get(ya.township.as_str()).copied();
        months[y] =
            ya.blocks.iter().filter_map(|b| sanlian_model::validate::parse_month(&b.month).map(|(_, m)| m)).collect();
        weekday[y] = ya.weekday;
    }
    Some((county, town, months, weekday))
}

fn started(prep: &Prepared, date: NaiveDate, y: usize) -> bool {
    month_days(prep.inst.year(y), prep.inst.parameters.window_first_month).0 < date
}

/// Successors who may not serve in their predecessor's county (H2), as messages.
pub fn successor_problems(prep: &Prepared, base: &[Option<Baseline>]) -> Vec<String> {
    (0..prep.n_cadres())
        .filter_map(|c| {
            let b = base[c].as_ref().filter(|b| b.successor)?;
            (!prep.is_eligible(c, b.county)).then(|| {
                let county = &prep.inst.region.counties[b.county];
                format!(
                    "successor {} ({}) may not serve in {} ({}), its predecessor's group (H2: {} level)",
                    prep.inst.cadres[c].name,
                    prep.inst.cadres[c].id,
                    county.name,
                    county.code,
                    prep.inst.cadres[c].level.id()
                )
            })
        })
        .collect()
}

/// Repair a plan after events dated from `date` on, keeping what came before.
pub fn repair(
    prep: &Prepared,
    date: NaiveDate,
    base: &[Option<Baseline>],
    opts: &SolveOptions,
) -> Result<Solution, SolveError> {
    let mut stager = Stager::new(opts);
    let n = prep.n_cadres();
    let started = [started(prep, date, 0), started(prep, date, 1)];
    let mut restricted = prep.clone();
    let mut pins = Pins {
        date,
        town_fixed: vec![[None, None]; n],
        town_base: vec![[None, None]; n],
        months_base: vec![[None, None]; n],
        months_pinned: vec![false; n],
        weekday: vec![None; n],
    };
    for c in 0..n {
        let Some(b) = &base[c] else { continue };
        let pinned_group = b.successor || (0..2).any(|y| started[y] && prep.active(c, y));
        if pinned_group {
            restricted.eligible[c].retain(|&k| k == b.county);
        }
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            if started[y] && !b.successor {
                pins.town_fixed[c][y] = b.town[y];
            } else {
                pins.town_base[c][y] = b.town[y];
            }
            pins.months_base[c][y] = Some(b.months[y].clone());
        }
        pins.months_pinned[c] = !b.successor;
        pins.weekday[c] = b.weekday;
    }
    let mut hard = certificate::find(&restricted, opts.mode);
    for cert in &mut hard {
        cert.message = format!("with every cadre already at work kept in its group (H1), {}", cert.message);
    }
    if !hard.is_empty() {
        return match opts.mode {
            PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(hard), models: stager.models }),
            PlanMode::BestEffort => Err(SolveError::Impossible(hard)),
        };
    }
    let moves = |model: &groups::Model, classes: &[groups::Class]| -> Vec<Goal> {
        let mut terms = Vec::new();
        for (q, class) in classes.iter().enumerate() {
            let c = class.members[0];
            let Some(b) = &base[c] else { continue };
            let free_years = (0..2).filter(|&y| !started[y] && prep.active(c, y)).count() as f64;
            terms.extend(model.n[q].iter().filter(|&&(k, _)| k != b.county).map(|&(_, v)| (v, 2.0 * free_years)));
        }
        vec![("R1", "min group changes after the date (2 per free year: group and township)", Direction::Min, terms)]
    };
    // H7 on what remains: townships covered by pinned assignments are covered; each cadre
    // gives the years whose township is still open.
    let mut credit_sets = vec![std::collections::BTreeSet::new(); prep.n_counties()];
    for c in 0..n {
        for y in 0..2 {
            if let (Some(t), Some(b)) = (pins.town_fixed[c][y], &base[c]) {
                credit_sets[b.county].insert(t);
            }
        }
    }
    let cover = groups::CoverTweaks {
        credit: credit_sets.iter().map(|s| s.len() as f64).collect(),
        years: (0..n)
            .map(|c| (0..2).filter(|&y| prep.active(c, y) && pins.town_fixed[c][y].is_none()).count() as f64)
            .collect(),
    };
    let groups = match groups::solve_with(&restricted, Formulation::Plain, opts.mode, &mut stager, &moves, Some(&cover))
    {
        S1Outcome::Solved(g) => g,
        S1Outcome::Infeasible => {
            let joint = certificate::joint(&restricted);
            return match opts.mode {
                PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(vec![joint]), models: stager.models }),
                PlanMode::BestEffort => Err(SolveError::Impossible(vec![joint])),
            };
        }
        S1Outcome::NoSolution(stage) => return Err(SolveError::TimeLimit { stage }),
    };
    let towns = townships::solve_pinned(&restricted, &groups, opts.mode, &mut stager, Some(&pins))
        .map_err(|stage| SolveError::TimeLimit { stage })?;
    let months = months::solve_months_pinned(&restricted, &groups, &mut stager, Some(&pins))
        .map_err(|_| SolveError::TimeLimit { stage: "R3" })?;
    let weekdays = months::keep_weekdays(&restricted, &groups, &pins);
    let plan = assemble::plan(prep, opts.mode, &groups, &towns, &months, &weekdays, stager.reports, stager.start);
    Ok(Solution { outcome: Outcome::Planned(Box::new(plan)), models: stager.models })
}

/// One changed decision after the date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Cadre id.
    pub cadre: String,
    /// "group", "township", "months" or "weekday".
    pub kind: String,
    /// Calendar year.
    pub year: i32,
    /// Before (county or township code, months, weekday).
    pub from: String,
    /// After.
    pub to: String,
}

fn town_code(prep: &Prepared, t: Option<usize>) -> String {
    t.map(|i| prep.inst.region.townships[i].code.clone()).unwrap_or_else(|| "—".into())
}

/// The plan's decisions per cadre of the instance.
fn decisions(prep: &Prepared, plan: &Plan) -> Vec<Option<Decisions>> {
    let mut out = vec![None; prep.n_cadres()];
    for a in &plan.assignments {
        if let Some(&c) = prep.cadre_index.get(a.cadre.as_str()) {
            out[c] = read_assignment(prep, a);
        }
    }
    out
}

/// Changed decisions after `date` of `plan` against the baselines, counted per cadre,
/// year and kind (§7). Cadres who serve nothing after the date (leavers) are left out.
pub fn changes(prep: &Prepared, date: NaiveDate, base: &[Option<Baseline>], plan: &Plan) -> Vec<Change> {
    let now = decisions(prep, plan);
    let started = [started(prep, date, 0), started(prep, date, 1)];
    let mut out = Vec::new();
    for c in 0..prep.n_cadres() {
        let (Some(b), Some((k, town, months, weekday))) = (&base[c], &now[c]) else { continue };
        let id = &prep.inst.cadres[c].id;
        for y in 0..2 {
            let later = |mm: &u32| month_days(prep.inst.year(y), *mm).0 >= date;
            let serves_later = prep.inst.parameters.window_months().any(|mm| later(&mm) && prep.serves_month(c, y, mm));
            if !prep.active(c, y) || !serves_later {
                continue;
            }
            let year = prep.inst.year(y);
            let mut add = |kind: &str, from: String, to: String| {
                out.push(Change { cadre: id.clone(), kind: kind.into(), year, from, to });
            };
            if !started[y] && *k != b.county {
                add(
                    "group",
                    prep.inst.region.counties[b.county].code.clone(),
                    prep.inst.region.counties[*k].code.clone(),
                );
            }
            if (!started[y] || b.successor) && town[y] != b.town[y] {
                add("township", town_code(prep, b.town[y]), town_code(prep, town[y]));
            }
            let show = |ms: &[u32]| {
                let mut v: Vec<u32> = ms.iter().copied().filter(later).collect();
                v.sort_unstable();
                v.iter().map(|m| format!("{year}-{m:02}")).collect::<Vec<_>>().join(" ")
            };
            if show(&b.months[y]) != show(&months[y]) {
                add("months", show(&b.months[y]), show(&months[y]));
            }
            if !started[y] && prep.has_weekday(c) && weekday[y] != b.weekday {
                let name = |d: Option<Weekday>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
                add("weekday", name(b.weekday), name(weekday[y]));
            }
        }
    }
    out
}

/// Pinned decisions of `plan` that differ from the baselines (should be none): groups of
/// cadres with a started year, townships and weekdays of started years, block months
/// that started before `date`.
pub fn pinned_differences(prep: &Prepared, date: NaiveDate, base: &[Option<Baseline>], plan: &Plan) -> Vec<String> {
    let now = decisions(prep, plan);
    let started = [started(prep, date, 0), started(prep, date, 1)];
    let mut out = Vec::new();
    for c in 0..prep.n_cadres() {
        let (Some(b), Some((k, town, months, weekday))) = (&base[c], &now[c]) else { continue };
        if b.successor {
            continue;
        }
        let id = &prep.inst.cadres[c].id;
        for y in 0..2 {
            if !(started[y] && prep.active(c, y)) {
                continue;
            }
            if *k != b.county {
                out.push(format!("{id}: group changed although {} had started", prep.inst.year(y)));
            }
            if town[y] != b.town[y] {
                out.push(format!("{id}: township of {} changed although it had started", prep.inst.year(y)));
            }
            if prep.has_weekday(c) && weekday[y] != b.weekday {
                out.push(format!("{id}: weekday of {} changed although it had started", prep.inst.year(y)));
            }
        }
        for y in 0..2 {
            let before = |ms: &[u32]| -> Vec<u32> {
                let mut v: Vec<u32> =
                    ms.iter().copied().filter(|&m| month_days(prep.inst.year(y), m).0 < date).collect();
                v.sort_unstable();
                v
            };
            if before(&b.months[y]) != before(&months[y]) {
                out.push(format!("{id}: block months before {date} changed in {}", prep.inst.year(y)));
            }
        }
    }
    out
}
