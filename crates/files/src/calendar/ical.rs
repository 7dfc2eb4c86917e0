//! iCalendar content lines: text escaping, folding at 75 octets, CRLF line ends.

/// Longest content line, in octets, before it is folded (RFC 5545 §3.1).
const MAX_OCTETS: usize = 75;

/// An iCalendar document being written.
pub(super) struct Ical {
    out: String,
}

impl Ical {
    pub(super) fn new() -> Ical {
        Ical { out: String::new() }
    }

    /// Write `name:value` as it is (the value must already be valid for the property);
    /// control characters, which no content line may hold (RFC 5545 §3.1), are dropped.
    pub(super) fn line(&mut self, name: &str, value: &str) {
        let line: String = format!("{name}:{value}").chars().filter(|c| !c.is_control() || *c == '\t').collect();
        fold(&mut self.out, &line);
    }

    /// Write a TEXT property, escaping its value.
    pub(super) fn text(&mut self, name: &str, value: &str) {
        self.line(name, &escape(value));
    }

    pub(super) fn finish(self) -> String {
        self.out
    }
}

/// TEXT value escaping: backslash, semicolon, comma and newline (other control characters,
/// such as NUL, are dropped by [`Ical::line`]).
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Append `line` folded into physical lines of at most 75 octets (continuations start with
/// a space), never splitting a UTF-8 character, each ended by CRLF.
fn fold(out: &mut String, line: &str) {
    let mut room = MAX_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            room = MAX_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a\\b;c,d\ne\r\n"), "a\\\\b\\;c\\,d\\ne\\n");
    }

    #[test]
    fn control_characters_never_reach_a_line() {
        let mut ical = Ical::new();
        ical.text("SUMMARY", "张\u{0}三\u{7}\u{1b}[31m");
        ical.line("UID", "P\u{0}1");
        let out = ical.finish();
        assert_eq!(out, "SUMMARY:张三[31m\r\nUID:P1\r\n");
    }

    #[test]
    fn folds_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        let value = "三联四促".repeat(30);
        fold(&mut out, &format!("SUMMARY:{value}"));
        assert!(out.ends_with("\r\n"));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{value}"));
        let mut short = String::new();
        fold(&mut short, "VERSION:2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }
}
