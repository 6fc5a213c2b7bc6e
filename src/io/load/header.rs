//! Finding a table's header: under a title of up to [`HEADER_SEARCH_LINES`] lines, with a
//! sub-header under merged cells ([`sub_header`]), a row of column numbers under it
//! ([`is_numbering_row`]), and a footer under the rows ([`drop_footer`]).
//!
//! In: the first lines of a file (or rows of a sheet) and the fields the config names.
//! Out: the header's line and the [`Layout`] of what was skipped.

use std::path::Path;

use crate::core::config::{header_key, Field, InputConfig};

use super::fields::FieldMap;
use super::table::{Layout, Table, TextColumn};
use super::text::{decode, detect_delimiter};

/// Lines looked at for the header when the first line is not one (a title above it).
pub const HEADER_SEARCH_LINES: usize = 20;

/// Drop the rows after the last one that has a NIK or a name, when they hold neither:
/// what government sheets put under a list (a total, "Balikpapan, 12 Mei 2026", the
/// official's name and NIP) is not a recipient. Rows inside the list are never dropped,
/// nor a list's every row (a list without NIKs or names is reported row by row). Returns
/// the rows dropped, also in `table.layout.footer_rows`.
pub fn drop_footer(table: &mut Table, map: &FieldMap) -> usize {
    let blank = |row: usize| {
        [Field::Nik, Field::Name].iter().all(|&f| {
            let v = map.get(table, f, row);
            let v = v.trim();
            v.is_empty() || v == "-" || v.eq_ignore_ascii_case("null")
        })
    };
    let keep = (0..table.n_rows)
        .rev()
        .find(|&r| !blank(r))
        .map_or(0, |r| r + 1);
    if keep == 0 || keep == table.n_rows {
        return 0;
    }
    let dropped = table.n_rows - keep;
    for c in &mut table.columns {
        c.truncate(keep);
    }
    table.n_rows = keep;
    table.layout.footer_rows = dropped;
    dropped
}

/// The header of a sheet whose header cells are merged over sub-columns (`ALAMAT` over
/// `JALAN`, `RT`, `RW`), when `row` (the row under the header `top`) is its second row:
/// the row has no NIK or name under `top`'s columns, and a cell under an empty header
/// cell names a field. A name under an empty header cell takes its place; the merged
/// header must still name the required fields. None for a data row.
pub fn sub_header(
    path: &Path,
    top: &[String],
    row: &[String],
    input: &InputConfig,
    section: &'static str,
) -> Option<Vec<String>> {
    let map = header_map(path, top, input, section)?;
    let empty_at = |f: Field| {
        map.cols.get(&f).map_or(true, |cols| {
            cols.iter()
                .all(|&c| row.get(c).map_or(true, |v| v.trim().is_empty()))
        })
    };
    if !empty_at(Field::Nik) || !empty_at(Field::Name) {
        return None;
    }
    let names_field = |v: &str| {
        let k = header_key(v);
        !k.is_empty() && Field::ALL.iter().any(|f| f.aliases().contains(&k.as_str()))
    };
    let under_gap = (0..top.len())
        .any(|i| top[i].trim().is_empty() && row.get(i).is_some_and(|v| names_field(v)));
    if !under_gap {
        return None;
    }
    let merged: Vec<String> = (0..top.len())
        .map(|i| match top[i].trim() {
            "" => row.get(i).map_or(String::new(), |v| v.trim().to_string()),
            t => t.to_string(),
        })
        .collect();
    header_map(path, &merged, input, section)?;
    Some(merged)
}

/// The fields a header row (its cells) names, if it names the required ones.
pub(super) fn header_map(
    path: &Path,
    cells: &[String],
    input: &InputConfig,
    section: &'static str,
) -> Option<FieldMap> {
    let names: Vec<&str> = cells.iter().map(String::as_str).collect();
    Table::from_rows(path, &names, &[])
        .resolve(input, section)
        .ok()
}

/// Whether a row between the header and the first data row is not data: a second header
/// row (with `fields`: its names merged into `columns`' headers, [`sub_header`]) or a row
/// of column numbers ([`is_numbering_row`]). What it was is said in `layout`.
pub(super) fn skips_under_header(
    path: &Path,
    cells: &[String],
    header: &[String],
    columns: &mut [TextColumn],
    fields: Option<(&InputConfig, &'static str)>,
    layout: &mut Layout,
) -> bool {
    if layout.numbering_row {
        return false;
    }
    if let (false, Some((input, section))) = (layout.sub_header, fields) {
        if let Some(merged) = sub_header(path, header, cells, input, section) {
            for (col, h) in columns.iter_mut().zip(merged) {
                col.header = h;
            }
            layout.sub_header = true;
            return true;
        }
    }
    let bytes: Vec<&[u8]> = cells.iter().map(String::as_bytes).collect();
    layout.numbering_row = is_numbering_row(&bytes);
    layout.numbering_row
}

/// Whether `cells` (a row's cells in column order) are the columns' numbers: every
/// non-empty cell is its own position (`1`, `2`, ... or `(1)`, `(2)`, ...), at least
/// three of them and at least half of the row.
pub fn is_numbering_row(cells: &[&[u8]]) -> bool {
    let width = cells.len();
    let mut numbered = 0;
    for (i, cell) in cells.iter().enumerate() {
        let cell = cell.trim_ascii();
        if cell.is_empty() {
            continue;
        }
        let cell = cell
            .strip_prefix(b"(")
            .and_then(|c| c.strip_suffix(b")"))
            .unwrap_or(cell);
        // Spreadsheets may hold the numbers as floats (`1.0`).
        let cell = cell.strip_suffix(b".0").unwrap_or(cell);
        let mut buf = itoa::Buffer::new();
        if cell != buf.format(i + 1).as_bytes() {
            return false;
        }
        numbered += 1;
    }
    numbered >= 3 && numbered * 2 >= width
}

/// Excel's delimiter hint (`sep=;`, possibly quoted) as a file's first line.
fn sep_hint(line: &[u8]) -> Option<u8> {
    let line = line.trim_ascii();
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    match line {
        [s, e, p, b'=', d] if [s, e, p].map(u8::to_ascii_lowercase) == *b"sep" => Some(*d),
        _ => None,
    }
}

/// Whether a row of cells is the header (it names the fields).
pub(super) type HeaderTest<'a> = &'a dyn Fn(&[String]) -> bool;

/// Where the header starts in the first bytes of delimited text: the byte offset of its
/// line, the delimiter (given, from a `sep=` line, or detected on the header line) and
/// what was skipped. The first line is the header unless `accept` (a test of a row of
/// headers) refuses it and takes one of the next [`HEADER_SEARCH_LINES`] lines; if it takes
/// none, the first line stays the header (and the run says what it lacks).
pub(super) fn find_header(
    head: &[u8],
    given: Option<u8>,
    accept: Option<HeaderTest<'_>>,
) -> (usize, u8, Layout) {
    let mut lines: Vec<(usize, &[u8])> = Vec::new();
    let mut at = 0;
    while at < head.len() && lines.len() <= HEADER_SEARCH_LINES {
        let end = head[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(head.len(), |p| at + p);
        let line = &head[at..end];
        lines.push((at, line.strip_suffix(b"\r").unwrap_or(line)));
        at = end + 1;
    }
    let mut layout = Layout {
        header_line: 1,
        ..Layout::default()
    };
    let mut first = 0;
    let hint = lines.first().and_then(|&(_, l)| sep_hint(l));
    if hint.is_some() {
        layout.sep_line = true;
        first = 1;
    }
    let given = given.or(hint);
    let pick = |i: usize, layout: Layout| -> (usize, u8, Layout) {
        let (offset, line) = lines.get(i).copied().unwrap_or((head.len(), &[]));
        let header_line = i + 1;
        (
            offset,
            given.unwrap_or_else(|| detect_delimiter(line)),
            Layout {
                header_line,
                ..layout
            },
        )
    };
    if let Some(accept) = accept {
        let mut titles = 0;
        for (i, &(_, line)) in lines.iter().enumerate().skip(first) {
            if line.trim_ascii().is_empty() {
                continue;
            }
            // A quoted cell running over the line's end: lines are no longer rows.
            if line.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
                break;
            }
            let d = given.unwrap_or_else(|| detect_delimiter(line));
            let cells: Vec<String> = csv::ReaderBuilder::new()
                .delimiter(d)
                .has_headers(false)
                .flexible(true)
                .from_reader(line)
                .byte_records()
                .next()
                .and_then(Result::ok)
                .map(|r| r.iter().map(|c| decode(c).trim().to_string()).collect())
                .unwrap_or_default();
            if accept(&cells) {
                return pick(
                    i,
                    Layout {
                        title_lines: titles,
                        ..layout
                    },
                );
            }
            titles += 1;
        }
    }
    pick(first, layout)
}
