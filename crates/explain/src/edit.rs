//! A planner's edit of a plan, answered at once: the plan with the edit made (costs and
//! stage values recomputed by the checker), the rules it breaks, and the exact deltas; and,
//! on request, the repair around it — the re-planning engine with the edit locked, fewest
//! other changes first, then cost (issue 12, item 2).

use std::collections::BTreeMap;

use serde::Serialize;

use sanlian_check::{certify, check_with, Rules};
pub use sanlian_model::Edit;
use sanlian_model::{cost, Block, Instance, Lang, Msg, Plan, Prepared};
use sanlian_solver::repair::{baselines, changes, repair, Change};
use sanlian_solver::{Outcome, SolveOptions};

/// Why an edit cannot be made at all (it names something the plan does not have).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.text(Lang::En))]
pub struct EditError(pub Msg);

/// A rule the edited plan breaks, as the checker found it.
#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    /// Rule id (H1–H10, P1–P9, SHORTFALL).
    pub rule: String,
    /// What it is about (a cadre id, a county or township code, `locks[i]`).
    pub subject: String,
    /// The checker's words (English).
    pub message: String,
}

/// Before, after and the difference of one figure.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Delta {
    /// The original plan's value (recomputed).
    pub before: f64,
    /// The edited plan's value (recomputed).
    pub after: f64,
    /// after − before.
    pub delta: f64,
}

impl Delta {
    fn of(before: f64, after: f64) -> Delta {
        Delta { before, after, delta: after - before }
    }
}

/// The answer to an edit.
#[derive(Debug, Clone, Serialize)]
pub struct EditAnswer {
    /// The edits, made in this order.
    pub edits: Vec<Edit>,
    /// The plan with the edits made: costs, coverage and stage objectives recomputed by the
    /// checker (its proofs are the original's and no longer apply).
    pub plan: Plan,
    /// Whether it breaks no hard rule and no lock.
    pub valid: bool,
    /// Every hard rule or lock it breaks.
    pub broken: Vec<Broken>,
    /// S1, S2, S3a (county-months with presence) and S3b (distinct weekdays).
    pub stages: BTreeMap<String, Delta>,
    /// Two-year travel per dispatching unit.
    pub units: BTreeMap<String, Delta>,
    /// Travel and stay in all.
    pub travel: Delta,
    /// Stay in all.
    pub stay: Delta,
}

fn unknown(what: &str, code: &str) -> EditError {
    EditError(Msg::new("edit.unknown").noun("what", what).arg("code", code))
}

/// Make `edit` on `plan` and check the result with the checker (`rules` read from the same
/// instance as `prep`): no solve, only the edit and a re-check.
pub fn apply_edit(prep: &Prepared, rules: &Rules, plan: &Plan, edit: &Edit) -> Result<EditAnswer, EditError> {
    apply_edits(prep, rules, plan, std::slice::from_ref(edit)).map_err(|(_, e)| e)
}

/// Make `edits` on `plan` one after the other (a later edit sees the earlier ones: a move
/// then a township in the new county) and check the result once. An edit that names
/// something the plan does not have is refused with its index.
pub fn apply_edits(
    prep: &Prepared,
    rules: &Rules,
    plan: &Plan,
    edits: &[Edit],
) -> Result<EditAnswer, (usize, EditError)> {
    apply_edits_after(prep, rules, plan, &check_with(rules, plan), edits)
}

/// [`apply_edits`] with `before`, the checker's report of `plan` (for many edits of one plan).
pub(crate) fn apply_edits_after(
    prep: &Prepared,
    rules: &Rules,
    plan: &Plan,
    before: &sanlian_check::Report,
    edits: &[Edit],
) -> Result<EditAnswer, (usize, EditError)> {
    let mut edited = plan.clone();
    for (i, edit) in edits.iter().enumerate() {
        make(prep, &mut edited, edit).map_err(|e| (i, e))?;
    }
    Ok(answer(rules, before, edited, edits))
}

/// Make one edit on `edited`, in place.
fn make(prep: &Prepared, edited: &mut Plan, edit: &Edit) -> Result<(), EditError> {
    let inst = prep.inst;
    let cadre = |id: &str| prep.cadre_index.get(id).copied().ok_or_else(|| unknown("cadre", id));
    let county = |code: &str| prep.county_index.get(code).copied().ok_or_else(|| unknown("county", code));
    let entry =
        |p: &Plan, id: &str| p.assignments.iter().position(|a| a.cadre == id).ok_or_else(|| unknown("cadre", id));
    let year_of = |y: i32| -> Result<usize, EditError> {
        usize::try_from(y - inst.first_year).ok().filter(|&y| y < 2).ok_or_else(|| unknown("year", &y.to_string()))
    };
    match edit {
        Edit::Move { cadre: id, county: code } => {
            cadre(id)?;
            let k = county(code)?;
            let i = entry(edited, id)?;
            place(prep, edited, i, k, None);
        }
        Edit::Swap { cadre: a, other: b } => {
            cadre(a)?;
            cadre(b)?;
            let (i, j) = (entry(edited, a)?, entry(edited, b)?);
            let (ka, kb) = (county(&edited.assignments[i].county)?, county(&edited.assignments[j].county)?);
            let towns_a: Vec<(i32, String)> =
                edited.assignments[i].years.iter().map(|y| (y.year, y.township.clone())).collect();
            let towns_b: Vec<(i32, String)> =
                edited.assignments[j].years.iter().map(|y| (y.year, y.township.clone())).collect();
            let led_a = edited.groups.iter().position(|g| g.leader.as_deref() == Some(a.as_str()));
            let led_b = edited.groups.iter().position(|g| g.leader.as_deref() == Some(b.as_str()));
            place(prep, edited, i, kb, Some(&towns_b));
            place(prep, edited, j, ka, Some(&towns_a));
            if let Some(g) = led_a {
                edited.groups[g].leader = Some(b.clone());
            }
            if let Some(g) = led_b {
                edited.groups[g].leader = Some(a.clone());
            }
        }
        Edit::Township { cadre: id, year, township } => {
            cadre(id)?;
            if !prep.township_index.contains_key(township.as_str()) {
                return Err(unknown("township", township));
            }
            let y = year_of(*year)?;
            let i = entry(edited, id)?;
            let e = edited.assignments[i].years.iter_mut().find(|e| e.year == inst.year(y));
            let e = e.ok_or_else(|| unknown("year", &year.to_string()))?;
            e.township = township.clone();
        }
        Edit::Months { cadre: id, year, months } => {
            cadre(id)?;
            let y = year_of(*year)?;
            let mut blocks = Vec::new();
            for m in months {
                let (yy, mm) = sanlian_model::validate::parse_month(m).ok_or_else(|| unknown("month", m))?;
                if yy != inst.year(y) || !(1..=12).contains(&mm) {
                    return Err(unknown("month", m));
                }
                let (first_day, last_day) = cost::month_days(yy, mm);
                blocks.push(Block { month: m.clone(), first_day, last_day });
            }
            blocks.sort_by(|a, b| a.month.cmp(&b.month));
            let i = entry(edited, id)?;
            let e = edited.assignments[i].years.iter_mut().find(|e| e.year == inst.year(y));
            e.ok_or_else(|| unknown("year", &year.to_string()))?.blocks = blocks;
        }
        Edit::Weekday { cadre: id, weekday } => {
            cadre(id)?;
            let i = entry(edited, id)?;
            for e in &mut edited.assignments[i].years {
                e.weekday = Some(*weekday);
            }
        }
        Edit::Leader { county: code, cadre: id } => {
            cadre(id)?;
            county(code)?;
            let g = edited.groups.iter_mut().find(|g| &g.county == code).ok_or_else(|| unknown("county", code))?;
            g.leader = Some(id.clone());
            g.former_leaders.clear();
        }
    }
    Ok(())
}

/// The answer to `edits`: `edited` (the plan with them made) re-checked against `before`, the
/// report of the plan they were made on.
fn answer(rules: &Rules, before: &sanlian_check::Report, mut edited: Plan, edits: &[Edit]) -> EditAnswer {
    let after = check_with(rules, &edited);
    edited.costs = after.costs.clone();
    edited.coverage = after.coverage.clone();
    let values = |r: &sanlian_check::Report| {
        [
            ("S1", r.values.s1),
            ("S2", r.values.s2),
            ("S3a", r.values.s3_presence as f64),
            ("S3b", r.values.s3_weekdays as f64),
        ]
    };
    for st in &mut edited.stages {
        if let Some(&(_, v)) = values(&after).iter().find(|(id, _)| *id == st.id) {
            st.objective = v;
        }
    }
    let stages =
        values(before).iter().zip(values(&after)).map(|(&(id, b), (_, a))| (id.to_string(), Delta::of(b, a))).collect();
    let unit_travel = |r: &sanlian_check::Report| -> BTreeMap<String, f64> {
        r.costs.units.iter().map(|u| (u.unit.clone(), u.travel)).collect()
    };
    let (ub, ua) = (unit_travel(before), unit_travel(&after));
    let units = ub
        .keys()
        .chain(ua.keys())
        .map(|u| (u.clone(), Delta::of(ub.get(u).copied().unwrap_or(0.0), ua.get(u).copied().unwrap_or(0.0))))
        .collect();
    let broken: Vec<Broken> = after
        .rule_violations()
        .into_iter()
        .map(|v| Broken { rule: v.rule.clone(), subject: v.subject.clone(), message: v.message.clone() })
        .collect();
    EditAnswer {
        edits: edits.to_vec(),
        valid: broken.is_empty(),
        broken,
        stages,
        units,
        travel: Delta::of(before.costs.travel, after.costs.travel),
        stay: Delta::of(before.costs.stay, after.costs.stay),
        plan: edited,
    }
}

/// Put assignment `i` into county `k`: the group lists follow (roster order, by level), a
/// leader who leaves its group hands over to the best-ranked senior member left (province
/// first, then roster order), and each active year takes `towns` (a swap's townships) or
/// else the least-covered township of `k` that year (another one than the other year's).
fn place(prep: &Prepared, plan: &mut Plan, i: usize, k: usize, towns: Option<&[(i32, String)]>) {
    let inst = prep.inst;
    let id = plan.assignments[i].cadre.clone();
    let code = inst.region.counties[k].code.clone();
    let from = plan.assignments[i].county.clone();
    plan.assignments[i].county = code.clone();
    let codes: Vec<String> = prep.townships_of[k].iter().map(|&t| inst.region.townships[t].code.clone()).collect();
    let years: Vec<i32> = plan.assignments[i].years.iter().map(|e| e.year).collect();
    let mut taken: Vec<String> = Vec::new();
    for year in years {
        let given = towns.and_then(|t| t.iter().find(|(y, _)| *y == year).map(|(_, s)| s.clone()));
        let choice = given.unwrap_or_else(|| {
            let load = |t: &String| {
                plan.assignments
                    .iter()
                    .filter(|a| a.cadre != id)
                    .flat_map(|a| a.years.iter())
                    .filter(|e| &e.township == t)
                    .map(|e| if e.year == year { 3 } else { 1 })
                    .sum::<usize>()
            };
            codes
                .iter()
                .filter(|t| codes.len() < 2 || !taken.contains(t))
                .min_by_key(|t| load(t))
                .cloned()
                .unwrap_or_default()
        });
        taken.push(choice.clone());
        if let Some(e) = plan.assignments[i].years.iter_mut().find(|e| e.year == year) {
            e.township = choice;
        }
    }
    if from == code {
        return;
    }
    let roster = |m: &String| prep.cadre_index.get(m.as_str()).copied().unwrap_or(usize::MAX);
    for g in &mut plan.groups {
        if g.county == from {
            g.members.retain(|m| *m != id);
            g.former_leaders.retain(|f| f.cadre != id);
            if g.leader.as_deref() == Some(id.as_str()) {
                g.leader = g
                    .members
                    .iter()
                    .filter(|m| prep.cadre_index.get(m.as_str()).is_some_and(|&c| inst.cadres[c].senior))
                    .min_by_key(|m| {
                        let c = roster(m);
                        (inst.cadres[c].level, c)
                    })
                    .cloned();
            }
        }
        if g.county == code {
            g.members.push(id.clone());
            g.members.sort_by_key(roster);
        }
        let mut by_level = BTreeMap::new();
        for m in &g.members {
            if let Some(&c) = prep.cadre_index.get(m.as_str()) {
                *by_level.entry(inst.cadres[c].level).or_insert(0) += 1;
            }
        }
        g.by_level = by_level;
    }
}

/// The repair around an edit: the plan changed as little as possible so that every rule
/// holds with the edit kept (the re-planning engine, nothing pinned, the edit as locks on the
/// instance), then the least cost; checked.
#[derive(Debug, Clone, Serialize)]
pub struct Repaired {
    /// The repaired plan (valid: the checker accepted it on the instance with the edit's locks).
    pub plan: Plan,
    /// The instance it is valid for: the original with the edit's locks added.
    #[serde(skip)]
    pub instance: Instance,
    /// Every decision that differs from the original plan, the edit's own included.
    pub changes: Vec<Change>,
    /// Cadres other than the edited ones whose decisions changed.
    pub others: usize,
    /// S1 after − S1 before (the original plan's, recomputed).
    pub s1_delta: f64,
}

/// Why a repair gave no plan.
#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    /// The edit's locks can never hold (it breaks H2, H3, …): the problems, located.
    #[error("{0}")]
    Edit(sanlian_model::InputError),
    /// No valid plan keeps the edit: the certificates say why.
    #[error("no valid plan keeps this edit")]
    Infeasible(Vec<sanlian_model::Certificate>),
    /// The solver failed or was stopped.
    #[error(transparent)]
    Solve(#[from] sanlian_solver::SolveError),
    /// The repaired plan failed the checker (a defect).
    #[error("the repaired plan failed the checker: {0}")]
    Unchecked(String),
}

/// The locks that keep `edits`, made in order on `plan`: what "repair around them" keeps
/// fixed (a swap's read from the plan as the edits before it left it).
pub fn edits_locks(prep: &Prepared, plan: &Plan, edits: &[Edit]) -> Vec<sanlian_model::Lock> {
    let mut scratch = plan.clone();
    let mut locks = Vec::new();
    for edit in edits {
        locks.extend(edit.locks(&scratch));
        // An edit the plan cannot take is refused by `apply_edits`; here it only ends the scratch.
        if make(prep, &mut scratch, edit).is_err() {
            break;
        }
    }
    locks
}

/// Repair `plan` of `inst` around `edit`.
pub fn repair_edit(inst: &Instance, plan: &Plan, edit: &Edit, opts: &SolveOptions) -> Result<Repaired, RepairError> {
    repair_edits(inst, plan, std::slice::from_ref(edit), opts)
}

/// Repair `plan` of `inst` around `edits` made one after the other: all of them kept as
/// locks (a swap's read from the plan as the edits before it left it).
pub fn repair_edits(
    inst: &Instance,
    plan: &Plan,
    edits: &[Edit],
    opts: &SolveOptions,
) -> Result<Repaired, RepairError> {
    let mut locked = inst.clone();
    // Only a swap after other edits reads the plan as they left it.
    if edits.iter().skip(1).any(|e| matches!(e, Edit::Swap { .. })) {
        locked.locks.extend(edits_locks(&Prepared::new(inst).map_err(RepairError::Edit)?, plan, edits));
    } else {
        locked.locks.extend(edits.iter().flat_map(|e| e.locks(plan)));
    }
    let prep = Prepared::new(&locked).map_err(RepairError::Edit)?;
    let ids: Vec<Option<String>> = locked.cadres.iter().map(|c| Some(c.id.clone())).collect();
    let base = baselines(&prep, plan, &ids);
    let date = prep.plan_start();
    let solution = repair(&prep, date, &base, opts)?;
    let fixed = match solution.outcome {
        Outcome::Planned(p) => *p,
        Outcome::Infeasible(certs) => {
            return Err(RepairError::Infeasible(sanlian_solver::with_locks_first(&prep, opts, certs)))
        }
    };
    let list = changes(&prep, date, &base, &fixed);
    let edited: Vec<&str> = edits.iter().flat_map(Edit::cadres).collect();
    let mut others: Vec<&str> = list.iter().map(|c| c.cadre.as_str()).filter(|id| !edited.contains(id)).collect();
    others.sort_unstable();
    others.dedup();
    let others = others.len();
    let rules = Rules::new(&locked).map_err(RepairError::Edit)?;
    let before = check_with(&rules, plan).values.s1;
    let checked = certify(&rules, fixed).map_err(|r| {
        RepairError::Unchecked(r.violations.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    let s1_delta = checked.report().values.s1 - before;
    Ok(Repaired { plan: checked.into_plan(), instance: locked, changes: list, others, s1_delta })
}
