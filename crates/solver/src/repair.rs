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

use crate::groups;
use crate::milp::MilpStatus;
use crate::{assemble, certificate, months, townships, Outcome, Solution, SolveError, SolveOptions, Stager};

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
    let by_id: std::collections::HashMap<&str, &sanlian_model::CadreAssignment> =
        old.assignments.iter().rev().map(|a| (a.cadre.as_str(), a)).collect();
    (0..prep.n_cadres())
        .map(|c| {
            let id = ids.get(c)?.as_deref()?;
            let (county, town, months, weekday) = read_assignment(prep, by_id.get(id)?)?;
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

/// Repair a plan after events, keeping every decision before `date` (pass the plan's
/// start, [`Prepared::plan_start`], to pin nothing: an explicit repair of the whole plan).
///
/// Among valid repaired plans it minimises first the changed decisions after the date —
/// group and township per cadre and year (stage R1, over every cadre's placement, joiners'
/// and successors' included), and block months per cadre and year (R3, which no other
/// decision constrains) — then S1, then S2 (R2) and S3a (R3). Best-effort goals B1–B3 come
/// before R1.
pub fn repair(
    prep: &Prepared,
    date: NaiveDate,
    base: &[Option<Baseline>],
    opts: &SolveOptions,
) -> Result<Solution, SolveError> {
    repair_led(prep, date, base, opts, None)
}

/// [`repair`] with one more fixing constraint: `lead = (county, cadre)` puts the cadre in
/// that county's group and makes it the group's leader from `date` (a takeover, when the
/// leader leaves). The objective is the repair's own: fewest changes, then S1. The cadre
/// should be senior and serve on `date`; if its group is pinned elsewhere or H2 forbids the
/// county, the placement is infeasible and the answer is the repair's certificate.
pub fn repair_led(
    prep: &Prepared,
    date: NaiveDate,
    base: &[Option<Baseline>],
    opts: &SolveOptions,
    lead: Option<(usize, usize)>,
) -> Result<Solution, SolveError> {
    let mut stager = Stager::new(opts);
    let mut setup = Setup::new(prep, date, base);
    if let Some((k, c)) = lead {
        setup.restricted.eligible[c].retain(|&e| e == k);
    }
    // The single-rule certificates are proofs of infeasibility, so a placement that exists
    // has none: they are looked for only when there is none, and given before the joint one.
    let Some(county_of) = placement::solve(prep, &setup, base, opts.mode, &mut stager)? else {
        let mut certs = setup.certificates(prep, opts.mode);
        if certs.is_empty() {
            certs.push(certificate::joint(&setup.restricted));
        }
        return match opts.mode {
            PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(certs), models: stager.models }),
            PlanMode::BestEffort => Err(SolveError::Impossible(certs)),
        };
    };
    let (leader, former_leaders) = groups::choose_leaders_preferring(prep, &county_of, lead.map(|(_, c)| (c, date)));
    let groups = groups::Groups { county_of, leader, former_leaders };
    let towns = townships::solve_pinned(&setup.restricted, &groups, opts.mode, &mut stager, Some(&setup.pins))?;
    let months = match months::solve_months_pinned(&setup.restricted, &groups, &mut stager, Some(&setup.pins)) {
        Ok(m) => m,
        Err(MilpStatus::Infeasible) => {
            let mut certs = certificate::block_months_pinned(prep, Some(&setup.pinned));
            certs.extend(certificate::department_caps_pinned(prep, Some(&setup.pinned)));
            if certs.is_empty() {
                certs.push(certificate::joint(&setup.restricted));
            }
            return match opts.mode {
                PlanMode::Strict => Ok(Solution { outcome: Outcome::Infeasible(certs), models: stager.models }),
                PlanMode::BestEffort => Err(SolveError::Impossible(certs)),
            };
        }
        Err(status) => return Err(SolveError::from_status("R3", &status)),
    };
    let weekdays = months::keep_weekdays(&setup.restricted, &groups, &setup.pins);
    let plan = assemble::plan(prep, opts.mode, &groups, &towns, &months, &weekdays, stager.reports, stager.start);
    Ok(Solution { outcome: Outcome::Planned(Box::new(plan)), models: stager.models })
}

/// What re-planning fixes and what it measures against, in instance indices.
pub(crate) struct Setup<'a> {
    /// The instance with each cadre whose group is pinned eligible only there.
    pub(crate) restricted: Prepared<'a>,
    pub(crate) pins: Pins,
    /// The pinned decisions as the certificates count them.
    pub(crate) pinned: certificate::Pinned,
    /// Per cadre: its group is decided by the repair (no year of it has started).
    pub(crate) free: Vec<bool>,
    /// Per cadre: the county whose townships it may keep (its pinned or baseline county).
    pub(crate) home: Vec<Option<usize>>,
    /// Per township: covered by a pinned assignment.
    pub(crate) covered: Vec<bool>,
}

impl<'a> Setup<'a> {
    fn new(prep: &Prepared<'a>, date: NaiveDate, base: &[Option<Baseline>]) -> Setup<'a> {
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
        let mut free = vec![true; n];
        let mut home = vec![None; n];
        for c in 0..n {
            let Some(b) = &base[c] else { continue };
            let pinned_group = b.successor || (0..2).any(|y| started[y] && prep.active(c, y));
            if pinned_group {
                restricted.eligible[c].retain(|&k| k == b.county);
                free[c] = false;
            }
            if prep.is_eligible(c, b.county) {
                home[c] = Some(b.county);
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
        let mut covered = vec![false; prep.inst.region.townships.len()];
        for ys in &pins.town_fixed {
            for t in ys.iter().flatten() {
                covered[*t] = true;
            }
        }
        let mut credit = vec![0u64; prep.n_counties()];
        for (k, towns) in prep.townships_of.iter().enumerate() {
            credit[k] = towns.iter().filter(|&&t| covered[t]).count() as u64;
        }
        let month_started = |y: usize, m: u32| month_days(prep.inst.year(y), m).0 < date;
        let pinned = certificate::Pinned {
            date,
            credit,
            free_years: (0..n)
                .map(|c| (0..2).filter(|&y| prep.active(c, y) && pins.town_fixed[c][y].is_none()).count() as u64)
                .collect(),
            fixed_on: (0..n)
                .map(|c| {
                    [0, 1].map(|y| match (&pins.months_base[c][y], pins.months_pinned[c]) {
                        (Some(ms), true) => ms.iter().filter(|&&m| month_started(y, m)).count() as u32,
                        _ => 0,
                    })
                })
                .collect(),
            frozen: pins.months_pinned.clone(),
        };
        Setup { restricted, pins, pinned, free, home, covered }
    }

    /// Every single-rule obstacle, counted with the pinned decisions: cadres at work keep
    /// their groups, pinned townships stay covered, started months stay as they were.
    fn certificates(&self, prep: &Prepared, mode: PlanMode) -> Vec<sanlian_model::Certificate> {
        let mut out = Vec::new();
        if mode == PlanMode::Strict {
            out.extend(certificate::coverage_pinned(&self.restricted, Some(&self.pinned)));
            out.extend(certificate::senior_leaders(&self.restricted));
            out.extend(certificate::upper_members(&self.restricted));
        }
        out.extend(certificate::township_load(&self.restricted));
        out.extend(certificate::no_room(&self.restricted));
        for cert in &mut out {
            cert.message = format!("with every cadre already at work kept in its group (H1), {}", cert.message);
        }
        out.extend(certificate::block_months_pinned(prep, Some(&self.pinned)));
        out.extend(certificate::department_caps_pinned(prep, Some(&self.pinned)));
        out
    }
}

/// Stage R1 and S1 of re-planning: every cadre's group and (as counts) township at once.
///
/// One model per set of counties that free cadres link (union of their eligible counties):
///
/// - `x[c,k]` ∈ {0,1}: free cadre c (no year of it has started: a joiner, or a cadre whose
///   first year is still to come) joins county k; `H1_assign[c]` Σ_k x[c,k] = 1.
/// - `t[c,y,i]` ∈ {0,1}: cadre c covers township i of its home county (pinned, or its
///   baseline county) in year y, for each year whose township is not pinned;
///   `H5_one[c,y]` Σ_i t[c,y,i] = x[c,home] (1 when pinned); `H5_distinct[c,i]`.
/// - `w[k,p,y,i]` ∈ ℕ: cadres of service pattern p (years and months served) who join k
///   from elsewhere and cover township i in year y: `W_one[k,p,y]` Σ_i w = Σ x (newcomers
///   of p), and `W_distinct[k,p,i]` w[·,1,i] + w[·,2,i] ≤ Σ x, which is exactly when the
///   newcomers can be given two different townships (Hall); newcomers of one pattern are
///   interchangeable for H5–H7, and which township they take changes nothing counted.
/// - `H6_load[i,YYYY-MM]`, `H7_cover[i]` (townships pinned before the date are covered),
///   `H3_senior_member[k,day]`, `H4_mixed[k,day]` on every stretch.
/// - R1: changes = Σ over free years of a cadre with a baseline of (1 − x[c,base county])
///   + (1 − t[c,y,base township]); then S1: Σ coefficient · x.
mod placement {
    use std::collections::BTreeMap;

    use rayon::prelude::*;
    use sanlian_model::{PlanMode, Prepared, Proof};

    use super::{Baseline, Setup};
    use crate::milp::{DatedRow, Direction, Goal, Milp, MilpResult, MilpStatus, Var};
    use crate::{stage_report, SolveError, StageFigures, Stager};

    /// A service pattern: per plan year, active, and the window months served (bit m).
    type Pattern = [(bool, u16); 2];

    /// A component's model with its goals, in the order they are optimised.
    struct Component {
        milp: Milp,
        x: Vec<(usize, usize, Var)>,
        goals: Vec<Goal>,
    }

    /// Solve R1 (and B1–B3 before it in best-effort) and S1; `None` when infeasible.
    pub(super) fn solve(
        prep: &Prepared,
        setup: &Setup,
        base: &[Option<Baseline>],
        mode: PlanMode,
        stager: &mut Stager,
    ) -> Result<Option<Vec<usize>>, SolveError> {
        let start = std::time::Instant::now();
        let comps = components(prep, setup);
        let index = Index::new(prep, setup);
        // A component whose baseline holds every rule keeps it, without a model.
        let kept: Vec<Option<Vec<f64>>> = comps
            .iter()
            .map(|ks| (!stager.captures()).then(|| baseline_holds(prep, setup, &index, mode, ks)).flatten())
            .collect();
        let models: Vec<Component> = comps
            .iter()
            .zip(&kept)
            .filter(|(_, k)| k.is_none())
            .map(|(ks, _)| build(prep, setup, &index, base, mode, ks))
            .collect();
        for (i, cm) in models.iter().enumerate() {
            stager.capture(format!("R1_{}", i + 1), &cm.milp);
        }
        if stager.cancelled() {
            return Err(SolveError::Cancelled { stage: "R1" });
        }
        let settings = stager.settings(1, 1.0);
        let solved: Vec<Result<Solved, MilpStatus>> =
            models.into_par_iter().map(|cm| lexicographic(cm, &settings)).collect();
        // Every cadre at home unless a model places it (pinned cadres have one county).
        let mut county_of: Vec<usize> = (0..prep.n_cadres()).map(|c| setup.home[c].unwrap_or(usize::MAX)).collect();
        for c in 0..prep.n_cadres() {
            if !setup.free[c] {
                county_of[c] = setup.restricted.eligible[c][0];
            }
        }
        let mut values: Vec<f64> = Vec::new();
        for goal_values in kept.iter().flatten() {
            if values.is_empty() {
                values = vec![0.0; goal_values.len()];
            }
            for (v, g) in values.iter_mut().zip(goal_values) {
                *v += g;
            }
        }
        let (mut rows, mut cols, mut limited) = (0, 0, false);
        for r in solved {
            let (goal_values, last, x) = match r {
                Ok(v) => v,
                Err(MilpStatus::Infeasible) => return Ok(None),
                Err(status) => return Err(SolveError::from_status("R1", &status)),
            };
            if values.is_empty() {
                values = vec![0.0; goal_values.len()];
            }
            for (v, g) in values.iter_mut().zip(&goal_values) {
                *v += g;
            }
            rows += last.rows;
            cols += last.cols;
            limited |= last.status == MilpStatus::Limit;
            for &(c, k, v) in &x {
                if last.int(v) == 1 {
                    county_of[c] = k;
                }
            }
        }
        if county_of.contains(&usize::MAX) {
            return Err(SolveError::Solver { stage: "R1", message: "a cadre was placed in no group".into() });
        }
        let ids: Vec<&str> = if mode == PlanMode::BestEffort { vec!["B1", "B2", "B3", "R1"] } else { vec!["R1"] };
        let names = [
            ("B1", "H7 goal: townships covered"),
            ("B2", "H3 goal: groups led by a senior cadre"),
            ("B3", "H4 goal: groups with mixed composition"),
            ("R1", "min changed groups and townships after the date (per cadre and year)"),
        ];
        let pinned_covered = setup.covered.iter().filter(|&&c| c).count() as f64;
        // Each goal's value summed over the components; the solver's word (the rows of R1
        // depend on the plan repaired, which the checker does not see).
        let mut record = |id: &str, name: &str, sense: &str, value: f64, unit: f64, terms| {
            let figures = StageFigures {
                objective: value,
                bound: value,
                unit,
                limited,
                rows,
                cols,
                models: comps.len() - kept.iter().flatten().count(),
                seconds: start.elapsed().as_secs_f64(),
                proof: Proof::Solver,
                parts: Vec::new(),
            };
            stager.record(stage_report(id, name, sense, figures, terms));
        };
        for (i, id) in ids.iter().enumerate() {
            let name = names.iter().find(|(n, _)| n == id).map_or("", |(_, w)| w);
            let value = values.get(i).copied().unwrap_or(0.0).round() + if *id == "B1" { pinned_covered } else { 0.0 };
            let sense = if *id == "R1" { "min" } else { "max" };
            let terms = if *id == "R1" { BTreeMap::from([("changes".to_string(), value)]) } else { BTreeMap::new() };
            record(id, name, sense, value, 1.0, terms);
        }
        let terms = crate::groups::s1_terms(prep, &county_of);
        let objective = terms["travel"] + terms["preference_penalty"] - terms["continuity_bonus"];
        record(
            "S1",
            "min travel cost + preference penalty − continuity bonus (with R1 held)",
            "min",
            objective,
            0.01,
            terms,
        );
        Ok(Some(county_of))
    }

    /// R1 for a component without a model, when the answer is the baseline: every cadre is
    /// pinned to its county or free with a home county it may join, every member has a
    /// pinned or baseline township for each active year, and together they hold the rows of
    /// [`build`] in strict form (H5 with the locks, H6 in every month, H7, H3 and H4 on every
    /// stretch). Then R1 is 0 only there (and in best effort B1–B3 are at their bounds), so
    /// the model's optimum is the baseline. Its goal values, or `None`.
    fn baseline_holds(
        prep: &Prepared,
        setup: &Setup,
        index: &Index,
        mode: PlanMode,
        counties: &[usize],
    ) -> Option<Vec<f64>> {
        let p = &prep.inst.parameters;
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut s1 = 0.0;
        for &k in counties {
            for &c in &index.by_first[k] {
                let home = setup.home[c]?;
                if !setup.restricted.eligible[c].contains(&home) {
                    return None;
                }
                s1 += prep.s1_coefficient(c, home);
                members.entry(home).or_default().push(c);
            }
        }
        let mut open_towns = 0.0;
        for &k in counties {
            let here = members.get(&k).map(Vec::as_slice).unwrap_or(&[]);
            let towns = &prep.townships_of[k];
            let at = crate::townships::baseline_townships(prep, k, here, &setup.pins)?;
            for &i in towns {
                if !setup.covered[i] {
                    open_towns += 1.0;
                    if !at.iter().any(|&(_, _, t)| t == i) {
                        return None;
                    }
                }
            }
            for day in prep.stretch_starts(here.iter().copied()) {
                let serving = || here.iter().filter(|&&c| prep.serves_on(c, day));
                if !serving().any(|&c| prep.inst.cadres[c].senior && !prep.locks.bars_lead(c, k)) {
                    return None;
                }
                if serving().filter(|&&c| prep.inst.cadres[c].level.is_upper()).count() < p.min_upper_per_group as usize
                {
                    return None;
                }
            }
        }
        let groups = counties.len() as f64;
        Some(match mode {
            PlanMode::Strict => vec![0.0, s1],
            PlanMode::BestEffort => vec![open_towns, groups, groups, 0.0, s1],
        })
    }

    /// A solved component: each goal's value, the last solve, and the placement variables.
    type Solved = (Vec<f64>, MilpResult, Vec<(usize, usize, Var)>);

    /// Optimise a component's goals in order, holding each.
    fn lexicographic(mut cm: Component, settings: &crate::milp::MilpSettings) -> Result<Solved, MilpStatus> {
        let goals = std::mem::take(&mut cm.goals);
        // S1's unit is a fen.
        let (values, last) = cm.milp.solve_goals(&goals, settings, 0.01)?;
        Ok((values, last, cm.x))
    }

    /// Who is where, read once for all the components.
    struct Index {
        /// Cadres by the first county they may join (a pinned cadre's only one).
        by_first: Vec<Vec<usize>>,
        /// Per township and year: the cadres whose township that year is pinned there.
        fixed_at: Vec<[Vec<usize>; 2]>,
        /// Per county: the cadres whose home county (pinned or baseline) it is.
        homed_in: Vec<Vec<usize>>,
    }

    impl Index {
        fn new(prep: &Prepared, setup: &Setup) -> Index {
            let mut index = Index {
                by_first: vec![Vec::new(); prep.n_counties()],
                fixed_at: vec![[Vec::new(), Vec::new()]; prep.inst.region.townships.len()],
                homed_in: vec![Vec::new(); prep.n_counties()],
            };
            for c in 0..prep.n_cadres() {
                if let Some(&k) = setup.restricted.eligible[c].first() {
                    index.by_first[k].push(c);
                }
                for y in 0..2 {
                    if let Some(t) = setup.pins.town_fixed[c][y] {
                        index.fixed_at[t][y].push(c);
                    }
                }
                if let Some(h) = setup.home[c] {
                    index.homed_in[h].push(c);
                }
            }
            index
        }
    }

    /// County sets linked by the eligibility of free cadres (union–find), each sorted.
    fn components(prep: &Prepared, setup: &Setup) -> Vec<Vec<usize>> {
        let nk = prep.n_counties();
        let mut parent: Vec<usize> = (0..nk).collect();
        fn root(parent: &mut [usize], mut k: usize) -> usize {
            while parent[k] != k {
                parent[k] = parent[parent[k]];
                k = parent[k];
            }
            k
        }
        for c in 0..prep.n_cadres() {
            if setup.free[c] {
                let e = &setup.restricted.eligible[c];
                for w in e.windows(2) {
                    let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for k in 0..nk {
            let r = root(&mut parent, k);
            by_root.entry(r).or_default().push(k);
        }
        by_root.into_values().collect()
    }

    /// A cadre's service pattern: years active and the window months served in each.
    fn pattern(prep: &Prepared, c: usize) -> Pattern {
        [0, 1].map(|y| {
            let months = prep
                .inst
                .parameters
                .window_months()
                .filter(|&m| prep.serves_month(c, y, m))
                .fold(0u16, |mask, m| mask | (1 << m));
            (prep.active(c, y), months)
        })
    }

    fn build(
        prep: &Prepared,
        setup: &Setup,
        index: &Index,
        base: &[Option<Baseline>],
        mode: PlanMode,
        counties: &[usize],
    ) -> Component {
        let p = &prep.inst.parameters;
        let best_effort = mode == PlanMode::BestEffort;
        let cap = p.max_cadres_per_township_year as f64;
        let id = |c: usize| prep.inst.cadres[c].id.as_str();
        let code = |k: usize| prep.inst.region.counties[k].code.as_str();
        let tcode = |i: usize| prep.inst.region.townships[i].code.as_str();
        let mut m = Milp::new(format!("R1 placement {}", code(counties[0])), Direction::Min);
        let mut x = Vec::new();
        // Members of each county: pinned (constant) and free (x variable).
        let mut pinned_in: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut free_in: BTreeMap<usize, Vec<(usize, Var)>> = BTreeMap::new();
        let mut x_of: BTreeMap<(usize, usize), Var> = BTreeMap::new();
        let mut changes: Vec<(Var, f64)> = Vec::new();
        let mut changes_const = 0.0;
        let mut s1: Vec<(Var, f64)> = Vec::new();
        let mut s1_const = 0.0;
        let mut cadres: Vec<usize> = counties.iter().flat_map(|&k| index.by_first[k].iter().copied()).collect();
        cadres.sort_unstable();
        for c in cadres {
            let eligible = &setup.restricted.eligible[c];
            if !setup.free[c] {
                let k = eligible[0];
                pinned_in.entry(k).or_default().push(c);
                s1_const += prep.s1_coefficient(c, k);
                continue;
            }
            let mut row = Vec::new();
            for &k in eligible {
                let v = m.binary(format!("x[{},{}]", id(c), code(k)), 0.0);
                let coef = prep.s1_coefficient(c, k);
                s1.push((v, coef));
                x.push((c, k, v));
                x_of.insert((c, k), v);
                free_in.entry(k).or_default().push((c, v));
                row.push((v, 1.0));
            }
            m.row(format!("H1_assign[{}]", id(c)), row, 1.0, 1.0);
            if let (Some(b), Some(h)) = (&base[c], setup.home[c]) {
                let years = (0..2).filter(|&y| prep.active(c, y)).count() as f64;
                if b.county == h {
                    // A takeover (`repair_led`) may leave the home county out of reach:
                    // then the group change is certain.
                    if let Some(&v) = x_of.get(&(c, h)) {
                        changes.push((v, -years));
                    }
                    changes_const += years;
                }
            }
        }
        // Newcomers of each pattern per county: free cadres whose home is elsewhere.
        let mut newcomers: BTreeMap<(usize, Pattern), Vec<Var>> = BTreeMap::new();
        for (&k, members) in &free_in {
            for &(c, v) in members {
                if setup.home[c] != Some(k) {
                    newcomers.entry((k, pattern(prep, c))).or_default().push(v);
                }
            }
        }
        let mut cover_vars = Vec::new();
        let mut senior_vars = Vec::new();
        let mut mixed_vars = Vec::new();
        for &k in counties {
            let towns = &prep.townships_of[k];
            let several = towns.len() >= 2;
            // Per township and year: (cadre or pattern, var) terms that may cover it.
            let mut t_terms: Vec<[Vec<(usize, Var)>; 2]> = vec![[Vec::new(), Vec::new()]; towns.len()];
            let mut w_terms: Vec<[Vec<(Pattern, Var)>; 2]> = vec![[Vec::new(), Vec::new()]; towns.len()];
            let homed = &index.homed_in[k];
            for &c in homed {
                let linked = if setup.free[c] { x_of.get(&(c, k)).map(|&v| (v, 1.0)) } else { None };
                if setup.free[c] && linked.is_none() {
                    continue;
                }
                if !setup.free[c] && setup.restricted.eligible[c] != [k] {
                    continue;
                }
                let mut per_year: [Vec<(usize, Var)>; 2] = [Vec::new(), Vec::new()];
                for y in 0..2 {
                    if !prep.active(c, y) || setup.pins.town_fixed[c][y].is_some() {
                        continue;
                    }
                    let other = setup.pins.town_fixed[c][1 - y];
                    let locked = prep.locks.township[c][y];
                    let barred = &prep.locks.not_township[c][y];
                    for (j, &i) in towns.iter().enumerate() {
                        if (several && other == Some(i)) || locked.is_some_and(|l| l != i) || barred.contains(&i) {
                            continue;
                        }
                        let v = m.binary(format!("t[{},y{},{}]", id(c), y + 1, tcode(i)), 0.0);
                        per_year[y].push((i, v));
                        t_terms[j][y].push((c, v));
                    }
                    let mut row: Vec<(Var, f64)> = per_year[y].iter().map(|&(_, v)| (v, 1.0)).collect();
                    let (lb, ub) = match linked {
                        Some((xv, _)) => {
                            row.push((xv, -1.0));
                            (0.0, 0.0)
                        }
                        None => (1.0, 1.0),
                    };
                    m.row(format!("H5_one[{},y{}]", id(c), y + 1), row, lb, ub);
                    let base_town = setup.pins.town_base[c][y];
                    if let Some(&(_, v)) = per_year[y].iter().find(|(i, _)| Some(*i) == base_town) {
                        changes.push((v, -1.0));
                    }
                    if base_town.is_some() {
                        changes_const += 1.0;
                    }
                }
                if several {
                    for &(i, v1) in &per_year[0] {
                        if let Some(&(_, v2)) = per_year[1].iter().find(|(i2, _)| *i2 == i) {
                            m.row(
                                format!("H5_distinct[{},{}]", id(c), tcode(i)),
                                [(v1, 1.0), (v2, 1.0)],
                                f64::NEG_INFINITY,
                                1.0,
                            );
                        }
                    }
                }
            }
            for ((kk, pat), vars) in newcomers.range((k, [(false, 0), (false, 0)])..) {
                if *kk != k {
                    break;
                }
                let count: Vec<(Var, f64)> = vars.iter().map(|&v| (v, -1.0)).collect();
                let tag = format!("{},{}", code(k), pattern_tag(pat));
                let mut by_year: [Vec<(usize, Var)>; 2] = [Vec::new(), Vec::new()];
                for y in 0..2 {
                    if !pat[y].0 {
                        continue;
                    }
                    let mut row = count.clone();
                    for (j, &i) in towns.iter().enumerate() {
                        let v = m.col(format!("w[{tag},y{},{}]", y + 1, tcode(i)), 0.0, vars.len() as f64, true, 0.0);
                        row.push((v, 1.0));
                        by_year[y].push((i, v));
                        w_terms[j][y].push((*pat, v));
                    }
                    m.row(format!("W_one[{tag},y{}]", y + 1), row, 0.0, 0.0);
                }
                if several && pat[0].0 && pat[1].0 {
                    for (&(i, v1), &(_, v2)) in by_year[0].iter().zip(&by_year[1]) {
                        let mut row = count.clone();
                        row.extend([(v1, 1.0), (v2, 1.0)]);
                        m.row(format!("W_distinct[{tag},{}]", tcode(i)), row, f64::NEG_INFINITY, 0.0);
                    }
                }
            }
            for (j, &i) in towns.iter().enumerate() {
                for y in 0..2 {
                    let fixed_serving = |month: u32| {
                        index.fixed_at[i][y].iter().filter(|&&c| prep.serves_month(c, y, month)).count() as f64
                    };
                    let mut rows_seen: Vec<(Vec<Var>, f64)> = Vec::new();
                    for month in p.window_months() {
                        let mut vars: Vec<(Var, f64)> = t_terms[j][y]
                            .iter()
                            .filter(|&&(c, _)| prep.serves_month(c, y, month))
                            .map(|&(_, v)| (v, 1.0))
                            .collect();
                        vars.extend(
                            w_terms[j][y]
                                .iter()
                                .filter(|(pat, _)| pat[y].1 & (1 << month) != 0)
                                .map(|&(_, v)| (v, 1.0)),
                        );
                        let fixed = fixed_serving(month);
                        let key: (Vec<Var>, f64) = (vars.iter().map(|&(v, _)| v).collect(), fixed);
                        if vars.is_empty() || rows_seen.contains(&key) {
                            continue;
                        }
                        rows_seen.push(key);
                        m.row(
                            format!("H6_load[{},{}-{month:02}]", tcode(i), prep.inst.year(y)),
                            vars,
                            f64::NEG_INFINITY,
                            cap - fixed,
                        );
                    }
                }
                if setup.covered[i] {
                    continue;
                }
                let all: Vec<(Var, f64)> = t_terms[j]
                    .iter()
                    .flatten()
                    .map(|&(_, v)| v)
                    .chain(w_terms[j].iter().flatten().map(|&(_, v)| v))
                    .map(|v| (v, 1.0))
                    .collect();
                if best_effort {
                    let cv = m.binary(format!("covered[{}]", tcode(i)), 0.0);
                    let mut row = vec![(cv, 1.0)];
                    row.extend(all.iter().map(|&(v, a)| (v, -a)));
                    m.row(format!("B1_cover[{}]", tcode(i)), row, f64::NEG_INFINITY, 0.0);
                    cover_vars.push((cv, 1.0));
                } else {
                    m.row(format!("H7_cover[{}]", tcode(i)), all, 1.0, f64::INFINITY);
                }
            }
            // H3 and H4 on every stretch of the plan.
            let pinned_here = pinned_in.get(&k).map(Vec::as_slice).unwrap_or(&[]);
            let free_here = free_in.get(&k).map(Vec::as_slice).unwrap_or(&[]);
            let min_upper = p.min_upper_per_group as f64;
            let mut senior_rows: Vec<DatedRow> = Vec::new();
            let mut upper_rows: Vec<DatedRow> = Vec::new();
            let members = pinned_here.iter().copied().chain(free_here.iter().map(|&(c, _)| c));
            for day in prep.stretch_starts(members) {
                for (rows, counts) in [
                    (
                        &mut senior_rows,
                        &(|c: usize| prep.inst.cadres[c].senior && !prep.locks.bars_lead(c, k))
                            as &dyn Fn(usize) -> bool,
                    ),
                    (&mut upper_rows, &|c: usize| prep.inst.cadres[c].level.is_upper()),
                ] {
                    let fixed = pinned_here.iter().filter(|&&c| counts(c) && prep.serves_on(c, day)).count() as f64;
                    let terms: Vec<(Var, f64)> = free_here
                        .iter()
                        .filter(|&&(c, _)| counts(c) && prep.serves_on(c, day))
                        .map(|&(_, v)| (v, 1.0))
                        .collect();
                    if !rows.iter().any(|(_, t, f)| *t == terms && *f == fixed) {
                        rows.push((day, terms, fixed));
                    }
                }
            }
            if best_effort {
                let sv = m.binary(format!("senior[{}]", code(k)), 0.0);
                for (day, terms, fixed) in &senior_rows {
                    let mut row = vec![(sv, 1.0)];
                    row.extend(terms.iter().map(|&(v, a)| (v, -a)));
                    m.row(format!("B2_senior[{},{day}]", code(k)), row, f64::NEG_INFINITY, *fixed);
                }
                senior_vars.push((sv, 1.0));
                let mv = m.binary(format!("mixed[{}]", code(k)), 0.0);
                for (day, terms, fixed) in &upper_rows {
                    let mut row = vec![(mv, min_upper)];
                    row.extend(terms.iter().map(|&(v, a)| (v, -a)));
                    m.row(format!("B3_mixed[{},{day}]", code(k)), row, f64::NEG_INFINITY, *fixed);
                }
                mixed_vars.push((mv, 1.0));
            } else {
                for (day, terms, fixed) in senior_rows {
                    m.row(format!("H3_senior_member[{},{day}]", code(k)), terms, 1.0 - fixed, f64::INFINITY);
                }
                if min_upper > 0.0 {
                    for (day, terms, fixed) in upper_rows {
                        m.row(format!("H4_mixed[{},{day}]", code(k)), terms, min_upper - fixed, f64::INFINITY);
                    }
                }
            }
        }
        let mut goals = Vec::new();
        if best_effort {
            goals.push(("B1", Direction::Max, cover_vars, 0.0));
            goals.push(("B2", Direction::Max, senior_vars, 0.0));
            goals.push(("B3", Direction::Max, mixed_vars, 0.0));
        }
        goals.push(("R1", Direction::Min, changes, changes_const));
        goals.push(("S1", Direction::Min, s1, s1_const));
        Component { milp: m, x, goals }
    }

    /// A short tag of a service pattern for row names: years and first/last months served.
    fn pattern_tag(pat: &Pattern) -> String {
        let year = |(active, mask): (bool, u16)| {
            if !active {
                return "-".to_string();
            }
            let first = mask.trailing_zeros();
            let last = 15 - mask.leading_zeros();
            format!("{first}-{last}")
        };
        format!("p{}/{}", year(pat[0]), year(pat[1]))
    }
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

/// The county a cadre's group is pinned to by re-planning from `date`: the baseline county
/// of a successor, or of a cadre with a plan year already started (H1: one group for the
/// whole plan); `None` when the repair may still place it.
pub fn pinned_county(prep: &Prepared, date: NaiveDate, base: &[Option<Baseline>], c: usize) -> Option<usize> {
    let b = base.get(c)?.as_ref()?;
    (b.successor || (0..2).any(|y| started(prep, date, y) && prep.active(c, y))).then_some(b.county)
}
