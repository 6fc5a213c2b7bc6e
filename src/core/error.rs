//! Error types of the stages. Each message names the file, row, column or setting at fault
//! and says how to fix it; the binary adds context and maps every error to exit code 2.

use std::path::PathBuf;

use thiserror::Error;

/// Invalid configuration or command-line input.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("input file {path} does not exist or is not a file: check the path")]
    MissingInput { path: PathBuf },
    #[error("input file {path} is in the output folder {out_dir}, whose files a run replaces: choose another folder with -o")]
    InputInOutDir { path: PathBuf, out_dir: PathBuf },
    #[error(
        "input file {path}: unknown extension; use .csv, .tsv or .txt (delimited text), .parquet, .xlsx/.xls, or .idx (a register index from `dedupe index`)"
    )]
    UnknownExtension { path: PathBuf },
    #[error("{path} is a register index: pass it as the register, the second argument (`dedupe AID {path}`)")]
    IndexAsAid { path: PathBuf },
    #[error("--threads {0}: give a number from 1 to 1024, or 0 for one thread per core")]
    Threads(usize),
}

/// A problem reading an input file.
#[derive(Debug, Error)]
pub enum LoadError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty; expected a header row and data rows")]
    Empty { path: PathBuf },
    #[error("{path}, row {row}: {message}")]
    Csv {
        path: PathBuf,
        row: u64,
        message: String,
    },
    #[error("{path}: not a readable spreadsheet ({message})")]
    Spreadsheet { path: PathBuf, message: String },
    #[error("{path}: no sheet {sheet:?}; sheets: {found}. Pass one of them with --sheet (or [aid] sheet in the config)")]
    NoSheet {
        path: PathBuf,
        sheet: String,
        found: String,
    },
    #[error("{path}: not a readable Parquet file ({message})")]
    Parquet { path: PathBuf, message: String },
    #[error(
        "{path}: column {column:?} holds {dtype} (several values a cell), not one value a \
         row; export it flattened (one value a row), or map the field to another column in \
         the config"
    )]
    NestedColumn {
        path: PathBuf,
        column: String,
        dtype: String,
    },
    #[error("{path}: column {column:?} has type {dtype}, which cannot be read as text")]
    ColumnType {
        path: PathBuf,
        column: String,
        dtype: String,
    },
    #[error(
        "{path}: no column for the required field `{field}`; headers found: {found}. \
         Name the column in a config file: [{section}.columns] {field} = \"YOUR_HEADER\" (pass it with --config)"
    )]
    MissingColumn {
        path: PathBuf,
        field: &'static str,
        section: &'static str,
        found: String,
    },
    #[error(
        "{path}: columns {first:?} and {second:?} are both `{field}`, and which holds it cannot \
         be told; name one in the config: [{section}.columns] {field} = \"{first}\" (or \
         rename or remove the other column)"
    )]
    AmbiguousColumns {
        path: PathBuf,
        field: &'static str,
        first: String,
        second: String,
        section: &'static str,
    },
    #[error(
        "{path}: column {column:?} would be read as both `{first}` and `{second}`; one column \
         holds one field: map them to different columns in the config ([{section}.columns] \
         {first} = \"...\", {second} = \"...\") or remove one of the two mappings"
    )]
    ColumnTwoFields {
        path: PathBuf,
        column: String,
        first: &'static str,
        second: &'static str,
        section: &'static str,
    },
    #[error(
        "{path}: the config maps `{field}` to column {header:?}, which is not in the file; \
         headers found: {found}. Fix [{section}.columns] {field} in the config file"
    )]
    UnknownHeader {
        path: PathBuf,
        field: String,
        header: String,
        section: &'static str,
        found: String,
    },
    #[error("{path}: not a register index of this version of dedupe ({message}); build it again with `dedupe index REGISTER -o {path}`")]
    ForeignIndex { path: PathBuf, message: String },
    #[error("{path}: the index was built from {source_path}, which has changed since (SHA-256 {then} then, {now} now); build it again with `dedupe index {source_path} -o {path}`")]
    StaleIndex {
        path: PathBuf,
        source_path: PathBuf,
        then: String,
        now: String,
    },
    #[error("{path}: the index was built with other register settings ({what}); build it again with this config: `dedupe index REGISTER -o {path} --config FILE`")]
    IndexSettings { path: PathBuf, what: String },
    #[error("{path}: not part of a partition folder written by `dedupe partition` ({message}); write the parts again with `dedupe partition AID REGISTER --parts N -o DIR`")]
    Part { path: PathBuf, message: String },
}

/// A problem writing an output file.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error("cannot write {path}: {source}; check that the output folder is writable (-o/--out)")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {message}")]
    Other { path: PathBuf, message: String },
    #[error("another dedupe run ({holder}) is writing into {path}; wait for it to finish, or choose another output folder (-o/--out)")]
    Locked { path: PathBuf, holder: String },
}

/// Any error of a run.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Write(#[from] WriteError),
}
