//! 经费测算表: what each dispatching unit pays for its cadres in the groups of a city (work
//! plan §五: 下沉工作经费由派出单位按规定标准承担), priced by the cost model of PLANNING_RULES
//! §4 with the parameters the plan echoes.
//!
//! Per cadre: its county, its block months, its round trips — `trips_per_month` per block
//! month (§五: 往返交通费原则上每月不超过2次, budgeted at the cap) plus one per planned week of
//! "4+1" work — its one-way road km, travel = round trips × 2 × road km × fare, its days on
//! site (the days of its blocks) and stay = days × (lodging + meals). Money is rounded to the
//! fen per row; every subtotal and total is the sum of the rounded rows.
//!
//! [`budget`] gives the figures; [`budget_xlsx`] writes them as a workbook whose money cells are
//! formulas over the parameters on its 测算依据 sheet; [`budget_docx`] as a Word document.

use std::collections::HashSet;

use docx_rs::{AlignmentType, Paragraph, Table, TableRow};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet};
use sanlian_model::params::WEEKS_PER_BLOCK_MONTH;
use sanlian_model::{cost, Instance, Level, Parameters, Plan};

use crate::doc::{self, SMALL_TABLE_SIZE, SMALL_TEXT_SIZE, SUBTITLE_SIZE, TABLE_SIZE};
use crate::table::{self, Row};
use crate::workbook::weekdays;
use crate::xlsx::unique_sheet_name;
use crate::{FilesError, Scope};

/// An amount in fen (1/100 yuan), so that totals are exact sums of the rows.
pub type Fen = i64;

/// `yuan` rounded to the fen.
pub fn fen(yuan: f64) -> Fen {
    (yuan * 100.0).round() as Fen
}

/// Fen as yuan.
pub fn yuan(fen: Fen) -> f64 {
    fen as f64 / 100.0
}

/// Fen as "12,345.67".
pub fn yuan_text(fen: Fen) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let (whole, part) = (fen.abs() / 100, fen.abs() % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{part:02}")
}

/// A count as the sheets write it: "86", "77.4".
pub fn count_text(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One cadre's line of the budget.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetRow {
    /// Cadre id.
    pub cadre: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: Level,
    /// The group's county code.
    pub county: String,
    /// The group's county name.
    pub county_name: String,
    /// Block months, a line per year ("2027年5月、10月").
    pub months: Vec<String>,
    /// Number of blocks (on-site months) over both years.
    pub block_months: u32,
    /// The "4+1" weekday ("每周三"), empty for blocks only.
    pub weekdays: String,
    /// One-way road km from the unit's seat to the county seat (great-circle × road_factor).
    pub road_km: f64,
    /// Round trips of the blocks: block_months × trips_per_month.
    pub block_trips: f64,
    /// Round trips of the "4+1" days: one per planned week of weekly work.
    pub weekly_trips: f64,
    /// block_trips + weekly_trips.
    pub round_trips: f64,
    /// round_trips × 2 × road_km × fare_per_km, to the fen.
    pub travel: Fen,
    /// Days of the blocks.
    pub stay_days: u32,
    /// stay_days × (lodging_per_day + meal_per_day), to the fen.
    pub stay: Fen,
    /// travel + stay.
    pub total: Fen,
}

/// What one dispatching unit pays.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitBudget {
    /// The unit (团省委, 团东营市委, a university's or an enterprise's committee).
    pub unit: String,
    /// Its cadres' level.
    pub level: Level,
    /// Its cadres in the scope, in group order.
    pub rows: Vec<BudgetRow>,
    /// Σ rows' travel.
    pub travel: Fen,
    /// Σ rows' stay.
    pub stay: Fen,
    /// travel + stay.
    pub total: Fen,
}

/// The budget of the groups of one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// "团东营市委“三联四促”常态化下沉基层工作经费测算表".
    pub title: String,
    /// What it covers: "东营市工作组，2027—2028年".
    pub subtitle: String,
    /// Who draws it up: 团东营市委.
    pub committee: String,
    /// The parameters priced with (the plan's).
    pub parameters: Parameters,
    /// Per unit: province, city, county, universities, enterprises; in roster order within a level.
    pub units: Vec<UnitBudget>,
    /// Σ units' travel.
    pub travel: Fen,
    /// Σ units' stay.
    pub stay: Fen,
    /// travel + stay.
    pub total: Fen,
    /// 测算依据: the rules and data each number comes from.
    pub notes: Vec<String>,
}

/// The budget of the groups in `scope`: every cadre serving in them, per dispatching unit.
/// Road km and round trips are the plan's (the checker recomputes both from the instance);
/// block months and days come from the plan's blocks.
pub fn budget(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Result<Budget, FilesError> {
    let p = &plan.parameters;
    let rows: Vec<Row<'_>> = table::rows(inst, plan).into_iter().filter(|r| scope.holds(r.group)).collect();
    let mut units: Vec<UnitBudget> = Vec::new();
    for r in &rows {
        let c = r.cadre;
        let reported =
            plan.costs.cadres.iter().find(|k| k.cadre == c.id).ok_or_else(|| FilesError::MissingCost(c.id.clone()))?;
        let block_months: u32 = r.years.iter().map(|y| y.blocks.len() as u32).sum();
        let stay_days: u32 =
            r.years.iter().flat_map(|y| &y.blocks).map(|b| (b.last_day - b.first_day).num_days() as u32 + 1).sum();
        let block_trips = f64::from(block_months * p.trips_per_month);
        let weekly = reported.round_trips - block_trips;
        let weekly_trips = if weekly.abs() < 1e-9 { 0.0 } else { weekly };
        let travel = fen(cost::travel_cost(p, reported.round_trips, reported.road_km));
        let stay = fen(cost::stay_cost(p, stay_days));
        let row = BudgetRow {
            cadre: c.id.clone(),
            name: c.name.clone(),
            level: c.level,
            county: r.group.county.clone(),
            county_name: r.group.county_name.clone(),
            months: doc::months_by_year(r.years),
            block_months,
            weekdays: weekdays(r),
            road_km: reported.road_km,
            block_trips,
            weekly_trips,
            round_trips: reported.round_trips,
            travel,
            stay_days,
            stay,
            total: travel + stay,
        };
        match units.iter_mut().find(|u| u.unit == c.unit) {
            Some(u) => u.rows.push(row),
            None => units.push(UnitBudget {
                unit: c.unit.clone(),
                level: c.level,
                rows: vec![row],
                travel: 0,
                stay: 0,
                total: 0,
            }),
        }
    }
    let first_in_roster = |unit: &str| inst.cadres.iter().position(|c| c.unit == unit).unwrap_or(inst.cadres.len());
    units.sort_by_key(|u| (Level::ALL.iter().position(|l| *l == u.level), first_in_roster(&u.unit)));
    for u in &mut units {
        u.travel = u.rows.iter().map(|r| r.travel).sum();
        u.stay = u.rows.iter().map(|r| r.stay).sum();
        u.total = u.travel + u.stay;
    }
    let travel = units.iter().map(|u| u.travel).sum();
    let stay = units.iter().map(|u| u.stay).sum();
    let committee = scope.committee(&inst.region);
    let years = format!("{}—{}年", plan.first_year, plan.first_year + 1);
    let covered = match (scope.city(), scope.county()) {
        (_, Some(k)) => format!("{}工作组", k.name),
        (Some(c), None) => format!("{}各县（市、区）工作组", c.name),
        (None, None) => format!("{}各县（市、区）工作组", inst.region.province.name),
    };
    Ok(Budget {
        title: format!("{committee}“三联四促”常态化下沉基层工作经费测算表"),
        subtitle: format!("（{covered}，{years}）"),
        committee,
        parameters: p.clone(),
        units,
        travel,
        stay,
        total: travel + stay,
        notes: notes(p, &covered, &years, plan),
    })
}

/// The 测算依据: where each column comes from, with the parameters in force.
fn notes(p: &Parameters, covered: &str, years: &str, plan: &Plan) -> Vec<String> {
    let n = count_text;
    vec![
        format!("测算范围：{covered}的全部下沉干部，两个计划年度（{years}），按派出单位分列；下沉工作经费由派出单位按规定标准承担（工作方案第五部分）。"),
        format!("单程公路里程 = 派出单位驻地至县（市、区）政府驻地的球面距离（地球半径 6371.0 公里）× 公路系数 {}（PLANNING_RULES §4）。", n(p.road_factor)),
        format!("集中下沉往返次数 = 集中下沉月数 × 每月 {} 次（工作方案第五部分：往返交通费原则上每月不超过2次，按上限测算）。", p.trips_per_month),
        format!("“4+1”往返次数 = 每个在岗年度（{} 周 − {} × 当年集中下沉月数）次，每周一次；当年只部分在岗的，周数按在岗月份比例折算；只集中下沉的为 0。", n(p.weeks_per_year), n(WEEKS_PER_BLOCK_MONTH)),
        format!("交通费 = 往返次数 × 2（往、返）× 单程公路里程 × 每公里 {} 元。", n(p.fare_per_km)),
        format!("驻点费 = 驻点天数 × 每天（住宿 {} 元 + 伙食补助 {} 元）；驻点天数为集中下沉时段的自然天数；“4+1”工作日当日往返，不计驻点费。", n(p.lodging_per_day), n(p.meal_per_day)),
        "县级团干部在本县（市、区）工作，派出单位驻地即县（市、区）政府驻地，单程公路里程为 0，按成本模型不计交通费；到联系乡镇的交通按本地本单位有关规定执行（工作方案第五部分）。".to_string(),
        "住宿、伙食标准为实例参数 lodging_per_day、meal_per_day（PLANNING_RULES §4 默认 350、100 元/天）；派出单位标准不同的，修改实例参数后重新生成，或在工作簿“测算依据”表中修改，金额随之重算。".to_string(),
        "金额按分四舍五入；小计为本单位各行之和，合计为各单位小计之和。".to_string(),
        format!("数据来源：计划“{}”（PLANNING_RULES v{}）中各干部的工作组、集中下沉时段、每周工作日、公路里程与往返次数。", plan.instance, plan.contract),
    ]
}

/// Per-cadre columns of a unit's table, as the .docx prints them, with widths (A4 landscape).
pub const DOCX_COLUMNS: [(&str, usize); 12] = [
    ("序号", 500),
    ("姓名", 1000),
    ("层级", 700),
    ("工作组", 1200),
    ("集中下沉月份", 2200),
    ("每周工作日", 1000),
    ("单程公路里程（公里）", 1100),
    ("往返次数（集中＋“4+1”）", 1700),
    ("交通费（元）", 1350),
    ("驻点天数", 900),
    ("驻点费（元）", 1400),
    ("合计（元）", 1450),
];

/// The columns of the first page's table of units.
const SUMMARY_COLUMNS: [(&str, usize); 7] = [
    ("序号", 800),
    ("派出单位", 4500),
    ("层级", 1200),
    ("人数", 1200),
    ("交通费（元）", 2200),
    ("驻点费（元）", 2200),
    ("合计（元）", 2400),
];

/// The budget of [`budget`] as a .docx, A4 landscape: the units and the total with the
/// 测算依据 on the first page, then each unit's cadres on a page of its own, with its subtotal
/// and the formula.
pub fn budget_docx(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Result<Vec<u8>, FilesError> {
    let b = budget(inst, plan, scope)?;
    let p = &b.parameters;
    let mut d = doc::document(true)
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(doc::run(&b.title, SUBTITLE_SIZE).bold()))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(doc::run(&b.subtitle, SMALL_TEXT_SIZE)))
        .add_paragraph(Paragraph::new());
    let row = |cells: Vec<String>, columns: &[(&str, usize)], bold: bool| {
        TableRow::new(cells.iter().zip(columns).map(|(t, (_, w))| doc::cell(t, *w, SMALL_TABLE_SIZE, bold)).collect())
            .cant_split()
    };
    let head = |columns: &[(&str, usize)]| row(columns.iter().map(|(h, _)| h.to_string()).collect(), columns, true);
    let mut rows = vec![head(&SUMMARY_COLUMNS)];
    for (i, u) in b.units.iter().enumerate() {
        rows.push(row(
            vec![
                (i + 1).to_string(),
                u.unit.clone(),
                u.level.zh().to_string(),
                u.rows.len().to_string(),
                yuan_text(u.travel),
                yuan_text(u.stay),
                yuan_text(u.total),
            ],
            &SUMMARY_COLUMNS,
            false,
        ));
    }
    let cadres: usize = b.units.iter().map(|u| u.rows.len()).sum();
    rows.push(row(
        vec![
            String::new(),
            format!("合计（{} 个派出单位）", b.units.len()),
            String::new(),
            cadres.to_string(),
            yuan_text(b.travel),
            yuan_text(b.stay),
            yuan_text(b.total),
        ],
        &SUMMARY_COLUMNS,
        true,
    ));
    d = d
        .add_table(Table::new(rows).set_grid(SUMMARY_COLUMNS.iter().map(|(_, w)| *w).collect()))
        .add_paragraph(Paragraph::new())
        .add_paragraph(doc::para("测算依据：", SMALL_TABLE_SIZE + 2).bold());
    for (i, n) in b.notes.iter().enumerate() {
        d = d.add_paragraph(doc::para(&format!("{}. {n}", i + 1), SMALL_TABLE_SIZE));
    }
    d = d.add_paragraph(Paragraph::new()).add_paragraph(doc::para(
        &format!("编制单位（盖章）：{}　　　　　　　　　　编制日期：　　　　年　　月　　日", b.committee),
        SMALL_TEXT_SIZE,
    ));
    let formula = format!(
        "计算公式：交通费 = 往返次数 × 2 × 单程公路里程 × {} 元/公里；驻点费 = 驻点天数 × {} 元/天（住宿 {} + 伙食 {}）；集中下沉往返次数 = 集中下沉月数 × {} 次/月。",
        count_text(p.fare_per_km),
        count_text(p.lodging_per_day + p.meal_per_day),
        count_text(p.lodging_per_day),
        count_text(p.meal_per_day),
        p.trips_per_month
    );
    for u in &b.units {
        d = d
            .add_paragraph(
                Paragraph::new()
                    .page_break_before(true)
                    .align(AlignmentType::Center)
                    .add_run(doc::run(&format!("{}下沉干部经费测算明细", u.unit), SMALL_TEXT_SIZE + 4).bold()),
            )
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(doc::run(&b.subtitle, TABLE_SIZE)))
            .add_paragraph(doc::para(&formula, SMALL_TABLE_SIZE));
        let mut rows = vec![head(&DOCX_COLUMNS)];
        for (i, r) in u.rows.iter().enumerate() {
            rows.push(row(
                vec![
                    (i + 1).to_string(),
                    r.name.clone(),
                    r.level.zh().to_string(),
                    r.county_name.clone(),
                    r.months.join("\n"),
                    r.weekdays.clone(),
                    format!("{:.2}", r.road_km),
                    format!(
                        "{} ＋ {} ＝ {}",
                        count_text(r.block_trips),
                        count_text(r.weekly_trips),
                        count_text(r.round_trips)
                    ),
                    yuan_text(r.travel),
                    r.stay_days.to_string(),
                    yuan_text(r.stay),
                    yuan_text(r.total),
                ],
                &DOCX_COLUMNS,
                false,
            ));
        }
        let months: u32 = u.rows.iter().map(|r| r.block_months).sum();
        let days: u32 = u.rows.iter().map(|r| r.stay_days).sum();
        rows.push(row(
            vec![
                String::new(),
                "小计".into(),
                format!("{}人", u.rows.len()),
                String::new(),
                format!("共 {months} 个月"),
                String::new(),
                String::new(),
                count_text(u.rows.iter().map(|r| r.round_trips).sum()),
                yuan_text(u.travel),
                days.to_string(),
                yuan_text(u.stay),
                yuan_text(u.total),
            ],
            &DOCX_COLUMNS,
            true,
        ));
        d = d.add_table(Table::new(rows).set_grid(DOCX_COLUMNS.iter().map(|(_, w)| *w).collect()));
    }
    doc::pack(d)
}

/// The per-cadre columns of a unit's sheet.
pub const SHEET_HEADERS: [&str; 15] = [
    "序号",
    "姓名",
    "层级",
    "工作组",
    "集中下沉月份",
    "集中下沉月数",
    "每周工作日",
    "单程公路里程（公里）",
    "集中下沉往返次数",
    "“4+1”往返次数",
    "往返次数合计",
    "交通费（元）",
    "驻点天数",
    "驻点费（元）",
    "合计（元）",
];

/// The columns of the 汇总 sheet.
pub const SUMMARY_HEADERS: [&str; 7] =
    ["序号", "派出单位", "层级", "人数", "交通费（元）", "驻点费（元）", "合计（元）"];

const SUMMARY: &str = "汇总";
const BASIS: &str = "测算依据";
/// Rows above the data on the 汇总 and unit sheets: title, subtitle, header.
const TOP: u32 = 3;

/// The parameters on the 测算依据 sheet, each with its cell (column B, rows 2…).
const PARAMETERS: [&str; 7] = [
    "每公里票价（元/公里）",
    "每个集中下沉月往返次数（次）",
    "住宿标准（元/天）",
    "伙食补助标准（元/天）",
    "公路系数",
    "每年计划周数（周）",
    "每个集中下沉月折算周数（周）",
];

/// `'sheet'!$B$n`: the absolute reference to parameter `i` of [`PARAMETERS`].
fn param_ref(i: usize) -> String {
    format!("'{BASIS}'!$B${}", i + 2)
}

/// A sheet name quoted for a formula.
fn quoted(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

/// Column letter of a 0-based column (up to Z).
fn col(c: u16) -> char {
    (b'A' + c as u8) as char
}

/// The budget of [`budget`] as an xlsx workbook: 汇总 (a row per unit, its figures taken from
/// the unit's sheet, and the 合计), one sheet per unit ([`SHEET_HEADERS`], a 小计 row and the
/// formula), and 测算依据 (the parameters in column B, and the notes). Trips, travel, stay and
/// totals are formulas over the row's cells and the parameters, with their values stored, so
/// the workbook shows the numbers before any recalculation and follows a changed parameter.
pub fn budget_xlsx(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Result<Vec<u8>, FilesError> {
    let b = budget(inst, plan, scope)?;
    let p = &b.parameters;
    let mut wb = Workbook::new();
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
    let fmt = Formats {
        title: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
        subtitle: Format::new().set_align(FormatAlign::Center),
        head: border(Format::new().set_bold().set_align(FormatAlign::Center).set_background_color("#F2F2F2")),
        text: border(Format::new()),
        centred: border(Format::new().set_align(FormatAlign::Center)),
        number: border(Format::new().set_num_format("0.##")),
        km: border(Format::new().set_num_format("0.00")),
        money: border(Format::new().set_num_format("#,##0.00")),
        bold_money: border(Format::new().set_bold().set_num_format("#,##0.00")),
        bold: border(Format::new().set_bold()),
        note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    };
    let mut taken: HashSet<String> = [SUMMARY, BASIS].iter().map(|s| s.to_lowercase()).collect();
    let names: Vec<String> = b.units.iter().map(|u| unique_sheet_name(&u.unit, "", &mut taken)).collect();

    let summary = wb.add_worksheet();
    summary.set_name(SUMMARY)?;
    header(summary, &b.title, &b.subtitle, &SUMMARY_HEADERS, &fmt)?;
    let subtotal_row = |u: &UnitBudget| TOP + u.rows.len() as u32 + 1;
    for (i, (u, name)) in b.units.iter().zip(&names).enumerate() {
        let r = TOP + i as u32;
        summary.write_number_with_format(r, 0, (i + 1) as f64, &fmt.centred)?;
        summary.write_string_with_format(r, 1, &u.unit, &fmt.text)?;
        summary.write_string_with_format(r, 2, u.level.zh(), &fmt.centred)?;
        summary.write_number_with_format(r, 3, u.rows.len() as f64, &fmt.centred)?;
        for (c, from, value) in [(4, 11, u.travel), (5, 13, u.stay), (6, 14, u.total)] {
            let f = format!("={}!{}{}", quoted(name), col(from), subtotal_row(u));
            summary.write_formula_with_format(r, c, Formula::new(f).set_result(yuan(value).to_string()), &fmt.money)?;
        }
    }
    let total_row = TOP + b.units.len() as u32;
    summary.write_string_with_format(total_row, 0, "合计", &fmt.bold)?;
    summary.write_string_with_format(total_row, 1, format!("{} 个派出单位", b.units.len()), &fmt.bold)?;
    summary.write_string_with_format(total_row, 2, "", &fmt.bold)?;
    let cadres: usize = b.units.iter().map(|u| u.rows.len()).sum();
    let sum = |c: u16| format!("=SUM({0}{1}:{0}{2})", col(c), TOP + 1, total_row.max(TOP + 1));
    summary.write_formula_with_format(total_row, 3, Formula::new(sum(3)).set_result(cadres.to_string()), &fmt.bold)?;
    for (c, value) in [(4, b.travel), (5, b.stay), (6, b.total)] {
        summary.write_formula_with_format(
            total_row,
            c,
            Formula::new(sum(c)).set_result(yuan(value).to_string()),
            &fmt.bold_money,
        )?;
    }
    let note_row = total_row + 2;
    summary.merge_range(
        note_row,
        0,
        note_row,
        SUMMARY_HEADERS.len() as u16 - 1,
        "各单位金额取自各单位工作表的小计行；计算公式与参数见“测算依据”表。",
        &fmt.note,
    )?;
    summary.merge_range(
        note_row + 2,
        0,
        note_row + 2,
        SUMMARY_HEADERS.len() as u16 - 1,
        &format!("编制单位（盖章）：{}　　　　编制日期：　　　　年　　月　　日", b.committee),
        &Format::new(),
    )?;
    for (c, w) in [8.0, 34.0, 8.0, 8.0, 16.0, 16.0, 16.0].iter().enumerate() {
        summary.set_column_width(c as u16, *w)?;
    }
    for_print(summary)?;

    for (u, name) in b.units.iter().zip(&names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        write_unit(ws, &b, u, &fmt)?;
    }

    let basis = wb.add_worksheet();
    basis.set_name(BASIS)?;
    for (c, h) in ["项目", "数值", "来源"].iter().enumerate() {
        basis.write_string_with_format(0, c as u16, *h, &fmt.head)?;
    }
    let values = [
        (p.fare_per_km, "fare_per_km"),
        (f64::from(p.trips_per_month), "trips_per_month（工作方案第五部分：每月不超过2次）"),
        (p.lodging_per_day, "lodging_per_day"),
        (p.meal_per_day, "meal_per_day"),
        (p.road_factor, "road_factor"),
        (p.weeks_per_year, "weeks_per_year"),
        (WEEKS_PER_BLOCK_MONTH, "PLANNING_RULES §4：4.3 × 集中下沉月数"),
    ];
    for (i, (label, (value, source))) in PARAMETERS.iter().zip(values).enumerate() {
        let r = i as u32 + 1;
        basis.write_string_with_format(r, 0, *label, &fmt.text)?;
        basis.write_number_with_format(r, 1, value, &fmt.number)?;
        basis.write_string_with_format(r, 2, format!("计划参数 {source}"), &fmt.text)?;
    }
    let first_note = PARAMETERS.len() as u32 + 2;
    basis.write_string_with_format(first_note, 0, "测算依据", &fmt.head)?;
    for (i, n) in b.notes.iter().enumerate() {
        let r = first_note + 1 + i as u32;
        basis.merge_range(r, 0, r, 2, &format!("{}. {n}", i + 1), &fmt.note)?;
        basis.set_row_height(r, 32)?;
    }
    basis.set_column_width(0, 30)?;
    basis.set_column_width(1, 10)?;
    basis.set_column_width(2, 60)?;
    basis.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
    Ok(wb.save_to_buffer()?)
}

/// The cell formats of the budget workbook.
struct Formats {
    title: Format,
    subtitle: Format,
    head: Format,
    text: Format,
    centred: Format,
    number: Format,
    km: Format,
    money: Format,
    bold_money: Format,
    bold: Format,
    note: Format,
}

/// Title, subtitle and header rows across `headers`.
fn header(ws: &mut Worksheet, title: &str, subtitle: &str, headers: &[&str], fmt: &Formats) -> Result<(), FilesError> {
    let last = headers.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &fmt.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, last, subtitle, &fmt.subtitle)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(TOP - 1, c as u16, *h, &fmt.head)?;
    }
    ws.set_row_height(TOP - 1, 30)?;
    ws.set_freeze_panes(TOP, 0)?;
    Ok(())
}

/// A4 landscape, one page wide, the top rows on every page, page numbers at the foot.
fn for_print(ws: &mut Worksheet) -> Result<(), FilesError> {
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_center_horizontally(true);
    ws.set_repeat_rows(0, TOP - 1)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// One unit's sheet: a row per cadre with formulas for trips and money, the 小计 row, the formula.
fn write_unit(ws: &mut Worksheet, b: &Budget, u: &UnitBudget, fmt: &Formats) -> Result<(), FilesError> {
    header(ws, &format!("{}下沉干部经费测算明细", u.unit), &b.subtitle, &SHEET_HEADERS, fmt)?;
    let (fare, trips, lodging, meal) = (param_ref(0), param_ref(1), param_ref(2), param_ref(3));
    for (i, r) in u.rows.iter().enumerate() {
        let row = TOP + i as u32;
        let n = row + 1;
        ws.write_number_with_format(row, 0, (i + 1) as f64, &fmt.centred)?;
        ws.write_string_with_format(row, 1, &r.name, &fmt.centred)?;
        ws.write_string_with_format(row, 2, r.level.zh(), &fmt.centred)?;
        ws.write_string_with_format(row, 3, &r.county_name, &fmt.text)?;
        ws.write_string_with_format(row, 4, r.months.join("\n"), &fmt.text)?;
        ws.write_number_with_format(row, 5, f64::from(r.block_months), &fmt.number)?;
        ws.write_string_with_format(row, 6, &r.weekdays, &fmt.centred)?;
        ws.write_number_with_format(row, 7, r.road_km, &fmt.km)?;
        let formulas = [
            (8, format!("=F{n}*{trips}"), r.block_trips.to_string(), &fmt.number),
            (10, format!("=I{n}+J{n}"), r.round_trips.to_string(), &fmt.number),
            (11, format!("=ROUND(K{n}*2*H{n}*{fare},2)"), yuan(r.travel).to_string(), &fmt.money),
            (13, format!("=ROUND(M{n}*({lodging}+{meal}),2)"), yuan(r.stay).to_string(), &fmt.money),
            (14, format!("=L{n}+N{n}"), yuan(r.total).to_string(), &fmt.money),
        ];
        ws.write_number_with_format(row, 9, r.weekly_trips, &fmt.number)?;
        ws.write_number_with_format(row, 12, f64::from(r.stay_days), &fmt.number)?;
        for (c, f, value, format) in formulas {
            ws.write_formula_with_format(row, c, Formula::new(f).set_result(value), format)?;
        }
    }
    let total = TOP + u.rows.len() as u32;
    let (first, last) = (TOP + 1, total.max(TOP + 1));
    ws.write_string_with_format(total, 0, "小计", &fmt.bold)?;
    ws.write_string_with_format(total, 1, format!("{} 人", u.rows.len()), &fmt.bold)?;
    for c in [2, 3, 4, 6, 7] {
        ws.write_string_with_format(total, c, "", &fmt.bold)?;
    }
    let sums: [(u16, f64, &Format); 8] = [
        (5, u.rows.iter().map(|r| f64::from(r.block_months)).sum(), &fmt.bold),
        (8, u.rows.iter().map(|r| r.block_trips).sum(), &fmt.bold),
        (9, u.rows.iter().map(|r| r.weekly_trips).sum(), &fmt.bold),
        (10, u.rows.iter().map(|r| r.round_trips).sum(), &fmt.bold),
        (11, yuan(u.travel), &fmt.bold_money),
        (12, u.rows.iter().map(|r| f64::from(r.stay_days)).sum(), &fmt.bold),
        (13, yuan(u.stay), &fmt.bold_money),
        (14, yuan(u.total), &fmt.bold_money),
    ];
    for (c, value, format) in sums {
        let f = format!("=SUM({0}{first}:{0}{last})", col(c));
        ws.write_formula_with_format(total, c, Formula::new(f).set_result(value.to_string()), format)?;
    }
    let p = &b.parameters;
    let note = format!(
        "计算公式：集中下沉往返次数 = 集中下沉月数 × {} 次/月（工作方案第五部分：每月不超过2次）；往返次数合计 = 集中下沉往返次数 + “4+1”往返次数；交通费 = 往返次数合计 × 2 × 单程公路里程 × {} 元/公里；驻点费 = 驻点天数 × （住宿 {} + 伙食 {}）元/天；参数见“测算依据”表。",
        p.trips_per_month,
        count_text(p.fare_per_km),
        count_text(p.lodging_per_day),
        count_text(p.meal_per_day)
    );
    ws.merge_range(total + 2, 0, total + 2, SHEET_HEADERS.len() as u16 - 1, &note, &fmt.note)?;
    ws.set_row_height(total + 2, 45)?;
    let widths = [6.0, 9.0, 6.0, 10.0, 22.0, 8.0, 9.0, 10.0, 9.0, 9.0, 9.0, 13.0, 7.0, 13.0, 13.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for_print(ws)
}
