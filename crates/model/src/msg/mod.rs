//! Messages for people, in either of the planners' languages.
//!
//! Every message a planner can meet (a server error, a validation problem, a best-effort
//! shortfall, an event that cannot apply) is a [`Msg`]: a stable code and named arguments.
//! Its text is rendered only when it is shown, in the reader's [`Lang`], from one
//! [`CATALOG`] entry holding both the Chinese and the English template. A template names
//! its arguments in braces, `{county}`; arguments are plain text (names, codes, numbers).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Language of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// Chinese (the default: the planners' language).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language an HTTP `Accept-Language` header (or a `lang` option) asks for: English
    /// when English is listed before any Chinese, Chinese otherwise (and when absent).
    pub fn from_accept(header: Option<&str>) -> Lang {
        let Some(h) = header else { return Lang::Zh };
        for part in h.split(',') {
            let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }

    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// A message: a catalogue code and its arguments, rendered with [`Msg::text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    /// The [`CATALOG`] code, e.g. `shortfall.h3_not_senior`.
    pub code: String,
    /// Named arguments, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, Arg)>,
}

/// An argument of a message: plain text (a name, a code, a number), or a message of its own,
/// rendered in the same language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// Shown as is.
    Text(String),
    /// Rendered in the reader's language.
    Msg(Msg),
}

impl Msg {
    /// A message with no arguments yet.
    pub fn new(code: &str) -> Msg {
        Msg { code: code.to_string(), args: Vec::new() }
    }

    /// The message with one more argument, shown as is.
    pub fn arg(mut self, name: &str, value: impl fmt::Display) -> Msg {
        self.args.push((name.to_string(), Arg::Text(value.to_string())));
        self
    }

    /// The message with one more argument that is a message of its own.
    pub fn arg_msg(mut self, name: &str, value: Msg) -> Msg {
        self.args.push((name.to_string(), Arg::Msg(value)));
        self
    }

    /// The message with a noun of the catalogue (`noun.<what>`, e.g. `instance` → 实例), or
    /// `what` as is when the catalogue has no such noun.
    pub fn noun(self, name: &str, what: &str) -> Msg {
        let code = format!("noun.{what}");
        if entry(&code).is_some() {
            self.arg_msg(name, Msg::new(&code))
        } else {
            self.arg(name, what)
        }
    }

    /// The text of argument `name` in `lang`, if given.
    pub fn get(&self, name: &str, lang: Lang) -> Option<String> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v.text(lang))
    }

    /// The text in `lang`. An unknown code (e.g. from a newer plan file) is shown as its code
    /// and arguments, so that nothing is lost.
    pub fn text(&self, lang: Lang) -> String {
        match entry(&self.code) {
            Some(e) => fill(if lang == Lang::Zh { e.zh } else { e.en }, &self.args, lang),
            None => {
                let args: Vec<String> = self.args.iter().map(|(k, v)| format!("{k}={}", v.text(lang))).collect();
                format!("{} {}", self.code, args.join(" ")).trim_end().to_string()
            }
        }
    }
}

impl fmt::Display for Msg {
    /// The English text (logs, and callers that have no reader's language).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Arg {
    /// The argument's text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Arg::Text(t) => t.clone(),
            Arg::Msg(m) => m.text(lang),
        }
    }
}

/// One catalogue entry: a code and its two templates.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// Stable code.
    pub code: &'static str,
    /// Chinese template.
    pub zh: &'static str,
    /// English template.
    pub en: &'static str,
}

fn entry(code: &str) -> Option<&'static Entry> {
    entries().find(|e| e.code == code)
}

/// `template` with each `{name}` replaced by its argument (left as is when not given).
fn fill(template: &str, args: &[(String, Arg)], lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(&v.text(lang)),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// A table of catalogue entries: `catalog!(NAME, "code" => "中文", "English"; …)`.
macro_rules! catalog {
    ($name:ident, $($code:literal => $zh:literal, $en:literal;)*) => {
        /// Catalogue entries: code, Chinese and English template.
        pub const $name: &[$crate::msg::Entry] = &[$($crate::msg::Entry { code: $code, zh: $zh, en: $en }),*];
    };
}

mod api;
mod input;
mod plan;
mod roster;

/// Every table of the catalogue: plans (shortfalls), inputs (validation, events, rosters)
/// and the service's answers.
pub const CATALOG: &[&[Entry]] = &[plan::PLAN, input::INPUT, roster::ROSTER, api::API];

/// A solver stage's name in `lang` (catalogue `stage.<id>`); `fallback` (the solver's own
/// English name) for a stage the catalogue does not know, and in English.
pub fn stage_name(id: &str, fallback: &str, lang: Lang) -> String {
    match entry(&format!("stage.{id}")) {
        Some(e) if lang == Lang::Zh => e.zh.to_string(),
        _ => fallback.to_string(),
    }
}

/// Every entry of the catalogue.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    CATALOG.iter().flat_map(|t| t.iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_both_templates_name_the_same_arguments() {
        let mut seen = HashSet::new();
        for e in entries() {
            assert!(seen.insert(e.code), "code {} is in the catalogue twice", e.code);
            let mut zh = placeholders(e.zh);
            let mut en = placeholders(e.en);
            zh.sort_unstable();
            zh.dedup();
            en.sort_unstable();
            en.dedup();
            assert_eq!(zh, en, "{}: the zh and en templates name different arguments", e.code);
            assert!(!e.zh.trim().is_empty() && !e.en.trim().is_empty(), "{}: an empty template", e.code);
        }
    }

    #[test]
    fn chinese_templates_hold_no_english_words() {
        let mut bad = Vec::new();
        for e in entries() {
            let mut text = e.zh.to_string();
            for p in placeholders(e.zh) {
                text = text.replace(&format!("{{{p}}}"), "");
            }
            let words = english_words(&without_paths(&text));
            if !words.is_empty() {
                bad.push(format!("{}: {words:?}", e.code));
            }
        }
        assert!(bad.is_empty(), "English in the Chinese templates: {bad:#?}");
    }

    /// `text` without the URL paths and command-line options it names (/api/openapi.json,
    /// --body-limit): they are typed as they are, not translated.
    fn without_paths(text: &str) -> String {
        let mut out = String::new();
        let (mut in_path, mut prev) = (false, ' ');
        for c in text.chars() {
            let starts = c == '/' || (c == '-' && prev == '-');
            in_path = (in_path || starts) && c.is_ascii_graphic();
            prev = c;
            if !in_path {
                out.push(c);
            }
        }
        out
    }

    /// Runs of two or more ASCII letters that are not rule ids, file kinds or API names.
    fn english_words(text: &str) -> Vec<String> {
        const ALLOWED: [&str; 13] =
            ["CSV", "JSON", "xlsx", "xls", "ods", "et", "ics", "API", "DELETE", "GET", "UTF", "GBK", "id"];
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2)
            .filter(|w| !ALLOWED.contains(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn rendering_fills_arguments_in_either_language() {
        let m = Msg::new("shortfall.h3_no_leader").arg("county", "河口区");
        assert_eq!(m.text(Lang::Zh), "河口区没有组长，因为该县没有工作组（见 H1）");
        assert_eq!(m.text(Lang::En), "河口区 has no leader because its group is empty (see H1)");
        assert_eq!(m.to_string(), m.text(Lang::En));
        let nested = Msg::new("shortfall.h1_gap").arg("day", "2027-03-01").arg_msg("county", Msg::new("noun.instance"));
        assert_eq!(nested.text(Lang::Zh), "自 2027-03-01 起实例工作组没有在岗成员：当时能去该县的干部都被安排在别处");
        let round: Msg = serde_json::from_str(&serde_json::to_string(&nested).unwrap()).unwrap();
        assert_eq!(round, nested);
        let unknown = Msg::new("future.code").arg("x", 1);
        assert_eq!(unknown.text(Lang::Zh), "future.code x=1");
    }

    #[test]
    fn accept_language_picks_english_only_when_asked_first() {
        assert_eq!(Lang::from_accept(None), Lang::Zh);
        assert_eq!(Lang::from_accept(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::from_accept(Some("fr, en;q=0.5")), Lang::En);
        assert_eq!(Lang::from_accept(Some("fr")), Lang::Zh);
    }
}
