//! Run configuration: the one validated [`Config`] every stage reads.
//!
//! In: the options the binary parsed and an optional TOML file ([`FileConfig`]).
//! Out: [`Config`], with paths checked and column overrides per input file. Stages never
//! see command-line types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::core::error::ConfigError;

/// A logical field that the pipeline reads from an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Nik,
    Kk,
    Name,
    BirthDate,
    BirthPlace,
    Sex,
    Address,
    Rt,
    Rw,
    Kelurahan,
    Kecamatan,
    /// Life/residence status in the register (alive, dead, moved).
    Status,
    /// A date of death in the register: a date means deceased (`NULL`, `-`, `0`,
    /// `0000-00-00` and the like mean no value).
    DeathDate,
    /// Relationship to the head of household (STAT_HBKEL).
    Relationship,
    AidId,
    Program,
}

impl Field {
    pub(crate) const ALL: [Field; 16] = [
        Field::Nik,
        Field::Kk,
        Field::Name,
        Field::BirthDate,
        Field::BirthPlace,
        Field::Sex,
        Field::Address,
        Field::Rt,
        Field::Rw,
        Field::Kelurahan,
        Field::Kecamatan,
        Field::Status,
        Field::DeathDate,
        Field::Relationship,
        Field::AidId,
        Field::Program,
    ];

    /// The config key (`[aid.columns] <key> = ...`).
    pub fn key(self) -> &'static str {
        match self {
            Field::Nik => "nik",
            Field::Kk => "kk",
            Field::Name => "name",
            Field::BirthDate => "birth_date",
            Field::BirthPlace => "birth_place",
            Field::Sex => "sex",
            Field::Address => "address",
            Field::Rt => "rt",
            Field::Rw => "rw",
            Field::Kelurahan => "kelurahan",
            Field::Kecamatan => "kecamatan",
            Field::Status => "status",
            Field::DeathDate => "death_date",
            Field::Relationship => "relationship",
            Field::AidId => "aid_id",
            Field::Program => "program",
        }
    }

    pub(crate) fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Header names recognised without configuration, compared after [`header_key`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Nik => &[
                "NIK",
                "NIK_ART",
                "NOMOR_NIK",
                "NO_NIK",
                "NIK_KTP",
                "NIK_PENERIMA",
                "NIK_KRT",
                "NIK_KPM",
                "NIK_PENGURUS",
                "NO_NIK_KTP",
                "NOMOR_INDUK_KEPENDUDUKAN",
            ],
            Field::Kk => &[
                "NO_KK",
                "NOKK",
                "NOMOR_KK",
                "KK",
                "NO_KARTU_KELUARGA",
                "NKK",
                "NO_KK_KPM",
                "NOMOR_KARTU_KELUARGA",
            ],
            Field::Name => &[
                "NAMA",
                "NAMA_LGKP",
                "NAMA_LENGKAP",
                "NAMA_ART",
                "NAMA_PENERIMA",
                "NAMA_KRT",
                "NM_LGKP",
                "NAME",
                "FULL_NAME",
                "FULLNAME",
                "PERSON_NAME",
                "NAMA_KPM",
                "NAMA_PENERIMA_MANFAAT",
                "NAMA_PENGURUS",
            ],
            Field::BirthDate => &[
                "TGL_LAHIR",
                "TGL_LHR",
                "TANGGAL_LAHIR",
                "TGLLAHIR",
                "TANGGAL_LHR",
                "DATE_OF_BIRTH",
                "DOB",
                "BIRTH_DATE",
                "BIRTHDATE",
                "BIRTHDAY",
            ],
            Field::BirthPlace => &[
                "TMPT_LHR",
                "TEMPAT_LAHIR",
                "TMP_LAHIR",
                "TMPT_LAHIR",
                "TEMPAT_LHR",
                "PLACE_OF_BIRTH",
                "BIRTH_PLACE",
                "BIRTHPLACE",
            ],
            Field::Sex => &[
                "JENIS_KELAMIN",
                "JENIS_KLMIN",
                "JK",
                "KELAMIN",
                "SEX",
                "JNS_KLMIN",
                "JENKEL",
                "GENDER",
            ],
            Field::Address => &[
                "ALAMAT",
                "ALAMAT_LENGKAP",
                "ALAMAT_RUMAH",
                "ADDRESS",
                "STREET_ADDRESS",
                "FULL_ADDRESS",
            ],
            Field::Rt => &["RT", "NO_RT", "RT_RW", "RTRW"],
            Field::Rw => &["RW", "NO_RW"],
            Field::Kelurahan => &[
                "KELURAHAN",
                "DESA",
                "KEL_NAME",
                "NAMA_KEL",
                "KEL",
                "DESA_KELURAHAN",
                "KELURAHAN_DESA",
                "NO_KEL",
                "KD_KEL",
                "SUBURB",
                "CITY",
                "TOWN",
                "LOCALITY",
                "VILLAGE",
                "DESA_KEL",
                "KEL_DESA",
                "NAMA_DESA",
                "NAMA_KELURAHAN",
            ],
            Field::Kecamatan => &[
                "KECAMATAN",
                "KEC_NAME",
                "NAMA_KEC",
                "KEC",
                "NO_KEC",
                "KD_KEC",
                "POSTCODE",
                "POST_CODE",
                "POSTAL_CODE",
                "ZIP",
                "ZIP_CODE",
                "ZIPCODE",
                "DISTRICT",
                "NAMA_KECAMATAN",
            ],
            Field::Status => &[
                "STATUS",
                "STAT_HIDUP",
                "STATUS_HIDUP",
                "STATUS_PENDUDUK",
                "KET_STATUS",
                "STATUS_KEPENDUDUKAN",
                "KETERANGAN",
            ],
            Field::DeathDate => &[
                "TGL_MATI",
                "TGL_KEMATIAN",
                "TANGGAL_KEMATIAN",
                "TGL_MENINGGAL",
                "DATE_OF_DEATH",
                "DEATH_DATE",
            ],
            Field::Relationship => &[
                "STAT_HBKEL",
                "STATUS_HUBUNGAN",
                "HUBUNGAN_KELUARGA",
                "SHDK",
                "HUB_KEL",
            ],
            Field::AidId => &[
                "ID_DTKS",
                "IDDTKS",
                "ID",
                "ID_PENERIMA",
                "ID_ART",
                "REC_ID",
                "RECORD_ID",
                "UNIQUE_ID",
            ],
            Field::Program => &[
                "PROGRAM",
                "PROGRAM_BANSOS",
                "JENIS_BANTUAN",
                "BANSOS",
                "PROGRAM_BANTUAN",
                "JENIS_BANSOS",
            ],
        }
    }

    /// Headers of a plain identifier (not a NIK) recognised as the `nik` field when no NIK
    /// header is there: the column is then read as with `id_kind = "generic"`.
    pub(crate) const PLAIN_ID_ALIASES: &'static [&'static str] = &[
        "SOC_SEC_ID",
        "SSN",
        "SOCIAL_SECURITY_NUMBER",
        "NATIONAL_ID",
        "NATIONAL_ID_NUMBER",
        "ID_NUMBER",
        "PERSONAL_ID",
        "PERSON_ID",
        "PERSONAL_NUMBER",
        "IDENTIFIER",
        "NATIONAL_INSURANCE_NUMBER",
        "PASSPORT_NUMBER",
        "PASSPORT_NO",
    ];

    /// Headers of one column holding the birth place and the birth date (*tempat, tanggal
    /// lahir*: `BALIKPAPAN, 12-05-1980`), read as both fields when they have no column of
    /// their own.
    pub(crate) const BIRTH_PLACE_AND_DATE_ALIASES: &'static [&'static str] = &[
        "TTL",
        "TEMPAT_TANGGAL_LAHIR",
        "TEMPAT_TGL_LAHIR",
        "TEMPAT_TGL_LHR",
        "TEMPAT_TANGGAL_LHR",
        "TMPT_TGL_LAHIR",
        "TMPT_TGL_LHR",
        "TMP_TGL_LAHIR",
        "TEMPAT_DAN_TANGGAL_LAHIR",
        "TEMPAT_DAN_TGL_LAHIR",
        "TEMPAT_LAHIR_TANGGAL_LAHIR",
        "PLACE_AND_DATE_OF_BIRTH",
    ];

    /// A field made of several columns when no one column holds it (records laid out in
    /// English): its parts in order, each a list of headers. The name from given, middle
    /// and family names; the address from the house number and address lines.
    pub(crate) fn part_aliases(self) -> &'static [&'static [&'static str]] {
        match self {
            Field::Name => &[
                &[
                    "GIVEN_NAME",
                    "FIRST_NAME",
                    "FIRSTNAME",
                    "FORENAME",
                    "FORENAMES",
                    "NAMA_DEPAN",
                ],
                &["MIDDLE_NAME", "MIDDLENAME", "MIDDLE_NAMES", "NAMA_TENGAH"],
                &[
                    "SURNAME",
                    "LAST_NAME",
                    "LASTNAME",
                    "FAMILY_NAME",
                    "NAMA_BELAKANG",
                ],
            ],
            Field::Address => &[
                &["STREET_NUMBER", "HOUSE_NUMBER", "STREET_NO", "HOUSE_NO"],
                &[
                    "ADDRESS_1",
                    "ADDRESS1",
                    "ADDRESS_LINE_1",
                    "ADDRESS_LINE1",
                    "STREET",
                    "STREET_NAME",
                ],
                &["ADDRESS_2", "ADDRESS2", "ADDRESS_LINE_2", "ADDRESS_LINE2"],
            ],
            _ => &[],
        }
    }

    /// Fields without which a file cannot be processed.
    pub fn required(self) -> bool {
        matches!(self, Field::Nik | Field::Name)
    }
}

/// Canonical form of a header for alias matching: upper case, runs of anything but letters
/// and digits become one `_` (`Nama Lengkap` -> `NAMA_LENGKAP`, `no.kk` -> `NO_KK`).
pub(crate) fn header_key(header: &str) -> String {
    let mut out = String::new();
    for c in header.trim().trim_start_matches('\u{feff}').chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// One field's source columns in the TOML: a header or several joined with a space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ColumnSpec {
    One(String),
    Many(Vec<String>),
}

impl ColumnSpec {
    pub fn headers(&self) -> Vec<&str> {
        match self {
            ColumnSpec::One(h) => vec![h.as_str()],
            ColumnSpec::Many(hs) => hs.iter().map(String::as_str).collect(),
        }
    }
}

/// Settings for one input file (`[aid]` or `[register]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// Field key -> header(s).
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnSpec>,
    /// CSV delimiter (one character); detected when absent.
    #[serde(default)]
    pub delimiter: Option<String>,
    /// Spreadsheet (.xlsx/.xls) sheet to read; the first when absent.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The config says `id_kind = "generic"`: the file may have no identifier column (its
    /// records are matched on their other fields). Set from [`FileConfig::id_kind`].
    #[serde(skip)]
    pub ids_optional: bool,
}

/// Register status values (compared upper case, without spaces or punctuation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusValues {
    #[serde(default = "default_deceased")]
    pub deceased: Vec<String>,
    #[serde(default = "default_moved")]
    pub moved_out: Vec<String>,
}

fn default_deceased() -> Vec<String> {
    [
        "MATI",
        "MENINGGAL",
        "MENINGGAL DUNIA",
        "WAFAT",
        "DECEASED",
        "DEAD",
        "M",
        "KEMATIAN",
    ]
    .map(String::from)
    .to_vec()
}

fn default_moved() -> Vec<String> {
    [
        "PINDAH",
        "PINDAH KELUAR",
        "PINDAH DATANG KELUAR",
        "MOVED",
        "MOVED OUT",
        "P",
        "KELUAR",
    ]
    .map(String::from)
    .to_vec()
}

impl Default for StatusValues {
    fn default() -> Self {
        StatusValues {
            deceased: default_deceased(),
            moved_out: default_moved(),
        }
    }
}

/// Thresholds of the matching rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchConfig {
    /// Name similarity (0..=1) at or above which two names are the same person's.
    #[serde(default = "default_name_threshold")]
    pub name_threshold: f64,
    /// Fuzzy linking: the match probability the best register candidate needs.
    #[serde(default = "default_link_probability")]
    pub link_probability: f64,
    /// Behind an identifier: the posterior (under the holder path's model) at which a row
    /// is the identifier's holder rather than someone else written on it.
    #[serde(default = "default_holder_probability")]
    pub holder_probability: f64,
    /// Fuzzy linking: how many bits of match weight the best candidate must be ahead of
    /// the runner-up.
    #[serde(default = "default_margin_bits")]
    pub margin_bits: f64,
    /// Blocking: blocks larger than this are skipped (and counted in the summary).
    #[serde(default = "default_max_block")]
    pub max_block: usize,
    /// Turn fuzzy linking off (exact NIK linking only).
    #[serde(default = "default_fuzzy")]
    pub fuzzy: bool,
}

fn default_name_threshold() -> f64 {
    0.85
}

fn default_link_probability() -> f64 {
    0.99
}

fn default_holder_probability() -> f64 {
    0.5
}

fn default_margin_bits() -> f64 {
    5.0
}

fn default_max_block() -> usize {
    300
}

fn default_fuzzy() -> bool {
    true
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            name_threshold: default_name_threshold(),
            link_probability: default_link_probability(),
            holder_probability: default_holder_probability(),
            margin_bits: default_margin_bits(),
            max_block: default_max_block(),
            fuzzy: default_fuzzy(),
        }
    }
}

/// What the identifier column holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Indonesian NIK: 16 digits with region, birth date, sex and serial.
    #[default]
    Nik,
    /// Any identifier, compared as text without NIK rules (person records of any country).
    Generic,
}

/// Benefit amounts for the savings report (Rupiah per month) and the months paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benefits {
    /// Months of payment a withheld row saves.
    #[serde(default = "default_months")]
    pub months: u32,
    /// Rupiah per month for a program not listed.
    #[serde(default = "default_benefit")]
    pub default: u64,
    /// Program name (compared upper case, without spaces or punctuation) -> Rupiah per month.
    #[serde(default = "default_programs")]
    pub programs: BTreeMap<String, u64>,
}

fn default_months() -> u32 {
    12
}

fn default_benefit() -> u64 {
    200_000
}

/// Documented defaults: Sembako/BPNT Rp 200,000 a month, BST Rp 300,000, PKH Rp 250,000
/// (an average over its components; set your own), PBI-JK Rp 42,000 (the JKN premium).
fn default_programs() -> BTreeMap<String, u64> {
    [
        ("BPNT", 200_000),
        ("SEMBAKO", 200_000),
        ("BST", 300_000),
        ("PKH", 250_000),
        ("PBIJK", 42_000),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

impl Default for Benefits {
    fn default() -> Self {
        Benefits {
            months: default_months(),
            default: default_benefit(),
            programs: default_programs(),
        }
    }
}

impl Benefits {
    /// Rupiah per month for a program cell.
    pub fn monthly(&self, program: &str) -> u64 {
        let key: String = program
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect();
        self.programs
            .iter()
            .find(|(k, _)| {
                k.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .eq(key.chars())
            })
            .map_or(self.default, |(_, v)| *v)
    }
}

/// The TOML configuration file, all keys optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `nik` (default) or `generic`.
    #[serde(default)]
    pub id_kind: IdKind,
    #[serde(default)]
    pub aid: InputConfig,
    #[serde(default)]
    pub register: InputConfig,
    #[serde(default)]
    pub status: StatusValues,
    #[serde(default, rename = "match")]
    pub matching: MatchConfig,
    #[serde(default)]
    pub benefits: Benefits,
    #[serde(default)]
    pub review: ReviewConfig,
}

/// Which rows go to the clerical review queue (`review.csv`, `review.html`), beyond the
/// kinds that always do (ambiguous candidates, a NIK held by someone the row may be, a
/// household member's NIK, a group held by fuzzy links).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// A fuzzy link whose match probability is below this is reviewed.
    #[serde(default = "default_review_probability")]
    pub probability: f64,
    /// A fuzzy link whose lead over the runner-up (in bits) is below this is reviewed.
    #[serde(default = "default_review_margin")]
    pub margin_bits: f64,
}

fn default_review_probability() -> f64 {
    0.9999
}

fn default_review_margin() -> f64 {
    10.0
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            probability: default_review_probability(),
            margin_bits: default_review_margin(),
        }
    }
}

impl FileConfig {
    /// Read and validate a TOML file.
    pub fn from_path(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text).map_err(|message| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parse TOML text; the error is a message naming the bad key.
    pub(crate) fn from_toml(text: &str) -> Result<FileConfig, String> {
        let mut cfg: FileConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        let generic = cfg.id_kind == IdKind::Generic;
        cfg.aid.ids_optional = generic;
        cfg.register.ids_optional = generic;
        for (section, input) in [("aid", &cfg.aid), ("register", &cfg.register)] {
            for (key, spec) in &input.columns {
                if Field::from_key(key).is_none() {
                    let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
                    return Err(format!(
                        "unknown field `{key}` in [{section}.columns]; known fields: {}",
                        keys.join(", ")
                    ));
                }
                if spec.headers().is_empty() || spec.headers().iter().any(|h| h.trim().is_empty()) {
                    return Err(format!(
                        "[{section}.columns] {key}: give at least one non-empty header"
                    ));
                }
            }
            if let Some(d) = &input.delimiter {
                if d.chars().count() != 1 || !d.is_ascii() {
                    return Err(format!(
                        "[{section}] delimiter = {d:?}: give one ASCII character, e.g. \";\""
                    ));
                }
            }
        }
        let t = cfg.matching.name_threshold;
        if !(0.0..=1.0).contains(&t) {
            return Err(format!(
                "[match] name_threshold = {t}: give a number from 0 to 1"
            ));
        }
        check_ranges(&cfg)?;
        Ok(cfg)
    }
}

/// The largest benefit a config may give, Rupiah a month (a hundred million: far above
/// any program, and small enough that the savings of a billion rows over `MAX_MONTHS`
/// months cannot overflow their sum).
pub(crate) const MAX_MONTHLY_BENEFIT: u64 = 100_000_000;
/// The most months a withheld row may be counted as saving (ten years).
pub(crate) const MAX_MONTHS: u32 = 120;

/// Every threshold finite and in its range, every benefit amount within its bound; the
/// error names the key and the range.
fn check_ranges(cfg: &FileConfig) -> Result<(), String> {
    let probability = |key: &str, p: f64| {
        if p.is_finite() && p > 0.0 && p <= 1.0 {
            Ok(())
        } else {
            Err(format!(
                "{key} = {p}: give a probability above 0 and at most 1"
            ))
        }
    };
    let bits = |key: &str, b: f64| {
        if b.is_finite() && b >= 0.0 {
            Ok(())
        } else {
            Err(format!(
                "{key} = {b}: give a number of bits, 0 or more (finite)"
            ))
        }
    };
    probability("[match] link_probability", cfg.matching.link_probability)?;
    probability(
        "[match] holder_probability",
        cfg.matching.holder_probability,
    )?;
    bits("[match] margin_bits", cfg.matching.margin_bits)?;
    probability("[review] probability", cfg.review.probability)?;
    bits("[review] margin_bits", cfg.review.margin_bits)?;
    let b = &cfg.benefits;
    if b.months > MAX_MONTHS {
        return Err(format!(
            "[benefits] months = {}: give at most {MAX_MONTHS} months",
            b.months
        ));
    }
    let amounts = std::iter::once(("default".to_string(), b.default)).chain(
        b.programs
            .iter()
            .map(|(k, v)| (format!("programs.{k}"), *v)),
    );
    for (key, amount) in amounts {
        if amount > MAX_MONTHLY_BENEFIT {
            return Err(format!(
                "[benefits] {key} = {amount}: give at most {MAX_MONTHLY_BENEFIT} Rupiah a month"
            ));
        }
    }
    Ok(())
}

/// Report language: Bahasa Indonesia by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

/// Input file format, from the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Parquet,
    Spreadsheet,
    /// A register index written by `dedupe index` (`.idx`).
    Index,
}

impl FileFormat {
    pub fn from_path(path: &Path) -> Result<FileFormat, ConfigError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv" | "tsv" | "txt") => Ok(FileFormat::Csv),
            Some("parquet" | "pq") => Ok(FileFormat::Parquet),
            Some("xlsx" | "xlsm" | "xls" | "ods") => Ok(FileFormat::Spreadsheet),
            Some("idx") => Ok(FileFormat::Index),
            _ => Err(ConfigError::UnknownExtension {
                path: path.to_path_buf(),
            }),
        }
    }
}

/// A fault the tests inject while outputs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestFault {
    /// A bug: a panic (exit code 3).
    Panic,
    /// A kill: the process ends at once, nothing is cleaned up.
    Abort,
    /// The report step fails with an error (exit code 2).
    ReportError,
    /// A kill between two renames of the publish: after this many outputs are in place.
    AbortInPublish(usize),
    /// A slow run: sleep this many milliseconds holding the folder's lock, before
    /// publishing.
    Pause(u64),
}

/// Everything a run needs, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub aid_path: PathBuf,
    pub register_path: PathBuf,
    pub out_dir: PathBuf,
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Hide progress bars.
    pub quiet: bool,
    pub file: FileConfig,
    /// The config file, if one was given.
    pub config_path: Option<PathBuf>,
    /// A saved scoring model (`model.json` of an earlier run) instead of estimating one.
    pub model_path: Option<PathBuf>,
    /// Language of the reports for officials.
    #[serde(skip)]
    pub lang: Lang,
    /// Write the CSV outputs for Excel on Indonesian-locale machines (`--csv-excel`).
    pub csv_excel: bool,
    /// Reviewers' decisions to apply (`keputusan.csv` from `review.html`).
    pub decisions_path: Option<PathBuf>,
    /// The out folder of the list's previous run, to write `changes.csv` against.
    pub previous_dir: Option<PathBuf>,
    /// The history folder: earlier runs' summaries for the trend; this run's is added.
    pub history_dir: Option<PathBuf>,
    /// The period this run verifies (`--period`), as reports label it.
    pub period: Option<String>,
    /// A part of a partitioned run: the whole run's facts its scores depend on
    /// (`part.json` written by `dedupe partition`).
    pub whole_path: Option<PathBuf>,
    /// Write report.html and report.xlsx (a part of a partitioned run leaves them to
    /// `dedupe merge`).
    pub write_reports: bool,
    /// Bytes the run should stay under (`--memory-limit`): the fuzzy stage gathers its
    /// candidates in batches that fit what is left, and the summary reports the peak.
    pub memory_limit: Option<u64>,
    /// A fault in the middle of writing the outputs, for the tests of exit code 3 and of
    /// the staging of outputs (hidden flags).
    #[serde(skip)]
    pub test_fault: Option<TestFault>,
}

impl Config {
    /// Build a validated configuration. Input files must exist and have a known extension.
    pub fn new(
        aid_path: PathBuf,
        register_path: PathBuf,
        out_dir: PathBuf,
        config_path: Option<PathBuf>,
        threads: usize,
        quiet: bool,
    ) -> Result<Config, ConfigError> {
        if FileFormat::from_path(&aid_path)? == FileFormat::Index {
            return Err(ConfigError::IndexAsAid { path: aid_path });
        }
        for path in [&aid_path, &register_path] {
            FileFormat::from_path(path)?;
            if !path.is_file() {
                return Err(ConfigError::MissingInput { path: path.clone() });
            }
            // Outputs replace files of the out folder: an input inside it could be lost.
            if let (Ok(input), Ok(out)) = (path.canonicalize(), out_dir.canonicalize()) {
                if input.parent() == Some(out.as_path()) {
                    return Err(ConfigError::InputInOutDir {
                        path: path.clone(),
                        out_dir: out_dir.clone(),
                    });
                }
            }
        }
        let file = match &config_path {
            Some(p) => FileConfig::from_path(p)?,
            None => FileConfig::default(),
        };
        Ok(Config {
            aid_path,
            register_path,
            out_dir,
            threads,
            quiet,
            file,
            config_path,
            model_path: None,
            lang: Lang::Id,
            csv_excel: false,
            decisions_path: None,
            previous_dir: None,
            history_dir: None,
            period: None,
            whole_path: None,
            write_reports: true,
            memory_limit: None,
            test_fault: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys() {
        for (raw, want) in [
            ("NIK", "NIK"),
            ("nik", "NIK"),
            ("\u{feff}NIK", "NIK"),
            ("Nama Lengkap", "NAMA_LENGKAP"),
            ("no.kk", "NO_KK"),
            (" TGL-LAHIR ", "TGL_LAHIR"),
            ("Desa/Kelurahan", "DESA_KELURAHAN"),
        ] {
            assert_eq!(header_key(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn toml_columns_one_or_many() {
        let cfg = FileConfig::from_toml(
            r#"
            [aid.columns]
            nik = "NIK_PENERIMA"
            name = ["given_name", "surname"]
            [register]
            delimiter = ";"
            "#,
        )
        .expect("valid");
        assert_eq!(cfg.aid.columns["nik"].headers(), vec!["NIK_PENERIMA"]);
        assert_eq!(
            cfg.aid.columns["name"].headers(),
            vec!["given_name", "surname"]
        );
        assert_eq!(cfg.register.delimiter.as_deref(), Some(";"));
        assert_eq!(cfg.matching.name_threshold, 0.85);
    }

    #[test]
    fn thresholds_and_amounts_out_of_range_are_refused_naming_the_key() {
        let cases = [
            (
                "[match]\nlink_probability = 5.0\n",
                Some("[match] link_probability = 5"),
            ),
            (
                "[match]\nlink_probability = -1\n",
                Some("[match] link_probability = -1"),
            ),
            (
                "[match]\nlink_probability = nan\n",
                Some("[match] link_probability = NaN"),
            ),
            ("[match]\nlink_probability = 0.999\n", None),
            (
                "[match]\nmargin_bits = -inf\n",
                Some("[match] margin_bits = -inf"),
            ),
            ("[match]\nmargin_bits = 0\n", None),
            (
                "[review]\nprobability = 2\n",
                Some("[review] probability = 2"),
            ),
            (
                "[review]\nmargin_bits = inf\n",
                Some("[review] margin_bits = inf"),
            ),
            (
                "[benefits]\nmonths = 100000\n",
                Some("[benefits] months = 100000"),
            ),
            (
                "[benefits]\ndefault = 18446744073709551615\n",
                Some("[benefits] default"),
            ),
            (
                "[benefits.programs]\nPKH = 900000000000\n",
                Some("[benefits] programs.PKH"),
            ),
            ("[benefits.programs]\nPKH = 750000\n", None),
        ];
        for (text, want) in cases {
            match (FileConfig::from_toml(text), want) {
                (Ok(_), None) => {}
                (Err(e), Some(w)) => assert!(e.starts_with(w), "{text:?}: {e}"),
                (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn benefits_defaults_and_overrides() {
        let b = Benefits::default();
        assert_eq!(
            (
                b.monthly("BPNT"),
                b.monthly("bst"),
                b.monthly("PBI-JK"),
                b.monthly("?")
            ),
            (200_000, 300_000, 42_000, 200_000)
        );
        let cfg = FileConfig::from_toml("[benefits]\nmonths = 6\ndefault = 100000\n[benefits.programs]\n\"Kartu Sembako\" = 150000\n").expect("valid");
        assert_eq!(cfg.benefits.months, 6);
        assert_eq!(cfg.benefits.monthly("KARTU SEMBAKO"), 150_000);
        assert_eq!(cfg.benefits.monthly("BPNT"), 100_000);
    }

    #[test]
    fn toml_errors_name_the_key() {
        let err = FileConfig::from_toml("[aid.columns]\nnama = \"X\"").unwrap_err();
        assert!(err.contains("unknown field `nama`"), "{err}");
        let err = FileConfig::from_toml("[match]\nname_threshold = 2.0").unwrap_err();
        assert!(err.contains("name_threshold"), "{err}");
        let err = FileConfig::from_toml("[aid]\ndelimiter = \";;\"").unwrap_err();
        assert!(err.contains("delimiter"), "{err}");
        let err = FileConfig::from_toml("[aid]\nsheets = 1").unwrap_err();
        assert!(err.contains("sheets"), "{err}");
    }
}
