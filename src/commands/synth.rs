//! `dedupe synth`: realistic synthetic register and aid list with known answers.
//!
//! In: [`SynthConfig`] (persons, aid recipients, seed). Out: `population.parquet` (SIAK-style
//! register: households with KK structure, NIKs with the real layout, names of several
//! naming traditions, placeholder birth dates, deaths and moves), `aid.csv` (DTKS-style,
//! `;`-delimited, with the defects real lists carry) and `truth.csv` (for every aid row the
//! true person, the ideal status and the defects applied). The same seed gives the same
//! bytes. Nobody in it is real.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;

use crate::core::error::WriteError;
use crate::core::fsio::write_atomic;
pub use crate::core::rng::Rng;

/// Balikpapan's kecamatan (code 6471.01-06) and kelurahan.
pub const KECAMATAN: &[(&str, &[&str])] = &[
    (
        "BALIKPAPAN SELATAN",
        &[
            "SEPINGGAN",
            "SEPINGGAN RAYA",
            "SEPINGGAN BARU",
            "DAMAI BARU",
            "DAMAI BAHAGIA",
            "GUNUNG BAHAGIA",
            "SUNGAI NANGKA",
        ],
    ),
    (
        "BALIKPAPAN TIMUR",
        &["MANGGAR", "MANGGAR BARU", "LAMARU", "TERITIP"],
    ),
    (
        "BALIKPAPAN UTARA",
        &[
            "BATU AMPAR",
            "GRAHA INDAH",
            "GUNUNG SAMARINDA",
            "GUNUNG SAMARINDA BARU",
            "KARANG JOANG",
            "MUARA RAPAK",
        ],
    ),
    (
        "BALIKPAPAN TENGAH",
        &[
            "GUNUNG SARI ILIR",
            "GUNUNG SARI ULU",
            "KARANG JATI",
            "KARANG REJO",
            "MEKAR SARI",
            "SUMBER REJO",
        ],
    ),
    (
        "BALIKPAPAN BARAT",
        &[
            "BARU ILIR",
            "BARU TENGAH",
            "BARU ULU",
            "KARIANGAU",
            "MARGO MULYO",
            "MARGA SARI",
        ],
    ),
    (
        "BALIKPAPAN KOTA",
        &[
            "DAMAI",
            "KLANDASAN ILIR",
            "KLANDASAN ULU",
            "PRAPATAN",
            "TELAGA SARI",
        ],
    ),
];

pub const STREETS: &[&str] = &[
    "JL. MULAWARMAN",
    "JL. JENDERAL SUDIRMAN",
    "GG. MAWAR",
    "JL. PATTIMURA",
    "GG. MELATI",
    "JL. MT HARYONO",
    "KOMP. PERUM. GRIYA INDAH BLOK C",
    "JL. SYARIFUDDIN YOES",
    "JL. PERTAMINA",
    "GG. SEPAKAT",
    "JL. SOEKARNO HATTA",
    "JL. AHMAD YANI",
    "GG. KELUARGA",
    "JL. PRONA",
    "PERUM. BATAKAN INDAH BLOK A",
    "JL. RUHUI RAHAYU",
    "GG. SWADAYA",
    "JL. INPRES",
];

pub const BIRTHPLACES: &[&str] = &[
    "BALIKPAPAN",
    "SAMARINDA",
    "MAKASSAR",
    "SURABAYA",
    "BANJARMASIN",
    "PAREPARE",
    "MEDAN",
    "DENPASAR",
    "BONE",
    "MALANG",
    "KEDIRI",
    "TARAKAN",
    "PALU",
    "MANADO",
];

/// Given names and family names per naming tradition: (male, female, family; empty family
/// means single names are usual).
struct Tradition {
    male: &'static [&'static str],
    female: &'static [&'static str],
    family: &'static [&'static str],
    single: f64,
}

const TRADITIONS: &[Tradition] = &[
    // Javanese: single names common.
    Tradition {
        male: &[
            "SUPARMAN", "SUGIYONO", "SLAMET", "BAMBANG", "JOKO", "SUKARNO", "WAHYU", "SUYONO",
            "CAHYONO", "SUTRISNO", "PRIYO", "HARYANTO", "JUMADI", "SUHARTO", "TEGUH",
        ],
        female: &[
            "SRI WAHYUNI",
            "SUKARNI",
            "SRI",
            "SUMARNI",
            "TUMINAH",
            "SULASTRI",
            "ENDANG",
            "RATNA",
            "DWI",
            "PURWATI",
            "LESTARI",
        ],
        family: &[
            "SANTOSO", "WIBOWO", "SETIAWAN", "SUSILO", "PRASETYO", "NUGROHO", "KUSUMA", "HARTONO",
        ],
        single: 0.45,
    },
    // Bugis/Makassar.
    Tradition {
        male: &[
            "ANDI",
            "MUHAMMAD ARSYAD",
            "BASO",
            "LA ODE",
            "SYAMSUDIN",
            "AMIR",
            "HASANUDDIN",
            "ARIFIN",
            "KAHAR",
        ],
        female: &[
            "ANDI NURUL",
            "HASNAH",
            "SITTI",
            "RAHMATIAH",
            "NURHAENI",
            "HASNIAH",
            "MARLINA",
        ],
        family: &[
            "DAENG",
            "MAPPASESSU",
            "LATIF",
            "PAWELLOI",
            "MAPPANYUKKI",
            "TAHIR",
            "RAHMAN",
        ],
        single: 0.15,
    },
    // Banjar.
    Tradition {
        male: &[
            "GUSTI",
            "MUHAMMAD NOOR",
            "AHMAD RIDHANI",
            "ABDUL KADIR",
            "SYAHRANI",
            "ASRAN",
            "JUHRI",
        ],
        female: &[
            "MASITAH",
            "NORHASANAH",
            "SALASIAH",
            "NORMALASARI",
            "RUSMILAWATI",
            "JAMILAH",
        ],
        family: &["RAHMAN", "ANSARI", "HIDAYAT", "FAUZI", "RIDHANI"],
        single: 0.3,
    },
    // Batak.
    Tradition {
        male: &[
            "HOTMAN",
            "BOSAR",
            "PARLINDUNGAN",
            "TUMPAL",
            "MARULI",
            "SAHAT",
        ],
        female: &["ROSMIDA", "TIURMA", "DORTA", "LAMRIA", "MERY"],
        family: &[
            "SIREGAR",
            "NASUTION",
            "SIMANJUNTAK",
            "HASIBUAN",
            "PANGARIBUAN",
            "SITUMORANG",
            "LUBIS",
        ],
        single: 0.0,
    },
    // Christian (eastern Indonesia, Manado, Flores).
    Tradition {
        male: &[
            "YOHANES",
            "MARTINUS",
            "FRANSISKUS",
            "PETRUS",
            "YOSEF",
            "ALOYSIUS",
            "MARKUS",
        ],
        female: &[
            "MARIA MAGDALENA",
            "AGUSTINA",
            "YOHANA",
            "ELISABETH",
            "MARTHA",
            "KATARINA",
        ],
        family: &[
            "WOWOR", "RUMAMBI", "DA COSTA", "PARERA", "SUMAMPOW", "LIMBONG",
        ],
        single: 0.05,
    },
    // Balinese.
    Tradition {
        male: &[
            "I WAYAN", "I MADE", "I NYOMAN", "I KETUT", "I GEDE", "I PUTU",
        ],
        female: &[
            "NI WAYAN",
            "NI MADE",
            "NI NYOMAN",
            "NI KETUT",
            "NI PUTU",
            "NI LUH",
        ],
        family: &[
            "SUDARSANA",
            "ARDANA",
            "SUARDIKA",
            "WIRAWAN",
            "ASTUTI",
            "SRIASIH",
        ],
        single: 0.0,
    },
    // Arabic-derived.
    Tradition {
        male: &[
            "AHMAD",
            "MUHAMMAD RIZKI",
            "ABDUL RAHMAN",
            "MUHAMMAD ILHAM",
            "YUSUF",
            "HASAN",
            "IMAM",
            "LUKMAN",
            "ZAINAL",
            "RAHMAT",
            "TAUFIK",
            "MUHAMMAD FAJAR",
            "KHAIRUL",
        ],
        female: &[
            "SITI AISYAH",
            "NUR HIDAYAH",
            "FATIMAH",
            "SITI",
            "NURHAYATI",
            "AISYAH",
            "KHADIJAH",
            "SITI AMINAH",
            "NUR AINI",
            "SALMAH",
        ],
        family: &[
            "FAUZI",
            "HIDAYAT",
            "RAHMAN",
            "MAULANA",
            "ARDIANSYAH",
            "SYAHPUTRA",
            "HAKIM",
            "ANWAR",
        ],
        single: 0.2,
    },
];

/// Modern names and their old (pre-1972) spellings, as aid lists still carry them.
pub const OLD_SPELLING: &[(&str, &str)] = &[
    ("SUHARTO", "SOEHARTO"),
    ("JOKO", "DJOKO"),
    ("SUSILO", "SOESILO"),
    ("CAHYONO", "TJAHJONO"),
    ("SUYONO", "SOEJONO"),
    ("NYOMAN", "NJOMAN"),
    ("SYAMSUDIN", "SJAMSOEDIN"),
    ("KHAIRUL", "CHAIRUL"),
    ("SUKARNO", "SOEKARNO"),
    ("SUPARMAN", "SOEPARMAN"),
    ("JUMADI", "DJUMADI"),
    ("YUSUF", "JOESOEF"),
    ("SUTRISNO", "SOETRISNO"),
    ("SUKARNI", "SOEKARNI"),
    ("SUMARNI", "SOEMARNI"),
    ("JUHRI", "DJOEHRI"),
    ("SULASTRI", "SOELASTRI"),
    ("SUGIYONO", "SOEGIJONO"),
];

/// Name elements shared across traditions, most often a second or third element
/// (`DIAN PUSPITA SARI`, `MUHAMMAD RIZKY PRATAMA`): with them a city's full names are as
/// varied as a register's, a few people to a name rather than a thousand.
const MIDDLE_MALE: &[&str] = &[
    "ADI",
    "AGUS",
    "ARIF",
    "BAYU",
    "BUDI",
    "DANI",
    "DEDI",
    "DIMAS",
    "EKO",
    "FAJAR",
    "FERRY",
    "GALIH",
    "HENDRA",
    "IRWAN",
    "JAYA",
    "KURNIAWAN",
    "PUTRA",
    "PRATAMA",
    "RAMADHAN",
    "RIZKY",
    "SAPUTRA",
    "SETIA",
    "TRI",
    "WIJAYA",
    "YUDA",
    "ADITYA",
    "ANGGA",
    "ARDI",
    "BAGUS",
    "CANDRA",
    "DARMA",
    "EFENDI",
    "FIRMANSYAH",
    "GUNAWAN",
    "HARDI",
    "INDRA",
    "JUNAEDI",
    "KUSNADI",
    "MULYADI",
    "NANDA",
    "PERMANA",
    "RIYADI",
    "SUGENG",
    "SYAIFUL",
    "TAUFIQ",
    "WAHYUDI",
    "YULIANTO",
    "ZULKARNAEN",
    "HERMAWAN",
    "SUPRIYADI",
];

const MIDDLE_FEMALE: &[&str] = &[
    "AYU",
    "DEWI",
    "DIAN",
    "FITRI",
    "INDAH",
    "MAYA",
    "NOVI",
    "PUSPITA",
    "PUTRI",
    "RINA",
    "SARI",
    "WULANDARI",
    "YULIANA",
    "ANGGRAINI",
    "CAHYANI",
    "DAMAYANTI",
    "EKA",
    "FEBRIANTI",
    "HANDAYANI",
    "IRAWATI",
    "JULIANTI",
    "KARTIKA",
    "LISNAWATI",
    "MEGAWATI",
    "NINGSIH",
    "OKTAVIANI",
    "PERMATASARI",
    "RAHAYU",
    "SEPTIANI",
    "TRIANA",
    "UTAMI",
    "VERONIKA",
    "WATI",
    "YANTI",
    "ZAHRA",
    "AMALIA",
    "DESI",
    "ERNA",
    "FARIDA",
    "HARTATI",
    "KURNIASIH",
    "MARDIANA",
    "NURJANAH",
    "PRATIWI",
    "SUSANTI",
    "SURYANI",
    "WIDYA",
    "YUNITA",
    "ANJANI",
    "MELATI",
];

/// Regions of first registration outside Balikpapan.
const OTHER_REGIONS: &[&str] = &[
    "647201", "640201", "737101", "357801", "637101", "127101", "517101", "640301",
];

/// Generator settings.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    pub persons: usize,
    pub aid: usize,
    pub seed: u64,
    pub out_dir: PathBuf,
    /// Regencies the register covers (1: the city alone). With more, 0.4% of the people
    /// moved to another regency and registered there again (see `register_twice`).
    pub regencies: usize,
    /// The month of the list (1: the first; N: N - 1 months of deaths, moves, rows
    /// removed and added, NIKs corrected later, with `changes-truth.csv` against month
    /// N - 1: see [`crate::commands::synth_month`]).
    pub month: usize,
}

/// One register person.
#[derive(Debug, Clone)]
pub struct Person {
    pub nik: String,
    pub kk: String,
    pub name: String,
    /// (day, month, year)
    pub birth: (u32, u32, i32),
    pub female: bool,
    pub place: String,
    pub street: String,
    pub rt: u32,
    pub rw: u32,
    pub kec: usize,
    pub kel: &'static str,
    pub role: &'static str,
    pub status: &'static str,
    pub household: usize,
}

/// The register and the NIKs it holds.
pub struct Register {
    pub people: Vec<Person>,
    serials: HashMap<String, u32>,
    /// People registered twice: each record's row -> (old record, new record).
    pub twice: HashMap<usize, (usize, usize)>,
}

impl Register {
    /// A NIK for a region and birth date: the next serial for that region, date and sex.
    pub fn new_nik(&mut self, region: &str, birth: (u32, u32, i32), female: bool) -> String {
        let day = birth.0 + if female { 40 } else { 0 };
        let stem = format!(
            "{region}{day:02}{:02}{:02}",
            birth.1,
            birth.2.rem_euclid(100)
        );
        let s = self.serials.entry(stem.clone()).or_insert(0);
        *s += 1;
        format!("{stem}{:04}", *s)
    }

    pub fn holds(&self, nik: &str) -> bool {
        let (stem, serial) = nik.split_at(12);
        let n: u32 = serial.parse().unwrap_or(0);
        n >= 1 && self.serials.get(stem).is_some_and(|&max| n <= max)
    }
}

/// Days since 1970-01-01.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(m: u32, y: i32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A birth date in `from..=to`; placeholders (unknown dates) at their real frequency:
/// common for people born before 1970, rarer later.
fn birth_date(rng: &mut Rng, from: i32, to: i32) -> (u32, u32, i32) {
    let y = from + rng.below((to - from + 1).max(1) as usize) as i32;
    let placeholder = if y < 1970 { 0.15 } else { 0.04 };
    if rng.chance(placeholder) {
        return match rng.below(10) {
            0..=4 => (31, 12, y),
            5..=8 => (1, 7, y),
            _ => (1, 1, y),
        };
    }
    let m = 1 + rng.below(12) as u32;
    (1 + rng.below(days_in_month(m, y) as usize) as u32, m, y)
}

/// A name of tradition `t`: a given name, often one or two shared elements after it
/// ([`MIDDLE_MALE`], [`MIDDLE_FEMALE`]), and the family name unless the tradition goes
/// without.
fn person_name(rng: &mut Rng, t: &Tradition, female: bool) -> String {
    let (given, middle) = if female {
        (rng.pick(t.female), MIDDLE_FEMALE)
    } else {
        (rng.pick(t.male), MIDDLE_MALE)
    };
    let mut name = given.to_string();
    for share in [0.8, 0.35] {
        if rng.chance(share) {
            name.push(' ');
            name.push_str(rng.pick::<&str>(middle));
        }
    }
    if !t.family.is_empty() && !rng.chance(t.single) {
        name.push(' ');
        name.push_str(rng.pick::<&str>(t.family));
    }
    name
}

/// A household member before NIK assignment: (female, birth, role, name).
type Member = (bool, (u32, u32, i32), &'static str, String);

/// Build the register: households until `persons` people.
pub fn build_register(rng: &mut Rng, persons: usize) -> Register {
    let mut reg = Register {
        people: Vec::with_capacity(persons + 8),
        serials: HashMap::new(),
        twice: HashMap::new(),
    };
    let mut h = 0;
    while reg.people.len() < persons {
        let k = rng.below(KECAMATAN.len());
        let kel = *rng.pick(KECAMATAN[k].1);
        let t = rng.pick(TRADITIONS);
        let street = format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150));
        let (rt, rw) = (1 + rng.below(40) as u32, 1 + rng.below(12) as u32);
        let kk = format!(
            "6471{:02}{:02}{:02}{:02}{:04}",
            k + 1,
            1 + rng.below(28),
            1 + rng.below(12),
            5 + rng.below(20),
            1 + h % 9999
        );
        let head_female = rng.chance(0.12);
        let head_birth = birth_date(rng, 1940, 2000);
        let family = if !t.family.is_empty() && rng.chance(0.5) {
            Some(*rng.pick(t.family))
        } else {
            None
        };
        let members = household_members(rng, t, (head_female, head_birth), family);
        let region = if rng.chance(0.85) {
            format!("6471{:02}", k + 1)
        } else {
            rng.pick(OTHER_REGIONS).to_string()
        };
        for (female, birth, role, name) in members {
            let nik = reg.new_nik(&region, birth, female);
            let r = rng.below(1000);
            let status = match r {
                0..=7 => "MATI",
                8..=12 => "PINDAH KELUAR",
                _ => "HIDUP",
            };
            reg.people.push(Person {
                nik,
                kk: kk.clone(),
                name,
                birth,
                female,
                place: rng.pick(BIRTHPLACES).to_string(),
                street: street.clone(),
                rt,
                rw,
                kec: k,
                kel,
                role,
                status,
                household: h,
            });
        }
        h += 1;
    }
    reg.people.truncate(persons);
    add_namesakes(rng, &mut reg);
    reg
}

/// A household's members: the head (`head`: female, birth date), a wife mostly, up to
/// four children (the family name after a one-word name) and now and then twins.
fn household_members(
    rng: &mut Rng,
    t: &Tradition,
    head: (bool, (u32, u32, i32)),
    family: Option<&'static str>,
) -> Vec<Member> {
    let (head_female, head_birth) = head;
    let mut members: Vec<Member> = Vec::new();
    let mut head_name = person_name(rng, t, head_female);
    if head_birth.2 < 1975 && rng.chance(0.06) {
        head_name = format!("{} {head_name}", if head_female { "HJ." } else { "H." });
    }
    members.push((head_female, head_birth, "KEPALA KELUARGA", head_name));
    if !head_female && rng.chance(0.8) {
        let b = birth_date(rng, head_birth.2 - 2, (head_birth.2 + 10).min(2005));
        members.push((true, b, "ISTRI", person_name(rng, t, true)));
    }
    let children = rng.below(5);
    for c in 0..children {
        let female = rng.chance(0.5);
        let from = (head_birth.2 + 20).min(2024);
        let b = birth_date(rng, from, (head_birth.2 + 42).min(2025));
        let mut name = person_name(rng, t, female);
        if let (Some(f), false) = (family, name.contains(' ')) {
            name = format!("{name} {f}");
        }
        members.push((female, b, "ANAK", name));
        if c == 0 && rng.chance(0.03) {
            let f2 = rng.chance(0.5);
            members.push((f2, b, "ANAK", person_name(rng, t, f2)));
        }
    }
    members
}

/// Namesakes: some people share name and birth date with someone in another household.
fn add_namesakes(rng: &mut Rng, reg: &mut Register) {
    let n = reg.people.len();
    if n <= 10 {
        return;
    }
    for _ in 0..n / 500 {
        let (a, b) = (rng.below(n), rng.below(n));
        if reg.people[a].household != reg.people[b].household
            && reg.people[a].female == reg.people[b].female
        {
            let (name, birth) = (reg.people[a].name.clone(), reg.people[a].birth);
            let region = reg.people[b].nik[..6].to_string();
            let nik = reg.new_nik(&region, birth, reg.people[b].female);
            let p = &mut reg.people[b];
            p.name = name;
            p.birth = birth;
            p.nik = nik;
        }
    }
}

/// Write the register as SIAK-style Parquet (NIK as an integer column, as some exports do).
pub fn write_register(people: &[Person], path: &Path) -> Result<(), WriteError> {
    let err = |e: PolarsError| WriteError::Other {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let s =
        |f: &(dyn Fn(&Person) -> String + Sync)| people.par_iter().map(f).collect::<Vec<String>>();
    let nik: Vec<i64> = people.iter().map(|p| p.nik.parse().unwrap_or(0)).collect();
    let dates: Vec<i32> = people
        .iter()
        .map(|p| days_from_civil(p.birth.2, p.birth.1, p.birth.0))
        .collect();
    let date_col = Series::new("TGL_LHR".into(), dates)
        .cast(&DataType::Date)
        .map_err(err)?;
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("NIK".into(), nik),
        Column::new("NO_KK".into(), s(&|p| p.kk.clone())),
        Column::new("NAMA_LGKP".into(), s(&|p| p.name.clone())),
        Column::new("TMPT_LHR".into(), s(&|p| p.place.clone())),
        date_col.into(),
        Column::new(
            "JENIS_KLMIN".into(),
            people
                .iter()
                .map(|p| if p.female { 2i64 } else { 1 })
                .collect::<Vec<_>>(),
        ),
        Column::new("ALAMAT".into(), s(&|p| p.street.clone())),
        Column::new(
            "NO_RT".into(),
            people.iter().map(|p| i64::from(p.rt)).collect::<Vec<_>>(),
        ),
        Column::new(
            "NO_RW".into(),
            people.iter().map(|p| i64::from(p.rw)).collect::<Vec<_>>(),
        ),
        Column::new("KEL_NAME".into(), s(&|p| p.kel.to_string())),
        Column::new("KEC_NAME".into(), s(&|p| kecamatan_name(p.kec))),
        Column::new("STAT_HBKEL".into(), s(&|p| p.role.to_string())),
        Column::new("STATUS".into(), s(&|p| p.status.to_string())),
    ])
    .map_err(err)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("population.parquet");
    write_atomic(dir, name, |w| {
        ParquetWriter::new(w)
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| std::io::Error::other(e.to_string()))
    })?;
    Ok(())
}

/// Regencies of a multi-regency register: NIK and KK region code (4 digits) and a name
/// that sets their kecamatan and kelurahan apart. The first is the city.
const REGENCIES: &[(&str, &str)] = &[
    ("6471", ""),
    ("6472", "ULU"),
    ("6474", "ILIR"),
    ("6402", "SEBERANG"),
    ("6403", "HULU"),
    ("6404", "TENGAH"),
    ("6405", "PESISIR"),
    ("6409", "TIMUR"),
    ("6411", "BARAT"),
];

/// The kecamatan's name: index `kec` into [`KECAMATAN`], repeated per regency.
fn kecamatan_name(kec: usize) -> String {
    let (r, k) = (kec / KECAMATAN.len(), kec % KECAMATAN.len());
    match REGENCIES.get(r).map(|g| g.1).filter(|s| !s.is_empty()) {
        Some(suffix) => format!("{} {suffix}", KECAMATAN[k].0),
        None => KECAMATAN[k].0.to_string(),
    }
}

/// A kelurahan of regency `r`: the city's name with the regency's word (leaked once per
/// name: a few hundred at most).
fn kelurahan_of(
    cache: &mut HashMap<(usize, &'static str), &'static str>,
    r: usize,
    kel: &'static str,
) -> &'static str {
    if r == 0 {
        return kel;
    }
    cache
        .entry((r, kel))
        .or_insert_with(|| Box::leak(format!("{kel} {}", REGENCIES[r].1).into_boxed_str()))
}

/// Spread the households over `n` regencies (household `h` in regency `h % n`): the
/// people first registered in the city get their regency's NIK, and every household its
/// regency's KK code, kecamatan and kelurahan.
fn spread_regencies(reg: &mut Register, n: usize) {
    let n = n.min(REGENCIES.len());
    let mut cache = HashMap::new();
    for i in 0..reg.people.len() {
        let r = reg.people[i].household % n;
        if r == 0 {
            continue;
        }
        let code = REGENCIES[r].0;
        let (old, birth, female, kel) = {
            let p = &reg.people[i];
            (p.nik.clone(), p.birth, p.female, p.kel)
        };
        let nik = if old.starts_with("6471") {
            reg.new_nik(&format!("{code}{}", &old[4..6]), birth, female)
        } else {
            old
        };
        let kel = kelurahan_of(&mut cache, r, kel);
        let p = &mut reg.people[i];
        p.kk = format!("{code}{}", &p.kk[4..]);
        p.nik = nik;
        p.kel = kel;
        p.kec += r * KECAMATAN.len();
    }
}

/// 0.4% of the living adults moved to another regency and registered there again: a new
/// NIK and KK (issued later), at a new address, under their name (now and then spelt
/// otherwise); the old record says moved out (PINDAH) or was left open (HIDUP), even.
fn register_twice(rng: &mut Rng, reg: &mut Register, n: usize) {
    let n = n.min(REGENCIES.len());
    let count = reg.people.len() / 250;
    let mut cache = HashMap::new();
    let mut tries = 0;
    while reg.twice.len() < 2 * count && tries < 50 * count {
        tries += 1;
        let i = rng.below(reg.people.len());
        let p = &reg.people[i];
        if p.status != "HIDUP" || p.birth.2 > 2000 || reg.twice.contains_key(&i) {
            continue;
        }
        let from = p.household % n;
        let to = (from + 1 + rng.below(n - 1)) % n;
        let k = rng.below(KECAMATAN.len());
        let region = format!("{}{:02}", REGENCIES[to].0, k + 1);
        let year: u32 = p.kk[10..12].parse().unwrap_or(5);
        let issued =
            (year + 1 + rng.below(25usize.saturating_sub(year as usize).max(1)) as u32).min(25);
        let kk = format!(
            "{}{:02}{:02}{:02}{issued:02}{:04}",
            REGENCIES[to].0,
            k + 1,
            1 + rng.below(28),
            1 + rng.below(12),
            1 + rng.below(9999)
        );
        let tokens: Vec<String> = p.name.split(' ').map(String::from).collect();
        let name = match rng
            .chance(0.15)
            .then(|| spelling_variant(rng, &tokens))
            .flatten()
        {
            Some(v) => v.join(" "),
            None => p.name.clone(),
        };
        let kel = kelurahan_of(
            &mut cache,
            to,
            KECAMATAN[k].1[rng.below(KECAMATAN[k].1.len())],
        );
        let mut again = Person {
            nik: String::new(),
            kk,
            name,
            street: format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150)),
            rt: 1 + rng.below(40) as u32,
            rw: 1 + rng.below(12) as u32,
            kec: to * KECAMATAN.len() + k,
            kel,
            role: "KEPALA KELUARGA",
            status: "HIDUP",
            household: usize::MAX - reg.people.len(),
            ..p.clone()
        };
        again.nik = reg.new_nik(&region, again.birth, again.female);
        if rng.chance(0.5) {
            reg.people[i].status = "PINDAH KELUAR";
        }
        let j = reg.people.len();
        reg.people.push(again);
        reg.twice.insert(i, (i, j));
        reg.twice.insert(j, (i, j));
    }
}

/// The aid rows of a person registered twice (`old`, `new` records): under the old NIK, the
/// new one, or both (two regencies' offices listing them). The truth is the new record;
/// of two rows, the one under the new NIK is paid.
fn twice_rows(
    rng: &mut Rng,
    reg: &Register,
    (old, new): (usize, usize),
    used: &mut [bool],
) -> Vec<AidRow> {
    for i in [old, new] {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    let which: &[usize] = match rng.below(100) {
        0..=34 => &[old],
        35..=69 => &[new],
        _ => &[new, old],
    };
    let truth = &reg.people[new];
    let mut rows = Vec::new();
    for (c, &i) in which.iter().enumerate() {
        let p = &reg.people[i];
        let mut defects = vec!["registered_twice"];
        if i == old {
            defects.push("old_nik");
        }
        let rates = if c == 0 { &FIRST_ROW } else { &EXTRA_ROW };
        if c > 0 {
            defects.push("duplicate");
        }
        let nik = damaged_nik(rng, &p.nik, rates, &mut defects);
        let cells = aid_cells(rng, p, nik, &home(p), &mut defects);
        rows.push(AidRow {
            cells,
            person: format!("R{new}"),
            register_nik: truth.nik.clone(),
            status: if c > 0 { "DUPLICATE" } else { "VERIFIED" },
            defects,
        });
    }
    rows
}

/// One generated aid row with its truth.
#[derive(Debug, Clone)]
pub struct AidRow {
    pub cells: Vec<String>,
    /// The true identity: `R<index>` for register people, `X<n>` for outsiders.
    pub person: String,
    /// The true person's NIK when the register holds them (empty for NAME_MISMATCH rows).
    pub register_nik: String,
    /// What a perfect tool says.
    pub status: &'static str,
    pub defects: Vec<&'static str>,
}

/// Header of the generated aid list (DTKS style).
pub const AID_HEADER: [&str; 13] = [
    "ID_DTKS",
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "TMP_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "PROGRAM",
];

/// Defect rates for one row; extra records of a person carry more NIK damage.
struct Rates {
    sci: f64,
    rounded: f64,
    typo: f64,
    two_digits: f64,
    swap: f64,
    truncated: f64,
}

const FIRST_ROW: Rates = Rates {
    sci: 0.015,
    rounded: 0.005,
    typo: 0.008,
    two_digits: 0.004,
    swap: 0.004,
    truncated: 0.003,
};
const EXTRA_ROW: Rates = Rates {
    sci: 0.08,
    rounded: 0.03,
    typo: 0.10,
    two_digits: 0.02,
    swap: 0.05,
    truncated: 0.01,
};

fn cosmetic_nik(rng: &mut Rng, nik: &str, defects: &mut Vec<&'static str>) -> String {
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

fn damaged_nik(rng: &mut Rng, nik: &str, rates: &Rates, defects: &mut Vec<&'static str>) -> String {
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

fn title_case(s: &str) -> String {
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
fn spelling_variant(rng: &mut Rng, tokens: &[String]) -> Option<Vec<String>> {
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
fn kelurahan_as_heard(kel: &str) -> Option<String> {
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

fn messy_name(rng: &mut Rng, p: &Person, defects: &mut Vec<&'static str>) -> String {
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

fn messy_date(
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
struct Place {
    kec: usize,
    kel: &'static str,
    street: String,
    rt: u32,
    rw: u32,
}

fn home(p: &Person) -> Place {
    Place {
        kec: p.kec,
        kel: p.kel,
        street: p.street.clone(),
        rt: p.rt,
        rw: p.rw,
    }
}

fn elsewhere(rng: &mut Rng, p: &Person) -> Place {
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

/// Register person `i`'s row at home, carrying `holder`'s NIK (cosmetically written):
/// a borrowed NIK, or the household head's on a member's form.
fn on_other_nik(
    rng: &mut Rng,
    reg: &Register,
    i: usize,
    holder: usize,
    defect: &'static str,
    register_nik: String,
    status: &'static str,
) -> AidRow {
    let mut defects = vec![defect];
    let nik = cosmetic_nik(rng, &reg.people[holder].nik, &mut defects);
    let p = &reg.people[i];
    let cells = aid_cells(rng, p, nik, &home(p), &mut defects);
    AidRow {
        cells,
        person: format!("R{i}"),
        register_nik,
        status,
        defects,
    }
}

/// Register person `i`'s name on a form filled from `holder`'s KK: the holder's NIK, KK
/// and home, and the holder's birth date and place on most such forms. Nobody on it is
/// to be paid: the NIK's holder is not the person named.
fn on_copied_card(rng: &mut Rng, reg: &Register, i: usize, holder: usize) -> AidRow {
    let mut defects = vec!["other_name_copied_household"];
    let (p, h) = (&reg.people[i], &reg.people[holder]);
    let nik = cosmetic_nik(rng, &h.nik, &mut defects);
    let copied_date = rng.chance(0.7);
    let written = Person {
        name: p.name.clone(),
        female: p.female,
        birth: if copied_date { h.birth } else { p.birth },
        place: if copied_date {
            h.place.clone()
        } else {
            p.place.clone()
        },
        ..h.clone()
    };
    let cells = aid_cells(rng, &written, nik, &home(h), &mut defects);
    AidRow {
        cells,
        person: format!("R{i}"),
        register_nik: String::new(),
        status: "NAME_MISMATCH",
        defects,
    }
}

/// A clean row of register person `p` at home under its own NIK (a new recipient).
pub(crate) fn clean_cells(
    rng: &mut Rng,
    p: &Person,
    defects: &mut Vec<&'static str>,
) -> Vec<String> {
    aid_cells(rng, p, p.nik.clone(), &home(p), defects)
}

fn aid_cells(
    rng: &mut Rng,
    p: &Person,
    nik: String,
    at: &Place,
    defects: &mut Vec<&'static str>,
) -> Vec<String> {
    let street = if rng.chance(0.4) {
        defects.push("address_abbreviation");
        match rng.below(3) {
            0 => at.street.replace("JL.", "Jalan").replace("GG.", "Gang"),
            1 => at.street.replace("JL.", "Jln").replace("NO.", "Nomor"),
            _ => at
                .street
                .replace("KOMP.", "Komplek")
                .replace("PERUM.", "Perumahan")
                .replace("NO.", "No"),
        }
    } else {
        at.street.clone()
    };
    let (rt, rw) = match rng.below(5) {
        0 => (format!("RT {:03}", at.rt), format!("RW {:03}", at.rw)),
        1 => (format!("{:03}/{:03}", at.rt, at.rw), String::new()),
        2 => (format!("RT.{:02}/RW.{:02}", at.rt, at.rw), String::new()),
        _ => (format!("{:03}", at.rt), format!("{:03}", at.rw)),
    };
    let kel = match rng.below(20) {
        0 | 1 => {
            defects.push("kelurahan_spelling");
            at.kel.replace(' ', "")
        }
        2 | 3 => format!("KEL. {}", at.kel),
        4 => match kelurahan_as_heard(at.kel) {
            Some(k) => {
                defects.push("kelurahan_typed");
                k
            }
            None => at.kel.to_string(),
        },
        _ => at.kel.to_string(),
    };
    let kk = if rng.chance(0.08) {
        defects.push("kk_missing");
        String::new()
    } else {
        p.kk.clone()
    };
    // A sex code mistyped (L for P): weak evidence, the person is the same.
    let female = if rng.chance(0.01) {
        defects.push("sex_code_wrong");
        !p.female
    } else {
        p.female
    };
    let sex = match (rng.below(4), female) {
        (0, false) => "LAKI-LAKI",
        (0, true) => "PEREMPUAN",
        (_, false) => "L",
        (_, true) => "P",
    };
    vec![
        String::new(), // ID, set after shuffling
        nik,
        kk,
        messy_name(rng, p, defects),
        messy_date(rng, p.birth, defects),
        p.place.clone(),
        sex.to_string(),
        street,
        rt,
        rw,
        kel,
        kecamatan_name(at.kec),
        rng.pick(&["PKH", "BPNT", "BST", "PBI-JK"]).to_string(),
    ]
}

/// The rows of someone the register does not hold (outsider number `k`); some share a
/// resident's whole name and birth date (a common name, born the same day in another
/// province), and some are listed twice, often elsewhere.
fn outsider_rows(rng: &mut Rng, reg: &mut Register, k: usize) -> Vec<AidRow> {
    let n = reg.people.len();
    let namesake = rng
        .chance(0.2)
        .then(|| rng.below(n))
        .filter(|&j| reg.people[j].birth.2 <= 2000);
    let (female, birth, name) = match namesake {
        Some(j) => {
            let q = &reg.people[j];
            (q.female, q.birth, q.name.clone())
        }
        None => {
            let female = rng.chance(0.5);
            let birth = birth_date(rng, 1945, 2000);
            let t = rng.pick(TRADITIONS);
            (female, birth, person_name(rng, t, female))
        }
    };
    let region = rng.pick(OTHER_REGIONS).to_string();
    let nik = reg.new_nik(&region, birth, female);
    let stranger = Person {
        nik: nik.clone(),
        kk: String::new(),
        name,
        birth,
        female,
        place: rng.pick(BIRTHPLACES).to_string(),
        street: format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150)),
        rt: 1 + rng.below(40) as u32,
        rw: 1 + rng.below(12) as u32,
        kec: rng.below(6),
        kel: "",
        role: "",
        status: "",
        household: usize::MAX,
    };
    let stranger = Person {
        kel: {
            let kels = KECAMATAN[stranger.kec].1;
            kels[rng.below(kels.len())]
        },
        ..stranger
    };
    let row = |cells, defects| AidRow {
        cells,
        person: format!("X{k}"),
        register_nik: String::new(),
        status: "NOT_IN_REGISTER",
        defects,
    };
    let mut defects = vec!["not_in_register"];
    if namesake.is_some() {
        defects.push("outsider_namesake");
    }
    let nik_cell = damaged_nik(rng, &nik, &FIRST_ROW, &mut defects);
    let cells = aid_cells(rng, &stranger, nik_cell, &home(&stranger), &mut defects);
    let mut rows = vec![row(cells, defects)];
    if rng.chance(0.08) {
        let mut defects = vec!["not_in_register", "duplicate"];
        let at = if rng.chance(0.6) {
            defects.push("another_address");
            elsewhere(rng, &stranger)
        } else {
            home(&stranger)
        };
        let nik_cell = damaged_nik(rng, &nik, &EXTRA_ROW, &mut defects);
        let cells = aid_cells(rng, &stranger, nik_cell, &at, &mut defects);
        rows.push(row(cells, defects));
    }
    rows
}

/// A register person of `wanted_status` not listed yet (mostly household heads and
/// spouses), drawn until one fits so that each kind of recipient comes at its share.
fn draw_recipient(
    rng: &mut Rng,
    reg: &Register,
    used: &[bool],
    wanted_status: &str,
) -> Option<usize> {
    let fits = |rng: &mut Rng, p: &Person| {
        p.status == wanted_status && p.birth.2 <= 2005 && (p.role != "ANAK" || rng.chance(0.1))
    };
    for _ in 0..20_000 {
        let i = rng.below(reg.people.len());
        if !used[i] && fits(rng, &reg.people[i]) {
            return Some(i);
        }
    }
    None
}

/// A single-row recipient `i` listed on a NIK not their own, now and then: someone
/// else's NIK, another person's name on a form filled from a holder's KK, or a household
/// member on the head's NIK (the form filled from the KK's first line; the truth is the
/// member). None: listed on their own NIK.
fn on_a_wrong_nik(
    rng: &mut Rng,
    reg: &mut Register,
    i: usize,
    status: &str,
    by_household: &HashMap<usize, Vec<usize>>,
) -> Option<AidRow> {
    let n = reg.people.len();
    let p = reg.people[i].clone();
    if rng.chance(0.008) {
        let holder = loop {
            let j = rng.below(n);
            if j != i && reg.people[j].name != p.name {
                break j;
            }
        };
        let row = on_other_nik(
            rng,
            reg,
            i,
            holder,
            "nik_other_person",
            String::new(),
            "NAME_MISMATCH",
        );
        return Some(row);
    }
    // The holder's NIK, KK, address and (mostly) birth date, a name with no part of the
    // holder's.
    if rng.chance(0.006) {
        let shares = |a: &str, b: &str| a.split(' ').any(|t| b.split(' ').any(|u| u == t));
        let holder = (0..50)
            .map(|_| rng.below(n))
            .find(|&j| j != i && !shares(&reg.people[j].name, &p.name));
        if let Some(h) = holder {
            return Some(on_copied_card(rng, reg, i, h));
        }
    }
    if status == "VERIFIED" && p.role != "KEPALA KELUARGA" && rng.chance(0.012) {
        let head = by_household[&p.household]
            .iter()
            .copied()
            .find(|&j| reg.people[j].role == "KEPALA KELUARGA")?;
        let own = p.nik.clone();
        let row = on_other_nik(rng, reg, i, head, "family_member_nik", own, "VERIFIED");
        return Some(row);
    }
    None
}

/// Register person `i`'s rows: the first at home, any copies elsewhere (duplicates).
fn own_rows(
    rng: &mut Rng,
    p: &Person,
    i: usize,
    copies: usize,
    status: &'static str,
) -> Vec<AidRow> {
    let mut rows = Vec::with_capacity(copies);
    for c in 0..copies {
        let mut defects: Vec<&'static str> = Vec::new();
        if status == "DECEASED" {
            defects.push("deceased");
        }
        if status == "MOVED_OUT" {
            defects.push("moved_out");
        }
        let (rates, at) = if c == 0 {
            (&FIRST_ROW, home(p))
        } else {
            defects.push("duplicate");
            defects.push("another_address");
            (&EXTRA_ROW, elsewhere(rng, p))
        };
        let nik = damaged_nik(rng, &p.nik, rates, &mut defects);
        let cells = aid_cells(rng, p, nik, &at, &mut defects);
        let row_status = if c > 0 && status == "VERIFIED" {
            "DUPLICATE"
        } else {
            status
        };
        rows.push(AidRow {
            cells,
            person: format!("R{i}"),
            register_nik: p.nik.clone(),
            status: row_status,
            defects,
        });
    }
    rows
}

/// Hard negatives: the spouse, or the twin, of recipient `i` listed too (now and then).
fn mate_row(
    rng: &mut Rng,
    reg: &Register,
    i: usize,
    used: &mut [bool],
    by_household: &HashMap<usize, Vec<usize>>,
) -> Option<AidRow> {
    if !rng.chance(0.02) {
        return None;
    }
    let p = &reg.people[i];
    let j = by_household[&p.household]
        .iter()
        .copied()
        .filter(|&j| j != i && !used[j] && reg.people[j].status == "HIDUP")
        .find(|&j| {
            reg.people[j].role == "ISTRI" || (p.role == "ANAK" && reg.people[j].birth == p.birth)
        })?;
    used[j] = true;
    let q = &reg.people[j];
    let mut defects = vec![if q.role == "ISTRI" {
        "spouse_pair"
    } else {
        "twin_pair"
    }];
    let nik = cosmetic_nik(rng, &q.nik, &mut defects);
    let cells = aid_cells(rng, q, nik, &home(q), &mut defects);
    Some(AidRow {
        cells,
        person: format!("R{j}"),
        register_nik: q.nik.clone(),
        status: "VERIFIED",
        defects,
    })
}

/// The rows of register person `i`, drawn as a recipient.
fn recipient_rows(
    rng: &mut Rng,
    reg: &mut Register,
    i: usize,
    used: &mut [bool],
    by_household: &HashMap<usize, Vec<usize>>,
) -> Vec<AidRow> {
    if let Some(&pair) = reg.twice.get(&i) {
        return twice_rows(rng, reg, pair, used);
    }
    let copies = match rng.below(100) {
        0 => 3,
        1..=4 => 2,
        _ => 1,
    };
    let status = match reg.people[i].status {
        "MATI" => "DECEASED",
        "PINDAH KELUAR" => "MOVED_OUT",
        _ => "VERIFIED",
    };
    if copies == 1 {
        if let Some(row) = on_a_wrong_nik(rng, reg, i, status, by_household) {
            return vec![row];
        }
    }
    let p = reg.people[i].clone();
    let mut rows = own_rows(rng, &p, i, copies, status);
    if status == "VERIFIED" {
        rows.extend(mate_row(rng, reg, i, used, by_household));
    }
    rows
}

/// Build the aid list and its truth: outsiders and register people drawn by status, in
/// shuffled order, numbered `DTKS...`.
pub fn build_aid(rng: &mut Rng, reg: &mut Register, target: usize) -> Vec<AidRow> {
    let n = reg.people.len();
    let mut rows: Vec<AidRow> = Vec::with_capacity(target + target / 10);
    let mut used = vec![false; n];
    let mut outsiders = 0usize;
    let by_household: HashMap<usize, Vec<usize>> =
        reg.people
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (i, p)| {
                m.entry(p.household).or_default().push(i);
                m
            });
    let mut attempts = 0usize;
    while rows.len() < target && attempts < target * 2 {
        attempts += 1;
        let r = rng.below(1000);
        if r < 30 {
            rows.extend(outsider_rows(rng, reg, outsiders));
            outsiders += 1;
            continue;
        }
        let wanted_status = match r {
            30..=49 => "MATI",
            50..=59 => "PINDAH KELUAR",
            _ => "HIDUP",
        };
        let Some(i) = draw_recipient(rng, reg, &used, wanted_status) else {
            continue;
        };
        used[i] = true;
        rows.extend(recipient_rows(rng, reg, i, &mut used, &by_household));
    }
    for i in (1..rows.len()).rev() {
        let j = rng.below(i + 1);
        rows.swap(i, j);
    }
    for (k, r) in rows.iter_mut().enumerate() {
        r.cells[0] = format!("DTKS{:09}", k + 1);
    }
    rows
}

/// Write the aid list (`;`, BOM, as Indonesian Excel saves CSV) and the truth file.
pub fn write_aid_and_truth(rows: &[AidRow], dir: &Path) -> Result<(), WriteError> {
    let to_io = |e: csv::Error| std::io::Error::other(e.to_string());
    write_atomic(dir, "aid.csv", |w| {
        w.write_all(b"\xef\xbb\xbf")?;
        let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer(w);
        out.write_record(AID_HEADER).map_err(to_io)?;
        for r in rows {
            out.write_record(&r.cells).map_err(to_io)?;
        }
        out.flush()
    })?;
    write_atomic(dir, "truth.csv", |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["row", "person_id", "register_nik", "status", "defects"])
            .map_err(to_io)?;
        let mut buf = String::new();
        for (k, r) in rows.iter().enumerate() {
            buf.clear();
            let _ = write!(buf, "{}", r.defects.join(";"));
            out.write_record([
                (k + 1).to_string().as_str(),
                &r.person,
                &r.register_nik,
                r.status,
                &buf,
            ])
            .map_err(to_io)?;
        }
        out.flush()
    })?;
    Ok(())
}

/// What `dedupe synth` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SynthSummary {
    pub persons: usize,
    pub aid_rows: usize,
    pub seed: u64,
    pub files: Vec<String>,
}

/// Generate and write the three files.
pub fn run(cfg: &SynthConfig) -> Result<SynthSummary, WriteError> {
    let (reg, rows) = first_month(cfg)?;
    write_month(cfg, &reg, &rows, &[])
}

/// The register and the aid rows of month 1 (the out folder made).
pub fn first_month(cfg: &SynthConfig) -> Result<(Register, Vec<AidRow>), WriteError> {
    std::fs::create_dir_all(&cfg.out_dir).map_err(|source| WriteError::Io {
        path: cfg.out_dir.clone(),
        source,
    })?;
    let mut rng = Rng::new(cfg.seed);
    let mut reg = build_register(&mut rng, cfg.persons);
    if cfg.regencies > 1 {
        spread_regencies(&mut reg, cfg.regencies);
        register_twice(&mut rng, &mut reg, cfg.regencies);
    }
    let rows = build_aid(&mut rng, &mut reg, cfg.aid);
    Ok((reg, rows))
}

/// Write a month's register, aid list and truth; `extra` names files written beside.
pub fn write_month(
    cfg: &SynthConfig,
    reg: &Register,
    rows: &[AidRow],
    extra: &[&str],
) -> Result<SynthSummary, WriteError> {
    let population = cfg.out_dir.join("population.parquet");
    write_register(&reg.people, &population)?;
    write_aid_and_truth(rows, &cfg.out_dir)?;
    Ok(SynthSummary {
        persons: reg.people.len(),
        aid_rows: rows.len(),
        seed: cfg.seed,
        files: ["population.parquet", "aid.csv", "truth.csv"]
            .iter()
            .chain(extra)
            .map(|f| f.to_string())
            .collect(),
    })
}
