//! The batch job: load, normalize, link, cluster, verify, report.
//!
//! In: a validated [`Config`]. Out: the output files and the [`Summary`]. The register is
//! read and normalized a slice at a time ([`build_register`]) or taken from an index.
//! [`match_tables`] runs the matching stages on tables already in memory, for tests and
//! benchmarks.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use crate::core::config::{Config, FileConfig, TestFault};
use crate::core::error::{Error, LoadError};
use crate::core::progress::Progress;
use crate::core::status::Status;
use crate::io::load::{read_table_as, FieldMap, Mapped, Table};
use crate::io::official::RunFacts;
use crate::io::output::{self, GroupSummary, InputSummary, RunOutput, Summary};
use crate::matching::cluster::Groups;
use crate::matching::record::{build_pair, Records};
use crate::matching::register_index::RegisterIndex;
use crate::matching::verify::{decide, Decision};

/// Everything the matching stages produce.
#[derive(Debug)]
pub struct Outcome {
    pub aid_map: FieldMap,
    pub register_map: FieldMap,
    pub aid: Records,
    pub register: Records,
    pub groups: Groups,
    pub decisions: Vec<Decision>,
    pub register_repeated_niks: usize,
    pub stage_seconds: BTreeMap<String, f64>,
    /// What fuzzy linking did (None when it is off).
    pub fuzzy: Option<crate::matching::fuzzy::FuzzyStats>,
    /// Aid-list area spellings mapped to the register's.
    pub areas: crate::matching::areas::AreaStats,
    /// The rows a person should review.
    pub review: Vec<crate::matching::review::ReviewItem>,
    /// Reviewers' decisions applied, and those naming a person this run does not have.
    pub decisions_applied: usize,
    pub decisions_unknown: usize,
    /// The scoring model used by fuzzy linking.
    pub model: Option<crate::matching::score::Model>,
    /// The register's records that are one person (None in a part of a partitioned run).
    pub register_twice: Option<crate::matching::register_twice::RegisterTwice>,
}

/// Run the matching stages on loaded tables.
pub fn match_tables(
    aid_table: &Table,
    register_table: &Table,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Outcome, LoadError> {
    match_tables_with_model(aid_table, register_table, cfg, None, progress)
}

/// [`match_tables`] with a given scoring model (estimated from the data when `None`).
pub fn match_tables_with_model(
    aid_table: &Table,
    register_table: &Table,
    cfg: &FileConfig,
    model: Option<crate::matching::score::Model>,
    progress: &Progress,
) -> Result<Outcome, LoadError> {
    let prepared = prepare(aid_table, register_table, cfg, progress)?;
    Ok(match_records(prepared, cfg, model, None, None, progress))
}

/// Normalized records of both tables and their field maps: all the matching stages need of
/// the tables (the register's text can be dropped after this).
pub struct Prepared {
    pub aid_map: FieldMap,
    pub register_map: FieldMap,
    pub aid: Records,
    pub register: Records,
    pub stage_seconds: BTreeMap<String, f64>,
    /// Reviewers' decisions to apply (rows already checked against their hashes).
    pub decided: Vec<crate::matching::verdicts::Decided>,
}

/// Find the columns and build the records of both tables.
pub fn prepare(
    aid_table: &Table,
    register_table: &Table,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Prepared, LoadError> {
    prepare_from(
        aid_table,
        RegisterSide::Table(register_table),
        cfg,
        progress,
    )
}

/// [`prepare`] with the register's records from an index: only the aid list is normalized.
/// The records are the ones [`prepare`] builds from the register the index was made from.
pub fn prepare_on_index(
    aid_table: &Table,
    register: crate::matching::record::StoredRecords,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Prepared, LoadError> {
    prepare_from(aid_table, RegisterSide::Stored(register), cfg, progress)
}

/// The register as [`prepare_from`] takes it: a table to normalize, or its records.
enum RegisterSide<'t> {
    Table(&'t Table),
    Stored(crate::matching::record::StoredRecords),
}

fn prepare_from(
    aid_table: &Table,
    register: RegisterSide<'_>,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Prepared, LoadError> {
    let aid_map = aid_table.resolve(&cfg.aid, "aid")?;
    // An index keeps the columns it used in its header: no map of them here.
    let register_map = match &register {
        RegisterSide::Table(t) => t.resolve(&cfg.register, "register")?,
        RegisterSide::Stored(_) => FieldMap::default(),
    };
    let t = Instant::now();
    let pb = progress.spinner("normalizing");
    let aid_cells = Mapped {
        table: aid_table,
        map: &aid_map,
    };
    let (aid, register) = match register {
        RegisterSide::Table(table) => build_pair(
            &aid_cells,
            &Mapped {
                table,
                map: &register_map,
            },
            &cfg.status,
            cfg.id_kind,
        ),
        RegisterSide::Stored(records) => {
            crate::matching::record::build_pair_on(&aid_cells, records, &cfg.status, cfg.id_kind)
        }
    };
    pb.finish_and_clear();
    let mut stage_seconds = BTreeMap::new();
    stage_seconds.insert("normalize".to_string(), t.elapsed().as_secs_f64());
    Ok(Prepared {
        aid_map,
        register_map,
        aid,
        register,
        stage_seconds,
        decided: Vec::new(),
    })
}

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
    Index(
        Box<crate::io::index::IndexHeader>,
        crate::matching::record::StoredRecords,
    ),
    Built(Box<BuiltRegister>),
}

/// A register normalized as it was read ([`build_register`]): its records and what a run
/// says of its file.
pub struct BuiltRegister {
    pub source: InputSummary,
    /// Life-status warnings ([`life_warnings`]).
    pub warnings: Vec<String>,
    /// Cells spanning lines ([`multiline_warning`]; never in a Parquet file).
    pub multiline: Option<String>,
    pub records: crate::matching::record::StoredRecords,
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
    let mut builder = crate::matching::record::StoredBuilder::new(&file.status, file.id_kind);
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
    let crate::io::load::CsvFacts {
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
    builder: &mut crate::matching::record::StoredBuilder,
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
) -> Result<crate::io::load::CsvFacts, LoadError> {
    use crate::core::config::FileFormat;
    use crate::io::load;
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
    if crate::core::config::FileFormat::from_path(path).ok()
        != Some(crate::core::config::FileFormat::Index)
    {
        return Ok(RegisterInput::Built(Box::new(build_register(
            path, file, progress,
        )?)));
    }
    let pb = progress.spinner(&format!("reading register index {}", path.display()));
    let reader = crate::io::index::IndexReader::open(path)?;
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

/// What `summary.json` says of an input file (and an index of its register).
pub fn input_summary(table: &Table, map: &FieldMap, sha256: String) -> InputSummary {
    InputSummary {
        path: table.path.display().to_string(),
        sha256,
        rows: table.n_rows,
        columns: map.describe(table),
        long_rows: table.long_rows,
    }
}

/// What a run says of a table whose cells span lines (an unterminated quote, usually).
pub fn multiline_warning(t: &Table) -> Option<String> {
    t.multiline.map(|(row, n)| {
        format!(
            "{}: {n} row(s) have a cell spanning several lines, the first at data row \
             {row}; an unterminated quote (\") makes the rows after it one cell: check \
             the quoting around that row",
            t.path.display()
        )
    })
}

/// Build a register index: the register read and normalized as a run would, stored with
/// what the run reports of it.
pub fn build_index(
    register_path: &Path,
    index_path: &Path,
    file: &FileConfig,
    progress: &Progress,
) -> Result<crate::io::index::IndexHeader, Error> {
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
) -> Result<crate::io::index::IndexHeader, LoadError> {
    let (source_bytes, source_mtime) =
        crate::io::index::file_stamp(register_path).map_err(|source| LoadError::Open {
            path: register_path.to_path_buf(),
            source,
        })?;
    Ok(crate::io::index::IndexHeader {
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

/// What the fuzzy stage of a run is given besides the records: the model (estimated when
/// absent), the whole run's facts in a part, the register's index (dropped once the
/// candidates are found) and the memory the candidates may take.
struct FuzzyStage<'a> {
    model: Option<crate::matching::score::Model>,
    whole: Option<&'a crate::matching::whole::WholeRun>,
    index: RegisterIndex,
    memory_limit: Option<u64>,
}

/// The fuzzy stage, when `[match] fuzzy` is on: the rows exact linking left placed by the
/// model, under a spinner, its time in `secs`; returns its counts and the model it used.
fn fuzzy_stage(
    aid: &Records,
    register: &Records,
    links: &mut [crate::matching::link::Link],
    cfg: &FileConfig,
    stage: FuzzyStage<'_>,
    progress: &Progress,
    secs: &mut BTreeMap<String, f64>,
) -> (
    Option<crate::matching::fuzzy::FuzzyStats>,
    Option<crate::matching::score::Model>,
) {
    if !cfg.matching.fuzzy {
        return (None, None);
    }
    let t = Instant::now();
    let pb = progress.spinner("fuzzy linking");
    let input = crate::matching::fuzzy::FuzzyInput {
        model: stage.model,
        whole: stage.whole,
        candidates: crate::matching::fuzzy::Candidates::Scan {
            index: stage.index,
            pair_budget: pair_budget(stage.memory_limit),
        },
        explain_exact: true,
    };
    let (stats, model) =
        crate::matching::fuzzy::link_fuzzy_given(aid, register, links, &cfg.matching, input);
    pb.finish_and_clear();
    secs.insert("fuzzy".to_string(), t.elapsed().as_secs_f64());
    (Some(stats), Some(model))
}

/// The cluster stage: aid rows grouped by person, with the reviewers' pair rules; a part
/// skips the blocks the whole run skipped.
fn cluster_stage(
    aid: &Records,
    links: &[crate::matching::link::Link],
    cfg: &FileConfig,
    model: Option<&crate::matching::score::Model>,
    rules: &crate::matching::verdicts::PairRules,
    whole: Option<&crate::matching::whole::WholeRun>,
) -> Groups {
    let limit = whole.map_or(
        crate::matching::block::BlockLimit::Size(cfg.matching.max_block),
        crate::matching::whole::WholeRun::aid_limit,
    );
    crate::matching::cluster::cluster_with(aid, links, &cfg.matching, model, rules, limit)
}

/// Link, fuzzy-link, cluster and decide, on prepared records.
/// With `memory_limit`, the fuzzy stage gathers its candidates in batches that fit in
/// what the process has left under it (the links are the same).
pub fn match_records(
    prepared: Prepared,
    cfg: &FileConfig,
    model: Option<crate::matching::score::Model>,
    whole: Option<&crate::matching::whole::WholeRun>,
    memory_limit: Option<u64>,
    progress: &Progress,
) -> Outcome {
    let Prepared {
        aid_map,
        register_map,
        mut aid,
        register,
        stage_seconds: mut secs,
        decided,
    } = prepared;
    let t = Instant::now();
    let (areas, _) =
        crate::matching::areas::reconcile_with(&mut aid, &register, whole.and_then(|w| w.areas));
    let index = RegisterIndex::build(&register);
    let mut links =
        crate::matching::link::link_all_with(&aid, &register, &index, &cfg.matching, whole);
    secs.insert("link".to_string(), t.elapsed().as_secs_f64());
    // What else needs the register's index, before the fuzzy stage takes it (and drops it
    // once its candidates are found: the stages after it run without).
    let repeated = index.repeated_niks(&register);
    let (verdicts, decisions_unknown) =
        crate::matching::verdicts::resolve(&decided, &aid, &register, &index);

    let stage = FuzzyStage {
        model,
        whole,
        index,
        memory_limit,
    };
    let (fuzzy, model) = fuzzy_stage(&aid, &register, &mut links, cfg, stage, progress, &mut secs);

    // Reviewers' decisions overrule the model, after it linked and before grouping.
    let rules = crate::matching::verdicts::apply(&aid, &register, &mut links, &verdicts);
    let t = Instant::now();
    let register_twice =
        register_twice_stage(&register, &mut links, model.as_ref(), &cfg.matching, whole);
    if register_twice.is_some() {
        secs.insert("register_twice".to_string(), t.elapsed().as_secs_f64());
    }

    let t = Instant::now();
    let groups = cluster_stage(&aid, &links, cfg, model.as_ref(), &rules, whole);
    secs.insert("cluster".to_string(), t.elapsed().as_secs_f64());
    let review = crate::matching::review::queue(&aid, &register, &links, &groups, &cfg.review);

    let t = Instant::now();
    // The links go into the decisions (their evidence moved, not copied).
    let decisions = decide(&aid, &register, links, &groups);
    secs.insert("verify".to_string(), t.elapsed().as_secs_f64());

    Outcome {
        aid_map,
        register_map,
        aid,
        register,
        groups,
        decisions,
        register_repeated_niks: repeated,
        areas,
        review,
        decisions_applied: verdicts.len(),
        decisions_unknown,
        stage_seconds: secs,
        fuzzy,
        model,
        register_twice,
    }
}

/// The files a run writes: every output, the officials' reports only when written, in a
/// part its review rows instead of the review files, and the register's duplicates when
/// they were searched (`twice`).
fn outputs_written(cfg: &Config, twice: bool) -> Vec<String> {
    crate::io::files::OUTPUTS
        .into_iter()
        .chain([crate::io::files::REVIEW_ROWS])
        .chain(twice.then_some(crate::io::files::REGISTER_DUPLICATES))
        .filter(|name| cfg.write_reports || !name.starts_with("report."))
        .filter(|name| {
            let review_files = name.starts_with("review") && *name != crate::io::files::REVIEW_ROWS;
            match cfg.whole_path {
                Some(_) => !review_files,
                None => *name != crate::io::files::REVIEW_ROWS,
            }
        })
        .map(String::from)
        .collect()
}

/// People the register holds twice: rows under a superseded NIK go to the NIK in force,
/// so rows under either NIK are one group. A part (`whole`) is given the whole run's pairs
/// (its register is a part's) and reports none: the merge writes the whole run's.
fn register_twice_stage(
    register: &Records,
    links: &mut [crate::matching::link::Link],
    model: Option<&crate::matching::score::Model>,
    cfg: &crate::core::config::MatchConfig,
    whole: Option<&crate::matching::whole::WholeRun>,
) -> Option<crate::matching::register_twice::RegisterTwice> {
    match whole {
        None => Some(register_twice(register, links, model, cfg)),
        Some(w) => {
            if let Some(pairs) = &w.register_pairs {
                crate::matching::register_twice::relink(register, links, pairs);
            }
            None
        }
    }
}

/// People the register holds twice, scored with the run's model (the declared priors when
/// fuzzy linking is off).
pub fn register_twice(
    register: &Records,
    links: &mut [crate::matching::link::Link],
    model: Option<&crate::matching::score::Model>,
    cfg: &crate::core::config::MatchConfig,
) -> crate::matching::register_twice::RegisterTwice {
    let default_model = crate::matching::score::Model::default();
    let model = model.unwrap_or(&default_model);
    crate::matching::register_twice::find_and_relink(register, links, model, cfg)
}

/// Candidate pairs the fuzzy stage may gather at once under `memory_limit`: a third of
/// what the process has left under the limit now (the rest is room for what a batch
/// holds besides its pairs, and for the estimate's error), at 24 bytes a pair (the
/// pair's register row in its block and in the row's candidates, with room for their
/// growth), and at least 4 Mi pairs (about 100 MB: a run already at its limit goes on in
/// batches of that size, each a scan of the register, and reports its peak). No limit:
/// one batch.
pub fn pair_budget(memory_limit: Option<u64>) -> usize {
    const PAIR_BYTES: u64 = 24;
    const MIN_PAIRS: u64 = 4 << 20;
    let Some(limit) = memory_limit else {
        return usize::MAX;
    };
    let now = crate::core::memory::resident_bytes().unwrap_or(0);
    let pairs = (limit.saturating_sub(now) / 3 / PAIR_BYTES).max(MIN_PAIRS);
    usize::try_from(pairs).unwrap_or(usize::MAX)
}

/// Count the aid list's data-quality problems (besides the NIK, whose problems are the
/// reason codes).
pub fn aid_quality(table: &Table, map: &FieldMap, aid: &Records) -> BTreeMap<String, usize> {
    use crate::core::config::Field;
    let mut q: BTreeMap<String, usize> = output::AID_QUALITY_KEYS
        .into_iter()
        .map(|k| (k.to_string(), 0))
        .collect();
    let mut add = |k: &str| *q.entry(k.to_string()).or_default() += 1;
    for p in &aid.people {
        let date = map.get(table, Field::BirthDate, p.row as usize);
        match (date.trim().is_empty(), p.birth) {
            (true, _) => add("birth_date_missing"),
            (false, None) => add("birth_date_unreadable"),
            (false, Some(b)) if b.weak => add("birth_date_placeholder"),
            _ => {}
        }
        if map.has(Field::Sex)
            && p.sex.is_none()
            && !map.get(table, Field::Sex, p.row as usize).trim().is_empty()
        {
            add("sex_unreadable");
        }
        if map.has(Field::Kk) {
            match (
                map.get(table, Field::Kk, p.row as usize).trim().is_empty(),
                &p.kk,
            ) {
                (true, _) => add("kk_missing"),
                (false, None) => add("kk_invalid"),
                _ => {}
            }
        }
    }
    q
}

/// Warnings about the register's life status: when most rows read as deceased or moved
/// out, the status values or the death-date spellings are probably wrong for this file
/// (a death-date column that spells "no date" in a way not recognised, a status column
/// whose values mean something else). Names the columns and their commonest values.
pub fn life_warnings(
    table: &Table,
    map: &FieldMap,
    register: &[crate::matching::record::Person],
) -> Vec<String> {
    let mut tally = LifeTally::default();
    tally.add(table, map, register);
    tally.warnings()
}

/// What [`life_warnings`] reports, gathered a slice of the register at a time (the rows of
/// `register` are the table's rows, in order).
#[derive(Debug, Default)]
pub struct LifeTally {
    rows: usize,
    /// Death-date cells spelling "no date" (when there is a death-date column).
    spelled: BTreeMap<String, usize>,
    death_header: Option<String>,
    /// Rows read as deceased and as moved out, with the commonest values of the columns
    /// that made them so: (header, counts) per column.
    deceased: (usize, Vec<ColumnValues>),
    moved_out: (usize, Vec<ColumnValues>),
}

/// A column's header and the counts of its values.
type ColumnValues = (String, BTreeMap<String, usize>);

impl LifeTally {
    /// Count the rows of one slice of the register.
    pub fn add(
        &mut self,
        table: &Table,
        map: &FieldMap,
        register: &[crate::matching::record::Person],
    ) {
        use crate::core::config::Field;
        use crate::matching::record::Life;
        self.rows += register.len();
        if map.has(Field::DeathDate) {
            self.death_header
                .get_or_insert_with(|| headers_of(table, map, Field::DeathDate));
            for r in 0..register.len() {
                let cell = map.get(table, Field::DeathDate, r);
                let cell = cell.trim();
                if !cell.is_empty() && !crate::matching::record::is_death_date(cell) {
                    count(&mut self.spelled, cell);
                }
            }
        }
        for (life, fields, (n, columns)) in [
            (
                Life::Deceased,
                &[Field::DeathDate, Field::Status][..],
                &mut self.deceased,
            ),
            (Life::MovedOut, &[Field::Status][..], &mut self.moved_out),
        ] {
            let fields: Vec<Field> = fields.iter().copied().filter(|&f| map.has(f)).collect();
            if columns.is_empty() {
                *columns = fields
                    .iter()
                    .map(|&f| (headers_of(table, map, f), BTreeMap::new()))
                    .collect();
            }
            for (r, p) in register.iter().enumerate() {
                if p.life != life {
                    continue;
                }
                *n += 1;
                for (&field, (_, counts)) in fields.iter().zip(columns.iter_mut()) {
                    count(counts, map.get(table, field, r).trim());
                }
            }
        }
    }

    /// The warnings, once every row is counted.
    pub fn warnings(self) -> Vec<String> {
        let n = self.rows;
        if n < 20 {
            return Vec::new();
        }
        let mut out = Vec::new();
        // Death dates spelled as words ("NULL", "0000-00-00", "-"): read as no date, said once.
        if let (Some(header), false) = (&self.death_header, self.spelled.is_empty()) {
            let total: usize = self.spelled.values().sum();
            out.push(format!(
                "death-date column {header}: {total} of {n} cells spell \"no date\" ({}) and \
                 are read as no death",
                commonest(self.spelled)
            ));
        }
        for (word, (rows, columns)) in [("deceased", self.deceased), ("moved out", self.moved_out)]
        {
            if rows * 2 <= n {
                continue;
            }
            let described: Vec<String> = columns
                .into_iter()
                .map(|(header, counts)| {
                    format!("column {header} (commonest: {})", commonest(counts))
                })
                .collect();
            out.push(format!(
                "{rows} of {n} register rows ({:.0}%) read as {word}; check the file: {}. \
                 Empty death dates may be spelled in a way not recognised, or the status \
                 values may need setting with [status] deceased / moved_out in the config",
                100.0 * rows as f64 / n as f64,
                described.join("; ")
            ));
        }
        out
    }
}

/// Add one to a value's count (no copy of a value already counted).
fn count(counts: &mut BTreeMap<String, usize>, value: &str) {
    match counts.get_mut(value) {
        Some(c) => *c += 1,
        None => {
            counts.insert(value.to_string(), 1);
        }
    }
}

/// The header(s) of a field's column(s), joined with `+`.
fn headers_of(table: &Table, map: &FieldMap, field: crate::core::config::Field) -> String {
    map.describe(table)
        .get(field.key())
        .map(|h| h.join("+"))
        .unwrap_or_default()
}

/// The three commonest values with their counts: `"NULL" x196, "-" x3`.
fn commonest(counts: BTreeMap<String, usize>) -> String {
    let mut top: Vec<(String, usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.iter()
        .take(3)
        .map(|(v, c)| format!("{v:?} x{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub use crate::core::fsio::sha256_file;

pub fn load(
    path: &Path,
    cfg: &crate::core::config::InputConfig,
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

/// Read `--decisions`: each line's aid row must still carry the ID and key cells it had when
/// it was reviewed (its `row_hash`); lines that do not are stale, `skip` lines are counted.
pub fn read_review_decisions(
    path: &Path,
    table: &Table,
    map: &FieldMap,
) -> Result<
    (
        Vec<crate::matching::verdicts::Decided>,
        crate::io::review::DecisionCounts,
    ),
    Error,
> {
    let lines = crate::io::review::read_decisions(path).map_err(|message| {
        crate::core::error::ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        }
    })?;
    let mut counts = crate::io::review::DecisionCounts {
        read: lines.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let ids = AidIds::of(table, map);
    for d in lines {
        if d.decision == "skip" {
            counts.skipped += 1;
            continue;
        }
        let (row, moved) = match ids.locate(&d, table, map) {
            Located::At(row, moved) => (row, moved),
            Located::Unknown => {
                counts.unknown += 1;
                continue;
            }
            Located::Gone => {
                counts.stale += 1;
                continue;
            }
        };
        if crate::io::review::row_hash(table, map, row) != d.row_hash {
            counts.stale += 1;
            continue;
        }
        let Some(candidate) = crate::matching::verdicts::CandidateRef::parse(&d.candidate) else {
            counts.unknown += 1;
            continue;
        };
        // The other aid row of a grouping decision is named by its number: in a list whose
        // rows moved it cannot be found again, so the decision is stale.
        if moved
            && matches!(
                candidate,
                crate::matching::verdicts::CandidateRef::AidRow(_)
            )
        {
            counts.stale += 1;
            continue;
        }
        out.push(crate::matching::verdicts::Decided {
            row,
            candidate,
            same: d.decision == "same",
        });
    }
    Ok((out, counts))
}

/// Where a reviewer's decision's row is in this list.
enum Located {
    /// At this 0-based row; `true` when found by its `aid_id` at another number (the
    /// list's rows moved since the review, as in next month's list).
    At(usize, bool),
    /// Its `aid_id` is no longer in the list (or is there twice): the decision is stale.
    Gone,
    /// No such row number and no `aid_id`.
    Unknown,
}

/// The list's ID column: the row of each ID that occurs once.
struct AidIds(rustc_hash::FxHashMap<String, Option<usize>>);

impl AidIds {
    fn of(table: &Table, map: &FieldMap) -> AidIds {
        let mut ids: rustc_hash::FxHashMap<String, Option<usize>> = Default::default();
        for row in 0..table.n_rows {
            let id = map.get(table, crate::core::config::Field::AidId, row);
            let id = id.trim();
            if !id.is_empty() {
                ids.entry(id.to_string())
                    .and_modify(|r| *r = None)
                    .or_insert(Some(row));
            }
        }
        AidIds(ids)
    }

    /// The decision's row: at its number when the `aid_id` there is its own (or it has
    /// none), else wherever its `aid_id` is now.
    fn locate(&self, d: &crate::io::review::DecisionIn, table: &Table, map: &FieldMap) -> Located {
        let at = d.row.checked_sub(1).filter(|&r| r < table.n_rows);
        if let Some(row) = at {
            let id = map.get(table, crate::core::config::Field::AidId, row);
            if d.aid_id.is_empty() || id.trim() == d.aid_id {
                return Located::At(row, false);
            }
        }
        if d.aid_id.is_empty() {
            return Located::Unknown;
        }
        match self.0.get(d.aid_id.as_str()) {
            Some(Some(row)) => Located::At(*row, true),
            _ => Located::Gone,
        }
    }
}

/// The aid list as read, its SHA-256 and the time both inputs took to read.
struct Inputs {
    aid_table: Table,
    aid_sha: String,
    load_secs: f64,
}

/// Read the aid list and the register side by side.
fn load_stage(cfg: &Config, progress: &Progress) -> Result<(Inputs, RegisterInput), Error> {
    let start = Instant::now();
    let (aid_load, register_load) = rayon::join(
        || load(&cfg.aid_path, &cfg.file.aid, progress, "aid list", "aid"),
        || load_register(&cfg.register_path, &cfg.file, progress),
    );
    let (aid_table, aid_sha) = aid_load?;
    let register = register_load?;
    let inputs = Inputs {
        aid_table,
        aid_sha,
        load_secs: start.elapsed().as_secs_f64(),
    };
    Ok((inputs, register))
}

/// The matching stages' results, with what the run reports of the register.
struct Matched {
    outcome: Outcome,
    register_summary: InputSummary,
    warnings: Vec<String>,
    decision_counts: Option<crate::io::review::DecisionCounts>,
}

/// Normalize, apply the reviewers' decisions and match: the register's text is dropped
/// once its records are built (at the end of its arm), so matching runs without it.
fn match_stage(
    cfg: &Config,
    aid_table: &Table,
    register: RegisterInput,
    progress: &Progress,
) -> Result<Matched, Error> {
    let model = match &cfg.model_path {
        Some(path) => Some(crate::matching::score::load_model(path)?),
        None => None,
    };
    let (mut prepared, register_summary, life, register_multiline) = match register {
        RegisterInput::Built(built) => {
            let BuiltRegister {
                source,
                warnings,
                multiline,
                records,
            } = *built;
            let prepared = prepare_on_index(aid_table, records, &cfg.file, progress)?;
            (prepared, source, warnings, multiline)
        }
        RegisterInput::Index(header, records) => {
            let prepared = prepare_on_index(aid_table, records, &cfg.file, progress)?;
            // The run reports the register the index was built from.
            let header = *header;
            (
                prepared,
                header.source,
                header.warnings,
                header.multiline_warning,
            )
        }
    };
    let mut decision_counts = None;
    if let Some(path) = &cfg.decisions_path {
        let (decided, counts) = read_review_decisions(path, aid_table, &prepared.aid_map)?;
        prepared.decided = decided;
        decision_counts = Some(counts);
    }
    let mut warnings = life;
    warnings.extend(multiline_warning(aid_table));
    warnings.extend(aid_table.layout.warning(&aid_table.path));
    warnings.extend(register_multiline);
    let whole = match &cfg.whole_path {
        Some(path) => Some(read_whole(path)?),
        None => None,
    };
    let outcome = match_records(
        prepared,
        &cfg.file,
        model,
        whole.as_ref(),
        cfg.memory_limit,
        progress,
    );
    Ok(Matched {
        outcome,
        register_summary,
        warnings,
        decision_counts,
    })
}

/// The run's `summary.json` from its matching (savings and findings come with the
/// reports), with the earlier runs of the history folder.
fn summary_stage(cfg: &Config, inputs: &Inputs, matched: &mut Matched) -> Summary {
    let outcome = &matched.outcome;
    let mut stage_seconds = outcome.stage_seconds.clone();
    stage_seconds.insert("load".to_string(), inputs.load_secs);
    let (status_counts, reason_counts) = output::count(&outcome.decisions);
    let duplicates = GroupSummary {
        groups: outcome.groups.members.len(),
        rows_in_groups: outcome.groups.members.iter().map(Vec::len).sum(),
        duplicate_rows: status_counts[Status::Duplicate.code()],
    };
    let aid_table = &inputs.aid_table;
    let mut summary = Summary {
        tool: "dedupe".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        aid: input_summary(aid_table, &outcome.aid_map, inputs.aid_sha.clone()),
        register: matched.register_summary.clone(),
        rows_in: aid_table.n_rows,
        rows_out: outcome.decisions.len(),
        rows_verified: status_counts[Status::Verified.code()],
        status_counts,
        reason_counts,
        duplicates,
        register_repeated_niks: outcome.register_repeated_niks,
        stage_seconds,
        memory: crate::io::output::MemoryFacts {
            peak_bytes: None,
            limit_bytes: cfg.memory_limit,
        },
        threads: rayon::current_num_threads(),
        out_dir: cfg.out_dir.display().to_string(),
        outputs: outputs_written(cfg, outcome.register_twice.is_some()),
        config: cfg.file.clone(),
        fuzzy: outcome.fuzzy.clone(),
        area_spellings_recognised: outcome.areas.clone(),
        savings: None,
        review: None,
        aid_quality: aid_quality(aid_table, &outcome.aid_map, &outcome.aid),
        register_twice: outcome.register_twice.as_ref().map(|t| {
            crate::io::register_duplicates::RegisterTwiceSummary::of(t, &outcome.register)
        }),
        warnings: std::mem::take(&mut matched.warnings),
        person_ids: None,
        changes: None,
        period: cfg.period.clone(),
        findings: None,
        history: Vec::new(),
    };
    if let Some(dir) = &cfg.history_dir {
        let (points, unread) = crate::io::history::read(dir);
        summary.history = points;
        summary.warnings.extend(unread);
    }
    summary
}

/// The review queue's rows, and their counts (with the reviewers' decisions) in the
/// summary.
fn review_stage(
    cfg: &Config,
    aid_table: &Table,
    matched: &Matched,
    summary: &mut Summary,
) -> Vec<crate::io::review::ReviewRow> {
    let outcome = &matched.outcome;
    let review_rows = crate::io::review::rows(
        &outcome.review,
        aid_table,
        &outcome.aid_map,
        &outcome.aid,
        &outcome.register,
        &outcome.decisions,
        &cfg.file.benefits,
    );
    let mut review_summary = crate::io::review::summary(&review_rows);
    if let Some(mut counts) = matched.decision_counts.clone() {
        counts.applied = outcome.decisions_applied;
        counts.unknown += outcome.decisions_unknown;
        review_summary.decisions = Some(counts);
    }
    summary.review = Some(review_summary);
    review_rows
}

/// What writing the outputs gives back to the summary.
struct Written {
    savings: crate::io::output::Savings,
    findings: crate::io::audit::AuditTally,
    tables_secs: f64,
    reports_secs: f64,
}

/// The CSV tables, the register's duplicates, the changes and the review files.
fn write_tables_stage(
    cfg: &Config,
    dir: &Path,
    output: &RunOutput<'_>,
    outcome: &Outcome,
    persons: &Persons,
    review_rows: &[crate::io::review::ReviewRow],
    run_id: &str,
) -> Result<(), Error> {
    let mut written = output.write_tables(dir)?;
    if let Some(twice) = &outcome.register_twice {
        let name = crate::io::files::REGISTER_DUPLICATES;
        written.push(crate::core::fsio::write_atomic(dir, name, |w| {
            crate::io::register_duplicates::write(
                w,
                twice,
                &outcome.register,
                &outcome.decisions,
                cfg.csv_excel,
            )
        })?);
    }
    if let Some(lines) = &persons.changes {
        crate::core::fsio::write_atomic(dir, crate::io::files::CHANGES, |w| {
            crate::io::changes::write(w, lines, cfg.csv_excel)
        })?;
    }
    // A part of a partitioned run keeps its review rows for `dedupe merge`, which writes
    // the review files of the whole list.
    if cfg.whole_path.is_some() {
        crate::io::parts::write_json(dir, crate::io::files::REVIEW_ROWS, &review_rows)?;
    } else {
        crate::io::review::write_all(dir, review_rows, cfg.lang, run_id)?;
    }
    Ok(())
}

/// Write every output into the staging folder `dir`: the tables and the reports for
/// officials (from the results in memory) side by side.
fn write_stage(
    cfg: &Config,
    dir: &Path,
    output: &RunOutput<'_>,
    outcome: &Outcome,
    persons: &Persons,
    review_rows: &[crate::io::review::ReviewRow],
    summary: &Summary,
) -> Result<Written, Error> {
    let summary_value = serde_json::to_value(summary).unwrap_or_default();
    let run_id: String = summary.aid.sha256.chars().take(16).collect();
    let ((tables, tables_secs), (reports, reports_secs)) = rayon::join(
        || {
            let t = Instant::now();
            let r = write_tables_stage(cfg, dir, output, outcome, persons, review_rows, &run_id);
            (r, t.elapsed().as_secs_f64())
        },
        || {
            let t = Instant::now();
            let facts = crate::io::official::Facts::compute(
                output.row_facts(),
                summary_value,
                output.duplicate_sample(),
                &cfg.file.benefits,
            );
            let r = if cfg.write_reports {
                crate::io::official::write_reports_with(dir, &facts, output, cfg.lang)
            } else {
                Ok(())
            };
            ((r, facts.savings(), facts.audit), t.elapsed().as_secs_f64())
        },
    );
    let (reports, savings, findings) = reports;
    tables?;
    reports?;
    Ok(Written {
        savings,
        findings,
        tables_secs,
        reports_secs,
    })
}

/// The faults the tests inject while writing (`--internal-test-*`).
fn test_fault_stage(cfg: &Config) -> Result<(), Error> {
    match cfg.test_fault {
        Some(TestFault::Panic) => {
            panic!("test panic while writing (NIK 6471054507890003 in the message)")
        }
        // What a kill while writing leaves: no unwinding, no clean-up.
        Some(TestFault::Abort) => std::process::abort(),
        Some(TestFault::ReportError) => Err(crate::core::error::WriteError::Other {
            path: cfg.out_dir.join(crate::io::files::REPORT_XLSX),
            message: "test failure of the report step (--internal-test-report-error)".to_string(),
        }
        .into()),
        _ => Ok(()),
    }
}

/// The memory peak in the summary, with a warning when it went over `--memory-limit`.
fn memory_stage(cfg: &Config, summary: &mut Summary) {
    summary.memory.peak_bytes = crate::core::memory::peak_resident_bytes();
    if let (Some(peak), Some(limit)) = (summary.memory.peak_bytes, cfg.memory_limit) {
        if peak > limit {
            use crate::core::memory::show_size;
            summary.warnings.push(format!(
                "the run's memory peaked at {} (--memory-limit {}): the register's records \
                 and the aid list alone need about this much; split the run with `dedupe \
                 partition` (docs/scale.md) or give it more memory",
                show_size(peak),
                show_size(limit)
            ));
        }
    }
}

/// Write `summary.json` and move the staged outputs into the out folder.
fn publish_stage(cfg: &Config, dir: &Path, summary: &Summary) -> Result<(), Error> {
    output::write_summary(dir, summary)?;
    let abort_after = match cfg.test_fault {
        Some(TestFault::AbortInPublish(n)) => Some(n),
        Some(TestFault::Pause(ms)) => {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            None
        }
        _ => None,
    };
    crate::core::publish::publish(dir, &cfg.out_dir, &summary.outputs, abort_after)?;
    if let Some(history) = &cfg.history_dir {
        record_history(history, &cfg.out_dir)?;
    }
    Ok(())
}

/// Run the whole job in the current thread pool: load -> match -> summarize -> person
/// ids and changes -> review -> write -> publish.
pub fn run_in_pool(cfg: &Config) -> Result<Summary, Error> {
    let progress = Progress::new(cfg.quiet);
    let start = Instant::now();
    let (inputs, register) = load_stage(cfg, &progress)?;
    let mut matched = match_stage(cfg, &inputs.aid_table, register, &progress)?;
    let mut summary = summary_stage(cfg, &inputs, &mut matched);
    let aid_table = &inputs.aid_table;
    let persons = person_stage(cfg, aid_table, &matched.outcome, &mut summary)?;
    let review_rows = review_stage(cfg, aid_table, &matched, &mut summary);
    let t = Instant::now();
    let outcome = &matched.outcome;
    let output = RunOutput {
        aid_table,
        aid_map: &outcome.aid_map,
        aid: &outcome.aid,
        register: &outcome.register,
        decisions: &outcome.decisions,
        groups: &outcome.groups,
        person_ids: &persons.ids,
        excel_csv: cfg.csv_excel,
    };
    let staging = crate::core::publish::staging_dir(&cfg.out_dir)?;
    let dir = staging.path();
    let written = write_stage(cfg, dir, &output, outcome, &persons, &review_rows, &summary)?;
    summary.savings = Some(written.savings);
    summary.findings = Some(written.findings);
    test_fault_stage(cfg)?;
    // Sub-times of the write stage (they overlap: the two run side by side).
    let seconds = &mut summary.stage_seconds;
    seconds.insert("write.csv".to_string(), written.tables_secs);
    seconds.insert("write.reports".to_string(), written.reports_secs);
    if let Some(model) = &outcome.model {
        output::write_atomic(dir, crate::io::files::MODEL, |w| {
            serde_json::to_writer_pretty(&mut *w, model)?;
            writeln!(w)
        })?;
    }
    let seconds = &mut summary.stage_seconds;
    seconds.insert("write".to_string(), t.elapsed().as_secs_f64());
    seconds.insert("total".to_string(), start.elapsed().as_secs_f64());
    memory_stage(cfg, &mut summary);
    publish_stage(cfg, dir, &summary)?;
    Ok(summary)
}

/// Keep the published run's `summary.json` in the history folder.
fn record_history(history: &Path, out_dir: &Path) -> Result<(), Error> {
    let path = out_dir.join(crate::io::files::SUMMARY);
    let text =
        std::fs::read_to_string(&path).map_err(|source| crate::core::error::WriteError::Io {
            path: path.clone(),
            source,
        })?;
    crate::io::history::record(history, &text)?;
    Ok(())
}

/// The person ids of a run, and what changed since the previous run.
struct Persons {
    ids: Vec<String>,
    changes: Option<Vec<crate::io::changes::ChangeLine>>,
}

/// Key the person ids ([`crate::io::person_key`]) and, with `--previous`, compare this
/// run's rows with the previous run's; the summary gets both.
fn person_stage(
    cfg: &Config,
    aid_table: &crate::io::load::Table,
    outcome: &Outcome,
    summary: &mut Summary,
) -> Result<Persons, Error> {
    use crate::io::changes::{compare_runs, PreviousRun, RunRow};
    let previous = match &cfg.previous_dir {
        Some(dir) => Some(PreviousRun::read(dir)?),
        None => None,
    };
    let choice = crate::io::person_key::choose();
    summary.warnings.extend(choice.warning());
    let fingerprint = choice.key.fingerprint();
    let ids = crate::matching::person_id::person_ids(
        &outcome.decisions,
        &outcome.aid,
        &outcome.register,
        &outcome.groups,
        &choice.key,
    );
    summary.person_ids = Some(crate::io::output::PersonIdSummary {
        key: choice.source,
        fingerprint: fingerprint.clone(),
    });
    let Some(previous) = previous else {
        return Ok(Persons { ids, changes: None });
    };
    let now: Vec<RunRow> = outcome
        .decisions
        .iter()
        .zip(&ids)
        .map(|(d, id)| RunRow {
            row: d.row + 1,
            aid_id: outcome
                .aid_map
                .get(aid_table, crate::core::config::Field::AidId, d.row)
                .trim()
                .to_string(),
            person_id: id.clone(),
            status: d.status.code().to_string(),
            nik: outcome.aid.get(d.row).nik().text().to_string(),
            register_nik: d
                .register
                .and_then(|r| outcome.register.get(r).nik().valid())
                .unwrap_or("")
                .to_string(),
            program: outcome
                .aid_map
                .get(aid_table, crate::core::config::Field::Program, d.row)
                .trim()
                .to_string(),
        })
        .collect();
    let (lines, mut changes) = compare_runs(&previous, &now, &fingerprint)?;
    changes.findings = crate::io::change_findings::tally(&lines);
    if !changes.same_person_key {
        summary.warnings.push(format!(
            "--previous {}: its person ids were made with another key, so a row without              its own ID is matched as new; run both months with the same {} or key file",
            previous.dir.display(),
            crate::io::person_key::ENV
        ));
    }
    summary.changes = Some(changes);
    summary.outputs.push(crate::io::files::CHANGES.to_string());
    Ok(Persons {
        ids,
        changes: Some(lines),
    })
}

/// The whole run's facts for a part of a partitioned run (`part.json`).
fn read_whole(path: &Path) -> Result<crate::matching::whole::WholeRun, LoadError> {
    let bad = |message: String| LoadError::Part {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let part: serde_json::Value = serde_json::from_slice(&text).map_err(|e| bad(e.to_string()))?;
    serde_json::from_value(part["whole"].clone()).map_err(|e| bad(e.to_string()))
}

/// Run the whole job with `cfg.threads` worker threads.
pub fn run(cfg: &Config) -> Result<Summary, Error> {
    // One run per output folder, for the whole run: a second one stops before working.
    let _lock = crate::core::publish::lock(&cfg.out_dir)?;
    with_threads(cfg.threads, || run_in_pool(cfg))
}

/// Run `job` on a pool of `threads` worker threads (0: one per core).
pub fn with_threads<T: Send>(
    threads: usize,
    job: impl FnOnce() -> Result<T, Error> + Send,
) -> Result<T, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|_| crate::core::error::ConfigError::Threads(threads))?;
    pool.install(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_budget_follows_what_is_left_under_the_limit() {
        // No limit: one batch.
        assert_eq!(pair_budget(None), usize::MAX);
        // Already over (a limit of one byte): the smallest batches, not none.
        assert_eq!(pair_budget(Some(1)), 4 << 20);
        // Room left: a third of it, at 24 bytes a pair.
        let now = crate::core::memory::resident_bytes();
        if let Some(now) = now {
            let limit = now + (30u64 << 30);
            let got = pair_budget(Some(limit)) as u64;
            let want = (30u64 << 30) / 3 / 24;
            // The process's memory moves a little between the two readings.
            assert!(
                got.abs_diff(want) < want / 10,
                "budget {got} pairs, about {want} expected"
            );
            assert!(pair_budget(Some(limit)) < pair_budget(Some(limit * 2)));
        }
    }
}
