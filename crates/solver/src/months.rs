//! Stage S3: block months (S3a, a MILP) and weekdays (S3b, exact by construction).
//!
//! S3a, one model over all blocks- and mixed-mode cadres:
//! - x[c,y,m] ∈ {0,1}: cadre c is on a block in month m of year y (only
//!   window months the cadre has not marked unavailable get a variable — H8);
//! - H8_blocks[c,y]: Σ_m x[c,y,m] = blocks(c) (within `Prepared::block_range` in a year
//!   served only in part);
//! - H9_dept[d,y,m]: Σ_{c ∈ d} x[c,y,m] ≤ max(1, ⌈share × size(d,y)⌉);
//! - S3_presence[k,y,m]: z[k,y,m] ≤ Σ_{c ∈ group k} x[c,y,m], z ∈ {0,1};
//! - maximise Σ z.
//!
//! S3b: weekdays do not interact with any other decision, and a group can use
//! at most min(5, its weekly/mixed members) distinct weekdays. Dealing the
//! weekdays Mon…Fri round-robin over the members in roster order reaches
//! that bound, so the assignment is optimal with bound = value.

use std::collections::BTreeMap;

use chrono::Weekday;
use sanlian_model::cost::month_days;
use sanlian_model::{Prepared, Proof};

use crate::groups::Groups;
use crate::milp::{Direction, Milp, MilpStatus, Var, Warm, WarmLp};
use crate::repair::Pins;
use crate::{lp_proof, stage_report, StageFigures, Stager};

/// Block months (calendar month numbers) per cadre and plan year.
pub type Months = Vec<[Vec<u32>; 2]>;

/// Weekday per cadre (the same in both active years), for weekly- and mixed-mode cadres.
pub type Weekdays = Vec<Option<Weekday>>;

const WORKDAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];

/// Solve S3a; `Err(status)` (infeasible, no solution in time, HiGHS failed) when there is no month plan.
pub(crate) fn solve_months(prep: &Prepared, groups: &Groups, stager: &mut Stager) -> Result<Months, MilpStatus> {
    solve_months_pinned(prep, groups, stager, None)
}

/// S3a, or with `pins` (re-planning) stage R3: months that started before the date kept,
/// then fewest (cadre, year) whose months after the date change, then S3a's presence.
///
/// R3's goal is a sum over departments: each row it counts (H8 per cadre, H9 per
/// department) holds one department's cadres, presence is only the next goal. So R3 first
/// keeps, as constants, the months of every (cadre, year) that can keep them, except in the
/// departments whose kept months alone break H9 (a leaver without successor lowers the
/// cap); those departments' cadres and everyone with nothing to keep stay variables. When
/// that smaller model is feasible, every other department is at its best (all kept), so
/// every optimum of the whole model keeps those months, and the two models have the same
/// optima for R3 and then for presence; when it is not, the whole model decides.
pub(crate) fn solve_months_pinned(
    prep: &Prepared,
    groups: &Groups,
    stager: &mut Stager,
    pins: Option<&Pins>,
) -> Result<Months, MilpStatus> {
    if let Some(p) = pins.filter(|_| !stager.captures()) {
        if let Some(kept) = keep_all(prep, p) {
            match months_model(prep, groups, stager, pins, Some(&kept)) {
                Err(MilpStatus::Infeasible) => {}
                done => return done,
            }
        }
    }
    months_model(prep, groups, stager, pins, None)
}

/// Per cadre and year, the months a (cadre, year) R3 can keep has when kept (the started
/// months as pinned and the baseline's later months), left out for the departments whose
/// kept months break H9. `None` when a (cadre, year) cannot keep its months on its own (a
/// lock or H8 wants others, or a started month is not pinned).
fn keep_all(prep: &Prepared, pins: &Pins) -> Option<Vec<[Option<Vec<u32>>; 2]>> {
    let mut out = kept_months(prep, pins)?;
    let mut usage: BTreeMap<(usize, usize, u32), u32> = BTreeMap::new();
    for (c, ys) in out.iter().enumerate() {
        for (y, ms) in ys.iter().enumerate() {
            for &m in ms.iter().flatten() {
                *usage.entry((prep.department_of[c], y, m)).or_default() += 1;
            }
        }
    }
    let over: std::collections::BTreeSet<usize> =
        usage.iter().filter(|&(&(d, y, m), &n)| n > prep.department_cap_in(d, y, m)).map(|(&(d, _, _), _)| d).collect();
    for (c, ys) in out.iter_mut().enumerate() {
        if over.contains(&prep.department_of[c]) {
            *ys = [None, None];
        }
    }
    Some(out)
}

/// Per cadre and year, the months it has when R3 keeps them (see [`keep_all`]).
fn kept_months(prep: &Prepared, pins: &Pins) -> Option<Vec<[Option<Vec<u32>>; 2]>> {
    let started = |y: usize, month: u32| month_days(prep.inst.year(y), month).0 < pins.date;
    let mut out = vec![[None, None]; prep.n_cadres()];
    for c in 0..prep.n_cadres() {
        if prep.blocks(c) == 0 {
            continue;
        }
        for y in 0..2 {
            let Some(base) = pins.months_base[c][y].as_ref() else { continue };
            if !prep.active(c, y) {
                continue;
            }
            let available = prep.available_months(c, y);
            let later: Vec<u32> = base.iter().copied().filter(|&m| !started(y, m)).collect();
            let serves_later =
                prep.inst.parameters.window_months().any(|m| !started(y, m) && prep.serves_month(c, y, m));
            if !serves_later || later.iter().any(|m| !available.contains(m)) {
                continue;
            }
            let mut months = Vec::new();
            for &m in &available {
                if started(y, m) {
                    if !pins.months_pinned[c] {
                        return None;
                    }
                    if base.contains(&m) {
                        months.push(m);
                    }
                } else if later.contains(&m) {
                    months.push(m);
                } else if prep.locks.months.get(c).is_some_and(|l| l[y] & (1 << m) != 0) {
                    return None;
                }
            }
            let (least, most) = prep.block_range(c, y);
            if !(least..=most).contains(&(months.len() as u32)) {
                return None;
            }
            out[c][y] = Some(months);
        }
    }
    Some(out)
}

/// The S3a/R3 model as built, before it is solved.
struct MonthsModel {
    m: Milp,
    /// (cadre, year, month, x) of every month variable.
    x: Vec<(usize, usize, u32, Var)>,
    /// The months of kept (cadre, year), to which the solved ones are added.
    months: Months,
    /// (county, year, month) a member could be on site in.
    presence: usize,
    presence_terms: Vec<(Var, f64)>,
    /// R3: (cadre, year, kept[c,y]).
    kept: Vec<(usize, usize, Var)>,
    /// (department, row index) of every `H9_dept` row.
    h9_rows: Vec<(usize, usize)>,
}

/// Build the S3a/R3 model; with `kept`, the (cadre, year) it names are constants.
fn build_months(
    prep: &Prepared,
    groups: &Groups,
    pins: Option<&Pins>,
    kept_all: Option<&[[Option<Vec<u32>>; 2]]>,
) -> Result<MonthsModel, MilpStatus> {
    let started = |y: usize, month: u32| pins.is_some_and(|p| month_days(prep.inst.year(y), month).0 < p.date);
    let first_year = prep.inst.first_year;
    let codes: Vec<&str> = prep.inst.region.counties.iter().map(|k| k.code.as_str()).collect();
    let mut m = Milp::new("S3a block months", Direction::Max);
    let mut x: Vec<(usize, usize, u32, Var)> = Vec::new();
    let mut by_dept: BTreeMap<(usize, usize, u32), Vec<Var>> = BTreeMap::new();
    let mut by_county: BTreeMap<(usize, usize, u32), Vec<Var>> = BTreeMap::new();
    // Kept (cadre, year): their months, and how many of them each department and county has.
    let mut months: Months = vec![[Vec::new(), Vec::new()]; prep.n_cadres()];
    let mut dept_kept: BTreeMap<(usize, usize, u32), usize> = BTreeMap::new();
    let mut county_kept: std::collections::BTreeSet<(usize, usize, u32)> = Default::default();
    for c in 0..prep.n_cadres() {
        let blocks = prep.blocks(c);
        if blocks == 0 {
            continue;
        }
        let id = &prep.inst.cadres[c].id;
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            if let Some(ms) = kept_all.and_then(|k| k[c][y].as_ref()) {
                for &month in ms {
                    *dept_kept.entry((prep.department_of[c], y, month)).or_default() += 1;
                    by_dept.entry((prep.department_of[c], y, month)).or_default();
                    county_kept.insert((groups.county_of[c], y, month));
                    by_county.entry((groups.county_of[c], y, month)).or_default();
                }
                months[c][y].clone_from(ms);
                continue;
            }
            let mut row = Vec::new();
            let base = pins.filter(|p| p.months_pinned[c]).and_then(|p| p.months_base[c][y].as_ref());
            let locked = prep.locks.months.get(c).map_or(0, |l| l[y]);
            for month in prep.available_months(c, y) {
                let name = format!("x[{id},{}-{month:02}]", first_year + y as i32);
                let v = match base {
                    // A month that has started is history: it stays as the baseline had it.
                    Some(b) if started(y, month) => {
                        let on = if b.contains(&month) { 1.0 } else { 0.0 };
                        m.col(name, on, on, true, 0.0)
                    }
                    // P7: a locked month is on a block.
                    _ if locked & (1 << month) != 0 => m.col(name, 1.0, 1.0, true, 0.0),
                    _ => m.binary(name, 0.0),
                };
                x.push((c, y, month, v));
                row.push((v, 1.0));
                by_dept.entry((prep.department_of[c], y, month)).or_default().push(v);
                by_county.entry((groups.county_of[c], y, month)).or_default().push(v);
            }
            let (least, most) = prep.block_range(c, y);
            m.row(format!("H8_blocks[{id},y{}]", y + 1), row, least as f64, most as f64);
        }
    }
    let mut h9_rows = Vec::new();
    for ((d, y, month), vars) in &by_dept {
        let fixed = dept_kept.get(&(*d, *y, *month)).copied().unwrap_or(0);
        let cap = prep.department_cap_in(*d, *y, *month) as usize;
        if fixed > cap {
            return Err(MilpStatus::Infeasible);
        }
        if vars.len() + fixed > cap {
            h9_rows.push((*d, m.n_rows()));
            let name = format!("H9_dept[{},{}-{month:02}]", prep.departments[*d], first_year + *y as i32);
            m.row(name, vars.iter().map(|&v| (v, 1.0)), f64::NEG_INFINITY, (cap - fixed) as f64);
        }
    }
    let mut presence = 0;
    let mut presence_terms = Vec::new();
    for ((k, y, month), vars) in &by_county {
        presence += 1;
        if county_kept.contains(&(*k, *y, *month)) {
            continue;
        }
        let when = format!("{},{}-{month:02}", codes[*k], first_year + *y as i32);
        let z = m.binary(format!("z[{when}]"), 1.0);
        presence_terms.push((z, 1.0));
        let mut row = vec![(z, 1.0)];
        row.extend(vars.iter().map(|&v| (v, -1.0)));
        m.row(format!("S3_presence[{when}]"), row, f64::NEG_INFINITY, 0.0);
    }
    let mut kept = Vec::new();
    if let Some(pins) = pins {
        // Keeping a (cadre, year)'s months after the date outweighs all presence.
        let weight = presence as f64 + 1.0;
        let mut var_of: std::collections::HashMap<(usize, usize, u32), Var> = std::collections::HashMap::new();
        let mut free_of: std::collections::HashMap<(usize, usize), Vec<(Var, f64)>> = std::collections::HashMap::new();
        for &(c, y, mo, v) in &x {
            var_of.insert((c, y, mo), v);
            if !started(y, mo) {
                free_of.entry((c, y)).or_default().push((v, 1.0));
            }
        }
        for c in 0..prep.n_cadres() {
            for y in 0..2 {
                let Some(base) = pins.months_base[c][y].as_ref() else { continue };
                if kept_all.is_some_and(|k| k[c][y].is_some()) {
                    continue;
                }
                let later: Vec<u32> = base.iter().copied().filter(|&mm| !started(y, mm)).collect();
                let serves_later =
                    prep.inst.parameters.window_months().any(|mm| !started(y, mm) && prep.serves_month(c, y, mm));
                if !serves_later || !prep.active(c, y) {
                    continue;
                }
                let vars: Option<Vec<Var>> = later.iter().map(|&mm| var_of.get(&(c, y, mm)).copied()).collect();
                let Some(vars) = vars else { continue };
                let id = &prep.inst.cadres[c].id;
                let u = m.binary(format!("kept[{id},y{}]", y + 1), weight);
                for v in vars {
                    m.row(format!("R3_kept[{id},y{}]", y + 1), [(u, 1.0), (v, -1.0)], f64::NEG_INFINITY, 0.0);
                }
                // Kept means the same months: no more months after the date than before.
                let mut row = free_of.get(&(c, y)).cloned().unwrap_or_default();
                row.push((u, prep.inst.parameters.window_len() as f64));
                m.row(
                    format!("R3_same[{id},y{}]", y + 1),
                    row,
                    f64::NEG_INFINITY,
                    later.len() as f64 + prep.inst.parameters.window_len() as f64,
                );
                kept.push((c, y, u));
            }
        }
    }
    Ok(MonthsModel { m, x, months, presence, presence_terms, kept, h9_rows })
}

/// The S3a/R3 model; with `kept`, the (cadre, year) it names are constants.
fn months_model(
    prep: &Prepared,
    groups: &Groups,
    stager: &mut Stager,
    pins: Option<&Pins>,
    kept_all: Option<&[[Option<Vec<u32>>; 2]]>,
) -> Result<Months, MilpStatus> {
    let MonthsModel { mut m, x, mut months, presence, presence_terms, kept, .. } =
        build_months(prep, groups, pins, kept_all)?;
    let stage = if pins.is_some() { "R3" } else { "S3a" };
    let r = match pins {
        // R3 as the goals its weights rank: months kept, then presence.
        Some(_) => {
            let goals = [
                ("R3", Direction::Max, kept.iter().map(|&(_, _, u)| (u, 1.0)).collect(), 0.0),
                ("S3a", Direction::Max, presence_terms, 0.0),
            ];
            stager.run_goals(stage, &mut m, &goals, 1.0)
        }
        None => stager.run(stage, &m, 1.0),
    };
    if !r.has_solution() {
        return Err(r.status);
    }
    for &(c, y, month, v) in &x {
        if r.int(v) == 1 {
            months[c][y].push(month);
        }
    }
    let value = presence_value(groups, &months);
    if pins.is_some() {
        let changes = kept.iter().filter(|&&(_, _, u)| r.int(u) == 0).count() as f64;
        let terms = BTreeMap::from([
            ("month_changes".to_string(), changes),
            ("county_months_with_presence".to_string(), value as f64),
        ]);
        let figures = StageFigures { objective: changes, bound: changes, ..StageFigures::of(&r, changes, 1.0) };
        stager.record(stage_report(
            "R3",
            "min (cadre, year) whose block months after the date change (then max S3a)",
            "min",
            figures,
            terms,
        ));
        return Ok(months);
    }
    let terms = BTreeMap::from([
        ("county_months_with_presence".to_string(), value as f64),
        ("county_months_reachable".to_string(), presence as f64),
    ]);
    stager.record(stage_report(
        "S3a",
        "max (county, year, month) with a group member on a block",
        "max",
        StageFigures::of(&r, value as f64, 1.0).proved(lp_proof(&m, &r)),
        terms,
    ));
    Ok(months)
}

/// S3a's optimal presence for fixed groups, and with one more monthly place for each department
/// of `departments` (its H9 cap + 1 in every month: `Prepared::with_extra_cap`), from one S3a
/// model kept warm per thread. A variant raises the bounds of its department's `H9_dept` rows
/// (a row the cold model would leave out is then slack) and re-solves the relaxation from the
/// last basis; a fractional relaxation is followed by the MILP of the changed model with the
/// stage's gaps. `None` when the groups have no month plan or HiGHS fails on the base model;
/// a variant HiGHS fails on is `None`.
pub fn presence_with_extra_place(
    prep: &Prepared,
    groups: &Groups,
    departments: &[usize],
) -> Option<(usize, Vec<Option<usize>>)> {
    use rayon::prelude::*;
    let built = build_months(prep, groups, None, None).ok()?;
    let s = crate::proving(1.0);
    let raised = |d: usize| -> Vec<(usize, f64, f64)> {
        built
            .h9_rows
            .iter()
            .filter(|&&(x, _)| x == d)
            .map(|&(_, r)| (r, f64::NEG_INFINITY, built.m.row_bounds(r).1 + 1.0))
            .collect()
    };
    let mut lp = built.m.warm_lp(&s)?;
    let base = warm_presence(&built, groups, &mut lp, &[])?;
    let chunk = departments.len().div_ceil(rayon::current_num_threads()).max(1);
    let per: Vec<Option<usize>> = departments
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let mut lp = built.m.warm_lp(&s);
            part.iter()
                .map(|&d| lp.as_mut().and_then(|lp| warm_presence(&built, groups, lp, &raised(d))))
                .collect::<Vec<_>>()
        })
        .collect();
    Some((base, per))
}

/// The optimal presence of `built` with the row bounds `rows` changed (see
/// [`presence_with_extra_place`]).
fn warm_presence(built: &MonthsModel, groups: &Groups, lp: &mut WarmLp, rows: &[(usize, f64, f64)]) -> Option<usize> {
    let Warm::Optimal(values) = lp.solve_changed(&built.m, &[], rows) else { return None };
    let mut months = built.months.clone();
    for &(c, y, month, v) in &built.x {
        if values[v.0] == 1.0 {
            months[c][y].push(month);
        }
    }
    Some(presence_value(groups, &months))
}

/// Number of (county, year, window month) in which a member of the county's group is on a block.
fn presence_value(groups: &Groups, months: &Months) -> usize {
    let mut seen = std::collections::HashSet::new();
    for (c, ys) in months.iter().enumerate() {
        for (y, ms) in ys.iter().enumerate() {
            for &month in ms {
                seen.insert((groups.county_of[c], y, month));
            }
        }
    }
    seen.len()
}

/// Solve S3b by dealing weekdays round-robin within each group (optimal, see module docs).
pub(crate) fn solve_weekdays(prep: &Prepared, groups: &Groups, stager: &mut Stager) -> Weekdays {
    let start = std::time::Instant::now();
    let mut out = vec![None; prep.n_cadres()];
    // P9 locks first; then each free member takes its group's least-used weekday (the first
    // unused one while any is left), which reaches min(5, distinct locked days + free members).
    let mut used = vec![[0usize; 5]; prep.n_counties()];
    for c in 0..prep.n_cadres() {
        if let (true, Some(d)) = (prep.has_weekday(c), prep.locks.weekday.get(c).copied().flatten()) {
            out[c] = Some(d);
            used[groups.county_of[c]][d.num_days_from_monday() as usize % 5] += 1;
        }
    }
    for c in 0..prep.n_cadres() {
        if prep.has_weekday(c) && out[c].is_none() {
            let k = groups.county_of[c];
            let least = (0..5).min_by_key(|&d| (used[k][d], d)).expect("five weekdays");
            out[c] = Some(WORKDAYS[least]);
            used[k][least] += 1;
        }
    }
    let value: usize = used.iter().map(|u| u.iter().filter(|&&n| n > 0).count()).sum();
    let figures = StageFigures {
        objective: value as f64,
        bound: value as f64,
        unit: 1.0,
        limited: false,
        rows: 0,
        cols: 0,
        models: 0,
        seconds: start.elapsed().as_secs_f64(),
        proof: Proof::Counting,
        parts: Vec::new(),
    };
    let terms = BTreeMap::from([("distinct_weekdays".to_string(), value as f64)]);
    stager.record(stage_report(
        "S3b",
        "max distinct weekdays of weekly/mixed members, summed over groups",
        "max",
        figures,
        terms,
    ));
    out
}

/// Re-planning: every cadre keeps its baseline weekday (H10 allows any, so keeping is
/// always possible: no weekday changes); a new cadre gets the weekday its group uses least.
pub(crate) fn keep_weekdays(prep: &Prepared, groups: &Groups, pins: &Pins) -> Weekdays {
    let mut out: Weekdays = vec![None; prep.n_cadres()];
    let mut used = vec![[0usize; 5]; prep.n_counties()];
    for c in 0..prep.n_cadres() {
        let d = prep.locks.weekday.get(c).copied().flatten().or(pins.weekday[c]);
        if let (true, Some(d)) = (prep.has_weekday(c), d) {
            out[c] = Some(d);
            used[groups.county_of[c]][d.num_days_from_monday() as usize % 5] += 1;
        }
    }
    for c in 0..prep.n_cadres() {
        if prep.has_weekday(c) && out[c].is_none() {
            let k = groups.county_of[c];
            let least = (0..5).min_by_key(|&d| (used[k][d], d)).expect("five weekdays");
            out[c] = Some(WORKDAYS[least]);
            used[k][least] += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanlian_model::Instance;

    fn shandong() -> Instance {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/shandong/instance.json");
        Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses")
    }

    /// The warm model's variant of one more place for a department (its `H9_dept` rows one
    /// higher) is the model built with that department's cap raised: the same rows, those of
    /// the department one higher, and none the raised model has that the warm one lacks.
    #[test]
    fn a_department_place_raises_its_h9_rows() {
        let inst = shandong();
        let prep = Prepared::new(&inst).unwrap();
        let groups = crate::stages::groups(&prep, &crate::SolveOptions::default()).expect("feasible");
        let built = build_months(&prep, &groups, None, None).unwrap();
        let h9 = |b: &MonthsModel| -> BTreeMap<String, (usize, f64)> {
            b.h9_rows.iter().map(|&(d, r)| (b.m.row_name(r).to_string(), (d, b.m.row_bounds(r).1))).collect()
        };
        let base = h9(&built);
        assert!(!base.is_empty(), "the fixture has departments H9 can bind");
        let mut raised = 0;
        for d in (0..prep.departments.len()).step_by(5) {
            let more = h9(&build_months(&prep.with_extra_cap(d, 1), &groups, None, None).unwrap());
            for (name, &(x, ub)) in &base {
                match more.get(name) {
                    Some(&(_, up)) => assert_eq!(up, if x == d { ub + 1.0 } else { ub }, "{name}"),
                    // Left out once the cap no longer binds: only the department's own rows.
                    None => assert_eq!(x, d, "{name}"),
                }
            }
            assert!(more.keys().all(|name| base.contains_key(name)), "department {d}: a new row");
            raised += base.values().filter(|&&(x, _)| x == d).count();
        }
        assert!(raised > 0, "some sampled department has H9 rows");
    }
}
