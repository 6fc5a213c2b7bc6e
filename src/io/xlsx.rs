//! Excel's limits and the workbook helpers every writer of an `.xlsx` output shares.
//!
//! In: cell values. Out: cells that fit Excel ([`xlsx_cell`]), its last row and the zip
//! level the outputs are written with.

/// Deflate level for the workbooks' zip container. Level 1 writes the city's
/// 150 MB of sheet XML about three times faster than the default 6 for a file
/// about a third larger; the sheets are rows of text that Excel opens either way.
pub(crate) const XLSX_ZIP_LEVEL: u8 = 1;

/// Excel's last row (0-based).
pub(crate) const XLSX_LAST_ROW: u32 = 1_048_575;

/// Excel's limit on the characters of one cell.
pub(crate) const XLSX_CELL_MAX: usize = 32_767;

/// A cell cut to Excel's limit, with a marker, so that an oversized cell never fails the
/// workbook.
pub(crate) fn xlsx_cell(v: &str) -> std::borrow::Cow<'_, str> {
    if v.len() <= XLSX_CELL_MAX {
        return v.into();
    }
    const MARK: &str = " [...]";
    let keep = XLSX_CELL_MAX - MARK.len();
    let cut = v
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|&end| end <= keep)
        .last()
        .unwrap_or(0);
    // Characters, not bytes, are what Excel counts; bytes are never fewer.
    format!("{}{MARK}", &v[..cut]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_cells_are_cut_with_a_marker() {
        for big in [
            "x".repeat(1_000_000),
            "é".repeat(40_000),
            "9".repeat(32_768),
        ] {
            let cut = xlsx_cell(&big);
            assert!(cut.chars().count() <= XLSX_CELL_MAX, "{}", cut.len());
            assert!(cut.ends_with(" [...]"));
        }
        let fits = "y".repeat(XLSX_CELL_MAX);
        assert_eq!(xlsx_cell(&fits), fits.as_str());
        assert_eq!(xlsx_cell("SITI"), "SITI");
    }
}
