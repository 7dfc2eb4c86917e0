//! The hard rules H1–H10 (PLANNING_RULES §3) and the best-effort shortfalls (§6).
//!
//! Group membership for H2–H9 is the one the assignments state; whether the
//! groups' member lists agree with it is checked by H1 and the plan reading.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{NaiveDate, Weekday};
use sanlian_model::{Group, Level, Plan, PlanMode, Shortfall};

use crate::reading::{month_span, year_month, Rules};
use crate::view::PlanView;
use crate::Findings;

/// Check H1–H10 and the listed shortfalls.
pub(crate) fn check_hard_rules(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    check_h1_one_group(rules, plan, view, found);
    check_h2_proximity_eligibility(rules, view, found);
    check_h3_leader(rules, plan, view, found);
    check_h4_mixed_composition(rules, plan, view, found);
    check_h5_one_township_a_year(rules, view, found);
    check_h6_township_load(rules, view, found);
    check_h7_two_year_coverage(rules, plan, view, found);
    check_h8_blocks(rules, view, found);
    check_h9_department_staffing(rules, view, found);
    check_h10_weekdays(rules, view, found);
    check_f1_travel_cap(rules, view, found);
    check_f2_rotation(rules, view, found);
    check_spread(rules, view, found);
    check_shortfalls(rules, plan, view, found);
    crate::locks::check_locks(rules, plan, view, found);
}

/// Whether a best-effort plan lists a shortfall of one of `rules` for `subject`.
fn excused(plan: &Plan, rules: &[&str], subject: &str) -> bool {
    plan.mode == PlanMode::BestEffort
        && plan.shortfalls.iter().any(|s| s.subject == subject && rules.contains(&s.rule.as_str()))
}

/// H1: every cadre is listed in exactly one group, and every county's group
/// has members (best-effort: unless an H1 or H7 shortfall names the county).
fn check_h1_one_group(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    let counties = &rules.inst.region.counties;
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        match view.listed_in[c].as_slice() {
            [] => found.add("H1", &cadre.id, "is a member of no group"),
            [_] => {}
            several => {
                let codes: Vec<&str> = several.iter().map(|&k| counties[k].code.as_str()).collect();
                found.add("H1", &cadre.id, format!("is a member of {} groups: {}", several.len(), codes.join(", ")));
            }
        }
    }
    for (k, county) in counties.iter().enumerate() {
        if view.members[k].is_empty() && !excused(plan, &["H1", "H7"], &county.code) {
            found.add("H1", &county.code, format!("{} has no cadre assigned to it", county.name));
        }
    }
}

/// H2: each cadre's county is eligible for it.
fn check_h2_proximity_eligibility(rules: &Rules, view: &PlanView, found: &mut Findings) {
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        if let Some(k) = view.county_of[c] {
            if rules.h2_eligible[c].binary_search(&k).is_err() {
                let county = &rules.inst.region.counties[k];
                found.add(
                    "H2",
                    &cadre.id,
                    format!("{} cadre may not serve in {} {}", cadre.level.id(), county.code, county.name),
                );
            }
        }
    }
}

/// H3 (v1.1): each group has exactly one leader at a time, a senior member in service then
/// — in each plan year and at every date — and (H1) some member in service on every day
/// the plan runs (best-effort: a non-senior leader, or none for an empty group, only when
/// an H3 shortfall names the county). Leaders before the last are listed as former leaders,
/// each until the day the next took over.
fn check_h3_leader(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    for (k, county) in rules.inst.region.counties.iter().enumerate() {
        let Some(group) = view.group[k] else { continue };
        let code = county.code.as_str();
        if group.leader.is_none() {
            if !view.members[k].is_empty() {
                found.add("H3", code, "the group has members but no leader");
            } else if !excused(plan, &["H3"], code) {
                found.add("H3", code, "the group has no leader");
            }
            continue;
        }
        let timeline = leaders(group);
        // An unknown leader is a PLAN problem, reported by the plan reading.
        if timeline.iter().any(|(id, _)| !rules.cadre_index.contains_key(id)) {
            continue;
        }
        let mut known = Vec::new();
        for &(id, until) in &timeline {
            let c = rules.cadre_index[id];
            if !group.members.iter().any(|m| m == id) {
                found.add("H3", code, format!("leader {id} is not a member of the group"));
            }
            if !rules.inst.cadres[c].senior && !excused(plan, &["H3"], code) {
                found.add("H3", code, format!("leader {id} is not senior (副处级以上)"));
            }
            known.push((c, until));
        }
        let untils: Vec<NaiveDate> = known.iter().filter_map(|&(_, u)| u).collect();
        if untils.windows(2).any(|w| w[0] >= w[1]) {
            found.add("H3", code, "former leaders are not listed in the order they led");
        }
        let mut days = rules.stretch_days(view.members[k].iter().copied());
        days.extend(untils.iter().copied().filter(|&u| rules.in_window(u)));
        days.sort();
        days.dedup();
        for day in days {
            if !view.members[k].iter().any(|&c| rules.serves_on(c, day)) {
                if !excused(plan, &["H1", "H7"], code) {
                    found.add("H1", code, format!("on {day} no member of the group is in service"));
                }
                continue;
            }
            let in_charge = known.iter().find(|(_, until)| until.is_none_or(|u| day < u));
            match in_charge {
                Some(&(c, _)) if rules.serves_on(c, day) => {}
                Some(&(c, _)) => found.add(
                    "H3",
                    code,
                    format!("on {day} the group's leader {} is not in service", rules.inst.cadres[c].id),
                ),
                None => found.add("H3", code, format!("on {day} the group has no leader")),
            }
        }
    }
}

/// A group's leaders in the order they led, each with the day it stopped (the last: none).
pub(crate) fn leaders(group: &Group) -> Vec<(&str, Option<NaiveDate>)> {
    let mut timeline: Vec<(&str, Option<NaiveDate>)> =
        group.former_leaders.iter().map(|f| (f.cadre.as_str(), Some(f.until))).collect();
    timeline.extend(group.leader.as_deref().map(|l| (l, None)));
    timeline
}

/// Province- and city-level cadres assigned to county `k`.
pub(crate) fn upper_members(rules: &Rules, view: &PlanView, k: usize) -> usize {
    view.members[k].iter().filter(|&&c| rules.inst.cadres[c].level.is_upper()).count()
}

/// H4: each group has at least `min_upper_per_group` province- or city-level
/// members (best-effort: unless an H4 shortfall names the county).
fn check_h4_mixed_composition(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    let need = rules.inst.parameters.min_upper_per_group as usize;
    for (k, county) in rules.inst.region.counties.iter().enumerate() {
        if excused(plan, &["H4"], &county.code) {
            continue;
        }
        let upper = upper_members(rules, view, k);
        if upper < need {
            found.add(
                "H4",
                &county.code,
                format!("the group has {upper} province- or city-level member(s), needs {need}"),
            );
            continue;
        }
        for day in rules.stretch_days(view.members[k].iter().copied()) {
            let serving = view.members[k]
                .iter()
                .filter(|&&c| rules.inst.cadres[c].level.is_upper() && rules.serves_on(c, day))
                .count();
            if serving < need {
                found.add(
                    "H4",
                    &county.code,
                    format!(
                        "from {day} the group has {serving} province- or city-level member(s) in service, needs {need}"
                    ),
                );
            }
        }
    }
}

/// H5: each active year's township lies in the cadre's county, and a cadre
/// active in both years covers two different townships when its county has two.
fn check_h5_one_township_a_year(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let region = &rules.inst.region;
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        let Some(k) = view.county_of[c] else { continue };
        for y in 0..2 {
            if let Some(t) = view.township[c][y] {
                if rules.townships_of[k].binary_search(&t).is_err() {
                    found.add(
                        "H5",
                        &cadre.id,
                        format!(
                            "covers {} in {}, which is not a township of its county {}",
                            region.townships[t].code,
                            view.year(y),
                            region.counties[k].code
                        ),
                    );
                }
            }
        }
        if let [Some(t1), Some(t2)] = view.township[c] {
            if t1 == t2 && rules.townships_of[k].len() >= 2 {
                found.add(
                    "H5",
                    &cadre.id,
                    format!(
                        "covers {} in both years although its county has {} townships",
                        region.townships[t1].code,
                        rules.townships_of[k].len()
                    ),
                );
            }
        }
    }
}

/// H6: at most `max_cadres_per_township_year` cadres per township and year.
fn check_h6_township_load(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let inst = rules.inst;
    let max = inst.parameters.max_cadres_per_township_year as usize;
    let mut load: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for c in 0..inst.cadres.len() {
        for y in 0..2 {
            if let Some(t) = view.township[c][y] {
                load.entry((t, y)).or_default().push(c);
            }
        }
    }
    for ((t, y), cadres) in load {
        // Cadres count together only while they serve at the same time (a successor does not
        // add to its predecessor's load).
        let busiest = inst
            .parameters
            .window_months()
            .map(|m| cadres.iter().filter(|&&c| rules.serves_month(c, y, m)).count())
            .max()
            .unwrap_or(0);
        if busiest > max {
            let ids: Vec<&str> = cadres.iter().map(|&c| inst.cadres[c].id.as_str()).collect();
            found.add(
                "H6",
                &inst.region.townships[t].code,
                format!(
                    "{busiest} cadres cover it at once in {} ({}), at most {max} may",
                    view.year(y),
                    ids.join(", ")
                ),
            );
        }
    }
}

/// H7: every township is covered in at least one year (best-effort: unless
/// an H7 shortfall names the township).
fn check_h7_two_year_coverage(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    for (t, township) in rules.inst.region.townships.iter().enumerate() {
        if view.covered[t] == [false, false] && !excused(plan, &["H7"], &township.code) {
            found.add("H7", &township.code, format!("{} is covered in neither plan year", township.name));
        }
    }
}

/// H8: blocks- and mixed-mode cadres have exactly their number of blocks in each active
/// year (v1.1: in a year served in part, the least of what is owed and the available months
/// served): whole calendar months of that year, inside the window and the service period,
/// distinct, none in an unavailable month. Weekly-mode cadres have none.
fn check_h8_blocks(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let p = &rules.inst.parameters;
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        for y in 0..2 {
            let Some(entry) = view.entries[c][y] else { continue };
            let year = view.year(y);
            let need = rules.block_count(c, y);
            let n = entry.blocks.len() as u32;
            if n != need {
                found.add("H8", &cadre.id, format!("has {n} block(s) in {year}, needs exactly {need}"));
            }
            let mut months = HashSet::new();
            for block in &entry.blocks {
                let Some((block_year, month)) = year_month(&block.month) else {
                    found.add("H8", &cadre.id, format!("block month {:?} is not of the form YYYY-MM", block.month));
                    continue;
                };
                if block_year != year {
                    found.add("H8", &cadre.id, format!("block {} is listed under {year}", block.month));
                }
                if !p.window_months().contains(&month) {
                    found.add(
                        "H8",
                        &cadre.id,
                        format!(
                            "block {} is outside the window (months {}–{})",
                            block.month, p.window_first_month, p.window_last_month
                        ),
                    );
                }
                if !months.insert((block_year, month)) {
                    found.add("H8", &cadre.id, format!("block {} is listed twice", block.month));
                }
                if block_year == year && (1..=12).contains(&month) && !rules.serves_month(c, y, month) {
                    found.add(
                        "H8",
                        &cadre.id,
                        format!("block {} lies outside the cadre's service period", block.month),
                    );
                }
                if block_year == year && rules.is_unavailable(c, y, month) {
                    found.add(
                        "H8",
                        &cadre.id,
                        format!("block {} is in a month the cadre marked unavailable", block.month),
                    );
                }
                let (first, last) = month_span(block_year, month);
                if block.first_day != first || block.last_day != last {
                    found.add(
                        "H8",
                        &cadre.id,
                        format!(
                            "block {} runs {} to {}, not the whole month {first} to {last}",
                            block.month, block.first_day, block.last_day
                        ),
                    );
                }
            }
        }
    }
}

/// H9: in every month, a department's cadres on a block number at most its cap; F3 (with
/// `balance_departments`): at most the even spread of its block months, when that is lower.
fn check_h9_department_staffing(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let inst = rules.inst;
    let mut away: BTreeMap<(usize, usize, u32), BTreeSet<usize>> = BTreeMap::new();
    for c in 0..rules.n_cadres() {
        for y in 0..2 {
            for month in view.block_months(c, y) {
                away.entry((rules.department_of[c], y, month)).or_default().insert(c);
            }
        }
    }
    for ((d, y, month), cadres) in away {
        let cap = rules.h9_cap_in(d, y, month) as usize;
        let ids: Vec<&str> = cadres.iter().map(|&c| inst.cadres[c].id.as_str()).collect();
        if let Some(f3) = rules.balance_cap(d, y).map(|b| b as usize) {
            if cadres.len() > f3 && cadres.len() <= cap {
                found.add(
                    "F3",
                    &rules.departments[d],
                    format!(
                        "{} cadres are on a block in {}-{month:02} ({}), more than the even spread of its {} block \
                         months over the {} window months, {f3} a month (balance_departments)",
                        cadres.len(),
                        view.year(y),
                        ids.join(", "),
                        rules.department_blocks(d, y),
                        rules.window().count(),
                    ),
                );
            }
        }
        if cadres.len() > cap {
            let basis = match rules.department_quota(d, y, month) {
                Some(_) => "this instance's quota of the department's places that month".to_string(),
                None => format!(
                    "share {} of {} blocks/mixed cadres",
                    inst.parameters.max_department_away_share,
                    rules.department_size(d, y)
                ),
            };
            found.add(
                "H9",
                &rules.departments[d],
                format!(
                    "{} cadres are on a block in {}-{month:02} ({}), cap {cap} ({basis})",
                    cadres.len(),
                    view.year(y),
                    ids.join(", "),
                ),
            );
        }
    }
}

/// H10: weekly- and mixed-mode cadres have exactly one weekday, Mon–Fri: the same in every
/// active year ("one fixed weekday", §2); blocks-mode cadres have none.
fn check_h10_weekdays(rules: &Rules, view: &PlanView, found: &mut Findings) {
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        let mut days = Vec::new();
        for y in 0..2 {
            let Some(entry) = view.entries[c][y] else { continue };
            let year = view.year(y);
            match (rules.has_weekday(c), entry.weekday) {
                (true, None) => found.add("H10", &cadre.id, format!("has no weekday in {year}")),
                (true, Some(day)) if !is_workday(day) => {
                    found.add("H10", &cadre.id, format!("has weekday {day} in {year}, not one of Mon–Fri"))
                }
                (true, Some(day)) => days.push(day),
                (false, Some(day)) => {
                    found.add("H10", &cadre.id, format!("works in blocks only but has weekday {day} in {year}"))
                }
                _ => {}
            }
        }
        if let [first, second] = days[..] {
            if first != second {
                found.add(
                    "H10",
                    &cadre.id,
                    format!(
                        "has weekday {first} in {} and {second} in {}: a cadre has one weekday",
                        view.year(0),
                        view.year(1)
                    ),
                );
            }
        }
    }
}

/// F1 (`max_travel_km`): each cadre's two-year travel in its county — round trips over both
/// years × 2 × road km — is at most the cap.
fn check_f1_travel_cap(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let Some(cap) = rules.inst.parameters.fairness.max_travel_km else { return };
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        let Some(k) = view.county_of[c] else { continue };
        let km = rules.travel_km(c, k);
        if km > cap {
            let county = &rules.inst.region.counties[k];
            found.add(
                "F1",
                &cadre.id,
                format!(
                    "travels {km:.1} km over the two years in {} {} ({} round trips × 2 × {:.1} road km), more than \
                     the cap of {cap} km (max_travel_km)",
                    county.code,
                    county.name,
                    rules.round_trips(c),
                    rules.road_km(c, k)
                ),
            );
        }
    }
}

/// F2 (`rotate_km`): a cadre whose previous county lies more than `rotate_km` road km away
/// serves within `rotate_km`, or, if no county it may serve in (H2, F1) is that near, in the
/// nearest of them.
fn check_f2_rotation(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let Some(rotate) = rules.inst.parameters.fairness.rotate_km else { return };
    let counties = &rules.inst.region.counties;
    for (c, cadre) in rules.inst.cadres.iter().enumerate() {
        let (Some(k), Some((previous, previous_km))) = (view.county_of[c], rules.went_far(c)) else { continue };
        let km = rules.road_km(c, k);
        // The counties H2 and the travel cap (F1) allow it, by road km.
        let cap = rules.inst.parameters.fairness.max_travel_km;
        let allowed: Vec<f64> = rules.h2_eligible[c]
            .iter()
            .filter(|&&j| cap.is_none_or(|cap| rules.travel_km(c, j) <= cap))
            .map(|&j| rules.road_km(c, j))
            .collect();
        let within = allowed.iter().any(|&x| x <= rotate);
        let nearest = allowed.iter().copied().fold(f64::INFINITY, f64::min);
        if km <= rotate || (!within && km <= nearest) {
            continue;
        }
        found.add(
            "F2",
            &cadre.id,
            format!(
                "went far last round ({} {}, {previous_km:.1} road km) and is sent {km:.1} road km to {} {}, beyond \
                 rotate_km {rotate} (its nearest county allowed: {nearest:.1} km)",
                counties[previous].code, counties[previous].name, counties[k].code, counties[k].name
            ),
        );
    }
}

/// Monday to Friday.
pub(crate) fn is_workday(day: Weekday) -> bool {
    day.number_from_monday() <= 5
}

/// SHORTFALL: a strict plan lists none; a best-effort plan lists only true
/// shortfalls of H1, H3, H4 or H7, each once.
fn check_shortfalls(rules: &Rules, plan: &Plan, view: &PlanView, found: &mut Findings) {
    if plan.mode == PlanMode::Strict {
        for s in &plan.shortfalls {
            found.add(
                "SHORTFALL",
                &s.subject,
                format!("a strict plan lists a {} shortfall; strict mode allows none", s.rule),
            );
        }
        return;
    }
    let mut seen = HashSet::new();
    for s in &plan.shortfalls {
        if !seen.insert((s.rule.as_str(), s.subject.as_str())) {
            found.add("SHORTFALL", &s.subject, format!("the {} shortfall is listed twice", s.rule));
        } else if let Some(why) = untrue_shortfall(rules, view, s) {
            found.add("SHORTFALL", &s.subject, format!("listed {} shortfall is not true: {why}", s.rule));
        }
    }
}

/// Why a listed shortfall does not hold, or `None` when it does.
fn untrue_shortfall(rules: &Rules, view: &PlanView, s: &Shortfall) -> Option<String> {
    let inst = rules.inst;
    let county = rules.county_index.get(s.subject.as_str()).copied();
    let township = rules.township_index.get(s.subject.as_str()).copied();
    match (s.rule.as_str(), county, township) {
        ("H1", Some(k), _) => {
            let n = view.members[k].len();
            let always = rules
                .stretch_days(view.members[k].iter().copied())
                .into_iter()
                .all(|d| view.members[k].iter().any(|&c| rules.serves_on(c, d)));
            (n > 0 && always).then(|| format!("the county has {n} member(s), one in service on every day"))
        }
        ("H3", Some(k), _) => {
            let group = view.group[k]?;
            let ids = group.former_leaders.iter().map(|f| f.cadre.as_str()).chain(group.leader.as_deref());
            let leaders: Vec<usize> = ids.filter_map(|id| rules.cadre_index.get(id).copied()).collect();
            (!leaders.is_empty() && leaders.iter().all(|&c| inst.cadres[c].senior))
                .then(|| "every leader of the group is senior".to_string())
        }
        ("H4", Some(k), _) => {
            let need = inst.parameters.min_upper_per_group as usize;
            let upper_on = |d| {
                view.members[k].iter().filter(|&&c| inst.cadres[c].level.is_upper() && rules.serves_on(c, d)).count()
            };
            let least =
                rules.stretch_days(view.members[k].iter().copied()).into_iter().map(upper_on).min().unwrap_or(0);
            let upper = upper_members(rules, view, k).min(least);
            (upper >= need)
                .then(|| format!("the group has {upper} province- or city-level member(s) at all times, {need} needed"))
        }
        ("H7", _, Some(t)) => (view.covered[t] != [false, false]).then(|| "the township is covered".to_string()),
        ("H7", Some(k), _) => rules.townships_of[k]
            .iter()
            .all(|&t| view.covered[t] != [false, false])
            .then(|| "every township of the county is covered".to_string()),
        ("H1" | "H3" | "H4", None, _) => Some(format!("{} is not a county of the instance", s.subject)),
        ("H7", None, None) => Some(format!("{} is neither a township nor a county of the instance", s.subject)),
        (rule, _, _) => Some(format!("{rule} is not a best-effort goal (only H1, H3, H4 and H7 are)")),
    }
}

/// A1–A3, the province's spreading rules on its own cadres (`Instance::spread`): at least
/// `min_province_per_city` in every city with counties, at most `max_province_per_group` in
/// one group, each department's in at least min(M, its size, the cities) cities.
fn check_spread(rules: &Rules, view: &PlanView, found: &mut Findings) {
    let inst = rules.inst;
    let spread = &inst.spread;
    if spread.is_none() {
        return;
    }
    let province: Vec<usize> = (0..rules.n_cadres()).filter(|&c| inst.cadres[c].level == Level::Province).collect();
    let city_of = |k: usize| inst.region.counties[k].city.as_str();
    let mut per_city: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_county = vec![0usize; inst.region.counties.len()];
    let mut department_cities: BTreeMap<usize, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for &c in &province {
        let entry = department_cities.entry(rules.department_of[c]).or_default();
        entry.0 += 1;
        if let Some(k) = view.county_of[c] {
            *per_city.entry(city_of(k)).or_default() += 1;
            per_county[k] += 1;
            entry.1.insert(city_of(k));
        }
    }
    let cities: Vec<&str> = inst
        .region
        .cities
        .iter()
        .filter(|m| inst.region.counties.iter().any(|k| k.city == m.code))
        .map(|m| m.code.as_str())
        .collect();
    let min = spread.min_province_per_city as usize;
    for &m in &cities {
        let n = per_city.get(m).copied().unwrap_or(0);
        if n < min {
            found.add("A1", m, format!("{n} province cadre(s) serve in the city, fewer than the {min} required"));
        }
    }
    if let Some(max) = spread.max_province_per_group {
        for (k, &n) in per_county.iter().enumerate() {
            if n > max as usize {
                let county = &inst.region.counties[k];
                found.add(
                    "A2",
                    &county.code,
                    format!("{n} province cadres in the group of {}, more than the {max} allowed", county.name),
                );
            }
        }
    }
    for (d, (members, in_cities)) in department_cities {
        let need = spread.department_cities(members, cities.len());
        if in_cities.len() < need {
            found.add(
                "A3",
                &rules.departments[d],
                format!(
                    "the department's {members} province cadres serve in {} cit(ies), fewer than the {need} required",
                    in_cities.len()
                ),
            );
        }
    }
}
