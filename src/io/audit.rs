//! The findings in the categories auditors use (BPK, Inspektorat, the ministry's
//! verification letters): NIK tidak valid, NIK ganda, data ganda, meninggal, pindah and
//! tidak padan.
//!
//! In: a row's status and reason, and whether its duplicate group joins two register
//! records (one person under two NIKs). Out: the row's [`Category`], or none for a row
//! paid as listed. Each row falls in at most one category; [`Category::ALL`] gives the
//! report's order, [`Category::key`] the words' key in [`crate::io::strings`].
//!
//! The mapping is by status, so it follows the model's decisions:
//! - `INVALID_NIK`, `NIK_DAMAGED` -> NIK tidak valid (withheld until the NIK is corrected);
//! - a `DUPLICATE` of a row linked to another register record, or a row under a superseded
//!   NIK (`NIK_SUPERSEDED`, paid under the current one) -> NIK ganda;
//! - any other `DUPLICATE` -> data ganda;
//! - `DECEASED` -> meninggal; `MOVED_OUT` -> pindah;
//! - `NAME_MISMATCH` (the NIK is someone else's) and `NOT_IN_REGISTER` (the NIK is not in
//!   the register) -> tidak padan.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::config::Lang;
use crate::io::money::rupiah;
use crate::matching::register_twice::SUPERSEDED_EVIDENCE;

/// An auditors' category of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    NikInvalid,
    NikTwice,
    Duplicate,
    Deceased,
    MovedOut,
    NoMatch,
}

impl Category {
    /// The categories in the report's order.
    pub(crate) const ALL: [Category; 6] = [
        Category::NikInvalid,
        Category::NikTwice,
        Category::Duplicate,
        Category::Deceased,
        Category::MovedOut,
        Category::NoMatch,
    ];

    /// The key of the category's words in the string tables (`audit.<key>`), also its
    /// name in `summary.json` and the history files.
    pub fn key(self) -> &'static str {
        match self {
            Category::NikInvalid => "nik_tidak_valid",
            Category::NikTwice => "nik_ganda",
            Category::Duplicate => "data_ganda",
            Category::Deceased => "meninggal",
            Category::MovedOut => "pindah",
            Category::NoMatch => "tidak_padan",
        }
    }

    /// The category of a row: `other_nik` says that the row is a duplicate of a row linked
    /// to another register record of the same person.
    pub fn of(status: &str, reason: &str, other_nik: bool) -> Option<Category> {
        Some(match status {
            "INVALID_NIK" | "NIK_DAMAGED" => Category::NikInvalid,
            "DUPLICATE" if other_nik => Category::NikTwice,
            "DUPLICATE" => Category::Duplicate,
            "DECEASED" => Category::Deceased,
            "MOVED_OUT" => Category::MovedOut,
            "NAME_MISMATCH" | "NOT_IN_REGISTER" => Category::NoMatch,
            _ if reason == "NIK_SUPERSEDED" => Category::NikTwice,
            _ => return None,
        })
    }
}

impl serde::Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> serde::Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Category::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding category {key:?}")))
    }
}

/// Whether a row's evidence says it was moved from a superseded record to the person's
/// current one (its first word, [`SUPERSEDED_EVIDENCE`]).
pub fn superseded(evidence: &str) -> bool {
    evidence.split(';').next() == Some(SUPERSEDED_EVIDENCE)
}

/// Rows and Rupiah withheld per category and program (the program as the report labels
/// it: upper case, `-` when the list has none).
pub(crate) type AuditTally = BTreeMap<Category, BTreeMap<String, [u64; 2]>>;

/// Count `n` rows of one status, reason and program, withholding `saved` Rupiah.
pub fn add(tally: &mut AuditTally, row: (&str, &str, bool), program: &str, n: u64, saved: u64) {
    let Some(c) = Category::of(row.0, row.1, row.2) else {
        return;
    };
    let p = program.trim().to_uppercase();
    let p = if p.is_empty() { "-".to_string() } else { p };
    let e = tally.entry(c).or_default().entry(p).or_insert([0; 2]);
    e[0] += n;
    e[1] += saved;
}

/// One line of the auditors' table: a category's rows and Rupiah in one program, or in all
/// (`program` empty: the category's total).
#[derive(Debug, Clone, Serialize)]
pub struct AuditLine {
    pub period: String,
    pub category: &'static str,
    pub program: String,
    pub rows: u64,
    pub rupiah: u64,
    pub amount: String,
}

/// The table's lines for one run: per category (in [`Category::ALL`] order, every
/// category even when empty) its programs, and its total when it has several.
pub fn lines(period: &str, tally: &AuditTally, lang: Lang) -> Vec<AuditLine> {
    let label = |c: Category| crate::io::strings::get(lang, &format!("audit.{}", c.key()));
    let line = |c: Category, program: String, v: [u64; 2]| AuditLine {
        period: period.to_string(),
        category: label(c),
        program,
        rows: v[0],
        rupiah: v[1],
        amount: rupiah(v[1], lang),
    };
    let mut out = Vec::new();
    for c in Category::ALL {
        let programs = tally.get(&c);
        let total = programs
            .into_iter()
            .flatten()
            .fold([0; 2], |a, (_, v)| [a[0] + v[0], a[1] + v[1]]);
        match programs {
            Some(p) if p.len() > 1 => {
                out.extend(p.iter().map(|(k, v)| line(c, k.clone(), *v)));
                out.push(line(c, String::new(), total));
            }
            Some(p) => out.extend(p.iter().map(|(k, v)| line(c, k.clone(), *v))),
            None => out.push(line(c, "-".to_string(), total)),
        }
    }
    out
}

/// The workbook's sheet of the findings per period, category and program: the history's
/// runs, then this one (`periods`: label and tally, oldest first), amounts as numbers.
pub(crate) fn write_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    periods: &[(&str, &AuditTally)],
    lang: Lang,
    bold: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let t = |k: &str| crate::io::strings::get(lang, k);
    let ws = wb.add_worksheet();
    ws.set_name(t("audit.sheet"))?;
    let heads = [
        t("audit.period"),
        t("audit.category"),
        t("program"),
        t("rows"),
        t("savings_rp"),
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)?;
    }
    let mut r = 0;
    for (label, tally) in periods {
        for l in lines(label, tally, lang) {
            r += 1;
            let program = if l.program.is_empty() {
                t("audit.all_programs").to_string()
            } else {
                l.program
            };
            ws.write_string(r, 0, crate::io::xlsx::xlsx_cell(&l.period))?;
            ws.write_string(r, 1, l.category)?;
            ws.write_string(r, 2, crate::io::xlsx::xlsx_cell(&program))?;
            ws.write_number(r, 3, l.rows as f64)?;
            ws.write_number(r, 4, l.rupiah as f64)?;
        }
    }
    for (c, w) in [14.0, 30.0, 16.0, 10.0, 20.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_falls_in_its_auditors_category() {
        let table: &[(&str, &str, bool, Option<Category>)] = &[
            (
                "INVALID_NIK",
                "NIK_LENGTH",
                false,
                Some(Category::NikInvalid),
            ),
            (
                "NIK_DAMAGED",
                "NIK_SCIENTIFIC",
                false,
                Some(Category::NikInvalid),
            ),
            (
                "DUPLICATE",
                "DUPLICATE_OF_ROW",
                false,
                Some(Category::Duplicate),
            ),
            (
                "DUPLICATE",
                "DUPLICATE_OF_ROW",
                true,
                Some(Category::NikTwice),
            ),
            (
                "VERIFIED",
                "NIK_SUPERSEDED",
                false,
                Some(Category::NikTwice),
            ),
            (
                "DECEASED",
                "REGISTER_DECEASED",
                false,
                Some(Category::Deceased),
            ),
            (
                "MOVED_OUT",
                "REGISTER_MOVED_OUT",
                false,
                Some(Category::MovedOut),
            ),
            (
                "NAME_MISMATCH",
                "NAME_DIFFERS",
                false,
                Some(Category::NoMatch),
            ),
            (
                "NOT_IN_REGISTER",
                "NIK_NOT_FOUND",
                false,
                Some(Category::NoMatch),
            ),
            ("VERIFIED", "NIK_AND_NAME_MATCH", false, None),
            ("VERIFIED", "NIK_CORRECTED", false, None),
            ("VERIFIED", "HOUSEHOLD_NIK", true, None),
            ("", "", false, None),
        ];
        for &(status, reason, other, want) in table {
            assert_eq!(
                Category::of(status, reason, other),
                want,
                "{status} {reason}"
            );
        }
    }

    #[test]
    fn keys_are_distinct_and_in_the_string_tables() {
        let keys: std::collections::BTreeSet<_> = Category::ALL.iter().map(|c| c.key()).collect();
        assert_eq!(keys.len(), Category::ALL.len());
        for lang in [crate::core::config::Lang::Id, crate::core::config::Lang::En] {
            let table = crate::io::strings::table(lang);
            for c in Category::ALL {
                let key = format!("audit.{}", c.key());
                assert!(table.iter().any(|(k, _)| *k == key), "{key} missing");
            }
        }
    }
}
