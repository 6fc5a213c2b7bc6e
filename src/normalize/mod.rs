//! Normalization: pure functions from raw cells to comparable values.
//!
//! In: raw text cells (and the kind of column they came from).
//! Out: normalized NIKs ([`nik`]), names ([`name`]), birth dates ([`date`]), sex ([`sex`]) and
//! addresses ([`address`]). The matching layer's record builder applies them to each row.
//! Every rule is documented in `docs/normalization.md`.

pub mod address;
pub mod date;
pub mod name;
pub mod nik;
pub mod sex;

/// A cell without the characters that copying from web pages, chat apps and some editors
/// leaves in it unseen (zero-width spaces and joiners, word joiners, byte-order marks,
/// soft hyphens), and with the decimal digits of other scripts (full-width `６４７１`,
/// Arabic-Indic) as ASCII digits. ASCII text comes back as it is, without a copy.
pub fn visible(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.is_ascii()
        || !raw
            .chars()
            .any(|c| is_invisible(c) || other_digit(c).is_some())
    {
        return raw.into();
    }
    raw.chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| other_digit(c).unwrap_or(c))
        .collect::<String>()
        .into()
}

/// Characters that show nothing and mean nothing in a cell.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// The ASCII digit of a decimal digit written in another script.
fn other_digit(c: char) -> Option<char> {
    let base = match c {
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    char::from_u32(u32::from(b'0') + (c as u32 - base))
}

#[cfg(test)]
mod tests {
    #[test]
    fn invisible_characters_go_and_other_digits_become_ascii() {
        let cases = [
            ("6471054507890003", "6471054507890003"),
            ("\u{200B}6471050507890001", "6471050507890001"),
            (
                "6471\u{FEFF}0505\u{2060}07890001\u{200D}",
                "6471050507890001",
            ),
            (
                "\u{FF16}\u{FF14}\u{FF17}\u{FF11}051203850002",
                "6471051203850002",
            ),
            ("\u{0666}\u{0664}", "64"),
            ("SI\u{00AD}TI AMINAH", "SITI AMINAH"),
            ("JOSÉ", "JOSÉ"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(super::visible(raw), want, "{raw:?}");
        }
        assert!(matches!(
            super::visible("JOSÉ"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
