//! What "proven optimal" means (PLANNING_RULES §5), written once for the solver and the
//! checker: a relative gap ≤ 1e-6, or an absolute gap below half the smallest objective unit.

use crate::Parameters;

/// Relative gap at or below which a stage counts as proven optimal.
pub const REL_GAP: f64 = 1e-6;

/// Relative gap |objective − bound| / max(1, |objective|).
pub fn gap(objective: f64, bound: f64) -> f64 {
    (objective - bound).abs() / objective.abs().max(1.0)
}

/// Is a stage with this objective and bound proven optimal, for objective unit `unit`?
pub fn proven(objective: f64, bound: f64, unit: f64) -> bool {
    gap(objective, bound) <= REL_GAP || (objective - bound).abs() < 0.5 * unit
}

/// The smallest unit of a stage's objective (0 when its values are not on a grid):
/// S1 0.01 yuan (a fen); S2 the gcd of `match_value` and `priority_first_year_value` when
/// both are whole numbers; counts (S3a, S3b, the best-effort goals B1–B3 and the
/// re-planning stages R1–R3) 1.
pub fn unit(stage: &str, p: &Parameters) -> f64 {
    match stage {
        "S1" => 0.01,
        "S2" => s2_step(p),
        _ => 1.0,
    }
}

/// The grid of S2's values: gcd of its two values when both are whole numbers, else 0.
pub fn s2_step(p: &Parameters) -> f64 {
    let (a, b) = (p.match_value, p.priority_first_year_value);
    if a.fract() == 0.0 && b.fract() == 0.0 && a.max(b) > 0.0 {
        let (mut x, mut y) = (a as u64, b as u64);
        while y != 0 {
            (x, y) = (y, x % y);
        }
        x as f64
    } else {
        0.0
    }
}

/// A bound on a stage whose values lie on the grid `step` (> 0), tightened to the grid:
/// for a maximisation the optimum is at most the largest grid value ≤ `bound`, for a
/// minimisation at least the smallest ≥ `bound` (a 1e-9 relative slack absorbs rounding).
pub fn on_grid(bound: f64, step: f64, maximise: bool) -> f64 {
    if step.is_nan() || step <= 0.0 || !bound.is_finite() {
        return bound;
    }
    let q = bound / step;
    let slack = 1e-9 * q.abs().max(1.0);
    if maximise {
        (q + slack).floor() * step
    } else {
        (q - slack).ceil() * step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_definition() {
        let p = Parameters::default();
        assert_eq!(unit("S2", &p), 10.0);
        assert!(proven(18440.0, 18444.0, 10.0), "S2 bound objective + 4 with unit 10 is proven");
        assert!(!proven(18440.0, 18446.0, 10.0));
        assert!(proven(1e9, 1e9 + 900.0, 0.01), "relative 9e-7");
        assert!(!proven(100.0, 100.01, 0.01));
        assert_eq!(on_grid(18444.0, 10.0, true), 18440.0);
        assert_eq!(on_grid(18440.0000001, 10.0, true), 18440.0);
        assert_eq!(on_grid(3.2, 1.0, false), 4.0);
        assert_eq!(on_grid(3.2, 0.0, false), 3.2);
    }
}
