//! The register read and normalized a slice at a time, or taken from an index; the aid
//! list read.
//!
//! In: a register file or index, an aid file. Out: [`RegisterInput`], a [`Table`], the
//! index header of a register.

use super::quality::{multiline_warning, LifeTally};
use crate::core::fsio::sha256_file;
use std::path::Path;

use crate::core::config::{FileConfig, FileFormat, InputConfig};
use crate::core::error::{Error, LoadError};
use crate::core::progress::Progress;
use crate::io::index::{IndexHeader, IndexReader};
use crate::io::load::{read_table_as, CsvFacts, Mapped, Table};
use crate::io::output::InputSummary;
use crate::matching::record::{StoredBuilder, StoredRecords};

/// The register settings that shape its records (`id_kind`, `[register]`, `[status]`), as
/// an index records them: an index built under other settings holds other records.
pub fn register_settings(file: &FileConfig) -> String {
    serde_json::json!({
        "id_kind": file.id_kind,
        "register": file.register,
        "status": file.status,
    })
    .to_string()
}

/// The register as a run reads it: an index's records, or the records of its file read
/// and normalized a slice at a time.
pub enum RegisterInput {
    Index(Box<IndexHeader>, StoredRecords),
    Built(Box<BuiltRegister>),
}

/// A register normalized as it was read ([`build_register`]): its records and what a run
/// says of its file.
pub struct BuiltRegister {
    pub source: InputSummary,
    /// Life-status warnings ([`life_warnings`](super::life_warnings)).
    pub warnings: Vec<String>,
    /// Cells spanning lines ([`multiline_warning`]; never in a Parquet file).
    pub multiline: Option<String>,
    pub records: StoredRecords,
}

/// Rows of a register file read and normalized at a time: its text in memory is a slice's
/// (about 130 MB at the synthetic register's widths), not the file's.
pub const REGISTER_SLICE_ROWS: usize = 1 << 20;

/// Read a register file a slice at a time (Parquet by row groups, delimited text as it is
/// parsed; a spreadsheet whole), normalizing each slice as it comes
/// ([`crate::matching::record::StoredBuilder`]): the records are those built from the
/// whole table, and the summary and warnings the same, without the file's text ever being
/// whole in memory. The SHA-256 is computed alongside.
pub fn build_register(
    path: &Path,
    file: &FileConfig,
    progress: &Progress,
) -> Result<BuiltRegister, LoadError> {
    build_register_by(path, file, progress, REGISTER_SLICE_ROWS)
}

/// [`build_register`] a slice of about `slice_rows` rows at a time.
pub fn build_register_by(
    path: &Path,
    file: &FileConfig,
    progress: &Progress,
    slice_rows: usize,
) -> Result<BuiltRegister, LoadError> {
    let pb = progress.spinner(&format!(
        "reading and normalizing register {}",
        path.display()
    ));
    let mut builder = StoredBuilder::new(&file.status, file.id_kind);
    let mut tally = LifeTally::default();
    let mut columns = None;
    // The next slice is read (on a thread of its own) while this one is normalized: two
    // slices' text at most in memory.
    let (read, sha) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Table>(1);
        let reader = s.spawn(move || {
            register_slices(path, file, slice_rows, |table| {
                // A closed channel: the normalizing side stopped on an error of its own
                // (the one reported); reading stops too.
                tx.send(table).map_err(|_| LoadError::Open {
                    path: path.to_path_buf(),
                    source: std::io::Error::other("reading stopped"),
                })
            })
        });
        let sha = s.spawn(|| sha256_file(path));
        let failed = normalize_slices(rx, file, &mut builder, &mut tally, &mut columns);
        let read = match (failed, reader.join()) {
            (Some(e), _) => Err(e),
            (None, Ok(read)) => read,
            (None, Err(panic)) => std::panic::resume_unwind(panic),
        };
        let sha = sha
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (read, sha)
    });
    let CsvFacts {
        long_rows,
        multiline,
        layout,
        ..
    } = read?;
    pb.finish_and_clear();
    let multiline = multiline_warning(&Table {
        path: path.to_path_buf(),
        columns: Vec::new(),
        n_rows: builder.len(),
        long_rows,
        multiline,
        layout,
    });
    let mut warnings = tally.warnings();
    warnings.extend(layout.warning(path));
    Ok(BuiltRegister {
        source: InputSummary {
            path: path.display().to_string(),
            sha256: sha?,
            rows: builder.len(),
            columns: columns.unwrap_or_default(),
            long_rows,
        },
        warnings,
        multiline,
        records: builder.finish(),
    })
}

/// Each slice read (`rx`) resolved against `[register.columns]` and added to the stored
/// records, its life statuses tallied and the first slice's columns described; the first
/// error stops it (the reader then stops too, its channel closed).
fn normalize_slices(
    rx: std::sync::mpsc::Receiver<Table>,
    file: &FileConfig,
    builder: &mut StoredBuilder,
    tally: &mut LifeTally,
    columns: &mut Option<std::collections::BTreeMap<String, Vec<String>>>,
) -> Option<LoadError> {
    for table in rx {
        match table.resolve(&file.register, "register") {
            Ok(map) => {
                let people = builder.add(&Mapped {
                    table: &table,
                    map: &map,
                });
                tally.add(&table, &map, people);
                columns.get_or_insert_with(|| map.describe(&table));
            }
            Err(e) => return Some(e),
        }
    }
    None
}

/// The register file's rows a slice at a time, by its format: Parquet by row groups,
/// delimited text as it is parsed, a spreadsheet whole (one slice). Returns the rows
/// longer than the header, the cells spanning lines (first row, count) and what came
/// before the rows (none for Parquet).
fn register_slices(
    path: &Path,
    file: &FileConfig,
    rows: usize,
    mut each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<CsvFacts, LoadError> {
    use crate::io::load;
    use FileFormat;
    match FileFormat::from_path(path) {
        Ok(FileFormat::Parquet) => {
            load::read_parquet_slices(path, &file.register, "register", rows, each)?;
            Ok(load::CsvFacts::default())
        }
        Ok(FileFormat::Csv) => load::read_csv_slices(path, &file.register, "register", rows, each),
        _ => {
            let table = read_table_as(path, &file.register, "register", true)?;
            let facts = load::CsvFacts {
                rows: table.n_rows,
                long_rows: table.long_rows,
                multiline: table.multiline,
                layout: table.layout,
            };
            each(table)?;
            Ok(facts)
        }
    }
}

/// Read the register, from its file or from an index (checked against the config and its
/// source).
pub fn load_register(
    path: &Path,
    file: &FileConfig,
    progress: &Progress,
) -> Result<RegisterInput, LoadError> {
    if FileFormat::from_path(path).ok() != Some(FileFormat::Index) {
        return Ok(RegisterInput::Built(Box::new(build_register(
            path, file, progress,
        )?)));
    }
    let pb = progress.spinner(&format!("reading register index {}", path.display()));
    let reader = IndexReader::open(path)?;
    let want = register_settings(file);
    if reader.header.settings != want {
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap_or_default();
        let (then, now) = (parse(&reader.header.settings), parse(&want));
        let what: Vec<&str> = ["id_kind", "register", "status"]
            .into_iter()
            .filter(|k| then.get(k) != now.get(k))
            .collect();
        return Err(LoadError::IndexSettings {
            path: path.to_path_buf(),
            what: if what.is_empty() {
                "settings".to_string()
            } else {
                what.join(", ")
            },
        });
    }
    reader.check_source(sha256_file)?;
    let header = Box::new(reader.header.clone());
    let records = reader.records()?;
    pb.finish_and_clear();
    Ok(RegisterInput::Index(header, records))
}

/// Build a register index: the register read and normalized as a run would, stored with
/// what the run reports of it.
pub fn build_index(
    register_path: &Path,
    index_path: &Path,
    file: &FileConfig,
    progress: &Progress,
) -> Result<IndexHeader, Error> {
    let built = build_register(register_path, file, progress)?;
    let header = index_header(
        register_path,
        built.source,
        built.multiline,
        file,
        built.warnings,
    )?;
    crate::io::index::write(index_path, &header, &built.records)?;
    Ok(header)
}

/// The header of an index of the register read from `register_path`: what a run says of
/// the file (`source`), its cells spanning lines and its life-status warnings.
pub fn index_header(
    register_path: &Path,
    source: InputSummary,
    multiline: Option<String>,
    file: &FileConfig,
    warnings: Vec<String>,
) -> Result<IndexHeader, LoadError> {
    let (source_bytes, source_mtime) =
        crate::io::index::file_stamp(register_path).map_err(|source| LoadError::Open {
            path: register_path.to_path_buf(),
            source,
        })?;
    Ok(IndexHeader {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        rules: crate::matching::record::rules_fingerprint(),
        source,
        source_canonical: register_path
            .canonicalize()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        source_bytes,
        source_mtime,
        settings: register_settings(file),
        warnings,
        multiline_warning: multiline,
    })
}

pub fn load(
    path: &Path,
    cfg: &InputConfig,
    progress: &Progress,
    what: &str,
    section: &'static str,
) -> Result<(Table, String), LoadError> {
    let pb = progress.spinner(&format!("reading {what} {}", path.display()));
    let (table, sha) = rayon::join(
        || read_table_as(path, cfg, section, false),
        || sha256_file(path),
    );
    pb.finish_and_clear();
    let mut table = table?;
    // A total or a signature block under the list is not a recipient.
    if let Ok(map) = table.resolve(cfg, section) {
        crate::io::load::drop_footer(&mut table, &map);
    }
    Ok((table, sha?))
}
