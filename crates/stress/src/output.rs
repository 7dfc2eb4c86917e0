//! The stress test's files: runs, townships, groups and units as CSV, the summary as JSON, and
//! a chart of coverage and changes against the departure rate (SVG).

use quick_xml::escape::escape;
use std::fmt::Write as _;

use crate::{Run, RunStatus, Summary};

fn csv_of(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 fields")
}

fn status(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Strict => "strict",
        RunStatus::BestEffort => "best_effort",
        RunStatus::Unrepaired => "unrepaired",
    }
}

/// One row per run.
pub fn runs_csv(runs: &[Run]) -> String {
    csv_of(
        &[
            "point",
            "run",
            "departures",
            "successors",
            "status",
            "changes",
            "changed_cadres",
            "covered",
            "townships",
            "uncovered",
            "unled",
            "unmixed",
            "seconds",
            "error",
        ],
        runs.iter().map(|r| {
            vec![
                r.point.clone(),
                r.run.to_string(),
                r.departures.to_string(),
                r.successors.to_string(),
                status(r.status).into(),
                r.changes.to_string(),
                r.changed_cadres.to_string(),
                r.covered.to_string(),
                r.townships.to_string(),
                r.uncovered.join(" "),
                r.unled.join(" "),
                r.unmixed.join(" "),
                format!("{:.4}", r.seconds),
                r.error.clone().unwrap_or_default(),
            ]
        }),
    )
}

/// One row per sweep point.
pub fn points_csv(s: &Summary) -> String {
    csv_of(
        &[
            "point",
            "runs",
            "departures_mean",
            "strict_share",
            "best_effort_share",
            "unrepaired_share",
            "changes_mean",
            "changes_p95",
            "coverage_mean",
            "coverage_p5",
            "seconds_mean",
        ],
        s.points.iter().map(|p| {
            vec![
                p.point.clone(),
                p.runs.to_string(),
                format!("{:.2}", p.departures),
                format!("{:.4}", p.strict_share),
                format!("{:.4}", p.best_effort_share),
                format!("{:.4}", p.unrepaired_share),
                format!("{:.2}", p.changes_mean),
                format!("{:.0}", p.changes_p95),
                format!("{:.6}", p.coverage_mean),
                format!("{:.6}", p.coverage_p5),
                format!("{:.4}", p.seconds_mean),
            ]
        }),
    )
}

/// Townships at risk of losing coverage.
pub fn townships_csv(s: &Summary) -> String {
    csv_of(
        &["township", "name", "county", "uncovered_share"],
        s.townships
            .iter()
            .map(|t| vec![t.township.clone(), t.name.clone(), t.county.clone(), format!("{:.4}", t.share)]),
    )
}

/// Groups with their fragility and risk.
pub fn groups_csv(s: &Summary) -> String {
    let b = |x: bool| if x { "1" } else { "0" }.to_string();
    csv_of(
        &[
            "county",
            "county_name",
            "single_senior",
            "single_upper",
            "no_cover_slack",
            "tight_h6",
            "unled_share",
            "unmixed_share",
            "uncovered_share",
        ],
        s.groups.iter().map(|g| {
            let f = &g.fragility;
            vec![
                f.county.clone(),
                f.county_name.clone(),
                b(f.single_senior),
                b(f.single_upper),
                b(f.no_cover_slack),
                b(f.tight_h6),
                format!("{:.4}", g.unled_share),
                format!("{:.4}", g.unmixed_share),
                format!("{:.4}", g.uncovered_share),
            ]
        }),
    )
}

/// Cost drift per dispatching unit.
pub fn units_csv(s: &Summary) -> String {
    csv_of(
        &["unit", "before", "mean_delta", "p95_delta"],
        s.units.iter().map(|u| {
            vec![
                u.unit.clone(),
                format!("{:.2}", u.before),
                format!("{:.2}", u.mean_delta),
                format!("{:.2}", u.p95_delta),
            ]
        }),
    )
}

/// Coverage (mean and 5th percentile), the share of strictly valid runs, and changed decisions
/// (mean and 95th percentile) against the sweep points, as one SVG.
pub fn chart_svg(s: &Summary, title: &str) -> String {
    let (w, h, left, right, top, bottom) = (760.0, 420.0, 70.0, 70.0, 50.0, 60.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let n = s.points.len().max(1);
    let x = |i: usize| if n == 1 { left + pw / 2.0 } else { left + pw * i as f64 / (n - 1) as f64 };
    let max_changes = s.points.iter().map(|p| p.changes_p95.max(p.changes_mean)).fold(1.0, f64::max);
    let y_share = |v: f64| top + ph * (1.0 - v.clamp(0.0, 1.0));
    let y_changes = |v: f64| top + ph * (1.0 - v / max_changes);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Noto Sans CJK SC, sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ =
        writeln!(out, r#"<text x="{}" y="24" text-anchor="middle" font-size="15">{}</text>"#, w / 2.0, escape(title));
    for k in 0..=4 {
        let v = k as f64 / 4.0;
        let y = y_share(v);
        let _ = writeln!(
            out,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{:.0}%</text><text x="{}" y="{}">{:.0}</text>"##,
            left + pw,
            left - 6.0,
            y + 4.0,
            v * 100.0,
            left + pw + 6.0,
            y + 4.0,
            v * max_changes
        );
    }
    for (i, p) in s.points.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            top + ph + 18.0,
            escape(&p.point)
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">离岗率（每年） departure rate per year</text>"#,
        left + pw / 2.0,
        h - 16.0
    );
    type Y<'a> = Box<dyn Fn(&crate::PointSummary) -> f64 + 'a>;
    let series: [(&str, &str, &str, Y); 5] = [
        ("覆盖率 coverage (mean)", "#1f77b4", "", Box::new(|p| y_share(p.coverage_mean))),
        ("覆盖率 5% coverage (p5)", "#1f77b4", "4 3", Box::new(|p| y_share(p.coverage_p5))),
        ("严格有效 strictly valid", "#2ca02c", "", Box::new(|p| y_share(p.strict_share))),
        ("改动 changes (mean)", "#d62728", "", Box::new(|p| y_changes(p.changes_mean))),
        ("改动 95% changes (p95)", "#d62728", "4 3", Box::new(|p| y_changes(p.changes_p95))),
    ];
    for (j, (name, colour, dash, y)) in series.iter().enumerate() {
        let points: Vec<String> =
            s.points.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p))).collect();
        let _ = writeln!(
            out,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" points="{}"/>"#,
            points.join(" ")
        );
        for (i, p) in s.points.iter().enumerate() {
            let _ = writeln!(out, r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#, x(i), y(p));
        }
        let ly = top + 14.0 + 16.0 * j as f64;
        let lx = left + 10.0;
        let _ = writeln!(
            out,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{}" y="{}">{}</text>"#,
            lx + 24.0,
            lx + 30.0,
            ly + 4.0,
            escape(*name)
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">覆盖率 / 严格有效 share</text>"#,
        top + ph / 2.0,
        top + ph / 2.0
    );
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" transform="rotate(90 {} {})" text-anchor="middle">改动的决定 changed decisions</text>"#,
        w - 12.0,
        top + ph / 2.0,
        w - 12.0,
        top + ph / 2.0
    );
    out.push_str("</svg>\n");
    out
}
