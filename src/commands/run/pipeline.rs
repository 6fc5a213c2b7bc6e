//! The batch job as named stages: load -> match -> summarize -> person ids and changes ->
//! review -> write -> publish.
//!
//! In: a validated [`Config`]. Out: the output files, published at once, and the [`Summary`].

use super::decisions::read_review_decisions;
use super::matching::{match_records, Outcome};
use super::prepare::prepare_on_index;
use super::quality::{aid_quality, input_summary, multiline_warning};
use super::register::{load, load_register, BuiltRegister, RegisterInput};
use std::path::Path;
use std::time::Instant;

use crate::core::config::{Config, Field, TestFault};
use crate::core::error::{ConfigError, Error, LoadError, WriteError};
use crate::core::progress::Progress;
use crate::core::status::Status;
use crate::io::audit::AuditTally;
use crate::io::changes::ChangeLine;
use crate::io::files::{CHANGES, MODEL, OUTPUTS, REGISTER_DUPLICATES, REPORT_XLSX, REVIEW_ROWS};
use crate::io::load::Table;
use crate::io::official::{Facts, RunFacts};
use crate::io::output::{
    self, GroupSummary, InputSummary, MemoryFacts, PersonIdSummary, RunOutput, Savings, Summary,
};
use crate::io::person_key::ENV;
use crate::io::register_duplicates::RegisterTwiceSummary;
use crate::io::review::{DecisionCounts, ReviewRow};
use crate::matching::whole::WholeRun;

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
    decision_counts: Option<DecisionCounts>,
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
        memory: MemoryFacts {
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
        register_twice: outcome
            .register_twice
            .as_ref()
            .map(|t| RegisterTwiceSummary::of(t, &outcome.register)),
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
) -> Vec<ReviewRow> {
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
    savings: Savings,
    findings: AuditTally,
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
    review_rows: &[ReviewRow],
    run_id: &str,
) -> Result<(), Error> {
    output.write_tables(dir)?;
    if let Some(twice) = &outcome.register_twice {
        let name = REGISTER_DUPLICATES;
        crate::core::fsio::write_atomic(dir, name, |w| {
            crate::io::register_duplicates::write(
                w,
                twice,
                &outcome.register,
                &outcome.decisions,
                cfg.csv_excel,
            )
        })?;
    }
    if let Some(lines) = &persons.changes {
        crate::core::fsio::write_atomic(dir, CHANGES, |w| {
            crate::io::changes::write(w, lines, cfg.csv_excel)
        })?;
    }
    // A part of a partitioned run keeps its review rows for `dedupe merge`, which writes
    // the review files of the whole list.
    if cfg.whole_path.is_some() {
        crate::io::parts::write_json(dir, REVIEW_ROWS, &review_rows)?;
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
    review_rows: &[ReviewRow],
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
            let facts = Facts::compute(
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
        Some(TestFault::ReportError) => Err(WriteError::Other {
            path: cfg.out_dir.join(REPORT_XLSX),
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
        crate::io::history::record_published(history, &cfg.out_dir)?;
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
        output::write_atomic(dir, MODEL, |w| {
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

/// The person ids of a run, and what changed since the previous run.
struct Persons {
    ids: Vec<String>,
    changes: Option<Vec<ChangeLine>>,
}

/// Key the person ids ([`crate::io::person_key`]) and, with `--previous`, compare this
/// run's rows with the previous run's; the summary gets both.
fn person_stage(
    cfg: &Config,
    aid_table: &Table,
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
    summary.person_ids = Some(PersonIdSummary {
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
                .get(aid_table, Field::AidId, d.row)
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
                .get(aid_table, Field::Program, d.row)
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
            ENV
        ));
    }
    summary.changes = Some(changes);
    summary.outputs.push(CHANGES.to_string());
    Ok(Persons {
        ids,
        changes: Some(lines),
    })
}

/// The whole run's facts for a part of a partitioned run (`part.json`).
fn read_whole(path: &Path) -> Result<WholeRun, LoadError> {
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
        .map_err(|_| ConfigError::Threads(threads))?;
    pool.install(job)
}

/// The files a run writes: every output, the officials' reports only when written, in a
/// part its review rows instead of the review files, and the register's duplicates when
/// they were searched (`twice`).
fn outputs_written(cfg: &Config, twice: bool) -> Vec<String> {
    OUTPUTS
        .into_iter()
        .chain([REVIEW_ROWS])
        .chain(twice.then_some(REGISTER_DUPLICATES))
        .filter(|name| cfg.write_reports || !name.starts_with("report."))
        .filter(|name| {
            let review_files = name.starts_with("review") && *name != REVIEW_ROWS;
            match cfg.whole_path {
                Some(_) => !review_files,
                None => *name != REVIEW_ROWS,
            }
        })
        .map(String::from)
        .collect()
}
