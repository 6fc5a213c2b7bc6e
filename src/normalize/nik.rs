//! NIK (Nomor Induk Kependudukan) and No. KK normalization.
//!
//! In: the raw text of a NIK cell and the kind of column it came from.
//! Out: [`NikParse`]: a valid 16-digit NIK with its decoded parts, a NIK damaged by a
//! spreadsheet (never repaired: digits are not guessed), or an invalid NIK with a reason code.
//!
//! Layout: `PP KK CC DDMMYY SSSS`: province, regency/city, kecamatan of first registration,
//! birth date (day + 40 for women), serial from 0001.

use serde::{Deserialize, Serialize};

/// Where a NIK cell came from; numbers lose digits in ways text does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Text (CSV, or a Parquet string column).
    Text,
    /// An integer column: exact.
    Integer,
    /// A floating-point column: exact only below 2^53.
    Float,
}

/// Why a NIK cell was rejected or distrusted. Stable codes, used in the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NikIssue {
    /// The cell is empty.
    NikEmpty,
    /// Characters other than digits and separators.
    NikNonDigit,
    /// Not 16 digits.
    NikLength,
    /// The first two digits are no Indonesian province code.
    NikProvince,
    /// Regency/city or kecamatan code is 00.
    NikRegion,
    /// Digits 7-12 are no real date, even after removing the +40 for women.
    NikDate,
    /// Serial 0000.
    NikSerial,
    /// Scientific notation (`6.47101E+15`): the digits after the mantissa are lost.
    NikScientific,
    /// A number too large for a float to hold exactly: the last digit may be wrong.
    NikFloatPrecision,
    /// The 16th digit is 0 in a column that shows spreadsheet damage: probably rounded
    /// to 15 significant digits (decided during linking, not from the cell alone).
    NikRounded,
}

impl NikIssue {
    /// Stable reason code as written to the outputs.
    pub fn code(self) -> &'static str {
        match self {
            NikIssue::NikEmpty => "NIK_EMPTY",
            NikIssue::NikNonDigit => "NIK_NON_DIGIT",
            NikIssue::NikLength => "NIK_LENGTH",
            NikIssue::NikProvince => "NIK_PROVINCE",
            NikIssue::NikRegion => "NIK_REGION",
            NikIssue::NikDate => "NIK_DATE",
            NikIssue::NikSerial => "NIK_SERIAL",
            NikIssue::NikScientific => "NIK_SCIENTIFIC",
            NikIssue::NikFloatPrecision => "NIK_FLOAT_PRECISION",
            NikIssue::NikRounded => "NIK_ROUNDED",
        }
    }
}

/// The parts of a valid NIK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NikInfo {
    pub province: u8,
    pub regency: u8,
    pub district: u8,
    /// Birth day with the +40 removed.
    pub day: u8,
    pub month: u8,
    /// Two-digit year: the century is ambiguous.
    pub yy: u8,
    pub female: bool,
    pub serial: u16,
}

/// The 16 digits of a valid NIK, held in the value itself: a register holds one per row,
/// and a string of its own each (24 bytes and a heap block) cost about 40 bytes a row more.
/// Reads, prints, compares, hashes and serializes as the text of its digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digits16([u8; 16]);

impl Digits16 {
    /// The digits of `s` when it is exactly 16 ASCII digits.
    pub fn new(s: &str) -> Option<Self> {
        let bytes: [u8; 16] = s.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(u8::is_ascii_digit)
            .then_some(Digits16(bytes))
    }

    pub fn as_str(&self) -> &str {
        // Always ASCII digits (checked by `new`, the only way in).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::ops::Deref for Digits16 {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Digits16 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Digits16 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Digits16 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Digits16 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Digits16::new(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not 16 digits: {:?}", s.len())))
    }
}

/// Result of normalizing one NIK cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NikParse {
    /// 16 digits with a valid structure.
    Valid { nik: Digits16, info: NikInfo },
    /// Damaged by a spreadsheet: `digits` holds the significant digits that survived
    /// (a prefix of the true NIK, possibly with a rounded last digit).
    Damaged { digits: String, issue: NikIssue },
    /// Not a NIK. `cleaned` is the cell after separator removal.
    Invalid { cleaned: String, issue: NikIssue },
    /// A plain identifier (`id_kind = "generic"`): no NIK rules, compared as text. Empty
    /// when the record has none: records of other countries often carry no identifier,
    /// and that is no fault of the row (it is matched on its other fields).
    Generic(String),
}

impl NikParse {
    /// The normalized text written to `nik_normalized`.
    pub fn text(&self) -> &str {
        match self {
            NikParse::Valid { nik, .. } => nik.as_str(),
            NikParse::Damaged { digits, .. } => digits,
            NikParse::Invalid { cleaned, .. } => cleaned,
            NikParse::Generic(id) => id,
        }
    }

    /// The identifier to link on: a valid NIK, or a generic identifier.
    pub fn valid(&self) -> Option<&str> {
        match self {
            NikParse::Valid { nik, .. } => Some(nik.as_str()),
            NikParse::Generic(id) if !id.is_empty() => Some(id),
            _ => None,
        }
    }

    pub fn info(&self) -> Option<&NikInfo> {
        match self {
            NikParse::Valid { info, .. } => Some(info),
            _ => None,
        }
    }
}

/// Indonesian province codes (Kemendagri), including the Papua provinces created in 2022.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// True when `code` is a real province code.
pub(crate) fn is_province(code: u8) -> bool {
    PROVINCES.contains(&code)
}

/// Remove what spreadsheets and typists wrap around identifiers: spaces (also non-breaking),
/// dots, dashes, quotes, apostrophes, a leading `=` from `="..."` exports, and a trailing `.0`.
/// Returns `None` when the text is scientific notation, handled separately.
fn strip_separators(raw: &str) -> String {
    let mut s = raw.trim().trim_start_matches('=').trim();
    // A float rendered by pandas or Excel: "6471014507890001.0" or ",00".
    for suffix in [".0", ",0", ".00", ",00"] {
        if let Some(head) = s.strip_suffix(suffix) {
            if head.len() >= 15 && head.bytes().all(|b| b.is_ascii_digit()) {
                s = head;
                break;
            }
        }
    }
    s.chars()
        .filter(|c| {
            // Any space: ASCII, no-break (U+00A0), narrow no-break (U+202F), tab, ...
            !c.is_whitespace()
                && !matches!(
                    c,
                    '.' | '-' | '\'' | '"' | '`' | '\u{2019}' | '\u{2018}' | '_'
                )
        })
        .collect()
}

/// Parse `6.47101E+15`, `6,47101E+15`, `6.47101e15` into its mantissa digits: `Ok` when the
/// number has 16 integer digits (a NIK-sized number), `Err` with the digits otherwise, `None`
/// when the text is not scientific notation.
fn scientific_digits(raw: &str) -> Option<Result<String, String>> {
    let s: String = raw
        .trim()
        .trim_start_matches(['\'', '='])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let upper = s.to_ascii_uppercase();
    let (mantissa, exp) = upper.split_once('E')?;
    let exp: i32 = exp.trim_start_matches('+').parse().ok()?;
    let mantissa = mantissa.replace(',', ".");
    let (int, frac) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0').to_string();
    // Number of integer digits = len(int) + exp.
    if int.trim_start_matches('0').len() as i32 + exp == 16 {
        Some(Ok(digits))
    } else {
        Some(Err(digits))
    }
}

/// Normalize a NIK cell. Never guesses digits.
pub fn parse_nik(raw: &str, kind: CellKind) -> NikParse {
    let raw = super::visible(raw);
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed == "-" || trimmed.eq_ignore_ascii_case("null") {
        return NikParse::Invalid {
            cleaned: String::new(),
            issue: NikIssue::NikEmpty,
        };
    }
    if trimmed.contains(['E', 'e']) {
        match scientific_digits(trimmed) {
            Some(Ok(digits)) => {
                return NikParse::Damaged {
                    digits,
                    issue: NikIssue::NikScientific,
                }
            }
            Some(Err(cleaned)) => {
                return NikParse::Invalid {
                    cleaned,
                    issue: NikIssue::NikLength,
                }
            }
            None => {}
        }
    }
    let cleaned = strip_separators(trimmed);
    if cleaned.is_empty() {
        return NikParse::Invalid {
            cleaned,
            issue: NikIssue::NikEmpty,
        };
    }
    if !cleaned.bytes().all(|b| b.is_ascii_digit()) {
        return NikParse::Invalid {
            cleaned,
            issue: NikIssue::NikNonDigit,
        };
    }
    if cleaned.len() != 16 {
        return NikParse::Invalid {
            cleaned,
            issue: NikIssue::NikLength,
        };
    }
    if kind == CellKind::Float {
        // f64 holds integers exactly only up to 2^53 = 9_007_199_254_740_992.
        let value: u64 = cleaned.parse().unwrap_or(u64::MAX);
        if value > (1u64 << 53) {
            let digits = cleaned[..15].to_string();
            return NikParse::Damaged {
                digits,
                issue: NikIssue::NikFloatPrecision,
            };
        }
    }
    match (decode(&cleaned), Digits16::new(&cleaned)) {
        (Ok(info), Some(nik)) => NikParse::Valid { nik, info },
        (Ok(_), None) => NikParse::Invalid {
            cleaned,
            issue: NikIssue::NikLength,
        },
        (Err(issue), _) => NikParse::Invalid { cleaned, issue },
    }
}

fn two(s: &[u8], at: usize) -> u8 {
    (s[at] - b'0') * 10 + (s[at + 1] - b'0')
}

/// Decode and validate a string of exactly 16 ASCII digits.
pub(crate) fn decode(nik: &str) -> Result<NikInfo, NikIssue> {
    let b = nik.as_bytes();
    if b.len() != 16 || !b.iter().all(u8::is_ascii_digit) {
        return Err(NikIssue::NikLength);
    }
    let province = two(b, 0);
    if !is_province(province) {
        return Err(NikIssue::NikProvince);
    }
    let regency = two(b, 2);
    let district = two(b, 4);
    if regency == 0 || district == 0 {
        return Err(NikIssue::NikRegion);
    }
    let raw_day = two(b, 6);
    let month = two(b, 8);
    let yy = two(b, 10);
    let (day, female) = if raw_day > 40 {
        (raw_day - 40, true)
    } else {
        (raw_day, false)
    };
    if !day_month_possible(day, month, yy) {
        return Err(NikIssue::NikDate);
    }
    let serial = b[12..16]
        .iter()
        .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
    if serial == 0 {
        return Err(NikIssue::NikSerial);
    }
    Ok(NikInfo {
        province,
        regency,
        district,
        day,
        month,
        yy,
        female,
        serial,
    })
}

/// A day and month that exist in 19yy or 20yy (29 February needs a leap year in either).
pub(crate) fn day_month_possible(day: u8, month: u8, yy: u8) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = |y: u32| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let yy = u32::from(yy);
    let max = match month {
        2 if leap(1900 + yy) || leap(2000 + yy) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= max
}

/// Normalize a plain identifier (`id_kind = "generic"`): upper case, letters and digits
/// only, a trailing `.0` of a number dropped; an empty cell (or `NULL`, `N/A`) is an empty
/// identifier.
pub(crate) fn parse_generic_id(raw: &str) -> NikParse {
    let raw = super::visible(raw);
    let trimmed = raw.trim();
    let trimmed = trimmed.strip_suffix(".0").unwrap_or(trimmed);
    let id: String = trimmed
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    // Spreadsheets' and databases' words for nothing.
    if matches!(id.as_str(), "NULL" | "NA" | "NAN" | "NONE") {
        return NikParse::Generic(String::new());
    }
    NikParse::Generic(id)
}

/// Normalize a No. KK: separators removed; 16 digits or `None`. The KK's date segment is a
/// data-entry date without the +40, so only length and province are checked.
pub fn normalize_kk(raw: &str) -> Option<String> {
    let raw = &*super::visible(raw);
    if raw.trim().contains(['E', 'e']) {
        return None;
    }
    let cleaned = strip_separators(raw);
    (cleaned.len() == 16
        && cleaned.bytes().all(|b| b.is_ascii_digit())
        && is_province(two(cleaned.as_bytes(), 0)))
    .then_some(cleaned)
}

/// Mask a NIK for reports and logs: the region code and the last two digits stay,
/// e.g. `647105********01`. Shorter text is masked but for its first two characters.
pub(crate) fn mask(nik: &str) -> String {
    let chars: Vec<char> = nik.chars().collect();
    if chars.len() >= 12 {
        let n = chars.len();
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 6 || i >= n - 2 { *c } else { '*' })
            .collect()
    } else {
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 2 { *c } else { '*' })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(raw: &str) -> Option<NikIssue> {
        match parse_nik(raw, CellKind::Text) {
            NikParse::Valid { .. } | NikParse::Generic(_) => None,
            NikParse::Damaged { issue, .. } | NikParse::Invalid { issue, .. } => Some(issue),
        }
    }

    #[test]
    fn messy_forms_normalize_to_the_same_nik() {
        let cases = [
            "6471054507890001",
            " 6471054507890001 ",
            "'6471054507890001",
            "6471 0545 0789 0001",
            "6471.0545.0789.0001",
            "6471-0545-0789-0001",
            "6471054507890001.0",
            "\"6471054507890001\"",
            "=\"6471054507890001\"",
            "6471\u{a0}054507890001",
            "`6471054507890001",
            // Copied from a chat or a web page: unseen characters, other scripts' digits.
            "\u{200B}6471054507890001",
            "6471054507890001\u{FEFF}",
            "6471\u{2060}054507890001",
            "\u{FF16}\u{FF14}\u{FF17}\u{FF11}054507890001",
            "6471\u{202F}054507890001",
        ];
        for raw in cases {
            assert_eq!(
                parse_nik(raw, CellKind::Text).valid(),
                Some("6471054507890001"),
                "input {raw:?}"
            );
        }
    }

    #[test]
    fn decodes_region_date_sex_serial() {
        let p = parse_nik("6471054507890001", CellKind::Text);
        let info = p.info().expect("valid");
        assert_eq!((info.province, info.regency, info.district), (64, 71, 5));
        assert_eq!((info.day, info.month, info.yy), (5, 7, 89));
        assert!(info.female);
        assert_eq!(info.serial, 1);
        let male = parse_nik("3174021203850123", CellKind::Text);
        let m = male.info().expect("valid");
        assert!(!m.female);
        assert_eq!((m.day, m.month, m.yy, m.serial), (12, 3, 85, 123));
    }

    #[test]
    fn each_failure_has_its_own_reason() {
        let cases: &[(&str, Option<NikIssue>)] = &[
            ("", Some(NikIssue::NikEmpty)),
            ("   ", Some(NikIssue::NikEmpty)),
            ("-", Some(NikIssue::NikEmpty)),
            ("64710545O7890001", Some(NikIssue::NikNonDigit)),
            ("647105450789000", Some(NikIssue::NikLength)),
            ("64710545078900011", Some(NikIssue::NikLength)),
            ("9971054507890001", Some(NikIssue::NikProvince)),
            ("0071054507890001", Some(NikIssue::NikProvince)),
            ("6400054507890001", Some(NikIssue::NikRegion)),
            ("6471004507890001", Some(NikIssue::NikRegion)),
            ("6471053207890001", Some(NikIssue::NikDate)),
            ("6471057207890001", Some(NikIssue::NikDate)),
            ("6471051513890001", Some(NikIssue::NikDate)),
            ("6471050000890001", Some(NikIssue::NikDate)),
            ("6471053002890001", Some(NikIssue::NikDate)),
            ("6471054507890000", Some(NikIssue::NikSerial)),
            ("6.47101E+15", Some(NikIssue::NikScientific)),
            ("6,47101E+15", Some(NikIssue::NikScientific)),
            ("6.471054507890E+15", Some(NikIssue::NikScientific)),
            ("6471054507890001", None),
            // 29 Feb exists in 2000 / 1900 is not leap but 2000 is: 00 is possible.
            ("6471052902000001", None),
            // 29 Feb 2001 and 1901 do not exist.
            ("6471052902010001", Some(NikIssue::NikDate)),
            // Women: 29 + 40 = 69 with a leap year.
            ("6471056902040001", None),
        ];
        for (raw, want) in cases {
            assert_eq!(issue(raw), *want, "input {raw:?}");
        }
    }

    #[test]
    fn scientific_notation_keeps_only_surviving_digits() {
        assert_eq!(
            parse_nik("6.47101E+15", CellKind::Text),
            NikParse::Damaged {
                digits: "647101".into(),
                issue: NikIssue::NikScientific
            }
        );
        assert_eq!(
            parse_nik("'6,471054507890E+15", CellKind::Text),
            NikParse::Damaged {
                digits: "6471054507890".into(),
                issue: NikIssue::NikScientific
            }
        );
        // A number of the wrong size in scientific notation is simply not a NIK.
        assert_eq!(issue("6.47E+10"), Some(NikIssue::NikLength));
    }

    #[test]
    fn float_columns_beyond_2_pow_53_are_damaged() {
        // 6471... > 2^53 (9.007e15)? No: 6.47e15 < 9.007e15, exact.
        assert!(parse_nik("6471054507890001", CellKind::Float)
            .valid()
            .is_some());
        // Papua (91+) NIKs exceed 2^53 and cannot survive a float.
        assert_eq!(
            parse_nik("9171054507890001", CellKind::Float),
            NikParse::Damaged {
                digits: "917105450789000".into(),
                issue: NikIssue::NikFloatPrecision
            }
        );
        assert!(parse_nik("9171054507890001", CellKind::Integer)
            .valid()
            .is_some());
    }

    #[test]
    fn generic_ids_have_no_nik_rules() {
        assert_eq!(
            parse_generic_id(" rec-123.0 "),
            NikParse::Generic("REC123".into())
        );
        assert_eq!(
            parse_generic_id("4251234"),
            NikParse::Generic("4251234".into())
        );
        assert_eq!(parse_generic_id("4251234").valid(), Some("4251234"));
        // No identifier: empty, never valid (it links nobody to anybody).
        for empty in ["", " - ", "NULL", "n/a", "NaN", "\u{200B}"] {
            let p = parse_generic_id(empty);
            assert_eq!(p, NikParse::Generic(String::new()), "{empty:?}");
            assert_eq!(p.valid(), None, "{empty:?}");
        }
    }

    #[test]
    fn kk_normalization() {
        assert_eq!(
            normalize_kk("'6471 0512 0310 0005"),
            Some("6471051203100005".into())
        );
        assert_eq!(normalize_kk("6.47105E+15"), None);
        assert_eq!(normalize_kk("12345"), None);
        assert_eq!(normalize_kk(""), None);
    }

    #[test]
    fn masking_hides_the_middle() {
        assert_eq!(mask("6471054507890001"), "647105********01");
        assert_eq!(mask("12345"), "12***");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn every_nik_issue_has_reason_text() {
        use crate::core::status::{reason_en, reason_id};
        let issues = [
            NikIssue::NikEmpty,
            NikIssue::NikNonDigit,
            NikIssue::NikLength,
            NikIssue::NikProvince,
            NikIssue::NikRegion,
            NikIssue::NikDate,
            NikIssue::NikSerial,
            NikIssue::NikScientific,
            NikIssue::NikFloatPrecision,
            NikIssue::NikRounded,
        ];
        for i in issues {
            assert_ne!(reason_id(i.code()), reason_id("?"), "{}", i.code());
            assert_ne!(reason_en(i.code()), reason_en("?"), "{}", i.code());
        }
    }
}
