//! Text for a terminal. Names and messages that come from outside (imported reports, Trivy's
//! stderr, registry errors) may hold terminal escapes (ESC, BEL, other C0 and C1 controls) or
//! bidirectional overrides that make a line read as something else; on stdout and stderr they
//! are shown visibly escaped (`\u{1b}`), never acted on. Newlines and tabs are kept.

use std::borrow::Cow;

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        // Bidirectional embeddings, overrides and isolates ("Trojan Source").
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every control character but newline and tab, and every bidi control, escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::printable;
    use proptest::prelude::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(
            printable("a\u{1b}]0;title\u{7}b\r\u{9b}c\u{202e}d\n\te"),
            "a\\u{1b}]0;title\\u{7}b\\u{d}\\u{9b}c\\u{202e}d\n\te"
        );
        assert!(matches!(
            printable("plain ✓\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    proptest! {
        #[test]
        fn nothing_a_terminal_acts_on_survives(text in any::<String>()) {
            let shown = printable(&text);
            prop_assert!(!shown.chars().any(super::needs_escape));
        }
    }
}
