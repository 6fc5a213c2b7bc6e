//! The history of a list's verifications (`--history DIR`): findings and savings over runs.
//!
//! In: a history folder holding each earlier run's `summary.json` as `NNNN.json` (written
//! by [`record`] after a run is published). Out: the runs as [`HistoryPoint`]s, oldest
//! first ([`read`], kept in `summary.json` `history` so `dedupe report` draws the same
//! chart), and the trend chart of the report page ([`trend`]: savings as bars, the
//! auditors' categories as lines, this run last).
//!
//! A run of the same list, register and period as the last entry replaces it (a rerun of
//! one month); any other run is added as the next number. A point is labelled with the
//! run's `--period`, else with the day its entry was written. Files that are not a dedupe
//! summary are skipped with a warning, never trusted: a history folder is shared and kept
//! for years.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::config::Lang;
use crate::core::error::WriteError;
use crate::io::audit::{AuditTally, Category};
use crate::io::files::SUMMARY;
use crate::io::money::rupiah_words;

/// One earlier run, as the trend shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    pub label: String,
    pub rows: u64,
    pub savings_rp: u64,
    /// Rows and Rupiah per auditors' category and program.
    pub findings: AuditTally,
}

impl HistoryPoint {
    /// A run's point from its `summary.json` (None: not a dedupe run's summary).
    pub fn of(summary: &serde_json::Value, fallback_label: &str) -> Option<HistoryPoint> {
        if summary["tool"].as_str() != Some("dedupe") {
            return None;
        }
        let findings = serde_json::from_value(summary["findings"].clone()).ok()?;
        Some(HistoryPoint {
            label: summary["period"]
                .as_str()
                .unwrap_or(fallback_label)
                .to_string(),
            rows: summary["rows_out"].as_u64()?,
            savings_rp: summary["savings"]["total_rp"].as_u64()?,
            findings,
        })
    }

    /// Rows of one category, over its programs.
    pub fn rows_of(&self, c: Category) -> u64 {
        self.findings
            .get(&c)
            .into_iter()
            .flatten()
            .map(|(_, v)| v[0])
            .sum()
    }
}

/// The history folder's entries in order: `NNNN.json` by number.
fn entries(dir: &Path) -> Vec<(u32, PathBuf)> {
    let Ok(list) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(u32, PathBuf)> = list
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let n = name.strip_suffix(".json")?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect();
    out.sort();
    out
}

/// The day a file was last written (`2026-12-03`), the label of a run without a period.
fn day_of(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| {
            chrono::DateTime::<chrono::Local>::from(t)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_else(|_| "-".to_string())
}

/// The earlier runs kept in `dir` (none when it does not exist yet), and a warning per
/// entry that could not be read.
pub fn read(dir: &Path) -> (Vec<HistoryPoint>, Vec<String>) {
    let mut points = Vec::new();
    let mut warnings = Vec::new();
    for (_, path) in entries(dir) {
        let value = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        match value.and_then(|v| HistoryPoint::of(&v, &day_of(&path))) {
            Some(p) => points.push(p),
            None => warnings.push(format!(
                "--history: {} is not a dedupe run's summary.json; left out of the trend",
                path.display()
            )),
        }
    }
    (points, warnings)
}

/// The points of the trend: the earlier runs `summary.json` carries (`history`), then this
/// run's (`findings` and savings of its reports), labelled `label`.
pub(crate) fn points_with(
    summary: &serde_json::Value,
    label: &str,
    rows: u64,
    savings_rp: u64,
    findings: &AuditTally,
) -> Vec<HistoryPoint> {
    let mut points: Vec<HistoryPoint> =
        serde_json::from_value(summary["history"].clone()).unwrap_or_default();
    points.push(HistoryPoint {
        label: label.to_string(),
        rows,
        savings_rp,
        findings: findings.clone(),
    });
    points
}

/// Whether two summaries are of one list, register and period (a rerun of one month).
fn same_run(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    let key = |s: &serde_json::Value| {
        (
            s["aid"]["sha256"].clone(),
            s["register"]["sha256"].clone(),
            s["period"].clone(),
        )
    };
    key(a) == key(b)
}

/// Keep a published run's `summary.json` in the history folder (made if missing): as the
/// last entry's replacement when it is a rerun of it, else as the next entry.
pub fn record(dir: &Path, summary_json: &str) -> Result<PathBuf, WriteError> {
    let err = |message: String| WriteError::Other {
        path: dir.to_path_buf(),
        message: format!("{message}; check that the history folder (--history) is writable"),
    };
    std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    let list = entries(dir);
    let this: serde_json::Value = serde_json::from_str(summary_json).unwrap_or_default();
    let number = match list.last() {
        Some((n, path)) => {
            let last = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            if last.is_some_and(|l| same_run(&l, &this)) {
                *n
            } else {
                n + 1
            }
        }
        None => 1,
    };
    let name = format!("{number:04}.json");
    crate::core::fsio::write_atomic(dir, &name, |w| w.write_all(summary_json.as_bytes()))
        .map_err(|e| err(e.to_string()))
}

/// Keep the `summary.json` of a run published in `out_dir` (a run's or a merge's) in the
/// history folder, as [`record`] does.
pub(crate) fn record_published(dir: &Path, out_dir: &Path) -> Result<PathBuf, WriteError> {
    let path = out_dir.join(SUMMARY);
    let text = std::fs::read_to_string(&path).map_err(|source| WriteError::Io {
        path: path.clone(),
        source,
    })?;
    record(dir, &text)
}

/// The colours of the categories' lines, in [`Category::ALL`] order.
const COLOURS: [&str; 6] = [
    "#8c564b", "#9467bd", "#d62728", "#1b1b1b", "#ff7f0e", "#2ca02c",
];

/// One bar of the savings panel.
#[derive(Debug, Clone, Serialize)]
pub struct TrendBar {
    pub x: u64,
    pub y: u64,
    pub height: u64,
    pub label: String,
    pub label_x: u64,
    pub value: String,
    pub value_y: u64,
    /// The run's x on the lines panel.
    pub line_x: u64,
}

/// One category's line over the runs.
#[derive(Debug, Clone, Serialize)]
pub struct TrendLine {
    pub label: &'static str,
    pub colour: &'static str,
    pub points: String,
    pub legend_y: u64,
    pub last: u64,
}

/// The trend chart: savings per run (bars) and rows per category (lines), with a table.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub bars: Vec<TrendBar>,
    pub lines: Vec<TrendLine>,
    pub legend_x: u64,
    pub lines_title_y: u64,
    /// Where the runs' labels go under the lines.
    pub run_label_y: u64,
    pub height: u64,
    pub width: u64,
    pub table: Vec<BTreeMap<String, String>>,
}

const PANEL: u64 = 150;
const STEP: u64 = 95;
const LEFT: u64 = 20;

/// The chart of `points` (earlier runs, then this one), or None with fewer than two.
pub fn trend(points: &[HistoryPoint], lang: Lang) -> Option<Trend> {
    if points.len() < 2 {
        return None;
    }
    let max_rp = points
        .iter()
        .map(|p| p.savings_rp)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let height = (p.savings_rp as f64 / max_rp as f64 * (PANEL - 30) as f64) as u64;
            let x = LEFT + STEP * i as u64;
            TrendBar {
                x,
                y: PANEL - height,
                height,
                label: p.label.chars().take(16).collect(),
                label_x: x,
                value_y: PANEL - height - 4,
                line_x: x + 25,
                value: rupiah_words(p.savings_rp, lang),
            }
        })
        .collect();
    let max_rows = points
        .iter()
        .flat_map(|p| Category::ALL.map(|c| p.rows_of(c)))
        .max()
        .unwrap_or(0)
        .max(1);
    let top = PANEL + 30;
    let legend_x = LEFT + STEP * points.len() as u64 + 10;
    let lines = Category::ALL
        .iter()
        .zip(COLOURS)
        .enumerate()
        .map(|(k, (&c, colour))| {
            let xy = |i: usize, p: &HistoryPoint| {
                let y = top + PANEL - p.rows_of(c) * (PANEL - 20) / max_rows;
                format!("{},{}", LEFT + 25 + STEP * i as u64, y)
            };
            let pts: Vec<String> = points.iter().enumerate().map(|(i, p)| xy(i, p)).collect();
            TrendLine {
                label: crate::io::strings::get(lang, &format!("audit.{}", c.key())),
                colour,
                points: pts.join(" "),
                legend_y: top + 30 + 16 * k as u64,
                last: points.last().map_or(0, |p| p.rows_of(c)),
            }
        })
        .collect();
    Some(Trend {
        bars,
        lines,
        legend_x,
        lines_title_y: top + 10,
        run_label_y: top + PANEL + 14,
        height: top + PANEL + 24,
        width: legend_x + 230,
        table: points.iter().map(|p| table_row(p, lang)).collect(),
    })
}

/// A run's row of the table under the chart: its label, savings and rows per category.
fn table_row(p: &HistoryPoint, lang: Lang) -> BTreeMap<String, String> {
    let mut row = BTreeMap::new();
    row.insert("label".to_string(), p.label.clone());
    row.insert(
        "savings".to_string(),
        crate::io::money::rupiah(p.savings_rp, lang),
    );
    for c in Category::ALL {
        row.insert(c.key().to_string(), p.rows_of(c).to_string());
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(aid: &str, period: Option<&str>, saved: u64, dup: u64) -> String {
        serde_json::json!({
            "tool": "dedupe",
            "aid": {"sha256": aid},
            "register": {"sha256": "r"},
            "period": period,
            "rows_out": 10,
            "savings": {"total_rp": saved},
            "findings": {"data_ganda": {"PKH": [dup, saved]}},
        })
        .to_string()
    }

    #[test]
    fn runs_are_kept_in_order_and_a_rerun_replaces_its_entry() {
        let dir = tempfile::tempdir().expect("tmp");
        let h = dir.path().join("history");
        record(&h, &summary("a", Some("2026-10"), 100, 1)).expect("1");
        record(&h, &summary("b", Some("2026-11"), 200, 2)).expect("2");
        // The same list and period again: replaces 0002.
        record(&h, &summary("b", Some("2026-11"), 250, 3)).expect("2 again");
        record(&h, &summary("c", None, 300, 4)).expect("3");
        std::fs::write(h.join("0004.json"), "{not json").expect("junk");
        std::fs::write(h.join("notes.txt"), "x").expect("other file");
        let (points, warnings) = read(&h);
        let labels: Vec<&str> = points.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels[..2], ["2026-10", "2026-11"]);
        // Without a period: the day the entry was written.
        assert_eq!(labels[2].len(), "2026-12-03".len());
        assert_eq!(points[1].savings_rp, 250);
        assert_eq!(points[1].rows_of(Category::Duplicate), 3);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("0004.json"));
    }

    #[test]
    fn the_trend_needs_two_runs_and_draws_every_category() {
        let p = |label: &str, saved: u64, dup: u64| {
            let v: serde_json::Value =
                serde_json::from_str(&summary("a", Some(label), saved, dup)).expect("json");
            HistoryPoint::of(&v, "-").expect("point")
        };
        assert!(trend(&[p("1", 1, 1)], Lang::Id).is_none());
        let t = trend(&[p("1", 100, 4), p("2", 50, 2), p("3", 0, 0)], Lang::En).expect("chart");
        assert_eq!(t.bars.len(), 3);
        assert!(t.bars[0].height > t.bars[1].height && t.bars[2].height == 0);
        assert_eq!(t.lines.len(), Category::ALL.len());
        let dup = &t.lines[2];
        assert_eq!(dup.points.split(' ').count(), 3);
        assert_eq!(dup.last, 0);
        assert_eq!(t.table[0]["data_ganda"], "4");
    }
}
