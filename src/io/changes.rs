//! What changed since the previous verification (`--previous DIR`).
//!
//! In: the rows of this run ([`RunRow`], from its decisions) and the out folder of an
//! earlier run of the same list. Out: `changes.csv`, one line per aid row of either run
//! (`NEW`, `REMOVED`, `CHANGED`: the status, the register person or the NIK written in
//! the list differs; `UNCHANGED`), with the previous and the present status and the
//! reason of the change in Bahasa Indonesia, and the counts for `summary.json`.
//!
//! Rows are matched across the runs by the list's own ID column (`aid_id`) when every row
//! of both runs has one, unique; else by `person_id` (the n-th row of a person to the
//! n-th). A previous folder is refused (exit 2) when it is not a complete run of this
//! version of the tool (no `summary.json`, another tool or version, decisions without
//! person ids, a row count that does not match) or shares no row with this list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::core::error::LoadError;
pub use crate::io::change_summary::{ChangeSummary, MatchedBy};
use crate::io::csv_out::{to_io, CsvOut};
use crate::io::files::{DECISIONS, REJECTED, SUMMARY, VERIFIED};
use crate::io::output::OutputTable;
use rustc_hash::FxHashMap;

/// One aid row of a run, as the comparison of two runs reads it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunRow {
    /// 1-based data row.
    pub row: usize,
    pub aid_id: String,
    pub person_id: String,
    pub status: String,
    pub nik: String,
    pub register_nik: String,
    /// The row's program as the list gives it (its benefit prices the report's findings).
    pub program: String,
}

/// One line of `changes.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeLine {
    pub change: &'static str,
    pub previous: Option<RunRow>,
    pub now: Option<RunRow>,
    pub alasan: &'static str,
}

/// The previous run, read and checked.
#[derive(Debug, Clone)]
pub(crate) struct PreviousRun {
    pub dir: PathBuf,
    pub rows: Vec<RunRow>,
    pub key_fingerprint: Option<String>,
    /// Its `summary.json`'s `savings` and `period`.
    pub savings: serde_json::Value,
    pub period: serde_json::Value,
}

fn refused(dir: &Path, message: String) -> LoadError {
    LoadError::Csv {
        path: dir.to_path_buf(),
        row: 0,
        message: format!("--previous: {message}"),
    }
}

impl PreviousRun {
    /// Read `dir`'s `summary.json` and `decisions.csv`, refusing what is not a complete
    /// run of this version.
    pub fn read(dir: &Path) -> Result<PreviousRun, LoadError> {
        let summary_path = dir.join(SUMMARY);
        let text = std::fs::read_to_string(&summary_path).map_err(|e| {
            refused(
                dir,
                format!("no readable summary.json ({e}): give the out folder of a finished run"),
            )
        })?;
        let summary: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            refused(
                dir,
                format!("summary.json is damaged ({e}): run that month again"),
            )
        })?;
        check_version(dir, &summary)?;
        let table = OutputTable::read(&dir.join(DECISIONS))?;
        let mut rows = rows_of(dir, &table)?;
        let rows_out = summary["rows_out"].as_u64();
        if rows_out != Some(rows.len() as u64) {
            return Err(refused(
                dir,
                format!(
                    "decisions.csv has {} rows where summary.json says {}: the folder is \
                     damaged or mixed; run that month again",
                    rows.len(),
                    rows_out.map_or("nothing".to_string(), |n| n.to_string())
                ),
            ));
        }
        programs_of(dir, &summary, &table, &mut rows)?;
        let key_fingerprint = summary["person_ids"]["fingerprint"]
            .as_str()
            .map(String::from);
        Ok(PreviousRun {
            dir: dir.to_path_buf(),
            rows,
            key_fingerprint,
            savings: summary["savings"].clone(),
            period: summary["period"].clone(),
        })
    }
}

/// The rows of a run's out folder (its `decisions.csv`, with each row's program from
/// `verified.csv` and `rejected.csv`), `summary` its `summary.json`.
pub fn read_rows(dir: &Path, summary: &serde_json::Value) -> Result<Vec<RunRow>, LoadError> {
    let table = OutputTable::read(&dir.join(DECISIONS))?;
    let mut rows = rows_of(dir, &table)?;
    programs_of(dir, summary, &table, &mut rows)?;
    Ok(rows)
}

/// The program of each row of the previous run, from the original cells it kept in
/// `verified.csv` (its `VERIFIED` rows in order) and `rejected.csv` (by row number).
fn programs_of(
    dir: &Path,
    summary: &serde_json::Value,
    decisions: &OutputTable,
    rows: &mut [RunRow],
) -> Result<(), LoadError> {
    let headers: Vec<&str> = summary["aid"]["columns"]["program"]
        .as_array()
        .map(|hs| hs.iter().filter_map(|h| h.as_str()).collect())
        .unwrap_or_default();
    if headers.is_empty() {
        return Ok(());
    }
    let program = |t: &OutputTable, r: &csv::StringRecord| -> String {
        let cells = headers
            .iter()
            .map(|h| OutputTable::cell(r, t.col(h)).trim());
        cells
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let verified = OutputTable::read(&dir.join(VERIFIED))?;
    let rejected = OutputTable::read(&dir.join(REJECTED))?;
    let r_row = rejected.col("row");
    let by_row: FxHashMap<&str, String> = rejected
        .rows
        .iter()
        .map(|r| (OutputTable::cell(r, r_row), program(&rejected, r)))
        .collect();
    let status = decisions.col("status");
    let mut verified_rows = verified.rows.iter();
    for (row, d) in rows.iter_mut().zip(&decisions.rows) {
        row.program = if OutputTable::cell(d, status) == "VERIFIED" {
            verified_rows.next().map(|v| program(&verified, v))
        } else {
            by_row.get(row.row.to_string().as_str()).cloned()
        }
        .unwrap_or_default();
    }
    Ok(())
}

/// The previous run must be of this tool and of this version's output format.
fn check_version(dir: &Path, summary: &serde_json::Value) -> Result<(), LoadError> {
    if summary["tool"].as_str() != Some("dedupe") {
        return Err(refused(
            dir,
            "summary.json is not a dedupe run's: give the out folder of a dedupe run".into(),
        ));
    }
    let ours = env!("CARGO_PKG_VERSION");
    let theirs = summary["version"].as_str().unwrap_or("?");
    let series = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if series(theirs) != series(ours) {
        return Err(refused(
            dir,
            format!(
                "the run was made by dedupe {theirs}, this is {ours}: its outputs are \
                 another format; run that month's list again with this version"
            ),
        ));
    }
    Ok(())
}

fn rows_of(dir: &Path, t: &OutputTable) -> Result<Vec<RunRow>, LoadError> {
    let need = |name: &str| {
        t.col(name).ok_or_else(|| {
            refused(
                dir,
                format!(
                    "decisions.csv has no column {name:?} (made by an older version or \
                     edited): run that month's list again with this version"
                ),
            )
        })
    };
    let cols = [
        need("row")?,
        need("aid_id")?,
        need("person_id")?,
        need("status")?,
        need("nik_normalized")?,
        need("register_nik")?,
    ];
    let cell = |r: &csv::StringRecord, i: usize| OutputTable::cell(r, Some(cols[i])).to_string();
    Ok(t.rows
        .iter()
        .map(|r| RunRow {
            row: cell(r, 0).parse().unwrap_or(0),
            aid_id: cell(r, 1),
            person_id: cell(r, 2),
            status: cell(r, 3),
            nik: cell(r, 4),
            register_nik: cell(r, 5),
            program: String::new(),
        })
        .collect())
}

/// Whether every row has an `aid_id` and no two share one.
fn ids_unique(rows: &[RunRow]) -> bool {
    let mut seen = rustc_hash::FxHashSet::default();
    rows.iter()
        .all(|r| !r.aid_id.is_empty() && seen.insert(r.aid_id.as_str()))
}

/// The key of each row for matching: the aid id, or the person id with its occurrence.
fn keys(rows: &[RunRow], by: MatchedBy) -> Vec<(String, usize)> {
    let mut nth: FxHashMap<&str, usize> = FxHashMap::default();
    rows.iter()
        .map(|r| match by {
            MatchedBy::AidId => (r.aid_id.clone(), 0),
            MatchedBy::PersonId => {
                let n = nth.entry(r.person_id.as_str()).or_insert(0);
                *n += 1;
                (r.person_id.clone(), *n)
            }
        })
        .collect()
}

/// The reason of a change between two matched rows (None: unchanged).
fn reason(previous: &RunRow, now: &RunRow) -> Option<&'static str> {
    let nik_changed = previous.nik != now.nik;
    if previous.status == now.status && previous.register_nik == now.register_nik && !nik_changed {
        return None;
    }
    let was = previous.status.as_str();
    Some(match now.status.as_str() {
        "DECEASED" if was != "DECEASED" => "meninggal sejak verifikasi sebelumnya",
        "MOVED_OUT" if was != "MOVED_OUT" => "pindah sejak verifikasi sebelumnya",
        "DUPLICATE" if was != "DUPLICATE" => "kini tercatat ganda dengan baris lain",
        "VERIFIED" if nik_changed => "NIK sudah diperbaiki",
        "VERIFIED" if was == "DUPLICATE" => "baris ganda lainnya sudah dihapus; kini dibayar",
        _ if nik_changed => "NIK pada daftar diubah",
        _ if previous.status == now.status => "kini dicocokkan dengan penduduk lain",
        _ => "status berubah",
    })
}

/// Compare the previous run's rows with this run's.
pub(crate) fn compare(previous: &[RunRow], now: &[RunRow]) -> (MatchedBy, Vec<ChangeLine>) {
    let by = if ids_unique(previous) && ids_unique(now) {
        MatchedBy::AidId
    } else {
        MatchedBy::PersonId
    };
    let before: FxHashMap<(String, usize), usize> = keys(previous, by)
        .into_iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let mut seen = vec![false; previous.len()];
    let mut lines: Vec<ChangeLine> = keys(now, by)
        .into_iter()
        .zip(now)
        .map(|(k, row)| match before.get(&k) {
            Some(&i) => {
                seen[i] = true;
                let why = reason(&previous[i], row);
                ChangeLine {
                    change: if why.is_some() {
                        "CHANGED"
                    } else {
                        "UNCHANGED"
                    },
                    previous: Some(previous[i].clone()),
                    now: Some(row.clone()),
                    alasan: why.unwrap_or(""),
                }
            }
            None => ChangeLine {
                change: "NEW",
                previous: None,
                now: Some(row.clone()),
                alasan: "penerima baru sejak verifikasi sebelumnya",
            },
        })
        .collect();
    lines.extend(
        previous
            .iter()
            .zip(&seen)
            .filter(|(_, s)| !**s)
            .map(|(r, _)| ChangeLine {
                change: "REMOVED",
                previous: Some(r.clone()),
                now: None,
                alasan: if r.status == "DUPLICATE" {
                    "data ganda sudah dihapus dari daftar"
                } else {
                    "tidak ada lagi dalam daftar"
                },
            }),
    );
    (by, lines)
}

/// Compare and check that the two runs are of one list.
pub(crate) fn compare_runs(
    previous: &PreviousRun,
    now: &[RunRow],
    key_fingerprint: &str,
) -> Result<(Vec<ChangeLine>, ChangeSummary), LoadError> {
    let (by, lines) = compare(&previous.rows, now);
    let matched = lines
        .iter()
        .filter(|l| l.previous.is_some() && l.now.is_some());
    if matched.count() == 0 && !previous.rows.is_empty() && !now.is_empty() {
        return Err(refused(
            &previous.dir,
            format!(
                "no row of this list is in that run (matched by {}): is it a run of another \
                 list? Give the out folder of this list's previous run",
                match by {
                    MatchedBy::AidId => "aid_id",
                    MatchedBy::PersonId => "person_id",
                }
            ),
        ));
    }
    let mut counts = BTreeMap::new();
    let mut reasons = BTreeMap::new();
    for l in &lines {
        *counts.entry(l.change.to_string()).or_insert(0) += 1;
        if !l.alasan.is_empty() {
            *reasons.entry(l.alasan.to_string()).or_insert(0) += 1;
        }
    }
    let summary = ChangeSummary {
        previous_dir: previous.dir.display().to_string(),
        matched_by: by,
        counts,
        reasons,
        same_person_key: previous.key_fingerprint.as_deref() == Some(key_fingerprint),
        // The report's findings are counted by the caller ([`crate::io::change_findings`]).
        findings: Default::default(),
        previous_savings: previous.savings.clone(),
        previous_period: previous.period.clone(),
    };
    Ok((lines, summary))
}

fn status_of(r: &Option<RunRow>) -> &str {
    r.as_ref().map_or("", |r| r.status.as_str())
}

/// Write `changes.csv`: this run's rows in order, then the rows removed.
pub fn write(w: &mut dyn std::io::Write, lines: &[ChangeLine], excel: bool) -> std::io::Result<()> {
    let mut out = CsvOut::new(w, excel)?;
    out.row(&[
        "change",
        "aid_id",
        "person_id",
        "row",
        "previous_row",
        "previous_status",
        "status",
        "alasan",
    ])
    .map_err(to_io)?;
    for l in lines {
        let any = l.now.as_ref().or(l.previous.as_ref());
        let row = |r: &Option<RunRow>| r.as_ref().map(|r| r.row.to_string()).unwrap_or_default();
        out.row(&[
            l.change,
            any.map_or("", |r| r.aid_id.as_str()),
            any.map_or("", |r| r.person_id.as_str()),
            &row(&l.now),
            &row(&l.previous),
            status_of(&l.previous),
            status_of(&l.now),
            l.alasan,
        ])
        .map_err(to_io)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(row: usize, id: &str, person: &str, status: &str, nik: &str) -> RunRow {
        RunRow {
            row,
            aid_id: id.into(),
            person_id: person.into(),
            status: status.into(),
            nik: nik.into(),
            register_nik: if status == "NOT_IN_REGISTER" { "" } else { nik }.into(),
            program: String::new(),
        }
    }

    #[test]
    fn each_row_of_either_run_gets_its_change() {
        let before = vec![
            r(1, "A1", "P1", "VERIFIED", "1"),
            r(2, "A2", "P2", "VERIFIED", "2"),
            r(3, "A3", "P2", "DUPLICATE", "2"),
            r(4, "A4", "P4", "NOT_IN_REGISTER", "4x"),
            r(5, "A5", "P5", "VERIFIED", "5"),
        ];
        // Reordered, one died, the duplicate removed, a NIK corrected, one new.
        let now = vec![
            r(1, "A5", "P5", "DECEASED", "5"),
            r(2, "A4", "P4", "VERIFIED", "4"),
            r(3, "A1", "P1", "VERIFIED", "1"),
            r(4, "A2", "P2", "VERIFIED", "2"),
            r(5, "A9", "P9", "VERIFIED", "9"),
        ];
        let (by, lines) = compare(&before, &now);
        assert_eq!(by, MatchedBy::AidId);
        let got: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|l| {
                let id = l.now.as_ref().or(l.previous.as_ref()).unwrap();
                (id.aid_id.as_str(), l.change, l.alasan)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A5", "CHANGED", "meninggal sejak verifikasi sebelumnya"),
                ("A4", "CHANGED", "NIK sudah diperbaiki"),
                ("A1", "UNCHANGED", ""),
                ("A2", "UNCHANGED", ""),
                ("A9", "NEW", "penerima baru sejak verifikasi sebelumnya"),
                ("A3", "REMOVED", "data ganda sudah dihapus dari daftar"),
            ]
        );
    }

    #[test]
    fn without_unique_ids_rows_are_matched_by_person() {
        let before = vec![
            r(1, "", "P1", "VERIFIED", "1"),
            r(2, "", "P1", "DUPLICATE", "1"),
        ];
        let now = vec![
            r(1, "", "P2", "VERIFIED", "2"),
            r(2, "", "P1", "VERIFIED", "1"),
        ];
        let (by, lines) = compare(&before, &now);
        assert_eq!(by, MatchedBy::PersonId);
        let changes: Vec<&str> = lines.iter().map(|l| l.change).collect();
        assert_eq!(changes, ["NEW", "UNCHANGED", "REMOVED"]);
    }
}
