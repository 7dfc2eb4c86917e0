//! What the web page draws, computed once on the server from the instance and the plan:
//! the map's counties, the group table, the Gantt of block months and the H9 department
//! caps. Presentation only: every number is read from the plan or the instance, and the
//! caps come from the model's own H9 rule.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use sanlian_model::{CadreAssignment, Instance, Lang, Plan, Prepared};

use crate::error::ApiError;

/// The page's data for a plan.
pub fn board(inst: &Instance, plan: &Plan, plan_id: i64, instance_id: i64) -> Result<Value, ApiError> {
    let prep = Prepared::new(inst).map_err(|e| ApiError::input(&e))?;
    let report = sanlian_check::check(inst, plan).map_err(|e| ApiError::input(&e))?;
    let p = &inst.parameters;
    let months: Vec<String> =
        (0..2).flat_map(|y| p.window_months().map(move |m| format!("{}-{m:02}", inst.first_year + y))).collect();
    let city_name =
        |code: &str| inst.region.cities.iter().find(|c| c.code == code).map(|c| c.name.clone()).unwrap_or_default();
    let township_name =
        |code: &str| prep.township_index.get(code).map(|&t| inst.region.townships[t].name.clone()).unwrap_or_default();

    // Distinct townships reached per county and year (H6 lets two cadres share one).
    let mut reached: BTreeSet<(usize, usize)> = BTreeSet::new();
    let assignment: HashMap<&str, &CadreAssignment> = plan.assignments.iter().map(|a| (a.cadre.as_str(), a)).collect();
    for a in &plan.assignments {
        for ya in &a.years {
            let (Some(&t), y) = (prep.township_index.get(ya.township.as_str()), (ya.year - inst.first_year) as usize)
            else {
                continue;
            };
            if y < 2 {
                reached.insert((t, y));
            }
        }
    }
    let mut covered: Vec<[usize; 2]> = vec![[0, 0]; prep.n_counties()];
    for &(t, y) in &reached {
        covered[prep.county_index[inst.region.townships[t].county.as_str()]][y] += 1;
    }
    let counties: Vec<Value> = inst
        .region
        .counties
        .iter()
        .enumerate()
        .map(|(k, c)| {
            json!({
                "code": c.code, "name": c.name, "city": c.city, "lat": c.seat.lat, "lon": c.seat.lon,
                "townships": prep.townships_of[k].len(), "covered": covered[k],
            })
        })
        .collect();

    // The planner's locks of each cadre, in words (the page shows a lock beside the name).
    let names = sanlian_explain::render::Names::of(inst);
    let locks_of = |c: usize| -> Vec<Value> {
        prep.locks.of_cadre[c]
            .iter()
            .map(|&i| {
                json!({
                    "lock": i, "rule": inst.locks[i].rule(), "kind": inst.locks[i].kind,
                    "text": { "zh": names.lock(i, Lang::Zh), "en": names.lock(i, Lang::En) },
                })
            })
            .collect()
    };
    let cost_of: BTreeMap<&str, f64> =
        plan.costs.groups.iter().map(|g| (g.county.as_str(), g.travel + g.stay)).collect();
    let mut away: BTreeMap<usize, BTreeMap<String, u32>> = BTreeMap::new();
    let groups: Vec<Value> = plan
        .groups
        .iter()
        .map(|g| {
            let mut blocks: BTreeMap<String, u32> = BTreeMap::new();
            let mut members: Vec<Value> = Vec::new();
            let mut ids: Vec<&str> = g.members.iter().map(String::as_str).collect();
            ids.sort_by_key(|id| Some(*id) != g.leader.as_deref());
            for id in ids {
                let Some(&c) = prep.cadre_index.get(id) else { continue };
                let cadre = &inst.cadres[c];
                let a = assignment.get(id).copied();
                let mut member_months = Vec::new();
                let mut towns = vec![String::new(), String::new()];
                let mut weekdays = vec![Value::Null, Value::Null];
                for ya in a.map(|a| a.years.as_slice()).unwrap_or_default() {
                    let y = (ya.year - inst.first_year) as usize;
                    if y < 2 {
                        towns[y] = township_name(&ya.township);
                        weekdays[y] = ya.weekday.map(|d| json!(d.to_string())).unwrap_or(Value::Null);
                    }
                    for b in &ya.blocks {
                        *blocks.entry(b.month.clone()).or_default() += 1;
                        *away.entry(prep.department_of[c]).or_default().entry(b.month.clone()).or_default() += 1;
                        member_months.push(b.month.clone());
                    }
                }
                members.push(json!({
                    "id": cadre.id, "name": cadre.name, "level": cadre.level, "level_zh": cadre.level.zh(), "unit": cadre.unit,
                    "senior": cadre.senior, "leader": g.leader.as_deref() == Some(id),
                    "townships": towns, "months": member_months, "weekdays": weekdays,
                    "unavailable": cadre.unavailable_months,
                    "department": prep.departments[prep.department_of[c]],
                    "serves": a.map(|a| a.years.iter().map(|ya| ya.year).collect::<Vec<_>>()).unwrap_or_default(),
                    "locks": locks_of(c),
                }));
            }
            let leader = g.leader.as_deref().and_then(|id| prep.cadre_index.get(id)).map(|&c| {
                let l = &inst.cadres[c];
                json!({ "id": l.id, "name": l.name, "level": l.level, "level_zh": l.level.zh(), "unit": l.unit })
            });
            json!({
                "county": g.county, "county_name": g.county_name, "city": g.city, "city_name": city_name(&g.city),
                "leader": leader, "size": g.members.len(), "by_level": g.by_level,
                "cost": cost_of.get(g.county.as_str()).copied().unwrap_or(0.0),
                "blocks": blocks, "members": members,
            })
        })
        .collect();

    let departments: Vec<Value> = away
        .iter()
        .map(|(&d, per_month)| {
            json!({
                "key": prep.departments[d],
                "size": [prep.department_size(d, 0), prep.department_size(d, 1)],
                "cap": [prep.department_cap(d, 0), prep.department_cap(d, 1)],
                "away": per_month,
            })
        })
        .collect();

    Ok(json!({
        "plan": plan_id, "instance": instance_id, "name": inst.name, "first_year": inst.first_year,
        "mode": plan.mode, "valid": report.is_valid(), "violations": report.violations.len(),
        "coverage": plan.coverage,
        "costs": { "travel": plan.costs.travel, "stay": plan.costs.stay, "units": plan.costs.units },
        "shortfalls": plan.shortfalls.iter().map(shortfall).collect::<Vec<_>>(),
        "stages": plan.stages.iter().map(stage).collect::<Vec<_>>(),
        "months": months,
        "cities": inst.region.cities.iter().map(|c| json!({ "code": c.code, "name": c.name })).collect::<Vec<_>>(),
        "counties": counties, "groups": groups, "departments": departments,
        // The rules by their words, as the explanations name them (one table, in the explainer).
        "rule_words": sanlian_explain::render::RULE_WORDS.iter().copied().collect::<BTreeMap<_, _>>(),
    }))
}

/// A stage as the plan states it, with its name in both languages (`name_text`, from the
/// catalogue's `stage.<id>`).
fn stage(st: &sanlian_model::StageReport) -> Value {
    let mut v = serde_json::to_value(st).unwrap_or_default();
    let name = |lang| sanlian_model::msg::stage_name(&st.id, &st.name, lang);
    if let Some(o) = v.as_object_mut() {
        o.insert("name_text".into(), json!({ "zh": name(Lang::Zh), "en": name(Lang::En) }));
    }
    v
}

/// A shortfall as the page shows it: its reason in both languages (a plan written before
/// messages had codes has only its English reason).
fn shortfall(s: &sanlian_model::Shortfall) -> Value {
    let (zh, en) = match &s.msg {
        Some(m) => (m.text(Lang::Zh), m.text(Lang::En)),
        None => (s.reason.clone(), s.reason.clone()),
    };
    json!({ "rule": s.rule, "subject": s.subject, "reason": s.reason, "text": { "zh": zh, "en": en } })
}
