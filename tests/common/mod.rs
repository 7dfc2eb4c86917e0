//! Shared helpers for the whole-system tests: small random instances and
//! independent re-verification of infeasibility certificates.

#![allow(dead_code, clippy::needless_range_loop)]

use proptest::prelude::*;
use sanlian_model::{
    Cadre, Certificate, CertificateKind, City, County, CountyKind, Instance, Level, Mode, Parameters, Point, Prepared,
    Province, Region, Township,
};

/// The shape of a small random instance.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Per city: per county (townships, county cadres).
    pub cities: Vec<Vec<(usize, usize)>>,
    /// Per city: (city cadres, of which senior).
    pub city_cadres: Vec<(usize, usize)>,
    /// Province cadres, of which senior, and departments.
    pub province: (usize, usize, usize),
    /// Universities (even positions) and enterprises (odd): (city index, senior?) with two cadres each.
    pub universities: Vec<(usize, bool)>,
    /// Policy overrides.
    pub max_per_township: u32,
    pub share: f64,
    pub blocks: u32,
    pub min_upper: u32,
    /// Per cadre (by position, cycling): active years code 0 = both, 1 = year 1, 2 = year 2.
    pub years: Vec<u8>,
    /// Cadre positions (cycling) with an unavailable month, and which month.
    pub unavailable: Vec<(usize, u32)>,
    /// Cadre positions with a preferred county (position in the county list).
    pub prefs: Vec<(usize, usize)>,
    /// Townships marked priority / with a need, by position.
    pub priority: Vec<usize>,
    /// Cadre positions with a previous county (position in the county list).
    pub previous: Vec<(usize, usize)>,
    /// Cadre positions whose mode is overridden to weekly, blocks or mixed (0, 1, 2).
    pub modes: Vec<(usize, u8)>,
    /// Service periods: cadre position, joins (first day of a month of year 1) or leaves
    /// (first day of a month of year 2), and the month.
    pub periods: Vec<(usize, bool, u32)>,
}

/// Proptest strategy for shapes: 1–3 cities, 2–8 counties, varied rosters and parameters.
pub fn shapes() -> impl Strategy<Value = Shape> {
    let county = (prop::sample::select(vec![1usize, 3, 4, 5, 6, 8]), 0usize..=2);
    let city = prop::collection::vec(county, 1..=3);
    (
        prop::collection::vec(city, 1..=3),
        prop::collection::vec((1usize..=4, 1usize..=2), 3),
        (1usize..=6, 1usize..=4, 1usize..=2),
        prop::collection::vec((0usize..3, any::<bool>()), 0..=2),
        (prop::sample::select(vec![1u32, 2, 2, 3]), prop::sample::select(vec![0.3, 0.5, 1.0]), 1u32..=2, 0u32..=1),
        prop::collection::vec(prop::sample::select(vec![0u8, 0, 0, 0, 1, 2]), 1..=6),
        prop::collection::vec((0usize..40, 3u32..=12), 0..=3),
        prop::collection::vec((0usize..40, 0usize..8), 0..=3),
        prop::collection::vec(0usize..40, 0..=4),
        (
            prop::collection::vec((0usize..40, 0usize..8), 0..=2),
            prop::collection::vec((0usize..40, 0u8..3), 0..=2),
            prop::collection::vec((0usize..40, any::<bool>(), 4u32..=12), 0..=2),
        ),
    )
        .prop_filter("2 to 8 counties", |t| {
            let n: usize = t.0.iter().map(|c| c.len()).sum();
            (2..=8).contains(&n)
        })
        .prop_map(
            |(
                cities,
                city_cadres,
                province,
                universities,
                params,
                years,
                unavailable,
                prefs,
                priority,
                (previous, modes, periods),
            )| Shape {
                cities,
                city_cadres,
                province,
                universities,
                max_per_township: params.0,
                share: params.1,
                blocks: params.2,
                min_upper: params.3,
                years,
                unavailable,
                prefs,
                priority,
                previous,
                modes,
                periods,
            },
        )
}

const TAGS: [&str; 3] = ["就业创业", "志愿服务", "乡村振兴"];

/// Build the instance a shape describes.
pub fn build(shape: &Shape) -> Instance {
    let province = Province { code: "990000".into(), name: "测试省".into(), seat: Point { lat: 36.0, lon: 117.0 } };
    let mut cities = Vec::new();
    let mut counties = Vec::new();
    let mut townships = Vec::new();
    let mut cadres = Vec::new();
    let mut n_town = 0;
    for (ci, city_counties) in shape.cities.iter().enumerate() {
        let city_code = format!("99{:02}00", ci + 1);
        let seat = Point { lat: 36.0 + ci as f64 * 0.6, lon: 117.0 + ci as f64 * 0.8 };
        cities.push(City { code: city_code.clone(), name: format!("测试{}市", ci + 1), seat });
        for (ki, &(towns, county_cadres)) in city_counties.iter().enumerate() {
            let code = format!("99{:02}{:02}", ci + 1, ki + 1);
            let kseat = Point { lat: seat.lat + 0.1 * ki as f64, lon: seat.lon + 0.15 * ki as f64 };
            counties.push(County {
                code: code.clone(),
                name: format!("测试{}县{}", ci + 1, ki + 1),
                city: city_code.clone(),
                kind: CountyKind::County,
                seat: kseat,
            });
            for t in 0..towns {
                townships.push(Township {
                    code: format!("{code}{:03}", t + 1),
                    name: format!("第{}镇", t + 1),
                    county: code.clone(),
                    kind: "镇".into(),
                    location: None,
                    needs: vec![TAGS[n_town % 3].to_string()],
                    priority: shape.priority.contains(&n_town),
                });
                n_town += 1;
            }
            for j in 0..county_cadres {
                cadres.push(cadre(
                    format!("K{code}-{j}"),
                    Level::County,
                    format!("团测试{}县{}委", ci + 1, ki + 1),
                    None,
                    false,
                    kseat,
                ));
                cadres.last_mut().unwrap().home_county = Some(code.clone());
            }
        }
        let (n, seniors) = shape.city_cadres[ci];
        for j in 0..n {
            cadres.push(cadre(
                format!("C{ci}-{j}"),
                Level::City,
                format!("团测试{}市委", ci + 1),
                None,
                j < seniors,
                seat,
            ));
            cadres.last_mut().unwrap().home_city = Some(city_code.clone());
        }
    }
    let (n, seniors, depts) = shape.province;
    for j in 0..n {
        let dept = Some(format!("第{}部", j % depts + 1));
        cadres.push(cadre(format!("P{j}"), Level::Province, "团测试省委".into(), dept, j < seniors, province.seat));
    }
    for (u, &(ci, senior)) in shape.universities.iter().enumerate() {
        let ci = ci % cities.len();
        let base = Point { lat: cities[ci].seat.lat + 0.05, lon: cities[ci].seat.lon + 0.05 };
        let (level, unit) = if u % 2 == 0 {
            (Level::University, format!("测试大学{u}团委"))
        } else {
            (Level::Enterprise, format!("测试企业{u}团委"))
        };
        for j in 0..2 {
            cadres.push(cadre(format!("U{u}-{j}"), level, unit.clone(), None, senior && j == 0, base));
        }
    }
    let first_year = 2027;
    let n_cadres = cadres.len();
    for (i, c) in cadres.iter_mut().enumerate() {
        c.active_years = match shape.years[i % shape.years.len()] {
            1 => vec![1],
            2 => vec![2],
            _ => vec![1, 2],
        };
        c.strengths = vec![TAGS[i % 3].to_string()];
    }
    if n_cadres > 0 {
        for &(pos, month) in &shape.unavailable {
            let c = &mut cadres[pos % n_cadres];
            let year = if c.active_years.contains(&1) { first_year } else { first_year + 1 };
            let m = format!("{year}-{month:02}");
            if !c.unavailable_months.contains(&m) {
                c.unavailable_months.push(m);
            }
        }
        for &(pos, county) in &shape.previous {
            cadres[pos % n_cadres].previous_county = Some(counties[county % counties.len()].code.clone());
        }
        for &(pos, joins, month) in &shape.periods {
            let c = &mut cadres[pos % n_cadres];
            if joins {
                c.from = chrono::NaiveDate::from_ymd_opt(first_year, month, 1);
            } else {
                c.until = chrono::NaiveDate::from_ymd_opt(first_year + 1, month, 1);
            }
        }
        for &(pos, mode) in &shape.modes {
            cadres[pos % n_cadres].mode = Some([Mode::Weekly, Mode::Blocks, Mode::Mixed][mode as usize]);
        }
        for &(pos, county) in &shape.prefs {
            let code = counties[county % counties.len()].code.clone();
            let c = &mut cadres[pos % n_cadres];
            if !c.preferred_counties.contains(&code) {
                c.preferred_counties.push(code);
            }
        }
    }
    Instance {
        name: "proptest".into(),
        first_year,
        parameters: Parameters {
            max_cadres_per_township_year: shape.max_per_township,
            max_department_away_share: shape.share,
            blocks_per_year: shape.blocks,
            min_upper_per_group: shape.min_upper,
            ..Parameters::default()
        },
        region: Region { province, cities, counties, townships, zones_note: None },
        cadres,
        locks: Vec::new(),
        department_quotas: Vec::new(),
        spread: Default::default(),
    }
}

fn cadre(id: String, level: Level, unit: String, department: Option<String>, senior: bool, base: Point) -> Cadre {
    Cadre { department, senior, ..Cadre::new(id.clone(), format!("测试{id}"), level, unit, base) }
}

/// What a re-plan keeps, worked out by a test from the plan repaired and the date: the
/// townships already covered, the years whose township is still open, the block months
/// taken before the date, and the cadres whose past months are kept.
#[derive(Debug, Clone)]
pub struct Kept {
    pub date: chrono::NaiveDate,
    pub covered: Vec<bool>,
    pub open_years: Vec<u64>,
    pub taken: Vec<[u64; 2]>,
    pub frozen: Vec<bool>,
}

/// Re-add a certificate's numbers from the instance alone (no solver code) and
/// check that they show a real obstacle. Returns a description of what failed.
pub fn reverify(prep: &Prepared, cert: &Certificate) -> Result<(), String> {
    reverify_kept(prep, cert, None)
}

/// [`reverify`] for a re-plan's certificate, counting what the re-plan keeps (its H7, H8
/// and H9 certificates carry the re-plan's date in `day`).
pub fn reverify_kept(prep: &Prepared, cert: &Certificate, kept: Option<&Kept>) -> Result<(), String> {
    let kept = kept.filter(|_| {
        cert.day.is_some()
            && matches!(
                cert.kind,
                CertificateKind::Coverage | CertificateKind::BlockMonths | CertificateKind::DepartmentCap
            )
    });
    let open = |c: usize, y: usize, m: u32| {
        kept.is_none_or(|k| {
            !k.frozen[c] || chrono::NaiveDate::from_ymd_opt(prep.inst.first_year + y as i32, m, 1).unwrap() >= k.date
        })
    };
    let inst = prep.inst;
    let p = &inst.parameters;
    let counties: Vec<usize> = cert
        .counties
        .iter()
        .map(|c| prep.county_index.get(c.as_str()).copied().ok_or(format!("unknown county {c}")))
        .collect::<Result<_, _>>()?;
    let in_set = |k: usize| counties.contains(&k);
    // H2 by its words; a re-planning certificate narrows it further (cadres at work keep
    // their groups), which `prep.eligible` then carries.
    let eligible_any =
        |c: usize| inst.cadres[c].level_eligible_any(prep, &in_set) && prep.eligible[c].iter().any(|&k| in_set(k));
    // Certificates about one day count only the cadres in service that day.
    let serves = |c: usize| cert.day.is_none_or(|d| in_service(inst, c, d));
    if let (CertificateKind::Coverage, Some(k)) = (cert.kind, kept) {
        let need: u64 = counties
            .iter()
            .map(|&county| prep.townships_of[county].iter().filter(|&&t| !k.covered[t]).count() as u64)
            .sum();
        let supply: u64 = (0..inst.cadres.len()).filter(|&c| eligible_any(c)).map(|c| k.open_years[c]).sum();
        if need != cert.need || supply != cert.supply || need <= supply {
            return Err(format!("kept: need {need} supply {supply}, certificate {} {}", cert.need, cert.supply));
        }
        return Ok(());
    }
    let (need, supply): (u64, u64) = match cert.kind {
        CertificateKind::Coverage => (
            counties.iter().map(|&k| prep.townships_of[k].len() as u64).sum(),
            (0..inst.cadres.len()).filter(|&c| eligible_any(c)).map(|c| years_served(prep, c)).sum(),
        ),
        CertificateKind::SeniorLeaders => (
            counties.len() as u64,
            (0..inst.cadres.len()).filter(|&c| inst.cadres[c].senior && eligible_any(c) && serves(c)).count() as u64,
        ),
        CertificateKind::UpperMembers => (
            counties.len() as u64 * p.min_upper_per_group as u64,
            (0..inst.cadres.len()).filter(|&c| inst.cadres[c].level.is_upper() && eligible_any(c) && serves(c)).count()
                as u64,
        ),
        CertificateKind::TownshipLoad => {
            let y = cert.year.ok_or("H6 certificate without a year")?;
            for id in &cert.cadres {
                let c = prep.cadre_index[id.as_str()];
                if !inst.cadres[c].active_years.contains(&y) {
                    return Err(format!("{id} is not active in year {y}"));
                }
                if !prep.eligible[c].iter().all(|&k| in_set(k)) {
                    return Err(format!("{id} may serve outside the certificate's counties"));
                }
            }
            let places: u64 = counties.iter().map(|&k| prep.townships_of[k].len() as u64).sum::<u64>()
                * p.max_cadres_per_township_year as u64;
            (cert.cadres.len() as u64, places)
        }
        CertificateKind::NoRoom => {
            // Re-added by H2 and H6 alone: the first cadre's counties are exactly the
            // certificate's, and each is filled in a year that cadre serves whole by listed
            // cadres who serve that whole year and may serve nowhere else.
            let ids: Vec<usize> = cert.cadres.iter().map(|id| prep.cadre_index[id.as_str()]).collect();
            let c = ids[0];
            let mut own = prep.eligible[c].clone();
            own.sort_unstable();
            let mut listed = counties.clone();
            listed.sort_unstable();
            if own != listed || own.len() < 2 {
                return Err("the certificate's counties are not exactly the cadre's".into());
            }
            let room = counties
                .iter()
                .filter(|&&k| {
                    let places = prep.townships_of[k].len() * p.max_cadres_per_township_year as usize;
                    !(0..2).any(|y| {
                        prep.serves_whole_year(c, y)
                            && ids[1..]
                                .iter()
                                .filter(|&&d| prep.eligible[d] == [k] && prep.serves_whole_year(d, y))
                                .count()
                                >= places
                    })
                })
                .count() as u64;
            (1, room)
        }
        CertificateKind::BlockMonths => {
            let c = prep.cadre_index[cert.cadres[0].as_str()];
            let y = cert.year.ok_or("H8 certificate without a year")? as usize - 1;
            let year = inst.first_year + y as i32;
            let free = p
                .window_months()
                .filter(|&m| {
                    prep.serves_month(c, y, m)
                        && !inst.cadres[c].unavailable_months.contains(&format!("{year}-{m:02}"))
                        && open(c, y, m)
                })
                .count() as u64;
            (prep.block_range(c, y).0 as u64, free + kept.map_or(0, |k| k.taken[c][y]))
        }
        CertificateKind::DepartmentCap => {
            let y = cert.year.ok_or("H9 certificate without a year")? as usize - 1;
            let members: Vec<usize> = cert.cadres.iter().map(|id| prep.cadre_index[id.as_str()]).collect();
            let d = prep.department_of[members[0]];
            if members.iter().any(|&c| prep.department_of[c] != d) {
                return Err("H9 certificate mixes departments".into());
            }
            let cap = prep.department_cap(d, y) as u64;
            let need =
                members.iter().map(|&c| prep.block_range(c, y).0 as u64 - kept.map_or(0, |k| k.taken[c][y])).sum();
            let supply = p
                .window_months()
                .map(|m| {
                    let month = format!("{}-{m:02}", inst.first_year + y as i32);
                    let free = members
                        .iter()
                        .filter(|&&c| {
                            !inst.cadres[c].unavailable_months.contains(&month)
                                && prep.serves_month(c, y, m)
                                && open(c, y, m)
                        })
                        .count() as u64;
                    cap.min(free)
                })
                .sum();
            (need, supply)
        }
        CertificateKind::Joint => return Ok(()),
        CertificateKind::Locks => return reverify_locks(inst, cert),
    };
    if need != cert.need || supply != cert.supply {
        return Err(format!("certificate says need {} supply {}, re-added {need} {supply}", cert.need, cert.supply));
    }
    if need <= supply {
        return Err(format!("certificate shows no obstacle: need {need} ≤ supply {supply}"));
    }
    Ok(())
}

/// Is cadre `c` in service on day `d` (H3, H4 in PLANNING_RULES v1.1): `d` falls in one of
/// its active plan years, and inside its service period.
pub fn in_service(inst: &Instance, c: usize, d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let cadre = &inst.cadres[c];
    let y = d.year() - inst.first_year;
    (y == 0 || y == 1) && cadre.active_years.contains(&(y as u8 + 1)) && cadre.in_period(d)
}

/// Plan years a cadre works in: among its active years, those in which its service
/// period reaches a window month.
pub fn years_served(prep: &Prepared, c: usize) -> u64 {
    let cadre = &prep.inst.cadres[c];
    let p = &prep.inst.parameters;
    (0..2)
        .filter(|&y| {
            cadre.active_years.contains(&(y as u8 + 1))
                && p.window_months()
                    .any(|m| cadre.in_period(chrono::NaiveDate::from_ymd_opt(prep.inst.first_year + y, m, 1).unwrap()))
        })
        .count() as u64
}

/// Eligibility of a cadre for any county of a set, from H2's wording.
pub trait EligibleAny {
    fn level_eligible_any(&self, prep: &Prepared, in_set: &dyn Fn(usize) -> bool) -> bool;
}

impl EligibleAny for Cadre {
    fn level_eligible_any(&self, prep: &Prepared, in_set: &dyn Fn(usize) -> bool) -> bool {
        let r = &prep.inst.region;
        let ks: Vec<usize> = match self.level {
            Level::County => vec![prep.county_index[self.home_county.as_deref().unwrap()]],
            Level::City => {
                (0..r.counties.len()).filter(|&k| Some(&r.counties[k].city) == self.home_city.as_ref()).collect()
            }
            Level::Province => (0..r.counties.len()).collect(),
            Level::University | Level::Enterprise => {
                let d = |k: usize| sanlian_model::geo::haversine_km(self.base, r.counties[k].seat);
                let near: Vec<usize> =
                    (0..r.counties.len()).filter(|&k| d(k) <= prep.inst.parameters.nearby_km).collect();
                if near.is_empty() {
                    vec![(0..r.counties.len()).min_by(|&a, &b| d(a).total_cmp(&d(b))).unwrap()]
                } else {
                    near
                }
            }
        };
        ks.into_iter().any(in_set)
    }
}

/// Need and supply of a county set for a Hall-type certificate kind (H7 coverage,
/// H3 senior leaders, H4 upper members), re-added from the instance alone (no
/// solver code): need sums over the counties, supply over the cadres eligible
/// (H2, by its words) for any of them. `None` for the other kinds.
/// With `day` (a certificate about one day), only the cadres in service that day count.
pub fn hall_need_supply(
    prep: &Prepared,
    kind: CertificateKind,
    counties: &[usize],
    day: Option<chrono::NaiveDate>,
) -> Option<(u64, u64)> {
    let inst = prep.inst;
    let in_set = |k: usize| counties.contains(&k);
    let eligible: Vec<bool> = inst
        .cadres
        .iter()
        .enumerate()
        .map(|(i, c)| c.level_eligible_any(prep, &in_set) && day.is_none_or(|d| in_service(inst, i, d)))
        .collect();
    let supply = |per_cadre: &dyn Fn(&Cadre) -> u64| -> u64 {
        inst.cadres.iter().zip(&eligible).filter(|(_, &e)| e).map(|(c, _)| per_cadre(c)).sum()
    };
    Some(match kind {
        CertificateKind::Coverage => (
            counties.iter().map(|&k| prep.townships_of[k].len() as u64).sum(),
            supply(&|c| [1u8, 2].iter().filter(|y| c.active_years.contains(y)).count() as u64),
        ),
        CertificateKind::SeniorLeaders => (counties.len() as u64, supply(&|c| c.senior as u64)),
        CertificateKind::UpperMembers => (
            counties.len() as u64 * inst.parameters.min_upper_per_group as u64,
            supply(&|c| matches!(c.level, Level::Province | Level::City) as u64),
        ),
        _ => return None,
    })
}

/// The largest need − supply over every non-empty set of counties (brute force over
/// all 2^n − 1 sets; small instances only), for a Hall-type kind.
pub fn max_hall_deficiency(prep: &Prepared, kind: CertificateKind, day: Option<chrono::NaiveDate>) -> i64 {
    let n = prep.n_counties();
    assert!(n <= 12, "brute force over {n} counties");
    (1u32..(1 << n))
        .map(|mask| {
            let set: Vec<usize> = (0..n).filter(|&k| mask & (1 << k) != 0).collect();
            let (need, supply) = hall_need_supply(prep, kind, &set, day).expect("a Hall kind");
            need as i64 - supply as i64
        })
        .max()
        .unwrap_or(0)
}

/// Policy and roster variations on top of a [`Shape`]: the mixed blocks, the on-site
/// window, `nearby_km`, the cost and S2 values, departments of city and university cadres,
/// and blocks owed by some cadres.
#[derive(Debug, Clone)]
pub struct Variation {
    pub mixed_blocks: u32,
    pub window: (u32, u32),
    pub nearby_km: f64,
    pub fare_per_km: f64,
    pub road_factor: f64,
    pub preference_penalty: f64,
    pub continuity_bonus: f64,
    pub match_value: f64,
    pub priority_value: f64,
    /// City cadres (and university/enterprise cadres) split over this many departments (0: none).
    pub departments: usize,
    /// Cadre positions (cycling) that owe this many blocks in year 1 (clamped to their mode).
    pub owed: Vec<(usize, u32)>,
}

/// Proptest strategy for variations.
pub fn variations() -> impl Strategy<Value = Variation> {
    (
        0u32..=2,
        prop::sample::select(vec![(3u32, 12u32), (3, 12), (4, 11), (1, 12), (5, 10)]),
        prop::sample::select(vec![20.0, 80.0, 80.0, 300.0]),
        prop::sample::select(vec![0.6, 0.6, 0.0, 1.7]),
        prop::sample::select(vec![1.3, 1.0, 2.5]),
        (prop::sample::select(vec![2000.0, 0.0, 150.0]), prop::sample::select(vec![1000.0, 0.0, 5000.0])),
        (prop::sample::select(vec![10.0, 10.0, 0.0, 3.5]), prop::sample::select(vec![50.0, 50.0, 0.0, 7.0])),
        0usize..=2,
        prop::collection::vec((0usize..40, 0u32..=2), 0..=2),
    )
        .prop_map(
            |(mixed_blocks, window, nearby_km, fare_per_km, road_factor, (pp, cb), (mv, pv), departments, owed)| {
                Variation {
                    mixed_blocks,
                    window,
                    nearby_km,
                    fare_per_km,
                    road_factor,
                    preference_penalty: pp,
                    continuity_bonus: cb,
                    match_value: mv,
                    priority_value: pv,
                    departments,
                    owed,
                }
            },
        )
}

/// Apply a variation to an instance (unavailable months outside the new window are dropped).
pub fn vary(mut inst: Instance, v: &Variation) -> Instance {
    let p = &mut inst.parameters;
    p.mixed_blocks_per_year = v.mixed_blocks;
    p.window_first_month = v.window.0;
    p.window_last_month = v.window.1;
    p.blocks_per_year = p.blocks_per_year.min(v.window.1 - v.window.0 + 1);
    p.nearby_km = v.nearby_km;
    p.fare_per_km = v.fare_per_km;
    p.road_factor = v.road_factor;
    p.preference_penalty = v.preference_penalty;
    p.continuity_bonus = v.continuity_bonus;
    p.match_value = v.match_value;
    p.priority_first_year_value = v.priority_value;
    let (first, last) = v.window;
    for c in &mut inst.cadres {
        c.unavailable_months
            .retain(|m| sanlian_model::validate::parse_month(m).is_some_and(|(_, mm)| (first..=last).contains(&mm)));
    }
    if v.departments > 0 {
        for (i, c) in inst.cadres.iter_mut().enumerate() {
            if matches!(c.level, Level::City | Level::University | Level::Enterprise) {
                c.department = Some(format!("第{}处", i % v.departments + 1));
            }
        }
    }
    let n = inst.cadres.len();
    if n > 0 {
        for &(pos, owed) in &v.owed {
            let first_year = inst.first_year;
            let blocks = inst.parameters.blocks_per_year;
            let mixed = inst.parameters.mixed_blocks_per_year;
            let c = &mut inst.cadres[pos % n];
            let own = match c.mode() {
                Mode::Blocks => blocks,
                Mode::Mixed => mixed,
                Mode::Weekly => 0,
            };
            c.blocks_owed.insert(first_year, owed.min(own));
        }
    }
    inst
}

/// A tiny instance: one city, two counties with 1–3 townships, a few cadres, a four-month
/// window (March–June) and one block a year.
#[derive(Debug, Clone)]
pub struct Tiny {
    pub towns: [usize; 2],
    /// County cadres per county: their active years (0 both, 1 first only, 2 second only).
    pub county_cadres: [Vec<u8>; 2],
    /// Province cadres: senior?
    pub province: Vec<bool>,
    /// City cadres: senior?
    pub city: Vec<bool>,
    pub cap: u32,
    pub event: (u8, usize, u8, bool),
}

pub fn tiny() -> impl Strategy<Value = Tiny> {
    (
        (1usize..=3, 1usize..=3),
        (
            prop::collection::vec(prop::sample::select(vec![0u8, 0, 1, 2]), 1..=2),
            prop::collection::vec(prop::sample::select(vec![0u8, 0, 1, 2]), 1..=2),
        ),
        prop::collection::vec(any::<bool>(), 2..=3),
        prop::collection::vec(any::<bool>(), 0..=1),
        prop::sample::select(vec![1u32, 2, 2, 3]),
        (0u8..4, 0usize..8, 0u8..4, any::<bool>()),
    )
        .prop_map(|(towns, cc, province, city, cap, event)| Tiny {
            towns: [towns.0, towns.1],
            county_cadres: [cc.0, cc.1],
            province,
            city,
            cap,
            event,
        })
}

pub const TINY_YEAR: i32 = 2027;
pub const TINY_CITY: &str = "990100";
pub const TINY_COUNTIES: [&str; 2] = ["990101", "990102"];
pub const TINY_DATES: [&str; 4] = ["2027-02-01", "2027-04-15", "2027-08-01", "2028-05-01"];

/// The instance a [`Tiny`] describes.
pub fn tiny_instance(t: &Tiny) -> Instance {
    let seat = Point { lat: 36.0, lon: 117.0 };
    let kseat = [Point { lat: 36.1, lon: 117.1 }, Point { lat: 36.4, lon: 117.5 }];
    let mut townships = Vec::new();
    for k in 0..2 {
        for i in 0..t.towns[k] {
            townships.push(Township {
                code: format!("{}{:03}", TINY_COUNTIES[k], i + 1),
                name: format!("镇{k}{i}"),
                county: TINY_COUNTIES[k].into(),
                kind: "镇".into(),
                location: None,
                needs: if i == 0 { vec!["志愿服务".into()] } else { vec![] },
                priority: i == 1,
            });
        }
    }
    let mut cadres = Vec::new();
    for (i, &senior) in t.province.iter().enumerate() {
        let mut c = Cadre::new(format!("P{i}"), format!("省{i}"), Level::Province, "团省委", seat);
        // Two seniors at least, so that both groups can be led in most shapes.
        c.senior = senior || i < 2;
        c.department = Some("组织部".into());
        c.strengths = vec!["志愿服务".into()];
        cadres.push(c);
    }
    for (i, &senior) in t.city.iter().enumerate() {
        let mut c = Cadre::new(format!("C{i}"), format!("市{i}"), Level::City, "团测试市委", seat);
        c.senior = senior;
        c.home_city = Some(TINY_CITY.into());
        cadres.push(c);
    }
    for k in 0..2 {
        for (i, &years) in t.county_cadres[k].iter().enumerate() {
            let mut c =
                Cadre::new(format!("K{k}{i}"), format!("县{k}{i}"), Level::County, format!("团县{k}委"), kseat[k]);
            c.home_county = Some(TINY_COUNTIES[k].into());
            if i == 0 {
                c.strengths = vec!["志愿服务".into()];
            }
            c.active_years = match years {
                1 => vec![1],
                2 => vec![2],
                _ => vec![1, 2],
            };
            cadres.push(c);
        }
    }
    Instance {
        name: "tiny".into(),
        first_year: TINY_YEAR,
        parameters: Parameters {
            window_first_month: 3,
            window_last_month: 6,
            blocks_per_year: 1,
            max_cadres_per_township_year: t.cap,
            max_department_away_share: 1.0,
            ..Parameters::default()
        },
        region: Region {
            province: Province { code: "990000".into(), name: "测试省".into(), seat },
            cities: vec![City { code: TINY_CITY.into(), name: "测试市".into(), seat }],
            counties: (0..2)
                .map(|k| County {
                    code: TINY_COUNTIES[k].into(),
                    name: format!("县{k}"),
                    city: TINY_CITY.into(),
                    kind: CountyKind::County,
                    seat: kseat[k],
                })
                .collect(),
            townships,
            zones_note: None,
        },
        cadres,
        locks: Vec::new(),
        department_quotas: Vec::new(),
        spread: Default::default(),
    }
}

/// Subsets of `items` of size `n`.
pub fn subsets(items: &[u32], n: usize) -> Vec<Vec<u32>> {
    if n == 0 {
        return vec![vec![]];
    }
    if items.len() < n {
        return vec![];
    }
    let mut with: Vec<Vec<u32>> =
        subsets(&items[1..], n - 1).into_iter().map(|s| [vec![items[0]], s].concat()).collect();
    with.extend(subsets(&items[1..], n));
    with
}

/// A locks certificate: the locks it names admit no strict plan on their own, and without any
/// one of them they do (a minimal conflicting set).
pub fn reverify_locks(inst: &Instance, cert: &Certificate) -> Result<(), String> {
    if cert.locks.is_empty() {
        return Err("a locks certificate names no lock".into());
    }
    if let Some(i) = cert.locks.iter().find(|&&i| i >= inst.locks.len()) {
        return Err(format!("locks[{i}] does not exist"));
    }
    let planned = |keep: &[usize]| -> Result<bool, String> {
        let only = Instance { locks: keep.iter().map(|&i| inst.locks[i].clone()).collect(), ..inst.clone() };
        let prep = Prepared::new(&only).map_err(|e| e.to_string())?;
        let answer =
            sanlian_solver::solve(&prep, &sanlian_solver::SolveOptions::default()).map_err(|e| e.to_string())?;
        Ok(matches!(answer.outcome, sanlian_solver::Outcome::Planned(_)))
    };
    if planned(&cert.locks)? {
        return Err("the certificate's locks alone admit a plan".into());
    }
    for &i in &cert.locks {
        let rest: Vec<usize> = cert.locks.iter().copied().filter(|&j| j != i).collect();
        if !planned(&rest)? {
            return Err(format!("without locks[{i}] the certificate's other locks still admit no plan"));
        }
    }
    Ok(())
}

/// Whether a stage's proof is the LP's own (its relaxations were integral, or a counting
/// bound): the checker must then certify it, not only take the solver's word.
pub fn lp_integral(st: &sanlian_model::StageReport) -> bool {
    use sanlian_model::Proof;
    match &st.proof {
        Proof::LpDuals { .. } | Proof::Counting => true,
        Proof::Parts => st.parts.iter().all(|p| matches!(p.proof, Proof::LpDuals { .. })),
        Proof::Solver => false,
    }
}

/// Run a property until `compared` generated cases have been compared, whatever the share of
/// cases `body` skips (it answers `Ok(false)` for an instance it cannot judge). Skips are
/// proptest rejections, capped at `max_skips`: the number compared is fixed by construction,
/// never a matter of the random seed. Prints and returns the number skipped.
pub fn run_until_compared<S: Strategy>(
    name: &str,
    source_file: &'static str,
    strategy: &S,
    compared: u32,
    max_skips: u32,
    body: impl Fn(S::Value) -> Result<bool, proptest::test_runner::TestCaseError>,
) -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let skipped = AtomicUsize::new(0);
    let config = proptest::test_runner::Config {
        cases: compared,
        max_global_rejects: max_skips,
        source_file: Some(source_file),
        ..proptest::test_runner::Config::default()
    };
    let result = proptest::test_runner::TestRunner::new(config).run(strategy, |value| {
        if body(value)? {
            Ok(())
        } else {
            skipped.fetch_add(1, Ordering::Relaxed);
            Err(proptest::test_runner::TestCaseError::reject("skipped"))
        }
    });
    let skipped = skipped.into_inner();
    eprintln!("{name}: {compared} compared, {skipped} skipped");
    if let Err(e) = result {
        panic!("{name}: {e} ({skipped} skipped, at most {max_skips} allowed)");
    }
    skipped
}
