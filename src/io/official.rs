//! Reports for officials: `report.html` and `report.xlsx`, in Bahasa Indonesia (or English).
//!
//! In: the out folder of a run (`decisions.csv`, `verified.csv`, `rejected.csv`,
//! `duplicates.csv`, `summary.json`) and the benefit amounts of the config.
//! Out: `report.html`, one self-contained page (inline CSS and SVG, no script, no network,
//! A4 print) with the figures, the savings in Rupiah, tables and bar charts per kecamatan,
//! kelurahan and program, data quality, a sample of duplicate groups with masked NIKs and
//! the run's metadata; and `report.xlsx` with the sheets Ringkasan, Terverifikasi, Data
//! Ganda and Ditolak (NIK and KK stored as text, header rows frozen, widths set).
//! Everything is rebuilt from the files, so `dedupe report` can redo it when amounts change.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use serde_json::Value;

use crate::core::config::{Benefits, Field};
use crate::core::error::{LoadError, WriteError};
use crate::io::output::write_atomic;
use crate::normalize::nik::mask;

pub use crate::core::config::Lang;
pub use crate::io::money::{rupiah, rupiah_words};

use crate::io::files::{REPORT_HTML, REPORT_XLSX};
use crate::io::output::{
    OutputRow as Row, OutputTable, RunOutput, DUPLICATES_HEADER, REJECTED_LEAD,
};
use crate::io::xlsx::{xlsx_cell, XLSX_LAST_ROW, XLSX_ZIP_LEVEL};

/// The rows of the workbook's row sheets, from memory (a run) or from a run's files.
pub trait SheetRows: Sync {
    /// Column headers of the aid list (the original columns).
    fn aid_headers(&self) -> Vec<String>;
    /// Call `f` with every row of `sheet`, in order, until it returns an error.
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError>;
}

/// The row sheets of `report.xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// Terverifikasi: the original columns and `register_nik`.
    Verified,
    /// Data Ganda: the columns of `duplicates.csv`.
    Duplicates,
    /// Ditolak: the columns of `rejected.csv`.
    Rejected,
}

/// The column headers of a row sheet, given the aid list's own headers.
pub fn sheet_headers(sheet: Sheet, aid: &[String]) -> Vec<String> {
    match sheet {
        Sheet::Verified => {
            let mut h = aid.to_vec();
            h.push("register_nik".into());
            h
        }
        Sheet::Duplicates => DUPLICATES_HEADER.map(String::from).to_vec(),
        Sheet::Rejected => {
            let mut h: Vec<String> = REJECTED_LEAD.map(String::from).to_vec();
            h.extend(aid.iter().cloned());
            h
        }
    }
}

/// What the reports need of one aid row.
#[derive(Debug, Clone, Default)]
pub struct RowFacts<'a> {
    pub status: &'a str,
    pub reason: &'a str,
    pub program: std::borrow::Cow<'a, str>,
    pub kecamatan: std::borrow::Cow<'a, str>,
    pub kelurahan: std::borrow::Cow<'a, str>,
    /// A `DUPLICATE` whose group was joined through a superseded NIK: one person under
    /// two NIKs (the auditors' NIK ganda).
    pub other_nik: bool,
}

/// Everything the reports show (figures only: the row sheets come from a [`SheetRows`]).
#[derive(Debug, Clone)]
pub struct Facts {
    pub rows: usize,
    pub status_counts: BTreeMap<String, usize>,
    pub reason_counts: BTreeMap<String, usize>,
    /// Rupiah kept out of payment, per status.
    pub savings_by_status: BTreeMap<String, u64>,
    pub savings_total: u64,
    /// Of the total: rows that will not be paid whatever is corrected (a duplicate, a death,
    /// a move, someone else's NIK): [`confirmed_saving`].
    pub savings_confirmed: u64,
    /// Of the total: rows withheld until their NIK is corrected (invalid, damaged, or not in
    /// the register): paid later if it turns out right.
    pub savings_pending: u64,
    pub months: u32,
    /// Area or program -> (rows, verified, withheld, savings).
    pub by_kecamatan: BTreeMap<String, [u64; 4]>,
    pub by_kelurahan: BTreeMap<String, [u64; 4]>,
    pub by_program: BTreeMap<String, [u64; 4]>,
    pub groups: usize,
    pub summary: Value,
    /// The rows of the first duplicate groups, as in `duplicates.csv`, by column name.
    pub duplicates: Vec<Row>,
    /// The findings in the auditors' categories, per program.
    pub audit: crate::io::audit::AuditTally,
    /// The amounts the figures were priced with (the changes section prices its rows).
    pub benefits: Benefits,
}

/// Whether a withheld row's amount is a confirmed saving: the row will not be paid whatever
/// is corrected (`DUPLICATE`, `DECEASED`, `MOVED_OUT`, `NAME_MISMATCH`: someone else's NIK).
/// The other withheld rows (`INVALID_NIK`, `NIK_DAMAGED`, `NOT_IN_REGISTER`) are pending: a
/// corrected NIK may make them payable.
pub fn confirmed_saving(status: &str) -> bool {
    matches!(
        status,
        "DUPLICATE" | "DECEASED" | "MOVED_OUT" | "NAME_MISMATCH"
    )
}

/// How many duplicate groups the report shows.
pub const SAMPLE_GROUPS: usize = 10;

/// The value of `field` (its column or columns, joined by a space) in a row whose cells
/// `cell` gives by header.
fn field_value<'c>(cell: impl Fn(&str) -> Option<&'c str>, columns: &Value, field: &str) -> String {
    columns[field]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(|h| h.as_str())
                .filter_map(&cell)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

impl Facts {
    /// The savings figures, as `summary.json` reports them.
    pub fn savings(&self) -> crate::io::output::Savings {
        crate::io::output::Savings {
            months: self.months,
            total_rp: self.savings_total,
            confirmed_rp: self.savings_confirmed,
            pending_rp: self.savings_pending,
        }
    }

    /// Compute the figures from every aid row's facts, the summary and the first duplicate
    /// groups' rows.
    pub fn compute<'a>(
        rows: impl IntoIterator<Item = RowFacts<'a>>,
        summary: Value,
        duplicates: Vec<Row>,
        benefits: &Benefits,
    ) -> Facts {
        let mut facts = Facts {
            rows: 0,
            status_counts: BTreeMap::new(),
            reason_counts: BTreeMap::new(),
            savings_by_status: BTreeMap::new(),
            savings_total: 0,
            savings_confirmed: 0,
            savings_pending: 0,
            months: benefits.months,
            by_kecamatan: BTreeMap::new(),
            by_kelurahan: BTreeMap::new(),
            by_program: BTreeMap::new(),
            groups: summary["duplicates"]["groups"].as_u64().unwrap_or(0) as usize,
            summary,
            duplicates,
            audit: Default::default(),
            benefits: benefits.clone(),
        };
        let mut areas = AreaTally::default();
        let mut monthly_cache: std::collections::HashMap<String, u64> =
            std::collections::HashMap::new();
        for (d, n) in combinations(rows) {
            facts.rows += n as usize;
            let monthly = match monthly_cache.get(d.program.as_ref()) {
                Some(&m) => m,
                None => {
                    let m = benefits.monthly(&d.program);
                    monthly_cache.insert(d.program.to_string(), m);
                    m
                }
            };
            let saved = if d.status == "VERIFIED" {
                0
            } else {
                // Bounded by the config's checks; saturating all the same, never wrapping.
                monthly
                    .saturating_mul(u64::from(benefits.months))
                    .saturating_mul(n)
            };
            facts.add_rows(&d, n, saved);
            let row = (d.status, d.reason, d.other_nik);
            crate::io::audit::add(&mut facts.audit, row, &d.program, n, saved);
            areas.add(&d, n, saved);
        }
        // Show each area under one label however it was spelled.
        (facts.by_kecamatan, facts.by_kelurahan, facts.by_program) = areas.relabelled();
        facts
    }

    /// `n` rows of one status and reason, and what withholding them saves.
    fn add_rows(&mut self, d: &RowFacts<'_>, n: u64, saved: u64) {
        *self.status_counts.entry(d.status.to_string()).or_default() += n as usize;
        *self.reason_counts.entry(d.reason.to_string()).or_default() += n as usize;
        *self
            .savings_by_status
            .entry(d.status.to_string())
            .or_default() += saved;
        self.savings_total += saved;
        if confirmed_saving(d.status) {
            self.savings_confirmed += saved;
        } else {
            self.savings_pending += saved;
        }
    }
}

/// Rows repeat the same few statuses, programs and areas: each distinct combination with
/// its count, in a fixed order.
fn combinations<'a>(rows: impl IntoIterator<Item = RowFacts<'a>>) -> Vec<(RowFacts<'a>, u64)> {
    type Key<'k> = (
        &'k str,
        &'k str,
        bool,
        std::borrow::Cow<'k, str>,
        std::borrow::Cow<'k, str>,
        std::borrow::Cow<'k, str>,
    );
    let mut combos: rustc_hash::FxHashMap<Key<'a>, u64> = Default::default();
    for d in rows {
        *combos
            .entry((
                d.status,
                d.reason,
                d.other_nik,
                d.program,
                d.kecamatan,
                d.kelurahan,
            ))
            .or_default() += 1;
    }
    let mut combos: Vec<(Key<'a>, u64)> = combos.into_iter().collect();
    combos.sort_unstable();
    combos
        .into_iter()
        .map(
            |((status, reason, other_nik, program, kecamatan, kelurahan), n)| {
                let d = RowFacts {
                    status,
                    reason,
                    other_nik,
                    program,
                    kecamatan,
                    kelurahan,
                };
                (d, n)
            },
        )
        .collect()
}

/// Rows, rows paid, rows withheld and savings per kecamatan, kelurahan and program, keyed
/// by the area's key with the fullest spelling seen as its label.
#[derive(Default)]
struct AreaTally {
    kec: BTreeMap<String, [u64; 4]>,
    kel: BTreeMap<String, [u64; 4]>,
    prog: BTreeMap<String, [u64; 4]>,
    labels: BTreeMap<String, String>,
    /// Area cells repeat: each distinct cell's key and label computed once.
    area_cache: std::collections::HashMap<String, (String, String)>,
}

impl AreaTally {
    fn add(&mut self, d: &RowFacts<'_>, n: u64, saved: u64) {
        let verified_row = d.status == "VERIFIED";
        for (which, raw) in [(0, &d.kecamatan), (1, &d.kelurahan), (2, &d.program)] {
            let (key, label) = if which < 2 {
                if !self.area_cache.contains_key(raw.as_ref()) {
                    self.area_cache.insert(raw.to_string(), area_label(raw));
                }
                self.area_cache[raw.as_ref()].clone()
            } else {
                let p = raw.trim().to_uppercase();
                (
                    format!("program:{p}"),
                    if p.is_empty() { "-".to_string() } else { p },
                )
            };
            let best = self
                .labels
                .entry(key.clone())
                .or_insert_with(|| label.clone());
            if label.matches(' ').count() > best.matches(' ').count() {
                *best = label;
            }
            let m = match which {
                0 => &mut self.kec,
                1 => &mut self.kel,
                _ => &mut self.prog,
            };
            let e = m.entry(key).or_insert([0; 4]);
            e[0] += n;
            e[if verified_row { 1 } else { 2 }] += n;
            e[3] += saved;
        }
    }

    /// The kecamatan, kelurahan and program tallies under their labels.
    #[allow(clippy::type_complexity)] // three tallies of one shape, named at the call
    fn relabelled(
        self,
    ) -> (
        BTreeMap<String, [u64; 4]>,
        BTreeMap<String, [u64; 4]>,
        BTreeMap<String, [u64; 4]>,
    ) {
        let AreaTally {
            kec,
            kel,
            prog,
            labels,
            ..
        } = self;
        (
            relabel(&labels, kec),
            relabel(&labels, kel),
            relabel(&labels, prog),
        )
    }
}

/// One tally under the areas' labels (spellings of one area added up).
fn relabel(
    labels: &BTreeMap<String, String>,
    m: BTreeMap<String, [u64; 4]>,
) -> BTreeMap<String, [u64; 4]> {
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for (k, v) in m {
        let e = out
            .entry(labels.get(&k).cloned().unwrap_or(k))
            .or_insert([0; 4]);
        for (x, y) in e.iter_mut().zip(v) {
            *x += y;
        }
    }
    out
}

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
        let summary_path = out_dir.join(crate::io::files::SUMMARY);
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
            || {
                rayon::join(
                    || read(crate::io::files::DECISIONS),
                    || read(crate::io::files::VERIFIED),
                )
            },
            || {
                rayon::join(
                    || read(crate::io::files::REJECTED),
                    || read(crate::io::files::DUPLICATES),
                )
            },
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

/// The grouping key of an area cell and a label for it: `KEL. SUNGAI NANGKA`,
/// `SUNGAINANGKA` and `Sungai Nangka` share the key `SUNGAINANGKA`; the label is upper case
/// without prefixes (the spelling with most spaces wins, so `SUNGAI NANGKA`).
fn area_label(raw: &str) -> (String, String) {
    let key = crate::normalize::address::area_key(raw);
    if key.is_empty() {
        return ("-".to_string(), "-".to_string());
    }
    let tokens: Vec<String> = raw
        .to_uppercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    let start = tokens
        .iter()
        .take_while(|t| {
            matches!(
                t.as_str(),
                "KEL" | "KELURAHAN" | "KEC" | "KECAMATAN" | "DESA" | "DS"
            )
        })
        .count()
        .min(tokens.len().saturating_sub(1));
    (key, tokens[start..].join(" "))
}

fn t(lang: Lang, key: &str) -> &'static str {
    crate::io::strings::get(lang, key)
}

fn status_label(s: &str, lang: Lang) -> &'static str {
    t(lang, &format!("status.{s}"))
}

/// The page template (minijinja; HTML auto-escaping by the `.html` name).
const TEMPLATE: &str = include_str!("report.html.j2");

#[derive(Serialize)]
struct Card {
    label: &'static str,
    value: usize,
}

#[derive(Serialize)]
struct SavingsRow {
    label: &'static str,
    rows: usize,
    amount: String,
}

#[derive(Serialize)]
struct AreaRow {
    name: String,
    rows: u64,
    paid: u64,
    withheld: u64,
    savings: String,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    value: String,
    y: usize,
    text_y: usize,
    width: u64,
    value_x: u64,
}

#[derive(Serialize)]
struct Area {
    title: &'static str,
    rows: Vec<AreaRow>,
    bars: Vec<Bar>,
    chart_height: usize,
}

#[derive(Serialize)]
struct Labelled {
    label: &'static str,
    rows: u64,
}

#[derive(Serialize)]
struct DupRow {
    group: String,
    row: String,
    nik: String,
    name: String,
    address: String,
    kept: bool,
}

/// An area table and its bar chart of the largest savings.
fn area(title: &'static str, m: &BTreeMap<String, [u64; 4]>, lang: Lang, limit: usize) -> Area {
    let mut rows: Vec<(&String, &[u64; 4])> = m.iter().collect();
    rows.sort_by(|a, b| b.1[3].cmp(&a.1[3]).then(a.0.cmp(b.0)));
    rows.truncate(limit);
    let max = rows.iter().map(|(_, v)| v[3]).max().unwrap_or(0).max(1);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let y = 18 * i + 2;
            let width = (v[3] as f64 / max as f64 * 330.0).round() as u64;
            Bar {
                label: k.chars().take(28).collect(),
                value: rupiah_words(v[3], lang),
                y,
                text_y: y + 11,
                width,
                value_x: 195 + width,
            }
        })
        .collect();
    Area {
        title,
        chart_height: 18 * rows.len() + 4,
        rows: rows
            .iter()
            .map(|(k, v)| AreaRow {
                name: (*k).clone(),
                rows: v[0],
                paid: v[1],
                withheld: v[2],
                savings: rupiah(v[3], lang),
            })
            .collect(),
        bars,
    }
}

/// Reason codes counted under data quality, in the report's order.
const QUALITY_REASONS: [&str; 13] = [
    "NIK_SCIENTIFIC",
    "NIK_ROUNDED",
    "NIK_FLOAT_PRECISION",
    "NIK_CORRECTED",
    "HOUSEHOLD_NIK",
    "NIK_SUPERSEDED",
    "NIK_LENGTH",
    "NIK_NON_DIGIT",
    "NIK_EMPTY",
    "NIK_DATE",
    "NIK_PROVINCE",
    "NIK_REGION",
    "NIK_SERIAL",
];

/// The HTML report, from the template and the language's string table.
pub fn html(f: &Facts, lang: Lang) -> String {
    let c = |k: &str| f.status_counts.get(k).copied().unwrap_or(0);
    let cards = cards(f, lang);
    let savings_rows: Vec<SavingsRow> = f
        .savings_by_status
        .iter()
        .filter(|(k, _)| *k != "VERIFIED")
        .map(|(k, v)| SavingsRow {
            label: status_label(k, lang),
            rows: c(k),
            amount: rupiah(*v, lang),
        })
        .collect();
    let areas = vec![
        area(t(lang, "kecamatan"), &f.by_kecamatan, lang, 40),
        area(t(lang, "kelurahan_top"), &f.by_kelurahan, lang, 30),
        area(t(lang, "program"), &f.by_program, lang, 20),
    ];
    let quality = quality_rows(f, lang);
    let sections = Sections::of(f, lang);
    let duplicates = duplicate_rows(f);
    let sm = &f.summary;
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let strings: BTreeMap<&str, &str> = crate::io::strings::table(lang).iter().copied().collect();
    let ctx = minijinja::context! {
        lang => if lang == Lang::Id { "id" } else { "en" },
        t => strings,
        cards => cards,
        savings => minijinja::context! {
            words => rupiah_words(f.savings_total, lang),
            exact => rupiah(f.savings_total, lang),
            months => f.months,
            rows => savings_rows,
            confirmed => rupiah(f.savings_confirmed, lang),
            pending => rupiah(f.savings_pending, lang),
        },
        areas => areas,
        quality => quality,
        review => f.summary.get("review").cloned().unwrap_or(serde_json::Value::Null),
        twice => f.summary.get("register_twice").cloned().unwrap_or(serde_json::Value::Null),
        changes => sections.changes,
        audit => sections.audit,
        trend => sections.trend,
        period => sections.period,
        duplicates => duplicates,
        meta => minijinja::context! {
            version => text(&sm["version"]),
            aid_path => text(&sm["aid"]["path"]),
            aid_sha256 => text(&sm["aid"]["sha256"]),
            register_path => text(&sm["register"]["path"]),
            register_sha256 => text(&sm["register"]["sha256"]),
            config => sm["config"]["match"].to_string(),
        },
    };
    let mut env = minijinja::Environment::new();
    let rendered = env
        .add_template("report.html", TEMPLATE)
        .and_then(|()| env.get_template("report.html"))
        .and_then(|tpl| tpl.render(ctx));
    match rendered {
        Ok(mut page) => {
            page.push('\n');
            page
        }
        // The template is part of the binary and tested: this is a bug, not bad data.
        Err(e) => format!("<!DOCTYPE html><p>report template error: {e}</p>\n"),
    }
}

/// The sections on the list's findings over time: the changes since the previous run,
/// the auditors' categories and the trend of the history folder.
struct Sections {
    period: Option<String>,
    changes: Option<crate::io::change_findings::ChangesView>,
    audit: Vec<crate::io::audit::AuditLine>,
    trend: Option<crate::io::history::Trend>,
    /// The trend's runs (earlier runs, then this one), for the workbook.
    points: Vec<crate::io::history::HistoryPoint>,
}

impl Sections {
    fn of(f: &Facts, lang: Lang) -> Sections {
        let period = f.summary["period"].as_str().map(String::from);
        let label = period
            .clone()
            .unwrap_or_else(|| t(lang, "history.this_run").to_string());
        let changes = crate::io::change_findings::view(
            &f.summary["changes"],
            &f.benefits,
            [f.savings_total, f.savings_confirmed],
            lang,
        );
        let points = crate::io::history::points_with(
            &f.summary,
            &label,
            f.rows as u64,
            f.savings_total,
            &f.audit,
        );
        Sections {
            period,
            changes,
            audit: crate::io::audit::lines(&label, &f.audit, lang),
            trend: crate::io::history::trend(&points, lang),
            points,
        }
    }
}

/// The page's headline cards: rows checked and the main statuses.
fn cards(f: &Facts, lang: Lang) -> Vec<Card> {
    let c = |k: &str| f.status_counts.get(k).copied().unwrap_or(0);
    let card = |label: &'static str, value| Card { label, value };
    vec![
        card(t(lang, "rows_checked"), f.rows),
        card(status_label("VERIFIED", lang), c("VERIFIED")),
        card(status_label("DUPLICATE", lang), c("DUPLICATE")),
        card(status_label("DECEASED", lang), c("DECEASED")),
        card(
            status_label("NOT_IN_REGISTER", lang),
            c("NOT_IN_REGISTER") + c("MOVED_OUT"),
        ),
        card(
            t(lang, "invalid_or_damaged"),
            c("INVALID_NIK") + c("NIK_DAMAGED"),
        ),
        card(status_label("NAME_MISMATCH", lang), c("NAME_MISMATCH")),
    ]
}

/// The data-quality table: the aid list's tallies, then the rows of the quality reasons.
fn quality_rows(f: &Facts, lang: Lang) -> Vec<Labelled> {
    let aq = &f.summary["aid_quality"];
    crate::io::output::AID_QUALITY_KEYS
        .iter()
        .map(|k| Labelled {
            label: t(lang, &format!("quality.{k}")),
            rows: aq[k].as_u64().unwrap_or(0),
        })
        .chain(QUALITY_REASONS.iter().map(|k| Labelled {
            label: t(lang, &format!("quality.{k}")),
            rows: f.reason_counts.get(*k).copied().unwrap_or(0) as u64,
        }))
        .collect()
}

/// The duplicate groups' rows as the page lists them, NIKs masked.
fn duplicate_rows(f: &Facts) -> Vec<DupRow> {
    let get = |d: &Row, k: &str| d.get(k).cloned().unwrap_or_default();
    f.duplicates
        .iter()
        .map(|d| DupRow {
            group: get(d, "group_id"),
            row: get(d, "row"),
            nik: mask(&get(d, "nik")),
            name: get(d, "name"),
            address: format!("{} {}", get(d, "address"), get(d, "kelurahan")),
            kept: get(d, "kept") == "true",
        })
        .collect()
}

/// The workbook, ready to save.
pub fn xlsx(
    f: &Facts,
    source: &dyn SheetRows,
    lang: Lang,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(XLSX_ZIP_LEVEL);
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    summary_sheet(&mut wb, f, lang, &bold)?;
    let sections = Sections::of(f, lang);
    if let Some(view) = &sections.changes {
        crate::io::change_findings::write_sheet(&mut wb, view, lang, &bold)?;
    }
    let periods: Vec<(&str, &crate::io::audit::AuditTally)> = sections
        .points
        .iter()
        .map(|p| (p.label.as_str(), &p.findings))
        .collect();
    crate::io::audit::write_sheet(&mut wb, &periods, lang, &bold)?;
    let front = wb.worksheets_mut().len();
    // Row sheets: every cell as text, so NIK and KK never become numbers. Written in
    // constant-memory mode (inline strings, rows streamed to a temporary file).
    let aid = source.aid_headers();
    let sheets: [(&str, Sheet, Vec<String>); 3] = [
        ("Terverifikasi", Sheet::Verified),
        ("Data Ganda", Sheet::Duplicates),
        ("Ditolak", Sheet::Rejected),
    ]
    .map(|(name, sheet)| (name, sheet, sheet_headers(sheet, &aid)));
    let mut kinds = Vec::new();
    for (name, sheet, headers) in sheets {
        // Column widths from the first rows (they must be set before rows are streamed).
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        let mut seen = 0;
        let _ = source.each_row(sheet, &mut |cells| {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(c.chars().count());
            }
            seen += 1;
            if seen >= 200 {
                // Stop early: enough rows seen.
                return Err(rust_xlsxwriter::XlsxError::ParameterError(String::new()));
            }
            Ok(())
        });
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, ((*w).min(60) + 2) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        kinds.push(sheet);
    }
    // The row sheets are filled side by side (each streams to its own temporary file).
    let row_sheets = &mut wb.worksheets_mut()[front..];
    use rayon::prelude::*;
    let filled: Vec<Result<(), rust_xlsxwriter::XlsxError>> = row_sheets
        .par_iter_mut()
        .zip(kinds.par_iter())
        .map(|(ws, &sheet)| fill_sheet(ws, sheet, source, &text, t(lang, "xlsx_left_out")))
        .collect();
    for f in filled {
        f?;
    }
    Ok(wb)
}

/// The workbook's first sheet, `Ringkasan`: rows by status with their savings, the
/// totals, and what the register search found (people the register holds twice).
fn summary_sheet(
    wb: &mut Workbook,
    f: &Facts,
    lang: Lang,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Ringkasan")?;
    ws.write_string_with_format(0, 0, t(lang, "item"), bold)?;
    ws.write_string_with_format(0, 1, t(lang, "rows"), bold)?;
    ws.write_string_with_format(0, 2, t(lang, "savings_rp"), bold)?;
    let mut r = 1;
    ws.write_string(r, 0, t(lang, "rows_checked"))?;
    ws.write_number(r, 1, f.rows as f64)?;
    for (k, n) in &f.status_counts {
        r += 1;
        ws.write_string(r, 0, status_label(k, lang))?;
        ws.write_number(r, 1, *n as f64)?;
        ws.write_number(
            r,
            2,
            f.savings_by_status.get(k).copied().unwrap_or(0) as f64,
        )?;
    }
    r += 1;
    ws.write_string_with_format(r, 0, t(lang, "total_savings"), bold)?;
    ws.write_number_with_format(r, 2, f.savings_total as f64, bold)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "savings_confirmed"))?;
    ws.write_number(r, 2, f.savings_confirmed as f64)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "savings_pending"))?;
    ws.write_number(r, 2, f.savings_pending as f64)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "months_label"))?;
    ws.write_number(r, 1, f64::from(f.months))?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 10)?;
    ws.set_column_width(2, 20)?;
    ws.set_freeze_panes(1, 0)?;
    register_twice_rows(ws, r + 2, f, lang, bold)?;
    Ok(())
}

/// The counts of the register search (`summary.json`'s `register_twice`), under their
/// title, from row `r`; nothing when the run made no search (a part of a partition).
fn register_twice_rows(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    f: &Facts,
    lang: Lang,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let Some(twice) = f.summary.get("register_twice").filter(|v| v.is_object()) else {
        return Ok(());
    };
    ws.write_string_with_format(r, 0, t(lang, "twice.title"), bold)?;
    let rows = [
        ("twice.pairs", "pairs"),
        ("twice.both_open", "both_open"),
        ("twice.superseded", "rows_superseded"),
    ];
    for (k, (label, key)) in rows.into_iter().enumerate() {
        let n = twice
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        ws.write_string(r + 1 + k as u32, 0, t(lang, label))?;
        ws.write_number(r + 1 + k as u32, 1, n as f64)?;
    }
    ws.write_string(r + 4, 0, t(lang, "twice.file"))?;
    Ok(())
}

/// Stream one row sheet's rows into its worksheet.
fn fill_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    sheet: Sheet,
    source: &dyn SheetRows,
    text: &Format,
    left_out_note: &str,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut r: u32 = 0;
    let mut left_out: u64 = 0;
    source.each_row(sheet, &mut |cells| {
        // Excel holds 1,048,576 rows: past them (a province's list) the rows stay in the
        // CSV files and the sheet's last row says how many it leaves out.
        if r + 1 >= XLSX_LAST_ROW {
            left_out += 1;
            return Ok(());
        }
        r += 1;
        for (c, v) in cells.iter().enumerate() {
            // Digit strings (NIK, KK, RT, codes) carry the text format so that Excel keeps
            // them as text when edited; other cells need no format (looking a format up
            // costs a hash of it per cell).
            if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                ws.write_string_with_format(r, c as u16, xlsx_cell(v), text)?;
            } else {
                ws.write_string(r, c as u16, xlsx_cell(v))?;
            }
        }
        Ok(())
    })?;
    if left_out > 0 {
        let note = left_out_note.replace("{n}", &left_out.to_string());
        ws.write_string(XLSX_LAST_ROW, 0, note)?;
    }
    Ok(())
}

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
            let other_nik = d.status == crate::core::status::Status::Duplicate
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

/// Write `report.html` and `report.xlsx` into the out folder (the two in parallel).
pub fn write_reports_with(
    out_dir: &Path,
    facts: &Facts,
    source: &dyn SheetRows,
    lang: Lang,
) -> Result<(), crate::core::error::Error> {
    let (page, book) = rayon::join(
        || {
            let page = html(facts, lang);
            write_atomic(out_dir, REPORT_HTML, |w| w.write_all(page.as_bytes()))
        },
        || {
            let path = out_dir.join(REPORT_XLSX);
            let err = |e: rust_xlsxwriter::XlsxError| WriteError::Other {
                path: path.clone(),
                message: e.to_string(),
            };
            let mut book = xlsx(facts, source, lang).map_err(err)?;
            // Streamed into the file: the workbook of a large run is hundreds of MB.
            let mut failure = None;
            let written = write_atomic(out_dir, REPORT_XLSX, |w| {
                book.save_to_writer(w).map_err(|e| {
                    let message = e.to_string();
                    failure = Some(e);
                    std::io::Error::other(message)
                })
            });
            match (written, failure) {
                (Err(_), Some(e)) => Err(err(e)),
                (written, _) => written,
            }
        },
    );
    page?;
    book?;
    Ok(())
}

/// Rebuild `report.html` and `report.xlsx` from a run's files (`dedupe report`).
pub fn write_reports(
    out_dir: &Path,
    benefits: &Benefits,
    lang: Lang,
) -> Result<Facts, crate::core::error::Error> {
    let files = RunFiles::read(out_dir)?;
    let facts = files.facts(benefits);
    write_reports_with(out_dir, &facts, &files, lang)?;
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A province's list: more verified rows than Excel holds.
    struct ManyRows(u32);

    impl SheetRows for ManyRows {
        fn aid_headers(&self) -> Vec<String> {
            vec!["NIK".to_string()]
        }
        fn each_row(
            &self,
            sheet: Sheet,
            f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
        ) -> Result<(), rust_xlsxwriter::XlsxError> {
            if sheet == Sheet::Verified {
                for i in 0..self.0 {
                    f(&[if i % 2 == 0 { "6471054507890003" } else { "x" }])?;
                }
            }
            Ok(())
        }
    }

    #[test]
    fn a_sheet_past_excels_last_row_keeps_what_fits_and_says_how_many_it_leaves_out() {
        let rows = XLSX_LAST_ROW + 10;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet_with_constant_memory().expect("temp file");
        let text = Format::new().set_num_format("@");
        fill_sheet(ws, Sheet::Verified, &ManyRows(rows), &text, "{n} left out").expect("filled");
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("big.xlsx");
        wb.save(&path).expect("saved");
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let range = book.worksheet_range_at(0).expect("sheet").expect("range");
        assert_eq!(range.end(), Some((XLSX_LAST_ROW, 0)));
        // Rows 1..XLSX_LAST_ROW-1 hold data; the last row the note: 11 rows left out.
        assert_eq!(
            range.get_value((XLSX_LAST_ROW, 0)),
            Some(&calamine::Data::String("11 left out".to_string()))
        );
        // The last data row is the 1,048,574th (index 1,048,573, written "x").
        assert_eq!(
            range.get_value((XLSX_LAST_ROW - 1, 0)),
            Some(&calamine::Data::String("x".to_string()))
        );
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("6471054507890003".to_string()))
        );
    }

    #[test]
    fn html_escapes_cells_and_masks_niks() {
        let mut dup = Row::new();
        dup.insert("group_id".into(), "G00001".into());
        dup.insert("row".into(), "7".into());
        dup.insert("nik".into(), "6471054507890003".into());
        dup.insert("name".into(), "<b>SITI & \"AMINAH\"</b>".into());
        dup.insert("kept".into(), "true".into());
        let f = Facts::compute(
            [RowFacts {
                status: "DUPLICATE",
                reason: "DUPLICATE_OF_ROW",
                ..RowFacts::default()
            }],
            serde_json::json!({"version": "9.9"}),
            vec![dup],
            &Benefits::default(),
        );
        for lang in [Lang::Id, Lang::En] {
            let page = html(&f, lang);
            assert!(
                page.contains("&lt;b&gt;SITI &amp; &quot;AMINAH&quot;&lt;"),
                "{page}"
            );
            assert!(!page.contains("<b>SITI"));
            assert!(!page.contains("6471054507890003"));
            assert!(page.contains(&mask("6471054507890003")));
            assert!(page.contains("dedupe 9.9"));
            assert!(!page.contains("template error"));
        }
        assert!(html(&f, Lang::Id).contains("Penghematan anggaran"));
        assert!(html(&f, Lang::En).contains("Budget savings"));
    }
}
