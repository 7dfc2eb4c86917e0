//! County boundaries for the page's map: the committed `fixtures/**/counties.geojson` files,
//! embedded at build time (see `build.rs`), read once, and served per instance with only the
//! features of its counties.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde_json::Value;

use sanlian_model::Instance;

mod files {
    include!(concat!(env!("OUT_DIR"), "/boundary_files.rs"));
}

/// One county's outline, its geometry already written as GeoJSON text.
struct Boundary {
    name: String,
    geometry: String,
}

/// The outlines by county code; the first file (in path order) that has a code wins.
fn all() -> &'static HashMap<String, Boundary> {
    static ALL: OnceLock<HashMap<String, Boundary>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = HashMap::new();
        for (path, text) in files::FILES {
            for (code, boundary) in read(text).unwrap_or_else(|e| panic!("fixtures/{path}: {e}")) {
                all.entry(code).or_insert(boundary);
            }
        }
        all
    })
}

/// The features of a `FeatureCollection` with `county_code`, `county_name` and a polygon geometry.
fn read(text: &str) -> Result<Vec<(String, Boundary)>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let features = doc["features"].as_array().ok_or("no `features` array")?;
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let text = |key: &str| {
                f["properties"][key].as_str().map(str::to_string).ok_or(format!("feature {i} has no `{key}`"))
            };
            let geometry = &f["geometry"];
            if !matches!(geometry["type"].as_str(), Some("Polygon" | "MultiPolygon")) {
                return Err(format!("feature {i}'s geometry is not a Polygon or MultiPolygon"));
            }
            Ok((text("county_code")?, Boundary { name: text("county_name")?, geometry: geometry.to_string() }))
        })
        .collect()
}

/// A GeoJSON `FeatureCollection` of the instance's counties that have an outline with the same
/// code **and** name (a generated region that reuses a code for another name gets none), each
/// `{"type":"Feature","properties":{"code","name"},"geometry"}`, in the instance's order.
/// Counties without one are left out; the page draws them as a circle at the seat.
pub fn for_instance(inst: &Instance) -> String {
    let all = all();
    let mut seen = BTreeSet::new();
    let features: Vec<String> = inst
        .region
        .counties
        .iter()
        .filter(|c| seen.insert(c.code.as_str()))
        .filter_map(|c| {
            let b = all.get(&c.code).filter(|b| b.name == c.name)?;
            let properties = serde_json::json!({ "code": c.code, "name": c.name });
            Some(format!(r#"{{"type":"Feature","properties":{properties},"geometry":{}}}"#, b.geometry))
        })
        .collect();
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

/// An entity tag for a body: FNV-1a, 64 bits, quoted.
pub fn etag(body: &str) -> String {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    format!("\"{hash:016x}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_committed_boundary_file_reads() {
        assert!(!files::FILES.is_empty(), "no counties.geojson was embedded");
        for (path, text) in files::FILES {
            let read = read(text).unwrap_or_else(|e| panic!("{path}: {e}"));
            let codes: BTreeSet<&str> = read.iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(codes.len(), read.len(), "{path} repeats a county code");
        }
    }

    #[test]
    fn the_fixtures_counties_have_their_outlines() {
        let shandong = Instance::from_json(include_str!("../../../fixtures/shandong/instance.json")).unwrap();
        let doc: Value = serde_json::from_str(&for_instance(&shandong)).unwrap();
        let codes: Vec<&str> =
            doc["features"].as_array().unwrap().iter().map(|f| f["properties"]["code"].as_str().unwrap()).collect();
        let expected: Vec<&str> = shandong.region.counties.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, expected, "every official county of the Shandong fixture has its outline, in order");
        assert_eq!(doc["features"][0]["geometry"]["type"], "MultiPolygon");

        let mut small = Instance::from_json(include_str!("../../../fixtures/small/instance.json")).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&for_instance(&small)).unwrap()["features"].as_array().unwrap().len(),
            5
        );
        small.region.counties[0].name = "别的县".into();
        small.region.counties[1].code = "379999".into();
        let doc: Value = serde_json::from_str(&for_instance(&small)).unwrap();
        let codes: Vec<&str> =
            doc["features"].as_array().unwrap().iter().map(|f| f["properties"]["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["370505", "370522", "370523"], "a county whose code or name differs gets no outline");
    }

    #[test]
    fn the_tag_follows_the_body() {
        assert_eq!(etag("a"), etag("a"));
        assert_ne!(etag("a"), etag("b"));
        assert_eq!(etag("").len(), 18);
    }
}
