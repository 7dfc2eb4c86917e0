//! Property tests of sanlian-explain on random small instances: strict
//! infeasibility is explained by re-verifiable certificates, the Hall kinds
//! minimal for their whole shortfall; a feasible instance's explanation obeys
//! the invariants of optimality.

mod common;

use proptest::prelude::*;
use sanlian_explain::{explain, infeasibility, ExplainOptions, PreferenceWhy};
use sanlian_model::{CertificateKind, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

/// Two proven-optimal S1 values (relative gap ≤ 1e-6, or absolute < 0.005) may differ by this much.
fn tol(s1: f64) -> f64 {
    2e-6 * s1.abs().max(1.0) + 0.011
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn certificates_are_minimal_and_explanations_consistent(shape in common::shapes()) {
        let inst = common::build(&shape);
        let Ok(prep) = Prepared::new(&inst) else { return Ok(()); };
        match solve(&prep, &SolveOptions::default()).expect("no time limit").outcome {
            Outcome::Infeasible(_) => {
                let certs = infeasibility(&prep);
                prop_assert!(!certs.is_empty());
                for cert in &certs {
                    if let Err(e) = common::reverify(&prep, cert) {
                        prop_assert!(false, "{}: {}", cert.message, e);
                    }
                    let counties: Vec<usize> = cert.counties.iter().map(|c| prep.county_index[c.as_str()]).collect();
                    let Some((need, supply)) = common::hall_need_supply(&prep, cert.kind, &counties, cert.day) else { continue };
                    prop_assert_eq!((need, supply), (cert.need, cert.supply), "{}", cert.message);
                    prop_assert!(need > supply);
                    // The whole shortfall: no set of counties falls shorter, so the remedy
                    // ("at least need − supply more") is a true lower bound.
                    let shortfall = need as i64 - supply as i64;
                    let most = common::max_hall_deficiency(&prep, cert.kind, cert.day);
                    prop_assert_eq!(shortfall, most, "{:?} certificate shows {} of the {} missing: {}", cert.kind, shortfall, most, cert.message);
                    // Minimal for it: dropping any county lowers the shortfall.
                    for &drop in &counties {
                        let rest: Vec<usize> = counties.iter().copied().filter(|&k| k != drop).collect();
                        let (n, s) = common::hall_need_supply(&prep, cert.kind, &rest, cert.day).unwrap();
                        prop_assert!(
                            (n as i64 - s as i64) < shortfall,
                            "{:?} certificate is not minimal: without {} the counties {:?} still fall short by {} - {} ({})",
                            cert.kind, inst.region.counties[drop].code,
                            rest.iter().map(|&k| inst.region.counties[k].code.as_str()).collect::<Vec<_>>(),
                            n, s, cert.message
                        );
                    }
                }
                prop_assert!(certs.iter().all(|c| c.kind != CertificateKind::Joint) || certs.len() == 1);
            }
            Outcome::Planned(plan) => {
                let e = explain(&prep, &plan, &ExplainOptions::default()).expect("explain a valid optimal plan");
                prop_assert!(e.violations.is_empty(), "{:?}", e.violations);
                let t = tol(e.s1_optimal);
                prop_assert!((e.s1_plan - e.s1_optimal).abs() <= t, "plan {} vs optimal {}", e.s1_plan, e.s1_optimal);
                prop_assert_eq!(e.cadres.len(), inst.cadres.len());
                prop_assert_eq!(e.groups.len(), inst.region.counties.len());
                for w in &e.cadres {
                    prop_assert!(w.above_cheapest >= -1e-9, "{}: above_cheapest {}", w.cadre, w.above_cheapest);
                    if let PreferenceWhy::Missed { s1_increase: Some(inc), .. } = w.preference {
                        prop_assert!(inc >= -t, "{}: honouring its preference would lower optimal S1 by {}", w.cadre, -inc);
                    }
                }
                for g in &e.groups {
                    prop_assert!(g.coverage_slack >= 0, "{}: coverage slack {}", g.county, g.coverage_slack);
                    prop_assert!(g.min_members <= g.members);
                    for a in &g.alternatives {
                        if let Some(d) = a.s1_delta {
                            prop_assert!(d >= -t, "{}: leader alternative {} lowers optimal S1 by {}", g.county, a.cadre, -d);
                        }
                    }
                }
                let global = e.global.as_ref().expect("whole explanation");
                prop_assert_eq!(global.per_county_cadre.len(), inst.region.counties.len());
                for m in &global.per_county_cadre {
                    let g = e.groups.iter().find(|g| g.county == m.county).unwrap();
                    // With H6 room in both years the plan plus the extra cadre (no travel: based at
                    // the seat) is a valid grouping of the larger instance, so S1 cannot rise; when
                    // the group is full, the extra cadre displaces a member, which may cost.
                    let room = g.members_per_year.iter().all(|&n| n < g.max_members_per_year);
                    match m.s1_delta {
                        Some(d) if room => prop_assert!(d <= t, "{}: one more county cadre (no travel, H6 room) raises S1 by {}", m.county, d),
                        Some(_) => {}
                        None => prop_assert!(!room, "{}: the extra cadre fits the plan's group, yet no plan", m.county),
                    }
                }
                for d in &global.per_department_place {
                    prop_assert!(d.s3a_delta >= 0, "{}: one more place loses presence {}", d.department, d.s3a_delta);
                }
            }
        }
    }
}

fn shape(
    cities: Vec<Vec<(usize, usize)>>,
    city_cadres: Vec<(usize, usize)>,
    max_per_township: u32,
    years: Vec<u8>,
) -> common::Shape {
    common::Shape {
        cities,
        city_cadres,
        province: (1, 1, 1),
        universities: Vec::new(),
        max_per_township,
        share: 0.3,
        blocks: 1,
        min_upper: 0,
        years,
        unavailable: Vec::new(),
        prefs: Vec::new(),
        priority: Vec::new(),
        previous: Vec::new(),
        modes: Vec::new(),
        periods: Vec::new(),
    }
}

/// A Hall certificate shows the whole shortfall, not just some violating set: here
/// {990202} alone needs 8 cadre-years against 6 (a smaller violator), but the four
/// counties together fall short by 9 = 23 − 14, the most any set does, so the
/// remedy "at least 9 more cadre-years" is a true lower bound. (A single deletion
/// pass aimed at inclusion-minimality returned {990101, 990202}, short by 2 only.)
#[test]
fn coverage_certificate_shows_the_whole_shortfall() {
    let inst = common::build(&shape(
        vec![vec![(5, 0), (6, 2)], vec![(4, 0), (8, 0)]],
        vec![(3, 1), (3, 1), (1, 1)],
        1,
        vec![0, 1],
    ));
    let prep = Prepared::new(&inst).unwrap();
    let certs = infeasibility(&prep);
    let cov = certs.iter().find(|c| c.kind == CertificateKind::Coverage).expect("an H7 certificate");
    common::reverify(&prep, cov).unwrap();
    assert_eq!((cov.need, cov.supply), (23, 14), "{}", cov.message);
    assert_eq!(common::max_hall_deficiency(&prep, CertificateKind::Coverage, None), 9);
    assert_eq!(cov.counties, ["990101", "990102", "990201", "990202"]);
    let k = prep.county_index["990202"];
    assert_eq!(common::hall_need_supply(&prep, CertificateKind::Coverage, &[k], None), Some((8, 6)));
}

/// Found by the property above: county 990101 is full (two county cadres and the
/// city's only cadre on one township, H6 cap 3), so its outside leader alternative
/// P0 cannot join it. The S1 model of that restriction has every cadre forced and
/// no column, which HiGHS calls an (optimal) empty model: the delta must be `None`,
/// not a negative S1 change.
#[test]
fn leader_alternative_into_a_full_county_has_no_delta() {
    let mut s = shape(vec![vec![(1, 2)], vec![(3, 1)]], vec![(1, 1), (3, 1), (1, 1)], 3, vec![0]);
    s.universities = vec![(1, false)];
    let inst = common::build(&s);
    let prep = Prepared::new(&inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    let e = explain(&prep, &plan, &ExplainOptions::default()).unwrap();
    let g = e.groups.iter().find(|g| g.county == "990101").unwrap();
    assert_eq!(g.members, g.max_members_per_year as usize, "the group is full");
    let a = g.alternatives.iter().find(|a| a.cadre == "P0").expect("P0 is the outside alternative");
    assert!(!a.member);
    assert_eq!(a.s1_delta, None, "P0 cannot join a full group");
}
