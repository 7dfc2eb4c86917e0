//! The scenario spec (its JSON form) and the variants it derives from a base instance.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use sanlian_model::{Cadre, Instance, Level, Mode, Parameters};
use serde::{Deserialize, Serialize};

/// Most variants one spec may produce (each holds a whole instance in memory).
pub const MAX_VARIANTS: usize = 1000;

/// Most cadres a `province_cadres` value may ask for.
pub const MAX_PROVINCE_CADRES: usize = 100_000;

/// Most work one spec may ask for: Σ over its variants of the variant's size (cadres +
/// townships + counties). Checked before any variant is built, so that no spec can make
/// the expansion allocate without bound (about 0.5 KB of memory per unit).
pub const MAX_WORK: usize = 500_000;

/// A family of scenarios derived from one base instance.
///
/// ```json
/// {
///   "name": "山东 2027–2028 稳健性",
///   "seed": 7,
///   "time_limit": 60,
///   "sweeps": [
///     {"kind": "province_cadres", "from": 80, "to": 160, "step": 10},
///     {"kind": "remove_city_seniors", "cities": ["370100", "371300"]},
///     {"kind": "unavailable_share", "values": [0.1, 0.25, 0.5]},
///     {"kind": "department_share", "from": 0.1, "to": 0.5, "step": 0.1},
///     {"kind": "nearby_km", "values": [40, 80, 120]},
///     {"kind": "parameter", "name": "max_cadres_per_township_year", "values": [1, 2, 3]}
///   ]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// A label for people.
    pub name: String,
    /// The base instance file, relative to the spec file (read by the CLI; `--base` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Seed of the deterministic choices (`unavailable_share`). Default 1.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Wall-clock limit per solve, seconds (passed on by [`crate::RunOptions::of`]). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<f64>,
    /// The sweeps, each run on the base instance (they do not compound).
    pub sweeps: Vec<Sweep>,
}

fn default_seed() -> u64 {
    1
}

/// One sweep: a kind and its values. Numeric sweeps take either `values`
/// (a list) or `from`, `to` and `step` (inclusive of `to`). Every sweep may
/// carry a `label`, its name in the output (default: the kind, or for
/// `parameter` the parameter's name); two sweeps of one spec need different names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Sweep {
    /// Keep the first N province-level cadres of the base roster (roster
    /// order), for each N. If N exceeds the base's province cadres, copies are
    /// added right after the last province cadre: copy r of cadre `P017` is
    /// `P017-copy{r}` (name suffixed `（副本r）`), cycling through the base's
    /// province cadres in roster order; a copy keeps everything but the
    /// preferred and previous counties (personal history), which it drops.
    /// Values must be whole numbers ≥ 0. Parameter `province_cadres`, value N.
    ProvinceCadres(Steps),
    /// One variant per city: the base without that city's senior city-level
    /// cadres. `cities` lists city codes; omitted, every city with counties,
    /// in region order. Parameter `"{code} {name}"`, value = cadres removed.
    RemoveCitySeniors(CitySeniors),
    /// Give one more unavailable month to a share s ∈ (0, 1] of the blocks-
    /// and mixed-mode cadres: the cadres are put in an order drawn from the
    /// spec's seed and the first round(s × n) of them are taken, so a larger
    /// share takes a superset; each taken cadre's month is also drawn once
    /// from the seed, uniformly among its active (year, window month) pairs
    /// not yet unavailable. Parameter `unavailable_share`, value s.
    UnavailableShare(Steps),
    /// `max_department_away_share` (H9) values in (0, 1]. Parameter `max_department_away_share`.
    DepartmentShare(Steps),
    /// `nearby_km` (H2) values, positive km. Parameter `nearby_km`.
    NearbyKm(Steps),
    /// Any policy parameter by its JSON name (see docs/input-format.md); a
    /// value outside the parameter's range is not a spec error: its variant
    /// fails validation and its row carries the message. Parameter: `name`.
    Parameter(ParameterSteps),
}

/// Values of a numeric sweep: `values`, or `from`/`to`/`step`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    /// Name of the sweep in the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The values, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f64>>,
    /// First value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<f64>,
    /// Last value (included when reached by whole steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
    /// Increment, positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

/// The cities of a `remove_city_seniors` sweep.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySeniors {
    /// Name of the sweep in the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// City codes; omitted means every city with counties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cities: Option<Vec<String>>,
}

/// A generic parameter sweep.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSteps {
    /// JSON name of the parameter, e.g. `max_cadres_per_township_year`.
    pub name: String,
    /// Name of the sweep in the output (default: `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The values, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f64>>,
    /// First value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<f64>,
    /// Last value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
    /// Increment, positive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

impl Sweep {
    /// Snake-case kind, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Sweep::ProvinceCadres(_) => "province_cadres",
            Sweep::RemoveCitySeniors(_) => "remove_city_seniors",
            Sweep::UnavailableShare(_) => "unavailable_share",
            Sweep::DepartmentShare(_) => "department_share",
            Sweep::NearbyKm(_) => "nearby_km",
            Sweep::Parameter(_) => "parameter",
        }
    }

    /// Name in the output: the label, else the kind (for `parameter`, its name).
    pub fn name(&self) -> String {
        let label = match self {
            Sweep::ProvinceCadres(s) | Sweep::UnavailableShare(s) | Sweep::DepartmentShare(s) | Sweep::NearbyKm(s) => {
                &s.label
            }
            Sweep::RemoveCitySeniors(c) => &c.label,
            Sweep::Parameter(p) => &p.label,
        };
        match (label, self) {
            (Some(l), _) => l.clone(),
            (None, Sweep::Parameter(p)) => p.name.clone(),
            (None, s) => s.kind().to_string(),
        }
    }
}

/// A spec that cannot be expanded: where (a JSON-path-like string) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct SpecError {
    /// Where, e.g. `sweeps[2].step` (`spec` for the text as a whole).
    pub path: String,
    /// Why.
    pub message: String,
}

impl SpecError {
    fn at(path: impl Into<String>, message: impl Into<String>) -> SpecError {
        SpecError { path: path.into(), message: message.into() }
    }
}

impl Spec {
    /// Parse a spec from JSON text; a syntax or shape error names its line and column.
    pub fn from_json(text: &str) -> Result<Spec, SpecError> {
        serde_json::from_str(text).map_err(|e| {
            SpecError::at("spec", format!("not a valid scenario spec at line {}, column {}: {e}", e.line(), e.column()))
        })
    }
}

/// One derived instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Name of the sweep it belongs to.
    pub sweep: String,
    /// What is varied (a parameter name, or a city for `remove_city_seniors`).
    pub parameter: String,
    /// The value of the parameter in this variant.
    pub value: f64,
    /// The instance to solve; its name says which variant it is.
    pub instance: Instance,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} = {}", self.sweep, self.parameter, self.value)
    }
}

/// Derive every variant of `spec` from `base`, sweep by sweep, in order.
///
/// Spec errors (no sweeps, a zero or negative step, `from` > `to`, both or
/// neither of `values` and `from`/`to`/`step`, a share outside (0, 1], a
/// non-positive distance, a fractional cadre count, an unknown city code or
/// parameter name, two sweeps with one name, more than [`MAX_VARIANTS`]
/// variants) are returned with the sweep index and field. The base itself is
/// not validated here: a variant that does not validate becomes a row with
/// its error in [`crate::run`].
pub fn variants(base: &Instance, spec: &Spec) -> Result<Vec<Variant>, SpecError> {
    Ok(recipes(base, spec)?.iter().map(|r| r.build(base)).collect())
}

/// A variant before its instance is built: the change it makes to the base. Recipes are
/// small, so a run holds one built instance per solve under way, not one per variant.
#[derive(Debug, Clone)]
pub struct Recipe {
    /// Name of the sweep it belongs to.
    pub sweep: String,
    /// What is varied.
    pub parameter: String,
    /// The value of the parameter in this variant.
    pub value: f64,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    ProvinceCadres { province: Arc<Vec<usize>>, count: usize },
    RemoveCitySeniors { city: String },
    Unavailable { draws: Arc<Vec<(usize, Option<String>)>>, count: usize },
    DepartmentShare(f64),
    NearbyKm(f64),
    Parameters(Box<Parameters>),
}

impl Recipe {
    /// The variant's instance, derived from `base` (the instance the recipe was made from).
    pub fn build(&self, base: &Instance) -> Variant {
        let inst = match &self.change {
            Change::ProvinceCadres { province, count } => with_province_cadres(base, province, *count),
            Change::RemoveCitySeniors { city } => {
                let mut inst = base.clone();
                inst.cadres.retain(|x| !removed_senior(x, city));
                inst
            }
            Change::Unavailable { draws, count } => {
                let mut inst = base.clone();
                for (c, month) in draws.iter().take(*count) {
                    if let Some(m) = month {
                        let list = &mut inst.cadres[*c].unavailable_months;
                        list.push(m.clone());
                        list.sort();
                    }
                }
                inst
            }
            Change::DepartmentShare(v) => {
                let mut inst = base.clone();
                inst.parameters.max_department_away_share = *v;
                inst
            }
            Change::NearbyKm(v) => {
                let mut inst = base.clone();
                inst.parameters.nearby_km = *v;
                inst
            }
            Change::Parameters(params) => Instance { parameters: (**params).clone(), ..base.clone() },
        };
        variant(&self.sweep, &self.parameter, self.value, inst)
    }
}

/// A senior city cadre of `city`: what `remove_city_seniors` takes away.
fn removed_senior(c: &Cadre, city: &str) -> bool {
    c.level == Level::City && c.senior && c.home_city.as_deref() == Some(city)
}

/// Every variant of `spec` as a [`Recipe`], checked as [`variants`] checks them, none built.
pub fn recipes(base: &Instance, spec: &Spec) -> Result<Vec<Recipe>, SpecError> {
    if spec.sweeps.is_empty() {
        return Err(SpecError::at("sweeps", "there are no sweeps to run"));
    }
    if let Some(t) = spec.time_limit {
        if !(t.is_finite() && t > 0.0) {
            return Err(SpecError::at("time_limit", format!("{t} is not a positive number of seconds")));
        }
    }
    budget(base, spec)?;
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, sweep) in spec.sweeps.iter().enumerate() {
        let name = sweep.name();
        if !names.insert(name.clone()) {
            return Err(SpecError::at(
                format!("sweeps[{i}]"),
                format!("a sweep named `{name}` comes earlier; give this one a different `label`"),
            ));
        }
        let at = |field: &str| format!("sweeps[{i}].{field}");
        match sweep {
            Sweep::ProvinceCadres(s) => {
                let values = expand(&at(""), s.values.as_deref(), s.from, s.to, s.step)?;
                let province: Arc<Vec<usize>> =
                    Arc::new((0..base.cadres.len()).filter(|&c| base.cadres[c].level == Level::Province).collect());
                for (j, &v) in values.iter().enumerate() {
                    if v < 0.0 || v.fract() != 0.0 {
                        return Err(SpecError::at(
                            value_path(&at(""), s.values.is_some(), j),
                            format!("{v} is not a number of cadres (a whole number ≥ 0)"),
                        ));
                    }
                    if v as usize > province.len() && province.is_empty() {
                        return Err(SpecError::at(
                            value_path(&at(""), s.values.is_some(), j),
                            format!("{v} province cadres: the base has none to copy"),
                        ));
                    }
                    let change = Change::ProvinceCadres { province: province.clone(), count: v as usize };
                    out.push(recipe(&name, "province_cadres", v, change));
                }
            }
            Sweep::RemoveCitySeniors(c) => {
                let cities: Vec<usize> = match &c.cities {
                    None => (0..base.region.cities.len())
                        .filter(|&k| base.region.counties.iter().any(|q| q.city == base.region.cities[k].code))
                        .collect(),
                    Some(list) => {
                        if list.is_empty() {
                            return Err(SpecError::at(at("cities"), "the list is empty (omit it for every city)"));
                        }
                        let mut seen = BTreeSet::new();
                        let mut idx = Vec::new();
                        for (j, code) in list.iter().enumerate() {
                            let Some(k) = base.region.cities.iter().position(|x| &x.code == code) else {
                                return Err(SpecError::at(
                                    at(&format!("cities[{j}]")),
                                    format!("{code} is not a city of the base instance"),
                                ));
                            };
                            if !seen.insert(k) {
                                return Err(SpecError::at(
                                    at(&format!("cities[{j}]")),
                                    format!("{code} is listed twice"),
                                ));
                            }
                            idx.push(k);
                        }
                        idx
                    }
                };
                for k in cities {
                    let city = &base.region.cities[k];
                    let removed = base.cadres.iter().filter(|x| removed_senior(x, &city.code)).count();
                    let change = Change::RemoveCitySeniors { city: city.code.clone() };
                    out.push(recipe(&name, &format!("{} {}", city.code, city.name), removed as f64, change));
                }
            }
            Sweep::UnavailableShare(s) => {
                let values = expand(&at(""), s.values.as_deref(), s.from, s.to, s.step)?;
                check_share(&at(""), s.values.is_some(), &values)?;
                let draws = Arc::new(unavailable_draws(base, spec.seed));
                if draws.is_empty() {
                    return Err(SpecError::at(
                        at("kind"),
                        "the base has no blocks- or mixed-mode cadre to make unavailable",
                    ));
                }
                for &v in &values {
                    let count = ((draws.len() as f64) * v).round() as usize;
                    out.push(recipe(
                        &name,
                        "unavailable_share",
                        v,
                        Change::Unavailable { draws: draws.clone(), count },
                    ));
                }
            }
            Sweep::DepartmentShare(s) => {
                let values = expand(&at(""), s.values.as_deref(), s.from, s.to, s.step)?;
                check_share(&at(""), s.values.is_some(), &values)?;
                for &v in &values {
                    out.push(recipe(&name, "max_department_away_share", v, Change::DepartmentShare(v)));
                }
            }
            Sweep::NearbyKm(s) => {
                let values = expand(&at(""), s.values.as_deref(), s.from, s.to, s.step)?;
                for (j, &v) in values.iter().enumerate() {
                    if v <= 0.0 {
                        return Err(SpecError::at(
                            value_path(&at(""), s.values.is_some(), j),
                            format!("{v} km is not a positive distance"),
                        ));
                    }
                    out.push(recipe(&name, "nearby_km", v, Change::NearbyKm(v)));
                }
            }
            Sweep::Parameter(p) => {
                let values = expand(&at(""), p.values.as_deref(), p.from, p.to, p.step)?;
                let defaults = serde_json::to_value(Parameters::default()).expect("parameters serialise");
                let known: Vec<&String> = defaults.as_object().expect("an object").keys().collect();
                if !known.contains(&&p.name) {
                    return Err(SpecError::at(
                        at("name"),
                        format!(
                            "`{}` is not a parameter; the parameters are {}",
                            p.name,
                            known.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                for (j, &v) in values.iter().enumerate() {
                    let params = set_parameter(&base.parameters, &p.name, v)
                        .map_err(|why| SpecError::at(value_path(&at(""), p.values.is_some(), j), why))?;
                    out.push(recipe(&name, &p.name, v, Change::Parameters(Box::new(params))));
                }
            }
        }
        if out.len() > MAX_VARIANTS {
            return Err(SpecError::at(
                format!("sweeps[{i}]"),
                format!("the spec makes more than {MAX_VARIANTS} variants ({} so far); use fewer values", out.len()),
            ));
        }
    }
    Ok(out)
}

/// The size of every variant of `spec`, worked out before any is built: at most
/// [`MAX_VARIANTS`] variants, no `province_cadres` value above [`MAX_PROVINCE_CADRES`], and
/// at most [`MAX_WORK`] units of work in all; beyond, the error names the sweep and field.
pub fn budget(base: &Instance, spec: &Spec) -> Result<(usize, usize), SpecError> {
    let units = |cadres: usize| cadres + base.region.townships.len() + base.region.counties.len();
    let province = base.cadres.iter().filter(|c| c.level == Level::Province).count();
    let (mut count, mut work) = (0usize, 0usize);
    for (i, sweep) in spec.sweeps.iter().enumerate() {
        let at = |field: &str| format!("sweeps[{i}].{field}");
        let sizes: Vec<usize> = match sweep {
            Sweep::ProvinceCadres(s) => {
                let values = expand(&at(""), s.values.as_deref(), s.from, s.to, s.step)?;
                let mut sizes = Vec::with_capacity(values.len());
                for (j, &v) in values.iter().enumerate() {
                    if !(0.0..=MAX_PROVINCE_CADRES as f64).contains(&v) {
                        return Err(SpecError::at(
                            value_path(&at(""), s.values.is_some(), j),
                            format!("{v} province cadres: a value must lie in [0, {MAX_PROVINCE_CADRES}]"),
                        ));
                    }
                    sizes.push(units(base.cadres.len() - province + v as usize));
                }
                sizes
            }
            Sweep::RemoveCitySeniors(c) => {
                let n = c.cities.as_ref().map_or(base.region.cities.len(), Vec::len).min(base.region.cities.len() + 1);
                vec![units(base.cadres.len()); n]
            }
            Sweep::UnavailableShare(s) | Sweep::DepartmentShare(s) | Sweep::NearbyKm(s) => {
                vec![units(base.cadres.len()); expand(&at(""), s.values.as_deref(), s.from, s.to, s.step)?.len()]
            }
            Sweep::Parameter(p) => {
                vec![units(base.cadres.len()); expand(&at(""), p.values.as_deref(), p.from, p.to, p.step)?.len()]
            }
        };
        count += sizes.len();
        work = work.saturating_add(sizes.iter().sum());
        if count > MAX_VARIANTS {
            return Err(SpecError::at(
                format!("sweeps[{i}]"),
                format!(
                    "the spec makes more than {MAX_VARIANTS} variants ({count} up to this sweep); use fewer values"
                ),
            ));
        }
        if work > MAX_WORK {
            return Err(SpecError::at(
                format!("sweeps[{i}]"),
                format!(
                    "the spec asks for {work} units of work up to this sweep (each variant counts its cadres, \
                     townships and counties), more than the limit of {MAX_WORK}: use fewer or smaller variants"
                ),
            ));
        }
    }
    Ok((count, work))
}

fn recipe(sweep: &str, parameter: &str, value: f64, change: Change) -> Recipe {
    Recipe { sweep: sweep.to_string(), parameter: parameter.to_string(), value, change }
}

fn variant(sweep: &str, parameter: &str, value: f64, mut instance: Instance) -> Variant {
    instance.name = format!("{} · {sweep}: {parameter} = {value}", instance.name);
    Variant { sweep: sweep.to_string(), parameter: parameter.to_string(), value, instance }
}

/// Path of the j-th value: `values[j]`, or `from` when the values come from a range.
fn value_path(prefix: &str, listed: bool, j: usize) -> String {
    if listed {
        format!("{prefix}values[{j}]")
    } else {
        format!("{prefix}from/to/step (value {j})")
    }
}

fn check_share(prefix: &str, listed: bool, values: &[f64]) -> Result<(), SpecError> {
    for (j, &v) in values.iter().enumerate() {
        if !(v > 0.0 && v <= 1.0) {
            return Err(SpecError::at(value_path(prefix, listed, j), format!("share {v} is outside (0, 1]")));
        }
    }
    Ok(())
}

/// Round away the binary noise of `from + j × step` (e.g. 0.30000000000000004).
fn tidy(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The values of a numeric sweep; `prefix` is `sweeps[i].`.
fn expand(
    prefix: &str,
    values: Option<&[f64]>,
    from: Option<f64>,
    to: Option<f64>,
    step: Option<f64>,
) -> Result<Vec<f64>, SpecError> {
    let range = from.is_some() || to.is_some() || step.is_some();
    match (values, range) {
        (Some(_), true) => {
            Err(SpecError::at(format!("{prefix}values"), "give either `values` or `from`, `to` and `step`, not both"))
        }
        (None, false) => Err(SpecError::at(format!("{prefix}values"), "give `values` or `from`, `to` and `step`")),
        (Some(list), false) => {
            if list.is_empty() {
                return Err(SpecError::at(format!("{prefix}values"), "the list is empty"));
            }
            if list.len() > MAX_VARIANTS {
                return Err(SpecError::at(format!("{prefix}values"), format!("more than {MAX_VARIANTS} values")));
            }
            for (j, v) in list.iter().enumerate() {
                if !v.is_finite() {
                    return Err(SpecError::at(format!("{prefix}values[{j}]"), format!("{v} is not a finite number")));
                }
            }
            Ok(list.to_vec())
        }
        (None, true) => {
            let need = |v: Option<f64>, field: &str| -> Result<f64, SpecError> {
                match v {
                    None => Err(SpecError::at(
                        format!("{prefix}{field}"),
                        "missing (a range needs `from`, `to` and `step`)",
                    )),
                    Some(x) if !x.is_finite() => {
                        Err(SpecError::at(format!("{prefix}{field}"), format!("{x} is not a finite number")))
                    }
                    Some(x) => Ok(x),
                }
            };
            let (from, to, step) = (need(from, "from")?, need(to, "to")?, need(step, "step")?);
            if step <= 0.0 {
                return Err(SpecError::at(format!("{prefix}step"), format!("{step} is not a positive step")));
            }
            if from > to {
                return Err(SpecError::at(format!("{prefix}from"), format!("from ({from}) is greater than to ({to})")));
            }
            let count = ((to - from) / step + 1e-9).floor() + 1.0;
            if count > MAX_VARIANTS as f64 {
                return Err(SpecError::at(
                    format!("{prefix}step"),
                    format!("{from} to {to} by {step} makes {count} values, more than {MAX_VARIANTS}"),
                ));
            }
            Ok((0..count as usize).map(|j| tidy(from + j as f64 * step)).collect())
        }
    }
}

/// The base with its first `n` province cadres (roster order), or with copies added.
fn with_province_cadres(base: &Instance, province: &[usize], n: usize) -> Instance {
    let mut inst = base.clone();
    let have = province.len();
    if n <= have {
        let drop: BTreeSet<usize> = province[n..].iter().copied().collect();
        inst.cadres =
            base.cadres.iter().enumerate().filter(|(c, _)| !drop.contains(c)).map(|(_, x)| x.clone()).collect();
        return inst;
    }
    let mut ids: BTreeSet<String> = base.cadres.iter().map(|c| c.id.clone()).collect();
    let mut copies: Vec<Cadre> = Vec::with_capacity(n - have);
    for extra in 0..n - have {
        let src = &base.cadres[province[extra % have]];
        let round = extra / have + 1;
        let mut id = format!("{}-copy{round}", src.id);
        let mut bump = 1;
        while ids.contains(&id) {
            bump += 1;
            id = format!("{}-copy{round}-{bump}", src.id);
        }
        ids.insert(id.clone());
        copies.push(Cadre {
            id,
            name: format!("{}（副本{round}）", src.name),
            preferred_counties: Vec::new(),
            previous_county: None,
            ..src.clone()
        });
    }
    let at = province[have - 1] + 1;
    inst.cadres.splice(at..at, copies);
    inst
}

/// SplitMix64: a tiny deterministic generator (no dependency, stable across versions).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0), by rejection.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }
}

/// The blocks- and mixed-mode cadres in seeded order, each with the month it
/// gets when taken (`None` if every active window month is already unavailable).
fn unavailable_draws(base: &Instance, seed: u64) -> Vec<(usize, Option<String>)> {
    let mut order: Vec<usize> = (0..base.cadres.len()).filter(|&c| base.cadres[c].mode() != Mode::Weekly).collect();
    let mut rng = SplitMix(seed);
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    let months: Vec<u32> = base.parameters.window_months().collect();
    order
        .into_iter()
        .map(|c| {
            let cadre = &base.cadres[c];
            let free: Vec<String> = cadre
                .active_years
                .iter()
                .filter(|&&y| y == 1 || y == 2)
                .flat_map(|&y| months.iter().map(move |&m| format!("{}-{m:02}", base.first_year + i32::from(y) - 1)))
                .filter(|m| !cadre.unavailable_months.contains(m))
                .collect();
            let month = (!free.is_empty()).then(|| free[rng.below(free.len())].clone());
            (c, month)
        })
        .collect()
}

/// `params` with the field `name` set to `value` through the JSON form, so
/// that integer fields refuse fractions with serde's message.
fn set_parameter(params: &Parameters, name: &str, value: f64) -> Result<Parameters, String> {
    let mut json = serde_json::to_value(params).expect("parameters serialise");
    let number = if value.fract() == 0.0 && value >= 0.0 && value <= u32::MAX as f64 {
        serde_json::Value::from(value as u64)
    } else if value.fract() == 0.0 && value < 0.0 && value >= i64::MIN as f64 {
        serde_json::Value::from(value as i64)
    } else {
        serde_json::Value::from(value)
    };
    json[name] = number;
    serde_json::from_value(json).map_err(|e| format!("{value} does not fit parameter `{name}`: {e}"))
}
