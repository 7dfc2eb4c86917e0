//! The seeded synthetic roster generator.
//!
//! [`generate`] turns a region and a [`RosterSpec`] into an [`Instance`]. The
//! output depends only on its arguments: one `ChaCha8Rng` stream seeded from
//! `seed`, consumed in a fixed order over vectors (never hash-map order), so a
//! seed gives the same JSON byte for byte. All personal names are pseudonyms.
//!
//! What it makes, in this order (each step draws from the stream):
//! 1. township `needs` (0–2 tags) and `priority` flags (overwriting any present);
//! 2. 团省委 cadres (`P001`…), spread evenly over the departments, an exact number senior;
//! 3. per city with counties, its 团市委 (`C0101`… = city digits 3–4 + number), an exact number senior;
//! 4. per county, its 团县委 (`K370102-1`…, unit [`county_unit`]), sized by its township count,
//!    none senior; in a share of the counties one of them carries department
//!    `金融挂职` (seconded from the finance system, still county level);
//! 5. universities (`U01-1`…) and enterprises (`E01-1`…) of the spec whose city
//!    is in the region, based a few km off their city's seat; in half of them one cadre is senior;
//! 6. cadres active in only one plan year, preferred counties of province
//!    cadres, unavailable months of blocks- and mixed-mode cadres.

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanlian_model::{Cadre, County, Instance, Level, Mode, Parameters, Point, Region};
use serde::{Deserialize, Serialize};

use crate::names::NameBook;

/// A university or enterprise league committee that sends cadres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affiliate {
    /// Name without "团委", e.g. "山东大学"; the unit is name + "团委".
    pub name: String,
    /// Code of the city it is in; it is left out when that city is not in the region.
    pub city: String,
}

impl Affiliate {
    fn new(name: &str, city: &str) -> Affiliate {
        Affiliate { name: name.to_string(), city: city.to_string() }
    }
}

/// What to generate. `Default` is the Shandong-size roster (about 1,050 cadres).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterSpec {
    /// First plan year.
    pub first_year: i32,
    /// Cadres of 团省委.
    pub province_cadres: usize,
    /// How many of them are senior (副处级以上).
    pub province_seniors: usize,
    /// Departments of 团省委; cadres are spread evenly over them.
    pub province_departments: Vec<String>,
    /// Cadres per 团市委.
    pub city_cadres: usize,
    /// Senior cadres per 团市委.
    pub city_seniors: usize,
    /// Fewest cadres per 团县委 (counties with fewer than 11 townships).
    pub county_cadres_min: usize,
    /// Most cadres per 团县委 (the base size is min, +1 from 11 townships, +1 from 16, then a random ±1 in some counties).
    pub county_cadres_max: usize,
    /// Share of counties whose 团县委 has one cadre seconded from the finance system (department `金融挂职`).
    pub finance_share: f64,
    /// Universities (unit "{name}团委", level university).
    pub universities: Vec<Affiliate>,
    /// Enterprises (unit "{name}团委", level enterprise).
    pub enterprises: Vec<Affiliate>,
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
    /// Non-senior cadres active in only one plan year.
    pub one_year_cadres: usize,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

impl Default for RosterSpec {
    fn default() -> Self {
        RosterSpec {
            first_year: 2027,
            province_cadres: 120,
            province_seniors: 60,
            province_departments: strings(&[
                "办公室",
                "组织部",
                "宣传部",
                "统战部",
                "学校部",
                "青年发展部",
                "社会联络部",
                "权益部",
                "基层组织建设部",
                "志愿者工作部",
            ]),
            city_cadres: 12,
            city_seniors: 5,
            county_cadres_min: 4,
            county_cadres_max: 6,
            finance_share: 0.1,
            universities: vec![
                Affiliate::new("山东大学", "370100"),
                Affiliate::new("山东师范大学", "370100"),
                Affiliate::new("中国海洋大学", "370200"),
                Affiliate::new("青岛大学", "370200"),
                Affiliate::new("中国石油大学（华东）", "370200"),
                Affiliate::new("山东理工大学", "370300"),
                Affiliate::new("烟台大学", "370600"),
                Affiliate::new("鲁东大学", "370600"),
                Affiliate::new("潍坊学院", "370700"),
                Affiliate::new("曲阜师范大学", "370800"),
                Affiliate::new("山东农业大学", "370900"),
                Affiliate::new("临沂大学", "371300"),
                Affiliate::new("德州学院", "371400"),
                Affiliate::new("聊城大学", "371500"),
                Affiliate::new("菏泽学院", "371700"),
            ],
            enterprises: vec![
                Affiliate::new("浪潮集团", "370100"),
                Affiliate::new("中国重汽集团", "370100"),
                Affiliate::new("海尔集团", "370200"),
                Affiliate::new("海信集团", "370200"),
                Affiliate::new("胜利油田", "370500"),
                Affiliate::new("万华化学集团", "370600"),
                Affiliate::new("潍柴集团", "370700"),
                Affiliate::new("威高集团", "371000"),
                Affiliate::new("临工集团", "371300"),
                Affiliate::new("魏桥创业集团", "371600"),
            ],
            affiliate_cadres: 2,
            affiliate_senior_share: 0.5,
            tags: strings(&["就业创业", "留守儿童", "志愿服务", "团务培训", "乡村振兴", "青年社会组织"]),
            needs_share: 0.4,
            priority_share: 0.1,
            preference_share: 0.2,
            unavailable_share: 0.05,
            one_year_cadres: 6,
        }
    }
}

impl RosterSpec {
    /// A spec for a one-city region: 6 province cadres (2 senior) in 2
    /// departments and 6 city cadres (3 senior); everything else as default.
    pub fn small() -> RosterSpec {
        RosterSpec {
            province_cadres: 6,
            province_seniors: 2,
            province_departments: strings(&["组织部", "学校部"]),
            city_cadres: 6,
            city_seniors: 3,
            one_year_cadres: 1,
            ..RosterSpec::default()
        }
    }
}

/// Department of the county cadre seconded from the finance system.
pub const FINANCE_DEPARTMENT: &str = "金融挂职";

/// `k` of `n` positions, drawn without replacement, as flags.
pub(crate) fn pick(rng: &mut ChaCha8Rng, n: usize, k: usize) -> Vec<bool> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(rng);
    let mut flags = vec![false; n];
    for &i in idx.iter().take(k.min(n)) {
        flags[i] = true;
    }
    flags
}

/// The roster's variations both generators draw, in this order (the order of the random
/// draws is part of every fixture's bytes): one-year juniors, province cadres' preferred
/// counties, block cadres' unavailable months.
pub(crate) struct Variations {
    /// Juniors active in one plan year only.
    pub(crate) one_year: usize,
    /// Share of province cadres with preferred counties.
    pub(crate) preference_share: f64,
    /// Share of block cadres with unavailable months.
    pub(crate) unavailable_share: f64,
    /// The first plan year.
    pub(crate) first_year: i32,
}

impl Variations {
    /// Draw the variations onto `cadres`.
    pub(crate) fn apply(&self, cadres: &mut [Cadre], region: &Region, parameters: &Parameters, rng: &mut ChaCha8Rng) {
        let juniors: Vec<usize> = (0..cadres.len()).filter(|&i| !cadres[i].senior).collect();
        for &i in juniors.choose_multiple(rng, self.one_year) {
            cadres[i].active_years = vec![rng.random_range(1..=2)];
        }

        let province: Vec<usize> = (0..cadres.len()).filter(|&i| cadres[i].level == Level::Province).collect();
        let n_counties = region.counties.len();
        for &i in province.choose_multiple(rng, share(province.len(), self.preference_share)) {
            let m = rng.random_range(1..=3).min(n_counties);
            let mut ks: Vec<usize> = (0..n_counties).collect::<Vec<_>>().choose_multiple(rng, m).copied().collect();
            ks.sort_unstable();
            cadres[i].preferred_counties = ks.into_iter().map(|k| region.counties[k].code.clone()).collect();
        }

        let away: Vec<usize> = (0..cadres.len()).filter(|&i| cadres[i].mode() != Mode::Weekly).collect();
        let months: Vec<u32> = parameters.window_months().collect();
        for &i in away.choose_multiple(rng, share(away.len(), self.unavailable_share)) {
            let slots: Vec<(u8, u32)> =
                cadres[i].active_years.iter().flat_map(|&y| months.iter().map(move |&m| (y, m))).collect();
            let m = rng.random_range(1..=2);
            let mut chosen: Vec<(u8, u32)> = slots.choose_multiple(rng, m).copied().collect();
            chosen.sort_unstable();
            cadres[i].unavailable_months =
                chosen.into_iter().map(|(y, m)| format!("{}-{m:02}", self.first_year + i32::from(y) - 1)).collect();
        }
    }
}

pub(crate) fn share(n: usize, s: f64) -> usize {
    (n as f64 * s).round() as usize
}

/// 0–2 distinct tags (`lo..=2` of them), in vocabulary order.
pub(crate) fn tags(rng: &mut ChaCha8Rng, vocab: &[String], lo: usize) -> Vec<String> {
    let n = rng.random_range(lo..=2).min(vocab.len());
    let mut chosen: Vec<usize> = (0..vocab.len()).collect::<Vec<_>>().choose_multiple(rng, n).copied().collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| vocab[i].clone()).collect()
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// `p` moved by up to 6 km east–west and north–south, rounded to 6 decimals.
pub(crate) fn offset(rng: &mut ChaCha8Rng, p: Point) -> Point {
    let dx: f64 = rng.random_range(-6.0..6.0);
    let dy: f64 = rng.random_range(-6.0..6.0);
    Point { lat: round6(p.lat + dy / 111.2), lon: round6(p.lon + dx / (111.2 * p.lat.to_radians().cos())) }
}

fn cadre(id: String, name: String, level: Level, unit: String, base: Point) -> Cadre {
    Cadre::new(id, name, level, unit, base)
}

/// The 团县委 unit of `county`: "团{county}委", or "团{city}{county}委" when
/// another county of the region has the same name (e.g. the two 市中区).
pub fn county_unit(region: &Region, county: &County) -> String {
    if region.counties.iter().filter(|k| k.name == county.name).count() > 1 {
        let city = region.cities.iter().find(|c| c.code == county.city).map_or("", |c| c.name.as_str());
        format!("团{city}{}委", county.name)
    } else {
        format!("团{}委", county.name)
    }
}

/// Generate an instance for `region` from `spec`, deterministically from `seed`.
pub fn generate(region: &Region, spec: &RosterSpec, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let rng = &mut rng;
    let mut names = NameBook::new();
    let mut region = region.clone();
    let parameters = Parameters::default();

    for t in &mut region.townships {
        t.needs = if rng.random_bool(spec.needs_share) { tags(rng, &spec.tags, 1) } else { Vec::new() };
        t.priority = rng.random_bool(spec.priority_share);
    }

    let mut cadres = Vec::new();
    let n = spec.province_cadres;
    let seniors = pick(rng, n, spec.province_seniors);
    let depts = spec.province_departments.len();
    for (i, &senior) in seniors.iter().enumerate() {
        let mut c =
            cadre(format!("P{:03}", i + 1), names.next(rng), Level::Province, "团省委".into(), region.province.seat);
        if depts > 0 {
            c.department = Some(spec.province_departments[i * depts / n].clone());
        }
        c.senior = senior;
        c.strengths = tags(rng, &spec.tags, 0);
        cadres.push(c);
    }

    for city in &region.cities {
        if !region.counties.iter().any(|k| k.city == city.code) {
            continue;
        }
        let seniors = pick(rng, spec.city_cadres, spec.city_seniors);
        for (i, &senior) in seniors.iter().enumerate() {
            let id = format!("C{}{:02}", &city.code[2..4], i + 1);
            let mut c = cadre(id, names.next(rng), Level::City, format!("团{}委", city.name), city.seat);
            c.senior = senior;
            c.home_city = Some(city.code.clone());
            c.strengths = tags(rng, &spec.tags, 0);
            cadres.push(c);
        }
    }

    let finance = pick(rng, region.counties.len(), share(region.counties.len(), spec.finance_share));
    for (k, county) in region.counties.iter().enumerate() {
        let t = region.townships.iter().filter(|t| t.county == county.code).count();
        let (lo, hi) = (spec.county_cadres_min, spec.county_cadres_max.max(spec.county_cadres_min));
        let mut size = lo + usize::from(t >= 11) + usize::from(t >= 16);
        if rng.random_bool(0.3) {
            size = if rng.random_bool(0.5) { size + 1 } else { size.saturating_sub(1) };
        }
        let cap = parameters.max_cadres_per_township_year as usize * t;
        let size = size.clamp(lo, hi).min(cap).max(1);
        for i in 0..size {
            let id = format!("K{}-{}", county.code, i + 1);
            let mut c = cadre(id, names.next(rng), Level::County, county_unit(&region, county), county.seat);
            c.home_county = Some(county.code.clone());
            if finance[k] && i + 1 == size {
                c.department = Some(FINANCE_DEPARTMENT.to_string());
            }
            c.strengths = tags(rng, &spec.tags, 0);
            cadres.push(c);
        }
    }

    for (prefix, level, list) in
        [("U", Level::University, &spec.universities), ("E", Level::Enterprise, &spec.enterprises)]
    {
        let units: Vec<(&Affiliate, Point)> =
            list.iter().filter_map(|a| region.cities.iter().find(|c| c.code == a.city).map(|c| (a, c.seat))).collect();
        let with_senior = pick(rng, units.len(), share(units.len(), spec.affiliate_senior_share));
        for (u, (a, seat)) in units.iter().enumerate() {
            let base = offset(rng, *seat);
            for i in 0..spec.affiliate_cadres {
                let id = format!("{prefix}{:02}-{}", u + 1, i + 1);
                let mut c = cadre(id, names.next(rng), level, format!("{}团委", a.name), base);
                c.senior = with_senior[u] && i == 0;
                c.strengths = tags(rng, &spec.tags, 0);
                cadres.push(c);
            }
        }
    }

    let variations = Variations {
        one_year: spec.one_year_cadres,
        preference_share: spec.preference_share,
        unavailable_share: spec.unavailable_share,
        first_year: spec.first_year,
    };
    variations.apply(&mut cadres, &region, &parameters, rng);

    let place = match region.cities.as_slice() {
        [one] => format!("{}{}", region.province.name, one.name),
        _ => region.province.name.clone(),
    };
    Instance {
        name: format!("{place} {}–{} 三联四促（合成名册，随机种子 {seed}）", spec.first_year, spec.first_year + 1),
        first_year: spec.first_year,
        parameters,
        region,
        cadres,
        locks: Vec::new(),
        department_quotas: Vec::new(),
        spread: Default::default(),
    }
}

/// Break the senior-leader rule (H3) in a way a planner recognises.
///
/// Takes the city with the most counties (the first in region order on a
/// tie), removes its senior city cadres from the roster (as if transferred
/// away), and, if the province and university/enterprise seniors who may lead
/// there (H2) still number at least its counties, clears the senior flag of
/// the surplus ones, last in the roster first, until one fewer than its
/// counties remain. Province seniors may lead anywhere, so on a roster with
/// many of them (e.g. the Shandong one) this demotes most of them and other
/// cities fall short too; on the one-city fixture only the removal is needed.
/// Coverage and mixed composition are not touched beyond the removed cadres.
/// The instance name says what was done.
///
/// # Panics
/// If `inst` has no counties or does not validate.
pub fn make_infeasible(inst: &Instance) -> Instance {
    let region = &inst.region;
    let (code, name, n) = region
        .cities
        .iter()
        .enumerate()
        .map(|(i, city)| (i, city, region.counties.iter().filter(|k| k.city == city.code).count()))
        .min_by_key(|&(i, _, n)| (std::cmp::Reverse(n), i))
        .map(|(_, city, n)| (city.code.as_str(), city.name.as_str(), n))
        .filter(|&(_, _, n)| n > 0)
        .expect("a region with counties");
    let mut out = inst.clone();
    let before = out.cadres.len();
    out.cadres.retain(|c| !(c.level == Level::City && c.senior && c.home_city.as_deref() == Some(code)));
    let removed = before - out.cadres.len();

    let eligible_seniors: Vec<usize> = {
        let p = sanlian_model::Prepared::new(&out).expect("make_infeasible needs a valid instance");
        (0..out.cadres.len())
            .filter(|&c| out.cadres[c].senior && p.eligible[c].iter().any(|&k| region.counties[k].city == code))
            .collect()
    };
    let keep = n - 1;
    let demoted = eligible_seniors.len().saturating_sub(keep);
    for &c in eligible_seniors.iter().rev().take(demoted) {
        out.cadres[c].senior = false;
    }
    let left = eligible_seniors.len() - demoted;
    out.name = if demoted == 0 {
        format!(
            "{}：不可行——团{name}委的 {removed} 名副处级以上干部调离，{name} {n} 个县（市、区）只有 {left} 名可任组长的副处级以上干部",
            inst.name
        )
    } else {
        format!(
            "{}：不可行——团{name}委的 {removed} 名副处级以上干部调离，另有 {demoted} 名改为非副处级，{name} {n} 个县（市、区）只有 {left} 名可任组长的副处级以上干部",
            inst.name
        )
    };
    out
}
