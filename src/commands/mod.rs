//! Commands: the glue behind each subcommand.
//!
//! In: parsed options ([`cli`]). Out: runs of the batch job ([`run`]), synthetic data
//! ([`synth`]), accuracy figures ([`eval`]), explanations ([`explain`]), runs split into parts ([`partition`]). The top layer: it may
//! import every other one, and nothing imports it.

pub mod cli;
pub mod eval;
pub mod eval_changes;
pub mod eval_register;
pub mod explain;
pub mod partition;
pub mod run;
pub mod synth;
pub mod synth_month;
