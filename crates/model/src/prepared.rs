//! A validated instance with the indices and rule definitions both the solver
//! and the checker use: eligibility (H2, narrowed by the fair-burden options F1 and F2),
//! blocks (H8), department caps (H9, narrowed by F3), availability and the S1 cost
//! coefficients.

use std::collections::HashMap;

use chrono::Datelike;

use crate::geo::haversine_km;
use crate::validate::parse_month;
use crate::{cost, InputError, Instance, Level, Mode};

/// Plan-year index: 0 for the first year, 1 for the second.
pub type YearIdx = usize;

/// A validated instance with lookup tables. Indices are positions in the
/// instance's own vectors (`region.counties`, `region.townships`, `cadres`).
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The instance itself.
    pub inst: &'a Instance,
    /// County code → index.
    pub county_index: HashMap<&'a str, usize>,
    /// Township code → index.
    pub township_index: HashMap<&'a str, usize>,
    /// Cadre id → index.
    pub cadre_index: HashMap<&'a str, usize>,
    /// City code → index.
    pub city_index: HashMap<&'a str, usize>,
    /// Township indices of each county, in instance order.
    pub townships_of: Vec<Vec<usize>>,
    /// City index of each county.
    pub county_city: Vec<usize>,
    /// H2: eligible county indices of each cadre, ascending; narrowed by the fair-burden
    /// options F1 and F2 and by the planner's locks.
    pub eligible: Vec<Vec<usize>>,
    /// F1, F2: per cadre, the H2-eligible counties the fair-burden options bar, ascending, each
    /// with the rule that bars it ("F1" or "F2"). Empty when the options are off.
    pub fair_barred: Vec<Vec<(usize, &'static str)>>,
    /// Department names (unit or unit/department), H9; departments are told apart by
    /// (unit, department), so a unit named "A/B" is not department B of unit A.
    pub departments: Vec<String>,
    /// Department index of each cadre.
    pub department_of: Vec<usize>,
    /// Per cadre and plan year: bitmask of unavailable calendar months (bit m for month m).
    pub unavailable: Vec<[u16; 2]>,
    /// Extra monthly places per department on top of its H9 cap (0 unless a what-if adds some).
    pub extra_cap: Vec<u32>,
    /// H9 quotas of a city's sub-instance: (department, plan year, month) → most away,
    /// replacing the cap that month (`Instance::department_quotas`).
    pub quotas: HashMap<(usize, YearIdx, u32), u32>,
    /// Round trips of each cadre over both years (§4), computed once.
    trips: Vec<f64>,
    /// Each cadre's strength tags and each township's need tags, as sorted distinct numbers
    /// (S2 counts matches by merging them: linear in the tags).
    strength_tags: Vec<Vec<u32>>,
    need_tags: Vec<Vec<u32>>,
    /// H9 sizes of each department in each plan year.
    department_sizes: Vec<[u32; 2]>,
    /// F3: block months of each department in each plan year (Σ of its cadres' exact H8 counts).
    department_blocks: Vec<[u32; 2]>,
    /// The planner's locks and bans (P1–P9), resolved. Their counties are already applied to
    /// `eligible` and their barred months to `unavailable`.
    pub locks: crate::LockTable,
}

impl<'a> Prepared<'a> {
    /// Validate `inst` and build the lookup tables.
    pub fn new(inst: &'a Instance) -> Result<Prepared<'a>, InputError> {
        inst.validate()?;
        let r = &inst.region;
        let city_index: HashMap<&str, usize> = r.cities.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect();
        let county_index: HashMap<&str, usize> =
            r.counties.iter().enumerate().map(|(i, c)| (c.code.as_str(), i)).collect();
        let township_index = r.townships.iter().enumerate().map(|(i, t)| (t.code.as_str(), i)).collect();
        let cadre_index = inst.cadres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let mut townships_of = vec![Vec::new(); r.counties.len()];
        for (i, t) in r.townships.iter().enumerate() {
            townships_of[county_index[t.county.as_str()]].push(i);
        }
        let county_city = r.counties.iter().map(|k| city_index[k.city.as_str()]).collect();
        let mut dept_ids: HashMap<(&str, Option<&str>), usize> = HashMap::new();
        let mut departments = Vec::new();
        let mut department_of = Vec::with_capacity(inst.cadres.len());
        let mut unavailable = Vec::with_capacity(inst.cadres.len());
        for c in &inst.cadres {
            let d = *dept_ids.entry((c.unit.as_str(), c.department.as_deref())).or_insert_with(|| {
                departments.push(c.department_key());
                departments.len() - 1
            });
            department_of.push(d);
            let mut mask = [0u16; 2];
            for m in &c.unavailable_months {
                let (y, mm) = parse_month(m).expect("validated");
                mask[(y - inst.first_year) as usize] |= 1 << mm;
            }
            unavailable.push(mask);
        }
        let n_departments = departments.len();
        let quotas = inst
            .department_quotas
            .iter()
            .filter_map(|q| {
                let d = *dept_ids.get(&(q.unit.as_str(), q.department.as_deref()))?;
                let (y, m) = parse_month(&q.month)?;
                Some(((d, (y - inst.first_year) as usize, m), q.max))
            })
            .collect();
        let mut p = Prepared {
            inst,
            county_index,
            township_index,
            cadre_index,
            city_index,
            townships_of,
            county_city,
            eligible: Vec::new(),
            fair_barred: vec![Vec::new(); inst.cadres.len()],
            departments,
            extra_cap: vec![0; n_departments],
            quotas,
            department_of,
            unavailable,
            trips: Vec::new(),
            strength_tags: Vec::new(),
            need_tags: Vec::new(),
            department_sizes: Vec::new(),
            department_blocks: Vec::new(),
            locks: crate::LockTable::default(),
        };
        let mut counties_of_city: HashMap<&str, Vec<usize>> = HashMap::new();
        for (k, county) in r.counties.iter().enumerate() {
            counties_of_city.entry(county.city.as_str()).or_default().push(k);
        }
        p.eligible = (0..inst.cadres.len()).map(|c| p.compute_eligible(c, &counties_of_city)).collect();
        let mut sizes = vec![[0u32; 2]; n_departments];
        for c in 0..inst.cadres.len() {
            for (y, size) in sizes[p.department_of[c]].iter_mut().enumerate() {
                if p.active(c, y) && matches!(inst.cadres[c].mode(), Mode::Blocks | Mode::Mixed) {
                    *size += 1;
                }
            }
        }
        p.department_sizes = sizes;
        let fair = &inst.parameters.fairness;
        // F1 and F2 read H2 alone (not the locks): keep it while the locks narrow `eligible`.
        let h2 = (fair.max_travel_km.is_some() || fair.rotate_km.is_some()).then(|| p.eligible.clone());
        // The locks' P8 bans change the block counts of part-served years, hence F3's caps
        // (`count_department_blocks`, called by the lock resolution once they apply).
        let problems = crate::locks::resolve(&mut p);
        if !problems.is_empty() {
            return Err(InputError::Invalid { what: "instance", problems });
        }
        p.trips = (0..inst.cadres.len()).map(|c| p.compute_round_trips(c)).collect();
        if let Some(h2) = h2 {
            let problems = p.apply_fairness(&h2);
            if !problems.is_empty() {
                return Err(InputError::Invalid { what: "instance", problems });
            }
        }
        let mut tags: HashMap<&str, u32> = HashMap::new();
        let mut intern = |list: &'a [String]| -> Vec<u32> {
            let mut ids: Vec<u32> = list
                .iter()
                .map(|t| {
                    let next = tags.len() as u32;
                    *tags.entry(t.as_str()).or_insert(next)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        p.strength_tags = inst.cadres.iter().map(|c| intern(&c.strengths)).collect();
        p.need_tags = r.townships.iter().map(|t| intern(&t.needs)).collect();
        Ok(p)
    }

    /// Number of counties.
    pub fn n_counties(&self) -> usize {
        self.inst.region.counties.len()
    }

    /// Number of cadres.
    pub fn n_cadres(&self) -> usize {
        self.inst.cadres.len()
    }

    fn compute_eligible(&self, c: usize, counties_of_city: &HashMap<&str, Vec<usize>>) -> Vec<usize> {
        let cadre = &self.inst.cadres[c];
        let counties = &self.inst.region.counties;
        match cadre.level {
            Level::County => vec![self.county_index[cadre.home_county.as_deref().expect("validated")]],
            Level::City => {
                let city = cadre.home_city.as_deref().expect("validated");
                counties_of_city.get(city).cloned().unwrap_or_default()
            }
            Level::Province => (0..counties.len()).collect(),
            Level::University | Level::Enterprise => {
                let near: Vec<usize> = (0..counties.len())
                    .filter(|&k| haversine_km(cadre.base, counties[k].seat) <= self.inst.parameters.nearby_km)
                    .collect();
                if near.is_empty() {
                    let nearest = (0..counties.len())
                        .min_by(|&a, &b| {
                            haversine_km(cadre.base, counties[a].seat)
                                .total_cmp(&haversine_km(cadre.base, counties[b].seat))
                        })
                        .expect("validated: there is at least one county");
                    vec![nearest]
                } else {
                    near
                }
            }
        }
    }

    /// F1: cadre `c`'s two-year travel distance if placed in county `k`: its round trips over
    /// both years (§4) × 2 × road km.
    pub fn travel_km(&self, c: usize, k: usize) -> f64 {
        self.round_trips(c) * 2.0 * self.road_km(c, k)
    }

    /// F1 and F2 applied to cadre `c`'s H2 counties `h2` (ascending): the counties within the
    /// travel cap (F1), and of those, for a cadre whose previous county lies beyond `rotate_km`,
    /// the ones within `rotate_km`, or when there are none the nearest (F2). Each county left
    /// out comes back with the rule that bars it.
    pub fn fair_counties(&self, c: usize, h2: &[usize]) -> (Vec<usize>, Vec<(usize, &'static str)>) {
        let fair = &self.inst.parameters.fairness;
        let mut barred = Vec::new();
        let mut kept: Vec<usize> = match fair.max_travel_km {
            Some(cap) => h2
                .iter()
                .copied()
                .filter(|&k| {
                    let ok = self.travel_km(c, k) <= cap;
                    if !ok {
                        barred.push((k, "F1"));
                    }
                    ok
                })
                .collect(),
            None => h2.to_vec(),
        };
        if let (Some(r), Some(prev)) = (fair.rotate_km, self.inst.cadres[c].previous_county.as_deref()) {
            if self.road_km(c, self.county_index[prev]) > r && !kept.is_empty() {
                let near: Vec<usize> = kept.iter().copied().filter(|&k| self.road_km(c, k) <= r).collect();
                let allowed = if near.is_empty() {
                    let least = kept.iter().map(|&k| self.road_km(c, k)).fold(f64::INFINITY, f64::min);
                    kept.iter().copied().filter(|&k| self.road_km(c, k) == least).collect()
                } else {
                    near
                };
                barred.extend(kept.iter().filter(|k| allowed.binary_search(k).is_err()).map(|&k| (k, "F2")));
                kept = allowed;
            }
        }
        barred.sort_unstable();
        (kept, barred)
    }

    /// Narrow `eligible` (H2 and the locks) by F1 and F2, given each cadre's H2 counties: the
    /// problems of a travel cap that H2 makes impossible for some cadre, and of locks that
    /// place a cadre where F1 or F2 bars it or bar every county they leave it.
    fn apply_fairness(&mut self, h2: &[Vec<usize>]) -> Vec<crate::Problem> {
        let inst = self.inst;
        let mut problems = Vec::new();
        // Cadres without a county within the cap: (index, least km H2 allows).
        let mut stranded: Vec<(usize, f64)> = Vec::new();
        for (c, h2c) in h2.iter().enumerate() {
            let (fair, barred) = self.fair_counties(c, h2c);
            if fair.is_empty() {
                let least = h2c.iter().map(|&k| self.travel_km(c, k)).fold(f64::INFINITY, f64::min);
                stranded.push((c, least));
                continue;
            }
            let narrowed: Vec<usize> =
                self.eligible[c].iter().copied().filter(|k| fair.binary_search(k).is_ok()).collect();
            if narrowed.is_empty() {
                problems.push(self.lock_against_fairness(c, &barred));
                continue;
            }
            self.eligible[c] = narrowed;
            self.fair_barred[c] = barred;
        }
        if !stranded.is_empty() {
            let cap = inst.parameters.fairness.max_travel_km.unwrap_or_default();
            let km = |x: f64| format!("{:.1}", (x * 10.0).ceil() / 10.0);
            let need = stranded.iter().map(|&(_, x)| x).fold(0.0, f64::max);
            // The first few cadres by name, each with its least km, and how many more.
            const NAMED: usize = 5;
            let mut named: Vec<crate::Msg> = stranded
                .iter()
                .take(NAMED)
                .map(|&(c, least)| {
                    crate::Msg::new("fairness.cadre_least")
                        .arg("cadre", &inst.cadres[c].id)
                        .arg("name", &inst.cadres[c].name)
                        .arg("km", km(least))
                })
                .collect();
            if stranded.len() > NAMED {
                named.push(crate::Msg::new("fairness.more").arg("count", stranded.len() - NAMED));
            }
            let list = named
                .into_iter()
                .rev()
                .reduce(|rest, first| crate::Msg::new("fairness.and").arg_msg("first", first).arg_msg("rest", rest))
                .expect("at least one cadre");
            problems.insert(
                0,
                crate::Problem::new(
                    "parameters.fairness.max_travel_km",
                    crate::Msg::new("fairness.cap_below_h2")
                        .arg("cap", km(cap))
                        .arg("count", stranded.len())
                        .arg_msg("cadres", list)
                        .arg("need", km(need)),
                ),
            );
        }
        problems
    }

    /// The problem of a cadre whose locks leave it no county F1 and F2 allow: the lock that
    /// places it (P1, P3, P5) where they bar it, or else its first ban (P2).
    fn lock_against_fairness(&self, c: usize, barred: &[(usize, &'static str)]) -> crate::Problem {
        use crate::LockKind;
        let inst = self.inst;
        let cadre = &inst.cadres[c].id;
        let locks = &self.locks.of_cadre[c];
        let placing = locks
            .iter()
            .copied()
            .find(|&i| matches!(inst.locks[i].kind, LockKind::County | LockKind::Leader | LockKind::Township));
        match placing {
            Some(i) => {
                let lock = &inst.locks[i];
                let k = match lock.kind {
                    LockKind::Township => {
                        let t = self.township_index[lock.township.as_deref().expect("field-checked")];
                        self.county_index[inst.region.townships[t].county.as_str()]
                    }
                    _ => self.county_index[lock.county.as_deref().expect("field-checked")],
                };
                let county = &inst.region.counties[k];
                let rule = barred.iter().find(|(b, _)| *b == k).map_or("F1", |(_, r)| *r);
                let field = if lock.kind == LockKind::Township { "township" } else { "county" };
                crate::Problem::new(
                    format!("locks[{i}].{field}"),
                    crate::Msg::new("lock.breaks_fairness")
                        .arg("cadre", cadre)
                        .arg("county", format!("{} {}", county.code, county.name))
                        .arg("rule", rule),
                )
            }
            None => {
                let i = locks
                    .iter()
                    .copied()
                    .find(|&i| inst.locks[i].kind == LockKind::NotCounty)
                    .expect("only a placing lock or a ban narrows the counties");
                crate::Problem::new(
                    format!("locks[{i}]"),
                    crate::Msg::new("lock.banned_everywhere_fair").arg("cadre", cadre),
                )
            }
        }
    }

    /// Is county `k` eligible for cadre `c` (H2)?
    pub fn is_eligible(&self, c: usize, k: usize) -> bool {
        self.eligible[c].binary_search(&k).is_ok()
    }

    /// Is cadre `c` active in plan year `y`: one of its `active_years`, and its service
    /// period reaches a window month of that year?
    pub fn active(&self, c: usize, y: YearIdx) -> bool {
        self.inst.cadres[c].active_in(y as u8 + 1)
            && self.inst.parameters.window_months().any(|m| self.serves_month(c, y, m))
    }

    /// Does cadre `c` serve in calendar month `m` of plan year `y`? A month is served when
    /// its first day lies in the service period [`from`, `until`); without a service
    /// period every month is.
    pub fn serves_month(&self, c: usize, y: YearIdx, m: u32) -> bool {
        let cadre = &self.inst.cadres[c];
        (cadre.from.is_none() && cadre.until.is_none()) || cadre.in_period(cost::month_days(self.inst.year(y), m).0)
    }

    /// Is cadre `c` in service on day `d` (H3, H4 "at every date")? The day's calendar year
    /// is one of its active plan years and the day lies in its service period.
    pub fn serves_on(&self, c: usize, d: chrono::NaiveDate) -> bool {
        let cadre = &self.inst.cadres[c];
        let y = d.year() - self.inst.first_year;
        (y == 0 || y == 1) && cadre.active_in(y as u8 + 1) && cadre.in_period(d)
    }

    /// Is cadre `c` active in plan year `y` and serving every window month of it?
    pub fn serves_whole_year(&self, c: usize, y: YearIdx) -> bool {
        self.inst.cadres[c].active_in(y as u8 + 1)
            && self.inst.parameters.window_months().all(|m| self.serves_month(c, y, m))
    }

    /// H8: the least and most block months of cadre `c` in plan year `y` (equal: the count
    /// is exact). A year served whole: its mode's blocks (or what it still owes, after a
    /// re-plan). A year served only in part (it joins or leaves in it, §7):
    /// min(owed, available months it serves), owed being its blocks unless `blocks_owed`
    /// says otherwise (a successor's remaining blocks, a leaver's blocks taken).
    pub fn block_range(&self, c: usize, y: YearIdx) -> (u32, u32) {
        if !self.active(c, y) {
            return (0, 0);
        }
        let owed = self.owed_blocks(c, y);
        if self.serves_whole_year(c, y) {
            return (owed, owed);
        }
        let n = owed.min(self.available_months(c, y).len() as u32);
        (n, n)
    }

    /// The blocks cadre `c` owes in plan year `y` before availability is counted: its
    /// mode's number, or its `blocks_owed` entry for that calendar year (at most that).
    pub fn owed_blocks(&self, c: usize, y: YearIdx) -> u32 {
        let b = self.blocks(c);
        self.inst.cadres[c].blocks_owed.get(&self.inst.year(y)).map_or(b, |&o| o.min(b))
    }

    /// First day of the plan's first on-site window.
    pub fn plan_start(&self) -> chrono::NaiveDate {
        self.window_start(0)
    }

    /// Last day of the plan's second on-site window.
    pub fn plan_end(&self) -> chrono::NaiveDate {
        self.window_end(1)
    }

    /// First day of plan year `y`'s on-site window.
    pub fn window_start(&self, y: YearIdx) -> chrono::NaiveDate {
        cost::month_days(self.inst.year(y), self.inst.parameters.window_first_month).0
    }

    /// Last day of plan year `y`'s on-site window.
    pub fn window_end(&self, y: YearIdx) -> chrono::NaiveDate {
        cost::month_days(self.inst.year(y), self.inst.parameters.window_last_month).1
    }

    /// The days on which the make-up of a set of cadres can change (H3, H4): the first day
    /// of each year's window, and every first day of service and day of leaving of theirs
    /// that falls inside a window. Between two such days every cadre serves throughout or
    /// not at all.
    pub fn stretch_starts(&self, cadres: impl IntoIterator<Item = usize>) -> Vec<chrono::NaiveDate> {
        let windows = [(self.window_start(0), self.window_end(0)), (self.window_start(1), self.window_end(1))];
        let mut days = vec![windows[0].0, windows[1].0];
        for c in cadres {
            let cadre = &self.inst.cadres[c];
            days.extend(
                [cadre.from, cadre.until]
                    .into_iter()
                    .flatten()
                    .filter(|d| windows.iter().any(|(start, end)| d > start && d <= end)),
            );
        }
        days.sort_unstable();
        days.dedup();
        days
    }

    /// Share of plan year `y`'s window months that cadre `c` serves.
    pub fn served_share(&self, c: usize, y: YearIdx) -> f64 {
        let p = &self.inst.parameters;
        p.window_months().filter(|&m| self.serves_month(c, y, m)).count() as f64 / p.window_len() as f64
    }

    /// Number of active plan years of cadre `c`.
    pub fn active_years(&self, c: usize) -> u32 {
        (0..2).filter(|&y| self.active(c, y)).count() as u32
    }

    /// Block months per active year of cadre `c` by its mode (§2, H8).
    pub fn blocks(&self, c: usize) -> u32 {
        let p = &self.inst.parameters;
        match self.inst.cadres[c].mode() {
            Mode::Blocks => p.blocks_per_year,
            Mode::Mixed => p.mixed_blocks_per_year,
            Mode::Weekly => 0,
        }
    }

    /// Does cadre `c` need a weekday (H10)?
    pub fn has_weekday(&self, c: usize) -> bool {
        matches!(self.inst.cadres[c].mode(), Mode::Weekly | Mode::Mixed)
    }

    /// Window months (calendar month numbers) in which cadre `c` may be on a block in year `y`.
    pub fn available_months(&self, c: usize, y: YearIdx) -> Vec<u32> {
        self.inst
            .parameters
            .window_months()
            .filter(|&m| self.unavailable[c][y] & (1 << m) == 0 && self.serves_month(c, y, m))
            .collect()
    }

    /// Cadres of department `d` that count towards its size in year `y` (H9):
    /// blocks- and mixed-mode cadres active that year.
    pub fn department_size(&self, d: usize, y: YearIdx) -> u32 {
        self.department_sizes[d][y]
    }

    /// H9 monthly cap of department `d` in year `y`: max(1, ceil(share × size)), narrowed by
    /// F3's even spread when `balance_departments` is on; plus any what-if places.
    pub fn department_cap(&self, d: usize, y: YearIdx) -> u32 {
        let h9 = department_cap(self.inst.parameters.max_department_away_share, self.department_size(d, y));
        self.balanced(d, y, h9) + self.extra_cap[d]
    }

    /// H9 cap of department `d` in `month` of year `y`: its quota that month when the
    /// instance gives one, else the share cap (both narrowed by F3 when it is on, see
    /// [`Prepared::department_cap`]); plus any what-if places.
    pub fn department_cap_in(&self, d: usize, y: YearIdx, month: u32) -> u32 {
        match self.quotas.get(&(d, y, month)) {
            Some(&q) => self.balanced(d, y, q) + self.extra_cap[d],
            None => self.department_cap(d, y),
        }
    }

    /// F3: block months of department `d` in year `y` (its cadres' exact H8 counts, summed).
    pub fn department_blocks(&self, d: usize, y: YearIdx) -> u32 {
        self.department_blocks[d][y]
    }

    /// F3's cap of department `d` in year `y`, when `balance_departments` is on:
    /// max(1, ⌈its block months ÷ the window's months⌉).
    pub fn balance_cap(&self, d: usize, y: YearIdx) -> Option<u32> {
        let p = &self.inst.parameters;
        p.fairness
            .balance_departments
            .then(|| crate::params::Fairness::balance_cap(self.department_blocks(d, y), p.window_len()))
    }

    /// `cap` narrowed by F3 for department `d` in year `y`.
    fn balanced(&self, d: usize, y: YearIdx, cap: u32) -> u32 {
        self.balance_cap(d, y).map_or(cap, |b| b.min(cap))
    }

    /// Count each department's block months per year (F3), from the exact H8 counts as the
    /// availability now stands (the lock resolution calls it once the P8 bans apply).
    pub(crate) fn count_department_blocks(&mut self) {
        let mut blocks = vec![[0u32; 2]; self.departments.len()];
        for c in 0..self.n_cadres() {
            for (y, b) in blocks[self.department_of[c]].iter_mut().enumerate() {
                *b += self.block_range(c, y).0;
            }
        }
        self.department_blocks = blocks;
    }

    /// A copy in which cadre `c` may serve only in `counties` (kept only where H2 allows),
    /// for what-if questions ("what if P017 went to 370781?").
    pub fn restrict(&self, c: usize, counties: &[usize]) -> Prepared<'a> {
        let mut p = self.clone();
        p.eligible[c].retain(|k| counties.contains(k));
        p
    }

    /// A copy in which cadre `c` may not serve in county `k`.
    pub fn forbid(&self, c: usize, k: usize) -> Prepared<'a> {
        let mut p = self.clone();
        p.eligible[c].retain(|&x| x != k);
        p
    }

    /// A copy in which department `d` may have `extra` more cadres away each month than H9 allows.
    pub fn with_extra_cap(&self, d: usize, extra: u32) -> Prepared<'a> {
        let mut p = self.clone();
        p.extra_cap[d] += extra;
        p
    }

    /// Road km from cadre `c`'s base to county `k`'s seat (§4).
    pub fn road_km(&self, c: usize, k: usize) -> f64 {
        haversine_km(self.inst.cadres[c].base, self.inst.region.counties[k].seat) * self.inst.parameters.road_factor
    }

    /// Round trips of cadre `c` over both years (§4); independent of county and months.
    /// A year served whole: its blocks × trips_per_month, plus for weekly and mixed modes
    /// one trip per planned week (weeks_per_year − 4.3 × blocks). A year served only in
    /// part: its exact blocks that year × trips_per_month, plus
    /// max(0, weeks_per_year × share of window months served − 4.3 × those blocks).
    pub fn round_trips(&self, c: usize) -> f64 {
        self.trips[c]
    }

    fn compute_round_trips(&self, c: usize) -> f64 {
        let p = &self.inst.parameters;
        let mode = self.inst.cadres[c].mode();
        (0..2)
            .filter(|&y| self.active(c, y))
            .map(|y| {
                let blocks = self.block_range(c, y).0;
                if self.serves_whole_year(c, y) {
                    cost::round_trips_per_year(p, mode, blocks)
                } else {
                    cost::round_trips_part_year(p, mode, blocks, self.served_share(c, y))
                }
            })
            .sum()
    }

    /// Two-year travel cost of cadre `c` if placed in county `k` (§4).
    pub fn travel_cost(&self, c: usize, k: usize) -> f64 {
        cost::travel_cost(&self.inst.parameters, self.round_trips(c), self.road_km(c, k))
    }

    /// Whether cadre `c` listed preferences and county `k` is outside all of them (S1 penalty).
    pub fn misses_preference(&self, c: usize, k: usize) -> bool {
        let prefs = &self.inst.cadres[c].preferred_counties;
        !prefs.is_empty() && !prefs.iter().any(|p| self.county_index[p.as_str()] == k)
    }

    /// Cadre `c`'s previous county (last round's), if it has one.
    pub fn previous_county(&self, c: usize) -> Option<usize> {
        self.inst.cadres[c].previous_county.as_deref().map(|p| self.county_index[p])
    }

    /// Whether county `k` is cadre `c`'s previous county (S1 bonus).
    pub fn is_previous(&self, c: usize, k: usize) -> bool {
        self.previous_county(c) == Some(k)
    }

    /// S1 objective coefficient of placing cadre `c` in county `k`:
    /// travel + preference penalty − continuity bonus.
    pub fn s1_coefficient(&self, c: usize, k: usize) -> f64 {
        let p = &self.inst.parameters;
        let mut v = self.travel_cost(c, k);
        if self.misses_preference(c, k) {
            v += p.preference_penalty;
        }
        if self.is_previous(c, k) {
            v -= p.continuity_bonus;
        }
        v
    }

    /// S2 match count: |strengths of `c` ∩ needs of township `t`| (distinct tags).
    pub fn matches(&self, c: usize, t: usize) -> usize {
        let (a, b) = (&self.strength_tags[c], &self.need_tags[t]);
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }
}

/// H9 cap: max(1, ceil(share × size)). A tolerance of 1e-9 keeps e.g. 0.1 × 30
/// (3.0000000000000004 in floating point) at 3, not 4.
pub fn department_cap(share: f64, size: u32) -> u32 {
    ((share * size as f64 - 1e-9).ceil().max(1.0)) as u32
}

#[cfg(test)]
mod tests {
    use super::department_cap;

    #[test]
    fn department_cap_follows_h9() {
        assert_eq!(department_cap(0.3, 10), 3);
        assert_eq!(department_cap(0.3, 12), 4);
        assert_eq!(department_cap(0.3, 1), 1);
        assert_eq!(department_cap(0.3, 0), 1);
        assert_eq!(department_cap(1.0, 7), 7);
        assert_eq!(department_cap(0.1, 30), 3);
    }
}
