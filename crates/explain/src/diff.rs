//! The difference between two versions of a plan (issue 12, item 4): per person, what
//! changed (group, leader, township, block months, weekday per year); per group, its
//! leader; per dispatching unit, the cost before and after; the stage objectives.
//!
//! [`diff`] is pure: it reads the two plans and takes names from the instance, nothing
//! else. Codes stay codes in the data (`from`, `to`); the names beside them are for people.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Weekday};
use serde::Serialize;

use sanlian_model::{CadreAssignment, Group, Instance, Plan};

/// What changed between plan A and plan B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDiff {
    /// Instance name of plan A.
    pub instance_a: String,
    /// Instance name of plan B.
    pub instance_b: String,
    /// Per cadre with a change, roster order (cadres the instance does not know last).
    pub cadres: Vec<CadreDiff>,
    /// Per group whose leader changed, county order.
    pub groups: Vec<GroupDiff>,
    /// Per dispatching unit of either plan, by name.
    pub units: Vec<UnitDiff>,
    /// All units together.
    pub totals: CostDiff,
    /// Objective of every stage in either plan (A's order, then B's new ones).
    pub stages: Vec<StageDiff>,
    /// Number of changes over all cadres (a leave counts as one).
    pub changes: usize,
}

impl PlanDiff {
    /// Nothing changed: no cadre, no leader, no cost.
    pub fn is_empty(&self) -> bool {
        self.cadres.is_empty() && self.groups.is_empty() && self.units.iter().all(|u| u.delta.abs() < 0.005)
    }
}

/// Whether a cadre is in both plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CadreStatus {
    /// In both plans, with changes.
    Changed,
    /// Only in plan B (a joiner, a successor).
    Added,
    /// Only in plan A (left before the plan started, or dropped).
    Removed,
    /// In both; its service ends on [`CadreDiff::until`] (the instance says so), and its
    /// decisions from that day on are gone from plan B: the leave, not listed one by one.
    Leaves,
}

/// One cadre's changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CadreDiff {
    /// Cadre id.
    pub cadre: String,
    /// Cadre name (the id when the instance does not know it).
    pub name: String,
    /// Dispatching unit.
    pub unit: String,
    /// In both plans, or in one.
    pub status: CadreStatus,
    /// The day the cadre leaves (its service ends the day before), when the instance says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// The changes, in the order group, leader, then per year township, months, weekday.
    pub changes: Vec<DiffChange>,
}

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The group (county) the cadre belongs to.
    Group,
    /// Whether and until when the cadre leads its group.
    Leader,
    /// The township covered in a year.
    Township,
    /// The block months of a year.
    Months,
    /// The weekday of weekly work in a year.
    Weekday,
}

impl ChangeKind {
    /// The kind as data says it: "group", "leader", "township", "months", "weekday".
    pub fn id(self) -> &'static str {
        match self {
            ChangeKind::Group => "group",
            ChangeKind::Leader => "leader",
            ChangeKind::Township => "township",
            ChangeKind::Months => "months",
            ChangeKind::Weekday => "weekday",
        }
    }
}

/// One changed decision: `from` in plan A, `to` in plan B ("" for none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffChange {
    /// What changed.
    pub kind: ChangeKind,
    /// Calendar year (township, months, weekday).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Before: county code (group, leader: the county led), township code, months
    /// "YYYY-MM YYYY-MM", weekday "Mon".."Fri"; "" for none.
    pub from: String,
    /// After, in the same form.
    pub to: String,
    /// Name of `from` (county, township), "" when it has none.
    pub from_name: String,
    /// Name of `to`.
    pub to_name: String,
    /// Leader: the day the cadre stopped leading in plan A (a former leader), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_until: Option<NaiveDate>,
    /// Leader: the same in plan B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_until: Option<NaiveDate>,
}

/// A group whose leadership changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupDiff {
    /// County code.
    pub county: String,
    /// County name.
    pub county_name: String,
    /// Leader in plan A (cadre id), if any.
    pub leader_from: Option<String>,
    /// Its name.
    pub leader_from_name: Option<String>,
    /// Leader in plan B.
    pub leader_to: Option<String>,
    /// Its name.
    pub leader_to_name: Option<String>,
    /// Former leaders in plan A (ids, in order).
    pub former_from: Vec<String>,
    /// Former leaders in plan B.
    pub former_to: Vec<String>,
}

/// What one dispatching unit pays in each plan, yuan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitDiff {
    /// Unit name.
    pub unit: String,
    /// Cadres it sends in plan A.
    pub cadres_before: usize,
    /// Cadres it sends in plan B.
    pub cadres_after: usize,
    /// Travel, plan A.
    pub travel_before: f64,
    /// Travel, plan B.
    pub travel_after: f64,
    /// Stay, plan A.
    pub stay_before: f64,
    /// Stay, plan B.
    pub stay_after: f64,
    /// Travel + stay, plan A.
    pub before: f64,
    /// Travel + stay, plan B.
    pub after: f64,
    /// `after − before`.
    pub delta: f64,
}

/// The cost of the whole plan in each version, yuan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostDiff {
    /// Travel, plan A.
    pub travel_before: f64,
    /// Travel, plan B.
    pub travel_after: f64,
    /// Stay, plan A.
    pub stay_before: f64,
    /// Stay, plan B.
    pub stay_after: f64,
    /// Travel + stay, plan A.
    pub before: f64,
    /// Travel + stay, plan B.
    pub after: f64,
    /// `after − before`.
    pub delta: f64,
}

/// A stage objective in each version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageDiff {
    /// Stage id ("S1", "S2", "S3a", "S3b", "B1".."B3").
    pub id: String,
    /// What the stage optimises (English, as the plan says it).
    pub name: String,
    /// "min" or "max".
    pub sense: String,
    /// Objective in plan A (none: the stage was not solved there).
    pub before: Option<f64>,
    /// Objective in plan B.
    pub after: Option<f64>,
    /// `after − before` when both are known.
    pub delta: Option<f64>,
}

/// A cadre's leadership: the county it leads and, for a former leader, until when.
type Role = Option<(String, Option<NaiveDate>)>;

fn roles(groups: &[Group]) -> HashMap<&str, (String, Option<NaiveDate>)> {
    let mut out = HashMap::new();
    for g in groups {
        for f in &g.former_leaders {
            out.entry(f.cadre.as_str()).or_insert((g.county.clone(), Some(f.until)));
        }
        if let Some(l) = &g.leader {
            out.insert(l.as_str(), (g.county.clone(), None));
        }
    }
    out
}

/// Block months of a year, sorted, as "YYYY-MM YYYY-MM".
fn months(y: &sanlian_model::YearAssignment) -> String {
    let mut v: Vec<&str> = y.blocks.iter().map(|b| b.month.as_str()).collect();
    v.sort_unstable();
    v.join(" ")
}

fn day(w: Option<Weekday>) -> String {
    w.map(|d| d.to_string()).unwrap_or_default()
}

/// The names of the instance, for codes and ids.
struct Lookup<'a> {
    counties: HashMap<&'a str, &'a str>,
    townships: HashMap<&'a str, &'a str>,
    cadres: HashMap<&'a str, (usize, &'a str, &'a str, Option<NaiveDate>)>,
    county_order: HashMap<&'a str, usize>,
}

impl<'a> Lookup<'a> {
    fn new(inst: Option<&'a Instance>, plans: [&'a Plan; 2]) -> Self {
        let mut names = Lookup {
            counties: HashMap::new(),
            townships: HashMap::new(),
            cadres: HashMap::new(),
            county_order: HashMap::new(),
        };
        if let Some(inst) = inst {
            let r = &inst.region;
            names.counties = r.counties.iter().map(|k| (k.code.as_str(), k.name.as_str())).collect();
            names.townships = r.townships.iter().map(|t| (t.code.as_str(), t.name.as_str())).collect();
            names.cadres = inst
                .cadres
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), (i, c.name.as_str(), c.unit.as_str(), c.until)))
                .collect();
            names.county_order = r.counties.iter().enumerate().map(|(i, k)| (k.code.as_str(), i)).collect();
        }
        // The plans name their groups' counties themselves.
        for p in plans {
            for g in &p.groups {
                names.counties.entry(g.county.as_str()).or_insert(g.county_name.as_str());
            }
        }
        names
    }

    fn county(&self, code: &str) -> String {
        self.counties.get(code).copied().unwrap_or("").to_string()
    }

    fn township(&self, code: &str) -> String {
        self.townships.get(code).copied().unwrap_or("").to_string()
    }

    fn cadre(&self, id: &str) -> Option<String> {
        self.cadres.get(id).map(|c| c.1.to_string())
    }
}

/// The changes of one cadre from `a` to `b` (either may be missing: a joiner, a leaver).
fn cadre_changes(
    names: &Lookup,
    a: Option<&CadreAssignment>,
    b: Option<&CadreAssignment>,
    role_a: Role,
    role_b: Role,
    after_leave: &dyn Fn(i32, Option<NaiveDate>) -> bool,
) -> (Vec<DiffChange>, bool) {
    let mut out = Vec::new();
    let mut suppressed = false;
    let mut add = |kind, year, from: String, to: String, from_name: String, to_name: String| {
        out.push(DiffChange { kind, year, from, to, from_name, to_name, from_until: None, to_until: None });
    };
    let county = |x: Option<&CadreAssignment>| x.map(|x| x.county.clone()).unwrap_or_default();
    let (ka, kb) = (county(a), county(b));
    if ka != kb {
        let (na, nb) = (names.county(&ka), names.county(&kb));
        add(ChangeKind::Group, None, ka, kb, na, nb);
    }
    if role_a != role_b {
        let (ca, ua) = role_a.unwrap_or_default();
        let (cb, ub) = role_b.unwrap_or_default();
        let (na, nb) = (names.county(&ca), names.county(&cb));
        out.push(DiffChange {
            kind: ChangeKind::Leader,
            year: None,
            from: ca,
            to: cb,
            from_name: na,
            to_name: nb,
            from_until: ua,
            to_until: ub,
        });
    }
    let mut years: BTreeMap<i32, [Option<&sanlian_model::YearAssignment>; 2]> = BTreeMap::new();
    for (side, x) in [a, b].into_iter().enumerate() {
        for y in x.map(|x| x.years.as_slice()).unwrap_or_default() {
            years.entry(y.year).or_default()[side] = Some(y);
        }
    }
    for (year, [ya, yb]) in years {
        // Decisions from the leave on belong to no one: compare what is left of them.
        if yb.is_none() && after_leave(year, None) {
            suppressed |= ya.is_some();
            continue;
        }
        let kept = |y: &sanlian_model::YearAssignment| -> String {
            let mut v: Vec<&str> =
                y.blocks.iter().filter(|b| !after_leave(year, Some(b.first_day))).map(|b| b.month.as_str()).collect();
            v.sort_unstable();
            v.join(" ")
        };
        let town = |y: Option<&sanlian_model::YearAssignment>| y.map(|y| y.township.clone()).unwrap_or_default();
        let (ta, tb) = (town(ya), town(yb));
        if ta != tb {
            let (na, nb) = (names.township(&ta), names.township(&tb));
            out.push(DiffChange {
                kind: ChangeKind::Township,
                year: Some(year),
                from: ta,
                to: tb,
                from_name: na,
                to_name: nb,
                from_until: None,
                to_until: None,
            });
        }
        let (ma, mb) = (ya.map(kept).unwrap_or_default(), yb.map(kept).unwrap_or_default());
        suppressed |= ya.map(months).unwrap_or_default() != yb.map(months).unwrap_or_default() && ma == mb;
        if ma != mb {
            out.push(plain(ChangeKind::Months, year, ma, mb));
        }
        let (wa, wb) = (day(ya.and_then(|y| y.weekday)), day(yb.and_then(|y| y.weekday)));
        if wa != wb {
            out.push(plain(ChangeKind::Weekday, year, wa, wb));
        }
    }
    (out, suppressed)
}

fn plain(kind: ChangeKind, year: i32, from: String, to: String) -> DiffChange {
    DiffChange {
        kind,
        year: Some(year),
        from,
        to,
        from_name: String::new(),
        to_name: String::new(),
        from_until: None,
        to_until: None,
    }
}

/// The difference from plan `a` to plan `b`, with names from `inst` (the instance of `b`
/// for a re-plan: it knows the joiners, and when leavers leave). A plan diffed with itself
/// is empty.
pub fn diff(inst: &Instance, a: &Plan, b: &Plan) -> PlanDiff {
    compare(Some(inst), a, b)
}

/// [`diff`] without the instance: counties by the names the plans give their groups,
/// cadres and townships by id and code, and no leaves known (a leaver's dropped decisions
/// are listed one by one); cadres in the order of plan B, then those only in plan A.
pub fn diff_plans(a: &Plan, b: &Plan) -> PlanDiff {
    compare(None, a, b)
}

fn compare(inst: Option<&Instance>, a: &Plan, b: &Plan) -> PlanDiff {
    let names = Lookup::new(inst, [a, b]);
    let window = b.parameters.window_first_month;
    let by_id = |p: &'_ Plan| -> HashMap<String, usize> {
        p.assignments.iter().enumerate().map(|(i, x)| (x.cadre.clone(), i)).collect()
    };
    let (ia, ib) = (by_id(a), by_id(b));
    let (ra, rb) = (roles(&a.groups), roles(&b.groups));
    // Roster order, then cadres the instance does not know in the order the plans list them.
    let mut ids: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for x in b.assignments.iter().chain(&a.assignments) {
        if seen.insert(x.cadre.as_str()) {
            ids.push(x.cadre.as_str());
        }
    }
    ids.sort_by_key(|id| names.cadres.get(id).map_or(usize::MAX, |c| c.0));
    // Without the instance, the units come from the plans' cost lines.
    let units_of: HashMap<&str, &str> =
        a.costs.cadres.iter().chain(&b.costs.cadres).map(|c| (c.cadre.as_str(), c.unit.as_str())).collect();
    let unit_of = |id: &str| -> String {
        if let Some(c) = names.cadres.get(id) {
            return c.2.to_string();
        }
        units_of.get(id).copied().unwrap_or("").to_string()
    };
    let mut cadres = Vec::new();
    for id in ids {
        let xa = ia.get(id).map(|&i| &a.assignments[i]);
        let xb = ib.get(id).map(|&i| &b.assignments[i]);
        let until = names.cadres.get(id).and_then(|c| c.3);
        // A year whose window opens on or after the leave (`day` None), or a block that starts then.
        let after_leave = |year: i32, day: Option<NaiveDate>| -> bool {
            let Some(until) = until else { return false };
            let day = day.or_else(|| NaiveDate::from_ymd_opt(year, window, 1));
            day.is_some_and(|d| d >= until)
        };
        let (changes, suppressed) =
            cadre_changes(&names, xa, xb, ra.get(id).cloned(), rb.get(id).cloned(), &after_leave);
        if changes.is_empty() && !suppressed {
            continue;
        }
        let status = match (xa, xb) {
            (Some(_), Some(_)) if suppressed => CadreStatus::Leaves,
            (Some(_), Some(_)) => CadreStatus::Changed,
            (None, _) => CadreStatus::Added,
            (_, None) => CadreStatus::Removed,
        };
        cadres.push(CadreDiff {
            cadre: id.to_string(),
            name: names.cadre(id).unwrap_or_else(|| id.to_string()),
            unit: unit_of(id),
            status,
            until,
            changes,
        });
    }
    let groups = group_diffs(&names, a, b);
    let units = unit_diffs(a, b);
    let totals = CostDiff {
        travel_before: a.costs.travel,
        travel_after: b.costs.travel,
        stay_before: a.costs.stay,
        stay_after: b.costs.stay,
        before: a.costs.travel + a.costs.stay,
        after: b.costs.travel + b.costs.stay,
        delta: (b.costs.travel + b.costs.stay) - (a.costs.travel + a.costs.stay),
    };
    let mut stages: Vec<StageDiff> = a
        .stages
        .iter()
        .map(|s| StageDiff {
            id: s.id.clone(),
            name: s.name.clone(),
            sense: s.sense.clone(),
            before: Some(s.objective),
            after: None,
            delta: None,
        })
        .collect();
    for s in &b.stages {
        match stages.iter_mut().find(|x| x.id == s.id) {
            Some(x) => {
                x.after = Some(s.objective);
                x.delta = x.before.map(|v| s.objective - v);
            }
            None => stages.push(StageDiff {
                id: s.id.clone(),
                name: s.name.clone(),
                sense: s.sense.clone(),
                before: None,
                after: Some(s.objective),
                delta: None,
            }),
        }
    }
    let changes = cadres.iter().map(|c| c.changes.len() + usize::from(c.status == CadreStatus::Leaves)).sum();
    PlanDiff {
        instance_a: a.instance.clone(),
        instance_b: b.instance.clone(),
        cadres,
        groups,
        units,
        totals,
        stages,
        changes,
    }
}

fn group_diffs(names: &Lookup, a: &Plan, b: &Plan) -> Vec<GroupDiff> {
    let mut counties: BTreeMap<(usize, String), [Option<&Group>; 2]> = BTreeMap::new();
    for (side, p) in [a, b].into_iter().enumerate() {
        for g in &p.groups {
            let key = (names.county_order.get(g.county.as_str()).copied().unwrap_or(usize::MAX), g.county.clone());
            counties.entry(key).or_default()[side] = Some(g);
        }
    }
    let mut out = Vec::new();
    for ((_, county), [ga, gb]) in counties {
        let leader = |g: Option<&Group>| g.and_then(|g| g.leader.clone());
        let former = |g: Option<&Group>| -> Vec<String> {
            g.map(|g| g.former_leaders.iter().map(|f| f.cadre.clone()).collect()).unwrap_or_default()
        };
        let (la, lb) = (leader(ga), leader(gb));
        let (fa, fb) = (former(ga), former(gb));
        if la == lb && fa == fb {
            continue;
        }
        let name_of = |id: &Option<String>| id.as_ref().map(|i| names.cadre(i).unwrap_or_else(|| i.clone()));
        let county_name = ga.or(gb).map(|g| g.county_name.clone()).unwrap_or_default();
        out.push(GroupDiff {
            county_name: if county_name.is_empty() { names.county(&county) } else { county_name },
            county,
            leader_from_name: name_of(&la),
            leader_to_name: name_of(&lb),
            leader_from: la,
            leader_to: lb,
            former_from: fa,
            former_to: fb,
        });
    }
    out
}

fn unit_diffs(a: &Plan, b: &Plan) -> Vec<UnitDiff> {
    let mut per: BTreeMap<&str, UnitDiff> = BTreeMap::new();
    let blank = |unit: &str| UnitDiff {
        unit: unit.to_string(),
        cadres_before: 0,
        cadres_after: 0,
        travel_before: 0.0,
        travel_after: 0.0,
        stay_before: 0.0,
        stay_after: 0.0,
        before: 0.0,
        after: 0.0,
        delta: 0.0,
    };
    for u in &a.costs.units {
        let e = per.entry(u.unit.as_str()).or_insert_with(|| blank(&u.unit));
        e.cadres_before += u.cadres;
        e.travel_before += u.travel;
        e.stay_before += u.stay;
    }
    for u in &b.costs.units {
        let e = per.entry(u.unit.as_str()).or_insert_with(|| blank(&u.unit));
        e.cadres_after += u.cadres;
        e.travel_after += u.travel;
        e.stay_after += u.stay;
    }
    per.into_values()
        .map(|mut u| {
            u.before = u.travel_before + u.stay_before;
            u.after = u.travel_after + u.stay_after;
            u.delta = u.after - u.before;
            u
        })
        .collect()
}
