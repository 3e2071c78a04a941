//! Text from evidence made safe to show on a terminal.
//!
//! An export's values, record keys and file names reach the human output and the diagnostics. A raw ESC, BEL,
//! BS or CR there can retitle the terminal (OSC), clear the screen or overwrite a line, and a bidirectional
//! override (U+202A–U+202E, U+2066–U+2069) can make a line read as something it is not. [`visible`] writes
//! every such character as a visible `\u{..}` escape, so what is shown is what the file holds.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: a control character (C0, DEL, C1) or a bidirectional
/// formatting character.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `s` with every unsafe character (newlines and tabs included) escaped as `\u{hex}`: for one-line text such as
/// a record key or a file name.
pub fn visible(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// [`visible`] keeping newlines and tabs, for text shown over several lines (a snippet, an HTML cell).
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_and_bidi_overrides_are_shown_not_obeyed() {
        assert_eq!(visible("plain é 日本"), "plain é 日本");
        assert_eq!(visible("\u{1b}]0;owned\u{7}x"), "\\u{1b}]0;owned\\u{7}x");
        assert_eq!(visible("a\rb\u{8}c\nd"), "a\\u{d}b\\u{8}c\\u{a}d");
        assert_eq!(visible("admin\u{202e}gpj.exe"), "admin\\u{202e}gpj.exe");
        assert_eq!(visible("\u{2066}x\u{2069}\u{9b}"), "\\u{2066}x\\u{2069}\\u{9b}");
        assert_eq!(visible_lines("a\n\tb\u{1b}"), "a\n\tb\\u{1b}");
    }
}
