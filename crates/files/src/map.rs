//! Maps of the plan as SVG: each county seat a circle, with the county's name.
//!
//! [`svg`] colours the circles by city, sizes them by group and rings them by the leader's
//! level; [`svg_by_year`] shows in which plan year each county's townships are covered.

use std::collections::HashSet;
use std::f64::consts::PI;
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

/// Fills of the coverage-year map: covered in year 1, first covered in year 2, not covered.
const YEAR1: &str = "#4e79a7";
const YEAR2: &str = "#f28e2b";
const UNCOVERED: &str = "#d9d9d9";

fn ring(level: Option<Level>) -> (&'static str, &'static str) {
    match level {
        Some(Level::Province) => ("#b22222", "省级组长"),
        Some(Level::City) => ("#1a1a1a", "市级组长"),
        Some(_) => ("#2e8b57", "高校/企业组长"),
        None => ("#999999", "无组长"),
    }
}

/// Text escaped for XML element content and attribute values.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// Where each county seat goes on the page, and the page's height.
struct Layout {
    xs: Vec<f64>,
    ys: Vec<f64>,
    x0: f64,
    y1: f64,
    scale: f64,
    left: f64,
    height: f64,
}

impl Layout {
    /// An equirectangular projection of the county seats, scaled to the page beside a legend
    /// of `legend_rows` rows.
    fn new(inst: &Instance, legend_rows: f64) -> Layout {
        let counties = &inst.region.counties;
        let lat0 = counties.iter().map(|k| k.seat.lat).sum::<f64>() / counties.len().max(1) as f64;
        let kx = lat0.to_radians().cos();
        let xs: Vec<f64> = counties.iter().map(|k| k.seat.lon * kx).collect();
        let ys: Vec<f64> = counties.iter().map(|k| k.seat.lat).collect();
        let (x0, x1) =
            (xs.iter().cloned().fold(f64::INFINITY, f64::min), xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
        let (y0, y1) =
            (ys.iter().cloned().fold(f64::INFINITY, f64::min), ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
        let scale = ((WIDTH - LEGEND - 2.0 * MARGIN) / (x1 - x0).max(1e-6))
            .min((MAX_HEIGHT - 2.0 * MARGIN - 30.0) / (y1 - y0).max(1e-6));
        let height = (2.0 * MARGIN + 30.0 + (y1 - y0) * scale).max(MARGIN + 60.0 + 17.0 * legend_rows);
        let left = MARGIN + ((WIDTH - LEGEND - 2.0 * MARGIN) - (x1 - x0) * scale) / 2.0;
        Layout { xs, ys, x0, y1, scale, left, height }
    }

    fn px(&self, i: usize) -> f64 {
        self.left + (self.xs[i] - self.x0) * self.scale
    }

    fn py(&self, i: usize) -> f64 {
        MARGIN + 30.0 + (self.y1 - self.ys[i]) * self.scale
    }

    /// The document's opening tags, white background and title line.
    fn open(&self, s: &mut String, inst: &Instance, plan: &Plan) {
        let height = self.height;
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
    }
}

/// Circle radius of a group of `members`.
fn radius(members: usize) -> f64 {
    3.0 + 2.2 * (members as f64).sqrt()
}

fn label(s: &mut String, x: f64, y: f64, r: f64, name: &str) {
    let _ = writeln!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#333333">{}</text>"##,
        x + r + 1.5,
        y + 3.0,
        escape(name)
    );
}

fn legend_item(s: &mut String, lx: f64, ly: f64, fill: &str, stroke: Option<&str>, text: &str) {
    let stroke = stroke.map(|c| format!(r#" stroke="{c}" stroke-width="2""#)).unwrap_or_default();
    let _ = writeln!(
        s,
        r#"<circle cx="{}" cy="{}" r="6" fill="{fill}"{stroke}/><text x="{}" y="{}" font-size="11">{}</text>"#,
        lx + 6.0,
        ly - 4.0,
        lx + 18.0,
        ly,
        escape(text)
    );
}

/// The plan's map as a standalone SVG document.
pub fn svg(inst: &Instance, plan: &Plan) -> String {
    let counties = &inst.region.counties;
    let layout = Layout::new(inst, inst.region.cities.len() as f64 + 8.0);
    let city_index = |code: &str| inst.region.cities.iter().position(|c| c.code == code).unwrap_or(0);
    let level_of = |id: &str| inst.cadres.iter().find(|c| c.id == id).map(|c| c.level);

    let mut s = String::new();
    layout.open(&mut s, inst, plan);
    for g in &plan.groups {
        let Some(i) = counties.iter().position(|k| k.code == g.county) else { continue };
        let fill = PALETTE[city_index(&g.city) % PALETTE.len()];
        let r = radius(g.members.len());
        let (stroke, _) = ring(g.leader.as_deref().and_then(level_of));
        let _ = writeln!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="{fill}" fill-opacity="0.85" stroke="{stroke}" stroke-width="2"><title>{} · {} 人 · 组长 {}</title></circle>"#,
            layout.px(i),
            layout.py(i),
            escape(&g.county_name),
            g.members.len(),
            escape(g.leader.as_deref().unwrap_or("—"))
        );
        label(&mut s, layout.px(i), layout.py(i), r, &g.county_name);
    }
    let lx = WIDTH - LEGEND + 10.0;
    let mut ly = MARGIN + 40.0;
    let _ = writeln!(s, r#"<text x="{lx}" y="{ly}" font-size="12" font-weight="bold">城市（填色）</text>"#);
    for (ci, city) in inst.region.cities.iter().enumerate() {
        if !counties.iter().any(|k| k.city == city.code) {
            continue;
        }
        ly += 17.0;
        legend_item(&mut s, lx, ly, PALETTE[ci % PALETTE.len()], None, &city.name);
    }
    ly += 28.0;
    let _ = writeln!(s, r#"<text x="{lx}" y="{ly}" font-size="12" font-weight="bold">组长级别（描边）</text>"#);
    for level in [Some(Level::Province), Some(Level::City), Some(Level::University), None] {
        let (stroke, text) = ring(level);
        ly += 17.0;
        legend_item(&mut s, lx, ly, "#ffffff", Some(stroke), text);
    }
    ly += 24.0;
    let _ = writeln!(s, r##"<text x="{lx}" y="{ly}" font-size="10" fill="#555555">圆面积 ∝ 工作组人数</text>"##);
    s.push_str("</svg>\n");
    s
}

/// A county's townships by the plan year that first covers them.
#[derive(Default)]
struct YearCount {
    year1: usize,
    year2_only: usize,
    uncovered: usize,
}

impl YearCount {
    fn total(&self) -> usize {
        self.year1 + self.year2_only + self.uncovered
    }
}

/// The plan's coverage by year as a standalone SVG document: each county a pie of its
/// townships covered in plan year 1, first covered in plan year 2, and not covered, sized by
/// its group like [`svg`], with the county's name and a legend.
pub fn svg_by_year(inst: &Instance, plan: &Plan) -> String {
    let counties = &inst.region.counties;
    let layout = Layout::new(inst, 8.0);
    let covered = |year: i32| -> HashSet<&str> {
        plan.assignments
            .iter()
            .flat_map(|a| a.years.iter())
            .filter(|y| y.year == year)
            .map(|y| y.township.as_str())
            .collect()
    };
    let (first, second) = (covered(plan.first_year), covered(plan.first_year + 1));
    let count = |county: &str| {
        let mut n = YearCount::default();
        for t in inst.region.townships.iter().filter(|t| t.county == county) {
            match (first.contains(t.code.as_str()), second.contains(t.code.as_str())) {
                (true, _) => n.year1 += 1,
                (false, true) => n.year2_only += 1,
                (false, false) => n.uncovered += 1,
            }
        }
        n
    };

    let mut s = String::new();
    layout.open(&mut s, inst, plan);
    for (i, k) in counties.iter().enumerate() {
        let members = plan.groups.iter().find(|g| g.county == k.code).map_or(0, |g| g.members.len());
        let n = count(&k.code);
        let r = radius(members.max(1));
        let (x, y) = (layout.px(i), layout.py(i));
        let title = format!(
            "{} · {} 个乡镇 · 第一年 {} · 第二年新覆盖 {} · 未覆盖 {}",
            k.name,
            n.total(),
            n.year1,
            n.year2_only,
            n.uncovered
        );
        let _ = writeln!(s, "<g><title>{}</title>", escape(&title));
        pie(&mut s, x, y, r, &[(n.year1, YEAR1), (n.year2_only, YEAR2), (n.uncovered, UNCOVERED)]);
        s.push_str("</g>\n");
        label(&mut s, x, y, r, &k.name);
    }
    let lx = WIDTH - LEGEND + 10.0;
    let mut ly = MARGIN + 40.0;
    let _ = writeln!(s, r#"<text x="{lx}" y="{ly}" font-size="12" font-weight="bold">乡镇覆盖年度</text>"#);
    let entries = [
        (YEAR1, format!("第一年（{}）覆盖", plan.first_year)),
        (YEAR2, format!("第二年（{}）覆盖", plan.first_year + 1)),
        (UNCOVERED, "未覆盖".to_string()),
    ];
    for (fill, text) in &entries {
        ly += 17.0;
        legend_item(&mut s, lx, ly, fill, None, text);
    }
    ly += 24.0;
    let _ = writeln!(s, r##"<text x="{lx}" y="{ly}" font-size="10" fill="#555555">扇形 = 县区乡镇占比</text>"##);
    ly += 15.0;
    let _ = writeln!(s, r##"<text x="{lx}" y="{ly}" font-size="10" fill="#555555">圆面积 ∝ 工作组人数</text>"##);
    s.push_str("</svg>\n");
    s
}

/// A pie at (x, y) of radius r with one slice per (count, fill), clockwise from the top.
fn pie(s: &mut String, x: f64, y: f64, r: f64, slices: &[(usize, &str)]) {
    let total: usize = slices.iter().map(|(n, _)| n).sum();
    let outline = r##"stroke="#555555" stroke-width="0.8""##;
    if total == 0 {
        let _ = writeln!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{UNCOVERED}" {outline}/>"#);
        return;
    }
    if let Some((_, fill)) = slices.iter().find(|(n, _)| *n == total) {
        let _ = writeln!(s, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{fill}" {outline}/>"#);
        return;
    }
    let point = |share: f64| {
        let a = 2.0 * PI * share - PI / 2.0;
        (x + r * a.cos(), y + r * a.sin())
    };
    let mut done = 0usize;
    for &(n, fill) in slices.iter().filter(|(n, _)| *n > 0) {
        let (a, b) = (done as f64 / total as f64, (done + n) as f64 / total as f64);
        let ((x1, y1), (x2, y2)) = (point(a), point(b));
        let large = i32::from(b - a > 0.5);
        let _ = writeln!(
            s,
            r#"<path d="M{x:.1},{y:.1} L{x1:.2},{y1:.2} A{r:.1},{r:.1} 0 {large} 1 {x2:.2},{y2:.2} Z" fill="{fill}" {outline}/>"#
        );
        done += n;
    }
}
