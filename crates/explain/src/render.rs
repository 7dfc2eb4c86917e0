//! Text for people, in Chinese (default) or English: explanations, what-ifs
//! and infeasibility certificates. Chinese names are printed as they are;
//! every number is tagged with the rule it traces to, e.g. "(H7)", "(S1)".
//!
//! The renderers take only the explanation data. Counties, cities and cadres
//! that the data names by code alone are printed by name when a [`Names`]
//! built from the instance is passed (the `*_with` variants), else by code.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::Weekday;
use sanlian_model::{Certificate, CertificateKind, Instance};

use crate::{level_name, CadreWhy, Explanation, GlobalWhy, GroupWhy, PreferenceWhy, WhatIfResult, YearWhy};

pub use sanlian_model::Lang;

/// Pick the Chinese or the English text.
macro_rules! tr {
    ($lang:expr, $zh:expr, $en:expr $(,)?) => {
        match $lang {
            Lang::Zh => $zh,
            Lang::En => $en,
        }
    };
}

// ---------------------------------------------------------------------------
// Formatting helpers (shared with the CLI's summaries).

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Whole yuan with thousands separators: `¥14,095`, `¥-1,234`.
pub fn yuan(v: f64) -> String {
    let whole = v.round() as i64;
    let sign = if whole < 0 { "-" } else { "" };
    format!("¥{sign}{}", group_thousands(&whole.unsigned_abs().to_string()))
}

/// Yuan and fen with thousands separators: `¥14,095.20`, `¥-1,234.50`.
pub fn yuan_cents(v: f64) -> String {
    let fen = (v * 100.0).round() as i64;
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("¥{sign}{}.{:02}", group_thousands(&(abs / 100).to_string()), abs % 100)
}

/// A difference in yuan and fen, always signed: `+¥904.80`, `-¥12.00`, `¥0.00`.
pub fn yuan_delta(v: f64) -> String {
    let fen = (v * 100.0).round() as i64;
    match fen.signum() {
        0 => "¥0.00".into(),
        1 => format!("+{}", yuan_cents(v)),
        _ => format!("-{}", yuan_cents(-v)),
    }
}

/// Pad to a display width, counting CJK characters as two columns.
pub fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn weekday(w: Weekday, lang: Lang) -> &'static str {
    let i = w.num_days_from_monday() as usize;
    tr!(
        lang,
        ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i],
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i]
    )
}

fn yes(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

/// List separator.
fn sep(lang: Lang) -> &'static str {
    tr!(lang, "、", ", ")
}

/// Width of the key column of key lines.
const KEY: usize = 24;

/// Text under construction: headings and aligned key lines.
struct Out {
    s: String,
}

impl Out {
    fn new() -> Self {
        Out { s: String::new() }
    }

    fn heading(&mut self, text: &str) {
        if !self.s.is_empty() {
            self.s.push('\n');
        }
        let _ = writeln!(self.s, "══ {text} ══");
    }

    fn line(&mut self, text: &str) {
        let _ = writeln!(self.s, "  {text}");
    }

    fn sub(&mut self, text: &str) {
        let _ = writeln!(self.s, "\n── {text}");
    }

    /// `key  value`, the value aligned; further lines of a value go under its first.
    fn kv(&mut self, indent: usize, key: &str, value: &str) {
        let mut lines = value.lines();
        let first = lines.next().unwrap_or("");
        let width = KEY.max(unicode_width::UnicodeWidthStr::width(key) + 2);
        let _ = writeln!(self.s, "{}{}{first}", " ".repeat(indent), pad(key, width));
        for l in lines {
            let _ = writeln!(self.s, "{}{l}", " ".repeat(indent + width));
        }
    }

    fn finish(mut self) -> String {
        while self.s.ends_with('\n') {
            self.s.pop();
        }
        self.s
    }
}

// ---------------------------------------------------------------------------
// Names.

/// Names of counties, cities and cadres by code or id, for data that carries codes only.
#[derive(Debug, Clone, Default)]
pub struct Names {
    counties: HashMap<String, String>,
    cities: HashMap<String, String>,
    cadres: HashMap<String, String>,
    townships: HashMap<String, String>,
    first_year: Option<i32>,
    locks: Vec<sanlian_model::Lock>,
}

impl Names {
    /// Every name of an instance.
    pub fn of(inst: &Instance) -> Self {
        let r = &inst.region;
        Names {
            counties: r.counties.iter().map(|k| (k.code.clone(), k.name.clone())).collect(),
            cities: r.cities.iter().map(|c| (c.code.clone(), c.name.clone())).collect(),
            cadres: inst.cadres.iter().map(|c| (c.id.clone(), c.name.clone())).collect(),
            townships: r.townships.iter().map(|t| (t.code.clone(), t.name.clone())).collect(),
            first_year: Some(inst.first_year),
            locks: inst.locks.clone(),
        }
    }

    /// A checker's subject by name: a cadre, county or township (`东营区（370502）`), or as given.
    pub fn subject(&self, code: &str, lang: Lang) -> String {
        if self.cadres.contains_key(code) {
            self.cadre(code, lang)
        } else if self.counties.contains_key(code) {
            self.county(code, lang)
        } else if self.townships.contains_key(code) {
            self.township(code, lang)
        } else if let Some(i) =
            code.strip_prefix("locks[").and_then(|r| r.strip_suffix(']')).and_then(|n| n.parse().ok())
        {
            self.lock(i, lang)
        } else {
            code.to_string()
        }
    }

    /// An edit in the planner's words: "张三（P012）调到历下区".
    pub fn edit(&self, e: &crate::edit::Edit, lang: Lang) -> String {
        use crate::edit::Edit;
        match e {
            Edit::Move { cadre, county } => {
                tr!(
                    lang,
                    format!("{}调到{}", self.cadre(cadre, lang), self.county_name(county)),
                    format!("{} to {}", self.cadre(cadre, lang), self.county_name(county))
                )
            }
            Edit::Swap { cadre, other } => tr!(
                lang,
                format!("{}与{}对调", self.cadre(cadre, lang), self.cadre(other, lang)),
                format!("{} swapped with {}", self.cadre(cadre, lang), self.cadre(other, lang))
            ),
            Edit::Township { cadre, year, township } => tr!(
                lang,
                format!("{} {year} 年联系{}", self.cadre(cadre, lang), self.township(township, lang)),
                format!("{} covers {} in {year}", self.cadre(cadre, lang), self.township(township, lang))
            ),
            Edit::Months { cadre, months, .. } => tr!(
                lang,
                format!("{}集中下沉改为 {}", self.cadre(cadre, lang), months.join("、")),
                format!("{} on blocks in {}", self.cadre(cadre, lang), months.join(", "))
            ),
            Edit::Weekday { cadre, weekday: d } => tr!(
                lang,
                format!("{}每周工作日改为{}", self.cadre(cadre, lang), weekday(*d, lang)),
                format!("{} on {}s", self.cadre(cadre, lang), weekday(*d, lang))
            ),
            Edit::Leader { county, cadre } => tr!(
                lang,
                format!("{}任{}组长", self.cadre(cadre, lang), self.county_name(county)),
                format!("{} leads {}", self.cadre(cadre, lang), self.county_name(county))
            ),
        }
    }

    /// `locks[i]` and what it says, in words: "locks[0]（萧东泉（C0502）不任东营区组长）".
    pub fn lock(&self, i: usize, lang: Lang) -> String {
        use sanlian_model::LockKind as K;
        let Some(l) = self.locks.get(i) else { return format!("locks[{i}]") };
        let who = self.cadre(&l.cadre, lang);
        let county = l.county.as_deref().map(|k| self.county_name(k)).unwrap_or_default();
        let town = l.township.as_deref().map(|t| self.townships.get(t).cloned().unwrap_or_else(|| t.to_string()));
        let town = town.unwrap_or_default();
        let year = l.year.unwrap_or_default();
        let months = l.months.join(tr!(lang, "、", ", "));
        let day = l.weekday.map(|d| weekday(d, lang)).unwrap_or_default();
        let words = match (l.kind, lang) {
            (K::County, Lang::Zh) => format!("{who}锁定在{county}"),
            (K::County, Lang::En) => format!("{who} fixed to {county}"),
            (K::NotCounty, Lang::Zh) => format!("{who}不去{county}"),
            (K::NotCounty, Lang::En) => format!("{who} not in {county}"),
            (K::Leader, Lang::Zh) => format!("{who}任{county}组长"),
            (K::Leader, Lang::En) => format!("{who} leads {county}"),
            (K::NotLeader, Lang::Zh) => format!("{who}不任{county}组长"),
            (K::NotLeader, Lang::En) => format!("{who} does not lead {county}"),
            (K::Township, Lang::Zh) => format!("{who} {year} 年联系{town}"),
            (K::Township, Lang::En) => format!("{who} covers {town} in {year}"),
            (K::NotTownship, Lang::Zh) => format!("{who} {year} 年不联系{town}"),
            (K::NotTownship, Lang::En) => format!("{who} does not cover {town} in {year}"),
            (K::Months, Lang::Zh) => format!("{who}在 {months} 集中下沉"),
            (K::Months, Lang::En) => format!("{who} on a block in {months}"),
            (K::NotMonths, Lang::Zh) => format!("{who}不在 {months} 集中下沉"),
            (K::NotMonths, Lang::En) => format!("{who} on no block in {months}"),
            (K::Weekday, Lang::Zh) => format!("{who}每{day}下沉"),
            (K::Weekday, Lang::En) => format!("{who} on {day}s"),
        };
        tr!(lang, format!("第 {} 项锁定（{words}）", i + 1), format!("locks[{i}] ({words})"))
    }

    /// Add the names an explanation carries itself (keeps names already known).
    fn learn(&mut self, e: &Explanation) {
        let add = |map: &mut HashMap<String, String>, code: &str, name: &str| {
            map.entry(code.to_string()).or_insert_with(|| name.to_string());
        };
        for c in &e.cadres {
            add(&mut self.cadres, &c.cadre, &c.name);
            add(&mut self.counties, &c.here.county, &c.here.county_name);
            add(&mut self.counties, &c.cheapest.county, &c.cheapest.county_name);
        }
        for g in &e.groups {
            add(&mut self.counties, &g.county, &g.county_name);
            for a in &g.alternatives {
                add(&mut self.cadres, &a.cadre, &a.name);
            }
        }
        if let Some(gl) = &e.global {
            for c in &gl.cities {
                add(&mut self.cities, &c.city, &c.city_name);
            }
            for k in &gl.per_county_cadre {
                add(&mut self.counties, &k.county, &k.county_name);
            }
        }
    }

    /// `东营区（370502）`, or the code alone when the name is unknown.
    fn county(&self, code: &str, lang: Lang) -> String {
        labelled(self.counties.get(code), code, lang)
    }

    /// The county's name, or its code.
    fn county_name(&self, code: &str) -> String {
        self.counties.get(code).cloned().unwrap_or_else(|| code.to_string())
    }

    fn city(&self, code: &str, lang: Lang) -> String {
        labelled(self.cities.get(code), code, lang)
    }

    fn cadre(&self, id: &str, lang: Lang) -> String {
        labelled(self.cadres.get(id), id, lang)
    }

    /// `兴福街道（370104014）`, or the code alone when the name is unknown.
    fn township(&self, code: &str, lang: Lang) -> String {
        labelled(self.townships.get(code), code, lang)
    }

    /// Counties by name, at most `SHOWN` of them, then how many in all.
    fn county_list(&self, codes: &[String], lang: Lang) -> String {
        const SHOWN: usize = 12;
        let mut s: Vec<String> = codes.iter().take(SHOWN).map(|c| self.county_name(c)).collect();
        if codes.len() > SHOWN {
            s.push(tr!(lang, format!("…（共 {} 个）", codes.len()), format!("… ({} in all)", codes.len())));
        }
        s.join(tr!(lang, "、", ", "))
    }

    /// Plan year index (1 or 2) as a calendar year when the instance is known.
    fn year(&self, index: u8, lang: Lang) -> String {
        match self.first_year {
            Some(y) => tr!(lang, format!("{} 年", y + index as i32 - 1), format!("{}", y + index as i32 - 1)),
            None => tr!(lang, format!("第 {index} 个计划年"), format!("plan year {index}")),
        }
    }
}

fn labelled(name: Option<&String>, code: &str, lang: Lang) -> String {
    match name {
        Some(n) => tr!(lang, format!("{n}（{code}）"), format!("{n} ({code})")),
        None => code.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Words the explanation carries in English, in Chinese.

/// The H2 basis in the chosen language (the explanation carries it in English).
fn eligibility(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let Some(rest) = text.strip_prefix("H2: ") else { return text.to_string() };
    if rest == "province level, any county" {
        return "H2：省级干部，可派往任一县（市、区）".into();
    }
    if rest == "county level, its own county" {
        return "H2：县级干部，只派往本县（市、区）".into();
    }
    if let Some(city) = rest.strip_prefix("city level, the counties of ") {
        return format!("H2：市级干部，可派往{city}的各县（市、区）");
    }
    if let Some(r) = rest.strip_prefix("no county seat within ") {
        if let Some((km, tail)) = r.split_once(" km of the unit, so the nearest county (") {
            let d = tail.trim_end_matches(')').trim_end_matches(" km");
            return format!("H2：单位 {km} km 内没有县城，就近派往最近的县（{d} km）");
        }
    }
    if let Some(r) = rest.strip_prefix("county seats within ") {
        if let Some(km) = r.strip_suffix(" km of the unit") {
            return format!("H2：县城距单位 {km} km 以内的县（就近就便）");
        }
    }
    text.to_string()
}

/// Why a preference cannot be honoured, in the chosen language.
fn impossible(text: &str, lang: Lang) -> String {
    match (lang, text) {
        (Lang::Zh, "H2: none of the preferred counties is eligible for this cadre") => {
            "H2：所填偏好县都不在该干部的可派范围内".into()
        }
        (Lang::Zh, "H1–H7: with this cadre fixed to any preferred county no strict grouping exists") => {
            "H1–H7：把该干部固定在任一偏好县，都不存在满足全部硬规则的分组".into()
        }
        _ => text.to_string(),
    }
}

const METHOD_EN: &str = "re-solve deltas: optimal value with one more unit minus optimal value without, both proven \
                         optimal (relative gap ≤ 1e-6); exact for one unit, not a rate";

fn method(text: &str, lang: Lang) -> String {
    if lang == Lang::Zh && text == METHOD_EN {
        "重新求解之差：多一个单位时的最优值减去原来的最优值，两者都已证明最优（相对间隙 ≤ 1e-6）；\
         对一个单位精确，不是可以按比例外推的单价"
            .into()
    } else {
        text.to_string()
    }
}

// ---------------------------------------------------------------------------
// Explanations.

/// A plan's explanation as text. Names it does not carry itself are printed as codes;
/// see [`explanation_with`].
pub fn explanation(e: &Explanation, lang: Lang) -> String {
    explanation_with(e, lang, &Names::default())
}

/// A plan's explanation as text, naming counties, cities and cadres from `names`.
pub fn explanation_with(e: &Explanation, lang: Lang, names: &Names) -> String {
    rule_words(explanation_coded(e, lang, names), lang)
}

fn explanation_coded(e: &Explanation, lang: Lang, names: &Names) -> String {
    let mut names = names.clone();
    names.learn(e);
    let mut o = Out::new();
    header(&mut o, e, lang);
    if !e.cadres.is_empty() {
        o.heading(&tr!(lang, format!("干部（{} 人）", e.cadres.len()), format!("Cadres ({})", e.cadres.len())));
        for c in &e.cadres {
            cadre(&mut o, c, lang, &names);
        }
    }
    if !e.groups.is_empty() {
        o.heading(&tr!(lang, format!("工作组（{} 个）", e.groups.len()), format!("Groups ({})", e.groups.len())));
        for g in &e.groups {
            group(&mut o, g, lang, &names);
        }
    }
    if let Some(gl) = &e.global {
        o.heading(tr!(lang, "全局：起约束作用的规则与边际值", "Global: binding rules and marginal values"));
        global(&mut o, gl, lang, &names);
    }
    if !e.locks.is_empty() {
        o.heading(&tr!(
            lang,
            format!("锁定的代价（{} 项）", e.locks.len()),
            format!("What the locks cost ({})", e.locks.len())
        ));
        for l in &e.locks {
            let (key, value) = lock_cost(l, lang, &names);
            o.kv(2, &key, &value);
        }
    }
    o.finish()
}

/// One lock's price: ("locks[i] (P1) who", "S1 +¥…, later stages …, N others moved").
fn lock_cost(l: &crate::LockCost, lang: Lang, names: &Names) -> (String, String) {
    let key = format!("{} ({})", names.lock(l.lock, lang), l.rule);
    let value = match (l.s1_delta, l.later_deltas, l.others_moved) {
        (Some(s1), Some([s2, s3a, s3b]), Some(moved)) => {
            let mut parts =
                vec![tr!(lang, format!("分组费用 {} (S1)", yuan_delta(s1)), format!("S1 {} (S1)", yuan_delta(s1)))];
            for (d, id) in [(s2, "S2"), (s3a, "S3a"), (s3b, "S3b")] {
                if d.abs() > 1e-9 {
                    parts.push(format!("{id} {d:+} ({id})"));
                }
            }
            parts.push(tr!(
                lang,
                format!("另有 {moved} 人因此换组"),
                format!("{moved} other cadre(s) in another group")
            ));
            parts.join(tr!(lang, "，", ", "))
        }
        _ if l.skipped => tr!(lang, SKIPPED_ZH, SKIPPED_EN).to_string(),
        _ => tr!(lang, "不设此锁定时重新求解未得到计划", "the re-solve without this lock found no plan").to_string(),
    };
    (key, value)
}

/// Alternatives as text: one line each, ranked, then what a rule forbids outright.
pub fn alternatives(list: &crate::alternatives::Alternatives, lang: Lang, names: &Names) -> String {
    let mut o = Out::new();
    o.heading(&tr!(
        lang,
        format!("备选方案（考虑 {} 个，精确修复 {} 个）", list.considered, list.alternatives.len()),
        format!("Alternatives ({} considered, {} repaired exactly)", list.considered, list.alternatives.len())
    ));
    for (i, a) in list.alternatives.iter().enumerate() {
        let what = names.edit(&a.edit, lang);
        let line = match (a.feasible, a.s1_delta, a.others) {
            (true, Some(d), Some(n)) => tr!(
                lang,
                format!("{}. {what}：分组费用 {} (S1)，另有 {n} 人随之调整", i + 1, yuan_delta(d)),
                format!("{}. {what}: S1 {} (S1), {n} other cadre(s) adjusted", i + 1, yuan_delta(d))
            ),
            _ => {
                let rule = a.forbidden_by.clone().unwrap_or_default();
                tr!(
                    lang,
                    format!("{}. {what}：不可行 ({rule})", i + 1),
                    format!("{}. {what}: not possible ({rule}) — {}", i + 1, a.reason.clone().unwrap_or_default())
                )
            }
        };
        o.line(&line);
    }
    if !list.ruled_out.is_empty() {
        let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, rule) in &list.ruled_out {
            *by_rule.entry(rule.as_str()).or_default() += 1;
        }
        for (rule, n) in by_rule {
            o.line(&tr!(lang, format!("另有 {n} 个备选按规则排除 ({rule})"), format!("{n} more ruled out ({rule})")));
        }
    }
    rule_words(o.finish(), lang)
}

/// The answer to edits as text: each edit (with its place, when `places` gives one), the
/// rules the edited plan breaks, and the stage and unit deltas.
pub fn edit_answer(a: &crate::edit::EditAnswer, places: &[String], lang: Lang, names: &Names) -> String {
    let mut o = Out::new();
    o.heading(&tr!(lang, format!("调整 {} 项", a.edits.len()), format!("{} edit(s)", a.edits.len())));
    for (i, e) in a.edits.iter().enumerate() {
        let at = places.get(i).map(|p| tr!(lang, format!("（{p}）"), format!(" ({p})"))).unwrap_or_default();
        o.line(&format!("{}. {}{at}", i + 1, names.edit(e, lang)));
    }
    if a.broken.is_empty() {
        o.line(tr!(lang, "不违反任何硬规则和锁定", "no hard rule or lock is broken"));
    } else {
        o.line(&tr!(lang, format!("违反 {} 项规则：", a.broken.len()), format!("{} rule(s) broken:", a.broken.len())));
        for b in &a.broken {
            let why = tr!(lang, String::new(), format!(" — {}", b.message));
            let colon = tr!(lang, "：", ": ");
            o.line(&format!("  - {}{colon}{}{why}", rule_label(&b.rule, lang), names.subject(&b.subject, lang)));
        }
    }
    for (id, d) in &a.stages {
        let value = if id == "S1" {
            format!("{} → {}（{}）", yuan_cents(d.before), yuan_cents(d.after), yuan_delta(d.delta))
        } else {
            format!("{} → {}（{:+}）", d.before, d.after, d.delta)
        };
        o.kv(2, id, &value);
    }
    let units: Vec<String> = a
        .units
        .iter()
        .filter(|(_, d)| d.delta.abs() >= 0.005)
        .map(|(u, d)| format!("{u} {}", yuan_delta(d.delta)))
        .collect();
    if !units.is_empty() {
        o.kv(2, tr!(lang, "各派出单位", "By dispatching unit"), &units.join(tr!(lang, "；", "; ")));
    }
    rule_words(o.finish(), lang)
}

/// Why a counterfactual figure is missing from a partial explanation.
const SKIPPED_ZH: &str = "已达本次请求的重新求解上限，请单独解释该干部或该县";
const SKIPPED_EN: &str = "the request's limit of re-solves was reached; explain this cadre or county alone";

fn header(o: &mut Out, e: &Explanation, lang: Lang) {
    o.heading(&tr!(lang, format!("计划解释 · {}", e.instance), format!("Plan explanation · {}", e.instance)));
    o.kv(2, tr!(lang, "本计划 S1", "S1 of this plan"), &format!("{} (S1)", yuan_cents(e.s1_plan)));
    o.kv(2, tr!(lang, "最优 S1（重新求解）", "Optimal S1 (re-solved)"), &format!("{} (S1)", yuan_cents(e.s1_optimal)));
    let gap = e.s1_plan - e.s1_optimal;
    let verdict = if gap.abs() < 0.005 {
        tr!(lang, "本计划的分组达到最优", "this plan's grouping is optimal")
    } else {
        tr!(lang, "本计划的分组比最优贵", "this plan's grouping costs more than the optimum")
    };
    o.kv(2, tr!(lang, "差", "Difference"), &format!("{} (S1) · {verdict}", yuan_delta(gap)));
    if e.violations.is_empty() {
        o.kv(
            2,
            tr!(lang, "检查器", "Checker"),
            tr!(lang, "有效：全部硬规则成立 (H1–H10)", "valid: every hard rule holds (H1–H10)"),
        );
    } else {
        let list = e.violations.join("\n");
        o.kv(
            2,
            tr!(lang, "检查器", "Checker"),
            &tr!(
                lang,
                format!("无效：{} 项违规\n{list}", e.violations.len()),
                format!("INVALID: {} violation(s)\n{list}", e.violations.len())
            ),
        );
    }
    let cf = &e.counterfactuals;
    if e.partial {
        let limit = cf.limit.unwrap_or(cf.computed);
        o.kv(
            2,
            tr!(lang, "部分解释", "Partial"),
            &tr!(
                lang,
                format!("做了 {} 次反事实重新求解（上限 {limit}），另有 {} 次未做：标“未计算”的数字缺失", cf.computed, cf.skipped),
                format!(
                    "{} counterfactual re-solves made (limit {limit}), {} left out: figures marked \"not computed\" are missing",
                    cf.computed, cf.skipped
                )
            ),
        );
    }
}

fn cadre(o: &mut Out, c: &CadreWhy, lang: Lang, names: &Names) {
    let here = names.county(&c.here.county, lang);
    let mut title = vec![
        tr!(lang, format!("{}（{}）", c.name, c.cadre), format!("{} ({})", c.name, c.cadre)),
        level_name(c.level, lang == Lang::Zh).to_string(),
        c.unit.clone(),
        here.clone(),
    ];
    if c.leader {
        title.push(tr!(lang, "组长 (H3)", "leader (H3)").into());
    }
    if c.senior {
        title.push(tr!(lang, "副处级以上", "senior").into());
    }
    o.sub(&title.join(" · "));

    let why_key = tr!(lang, format!("为什么在{}", c.here.county_name), format!("Why {}", c.here.county_name));
    o.kv(
        2,
        &why_key,
        &tr!(
            lang,
            format!("{}；共 {} 个可派县 (H2)", eligibility(&c.eligibility, lang), c.eligible_counties),
            format!(
                "{}; {} eligible count{} (H2)",
                c.eligibility,
                c.eligible_counties,
                if c.eligible_counties == 1 { "y" } else { "ies" }
            )
        ),
    );
    // The S1 coefficient is travel plus the preference penalty minus the continuity bonus.
    let terms = c.here.s1 - c.here.travel;
    let terms = if terms.abs() < 0.005 {
        String::new()
    } else {
        tr!(
            lang,
            format!("，偏好罚分与连续性奖励 {}", yuan_delta(terms)),
            format!(", preference penalty and continuity bonus {}", yuan_delta(terms))
        )
    };
    o.kv(
        2,
        tr!(lang, "在本县的分组费用", "S1 here"),
        &tr!(
            lang,
            format!(
                "{} (S1)（路程 {:.1} km，两年差旅 {}{terms}）",
                yuan_cents(c.here.s1),
                c.here.road_km,
                yuan_cents(c.here.travel)
            ),
            format!(
                "{} (S1) (road {:.1} km, two-year travel {}{terms})",
                yuan_cents(c.here.s1),
                c.here.road_km,
                yuan_cents(c.here.travel)
            )
        ),
    );
    let cheapest = if c.cheapest.county == c.here.county || c.above_cheapest.abs() < 0.005 {
        tr!(
            lang,
            format!(
                "{} {} (S1)：本县已是最便宜的可派县",
                names.county(&c.cheapest.county, lang),
                yuan_cents(c.cheapest.s1)
            ),
            format!(
                "{} {} (S1): already the cheapest eligible county",
                names.county(&c.cheapest.county, lang),
                yuan_cents(c.cheapest.s1)
            )
        )
    } else {
        tr!(
            lang,
            format!(
                "{} {} (S1)；本县多 {} (S1)",
                names.county(&c.cheapest.county, lang),
                yuan_cents(c.cheapest.s1),
                yuan_cents(c.above_cheapest)
            ),
            format!(
                "{} {} (S1); here costs {} more (S1)",
                names.county(&c.cheapest.county, lang),
                yuan_cents(c.cheapest.s1),
                yuan_cents(c.above_cheapest)
            )
        )
    };
    o.kv(2, tr!(lang, "最便宜的可派县", "Cheapest eligible"), &cheapest);
    o.kv(2, tr!(lang, "偏好", "Preference"), &preference(&c.preference, lang, names));
    let continuity = match &c.previous_county {
        None => tr!(lang, "上一轮没有安排 (S1)".to_string(), "no previous county (S1)".to_string()),
        Some(p) if c.continuity_kept => tr!(
            lang,
            format!("留在上一轮的 {}，得到连续性奖励 (S1)", names.county(p, lang)),
            format!("kept: stays in last round's {}, continuity bonus earned (S1)", names.county(p, lang))
        ),
        Some(p) => tr!(
            lang,
            format!("未保留：上一轮在 {}，未得到连续性奖励 (S1)", names.county(p, lang)),
            format!("not kept: last round in {}, no continuity bonus (S1)", names.county(p, lang))
        ),
    };
    o.kv(2, tr!(lang, "连续性", "Continuity"), &continuity);
    for y in &c.years {
        o.kv(2, &tr!(lang, format!("{} 年", y.year), format!("{}", y.year)), &year(y, lang));
    }
    if c.stay > 0.0 {
        o.kv(
            2,
            tr!(lang, "驻点食宿", "Stay"),
            &tr!(
                lang,
                format!("{}（两年；只报告，不计入 S1）(§4)", yuan(c.stay)),
                format!("{} (two years; reported, not in S1) (§4)", yuan(c.stay))
            ),
        );
    }
}

fn preference(p: &PreferenceWhy, lang: Lang, names: &Names) -> String {
    match p {
        PreferenceWhy::None => tr!(lang, "未填偏好县 (S1)".to_string(), "none listed (S1)".to_string()),
        PreferenceWhy::Honoured { county } => tr!(
            lang,
            format!("已满足：在偏好县 {}，不计偏好罚分 (S1)", names.county(county, lang)),
            format!("honoured: in preferred {}, no preference penalty (S1)", names.county(county, lang))
        ),
        PreferenceWhy::Missed { preferred, best, s1_increase, impossible: why, skipped } => {
            let listed = preferred.iter().map(|k| names.county_name(k)).collect::<Vec<_>>().join(sep(lang));
            if *skipped {
                return tr!(
                    lang,
                    format!("未满足（偏好 {listed}）(S1)：代价未计算（{}）", SKIPPED_ZH),
                    format!("missed (preferred {listed}) (S1): cost not computed ({})", SKIPPED_EN)
                );
            }
            match (best, s1_increase, why) {
                (Some(b), Some(d), _) => tr!(
                    lang,
                    format!(
                        "未满足（偏好 {listed}）：满足它的最小代价是最优 S1 {} (S1)（改派{}，重新求解）",
                        yuan_delta(*d),
                        names.county(b, lang)
                    ),
                    format!(
                        "missed (preferred {listed}): honouring it costs at least optimal S1 {} (S1) (in {}, re-solved)",
                        yuan_delta(*d),
                        names.county(b, lang)
                    )
                ),
                (_, _, Some(w)) => tr!(
                    lang,
                    format!("未满足（偏好 {listed}）：无法满足——{}", impossible(w, lang)),
                    format!("missed (preferred {listed}): impossible — {w}")
                ),
                _ => tr!(lang, format!("未满足（偏好 {listed}）(S1)"), format!("missed (preferred {listed}) (S1)")),
            }
        }
    }
}

fn year(y: &YearWhy, lang: Lang) -> String {
    let mut first = format!(
        "{} (H5)",
        tr!(lang, format!("{}（{}）", y.township_name, y.township), format!("{} ({})", y.township_name, y.township))
    );
    if !y.matched.is_empty() {
        let _ = write!(
            first,
            "{}",
            tr!(
                lang,
                format!(" · 特长匹配 {}，+{} (S2)", y.matched.join(sep(lang)), y.s2_match_value),
                format!(" · strengths matched {}, +{} (S2)", y.matched.join(sep(lang)), y.s2_match_value)
            )
        );
    }
    if y.priority {
        first.push_str(tr!(lang, " · 重点乡镇 (S2)", " · priority township (S2)"));
    }
    let mut lines = vec![first];
    for m in &y.months {
        lines.push(tr!(
            lang,
            format!(
                "驻点 {}：{} 天 (H8) · 部门在外 {}/上限 {} (H9) · 组内在岗 {} 人 (S3a)",
                m.month, m.days, m.department_away, m.department_cap, m.group_on_site
            ),
            format!(
                "block {}: {} days (H8) · department away {}/cap {} (H9) · group members on site {} (S3a)",
                m.month, m.days, m.department_away, m.department_cap, m.group_on_site
            )
        ));
    }
    if !y.unavailable.is_empty() {
        lines.push(tr!(
            lang,
            format!("不可用月份：{} (H8)", y.unavailable.join(sep(lang))),
            format!("unavailable: {} (H8)", y.unavailable.join(sep(lang)))
        ));
    }
    if let Some(w) = y.weekday {
        lines.push(tr!(
            lang,
            format!("每周工作日：{} (H10)", weekday(w, lang)),
            format!("weekday: {} (H10)", weekday(w, lang))
        ));
    }
    lines.join("\n")
}

fn group(o: &mut Out, g: &GroupWhy, lang: Lang, names: &Names) {
    o.sub(&tr!(
        lang,
        format!("{}（{}）工作组 · {}", g.county_name, g.county, names.city(&g.city, lang)),
        format!("{} ({}) group · {}", g.county_name, g.county, names.city(&g.city, lang))
    ));
    o.kv(
        2,
        tr!(lang, "乡镇", "Townships"),
        &tr!(
            lang,
            format!("{} 个，两年内每个都要覆盖 (H7)", g.townships),
            format!("{}, each covered within the two years (H7)", g.townships)
        ),
    );
    o.kv(
        2,
        tr!(lang, "成员", "Members"),
        &tr!(
            lang,
            format!("{} 人，干部·年 {} (H5)", g.members, g.cadre_years),
            format!("{}, {} cadre-years (H5)", g.members, g.cadre_years)
        ),
    );
    o.kv(
        2,
        tr!(lang, "覆盖余量", "Coverage slack"),
        &tr!(
            lang,
            format!("{:+}（干部·年 {} − 乡镇 {}）(H7)", g.coverage_slack, g.cadre_years, g.townships),
            format!("{:+} ({} cadre-years − {} townships) (H7)", g.coverage_slack, g.cadre_years, g.townships)
        ),
    );
    o.kv(
        2,
        tr!(lang, "最少成员", "Fewest members"),
        &tr!(
            lang,
            format!("{} 人即可覆盖全部乡镇 (H5–H7)", g.min_members),
            format!("{} of these members could cover every township (H5–H7)", g.min_members)
        ),
    );
    o.kv(
        2,
        tr!(lang, "每年最多", "Most per year"),
        &tr!(
            lang,
            format!(
                "{} 人（乡镇 × 每乡镇每年上限）(H6)；本组 {} 人 / {} 人（两个计划年）",
                g.max_members_per_year, g.members_per_year[0], g.members_per_year[1]
            ),
            format!(
                "{} (townships × per-township cap) (H6); this group {} / {} (the two plan years)",
                g.max_members_per_year, g.members_per_year[0], g.members_per_year[1]
            )
        ),
    );
    o.kv(2, tr!(lang, "副处级以上", "Senior members"), &format!("{} (H3)", g.seniors));
    let upper_ok = g.upper as u32 >= g.min_upper;
    o.kv(
        2,
        tr!(lang, "省市级成员", "Province/city members"),
        &tr!(
            lang,
            format!("{}，至少 {} (H4){}", g.upper, g.min_upper, if upper_ok { "" } else { "：不足" }),
            format!("{}, at least {} (H4){}", g.upper, g.min_upper, if upper_ok { "" } else { ": short" })
        ),
    );
    let leader = match &g.leader {
        Some(id) => format!("{} (H3)", names.cadre(id, lang)),
        None => tr!(lang, "无 (H3)".to_string(), "none (H3)".to_string()),
    };
    o.kv(2, tr!(lang, "组长", "Leader"), &leader);
    if !g.alternatives.is_empty() {
        let alts: Vec<String> = g
            .alternatives
            .iter()
            .map(|a| {
                let who = tr!(
                    lang,
                    format!("{}（{}，{}）", a.name, a.cadre, level_name(a.level, true)),
                    format!("{} ({}, {})", a.name, a.cadre, level_name(a.level, false))
                );
                let delta = match (a.member, a.s1_delta) {
                    (false, _) if a.skipped => tr!(
                        lang,
                        format!("组外，调入后的 S1 未计算（{SKIPPED_ZH}）"),
                        format!("outside; S1 with them here not computed ({SKIPPED_EN})")
                    ),
                    (true, _) => tr!(
                        lang,
                        "组员，换组长 S1 不变：¥0.00 (S1)".to_string(),
                        "member; S1 unchanged by who leads: ¥0.00 (S1)".to_string()
                    ),
                    (false, Some(d)) => tr!(
                        lang,
                        format!("组外，调入后最优 S1 {} (S1，重新求解)", yuan_delta(d)),
                        format!("outside; optimal S1 {} with them here (S1, re-solved)", yuan_delta(d))
                    ),
                    (false, None) => tr!(
                        lang,
                        "组外，调入后没有满足全部硬规则的分组 (H1–H7)".to_string(),
                        "outside; no strict grouping with them here (H1–H7)".to_string()
                    ),
                };
                tr!(lang, format!("{who}：{delta}"), format!("{who}: {delta}"))
            })
            .collect();
        o.kv(2, tr!(lang, "其他可任组长", "Alternatives"), &alts.join("\n"));
    }
    let by_level: Vec<String> =
        g.by_level.iter().map(|(l, n)| format!("{} {n}", level_name(*l, lang == Lang::Zh))).collect();
    o.kv(2, tr!(lang, "各层级成员", "Members by level"), &format!("{} (H4)", by_level.join(" · ")));
    if !g.units.is_empty() {
        let w = g.units.iter().map(|u| unicode_width::UnicodeWidthStr::width(u.unit.as_str())).max().unwrap_or(0);
        let rows: Vec<String> = g
            .units
            .iter()
            .map(|u| {
                tr!(
                    lang,
                    format!(
                        "{} {:>2} 人 · 差旅 {:>11} (S1) · 食宿 {:>9} (§4)",
                        pad(&u.unit, w),
                        u.cadres,
                        yuan_cents(u.travel),
                        yuan(u.stay)
                    ),
                    format!(
                        "{} {:>2} · travel {:>11} (S1) · stay {:>9} (§4)",
                        pad(&u.unit, w),
                        u.cadres,
                        yuan_cents(u.travel),
                        yuan(u.stay)
                    )
                )
            })
            .collect();
        o.kv(2, tr!(lang, "按派出单位的费用", "Cost by unit"), &rows.join("\n"));
    }
}

fn global(o: &mut Out, gl: &GlobalWhy, lang: Lang, names: &Names) {
    let at_min = if gl.counties_at_minimum.is_empty() {
        tr!(lang, "无".to_string(), "none".to_string())
    } else {
        let n = gl.counties_at_minimum.len();
        tr!(
            lang,
            format!("{n} 个：{}", names.county_list(&gl.counties_at_minimum, lang)),
            format!("{n}: {}", names.county_list(&gl.counties_at_minimum, lang))
        )
    };
    o.kv(
        2,
        tr!(lang, "人数已到最少的县", "Counties at minimum"),
        &tr!(
            lang,
            format!("{at_min}（覆盖余量 < 2，没有两年都在岗的成员可以调走）(H7)"),
            format!("{at_min} (coverage slack < 2: no member active both years could leave) (H7)")
        ),
    );
    let w = gl.cities.iter().map(|c| unicode_width::UnicodeWidthStr::width(c.city_name.as_str())).max().unwrap_or(0);
    let cities: Vec<String> = gl
        .cities
        .iter()
        .map(|c| {
            tr!(
                lang,
                format!(
                    "{} {:>3} 个县 · 本地副处级以上 {:>3} · 缺 {:>2} (H3) · 省级带队 {:>2} 组",
                    pad(&c.city_name, w),
                    c.counties,
                    c.local_seniors,
                    c.shortage,
                    c.province_led
                ),
                format!(
                    "{} {:>3} counties · local seniors {:>3} · short {:>2} (H3) · led by province {:>2}",
                    pad(&c.city_name, w),
                    c.counties,
                    c.local_seniors,
                    c.shortage,
                    c.province_led
                )
            )
        })
        .collect();
    o.kv(2, tr!(lang, "各市组长来源", "Senior leaders by city"), &cities.join("\n"));
    let caps = if gl.department_caps.is_empty() {
        tr!(lang, "无 (H9)".to_string(), "none (H9)".to_string())
    } else {
        // One line per department, year and (away, cap): the months listed.
        let mut runs: Vec<(&str, &str, u32, u32, Vec<&str>)> = Vec::new();
        for d in &gl.department_caps {
            let (year, month) = d.month.split_once('-').unwrap_or((d.month.as_str(), ""));
            match runs.last_mut() {
                Some(r) if r.0 == d.department && r.1 == year && r.2 == d.away && r.3 == d.cap => r.4.push(month),
                _ => runs.push((&d.department, year, d.away, d.cap, vec![month])),
            }
        }
        let w = runs.iter().map(|r| unicode_width::UnicodeWidthStr::width(r.0)).max().unwrap_or(0);
        runs.iter()
            .map(|(dep, year, away, cap, months)| {
                tr!(
                    lang,
                    format!("{} {year} 年 {} 月：在外 {away}/上限 {cap} (H9)", pad(dep, w), months.join("、")),
                    format!("{} {year}-{}: away {away}/cap {cap} (H9)", pad(dep, w), months.join(", "))
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    o.kv(2, tr!(lang, "部门月份已到上限", "Departments at cap"), &caps);

    o.sub(tr!(lang, "边际值", "Marginal values"));
    o.kv(2, tr!(lang, "算法", "Method"), &method(&gl.method, lang));
    let w = gl
        .per_county_cadre
        .iter()
        .map(|k| unicode_width::UnicodeWidthStr::width(k.county_name.as_str()))
        .max()
        .unwrap_or(0);
    let zero = |d: Option<f64>| d.is_some_and(|d| d.abs() < 0.005);
    let zeros = gl.per_county_cadre.iter().filter(|k| zero(k.s1_delta)).count();
    let skipped_counties = gl.per_county_cadre.iter().filter(|k| k.skipped).count();
    let mut counties: Vec<String> = gl
        .per_county_cadre
        .iter()
        .filter(|k| !zero(k.s1_delta) && !k.skipped)
        .map(|k| match k.s1_delta {
            Some(d) => format!("{} S1 {:>12} (S1)", pad(&k.county_name, w), yuan_delta(d)),
            None => tr!(
                lang,
                format!("{} 没有满足全部硬规则的分组（H6：没有空位）", pad(&k.county_name, w)),
                format!("{} no strict grouping (H6: no room)", pad(&k.county_name, w))
            ),
        })
        .collect();
    if zeros > 0 {
        let rest = zeros < gl.per_county_cadre.len();
        counties.push(tr!(
            lang,
            format!("{}{zeros} 个县 S1 ¥0.00 (S1)", if rest { "其余 " } else { "全部 " }),
            format!(
                "{}{zeros} count{} S1 ¥0.00 (S1)",
                if rest { "the other " } else { "all " },
                if zeros == 1 { "y" } else { "ies" }
            )
        ));
    }
    if skipped_counties > 0 {
        counties.push(tr!(
            lang,
            format!("{skipped_counties} 个县未计算（{SKIPPED_ZH}）"),
            format!(
                "{skipped_counties} count{} not computed ({SKIPPED_EN})",
                if skipped_counties == 1 { "y" } else { "ies" }
            )
        ));
    }
    o.kv(2, tr!(lang, "每县多一名县级干部", "+1 county cadre"), &counties.join("\n"));
    let w = gl
        .per_city_senior
        .iter()
        .map(|c| unicode_width::UnicodeWidthStr::width(c.city_name.as_str()))
        .max()
        .unwrap_or(0);
    let seniors: Vec<String> = gl
        .per_city_senior
        .iter()
        .map(|c| match (c.s1_delta, c.saved_elsewhere) {
            _ if c.skipped => tr!(
                lang,
                format!("{} 未计算（{SKIPPED_ZH}）", pad(&c.city_name, w)),
                format!("{} not computed ({SKIPPED_EN})", pad(&c.city_name, w))
            ),
            (Some(d), Some(s)) => tr!(
                lang,
                format!(
                    "{} S1 {:>12} (S1) = 新干部自身差旅 {} − 其他干部省下 {} (S1)",
                    pad(&c.city_name, w),
                    yuan_delta(d),
                    yuan_cents(d + s),
                    yuan_cents(s)
                ),
                format!(
                    "{} S1 {:>12} (S1) = the new cadre's own {} − saved on others {} (S1)",
                    pad(&c.city_name, w),
                    yuan_delta(d),
                    yuan_cents(d + s),
                    yuan_cents(s)
                )
            ),
            (Some(d), None) => format!("{} S1 {:>12} (S1)", pad(&c.city_name, w), yuan_delta(d)),
            _ => tr!(
                lang,
                format!("{} 没有满足全部硬规则的分组 (H1–H7)", pad(&c.city_name, w)),
                format!("{} no strict grouping (H1–H7)", pad(&c.city_name, w))
            ),
        })
        .collect();
    o.kv(2, tr!(lang, "每市多一名副处级干部", "+1 senior city cadre"), &seniors.join("\n"));
    if !gl.per_department_place.is_empty() {
        let w = gl
            .per_department_place
            .iter()
            .map(|d| unicode_width::UnicodeWidthStr::width(d.department.as_str()))
            .max()
            .unwrap_or(0);
        let deps: Vec<String> = gl
            .per_department_place
            .iter()
            .map(|d| {
                if d.skipped {
                    return tr!(
                        lang,
                        format!("{} 未计算（{SKIPPED_ZH}）", pad(&d.department, w)),
                        format!("{} not computed ({SKIPPED_EN})", pad(&d.department, w))
                    );
                }
                tr!(
                    lang,
                    format!(
                        "{} S1 {} (S1，H9 不约束分组) · 有人驻点的县·月 {:+} (S3a)",
                        pad(&d.department, w),
                        yuan_delta(d.s1_delta),
                        d.s3a_delta
                    ),
                    format!(
                        "{} S1 {} (S1: H9 does not constrain groups) · county-months with presence {:+} (S3a)",
                        pad(&d.department, w),
                        yuan_delta(d.s1_delta),
                        d.s3a_delta
                    )
                )
            })
            .collect();
        o.kv(2, tr!(lang, "部门每月多一个名额", "+1 department place"), &deps.join("\n"));
    }
}

// ---------------------------------------------------------------------------
// What-ifs.

/// A what-if's outcome as text; counties and cadres by code (see [`what_if_with`]).
pub fn what_if(r: &WhatIfResult, lang: Lang) -> String {
    what_if_with(r, lang, &Names::default())
}

/// A what-if's outcome as text, naming counties and cadres from `names`.
pub fn what_if_with(r: &WhatIfResult, lang: Lang, names: &Names) -> String {
    rule_words(what_if_coded(r, lang, names), lang)
}

fn what_if_coded(r: &WhatIfResult, lang: Lang, names: &Names) -> String {
    let mut o = Out::new();
    o.heading(&tr!(lang, format!("假设：{}", r.what_if), format!("What if: {}", r.what_if)));
    o.kv(2, tr!(lang, "之前的最优 S1", "Optimal S1 before"), &format!("{} (S1)", yuan_cents(r.s1_before)));
    if let Some(m) = &r.minimal {
        o.sub(tr!(lang, "在原方案上改动最少", "The plan before, changed as little as possible"));
        let others = m.changes.iter().filter(|c| c.kind != "group").count();
        o.kv(
            4,
            tr!(lang, "调整", "Changes"),
            &tr!(
                lang,
                format!("{} 人换组；{} 项乡镇、月份或工作日调整", m.moves.len(), others),
                format!("{} change group; {} townships, months or weekdays change", m.moves.len(), others)
            ),
        );
        o.kv(4, tr!(lang, "S1 变化", "S1 delta"), &format!("{} (S1)", yuan_delta(m.s1_delta)));
        let valid = if m.valid {
            tr!(
                lang,
                "是：检查器复核全部硬规则".to_string(),
                "yes: every hard rule re-verified by the checker".to_string()
            )
        } else {
            tr!(lang, format!("否：{}", m.violations.join("；")), format!("no: {}", m.violations.join("; ")))
        };
        o.kv(4, tr!(lang, "有效", "Valid"), &valid);
        o.kv(
            4,
            &tr!(lang, format!("换组（{} 人）", m.moves.len()), format!("Moves ({})", m.moves.len())),
            &moves_text(&m.moves, lang, names),
        );
        let rest: Vec<String> = m
            .changes
            .iter()
            .filter(|c| c.kind != "group")
            .map(|c| {
                let what = match (c.kind.as_str(), lang) {
                    ("township", Lang::Zh) => "联系乡镇",
                    ("months", Lang::Zh) => "下沉月份",
                    ("weekday", Lang::Zh) => "工作日",
                    (k, _) => k,
                };
                let (from, to) = if c.kind == "township" {
                    (names.township(&c.from, lang), names.township(&c.to, lang))
                } else {
                    (c.from.clone(), c.to.clone())
                };
                format!("{} {} {what}：{from} → {to}", names.cadre(&c.cadre, lang), c.year)
            })
            .collect();
        if !rest.is_empty() {
            o.kv(4, tr!(lang, "其他调整", "Other changes"), &rest.join("\n"));
        }
        o.sub(tr!(lang, "对照：重新求全省最优", "For comparison: a fresh optimal solve"));
    }
    match (r.s1_after, r.s1_delta) {
        (Some(after), Some(delta)) => {
            o.kv(2, tr!(lang, "之后的最优 S1", "Optimal S1 after"), &format!("{} (S1)", yuan_cents(after)));
            o.kv(2, tr!(lang, "S1 变化", "S1 delta"), &format!("{} (S1)", yuan_delta(delta)));
            let valid = if r.valid {
                tr!(
                    lang,
                    "是：检查器复核全部硬规则 (H1–H10)".to_string(),
                    "yes: every hard rule re-verified by the checker (H1–H10)".to_string()
                )
            } else {
                tr!(
                    lang,
                    format!("否：{} 项违规\n{}", r.violations.len(), r.violations.join("\n")),
                    format!("no: {} violation(s)\n{}", r.violations.len(), r.violations.join("\n"))
                )
            };
            o.kv(2, tr!(lang, "新计划有效", "New plan valid"), &valid);
            o.kv(
                2,
                tr!(lang, "已证明最优", "Proven optimal"),
                &tr!(
                    lang,
                    format!("{}（各阶段相对间隙 ≤ 1e-6）", yes(r.proven_optimal, lang)),
                    format!("{} (every stage within relative gap 1e-6)", yes(r.proven_optimal, lang))
                ),
            );
            let moves = moves_text(&r.moves, lang, names);
            o.kv(2, &tr!(lang, format!("调动（{} 人）", r.moves.len()), format!("Moves ({})", r.moves.len())), &moves);
        }
        _ => {
            o.kv(
                2,
                tr!(lang, "之后", "After"),
                tr!(
                    lang,
                    "没有满足全部硬规则的计划（严格模式），原因如下",
                    "no plan satisfies every hard rule (strict mode), because:"
                ),
            );
            o.s.push_str(&certificates_with(&r.certificates, lang, names));
            o.s.push('\n');
        }
    }
    o.finish()
}

/// The cadres who change group, one a line: "name from → to".
fn moves_text(moves: &[crate::Change], lang: Lang, names: &Names) -> String {
    if moves.is_empty() {
        return tr!(lang, "无：各人的组不变 (H1)".to_string(), "none: every cadre stays in its group (H1)".to_string());
    }
    let w = moves
        .iter()
        .map(|m| unicode_width::UnicodeWidthStr::width(names.cadre(&m.cadre, lang).as_str()))
        .max()
        .unwrap_or(0);
    let gone = tr!(lang, "（离开名册）", "(leaves the roster)");
    moves
        .iter()
        .map(|m| {
            let from = m.from.as_deref().map(|k| names.county(k, lang)).unwrap_or_else(|| gone.to_string());
            let to = m.to.as_deref().map(|k| names.county(k, lang)).unwrap_or_else(|| gone.to_string());
            format!("{} {from} → {to}", pad(&names.cadre(&m.cadre, lang), w))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// Certificates.

/// Infeasibility certificates with remedies in numbers; counties by code (see [`certificates_with`]).
pub fn certificates(certs: &[Certificate], lang: Lang) -> String {
    certificates_with(certs, lang, &Names::default())
}

/// Infeasibility certificates with remedies in numbers, naming counties and cadres from `names`.
pub fn certificates_with(certs: &[Certificate], lang: Lang, names: &Names) -> String {
    rule_words(certificates_coded(certs, lang, names), lang)
}

fn certificates_coded(certs: &[Certificate], lang: Lang, names: &Names) -> String {
    let mut o = Out::new();
    o.heading(&tr!(
        lang,
        format!("不可行：{} 份证明，每个数字都可从实例重新算出", certs.len()),
        format!("Infeasible: {} certificate(s), every number re-added from the instance", certs.len())
    ));
    for (i, c) in certs.iter().enumerate() {
        let (what, remedy) = certificate(c, lang, names);
        o.sub(&format!("{}. [{}] {}", i + 1, c.rule, kind_title(c.kind, lang)));
        o.kv(2, tr!(lang, "原因", "Why"), &what);
        if !c.counties.is_empty() {
            o.kv(2, tr!(lang, "涉及的县", "Counties"), &c.counties.join(" "));
        }
        if !c.cadres.is_empty() {
            o.kv(
                2,
                &tr!(
                    lang,
                    format!("计入的干部（{} 人）", c.cadres.len()),
                    format!("Cadres counted ({})", c.cadres.len())
                ),
                &wrap(&c.cadres, 10),
            );
        }
        o.kv(2, tr!(lang, "补救", "Remedy"), &remedy);
    }
    o.finish()
}

fn wrap(items: &[String], per_line: usize) -> String {
    items.chunks(per_line).map(|c| c.join(" ")).collect::<Vec<_>>().join("\n")
}

fn kind_title(kind: CertificateKind, lang: Lang) -> &'static str {
    match kind {
        CertificateKind::Coverage => tr!(lang, "乡镇覆盖不足", "coverage"),
        CertificateKind::SeniorLeaders => tr!(lang, "副处级以上组长不足", "senior leaders"),
        CertificateKind::UpperMembers => tr!(lang, "省市级成员不足", "mixed composition"),
        CertificateKind::TownshipLoad => tr!(lang, "乡镇容量不足", "township load"),
        CertificateKind::NoRoom => tr!(lang, "乡镇无空位", "no room"),
        CertificateKind::BlockMonths => tr!(lang, "可用月份不足", "block months"),
        CertificateKind::DepartmentCap => tr!(lang, "部门在外上限", "department cap"),
        CertificateKind::Joint => tr!(lang, "规则共同冲突", "joint conflict"),
        CertificateKind::Locks => tr!(lang, "锁定与规则冲突", "locks in conflict"),
    }
}

/// (what the certificate shows, the remedy in numbers).
/// One certificate's finding in `lang`, naming counties and cadres from `names`, its rule in
/// words (the first half of what [`certificates_with`] lists, without the remedy).
pub fn certificate_text(c: &Certificate, lang: Lang, names: &Names) -> String {
    rule_words(certificate(c, lang, names).0, lang)
}

fn certificate(c: &Certificate, lang: Lang, names: &Names) -> (String, String) {
    let r = &c.rule;
    let (need, supply) = (c.need, c.supply);
    let gap = need.saturating_sub(supply);
    let counties = names.county_list(&c.counties, lang);
    let n = c.counties.len();
    let year = c.year.map(|y| names.year(y, lang)).unwrap_or_default();
    let hall = |zh_need: &str, en_need: &str, zh_unit: &str, en_unit: &str, zh_more: &str, en_more: &str| {
        (
            tr!(
                lang,
                format!(
                    "{counties}（{n} 个县）需要 {need} {zh_unit}（{zh_need}），可派往其中任一县的 {} 名干部最多提供 {supply} {zh_unit} ({r})",
                    c.cadres.len()
                ),
                format!(
                    "the {n} count{} {counties} need {need} {en_unit} ({en_need}), the {} cadres eligible for any of them supply at most {supply} ({r})",
                    if n == 1 { "y" } else { "ies" },
                    c.cadres.len()
                )
            ),
            tr!(
                lang,
                format!("再让 {gap} {zh_more}可派往 {counties}（需要 {need}，供给 {supply}）({r})，或降低需求"),
                format!("{gap} more {en_more} eligible for {counties} (need {need}, supply {supply}) ({r}), or lower the need")
            ),
        )
    };
    match c.kind {
        CertificateKind::Coverage => hall(
            "每个乡镇一个干部·年",
            "one cadre-year per township",
            "个干部·年",
            "cadre-years",
            "个干部·年（在岗年数）",
            "cadre-years (cadres × active years)",
        ),
        CertificateKind::SeniorLeaders => hall(
            "每组一名副处级以上组长",
            "one senior leader each",
            "名副处级以上干部",
            "senior cadres",
            "名副处级以上干部",
            &format!("senior cadre{}", if gap == 1 { "" } else { "s" }),
        ),
        CertificateKind::UpperMembers => hall(
            "每组至少有省、市级成员",
            "the minimum of province/city members each",
            "名省、市级干部",
            "province/city cadres",
            "名省、市级干部",
            &format!("province/city cadre{}", if gap == 1 { "" } else { "s" }),
        ),
        CertificateKind::TownshipLoad => (
            tr!(
                lang,
                format!("{year}只能派往 {counties} 的 {need} 名干部都得进这些组，而这些县的乡镇一年最多容纳 {supply} 人 ({r})"),
                format!("in {year} the {need} cadres who can serve only in {counties} must all join those groups, but their townships hold at most {supply} a year ({r})")
            ),
            tr!(
                lang,
                format!("提高 max_cadres_per_township_year，或让其中 {gap} 名干部也可派往别处（需要 {need}，容量 {supply}）({r})"),
                format!("raise max_cadres_per_township_year, or let {gap} of these cadres serve elsewhere (need {need}, places {supply}) ({r})")
            ),
        ),
        CertificateKind::NoRoom => {
            let who = c.cadres.first().map(|id| names.cadre(id, lang)).unwrap_or_default();
            let others = c.cadres.len().saturating_sub(1);
            (
                tr!(
                    lang,
                    format!("{who} 只能派往 {counties}，而这些县的乡镇在其下沉的某一年已被只能派往该县的 {others} 名干部占满；干部两年留在同一组 (H1)，因此无处安排 ({r})"),
                    format!("{who} can serve only in {counties}, and in a year it serves each of them is filled by the {others} cadres who can serve nowhere else; a cadre keeps one group both years (H1), so it has no township ({r})")
                ),
                tr!(
                    lang,
                    format!("提高 max_cadres_per_township_year，或让该干部或占位的干部也可派往别处 ({r})"),
                    format!("raise max_cadres_per_township_year, or let this cadre or those filling the places serve elsewhere ({r})")
                ),
            )
        }
        CertificateKind::BlockMonths => {
            let who = c.cadres.first().map(|id| names.cadre(id, lang)).unwrap_or_default();
            (
                tr!(
                    lang,
                    format!("{who} {year}需要 {need} 个驻点月，窗口内只有 {supply} 个月可用 ({r})"),
                    format!("{who} needs {need} block months in {year} but is available in only {supply} window months ({r})")
                ),
                tr!(
                    lang,
                    format!("清除至少 {gap} 个不可用月份（需要 {need}，可用 {supply}）({r})，或改变其工作方式"),
                    format!("clear at least {gap} unavailable month{} (need {need}, available {supply}) ({r}), or change the cadre's mode", if gap == 1 { "" } else { "s" })
                ),
            )
        }
        CertificateKind::DepartmentCap => {
            let dep = c.department.clone().unwrap_or_default();
            (
                tr!(
                    lang,
                    format!("部门 {dep} {year}需要 {need} 个驻点月，按每月在外上限、在成员可用的月份里最多安排 {supply} 个 ({r})"),
                    format!("department {dep} needs {need} block months in {year}, but its monthly cap over the months its members are available allows only {supply} ({r})")
                ),
                tr!(
                    lang,
                    format!("让容量再多 {gap} 个驻点月：提高 max_department_away_share 或清除不可用月份（需要 {need}，容量 {supply}）({r})"),
                    format!("{gap} more block month{} of capacity: raise max_department_away_share or clear unavailable months (need {need}, capacity {supply}) ({r})", if gap == 1 { "" } else { "s" })
                ),
            )
        }
        CertificateKind::Locks => {
            let words = c.locks.iter().map(|&i| names.lock(i, lang)).collect::<Vec<_>>().join(tr!(lang, "；", "; "));
            let list = match lang {
                Lang::Zh => format!("第 {} 项", c.locks.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join("、")),
                Lang::En => c.locks.iter().map(|i| format!("locks[{i}]")).collect::<Vec<_>>().join(", "),
            };
            let one = c.locks.len() == 1;
            (
                tr!(
                    lang,
                    format!("锁定 {words} 同时成立时与规则冲突，每一项都是冲突的一部分 ({r})"),
                    format!("the lock{} {words} cannot hold together with the rules{} ({r})", if one { "" } else { "s" }, if one { "" } else { ", each being part of the conflict" })
                ),
                tr!(
                    lang,
                    if one { format!("解除{list}锁定 ({r})") } else { format!("解除{list}锁定中的任意一项即可消除这一冲突 ({r})") },
                    if one { format!("lift the lock {list} ({r})") } else { format!("lift any one of {list} ({r})") }
                ),
            )
        }
        CertificateKind::Joint => (
            tr!(
                lang,
                "覆盖 (H7)、组长 (H3)、混合编组 (H4)、乡镇容量 (H6) 单独都能满足，但同一批干部要同时满足几条，合起来无解；HiGHS 在 S1 模型上证明了这一点 (H1–H7)".to_string(),
                c.message.clone()
            ),
            tr!(
                lang,
                "用 --mode best-effort 求出尽量满足的计划，看缺在哪里 (H1–H7)".to_string(),
                "run with --mode best-effort to see which goals can be met (H1–H7)".to_string()
            ),
        ),
    }
}

/// Each rule by its words, with its id beside it ("（带队组长·H3）"), in the Chinese text: the
/// planners read the rule, the id stays for tracing it to PLANNING_RULES.
pub const RULE_WORDS: [(&str, &str); 27] = [
    ("H1", "一人一组"),
    ("H2", "就近派驻"),
    ("H3", "带队组长"),
    ("H4", "混合编组"),
    ("H5", "一年一个乡镇"),
    ("H6", "乡镇人数上限"),
    ("H7", "两年全覆盖"),
    ("H8", "集中下沉月份"),
    ("H9", "部门在外上限"),
    ("H10", "每周工作日"),
    ("A1", "每市省级干部下限"),
    ("A2", "每组省级干部上限"),
    ("A3", "部门分散到市"),
    ("S1", "分组费用"),
    ("S2", "特长与重点乡镇"),
    ("S3a", "每月有人在岗"),
    ("S3b", "工作日错开"),
    ("§4", "费用规则"),
    ("P1", "锁定县区"),
    ("P2", "排除县区"),
    ("P3", "指定组长"),
    ("P4", "不任组长"),
    ("P5", "锁定乡镇"),
    ("P6", "排除乡镇"),
    ("P7", "锁定月份"),
    ("P8", "排除月份"),
    ("P9", "锁定工作日"),
];

/// A rule id with its words in Chinese ("带队组长·H3"), the id alone in English.
pub fn rule_label(rule: &str, lang: Lang) -> String {
    match RULE_WORDS.iter().find(|(id, _)| *id == rule) {
        Some((_, words)) if lang == Lang::Zh => format!("{words}·{rule}"),
        _ => rule.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Plan versions compared.

/// `name（code）`, the code alone without a name, "—" for nothing.
fn named(code: &str, name: &str, lang: Lang) -> String {
    match (code.is_empty(), name.is_empty()) {
        (true, _) => "—".into(),
        (false, true) => code.to_string(),
        (false, false) => tr!(lang, format!("{name}（{code}）"), format!("{name} ({code})")),
    }
}

/// A leadership in words: not a leader, leads a county, or led it until a day.
fn role(county: &str, name: &str, until: Option<chrono::NaiveDate>, lang: Lang) -> String {
    let k = if name.is_empty() { county } else { name };
    match (county.is_empty(), until) {
        (true, _) => tr!(lang, "不任组长".to_string(), "not a leader".to_string()),
        (false, None) => tr!(lang, format!("任{k}组长"), format!("leads {k}")),
        (false, Some(d)) => tr!(lang, format!("任{k}组长至 {d}"), format!("leads {k} until {d}")),
    }
}

/// ` (text)` in English, `（text）` in Chinese.
fn paren(text: &str, lang: Lang) -> String {
    tr!(lang, format!("（{text}）"), format!(" ({text})"))
}

/// Block months "2027-03 2027-04" as a list, "—" for none.
fn month_list(months: &str, lang: Lang) -> String {
    if months.is_empty() {
        "—".into()
    } else {
        months.split(' ').collect::<Vec<_>>().join(sep(lang))
    }
}

/// One change of a cadre as "what: before → after".
pub fn diff_change(c: &crate::diff::DiffChange, lang: Lang) -> (String, String, String) {
    use crate::diff::ChangeKind as K;
    let year = c.year.unwrap_or_default();
    let day = |d: &str| match d.parse::<Weekday>() {
        Ok(w) => weekday(w, lang).to_string(),
        Err(_) if d.is_empty() => "—".into(),
        Err(_) => d.to_string(),
    };
    match c.kind {
        K::Group => (
            tr!(lang, "工作组", "Group").to_string(),
            named(&c.from, &c.from_name, lang),
            named(&c.to, &c.to_name, lang),
        ),
        K::Leader => (
            tr!(lang, "组长", "Leader").to_string(),
            role(&c.from, &c.from_name, c.from_until, lang),
            role(&c.to, &c.to_name, c.to_until, lang),
        ),
        K::Township => (
            tr!(lang, format!("{year} 年联系乡镇"), format!("Township {year}")),
            named(&c.from, &c.from_name, lang),
            named(&c.to, &c.to_name, lang),
        ),
        K::Months => (
            tr!(lang, format!("{year} 年集中下沉月份"), format!("Block months {year}")),
            month_list(&c.from, lang),
            month_list(&c.to, lang),
        ),
        K::Weekday => (tr!(lang, format!("{year} 年每周下沉日"), format!("Weekday {year}")), day(&c.from), day(&c.to)),
    }
}

/// One row per change for a table: name, id, unit, what, before, after (a leave is one row).
pub fn diff_rows(d: &crate::diff::PlanDiff, lang: Lang) -> Vec<[String; 6]> {
    let mut out = Vec::new();
    for c in &d.cadres {
        let row =
            |what: String, from: String, to: String| [c.name.clone(), c.cadre.clone(), c.unit.clone(), what, from, to];
        for ch in &c.changes {
            let (what, from, to) = diff_change(ch, lang);
            out.push(row(what, from, to));
        }
        let until = c.until.map(|d| d.to_string()).unwrap_or_default();
        match c.status {
            crate::diff::CadreStatus::Leaves => out.push(row(
                tr!(lang, "离岗", "Leaves").into(),
                tr!(lang, "在岗", "in service").into(),
                tr!(lang, format!("{until} 起离岗"), format!("leaves on {until}")),
            )),
            crate::diff::CadreStatus::Removed if c.changes.is_empty() => out.push(row(
                tr!(lang, "人员", "Person").into(),
                tr!(lang, "在方案中", "in the plan").into(),
                tr!(lang, "不在新方案中", "not in the new version").into(),
            )),
            _ => {}
        }
    }
    out
}

/// Two plan versions compared, as text: per person what changed, leaders per group, cost
/// per dispatching unit (those whose cost moves), the totals and the stage objectives.
pub fn plan_diff(d: &crate::diff::PlanDiff, lang: Lang) -> String {
    use crate::diff::CadreStatus;
    let mut o = Out::new();
    o.heading(tr!(lang, "两版方案对比", "Two plan versions compared"));
    if d.is_empty() {
        let _ = writeln!(
            o.s,
            "{}",
            tr!(
                lang,
                "两版相同：没有人员、组长或费用变化。",
                "The versions are the same: no person, leader or cost changed."
            )
        );
    }
    let (n, m) = (d.changes, d.cadres.len());
    o.kv(2, tr!(lang, "变更", "Changes"), &tr!(lang, format!("{n} 项，涉及 {m} 人"), format!("{n}, of {m} people")));
    if !d.cadres.is_empty() {
        o.sub(tr!(lang, "人员变化", "Per person"));
        for c in &d.cadres {
            let until = c.until.map(|d| d.to_string()).unwrap_or_default();
            let status = match c.status {
                CadreStatus::Changed => String::new(),
                CadreStatus::Added => tr!(lang, "，新方案新增", "; only in the new version").to_string(),
                CadreStatus::Removed => tr!(lang, "，不在新方案中", "; not in the new version").to_string(),
                CadreStatus::Leaves => tr!(
                    lang,
                    format!("，{until} 起离岗，此后的安排不再列出"),
                    format!("; leaves on {until}, its decisions from then on are dropped")
                ),
            };
            let who = if c.name == c.cadre {
                c.cadre.clone()
            } else {
                format!("{}{}{}", c.name, tr!(lang, "（", " ("), c.cadre)
            };
            let _ = if c.name == c.cadre {
                writeln!(o.s, "  {who}{}{}{status}{}", tr!(lang, "（", " ("), c.unit, tr!(lang, "）", ")"))
            } else {
                writeln!(o.s, "  {who}{}{}{status}{}", tr!(lang, "，", ", "), c.unit, tr!(lang, "）", ")"))
            };
            for ch in &c.changes {
                let (what, from, to) = diff_change(ch, lang);
                let _ = writeln!(o.s, "    {what}{}{from} → {to}", tr!(lang, "：", ": "));
            }
        }
    }
    if !d.groups.is_empty() {
        o.sub(tr!(lang, "组长变化", "Leaders"));
        let who = |id: &Option<String>, name: &Option<String>| match id {
            Some(id) => named(id, name.as_deref().unwrap_or(""), lang),
            None => tr!(lang, "无组长", "none").to_string(),
        };
        for g in &d.groups {
            let _ = writeln!(
                o.s,
                "  {}{}{} → {}",
                g.county_name,
                tr!(lang, "：", ": "),
                who(&g.leader_from, &g.leader_from_name),
                who(&g.leader_to, &g.leader_to_name)
            );
        }
    }
    o.sub(tr!(lang, "派出单位费用（差旅＋食宿）", "Cost per dispatching unit (travel + stay)"));
    let moved: Vec<_> = d.units.iter().filter(|u| u.delta.abs() >= 0.005).collect();
    for u in &moved {
        let _ = writeln!(
            o.s,
            "  {}{}{} → {}（{}）",
            u.unit,
            tr!(lang, "：", ": "),
            yuan_cents(u.before),
            yuan_cents(u.after),
            yuan_delta(u.delta)
        );
    }
    let same = d.units.len() - moved.len();
    if same > 0 {
        let _ = writeln!(
            o.s,
            "  {}",
            tr!(lang, format!("其余 {same} 个单位费用不变"), format!("{same} other unit(s) unchanged"))
        );
    }
    let t = &d.totals;
    let from_to = |before: f64, after: f64| {
        format!("{} → {}{}", yuan_cents(before), yuan_cents(after), paren(&yuan_delta(after - before), lang))
    };
    o.kv(2, tr!(lang, "差旅", "Travel"), &from_to(t.travel_before, t.travel_after));
    o.kv(2, tr!(lang, "食宿", "Stay"), &from_to(t.stay_before, t.stay_after));
    o.kv(2, tr!(lang, "合计", "Total"), &from_to(t.before, t.after));
    if !d.stages.is_empty() {
        o.sub(tr!(lang, "各阶段目标值", "Stage objectives"));
        let num = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "—".into());
        for s in &d.stages {
            let name = sanlian_model::msg::stage_name(&s.id, &s.name, lang);
            let delta = s
                .delta
                .map(|v| paren(&format!("{}{:.2}", if v >= 0.0 { "+" } else { "−" }, v.abs()), lang))
                .unwrap_or_default();
            let _ = writeln!(
                o.s,
                "  {:<3} {name}{}{} → {}{delta}",
                s.id,
                tr!(lang, "：", ": "),
                num(s.before),
                num(s.after)
            );
        }
    }
    o.finish()
}

fn rule_words(text: String, lang: Lang) -> String {
    if lang != Lang::Zh {
        return text;
    }
    let mut out = text;
    for (id, words) in RULE_WORDS {
        let plain = format!("（{words}·{id}）");
        out = out.replace(&format!(" ({id})"), &plain).replace(&format!("({id})"), &plain);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_formats() {
        assert_eq!(yuan(14095.2), "¥14,095");
        assert_eq!(yuan(-1234.0), "¥-1,234");
        assert_eq!(yuan(0.0), "¥0");
        assert_eq!(yuan(999.6), "¥1,000");
        assert_eq!(yuan_cents(14095.2), "¥14,095.20");
        assert_eq!(yuan_cents(-1234.5), "¥-1,234.50");
        assert_eq!(yuan_cents(1_234_567.891), "¥1,234,567.89");
        assert_eq!(yuan_delta(904.8), "+¥904.80");
        assert_eq!(yuan_delta(-12.0), "-¥12.00");
        assert_eq!(yuan_delta(0.001), "¥0.00");
    }

    #[test]
    fn eligibility_in_chinese() {
        assert_eq!(
            eligibility("H2: county seats within 80 km of the unit", Lang::Zh),
            "H2：县城距单位 80 km 以内的县（就近就便）"
        );
        assert_eq!(
            eligibility("H2: no county seat within 80 km of the unit, so the nearest county (93.2 km)", Lang::Zh),
            "H2：单位 80 km 内没有县城，就近派往最近的县（93.2 km）"
        );
        assert_eq!(
            eligibility("H2: city level, the counties of 东营市", Lang::Zh),
            "H2：市级干部，可派往东营市的各县（市、区）"
        );
        assert_eq!(eligibility("something else", Lang::Zh), "something else");
    }

    #[test]
    fn senior_certificate_names_the_remedy() {
        let c = Certificate {
            rule: "H3".into(),
            kind: CertificateKind::SeniorLeaders,
            counties: vec!["370502".into(), "370503".into()],
            cadres: vec!["C0501".into()],
            department: None,
            year: None,
            day: None,
            need: 2,
            supply: 1,
            locks: Vec::new(),
            message: String::new(),
        };
        let en = certificates(std::slice::from_ref(&c), Lang::En);
        assert!(en.contains("1 more senior cadre eligible for 370502, 370503 (need 2, supply 1)"), "{en}");
        let zh = certificates(&[c], Lang::Zh);
        assert!(zh.contains("再让 1 名副处级以上干部可派往"), "{zh}");
    }
}
