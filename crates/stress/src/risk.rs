//! Who may leave, and how likely: a monthly departure probability per cadre, from a yearly
//! rate for everyone or from a risk file (e.g. higher near an age ceiling).

use std::collections::HashMap;

use sanlian_model::Instance;

use crate::StressError;

/// Most rows a risk file may have (the largest real roster has about 3,000 cadres).
pub const MAX_RISK_ROWS: usize = 100_000;

/// Monthly departure probability per cadre of an instance, in instance order.
#[derive(Debug, Clone, PartialEq)]
pub struct Risks {
    /// `monthly[c]`: the probability that cadre `c`, still in post at the start of a month,
    /// leaves during it.
    pub monthly: Vec<f64>,
    /// How the risks were given, for the report: `rate 0.1/year` or `risks.csv (12 cadres)`.
    pub source: String,
}

/// The monthly probability equivalent to a yearly one: 1 − (1 − r)^(1/12), so that twelve
/// months in post give exactly `r`.
pub fn monthly_from_yearly(rate: f64) -> f64 {
    1.0 - (1.0 - rate).powf(1.0 / 12.0)
}

/// Check a probability given at `place`.
fn probability(value: f64, place: &str) -> Result<f64, StressError> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(StressError::Input(format!("{place}: {value} is not a probability in [0, 1]")))
    }
}

impl Risks {
    /// Every cadre leaves with the same yearly `rate` ∈ [0, 1].
    pub fn from_rate(inst: &Instance, rate: f64) -> Result<Risks, StressError> {
        let rate = probability(rate, "--departure-rate")?;
        Ok(Risks { monthly: vec![monthly_from_yearly(rate); inst.cadres.len()], source: format!("rate {rate}/year") })
    }

    /// A risk file: CSV with the header `cadre,monthly_risk` (or `cadre,yearly_risk`), one row
    /// per cadre named by id. Cadres not listed get `default_yearly` (0 without one). Unknown or
    /// repeated cadres and values outside [0, 1] are refused with their line.
    pub fn from_csv(
        inst: &Instance,
        name: &str,
        text: &str,
        default_yearly: Option<f64>,
    ) -> Result<Risks, StressError> {
        let default = match default_yearly {
            Some(r) => monthly_from_yearly(probability(r, "--departure-rate")?),
            None => 0.0,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| StressError::Input(format!("{name}: {e}")))?.clone();
        let yearly = match headers.iter().collect::<Vec<_>>().as_slice() {
            ["cadre", "monthly_risk"] => false,
            ["cadre", "yearly_risk"] => true,
            other => {
                return Err(StressError::Input(format!(
                    "{name} line 1: the header is {other:?}; write `cadre,monthly_risk` or `cadre,yearly_risk`"
                )))
            }
        };
        let index: HashMap<&str, usize> = inst.cadres.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let mut monthly = vec![default; inst.cadres.len()];
        let mut seen: HashMap<usize, u64> = HashMap::new();
        for (row, record) in reader.records().enumerate() {
            if row >= MAX_RISK_ROWS {
                return Err(StressError::Input(format!("{name}: more than {MAX_RISK_ROWS} rows")));
            }
            let record = record.map_err(|e| StressError::Input(format!("{name}: {e}")))?;
            let line = record.position().map_or(row as u64 + 2, |p| p.line());
            let at = |field: &str| format!("{name} line {line}, {field}");
            let id = record.get(0).unwrap_or("");
            let Some(&c) = index.get(id) else {
                return Err(StressError::Input(format!("{}: {id:?} is not a cadre of the instance", at("cadre"))));
            };
            if let Some(first) = seen.insert(c, line) {
                return Err(StressError::Input(format!("{}: {id} is already listed on line {first}", at("cadre"))));
            }
            let column = if yearly { "yearly_risk" } else { "monthly_risk" };
            let raw = record.get(1).unwrap_or("");
            let value: f64 =
                raw.parse().map_err(|_| StressError::Input(format!("{}: {raw:?} is not a number", at(column))))?;
            let p = probability(value, &at(column))?;
            monthly[c] = if yearly { monthly_from_yearly(p) } else { p };
        }
        Ok(Risks { monthly, source: format!("{name} ({} cadres)", seen.len()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::small as instance;

    #[test]
    fn twelve_months_at_the_monthly_risk_give_the_yearly_rate() {
        for rate in [0.0, 0.05, 0.1, 0.5, 1.0] {
            let stay = (1.0 - monthly_from_yearly(rate)).powi(12);
            assert!((1.0 - stay - rate).abs() < 1e-12, "{rate}");
        }
    }

    #[test]
    fn a_risk_file_names_the_line_of_each_problem() {
        let inst = instance();
        let id = &inst.cadres[0].id;
        let ok = Risks::from_csv(&inst, "r.csv", &format!("cadre,monthly_risk\n{id},0.25\n"), Some(0.1)).unwrap();
        assert_eq!(ok.monthly[0], 0.25);
        assert!((ok.monthly[1] - monthly_from_yearly(0.1)).abs() < 1e-15);
        let yearly = Risks::from_csv(&inst, "r.csv", &format!("cadre,yearly_risk\n{id},0.5\n"), None).unwrap();
        assert!((yearly.monthly[0] - monthly_from_yearly(0.5)).abs() < 1e-15);
        assert_eq!(yearly.monthly[1], 0.0);
        let err = |text: String| Risks::from_csv(&inst, "r.csv", &text, None).unwrap_err().to_string();
        assert!(err(format!("cadre,monthly_risk\n{id},1.5\n"))
            .contains("r.csv line 2, monthly_risk: 1.5 is not a probability"));
        assert!(err("cadre,monthly_risk\nNOBODY,0.1\n".into()).contains("\"NOBODY\" is not a cadre"));
        assert!(err(format!("cadre,monthly_risk\n{id},0.1\n{id},0.2\n")).contains("already listed on line 2"));
        assert!(err(format!("cadre,monthly_risk\n{id},lots\n")).contains("\"lots\" is not a number"));
        assert!(err("who,risk\n".into()).contains("line 1: the header"));
        assert!(Risks::from_rate(&inst, -0.1).is_err() && Risks::from_rate(&inst, f64::NAN).is_err());
    }
}
