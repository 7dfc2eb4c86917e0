//! Stage S2 on township classes (issue 16, item 2): the townships of a county that every member
//! of its group values alike (the same match count for each member, the same priority flag)
//! are interchangeable, so the county's model counts them instead of naming them, and the
//! counts are spread over the class's townships afterwards. The model then grows with the
//! members times the classes (at most the distinct needs × 2), not with the members times the
//! townships: S2 is linear in townships at a fixed number of counties.
//!
//! Per county k with members M and township classes B (class b: m_b townships):
//! - t[c,y,b] ∈ {0,…,m_b}: cadre c covers a township of class b in year y (the sum of the
//!   township model's t[c,y,i] over i ∈ b, so its bound is m_b; `H5_one` keeps it ≤ 1);
//! - `H5_one[c,y]` Σ_b t[c,y,b] = 1;
//! - `H5_distinct[c,b]` t[c,1,b] + t[c,2,b] ≤ 1 for a class of one township (both years
//!   active, the county has two townships or more; a larger class always has two);
//! - `H6_load[b,y]` Σ_c t[c,y,b] ≤ max_cadres_per_township_year · m_b (when more members
//!   serve that year);
//! - `H7_cover[b]` Σ_{c,y} t[c,y,b] ≥ m_b (best effort: covered[b] ∈ {0,…,m_b} ≤ Σ t, and
//!   `B1_cover` Σ_b covered[b] ≥ the county's target);
//! - `S2_priority[b]` first[b] ≤ Σ_c t[c,1,b], first[b] ∈ {0,…,m_b}, for priority classes;
//! - maximise Σ match_value·|strengths ∩ needs|·t + priority_first_year_value·Σ first[b].
//!
//! Every row is the sum of the township model's rows over the class, so every township
//! assignment counts into a solution of this model with the same value; [`spread`] turns
//! every solution back into an assignment with the same value. The optima are equal, and an
//! LP dual of this model, given to each township row it sums, is a dual of the township
//! model with the same bound (each column's bound is the sum of its townships' bounds): the
//! proof the checker verifies names the township model's rows.
//!
//! Used when nothing ties a member to a township: no re-planning pins, no township locks (P5,
//! P6), every member serving whole active years (so H6 counts the same members in every
//! month), and some class holding two townships or more.

use std::collections::{BTreeMap, HashMap};

use sanlian_model::{PlanMode, Prepared};

use crate::milp::{Direction, Milp, MilpResult, Terms, Var};

/// How the S2 model of one county on township classes stands for the township model.
pub(crate) struct Classes {
    /// Townships of each class, in the county's order.
    classes: Vec<Vec<usize>>,
    /// (cadre, year, class, variable).
    t: Vec<(usize, usize, usize, Var)>,
    /// For each row of `milp`, the township model's rows it adds up.
    plain_rows: Vec<Vec<String>>,
}

impl Classes {
    /// The (cadre, year, township) of a solution: each class's counts spread over its
    /// townships ([`spread`]).
    pub(crate) fn townships(&self, r: &MilpResult) -> Vec<(usize, usize, usize)> {
        let mut years: Vec<[Vec<usize>; 2]> = vec![[Vec::new(), Vec::new()]; self.classes.len()];
        for &(c, y, b, v) in &self.t {
            if r.int(v) == 1 {
                years[b][y].push(c);
            }
        }
        self.classes.iter().zip(&years).flat_map(|(towns, [first, second])| spread(towns, first, second)).collect()
    }

    /// The LP duals of a solution given to the township model's rows they stand for (every
    /// row of a class gets its class row's dual), keyed by those rows' names.
    pub(crate) fn named_duals(&self, duals: &[f64]) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for (names, &y) in self.plain_rows.iter().zip(duals) {
            if y != 0.0 {
                for name in names {
                    *out.entry(name.clone()).or_insert(0.0) += y;
                }
            }
        }
        out.retain(|_, y| *y != 0.0);
        out
    }
}

/// The townships of one class for the cadres covering it in year 1 (`first`) and year 2
/// (`second`), as (cadre, year index, township): round robin over `towns` in each year, the
/// cadres of both years first in both, year 2 starting where year 1 stopped (or one further
/// when year 1 covered every township). Then, when `first` and `second` each hold at most
/// cap·|towns| cadres, every township gets at most cap cadres a year,
/// min(|first|, |towns|) townships are covered in year 1 and min(|first| + |second|, |towns|)
/// in all, and a cadre of both years covers two different townships when the class has two.
pub(crate) fn spread(towns: &[usize], first: &[usize], second: &[usize]) -> Vec<(usize, usize, usize)> {
    let m = towns.len();
    if m == 0 {
        return Vec::new();
    }
    let both: Vec<usize> = first.iter().copied().filter(|c| second.contains(c)).collect();
    let order = |year: &[usize]| -> Vec<usize> {
        both.iter().copied().chain(year.iter().copied().filter(|c| !both.contains(c))).collect()
    };
    // A cadre of both years is the j-th of each order: its townships are j and j + s (mod m),
    // different whenever s is not a multiple of m. With s = |first| < m, year 2 covers the
    // townships year 1 left.
    let s = if first.len() >= m { 1 } else { first.len() };
    let mut out = Vec::with_capacity(first.len() + second.len());
    out.extend(order(first).into_iter().enumerate().map(|(j, c)| (c, 0, towns[j % m])));
    out.extend(order(second).into_iter().enumerate().map(|(j, c)| (c, 1, towns[(s + j) % m])));
    out
}

/// The model on township classes of county `k`'s group `members` and how it stands for the
/// township model, when it applies (see the module documentation); `None` otherwise (the
/// caller builds the township model).
pub(crate) fn build(prep: &Prepared, k: usize, members: &[usize], mode: PlanMode) -> Option<(Milp, Classes)> {
    let p = &prep.inst.parameters;
    let towns = &prep.townships_of[k];
    let whole_years = members
        .iter()
        .all(|&c| (0..2).all(|y| !prep.active(c, y) || p.window_months().all(|month| prep.serves_month(c, y, month))));
    let locked = members.iter().any(|&c| {
        prep.locks.township.get(c).is_some_and(|t| t.iter().any(Option::is_some))
            || prep.locks.not_township.get(c).is_some_and(|t| t.iter().any(|l| !l.is_empty()))
    });
    if !whole_years || locked {
        return None;
    }
    let mut index: HashMap<(bool, Vec<usize>), usize> = HashMap::new();
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for &i in towns {
        let key = (prep.inst.region.townships[i].priority, members.iter().map(|&c| prep.matches(c, i)).collect());
        let b = *index.entry(key).or_insert_with(|| {
            classes.push(Vec::new());
            classes.len() - 1
        });
        classes[b].push(i);
    }
    if classes.len() == towns.len() {
        return None;
    }

    let code = &prep.inst.region.counties[k].code;
    let ids = |c: usize| prep.inst.cadres[c].id.as_str();
    let tcode = |i: usize| prep.inst.region.townships[i].code.as_str();
    let label = |b: usize| format!("{}+{}", tcode(classes[b][0]), classes[b].len() - 1);
    let size = |b: usize| classes[b].len() as f64;
    let mut m = Milp::new(format!("S2 townships {code} (township classes)"), Direction::Max);
    let mut plain_rows: Vec<Vec<String>> = Vec::new();
    let mut row = |m: &mut Milp, plain: Vec<String>, name: String, terms: Terms, lb: f64, ub: f64| {
        m.row(name, terms, lb, ub);
        plain_rows.push(plain);
    };
    let mut t = Vec::new();
    let mut in_class: Vec<[Terms; 2]> = vec![[Vec::new(), Vec::new()]; classes.len()];
    for &c in members {
        let mut per_year: [Terms; 2] = [Vec::new(), Vec::new()];
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            for b in 0..classes.len() {
                let value = p.match_value * prep.matches(c, classes[b][0]) as f64;
                let v = m.col(format!("t[{},y{},{}]", ids(c), y + 1, label(b)), 0.0, size(b), true, value);
                t.push((c, y, b, v));
                per_year[y].push((v, 1.0));
                in_class[b][y].push((v, 1.0));
            }
            let name = format!("H5_one[{},y{}]", ids(c), y + 1);
            row(&mut m, vec![name.clone()], name, per_year[y].clone(), 1.0, 1.0);
        }
        if towns.len() >= 2 && !per_year[0].is_empty() && !per_year[1].is_empty() {
            for b in (0..classes.len()).filter(|&b| classes[b].len() == 1) {
                let name = format!("H5_distinct[{},{}]", ids(c), tcode(classes[b][0]));
                row(&mut m, vec![name.clone()], name, vec![per_year[0][b], per_year[1][b]], f64::NEG_INFINITY, 1.0);
            }
        }
    }
    let cap = p.max_cadres_per_township_year as f64;
    let first_month = p.window_months().next().unwrap_or(1);
    let mut covered = Vec::new();
    for b in 0..classes.len() {
        let each = |family: &str| classes[b].iter().map(|&i| format!("{family}[{}]", tcode(i))).collect::<Vec<_>>();
        for y in 0..2 {
            if in_class[b][y].len() as f64 > cap * size(b) {
                let month = format!("{}-{first_month:02}", prep.inst.year(y));
                let plain = classes[b].iter().map(|&i| format!("H6_load[{},{month}]", tcode(i))).collect();
                row(
                    &mut m,
                    plain,
                    format!("H6_load[{},{month}]", label(b)),
                    in_class[b][y].clone(),
                    f64::NEG_INFINITY,
                    cap * size(b),
                );
            }
        }
        let all: Terms = in_class[b].iter().flatten().copied().collect();
        let name = format!("H7_cover[{}]", label(b));
        match mode {
            PlanMode::Strict => row(&mut m, each("H7_cover"), name, all, size(b), f64::INFINITY),
            PlanMode::BestEffort => {
                let cv = m.col(format!("covered[{}]", label(b)), 0.0, size(b), true, 0.0);
                let mut terms = vec![(cv, 1.0)];
                terms.extend(all.iter().map(|&(v, _)| (v, -1.0)));
                row(&mut m, each("H7_cover"), name, terms, f64::NEG_INFINITY, 0.0);
                covered.push((cv, 1.0));
            }
        }
        if prep.inst.region.townships[classes[b][0]].priority {
            let f = m.col(format!("first[{}]", label(b)), 0.0, size(b), true, p.priority_first_year_value);
            let mut terms = vec![(f, 1.0)];
            terms.extend(in_class[b][0].iter().map(|&(v, _)| (v, -1.0)));
            row(&mut m, each("S2_priority"), format!("S2_priority[{}]", label(b)), terms, f64::NEG_INFINITY, 0.0);
        }
    }
    if mode == PlanMode::BestEffort {
        let years: usize = members.iter().map(|&c| (0..2).filter(|&y| prep.active(c, y)).count()).sum();
        let name = format!("B1_cover[{code}]");
        row(&mut m, vec![name.clone()], name, covered, years.min(towns.len()) as f64, f64::INFINITY);
    }
    Some((m, Classes { classes, t, plain_rows }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every split of up to five cadres into year 1 and year 2 that the class rows allow,
    /// spread over one to four townships: loads, coverage, year-1 coverage and H5's two
    /// townships hold as `spread` promises.
    #[test]
    fn spreading_keeps_every_township_rule() {
        let mut checked = 0;
        for m in 1..=4usize {
            let towns: Vec<usize> = (10..10 + m).collect();
            for cap in 1..=2usize {
                for mask in 0..(1u32 << 10) {
                    let first: Vec<usize> = (0..5).filter(|c| mask & (1 << c) != 0).collect();
                    let second: Vec<usize> = (0..5).filter(|c| mask & (1 << (c + 5)) != 0).collect();
                    if first.len() > cap * m || second.len() > cap * m {
                        continue;
                    }
                    let out = spread(&towns, &first, &second);
                    assert_eq!(out.len(), first.len() + second.len());
                    for y in 0..2 {
                        for &i in &towns {
                            let load = out.iter().filter(|&&(_, yy, ii)| yy == y && ii == i).count();
                            assert!(load <= cap, "m {m} cap {cap} {first:?} {second:?}: load {load} on {i}");
                        }
                    }
                    let distinct = |y: Option<usize>| {
                        let mut ts: Vec<usize> =
                            out.iter().filter(|&&(_, yy, _)| y.is_none_or(|y| y == yy)).map(|x| x.2).collect();
                        ts.sort_unstable();
                        ts.dedup();
                        ts.len()
                    };
                    assert_eq!(distinct(Some(0)), first.len().min(m), "{first:?} {second:?} on {m}");
                    assert_eq!(distinct(None), (first.len() + second.len()).min(m), "{first:?} {second:?} on {m}");
                    if m >= 2 {
                        for c in first.iter().filter(|c| second.contains(c)) {
                            let at: Vec<usize> = out.iter().filter(|x| x.0 == *c).map(|x| x.2).collect();
                            assert_ne!(at[0], at[1], "cadre {c} twice on {} with {m} townships", at[0]);
                        }
                    }
                    for (c, y) in first.iter().map(|&c| (c, 0)).chain(second.iter().map(|&c| (c, 1))) {
                        assert_eq!(out.iter().filter(|x| x.0 == c && x.1 == y).count(), 1);
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "only {checked} splits checked");
    }
}
