//! The decision of one aid row against a small register, as a table: each case names the
//! aid row, the status, the reason and the register person it must be linked to (or none).
//!
//! The register holds three households and two people alone: a head, his wife, a son, a
//! daughter and a younger son named after his father (household A); a couple, twins of
//! one birth date and a deceased grandfather (B); a woman whose whole name and birth date
//! an outsider from another province shares (C); a man who moved out (D).

use dedupe::commands::run::match_tables_with_model;
use dedupe::core::config::FileConfig;
use dedupe::core::progress::Progress;
use dedupe::io::load::Table;
use dedupe::matching::score::Model;

const REGISTER_HEADER: [&str; 10] = [
    "NIK",
    "NO_KK",
    "NAMA_LGKP",
    "TGL_LHR",
    "JENIS_KLMIN",
    "ALAMAT",
    "NO_RT",
    "KELURAHAN",
    "TMPT_LHR",
    "STATUS",
];
const AID_HEADER: [&str; 9] = [
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "RT",
    "KELURAHAN",
    "TMP_LAHIR",
];

const KK_A: &str = "6471051203100005";
const KK_B: &str = "6471052002150007";
const KK_C: &str = "6471041111120001";
const KK_D: &str = "6471030303030003";
const HOME_A: [&str; 3] = ["JL. MAWAR NO. 5", "003", "GUNUNG SARI ILIR"];
const HOME_B: [&str; 3] = ["JL. MELATI NO. 12", "010", "KLANDASAN ILIR"];
const HOME_C: [&str; 3] = ["JL. KENANGA NO. 3", "007", "SEPINGGAN"];

const HEAD: &str = "6471050503700001";
const WIFE: &str = "6471056001750002";
const SON: &str = "6471051407010003";
const DAUGHTER: &str = "6471054808050004";
const JUNIOR: &str = "6471051203030005";
const BUDI: &str = "6471021506800001";
const ENDANG: &str = "6471025209820002";
const TWIN_M: &str = "6471020304100003";
const TWIN_F: &str = "6471024304100004";
const GRANDFATHER: &str = "6471020808500005";
const NUR: &str = "6471044404880001";
const MOVED: &str = "6471031010600001";

/// (NIK, KK, name, birth date, sex, home, birth place, status)
type Person = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 3],
    &'static str,
    &'static str,
);

const REGISTER: [Person; 12] = [
    (
        HEAD,
        KK_A,
        "AHMAD FAUZI",
        "05-03-1970",
        "L",
        HOME_A,
        "BALIKPAPAN",
        "HIDUP",
    ),
    (
        WIFE,
        KK_A,
        "SITI AMINAH",
        "20-01-1975",
        "P",
        HOME_A,
        "SURABAYA",
        "HIDUP",
    ),
    (
        SON,
        KK_A,
        "RUDI HARTONO",
        "14-07-2001",
        "L",
        HOME_A,
        "BALIKPAPAN",
        "HIDUP",
    ),
    (
        DAUGHTER,
        KK_A,
        "DEWI LESTARI",
        "08-08-2005",
        "P",
        HOME_A,
        "BALIKPAPAN",
        "HIDUP",
    ),
    (
        JUNIOR,
        KK_A,
        "AHMAD FAUZAN",
        "12-03-2003",
        "L",
        HOME_A,
        "BALIKPAPAN",
        "HIDUP",
    ),
    (
        BUDI,
        KK_B,
        "BUDI SANTOSO",
        "15-06-1980",
        "L",
        HOME_B,
        "MAKASSAR",
        "HIDUP",
    ),
    (
        ENDANG,
        KK_B,
        "ENDANG SUGIATUN",
        "12-09-1982",
        "P",
        HOME_B,
        "JAKARTA",
        "HIDUP",
    ),
    (
        TWIN_M,
        KK_B,
        "ANDI PRATAMA",
        "03-04-2010",
        "L",
        HOME_B,
        "BALIKPAPAN",
        "HIDUP",
    ),
    (
        TWIN_F,
        KK_B,
        "ANDINI PRATIWI",
        "03-04-2010",
        "P",
        HOME_B,
        "BALIKPAPAN",
        "HIDUP",
    ),
    (
        GRANDFATHER,
        KK_B,
        "KARTO SUWIRYO",
        "08-08-1950",
        "L",
        HOME_B,
        "SOLO",
        "MATI",
    ),
    (
        NUR,
        KK_C,
        "NUR HAYATI",
        "04-04-1988",
        "P",
        HOME_C,
        "SAMARINDA",
        "HIDUP",
    ),
    (
        MOVED,
        KK_D,
        "SLAMET RIYADI",
        "10-10-1960",
        "L",
        HOME_C,
        "BLITAR",
        "PINDAH",
    ),
];

/// One aid row: (NIK, KK, name, birth date, sex, home, birth place).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 3],
    &'static str,
);

/// What the row must come to: status, reason, and the NIK of the register person it is
/// linked to (None: nobody).
type Want = (&'static str, &'static str, Option<&'static str>);

const NO_HOME: [&str; 3] = ["", "", ""];
const ELSEWHERE: [&str; 3] = ["JL. ANGGREK NO. 40", "021", "DAMAI"];

fn cases() -> Vec<(&'static str, Row, Want)> {
    let verified = |nik| ("VERIFIED", "NIK_AND_NAME_MATCH", Some(nik));
    let household = |nik| ("VERIFIED", "HOUSEHOLD_NIK", Some(nik));
    let corrected = |nik| ("VERIFIED", "NIK_CORRECTED", Some(nik));
    let name_differs = ("NAME_MISMATCH", "NAME_DIFFERS", None);
    let person_differs = ("NAME_MISMATCH", "PERSON_DIFFERS", None);
    let nobody = ("NOT_IN_REGISTER", "NIK_NOT_FOUND", None);
    vec![
        // The holder, written as clerks write.
        (
            "the holder as registered",
            (
                HEAD,
                KK_A,
                "AHMAD FAUZI",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            verified(HEAD),
        ),
        (
            "title and degree",
            (
                HEAD,
                KK_A,
                "H. Ahmad Fauzi, S.Pd",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            verified(HEAD),
        ),
        (
            "old spelling",
            (
                HEAD,
                KK_A,
                "ACHMAD FAUZI",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            verified(HEAD),
        ),
        (
            "a typo in the name",
            (
                HEAD,
                KK_A,
                "AHMAD FAUZY",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            verified(HEAD),
        ),
        (
            "Muhammad added as M.",
            (
                SON,
                KK_A,
                "M. RUDI HARTONO",
                "14-07-2001",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            verified(SON),
        ),
        (
            "no KK and no address",
            (SON, "", "RUDI HARTONO", "14-07-2001", "L", NO_HOME, ""),
            verified(SON),
        ),
        (
            "day and month swapped",
            (
                SON,
                KK_A,
                "RUDI HARTONO",
                "07-14-2001",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            verified(SON),
        ),
        (
            "no birth date",
            (SON, KK_A, "RUDI HARTONO", "", "L", HOME_A, "BALIKPAPAN"),
            verified(SON),
        ),
        (
            "moved to another address",
            (
                BUDI,
                "",
                "BUDI SANTOSO",
                "15-06-1980",
                "L",
                ELSEWHERE,
                "MAKASSAR",
            ),
            verified(BUDI),
        ),
        // Weak evidence alone withholds no holder whose name agrees.
        (
            "a wrong sex code",
            (
                WIFE,
                KK_A,
                "SITI AMINAH",
                "20-01-1975",
                "L",
                HOME_A,
                "SURABAYA",
            ),
            verified(WIFE),
        ),
        (
            "a wrong sex code and a title that says woman",
            (
                WIFE,
                KK_A,
                "HJ. SITI AMINAH",
                "20-01-1975",
                "L",
                HOME_A,
                "SURABAYA",
            ),
            verified(WIFE),
        ),
        (
            "a wrong sex code and a name typo",
            (
                ENDANG,
                KK_B,
                "ENDANG SUGIATIN",
                "12-09-1982",
                "L",
                HOME_B,
                "JAKARTA",
            ),
            verified(ENDANG),
        ),
        (
            "a placeholder date (1 July)",
            (
                BUDI,
                KK_B,
                "BUDI SANTOSO",
                "01-07-1980",
                "L",
                HOME_B,
                "MAKASSAR",
            ),
            verified(BUDI),
        ),
        (
            "a placeholder date (31 December) and a name typo",
            (
                ENDANG,
                KK_B,
                "ENDANG SUGIATIN",
                "31-12-1982",
                "P",
                HOME_B,
                "JAKARTA",
            ),
            verified(ENDANG),
        ),
        (
            "a placeholder date (1 January) and a wrong sex code",
            (
                BUDI,
                KK_B,
                "BUDI SANTOSO",
                "01-01-1980",
                "P",
                HOME_B,
                "MAKASSAR",
            ),
            verified(BUDI),
        ),
        // Another person's name over the holder's copied household fields.
        (
            "another name on a copied card",
            (
                HEAD,
                KK_A,
                "YOSEF SIMON",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            name_differs,
        ),
        (
            "another name on a copied card, a woman's",
            (
                ENDANG,
                KK_B,
                "HANI SALMAH",
                "12-09-1982",
                "P",
                HOME_B,
                "JAKARTA",
            ),
            name_differs,
        ),
        (
            "another name on a child's copied card",
            (
                DAUGHTER,
                KK_A,
                "YOSEF SIMON",
                "08-08-2005",
                "P",
                HOME_A,
                "BALIKPAPAN",
            ),
            name_differs,
        ),
        (
            "a borrowed NIK, the borrower's own home",
            (
                BUDI,
                KK_A,
                "SITI AMINAH",
                "20-01-1975",
                "P",
                HOME_A,
                "SURABAYA",
            ),
            name_differs,
        ),
        (
            "a borrowed NIK, nothing in common",
            (
                NUR,
                "",
                "BAMBANG SUSILO",
                "17-08-1965",
                "L",
                ELSEWHERE,
                "MEDAN",
            ),
            name_differs,
        ),
        // Someone of the holder's household on the holder's NIK.
        (
            "the wife on the head's NIK",
            (
                HEAD,
                KK_A,
                "SITI AMINAH",
                "20-01-1975",
                "P",
                HOME_A,
                "SURABAYA",
            ),
            household(WIFE),
        ),
        (
            "a daughter on the head's NIK",
            (
                HEAD,
                KK_A,
                "DEWI LESTARI",
                "08-08-2005",
                "P",
                HOME_A,
                "BALIKPAPAN",
            ),
            household(DAUGHTER),
        ),
        (
            "the wife on the head's NIK, her day unknown (1 July) and her name misspelt",
            (
                HEAD,
                KK_A,
                "SITI AMINA",
                "01-07-1975",
                "P",
                HOME_A,
                "SURABAYA",
            ),
            household(WIFE),
        ),
        (
            "a daughter on the head's NIK, her day unknown (1 January), no KK given",
            (
                HEAD,
                "",
                "DEWI LESTARI",
                "01-01-2005",
                "P",
                HOME_A,
                "BALIKPAPAN",
            ),
            household(DAUGHTER),
        ),
        (
            "the wife's name on the head's NIK with a placeholder date of another year",
            (
                HEAD,
                KK_A,
                "SITI AMINA",
                "01-07-1990",
                "P",
                HOME_A,
                "SURABAYA",
            ),
            ("NAME_MISMATCH", "NAME_DIFFERS", None),
        ),
        (
            "a son named after his father on the father's NIK",
            (
                HEAD,
                KK_A,
                "AHMAD FAUZAN",
                "12-03-2003",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            household(JUNIOR),
        ),
        (
            "a twin on the other twin's NIK",
            (
                TWIN_M,
                KK_B,
                "ANDINI PRATIWI",
                "03-04-2010",
                "P",
                HOME_B,
                "BALIKPAPAN",
            ),
            household(TWIN_F),
        ),
        (
            "the twin on her own NIK",
            (
                TWIN_F,
                KK_B,
                "ANDINI PRATIWI",
                "03-04-2010",
                "P",
                HOME_B,
                "BALIKPAPAN",
            ),
            verified(TWIN_F),
        ),
        (
            "the spouse on her own NIK",
            (
                ENDANG,
                KK_B,
                "ENDANG SUGIATUN",
                "12-09-1982",
                "P",
                HOME_B,
                "JAKARTA",
            ),
            verified(ENDANG),
        ),
        (
            "a parent's first name and another birth date on the parent's NIK",
            (HEAD, "", "AHMAD", "12-03-1995", "L", NO_HOME, ""),
            person_differs,
        ),
        (
            "the holder's name with another birth date and sex",
            (HEAD, "", "AHMAD FAUZI", "17-11-1996", "P", NO_HOME, ""),
            person_differs,
        ),
        // The register's life status.
        (
            "deceased",
            (
                GRANDFATHER,
                KK_B,
                "KARTO SUWIRYO",
                "08-08-1950",
                "L",
                HOME_B,
                "SOLO",
            ),
            ("DECEASED", "REGISTER_DECEASED", Some(GRANDFATHER)),
        ),
        (
            "moved out",
            (
                MOVED,
                KK_D,
                "SLAMET RIYADI",
                "10-10-1960",
                "L",
                HOME_C,
                "BLITAR",
            ),
            ("MOVED_OUT", "REGISTER_MOVED_OUT", Some(MOVED)),
        ),
        // Mistyped NIKs.
        (
            "one digit mistyped",
            (
                "6471050503700007",
                KK_A,
                "AHMAD FAUZI",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            corrected(HEAD),
        ),
        (
            "two adjacent digits swapped",
            (
                "6471050503701000",
                KK_A,
                "AHMAD FAUZI",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            corrected(HEAD),
        ),
        (
            "two digits mistyped, the household behind them",
            (
                "6471051407010098",
                KK_A,
                "RUDI HARTONO",
                "14-07-2001",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            corrected(SON),
        ),
        (
            "two digits mistyped, nothing else behind them",
            (
                "6471051407010098",
                "",
                "RUDI HARTONO",
                "14-07-2001",
                "L",
                ELSEWHERE,
                "BALIKPAPAN",
            ),
            nobody,
        ),
        // Strangers and namesakes.
        (
            "an outsider",
            (
                "3578011203850001",
                "",
                "YOHANES KRISTIAN",
                "12-03-1985",
                "L",
                ELSEWHERE,
                "SURABAYA",
            ),
            nobody,
        ),
        (
            "an outsider sharing a resident's name and birth date",
            (
                "7371014404880002",
                "",
                "NUR HAYATI",
                "04-04-1988",
                "P",
                ELSEWHERE,
                "MAKASSAR",
            ),
            nobody,
        ),
        (
            "a namesake born the same day, serial one apart, born elsewhere",
            (
                "6471044404880002",
                "",
                "NUR HAYATI",
                "04-04-1988",
                "P",
                ELSEWHERE,
                "MAKASSAR",
            ),
            nobody,
        ),
        // Damaged and missing NIKs.
        (
            "scientific notation, the person's fields behind it",
            (
                "6.47105E+15",
                KK_A,
                "AHMAD FAUZI",
                "05-03-1970",
                "L",
                HOME_A,
                "BALIKPAPAN",
            ),
            corrected(HEAD),
        ),
        (
            "scientific notation of someone the register does not hold",
            (
                "6.47105E+15",
                "",
                "YOHANES KRISTIAN",
                "12-03-1985",
                "L",
                ELSEWHERE,
                "SURABAYA",
            ),
            ("NIK_DAMAGED", "NIK_SCIENTIFIC", None),
        ),
        (
            "an empty NIK and nobody's fields",
            (
                "",
                "",
                "YOHANES KRISTIAN",
                "12-03-1985",
                "L",
                ELSEWHERE,
                "SURABAYA",
            ),
            ("INVALID_NIK", "NIK_EMPTY", None),
        ),
        (
            "a NIK of 15 digits, nobody's fields",
            (
                "647105050370001",
                "",
                "YOHANES KRISTIAN",
                "12-03-1985",
                "L",
                ELSEWHERE,
                "SURABAYA",
            ),
            ("INVALID_NIK", "NIK_LENGTH", None),
        ),
    ]
}

fn table(path: &str, header: &[&str], rows: &[Vec<&str>]) -> Table {
    Table::from_rows(path, header, rows)
}

#[test]
fn each_aid_row_is_decided_as_the_table_says() {
    let register_rows: Vec<Vec<&str>> = REGISTER
        .iter()
        .map(|(nik, kk, name, date, sex, home, place, status)| {
            vec![
                *nik, *kk, *name, *date, *sex, home[0], home[1], home[2], *place, *status,
            ]
        })
        .collect();
    let register = table("register.csv", &REGISTER_HEADER, &register_rows);
    let cases = cases();
    assert!(cases.len() >= 40, "at least 40 cases: {}", cases.len());
    let mut wrong = Vec::new();
    for (what, (nik, kk, name, date, sex, home, place), want) in cases {
        let row = vec![nik, kk, name, date, sex, home[0], home[1], home[2], place];
        let aid = table("aid.csv", &AID_HEADER, &[row]);
        // The model's declared priors: a model estimated from one row and twelve people
        // would say little.
        let model = Some(Model::default());
        let out = match_tables_with_model(
            &aid,
            &register,
            &FileConfig::default(),
            model,
            &Progress::hidden(),
        )
        .expect("columns found");
        let d = &out.decisions[0];
        let linked = d.register.map(|r| REGISTER[r].0);
        let got = (d.status.code(), d.reason, linked);
        if got != want {
            wrong.push(format!(
                "{what}: got {got:?}, want {want:?} ({})",
                d.evidence
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
