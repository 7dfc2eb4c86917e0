//! The plan workbook a city committee files to the province: 汇总 (one row per cadre), one
//! sheet per county, 名册 (the roster in template form, so the workbook re-imports as its
//! roster) and 说明 (what was planned, coverage and costs).

use std::collections::HashSet;

use rust_xlsxwriter::Workbook;
use sanlian_model::{Instance, Plan, PlanMode};

use crate::table::{self, Row};
use crate::xlsx::{unique_sheet_name, write_table, Out};
use crate::{roster, FilesError};

/// Headers of 汇总 and of every county sheet, in order.
pub const HEADERS: [&str; 8] =
    ["工作组", "组长", "姓名", "单位", "级别", "第一年联系乡镇", "第二年联系乡镇", "下沉时段"];

/// Where each of [`HEADERS`] is in a row of the CSV table ([`table::HEADERS`]).
const FROM_TABLE: [usize; 8] = [1, 2, 3, 5, 6, 8, 9, 10];

/// Sheets every plan workbook has besides the county sheets.
const SUMMARY: &str = "汇总";
const ROSTER: &str = "名册";
const NOTES: &str = "说明";

/// The plan as an xlsx workbook: 汇总 (one row per cadre, groups in county order, leader
/// first), one sheet per county with the same columns (named after the county; a repeated
/// name gets its city, e.g. "市中区（济南市）"), 名册 and 说明.
///
/// `city` (a city's code or name) restricts 汇总 and the county sheets to that city's groups;
/// 名册 always holds the whole roster, so that the workbook re-imports as the instance's
/// roster, and 说明 gives both the province's and the city's figures.
pub fn plan_xlsx(inst: &Instance, plan: &Plan, city: Option<&str>) -> Result<Vec<u8>, FilesError> {
    let scope = match city {
        None => None,
        Some(c) => Some(crate::find_city(&inst.region, c).ok_or_else(|| FilesError::UnknownCity(c.to_string()))?),
    };
    let in_scope = |city_code: &str| scope.is_none_or(|s| s.code == city_code);
    let rows: Vec<Row<'_>> = table::rows(inst, plan).into_iter().filter(|r| in_scope(&r.group.city)).collect();
    let cells = |r: &Row<'_>| FROM_TABLE.iter().map(|&i| Out::Text(r.cells[i].clone())).collect::<Vec<_>>();

    let mut wb = Workbook::new();
    let mut taken: HashSet<String> = [SUMMARY, ROSTER, NOTES].iter().map(|s| s.to_lowercase()).collect();
    let summary = wb.add_worksheet();
    summary.set_name(SUMMARY)?;
    let all: Vec<Vec<Out>> = rows.iter().map(cells).collect();
    write_table(summary, &HEADERS, &all)?;
    summary.autofilter(0, 0, all.len() as u32, HEADERS.len() as u16 - 1)?;
    let committee = match scope {
        Some(c) => format!("团{}委", c.name),
        None => format!("团{}委", inst.region.province.name),
    };
    let title = format!("{committee}“三联四促”常态化下沉基层工作组名单");
    for_filing(summary, &title)?;

    for g in plan.groups.iter().filter(|g| in_scope(&g.city)) {
        let city_name =
            inst.region.cities.iter().find(|c| c.code == g.city).map_or(g.city.as_str(), |c| c.name.as_str());
        let name = unique_sheet_name(&g.county_name, city_name, &mut taken);
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        let group: Vec<Vec<Out>> = rows.iter().filter(|r| r.group.county == g.county).map(cells).collect();
        write_table(ws, &HEADERS, &group)?;
        for_filing(ws, &format!("{title}（{}工作组）", g.county_name))?;
    }

    roster::add_roster_sheet(&mut wb, &inst.region, &inst.cadres)?;
    let notes = wb.add_worksheet();
    notes.set_name(NOTES)?;
    write_table(notes, &["项目", "内容"], &summary_notes(inst, plan, scope.map(|c| c.code.as_str()), rows.len()))?;
    Ok(wb.save_to_buffer()?)
}

/// Print a filing sheet as a planner files it: A4 landscape, one page wide, the header row
/// repeated on every page, grid lines printed, the title at the top and "第 N 页，共 M 页" at
/// the foot of every page.
fn for_filing(ws: &mut rust_xlsxwriter::Worksheet, title: &str) -> Result<(), FilesError> {
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_gridlines(true);
    ws.set_repeat_rows(0, 0)?;
    // "&" starts a control code in Excel's header language: written as "&&".
    ws.set_header(format!("&C&14{}", title.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// The 说明 sheet's rows: what was planned, coverage and costs.
fn summary_notes(inst: &Instance, plan: &Plan, city: Option<&str>, cadres: usize) -> Vec<Vec<Out>> {
    let line = |k: &str, v: Out| vec![Out::from(k), v];
    let c = &plan.coverage;
    let mut out = vec![
        line("计划", inst.name.as_str().into()),
        line("计划年度", format!("{}、{}", plan.first_year, plan.first_year + 1).into()),
        line(
            "模式",
            match plan.mode {
                PlanMode::Strict => "严格：全部硬性规则均满足",
                PlanMode::BestEffort => "尽力：见下方未满足目标",
            }
            .into(),
        ),
        line(
            "乡镇覆盖（全省）",
            format!("第一年 {}，第二年 {}，两年合计 {} / {}", c.year1, c.year2, c.total, c.townships).into(),
        ),
        line("交通费用（元，全省两年）", Out::Money(plan.costs.travel)),
        line("驻点费用（元，全省两年）", Out::Money(plan.costs.stay)),
        line("费用合计（元，全省两年）", Out::Money(plan.costs.travel + plan.costs.stay)),
    ];
    match city {
        None => {
            out.push(line("范围", format!("全省（{}）", inst.region.province.name).into()));
        }
        Some(code) => {
            let name = inst.region.cities.iter().find(|c| c.code == code).map_or(code, |c| c.name.as_str());
            out.push(line("范围", format!("{name}（{code}）：汇总与各县区表只含本市工作组").into()));
            let groups: Vec<&str> = plan.groups.iter().filter(|g| g.city == code).map(|g| g.county.as_str()).collect();
            let (travel, stay) = plan
                .costs
                .groups
                .iter()
                .filter(|g| groups.contains(&g.county.as_str()))
                .fold((0.0, 0.0), |(t, s), g| (t + g.travel, s + g.stay));
            out.push(line("本市交通费用（元）", Out::Money(travel)));
            out.push(line("本市驻点费用（元）", Out::Money(stay)));
            out.push(line("本市费用合计（元）", Out::Money(travel + stay)));
        }
    }
    let groups = plan.groups.iter().filter(|g| city.is_none_or(|c| g.city == c)).count();
    out.push(line("工作组", Out::Number(groups as f64)));
    out.push(line("干部", Out::Number(cadres as f64)));
    for s in &plan.shortfalls {
        out.push(line(&format!("未满足目标 {}", s.rule), format!("{}：{}", s.subject, s.reason).into()));
    }
    out.push(line("名册", "全省完整名册（模板格式），可用 sanlian roster import 重新导入".into()));
    out
}
