//! Normalization: pure functions from raw cells to comparable values.
//!
//! In: raw text cells (and the kind of column they came from).
//! Out: normalized NIKs ([`nik`]), names ([`name`]), birth dates ([`date`]), sex ([`sex`]) and
//! addresses ([`address`]), plus [`normalize_record`], which applies all of them to one row.
//! Every rule is documented in `docs/normalization.md`.

pub mod address;
pub mod date;
pub mod name;
pub mod nik;
pub mod sex;
