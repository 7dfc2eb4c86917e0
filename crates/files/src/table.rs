//! The plan as the table a city committee files to the province (one row per cadre).

use sanlian_model::{Cadre, Group, Instance, Plan, YearAssignment};

/// Column headers, in Chinese as filed.
pub const HEADERS: [&str; 15] = [
    "市",
    "工作组",
    "组长",
    "姓名",
    "编号",
    "单位",
    "级别",
    "副处级以上",
    "第一年联系乡镇",
    "第二年联系乡镇",
    "下沉时段",
    "性别",
    "职务",
    "联系电话",
    "备注",
];

/// One cadre's row of the table, in the order of [`HEADERS`].
pub(crate) struct Row<'a> {
    /// The cadre's group.
    pub group: &'a Group,
    /// The cadre.
    pub cadre: &'a Cadre,
    /// The cadre's years in the plan.
    pub years: &'a [YearAssignment],
    /// The cells, one per header.
    pub cells: [String; 15],
}

/// The rows of the table: groups in plan (county) order, the leader first, then the members
/// in roster order. Cadres or assignments the instance does not know are left out.
pub(crate) fn rows<'a>(inst: &'a Instance, plan: &'a Plan) -> Vec<Row<'a>> {
    let cadre = |id: &str| inst.cadres.iter().find(|c| c.id == id);
    let city_name = |code: &str| {
        inst.region.cities.iter().find(|c| c.code == code).map(|c| c.name.clone()).unwrap_or_else(|| code.to_string())
    };
    let township_name = |code: &str| {
        inst.region
            .townships
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = Vec::new();
    for g in &plan.groups {
        let leader_name = g.leader.as_deref().and_then(cadre).map(|c| c.name.as_str()).unwrap_or("");
        let mut members: Vec<&str> = g.members.iter().map(String::as_str).collect();
        members.sort_by_key(|id| Some(*id) != g.leader.as_deref());
        for id in members {
            let (Some(c), Some(a)) = (cadre(id), plan.assignments.iter().find(|a| a.cadre == id)) else { continue };
            let year = |y: i32| a.years.iter().find(|ya| ya.year == y);
            let town = |y: i32| year(y).map(|ya| township_name(&ya.township)).unwrap_or_else(|| "—".into());
            let periods: Vec<String> = a
                .years
                .iter()
                .flat_map(|ya| {
                    let blocks = ya.blocks.iter().map(|b| format!("{}–{}", b.first_day, b.last_day));
                    let weekday = ya.weekday.map(|d| format!("{} 每周{}", ya.year, weekday_zh(d)));
                    blocks.chain(weekday)
                })
                .collect();
            let cells = [
                city_name(&g.city),
                g.county_name.clone(),
                leader_name.to_string(),
                c.name.clone(),
                c.id.clone(),
                c.unit.clone(),
                c.level.zh().to_string(),
                if c.senior { "是" } else { "否" }.to_string(),
                town(plan.first_year),
                town(plan.first_year + 1),
                periods.join("；"),
                c.gender.clone().unwrap_or_default(),
                c.title.clone().unwrap_or_default(),
                c.phone.clone().unwrap_or_default(),
                c.note.clone().unwrap_or_default(),
            ];
            out.push(Row { group: g, cadre: c, years: &a.years, cells });
        }
    }
    out
}

/// CSV (UTF-8 with a byte-order mark, so spreadsheet programs show the Chinese as it is):
/// one row per cadre, groups in county order, the leader first.
pub fn csv(inst: &Instance, plan: &Plan) -> String {
    csv_of(inst, plan, None)
}

/// [`csv`] of the groups of one city (its code; `None`: every city).
pub fn csv_of(inst: &Instance, plan: &Plan, city: Option<&str>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut records = vec![HEADERS.map(String::from)];
    records.extend(rows(inst, plan).into_iter().filter(|r| city.is_none_or(|c| r.group.city == c)).map(|r| r.cells));
    for record in &records {
        // Writing to memory cannot fail.
        let _ = w.write_record(record.iter().map(|cell| crate::cells::neutralise(cell).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

/// The Chinese name of a weekday, as in "每周三".
pub(crate) fn weekday_zh(d: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match d {
        Mon => "一",
        Tue => "二",
        Wed => "三",
        Thu => "四",
        Fri => "五",
        Sat => "六",
        Sun => "日",
    }
}
