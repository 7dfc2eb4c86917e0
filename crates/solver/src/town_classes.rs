//! Stage S2 on classes (issue 16, item 2): the townships of a county that every member of its
//! group values alike (the same match count for each member, the same priority flag) are
//! interchangeable, and so are the members that value every township class alike and are
//! active in the same years; the county's model counts both instead of naming them, and the
//! counts are spread back over cadres and townships afterwards. The model then grows with the
//! cadre classes times the township classes (at most the distinct strengths × years, and the
//! distinct needs × 2), not with the members times the townships.
//!
//! Per county k with cadre classes A (class a: n_a members) and township classes B (class b:
//! m_b townships):
//! - x[a,y,b] ∈ {0,…,n_a·m_b}: members of a covering a township of b in year y (the sum of the
//!   township model's t[c,y,i] over c ∈ a, i ∈ b, so its bound is n_a·m_b);
//! - `H5_one[a,y]` Σ_b x[a,y,b] = n_a;
//! - `H5_distinct[a,b]` x[a,1,b] + x[a,2,b] ≤ n_a for a class of one township (both years
//!   active, the county has two townships or more; a larger class always has two);
//! - `H6_load[b,y]` Σ_a x[a,y,b] ≤ max_cadres_per_township_year · m_b (when more members
//!   serve that year);
//! - `H7_cover[b]` Σ_{a,y} x[a,y,b] ≥ m_b (best effort: covered[b] ∈ {0,…,m_b} ≤ Σ x, and
//!   `B1_cover` Σ_b covered[b] ≥ the county's target);
//! - `S2_priority[b]` first[b] ≤ Σ_a x[a,1,b], first[b] ∈ {0,…,m_b}, for priority classes;
//! - maximise Σ match_value·|strengths ∩ needs|·x + priority_first_year_value·Σ first[b].
//!
//! Every row is the sum of the township model's rows over the classes, so every township
//! assignment counts into a solution of this model with the same value; [`pair`] and
//! [`spread`] turn every solution back into an assignment with the same value (`H5_distinct`
//! is Hall's condition for the pairing). The optima are equal, and an LP dual of this model,
//! given to each township-model row it sums, is a dual of the township model with the same
//! bound (each column's bound is the sum of its cadre-township columns' bounds): the proof the
//! checker verifies names the township model's rows.
//!
//! Used when nothing ties a member to a township: no re-planning pins, no township locks (P5,
//! P6), every member serving whole active years (so H6 counts the same members in every
//! month), and some class holding two townships or two cadres or more.

use std::collections::{BTreeMap, HashMap};

use sanlian_model::{PlanMode, Prepared};

use crate::milp::{Direction, Milp, MilpResult, Terms, Var};

/// How the S2 model of one county on classes stands for the township model.
pub(crate) struct Classes {
    /// Townships of each township class, in the county's order.
    classes: Vec<Vec<usize>>,
    /// Members of each cadre class, in roster order.
    cadres: Vec<Vec<usize>>,
    /// (cadre class, year, township class, variable).
    x: Vec<(usize, usize, usize, Var)>,
    /// For each row of `milp`, the township model's rows it adds up.
    plain_rows: Vec<Vec<String>>,
    /// Whether the county has two townships or more (H5: two different ones then).
    distinct: bool,
}

impl Classes {
    /// The (cadre, year, township) of a solution: each cadre class's counts paired into its
    /// members' township classes ([`pair`]), each township class's cadres spread over its
    /// townships ([`spread`]). `None` if a pairing the rows promise is not found (a defect).
    pub(crate) fn townships(&self, r: &MilpResult) -> Option<Vec<(usize, usize, usize)>> {
        let mut slots: Vec<[Vec<usize>; 2]> = vec![[Vec::new(), Vec::new()]; self.cadres.len()];
        for &(a, y, b, v) in &self.x {
            let count = usize::try_from(r.int(v)).ok()?;
            slots[a][y].extend(std::iter::repeat_n(b, count));
        }
        let single = |b: usize| self.classes[b].len() == 1 && self.distinct;
        let mut years: Vec<[Vec<usize>; 2]> = vec![[Vec::new(), Vec::new()]; self.classes.len()];
        for (members, [first, second]) in self.cadres.iter().zip(slots) {
            let second = if first.is_empty() || second.is_empty() { second } else { pair(&first, &second, single)? };
            let given = [first, second];
            for y in 0..2 {
                if !given[y].is_empty() && given[y].len() != members.len() {
                    return None;
                }
                for (&c, &b) in members.iter().zip(&given[y]) {
                    years[b][y].push(c);
                }
            }
        }
        Some(
            self.classes.iter().zip(&years).flat_map(|(towns, [first, second])| spread(towns, first, second)).collect(),
        )
    }

    /// The LP duals of a solution given to the township model's rows they stand for (every
    /// row of a class gets its class row's dual), keyed by those rows' names.
    pub(crate) fn named_duals(&self, duals: &[f64]) -> BTreeMap<String, f64> {
        let each = self.plain_rows.iter().zip(duals).flat_map(|(names, &y)| names.iter().map(move |n| (n.as_str(), y)));
        crate::milp::sum_duals(each)
    }
}

/// The year-2 township classes `second` reordered so that the j-th member of a cadre class,
/// in year 1 in class `first[j]`, is in year 2 in class `out[j]`, never in a class `apart`
/// says it may not hold twice (a single township, H5); `None` if no such order exists, which
/// `H5_distinct` rules out: a set of year-1 places in two classes or more may pair with any
/// year-2 place, and the u_b year-1 places in a class b apart with the n − v_b year-2 places
/// outside it, u_b ≤ n − v_b (Hall's condition). Found by augmenting paths.
pub(crate) fn pair(first: &[usize], second: &[usize], apart: impl Fn(usize) -> bool) -> Option<Vec<usize>> {
    let n = first.len();
    if second.len() != n {
        return None;
    }
    let allowed = |j: usize, l: usize| first[j] != second[l] || !apart(first[j]);
    // owner[l]: the year-1 place that year-2 place l is paired with.
    let mut owner: Vec<Option<usize>> = vec![None; n];
    fn augment(
        j: usize,
        seen: &mut [bool],
        owner: &mut [Option<usize>],
        allowed: &dyn Fn(usize, usize) -> bool,
    ) -> bool {
        for l in 0..owner.len() {
            if allowed(j, l) && !seen[l] {
                seen[l] = true;
                if owner[l].is_none_or(|k| augment(k, seen, owner, allowed)) {
                    owner[l] = Some(j);
                    return true;
                }
            }
        }
        false
    }
    for j in 0..n {
        // Take a free allowed place directly when there is one (most of the time).
        if let Some(l) = (0..n).find(|&l| owner[l].is_none() && allowed(j, l)) {
            owner[l] = Some(j);
        } else if !augment(j, &mut vec![false; n], &mut owner, &allowed) {
            return None;
        }
    }
    let mut out = vec![0; n];
    for (l, j) in owner.iter().enumerate() {
        out[(*j)?] = second[l];
    }
    Some(out)
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

/// The model on classes of county `k`'s group `members` and how it stands for the township
/// model, when it applies (see the module documentation); `None` otherwise (the caller builds
/// the township model).
pub(crate) fn build(prep: &Prepared, k: usize, members: &[usize], mode: PlanMode) -> Option<(Milp, Classes)> {
    let p = &prep.inst.parameters;
    let towns = &prep.townships_of[k];
    let whole_years = members
        .iter()
        .all(|&c| (0..2).all(|y| !prep.active(c, y) || p.window_months().all(|month| prep.serves_month(c, y, month))));
    if !whole_years || crate::townships::has_township_locks(prep, members) {
        return None;
    }
    let classes = group(towns, |i| {
        (prep.inst.region.townships[i].priority, members.iter().map(|&c| prep.matches(c, i)).collect::<Vec<_>>())
    });
    let active = |c: usize| [prep.active(c, 0), prep.active(c, 1)];
    let cadres = group(members, |c| (active(c), classes.iter().map(|b| prep.matches(c, b[0])).collect::<Vec<_>>()));
    if classes.len() == towns.len() && cadres.len() == members.len() {
        return None;
    }

    let code = &prep.inst.region.counties[k].code;
    let ids = |c: usize| prep.inst.cadres[c].id.as_str();
    let tcode = |i: usize| prep.inst.region.townships[i].code.as_str();
    let label = |b: usize| format!("{}+{}", tcode(classes[b][0]), classes[b].len() - 1);
    let who = |a: usize| format!("{}+{}", ids(cadres[a][0]), cadres[a].len() - 1);
    let size = |b: usize| classes[b].len() as f64;
    let distinct = towns.len() >= 2;
    let mut m = Milp::new(format!("S2 townships {code} (classes)"), Direction::Max);
    let mut plain_rows: Vec<Vec<String>> = Vec::new();
    let mut row = |m: &mut Milp, plain: Vec<String>, name: String, terms: Terms, lb: f64, ub: f64| {
        m.row(name, terms, lb, ub);
        plain_rows.push(plain);
    };
    let mut x = Vec::new();
    let mut in_class: Vec<[Terms; 2]> = vec![[Vec::new(), Vec::new()]; classes.len()];
    for (a, group) in cadres.iter().enumerate() {
        let n = group.len() as f64;
        let years = active(group[0]);
        let each = |name: &dyn Fn(usize) -> String| group.iter().map(|&c| name(c)).collect::<Vec<_>>();
        let mut per_year: [Terms; 2] = [Vec::new(), Vec::new()];
        for y in (0..2).filter(|&y| years[y]) {
            for b in 0..classes.len() {
                let value = p.match_value * prep.matches(group[0], classes[b][0]) as f64;
                let v = m.col(format!("x[{},y{},{}]", who(a), y + 1, label(b)), 0.0, n * size(b), true, value);
                x.push((a, y, b, v));
                per_year[y].push((v, 1.0));
                in_class[b][y].push((v, 1.0));
            }
            let plain = each(&|c| format!("H5_one[{},y{}]", ids(c), y + 1));
            row(&mut m, plain, format!("H5_one[{},y{}]", who(a), y + 1), per_year[y].clone(), n, n);
        }
        if distinct && years[0] && years[1] {
            for b in (0..classes.len()).filter(|&b| classes[b].len() == 1) {
                let i = classes[b][0];
                let plain = each(&|c| format!("H5_distinct[{},{}]", ids(c), tcode(i)));
                let terms = vec![per_year[0][b], per_year[1][b]];
                row(&mut m, plain, format!("H5_distinct[{},{}]", who(a), tcode(i)), terms, f64::NEG_INFINITY, n);
            }
        }
    }
    let cap = p.max_cadres_per_township_year as f64;
    let first_month = p.window_months().next().unwrap_or(1);
    let serving: [usize; 2] = [0, 1].map(|y| members.iter().filter(|&&c| prep.active(c, y)).count());
    let mut covered = Vec::new();
    for b in 0..classes.len() {
        let each = |family: &str| classes[b].iter().map(|&i| format!("{family}[{}]", tcode(i))).collect::<Vec<_>>();
        for y in 0..2 {
            if serving[y] as f64 > cap * size(b) {
                let month = format!("{}-{first_month:02}", prep.inst.year(y));
                let plain = classes[b].iter().map(|&i| format!("H6_load[{},{month}]", tcode(i))).collect();
                let name = format!("H6_load[{},{month}]", label(b));
                row(&mut m, plain, name, in_class[b][y].clone(), f64::NEG_INFINITY, cap * size(b));
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
        let name = format!("B1_cover[{code}]");
        let target = crate::townships::best_effort_target(prep, k, members, None) as f64;
        row(&mut m, vec![name.clone()], name, covered, target, f64::INFINITY);
    }
    Some((m, Classes { classes, cadres, x, plain_rows, distinct }))
}

/// `items` grouped by `key`, groups in the order of their first item.
fn group<K: std::hash::Hash + Eq>(items: &[usize], key: impl Fn(usize) -> K) -> Vec<Vec<usize>> {
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &i in items {
        let g = *index.entry(key(i)).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[g].push(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of year-1 and year-2 class lists of up to four members over three classes
    /// (class 0 a single township, the others not, or all single): a pairing is found exactly
    /// when `H5_distinct` holds (u_b + v_b ≤ n for every single class b), and it reorders the
    /// year-2 list without giving anyone a single class twice.
    #[test]
    fn pairing_exists_exactly_when_h5_distinct_holds() {
        let mut found = 0;
        for n in 1..=4usize {
            let lists: Vec<Vec<usize>> = (0..3usize.pow(n as u32))
                .map(|mut code| {
                    (0..n)
                        .map(|_| {
                            let b = code % 3;
                            code /= 3;
                            b
                        })
                        .collect()
                })
                .collect();
            for all_single in [false, true] {
                let single = |b: usize| all_single || b == 0;
                for first in &lists {
                    for second in &lists {
                        let count = |l: &[usize], b: usize| l.iter().filter(|&&x| x == b).count();
                        let hall = (0..3).filter(|&b| single(b)).all(|b| count(first, b) + count(second, b) <= n);
                        match pair(first, second, single) {
                            Some(out) => {
                                assert!(hall, "{first:?} {second:?}: paired against Hall's condition");
                                let (mut a, mut b) = (out.clone(), second.clone());
                                a.sort_unstable();
                                b.sort_unstable();
                                assert_eq!(a, b, "{first:?} {second:?}: {out:?} is not a reordering");
                                for (x, y) in first.iter().zip(&out) {
                                    assert!(x != y || !single(*x), "{first:?} {second:?}: {out:?} repeats {x}");
                                }
                                found += 1;
                            }
                            None => assert!(!hall, "{first:?} {second:?}: no pairing though Hall's condition holds"),
                        }
                    }
                }
            }
        }
        assert!(found > 1000, "only {found} pairings");
    }

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
