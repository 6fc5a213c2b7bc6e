//! Parquet: integer, decimal and float columns become digit strings (never `6.47e15`),
//! dates `YYYY-MM-DD`, string columns kept as polars read them; only the used columns of a
//! register, a slice of row groups at a time ([`read_parquet_slices`]).
//!
//! In: a path (and the config section for the used columns). Out: a [`Table`].

use std::fs::File;
use std::path::Path;

use crate::core::config::InputConfig;
use crate::core::error::LoadError;
use crate::io::workbook::format_float;
use crate::normalize::nik::CellKind;

use super::open;
use super::table::{Layout, Table, TextColumn};

/// Read a Parquet file; every column becomes text.
pub fn read_parquet(path: &Path) -> Result<Table, LoadError> {
    read_parquet_projected(path, None)
}

/// Read only the columns that the fields of `input` use (a register needs no others).
/// Columns no field uses are never read, whatever their type.
pub fn read_parquet_for(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
) -> Result<Table, LoadError> {
    use polars::prelude::*;
    let mut reader = ParquetReader::new(open(path)?);
    let used = used_columns(&mut reader, path, input, section)?;
    read_parquet_projected(path, Some(used))
}

/// The positions of the columns a Parquet file's schema gives the fields of `input`
/// (resolved as a table's headers are: a missing field is the same error).
fn used_columns(
    reader: &mut polars::prelude::ParquetReader<File>,
    path: &Path,
    input: &InputConfig,
    section: &'static str,
) -> Result<Vec<usize>, LoadError> {
    let schema = reader.schema().map_err(|e| LoadError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let headers: Vec<&str> = names.iter().map(String::as_str).collect();
    let map = Table::from_rows(path, &headers, &[]).resolve(input, section)?;
    let mut used: Vec<usize> = map.cols.values().flatten().copied().collect();
    used.sort_unstable();
    used.dedup();
    Ok(used)
}

/// Read the columns of a Parquet file that the fields of `input` use, about `rows` rows at
/// a time, whole row groups where they are no larger: `each` gets the slices in row order,
/// each as a table of its own (its rows numbered from 0). The file's text is never whole
/// in memory: a register of tens of millions of rows is read and normalized slice by slice.
/// A file without rows gives one empty slice (its columns still checked).
pub fn read_parquet_slices(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
    rows: usize,
    mut each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    use polars::prelude::*;
    let pq_err = |e: PolarsError| LoadError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = ParquetReader::new(open(path)?);
    let used = used_columns(&mut reader, path, input, section)?;
    let metadata = reader.get_metadata().map_err(pq_err)?.clone();
    let mut slices = parquet_slices(
        metadata.row_groups.iter().map(|g| g.num_rows()),
        rows.max(1),
    );
    if slices.is_empty() {
        slices.push((0, 0));
    }
    for (start, len) in slices {
        let mut reader = ParquetReader::new(open(path)?)
            .with_projection(Some(used.clone()))
            .with_slice(Some((start, len)));
        reader.set_metadata(metadata.clone());
        let df = reader.finish().map_err(pq_err)?;
        each(parquet_table(path, df)?)?;
    }
    Ok(())
}

/// The slices (first row, rows) of [`read_parquet_slices`] over row groups of `groups` rows:
/// whole groups gathered up to `rows` rows, a larger group cut into slices of `rows`.
pub(super) fn parquet_slices(
    groups: impl Iterator<Item = usize>,
    rows: usize,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut len) = (0usize, 0usize);
    for g in groups {
        if len > 0 && len + g > rows {
            out.push((start, len));
            (start, len) = (start + len, 0);
        }
        len += g;
        while len > rows {
            out.push((start, rows));
            (start, len) = (start + rows, len - rows);
        }
    }
    if len > 0 {
        out.push((start, len));
    }
    out
}

/// A table of the columns polars read, turned into text side by side (one after the other
/// off a rayon worker thread: a thread of its own stays within one core).
fn parquet_table(path: &Path, df: polars::prelude::DataFrame) -> Result<Table, LoadError> {
    use rayon::prelude::*;
    let n_rows = df.height();
    let text = |col: &polars::prelude::Column| column_text(path, col.as_materialized_series());
    let columns: Vec<TextColumn> = if rayon::current_thread_index().is_some() {
        df.columns()
            .par_iter()
            .map(text)
            // Gathered before the first error is taken, so the error named is the first
            // column's in order at any thread count.
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<_, _>>()?
    } else {
        df.columns().iter().map(text).collect::<Result<_, _>>()?
    };
    Ok(Table::of_rows(path, columns, n_rows, Layout::default()))
}

fn read_parquet_projected(path: &Path, projection: Option<Vec<usize>>) -> Result<Table, LoadError> {
    use polars::prelude::*;
    let file = open(path)?;
    let pq_err = |e: PolarsError| LoadError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let df = ParquetReader::new(file)
        .with_projection(projection)
        .finish()
        .map_err(pq_err)?;
    parquet_table(path, df)
}

/// One Parquet column as text: integers as digits (never `6.47e15`), floats through
/// [`format_float`], everything else through polars' cast to string (dates `YYYY-MM-DD`).
fn column_text(path: &Path, series: &polars::prelude::Series) -> Result<TextColumn, LoadError> {
    use polars::prelude::*;
    let name = series.name().to_string();
    let type_err = || LoadError::ColumnType {
        path: path.to_path_buf(),
        column: name.clone(),
        dtype: series.dtype().to_string(),
    };
    let dtype = series.dtype().clone();
    let mut out;
    if dtype.is_float() {
        out = TextColumn::new(&name, CellKind::Float);
        let floats = series.cast(&DataType::Float64).map_err(|_| type_err())?;
        for v in floats.f64().map_err(|_| type_err())?.iter() {
            out.push(&v.map(format_float).unwrap_or_default());
        }
    } else if dtype.is_signed_integer() || dtype.is_unsigned_integer() {
        // Every integer type fits i128 exactly; digits written without an intermediate
        // string column.
        out = TextColumn::with_capacity(&name, CellKind::Integer, series.len(), series.len() * 8);
        let mut buf = itoa::Buffer::new();
        if dtype.is_unsigned_integer() {
            let v = series.cast(&DataType::UInt64).map_err(|_| type_err())?;
            for x in v.u64().map_err(|_| type_err())?.iter() {
                out.push(x.map_or("", |x| buf.format(x)));
            }
        } else {
            let v = series.cast(&DataType::Int64).map_err(|_| type_err())?;
            for x in v.i64().map_err(|_| type_err())?.iter() {
                out.push(x.map_or("", |x| buf.format(x)));
            }
        }
    } else if dtype.is_nested() {
        // Lists and structs hold no field's value (and have no text form): empty cells, so
        // that such a column never stops a run. A register never reads them (projection).
        out = TextColumn::with_capacity(&name, CellKind::Text, series.len(), 0);
        for _ in 0..series.len() {
            out.push("");
        }
        out.nested = Some(dtype.to_string());
    } else {
        let kind = if matches!(dtype, DataType::Decimal(..)) {
            CellKind::Integer
        } else {
            CellKind::Text
        };
        let text = series.cast(&DataType::String).map_err(|_| type_err())?;
        let text = text.str().map_err(|_| type_err())?;
        out = TextColumn::from_strings(&name, kind, text.clone());
    }
    Ok(out)
}
