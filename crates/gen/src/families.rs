//! Instance families a planner will meet (issue 16): the Shandong fixture and variants of it
//! that make the LP relaxations fractional, for the benchmark of families
//! (`cargo bench --bench families`).
//!
//! Every family is built from the Shandong region and a seed, deterministically; each is
//! feasible in strict mode (the tests solve them). What each family changes:
//!
//! | family | what differs from the fixture |
//! |---|---|
//! | [`Family::Fixture`] | nothing: [`crate::fixtures::shandong`] (the seed is not used) |
//! | [`Family::Preferences`] | half of all cadres (drawn over every level) name 1–3 preferred counties among the counties H2 lets them join |
//! | [`Family::OneYear`] | 30 % of the cadres, all non-senior, are active in one plan year only (drawn uniformly); 团县委 have 5–7 cadres instead of 4–6 so that H7 still holds |
//! | [`Family::ServicePeriods`] | 15 % of the cadres, all non-senior, have a service period: half join on the first day of a month from April to October of year 1, half leave on the first day of a month from May to November of year 2 |
//! | [`Family::DepartmentCap`] | `max_department_away_share` 0.2 instead of 0.3: each 团省委 department of 12 may have 3 away in a month (H9), for an average need of 2.4 |
//! | [`Family::DenseTownships`] | [`dense`] with factor 8: every township of the fixture and every cadre eight times (14,568 townships, 8,280 cadres in the 136 counties), the copies' needs, priority flags and strengths drawn afresh |
//! | [`Family::Merged`] | four provinces of [`crate::national`] (seed 0, provinces 1–4) merged into one: one 团省委 of 720 cadres (its departments four times as large), the other units named after their province; with 30 % one-year cadres, preferences for half and a previous county for half of the cadres (4,344 cadres and 5,171 townships with seed 1) |

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanlian_model::{Cadre, Instance, Prepared, Region};

use crate::roster::{generate, RosterSpec};

/// A family of instances (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The committed Shandong fixture.
    Fixture,
    /// Half of the cadres with preferred counties.
    Preferences,
    /// 30 % of the cadres active one year only.
    OneYear,
    /// 15 % of the cadres with service periods (joiners and leavers).
    ServicePeriods,
    /// 团省委 departments at the H9 cap.
    DepartmentCap,
    /// Eight times the townships and the cadres in the same counties.
    DenseTownships,
    /// Four provinces merged, with one-year cadres, preferences and previous counties.
    Merged,
}

impl Family {
    /// Every family, fixture first.
    pub const ALL: [Family; 7] = [
        Family::Fixture,
        Family::Preferences,
        Family::OneYear,
        Family::ServicePeriods,
        Family::DepartmentCap,
        Family::DenseTownships,
        Family::Merged,
    ];

    /// Is the family about the size of the Shandong fixture (about 1,000 cadres)? The dense
    /// and merged families are several times larger.
    pub fn shandong_size(self) -> bool {
        !matches!(self, Family::DenseTownships | Family::Merged)
    }

    /// A short name, used as the benchmark's id.
    pub fn name(self) -> &'static str {
        match self {
            Family::Fixture => "fixture",
            Family::Preferences => "preferences",
            Family::OneYear => "one_year",
            Family::ServicePeriods => "service_periods",
            Family::DepartmentCap => "department_cap",
            Family::DenseTownships => "dense_townships",
            Family::Merged => "merged",
        }
    }
}

/// The instance of `family` made from `region` (the Shandong region) and `seed`.
///
/// # Panics
/// If `region` is not one the roster generator can staff (it is for the Shandong region).
pub fn family(region: &Region, family: Family, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(16);
    let mut inst = match family {
        Family::Fixture | Family::Preferences | Family::ServicePeriods | Family::DepartmentCap => {
            crate::fixtures::shandong(region)
        }
        Family::OneYear => {
            let spec = RosterSpec { county_cadres_min: 5, county_cadres_max: 7, ..RosterSpec::default() };
            generate(region, &spec, seed)
        }
        Family::DenseTownships => dense(region, 8, seed),
        Family::Merged => merged(region),
    };
    match family {
        Family::Fixture => {}
        Family::Preferences => prefer(&mut inst, 0.5, &mut rng),
        Family::OneYear => one_year(&mut inst, 0.3, &mut rng),
        Family::ServicePeriods => service_periods(&mut inst, 0.15, &mut rng),
        Family::DepartmentCap => inst.parameters.max_department_away_share = 0.2,
        Family::DenseTownships => {}
        Family::Merged => {
            one_year(&mut inst, 0.3, &mut rng);
            prefer(&mut inst, 0.5, &mut rng);
            previous(&mut inst, 0.5, &mut rng);
        }
    }
    inst.name = format!("{}（族 {}，随机种子 {seed}）", inst.name, family.name());
    inst
}

/// Four national provinces (seed 0, provinces 1–4) as one: codes are already distinct; ids
/// get the province's number, and every unit but 团省委 the province's name.
fn merged(region: &Region) -> Instance {
    let parts: Vec<Instance> = crate::national::national(region, 0).into_iter().skip(1).take(4).collect();
    let mut out = parts[0].clone();
    out.region.cities.clear();
    out.region.counties.clear();
    out.region.townships.clear();
    out.cadres.clear();
    for (i, part) in parts.into_iter().enumerate() {
        out.region.cities.extend(part.region.cities);
        out.region.counties.extend(part.region.counties);
        out.region.townships.extend(part.region.townships);
        let province = part.region.province.name;
        out.cadres.extend(part.cadres.into_iter().map(|mut c| {
            c.id = format!("M{}-{}", i + 1, c.id);
            if c.unit != "团省委" {
                c.unit = format!("{province}{}", c.unit);
            }
            c
        }));
    }
    out.region.province.name = "合成省（四省合并）".into();
    out.name = format!("四省合并 {}–{} 三联四促（合成名册）", out.first_year, out.first_year + 1);
    out
}

/// The Shandong fixture with `factor` times its townships and its cadres in the same 136
/// counties (the dense-townships family has factor 8; factor 1 is the fixture): each township
/// and each cadre is kept and copied `factor − 1` times. A copy's code is the township's code
/// and two digits (`37010200102`), its name the township's and the copy's number (`解放路街道（二）`)
/// its needs and priority flag drawn as the roster generator draws them; a cadre's copy has
/// the id `{id}-{n}`, the same unit, department, level and base, and strengths drawn afresh.
/// Every county's township need, H6 capacity and supply of cadres grow by the same factor, so
/// the instance is feasible when the fixture is.
pub fn dense(region: &Region, factor: usize, seed: u64) -> Instance {
    let mut inst = crate::fixtures::shandong(region);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(17);
    let spec = RosterSpec::default();
    const NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let number = |n: usize| NUMBERS.get(n).map_or_else(|| (n + 1).to_string(), |s| s.to_string());
    let towns = inst.region.townships.clone();
    let cadres = inst.cadres.clone();
    for n in 1..factor {
        for t in &towns {
            let mut copy = t.clone();
            copy.code = format!("{}{:02}", t.code, n + 1);
            copy.name = format!("{}（{}）", t.name, number(n));
            copy.needs = if rng.random_bool(spec.needs_share) {
                crate::roster::tags(&mut rng, &spec.tags, 1)
            } else {
                Vec::new()
            };
            copy.priority = rng.random_bool(spec.priority_share);
            inst.region.townships.push(copy);
        }
        for c in &cadres {
            let mut copy = c.clone();
            copy.id = format!("{}-{}", c.id, n + 1);
            copy.strengths = crate::roster::tags(&mut rng, &spec.tags, 0);
            inst.cadres.push(copy);
        }
    }
    if factor > 1 {
        inst.name = format!("{}（乡镇与干部各 {factor} 倍）", inst.name);
    }
    inst
}

/// The indices of `share` of the cadres passing `keep`, drawn uniformly.
fn draw(inst: &Instance, share: f64, rng: &mut ChaCha8Rng, keep: impl Fn(&Cadre) -> bool) -> Vec<usize> {
    let pool: Vec<usize> = (0..inst.cadres.len()).filter(|&c| keep(&inst.cadres[c])).collect();
    let n = ((inst.cadres.len() as f64 * share).round() as usize).min(pool.len());
    let mut chosen: Vec<usize> = pool.choose_multiple(rng, n).copied().collect();
    chosen.sort_unstable();
    chosen
}

/// `share` of the cadres, non-senior, active in one year (year 1 or 2, even odds).
fn one_year(inst: &mut Instance, share: f64, rng: &mut ChaCha8Rng) {
    for c in draw(inst, share, rng, |c| !c.senior && c.active_years.len() == 2) {
        inst.cadres[c].active_years = vec![rng.random_range(1..=2)];
        inst.cadres[c].unavailable_months.clear();
    }
}

/// The counties H2 lets each cadre join.
fn eligible(inst: &Instance) -> Vec<Vec<String>> {
    let prep = Prepared::new(inst).expect("a family's instance is valid");
    prep.eligible.iter().map(|ks| ks.iter().map(|&k| inst.region.counties[k].code.clone()).collect()).collect()
}

/// `share` of the cadres with 1–3 preferred counties among their eligible ones.
fn prefer(inst: &mut Instance, share: f64, rng: &mut ChaCha8Rng) {
    let eligible = eligible(inst);
    for c in draw(inst, share, rng, |_| true) {
        let m = rng.random_range(1..=3).min(eligible[c].len());
        let mut ks: Vec<String> = eligible[c].choose_multiple(rng, m).cloned().collect();
        ks.sort_unstable();
        inst.cadres[c].preferred_counties = ks;
    }
}

/// `share` of the cadres with a previous county among their eligible ones.
fn previous(inst: &mut Instance, share: f64, rng: &mut ChaCha8Rng) {
    let eligible = eligible(inst);
    for c in draw(inst, share, rng, |_| true) {
        inst.cadres[c].previous_county = eligible[c].choose(rng).cloned();
    }
}

/// `share` of the cadres, non-senior and active both years, join in year 1 or leave in year 2.
fn service_periods(inst: &mut Instance, share: f64, rng: &mut ChaCha8Rng) {
    let first = inst.first_year;
    for (i, c) in draw(inst, share, rng, |c| !c.senior && c.active_years.len() == 2).into_iter().enumerate() {
        let cadre = &mut inst.cadres[c];
        if i % 2 == 0 {
            cadre.from = chrono::NaiveDate::from_ymd_opt(first, rng.random_range(4..=10), 1);
        } else {
            cadre.until = chrono::NaiveDate::from_ymd_opt(first + 1, rng.random_range(5..=11), 1);
        }
        cadre.unavailable_months.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> Region {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shandong/data");
        crate::load_region(&dir).expect("the Shandong data").region
    }

    #[test]
    fn families_differ_from_the_fixture_as_documented() {
        let region = region();
        let fixture = family(&region, Family::Fixture, 1);
        let n = fixture.cadres.len() as f64;
        let count = |inst: &Instance, f: &dyn Fn(&Cadre) -> bool| inst.cadres.iter().filter(|c| f(c)).count();
        let prefs = family(&region, Family::Preferences, 1);
        let with = count(&prefs, &|c| !c.preferred_counties.is_empty());
        assert!(with >= (0.5 * n).round() as usize, "{with} cadres with preferences");
        let allowed = eligible(&prefs);
        for (c, cadre) in prefs.cadres.iter().enumerate() {
            let fixed = &fixture.cadres[c].preferred_counties;
            if &cadre.preferred_counties != fixed {
                assert!((1..=3).contains(&cadre.preferred_counties.len()), "{}", cadre.id);
                assert!(cadre.preferred_counties.iter().all(|k| allowed[c].contains(k)), "{}", cadre.id);
            }
        }

        let one = family(&region, Family::OneYear, 1);
        let singles = count(&one, &|c| c.active_years.len() == 1);
        assert!(singles as f64 >= 0.3 * one.cadres.len() as f64 - 1.0, "{singles} one-year cadres");
        assert!(one.cadres.iter().all(|c| c.active_years.len() == 2 || !c.senior));

        let periods = family(&region, Family::ServicePeriods, 1);
        let joiners = count(&periods, &|c| c.from.is_some());
        let leavers = count(&periods, &|c| c.until.is_some());
        assert_eq!(joiners + leavers, (0.15 * n).round() as usize);
        assert!(joiners.abs_diff(leavers) <= 1);

        let cap = family(&region, Family::DepartmentCap, 1);
        assert_eq!(cap.parameters.max_department_away_share, 0.2);
        assert_eq!(cap.cadres, fixture.cadres);
    }

    #[test]
    fn a_dense_instance_copies_every_township_and_cadre_into_the_same_counties() {
        let region = region();
        let fixture = crate::fixtures::shandong(&region);
        assert_eq!(dense(&region, 1, 1), fixture);
        let three = dense(&region, 3, 1);
        assert_eq!(three.region.townships.len(), 3 * fixture.region.townships.len());
        assert_eq!(three.cadres.len(), 3 * fixture.cadres.len());
        assert_eq!(three.region.counties, fixture.region.counties);
        let prep = Prepared::new(&three).expect("valid: codes and ids are unique");
        let towns_of = |inst: &Instance, k: &str| inst.region.townships.iter().filter(|t| t.county == k).count();
        for county in &fixture.region.counties {
            assert_eq!(towns_of(&three, &county.code), 3 * towns_of(&fixture, &county.code), "{}", county.code);
        }
        let n = fixture.cadres.len();
        for (c, cadre) in three.cadres.iter().enumerate().skip(n) {
            let original = &fixture.cadres[c % n];
            assert_eq!(cadre.id, format!("{}-{}", original.id, c / n + 1));
            assert_eq!(
                (&cadre.unit, &cadre.department, cadre.level),
                (&original.unit, &original.department, original.level)
            );
            assert_eq!(prep.eligible[c], prep.eligible[c % n], "{}", cadre.id);
        }
        let copy = &three.region.townships[fixture.region.townships.len()];
        assert_eq!(copy.code, format!("{}02", fixture.region.townships[0].code));
        assert_eq!(copy.name, format!("{}（二）", fixture.region.townships[0].name));
        assert_ne!(
            three.region.townships.iter().skip(fixture.region.townships.len()).map(|t| &t.needs).collect::<Vec<_>>(),
            fixture
                .region
                .townships
                .iter()
                .cycle()
                .take(2 * fixture.region.townships.len())
                .map(|t| &t.needs)
                .collect::<Vec<_>>(),
            "the copies' needs are drawn afresh"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_family() {
        let region = region();
        for f in [Family::Preferences, Family::OneYear, Family::ServicePeriods] {
            assert_eq!(family(&region, f, 7), family(&region, f, 7), "{}", f.name());
            assert_ne!(family(&region, f, 7).cadres, family(&region, f, 8).cadres, "{}", f.name());
        }
    }
}
