//! `sanlian reassign` end to end: a repair with its change list, certificates when none
//! exists, and bad events (exit 2, nothing written).

mod common;

use common::*;

fn events(dir: &TempDir, json: &str) -> PathBuf {
    let path = dir.path().join("events.json");
    std::fs::write(&path, json).unwrap();
    path
}

#[test]
fn a_replacement_is_repaired_and_checkable() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let ev = events(
        &dir,
        r#"{"events": [{"kind": "replace", "date": "2027-07-01", "cadre": "P003",
            "successor": {"id": "P901", "name": "接任者", "level": "province", "unit": "团省委",
                          "department": "组织部", "senior": true, "base": {"lat": 36.670849, "lon": 117.014012}}}]}"#,
    );
    let out = dir.path().join("new.json");
    // The report is in Chinese by default.
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&out)]);
    assert_exit(&o, 0);
    let zh = stdout(&o);
    assert!(zh.contains("自 2027-07-01 起重新规划") && zh.contains("2027-07-01 之前的安排没有改变"), "{zh}");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&out), "--lang", "en"]);
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(text.contains("0 changed decision(s)"), "{text}");
    assert!(text.contains("nothing before 2027-07-01 changed"), "{text}");
    let inst = dir.path().join("new.instance.json");
    assert!(inst.exists() && out.exists());
    let o = sanlian(&["check", s(&inst), s(&out)]);
    assert_exit(&o, 0);
}

#[test]
fn no_valid_repair_gives_a_certificate_and_offers_best_effort() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let ev = events(&dir, r#"{"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "P004"}]}"#);
    let out = dir.path().join("new.json");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&out)]);
    assert_exit(&o, 1);
    let zh = stdout(&o);
    assert!(zh.contains("H3") && zh.contains("尽力修复的结果"), "{zh}");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&out), "--lang", "en"]);
    assert_exit(&o, 1);
    let text = stdout(&o);
    assert!(text.contains("H3") && text.contains("kept in its group"), "{text}");
    assert!(text.contains("best-effort repair"), "{text}");
    assert!(!out.exists(), "nothing written");
    let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&out), "--mode", "best-effort"]);
    assert_exit(&o, 0);
    // The shortfall in the planner's words, its rule beside it.
    let zh = stdout(&o);
    assert!(zh.contains("（H3）") && zh.contains("不是副处级以上"), "{zh}");
    assert!(!zh.contains(" is led by "), "the shortfall in English: {zh}");
}

#[test]
fn bad_events_are_bad_input() {
    let dir = tmp();
    let plan = solve_small(&dir);
    let out = dir.path().join("new.json");
    let cases = [
        (r#"{"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "NOBODY"}]}"#, "events[0].cadre"),
        (r#"{"events": [{"kind": "leave", "date": "2031-07-01", "cadre": "P001"}]}"#, "events[0].date"),
        (
            r#"{"events": [{"kind": "leave", "date": "2027-07-01", "cadre": "P001"}, {"kind": "leave", "date": "2027-08-01", "cadre": "P001"}]}"#,
            "conflict",
        ),
        (
            r#"{"events": [{"kind": "replace", "date": "2027-07-01", "cadre": "K370502-1",
                "successor": {"id": "K999", "name": "某", "level": "county", "unit": "团河口区委", "home_county": "370503",
                              "base": {"lat": 37.88, "lon": 118.52}}}]}"#,
            "may not serve",
        ),
        (
            r#"{"events": [{"kind": "unavailable", "date": "2027-07-01", "cadre": "P001", "months": ["2027-05"]}]}"#,
            "before the event date",
        ),
        (r#"{"events": []}"#, "no events"),
        (r#"{"events": [{"kind": "retire", "date": "2027-07-01", "cadre": "P001"}]}"#, "unknown variant"),
    ];
    for (json, says) in cases {
        let ev = events(&dir, json);
        let o = sanlian(&["reassign", s(&fixture("small")), s(&plan), s(&ev), "-o", s(&out)]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(says), "{json}: {}", stderr(&o));
        assert!(!out.exists(), "nothing written");
    }
}
