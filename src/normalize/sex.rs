//! Sex normalization.
//!
//! In: `L`/`P`, `1`/`2` (SIAK's JENIS_KLMIN), `LAKI-LAKI`/`PEREMPUAN`, `PRIA`/`WANITA`, `M`/`F`,
//! `MALE`/`FEMALE`, any case. Out: [`Sex`] or `None` when empty or unknown.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "L",
            Sex::Female => "P",
        }
    }
}

pub(crate) fn parse_sex(raw: &str) -> Option<Sex> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    match s.as_str() {
        "L" | "LK" | "1" | "LAKILAKI" | "LAKI" | "PRIA" | "M" | "MALE" | "COWOK" => Some(Sex::Male),
        "P" | "PR" | "2" | "PEREMPUAN" | "WANITA" | "F" | "FEMALE" | "W" => Some(Sex::Female),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let cases: &[(&str, Option<Sex>)] = &[
            ("L", Some(Sex::Male)),
            ("l", Some(Sex::Male)),
            ("1", Some(Sex::Male)),
            ("LAKI-LAKI", Some(Sex::Male)),
            ("Laki - laki", Some(Sex::Male)),
            ("PRIA", Some(Sex::Male)),
            ("M", Some(Sex::Male)),
            ("male", Some(Sex::Male)),
            ("P", Some(Sex::Female)),
            ("2", Some(Sex::Female)),
            ("PEREMPUAN", Some(Sex::Female)),
            ("Wanita", Some(Sex::Female)),
            ("F", Some(Sex::Female)),
            (" female ", Some(Sex::Female)),
            ("", None),
            ("3", None),
            ("X", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_sex(raw), *want, "input {raw:?}");
        }
    }
}
