//! `dedupe`: verify a social-aid recipient list against the population register.
//!
//! Layers, each a folder importing only those below it (`tests/layers.rs` checks it):
//! 1. [`core`]: errors, statuses, configuration types, the RNG, atomic writes, progress;
//! 2. [`normalize`]: pure functions from raw cells to comparable values;
//! 3. [`matching`]: records, comparisons, the model, blocking, linking, groups, decisions;
//! 4. [`io`]: input files to records, results to output files and officials' reports;
//! 5. [`commands`]: the run, `synth`, `eval`, `explain`, `report` and the command line.
//!
//! `main.rs` only calls [`commands::cli::main`].

// The library serves the binary and its tests: its docs link to crate-private items, which
// the developers' docs (`cargo doc --document-private-items`, as CI builds them) show.
#![allow(rustdoc::private_intra_doc_links)]

pub mod commands;
pub mod core;
pub mod io;
pub mod matching;
pub mod normalize;
