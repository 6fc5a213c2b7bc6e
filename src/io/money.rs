//! Rupiah as officials read them.
//!
//! In: an amount in Rupiah and a [`Lang`]. Out: `Rp 1.234.567.890` ([`rupiah`]) or
//! `Rp 1,23 miliar` ([`rupiah_words`]), with the language's separators.

use crate::core::config::Lang;

/// `Rp 1.234.567.890` (Indonesian) or `Rp 1,234,567,890` (English).
pub fn rupiah(v: u64, lang: Lang) -> String {
    let digits = v.to_string();
    let sep = if lang == Lang::Id { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    format!("Rp {out}")
}

/// `Rp 1,23 miliar`, `Rp 45,6 juta` (or billion/million in English).
pub fn rupiah_words(v: u64, lang: Lang) -> String {
    let (div, id, en) = if v >= 1_000_000_000 {
        (1e9, "miliar", "billion")
    } else if v >= 1_000_000 {
        (1e6, "juta", "million")
    } else {
        return rupiah(v, lang);
    };
    let x = format!("{:.2}", v as f64 / div);
    let x = x.trim_end_matches('0').trim_end_matches('.');
    match lang {
        Lang::Id => format!("Rp {} {id}", x.replace('.', ",")),
        Lang::En => format!("Rp {x} {en}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_formats() {
        assert_eq!(rupiah(1_234_567_890, Lang::Id), "Rp 1.234.567.890");
        assert_eq!(rupiah(1_234_567_890, Lang::En), "Rp 1,234,567,890");
        assert_eq!(rupiah(0, Lang::Id), "Rp 0");
        assert_eq!(rupiah(999, Lang::Id), "Rp 999");
        assert_eq!(rupiah_words(1_234_567_890, Lang::Id), "Rp 1,23 miliar");
        assert_eq!(rupiah_words(45_600_000, Lang::Id), "Rp 45,6 juta");
        assert_eq!(rupiah_words(2_000_000_000, Lang::En), "Rp 2 billion");
        assert_eq!(rupiah_words(500_000, Lang::Id), "Rp 500.000");
    }
}
