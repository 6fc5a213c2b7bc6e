//! A run split into parts: `dedupe partition`, `dedupe part`, `dedupe merge`.
//!
//! In: a [`PartitionConfig`] (the inputs, the number of parts, the folder). Out: the
//! partition folder ([`crate::io::parts`]), each part's run in its `out/` folder, and the
//! merged outputs, which are those of one run over the whole inputs.
//!
//! `partition` reads and normalizes both inputs once, links by NIK, gathers the blocking
//! candidates of the rows NIK linking could not place, estimates the model (or takes
//! `--model`) and links and pairs with it: the facts that need the whole data. It then routes the rows
//! ([`crate::matching::partition`]) and writes each part's aid rows and the register rows
//! they can reach. Every part is an ordinary run on two small files with the whole run's
//! model, name frequencies and damage flag; parts run in any order, as separate processes
//! or on separate machines (a job array). `merge` puts the parts' outputs back in the
//! whole list's row order, numbers the groups as one run would and writes the reports.

use std::path::{Path, PathBuf};

use crate::commands::run::Prepared;
use crate::core::config::{Config, Field, FileConfig, FileFormat, Lang};
use crate::core::error::{ConfigError, Error, LoadError, WriteError};
use crate::core::progress::Progress;
use crate::io::files::{CHANGES, MODEL, REVIEWER_DECISIONS, SUMMARY};
use crate::io::index::IndexHeader;
use crate::io::load::{FieldMap, Table};
use crate::io::official::{Facts, RunFiles};
use crate::io::output::Summary;
use crate::io::parts::{self, Manifest, PartFile};
use crate::io::register_duplicates::{RegisterTwiceFile, RegisterTwiceSummary};
use crate::io::review::DecisionCounts;
use crate::matching::areas::{AreaSearch, AreaStats};
use crate::matching::block::BlockLimit;
use crate::matching::fuzzy::FuzzyInput;
use crate::matching::link::Link;
use crate::matching::partition::Plan;
use crate::matching::record::{Records, StoredRecords};
use crate::matching::register_index::RegisterIndex;
use crate::matching::register_twice::{RegisterPair, RegisterTwice};
use crate::matching::score::Model;
use crate::matching::verdicts::{CandidateRef, Decided};
use crate::matching::whole::WholeRun;

/// What `dedupe partition` needs.
#[derive(Debug, Clone)]
pub struct PartitionConfig {
    pub aid_path: PathBuf,
    pub register_path: PathBuf,
    /// The partition folder to write.
    pub dir: PathBuf,
    pub parts: usize,
    pub file: FileConfig,
    /// A saved model for every part; estimated from the whole data when absent.
    pub model_path: Option<PathBuf>,
    /// Reviewers' decisions (`keputusan.csv`), shared out among the parts.
    pub decisions_path: Option<PathBuf>,
    pub threads: usize,
    pub quiet: bool,
}

/// Split a run into `cfg.parts` parts under `cfg.dir`.
pub fn partition(cfg: &PartitionConfig) -> Result<Manifest, Error> {
    crate::commands::run::with_threads(cfg.threads, || partition_in_pool(cfg))
}

/// The inputs of a partition, read, normalized and with the reviewers' decisions.
struct Loaded {
    aid_table: Table,
    aid_sha: String,
    prepared: Prepared,
    header: IndexHeader,
    decided: Vec<Decided>,
    decision_counts: Option<DecisionCounts>,
}

/// Refuse an index as the aid list and inputs that are not there.
fn check_inputs(cfg: &PartitionConfig) -> Result<(), Error> {
    if FileFormat::from_path(&cfg.aid_path)? == FileFormat::Index {
        return Err(ConfigError::IndexAsAid {
            path: cfg.aid_path.clone(),
        }
        .into());
    }
    for path in [&cfg.aid_path, &cfg.register_path] {
        FileFormat::from_path(path)?;
        if !path.is_file() {
            return Err(ConfigError::MissingInput { path: path.clone() }.into());
        }
    }
    Ok(())
}

/// Read and normalize both inputs (the register's text dropped once normalized: the
/// parts' registers are indexes) and read the reviewers' decisions.
fn load_stage(cfg: &PartitionConfig, progress: &Progress) -> Result<Loaded, Error> {
    use crate::commands::run;
    let file = &cfg.file;
    let (aid_load, register_load) = rayon::join(
        || run::load(&cfg.aid_path, &file.aid, progress, "aid list", "aid"),
        || run::load_register(&cfg.register_path, file, progress),
    );
    let (aid_table, aid_sha) = aid_load?;
    let (prepared, header) = match register_load? {
        run::RegisterInput::Built(built) => {
            let run::BuiltRegister {
                source,
                warnings,
                multiline,
                records,
            } = *built;
            let header = run::index_header(&cfg.register_path, source, multiline, file, warnings)?;
            (
                run::prepare_on_index(&aid_table, records, file, progress)?,
                header,
            )
        }
        run::RegisterInput::Index(header, records) => (
            run::prepare_on_index(&aid_table, records, file, progress)?,
            *header,
        ),
    };
    let (decided, decision_counts) = match &cfg.decisions_path {
        Some(path) => {
            let (decided, counts) =
                run::read_review_decisions(path, &aid_table, &prepared.aid_map)?;
            (decided, Some(counts))
        }
        None => (Vec::new(), None),
    };
    Ok(Loaded {
        aid_table,
        aid_sha,
        prepared,
        header,
        decided,
        decision_counts,
    })
}

/// The blocking candidates of the rows NIK linking could not place (the register rows a
/// part must hold for its rows to be placed as in one run), the keys of blocks too large
/// for the whole run per row (the parts skip the same), and the model.
struct Candidates {
    rows: Vec<Vec<u32>>,
    skip_register: Vec<Vec<u64>>,
    model: Option<Model>,
}

fn candidates_stage(
    cfg: &PartitionConfig,
    aid: &Records,
    register: &Records,
    index: &RegisterIndex,
    links: &[Link],
) -> Result<Candidates, Error> {
    let file = &cfg.file;
    let mut out = Candidates {
        rows: vec![Vec::new(); aid.len()],
        skip_register: vec![Vec::new(); aid.len()],
        model: None,
    };
    if !file.matching.fuzzy {
        return Ok(out);
    }
    let todo: Vec<usize> = (0..aid.len())
        .filter(|&i| crate::matching::fuzzy::unresolved(&links[i]))
        .collect();
    let probes: Vec<_> = todo.iter().map(|&i| aid.get(i)).collect();
    // Listed once, for the parts' registers and for the fuzzy links (the rows only: the
    // keys that found them are for a run's counts).
    crate::matching::block::candidates_in_batches(
        register,
        index.niks(),
        &probes,
        &BlockLimit::Size(file.matching.max_block),
        usize::MAX,
        |start, batch| {
            for (&i, (found, stats)) in todo[start..].iter().zip(batch) {
                out.rows[i] = found.into_iter().map(|(r, _)| r).collect();
                out.skip_register[i] = stats.skipped_keys;
            }
        },
    );
    out.model = Some(match &cfg.model_path {
        Some(path) => crate::matching::score::load_model(path)?,
        None => {
            let exact = crate::matching::training::exact_gammas(aid, register, links);
            crate::matching::training::estimate_model(aid, register, &exact)
        }
    });
    Ok(out)
}

/// What the parts are cut by: the plan, and the whole run's facts each part is given.
struct Routed {
    plan: Plan,
    twice: RegisterTwice,
    model: Option<Model>,
    skip_register: Vec<Vec<u64>>,
    skip_aid: Vec<Vec<u64>>,
    areas: AreaStats,
    area_search: AreaSearch,
    register_repeated_niks: usize,
    /// Whether the aid list shows spreadsheet damage (every part scores as the whole).
    damage_seen: bool,
}

/// Link by NIK, block, link and pair with the model, apply the decisions and search the
/// register for people it holds twice, as one run does: the rows that must meet in one
/// part, routed into `cfg.parts` parts.
fn route_stage(cfg: &PartitionConfig, loaded: &mut Loaded) -> Result<Routed, Error> {
    let file = &cfg.file;
    let prepared = &mut loaded.prepared;
    let (areas, area_search) =
        crate::matching::areas::reconcile_with(&mut prepared.aid, &prepared.register, None);
    let (aid, register) = (&prepared.aid, &prepared.register);
    let index = RegisterIndex::build(register);
    let mut links = crate::matching::link::link_all(aid, register, &index, &file.matching);
    let Candidates {
        rows: mut candidates,
        skip_register,
        model,
    } = candidates_stage(cfg, aid, register, &index, &links)?;
    let mut skip_aid: Vec<Vec<u64>> = vec![Vec::new(); aid.len()];
    let mut edges = Vec::new();
    if let Some(model) = &model {
        // Links to route rows by: no evidence texts.
        let input = FuzzyInput {
            model: Some(model.clone()),
            whole: None,
            candidates: crate::matching::fuzzy::Candidates::Listed(&candidates),
            explain_exact: false,
        };
        crate::matching::fuzzy::link_fuzzy_given(aid, register, &mut links, &file.matching, input);
    }
    // Reviewers' decisions, as a run applies them before grouping.
    let decided = &loaded.decided;
    let (verdicts, _) = crate::matching::verdicts::resolve(decided, aid, register, &index);
    let rules = crate::matching::verdicts::apply(aid, register, &mut links, &verdicts);
    edges.extend(rules.same.iter().chain(&rules.different).copied());
    // People the register holds twice, searched over the whole register as a run does:
    // rows under a superseded record are linked to the current one, and so routed with
    // its rows; each part is given the pairs whose records it holds.
    let twice =
        crate::commands::run::register_twice(register, &mut links, model.as_ref(), &file.matching);
    if let Some(model) = &model {
        let limit = BlockLimit::Size(file.matching.max_block);
        let found =
            crate::matching::cluster::unlinked_edges(aid, &links, model, &file.matching, limit);
        edges.extend(found.edges.into_iter().map(|(a, b, _)| (a, b)));
        for (row, key) in found.skipped {
            skip_aid[row].push(key);
        }
    }
    // A decision's row and the register person it names meet in one part (rows a decision
    // names are paired by `rules` above).
    for d in decided {
        if let CandidateRef::RegisterNik(nik) = &d.candidate {
            if let Some(c) = candidates.get_mut(d.row) {
                c.extend(index.get(register, nik).map(|r| r as u32));
            }
        }
    }
    let plan = crate::matching::partition::plan(
        aid, register, &index, &links, &edges, candidates, cfg.parts,
    );
    Ok(Routed {
        plan,
        twice,
        model,
        skip_register,
        skip_aid,
        areas,
        area_search,
        register_repeated_niks: index.repeated_niks(register),
        damage_seen: crate::matching::link::file_shows_damage(aid),
    })
}

/// Write part `k`: its aid rows, its register rows as an index, the whole run's facts it
/// needs (`part.json`) and its share of the reviewers' decisions.
fn write_part(
    cfg: &PartitionConfig,
    k: usize,
    loaded: &Loaded,
    routed: &Routed,
    freq: &[u32],
) -> Result<(), Error> {
    let (aid, register) = (&loaded.prepared.aid, &loaded.prepared.register);
    let plan = &routed.plan;
    let dir = parts::part_dir(&cfg.dir, k);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let aid_rows = plan.aid_rows(k);
    let reg_rows = &plan.register_rows[k];
    parts::write_rows(&dir, parts::AID, &loaded.aid_table, &aid_rows)?;
    let records = StoredRecords::subset(register, reg_rows);
    // The whole register's header, but for its rows: the part's.
    let mut part_header = loaded.header.clone();
    part_header.source.rows = reg_rows.len();
    crate::io::index::write(&dir.join(parts::REGISTER), &part_header, &records)?;
    // The whole register's count of every name the part holds.
    let mut names: Vec<u32> = aid_rows
        .iter()
        .map(|&r| aid.people[r as usize].name)
        .chain(reg_rows.iter().map(|&r| register.people[r as usize].name))
        .filter(|&n| n != 0 && freq.get(n as usize).is_some_and(|&c| c > 0))
        .collect();
    names.sort_unstable();
    names.dedup();
    let name_counts = names
        .into_iter()
        .map(|n| (register.pool.names[n as usize].join(" "), freq[n as usize]))
        .collect();
    let keys = |skip: &[Vec<u64>]| {
        let mut keys: Vec<u64> = aid_rows
            .iter()
            .flat_map(|&r| skip[r as usize].iter().copied())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    };
    let whole = WholeRun {
        register_rows: register.len() as u64,
        name_counts,
        damage_seen: routed.damage_seen,
        skip_register: keys(&routed.skip_register),
        skip_aid: keys(&routed.skip_aid),
        areas: Some(routed.area_search),
        register_pairs: Some(part_pairs(&routed.twice.pairs, reg_rows)),
    };
    let part = PartFile {
        part: k,
        aid_rows,
        register_rows: reg_rows.clone(),
        whole,
    };
    parts::write_json(&dir, parts::PART, &part)?;
    if cfg.decisions_path.is_some() {
        let aid_map = &loaded.prepared.aid_map;
        write_part_decisions(
            &dir,
            &loaded.decided,
            &part.aid_rows,
            &loaded.aid_table,
            aid_map,
        )?;
    }
    Ok(())
}

/// An error writing into `path`.
fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, source }
}

/// The partition's manifest: the inputs, the parts' sizes and the configs of the parts
/// (CSV aid lists and index registers built with the run's register settings).
fn manifest_of(cfg: &PartitionConfig, loaded: Loaded, routed: Routed) -> Manifest {
    use crate::commands::run;
    let file = &cfg.file;
    let mut part_config = file.clone();
    part_config.aid.delimiter = Some(",".to_string());
    part_config.aid.sheet = None;
    let Loaded {
        aid_table,
        aid_sha,
        prepared,
        header,
        decision_counts,
        ..
    } = loaded;
    let mut warnings = header.warnings.clone();
    warnings.extend(run::multiline_warning(&aid_table));
    warnings.extend(aid_table.layout.warning(&aid_table.path));
    warnings.extend(header.multiline_warning.clone());
    let plan = &routed.plan;
    Manifest {
        tool: "dedupe".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        aid: run::input_summary(&aid_table, &prepared.aid_map, aid_sha),
        register: header.source.clone(),
        parts: plan.parts,
        region_digits: plan.prefix_len,
        aid_rows: (0..plan.parts)
            .map(|k| plan.aid_part.iter().filter(|&&p| p as usize == k).count())
            .collect(),
        register_rows: plan.register_rows.iter().map(Vec::len).collect(),
        config: part_config,
        run_config: file.clone(),
        register_repeated_niks: routed.register_repeated_niks,
        area_spellings_recognised: routed.areas,
        aid_quality: run::aid_quality(&aid_table, &prepared.aid_map, &prepared.aid),
        warnings,
        decisions: decision_counts,
    }
}

/// Load -> route -> write the parts, the model, the register's duplicates and the manifest.
fn partition_in_pool(cfg: &PartitionConfig) -> Result<Manifest, Error> {
    let progress = Progress::new(cfg.quiet);
    check_inputs(cfg)?;
    let mut loaded = load_stage(cfg, &progress)?;
    let pb = progress.spinner("linking by NIK, blocking, routing");
    let routed = route_stage(cfg, &mut loaded)?;
    pb.finish_and_clear();
    std::fs::create_dir_all(&cfg.dir).map_err(io_err(&cfg.dir))?;
    let register = &loaded.prepared.register;
    let freq = crate::matching::fuzzy::name_frequencies(register);
    let pb = progress.spinner("writing the parts");
    // One part at a time (each index is encoded in parallel inside): a part's register
    // subset is a few hundred bytes a row, and at 20 M register rows two at once cost the
    // partition step another gigabyte of peak memory.
    (0..routed.plan.parts).try_for_each(|k| write_part(cfg, k, &loaded, &routed, &freq))?;
    if let Some(model) = &routed.model {
        parts::write_json(&cfg.dir, MODEL, model)?;
    }
    let twice_file = RegisterTwiceFile {
        summary: RegisterTwiceSummary::of(&routed.twice, register),
        lines: crate::io::register_duplicates::lines(&routed.twice, register),
    };
    parts::write_json(&cfg.dir, parts::REGISTER_TWICE, &twice_file)?;
    pb.finish_and_clear();
    let manifest = manifest_of(cfg, loaded, routed);
    parts::write_json(&cfg.dir, parts::MANIFEST, &manifest)?;
    Ok(manifest)
}

/// The pairs whose two records are among a part's register rows (`rows`: whole register
/// rows, ascending), numbered as the part's rows.
fn part_pairs(pairs: &[RegisterPair], rows: &[u32]) -> Vec<RegisterPair> {
    let local = |r: usize| rows.binary_search(&(r as u32)).ok();
    pairs
        .iter()
        .filter_map(|p| {
            let (current, other) = (local(p.current)?, local(p.other)?);
            Some(RegisterPair {
                current,
                other,
                ..p.clone()
            })
        })
        .collect()
}

/// Write a part's share of the reviewers' decisions: those of its rows, renumbered in the
/// part (a decision naming another aid row goes with that row: they were routed together).
fn write_part_decisions(
    dir: &Path,
    decided: &[Decided],
    rows: &[u32],
    table: &Table,
    map: &FieldMap,
) -> Result<(), Error> {
    use CandidateRef;
    let part_row = |r: usize| rows.binary_search(&(r as u32)).ok();
    crate::core::fsio::write_atomic(dir, REVIEWER_DECISIONS, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["row", "aid_id", "row_hash", "candidate", "decision"])?;
        for d in decided {
            let Some(row) = part_row(d.row) else { continue };
            let candidate = match &d.candidate {
                CandidateRef::RegisterNik(nik) => format!("register:{nik}"),
                CandidateRef::AidRow(r) => match part_row(*r) {
                    Some(pr) => format!("aid:{}", pr + 1),
                    None => continue,
                },
            };
            out.write_record([
                (row + 1).to_string(),
                map.get(table, Field::AidId, d.row).trim().to_string(),
                crate::io::review::row_hash(table, map, d.row),
                candidate,
                if d.same { "same" } else { "different" }.to_string(),
            ])?;
        }
        out.flush()
    })?;
    Ok(())
}

/// Read a partition folder's manifest, checking that this version wrote it.
pub fn manifest(dir: &Path) -> Result<Manifest, Error> {
    let path = dir.join(parts::MANIFEST);
    let m: Manifest = parts::read_json(&path)?;
    if m.version != env!("CARGO_PKG_VERSION") {
        return Err(LoadError::Part {
            path,
            message: format!(
                "written by dedupe {}, this is {}",
                m.version,
                env!("CARGO_PKG_VERSION")
            ),
        }
        .into());
    }
    Ok(m)
}

/// What `dedupe part` needs.
#[derive(Debug, Clone)]
pub(crate) struct PartRunConfig {
    pub dir: PathBuf,
    pub part: usize,
    /// Where the part's outputs go (`DIR/part-K/out` when absent).
    pub out_dir: Option<PathBuf>,
    pub threads: usize,
    pub quiet: bool,
    /// `--memory-limit` of the part's run.
    pub memory_limit: Option<u64>,
}

/// The run of one part: an ordinary run on the part's files with the whole run's facts.
pub(crate) fn run_part(p: &PartRunConfig) -> Result<Summary, Error> {
    let m = manifest(&p.dir)?;
    if p.part >= m.parts {
        return Err(LoadError::Part {
            path: p.dir.join(parts::MANIFEST),
            message: format!(
                "there is no part {} (the parts are 0 to {})",
                p.part,
                m.parts.saturating_sub(1)
            ),
        }
        .into());
    }
    let dir = parts::part_dir(&p.dir, p.part);
    let mut cfg = Config::new(
        dir.join(parts::AID),
        dir.join(parts::REGISTER),
        p.out_dir.clone().unwrap_or_else(|| dir.join(parts::OUT)),
        None,
        p.threads,
        p.quiet,
    )?;
    cfg.file = m.config;
    let model = p.dir.join(MODEL);
    cfg.model_path = model.is_file().then_some(model);
    cfg.whole_path = Some(dir.join(parts::PART));
    let decisions = dir.join(REVIEWER_DECISIONS);
    cfg.decisions_path = decisions.is_file().then_some(decisions);
    // The officials' reports are written once, by `merge`.
    cfg.write_reports = false;
    cfg.memory_limit = p.memory_limit;
    // A part's register is an index of the register the partition read: when that file
    // has changed since, the fix is a new partition, not a new index.
    crate::commands::run::run(&cfg).map_err(|e| match e {
        Error::Load(LoadError::StaleIndex {
            source_path,
            then,
            now,
            ..
        }) => LoadError::Part {
            path: dir.join(parts::REGISTER),
            message: format!(
                "the register {} has changed since the partition was written (SHA-256 {then} \
                 then, {now} now); write the parts again with `dedupe partition`",
                source_path.display()
            ),
        }
        .into(),
        other => other,
    })
}

/// What `dedupe merge` needs.
#[derive(Debug, Clone)]
pub struct MergeConfig {
    pub dir: PathBuf,
    pub out_dir: PathBuf,
    pub lang: Lang,
    /// Write the CSV outputs for Excel (`--csv-excel`), as a run can.
    pub csv_excel: bool,
    /// A run's `--previous`, `--history` and `--period`.
    pub previous_dir: Option<PathBuf>,
    pub history_dir: Option<PathBuf>,
    pub period: Option<String>,
}

/// Merge the parts' outputs into one run's outputs in `out_dir`.
pub fn merge(cfg: &MergeConfig) -> Result<(parts::Merged, Facts), Error> {
    let m = manifest(&cfg.dir)?;
    // All or nothing, as a run: written into a staging folder, moved into place at the end.
    let _lock = crate::core::publish::lock(&cfg.out_dir)?;
    let staging = crate::core::publish::staging_dir(&cfg.out_dir)?;
    let dir = staging.path();
    let (merged, mut files) =
        parts::merge(&cfg.dir, dir, &cfg.out_dir, &m, cfg.lang, cfg.csv_excel)?;
    parts::merge_register_twice(&cfg.dir, dir, &mut files, cfg.csv_excel)?;
    let model = cfg.dir.join(MODEL);
    if model.is_file() {
        let to = dir.join(MODEL);
        std::fs::copy(&model, &to).map_err(|source| WriteError::Io { path: to, source })?;
    }
    merge_over_time(cfg, dir, &mut files)?;
    // The reports from the merged rows in memory, as `dedupe report` builds them from the
    // files; summary.json gets the savings and findings they show, as a run's does.
    let facts = files.facts(&m.config.benefits);
    crate::io::official::write_reports_with(dir, &facts, &files, cfg.lang)?;
    files.summary["savings"] = serde_json::json!(facts.savings());
    files.summary["findings"] = serde_json::json!(facts.audit);
    parts::write_json(dir, SUMMARY, &files.summary)?;
    let outputs: Vec<String> =
        serde_json::from_value(files.summary["outputs"].clone()).unwrap_or_default();
    crate::core::publish::publish(dir, &cfg.out_dir, &outputs, None)?;
    if let Some(history) = &cfg.history_dir {
        crate::io::history::record_published(history, &cfg.out_dir)?;
    }
    Ok((merged, facts))
}

/// The merged run over time, as a run's: its period, the history's earlier runs and, with
/// `--previous`, `changes.csv` against the previous run (written into `dir`).
fn merge_over_time(cfg: &MergeConfig, dir: &Path, files: &mut RunFiles) -> Result<(), Error> {
    use crate::io::changes::{compare_runs, read_rows, PreviousRun};
    if let Some(period) = &cfg.period {
        files.summary["period"] = serde_json::json!(period);
    }
    if let Some(history) = &cfg.history_dir {
        let (points, unread) = crate::io::history::read(history);
        files.summary["history"] = serde_json::json!(points);
        if let Some(w) = files.summary["warnings"].as_array_mut() {
            w.extend(unread.into_iter().map(serde_json::Value::from));
        }
    }
    let Some(previous_dir) = &cfg.previous_dir else {
        return Ok(());
    };
    let previous = PreviousRun::read(previous_dir)?;
    let now = read_rows(dir, &files.summary)?;
    let fingerprint = files.summary["person_ids"]["fingerprint"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let (lines, mut changes) = compare_runs(&previous, &now, &fingerprint)?;
    changes.findings = crate::io::change_findings::tally(&lines);
    crate::core::fsio::write_atomic(dir, CHANGES, |w| {
        crate::io::changes::write(w, &lines, cfg.csv_excel)
    })?;
    files.summary["changes"] = serde_json::json!(changes);
    if let Some(outputs) = files.summary["outputs"].as_array_mut() {
        outputs.push(CHANGES.into());
    }
    Ok(())
}
