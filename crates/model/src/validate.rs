//! Input validation: every problem, with where it is and why.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::msg::{Lang, Msg};
use crate::{Instance, Level, Point};

/// One problem found in an input, located by a JSON-path-like string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `cadres[17].home_county`.
    pub path: String,
    /// Why, in English, e.g. `370999 is not a county of this instance` (the text of `msg`).
    pub message: String,
    /// Why, as a coded message for either language.
    pub msg: Msg,
}

impl Problem {
    /// A problem at `path`; its English `message` is the text of `msg`.
    pub fn new(path: impl Into<String>, msg: Msg) -> Problem {
        Problem { path: path.into(), message: msg.to_string(), msg }
    }

    /// `path: why` in `lang` (the path is kept as the file spells it).
    pub fn text(&self, lang: Lang) -> String {
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        format!("{}{colon}{}", self.path, self.msg.text(lang))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why an input was rejected. Its `Display` is the English [`InputError::text`].
#[derive(Debug)]
pub enum InputError {
    /// The text is not valid JSON for the expected type.
    Json {
        /// "instance" or "plan".
        what: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde's message.
        message: String,
    },
    /// The JSON parsed but breaks the input rules; every problem is listed.
    Invalid {
        /// "instance" or "events".
        what: &'static str,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

impl InputError {
    /// The whole error in `lang`: the JSON error with its line and column (serde's own
    /// message stays English), or a header line and one `  - path: why` line per problem.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            InputError::Json { what, line, column, message } => Msg::new("input.bad_json")
                .noun("what", what)
                .arg("line", line)
                .arg("column", column)
                .arg("message", message)
                .text(lang),
            InputError::Invalid { what, problems } => {
                let mut out = Msg::new("input.problems").arg("count", problems.len()).noun("what", what).text(lang);
                for p in problems {
                    out.push_str("\n  - ");
                    out.push_str(&p.text(lang));
                }
                out
            }
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for InputError {}

/// The documented size limits of an instance (docs/input-format.md): every list and text is
/// bounded, so that validation, preparation and the models grow at most linearly with the
/// input, and a hostile file cannot make any of them run away.
#[derive(Debug, Clone, Copy)]
pub struct SizeLimits {
    /// Cities.
    pub cities: usize,
    /// Counties.
    pub counties: usize,
    /// Townships.
    pub townships: usize,
    /// Cadres on the roster.
    pub cadres: usize,
    /// Strength tags of one cadre, need tags of one township, preferred counties of one cadre.
    pub tags: usize,
    /// Unavailable months of one cadre (two years of twelve).
    pub unavailable_months: usize,
    /// Characters of one text: a code, id, name, unit, department or tag.
    pub text: usize,
    /// Problems listed in one answer (the rest are counted).
    pub problems: usize,
    /// H9 quotas of a city's sub-instance (a department and a month each).
    pub department_quotas: usize,
}

/// The size limits in force.
pub const SIZES: SizeLimits = SizeLimits {
    cities: 1_000,
    counties: 10_000,
    townships: 200_000,
    cadres: 100_000,
    tags: 64,
    unavailable_months: 24,
    text: 256,
    problems: 100,
    department_quotas: 240_000,
};

struct Collector(Vec<Problem>, usize);

impl Collector {
    fn add(&mut self, path: impl Into<String>, msg: Msg) {
        if self.0.len() < SIZES.problems {
            self.0.push(Problem::new(path, msg));
        } else {
            self.1 += 1;
        }
    }

    /// The problems found; beyond the first [`SizeLimits::problems`], a count of the rest.
    fn finish(mut self) -> Vec<Problem> {
        if self.1 > 0 {
            self.0.push(Problem::new("…", Msg::new("input.more_problems").arg("count", self.1)));
        }
        self.0
    }

    /// (Each takes its path as a closure: most values are fine, and their paths never built.)
    /// A list longer than `most`; `what` is its catalogue noun (`noun.<what>`).
    fn too_long(&mut self, path: impl FnOnce() -> String, len: usize, most: usize, what: &str) -> bool {
        if len > most {
            self.add(path(), Msg::new("input.too_many").arg("len", len).noun("what", what).arg("most", most));
            return true;
        }
        false
    }

    /// A text longer than the limit.
    fn text(&mut self, path: impl FnOnce() -> String, value: &str) {
        let n = value.chars().count();
        if n > SIZES.text {
            self.add(path(), Msg::new("input.too_long").arg("len", n).arg("most", SIZES.text));
        }
    }

    fn point(&mut self, path: impl Fn() -> String, p: Point) {
        if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
            self.add(format!("{}.lat", path()), Msg::new("input.not_a_latitude").arg("value", p.lat));
        }
        if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
            self.add(format!("{}.lon", path()), Msg::new("input.not_a_longitude").arg("value", p.lon));
        }
    }
}

/// Parse JSON text into `T`, naming the line and column of a syntax error. A leading UTF-8
/// byte-order mark (which Windows editors and spreadsheet programs write) is skipped.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| InputError::Json {
        what,
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Parse "YYYY-MM" into (year, month).
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    // Digits only: `str::parse` would also take a sign, e.g. "2027-+3".
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// Check an instance against every input rule and return all problems found.
///
/// The checks: parameters in range; codes and ids present and unique; every
/// reference (city, county, preferred/previous county, home city/county)
/// known; every county has a township; coordinates in range; unavailable
/// months well-formed, inside the plan years and the window; active years a
/// non-empty subset of {1, 2}; a non-empty roster; every cadre eligible for
/// at least one county (H2).
pub fn validate(inst: &Instance) -> Vec<Problem> {
    let mut c = Collector(Vec::new(), 0);
    // Sizes first: a list over its limit is not read any further.
    let r = &inst.region;
    let mut over = false;
    over |= c.too_long(|| "region.cities".into(), r.cities.len(), SIZES.cities, "cities");
    over |= c.too_long(|| "region.counties".into(), r.counties.len(), SIZES.counties, "counties");
    over |= c.too_long(|| "region.townships".into(), r.townships.len(), SIZES.townships, "townships");
    over |= c.too_long(|| "cadres".into(), inst.cadres.len(), SIZES.cadres, "cadres");
    over |= c.too_long(
        || "department_quotas".into(),
        inst.department_quotas.len(),
        SIZES.department_quotas,
        "department_quotas",
    );
    if over {
        return c.finish();
    }
    for (i, t) in r.townships.iter().enumerate() {
        over |= c.too_long(|| format!("region.townships[{i}].needs"), t.needs.len(), SIZES.tags, "needs");
        c.text(|| format!("region.townships[{i}].code"), &t.code);
        c.text(|| format!("region.townships[{i}].name"), &t.name);
        for (j, tag) in t.needs.iter().enumerate() {
            c.text(|| format!("region.townships[{i}].needs[{j}]"), tag);
        }
    }
    for (i, k) in r.counties.iter().enumerate() {
        c.text(|| format!("region.counties[{i}].code"), &k.code);
        c.text(|| format!("region.counties[{i}].name"), &k.name);
    }
    for (i, city) in r.cities.iter().enumerate() {
        c.text(|| format!("region.cities[{i}].code"), &city.code);
        c.text(|| format!("region.cities[{i}].name"), &city.name);
    }
    for (i, cadre) in inst.cadres.iter().enumerate() {
        let at = |field: &str| format!("cadres[{i}].{field}");
        over |= c.too_long(|| at("strengths"), cadre.strengths.len(), SIZES.tags, "strengths");
        over |=
            c.too_long(|| at("preferred_counties"), cadre.preferred_counties.len(), SIZES.tags, "preferred_counties");
        over |= c.too_long(
            || at("unavailable_months"),
            cadre.unavailable_months.len(),
            SIZES.unavailable_months,
            "unavailable_months",
        );
        over |= c.too_long(|| at("blocks_owed"), cadre.blocks_owed.len(), 2, "blocks_owed");
        for (field, value) in [("id", &cadre.id), ("name", &cadre.name), ("unit", &cadre.unit)] {
            c.text(|| at(field), value);
        }
        let optional = [
            ("department", &cadre.department),
            ("gender", &cadre.gender),
            ("title", &cadre.title),
            ("phone", &cadre.phone),
            ("note", &cadre.note),
        ];
        for (field, value) in optional {
            if let Some(v) = value {
                c.text(|| at(field), v);
            }
        }
        for (j, tag) in cadre.strengths.iter().enumerate() {
            c.text(|| at(&format!("strengths[{j}]")), tag);
        }
    }
    if over || !c.0.is_empty() {
        return c.finish();
    }
    let p = &inst.parameters;
    for (field, why) in p.problems() {
        c.add(format!("parameters.{field}"), why);
    }
    if !(1900..=9998).contains(&inst.first_year) {
        c.add("first_year", Msg::new("input.implausible_year").arg("year", inst.first_year));
    }
    c.point(|| "region.province.seat".into(), r.province.seat);

    let mut cities = HashMap::new();
    for (i, city) in r.cities.iter().enumerate() {
        if city.code.trim().is_empty() {
            c.add(format!("region.cities[{i}].code"), Msg::new("input.empty"));
        } else if cities.insert(city.code.as_str(), i).is_some() {
            c.add(format!("region.cities[{i}].code"), Msg::new("input.duplicate").arg("code", &city.code));
        }
        c.point(|| format!("region.cities[{i}].seat"), city.seat);
    }
    let mut counties = HashMap::new();
    // A repeated code keeps its first index, so that its townships are not
    // credited to the repeat and the first reported as having none.
    let mut repeated = vec![false; r.counties.len()];
    for (i, k) in r.counties.iter().enumerate() {
        if k.code.trim().is_empty() {
            c.add(format!("region.counties[{i}].code"), Msg::new("input.empty"));
        } else if counties.contains_key(k.code.as_str()) {
            repeated[i] = true;
            c.add(format!("region.counties[{i}].code"), Msg::new("input.duplicate").arg("code", &k.code));
        } else {
            counties.insert(k.code.as_str(), i);
        }
        if !cities.contains_key(k.city.as_str()) {
            c.add(format!("region.counties[{i}].city"), Msg::new("input.not_a_city").arg("city", &k.city));
        }
        c.point(|| format!("region.counties[{i}].seat"), k.seat);
    }
    if r.counties.is_empty() {
        c.add("region.counties", Msg::new("input.no_counties"));
    }
    if let Some(at_least) = p.robust.as_ref().and_then(|r| r.at_least) {
        if at_least as usize > r.counties.len() {
            c.add(
                "parameters.robust.at_least",
                Msg::new("param.robust_at_least").arg("value", at_least).arg("counties", r.counties.len()),
            );
        }
    }
    if let Some(at_least) = p.continuity_at_least {
        let with_previous = inst.cadres.iter().filter(|c| c.previous_county.is_some()).count();
        if at_least as usize > with_previous {
            c.add(
                "parameters.continuity_at_least",
                Msg::new("param.continuity_at_least").arg("value", at_least).arg("cadres", with_previous),
            );
        }
    }
    let mut townships = HashSet::new();
    let mut per_county = vec![0usize; r.counties.len()];
    for (i, t) in r.townships.iter().enumerate() {
        if t.code.trim().is_empty() {
            c.add(format!("region.townships[{i}].code"), Msg::new("input.empty"));
        } else if !townships.insert(t.code.as_str()) {
            c.add(format!("region.townships[{i}].code"), Msg::new("input.duplicate").arg("code", &t.code));
        }
        match counties.get(t.county.as_str()) {
            Some(&k) => per_county[k] += 1,
            None => {
                c.add(format!("region.townships[{i}].county"), Msg::new("input.not_a_county").arg("county", &t.county))
            }
        }
        if let Some(l) = t.location {
            c.point(|| format!("region.townships[{i}].location"), l);
        }
    }
    for (k, n) in per_county.iter().enumerate() {
        if *n == 0 && !repeated[k] {
            let county = &r.counties[k];
            c.add(
                format!("region.counties[{k}]"),
                Msg::new("input.county_without_townships").arg("code", &county.code).arg("name", &county.name),
            );
        }
    }

    if inst.cadres.is_empty() {
        c.add("cadres", Msg::new("input.empty_roster"));
    }
    let cities_with_counties: HashSet<&str> = r.counties.iter().map(|k| k.city.as_str()).collect();
    let mut ids = HashSet::new();
    let window = p.window_months();
    for (i, cadre) in inst.cadres.iter().enumerate() {
        let at = |field: &str| format!("cadres[{i}].{field}");
        if cadre.id.trim().is_empty() {
            c.add(at("id"), Msg::new("input.empty"));
        } else if !ids.insert(cadre.id.as_str()) {
            c.add(at("id"), Msg::new("input.duplicate").arg("code", &cadre.id));
        }
        if cadre.unit.trim().is_empty() {
            c.add(at("unit"), Msg::new("input.empty_unit"));
        }
        c.point(|| at("base"), cadre.base);
        match (cadre.level, &cadre.home_city) {
            (Level::City, None) => c.add(at("home_city"), Msg::new("input.needs_home_city")),
            (_, Some(h)) if !cities.contains_key(h.as_str()) => {
                c.add(at("home_city"), Msg::new("input.not_a_city").arg("city", h))
            }
            (Level::City, Some(h)) if !cities_with_counties.contains(h.as_str()) => {
                c.add(at("home_city"), Msg::new("input.home_city_without_counties").arg("city", h))
            }
            _ => {}
        }
        match (cadre.level, &cadre.home_county) {
            (Level::County, None) => c.add(at("home_county"), Msg::new("input.needs_home_county")),
            (_, Some(h)) if !counties.contains_key(h.as_str()) => {
                c.add(at("home_county"), Msg::new("input.not_a_county").arg("county", h))
            }
            _ => {}
        }
        for (j, pc) in cadre.preferred_counties.iter().enumerate() {
            if !counties.contains_key(pc.as_str()) {
                c.add(at(&format!("preferred_counties[{j}]")), Msg::new("input.not_a_county").arg("county", pc));
            }
        }
        if let Some(pc) = &cadre.previous_county {
            if !counties.contains_key(pc.as_str()) {
                c.add(at("previous_county"), Msg::new("input.not_a_county").arg("county", pc));
            }
        }
        for (j, m) in cadre.unavailable_months.iter().enumerate() {
            let path = at(&format!("unavailable_months[{j}]"));
            match parse_month(m) {
                None => c.add(path, Msg::new("input.bad_month").arg("month", format!("{m:?}"))),
                Some((y, _)) if y != inst.first_year && y != inst.first_year + 1 => c.add(
                    path,
                    Msg::new("input.outside_plan_years")
                        .arg("value", m)
                        .arg("first", inst.first_year)
                        .arg("second", inst.first_year + 1),
                ),
                Some((_, mm)) if !window.contains(&mm) => c.add(
                    path,
                    Msg::new("input.outside_window")
                        .arg("month", m)
                        .arg("first", p.window_first_month)
                        .arg("last", p.window_last_month),
                ),
                _ => {}
            }
        }
        let plan_start = chrono::NaiveDate::from_ymd_opt(inst.first_year, 1, 1);
        let plan_end = chrono::NaiveDate::from_ymd_opt(inst.first_year + 2, 1, 1);
        for (field, date) in [("from", cadre.from), ("until", cadre.until)] {
            if let (Some(d), Some(start), Some(end)) = (date, plan_start, plan_end) {
                if d < start || d > end {
                    c.add(
                        at(field),
                        Msg::new("input.outside_plan_years")
                            .arg("value", d)
                            .arg("first", inst.first_year)
                            .arg("second", inst.first_year + 1),
                    );
                }
            }
        }
        if let (Some(f), Some(u)) = (cadre.from, cadre.until) {
            if f >= u {
                c.add(at("until"), Msg::new("input.until_not_after_from").arg("until", u).arg("from", f));
            }
        }
        if (cadre.from.is_some() || cadre.until.is_some()) && (1900..=9998).contains(&inst.first_year) {
            let serves_any = (0..2).any(|y| {
                cadre.active_in(y as u8 + 1)
                    && window
                        .clone()
                        .filter(|m| (1..=12).contains(m))
                        .any(|m| cadre.in_period(crate::cost::month_days(inst.first_year + y, m).0))
            });
            if !serves_any {
                c.add(at("from"), Msg::new("input.no_service_in_window"));
            }
        }
        let own_blocks = match cadre.mode() {
            crate::Mode::Blocks => p.blocks_per_year,
            crate::Mode::Mixed => p.mixed_blocks_per_year,
            crate::Mode::Weekly => 0,
        };
        for (&year, &owed) in &cadre.blocks_owed {
            let path = at(&format!("blocks_owed.{year}"));
            if year != inst.first_year && year != inst.first_year + 1 {
                c.add(
                    path,
                    Msg::new("input.not_a_plan_year")
                        .arg("year", year)
                        .arg("first", inst.first_year)
                        .arg("second", inst.first_year + 1),
                );
            } else if owed > own_blocks {
                c.add(path, Msg::new("input.blocks_owed_too_many").arg("owed", owed).arg("own", own_blocks));
            }
        }
        let years = &cadre.active_years;
        if years.is_empty()
            || years.iter().any(|y| *y != 1 && *y != 2)
            || (years.len() == 2 && years[0] == years[1])
            || years.len() > 2
        {
            c.add(at("active_years"), Msg::new("input.bad_active_years").arg("years", format!("{years:?}")));
        }
    }
    quota_problems(inst, &mut c);
    spread_problems(inst, &mut c);
    if c.0.is_empty() {
        crate::locks::field_problems(inst, &mut |path, msg| c.add(path, msg));
    }
    c.finish()
}

/// A1 and A2 that no plan can keep, for want of province cadres or of room for them.
fn spread_problems(inst: &Instance, c: &mut Collector) {
    let spread = &inst.spread;
    let r = &inst.region;
    let have = inst.cadres.iter().filter(|x| x.level == Level::Province).count();
    let cities = r.cities.iter().filter(|m| r.counties.iter().any(|k| k.city == m.code)).count();
    let need = spread.min_province_per_city as usize * cities;
    if need > have {
        c.add(
            "spread.min_province_per_city",
            Msg::new("input.spread_min_per_city")
                .arg("min", spread.min_province_per_city)
                .arg("cities", cities)
                .arg("need", need)
                .arg("have", have),
        );
    }
    if let Some(max) = spread.max_province_per_group {
        let room = max as usize * r.counties.len();
        if room < have {
            c.add(
                "spread.max_province_per_group",
                Msg::new("input.spread_max_per_group")
                    .arg("max", max)
                    .arg("counties", r.counties.len())
                    .arg("room", room)
                    .arg("have", have),
            );
        }
    }
}

/// H9 quotas: each names a department of the roster and a window month of a plan year, once.
fn quota_problems(inst: &Instance, c: &mut Collector) {
    let p = &inst.parameters;
    let departments: HashSet<(&str, Option<&str>)> =
        inst.cadres.iter().map(|x| (x.unit.as_str(), x.department.as_deref())).collect();
    let mut seen = HashSet::new();
    for (i, q) in inst.department_quotas.iter().enumerate() {
        let at = |field: &str| format!("department_quotas[{i}].{field}");
        let key = (q.unit.as_str(), q.department.as_deref());
        if !departments.contains(&key) {
            let name = match &q.department {
                Some(d) => format!("{}/{d}", q.unit),
                None => q.unit.clone(),
            };
            c.add(at("unit"), Msg::new("input.quota_unknown_department").arg("department", name));
        }
        match parse_month(&q.month) {
            None => c.add(at("month"), Msg::new("input.bad_month").arg("month", format!("{:?}", q.month))),
            Some((y, _)) if y != inst.first_year && y != inst.first_year + 1 => c.add(
                at("month"),
                Msg::new("input.outside_plan_years")
                    .arg("value", &q.month)
                    .arg("first", inst.first_year)
                    .arg("second", inst.first_year + 1),
            ),
            Some((_, mm)) if !p.window_months().any(|w| w == mm) => c.add(
                at("month"),
                Msg::new("input.outside_window")
                    .arg("month", &q.month)
                    .arg("first", p.window_first_month)
                    .arg("last", p.window_last_month),
            ),
            Some(ym) if !seen.insert((key, ym)) => {
                c.add(at("month"), Msg::new("input.quota_duplicate").arg("month", &q.month))
            }
            _ => {}
        }
    }
}

impl Instance {
    /// Validate, returning every problem at once.
    pub fn validate(&self) -> Result<(), InputError> {
        let problems = validate(self);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(InputError::Invalid { what: "instance", problems })
        }
    }
}
