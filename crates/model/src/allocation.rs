//! The province–city process (work plan §六.1–2, issue 13): the province allocates its cadres
//! to cities, and each city plans its own counties on a sub-instance.
//!
//! An [`Allocation`] gives each city the cadres not bound to a city (province, university and
//! enterprise level) that will serve there, and its share of every department's H9 places
//! that month ([`DepartmentQuota`]) where the department's cadres serve in several cities.
//! [`Allocation::from_plan`] reads one off a province-wide plan: every city's part of that
//! plan is then feasible for the city's [`sub_instance`], so the cities' optima add up to the
//! province optimum (docs/province-city.md).
//!
//! [`Spread`] holds the province's own spreading rules A1–A3, which the solver adds to S1
//! and the checker verifies.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::validate::parse_month;
use crate::{DepartmentQuota, Instance, Level, Msg, Plan, Prepared, Problem};

/// The province's spreading rules on its own cadres (level `province`); each is off at its
/// default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    /// A1: at least this many province cadres serve in every city.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_province_per_city: u32,
    /// A2: at most this many province cadres in one county group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_province_per_group: Option<u32>,
    /// A3: the province cadres of each department serve in at least this many cities (or in
    /// as many as the department has cadres, or the province cities, when fewer).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_cities_per_department: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Spread {
    /// Whether no rule is set.
    pub fn is_none(&self) -> bool {
        *self == Spread::default()
    }

    /// The rules that still bind inside one city's sub-instance: A2 only (A1 and A3 are
    /// about how cadres are shared between cities, which the allocation has settled).
    pub fn within_city(&self) -> Spread {
        Spread { max_province_per_group: self.max_province_per_group, ..Spread::default() }
    }

    /// A3's number of cities for a department of `members` province cadres in a region of
    /// `cities` cities with counties.
    pub fn department_cities(&self, members: usize, cities: usize) -> usize {
        (self.min_cities_per_department as usize).min(members).min(cities)
    }

    /// The rules' ids and a line each, for reports ("A1 at least 1 province cadre per city").
    pub fn rules(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.min_province_per_city > 0 {
            out.push(("A1", format!("at least {} province cadre(s) in every city", self.min_province_per_city)));
        }
        if let Some(n) = self.max_province_per_group {
            out.push(("A2", format!("at most {n} province cadre(s) in one county group")));
        }
        if self.min_cities_per_department > 1 {
            out.push((
                "A3",
                format!("each department's province cadres in at least {} cities", self.min_cities_per_department),
            ));
        }
        out
    }
}

/// Whether a cadre of `level` is allocated by the province (not bound to a city by H2).
pub fn is_allocated_level(level: Level) -> bool {
    matches!(level, Level::Province | Level::University | Level::Enterprise)
}

/// Which cadres each city receives from the province, and its H9 quotas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// Name of the province instance it was made for.
    pub instance: String,
    /// The spreading rules it was made under.
    #[serde(default, skip_serializing_if = "Spread::is_none")]
    pub spread: Spread,
    /// One share per city with counties, in region order.
    pub cities: Vec<CityShare>,
}

/// One city's share of the province's cadres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityShare {
    /// City code.
    pub city: String,
    /// City name, for people.
    pub city_name: String,
    /// Ids of the province, university and enterprise cadres it receives, in roster order.
    pub cadres: Vec<String>,
    /// Its H9 quotas for departments whose cadres serve in several cities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<DepartmentQuota>,
}

impl Allocation {
    /// Parse an allocation from JSON text, naming the line and column of a syntax error.
    pub fn from_json(text: &str) -> Result<Allocation, crate::InputError> {
        crate::validate::from_json("allocation", text)
    }

    /// The allocation a province-wide plan makes: each allocated cadre to the city of its
    /// group, and, for each department serving in several cities, each city's quota in every
    /// window month: what the plan uses there, plus the department's spare places that month
    /// handed out one at a time to the cities in region order, never more than the city has
    /// cadres of the department in service. The quotas of a month add up to at most the cap.
    pub fn from_plan(prep: &Prepared, plan: &Plan, spread: &Spread) -> Allocation {
        let inst = prep.inst;
        let city_of_county: HashMap<&str, &str> =
            inst.region.counties.iter().map(|k| (k.code.as_str(), k.city.as_str())).collect();
        let cities: Vec<&crate::City> =
            inst.region.cities.iter().filter(|m| inst.region.counties.iter().any(|k| k.city == m.code)).collect();
        let city_index: HashMap<&str, usize> = cities.iter().enumerate().map(|(i, m)| (m.code.as_str(), i)).collect();
        let assignment: HashMap<&str, &crate::CadreAssignment> =
            plan.assignments.iter().map(|a| (a.cadre.as_str(), a)).collect();
        // City of each cadre in the plan (bound cadres too: they count towards quotas).
        let city_of: Vec<Option<usize>> = inst
            .cadres
            .iter()
            .map(|c| {
                let a = assignment.get(c.id.as_str())?;
                city_of_county.get(a.county.as_str()).and_then(|m| city_index.get(m)).copied()
            })
            .collect();
        let mut shares: Vec<CityShare> = cities
            .iter()
            .map(|m| CityShare {
                city: m.code.clone(),
                city_name: m.name.clone(),
                cadres: Vec::new(),
                quotas: Vec::new(),
            })
            .collect();
        for (c, cadre) in inst.cadres.iter().enumerate() {
            if let (true, Some(m)) = (is_allocated_level(cadre.level), city_of[c]) {
                shares[m].cadres.push(cadre.id.clone());
            }
        }
        // Departments whose cadres serve in more than one city.
        let mut department_cities: Vec<HashSet<usize>> = vec![HashSet::new(); prep.departments.len()];
        for (c, m) in city_of.iter().enumerate() {
            if let Some(m) = m {
                department_cities[prep.department_of[c]].insert(*m);
            }
        }
        let on_block: HashSet<(&str, &str)> = plan
            .assignments
            .iter()
            .flat_map(|a| {
                a.years.iter().flat_map(move |e| e.blocks.iter().map(move |b| (a.cadre.as_str(), b.month.as_str())))
            })
            .collect();
        for (d, in_cities) in department_cities.iter().enumerate() {
            if in_cities.len() < 2 {
                continue;
            }
            let members: Vec<usize> = (0..prep.n_cadres()).filter(|&c| prep.department_of[c] == d).collect();
            let first = &inst.cadres[members[0]];
            let mut order: Vec<usize> = in_cities.iter().copied().collect();
            order.sort_unstable();
            for y in 0..2 {
                for month in inst.parameters.window_months() {
                    let ym = format!("{}-{month:02}", inst.year(y));
                    let mut used = vec![0u32; cities.len()];
                    let mut room = vec![0u32; cities.len()];
                    for &c in &members {
                        let Some(m) = city_of[c] else { continue };
                        if on_block.contains(&(inst.cadres[c].id.as_str(), ym.as_str())) {
                            used[m] += 1;
                        }
                        if prep.active(c, y) && prep.serves_month(c, y, month) && prep.blocks(c) > 0 {
                            room[m] += 1;
                        }
                    }
                    let cap = prep.department_cap_in(d, y, month);
                    let mut quota = used.clone();
                    let mut spare = cap.saturating_sub(used.iter().sum());
                    while spare > 0 {
                        let before = spare;
                        for &m in &order {
                            if spare > 0 && quota[m] < room[m] {
                                quota[m] += 1;
                                spare -= 1;
                            }
                        }
                        if spare == before {
                            break;
                        }
                    }
                    for &m in &order {
                        shares[m].quotas.push(DepartmentQuota {
                            unit: first.unit.clone(),
                            department: first.department.clone(),
                            month: ym.clone(),
                            max: quota[m],
                        });
                    }
                }
            }
        }
        Allocation { instance: inst.name.clone(), spread: spread.clone(), cities: shares }
    }

    /// Every way this allocation does not fit `inst`: unknown cities or cadres, a cadre bound
    /// to a city (city or county level) or given twice, an allocated-level cadre given to no
    /// city, quotas of unknown departments or months, and quotas of one department and month
    /// that add up to more than its H9 cap.
    pub fn problems(&self, prep: &Prepared) -> Vec<Problem> {
        let inst = prep.inst;
        let mut out = Vec::new();
        let cities: HashSet<&str> = inst.region.cities.iter().map(|m| m.code.as_str()).collect();
        let mut seen_city = HashSet::new();
        let mut given: HashMap<&str, usize> = HashMap::new();
        let mut quota_sum: BTreeMap<(usize, usize, u32), u32> = BTreeMap::new();
        let dept_ids: HashMap<(&str, Option<&str>), usize> = (0..prep.n_cadres())
            .map(|c| ((inst.cadres[c].unit.as_str(), inst.cadres[c].department.as_deref()), prep.department_of[c]))
            .collect();
        for (i, share) in self.cities.iter().enumerate() {
            if !cities.contains(share.city.as_str()) {
                out.push(Problem::new(
                    format!("cities[{i}].city"),
                    Msg::new("input.not_a_city").arg("city", &share.city),
                ));
            } else if !seen_city.insert(share.city.as_str()) {
                out.push(Problem::new(
                    format!("cities[{i}].city"),
                    Msg::new("input.duplicate").arg("code", &share.city),
                ));
            }
            for (j, id) in share.cadres.iter().enumerate() {
                let at = format!("cities[{i}].cadres[{j}]");
                match prep.cadre_index.get(id.as_str()) {
                    None => out.push(Problem::new(at, Msg::new("alloc.unknown_cadre").arg("cadre", id))),
                    Some(&c) if !is_allocated_level(inst.cadres[c].level) => {
                        out.push(Problem::new(at, Msg::new("alloc.bound_cadre").arg("cadre", id)))
                    }
                    Some(_) => {
                        if let Some(other) = given.insert(id.as_str(), i) {
                            out.push(Problem::new(
                                at,
                                Msg::new("alloc.twice").arg("cadre", id).arg("city", &self.cities[other].city),
                            ));
                        }
                    }
                }
            }
            for (j, q) in share.quotas.iter().enumerate() {
                let at = format!("cities[{i}].quotas[{j}]");
                let Some(&d) = dept_ids.get(&(q.unit.as_str(), q.department.as_deref())) else {
                    let name = q.department.as_ref().map_or_else(|| q.unit.clone(), |d| format!("{}/{d}", q.unit));
                    out.push(Problem::new(at, Msg::new("input.quota_unknown_department").arg("department", name)));
                    continue;
                };
                match parse_month(&q.month) {
                    Some((y, m)) if y == inst.first_year || y == inst.first_year + 1 => {
                        *quota_sum.entry((d, (y - inst.first_year) as usize, m)).or_default() += q.max;
                    }
                    _ => out.push(Problem::new(at, Msg::new("input.bad_month").arg("month", &q.month))),
                }
            }
        }
        for (c, cadre) in inst.cadres.iter().enumerate() {
            if is_allocated_level(cadre.level) && !given.contains_key(cadre.id.as_str()) && prep.active_years(c) > 0 {
                out.push(Problem::new("cities", Msg::new("alloc.missing").arg("cadre", &cadre.id)));
            }
        }
        for ((d, y, m), sum) in quota_sum {
            let cap = prep.department_cap_in(d, y, m);
            if sum > cap {
                out.push(Problem::new(
                    "cities",
                    Msg::new("alloc.quota_over_cap")
                        .arg("department", &prep.departments[d])
                        .arg("month", format!("{}-{m:02}", inst.year(y)))
                        .arg("sum", sum)
                        .arg("cap", cap),
                ));
            }
        }
        out
    }

    /// The share of `city` (its code), if it has one.
    pub fn share(&self, city: &str) -> Option<&CityShare> {
        self.cities.iter().find(|s| s.city == city)
    }
}

/// The sub-instance of `city` under `allocation`: the city's counties and their townships; its
/// own city and county cadres and the cadres allocated to it, in roster order; the province's
/// parameters; the locks on those cadres that stay inside the city; the city's H9 quotas; and
/// the spreading rules that bind inside a city ([`Spread::within_city`]). Preferred counties
/// outside the city are left out (a cadre preferring only other cities misses its preference in
/// every county of this one, a constant the city cannot change; see [`dropped_penalty`]), and so
/// is a previous county outside the city (no county of the city earns its bonus).
pub fn sub_instance(inst: &Instance, allocation: &Allocation, city: &str) -> Option<Instance> {
    let share = allocation.share(city)?;
    let region = &inst.region;
    let counties: Vec<crate::County> = region.counties.iter().filter(|k| k.city == city).cloned().collect();
    let in_city: HashSet<&str> = counties.iter().map(|k| k.code.as_str()).collect();
    let townships: Vec<crate::Township> =
        region.townships.iter().filter(|t| in_city.contains(t.county.as_str())).cloned().collect();
    let township_codes: HashSet<&str> = townships.iter().map(|t| t.code.as_str()).collect();
    let allocated: HashSet<&str> = share.cadres.iter().map(String::as_str).collect();
    let cadres: Vec<crate::Cadre> = inst
        .cadres
        .iter()
        .filter(|c| match c.level {
            Level::City => c.home_city.as_deref() == Some(city),
            Level::County => c.home_county.as_deref().is_some_and(|k| in_city.contains(k)),
            _ => allocated.contains(c.id.as_str()),
        })
        .map(|c| {
            let mut c = c.clone();
            c.preferred_counties.retain(|k| in_city.contains(k.as_str()));
            if c.previous_county.as_deref().is_some_and(|k| !in_city.contains(k)) {
                c.previous_county = None;
            }
            c
        })
        .collect();
    let ids: HashSet<&str> = cadres.iter().map(|c| c.id.as_str()).collect();
    let locks = inst
        .locks
        .iter()
        .filter(|l| {
            ids.contains(l.cadre.as_str())
                && l.county.as_deref().is_none_or(|k| in_city.contains(k))
                && l.township.as_deref().is_none_or(|t| township_codes.contains(t))
        })
        .cloned()
        .collect();
    let city_name = region.cities.iter().find(|m| m.code == city).map_or(city, |m| m.name.as_str());
    Some(Instance {
        name: format!("{} · {city_name}", inst.name),
        first_year: inst.first_year,
        parameters: inst.parameters.clone(),
        region: crate::Region {
            province: region.province.clone(),
            cities: region.cities.iter().filter(|m| m.code == city).cloned().collect(),
            counties,
            townships,
            zones_note: region.zones_note.clone(),
        },
        cadres,
        locks,
        department_quotas: share.quotas.clone(),
        spread: allocation.spread.within_city(),
    })
}

/// The S1 preference penalties the city's sub-instance `sub` leaves out: the penalty of every
/// cadre in it whose preferred counties all lie in other cities. Added to the city's S1, it
/// gives the city's part of the province S1.
pub fn dropped_penalty(inst: &Instance, sub: &Instance) -> f64 {
    let in_city: HashSet<&str> = sub.region.counties.iter().map(|k| k.code.as_str()).collect();
    let ids: HashSet<&str> = sub.cadres.iter().map(|c| c.id.as_str()).collect();
    inst.cadres
        .iter()
        .filter(|c| ids.contains(c.id.as_str()))
        .filter(|c| {
            !c.preferred_counties.is_empty() && !c.preferred_counties.iter().any(|k| in_city.contains(k.as_str()))
        })
        .count() as f64
        * inst.parameters.preference_penalty
}
