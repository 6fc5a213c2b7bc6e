//! Matching: from normalized records to one decision per aid row.
//!
//! In: aid and register records ([`record`]) built by the input layer. Out: links
//! ([`link`]) after area spellings are reconciled with the register's ([`areas`]),
//! duplicate groups ([`cluster`]) and decisions ([`verify`]). Comparisons
//! ([`compare`]), the Fellegi-Sunter model ([`score`]) and blocking ([`block`]) are kept
//! apart, as in Splink. Imports only `core` and `normalize`.

pub mod areas;
pub mod block;
pub mod cluster;
pub mod compare;
pub mod link;
pub mod partition;
pub mod record;
pub mod review;
pub mod score;
pub mod verify;
