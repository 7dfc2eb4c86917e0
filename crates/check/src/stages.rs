//! STAGE: recompute the stage objectives of §5 and §6 and compare them with
//! the plan's stage reports.

use std::collections::{BTreeMap, HashSet};

use sanlian_model::{optimality, Plan, PlanMode, Proof, StagePart, StageReport, StageStatus};

use crate::reading::Rules;
use crate::rules::is_workday;
use crate::view::PlanView;
use crate::{proofs, Findings, StageCheck, StageValues, Verdict};

/// Tolerance of stage values and gaps: 1e-6 absolute or relative.
const TOLERANCE: f64 = 1e-6;

/// Recompute every stage value from the plan as read.
pub(crate) fn recompute(rules: &Rules, view: &PlanView) -> StageValues {
    let inst = rules.inst;
    let p = &inst.parameters;
    let n_counties = rules.n_counties();
    let mut v = StageValues::default();

    for c in 0..rules.n_cadres() {
        let Some(k) = view.county_of[c] else { continue };
        v.s1_travel += rules.travel(c, k);
        v.s1_preference_misses += usize::from(rules.misses_preference(c, k));
        v.s1_continuity_kept += usize::from(rules.is_previous(c, k));
    }
    v.s1_preference_penalty = p.preference_penalty * v.s1_preference_misses as f64;
    v.s1_continuity_bonus = p.continuity_bonus * v.s1_continuity_kept as f64;
    v.s1 = v.s1_travel + v.s1_preference_penalty - v.s1_continuity_bonus;

    v.s2_matches = (0..rules.n_cadres())
        .flat_map(|c| view.township[c].into_iter().flatten().map(move |t| (c, t)))
        .map(|(c, t)| rules.matches(c, t))
        .sum();
    v.s2_priority_first_year =
        inst.region.townships.iter().zip(&view.covered).filter(|(t, covered)| t.priority && covered[0]).count();
    v.s2_match_value = p.match_value * v.s2_matches as f64;
    v.s2_priority_value = p.priority_first_year_value * v.s2_priority_first_year as f64;
    v.s2 = v.s2_match_value + v.s2_priority_value;

    for k in 0..n_counties {
        for y in 0..2 {
            let on_block: HashSet<u32> = view.members[k].iter().flat_map(|&c| view.block_months(c, y)).collect();
            v.s3_presence += p.window_months().filter(|m| on_block.contains(m)).count();
            let possible: HashSet<u32> = view.members[k]
                .iter()
                .filter(|&&c| rules.mode_blocks(c) > 0 && rules.active(c, y))
                .flat_map(|&c| rules.available_months(c, y))
                .collect();
            v.s3_reachable += possible.len();
        }
        let weekdays: HashSet<u32> = view.members[k]
            .iter()
            .filter(|&&c| rules.has_weekday(c))
            .flat_map(|&c| view.entries[c].into_iter().flatten())
            .filter_map(|e| e.weekday)
            .filter(|&d| is_workday(d))
            .map(|d| d.number_from_monday())
            .collect();
        v.s3_weekdays += weekdays.len();
    }

    v.b1_covered = view.covered.iter().filter(|c| c[0] || c[1]).count();
    // B2 and B3 hold for a group when they hold on every day its make-up can change
    // (without service periods: the plan's first day only).
    let on_every_day = |k: usize, least: usize, counts: &dyn Fn(usize) -> bool| {
        let members = &view.members[k];
        !members.is_empty()
            && rules
                .stretch_days(members.iter().copied())
                .into_iter()
                .all(|d| members.iter().filter(|&&c| counts(c) && rules.serves_on(c, d)).count() >= least.max(1))
    };
    v.b2_senior_leaders = (0..n_counties).filter(|&k| on_every_day(k, 1, &|c| rules.may_lead(c, k))).count();
    let need = p.min_upper_per_group as usize;
    v.b3_mixed_groups = (0..n_counties)
        .filter(|&k| if need == 0 { true } else { on_every_day(k, need, &|c| inst.cadres[c].level.is_upper()) })
        .count();
    v
}

/// Every stage id a plan may report, with its sense.
const SENSES: &[(&str, &str)] = &[
    ("B1", "max"),
    ("B2", "max"),
    ("B3", "max"),
    ("N", "max"),
    ("S1", "min"),
    ("S2", "max"),
    ("S3a", "max"),
    ("S3b", "max"),
    ("R1", "min"),
    ("R2", "min"),
    ("R3", "min"),
];

/// The stages a plan must report, in order: a solve reports S1, S2, S3a, S3b (best-effort:
/// B1–B3 first; robust planning's stage N just before S1, unless in its ε-form); a re-plan
/// (§7) R1, S1, R2, R3 (best-effort: B1–B3 first).
pub(crate) fn expected_sequence(mode: PlanMode, replan: bool, robust_stage: bool) -> Vec<&'static str> {
    let mut ids = if mode == PlanMode::BestEffort { vec!["B1", "B2", "B3"] } else { Vec::new() };
    if robust_stage && !replan {
        ids.push("N");
    }
    ids.extend(if replan { ["R1", "S1", "R2", "R3"] } else { ["S1", "S2", "S3a", "S3b"] });
    ids
}

fn close(a: f64, b: f64) -> bool {
    let diff = (a - b).abs();
    diff <= TOLERANCE || diff <= TOLERANCE * a.abs().max(b.abs())
}

/// The terms each stage reports, recomputed (`None`: the term depends on the plan a re-plan
/// repaired, which the checker does not see).
pub fn expected_terms(values: &StageValues, id: &str) -> Vec<(&'static str, Option<f64>)> {
    let v = values;
    let s1 = [
        ("travel", Some(v.s1_travel)),
        ("preference_misses", Some(v.s1_preference_misses as f64)),
        ("preference_penalty", Some(v.s1_preference_penalty)),
        ("continuity_kept", Some(v.s1_continuity_kept as f64)),
        ("continuity_bonus", Some(v.s1_continuity_bonus)),
    ];
    let s2 = [
        ("matches", Some(v.s2_matches as f64)),
        ("match_value", Some(v.s2_match_value)),
        ("priority_first_year", Some(v.s2_priority_first_year as f64)),
        ("priority_value", Some(v.s2_priority_value)),
    ];
    match id {
        "S1" => s1.to_vec(),
        "S2" => s2.to_vec(),
        "S3a" => vec![
            ("county_months_with_presence", Some(v.s3_presence as f64)),
            ("county_months_reachable", Some(v.s3_reachable as f64)),
        ],
        "S3b" => vec![("distinct_weekdays", Some(v.s3_weekdays as f64))],
        "R1" => vec![("changes", None)],
        "R2" => {
            let mut t = s2.to_vec();
            t.push(("township_changes", None));
            t
        }
        "R3" => vec![("month_changes", None), ("county_months_with_presence", Some(v.s3_presence as f64))],
        _ => Vec::new(),
    }
}

/// The recomputed objective of a stage, where the plan alone determines it.
pub fn expected_value(values: &StageValues, id: &str) -> Option<f64> {
    Some(match id {
        "S1" => values.s1,
        "S2" => values.s2,
        "S3a" => values.s3_presence as f64,
        "S3b" => values.s3_weekdays as f64,
        "B1" => values.b1_covered as f64,
        "B2" => values.b2_senior_leaders as f64,
        "B3" => values.b3_mixed_groups as f64,
        "N" => values.n_robust_groups as f64,
        _ => return None,
    })
}

/// Compare each reported stage with the recomputed values, check its terms, its sense, bound,
/// gap and optimality claim, and verify its proof. Returns the verdict on every stage.
pub(crate) fn compare(
    rules: &Rules,
    plan: &Plan,
    view: &PlanView,
    values: &StageValues,
    found: &mut Findings,
) -> Vec<StageCheck> {
    let ids: Vec<&str> = plan.stages.iter().map(|s| s.id.as_str()).collect();
    let replan = ids.iter().any(|id| matches!(*id, "R1" | "R2" | "R3"));
    let robust_stage = plan.parameters.robust.as_ref().is_some_and(|r| r.at_least.is_none());
    let expected = expected_sequence(plan.mode, replan, robust_stage);
    if ids != expected {
        let kind = if replan { "re-plan" } else { "plan" };
        let mode = if plan.mode == PlanMode::BestEffort { "best-effort" } else { "strict" };
        found.add(
            "STAGE",
            "plan",
            format!("the plan reports stages [{}]; a {mode} {kind} reports [{}]", ids.join(", "), expected.join(", ")),
        );
    }
    let mut seen = HashSet::new();
    let mut checks = Vec::new();
    let mut goals: BTreeMap<&str, f64> = BTreeMap::new();
    let mut goals_certified = true;
    for stage in &plan.stages {
        let id = stage.id.as_str();
        if !seen.insert(id) {
            found.add("STAGE", id, "the stage is reported more than once; only the first is checked");
            continue;
        }
        let Some(&(_, sense)) = SENSES.iter().find(|(s, _)| *s == id) else {
            found.add("STAGE", id, "is not a stage id (S1, S2, S3a, S3b, B1, B2, B3, N, R1, R2, R3)");
            continue;
        };
        if stage.sense != sense {
            found.add("STAGE", id, format!("sense is {:?}, the stage is a {sense}imisation", stage.sense));
        }
        if let Some(value) = expected_value(values, id) {
            if !close(stage.objective, value) {
                found.add("STAGE", id, format!("objective: plan reports {}, recomputed {value}", stage.objective));
            }
        }
        check_terms(stage, &expected_terms(values, id), found);
        let unit = optimality::unit(id, &rules.inst.parameters);
        check_bound_and_gap(stage, sense, unit, found);
        let check = verify_proof(rules, plan, view, values, stage, replan, &goals, goals_certified, found);
        if matches!(id, "B1" | "B2" | "B3") {
            goals.insert(id, expected_value(values, id).unwrap_or(stage.objective));
            goals_certified &= check.verdict == Verdict::Certified;
        }
        // Stage N's rows are not derived here: S1 after it rests on the solver's bound.
        if id == "N" {
            goals_certified = false;
        }
        checks.push(check);
    }
    checks
}

fn check_terms(stage: &StageReport, expected: &[(&str, Option<f64>)], found: &mut Findings) {
    let id = stage.id.as_str();
    for (name, value) in expected {
        match (stage.terms.get(*name), value) {
            (None, _) => found.add("STAGE", id, format!("term {name} is missing")),
            (Some(&got), Some(want)) if !close(got, *want) => {
                found.add("STAGE", id, format!("term {name}: plan reports {got}, recomputed {want}"))
            }
            _ => {}
        }
    }
    for name in stage.terms.keys() {
        if !expected.iter().any(|(n, _)| n == name) {
            found.add("STAGE", id, format!("term {name} is not a term of this stage"));
        }
    }
}

/// The bound lies on the right side of the objective, the gap is
/// |objective − bound| / max(1, |objective|), and optimality is claimed only when
/// [`optimality::proven`] says so; status "optimal" goes with proven optimality.
fn check_bound_and_gap(stage: &StageReport, sense: &str, unit: f64, found: &mut Findings) {
    let id = stage.id.as_str();
    let (objective, bound) = (stage.objective, stage.bound);
    let slack = TOLERANCE * objective.abs().max(1.0);
    let bound_ok = if sense == "min" { bound <= objective + slack } else { bound >= objective - slack };
    if !bound_ok {
        found.add(
            "STAGE",
            id,
            format!("bound {bound} is on the wrong side of the objective {objective} for a {sense}imisation"),
        );
    }
    let gap = optimality::gap(objective, bound);
    if !(stage.gap == gap || close(stage.gap, gap)) {
        found.add(
            "STAGE",
            id,
            format!("gap: plan reports {}, |objective − bound| / max(1, |objective|) is {gap}", stage.gap),
        );
    }
    if stage.proven_optimal && !optimality::proven(objective, bound, unit) {
        found.add("STAGE", id, format!("claims proven optimality with gap {}", stage.gap));
    }
    if stage.status == StageStatus::Optimal && !stage.proven_optimal {
        found.add("STAGE", id, "status is optimal, but proven_optimal is false");
    }
}

/// Verify a stage's proof: rebuild its rows and compute the bound its duals imply (or its
/// counting bound). A claim of proven optimality with a proof the checker can verify
/// passes only when that bound proves it.
#[allow(clippy::too_many_arguments)]
fn verify_proof(
    rules: &Rules,
    plan: &Plan,
    view: &PlanView,
    values: &StageValues,
    stage: &StageReport,
    replan: bool,
    goals: &BTreeMap<&str, f64>,
    goals_certified: bool,
    found: &mut Findings,
) -> StageCheck {
    let id = stage.id.as_str();
    let unit = optimality::unit(id, &rules.inst.parameters);
    let mut check =
        StageCheck { id: id.to_string(), certified_bound: None, verdict: Verdict::SolverBound, unknown_rows: 0 };
    let value = expected_value(values, id).unwrap_or(stage.objective);
    let conclude = |check: &mut StageCheck, bound: f64, found: &mut Findings| {
        check.certified_bound = Some(bound);
        if optimality::proven(value, bound, unit) {
            check.verdict = Verdict::Certified;
        } else {
            check.verdict = Verdict::NotProven;
            if stage.proven_optimal {
                found.add(
                    "STAGE",
                    id,
                    format!("claims proven optimality, but the bound its proof gives is {bound} (objective {value})"),
                );
            }
        }
    };
    match (&stage.proof, id) {
        (Proof::Counting, "S3b") => {
            let bound = proofs::s3b(rules, view);
            if stage.bound < bound - TOLERANCE {
                found.add(
                    "STAGE",
                    id,
                    format!("bound {} is below {bound}, the value dealing weekdays round-robin reaches", stage.bound),
                );
            }
            conclude(&mut check, bound, found);
        }
        (Proof::LpDuals { duals }, "S1" | "B1" | "B2" | "B3") if !replan => {
            let v = proofs::s1_level(rules, plan.mode, id, goals, duals);
            check.unknown_rows = v.unknown.len();
            if goals_certified || id != "S1" {
                conclude(&mut check, v.bound, found);
            }
        }
        (Proof::LpDuals { duals }, "S3a") => {
            let v = proofs::s3a(rules, view, duals);
            check.unknown_rows = v.unknown.len();
            conclude(&mut check, v.bound, found);
        }
        (Proof::Parts, "S2") => verify_parts(rules, plan, view, stage, &mut check, found),
        (Proof::Solver, _) => {}
        (proof, _) => {
            let kind = match proof {
                Proof::LpDuals { .. } => "lp_duals",
                Proof::Counting => "counting",
                Proof::Parts => "parts",
                Proof::Solver => "solver",
            };
            found.add("STAGE", id, format!("a {kind} proof is not one the checker can verify for this stage"));
        }
    }
    check
}

/// S2's per-county models: each part's objective recomputed, each LP-dual proof verified;
/// the stage is certified when every county is.
fn verify_parts(
    rules: &Rules,
    plan: &Plan,
    view: &PlanView,
    stage: &StageReport,
    check: &mut StageCheck,
    found: &mut Findings,
) {
    let p = &rules.inst.parameters;
    let unit = optimality::unit("S2", p);
    let mut by_id: BTreeMap<&str, &StagePart> = BTreeMap::new();
    for part in &stage.parts {
        if by_id.insert(part.id.as_str(), part).is_some() {
            found.add("STAGE", "S2", format!("part {} is listed twice", part.id));
        }
    }
    let mut total = 0.0;
    let mut all_certified = true;
    for (k, county) in rules.inst.region.counties.iter().enumerate() {
        let part_id = format!("S2_{}", county.code);
        let Some(part) = by_id.remove(part_id.as_str()) else {
            found.add("STAGE", "S2", format!("reports no part {part_id}"));
            all_certified = false;
            continue;
        };
        let value: f64 = view.members[k]
            .iter()
            .flat_map(|&c| view.township[c].into_iter().flatten().map(move |t| (c, t)))
            .map(|(c, t)| p.match_value * rules.matches(c, t) as f64)
            .sum::<f64>()
            + rules.townships_of[k]
                .iter()
                .filter(|&&t| rules.inst.region.townships[t].priority && view.covered[t][0])
                .count() as f64
                * p.priority_first_year_value;
        if !close(part.objective, value) {
            found.add("STAGE", &part_id, format!("objective: plan reports {}, recomputed {value}", part.objective));
        }
        match &part.proof {
            Proof::LpDuals { duals } => {
                let v = proofs::s2_county(rules, view, plan.mode, k, duals);
                check.unknown_rows += v.unknown.len();
                total += v.bound;
                if !optimality::proven(value, v.bound, unit) {
                    all_certified = false;
                    if stage.proven_optimal {
                        found.add(
                            "STAGE",
                            &part_id,
                            format!(
                                "claims proven optimality, but its duals give the bound {} (objective {value})",
                                v.bound
                            ),
                        );
                    }
                }
            }
            Proof::Solver => {
                all_certified = false;
                if stage.proven_optimal && !optimality::proven(part.objective, part.bound, unit) {
                    found.add("STAGE", &part_id, format!("claims proven optimality with bound {}", part.bound));
                }
            }
            _ => {
                all_certified = false;
                found.add("STAGE", &part_id, "an S2 part's proof is its LP duals or the solver's bound");
            }
        }
    }
    for extra in by_id.keys() {
        found.add("STAGE", "S2", format!("part {extra} is not a county of the instance"));
    }
    if all_certified {
        check.certified_bound = Some(total);
        check.verdict = Verdict::Certified;
    }
}
