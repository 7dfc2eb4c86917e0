//! The whole plan: which rules bind, and what a little more would be worth.
//!
//! Marginal values are *re-solve deltas*: the optimal value of the instance
//! with one more cadre (or department place) minus the optimal value without,
//! both proven optimal (relative gap ≤ 1e-6), so each is exact to that gap.
//! They are the value of one unit, not a rate for many.

use rayon::prelude::*;
use serde::Serialize;

use sanlian_model::{Cadre, Instance, Level, Prepared};

use crate::{Counterfactuals, Decisions, Resolver};

/// How many groups of a city are led by which level, against its own seniors.
#[derive(Debug, Clone, Serialize)]
pub struct CityLeaders {
    /// City code.
    pub city: String,
    /// City name.
    pub city_name: String,
    /// Counties (groups) in the city.
    pub counties: usize,
    /// Senior cadres who may lead there and are not province level (its city seniors,
    /// and university/enterprise seniors eligible for one of its counties — such a senior
    /// is counted in every city it can reach, so this is an upper bound).
    pub local_seniors: usize,
    /// Groups that must be led by province seniors at least: max(0, counties − local seniors).
    pub shortage: usize,
    /// Groups of the city led by a province cadre in the plan.
    pub province_led: usize,
}

/// A department's month at its H9 cap.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentMonth {
    /// Department (unit or unit/department).
    pub department: String,
    /// "YYYY-MM".
    pub month: String,
    /// Cadres away on a block.
    pub away: u32,
    /// H9 cap.
    pub cap: u32,
}

/// What one more county-level cadre in a county would save.
#[derive(Debug, Clone, Serialize)]
pub struct CountyMarginal {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// Optimal S1 with one more (non-senior, county-level, both years) cadre of the county,
    /// minus optimal S1; `None` if with the extra cadre no strict grouping exists (only H6 —
    /// no room on the county's townships — can cause that).
    pub s1_delta: Option<f64>,
    /// The re-solve was left out by the explanation's limit (`s1_delta` unknown).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// What one more senior city cadre would save.
#[derive(Debug, Clone, Serialize)]
pub struct SeniorMarginal {
    /// City code.
    pub city: String,
    /// City name.
    pub city_name: String,
    /// Optimal S1 with one more senior city-level cadre (based at the city seat) minus optimal S1.
    pub s1_delta: Option<f64>,
    /// The part of −s1_delta saved on other cadres: the new cadre's own travel is added back.
    /// Where several groupings are optimal, the one in which the new cadre's own travel is
    /// least (so the saving is the least the optimum guarantees on the others).
    pub saved_elsewhere: Option<f64>,
    /// The re-solve was left out by the explanation's limit (both figures unknown).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// What one more monthly place for a department would be worth.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentMarginal {
    /// Department.
    pub department: String,
    /// S1 change: always 0, because H9 does not constrain the groups (S1), only the months (S3a).
    pub s1_delta: f64,
    /// S3a change: county-months with presence gained, groups fixed.
    pub s3a_delta: i64,
    /// The re-solve was left out by the explanation's limit (`s3a_delta` unknown, shown 0).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// Binding rules and marginal values.
#[derive(Debug, Clone, Serialize)]
pub struct GlobalWhy {
    /// Counties whose coverage slack is below 2: no member active both years could leave.
    pub counties_at_minimum: Vec<String>,
    /// Senior leaders per city (H3).
    pub cities: Vec<CityLeaders>,
    /// Department months at the H9 cap.
    pub department_caps: Vec<DepartmentMonth>,
    /// How the marginal values were computed.
    pub method: String,
    /// Per county: one more county cadre.
    pub per_county_cadre: Vec<CountyMarginal>,
    /// Per city: one more senior city cadre.
    pub per_city_senior: Vec<SeniorMarginal>,
    /// Per department with a month at its cap: one more place.
    pub per_department_place: Vec<DepartmentMarginal>,
}

const EXTRA_ID: &str = "EXTRA-WHAT-IF";

fn extra_cadre(code: &str, level: Level, unit: String, base: sanlian_model::Point, senior: bool) -> Cadre {
    Cadre { senior, ..Cadre::new(format!("{EXTRA_ID}-{code}"), "（假设）新增干部", level, unit, base) }
}

/// The what-if cadres of the global part, in the order [`Resolver::extra`] numbers them: one
/// county-level cadre per county (county order), then one senior city cadre per city.
pub(crate) fn extras(inst: &Instance) -> Vec<Cadre> {
    let r = &inst.region;
    let counties = r.counties.iter().map(|county| {
        let unit = format!("（假设）团{}委", county.name);
        let mut extra = extra_cadre(&county.code, Level::County, unit, county.seat, false);
        extra.home_county = Some(county.code.clone());
        extra
    });
    let cities = r.cities.iter().map(|city| {
        let mut extra = extra_cadre(&city.code, Level::City, format!("（假设）团{}委", city.name), city.seat, true);
        extra.home_city = Some(city.code.clone());
        extra
    });
    counties.chain(cities).collect()
}

/// The global part; its re-solves are granted from `budget`: counties, cities, departments.
pub(crate) fn global(prep: &Prepared, d: &Decisions, resolver: &Resolver, budget: &mut Counterfactuals) -> GlobalWhy {
    let inst = prep.inst;
    let r = &inst.region;
    let members_years = |k: usize| -> i64 {
        (0..prep.n_cadres()).filter(|&c| d.groups.county_of[c] == k).map(|c| prep.active_years(c) as i64).sum()
    };
    let counties_at_minimum = (0..prep.n_counties())
        .filter(|&k| members_years(k) - (prep.townships_of[k].len() as i64) < 2)
        .map(|k| r.counties[k].code.clone())
        .collect();

    let cities = r
        .cities
        .iter()
        .map(|city| {
            let ks: Vec<usize> = (0..prep.n_counties()).filter(|&k| r.counties[k].city == city.code).collect();
            let local = (0..prep.n_cadres())
                .filter(|&c| {
                    let cadre = &inst.cadres[c];
                    cadre.senior && cadre.level != Level::Province && prep.eligible[c].iter().any(|k| ks.contains(k))
                })
                .count();
            let province_led = ks
                .iter()
                .filter(|&&k| d.groups.leader[k].is_some_and(|l| inst.cadres[l].level == Level::Province))
                .count();
            CityLeaders {
                city: city.code.clone(),
                city_name: city.name.clone(),
                counties: ks.len(),
                local_seniors: local,
                shortage: ks.len().saturating_sub(local),
                province_led,
            }
        })
        .collect();

    let mut department_caps = Vec::new();
    let mut binding_departments = Vec::new();
    for dep in 0..prep.departments.len() {
        for y in 0..2 {
            for m in inst.parameters.window_months() {
                let cap = prep.department_cap_in(dep, y, m);
                let away = (0..prep.n_cadres())
                    .filter(|&c| prep.department_of[c] == dep && d.months[c][y].contains(&m))
                    .count() as u32;
                if away > 0 && away >= cap {
                    department_caps.push(DepartmentMonth {
                        department: prep.departments[dep].clone(),
                        month: format!("{}-{m:02}", inst.year(y)),
                        away,
                        cap,
                    });
                    if binding_departments.last() != Some(&dep) {
                        binding_departments.push(dep);
                    }
                }
            }
        }
    }

    let county_granted: Vec<bool> = (0..prep.n_counties()).map(|_| budget.grant(1)).collect();
    let per_county_cadre = (0..prep.n_counties())
        .into_par_iter()
        .map(|k| {
            let county = &r.counties[k];
            if !county_granted[k] {
                let (county, county_name) = (county.code.clone(), county.name.clone());
                return CountyMarginal { county, county_name, s1_delta: None, skipped: true };
            }
            let s1_delta = resolver.extra(k).map(|(delta, _)| delta);
            CountyMarginal { county: county.code.clone(), county_name: county.name.clone(), s1_delta, skipped: false }
        })
        .collect();

    let city_granted: Vec<bool> = r.cities.iter().map(|_| budget.grant(1)).collect();
    let per_city_senior = r
        .cities
        .par_iter()
        .zip(city_granted)
        .enumerate()
        .map(|(i, (city, granted))| {
            if !granted {
                return SeniorMarginal {
                    city: city.code.clone(),
                    city_name: city.name.clone(),
                    s1_delta: None,
                    saved_elsewhere: None,
                    skipped: true,
                };
            }
            let solved = resolver.extra(prep.n_counties() + i);
            SeniorMarginal {
                city: city.code.clone(),
                city_name: city.name.clone(),
                s1_delta: solved.map(|(delta, _)| delta),
                saved_elsewhere: solved.map(|(delta, own)| crate::fen(own - delta)),
                skipped: false,
            }
        })
        .collect();

    // The base months model and one per binding department, all or nothing: one warm S3a.
    let departments_granted = binding_departments.is_empty() || budget.grant(binding_departments.len() + 1);
    let solved = departments_granted
        .then(|| sanlian_solver::months::presence_with_extra_place(prep, &d.groups, &binding_departments))
        .flatten();
    let per_department_place = binding_departments
        .iter()
        .enumerate()
        .map(|(i, &dep)| {
            let department = prep.departments[dep].clone();
            if !departments_granted {
                return DepartmentMarginal { department, s1_delta: 0.0, s3a_delta: 0, skipped: true };
            }
            let s3a_delta = match &solved {
                Some((base, per)) => per[i].map_or(0, |more| more as i64 - *base as i64),
                None => 0,
            };
            DepartmentMarginal { department, s1_delta: 0.0, s3a_delta, skipped: false }
        })
        .collect();
    GlobalWhy {
        counties_at_minimum,
        cities,
        department_caps,
        method: "re-solve deltas: optimal value with one more unit minus optimal value without, both proven \
                 optimal (relative gap ≤ 1e-6); exact for one unit, not a rate"
            .into(),
        per_county_cadre,
        per_city_senior,
        per_department_place,
    }
}
