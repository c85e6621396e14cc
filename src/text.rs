//! Text a user wrote (channel, group, class and scenario names, swept values, file names), made safe where
//! it leaves the program: in a CSV cell, where a spreadsheet must not run it as a formula, and on a terminal,
//! where a control character must not act. Every CSV writer and every terminal printer goes through these
//! two functions; numbers never do.

use std::borrow::Cow;

/// A text cell of a CSV file, ready to be written between the commas. Two steps, in this order:
/// - OWASP's advice on CSV injection: text starting with `=`, `+`, `-`, `@`, a tab or a carriage return (a
///   channel named `=HYPERLINK("http://x")` or a group named `+cmd|calc`) gets a leading `'`, so a
///   spreadsheet opening the file shows it as text instead of evaluating it;
/// - RFC 4180: the cell is quoted (inner quotes doubled) when it holds a comma, a quote or a line break.
///
/// Only for text: a number is written as Rust prints it and never passes here, so `-5` stays `-5`. A plain
/// name comes back unchanged and unquoted (borrowed, no allocation).
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let inert: Cow<'_, str> = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if inert.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", inert.replace('"', "\"\"")))
    } else {
        inert
    }
}

/// Text as it may be shown on a terminal: control characters a name can carry (NUL, ESC starting a terminal
/// escape sequence, a bell, a carriage return that would overwrite the line) and the bidirectional overrides
/// that reorder what is shown (U+202A..U+202E, U+2066..U+2069) are written visibly as `\u{1b}`; line breaks
/// and tabs stay, since messages and tables are made of them.
pub fn printable(text: &str) -> Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if hidden(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_a_spreadsheet_would_evaluate_gets_a_quote_mark_and_csv_quoting() {
        let cases = [
            // Plain names pass unchanged: the shipped scenarios' CSVs stay byte for byte.
            ("phone", "phone"),
            ("agents", "agents"),
            ("a-b", "a-b"),
            ("", ""),
            // OWASP's first characters.
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+cmd|calc", "'+cmd|calc"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            // RFC 4180 alone.
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            // Both.
            ("=1,2", "\"'=1,2\""),
        ];
        for (text, cell) in cases {
            assert_eq!(csv_cell(text), cell, "{text:?}");
        }
        assert!(matches!(csv_cell("phone"), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(
            printable("channel \"a\u{1b}[31mb\u{0}\"\nnext\tline\r\u{7}"),
            "channel \"a\\u{1b}[31mb\\u{0}\"\nnext\tline\\u{d}\\u{7}"
        );
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
        assert!(matches!(printable("plain ± 1.0 s"), Cow::Borrowed(_)));
    }
}
