//! Cells that spreadsheets and terminals would act on, made inert.
//!
//! In: the text of one output cell, or of one message. Out: the same text as a CSV cell
//! that Excel, LibreOffice and Google Sheets show as text instead of running it as a
//! formula ([`formula_safe`], read back by [`formula_restore`]), and as text for a
//! terminal or log line with its control characters escaped ([`printable`]).
//!
//! The formula rule is the one OWASP gives for CSV injection: a cell that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`. Numbers (`-5`,
//! `+62`, `-0.25`) and a lone `-` are left as they are: a spreadsheet reads them as the
//! numbers and the text they are.
//! A cell that already began with `'` before such a character gets one more, so that
//! reading back always gives the original text.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet would run `cell` (after any leading apostrophes) as a formula.
fn triggers(cell: &str) -> bool {
    let rest = cell.trim_start_matches('\'');
    // A lone `-` is how lists write "none": text to every spreadsheet.
    rest.starts_with(TRIGGERS) && !is_number(rest) && rest != "-"
}

/// A plain number (`-5`, `+62`, `-0.25`, `1e3`), which a spreadsheet reads as a number.
fn is_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    !body.is_empty()
        && body
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && body.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `cell` as a spreadsheet shows it as text: a leading `'` before a formula character.
pub(crate) fn formula_safe(cell: &str) -> Cow<'_, str> {
    if triggers(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// [`formula_safe`] as the bytes a CSV writer takes.
pub(crate) fn formula_safe_bytes(cell: &str) -> Cow<'_, [u8]> {
    match formula_safe(cell) {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

/// The cell [`formula_safe`] was given, from what it wrote.
pub(crate) fn formula_restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if triggers(rest) => rest,
        _ => cell,
    }
}

/// `text` with its control characters (newlines, tabs, escape bytes, C1 controls, the
/// bidirectional overrides) written as `\n`, `\t` or `\u{..}`, so that a cell quoted in a
/// message cannot forge a log line or drive a terminal.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_read_back() {
        let cases = [
            // (cell, written)
            (
                "=HYPERLINK(\"http://x\",\"klik\")",
                "'=HYPERLINK(\"http://x\",\"klik\")",
            ),
            (
                "@SUM(1+1)*cmd|' /C calc'!A0",
                "'@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("\tTAB", "'\tTAB"),
            ("\rCR", "'\rCR"),
            ("'=already quoted", "''=already quoted"),
            ("''=twice", "'''=twice"),
            // Left alone: NIKs, numbers, text, apostrophe NIKs, inner formulas.
            ("6471054507890003", "6471054507890003"),
            ("'6471054507890003", "'6471054507890003"),
            ("-5", "-5"),
            ("+62812345678", "+62812345678"),
            ("-0.25", "-0.25"),
            ("SITI AMINAH", "SITI AMINAH"),
            ("name=-7.9(differs)", "name=-7.9(differs)"),
            ("", ""),
            ("-", "-"),
            ("'-", "'-"),
            ("--1", "'--1"),
            ("-inf", "'-inf"),
            ("'", "'"),
        ];
        for (cell, written) in cases {
            assert_eq!(formula_safe(cell), written, "{cell:?}");
            assert_eq!(formula_restore(written), cell, "{written:?}");
        }
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        let cases = [
            ("SITI AMINAH", "SITI AMINAH"),
            ("a\nb", "a\\nb"),
            ("x\u{1b}[31mred", "x\\u{1b}[31mred"),
            ("tab\there", "tab\\there"),
            ("\u{202E}abc", "\\u{202e}abc"),
            ("\u{85}", "\\u{85}"),
            ("Bahasa Indonésia", "Bahasa Indonésia"),
        ];
        for (text, want) in cases {
            assert_eq!(printable(text), want, "{text:?}");
        }
    }
}
