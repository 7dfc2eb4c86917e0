//! Lexicographic optima proved by bounds alone (`Milp::optimum_by_bounds`, which re-planning
//! uses to skip HiGHS where nothing changes) against HiGHS goal by goal, on random models.
//!
//! Each model is random 0/1 columns under random rows that a random baseline point satisfies
//! (a repair's "as before"), plus rows that may cut it off; the goals are "keep the baseline"
//! on a random subset of columns, then a random linear goal. Whenever the bounds answer, their
//! point holds every row and each goal's value equals the one HiGHS proves with the goals
//! before it held; when the kept subset is every column and the baseline holds every row,
//! they must answer.

mod common;

use proptest::prelude::*;
use sanlian_solver::milp::{Direction, Goal, Milp, MilpSettings, Terms, Var};

/// A row: its terms (column, coefficient), lower and upper bound.
type Row = (Vec<(usize, f64)>, f64, f64);

/// A random model: column count, rows (terms, lower, upper), the baseline, the kept
/// columns, the second goal's coefficients and direction.
#[derive(Debug, Clone)]
struct Shape {
    n: usize,
    rows: Vec<Row>,
    baseline: Vec<bool>,
    kept: Vec<bool>,
    second: Vec<f64>,
    maximise: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (2usize..9).prop_flat_map(|n| {
        let row = (prop::collection::vec((0..n, -2i32..=3), 1..5), 0u8..4, -1i32..=1);
        (
            prop::collection::vec(row, 0..8),
            prop::collection::vec(any::<bool>(), n),
            prop::collection::vec(prop::bool::weighted(0.7), n),
            prop::collection::vec(-3i32..=3, n),
            any::<bool>(),
        )
            .prop_map(move |(raw, baseline, kept, second, maximise)| {
                let rows = raw
                    .into_iter()
                    .map(|(terms, kind, slack)| {
                        let terms: Vec<(usize, f64)> = terms.into_iter().map(|(c, a)| (c, f64::from(a))).collect();
                        // The activity at the baseline, then bounds that keep it (kinds 0–2)
                        // or may cut it off by `slack` (kind 3).
                        let at: f64 = terms.iter().map(|&(c, a)| if baseline[c] { a } else { 0.0 }).sum();
                        match kind {
                            0 => (terms, f64::NEG_INFINITY, at),
                            1 => (terms, at, f64::INFINITY),
                            2 => (terms, at, at),
                            _ => (terms, f64::NEG_INFINITY, at + f64::from(slack)),
                        }
                    })
                    .collect();
                let second = second.into_iter().map(f64::from).collect();
                Shape { n, rows, baseline, kept, second, maximise }
            })
    })
}

fn model(s: &Shape) -> (Milp, Vec<Var>) {
    let mut m = Milp::new("random", Direction::Min);
    let x: Vec<Var> = (0..s.n).map(|c| m.binary(format!("x{c}"), 0.0)).collect();
    for (r, (terms, lb, ub)) in s.rows.iter().enumerate() {
        m.row(format!("r{r}"), terms.iter().map(|&(c, a)| (x[c], a)), *lb, *ub);
    }
    (m, x)
}

/// Goal 1: fewest changed kept columns (a constant for each kept 1, minus its column; plus
/// each kept 0's column); goal 2: the random linear one.
fn goals(s: &Shape, x: &[Var]) -> Vec<Goal> {
    let mut changes: Terms = Vec::new();
    let mut constant = 0.0;
    for c in (0..s.n).filter(|&c| s.kept[c]) {
        if s.baseline[c] {
            changes.push((x[c], -1.0));
            constant += 1.0;
        } else {
            changes.push((x[c], 1.0));
        }
    }
    let second: Terms = (0..s.n).map(|c| (x[c], s.second[c])).collect();
    let direction = if s.maximise { Direction::Max } else { Direction::Min };
    vec![("changes", Direction::Min, changes, constant), ("second", direction, second, 0.0)]
}

/// Each goal's optimum by HiGHS, the goals before it held; `None` if the model is infeasible.
fn by_highs(mut m: Milp, goals: &[Goal]) -> Option<Vec<f64>> {
    let mut values = Vec::new();
    for (id, direction, terms, offset) in goals {
        m.set_objective(*direction, terms.clone(), *offset);
        let r = m.solve(&MilpSettings::default());
        if !r.has_solution() {
            return None;
        }
        let value = r.objective.round();
        values.push(value);
        let held = value - offset;
        let (lb, ub) = if *direction == Direction::Min { (f64::NEG_INFINITY, held) } else { (held, f64::INFINITY) };
        m.row(format!("{id}_fixed"), terms.clone(), lb, ub);
    }
    Some(values)
}

#[test]
fn bounds_answer_only_with_the_lexicographic_optimum() {
    // Cases where the bounds do not answer are skipped (after the check that they need not):
    // 300 answers are compared with HiGHS whatever the seed.
    common::run_until_compared("bounds", file!(), &shape(), 300, 20_000, |s| {
        let (m, x) = model(&s);
        let goals = goals(&s, &x);
        let baseline_holds = s.rows.iter().all(|(terms, lb, ub)| {
            let at: f64 = terms.iter().map(|&(c, a)| if s.baseline[c] { a } else { 0.0 }).sum();
            at >= *lb && at <= *ub
        });
        let answer = m.optimum_by_bounds(&goals);
        if s.kept.iter().all(|&k| k) && baseline_holds {
            prop_assert!(answer.is_some(), "every column kept at a baseline that holds: the bounds must answer");
        }
        let Some((values, r)) = answer else { return Ok(false) };
        for (terms, lb, ub) in &s.rows {
            let at: f64 = terms.iter().map(|&(c, a)| a * r.values[x[c].0]).sum();
            prop_assert!(at >= *lb - 1e-9 && at <= *ub + 1e-9, "the point breaks a row");
        }
        prop_assert!(r.values.iter().all(|v| *v == 0.0 || *v == 1.0));
        let highs = by_highs(m.clone(), &goals).expect("the bounds found a point, so the model is feasible");
        prop_assert_eq!(values, highs);
        Ok(true)
    });
}
