//! County boundaries for the page's map: the committed `fixtures/**/counties.geojson` files,
//! embedded at build time (see `build.rs`), read once, and served per instance with only the
//! features of its counties.
//!
//! Reading is strict and never panics: a feature without a 6-digit `county_code`, a
//! `county_name` and a `Polygon`/`MultiPolygon` of finite longitude/latitude pairs is left out
//! (and logged once); a ring with fewer than three distinct points is dropped. Coordinates are
//! rounded to 4 decimals (about 10 m) and every geometry is written as a `MultiPolygon`.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde_json::Value;

use sanlian_model::Instance;

mod files {
    include!(concat!(env!("OUT_DIR"), "/boundary_files.rs"));
}

/// One county's outline, its geometry already written as GeoJSON text.
#[derive(Debug)]
struct Boundary {
    name: String,
    geometry: String,
}

/// What one file gave: the outlines, and why any feature was left out.
#[derive(Debug, Default)]
struct Read {
    boundaries: Vec<(String, Boundary)>,
    problems: Vec<String>,
}

/// The outlines by county code; the first file (in path order) that has a code wins.
fn all() -> &'static HashMap<String, Boundary> {
    static ALL: OnceLock<HashMap<String, Boundary>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = HashMap::new();
        for (path, text) in files::FILES {
            let read = read(text);
            for problem in &read.problems {
                tracing::warn!(file = %format!("fixtures/{path}"), problem, "a county boundary is left out");
            }
            for (code, boundary) in read.boundaries {
                all.entry(code).or_insert(boundary);
            }
        }
        all
    })
}

/// The usable features of a GeoJSON `FeatureCollection`.
fn read(text: &str) -> Read {
    let mut out = Read::default();
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            out.problems.push(format!("not JSON: {e}"));
            return out;
        }
    };
    let Some(features) = doc.get("features").and_then(Value::as_array) else {
        out.problems.push("no `features` array".into());
        return out;
    };
    for (i, f) in features.iter().enumerate() {
        match feature(f) {
            Ok(b) => out.boundaries.push(b),
            Err(e) => out.problems.push(format!("feature {i}: {e}")),
        }
    }
    out
}

fn feature(f: &Value) -> Result<(String, Boundary), String> {
    let text =
        |key: &str| f.get("properties").and_then(|p| p.get(key)).and_then(Value::as_str).ok_or(format!("no `{key}`"));
    let code = text("county_code")?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("county_code {code:?} is not 6 digits"));
    }
    let name = text("county_name")?;
    let geometry = f.get("geometry").ok_or("no geometry")?;
    let kind = geometry.get("type").and_then(Value::as_str);
    if !matches!(kind, Some("Polygon" | "MultiPolygon")) {
        return Err("the geometry is not a Polygon or MultiPolygon".into());
    }
    let coordinates = geometry.get("coordinates").ok_or("no coordinates")?;
    let polygons: Vec<&Value> = if kind == Some("Polygon") {
        vec![coordinates]
    } else {
        coordinates.as_array().ok_or("MultiPolygon coordinates are not an array")?.iter().collect()
    };
    let mut written = Vec::new();
    for polygon in polygons {
        let rings = polygon.as_array().ok_or("a polygon is not an array of rings")?;
        let mut rings = rings.iter().map(ring).collect::<Result<Vec<_>, _>>()?;
        // A polygon whose outer ring is degenerate is dropped; so is a degenerate hole.
        if rings.first().is_none_or(Option::is_none) {
            continue;
        }
        rings.retain(Option::is_some);
        written.push(format!("[{}]", rings.into_iter().flatten().collect::<Vec<_>>().join(",")));
    }
    if written.is_empty() {
        return Err(format!("{code} {name} has no polygon with three distinct points"));
    }
    let geometry = format!(r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#, written.join(","));
    Ok((code.to_string(), Boundary { name: name.to_string(), geometry }))
}

/// A linear ring rounded to 4 decimals, closed, without repeated points, as JSON text; `None`
/// when fewer than three distinct points are left.
fn ring(ring: &Value) -> Result<Option<String>, String> {
    let positions = ring.as_array().ok_or("a ring is not an array of positions")?;
    let mut points: Vec<[f64; 2]> = Vec::with_capacity(positions.len() + 1);
    for p in positions {
        let pair = p.as_array().filter(|a| a.len() >= 2).ok_or("a position is not [longitude, latitude]")?;
        let (lon, lat) = (pair[0].as_f64(), pair[1].as_f64());
        let (Some(lon), Some(lat)) = (lon, lat) else { return Err("a coordinate is not a number".into()) };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(format!("[{lon}, {lat}] is not a longitude and latitude"));
        }
        let point = [round4(lon), round4(lat)];
        if points.last() != Some(&point) {
            points.push(point);
        }
    }
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    if points.len() < 3 {
        return Ok(None);
    }
    points.push(points[0]);
    let text: Vec<String> = points.iter().map(|[x, y]| format!("[{x},{y}]")).collect();
    Ok(Some(format!("[{}]", text.join(","))))
}

/// Rounded to 4 decimals and written in shortest form by `Display` (117.1246, not 117.12460000000001).
fn round4(x: f64) -> f64 {
    let r = (x * 1e4).round() / 1e4;
    if r == 0.0 {
        0.0 // no "-0"
    } else {
        r
    }
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

    fn codes(doc: &Value) -> Vec<String> {
        doc["features"].as_array().unwrap().iter().map(|f| f["properties"]["code"].as_str().unwrap().into()).collect()
    }

    #[test]
    fn every_committed_boundary_file_reads_whole() {
        assert!(!files::FILES.is_empty(), "no counties.geojson was embedded");
        for (path, text) in files::FILES {
            let read = read(text);
            assert_eq!(read.problems, Vec::<String>::new(), "{path}");
            let features = serde_json::from_str::<Value>(text).unwrap()["features"].as_array().unwrap().len();
            assert_eq!(read.boundaries.len(), features, "{path}: every feature is kept");
            let codes: BTreeSet<&str> = read.boundaries.iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(codes.len(), read.boundaries.len(), "{path} repeats a county code");
        }
    }

    #[test]
    fn the_fixtures_counties_have_their_outlines() {
        let shandong = Instance::from_json(include_str!("../../../fixtures/shandong/instance.json")).unwrap();
        let doc: Value = serde_json::from_str(&for_instance(&shandong)).unwrap();
        let expected: Vec<String> = shandong.region.counties.iter().map(|c| c.code.clone()).collect();
        assert_eq!(codes(&doc), expected, "every official county of the Shandong fixture has its outline, in order");
        assert_eq!(doc["features"][0]["geometry"]["type"], "MultiPolygon");
        assert_eq!(doc["features"][0]["properties"]["name"], "历下区");

        let mut small = Instance::from_json(include_str!("../../../fixtures/small/instance.json")).unwrap();
        assert_eq!(codes(&serde_json::from_str(&for_instance(&small)).unwrap()).len(), 5);
        small.region.counties[0].name = "别的县".into();
        small.region.counties[1].code = "379999".into();
        let doc: Value = serde_json::from_str(&for_instance(&small)).unwrap();
        assert_eq!(codes(&doc), ["370505", "370522", "370523"], "a county whose code or name differs gets no outline");
        small.region.counties.clear();
        assert_eq!(for_instance(&small), r#"{"type":"FeatureCollection","features":[]}"#);
    }

    /// A feature as GeoJSON text with the given geometry.
    fn one(code: &str, geometry: &str) -> String {
        format!(
            r#"{{"features":[{{"type":"Feature","properties":{{"county_code":"{code}","county_name":"某县"}},"geometry":{geometry}}}]}}"#
        )
    }

    #[test]
    fn geometries_are_rounded_closed_and_written_as_multipolygons() {
        let read = read(&one(
            "370102",
            r#"{"type":"Polygon","coordinates":[[[117.123456,36.5],[117.12346,36.5],[118,36.5],[118,37.00004],[117.123456,36.5]],
                [[117.5,36.6],[117.5,36.6]]]}"#,
        ));
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        let (code, b) = &read.boundaries[0];
        assert_eq!((code.as_str(), b.name.as_str()), ("370102", "某县"));
        // Rounded to 4 decimals, the repeated point dropped, the ring closed, the degenerate hole dropped.
        assert_eq!(
            b.geometry,
            r#"{"type":"MultiPolygon","coordinates":[[[[117.1235,36.5],[118,36.5],[118,37],[117.1235,36.5]]]]}"#
        );
        let unclosed = read_one(r#"{"type":"MultiPolygon","coordinates":[[[[1,2],[3,2],[3,4]]]]}"#);
        assert_eq!(unclosed.unwrap(), r#"{"type":"MultiPolygon","coordinates":[[[[1,2],[3,2],[3,4],[1,2]]]]}"#);
    }

    fn read_one(geometry: &str) -> Result<String, String> {
        let mut read = read(&one("370102", geometry));
        match read.problems.pop() {
            Some(p) => Err(p),
            None => Ok(read.boundaries.pop().unwrap().1.geometry),
        }
    }

    #[test]
    fn bad_features_are_left_out_without_a_panic() {
        for (geometry, why) in [
            (r#"{"type":"Point","coordinates":[1,2]}"#, "not a Polygon"),
            (r#"{"type":"Polygon"}"#, "no coordinates"),
            (r#"{"type":"Polygon","coordinates":7}"#, "not an array of rings"),
            (r#"{"type":"Polygon","coordinates":[[[1,2],[3,"x"],[3,4]]]}"#, "not a number"),
            (r#"{"type":"Polygon","coordinates":[[[1,2],[3],[3,4]]]}"#, "not [longitude, latitude]"),
            (r#"{"type":"Polygon","coordinates":[[[1,2],[300,2],[3,4]]]}"#, "not a longitude"),
            (r#"{"type":"Polygon","coordinates":[[[1,2],[1,2.00001],[1,2]]]}"#, "three distinct points"),
            (r#"{"type":"MultiPolygon","coordinates":[]}"#, "three distinct points"),
            (r#"null"#, "not a Polygon"),
        ] {
            let e = read_one(geometry).expect_err(geometry);
            assert!(e.contains(why), "{geometry}: {e}");
        }
        let r = read(&one("3701", r#"{"type":"Polygon","coordinates":[[[1,2],[3,2],[3,4]]]}"#));
        assert!(r.boundaries.is_empty() && r.problems[0].contains("not 6 digits"), "{:?}", r.problems);
        for text in ["", "[]", r#"{"features":{}}"#, r#"{"features":[1,null,{}]}"#] {
            let r = read(text);
            assert!(r.boundaries.is_empty() && !r.problems.is_empty(), "{text:?}");
        }
        // The good features of a file with a bad one are kept.
        let mixed = r#"{"features":[{},{"properties":{"county_code":"370102","county_name":"某县"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[3,2],[3,4]]]}}]}"#;
        let r = read(mixed);
        assert_eq!((r.boundaries.len(), r.problems.len()), (1, 1));
    }

    #[test]
    fn the_tag_follows_the_body() {
        assert_eq!(etag("a"), etag("a"));
        assert_ne!(etag("a"), etag("b"));
        assert_eq!(etag("").len(), 18);
    }
}
