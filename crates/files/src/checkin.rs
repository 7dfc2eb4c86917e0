//! 报到: when and where each cadre reports to the county it serves (work plan §六.2: 共同做好
//! 工作组人员的报到工作), and the 报到名单, one page per county group with a column to sign.
//!
//! The instance carries no 报到 date, so the plan's own calendar gives it: a cadre reports on
//! its first working day on site — the first working day of its first block (province, city,
//! and the mixed mode's block month when it comes first), or its first "4+1" weekday once the
//! on-site window of its first active year opens (county cadres). The place is the county's
//! Party organisation department, to which the 函告 letter is addressed.

use chrono::{Datelike, Duration, NaiveDate};
use docx_rs::{AlignmentType, HeightRule, Paragraph, Table, TableRow};
use sanlian_model::{Cadre, Instance, Parameters, Plan, YearAssignment};

use crate::doc::{self, SMALL_TEXT_SIZE, SUBTITLE_SIZE, TABLE_SIZE};
use crate::table::{self, Row};
use crate::{FilesError, Scope};

/// What a cadre's 报到 day is the first day of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Its first block (集中下沉时段).
    Block,
    /// Its first weekly "4+1" day.
    Weekly,
}

/// When a cadre reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The day.
    pub day: NaiveDate,
    /// Why that day.
    pub basis: Basis,
}

/// Whether `day` is a working day for 报到: Monday to Friday, outside the May Day and National
/// Day holidays as they are usually arranged (5月1日–5日, 10月1日–7日). The State Council's
/// yearly notice of holidays is not known when the plan is made.
pub fn is_working_day(day: NaiveDate) -> bool {
    let holiday = (day.month() == 5 && day.day() <= 5) || (day.month() == 10 && day.day() <= 7);
    day.weekday().num_days_from_monday() < 5 && !holiday
}

/// The day `cadre` reports, from its years in the plan: the earlier of its first block's
/// first working day (its first day when the block has none) and its first weekly day (the
/// first of its weekday that is a working day on or after the window's first day, and on or
/// after the day it joins, inside the window and its service). `None` when the plan gives it
/// no day on site.
pub fn report_day(params: &Parameters, cadre: &Cadre, years: &[YearAssignment]) -> Option<Report> {
    let blocks = years
        .iter()
        .flat_map(|y| y.blocks.iter())
        .map(|b| {
            let day = b.first_day.iter_days().take_while(|d| *d <= b.last_day).find(|d| is_working_day(*d));
            Report { day: day.unwrap_or(b.first_day), basis: Basis::Block }
        })
        .min_by_key(|r| r.day);
    let weekly = years
        .iter()
        .filter_map(|y| {
            let weekday = y.weekday?;
            let open = NaiveDate::from_ymd_opt(y.year, params.window_first_month, 1)?;
            let close = sanlian_model::cost::month_days(y.year, params.window_last_month).1;
            let start = cadre.from.map_or(open, |f| f.max(open));
            let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
            let first = start + Duration::days(ahead.into());
            let day = first.iter_weeks().take_while(|d| *d <= close).find(|d| is_working_day(*d))?;
            cadre.until.is_none_or(|u| day < u).then_some(Report { day, basis: Basis::Weekly })
        })
        .min_by_key(|r| r.day);
    match (blocks, weekly) {
        (Some(b), Some(w)) => Some(if w.day < b.day { w } else { b }),
        (b, w) => b.or(w),
    }
}

/// A day as the lists write it: "2027年3月3日".
pub fn day_text(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// "周三".
fn weekday_text(day: NaiveDate) -> String {
    format!("周{}", table::weekday_zh(day.weekday()))
}

/// The columns of the 报到名单, with their widths in twentieths of a point (together the width
/// of A4 portrait between 2 cm margins).
pub const COLUMNS: [(&str, usize); 7] = [
    ("序号", 700),
    ("姓名", 1100),
    ("层级", 800),
    ("单位及职务", 1900),
    ("联系电话", 1500),
    ("报到日期", 2300),
    ("签到", 1300),
];

/// The 报到 list of one county group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinList {
    /// The county's code.
    pub county: String,
    /// The county's city's code.
    pub city: String,
    /// "历下区“三联四促”工作组报到名单".
    pub title: String,
    /// Where the group reports: "中共济南市历下区委组织部".
    pub place: String,
    /// The group's leader, "徐晴刚（团东营市委）".
    pub leader: String,
    /// One row per cadre (leader first, as in the letter), in the order of [`COLUMNS`]; the
    /// 签到 cell is empty, for the signature.
    pub rows: Vec<[String; 7]>,
    /// Each row's 报到 day (`None`: the plan gives the cadre no day on site).
    pub days: Vec<Option<Report>>,
}

/// The 报到 lists of the groups in `scope`, one per county group in plan order.
pub fn checkin_lists(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Vec<CheckinList> {
    let rows = table::rows(inst, plan);
    let mut out = Vec::new();
    for g in plan.groups.iter().filter(|g| scope.holds(g)) {
        let group: Vec<&Row<'_>> = rows.iter().filter(|r| r.group.county == g.county).collect();
        let city = inst.region.cities.iter().find(|c| c.code == g.city).map_or(g.city.as_str(), |c| c.name.as_str());
        let days: Vec<Option<Report>> = group.iter().map(|r| report_day(&plan.parameters, r.cadre, r.years)).collect();
        let leader = group
            .iter()
            .find(|r| Some(r.cadre.id.as_str()) == g.leader.as_deref())
            .map(|l| {
                let unit = crate::letters::unit_and_title(l).map(|u| format!("（{u}）")).unwrap_or_default();
                format!("{}{unit}", l.cadre.name)
            })
            .unwrap_or_default();
        let list_rows = group
            .iter()
            .zip(&days)
            .enumerate()
            .map(|(i, (r, day))| {
                [
                    (i + 1).to_string(),
                    r.cadre.name.clone(),
                    r.cadre.level.zh().to_string(),
                    crate::letters::unit_and_title(r).unwrap_or_default(),
                    r.cadre.phone.clone().unwrap_or_default(),
                    day.map_or_else(String::new, |d| format!("{} {}", day_text(d.day), weekday_text(d.day))),
                    String::new(),
                ]
            })
            .collect();
        out.push(CheckinList {
            county: g.county.clone(),
            city: g.city.clone(),
            title: format!("{}“三联四促”工作组报到名单", g.county_name),
            place: format!("{}组织部", doc::county_committee(city, &g.county_name)),
            leader,
            rows: list_rows,
            days,
        });
    }
    out
}

/// The note under every list: what its 报到日期 is.
pub const DATE_NOTE: &str = "注：报到日期为本人首个下沉工作日：集中下沉的，为首个集中下沉时段的第一个工作日；实行“4+1”模式的，为下沉工作开始后本人首个每周工作日。工作日指周一至周五，不含5月1日至5日、10月1日至7日；遇国务院当年节假日安排调整的，以实际安排为准。";

/// Each list's rows are at least this high (twentieths of a point), so that there is room to
/// sign; lower, down to a line and a half, when a large group would not fit on its page.
const SIGN_ROW: f32 = 620.0;
const LEAST_ROW: f32 = 400.0;
/// The height of an A4 portrait page left for the header row and the rows, under the title and
/// above the notes: a group of up to 24 fits on one page.
const ROWS_HEIGHT: f32 = 10000.0;

/// The 报到 lists of [`checkin_lists`] as one .docx, a county group a page, A4 portrait.
pub fn checkin_docx(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Result<Vec<u8>, FilesError> {
    let lists = checkin_lists(inst, plan, scope);
    let mut d = doc::document(false);
    for (i, l) in lists.iter().enumerate() {
        let mut title = Paragraph::new().align(AlignmentType::Center).add_run(doc::run(&l.title, SUBTITLE_SIZE).bold());
        if i > 0 {
            title = title.page_break_before(true);
        }
        d = d
            .add_paragraph(title)
            .add_paragraph(Paragraph::new())
            .add_paragraph(doc::para(&format!("报到地点：{}", l.place), SMALL_TEXT_SIZE))
            .add_paragraph(doc::para(&format!("组　　长：{}", l.leader), SMALL_TEXT_SIZE))
            .add_paragraph(Paragraph::new());
        let height = (ROWS_HEIGHT / (l.rows.len() + 1) as f32).clamp(LEAST_ROW, SIGN_ROW);
        let row = |cells: Vec<docx_rs::TableCell>| {
            TableRow::new(cells).row_height(height).height_rule(HeightRule::AtLeast).cant_split()
        };
        let mut rows = vec![row(COLUMNS.iter().map(|(h, w)| doc::cell(h, *w, TABLE_SIZE, true)).collect())];
        rows.extend(
            l.rows
                .iter()
                .map(|r| row(r.iter().zip(COLUMNS).map(|(t, (_, w))| doc::cell(t, w, TABLE_SIZE, false)).collect())),
        );
        d = d
            .add_table(Table::new(rows).set_grid(COLUMNS.iter().map(|(_, w)| *w).collect()))
            .add_paragraph(Paragraph::new())
            .add_paragraph(doc::para(DATE_NOTE, TABLE_SIZE))
            .add_paragraph(Paragraph::new())
            .add_paragraph(doc::para(
                "经办人（签字）：　　　　　　　　　　　　　　　　　　　年　　月　　日",
                SMALL_TEXT_SIZE,
            ));
    }
    if lists.is_empty() {
        d = d.add_paragraph(doc::para("本方案在此范围内没有工作组，无需报到。", SMALL_TEXT_SIZE));
    }
    doc::pack(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use sanlian_model::{Block, Level, Point};

    fn cadre() -> Cadre {
        Cadre::new("C1", "甲", Level::County, "团某县委", Point { lat: 36.0, lon: 117.0 })
    }

    fn year(year: i32, months: &[u32], weekday: Option<Weekday>) -> YearAssignment {
        let blocks = months
            .iter()
            .map(|&m| {
                let (first_day, last_day) = sanlian_model::cost::month_days(year, m);
                Block { month: format!("{year}-{m:02}"), first_day, last_day }
            })
            .collect();
        YearAssignment { year, township: "t".into(), blocks, weekday }
    }

    #[test]
    fn a_cadre_reports_on_its_first_day_on_site() {
        let p = Parameters::default();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // Blocks: the first block's first working day, whatever the order of the years' blocks:
        // 2027-09-01 is a Wednesday.
        let blocks = [year(2027, &[9, 11], None), year(2028, &[3, 4], None)];
        assert_eq!(report_day(&p, &cadre(), &blocks), Some(Report { day: d(2027, 9, 1), basis: Basis::Block }));
        // 2027-05-01 is a Saturday in the May Day holiday: Thursday 05-06.
        let may = [year(2027, &[5, 9], None)];
        assert_eq!(report_day(&p, &cadre(), &may).unwrap().day, d(2027, 5, 6));
        // National Day: 2027-10-08, a Friday.
        let october = [year(2027, &[10, 12], None)];
        assert_eq!(report_day(&p, &cadre(), &october).unwrap().day, d(2027, 10, 8));
        // 2028-04-01 is a Saturday: Monday 04-03.
        let april = [year(2028, &[4], None)];
        assert_eq!(report_day(&p, &cadre(), &april).unwrap().day, d(2028, 4, 3));
        // 4+1 on Wednesdays: 2027-03-01 is a Monday, so the first Wednesday is 03-03.
        let weekly = [year(2027, &[], Some(Weekday::Wed)), year(2028, &[], Some(Weekday::Wed))];
        assert_eq!(report_day(&p, &cadre(), &weekly), Some(Report { day: d(2027, 3, 3), basis: Basis::Weekly }));
        // On Mondays: the window's first day itself.
        let monday = [year(2027, &[], Some(Weekday::Mon))];
        assert_eq!(report_day(&p, &cadre(), &monday).unwrap().day, d(2027, 3, 1));
        // Mixed: the weekly day comes before the block month.
        let mixed = [year(2027, &[6], Some(Weekday::Fri))];
        assert_eq!(report_day(&p, &cadre(), &mixed), Some(Report { day: d(2027, 3, 5), basis: Basis::Weekly }));
        // A block in March comes first.
        let early = [year(2027, &[3], Some(Weekday::Fri))];
        assert_eq!(report_day(&p, &cadre(), &early), Some(Report { day: d(2027, 3, 1), basis: Basis::Block }));
        // Active in the second year only.
        let second = [year(2028, &[], Some(Weekday::Tue))];
        assert_eq!(report_day(&p, &cadre(), &second).unwrap().day, d(2028, 3, 7));
        // A joiner from 2027-07-14 (a Wednesday) on Thursdays: 07-15.
        let mut joiner = cadre();
        joiner.from = Some(d(2027, 7, 14));
        let thursdays = [year(2027, &[], Some(Weekday::Thu))];
        assert_eq!(report_day(&p, &joiner, &thursdays).unwrap().day, d(2027, 7, 15));
        assert_eq!(report_day(&p, &joiner, &weekly).unwrap().day, d(2027, 7, 14));
        // A joiner on Mondays from 2027-09-28: 10-04 falls in the National Day holiday, 10-11.
        let mut october_joiner = cadre();
        october_joiner.from = Some(d(2027, 9, 28));
        let mondays = [year(2027, &[], Some(Weekday::Mon))];
        assert_eq!(report_day(&p, &october_joiner, &mondays).unwrap().day, d(2027, 10, 11));
        // A leaver gone before its first weekday of a year is not on site that year.
        let mut leaver = cadre();
        leaver.until = Some(d(2027, 3, 2));
        assert_eq!(report_day(&p, &leaver, &weekly[..1]), None);
        assert_eq!(report_day(&p, &cadre(), &[year(2027, &[], None)]), None);
        assert_eq!(day_text(d(2027, 3, 3)), "2027年3月3日");
    }
}
