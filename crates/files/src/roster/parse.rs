//! Parsers of single roster cells. Each returns the value or the reason with what to write.

use chrono::NaiveDate;
use sanlian_model::{Level, Mode};

use super::grid::{narrow, Cell};

/// Separators accepted between list items: 、，,;；
pub(crate) const SEPARATORS: [char; 5] = ['、', '，', ',', ';', '；'];

/// The items of a list cell, trimmed, empty ones dropped.
pub(crate) fn list(text: &str) -> Vec<String> {
    text.split(SEPARATORS).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// 省级/市级/县级/高校/企业, or the JSON ids.
pub(crate) fn level(text: &str) -> Result<Level, String> {
    let t = text.trim();
    Level::ALL.into_iter().find(|l| l.zh() == t || l.id().eq_ignore_ascii_case(t)).ok_or_else(|| {
        format!("{t} is not a level; write one of 省级, 市级, 县级, 高校, 企业 (or province, city, county, university, enterprise)")
    })
}

/// 是/否 (empty = 否), √/×, true/false, 1/0, yes/no.
pub(crate) fn yes_no(cell: &Cell) -> Result<bool, String> {
    if let Cell::Bool(b) = cell {
        return Ok(*b);
    }
    let t = narrow(&cell.text()?).trim().to_string();
    match t.to_ascii_lowercase().as_str() {
        "" | "否" | "×" | "✗" | "✘" | "false" | "0" | "no" | "n" => Ok(false),
        "是" | "√" | "✓" | "✔" | "true" | "1" | "yes" | "y" => Ok(true),
        _ => Err(format!("{t} is not 是 or 否; write 是 (or √), 否 or leave it empty (= 否)")),
    }
}

/// 集中/每周/混合 or blocks/weekly/mixed.
pub(crate) fn mode(text: &str) -> Result<Mode, String> {
    match narrow(text).trim().to_ascii_lowercase().as_str() {
        "集中" | "blocks" => Ok(Mode::Blocks),
        "每周" | "4+1" | "weekly" => Ok(Mode::Weekly),
        "混合" | "mixed" => Ok(Mode::Mixed),
        t => Err(format!(
            "{t} is not a mode of work; write 集中, 每周 (or 4+1) or 混合 (or blocks, weekly, mixed), or leave it empty for the level's mode"
        )),
    }
}

/// The plan years a cadre serves, e.g. "1、2", "1" or "2", or as calendar years ("2027、2028",
/// "2028年") when the plan's `first_year` is known; empty = both.
pub(crate) fn years(text: &str, first_year: Option<i32>) -> Result<Vec<u8>, String> {
    let items = list(&narrow(text));
    if items.is_empty() {
        return Ok(vec![1, 2]);
    }
    let calendar = |y: &str| -> Option<u8> {
        let first = first_year?;
        let year: i32 = y.trim_end_matches('年').trim().parse().ok()?;
        [1u8, 2].into_iter().find(|&i| year == first + i as i32 - 1)
    };
    let plan_years = first_year.map_or_else(String::new, |f| format!(", or the calendar years {f}、{}", f + 1));
    let mut out: Vec<u8> = Vec::new();
    for y in &items {
        let year = match y.as_str() {
            "1" | "第一年" => 1,
            "2" | "第二年" => 2,
            other => calendar(other).ok_or_else(|| {
                format!("{text} is not a set of plan years; write 1, 2 or 1、2{plan_years} (empty = both years)")
            })?,
        };
        if !out.contains(&year) {
            out.push(year);
        }
    }
    out.sort();
    Ok(out)
}

/// Numbers separated by - / . 年 月 日 (a trailing 日 or 月 allowed), e.g. "2027年5月" → [2027, 5].
fn date_parts(text: &str) -> Option<Vec<u32>> {
    let text = narrow(text);
    let t = text.trim().trim_end_matches(['日', '号', '月']);
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    parts
        .iter()
        .map(|p| p.trim())
        .map(
            |p| {
                if !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()) {
                    p.parse().ok()
                } else {
                    None
                }
            },
        )
        .collect()
}

/// A month as "YYYY-MM", from "2027-05", "2027-5", "2027/5", "2027.5", "2027年5月" or a date cell.
pub(crate) fn month(item: &str) -> Result<String, String> {
    let bad = || format!("{item} is not a month; write it as 2027-05, 2027年5月 or 2027/5");
    match date_parts(item).as_deref() {
        Some(&[y, m]) if (1000..=9999).contains(&y) && (1..=12).contains(&m) => Ok(format!("{y:04}-{m:02}")),
        _ => Err(bad()),
    }
}

/// The months of a cell: a date cell gives its month; text is a list of months.
pub(crate) fn months(cell: &Cell) -> Result<Vec<String>, String> {
    if let Cell::Date(d) = cell {
        return Ok(vec![d.format("%Y-%m").to_string()]);
    }
    list(&cell.text()?).iter().map(|m| month(m)).collect()
}

/// A date from a date cell or text "2027-07-01", "2027/7/1", "2027.7.1", "2027年7月1日".
pub(crate) fn date(cell: &Cell) -> Result<NaiveDate, String> {
    if let Cell::Date(d) = cell {
        return Ok(d.date());
    }
    let t = cell.text()?;
    let day = t.split([' ', 'T']).next().unwrap_or("");
    match date_parts(day).as_deref() {
        Some(&[y, m, d]) if y >= 1000 => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
    .ok_or_else(|| format!("{t} is not a date; write it as YYYY-MM-DD, e.g. 2027-07-01"))
}

/// A finite number in `range`, from a number cell or text.
pub(crate) fn number(cell: &Cell, range: std::ops::RangeInclusive<f64>, what: &str) -> Result<f64, String> {
    let x = match cell {
        Cell::Number(x) => *x,
        other => {
            let t = narrow(&other.text()?).trim().to_string();
            t.parse::<f64>()
                .map_err(|_| format!("{t} is not a number; write the {what} in decimal degrees, e.g. 36.670849"))?
        }
    };
    if x.is_finite() && range.contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is not a {what} in [{}, {}]", range.start(), range.end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_every_accepted_form() {
        for t in ["2027-05", "2027-5", "2027/5", "2027.5", "2027年5月", " 2027年05月 "] {
            assert_eq!(month(t).as_deref(), Ok("2027-05"), "{t}");
        }
        for t in ["2027-13", "27-05", "2027", "May 2027", "2027-05-01", "2027-+5"] {
            assert!(month(t).is_err(), "{t}");
        }
        assert_eq!(
            months(&Cell::Text("2027-05、2028年10月".into())),
            Ok(vec!["2027-05".to_string(), "2028-10".to_string()])
        );
    }

    #[test]
    fn dates_years_levels_modes() {
        let d = NaiveDate::from_ymd_opt(2027, 7, 1).unwrap();
        for t in ["2027-07-01", "2027/7/1", "2027.7.1", "2027年7月1日", "2027-07-01 00:00:00"] {
            assert_eq!(date(&Cell::Text(t.into())), Ok(d), "{t}");
        }
        assert!(date(&Cell::Text("2027-02-30".into())).is_err());
        assert_eq!(years("", None), Ok(vec![1, 2]));
        assert_eq!(years("2", None), Ok(vec![2]));
        assert_eq!(years("1，2", None), Ok(vec![1, 2]));
        assert!(years("3", None).is_err());
        assert!(years("2027", None).is_err());
        assert_eq!(years("2027、2028", Some(2027)), Ok(vec![1, 2]));
        assert_eq!(years("2028年", Some(2027)), Ok(vec![2]));
        assert!(years("2029", Some(2027)).unwrap_err().contains("2027、2028"));
        assert_eq!(level("高校"), Ok(Level::University));
        assert_eq!(level("City"), Ok(Level::City));
        assert!(level("乡级").is_err());
        assert_eq!(mode("每周"), Ok(Mode::Weekly));
        assert_eq!(yes_no(&Cell::Text("是".into())), Ok(true));
        assert_eq!(yes_no(&Cell::Number(0.0)), Ok(false));
        assert!(yes_no(&Cell::Text("可能".into())).is_err());
        assert!(number(&Cell::Text("abc".into()), -90.0..=90.0, "latitude").is_err());
        assert!(number(&Cell::Number(91.0), -90.0..=90.0, "latitude").is_err());
    }
}
