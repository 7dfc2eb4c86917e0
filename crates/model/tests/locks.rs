//! Locks and bans (P1–P9) that are malformed or can never hold are refused, each naming the
//! lock's place and saying why, in either language; valid locks narrow what `Prepared`
//! allows.

use chrono::Weekday;
use sanlian_model::{InputError, Instance, Lang, Lock, LockKind, Prepared, Problem};

fn small() -> Instance {
    let path = format!("{}/../../fixtures/small/instance.json", env!("CARGO_MANIFEST_DIR"));
    Instance::from_json(&std::fs::read_to_string(&path).expect("fixture present")).expect("fixture parses")
}

fn with(locks: Vec<Lock>) -> Instance {
    Instance { locks, ..small() }
}

/// The problems refusing `inst`, from validation or from `Prepared`.
fn refused(inst: &Instance) -> Vec<Problem> {
    match Prepared::new(inst) {
        Ok(_) => panic!("accepted: {:?}", inst.locks),
        Err(InputError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("{e}"),
    }
}

/// Exactly one problem, at `path`, with catalogue code `code`.
#[track_caller]
fn only(locks: Vec<Lock>, path: &str, code: &str) -> Problem {
    let found = refused(&with(locks));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].path, path, "{found:#?}");
    assert_eq!(found[0].msg.code, code, "{found:#?}");
    found[0].clone()
}

#[test]
fn valid_locks_prepare_and_narrow_the_choices() {
    let inst = with(vec![
        Lock::new(LockKind::County, "P001").county("370503"),
        Lock::new(LockKind::NotCounty, "P002").county("370502"),
        Lock::new(LockKind::Leader, "P003").county("370505"),
        Lock::new(LockKind::NotLeader, "C0502").county("370502"),
        Lock::new(LockKind::Township, "K370502-1").township("370502003", 2028),
        Lock::new(LockKind::NotTownship, "K370502-2").township("370502001", 2027),
        Lock::new(LockKind::Months, "P004").months(["2027-05"]),
        Lock::new(LockKind::NotMonths, "P005").months(["2027-03", "2028-04"]),
        Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Wed),
    ]);
    let prep = Prepared::new(&inst).expect("valid locks");
    let k = |code: &str| prep.county_index[code];
    let c = |id: &str| prep.cadre_index[id];
    assert_eq!(prep.eligible[c("P001")], vec![k("370503")]);
    assert!(!prep.eligible[c("P002")].contains(&k("370502")) && prep.eligible[c("P002")].len() == 4);
    assert_eq!(prep.eligible[c("P003")], vec![k("370505")]);
    assert_eq!(prep.locks.leader_of[k("370505")], Some(c("P003")));
    assert!(prep.locks.bars_lead(c("C0502"), k("370502")) && !prep.locks.bars_lead(c("C0502"), k("370503")));
    assert_eq!(prep.locks.township[c("K370502-1")], [None, Some(prep.township_index["370502003"])]);
    assert_eq!(prep.locks.not_township[c("K370502-2")][0], vec![prep.township_index["370502001"]]);
    assert_eq!(prep.locks.months[c("P004")], [1 << 5, 0]);
    assert_eq!(prep.available_months(c("P005"), 0).first(), Some(&4), "a barred month counts as unavailable");
    assert!(!prep.available_months(c("P005"), 1).contains(&4));
    assert_eq!(prep.locks.weekday[c("K370503-1")], Some(Weekday::Wed));
}

#[test]
fn a_lock_naming_nothing_known_is_refused_by_place() {
    only(vec![Lock::new(LockKind::County, "P999").county("370502")], "locks[0].cadre", "lock.unknown_cadre");
    only(vec![Lock::new(LockKind::County, "P001").county("379999")], "locks[0].county", "input.not_a_county");
    only(
        vec![Lock::new(LockKind::Township, "P001").township("370502999", 2027)],
        "locks[0].township",
        "lock.not_a_township",
    );
    only(
        vec![Lock::new(LockKind::Township, "P001").township("370502001", 2030)],
        "locks[0].year",
        "input.not_a_plan_year",
    );
    only(vec![Lock::new(LockKind::Months, "P001").months(["2027-13"])], "locks[0].months[0]", "input.bad_month");
    only(vec![Lock::new(LockKind::Months, "P001").months(["2027-01"])], "locks[0].months[0]", "input.outside_window");
    only(vec![Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Sat)], "locks[0].weekday", "lock.weekend");
}

#[test]
fn a_lock_missing_its_field_or_carrying_another_kinds_is_refused() {
    only(vec![Lock::new(LockKind::County, "P001")], "locks[0].county", "lock.missing_field");
    only(vec![Lock::new(LockKind::Months, "P001")], "locks[0].months", "lock.missing_field");
    only(vec![Lock::new(LockKind::Weekday, "K370503-1")], "locks[0].weekday", "lock.missing_field");
    let found = refused(&with(vec![Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Mon).county("370503")]));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].path.as_str(), found[0].msg.code.as_str()), ("locks[0].county", "lock.unused_field"));
}

#[test]
fn a_lock_that_breaks_a_rule_is_refused_with_the_rule() {
    // H2: a county cadre locked into another county.
    let p = only(vec![Lock::new(LockKind::County, "K370502-1").county("370503")], "locks[0].county", "lock.breaks_h2");
    assert!(
        p.text(Lang::Zh).contains("就近就便") && p.text(Lang::Zh).contains("370503 河口区"),
        "{}",
        p.text(Lang::Zh)
    );
    assert!(p.text(Lang::En).contains("H2"), "{}", p.text(Lang::En));
    // H3: a leader who is not senior.
    only(vec![Lock::new(LockKind::Leader, "P001").county("370502")], "locks[0].cadre", "lock.leader_not_senior");
    // H8: more months than blocks; a month the cadre marked unavailable; a weekly cadre.
    only(
        vec![Lock::new(LockKind::Months, "P001").months(["2027-03", "2027-04", "2027-05"])],
        "locks[0].months",
        "lock.too_many_months",
    );
    only(vec![Lock::new(LockKind::Months, "K370502-1").months(["2027-03"])], "locks[0].months[0]", "lock.no_blocks");
    // H10: a blocks-mode cadre has no weekday.
    only(vec![Lock::new(LockKind::Weekday, "P001").weekday(Weekday::Mon)], "locks[0].weekday", "lock.no_weekday");
    // H6: three cadres locked to one township in one year (the cap is 2).
    only(
        (1..=3).map(|i| Lock::new(LockKind::Township, format!("K370502-{i}")).township("370502001", 2027)).collect(),
        "locks[2].township",
        "lock.township_full",
    );
    // H5: the same township both years in a county of several.
    only(
        vec![
            Lock::new(LockKind::Township, "K370502-1").township("370502001", 2027),
            Lock::new(LockKind::Township, "K370502-1").township("370502001", 2028),
        ],
        "locks[1].township",
        "lock.same_township",
    );
    // H9: 团省委/组织部 (3 cadres, cap 1) with two locked away in the same month.
    only(
        vec![
            Lock::new(LockKind::Months, "P001").months(["2027-06"]),
            Lock::new(LockKind::Months, "P002").months(["2027-06"]),
        ],
        "locks[1].months",
        "lock.department_full",
    );
}

#[test]
fn two_locks_in_conflict_are_refused_naming_the_other() {
    let p = only(
        vec![
            Lock::new(LockKind::County, "P001").county("370502"),
            Lock::new(LockKind::Leader, "P003").county("370502"),
            Lock::new(LockKind::County, "P001").county("370503"),
        ],
        "locks[2].cadre",
        "lock.conflict_county",
    );
    assert!(p.text(Lang::Zh).contains("locks[0]"), "{}", p.text(Lang::Zh));
    only(
        vec![
            Lock::new(LockKind::County, "P001").county("370502"),
            Lock::new(LockKind::NotCounty, "P001").county("370502"),
        ],
        "locks[1]",
        "lock.conflict_ban",
    );
    only(
        vec![
            Lock::new(LockKind::Leader, "P003").county("370502"),
            Lock::new(LockKind::Leader, "P004").county("370502"),
        ],
        "locks[1].county",
        "lock.two_leaders",
    );
    only(
        vec![
            Lock::new(LockKind::Leader, "P003").county("370502"),
            Lock::new(LockKind::NotLeader, "P003").county("370502"),
        ],
        "locks[1]",
        "lock.conflict_leader",
    );
    only(
        vec![
            Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Mon),
            Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Tue),
        ],
        "locks[1].weekday",
        "lock.conflict_weekday",
    );
    only(
        vec![
            Lock::new(LockKind::Months, "P004").months(["2027-05"]),
            Lock::new(LockKind::NotMonths, "P004").months(["2027-05"]),
        ],
        "locks[1]",
        "lock.conflict_ban",
    );
    // Bans on every county a city cadre may serve in leave it nowhere.
    let bans = ["370502", "370503", "370505", "370522", "370523"]
        .iter()
        .map(|k| Lock::new(LockKind::NotCounty, "C0501").county(*k))
        .collect();
    only(bans, "locks[0]", "lock.banned_everywhere");
}

#[test]
fn locks_round_trip_through_json_and_unknown_fields_are_refused() {
    let inst = with(vec![
        Lock::new(LockKind::Township, "K370502-1").township("370502003", 2028),
        Lock {
            reason: Some("熟悉当地村支书".into()),
            ..Lock::new(LockKind::Weekday, "K370503-1").weekday(Weekday::Fri)
        },
    ]);
    let text = serde_json::to_string(&inst).unwrap();
    assert!(text.contains(r#""kind":"township""#) && text.contains(r#""weekday":"Fri""#), "{text}");
    assert_eq!(Instance::from_json(&text).unwrap(), inst);
    let bad = text.replacen(r#""kind":"township""#, r#""kind":"township","colour":"red""#, 1);
    let err = Instance::from_json(&bad).unwrap_err().to_string();
    assert!(err.contains("colour"), "{err}");
    let bad = text.replacen(r#""kind":"township""#, r#""kind":"village""#, 1);
    assert!(Instance::from_json(&bad).is_err());
}
