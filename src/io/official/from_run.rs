//! The reports' view of a run's results in memory (no file read back).
//!
//! In: a [`RunOutput`]. Out: its rows' facts, its first
//! duplicate groups and its row sheets.

use crate::core::config::Field;

use super::{RowFacts, Sheet, SheetRows, SAMPLE_GROUPS};
use crate::core::status::Status;
use crate::io::output::{OutputRow as Row, RunOutput, DUPLICATES_HEADER};

/// The reports' view of a run's results in memory.
pub trait RunFacts {
    /// What the officials' reports need of every row, in input order.
    fn row_facts(&self) -> impl Iterator<Item = RowFacts<'_>> + '_;
    /// The rows of the first duplicate groups, by column name (for the report's sample).
    fn duplicate_sample(&self) -> Vec<Row>;
}

impl RunFacts for RunOutput<'_> {
    fn row_facts(&self) -> impl Iterator<Item = RowFacts<'_>> + '_ {
        self.decisions.iter().map(move |d| {
            let get = |f: Field| {
                let v = self.aid_map.get(self.aid_table, f, d.row);
                match v {
                    std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.trim()),
                    std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o.trim().to_string()),
                }
            };
            let superseded = |r: usize| {
                self.decisions
                    .get(r)
                    .filter(|k| k.row == r)
                    .is_some_and(|k| crate::io::audit::superseded(&k.evidence))
            };
            let other_nik = d.status == Status::Duplicate
                && (superseded(d.row) || d.duplicate_of.is_some_and(superseded));
            RowFacts {
                status: d.status.code(),
                reason: d.reason,
                other_nik,
                program: get(Field::Program),
                kecamatan: get(Field::Kecamatan),
                kelurahan: get(Field::Kelurahan),
            }
        })
    }

    fn duplicate_sample(&self) -> Vec<Row> {
        let mut out = Vec::new();
        let _ = self.each_duplicate(0..SAMPLE_GROUPS, |rec| {
            out.push(
                DUPLICATES_HEADER
                    .iter()
                    .zip(rec)
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect(),
            );
            Ok::<(), ()>(())
        });
        out
    }
}

impl SheetRows for RunOutput<'_> {
    fn aid_headers(&self) -> Vec<String> {
        self.aid_table
            .headers()
            .into_iter()
            .map(String::from)
            .collect()
    }
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        match sheet {
            Sheet::Verified => self.each_verified(f),
            Sheet::Rejected => self.each_rejected(f),
            Sheet::Duplicates => self.each_duplicate(0..usize::MAX, f),
        }
    }
}
