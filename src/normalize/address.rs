//! Address normalization: street text, RT/RW, kelurahan and kecamatan.
//!
//! In: raw `ALAMAT`, `RT`, `RW`, `KELURAHAN`/`DESA`, `KECAMATAN` cells.
//! Out: street tokens with unified abbreviations (`JALAN`/`JLN.` -> `JL`, `GANG` -> `GG`,
//! `NOMOR` -> `NO`, `KOMPLEK` -> `KOMP`, `PERUMAHAN` -> `PERUM`, `BLK` -> `BLOK`), RT and RW as
//! numbers (`RT 001 RW 002`, `RT.01/RW.02`, `001/002`, a bare number, or found inside the
//! street text), and area names compared without spaces or prefixes
//! (`KEL. SUNGAI NANGKA` = `SUNGAINANGKA`).

/// RT and RW numbers; either may be unknown.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct RtRw {
    pub rt: Option<u16>,
    pub rw: Option<u16>,
}

fn abbreviation(token: &str) -> &str {
    match token {
        "JALAN" | "JLN" | "JL" | "JLAN" => "JL",
        "GANG" | "GG" | "GNG" => "GG",
        "NOMOR" | "NO" | "NMR" | "NOMER" => "NO",
        "KOMPLEK" | "KOMPLEKS" | "KOMP" | "KOMPL" | "KOMPLK" => "KOMP",
        "PERUMAHAN" | "PERUM" | "PRM" => "PERUM",
        "BLOK" | "BLK" => "BLOK",
        "KELURAHAN" | "KEL" => "KEL",
        "KECAMATAN" | "KEC" => "KEC",
        "DESA" | "DS" => "DESA",
        other => other,
    }
}

/// Split an address into upper-case alphanumeric tokens with unified abbreviations.
/// RT/RW mentions are removed (they are parsed by [`parse_rt_rw`]).
pub fn normalize_street(raw: &str) -> Vec<String> {
    let upper = raw.to_uppercase();
    let mut tokens: Vec<String> = upper
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| abbreviation(t).to_string())
        .collect();
    // Drop "RT 001", "RW 02" and the bare "001/002" left after RT/RW words.
    let mut out = Vec::with_capacity(tokens.len());
    let mut skip_number = false;
    for t in tokens.drain(..) {
        if t == "RT" || t == "RW" {
            skip_number = true;
            continue;
        }
        if skip_number && t.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        skip_number = false;
        out.push(t);
    }
    out
}

fn first_number(s: &str) -> Option<u16> {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|n| *n > 0)
}

/// Position of `word` in `s` where it stands alone (not inside `PERTAMINA` or `RWANDA`).
fn find_word(s: &str, word: &str) -> Option<usize> {
    s.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = s[..i].chars().next_back();
        let after = s[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic)
    })
}

/// Parse RT/RW from one cell: `RT 001 RW 002`, `RT.01/RW.02`, `001/002`, `RT 3`, `003`.
/// A bare number is the RT.
pub(crate) fn parse_rt_rw(raw: &str) -> RtRw {
    let upper = raw.to_uppercase();
    let rt_at = find_word(&upper, "RT");
    let rw_at = find_word(&upper, "RW");
    match (rt_at, rw_at) {
        (Some(a), Some(b)) => {
            let (rt, rw) = if a < b {
                (&upper[a + 2..b], &upper[b + 2..])
            } else {
                (&upper[a + 2..], &upper[b + 2..a])
            };
            RtRw {
                rt: first_number(rt),
                rw: first_number(rw),
            }
        }
        (Some(a), None) => {
            let rest = &upper[a + 2..];
            let mut nums = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|t| !t.is_empty());
            let rt = nums.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0);
            let rw = nums.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0);
            RtRw { rt, rw }
        }
        (None, Some(b)) => RtRw {
            rt: None,
            rw: first_number(&upper[b + 2..]),
        },
        (None, None) => {
            let nums: Vec<&str> = upper
                .split(|c: char| !c.is_ascii_digit())
                .filter(|t| !t.is_empty())
                .collect();
            match nums.as_slice() {
                [rt] => RtRw {
                    rt: rt.parse().ok().filter(|n| *n > 0),
                    rw: None,
                },
                [rt, rw] => RtRw {
                    rt: rt.parse().ok().filter(|n| *n > 0),
                    rw: rw.parse().ok().filter(|n| *n > 0),
                },
                _ => RtRw::default(),
            }
        }
    }
}

/// Combine the RT and RW columns, and what the street text says when the columns are empty.
pub fn combine_rt_rw(rt_cell: &str, rw_cell: &str, street: &str) -> RtRw {
    merge_rt_rw(
        parse_rt_rw(rt_cell),
        parse_rt_rw(rw_cell),
        rt_rw_in_street(street),
    )
}

/// The RT and RW written in a street cell (`JL. MELATI RT 05 RW 02`), if it names them.
pub(crate) fn rt_rw_in_street(street: &str) -> RtRw {
    let upper = street.to_uppercase();
    if find_word(&upper, "RT").is_some() || find_word(&upper, "RW").is_some() {
        parse_rt_rw(street)
    } else {
        RtRw::default()
    }
}

/// [`combine_rt_rw`] on cells already parsed: the RT column, the RW column, the street.
pub(crate) fn merge_rt_rw(from_rt: RtRw, from_rw: RtRw, from_street: RtRw) -> RtRw {
    RtRw {
        rt: from_rt.rt.or(from_street.rt),
        // The RW column holds a bare number; "001/002" in the RT column carries the RW.
        rw: from_rw.rt.or(from_rw.rw).or(from_rt.rw).or(from_street.rw),
    }
}

/// Place-name words as clerks abbreviate them, written out (`GN.` and `GUNUNG` compare
/// equal). Only abbreviations that mean one word in Indonesian place names.
fn place_word(token: &str) -> &str {
    match token {
        "GN" | "GNG" => "GUNUNG",
        "SEI" | "SG" | "SGI" => "SUNGAI",
        "TJ" | "TJG" | "TG" => "TANJUNG",
        "KP" | "KAMP" => "KAMPUNG",
        "KRG" => "KARANG",
        "PSR" => "PASAR",
        "PDK" => "PONDOK",
        "BKT" => "BUKIT",
        other => other,
    }
}

/// An area (kelurahan/desa/kecamatan) name as a comparison key: upper case, prefixes
/// (`KEL.`, `KELURAHAN`, `DESA`, `KEC.`, `KECAMATAN`) dropped, no spaces or punctuation.
/// Numeric codes stay as they are.
///
/// Abbreviated place words are written out ([`place_word`]: `GN. SARI` is `GUNUNGSARI`).
/// The key is built from the cell's own words, not from the street rules: an area name holds
/// no RT or street abbreviations, and a key must be its own key (`R T` gives `RT`, and `RT`
/// must give `RT` again, not the empty key the street rules would make of it).
pub fn area_key(raw: &str) -> String {
    let upper = raw.to_uppercase();
    let mut tokens: Vec<&str> = upper
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    // Abbreviations only beside other words: a lone `TJ` may be what is left of `T.J.`, and
    // the key `TJ` must stay its own key.
    if tokens.len() > 1 {
        for t in &mut tokens {
            *t = place_word(t);
        }
    }
    let mut start = 0;
    while start + 1 < tokens.len()
        && matches!(
            tokens[start],
            "KEL" | "KELURAHAN" | "KEC" | "KECAMATAN" | "DESA" | "DS"
        )
    {
        start += 1;
    }
    tokens[start..].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn street(raw: &str) -> String {
        normalize_street(raw).join(" ")
    }

    #[test]
    fn street_abbreviations() {
        let cases = [
            ("Jl. Mulawarman No. 12", "JL MULAWARMAN NO 12"),
            ("Jln Mulawarman Nomor 12", "JL MULAWARMAN NO 12"),
            ("JALAN MULAWARMAN NO.12", "JL MULAWARMAN NO 12"),
            ("Gg. Mawar", "GG MAWAR"),
            ("Gang Mawar", "GG MAWAR"),
            (
                "Komp. Perum. Griya Indah Blok C",
                "KOMP PERUM GRIYA INDAH BLOK C",
            ),
            (
                "Kompleks Perumahan Griya Indah Blk C",
                "KOMP PERUM GRIYA INDAH BLOK C",
            ),
            ("Jl. Mawar RT 003 RW 002", "JL MAWAR"),
            ("Jl. Mawar RT.03/RW.02", "JL MAWAR"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(street(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn rt_rw_forms() {
        let rr = |rt, rw| RtRw { rt, rw };
        let cases = [
            ("RT 001 RW 002", rr(Some(1), Some(2))),
            ("RT.01/RW.02", rr(Some(1), Some(2))),
            ("rt 1 rw 2", rr(Some(1), Some(2))),
            ("RW 02 RT 05", rr(Some(5), Some(2))),
            ("001/002", rr(Some(1), Some(2))),
            ("RT 005/002", rr(Some(5), Some(2))),
            ("RT 3", rr(Some(3), None)),
            ("003", rr(Some(3), None)),
            ("7", rr(Some(7), None)),
            ("000", rr(None, None)),
            ("", rr(None, None)),
            ("-", rr(None, None)),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_rt_rw(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn rt_rw_from_columns_and_street() {
        assert_eq!(
            combine_rt_rw("003", "002", "Jl. Mawar"),
            RtRw {
                rt: Some(3),
                rw: Some(2)
            }
        );
        assert_eq!(
            combine_rt_rw("003/002", "", ""),
            RtRw {
                rt: Some(3),
                rw: Some(2)
            }
        );
        assert_eq!(
            combine_rt_rw("", "", "Jl. Pertamina No. 5"),
            RtRw { rt: None, rw: None }
        );
        assert_eq!(
            combine_rt_rw("", "", "Jl. Mawar RT.03/RW.02"),
            RtRw {
                rt: Some(3),
                rw: Some(2)
            }
        );
    }

    #[test]
    fn area_keys() {
        let cases = [
            ("SUNGAI NANGKA", "SUNGAINANGKA"),
            ("SUNGAINANGKA", "SUNGAINANGKA"),
            ("Kel. Sungai Nangka", "SUNGAINANGKA"),
            ("KELURAHAN SUNGAI NANGKA", "SUNGAINANGKA"),
            ("Desa Sepinggan", "SEPINGGAN"),
            ("Kec. Balikpapan Selatan", "BALIKPAPANSELATAN"),
            ("6471011001", "6471011001"),
            ("DESA", "DESA"),
            ("Kel. Desa", "DESA"),
            // Found by the idempotence property: the street rules dropped a lone `RT`.
            ("r t", "RT"),
            ("RT", "RT"),
            ("Rt. 5", "RT5"),
            ("j alan", "JALAN"),
            ("GN. SAMARINDA", "GUNUNGSAMARINDA"),
            ("Gunung Samarinda", "GUNUNGSAMARINDA"),
            ("Sei Kapih", "SUNGAIKAPIH"),
            ("TJ. PRIOK", "TANJUNGPRIOK"),
            ("GN", "GN"),
            ("T,j", "TJ"),
            ("TJ", "TJ"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(area_key(raw), want, "input {raw:?}");
        }
    }
}
