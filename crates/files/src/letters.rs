//! 函告: the letters in which a city committee informs each county's Party organisation
//! department of the working group sent to it (work plan §六: 分组名单确定后，团市委要及时将
//! 下沉工作安排函告所辖县（市、区）党委组织部门，共同做好工作组人员的报到工作).
//!
//! [`letters`] gives the letters' words, one per county group; [`letters_docx`] lays them out
//! as one Word document, a letter a page, A4 portrait, ready to print and seal.

use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};
use sanlian_model::{Instance, Plan};

use crate::table::{self, Row};
use crate::workbook::{block_text, weekdays};
use crate::FilesError;

/// The columns of a letter's list of the group, with their widths in twentieths of a point
/// (together the width of A4 between 2 cm margins).
pub const COLUMNS: [(&str, usize); 8] = [
    ("序号", 600),
    ("姓名", 1000),
    ("单位及职务", 1800),
    ("第一年联系乡镇", 1250),
    ("第二年联系乡镇", 1250),
    ("集中下沉时段", 1450),
    ("每周工作日", 1150),
    ("联系电话", 1100),
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
    /// The letter's paragraphs before the list.
    pub body: Vec<String>,
    /// The group, one row per cadre (leader first), in the order of [`COLUMNS`].
    pub rows: Vec<[String; 8]>,
    /// The sender, "共青团济南市委", above the date line.
    pub from: String,
}

/// The letters of `plan`, one per county group in plan order; `city` (a code or a name, see
/// [`crate::find_city`]) keeps that city's only.
pub fn letters(inst: &Instance, plan: &Plan, city: Option<&str>) -> Result<Vec<Letter>, FilesError> {
    let scope = match city {
        None => None,
        Some(c) => Some(crate::find_city(&inst.region, c).ok_or_else(|| FilesError::UnknownCity(c.to_string()))?),
    };
    let rows = table::rows(inst, plan);
    let city_name = |code: &str| {
        inst.region.cities.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone())
    };
    let mut out = Vec::new();
    for g in plan.groups.iter().filter(|g| scope.is_none_or(|s| s.code == g.city)) {
        let group: Vec<&Row<'_>> = rows.iter().filter(|r| r.group.county == g.county).collect();
        let city = &city_name(&g.city);
        let county = &g.county_name;
        // A district's committee is named with its city (中共济南市历下区委); a county's or a
        // county-level city's alone (中共平阴县委, 中共新泰市委).
        let committee = if county.ends_with('区') { format!("{city}{county}") } else { county.clone() };
        let leader = group.iter().find(|r| Some(r.cadre.id.as_str()) == g.leader.as_deref());
        let towns: std::collections::BTreeSet<&str> =
            group.iter().flat_map(|r| [r.cells[8].as_str(), r.cells[9].as_str()]).filter(|t| *t != "—").collect();
        let lead = match leader {
            Some(l) => format!(
                "由{}{}同志任组长，",
                l.cadre.name,
                unit_and_title(l).map(|u| format!("（{u}）")).unwrap_or_default()
            ),
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
            "现将工作组名单及下沉安排函告你部。省、市两级团干部每年集中下沉两个时段，每个时段一个月；县级团干部实行“4+1”工作模式，每周一个工作日到联系乡镇工作。请协助做好工作组人员的报到工作，共同为工作组开展工作提供必要保障。".to_string(),
            format!("附：{county}“三联四促”工作组名单"),
        ];
        let rows = group
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let blocks: Vec<String> = r.years.iter().flat_map(|y| y.blocks.iter()).map(block_text).collect();
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
                    blocks.join("\n"),
                    weekdays(r),
                    r.cadre.phone.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push(Letter {
            county: g.county.clone(),
            city: g.city.clone(),
            title: format!("关于“三联四促”常态化下沉基层工作组到{county}开展工作的函"),
            to: format!("中共{committee}委组织部："),
            body,
            rows,
            from: format!("共青团{city}委"),
        });
    }
    Ok(out)
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
fn unit_and_title(r: &Row<'_>) -> Option<String> {
    let c = r.cadre;
    let s: String =
        [Some(c.unit.as_str()), c.department.as_deref(), c.title.as_deref()].into_iter().flatten().collect();
    (!s.is_empty()).then_some(s)
}

/// A4 in twentieths of a point, and 2 cm margins.
const A4: (u32, u32) = (11906, 16838);
const MARGIN: i32 = 1134;
/// Sizes in half-points: 二号 title, 三号 text, 五号 table.
const TITLE_SIZE: usize = 44;
const TEXT_SIZE: usize = 32;
const TABLE_SIZE: usize = 21;

/// The letters of [`letters`] as one .docx, a letter a page.
pub fn letters_docx(inst: &Instance, plan: &Plan, city: Option<&str>) -> Result<Vec<u8>, FilesError> {
    let letters = letters(inst, plan, city)?;
    let song = RunFonts::new().east_asia("宋体").ascii("Times New Roman");
    let run = |text: &str, size: usize| {
        let r = Run::new().size(size).fonts(song.clone());
        if text.is_empty() {
            r
        } else {
            r.add_text(text)
        }
    };
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN))
        .default_fonts(song.clone());
    for (i, l) in letters.iter().enumerate() {
        let mut title = Paragraph::new().align(AlignmentType::Center).add_run(run(&l.title, TITLE_SIZE).bold());
        if i > 0 {
            title = title.page_break_before(true);
        }
        doc = doc
            .add_paragraph(title)
            .add_paragraph(Paragraph::new())
            .add_paragraph(Paragraph::new().add_run(run(&l.to, TEXT_SIZE)));
        for p in &l.body {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .indent(None, Some(docx_rs::SpecialIndentType::FirstLine(640)), None, None)
                    .add_run(run(p, TEXT_SIZE)),
            );
        }
        let cell = |text: &str, width: usize, bold: bool| {
            let mut p = Paragraph::new().align(AlignmentType::Center);
            for (k, line) in text.split('\n').enumerate() {
                let mut r =
                    if k > 0 { run("", TABLE_SIZE).add_break(BreakType::TextWrapping) } else { run("", TABLE_SIZE) };
                r = r.add_text(line);
                p = p.add_run(if bold { r.bold() } else { r });
            }
            TableCell::new().width(width, WidthType::Dxa).add_paragraph(p)
        };
        let mut rows = vec![TableRow::new(COLUMNS.iter().map(|(h, w)| cell(h, *w, true)).collect())];
        rows.extend(
            l.rows.iter().map(|r| TableRow::new(r.iter().zip(COLUMNS).map(|(t, (_, w))| cell(t, w, false)).collect())),
        );
        doc = doc
            .add_table(Table::new(rows).set_grid(COLUMNS.iter().map(|(_, w)| *w).collect()))
            .add_paragraph(Paragraph::new())
            .add_paragraph(Paragraph::new().add_run(run("联系人：　　　　　　　　联系电话：", TEXT_SIZE)))
            .add_paragraph(Paragraph::new())
            .add_paragraph(
                Paragraph::new().align(AlignmentType::Right).add_run(run(&format!("{}（盖章）", l.from), TEXT_SIZE)),
            )
            .add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run("　　年　　月　　日", TEXT_SIZE)));
    }
    if letters.is_empty() {
        doc = doc.add_paragraph(Paragraph::new().add_run(run("本方案没有工作组，无需函告。", TEXT_SIZE)));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| FilesError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
