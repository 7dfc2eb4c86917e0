//! Stage S2: which township each cadre covers in each active year.
//!
//! With the groups fixed, counties are independent, so S2 is one small MILP
//! per county, solved in parallel (rayon, one HiGHS thread each). The stage's
//! objective and bound are the sums over counties.
//!
//! Per county k, with members M and townships T:
//! - t[c,y,i] ∈ {0,1}: cadre c covers township i in year y;
//! - H5_one[c,y]: Σ_i t[c,y,i] = 1;
//! - H5_distinct[c,i]: t[c,1,i] + t[c,2,i] ≤ 1 (both years active, |T| ≥ 2);
//! - H6_load[i,YYYY-MM]: Σ_c t[c,y,i] ≤ max_cadres_per_township_year over the cadres serving
//!   in that month (one row per distinct set, named after its first month; rows that
//!   cannot bind are left out);
//! - H7_cover[i]: Σ_{c,y} t[c,y,i] ≥ covered[i], with covered[i] = 1 (strict)
//!   or Σ_i covered[i] ≥ the county's B1 coverage (best-effort, B1_cover);
//! - S2_priority[i]: first[i] ≤ Σ_c t[c,1,i] for priority townships;
//! - maximise Σ match_value·|strengths ∩ needs|·t + priority_first_year_value·Σ first[i].
//!
//! Where nothing ties a member to a township (no pins, no township locks, whole service
//! years), the county's model counts interchangeable cadres and townships instead
//! ([`crate::town_classes`]): the same optimum on far fewer columns, its proof named after
//! the rows above.

use std::collections::BTreeMap;

use rayon::prelude::*;
use sanlian_model::{optimality, PlanMode, Prepared, Proof, StagePart};

use crate::groups::Groups;
use crate::milp::{Direction, Goal, Milp, MilpResult, MilpSettings, MilpStatus, Terms, Var};
use crate::repair::Pins;
use crate::town_classes::Classes;
use crate::{lp_proof, stage_report, Formulation, SolveError, StageFigures, Stager};

/// Township (index) per cadre and plan year; `None` for an inactive year.
pub type Townships = Vec<[Option<usize>; 2]>;

struct CountyModel {
    milp: Milp,
    /// (cadre, year, township, variable)
    t: Vec<(usize, usize, usize, Var)>,
    /// Re-planning: the objective as the goals it weighs, R2 (baseline townships kept) then
    /// S2; the weight of R2 outweighs all of S2, so their lexicographic optimum is the model's.
    goals: Option<[Goal; 2]>,
    /// On classes ([`crate::town_classes`]): `t` is empty, and this says which cadres and
    /// townships a solution's counts stand for.
    classes: Option<Classes>,
}

impl CountyModel {
    /// The optimum: proved by bounds when the baseline is kept and nothing is left to choose
    /// (most counties after a month's departures), by HiGHS otherwise.
    fn solve(&self, settings: &MilpSettings) -> MilpResult {
        self.goals
            .as_ref()
            .and_then(|goals| self.milp.optimum_by_bounds(goals))
            .map_or_else(|| self.milp.solve(settings), |(_, r)| r)
    }

    /// The (cadre, year, township) of a solution; `None` if the counts of a model on classes
    /// could not be spread (a defect: the rows promise they can).
    fn townships(&self, r: &MilpResult) -> Option<Vec<(usize, usize, usize)>> {
        match &self.classes {
            Some(classes) => classes.townships(r),
            None => Some(self.t.iter().filter(|&&(_, _, _, v)| r.int(v) == 1).map(|&(c, y, i, _)| (c, y, i)).collect()),
        }
    }

    /// How the bound of a solution is known: its LP duals named after the township model's
    /// rows, or the solver's word.
    fn proof(&self, r: &MilpResult) -> Proof {
        match (&self.classes, &r.duals) {
            (Some(classes), Some(d)) => Proof::LpDuals { duals: classes.named_duals(d) },
            _ => lp_proof(&self.milp, r),
        }
    }
}

/// R2 for county `k` without a model, when the answer is the baseline: every member has a
/// pinned or baseline township in the county for each active year, and together they hold
/// the county's rows (H5, H6 in every month, H7 or in best effort B1's target). Then R2's
/// goal, baseline townships kept, is at its bound only there: the model's optimum is the
/// baseline, whatever S2 says. `None` otherwise. The (cadre, year, township) of the baseline.
fn baseline_holds(
    prep: &Prepared,
    k: usize,
    members: &[usize],
    mode: PlanMode,
    pins: &Pins,
) -> Option<Vec<(usize, usize, usize)>> {
    let out = baseline_townships(prep, k, members, pins)?;
    let covered: std::collections::BTreeSet<usize> = out.iter().map(|&(_, _, i)| i).collect();
    let enough = match mode {
        PlanMode::Strict => covered.len() == prep.townships_of[k].len(),
        PlanMode::BestEffort => covered.len() >= best_effort_target(prep, k, members, Some(pins)),
    };
    enough.then_some(out)
}

/// The pinned or baseline township of each member of county `k` in each active year, when
/// every one has one in the county and together they hold H5 (with the locks) and H6 in
/// every month; `None` otherwise. (Coverage is the caller's: R1 and R2 count it apart.)
pub(crate) fn baseline_townships(
    prep: &Prepared,
    k: usize,
    members: &[usize],
    pins: &Pins,
) -> Option<Vec<(usize, usize, usize)>> {
    let p = &prep.inst.parameters;
    let towns = &prep.townships_of[k];
    let mut out = Vec::new();
    for &c in members {
        let mut years = [None, None];
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            let i = pins.town_fixed[c][y].or(pins.town_base[c][y]).filter(|i| towns.contains(i))?;
            let locked = prep.locks.township.get(c).and_then(|t| t[y]);
            let barred = prep.locks.not_township.get(c).is_some_and(|t| t[y].contains(&i));
            if locked.is_some_and(|l| l != i) || barred {
                return None;
            }
            years[y] = Some(i);
            out.push((c, y, i));
        }
        if towns.len() >= 2 && years[0].is_some() && years[0] == years[1] {
            return None;
        }
    }
    let cap = p.max_cadres_per_township_year as usize;
    for y in 0..2 {
        for month in p.window_months() {
            let mut load: BTreeMap<usize, usize> = BTreeMap::new();
            for &(c, yy, i) in &out {
                if yy == y && prep.serves_month(c, y, month) {
                    *load.entry(i).or_default() += 1;
                }
            }
            if load.values().any(|&n| n > cap) {
                return None;
            }
        }
    }
    Some(out)
}

/// Best-effort coverage target of county `k`: the townships pinned assignments cover, plus
/// one per open cadre-year, at most all of them (B1_cover).
pub(crate) fn best_effort_target(prep: &Prepared, k: usize, members: &[usize], pins: Option<&Pins>) -> usize {
    let mut pinned: Vec<usize> = Vec::new();
    let mut open = 0usize;
    for &c in members {
        for y in 0..2 {
            if prep.active(c, y) {
                match pins.and_then(|p| p.town_fixed[c][y]) {
                    Some(t) if !pinned.contains(&t) => pinned.push(t),
                    Some(_) => {}
                    None => open += 1,
                }
            }
        }
    }
    (pinned.len() + open).min(prep.townships_of[k].len())
}

/// County `k`'s S2 model: on classes of cadres and townships where they apply and `plain` is
/// not set (the plain formulation, or a model being kept: a kept model is the township model
/// its rows' names describe), else the township model.
fn build(
    prep: &Prepared,
    k: usize,
    members: &[usize],
    mode: PlanMode,
    pins: Option<&Pins>,
    plain: bool,
) -> CountyModel {
    if pins.is_none() && !plain {
        if let Some((milp, classes)) = crate::town_classes::build(prep, k, members, mode) {
            return CountyModel { milp, t: Vec::new(), goals: None, classes: Some(classes) };
        }
    }
    let p = &prep.inst.parameters;
    let code = &prep.inst.region.counties[k].code;
    let towns = &prep.townships_of[k];
    let ids = |c: usize| prep.inst.cadres[c].id.as_str();
    let tcode = |i: usize| prep.inst.region.townships[i].code.as_str();
    let mut m = Milp::new(format!("S2 townships {code}"), Direction::Max);
    let mut t = Vec::new();
    let (mut kept, mut s2): (Terms, Terms) = (Vec::new(), Vec::new());
    let mut by_town: Vec<[Vec<(usize, Var)>; 2]> = vec![[Vec::new(), Vec::new()]; towns.len()];
    // Re-planning: keeping a baseline township outweighs all of S2 (lexicographic).
    let keep_weight = pins.map(|_| {
        let best: f64 = members
            .iter()
            .map(|&c| {
                let top = towns.iter().map(|&i| prep.matches(c, i)).max().unwrap_or(0) as f64;
                p.match_value * top * prep.active_years(c) as f64
            })
            .sum();
        let priority = towns.iter().filter(|&&i| prep.inst.region.townships[i].priority).count() as f64;
        best + p.priority_first_year_value * priority + 1.0
    });
    for &c in members {
        let mut per_year: [Vec<(usize, Var)>; 2] = [Vec::new(), Vec::new()];
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            let fixed = pins.and_then(|p| p.town_fixed[c][y]).filter(|i| towns.contains(i));
            let base = pins.and_then(|p| p.town_base[c][y]);
            // P5 fixes the township, P6 bars some (a pin of the past and a lock that disagree
            // leave no column: the model is infeasible, and says which cadre).
            let locked = prep.locks.township.get(c).and_then(|t| t[y]);
            let barred = prep.locks.not_township.get(c).map(|t| t[y].as_slice()).unwrap_or(&[]);
            for (j, &i) in towns.iter().enumerate() {
                if fixed.is_some_and(|f| f != i) || locked.is_some_and(|f| f != i) || barred.contains(&i) {
                    continue;
                }
                let value = p.match_value * prep.matches(c, i) as f64;
                let keep = if base == Some(i) { keep_weight.unwrap_or(0.0) } else { 0.0 };
                let v = m.binary(format!("t[{},y{},{}]", ids(c), y + 1, tcode(i)), value + keep);
                s2.push((v, value));
                if keep > 0.0 {
                    kept.push((v, 1.0));
                }
                t.push((c, y, i, v));
                per_year[y].push((i, v));
                by_town[j][y].push((c, v));
            }
            m.row(format!("H5_one[{},y{}]", ids(c), y + 1), per_year[y].iter().map(|&(_, v)| (v, 1.0)), 1.0, 1.0);
        }
        if towns.len() >= 2 && !per_year[0].is_empty() && !per_year[1].is_empty() {
            for &(i, v1) in &per_year[0] {
                if let Some(&(_, v2)) = per_year[1].iter().find(|(i2, _)| *i2 == i) {
                    m.row(
                        format!("H5_distinct[{},{}]", ids(c), tcode(i)),
                        [(v1, 1.0), (v2, 1.0)],
                        f64::NEG_INFINITY,
                        1.0,
                    );
                }
            }
        }
    }
    let cap = p.max_cadres_per_township_year as f64;
    let target = best_effort_target(prep, k, members, pins) as f64;
    let mut covered = Vec::new();
    for (j, &i) in towns.iter().enumerate() {
        for y in 0..2 {
            // Cadres count together only in the months they both serve (service periods).
            let mut patterns: Vec<(u32, Vec<Var>)> = Vec::new();
            for month in p.window_months() {
                let serving: Vec<Var> =
                    by_town[j][y].iter().filter(|&&(c, _)| prep.serves_month(c, y, month)).map(|&(_, v)| v).collect();
                if serving.len() as f64 > cap && !patterns.iter().any(|(_, s)| *s == serving) {
                    patterns.push((month, serving));
                }
            }
            for (month, vars) in &patterns {
                m.row(
                    format!("H6_load[{},{}-{month:02}]", tcode(i), prep.inst.year(y)),
                    vars.iter().map(|&v| (v, 1.0)),
                    f64::NEG_INFINITY,
                    cap,
                );
            }
        }
        let all: Vec<(Var, f64)> = by_town[j].iter().flatten().map(|&(_, v)| (v, 1.0)).collect();
        match mode {
            PlanMode::Strict => m.row(format!("H7_cover[{}]", tcode(i)), all, 1.0, f64::INFINITY),
            PlanMode::BestEffort => {
                let cv = m.binary(format!("covered[{}]", tcode(i)), 0.0);
                let mut row = vec![(cv, 1.0)];
                row.extend(all.iter().map(|&(v, _)| (v, -1.0)));
                m.row(format!("H7_cover[{}]", tcode(i)), row, f64::NEG_INFINITY, 0.0);
                covered.push((cv, 1.0));
            }
        }
        if prep.inst.region.townships[i].priority {
            let f = m.binary(format!("first[{}]", tcode(i)), p.priority_first_year_value);
            s2.push((f, p.priority_first_year_value));
            let mut row = vec![(f, 1.0)];
            row.extend(by_town[j][0].iter().map(|&(_, v)| (v, -1.0)));
            m.row(format!("S2_priority[{}]", tcode(i)), row, f64::NEG_INFINITY, 0.0);
        }
    }
    if mode == PlanMode::BestEffort {
        m.row(format!("B1_cover[{code}]"), covered, target, f64::INFINITY);
    }
    let goals = pins.map(|_| [("R2", Direction::Max, kept, 0.0), ("S2", Direction::Max, s2, 0.0)]);
    CountyModel { milp: m, t, goals, classes: None }
}

/// Solve S2 for every county; an error if a county found no solution (in time).
pub(crate) fn solve(
    prep: &Prepared,
    groups: &Groups,
    mode: PlanMode,
    stager: &mut Stager,
) -> Result<Townships, SolveError> {
    solve_pinned(prep, groups, mode, stager, None)
}

/// S2, or with `pins` (re-planning) stage R2: pinned townships kept, then fewest changed
/// townships against the baseline, then S2.
pub(crate) fn solve_pinned(
    prep: &Prepared,
    groups: &Groups,
    mode: PlanMode,
    stager: &mut Stager,
    pins: Option<&Pins>,
) -> Result<Townships, SolveError> {
    let start = std::time::Instant::now();
    let stage = if pins.is_some() { "R2" } else { "S2" };
    let mut members = vec![Vec::new(); prep.n_counties()];
    for (c, &k) in groups.county_of.iter().enumerate() {
        members[k].push(c);
    }
    // R2: a county whose baseline holds keeps it, without a model (see `baseline_holds`).
    let kept: Vec<Option<Vec<(usize, usize, usize)>>> = (0..prep.n_counties())
        .map(|k| pins.filter(|_| !stager.captures()).and_then(|p| baseline_holds(prep, k, &members[k], mode, p)))
        .collect();
    let built: Vec<usize> = (0..prep.n_counties()).filter(|&k| kept[k].is_none()).collect();
    let plain = stager.captures() || stager.opts.formulation == Formulation::Plain;
    let models: Vec<CountyModel> = built.par_iter().map(|&k| build(prep, k, &members[k], mode, pins, plain)).collect();
    for (&k, cm) in built.iter().zip(&models) {
        stager.capture(format!("{stage}_{}", prep.inst.region.counties[k].code), &cm.milp);
    }
    let unit = optimality::unit("S2", &prep.inst.parameters);
    if stager.cancelled() {
        return Err(SolveError::Cancelled { stage });
    }
    let settings = stager.settings(1, unit);
    let results: Vec<MilpResult> = models.par_iter().map(|cm| cm.solve(&settings)).collect();
    stager.note_settled(&results);
    if let Some(j) = results.iter().position(|r| !r.has_solution()) {
        let i = built[j];
        return Err(match &results[j].status {
            // Counts that S1 (or the pins) allow always admit townships (H5–H7); a county
            // without a solution is a defect, reported as such.
            MilpStatus::Infeasible if has_township_locks(prep, &members[i]) => {
                SolveError::Impossible(vec![township_locks_certificate(prep, i, &members[i])])
            }
            MilpStatus::Infeasible => SolveError::Solver {
                stage,
                message: format!("{} has no township assignment for its group", models[j].milp.name),
            },
            status => SolveError::from_status(stage, status),
        });
    }
    let mut out = vec![[None, None]; prep.n_cadres()];
    for &(c, y, i) in kept.iter().flatten().flatten() {
        out[c][y] = Some(i);
    }
    for (cm, r) in models.iter().zip(&results) {
        let Some(assigned) = cm.townships(r) else {
            return Err(SolveError::Solver {
                stage,
                message: format!("{}: its counts could not be spread over cadres and townships", cm.milp.name),
            });
        };
        for (c, y, i) in assigned {
            out[c][y] = Some(i);
        }
    }
    if let Some(pins) = pins {
        let changes = (0..prep.n_cadres())
            .flat_map(|c| (0..2).map(move |y| (c, y)))
            .filter(|&(c, y)| pins.town_base[c][y].is_some_and(|b| out[c][y] != Some(b)))
            .count() as f64;
        let mut terms = s2_terms(prep, &out);
        terms.insert("township_changes".into(), changes);
        let figures = StageFigures {
            objective: changes,
            bound: changes,
            unit: 1.0,
            limited: results.iter().any(|r| r.status == MilpStatus::Limit),
            rows: results.iter().map(|r| r.rows).sum(),
            cols: results.iter().map(|r| r.cols).sum(),
            models: results.len(),
            seconds: start.elapsed().as_secs_f64(),
            proof: Proof::Solver,
            parts: Vec::new(),
        };
        stager.record(stage_report("R2", "min changed townships after the date (then max S2)", "min", figures, terms));
        return Ok(out);
    }
    let terms = s2_terms(prep, &out);
    let objective = terms["match_value"] + terms["priority_value"];
    // Each county's model is proven on its own; the stage's bound is the sum of the
    // counties' bounds, each tightened to S2's grid of values.
    let parts: Vec<StagePart> = models
        .iter()
        .zip(&results)
        .zip(&built)
        .map(|((cm, r), &k)| StagePart {
            id: format!("S2_{}", prep.inst.region.counties[k].code),
            objective: r.objective,
            bound: r.bound,
            proof: cm.proof(r),
        })
        .collect();
    let bound = parts.iter().map(|part| optimality::on_grid(part.bound, unit, true)).sum();
    let figures = StageFigures {
        objective,
        bound,
        unit,
        limited: results.iter().any(|r| r.status == MilpStatus::Limit),
        rows: results.iter().map(|r| r.rows).sum(),
        cols: results.iter().map(|r| r.cols).sum(),
        models: results.len(),
        seconds: start.elapsed().as_secs_f64(),
        proof: Proof::Parts,
        parts,
    };
    stager.record(stage_report(
        "S2",
        "max strength–need matches + priority townships covered in year 1",
        "max",
        figures,
        terms,
    ));
    Ok(out)
}

/// The S2 terms of a township assignment: match count and value, priority count and value.
pub fn s2_terms(prep: &Prepared, towns: &[[Option<usize>; 2]]) -> BTreeMap<String, f64> {
    let p = &prep.inst.parameters;
    let matches: usize =
        towns.iter().enumerate().flat_map(|(c, ys)| ys.iter().flatten().map(move |&i| prep.matches(c, i))).sum();
    let mut first = vec![false; prep.inst.region.townships.len()];
    for ys in towns {
        if let Some(i) = ys[0] {
            first[i] = true;
        }
    }
    let priority = prep.inst.region.townships.iter().enumerate().filter(|(i, t)| t.priority && first[*i]).count();
    BTreeMap::from([
        ("matches".to_string(), matches as f64),
        ("match_value".to_string(), matches as f64 * p.match_value),
        ("priority_first_year".to_string(), priority as f64),
        ("priority_value".to_string(), priority as f64 * p.priority_first_year_value),
    ])
}

/// Whether any member of a group has a township locked or barred (P5, P6).
pub(crate) fn has_township_locks(prep: &Prepared, members: &[usize]) -> bool {
    members.iter().any(|&c| {
        prep.locks.township.get(c).is_some_and(|t| t.iter().any(Option::is_some))
            || prep.locks.not_township.get(c).is_some_and(|t| t.iter().any(|l| !l.is_empty()))
    })
}

/// The township locks of county `k`'s members leave it no township assignment (H5–H7). A joint
/// certificate (the MILP proved it); the locks' own certificate, which names a minimal set to
/// lift, is put before it by `solve`.
fn township_locks_certificate(prep: &Prepared, k: usize, members: &[usize]) -> sanlian_model::Certificate {
    let county = &prep.inst.region.counties[k];
    let mut locks: Vec<usize> = members
        .iter()
        .flat_map(|&c| prep.locks.of_cadre[c].iter().copied())
        .filter(|&i| {
            matches!(prep.inst.locks[i].kind, sanlian_model::LockKind::Township | sanlian_model::LockKind::NotTownship)
        })
        .collect();
    locks.sort_unstable();
    let list = locks.iter().map(|i| format!("locks[{i}]")).collect::<Vec<_>>().join(", ");
    sanlian_model::Certificate {
        rule: "H7".into(),
        kind: sanlian_model::CertificateKind::Joint,
        counties: vec![county.code.clone()],
        cadres: members.iter().map(|&c| prep.inst.cadres[c].id.clone()).collect(),
        department: None,
        year: None,
        day: None,
        need: prep.townships_of[k].len() as u64,
        supply: 0,
        locks: Vec::new(),
        message: format!(
            "With its township locks ({list}), the group of {} {} cannot cover every township with one \
             township per cadre and year (H5–H7); HiGHS proved it on the county's S2 model.",
            county.code, county.name
        ),
    }
}
