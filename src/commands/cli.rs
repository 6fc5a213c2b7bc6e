//! Command-line glue: parse [`Opts`], build the validated [`Config`], run, report.
//!
//! Exit codes: 0 the run finished and wrote its outputs; 1 the run finished but, with
//! `--fail-on-findings`, some aid rows are not to be paid; 2 an error (bad flag, unreadable
//! or unsuitable input, unwritable output). Errors print as `dedupe: <message>` on stderr.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::commands::partition::{MergeConfig, PartRunConfig, PartitionConfig};
use crate::commands::synth::SynthConfig;
use crate::core::config::{Config, FileConfig, FileFormat, Lang, TestFault};
use crate::core::error::ConfigError;
use crate::core::exit::Exit;
use crate::core::progress::Progress;
use crate::io::output::Summary;

const EXAMPLES: &str = "\
Examples:
  Check a DTKS export against the SIAK register, outputs in ./hasil:
    dedupe aid.csv population.parquet -o hasil

  Map columns with other names (see docs/normalization.md for the keys):
    dedupe bansos.csv penduduk.parquet -c dedupe.toml

  Scheduled job: JSON summary on stdout, JSON log lines on stderr, exit 1 on duplicates:
    dedupe aid.csv population.parquet -o out -q --json --log-format json --fail-on duplicates

  CSV outputs that Excel (Indonesian locale) opens without damaging NIKs:
    dedupe aid.csv population.parquet -o hasil --csv-excel

  Review the doubtful rows in hasil/review.html, then run again with the decisions:
    dedupe aid.csv population.parquet -o hasil --decisions keputusan.csv

  Synthetic data at city scale, a run on it, and its accuracy:
    dedupe synth --persons 704110 --seed 1 -o synth
    dedupe synth/aid.csv synth/population.parquet -o synth/out
    dedupe eval synth/out synth/truth.csv

  This month's run beside last month's: what changed (changes.csv):
    dedupe bansos-februari.csv penduduk.idx -o hasil-februari --previous hasil-januari

  Why was row 17 rejected or grouped?
    dedupe explain hasil 17

  Rebuild the reports for officials with new benefit amounts, in English:
    dedupe report hasil -c dedupe.toml --lang en

  Monthly runs against one register: normalize it once into an index, then use the index:
    dedupe index penduduk.parquet -o penduduk.idx
    dedupe bansos-januari.csv penduduk.idx -o hasil-januari

  A large register on a machine shared with other jobs: keep the run under 4 GiB:
    dedupe bansos.csv penduduk.parquet -o hasil --memory-limit 4G

Outputs: decisions.csv, verified.csv, duplicates.csv, rejected.csv, summary.json,
model.json, report.html, report.xlsx.
Exit codes: 0 done; 1 done with findings (only with --fail-on or --fail-on-findings);
2 input, usage or output error; 3 internal error (a bug).";

/// Verify a social-aid (bansos) recipient list against the population register (SIAK):
/// normalize NIKs, names, dates and addresses, link every aid row to the register, find
/// recipients recorded more than once, and write the verified list, the duplicates, the
/// rejected rows with reasons and a summary.
#[derive(Debug, Parser)]
#[command(
    name = "dedupe",
    version,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Opts {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Aid recipient list (DTKS export): .csv, .tsv, .txt, .parquet or .xlsx/.xls.
    #[arg(required = true)]
    pub aid: Option<PathBuf>,

    /// Population register (SIAK export): .csv, .tsv, .txt, .parquet or .xlsx/.xls, or a
    /// register index (.idx) written by `dedupe index`.
    #[arg(required = true)]
    pub register: Option<PathBuf>,

    /// Folder for the outputs (created if missing; existing outputs are replaced).
    #[arg(short, long, value_name = "DIR", default_value = "dedupe-out")]
    pub out: PathBuf,

    /// TOML config: column names, status values, thresholds.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Scoring model saved by an earlier run (its model.json), for stable scheduled runs;
    /// without it the model is estimated from the data.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// Sheet of a spreadsheet aid list (.xlsx/.xls) to read; the first when absent.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Language of report.html and report.xlsx.
    #[arg(long, value_enum, default_value = "id")]
    pub lang: LangArg,

    /// Worker threads; 0 means one per core.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// No progress bars and no closing message on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    /// Exit with code 1 when any aid row is not verified (for scheduled jobs); the same as
    /// `--fail-on any`.
    #[arg(long)]
    pub fail_on_findings: bool,

    /// Exit with code 1 when the run finds: `duplicates` (a recipient listed more than
    /// once), `rejected` (a row withheld for another reason: NIK not found, someone
    /// else's, invalid or damaged, deceased, moved out) or `any` (either).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,

    /// Format of the messages on stderr: `human`, or `json` (one JSON object a line, for
    /// schedulers: warnings, errors and the closing summary). NIKs are masked in both.
    #[arg(long, value_enum, default_value = "human", value_name = "FORMAT")]
    pub log_format: LogFormat,

    /// Write the CSV outputs for Excel on an Indonesian-locale machine: UTF-8 with a
    /// byte-order mark, `;` between cells, and NIK, KK and other long digit strings kept
    /// as text (written `="..."`), so that Excel neither shows them as 6.47E+15 nor damages
    /// them when the file is saved again.
    #[arg(long)]
    pub csv_excel: bool,

    /// Reviewers' decisions to apply: `keputusan.csv` as exported from `review.html`. A
    /// confirmed link or grouping is kept even where the model would not make it, a
    /// rejected one is never made; a decision for a row whose data changed since it was
    /// reviewed is reported as stale and not applied.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,

    /// The out folder of this list's previous run (last month's): write `changes.csv`,
    /// each aid row of either run as NEW, REMOVED, CHANGED or UNCHANGED with the reason
    /// in Bahasa Indonesia. Rows are matched by the list's ID column, else by person_id.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,

    /// Keep this run's summary.json in DIR (made if missing) and draw the trend of the
    /// runs kept there (findings and savings per run) in report.html and report.xlsx. A
    /// rerun of the same list, register and period replaces its entry.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,

    /// The period this run verifies, as the report and the history label it (for example
    /// 2026-12 or "Desember 2026"); without it a history entry is labelled by its date.
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,

    /// Keep the run's memory under SIZE (for example 4G or 512M; K, M, G, T are powers of
    /// 1,024): the fuzzy stage then gathers its candidates in batches that fit, at the
    /// cost of more passes over the register, and gives the same links. summary.json
    /// reports the peak; a run that still goes over (the register's records alone do not
    /// fit) warns, and names `dedupe partition` as the way to split it.
    #[arg(long, value_name = "SIZE", value_parser = crate::core::memory::parse_size)]
    pub memory_limit: Option<u64>,

    /// Panic while the outputs are being written (tests of exit code 3 and of the staging
    /// of outputs).
    #[arg(long, hide = true)]
    pub internal_test_panic: bool,

    /// Abort (as a kill would) while the outputs are being written (tests of staging).
    #[arg(long, hide = true)]
    pub internal_test_abort: bool,

    /// Fail the report step with an error (tests of all-or-nothing outputs).
    #[arg(long, hide = true)]
    pub internal_test_report_error: bool,

    /// Abort (as a kill would) after N outputs were moved into place (tests of the
    /// publish journal).
    #[arg(long, hide = true, value_name = "N")]
    pub internal_test_abort_in_publish: Option<usize>,

    /// Sleep this many milliseconds holding the output folder's lock before publishing
    /// (tests of concurrent runs).
    #[arg(long, hide = true, value_name = "MS")]
    pub internal_test_pause_ms: Option<u64>,
}

/// Language of the reports, as a flag (`--lang id|en`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LangArg {
    #[default]
    Id,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Id => Lang::Id,
            LangArg::En => Lang::En,
        }
    }
}

/// Format of the messages on stderr (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

/// Print one event on stderr: `dedupe: [warning: ]message`, or a JSON object a line with
/// `level`, `event`, `message` and the extra fields. NIK-like digits are masked.
pub fn log(format: LogFormat, level: &str, event: &str, message: &str, extra: serde_json::Value) {
    // Cells quoted in a message cannot forge a log line or drive the terminal.
    let message = mask_digits(&crate::io::cells::printable(message));
    match format {
        LogFormat::Human => match level {
            "warning" => eprintln!("dedupe: warning: {message}"),
            _ => eprintln!("dedupe: {message}"),
        },
        LogFormat::Json => {
            let mut obj = serde_json::json!({
                "tool": "dedupe",
                "level": level,
                "event": event,
                "message": message,
            });
            if let (Some(o), serde_json::Value::Object(x)) = (obj.as_object_mut(), extra) {
                o.extend(x);
            }
            eprintln!("{obj}");
        }
    }
}

/// What makes a finished run exit with code 1 (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Duplicates,
    Rejected,
    Any,
}

/// Other commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a synthetic register (population.parquet), aid list (aid.csv) and the true
    /// answers (truth.csv). The same seed gives the same files.
    Synth(SynthOpts),
    /// Measure a run's accuracy against a truth file: pairwise precision/recall/F1 of
    /// same-person groups, register_nik accuracy, per status and per defect kind.
    Eval(EvalOpts),
    /// Explain why an aid row got its status and group: reason, register person, match
    /// weight per field, the other rows of its group. NIKs are masked.
    Explain(ExplainOpts),
    /// Rebuild report.html and report.xlsx from a run's files without matching again, for
    /// example after the benefit amounts (`[benefits]` in the config) changed.
    Report(ReportOpts),
    /// Normalize a register once and store it as an index (.idx) for scheduled runs:
    /// `dedupe AID REGISTER.idx` then reads no register file and normalizes only the aid
    /// list. A run refuses an index whose register file has changed since, or that was
    /// built with other register settings (config) or by another version.
    Index(IndexOpts),
    /// Split a run into parts that run apart (processes, machines, a job array) and merge
    /// into the outputs of one run: rows routed by the NIK's region, rows that may be one
    /// person (same NIK, same name and birth date) kept together, each part given the
    /// register rows it can reach and the whole run's model.
    Partition(PartitionOpts),
    /// Run one part of a partition folder (its outputs go to DIR/part-K/out).
    Part(PartOpts),
    /// Merge the parts' outputs into one run's outputs and reports.
    Merge(MergeOpts),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  Four parts, run one after another here, then merged:
    dedupe partition bansos.csv penduduk.parquet --parts 4 -o parts
    for k in 0 1 2 3; do dedupe part parts $k; done
    dedupe merge parts -o hasil

  As a Slurm job array (one part per task):
    sbatch --array=0-3 --wrap 'dedupe part parts $SLURM_ARRAY_TASK_ID'")]
pub struct PartitionOpts {
    /// The aid list: .csv, .tsv, .txt, .parquet or .xlsx/.xls.
    pub aid: PathBuf,
    /// The register: .csv, .tsv, .txt, .parquet or .xlsx/.xls, or its index (.idx).
    pub register: PathBuf,
    /// How many parts.
    #[arg(long, value_name = "N")]
    pub parts: usize,
    /// The partition folder to write.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// TOML config, as for a run; the parts run with it.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A saved scoring model for every part; estimated from the whole data when absent.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Reviewers' decisions (keputusan.csv from review.html), as for a run: each part
    /// applies those of its rows.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Worker threads; 0 means one per core.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Hide the progress spinner.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  dedupe part parts 0
  dedupe part parts $JOB_COMPLETION_INDEX      (a Kubernetes indexed Job)
  dedupe part parts $SLURM_ARRAY_TASK_ID       (a Slurm array)")]
pub struct PartOpts {
    /// The partition folder written by `dedupe partition`.
    pub dir: PathBuf,
    /// The part to run, from 0.
    pub part: usize,
    /// Worker threads; 0 means one per core.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Hide the progress spinner and the closing line.
    #[arg(short, long)]
    pub quiet: bool,
    /// Keep the part's run under SIZE (for example 4G), as `--memory-limit` of a run.
    #[arg(long, value_name = "SIZE", value_parser = crate::core::memory::parse_size)]
    pub memory_limit: Option<u64>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  dedupe merge parts -o hasil
  dedupe merge parts -o hasil --lang en
  dedupe merge parts -o hasil-2026-12 --previous hasil-2026-11 --history riwayat --period 2026-12")]
pub struct MergeOpts {
    /// The partition folder whose parts have all run.
    pub dir: PathBuf,
    /// Output folder for the merged outputs.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Language of report.html and report.xlsx.
    #[arg(long, value_enum, default_value = "id")]
    pub lang: LangArg,
    /// Write the CSV outputs for Excel on Indonesian-locale machines, as a run's
    /// `--csv-excel`.
    #[arg(long)]
    pub csv_excel: bool,
    /// The out folder of this list's previous run (or merge): write `changes.csv`, as a
    /// run's `--previous`.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Keep the merged summary.json in DIR and draw the trend, as a run's `--history`.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// The period the merged run verifies, as a run's `--period`.
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,
    /// Hide the closing line, as the other commands' `--quiet`.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  dedupe index penduduk.parquet -o penduduk.idx
  dedupe index penduduk.csv -o penduduk.idx -c dedupe.toml
  dedupe bansos.csv penduduk.idx -o hasil -c dedupe.toml")]
pub struct IndexOpts {
    /// The register: .csv, .tsv, .txt, .parquet or .xlsx/.xls.
    pub register: PathBuf,
    /// The index file to write; its name ends in .idx.
    #[arg(short, long, value_name = "FILE")]
    pub out: PathBuf,
    /// TOML config: its `[register]` columns, `[status]` values and id_kind shape the index,
    /// and runs on the index must use the same.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Hide the progress spinner.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReportOpts {
    /// The out folder of a run.
    pub out_dir: PathBuf,
    /// TOML config with the `[benefits]` amounts (defaults when absent).
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report language.
    #[arg(long, value_enum, default_value = "id")]
    pub lang: LangArg,
}

#[derive(Debug, Args)]
pub struct ExplainOpts {
    /// The out folder of a run.
    pub out_dir: PathBuf,
    /// The aid row (1-based, as in decisions.csv).
    pub row: usize,
    /// Reasons in English instead of Bahasa Indonesia.
    #[arg(long)]
    pub en: bool,
}

#[derive(Debug, Args)]
pub struct SynthOpts {
    /// People in the register (Balikpapan: 704110).
    #[arg(long, default_value_t = 704_110)]
    pub persons: usize,
    /// Aid rows to aim for (default: a tenth of the persons).
    #[arg(long)]
    pub aid: Option<usize>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Regencies the register covers (at most 9). With two or more, 0.4% of the people
    /// moved to another regency and are registered there again under a new NIK.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=9))]
    pub regencies: u64,
    /// The month of the list: 2 gives the same list (same --persons, --aid, --seed and
    /// --regencies) a month later, with deaths and moves in the register, rows removed
    /// and added and NIKs corrected, and `changes-truth.csv` to score `--previous` with.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=24))]
    pub month: u64,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "synth")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct EvalOpts {
    /// The out folder of a run (holds decisions.csv); eval.json is written there.
    pub out_dir: PathBuf,
    /// The truth file written by `dedupe synth`.
    pub truth: PathBuf,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl Opts {
    /// The validated configuration for the stages.
    pub(crate) fn to_config(&self) -> anyhow::Result<Config> {
        if self.threads > 1024 {
            return Err(ConfigError::Threads(self.threads).into());
        }
        let (Some(aid), Some(register)) = (&self.aid, &self.register) else {
            anyhow::bail!("give the aid list and the register: dedupe AID REGISTER (see --help)");
        };
        let mut config = Config::new(
            aid.clone(),
            register.clone(),
            self.out.clone(),
            self.config.clone(),
            self.threads,
            self.quiet,
        )?;
        config.model_path = self.model.clone();
        config.memory_limit = self.memory_limit;
        config.test_fault = if self.internal_test_report_error {
            Some(TestFault::ReportError)
        } else if self.internal_test_abort {
            Some(TestFault::Abort)
        } else if self.internal_test_panic {
            Some(TestFault::Panic)
        } else {
            use TestFault;
            let abort = self
                .internal_test_abort_in_publish
                .map(TestFault::AbortInPublish);
            abort.or(self.internal_test_pause_ms.map(TestFault::Pause))
        };
        config.csv_excel = self.csv_excel;
        if let Some(d) = &self.decisions {
            if !d.is_file() {
                anyhow::bail!(
                    "--decisions {}: no such file (give keputusan.csv as exported from review.html)",
                    d.display()
                );
            }
        }
        config.decisions_path = self.decisions.clone();
        if let Some(d) = &self.previous {
            if !d.is_dir() {
                anyhow::bail!(
                    "--previous {}: no such folder (give the out folder of this list's previous run)",
                    d.display()
                );
            }
        }
        config.previous_dir = self.previous.clone();
        config.history_dir = self.history.clone();
        config.period = self.period.as_deref().map(str::trim).map(String::from);
        config.lang = self.lang.into();
        if let Some(sheet) = &self.sheet {
            config.file.aid.sheet = Some(sheet.clone());
        }
        Ok(config)
    }
}

/// A short human summary for stderr (printed through [`log`]): counts only, never a NIK.
pub(crate) fn human_summary(s: &Summary) -> String {
    let c = |k: &str| s.status_counts.get(k).copied().unwrap_or(0);
    format!(
        "{} aid rows checked against {} register rows: {} verified, {} duplicate \
         ({} groups), {} name mismatch, {} deceased, {} moved out, {} not in register, \
         {} invalid NIK, {} damaged NIK; outputs in {}",
        s.rows_in,
        s.register.rows,
        c("VERIFIED"),
        c("DUPLICATE"),
        s.duplicates.groups,
        c("NAME_MISMATCH"),
        c("DECEASED"),
        c("MOVED_OUT"),
        c("NOT_IN_REGISTER"),
        c("INVALID_NIK"),
        c("NIK_DAMAGED"),
        s.out_dir
    )
}

fn synth(o: &SynthOpts) -> anyhow::Result<Exit> {
    if o.persons == 0 {
        anyhow::bail!("--persons 0: give at least one person");
    }
    let cfg = SynthConfig {
        persons: o.persons,
        aid: o.aid.unwrap_or((o.persons / 10).max(1)),
        seed: o.seed,
        out_dir: o.out.clone(),
        regencies: o.regencies as usize,
        month: o.month as usize,
    };
    let s = crate::commands::synth_month::run(&cfg)
        .with_context(|| format!("writing synthetic data to {}", o.out.display()))?;
    eprintln!(
        "dedupe synth: {} register persons, {} aid rows (seed {}) in {}",
        s.persons,
        s.aid_rows,
        s.seed,
        o.out.display()
    );
    Ok(Exit::Success)
}

fn index(o: &IndexOpts) -> anyhow::Result<Exit> {
    use FileFormat;
    if FileFormat::from_path(&o.out).ok() != Some(FileFormat::Index) {
        anyhow::bail!(
            "-o {}: name the index with the extension .idx (runs recognise an index by it)",
            o.out.display()
        );
    }
    if FileFormat::from_path(&o.register)? == FileFormat::Index {
        anyhow::bail!(
            "{}: already an index; pass the register file it was built from",
            o.register.display()
        );
    }
    if !o.register.is_file() {
        return Err(ConfigError::MissingInput {
            path: o.register.clone(),
        }
        .into());
    }
    let file = match &o.config {
        Some(p) => FileConfig::from_path(p)?,
        None => FileConfig::default(),
    };
    let progress = Progress::new(o.quiet);
    let start = std::time::Instant::now();
    let header = crate::commands::run::build_index(&o.register, &o.out, &file, &progress)
        .with_context(|| format!("indexing {}", o.register.display()))?;
    if !o.quiet {
        eprintln!(
            "dedupe index: {} register rows of {} in {} ({:.1} s)",
            header.source.rows,
            o.register.display(),
            o.out.display(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(Exit::Success)
}

fn partition(o: &PartitionOpts) -> anyhow::Result<Exit> {
    if o.parts == 0 {
        anyhow::bail!("--parts 0: give at least one part");
    }
    let file = match &o.config {
        Some(p) => FileConfig::from_path(p)?,
        None => FileConfig::default(),
    };
    let cfg = PartitionConfig {
        aid_path: o.aid.clone(),
        register_path: o.register.clone(),
        dir: o.out.clone(),
        parts: o.parts,
        file,
        model_path: o.model.clone(),
        decisions_path: o.decisions.clone(),
        threads: o.threads,
        quiet: o.quiet,
    };
    let start = std::time::Instant::now();
    let m = crate::commands::partition::partition(&cfg).with_context(|| {
        format!(
            "partitioning {} and {}",
            o.aid.display(),
            o.register.display()
        )
    })?;
    if !o.quiet {
        eprintln!(
            "dedupe partition: {} aid rows and {} register rows in {} parts (regions of {} NIK digits) in {} ({:.1} s); aid rows per part {:?}, register rows per part {:?}",
            m.aid.rows,
            m.register.rows,
            m.parts,
            m.region_digits,
            o.out.display(),
            start.elapsed().as_secs_f64(),
            m.aid_rows,
            m.register_rows
        );
    }
    Ok(Exit::Success)
}

fn eval(o: &EvalOpts) -> anyhow::Result<Exit> {
    let report =
        crate::commands::eval::evaluate_files(&o.out_dir, &o.truth).with_context(|| {
            format!(
                "evaluating {} against {}",
                o.out_dir.display(),
                o.truth.display()
            )
        })?;
    crate::io::output::write_atomic(&o.out_dir, "eval.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &report)?;
        writeln!(w)
    })?;
    if o.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", crate::commands::eval::render(&report));
    }
    Ok(Exit::Success)
}

/// Run the parsed command; the exit code on success.
pub fn run(opts: &Opts) -> anyhow::Result<Exit> {
    match &opts.command {
        Some(Command::Synth(o)) => synth(o),
        Some(Command::Eval(o)) => eval(o),
        Some(Command::Index(o)) => index(o),
        Some(Command::Partition(o)) => partition(o),
        Some(Command::Part(o)) => part(o),
        Some(Command::Merge(o)) => merge(o),
        Some(Command::Report(o)) => report(o),
        Some(Command::Explain(o)) => explain(o),
        None => check(opts),
    }
}

/// `dedupe part`: one part of a partitioned run.
fn part(o: &PartOpts) -> anyhow::Result<Exit> {
    let cfg = PartRunConfig {
        dir: o.dir.clone(),
        part: o.part,
        out_dir: None,
        threads: o.threads,
        quiet: o.quiet,
        memory_limit: o.memory_limit,
    };
    let s = crate::commands::partition::run_part(&cfg)
        .with_context(|| format!("running part {} of {}", o.part, o.dir.display()))?;
    if !o.quiet {
        eprintln!(
            "dedupe part: part {} of {}: {} aid rows, {} verified; outputs in {}",
            o.part,
            o.dir.display(),
            s.rows_in,
            s.rows_verified,
            s.out_dir
        );
    }
    Ok(Exit::Success)
}

/// `dedupe merge`: the parts' outputs as one run's.
fn merge(o: &MergeOpts) -> anyhow::Result<Exit> {
    let cfg = MergeConfig {
        dir: o.dir.clone(),
        out_dir: o.out.clone(),
        lang: o.lang.into(),
        csv_excel: o.csv_excel,
        previous_dir: o.previous.clone(),
        history_dir: o.history.clone(),
        period: o.period.as_deref().map(str::trim).map(String::from),
    };
    let (merged, facts) = crate::commands::partition::merge(&cfg)
        .with_context(|| format!("merging the parts of {}", o.dir.display()))?;
    if !o.quiet {
        eprintln!(
            "dedupe merge: {} rows, {} duplicate groups, savings {}; outputs in {}",
            merged.rows,
            merged.groups,
            crate::io::official::rupiah(facts.savings_total, o.lang.into()),
            o.out.display()
        );
    }
    Ok(Exit::Success)
}

/// `dedupe report`: the officials' reports rebuilt from a run's outputs.
fn report(o: &ReportOpts) -> anyhow::Result<Exit> {
    let file = match &o.config {
        Some(p) => FileConfig::from_path(p)?,
        None => FileConfig::default(),
    };
    let facts = crate::io::official::write_reports(&o.out_dir, &file.benefits, o.lang.into())
        .with_context(|| format!("writing the reports in {}", o.out_dir.display()))?;
    eprintln!(
        "dedupe report: {} rows, savings {} ({} months); report.html and report.xlsx in {}",
        facts.rows,
        crate::io::official::rupiah(facts.savings_total, o.lang.into()),
        facts.months,
        o.out_dir.display()
    );
    Ok(Exit::Success)
}

/// `dedupe explain`: one row's decision, as the model weighed it.
fn explain(o: &ExplainOpts) -> anyhow::Result<Exit> {
    let text = crate::commands::explain::explain(&o.out_dir, o.row, o.en)
        .with_context(|| format!("explaining row {} of {}", o.row, o.out_dir.display()))?;
    print!("{text}");
    Ok(Exit::Success)
}

/// A check of an aid list against the register: the run, its warnings and summary, and
/// the exit code `--fail-on` asks for.
fn check(opts: &Opts) -> anyhow::Result<Exit> {
    let config = opts.to_config()?;
    let summary = crate::commands::run::run(&config).with_context(|| {
        format!(
            "checking {} against {}",
            config.aid_path.display(),
            config.register_path.display()
        )
    })?;
    for w in &summary.warnings {
        log(
            opts.log_format,
            "warning",
            "warning",
            w,
            serde_json::Value::Null,
        );
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    if !opts.quiet {
        log(
            opts.log_format,
            "info",
            "done",
            &human_summary(&summary),
            serde_json::json!({
                "rows_in": summary.rows_in,
                "rows_verified": summary.rows_verified,
                "status_counts": summary.status_counts,
                "out_dir": summary.out_dir,
            }),
        );
    }
    Ok(findings_exit(opts, &summary))
}

/// [`Exit::Findings`] when the run found what `--fail-on` (or `--fail-on-findings`) names.
fn findings_exit(opts: &Opts, summary: &Summary) -> Exit {
    let count = |k: &str| summary.status_counts.get(k).copied().unwrap_or(0);
    let duplicates = count("DUPLICATE") > 0;
    let rejected = summary.rows_verified + count("DUPLICATE") < summary.rows_in;
    let fail_on = if opts.fail_on_findings {
        Some(FailOn::Any)
    } else {
        opts.fail_on
    };
    let failed = match fail_on {
        None => false,
        Some(FailOn::Duplicates) => duplicates,
        Some(FailOn::Rejected) => rejected,
        Some(FailOn::Any) => duplicates || rejected,
    };
    if failed {
        Exit::Findings
    } else {
        Exit::Success
    }
}

/// Parse the process arguments, run, and return the exit code.
pub fn main() -> Exit {
    let opts = match Opts::try_parse() {
        Ok(o) => o,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Success
            };
            let _ = e.print();
            return code;
        }
    };
    // A panic is a bug, not a data error: it gets its own exit code (3) and a message that
    // says so. Outputs are written whole into a staging folder first, so none is left half
    // written. The default hook's message is replaced by ours (NIK-like digits masked).
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&opts)));
    match result {
        Ok(Ok(code)) => code,
        Ok(Err(err)) => {
            log(
                opts.log_format,
                "error",
                "error",
                &format!("{err:#}"),
                serde_json::json!({"exit_code": Exit::Error.code()}),
            );
            Exit::Error
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_string());
            log(
                opts.log_format,
                "error",
                "internal_error",
                &format!(
                    "internal error, a bug in dedupe {}: {message}. No output was left half \
                     written. Please report it with the command line and the shape of the \
                     data (never its NIKs).",
                    env!("CARGO_PKG_VERSION")
                ),
                serde_json::json!({"exit_code": Exit::Bug.code(), "version": env!("CARGO_PKG_VERSION")}),
            );
            Exit::Bug
        }
    }
}

/// Mask every run of ten or more digits (a NIK or KK) in a message.
pub(crate) fn mask_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 10 {
            out.push_str(&crate::normalize::nik::mask(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn digits_of_niks_are_masked_in_messages() {
        let cases = [
            ("no digits", "no digits"),
            ("row 12 of 300", "row 12 of 300"),
            ("nik 6471054507890003 here", "nik 647105********03 here"),
            ("6471054507890003", "647105********03"),
        ];
        for (input, want) in cases {
            assert_eq!(mask_digits(input), want);
        }
    }

    #[test]
    fn cli_definition_is_valid() {
        Opts::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let o = Opts::try_parse_from(["dedupe", "a.csv", "r.parquet"]).expect("parse");
        assert!(o.command.is_none());
        assert_eq!(o.out, PathBuf::from("dedupe-out"));
        assert_eq!(o.threads, 0);
        assert!(!o.quiet && !o.json && !o.fail_on_findings);
    }

    #[test]
    fn subcommands_parse() {
        let o = Opts::try_parse_from(["dedupe", "synth", "--persons", "10"]).expect("parse");
        assert!(matches!(o.command, Some(Command::Synth(ref s)) if s.persons == 10 && s.seed == 1));
        let o = Opts::try_parse_from(["dedupe", "eval", "out", "truth.csv"]).expect("parse");
        assert!(matches!(o.command, Some(Command::Eval(_))));
        assert!(Opts::try_parse_from(["dedupe", "a.csv"]).is_err());
    }
}
