//! A national-size scenario: [`PROVINCES`] synthetic province-size instances
//! made from one real province (the Shandong fixture region) by relabelling.
//!
//! Province `i` (0-based) of [`national`]:
//!
//! - **Cities.** A deterministic subset of the source region's cities (those
//!   with counties): the cities are shuffled by a ChaCha8 stream seeded with
//!   `seed + i` (stream 1) and taken in that order until the township count is
//!   nearest to a per-province target drawn from the same stream, uniform in
//!   [`TOWNSHIP_TARGET`]. The chosen cities keep their region order, with all
//!   their counties and townships. On the Shandong region this gives 8–13 of
//!   the 16 cities and about 38,000 townships over the 31 provinces (the real
//!   country has about 38,600 township-level divisions).
//! - **Codes.** The first two digits of every province, city, county and
//!   township code become [`prefix`]`(i)` (`10`, `11`, … `40`: distinct, and
//!   synthetic — they need not match the real provinces of GB/T 2260).
//! - **Names.** The province is called `合成省01` … `合成省31`; city, county and
//!   township names stay as in the source.
//! - **Coordinates.** Latitudes stay; longitudes move so that the provinces
//!   lie side by side from 179.75° W eastwards, each as wide as the source's
//!   longitude span, half a degree apart (province `i` is shifted by
//!   `-179.75° − west edge + i × (span + 0.5°)`; values are wrapped into
//!   [-180°, 180°), which only happens for a source wider than about 11°).
//!   Great-circle distances depend only on latitudes and longitude
//!   differences, so every distance inside a province — hence every cost and
//!   every H2 `nearby_km` eligibility — is the source's, while no two
//!   provinces overlap.
//! - **Roster.** [`crate::roster::generate`] with [`roster_spec`] (the
//!   Shandong spec, more cadres per unit — see there — and the universities
//!   and enterprises relabelled to the province's city codes) and seed
//!   `seed + i`.
//!
//! Each instance stands alone (its own 团省委 and departments), so the 31 are
//! solved independently.

use std::collections::BTreeSet;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sanlian_model::{Instance, Point, Region};

use crate::roster::{generate, Affiliate, RosterSpec};

/// Number of synthetic provinces.
pub const PROVINCES: usize = 31;

/// Range of the per-province township target of the city subset.
pub const TOWNSHIP_TARGET: std::ops::RangeInclusive<usize> = 975..=1525;

/// The 2-digit code prefix of synthetic province `i` (0-based): `10 + i`.
pub fn prefix(i: usize) -> String {
    format!("{:02}", 10 + i)
}

/// The name of synthetic province `i` (0-based): `合成省01` … .
pub fn province_name(i: usize) -> String {
    format!("合成省{:02}", i + 1)
}

/// The roster spec of a national province: [`RosterSpec::default`] (the
/// Shandong spec) with 180 province cadres (90 senior), 24 cadres per 团市委
/// (7 senior) and 5–7 cadres per 团县委, so that the 31 rosters total about
/// 32,000 cadres; universities and enterprises are the default ones with
/// their city codes given the prefix `pp` (those whose city is not in the
/// province are left out by the generator).
pub fn roster_spec(pp: &str) -> RosterSpec {
    let base = RosterSpec::default();
    let relabel = |list: &[Affiliate]| -> Vec<Affiliate> {
        list.iter().map(|a| Affiliate { name: a.name.clone(), city: relabel_code(&a.city, pp) }).collect()
    };
    RosterSpec {
        province_cadres: 180,
        province_seniors: 90,
        city_cadres: 24,
        city_seniors: 7,
        county_cadres_min: 5,
        county_cadres_max: 7,
        universities: relabel(&base.universities),
        enterprises: relabel(&base.enterprises),
        ..base
    }
}

/// `code` with its first two characters replaced by `pp`.
fn relabel_code(code: &str, pp: &str) -> String {
    format!("{pp}{}", code.get(2..).unwrap_or(""))
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// `lon + shift`, wrapped into [-180, 180) and rounded to 6 decimals.
fn shift_lon(lon: f64, shift: f64) -> f64 {
    round6((lon + shift + 180.0).rem_euclid(360.0) - 180.0)
}

/// The 31 synthetic provinces made from `region`, deterministically from `seed`
/// (see the module documentation).
///
/// # Panics
/// If `region` has no city with counties.
pub fn national(region: &Region, seed: u64) -> Vec<Instance> {
    let cities: Vec<usize> =
        (0..region.cities.len()).filter(|&c| region.counties.iter().any(|k| k.city == region.cities[c].code)).collect();
    assert!(!cities.is_empty(), "national(): the region has no city with counties");
    let townships_of_city: Vec<usize> = region
        .cities
        .iter()
        .map(|city| {
            let counties: BTreeSet<&str> =
                region.counties.iter().filter(|k| k.city == city.code).map(|k| k.code.as_str()).collect();
            region.townships.iter().filter(|t| counties.contains(t.county.as_str())).count()
        })
        .collect();
    let lons = region
        .counties
        .iter()
        .map(|k| k.seat.lon)
        .chain(region.cities.iter().map(|c| c.seat.lon))
        .chain(std::iter::once(region.province.seat.lon))
        .chain(region.townships.iter().filter_map(|t| t.location.map(|p| p.lon)));
    let (lo, hi) = lons.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let width = (hi - lo) + 0.5;
    let west = -179.75 - lo;

    (0..PROVINCES)
        .map(|i| {
            let pseed = seed.wrapping_add(i as u64);
            let mut rng = ChaCha8Rng::seed_from_u64(pseed);
            rng.set_stream(1);
            let target = rng.random_range(TOWNSHIP_TARGET);
            let mut order = cities.clone();
            order.shuffle(&mut rng);
            let mut chosen = BTreeSet::new();
            let mut total = 0usize;
            for &c in &order {
                let t = townships_of_city[c];
                // Take the next city while that brings the total nearer to the target.
                if chosen.is_empty() || total + t / 2 <= target {
                    chosen.insert(c);
                    total += t;
                }
                if total >= target {
                    break;
                }
            }
            let sub = province(region, i, &chosen, west + width * i as f64, total);
            generate(&sub, &roster_spec(&prefix(i)), pseed)
        })
        .collect()
}

/// The relabelled sub-region of province `i`: the `chosen` cities (indices of
/// `region.cities`), codes prefixed, longitudes shifted by `shift` degrees.
fn province(region: &Region, i: usize, chosen: &BTreeSet<usize>, shift: f64, townships: usize) -> Region {
    let pp = prefix(i);
    let at = |p: Point| Point { lat: p.lat, lon: shift_lon(p.lon, shift) };
    let mut out = region.clone();
    let codes: BTreeSet<String> = chosen.iter().map(|&c| region.cities[c].code.clone()).collect();
    let counties: BTreeSet<String> =
        region.counties.iter().filter(|k| codes.contains(&k.city)).map(|k| k.code.clone()).collect();
    out.province.code = relabel_code(&region.province.code, &pp);
    out.province.name = province_name(i);
    out.province.seat = at(region.province.seat);
    out.cities.retain(|c| codes.contains(&c.code));
    for c in &mut out.cities {
        c.code = relabel_code(&c.code, &pp);
        c.seat = at(c.seat);
    }
    out.counties.retain(|k| counties.contains(&k.code));
    for k in &mut out.counties {
        k.code = relabel_code(&k.code, &pp);
        k.city = relabel_code(&k.city, &pp);
        k.seat = at(k.seat);
    }
    out.townships.retain(|t| counties.contains(&t.county));
    for t in &mut out.townships {
        t.code = relabel_code(&t.code, &pp);
        t.county = relabel_code(&t.county, &pp);
        t.location = t.location.map(at);
    }
    out.zones_note = Some(format!(
        "Synthetic province {} (national-size scenario): a relabelled copy of {} of the cities of {} ({} counties, \
         {townships} townships), codes {}→{pp}, longitudes shifted by {:.3}°, names kept. Source note: {}",
        out.province.name,
        out.cities.len(),
        region.province.name,
        out.counties.len(),
        region.province.code.get(..2).unwrap_or(""),
        shift,
        region.zones_note.as_deref().unwrap_or("none")
    ));
    out
}
