//! What the Word documents share: page sizes, the CJK font, runs, table cells, and the
//! compact text of a cadre's block months.

use docx_rs::{
    AlignmentType, BreakType, Docx, PageMargin, PageOrientationType, Paragraph, Run, RunFonts, TableCell, VAlignType,
    WidthType,
};
use sanlian_model::YearAssignment;

use crate::FilesError;

/// The Chinese font of every document: a Song (serif) face that LibreOffice finds once
/// `scripts/setup.sh --office` has installed fonts-noto-cjk. Word without it substitutes its
/// default Chinese font.
pub const CJK_FONT: &str = "Noto Serif CJK SC";
/// The font of Latin letters and digits.
pub const LATIN_FONT: &str = "Times New Roman";

/// A4 in twentieths of a point (portrait), and 2 cm margins.
pub(crate) const A4: (u32, u32) = (11906, 16838);
pub(crate) const MARGIN: i32 = 1134;
/// Sizes in half-points: 二号 title, 小二, 三号 text, 四号, 五号 table, 小五.
pub(crate) const TITLE_SIZE: usize = 44;
pub(crate) const SUBTITLE_SIZE: usize = 36;
pub(crate) const TEXT_SIZE: usize = 32;
pub(crate) const SMALL_TEXT_SIZE: usize = 28;
pub(crate) const TABLE_SIZE: usize = 21;
pub(crate) const SMALL_TABLE_SIZE: usize = 18;

/// The run fonts: [`CJK_FONT`] for Chinese, [`LATIN_FONT`] for the rest.
pub(crate) fn fonts() -> RunFonts {
    RunFonts::new().east_asia(CJK_FONT).ascii(LATIN_FONT).hi_ansi(LATIN_FONT).cs(LATIN_FONT)
}

/// An empty A4 document with 2 cm margins, portrait or landscape, in the documents' fonts.
pub(crate) fn document(landscape: bool) -> Docx {
    let margins = PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN);
    let doc = Docx::new().page_margin(margins).default_fonts(fonts());
    if landscape {
        doc.page_size(A4.1, A4.0).page_orient(PageOrientationType::Landscape)
    } else {
        doc.page_size(A4.0, A4.1)
    }
}

/// Usable width between the margins, in twentieths of a point.
#[cfg(test)]
pub(crate) fn text_width(landscape: bool) -> usize {
    (if landscape { A4.1 } else { A4.0 }) as usize - 2 * MARGIN as usize
}

/// A run of `text` at `size` half-points in the documents' fonts.
pub(crate) fn run(text: &str, size: usize) -> Run {
    let r = Run::new().size(size).fonts(fonts());
    if text.is_empty() {
        r
    } else {
        r.add_text(text)
    }
}

/// A paragraph of one run.
pub(crate) fn para(text: &str, size: usize) -> Paragraph {
    Paragraph::new().add_run(run(text, size))
}

/// A table cell `width` wide holding `text` (lines split at `\n`), centred.
pub(crate) fn cell(text: &str, width: usize, size: usize, bold: bool) -> TableCell {
    cell_aligned(text, width, size, bold, AlignmentType::Center)
}

/// [`cell`] with its own alignment.
pub(crate) fn cell_aligned(text: &str, width: usize, size: usize, bold: bool, align: AlignmentType) -> TableCell {
    let mut p = Paragraph::new().align(align);
    for (k, line) in text.split('\n').enumerate() {
        let mut r = if k > 0 { run("", size).add_break(BreakType::TextWrapping) } else { run("", size) };
        r = r.add_text(line);
        p = p.add_run(if bold { r.bold() } else { r });
    }
    TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Center).add_paragraph(p)
}

/// The document as .docx bytes.
pub(crate) fn pack(doc: Docx) -> Result<Vec<u8>, FilesError> {
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| FilesError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// A cadre's block months, one line per year: "2027年5月、10月". A block that is not a whole
/// month gives its days, "2027年5月10日–31日".
pub(crate) fn months_by_year(years: &[YearAssignment]) -> Vec<String> {
    use chrono::Datelike;
    years
        .iter()
        .filter(|y| !y.blocks.is_empty())
        .map(|y| {
            let items: Vec<String> = y
                .blocks
                .iter()
                .map(|b| {
                    let (f, l) = (b.first_day, b.last_day);
                    let whole = f.day() == 1 && l.succ_opt().is_none_or(|n| n.day() == 1);
                    if whole {
                        format!("{}月", f.month())
                    } else {
                        format!("{}月{}日–{}日", f.month(), f.day(), l.day())
                    }
                })
                .collect();
            format!("{}年{}", y.year, items.join("、"))
        })
        .collect()
}

/// A number of 1–10 in Chinese (一…十), else in digits.
pub(crate) fn zh_count(n: u32) -> String {
    const DIGITS: [&str; 10] = ["一", "两", "三", "四", "五", "六", "七", "八", "九", "十"];
    DIGITS.get((n as usize).wrapping_sub(1)).map_or_else(|| n.to_string(), |d| d.to_string())
}

/// The Party committee of a county as its organisation department is addressed: a district's
/// is named with its city or municipality (中共济南市历下区委, 中共北京市东城区委); a county's, a
/// county-level city's or a district directly under a province alone (中共平阴县委, 中共新泰市委,
/// 中共神农架林区委).
pub(crate) fn county_committee(city_name: &str, county_name: &str) -> String {
    let under_province = city_name.ends_with('省') || city_name.ends_with("自治区");
    if county_name.ends_with('区') && !under_province {
        format!("中共{city_name}{county_name}委")
    } else {
        format!("中共{county_name}委")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn months_read_per_year_and_committees_per_kind() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let block = |f: NaiveDate, l: NaiveDate| sanlian_model::Block {
            month: f.format("%Y-%m").to_string(),
            first_day: f,
            last_day: l,
        };
        let years = vec![
            YearAssignment {
                year: 2027,
                township: "t".into(),
                blocks: vec![block(d(2027, 5, 1), d(2027, 5, 31)), block(d(2027, 10, 1), d(2027, 10, 31))],
                weekday: None,
            },
            YearAssignment {
                year: 2028,
                township: "u".into(),
                blocks: vec![block(d(2028, 2, 1), d(2028, 2, 29)), block(d(2028, 6, 10), d(2028, 6, 30))],
                weekday: None,
            },
        ];
        assert_eq!(months_by_year(&years), ["2027年5月、10月", "2028年2月、6月10日–30日"]);
        assert_eq!(county_committee("济南市", "历下区"), "中共济南市历下区委");
        assert_eq!(county_committee("泰安市", "新泰市"), "中共新泰市委");
        assert_eq!(county_committee("北京市", "东城区"), "中共北京市东城区委");
        assert_eq!(county_committee("湖北省", "神农架林区"), "中共神农架林区委");
        assert_eq!(county_committee("新疆维吾尔自治区", "石河子市"), "中共石河子市委");
        assert_eq!(zh_count(2), "两");
        assert_eq!(zh_count(12), "12");
    }

    #[test]
    fn every_table_fits_between_the_margins() {
        let sum = |w: &[(&str, usize)]| w.iter().map(|(_, w)| w).sum::<usize>();
        assert!(sum(&crate::letters::COLUMNS) <= text_width(false));
        assert!(sum(&crate::checkin::COLUMNS) <= text_width(false));
        assert!(sum(&crate::budget::DOCX_COLUMNS) <= text_width(true));
    }
}
