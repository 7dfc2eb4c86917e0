//! The trade-off set as one SVG: each traded goal against the extra travel cost, a point per
//! plan with its letter, and the one-line description of every plan beneath. Continuity gets its
//! panel when some plan keeps a cadre in last round's county (without previous counties it is
//! zero everywhere).

use quick_xml::escape::escape;
use std::fmt::Write as _;

use crate::{Metrics, Tradeoffs};

/// One goal drawn against the extra cost: its title and how to read it off a point.
struct Goal {
    title: &'static str,
    value: fn(&Metrics) -> f64,
}

const GOALS: [Goal; 3] = [
    Goal { title: "经得起一人离岗的工作组 robust groups (N−1)", value: |m| m.robust_groups as f64 },
    Goal { title: "最远者两年公里数 farthest traveller, km", value: |m| m.max_km },
    Goal { title: "留在上一轮县区的干部 cadres in last round's county", value: |m| m.continuity as f64 },
];

/// The chart of `t`, titled `title`.
pub fn svg(t: &Tradeoffs, title: &str) -> String {
    let (pw, ph, gap, left, top) = (360.0, 260.0, 90.0, 80.0, 60.0);
    let continuity = t.points.iter().any(|p| p.metrics.continuity > 0);
    let goals = &GOALS[..if continuity { 3 } else { 2 }];
    let lines = t.points.len() as f64;
    let w = left + goals.len() as f64 * (pw + gap);
    let h = top + ph + 70.0 + 18.0 * lines;
    let base = t.points.first().map_or(0.0, |p| p.metrics.travel);
    let extra: Vec<f64> = t.points.iter().map(|p| p.metrics.travel - base).collect();
    let max_extra = extra.iter().copied().fold(1.0, f64::max);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Noto Sans CJK SC, sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ =
        writeln!(out, r#"<text x="{}" y="26" text-anchor="middle" font-size="15">{}</text>"#, w / 2.0, escape(title));
    for (g, goal) in goals.iter().enumerate() {
        let x0 = left + g as f64 * (pw + gap);
        let values: Vec<f64> = t.points.iter().map(|p| (goal.value)(&p.metrics)).collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
        let hi = values.iter().copied().fold(0.0, f64::max).max(lo + 1.0);
        let x = |v: f64| x0 + pw * v / max_extra;
        let y = |v: f64| top + ph * (1.0 - (v - lo) / (hi - lo));
        let _ = writeln!(out, r##"<rect x="{x0}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>"##);
        for k in 0..=4 {
            let f = k as f64 / 4.0;
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" text-anchor="end">{:.0}</text><text x="{}" y="{}" text-anchor="middle">¥{:.0}</text>"##,
                x0 - 6.0,
                y(lo + f * (hi - lo)) + 4.0,
                lo + f * (hi - lo),
                x(f * max_extra),
                top + ph + 16.0,
                f * max_extra
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x0 + pw / 2.0,
            top - 8.0,
            escape(goal.title)
        );
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">多花的差旅费 extra travel, yuan</text>"#,
            x0 + pw / 2.0,
            top + ph + 34.0
        );
        for (p, (&e, &v)) in t.points.iter().zip(extra.iter().zip(&values)) {
            let _ = writeln!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="#1f77b4"/><text x="{:.1}" y="{:.1}" font-weight="bold">{}</text>"##,
                x(e),
                y(v),
                x(e) + 7.0,
                y(v) - 6.0,
                escape(&p.id)
            );
        }
    }
    for (i, p) in t.points.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="{left}" y="{}"><tspan font-weight="bold">{}</tspan>  {}</text>"#,
            top + ph + 62.0 + 18.0 * i as f64,
            escape(&p.id),
            escape(&p.line_zh)
        );
    }
    out.push_str("</svg>\n");
    out
}
