//! Core: the types every layer shares, importing no other layer.
//!
//! In: nothing from the rest of the crate. Out: errors ([`error`]), statuses and reason
//! texts ([`status`]), configuration types ([`config`]), the random-number generator
//! ([`rng`]), atomic file writes ([`fsio`]), the progress-bar helper ([`progress`]) and
//! memory sizes ([`memory`]).

pub mod config;
pub mod error;
pub mod fsio;
pub mod memory;
pub mod progress;
pub mod rng;
pub mod status;
