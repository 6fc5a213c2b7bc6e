//! Core: the types every layer shares, importing no other layer.
//!
//! In: nothing from the rest of the crate. Out: errors ([`error`]), statuses and reason
//! texts ([`status`]), exit codes ([`exit`]), configuration types ([`config`]), the random-number generator
//! ([`rng`]), atomic file writes ([`fsio`]), the progress-bar helper ([`progress`]) and
//! memory sizes ([`memory`]), and the locked, journaled publishing of a run's outputs
//! ([`publish`]).

pub mod config;
pub mod error;
pub mod exit;
pub mod fsio;
pub mod memory;
pub mod progress;
pub mod publish;
pub mod rng;
pub mod status;
