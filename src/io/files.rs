//! The names of the files a run writes and reads in its out folder, in one place.
//!
//! In: nothing. Out: the file-name constants every writer and reader of an out folder
//! (`run`, `merge`, `eval`, `explain`, `report`) shares, and [`OUTPUTS`], the files that
//! make one run's outputs.

pub(crate) const DECISIONS: &str = "decisions.csv";
pub const VERIFIED: &str = "verified.csv";
pub(crate) const DUPLICATES: &str = "duplicates.csv";
pub(crate) const REJECTED: &str = "rejected.csv";
pub(crate) const SUMMARY: &str = "summary.json";
pub(crate) const MODEL: &str = "model.json";
pub(crate) const REPORT_HTML: &str = "report.html";
pub(crate) const REPORT_XLSX: &str = "report.xlsx";
pub(crate) const REVIEW_CSV: &str = "review.csv";
pub(crate) const REVIEW_HTML: &str = "review.html";
pub(crate) const REVIEW_XLSX: &str = "review-rt.xlsx";
/// What the review page exports (and `--decisions` reads): the reviewers' decisions; in
/// a part's folder, the part's share of them, its rows renumbered.
pub(crate) const REVIEWER_DECISIONS: &str = "keputusan.csv";
/// The review rows of a part of a partitioned run, for `dedupe merge`.
pub(crate) const REVIEW_ROWS: &str = "review-rows.json";
/// People the register holds twice (Disdukcapil's work list).
pub(crate) const REGISTER_DUPLICATES: &str = "register-duplicates.csv";
/// What changed since the previous run (`--previous`).
pub(crate) const CHANGES: &str = "changes.csv";

/// Every file a run writes into its out folder (the reviewers' files among them).
pub const OUTPUTS: [&str; 11] = [
    DECISIONS,
    VERIFIED,
    DUPLICATES,
    REJECTED,
    SUMMARY,
    MODEL,
    REPORT_HTML,
    REPORT_XLSX,
    REVIEW_CSV,
    REVIEW_HTML,
    REVIEW_XLSX,
];
