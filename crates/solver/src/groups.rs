//! Stage S1 (and the best-effort goals B1–B3): who goes to which county, and who leads.
//!
//! Decision: n[q,k] = how many cadres of class q join county k's group, and
//! lead[q,k] = 1 when county k's leader comes from class q. A class holds
//! cadres that are interchangeable for S1: same eligible counties (H2), same
//! S1 coefficient in each of them, same seniority (H3), same upper/lower level
//! (H4) and same active years (H6, H7). With [`Formulation::Plain`] every
//! cadre is its own class (one 0/1 variable per cadre × eligible county).
//! Classes with a single eligible county are forced: their members are fixed
//! into that county and enter the rows as constants.

use std::collections::HashMap;

use sanlian_model::{PlanMode, Prepared};

use crate::milp::{Direction, Milp, MilpResult, MilpStatus, Var};
use crate::{stage_report, Formulation, StageFigures, Stager};
use std::collections::BTreeMap;

/// Cadres interchangeable for S1.
#[derive(Debug, Clone)]
pub(crate) struct Class {
    pub members: Vec<usize>,
    pub eligible: Vec<usize>,
    pub senior: bool,
    pub upper: bool,
    pub years: [bool; 2],
}

impl Class {
    fn size(&self) -> f64 {
        self.members.len() as f64
    }

    fn cadre_years(&self) -> f64 {
        self.years.iter().filter(|y| **y).count() as f64
    }

    fn forced(&self) -> Option<usize> {
        (self.eligible.len() == 1).then(|| self.eligible[0])
    }
}

/// Partition the roster into S1 classes.
pub(crate) fn classes(prep: &Prepared, formulation: Formulation) -> Vec<Class> {
    let mut index: HashMap<(Vec<usize>, Vec<u64>, bool, bool, [bool; 2]), usize> = HashMap::new();
    let mut out: Vec<Class> = Vec::new();
    for c in 0..prep.n_cadres() {
        let cadre = &prep.inst.cadres[c];
        let eligible = prep.eligible[c].clone();
        let senior = cadre.senior;
        let upper = cadre.level.is_upper();
        let years = [prep.active(c, 0), prep.active(c, 1)];
        let new_class = Class { members: vec![c], eligible: eligible.clone(), senior, upper, years };
        if formulation == Formulation::Plain {
            out.push(new_class);
            continue;
        }
        let coefs = eligible.iter().map(|&k| prep.s1_coefficient(c, k).to_bits()).collect();
        match index.entry((eligible, coefs, senior, upper, years)) {
            std::collections::hash_map::Entry::Occupied(e) => out[*e.get()].members.push(c),
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
    /// Leader (cadre index) of each county; `None` only for an empty best-effort group.
    pub leader: Vec<Option<usize>>,
}

struct Model {
    milp: Milp,
    /// Per class: (county, variable) for every non-forced eligible county.
    n: Vec<Vec<(usize, Var)>>,
    /// Per class: (county, variable) for leader choices.
    lead: Vec<Vec<(usize, Var)>>,
    /// Best-effort: covered townships per county (B1).
    cover: Vec<Var>,
    /// Best-effort: mixed-composition indicator per county (B3).
    mixed: Vec<Var>,
    /// Objective of S1: coefficient per n variable, and the constant of forced classes.
    s1_terms: Vec<(Var, f64)>,
    s1_offset: f64,
}

fn build(prep: &Prepared, classes: &[Class], mode: PlanMode) -> Model {
    let p = &prep.inst.parameters;
    let nk = prep.n_counties();
    let codes: Vec<&str> = prep.inst.region.counties.iter().map(|k| k.code.as_str()).collect();
    let townships: Vec<f64> = prep.townships_of.iter().map(|t| t.len() as f64).collect();
    let load_cap = p.max_cadres_per_township_year as f64;
    let min_upper = p.min_upper_per_group as f64;
    let best_effort = mode == PlanMode::BestEffort;

    let mut fixed_cover = vec![0.0; nk];
    let mut fixed_upper = vec![0.0; nk];
    let mut fixed_members = vec![0.0; nk];
    let mut fixed_load = vec![[0.0; 2]; nk];
    let mut s1_offset = 0.0;
    let mut m = Milp::new("S1 groups", Direction::Min);
    let mut n = vec![Vec::new(); classes.len()];
    let mut lead = vec![Vec::new(); classes.len()];
    let mut s1_terms = Vec::new();
    let mut cols_in = vec![Vec::new(); nk];

    for (q, class) in classes.iter().enumerate() {
        let rep = class.members[0];
        if let Some(k) = class.forced() {
            fixed_cover[k] += class.size() * class.cadre_years();
            fixed_members[k] += class.size();
            if class.upper {
                fixed_upper[k] += class.size();
            }
            for y in 0..2 {
                if class.years[y] {
                    fixed_load[k][y] += class.size();
                }
            }
            s1_offset += class.size() * prep.s1_coefficient(rep, k);
        } else {
            for &k in &class.eligible {
                let coef = prep.s1_coefficient(rep, k);
                let v = m.col(format!("n[q{q},{}]", codes[k]), 0.0, class.size(), true, coef);
                s1_terms.push((v, coef));
                n[q].push((k, v));
                cols_in[k].push((q, v));
            }
            m.row(format!("H1_assign[q{q}]"), n[q].iter().map(|&(_, v)| (v, 1.0)), class.size(), class.size());
        }
        if class.senior || best_effort {
            for &k in &class.eligible {
                let v = m.binary(format!("lead[q{q},{}]", codes[k]), 0.0);
                lead[q].push((k, v));
                if let Some(&(_, nv)) = n[q].iter().find(|(kk, _)| *kk == k) {
                    m.row(format!("H3_member[q{q},{}]", codes[k]), [(v, 1.0), (nv, -1.0)], f64::NEG_INFINITY, 0.0);
                }
            }
        }
    }
    let mut leads_in = vec![Vec::new(); nk];
    for (q, ls) in lead.iter().enumerate() {
        for &(k, v) in ls {
            leads_in[k].push((q, v));
        }
    }

    let mut cover = Vec::new();
    let mut mixed = Vec::new();
    for k in 0..nk {
        let code = codes[k];
        let lead_terms: Vec<(Var, f64)> = leads_in[k].iter().map(|&(_, v)| (v, 1.0)).collect();
        let upper_terms: Vec<(Var, f64)> =
            cols_in[k].iter().filter(|(q, _)| classes[*q].upper).map(|&(_, v)| (v, 1.0)).collect();
        let cover_terms: Vec<(Var, f64)> =
            cols_in[k].iter().map(|&(q, v)| (v, classes[q].cadre_years())).collect();
        if best_effort {
            m.row(format!("H3_leader[{code}]"), lead_terms.clone(), f64::NEG_INFINITY, 1.0);
            let max_members = fixed_members[k] + cols_in[k].iter().map(|&(q, _)| classes[q].size()).sum::<f64>();
            let mut led: Vec<(Var, f64)> = cols_in[k].iter().map(|&(_, v)| (v, 1.0)).collect();
            led.extend(lead_terms.iter().map(|&(v, _)| (v, -max_members)));
            m.row(format!("H1_led[{code}]"), led, f64::NEG_INFINITY, -fixed_members[k]);
            let cv = m.col(format!("cover[{code}]"), 0.0, townships[k], true, 0.0);
            let mut row = vec![(cv, 1.0)];
            row.extend(cover_terms.iter().map(|&(v, a)| (v, -a)));
            m.row(format!("B1_cover[{code}]"), row, f64::NEG_INFINITY, fixed_cover[k]);
            cover.push(cv);
            let mv = m.binary(format!("mixed[{code}]"), 0.0);
            let mut row = vec![(mv, min_upper)];
            row.extend(upper_terms.iter().map(|&(v, _)| (v, -1.0)));
            m.row(format!("B3_mixed[{code}]"), row, f64::NEG_INFINITY, fixed_upper[k]);
            mixed.push(mv);
        } else {
            m.row(format!("H3_leader[{code}]"), lead_terms, 1.0, 1.0);
            m.row(format!("H4_mixed[{code}]"), upper_terms, min_upper - fixed_upper[k], f64::INFINITY);
            m.row(format!("H7_cover[{code}]"), cover_terms, townships[k] - fixed_cover[k], f64::INFINITY);
        }
        for y in 0..2 {
            let load: Vec<(Var, f64)> =
                cols_in[k].iter().filter(|(q, _)| classes[*q].years[y]).map(|&(_, v)| (v, 1.0)).collect();
            m.row(format!("H6_load[{code},y{}]", y + 1), load, f64::NEG_INFINITY, load_cap * townships[k] - fixed_load[k][y]);
        }
    }
    m.offset = s1_offset;
    Model { milp: m, n, lead, cover, mixed, s1_terms, s1_offset }
}

/// What S1 ended with.
pub(crate) enum S1Outcome {
    Solved(Groups),
    /// Strict mode: the rules admit no plan (MILP proof).
    Infeasible,
    /// The time limit struck before any valid grouping was found.
    NoSolution(&'static str),
}

/// Solve the best-effort goals (if any) and S1, recording each stage.
pub(crate) fn solve(prep: &Prepared, formulation: Formulation, mode: PlanMode, stager: &mut Stager) -> S1Outcome {
    let classes = classes(prep, formulation);
    let mut model = build(prep, &classes, mode);
    let senior_lead: Vec<(Var, f64)> = model
        .lead
        .iter()
        .enumerate()
        .filter(|(q, _)| classes[*q].senior)
        .flat_map(|(_, ls)| ls.iter().map(|&(_, v)| (v, 1.0)))
        .collect();
    if mode == PlanMode::BestEffort {
        let goals: [(&str, &str, Vec<(Var, f64)>); 3] = [
            ("B1", "H7 goal: townships covered", model.cover.iter().map(|&v| (v, 1.0)).collect()),
            ("B2", "H3 goal: groups led by a senior cadre", senior_lead),
            ("B3", "H4 goal: groups with mixed composition", model.mixed.iter().map(|&v| (v, 1.0)).collect()),
        ];
        for (id, name, terms) in goals {
            model.milp.set_objective(Direction::Max, terms.clone(), 0.0);
            let r = stager.run(id, &model.milp, 1.0);
            match r.status {
                MilpStatus::Optimal | MilpStatus::Limit => {}
                MilpStatus::Infeasible => return S1Outcome::Infeasible,
                MilpStatus::NoSolution => return S1Outcome::NoSolution(id),
            }
            let value = r.objective.round();
            stager.record(stage_report(id, name, "max", StageFigures::of(&r, value, 1.0), BTreeMap::new()));
            model.milp.row(format!("{id}_fixed"), terms, value - 0.5, f64::INFINITY);
        }
    }
    model.milp.set_objective(Direction::Min, model.s1_terms.clone(), model.s1_offset);
    let r = stager.run("S1", &model.milp, 0.01);
    match r.status {
        MilpStatus::Optimal | MilpStatus::Limit => {}
        MilpStatus::Infeasible => return S1Outcome::Infeasible,
        MilpStatus::NoSolution => return S1Outcome::NoSolution("S1"),
    }
    let groups = disaggregate(prep, &classes, &model, &r);
    let terms = s1_terms(prep, &groups.county_of);
    let objective = terms["travel"] + terms["preference_penalty"] - terms["continuity_bonus"];
    stager.record(stage_report(
        "S1",
        "min travel cost + preference penalty − continuity bonus",
        "min",
        StageFigures::of(&r, objective, 0.01),
        terms,
    ));
    S1Outcome::Solved(groups)
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
    let mut leader = vec![None; prep.n_counties()];
    for (q, class) in classes.iter().enumerate() {
        let mut members = class.members.iter().copied();
        if let Some(k) = class.forced() {
            for c in members.by_ref() {
                county_of[c] = k;
            }
        }
        for &(k, v) in &model.n[q] {
            for _ in 0..r.int(v) {
                county_of[members.next().expect("H1_assign: counts add up to the class size")] = k;
            }
        }
        for &(k, v) in &model.lead[q] {
            if r.int(v) == 1 {
                leader[k] = class.members.iter().copied().find(|&c| county_of[c] == k);
            }
        }
    }
    Groups { county_of, leader }
}
