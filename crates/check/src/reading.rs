//! The checker's own reading of PLANNING_RULES v1.1: eligibility (H2), modes and blocks
//! (§2, H8), service (§1, §7), department caps (H9), the cost model (§4) and the S1/S2
//! coefficients (§5); and of the fair-burden options F1–F3 (docs/fairness.md).
//!
//! It is written a second time on purpose, from the rules' text, and shares no code with
//! the solver's `sanlian_model::Prepared`: a property test runs both readings on generated
//! instances and demands that they agree exactly.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sanlian_model::{InputError, Instance, Level, LockKind, Mode, Point};

/// Great-circle km (§4: haversine, R = 6371.0 km).
pub fn great_circle_km(a: Point, b: Point) -> f64 {
    const R: f64 = 6371.0;
    let (phi1, lambda1) = (a.lat.to_radians(), a.lon.to_radians());
    let (phi2, lambda2) = (b.lat.to_radians(), b.lon.to_radians());
    let half_chord =
        ((phi2 - phi1) / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * ((lambda2 - lambda1) / 2.0).sin().powi(2);
    2.0 * R * half_chord.sqrt().min(1.0).asin()
}

/// "YYYY-MM" as (year, month), digits only.
pub fn year_month(s: &str) -> Option<(i32, u32)> {
    let bytes = s.as_bytes();
    if bytes.len() != 7 || bytes[4] != b'-' || !bytes.iter().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let month: u32 = s[5..].parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

/// The first and the last day of a calendar month.
pub fn month_span(year: i32, month: u32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a month 1–12 of a plausible year");
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let next = NaiveDate::from_ymd_opt(ny, nm, 1).expect("a month 1–12 of a plausible year");
    (first, next.pred_opt().expect("a day before the first of a month"))
}

/// A validated instance read by the rules, with its lookup tables. Indices are positions in
/// the instance's own vectors.
#[derive(Debug, Clone)]
pub struct Rules<'a> {
    /// The instance.
    pub inst: &'a Instance,
    /// County code → index.
    pub county_index: HashMap<&'a str, usize>,
    /// Township code → index.
    pub township_index: HashMap<&'a str, usize>,
    /// Cadre id → index.
    pub cadre_index: HashMap<&'a str, usize>,
    /// Townships of each county, ascending.
    pub townships_of: Vec<Vec<usize>>,
    /// The counties each cadre may serve in, ascending: H2, narrowed by the planner's locks
    /// (P1, P3 and P5 place it, P2 bars a county). The stage proofs range over these.
    pub eligible: Vec<Vec<usize>>,
    /// H2 alone: the counties each cadre may serve in by the proximity rule, ascending.
    pub h2_eligible: Vec<Vec<usize>>,
    /// H2 narrowed by the fair-burden options F1 (travel cap) and F2 (rotation), ascending;
    /// H2 alone when they are off.
    pub fair_eligible: Vec<Vec<usize>>,
    /// The planner's locks read for the proofs (P1–P9).
    pub locks: LockReading,
    /// H9: each cadre's department (unit, department) as an index into `departments`.
    pub department_of: Vec<usize>,
    /// H9: department names, "unit" or "unit/department".
    pub departments: Vec<String>,
    /// The months each cadre marked unavailable, as (plan-year index, month).
    unavailable: Vec<Vec<(usize, u32)>>,
    /// §4 round trips of each cadre (they do not depend on the county).
    trips: Vec<f64>,
    /// H2: the counties of each city.
    city_counties: HashMap<&'a str, Vec<usize>>,
    /// H9: the size of each department in each plan year.
    sizes: Vec<[u32; 2]>,
    /// F3: the block months of each department in each plan year.
    dept_blocks: Vec<[u32; 2]>,
    /// H9 in a city's sub-instance: (department, plan year, month) → its quota that month.
    quotas: HashMap<(usize, usize, u32), u32>,
    /// S2: each township's needs, as a set.
    needs: Vec<std::collections::HashSet<&'a str>>,
}

impl<'a> Rules<'a> {
    /// Validate `inst` and read it.
    pub fn new(inst: &'a Instance) -> Result<Rules<'a>, InputError> {
        inst.validate()?;
        let r = &inst.region;
        let county_index: HashMap<&str, usize> =
            r.counties.iter().enumerate().map(|(i, k)| (k.code.as_str(), i)).collect();
        let township_index = r.townships.iter().enumerate().map(|(i, t)| (t.code.as_str(), i)).collect();
        let cadre_index = inst.cadres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let mut townships_of = vec![Vec::new(); r.counties.len()];
        for (i, t) in r.townships.iter().enumerate() {
            townships_of[county_index[t.county.as_str()]].push(i);
        }
        let mut keys: HashMap<(&str, Option<&str>), usize> = HashMap::new();
        let mut departments = Vec::new();
        let mut department_of = Vec::new();
        let mut unavailable = Vec::new();
        for cadre in &inst.cadres {
            let key = (cadre.unit.as_str(), cadre.department.as_deref());
            let d = *keys.entry(key).or_insert_with(|| {
                departments.push(match key.1 {
                    Some(dept) => format!("{}/{dept}", key.0),
                    None => key.0.to_string(),
                });
                departments.len() - 1
            });
            department_of.push(d);
            unavailable.push(
                cadre
                    .unavailable_months
                    .iter()
                    .filter_map(|m| year_month(m))
                    .map(|(y, m)| ((y - inst.first_year) as usize, m))
                    .collect(),
            );
        }
        let mut rules = Rules {
            inst,
            county_index,
            township_index,
            cadre_index,
            townships_of,
            eligible: Vec::new(),
            h2_eligible: Vec::new(),
            fair_eligible: Vec::new(),
            locks: LockReading::default(),
            department_of,
            departments,
            unavailable,
            trips: Vec::new(),
            sizes: Vec::new(),
            dept_blocks: Vec::new(),
            quotas: inst
                .department_quotas
                .iter()
                .filter_map(|q| {
                    let d = *keys.get(&(q.unit.as_str(), q.department.as_deref()))?;
                    let (y, m) = year_month(&q.month)?;
                    Some(((d, (y - inst.first_year) as usize, m), q.max))
                })
                .collect(),
            city_counties: {
                let mut m: HashMap<&str, Vec<usize>> = HashMap::new();
                for (k, county) in r.counties.iter().enumerate() {
                    m.entry(county.city.as_str()).or_default().push(k);
                }
                m
            },
            needs: r.townships.iter().map(|t| t.needs.iter().map(String::as_str).collect()).collect(),
        };
        rules.h2_eligible = (0..inst.cadres.len()).map(|c| rules.h2(c)).collect();
        rules.locks = LockReading::new(&rules);
        // F1 reads the round trips, which read the locks' barred months (a part-served year).
        rules.trips = (0..inst.cadres.len()).map(|c| rules.trips_of(c)).collect();
        rules.fair_eligible = (0..inst.cadres.len()).map(|c| rules.fair(c)).collect();
        rules.eligible = (0..inst.cadres.len())
            .map(|c| {
                let mut e = rules.fair_eligible[c].clone();
                if let Some(k) = rules.locks.placed[c] {
                    e.retain(|&x| x == k);
                }
                e.retain(|k| !rules.locks.barred[c].contains(k));
                if e.is_empty() {
                    // Locks (or a travel cap) that leave a cadre nowhere make the instance
                    // invalid (the model refuses it); the proofs then range over H2 alone.
                    rules.h2_eligible[c].clone()
                } else {
                    e
                }
            })
            .collect();
        let mut sizes = vec![[0u32; 2]; rules.departments.len()];
        let mut blocks = vec![[0u32; 2]; rules.departments.len()];
        for c in 0..inst.cadres.len() {
            let d = rules.department_of[c];
            for y in 0..2 {
                if rules.mode(c) != Mode::Weekly && rules.active(c, y) {
                    sizes[d][y] += 1;
                }
                blocks[d][y] += rules.block_count(c, y);
            }
        }
        rules.sizes = sizes;
        rules.dept_blocks = blocks;
        Ok(rules)
    }

    /// F1 then F2 on the cadre's H2 counties. F1: the counties where its two-year travel
    /// (round trips × 2 × road km) is at most `max_travel_km`. F2: if its previous county lies
    /// more than `rotate_km` road km from its base, of those the ones within `rotate_km`, or,
    /// when there is none, the nearest (every one at the least road km).
    fn fair(&self, c: usize) -> Vec<usize> {
        let f = &self.inst.parameters.fairness;
        let mut out = self.h2_eligible[c].clone();
        if let Some(cap) = f.max_travel_km {
            out.retain(|&k| self.travel_km(c, k) <= cap);
        }
        let Some(rotate) = f.rotate_km else { return out };
        let previous = self.inst.cadres[c].previous_county.as_deref().and_then(|p| self.county_index.get(p));
        match previous {
            Some(&p) if self.road_km(c, p) > rotate && !out.is_empty() => {
                if out.iter().any(|&k| self.road_km(c, k) <= rotate) {
                    out.retain(|&k| self.road_km(c, k) <= rotate);
                } else {
                    let mut nearest = self.road_km(c, out[0]);
                    for &k in &out[1..] {
                        nearest = nearest.min(self.road_km(c, k));
                    }
                    out.retain(|&k| self.road_km(c, k) == nearest);
                }
                out
            }
            _ => out,
        }
    }

    /// F1: the cadre's two-year travel in county `k`, km: round trips over both years × 2 ×
    /// road km (§4's trips, without the fare).
    pub fn travel_km(&self, c: usize, k: usize) -> f64 {
        self.round_trips(c) * 2.0 * self.road_km(c, k)
    }

    /// F2: whether the cadre's previous county lies more than `rotate_km` road km from its base
    /// (its road km there when so). None when rotation is off or the cadre has no previous county.
    pub fn went_far(&self, c: usize) -> Option<(usize, f64)> {
        let rotate = self.inst.parameters.fairness.rotate_km?;
        let code = self.inst.cadres[c].previous_county.as_deref()?;
        let &k = self.county_index.get(code)?;
        let km = self.road_km(c, k);
        (km > rotate).then_some((k, km))
    }

    /// H2 by its words: county level its own county; city level the counties of its city;
    /// province level any; university and enterprise the counties whose seat is within
    /// `nearby_km` of the unit, or, if none is, the nearest (the first of equals).
    fn h2(&self, c: usize) -> Vec<usize> {
        let cadre = &self.inst.cadres[c];
        let counties = &self.inst.region.counties;
        match cadre.level {
            Level::County => vec![self.county_index[cadre.home_county.as_deref().unwrap_or_default()]],
            Level::City => {
                let city = cadre.home_city.as_deref().unwrap_or_default();
                self.city_counties.get(city).cloned().unwrap_or_default()
            }
            Level::Province => (0..counties.len()).collect(),
            Level::University | Level::Enterprise => {
                let km: Vec<f64> = counties.iter().map(|k| great_circle_km(cadre.base, k.seat)).collect();
                let near: Vec<usize> = (0..km.len()).filter(|&k| km[k] <= self.inst.parameters.nearby_km).collect();
                if !near.is_empty() {
                    return near;
                }
                let mut best = 0;
                for k in 1..km.len() {
                    if km[k].total_cmp(&km[best]).is_lt() {
                        best = k;
                    }
                }
                vec![best]
            }
        }
    }

    /// Number of cadres.
    pub fn n_cadres(&self) -> usize {
        self.inst.cadres.len()
    }

    /// Number of counties.
    pub fn n_counties(&self) -> usize {
        self.inst.region.counties.len()
    }

    /// Calendar year of plan-year index `y`.
    pub fn year(&self, y: usize) -> i32 {
        self.inst.first_year + y as i32
    }

    /// May cadre `c` serve in county `k` (H2)?
    pub fn is_eligible(&self, c: usize, k: usize) -> bool {
        self.eligible[c].contains(&k)
    }

    /// The cadre's mode (§2): its override, or its level's.
    pub fn mode(&self, c: usize) -> Mode {
        let cadre = &self.inst.cadres[c];
        cadre.mode.unwrap_or(match cadre.level {
            Level::Province | Level::City => Mode::Blocks,
            Level::County => Mode::Weekly,
            Level::University | Level::Enterprise => Mode::Mixed,
        })
    }

    /// Block months a year of the cadre's mode (§2).
    pub fn mode_blocks(&self, c: usize) -> u32 {
        match self.mode(c) {
            Mode::Blocks => self.inst.parameters.blocks_per_year,
            Mode::Mixed => self.inst.parameters.mixed_blocks_per_year,
            Mode::Weekly => 0,
        }
    }

    /// Does the cadre work a weekday (H10: weekly and mixed modes)?
    pub fn has_weekday(&self, c: usize) -> bool {
        self.mode(c) != Mode::Blocks
    }

    /// The window months, in order.
    pub fn window(&self) -> std::ops::RangeInclusive<u32> {
        self.inst.parameters.window_first_month..=self.inst.parameters.window_last_month
    }

    /// Is `day` inside the cadre's service period [from, until)?
    fn in_period(&self, c: usize, day: NaiveDate) -> bool {
        let cadre = &self.inst.cadres[c];
        cadre.from.is_none_or(|f| f <= day) && cadre.until.is_none_or(|u| day < u)
    }

    /// Does the cadre serve month `m` of plan year `y`: the month's first day lies in its
    /// service period (every month without one)?
    pub fn serves_month(&self, c: usize, y: usize, m: u32) -> bool {
        self.in_period(c, month_span(self.year(y), m).0)
    }

    /// Is the cadre active in plan year `y`: listed in `active_years`, and serving at least
    /// one window month of it?
    pub fn active(&self, c: usize, y: usize) -> bool {
        self.inst.cadres[c].active_years.contains(&(y as u8 + 1)) && self.window().any(|m| self.serves_month(c, y, m))
    }

    /// Is the cadre in service on `day` (H3, H4 at every date): the day's year is a plan year
    /// listed in its `active_years`, and the day lies in its service period?
    pub fn serves_on(&self, c: usize, day: NaiveDate) -> bool {
        let offset = day.year() - self.inst.first_year;
        (0..=1).contains(&offset)
            && self.inst.cadres[c].active_years.contains(&(offset as u8 + 1))
            && self.in_period(c, day)
    }

    /// Is the cadre active in plan year `y` and serving every window month of it?
    pub fn serves_whole_year(&self, c: usize, y: usize) -> bool {
        self.inst.cadres[c].active_years.contains(&(y as u8 + 1)) && self.window().all(|m| self.serves_month(c, y, m))
    }

    /// Has the cadre marked month `m` of plan year `y` unavailable?
    pub fn is_unavailable(&self, c: usize, y: usize, m: u32) -> bool {
        self.unavailable[c].contains(&(y, m))
    }

    /// Window months of year `y` in which the cadre may be on a block: served, not
    /// unavailable, not barred by a lock (P8 counts as unavailable).
    pub fn available_months(&self, c: usize, y: usize) -> Vec<u32> {
        self.window()
            .filter(|&m| {
                self.serves_month(c, y, m) && !self.is_unavailable(c, y, m) && !self.locks.month_barred(c, y, m)
            })
            .collect()
    }

    /// May cadre `c` lead county `k`'s group: senior, and no P4 lock bars it?
    pub fn may_lead(&self, c: usize, k: usize) -> bool {
        self.inst.cadres[c].senior && !self.locks.no_lead[c].contains(&k)
    }

    /// H8 (v1.1): the exact number of block months of the cadre in plan year `y`. None in a
    /// year it is not active; in a year it serves whole, its mode's blocks (or fewer, when
    /// `blocks_owed` says it owes fewer that year); in a year it serves in part, the least
    /// of what it owes and the available months it serves.
    pub fn block_count(&self, c: usize, y: usize) -> u32 {
        if !self.active(c, y) {
            return 0;
        }
        let mode = self.mode_blocks(c);
        let owed = match self.inst.cadres[c].blocks_owed.get(&self.year(y)) {
            Some(&o) if o < mode => o,
            _ => mode,
        };
        if self.serves_whole_year(c, y) {
            owed
        } else {
            owed.min(self.available_months(c, y).len() as u32)
        }
    }

    /// H9: cadres of department `d` in blocks or mixed mode active in year `y`.
    pub fn department_size(&self, d: usize, y: usize) -> u32 {
        self.sizes[d][y]
    }

    /// H9 alone: the most of department `d` on a block in one month of year `y`:
    /// max(1, ⌈share × size⌉), the ceiling taken with a 1e-9 tolerance (0.1 × 30 is 3).
    pub fn h9_cap(&self, d: usize, y: usize) -> u32 {
        let share = self.inst.parameters.max_department_away_share;
        let exact = share * self.department_size(d, y) as f64;
        ((exact - 1e-9).ceil() as i64).max(1) as u32
    }

    /// H9 alone in `month` of year `y`: the department's quota that month where the instance
    /// (a city's sub-instance) gives one, else its share cap.
    pub fn h9_cap_in(&self, d: usize, y: usize, month: u32) -> u32 {
        self.department_quota(d, y, month).unwrap_or_else(|| self.h9_cap(d, y))
    }

    /// F3: block months of department `d` in year `y`, its cadres' H8 counts added up.
    pub fn department_blocks(&self, d: usize, y: usize) -> u32 {
        self.dept_blocks[d][y]
    }

    /// F3 (with `balance_departments`): the most of department `d` on a block in one month of
    /// year `y` when its block months are spread evenly: max(1, ⌈blocks ÷ window months⌉).
    pub fn balance_cap(&self, d: usize, y: usize) -> Option<u32> {
        if !self.inst.parameters.fairness.balance_departments {
            return None;
        }
        let per_month = self.department_blocks(d, y) as f64 / self.window().count() as f64;
        Some((per_month.ceil() as u32).max(1))
    }

    /// The monthly cap in force for department `d` in year `y`: H9's, or F3's when lower.
    pub fn department_cap(&self, d: usize, y: usize) -> u32 {
        let h9 = self.h9_cap(d, y);
        self.balance_cap(d, y).map_or(h9, |f3| f3.min(h9))
    }

    /// The cap in force in `month` of year `y`: H9's there (its quota, or its share cap), or
    /// F3's when lower.
    pub fn department_cap_in(&self, d: usize, y: usize, month: u32) -> u32 {
        let h9 = self.h9_cap_in(d, y, month);
        self.balance_cap(d, y).map_or(h9, |f3| f3.min(h9))
    }

    /// H9 quota of department `d` in `month` of year `y`, when the instance gives one.
    pub fn department_quota(&self, d: usize, y: usize, month: u32) -> Option<u32> {
        self.quotas.get(&(d, y, month)).copied()
    }

    /// First and last day of plan year `y`'s on-site window.
    pub fn window_span(&self, y: usize) -> (NaiveDate, NaiveDate) {
        let p = &self.inst.parameters;
        (month_span(self.year(y), p.window_first_month).0, month_span(self.year(y), p.window_last_month).1)
    }

    /// The days on which the make-up of a set of cadres can change: each window's first day,
    /// and each first day of service or day of leaving of theirs that falls inside a window.
    pub fn stretch_days(&self, cadres: impl IntoIterator<Item = usize>) -> Vec<NaiveDate> {
        let spans = [self.window_span(0), self.window_span(1)];
        let mut days = vec![spans[0].0, spans[1].0];
        for c in cadres {
            let cadre = &self.inst.cadres[c];
            for day in [cadre.from, cadre.until].into_iter().flatten() {
                if spans.iter().any(|&(first, last)| first < day && day <= last) {
                    days.push(day);
                }
            }
        }
        days.sort();
        days.dedup();
        days
    }

    /// Does `day` fall inside one of the two on-site windows?
    pub fn in_window(&self, day: NaiveDate) -> bool {
        (0..2).any(|y| {
            let (first, last) = self.window_span(y);
            first <= day && day <= last
        })
    }

    /// §4: road km from the cadre's base to county `k`'s seat.
    pub fn road_km(&self, c: usize, k: usize) -> f64 {
        great_circle_km(self.inst.cadres[c].base, self.inst.region.counties[k].seat) * self.inst.parameters.road_factor
    }

    /// §4: round trips over both years. A year served whole: trips_per_month per block
    /// month, and for weekly and mixed modes one trip per planned week (weeks_per_year −
    /// 4.3 × block months). A year served in part: trips_per_month per block month of that
    /// year, and max(0, weeks_per_year × share of window months served − 4.3 × them).
    pub fn round_trips(&self, c: usize) -> f64 {
        self.trips[c]
    }

    fn trips_of(&self, c: usize) -> f64 {
        let p = &self.inst.parameters;
        let weekly = self.mode(c) != Mode::Blocks;
        let mut trips = 0.0;
        for y in 0..2 {
            if !self.active(c, y) {
                continue;
            }
            let blocks = self.block_count(c, y);
            let block_trips = (blocks * p.trips_per_month) as f64;
            let weeks = if !weekly {
                0.0
            } else if self.serves_whole_year(c, y) {
                p.weeks_per_year - 4.3 * blocks as f64
            } else {
                let served = self.window().filter(|&m| self.serves_month(c, y, m)).count() as f64;
                let share = served / self.window().count() as f64;
                (p.weeks_per_year * share - 4.3 * blocks as f64).max(0.0)
            };
            trips += block_trips + weeks;
        }
        trips
    }

    /// §4: two-year travel cost in county `k`: round trips × 2 × road km × fare.
    pub fn travel(&self, c: usize, k: usize) -> f64 {
        self.round_trips(c) * 2.0 * self.road_km(c, k) * self.inst.parameters.fare_per_km
    }

    /// S1: the cadre listed preferred counties and `k` is none of them.
    pub fn misses_preference(&self, c: usize, k: usize) -> bool {
        let prefs = &self.inst.cadres[c].preferred_counties;
        !prefs.is_empty() && !prefs.iter().any(|code| self.county_index.get(code.as_str()) == Some(&k))
    }

    /// S1: `k` is the cadre's previous county.
    pub fn is_previous(&self, c: usize, k: usize) -> bool {
        self.inst.cadres[c].previous_county.as_deref().and_then(|code| self.county_index.get(code)) == Some(&k)
    }

    /// S1: travel + preference_penalty × miss − continuity_bonus × previous, in county `k`.
    pub fn s1_coefficient(&self, c: usize, k: usize) -> f64 {
        let p = &self.inst.parameters;
        let mut v = self.travel(c, k);
        if self.misses_preference(c, k) {
            v += p.preference_penalty;
        }
        if self.is_previous(c, k) {
            v -= p.continuity_bonus;
        }
        v
    }

    /// S2: |strengths ∩ needs| of the cadre on township `t` (tags counted once).
    pub fn matches(&self, c: usize, t: usize) -> usize {
        let needs = &self.needs[t];
        let distinct: std::collections::HashSet<&str> =
            self.inst.cadres[c].strengths.iter().map(String::as_str).collect();
        distinct.iter().filter(|s| needs.contains(*s)).count()
    }
}

/// The planner's locks (P1–P9) as the proofs and the lock checks read them: codes resolved to
/// indices, per cadre. Locks that name nothing known are left out here: the instance's own
/// validation refuses them.
#[derive(Debug, Clone, Default)]
pub struct LockReading {
    /// P1, P3, P5: the county a lock places the cadre in.
    pub placed: Vec<Option<usize>>,
    /// P2: counties barred to the cadre.
    pub barred: Vec<Vec<usize>>,
    /// P3: the cadre locked to lead each county.
    pub leader: Vec<Option<usize>>,
    /// P4: counties the cadre may not lead.
    pub no_lead: Vec<Vec<usize>>,
    /// P5: the township locked per plan year.
    pub township: Vec<[Option<usize>; 2]>,
    /// P6: townships barred per plan year.
    pub not_township: Vec<[Vec<usize>; 2]>,
    /// P7: (plan year, month) on a block.
    pub months: Vec<Vec<(usize, u32)>>,
    /// P8: (plan year, month) barred.
    pub not_months: Vec<Vec<(usize, u32)>>,
    /// P9: the locked weekday.
    pub weekday: Vec<Option<chrono::Weekday>>,
    /// Per county: P5-locked cadre-years beyond the distinct townships they lock (each
    /// township needs only one, so H7 needs these on top of one cadre-year per township).
    pub waste: Vec<u32>,
}

impl LockReading {
    fn new(rules: &Rules) -> LockReading {
        let inst = rules.inst;
        let (nc, nk) = (inst.cadres.len(), inst.region.counties.len());
        let mut l = LockReading {
            placed: vec![None; nc],
            barred: vec![Vec::new(); nc],
            leader: vec![None; nk],
            no_lead: vec![Vec::new(); nc],
            township: vec![[None, None]; nc],
            not_township: vec![[Vec::new(), Vec::new()]; nc],
            months: vec![Vec::new(); nc],
            not_months: vec![Vec::new(); nc],
            weekday: vec![None; nc],
            waste: vec![0; nk],
        };
        let plan_year = |y: Option<i32>| -> Option<usize> {
            let y = usize::try_from(y? - inst.first_year).ok()?;
            (y < 2).then_some(y)
        };
        for lock in &inst.locks {
            let Some(&c) = rules.cadre_index.get(lock.cadre.as_str()) else { continue };
            let county = lock.county.as_deref().and_then(|k| rules.county_index.get(k).copied());
            let town = lock.township.as_deref().and_then(|t| rules.township_index.get(t).copied());
            match lock.kind {
                LockKind::County => l.placed[c] = county.or(l.placed[c]),
                LockKind::NotCounty => l.barred[c].extend(county),
                LockKind::Leader => {
                    l.placed[c] = county.or(l.placed[c]);
                    if let Some(k) = county {
                        l.leader[k] = Some(c);
                    }
                }
                LockKind::NotLeader => l.no_lead[c].extend(county),
                LockKind::Township => {
                    if let (Some(t), Some(y)) = (town, plan_year(lock.year)) {
                        l.township[c][y] = Some(t);
                        l.placed[c] = rules.county_index.get(inst.region.townships[t].county.as_str()).copied();
                    }
                }
                LockKind::NotTownship => {
                    if let (Some(t), Some(y)) = (town, plan_year(lock.year)) {
                        l.not_township[c][y].push(t);
                    }
                }
                LockKind::Months | LockKind::NotMonths => {
                    for m in &lock.months {
                        let Some((year, month)) = year_month(m) else { continue };
                        let Some(y) = plan_year(Some(year)) else { continue };
                        if lock.kind == LockKind::Months {
                            l.months[c].push((y, month));
                        } else {
                            l.not_months[c].push((y, month));
                        }
                    }
                }
                LockKind::Weekday => l.weekday[c] = lock.weekday,
            }
        }
        for k in 0..nk {
            let mut towns = Vec::new();
            let mut years = 0u32;
            for c in 0..nc {
                for t in l.township[c].iter().flatten() {
                    if rules.county_index.get(inst.region.townships[*t].county.as_str()) == Some(&k) {
                        years += 1;
                        if !towns.contains(t) {
                            towns.push(*t);
                        }
                    }
                }
            }
            l.waste[k] = years - towns.len() as u32;
        }
        l
    }

    /// Is month `m` of plan year `y` barred to cadre `c` (P8)?
    pub fn month_barred(&self, c: usize, y: usize, m: u32) -> bool {
        self.not_months.get(c).is_some_and(|l| l.contains(&(y, m)))
    }

    /// Is month `m` of plan year `y` locked on a block for cadre `c` (P7)?
    pub fn month_locked(&self, c: usize, y: usize, m: u32) -> bool {
        self.months.get(c).is_some_and(|l| l.contains(&(y, m)))
    }

    /// May cadre `c` cover township `t` in plan year `y` by its locks (P5, P6)?
    pub fn township_open(&self, c: usize, y: usize, t: usize) -> bool {
        self.township[c][y].is_none_or(|l| l == t) && !self.not_township[c][y].contains(&t)
    }
}
