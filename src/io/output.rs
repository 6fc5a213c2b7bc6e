//! Report stage: write the outputs of a run.
//!
//! In: the aid table, the records, the decisions, the groups and the [`Summary`].
//! Out: in the out folder, each written atomically (a temporary file in the same folder,
//! then a rename, so a reader never sees half a file):
//! * `decisions.csv`: every aid data row once, in input order, with its `person_id`;
//! * `verified.csv`: the rows to pay (original columns plus `register_nik`);
//! * `duplicates.csv`: every row of every duplicate group, by group;
//! * `rejected.csv`: every row not paid, with status, reason code and reason in Bahasa
//!   Indonesia, then the original columns (to send back to Dinsos);
//! * `summary.json`: counts, timings, inputs with SHA-256, the effective config.
//!
//! The CSV files depend only on the inputs and the config: byte-identical for any thread
//! count.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::core::fsio::write_atomic;

use crate::core::config::{Field, FileConfig};
use crate::core::error::{LoadError, WriteError};
use crate::core::status::{reason_id, Status};
use crate::io::cells::formula_restore;
use crate::io::csv_out::{to_io, CsvOut};
use crate::io::files::{DECISIONS, DUPLICATES, REJECTED, SUMMARY, VERIFIED};
use crate::io::load::{FieldMap, Table};
use crate::matching::cluster::Groups;
use crate::matching::record::Records;
use crate::matching::verify::Decision;

/// One input file in the summary (a register index stores its register's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSummary {
    pub path: String,
    pub sha256: String,
    pub rows: usize,
    /// Field -> header(s) used.
    pub columns: BTreeMap<String, Vec<String>>,
    /// Rows with more cells than the header (extra cells ignored).
    pub long_rows: usize,
}

/// Duplicate-group counts.
#[derive(Debug, Clone, Serialize, Default)]
pub struct GroupSummary {
    pub groups: usize,
    pub rows_in_groups: usize,
    /// Rows kept out of payment because another row of the person is paid.
    pub duplicate_rows: usize,
}

/// The machine-readable summary of a run (`summary.json`, `--json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub tool: String,
    pub version: String,
    pub aid: InputSummary,
    pub register: InputSummary,
    /// Aid data rows read.
    pub rows_in: usize,
    /// Rows written to decisions.csv (equals rows_in).
    pub rows_out: usize,
    /// Rows to pay (verified.csv).
    pub rows_verified: usize,
    /// Count per status, every status present.
    pub status_counts: BTreeMap<String, usize>,
    /// Count per reason code.
    pub reason_counts: BTreeMap<String, usize>,
    pub duplicates: GroupSummary,
    /// NIKs that the register itself holds more than once.
    pub register_repeated_niks: usize,
    /// Seconds per stage.
    pub stage_seconds: BTreeMap<String, f64>,
    /// The run's memory: its peak and the limit it was given.
    pub memory: MemoryFacts,
    pub threads: usize,
    pub out_dir: String,
    pub outputs: Vec<String>,
    pub config: FileConfig,
    /// Fuzzy linking: rows considered, linked, ambiguous; candidate pairs per blocking key.
    pub fuzzy: Option<crate::matching::fuzzy::FuzzyStats>,
    /// Distinct aid-list spellings of kelurahan, kecamatan and birthplace that the register
    /// does not hold and that were recognised as a register spelling (`SEPINGAN` for
    /// `SEPINGGAN`).
    pub area_spellings_recognised: crate::matching::areas::AreaStats,
    /// Rupiah kept out of payment over the configured months, confirmed and pending
    /// (see [`crate::io::official::confirmed_saving`]); as in the officials' reports.
    pub savings: Option<Savings>,
    /// The clerical-review queue (`review.csv`): its size per kind, its RTs, and what
    /// became of the decisions given with `--decisions`.
    pub review: Option<crate::io::review::ReviewSummary>,
    /// Data quality of the aid list: rows per problem (birth date missing, unreadable or a
    /// placeholder; sex unreadable; KK missing or not a KK).
    pub aid_quality: BTreeMap<String, usize>,
    /// The register's records that are one person (None: not searched, as in a part of a
    /// partitioned run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_twice: Option<crate::io::register_duplicates::RegisterTwiceSummary>,
    /// Things a person should check before trusting the results (also printed on stderr):
    /// for example a register where most people are marked deceased.
    pub warnings: Vec<String>,
    /// How the person ids were keyed (the key's source and fingerprint, never the key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_ids: Option<PersonIdSummary>,
    /// What changed since the previous run (`--previous`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<crate::io::change_summary::ChangeSummary>,
    /// The period the run verifies (`--period`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Rows and Rupiah per auditors' category and program (the reports' table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<crate::io::audit::AuditTally>,
    /// The earlier runs of the history folder (`--history`), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<crate::io::history::HistoryPoint>,
}

/// How a run's person ids were keyed.
#[derive(Debug, Clone, Serialize)]
pub struct PersonIdSummary {
    pub key: crate::io::person_key::KeySource,
    /// 8 hex digits that tell keys apart ([`crate::matching::person_id::PersonKey::fingerprint`]).
    pub fingerprint: String,
}

/// A run's memory (`summary.json`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MemoryFacts {
    /// The highest resident memory of the process, in bytes, as the summary is written
    /// (absent where the system does not tell).
    pub peak_bytes: Option<u64>,
    /// `--memory-limit`, in bytes.
    pub limit_bytes: Option<u64>,
}

/// The savings figures of a run.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Savings {
    pub months: u32,
    pub total_rp: u64,
    /// Rows that will not be paid whatever is corrected.
    pub confirmed_rp: u64,
    /// Rows withheld until their NIK is corrected.
    pub pending_rp: u64,
}

/// Count statuses and reasons.
pub fn count(decisions: &[Decision]) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut status: BTreeMap<String, usize> = Status::ALL
        .iter()
        .map(|s| (s.code().to_string(), 0))
        .collect();
    let mut reasons = BTreeMap::new();
    for d in decisions {
        *status.entry(d.status.code().to_string()).or_default() += 1;
        *reasons.entry(d.reason.to_string()).or_default() += 1;
    }
    (status, reasons)
}

/// Everything the writers need.
pub(crate) struct RunOutput<'a> {
    pub aid_table: &'a Table,
    pub aid_map: &'a FieldMap,
    pub aid: &'a Records,
    pub register: &'a Records,
    pub decisions: &'a [Decision],
    pub groups: &'a Groups,
    /// Each decision's person id ([`crate::matching::person_id`]), in the same order.
    pub person_ids: &'a [String],
    /// Write the CSVs for Excel (`--csv-excel`).
    pub excel_csv: bool,
}

impl RunOutput<'_> {
    fn register_nik(&self, d: &Decision) -> &str {
        d.register
            .and_then(|r| self.register.get(r).nik().valid())
            .unwrap_or("")
    }

    fn group_id(&self, d: &Decision) -> String {
        d.group.map(group_id).unwrap_or_default()
    }

    fn cell(&self, field: Field, row: usize) -> String {
        self.aid_map
            .get(self.aid_table, field, row)
            .trim()
            .to_string()
    }

    /// The reason in Bahasa Indonesia, naming the kept row for duplicates.
    pub fn alasan(&self, d: &Decision) -> String {
        match (d.status, d.duplicate_of) {
            (Status::Duplicate, Some(k)) => {
                alasan_duplicate(&(k + 1).to_string(), &self.group_id(d))
            }
            _ => reason_id(d.reason).to_string(),
        }
    }

    /// Write the four CSV outputs (creating the folder) and return their paths.
    pub(crate) fn write_tables(&self, dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
        std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        // The four files in parallel.
        let ((a, b), (c, d)) = rayon::join(
            || {
                rayon::join(
                    || write_atomic(dir, DECISIONS, |w| self.write_decisions(w)),
                    || write_atomic(dir, VERIFIED, |w| self.write_verified(w)),
                )
            },
            || {
                rayon::join(
                    || write_atomic(dir, DUPLICATES, |w| self.write_duplicates(w)),
                    || write_atomic(dir, REJECTED, |w| self.write_rejected(w)),
                )
            },
        );
        Ok(vec![a?, b?, c?, d?])
    }

    pub(crate) fn write_decisions(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut out = CsvOut::new(w, self.excel_csv)?;
        out.row(&[
            "row",
            "aid_id",
            "nik_normalized",
            "status",
            "reason",
            "register_nik",
            "group_id",
            "kept",
            "duplicate_of_row",
            "name_score",
            "evidence",
            "register_row",
            "person_id",
        ])
        .map_err(to_io)?;
        let mut num = itoa::Buffer::new();
        let mut reg_num = itoa::Buffer::new();
        for (i, d) in self.decisions.iter().enumerate() {
            out.row(&[
                num.format(d.row + 1),
                self.aid_map.get(self.aid_table, Field::AidId, d.row).trim(),
                self.aid.get(d.row).nik().text(),
                d.status.code(),
                d.reason,
                self.register_nik(d),
                &self.group_id(d),
                d.kept
                    .map(|k| if k { "true" } else { "false" })
                    .unwrap_or(""),
                &d.duplicate_of
                    .map(|k| (k + 1).to_string())
                    .unwrap_or_default(),
                &d.name_score.map(|s| format!("{s:.3}")).unwrap_or_default(),
                &d.evidence,
                // The register person's data row (1-based): what names them when they
                // have no identifier, and which of two holders of one NIK.
                d.register.map_or("", |r| reg_num.format(r + 1)),
                self.person_ids.get(i).map_or("", String::as_str),
            ])
            .map_err(to_io)?;
        }
        out.flush()
    }

    fn original(&self, row: usize) -> impl Iterator<Item = &str> {
        self.aid_table.columns.iter().map(move |c| c.get(row))
    }

    /// The header of `verified.csv`: the original columns and `register_nik`.
    pub(crate) fn verified_header(&self) -> Vec<&str> {
        let mut header: Vec<&str> = self.aid_table.headers();
        header.push("register_nik");
        header
    }

    /// Every row of `verified.csv`, in input order.
    pub(crate) fn each_verified<E>(
        &self,
        mut f: impl FnMut(&[&str]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut rec: Vec<&str> = Vec::with_capacity(self.aid_table.columns.len() + 1);
        for d in self
            .decisions
            .iter()
            .filter(|d| d.status == Status::Verified)
        {
            rec.clear();
            rec.extend(self.original(d.row));
            rec.push(self.register_nik(d));
            f(&rec)?;
        }
        Ok(())
    }

    pub(crate) fn write_verified(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut out = CsvOut::new(w, self.excel_csv)?;
        out.row(&self.verified_header()).map_err(to_io)?;
        self.each_verified(|rec| out.row(rec)).map_err(to_io)?;
        out.flush()
    }

    /// The header of `rejected.csv`.
    pub(crate) fn rejected_header(&self) -> Vec<&str> {
        let mut header = REJECTED_LEAD.to_vec();
        header.extend(self.aid_table.headers());
        header
    }

    /// Every row of `rejected.csv`, in input order.
    pub(crate) fn each_rejected<E>(
        &self,
        mut f: impl FnMut(&[&str]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut num = itoa::Buffer::new();
        for d in self
            .decisions
            .iter()
            .filter(|d| d.status != Status::Verified)
        {
            let alasan = self.alasan(d);
            let group = self.group_id(d);
            let mut rec: Vec<&str> = Vec::with_capacity(self.aid_table.columns.len() + 6);
            rec.extend([
                num.format(d.row + 1),
                d.status.code(),
                d.reason,
                &alasan,
                &group,
                self.register_nik(d),
            ]);
            rec.extend(self.original(d.row));
            f(&rec)?;
        }
        Ok(())
    }

    pub(crate) fn write_rejected(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut out = CsvOut::new(w, self.excel_csv)?;
        out.row(&self.rejected_header()).map_err(to_io)?;
        self.each_rejected(|rec| out.row(rec)).map_err(to_io)?;
        out.flush()
    }

    /// The rows of `duplicates.csv` for groups `groups` (by group, then row).
    pub(crate) fn each_duplicate<E>(
        &self,
        groups: std::ops::Range<usize>,
        mut f: impl FnMut(&[&str]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut num = itoa::Buffer::new();
        let end = groups.end.min(self.groups.members.len());
        for g in groups.start.min(end)..end {
            let gid = group_id(g);
            for &r in &self.groups.members[g] {
                let d = &self.decisions[r];
                let mut address = self.cell(Field::Address, r);
                let rt = self.aid.people[r].rtrw;
                if let Some(n) = rt.rt {
                    address.push_str(&format!(" RT {n:03}"));
                }
                if let Some(n) = rt.rw {
                    address.push_str(&format!(" RW {n:03}"));
                }
                let name = self.cell(Field::Name, r);
                let kel = self.cell(Field::Kelurahan, r);
                let birth = self.aid.people[r]
                    .birth
                    .map(|b| b.iso())
                    .unwrap_or_default();
                f(&[
                    gid.as_str(),
                    num.format(r + 1),
                    if d.kept == Some(true) {
                        "true"
                    } else {
                        "false"
                    },
                    d.status.code(),
                    self.aid.get(r).nik().text(),
                    &name,
                    &birth,
                    address.trim(),
                    &kel,
                    self.register_nik(d),
                    self.groups.reasons[g].code(),
                    &d.evidence,
                ])?;
            }
        }
        Ok(())
    }

    pub(crate) fn write_duplicates(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut out = CsvOut::new(w, self.excel_csv)?;
        out.row(&DUPLICATES_HEADER).map_err(to_io)?;
        self.each_duplicate(0..usize::MAX, |rec| out.row(rec))
            .map_err(to_io)?;
        out.flush()
    }
}

/// Write `summary.json`.
pub(crate) fn write_summary(dir: &Path, summary: &Summary) -> Result<PathBuf, WriteError> {
    write_atomic(dir, SUMMARY, |w| {
        serde_json::to_writer_pretty(&mut *w, summary)?;
        writeln!(w)
    })
}

/// The aid list's data-quality problems counted in `summary.json: aid_quality`.
pub(crate) const AID_QUALITY_KEYS: [&str; 6] = [
    "birth_date_missing",
    "birth_date_unreadable",
    "birth_date_placeholder",
    "sex_unreadable",
    "kk_missing",
    "kk_invalid",
];

/// Leading columns of `rejected.csv` before the original ones.
pub(crate) const REJECTED_LEAD: [&str; 6] = [
    "row",
    "status",
    "reason",
    "alasan",
    "group_id",
    "register_nik",
];

/// The columns of `duplicates.csv`.
pub(crate) const DUPLICATES_HEADER: [&str; 12] = [
    "group_id",
    "row",
    "kept",
    "status",
    "nik",
    "name",
    "birth_date",
    "address",
    "kelurahan",
    "register_nik",
    "grouped_by",
    "evidence",
];

/// One row of an output CSV, by column name.
pub(crate) type OutputRow = BTreeMap<String, String>;

/// Write `table` as the output CSV `name` in `dir`, plainly or for Excel (`--csv-excel`),
/// as a run writes its own.
pub(crate) fn write_output_table(
    dir: &Path,
    name: &str,
    table: &OutputTable,
    excel: bool,
) -> Result<PathBuf, WriteError> {
    write_atomic(dir, name, |w| {
        let mut out = CsvOut::new(w, excel)?;
        out.row(&table.header).map_err(to_io)?;
        for r in &table.rows {
            out.row(&r.iter().collect::<Vec<_>>()).map_err(to_io)?;
        }
        out.flush()
    })
}

/// An output CSV of a run read back as records (one buffer per row), cells found by
/// column name: what `dedupe report` and `dedupe merge` rebuild the reports from.
#[derive(Debug, Clone, Default)]
pub struct OutputTable {
    pub header: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl OutputTable {
    /// Read an output CSV, written plainly or for Excel (`--csv-excel`).
    pub fn read(path: &Path) -> Result<OutputTable, LoadError> {
        let err = |message: String| LoadError::Csv {
            path: path.to_path_buf(),
            row: 0,
            message,
        };
        if path.parent().is_some_and(crate::core::publish::interrupted) {
            return Err(err(
                "the run that wrote this folder was stopped while publishing its outputs, \
                 which may be of two runs; run dedupe into this folder again"
                    .to_string(),
            ));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| err(format!("{e}; is this the out folder of a run?")))?;
        let (excel, body) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
            Some(rest) => (true, rest),
            None => (false, bytes.as_slice()),
        };
        let mut r = csv::ReaderBuilder::new()
            .delimiter(if excel { b';' } else { b',' })
            .from_reader(body);
        let header: Vec<String> = r
            .headers()
            .map_err(|e| err(e.to_string()))?
            .iter()
            .map(String::from)
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| err(e.to_string()))?;
            rows.push(if excel {
                rec.iter().map(|c| formula_restore(excel_cell(c))).collect()
            } else if rec.iter().any(|c| c.starts_with('\'')) {
                rec.iter().map(formula_restore).collect()
            } else {
                rec
            });
        }
        Ok(OutputTable { header, rows })
    }

    /// The position of column `name`.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The cell of `row` in column `col` (empty when there is no such column).
    pub fn cell(row: &csv::StringRecord, col: Option<usize>) -> &str {
        col.and_then(|c| row.get(c)).unwrap_or("")
    }

    /// One row as a map by column name.
    pub(crate) fn row_map(&self, row: &csv::StringRecord) -> OutputRow {
        self.header
            .iter()
            .cloned()
            .zip(row.iter().map(String::from))
            .collect()
    }
}

/// A cell written for Excel (`="..."` around digit strings) as it was.
fn excel_cell(c: &str) -> &str {
    c.strip_prefix("=\"")
        .and_then(|c| c.strip_suffix('"'))
        .unwrap_or(c)
}

/// Read an output CSV of a run (for `eval`, `explain`, `report`): its header and rows.
pub fn read_output_csv(path: &Path) -> Result<(Vec<String>, Vec<OutputRow>), LoadError> {
    let table = OutputTable::read(path)?;
    let rows = table.rows.iter().map(|r| table.row_map(r)).collect();
    Ok((table.header, rows))
}

/// The reason of a `DUPLICATE` row in Bahasa Indonesia: the kept row (1-based) and group.
pub(crate) fn alasan_duplicate(kept_row: &str, group: &str) -> String {
    format!(
        "Penerima tercatat lebih dari satu kali; yang dibayar hanya baris {kept_row} (kelompok {group})."
    )
}

/// Stable group id: `G` and the group's number, in order of first row.
pub fn group_id(g: usize) -> String {
    format!("G{:05}", g + 1)
}
