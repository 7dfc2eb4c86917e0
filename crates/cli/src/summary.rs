//! Readable summaries for planners: Chinese names as they are, numbers traced to rules.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sanlian_check::{Report, Verdict};
use sanlian_explain::render::{pad, yuan};
use sanlian_model::{Certificate, Level, Plan, PlanMode, Prepared};

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// The summary printed by `sanlian solve`.
pub fn plan(prep: &Prepared, plan: &Plan, report: &Report) -> String {
    let inst = prep.inst;
    let mut s = String::new();
    let mode = match plan.mode {
        PlanMode::Strict => "strict",
        PlanMode::BestEffort => "best-effort",
    };
    let _ = writeln!(
        s,
        "{} · {}–{} · {mode} · {} cadres · {} counties · {} townships",
        inst.name,
        inst.first_year,
        inst.first_year + 1,
        inst.cadres.len(),
        inst.region.counties.len(),
        inst.region.townships.len()
    );
    let c = &plan.coverage;
    let _ = writeln!(
        s,
        "\nCoverage (H7): year {} {} · year {} {} · both years together {} of {} ({:.1}%)",
        inst.first_year,
        c.year1,
        inst.first_year + 1,
        c.year2,
        c.total,
        c.townships,
        pct(c.total, c.townships)
    );
    let _ = writeln!(s, "\nStages (objective · proven bound · gap · model size · time):");
    for st in &plan.stages {
        let verdict = report.stages.iter().find(|c| c.id == st.id).map(|c| c.verdict);
        let proof = match (st.proven_optimal, verdict) {
            (false, _) => "NOT proven (time limit)",
            (true, Some(Verdict::Certified)) => "proven optimal, certified by the checker",
            (true, _) => "proven optimal (bound from the MILP solver, not independently certified)",
        };
        let _ = writeln!(
            s,
            "  {:<4} {} {:>14.2} · {:>14.2} · {:.1e} · {}×{} in {} model(s) · {:.3} s · {proof}",
            st.id,
            pad(&st.name, 68),
            st.objective,
            st.bound,
            st.gap,
            st.rows,
            st.columns,
            st.models,
            st.seconds
        );
    }
    let _ = writeln!(s, "\nGroups and leaders by city (leader level · members by level):");
    let mut by_city: BTreeMap<&str, Vec<&sanlian_model::Group>> = BTreeMap::new();
    for g in &plan.groups {
        by_city.entry(g.city.as_str()).or_default().push(g);
    }
    for city in &inst.region.cities {
        let Some(groups) = by_city.get(city.code.as_str()) else { continue };
        let mut leaders: BTreeMap<Level, usize> = BTreeMap::new();
        let mut members: BTreeMap<Level, usize> = BTreeMap::new();
        for g in groups {
            if let Some(l) = g.leader.as_ref().and_then(|id| prep.cadre_index.get(id.as_str())) {
                *leaders.entry(inst.cadres[*l].level).or_default() += 1;
            }
            for (lvl, n) in &g.by_level {
                *members.entry(*lvl).or_default() += n;
            }
        }
        let fmt = |m: &BTreeMap<Level, usize>| {
            m.iter().map(|(l, n)| format!("{} {n}", l.zh())).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(
            s,
            "  {} {:>3} groups · leaders: {} · members: {}",
            pad(&city.name, 8),
            groups.len(),
            fmt(&leaders),
            fmt(&members)
        );
    }
    let _ = writeln!(s, "\nCost by dispatching unit (two years; travel counted in S1, stay reported only):");
    let mut units = plan.costs.units.clone();
    units.sort_by(|a, b| (b.travel + b.stay).total_cmp(&(a.travel + a.stay)));
    const SHOWN: usize = 20;
    for u in units.iter().take(SHOWN) {
        let _ = writeln!(
            s,
            "  {} {:>4} cadres · travel {:>12} · stay {:>12}",
            pad(&u.unit, 24),
            u.cadres,
            yuan(u.travel),
            yuan(u.stay)
        );
    }
    if units.len() > SHOWN {
        let rest = &units[SHOWN..];
        let _ = writeln!(
            s,
            "  {} {:>4} cadres · travel {:>12} · stay {:>12}",
            pad(&format!("… {} more units", rest.len()), 24),
            rest.iter().map(|u| u.cadres).sum::<usize>(),
            yuan(rest.iter().map(|u| u.travel).sum()),
            yuan(rest.iter().map(|u| u.stay).sum())
        );
    }
    let _ = writeln!(
        s,
        "  {} {:>4} cadres · travel {:>12} · stay {:>12}",
        pad("total", 24),
        inst.cadres.len(),
        yuan(plan.costs.travel),
        yuan(plan.costs.stay)
    );
    if !plan.shortfalls.is_empty() {
        let _ = writeln!(s, "\nBest-effort shortfalls ({}):", plan.shortfalls.len());
        for f in &plan.shortfalls {
            let _ = writeln!(s, "  [{}] {}: {}", f.rule, f.subject, f.reason);
        }
    }
    let verdict = if report.is_valid() {
        "valid: every hard rule re-verified by the checker".to_string()
    } else {
        format!("INVALID: {} violation(s)", report.violations.len())
    };
    let _ = write!(s, "\nChecker: {verdict}\nTime: {:.3} s", plan.seconds);
    s
}

/// The answer printed when strict mode is infeasible.
pub fn infeasible(prep: &Prepared, certs: &[Certificate]) -> String {
    let mut s = format!(
        "{}: no plan satisfies every hard rule (strict mode). {} certificate(s), each re-added from the instance:\n",
        prep.inst.name,
        certs.len()
    );
    for (i, c) in certs.iter().enumerate() {
        let _ = writeln!(s, "  {}. {}", i + 1, c.message);
        if !c.counties.is_empty() {
            let _ = writeln!(s, "     counties: {}", c.counties.join(" "));
        }
        let _ = writeln!(s, "     need {} > supply {} ({} cadres counted)", c.need, c.supply, c.cadres.len());
    }
    s.push_str("Run with --mode best-effort for the best plan that keeps the other rules.");
    s
}

/// The report printed by `sanlian check`.
pub fn check(report: &Report) -> String {
    let v = &report.values;
    let mut s = String::new();
    if report.is_valid() {
        s.push_str("valid: every hard rule holds, costs and stage values match\n");
    } else {
        let _ = writeln!(s, "{} violation(s):", report.violations.len());
        for x in &report.violations {
            let _ = writeln!(s, "  {x}");
        }
    }
    for st in &report.stages {
        let line = match (st.verdict, st.certified_bound) {
            (Verdict::Certified, Some(b)) => {
                format!("proven optimal: the bound its proof gives, {b:.2}, meets the objective")
            }
            (Verdict::NotProven, Some(b)) => format!("not proven: the bound its proof gives is {b:.2}"),
            _ => "bound from the MILP solver, not independently certified".to_string(),
        };
        let unknown = if st.unknown_rows > 0 {
            format!(" ({} dual(s) on rows the checker does not derive were counted as 0)", st.unknown_rows)
        } else {
            String::new()
        };
        let _ = writeln!(s, "  {:<4} {line}{unknown}", st.id);
    }
    let _ = write!(
        s,
        "recomputed: coverage {}/{} · S1 {:.2} (travel {:.2}, {} preferences missed, {} continuity kept) · \
         S2 {:.1} ({} matches, {} priority townships in year 1) · S3a {} · S3b {}",
        report.coverage.total,
        report.coverage.townships,
        v.s1,
        v.s1_travel,
        v.s1_preference_misses,
        v.s1_continuity_kept,
        v.s2,
        v.s2_matches,
        v.s2_priority_first_year,
        v.s3_presence,
        v.s3_weekdays
    );
    s
}
