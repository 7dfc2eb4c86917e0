//! Locks and bans: what a planner fixes by hand (rules P1–P9, issue 12).
//!
//! A planner knows what the model does not — that a cadre cares for a sick parent, that
//! another already knows a township's party secretary. A [`Lock`] imposes such knowledge as
//! a hard rule of its own: every stage honours it, the checker verifies it, re-planning
//! keeps it. Each kind has a rule id:
//!
//! | id | kind | the plan must |
//! |---|---|---|
//! | P1 | `county` | place the cadre in the county |
//! | P2 | `not_county` | not place the cadre in the county |
//! | P3 | `leader` | place the cadre in the county and let it lead the group whenever it serves |
//! | P4 | `not_leader` | never let the cadre lead the county's group |
//! | P5 | `township` | let the cadre cover the township in the calendar year |
//! | P6 | `not_township` | not let the cadre cover the township in the year |
//! | P7 | `months` | put the cadre on a block in each of the months |
//! | P8 | `not_months` | put the cadre on no block in any of the months (like unavailable months) |
//! | P9 | `weekday` | give the cadre this weekday |
//!
//! The lock's own fields are checked by [`crate::validate`] (references, formats); whether it
//! can hold at all (H2, seniority, active years, mode, block counts, conflicts between locks,
//! H6 and H9 among locks) is checked by [`Prepared::new`](crate::Prepared::new), which knows
//! eligibility: a lock that can never hold is an input error, named by its place.

use std::collections::HashMap;

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use crate::msg::Msg;
use crate::validate::{parse_month, Problem};
use crate::{Instance, Mode};

/// What a lock fixes or bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockKind {
    /// P1: the cadre serves in `county`.
    County,
    /// P2: the cadre does not serve in `county`.
    NotCounty,
    /// P3: the cadre serves in `county` and leads its group whenever it serves.
    Leader,
    /// P4: the cadre never leads `county`'s group.
    NotLeader,
    /// P5: the cadre covers `township` in `year`.
    Township,
    /// P6: the cadre does not cover `township` in `year`.
    NotTownship,
    /// P7: the cadre is on a block in each of `months`.
    Months,
    /// P8: the cadre is on a block in none of `months`.
    NotMonths,
    /// P9: the cadre's weekly day is `weekday`.
    Weekday,
}

impl LockKind {
    /// Every kind, in rule order.
    pub const ALL: [LockKind; 9] = [
        LockKind::County,
        LockKind::NotCounty,
        LockKind::Leader,
        LockKind::NotLeader,
        LockKind::Township,
        LockKind::NotTownship,
        LockKind::Months,
        LockKind::NotMonths,
        LockKind::Weekday,
    ];

    /// The rule id, `P1`–`P9`.
    pub fn rule(self) -> &'static str {
        match self {
            LockKind::County => "P1",
            LockKind::NotCounty => "P2",
            LockKind::Leader => "P3",
            LockKind::NotLeader => "P4",
            LockKind::Township => "P5",
            LockKind::NotTownship => "P6",
            LockKind::Months => "P7",
            LockKind::NotMonths => "P8",
            LockKind::Weekday => "P9",
        }
    }

    /// The snake-case name, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            LockKind::County => "county",
            LockKind::NotCounty => "not_county",
            LockKind::Leader => "leader",
            LockKind::NotLeader => "not_leader",
            LockKind::Township => "township",
            LockKind::NotTownship => "not_township",
            LockKind::Months => "months",
            LockKind::NotMonths => "not_months",
            LockKind::Weekday => "weekday",
        }
    }

    fn needs_county(self) -> bool {
        matches!(self, LockKind::County | LockKind::NotCounty | LockKind::Leader | LockKind::NotLeader)
    }

    fn needs_township(self) -> bool {
        matches!(self, LockKind::Township | LockKind::NotTownship)
    }

    fn needs_months(self) -> bool {
        matches!(self, LockKind::Months | LockKind::NotMonths)
    }
}

/// One lock or ban a planner set. Which fields a lock uses depends on its kind: `county`
/// (P1–P4), `township` and `year` (P5, P6), `months` (P7, P8), `weekday` (P9); every lock
/// names its `cadre`, and may say why (`reason`, shown beside it, never planned on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// What the lock fixes or bars.
    pub kind: LockKind,
    /// The cadre's id.
    pub cadre: String,
    /// County code (P1–P4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    /// Township code (P5, P6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<String>,
    /// Calendar year (P5, P6), one of the two plan years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Months as `YYYY-MM` (P7, P8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<String>,
    /// Weekday, `Mon`–`Fri` (P9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<Weekday>,
    /// The planner's reason, e.g. "照顾生病的父亲".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Lock {
    /// A lock of `kind` on `cadre` with every other field empty.
    pub fn new(kind: LockKind, cadre: impl Into<String>) -> Lock {
        Lock {
            kind,
            cadre: cadre.into(),
            county: None,
            township: None,
            year: None,
            months: Vec::new(),
            weekday: None,
            reason: None,
        }
    }

    /// The lock with its county set.
    pub fn county(mut self, county: impl Into<String>) -> Lock {
        self.county = Some(county.into());
        self
    }

    /// The lock with its township and year set.
    pub fn township(mut self, township: impl Into<String>, year: i32) -> Lock {
        self.township = Some(township.into());
        self.year = Some(year);
        self
    }

    /// The lock with its months set.
    pub fn months(mut self, months: impl IntoIterator<Item = impl Into<String>>) -> Lock {
        self.months = months.into_iter().map(Into::into).collect();
        self
    }

    /// The lock with its weekday set.
    pub fn weekday(mut self, weekday: Weekday) -> Lock {
        self.weekday = Some(weekday);
        self
    }

    /// The rule id of the lock's kind.
    pub fn rule(&self) -> &'static str {
        self.kind.rule()
    }
}

/// Most locks an instance may carry.
pub const MAX_LOCKS: usize = 10_000;

/// The field checks of every lock (references and formats), added to `add`.
pub(crate) fn field_problems(inst: &Instance, add: &mut dyn FnMut(String, Msg)) {
    if inst.locks.len() > MAX_LOCKS {
        add(
            "locks".into(),
            Msg::new("input.too_many").arg("len", inst.locks.len()).noun("what", "locks").arg("most", MAX_LOCKS),
        );
        return;
    }
    let cadres: HashMap<&str, usize> = inst.cadres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    let counties: HashMap<&str, usize> =
        inst.region.counties.iter().enumerate().map(|(i, k)| (k.code.as_str(), i)).collect();
    let townships: HashMap<&str, usize> =
        inst.region.townships.iter().enumerate().map(|(i, t)| (t.code.as_str(), i)).collect();
    let window = inst.parameters.window_months();
    for (i, lock) in inst.locks.iter().enumerate() {
        let at = |field: &str| format!("locks[{i}].{field}");
        let kind = lock.kind;
        if !cadres.contains_key(lock.cadre.as_str()) {
            add(at("cadre"), Msg::new("lock.unknown_cadre").arg("cadre", &lock.cadre));
        }
        if let Some(r) = &lock.reason {
            if r.chars().count() > crate::validate::SIZES.text {
                add(at("reason"), Msg::new("input.too_long").arg("len", r.chars().count()).arg("most", 256));
            }
        }
        let mut unused = |field: &str, given: bool| {
            if given {
                add(at(field), Msg::new("lock.unused_field").arg("field", field).arg("kind", kind.id()));
            }
        };
        unused("county", lock.county.is_some() && !kind.needs_county());
        unused("township", lock.township.is_some() && !kind.needs_township());
        unused("year", lock.year.is_some() && !kind.needs_township());
        unused("months", !lock.months.is_empty() && !kind.needs_months());
        unused("weekday", lock.weekday.is_some() && kind != LockKind::Weekday);
        if kind.needs_county() {
            match &lock.county {
                None => add(at("county"), Msg::new("lock.missing_field").arg("field", "county").arg("kind", kind.id())),
                Some(k) if !counties.contains_key(k.as_str()) => {
                    add(at("county"), Msg::new("input.not_a_county").arg("county", k))
                }
                _ => {}
            }
        }
        if kind.needs_township() {
            match &lock.township {
                None => {
                    add(at("township"), Msg::new("lock.missing_field").arg("field", "township").arg("kind", kind.id()))
                }
                Some(t) if !townships.contains_key(t.as_str()) => {
                    add(at("township"), Msg::new("lock.not_a_township").arg("township", t))
                }
                _ => {}
            }
            match lock.year {
                None => add(at("year"), Msg::new("lock.missing_field").arg("field", "year").arg("kind", kind.id())),
                Some(y) if y != inst.first_year && y != inst.first_year + 1 => add(
                    at("year"),
                    Msg::new("input.not_a_plan_year")
                        .arg("year", y)
                        .arg("first", inst.first_year)
                        .arg("second", inst.first_year + 1),
                ),
                _ => {}
            }
        }
        if kind.needs_months() {
            if lock.months.is_empty() {
                add(at("months"), Msg::new("lock.missing_field").arg("field", "months").arg("kind", kind.id()));
            }
            if lock.months.len() > 24 {
                add(
                    at("months"),
                    Msg::new("input.too_many").arg("len", lock.months.len()).noun("what", "months").arg("most", 24),
                );
                continue;
            }
            for (j, m) in lock.months.iter().enumerate() {
                let path = at(&format!("months[{j}]"));
                match parse_month(m) {
                    None => add(path, Msg::new("input.bad_month").arg("month", format!("{m:?}"))),
                    Some((y, _)) if y != inst.first_year && y != inst.first_year + 1 => add(
                        path,
                        Msg::new("input.outside_plan_years")
                            .arg("value", m)
                            .arg("first", inst.first_year)
                            .arg("second", inst.first_year + 1),
                    ),
                    Some((_, mm)) if !window.contains(&mm) => add(
                        path,
                        Msg::new("input.outside_window")
                            .arg("month", m)
                            .arg("first", inst.parameters.window_first_month)
                            .arg("last", inst.parameters.window_last_month),
                    ),
                    _ => {}
                }
            }
        }
        if kind == LockKind::Weekday {
            match lock.weekday {
                None => {
                    add(at("weekday"), Msg::new("lock.missing_field").arg("field", "weekday").arg("kind", kind.id()))
                }
                Some(Weekday::Sat | Weekday::Sun) => add(at("weekday"), Msg::new("lock.weekend")),
                _ => {}
            }
        }
    }
}

/// The locks resolved to indices, as the solver reads them (built by `Prepared`).
#[derive(Debug, Clone, Default)]
pub struct LockTable {
    /// P3: per county, the cadre locked to lead it.
    pub leader_of: Vec<Option<usize>>,
    /// P4: per cadre, the counties it may not lead (ascending).
    pub no_lead: Vec<Vec<usize>>,
    /// P5: per cadre and plan year, the township it must cover.
    pub township: Vec<[Option<usize>; 2]>,
    /// P6: per cadre and plan year, the townships it may not cover (ascending).
    pub not_township: Vec<[Vec<usize>; 2]>,
    /// P7: per cadre and plan year, a bitmask of the months it must be on a block (bit m).
    pub months: Vec<[u16; 2]>,
    /// P8: per cadre and plan year, a bitmask of the months it may not be on a block.
    pub not_months: Vec<[u16; 2]>,
    /// P9: per cadre, its fixed weekday.
    pub weekday: Vec<Option<Weekday>>,
    /// P5 per county: locked cadre-years that add no township of their own (two locked to
    /// one township), so H7 needs that many more cadre-years than townships.
    pub waste: Vec<u32>,
    /// Index in `Instance::locks` of every lock of each cadre.
    pub of_cadre: Vec<Vec<usize>>,
}

impl LockTable {
    /// Is cadre `c` barred from leading county `k` (P4)?
    pub fn bars_lead(&self, c: usize, k: usize) -> bool {
        self.no_lead.get(c).is_some_and(|l| l.binary_search(&k).is_ok())
    }
}

/// Resolve the locks of a field-valid instance and find those that can never hold, given
/// eligibility (`eligible`, H2, ascending per cadre), seniority, active years, modes, block
/// counts and each other. Returns the table (with the locked county applied to `eligible`)
/// and the problems.
pub(crate) fn resolve(prep: &mut crate::Prepared) -> Vec<Problem> {
    let inst = prep.inst;
    let nc = inst.cadres.len();
    let nk = inst.region.counties.len();
    let mut t = LockTable {
        leader_of: vec![None; nk],
        no_lead: vec![Vec::new(); nc],
        township: vec![[None, None]; nc],
        not_township: vec![[Vec::new(), Vec::new()]; nc],
        months: vec![[0; 2]; nc],
        not_months: vec![[0; 2]; nc],
        weekday: vec![None; nc],
        waste: vec![0; nk],
        of_cadre: vec![Vec::new(); nc],
    };
    let mut problems = Vec::new();
    let mut add = |path: String, msg: Msg| problems.push(Problem::new(path, msg));
    let county_name = |k: usize| format!("{} {}", inst.region.counties[k].code, inst.region.counties[k].name);
    // The county each cadre is locked into, with the lock that says so.
    let mut placed: Vec<Option<(usize, usize)>> = vec![None; nc];
    let mut banned: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nc];
    let mut weekday_lock: Vec<Option<usize>> = vec![None; nc];
    let mut leader_lock: Vec<Option<usize>> = vec![None; nk];
    let mut no_lead_lock: HashMap<(usize, usize), usize> = HashMap::new();
    let mut town_lock: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
    let mut town_ban: HashMap<(usize, usize, usize), usize> = HashMap::new();
    let mut month_lock: HashMap<(usize, usize, u32), usize> = HashMap::new();
    let mut month_ban: HashMap<(usize, usize, u32), usize> = HashMap::new();
    for (i, lock) in inst.locks.iter().enumerate() {
        let at = |field: &str| format!("locks[{i}].{field}");
        let c = prep.cadre_index[lock.cadre.as_str()];
        t.of_cadre[c].push(i);
        let cadre = &inst.cadres[c];
        let county = lock.county.as_deref().map(|k| prep.county_index[k]);
        let town = lock.township.as_deref().map(|s| prep.township_index[s]);
        let year = lock.year.map(|y| (y - inst.first_year) as usize);
        // The county a lock puts the cadre in.
        let into = match lock.kind {
            LockKind::County | LockKind::Leader => county,
            LockKind::Township => town.map(|s| prep.county_index[inst.region.townships[s].county.as_str()]),
            _ => None,
        };
        if let Some(k) = into {
            if !prep.is_eligible(c, k) {
                add(
                    at(if lock.kind == LockKind::Township { "township" } else { "county" }),
                    Msg::new("lock.breaks_h2").arg("cadre", &lock.cadre).arg("county", county_name(k)),
                );
            } else {
                match placed[c] {
                    Some((other, j)) if other != k => add(
                        at("cadre"),
                        Msg::new("lock.conflict_county")
                            .arg("cadre", &lock.cadre)
                            .arg("other", format!("locks[{j}]"))
                            .arg("county", county_name(other)),
                    ),
                    _ => placed[c] = Some((k, i)),
                }
            }
        }
        match lock.kind {
            LockKind::NotCounty => banned[c].push((county.expect("field-checked"), i)),
            LockKind::Leader => {
                let k = county.expect("field-checked");
                if !cadre.senior {
                    add(at("cadre"), Msg::new("lock.leader_not_senior").arg("cadre", &lock.cadre));
                }
                match leader_lock[k] {
                    Some(j) if inst.locks[j].cadre != lock.cadre => add(
                        at("county"),
                        Msg::new("lock.two_leaders").arg("county", county_name(k)).arg("other", format!("locks[{j}]")),
                    ),
                    _ => leader_lock[k] = Some(i),
                }
            }
            LockKind::NotLeader => {
                no_lead_lock.insert((c, county.expect("field-checked")), i);
            }
            LockKind::Township | LockKind::NotTownship => {
                let (s, y) = (town.expect("field-checked"), year.expect("field-checked"));
                if !prep.active(c, y) {
                    add(at("year"), Msg::new("lock.inactive_year").arg("cadre", &lock.cadre).arg("year", inst.year(y)));
                } else if lock.kind == LockKind::Township {
                    match town_lock.get(&(c, y)) {
                        Some(&(other, j)) if other != s => add(
                            at("township"),
                            Msg::new("lock.conflict_township")
                                .arg("cadre", &lock.cadre)
                                .arg("year", inst.year(y))
                                .arg("other", format!("locks[{j}]")),
                        ),
                        _ => {
                            town_lock.insert((c, y), (s, i));
                        }
                    }
                } else {
                    town_ban.insert((c, y, s), i);
                }
            }
            LockKind::Months | LockKind::NotMonths => {
                for (j, m) in lock.months.iter().enumerate() {
                    let (yy, mm) = parse_month(m).expect("field-checked");
                    let y = (yy - inst.first_year) as usize;
                    if lock.kind == LockKind::NotMonths {
                        month_ban.insert((c, y, mm), i);
                        continue;
                    }
                    let path = at(&format!("months[{j}]"));
                    if prep.blocks(c) == 0 {
                        add(path, Msg::new("lock.no_blocks").arg("cadre", &lock.cadre));
                    } else if !prep.serves_month(c, y, mm) || !prep.active(c, y) {
                        add(path, Msg::new("lock.month_not_served").arg("cadre", &lock.cadre).arg("month", m));
                    } else if prep.unavailable[c][y] & (1 << mm) != 0 {
                        add(path, Msg::new("lock.month_unavailable").arg("cadre", &lock.cadre).arg("month", m));
                    } else {
                        month_lock.insert((c, y, mm), i);
                    }
                }
            }
            LockKind::Weekday => {
                let d = lock.weekday.expect("field-checked");
                if !matches!(cadre.mode(), Mode::Weekly | Mode::Mixed) {
                    add(at("weekday"), Msg::new("lock.no_weekday").arg("cadre", &lock.cadre));
                } else {
                    match weekday_lock[c] {
                        Some(j) if inst.locks[j].weekday != Some(d) => add(
                            at("weekday"),
                            Msg::new("lock.conflict_weekday")
                                .arg("cadre", &lock.cadre)
                                .arg("other", format!("locks[{j}]")),
                        ),
                        _ => {
                            weekday_lock[c] = Some(i);
                            t.weekday[c] = Some(d);
                        }
                    }
                }
            }
            LockKind::County => {}
        }
    }
    // Bans against the county a cadre is locked into, and bans that leave it nowhere.
    for c in 0..nc {
        for &(k, i) in &banned[c] {
            if let Some((_, j)) = placed[c].filter(|(p, _)| *p == k) {
                add(
                    format!("locks[{i}]"),
                    Msg::new("lock.conflict_ban").arg("cadre", &inst.cadres[c].id).arg("other", format!("locks[{j}]")),
                );
            }
        }
        let mut eligible = prep.eligible[c].clone();
        if let Some((k, _)) = placed[c] {
            eligible.retain(|&x| x == k);
        }
        eligible.retain(|k| !banned[c].iter().any(|(b, _)| b == k));
        if eligible.is_empty() && !banned[c].is_empty() && placed[c].is_none() {
            let i = banned[c][0].1;
            add(format!("locks[{i}]"), Msg::new("lock.banned_everywhere").arg("cadre", &inst.cadres[c].id));
        } else if !eligible.is_empty() {
            prep.eligible[c] = eligible;
        }
    }
    for (k, lock) in leader_lock.iter().enumerate() {
        if let &Some(i) = lock {
            let c = prep.cadre_index[inst.locks[i].cadre.as_str()];
            if let Some(&j) = no_lead_lock.get(&(c, k)) {
                add(
                    format!("locks[{j}]"),
                    Msg::new("lock.conflict_leader")
                        .arg("cadre", &inst.cadres[c].id)
                        .arg("other", format!("locks[{i}]")),
                );
            }
            t.leader_of[k] = Some(c);
        }
    }
    for &(c, k) in no_lead_lock.keys() {
        t.no_lead[c].push(k);
    }
    for l in &mut t.no_lead {
        l.sort_unstable();
    }
    // Townships: H5 (two different townships when the county has two), H6 among locks, bans.
    let mut on_town: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (&(c, y), &(s, i)) in &town_lock {
        t.township[c][y] = Some(s);
        if let Some(&j) = town_ban.get(&(c, y, s)) {
            add(
                format!("locks[{j}]"),
                Msg::new("lock.conflict_ban").arg("cadre", &inst.cadres[c].id).arg("other", format!("locks[{i}]")),
            );
        }
        on_town.entry((s, y)).or_default().push(i);
    }
    for c in 0..nc {
        if let [Some(a), Some(b)] = t.township[c] {
            let k = prep.county_index[inst.region.townships[a].county.as_str()];
            if a == b && prep.townships_of[k].len() >= 2 {
                let (_, i) = town_lock[&(c, 1)];
                add(format!("locks[{i}].township"), Msg::new("lock.same_township").arg("cadre", &inst.cadres[c].id));
            }
        }
    }
    let cap = inst.parameters.max_cadres_per_township_year as usize;
    let mut crowded: Vec<(&(usize, usize), &Vec<usize>)> = on_town.iter().filter(|(_, l)| l.len() > cap).collect();
    crowded.sort();
    for ((s, y), locks) in crowded {
        let last = *locks.iter().max().expect("non-empty");
        add(
            format!("locks[{last}].township"),
            Msg::new("lock.township_full")
                .arg("township", &inst.region.townships[*s].name)
                .arg("year", inst.year(*y))
                .arg("count", locks.len())
                .arg("cap", cap),
        );
    }
    for &(c, y, s) in town_ban.keys() {
        t.not_township[c][y].push(s);
    }
    for c in 0..nc {
        for y in 0..2 {
            t.not_township[c][y].sort_unstable();
        }
    }
    // Locked cadre-years per county that add no township of their own.
    let mut distinct: HashMap<usize, std::collections::BTreeSet<usize>> = HashMap::new();
    let mut years: HashMap<usize, u32> = HashMap::new();
    for &(s, _) in town_lock.values() {
        let k = prep.county_index[inst.region.townships[s].county.as_str()];
        distinct.entry(k).or_default().insert(s);
        *years.entry(k).or_default() += 1;
    }
    for (k, n) in years {
        t.waste[k] = n - distinct[&k].len() as u32;
    }
    // Months: bans against locks, the year's exact count, and H9 among locks.
    for (&(c, y, m), &i) in &month_lock {
        t.months[c][y] |= 1 << m;
        if let Some(&j) = month_ban.get(&(c, y, m)) {
            add(
                format!("locks[{j}]"),
                Msg::new("lock.conflict_ban").arg("cadre", &inst.cadres[c].id).arg("other", format!("locks[{i}]")),
            );
        }
    }
    for &(c, y, m) in month_ban.keys() {
        t.not_months[c][y] |= 1 << m;
        prep.unavailable[c][y] |= 1 << m;
    }
    // F3's caps count the block months as the bans leave them.
    prep.count_department_blocks();
    for c in 0..nc {
        for y in 0..2 {
            let locked = t.months[c][y].count_ones();
            let (_, most) = prep.block_range(c, y);
            if locked > most {
                let i =
                    t.of_cadre[c].iter().copied().find(|&i| inst.locks[i].kind == LockKind::Months).expect("a lock");
                add(
                    format!("locks[{i}].months"),
                    Msg::new("lock.too_many_months")
                        .arg("cadre", &inst.cadres[c].id)
                        .arg("year", inst.year(y))
                        .arg("count", locked)
                        .arg("blocks", most),
                );
            }
        }
    }
    let mut away: HashMap<(usize, usize, u32), Vec<usize>> = HashMap::new();
    for (&(c, y, m), &i) in &month_lock {
        away.entry((prep.department_of[c], y, m)).or_default().push(i);
    }
    let mut over: Vec<_> =
        away.into_iter().filter(|((d, y, m), l)| l.len() as u32 > prep.department_cap_in(*d, *y, *m)).collect();
    over.sort();
    for ((d, y, m), locks) in over {
        let last = *locks.iter().max().expect("non-empty");
        add(
            format!("locks[{last}].months"),
            Msg::new("lock.department_full")
                .arg("department", &prep.departments[d])
                .arg("month", format!("{}-{m:02}", inst.year(y)))
                .arg("count", locks.len())
                .arg("cap", prep.department_cap_in(d, y, m)),
        );
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    prep.locks = t;
    problems
}
