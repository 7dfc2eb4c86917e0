//! The plan workbook edited and read back as edits (issue 12, item 5): every kind of change a
//! planner makes in 汇总, the round trip through the checker, and the sheet edited into nonsense.

mod common;

use common::{fixture, sheets, solve, xlsx};
use sanlian_explain::edit::apply_edits;
use sanlian_files::{plan_xlsx, read_plan_edits, SheetErrors};
use sanlian_model::{Edit, Instance, Lang, Mode, Plan, Prepared};

/// The 汇总 sheet of the plan's exported workbook, as text.
fn summary(inst: &Instance, plan: &Plan) -> Vec<Vec<String>> {
    let book = plan_xlsx(inst, plan, None).unwrap();
    sheets(&book).into_iter().find(|(n, _)| n == "汇总").unwrap().1
}

/// `rows` as a workbook with one sheet 汇总.
fn book(rows: &[Vec<String>]) -> Vec<u8> {
    let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
    xlsx("汇总", &refs)
}

fn col(rows: &[Vec<String>], header: &str) -> usize {
    rows[1].iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header}"))
}

/// The row (index in `rows`) of cadre `id`.
fn row_of(rows: &[Vec<String>], inst: &Instance, id: &str) -> usize {
    let c = inst.cadres.iter().find(|c| c.id == id).unwrap();
    let name = col(rows, "姓名");
    let unit = col(rows, "单位及职务");
    rows.iter().position(|r| r[name] == c.name && r[unit].starts_with(&c.unit)).unwrap()
}

fn errors(bytes: &[u8], inst: &Instance, plan: &Plan) -> SheetErrors {
    read_plan_edits(bytes, "plan.xlsx", inst, plan).expect_err("refused")
}

#[test]
fn an_unchanged_workbook_reads_as_no_edits_and_says_which_sheets_it_read() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let whole = plan_xlsx(&inst, &plan, None).unwrap();
    let read = read_plan_edits(&whole, "plan.xlsx", &inst, &plan).unwrap();
    assert!(read.edits.is_empty(), "{:?}", read.edits);
    assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
    assert!(read.notes[0].text(Lang::Zh).contains("只读取了「汇总」工作表"), "{}", read.notes[0].text(Lang::Zh));
    let only = read_plan_edits(&book(&summary(&inst, &plan)), "plan.xlsx", &inst, &plan).unwrap();
    assert!(only.edits.is_empty() && only.notes.is_empty(), "{only:?}");
}

#[test]
fn each_kind_of_change_reads_as_its_edit_and_checks_like_a_planner_expects() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let mut rows = summary(&inst, &plan);
    let (group, town1, lead) = (col(&rows, "工作组"), col(&rows, "第一年联系乡镇"), col(&rows, "组长"));
    let first = plan.first_year;

    // A member (not a leader) moves to another county's group.
    let g0 = &plan.groups[0];
    let g1 = &plan.groups[1];
    let mover = g0.members.iter().find(|m| Some(m.as_str()) != g0.leader.as_deref()).unwrap().clone();
    let r = row_of(&rows, &inst, &mover);
    rows[r][group] = g1.county_name.clone();
    // A cadre of group 1 takes another township of its county in the first year.
    let stayer = g1.members.iter().find(|m| Some(m.as_str()) != g1.leader.as_deref()).unwrap().clone();
    let a = plan.assignments.iter().find(|a| a.cadre == stayer).unwrap();
    let now = &a.years.iter().find(|y| y.year == first).unwrap().township;
    let other = inst.region.townships.iter().find(|t| t.county == g1.county && &t.code != now).unwrap();
    let r = row_of(&rows, &inst, &stayer);
    rows[r][town1] = other.name.clone();
    // Group 1 gets another senior member as its leader: every 组长 cell of the group says so.
    let new_leader = g1
        .members
        .iter()
        .find(|m| Some(m.as_str()) != g1.leader.as_deref() && inst.cadres.iter().any(|c| &c.id == *m && c.senior));
    if let Some(id) = new_leader {
        let name = inst.cadres.iter().find(|c| &c.id == id).unwrap().name.clone();
        for m in &g1.members {
            let r = row_of(&rows, &inst, m);
            rows[r][lead] = name.clone();
        }
    }
    // A block cadre's months, and a county cadre's weekday.
    let blocker = plan.assignments.iter().find(|a| a.years.iter().any(|y| !y.blocks.is_empty())).unwrap();
    let y = blocker.years.iter().find(|y| !y.blocks.is_empty()).unwrap();
    let moved_to = if y.blocks[0].month.ends_with("-12") { 11 } else { 12 };
    let r = row_of(&rows, &inst, &blocker.cadre);
    let cell = col(&rows, "集中下沉时段一");
    rows[r][cell] = format!("{}年{}月", y.year, moved_to);
    let weekly = plan.assignments.iter().find(|a| a.years.iter().all(|y| y.weekday.is_some())).unwrap();
    let day = if weekly.years[0].weekday == Some(chrono::Weekday::Mon) { "每周二" } else { "每周一" };
    let r = row_of(&rows, &inst, &weekly.cadre);
    let wd = col(&rows, "每周工作日");
    rows[r][wd] = day.into();
    // A phone number is the cadre's own data: noted, not read.
    let r = row_of(&rows, &inst, &stayer);
    let phone = col(&rows, "联系电话");
    rows[r][phone] = "13900000000".into();

    let read = read_plan_edits(&book(&rows), "plan.xlsx", &inst, &plan).unwrap();
    let edits: Vec<Edit> = read.edits.iter().map(|e| e.edit.clone()).collect();
    assert_eq!(edits[0], Edit::Move { cadre: mover.clone(), county: g1.county.clone() }, "moves come first");
    assert!(edits.contains(&Edit::Township { cadre: stayer.clone(), year: first, township: other.code.clone() }));
    let mut months: Vec<String> = y.blocks.iter().skip(1).map(|b| b.month.clone()).collect();
    months.push(format!("{}-{moved_to:02}", y.year));
    months.sort();
    assert!(edits.contains(&Edit::Months { cadre: blocker.cadre.clone(), year: y.year, months }), "{edits:?}");
    let want_day = if day == "每周二" { chrono::Weekday::Tue } else { chrono::Weekday::Mon };
    assert!(edits.contains(&Edit::Weekday { cadre: weekly.cadre.clone(), weekday: want_day }));
    if let Some(id) = new_leader {
        assert_eq!(edits.last(), Some(&Edit::Leader { county: g1.county.clone(), cadre: id.clone() }), "leaders last");
    }
    assert_eq!(edits.len(), 4 + usize::from(new_leader.is_some()), "{edits:?}");
    let place = read.edits[0].at.text(Lang::Zh);
    assert!(place.contains("工作表「汇总」") && place.contains("「工作组」列（C）"), "{place}");
    assert_eq!(read.notes.len(), 1, "{:?}", read.notes);
    assert!(read.notes[0].text(Lang::Zh).contains("联系电话"), "{}", read.notes[0].text(Lang::Zh));

    // Made on the plan, the edits give a plan whose workbook says what the planner wrote.
    let prep = Prepared::new(&inst).unwrap();
    let rules = sanlian_check::Rules::new(&inst).unwrap();
    let answer = apply_edits(&prep, &rules, &plan, &edits).unwrap();
    let back = summary(&inst, &answer.plan);
    let r = row_of(&back, &inst, &stayer);
    assert_eq!(back[r][town1], other.name);
    let r = row_of(&back, &inst, &mover);
    assert_eq!(back[r][group], g1.county_name);
    if let Some(id) = new_leader {
        let name = &inst.cadres.iter().find(|c| &c.id == id).unwrap().name;
        assert_eq!(&back[row_of(&back, &inst, &stayer)][lead], name);
    }
    // Read against the edited plan, its own workbook holds no more edits.
    let again = read_plan_edits(&book(&back), "plan.xlsx", &inst, &answer.plan).unwrap();
    assert!(again.edits.is_empty(), "{:?}", again.edits);
}

#[test]
fn a_workbook_edited_into_nonsense_is_refused_at_its_cells() {
    let inst = fixture("small");
    let plan = solve(&inst);
    let rows = summary(&inst, &plan);
    let (group, name, town2) = (col(&rows, "工作组"), col(&rows, "姓名"), col(&rows, "第二年联系乡镇"));
    let zh = |e: &SheetErrors| e.text(Lang::Zh);

    // A row moved to a county that does not exist.
    let mut bad = rows.clone();
    bad[2][group] = "不存在县".into();
    let e = errors(&book(&bad), &inst, &plan);
    assert!(zh(&e).contains("第 3 行，「工作组」列（C）：没有叫“不存在县”的县区"), "{}", zh(&e));
    assert!(zh(&e).starts_with("计划工作簿中有 1 处问题"), "{}", zh(&e));

    // A deleted header.
    let mut bad = rows.clone();
    bad[1][group] = String::new();
    let e = errors(&book(&bad), &inst, &plan);
    assert!(zh(&e).contains("第 2 行，「工作组」列：缺少这一列") || zh(&e).contains("找不到表头行"), "{}", zh(&e));

    // A merged cell: the name only in the first of two rows.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("汇总").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let merged_away = r == 3 && c == name;
            if !v.is_empty() && !merged_away {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    ws.merge_range(2, name as u16, 3, name as u16, &rows[2][name], &rust_xlsxwriter::Format::new()).unwrap();
    let e = errors(&wb.save_to_buffer().unwrap(), &inst, &plan);
    assert!(zh(&e).contains("第 4 行，「姓名」列（E）：姓名为空：若是合并了单元格"), "{}", zh(&e));

    // A deleted row, and a row given twice.
    let mut bad = rows.clone();
    let gone = bad.remove(2);
    let e = errors(&book(&bad), &inst, &plan);
    assert!(zh(&e).contains(&format!("缺少“{}”的一行", gone[name])), "{}", zh(&e));
    let mut bad = rows.clone();
    bad.insert(3, rows[2].clone());
    let e = errors(&book(&bad), &inst, &plan);
    assert!(zh(&e).contains(&format!("第 4 行，「姓名」列（E）：“{}”已在第 3 行出现", rows[2][name])), "{}", zh(&e));

    // A renamed cadre, a township emptied, a cadre who does not serve a year given one.
    let mut bad = rows.clone();
    bad[2][name] = "无此人".into();
    assert!(zh(&errors(&book(&bad), &inst, &plan)).contains("计划中没有“无此人”"));
    let mut bad = rows.clone();
    bad[2][town2] = String::new();
    let e = errors(&book(&bad), &inst, &plan);
    assert!(zh(&e).contains("联系乡镇不能清空") || zh(&e).contains("不能为这一年填写"), "{}", zh(&e));

    // Months and weekdays that cannot be read.
    let mut bad = rows.clone();
    let r = (2..bad.len()).find(|&r| !bad[r][col(&rows, "集中下沉时段一")].is_empty()).unwrap();
    bad[r][col(&rows, "集中下沉时段一")] = "五月份".into();
    assert!(zh(&errors(&book(&bad), &inst, &plan)).contains("读不出月份“五月份”"));
    let mut bad = rows.clone();
    let wd = col(&rows, "每周工作日");
    let r = (2..bad.len()).find(|&r| !bad[r][wd].is_empty()).unwrap();
    bad[r][wd] = "每周六".into();
    assert!(zh(&errors(&book(&bad), &inst, &plan)).contains("读不出工作日“每周六”"));

    // Not a plan workbook at all.
    let roster = sanlian_files::roster_xlsx(&inst).unwrap();
    assert!(zh(&errors(&roster, &inst, &plan)).contains("没有「汇总」工作表"));
    assert!(!zh(&errors(b"\x00\x01garbage", &inst, &plan)).is_empty());
    // Every kind of cadre was in the fixture's plan (the checks above did not pass vacuously).
    assert!(
        inst.cadres.iter().any(|c| c.mode() == Mode::Blocks) && inst.cadres.iter().any(|c| c.mode() == Mode::Weekly)
    );
}
