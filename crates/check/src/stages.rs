//! STAGE: recompute the stage objectives of §5 and §6 and compare them with
//! the plan's stage reports.

use std::collections::HashSet;

use sanlian_model::{Plan, Prepared, StageReport, StageStatus};

use crate::rules::is_workday;
use crate::view::PlanView;
use crate::{Findings, StageValues};

/// Tolerance of stage values and gaps: 1e-6 absolute or relative.
const TOLERANCE: f64 = 1e-6;

/// Recompute every stage value from the plan as read.
pub(crate) fn recompute(prep: &Prepared, view: &PlanView) -> StageValues {
    let inst = prep.inst;
    let p = &inst.parameters;
    let n_counties = prep.n_counties();
    let mut v = StageValues::default();

    for c in 0..prep.n_cadres() {
        let Some(k) = view.county_of[c] else { continue };
        v.s1_travel += prep.travel_cost(c, k);
        v.s1_preference_misses += usize::from(prep.misses_preference(c, k));
        v.s1_continuity_kept += usize::from(prep.is_previous(c, k));
    }
    v.s1 = v.s1_travel + p.preference_penalty * v.s1_preference_misses as f64
        - p.continuity_bonus * v.s1_continuity_kept as f64;

    v.s2_matches = (0..prep.n_cadres())
        .flat_map(|c| view.township[c].into_iter().flatten().map(move |t| (c, t)))
        .map(|(c, t)| prep.matches(c, t))
        .sum();
    v.s2_priority_first_year =
        inst.region.townships.iter().zip(&view.covered).filter(|(t, covered)| t.priority && covered[0]).count();
    v.s2 = p.match_value * v.s2_matches as f64 + p.priority_first_year_value * v.s2_priority_first_year as f64;

    for k in 0..n_counties {
        for y in 0..2 {
            let on_block: HashSet<u32> = view.members[k].iter().flat_map(|&c| view.block_months(c, y)).collect();
            v.s3_presence += p.window_months().filter(|m| on_block.contains(m)).count();
        }
        let weekdays: HashSet<u32> = view.members[k]
            .iter()
            .filter(|&&c| prep.has_weekday(c))
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
            && prep
                .stretch_starts(members.iter().copied())
                .into_iter()
                .all(|d| members.iter().filter(|&&c| counts(c) && inst.cadres[c].serves_on(d)).count() >= least.max(1))
    };
    v.b2_senior_leaders = (0..n_counties).filter(|&k| on_every_day(k, 1, &|c| inst.cadres[c].senior)).count();
    let need = p.min_upper_per_group as usize;
    v.b3_mixed_groups = (0..n_counties)
        .filter(|&k| if need == 0 { true } else { on_every_day(k, need, &|c| inst.cadres[c].level.is_upper()) })
        .count();
    v
}

/// What the checker knows of a stage: recomputed value, sense, and whether
/// the objective is integral (so an absolute gap < 0.5 proves optimality).
fn expected(values: &StageValues, id: &str) -> Option<(f64, &'static str, bool)> {
    Some(match id {
        "S1" => (values.s1, "min", false),
        "S2" => (values.s2, "max", false),
        "S3a" => (values.s3_presence as f64, "max", true),
        "S3b" => (values.s3_weekdays as f64, "max", true),
        "B1" => (values.b1_covered as f64, "max", true),
        "B2" => (values.b2_senior_leaders as f64, "max", true),
        "B3" => (values.b3_mixed_groups as f64, "max", true),
        _ => return None,
    })
}

fn close(a: f64, b: f64) -> bool {
    let diff = (a - b).abs();
    diff <= TOLERANCE || diff <= TOLERANCE * a.abs().max(b.abs())
}

/// Compare each reported stage with the recomputed value, and check that its
/// sense, bound, gap and optimality claim are consistent.
pub(crate) fn compare(plan: &Plan, values: &StageValues, found: &mut Findings) {
    let mut seen = HashSet::new();
    for stage in &plan.stages {
        let id = stage.id.as_str();
        if !seen.insert(id) {
            found.add("STAGE", id, "the stage is reported more than once; only the first is checked");
            continue;
        }
        if matches!(id, "R1" | "R2" | "R3") {
            // Re-planning counts changes against the plan it repaired, which the checker
            // does not see: only the report's own consistency can be checked.
            if stage.sense != "min" {
                found.add("STAGE", id, format!("sense is {:?}, the stage is a minimisation", stage.sense));
            }
            check_bound_and_gap(stage, "min", true, found);
            continue;
        }
        let Some((value, sense, integral)) = expected(values, id) else {
            found.add("STAGE", id, "is not a stage id (S1, S2, S3a, S3b, B1, B2, B3, R1, R2, R3)");
            continue;
        };
        if stage.sense != sense {
            found.add("STAGE", id, format!("sense is {:?}, the stage is a {sense}imisation", stage.sense));
        }
        if !close(stage.objective, value) {
            found.add("STAGE", id, format!("objective: plan reports {}, recomputed {value}", stage.objective));
        }
        check_bound_and_gap(stage, sense, integral, found);
    }
}

/// The bound lies on the right side of the objective, the gap is
/// |objective − bound| / max(1, |objective|), and optimality is claimed only
/// when the gap is at most 1e-6 (or, for an integral objective, the absolute
/// gap is below 0.5).
fn check_bound_and_gap(stage: &StageReport, sense: &str, integral: bool, found: &mut Findings) {
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
    let gap = (objective - bound).abs() / objective.abs().max(1.0);
    if !(stage.gap == gap || close(stage.gap, gap)) {
        found.add(
            "STAGE",
            id,
            format!("gap: plan reports {}, |objective − bound| / max(1, |objective|) is {gap}", stage.gap),
        );
    }
    let proven = stage.gap <= TOLERANCE || (integral && (objective - bound).abs() < 0.5);
    if stage.proven_optimal && !proven {
        found.add("STAGE", id, format!("claims proven optimality with gap {}", stage.gap));
    }
    if stage.status == StageStatus::Optimal && !stage.proven_optimal {
        found.add("STAGE", id, "status is optimal, but proven_optimal is false");
    }
}
