//! A run's out folder read back, for `dedupe report` and `dedupe merge`.
//!
//! In: the out folder's `summary.json` and four CSV tables. Out: [`RunFiles`], its
//! [`Facts`] and its row sheets.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::core::config::Benefits;
use crate::core::error::LoadError;

use super::facts::field_value;
use super::{sheet_headers, Facts, RowFacts, Sheet, SheetRows, SAMPLE_GROUPS};
use crate::io::files::{DECISIONS, DUPLICATES, REJECTED, SUMMARY, VERIFIED};
use crate::io::output::{OutputRow as Row, OutputTable};

/// A run's files read back: for `dedupe report`, which rebuilds the reports without
/// matching again, and `dedupe merge`, which builds them from the merged files.
pub struct RunFiles {
    pub summary: Value,
    pub decisions: OutputTable,
    pub verified: OutputTable,
    pub rejected: OutputTable,
    pub duplicates: OutputTable,
}

impl RunFiles {
    pub fn read(out_dir: &Path) -> Result<RunFiles, LoadError> {
        let summary_path = out_dir.join(SUMMARY);
        let summary: Value = std::fs::read_to_string(&summary_path)
            .map_err(|source| LoadError::Open {
                path: summary_path.clone(),
                source,
            })
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| LoadError::Csv {
                    path: summary_path.clone(),
                    row: 0,
                    message: e.to_string(),
                })
            })?;
        let read = |name: &str| OutputTable::read(&out_dir.join(name));
        let ((decisions, verified), (rejected, duplicates)) = rayon::join(
            || rayon::join(|| read(DECISIONS), || read(VERIFIED)),
            || rayon::join(|| read(REJECTED), || read(DUPLICATES)),
        );
        Ok(RunFiles {
            summary,
            decisions: decisions?,
            verified: verified?,
            rejected: rejected?,
            duplicates: duplicates?,
        })
    }

    /// The figures, with the given benefit amounts.
    pub fn facts(&self, benefits: &Benefits) -> Facts {
        let columns = &self.summary["aid"]["columns"];
        let d = &self.decisions;
        let (d_row, d_status, d_reason) = (d.col("row"), d.col("status"), d.col("reason"));
        let d_of = d.col("duplicate_of_row");
        // Rows moved from a superseded NIK: their groups are one person under two NIKs.
        let d_evidence = d.col("evidence");
        let superseded: rustc_hash::FxHashSet<&str> = d
            .rows
            .iter()
            .filter(|r| crate::io::audit::superseded(OutputTable::cell(r, d_evidence)))
            .map(|r| OutputTable::cell(r, d_row))
            .collect();
        // Original cells per row: verified rows in decision order, rejected rows by number.
        let r_row = self.rejected.col("row");
        let mut original: BTreeMap<&str, (&OutputTable, &csv::StringRecord)> = self
            .rejected
            .rows
            .iter()
            .map(|r| (OutputTable::cell(r, r_row), (&self.rejected, r)))
            .collect();
        let mut verified_iter = self.verified.rows.iter();
        for row in d
            .rows
            .iter()
            .filter(|r| OutputTable::cell(r, d_status) == "VERIFIED")
        {
            if let Some(v) = verified_iter.next() {
                original.insert(OutputTable::cell(row, d_row), (&self.verified, v));
            }
        }
        // Column positions of the original cells, per table.
        fn positions(t: &OutputTable) -> BTreeMap<&str, usize> {
            t.header
                .iter()
                .enumerate()
                .map(|(i, h)| (h.as_str(), i))
                .collect()
        }
        let (pos_v, pos_r) = (positions(&self.verified), positions(&self.rejected));
        let rows = d.rows.iter().map(|row| {
            let found = original.get(OutputTable::cell(row, d_row)).copied();
            let cell = |h: &str| -> Option<&str> {
                let (t, r) = found?;
                let pos = if std::ptr::eq(t, &self.verified) {
                    &pos_v
                } else {
                    &pos_r
                };
                pos.get(h).and_then(|&c| r.get(c))
            };
            let status = OutputTable::cell(row, d_status);
            let other_nik = status == "DUPLICATE"
                && (superseded.contains(OutputTable::cell(row, d_row))
                    || superseded.contains(OutputTable::cell(row, d_of)));
            RowFacts {
                status,
                reason: OutputTable::cell(row, d_reason),
                other_nik,
                program: field_value(cell, columns, "program").into(),
                kecamatan: field_value(cell, columns, "kecamatan").into(),
                kelurahan: field_value(cell, columns, "kelurahan").into(),
            }
        });
        Facts::compute(
            rows,
            self.summary.clone(),
            duplicate_sample(&self.duplicates),
            benefits,
        )
    }
}

/// The rows of the first [`SAMPLE_GROUPS`] groups.
pub fn duplicate_sample(table: &OutputTable) -> Vec<Row> {
    let g = table.col("group_id");
    let mut out = Vec::new();
    let mut groups = 0;
    let mut last = "";
    for d in &table.rows {
        let id = OutputTable::cell(d, g);
        if id != last {
            last = id;
            groups += 1;
            if groups > SAMPLE_GROUPS {
                break;
            }
        }
        out.push(table.row_map(d));
    }
    out
}

impl SheetRows for RunFiles {
    fn aid_headers(&self) -> Vec<String> {
        self.verified
            .header
            .iter()
            .filter(|h| *h != "register_nik")
            .cloned()
            .collect()
    }
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        let headers = sheet_headers(sheet, &self.aid_headers());
        let table = match sheet {
            Sheet::Verified => &self.verified,
            Sheet::Duplicates => &self.duplicates,
            Sheet::Rejected => &self.rejected,
        };
        // By position when the file has the sheet's columns (an aid list may repeat a
        // header), else by name.
        let cols: Vec<Option<usize>> = if table.header == headers {
            (0..headers.len()).map(Some).collect()
        } else {
            headers.iter().map(|h| table.col(h)).collect()
        };
        let mut cells: Vec<&str> = Vec::with_capacity(headers.len());
        for row in &table.rows {
            cells.clear();
            cells.extend(cols.iter().map(|&c| OutputTable::cell(row, c)));
            f(&cells)?;
        }
        Ok(())
    }
}
