//! Minimum roster (issue 4, item 3): the fewest cadres of a chosen kind (a
//! [`Selection`], e.g. province cadres, or province senior cadres) that still
//! allow a strict-valid plan, given the rest of the roster — with a plan at
//! the minimum and a proof that one fewer is impossible.
//!
//! # Model
//!
//! One optimisation model, not a loop over counts. It is the S1 model
//! ([`crate::groups`]) over classes of interchangeable cadres, with the classes
//! split so that a class holds only selected or only unselected cadres; the
//! selected classes are *optional*: `H1_assign[q]` reads 0 ≤ Σ_k n[q,k] ≤ |q|
//! (the others stay home) and they are never fixed as forced. Rows H3, H4, H6
//! and H7 are those of S1, so every valid plan of any sub-roster is a feasible
//! point, and the model's bound is a bound over all sub-rosters.
//!
//! - **R1** minimises the selected cadres used, Σ_{q selected} Σ_k n[q,k] → m*.
//! - **R2** adds `R1_fixed` (Σ ≤ m*) and minimises the S1 objective, so the
//!   kept set is the cheapest among the minimum ones (S1 over the kept roster).
//!
//! The counts are disaggregated in roster order inside each class (members of
//! a class are interchangeable for S1). The *reduced instance* (the roster
//! without the unused selected cadres) is then solved strictly with
//! [`crate::solve`]; its plan is returned, unchecked: the caller runs
//! `sanlian-check` on it against [`MinRoster::reduced_instance`] (this crate
//! must not depend on the checker).
//!
//! H8 and H9 are not part of R1/R2: they do not depend on the groups, but H9's
//! department caps shrink with the department, so a kept set could in
//! principle meet H1–H7 and fail H9; the final strict solve would then answer
//! infeasible and [`MinRosterError::Reduced`] says so. (With the default
//! share 0.3 and ten window months a department's cap always leaves room for
//! two blocks per member unless its members marked many months unavailable.)
//!
//! # Proof one below
//!
//! Two lower bounds on the number of selected cadres any valid plan needs:
//!
//! - **Counting** (re-addable from the instance alone): remove *all* selected
//!   cadres and compute, by max-flow, the Hall deficiency (Σ need − max-flow,
//!   attained by a set S of counties: need(S) − supply of the other cadres
//!   eligible there) for H3 senior leaders (a selected senior adds at most 1),
//!   H4 province/city members (a selected upper cadre adds at most 1) and H7
//!   township coverage in cadre-years (a selected cadre adds at most its
//!   active years: ⌈deficiency / 2⌉ for two-year cadres), and for the three
//!   together as *heads* (`H3+H4+H7`): county k needs at least max(1 senior
//!   unless one of its own cadres is senior, min_upper_per_group − its own
//!   province/city cadres, ⌈(townships − its own cadre-years) / 2⌉) cadres
//!   who are not its own — its own being the unselected cadres eligible only
//!   there — and every other cadre is one head (a selected cadre adds 1). The
//!   bound is the largest of these; the certificates attaining it are
//!   [`MinRoster::lower_bound_certificates`], each bound per rule is in
//!   [`MinRoster::counting_by_rule`].
//! - **Model**: HiGHS's proven dual bound of R1 ([`MinRoster::bound`]).
//!
//! When the counting bound equals m*, "m* − 1 is impossible" follows from the
//! data alone ([`ProofKind::Counting`]); otherwise R1's bound is the proof
//! ([`ProofKind::Model`]) — valid because R1's rows are necessary conditions of
//! H1–H7. [`MinRoster::proof`] says which, in words.

use std::collections::BTreeMap;

use sanlian_model::{
    Cadre, Certificate, CertificateKind, InputError, Instance, Level, Plan, PlanMode, Prepared, StageReport,
};
use serde::Serialize;

use crate::certificate::{self, HallSet};
use crate::groups::{self, Class};
use crate::milp::{Direction, MilpStatus, Var};
use crate::{stage_report, NamedModel, Outcome, SolveError, SolveOptions, StageFigures, Stager};

/// Which cadres are optional: those of `level` (and senior, with `senior_only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// Level of the selected cadres.
    pub level: Level,
    /// Select only the senior (副处级以上) cadres of that level.
    pub senior_only: bool,
}

impl Selection {
    /// Is `cadre` selected?
    pub fn contains(&self, cadre: &Cadre) -> bool {
        cadre.level == self.level && (!self.senior_only || cadre.senior)
    }

    /// In words, e.g. "province cadres" or "province senior cadres".
    pub fn describe(&self) -> String {
        format!("{}{} cadres", self.level.id(), if self.senior_only { " senior" } else { "" })
    }
}

/// What proves that one selected cadre fewer admits no valid plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// The minimum is 0: there is nothing below it.
    Zero,
    /// A counting bound from the instance alone (the lower-bound certificates) equals the minimum.
    Counting,
    /// HiGHS's dual bound on the min-roster model R1 exceeds minimum − 1.
    Model,
    /// Neither: the time limit struck before R1 was proven optimal.
    Unproven,
}

/// The answer of [`min_roster`].
#[derive(Debug, Clone, Serialize)]
pub struct MinRoster {
    /// The selection the minimum is about.
    pub selection: Selection,
    /// Least number of selected cadres with which a strict-valid plan exists (m*).
    pub minimum: usize,
    /// Selected cadres in the instance.
    pub selected_total: usize,
    /// Ids of the selected cadres kept (m* of them), roster order.
    pub kept: Vec<String>,
    /// Ids of the selected cadres left out of the reduced instance, roster order.
    pub unused: Vec<String>,
    /// The instance with the unused selected cadres removed (everything else as given).
    pub reduced_instance: Instance,
    /// A strict plan of the reduced instance (S1–S3 optimal); not checked here:
    /// callers check it against `reduced_instance`.
    pub plan: Plan,
    /// HiGHS's proven lower bound on the selected cadres used (R1's dual bound);
    /// equal to `minimum` (up to tolerances) when R1 is proven optimal.
    pub bound: f64,
    /// True when one fewer is proven impossible (by counting or by `bound` > minimum − 1).
    pub proven: bool,
    /// The counting lower bound (0 if no rule falls short without the selected cadres).
    pub counting_bound: usize,
    /// The counting bound of each rule that falls short without the selected cadres
    /// ("H3", "H4", "H7", and "H3+H4+H7" for the heads each county needs from outside).
    pub counting_by_rule: BTreeMap<String, usize>,
    /// The Hall-set certificate(s) attaining `counting_bound`, each re-addable from the
    /// instance: `need` over its counties, `supply` of its (unselected) cadres; its
    /// message derives the number of selected cadres it forces.
    pub lower_bound_certificates: Vec<Certificate>,
    /// Which proof shows that `minimum − 1` is impossible.
    pub proof_kind: ProofKind,
    /// That proof, in words.
    pub proof: String,
    /// Reports of R1 (min selected cadres) and R2 (min S1 at that count).
    pub stages: Vec<StageReport>,
    /// MPS text of R1 and R2 (with `capture_models`).
    #[serde(skip)]
    pub models: Vec<NamedModel>,
}

/// Why [`min_roster`] gave no minimum.
#[derive(Debug, thiserror::Error)]
pub enum MinRosterError {
    /// No strict plan exists even with every selected cadre: the strict certificates.
    #[error("no strict plan exists even with every selected cadre: {}", messages(.0))]
    Infeasible(Vec<Certificate>),
    /// The kept set meets H1–H7 but the reduced roster fails H8/H9 (see the module docs).
    #[error("the minimum roster meets H1–H7 but not H8/H9: {}", messages(.0))]
    Reduced(Vec<Certificate>),
    /// The reduced instance did not validate (cannot happen for a valid instance).
    #[error("the reduced instance is invalid: {0}")]
    Input(#[from] InputError),
    /// The time limit struck before a stage found a solution.
    #[error(transparent)]
    Solve(#[from] SolveError),
}

fn messages(certs: &[Certificate]) -> String {
    certs.iter().map(|c| c.message.as_str()).collect::<Vec<_>>().join("; ")
}

/// Find the least number of `sel` cadres that still allows a strict-valid plan.
///
/// `opts.mode` is ignored (the minimum is about strict plans); `opts.time_limit`
/// covers R1, R2 and the final solve. Errors: [`MinRosterError::Infeasible`]
/// when even the whole roster admits no strict plan (with the strict
/// certificates), [`MinRosterError::Solve`] when time runs out before a stage
/// has a solution.
pub fn min_roster(prep: &Prepared, sel: &Selection, opts: &SolveOptions) -> Result<MinRoster, MinRosterError> {
    let opts = SolveOptions { mode: PlanMode::Strict, ..opts.clone() };
    let mut stager = Stager::new(&opts);
    let inst = prep.inst;
    let selected: Vec<bool> = inst.cadres.iter().map(|c| sel.contains(c)).collect();
    let selected_total = selected.iter().filter(|&&s| s).count();

    let hard = certificate::find(prep, PlanMode::Strict);
    if !hard.is_empty() {
        return Err(MinRosterError::Infeasible(hard));
    }

    // R1: the fewest selected cadres.
    let classes = split(groups::classes(prep, opts.formulation, false), &selected);
    let optional: Vec<bool> = classes.iter().map(|q| selected[q.members[0]]).collect();
    let mut model = groups::build_with_optional(prep, &classes, PlanMode::Strict, &optional);
    model.milp.name = "R1 minimum roster".into();
    let used: Vec<(Var, f64)> =
        (0..classes.len()).filter(|&q| optional[q]).flat_map(|q| model.n[q].iter().map(|&(_, v)| (v, 1.0))).collect();
    model.milp.set_objective(Direction::Min, used.clone(), 0.0);
    let r1 = stager.run("R1", &model.milp, 1.0);
    match &r1.status {
        MilpStatus::Optimal | MilpStatus::Limit => {}
        MilpStatus::Infeasible => return Err(MinRosterError::Infeasible(vec![certificate::joint(prep)])),
        status => return Err(SolveError::from_status("R1", status).into()),
    }
    let r1_count = used.iter().map(|&(v, _)| r1.int(v)).sum::<i64>() as usize;
    let r1_terms = BTreeMap::from([
        ("selected_used".to_string(), r1_count as f64),
        ("selected_total".to_string(), selected_total as f64),
    ]);
    stager.record(stage_report(
        "R1",
        "min selected cadres used",
        "min",
        StageFigures::of(&r1, r1_count as f64, 1.0),
        r1_terms,
    ));

    // R2: the cheapest (S1) roster at that count.
    model.milp.name = "R2 cheapest minimum roster".into();
    model.milp.row("R1_fixed".into(), used, f64::NEG_INFINITY, r1_count as f64);
    model.milp.set_objective(Direction::Min, model.s1_terms.clone(), model.s1_offset);
    let r2 = stager.run("R2", &model.milp, 0.01);
    match &r2.status {
        MilpStatus::Optimal | MilpStatus::Limit => {}
        MilpStatus::Infeasible => {
            return Err(SolveError::Solver { stage: "R2", message: "R1's solution is infeasible for R2".into() }.into())
        }
        status => return Err(SolveError::from_status("R2", status).into()),
    }
    let r2_terms = BTreeMap::from([("s1_of_kept_roster".to_string(), r2.objective)]);
    stager.record(stage_report(
        "R2",
        "min S1 (travel + preference penalty − continuity bonus) among minimum rosters",
        "min",
        StageFigures::of(&r2, r2.objective, 0.01),
        r2_terms,
    ));

    // Disaggregate: the first Σ_k n[q,k] members of each selected class stay.
    let mut keep = vec![true; prep.n_cadres()];
    for (q, class) in classes.iter().enumerate().filter(|&(q, _)| optional[q]) {
        let count = model.n[q].iter().map(|&(_, v)| r2.int(v)).sum::<i64>() as usize;
        for &c in &class.members[count..] {
            keep[c] = false;
        }
    }
    let ids = |f: &dyn Fn(usize) -> bool| -> Vec<String> {
        (0..prep.n_cadres()).filter(|&c| f(c)).map(|c| inst.cadres[c].id.clone()).collect()
    };
    let kept = ids(&|c| selected[c] && keep[c]);
    let unused = ids(&|c| selected[c] && !keep[c]);
    // = R1's count when R1 is optimal; R2 may find fewer only after R1 stopped at the time limit.
    let minimum = kept.len();

    // The reduced instance, solved strictly.
    let mut reduced_instance = inst.clone();
    reduced_instance.cadres = inst.cadres.iter().zip(&keep).filter(|(_, &k)| k).map(|(c, _)| c.clone()).collect();
    let plan = {
        let mut rprep = Prepared::new(&reduced_instance)?;
        // Keep what-if adjustments of `prep` (restricted eligibility, extra department places).
        let old: Vec<usize> = (0..prep.n_cadres()).filter(|&c| keep[c]).collect();
        for (new, &c) in old.iter().enumerate() {
            rprep.eligible[new] = prep.eligible[c].clone();
            rprep.extra_cap[rprep.department_of[new]] = prep.extra_cap[prep.department_of[c]];
        }
        let remaining = opts.time_limit.map(|t| (t - stager.start.elapsed().as_secs_f64()).max(0.01));
        let final_opts = SolveOptions { time_limit: remaining, started: None, capture_models: false, ..opts.clone() };
        match crate::solve(&rprep, &final_opts)?.outcome {
            Outcome::Planned(plan) => *plan,
            Outcome::Infeasible(certs) => return Err(MinRosterError::Reduced(certs)),
        }
    };

    // Proof one below.
    let counting = counting_bounds(prep, sel, &selected);
    let counting_bound = counting.iter().map(|b| b.0).max().unwrap_or(0);
    let counting_by_rule: BTreeMap<String, usize> = counting.iter().map(|(b, c)| (c.rule.clone(), *b)).collect();
    let lower_bound_certificates: Vec<Certificate> =
        counting.into_iter().filter(|b| b.0 == counting_bound && counting_bound > 0).map(|b| b.1).collect();
    let bound = r1.bound;
    let model_proves = minimum as f64 - bound < 0.5;
    let what = sel.describe();
    let (proof_kind, proof) = if minimum == 0 {
        (ProofKind::Zero, format!("no {what} are needed: the rest of the roster alone admits a valid plan"))
    } else if counting_bound >= minimum {
        let why = lower_bound_certificates.iter().map(|c| c.message.as_str()).collect::<Vec<_>>().join("; ");
        (
            ProofKind::Counting,
            format!("{} {what} cannot suffice, by counting from the instance alone: {why}", minimum - 1),
        )
    } else if model_proves {
        let rows = r1.rows;
        let cols = r1.cols;
        let counted = if counting_bound > 0 {
            let each: Vec<String> = counting_by_rule.iter().map(|(r, b)| format!("{r} ≥ {b}")).collect();
            format!("counting from the instance alone shows only ≥ {counting_bound} ({}), so ", each.join(", "))
        } else {
            "no rule falls short by counting without them, so ".to_string()
        };
        (
            ProofKind::Model,
            format!(
                "{} {what} cannot suffice: {counted}the proof is HiGHS's on model R1 (the S1 rows H1_assign, \
                 H3_senior_member, H4_mixed, H7_cover, H7_cover_rounded, H6_load with the {what} optional; \
                 {rows} rows × {cols} columns; write it with --write-model): every grouping meeting H1–H7 uses at \
                 least {bound:.3} > {} of them",
                minimum - 1,
                minimum - 1,
            ),
        )
    } else {
        (
            ProofKind::Unproven,
            format!(
                "not proven: the time limit struck on R1; the best lower bound is {} {what} (R1 dual bound {bound:.3}, \
                 counting {counting_bound})",
                (bound - 1e-6).ceil().max(counting_bound as f64),
            ),
        )
    };

    Ok(MinRoster {
        selection: *sel,
        minimum,
        selected_total,
        kept,
        unused,
        reduced_instance,
        plan,
        bound,
        proven: proof_kind != ProofKind::Unproven,
        counting_bound,
        counting_by_rule,
        lower_bound_certificates,
        proof_kind,
        proof,
        stages: stager.reports,
        models: stager.models,
    })
}

/// Split S1 classes so that none mixes selected and unselected cadres (roster order kept).
fn split(classes: Vec<Class>, selected: &[bool]) -> Vec<Class> {
    let mut out = Vec::with_capacity(classes.len());
    for class in classes {
        let (sel, rest): (Vec<usize>, Vec<usize>) = class.members.iter().partition(|&&c| selected[c]);
        for members in [rest, sel] {
            if !members.is_empty() {
                out.push(Class { members, ..class.clone() });
            }
        }
    }
    out
}

/// Counting lower bounds (H3, H4, H7, heads) on the selected cadres needed, each with its certificate.
fn counting_bounds(prep: &Prepared, sel: &Selection, selected: &[bool]) -> Vec<(usize, Certificate)> {
    let cadres = &prep.inst.cadres;
    let nk = prep.n_counties();
    let others = |f: &dyn Fn(usize) -> u64| -> Vec<u64> {
        (0..prep.n_cadres()).map(|c| if selected[c] { 0 } else { f(c) }).collect()
    };
    let gain_all = |f: &dyn Fn(usize) -> u64| -> Vec<u64> {
        (0..prep.n_cadres()).map(|c| if selected[c] { f(c) } else { 0 }).collect()
    };
    let senior = |c: usize| cadres[c].senior as u64;
    let upper = |c: usize| cadres[c].level.is_upper() as u64;
    let years = |c: usize| prep.active_years(c) as u64;
    let min_upper = prep.inst.parameters.min_upper_per_group as u64;

    type Rule<'a> = (&'a str, CertificateKind, Vec<u64>, Vec<u64>, Vec<u64>, &'a str, String);
    let mut rules: Vec<Rule> = vec![(
        "H3",
        CertificateKind::SeniorLeaders,
        vec![1; nk],
        others(&senior),
        gain_all(&senior),
        "senior cadres",
        "one senior leader each; a selected senior cadre adds at most 1".to_string(),
    )];
    if min_upper > 0 {
        rules.push((
            "H4",
            CertificateKind::UpperMembers,
            vec![min_upper; nk],
            others(&upper),
            gain_all(&upper),
            "province/city cadres",
            format!("{min_upper} province/city member(s) each; a selected province/city cadre adds at most 1"),
        ));
    }
    rules.push((
        "H7",
        CertificateKind::Coverage,
        prep.townships_of.iter().map(|t| t.len() as u64).collect(),
        others(&years),
        gain_all(&years),
        "cadre-years",
        "one cadre-year per township; a selected cadre adds at most its active years".to_string(),
    ));

    // Heads: county k needs at least max(a senior unless one of its own cadres is senior,
    // min_upper − its own upper cadres, ⌈(townships − its own cadre-years) / 2⌉) cadres who are
    // not its own (each gives at most 2 cadre-years); its own = unselected cadres eligible only there.
    let own_only = |c: usize| !selected[c] && prep.eligible[c].len() == 1;
    let mut own = vec![[0u64; 3]; nk];
    for c in (0..prep.n_cadres()).filter(|&c| own_only(c)) {
        let k = prep.eligible[c][0];
        own[k][0] += senior(c);
        own[k][1] += upper(c);
        own[k][2] += years(c);
    }
    let heads: Vec<u64> = (0..nk)
        .map(|k| {
            let townships = prep.townships_of[k].len() as u64;
            let cover = townships.saturating_sub(own[k][2]).div_ceil(2);
            ((own[k][0] == 0) as u64).max(min_upper.saturating_sub(own[k][1])).max(cover)
        })
        .collect();
    rules.push((
        "H3+H4+H7",
        CertificateKind::Coverage,
        heads,
        (0..prep.n_cadres()).map(|c| (!selected[c] && !own_only(c)) as u64).collect(),
        gain_all(&|_| 1),
        "cadres from outside",
        "each county: max(1 senior unless one of its own cadres is senior, min_upper_per_group − its own \
         province/city cadres, ⌈(townships − its own cadre-years) / 2⌉), its own cadres being the unselected ones \
         eligible only there; a selected cadre adds at most 1"
            .to_string(),
    ));

    let what = sel.describe();
    let mut out = Vec::new();
    for (rule, kind, need, supply, gain, unit, why) in rules {
        // The residual set of the max-flow falls short by Σ need − max-flow, the most any set
        // of counties does, and `minimise` keeps that whole shortfall.
        let Some(h) = certificate::hall_violator(prep, &need, &supply) else { continue };
        let (bound, helpers, gained) = selected_needed(prep, &h, &gain);
        out.push((bound, counting_certificate(prep, rule, kind, &h, &what, unit, &why, bound, helpers, gained)));
    }
    out
}

/// Fewest selected cadres (eligible for a county of `h`, by `gain` descending) that close its deficiency:
/// (that number, selected cadres that could help, what the chosen ones add).
fn selected_needed(prep: &Prepared, h: &HallSet, gain: &[u64]) -> (usize, usize, u64) {
    let mut in_set = vec![false; prep.n_counties()];
    for &k in &h.counties {
        in_set[k] = true;
    }
    let mut gains: Vec<u64> = (0..prep.n_cadres())
        .filter(|&c| gain[c] > 0 && prep.eligible[c].iter().any(|&k| in_set[k]))
        .map(|c| gain[c])
        .collect();
    gains.sort_unstable_by(|a, b| b.cmp(a));
    let deficiency = h.need - h.supply;
    let mut sum = 0;
    for (i, g) in gains.iter().enumerate() {
        sum += g;
        if sum >= deficiency {
            return (i + 1, gains.len(), sum);
        }
    }
    // Unreachable when the whole roster admits a plan (its Hall condition holds).
    (gains.len() + 1, gains.len(), sum)
}

#[allow(clippy::too_many_arguments)]
fn counting_certificate(
    prep: &Prepared,
    rule: &str,
    kind: CertificateKind,
    h: &HallSet,
    what: &str,
    unit: &str,
    why: &str,
    bound: usize,
    helpers: usize,
    gained: u64,
) -> Certificate {
    let deficiency = h.need - h.supply;
    let message = format!(
        "{rule}: without the {what}, {}, but the other {} cadres eligible for \
         any of them supply at most {}: {deficiency} short, and the {helpers} {what} eligible there who can add to \
         it close the gap only with at least {bound} of them (the {bound} who add most add {gained})",
        h.need_phrase(prep, unit, why),
        h.cadres.len(),
        h.supply,
    );
    h.certificate(prep, rule, kind, message)
}
