//! Robust (N−1) planning (docs/robust.md): stage N, "the most robust groups", on the S1
//! model, ranked after the best-effort goals B1–B3 and before S1; and the plan's report of
//! which groups are robust, and why not.
//!
//! A group k is *robust* when, at every date H3 and H4 are checked (the stretch starts of
//! the whole roster, as S1's rows):
//!
//! - **N1 senior backup**: S_k ≥ 2, where S_k counts the members of k in service who may
//!   lead it (senior, not barred by P4); or a group j ≠ k whose seat lies within
//!   `reach_km` of k's seat has S_j ≥ 2 and a senior member in service who may serve in k
//!   (H2 and the locks) and lead it (P4): it can take over k and j stays led. (When that
//!   member leads j, the other of j's two takes over there.)
//! - **N2 upper spare**: U_k ≥ `min_upper_per_group` + 1 province/city members in service
//!   (nothing when `min_upper_per_group` is 0): H4 survives any one departure.
//!
//! Model (on the S1 counts n[q,k]; z and r are 0/1, b is continuous and takes a positive
//! value only where its backup exists, so r = 1 only for a robust group):
//!
//! - `second_senior[k,day]` z: `N1_second_senior[k,day]` S_k − z ≥ 1 (strict; H3 already
//!   asks S_k ≥ 1) or S_k − 2z ≥ 0 (best-effort);
//! - `backup[k,j,day]` b, for j within reach: `N1_backup[k,j,day]` E_jk − b ≥ 0 (E_jk: the
//!   senior members of j in service who may serve in and lead k) and
//!   `N1_backup_led[k,j,day]` z[j,day] − b ≥ 0;
//! - `robust[k]` r: `N1_covered[k,day]` z[k,day] + Σ_j b[k,j,day] − r ≥ 0 and
//!   `N2_upper_spare[k,day]` U_k − r ≥ min_upper (strict; H4 asks U_k ≥ min_upper) or
//!   U_k − (min_upper + 1)·r ≥ 0 (best-effort).
//!
//! Stage N maximises Σ_k r[k] and holds its optimum (`N_fixed`); the ε-form
//! (`Robust::at_least`) adds `N_at_least` Σ_k r[k] ≥ E instead. Days on which every class
//! serves alike are written once.

use sanlian_model::geo::haversine_km;
use sanlian_model::{GroupRobustness, PlanMode, Prepared, Robust, Robustness};

use crate::groups::{Class, Model};
use crate::milp::{Terms, Var};

/// Per county, the other counties whose seat lies within `reach_km` of its seat
/// (great-circle), nearest first (county order among equals).
pub fn within_reach(prep: &Prepared, reach_km: f64) -> Vec<Vec<usize>> {
    let counties = &prep.inst.region.counties;
    (0..counties.len())
        .map(|k| {
            let mut near: Vec<(f64, usize)> = (0..counties.len())
                .filter(|&j| j != k)
                .map(|j| (haversine_km(counties[k].seat, counties[j].seat), j))
                .filter(|&(km, _)| km <= reach_km)
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            near.into_iter().map(|(_, j)| j).collect()
        })
        .collect()
}

/// Add robust planning's columns and rows to the S1 model (module docs); returns the
/// indicator `robust[k]` of each county.
pub(crate) fn add_rows(
    prep: &Prepared,
    classes: &[Class],
    model: &mut Model,
    mode: PlanMode,
    robust: &Robust,
) -> Vec<Var> {
    model.robust = true;
    let nk = prep.n_counties();
    let codes: Vec<&str> = prep.inst.region.counties.iter().map(|k| k.code.as_str()).collect();
    let min_upper = prep.inst.parameters.min_upper_per_group as f64;
    let strict = mode == PlanMode::Strict;
    let near = within_reach(prep, robust.reach_km);
    let Model { milp: m, cols_in, forced_in, days, on_day, .. } = model;
    // One day of each distinct pattern of service.
    let mut kept: Vec<usize> = Vec::new();
    for di in 0..days.len() {
        if !kept.iter().any(|&e| on_day.iter().all(|serves| serves[e] == serves[di])) {
            kept.push(di);
        }
    }
    // (terms, constant) of the classes of county k passing `keep` that serve on day `di`.
    let count = |k: usize, di: usize, keep: &dyn Fn(usize) -> bool| -> (Terms, f64) {
        let terms = cols_in[k].iter().filter(|(q, _)| keep(*q) && on_day[*q][di]).map(|&(_, v)| (v, 1.0)).collect();
        let fixed =
            forced_in[k].iter().filter(|&&q| keep(q) && on_day[q][di]).map(|&q| classes[q].members.len() as f64).sum();
        (terms, fixed)
    };
    let leads = |q: usize, k: usize| classes[q].senior && !classes[q].no_lead.contains(&k);
    let serving_in = |j: usize, di: usize| -> Vec<usize> {
        cols_in[j].iter().map(|&(q, _)| q).chain(forced_in[j].iter().copied()).filter(|&q| on_day[q][di]).collect()
    };
    let r: Vec<Var> = (0..nk).map(|k| m.binary(format!("robust[{}]", codes[k]), 0.0)).collect();
    let z: Vec<Vec<Var>> = (0..nk)
        .map(|k| kept.iter().map(|&di| m.binary(format!("second_senior[{},{}]", codes[k], days[di]), 0.0)).collect())
        .collect();
    for k in 0..nk {
        for (i, &di) in kept.iter().enumerate() {
            let (mut seniors, fixed) = count(k, di, &|q| leads(q, k));
            let name = format!("N1_second_senior[{},{}]", codes[k], days[di]);
            if strict {
                seniors.push((z[k][i], -1.0));
                m.row(name, seniors, 1.0 - fixed, f64::INFINITY);
            } else {
                seniors.push((z[k][i], -2.0));
                m.row(name, seniors, -fixed, f64::INFINITY);
            }
        }
    }
    // What j lends to k on a day: z[j] itself when every class that may lead j is also one
    // that may serve in and lead k (two of them mean a mover); else a backup variable shared
    // by all of j's neighbours with the same movers (the row is named after the first).
    let mut lends: Vec<Vec<Vec<(usize, Var)>>> = vec![vec![Vec::new(); kept.len()]; nk];
    for j in 0..nk {
        for (i, &di) in kept.iter().enumerate() {
            let serving = serving_in(j, di);
            let leaders: Vec<usize> = serving.iter().copied().filter(|&q| leads(q, j)).collect();
            let mut shared: Vec<(Vec<usize>, Var)> = Vec::new();
            for &k in &near[j] {
                let movers: Vec<usize> = serving
                    .iter()
                    .copied()
                    .filter(|&q| leads(q, k) && classes[q].eligible.binary_search(&k).is_ok())
                    .collect();
                if movers.is_empty() {
                    continue;
                }
                if leaders.iter().all(|q| movers.contains(q)) {
                    lends[k][i].push((j, z[j][i]));
                    continue;
                }
                if let Some(&(_, b)) = shared.iter().find(|(set, _)| *set == movers) {
                    lends[k][i].push((j, b));
                    continue;
                }
                let (code, from, day) = (codes[k], codes[j], days[di]);
                let b = m.col(format!("backup[{code},{from},{day}]"), 0.0, 1.0, false, 0.0);
                let (mut terms, fixed) = count(j, di, &|q| movers.contains(&q));
                terms.push((b, -1.0));
                m.row(format!("N1_backup[{code},{from},{day}]"), terms, -fixed, f64::INFINITY);
                m.row(format!("N1_backup_led[{code},{from},{day}]"), [(z[j][i], 1.0), (b, -1.0)], 0.0, f64::INFINITY);
                shared.push((movers, b));
                lends[k][i].push((j, b));
            }
        }
    }
    for k in 0..nk {
        let code = codes[k];
        for (i, &di) in kept.iter().enumerate() {
            let day = days[di];
            let mut covered = vec![(z[k][i], 1.0), (r[k], -1.0)];
            covered.extend(lends[k][i].iter().map(|&(_, v)| (v, 1.0)));
            m.row(format!("N1_covered[{code},{day}]"), covered, 0.0, f64::INFINITY);
            if min_upper > 0.0 {
                let (mut uppers, fixed) = count(k, di, &|q| classes[q].upper);
                let name = format!("N2_upper_spare[{code},{day}]");
                if strict {
                    uppers.push((r[k], -1.0));
                    m.row(name, uppers, min_upper - fixed, f64::INFINITY);
                } else {
                    uppers.push((r[k], -(min_upper + 1.0)));
                    m.row(name, uppers, -fixed, f64::INFINITY);
                }
            }
        }
    }
    r
}

/// Which groups of an assignment (`county_of`: each cadre's county) are robust, and why
/// not, by the solver's reading (the checker has its own).
pub fn assess(prep: &Prepared, county_of: &[usize], robust: &Robust) -> Robustness {
    let nk = prep.n_counties();
    let mut members = vec![Vec::new(); nk];
    for (c, &k) in county_of.iter().enumerate() {
        if k < nk {
            members[k].push(c);
        }
    }
    let days = prep.stretch_starts(0..prep.n_cadres());
    let near = within_reach(prep, robust.reach_km);
    let min_upper = prep.inst.parameters.min_upper_per_group as usize;
    let cadres = &prep.inst.cadres;
    let leads = |c: usize, k: usize| cadres[c].senior && !prep.locks.bars_lead(c, k);
    let seniors = |k: usize, d| members[k].iter().filter(|&&c| leads(c, k) && prep.serves_on(c, d)).count();
    let backs_up = |j: usize, k: usize, d| {
        seniors(j, d) >= 2 && members[j].iter().any(|&c| leads(c, k) && prep.is_eligible(c, k) && prep.serves_on(c, d))
    };
    let groups: Vec<GroupRobustness> = (0..nk)
        .map(|k| {
            let mut second_senior = true;
            let mut backups: Vec<usize> = Vec::new();
            let (mut no_senior_backup, mut no_upper_spare) = (None, None);
            for &d in &days {
                if seniors(k, d) < 2 {
                    second_senior = false;
                    let here: Vec<usize> = near[k].iter().copied().filter(|&j| backs_up(j, k, d)).collect();
                    if here.is_empty() && no_senior_backup.is_none() {
                        no_senior_backup = Some(d);
                    }
                    for j in here {
                        if !backups.contains(&j) {
                            backups.push(j);
                        }
                    }
                }
                let uppers = members[k].iter().filter(|&&c| cadres[c].level.is_upper() && prep.serves_on(c, d)).count();
                if min_upper > 0 && uppers <= min_upper && no_upper_spare.is_none() {
                    no_upper_spare = Some(d);
                }
            }
            backups.sort_by_key(|j| near[k].iter().position(|x| x == j));
            GroupRobustness {
                county: prep.inst.region.counties[k].code.clone(),
                robust: no_senior_backup.is_none() && no_upper_spare.is_none(),
                second_senior,
                backups: backups.into_iter().map(|j| prep.inst.region.counties[j].code.clone()).collect(),
                no_senior_backup,
                no_upper_spare,
            }
        })
        .collect();
    Robustness { robust_groups: groups.iter().filter(|g| g.robust).count(), groups }
}
