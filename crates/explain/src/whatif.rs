//! What-if: the plan changed as little as possible under one change (the re-planning
//! engine: fewest changed decisions first, then cost), and, as a second answer, a fresh
//! optimal solve under the change.

use serde::Serialize;

use sanlian_check::{certify, Rules};
use sanlian_engine::{Answer, EngineError};
use sanlian_model::{Certificate, Instance, Plan, Prepared};
use sanlian_solver::repair::{baselines, changes, repair};
use sanlian_solver::Outcome;

use crate::{resolve_options, ExplainError};

/// A change to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhatIf {
    /// `P017 -> 370781`: the cadre serves in that county.
    Move { cadre: String, county: String },
    /// `P017 !-> 370781`: the cadre may not serve in that county.
    Forbid { cadre: String, county: String },
    /// `remove P017` (or `-P017`): the cadre leaves the roster.
    Remove { cadre: String },
}

/// Parse a what-if: `ID -> COUNTY`, `ID !-> COUNTY`, `remove ID` or `-ID`.
pub fn parse_what_if(text: &str) -> Result<WhatIf, String> {
    let t = text.trim();
    let usage =
        || format!("--what-if {text:?}: expected \"ID -> COUNTY\", \"ID !-> COUNTY\", \"remove ID\" or \"-ID\"");
    if let Some((a, b)) = t.split_once("!->") {
        let (cadre, county) = (a.trim(), b.trim());
        if cadre.is_empty() || county.is_empty() {
            return Err(usage());
        }
        return Ok(WhatIf::Forbid { cadre: cadre.into(), county: county.into() });
    }
    if let Some((a, b)) = t.split_once("->") {
        let (cadre, county) = (a.trim(), b.trim());
        if cadre.is_empty() || county.is_empty() {
            return Err(usage());
        }
        return Ok(WhatIf::Move { cadre: cadre.into(), county: county.into() });
    }
    let removed = t.strip_prefix("remove ").or_else(|| t.strip_prefix('-')).map(str::trim);
    match removed {
        Some(id) if !id.is_empty() && !id.contains(char::is_whitespace) => Ok(WhatIf::Remove { cadre: id.into() }),
        _ => Err(usage()),
    }
}

/// One cadre whose group differs between the two plans.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Cadre id.
    pub cadre: String,
    /// County before (none for a cadre that left).
    pub from: Option<String>,
    /// County after (none for a cadre that left).
    pub to: Option<String>,
}

/// The outcome of a what-if.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIfResult {
    /// The change, as given.
    pub what_if: String,
    /// Optimal S1 before the change (a fresh solve of the instance).
    pub s1_before: f64,
    /// Optimal S1 after the change, when a strict plan exists.
    pub s1_after: Option<f64>,
    /// s1_after − s1_before.
    pub s1_delta: Option<f64>,
    /// Whether the new plan exists and passes the checker (against the original
    /// rules; for a removal, against the instance without the cadre).
    pub valid: bool,
    /// Whether every stage of the new plan is proven optimal.
    pub proven_optimal: bool,
    /// Checker violations of the new plan (should be empty).
    pub violations: Vec<String>,
    /// When no strict plan exists after the change: why.
    pub certificates: Vec<Certificate>,
    /// Cadres whose group changes, against the fresh optimal plan.
    pub moves: Vec<Change>,
    /// The answer a planner asks for first: the plan before changed as little as possible
    /// (none when no strict plan exists after the change).
    pub minimal: Option<Minimal>,
}

/// The plan before, repaired under the change with the fewest changed decisions, then the
/// least cost (the re-planning engine, nothing pinned), and checked.
#[derive(Debug, Clone, Serialize)]
pub struct Minimal {
    /// Its S1, recomputed by the checker.
    pub s1_after: f64,
    /// s1_after − the optimal S1 before.
    pub s1_delta: f64,
    /// Every decision that differs from the plan before (group, township, months, weekday).
    pub changes: Vec<sanlian_solver::repair::Change>,
    /// The cadres whose group differs (the `group` changes, and a removed cadre).
    pub moves: Vec<Change>,
    /// Whether the checker accepts it (against the rules of the instance after the change).
    pub valid: bool,
    /// The checker's violations, if any (a defect).
    pub violations: Vec<String>,
}

/// Repair `before` on `after` (the instance with the change made) with the fewest changes.
fn minimal_change(
    after: &Prepared,
    before: &Plan,
    s1_before: f64,
    removed: Option<&str>,
) -> Result<Option<Minimal>, ExplainError> {
    let ids: Vec<Option<String>> = after.inst.cadres.iter().map(|c| Some(c.id.clone())).collect();
    let base = baselines(after, before, &ids);
    let date = after.plan_start();
    let solution = repair(after, date, &base, &resolve_options()).map_err(ExplainError::Solve)?;
    let Outcome::Planned(plan) = solution.outcome else { return Ok(None) };
    let list = changes(after, date, &base, &plan);
    // A change of group is listed once per plan year; a move is once per cadre.
    let mut moves: Vec<Change> = Vec::new();
    for c in list.iter().filter(|c| c.kind == "group") {
        if !moves.iter().any(|m| m.cadre == c.cadre) {
            moves.push(Change { cadre: c.cadre.clone(), from: Some(c.from.clone()), to: Some(c.to.clone()) });
        }
    }
    if let Some(id) = removed {
        let from = before.assignments.iter().find(|a| a.cadre == id).map(|a| a.county.clone());
        moves.insert(0, Change { cadre: id.to_string(), from, to: None });
    }
    let rules = Rules::new(after.inst).map_err(|e| ExplainError::Unknown(e.to_string()))?;
    Ok(Some(match certify(&rules, *plan) {
        Ok(checked) => {
            let s1_after = checked.report().values.s1;
            Minimal {
                s1_after,
                s1_delta: s1_after - s1_before,
                changes: list,
                moves,
                valid: true,
                violations: Vec::new(),
            }
        }
        Err(report) => Minimal {
            s1_after: report.values.s1,
            s1_delta: report.values.s1 - s1_before,
            changes: list,
            moves,
            valid: false,
            violations: report.violations.iter().map(|v| v.to_string()).collect(),
        },
    }))
}

fn s1(plan: &Plan) -> f64 {
    plan.stages.iter().find(|s| s.id == "S1").map(|s| s.objective).unwrap_or(f64::NAN)
}

/// The checked plan of `prep` through the engine (`variant`: a what-if narrowed its
/// eligibility), or the certificates.
fn planned(prep: &Prepared, variant: bool) -> Result<Result<Plan, Vec<Certificate>>, ExplainError> {
    let solved = if variant {
        sanlian_engine::solve_variant(prep, &resolve_options())
    } else {
        sanlian_engine::solve(prep, &resolve_options())
    };
    Ok(match solved.map_err(engine_error)?.answer {
        Answer::Planned(p) => Ok(p.into_plan()),
        Answer::Infeasible(c) => Err(c),
    })
}

/// An engine failure as an explanation error.
pub(crate) fn engine_error(e: EngineError) -> ExplainError {
    match e {
        EngineError::Solve(e) => ExplainError::Solve(e),
        other => ExplainError::Unknown(other.to_string()),
    }
}

/// Re-solve under `change` and compare with the optimal plan of `prep`.
pub fn what_if(prep: &Prepared, change: &WhatIf, text: &str) -> Result<WhatIfResult, ExplainError> {
    let inst = prep.inst;
    let cadre_of = |id: &str| {
        prep.cadre_index
            .get(id)
            .copied()
            .ok_or_else(|| ExplainError::Unknown(format!("--what-if {text:?}: no cadre {id} in the instance")))
    };
    let county_of = |code: &str| {
        prep.county_index
            .get(code)
            .copied()
            .ok_or_else(|| ExplainError::Unknown(format!("--what-if {text:?}: no county {code} in the instance")))
    };
    let before = planned(prep, false)?.map_err(|_| ExplainError::Infeasible)?;
    let removed_instance: Instance;
    let (after_prep, variant): (Prepared, bool) = match change {
        WhatIf::Move { cadre, county } => {
            let (c, k) = (cadre_of(cadre)?, county_of(county)?);
            if !prep.is_eligible(c, k) {
                return Err(ExplainError::Unknown(format!(
                    "--what-if {text:?}: {} may not serve in {} (H2: {} is not among its {} eligible counties)",
                    cadre,
                    inst.region.counties[k].name,
                    county,
                    prep.eligible[c].len()
                )));
            }
            (prep.restrict(c, &[k]), true)
        }
        WhatIf::Forbid { cadre, county } => {
            let (c, k) = (cadre_of(cadre)?, county_of(county)?);
            if prep.eligible[c] == [k] {
                return Err(ExplainError::Unknown(format!(
                    "--what-if {text:?}: {county} is the only county {cadre} may serve in (H2), so forbidding it removes the cadre; use \"remove {cadre}\""
                )));
            }
            (prep.forbid(c, k), true)
        }
        WhatIf::Remove { cadre } => {
            let c = cadre_of(cadre)?;
            let mut i = inst.clone();
            i.cadres.remove(c);
            removed_instance = i;
            let p = Prepared::new(&removed_instance)
                .map_err(|e| ExplainError::Unknown(format!("--what-if {text:?}: {e}")))?;
            (p, false)
        }
    };
    let after = planned(&after_prep, variant)?;
    let s1_before = s1(&before);
    let removed = match change {
        WhatIf::Remove { cadre } => Some(cadre.as_str()),
        _ => None,
    };
    let minimal = if after.is_ok() { minimal_change(&after_prep, &before, s1_before, removed)? } else { None };
    Ok(match after {
        Ok(plan) => {
            let before_county: std::collections::HashMap<&str, &str> =
                before.assignments.iter().map(|a| (a.cadre.as_str(), a.county.as_str())).collect();
            let mut moves: Vec<Change> = plan
                .assignments
                .iter()
                .filter(|a| before_county.get(a.cadre.as_str()) != Some(&a.county.as_str()))
                .map(|a| Change {
                    cadre: a.cadre.clone(),
                    from: before_county.get(a.cadre.as_str()).map(|s| s.to_string()),
                    to: Some(a.county.clone()),
                })
                .collect();
            if let WhatIf::Remove { cadre } = change {
                moves.insert(
                    0,
                    Change {
                        cadre: cadre.clone(),
                        from: before_county.get(cadre.as_str()).map(|s| s.to_string()),
                        to: None,
                    },
                );
            }
            WhatIfResult {
                what_if: text.into(),
                s1_before,
                s1_after: Some(s1(&plan)),
                s1_delta: Some(s1(&plan) - s1_before),
                valid: true,
                proven_optimal: plan.stages.iter().all(|s| s.proven_optimal),
                violations: Vec::new(),
                certificates: Vec::new(),
                moves,
                minimal,
            }
        }
        Err(certificates) => WhatIfResult {
            what_if: text.into(),
            s1_before,
            s1_after: None,
            s1_delta: None,
            valid: false,
            proven_optimal: false,
            violations: Vec::new(),
            certificates,
            moves: Vec::new(),
            minimal: None,
        },
    })
}
