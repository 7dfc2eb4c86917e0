//! How tight a roster is: the necessary conditions for a strict-mode plan,
//! a constructive group assignment that meets H1–H4 and the counting form of
//! H6–H7 together, and a per-city account of which rules bind.
//!
//! "Local" universities and enterprises of a city are those whose base is
//! nearer to that city's seat than to any other city seat; the per-city
//! figures use them, while the exact checks ([`senior_shortfall`],
//! [`witness`]) use the full H2 eligibility.

use sanlian_model::{Instance, Level, Prepared};

/// Per-city supply and demand of the rules that can bind.
#[derive(Debug, Clone, PartialEq)]
pub struct CityTightness {
    /// City code.
    pub code: String,
    /// City name.
    pub name: String,
    /// Counties (groups) in the city.
    pub counties: usize,
    /// Townships in the city.
    pub townships: usize,
    /// County-level cadres of the city's counties.
    pub county_cadres: usize,
    /// City-level cadres.
    pub city_cadres: usize,
    /// Senior city-level cadres.
    pub city_seniors: usize,
    /// Cadres of local universities and enterprises.
    pub local_cadres: usize,
    /// Senior cadres of local universities and enterprises.
    pub local_seniors: usize,
    /// H3: counties − city seniors − local seniors. Positive: that many groups
    /// must be led by province seniors (or by seniors of neighbouring units).
    pub senior_gap: i64,
    /// H4: counties − city cadres. Positive: that many groups need a province cadre.
    pub upper_gap: i64,
    /// H7: extra cadres the counties need beyond their own county cadres
    /// (Σ ⌈uncovered townships / 2⌉, counting every extra cadre as active both
    /// years) minus city and local cadres. Positive: province cadres must fill it.
    pub coverage_gap: i64,
}

/// Cadre-years of cadre `c`: 2 if active in both plan years, else 1.
fn years(p: &Prepared, c: usize) -> usize {
    p.active_years(c) as usize
}

/// The city whose seat is nearest to `c`'s base.
fn home_city_of_affiliate(p: &Prepared, c: usize) -> usize {
    let base = p.inst.cadres[c].base;
    let cities = &p.inst.region.cities;
    (0..cities.len())
        .min_by(|&a, &b| {
            sanlian_model::geo::haversine_km(base, cities[a].seat)
                .total_cmp(&sanlian_model::geo::haversine_km(base, cities[b].seat))
        })
        .expect("validated: a county implies a city")
}

/// Per-city tightness figures, in region order.
///
/// # Panics
/// If `inst` does not validate.
pub fn tightness(inst: &Instance) -> Vec<CityTightness> {
    let p = Prepared::new(inst).expect("tightness needs a valid instance");
    let r = &inst.region;
    let mut rows: Vec<CityTightness> = r
        .cities
        .iter()
        .map(|c| CityTightness {
            code: c.code.clone(),
            name: c.name.clone(),
            counties: 0,
            townships: 0,
            county_cadres: 0,
            city_cadres: 0,
            city_seniors: 0,
            local_cadres: 0,
            local_seniors: 0,
            senior_gap: 0,
            upper_gap: 0,
            coverage_gap: 0,
        })
        .collect();
    let mut own_years = vec![0usize; p.n_counties()];
    for (c, cadre) in inst.cadres.iter().enumerate() {
        match cadre.level {
            Level::County => {
                let k = p.eligible[c][0];
                own_years[k] += years(&p, c);
                rows[p.county_city[k]].county_cadres += 1;
            }
            Level::City => {
                let row = &mut rows[p.city_index[cadre.home_city.as_deref().expect("validated")]];
                row.city_cadres += 1;
                row.city_seniors += usize::from(cadre.senior);
            }
            Level::University | Level::Enterprise => {
                let row = &mut rows[home_city_of_affiliate(&p, c)];
                row.local_cadres += 1;
                row.local_seniors += usize::from(cadre.senior);
            }
            Level::Province => {}
        }
    }
    let mut extra = vec![0usize; rows.len()];
    for k in 0..p.n_counties() {
        let t = p.townships_of[k].len();
        let row = &mut rows[p.county_city[k]];
        row.counties += 1;
        row.townships += t;
        extra[p.county_city[k]] += t.saturating_sub(own_years[k]).div_ceil(2);
    }
    for (row, extra) in rows.iter_mut().zip(extra) {
        row.senior_gap = row.counties as i64 - row.city_seniors as i64 - row.local_seniors as i64;
        row.upper_gap = row.counties as i64 - row.city_cadres as i64;
        row.coverage_gap = extra as i64 - row.city_cadres as i64 - row.local_cadres as i64;
    }
    rows
}

/// Maximum bipartite matching (Kuhn): `adj[left]` lists right vertices;
/// returns the right vertex matched to each left one.
fn max_matching(adj: &[Vec<usize>], n_right: usize) -> Vec<Option<usize>> {
    fn augment(u: usize, adj: &[Vec<usize>], seen: &mut [bool], right_of: &mut [Option<usize>]) -> bool {
        for &v in &adj[u] {
            if !seen[v] {
                seen[v] = true;
                let free = match right_of[v] {
                    None => true,
                    Some(w) => augment(w, adj, seen, right_of),
                };
                if free {
                    right_of[v] = Some(u);
                    return true;
                }
            }
        }
        false
    }
    let mut right_of = vec![None; n_right];
    for u in 0..adj.len() {
        let mut seen = vec![false; n_right];
        augment(u, adj, &mut seen, &mut right_of);
    }
    let mut left_of = vec![None; adj.len()];
    for (v, u) in right_of.iter().enumerate() {
        if let Some(u) = u {
            left_of[*u] = Some(v);
        }
    }
    left_of
}

/// H3 alone: counties that no senior can lead in a maximum matching of
/// counties to eligible seniors (empty when every group can have a senior leader).
pub fn senior_shortfall(p: &Prepared) -> Vec<usize> {
    let seniors: Vec<usize> = (0..p.n_cadres()).filter(|&c| p.inst.cadres[c].senior).collect();
    let mut adj = vec![Vec::new(); p.n_counties()];
    for (j, &c) in seniors.iter().enumerate() {
        for &k in &p.eligible[c] {
            adj[k].push(j);
        }
    }
    let m = max_matching(&adj, seniors.len());
    (0..p.n_counties()).filter(|&k| m[k].is_none()).collect()
}

/// Max flow on a small dense graph (Ford–Fulkerson with DFS).
fn max_flow(cap: &mut [Vec<u32>], s: usize, t: usize) -> u32 {
    fn dfs(u: usize, t: usize, f: u32, cap: &mut [Vec<u32>], seen: &mut [bool]) -> u32 {
        if u == t {
            return f;
        }
        seen[u] = true;
        for v in 0..cap.len() {
            if !seen[v] && cap[u][v] > 0 {
                let got = dfs(v, t, f.min(cap[u][v]), cap, seen);
                if got > 0 {
                    cap[u][v] -= got;
                    cap[v][u] += got;
                    return got;
                }
            }
        }
        0
    }
    let mut total = 0;
    loop {
        let mut seen = vec![false; cap.len()];
        let f = dfs(s, t, u32::MAX, cap, &mut seen);
        if f == 0 {
            return total;
        }
        total += f;
    }
}

/// H8 and H9 together, per department and year: can every active blocks- or
/// mixed-mode cadre get its block months (distinct, available) with at most
/// the department cap away in any month? Returns one line per failure.
pub fn month_problems(p: &Prepared) -> Vec<String> {
    let months: Vec<u32> = p.inst.parameters.window_months().collect();
    let mut out = Vec::new();
    for d in 0..p.departments.len() {
        for y in 0..2 {
            let members: Vec<usize> =
                (0..p.n_cadres()).filter(|&c| p.department_of[c] == d && p.active(c, y) && p.blocks(c) > 0).collect();
            if members.is_empty() {
                continue;
            }
            let n = members.len() + months.len() + 2;
            let (s, t) = (n - 2, n - 1);
            let mut cap = vec![vec![0u32; n]; n];
            let mut want = 0;
            for (i, &c) in members.iter().enumerate() {
                cap[s][i] = p.blocks(c);
                want += p.blocks(c);
                for m in p.available_months(c, y) {
                    let j = months.iter().position(|&x| x == m).expect("window month");
                    cap[i][members.len() + j] = 1;
                }
            }
            for j in 0..months.len() {
                cap[members.len() + j][t] = p.department_cap_in(d, y, months[j]);
            }
            let got = max_flow(&mut cap, s, t);
            if got < want {
                out.push(format!(
                    "department {} in plan year {}: {} members need {want} block months, at most {got} fit under its monthly cap",
                    p.departments[d],
                    y + 1,
                    members.len()
                ));
            }
        }
    }
    out
}

/// A group assignment that meets H1, H2, H3 (if asked), H4 (`min_upper_per_group`), the per-year
/// load bound of H6 and the counting form of H7 (cadre-years ≥ townships in
/// every county). With those, townships can be dealt out cyclically (H5–H7).
#[derive(Debug, Clone, PartialEq)]
pub struct Witness {
    /// County index of each cadre.
    pub county_of: Vec<usize>,
    /// Leader (cadre index) of each county, when leaders were required.
    pub leader_of: Vec<Option<usize>>,
    /// Province cadres the construction needed: as leaders, as the group's
    /// province/city member, or where townships were still uncovered. The
    /// rest were placed where they were not needed.
    pub province_needed: usize,
}

/// Build a [`Witness`] greedily: county cadres at home; leaders by a maximum
/// matching of counties to city, university and enterprise seniors, the rest
/// led by province seniors; a city (else province) cadre in each group still
/// without one; then every other cadre, city, university, enterprise and
/// province last, to the eligible county with the most uncovered townships.
/// An `Err` means the construction failed, not that no plan exists.
pub fn witness(p: &Prepared, require_leaders: bool) -> Result<Witness, String> {
    let inst = p.inst;
    let cadres = &inst.cadres;
    let nk = p.n_counties();
    let per_township = inst.parameters.max_cadres_per_township_year as usize;
    let mut st = Build {
        p,
        county_of: vec![None; p.n_cadres()],
        need: (0..nk).map(|k| p.townships_of[k].len() as i64).collect(),
        load: vec![[0; 2]; nk],
        uppers: vec![0; nk],
    };
    let mut leader_of = vec![None; nk];
    let mut province_needed = 0;
    let county_name = |k: usize| format!("{} {}", inst.region.counties[k].code, inst.region.counties[k].name);

    for (c, cadre) in cadres.iter().enumerate() {
        if cadre.level == Level::County {
            st.place(c, p.eligible[c][0]);
        }
    }

    if require_leaders {
        let local: Vec<usize> = (0..p.n_cadres())
            .filter(|&c| cadres[c].senior && cadres[c].level != Level::Province && st.county_of[c].is_none())
            .collect();
        let mut adj = vec![Vec::new(); nk];
        for (j, &c) in local.iter().enumerate() {
            for &k in &p.eligible[c] {
                adj[k].push(j);
            }
        }
        let matched = max_matching(&adj, local.len());
        let mut province_seniors: Vec<usize> = (0..p.n_cadres())
            .filter(|&c| cadres[c].senior && cadres[c].level == Level::Province && st.county_of[c].is_none())
            .collect();
        province_seniors.reverse();
        for k in 0..nk {
            let c = match matched[k] {
                Some(j) => local[j],
                None => {
                    province_needed += 1;
                    province_seniors.pop().ok_or_else(|| format!("no senior left to lead {}", county_name(k)))?
                }
            };
            leader_of[k] = Some(c);
            st.place(c, k);
        }
    }

    let min_upper = inst.parameters.min_upper_per_group as usize;
    for k in 0..nk {
        while st.uppers[k] < min_upper {
            let city = &inst.region.counties[k].city;
            let free = |c: usize| st.county_of[c].is_none();
            let pick = (0..p.n_cadres())
                .find(|&c| free(c) && cadres[c].level == Level::City && cadres[c].home_city.as_ref() == Some(city))
                .or_else(|| {
                    (0..p.n_cadres())
                        .filter(|&c| free(c) && cadres[c].level == Level::Province)
                        .min_by_key(|&c| cadres[c].senior)
                })
                .ok_or_else(|| format!("no province or city cadre left for {}", county_name(k)))?;
            if cadres[pick].level == Level::Province {
                province_needed += 1;
            }
            st.place(pick, k);
        }
    }

    for level in [Level::City, Level::University, Level::Enterprise, Level::Province] {
        for (c, cadre) in cadres.iter().enumerate() {
            if st.county_of[c].is_some() || cadre.level != level {
                continue;
            }
            let fits =
                |k: usize| (0..2).all(|y| !p.active(c, y) || st.load[k][y] < per_township * p.townships_of[k].len());
            let k = p.eligible[c]
                .iter()
                .copied()
                .filter(|&k| fits(k))
                .max_by_key(|&k| (st.need[k], std::cmp::Reverse(k)))
                .ok_or_else(|| format!("cadre {} fits in no eligible county (H6 load)", cadre.id))?;
            if level == Level::Province && st.need[k] > 0 {
                province_needed += 1;
            }
            st.place(c, k);
        }
    }

    let short: Vec<String> = (0..nk)
        .filter(|&k| st.need[k] > 0)
        .map(|k| format!("{} ({} townships short)", county_name(k), st.need[k]))
        .collect();
    if !short.is_empty() {
        return Err(format!("uncovered townships remain in {}", short.join(", ")));
    }
    Ok(Witness {
        county_of: st.county_of.into_iter().map(|k| k.expect("every cadre placed")).collect(),
        leader_of,
        province_needed,
    })
}

/// The state of [`witness`]'s construction.
struct Build<'p, 'a> {
    p: &'p Prepared<'a>,
    county_of: Vec<Option<usize>>,
    /// Townships still to cover, in cadre-years.
    need: Vec<i64>,
    /// Cadres per county and plan year.
    load: Vec<[usize; 2]>,
    /// Province- and city-level members per county.
    uppers: Vec<usize>,
}

impl Build<'_, '_> {
    fn place(&mut self, c: usize, k: usize) {
        self.county_of[c] = Some(k);
        self.need[k] -= years(self.p, c) as i64;
        for (y, l) in self.load[k].iter_mut().enumerate() {
            *l += usize::from(self.p.active(c, y));
        }
        self.uppers[k] += usize::from(self.p.inst.cadres[c].level.is_upper());
    }
}

/// Every necessary condition the generator promises, as problems (empty when all hold):
/// cadre-years ≥ townships overall; H6: county cadres of a county ≤ cap × townships;
/// H3: a senior for every county (maximum matching); H4: every county reachable by a
/// province or city cadre; H8/H9 per department ([`month_problems`]); and a [`witness`].
pub fn necessary_problems(inst: &Instance) -> Vec<String> {
    let p = match Prepared::new(inst) {
        Ok(p) => p,
        Err(e) => return vec![e.to_string()],
    };
    let mut out = Vec::new();
    let townships = inst.region.townships.len();
    let cadre_years: usize = (0..p.n_cadres()).map(|c| years(&p, c)).sum();
    if cadre_years < townships {
        out.push(format!("{cadre_years} cadre-years cannot cover {townships} townships"));
    }
    let per_township = inst.parameters.max_cadres_per_township_year as usize;
    for k in 0..p.n_counties() {
        let t = p.townships_of[k].len();
        for y in 0..2 {
            let own = (0..p.n_cadres())
                .filter(|&c| inst.cadres[c].level == Level::County && p.eligible[c] == [k] && p.active(c, y))
                .count();
            if own > per_township * t {
                out.push(format!(
                    "{}: {own} county cadres in year {} exceed {per_township} × {t} townships",
                    inst.region.counties[k].code,
                    y + 1
                ));
            }
        }
        if !(0..p.n_cadres()).any(|c| inst.cadres[c].level.is_upper() && p.is_eligible(c, k)) {
            out.push(format!("{}: no province or city cadre may serve there (H4)", inst.region.counties[k].code));
        }
    }
    let short = senior_shortfall(&p);
    if !short.is_empty() {
        out.push(format!(
            "{} counties cannot all have a senior leader (H3): {} left without one",
            p.n_counties(),
            short.len()
        ));
    }
    out.extend(month_problems(&p));
    if out.is_empty() {
        if let Err(e) = witness(&p, true) {
            out.push(format!("no group assignment found: {e}"));
        }
    }
    out
}

/// A report of which rules bind, one line each: totals, then the cities
/// where H3, H4 or coverage need help from province cadres, then the witness.
///
/// # Panics
/// If `inst` does not validate.
pub fn report(inst: &Instance) -> Vec<String> {
    let p = Prepared::new(inst).expect("report needs a valid instance");
    let rows = tightness(inst);
    let cadres = &inst.cadres;
    let count = |f: &dyn Fn(&sanlian_model::Cadre) -> bool| cadres.iter().filter(|c| f(c)).count();
    let province = count(&|c| c.level == Level::Province);
    let province_seniors = count(&|c| c.level == Level::Province && c.senior);
    let seniors = count(&|c| c.senior);
    let cadre_years: usize = (0..p.n_cadres()).map(|c| years(&p, c)).sum();
    let need_cadres: usize = (0..p.n_counties()).map(|k| p.townships_of[k].len().div_ceil(2)).sum();
    let mut out = vec![
        format!(
            "{} cadres, {cadre_years} cadre-years for {} townships in {} counties; \
             with everyone active both years the counties need at least {need_cadres} cadres (Σ ⌈townships/2⌉)",
            cadres.len(),
            inst.region.townships.len(),
            p.n_counties()
        ),
        format!("{seniors} seniors for {} groups (H3), {province_seniors} of them province seniors", p.n_counties()),
    ];
    let list = |f: &dyn Fn(&CityTightness) -> i64, what: &str| -> (i64, String) {
        let mut binding: Vec<&CityTightness> = rows.iter().filter(|r| f(r) > 0).collect();
        binding.sort_by_key(|r| (std::cmp::Reverse(f(r)), r.code.clone()));
        let total = binding.iter().map(|r| f(r)).sum();
        let parts: Vec<String> = binding.iter().map(|r| format!("{} {}", r.name, f(r))).collect();
        (total, format!("{what}: {}", if parts.is_empty() { "none".to_string() } else { parts.join(", ") }))
    };
    let (senior_total, senior_line) = list(&|r| r.senior_gap, "H3 binds (counties − city seniors − local seniors)");
    out.push(format!(
        "{senior_line}; total {senior_total} groups to be led by {province_seniors} province seniors (slack {})",
        province_seniors as i64 - senior_total
    ));
    let (upper_total, upper_line) = list(&|r| r.upper_gap, "H4 binds (counties − city cadres)");
    out.push(format!("{upper_line}; total {upper_total}"));
    let (cover_total, cover_line) =
        list(&|r| r.coverage_gap, "coverage binds (extra cadres needed − city − local cadres)");
    out.push(format!("{cover_line}; total {cover_total} of {province} province cadres"));
    for r in &rows {
        out.push(format!(
            "{} {}: {} counties, {} townships; {} county cadres; city {} ({} senior); local universities/enterprises {} ({} senior); \
             gaps: senior {}, upper {}, coverage {}",
            r.code, r.name, r.counties, r.townships, r.county_cadres, r.city_cadres, r.city_seniors, r.local_cadres, r.local_seniors,
            r.senior_gap, r.upper_gap, r.coverage_gap
        ));
    }
    match witness(&p, true) {
        Ok(w) => out.push(format!(
            "a group assignment meeting H1–H4 and township counts exists; it needs {} of the {province} province cadres \
             (as leaders, as the province/city member, or for uncovered townships), leaving {} spare",
            w.province_needed,
            province - w.province_needed
        )),
        Err(e) => out.push(format!("no group assignment found: {e}")),
    }
    out
}
