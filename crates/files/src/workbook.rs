//! The plan workbook a committee files: 汇总 (the filing form, one row per cadre), one sheet
//! per county in the same form, 名册 (the roster in template form, so the workbook re-imports
//! as its roster) and 说明 (what was planned, coverage and costs).

use std::collections::HashSet;

use chrono::Datelike;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use sanlian_model::{Block, City, Instance, Plan, PlanMode};

use crate::table::{self, Row};
use crate::xlsx::{display_width, unique_sheet_name, write_table, Out};
use crate::{roster, FilesError};

/// The form's columns before the block columns.
pub const LEAD_HEADERS: [&str; 12] = [
    "序号",
    "市",
    "工作组",
    "组长",
    "姓名",
    "性别",
    "单位及职务",
    "级别",
    "副处级以上",
    "联系电话",
    "第一年联系乡镇",
    "第二年联系乡镇",
];

/// The form's columns after the block columns.
pub const TAIL_HEADERS: [&str; 2] = ["每周工作日", "备注"];

/// What every block column's header starts with.
pub(crate) const FORM_BLOCKS_PREFIX: &str = "集中下沉时段";

/// The header of the `n`th (1-based) block column, e.g. "集中下沉时段二".
pub fn block_header(n: usize) -> String {
    const DIGITS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match DIGITS.get(n.wrapping_sub(1)) {
        Some(d) => format!("集中下沉时段{d}"),
        None => format!("集中下沉时段{n}"),
    }
}

/// Sheets every plan workbook has besides the county sheets.
pub(crate) const SUMMARY: &str = "汇总";
const ROSTER: &str = "名册";
const NOTES: &str = "说明";

/// Rows above the data on a form sheet: the title and the header row (both repeated on every
/// printed page).
pub const FORM_TOP_ROWS: u32 = 2;

/// The plan as an xlsx workbook: 汇总 (one row per cadre, groups in county order, leader
/// first), one sheet per county in the same form (named after the county; a repeated name
/// gets its city, e.g. "市中区（济南市）"), 名册 and 说明.
///
/// Each form sheet has a title row (团××委“三联四促”常态化下沉基层工作组名单), the header row,
/// bordered rows ([`LEAD_HEADERS`], one column per block, [`TAIL_HEADERS`]) and a seal and date
/// line, and prints on A4 landscape, one page wide, title and header on every page.
///
/// `city` (a city's code or name) restricts the workbook to that city: 汇总 and the county
/// sheets hold its groups, 名册 the cadres serving in them (so the workbook re-imports as the
/// city's roster), and 说明 gives the city's figures first, the province's after.
pub fn plan_xlsx(inst: &Instance, plan: &Plan, city: Option<&str>) -> Result<Vec<u8>, FilesError> {
    let scope = match city {
        None => None,
        Some(c) => Some(crate::find_city(&inst.region, c).ok_or_else(|| FilesError::UnknownCity(c.to_string()))?),
    };
    let in_scope = |city_code: &str| scope.is_none_or(|s| s.code == city_code);
    let rows: Vec<Row<'_>> = table::rows(inst, plan).into_iter().filter(|r| in_scope(&r.group.city)).collect();
    let blocks = rows.iter().map(|r| r.years.iter().map(|y| y.blocks.len()).sum::<usize>()).max().unwrap_or(0).max(1);
    let headers = form_headers(blocks);

    let mut wb = Workbook::new();
    let mut taken: HashSet<String> = [SUMMARY, ROSTER, NOTES].iter().map(|s| s.to_lowercase()).collect();
    let committee = format!("团{}委", scope.map_or(inst.region.province.name.as_str(), |c| c.name.as_str()));
    let title = format!("{committee}“三联四促”常态化下沉基层工作组名单");

    let summary = wb.add_worksheet();
    summary.set_name(SUMMARY)?;
    let all: Vec<Vec<Out>> = rows.iter().enumerate().map(|(i, r)| form_row(i + 1, r, blocks)).collect();
    let widths = form_widths(&headers, &all);
    write_form(summary, &title, &committee, &headers, &widths, &all)?;
    summary.autofilter(FORM_TOP_ROWS - 1, 0, FORM_TOP_ROWS - 1 + all.len() as u32, headers.len() as u16 - 1)?;

    for g in plan.groups.iter().filter(|g| in_scope(&g.city)) {
        let city_name =
            inst.region.cities.iter().find(|c| c.code == g.city).map_or(g.city.as_str(), |c| c.name.as_str());
        let name = unique_sheet_name(&g.county_name, city_name, &mut taken);
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        let group: Vec<Vec<Out>> = rows
            .iter()
            .filter(|r| r.group.county == g.county)
            .enumerate()
            .map(|(i, r)| form_row(i + 1, r, blocks))
            .collect();
        write_form(ws, &format!("{title}（{}工作组）", g.county_name), &committee, &headers, &widths, &group)?;
    }

    let serving: HashSet<&str> = rows.iter().map(|r| r.cadre.id.as_str()).collect();
    let cadres: Vec<_> = match scope {
        None => inst.cadres.clone(),
        Some(_) => inst.cadres.iter().filter(|c| serving.contains(c.id.as_str())).cloned().collect(),
    };
    roster::add_roster_sheet(&mut wb, &inst.region, &cadres)?;
    let notes = wb.add_worksheet();
    notes.set_name(NOTES)?;
    write_table(notes, &["项目", "内容"], &summary_notes(inst, plan, scope, rows.len()))?;
    // Printed, 说明 is one page wide: its two columns side by side, not a page each.
    notes.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_gridlines(true);
    Ok(wb.save_to_buffer()?)
}

/// The form's headers with `blocks` block columns.
fn form_headers(blocks: usize) -> Vec<String> {
    let mut out: Vec<String> = LEAD_HEADERS.iter().map(|h| h.to_string()).collect();
    out.extend((1..=blocks).map(block_header));
    out.extend(TAIL_HEADERS.iter().map(|h| h.to_string()));
    out
}

/// One cadre's row of the form, numbered `n`.
pub(crate) fn form_row(n: usize, r: &Row<'_>, blocks: usize) -> Vec<Out> {
    let c = r.cadre;
    let unit: String =
        [Some(c.unit.as_str()), c.department.as_deref(), c.title.as_deref()].into_iter().flatten().collect();
    let mut out = vec![
        Out::Number(n as f64),
        r.cells[0].clone().into(),
        r.cells[1].clone().into(),
        r.cells[2].clone().into(),
        r.cells[3].clone().into(),
        c.gender.clone().unwrap_or_default().into(),
        unit.into(),
        r.cells[6].clone().into(),
        r.cells[7].clone().into(),
        c.phone.clone().unwrap_or_default().into(),
        r.cells[8].clone().into(),
        r.cells[9].clone().into(),
    ];
    let mut periods: Vec<Out> = r.years.iter().flat_map(|y| y.blocks.iter()).map(|b| block_text(b).into()).collect();
    periods.resize_with(blocks, || Out::from(""));
    out.extend(periods);
    out.push(weekdays(r).into());
    out.push(c.note.clone().unwrap_or_default().into());
    out
}

/// A block as "2027年5月" when it is the whole month, else its days, "2027.05.10–05.31" (the
/// year written once when both days share it).
pub(crate) fn block_text(b: &Block) -> String {
    let (f, l) = (b.first_day, b.last_day);
    let month_end = l.succ_opt().is_none_or(|next| next.day() == 1);
    if f.day() == 1 && month_end && (f.year(), f.month()) == (l.year(), l.month()) {
        format!("{}年{}月", f.year(), f.month())
    } else if f.year() == l.year() {
        format!("{}–{}", f.format("%Y.%m.%d"), l.format("%m.%d"))
    } else {
        format!("{}–{}", f.format("%Y.%m.%d"), l.format("%Y.%m.%d"))
    }
}

/// The weekly day of work: "每周三" when every year of the plan has the same one, else per
/// year ("2027年每周三；2028年每周四"); empty for a cadre on blocks only.
pub(crate) fn weekdays(r: &Row<'_>) -> String {
    let days: Vec<(i32, chrono::Weekday)> = r.years.iter().filter_map(|y| y.weekday.map(|d| (y.year, d))).collect();
    match days.first() {
        None => String::new(),
        Some(&(_, d)) if days.len() == r.years.len() && days.iter().all(|&(_, e)| e == d) => {
            format!("每周{}", table::weekday_zh(d))
        }
        Some(_) => {
            days.iter().map(|&(y, d)| format!("{y}年每周{}", table::weekday_zh(d))).collect::<Vec<_>>().join("；")
        }
    }
}

/// Column widths (in characters) of the form sheets, from the headers and every row, so that
/// all of them print at the same scale: headers may wrap, long units and townships wrap.
fn form_widths(headers: &[String], rows: &[Vec<Out>]) -> Vec<f64> {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h).min(10)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(&cell.to_text()));
        }
    }
    let most = |h: &str| match h {
        "单位及职务" => 22.0,
        "第一年联系乡镇" | "第二年联系乡镇" | "备注" => 16.0,
        _ => 24.0,
    };
    widths.iter().zip(headers).map(|(w, h)| (*w as f64 + 1.5).clamp(5.0, most(h))).collect()
}

/// Write a form sheet: the title merged across the columns, the bold header row, bordered
/// data rows, the seal and date line under them, column widths, and the page set-up.
fn write_form(
    ws: &mut Worksheet,
    title: &str,
    committee: &str,
    headers: &[String],
    widths: &[f64],
    rows: &[Vec<Out>],
) -> Result<(), FilesError> {
    let last = headers.len() as u16 - 1;
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    let title_format = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head = border(Format::new().set_bold().set_align(FormatAlign::Center).set_background_color("#F2F2F2"));
    let text = border(Format::new());
    let centred = border(Format::new().set_align(FormatAlign::Center));
    let centre_cols = ["序号", "市", "组长", "姓名", "性别", "级别", "副处级以上"];

    ws.merge_range(0, 0, 0, last, title, &title_format)?;
    ws.set_row_height(0, 30)?;
    for (j, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, j as u16, h, &head)?;
    }
    ws.set_row_height(1, 30)?;
    for (i, row) in rows.iter().enumerate() {
        let r = FORM_TOP_ROWS + i as u32;
        for (j, cell) in row.iter().enumerate() {
            let format = if centre_cols.contains(&headers[j].as_str()) { &centred } else { &text };
            match cell {
                Out::Number(x) | Out::Money(x) => {
                    ws.write_number_with_format(r, j as u16, *x, format)?;
                }
                Out::Text(s) => {
                    ws.write_string_with_format(r, j as u16, s, format)?;
                }
            }
        }
    }
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, *w)?;
    }
    let seal_row = FORM_TOP_ROWS + rows.len() as u32 + 1;
    let half = last / 2;
    let plain = Format::new().set_align(FormatAlign::VerticalCenter);
    ws.merge_range(seal_row, 0, seal_row, half, &format!("填报单位（盖章）：{committee}"), &plain)?;
    ws.merge_range(seal_row, half + 1, seal_row, last, "填报日期：　　　　年　　月　　日", &plain)?;
    ws.set_row_height(seal_row, 30)?;
    ws.set_freeze_panes(FORM_TOP_ROWS, 0)?;
    for_filing(ws)
}

/// Print a form sheet as a planner files it: A4 landscape, one page wide and centred, the
/// title and header rows repeated on every page, "第 N 页，共 M 页" at the foot.
fn for_filing(ws: &mut Worksheet) -> Result<(), FilesError> {
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(0, FORM_TOP_ROWS - 1)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// The 说明 sheet's rows: what was planned; the city's groups, cadres, coverage and costs
/// first when the workbook is a city's; then the province's.
fn summary_notes(inst: &Instance, plan: &Plan, city: Option<&City>, cadres: usize) -> Vec<Vec<Out>> {
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
    ];
    match city {
        None => {
            out.push(line("范围", format!("全省（{}）", inst.region.province.name).into()));
            out.push(line("工作组", Out::Number(plan.groups.len() as f64)));
            out.push(line("干部", Out::Number(cadres as f64)));
        }
        Some(city) => {
            let code = city.code.as_str();
            out.push(line(
                "范围",
                format!("{}（{code}）：汇总、各县区表与名册只含本市工作组及其干部", city.name).into(),
            ));
            let groups: Vec<&str> = plan.groups.iter().filter(|g| g.city == code).map(|g| g.county.as_str()).collect();
            out.push(line("本市工作组", Out::Number(groups.len() as f64)));
            out.push(line("本市干部", Out::Number(cadres as f64)));
            let towns: HashSet<&str> = inst
                .region
                .townships
                .iter()
                .filter(|t| groups.contains(&t.county.as_str()))
                .map(|t| t.code.as_str())
                .collect();
            let covered = |year: Option<i32>| {
                let mut seen = HashSet::new();
                for a in &plan.assignments {
                    for y in a.years.iter().filter(|y| year.is_none_or(|w| y.year == w)) {
                        if towns.contains(y.township.as_str()) {
                            seen.insert(y.township.as_str());
                        }
                    }
                }
                seen.len()
            };
            out.push(line(
                "本市乡镇覆盖",
                format!(
                    "第一年 {}，第二年 {}，两年合计 {} / {}",
                    covered(Some(plan.first_year)),
                    covered(Some(plan.first_year + 1)),
                    covered(None),
                    towns.len()
                )
                .into(),
            ));
            let (travel, stay) = plan
                .costs
                .groups
                .iter()
                .filter(|g| groups.contains(&g.county.as_str()))
                .fold((0.0, 0.0), |(t, s), g| (t + g.travel, s + g.stay));
            out.push(line("本市交通费用（元，两年）", Out::Money(travel)));
            out.push(line("本市驻点费用（元，两年）", Out::Money(stay)));
            out.push(line("本市费用合计（元，两年）", Out::Money(travel + stay)));
            out.push(line("工作组（全省）", Out::Number(plan.groups.len() as f64)));
        }
    }
    out.extend([
        line(
            "乡镇覆盖（全省）",
            format!("第一年 {}，第二年 {}，两年合计 {} / {}", c.year1, c.year2, c.total, c.townships).into(),
        ),
        line("交通费用（元，全省两年）", Out::Money(plan.costs.travel)),
        line("驻点费用（元，全省两年）", Out::Money(plan.costs.stay)),
        line("费用合计（元，全省两年）", Out::Money(plan.costs.travel + plan.costs.stay)),
    ]);
    for s in &plan.shortfalls {
        out.push(line(&format!("未满足目标 {}", s.rule), format!("{}：{}", s.subject, s.reason).into()));
    }
    let roster = match city {
        None => "全省完整名册（模板格式），可用 sanlian roster import 重新导入".to_string(),
        Some(c) => format!("{}名册：本市工作组的干部（模板格式），可用 sanlian roster import 重新导入", c.name),
    };
    out.push(line("名册", roster.into()));
    out
}
