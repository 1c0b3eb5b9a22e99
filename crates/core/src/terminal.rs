//! Text from outside (a pasted token, a provider's claims and error pages) shown on a terminal:
//! control characters shown escaped, so a value cannot move the cursor, clear the screen, set the
//! window title, write the clipboard (OSC 52) or reorder what is read (bidirectional overrides).
//! JSON output does not need this: JSON escapes control characters itself and stays exact.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls (ESC, BEL, CR, LF, TAB...), DEL,
/// C1 controls (U+0080–U+009F, of which U+009B is a one-character CSI) and the Unicode
/// bidirectional controls that reorder the text around them.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\u001b` (JSON's escape, four hex digits).
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_but(text, |_| false)
}

/// As [`escape`], keeping line breaks: for a whole document whose lines are its own (Markdown).
pub fn escape_keeping_lines(text: &str) -> Cow<'_, str> {
    escape_but(text, |c| c == '\n')
}

fn escape_but(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && !keep(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_the_rest_kept() {
        assert!(matches!(escape("Ada Lovelace ✓ é"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\u{1b}]52;c;eA==\u{7}b\u{9b}1m\u{202e}c\td\ne\u{7f}"),
            r"a\u001b]52;c;eA==\u0007b\u009b1m\u202ec\u0009d\u000ae\u007f"
        );
        assert_eq!(escape_keeping_lines("a\u{1b}\nb"), "a\\u001b\nb");
    }
}
