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

/// `text` with every character [`printable`] would escape replaced by as many `?` as it has
/// bytes (a carriage return by a space): the same length, so byte spans into it still hold. For
/// a file shown as a diagnostic's source snippet, which must not act on the terminal either.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' => out.push(' '),
            c if needs_escape(c) => out.extend(std::iter::repeat_n('?', c.len_utf8())),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{inert, printable};

    #[test]
    fn inert_text_keeps_its_length_and_acts_on_nothing() {
        let text = "a\u{1b}]0;title\u{7}b\r\n\u{9b}c\u{202e}d\n\te";
        let shown = inert(text);
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "a?]0;title?b \n??c???d\n\te");
        assert!(matches!(inert("plain ✓\n"), std::borrow::Cow::Borrowed(_)));
    }
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
