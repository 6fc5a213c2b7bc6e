//! Command-line glue: parse [`Opts`], build the validated [`Config`], run, report.
//!
//! Exit codes: 0 the run finished and wrote its outputs; 1 the run finished but, with
//! `--fail-on-findings`, some aid rows are not to be paid; 2 an error (bad flag, unreadable
//! or unsuitable input, unwritable output). Errors print as `dedupe: <message>` on stderr.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

use crate::config::Config;
use crate::report::Summary;

const EXAMPLES: &str = "\
Examples:
  Check a DTKS export against the SIAK register, outputs in ./hasil:
    dedupe aid.csv population.parquet -o hasil

  Map columns with other names (see docs/normalization.md for the keys):
    dedupe bansos.csv penduduk.parquet -c dedupe.toml

  Scheduled job: no progress bars, JSON summary on stdout, exit 1 if any row is withheld:
    dedupe aid.csv population.parquet -o /data/out --quiet --json --fail-on-findings

Outputs: decisions.csv, verified.csv, duplicates.csv, rejected.csv, summary.json.
Exit codes: 0 done, 1 done with findings (only with --fail-on-findings), 2 error.";

/// Verify a social-aid (bansos) recipient list against the population register (SIAK):
/// normalize NIKs, names, dates and addresses, link every aid row to the register, find
/// recipients recorded more than once, and write the verified list, the duplicates, the
/// rejected rows with reasons and a summary.
#[derive(Debug, Parser)]
#[command(name = "dedupe", version, after_help = EXAMPLES)]
pub struct Opts {
    /// Aid recipient list (DTKS export): .csv, .tsv, .txt or .parquet.
    pub aid: PathBuf,

    /// Population register (SIAK export): .csv, .tsv, .txt or .parquet.
    pub register: PathBuf,

    /// Folder for the outputs (created if missing; existing outputs are replaced).
    #[arg(short, long, value_name = "DIR", default_value = "dedupe-out")]
    pub out: PathBuf,

    /// TOML config: column names, status values, thresholds.
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Worker threads; 0 means one per core.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// No progress bars and no closing message on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    /// Exit with code 1 when any aid row is not verified (for scheduled jobs).
    #[arg(long)]
    pub fail_on_findings: bool,
}

impl Opts {
    /// The validated configuration for the stages.
    pub fn to_config(&self) -> anyhow::Result<Config> {
        if self.threads > 1024 {
            return Err(crate::error::ConfigError::Threads(self.threads).into());
        }
        Ok(Config::new(
            self.aid.clone(),
            self.register.clone(),
            self.out.clone(),
            self.config.clone(),
            self.threads,
            self.quiet,
        )?)
    }
}

/// A short human summary for stderr: counts only, never a NIK.
pub fn human_summary(s: &Summary) -> String {
    let c = |k: &str| s.status_counts.get(k).copied().unwrap_or(0);
    format!(
        "dedupe: {} aid rows checked against {} register rows: {} verified, {} duplicate \
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

/// Run the parsed command; the exit code on success.
pub fn run(opts: &Opts) -> anyhow::Result<i32> {
    let config = opts.to_config()?;
    let summary = crate::pipeline::run(&config).with_context(|| {
        format!(
            "checking {} against {}",
            config.aid_path.display(),
            config.register_path.display()
        )
    })?;
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    if !opts.quiet {
        eprintln!("{}", human_summary(&summary));
    }
    let findings = summary.rows_verified < summary.rows_in;
    Ok(if opts.fail_on_findings && findings {
        1
    } else {
        0
    })
}

/// Parse the process arguments, run, and return the exit code.
pub fn main() -> i32 {
    let opts = match Opts::try_parse() {
        Ok(o) => o,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(&opts) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("dedupe: {err:#}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Opts::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let o = Opts::try_parse_from(["dedupe", "a.csv", "r.parquet"]).expect("parse");
        assert_eq!(o.out, PathBuf::from("dedupe-out"));
        assert_eq!(o.threads, 0);
        assert!(!o.quiet && !o.json && !o.fail_on_findings);
    }
}
