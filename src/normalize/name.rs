//! Person-name normalization and comparison.
//!
//! In: a raw name cell (`HJ. SITI AMINAH, S.PD`, `M. Ridwan bin Soeparno`).
//! Out: upper-case tokens without titles, degrees, bin/binti and punctuation, with Muhammad
//! variants unified and old (pre-1972 EYD) spellings mapped to modern ones
//! (`SITI AMINAH`, `MUHAMMAD RIDWAN SUPARNO`); and a similarity in 0..=1 between two
//! normalized names that tolerates typos, dropped or reordered tokens and split words.

/// Honorifics and religious/noble titles written before a name.
const TITLES: &[&str] = &[
    "H",
    "HJ",
    "HAJI",
    "HAJJAH",
    "DRS",
    "DRA",
    "IR",
    "DR",
    "KH",
    "UST",
    "USTAD",
    "USTADZ",
    "USTADZAH",
    "R",
    "RA",
    "RADEN",
    "TGK",
    "TEUNGKU",
    "CUT",
    "PROF",
    "ALM",
    "ALMH",
    "ALMARHUM",
    "ALMARHUMAH",
    "NY",
    "NYONYA",
    "TN",
    "TUAN",
    "SDR",
    "SDRI",
    "BPK",
    "BAPAK",
    "IBU",
    "HABIB",
    "SYEKH",
];

/// Academic degrees written after a name (compared without dots and spaces).
const DEGREES: &[&str] = &[
    "SPD", "SPDI", "SE", "SH", "SHI", "AMD", "AMDKEP", "AMDKEB", "AMK", "AMKEB", "MM", "SKOM",
    "SSOS", "SIP", "SAG", "SKM", "SKEP", "SST", "ST", "SSI", "SS", "SP", "SPT", "SKED", "SFARM",
    "SIKOM", "SAP", "STP", "SHUT", "SPSI", "SGZ", "MPD", "MSI", "MAG", "MH", "MT", "MKES", "MKOM",
    "MAP", "MSC", "MA", "PHD", "BSC", "BA", "SPOG", "SPA", "SPB", "SPPD", "MBA", "MPH", "APT",
    "NERS", "AK", "CPA",
];

/// Spellings of Muhammad, written out or abbreviated.
const MUHAMMAD: &[&str] = &[
    "MUHAMMAD",
    "MUHAMAD",
    "MUHAMMED",
    "MUHAMED",
    "MOHAMMAD",
    "MOHAMAD",
    "MOHAMMED",
    "MOHAMED",
    "MOCHAMMAD",
    "MOCHAMAD",
    "MOCH",
    "MOH",
    "MUH",
    "MHD",
    "MUHD",
    "MOHD",
    "MUHAMMAT",
    "MUHAMAT",
    "MUCHAMMAD",
    "MUCHAMAD",
    "MUCH",
];

fn is_title(t: &str) -> bool {
    TITLES.contains(&t)
}

/// Map old Indonesian spellings to modern ones in one token. `J` becomes `Y` only in a token
/// that carries another old marker (`DJOJO` -> `JOYO`, `SOEJONO` -> `SUYONO`), never alone
/// (`JOKO` stays).
pub(crate) fn modern_spelling(token: &str) -> String {
    // One pass can leave a marker behind (`DDJJ` -> `DJY`): repeat until nothing changes.
    fixpoint(token, modern_spelling_once)
}

/// `pass` applied until nothing changes (at most 8 times).
fn fixpoint(token: &str, pass: fn(&str) -> String) -> String {
    let mut current = token.to_string();
    for _ in 0..8 {
        let next = pass(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn modern_spelling_once(token: &str) -> String {
    // `NJ` is also modern spelling inside words (`TANJUNG`, `BANJAR`): it marks old spelling
    // only at the start of a token (`NJOMAN`) or beside another marker.
    const MARKERS: &[&str] = &["OE", "DJ", "TJ", "SJ", "CH"];
    if !MARKERS.iter().any(|m| token.contains(m)) && !token.starts_with("NJ") {
        return token.to_string();
    }
    // First turn the lone J (not the second letter of DJ/TJ/NJ/SJ) into Y.
    let chars: Vec<char> = token.chars().collect();
    let mut s = String::with_capacity(token.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        if c == 'J' && !matches!(prev, 'D' | 'T' | 'N' | 'S') {
            s.push('Y');
        } else {
            s.push(c);
        }
    }
    s.replace("OE", "U")
        .replace("DJ", "J")
        .replace("TJ", "C")
        .replace("NJ", "NY")
        .replace("SJ", "SY")
        .replace("CH", "KH")
}

/// A sound key for one normalized name token, for spellings of one name that no short rule
/// lists: `ACHMAD`/`AHMAD`, `SITTI`/`SITI`, `YUSUP`/`YUSUF`, `PATIMAH`/`FATIMAH`,
/// `KHOIRUL`/`HOIRUL`, `ZAENAL`/`ZAINAL`, `ABDULLAH`/`ABDULAH`, `RIZKY`/`RIZKI`/`RISKIE`.
///
/// Rules, in order: `KH`, `CH` -> `H`; `DZ`, `TS`, `SY`, `SH` -> `S`, `Z` -> `S`;
/// `TH`, `DH`, `PH` -> `T`, `D`, `F`; `Q` -> `K`, `X` -> `KS`, `V`, `F` -> `P`;
/// `AE` -> `AI`; a final `IE`, `Y`, `EY` -> `I`; a final `H` after a vowel is dropped;
/// doubled letters are written once. Applied until nothing changes (one pass can make a new
/// pair: `QH` -> `KH`), so the key is its own key.
pub fn phonetic(token: &str) -> String {
    fixpoint(token, phonetic_once)
}

fn phonetic_once(token: &str) -> String {
    let mut s = token
        .replace("KH", "H")
        .replace("CH", "H")
        .replace("DZ", "S")
        .replace("TS", "S")
        .replace("SY", "S")
        .replace("SH", "S")
        .replace("TH", "T")
        .replace("DH", "D")
        .replace("PH", "F")
        .replace('Z', "S")
        .replace('Q', "K")
        .replace('X', "KS")
        .replace(['V', 'F'], "P")
        .replace("AE", "AI");
    for (end, to) in [("EY", "I"), ("IE", "I"), ("Y", "I")] {
        if s.len() > end.len() + 1 && s.ends_with(end) {
            s.truncate(s.len() - end.len());
            s.push_str(to);
            break;
        }
    }
    if s.len() > 2 && s.ends_with('H') && s[..s.len() - 1].ends_with(['A', 'I', 'U', 'E', 'O']) {
        s.pop();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The sound key of a whole normalized name: each token's [`phonetic`] key, joined without
/// spaces (so `NUR HAYATI` and `NURHAYATI` share it).
pub(crate) fn phonetic_key(tokens: &[String]) -> String {
    tokens.iter().map(|t| phonetic(t)).collect()
}

/// Split a raw name into cleaned upper-case tokens (dots split tokens, other punctuation
/// is dropped, apostrophes join: `MA'RUF` -> `MARUF`).
fn raw_tokens(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in raw.chars() {
        match c {
            '\'' | '`' | '\u{2019}' | '\u{2018}' => {}
            c if super::is_invisible(c) => {}
            '.' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c if c.is_alphanumeric() => cur.extend(c.to_uppercase()),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn squash_upper(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Remove degrees from the end of a name part: `SITI AMINAH S.PD`, `BUDI S. PD`,
/// `SITI S.E. M.M.`. Only dotted degrees are stripped (`SE` alone could be part of a name),
/// so a normalized name, which has no dots, is never changed again.
fn strip_degrees(part: &str) -> &str {
    let mut end = part.trim_end();
    loop {
        let words: Vec<(usize, &str)> = end
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - end.as_ptr() as usize, w))
            .collect();
        let n = words.len();
        let is_degree =
            |text: &str| text.contains('.') && DEGREES.contains(&squash_upper(text).as_str());
        if n >= 2 && is_degree(words[n - 1].1) {
            end = end[..words[n - 1].0].trim_end();
        } else if n >= 3 && is_degree(&format!("{}{}", words[n - 2].1, words[n - 1].1)) {
            end = end[..words[n - 2].0].trim_end();
        } else {
            return end;
        }
    }
}

/// Normalize a name to upper-case tokens; see the module documentation.
pub fn normalize_name(raw: &str) -> Vec<String> {
    // Degrees follow the first comma: `SITI AMINAH, S.PD`.
    let main = raw.split(',').next().unwrap_or("");
    let main = strip_degrees(main);
    let mut tokens = raw_tokens(main);
    // Leading titles, as long as a name remains; in old spelling too (`NJ.` is `NY.`).
    while tokens.len() > 1 && (is_title(&tokens[0]) || is_title(&modern_spelling(&tokens[0]))) {
        tokens.remove(0);
    }
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.into_iter().enumerate() {
        if i > 0 && (t == "BIN" || t == "BINTI") {
            continue;
        }
        if MUHAMMAD.contains(&t.as_str()) || (i == 0 && t == "M") {
            out.push("MUHAMMAD".to_string());
            continue;
        }
        out.push(modern_spelling(&t));
    }
    out
}

/// Whether a name cell marks its holder as deceased: `ALM.` / `ALMH.` (*almarhum*,
/// *almarhumah*) before or after the name, or in brackets (`SITI AMINAH (ALMH)`), as
/// clerks annotate a list rather than strike the row.
pub(crate) fn marks_deceased(raw: &str) -> bool {
    raw.split(|c: char| !c.is_alphanumeric()).any(|t| {
        ["ALM", "ALMH", "ALMARHUM", "ALMARHUMAH"]
            .iter()
            .any(|m| t.eq_ignore_ascii_case(m))
    })
}

/// The normalized name as one string.
#[cfg(test)]
pub(crate) fn normalize_name_string(raw: &str) -> String {
    normalize_name(raw).join(" ")
}

fn token_matches(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    // An initial matches a token with that first letter.
    if (a.len() == 1 && b.starts_with(a)) || (b.len() == 1 && a.starts_with(b)) {
        return 0.9;
    }
    strsim::jaro_winkler(a, b)
}

/// Whether two normalized names have a part in common: a token that is the same, the
/// same sound ([`phonetic`]), or typing slips apart in tokens long enough to tell
/// ([`same_part`]); initials where every token of the shorter name is matched by one of
/// the longer (`B. SANTOSO` / `BUDI SANTOSO`; a lone letter is no part: Balinese `I` is
/// no initial of `IMAM`); or the whole names the same letters split otherwise
/// (`NUR HAYATI` / `NURHAYATI`). Two names without any are two people's, whatever else
/// the rows share: behind a NIK, the name tells who the row is.
pub(crate) fn share_a_part(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    // Each token's sound key once, not once a pair.
    let sound = |t: &[String]| -> Vec<String> { t.iter().map(|x| phonetic(x)).collect() };
    let (sa, sb) = (sound(a), sound(b));
    let part = |i: usize, j: usize| same_part((&a[i], &sa[i]), (&b[j], &sb[j]));
    let tokens = (0..a.len()).any(|i| (0..b.len()).any(|j| part(i, j)));
    let initials = || {
        let fits = |i: usize, j: usize| part(i, j) || initial_of(&a[i], &b[j]);
        if a.len() <= b.len() {
            (0..a.len()).all(|i| (0..b.len()).any(|j| fits(i, j)))
        } else {
            (0..b.len()).all(|j| (0..a.len()).any(|i| fits(i, j)))
        }
    };
    tokens || initials() || strsim::normalized_levenshtein(&a.concat(), &b.concat()) >= 0.8
}

/// Two tokens, each with its sound key, that are one part: the same, the same sound, or
/// typing slips apart when both are long enough for a slip to tell ([`share_a_part`]):
/// one edit (a letter replaced, added, dropped, or two swapped) from five letters, two
/// from eight. Shorter tokens a letter apart are other names (`ADI` / `ARDI`), as are
/// longer ones further apart (`RAHMAN` / `RAMADHAN`).
fn same_part((x, kx): (&str, &str), (y, ky): (&str, &str)) -> bool {
    let shorter = x.len().min(y.len());
    let slips = match shorter {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    };
    x == y
        || (x.len() > 2 && kx == ky)
        || (slips > 0 && x.len().abs_diff(y.len()) <= slips && strsim::osa_distance(x, y) <= slips)
}

/// One token is a single letter and the other starts with it.
fn initial_of(x: &str, y: &str) -> bool {
    (x.len() == 1 && y.starts_with(x)) || (y.len() == 1 && x.starts_with(y))
}

/// Mean, over the tokens of `a`, of the best match among the tokens of `b`.
fn monge_elkan(a: &[String], b: &[String]) -> f64 {
    let sum: f64 = a
        .iter()
        .map(|x| b.iter().map(|y| token_matches(x, y)).fold(0.0, f64::max))
        .sum();
    sum / a.len() as f64
}

/// Similarity of two normalized names in 0..=1 (symmetric).
///
/// * 1.0 for equal names;
/// * 0.95 when every token of the shorter name is in the longer (a dropped middle name or
///   patronymic: `SITI` / `SITI AMINAH`);
/// * otherwise the best of: token-wise Jaro-Winkler taken in both directions (typos, reordered
///   tokens) and the normalized Levenshtein similarity of the names without spaces
///   (`NUR HAYATI` / `NURHAYATI`).
pub fn name_similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    // Every token pair compared once (token similarity is symmetric); the rules below read
    // the matrix in both directions.
    const MAX: usize = 8;
    let tokenwise = if a.len() <= MAX && b.len() <= MAX {
        let mut sim = [[0.0f64; MAX]; MAX];
        for (i, x) in a.iter().enumerate() {
            for (j, y) in b.iter().enumerate() {
                sim[i][j] = token_matches(x, y);
            }
        }
        let a_in_b = || (0..a.len()).all(|i| (0..b.len()).any(|j| sim[i][j] >= 0.9));
        let b_in_a = || (0..b.len()).all(|j| (0..a.len()).any(|i| sim[i][j] >= 0.9));
        let contained = match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Less => a_in_b(),
            std::cmp::Ordering::Greater => b_in_a(),
            std::cmp::Ordering::Equal => a_in_b() && b_in_a(),
        };
        if contained {
            return 0.95;
        }
        let ab: f64 = (0..a.len())
            .map(|i| (0..b.len()).map(|j| sim[i][j]).fold(0.0, f64::max))
            .sum::<f64>()
            / a.len() as f64;
        let ba: f64 = (0..b.len())
            .map(|j| (0..a.len()).map(|i| sim[i][j]).fold(0.0, f64::max))
            .sum::<f64>()
            / b.len() as f64;
        ab.min(ba)
    } else {
        let within = |x: &[String], y: &[String]| {
            x.iter()
                .all(|t| y.iter().any(|u| token_matches(t, u) >= 0.9))
        };
        let contained = match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Less => within(a, b),
            std::cmp::Ordering::Greater => within(b, a),
            std::cmp::Ordering::Equal => within(a, b) && within(b, a),
        };
        if contained {
            return 0.95;
        }
        monge_elkan(a, b).min(monge_elkan(b, a))
    };
    if tokenwise >= 0.94 {
        // The result is capped at 0.94 below: the squashed comparison cannot change it.
        return 0.94;
    }
    let squash_a: String = a.concat();
    let squash_b: String = b.concat();
    let squashed = strsim::normalized_levenshtein(&squash_a, &squash_b);
    tokenwise.max(squashed).min(0.94)
}

#[cfg(test)]
mod tests {
    /// A part in common behind a NIK: the same token, a slip in a long one, a sound-alike,
    /// initials that fit the whole shorter name, the same letters split otherwise; not a
    /// lone letter, nor a short token one letter off.
    #[test]
    fn names_sharing_a_part() {
        let cases = [
            ("SITI AMINAH", "SITI RAHAYU", true),
            ("SUGIYONO", "SUGIYONI", true),
            ("ACHMAD YANI", "AHMAD", true),
            ("B. SANTOSO", "BUDI SANTOSO", true),
            ("B. S.", "BUDI SANTOSO", true),
            ("NUR HAYATI", "NURHAYATI", true),
            ("RIZKY", "RISKIE", true),
            ("I GEDE ARDANA", "IMAM SUPRIYADI", false),
            ("DJUMADI INDRA PRASETYO", "I MADE SRIASIH", false),
            (
                "H. FRANSISKUS ADI SUMAMPOW",
                "MUHAMMAD ARSYAD ARDI BUDI MAPPANYUKKI",
                false,
            ),
            ("B. HARTONO", "BUDI SANTOSO", false),
            (
                "SYAMSUDIN CANDRA HARDI RAHMAN",
                "JUMADI RAMADHAN PUTRA",
                false,
            ),
            ("SUPARMAN", "SUPRAMNA", true),
            ("HASNAH WATI FAWELLOI", "HASNAH PAWELLOI", true),
            ("YOSEF SIMON", "DEWI LESTARI", false),
            ("", "BUDI", false),
        ];
        for (a, b, want) in cases {
            let (x, y) = (super::normalize_name(a), super::normalize_name(b));
            assert_eq!(super::share_a_part(&x, &y), want, "{a} / {b}");
            assert_eq!(super::share_a_part(&y, &x), want, "{b} / {a}");
        }
    }

    #[test]
    fn names_marked_deceased() {
        let cases = [
            ("ALM. BUDI SANTOSO", true),
            ("Almh. Siti Aminah", true),
            ("SITI AMINAH (ALMH)", true),
            ("BUDI SANTOSO, ALM", true),
            ("ALMARHUM H. AHMAD", true),
            ("almarhumah siti", true),
            ("ALMUNAWAR", false),
            ("SALMAH", false),
            ("H. ALMAS BUDI", false),
            ("", false),
        ];
        for (raw, want) in cases {
            assert_eq!(super::marks_deceased(raw), want, "{raw:?}");
        }
    }

    use super::*;

    fn n(raw: &str) -> String {
        normalize_name_string(raw)
    }

    #[test]
    fn titles_degrees_and_punctuation() {
        let cases = [
            ("Siti Aminah", "SITI AMINAH"),
            ("  siti   aminah ", "SITI AMINAH"),
            ("H. Abdul Rahman", "ABDUL RAHMAN"),
            ("H.ABDUL RAHMAN", "ABDUL RAHMAN"),
            ("Hj. Siti Aminah", "SITI AMINAH"),
            ("HJ.SITI AMINAH", "SITI AMINAH"),
            ("Drs. Bambang Sutrisno", "BAMBANG SUTRISNO"),
            ("Dra. Sri Wahyuni", "SRI WAHYUNI"),
            ("Ir. Joko Widodo", "JOKO WIDODO"),
            ("Dr. Ir. H. Joko Widodo", "JOKO WIDODO"),
            ("KH. Ahmad Dahlan", "AHMAD DAHLAN"),
            ("Ust. Abdul Somad", "ABDUL SOMAD"),
            ("R. Ajeng Kartini", "AJENG KARTINI"),
            ("Tgk. Daud Beureueh", "DAUD BEUREUEH"),
            ("Cut Nyak Dien", "NYAK DIEN"),
            ("Siti Aminah, S.Pd", "SITI AMINAH"),
            ("SITI AMINAH, S.Pd., M.M.", "SITI AMINAH"),
            ("Budi Santoso S.E.", "BUDI SANTOSO"),
            ("Budi Santoso, S.H", "BUDI SANTOSO"),
            ("Rina Marlina A.Md", "RINA MARLINA"),
            ("Rina Marlina, A.Md.Kep", "RINA MARLINA"),
            ("Agus Salim M.M.", "AGUS SALIM"),
            ("Siti Aminah S. Pd", "SITI AMINAH"),
            ("Siti Aminah S.E. M.M.", "SITI AMINAH"),
            ("Budi SE", "BUDI SE"),
            ("M. M. bin M.", "MUHAMMAD M M"),
            ("Ma'ruf Amin", "MARUF AMIN"),
            ("Sri-Wahyuni", "SRI WAHYUNI"),
            ("ANDI", "ANDI"),
            ("H.", "H"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(n(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn bin_binti_and_muhammad() {
        let cases = [
            ("Ahmad bin Sulaiman", "AHMAD SULAIMAN"),
            ("Aisyah binti Abdullah", "AISYAH ABDULLAH"),
            ("M. Ridwan", "MUHAMMAD RIDWAN"),
            ("M Ridwan", "MUHAMMAD RIDWAN"),
            ("Muh. Ridwan", "MUHAMMAD RIDWAN"),
            ("Moh Ridwan", "MUHAMMAD RIDWAN"),
            ("Mhd. Ridwan", "MUHAMMAD RIDWAN"),
            ("Muhamad Ridwan", "MUHAMMAD RIDWAN"),
            ("Mohammad Ridwan", "MUHAMMAD RIDWAN"),
            ("Mochamad Ridwan", "MUHAMMAD RIDWAN"),
            ("Muhammad Ridwan", "MUHAMMAD RIDWAN"),
            ("Ridwan M", "RIDWAN M"),
            ("BIN", "BIN"),
        ];
        for (raw, want) in cases {
            assert_eq!(n(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn old_spellings() {
        let cases = [
            ("Soeharto", "SUHARTO"),
            ("Djoko Soesilo", "JOKO SUSILO"),
            ("Tjahjo Koemolo", "CAHYO KUMOLO"),
            ("Soejono", "SUYONO"),
            ("Djojo", "JOYO"),
            ("Njoman", "NYOMAN"),
            ("Sjamsudin", "SYAMSUDIN"),
            ("Chairul Tanjung", "KHAIRUL TANJUNG"),
            ("Joko Widodo", "JOKO WIDODO"),
            ("Jajang", "JAJANG"),
            ("Banjar", "BANJAR"),
            ("Soenjoto", "SUNYOTO"),
        ];
        for (raw, want) in cases {
            assert_eq!(n(raw), want, "input {raw:?}");
        }
    }

    #[test]
    fn normalization_is_idempotent_on_examples() {
        for raw in ["Hj. Siti, S.Pd", "Soejono bin Djojo", "M. Ridwan", "Tjahjo"] {
            let once = n(raw);
            assert_eq!(n(&once), once, "input {raw:?}");
        }
    }

    fn sim(a: &str, b: &str) -> f64 {
        name_similarity(&normalize_name(a), &normalize_name(b))
    }

    #[test]
    fn phonetic_keys_join_spellings_of_one_name() {
        let same = [
            ("ACHMAD", "AHMAD"),
            ("SITTI", "SITI"),
            ("YUSUP", "YUSUF"),
            ("PATIMAH", "FATIMAH"),
            ("KHOIRUL", "HOIRUL"),
            ("ZAENAL", "ZAINAL"),
            ("ABDULLAH", "ABDULAH"),
            ("RIZKY", "RIZKI"),
            ("RISKIE", "RIZKI"),
            ("FATIMAH", "FATIMA"),
            ("SYAMSUDIN", "SAMSUDDIN"),
        ];
        for (a, b) in same {
            let (na, nb) = (normalize_name(a), normalize_name(b));
            assert_eq!(phonetic_key(&na), phonetic_key(&nb), "{a} / {b}");
        }
        let apart = [
            ("AHMAD", "AHMADI"),
            ("SITI", "SINTA"),
            ("BUDI", "BADU"),
            ("RINA", "RANI"),
        ];
        for (a, b) in apart {
            assert_ne!(phonetic(a), phonetic(b), "{a} / {b}");
        }
        let joined = |x: &str| phonetic_key(&normalize_name(x));
        assert_eq!(joined("NUR HAYATI"), joined("NURHAYATI"));
        for t in ["ACHMAD", "SITTI", "RIZKY", "FATIMAH", "H", "Y", "IE"] {
            assert_eq!(phonetic(&phonetic(t)), phonetic(t), "idempotent on {t}");
        }
    }

    #[test]
    fn similarity_levels() {
        assert_eq!(sim("Siti Aminah", "SITI AMINAH"), 1.0);
        assert_eq!(sim("Siti", "Siti Aminah"), 0.95);
        assert_eq!(sim("Aminah Siti", "Siti Aminah"), 0.95);
        assert_eq!(sim("A. Rahman", "Abdul Rahman"), 0.95);
        assert!(sim("Siti Aminah", "Siti Amina") > 0.9);
        assert!(sim("Nur Hayati", "Nurhayati") > 0.85);
        assert!(sim("Soeharto", "Suharto") == 1.0);
        // Members of one household: different people.
        assert!(sim("Ahmad Fauzi", "Ahmad Subagio") < 0.85);
        assert!(sim("Siti Aminah", "Budi Santoso") < 0.6);
        assert_eq!(sim("", "Budi"), 0.0);
    }

    #[test]
    fn similarity_is_symmetric() {
        let names = [
            "Siti Aminah",
            "Siti",
            "Nurhayati",
            "Nur Hayati",
            "Ahmad Fauzi",
            "A Fauzi",
        ];
        for a in names {
            for b in names {
                assert_eq!(sim(a, b), sim(b, a), "{a:?} / {b:?}");
            }
        }
    }
}
