//! `dedupe`: verify a social-aid recipient list against the population register.
//!
//! The pipeline, one module per stage: [`load`] (files to text tables), [`normalize`] and
//! [`record`] (cells to comparable values), [`link`] with [`compare`] (aid rows to register
//! rows), [`cluster`] (rows of one person), [`verify`] (one status per row), [`report`]
//! (output files). [`pipeline`] runs them; [`cli`] is the command-line glue; [`config`]
//! holds the one validated configuration the stages read.

pub mod block;
pub mod cli;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod error;
pub mod eval;
pub mod explain;
pub mod link;
pub mod load;
pub mod normalize;
pub mod official;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod report;
pub mod score;
pub mod status;
pub mod synth;
pub mod verify;
