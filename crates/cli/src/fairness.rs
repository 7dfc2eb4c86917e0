//! `sanlian fairness`: how a plan spreads travel over people (docs/fairness.md), and what each
//! fair-burden option (F1 travel cap, F2 rotation, F3 department balance) costs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sanlian_check::fairness::{report, Distribution, FairnessReport, Rotation};
use sanlian_engine::Answer;
use sanlian_explain::render::{pad, yuan, yuan_delta, Lang, Names};
use sanlian_model::{Fairness, Instance, Plan, PlanMode, Prepared};
use sanlian_solver::SolveOptions;
use serde::Serialize;

use crate::explain::LangArg;
use crate::{engine_failure, load_instance, load_plan, Failure};

/// The fair-burden options as command-line flags (`sanlian solve` and `sanlian fairness`).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct FairArgs {
    /// F1: cap one cadre's two-year travel (round trips × 2 × road km) at KM; a county beyond it
    /// is not eligible. A cap below what H2 makes unavoidable for some cadre exits 2 naming it.
    #[arg(long, value_name = "KM", allow_negative_numbers = true)]
    pub max_travel_km: Option<f64>,
    /// F2: a cadre whose previous county lay more than KM road km away is placed within KM (or,
    /// if nothing it may serve in is that near, in its nearest county).
    #[arg(long, value_name = "KM", allow_negative_numbers = true)]
    pub rotate_km: Option<f64>,
    /// F3: in every month a department has at most max(1, ⌈its block months ÷ window months⌉)
    /// cadres away (and never more than H9 allows): its blocks spread evenly.
    #[arg(long)]
    pub balance_departments: bool,
}

impl FairArgs {
    /// Whether any option is given.
    pub fn any(&self) -> bool {
        self.max_travel_km.is_some() || self.rotate_km.is_some() || self.balance_departments
    }

    /// Set the options given on the instance's parameters (the others stay as the file has them).
    pub fn apply(&self, inst: &mut Instance) {
        let f = &mut inst.parameters.fairness;
        if let Some(km) = self.max_travel_km {
            f.max_travel_km = Some(km);
        }
        if let Some(km) = self.rotate_km {
            f.rotate_km = Some(km);
        }
        f.balance_departments |= self.balance_departments;
    }
}

/// Arguments of `sanlian fairness`.
#[derive(clap::Args)]
pub struct Args {
    /// Instance JSON file.
    instance: PathBuf,
    /// Plan JSON file made for this instance (default: solve the instance first, strict mode,
    /// with the options given).
    plan: Option<PathBuf>,
    /// Price the options instead: solve the instance plain (no option), with each option given
    /// alone and, when two or more are given, with all together; print S1, travel and the
    /// distribution side by side with the change against plain.
    #[arg(long, conflicts_with = "plan")]
    options: bool,
    #[command(flatten)]
    fair: FairArgs,
    /// Take each cadre's previous county (F2's "last round") from this plan: the county it
    /// serves in there (cadres and counties this instance does not know are left as they are).
    #[arg(long, value_name = "PLAN")]
    last_round: Option<PathBuf>,
    /// Print the report as JSON (every cadre, the distributions, departments, rotation).
    #[arg(long)]
    json: bool,
    /// List every cadre in the text (default: the ten who travel most).
    #[arg(long)]
    all_cadres: bool,
    /// Wall-clock limit of each solve, seconds.
    #[arg(long)]
    time_limit: Option<f64>,
    /// Language of the text: zh (default, the planners') or en.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
}

/// `zh` or `en`.
fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// Right-align to a display width, counting CJK characters as two columns (as [`pad`] does).
fn rpad(s: &str, width: usize) -> String {
    let spaces = pad(s, width).len() - s.len();
    format!("{}{s}", " ".repeat(spaces))
}

/// Whole km with thousands separators: 12,345.
fn km(v: f64) -> String {
    yuan(v).trim_start_matches('¥').to_string()
}

/// A signed difference in whole km: +1,234, -56, 0.
fn km_delta(v: f64) -> String {
    let r = v.round();
    if r == 0.0 {
        "0".into()
    } else if r > 0.0 {
        format!("+{}", km(r))
    } else {
        format!("-{}", km(-r))
    }
}

/// Run `sanlian fairness`.
pub fn run(args: Args) -> Result<(), Failure> {
    if args.time_limit.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err(Failure::input("--time-limit must be a positive number of seconds"));
    }
    let lang = args.lang.lang();
    let mut inst = load_instance(&args.instance)?;
    if let Some(path) = &args.last_round {
        let last = load_plan(path)?;
        let set = last_round(&mut inst, &last);
        eprintln!("{}", last_round_note(set, path, lang));
    }
    if args.options {
        return options(&args, inst, lang);
    }
    args.fair.apply(&mut inst);
    let plan = match &args.plan {
        Some(path) => {
            let plan = load_plan(path)?;
            // A plan made with `solve --max-travel-km …` echoes its options: read it by them.
            if inst.parameters.fairness.is_off() && !plan.parameters.fairness.is_off() {
                inst.parameters.fairness = plan.parameters.fairness.clone();
                eprintln!(
                    "{}",
                    tr(
                        lang,
                        "按计划所用的公平负担选项核查。",
                        "checked with the fair-burden options the plan was made with."
                    )
                );
            }
            plan
        }
        None => solve_one(&args.instance, &inst, args.time_limit, lang)?.0,
    };
    let rules = sanlian_check::Rules::new(&inst).map_err(|e| input(&args.instance, &e, lang))?;
    let checked = sanlian_check::check_with(&rules, &plan);
    if plan.instance != inst.name || !checked.mismatches().is_empty() {
        let mut why = checked.mismatches();
        why.truncate(5);
        return Err(Failure::input(format!(
            "{}: the plan was not made for {} (instance \"{}\"): {}",
            args.plan.as_deref().unwrap_or(Path::new("plan")).display(),
            args.instance.display(),
            inst.name,
            if why.is_empty() { format!("it answers instance \"{}\"", plan.instance) } else { why.join("; ") }
        )));
    }
    let fr = report(&rules, &plan, inst.parameters.fairness.rotate_km);
    let fair_violations: Vec<String> =
        checked.violations.iter().filter(|v| v.rule.starts_with('F')).map(|v| v.to_string()).collect();
    if args.json {
        #[derive(Serialize)]
        struct Out<'a> {
            options: &'a Fairness,
            valid: bool,
            fairness_violations: &'a [String],
            #[serde(flatten)]
            report: &'a FairnessReport,
        }
        let out = Out {
            options: &inst.parameters.fairness,
            valid: checked.is_valid(),
            fairness_violations: &fair_violations,
            report: &fr,
        };
        say!("{}", serde_json::to_string_pretty(&out).expect("the report serialises"));
    } else {
        say!("{}", text(&inst, &fr, &checked, &fair_violations, args.all_cadres, lang));
    }
    Ok(())
}

/// An input error of `path` in `lang`.
fn input(path: &Path, e: &sanlian_model::InputError, lang: Lang) -> Failure {
    Failure::input(format!("{}: {}", path.display(), e.text(lang)))
}

/// Set each cadre's previous county to its county in `last`; the number set.
pub(crate) fn last_round(inst: &mut Instance, last: &Plan) -> usize {
    let counties: std::collections::HashSet<&str> = inst.region.counties.iter().map(|k| k.code.as_str()).collect();
    let placed: std::collections::HashMap<&str, &str> = last
        .assignments
        .iter()
        .filter(|a| counties.contains(a.county.as_str()))
        .map(|a| (a.cadre.as_str(), a.county.as_str()))
        .collect();
    let mut set = 0;
    for c in &mut inst.cadres {
        if let Some(k) = placed.get(c.id.as_str()) {
            c.previous_county = Some(k.to_string());
            set += 1;
        }
    }
    set
}

/// The note that says where last round came from, in `lang`.
pub(crate) fn last_round_note(set: usize, path: &Path, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("上一轮安排取自 {}：{set} 名干部的上轮县区已设定。", path.display())
    } else {
        format!("last round taken from {}: the previous county of {set} cadre(s) set.", path.display())
    }
}

/// Solve `inst` (strict) through the engine: the checked plan and the seconds it took; an
/// infeasible instance prints its certificates and fails with 1, bad input with 2.
fn solve_one(path: &Path, inst: &Instance, time_limit: Option<f64>, lang: Lang) -> Result<(Plan, f64), Failure> {
    match solve_variant(path, inst, time_limit, lang)? {
        (Ok(plan), seconds) => Ok((plan, seconds)),
        (Err(certs), _) => {
            say!("{certs}");
            Err(Failure { code: 1, message: "infeasible in strict mode; see the certificates above".into() })
        }
    }
}

/// Solve `inst` (strict): the checked plan, or the certificates as text; and the seconds.
fn solve_variant(
    path: &Path,
    inst: &Instance,
    time_limit: Option<f64>,
    lang: Lang,
) -> Result<(Result<Plan, String>, f64), Failure> {
    let start = Instant::now();
    let prep = Prepared::new(inst).map_err(|e| input(path, &e, lang))?;
    let opts = SolveOptions { mode: PlanMode::Strict, time_limit, ..SolveOptions::default() };
    let solved = sanlian_engine::solve(&prep, &opts).map_err(engine_failure)?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(match solved.answer {
        Answer::Planned(checked) => (Ok(checked.into_plan()), seconds),
        Answer::Infeasible(certs) => {
            (Err(sanlian_explain::render::certificates_with(&certs, lang, &Names::of(inst))), seconds)
        }
    })
}

/// The report as text.
fn text(
    inst: &Instance,
    fr: &FairnessReport,
    checked: &sanlian_check::Report,
    fair_violations: &[String],
    all_cadres: bool,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let f = &inst.parameters.fairness;
    let _ = writeln!(
        s,
        "{} · {}",
        inst.name,
        tr(
            lang,
            "两年行程（往返次数 × 2 × 道路公里，费用模型口径）",
            "two-year travel (round trips × 2 × road km, as the cost model counts them)"
        )
    );
    let _ = writeln!(s, "{}", options_line(f, lang));
    let _ = writeln!(s, "\n{}", distribution_header(tr(lang, "范围", "group"), lang));
    let _ = writeln!(s, "{}", distribution_row(tr(lang, "全部", "all"), &fr.all));
    for row in &fr.levels {
        let name = if zh { row.level.zh() } else { row.level.id() };
        let _ = writeln!(s, "{}", distribution_row(name, &row.travel));
    }
    let _ = writeln!(s, "\n{}", distribution_header(tr(lang, "派出单位", "unit"), lang));
    for row in &fr.units {
        let _ = writeln!(s, "{}", distribution_row(&row.unit, &row.travel));
    }
    let mut by_km: Vec<_> = fr.cadres.iter().collect();
    by_km.sort_by(|a, b| b.km.total_cmp(&a.km).then_with(|| a.cadre.cmp(&b.cadre)));
    if !all_cadres {
        by_km.truncate(10);
    }
    let _ = writeln!(
        s,
        "\n{}",
        if all_cadres {
            tr(lang, "每名干部（按两年行程从多到少）：", "every cadre (most travel first):").to_string()
        } else if zh {
            format!("两年行程最多的 {} 名干部（--all-cadres 列出全部）：", by_km.len())
        } else {
            format!("the {} cadres who travel most (--all-cadres lists all):", by_km.len())
        }
    );
    let county_name =
        |code: &str| inst.region.counties.iter().find(|k| k.code == code).map_or(code.to_string(), |k| k.name.clone());
    for c in by_km {
        let level = if zh { c.level.zh() } else { c.level.id() };
        let _ = writeln!(
            s,
            "  {} {} {} {} → {}  {} km = {:.1} × 2 × {:.1}",
            pad(&c.cadre, 10),
            pad(&c.name, 8),
            pad(level, 10),
            pad(&c.unit, 20),
            pad(&county_name(&c.county), 10),
            km(c.km),
            c.trips,
            c.road_km
        );
    }
    let n = fr.departments.len();
    let _ = writeln!(
        s,
        "\n{}",
        if zh {
            format!(
                "部门集中驻点（F3）：{n} 个部门年度中，{} 个的最忙月份在外人数超过均摊数 max(1, ⌈驻点月数 ÷ 驻点时段月数⌉)",
                fr.departments_above_even
            )
        } else {
            format!(
                "Department months (F3): in {} of {n} department-years the busiest month has more away than the even \
                 spread max(1, ⌈block months ÷ window months⌉)",
                fr.departments_above_even
            )
        }
    );
    if let Some(r) = &fr.rotation {
        let _ = writeln!(s, "{}", rotation_line(r, lang));
    }
    let verdict = if checked.is_valid() {
        tr(lang, "检查器：计划有效（含 F1–F3）", "checker: the plan is valid (F1–F3 included)").to_string()
    } else if zh {
        format!("检查器：{} 处违规，其中公平负担 {} 处", checked.violations.len(), fair_violations.len())
    } else {
        format!(
            "checker: {} violation(s), {} of the fair-burden options",
            checked.violations.len(),
            fair_violations.len()
        )
    };
    let _ = writeln!(s, "\n{verdict}");
    for v in fair_violations {
        let _ = writeln!(s, "  {v}");
    }
    s.trim_end().to_string()
}

fn options_line(f: &Fairness, lang: Lang) -> String {
    if f.is_off() {
        return tr(lang, "公平负担选项：未设", "fair-burden options: none").to_string();
    }
    let mut parts = Vec::new();
    if let Some(v) = f.max_travel_km {
        parts.push(format!("F1 max_travel_km {v}"));
    }
    if let Some(v) = f.rotate_km {
        parts.push(format!("F2 rotate_km {v}"));
    }
    if f.balance_departments {
        parts.push("F3 balance_departments".to_string());
    }
    format!("{}{}", tr(lang, "公平负担选项：", "fair-burden options: "), parts.join(" · "))
}

fn rotation_line(r: &Rotation, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("轮换（F2，阈值 {} 公里）：上轮去了远处的 {} 人，本轮又去远处 {} 人", r.far_km, r.went_far, r.far_again)
    } else {
        format!(
            "Rotation (F2, threshold {} km): {} went far last round, {} of them far again",
            r.far_km, r.went_far, r.far_again
        )
    }
}

fn distribution_header(first: &str, lang: Lang) -> String {
    let cols: [&str; 7] = if lang == Lang::Zh {
        ["人数", "合计公里", "人均公里", "最多公里", "P90 公里", "基尼系数", "最多往返"]
    } else {
        ["n", "total km", "mean km", "max km", "p90 km", "Gini", "max trips"]
    };
    let widths = [6, 12, 9, 9, 9, 8, 9];
    let mut line = format!("  {}", pad(first, 24));
    for (c, w) in cols.iter().zip(widths) {
        line.push(' ');
        line.push_str(&rpad(c, w));
    }
    line
}

fn distribution_row(name: &str, d: &Distribution) -> String {
    format!(
        "  {} {:>6} {:>12} {:>9} {:>9} {:>9} {:>8.3} {:>9.1}",
        pad(name, 24),
        d.n,
        km(d.total_km),
        km(d.mean_km),
        km(d.max_km),
        km(d.p90_km),
        d.gini,
        d.max_trips
    )
}

/// One variant of the options comparison.
#[derive(Debug, Serialize)]
struct Variant {
    /// "plain", "F1", "F2", "F3" or "all".
    name: String,
    /// The options it was solved with.
    options: Fairness,
    /// The first certificate's text when strict mode is infeasible.
    #[serde(skip_serializing_if = "Option::is_none")]
    infeasible: Option<String>,
    /// S1 objective and the two-year travel cost (yuan).
    s1: Option<f64>,
    travel: Option<f64>,
    /// S3a objective: (county, year, window month) with a group member on site on a block.
    s3a: Option<f64>,
    /// Changes against the plain plan.
    s1_delta: Option<f64>,
    travel_delta: Option<f64>,
    s3a_delta: Option<f64>,
    /// Distribution of every placed cadre's two-year km, and per level.
    #[serde(skip_serializing_if = "Option::is_none")]
    all: Option<Distribution>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    levels: Vec<sanlian_check::fairness::LevelRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotation: Option<Rotation>,
    departments_above_even: Option<usize>,
    /// Wall time of the solve and its check, seconds.
    seconds: f64,
}

/// `sanlian fairness INSTANCE --options`: the plain instance, each option alone, all together.
fn options(args: &Args, base: Instance, lang: Lang) -> Result<(), Failure> {
    let f = &args.fair;
    if !f.any() {
        return Err(Failure::input(
            "--options needs at least one option to price: --max-travel-km KM, --rotate-km KM, --balance-departments",
        ));
    }
    let mut variants: Vec<(&str, Fairness)> = vec![("plain", Fairness::default())];
    if let Some(v) = f.max_travel_km {
        variants.push(("F1", Fairness { max_travel_km: Some(v), ..Fairness::default() }));
    }
    if let Some(v) = f.rotate_km {
        variants.push(("F2", Fairness { rotate_km: Some(v), ..Fairness::default() }));
    }
    if f.balance_departments {
        variants.push(("F3", Fairness { balance_departments: true, ..Fairness::default() }));
    }
    if variants.len() > 2 {
        let all = Fairness {
            max_travel_km: f.max_travel_km,
            rotate_km: f.rotate_km,
            balance_departments: f.balance_departments,
        };
        variants.push(("all", all));
    }
    if f.rotate_km.is_some() && base.cadres.iter().all(|c| c.previous_county.is_none()) {
        eprintln!(
            "{}",
            tr(
                lang,
                "注意：没有干部填写上轮县区，F2 不起作用；可用 --last-round PLAN 取上一轮安排。",
                "note: no cadre has a previous county, so F2 changes nothing; --last-round PLAN takes them from a plan."
            )
        );
    }
    let mut rows: Vec<Variant> = Vec::new();
    for (name, fairness) in variants {
        let mut inst = base.clone();
        inst.parameters.fairness = fairness.clone();
        let (answer, seconds) = solve_variant(&args.instance, &inst, args.time_limit, lang).map_err(|e| Failure {
            code: e.code,
            message: format!("{} ({name}): {}", tr(lang, "选项", "option"), e.message),
        })?;
        let row = match answer {
            Ok(plan) => {
                let rules = sanlian_check::Rules::new(&inst).map_err(|e| input(&args.instance, &e, lang))?;
                let fr = report(&rules, &plan, f.rotate_km);
                let stage = |id: &str| plan.stages.iter().find(|s| s.id == id).map(|s| s.objective);
                Variant {
                    name: name.to_string(),
                    options: fairness,
                    infeasible: None,
                    s1: stage("S1"),
                    travel: Some(plan.costs.travel),
                    s3a: stage("S3a"),
                    s1_delta: None,
                    travel_delta: None,
                    s3a_delta: None,
                    all: Some(fr.all),
                    levels: fr.levels,
                    rotation: fr.rotation,
                    departments_above_even: Some(fr.departments_above_even),
                    seconds,
                }
            }
            Err(certs) => Variant {
                name: name.to_string(),
                options: fairness,
                infeasible: Some(certs),
                s1: None,
                travel: None,
                s3a: None,
                s1_delta: None,
                travel_delta: None,
                s3a_delta: None,
                all: None,
                levels: Vec::new(),
                rotation: None,
                departments_above_even: None,
                seconds,
            },
        };
        rows.push(row);
    }
    let (plain_s1, plain_travel, plain_s3a) = (rows[0].s1, rows[0].travel, rows[0].s3a);
    for r in &mut rows {
        r.s1_delta = r.s1.zip(plain_s1).map(|(a, b)| a - b);
        r.travel_delta = r.travel.zip(plain_travel).map(|(a, b)| a - b);
        r.s3a_delta = r.s3a.zip(plain_s3a).map(|(a, b)| a - b);
    }
    if args.json {
        #[derive(Serialize)]
        struct Out<'a> {
            instance: &'a str,
            variants: &'a [Variant],
        }
        say!("{}", serde_json::to_string_pretty(&Out { instance: &base.name, variants: &rows }).expect("serialises"));
    } else {
        say!("{}", options_text(&base, &rows, lang));
    }
    Ok(())
}

fn variant_label(v: &Variant, lang: Lang) -> String {
    let o = &v.options;
    match v.name.as_str() {
        "plain" => tr(lang, "不设选项", "plain").to_string(),
        "F1" => format!("F1 ≤ {} km", km(o.max_travel_km.unwrap_or_default())),
        "F2" => format!("F2 {} km", km(o.rotate_km.unwrap_or_default())),
        "F3" => tr(lang, "F3 部门均摊", "F3 balance").to_string(),
        _ => tr(lang, "全部选项", "all together").to_string(),
    }
}

fn options_text(inst: &Instance, rows: &[Variant], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} · {}",
        inst.name,
        tr(
            lang,
            "公平负担选项的代价（严格模式，各自最优）",
            "the cost of each fair-burden option (strict, each optimal)"
        )
    );
    let cols: [&str; 14] = if zh {
        [
            "方案",
            "S1",
            "S1 变化",
            "差旅费",
            "差旅费变化",
            "S3a",
            "变化",
            "最多公里",
            "变化",
            "P90 公里",
            "变化",
            "基尼系数",
            "又去远处",
            "超均摊部门",
        ]
    } else {
        [
            "variant",
            "S1",
            "S1 Δ",
            "travel",
            "travel Δ",
            "S3a",
            "Δ",
            "max km",
            "Δ",
            "p90 km",
            "Δ",
            "Gini",
            "far again",
            "depts > even",
        ]
    };
    let widths = [12, 11, 12, 11, 6, 5, 8, 7, 9, 7, 13, 9, 11, 7];
    let mut header = format!("\n  {}", pad(cols[0], 16));
    for (c, w) in cols[1..].iter().chain([&tr(lang, "秒", "s")]).zip(widths) {
        header.push(' ');
        header.push_str(&rpad(c, w));
    }
    let _ = writeln!(s, "{header}");
    let plain = rows[0].all.clone().unwrap_or_default();
    for v in rows {
        let label = pad(&variant_label(v, lang), 16);
        let Some(all) = &v.all else {
            let _ = writeln!(s, "  {label} {}", tr(lang, "无可行方案（见下）", "infeasible (see below)"));
            continue;
        };
        let money = |x: Option<f64>| x.map_or("—".to_string(), yuan);
        let delta = |x: Option<f64>| x.map_or("—".to_string(), yuan_delta);
        let gini_delta = all.gini - plain.gini;
        let far = v.rotation.as_ref().map_or("—".to_string(), |r| format!("{}/{}", r.far_again, r.went_far));
        let _ = writeln!(
            s,
            "  {label} {:>12} {:>11} {:>12} {:>11} {:>6} {:>5} {:>8} {:>7} {:>9} {:>7} {:>13} {:>9} {:>11} {:>7.2}",
            money(v.s1),
            if v.name == "plain" { String::new() } else { delta(v.s1_delta) },
            money(v.travel),
            if v.name == "plain" { String::new() } else { delta(v.travel_delta) },
            v.s3a.map_or("—".to_string(), |x| format!("{x:.0}")),
            if v.name == "plain" {
                String::new()
            } else {
                v.s3a_delta.map_or("—".to_string(), |x| format!("{x:+.0}"))
            },
            km(all.max_km),
            if v.name == "plain" { String::new() } else { km_delta(all.max_km - plain.max_km) },
            km(all.p90_km),
            if v.name == "plain" { String::new() } else { km_delta(all.p90_km - plain.p90_km) },
            if v.name == "plain" { format!("{:.3}", all.gini) } else { format!("{:.3} {:+.3}", all.gini, gini_delta) },
            far,
            v.departments_above_even.map_or("—".to_string(), |n| n.to_string()),
            v.seconds
        );
    }
    let _ = writeln!(
        s,
        "\n{}",
        tr(
            lang,
            "S1 = 差旅费 + 意向罚分 − 连续性奖励；S3a = 有组员集中驻点的（县区, 年, 月）数；公里为两年行程（往返次数 × 2 × 道路公里）；又去远处 = 上轮去了远处（超过 F2 阈值）的人中本轮又去远处的人数；超均摊部门 = 最忙月份在外人数超过均摊数的部门年度数。",
            "S1 = travel + preference penalty − continuity bonus; S3a = (county, year, month) with a member on site on a block; km are two-year travel (round trips × 2 × road km); far again = of those who went beyond the F2 threshold last round, how many go beyond it again; depts > even = department-years whose busiest month has more away than the even spread."
        )
    );
    if rows.iter().any(|v| v.infeasible.is_some()) {
        let _ = writeln!(
            s,
            "\n{}",
            tr(
                lang,
                "以下证书中的“可派”已按该方案的选项收窄（H2 ∩ F1 ∩ F2），部门上限已按 F3 收窄：放宽选项也是一种补救。",
                "In the certificates below, \"eligible\" is narrowed by the variant's options (H2 ∩ F1 ∩ F2) and the \
                 department caps by F3: relaxing the option is a remedy too."
            )
        );
    }
    for v in rows {
        if let Some(certs) = &v.infeasible {
            let _ = writeln!(s, "\n{}:\n{certs}", variant_label(v, lang));
        }
    }
    s.trim_end().to_string()
}
