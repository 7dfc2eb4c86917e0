//! Input validation, one test per rule: the exact path of the problem and a key
//! word of its message; JSON syntax errors with their line; eligibility (H2).

use sanlian_model::{Cadre, City, InputError, Instance, Level, Parameters, Point, Prepared, Problem};

fn fixture(name: &str) -> Instance {
    let path = format!("{}/../../fixtures/{name}/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

/// The small fixture: 东营市, 5 counties, 50 townships, 40 cadres; valid.
fn small() -> Instance {
    fixture("small")
}

fn problems(inst: &Instance) -> Vec<Problem> {
    sanlian_model::validate::validate(inst)
}

/// Assert that validation reports exactly one problem, at `path`, whose message contains `word`.
#[track_caller]
fn only(inst: &Instance, path: &str, word: &str) {
    let found = problems(inst);
    assert_eq!(found.len(), 1, "expected only {path}: {found:#?}");
    assert_eq!(found[0].path, path, "{found:#?}");
    assert!(found[0].message.contains(word), "{:?} lacks {word:?}", found[0].message);
}

/// Assert that validation reports a problem at `path` whose message contains `word` (among others).
#[track_caller]
fn includes(inst: &Instance, path: &str, word: &str) {
    let found = problems(inst);
    assert!(found.iter().any(|p| p.path == path && p.message.contains(word)), "no {path} with {word:?} in {found:#?}");
}

fn index_of(inst: &Instance, id: &str) -> usize {
    inst.cadres.iter().position(|c| c.id == id).unwrap_or_else(|| panic!("no cadre {id}"))
}

fn first_of_level(inst: &Instance, level: Level) -> usize {
    inst.cadres.iter().position(|c| c.level == level).expect("level present")
}

// ---------------------------------------------------------------- baseline

#[test]
fn fixtures_are_valid_and_prepare() {
    for name in ["small", "shandong", "infeasible"] {
        let inst = fixture(name);
        assert_eq!(problems(&inst), Vec::<Problem>::new(), "{name}");
        let prep = Prepared::new(&inst).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(prep.n_cadres(), inst.cadres.len());
        assert_eq!(prep.n_counties(), inst.region.counties.len());
        assert_eq!(prep.townships_of.iter().map(Vec::len).sum::<usize>(), inst.region.townships.len());
        assert!(prep.eligible.iter().all(|e| !e.is_empty()), "{name}: every cadre is eligible somewhere");
    }
    assert!(Parameters::default().problems().is_empty());
}

#[test]
fn an_invalid_instance_is_refused_by_validate_and_prepared() {
    let mut inst = small();
    inst.cadres.clear();
    match inst.validate() {
        Err(InputError::Invalid { what, problems }) => {
            assert_eq!(what, "instance");
            assert_eq!(problems.len(), 1);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let err = Prepared::new(&inst).unwrap_err();
    assert!(err.to_string().contains("cadres: the roster is empty"), "{err}");
}

// ---------------------------------------------------------------- region

#[test]
fn duplicate_city_code() {
    let mut inst = small();
    let dup = inst.region.cities[0].clone();
    inst.region.cities.push(dup);
    only(&inst, "region.cities[1].code", "appears twice");
}

#[test]
fn empty_city_code() {
    let mut inst = small();
    inst.region.cities.push(City { code: " ".into(), name: "x".into(), seat: inst.region.cities[0].seat });
    only(&inst, "region.cities[1].code", "is empty");
}

#[test]
fn duplicate_county_code_is_reported_once_and_not_as_a_county_without_townships() {
    let mut inst = small();
    let dup = inst.region.counties[0].clone();
    inst.region.counties.push(dup);
    only(&inst, "region.counties[5].code", "appears twice");
}

#[test]
fn duplicate_township_code() {
    let mut inst = small();
    inst.region.townships[7].code = inst.region.townships[3].code.clone();
    only(&inst, "region.townships[7].code", "appears twice");
}

#[test]
fn county_of_an_unknown_city() {
    let mut inst = small();
    inst.region.counties[2].city = "379900".into();
    only(&inst, "region.counties[2].city", "379900 is not a city");
}

#[test]
fn township_of_an_unknown_county() {
    let mut inst = small();
    inst.region.townships[4].county = "379901".into();
    only(&inst, "region.townships[4].county", "379901 is not a county");
}

#[test]
fn county_without_townships() {
    let mut inst = small();
    let code = inst.region.counties[1].code.clone();
    inst.region.townships.retain(|t| t.county != code);
    only(&inst, "region.counties[1]", "has no townships");
}

#[test]
fn no_counties_at_all() {
    let mut inst = small();
    inst.region.counties.clear();
    includes(&inst, "region.counties", "no counties");
}

#[test]
fn latitude_and_longitude_out_of_range() {
    let mut inst = small();
    inst.region.counties[0].seat.lat = 91.0;
    only(&inst, "region.counties[0].seat.lat", "latitude");

    let mut inst = small();
    inst.region.townships[2].location = Some(Point { lat: 37.0, lon: 181.0 });
    only(&inst, "region.townships[2].location.lon", "longitude");

    let mut inst = small();
    inst.region.province.seat.lon = -180.5;
    only(&inst, "region.province.seat.lon", "longitude");

    let mut inst = small();
    inst.region.cities[0].seat.lat = -90.01;
    only(&inst, "region.cities[0].seat.lat", "latitude");

    let mut inst = small();
    inst.cadres[6].base.lat = f64::NAN;
    only(&inst, "cadres[6].base.lat", "latitude");

    // The bounds themselves are fine.
    let mut inst = small();
    inst.region.townships[0].location = Some(Point { lat: -90.0, lon: 180.0 });
    assert!(problems(&inst).is_empty());
}

#[test]
fn implausible_first_year() {
    let mut inst = small();
    inst.first_year = 27;
    inst.cadres.iter_mut().for_each(|c| c.unavailable_months.clear());
    only(&inst, "first_year", "plan year");
}

// ---------------------------------------------------------------- roster

#[test]
fn empty_roster() {
    let mut inst = small();
    inst.cadres.clear();
    only(&inst, "cadres", "roster is empty");
}

#[test]
fn duplicate_and_empty_cadre_id() {
    let mut inst = small();
    inst.cadres[9].id = inst.cadres[2].id.clone();
    only(&inst, "cadres[9].id", "appears twice");

    let mut inst = small();
    inst.cadres[9].id = String::new();
    only(&inst, "cadres[9].id", "is empty");
}

#[test]
fn empty_unit() {
    let mut inst = small();
    inst.cadres[0].unit = "  ".into();
    only(&inst, "cadres[0].unit", "dispatching unit");
}

#[test]
fn city_cadre_without_home_city() {
    let mut inst = small();
    let i = first_of_level(&inst, Level::City);
    inst.cadres[i].home_city = None;
    only(&inst, &format!("cadres[{i}].home_city"), "needs its home city");
}

#[test]
fn unknown_home_city() {
    let mut inst = small();
    let i = first_of_level(&inst, Level::City);
    inst.cadres[i].home_city = Some("379900".into());
    only(&inst, &format!("cadres[{i}].home_city"), "379900 is not a city");
}

#[test]
fn home_city_without_counties_makes_a_city_cadre_eligible_nowhere() {
    let mut inst = small();
    inst.region.cities.push(City {
        code: "370600".into(),
        name: "烟台市".into(),
        seat: Point { lat: 37.46, lon: 121.45 },
    });
    let i = first_of_level(&inst, Level::City);
    inst.cadres[i].home_city = Some("370600".into());
    only(&inst, &format!("cadres[{i}].home_city"), "eligible nowhere");
}

#[test]
fn county_cadre_without_home_county() {
    let mut inst = small();
    let i = first_of_level(&inst, Level::County);
    inst.cadres[i].home_county = None;
    only(&inst, &format!("cadres[{i}].home_county"), "needs its home county");
}

#[test]
fn unknown_home_county() {
    let mut inst = small();
    let i = first_of_level(&inst, Level::County);
    inst.cadres[i].home_county = Some("370599".into());
    only(&inst, &format!("cadres[{i}].home_county"), "370599 is not a county");
}

#[test]
fn unknown_preferred_county() {
    let mut inst = small();
    inst.cadres[3].preferred_counties = vec!["370502".into(), "370598".into()];
    only(&inst, "cadres[3].preferred_counties[1]", "370598 is not a county");
}

#[test]
fn unknown_previous_county() {
    let mut inst = small();
    inst.cadres[4].previous_county = Some("370597".into());
    only(&inst, "cadres[4].previous_county", "370597 is not a county");
}

#[test]
fn malformed_months() {
    for bad in ["2027-3", "2027-13", "2027-00", "27-03", "2027/03", "2027-+3", "+027-03", "2027-03-01", "march"] {
        let mut inst = small();
        inst.cadres[1].unavailable_months = vec!["2027-05".into(), bad.into()];
        only(&inst, "cadres[1].unavailable_months[1]", "is not a month in the form YYYY-MM");
    }
}

#[test]
fn month_outside_the_plan_years() {
    let mut inst = small();
    inst.cadres[1].unavailable_months = vec!["2029-05".into()];
    only(&inst, "cadres[1].unavailable_months[0]", "outside the plan years 2027 and 2028");
    let mut inst = small();
    inst.cadres[1].unavailable_months = vec!["2026-12".into()];
    only(&inst, "cadres[1].unavailable_months[0]", "outside the plan years");
}

#[test]
fn month_outside_the_window() {
    let mut inst = small();
    inst.cadres[1].unavailable_months = vec!["2028-03".into(), "2028-02".into()];
    only(&inst, "cadres[1].unavailable_months[1]", "outside the on-site window");
    // A narrower window moves the bound.
    let mut inst = small();
    inst.parameters.window_last_month = 11;
    inst.cadres[1].unavailable_months = vec!["2027-12".into()];
    only(&inst, "cadres[1].unavailable_months[0]", "outside the on-site window (months 3–11)");
}

#[test]
fn bad_active_years() {
    for bad in [vec![], vec![3], vec![1, 1], vec![0], vec![1, 2, 2]] {
        let mut inst = small();
        inst.cadres[2].active_years = bad.clone();
        only(&inst, "cadres[2].active_years", "non-empty set of plan years");
    }
    for good in [vec![1], vec![2], vec![2, 1]] {
        let mut inst = small();
        inst.cadres[2].active_years = good.clone();
        assert!(problems(&inst).is_empty(), "{good:?}");
    }
}

// ---------------------------------------------------------------- parameters

/// Set parameters on the small fixture and expect exactly the problem paths `want`, the first containing `word`
/// (no `want`: the values are accepted).
#[track_caller]
fn param(set: impl FnOnce(&mut Parameters), want: &[&str], word: &str) {
    let mut inst = small();
    set(&mut inst.parameters);
    let found = problems(&inst);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, want, "{found:#?}");
    if want.is_empty() {
        return;
    }
    assert!(found[0].message.contains(word), "{:?} lacks {word:?}", found[0].message);
    // Parameters::problems names the field without the prefix.
    let (field, _) = &inst.parameters.problems()[0];
    assert_eq!(format!("parameters.{field}"), want[0]);
}

#[test]
fn window_months_out_of_range() {
    param(|p| p.window_first_month = 0, &["parameters.window_first_month"], "not a month 1–12");
    param(|p| p.window_last_month = 13, &["parameters.window_last_month"], "not a month 1–12");
}

#[test]
fn window_ending_before_it_starts() {
    let mut inst = small();
    inst.parameters.window_first_month = 12;
    inst.parameters.window_last_month = 3;
    includes(&inst, "parameters.window_last_month", "before it starts");
}

#[test]
fn blocks_per_year_out_of_range() {
    param(|p| p.blocks_per_year = 0, &["parameters.blocks_per_year"], "between 1 and the 10 months");
    param(|p| p.blocks_per_year = 11, &["parameters.blocks_per_year"], "between 1 and the 10 months");
    param(|p| p.blocks_per_year = 10, &[], "");
}

#[test]
fn mixed_blocks_per_year_beyond_the_window() {
    param(
        |p| p.mixed_blocks_per_year = 11,
        &["parameters.mixed_blocks_per_year", "parameters.weeks_per_year"],
        "exceeds",
    );
}

#[test]
fn nearby_km_not_positive() {
    param(|p| p.nearby_km = 0.0, &["parameters.nearby_km"], "a distance in (0, 20000] km");
    param(|p| p.nearby_km = -5.0, &["parameters.nearby_km"], "a distance in (0, 20000] km");
    param(|p| p.nearby_km = f64::INFINITY, &["parameters.nearby_km"], "a distance in (0, 20000] km");
    param(|p| p.nearby_km = 25_000.0, &["parameters.nearby_km"], "a distance in (0, 20000] km");
}

#[test]
fn no_room_per_township() {
    param(|p| p.max_cadres_per_township_year = 0, &["parameters.max_cadres_per_township_year"], "[1, 10000]");
    param(|p| p.max_cadres_per_township_year = 10_001, &["parameters.max_cadres_per_township_year"], "[1, 10000]");
    param(|p| p.min_upper_per_group = 10_001, &["parameters.min_upper_per_group"], "[0, 10000]");
}

#[test]
fn department_share_outside_zero_one() {
    param(|p| p.max_department_away_share = 0.0, &["parameters.max_department_away_share"], "outside (0, 1]");
    param(|p| p.max_department_away_share = 1.5, &["parameters.max_department_away_share"], "1.5 is outside (0, 1]");
    param(|p| p.max_department_away_share = f64::NAN, &["parameters.max_department_away_share"], "outside (0, 1]");
    param(|p| p.max_department_away_share = 1.0, &[], "");
}

#[test]
fn road_factor_not_positive() {
    param(|p| p.road_factor = 0.0, &["parameters.road_factor"], "(0, 10]");
    param(|p| p.road_factor = 1e9, &["parameters.road_factor"], "(0, 10]");
}

#[test]
fn no_trips_per_month() {
    param(|p| p.trips_per_month = 0, &["parameters.trips_per_month"], "[1, 100]");
    param(|p| p.trips_per_month = 4_000_000_000, &["parameters.trips_per_month"], "[1, 100]");
}

#[test]
fn negative_fare() {
    param(|p| p.fare_per_km = -0.1, &["parameters.fare_per_km"], "[0, 1000] yuan per km");
    param(|p| p.fare_per_km = 0.0, &[], "");
}

/// Numerically unsafe values (issue: a fare of 1e19 reached HiGHS) are refused by name.
#[test]
fn huge_finite_values_are_refused() {
    param(|p| p.fare_per_km = 1e19, &["parameters.fare_per_km"], "10000000000000000000 must lie in [0, 1000]");
    param(|p| p.preference_penalty = 1e300, &["parameters.preference_penalty"], "[0, 1000000]");
    param(|p| p.match_value = 1e7, &["parameters.match_value"], "[0, 1000000]");
    param(|p| p.lodging_per_day = 1e6, &[], "");
}

#[test]
fn weeks_per_year_out_of_range() {
    param(|p| p.weeks_per_year = 0.0, &["parameters.weeks_per_year"], "(0, 53]");
    param(|p| p.weeks_per_year = 53.5, &["parameters.weeks_per_year"], "(0, 53]");
    // Must cover the mixed block months: 1 × 4.3 weeks by default.
    param(|p| p.weeks_per_year = 4.0, &["parameters.weeks_per_year"], "cover the 1 mixed block months");
    param(|p| p.weeks_per_year = 53.0, &[], "");
}

#[test]
fn negative_penalties_and_values() {
    type Set = fn(&mut Parameters);
    let fields: [(&str, Set); 6] = [
        ("lodging_per_day", |p| p.lodging_per_day = -1.0),
        ("meal_per_day", |p| p.meal_per_day = -1.0),
        ("preference_penalty", |p| p.preference_penalty = -1.0),
        ("continuity_bonus", |p| p.continuity_bonus = -1.0),
        ("match_value", |p| p.match_value = -1.0),
        ("priority_first_year_value", |p| p.priority_first_year_value = -1.0),
    ];
    for (field, set) in fields {
        param(set, &[&format!("parameters.{field}")], "must lie in [0, 1000000]");
    }
}

// ---------------------------------------------------------------- all at once

#[test]
fn every_problem_is_reported_at_once() {
    let mut inst = small();
    inst.parameters.max_department_away_share = 1.5;
    inst.parameters.blocks_per_year = 0;
    inst.region.townships[4].county = "379901".into();
    inst.cadres[3].home_county = Some("379999".into());
    inst.cadres[5].id = inst.cadres[4].id.clone();
    inst.cadres[7].unavailable_months = vec!["2027-3".into()];
    inst.cadres[8].active_years = vec![];
    let found = problems(&inst);
    let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "parameters.blocks_per_year",
            "parameters.max_department_away_share",
            "region.townships[4].county",
            "cadres[3].home_county",
            "cadres[5].id",
            "cadres[7].unavailable_months[0]",
            "cadres[8].active_years",
        ]
    );
    let Err(InputError::Invalid { problems, .. }) = inst.validate() else { panic!("invalid") };
    assert_eq!(problems.len(), 7);
    let text = inst.validate().unwrap_err().to_string();
    assert!(text.starts_with("7 problem(s) in the instance:"), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("  - ")).count(), 7, "{text}");
}

// ---------------------------------------------------------------- JSON

#[test]
fn from_json_reports_the_line_of_a_syntax_error() {
    let text = "{\n  \"name\": \"x\",\n  \"first_year\": 2027,\n  \"parameters\": {,\n}";
    match Instance::from_json(text) {
        Err(InputError::Json { what, line, column, message }) => {
            assert_eq!(what, "instance");
            assert_eq!(line, 4);
            assert_eq!(column, 18);
            assert!(message.contains("line 4"), "{message}");
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }

    // A truncated fixture: the error is on the last line of what remains.
    let full =
        std::fs::read_to_string(format!("{}/../../fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let cut = &full[..full.find("\"cadres\"").unwrap() + 20];
    let Err(InputError::Json { line, .. }) = Instance::from_json(cut) else { panic!("truncated text parses") };
    assert_eq!(line, cut.matches('\n').count() + 1);

    // Unknown fields and unknown enum variants are JSON errors too.
    let mut v: serde_json::Value = serde_json::from_str(&full).unwrap();
    v["cadres"][0]["level"] = "mayor".into();
    let err = Instance::from_json(&v.to_string()).unwrap_err();
    assert!(matches!(err, InputError::Json { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("unknown variant `mayor`"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&full).unwrap();
    v["parameters"]["nearby_miles"] = 50.into();
    let err = Instance::from_json(&v.to_string()).unwrap_err();
    assert!(err.to_string().contains("unknown field `nearby_miles`"), "{err}");
}

// ---------------------------------------------------------------- eligibility (H2)

/// Great-circle distance, R = 6371 km, written independently of the model (atan2 form).
fn great_circle_km(a: Point, b: Point) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let (dp, dl) = (p2 - p1, (b.lon - a.lon).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().atan2((1.0 - h).sqrt())
}

#[test]
fn great_circle_reference_is_sane() {
    // One degree of latitude is 6371 × π / 180 ≈ 111.19 km.
    let d = great_circle_km(Point { lat: 37.0, lon: 118.0 }, Point { lat: 38.0, lon: 118.0 });
    assert!((d - 111.195).abs() < 0.01, "{d}");
}

#[test]
fn eligibility_on_the_small_fixture() {
    let inst = small();
    let prep = Prepared::new(&inst).unwrap();
    let counties = &inst.region.counties;
    let all: Vec<usize> = (0..counties.len()).collect();
    assert_eq!(counties.len(), 5);
    let dongying: Vec<usize> = all.iter().copied().filter(|&k| counties[k].city == "370500").collect();
    assert_eq!(dongying.len(), 5, "东营市 has 5 counties");

    let mut seen = [0usize; 5];
    for (c, cadre) in inst.cadres.iter().enumerate() {
        let got = &prep.eligible[c];
        match cadre.level {
            Level::County => {
                let home = cadre.home_county.as_deref().unwrap();
                let want = vec![counties.iter().position(|k| k.code == home).unwrap()];
                assert_eq!(got, &want, "{}", cadre.id);
                seen[0] += 1;
            }
            Level::City => {
                assert_eq!(got, &dongying, "{}", cadre.id);
                seen[1] += 1;
            }
            Level::Province => {
                assert_eq!(got, &all, "{}", cadre.id);
                seen[2] += 1;
            }
            Level::Enterprise | Level::University => {
                let want: Vec<usize> =
                    all.iter().copied().filter(|&k| great_circle_km(cadre.base, counties[k].seat) <= 80.0).collect();
                assert!(!want.is_empty());
                assert_eq!(got, &want, "{}", cadre.id);
                if cadre.unit == "胜利油田团委" {
                    seen[3] += 1;
                }
            }
        }
        for k in 0..counties.len() {
            assert_eq!(prep.is_eligible(c, k), got.contains(&k));
        }
    }
    assert_eq!(seen, [26, 6, 6, 2, 0]);
}

#[test]
fn enterprise_with_nothing_within_reach_gets_the_nearest_county() {
    let mut inst = small();
    let e = index_of(&inst, "E01-1");
    // 1 km: no county seat is that close to 胜利油田's base.
    inst.parameters.nearby_km = 1.0;
    let counties = &inst.region.counties;
    let d: Vec<f64> = counties.iter().map(|k| great_circle_km(inst.cadres[e].base, k.seat)).collect();
    assert!(d.iter().all(|&x| x > 1.0));
    let nearest = (0..d.len()).min_by(|&a, &b| d[a].total_cmp(&d[b])).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    assert_eq!(prep.eligible[e], vec![nearest]);

    // A university based in 济南 (well over 80 km away) also gets only the nearest county.
    let mut inst = small();
    let jinan = Point { lat: 36.651, lon: 117.120 };
    let mut u: Cadre = inst.cadres[e].clone();
    u.id = "U01-1".into();
    u.level = Level::University;
    u.unit = "山东大学团委".into();
    u.base = jinan;
    inst.cadres.push(u);
    let d: Vec<f64> = inst.region.counties.iter().map(|k| great_circle_km(jinan, k.seat)).collect();
    assert!(d.iter().all(|&x| x > 80.0), "{d:?}");
    let nearest = (0..d.len()).min_by(|&a, &b| d[a].total_cmp(&d[b])).unwrap();
    let prep = Prepared::new(&inst).unwrap();
    assert_eq!(prep.eligible[inst.cadres.len() - 1], vec![nearest]);
}

// ---------------------------------------------------------------- size limits

/// Lists and texts have documented limits (issue: 20,000 strengths took 7 s, 200,000 did not
/// finish): beyond them the instance is refused at once, naming the list.
#[test]
fn lists_over_their_limit_are_refused() {
    use sanlian_model::validate::SIZES;
    let mut inst = small();
    inst.cadres[0].strengths = (0..20_000).map(|i| format!("tag{i}")).collect();
    inst.region.townships[1].needs = vec!["x".into(); SIZES.tags + 1];
    inst.cadres[2].unavailable_months = vec!["2027-05".into(); 25];
    inst.cadres[3].preferred_counties = vec!["370502".into(); 65];
    inst.cadres[4].name = "名".repeat(SIZES.text + 1);
    let problems = inst.validate().unwrap_err().to_string();
    for place in [
        "cadres[0].strengths: 20000 strengths, more than the limit of 64",
        "region.townships[1].needs: 65 needs",
        "cadres[2].unavailable_months: 25 unavailable months",
        "cadres[3].preferred_counties: 65 preferred counties",
        "cadres[4].name: is 257 characters long",
    ] {
        assert!(problems.contains(place), "{place} in {problems}");
    }
    let mut inst = small();
    let one = inst.cadres[0].clone();
    inst.cadres = vec![one; SIZES.cadres + 1];
    let problems = inst.validate().unwrap_err().to_string();
    assert!(problems.contains("cadres: 100001 cadres, more than the limit of 100000"), "{problems}");
}

#[test]
fn at_most_a_hundred_problems_are_listed() {
    let mut inst = small();
    for c in &mut inst.cadres {
        c.base.lat = 99.0;
    }
    inst.cadres.extend(inst.cadres.clone());
    inst.cadres.extend(inst.cadres.clone());
    let Err(sanlian_model::InputError::Invalid { problems, .. }) = inst.validate() else { panic!("invalid") };
    assert_eq!(problems.len(), 101, "a hundred problems and a count of the rest");
    assert!(problems[100].message.contains("more problem(s) not listed"), "{:?}", problems[100]);
}

// ------------------------------------------------------------ H9 quotas

fn with_quota(unit: &str, department: Option<&str>, month: &str) -> Instance {
    let mut inst = small();
    inst.department_quotas.push(sanlian_model::DepartmentQuota {
        unit: unit.into(),
        department: department.map(Into::into),
        month: month.into(),
        max: 1,
    });
    inst
}

#[test]
fn a_quota_of_a_known_department_in_a_window_month_is_valid() {
    assert_eq!(problems(&with_quota("团省委", Some("组织部"), "2027-05")), []);
}

#[test]
fn quota_of_an_unknown_department() {
    only(&with_quota("团省委", Some("无此部"), "2027-05"), "department_quotas[0].unit", "团省委/无此部");
}

#[test]
fn quota_month_malformed_outside_the_plan_years_or_the_window() {
    only(&with_quota("团省委", Some("组织部"), "2027-5x"), "department_quotas[0].month", "2027-5x");
    only(&with_quota("团省委", Some("组织部"), "2030-05"), "department_quotas[0].month", "2030-05");
    only(&with_quota("团省委", Some("组织部"), "2027-01"), "department_quotas[0].month", "2027-01");
}

#[test]
fn quota_given_twice_for_one_month() {
    let mut inst = with_quota("团省委", Some("组织部"), "2027-05");
    let again = inst.department_quotas[0].clone();
    inst.department_quotas.push(again);
    only(&inst, "department_quotas[1].month", "2027-05");
}
