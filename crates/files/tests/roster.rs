//! Roster spreadsheets: exact round trips, a hand-made roster, and every malformed case.

mod common;

use chrono::NaiveDate;
use common::{csv, fixture, sheets, xlsx};
use sanlian_files::{read_roster, roster_csv, roster_xlsx, template_xlsx, SheetError, SheetErrors};
use sanlian_model::{Instance, Lang, Level, Mode, Point, Prepared};

fn round_trip(inst: &Instance) {
    let book = roster_xlsx(inst).expect("writes");
    let back = read_roster(&book, "roster.xlsx", &inst.region).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.cadres, inst.cadres, "xlsx round trip");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    let text = roster_csv(inst);
    assert!(text.starts_with('\u{feff}'), "a BOM lets spreadsheet programs read the Chinese");
    let back = read_roster(text.as_bytes(), "roster.csv", &inst.region).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.cadres, inst.cadres, "csv round trip");
}

#[test]
fn the_shandong_roster_round_trips_exactly() {
    let inst = fixture("shandong");
    assert_eq!(inst.cadres.len(), 1035);
    round_trip(&inst);
}

#[test]
fn the_small_roster_round_trips_exactly() {
    round_trip(&fixture("small"));
}

/// Every optional field set somewhere, repeated county names, explicit default modes.
#[test]
fn every_field_round_trips_exactly() {
    let mut inst = fixture("shandong");
    let c = &mut inst.cadres[0];
    c.department = Some("学校部".into());
    c.mode = Some(Mode::Blocks);
    c.preferred_counties = vec!["370103".into(), "370402".into(), "370502".into()];
    c.previous_county = Some("370402".into());
    c.unavailable_months = vec!["2027-05".into(), "2028-10".into()];
    c.active_years = vec![2];
    c.from = NaiveDate::from_ymd_opt(2027, 7, 1);
    c.until = NaiveDate::from_ymd_opt(2028, 9, 1);
    c.strengths = vec!["留守儿童".into(), "乡村振兴".into(), "青年 社会组织".into()];
    c.base = Point { lat: 36.123456789012345, lon: 117.00000000000001 };
    c.gender = Some("女".into());
    c.title = Some("副书记".into());
    c.phone = Some("0531-86000000".into());
    c.note = Some("兼任联络员".into());
    inst.cadres[1].phone = Some("13800000000".into());
    let k = inst.cadres.iter().position(|c| c.level == Level::County).unwrap();
    inst.cadres[k].home_county = Some("370402".into());
    inst.cadres[k].mode = Some(Mode::Mixed);
    inst.cadres[k].active_years = vec![1];
    round_trip(&inst);
}

/// Headers of a hand-made sheet in an order of our own, with 序号 (not a roster column) and 备注.
const HAND: [&str; 14] = [
    "序号",
    "姓名",
    "编号",
    "级别",
    "单位",
    "所在市",
    "所在县区",
    "驻地纬度",
    "驻地经度",
    "不可下沉月份",
    "意向县区",
    "参加年度",
    "工作方式",
    "备注",
];

#[test]
fn a_hand_made_roster_with_names_default_bases_and_chinese_months() {
    let region = fixture("shandong").region;
    let rows = vec![
        vec!["2027 年三联四促下沉干部名册"],
        HAND.to_vec(),
        vec![
            "1",
            "甲",
            "P1",
            "省级",
            "团省委",
            "",
            "",
            "",
            "",
            "2027年5月、2028/10",
            "济南市市中区，370402",
            "",
            "",
            "省会",
        ],
        vec!["2", "乙", "C1", "市级", "团济南市委", "济南市", "", "", "", "", "市中区", "2", "混合", ""],
        vec!["3", "丙", "K1", "县级", "团市中区委", "济南", "市中区", "", "", "", "", "1、2", "每周", ""],
        vec!["4", "丁", "K2", "county", "团市中区委", "", "枣庄市市中区", "", "", "", "", "", "", ""],
        vec!["5", "戊", "K3", "县级", "团历下区委", "", "370102", "", "", "", "", "", "", ""],
        vec!["6", "己", "U1", "高校", "山东大学团委", "", "历下区", "", "", "", "", "", "", ""],
        vec!["7", "庚", "E1", "企业", "某集团团委", "", "", "36.5", "117.25", "", "", "", "", ""],
        vec!["8"],
    ];
    let book = xlsx("名册", &rows);
    let r = read_roster(&book, "hand.xlsx", &region).unwrap_or_else(|e| panic!("{e}"));
    let seat = |code: &str| region.counties.iter().find(|k| k.code == code).unwrap().seat;
    let jinan = region.cities.iter().find(|c| c.code == "370100").unwrap().seat;
    let by = |id: &str| r.cadres.iter().find(|c| c.id == id).unwrap();
    assert_eq!(r.cadres.len(), 7, "the row with only 序号 is skipped");

    let p = by("P1");
    assert_eq!((p.name.as_str(), p.level, p.base), ("甲", Level::Province, region.province.seat));
    assert_eq!(p.unavailable_months, ["2027-05", "2028-10"]);
    assert_eq!(p.preferred_counties, ["370103", "370402"]);
    assert_eq!(p.active_years, [1, 2]);
    assert_eq!(p.mode, None);

    let c = by("C1");
    assert_eq!((c.home_city.as_deref(), c.base), (Some("370100"), jinan));
    assert_eq!(c.preferred_counties, ["370103"], "市中区 resolved within 所在市 济南市");
    assert_eq!((c.active_years.clone(), c.mode), (vec![2], Some(Mode::Mixed)));

    let k1 = by("K1");
    assert_eq!(k1.home_county.as_deref(), Some("370103"), "市中区 within 济南 (city written without 市)");
    assert_eq!((k1.base, k1.mode), (seat("370103"), Some(Mode::Weekly)));
    let k2 = by("K2");
    assert_eq!((k2.level, k2.home_county.as_deref(), k2.base), (Level::County, Some("370402"), seat("370402")));
    assert_eq!(by("K3").home_county.as_deref(), Some("370102"));
    let u = by("U1");
    assert_eq!((u.home_county.as_deref(), u.base), (Some("370102"), seat("370102")));
    assert_eq!(by("E1").base, Point { lat: 36.5, lon: 117.25 });

    assert!(
        r.warnings.iter().any(|w| w.message.contains("row 1") && w.message.contains("ignored")),
        "title row: {:?}",
        r.warnings
    );
    assert!(
        r.warnings.iter().any(|w| w.message.contains("column 序号 (A)") && w.message.contains("row 2")),
        "序号: {:?}",
        r.warnings
    );
    assert!(!r.warnings.iter().any(|w| w.message.contains("备注")), "备注 is a roster column: {:?}", r.warnings);
    let zh: Vec<String> = r.warnings.iter().map(|w| w.text(Lang::Zh)).collect();
    assert_eq!(zh[0], "hand.xlsx：第 1 行在表头行（第 2 行）之上，已忽略（是标题吗？）", "{zh:?}");
    assert!(
        zh.contains(&"hand.xlsx，工作表「名册」，第 2 行，「序号」列（A）：不是名册中的列，已忽略".to_string()),
        "{zh:?}"
    );
    assert_eq!(p.note.as_deref(), Some("省会"));
    assert_eq!(by("C1").note, None, "an empty 备注 is no note");

    let mut inst = fixture("shandong");
    inst.cadres = r.cadres;
    Prepared::new(&inst).expect("the hand-made roster makes a valid instance");
}

#[test]
fn date_and_number_cells_are_read() {
    let region = fixture("small").region;
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("其他").unwrap();
    ws.write_string(0, 0, "ignored").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("名册").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (j, h) in
        ["编号", "姓名", "级别", "单位", "所在县区", "到岗日期", "不可下沉月份", "副处级以上", "驻地纬度", "驻地经度"]
            .iter()
            .enumerate()
    {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 1001).unwrap();
    ws.write_string(1, 1, "张三").unwrap();
    ws.write_string(1, 2, "高校").unwrap();
    ws.write_string(1, 3, "中国石油大学团委").unwrap();
    ws.write_number(1, 4, 370502).unwrap();
    ws.write_datetime_with_format(1, 5, rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 7, 1).unwrap(), &date).unwrap();
    ws.write_datetime_with_format(1, 6, rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 5, 1).unwrap(), &date).unwrap();
    ws.write_boolean(1, 7, true).unwrap();
    ws.write_number(1, 8, 37.45).unwrap();
    ws.write_number(1, 9, 118.5).unwrap();
    let r = read_roster(&wb.save_to_buffer().unwrap(), "cells.xlsx", &region).unwrap_or_else(|e| panic!("{e}"));
    let c = &r.cadres[0];
    assert_eq!((c.id.as_str(), c.home_county.as_deref(), c.senior), ("1001", Some("370502"), true));
    assert_eq!(c.from, NaiveDate::from_ymd_opt(2027, 7, 1));
    assert_eq!(c.unavailable_months, ["2027-05"]);
    assert_eq!(c.base, Point { lat: 37.45, lon: 118.5 });
}

const HEAD: [&str; 10] =
    ["编号", "姓名", "级别", "单位", "所在市", "所在县区", "驻地纬度", "驻地经度", "不可下沉月份", "到岗日期"];

/// A good province cadre row with cell `col` replaced.
fn row_with<'a>(id: &'a str, col: &str, value: &'a str) -> Vec<&'a str> {
    let mut r = vec![id, "某人", "省级", "团省委", "", "", "", "", "", ""];
    if let Some(j) = HEAD.iter().position(|h| *h == col) {
        r[j] = value;
    }
    r
}

fn errors(bytes: &[u8], file: &str) -> SheetErrors {
    match read_roster(bytes, file, &fixture("shandong").region) {
        Ok(r) => panic!("accepted: {} cadres", r.cadres.len()),
        Err(e) => e,
    }
}

/// The only error of a one-bad-row xlsx sheet 名册 (header on row 1, the bad row on row 3).
fn only_error(col: &str, value: &str) -> SheetError {
    let rows = vec![HEAD.to_vec(), row_with("P1", "", ""), row_with("P2", col, value)];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_eq!(e.errors.len(), 1, "{e}");
    e.errors[0].clone()
}

#[track_caller]
fn assert_at(e: &SheetError, row: usize, column: &str, letter: &str, needles: &[&str]) {
    let text = e.to_string();
    let place = format!("roster.xlsx, sheet 名册, row {row}, column {column} ({letter}): ");
    assert!(text.starts_with(&place), "{text}\nshould start with {place}");
    assert_eq!(
        (e.sheet.as_deref(), e.row, e.column.as_deref(), e.letter.as_deref()),
        (Some("名册"), Some(row), Some(column), Some(letter))
    );
    for n in needles {
        assert!(text.contains(n), "{text}\nshould contain {n}");
    }
}

#[test]
fn not_a_spreadsheet() {
    for (bytes, why) in [
        (vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "not a readable .xls workbook"),
        (vec![0xB1, 0xE0, 0xBA, 0xFF, b',', 0xD0, 0xD5, 0xC3, 0xFB], "neither UTF-8 nor GBK"),
        (b"PK\x03\x04garbage".to_vec(), "not a readable xlsx"),
        (Vec::new(), "empty"),
        (vec![0x89, b'P', b'N', b'G', 0, 0, 0], "binary data"),
    ] {
        let e = errors(&bytes, "roster.bin");
        assert_eq!(e.errors.len(), 1);
        let text = e.errors[0].to_string();
        assert!(text.starts_with("roster.bin: "), "{text}");
        assert!(text.contains(why) && text.contains(".xlsx"), "{text}");
    }
    let zh = errors(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], "roster.bin").text(Lang::Zh);
    assert!(
        zh.contains("roster.bin：无法读取该 .xls 工作簿：请用表格软件打开，另存为 .xlsx 后再导入（技术细节："),
        "{zh}"
    );
}

#[test]
fn an_empty_sheet() {
    let e = errors(&xlsx("名册", &[]), "roster.xlsx");
    let text = e.errors[0].to_string();
    assert!(text.starts_with("roster.xlsx, sheet 名册: the sheet is empty"), "{text}");
    assert!(text.contains("编号, 姓名, 级别, 单位"), "{text}");
    let e = errors(&csv(&[vec!["", ""], vec![]]), "empty.csv");
    assert!(e.errors[0].to_string().starts_with("empty.csv: the sheet is empty"), "{e}");
}

#[test]
fn a_missing_required_header() {
    let rows = vec![vec!["编号", "级别", "单位", "备注"], vec!["P1", "省级", "团省委", "x"]];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_eq!(e.errors.len(), 1, "{e}");
    let text = e.errors[0].to_string();
    assert!(text.starts_with("roster.xlsx, sheet 名册, row 1, column 姓名: "), "{text}");
    assert!(text.contains("add a column headed 姓名"), "{text}");
    assert_eq!(
        e.errors[0].text(Lang::Zh),
        "roster.xlsx，工作表「名册」，第 1 行，「姓名」列：缺少必填列「姓名」：请在表头行添加一列，表头写「姓名」"
    );
}

#[test]
fn a_bad_month() {
    let e = only_error("不可下沉月份", "2027-13");
    assert_at(&e, 3, "不可下沉月份", "I", &["2027-13 is not a month", "2027-05", "2027年5月"]);
    assert_eq!(
        e.text(Lang::Zh),
        "roster.xlsx，工作表「名册」，第 3 行，「不可下沉月份」列（I）：“2027-13”不是月份：请写作 2027-05、2027年5月 或 2027/5"
    );
}

#[test]
fn an_unknown_county() {
    let e = only_error("所在县区", "历下县");
    assert_at(&e, 3, "所在县区", "F", &["unknown county 历下县", "did you mean 历下区", "县区 sheet"]);
    let zh = e.text(Lang::Zh);
    assert!(
        zh.starts_with("roster.xlsx，工作表「名册」，第 3 行，「所在县区」列（F）：找不到县区“历下县”，是否指“历下区”"),
        "{zh}"
    );
    assert!(zh.ends_with("？山东省没有这个名称的县区；请填写模板「县区」工作表中的名称或 6 位代码"), "{zh}");
}

#[test]
fn an_ambiguous_county() {
    let e = only_error("所在县区", "市中区");
    assert_at(
        &e,
        3,
        "所在县区",
        "F",
        &["市中区 is ambiguous", "济南市市中区 (370103)", "枣庄市市中区 (370402)", "or fill 所在市"],
    );
    let zh = e.text(Lang::Zh);
    assert!(zh.contains("：“市中区”有重名：") && zh.contains("济南市市中区（370103）、"), "{zh}");
    assert!(zh.ends_with("；也可以填写「所在市」"), "{zh}");
}

#[test]
fn a_county_outside_its_city() {
    let rows = vec![HEAD.to_vec(), vec!["K1", "某人", "县级", "团东营区委", "济南市", "东营区", "", "", "", ""]];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_at(&e.errors[0], 2, "所在县区", "F", &["东营区 is in 东营市, not in 所在市 济南市"]);
}

#[test]
fn a_bad_level() {
    let e = only_error("级别", "乡级");
    assert_at(&e, 3, "级别", "C", &["乡级 is not a level", "省级, 市级, 县级, 高校, 企业"]);
    assert_eq!(
        e.text(Lang::Zh),
        "roster.xlsx，工作表「名册」，第 3 行，「级别」列（C）：“乡级”不是级别：请填写省级、市级、县级、高校或企业"
    );
}

#[test]
fn a_missing_name_or_id() {
    let e = only_error("姓名", "");
    assert_at(&e, 3, "姓名", "B", &["姓名 is empty"]);
    let e = only_error("编号", "");
    assert_at(&e, 3, "编号", "A", &["编号 is empty"]);
}

#[test]
fn a_duplicate_id_names_both_rows() {
    let rows = vec![HEAD.to_vec(), row_with("P1", "", ""), row_with("P2", "", ""), row_with("P1", "", "")];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_at(&e.errors[0], 4, "编号", "A", &["P1 appears twice (rows 2 and 4)"]);
    assert_eq!(
        e.errors[0].text(Lang::Zh),
        "roster.xlsx，工作表「名册」，第 4 行，「编号」列（A）：编号 P1 重复出现（第 2 行和第 4 行），请给每名干部一个不同的编号"
    );
    assert!(
        e.text(Lang::Zh).starts_with("名册中有 1 处问题：\n  - roster.xlsx，工作表「名册」"),
        "{}",
        e.text(Lang::Zh)
    );
}

#[test]
fn a_bad_number() {
    let mut row = row_with("P2", "驻地纬度", "三十六");
    row[7] = "117";
    let rows = vec![HEAD.to_vec(), row];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_at(&e.errors[0], 2, "驻地纬度", "G", &["三十六 is not a number"]);
    let e = only_error("驻地经度", "117");
    assert_at(&e, 3, "驻地纬度", "G", &["give both 驻地纬度 and 驻地经度"]);
    let mut row = row_with("P3", "驻地纬度", "95");
    row[7] = "117";
    let e = errors(&xlsx("名册", &[HEAD.to_vec(), row]), "roster.xlsx");
    assert_at(&e.errors[0], 2, "驻地纬度", "G", &["95 is not a latitude in [-90, 90]"]);
}

#[test]
fn a_bad_date() {
    let e = only_error("到岗日期", "2027-02-30");
    assert_at(&e, 3, "到岗日期", "J", &["2027-02-30 is not a date", "YYYY-MM-DD"]);
}

#[test]
fn a_city_cadre_without_its_city() {
    let rows = vec![HEAD.to_vec(), vec!["C1", "某人", "市级", "团济南市委", "", "", "", "", "", ""]];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_at(&e.errors[0], 2, "所在市", "E", &["a 市级 cadre needs 所在市"]);
}

#[test]
fn a_university_cadre_without_a_location() {
    let rows = vec![HEAD.to_vec(), vec!["U1", "某人", "高校", "某大学团委", "", "", "", "", "", ""]];
    let e = errors(&xlsx("名册", &rows), "roster.xlsx");
    assert_at(&e.errors[0], 2, "驻地纬度", "G", &["fill 驻地纬度 and 驻地经度, or 所在县区 / 所在市"]);
}

#[test]
fn csv_errors_name_file_row_and_column_and_all_are_collected() {
    let mut rows = vec![HEAD.to_vec()];
    for _ in 0..120 {
        rows.push(row_with("X", "级别", "乡级"));
    }
    let e = errors(&csv(&rows), "bad.csv");
    assert_eq!(e.errors.len(), 100);
    assert!(e.more > 100, "duplicates and levels beyond the first 100 are counted: {}", e.more);
    let first = e.errors[0].to_string();
    assert!(first.starts_with("bad.csv, row 2, column 级别 (C): 乡级 is not a level"), "{first}");
    assert_eq!(e.errors[0].sheet.as_deref(), Some("bad.csv"));
    assert!(e.to_string().contains("only the first 100 are listed"));
}

#[test]
fn the_first_sheet_is_read_without_a_sheet_named_roster() {
    let rows = vec![HEAD.to_vec(), row_with("P1", "级别", "乡级")];
    let e = errors(&xlsx("Sheet1", &rows), "roster.xlsx");
    assert!(e.errors[0].to_string().starts_with("roster.xlsx, sheet Sheet1, row 2, column 级别 (C)"), "{e}");
}

#[test]
fn the_template_lists_headers_columns_and_counties() {
    let region = fixture("shandong").region;
    let book = template_xlsx(&region).unwrap();
    let s = sheets(&book);
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["名册", "说明", "县区"]);
    assert_eq!(s[0].1.len(), 1, "名册 holds only the header row");
    assert_eq!(s[0].1[0][..4], ["编号", "姓名", "级别", "单位"]);
    assert_eq!(s[0].1[0].len(), 22);
    assert_eq!(s[0].1[0][18..], ["性别", "职务", "联系电话", "备注"]);
    let explained: Vec<&str> = s[1].1[1..23].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        explained,
        s[0].1[0].iter().map(String::as_str).collect::<Vec<_>>(),
        "说明 explains every column in order"
    );
    assert_eq!(s[2].1[0], ["市", "县区", "代码", "备注"]);
    assert_eq!(s[2].1.len(), 1 + region.counties.len());
    let zaozhuang = s[2].1.iter().find(|r| r[2] == "370402").unwrap();
    assert_eq!(zaozhuang[..2], ["枣庄市", "市中区"]);
    assert!(zaozhuang[3].contains("枣庄市市中区"), "{zaozhuang:?}");
    let r = read_roster(&book, "template.xlsx", &region).unwrap();
    assert!(r.cadres.is_empty());
}

#[test]
fn content_far_beyond_a_roster_is_refused_without_reading_the_whole_range() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("名册").unwrap();
    for (c, h) in HEAD.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let e = errors(&wb.save_to_buffer().unwrap(), "roster.xlsx");
    let text = e.to_string();
    assert!(text.contains("beyond row") && text.contains("row 1048576"), "{text}");
}

#[test]
fn a_workbook_that_unpacks_to_gigabytes_is_refused() {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&block).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 2 << 20, "a small upload ({} bytes)", bytes.len());
    let text = errors(&bytes, "bomb.xlsx").to_string();
    assert!(text.contains("unpacks to more than 128 MiB"), "{text}");
}

/// Set every "uncompressed size" field of a zip (local headers and central directory) to
/// `size`: the archive then lies about what it holds.
fn lie_about_sizes(bytes: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= bytes.len() {
        match &bytes[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            [0x50, 0x4b, 0x01, 0x02] => bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

/// The check counts the bytes that really inflate (issue: a 3 MB workbook declaring 1,000
/// bytes reached 1.5 GB in memory).
#[test]
fn a_workbook_that_lies_about_its_size_is_refused_while_it_inflates() {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&block).unwrap();
    }
    let mut bytes = zip.finish().unwrap().into_inner();
    lie_about_sizes(&mut bytes, 1000);
    let text = errors(&bytes, "liar.xlsx").to_string();
    assert!(text.contains("unpacks to more than 128 MiB"), "{text}");
}

/// Formula injection (OWASP): names a spreadsheet would run come out defused in every CSV,
/// and a roster CSV still reads back exactly.
#[test]
fn csv_cells_never_start_a_formula_and_round_trip_exactly() {
    let mut inst = fixture("small");
    let armed = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+86 138", "-张", "@SUM(A1:A9)", "'=already", "-=x"];
    for (c, name) in inst.cadres.iter_mut().zip(armed) {
        c.name = name.to_string();
    }
    inst.cadres[7].unit = "=团市委".into();
    inst.cadres[8].strengths = vec!["=cmd|' /C calc'!A0".into()];
    let text = roster_csv(&inst);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell:?}");
            assert!(!cell.starts_with('-') || cell.parse::<f64>().is_ok(), "{cell:?}");
        }
    }
    let back = read_roster(text.as_bytes(), "roster.csv", &inst.region).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.cadres, inst.cadres, "the round trip stays exact");
}

/// The workbook with `edit` applied to its part `name` (the archive stays valid).
fn with_part_edited(xlsx: &[u8], name: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    use std::io::{Read as _, Write as _};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    assert!(names.iter().any(|n| n == name), "{name} is not in {names:?}");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for n in &names {
        let mut data = Vec::new();
        archive.by_name(n).unwrap().read_to_end(&mut data).unwrap();
        if n == name {
            data = edit(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(n.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A cell naming a shared string the table lacks made calamine 0.30 panic (an index out of
/// bounds, found by `tests/fuzz.rs`): it is refused, with the reason, before calamine reads it.
#[test]
fn a_cell_naming_a_missing_shared_string_is_refused_before_the_reader_panics() {
    let inst = fixture("small");
    let book = roster_xlsx(&inst).unwrap();
    let broken = with_part_edited(&book, "xl/worksheets/sheet1.xml", |xml| {
        let at = xml.find("t=\"s\"").expect("a shared-string cell");
        let v = at + xml[at..].find("<v>").unwrap() + 3;
        let end = v + xml[v..].find("</v>").unwrap();
        format!("{}7923{}", &xml[..v], &xml[end..])
    });
    let text = errors(&broken, "roster.xlsx").to_string();
    assert!(text.contains("names shared string 7923"), "{text}");
    // An empty table with a shared-string cell is the same fault (calamine reads index 0).
    let empty = with_part_edited(&book, "xl/sharedStrings.xml", |xml| {
        let start = xml.find("<si>").unwrap();
        let end = xml.rfind("</si>").unwrap() + "</si>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    });
    let text = errors(&empty, "roster.xlsx").to_string();
    assert!(text.contains("the workbook has 0"), "{text}");
    // The workbook as written still reads.
    assert_eq!(read_roster(&book, "roster.xlsx", &inst.region).unwrap().cadres, inst.cadres);
}

/// What planners type (issue 11, item 7): √ for 是, 4+1 for 每周, calendar years, full-width
/// digits and letters, a name padded with a full-width space, the city before its county
/// without 市 — all read; two cadres of one name read with a warning naming both rows; and
/// the whole file saved as GBK, as Excel on Chinese Windows does.
#[test]
fn a_roster_in_the_forms_planners_type_imports() {
    let inst = fixture("shandong");
    let rows = vec![
        vec!["编号", "姓名", "级别", "单位", "副处级以上", "所在市", "所在县区", "参加年度", "工作方式"],
        vec!["Ｐ００１", "王　五", "省级", "团省委", "√", "", "", "2027、2028", ""],
        vec!["K1", "李四", "县级", "团历下区委", "×", "", "济南历下区", "2028年", "4＋1"],
        vec!["K2", "李四", "县级", "团章丘区委", "", "济南市", "章丘区", "第一年", "4+1"],
        vec!["K3", "赵六", "县级", "团市中区委", "", "", "济南市中区", "", ""],
    ];
    let utf8 = csv(&rows);
    let text = std::str::from_utf8(&utf8).unwrap().trim_start_matches('\u{feff}');
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&gbk).is_err(), "the test file must not be UTF-8");
    let read = sanlian_files::read_roster_for(&gbk, "名册.csv", &inst).unwrap_or_else(|e| panic!("{e}"));
    let c = &read.cadres;
    assert_eq!((c[0].id.as_str(), c[0].name.as_str(), c[0].senior), ("P001", "王五", true));
    assert_eq!(c[0].active_years, [1, 2]);
    assert_eq!((c[1].home_county.as_deref(), c[1].senior, c[1].mode), (Some("370102"), false, Some(Mode::Weekly)));
    assert_eq!(c[1].active_years, [2]);
    assert_eq!((c[2].home_county.as_deref(), c[2].active_years.as_slice()), (Some("370114"), &[1u8][..]));
    assert_eq!(c[3].home_county.as_deref(), Some("370103"), "济南 + 市中区, not 济南市 + 中区");
    let warnings = read.warnings.iter().map(|w| w.message.as_str()).collect::<Vec<_>>().join("\n");
    assert!(warnings.contains("read as GBK"), "{warnings}");
    assert!(warnings.contains("2 cadres are named 李四: row 3 (K1), row 4 (K2)"), "{warnings}");
    let zh: Vec<String> = read.warnings.iter().map(|w| w.text(Lang::Zh)).collect();
    assert!(zh.contains(&"名册.csv：已按 GBK 编码读取（不是 UTF-8）：请核对姓名等文字是否正确".to_string()), "{zh:?}");
    assert!(
        zh.contains(
            &"名册.csv，第 3 行，「姓名」列：有 2 名干部都叫“李四”：第 3 行（K1）、第 4 行（K2）；他们只能靠编号区分，请核实确是不同的人"
                .to_string()
        ),
        "{zh:?}"
    );
    // Calendar years need the plan's years: without the instance they are refused, saying so.
    let e = errors(&utf8, "名册.csv").to_string();
    assert!(e.contains("2027、2028 is not a set of plan years"), "{e}");
}

/// Misspelt county names get suggestions by edit distance, not by prefix only.
#[test]
fn misspelt_counties_are_suggested_by_edit_distance() {
    let inst = fixture("shandong");
    for (typed, meant) in [("历夏区", "历下区"), ("章邱区", "章丘区"), ("济南市历夏区", "历下区")]
    {
        let rows = vec![vec!["编号", "姓名", "级别", "单位", "所在县区"], vec!["K1", "甲", "县级", "团县委", typed]];
        let e = sanlian_files::read_roster_for(&csv(&rows), "r.csv", &inst).unwrap_err().to_string();
        assert!(e.contains(&format!("did you mean {meant}")), "{typed}: {e}");
    }
}

/// A legacy Excel workbook (fixtures/small/roster.xls, made by LibreOffice from the template:
/// scripts/make-roster-fixtures.sh) imports as exactly the roster it was made from; a WPS .et
/// (the same OLE2 container) is read the same way, and a cut or corrupted one is refused.
#[test]
fn an_xls_roster_imports() {
    let inst = fixture("small");
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/small/roster.xls");
    let bytes = std::fs::read(path).unwrap();
    for name in ["roster.xls", "roster.et"] {
        let r = read_roster(&bytes, name, &inst.region).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.cadres, inst.cadres, "{name}");
    }
    for cut in [600, bytes.len() / 2] {
        let e = errors(&bytes[..cut], "cut.xls");
        assert!(e.to_string().contains("cut.xls"), "{e}");
    }
}

/// Every problem of a roster broken in many ways reads in Chinese without English: no ASCII
/// word of three or more letters but the file's name, ids and the few file kinds and codes
/// the messages name on purpose.
#[test]
fn a_broken_roster_reads_in_chinese_without_english() {
    let inst = fixture("shandong");
    let head = [
        "编号",
        "姓名",
        "级别",
        "单位",
        "副处级以上",
        "所在市",
        "所在县区",
        "驻地纬度",
        "驻地经度",
        "意向县区",
        "上轮县区",
        "不可下沉月份",
        "参加年度",
        "工作方式",
        "到岗日期",
        "离岗日期",
    ];
    let rows = vec![
        vec!["干部名册"],
        head.to_vec(),
        vec!["A1", "", "乡级", "团省委", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["A1", "甲", "省级", "", "可能", "", "", "", "", "", "", "2027-13", "3", "偶尔", "2027-02-30", ""],
        vec!["", "乙", "市级", "团市委", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["A3", "丙", "县级", "团县委", "", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["A4", "丁", "县级", "团县委", "", "济南市", "东营区", "", "", "", "", "", "", "", "", ""],
        vec!["A5", "戊", "县级", "团县委", "", "", "历夏区", "", "", "", "", "", "", "", "", ""],
        vec!["A6", "己", "县级", "团县委", "", "", "市中区", "", "", "", "", "", "", "", "", ""],
        vec!["A7", "庚", "市级", "团市委", "", "无此市", "", "", "", "", "", "", "", "", "", ""],
        vec!["A8", "辛", "市级", "团市委", "", "370102", "", "", "", "", "", "", "", "", "", ""],
        vec!["A9", "壬", "县级", "团县委", "", "", "370100", "", "", "999999", "", "", "", "", "", ""],
        vec!["B1", "癸", "高校", "某大学", "", "", "", "", "", "", "济南市东营区", "", "", "", "", ""],
        vec!["B2", "子", "企业", "某企业", "", "", "", "三十六", "117", "", "", "", "", "", "", ""],
        vec!["B3", "丑", "企业", "某企业", "", "", "", "95", "", "", "", "", "", "", "", ""],
        vec!["B4", "寅", "企业", "某企业", "", "", "", "36", "200", "", "", "", "", "", "", ""],
        vec!["B5", "卯", "省级", "团省委", "", "", "", "", "", "", "", "", "2031", "", "", ""],
    ];
    let e = sanlian_files::read_roster_for(&xlsx("名册", &rows), "broken.xlsx", &inst).unwrap_err();
    let codes: std::collections::BTreeSet<&str> = e.errors.iter().map(|p| p.msg.code.as_str()).collect();
    assert!(codes.len() >= 18, "many kinds of problem: {codes:?}");
    const ALLOWED: [&str; 6] = ["broken", "xlsx", "ods", "GBK", "UTF", "CSV"];
    let mut texts = vec![e.text(Lang::Zh)];
    texts.extend(e.errors.iter().map(|p| p.text(Lang::Zh)));
    // The file-level problems and the warnings too.
    for bytes in [&b""[..], b"PK\x05\x06", &[0xFF, 0xFE, 0x41][..], &[0xB1, 0xE0, 0xFF, 0xFF][..]] {
        texts.push(errors(bytes, "broken.xlsx").text(Lang::Zh));
    }
    texts.push(errors(&xlsx("名册", &[vec!["甲"], vec!["乙"]]), "broken.xlsx").text(Lang::Zh));
    let dup = vec![vec!["编号", "姓名", "级别", "单位", "编号", "其他"], vec!["A1", "甲", "省级", "团省委", "A2", "x"]];
    texts.push(errors(&xlsx("名册", &dup), "broken.xlsx").text(Lang::Zh));
    let warned = vec![
        vec!["标题"],
        vec!["编号", "姓名", "级别", "单位", "", "其他"],
        vec!["A1", "甲", "省级", "团省委", "y", "x"],
    ];
    let r = sanlian_files::read_roster_for(&xlsx("名册", &warned), "broken.xlsx", &inst).unwrap();
    assert_eq!(r.warnings.len(), 3, "{:?}", r.warnings);
    texts.extend(r.warnings.iter().map(|w| w.text(Lang::Zh)));
    for text in &texts {
        let words: Vec<&str> =
            text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3 && !ALLOWED.contains(w)).collect();
        assert!(words.is_empty(), "English {words:?} in: {text}");
        assert!(!text.contains('"') && !text.contains('\''), "ASCII quotes in: {text}");
    }
}

/// An OpenDocument spreadsheet in an archive of `entries` (name, bytes), stored as LibreOffice
/// stores them: `mimetype` first and uncompressed.
fn ods_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, if *name == "mimetype" { stored } else { deflated }).unwrap();
        zip.write_all(bytes).unwrap();
    }
    if !entries.iter().any(|(name, _)| *name == "META-INF/manifest.xml") {
        zip.start_file("META-INF/manifest.xml", deflated).unwrap();
        zip.write_all(br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#)
            .unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// `content.xml` of one sheet 名册 holding `rows` (table-row elements).
fn ods_content(rows: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="名册">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .into_bytes()
}

fn ods_text(t: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
}

const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// An OpenDocument workbook (fixtures/small/roster.ods, made by LibreOffice from the template:
/// scripts/make-roster-fixtures.sh) imports as exactly the roster it was made from, the same
/// as the xlsx and the xls; a cut one, one of another kind and one declaring too much are
/// refused with a reason, without a panic.
#[test]
fn an_ods_roster_imports() {
    let inst = fixture("small");
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/small");
    let bytes = std::fs::read(dir.join("roster.ods")).unwrap();
    let r = read_roster(&bytes, "roster.ods", &inst.region).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.cadres, inst.cadres);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let xls = read_roster(&std::fs::read(dir.join("roster.xls")).unwrap(), "roster.xls", &inst.region).unwrap();
    let xlsx = read_roster(&roster_xlsx(&inst).unwrap(), "roster.xlsx", &inst.region).unwrap();
    assert_eq!((&xls.cadres, &xlsx.cadres), (&r.cadres, &r.cadres));
    // LibreOffice's own xlsx (an archive with data descriptors, which declares no total size).
    let lo = std::fs::read(dir.join("roster-libreoffice.xlsx")).unwrap();
    assert_eq!(read_roster(&lo, "roster.xlsx", &inst.region).unwrap_or_else(|e| panic!("{e}")).cadres, inst.cadres);

    // A hand-made one, with the problems located as in any other workbook.
    let header: String = ["编号", "姓名", "级别", "单位"].iter().map(|h| ods_text(h)).collect();
    let good = format!("<table:table-row>{}</table:table-row>", ["P1", "甲", "省级", "团省委"].map(ods_text).concat());
    let bad = format!("<table:table-row>{}</table:table-row>", ["P2", "乙", "乡级", "团省委"].map(ods_text).concat());
    let rows = format!("<table:table-row>{header}</table:table-row>{good}{bad}");
    let e = errors(&ods_of(&[("mimetype", ODS_MIME), ("content.xml", &ods_content(&rows))]), "hand.ods");
    assert_eq!(e.errors.len(), 1, "{e}");
    assert!(
        e.errors[0].to_string().starts_with("hand.ods, sheet 名册, row 3, column 级别 (C): 乡级 is not a level"),
        "{e}"
    );
    let ok = ods_of(&[
        ("mimetype", ODS_MIME),
        ("content.xml", &ods_content(&format!("<table:table-row>{header}</table:table-row>{good}"))),
    ]);
    assert_eq!(read_roster(&ok, "hand.ods", &inst.region).unwrap().cadres.len(), 1);

    let refused = |bytes: &[u8], needle: &str| {
        let e = errors(bytes, "bad.ods");
        assert_eq!(e.errors.len(), 1, "{e}");
        let text = e.to_string();
        assert!(text.contains("bad.ods") && text.contains(needle), "{needle}: {text}");
        let zh = e.text(Lang::Zh);
        assert!(zh.contains("bad.ods：") && !zh.contains("not a"), "{zh}");
        text
    };
    for cut in [100, bytes.len() / 2, bytes.len() - 30] {
        let e = errors(&bytes[..cut], "cut.ods");
        assert!(e.to_string().contains("cut.ods"), "{e}");
    }
    refused(
        &ods_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", &ods_content(""))]),
        "mimetype is application/vnd.oasis.opendocument.text",
    );
    refused(
        &ods_of(&[("mimetype", ODS_MIME), ("content.xml", b"<office:document-content><table:table")]),
        "not a readable .ods workbook",
    );
    refused(&ods_of(&[("mimetype", ODS_MIME)]), "not a readable .ods workbook");
    // Repeats that would make calamine hold billions of cells.
    let wide = r#"<table:table-row><table:table-cell table:number-columns-repeated="1000000000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    refused(
        &ods_of(&[("mimetype", ODS_MIME), ("content.xml", &ods_content(wide))]),
        "has content beyond row 200000 or column 256",
    );
    let tall =
        format!(r#"<table:table-row table:number-rows-repeated="1000000000">{}</table:table-row>"#, ods_text("x"));
    refused(&ods_of(&[("mimetype", ODS_MIME), ("content.xml", &ods_content(&tall))]), "has content beyond row 200000");
    let gaps = r#"<table:table-row><table:table-cell table:number-columns-repeated="200000"/><table:table-cell/></table:table-row>"#.repeat(20);
    refused(
        &ods_of(&[("mimetype", ODS_MIME), ("content.xml", &ods_content(&gaps))]),
        "or column 256 (at row 16, column 200000)",
    );
    // Within a sheet's rows and columns, but a dense range of 199,000 × 250 cells.
    let dense = r#"<table:table-row table:number-rows-repeated="199000"><table:table-cell table:number-columns-repeated="250" office:value-type="float" office:value="1"/></table:table-row>"#;
    refused(&ods_of(&[("mimetype", ODS_MIME), ("content.xml", &ods_content(dense))]), "unpacks to more than 128 MiB");
    // A password-protected one.
    let manifest = br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/></manifest:file-entry></manifest:manifest>"#;
    let locked = ods_of(&[("mimetype", ODS_MIME), ("META-INF/manifest.xml", manifest), ("content.xml", b"\x8f\x01")]);
    assert_eq!(refused(&locked, "password-protected"), "1 problem(s) in the roster:\n  - bad.ods: the workbook is password-protected; remove the password and save it again");
    assert!(errors(&locked, "bad.ods").text(Lang::Zh).ends_with("bad.ods：工作簿设有密码：请去掉密码后另存，再导入"));
    // A content.xml that inflates past the cap.
    let mut huge = ods_content("");
    huge.extend(std::iter::repeat_n(b' ', 129 << 20));
    refused(&ods_of(&[("mimetype", ODS_MIME), ("content.xml", &huge)]), "unpacks to more than 128 MiB");
}
