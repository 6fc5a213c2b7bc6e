//! Delimited text: the delimiter detected among `,` `;` `|` and tab (or Excel's `sep=`
//! line), UTF-8 with or without BOM, UTF-16 and Windows-1252; the whole file or a slice of
//! rows at a time ([`read_csv_slices`]).
//!
//! In: a path (and the config section whose fields find a header under a title). Out: a
//! [`Table`] of text cells; short rows padded with empty cells.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::core::config::InputConfig;
use crate::core::error::LoadError;
use crate::normalize::nik::CellKind;

use super::header::{find_header, header_map, skips_under_header};
use super::open;
use super::table::{Layout, Table, TextColumn};
use super::text::{decode, to_utf8, utf16_of};

/// What [`read_csv_slices`] found of the whole file: its data rows, the rows longer than
/// the header, the first row with a cell spanning lines with their count, and what came
/// before the rows ([`Layout`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CsvFacts {
    pub rows: usize,
    pub long_rows: usize,
    pub multiline: Option<(usize, usize)>,
    pub layout: Layout,
}

/// Read delimited text about `rows` data rows at a time, only the columns the fields of
/// `input` use, as [`read_csv`] reads it (delimiter, encodings, blank lines, short and long
/// rows): `each` gets the slices in row order, each a table of its own. The file's text is
/// never whole in memory (a register exported as `;`-separated text can be gigabytes).
pub fn read_csv_slices(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
    rows: usize,
    each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<CsvFacts, LoadError> {
    let delimiter = input.delimiter.as_ref().and_then(|d| d.bytes().next());
    parse_csv(path, delimiter, Some((input, section)), true, rows, each)
}

/// Read delimited text: every column, as one table.
pub fn read_csv(path: &Path, delimiter: Option<u8>) -> Result<Table, LoadError> {
    read_csv_for(path, delimiter, None)
}

/// [`read_csv`], the header found under a title by the fields of `input` (`section` names
/// it in messages).
pub fn read_csv_for(
    path: &Path,
    delimiter: Option<u8>,
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<Table, LoadError> {
    let mut table = None;
    let facts = parse_csv(path, delimiter, fields, false, usize::MAX, |t| {
        table = Some(t);
        Ok(())
    })?;
    let mut table = table.unwrap_or_else(|| Table::from_rows(path, &[], &[]));
    table.long_rows = facts.long_rows;
    table.multiline = facts.multiline;
    table.layout = facts.layout;
    Ok(table)
}

/// The one parser of delimited text behind [`read_csv`] and [`read_csv_slices`]: UTF-16
/// (and text whose first megabyte is blank) is read whole and turned into UTF-8; other
/// text is parsed as it is read, a UTF-8 byte-order mark skipped and cells that are not
/// UTF-8 read as Windows-1252. The header is the first line, or with `fields` the first of
/// the next lines that names them under a title ([`find_header`]); a row of column
/// numbers under it is skipped. The delimiter is given, read from a `sep=` line, or
/// detected on the header line. With `project`, only the columns its fields use are kept; slices of `rows` data rows go
/// to `each` (one slice, possibly empty, for a file without rows).
/// A delimited text file opened: the reader past its byte-order mark, or the whole text
/// in memory (UTF-16 decoded at once, or text whose start is blank), and its first
/// megabyte for the header search.
struct Opened {
    file: BufReader<File>,
    whole: Option<Vec<u8>>,
    head: Vec<u8>,
}

fn open_text(path: &Path) -> Result<Opened, LoadError> {
    use std::io::BufRead;
    const HEAD: usize = 1 << 20;
    let open_err = |source| LoadError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut file = BufReader::with_capacity(HEAD, open(path)?);
    let head = file.fill_buf().map_err(open_err)?.to_vec();
    let head_body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let blank = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
    if utf16_of(&head).is_none() && !blank(head_body) {
        if head.len() != head_body.len() {
            file.consume(3);
        }
        let head = head_body.to_vec();
        return Ok(Opened {
            file,
            whole: None,
            head,
        });
    }
    // The buffered head was not consumed: this reads the file from its start.
    let mut all = Vec::new();
    file.read_to_end(&mut all).map_err(open_err)?;
    let mut all = to_utf8(all);
    if all.starts_with(b"\xef\xbb\xbf") {
        all.drain(..3);
    }
    if blank(&all) {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let head = all[..all.len().min(HEAD)].to_vec();
    Ok(Opened {
        file,
        whole: Some(all),
        head,
    })
}

/// The columns a CSV table keeps: those the fields use (`fields` given), else every one.
fn csv_columns(
    path: &Path,
    headers: &[String],
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<Vec<usize>, LoadError> {
    Ok(match fields {
        Some((input, section)) => {
            let names: Vec<&str> = headers.iter().map(String::as_str).collect();
            let map = Table::from_rows(path, &names, &[]).resolve(input, section)?;
            let mut used: Vec<usize> = map.cols.values().flatten().copied().collect();
            used.sort_unstable();
            used.dedup();
            used
        }
        None => (0..headers.len()).collect(),
    })
}

/// A CSV reader at the first data row, the header's cells and the layout.
type HeaderReader = (csv::Reader<Box<dyn Read>>, Vec<String>, Layout);

/// A reader at the first data row under the header (the first line, or the first that
/// names the fields under a title), the header's cells and the layout it was found in.
fn header_reader(
    path: &Path,
    delimiter: Option<u8>,
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<HeaderReader, LoadError> {
    use std::io::BufRead;
    let Opened {
        mut file,
        whole,
        head,
    } = open_text(path)?;
    let accept = |cells: &[String]| {
        fields.is_some_and(|(input, section)| header_map(path, cells, input, section).is_some())
    };
    let (skip, delimiter, layout) = find_header(
        &head,
        delimiter,
        fields
            .is_some()
            .then_some(&accept as &dyn Fn(&[String]) -> bool),
    );
    let source: Box<dyn Read> = match whole {
        Some(mut bytes) => {
            bytes.drain(..skip);
            Box::new(std::io::Cursor::new(bytes))
        }
        None => {
            file.consume(skip);
            Box::new(file)
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(source);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| decode(h).trim().to_string())
        .collect();
    Ok((reader, headers, layout))
}

fn parse_csv(
    path: &Path,
    delimiter: Option<u8>,
    fields: Option<(&InputConfig, &'static str)>,
    project: bool,
    rows: usize,
    mut each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<CsvFacts, LoadError> {
    let blank = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
    let (mut reader, headers, mut layout) = header_reader(path, delimiter, fields)?;
    let used = csv_columns(path, &headers, fields.filter(|_| project))?;
    let new_columns = || -> Vec<TextColumn> {
        used.iter()
            .map(|&i| TextColumn::new(&headers[i], CellKind::Text))
            .collect()
    };
    let slice = |columns: Vec<TextColumn>, n_rows: usize, layout: Layout| {
        Table::of_rows(path, columns, n_rows, layout)
    };
    let mut facts = CsvFacts::default();
    let mut columns = new_columns();
    let mut in_slice = 0;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e)),
        }
        if record.len() == 1 && record.get(0).is_some_and(blank) {
            continue; // blank line
        }
        // A second header row (for a table read whole) or the column numbers.
        if facts.rows == 0 {
            let cells: Vec<String> = record.iter().map(|c| decode(c).into_owned()).collect();
            let fields = fields.filter(|_| !project);
            if skips_under_header(path, &cells, &headers, &mut columns, fields, &mut layout) {
                continue;
            }
        }
        if record.len() > headers.len() {
            facts.long_rows += 1;
        }
        if record.iter().any(|f| f.contains(&b'\n')) {
            let m = facts.multiline.get_or_insert((facts.rows + 1, 0));
            m.1 += 1;
        }
        for (col, &i) in columns.iter_mut().zip(&used) {
            col.push(&decode(record.get(i).unwrap_or(b"")));
        }
        facts.rows += 1;
        in_slice += 1;
        if in_slice == rows.max(1) {
            each(slice(
                std::mem::replace(&mut columns, new_columns()),
                in_slice,
                layout,
            ))?;
            in_slice = 0;
        }
    }
    if in_slice > 0 || facts.rows == 0 {
        each(slice(columns, in_slice, layout))?;
    }
    facts.layout = layout;
    Ok(facts)
}

fn csv_error(path: &Path, e: &csv::Error) -> LoadError {
    let row = e
        .position()
        .map(|p| p.record().saturating_sub(0))
        .unwrap_or(0);
    LoadError::Csv {
        path: path.to_path_buf(),
        row,
        message: format!("{e}; check the quoting and the delimiter (set [aid] or [register] delimiter in the config)"),
    }
}
