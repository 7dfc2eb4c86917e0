//! The plan workbook read back with calamine: sheets, headers, rows, leaders, re-import.

mod common;

use common::{fixture, sheets, solve};
use sanlian_files::{plan_xlsx, read_roster, FilesError};
use sanlian_model::{Instance, Plan};

/// The form's columns with `blocks` block columns.
fn headers(blocks: usize) -> Vec<String> {
    let lead = ["序号", "市", "工作组", "组长", "姓名", "性别", "单位及职务", "级别", "副处级以上", "联系电话"];
    let mut out: Vec<String> = lead.iter().map(|h| h.to_string()).collect();
    out.extend(["第一年联系乡镇".to_string(), "第二年联系乡镇".to_string()]);
    out.extend(["一", "二", "三", "四", "五", "六"].iter().take(blocks).map(|d| format!("集中下沉时段{d}")));
    out.extend(["每周工作日".to_string(), "备注".to_string()]);
    out
}

/// Most blocks any cadre of `plan` (in `city`, or anywhere) has over both years.
fn most_blocks(plan: &Plan, city: Option<&str>) -> usize {
    let in_city =
        |id: &str| plan.groups.iter().any(|g| city.is_none_or(|c| g.city == c) && g.members.iter().any(|m| m == id));
    plan.assignments
        .iter()
        .filter(|a| in_city(&a.cadre))
        .map(|a| a.years.iter().map(|y| y.blocks.len()).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1)
}

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
    let mut inst = fixture("small");
    inst.cadres[0].gender = Some("女".into());
    inst.cadres[0].title = Some("副书记".into());
    inst.cadres[0].phone = Some("13800000000".into());
    inst.cadres[0].note = Some("兼任联络员".into());
    let plan = solve(&inst);
    let book = plan_xlsx(&inst, &plan, None).unwrap();
    let s = sheets(&book);

    let mut want: Vec<String> = vec!["汇总".into()];
    want.extend(plan.groups.iter().map(|g| g.county_name.clone()));
    want.extend(["名册".into(), "说明".into()]);
    assert_eq!(s.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), want);

    let summary = &s[0].1;
    assert_eq!(summary[0][0], "团山东省委“三联四促”常态化下沉基层工作组名单");
    let blocks = most_blocks(&plan, None);
    let head = headers(blocks);
    assert_eq!(summary[1], head);
    let n = inst.cadres.len();
    assert_eq!(summary.len(), 2 + n + 2, "title, header, one row per cadre, a blank row and the seal line");
    assert!(summary[2 + n].iter().all(String::is_empty));
    let seal = summary[3 + n].join("");
    assert!(seal.contains("填报单位（盖章）：团山东省委") && seal.contains("填报日期："), "{seal}");
    let col = |h: &str| head.iter().position(|x| x == h).unwrap();
    let mut at = 2;
    for (k, g) in plan.groups.iter().enumerate() {
        let leader = name_of(&inst, g.leader.as_deref().unwrap());
        let rows = &summary[at..at + g.members.len()];
        assert_eq!(rows[0][col("姓名")], leader, "{}: the leader comes first", g.county_name);
        for (i, (r, id)) in rows
            .iter()
            .zip(
                std::iter::once(g.leader.as_deref().unwrap())
                    .chain(g.members.iter().map(String::as_str).filter(|m| Some(*m) != g.leader.as_deref())),
            )
            .enumerate()
        {
            let c = inst.cadres.iter().find(|c| c.id == id).unwrap();
            let a = plan.assignments.iter().find(|a| a.cadre == id).unwrap();
            assert_eq!(r[col("序号")], (at - 1 + i).to_string());
            let city = inst.region.cities.iter().find(|x| x.code == g.city).unwrap();
            assert_eq!(r[col("市")], city.name);
            assert_eq!(r[col("工作组")], g.county_name);
            assert_eq!(r[col("组长")], leader);
            assert_eq!((r[col("姓名")].as_str(), r[col("级别")].as_str()), (c.name.as_str(), c.level.zh()));
            let unit =
                format!("{}{}{}", c.unit, c.department.as_deref().unwrap_or(""), c.title.as_deref().unwrap_or(""));
            assert_eq!(r[col("单位及职务")], unit);
            assert_eq!(r[col("副处级以上")], if c.senior { "是" } else { "否" });
            assert_eq!(r[col("性别")], c.gender.clone().unwrap_or_default());
            assert_eq!(r[col("联系电话")], c.phone.clone().unwrap_or_default());
            assert_eq!(r[col("备注")], c.note.clone().unwrap_or_default());
            assert_eq!(r[col("第一年联系乡镇")], township(&inst, &plan, id, plan.first_year));
            assert_eq!(r[col("第二年联系乡镇")], township(&inst, &plan, id, plan.first_year + 1));
            let periods: Vec<&str> = a.years.iter().flat_map(|y| &y.blocks).map(|b| b.month.as_str()).collect();
            for (j, month) in periods.iter().enumerate() {
                let cell = &r[col("集中下沉时段一") + j];
                let (y, m) = month.split_once('-').unwrap();
                let whole = format!("{y}年{}月", m.trim_start_matches('0'));
                assert!(
                    *cell == whole || cell.starts_with(&month.replace('-', ".")),
                    "block {j} of {id}: {cell} for {month}"
                );
            }
            for j in periods.len()..blocks {
                assert_eq!(r[col("集中下沉时段一") + j], "", "no block {j} for {id}");
            }
            let weekly = a.years.iter().any(|y| y.weekday.is_some());
            assert_eq!(
                r[col("每周工作日")].starts_with("每周") || r[col("每周工作日")].contains("年每周"),
                weekly,
                "{id}"
            );
            assert!(weekly || !periods.is_empty(), "{id} is on site somehow");
        }
        let county = &s[1 + k].1;
        assert!(county[0][0].ends_with(&format!("（{}工作组）", g.county_name)), "{}", county[0][0]);
        assert_eq!(county[1], head);
        let numbered: Vec<Vec<String>> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut r = r.clone();
                r[0] = (i + 1).to_string();
                r
            })
            .collect();
        assert_eq!(&county[2..2 + rows.len()], numbered, "the county sheet repeats its rows of 汇总, numbered from 1");
        at += g.members.len();
    }
    let first = &summary[2..].iter().find(|r| r[col("姓名")] == inst.cadres[0].name).unwrap().clone();
    assert_eq!(
        (first[col("性别")].as_str(), first[col("联系电话")].as_str(), first[col("备注")].as_str()),
        ("女", "13800000000", "兼任联络员")
    );
    assert!(first[col("单位及职务")].ends_with("副书记"));

    let table = sanlian_files::table::csv(&inst, &plan);
    let lines: Vec<&str> = table.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].ends_with(",下沉时段,性别,职务,联系电话,备注"), "{}", lines[0]);
    assert!(lines.iter().any(|l| l.ends_with(",女,副书记,13800000000,兼任联络员")), "the CSV table carries them too");

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
    assert_eq!(s[0].1.len(), 4 + inst.cadres.len());
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"市中区") && names.contains(&"市中区（枣庄市）"), "{names:?}");
    let zaozhuang = plan.groups.iter().find(|g| g.county == "370402").unwrap();
    let sheet = &s.iter().find(|(n, _)| n == "市中区（枣庄市）").unwrap().1;
    assert_eq!(sheet.len(), 4 + zaozhuang.members.len());
    assert_eq!(sheet[2][3], name_of(&inst, zaozhuang.leader.as_deref().unwrap()));
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
    assert_eq!(s[0].1.len(), 4 + members);
    assert_eq!(s[0].1[0][0], "团枣庄市委“三联四促”常态化下沉基层工作组名单");
    assert_eq!(s[0].1[1], headers(most_blocks(&plan, Some("370400"))));
    assert!(s[0].1[2..2 + members].iter().all(|r| r[1] == "枣庄市" && groups.iter().any(|g| g.county_name == r[2])));
    assert_eq!(s[s.len() - 2].1.len(), 1 + members, "名册 holds the city's cadres");
    let back = read_roster(&city, "枣庄市.xlsx", &inst.region).unwrap_or_else(|e| panic!("{e}"));
    let serving: Vec<&str> = groups.iter().flat_map(|g| g.members.iter().map(String::as_str)).collect();
    let want_roster: Vec<_> = inst.cadres.iter().filter(|c| serving.contains(&c.id.as_str())).cloned().collect();
    assert_eq!(back.cadres, want_roster, "the city's workbook re-imports as the city's roster");
    let notes = &s.last().unwrap().1;
    let at = |k: &str| notes.iter().position(|r| r[0] == k).unwrap_or_else(|| panic!("说明 lacks {k}"));
    assert!(notes[at("范围")][1].starts_with("枣庄市（370400）"));
    assert_eq!(notes[at("本市工作组")][1], groups.len().to_string());
    assert_eq!(notes[at("本市干部")][1], members.to_string());
    assert!(notes[at("本市乡镇覆盖")][1].starts_with("第一年 "));
    assert!(at("本市费用合计（元，两年）") < at("乡镇覆盖（全省）"), "the city's figures come first");
    assert!(notes[at("名册")][1].starts_with("枣庄市名册"));

    assert_eq!(plan_xlsx(&inst, &plan, Some("枣庄市")).map(|b| sheets(&b).len()), Ok(want.len()));
    assert_eq!(plan_xlsx(&inst, &plan, Some("379900")), Err(FilesError::UnknownCity("379900".into())));
}

/// The workbook prints as a filing form (issue 11, item 6): each form sheet is A4 landscape,
/// one page wide, its title and header rows repeated on every page, bordered, with the page
/// count at the foot. (crates/files/tests/print.rs renders it with LibreOffice and counts the pages.)
#[test]
fn the_plan_workbook_prints_as_a_filing_form() {
    use std::io::Read as _;
    let inst = fixture("small");
    let plan = solve(&inst);
    let city = &plan.groups[0].city;
    let book = plan_xlsx(&inst, &plan, Some(city)).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&book)).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut text).unwrap();
        text
    };
    let workbook = part("xl/workbook.xml");
    let styles = part("xl/styles.xml");
    assert!(styles.contains("<left style=\"thin\">") && styles.contains("<bottom style=\"thin\">"), "no borders");
    let sheets = 1 + plan.groups.iter().filter(|g| &g.city == city).count();
    for sheet in 1..=sheets {
        let xml = part(&format!("xl/worksheets/sheet{sheet}.xml"));
        for needle in [
            "orientation=\"landscape\"",
            "paperSize=\"9\"",
            "fitToPage=\"1\"",
            "fitToHeight=\"0\"",
            "<mergeCell ref=\"A1:",
            "第 &amp;P 页，共 &amp;N 页",
        ] {
            assert!(xml.contains(needle), "sheet{sheet} lacks {needle}");
        }
    }
    assert_eq!(workbook.matches("_xlnm.Print_Titles").count(), sheets + 1, "the form sheets and 名册: {workbook}");
    assert!(workbook.contains("!$1:$2</definedName>"), "title and header rows are not repeated: {workbook}");
}
