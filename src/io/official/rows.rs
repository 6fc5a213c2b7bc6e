//! The rows of the workbook's row sheets (Terverifikasi, Data Ganda, Ditolak).
//!
//! In: a source of rows ([`SheetRows`]: a run in memory or its files). Out: the sheets'
//! headers and rows, in order.

use crate::io::output::{DUPLICATES_HEADER, REJECTED_LEAD};

/// The rows of the workbook's row sheets, from memory (a run) or from a run's files.
pub trait SheetRows: Sync {
    /// Column headers of the aid list (the original columns).
    fn aid_headers(&self) -> Vec<String>;
    /// Call `f` with every row of `sheet`, in order, until it returns an error.
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError>;
}

/// The row sheets of `report.xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// Terverifikasi: the original columns and `register_nik`.
    Verified,
    /// Data Ganda: the columns of `duplicates.csv`.
    Duplicates,
    /// Ditolak: the columns of `rejected.csv`.
    Rejected,
}

/// The column headers of a row sheet, given the aid list's own headers.
pub fn sheet_headers(sheet: Sheet, aid: &[String]) -> Vec<String> {
    match sheet {
        Sheet::Verified => {
            let mut h = aid.to_vec();
            h.push("register_nik".into());
            h
        }
        Sheet::Duplicates => DUPLICATES_HEADER.map(String::from).to_vec(),
        Sheet::Rejected => {
            let mut h: Vec<String> = REJECTED_LEAD.map(String::from).to_vec();
            h.extend(aid.iter().cloned());
            h
        }
    }
}
