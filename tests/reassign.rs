//! Re-planning (§7): repaired plans are valid, keep the past, change as little as
//! possible, and a replacement changes nothing but the person.

// Index loops mirror the rules' subscripts (cadre c, year y, county k).
#![allow(clippy::needless_range_loop)]

mod common;

use proptest::prelude::*;
use sanlian_model::{Cadre, Event, Events, Instance, Level, Plan, Point, Prepared};
use sanlian_solver::repair::{baselines, changes, pinned_differences, repair, Baseline};
use sanlian_solver::{solve, Outcome, SolveOptions};

fn small() -> Instance {
    let path = format!("{}/fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn plan_of(inst: &Instance) -> Plan {
    let prep = Prepared::new(inst).unwrap();
    let Outcome::Planned(plan) = solve(&prep, &SolveOptions::default()).unwrap().outcome else { panic!("feasible") };
    *plan
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// Apply `events`, repair, and check the answer: valid on the new instance, the past
/// unchanged. Returns the repaired plan, the baselines and the new instance.
fn repaired(
    inst: &Instance,
    old: &Plan,
    events: Vec<Event>,
) -> Option<(Plan, Vec<Option<Baseline>>, Instance, chrono::NaiveDate)> {
    let applied = Events { events }.apply(inst, old).expect("valid events");
    let next = applied.instance.clone();
    let prep = Prepared::new(&next).unwrap();
    let base = baselines(&prep, old, &applied.baseline);
    match repair(&prep, applied.date, &base, &SolveOptions::default()).unwrap().outcome {
        Outcome::Planned(plan) => {
            let report = sanlian_check::check(prep.inst, &plan).expect("a valid instance");
            assert!(report.is_valid(), "{:?}", report.violations);
            assert_eq!(pinned_differences(&prep, applied.date, &base, &plan), Vec::<String>::new());
            Some((*plan, base, next, applied.date))
        }
        Outcome::Infeasible(certs) => {
            // The certificates count what the cadres may still do: a cadre with a year under
            // way keeps its group (H1), a successor takes its predecessor's.
            let mut fixed = prep.clone();
            for (c, b) in base.iter().enumerate() {
                let Some(b) = b else { continue };
                let at_work = (0..2).any(|y| {
                    prep.active(c, y)
                        && sanlian_model::cost::month_days(
                            next.first_year + y as i32,
                            next.parameters.window_first_month,
                        )
                        .0 < applied.date
                });
                if b.successor || at_work {
                    fixed.eligible[c].retain(|&k| k == b.county);
                }
            }
            let kept = kept(&prep, &base, applied.date);
            for c in &certs {
                if let Err(e) = common::reverify_kept(&fixed, c, Some(&kept)) {
                    panic!("{}: {e}", c.message);
                }
            }
            None
        }
    }
}

/// What a re-plan from `date` keeps, by §7's words: a cadre's township of a year whose window
/// started before the date (a successor takes over, so its own are open), and the block
/// months that started before it.
fn kept(prep: &Prepared, base: &[Option<Baseline>], date: chrono::NaiveDate) -> common::Kept {
    let start = |y: usize, m: u32| chrono::NaiveDate::from_ymd_opt(prep.inst.first_year + y as i32, m, 1).unwrap();
    let w = prep.inst.parameters.window_first_month;
    let mut covered = vec![false; prep.inst.region.townships.len()];
    let mut open_years = vec![0; prep.n_cadres()];
    let mut taken = vec![[0u64; 2]; prep.n_cadres()];
    let mut frozen = vec![false; prep.n_cadres()];
    for c in 0..prep.n_cadres() {
        for y in 0..2 {
            if !prep.active(c, y) {
                continue;
            }
            match &base[c] {
                Some(b) if !b.successor && start(y, w) < date => {
                    if let Some(t) = b.town[y] {
                        covered[t] = true;
                    }
                }
                _ => open_years[c] += 1,
            }
            if let Some(b) = base[c].as_ref().filter(|b| !b.successor) {
                taken[c][y] = b.months[y].iter().filter(|&&m| start(y, m) < date).count() as u64;
                frozen[c] = true;
            }
        }
    }
    common::Kept { date, covered, open_years, taken, frozen }
}

#[test]
fn replace_changes_nothing_but_the_person() {
    let inst = small();
    let old = plan_of(&inst);
    let p003 = inst.cadres.iter().find(|c| c.id == "P003").unwrap();
    let successor = Cadre {
        department: p003.department.clone(),
        senior: true,
        ..Cadre::new("P901", "接任者", Level::Province, "团省委", p003.base)
    };
    let (plan, base, next, d) =
        repaired(&inst, &old, vec![Event::Replace { date: date("2027-07-01"), cadre: "P003".into(), successor }])
            .expect("a successor keeps the plan feasible");
    let prep = Prepared::new(&next).unwrap();
    assert_eq!(changes(&prep, d, &base, &plan), Vec::new(), "nothing but the person changes");
    let old_p003 = old.assignments.iter().find(|a| a.cadre == "P003").unwrap();
    let new_p901 = plan.assignments.iter().find(|a| a.cadre == "P901").unwrap();
    assert_eq!(new_p901.county, old_p003.county);
    for (o, n) in old_p003.years.iter().zip(&new_p901.years) {
        assert_eq!(o.township, n.township);
        let later = |b: &sanlian_model::Block| b.first_day >= d;
        let o_months: Vec<&str> = o.blocks.iter().filter(|b| later(b)).map(|b| b.month.as_str()).collect();
        let n_months: Vec<&str> = n.blocks.iter().map(|b| b.month.as_str()).collect();
        assert_eq!(o_months, n_months, "the successor takes the remaining blocks");
    }
    let group = plan.groups.iter().find(|g| g.county == old_p003.county).unwrap();
    assert_eq!(group.leader.as_deref(), Some("P901"));
    assert_eq!(group.former_leaders.len(), 1);
    assert_eq!(group.former_leaders[0].cadre, "P003");
}

#[test]
fn a_leader_leaving_without_successor_is_answered_with_a_certificate() {
    let inst = small();
    let old = plan_of(&inst);
    // P004 is the only senior of its group; everyone else's group is fixed in mid-2027.
    assert!(repaired(&inst, &old, vec![Event::Leave { date: date("2027-07-01"), cadre: "P004".into() }]).is_none());
}

#[test]
fn a_departure_before_the_plan_starts_is_replanned_freely() {
    let inst = small();
    let old = plan_of(&inst);
    let (plan, _, next, _) =
        repaired(&inst, &old, vec![Event::Leave { date: date("2027-02-01"), cadre: "P004".into() }]).expect("feasible");
    assert_eq!(next.cadres.len(), inst.cadres.len() - 1, "a cadre who leaves before the plan starts is gone");
    assert!(plan.assignments.iter().all(|a| a.cadre != "P004"));
}

#[test]
fn joiner_and_unavailability_are_absorbed() {
    let inst = small();
    let old = plan_of(&inst);
    let seat = Point { lat: 36.670849, lon: 117.014012 };
    let joiner = Cadre {
        department: Some("组织部".into()),
        ..Cadre::new("P902", "新成员", Level::Province, "团省委", seat)
    };
    let p001 = old.assignments.iter().find(|a| a.cadre == "P001").unwrap();
    let later: Vec<String> = p001.years[1].blocks.iter().map(|b| b.month.clone()).collect();
    let (plan, base, next, d) = repaired(
        &inst,
        &old,
        vec![
            Event::Join { date: date("2027-08-01"), cadre: joiner },
            Event::Unavailable { date: date("2027-08-01"), cadre: "P001".into(), months: later.clone() },
        ],
    )
    .expect("feasible");
    let prep = Prepared::new(&next).unwrap();
    let list = changes(&prep, d, &base, &plan);
    assert!(list.iter().any(|c| c.cadre == "P001" && c.kind == "months" && c.year == 2028), "{list:?}");
    let p902 = plan.assignments.iter().find(|a| a.cadre == "P902").unwrap();
    assert!(
        p902.years.iter().flat_map(|y| &y.blocks).all(|b| b.first_day >= d),
        "a joiner's blocks start after it joins"
    );
    // v1.1: a year served in part has an exact block count, min(2 blocks, 5 months August–
    // December): the joiner gets both (before, it could get none).
    let in_2027 = p902.years.iter().find(|y| y.year == 2027).map_or(0, |y| y.blocks.len());
    assert_eq!(in_2027, 2, "{p902:?}");
}

/// Fewest township changes by enumeration: with every group pinned (an event in the middle
/// of year 1), only year-2 townships can change; per county, try every assignment of them.
fn brute_force_township_changes(prep: &Prepared, base: &[Option<Baseline>], plan: &Plan) -> Option<usize> {
    let p = &prep.inst.parameters;
    let mut total = 0;
    for k in 0..prep.n_counties() {
        let members: Vec<usize> = plan
            .assignments
            .iter()
            .filter(|a| a.county == prep.inst.region.counties[k].code)
            .map(|a| prep.cadre_index[a.cadre.as_str()])
            .collect();
        let towns = &prep.townships_of[k];
        let year1: Vec<(usize, Option<usize>)> = members
            .iter()
            .map(|&c| (c, base[c].as_ref().and_then(|b| b.town[0]).filter(|_| prep.active(c, 0))))
            .collect();
        let free: Vec<usize> = members.iter().copied().filter(|&c| prep.active(c, 1)).collect();
        let space = (towns.len() as f64).powi(free.len() as i32);
        if space > 200_000.0 {
            return None;
        }
        let mut best: Option<usize> = None;
        let mut choice = vec![0usize; free.len()];
        loop {
            let y2: Vec<usize> = choice.iter().map(|&j| towns[j]).collect();
            let distinct = free.iter().zip(&y2).all(|(&c, &t)| {
                towns.len() < 2 || year1.iter().find(|(cc, _)| *cc == c).and_then(|(_, t1)| *t1) != Some(t)
            });
            let load = towns.iter().all(|&t| {
                p.window_months().all(|m| {
                    free.iter().zip(&y2).filter(|(&c, &tt)| tt == t && prep.serves_month(c, 1, m)).count() as u32
                        <= p.max_cadres_per_township_year
                })
            });
            let covered = towns.iter().all(|&t| y2.contains(&t) || year1.iter().any(|(_, t1)| *t1 == Some(t)));
            if distinct && load && covered {
                let n =
                    free.iter().zip(&y2).filter(|(&c, &t)| base[c].as_ref().and_then(|b| b.town[1]) != Some(t)).count();
                best = Some(best.map_or(n, |b: usize| b.min(n)));
            }
            let mut i = 0;
            loop {
                if i == choice.len() {
                    break;
                }
                choice[i] += 1;
                if choice[i] < towns.len() {
                    break;
                }
                choice[i] = 0;
                i += 1;
            }
            if i == choice.len() {
                break;
            }
        }
        total += best?;
    }
    Some(total)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mid_year_departures_change_the_fewest_townships(shape in common::shapes(), who in 0usize..40) {
        let mut shape = shape;
        shape.periods.clear();
        let inst = common::build(&shape);
        let Ok(prep) = Prepared::new(&inst) else { return Ok(()); };
        let Ok(sol) = solve(&prep, &SolveOptions::default()) else { return Ok(()); };
        let Outcome::Planned(old) = sol.outcome else { return Ok(()); };
        let leaver = inst.cadres[who % inst.cadres.len()].id.clone();
        let Some((plan, base, next, _)) = repaired(&inst, &old, vec![Event::Leave { date: date("2027-07-01"), cadre: leaver }]) else {
            return Ok(());
        };
        let prep2 = Prepared::new(&next).unwrap();
        let reported = plan.stages.iter().find(|s| s.id == "R2").map(|s| s.objective as usize).unwrap();
        if let Some(best) = brute_force_township_changes(&prep2, &base, &plan) {
            prop_assert_eq!(reported, best);
        }
    }
}

#[test]
fn a_chain_checks_its_first_plan_and_gives_what_one_re_plan_after_another_gives() {
    use sanlian_explain::replan::{reassign_with, Chain, ReplanError, ReplanOptions};
    let inst = small();
    let old = plan_of(&inst);
    let opts = ReplanOptions { takeovers: Some(0), ..ReplanOptions::default() };
    // A plan that breaks a rule is refused at the first step, as reassign_with refuses it.
    // (H5: one cadre on one township in both years, its county having more than one.)
    let mut broken = old.clone();
    broken.assignments[0].years[1].township = broken.assignments[0].years[0].township.clone();
    assert!(!sanlian_check::check(&inst, &broken).unwrap().is_valid(), "the broken plan breaks a rule");
    let leave = |d: &str, c: &str| Events { events: vec![Event::Leave { date: date(d), cadre: c.into() }] };
    let first = leave("2027-07-01", "K370502-2");
    assert!(matches!(Chain::new(inst.clone(), broken).step(&first, &opts), Err(ReplanError::InvalidBase(_))));
    // Two months of departures through the chain: the same plans, step by step, as two
    // re-plans of the plan the one before made, each checked on its own.
    let second = leave("2027-09-01", "K370505-3");
    let mut chain = Chain::new(inst.clone(), old.clone());
    let a = chain.step(&first, &opts).unwrap();
    let b = chain.step(&second, &opts).unwrap();
    let one = reassign_with(&inst, &old, &first, &opts).unwrap();
    let two = reassign_with(&one.instance, one.shown().unwrap(), &second, &opts).unwrap();
    // The same decisions, costs and stage values (their seconds aside).
    let same = |x: &Plan, y: &Plan| {
        let stages = |p: &Plan| p.stages.iter().map(|s| (s.id.clone(), s.objective)).collect::<Vec<_>>();
        x.assignments == y.assignments && x.groups == y.groups && x.costs == y.costs && stages(x) == stages(y)
    };
    assert!(same(a.shown().unwrap(), one.shown().unwrap()));
    assert!(same(b.shown().unwrap(), two.shown().unwrap()));
    assert!(same(chain.plan(), two.shown().unwrap()));
    assert_eq!(chain.instance().cadres.len(), two.instance.cadres.len());
    let report = sanlian_check::check(chain.instance(), chain.plan()).unwrap();
    assert!(report.is_valid(), "{:?}", report.violations);
}
