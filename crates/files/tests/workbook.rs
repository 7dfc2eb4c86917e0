//! The plan workbook read back with calamine: sheets, headers, rows, leaders, re-import.

mod common;

use common::{fixture, sheets, solve};
use sanlian_files::{plan_xlsx, read_roster, FilesError};
use sanlian_model::{Instance, Plan};

const HEADERS: [&str; 8] = ["工作组", "组长", "姓名", "单位", "级别", "第一年联系乡镇", "第二年联系乡镇", "下沉时段"];

fn name_of<'a>(inst: &'a Instance, id: &str) -> &'a str {
    &inst.cadres.iter().find(|c| c.id == id).unwrap().name
}

fn township(inst: &Instance, plan: &Plan, id: &str, year: i32) -> String {
    let a = plan.assignments.iter().find(|a| a.cadre == id).unwrap();
    a.years.iter().find(|y| y.year == year).map_or("—".to_string(), |y| {
        inst.region.townships.iter().find(|t| t.code == y.township).unwrap().name.clone()
    })
}

#[test]
fn the_small_plan_workbook() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let book = plan_xlsx(&inst, &plan, None).unwrap();
    let s = sheets(&book);

    let mut want: Vec<String> = vec!["汇总".into()];
    want.extend(plan.groups.iter().map(|g| g.county_name.clone()));
    want.extend(["名册".into(), "说明".into()]);
    assert_eq!(s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), want);

    let summary = &s[0].1;
    assert_eq!(summary[0], HEADERS);
    assert_eq!(summary.len(), 1 + inst.cadres.len(), "one row per cadre");
    let mut at = 1;
    for (k, g) in plan.groups.iter().enumerate() {
        let leader = name_of(&inst, g.leader.as_deref().unwrap());
        let rows = &summary[at..at + g.members.len()];
        assert_eq!(rows[0][2], leader, "{}: the leader comes first", g.county_name);
        for (r, id) in rows.iter().zip(
            std::iter::once(g.leader.as_deref().unwrap())
                .chain(g.members.iter().map(String::as_str).filter(|m| Some(*m) != g.leader.as_deref())),
        ) {
            let c = inst.cadres.iter().find(|c| c.id == id).unwrap();
            assert_eq!(r[0], g.county_name);
            assert_eq!(r[1], leader);
            assert_eq!((r[2].as_str(), r[3].as_str(), r[4].as_str()), (c.name.as_str(), c.unit.as_str(), c.level.zh()));
            assert_eq!(r[5], township(&inst, &plan, id, plan.first_year));
            assert_eq!(r[6], township(&inst, &plan, id, plan.first_year + 1));
            assert!(!r[7].is_empty(), "下沉时段 of {id}");
        }
        let county = &s[1 + k].1;
        assert_eq!(county[0], HEADERS);
        assert_eq!(&county[1..], rows, "the county sheet repeats its rows of 汇总");
        at += g.members.len();
    }

    let table = sanlian_files::table::csv(&inst, &plan);
    let periods: Vec<String> = table
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().to_string())
        .collect();
    let ours: Vec<String> = summary[1..].iter().map(|r| r[7].clone()).collect();
    assert_eq!(ours, periods, "下沉时段 in the words of the CSV table");

    let notes = &s.last().unwrap().1;
    let note = |k: &str| notes.iter().find(|r| r[0] == k).map(|r| r[1].clone()).unwrap_or_default();
    assert_eq!(note("计划"), inst.name);
    assert_eq!(note("计划年度"), "2027、2028");
    assert!(note("模式").starts_with("严格"));
    assert_eq!(
        note("乡镇覆盖（全省）"),
        format!("第一年 {}，第二年 {}，两年合计 50 / 50", plan.coverage.year1, plan.coverage.year2)
    );
    let total: f64 = note("费用合计（元，全省两年）").parse().unwrap();
    assert!((total - (plan.costs.travel + plan.costs.stay)).abs() < 1e-6);

    let back = read_roster(&book, "plan.xlsx", &inst.region).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.cadres, inst.cadres, "the plan workbook re-imports as the instance's roster");
}

#[test]
fn the_shandong_workbook_by_city_and_repeated_names() {
    let inst = fixture("shandong");
    let plan = solve(&inst);
    let book = plan_xlsx(&inst, &plan, None).unwrap();
    let s = sheets(&book);
    assert_eq!(s.len(), 3 + plan.groups.len());
    assert_eq!(s[0].1.len(), 1 + inst.cadres.len());
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"市中区") && names.contains(&"市中区（枣庄市）"), "{names:?}");
    let zaozhuang = plan.groups.iter().find(|g| g.county == "370402").unwrap();
    let sheet = &s.iter().find(|(n, _)| n == "市中区（枣庄市）").unwrap().1;
    assert_eq!(sheet.len(), 1 + zaozhuang.members.len());
    assert_eq!(sheet[1][1], name_of(&inst, zaozhuang.leader.as_deref().unwrap()));
    for (n, _) in &s {
        assert!(n.chars().count() <= 31 && !n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
    }

    let city = plan_xlsx(&inst, &plan, Some("370400")).unwrap();
    let s = sheets(&city);
    let groups: Vec<_> = plan.groups.iter().filter(|g| g.city == "370400").collect();
    let mut want = vec!["汇总".to_string()];
    want.extend(groups.iter().map(|g| g.county_name.clone()));
    want.extend(["名册".into(), "说明".into()]);
    assert_eq!(
        s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        want,
        "only 枣庄市's counties; its 市中区 needs no city"
    );
    let members: usize = groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(s[0].1.len(), 1 + members);
    assert!(s[0].1[1..].iter().all(|r| groups.iter().any(|g| g.county_name == r[0])));
    assert_eq!(s[s.len() - 2].1.len(), 1 + inst.cadres.len(), "名册 keeps the whole roster");
    assert!(s.last().unwrap().1.iter().any(|r| r[0] == "范围" && r[1].starts_with("枣庄市（370400）")));

    assert_eq!(plan_xlsx(&inst, &plan, Some("枣庄市")).map(|b| sheets(&b).len()), Ok(want.len()));
    assert_eq!(plan_xlsx(&inst, &plan, Some("379900")), Err(FilesError::UnknownCity("379900".into())));
}

/// The workbook prints as a filing form (issue 11, item 6, part): each filing sheet is A4
/// landscape, one page wide, its header row repeated on every page, grid lines printed, the
/// committee's title at the top and the page count at the foot; a city's workbook carries the
/// city committee's name.
#[test]
fn the_plan_workbook_prints_as_a_filing_form() {
    use std::io::Read as _;
    let inst = fixture("small");
    let plan = solve(&inst);
    let city = &plan.groups[0].city;
    let city_name = inst.region.cities.iter().find(|c| &c.code == city).unwrap().name.clone();
    let book = plan_xlsx(&inst, &plan, Some(city)).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&book)).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut text).unwrap();
        text
    };
    let workbook = part("xl/workbook.xml");
    for sheet in 1..=1 + plan.groups.iter().filter(|g| &g.city == city).count() {
        let xml = part(&format!("xl/worksheets/sheet{sheet}.xml"));
        for needle in [
            "orientation=\"landscape\"",
            "paperSize=\"9\"",
            "fitToPage=\"1\"",
            "fitToHeight=\"0\"",
            "gridLines=\"1\"",
            "第 &amp;P 页，共 &amp;N 页",
        ] {
            assert!(xml.contains(needle), "sheet{sheet} lacks {needle}");
        }
        assert!(xml.contains(&format!("团{city_name}委“三联四促”常态化下沉基层工作组名单")), "sheet{sheet}: no title");
    }
    assert!(workbook.contains("_xlnm.Print_Titles"), "the header row is not repeated on printed pages");
}
