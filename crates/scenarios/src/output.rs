//! The table (CSV, JSON) and the chart (SVG) of a scenario run.

use std::fmt::Write as _;

use sanlian_model::PlanMode;

use crate::Row;

/// Columns of [`to_csv`], in order.
pub const CSV_HEADER: [&str; 16] = [
    "sweep",
    "parameter",
    "value",
    "cadres",
    "feasible",
    "plan",
    "coverage_best_effort",
    "townships",
    "coverage_pct",
    "s1_cost",
    "leaders_senior",
    "groups",
    "certificate_rules",
    "proven_optimal",
    "seconds",
    "error",
];

fn mode_id(m: Option<PlanMode>) -> &'static str {
    match m {
        Some(PlanMode::Strict) => "strict",
        Some(PlanMode::BestEffort) => "best_effort",
        None => "",
    }
}

/// The rows as CSV: the header [`CSV_HEADER`], then one line per row.
/// Booleans are `true`/`false`, a missing S1 cost is empty, certificate rules
/// are joined by `;`, `coverage_pct` has 2 decimals, `s1_cost` 2, `seconds` 3;
/// a multi-line error is put on one line, so each row is one line.
pub fn to_csv(rows: &[Row]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).expect("writing to memory");
    for r in rows {
        let record = [
            r.sweep.clone(),
            r.parameter.clone(),
            r.value.to_string(),
            r.cadres.to_string(),
            r.feasible.to_string(),
            mode_id(r.plan).to_string(),
            r.coverage_best_effort.to_string(),
            r.townships.to_string(),
            format!("{:.2}", r.coverage_pct()),
            r.s1_cost.map_or(String::new(), |c| format!("{c:.2}")),
            r.leaders_senior.to_string(),
            r.groups.to_string(),
            r.certificate_rules.join(";"),
            r.proven_optimal.to_string(),
            format!("{:.3}", r.seconds),
            r.error.as_deref().map_or(String::new(), one_line),
        ];
        w.write_record(record.iter().map(|cell| sanlian_files::cells::neutralise(cell).into_owned()))
            .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of UTF-8 fields is UTF-8")
}

/// Multi-line text (e.g. a list of validation problems) on one line.
fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The rows as a pretty JSON array of [`Row`] objects, with a final newline.
pub fn to_json(rows: &[Row]) -> String {
    let mut s = serde_json::to_string_pretty(rows).expect("rows serialise");
    s.push('\n');
    s
}

/// XML-escape text for an SVG text node or attribute.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A number for an axis label: thousands separated from 1,000 on, else at most 3 decimals.
fn num(v: f64) -> String {
    if v.abs() >= 1000.0 {
        let s = format!("{:.0}", v.abs());
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if v < 0.0 {
            format!("-{out}")
        } else {
            out
        }
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.into()
        }
    }
}

/// Round outward to a "nice" range and step (1, 2 or 5 × 10^k), about `n` intervals.
fn nice(lo: f64, hi: f64, n: usize) -> (f64, f64, f64) {
    let (lo, hi) =
        if hi > lo { (lo, hi) } else { (lo - 1.0_f64.max(lo.abs() * 0.05), hi + 1.0_f64.max(hi.abs() * 0.05)) };
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let n = ((hi - lo) / step + 1e-9).floor() as usize;
    (0..=n).map(|i| lo + i as f64 * step).collect()
}

const W: f64 = 860.0;
const H: f64 = 520.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 110.0;
const TOP: f64 = 80.0;
const BOTTOM: f64 = 90.0;
const COVERAGE: &str = "#1f77b4";
const COST: &str = "#d62728";

/// The sweeps of `rows`, each once, in the order they first appear: one chart each.
pub fn sweeps(rows: &[Row]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rows {
        if !out.contains(&r.sweep.as_str()) {
            out.push(&r.sweep);
        }
    }
    out
}

/// An SVG line chart of one sweep: townships covered (%, left axis, blue)
/// and S1 cost (yuan, right axis, red, dashed) against the swept value.
///
/// The x axis is numeric when the sweep's rows share one parameter (points
/// sorted by value), else categorical with the parameters as labels (e.g.
/// `remove_city_seniors`: one city per row, in row order, markers without
/// connecting lines). Filled markers are
/// strict-feasible variants, hollow ones best-effort plans (strict
/// infeasible); a grey × on the x axis marks a variant without any plan.
/// Hand-written SVG (no font files needed); labels are Chinese text, drawn by
/// the viewer's sans-serif font. A sweep without rows gives a chart saying so.
pub fn chart_svg(rows: &[Row], sweep: &str) -> String {
    let rows: Vec<&Row> = rows.iter().filter(|r| r.sweep == sweep).collect();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(s, r#"<rect x="0" y="0" width="{W}" height="{H}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="28" text-anchor="middle" font-size="17" font-weight="bold">{}：覆盖率与 S1 成本</text>"#,
        W / 2.0,
        esc(sweep)
    );
    if rows.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">没有该扫描的结果（no rows for sweep “{}”）</text>"#,
            W / 2.0,
            H / 2.0,
            esc(sweep)
        );
        s.push_str("</svg>\n");
        return s;
    }
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, TOP, H - BOTTOM);

    // X positions.
    let numeric = rows.iter().all(|r| r.parameter == rows[0].parameter);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let xs: Vec<f64>;
    if numeric {
        order.sort_by(|&a, &b| rows[a].value.total_cmp(&rows[b].value));
        let (lo, hi) =
            rows.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| (l.min(r.value), h.max(r.value)));
        let (lo, hi, step) = nice(lo, hi, 6);
        let fx = |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0);
        xs = rows.iter().map(|r| fx(r.value)).collect();
        for t in ticks(lo, hi, step) {
            let x = fx(t);
            let _ = writeln!(s, r##"<line x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/>"##, y1 + 5.0);
            let _ = writeln!(s, r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#, y1 + 20.0, num(t));
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            (x0 + x1) / 2.0,
            y1 + 45.0,
            esc(&rows[0].parameter)
        );
    } else {
        let slot = (x1 - x0) / rows.len() as f64;
        xs = (0..rows.len()).map(|i| x0 + slot * (i as f64 + 0.5)).collect();
        for (i, r) in rows.iter().enumerate() {
            let x = xs[i];
            let _ = writeln!(s, r##"<line x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/>"##, y1 + 5.0);
            let _ = writeln!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="end" font-size="11" transform="rotate(-30 {x:.1} {:.1})">{}</text>"#,
                y1 + 18.0,
                y1 + 18.0,
                esc(&r.parameter)
            );
        }
    }

    // Coverage axis (left): from a round value below the lowest coverage to 100 %.
    let planned: Vec<usize> = order.iter().copied().filter(|&i| rows[i].plan.is_some()).collect();
    let min_cov = planned.iter().map(|&i| rows[i].coverage_pct()).fold(100.0, f64::min);
    let cov_lo = (((min_cov - 5.0) / 10.0).floor() * 10.0).clamp(0.0, 90.0);
    let fy_cov = |p: f64| y1 - (p - cov_lo) / (100.0 - cov_lo) * (y1 - y0);
    for t in ticks(cov_lo, 100.0, (100.0 - cov_lo) / 5.0) {
        let y = fy_cov(t);
        let _ = writeln!(s, r##"<line x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}" stroke="#e5e5e5"/>"##);
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{COVERAGE}">{}</text>"#,
            x0 - 8.0,
            y + 4.0,
            num(t)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="22" y="{:.1}" text-anchor="middle" fill="{COVERAGE}" transform="rotate(-90 22 {:.1})">乡镇覆盖率（%）</text>"#,
        (y0 + y1) / 2.0,
        (y0 + y1) / 2.0
    );

    // Cost axis (right).
    let costs: Vec<f64> = planned.iter().filter_map(|&i| rows[i].s1_cost).collect();
    let cost_axis = if costs.is_empty() {
        None
    } else {
        let (lo, hi) = costs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &c| (l.min(c), h.max(c)));
        Some(nice(lo, hi, 5))
    };
    if let Some((lo, hi, step)) = cost_axis {
        for t in ticks(lo, hi, step) {
            let y = y1 - (t - lo) / (hi - lo) * (y1 - y0);
            let _ = writeln!(s, r#"<text x="{:.1}" y="{:.1}" fill="{COST}">{}</text>"#, x1 + 8.0, y + 4.0, num(t));
        }
    }
    let yr = W - 18.0;
    let _ = writeln!(
        s,
        r#"<text x="{yr}" y="{:.1}" text-anchor="middle" fill="{COST}" transform="rotate(90 {yr} {:.1})">S1 成本（元）</text>"#,
        (y0 + y1) / 2.0,
        (y0 + y1) / 2.0
    );
    let _ = writeln!(
        s,
        r##"<rect x="{x0}" y="{y0}" width="{}" height="{}" fill="none" stroke="#333"/>"##,
        x1 - x0,
        y1 - y0
    );

    // Series.
    let cov_pts: Vec<(f64, f64, usize)> = planned.iter().map(|&i| (xs[i], fy_cov(rows[i].coverage_pct()), i)).collect();
    let cost_pts: Vec<(f64, f64, usize)> = match cost_axis {
        Some((lo, hi, _)) => planned
            .iter()
            .filter_map(|&i| rows[i].s1_cost.map(|c| (xs[i], y1 - (c - lo) / (hi - lo) * (y1 - y0), i)))
            .collect(),
        None => Vec::new(),
    };
    for (pts, color, dash) in [(&cov_pts, COVERAGE, ""), (&cost_pts, COST, r#" stroke-dasharray="6 4""#)] {
        if numeric && pts.len() > 1 {
            let path: Vec<String> = pts.iter().map(|(x, y, _)| format!("{x:.1},{y:.1}")).collect();
            let _ = writeln!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"{dash}/>"#,
                path.join(" ")
            );
        }
        for &(x, y, i) in pts.iter() {
            let r = rows[i];
            let fill = if r.feasible { color } else { "white" };
            let _ = writeln!(
                s,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{fill}" stroke="{color}" stroke-width="2"><title>{}</title></circle>"#,
                esc(&tooltip(r))
            );
        }
    }
    for &i in &order {
        if rows[i].plan.is_none() {
            let (x, y) = (xs[i], y1);
            let _ = writeln!(
                s,
                r##"<path d="M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}" stroke="#888" stroke-width="2"><title>{}</title></path>"##,
                x - 5.0,
                y - 5.0,
                x + 5.0,
                y + 5.0,
                x - 5.0,
                y + 5.0,
                x + 5.0,
                y - 5.0,
                esc(&tooltip(rows[i]))
            );
        }
    }

    // Legend.
    let ly = 52.0;
    let _ =
        writeln!(s, r#"<line x1="{x0}" y1="{ly}" x2="{}" y2="{ly}" stroke="{COVERAGE}" stroke-width="2"/>"#, x0 + 28.0);
    let _ = writeln!(s, r#"<text x="{}" y="{}">覆盖率（严格不可行时为尽力方案）</text>"#, x0 + 34.0, ly + 4.0);
    let lx = x0 + 290.0;
    let _ = writeln!(
        s,
        r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{COST}" stroke-width="2" stroke-dasharray="6 4"/>"#,
        lx + 28.0
    );
    let _ = writeln!(s, r#"<text x="{}" y="{}">S1 成本</text>"#, lx + 34.0, ly + 4.0);
    let lx = lx + 120.0;
    let _ = writeln!(s, r##"<circle cx="{lx}" cy="{ly}" r="4.5" fill="#555" stroke="#555"/>"##);
    let _ = writeln!(s, r#"<text x="{}" y="{}">严格可行</text>"#, lx + 10.0, ly + 4.0);
    let lx = lx + 80.0;
    let _ = writeln!(s, r##"<circle cx="{lx}" cy="{ly}" r="4.5" fill="white" stroke="#555" stroke-width="2"/>"##);
    let _ = writeln!(s, r#"<text x="{}" y="{}">严格不可行</text>"#, lx + 10.0, ly + 4.0);
    let lx = lx + 95.0;
    let _ = writeln!(
        s,
        r##"<path d="M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}" stroke="#888" stroke-width="2"/>"##,
        lx - 5.0,
        ly - 5.0,
        lx + 5.0,
        ly + 5.0,
        lx - 5.0,
        ly + 5.0,
        lx + 5.0,
        ly - 5.0
    );
    let _ = writeln!(s, r#"<text x="{}" y="{}">无方案</text>"#, lx + 10.0, ly + 4.0);
    s.push_str("</svg>\n");
    s
}

fn tooltip(r: &Row) -> String {
    let mut t = format!(
        "{} = {}: 覆盖 {}/{} ({:.1}%)",
        r.parameter,
        num(r.value),
        r.coverage_best_effort,
        r.townships,
        r.coverage_pct()
    );
    if let Some(c) = r.s1_cost {
        let _ = write!(t, ", S1 {} 元", num(c));
    }
    let _ = write!(t, ", {}", if r.feasible { "严格可行" } else { "严格不可行" });
    if !r.certificate_rules.is_empty() {
        let _ = write!(t, " [{}]", r.certificate_rules.join(", "));
    }
    if let Some(e) = &r.error {
        let _ = write!(t, "; {e}");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ranges() {
        assert_eq!(num(1234567.0), "1,234,567");
        assert_eq!(num(-1500.0), "-1,500");
        assert_eq!(num(0.30000000000000004), "0.3");
        assert_eq!(num(80.0), "80");
        assert_eq!(nice(80.0, 160.0, 6), (80.0, 160.0, 20.0));
        let (lo, hi, step) = nice(5.0, 5.0, 5);
        assert!(lo < 5.0 && hi > 5.0 && step > 0.0);
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
