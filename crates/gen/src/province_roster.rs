//! A roster generator that fits any province imported by [`crate::load_province`].
//!
//! [`generate_for`] sizes every committee from the province's own townships and
//! counties ([`RosterSizes::of`]), so that the counts a strict plan needs hold with a
//! margin, and places universities and enterprises, with generic names
//! (`石家庄市属高校（一）`, `石家庄市属国有企业（一）`), a few km off the seats of the
//! province's own cities. The output depends only on its arguments: one `ChaCha8Rng`
//! seeded from `seed` (stream 0 for the roster, stream 1 for the county sizes), consumed
//! in a fixed order over vectors, so a seed gives the same JSON byte for byte.
//!
//! Sizes, with T townships and K planning units (counties) in the province:
//!
//! - **团县委** of a county with t townships: round(`county_per_township` × t) + 1 cadres,
//!   ±1 in a `county_jitter_share` of the counties, within 1 ..= max(1, 2t − 2) (room for
//!   a leader and a province or city member under H6). None senior. A city without
//!   counties has no 团县委.
//! - **团市委** of a city with k counties and t townships: max(k + `city_over_counties`,
//!   round(`city_per_township` × t)) cadres, ⌈`city_senior_share` × k⌉ of them senior; a
//!   city without counties adds what a 团县委 of its size would have. Placeholder cities
//!   (municipalities, counties directly under the province) have none.
//! - **团省委**: each county still needs o = max(1, ⌈(t − 2 × its county cadres) / 2⌉)
//!   cadres from outside (H4 and H7 with everyone active both years). In each city the
//!   province must cover what the city cannot (max(0, Σ o − city cadres)) and lead every
//!   county the city seniors cannot (k − city seniors); a leader counts as one of the
//!   county's cadres from outside, so the city needs the larger of the two from the
//!   province (all of Σ o for a placeholder city without a committee). The 团省委 has the
//!   larger of round(`province_per_township` × T) and that need plus
//!   `province_margin_share`; its seniors are the leaders it must supply plus a margin
//!   (max(`senior_margin_min`, ⌈`senior_margin_share` × K⌉)), at least
//!   `province_senior_share` of it. So the province has at least K + margin seniors.
//! - **Universities and enterprises**: max(1, round(T / `townships_per_university`)) and
//!   max(1, round(T / `townships_per_enterprise`)), `affiliate_cadres` each, one senior in
//!   an `affiliate_senior_share` of them. Their hosts are the cities with a committee, the
//!   capital (seat nearest the province seat) first, then by townships; the capital takes
//!   `capital_share` of them, the others one each in turn. A municipality has one host:
//!   itself, at its seat.
//! - Then, as for Shandong: needs and priority flags of townships, strengths, one-year
//!   cadres, preferred counties of province cadres, unavailable months, finance secondees.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanlian_model::geo::haversine_km;
use sanlian_model::{Cadre, Instance, Level, Parameters, Point, Province};
use serde::{Deserialize, Serialize};

use crate::names::NameBook;
use crate::province::{CityRole, ProvinceImport};
use crate::roster::{county_unit, offset, pick, share, tags, Variations, FINANCE_DEPARTMENT};

/// The ratios [`RosterSizes::of`] applies to a province. `Default` is the documented roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvinceRosterSpec {
    /// First plan year.
    pub first_year: i32,
    /// 团县委 cadres per township of the county (plus one).
    pub county_per_township: f64,
    /// Share of counties whose 团县委 has one cadre more or fewer.
    pub county_jitter_share: f64,
    /// Share of counties whose 团县委 has one cadre seconded from the finance system.
    pub finance_share: f64,
    /// 团市委 cadres per township of the city.
    pub city_per_township: f64,
    /// A 团市委 has at least its counties plus this many cadres (H4 from the city alone).
    pub city_over_counties: usize,
    /// Senior 团市委 cadres per county of the city (rounded up).
    pub city_senior_share: f64,
    /// Least 团省委 cadres per township of the province.
    pub province_per_township: f64,
    /// 团省委 cadres beyond the counted need, as a share of it (rounded up).
    pub province_margin_share: f64,
    /// Least share of senior 团省委 cadres.
    pub province_senior_share: f64,
    /// Senior margin over the leaders the province must supply, as a share of the counties (rounded up) …
    pub senior_margin_share: f64,
    /// … and at least this many.
    pub senior_margin_min: usize,
    /// Departments of the 团省委; cadres are spread evenly over them.
    pub province_departments: Vec<String>,
    /// Townships per university (at least one university).
    pub townships_per_university: usize,
    /// Townships per enterprise (at least one enterprise).
    pub townships_per_enterprise: usize,
    /// Share of the universities, and of the enterprises, at the capital.
    pub capital_share: f64,
    /// Cadres per university or enterprise.
    pub affiliate_cadres: usize,
    /// Share of universities and enterprises with one senior cadre.
    pub affiliate_senior_share: f64,
    /// Tag vocabulary for strengths (cadres) and needs (townships).
    pub tags: Vec<String>,
    /// Share of townships with 1–2 needs tags.
    pub needs_share: f64,
    /// Share of townships flagged priority (drawn per township).
    pub priority_share: f64,
    /// Share of province cadres with 1–3 preferred counties.
    pub preference_share: f64,
    /// Share of blocks- and mixed-mode cadres with 1–2 unavailable months.
    pub unavailable_share: f64,
    /// Share of the roster, all non-senior, active in only one plan year.
    pub one_year_share: f64,
}

impl Default for ProvinceRosterSpec {
    fn default() -> Self {
        let base = crate::RosterSpec::default();
        ProvinceRosterSpec {
            first_year: base.first_year,
            county_per_township: 0.35,
            county_jitter_share: 0.3,
            finance_share: base.finance_share,
            city_per_township: 0.1,
            city_over_counties: 2,
            city_senior_share: 0.5,
            province_per_township: 0.066,
            province_margin_share: 0.1,
            province_senior_share: 0.3,
            senior_margin_share: 0.05,
            senior_margin_min: 2,
            province_departments: base.province_departments,
            townships_per_university: 120,
            townships_per_enterprise: 180,
            capital_share: 0.3,
            affiliate_cadres: base.affiliate_cadres,
            affiliate_senior_share: base.affiliate_senior_share,
            tags: base.tags,
            needs_share: base.needs_share,
            priority_share: base.priority_share,
            preference_share: base.preference_share,
            unavailable_share: base.unavailable_share,
            one_year_share: 0.005,
        }
    }
}

/// Where universities and enterprises are: a city with a committee (or a municipality).
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    /// The city's (or the municipality's) name.
    pub name: String,
    /// Its seat.
    pub seat: Point,
}

/// The committee sizes of a province's roster, before names, tags and months.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterSizes {
    /// 团县委 cadres of each county of `region.counties` (0 for a city without counties).
    pub county: Vec<usize>,
    /// (cadres, seniors) of each city's 团市委, in `region.cities` order; (0, 0) without one.
    pub city: Vec<(usize, usize)>,
    /// Cadres from outside each county needs: max(1, ⌈(townships − 2 × county cadres) / 2⌉).
    pub outside_need: Vec<usize>,
    /// Cadres from outside the counties need beyond what their cities supply
    /// (Σ over cities of max(0, Σ outside need − city cadres); all of it without a committee).
    pub province_cover: usize,
    /// Groups the province must lead (counties its city seniors cannot).
    pub province_lead: usize,
    /// 团省委 cadres the counts need: Σ over cities of the larger of the two above
    /// (a province senior who leads a group also counts as one of its cadres from outside).
    pub province_need: usize,
    /// 团省委 cadres.
    pub province: usize,
    /// Senior 团省委 cadres.
    pub province_seniors: usize,
    /// Hosts of universities and enterprises, capital first.
    pub hosts: Vec<Host>,
    /// Host (index into `hosts`) of each university.
    pub universities: Vec<usize>,
    /// Host of each enterprise.
    pub enterprises: Vec<usize>,
}

/// `x` rounded to the nearest count.
fn round(x: f64) -> usize {
    x.round().max(0.0) as usize
}

/// `k` in Chinese numerals (1 ≤ k ≤ 99; other numbers in digits).
fn numeral(k: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match k {
        1..=9 => D[k].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[k % 10]),
        20..=99 => format!("{}十{}", D[k / 10], D[k % 10]),
        _ => k.to_string(),
    }
}

/// `n` affiliates over `hosts`: the capital takes `capital_share` of them (at least one),
/// the other hosts one each in turn.
fn spread(n: usize, hosts: usize, capital_share: f64) -> Vec<usize> {
    let capital = round(n as f64 * capital_share).clamp(1, n.max(1)).min(n);
    let mut out = vec![0; capital];
    for i in 0..n - capital {
        out.push(if hosts > 1 { 1 + i % (hosts - 1) } else { 0 });
    }
    out.sort_unstable();
    out
}

impl RosterSizes {
    /// The sizes for `import` under `spec`; the county jitter is drawn from stream 1 of `seed`.
    pub fn of(import: &ProvinceImport, spec: &ProvinceRosterSpec, seed: u64) -> RosterSizes {
        let r = &import.region;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(1);
        let townships: Vec<usize> =
            r.counties.iter().map(|k| r.townships.iter().filter(|t| t.county == k.code).count()).collect();
        let base = |t: usize| round(spec.county_per_township * t as f64) + 1;
        let mut county = Vec::with_capacity(r.counties.len());
        for (k, c) in r.counties.iter().enumerate() {
            let t = townships[k];
            let jitter = rng.random_bool(spec.county_jitter_share);
            let up = rng.random_bool(0.5);
            if import.is_city_unit(&c.code) {
                county.push(0);
                continue;
            }
            let mut n = base(t);
            if jitter {
                n = if up { n + 1 } else { n.saturating_sub(1) };
            }
            county.push(n.clamp(1, (2 * t).saturating_sub(2).max(1)));
        }
        let outside_need: Vec<usize> =
            (0..county.len()).map(|k| townships[k].saturating_sub(2 * county[k]).div_ceil(2).max(1)).collect();

        let mut city = Vec::with_capacity(r.cities.len());
        let (mut cover, mut lead, mut need) = (0, 0, 0);
        for (ci, c) in r.cities.iter().enumerate() {
            let ks: Vec<usize> = (0..r.counties.len()).filter(|&k| r.counties[k].city == c.code).collect();
            let outside: usize = ks.iter().map(|&k| outside_need[k]).sum();
            let role = import.cities[ci].role;
            if !role.has_committee() {
                city.push((0, 0));
                cover += outside;
                lead += ks.len();
                need += outside;
                continue;
            }
            let t: usize = ks.iter().map(|&k| townships[k]).sum();
            let mut m = (ks.len() + spec.city_over_counties).max(round(spec.city_per_township * t as f64));
            if role == CityRole::WithoutCounties {
                m += base(t);
            }
            let room: usize = ks.iter().map(|&k| (2 * townships[k]).saturating_sub(county[k] + 1)).sum();
            let m = m.min(room).max(1);
            let s = ((ks.len() as f64 * spec.city_senior_share).ceil() as usize).clamp(1, m);
            city.push((m, s));
            let (c_cover, c_lead) = (outside.saturating_sub(m), ks.len().saturating_sub(s));
            cover += c_cover;
            lead += c_lead;
            need += c_cover.max(c_lead);
        }
        let province = round(spec.province_per_township * r.townships.len() as f64)
            .max(need + (need as f64 * spec.province_margin_share).ceil() as usize);
        let margin = spec.senior_margin_min.max((r.counties.len() as f64 * spec.senior_margin_share).ceil() as usize);
        let province_seniors = (lead + margin).max(round(province as f64 * spec.province_senior_share)).min(province);

        let mut hosts: Vec<(usize, Host)> = r
            .cities
            .iter()
            .enumerate()
            .filter(|(ci, _)| import.cities[*ci].role.has_committee())
            .map(|(_, c)| {
                let t = r
                    .counties
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| k.city == c.code)
                    .map(|(k, _)| townships[k])
                    .sum::<usize>();
                (t, Host { name: c.name.clone(), seat: c.seat })
            })
            .collect();
        if hosts.is_empty() {
            hosts.push((r.townships.len(), Host { name: r.province.name.clone(), seat: r.province.seat }));
        }
        let capital = (0..hosts.len())
            .min_by(|&a, &b| {
                haversine_km(hosts[a].1.seat, r.province.seat)
                    .total_cmp(&haversine_km(hosts[b].1.seat, r.province.seat))
            })
            .expect("at least one host");
        let first = hosts.remove(capital);
        hosts.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
        hosts.insert(0, first);
        let hosts: Vec<Host> = hosts.into_iter().map(|(_, h)| h).collect();
        let t = r.townships.len() as f64;
        let n_u = round(t / spec.townships_per_university.max(1) as f64).max(1);
        let n_e = round(t / spec.townships_per_enterprise.max(1) as f64).max(1);
        RosterSizes {
            universities: spread(n_u, hosts.len(), spec.capital_share),
            enterprises: spread(n_e, hosts.len(), spec.capital_share),
            county,
            city,
            outside_need,
            province_cover: cover,
            province_lead: lead,
            province_need: need,
            province,
            province_seniors,
            hosts,
        }
    }
}

/// The 团省委 unit of a province: `团{name}委` (团河北省委, 团北京市委, 团新疆维吾尔自治区委).
pub fn province_unit(province: &Province) -> String {
    format!("团{}委", province.name)
}

/// Generate an instance for `import` from `spec`, deterministically from `seed`.
pub fn generate_for(import: &ProvinceImport, spec: &ProvinceRosterSpec, seed: u64) -> Instance {
    let sizes = RosterSizes::of(import, spec, seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rng = &mut rng;
    let mut names = NameBook::new();
    let mut region = import.region.clone();
    let parameters = Parameters::default();

    for t in &mut region.townships {
        t.needs = if rng.random_bool(spec.needs_share) { tags(rng, &spec.tags, 1) } else { Vec::new() };
        t.priority = rng.random_bool(spec.priority_share);
    }

    let mut cadres = Vec::new();
    let n = sizes.province;
    let unit = province_unit(&region.province);
    let depts = spec.province_departments.len();
    for (i, &senior) in pick(rng, n, sizes.province_seniors).iter().enumerate() {
        let mut c =
            Cadre::new(format!("P{:03}", i + 1), names.next(rng), Level::Province, unit.clone(), region.province.seat);
        if depts > 0 {
            c.department = Some(spec.province_departments[i * depts / n].clone());
        }
        c.senior = senior;
        c.strengths = tags(rng, &spec.tags, 0);
        cadres.push(c);
    }

    for (city, &(m, s)) in region.cities.iter().zip(&sizes.city) {
        for (i, &senior) in pick(rng, m, s).iter().enumerate() {
            let id = format!("C{}{:02}", &city.code[2..4], i + 1);
            let mut c = Cadre::new(id, names.next(rng), Level::City, format!("团{}委", city.name), city.seat);
            c.senior = senior;
            c.home_city = Some(city.code.clone());
            c.strengths = tags(rng, &spec.tags, 0);
            cadres.push(c);
        }
    }

    let with_committee: Vec<usize> = (0..region.counties.len()).filter(|&k| sizes.county[k] > 0).collect();
    let finance = pick(rng, with_committee.len(), share(with_committee.len(), spec.finance_share));
    for (j, &k) in with_committee.iter().enumerate() {
        let county = &region.counties[k];
        let size = sizes.county[k];
        for i in 0..size {
            let id = format!("K{}-{}", county.code, i + 1);
            let mut c = Cadre::new(id, names.next(rng), Level::County, county_unit(&region, county), county.seat);
            c.home_county = Some(county.code.clone());
            if finance[j] && i + 1 == size {
                c.department = Some(FINANCE_DEPARTMENT.to_string());
            }
            c.strengths = tags(rng, &spec.tags, 0);
            cadres.push(c);
        }
    }

    for (prefix, level, kind, list) in [
        ("U", Level::University, "高校", &sizes.universities),
        ("E", Level::Enterprise, "国有企业", &sizes.enterprises),
    ] {
        let with_senior = pick(rng, list.len(), share(list.len(), spec.affiliate_senior_share));
        let mut per_host = vec![0usize; sizes.hosts.len()];
        for (u, &h) in list.iter().enumerate() {
            per_host[h] += 1;
            let host = &sizes.hosts[h];
            let unit = format!("{}属{kind}（{}）团委", host.name, numeral(per_host[h]));
            let base = offset(rng, host.seat);
            for i in 0..spec.affiliate_cadres {
                let id = format!("{prefix}{:02}-{}", u + 1, i + 1);
                let mut c = Cadre::new(id, names.next(rng), level, unit.clone(), base);
                c.senior = with_senior[u] && i == 0;
                c.strengths = tags(rng, &spec.tags, 0);
                cadres.push(c);
            }
        }
    }

    let variations = Variations {
        one_year: share(cadres.len(), spec.one_year_share),
        preference_share: spec.preference_share,
        unavailable_share: spec.unavailable_share,
        first_year: spec.first_year,
    };
    variations.apply(&mut cadres, &region, &parameters, rng);

    Instance {
        name: format!(
            "{} {}–{} 三联四促（合成名册，随机种子 {seed}）",
            region.province.name,
            spec.first_year,
            spec.first_year + 1
        ),
        first_year: spec.first_year,
        parameters,
        region,
        cadres,
        locks: Vec::new(),
        department_quotas: Vec::new(),
        spread: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 19, 20, 21, 99].iter().map(|&k| numeral(k)).collect();
        assert_eq!(got, ["一", "九", "十", "十一", "十九", "二十", "二十一", "九十九"]);
    }

    #[test]
    fn the_capital_takes_its_share_and_the_others_one_each_in_turn() {
        assert_eq!(spread(1, 5, 0.3), [0]);
        assert_eq!(spread(10, 4, 0.3), [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]);
        assert_eq!(spread(3, 1, 0.3), [0, 0, 0]);
    }
}
