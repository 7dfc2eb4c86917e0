//! Stage S1 (and the best-effort goals B1–B3, and robust planning's stage N): who goes to
//! which county, and who leads.
//!
//! Decision: n[q,k] = how many cadres of class q join county k's group. A class holds
//! cadres that are interchangeable for S1: same eligible counties (H2), same
//! S1 coefficient in each of them, same seniority (H3), same upper/lower level
//! (H4) and same active years (H6, H7). With [`Formulation::Plain`] every
//! cadre is its own class (one 0/1 variable per cadre × eligible county).
//! Classes with a single eligible county are forced: their members are fixed
//! into that county and enter the rows as constants. A cadre's preferred counties (no
//! penalty there) and previous county (the bonus there) do not split its class: in each such
//! county it has its own 0/1 column y[id,k] with `H1_special[id]` Σ_k y[id,k] ≤ 1, counted by
//! its class's `H1_assign` and rows like the class's columns. Every assignment of cadres is a
//! solution of this model at the same cost (a cadre in one of its special counties on its y,
//! the others on the class's counts), and every solution disaggregates to an assignment that
//! costs at most as much, so the optimum is the plain model's.
//!
//! H3 needs no leader variables: every senior cadre is a member of exactly one
//! group, so a group can be led by a senior cadre exactly when it has a senior
//! member (`H3_senior_member[k]`: Σ_{q senior} n[q,k] ≥ 1). The leader is then
//! picked among the senior members (highest level first, then roster order).
//!
//! Rows (strict): `H1_assign[q]` Σ_k n[q,k] + Σ y of its members = |q|;
//! `H3_senior_member[k,day]` (the seniors in service that day, for each window's first day and
//! each day a service period starts or ends inside a window: H3 v1.1 in each year and at every
//! date);
//! `H4_mixed[k,day]` Σ_{q upper, in service} n[q,k] ≥ min_upper_per_group; `H7_cover[k]`
//! Σ_q years(q)·n[q,k] ≥ townships(k) and its rounding `H7_cover_rounded[k]`
//! Σ_q n[q,k] ≥ ⌈(townships(k) − fixed cadre-years) / 2⌉; `H6_load[k,YYYY-MM]` Σ_{q serving} n[q,k]
//! ≤ max_cadres_per_township_year × townships(k). These counts are also
//! sufficient for S2 to find townships (H5–H7): see `townships`.
//! Objective S1: Σ coef(q,k)·n[q,k] with coef = travel + penalty − bonus.
//!
//! Best-effort replaces H3/H4/H7 by indicator goals: `cover[k]` ≤ townships
//! and ≤ cadre-years (B1), `senior[k]` ≤ senior members (B2), `mixed[k]` ×
//! min_upper ≤ upper members (B3), maximised in that order before S1.
//!
//! Robust planning (`parameters.robust`) adds its rows after B1–B3 and maximises the robust
//! groups (stage N) before S1, or asks for at least as many as its ε-form says: see
//! [`crate::robust`].

use std::collections::{BTreeMap, HashMap};

use sanlian_model::{optimality, Level, PlanMode, Prepared, Proof};

use crate::milp::{DatedRow, Direction, Milp, MilpResult, MilpSettings, MilpStatus, Terms, Var};
use crate::{lp_proof, stage_report, Formulation, SolveError, StageFigures, Stager};

/// Cadres interchangeable for S1.
#[derive(Debug, Clone)]
pub(crate) struct Class {
    pub members: Vec<usize>,
    pub eligible: Vec<usize>,
    pub senior: bool,
    pub upper: bool,
    pub years: [bool; 2],
    /// Counties its members may not lead (P4 locks).
    pub no_lead: Vec<usize>,
    /// The class's S1 coefficient in each eligible county (aligned with `eligible`): what
    /// every member pays there, except in its own special counties.
    pub coef: Vec<f64>,
    /// Members whose S1 coefficient differs from the class's in some counties (their preferred
    /// counties, where they pay no penalty, and their previous county, where they earn the
    /// bonus), with those counties and the coefficients there: each gets its own 0/1 column in
    /// each (`y[id,county]`), so that preferences and previous counties split no class.
    pub special: Vec<(usize, Vec<(usize, f64)>)>,
}

impl Class {
    fn size(&self) -> f64 {
        self.members.len() as f64
    }

    fn cadre_years(&self) -> f64 {
        self.years.iter().filter(|y| **y).count() as f64
    }

    pub(crate) fn forced(&self) -> Option<usize> {
        (self.eligible.len() == 1).then(|| self.eligible[0])
    }
}

/// What makes cadres interchangeable for S1: eligible counties, S1 coefficient bits per
/// eligible county outside the cadre's special counties (travel, and the preference penalty
/// for a cadre with preferences; with exceptions off, the whole coefficient), senior, upper,
/// active years (as served, and as listed),
/// service period, counties it may not lead (P4), under spreading rules the department
/// of a province cadre (A1–A3), and under continuity's ε-form the previous county.
type ClassKey = (
    Vec<usize>,
    Vec<u64>,
    bool,
    bool,
    [bool; 2],
    Vec<u8>,
    [Option<chrono::NaiveDate>; 2],
    Vec<usize>,
    Option<usize>,
    Option<usize>,
);

/// Partition the roster into S1 classes. With `exceptions` (and the aggregated formulation,
/// and without continuity's ε-form, whose row counts a class in its previous county), a
/// cadre's preferred and previous counties are its own columns ([`Class::special`]) and
/// do not split its class; otherwise they are part of the class's coefficients.
pub(crate) fn classes(prep: &Prepared, formulation: Formulation, exceptions: bool) -> Vec<Class> {
    let p = &prep.inst.parameters;
    let exceptions = exceptions && formulation == Formulation::Aggregated && p.continuity_at_least.is_none();
    // What cadre `c` pays in county `k` outside its special counties.
    let pool = |c: usize, k: usize| {
        let penalty = if prep.inst.cadres[c].preferred_counties.is_empty() { 0.0 } else { p.preference_penalty };
        prep.travel_cost(c, k) + penalty
    };
    let mut index: HashMap<ClassKey, usize> = HashMap::new();
    let mut out: Vec<Class> = Vec::new();
    for c in 0..prep.n_cadres() {
        let cadre = &prep.inst.cadres[c];
        let eligible = prep.eligible[c].clone();
        let senior = cadre.senior;
        let upper = cadre.level.is_upper();
        let years = [prep.active(c, 0), prep.active(c, 1)];
        let no_lead = prep.locks.no_lead[c].clone();
        let coef: Vec<f64> =
            eligible.iter().map(|&k| if exceptions { pool(c, k) } else { prep.s1_coefficient(c, k) }).collect();
        // Only a preferred or the previous county can differ from what the class pays.
        let special: Vec<(usize, f64)> = if exceptions {
            let mut own: Vec<usize> = cadre.preferred_counties.iter().map(|p| prep.county_index[p.as_str()]).collect();
            own.extend(prep.previous_county(c));
            own.sort_unstable();
            own.dedup();
            own.into_iter()
                .filter_map(|k| {
                    let i = eligible.iter().position(|&e| e == k)?;
                    let v = prep.s1_coefficient(c, k);
                    (v != coef[i]).then_some((k, v))
                })
                .collect()
        } else {
            Vec::new()
        };
        let special = if special.is_empty() { Vec::new() } else { vec![(c, special)] };
        let new_class = Class {
            members: vec![c],
            eligible: eligible.clone(),
            senior,
            upper,
            years,
            no_lead: no_lead.clone(),
            coef: coef.clone(),
            special: special.clone(),
        };
        if formulation == Formulation::Plain {
            out.push(new_class);
            continue;
        }
        let coefs = coef.iter().map(|a| a.to_bits()).collect();
        let listed = cadre.active_years.clone();
        // A1–A3 count province cadres, and A3 each department's on its own.
        let spread_tag = match (prep.inst.spread.is_none(), cadre.level == Level::Province) {
            (true, _) | (false, false) => None,
            (false, true) => Some(prep.department_of[c]),
        };
        let previous = prep.inst.parameters.continuity_at_least.and(prep.previous_county(c));
        let key =
            (eligible, coefs, senior, upper, years, listed, [cadre.from, cadre.until], no_lead, spread_tag, previous);
        match index.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let class = &mut out[*e.get()];
                class.members.push(c);
                class.special.extend(special);
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(new_class);
            }
        }
    }
    out
}

/// The result of S1: each cadre's county and each county's leader (indices).
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// County index of each cadre.
    pub county_of: Vec<usize>,
    /// Leader (cadre index) of each county at the end of the plan; `None` only for an
    /// empty best-effort group.
    pub leader: Vec<Option<usize>>,
    /// Earlier leaders of each county, each with the day the next one took over.
    pub former_leaders: Vec<Vec<(usize, chrono::NaiveDate)>>,
}

/// The S1 model and the handles the stages need.
pub(crate) struct Model {
    pub(crate) milp: Milp,
    /// Per class: (county, variable) for every non-forced eligible county.
    pub(crate) n: Vec<Vec<(usize, Var)>>,
    /// Per class: (member, county, variable) of each special column `y[id,county]`.
    pub(crate) special: Vec<Vec<(usize, usize, Var)>>,
    /// Per member with special columns: the name of its row `H1_special[id]` and its id.
    special_rows: Vec<(String, String)>,
    /// Best-effort: covered townships per county (B1).
    cover: Vec<Var>,
    /// Best-effort: senior-member indicator per county (B2).
    senior: Vec<Var>,
    /// Best-effort: mixed-composition indicator per county (B3).
    mixed: Vec<Var>,
    /// Objective of S1: coefficient per n variable, and the constant of forced classes.
    pub(crate) s1_terms: Vec<(Var, f64)>,
    pub(crate) s1_offset: f64,
    /// Name of each class's `H1_assign` row and the ids of its members: a proof names the
    /// row of each cadre (`H1_assign[P017]`), the dual of the disaggregated model.
    h1_rows: Vec<(String, Vec<String>)>,
    /// Per class: the index of its `H1_assign` row (`None` for a forced class).
    pub(crate) h1_index: Vec<Option<usize>>,
    /// Per county: (class, variable) of every class that may join it.
    pub(crate) cols_in: Vec<Vec<(usize, Var)>>,
    /// Per county: the forced classes, fixed into it.
    pub(crate) forced_in: Vec<Vec<usize>>,
    /// The days H3 and H4 are checked on (stretch starts of the whole roster), and per class
    /// whether its members serve on each.
    pub(crate) days: Vec<chrono::NaiveDate>,
    pub(crate) on_day: Vec<Vec<bool>>,
    /// Robust planning's rows were added (`robust`): the checker does not derive them, so the
    /// proofs of this model are the solver's bound.
    pub(crate) robust: bool,
    /// Continuity's ε-form row `C_at_least` was added: likewise not derived by the checker.
    pub(crate) continuity: bool,
}

impl Model {
    /// Every column of class `q`: (county, variable), its own and its members' special ones.
    pub(crate) fn class_columns(&self, q: usize) -> impl Iterator<Item = (usize, Var)> + '_ {
        self.n[q].iter().copied().chain(self.special[q].iter().map(|&(_, k, v)| (k, v)))
    }

    /// The proof of a solve of this model: its LP duals with each class's `H1_assign` dual
    /// given to every member's own row (the plain model's dual, with the same bound).
    pub(crate) fn proof(&self, prep: &Prepared, r: &MilpResult) -> Proof {
        // The spreading rules have no dual the checker can read back (A3 has 0/1 columns),
        // nor have robust planning's rows.
        if !prep.inst.spread.is_none() || self.robust || self.continuity {
            return Proof::Solver;
        }
        let Proof::LpDuals { mut duals } = lp_proof(&self.milp, r) else { return Proof::Solver };
        // A member with special columns: its own row's dual is added to its class's (the
        // plain model's H1_assign row splits into the two).
        let own: HashMap<&str, f64> =
            self.special_rows.iter().filter_map(|(row, id)| Some((id.as_str(), duals.remove(row)?))).collect();
        for (row, members) in &self.h1_rows {
            // (A row missing from the duals has dual 0; its members' own rows still count.)
            let y = duals.remove(row).unwrap_or(0.0);
            for id in members {
                let dual = y + own.get(id.as_str()).copied().unwrap_or(0.0);
                if dual != 0.0 {
                    duals.insert(format!("H1_assign[{id}]"), dual);
                }
            }
        }
        Proof::LpDuals { duals }
    }
}

fn build(prep: &Prepared, classes: &[Class], mode: PlanMode) -> Model {
    build_with(prep, classes, mode, &[])
}

/// The S1 model in which the classes flagged in `optional` (missing flags: false) may
/// leave members at home (`min_roster`): such a class is never forced (it gets a
/// variable even for a single eligible county) and its row is `H1_assign[q]`
/// 0 ≤ Σ_k n[q,k] ≤ |q|.
pub(crate) fn build_with_optional(prep: &Prepared, classes: &[Class], mode: PlanMode, optional: &[bool]) -> Model {
    build_with(prep, classes, mode, optional)
}

/// The S1 model with optional classes.
fn build_with(prep: &Prepared, classes: &[Class], mode: PlanMode, optional: &[bool]) -> Model {
    let p = &prep.inst.parameters;
    let nk = prep.n_counties();
    let codes: Vec<&str> = prep.inst.region.counties.iter().map(|k| k.code.as_str()).collect();
    let townships: Vec<f64> = prep.townships_of.iter().map(|t| t.len() as f64).collect();
    let load_cap = p.max_cadres_per_township_year as f64;
    let min_upper = p.min_upper_per_group as f64;
    let best_effort = mode == PlanMode::BestEffort;

    // H3 and H4 hold in each plan year and at every date (v1.1): the plan is split into
    // stretches (each year's window, cut where a service period starts or ends), and a row
    // is written per stretch, named after its first day (duplicates are left out). H6
    // counts the cadres serving in the same month: a row per distinct set of serving
    // classes, named after the first month it occurs in.
    let days = prep.stretch_starts(0..prep.n_cadres());
    let on_day: Vec<Vec<bool>> =
        classes.iter().map(|cl| days.iter().map(|&d| prep.serves_on(cl.members[0], d)).collect()).collect();
    let month_patterns: [Vec<(u32, Vec<bool>)>; 2] = [0, 1].map(|y| {
        let mut patterns: Vec<(u32, Vec<bool>)> = Vec::new();
        for month in p.window_months() {
            let pattern: Vec<bool> =
                classes.iter().map(|cl| cl.years[y] && prep.serves_month(cl.members[0], y, month)).collect();
            if !patterns.iter().any(|(_, q)| *q == pattern) {
                patterns.push((month, pattern));
            }
        }
        patterns
    });

    let waste: Vec<f64> = (0..nk).map(|k| prep.locks.waste.get(k).copied().unwrap_or(0) as f64).collect();
    // Cadre-years a class gives towards H7.
    let cover_years = |q: usize| classes[q].cadre_years();
    let mut fixed_cover = vec![0.0; nk];
    let mut forced_in: Vec<Vec<usize>> = vec![Vec::new(); nk];
    let mut s1_offset = 0.0;
    let mut m = Milp::new("S1 groups", Direction::Min);
    let mut n = vec![Vec::new(); classes.len()];
    let mut special = vec![Vec::new(); classes.len()];
    let mut special_rows = Vec::new();
    let mut s1_terms = Vec::new();
    let mut cols_in = vec![Vec::new(); nk];
    let mut h1_rows = Vec::new();
    let mut h1_index = vec![None; classes.len()];

    for (q, class) in classes.iter().enumerate() {
        let optional = optional.get(q).copied().unwrap_or(false);
        if let Some(k) = class.forced().filter(|_| !optional) {
            fixed_cover[k] += class.size() * cover_years(q);
            forced_in[k].push(q);
            s1_offset += class.members.iter().map(|&c| prep.s1_coefficient(c, k)).sum::<f64>();
        } else {
            for (&k, &coef) in class.eligible.iter().zip(&class.coef) {
                let v = m.col(format!("n[q{q},{}]", codes[k]), 0.0, class.size(), true, coef);
                s1_terms.push((v, coef));
                n[q].push((k, v));
                cols_in[k].push((q, v));
            }
            // H1 for a member with special columns: at most one of them (the class's row
            // counts it either there or in the class's columns).
            for (c, counties) in &class.special {
                let id = &prep.inst.cadres[*c].id;
                let mut own = Vec::new();
                for &(k, coef) in counties {
                    let v = m.col(format!("y[{id},{}]", codes[k]), 0.0, 1.0, true, coef);
                    s1_terms.push((v, coef));
                    special[q].push((*c, k, v));
                    cols_in[k].push((q, v));
                    own.push((v, 1.0));
                }
                let name = format!("H1_special[{id}]");
                // Without a lower bound (Σ y ≥ 0 is implied): the row's dual is then never
                // positive, and added to the class's it is a dual of the plain model.
                m.row(name.clone(), own, f64::NEG_INFINITY, 1.0);
                special_rows.push((name, id.clone()));
            }
            let lb = if optional { 0.0 } else { class.size() };
            let name = format!("H1_assign[q{q}]");
            let all = n[q].iter().map(|&(_, v)| (v, 1.0)).chain(special[q].iter().map(|&(_, _, v)| (v, 1.0)));
            h1_index[q] = Some(m.n_rows());
            m.row(name.clone(), all, lb, class.size());
            h1_rows.push((name, class.members.iter().map(|&c| prep.inst.cadres[c].id.clone()).collect()));
        }
    }

    let mut cover_vars = Vec::new();
    let mut senior = Vec::new();
    let mut mixed = Vec::new();
    for k in 0..nk {
        let code = codes[k];
        // Terms and forced constant of the classes in county k that pass `keep`.
        let part = |keep: &dyn Fn(usize) -> bool| -> (Vec<(Var, f64)>, f64) {
            let terms = cols_in[k].iter().filter(|(q, _)| keep(*q)).map(|&(_, v)| (v, 1.0)).collect();
            let fixed = forced_in[k].iter().filter(|&&q| keep(q)).map(|&q| classes[q].size()).sum();
            (terms, fixed)
        };
        // One (day, terms, constant) per stretch, without repeats.
        let per_day = |keep: &dyn Fn(usize) -> bool| -> Vec<DatedRow> {
            let mut out: Vec<DatedRow> = Vec::new();
            for (di, &day) in days.iter().enumerate() {
                let (terms, fixed) = part(&|q| keep(q) && on_day[q][di]);
                if !out.iter().any(|(_, t, f)| *t == terms && *f == fixed) {
                    out.push((day, terms, fixed));
                }
            }
            out
        };
        // H3 counts the members who may lead this group: senior, and not barred from it (P4).
        let seniors_on = per_day(&|q| classes[q].senior && !classes[q].no_lead.contains(&k));
        let uppers_on = per_day(&|q| classes[q].upper);
        let cover_terms: Vec<(Var, f64)> =
            cols_in[k].iter().map(|&(q, v)| (v, cover_years(q))).filter(|&(_, a)| a > 0.0).collect();
        if best_effort {
            let indicator = |m: &mut Milp,
                             col: &str,
                             row: &str,
                             ub: f64,
                             scale: f64,
                             parts: &[(Option<chrono::NaiveDate>, Terms, f64)]| {
                let x = m.col(format!("{col}[{code}]"), 0.0, ub, true, 0.0);
                for (day, terms, fixed) in parts {
                    let mut r = vec![(x, scale)];
                    r.extend(terms.iter().map(|&(v, a)| (v, -a)));
                    let tag = day.map(|d| format!(",{d}")).unwrap_or_default();
                    m.row(format!("{row}[{code}{tag}]"), r, f64::NEG_INFINITY, *fixed);
                }
                x
            };
            let dated = |v: Vec<DatedRow>| v.into_iter().map(|(d, t, f)| (Some(d), t, f)).collect::<Vec<_>>();
            cover_vars.push(indicator(
                &mut m,
                "cover",
                "B1_cover",
                townships[k],
                1.0,
                &[(None, cover_terms.clone(), fixed_cover[k] - waste[k])],
            ));
            senior.push(indicator(&mut m, "senior", "B2_senior", 1.0, 1.0, &dated(seniors_on)));
            mixed.push(indicator(&mut m, "mixed", "B3_mixed", 1.0, min_upper, &dated(uppers_on)));
        } else {
            for (day, terms, fixed) in seniors_on {
                m.row(format!("H3_senior_member[{code},{day}]"), terms, 1.0 - fixed, f64::INFINITY);
            }
            if min_upper > 0.0 {
                for (day, terms, fixed) in uppers_on {
                    m.row(format!("H4_mixed[{code},{day}]"), terms, min_upper - fixed, f64::INFINITY);
                }
            }
            // Locked cadre-years that add no township of their own (P5) are needed on top.
            let need = townships[k] + waste[k] - fixed_cover[k];
            m.row(format!("H7_cover[{code}]"), cover_terms.clone(), need, f64::INFINITY);
            if need > 0.0 {
                // Rounding of H7_cover (every class gives at most 2 cadre-years, so at least
                // ⌈need / 2⌉ more cadres): valid for integer counts, and it closes the LP gap.
                let heads: Vec<(Var, f64)> = cover_terms.iter().map(|&(v, _)| (v, 1.0)).collect();
                m.row(format!("H7_cover_rounded[{code}]"), heads, (need / 2.0).ceil(), f64::INFINITY);
            }
        }
        for y in 0..2 {
            for (month, pattern) in &month_patterns[y] {
                let (load, fixed) = part(&|q| pattern[q]);
                m.row(
                    format!("H6_load[{code},{}-{month:02}]", prep.inst.year(y)),
                    load,
                    f64::NEG_INFINITY,
                    load_cap * townships[k] - fixed,
                );
            }
        }
    }
    spread_rows(prep, classes, &mut m, &cols_in, &forced_in);
    m.offset = s1_offset;
    Model {
        milp: m,
        n,
        special,
        special_rows,
        cover: cover_vars,
        senior,
        mixed,
        s1_terms,
        s1_offset,
        h1_rows,
        h1_index,
        cols_in,
        forced_in,
        days,
        on_day,
        robust: false,
        continuity: false,
    }
}

/// The province's spreading rules (`Instance::spread`), on the counts of province cadres:
/// `A1_city_min[city]` Σ_{q province, k ∈ city} n[q,k] ≥ min_province_per_city;
/// `A2_group_max[k]` Σ_{q province} n[q,k] ≤ max_province_per_group; and for A3, a 0/1
/// `in_city[dept,city]` with `A3_in_city[dept,city]` in_city ≤ Σ_{q ∈ dept, k ∈ city} n[q,k]
/// and `A3_department_cities[dept]` Σ_city in_city ≥ min(M, department size, cities).
fn spread_rows(
    prep: &Prepared,
    classes: &[Class],
    m: &mut Milp,
    cols_in: &[Vec<(usize, Var)>],
    forced_in: &[Vec<usize>],
) {
    let spread = &prep.inst.spread;
    if spread.is_none() {
        return;
    }
    let region = &prep.inst.region;
    let province = |q: usize| prep.inst.cadres[classes[q].members[0]].level == Level::Province;
    let size = |q: usize| classes[q].size();
    // (terms, constant) of the province cadres of the classes passing `keep` in counties `ks`.
    let count = |ks: &[usize], keep: &dyn Fn(usize) -> bool| -> (Terms, f64) {
        let mut terms = Vec::new();
        let mut fixed = 0.0;
        for &k in ks {
            terms.extend(cols_in[k].iter().filter(|(q, _)| province(*q) && keep(*q)).map(|&(_, v)| (v, 1.0)));
            fixed += forced_in[k].iter().filter(|&&q| province(q) && keep(q)).map(|&q| size(q)).sum::<f64>();
        }
        (terms, fixed)
    };
    let cities: Vec<(&str, Vec<usize>)> = region
        .cities
        .iter()
        .map(|c| (c.code.as_str(), (0..prep.n_counties()).filter(|&k| region.counties[k].city == c.code).collect()))
        .filter(|(_, ks): &(&str, Vec<usize>)| !ks.is_empty())
        .collect();
    if spread.min_province_per_city > 0 {
        for (code, ks) in &cities {
            let (terms, fixed) = count(ks, &|_| true);
            m.row(format!("A1_city_min[{code}]"), terms, spread.min_province_per_city as f64 - fixed, f64::INFINITY);
        }
    }
    if let Some(max) = spread.max_province_per_group {
        for k in 0..prep.n_counties() {
            let (terms, fixed) = count(&[k], &|_| true);
            m.row(format!("A2_group_max[{}]", region.counties[k].code), terms, f64::NEG_INFINITY, max as f64 - fixed);
        }
    }
    if spread.min_cities_per_department > 1 {
        let mut departments: Vec<usize> =
            (0..classes.len()).filter(|&q| province(q)).map(|q| prep.department_of[classes[q].members[0]]).collect();
        departments.sort_unstable();
        departments.dedup();
        for d in departments {
            let name = &prep.departments[d];
            let members = (0..prep.n_cadres())
                .filter(|&c| prep.department_of[c] == d && prep.inst.cadres[c].level == Level::Province)
                .count();
            let need = spread.department_cities(members, cities.len());
            let in_dept = |q: usize| prep.department_of[classes[q].members[0]] == d;
            let mut chosen = Vec::new();
            for (code, ks) in &cities {
                let (terms, fixed) = count(ks, &in_dept);
                let z = m.col(format!("in_city[{name},{code}]"), 0.0, 1.0, true, 0.0);
                let mut row = vec![(z, 1.0)];
                row.extend(terms.iter().map(|&(v, a)| (v, -a)));
                m.row(format!("A3_in_city[{name},{code}]"), row, f64::NEG_INFINITY, fixed);
                chosen.push((z, 1.0));
            }
            m.row(format!("A3_department_cities[{name}]"), chosen, need as f64, f64::INFINITY);
        }
    }
}

/// Optimise one goal on the S1 model, record it, and hold its value for the stages after.
fn hold_goal(
    prep: &Prepared,
    model: &mut Model,
    stager: &mut Stager,
    goal: Goal,
    offset: f64,
) -> Result<(), S1Outcome> {
    let (id, name, direction, terms) = goal;
    model.milp.set_objective(direction, terms.clone(), offset);
    let r = stager.run(id, &model.milp, 1.0);
    match &r.status {
        MilpStatus::Optimal | MilpStatus::Limit => {}
        MilpStatus::Infeasible => return Err(S1Outcome::Infeasible),
        status => return Err(S1Outcome::Failed(SolveError::from_status(id, status))),
    }
    let value = r.objective.round();
    let sense = if direction == Direction::Min { "min" } else { "max" };
    let figures = StageFigures::of(&r, value, 1.0).proved(model.proof(prep, &r));
    stager.record(stage_report(id, name, sense, figures, BTreeMap::new()));
    // The goal's values are whole numbers: hold exactly the value reached.
    let held = value - offset;
    let (lb, ub) = if direction == Direction::Min { (f64::NEG_INFINITY, held) } else { (held, f64::INFINITY) };
    model.milp.row(format!("{id}_fixed"), terms, lb, ub);
    Ok(())
}

/// What S1 ended with.
pub(crate) enum S1Outcome {
    Solved(Groups),
    /// Strict mode: the rules admit no plan (MILP proof).
    Infeasible,
    /// The time limit struck before any valid grouping was found, or HiGHS failed.
    Failed(SolveError),
}

/// A goal solved before S1 and then held: (stage id, name, direction, objective terms).
type Goal = (&'static str, &'static str, Direction, Vec<(Var, f64)>);

/// Solve the best-effort goals (if any) and S1, recording each stage.
pub(crate) fn solve(prep: &Prepared, formulation: Formulation, mode: PlanMode, stager: &mut Stager) -> S1Outcome {
    let classes = classes(prep, formulation, true);
    let mut model = build(prep, &classes, mode);
    if mode == PlanMode::BestEffort {
        let goals: [Goal; 3] = [
            ("B1", "H7 goal: townships covered", Direction::Max, model.cover.iter().map(|&v| (v, 1.0)).collect()),
            (
                "B2",
                "H3 goal: groups led by a senior cadre",
                Direction::Max,
                model.senior.iter().map(|&v| (v, 1.0)).collect(),
            ),
            (
                "B3",
                "H4 goal: groups with mixed composition",
                Direction::Max,
                model.mixed.iter().map(|&v| (v, 1.0)).collect(),
            ),
        ];
        for goal in goals {
            if let Err(stop) = hold_goal(prep, &mut model, stager, goal, 0.0) {
                return stop;
            }
        }
    }
    // Robust planning (docs/robust.md): stage N, or its ε-form, after the goals of §6.
    let goal = match &prep.inst.parameters.robust {
        None => None,
        Some(robust) => match robust_goal(prep, &classes, &mut model, mode, robust, stager) {
            Ok(goal) => Some(goal),
            Err(stop) => return stop,
        },
    };
    let continuity =
        prep.inst.parameters.continuity_at_least.map(|least| continuity_row(prep, &classes, &mut model, least));
    model.milp.set_objective(Direction::Min, model.s1_terms.clone(), model.s1_offset);
    let mut r = stager.run("S1", &model.milp, 0.01);
    if let Some(RobustGoal::Relaxed { lp, most, row, terms }) = &goal {
        if r.has_solution() {
            // The relaxation's bound is reached: N's optimum, with the LP as its bound.
            let figures = StageFigures { bound: *most, ..StageFigures::of(lp, *most, 1.0) };
            stager.record(stage_report("N", "robust (N−1) groups", "max", figures, BTreeMap::new()));
        } else if r.status == MilpStatus::Infeasible {
            // Fewer: stage N as a MILP, then S1 again.
            model.milp.truncate_rows(*row);
            let goal = ("N", "robust (N−1) groups", Direction::Max, terms.clone());
            if let Err(stop) = hold_goal(prep, &mut model, stager, goal, 0.0) {
                return stop;
            }
            model.milp.set_objective(Direction::Min, model.s1_terms.clone(), model.s1_offset);
            r = stager.run("S1", &model.milp, 0.01);
        }
    }
    if let (MilpStatus::Infeasible, Some((least, row, terms, fixed))) = (&r.status, continuity) {
        // Continuity's ε-form asked for more than any plan keeps: the most, as the answer.
        return match most_reachable(&mut model, stager, "C", row, terms, fixed) {
            Ok(most) => S1Outcome::Failed(SolveError::ContinuityTarget { at_least: least, most }),
            Err(stop) => stop,
        };
    }
    match &r.status {
        MilpStatus::Optimal | MilpStatus::Limit => {}
        MilpStatus::Infeasible => match goal {
            // The ε-form asked for more robust groups than any plan has, or no plan exists.
            Some(RobustGoal::AtLeast { least, row, terms }) => {
                return match most_reachable(&mut model, stager, "N", row, terms, 0.0) {
                    Ok(most) => S1Outcome::Failed(SolveError::RobustTarget { at_least: least, most }),
                    Err(stop) => stop,
                };
            }
            _ => return S1Outcome::Infeasible,
        },
        status => return S1Outcome::Failed(SolveError::from_status("S1", status)),
    }
    let groups = disaggregate(prep, &classes, &model, &r);
    let terms = s1_terms(prep, &groups.county_of);
    let objective = terms["travel"] + terms["preference_penalty"] - terms["continuity_bonus"];
    let proof = model.proof(prep, &r);
    stager.record(stage_report(
        "S1",
        "min travel cost + preference penalty − continuity bonus",
        "min",
        StageFigures::of(&r, objective, 0.01).proved(proof),
        terms,
    ));
    S1Outcome::Solved(groups)
}

/// Robust planning's goal as S1 meets it.
enum RobustGoal {
    /// Stage N's relaxation, solved: its bound `most` is held by `N_fixed` (the model's row
    /// `row`) while S1 is solved.
    Relaxed { lp: MilpResult, most: f64, row: usize, terms: Terms },
    /// The ε-form: `N_at_least` (row `row`) asks for `least` robust groups.
    AtLeast { least: u32, row: usize, terms: Terms },
}

/// Add robust planning's rows and set up its goal: stage N's LP relaxation solved and its
/// bound held (LP first: when S1 then finds a plan, that bound is N's optimum; otherwise N is
/// solved as a MILP), or the ε-form's row.
fn robust_goal(
    prep: &Prepared,
    classes: &[Class],
    model: &mut Model,
    mode: PlanMode,
    robust: &sanlian_model::Robust,
    stager: &mut Stager,
) -> Result<RobustGoal, S1Outcome> {
    let r = crate::robust::add_rows(prep, classes, model, mode, robust);
    let terms: Terms = r.iter().map(|&v| (v, 1.0)).collect();
    let row = model.milp.n_rows();
    if let Some(least) = robust.at_least {
        model.milp.row("N_at_least".into(), terms.clone(), least as f64, f64::INFINITY);
        return Ok(RobustGoal::AtLeast { least, row, terms });
    }
    model.milp.set_objective(Direction::Max, terms.clone(), 0.0);
    let lp = stager.run_relaxation("N", &model.milp);
    match &lp.status {
        MilpStatus::Optimal => {}
        MilpStatus::Infeasible => return Err(S1Outcome::Infeasible),
        status => return Err(S1Outcome::Failed(SolveError::from_status("N", status))),
    }
    let most = optimality::on_grid(lp.objective, 1.0, true);
    model.milp.row("N_fixed".into(), terms.clone(), most, f64::INFINITY);
    Ok(RobustGoal::Relaxed { lp, most, row, terms })
}

/// Continuity's ε-form: `C_at_least` Σ of the cadres placed in their previous county ≥
/// `least` (classes are split by previous county then), S1 then minimised with it. Its row, its
/// terms and the cadres of forced classes it counts.
fn continuity_row(prep: &Prepared, classes: &[Class], model: &mut Model, least: u32) -> (u32, usize, Terms, f64) {
    let mut terms: Terms = Vec::new();
    let mut fixed = 0.0;
    for (q, class) in classes.iter().enumerate() {
        let Some(previous) = prep.previous_county(class.members[0]) else { continue };
        match class.forced() {
            Some(k) if k == previous => fixed += class.size(),
            Some(_) => {}
            None => terms.extend(model.class_columns(q).filter(|&(k, _)| k == previous).map(|(_, v)| (v, 1.0))),
        }
    }
    let row = model.milp.n_rows();
    model.milp.row("C_at_least".into(), terms.clone(), least as f64 - fixed, f64::INFINITY);
    model.continuity = true;
    (least, row, terms, fixed)
}

/// An ε-form's level that no valid plan reaches: the most any plan has — the ε-form's row (the
/// model's row `row`, and any after it) dropped and its terms maximised as stage `stage` — or
/// the outcome when there is no plan at all.
fn most_reachable(
    model: &mut Model,
    stager: &mut Stager,
    stage: &'static str,
    row: usize,
    terms: Terms,
    offset: f64,
) -> Result<u32, S1Outcome> {
    model.milp.truncate_rows(row);
    model.milp.set_objective(Direction::Max, terms, offset);
    let r = stager.run(stage, &model.milp, 1.0);
    match &r.status {
        MilpStatus::Optimal | MilpStatus::Limit => Ok((r.bound + 1e-6).floor().max(r.objective.round()) as u32),
        MilpStatus::Infeasible => Err(S1Outcome::Infeasible),
        status => Err(S1Outcome::Failed(SolveError::from_status(stage, status))),
    }
}

/// S1 value of an assignment: Σ over cadres of travel + preference penalty − continuity bonus.
pub fn s1_value(prep: &Prepared, county_of: &[usize]) -> f64 {
    county_of.iter().enumerate().map(|(c, &k)| prep.s1_coefficient(c, k)).sum()
}

/// The S1 terms of an assignment, recomputed cadre by cadre: travel (yuan),
/// preference penalty and continuity bonus (yuan), and the counts behind them.
pub fn s1_terms(prep: &Prepared, county_of: &[usize]) -> BTreeMap<String, f64> {
    let p = &prep.inst.parameters;
    let travel: f64 = county_of.iter().enumerate().map(|(c, &k)| prep.travel_cost(c, k)).sum();
    let missed = county_of.iter().enumerate().filter(|&(c, &k)| prep.misses_preference(c, k)).count() as f64;
    let kept = county_of.iter().enumerate().filter(|&(c, &k)| prep.is_previous(c, k)).count() as f64;
    BTreeMap::from([
        ("travel".to_string(), travel),
        ("preference_misses".to_string(), missed),
        ("preference_penalty".to_string(), missed * p.preference_penalty),
        ("continuity_kept".to_string(), kept),
        ("continuity_bonus".to_string(), kept * p.continuity_bonus),
    ])
}

fn disaggregate(prep: &Prepared, classes: &[Class], model: &Model, r: &MilpResult) -> Groups {
    let mut county_of = vec![usize::MAX; prep.n_cadres()];
    for (q, class) in classes.iter().enumerate() {
        let mut members = class.members.iter().copied();
        if let Some(k) = class.forced() {
            for c in members.by_ref() {
                county_of[c] = k;
            }
        }
        // Members placed by their own columns first, the others by the class's counts.
        let mut placed = Vec::new();
        for &(c, k, v) in &model.special[q] {
            if r.int(v) == 1 {
                county_of[c] = k;
                placed.push(c);
            }
        }
        let counts: Vec<(usize, usize)> =
            model.n[q].iter().map(|&(k, v)| (k, r.int(v) as usize)).filter(|&(_, n)| n > 0).collect();
        let rest: Vec<usize> = members.filter(|c| !placed.contains(c)).collect();
        for (c, k) in place_members(prep, &rest, &counts) {
            county_of[c] = k;
        }
    }
    let (leader, former_leaders) = choose_leaders(prep, &county_of);
    Groups { county_of, leader, former_leaders }
}

/// Which members of a class go to which of its counties. They are interchangeable for
/// S1, so any choice keeps S1 optimal; this one maximises the best strength–need match
/// each member could find among the county's townships (a proxy for S2), by a small
/// transportation LP, and keeps roster order where strengths make no difference.
fn place_members(prep: &Prepared, members: &[usize], counts: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let in_order = || {
        let mut it = members.iter().copied();
        counts
            .iter()
            .flat_map(|&(k, n)| {
                (0..n).map(|_| (it.next().expect("H1_assign: counts add up to the class size"), k)).collect::<Vec<_>>()
            })
            .collect()
    };
    let best_match = |c: usize, k: usize| -> f64 {
        let best = prep.townships_of[k].iter().map(|&i| prep.matches(c, i)).max().unwrap_or(0);
        prep.inst.parameters.match_value * best as f64 * prep.active_years(c) as f64
    };
    if counts.len() < 2 || members.iter().all(|&c| counts.iter().all(|&(k, _)| best_match(c, k) == 0.0)) {
        return in_order();
    }
    let mut m = Milp::new("S1 placement", Direction::Max);
    let mut x = Vec::new();
    for (pos, &c) in members.iter().enumerate() {
        let vars: Vec<(Var, f64)> = counts
            .iter()
            .enumerate()
            .map(|(j, &(k, _))| {
                // A vanishing preference for roster order makes the choice deterministic among equals.
                let order = 1e-6 * ((members.len() - pos) * (counts.len() - j)) as f64;
                let v = m.col(format!("place[{c},{k}]"), 0.0, 1.0, true, best_match(c, k) + order);
                x.push((c, k, v));
                (v, 1.0)
            })
            .collect();
        m.row(format!("one[{c}]"), vars, 1.0, 1.0);
    }
    for &(k, n) in counts {
        let vars: Vec<(Var, f64)> = x.iter().filter(|(_, kk, _)| *kk == k).map(|&(_, _, v)| (v, 1.0)).collect();
        m.row(format!("count[{k}]"), vars, n as f64, n as f64);
    }
    let r = m.solve(&MilpSettings::default());
    if !r.has_solution() {
        return in_order();
    }
    x.iter().filter(|&&(_, _, v)| r.int(v) == 1).map(|&(c, k, _)| (c, k)).collect()
}

/// H3: each group's leader is a senior member of the highest level (province
/// first), earliest in the roster; a group without senior members (best-effort
/// only) is led by its highest-level member; an empty group has no leader. A leader
/// leads while it is in service (its active years and service period, v1.1); on the
/// first day of a stretch it does not serve, the best-ranked senior member then in
/// service takes over: the function returns the last leaders and, per county, the
/// earlier ones with the day each handed over.
#[allow(clippy::type_complexity)]
pub fn choose_leaders(
    prep: &Prepared,
    county_of: &[usize],
) -> (Vec<Option<usize>>, Vec<Vec<(usize, chrono::NaiveDate)>>) {
    choose_leaders_preferring(prep, county_of, None)
}

/// [`choose_leaders`], with one cadre put first whenever its group needs a new leader on or
/// after a date (a takeover: that cadre leads its group from then on, while it serves).
#[allow(clippy::type_complexity)]
pub fn choose_leaders_preferring(
    prep: &Prepared,
    county_of: &[usize],
    prefer: Option<(usize, chrono::NaiveDate)>,
) -> (Vec<Option<usize>>, Vec<Vec<(usize, chrono::NaiveDate)>>) {
    let rank = |c: usize, day: chrono::NaiveDate| {
        let cadre = &prep.inst.cadres[c];
        let first = prefer.is_some_and(|(p, from)| p == c && day >= from);
        (!first, !cadre.senior, cadre.level, c)
    };
    // P3: a locked leader leads whenever it serves; P4: a barred cadre never leads there.
    let may_lead = |c: usize, k: usize| !prep.locks.bars_lead(c, k);
    let mut members = vec![Vec::new(); prep.n_counties()];
    for (c, &k) in county_of.iter().enumerate() {
        members[k].push(c);
    }
    let mut leader: Vec<Option<usize>> = vec![None; prep.n_counties()];
    let mut former = vec![Vec::new(); prep.n_counties()];
    for k in 0..prep.n_counties() {
        let locked = prep.locks.leader_of.get(k).copied().flatten().filter(|&c| county_of[c] == k);
        for day in prep.stretch_starts(members[k].iter().copied()) {
            let serves = |c: usize| prep.serves_on(c, day);
            let next = match locked.filter(|&c| serves(c)) {
                Some(c) => Some(c),
                None if leader[k].is_some_and(serves) => continue,
                None => {
                    members[k].iter().copied().filter(|&c| serves(c) && may_lead(c, k)).min_by_key(|&c| rank(c, day))
                }
            };
            let Some(next) = next else {
                continue;
            };
            if leader[k] == Some(next) {
                continue;
            }
            if let Some(prev) = leader[k] {
                // The leader in charge until now stops serving on this day: it led until then.
                former[k].push((prev, day));
            }
            leader[k] = Some(next);
        }
    }
    (leader, former)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanlian_model::Instance;

    fn shandong() -> Instance {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/shandong/instance.json");
        Instance::from_json(&std::fs::read_to_string(path).expect("fixture")).expect("parses")
    }

    /// The fixture with every other cadre who may join more than two counties given 1–2
    /// preferred counties and a previous county among those H2 allows, and a copy without any.
    fn with_and_without() -> (Instance, Instance) {
        let mut plain = shandong();
        for c in &mut plain.cadres {
            c.preferred_counties.clear();
            c.previous_county = None;
        }
        let prep = Prepared::new(&plain).expect("valid");
        let mut varied = plain.clone();
        for (c, cadre) in varied.cadres.iter_mut().enumerate() {
            let e = &prep.eligible[c];
            if e.len() > 2 && c % 2 == 0 {
                let code = |i: usize| plain.region.counties[e[(c * 7 + i) % e.len()]].code.clone();
                cadre.preferred_counties = if c % 4 == 0 { vec![code(0)] } else { vec![code(0), code(1)] };
                cadre.preferred_counties.sort();
                cadre.preferred_counties.dedup();
                cadre.previous_county = Some(code(3));
            }
        }
        (varied, plain)
    }

    #[test]
    fn preferences_and_previous_counties_split_no_class() {
        let (varied, plain) = with_and_without();
        let (pv, pp) = (Prepared::new(&varied).unwrap(), Prepared::new(&plain).unwrap());
        let with = classes(&pv, Formulation::Aggregated, true);
        let without = classes(&pp, Formulation::Aggregated, true);
        let special: usize = with.iter().map(|q| q.special.len()).sum();
        assert!(special > 100, "{special} cadres with special counties");
        // Having preferences adds the penalty to every other county: it may split a class in
        // two (with and without preferences), never more.
        assert!(with.len() <= 2 * without.len(), "{} classes against {}", with.len(), without.len());
        let split = classes(&pv, Formulation::Aggregated, false).len();
        assert!(with.len() < split, "{} classes with special columns, {split} without", with.len());
        for q in &with {
            for (c, counties) in &q.special {
                assert!(q.members.contains(c));
                for &(k, coef) in counties {
                    let i = q.eligible.iter().position(|&e| e == k).expect("an eligible county");
                    assert_eq!(coef, pv.s1_coefficient(*c, k));
                    assert_ne!(coef, q.coef[i], "a special county differs from the class's coefficient");
                }
            }
            for &c in &q.members {
                for (i, &k) in q.eligible.iter().enumerate() {
                    let own = q.special.iter().find(|(m, _)| *m == c).and_then(|(_, ks)| ks.iter().find(|x| x.0 == k));
                    assert_eq!(own.map_or(q.coef[i], |x| x.1), pv.s1_coefficient(c, k), "cadre {c} county {k}");
                }
            }
        }
    }

    #[test]
    fn special_columns_keep_s1_and_its_dual_proof() {
        let (varied, _) = with_and_without();
        let prep = Prepared::new(&varied).unwrap();
        let mut values = Vec::new();
        for formulation in [Formulation::Aggregated, Formulation::Plain] {
            let opts = crate::SolveOptions { formulation, ..crate::SolveOptions::default() };
            let crate::Outcome::Planned(plan) = crate::solve(&prep, &opts).unwrap().outcome else { panic!("feasible") };
            let report = sanlian_check::check(&varied, &plan).unwrap();
            assert!(report.is_valid(), "{formulation:?}: {:?}", report.violations);
            let s1 = plan.stages.iter().find(|s| s.id == "S1").unwrap();
            assert!(matches!(s1.proof, Proof::LpDuals { .. }), "{formulation:?}: the checker verifies S1's duals");
            values.push(s1.objective);
        }
        assert!((values[0] - values[1]).abs() < 1e-6 * values[1].abs(), "{values:?}");
    }
}
