//! Alternatives on demand (Timefold's "recommendations", issue 12, item 3): for a cadre the
//! groups it could serve in, for a township-year the cadres who could cover it, for a county
//! the cadres who could lead it — each answered exactly by the repair around it (the
//! re-planning engine with the alternative locked: fewest changes, then S1), in parallel, and
//! the candidates that cannot work with the rule that forbids them.
//!
//! Which candidates are repaired: those a planner would look at first, by the cost of the
//! direct change (the cadre's own S1 coefficient in the county; for townships, members of the
//! township's group before others and the best strength match first; for leaders, senior
//! members of the group before seniors elsewhere, cheapest first). The `k` cheapest of them
//! are repaired and ranked by (other cadres changed, S1 delta); every figure shown is exact.
//! A senior whose group has no other senior is not a leader candidate elsewhere (moving it
//! alone breaks H3 at home); each repair has a time budget ([`REPAIR_SECONDS`]).

use rayon::prelude::*;
use serde::Serialize;

use sanlian_model::{Instance, Plan, Prepared};
use sanlian_solver::SolveOptions;

use sanlian_check::Rules;
use sanlian_solver::repair::{baselines, changes};

use crate::edit::{apply_edits_after, repair_edit, Edit, RepairError};

/// Seconds one alternative's repair may take unless the options set a time limit.
pub const REPAIR_SECONDS: f64 = 3.0;

/// What alternatives are asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The groups a cadre could serve in (its id).
    Cadre(String),
    /// The cadres who could cover a township (code) in a calendar year.
    Township(String, i32),
    /// The cadres who could lead a county's group (code).
    Leader(String),
}

/// One alternative, repaired.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    /// The edit it is (what "试一试" would send).
    pub edit: Edit,
    /// The county (a cadre's alternative) or cadre (a township's or county's).
    pub candidate: String,
    /// Whether a valid plan keeps it.
    pub feasible: bool,
    /// S1 after the minimal repair − S1 of the plan (yuan), when feasible.
    pub s1_delta: Option<f64>,
    /// Other cadres whose decisions the minimal repair changes.
    pub others: Option<usize>,
    /// Decisions the minimal repair changes in all (the alternative's own included).
    pub changes: Option<usize>,
    /// Whether every stage of the repair was proven optimal within its time budget (else the
    /// figures are those of the best repair found).
    pub exact: bool,
    /// When not feasible: the rule that forbids it (H2, H3, … or the lock certificate's).
    pub forbidden_by: Option<String>,
    /// When not feasible: why, in English (the certificate's or validation's words).
    pub reason: Option<String>,
}

/// The answer: the ranked alternatives, and the candidates ruled out without a solve.
#[derive(Debug, Clone, Serialize)]
pub struct Alternatives {
    /// Feasible alternatives ranked by (others changed, S1 delta), then the infeasible ones.
    pub alternatives: Vec<Alternative>,
    /// Candidates a rule forbids outright: (county or cadre, rule), e.g. counties outside H2.
    pub ruled_out: Vec<(String, String)>,
    /// Candidates considered (repaired or ruled out).
    pub considered: usize,
}

/// Why alternatives cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum AlternativesError {
    /// The subject names nothing in the instance or plan.
    #[error("{0}")]
    Unknown(String),
    /// The instance does not validate.
    #[error(transparent)]
    Input(#[from] sanlian_model::InputError),
}

/// The top `k` alternatives for `subject` on `plan` of `inst`.
pub fn alternatives(
    inst: &Instance,
    plan: &Plan,
    subject: &Subject,
    k: usize,
    opts: &SolveOptions,
) -> Result<Alternatives, AlternativesError> {
    let prep = Prepared::new(inst)?;
    let assignment: std::collections::HashMap<&str, &sanlian_model::CadreAssignment> =
        plan.assignments.iter().map(|a| (a.cadre.as_str(), a)).collect();
    let county_of = |id: &str| assignment.get(id).map(|a| a.county.as_str());
    let mut ruled_out: Vec<(String, String)> = Vec::new();
    // (edit, candidate, screening cost): cheapest first.
    let mut candidates: Vec<(Edit, String, f64)> = Vec::new();
    match subject {
        Subject::Cadre(id) => {
            let c = *prep
                .cadre_index
                .get(id.as_str())
                .ok_or_else(|| AlternativesError::Unknown(format!("no cadre {id}")))?;
            let here = county_of(id).ok_or_else(|| AlternativesError::Unknown(format!("{id} is not in the plan")))?;
            for (kk, county) in inst.region.counties.iter().enumerate() {
                if county.code == here {
                    continue;
                }
                if !prep.is_eligible(c, kk) {
                    let rule = if prep.locks.of_cadre[c].is_empty() { "H2" } else { "H2/P1–P5" };
                    ruled_out.push((county.code.clone(), rule.into()));
                    continue;
                }
                candidates.push((
                    Edit::Move { cadre: id.clone(), county: county.code.clone() },
                    county.code.clone(),
                    prep.s1_coefficient(c, kk),
                ));
            }
        }
        Subject::Township(code, year) => {
            let t = *prep
                .township_index
                .get(code.as_str())
                .ok_or_else(|| AlternativesError::Unknown(format!("no township {code}")))?;
            let y = usize::try_from(year - inst.first_year)
                .ok()
                .filter(|&y| y < 2)
                .ok_or_else(|| AlternativesError::Unknown(format!("{year} is not a plan year")))?;
            let kt = prep.county_index[inst.region.townships[t].county.as_str()];
            let covers = |id: &str| {
                assignment.get(id).is_some_and(|a| a.years.iter().any(|e| e.year == *year && e.township == *code))
            };
            for (c, cadre) in inst.cadres.iter().enumerate() {
                if covers(&cadre.id) {
                    continue;
                }
                if !prep.active(c, y) {
                    ruled_out.push((cadre.id.clone(), "H5".into()));
                    continue;
                }
                if !prep.is_eligible(c, kt) {
                    continue;
                }
                let member = county_of(&cadre.id) == Some(inst.region.counties[kt].code.as_str());
                // Members first (no group change), then by the change of their S1 cost, best match first.
                let here = county_of(&cadre.id).and_then(|k| prep.county_index.get(k).copied()).unwrap_or(kt);
                let moved = if member { 0.0 } else { 1e9 + prep.s1_coefficient(c, kt) - prep.s1_coefficient(c, here) };
                let score = moved - prep.matches(c, t) as f64;
                candidates.push((
                    Edit::Township { cadre: cadre.id.clone(), year: *year, township: code.clone() },
                    cadre.id.clone(),
                    score,
                ));
            }
        }
        Subject::Leader(code) => {
            let kk = *prep
                .county_index
                .get(code.as_str())
                .ok_or_else(|| AlternativesError::Unknown(format!("no county {code}")))?;
            let leader = plan.groups.iter().find(|g| g.county == *code).and_then(|g| g.leader.clone());
            for (c, cadre) in inst.cadres.iter().enumerate() {
                if leader.as_deref() == Some(cadre.id.as_str()) {
                    continue;
                }
                let member = county_of(&cadre.id) == Some(code.as_str());
                if !cadre.senior {
                    if member {
                        ruled_out.push((cadre.id.clone(), "H3".into()));
                    }
                    continue;
                }
                if prep.locks.bars_lead(c, kk) {
                    ruled_out.push((cadre.id.clone(), "P4".into()));
                    continue;
                }
                if !prep.is_eligible(c, kk) {
                    continue;
                }
                // A senior from elsewhere is a candidate only where its own group keeps another
                // senior member (else the move alone leaves that group without a leader, H3).
                let from = county_of(&cadre.id);
                let left_led = plan.groups.iter().find(|g| Some(g.county.as_str()) == from).is_some_and(|g| {
                    g.members.iter().any(|m| {
                        *m != cadre.id && prep.cadre_index.get(m.as_str()).is_some_and(|&o| inst.cadres[o].senior)
                    })
                });
                if !member && !left_led {
                    ruled_out.push((cadre.id.clone(), "H3".into()));
                    continue;
                }
                let here = from.and_then(|k| prep.county_index.get(k).copied()).unwrap_or(kk);
                let moved = if member { 0.0 } else { 1e9 + prep.s1_coefficient(c, kk) - prep.s1_coefficient(c, here) };
                candidates.push((
                    Edit::Leader { county: code.clone(), cadre: cadre.id.clone() },
                    cadre.id.clone(),
                    moved,
                ));
            }
        }
    }
    candidates.sort_by(|a, b| a.2.total_cmp(&b.2).then_with(|| a.1.cmp(&b.1)));
    let considered = candidates.len() + ruled_out.len();
    candidates.truncate(k);
    // Each repair has its own time budget (a candidate whose repair needs more is reported
    // unsolved, not waited for).
    let quiet = SolveOptions { threads: 1, capture_models: false, solver_log: false, ..opts.clone() };
    let rules = Rules::new(inst)?;
    let before = sanlian_check::check_with(&rules, plan);
    let budget = opts.time_limit.unwrap_or(REPAIR_SECONDS);
    let mut out: Vec<Alternative> = candidates
        .into_par_iter()
        .map(|(edit, candidate, _)| {
            let mut a = Alternative {
                edit: edit.clone(),
                candidate,
                feasible: false,
                s1_delta: None,
                others: None,
                changes: None,
                exact: false,
                forbidden_by: None,
                reason: None,
            };
            if let Some((s1_delta, others, count)) = valid_as_made(inst, &prep, &rules, plan, &before, &edit) {
                a.feasible = true;
                a.s1_delta = Some(s1_delta);
                a.others = Some(others);
                a.changes = Some(count);
                a.exact = true;
                return a;
            }
            let own =
                SolveOptions { time_limit: Some(budget), started: Some(std::time::Instant::now()), ..quiet.clone() };
            match repair_edit(inst, plan, &edit, &own) {
                Ok(r) => {
                    a.feasible = true;
                    a.s1_delta = Some(r.s1_delta);
                    a.others = Some(r.others);
                    a.changes = Some(r.changes.len());
                    a.exact = r.plan.stages.iter().all(|st| st.proven_optimal);
                }
                Err(RepairError::Infeasible(certs)) => {
                    a.forbidden_by = certs.first().map(|c| c.rule.clone());
                    a.reason = certs.first().map(|c| c.message.clone());
                }
                Err(RepairError::Edit(e)) => {
                    if let sanlian_model::InputError::Invalid { problems, .. } = &e {
                        a.forbidden_by = problems.iter().find_map(|p| rule_in(&p.message));
                    }
                    a.reason = Some(e.to_string());
                }
                Err(e) => a.reason = Some(e.to_string()),
            }
            a
        })
        .collect();
    out.sort_by(|a, b| {
        b.feasible
            .cmp(&a.feasible)
            .then_with(|| a.others.cmp(&b.others))
            .then_with(|| a.s1_delta.unwrap_or(f64::INFINITY).total_cmp(&b.s1_delta.unwrap_or(f64::INFINITY)))
            .then_with(|| a.candidate.cmp(&b.candidate))
    });
    Ok(Alternatives { alternatives: out, ruled_out, considered })
}

/// The minimal repair's figures (S1 delta, other cadres changed, changes) when `edit` made on
/// a strict `plan` already breaks no rule, without a solve. They are exact: the edited plan differs
/// from `plan` only in the decisions the edit's locks force on every plan that keeps them (the
/// cadre's group, and its townships, which lie in the old county), so no valid plan keeping
/// the edit changes fewer decisions; and every plan with that few keeps all other decisions,
/// hence the groups, hence S1.
fn valid_as_made(
    inst: &Instance,
    prep: &Prepared,
    rules: &Rules,
    plan: &Plan,
    before: &sanlian_check::Report,
    edit: &Edit,
) -> Option<(f64, usize, usize)> {
    // A repair is strict: a best-effort plan's declared shortfalls are not valid there.
    if plan.mode != sanlian_model::PlanMode::Strict || !plan.shortfalls.is_empty() {
        return None;
    }
    let answer = apply_edits_after(prep, rules, plan, before, std::slice::from_ref(edit))
        .ok()
        .filter(|a| a.valid && a.plan.shortfalls.is_empty())?;
    let mut locked = inst.clone();
    locked.locks.extend(edit.locks(plan));
    let with_locks = Prepared::new(&locked).ok()?;
    let ids: Vec<Option<String>> = locked.cadres.iter().map(|c| Some(c.id.clone())).collect();
    let base = baselines(&with_locks, plan, &ids);
    let list = changes(&with_locks, with_locks.plan_start(), &base, &answer.plan);
    let edited = edit.cadres();
    let mut others: Vec<&str> = list.iter().map(|c| c.cadre.as_str()).filter(|id| !edited.contains(id)).collect();
    others.sort_unstable();
    others.dedup();
    Some((answer.stages.get("S1")?.delta, others.len(), list.len()))
}

/// The first rule id (H1–H10) a message names in brackets, e.g. "… (H2 proximity)".
fn rule_in(message: &str) -> Option<String> {
    message.match_indices("(H").find_map(|(at, _)| {
        let digits: String = message[at + 2..].chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty()).then(|| format!("H{digits}"))
    })
}
