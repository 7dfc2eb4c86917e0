//! The input: region, roster and parameters (PLANNING_RULES §1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Parameters;

/// A location in WGS-84 decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// A planning instance: one province, its roster, and the policy in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// A label for people, e.g. "山东省 2027–2028".
    pub name: String,
    /// The first of the two consecutive plan years.
    pub first_year: i32,
    /// Policy parameters; every omitted field takes its PLANNING_RULES default.
    #[serde(default)]
    pub parameters: Parameters,
    /// Province, cities, counties and townships.
    pub region: Region,
    /// The cadres to deploy.
    pub cadres: Vec<Cadre>,
    /// Locks and bans the planner set (rules P1–P9, see [`crate::locks`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<crate::Lock>,
    /// H9 quotas that replace a department's cap in the months they name: a city's
    /// sub-instance carries its share of each province department's monthly places
    /// (see [`crate::allocation`]); empty in a province-wide instance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub department_quotas: Vec<DepartmentQuota>,
    /// The province's spreading rules A1–A3 on its own cadres (see [`crate::allocation`]).
    #[serde(default, skip_serializing_if = "crate::allocation::Spread::is_none")]
    pub spread: crate::allocation::Spread,
}

/// H9 for a city's share of a department: in `month`, at most `max` of the department's
/// cadres in this instance are on a block. It replaces the department's H9 cap that month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentQuota {
    /// The dispatching unit.
    pub unit: String,
    /// The department inside it; none when the unit is one department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// "YYYY-MM", a window month of a plan year.
    pub month: String,
    /// Most of the department's cadres on a block that month.
    pub max: u32,
}

/// Administrative divisions of one province.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The province and its seat (团省委 is based there).
    pub province: Province,
    /// Prefecture-level cities (地级市).
    pub cities: Vec<City>,
    /// County-level units that get a working group.
    pub counties: Vec<County>,
    /// Township-level units (乡 / 镇 / 街道) to cover.
    pub townships: Vec<Township>,
    /// How development zones were handled (PLANNING_RULES §1 asks the instance to say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones_note: Option<String>,
}

/// The province.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// 6-digit code, e.g. "370000".
    pub code: String,
    /// Name, e.g. "山东省".
    pub name: String,
    /// Seat of the provincial government.
    pub seat: Point,
}

/// A prefecture-level city.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// 6-digit code, e.g. "370100".
    pub code: String,
    /// Name, e.g. "济南市".
    pub name: String,
    /// Seat of the city government.
    pub seat: Point,
}

/// Kind of a county-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountyKind {
    /// 市辖区.
    District,
    /// 县.
    County,
    /// 县级市.
    CountyCity,
    /// A development zone attached as a county-level unit (located at its city's seat).
    Zone,
}

/// A county-level unit: one working group each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct County {
    /// 6-digit code, e.g. "370102".
    pub code: String,
    /// Name, e.g. "历下区".
    pub name: String,
    /// Code of the city it belongs to.
    pub city: String,
    /// District, county, county-level city or zone.
    pub kind: CountyKind,
    /// Seat of the county government.
    pub seat: Point,
}

/// A township-level unit (乡 / 镇 / 街道, or a 类似乡级单位).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Township {
    /// 9-digit statistical code, e.g. "370102001".
    pub code: String,
    /// Name, e.g. "解放路街道".
    pub name: String,
    /// Code of its county.
    pub county: String,
    /// 街道, 镇, 乡 or other, as in the source.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Own location, if known (else the county's seat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Point>,
    /// Needs tags, matched against cadres' strengths in S2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// Should be reached in the first plan year (S2).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub priority: bool,
}

/// Rank level of a cadre's dispatching unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 团省委.
    Province,
    /// 团市委.
    City,
    /// 团县委 (including cadres seconded from the finance system).
    County,
    /// A university's league committee.
    University,
    /// An enterprise's league committee.
    Enterprise,
}

impl Level {
    /// All levels, in report order.
    pub const ALL: [Level; 5] = [Level::Province, Level::City, Level::County, Level::University, Level::Enterprise];

    /// Province or city level: counts for H4 mixed composition.
    pub fn is_upper(self) -> bool {
        matches!(self, Level::Province | Level::City)
    }

    /// Default mode of work (§2).
    pub fn default_mode(self) -> Mode {
        match self {
            Level::Province | Level::City => Mode::Blocks,
            Level::County => Mode::Weekly,
            Level::University | Level::Enterprise => Mode::Mixed,
        }
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::City => "市级",
            Level::County => "县级",
            Level::University => "高校",
            Level::Enterprise => "企业",
        }
    }

    /// Snake-case identifier, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::University => "university",
            Level::Enterprise => "enterprise",
        }
    }
}

/// Mode of work (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Whole-month blocks only.
    Blocks,
    /// One fixed weekday every week ("4+1").
    Weekly,
    /// Some block months plus one fixed weekday in the other weeks.
    Mixed,
}

/// A cadre (团干部) to deploy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cadre {
    /// Unique id, e.g. "P017".
    pub id: String,
    /// Name (pseudonym in the fixtures).
    pub name: String,
    /// Level of the dispatching unit.
    pub level: Level,
    /// Dispatching unit (pays this cadre's costs), e.g. "团省委", "团济南市委".
    pub unit: String,
    /// Department inside the unit (H9); none means the unit is one department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// 副处级以上: may lead a group (H3).
    #[serde(default)]
    pub senior: bool,
    /// Base location: the unit's seat.
    pub base: Point,
    /// Home city code (required for city level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_city: Option<String>,
    /// Home county code (required for county level).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_county: Option<String>,
    /// Strength tags, matched against township needs (S2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strengths: Vec<String>,
    /// Preferred county codes (S1 penalty when all are missed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_counties: Vec<String>,
    /// County of the previous round (S1 continuity bonus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_county: Option<String>,
    /// Months in which the cadre cannot be on a block, as "YYYY-MM".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable_months: Vec<String>,
    /// Active plan years, 1 and/or 2. Default: both.
    #[serde(default = "both_years")]
    pub active_years: Vec<u8>,
    /// Mode override; default by level (§2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// First day of service, for a cadre who joins mid-plan (re-planning, §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<chrono::NaiveDate>,
    /// Day service ends (exclusive), for a cadre who leaves mid-plan (re-planning, §7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<chrono::NaiveDate>,
    /// H8 in a calendar year served only in part (§7): the blocks still owed that year when
    /// they are not the mode's number — a successor's remaining blocks (those its
    /// predecessor had not yet taken), a leaver's blocks taken before leaving. Re-planning
    /// sets it; the year's exact count is min(owed, available months served).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub blocks_owed: BTreeMap<i32, u32>,
    /// 性别, as the roster gives it (e.g. "男"); carried to the filed lists, never planned on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// 职务, the post inside the unit (e.g. "副书记"); carried to the filed lists only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 联系电话; carried to the filed lists only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// 备注, the planner's note; carried to the filed lists only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn both_years() -> Vec<u8> {
    vec![1, 2]
}

impl Cadre {
    /// A cadre with the given identity and base, and every optional field at its default:
    /// not senior, no department, home, strengths, preferences or unavailable months,
    /// active both years, mode by level, no gender, title, phone or note.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        level: Level,
        unit: impl Into<String>,
        base: Point,
    ) -> Cadre {
        Cadre {
            id: id.into(),
            name: name.into(),
            level,
            unit: unit.into(),
            department: None,
            senior: false,
            base,
            home_city: None,
            home_county: None,
            strengths: Vec::new(),
            preferred_counties: Vec::new(),
            previous_county: None,
            unavailable_months: Vec::new(),
            active_years: both_years(),
            mode: None,
            from: None,
            until: None,
            blocks_owed: BTreeMap::new(),
            gender: None,
            title: None,
            phone: None,
            note: None,
        }
    }

    /// The cadre's mode of work: its override, else its level's default.
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or_else(|| self.level.default_mode())
    }

    /// Is plan year `y` (1 or 2) among the cadre's active years? (Service periods
    /// narrow this further: see `Prepared::active`.)
    pub fn active_in(&self, y: u8) -> bool {
        self.active_years.contains(&y)
    }

    /// Does day `d` lie in the cadre's service period (`from` ≤ d < `until`)? Whether it is in
    /// service then also depends on its active years: see `Prepared::serves_on`.
    pub fn in_period(&self, d: chrono::NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= d) && self.until.is_none_or(|u| d < u)
    }

    /// The department key used by H9: unit plus department.
    pub fn department_key(&self) -> String {
        match &self.department {
            Some(d) => format!("{}/{}", self.unit, d),
            None => self.unit.clone(),
        }
    }
}

impl Instance {
    /// Parse an instance from JSON text, naming the line and column of a syntax error.
    /// A leading byte-order mark is accepted.
    pub fn from_json(text: &str) -> Result<Instance, crate::InputError> {
        crate::validate::from_json("instance", text)
    }

    /// The calendar year of plan year index `y` (0 or 1).
    pub fn year(&self, y: usize) -> i32 {
        self.first_year + y as i32
    }
}
