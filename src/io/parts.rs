//! Files of a partitioned run: the parts `dedupe partition` writes, and the outputs
//! `dedupe merge` makes of the parts' outputs.
//!
//! In: tables and a [`Plan`](crate::matching::partition::Plan) (writing parts); the out
//! folders of the parts' runs (merging). Out: per part `aid.csv`, `register.idx` and
//! `part.json`, and `manifest.json` beside them; merged `decisions.csv`, `verified.csv`,
//! `duplicates.csv`, `rejected.csv`, the review files and `summary.json`, as one run over
//! the whole aid list writes them (rows numbered in the whole list, groups numbered by
//! their first row, the review ranked as one queue).
//!
//! Layout of a partition folder:
//! ```text
//! DIR/manifest.json          the inputs, the parts, the config the parts run with
//! DIR/model.json             the scoring model every part uses
//! DIR/part-0000/aid.csv      the part's aid rows, all columns, in list order
//! DIR/part-0000/register.idx the register rows the part can reach, as a register index
//! DIR/part-0000/part.json    the part's aid rows in the whole list, the whole run's facts
//! DIR/part-0000/out/         the part's run (`dedupe part DIR 0`), with its review rows
//!                            (`review-rows.json`) for the merged review
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::config::{FileConfig, Lang};
use crate::core::error::{Error, LoadError, WriteError};
use crate::core::fsio::write_atomic;
use crate::core::status::Status;
use crate::io::files::{
    DECISIONS, DUPLICATES, OUTPUTS, REGISTER_DUPLICATES, REJECTED, REVIEW_ROWS, SUMMARY, VERIFIED,
};
use crate::io::load::Table;
use crate::io::official::RunFiles;
use crate::io::output::{self, InputSummary, OutputTable};
use crate::io::register_duplicates::RegisterTwiceFile;
use crate::io::review::{DecisionCounts, ReviewRow};
use crate::matching::areas::AreaStats;
use crate::matching::whole::WholeRun;

pub(crate) const MANIFEST: &str = "manifest.json";
pub(crate) const PART: &str = "part.json";
pub const AID: &str = "aid.csv";
pub const REGISTER: &str = "register.idx";
pub const OUT: &str = "out";
/// The register search of the whole run, for the merge
/// ([`crate::io::register_duplicates::RegisterTwiceFile`]).
pub(crate) const REGISTER_TWICE: &str = "register-twice.json";

/// The folder of part `k`.
pub(crate) fn part_dir(dir: &Path, k: usize) -> PathBuf {
    dir.join(format!("part-{k:04}"))
}

/// What `dedupe partition` wrote, for `dedupe part` and `dedupe merge`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    pub aid: InputSummary,
    pub register: InputSummary,
    pub parts: usize,
    /// NIK digits that name a region (2 province, 4 regency, 6 kecamatan).
    pub region_digits: usize,
    /// Aid rows per part.
    pub aid_rows: Vec<usize>,
    /// Register rows per part (a row can be in several).
    pub register_rows: Vec<usize>,
    /// The config the parts run with (the run's, reading the parts' CSV files).
    pub config: FileConfig,
    /// The config as given (what the merged `summary.json` reports).
    pub run_config: FileConfig,
    /// What one run would report of the whole inputs.
    pub register_repeated_niks: usize,
    pub area_spellings_recognised: AreaStats,
    pub aid_quality: BTreeMap<String, usize>,
    pub warnings: Vec<String>,
    /// Reviewers' decisions given to `partition --decisions`: what became of them before
    /// the parts (read, skipped, stale, unknown); the parts apply the rest.
    pub decisions: Option<DecisionCounts>,
}

/// One part's `part.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PartFile {
    pub part: usize,
    /// The 0-based row in the whole aid list of each of the part's aid rows.
    pub aid_rows: Vec<u32>,
    /// The 0-based row in the whole register of each of the part's register rows.
    pub register_rows: Vec<u32>,
    pub whole: WholeRun,
}

fn json_err(path: &Path, e: impl std::fmt::Display) -> LoadError {
    LoadError::Part {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Read a JSON file of a partition folder.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| json_err(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| json_err(path, e))
}

/// Write a JSON file atomically.
pub(crate) fn write_json<T: Serialize>(
    dir: &Path,
    name: &str,
    value: &T,
) -> Result<PathBuf, WriteError> {
    write_atomic(dir, name, |w| {
        serde_json::to_writer_pretty(&mut *w, value)?;
        writeln!(w)
    })
}

/// Write rows `rows` of `table` (all its columns, its headers) as a CSV file.
pub(crate) fn write_rows(
    dir: &Path,
    name: &str,
    table: &Table,
    rows: &[u32],
) -> Result<PathBuf, WriteError> {
    write_atomic(dir, name, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(table.headers())?;
        for &r in rows {
            out.write_record(table.columns.iter().map(|c| c.get(r as usize)))?;
        }
        out.flush()
    })
}

fn column(csv: &OutputTable, name: &str, path: &Path) -> Result<usize, LoadError> {
    csv.col(name).ok_or_else(|| LoadError::Csv {
        path: path.to_path_buf(),
        row: 1,
        message: format!("no column `{name}`: not the output of a run of this version"),
    })
}

/// One part's outputs, read for merging.
struct PartOut {
    part: usize,
    /// The part's out folder.
    out: PathBuf,
    /// Whole-list row of each part row.
    rows: Vec<u32>,
    /// Whole-register row of each of the part's register rows.
    register_rows: Vec<u32>,
    decisions: OutputTable,
    verified: OutputTable,
    rejected: OutputTable,
    duplicates: OutputTable,
    summary: serde_json::Value,
    review: Vec<ReviewRow>,
}

impl PartOut {
    fn read(dir: &Path, k: usize, manifest: &Manifest) -> Result<PartOut, LoadError> {
        let pdir = part_dir(dir, k);
        let part: PartFile = read_json(&pdir.join(PART))?;
        let out = pdir.join(OUT);
        if !out.join(SUMMARY).is_file() {
            return Err(LoadError::Part {
                path: out.clone(),
                message: format!(
                    "part {k} has not run (no {}); run it with `dedupe part {} {k}`",
                    SUMMARY,
                    dir.display()
                ),
            });
        }
        let summary: serde_json::Value = read_json(&out.join(SUMMARY))?;
        // The outputs must come from the part's files as they are now (a partition written
        // again after the part ran leaves outputs of other rows).
        // (A part's register is an index: its runs report the whole register's SHA-256.)
        let register_sha = manifest.register.sha256.clone();
        let aid_sha = crate::core::fsio::sha256_file(&pdir.join(AID))?;
        for (name, side, now) in [(AID, "aid", aid_sha), (REGISTER, "register", register_sha)] {
            if summary[side]["sha256"].as_str() != Some(now.as_str()) {
                return Err(LoadError::Part {
                    path: out.join(SUMMARY),
                    message: format!(
                        "these outputs were made from another {name} than the part's; run \
                         the part again with `dedupe part {} {k}`",
                        dir.display()
                    ),
                });
            }
        }
        let decisions = OutputTable::read(&out.join(DECISIONS))?;
        if decisions.rows.len() != part.aid_rows.len() {
            return Err(LoadError::Part {
                path: out.join(DECISIONS),
                message: format!(
                    "{} rows for the part's {} aid rows; run the part again with `dedupe part {} {k}`",
                    decisions.rows.len(),
                    part.aid_rows.len(),
                    dir.display()
                ),
            });
        }
        Ok(PartOut {
            part: k,
            rows: part.aid_rows,
            register_rows: part.register_rows,
            decisions,
            verified: OutputTable::read(&out.join(VERIFIED))?,
            rejected: OutputTable::read(&out.join(REJECTED))?,
            duplicates: OutputTable::read(&out.join(DUPLICATES))?,
            review: read_json(&out.join(REVIEW_ROWS))?,
            summary,
            out,
        })
    }

    /// The path of one of the part's outputs (for messages).
    fn path(&self, name: &str) -> PathBuf {
        self.out.join(name)
    }

    /// The whole-list row (0-based) of a 1-based part row number as written in a CSV.
    fn whole_row(&self, cell: &str) -> Option<u32> {
        let n: usize = cell.parse().ok()?;
        self.rows.get(n.checked_sub(1)?).copied()
    }
}

/// `evidence` with every `(row N)` (a part's row, 1-based) given the whole list's number.
fn renumber_rows(evidence: &str, whole: impl Fn(&str) -> Option<u32>) -> String {
    const OPEN: &str = "(row ";
    let mut out = String::with_capacity(evidence.len());
    let mut rest = evidence;
    while let Some(i) = rest.find(OPEN) {
        let (head, tail) = rest.split_at(i + OPEN.len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        match whole(&tail[..digits]) {
            Some(r) if tail[digits..].starts_with(')') => out.push_str(&(r + 1).to_string()),
            _ => out.push_str(&tail[..digits]),
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// Group ids across parts: a part's group `(part, id)` gets the whole run's number, in
/// order of the group's first row in the whole list.
struct GroupIds(BTreeMap<(usize, String), String>);

impl GroupIds {
    fn new(parts: &[PartOut]) -> Result<GroupIds, LoadError> {
        let mut first: BTreeMap<(usize, String), u32> = BTreeMap::new();
        for p in parts {
            let path = &p.path(DECISIONS);
            let c_row = column(&p.decisions, "row", path)?;
            let c_group = column(&p.decisions, "group_id", path)?;
            for rec in &p.decisions.rows {
                let g = &rec[c_group];
                if g.is_empty() {
                    continue;
                }
                let row = p.whole_row(&rec[c_row]).ok_or_else(|| LoadError::Part {
                    path: path.clone(),
                    message: format!("row {} is not one of the part's rows", &rec[c_row]),
                })?;
                let e = first.entry((p.part, g.to_string())).or_insert(row);
                *e = (*e).min(row);
            }
        }
        let mut order: Vec<(u32, (usize, String))> =
            first.into_iter().map(|(k, row)| (row, k)).collect();
        order.sort();
        Ok(GroupIds(
            order
                .into_iter()
                .enumerate()
                .map(|(i, (_, k))| (k, output::group_id(i)))
                .collect(),
        ))
    }

    fn get(&self, part: usize, g: &str) -> String {
        if g.is_empty() {
            return String::new();
        }
        self.0
            .get(&(part, g.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// Rows keyed by their place in the whole outputs, as a table in that order.
fn sorted(header: Vec<String>, mut rows: Vec<((u64, u32), csv::StringRecord)>) -> OutputTable {
    rows.sort_unstable_by_key(|r| r.0);
    OutputTable {
        header,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

/// `rec` with the cells at the positions of `at` replaced: one record (one buffer), not a
/// string per cell (a merge holds millions of rows).
fn with_cells(rec: &csv::StringRecord, at: &[(usize, &str)]) -> csv::StringRecord {
    let mut out = csv::StringRecord::with_capacity(rec.as_slice().len() + 16, rec.len());
    for (i, cell) in rec.iter().enumerate() {
        out.push_field(at.iter().find(|(c, _)| *c == i).map_or(cell, |(_, v)| v));
    }
    out
}

/// The register search of the whole run into the merged outputs, when the partition
/// step made one (`register-twice.json`): `register-duplicates.csv` in `out_dir`, with the
/// aid rows the merged decisions link to either record, and `summary.json`'s
/// `register_twice` and `outputs`, as one run writes them.
pub(crate) fn merge_register_twice(
    dir: &Path,
    out_dir: &Path,
    files: &mut RunFiles,
    excel: bool,
) -> Result<(), Error> {
    let path = dir.join(REGISTER_TWICE);
    if !path.is_file() {
        return Ok(());
    }
    let twice: RegisterTwiceFile = read_json(&path)?;
    let d = &files.decisions;
    let dpath = out_dir.join(DECISIONS);
    let (c_row, c_register) = (
        column(d, "row", &dpath)?,
        column(d, "register_row", &dpath)?,
    );
    let one_based = |cell: &str| cell.parse::<usize>().ok().filter(|&n| n > 0);
    let linked = d.rows.iter().filter_map(|rec| {
        let register_row = one_based(&rec[c_register])? - 1;
        Some((register_row, one_based(&rec[c_row])?))
    });
    write_atomic(out_dir, REGISTER_DUPLICATES, |w| {
        crate::io::register_duplicates::write_lines(w, &twice.lines, linked, excel)
    })?;
    files.summary["register_twice"] = serde_json::json!(twice.summary);
    if let Some(outputs) = files.summary["outputs"].as_array_mut() {
        outputs.push(serde_json::json!(REGISTER_DUPLICATES));
    }
    Ok(())
}

/// What merging found.
#[derive(Debug, Clone, Serialize)]
pub struct Merged {
    pub rows: usize,
    pub groups: usize,
}

/// Rows of the merged tables, keyed for their order (group or 0, then the whole row).
type Keyed = Vec<((u64, u32), csv::StringRecord)>;

/// The merged tables as they are gathered from the parts.
#[derive(Default)]
struct MergedRows {
    decisions: Keyed,
    verified: Keyed,
    rejected: Keyed,
    duplicates: Keyed,
}

/// Every part's outputs, read in parallel; the first failing part in order is reported
/// (collecting into a `Result` would report whichever failed first in time).
fn read_parts(dir: &Path, manifest: &Manifest) -> Result<Vec<PartOut>, LoadError> {
    use rayon::prelude::*;
    let parts: Vec<PartOut> = (0..manifest.parts)
        .into_par_iter()
        .map(|k| PartOut::read(dir, k, manifest))
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<_, _>>()?;
    let total: usize = parts.iter().map(|p| p.rows.len()).sum();
    if total != manifest.aid.rows {
        return Err(LoadError::Part {
            path: dir.join(MANIFEST),
            message: format!(
                "the parts hold {total} aid rows, the aid list {}",
                manifest.aid.rows
            ),
        });
    }
    Ok(parts)
}

/// A part's row number (`cell`, 1-based) as the whole list's, empty when it is not one.
fn renumber(p: &PartOut, cell: &str) -> String {
    p.whole_row(cell)
        .map(|r| (r + 1).to_string())
        .unwrap_or_default()
}

impl MergedRows {
    /// A part's decisions (rows, groups, kept rows, evidence and register rows numbered as
    /// the whole run's) and its verified rows, which follow its `VERIFIED` decisions.
    fn add_decisions(
        &mut self,
        p: &PartOut,
        d: &OutputTable,
        verified: OutputTable,
        groups: &GroupIds,
    ) -> Result<(), LoadError> {
        let path = &p.path(DECISIONS);
        let (c_row, c_status, c_group, c_dup, c_evidence, c_register) = (
            column(d, "row", path)?,
            column(d, "status", path)?,
            column(d, "group_id", path)?,
            column(d, "duplicate_of_row", path)?,
            column(d, "evidence", path)?,
            column(d, "register_row", path)?,
        );
        // A part's register rows are its own: numbered again as the whole register's.
        let whole_register = |cell: &str| -> String {
            cell.parse::<usize>()
                .ok()
                .and_then(|n| p.register_rows.get(n.checked_sub(1)?))
                .map(|&r| (r + 1).to_string())
                .unwrap_or_default()
        };
        let mut v = verified.rows.into_iter();
        for rec in &d.rows {
            let row = p.whole_row(&rec[c_row]).unwrap_or(u32::MAX);
            let out = with_cells(
                rec,
                &[
                    (c_row, &(row + 1).to_string()),
                    (c_group, &groups.get(p.part, &rec[c_group])),
                    (c_dup, &renumber(p, &rec[c_dup])),
                    (
                        c_evidence,
                        &renumber_rows(&rec[c_evidence], |c| p.whole_row(c)),
                    ),
                    (c_register, &whole_register(&rec[c_register])),
                ],
            );
            if &rec[c_status] == Status::Verified.code() {
                if let Some(vr) = v.next() {
                    self.verified.push(((0, row), vr));
                }
            }
            self.decisions.push(((0, row), out));
        }
        Ok(())
    }

    /// A part's rejected rows (row, status, reason, alasan, group_id, register_nik,
    /// originals): a duplicate's reason names the kept row as the whole list numbers it.
    fn add_rejected(
        &mut self,
        p: &PartOut,
        d: &OutputTable,
        r: &OutputTable,
        groups: &GroupIds,
    ) -> Result<(), LoadError> {
        let path = p.path(DECISIONS);
        let (c_row, c_dup) = (
            column(d, "row", &path)?,
            column(d, "duplicate_of_row", &path)?,
        );
        let rpath = p.path(REJECTED);
        let (r_row, r_status, r_alasan, r_group) = (
            column(r, "row", &rpath)?,
            column(r, "status", &rpath)?,
            column(r, "alasan", &rpath)?,
            column(r, "group_id", &rpath)?,
        );
        let dup_of: BTreeMap<u32, String> = d
            .rows
            .iter()
            .filter(|rec| !rec[c_dup].is_empty())
            .map(|rec| {
                (
                    p.whole_row(&rec[c_row]).unwrap_or(u32::MAX),
                    renumber(p, &rec[c_dup]),
                )
            })
            .collect();
        for rec in &r.rows {
            let row = p.whole_row(&rec[r_row]).unwrap_or(u32::MAX);
            let group = groups.get(p.part, &rec[r_group]);
            let alasan = match dup_of.get(&row) {
                Some(kept) if &rec[r_status] == Status::Duplicate.code() => {
                    Some(output::alasan_duplicate(kept, &group))
                }
                _ => None,
            };
            let row_text = (row + 1).to_string();
            let mut at = vec![(r_row, row_text.as_str()), (r_group, group.as_str())];
            if let Some(a) = &alasan {
                at.push((r_alasan, a.as_str()));
            }
            self.rejected.push(((0, row), with_cells(rec, &at)));
        }
        Ok(())
    }

    /// A part's duplicate groups, keyed by the whole run's group number, then row.
    fn add_duplicates(
        &mut self,
        p: &PartOut,
        g: &OutputTable,
        groups: &GroupIds,
    ) -> Result<(), LoadError> {
        let gpath = p.path(DUPLICATES);
        let (g_group, g_row, g_evidence) = (
            column(g, "group_id", &gpath)?,
            column(g, "row", &gpath)?,
            column(g, "evidence", &gpath)?,
        );
        for rec in &g.rows {
            let row = p.whole_row(&rec[g_row]).unwrap_or(u32::MAX);
            let gid = groups.get(p.part, &rec[g_group]);
            let n: u64 = gid.trim_start_matches('G').parse().unwrap_or(u64::MAX);
            let out = with_cells(
                rec,
                &[
                    (g_row, &(row + 1).to_string()),
                    (
                        g_evidence,
                        &renumber_rows(&rec[g_evidence], |c| p.whole_row(c)),
                    ),
                    (g_group, &gid),
                ],
            );
            self.duplicates.push(((n, row), out));
        }
        Ok(())
    }
}

/// The review queue of every part: rows and aid candidates renumbered, ranked again as
/// one queue.
fn merged_review(parts: &[PartOut]) -> Vec<ReviewRow> {
    let mut review: Vec<ReviewRow> = Vec::new();
    for p in parts {
        let whole = |n: usize| p.whole_row(&n.to_string()).map_or(n, |r| r as usize + 1);
        for r in &p.review {
            let mut r = r.clone();
            r.row = whole(r.row);
            r.aid.row = whole(r.aid.row);
            for c in &mut r.candidates {
                c.row = match c.source.as_str() {
                    "aid" => whole(c.row),
                    _ => c
                        .row
                        .checked_sub(1)
                        .and_then(|i| p.register_rows.get(i))
                        .map_or(c.row, |&r| r as usize + 1),
                };
            }
            r.evidence = renumber_rows(&r.evidence, |c| p.whole_row(c));
            review.push(r);
        }
    }
    crate::io::review::rank(&mut review);
    review
}

/// Write the four tables side by side into `out_dir`.
fn write_tables(out_dir: &Path, files: &RunFiles, excel: bool) -> Result<(), WriteError> {
    use crate::io::files::{DECISIONS, DUPLICATES, REJECTED, VERIFIED};
    let write = |name: &str, t: &OutputTable| output::write_output_table(out_dir, name, t, excel);
    let ((a, b), (c, d)) = rayon::join(
        || {
            rayon::join(
                || write(DECISIONS, &files.decisions),
                || write(VERIFIED, &files.verified),
            )
        },
        || {
            rayon::join(
                || write(REJECTED, &files.rejected),
                || write(DUPLICATES, &files.duplicates),
            )
        },
    );
    a?;
    b?;
    c?;
    d?;
    Ok(())
}

/// Merge the parts' outputs in `dir` into `out_dir` (a staging folder; `reported_dir` is
/// the out folder the summary names): the four CSV outputs and the review files; returned
/// with the merged summary (savings not yet set), from which the caller builds the
/// reports for officials and writes `summary.json`.
pub fn merge(
    dir: &Path,
    out_dir: &Path,
    reported_dir: &Path,
    manifest: &Manifest,
    lang: Lang,
    excel: bool,
) -> Result<(Merged, RunFiles), Error> {
    let mut parts = read_parts(dir, manifest)?;
    let groups = GroupIds::new(&parts)?;
    let headers = |t: &OutputTable| t.header.clone();
    let first = &parts[0];
    let header = (
        headers(&first.decisions),
        headers(&first.verified),
        headers(&first.rejected),
        headers(&first.duplicates),
    );
    let mut rows = MergedRows::default();
    // Each part's tables are dropped once merged: the merged rows and one part's rows in
    // memory, not every part's twice.
    for p in &mut parts {
        let (d, v) = (
            std::mem::take(&mut p.decisions),
            std::mem::take(&mut p.verified),
        );
        let (r, g) = (
            std::mem::take(&mut p.rejected),
            std::mem::take(&mut p.duplicates),
        );
        rows.add_decisions(p, &d, v, &groups)?;
        rows.add_rejected(p, &d, &r, &groups)?;
        rows.add_duplicates(p, &g, &groups)?;
    }
    let review = merged_review(&parts);
    std::fs::create_dir_all(out_dir).map_err(|source| WriteError::Io {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let run_id: String = manifest.aid.sha256.chars().take(16).collect();
    let mut files = RunFiles {
        summary: serde_json::Value::Null,
        decisions: sorted(header.0, rows.decisions),
        verified: sorted(header.1, rows.verified),
        rejected: sorted(header.2, rows.rejected),
        duplicates: sorted(header.3, rows.duplicates),
    };
    // The files side by side; the review beside them.
    let (tables, review_files) = rayon::join(
        || write_tables(out_dir, &files, excel),
        || crate::io::review::write_all(out_dir, &review, lang, &run_id),
    );
    tables?;
    review_files?;
    files.summary = merged_summary(&parts, manifest, reported_dir, &review);
    let merged = Merged {
        rows: files.decisions.rows.len(),
        groups: groups.0.len(),
    };
    Ok((merged, files))
}

/// The merged `summary.json` ([`merge_summaries`]) with the review queue's counts:
/// what partitioning counted of the decisions (read, skipped, stale, unknown) and what
/// the parts applied or could not resolve.
fn merged_summary(
    parts: &[PartOut],
    manifest: &Manifest,
    reported_dir: &Path,
    review: &[ReviewRow],
) -> serde_json::Value {
    let mut summary = merge_summaries(parts, manifest, reported_dir);
    let mut review_summary = crate::io::review::summary(review);
    review_summary.decisions = manifest.decisions.clone().map(|mut c| {
        for p in parts {
            let d = &p.summary["review"]["decisions"];
            let n = |k: &str| d[k].as_u64().unwrap_or(0) as usize;
            c.applied += n("applied");
            c.unknown += n("unknown");
        }
        c
    });
    summary["review"] = serde_json::json!(review_summary);
    summary
}

/// Add `b` into `a`: numbers summed, objects merged key by key; other values kept from `a`.
fn add_json(a: &mut serde_json::Value, b: &serde_json::Value) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x1), Some(y1)) = (x.as_u64(), y.as_u64()) {
                *x = (x1 + y1).into();
            } else if let (Some(x1), Some(y1)) = (x.as_f64(), y.as_f64()) {
                if let Some(n) = serde_json::Number::from_f64(x1 + y1) {
                    *x = n;
                }
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                match x.get_mut(k) {
                    Some(xv) => add_json(xv, v),
                    None => {
                        x.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (a @ Value::Null, b) => *a = b.clone(),
        _ => {}
    }
}

/// The whole run's `summary.json` from the parts': counts added, the inputs, warnings and
/// whole-list figures from the manifest.
fn merge_summaries(parts: &[PartOut], m: &Manifest, out_dir: &Path) -> serde_json::Value {
    use serde_json::{json, Value};
    let mut s = parts[0].summary.clone();
    for key in [
        "rows_in",
        "rows_out",
        "rows_verified",
        "status_counts",
        "reason_counts",
        "duplicates",
        "fuzzy",
    ] {
        let mut acc = Value::Null;
        for p in parts {
            add_json(&mut acc, &p.summary[key]);
        }
        s[key] = acc;
    }
    // Stage times: the longest part's (parts run side by side), and the sum of all.
    let mut longest = Value::Null;
    let mut sum = Value::Null;
    for p in parts {
        let st = &p.summary["stage_seconds"];
        add_json(&mut sum, st);
        if st["total"].as_f64() > longest["total"].as_f64() {
            longest = st.clone();
        }
    }
    s["stage_seconds"] = longest;
    s["stage_seconds_all_parts"] = sum;
    // Memory: the largest part's peak (each part is a process of its own).
    let peak = parts
        .iter()
        .filter_map(|p| p.summary["memory"]["peak_bytes"].as_u64())
        .max();
    s["memory"]["peak_bytes"] = json!(peak);
    s["aid"] = json!(m.aid);
    s["register"] = json!(m.register);
    s["register_repeated_niks"] = json!(m.register_repeated_niks);
    s["area_spellings_recognised"] = json!(m.area_spellings_recognised);
    s["aid_quality"] = json!(m.aid_quality);
    s["warnings"] = json!(m.warnings);
    s["out_dir"] = json!(out_dir.display().to_string());
    s["parts"] = json!(m.parts);
    s["config"] = json!(m.run_config);
    s["outputs"] = json!(OUTPUTS);
    // The savings are those of the reports built from the merged files.
    s["savings"] = Value::Null;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_rows_are_renumbered_and_nothing_else() {
        // Part rows 1, 2, 3 are whole-list rows 10, 20, 30 (0-based 9, 19, 29).
        let whole = |c: &str| match c {
            "1" => Some(9),
            "2" => Some(19),
            "3" => Some(29),
            _ => None,
        };
        for (input, want) in [
            (
                "fuzzy_pair(row 2);weight=51.8",
                "fuzzy_pair(row 20);weight=51.8",
            ),
            ("review_same_person(row 3)", "review_same_person(row 30)"),
            (
                "exact_nik;weight=85.6;p=1.0000",
                "exact_nik;weight=85.6;p=1.0000",
            ),
            (
                "fuzzy_pair(row 1);a;fuzzy_pair(row 3)",
                "fuzzy_pair(row 10);a;fuzzy_pair(row 30)",
            ),
            // Not a part row, or not a row reference: left as written.
            ("fuzzy_pair(row 7)", "fuzzy_pair(row 7)"),
            ("(row 2x)", "(row 2x)"),
            ("(row ", "(row "),
            ("", ""),
        ] {
            assert_eq!(renumber_rows(input, whole), want, "{input}");
        }
    }
}
