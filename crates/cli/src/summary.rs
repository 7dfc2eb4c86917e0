//! Readable summaries for planners: Chinese names as they are, numbers traced to rules.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sanlian_check::{Report, Verdict};
use sanlian_explain::render::{pad, yuan, yuan_cents, yuan_delta, Lang};
use sanlian_model::{Certificate, Level, Msg, Plan, PlanMode, Prepared};

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// `zh` or `en`.
fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// The summary printed by `sanlian solve`, in `lang`: what a planner asks first (coverage,
/// groups, costs), the solver's stages after.
pub fn plan(prep: &Prepared, plan: &Plan, report: &Report, lang: Lang) -> String {
    let inst = prep.inst;
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let mode = match (plan.mode, zh) {
        (PlanMode::Strict, true) => "严格",
        (PlanMode::BestEffort, true) => "尽力",
        (PlanMode::Strict, false) => "strict",
        (PlanMode::BestEffort, false) => "best-effort",
    };
    let (y1, y2) = (inst.first_year, inst.first_year + 1);
    let (n, k, t) = (inst.cadres.len(), inst.region.counties.len(), inst.region.townships.len());
    let _ = if zh {
        writeln!(s, "{} · {y1}–{y2} · {mode} · {n} 名干部 · {k} 个县区 · {t} 个乡镇", inst.name)
    } else {
        writeln!(s, "{} · {y1}–{y2} · {mode} · {n} cadres · {k} counties · {t} townships", inst.name)
    };
    let c = &plan.coverage;
    let share = pct(c.total, c.townships);
    let _ = if zh {
        writeln!(
            s,
            "\n两年全覆盖（H7）：{y1} 年 {} · {y2} 年 {} · 两年合计 {}/{}（{share:.1}%）",
            c.year1, c.year2, c.total, c.townships
        )
    } else {
        writeln!(
            s,
            "\nCoverage (H7): year {y1} {} · year {y2} {} · both years together {} of {} ({share:.1}%)",
            c.year1, c.year2, c.total, c.townships
        )
    };
    let _ = writeln!(
        s,
        "\n{}",
        tr(
            lang,
            "各阶段（目标值 · 证明的界 · 差距 · 模型规模 · 用时）：",
            "Stages (objective · proven bound · gap · model size · time):"
        )
    );
    for st in &plan.stages {
        let verdict = report.stages.iter().find(|c| c.id == st.id).map(|c| c.verdict);
        let proof = match (st.proven_optimal, verdict) {
            (false, _) => tr(lang, "未证明（时间用尽）", "NOT proven (time limit)"),
            (true, Some(Verdict::Certified)) => {
                tr(lang, "已证最优，检查器独立核实", "proven optimal, certified by the checker")
            }
            (true, _) => tr(
                lang,
                "已证最优（界来自 MILP 求解器，未独立核实）",
                "proven optimal (bound from the MILP solver, not independently certified)",
            ),
        };
        let models = tr(lang, "个模型", "model(s)");
        let _ = writeln!(
            s,
            "  {:<4} {} {:>14.2} · {:>14.2} · {:.1e} · {}×{} in {} {models} · {:.3} s · {proof}",
            st.id,
            pad(&sanlian_model::msg::stage_name(&st.id, &st.name, lang), 68),
            st.objective,
            st.bound,
            st.gap,
            st.rows,
            st.columns,
            st.models,
            st.seconds
        );
    }
    let _ = writeln!(
        s,
        "\n{}",
        tr(
            lang,
            "各市工作组与组长（组长级别 · 成员级别）：",
            "Groups and leaders by city (leader level · members by level):"
        )
    );
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
        let _ = if zh {
            writeln!(
                s,
                "  {} {:>3} 个组 · 组长：{} · 成员：{}",
                pad(&city.name, 8),
                groups.len(),
                fmt(&leaders),
                fmt(&members)
            )
        } else {
            writeln!(
                s,
                "  {} {:>3} groups · leaders: {} · members: {}",
                pad(&city.name, 8),
                groups.len(),
                fmt(&leaders),
                fmt(&members)
            )
        };
    }
    let _ = writeln!(
        s,
        "\n{}",
        tr(
            lang,
            "各派出单位费用（两年；差旅计入 S1，食宿只报告）：",
            "Cost by dispatching unit (two years; travel counted in S1, stay reported only):"
        )
    );
    let (cadres, travel, stay) = (tr(lang, "人", "cadres"), tr(lang, "差旅", "travel"), tr(lang, "食宿", "stay"));
    let line = |s: &mut String, name: &str, n: usize, t: f64, st: f64| {
        let _ = writeln!(s, "  {} {n:>4} {cadres} · {travel} {:>12} · {stay} {:>12}", pad(name, 24), yuan(t), yuan(st));
    };
    let mut units = plan.costs.units.clone();
    units.sort_by(|a, b| (b.travel + b.stay).total_cmp(&(a.travel + a.stay)));
    const SHOWN: usize = 20;
    for u in units.iter().take(SHOWN) {
        line(&mut s, &u.unit, u.cadres, u.travel, u.stay);
    }
    if units.len() > SHOWN {
        let rest = &units[SHOWN..];
        let more =
            if zh { format!("…… 另 {} 个单位", rest.len()) } else { format!("… {} more units", rest.len()) };
        line(
            &mut s,
            &more,
            rest.iter().map(|u| u.cadres).sum(),
            rest.iter().map(|u| u.travel).sum(),
            rest.iter().map(|u| u.stay).sum(),
        );
    }
    line(&mut s, tr(lang, "合计", "total"), inst.cadres.len(), plan.costs.travel, plan.costs.stay);
    if !plan.shortfalls.is_empty() {
        let _ = writeln!(
            s,
            "\n{} ({}):",
            tr(lang, "尽力模式下未满足的目标", "Best-effort shortfalls"),
            plan.shortfalls.len()
        );
        for f in &plan.shortfalls {
            let _ = writeln!(s, "  [{}] {}: {}", f.rule, f.subject, f.reason);
        }
    }
    if plan.robust.is_some() {
        s.push('\n');
        s.push_str(&robustness(prep, plan, lang));
    }
    let verdict = match (report.is_valid(), zh) {
        (true, true) => "有效：检查器复核全部硬规则".to_string(),
        (true, false) => "valid: every hard rule re-verified by the checker".to_string(),
        (false, true) => format!("无效：{} 项违规", report.violations.len()),
        (false, false) => format!("INVALID: {} violation(s)", report.violations.len()),
    };
    let _ = write!(
        s,
        "\n{}{verdict}\n{}{:.3} s",
        tr(lang, "检查器：", "Checker: "),
        tr(lang, "用时：", "Time: "),
        plan.seconds
    );
    s
}

/// Most groups listed by name in the robustness summary.
const ROBUST_SHOWN: usize = 20;

/// Robust planning in a plan (docs/robust.md): the robust groups, and why each other group
/// is not.
pub fn robustness(prep: &Prepared, plan: &Plan, lang: Lang) -> String {
    let Some(r) = &plan.robust else { return String::new() };
    let reach = plan.parameters.robust.as_ref().map_or(sanlian_model::params::DEFAULT_REACH_KM, |p| p.reach_km);
    let min = plan.parameters.min_upper_per_group;
    let mut s = String::new();
    let head =
        Msg::new("robust.summary").arg("robust", r.robust_groups).arg("groups", r.groups.len()).arg("reach", reach);
    let _ = writeln!(s, "{}", head.text(lang));
    let name = |code: &str| {
        prep.county_index.get(code).map_or(code.to_string(), |&k| prep.inst.region.counties[k].name.clone())
    };
    let mut lines = Vec::new();
    for g in r.groups.iter().filter(|g| !g.robust) {
        if let Some(d) = g.no_senior_backup {
            let m =
                Msg::new("robust.no_senior_backup").arg("county", name(&g.county)).arg("day", d).arg("reach", reach);
            lines.push(format!("  [N1] {}: {}", g.county, m.text(lang)));
        }
        if let Some(d) = g.no_upper_spare {
            let m = Msg::new("robust.no_upper_spare").arg("county", name(&g.county)).arg("day", d).arg("min", min);
            lines.push(format!("  [N2] {}: {}", g.county, m.text(lang)));
        }
    }
    let more = lines.len().saturating_sub(ROBUST_SHOWN);
    for line in lines.into_iter().take(ROBUST_SHOWN) {
        let _ = writeln!(s, "{line}");
    }
    if more > 0 {
        let _ =
            writeln!(s, "  {}", if lang == Lang::Zh { format!("…… 另 {more} 条") } else { format!("… {more} more") });
    }
    s
}

/// The price of robustness printed by `sanlian solve --robust`: robust groups and S1 of the
/// robust plan beside the plain optimum, and the difference in yuan.
pub fn robust_comparison(c: &sanlian_engine::robust::Comparison, lang: Lang) -> String {
    let (plain, robust) = (&c.plain_figures, &c.figures);
    let mut s = Msg::new("robust.compare")
        .arg("plain", yuan_cents(plain.s1))
        .arg("plain_groups", plain.robust_groups)
        .arg("robust", yuan_cents(robust.s1))
        .arg("robust_groups", robust.robust_groups)
        .arg("delta", yuan_delta(c.extra_cost()))
        .text(lang);
    if let Some(n) = c.stage_n() {
        let _ = write!(
            s,
            "\n{}",
            if lang == Lang::Zh {
                format!("N 阶段：目标值 {} · 证明的界 {} · 差距 {:.1e}", n.objective, n.bound, n.gap)
            } else {
                format!("stage N: objective {} · proven bound {} · gap {:.1e}", n.objective, n.bound, n.gap)
            }
        );
    }
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
    let _ = write!(s, " · robust (N−1) groups {} of {}", report.robust.robust_groups, report.robust.groups.len());
    s
}
