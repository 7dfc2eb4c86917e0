//! Every number of an explanation, recomputed independently: from the instance
//! (by the words of PLANNING_RULES, with an own haversine and cost model) and
//! from the plan's JSON — never through `sanlian_explain` or `Prepared`'s
//! cost methods. Counterfactual numbers are checked against the difference of
//! two `sanlian_solver::solve` runs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sanlian_explain::{explain, ExplainOptions, Explanation, PreferenceWhy};
use sanlian_model::{Cadre, Instance, Level, Mode, Plan, Point, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};
use serde_json::Value;

fn fixture(name: &str) -> Instance {
    let path = format!("{}/../../fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn plan_of(prep: &Prepared) -> Option<Plan> {
    match solve(prep, &SolveOptions::default()).expect("no time limit").outcome {
        Outcome::Planned(p) => Some(*p),
        Outcome::Infeasible(_) => None,
    }
}

fn s1_of(plan: &Plan) -> f64 {
    plan.stages.iter().find(|s| s.id == "S1").expect("an S1 stage").objective
}

/// Optimal S1 by a plain `solve`, `None` when strict-infeasible.
fn optimal_s1(prep: &Prepared) -> Option<f64> {
    plan_of(prep).map(|p| s1_of(&p))
}

/// Two proven-optimal S1 values agree to the proven gap (rel 1e-6, abs 0.005) on each side.
fn tol(scale: f64) -> f64 {
    2e-6 * scale.abs().max(1.0) + 0.011
}

#[track_caller]
fn close(what: &str, got: f64, want: f64) {
    assert!((got - want).abs() <= 1e-6 * want.abs().max(1.0), "{what}: explanation says {got}, recomputed {want}");
}

#[track_caller]
fn close_solve(what: &str, got: f64, want: f64, scale: f64) {
    assert!((got - want).abs() <= tol(scale), "{what}: explanation says {got}, re-solved {want}");
}

// ---------------------------------------------------------------- the rules, again

fn haversine(a: Point, b: Point) -> f64 {
    let r = 6371.0_f64;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn month_len(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => panic!("month {m}"),
    }
}

/// The instance read by the rules' words.
struct Rules<'a> {
    inst: &'a Instance,
    county: HashMap<&'a str, usize>,
}

impl<'a> Rules<'a> {
    fn new(inst: &'a Instance) -> Self {
        Rules { inst, county: inst.region.counties.iter().enumerate().map(|(i, k)| (k.code.as_str(), i)).collect() }
    }

    fn cadre(&self, id: &str) -> &'a Cadre {
        self.inst.cadres.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no cadre {id}"))
    }

    /// H2 by its words.
    fn eligible(&self, c: &Cadre) -> Vec<usize> {
        let ks = &self.inst.region.counties;
        match c.level {
            Level::County => vec![self.county[c.home_county.as_deref().unwrap()]],
            Level::City => (0..ks.len()).filter(|&k| Some(&ks[k].city) == c.home_city.as_ref()).collect(),
            Level::Province => (0..ks.len()).collect(),
            Level::University | Level::Enterprise => {
                let d = |k: usize| haversine(c.base, ks[k].seat);
                let near: Vec<usize> = (0..ks.len()).filter(|&k| d(k) <= self.inst.parameters.nearby_km).collect();
                if near.is_empty() {
                    vec![(0..ks.len()).min_by(|&a, &b| d(a).total_cmp(&d(b))).unwrap()]
                } else {
                    near
                }
            }
        }
    }

    fn mode(c: &Cadre) -> Mode {
        c.mode.unwrap_or(match c.level {
            Level::Province | Level::City => Mode::Blocks,
            Level::County => Mode::Weekly,
            Level::University | Level::Enterprise => Mode::Mixed,
        })
    }

    fn blocks(&self, c: &Cadre) -> u32 {
        match Self::mode(c) {
            Mode::Blocks => self.inst.parameters.blocks_per_year,
            Mode::Mixed => self.inst.parameters.mixed_blocks_per_year,
            Mode::Weekly => 0,
        }
    }

    fn years(c: &Cadre) -> u32 {
        [1u8, 2].iter().filter(|y| c.active_years.contains(y)).count() as u32
    }

    /// §4: round trips over both years.
    fn trips(&self, c: &Cadre) -> f64 {
        let p = &self.inst.parameters;
        let b = self.blocks(c) as f64;
        let per_year = match Self::mode(c) {
            Mode::Blocks => b * p.trips_per_month as f64,
            Mode::Weekly | Mode::Mixed => b * p.trips_per_month as f64 + p.weeks_per_year - 4.3 * b,
        };
        per_year * Self::years(c) as f64
    }

    fn road_km(&self, c: &Cadre, k: usize) -> f64 {
        haversine(c.base, self.inst.region.counties[k].seat) * self.inst.parameters.road_factor
    }

    fn travel(&self, c: &Cadre, k: usize) -> f64 {
        self.trips(c) * 2.0 * self.road_km(c, k) * self.inst.parameters.fare_per_km
    }

    fn s1(&self, c: &Cadre, k: usize) -> f64 {
        let p = &self.inst.parameters;
        let code = &self.inst.region.counties[k].code;
        let mut v = self.travel(c, k);
        if !c.preferred_counties.is_empty() && !c.preferred_counties.contains(code) {
            v += p.preference_penalty;
        }
        if c.previous_county.as_ref() == Some(code) {
            v -= p.continuity_bonus;
        }
        v
    }

    /// H9 size: blocks- and mixed-mode cadres of the department active in plan year `y` (1 or 2).
    fn department_cap(&self, c: &Cadre, y: u8) -> u32 {
        let size = self
            .inst
            .cadres
            .iter()
            .filter(|x| x.unit == c.unit && x.department == c.department && x.active_years.contains(&y))
            .filter(|x| matches!(Self::mode(x), Mode::Blocks | Mode::Mixed))
            .count();
        // ceil with a hair of tolerance, so that e.g. 0.1 × 30 stays 3
        ((self.inst.parameters.max_department_away_share * size as f64 - 1e-9).ceil().max(1.0)) as u32
    }

    fn townships(&self, k: usize) -> usize {
        let code = &self.inst.region.counties[k].code;
        self.inst.region.townships.iter().filter(|t| &t.county == code).count()
    }
}

// ---------------------------------------------------------------- the plan, from its JSON

struct PlanData {
    /// cadre id → county code
    county: HashMap<String, String>,
    /// (cadre id, calendar year) → (township, block months "YYYY-MM", weekday JSON)
    year: HashMap<(String, i64), (String, Vec<String>, Value)>,
    /// county → leader id
    leader: HashMap<String, Option<String>>,
    /// county → member ids
    members: HashMap<String, Vec<String>>,
    s1: f64,
}

fn plan_data(plan: &Plan) -> PlanData {
    let j = serde_json::to_value(plan).unwrap();
    let mut d = PlanData {
        county: HashMap::new(),
        year: HashMap::new(),
        leader: HashMap::new(),
        members: HashMap::new(),
        s1: j["stages"].as_array().unwrap().iter().find(|s| s["id"] == "S1").unwrap()["objective"].as_f64().unwrap(),
    };
    for a in j["assignments"].as_array().unwrap() {
        let id = a["cadre"].as_str().unwrap().to_string();
        d.county.insert(id.clone(), a["county"].as_str().unwrap().to_string());
        for y in a["years"].as_array().unwrap() {
            let blocks = y
                .get("blocks")
                .and_then(Value::as_array)
                .map(|bs| bs.iter().map(|b| b["month"].as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            let wd = y.get("weekday").cloned().unwrap_or(Value::Null);
            d.year.insert(
                (id.clone(), y["year"].as_i64().unwrap()),
                (y["township"].as_str().unwrap().to_string(), blocks, wd),
            );
        }
    }
    for g in j["groups"].as_array().unwrap() {
        let k = g["county"].as_str().unwrap().to_string();
        d.leader.insert(k.clone(), g["leader"].as_str().map(str::to_string));
        d.members.insert(k, g["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect());
    }
    d
}

// ---------------------------------------------------------------- recomputation

fn check_cadres(r: &Rules, pd: &PlanData, e: &Explanation) {
    let inst = r.inst;
    let p = &inst.parameters;
    assert_eq!(e.cadres.len(), inst.cadres.len());
    for (w, c) in e.cadres.iter().zip(&inst.cadres) {
        let id = c.id.as_str();
        assert_eq!(w.cadre, c.id);
        assert_eq!(w.name, c.name);
        assert_eq!(w.level, c.level);
        assert_eq!(w.unit, c.unit);
        assert_eq!(w.senior, c.senior);
        let code = &pd.county[id];
        let k = r.county[code.as_str()];
        assert_eq!(w.leader, pd.leader[code].as_deref() == Some(id), "{id} leader");
        let eligible = r.eligible(c);
        assert_eq!(w.eligible_counties, eligible.len(), "{id} eligible counties");
        assert!(w.eligibility.starts_with("H2"), "{id}: {}", w.eligibility);

        assert_eq!(&w.here.county, code, "{id} here");
        assert_eq!(w.here.county_name, inst.region.counties[k].name);
        close(&format!("{id} here.road_km"), w.here.road_km, r.road_km(c, k));
        close(&format!("{id} here.travel"), w.here.travel, r.travel(c, k));
        close(&format!("{id} here.s1"), w.here.s1, r.s1(c, k));

        let min_s1 = eligible.iter().map(|&x| r.s1(c, x)).fold(f64::INFINITY, f64::min);
        let ck = *r.county.get(w.cheapest.county.as_str()).expect("cheapest is a county");
        assert!(eligible.contains(&ck), "{id}: cheapest {} is not eligible", w.cheapest.county);
        assert_eq!(w.cheapest.county_name, inst.region.counties[ck].name);
        close(&format!("{id} cheapest.road_km"), w.cheapest.road_km, r.road_km(c, ck));
        close(&format!("{id} cheapest.travel"), w.cheapest.travel, r.travel(c, ck));
        close(&format!("{id} cheapest.s1"), w.cheapest.s1, min_s1);
        close(&format!("{id} above_cheapest"), w.above_cheapest, r.s1(c, k) - min_s1);

        match &w.preference {
            PreferenceWhy::None => assert!(c.preferred_counties.is_empty(), "{id}: preferences not reported"),
            PreferenceWhy::Honoured { county } => {
                assert_eq!(county, code, "{id}");
                assert!(c.preferred_counties.contains(code), "{id}: honoured outside its preferences");
            }
            PreferenceWhy::Missed { preferred, best, s1_increase, impossible, skipped } => {
                assert!(!skipped, "{id}: no limit was set, yet a re-solve was skipped");
                assert_eq!(preferred, &c.preferred_counties, "{id}");
                assert!(!c.preferred_counties.contains(code), "{id}: missed inside its preferences");
                assert_eq!(best.is_some(), s1_increase.is_some(), "{id}");
                assert_eq!(best.is_none(), impossible.is_some(), "{id}");
                let any_eligible = c.preferred_counties.iter().any(|pk| eligible.contains(&r.county[pk.as_str()]));
                if !any_eligible {
                    assert!(impossible.as_deref().is_some_and(|s| s.contains("H2")), "{id}: {impossible:?}");
                }
            }
        }
        assert_eq!(w.previous_county, c.previous_county);
        assert_eq!(w.continuity_kept, c.previous_county.as_ref() == Some(code), "{id} continuity");

        let active: Vec<u8> = [1u8, 2].into_iter().filter(|y| c.active_years.contains(y)).collect();
        assert_eq!(w.years.len(), active.len(), "{id} years");
        let mut days_total = 0;
        for (yw, &y) in w.years.iter().zip(&active) {
            let year = inst.first_year + y as i32 - 1;
            assert_eq!(yw.year, year);
            let (town, months, weekday) = &pd.year[&(c.id.clone(), year as i64)];
            assert_eq!(&yw.township, town, "{id} {year}");
            let t = inst.region.townships.iter().find(|t| &t.code == town).unwrap();
            assert_eq!(yw.township_name, t.name);
            assert_eq!(yw.priority, t.priority);
            let mut matched: Vec<String> = Vec::new();
            for s in &c.strengths {
                if t.needs.contains(s) && !matched.contains(s) {
                    matched.push(s.clone());
                }
            }
            assert_eq!(yw.matched, matched, "{id} {year} matched");
            close(&format!("{id} {year} s2"), yw.s2_match_value, p.match_value * matched.len() as f64);
            let unavailable: Vec<String> =
                c.unavailable_months.iter().filter(|m| m.starts_with(&format!("{year}-"))).cloned().collect();
            assert_eq!(yw.unavailable, unavailable, "{id} {year} unavailable");
            assert_eq!(&serde_json::to_value(yw.weekday).unwrap(), weekday, "{id} {year} weekday");
            let shown: Vec<&str> = yw.months.iter().map(|m| m.month.as_str()).collect();
            let planned: Vec<&str> = months.iter().map(String::as_str).collect();
            assert_eq!(shown, planned, "{id} {year} months");
            for mw in &yw.months {
                let m: u32 = mw.month[5..].parse().unwrap();
                assert_eq!(mw.days, month_len(year, m), "{id} {}", mw.month);
                days_total += mw.days;
                let on = |x: &Cadre| {
                    pd.year.get(&(x.id.clone(), year as i64)).is_some_and(|(_, ms, _)| ms.contains(&mw.month))
                };
                let away =
                    inst.cadres.iter().filter(|x| x.unit == c.unit && x.department == c.department && on(x)).count();
                assert_eq!(mw.department_away as usize, away, "{id} {} department_away", mw.month);
                assert!(away >= 1, "{id} is itself away");
                assert_eq!(mw.department_cap, r.department_cap(c, y), "{id} {} department_cap", mw.month);
                let group = inst.cadres.iter().filter(|x| &pd.county[x.id.as_str()] == code && on(x)).count();
                assert_eq!(mw.group_on_site as usize, group, "{id} {} group_on_site", mw.month);
            }
        }
        close(&format!("{id} stay"), w.stay, days_total as f64 * (p.lodging_per_day + p.meal_per_day));
    }
}

fn check_groups(r: &Rules, pd: &PlanData, e: &Explanation) {
    let inst = r.inst;
    let p = &inst.parameters;
    assert_eq!(e.groups.len(), inst.region.counties.len());
    for (k, (g, county)) in e.groups.iter().zip(&inst.region.counties).enumerate() {
        let code = county.code.as_str();
        assert_eq!(g.county, code);
        assert_eq!(g.county_name, county.name);
        assert_eq!(g.city, county.city);
        let members: Vec<&Cadre> = inst.cadres.iter().filter(|c| pd.county[c.id.as_str()] == code).collect();
        let ids: Vec<&str> = members.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            pd.members[code].iter().map(String::as_str).collect::<Vec<_>>(),
            "{code}: group members vs assignments"
        );
        let towns = r.townships(k);
        assert_eq!(g.townships, towns, "{code} townships");
        assert_eq!(g.members, members.len(), "{code} members");
        let cadre_years: u32 = members.iter().map(|c| Rules::years(c)).sum();
        assert_eq!(g.cadre_years, cadre_years, "{code} cadre_years");
        assert_eq!(g.coverage_slack, cadre_years as i64 - towns as i64, "{code} slack");
        let mut ys: Vec<u32> = members.iter().map(|c| Rules::years(c)).collect();
        ys.sort_unstable_by(|a, b| b.cmp(a));
        let min_members = (0..=ys.len()).find(|&m| ys[..m].iter().sum::<u32>() as usize >= towns).unwrap_or(ys.len());
        assert_eq!(g.min_members, min_members, "{code} min_members");
        assert_eq!(g.max_members_per_year as usize, towns * p.max_cadres_per_township_year as usize, "{code}");
        for y in 0..2u8 {
            let n = members.iter().filter(|c| c.active_years.contains(&(y + 1))).count();
            assert_eq!(g.members_per_year[y as usize] as usize, n, "{code} members in year {}", y + 1);
            assert!(n <= towns * p.max_cadres_per_township_year as usize, "{code}: H6 room");
        }
        assert_eq!(g.seniors, members.iter().filter(|c| c.senior).count(), "{code} seniors");
        assert_eq!(
            g.upper,
            members.iter().filter(|c| matches!(c.level, Level::Province | Level::City)).count(),
            "{code} upper"
        );
        assert_eq!(g.min_upper, p.min_upper_per_group);
        assert_eq!(g.leader, pd.leader[code], "{code} leader");
        let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
        for c in &members {
            *by_level.entry(c.level).or_default() += 1;
        }
        assert_eq!(g.by_level, by_level, "{code} by_level");

        let mut units: BTreeMap<&str, (usize, f64, f64)> = BTreeMap::new();
        for c in &members {
            let days: u32 = [1u8, 2]
                .iter()
                .filter_map(|&y| {
                    let year = inst.first_year + y as i32 - 1;
                    pd.year
                        .get(&(c.id.clone(), year as i64))
                        .map(|(_, ms, _)| ms.iter().map(|m| month_len(year, m[5..].parse().unwrap())).sum::<u32>())
                })
                .sum();
            let u = units.entry(c.unit.as_str()).or_default();
            u.0 += 1;
            u.1 += r.travel(c, k);
            u.2 += days as f64 * (p.lodging_per_day + p.meal_per_day);
        }
        assert_eq!(g.units.len(), units.len(), "{code} units");
        for (share, (name, (n, travel, stay))) in g.units.iter().zip(&units) {
            assert_eq!(share.unit, *name, "{code} unit order");
            assert_eq!(share.cadres, *n, "{code} {name} cadres");
            close(&format!("{code} {name} travel"), share.travel, *travel);
            close(&format!("{code} {name} stay"), share.stay, *stay);
        }

        // Leader alternatives: the other senior members, else the cheapest senior from outside.
        let leader = pd.leader[code].as_deref();
        let others: Vec<&str> =
            members.iter().filter(|c| c.senior && Some(c.id.as_str()) != leader).map(|c| c.id.as_str()).collect();
        if !others.is_empty() {
            let shown: Vec<&str> = g.alternatives.iter().map(|a| a.cadre.as_str()).collect();
            assert_eq!(shown, others, "{code} alternatives");
            for a in &g.alternatives {
                assert!(a.member);
                assert_eq!(a.s1_delta, Some(0.0));
            }
        } else {
            let outside: Vec<&Cadre> = inst
                .cadres
                .iter()
                .filter(|c| c.senior && pd.county[c.id.as_str()] != code && r.eligible(c).contains(&k))
                .collect();
            assert_eq!(g.alternatives.len(), usize::from(!outside.is_empty()), "{code} alternatives");
            if let Some(a) = g.alternatives.first() {
                assert!(!a.member);
                let c = r.cadre(&a.cadre);
                assert!(outside.iter().any(|o| o.id == c.id), "{code}: {} is not an outside senior", a.cadre);
                assert_eq!(a.level, c.level);
                let best = outside.iter().map(|o| r.s1(o, k)).fold(f64::INFINITY, f64::min);
                close(&format!("{code} alternative {} coefficient", a.cadre), r.s1(c, k), best);
            }
        }
    }
}

fn check_global(r: &Rules, pd: &PlanData, e: &Explanation) {
    let inst = r.inst;
    let g = e.global.as_ref().expect("whole explanation has a global part");
    let slack = |k: usize| -> i64 {
        let code = &inst.region.counties[k].code;
        inst.cadres.iter().filter(|c| &pd.county[c.id.as_str()] == code).map(|c| Rules::years(c) as i64).sum::<i64>()
            - r.townships(k) as i64
    };
    let at_min: Vec<String> = (0..inst.region.counties.len())
        .filter(|&k| slack(k) < 2)
        .map(|k| inst.region.counties[k].code.clone())
        .collect();
    assert_eq!(g.counties_at_minimum, at_min, "counties_at_minimum");

    assert_eq!(g.cities.len(), inst.region.cities.len());
    for (cl, city) in g.cities.iter().zip(&inst.region.cities) {
        assert_eq!(cl.city, city.code);
        assert_eq!(cl.city_name, city.name);
        let ks: Vec<usize> =
            (0..inst.region.counties.len()).filter(|&k| inst.region.counties[k].city == city.code).collect();
        assert_eq!(cl.counties, ks.len(), "{} counties", city.code);
        let local = inst
            .cadres
            .iter()
            .filter(|c| c.senior && c.level != Level::Province && r.eligible(c).iter().any(|k| ks.contains(k)))
            .count();
        assert_eq!(cl.local_seniors, local, "{} local seniors", city.code);
        assert_eq!(cl.shortage, ks.len().saturating_sub(local), "{} shortage", city.code);
        let province_led = ks
            .iter()
            .filter(|&&k| {
                pd.leader[inst.region.counties[k].code.as_str()]
                    .as_deref()
                    .is_some_and(|l| r.cadre(l).level == Level::Province)
            })
            .count();
        assert_eq!(cl.province_led, province_led, "{} province_led", city.code);
    }

    // H9: department months at the cap.
    let mut want = BTreeSet::new();
    let mut departments: Vec<(&str, Option<&str>)> = Vec::new();
    for c in &inst.cadres {
        if !departments.contains(&(c.unit.as_str(), c.department.as_deref())) {
            departments.push((c.unit.as_str(), c.department.as_deref()));
        }
    }
    for &(unit, dept) in &departments {
        let of: Vec<&Cadre> =
            inst.cadres.iter().filter(|c| c.unit == unit && c.department.as_deref() == dept).collect();
        let key = match dept {
            Some(d) => format!("{unit}/{d}"),
            None => unit.to_string(),
        };
        for y in 1..=2u8 {
            let year = inst.first_year + y as i32 - 1;
            let cap = r.department_cap(of[0], y);
            for m in inst.parameters.window_first_month..=inst.parameters.window_last_month {
                let month = format!("{year}-{m:02}");
                let away = of
                    .iter()
                    .filter(|c| pd.year.get(&(c.id.clone(), year as i64)).is_some_and(|(_, ms, _)| ms.contains(&month)))
                    .count() as u32;
                assert!(away <= cap, "plan breaks H9: {key} {month}");
                if away > 0 && away >= cap {
                    want.insert((key.clone(), month, away, cap));
                }
            }
        }
    }
    let got: BTreeSet<(String, String, u32, u32)> =
        g.department_caps.iter().map(|d| (d.department.clone(), d.month.clone(), d.away, d.cap)).collect();
    assert_eq!(got.len(), g.department_caps.len(), "department_caps has duplicates");
    assert_eq!(got, want, "department_caps");
    let binding: BTreeSet<&str> = got.iter().map(|d| d.0.as_str()).collect();
    let placed: BTreeSet<&str> = g.per_department_place.iter().map(|d| d.department.as_str()).collect();
    assert_eq!(placed, binding, "per_department_place covers the binding departments");
    for d in &g.per_department_place {
        assert_eq!(d.s1_delta, 0.0);
        assert!(d.s3a_delta >= 0, "{}: one more place cannot lose presence ({})", d.department, d.s3a_delta);
    }
}

fn extra(id: &str, level: Level, unit: &str, base: Point, senior: bool) -> Cadre {
    Cadre { senior, ..Cadre::new(id, "（假设）新增干部", level, unit, base) }
}

/// The counterfactual numbers, each as the difference of two plain solves.
fn check_counterfactuals(r: &Rules, prep: &Prepared, e: &Explanation) -> usize {
    let inst = r.inst;
    let base = optimal_s1(prep).expect("feasible");
    close_solve("s1_optimal", e.s1_optimal, base, base);
    let mut checked = 0;

    for w in &e.cadres {
        let PreferenceWhy::Missed { best, s1_increase, .. } = &w.preference else { continue };
        let c = prep.cadre_index[w.cadre.as_str()];
        let cadre = &inst.cadres[c];
        let eligible = r.eligible(cadre);
        let options: Vec<(String, Option<f64>)> = cadre
            .preferred_counties
            .iter()
            .filter(|pk| eligible.contains(&r.county[pk.as_str()]))
            .map(|pk| (pk.clone(), optimal_s1(&prep.restrict(c, &[r.county[pk.as_str()]])).map(|s| s - base)))
            .collect();
        match (best, s1_increase) {
            (Some(best), Some(inc)) => {
                let at_best = options.iter().find(|o| &o.0 == best).and_then(|o| o.1).expect("best is feasible");
                close_solve(&format!("{} s1_increase", w.cadre), *inc, at_best, base);
                for (pk, v) in &options {
                    if let Some(v) = v {
                        assert!(*v >= inc - tol(base), "{}: {pk} (+{v}) is cheaper than best {best} (+{inc})", w.cadre);
                    }
                }
                assert!(*inc >= -tol(base), "{}: honouring a preference cannot lower optimal S1", w.cadre);
                checked += 1;
            }
            _ => assert!(
                options.iter().all(|o| o.1.is_none()),
                "{}: a preferred county is feasible: {options:?}",
                w.cadre
            ),
        }
    }

    for g in &e.groups {
        let k = prep.county_index[g.county.as_str()];
        for a in g.alternatives.iter().filter(|a| !a.member) {
            let c = prep.cadre_index[a.cadre.as_str()];
            let want = optimal_s1(&prep.restrict(c, &[k])).map(|s| s - base);
            match (a.s1_delta, want) {
                (Some(got), Some(want)) => {
                    close_solve(&format!("{} alternative {}", g.county, a.cadre), got, want, base)
                }
                (got, want) => assert_eq!(got.is_some(), want.is_some(), "{} alternative {}", g.county, a.cadre),
            }
            checked += 1;
        }
    }

    let gl = e.global.as_ref().unwrap();
    assert_eq!(gl.per_county_cadre.len(), inst.region.counties.len());
    for (m, county) in gl.per_county_cadre.iter().zip(&inst.region.counties) {
        assert_eq!(m.county, county.code);
        let mut i = inst.clone();
        let mut x = extra("EXTRA-TEST", Level::County, "新增团县委", county.seat, false);
        x.home_county = Some(county.code.clone());
        i.cadres.push(x);
        let want = optimal_s1(&Prepared::new(&i).unwrap()).map(|s| s - base);
        match (m.s1_delta, want) {
            (Some(got), Some(want)) => {
                close_solve(&format!("one more cadre in {}", county.code), got, want, base);
                assert!(got <= tol(base), "{}: one more cadre cannot cost more ({got})", county.code);
            }
            (got, want) => assert_eq!(got.is_some(), want.is_some(), "one more cadre in {}", county.code),
        }
        checked += 1;
    }

    assert_eq!(gl.per_city_senior.len(), inst.region.cities.len());
    for (m, city) in gl.per_city_senior.iter().zip(&inst.region.cities) {
        assert_eq!(m.city, city.code);
        let mut i = inst.clone();
        let mut x = extra("EXTRA-TEST", Level::City, "新增团市委", city.seat, true);
        x.home_city = Some(city.code.clone());
        i.cadres.push(x);
        let p = Prepared::new(&i).unwrap();
        match (m.s1_delta, m.saved_elsewhere, plan_of(&p)) {
            (Some(delta), Some(saved), Some(plan)) => {
                let want = s1_of(&plan) - base;
                close_solve(&format!("one more senior in {}", city.code), delta, want, base);
                // Of the optimal groupings, the one where the new cadre's own travel is least.
                let ri = Rules::new(&i);
                let new = ri.cadre("EXTRA-TEST");
                let optimum = s1_of(&plan);
                let own = ri
                    .eligible(new)
                    .into_iter()
                    .filter(|&k| {
                        optimal_s1(&p.restrict(p.n_cadres() - 1, &[k])).is_some_and(|s| s <= optimum + tol(base))
                    })
                    .map(|k| ri.travel(new, k))
                    .fold(f64::INFINITY, f64::min);
                close_solve(&format!("saved elsewhere in {}", city.code), saved, -want + own, base);
            }
            (None, None, None) => {}
            other => {
                panic!("one more senior in {}: {:?} {:?} vs solve {:?}", city.code, other.0, other.1, other.2.is_some())
            }
        }
        checked += 1;
    }
    checked
}

/// Explain a fresh optimal plan and recompute everything; returns the explanation.
fn recompute_all(inst: &Instance) -> Explanation {
    let prep = Prepared::new(inst).unwrap();
    let plan = plan_of(&prep).expect("the instance has a strict plan");
    let e = explain(&prep, &plan, &ExplainOptions::default()).unwrap();
    assert!(e.violations.is_empty(), "{:?}", e.violations);
    assert_eq!(e.instance, inst.name);
    let r = Rules::new(inst);
    let pd = plan_data(&plan);
    // S1 of the plan, from the plan's own stage report and from the coefficients.
    close("s1_plan vs the plan's S1 stage", e.s1_plan, pd.s1);
    let sum: f64 = inst.cadres.iter().map(|c| r.s1(c, r.county[pd.county[c.id.as_str()].as_str()])).sum();
    close("s1_plan vs Σ coefficients", e.s1_plan, sum);
    // The plan is optimal, so it is the baseline.
    close_solve("s1_plan vs s1_optimal", e.s1_plan, e.s1_optimal, e.s1_optimal);
    check_cadres(&r, &pd, &e);
    check_groups(&r, &pd, &e);
    check_global(&r, &pd, &e);
    let n = check_counterfactuals(&r, &prep, &e);
    assert!(n >= inst.region.counties.len() + inst.region.cities.len());
    e
}

#[test]
fn small_fixture_every_number_recomputes() {
    let e = recompute_all(&fixture("small"));
    // The fixture has one senior more than counties, so some group has a single senior
    // and its outside alternative was re-solved.
    assert!(
        e.groups.iter().any(|g| g.alternatives.iter().any(|a| !a.member)),
        "no outside leader alternative exercised"
    );
}

/// The small fixture with cheap preferences and previous counties, so that
/// preferences are missed and the continuity bonus shows.
fn variant() -> Instance {
    let mut inst = fixture("small");
    inst.parameters.preference_penalty = 150.0;
    inst.parameters.continuity_bonus = 80.0;
    let set = |inst: &mut Instance, id: &str, prefs: &[&str], previous: Option<&str>| {
        let c = inst.cadres.iter_mut().find(|c| c.id == id).unwrap();
        c.preferred_counties = prefs.iter().map(|s| s.to_string()).collect();
        c.previous_county = previous.map(str::to_string);
    };
    set(&mut inst, "C0501", &["370523"], None);
    set(&mut inst, "C0503", &["370503"], Some("370523"));
    set(&mut inst, "C0505", &["370523", "370503"], None);
    set(&mut inst, "P001", &["370503"], Some("370502"));
    set(&mut inst, "P005", &["370503", "370505"], None);
    set(&mut inst, "E01-2", &["370523"], Some("370503"));
    set(&mut inst, "K370502-1", &["370503"], None); // ineligible: H2
    set(&mut inst, "K370505-2", &[], Some("370505"));
    inst
}

#[test]
fn variant_with_preferences_every_number_recomputes() {
    let e = recompute_all(&variant());
    let missed: Vec<&str> = e
        .cadres
        .iter()
        .filter(|w| matches!(w.preference, PreferenceWhy::Missed { s1_increase: Some(_), .. }))
        .map(|w| w.cadre.as_str())
        .collect();
    assert!(!missed.is_empty(), "the variant should miss some feasible preference");
    let k = e.cadres.iter().find(|w| w.cadre == "K370502-1").unwrap();
    assert!(
        matches!(&k.preference, PreferenceWhy::Missed { impossible: Some(s), .. } if s.contains("H2")),
        "{:?}",
        k.preference
    );
    assert!(e.cadres.iter().any(|w| w.continuity_kept), "some previous county is kept");
}

#[test]
fn filtered_explanations_are_slices_of_the_whole() {
    let inst = fixture("small");
    let prep = Prepared::new(&inst).unwrap();
    let plan = plan_of(&prep).unwrap();
    let whole = explain(&prep, &plan, &ExplainOptions::default()).unwrap();

    let one = explain(&prep, &plan, &ExplainOptions { cadre: Some("C0504".into()), ..Default::default() }).unwrap();
    assert_eq!(one.cadres.len(), 1);
    assert!(one.groups.is_empty() && one.global.is_none());
    let w = whole.cadres.iter().find(|w| w.cadre == "C0504").unwrap();
    assert_eq!(json(&one.cadres[0]), json(w));

    let county = &plan.assignments.iter().find(|a| a.cadre == "C0504").unwrap().county;
    let part = explain(&prep, &plan, &ExplainOptions { county: Some(county.clone()), ..Default::default() }).unwrap();
    assert!(part.global.is_none());
    assert_eq!(part.groups.len(), 1);
    assert_eq!(json(&part.groups[0]), json(whole.groups.iter().find(|g| &g.county == county).unwrap()));
    let ids: Vec<&str> = part.cadres.iter().map(|w| w.cadre.as_str()).collect();
    let members: Vec<&str> =
        plan.groups.iter().find(|g| &g.county == county).unwrap().members.iter().map(String::as_str).collect();
    assert_eq!(ids, members);

    for opts in [
        ExplainOptions { cadre: Some("NOBODY".into()), ..Default::default() },
        ExplainOptions { county: Some("999999".into()), ..Default::default() },
    ] {
        let e = explain(&prep, &plan, &opts).expect_err("unknown");
        assert!(matches!(e, sanlian_explain::ExplainError::Unknown(_)), "{e:?}");
    }
}

#[test]
fn a_counterfactual_limit_leaves_out_whole_items_in_a_fixed_order() {
    let inst = fixture("small");
    let prep = Prepared::new(&inst).unwrap();
    let plan = plan_of(&prep).unwrap();
    let whole = explain(&prep, &plan, &ExplainOptions::default()).unwrap();
    assert!(!whole.partial);
    assert_eq!(whole.counterfactuals.skipped, 0);
    let all = whole.counterfactuals.computed;
    assert!(all > 3, "the small fixture needs several re-solves ({all})");
    let limit = all / 2;
    let capped = ExplainOptions { max_counterfactuals: Some(limit), ..Default::default() };
    let part = explain(&prep, &plan, &capped).unwrap();
    assert!(part.partial);
    assert_eq!(part.counterfactuals.limit, Some(limit));
    assert!(part.counterfactuals.computed <= limit);
    assert_eq!(part.counterfactuals.computed + part.counterfactuals.skipped, all, "every re-solve is counted once");
    // The same request computes the same figures, and those it computes are the whole's.
    assert_eq!(json(&part), json(&explain(&prep, &plan, &capped).unwrap()));
    let (gw, gp) = (whole.global.as_ref().unwrap(), part.global.as_ref().unwrap());
    for (w, p) in gw.per_county_cadre.iter().zip(&gp.per_county_cadre) {
        if !p.skipped {
            assert_eq!(json(w), json(p), "a computed marginal value equals the unlimited one");
        }
    }
    // Counties come first: with the limit below their number, the first ones are computed.
    assert!(!gp.per_county_cadre[0].skipped || limit == 0);
    // The text names what is missing.
    let text = sanlian_explain::render::explanation(&part, sanlian_explain::render::Lang::En);
    assert!(text.contains("Partial") && text.contains("not computed"), "{text}");
    // A limit the whole fits in changes nothing.
    let roomy = ExplainOptions { max_counterfactuals: Some(all), ..Default::default() };
    assert_eq!(json(&explain(&prep, &plan, &roomy).unwrap().cadres), json(&whole.cadres));
}

/// An explanation part as JSON, for comparing.
fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}
