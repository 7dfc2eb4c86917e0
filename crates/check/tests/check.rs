//! The checker against a hand-made valid plan and one mutation per rule.

mod fixture;

use std::collections::BTreeSet;

use chrono::{NaiveDate, Weekday};
use fixture::*;
use sanlian_check::{check, Report, Violation};
use sanlian_model::{
    Block, CadreAssignment, County, CountyKind, Group, Instance, Plan, Point, Shortfall, StageStatus, Township,
    YearAssignment,
};

fn run(inst: &Instance, plan: &Plan) -> Report {
    check(inst, plan).expect("the fixture instance is valid")
}

/// Copy the recomputed costs, coverage and stage values into the plan, so that
/// a mutation shows only the rule it breaks (used by the per-rule tests only).
fn refill(plan: &mut Plan, report: &Report) {
    plan.costs = report.costs.clone();
    plan.coverage = report.coverage.clone();
    let v = &report.values;
    for s in &mut plan.stages {
        let value = match s.id.as_str() {
            "S1" => v.s1,
            "S2" => v.s2,
            "S3a" => v.s3_presence as f64,
            "S3b" => v.s3_weekdays as f64,
            "B1" => v.b1_covered as f64,
            "B2" => v.b2_senior_leaders as f64,
            "B3" => v.b3_mixed_groups as f64,
            other => panic!("unexpected stage {other}"),
        };
        s.objective = value;
        s.bound = value;
        for (name, term) in s.terms.iter_mut() {
            *term = match name.as_str() {
                "travel" => v.s1_travel,
                "preference_misses" => v.s1_preference_misses as f64,
                "preference_penalty" => v.s1_preference_penalty,
                "continuity_kept" => v.s1_continuity_kept as f64,
                "continuity_bonus" => v.s1_continuity_bonus,
                "matches" => v.s2_matches as f64,
                "match_value" => v.s2_match_value,
                "priority_first_year" => v.s2_priority_first_year as f64,
                "priority_value" => v.s2_priority_value,
                "county_months_with_presence" => v.s3_presence as f64,
                "county_months_reachable" => v.s3_reachable as f64,
                "distinct_weekdays" => v.s3_weekdays as f64,
                _ => *term,
            };
        }
    }
}

/// Check a mutated plan after refilling its reported numbers.
fn run_refilled(inst: &Instance, plan: &mut Plan) -> Report {
    let first = run(inst, plan);
    refill(plan, &first);
    run(inst, plan)
}

fn rules(report: &Report) -> BTreeSet<&str> {
    report.violations.iter().map(|v| v.rule.as_str()).collect()
}

fn listing(report: &Report) -> String {
    report.violations.iter().map(|v| format!("\n  {v}")).collect()
}

/// Assert that the report has violations, all of rule `rule`.
fn assert_only(report: &Report, rule: &str) {
    assert!(!report.violations.is_empty(), "expected {rule} violations, got none");
    assert_eq!(rules(report), BTreeSet::from([rule]), "violations:{}", listing(report));
}

fn assert_valid(report: &Report) {
    assert!(report.is_valid(), "violations:{}", listing(report));
}

fn subjects<'a>(report: &'a Report, rule: &str) -> Vec<&'a str> {
    report.violations.iter().filter(|v| v.rule == rule).map(|v| v.subject.as_str()).collect()
}

fn fixture() -> (Instance, Plan) {
    let inst = instance();
    let plan = valid_plan(&inst);
    (inst, plan)
}

fn shortfall(rule: &str, subject: &str) -> Shortfall {
    Shortfall { rule: rule.into(), subject: subject.into(), reason: "test".into(), msg: None }
}

// ---------------------------------------------------------------- valid plan

#[test]
fn the_hand_made_plan_is_valid() {
    let (inst, plan) = fixture();
    let report = run(&inst, &plan);
    assert_valid(&report);
    assert!(report.violations.is_empty());
}

#[test]
fn stage_values_match_the_hand_count() {
    let (inst, plan) = fixture();
    let v = run(&inst, &plan).values;
    assert_eq!(v.s1_preference_misses, 1, "P04 is placed outside its preferred county");
    assert_eq!(v.s1_continuity_kept, 1, "P05 is back in its previous county");
    assert!((v.s1_travel - plan.costs.travel).abs() < 1e-6);
    assert!((v.s1 - (plan.costs.travel + 2000.0 - 1000.0)).abs() < 1e-6);
    assert_eq!(v.s2_matches, S2_MATCHES);
    assert_eq!(v.s2_priority_first_year, S2_PRIORITY);
    assert_eq!(v.s2, S2);
    assert_eq!(v.s3_presence as f64, S3A);
    assert_eq!(v.s3_weekdays as f64, S3B);
    assert_eq!((v.b1_covered, v.b2_senior_leaders, v.b3_mixed_groups), (5, 2, 2));
}

#[test]
fn costs_match_the_hand_count() {
    let (inst, plan) = fixture();
    let report = run(&inst, &plan);
    let cost = |id: &str| report.costs.cadres.iter().find(|c| c.cadre == id).unwrap().clone();
    // P01: March and August in both years = 4 × 31 days at 350 + 100 yuan.
    assert_eq!(cost("P01").stay_days, 124);
    assert_eq!(cost("P01").stay, 55_800.0);
    assert_eq!(cost("P01").round_trips, 8.0);
    assert_eq!(cost("P10").round_trips, 4.0, "P10 is active in one year only");
    assert_eq!(cost("K01").round_trips, 86.0);
    assert_eq!(cost("K01").stay_days, 0);
    assert!((cost("U01").round_trips - 2.0 * (2.0 + 43.0 - 4.3)).abs() < 1e-9);
    assert_eq!(cost("U01").stay_days, 30 + 31);
    assert_eq!(cost("C01").stay_days, 31 + 30 + 30 + 31);
    let p01 = cost("P01");
    assert!((p01.travel - 8.0 * 2.0 * p01.road_km * 0.6).abs() < 1e-9);
    assert_eq!(report.costs.cadres.len(), 15);
    let units: Vec<&str> = report.costs.units.iter().map(|u| u.unit.as_str()).collect();
    let mut sorted = units.clone();
    sorted.sort();
    assert_eq!(units, sorted);
    let province = report.costs.units.iter().find(|u| u.unit == "团省委").unwrap();
    assert_eq!(province.cadres, 10);
    let groups: Vec<&str> = report.costs.groups.iter().map(|g| g.county.as_str()).collect();
    assert_eq!(groups, [A, B]);
    let group_sum: f64 = report.costs.groups.iter().map(|g| g.travel).sum();
    assert!((group_sum - report.costs.travel).abs() < 1e-6);
    assert_eq!(report.coverage, plan.coverage);
}

#[test]
fn violations_display_and_serialize() {
    let v = Violation { rule: "H5".into(), subject: "P017".into(), message: "covers 370101001 in both years".into() };
    assert_eq!(v.to_string(), "[H5] P017: covers 370101001 in both years");
    let (inst, mut plan) = fixture();
    plan.coverage.total = 4;
    let json = serde_json::to_value(run(&inst, &plan)).unwrap();
    assert_eq!(json["violations"][0]["rule"], "COVERAGE");
    assert_eq!(json["values"]["b1_covered"], 5);
    assert_eq!(json["coverage"]["total"], 5);
}

// ---------------------------------------------------------------------- PLAN

#[test]
fn plan_first_year_must_match() {
    let (inst, mut plan) = fixture();
    plan.first_year = YEAR2;
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_must_echo_the_parameters() {
    let (inst, mut plan) = fixture();
    plan.parameters.fare_per_km = 0.7;
    let report = run(&inst, &plan);
    assert_only(&report, "PLAN");
    assert!(report.violations[0].message.contains("fare_per_km"), "{}", report.violations[0]);
}

#[test]
fn plan_assignment_listed_twice() {
    let (inst, mut plan) = fixture();
    let again = plan.assignments[2].clone();
    plan.assignments.push(again);
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_assignment_missing() {
    let (inst, mut plan) = fixture();
    plan.assignments.retain(|a| a.cadre != "P03");
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "PLAN");
    assert_eq!(subjects(&report, "PLAN"), ["P03"]);
}

#[test]
fn plan_assignment_for_unknown_cadre() {
    let (inst, mut plan) = fixture();
    plan.assignments.push(CadreAssignment { cadre: "X99".into(), county: A.into(), years: vec![] });
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_assignment_to_unknown_county() {
    let (inst, mut plan) = fixture();
    assignment_mut(&mut plan, "P01").county = "379999".into();
    // P01 is still listed in A's group, so H1 holds; only the assignment is broken.
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "PLAN");
}

#[test]
fn plan_entry_for_an_inactive_year() {
    let (inst, mut plan) = fixture();
    let entry = YearAssignment { year: YEAR2, township: A2.into(), blocks: vec![], weekday: None };
    assignment_mut(&mut plan, "P10").years.push(entry);
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_entry_outside_the_plan_years() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "K01", YEAR2).year = YEAR2 + 1;
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "PLAN");
    assert_eq!(report.violations.len(), 2, "the stray entry and the missing 2028 entry:{}", listing(&report));
}

#[test]
fn plan_entry_listed_twice_for_a_year() {
    let (inst, mut plan) = fixture();
    let again = entry_mut(&mut plan, "K01", YEAR1).clone();
    assignment_mut(&mut plan, "K01").years.push(again);
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_unknown_township() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "P03", YEAR1).township = "370101999".into();
    assert_only(&run_refilled(&inst, &mut plan), "PLAN");
}

#[test]
fn plan_group_entries_unknown_or_twice() {
    let (inst, mut plan) = fixture();
    let again = group_mut(&mut plan, A).clone();
    plan.groups.push(again);
    let mut stray = group_mut(&mut plan, B).clone();
    stray.county = "379999".into();
    plan.groups.push(stray);
    let report = run(&inst, &plan);
    assert_only(&report, "PLAN");
    assert_eq!(subjects(&report, "PLAN"), [A, "379999"]);
}

#[test]
fn plan_group_names_must_match_the_instance() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, A).county_name = "别的区".into();
    group_mut(&mut plan, B).city = "379900".into();
    assert_eq!(run(&inst, &plan).violations.len(), 2);
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_group_members_must_match_the_assignments() {
    let (inst, mut plan) = fixture();
    // K01's assignment still names A, but the member lists put it in B.
    unlist_member(&inst, &mut plan, A, "K01");
    list_member(&inst, &mut plan, B, "K01");
    let report = run(&inst, &plan);
    assert_only(&report, "PLAN");
    assert_eq!(subjects(&report, "PLAN"), ["K01"]);
}

#[test]
fn plan_by_level_must_count_the_members() {
    let (inst, mut plan) = fixture();
    *group_mut(&mut plan, A).by_level.get_mut(&sanlian_model::Level::Province).unwrap() += 1;
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn plan_unknown_member_and_leader() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, A).members.push("X99".into());
    group_mut(&mut plan, B).leader = Some("X98".into());
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "PLAN");
    assert_eq!(report.violations.len(), 2);
}

#[test]
fn plan_member_listed_twice() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, A).members.push("K01".into());
    assert_only(&run(&inst, &plan), "PLAN");
}

#[test]
fn garbage_plans_give_violations_not_panics() {
    let (inst, valid) = fixture();
    let mut empty = valid.clone();
    empty.groups.clear();
    empty.assignments.clear();
    empty.stages.clear();
    let report = run(&inst, &empty);
    assert!(rules(&report).contains("PLAN"));
    assert!(rules(&report).contains("H7"));

    let mut garbage = valid.clone();
    let weird_block = |month: &str| Block {
        month: month.into(),
        first_day: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        last_day: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    };
    garbage.assignments.push(CadreAssignment {
        cadre: "P01".into(),
        county: "".into(),
        years: vec![YearAssignment {
            year: i32::MIN,
            township: "".into(),
            blocks: vec![],
            weekday: Some(Weekday::Sun),
        }],
    });
    garbage.assignments[1].years = vec![
        YearAssignment { year: i32::MAX, township: "?".into(), blocks: vec![], weekday: None },
        YearAssignment {
            year: YEAR1,
            township: A1.into(),
            blocks: ["2027-13", "27-01", "+999-01", "0000-02", "2027-3", "", "9999-12"].map(weird_block).to_vec(),
            weekday: Some(Weekday::Sat),
        },
    ];
    garbage.assignments[12].county = A.into();
    garbage.groups[0].leader = Some("".into());
    garbage.groups[1].members = vec!["P01".into(), "P01".into(), "nobody".into()];
    garbage.costs.travel = f64::NAN;
    garbage.costs.cadres.truncate(3);
    garbage.stages[0].objective = f64::NAN;
    garbage.stages[1].gap = f64::INFINITY;
    garbage.stages.push(garbage.stages[0].clone());
    garbage.shortfalls.push(shortfall("H99", ""));
    let report = run(&inst, &garbage);
    for rule in ["PLAN", "H1", "H2", "H3", "H5", "H8", "H10", "COST", "STAGE", "SHORTFALL"] {
        assert!(rules(&report).contains(rule), "no {rule} in:{}", listing(&report));
    }
}

// ------------------------------------------------------------------------ H1

#[test]
fn h1_cadre_in_two_groups() {
    let (inst, mut plan) = fixture();
    list_member(&inst, &mut plan, B, "K01");
    let report = run(&inst, &plan);
    assert_only(&report, "H1");
    assert_eq!(subjects(&report, "H1"), ["K01"]);
}

#[test]
fn h1_cadre_in_no_group() {
    let (inst, mut plan) = fixture();
    unlist_member(&inst, &mut plan, A, "K01");
    let report = run(&inst, &plan);
    assert_only(&report, "H1");
    assert_eq!(subjects(&report, "H1"), ["K01"]);
}

/// The fixture with a third county C (one township) whose group is empty.
fn with_empty_county() -> (Instance, Plan) {
    let (mut inst, mut plan) = fixture();
    let c = County {
        code: "370103".into(),
        name: "丙区".into(),
        city: CITY.into(),
        kind: CountyKind::District,
        seat: Point { lat: 36.3, lon: 117.5 },
    };
    inst.region.townships.push(Township {
        code: "370103001".into(),
        name: "丙镇".into(),
        county: c.code.clone(),
        kind: "镇".into(),
        location: None,
        needs: vec![],
        priority: false,
    });
    plan.groups.push(Group {
        county: c.code.clone(),
        county_name: c.name.clone(),
        city: c.city.clone(),
        leader: None,
        members: vec![],
        by_level: Default::default(),
        former_leaders: Vec::new(),
    });
    inst.region.counties.push(c);
    let first = run(&inst, &plan);
    refill(&mut plan, &first);
    (inst, plan)
}

#[test]
fn h1_empty_county_breaks_strict_mode() {
    let (inst, plan) = with_empty_county();
    let report = run(&inst, &plan);
    assert_eq!(rules(&report), BTreeSet::from(["H1", "H3", "H4", "H7"]), "{}", listing(&report));
    assert_eq!(subjects(&report, "H1"), ["370103"]);
}

// ------------------------------------------------------------------------ H2

#[test]
fn h2_county_cadre_outside_its_county() {
    let (inst, mut plan) = fixture();
    move_cadre(&inst, &mut plan, "K01", B);
    set_townships(&mut plan, "K01", B2, B1);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H2");
    assert_eq!(subjects(&report, "H2"), ["K01"]);
}

#[test]
fn h2_university_beyond_nearby_km() {
    let (inst, mut plan) = fixture();
    // U01 is ~7 km from A's seat and ~120 km from B's: only A is eligible.
    move_cadre(&inst, &mut plan, "U01", B);
    set_townships(&mut plan, "U01", B2, B1);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H2");
    assert_eq!(subjects(&report, "H2"), ["U01"]);
}

// ------------------------------------------------------------------------ H3

#[test]
fn h3_leader_not_senior() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, A).leader = Some("P03".into());
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H3");
    assert_eq!(subjects(&report, "H3"), [A]);
}

#[test]
fn h3_leader_not_a_member() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, A).leader = Some("P02".into());
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H3");
    assert!(report.violations[0].message.contains("not a member"), "{}", report.violations[0]);
}

#[test]
fn h3_no_leader() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, B).leader = None;
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H3");
    assert_eq!(subjects(&report, "H3"), [B]);
}

// ------------------------------------------------------------------------ H4

/// The fixture with min_upper_per_group = 6: A has 6 upper members, B only 5.
fn with_six_upper_needed() -> (Instance, Plan) {
    let (mut inst, mut plan) = fixture();
    inst.parameters.min_upper_per_group = 6;
    plan.parameters.min_upper_per_group = 6;
    (inst, plan)
}

#[test]
fn h4_too_few_upper_members() {
    let (inst, plan) = with_six_upper_needed();
    let report = run(&inst, &plan);
    assert_only(&report, "H4");
    // B has five; A has six, but P10 is active in 2027 only, so five in 2028 (v1.1: H4 in
    // each plan year).
    assert_eq!(subjects(&report, "H4"), [A, B]);
    assert!(listing(&report).contains("from 2028-03-01 the group has 5"), "{}", listing(&report));
}

#[test]
fn h3_leader_active_in_one_year_only_leads_that_year_only() {
    let (inst, mut plan) = fixture();
    // P10 is senior-less and active in 2027 only; make it senior and A's leader.
    let mut inst = inst;
    inst.cadres.iter_mut().find(|c| c.id == "P10").unwrap().senior = true;
    group_mut(&mut plan, A).leader = Some("P10".into());
    let report = run(&inst, &plan);
    assert_only(&report, "H3");
    assert!(
        listing(&report).contains("on 2028-03-01 the group's leader P10 is not in service"),
        "{}",
        listing(&report)
    );
    // Led by P10 in 2027 and by P01 from 2028: valid.
    group_mut(&mut plan, A).leader = Some("P01".into());
    group_mut(&mut plan, A).former_leaders =
        vec![sanlian_model::FormerLeader { cadre: "P10".into(), until: NaiveDate::from_ymd_opt(2028, 3, 1).unwrap() }];
    assert_valid(&run(&inst, &plan));
}

#[test]
fn h8_part_served_year_needs_its_exact_block_count() {
    let (mut inst, mut plan) = fixture();
    // P03 leaves on 2027-08-01 (its 2027 blocks are March and August: August is not served).
    let p03 = inst.cadres.iter_mut().find(|c| c.id == "P03").unwrap();
    p03.until = NaiveDate::from_ymd_opt(2028, 1, 1);
    p03.active_years = vec![1];
    let report = run(&inst, &plan);
    assert!(rules(&report).contains("PLAN"), "a 2028 entry for a cadre who no longer serves: {}", listing(&report));
    assignment_mut(&mut plan, "P03").years.retain(|e| e.year == YEAR1);
    let report = run_refilled(&inst, &mut plan);
    assert_valid(&report);
    // Serving March–July only, it owes min(2, 5 available months) = 2 blocks in that part.
    let p03 = inst.cadres.iter_mut().find(|c| c.id == "P03").unwrap();
    p03.until = NaiveDate::from_ymd_opt(2027, 8, 1);
    set_blocks(&mut plan, "P03", YEAR1, &[3]);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H8");
    assert!(listing(&report).contains("has 1 block(s) in 2027, needs exactly 2"), "{}", listing(&report));
}

// ------------------------------------------------------------------------ H5

#[test]
fn h5_same_township_in_both_years() {
    let (inst, mut plan) = fixture();
    set_townships(&mut plan, "K01", "", A2);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H5");
    assert_eq!(subjects(&report, "H5"), ["K01"]);
}

#[test]
fn h5_township_of_another_county() {
    let (inst, mut plan) = fixture();
    set_townships(&mut plan, "P09", B2, "");
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H5");
    assert_eq!(subjects(&report, "H5"), ["P09"]);
}

// ------------------------------------------------------------------------ H6

#[test]
fn h6_five_cadres_on_one_township() {
    let (inst, mut plan) = fixture();
    set_townships(&mut plan, "P06", B1, B2);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H6");
    assert_eq!(subjects(&report, "H6"), [B1, B2]);
}

// ------------------------------------------------------------------------ H7

/// Move everyone off A3 in both years, keeping H5 and H6.
fn uncover_a3(plan: &mut Plan) {
    set_townships(plan, "P09", A1, A2);
    set_townships(plan, "U01", A2, A1);
    set_townships(plan, "P03", "", A2);
    set_townships(plan, "P07", "", A1);
    set_townships(plan, "K01", "", A1);
}

#[test]
fn h7_uncovered_township() {
    let (inst, mut plan) = fixture();
    uncover_a3(&mut plan);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H7");
    assert_eq!(subjects(&report, "H7"), [A3]);
}

// ------------------------------------------------------------------------ H8

#[test]
fn h8_missing_block() {
    let (inst, mut plan) = fixture();
    set_blocks(&mut plan, "P01", YEAR1, &[3]);
    assert_only(&run_refilled(&inst, &mut plan), "H8");
}

#[test]
fn h8_block_outside_the_window() {
    let (inst, mut plan) = fixture();
    set_blocks(&mut plan, "U01", YEAR1, &[2]);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H8");
    assert!(report.violations[0].message.contains("window"));
}

#[test]
fn h8_block_in_an_unavailable_month() {
    let (inst, mut plan) = fixture();
    set_blocks(&mut plan, "P02", YEAR1, &[3, 9]);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H8");
    assert!(report.violations[0].message.contains("unavailable"));
}

#[test]
fn h8_block_not_a_whole_month() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "P01", YEAR1).blocks[0].first_day = NaiveDate::from_ymd_opt(YEAR1, 3, 2).unwrap();
    assert_only(&run(&inst, &plan), "H8");
}

#[test]
fn h8_block_in_the_wrong_year() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "C01", YEAR1).blocks[1] = block(YEAR2, 4);
    assert_only(&run_refilled(&inst, &mut plan), "H8");
}

#[test]
fn h8_same_month_twice() {
    let (inst, mut plan) = fixture();
    set_blocks(&mut plan, "P01", YEAR1, &[3, 3]);
    assert_only(&run_refilled(&inst, &mut plan), "H8");
}

#[test]
fn h8_weekly_cadre_with_a_block() {
    let (inst, mut plan) = fixture();
    set_blocks(&mut plan, "K01", YEAR1, &[6]);
    assert_only(&run_refilled(&inst, &mut plan), "H8");
}

// ------------------------------------------------------------------------ H9

#[test]
fn h9_three_of_ten_away_is_the_cap() {
    let (inst, mut plan) = fixture();
    // March 2027 has P01 and P06 away; P03 makes three of the ten: 0.3 × 10 = 3 exactly.
    set_blocks(&mut plan, "P03", YEAR1, &[3, 10]);
    assert_valid(&run_refilled(&inst, &mut plan));
}

#[test]
fn h9_four_of_ten_away_breaks_the_cap() {
    let (inst, mut plan) = fixture();
    set_blocks(&mut plan, "P03", YEAR1, &[3, 10]);
    set_blocks(&mut plan, "P05", YEAR1, &[3, 12]);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H9");
    assert_eq!(report.violations.len(), 1);
    assert_eq!(report.violations[0].subject, DEPARTMENT);
    assert!(report.violations[0].message.contains("2027-03"), "{}", report.violations[0]);
}

#[test]
fn h9_cap_rounds_up_when_a_member_is_inactive() {
    let (inst, mut plan) = fixture();
    // P10 is inactive in 2028: size 9, cap max(1, ⌈2.7⌉) = 3. March 2028 has P01 and P06.
    set_blocks(&mut plan, "P03", YEAR2, &[3, 10]);
    assert_valid(&run_refilled(&inst, &mut plan));
    set_blocks(&mut plan, "P05", YEAR2, &[3, 12]);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H9");
    assert!(report.violations[0].message.contains("2028-03"), "{}", report.violations[0]);
}

fn quota(month: &str, max: u32) -> sanlian_model::DepartmentQuota {
    let (unit, department) = DEPARTMENT.split_once('/').expect("unit/department");
    sanlian_model::DepartmentQuota { unit: unit.into(), department: Some(department.into()), month: month.into(), max }
}

#[test]
fn h9_a_quota_replaces_the_cap_in_its_month_only() {
    let (mut inst, mut plan) = fixture();
    // March 2027 has P01 and P06 away: a quota of 2 holds, a quota of 1 does not.
    inst.department_quotas = vec![quota("2027-03", 2)];
    assert_valid(&run_refilled(&inst, &mut plan));
    inst.department_quotas = vec![quota("2027-03", 1)];
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H9");
    assert_eq!(report.violations.len(), 1);
    assert!(report.violations[0].message.contains("2027-03"), "{}", report.violations[0]);
    assert!(report.violations[0].message.contains("quota"), "{}", report.violations[0]);
    // The same quota in March of the second year leaves 2027 to the cap of 3.
    inst.department_quotas = vec![quota("2028-03", 3)];
    set_blocks(&mut plan, "P03", YEAR1, &[3, 10]);
    assert_valid(&run_refilled(&inst, &mut plan));
}

// ----------------------------------------------------------------------- H10

#[test]
fn h10_weekly_cadre_without_weekday() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "K01", YEAR1).weekday = None;
    assert_only(&run_refilled(&inst, &mut plan), "H10");
}

#[test]
fn h10_weekend_day() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "U01", YEAR2).weekday = Some(Weekday::Sat);
    assert_only(&run_refilled(&inst, &mut plan), "H10");
}

#[test]
fn h10_blocks_cadre_with_weekday() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "P01", YEAR1).weekday = Some(Weekday::Mon);
    let report = run_refilled(&inst, &mut plan);
    assert_only(&report, "H10");
    assert_eq!(subjects(&report, "H10"), ["P01"]);
}

// ---------------------------------------------------------------------- COST

#[test]
fn cost_cadre_travel_misreported() {
    let (inst, mut plan) = fixture();
    let reported = plan.costs.cadres[0].travel + 1.0;
    plan.costs.cadres[0].travel = reported;
    let report = run(&inst, &plan);
    assert_only(&report, "COST");
    assert_eq!(report.violations.len(), 1);
    let v = &report.violations[0];
    assert_eq!(v.subject, "P01");
    assert!(v.message.starts_with("travel") && v.message.contains(&reported.to_string()), "{v}");
}

#[test]
fn cost_within_tolerance_is_accepted() {
    let (inst, mut plan) = fixture();
    plan.costs.cadres[0].travel += 0.005;
    plan.costs.travel *= 1.0 + 5e-7;
    assert_valid(&run(&inst, &plan));
}

#[test]
fn cost_totals_groups_and_units_are_checked() {
    let (inst, mut plan) = fixture();
    plan.costs.stay = f64::NAN;
    plan.costs.groups[1].travel += 100.0;
    plan.costs.units.pop();
    plan.costs.cadres[3].stay_days += 1;
    let report = run(&inst, &plan);
    assert_only(&report, "COST");
    assert_eq!(report.violations.len(), 4, "{}", listing(&report));
}

// ------------------------------------------------------------------ COVERAGE

#[test]
fn coverage_misreported() {
    let (inst, mut plan) = fixture();
    plan.coverage.year1 = 4;
    let report = run(&inst, &plan);
    assert_only(&report, "COVERAGE");
    assert_eq!(subjects(&report, "COVERAGE"), ["year1"]);
}

// --------------------------------------------------------------------- STAGE

#[test]
fn stage_objective_misreported() {
    let (inst, mut plan) = fixture();
    plan.stages[0].objective += 1.0;
    plan.stages[0].bound += 1.0;
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert_eq!(subjects(&report, "STAGE"), ["S1"]);
}

#[test]
fn stage_objective_within_tolerance_is_accepted() {
    let (inst, mut plan) = fixture();
    plan.stages[1].objective += 1e-9;
    assert_valid(&run(&inst, &plan));
}

#[test]
fn stage_optimality_claim_needs_a_small_gap() {
    let (inst, mut plan) = fixture();
    let s1 = &mut plan.stages[0];
    s1.bound = s1.objective * 0.99;
    s1.gap = 0.01;
    s1.status = StageStatus::TimeLimit;
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert!(report.violations[0].message.contains("proven optimality"));
    plan.stages[0].proven_optimal = false;
    assert_valid(&run(&inst, &plan));
}

#[test]
fn stage_integral_objective_proven_by_absolute_gap_below_half() {
    let (inst, mut plan) = fixture();
    let s3a = &mut plan.stages[2];
    s3a.bound = S3A + 0.4;
    s3a.gap = 0.4 / S3A;
    assert_valid(&run(&inst, &plan));
    plan.stages[2].bound = S3A + 1.0;
    plan.stages[2].gap = 1.0 / S3A;
    assert_only(&run(&inst, &plan), "STAGE");
}

/// One definition of "proven optimal" for the solver and the checker (defect: the solver
/// accepted an absolute gap below half of S2's unit, the checker demanded 1e-6 relative):
/// S2's values are multiples of gcd(10, 50) = 10, so a bound of objective + 4 proves it.
#[test]
fn stage_s2_proven_by_a_gap_below_half_its_unit() {
    let (inst, mut plan) = fixture();
    plan.stages[1].bound = S2 + 4.0;
    plan.stages[1].gap = 4.0 / S2;
    assert_valid(&run(&inst, &plan));
    plan.stages[1].bound = S2 + 6.0;
    plan.stages[1].gap = 6.0 / S2;
    assert_only(&run(&inst, &plan), "STAGE");
}

#[test]
fn stage_gap_bound_and_sense_must_be_consistent() {
    let (inst, mut plan) = fixture();
    plan.stages[0].gap = 0.5;
    plan.stages[0].proven_optimal = false;
    plan.stages[0].status = StageStatus::TimeLimit;
    plan.stages[1].bound = S2 - 10.0;
    plan.stages[1].gap = 10.0 / S2;
    plan.stages[1].proven_optimal = false;
    plan.stages[1].status = StageStatus::TimeLimit;
    plan.stages[3].sense = "min".into();
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert_eq!(subjects(&report, "STAGE"), ["S1", "S2", "S3b"], "{}", listing(&report));
}

#[test]
fn stage_unknown_or_repeated_ids() {
    let (inst, mut plan) = fixture();
    let mut unknown = plan.stages[0].clone();
    unknown.id = "S9".into();
    let again = plan.stages[1].clone();
    plan.stages.extend([unknown, again]);
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert_eq!(subjects(&report, "STAGE"), ["plan", "S9", "S2"]);
}

#[test]
fn stage_missing_stages_are_a_violation() {
    let (inst, mut plan) = fixture();
    plan.stages.retain(|s| s.id != "S1");
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert!(listing(&report).contains("a strict plan reports [S1, S2, S3a, S3b]"), "{}", listing(&report));
    plan.stages.clear();
    assert_only(&run(&inst, &plan), "STAGE");
}

#[test]
fn stage_forged_terms_are_a_violation() {
    let (inst, mut plan) = fixture();
    plan.stages[0].terms.insert("travel".into(), 0.0);
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert!(listing(&report).contains("term travel: plan reports 0"), "{}", listing(&report));
    let (inst, mut plan) = fixture();
    plan.stages[0].terms.remove("continuity_kept");
    plan.stages[0].terms.insert("bribes".into(), 1.0);
    assert_eq!(run(&inst, &plan).violations.len(), 2);
}

#[test]
fn stage_suboptimal_weekdays_with_a_forged_bound_are_refused() {
    let (inst, mut plan) = fixture();
    // U01 takes K01's Monday: A uses one weekday where two are possible.
    for e in &mut assignment_mut(&mut plan, "U01").years {
        e.weekday = Some(Weekday::Mon);
    }
    let s3b = plan.stages.iter_mut().find(|s| s.id == "S3b").unwrap();
    s3b.objective = 3.0;
    s3b.bound = 3.0;
    s3b.terms.insert("distinct_weekdays".into(), 3.0);
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert!(listing(&report).contains("below 4"), "{}", listing(&report));
    assert!(listing(&report).contains("claims proven optimality"), "{}", listing(&report));
}

#[test]
fn h10_one_weekday_for_the_whole_plan() {
    let (inst, mut plan) = fixture();
    entry_mut(&mut plan, "K01", YEAR2).weekday = Some(Weekday::Wed);
    let report = run(&inst, &plan);
    assert!(rules(&report).contains("H10"), "{}", listing(&report));
    assert_eq!(subjects(&report, "H10"), ["K01"]);
}

#[test]
fn plan_without_the_contract_version_is_refused() {
    let (inst, mut plan) = fixture();
    plan.contract = "1.0".into();
    let report = run(&inst, &plan);
    assert_only(&report, "PLAN");
    assert!(listing(&report).contains("v1.1"), "{}", listing(&report));
}

// ------------------------------------------------- SHORTFALL and best effort

#[test]
fn shortfall_listed_in_strict_mode() {
    let (inst, mut plan) = fixture();
    plan.shortfalls.push(shortfall("H3", B));
    assert_only(&run(&inst, &plan), "SHORTFALL");
}

#[test]
fn shortfall_that_is_not_true() {
    let (inst, mut plan) = fixture();
    best_effort(&mut plan);
    plan.shortfalls =
        vec![shortfall("H7", A1), shortfall("H3", A), shortfall("H4", B), shortfall("H1", A), shortfall("H7", B)];
    let report = run(&inst, &plan);
    assert_only(&report, "SHORTFALL");
    assert_eq!(report.violations.len(), 5, "{}", listing(&report));
}

#[test]
fn shortfall_of_a_rule_that_cannot_be_relaxed() {
    let (inst, mut plan) = fixture();
    best_effort(&mut plan);
    plan.shortfalls = vec![shortfall("H9", DEPARTMENT), shortfall("H3", "379999")];
    let report = run(&inst, &plan);
    assert_only(&report, "SHORTFALL");
    assert_eq!(report.violations.len(), 2);
}

#[test]
fn best_effort_uncovered_township_accepted_when_listed() {
    let (inst, mut plan) = fixture();
    uncover_a3(&mut plan);
    best_effort(&mut plan);
    plan.shortfalls = vec![shortfall("H7", A3)];
    assert_valid(&run_refilled(&inst, &mut plan));
}

#[test]
fn best_effort_uncovered_township_rejected_when_not_listed() {
    let (inst, mut plan) = fixture();
    uncover_a3(&mut plan);
    best_effort(&mut plan);
    plan.shortfalls = vec![shortfall("H7", A2)];
    let report = run_refilled(&inst, &mut plan);
    assert_eq!(rules(&report), BTreeSet::from(["H7", "SHORTFALL"]), "{}", listing(&report));
    assert_eq!(subjects(&report, "H7"), [A3]);
    assert_eq!(subjects(&report, "SHORTFALL"), [A2]);
}

#[test]
fn best_effort_listed_twice_is_a_shortfall_violation() {
    let (inst, mut plan) = fixture();
    uncover_a3(&mut plan);
    best_effort(&mut plan);
    plan.shortfalls = vec![shortfall("H7", A3), shortfall("H7", A3)];
    assert_only(&run_refilled(&inst, &mut plan), "SHORTFALL");
}

#[test]
fn best_effort_non_senior_leader() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, A).leader = Some("P03".into());
    best_effort(&mut plan);
    assert_only(&run_refilled(&inst, &mut plan), "H3");
    plan.shortfalls = vec![shortfall("H3", A)];
    assert_valid(&run(&inst, &plan));
}

#[test]
fn best_effort_does_not_excuse_a_missing_leader_of_a_staffed_group() {
    let (inst, mut plan) = fixture();
    group_mut(&mut plan, B).leader = None;
    best_effort(&mut plan);
    plan.shortfalls = vec![shortfall("H3", B)];
    assert_only(&run_refilled(&inst, &mut plan), "H3");
}

#[test]
fn best_effort_too_few_upper_members() {
    let (inst, mut plan) = with_six_upper_needed();
    best_effort(&mut plan);
    // Neither group has six province/city members in both years: B3 counts none.
    let b3 = plan.stages.iter_mut().find(|s| s.id == "B3").unwrap();
    b3.objective = 0.0;
    b3.bound = 0.0;
    assert_only(&run(&inst, &plan), "H4");
    plan.shortfalls = vec![shortfall("H4", B)];
    assert_eq!(subjects(&run(&inst, &plan), "H4"), [A]);
    plan.shortfalls.push(shortfall("H4", A));
    assert_valid(&run(&inst, &plan));
}

#[test]
fn best_effort_empty_county_accepted_when_listed() {
    let (inst, mut plan) = with_empty_county();
    best_effort(&mut plan);
    plan.shortfalls = vec![
        shortfall("H1", "370103"),
        shortfall("H3", "370103"),
        shortfall("H4", "370103"),
        shortfall("H7", "370103001"),
    ];
    assert_valid(&run(&inst, &plan));
    // An H7 shortfall naming the county excuses the empty group as well.
    plan.shortfalls[0] = shortfall("H7", "370103");
    assert_valid(&run(&inst, &plan));
}

#[test]
fn best_effort_empty_county_rejected_when_not_listed() {
    let (inst, mut plan) = with_empty_county();
    best_effort(&mut plan);
    plan.shortfalls = vec![shortfall("H1", "370103")];
    let report = run(&inst, &plan);
    assert_eq!(rules(&report), BTreeSet::from(["H3", "H4", "H7"]), "{}", listing(&report));
}

#[test]
fn best_effort_stage_values_are_checked() {
    let (inst, mut plan) = with_empty_county();
    best_effort(&mut plan);
    plan.shortfalls = vec![
        shortfall("H1", "370103"),
        shortfall("H3", "370103"),
        shortfall("H4", "370103"),
        shortfall("H7", "370103001"),
    ];
    assert_valid(&run(&inst, &plan));
    plan.stages[2].objective = 3.0;
    plan.stages[2].bound = 3.0;
    let report = run(&inst, &plan);
    assert_only(&report, "STAGE");
    assert_eq!(subjects(&report, "STAGE"), ["B3"]);
}
