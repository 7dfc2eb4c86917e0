//! Minimum roster: the plan at the minimum is valid, one fewer selected cadre is
//! infeasible (every choice on the small fixture, a few on Shandong), the
//! counting bound never exceeds the minimum and its certificates re-add, and
//! the minimum equals the brute-force minimum over subsets on the small fixture.

use std::collections::BTreeSet;
use std::time::Instant;

use sanlian_model::{CertificateKind, Instance, Level, Prepared};
use sanlian_solver::min_roster::{min_roster, MinRoster, MinRosterError, ProofKind, Selection};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn fixture(name: &str) -> Instance {
    let path = format!("{}/../../fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

fn without(inst: &Instance, drop: &BTreeSet<&str>) -> Instance {
    let mut out = inst.clone();
    out.cadres.retain(|c| !drop.contains(c.id.as_str()));
    out
}

/// Strict solve; a plan must pass the checker.
fn feasible(inst: &Instance) -> bool {
    let prep = Prepared::new(inst).expect("sub-roster validates");
    match solve(&prep, &SolveOptions::default()).expect("strict solve answers").outcome {
        Outcome::Planned(plan) => {
            let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
            assert!(report.is_valid(), "{:?}", report.violations);
            true
        }
        Outcome::Infeasible(certs) => {
            assert!(!certs.is_empty());
            false
        }
    }
}

fn selected_ids<'a>(inst: &'a Instance, sel: &Selection) -> Vec<&'a str> {
    inst.cadres.iter().filter(|c| sel.contains(c)).map(|c| c.id.as_str()).collect()
}

/// Checks every answer must pass, whatever the instance.
fn check_answer(inst: &Instance, sel: &Selection, mr: &MinRoster) {
    let selected = selected_ids(inst, sel);
    assert_eq!(mr.selected_total, selected.len());
    assert_eq!(mr.kept.len(), mr.minimum);
    assert_eq!(mr.kept.len() + mr.unused.len(), selected.len());
    let mut all: Vec<&str> = mr.kept.iter().chain(&mr.unused).map(String::as_str).collect();
    all.sort_unstable();
    let mut expected = selected.clone();
    expected.sort_unstable();
    assert_eq!(all, expected, "kept ∪ unused = the selected cadres");

    // The reduced instance is the roster minus the unused cadres, in roster order.
    let unused: BTreeSet<&str> = mr.unused.iter().map(String::as_str).collect();
    assert_eq!(mr.reduced_instance, without(inst, &unused));

    // The plan at the minimum passes the checker on the reduced instance.
    let rprep = Prepared::new(&mr.reduced_instance).expect("reduced instance validates");
    let report = sanlian_check::check(rprep.inst, &mr.plan).expect("a valid instance");
    assert!(report.is_valid(), "{:?}", report.violations);
    // R2 minimised S1 over all minimum rosters; the plan's S1 (fixed roster) attains it.
    let s1 = mr.plan.stages.iter().find(|s| s.id == "S1").expect("S1 reported").objective;
    let r2 = mr.stages.iter().find(|s| s.id == "R2").expect("R2 reported").objective;
    assert!((s1 - r2).abs() <= 1e-6 * s1.abs().max(1.0), "S1 {s1} vs R2 {r2}");

    // Bounds.
    assert!(mr.proven, "{}", mr.proof);
    assert!(mr.bound >= mr.minimum as f64 - 0.5, "bound {} minimum {}", mr.bound, mr.minimum);
    assert!(mr.counting_bound <= mr.minimum, "counting {} > minimum {}", mr.counting_bound, mr.minimum);
    assert_eq!(mr.proof_kind == ProofKind::Counting, mr.minimum > 0 && mr.counting_bound == mr.minimum);
    assert_eq!(mr.lower_bound_certificates.is_empty(), mr.counting_bound == 0);
    readd_certificates(inst, sel, mr);
}

/// Re-add each counting certificate from the instance alone, with code independent of the solver's.
fn readd_certificates(inst: &Instance, sel: &Selection, mr: &MinRoster) {
    let prep = Prepared::new(inst).unwrap();
    let n = inst.cadres.len();
    let townships =
        |k: usize| inst.region.townships.iter().filter(|t| t.county == inst.region.counties[k].code).count() as u64;
    // A county's own cadres: unselected and eligible only there.
    let own = |c: usize| !sel.contains(&inst.cadres[c]) && prep.eligible[c].len() == 1;
    let own_of = |k: usize| -> Vec<usize> { (0..n).filter(|&c| own(c) && prep.eligible[c][0] == k).collect() };
    let min_upper = inst.parameters.min_upper_per_group as u64;
    for cert in &mr.lower_bound_certificates {
        let counties: BTreeSet<usize> = cert.counties.iter().map(|k| prep.county_index[k.as_str()]).collect();
        let unit = |c: usize| -> u64 {
            let cadre = &inst.cadres[c];
            match cert.rule.as_str() {
                "H3" => cadre.senior as u64,
                "H4" => cadre.level.is_upper() as u64,
                "H7" => prep.active_years(c) as u64,
                "H3+H4+H7" => !own(c) as u64,
                other => panic!("unexpected rule {other}"),
            }
        };
        let need: u64 = counties
            .iter()
            .map(|&k| match cert.rule.as_str() {
                "H3" => 1,
                "H4" => min_upper,
                "H7" => townships(k),
                _ => {
                    let senior = !own_of(k).iter().any(|&c| inst.cadres[c].senior) as u64;
                    let upper = min_upper
                        .saturating_sub(own_of(k).iter().filter(|&&c| inst.cadres[c].level.is_upper()).count() as u64);
                    let years: u64 = own_of(k).iter().map(|&c| prep.active_years(c) as u64).sum();
                    senior.max(upper).max(townships(k).saturating_sub(years).div_ceil(2))
                }
            })
            .sum();
        assert!(matches!(
            cert.kind,
            CertificateKind::SeniorLeaders | CertificateKind::UpperMembers | CertificateKind::Coverage
        ));
        let reaches = |c: usize| prep.eligible[c].iter().any(|k| counties.contains(k));
        let others: Vec<usize> =
            (0..n).filter(|&c| !sel.contains(&inst.cadres[c]) && unit(c) > 0 && reaches(c)).collect();
        let supply: u64 = others.iter().map(|&c| unit(c)).sum();
        assert_eq!(cert.need, need, "{}", cert.message);
        assert_eq!(cert.supply, supply, "{}", cert.message);
        let ids: Vec<&str> = others.iter().map(|&c| inst.cadres[c].id.as_str()).collect();
        assert_eq!(cert.cadres, ids);
        // The bound: fewest selected cadres eligible there whose units close need − supply.
        let mut gains: Vec<u64> = (0..n)
            .filter(|&c| sel.contains(&inst.cadres[c]) && reaches(c))
            .map(|c| match cert.rule.as_str() {
                "H3+H4+H7" => 1,
                _ => unit(c),
            })
            .collect();
        gains.sort_unstable_by(|a, b| b.cmp(a));
        let mut sum = 0;
        let needed = gains.iter().position(|g| {
            sum += g;
            sum >= need - supply
        });
        let needed = needed.expect("the selected cadres close the gap") + 1;
        assert!(cert.message.contains(&format!("at least {needed} of them")), "{}", cert.message);
        assert_eq!(needed, mr.counting_bound, "{}", cert.message);
    }
}

/// One fewer: dropping any of `kept` from the reduced instance leaves no strict plan.
fn one_fewer_infeasible(mr: &MinRoster, kept: &[String]) {
    for id in kept {
        let fewer = without(&mr.reduced_instance, &BTreeSet::from([id.as_str()]));
        assert!(!feasible(&fewer), "dropping {id} from the minimum roster still admits a plan");
    }
}

/// Brute force: the least k such that some k-subset of the selected cadres is feasible.
fn brute_force_minimum(inst: &Instance, sel: &Selection) -> usize {
    let selected = selected_ids(inst, sel);
    assert!(selected.len() <= 10, "too many subsets");
    let mut best = usize::MAX;
    for mask in 0u32..(1 << selected.len()) {
        let size = mask.count_ones() as usize;
        if size >= best {
            continue;
        }
        let drop: BTreeSet<&str> = (0..selected.len()).filter(|i| mask & (1 << i) == 0).map(|i| selected[i]).collect();
        if feasible(&without(inst, &drop)) {
            best = size;
        }
    }
    best
}

fn small_case(sel: Selection) {
    let inst = fixture("small");
    let prep = Prepared::new(&inst).unwrap();
    let mr = min_roster(&prep, &sel, &SolveOptions::default()).expect("small fixture is feasible");
    eprintln!(
        "small {}: minimum {} of {}, {:?}: {}",
        sel.describe(),
        mr.minimum,
        mr.selected_total,
        mr.proof_kind,
        mr.proof
    );
    check_answer(&inst, &sel, &mr);
    one_fewer_infeasible(&mr, &mr.kept);
    assert_eq!(mr.minimum, brute_force_minimum(&inst, &sel));
}

#[test]
fn small_province_cadres() {
    small_case(Selection { level: Level::Province, senior_only: false });
}

#[test]
fn small_province_seniors() {
    small_case(Selection { level: Level::Province, senior_only: true });
}

#[test]
fn small_city_cadres() {
    small_case(Selection { level: Level::City, senior_only: false });
}

#[test]
fn small_county_cadres_are_optional_although_forced() {
    // County cadres have one eligible county (forced classes in S1): here they must become variables.
    let inst = fixture("small");
    let prep = Prepared::new(&inst).unwrap();
    let sel = Selection { level: Level::County, senior_only: false };
    let mr = min_roster(&prep, &sel, &SolveOptions::default()).expect("small fixture is feasible");
    eprintln!(
        "small {}: minimum {} of {}, {:?}: {}",
        sel.describe(),
        mr.minimum,
        mr.selected_total,
        mr.proof_kind,
        mr.proof
    );
    assert!(mr.minimum < mr.selected_total);
    check_answer(&inst, &sel, &mr);
    one_fewer_infeasible(&mr, &mr.kept);
}

#[test]
fn infeasible_fixture_returns_strict_certificates() {
    let inst = fixture("infeasible");
    let prep = Prepared::new(&inst).unwrap();
    let sel = Selection { level: Level::Province, senior_only: false };
    match min_roster(&prep, &sel, &SolveOptions::default()) {
        Err(MinRosterError::Infeasible(certs)) => assert!(!certs.is_empty()),
        other => panic!("expected the strict certificates, got {other:?}"),
    }
}

fn shandong_case(sel: Selection) {
    let inst = fixture("shandong");
    let prep = Prepared::new(&inst).unwrap();
    let start = Instant::now();
    let mr = min_roster(&prep, &sel, &SolveOptions::default()).expect("Shandong is feasible");
    let elapsed = start.elapsed().as_secs_f64();
    let stages: Vec<String> =
        mr.stages.iter().map(|s| format!("{} {:.3}s ({}×{})", s.id, s.seconds, s.rows, s.columns)).collect();
    eprintln!(
        "shandong {}: minimum {} of {} (counting bound {} {:?}, R1 bound {:.3}, {:?}) in {elapsed:.2}s [{}; plan {:.2}s]\n  proof: {}",
        sel.describe(),
        mr.minimum,
        mr.selected_total,
        mr.counting_bound,
        mr.counting_by_rule,
        mr.bound,
        mr.proof_kind,
        stages.join(", "),
        mr.plan.seconds,
        mr.proof
    );
    check_answer(&inst, &sel, &mr);
    // A few drops: first, middle and last kept cadre.
    let n = mr.kept.len();
    let picks: Vec<String> =
        [0, n / 2, n.saturating_sub(1)].iter().filter(|&&i| i < n).map(|&i| mr.kept[i].clone()).collect();
    one_fewer_infeasible(&mr, &picks);
}

#[test]
fn shandong_province_cadres() {
    shandong_case(Selection { level: Level::Province, senior_only: false });
}

#[test]
fn shandong_province_seniors() {
    shandong_case(Selection { level: Level::Province, senior_only: true });
}

#[test]
fn shandong_city_seniors() {
    shandong_case(Selection { level: Level::City, senior_only: true });
}

#[test]
fn shandong_university_cadres() {
    shandong_case(Selection { level: Level::University, senior_only: false });
}
