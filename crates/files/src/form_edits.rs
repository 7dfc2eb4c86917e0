//! The plan workbook read back: a planner edits the exported 汇总 sheet (a row's 工作组, its
//! townships, block months, weekday or the group's 组长) and uploads it; the differences from
//! the plan it came from are read as [`Edit`]s, each with the cell it came from (issue 12,
//! item 5). The rules are in `docs/edits.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Weekday;
use sanlian_model::{Edit, Instance, Msg, Plan};

use crate::roster::errors::{Collector, Note, SheetError, SheetErrors};
use crate::roster::grid::{self, Cell, Grid};
use crate::table;
use crate::workbook::{block_header, form_row, FORM_BLOCKS_PREFIX, LEAD_HEADERS, SUMMARY, TAIL_HEADERS};

/// One edit read from the workbook, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedEdit {
    /// The edit.
    pub edit: Edit,
    /// Where it was read, e.g. "plan.xlsx, sheet 汇总, row 7, column 工作组 (C)", coded.
    pub at: Msg,
}

/// What an edited plan workbook says: its edits in the order they are made (moves, then
/// townships, months and weekdays, then leaders), and what the reader ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct FormEdits {
    /// The edits.
    pub edits: Vec<PlacedEdit>,
    /// Changed cells that are not the plan's (a cadre's own data) and sheets not read.
    pub notes: Vec<Note>,
}

/// The columns the reader needs, by header.
const NEEDED: [&str; 7] = ["市", "工作组", "组长", "姓名", "单位及职务", "第一年联系乡镇", "第二年联系乡镇"];
/// Columns of the cadre's own data: a change there is noted and ignored.
const OWN_DATA: [&str; 5] = ["性别", "级别", "副处级以上", "联系电话", "备注"];
/// The seal line under the form's rows, where reading stops.
const SEAL: &str = "填报单位";

/// Read the 汇总 sheet of an edited plan workbook (xlsx, ods, xls/et or CSV) as edits of
/// `plan` (of `inst`, the plan the workbook was exported from). Rows are matched to cadres by
/// 姓名 and 单位及职务 (then 联系电话), which the form does not change; every problem is
/// reported with its sheet, row and column, and nothing is read when there is one.
pub fn read_plan_edits(bytes: &[u8], file: &str, inst: &Instance, plan: &Plan) -> Result<FormEdits, SheetErrors> {
    let grid = grid::read(bytes, file, SUMMARY).map_err(as_form)?;
    if !grid.sheets.is_empty() && grid.sheet.trim() != SUMMARY {
        return Err(as_form(SheetErrors::file(file, Msg::new("form.no_summary").arg("sheet", &grid.sheet))));
    }
    let mut errors = Collector::new(file, &grid.sheet);
    let mut notes = grid.notes.clone();
    let copies = grid.sheets.iter().filter(|s| !["汇总", "名册", "说明"].contains(&s.trim())).count();
    if copies > 0 {
        notes.push(Note::at(grid::file_at(file), Msg::new("form.copies_not_read").arg("count", copies)));
    }
    let reader = Reader::new(inst, plan);
    let Some((h, cols)) = header(&grid, &mut errors) else { return Err(as_form(errors.finish())) };
    let rows = reader.rows(&grid, h, &cols, &mut errors);
    if !errors.is_empty() {
        return Err(as_form(errors.finish()));
    }
    let edits = reader.edits(&rows, &cols, &mut errors, &mut notes);
    if !errors.is_empty() {
        return Err(as_form(errors.finish()));
    }
    Ok(FormEdits { edits, notes })
}

/// The problems headed as the plan workbook's, not the roster's.
fn as_form(mut e: SheetErrors) -> SheetErrors {
    e.heading = "form.problems";
    e
}

/// Column index of each header of the form's header row.
struct Columns {
    by_header: HashMap<String, usize>,
    /// The block columns (集中下沉时段一, …), in order.
    blocks: Vec<usize>,
}

impl Columns {
    fn get(&self, header: &str) -> Option<usize> {
        self.by_header.get(header).copied()
    }
}

fn text(cells: &[Cell], j: Option<usize>) -> String {
    j.and_then(|j| cells.get(j)).and_then(|c| c.text().ok()).unwrap_or_default()
}

/// The header row (the first holding 姓名 and 工作组) and its columns; a missing needed
/// column is an error at that row.
fn header(grid: &Grid, errors: &mut Collector<'_>) -> Option<(usize, Columns)> {
    let is_header = |cells: &[Cell]| {
        let texts: Vec<String> = cells.iter().map(|c| c.text().unwrap_or_default()).collect();
        texts.iter().any(|t| t == "姓名") && texts.iter().any(|t| t == "工作组")
    };
    let Some(h) = grid.rows.iter().position(|(_, cells)| is_header(cells)) else {
        errors.add(grid.rows.first().map(|(r, _)| *r), None, None, Msg::new("form.no_header"));
        return None;
    };
    let (row, cells) = (grid.rows[h].0, &grid.rows[h].1);
    let mut by_header = HashMap::new();
    let mut blocks = Vec::new();
    for (j, c) in cells.iter().enumerate() {
        let t = c.text().unwrap_or_default();
        if t.starts_with(FORM_BLOCKS_PREFIX) {
            blocks.push(j);
        } else if !t.is_empty() {
            by_header.entry(t).or_insert(j);
        }
    }
    let mut ok = true;
    for need in NEEDED {
        if !by_header.contains_key(need) {
            errors.add(Some(row), Some(need), None, Msg::new("form.missing_column"));
            ok = false;
        }
    }
    ok.then_some((h, Columns { by_header, blocks }))
}

/// One data row matched to its cadre.
struct Matched<'g> {
    row: usize,
    cells: &'g [Cell],
    /// Index in `plan.assignments`.
    entry: usize,
    /// The row as the plan exports it, by header.
    expected: HashMap<String, String>,
    /// The export's block cells (non-empty), in order.
    expected_blocks: Vec<String>,
}

/// The plan and instance, indexed for reading the form.
struct Reader<'a> {
    inst: &'a Instance,
    plan: &'a Plan,
    /// Each cadre's exported row, by header; keyed by `plan.assignments` index.
    exported: HashMap<usize, (HashMap<String, String>, Vec<String>)>,
}

impl<'a> Reader<'a> {
    fn new(inst: &'a Instance, plan: &'a Plan) -> Reader<'a> {
        let rows = table::rows(inst, plan);
        let blocks = rows.iter().map(|r| r.years.iter().map(|y| y.blocks.len()).sum::<usize>()).max().unwrap_or(0);
        let headers: Vec<String> = LEAD_HEADERS
            .iter()
            .map(|h| h.to_string())
            .chain((1..=blocks.max(1)).map(block_header))
            .chain(TAIL_HEADERS.iter().map(|h| h.to_string()))
            .collect();
        let mut exported = HashMap::new();
        for (n, r) in rows.iter().enumerate() {
            let Some(entry) = plan.assignments.iter().position(|a| a.cadre == r.cadre.id) else { continue };
            let cells: Vec<String> = form_row(n + 1, r, blocks.max(1)).iter().map(|c| c.to_text()).collect();
            let mut by_header = HashMap::new();
            let mut block_cells = Vec::new();
            for (h, c) in headers.iter().zip(cells) {
                if h.starts_with(FORM_BLOCKS_PREFIX) {
                    if !c.is_empty() {
                        block_cells.push(c);
                    }
                } else {
                    by_header.insert(h.clone(), c);
                }
            }
            exported.insert(entry, (by_header, block_cells));
        }
        Reader { inst, plan, exported }
    }

    /// The data rows under header `h`, each matched to one cadre of the plan; a row matching
    /// none, two, or a cadre already matched is an error, and so is a cadre of the sheet's
    /// cities with no row.
    fn rows<'g>(&self, grid: &'g Grid, h: usize, cols: &Columns, errors: &mut Collector<'_>) -> Vec<Matched<'g>> {
        let name_col = cols.get("姓名");
        let unit_col = cols.get("单位及职务");
        let phone_col = cols.get("联系电话");
        let mut out: Vec<Matched<'g>> = Vec::new();
        let mut seen: HashMap<usize, usize> = HashMap::new();
        // The exported rows by name, so that matching a sheet is linear in its rows.
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (&i, (e, _)) in &self.exported {
            by_name.entry(e["姓名"].as_str()).or_default().push(i);
        }
        for (row, cells) in &grid.rows[h + 1..] {
            let first = cells.iter().find(|c| !c.is_blank()).and_then(|c| c.text().ok()).unwrap_or_default();
            if first.starts_with(SEAL) {
                break;
            }
            if let Some((j, e)) = cells.iter().enumerate().find_map(|(j, c)| c.text().err().map(|e| (j, e))) {
                errors.add(Some(*row), None, Some(crate::roster::columns_letter(j)), e);
                continue;
            }
            let name = text(cells, name_col);
            let at_name = |errors: &mut Collector<'_>, msg: Msg| {
                errors.add(Some(*row), Some("姓名"), name_col.map(crate::roster::columns_letter), msg)
            };
            if name.is_empty() {
                at_name(errors, Msg::new("form.no_name"));
                continue;
            }
            let unit = text(cells, unit_col);
            let phone = text(cells, phone_col);
            let mut candidates: Vec<usize> = by_name.get(name.as_str()).cloned().unwrap_or_default();
            candidates.sort_unstable();
            if candidates.len() > 1 {
                candidates.retain(|i| self.exported[i].0["单位及职务"] == unit);
            }
            if candidates.len() > 1 {
                candidates.retain(|i| self.exported[i].0["联系电话"] == phone);
            }
            let entry = match candidates[..] {
                [i] => i,
                [] => {
                    at_name(errors, Msg::new("form.unknown_cadre").arg("name", &name).arg("unit", &unit));
                    continue;
                }
                _ => {
                    at_name(errors, Msg::new("form.ambiguous_cadre").arg("name", &name).arg("count", candidates.len()));
                    continue;
                }
            };
            if let Some(first) = seen.insert(entry, *row) {
                at_name(errors, Msg::new("form.cadre_twice").arg("name", &name).arg("first", first));
                continue;
            }
            let (expected, expected_blocks) = self.exported[&entry].clone();
            out.push(Matched { row: *row, cells, entry, expected, expected_blocks });
        }
        // The sheet's cities: those of the matched cadres' groups (a city's workbook holds its own).
        let city_of = |entry: usize| self.exported[&entry].0["市"].clone();
        let cities: BTreeSet<String> = out.iter().map(|m| city_of(m.entry)).collect();
        let mut missing: Vec<(usize, String)> = self
            .exported
            .keys()
            .filter(|i| !seen.contains_key(i) && cities.contains(&city_of(**i)))
            .map(|&i| (i, self.exported[&i].0["姓名"].clone()))
            .collect();
        missing.sort();
        for (_, name) in missing {
            errors.add(None, Some("姓名"), None, Msg::new("form.cadre_missing").arg("name", name));
        }
        out
    }

    /// The county code a row's 市 and 工作组 name: the county of that name in the row's city,
    /// else the only county of that name in the province.
    fn county(&self, city: &str, group: &str) -> Result<String, Msg> {
        let region = &self.inst.region;
        let named: Vec<&sanlian_model::County> =
            region.counties.iter().filter(|c| c.name == group || c.code == group).collect();
        let in_city: Vec<&&sanlian_model::County> = match crate::find_city(region, city) {
            Some(c) => named.iter().filter(|k| k.city == c.code).collect(),
            None => Vec::new(),
        };
        match (&in_city[..], &named[..]) {
            ([k], _) => Ok(k.code.clone()),
            ([], [k]) => Ok(k.code.clone()),
            (_, []) => Err(Msg::new("form.unknown_county").arg("county", group)),
            _ => Err(Msg::new("form.ambiguous_county").arg("county", group).arg("count", named.len())),
        }
    }

    /// The township code `name` names in county `county` (else the only one of that name in
    /// the province: the checker then says which rule the edit breaks).
    fn township(&self, county: &str, name: &str) -> Result<String, Msg> {
        let towns = &self.inst.region.townships;
        let here: Vec<&sanlian_model::Township> =
            towns.iter().filter(|t| t.county == county && (t.name == name || t.code == name)).collect();
        if let [t] = here[..] {
            return Ok(t.code.clone());
        }
        let anywhere: Vec<&sanlian_model::Township> =
            towns.iter().filter(|t| t.name == name || t.code == name).collect();
        match (&here[..], &anywhere[..]) {
            ([], [t]) => Ok(t.code.clone()),
            ([], []) => Err(Msg::new("form.unknown_township").arg("township", name)),
            _ => Err(Msg::new("form.ambiguous_township").arg("township", name)),
        }
    }

    /// The differences of the matched rows from the plan, as edits in the order they are made.
    fn edits(
        &self,
        rows: &[Matched<'_>],
        cols: &Columns,
        errors: &mut Collector<'_>,
        notes: &mut Vec<Note>,
    ) -> Vec<PlacedEdit> {
        let letter = |header: &str| cols.get(header).map(crate::roster::columns_letter);
        let (file, sheet) = (errors.file(), errors.sheet());
        let place = |row: usize, header: &str, letter: Option<String>| {
            SheetError::new(&file, Some(&sheet), Some(row), Some(header), letter, Msg::new("roster.item"))
                .location_msg()
        };
        let at = |row: usize, header: &str| place(row, header, letter(header));
        let (mut moves, mut others, mut leaders) = (Vec::new(), Vec::new(), Vec::new());
        // The county each row ends in, and the 组长 names written in changed 组长 cells.
        let mut county_of: Vec<String> = Vec::with_capacity(rows.len());
        let mut leader_cells: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
        for m in rows {
            let a = &self.plan.assignments[m.entry];
            let cadre = a.cadre.clone();
            let cell = |header: &str| text(m.cells, cols.get(header));
            let changed = |header: &str| cols.get(header).is_some() && cell(header) != m.expected[header];
            // 工作组 (and 市): a move.
            let mut county = a.county.clone();
            if changed("市") || changed("工作组") {
                match self.county(&cell("市"), &cell("工作组")) {
                    Ok(k) if k != a.county => {
                        moves.push(PlacedEdit {
                            edit: Edit::Move { cadre: cadre.clone(), county: k.clone() },
                            at: at(m.row, "工作组"),
                        });
                        county = k;
                    }
                    Ok(_) => {}
                    Err(msg) => errors.add(Some(m.row), Some("工作组"), letter("工作组"), msg),
                }
            }
            county_of.push(county.clone());
            // The townships of the two years.
            for (y, header) in ["第一年联系乡镇", "第二年联系乡镇"].iter().enumerate() {
                if !changed(header) {
                    continue;
                }
                let year = self.plan.first_year + y as i32;
                let written = cell(header);
                if !a.years.iter().any(|e| e.year == year) {
                    errors.add(Some(m.row), Some(header), letter(header), Msg::new("form.year_not_served"));
                    continue;
                }
                if written.is_empty() || written == "—" {
                    errors.add(Some(m.row), Some(header), letter(header), Msg::new("form.township_emptied"));
                    continue;
                }
                match self.township(&county, &written) {
                    Ok(t) => others.push(PlacedEdit {
                        edit: Edit::Township { cadre: cadre.clone(), year, township: t },
                        at: at(m.row, header),
                    }),
                    Err(msg) => errors.add(Some(m.row), Some(header), letter(header), msg),
                }
            }
            // Block months.
            let written: Vec<(usize, String)> =
                cols.blocks.iter().map(|&j| (j, text(m.cells, Some(j)))).filter(|(_, t)| !t.is_empty()).collect();
            let mut same = written.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
            let mut before = m.expected_blocks.clone();
            same.sort();
            before.sort();
            if same != before {
                let mut by_year: BTreeMap<i32, BTreeSet<String>> =
                    a.years.iter().map(|e| (e.year, BTreeSet::new())).collect();
                let mut ok = true;
                for (j, t) in &written {
                    let header = block_header(cols.blocks.iter().position(|b| b == j).unwrap_or(0) + 1);
                    match month_of(t) {
                        Some((yy, mm)) if by_year.contains_key(&yy) => {
                            by_year.entry(yy).or_default().insert(format!("{yy}-{mm:02}"));
                        }
                        Some(_) => {
                            errors.add(
                                Some(m.row),
                                Some(&header),
                                Some(crate::roster::columns_letter(*j)),
                                Msg::new("form.month_not_served").arg("text", t),
                            );
                            ok = false;
                        }
                        None => {
                            errors.add(
                                Some(m.row),
                                Some(&header),
                                Some(crate::roster::columns_letter(*j)),
                                Msg::new("form.bad_month").arg("text", t),
                            );
                            ok = false;
                        }
                    }
                }
                if ok {
                    for (year, months) in by_year {
                        let old: BTreeSet<String> = a
                            .years
                            .iter()
                            .filter(|e| e.year == year)
                            .flat_map(|e| e.blocks.iter().map(|b| b.month.clone()))
                            .collect();
                        if months != old {
                            let first = cols.blocks.first().map(|&j| crate::roster::columns_letter(j));
                            others.push(PlacedEdit {
                                edit: Edit::Months { cadre: cadre.clone(), year, months: months.into_iter().collect() },
                                at: place(m.row, &block_header(1), first),
                            });
                        }
                    }
                }
            }
            // The weekday.
            if changed("每周工作日") {
                let written = cell("每周工作日");
                match weekday_of(&written) {
                    Some(d) if a.years.iter().any(|e| e.weekday != Some(d)) => others.push(PlacedEdit {
                        edit: Edit::Weekday { cadre: cadre.clone(), weekday: d },
                        at: at(m.row, "每周工作日"),
                    }),
                    Some(_) => {}
                    None => errors.add(
                        Some(m.row),
                        Some("每周工作日"),
                        letter("每周工作日"),
                        Msg::new("form.bad_weekday").arg("text", &written),
                    ),
                }
            }
            // 组长: gathered per group, read below.
            if changed("组长") {
                leader_cells.entry(county.clone()).or_default().push((m.row, cell("组长")));
            }
            // The cadre's own data: noted, not read.
            for header in OWN_DATA {
                if changed(header) {
                    notes.push(Note::at(at(m.row, header), Msg::new("form.own_data_ignored")));
                }
            }
        }
        for (county, written) in leader_cells {
            let names: BTreeSet<&str> = written.iter().map(|(_, n)| n.as_str()).collect();
            let (row, name) = (&written[0].0, &written[0].1);
            if names.len() > 1 {
                let list = names.iter().copied().collect::<Vec<_>>().join("、");
                errors.add(
                    Some(*row),
                    Some("组长"),
                    letter("组长"),
                    Msg::new("form.leaders_disagree").arg("names", list),
                );
                continue;
            }
            let members: Vec<&str> = rows
                .iter()
                .zip(&county_of)
                .filter(|(m, k)| **k == county && m.expected["姓名"] == *name)
                .map(|(m, _)| self.plan.assignments[m.entry].cadre.as_str())
                .collect();
            match members[..] {
                [id] => {
                    let led = self.plan.groups.iter().any(|g| g.county == county && g.leader.as_deref() == Some(id));
                    let moved = moves.iter().any(|e: &PlacedEdit| e.edit.cadres().contains(&id));
                    if !led || moved {
                        leaders.push(PlacedEdit {
                            edit: Edit::Leader { county: county.clone(), cadre: id.to_string() },
                            at: at(*row, "组长"),
                        });
                    }
                }
                [] => errors.add(
                    Some(*row),
                    Some("组长"),
                    letter("组长"),
                    Msg::new("form.leader_not_member").arg("name", name),
                ),
                _ => errors.add(
                    Some(*row),
                    Some("组长"),
                    letter("组长"),
                    Msg::new("form.ambiguous_cadre").arg("name", name).arg("count", members.len()),
                ),
            }
        }
        moves.into_iter().chain(others).chain(leaders).collect()
    }
}

/// The month a block cell names: "2027年5月", "2027-05", "2027.05", or a range of days
/// ("2027.05.10–05.31", "2027.05.10–2027.05.31"), read as the month of its first day.
fn month_of(text: &str) -> Option<(i32, u32)> {
    let t = grid::narrow(text.trim()).replace(['年', '月', '.', '/', '－', '—', '–', '~', '～'], "-");
    let mut parts = t.split('-').filter(|p| !p.is_empty());
    let year: i32 = parts.next()?.trim().parse().ok()?;
    let month: u32 = parts.next()?.trim().parse().ok()?;
    ((2000..=2100).contains(&year) && (1..=12).contains(&month)).then_some((year, month))
}

/// The weekday "每周三", "周三", "星期三" or "Wed" names; per-year text naming one day in
/// every year ("2027年每周三；2028年每周三") names that day.
fn weekday_of(text: &str) -> Option<Weekday> {
    let mut days: Vec<Weekday> = text
        .split(['；', ';', '，', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let last = p.chars().last()?;
            match last {
                '一' => Some(Weekday::Mon),
                '二' => Some(Weekday::Tue),
                '三' => Some(Weekday::Wed),
                '四' => Some(Weekday::Thu),
                '五' => Some(Weekday::Fri),
                _ => p.parse::<Weekday>().ok(),
            }
        })
        .collect::<Option<_>>()?;
    days.dedup();
    match days.len() {
        1 => days.into_iter().next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_weekdays_read_as_planners_write_them() {
        assert_eq!(month_of("2027年5月"), Some((2027, 5)));
        assert_eq!(month_of("２０２７年１１月"), Some((2027, 11)));
        assert_eq!(month_of("2027-05"), Some((2027, 5)));
        assert_eq!(month_of("2027.05.10–05.31"), Some((2027, 5)));
        assert_eq!(month_of("五月"), None);
        assert_eq!(month_of("2027年13月"), None);
        assert_eq!(weekday_of("每周三"), Some(Weekday::Wed));
        assert_eq!(weekday_of("星期五"), Some(Weekday::Fri));
        assert_eq!(weekday_of("2027年每周四；2028年每周四"), Some(Weekday::Thu));
        assert_eq!(weekday_of("2027年每周四；2028年每周二"), None);
        assert_eq!(weekday_of("每周六"), None);
        assert_eq!(weekday_of("Tue"), Some(Weekday::Tue));
    }
}
