//! Input and output: files in, records out; results in, files out.
//!
//! Cells that a spreadsheet or a terminal would act on are made inert in [`cells`].
//! In: input files ([`load`]) and the results of matching. Out: the CSV outputs and
//! `summary.json` ([`output`]) and the reports for officials ([`official`], their page
//! template `report.html.j2` and their words in [`strings`]), and the clerical review
//! ([`review`]: `review.csv`, `review.html`, worklists, and the reviewers' decisions), and
//! register index files ([`index`]), and the files of a partitioned run ([`parts`]). Imports
//! `core`, `normalize` and `matching`.

pub mod audit;
pub mod cells;
pub mod change_findings;
pub mod change_summary;
pub mod changes;
pub mod csv_out;
pub mod files;
pub mod history;
pub mod index;
pub mod load;
pub mod money;
pub mod official;
pub mod output;
pub mod parts;
pub mod person_key;
pub mod register_duplicates;
pub mod review;
pub mod strings;
pub mod workbook;
pub mod xlsx;
