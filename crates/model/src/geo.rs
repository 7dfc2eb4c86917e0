//! Great-circle distance (PLANNING_RULES §4: haversine, R = 6371.0 km).

use crate::Point;

/// Earth radius used by the cost model, in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance between two points in km (haversine formula).
pub fn haversine_km(a: Point, b: Point) -> f64 {
    let (la1, lo1, la2, lo2) = (a.lat.to_radians(), a.lon.to_radians(), b.lat.to_radians(), b.lon.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jinan_to_qingdao_is_about_290_km() {
        let jinan = Point { lat: 36.650766, lon: 117.113968 };
        let qingdao = Point { lat: 36.066859, lon: 120.37749 };
        let d = haversine_km(jinan, qingdao);
        assert!((d - 298.0).abs() < 10.0, "{d}");
        assert_eq!(haversine_km(jinan, jinan), 0.0);
    }
}
