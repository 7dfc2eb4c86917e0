//! The `sanlian` binary end to end: exit codes (0 answer, 1 negative answer,
//! 2 bad input), messages that locate the problem, and the files it writes.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

#[test]
fn solve_small_writes_a_plan_that_check_accepts() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    // Chinese by default, the planners' language.
    let o = sanlian(&["solve", s(&fixture("small")), "-o", s(&plan)]);
    assert_exit(&o, 0);
    let zh = stdout(&o);
    for needle in
        ["两年全覆盖（H7）", "两年合计 50/50（100.0%）", "已证最优，检查器独立核实", "检查器：有效", "各派出单位费用"]
    {
        assert!(zh.contains(needle), "{needle}:\n{zh}");
    }
    let o = sanlian(&["solve", s(&fixture("small")), "-o", s(&plan), "--lang", "en"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("Coverage (H7):"), "{out}");
    assert!(out.contains("both years together 50 of 50 (100.0%)"), "{out}");
    for stage in ["S1", "S2", "S3a", "S3b"] {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap_or_else(|| panic!("no {stage} line:\n{out}"));
        assert!(line.ends_with("proven optimal, certified by the checker") && !line.contains("NOT"), "{line}");
    }
    assert!(out.contains("Checker: valid"), "{out}");
    assert!(stderr(&o).contains("plan written to"), "{}", stderr(&o));
    let written: Value = serde_json::from_str(&fs::read_to_string(&plan).expect("plan written")).expect("plan is JSON");
    assert_eq!(written["assignments"].as_array().unwrap().len(), 40);
    assert!(!dir.path().join("plan.partial").exists(), "the temporary file is renamed away");

    let o = sanlian(&["check", s(&fixture("small")), s(&plan)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with("valid:"), "{}", stdout(&o));
    assert!(stdout(&o).contains("coverage 50/50"), "{}", stdout(&o));
}

#[test]
fn check_rejects_a_township_of_another_county_under_h5() {
    let dir = tmp();
    let plan_path = solve_small(&dir);
    let mut plan: Value = serde_json::from_str(&fs::read_to_string(&plan_path).unwrap()).unwrap();
    let assignments = plan["assignments"].as_array_mut().unwrap();
    let county = assignments[0]["county"].as_str().unwrap().to_string();
    let foreign = assignments
        .iter()
        .find(|a| a["county"] != county.as_str())
        .map(|a| a["years"][0]["township"].as_str().unwrap().to_string())
        .expect("another county");
    let cadre = assignments[0]["cadre"].as_str().unwrap().to_string();
    assignments[0]["years"][0]["township"] = Value::from(foreign.clone());
    let tampered = write_json(&dir, "tampered.json", &plan);

    let o = sanlian(&["check", s(&fixture("small")), s(&tampered)]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains(&format!("[H5] {cadre}: covers {foreign}")), "{out}");
    assert!(out.contains(&format!("not a township of its county {county}")), "{out}");
    assert!(stderr(&o).contains("violation(s)"), "{}", stderr(&o));
}

#[test]
fn check_rejects_a_duplicated_block_month_under_h8() {
    let dir = tmp();
    let plan_path = solve_small(&dir);
    let mut plan: Value = serde_json::from_str(&fs::read_to_string(&plan_path).unwrap()).unwrap();
    let (cadre, month) = plan["assignments"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find_map(|a| {
            let blocks = a["years"][0]["blocks"].as_array_mut()?;
            let first = blocks.first()?.clone();
            blocks.push(first.clone());
            Some((a["cadre"].as_str().unwrap().to_string(), first["month"].as_str().unwrap().to_string()))
        })
        .expect("some cadre has blocks in year 1");
    let tampered = write_json(&dir, "tampered.json", &plan);

    let o = sanlian(&["check", s(&fixture("small")), s(&tampered)]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(out.contains(&format!("[H8] {cadre}: block {month} is listed twice")), "{out}");
}

#[test]
fn check_names_a_malformed_plan_file() {
    let dir = tmp();
    let plan = dir.path().join("plan.json");
    fs::write(&plan, "{\n  \"instance\": ").unwrap();
    let o = sanlian(&["check", s(&fixture("small")), s(&plan)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains(s(&plan)) && err.contains("line 2"), "{err}");
}

#[test]
fn truncated_instance_is_rejected_with_line_and_column_and_no_output() {
    let dir = tmp();
    let text = fs::read_to_string(fixture("small")).unwrap();
    let cut = text.char_indices().map(|(i, _)| i).find(|&i| i >= text.len() / 2).unwrap();
    let bad = dir.path().join("truncated.json");
    fs::write(&bad, &text[..cut]).unwrap();
    let out = dir.path().join("plan.json");

    let o = sanlian(&["solve", s(&bad), "-o", s(&out)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains(s(&bad)), "{err}");
    assert!(err.contains("not valid JSON at line ") && err.contains(", column "), "{err}");
    let line = text[..cut].matches('\n').count() + 1;
    assert!(err.contains(&format!("line {line},")), "expected line {line}: {err}");
    assert!(!out.exists(), "no plan may be written for a bad instance");
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
}

#[test]
fn invalid_instance_lists_every_problem_with_its_path() {
    let dir = tmp();
    let mut v = small_json();
    v["cadres"][3]["home_county"] = Value::from("379999");
    let dup = v["cadres"][4]["id"].clone();
    v["cadres"][5]["id"] = dup.clone();
    v["parameters"]["max_department_away_share"] = Value::from(1.5);
    v["parameters"]["blocks_per_year"] = Value::from(0);
    let bad = write_json(&dir, "bad.json", &v);
    let out = dir.path().join("plan.json");

    let o = sanlian(&["solve", s(&bad), "-o", s(&out)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains(s(&bad)), "{err}");
    assert!(err.contains("4 problem(s) in the instance"), "{err}");
    assert!(err.contains("cadres[3].home_county: 379999 is not a county of this instance"), "{err}");
    assert!(err.contains(&format!("cadres[5].id: {} appears twice", dup.as_str().unwrap())), "{err}");
    assert!(err.contains("parameters.max_department_away_share: 1.5 is outside (0, 1]"), "{err}");
    assert!(err.contains("parameters.blocks_per_year: 0 must be between 1 and the 10 months"), "{err}");
    assert!(!out.exists());

    // `check` validates the instance the same way, before looking at the plan.
    let o = sanlian(&["check", s(&bad), s(&bad)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("cadres[3].home_county"), "{}", stderr(&o));
}

#[test]
fn empty_roster_is_rejected() {
    let dir = tmp();
    let mut v = small_json();
    v["cadres"] = Value::Array(Vec::new());
    let bad = write_json(&dir, "empty.json", &v);
    let o = sanlian(&["solve", s(&bad)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("1 problem(s)"), "{err}");
    assert!(err.contains("  - cadres: the roster is empty"), "{err}");
}

#[test]
fn unknown_level_names_the_variant() {
    let dir = tmp();
    let mut v = small_json();
    v["cadres"][0]["level"] = Value::from("mayor");
    let bad = write_json(&dir, "mayor.json", &v);
    let o = sanlian(&["solve", s(&bad)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains(s(&bad)), "{err}");
    assert!(err.contains("unknown variant `mayor`"), "{err}");
    assert!(err.contains("line ") && err.contains("column "), "{err}");
}

#[test]
fn bad_paths_and_options_exit_2() {
    let dir = tmp();
    let missing = dir.path().join("no-such-instance.json");
    let o = sanlian(&["solve", s(&missing)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains(&format!("cannot read {}", s(&missing))), "{}", stderr(&o));

    let small = fixture("small");
    let o = sanlian(&["solve", s(&small), "--threads", "0"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--threads 0: must lie between 1 and"), "{}", stderr(&o));
    let too_many = (4 * std::thread::available_parallelism().map_or(1, |n| n.get()) + 1).to_string();
    let o = sanlian(&["solve", s(&small), "--threads", &too_many]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("4 × the machine's cores"), "{}", stderr(&o));

    // clap takes "-1" for a flag; with "=" it reaches the range check.
    let o = sanlian(&["solve", s(&small), "--time-limit", "-1"]);
    assert_exit(&o, 2);
    let o = sanlian(&["solve", s(&small), "--time-limit=-1"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--time-limit must be a positive number"), "{}", stderr(&o));
    let o = sanlian(&["solve", s(&small), "--time-limit", "0"]);
    assert_exit(&o, 2);

    let o = sanlian(&["check", s(&small), s(&missing)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
}

#[test]
fn infeasible_fixture_strict_gives_a_certificate_and_best_effort_a_plan() {
    let inf = fixture("infeasible");
    let v: Value = serde_json::from_str(&fs::read_to_string(&inf).unwrap()).unwrap();
    let counties: Vec<&str> =
        v["region"]["counties"].as_array().unwrap().iter().map(|k| k["code"].as_str().unwrap()).collect();

    let dir = tmp();
    let out = dir.path().join("plan.json");
    // In Chinese by default: the explainer's certificates, rules by their words.
    let o = sanlian(&["solve", s(&inf), "-o", s(&out)]);
    assert_exit(&o, 1);
    let zh = stdout(&o);
    assert!(zh.contains("不可行") && zh.contains("带队组长·H3"), "{zh}");
    assert!(!out.exists(), "no plan in strict mode when infeasible");
    let o = sanlian(&["solve", s(&inf), "-o", s(&out), "--lang", "en"]);
    assert_exit(&o, 1);
    let text = stdout(&o);
    assert!(text.contains("H3:"), "{text}");
    assert!(text.contains(&format!("counties: {}", counties.join(" "))), "{text}");
    assert!(text.contains("need 5 > supply 3"), "{text}");
    assert!(stderr(&o).contains("infeasible in strict mode"), "{}", stderr(&o));
    assert!(!out.exists(), "no plan in strict mode when infeasible");

    let o = sanlian(&["solve", s(&inf), "--mode", "best-effort", "-o", s(&out), "--lang", "en"]);
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(text.contains("best-effort"), "{text}");
    assert!(text.contains("Best-effort shortfalls (2):"), "{text}");
    assert_eq!(text.lines().filter(|l| l.trim_start().starts_with("[H3] ")).count(), 2, "{text}");
    assert!(text.contains("Checker: valid"), "{text}");
    let plan: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(plan["mode"], "best_effort");
    assert_eq!(plan["shortfalls"].as_array().unwrap().len(), 2);

    // The best-effort plan passes the independent checker too.
    let o = sanlian(&["check", s(&inf), s(&out)]);
    assert_exit(&o, 0);
}

#[test]
fn write_model_writes_every_stage_as_mps() {
    let dir = tmp();
    let models = dir.path().join("models");
    let o = sanlian(&["solve", s(&fixture("small")), "--quiet", "--write-model", s(&models)]);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty(), "--quiet prints nothing: {}", stdout(&o));

    let mut names: Vec<String> =
        fs::read_dir(&models).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let mut want = vec!["S1.mps".to_string(), "S3a.mps".to_string()];
    want.extend(["370502", "370503", "370505", "370522", "370523"].iter().map(|k| format!("S2_{k}.mps")));
    want.sort();
    assert_eq!(names, want);
    for name in &names {
        let text = fs::read_to_string(models.join(name)).unwrap();
        assert!(text.starts_with("NAME"), "{name} starts with {:?}", &text[..text.len().min(40)]);
        assert!(text.contains("\nROWS\n") && text.contains("\nCOLUMNS\n"), "{name}");
        assert!(text.trim_end().ends_with("ENDATA"), "{name}");
    }
    let s1 = fs::read_to_string(models.join("S1.mps")).unwrap();
    assert!(s1.contains("H7_cover["), "S1 has no H7 rows");
    assert!(s1.contains("H3_senior_member["), "S1 has no H3 rows");
}

#[test]
fn generate_reproduces_the_small_fixture_byte_for_byte() {
    let o = sanlian(&["generate", "--region", "fixtures/shandong/data", "--city", "370500", "--seed", "1"]);
    assert_exit(&o, 0);
    let want = fs::read(fixture("small")).unwrap();
    assert!(o.stdout == want, "generated {} bytes, fixture {} bytes, or they differ", o.stdout.len(), want.len());

    // -o writes the same bytes.
    let dir = tmp();
    let out = dir.path().join("small.json");
    let o =
        sanlian(&["generate", "--region", "fixtures/shandong/data", "--city", "370500", "--seed", "1", "-o", s(&out)]);
    assert_exit(&o, 0);
    assert!(fs::read(&out).unwrap() == want);

    // A different seed gives a different roster.
    let o = sanlian(&["generate", "--region", "fixtures/shandong/data", "--city", "370500", "--seed", "2"]);
    assert_exit(&o, 0);
    assert!(o.stdout != want);
}

#[test]
fn generate_rejects_a_missing_region_and_an_unknown_city() {
    let o = sanlian(&["generate", "--region", "/nonexistent"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("/nonexistent/province.csv") && err.contains("not found"), "{err}");
    assert!(o.stdout.is_empty());

    let o = sanlian(&["generate", "--region", "fixtures/shandong/data", "--city", "999999"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("--city 999999: no such city"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn oversized_instance_is_refused_before_reading() {
    let dir = tmp();
    let big = dir.path().join("big.json");
    let size: u64 = 256 * 1024 * 1024 + 1;
    // Sparse: costs no disk and no time, and reading it would take a while.
    fs::File::create(&big).unwrap().set_len(size).unwrap();
    let out = dir.path().join("plan.json");
    let o = sanlian(&["solve", s(&big), "-o", s(&out)]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains(s(&big)), "{err}");
    assert!(err.contains("too large"), "{err}");
    assert!(err.contains(&size.to_string()) && err.contains("268435456"), "{err}");
    assert!(!out.exists());

    let o = sanlian(&["check", s(&fixture("small")), s(&big)]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("too large"), "{}", stderr(&o));
}

#[test]
fn solve_writes_the_planners_table() {
    let dir = tmp();
    let table = dir.path().join("plan.csv");
    let o = sanlian(&["solve", s(&fixture("small")), "--quiet", "--table", s(&table)]);
    assert_exit(&o, 0);
    let text = fs::read_to_string(&table).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM lets spreadsheet programs read the Chinese");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "市,工作组,组长,姓名,编号,单位,级别,副处级以上,第一年联系乡镇,第二年联系乡镇,下沉时段,性别,职务,联系电话,备注"
    );
    assert_eq!(lines.len(), 1 + 40, "one row per cadre");
    let groups: std::collections::BTreeSet<&str> = lines[1..].iter().map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(groups.len(), 5);
    for l in &lines[1..] {
        let f: Vec<&str> = l.split(',').collect();
        assert!(!f[8].is_empty() && !f[2].is_empty(), "{l}");
    }
}

#[test]
fn solve_draws_the_map() {
    let dir = tmp();
    let map = dir.path().join("plan.svg");
    let o = sanlian(&["solve", s(&fixture("small")), "--quiet", "--map", s(&map)]);
    assert_exit(&o, 0);
    let svg = fs::read_to_string(&map).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
    let groups = svg.matches("<title>").count();
    assert_eq!(groups, 5, "one titled circle per group");
    for county in ["东营区", "河口区", "垦利区", "利津县", "广饶县"] {
        assert!(svg.contains(county), "{county} is labelled");
    }
    assert!(svg.contains("覆盖 50/50"), "the title states coverage");
}

#[test]
fn solve_robust_prints_the_robust_groups_beside_the_plain_optimum() {
    let dir = tmp();
    let plan = dir.path().join("robust.json");
    let o = sanlian(&["solve", s(&fixture("small")), "--robust", "--reach-km", "60", "-o", s(&plan), "--lang", "en"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let n = out.lines().find(|l| l.trim_start().starts_with("N ")).unwrap_or_else(|| panic!("no N stage:\n{out}"));
    assert!(n.contains("robust (N−1) groups") && n.contains("proven optimal"), "{n}");
    assert!(out.contains("robust (N−1) groups: ") && out.contains("(reach 60 km)"), "{out}");
    assert!(out.contains("plain optimum: S1 ¥") && out.contains("robust plan: S1 ¥"), "{out}");
    assert!(out.contains("extra cost "), "{out}");
    let written: Value = serde_json::from_str(&fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(written["parameters"]["robust"]["reach_km"], 60.0);
    let groups = written["robust"]["groups"].as_array().expect("the plan reports its robustness");
    let robust = groups.iter().filter(|g| g["robust"] == true).count();
    assert_eq!(written["robust"]["robust_groups"], robust);
    assert!(out.contains(&format!("robust (N−1) groups: {robust} of {}", groups.len())), "{out}");
    // The robust plan checks against the instance as it is: robustness is no hard rule.
    let o = sanlian(&["check", s(&fixture("small")), s(&plan)]);
    assert_exit(&o, 0);
    assert!(stdout(&o).contains(&format!("robust (N−1) groups {robust} of")), "{}", stdout(&o));
    // In Chinese, the comparison and the reasons.
    let o = sanlian(&["solve", s(&fixture("small")), "--robust"]);
    assert_exit(&o, 0);
    let zh = stdout(&o);
    assert!(zh.contains("抗单人离岗（N−1）的工作组：") && zh.contains("不求抗单人离岗的最优方案"), "{zh}");
}

#[test]
fn robust_options_are_checked() {
    let o = sanlian(&["solve", s(&fixture("small")), "--reach-km", "60"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--robust"), "{}", stderr(&o));
    let o = sanlian(&["solve", s(&fixture("small")), "--robust", "--reach-km", "-5"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("parameters.robust.reach_km"), "{}", stderr(&o));
    let o = sanlian(&["solve", s(&fixture("small")), "--robust", "--robust-groups-at-least", "10000"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("parameters.robust.at_least"), "{}", stderr(&o));
    // The ε-form: every group robust, at the least cost, without stage N.
    let dir = tmp();
    let plan = dir.path().join("eps.json");
    let o = sanlian(&["solve", s(&fixture("small")), "--robust", "--robust-groups-at-least", "5", "-o", s(&plan)]);
    assert_exit(&o, 0);
    let written: Value = serde_json::from_str(&fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(written["parameters"]["robust"]["at_least"], 5);
    assert_eq!(written["robust"]["robust_groups"], 5);
    assert!(written["stages"].as_array().unwrap().iter().all(|st| st["id"] != "N"), "no stage N in the ε-form");
}
