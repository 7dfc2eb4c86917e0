//! Optimality that anyone can re-check: the bound a stage's LP duals imply, computed from
//! rows the checker derives from the rules itself.
//!
//! A stage whose LP relaxation was integral carries the LP dual value of its rows, keyed by
//! rule-named row ids (`H3_senior_member[370102,2027-03-01]`). For each id the checker
//! builds the row with its own code from the instance, the plan's earlier decisions and the
//! rule the id names; every such row holds for every valid plan (see [`ROW_FAMILIES`]).
//! Over its own columns (one per decision, with the stage's objective coefficients) it then
//! computes the Lagrangian bound
//!
//! > Σ_r y_r · (the row bound y_r pairs with) + Σ_j min or max over x_j's bounds of (c_j − Σ_r y_r a_rj) · x_j
//!
//! which bounds the stage's optimum for *any* dual vector y: a wrong or forged vector can
//! only weaken it, never make it pass. (A dual that would pair with an infinite row bound,
//! or names a row the checker does not derive, is counted as 0.)

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sanlian_model::{optimality, Level, PlanMode};

use crate::reading::{year_month, Rules};
use crate::view::PlanView;

/// The row families the checker derives, with the one-line argument why every valid plan
/// satisfies each (the stage's earlier decisions fixed).
pub const ROW_FAMILIES: &[(&str, &str)] = &[
    ("H1_assign[cadre]", "S1: H1, the cadre joins exactly one of its H2 counties"),
    ("H3_senior_member[county,day]", "S1: H3 v1.1, a senior member of the group is in service on that day"),
    ("H4_mixed[county,day]", "S1: H4 v1.1, min_upper_per_group province/city members are in service that day"),
    ("H7_cover[county]", "S1: H5+H7, each township needs a cadre-year and a cadre gives one per active year"),
    (
        "H7_cover_rounded[county]",
        "S1: H7_cover rounded up, a cadre who may also serve elsewhere gives at most 2 cadre-years, so they number at \
         least ⌈(townships − cadre-years of the cadres bound to the county) / 2⌉",
    ),
    ("H6_load[county,YYYY-MM]", "S1: H6, the members serving that month fit max_cadres_per_township_year × townships"),
    ("B1_cover[county]", "B1: townships counted covered ≤ the group's cadre-years (H5)"),
    ("B2_senior[county,day]", "B2: a group counts as senior-led only with a senior member in service that day"),
    ("B3_mixed[county,day]", "B3: a group counts as mixed only with min_upper_per_group upper members that day"),
    ("B1_fixed, B2_fixed, B3_fixed", "best-effort: the goals ranked before S1 keep their (certified) optimum"),
    ("H5_one[cadre,yN]", "S2: H5, one township of the group's county in each active year"),
    ("H5_distinct[cadre,township]", "S2: H5, two different townships when the county has two"),
    ("H6_load[township,YYYY-MM]", "S2: H6, at most max_cadres_per_township_year cadres serving that month"),
    ("H7_cover[township]", "S2: H7 (best-effort: `covered` ≤ the cadres on it)"),
    ("S2_priority[township]", "S2: a priority township counts in year 1 only if a cadre covers it then"),
    ("B1_cover[county] (S2)", "S2 best-effort: the county keeps the coverage B1 counted, min(townships, cadre-years)"),
    ("H8_blocks[cadre,yN]", "S3a: H8, exactly the cadre's block count in an active year"),
    ("H9_dept[department,YYYY-MM]", "S3a: H9, the department's cap on cadres away that month"),
    ("S3_presence[county,YYYY-MM]", "S3a: a county-month counts only if a member is on a block then"),
];

/// A linear programme the checker built: columns with bounds and objective coefficients.
struct Lp {
    maximise: bool,
    index: HashMap<Col, usize>,
    lb: Vec<f64>,
    ub: Vec<f64>,
    cost: Vec<f64>,
}

/// A column of one of the stage models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    /// S1: cadre c joins county k.
    Join(usize, usize),
    /// B1–B3: county k's covered townships, senior-led and mixed indicators.
    Cover(usize),
    Senior(usize),
    Mixed(usize),
    /// S2: cadre c covers township t in year y.
    Town(usize, usize, usize),
    /// S2: priority township t covered in year 1; best-effort: t covered.
    First(usize),
    Covered(usize),
    /// S3a: cadre c on a block in month m of year y; county k has a member on a block then.
    Block(usize, usize, u32),
    Presence(usize, usize, u32),
}

impl Lp {
    fn new(maximise: bool) -> Lp {
        Lp { maximise, index: HashMap::new(), lb: Vec::new(), ub: Vec::new(), cost: Vec::new() }
    }

    fn col(&mut self, key: Col, lb: f64, ub: f64, cost: f64) {
        self.index.insert(key, self.lb.len());
        self.lb.push(lb);
        self.ub.push(ub);
        self.cost.push(cost);
    }

    /// The objective of `goal` only: every other cost is 0.
    fn with_objective(&self, maximise: bool, goal: impl Fn(&Col) -> f64) -> Lp {
        let mut lp =
            Lp { maximise, index: self.index.clone(), lb: self.lb.clone(), ub: self.ub.clone(), cost: Vec::new() };
        lp.cost = vec![0.0; lp.lb.len()];
        for (key, &j) in &self.index {
            lp.cost[j] = goal(key);
        }
        lp
    }

    /// The Lagrangian bound of `rows` (terms by column, lower and upper bound, dual).
    fn bound(&self, rows: &[Row]) -> f64 {
        let mut reduced = self.cost.clone();
        let mut total = 0.0;
        for row in rows {
            let y = row.dual;
            // Minimisation: y > 0 pairs with the lower bound; maximisation with the upper.
            let b = if (y > 0.0) != self.maximise { row.lb } else { row.ub };
            if !b.is_finite() || y == 0.0 {
                continue;
            }
            total += y * b;
            for &(j, a) in &row.terms {
                reduced[j] -= y * a;
            }
        }
        for (j, d) in reduced.iter().enumerate() {
            let (at_lb, at_ub) = (d * self.lb[j], d * self.ub[j]);
            total += if self.maximise { at_lb.max(at_ub) } else { at_lb.min(at_ub) };
        }
        total
    }

    fn terms(&self, cols: impl IntoIterator<Item = (Col, f64)>) -> Vec<(usize, f64)> {
        cols.into_iter().filter_map(|(key, a)| self.index.get(&key).map(|&j| (j, a))).collect()
    }
}

/// A derived row: its terms (column index, coefficient), lower and upper bound.
type Derived = (Vec<(usize, f64)>, f64, f64);

struct Row {
    terms: Vec<(usize, f64)>,
    lb: f64,
    ub: f64,
    dual: f64,
}

/// The result of verifying one model's duals.
pub(crate) struct Verified {
    /// The bound the duals imply, tightened to the objective's grid.
    pub bound: f64,
    /// Dual entries naming rows the checker does not derive (counted as 0).
    pub unknown: Vec<String>,
}

/// Split `NAME[a,b]` into the family and its arguments, the last argument split off first
/// (`rsplit`), so that a department name may hold commas.
fn parse(id: &str) -> Option<(&str, &str)> {
    let (family, rest) = id.split_once('[')?;
    Some((family, rest.strip_suffix(']')?))
}

fn day(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

/// The S1-level model (strict S1, or best-effort B1–B3 and S1): one column per cadre and
/// H2 county (a cadre with one county is fixed there), and the goal indicators.
fn s1_lp(rules: &Rules, mode: PlanMode) -> Lp {
    let mut lp = Lp::new(false);
    for c in 0..rules.n_cadres() {
        let fixed = rules.eligible[c].len() == 1;
        for &k in &rules.eligible[c] {
            lp.col(Col::Join(c, k), if fixed { 1.0 } else { 0.0 }, 1.0, rules.s1_coefficient(c, k));
        }
    }
    if mode == PlanMode::BestEffort {
        for k in 0..rules.n_counties() {
            lp.col(Col::Cover(k), 0.0, rules.townships_of[k].len() as f64, 0.0);
            lp.col(Col::Senior(k), 0.0, 1.0, 0.0);
            lp.col(Col::Mixed(k), 0.0, 1.0, 0.0);
        }
    }
    lp
}

/// A row of the S1-level model from its id, or `None` if the checker does not derive it.
fn s1_row(rules: &Rules, lp: &Lp, goals: &BTreeMap<&str, f64>, id: &str) -> Option<Derived> {
    let p = &rules.inst.parameters;
    let inf = f64::INFINITY;
    let years = |c: usize| (0..2).filter(|&y| rules.active(c, y)).count() as f64;
    let members = |k: usize, pick: &dyn Fn(usize) -> bool| -> Vec<(Col, f64)> {
        (0..rules.n_cadres()).filter(|&c| rules.is_eligible(c, k) && pick(c)).map(|c| (Col::Join(c, k), 1.0)).collect()
    };
    let county = |code: &str| rules.county_index.get(code).copied();
    // H5+H7: one cadre-year per township, plus the P5-locked cadre-years that repeat a
    // township another lock already covers.
    let need_here = |k: usize| (rules.townships_of[k].len() + rules.locks.waste[k] as usize) as f64;
    let upper = |c: usize| matches!(rules.inst.cadres[c].level, Level::Province | Level::City);
    if let Some(goal) = id.strip_suffix("_fixed") {
        let value = *goals.get(goal)?;
        let col = |k: usize| match goal {
            "B1" => Col::Cover(k),
            "B2" => Col::Senior(k),
            _ => Col::Mixed(k),
        };
        return Some((lp.terms((0..rules.n_counties()).map(|k| (col(k), 1.0))), value, inf));
    }
    let (family, args) = parse(id)?;
    Some(match family {
        "H1_assign" => {
            let c = *rules.cadre_index.get(args)?;
            (lp.terms(rules.eligible[c].iter().map(|&k| (Col::Join(c, k), 1.0))), 1.0, 1.0)
        }
        "H3_senior_member" | "H4_mixed" | "B2_senior" | "B3_mixed" => {
            let (code, d) = args.rsplit_once(',')?;
            let (k, d) = (county(code)?, day(d)?);
            // H3 counts the members who may lead the group: senior, and not barred (P4).
            let pick: &dyn Fn(usize) -> bool = if family.starts_with("H3") || family.starts_with("B2") {
                &|c| rules.may_lead(c, k) && rules.serves_on(c, d)
            } else {
                &|c| upper(c) && rules.serves_on(c, d)
            };
            let need = p.min_upper_per_group as f64;
            match family {
                "H3_senior_member" => (lp.terms(members(k, pick)), 1.0, inf),
                "H4_mixed" => (lp.terms(members(k, pick)), need, inf),
                "B2_senior" => {
                    let mut t: Vec<(Col, f64)> = members(k, pick).into_iter().map(|(c, a)| (c, -a)).collect();
                    t.push((Col::Senior(k), 1.0));
                    (lp.terms(t), -inf, 0.0)
                }
                _ => {
                    let mut t: Vec<(Col, f64)> = members(k, pick).into_iter().map(|(c, a)| (c, -a)).collect();
                    t.push((Col::Mixed(k), need));
                    (lp.terms(t), -inf, 0.0)
                }
            }
        }
        "H7_cover" => {
            let k = county(args)?;
            let terms = (0..rules.n_cadres()).filter(|&c| rules.is_eligible(c, k)).map(|c| (Col::Join(c, k), years(c)));
            (lp.terms(terms), need_here(k), inf)
        }
        "H7_cover_rounded" => {
            let k = county(args)?;
            let bound_here: f64 = (0..rules.n_cadres()).filter(|&c| rules.eligible[c] == [k]).map(years).sum();
            let need = need_here(k) - bound_here;
            let free = members(k, &|c| rules.eligible[c].len() >= 2 && years(c) > 0.0);
            (lp.terms(free), (need / 2.0).ceil(), inf)
        }
        "H6_load" => {
            let (code, month) = args.rsplit_once(',')?;
            let (k, (year, m)) = (county(code)?, year_month(month)?);
            let y = usize::try_from(year - rules.inst.first_year).ok().filter(|&y| y < 2)?;
            let cap = p.max_cadres_per_township_year as f64 * rules.townships_of[k].len() as f64;
            (lp.terms(members(k, &|c| rules.active(c, y) && rules.serves_month(c, y, m))), -inf, cap)
        }
        "B1_cover" => {
            let k = county(args)?;
            let mut t: Vec<(Col, f64)> = (0..rules.n_cadres())
                .filter(|&c| rules.is_eligible(c, k))
                .map(|c| (Col::Join(c, k), -years(c)))
                .collect();
            t.push((Col::Cover(k), 1.0));
            (lp.terms(t), -inf, -(rules.locks.waste[k] as f64))
        }
        _ => return None,
    })
}

/// Rows of `duals` built by `derive`, and the ids it does not derive.
fn rows_of(duals: &BTreeMap<String, f64>, derive: impl Fn(&str) -> Option<Derived>) -> (Vec<Row>, Vec<String>) {
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    for (id, &dual) in duals {
        match derive(id).filter(|_| dual.is_finite()) {
            Some((terms, lb, ub)) => rows.push(Row { terms, lb, ub, dual }),
            None => unknown.push(id.clone()),
        }
    }
    (rows, unknown)
}

/// Verify an S1-level stage (S1, B1, B2, B3): the bound its duals imply. `goals` holds the
/// certified values of the goals before it (best-effort).
pub(crate) fn s1_level(
    rules: &Rules,
    mode: PlanMode,
    stage: &str,
    goals: &BTreeMap<&str, f64>,
    duals: &BTreeMap<String, f64>,
) -> Verified {
    let base = s1_lp(rules, mode);
    let lp = match stage {
        "B1" => base.with_objective(true, |c| matches!(c, Col::Cover(_)) as u8 as f64),
        "B2" => base.with_objective(true, |c| matches!(c, Col::Senior(_)) as u8 as f64),
        "B3" => base.with_objective(true, |c| matches!(c, Col::Mixed(_)) as u8 as f64),
        _ => base,
    };
    let (rows, unknown) = rows_of(duals, |id| s1_row(rules, &lp, goals, id));
    let step = if stage == "S1" { 0.0 } else { 1.0 };
    Verified { bound: optimality::on_grid(lp.bound(&rows), step, lp.maximise), unknown }
}

/// Verify one county's S2 model given the plan's groups.
pub(crate) fn s2_county(
    rules: &Rules,
    view: &PlanView,
    mode: PlanMode,
    k: usize,
    duals: &BTreeMap<String, f64>,
) -> Verified {
    let p = &rules.inst.parameters;
    let towns = &rules.townships_of[k];
    let members = &view.members[k];
    let mut lp = Lp::new(true);
    for &c in members {
        for y in 0..2 {
            if rules.active(c, y) {
                for &t in towns {
                    // P5 and P6: a locked township is the only one open, a barred one is shut.
                    let open = rules.locks.township_open(c, y, t);
                    let lb = if rules.locks.township[c][y] == Some(t) { 1.0 } else { 0.0 };
                    let ub = if open { 1.0 } else { 0.0 };
                    lp.col(Col::Town(c, y, t), lb, ub, p.match_value * rules.matches(c, t) as f64);
                }
            }
        }
    }
    for &t in towns {
        if rules.inst.region.townships[t].priority {
            lp.col(Col::First(t), 0.0, 1.0, p.priority_first_year_value);
        }
        if mode == PlanMode::BestEffort {
            lp.col(Col::Covered(t), 0.0, 1.0, 0.0);
        }
    }
    let inf = f64::INFINITY;
    let town = |code: &str| rules.township_index.get(code).copied().filter(|t| towns.contains(t));
    let member = |id: &str| rules.cadre_index.get(id).copied().filter(|c| members.contains(c));
    let derive = |id: &str| -> Option<Derived> {
        let (family, args) = parse(id)?;
        Some(match family {
            "H5_one" => {
                let (cadre, year) = args.rsplit_once(',')?;
                let c = member(cadre)?;
                let y = match year {
                    "y1" => 0,
                    "y2" => 1,
                    _ => return None,
                };
                (lp.terms(towns.iter().map(|&t| (Col::Town(c, y, t), 1.0))), 1.0, 1.0)
            }
            "H5_distinct" => {
                let (cadre, code) = args.rsplit_once(',')?;
                let (c, t) = (member(cadre)?, town(code)?);
                if towns.len() < 2 || !(rules.active(c, 0) && rules.active(c, 1)) {
                    return None;
                }
                (lp.terms([(Col::Town(c, 0, t), 1.0), (Col::Town(c, 1, t), 1.0)]), -inf, 1.0)
            }
            "H6_load" => {
                let (code, month) = args.rsplit_once(',')?;
                let (t, (year, m)) = (town(code)?, year_month(month)?);
                let y = usize::try_from(year - rules.inst.first_year).ok().filter(|&y| y < 2)?;
                let serving =
                    members.iter().filter(|&&c| rules.serves_month(c, y, m)).map(|&c| (Col::Town(c, y, t), 1.0));
                (lp.terms(serving), -inf, p.max_cadres_per_township_year as f64)
            }
            "H7_cover" => {
                let t = town(args)?;
                let all: Vec<(Col, f64)> =
                    members.iter().flat_map(|&c| (0..2).map(move |y| (Col::Town(c, y, t), 1.0))).collect();
                if mode == PlanMode::Strict {
                    (lp.terms(all), 1.0, inf)
                } else {
                    let mut terms: Vec<(Col, f64)> = all.into_iter().map(|(col, a)| (col, -a)).collect();
                    terms.push((Col::Covered(t), 1.0));
                    (lp.terms(terms), -inf, 0.0)
                }
            }
            "S2_priority" => {
                let t = town(args)?;
                let mut terms: Vec<(Col, f64)> = members.iter().map(|&c| (Col::Town(c, 0, t), -1.0)).collect();
                terms.push((Col::First(t), 1.0));
                (lp.terms(terms), -inf, 0.0)
            }
            "B1_cover" if mode == PlanMode::BestEffort && rules.county_index.get(args) == Some(&k) => {
                let years: usize = members.iter().map(|&c| (0..2).filter(|&y| rules.active(c, y)).count()).sum();
                let target = years.min(towns.len()) as f64;
                (lp.terms(towns.iter().map(|&t| (Col::Covered(t), 1.0))), target, inf)
            }
            _ => return None,
        })
    };
    let (rows, unknown) = rows_of(duals, derive);
    Verified { bound: optimality::on_grid(lp.bound(&rows), optimality::s2_step(p), true), unknown }
}

/// Verify S3a given the plan's groups.
pub(crate) fn s3a(rules: &Rules, view: &PlanView, duals: &BTreeMap<String, f64>) -> Verified {
    let mut lp = Lp::new(true);
    let mut presence: BTreeMap<(usize, usize, u32), Vec<usize>> = BTreeMap::new();
    for c in 0..rules.n_cadres() {
        if rules.mode_blocks(c) == 0 {
            continue;
        }
        let Some(k) = view.county_of[c] else { continue };
        for y in 0..2 {
            if !rules.active(c, y) {
                continue;
            }
            for m in rules.available_months(c, y) {
                let lb = if rules.locks.month_locked(c, y, m) { 1.0 } else { 0.0 };
                lp.col(Col::Block(c, y, m), lb, 1.0, 0.0);
                presence.entry((k, y, m)).or_default().push(c);
            }
        }
    }
    for &(k, y, m) in presence.keys() {
        lp.col(Col::Presence(k, y, m), 0.0, 1.0, 1.0);
    }
    let inf = f64::INFINITY;
    let year_of = |month: &str| -> Option<(usize, u32)> {
        let (year, m) = year_month(month)?;
        Some((usize::try_from(year - rules.inst.first_year).ok().filter(|&y| y < 2)?, m))
    };
    let derive = |id: &str| -> Option<Derived> {
        let (family, args) = parse(id)?;
        Some(match family {
            "H8_blocks" => {
                let (cadre, year) = args.rsplit_once(',')?;
                let c = *rules.cadre_index.get(cadre)?;
                let y = match year {
                    "y1" => 0,
                    "y2" => 1,
                    _ => return None,
                };
                let n = rules.block_count(c, y) as f64;
                (lp.terms(rules.available_months(c, y).into_iter().map(|m| (Col::Block(c, y, m), 1.0))), n, n)
            }
            "H9_dept" => {
                let (dept, month) = args.rsplit_once(',')?;
                let (y, m) = year_of(month)?;
                let d = rules.departments.iter().position(|name| name == dept)?;
                let away =
                    (0..rules.n_cadres()).filter(|&c| rules.department_of[c] == d).map(|c| (Col::Block(c, y, m), 1.0));
                (lp.terms(away), -inf, rules.department_cap_in(d, y, m) as f64)
            }
            "S3_presence" => {
                let (code, month) = args.rsplit_once(',')?;
                let k = *rules.county_index.get(code)?;
                let (y, m) = year_of(month)?;
                let mut terms: Vec<(Col, f64)> = view.members[k].iter().map(|&c| (Col::Block(c, y, m), -1.0)).collect();
                terms.push((Col::Presence(k, y, m), 1.0));
                (lp.terms(terms), -inf, 0.0)
            }
            _ => return None,
        })
    };
    let (rows, unknown) = rows_of(duals, derive);
    Verified { bound: optimality::on_grid(lp.bound(&rows), 1.0, true), unknown }
}

/// S3b's counting bound: each group uses at most min(5, the distinct weekdays its P9 locks
/// fix + its other weekly and mixed members) distinct weekdays, and giving each free member
/// its group's least-used weekday reaches it.
pub(crate) fn s3b(rules: &Rules, view: &PlanView) -> f64 {
    (0..rules.n_counties())
        .map(|k| {
            let mut locked: Vec<chrono::Weekday> = Vec::new();
            let mut free = 0;
            for &c in view.members[k].iter().filter(|&&c| rules.has_weekday(c)) {
                match rules.locks.weekday[c] {
                    Some(d) if !locked.contains(&d) => locked.push(d),
                    Some(_) => {}
                    None => free += 1,
                }
            }
            (locked.len() + free).min(5) as f64
        })
        .sum()
}
