//! The defects real aid lists carry: NIKs damaged by spreadsheets, name and date
//! variants, kelurahan as heard, other addresses.
//!
//! In: a register person and an RNG. Out: damaged cells, with the defects named.

use crate::core::rng::Rng;

use super::*;

/// Defect rates for one row; extra records of a person carry more NIK damage.
pub(super) struct Rates {
    pub(super) sci: f64,
    pub(super) rounded: f64,
    pub(super) typo: f64,
    pub(super) two_digits: f64,
    pub(super) swap: f64,
    pub(super) truncated: f64,
}

pub(super) const FIRST_ROW: Rates = Rates {
    sci: 0.015,
    rounded: 0.005,
    typo: 0.008,
    two_digits: 0.004,
    swap: 0.004,
    truncated: 0.003,
};
pub(super) const EXTRA_ROW: Rates = Rates {
    sci: 0.08,
    rounded: 0.03,
    typo: 0.10,
    two_digits: 0.02,
    swap: 0.05,
    truncated: 0.01,
};

pub(super) fn cosmetic_nik(rng: &mut Rng, nik: &str, defects: &mut Vec<&'static str>) -> String {
    if !rng.chance(0.4) || nik.len() != 16 {
        return nik.to_string();
    }
    defects.push("nik_format");
    format_nik(nik, rng.below(6))
}

/// A 16-digit NIK as spreadsheets and typists write it: `k` = 0 leading apostrophe,
/// 1 spaces, 2 dots, 3 dashes, 4 trailing `.0`, 5 surrounding spaces; otherwise as is.
pub fn format_nik(nik: &str, k: usize) -> String {
    if nik.len() != 16 {
        return nik.to_string();
    }
    let (a, b, c, d) = (&nik[0..4], &nik[4..8], &nik[8..12], &nik[12..]);
    match k {
        0 => format!("'{nik}"),
        1 => format!("{a} {b} {c} {d}"),
        2 => format!("{a}.{b}.{c}.{d}"),
        3 => format!("{}-{}-{}", &nik[0..6], &nik[6..12], &nik[12..]),
        4 => format!("{nik}.0"),
        5 => format!(" {nik} "),
        _ => nik.to_string(),
    }
}

pub(super) fn damaged_nik(
    rng: &mut Rng,
    nik: &str,
    rates: &Rates,
    defects: &mut Vec<&'static str>,
) -> String {
    let r = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let mut edge = rates.sci;
    if r < edge {
        defects.push("nik_scientific");
        let digits = 5 + rng.below(3);
        let mantissa = format!("{}.{}", &nik[..1], &nik[1..=digits]);
        return if rng.chance(0.5) {
            format!("{mantissa}E+15")
        } else {
            format!("{}E+15", mantissa.replace('.', ","))
        };
    }
    edge += rates.rounded;
    if r < edge && !nik.ends_with('0') {
        defects.push("nik_rounded");
        let v: u64 = nik.parse().unwrap_or(0);
        return ((v + 5) / 10 * 10).to_string();
    }
    edge += rates.typo;
    let mut bytes = nik.as_bytes().to_vec();
    if r < edge {
        defects.push("nik_typo");
        let i = rng.below(16);
        let d = (bytes[i] - b'0' + 1 + rng.below(9) as u8) % 10;
        bytes[i] = b'0' + d;
        return String::from_utf8(bytes).unwrap_or_default();
    }
    edge += rates.two_digits;
    if r < edge {
        // Two digits mistyped (in the date or the serial).
        defects.push("nik_two_digits");
        let i = 6 + rng.below(10);
        let j = loop {
            let j = 6 + rng.below(10);
            if j != i {
                break j;
            }
        };
        for k in [i, j] {
            bytes[k] = b'0' + (bytes[k] - b'0' + 1 + rng.below(9) as u8) % 10;
        }
        return String::from_utf8(bytes).unwrap_or_default();
    }
    edge += rates.swap;
    if r < edge {
        let i = rng.below(15);
        if bytes[i] != bytes[i + 1] {
            defects.push("nik_swap");
            bytes.swap(i, i + 1);
            return String::from_utf8(bytes).unwrap_or_default();
        }
    }
    edge += rates.truncated;
    if r < edge {
        defects.push("nik_truncated");
        return nik[..15].to_string();
    }
    cosmetic_nik(rng, nik, defects)
}

pub(super) fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One spelling variant of a name, from general habits rather than a list of names:
/// CH/KH written H (ACHMAD, KHOIRUL), a doubled consonant written single or a single one
/// doubled (SITTI, SEPINGAN), P and F exchanged at a word's start or end (PATIMAH, YUSUP),
/// a short first part joined to the next (NUR HAYATI). None when no habit applies.
pub(super) fn spelling_variant(rng: &mut Rng, tokens: &[String]) -> Option<Vec<String>> {
    let vowel = |c: u8| b"AIUEO".contains(&c);
    let mut options: Vec<Vec<String>> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let b = t.as_bytes();
        let mut with = |w: String| {
            let mut v = tokens.to_vec();
            v[i] = w;
            options.push(v);
        };
        if let Some(k) = t.find("CH").or_else(|| t.find("KH")) {
            with(format!("{}{}", &t[..k], &t[k + 1..]));
        }
        if let Some(k) = (1..b.len()).find(|&k| b[k] == b[k - 1] && !vowel(b[k])) {
            with(format!("{}{}", &t[..k], &t[k + 1..]));
        } else if let Some(k) = (1..b.len().saturating_sub(1))
            .find(|&k| b"TNLMS".contains(&b[k]) && vowel(b[k - 1]) && vowel(b[k + 1]))
        {
            with(format!("{}{}", &t[..=k], &t[k..]));
        }
        match (b.first(), b.last()) {
            (Some(b'F'), _) => with(format!("P{}", &t[1..])),
            (Some(b'P'), _) if b.len() > 3 => with(format!("F{}", &t[1..])),
            _ => {}
        }
        match b.last() {
            Some(b'F') => with(format!("{}P", &t[..t.len() - 1])),
            Some(b'P') if b.len() > 3 => with(format!("{}F", &t[..t.len() - 1])),
            _ => {}
        }
    }
    if tokens.len() >= 3 && matches!(tokens[0].as_str(), "NUR" | "SITI" | "ABDUL" | "SRI") {
        let mut v = vec![format!("{}{}", tokens[0], tokens[1])];
        v.extend_from_slice(&tokens[2..]);
        options.push(v);
    }
    if options.is_empty() {
        None
    } else {
        let k = rng.below(options.len());
        Some(options.swap_remove(k))
    }
}

/// A kelurahan as a clerk hears it: a doubled letter written once, `GUNUNG` as `GN.`, a
/// vowel added after a first consonant pair (`KLANDASAN` as `KELANDASAN`).
pub(super) fn kelurahan_as_heard(kel: &str) -> Option<String> {
    if let Some(rest) = kel.strip_prefix("GUNUNG ") {
        return Some(format!("GN. {rest}"));
    }
    let b = kel.as_bytes();
    if let Some(k) = (1..b.len()).find(|&k| b[k] == b[k - 1] && b[k].is_ascii_alphabetic()) {
        return Some(format!("{}{}", &kel[..k], &kel[k + 1..]));
    }
    if b.len() > 2 && !b"AIUEO".contains(&b[0]) && !b"AIUEO".contains(&b[1]) {
        return Some(format!("{}E{}", &kel[..1], &kel[1..]));
    }
    None
}

pub(super) fn messy_name(rng: &mut Rng, p: &Person, defects: &mut Vec<&'static str>) -> String {
    let mut tokens: Vec<String> = p.name.split(' ').map(String::from).collect();
    for t in tokens.iter_mut() {
        if let Some((_, old)) = OLD_SPELLING.iter().find(|(m, _)| *m == t.as_str()) {
            if rng.chance(0.5) {
                *t = old.to_string();
                defects.push("name_old_spelling");
            }
        }
        if t == "MUHAMMAD" && rng.chance(0.6) {
            *t = rng
                .pick(&[
                    "M.", "MUH.", "MOH.", "MHD.", "MUHAMAD", "MOHAMMAD", "MOCHAMAD",
                ])
                .to_string();
            defects.push("name_muhammad");
        }
    }
    if rng.chance(0.03) {
        // A spelling no short rule covers, as people really write names.
        if let Some(v) = spelling_variant(rng, &tokens) {
            tokens = v;
            defects.push("name_variant");
        }
    }
    if rng.chance(0.03) {
        // One typing error in a long token, never the first letter.
        if let Some(t) = tokens.iter_mut().filter(|t| t.len() >= 5).last() {
            let mut chars: Vec<char> = t.chars().collect();
            let i = 1 + rng.below(chars.len() - 1);
            if rng.chance(0.5) {
                chars.remove(i);
            } else {
                chars[i] = *rng.pick(&['A', 'I', 'U', 'E', 'O', 'N', 'R']);
            }
            *t = chars.into_iter().collect();
            defects.push("name_typo");
        }
    }
    let mut name = tokens.join(" ");
    if rng.chance(0.08) && !name.starts_with('H') {
        let title = if p.female {
            rng.pick(&["HJ.", "Hj.", "DRA."])
        } else {
            rng.pick(&["H.", "Drs.", "Ir.", "H"])
        };
        name = format!("{title} {name}");
        defects.push("name_title");
    }
    if rng.chance(0.04) {
        const DEGREE_SUFFIXES: [&str; 5] = [", S.Pd", " S.E.", ", A.Md", ", S.H., M.M.", ", S.Sos"];
        name.push_str(DEGREE_SUFFIXES[rng.below(DEGREE_SUFFIXES.len())]);
        defects.push("name_degree");
    }
    match rng.below(4) {
        0 => name.to_lowercase(),
        1 => title_case(&name),
        _ => name,
    }
}

pub(super) fn messy_date(
    rng: &mut Rng,
    (d, m, y): (u32, u32, i32),
    defects: &mut Vec<&'static str>,
) -> String {
    if rng.chance(0.04) {
        defects.push("date_missing");
        return String::new();
    }
    // The birth date unknown to the clerk, written as the placeholder the office uses
    // (1 July, 31 December, 1 January) while the register holds the real one.
    let real_placeholder = matches!((d, m), (1, 7) | (31, 12) | (1, 1));
    if !real_placeholder && rng.chance(0.01) {
        defects.push("date_placeholder");
        let (d, m) = *rng.pick(&[(1, 7), (31, 12), (1, 1)]);
        return format!("{d:02}-{m:02}-{y}");
    }
    let (d, m) = if d <= 12 && d != m && rng.chance(0.02) {
        defects.push("date_swap");
        (m, d)
    } else {
        (d, m)
    };
    match rng.below(10) {
        0 | 1 => format!("{d:02}/{m:02}/{y}"),
        2 => format!("{y}-{m:02}-{d:02}"),
        3 => format!("{y}{m:02}{d:02}"),
        4 => {
            defects.push("date_excel_serial");
            (days_from_civil(y, m, d) + 25_569).to_string()
        }
        _ => format!("{d:02}-{m:02}-{y}"),
    }
}

/// Where a row says the person lives.
pub(super) struct Place {
    pub(super) kec: usize,
    pub(super) kel: &'static str,
    pub(super) street: String,
    pub(super) rt: u32,
    pub(super) rw: u32,
}

pub(super) fn home(p: &Person) -> Place {
    Place {
        kec: p.kec,
        kel: p.kel,
        street: p.street.clone(),
        rt: p.rt,
        rw: p.rw,
    }
}

pub(super) fn elsewhere(rng: &mut Rng, p: &Person) -> Place {
    loop {
        let kec = rng.below(KECAMATAN.len());
        let kel = *rng.pick(KECAMATAN[kec].1);
        if kel != p.kel || rng.chance(0.2) {
            return Place {
                kec,
                kel,
                street: format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150)),
                rt: 1 + rng.below(40) as u32,
                rw: 1 + rng.below(12) as u32,
            };
        }
    }
}
