//! The batch job: load, normalize, link, cluster, verify, report.
//!
//! In: a validated [`Config`](crate::core::config::Config). Out: the output files and the
//! [`Summary`](crate::io::output::Summary). The register is
//! read and normalized a slice at a time ([`build_register`]) or taken from an index.
//! [`match_tables`] runs the matching stages on tables already in memory, for tests and
//! benchmarks.
//!
//! The folder: `pipeline.rs` (the job as named stages), `register.rs` (the register and
//! the aid list read), `prepare.rs` (records), `matching.rs` (the matching stages),
//! `decisions.rs` (reviewers' decisions), `quality.rs` (input summaries and tallies).

mod decisions;
mod matching;
mod pipeline;
mod prepare;
mod quality;
mod register;

pub use crate::core::fsio::sha256_file;
pub use decisions::read_review_decisions;
pub use matching::{
    match_records, match_tables, match_tables_with_model, pair_budget, register_twice, Outcome,
};
pub use pipeline::{run, run_in_pool, with_threads};
pub use prepare::{prepare, prepare_on_index, Prepared};
pub use quality::{aid_quality, input_summary, life_warnings, multiline_warning, LifeTally};
pub use register::{
    build_index, build_register, build_register_by, index_header, load, load_register,
    register_settings, BuiltRegister, RegisterInput, REGISTER_SLICE_ROWS,
};
