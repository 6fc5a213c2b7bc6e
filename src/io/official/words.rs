//! The report's words: a key's text in the chosen language, and a status's label.
//!
//! In: a [`Lang`] and a key of [`crate::io::strings`]. Out: the text (a leaf that the page,
//! the workbook and the sections share).

use crate::core::config::Lang;

/// The text of `key` in `lang`.
pub(super) fn t(lang: Lang, key: &str) -> &'static str {
    crate::io::strings::get(lang, key)
}

/// The label of a decision status (`VERIFIED`, `DUPLICATE`, ...) in `lang`.
pub(super) fn status_label(s: &str, lang: Lang) -> &'static str {
    t(lang, &format!("status.{s}"))
}
