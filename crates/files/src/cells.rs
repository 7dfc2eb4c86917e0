//! CSV cells that spreadsheet programs cannot run (formula injection, OWASP): a text that a
//! spreadsheet would read as a formula gets a leading `'`, and reading it back removes
//! exactly that one `'`, so a round trip through CSV keeps every value as it was.

use std::borrow::Cow;

/// Characters with which a spreadsheet cell starts a formula (or hides one behind a tab or
/// a carriage return).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Does `s`, after any leading `'`s, start with a formula trigger?
fn armed(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(TRIGGERS)
}

/// A cell to write: `s` itself, or `'s` when a spreadsheet would take `s` for a formula. A
/// plain number (`-33.9`) is left alone: it is a value, not a formula.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if armed(s) && s.parse::<f64>().is_err() {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A cell as read: the value [`neutralise`] was given (one leading `'` removed where it added one).
pub fn restore(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if armed(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_come_back_exactly() {
        for s in
            ["=1+1", "+86", "@SUM(A1)", "-x", "\t=1", "'=1", "''-a", "'plain", "plain", "-33.9", "", "张三", "=", "'"]
        {
            let written = neutralise(s);
            assert!(!written.starts_with(TRIGGERS) || written.parse::<f64>().is_ok(), "{written:?}");
            assert_eq!(restore(&written), s, "{s:?} → {written:?}");
        }
        assert_eq!(neutralise("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(neutralise("-33.9"), "-33.9");
    }
}
