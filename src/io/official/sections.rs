//! The sections on the list's findings over time, shared by the page and the workbook.
//!
//! In: the [`Facts`]. Out: the changes since the previous run, the auditors'
//! categories and the trend of the history folder, as views.

use crate::core::config::Lang;

use super::words::t;
use super::Facts;
use crate::io::audit::AuditLine;
use crate::io::change_findings::ChangesView;
use crate::io::history::{HistoryPoint, Trend};

/// The sections on the list's findings over time: the changes since the previous run,
/// the auditors' categories and the trend of the history folder.
pub(super) struct Sections {
    pub(super) period: Option<String>,
    pub(super) changes: Option<ChangesView>,
    pub(super) audit: Vec<AuditLine>,
    pub(super) trend: Option<Trend>,
    /// The trend's runs (earlier runs, then this one), for the workbook.
    pub(super) points: Vec<HistoryPoint>,
}

impl Sections {
    pub(super) fn of(f: &Facts, lang: Lang) -> Sections {
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
