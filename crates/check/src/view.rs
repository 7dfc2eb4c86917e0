//! A defensive reading of a plan into instance indices, reporting every
//! structural problem as a `PLAN` violation.
//!
//! Where the plan says something twice, the first entry is the one checked.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use sanlian_model::{Block, Coverage, Group, Level, Parameters, Plan, YearAssignment};

use crate::reading::{month_span, year_month, Rules};
use crate::Findings;

/// Plan-year index: 0 for the first year, 1 for the second.
pub(crate) type YearIdx = usize;

/// The plan in instance indices.
pub(crate) struct PlanView<'p> {
    /// First calendar year of the instance.
    pub first_year: i32,
    /// County of each cadre's assignment, when it exists and names a known county.
    pub county_of: Vec<Option<usize>>,
    /// Each cadre's entry for each plan year; only active years are accepted.
    pub entries: Vec<[Option<&'p YearAssignment>; 2]>,
    /// Township of each accepted entry, when its code is known.
    pub township: Vec<[Option<usize>; 2]>,
    /// Group entry of each county.
    pub group: Vec<Option<&'p Group>>,
    /// Cadres whose assignment names each county, in roster order.
    pub members: Vec<Vec<usize>>,
    /// Counties whose group entry lists each cadre as a member.
    pub listed_in: Vec<Vec<usize>>,
    /// Whether each township is covered in each plan year.
    pub covered: Vec<[bool; 2]>,
}

impl<'p> PlanView<'p> {
    /// Read `plan`, reporting every `PLAN` problem to `found`.
    pub fn read(rules: &Rules, plan: &'p Plan, found: &mut Findings) -> PlanView<'p> {
        let inst = rules.inst;
        let (n_cadres, n_counties) = (rules.n_cadres(), rules.n_counties());
        let mut view = PlanView {
            first_year: inst.first_year,
            county_of: vec![None; n_cadres],
            entries: vec![[None; 2]; n_cadres],
            township: vec![[None; 2]; n_cadres],
            group: vec![None; n_counties],
            members: vec![Vec::new(); n_counties],
            listed_in: vec![Vec::new(); n_cadres],
            covered: vec![[false; 2]; inst.region.townships.len()],
        };
        if plan.first_year != inst.first_year {
            found.add(
                "PLAN",
                "plan",
                format!("first_year is {}, but the instance starts in {}", plan.first_year, inst.first_year),
            );
        }
        for difference in parameter_differences(&plan.parameters, &inst.parameters) {
            found.add("PLAN", "plan", difference);
        }
        view.read_assignments(rules, plan, found);
        view.read_groups(rules, plan, found);
        view.check_group_matches_assignment(rules, found);
        view
    }

    fn read_assignments(&mut self, rules: &Rules, plan: &'p Plan, found: &mut Findings) {
        let inst = rules.inst;
        let mut seen = vec![false; rules.n_cadres()];
        for a in &plan.assignments {
            let Some(&c) = rules.cadre_index.get(a.cadre.as_str()) else {
                found.add("PLAN", &a.cadre, "the plan assigns a cadre that is not in the instance");
                continue;
            };
            if std::mem::replace(&mut seen[c], true) {
                found.add("PLAN", &a.cadre, "has more than one assignment; only the first is checked");
                continue;
            }
            match rules.county_index.get(a.county.as_str()) {
                Some(&k) => self.county_of[c] = Some(k),
                None => found.add(
                    "PLAN",
                    &a.cadre,
                    format!("is assigned to {}, which is not a county of the instance", a.county),
                ),
            }
            for e in &a.years {
                let Some(y) = self.year_index(e.year) else {
                    found.add(
                        "PLAN",
                        &a.cadre,
                        format!(
                            "has an entry for {}, outside the plan years {} and {}",
                            e.year,
                            self.first_year,
                            self.first_year + 1
                        ),
                    );
                    continue;
                };
                if !rules.active(c, y) {
                    found.add(
                        "PLAN",
                        &a.cadre,
                        format!("has an entry for {}, a year in which it is not active", e.year),
                    );
                    continue;
                }
                if self.entries[c][y].is_some() {
                    found.add(
                        "PLAN",
                        &a.cadre,
                        format!("has more than one entry for {}; only the first is checked", e.year),
                    );
                    continue;
                }
                self.entries[c][y] = Some(e);
                match rules.township_index.get(e.township.as_str()) {
                    Some(&t) => {
                        self.township[c][y] = Some(t);
                        self.covered[t][y] = true;
                    }
                    None => found.add(
                        "PLAN",
                        &a.cadre,
                        format!("covers {} in {}, which is not a township of the instance", e.township, e.year),
                    ),
                }
            }
            for y in 0..2 {
                if rules.active(c, y) && self.entries[c][y].is_none() {
                    found.add(
                        "PLAN",
                        &a.cadre,
                        format!("has no entry for {}, a year in which it is active", inst.year(y)),
                    );
                }
            }
        }
        for (c, cadre) in inst.cadres.iter().enumerate() {
            if !seen[c] {
                found.add("PLAN", &cadre.id, "has no assignment");
            }
            if let Some(k) = self.county_of[c] {
                self.members[k].push(c);
            }
        }
    }

    fn read_groups(&mut self, rules: &Rules, plan: &'p Plan, found: &mut Findings) {
        let inst = rules.inst;
        for g in &plan.groups {
            let Some(&k) = rules.county_index.get(g.county.as_str()) else {
                found.add("PLAN", &g.county, "the plan has a group for a county that is not in the instance");
                continue;
            };
            if self.group[k].is_some() {
                found.add("PLAN", &g.county, "has more than one group entry; only the first is checked");
                continue;
            }
            self.group[k] = Some(g);
            let county = &inst.region.counties[k];
            if g.county_name != county.name {
                found.add(
                    "PLAN",
                    &g.county,
                    format!("group names the county {:?}, the instance {:?}", g.county_name, county.name),
                );
            }
            if g.city != county.city {
                found.add("PLAN", &g.county, format!("group names the city {}, the instance {}", g.city, county.city));
            }
            let mut listed = HashSet::new();
            let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
            for id in &g.members {
                match rules.cadre_index.get(id.as_str()) {
                    None => {
                        found.add("PLAN", &g.county, format!("group lists {id}, which is not a cadre of the instance"))
                    }
                    Some(&c) if !listed.insert(c) => found.add("PLAN", &g.county, format!("group lists {id} twice")),
                    Some(&c) => {
                        self.listed_in[c].push(k);
                        *by_level.entry(inst.cadres[c].level).or_default() += 1;
                    }
                }
            }
            if let Some(leader) = &g.leader {
                if !rules.cadre_index.contains_key(leader.as_str()) {
                    found.add("PLAN", &g.county, format!("leader {leader} is not a cadre of the instance"));
                }
            }
            for level in Level::ALL {
                let reported = g.by_level.get(&level).copied().unwrap_or(0);
                let listed = by_level.get(&level).copied().unwrap_or(0);
                if reported != listed {
                    found.add(
                        "PLAN",
                        &g.county,
                        format!("by_level counts {reported} {} member(s), the member list has {listed}", level.id()),
                    );
                }
            }
        }
        for (k, county) in inst.region.counties.iter().enumerate() {
            if self.group[k].is_none() {
                found.add("PLAN", &county.code, "the plan has no group entry for this county");
            }
        }
    }

    /// A cadre listed in exactly one group must be assigned to that group's
    /// county (being listed in none or several is H1's business).
    fn check_group_matches_assignment(&self, rules: &Rules, found: &mut Findings) {
        let counties = &rules.inst.region.counties;
        for (c, cadre) in rules.inst.cadres.iter().enumerate() {
            if let ([listed], Some(k)) = (self.listed_in[c].as_slice(), self.county_of[c]) {
                if *listed != k {
                    found.add(
                        "PLAN",
                        &cadre.id,
                        format!(
                            "is assigned to {}, but listed as a member of the group of {}",
                            counties[k].code, counties[*listed].code
                        ),
                    );
                }
            }
        }
    }

    /// Plan-year index of a calendar year, if it is one of the two plan years.
    pub fn year_index(&self, year: i32) -> Option<YearIdx> {
        match i64::from(year) - i64::from(self.first_year) {
            0 => Some(0),
            1 => Some(1),
            _ => None,
        }
    }

    /// Calendar year of plan-year index `y`.
    pub fn year(&self, y: YearIdx) -> i32 {
        self.first_year + y as i32
    }

    /// Blocks of cadre `c`'s accepted entry for plan year `y`.
    pub fn blocks(&self, c: usize, y: YearIdx) -> &'p [Block] {
        self.entries[c][y].map_or(&[], |e| e.blocks.as_slice())
    }

    /// Calendar months of plan year `y` in which cadre `c` is on a block
    /// (blocks dated in another year are left out; they break H8).
    pub fn block_months(&self, c: usize, y: YearIdx) -> BTreeSet<u32> {
        self.blocks(c, y)
            .iter()
            .filter_map(|b| year_month(&b.month))
            .filter(|&(year, _)| year == self.year(y))
            .map(|(_, month)| month)
            .collect()
    }

    /// On-site days of cadre `c`'s blocks over both years, as listed.
    pub fn block_days(&self, c: usize) -> u32 {
        (0..2)
            .flat_map(|y| self.blocks(c, y))
            .filter_map(|b| year_month(&b.month))
            .map(|(year, month)| {
                let (first, last) = month_span(year, month);
                (last - first).num_days() as u32 + 1
            })
            .sum()
    }

    /// Township coverage per year and in total.
    pub fn coverage(&self) -> Coverage {
        let count = |f: fn(&[bool; 2]) -> bool| self.covered.iter().filter(|c| f(c)).count();
        Coverage {
            townships: self.covered.len(),
            year1: count(|c| c[0]),
            year2: count(|c| c[1]),
            total: count(|c| c[0] || c[1]),
        }
    }
}

/// Equal within a relative 1e-9; false when either is NaN.
fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Parameters the plan echoes differently from the instance (floats compared
/// with a relative tolerance of 1e-9, which a JSON round trip stays within). Robust planning
/// (`robust`) is a way of solving, like the mode: a plan made with it is a plan of the
/// instance without it, and the plan's own echo is what its robustness is checked against;
/// only when both say it do they have to agree.
fn parameter_differences(echoed: &Parameters, given: &Parameters) -> Vec<String> {
    macro_rules! differences {
        ($($field:ident),* $(,)?) => {{
            // Naming every field makes this fail to compile when a parameter is added.
            let Parameters { $($field: _,)* robust: _, continuity_at_least: _, fairness: _ } = given;
            let mut out = Vec::new();
            if let (Some(e), Some(g)) = (echoed.continuity_at_least, given.continuity_at_least) {
                if e != g {
                    out.push(format!("parameters.continuity_at_least is {e} in the plan, {g} in the instance"));
                }
            }
            if let (Some(e), Some(g)) = (&echoed.robust, &given.robust) {
                if !nearly_equal(e.reach_km, g.reach_km) || e.at_least != g.at_least {
                    out.push(format!("parameters.robust is {e:?} in the plan, {g:?} in the instance"));
                }
            }
            $(
                let (e, g) = (echoed.$field as f64, given.$field as f64);
                if !nearly_equal(e, g) {
                    out.push(format!(
                        "parameters.{} is {} in the plan, {} in the instance",
                        stringify!($field), echoed.$field, given.$field
                    ));
                }
            )*
            out
        }};
    }
    let mut out = differences!(
        window_first_month,
        window_last_month,
        blocks_per_year,
        mixed_blocks_per_year,
        nearby_km,
        min_upper_per_group,
        max_cadres_per_township_year,
        max_department_away_share,
        road_factor,
        trips_per_month,
        fare_per_km,
        weeks_per_year,
        lodging_per_day,
        meal_per_day,
        preference_penalty,
        continuity_bonus,
        match_value,
        priority_first_year_value,
    );
    // The fair-burden options: each given or not, and the same value when given.
    let (e, g) = (&echoed.fairness, &given.fairness);
    let same = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => nearly_equal(a, b),
        (None, None) => true,
        _ => false,
    };
    let show = |v: Option<f64>| v.map_or("not set".to_string(), |v| v.to_string());
    if !same(e.max_travel_km, g.max_travel_km) {
        out.push(format!(
            "parameters.fairness.max_travel_km is {} in the plan, {} in the instance",
            show(e.max_travel_km),
            show(g.max_travel_km)
        ));
    }
    if !same(e.rotate_km, g.rotate_km) {
        out.push(format!(
            "parameters.fairness.rotate_km is {} in the plan, {} in the instance",
            show(e.rotate_km),
            show(g.rotate_km)
        ));
    }
    if e.balance_departments != g.balance_departments {
        out.push(format!(
            "parameters.fairness.balance_departments is {} in the plan, {} in the instance",
            e.balance_departments, g.balance_departments
        ));
    }
    out
}
