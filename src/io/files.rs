//! The names of the files a run writes and reads in its out folder, in one place.
//!
//! In: nothing. Out: the file-name constants every writer and reader of an out folder
//! (`run`, `merge`, `eval`, `explain`, `report`) shares, and [`OUTPUTS`], the files that
//! make one run's outputs.

pub const DECISIONS: &str = "decisions.csv";
pub const VERIFIED: &str = "verified.csv";
pub const DUPLICATES: &str = "duplicates.csv";
pub const REJECTED: &str = "rejected.csv";
pub const SUMMARY: &str = "summary.json";
pub const MODEL: &str = "model.json";
pub const REPORT_HTML: &str = "report.html";
pub const REPORT_XLSX: &str = "report.xlsx";
pub const REVIEW_CSV: &str = "review.csv";
pub const REVIEW_HTML: &str = "review.html";
pub const REVIEW_XLSX: &str = "review-rt.xlsx";
/// What the review page exports (and `--decisions` reads): the reviewers' decisions; in
/// a part's folder, the part's share of them, its rows renumbered.
pub const REVIEWER_DECISIONS: &str = "keputusan.csv";
/// The review rows of a part of a partitioned run, for `dedupe merge`.
pub const REVIEW_ROWS: &str = "review-rows.json";
/// People the register holds twice (Disdukcapil's work list).
pub const REGISTER_DUPLICATES: &str = "register-duplicates.csv";
/// What changed since the previous run (`--previous`).
pub const CHANGES: &str = "changes.csv";

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
