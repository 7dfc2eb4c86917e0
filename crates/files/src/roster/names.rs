//! City and county names ⇄ codes. County names repeat across cities (山东 has several
//! 市中区), so a name is resolved within a city when one is given, "济南市市中区" names the
//! city too, and a 6-digit code always works.

use std::collections::HashMap;

use sanlian_model::{Msg, Region};

use super::errors::{item, list};

/// Look-ups of one region's city and county names and codes.
pub(crate) struct Names<'a> {
    region: &'a Region,
    county_by_name: HashMap<&'a str, Vec<usize>>,
}

fn is_code(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

fn squeeze(s: &str) -> String {
    super::grid::narrow(s).chars().filter(|c| !c.is_whitespace()).collect()
}

impl<'a> Names<'a> {
    pub(crate) fn new(region: &'a Region) -> Names<'a> {
        let mut county_by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, k) in region.counties.iter().enumerate() {
            county_by_name.entry(k.name.as_str()).or_default().push(i);
        }
        Names { region, county_by_name }
    }

    /// The city index named by `text`: its name ("济南市" or "济南") or its code.
    pub(crate) fn city(&self, text: &str) -> Result<usize, Msg> {
        let t = squeeze(text);
        let cities = &self.region.cities;
        if let Some(i) = cities.iter().position(|c| c.code == t || c.name == t || c.name == format!("{t}市")) {
            return Ok(i);
        }
        if is_code(&t) && self.region.counties.iter().any(|k| k.code == t) {
            return Err(Msg::new("roster.county_code_as_city").arg("code", &t).arg("example", self.example_city()));
        }
        Err(Msg::new("roster.unknown_city")
            .arg("city", &t)
            .arg("province", &self.region.province.name)
            .arg("example", self.example_city()))
    }

    fn example_city(&self) -> String {
        self.region.cities.first().map_or_else(|| "济南市".to_string(), |c| c.name.clone())
    }

    /// The county index named by `text`: a code, a name (within city `scope` when the name
    /// repeats), or a city name followed by a county name ("济南市市中区").
    pub(crate) fn county(&self, text: &str, scope: Option<usize>) -> Result<usize, Msg> {
        let t = squeeze(text);
        let counties = &self.region.counties;
        if is_code(&t) {
            if let Some(i) = counties.iter().position(|k| k.code == t) {
                return Ok(i);
            }
            if self.region.cities.iter().any(|c| c.code == t) {
                return Err(Msg::new("roster.city_code_as_county").arg("code", &t));
            }
            return Err(Msg::new("roster.unknown_county_code")
                .arg("code", &t)
                .arg("province", &self.region.province.name));
        }
        if let Some(found) = self.county_by_name.get(t.as_str()) {
            if let [one] = found.as_slice() {
                return Ok(*one);
            }
            let scope_code = scope.map(|c| self.region.cities[c].code.as_str());
            let within: Vec<usize> =
                found.iter().copied().filter(|&i| Some(counties[i].city.as_str()) == scope_code).collect();
            if let [one] = within.as_slice() {
                return Ok(*one);
            }
            let items: Vec<Msg> = found
                .iter()
                .map(|&i| Msg::new("roster.name_code").arg("name", self.qualified(i)).arg("code", &counties[i].code))
                .collect();
            return Err(Msg::new("roster.county_ambiguous")
                .arg("county", &t)
                .arg("count", found.len())
                .arg_msg("list", list(items))
                .arg("example", self.qualified(found[0]))
                .arg("code", &counties[found[0]].code));
        }
        // "济南市历下区", or "济南历下区" with the city's 市 left out.
        for city in &self.region.cities {
            let short = city.name.strip_suffix('市').filter(|s| s.chars().count() >= 2);
            // Both readings of "济南市中区": 济南市 + 中区, and 济南 + 市中区.
            let found = [Some(city.name.as_str()), short]
                .into_iter()
                .flatten()
                .filter_map(|prefix| t.strip_prefix(prefix).filter(|r| !r.is_empty()))
                .find_map(|rest| self.county_by_name.get(rest).map(|found| (rest, found)));
            let Some((rest, found)) = found else { continue };
            if let Some(&i) = found.iter().find(|&&i| counties[i].city == city.code) {
                return Ok(i);
            }
            let elsewhere: Vec<Msg> = found.iter().map(|&i| item(self.qualified(i))).collect();
            return Err(Msg::new("roster.county_elsewhere")
                .arg("county", rest)
                .arg("city", &city.name)
                .arg_msg("list", list(elsewhere)));
        }
        let near = self.suggest(&t);
        let province = &self.region.province.name;
        Err(if near.is_empty() {
            Msg::new("roster.unknown_county").arg("county", &t).arg("province", province)
        } else {
            let near = near.into_iter().map(|n| Msg::new("roster.quoted").arg("item", n)).collect();
            Msg::new("roster.unknown_county_near")
                .arg("county", &t)
                .arg("province", province)
                .arg_msg("near", list(near))
        })
    }

    /// The counties whose names are nearest `t` (at most three) — by edit distance (历夏区 →
    /// 历下区, 章邱区 → 章丘区; at most one edit in three characters), or sharing its stem.
    fn suggest(&self, t: &str) -> Vec<String> {
        let stem: String = t.chars().take(t.chars().count().saturating_sub(1).max(1)).collect();
        let head: String = t.chars().take(2).collect();
        let most = (t.chars().count() / 3).max(1);
        let mut near: Vec<(usize, usize)> = self
            .region
            .counties
            .iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let edits = strsim::levenshtein(t, &k.name).min(strsim::levenshtein(t, &self.qualified(i)));
                let prefix = !stem.is_empty()
                    && (k.name.starts_with(&stem) || (head.chars().count() == 2 && k.name.starts_with(&head)));
                (edits <= most || prefix).then_some((edits, i))
            })
            .collect();
        near.sort();
        let mut near: Vec<String> = near.into_iter().map(|(_, i)| self.label(i)).collect();
        near.dedup();
        near.truncate(3);
        near
    }

    /// City name followed by county name, e.g. "济南市市中区".
    pub(crate) fn qualified(&self, county: usize) -> String {
        let k = &self.region.counties[county];
        let city = self.region.cities.iter().find(|c| c.code == k.city).map_or("", |c| c.name.as_str());
        format!("{city}{}", k.name)
    }

    /// The shortest text that names county `county` unambiguously: its name when no other
    /// county has it, else the qualified name, else its code.
    pub(crate) fn label(&self, county: usize) -> String {
        let k = &self.region.counties[county];
        if self.county_by_name.get(k.name.as_str()).is_some_and(|v| v.len() == 1) {
            return k.name.clone();
        }
        let q = self.qualified(county);
        if self.county(&q, None) == Ok(county) {
            q
        } else {
            k.code.clone()
        }
    }

    /// [`label`](Self::label) of the county with `code`, or the code itself when unknown.
    pub(crate) fn county_label(&self, code: &str) -> String {
        self.region.counties.iter().position(|k| k.code == code).map_or_else(|| code.to_string(), |i| self.label(i))
    }

    /// The name of the city with `code`, or the code itself when unknown.
    pub(crate) fn city_label(&self, code: &str) -> String {
        self.region.cities.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone())
    }

    /// Does another county share county `county`'s name?
    pub(crate) fn is_repeated(&self, county: usize) -> bool {
        self.county_by_name.get(self.region.counties[county].name.as_str()).is_some_and(|v| v.len() > 1)
    }
}
