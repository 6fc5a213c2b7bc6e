//! The counts of a comparison with the previous run, as `summary.json` carries them.
//!
//! In: nothing (types only). Out: [`ChangeSummary`] and [`MatchedBy`], which
//! [`crate::io::changes`] fills and [`crate::io::output::Summary`] holds.

use std::collections::BTreeMap;

use serde::Serialize;

/// How rows were matched across the two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    AidId,
    PersonId,
}

/// The comparison's counts (`summary.json` `changes`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeSummary {
    pub previous_dir: String,
    pub matched_by: MatchedBy,
    /// Lines per change (`NEW`, `REMOVED`, `CHANGED`, `UNCHANGED`).
    pub counts: BTreeMap<String, usize>,
    /// Lines per reason of a change.
    pub reasons: BTreeMap<String, usize>,
    /// Whether the previous run's person ids were made with this run's key.
    pub same_person_key: bool,
    /// Rows per finding of the report and program ([`crate::io::change_findings`]).
    pub findings: FindingTally,
    /// The previous run's `savings` and `period`, as its `summary.json` gives them.
    pub previous_savings: serde_json::Value,
    pub previous_period: serde_json::Value,
}

/// Rows per finding and program.
pub type FindingTally = BTreeMap<String, BTreeMap<String, usize>>;
