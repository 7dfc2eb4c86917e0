//! 函告: the letters in which a city committee informs each county's Party organisation
//! department of the working group sent to it (work plan §六: 分组名单确定后，团市委要及时将
//! 下沉工作安排函告所辖县（市、区）党委组织部门，共同做好工作组人员的报到工作).
//!
//! [`letters`] gives the letters' words, one per county group; [`letters_docx`] lays them out
//! as one Word document, a letter a page, A4 portrait, ready to print and seal.

use docx_rs::{AlignmentType, Paragraph, Table, TableRow};
use sanlian_model::{Instance, Plan};

use crate::checkin::{self, Basis};
use crate::doc::{self, SMALL_TABLE_SIZE, TEXT_SIZE, TITLE_SIZE};
use crate::table::{self, Row};
use crate::workbook::weekdays;
use crate::{FilesError, Scope};

/// The columns of a letter's list of the group, with their widths in twentieths of a point
/// (together the width of A4 between 2 cm margins).
pub const COLUMNS: [(&str, usize); 8] = [
    ("序号", 500),
    ("姓名", 1100),
    ("单位及职务", 1500),
    ("第一年联系乡镇", 1150),
    ("第二年联系乡镇", 1150),
    ("集中下沉时段", 1900),
    ("每周工作日", 900),
    ("联系电话", 1380),
];

/// One letter: to the Party organisation department of one county, about its group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The county's code.
    pub county: String,
    /// The county's city's code.
    pub city: String,
    /// "关于“三联四促”常态化下沉基层工作组到历下区开展工作的函".
    pub title: String,
    /// "中共济南市历下区委组织部：".
    pub to: String,
    /// The letter's paragraphs before the list: the group, its work, its 报到 (date and place),
    /// the list's heading.
    pub body: Vec<String>,
    /// The group, one row per cadre (leader first), in the order of [`COLUMNS`].
    pub rows: Vec<[String; 8]>,
    /// The sender, "共青团济南市委", above the date line.
    pub from: String,
}

/// The letters of `plan`, one per county group in plan order; `city` (a code or a name, see
/// [`crate::find_city`]) keeps that city's only.
pub fn letters(inst: &Instance, plan: &Plan, city: Option<&str>) -> Result<Vec<Letter>, FilesError> {
    Ok(letters_in(inst, plan, &Scope::new(&inst.region, city, None)?))
}

/// The letters of the groups in `scope`, in plan order.
pub fn letters_in(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Vec<Letter> {
    let rows = table::rows(inst, plan);
    let city_name = |code: &str| {
        inst.region.cities.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone())
    };
    let blocks = doc::zh_count(plan.parameters.blocks_per_year);
    let mut out = Vec::new();
    for g in plan.groups.iter().filter(|g| scope.holds(g)) {
        let group: Vec<&Row<'_>> = rows.iter().filter(|r| r.group.county == g.county).collect();
        let city = &city_name(&g.city);
        let county = &g.county_name;
        let committee = doc::county_committee(city, county);
        let leader = group.iter().find(|r| Some(r.cadre.id.as_str()) == g.leader.as_deref());
        let towns: std::collections::BTreeSet<&str> =
            group.iter().flat_map(|r| [r.cells[8].as_str(), r.cells[9].as_str()]).filter(|t| *t != "—").collect();
        let lead = match leader {
            Some(l) => {
                let about: Vec<String> = unit_and_title(l)
                    .into_iter()
                    .chain(l.cadre.phone.as_ref().map(|p| format!("联系电话：{p}")))
                    .collect();
                let about = if about.is_empty() { String::new() } else { format!("（{}）", about.join("，")) };
                format!("由{}{about}同志任组长，", l.cadre.name)
            }
            None => String::new(),
        };
        let body = vec![
            format!(
                "根据团干部“三联四促”常态化下沉基层工作安排，经团省委审核，派驻你{kind}的“三联四促”工作组{lead}共 {} 人，自 {} 年起两年内联系你{kind} {} 个乡镇（街道），实现全覆盖。",
                group.len(),
                plan.first_year,
                towns.len(),
                kind = county_kind(county),
            ),
            format!("现将工作组名单及下沉安排函告你部。省、市两级团干部每年集中下沉{blocks}个时段，每个时段一个月；县级团干部实行“4+1”工作模式，每周一个工作日到联系乡镇工作。请协助做好工作组人员的报到工作，共同为工作组开展工作提供必要保障。"),
            report_paragraph(&committee, &group.iter().map(|r| checkin::report_day(&plan.parameters, r.cadre, r.years)).collect::<Vec<_>>()),
            format!("附：{county}“三联四促”工作组名单"),
        ];
        let rows = group
            .iter()
            .enumerate()
            .map(|(i, r)| {
                [
                    (i + 1).to_string(),
                    if Some(r.cadre.id.as_str()) == g.leader.as_deref() {
                        format!("{}（组长）", r.cadre.name)
                    } else {
                        r.cadre.name.clone()
                    },
                    unit_and_title(r).unwrap_or_default(),
                    r.cells[8].clone(),
                    r.cells[9].clone(),
                    doc::months_by_year(r.years).join("\n"),
                    weekdays(r),
                    r.cadre.phone.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push(Letter {
            county: g.county.clone(),
            city: g.city.clone(),
            title: format!("关于“三联四促”常态化下沉基层工作组到{county}开展工作的函"),
            to: format!("{committee}组织部："),
            body,
            rows,
            from: format!("共青团{city}委"),
        });
    }
    out
}

/// The letter's 报到 paragraph: the place (the county's organisation department), the rule for
/// each member's day, and the group's earliest day of each kind.
fn report_paragraph(committee: &str, days: &[Option<checkin::Report>]) -> String {
    let first = |basis: Basis| days.iter().flatten().filter(|r| r.basis == basis).map(|r| r.day).min();
    let mut rules = Vec::new();
    if let Some(d) = first(Basis::Block) {
        rules.push(format!("集中下沉的为本人首个集中下沉时段的第一个工作日，本组最早{}", checkin::day_text(d)));
    }
    if let Some(d) = first(Basis::Weekly) {
        rules.push(format!("实行“4+1”模式的为本人首个每周工作日，本组最早{}", checkin::day_text(d)));
    }
    format!("工作组成员于本人首个下沉工作日到{committee}组织部报到（{}），各成员报到日期见报到名单。", rules.join("；"))
}

/// "区", "县" or "市" for the letter's "你区/你县/你市".
fn county_kind(county: &str) -> &'static str {
    match county.chars().last() {
        Some('区') => "区",
        Some('市') => "市",
        Some('旗') => "旗",
        _ => "县",
    }
}

/// The cadre's unit, department and title run together, as the filing form writes them.
pub(crate) fn unit_and_title(r: &Row<'_>) -> Option<String> {
    let c = r.cadre;
    let s: String =
        [Some(c.unit.as_str()), c.department.as_deref(), c.title.as_deref()].into_iter().flatten().collect();
    (!s.is_empty()).then_some(s)
}

/// The letters of [`letters`] as one .docx, a letter a page.
pub fn letters_docx(inst: &Instance, plan: &Plan, city: Option<&str>) -> Result<Vec<u8>, FilesError> {
    letters_docx_in(inst, plan, &Scope::new(&inst.region, city, None)?)
}

/// The letters of the groups in `scope` as one .docx, a letter a page, A4 portrait.
pub fn letters_docx_in(inst: &Instance, plan: &Plan, scope: &Scope<'_>) -> Result<Vec<u8>, FilesError> {
    let letters = letters_in(inst, plan, scope);
    let mut d = doc::document(false);
    for (i, l) in letters.iter().enumerate() {
        let mut title = Paragraph::new().align(AlignmentType::Center).add_run(doc::run(&l.title, TITLE_SIZE).bold());
        if i > 0 {
            title = title.page_break_before(true);
        }
        d = d.add_paragraph(title).add_paragraph(Paragraph::new()).add_paragraph(doc::para(&l.to, TEXT_SIZE));
        for p in &l.body {
            d = d.add_paragraph(
                Paragraph::new()
                    .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                    .add_run(doc::run(p, TEXT_SIZE)),
            );
        }
        let mut rows =
            vec![TableRow::new(COLUMNS.iter().map(|(h, w)| doc::cell(h, *w, SMALL_TABLE_SIZE, true)).collect())];
        rows.extend(l.rows.iter().map(|r| {
            TableRow::new(r.iter().zip(COLUMNS).map(|(t, (_, w))| doc::cell(t, w, SMALL_TABLE_SIZE, false)).collect())
        }));
        d = d
            .add_table(Table::new(rows).set_grid(COLUMNS.iter().map(|(_, w)| *w).collect()))
            .add_paragraph(Paragraph::new())
            .add_paragraph(doc::para("联系人：　　　　　　　　联系电话：", TEXT_SIZE))
            .add_paragraph(Paragraph::new())
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(doc::run(&format!("{}（盖章）", l.from), TEXT_SIZE)),
            )
            .add_paragraph(
                Paragraph::new().align(AlignmentType::Right).add_run(doc::run("　　年　　月　　日", TEXT_SIZE)),
            );
    }
    if letters.is_empty() {
        d = d.add_paragraph(doc::para("本方案没有工作组，无需函告。", TEXT_SIZE));
    }
    doc::pack(d)
}
