//! Matching: from normalized records to one decision per aid row.
//!
//! In: aid and register records ([`record`]) built by the input layer. Out: links, duplicate
//! groups and decisions. One module per step, as in Splink:
//!
//! * the model's vocabulary: [`levels`] (named levels), [`compare`] (field functions),
//!   [`comparisons`] (the comparison library: each field declared once), [`score`] (the
//!   Fellegi-Sunter model and its explanation), [`training`] (u from random pairs, m by EM);
//! * candidates: [`block`] (blocking keys), [`register_index`] (the register by NIK and by
//!   household), [`areas`] (area spellings reconciled with the register's);
//! * the register's own duplicates: [`register_twice`] (one person under two NIKs);
//! * decisions: [`link`] (exact NIK linking), [`holder`] (behind an identifier: the
//!   holder or someone else on it, by the holder path's model), [`fit`] (the holder, a
//!   household member, another person), [`fuzzy`] (rows placed over their candidates);
//! * clustering and after: [`cluster`] (duplicate groups), [`review`] (the clerical work
//!   list), [`verdicts`] (reviewers' decisions applied), [`verify`] (one decision per row);
//! * partitioned runs: [`partition`], [`whole`].
//!
//! Imports only `core` and `normalize`.

pub mod areas;
pub mod block;
pub mod cluster;
pub mod compare;
pub mod comparisons;
pub mod fit;
pub mod fuzzy;
pub mod holder;
pub mod levels;
pub mod link;
pub mod partition;
pub mod person_id;
pub mod record;
pub mod register_counts;
pub mod register_hypothesis;
pub mod register_index;
pub mod register_pair;
pub mod register_twice;
pub mod review;
pub mod score;
pub mod training;
pub mod verdicts;
pub mod verify;
pub mod whole;
