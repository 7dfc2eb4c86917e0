//! What-ifs on the small fixture, each compared with independent
//! `sanlian_solver::solve` runs of the original and the changed instance.

use sanlian_explain::{parse_what_if, what_if, ExplainError, WhatIf, WhatIfResult};
use sanlian_model::{CertificateKind, Instance, Plan, Prepared};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn fixture() -> Instance {
    let path = format!("{}/../../fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn plan_of(prep: &Prepared) -> Option<Plan> {
    match solve(prep, &SolveOptions::default()).expect("no time limit").outcome {
        Outcome::Planned(p) => Some(*p),
        Outcome::Infeasible(_) => None,
    }
}

fn s1(plan: &Plan) -> f64 {
    plan.stages.iter().find(|s| s.id == "S1").unwrap().objective
}

fn county_of<'p>(plan: &'p Plan, id: &str) -> &'p str {
    &plan.assignments.iter().find(|a| a.cadre == id).unwrap().county
}

/// Two proven-optimal S1 values may differ by the proven gap on each side.
#[track_caller]
fn close(what: &str, got: f64, want: f64) {
    let tol = 2e-6 * want.abs().max(1.0) + 0.011;
    assert!((got - want).abs() <= tol, "{what}: what-if says {got}, independent solves {want}");
}

fn run(prep: &Prepared, text: &str) -> Result<WhatIfResult, ExplainError> {
    let change = parse_what_if(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    what_if(prep, &change, text)
}

/// The instance JSON with one cadre deleted from the roster.
fn without(inst: &Instance, id: &str) -> Instance {
    let mut j = serde_json::to_value(inst).unwrap();
    let cadres = j["cadres"].as_array_mut().unwrap();
    let n = cadres.len();
    cadres.retain(|c| c["id"] != id);
    assert_eq!(cadres.len(), n - 1, "{id} is in the roster once");
    Instance::from_json(&j.to_string()).unwrap()
}

fn assert_planned(r: &WhatIfResult) {
    assert!(r.valid, "{}: new plan invalid: {:?}", r.what_if, r.violations);
    assert!(r.violations.is_empty());
    assert!(r.proven_optimal, "{}", r.what_if);
    assert!(r.certificates.is_empty());
    for m in &r.moves {
        assert_ne!(m.from, m.to, "{}: {} listed as moved but stays", r.what_if, m.cadre);
    }
}

#[test]
fn remove_is_the_difference_of_two_solves() {
    let inst = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let before = plan_of(&prep).unwrap();
    for id in ["P003", "C0504", "K370503-2", "K370523-1", "E01-2"] {
        for text in [format!("remove {id}"), format!("-{id}")] {
            let r = run(&prep, &text).unwrap();
            let smaller = without(&inst, id);
            let after = plan_of(&Prepared::new(&smaller).unwrap()).expect("still feasible");
            assert_eq!(r.what_if, text);
            close(&format!("{text}: s1_before"), r.s1_before, s1(&before));
            close(&format!("{text}: s1_after"), r.s1_after.unwrap(), s1(&after));
            close(&format!("{text}: s1_delta"), r.s1_delta.unwrap(), s1(&after) - s1(&before));
            assert_planned(&r);
            let first = &r.moves[0];
            assert_eq!(
                (first.cadre.as_str(), first.from.as_deref(), first.to.as_deref()),
                (id, Some(county_of(&before, id)), None)
            );
            assert_eq!(r.moves.iter().filter(|m| m.cadre == id).count(), 1, "{text}: {:?}", r.moves);
        }
    }
}

#[test]
fn remove_can_make_the_instance_infeasible() {
    // With E01-1 not senior the fixture has exactly one senior per county (H3), so
    // removing a senior leaves a county without a possible leader.
    let mut inst = fixture();
    inst.cadres.iter_mut().find(|c| c.id == "E01-1").unwrap().senior = false;
    let prep = Prepared::new(&inst).unwrap();
    let base = s1(&plan_of(&prep).expect("five seniors for five counties"));
    let r = run(&prep, "remove P003").unwrap();
    assert!(plan_of(&Prepared::new(&without(&inst, "P003")).unwrap()).is_none());
    close("s1_before", r.s1_before, base);
    assert_eq!((r.s1_after, r.s1_delta, r.valid), (None, None, false));
    assert!(r.moves.is_empty());
    assert!(
        r.certificates.iter().any(|c| c.kind == CertificateKind::SeniorLeaders && c.need > c.supply),
        "{:?}",
        r.certificates
    );
}

#[test]
fn move_is_the_difference_of_a_restricted_and_a_plain_solve() {
    let inst = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let before = plan_of(&prep).unwrap();
    let mut tried = 0;
    for id in ["P004", "C0501", "C0504", "E01-1"] {
        let c = prep.cadre_index[id];
        let here = prep.county_index[county_of(&before, id)];
        for &k in prep.eligible[c].iter().filter(|&&k| k != here).take(2) {
            let code = &inst.region.counties[k].code;
            let text = format!("{id} -> {code}");
            let r = run(&prep, &text).unwrap();
            let want = plan_of(&prep.restrict(c, &[k])).map(|p| s1(&p) - s1(&before));
            let Some(want) = want else {
                assert!(r.s1_after.is_none() && !r.certificates.is_empty(), "{text}");
                continue;
            };
            close(&format!("{text}: s1_delta"), r.s1_delta.unwrap(), want);
            assert!(want >= -0.011, "{text}: fixing a cadre cannot lower optimal S1");
            assert_planned(&r);
            let m = r
                .moves
                .iter()
                .find(|m| m.cadre == id)
                .unwrap_or_else(|| panic!("{text}: {id} not among the moves {:?}", r.moves));
            assert_eq!(
                (m.from.as_deref(), m.to.as_deref()),
                (Some(county_of(&before, id)), Some(code.as_str())),
                "{text}"
            );
            tried += 1;
        }
    }
    assert!(tried >= 4);
}

#[test]
fn forbidding_the_current_county_moves_the_cadre() {
    let inst = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let before = plan_of(&prep).unwrap();
    for id in ["P001", "C0502", "C0506", "E01-2"] {
        let here = county_of(&before, id);
        let text = format!("{id} !-> {here}");
        let r = run(&prep, &text).unwrap();
        assert_planned(&r);
        let m = r
            .moves
            .iter()
            .find(|m| m.cadre == id)
            .unwrap_or_else(|| panic!("{text}: {id} did not move: {:?}", r.moves));
        assert_eq!(m.from.as_deref(), Some(here));
        let to = m.to.as_deref().unwrap();
        assert_ne!(to, here, "{text}");
        assert!(prep.is_eligible(prep.cadre_index[id], prep.county_index[to]), "{text}: moved to ineligible {to}");
        let want = s1(&plan_of(&prep.forbid(prep.cadre_index[id], prep.county_index[here])).unwrap()) - s1(&before);
        close(&format!("{text}: s1_delta"), r.s1_delta.unwrap(), want);
        assert!(want >= -0.011);
    }
}

#[test]
fn parse_accepts_the_four_forms() {
    let mv = |c: &str, k: &str| WhatIf::Move { cadre: c.into(), county: k.into() };
    let forbid = |c: &str, k: &str| WhatIf::Forbid { cadre: c.into(), county: k.into() };
    let remove = |c: &str| WhatIf::Remove { cadre: c.into() };
    assert_eq!(parse_what_if("P017 -> 370781"), Ok(mv("P017", "370781")));
    assert_eq!(parse_what_if("P017->370781"), Ok(mv("P017", "370781")));
    assert_eq!(parse_what_if("  P017 ->  370781 "), Ok(mv("P017", "370781")));
    assert_eq!(parse_what_if("P017 !-> 370781"), Ok(forbid("P017", "370781")));
    assert_eq!(parse_what_if("P017!->370781"), Ok(forbid("P017", "370781")));
    assert_eq!(parse_what_if("remove P017"), Ok(remove("P017")));
    assert_eq!(parse_what_if("-P017"), Ok(remove("P017")));
    assert_eq!(parse_what_if(" -P017 "), Ok(remove("P017")));
}

#[test]
fn parse_rejects_malformed_input() {
    for bad in [
        "",
        "   ",
        "->",
        "!->",
        "P017 ->",
        "-> 370781",
        "P017 !->",
        "remove",
        "remove ",
        "-",
        "foo bar",
        "remove P017 P018",
        "P017",
    ] {
        let e = parse_what_if(bad).expect_err(bad);
        assert!(e.contains("ID -> COUNTY"), "{bad:?}: the error should show the forms: {e}");
    }
}

#[test]
fn ineligible_moves_and_unknown_ids_are_errors() {
    let inst = fixture();
    let prep = Prepared::new(&inst).unwrap();
    // A county cadre may serve only in its own county (H2).
    let e = run(&prep, "K370502-1 -> 370503").expect_err("county cadre into another county");
    assert!(matches!(e, ExplainError::Unknown(_)), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("H2") && msg.contains("K370502-1"), "{msg}");
    // So forbidding its own county is not a move either.
    let msg = run(&prep, "K370502-1 !-> 370502").expect_err("only county").to_string();
    assert!(msg.contains("H2") && msg.contains("remove"), "{msg}");
    for text in ["NOBODY -> 370503", "NOBODY !-> 370503", "remove NOBODY", "-NOBODY"] {
        let msg = run(&prep, text).expect_err(text).to_string();
        assert!(msg.contains("NOBODY"), "{text}: {msg}");
    }
    let msg = run(&prep, "P001 -> 999999").expect_err("unknown county").to_string();
    assert!(msg.contains("999999"), "{msg}");
}

/// A planner's what-if moves as few others as possible (issue 11, item 9): the minimal
/// answer changes no more groups than the fresh optimum, costs at least as much (the fresh
/// one is optimal), passes the checker, and keeps every cadre it does not list where it was.
#[test]
fn a_what_if_first_answers_with_the_fewest_changes() {
    let inst = fixture();
    let prep = Prepared::new(&inst).unwrap();
    let before = plan_of(&prep).unwrap();
    // A province cadre to a county it does not serve in now.
    let cadre = &inst.cadres.iter().find(|c| c.level == sanlian_model::Level::Province).unwrap().id;
    let here = county_of(&before, cadre).to_string();
    let there = inst.region.counties.iter().map(|k| k.code.clone()).find(|k| *k != here).unwrap();
    let text = format!("{cadre} -> {there}");
    let r = run(&prep, &text).unwrap();
    assert_planned(&r);
    let m = r.minimal.as_ref().expect("a minimal answer");
    assert!(m.valid, "{:?}", m.violations);
    assert!(m.moves.iter().any(|c| c.cadre == *cadre && c.to.as_deref() == Some(there.as_str())), "{:?}", m.moves);
    assert!(m.moves.len() <= r.moves.len(), "minimal {} moves, fresh optimum {}", m.moves.len(), r.moves.len());
    assert!(m.s1_delta + 0.011 >= r.s1_delta.unwrap(), "minimal {} < optimal {:?}", m.s1_delta, r.s1_delta);
    let mut ids: Vec<&str> = m.moves.iter().map(|c| c.cadre.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), m.moves.len(), "a move is listed once per cadre");
    let text = sanlian_explain::render::what_if(&r, sanlian_explain::render::Lang::Zh);
    let first = text.find("在原方案上改动最少").expect("the minimal answer is shown");
    let second = text.find("对照：重新求全省最优").expect("the fresh optimum is shown");
    assert!(first < second, "the minimal answer comes first:\n{text}");
}
