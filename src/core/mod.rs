//! Core: the types every layer shares, importing no other layer.
//!
//! In: nothing from the rest of the crate. Out: errors ([`error`]), statuses and reason
//! texts ([`status`]), configuration types ([`config`]), the random-number generator
//! ([`rng`]), atomic file writes ([`fsio`]) and the progress-bar helper ([`progress`]).

pub mod config;
pub mod error;
pub mod fsio;
pub mod progress;
pub mod rng;
pub mod status;
