//! Per cadre and per group: the reasons behind each decision.

use std::collections::BTreeMap;

use chrono::Weekday;
use rayon::prelude::*;
use serde::Serialize;

use sanlian_model::cost::{days_in_month, stay_cost};
use sanlian_model::{Level, Prepared};

use crate::{Counterfactuals, Decisions, Resolver};

/// A county with a cadre's S1 cost there.
#[derive(Debug, Clone, Serialize)]
pub struct CountyCost {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// Road km from the cadre's base.
    pub road_km: f64,
    /// Two-year travel cost there.
    pub travel: f64,
    /// S1 coefficient there: travel + preference penalty − continuity bonus.
    pub s1: f64,
}

/// Whether the cadre's preferences were met (S1 penalty), and what meeting them would cost.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PreferenceWhy {
    /// No preferred counties listed.
    None,
    /// Placed in one of them.
    Honoured {
        /// The preferred county it is in.
        county: String,
    },
    /// Placed outside all of them.
    Missed {
        /// The preferred counties.
        preferred: Vec<String>,
        /// The preferred county where honouring is cheapest (exact re-solve), if any is possible.
        best: Option<String>,
        /// Optimal S1 with the cadre fixed there minus optimal S1 (yuan); exact re-solves.
        s1_increase: Option<f64>,
        /// Why none can be honoured, with the rule.
        impossible: Option<String>,
        /// The re-solves were left out by the explanation's limit: `best` and
        /// `s1_increase` are unknown, not impossible.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        skipped: bool,
    },
}

/// One block month and what shaped it.
#[derive(Debug, Clone, Serialize)]
pub struct MonthWhy {
    /// "YYYY-MM".
    pub month: String,
    /// Days on site (stay cost basis).
    pub days: u32,
    /// Cadres of the same department away that month, this cadre included (H9).
    pub department_away: u32,
    /// The department's cap that year (H9).
    pub department_cap: u32,
    /// Members of the group on site that month, this cadre included (S3a).
    pub group_on_site: u32,
}

/// One plan year of a cadre.
#[derive(Debug, Clone, Serialize)]
pub struct YearWhy {
    /// Calendar year.
    pub year: i32,
    /// Township code.
    pub township: String,
    /// Township name.
    pub township_name: String,
    /// Strengths that meet the township's needs (S2 matches).
    pub matched: Vec<String>,
    /// Whether the township is a priority township.
    pub priority: bool,
    /// S2 value this cadre-year contributes: match_value × matches.
    pub s2_match_value: f64,
    /// Block months.
    pub months: Vec<MonthWhy>,
    /// Months the cadre marked unavailable this year.
    pub unavailable: Vec<String>,
    /// Weekday of weekly work.
    pub weekday: Option<Weekday>,
}

/// Why a cadre is where it is.
#[derive(Debug, Clone, Serialize)]
pub struct CadreWhy {
    /// Cadre id.
    pub cadre: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: Level,
    /// Dispatching unit.
    pub unit: String,
    /// Senior (副处级以上).
    pub senior: bool,
    /// Whether the cadre leads its group.
    pub leader: bool,
    /// The H2 basis of its eligibility, in words.
    pub eligibility: String,
    /// Number of eligible counties (H2).
    pub eligible_counties: usize,
    /// The county of its group.
    pub here: CountyCost,
    /// The eligible county with the least S1 coefficient.
    pub cheapest: CountyCost,
    /// here.s1 − cheapest.s1.
    pub above_cheapest: f64,
    /// Preferences.
    pub preference: PreferenceWhy,
    /// Previous county, and whether it was kept (S1 continuity bonus).
    pub previous_county: Option<String>,
    /// Whether the previous county was kept.
    pub continuity_kept: bool,
    /// Per active year.
    pub years: Vec<YearWhy>,
    /// Two-year stay cost of the block months.
    pub stay: f64,
}

fn county_cost(prep: &Prepared, c: usize, k: usize) -> CountyCost {
    let county = &prep.inst.region.counties[k];
    CountyCost {
        county: county.code.clone(),
        county_name: county.name.clone(),
        road_km: prep.road_km(c, k),
        travel: prep.travel_cost(c, k),
        s1: prep.s1_coefficient(c, k),
    }
}

fn eligibility_basis(prep: &Prepared, c: usize) -> String {
    let cadre = &prep.inst.cadres[c];
    let p = &prep.inst.parameters;
    match cadre.level {
        Level::Province => "H2: province level, any county".into(),
        Level::City => {
            let city = cadre.home_city.as_deref().unwrap_or_default();
            let name = prep.city_index.get(city).map(|&i| prep.inst.region.cities[i].name.as_str()).unwrap_or(city);
            format!("H2: city level, the counties of {name}")
        }
        Level::County => "H2: county level, its own county".into(),
        Level::University | Level::Enterprise => {
            let k = prep.eligible[c][0];
            let d = sanlian_model::geo::haversine_km(cadre.base, prep.inst.region.counties[k].seat);
            if prep.eligible[c].len() == 1 && d > p.nearby_km {
                format!("H2: no county seat within {} km of the unit, so the nearest county ({d:.1} km)", p.nearby_km)
            } else {
                format!("H2: county seats within {} km of the unit", p.nearby_km)
            }
        }
    }
}

/// Reasons for the cadres in `which`; preference counterfactuals are granted from `budget`
/// in roster order and re-solved in parallel.
pub(crate) fn cadres(
    prep: &Prepared,
    d: &Decisions,
    which: &[usize],
    r: &Resolver,
    budget: &mut Counterfactuals,
) -> Vec<CadreWhy> {
    let granted: Vec<bool> =
        which.iter().map(|&c| budget.grant(preference_candidates(prep, c, d.groups.county_of[c]).len())).collect();
    which.par_iter().zip(granted).map(|(&c, granted)| cadre(prep, d, c, r, granted)).collect()
}

fn cadre(prep: &Prepared, d: &Decisions, c: usize, r: &Resolver, granted: bool) -> CadreWhy {
    let inst = prep.inst;
    let cadre = &inst.cadres[c];
    let k = d.groups.county_of[c];
    let cheapest_k = *prep.eligible[c]
        .iter()
        .min_by(|&&a, &&b| prep.s1_coefficient(c, a).total_cmp(&prep.s1_coefficient(c, b)))
        .expect("validated: every cadre has an eligible county");
    let here = county_cost(prep, c, k);
    let cheapest = county_cost(prep, c, cheapest_k);
    let preference = preference(prep, c, k, r, granted);
    let years: Vec<YearWhy> = (0..2).filter(|&y| prep.active(c, y)).map(|y| year(prep, d, c, y)).collect();
    let stay_days: u32 = years.iter().flat_map(|y| y.months.iter().map(|m| m.days)).sum();
    CadreWhy {
        cadre: cadre.id.clone(),
        name: cadre.name.clone(),
        level: cadre.level,
        unit: cadre.unit.clone(),
        senior: cadre.senior,
        leader: d.groups.leader[k] == Some(c),
        eligibility: eligibility_basis(prep, c),
        eligible_counties: prep.eligible[c].len(),
        above_cheapest: here.s1 - cheapest.s1,
        here,
        cheapest,
        preference,
        previous_county: cadre.previous_county.clone(),
        continuity_kept: prep.is_previous(c, k),
        years,
        stay: stay_cost(&inst.parameters, stay_days),
    }
}

/// The preferred counties of cadre `c` (in county `k`) that a counterfactual re-solve
/// would try: the eligible ones, when the preference is missed.
fn preference_candidates(prep: &Prepared, c: usize, k: usize) -> Vec<usize> {
    let prefs = &prep.inst.cadres[c].preferred_counties;
    if prefs.is_empty() || !prep.misses_preference(c, k) {
        return Vec::new();
    }
    prefs.iter().map(|p| prep.county_index[p.as_str()]).filter(|&pk| prep.is_eligible(c, pk)).collect()
}

fn preference(prep: &Prepared, c: usize, k: usize, r: &Resolver, granted: bool) -> PreferenceWhy {
    let prefs = &prep.inst.cadres[c].preferred_counties;
    if prefs.is_empty() {
        return PreferenceWhy::None;
    }
    if !prep.misses_preference(c, k) {
        return PreferenceWhy::Honoured { county: prep.inst.region.counties[k].code.clone() };
    }
    let eligible = preference_candidates(prep, c, k);
    if eligible.is_empty() {
        return PreferenceWhy::Missed {
            preferred: prefs.clone(),
            best: None,
            s1_increase: None,
            impossible: Some("H2: none of the preferred counties is eligible for this cadre".into()),
            skipped: false,
        };
    }
    if !granted {
        return PreferenceWhy::Missed {
            preferred: prefs.clone(),
            best: None,
            s1_increase: None,
            impossible: None,
            skipped: true,
        };
    }
    let options: Vec<(usize, f64)> = eligible.par_iter().filter_map(|&pk| r.fixed(c, pk).map(|d| (pk, d))).collect();
    match options.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
        Some(&(pk, increase)) => PreferenceWhy::Missed {
            preferred: prefs.clone(),
            best: Some(prep.inst.region.counties[pk].code.clone()),
            s1_increase: Some(increase),
            impossible: None,
            skipped: false,
        },
        None => PreferenceWhy::Missed {
            preferred: prefs.clone(),
            best: None,
            s1_increase: None,
            impossible: Some("H1–H7: with this cadre fixed to any preferred county no strict grouping exists".into()),
            skipped: false,
        },
    }
}

fn year(prep: &Prepared, d: &Decisions, c: usize, y: usize) -> YearWhy {
    let inst = prep.inst;
    let year = inst.year(y);
    let cadre = &inst.cadres[c];
    let t = d.towns[c][y].expect("checked plan: every active year has a township");
    let town = &inst.region.townships[t];
    let matched: Vec<String> = cadre
        .strengths
        .iter()
        .enumerate()
        .filter(|(i, s)| !cadre.strengths[..*i].contains(s) && town.needs.contains(s))
        .map(|(_, s)| s.clone())
        .collect();
    let dept = prep.department_of[c];
    let k = d.groups.county_of[c];
    let months = d.months[c][y]
        .iter()
        .map(|&m| {
            let on = |x: usize| d.months[x][y].contains(&m);
            MonthWhy {
                month: format!("{year}-{m:02}"),
                days: days_in_month(year, m),
                department_away: (0..prep.n_cadres()).filter(|&x| prep.department_of[x] == dept && on(x)).count()
                    as u32,
                department_cap: prep.department_cap_in(dept, y, m),
                group_on_site: (0..prep.n_cadres()).filter(|&x| d.groups.county_of[x] == k && on(x)).count() as u32,
            }
        })
        .collect();
    YearWhy {
        year,
        township: town.code.clone(),
        township_name: town.name.clone(),
        s2_match_value: inst.parameters.match_value * matched.len() as f64,
        matched,
        priority: town.priority,
        months,
        unavailable: cadre.unavailable_months.iter().filter(|m| m.starts_with(&format!("{year}-"))).cloned().collect(),
        weekday: d.weekday[c][y],
    }
}

/// Another cadre who could lead a group, and what it would cost.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderAlternative {
    /// Cadre id.
    pub cadre: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: Level,
    /// Already a member of the group.
    pub member: bool,
    /// Optimal S1 with this cadre in the group minus optimal S1 (0 for members:
    /// who leads does not change any cost); `None` if no strict grouping has them there.
    pub s1_delta: Option<f64>,
    /// The re-solve was left out by the explanation's limit (`s1_delta` unknown).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// What a dispatching unit pays for a group.
#[derive(Debug, Clone, Serialize)]
pub struct UnitShare {
    /// Unit name.
    pub unit: String,
    /// Its cadres in the group.
    pub cadres: usize,
    /// Their travel cost.
    pub travel: f64,
    /// Their stay cost.
    pub stay: f64,
}

/// Why a group looks as it does.
#[derive(Debug, Clone, Serialize)]
pub struct GroupWhy {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// City code.
    pub city: String,
    /// Townships to cover (H7).
    pub townships: usize,
    /// Members.
    pub members: usize,
    /// Σ active years of the members: township-years they can cover.
    pub cadre_years: u32,
    /// cadre_years − townships: how much coverage the group has to spare (H7).
    pub coverage_slack: i64,
    /// Fewest of these members that could still cover every township (H5–H7).
    pub min_members: usize,
    /// Most cadres the townships can take in one year: townships × max_cadres_per_township_year (H6).
    pub max_members_per_year: u32,
    /// Members active in each plan year.
    pub members_per_year: [u32; 2],
    /// Senior members (H3).
    pub seniors: usize,
    /// Province/city members, and the minimum (H4).
    pub upper: usize,
    /// H4 minimum.
    pub min_upper: u32,
    /// Leader id.
    pub leader: Option<String>,
    /// Other senior members, and the best senior from outside if there is none.
    pub alternatives: Vec<LeaderAlternative>,
    /// Members per level.
    pub by_level: BTreeMap<Level, usize>,
    /// Costs by dispatching unit.
    pub units: Vec<UnitShare>,
}

/// Reasons for the groups of `which`; the re-solve for an outside leader is granted from
/// `budget` in county order.
pub(crate) fn groups(
    prep: &Prepared,
    d: &Decisions,
    which: &[usize],
    r: &Resolver,
    budget: &mut Counterfactuals,
) -> Vec<GroupWhy> {
    // The outside leader is found once: to grant its re-solve, then to explain the group.
    let outside: Vec<(Option<usize>, bool)> = which
        .iter()
        .map(|&k| {
            let c = outside_leader(prep, d, k);
            (c, budget.grant(usize::from(c.is_some())))
        })
        .collect();
    which.par_iter().zip(outside).map(|(&k, (c, granted))| group(prep, d, k, r, c, granted)).collect()
}

/// The cheapest senior from outside who could lead group `k`, when no other member can.
fn outside_leader(prep: &Prepared, d: &Decisions, k: usize) -> Option<usize> {
    let inst = prep.inst;
    let leader = d.groups.leader[k];
    let member_alternative =
        (0..prep.n_cadres()).any(|c| d.groups.county_of[c] == k && inst.cadres[c].senior && Some(c) != leader);
    if member_alternative {
        return None;
    }
    (0..prep.n_cadres())
        .filter(|&c| inst.cadres[c].senior && d.groups.county_of[c] != k && prep.is_eligible(c, k))
        .min_by(|&a, &b| prep.s1_coefficient(a, k).total_cmp(&prep.s1_coefficient(b, k)))
}

fn group(prep: &Prepared, d: &Decisions, k: usize, r: &Resolver, outside: Option<usize>, granted: bool) -> GroupWhy {
    let inst = prep.inst;
    let p = &inst.parameters;
    let county = &inst.region.counties[k];
    let members: Vec<usize> = (0..prep.n_cadres()).filter(|&c| d.groups.county_of[c] == k).collect();
    let towns = prep.townships_of[k].len();
    let mut years: Vec<u32> = members.iter().map(|&c| prep.active_years(c)).collect();
    let cadre_years: u32 = years.iter().sum();
    years.sort_unstable_by(|a, b| b.cmp(a));
    let mut min_members = 0;
    let mut acc = 0;
    while acc < towns as u32 && min_members < years.len() {
        acc += years[min_members];
        min_members += 1;
    }
    let leader = d.groups.leader[k];
    let seniors: Vec<usize> = members.iter().copied().filter(|&c| inst.cadres[c].senior).collect();
    let mut alternatives: Vec<LeaderAlternative> = seniors
        .iter()
        .filter(|&&c| Some(c) != leader)
        .map(|&c| LeaderAlternative {
            cadre: inst.cadres[c].id.clone(),
            name: inst.cadres[c].name.clone(),
            level: inst.cadres[c].level,
            member: true,
            s1_delta: Some(0.0),
            skipped: false,
        })
        .collect();
    if alternatives.is_empty() {
        if let Some(c) = outside {
            alternatives.push(LeaderAlternative {
                cadre: inst.cadres[c].id.clone(),
                name: inst.cadres[c].name.clone(),
                level: inst.cadres[c].level,
                member: false,
                s1_delta: granted.then(|| r.fixed(c, k)).flatten(),
                skipped: !granted,
            });
        }
    }
    let mut by_level = BTreeMap::new();
    let mut units: BTreeMap<&str, UnitShare> = BTreeMap::new();
    for &c in &members {
        let cadre = &inst.cadres[c];
        *by_level.entry(cadre.level).or_insert(0) += 1;
        let days: u32 = (0..2).flat_map(|y| d.months[c][y].iter().map(move |&m| days_in_month(inst.year(y), m))).sum();
        let u = units.entry(cadre.unit.as_str()).or_insert_with(|| UnitShare {
            unit: cadre.unit.clone(),
            cadres: 0,
            travel: 0.0,
            stay: 0.0,
        });
        u.cadres += 1;
        u.travel += prep.travel_cost(c, k);
        u.stay += stay_cost(p, days);
    }
    GroupWhy {
        county: county.code.clone(),
        county_name: county.name.clone(),
        city: county.city.clone(),
        townships: towns,
        members: members.len(),
        cadre_years,
        coverage_slack: cadre_years as i64 - towns as i64,
        min_members,
        max_members_per_year: p.max_cadres_per_township_year * towns as u32,
        members_per_year: [0, 1].map(|y| members.iter().filter(|&&c| prep.active(c, y)).count() as u32),
        seniors: seniors.len(),
        upper: members.iter().filter(|&&c| inst.cadres[c].level.is_upper()).count(),
        min_upper: p.min_upper_per_group,
        leader: leader.map(|c| inst.cadres[c].id.clone()),
        alternatives,
        by_level,
        units: units.into_values().collect(),
    }
}
