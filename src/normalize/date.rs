//! Birth-date normalization.
//!
//! In: a raw date cell: `DD-MM-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYY-MM-DD` (also with a
//! time part, as Parquet datetimes print), `YYYYMMDD`, `DDMMYYYY`, an Excel serial number
//! (`32874` = 1990-01-01), two-digit years, or Indonesian/English month names
//! (`17 Agustus 1945`).
//! Out: [`BirthDate`]: a calendar date plus a `weak` flag for the placeholder dates that
//! registries record for unknown birth dates (1 July, 31 December, 1 January): millions of
//! people share them, so they are weak evidence.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A normalized birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BirthDate {
    #[serde(with = "ce_days")]
    pub date: NaiveDate,
    /// A placeholder date for an unknown birth date.
    pub weak: bool,
}

/// A date stored as its day number from 1 January of year 1 (index files).
mod ce_days {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        d.num_days_from_ce().serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let days = i32::deserialize(d)?;
        NaiveDate::from_num_days_from_ce_opt(days)
            .ok_or_else(|| serde::de::Error::custom(format!("day {days} is no date")))
    }
}

impl BirthDate {
    pub fn new(date: NaiveDate) -> Self {
        BirthDate {
            date,
            weak: is_placeholder(date),
        }
    }

    pub fn iso(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }
}

/// 1 July (SIAK since 2004), 31 December (before 2004) and 1 January.
pub(crate) fn is_placeholder(d: NaiveDate) -> bool {
    matches!((d.day(), d.month()), (1, 7) | (31, 12) | (1, 1))
}

/// The earliest and latest years accepted as a birth year.
const MIN_YEAR: i32 = 1880;

/// The current year, read once per process.
fn current_year() -> i32 {
    static YEAR: std::sync::OnceLock<i32> = std::sync::OnceLock::new();
    *YEAR.get_or_init(|| chrono::Utc::now().year())
}

/// Expand a two-digit year: the latest century that does not put the date in the future.
fn expand_yy(yy: i32) -> i32 {
    let now = current_year();
    let y = 2000 + yy;
    if y > now {
        1900 + yy
    } else {
        y
    }
}

fn month_from_name(s: &str) -> Option<u32> {
    let s = s.to_ascii_uppercase();
    let months: [&[&str]; 12] = [
        &["JAN", "JANUARI", "JANUARY"],
        &["FEB", "FEBRUARI", "FEBRUARY", "PEB", "PEBRUARI"],
        &["MAR", "MARET", "MARCH"],
        &["APR", "APRIL"],
        &["MEI", "MAY"],
        &["JUN", "JUNI", "JUNE"],
        &["JUL", "JULI", "JULY"],
        &["AGU", "AGS", "AGT", "AGUSTUS", "AUG", "AUGUST"],
        &["SEP", "SEPT", "SEPTEMBER"],
        &["OKT", "OKTOBER", "OCT", "OCTOBER"],
        &["NOV", "NOPEMBER", "NOVEMBER", "NOP"],
        &["DES", "DESEMBER", "DEC", "DECEMBER"],
    ];
    months
        .iter()
        .position(|names| names.contains(&s.as_str()))
        .map(|i| i as u32 + 1)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(MIN_YEAR..=current_year()).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Excel's serial day numbers (1900 date system; serial 60 is Excel's fictitious 29 Feb 1900).
fn from_excel_serial(n: i64) -> Option<NaiveDate> {
    if !(61..=80_000).contains(&n) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let d = base.checked_add_days(chrono::Days::new(n as u64))?;
    ymd(d.year(), d.month(), d.day())
}

/// The place and the date of a combined birth cell (a `TTL` column: *tempat, tanggal
/// lahir*), as forms write it: `BALIKPAPAN, 12-05-1980`, `Samarinda 12 Mei 1980`,
/// `SURABAYA/1980-05-12`. The date starts at the first digit; the place is what comes
/// before it, without the separator. A cell without digits is a place alone.
pub(crate) fn split_place_and_date(cell: &str) -> (&str, &str) {
    let seps: &[char] = &[',', '/', ';', '-', '.', ':', '|'];
    let place = |s: &str| -> usize { s.trim_end().trim_end_matches(seps).trim_end().len() };
    match cell.find(|c: char| c.is_ascii_digit()) {
        None => (cell[..place(cell)].trim_start(), ""),
        Some(i) => (cell[..place(&cell[..i])].trim_start(), cell[i..].trim()),
    }
}

/// Parse a birth date; `None` when the cell is empty or not a real date.
pub fn parse_date(raw: &str) -> Option<BirthDate> {
    parse_naive(&super::visible(raw)).map(BirthDate::new)
}

fn parse_naive(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim().trim_start_matches('\'');
    if s.is_empty() {
        return None;
    }
    // Drop a time part: `1990-01-31 00:00:00`, `1990-01-31T00:00:00.000`.
    let s = s
        .split(['T', ' '])
        .next()
        .filter(|p| {
            p.len() >= 6
                && p.contains(['-', '/', '.'])
                && p.bytes().all(|b| b.is_ascii_digit() || b"-/.".contains(&b))
        })
        .unwrap_or(s);
    let digits_only = s.bytes().all(|b| b.is_ascii_digit());
    if digits_only {
        return match s.len() {
            8 => {
                let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
                // YYYYMMDD, else DDMMYYYY.
                ymd(n(0..4)? as i32, n(4..6)?, n(6..8)?)
                    .or_else(|| ymd(n(4..8)? as i32, n(2..4)?, n(0..2)?))
            }
            1..=5 => from_excel_serial(s.parse().ok()?),
            _ => None,
        };
    }
    // An Excel serial written as a float: `32874.0`.
    if let Some(head) = s.strip_suffix(".0") {
        if !head.is_empty() && head.len() <= 5 && head.bytes().all(|b| b.is_ascii_digit()) {
            return from_excel_serial(head.parse().ok()?);
        }
    }
    let parts: Vec<&str> = s
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return None;
    }
    let num = |p: &str| -> Option<i32> {
        (p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 4)
            .then(|| p.parse().ok())
            .flatten()
    };
    // YYYY-MM-DD
    if parts[0].len() == 4 {
        let y = num(parts[0])?;
        let m = num(parts[1])
            .map(|m| m as u32)
            .or_else(|| month_from_name(parts[1]))?;
        return ymd(y, m, num(parts[2])? as u32);
    }
    // DD-MM-YYYY, DD-MM-YY, DD Month YYYY
    let d = num(parts[0])?;
    let m = num(parts[1])
        .map(|m| m as u32)
        .or_else(|| month_from_name(parts[1]))?;
    let y = match parts[2].len() {
        4 => num(parts[2])?,
        2 => expand_yy(num(parts[2])?),
        _ => return None,
    };
    ymd(y, m, d as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn combined_birth_cells_split_into_place_and_date() {
        let cases = [
            (
                "BALIKPAPAN, 12-05-1980",
                "BALIKPAPAN",
                "12-05-1980",
                Some("1980-05-12"),
            ),
            (
                "Samarinda 12 Mei 1980",
                "Samarinda",
                "12 Mei 1980",
                Some("1980-05-12"),
            ),
            (
                "SURABAYA/1980-05-12",
                "SURABAYA",
                "1980-05-12",
                Some("1980-05-12"),
            ),
            (
                "TANJUNG REDEB , 01/07/1975",
                "TANJUNG REDEB",
                "01/07/1975",
                Some("1975-07-01"),
            ),
            (
                " BALIKPAPAN,12-05-80 ",
                "BALIKPAPAN",
                "12-05-80",
                Some("1980-05-12"),
            ),
            ("12-05-1980", "", "12-05-1980", Some("1980-05-12")),
            ("BALIKPAPAN", "BALIKPAPAN", "", None),
            ("BALIKPAPAN,", "BALIKPAPAN", "", None),
            ("", "", "", None),
            ("-", "", "", None),
        ];
        for (cell, place, date, iso) in cases {
            assert_eq!(super::split_place_and_date(cell), (place, date), "{cell:?}");
            assert_eq!(
                super::parse_date(date).map(|d| d.iso()).as_deref(),
                iso,
                "{cell:?}"
            );
        }
    }

    use super::*;

    fn iso(raw: &str) -> Option<String> {
        parse_date(raw).map(|d| d.iso())
    }

    #[test]
    fn formats() {
        let cases: &[(&str, Option<&str>)] = &[
            ("31-01-1990", Some("1990-01-31")),
            ("31/01/1990", Some("1990-01-31")),
            ("31.01.1990", Some("1990-01-31")),
            ("1/2/1990", Some("1990-02-01")),
            ("1990-01-31", Some("1990-01-31")),
            ("1990/01/31", Some("1990-01-31")),
            ("1990-01-31 00:00:00", Some("1990-01-31")),
            ("1990-01-31T00:00:00.000", Some("1990-01-31")),
            ("19900131", Some("1990-01-31")),
            ("31011990", Some("1990-01-31")),
            ("32874", Some("1990-01-01")),
            ("32874.0", Some("1990-01-01")),
            ("'31-01-1990", Some("1990-01-31")),
            ("17 Agustus 1945", Some("1945-08-17")),
            ("17-AGU-1945", Some("1945-08-17")),
            ("17-AGUSTUS-1945", Some("1945-08-17")),
            ("17 Okt 1988", Some("1988-10-17")),
            ("5 Mei 2001", Some("2001-05-05")),
            ("31-01-90", Some("1990-01-31")),
            ("31-01-05", Some("2005-01-31")),
            ("", None),
            ("-", None),
            ("00-00-0000", None),
            ("31-02-1990", None),
            ("29-02-2001", None),
            ("29-02-2000", Some("2000-02-29")),
            ("1990-13-01", None),
            ("31-01-2990", None),
            ("31-01-1700", None),
            ("tidak tahu", None),
            ("123456", None),
        ];
        for (raw, want) in cases {
            assert_eq!(iso(raw).as_deref(), *want, "input {raw:?}");
        }
    }

    #[test]
    fn placeholder_dates_are_weak() {
        for (raw, weak) in [
            ("01-07-1970", true),
            ("31-12-1960", true),
            ("01-01-1955", true),
            ("02-07-1970", false),
            ("17-08-1945", false),
        ] {
            assert_eq!(parse_date(raw).map(|d| d.weak), Some(weak), "input {raw:?}");
        }
    }
}
