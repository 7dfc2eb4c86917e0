//! A map of the plan as SVG: each county seat a circle coloured by city, sized by its
//! group, ringed by its leader's level, with the county's name.

use std::fmt::Write as _;

use sanlian_model::{Instance, Level, Plan};

const WIDTH: f64 = 1000.0;
const MAX_HEIGHT: f64 = 900.0;
const MARGIN: f64 = 40.0;
const LEGEND: f64 = 170.0;

/// Sixteen distinguishable fills, one per city (cycled beyond that).
const PALETTE: [&str; 16] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf",
];

fn ring(level: Option<Level>) -> (&'static str, &'static str) {
    match level {
        Some(Level::Province) => ("#b22222", "省级组长"),
        Some(Level::City) => ("#1a1a1a", "市级组长"),
        Some(_) => ("#2e8b57", "高校/企业组长"),
        None => ("#999999", "无组长"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The plan's map as a standalone SVG document.
pub fn svg(inst: &Instance, plan: &Plan) -> String {
    let counties = &inst.region.counties;
    let lat0 = counties.iter().map(|k| k.seat.lat).sum::<f64>() / counties.len().max(1) as f64;
    let kx = lat0.to_radians().cos();
    let xs: Vec<f64> = counties.iter().map(|k| k.seat.lon * kx).collect();
    let ys: Vec<f64> = counties.iter().map(|k| k.seat.lat).collect();
    let (x0, x1) = (xs.iter().cloned().fold(f64::INFINITY, f64::min), xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
    let (y0, y1) = (ys.iter().cloned().fold(f64::INFINITY, f64::min), ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
    let scale = ((WIDTH - LEGEND - 2.0 * MARGIN) / (x1 - x0).max(1e-6)).min((MAX_HEIGHT - 2.0 * MARGIN - 30.0) / (y1 - y0).max(1e-6));
    let legend_rows = inst.region.cities.len() as f64 + 8.0;
    let height = (2.0 * MARGIN + 30.0 + (y1 - y0) * scale).max(MARGIN + 60.0 + 17.0 * legend_rows);
    let left = MARGIN + ((WIDTH - LEGEND - 2.0 * MARGIN) - (x1 - x0) * scale) / 2.0;
    let px = |i: usize| left + (xs[i] - x0) * scale;
    let py = |i: usize| MARGIN + 30.0 + (y1 - ys[i]) * scale;
    let city_index = |code: &str| inst.region.cities.iter().position(|c| c.code == code).unwrap_or(0);
    let level_of = |id: &str| inst.cadres.iter().find(|c| c.id == id).map(|c| c.level);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let c = &plan.coverage;
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="28" font-size="18" font-weight="bold">{} · {} 个工作组 · 覆盖 {}/{} 个乡镇</text>"#,
        escape(&inst.name),
        plan.groups.len(),
        c.total,
        c.townships
    );
    for g in &plan.groups {
        let Some(i) = counties.iter().position(|k| k.code == g.county) else { continue };
        let fill = PALETTE[city_index(&g.city) % PALETTE.len()];
        let r = 3.0 + 2.2 * (g.members.len() as f64).sqrt();
        let (stroke, _) = ring(g.leader.as_deref().and_then(level_of));
        let _ = writeln!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="{fill}" fill-opacity="0.85" stroke="{stroke}" stroke-width="2"><title>{} · {} 人 · 组长 {}</title></circle>"#,
            px(i),
            py(i),
            escape(&g.county_name),
            g.members.len(),
            escape(g.leader.as_deref().unwrap_or("—"))
        );
        let _ = writeln!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#333333">{}</text>"##,
            px(i) + r + 1.5,
            py(i) + 3.0,
            escape(&g.county_name)
        );
    }
    let lx = WIDTH - LEGEND + 10.0;
    let mut ly = MARGIN + 40.0;
    let _ = writeln!(s, r#"<text x="{lx}" y="{ly}" font-size="12" font-weight="bold">城市（填色）</text>"#);
    for (ci, city) in inst.region.cities.iter().enumerate() {
        if !counties.iter().any(|k| k.city == city.code) {
            continue;
        }
        ly += 17.0;
        let _ = writeln!(
            s,
            r#"<circle cx="{}" cy="{}" r="6" fill="{}"/><text x="{}" y="{}" font-size="11">{}</text>"#,
            lx + 6.0,
            ly - 4.0,
            PALETTE[ci % PALETTE.len()],
            lx + 18.0,
            ly,
            escape(&city.name)
        );
    }
    ly += 28.0;
    let _ = writeln!(s, r#"<text x="{lx}" y="{ly}" font-size="12" font-weight="bold">组长级别（描边）</text>"#);
    for level in [Some(Level::Province), Some(Level::City), Some(Level::University), None] {
        let (stroke, label) = ring(level);
        ly += 17.0;
        let _ = writeln!(
            s,
            r##"<circle cx="{}" cy="{}" r="6" fill="#ffffff" stroke="{stroke}" stroke-width="2"/><text x="{}" y="{}" font-size="11">{label}</text>"##,
            lx + 6.0,
            ly - 4.0,
            lx + 18.0,
            ly
        );
    }
    ly += 24.0;
    let _ = writeln!(s, r##"<text x="{lx}" y="{ly}" font-size="10" fill="#555555">圆面积 ∝ 工作组人数</text>"##);
    s.push_str("</svg>\n");
    s
}
