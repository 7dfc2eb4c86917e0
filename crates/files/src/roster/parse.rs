//! Parsers of single roster cells. Each returns the value or the reason with what to write.

use chrono::NaiveDate;
use sanlian_model::{Level, Mode, Msg};

use super::grid::{narrow, Cell};

/// Separators accepted between list items: 、，,;；
pub(crate) const SEPARATORS: [char; 5] = ['、', '，', ',', ';', '；'];

/// The items of a list cell, trimmed, empty ones dropped.
pub(crate) fn list(text: &str) -> Vec<String> {
    text.split(SEPARATORS).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// 省级/市级/县级/高校/企业, or the JSON ids.
pub(crate) fn level(text: &str) -> Result<Level, Msg> {
    let t = text.trim();
    Level::ALL
        .into_iter()
        .find(|l| l.zh() == t || l.id().eq_ignore_ascii_case(t))
        .ok_or_else(|| Msg::new("roster.bad_level").arg("value", t))
}

/// 是/否 (empty = 否), √/×, true/false, 1/0, yes/no.
pub(crate) fn yes_no(cell: &Cell) -> Result<bool, Msg> {
    if let Cell::Bool(b) = cell {
        return Ok(*b);
    }
    let t = narrow(&cell.text()?).trim().to_string();
    match t.to_ascii_lowercase().as_str() {
        "" | "否" | "×" | "✗" | "✘" | "false" | "0" | "no" | "n" => Ok(false),
        "是" | "√" | "✓" | "✔" | "true" | "1" | "yes" | "y" => Ok(true),
        _ => Err(Msg::new("roster.bad_yes_no").arg("value", t)),
    }
}

/// 集中/每周/混合 or blocks/weekly/mixed.
pub(crate) fn mode(text: &str) -> Result<Mode, Msg> {
    match narrow(text).trim().to_ascii_lowercase().as_str() {
        "集中" | "blocks" => Ok(Mode::Blocks),
        "每周" | "4+1" | "weekly" => Ok(Mode::Weekly),
        "混合" | "mixed" => Ok(Mode::Mixed),
        t => Err(Msg::new("roster.bad_mode").arg("value", t)),
    }
}

/// The plan years a cadre serves, e.g. "1、2", "1" or "2", or as calendar years ("2027、2028",
/// "2028年") when the plan's `first_year` is known; empty = both.
pub(crate) fn years(text: &str, first_year: Option<i32>) -> Result<Vec<u8>, Msg> {
    let items = list(&narrow(text));
    if items.is_empty() {
        return Ok(vec![1, 2]);
    }
    let calendar = |y: &str| -> Option<u8> {
        let first = first_year?;
        let year: i32 = y.trim_end_matches('年').trim().parse().ok()?;
        [1u8, 2].into_iter().find(|&i| year == first + i as i32 - 1)
    };
    let bad = || match first_year {
        Some(f) => Msg::new("roster.bad_years_calendar").arg("value", text).arg("first", f).arg("second", f + 1),
        None => Msg::new("roster.bad_years").arg("value", text),
    };
    let mut out: Vec<u8> = Vec::new();
    for y in &items {
        let year = match y.as_str() {
            "1" | "第一年" => 1,
            "2" | "第二年" => 2,
            other => calendar(other).ok_or_else(bad)?,
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
pub(crate) fn month(item: &str) -> Result<String, Msg> {
    let bad = || Msg::new("roster.bad_month").arg("value", item);
    match date_parts(item).as_deref() {
        Some(&[y, m]) if (1000..=9999).contains(&y) && (1..=12).contains(&m) => Ok(format!("{y:04}-{m:02}")),
        _ => Err(bad()),
    }
}

/// The months of a cell: a date cell gives its month; text is a list of months.
pub(crate) fn months(cell: &Cell) -> Result<Vec<String>, Msg> {
    if let Cell::Date(d) = cell {
        return Ok(vec![d.format("%Y-%m").to_string()]);
    }
    list(&cell.text()?).iter().map(|m| month(m)).collect()
}

/// A date from a date cell or text "2027-07-01", "2027/7/1", "2027.7.1", "2027年7月1日".
pub(crate) fn date(cell: &Cell) -> Result<NaiveDate, Msg> {
    if let Cell::Date(d) = cell {
        return Ok(d.date());
    }
    let t = cell.text()?;
    let day = t.split([' ', 'T']).next().unwrap_or("");
    match date_parts(day).as_deref() {
        Some(&[y, m, d]) if y >= 1000 => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
    .ok_or_else(|| Msg::new("roster.bad_date").arg("value", &t))
}

/// A finite number in `range`, from a number cell or text.
/// `what` names the quantity: a catalogue code such as `roster.latitude`.
pub(crate) fn number(cell: &Cell, range: std::ops::RangeInclusive<f64>, what: &str) -> Result<f64, Msg> {
    let x = match cell {
        Cell::Number(x) => *x,
        other => {
            let t = narrow(&other.text()?).trim().to_string();
            t.parse::<f64>()
                .map_err(|_| Msg::new("roster.not_a_number").arg("value", &t).arg_msg("what", Msg::new(what)))?
        }
    };
    if x.is_finite() && range.contains(&x) {
        Ok(x)
    } else {
        Err(Msg::new("roster.out_of_range")
            .arg("value", x)
            .arg_msg("what", Msg::new(what))
            .arg("min", range.start())
            .arg("max", range.end()))
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
        assert!(years("2029", Some(2027)).unwrap_err().to_string().contains("2027、2028"));
        assert_eq!(level("高校"), Ok(Level::University));
        assert_eq!(level("City"), Ok(Level::City));
        assert!(level("乡级").is_err());
        assert_eq!(mode("每周"), Ok(Mode::Weekly));
        assert_eq!(yes_no(&Cell::Text("是".into())), Ok(true));
        assert_eq!(yes_no(&Cell::Number(0.0)), Ok(false));
        assert!(yes_no(&Cell::Text("可能".into())).is_err());
        assert!(number(&Cell::Text("abc".into()), -90.0..=90.0, "roster.latitude").is_err());
        assert!(number(&Cell::Number(91.0), -90.0..=90.0, "roster.latitude").is_err());
    }
}
