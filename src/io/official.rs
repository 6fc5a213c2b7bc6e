//! Reports for officials: `report.html` and `report.xlsx`, in Bahasa Indonesia (or English).
//!
//! In: the out folder of a run (`decisions.csv`, `verified.csv`, `rejected.csv`,
//! `duplicates.csv`, `summary.json`) and the benefit amounts of the config.
//! Out: `report.html`, one self-contained page (inline CSS and SVG, no script, no network,
//! A4 print) with the figures, the savings in Rupiah, tables and bar charts per kecamatan,
//! kelurahan and program, data quality, a sample of duplicate groups with masked NIKs and
//! the run's metadata; and `report.xlsx` with the sheets Ringkasan, Terverifikasi, Data
//! Ganda and Ditolak (NIK and KK stored as text, header rows frozen, widths set).
//! Everything is rebuilt from the files, so `dedupe report` can redo it when amounts change.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::core::config::{Benefits, Field};
use crate::core::error::{LoadError, WriteError};
use crate::io::output::write_atomic;
use crate::normalize::nik::mask;

pub use crate::core::config::Lang;

use crate::io::output::{
    read_output_csv as read, OutputRow as Row, RunOutput, DUPLICATES_HEADER, REJECTED_LEAD,
};

/// The rows of the workbook's row sheets, from memory (a run) or from a run's files.
pub trait SheetRows: Sync {
    /// Column headers of the aid list (the original columns).
    fn aid_headers(&self) -> Vec<String>;
    /// Call `f` with every row of `sheet`, in order, until it returns an error.
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError>;
}

/// The row sheets of `report.xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// Terverifikasi: the original columns and `register_nik`.
    Verified,
    /// Data Ganda: the columns of `duplicates.csv`.
    Duplicates,
    /// Ditolak: the columns of `rejected.csv`.
    Rejected,
}

/// What the reports need of one aid row.
#[derive(Debug, Clone, Default)]
pub struct RowFacts<'a> {
    pub status: &'a str,
    pub reason: &'a str,
    pub program: std::borrow::Cow<'a, str>,
    pub kecamatan: std::borrow::Cow<'a, str>,
    pub kelurahan: std::borrow::Cow<'a, str>,
}

/// Everything the reports show (figures only: the row sheets come from a [`SheetRows`]).
#[derive(Debug, Clone)]
pub struct Facts {
    pub rows: usize,
    pub status_counts: BTreeMap<String, usize>,
    pub reason_counts: BTreeMap<String, usize>,
    /// Rupiah kept out of payment, per status.
    pub savings_by_status: BTreeMap<String, u64>,
    pub savings_total: u64,
    pub months: u32,
    /// Area or program -> (rows, verified, withheld, savings).
    pub by_kecamatan: BTreeMap<String, [u64; 4]>,
    pub by_kelurahan: BTreeMap<String, [u64; 4]>,
    pub by_program: BTreeMap<String, [u64; 4]>,
    pub groups: usize,
    pub summary: Value,
    /// The rows of the first duplicate groups, as in `duplicates.csv`, by column name.
    pub duplicates: Vec<Row>,
}

/// How many duplicate groups the report shows.
pub const SAMPLE_GROUPS: usize = 10;

fn field_value(row: &Row, columns: &Value, field: &str) -> String {
    columns[field]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(|h| h.as_str())
                .filter_map(|h| row.get(h))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

impl Facts {
    /// Compute the figures from every aid row's facts, the summary and the first duplicate
    /// groups' rows.
    pub fn compute<'a>(
        rows: impl IntoIterator<Item = RowFacts<'a>>,
        summary: Value,
        duplicates: Vec<Row>,
        benefits: &Benefits,
    ) -> Facts {
        let mut facts = Facts {
            rows: 0,
            status_counts: BTreeMap::new(),
            reason_counts: BTreeMap::new(),
            savings_by_status: BTreeMap::new(),
            savings_total: 0,
            months: benefits.months,
            by_kecamatan: BTreeMap::new(),
            by_kelurahan: BTreeMap::new(),
            by_program: BTreeMap::new(),
            groups: summary["duplicates"]["groups"].as_u64().unwrap_or(0) as usize,
            summary,
            duplicates,
        };
        let (mut kec, mut kel, mut prog) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        // Area cells repeat: compute each distinct cell's key and label once.
        let mut area_cache: std::collections::HashMap<String, (String, String)> =
            std::collections::HashMap::new();
        let mut monthly_cache: std::collections::HashMap<String, u64> =
            std::collections::HashMap::new();
        // Rows repeat the same few statuses, programs and areas: count each distinct
        // combination once, then add it up.
        type Key<'k> = (
            &'k str,
            &'k str,
            std::borrow::Cow<'k, str>,
            std::borrow::Cow<'k, str>,
            std::borrow::Cow<'k, str>,
        );
        let mut combos: rustc_hash::FxHashMap<Key<'a>, u64> = Default::default();
        for d in rows {
            *combos
                .entry((d.status, d.reason, d.program, d.kecamatan, d.kelurahan))
                .or_default() += 1;
        }
        let mut combos: Vec<(Key<'a>, u64)> = combos.into_iter().collect();
        combos.sort_unstable();
        for ((status, reason, program, kecamatan, kelurahan), n) in combos {
            let d = RowFacts {
                status,
                reason,
                program,
                kecamatan,
                kelurahan,
            };
            facts.rows += n as usize;
            let monthly = match monthly_cache.get(d.program.as_ref()) {
                Some(&m) => m,
                None => {
                    let m = benefits.monthly(&d.program);
                    monthly_cache.insert(d.program.to_string(), m);
                    m
                }
            };
            let saved = if status == "VERIFIED" {
                0
            } else {
                monthly * u64::from(benefits.months) * n
            };
            *facts.status_counts.entry(status.to_string()).or_default() += n as usize;
            *facts.reason_counts.entry(d.reason.to_string()).or_default() += n as usize;
            *facts
                .savings_by_status
                .entry(status.to_string())
                .or_default() += saved;
            facts.savings_total += saved;
            let verified_row = status == "VERIFIED";
            let mut add = |m: &mut BTreeMap<String, [u64; 4]>, raw: &str, area: bool| {
                let (key, label) = if area {
                    if !area_cache.contains_key(raw) {
                        area_cache.insert(raw.to_string(), area_label(raw));
                    }
                    area_cache[raw].clone()
                } else {
                    let p = raw.trim().to_uppercase();
                    (
                        format!("program:{p}"),
                        if p.is_empty() { "-".to_string() } else { p },
                    )
                };
                let best = labels.entry(key.clone()).or_insert_with(|| label.clone());
                if label.matches(' ').count() > best.matches(' ').count() {
                    *best = label;
                }
                let e = m.entry(key).or_insert([0; 4]);
                e[0] += n;
                e[if verified_row { 1 } else { 2 }] += n;
                e[3] += saved;
            };
            add(&mut kec, &d.kecamatan, true);
            add(&mut kel, &d.kelurahan, true);
            add(&mut prog, &d.program, false);
        }
        // Show each area under one label however it was spelled.
        let relabel = |m: BTreeMap<String, [u64; 4]>| -> BTreeMap<String, [u64; 4]> {
            let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
            for (k, v) in m {
                let e = out
                    .entry(labels.get(&k).cloned().unwrap_or(k))
                    .or_insert([0; 4]);
                for i in 0..4 {
                    e[i] += v[i];
                }
            }
            out
        };
        facts.by_kecamatan = relabel(kec);
        facts.by_kelurahan = relabel(kel);
        facts.by_program = relabel(prog);
        facts
    }
}

/// A run's files read back: for `dedupe report`, which rebuilds the reports without
/// matching again.
pub struct RunFiles {
    pub summary: Value,
    pub decisions: Vec<Row>,
    pub verified_headers: Vec<String>,
    pub verified: Vec<Row>,
    pub rejected: Vec<Row>,
    pub duplicates: Vec<Row>,
}

impl RunFiles {
    pub fn read(out_dir: &Path) -> Result<RunFiles, LoadError> {
        let summary_path = out_dir.join(crate::io::output::SUMMARY);
        let summary: Value = std::fs::read_to_string(&summary_path)
            .map_err(|source| LoadError::Open {
                path: summary_path.clone(),
                source,
            })
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| LoadError::Csv {
                    path: summary_path.clone(),
                    row: 0,
                    message: e.to_string(),
                })
            })?;
        let (_, decisions) = read(&out_dir.join(crate::io::output::DECISIONS))?;
        let (verified_headers, verified) = read(&out_dir.join(crate::io::output::VERIFIED))?;
        let (_, rejected) = read(&out_dir.join(crate::io::output::REJECTED))?;
        let (_, duplicates) = read(&out_dir.join(crate::io::output::DUPLICATES))?;
        Ok(RunFiles {
            summary,
            decisions,
            verified_headers,
            verified,
            rejected,
            duplicates,
        })
    }

    /// The figures, with the given benefit amounts.
    pub fn facts(&self, benefits: &Benefits) -> Facts {
        let columns = &self.summary["aid"]["columns"];
        // Original cells per row: verified rows in decision order, rejected rows by number.
        let mut original: BTreeMap<&str, &Row> = self
            .rejected
            .iter()
            .map(|r| (r["row"].as_str(), r))
            .collect();
        let mut verified_iter = self.verified.iter();
        for d in self.decisions.iter().filter(|d| d["status"] == "VERIFIED") {
            if let Some(v) = verified_iter.next() {
                original.insert(d["row"].as_str(), v);
            }
        }
        let empty = Row::new();
        let rows = self.decisions.iter().map(|d| {
            let cells = original.get(d["row"].as_str()).copied().unwrap_or(&empty);
            RowFacts {
                status: &d["status"],
                reason: &d["reason"],
                program: field_value(cells, columns, "program").into(),
                kecamatan: field_value(cells, columns, "kecamatan").into(),
                kelurahan: field_value(cells, columns, "kelurahan").into(),
            }
        });
        Facts::compute(
            rows,
            self.summary.clone(),
            duplicate_sample(&self.duplicates),
            benefits,
        )
    }
}

/// The rows of the first [`SAMPLE_GROUPS`] groups.
pub fn duplicate_sample(rows: &[Row]) -> Vec<Row> {
    let mut out = Vec::new();
    let mut groups = 0;
    let mut last = "";
    for d in rows {
        if d["group_id"] != last {
            last = &d["group_id"];
            groups += 1;
            if groups > SAMPLE_GROUPS {
                break;
            }
        }
        out.push(d.clone());
    }
    out
}

impl SheetRows for RunFiles {
    fn aid_headers(&self) -> Vec<String> {
        self.verified_headers
            .iter()
            .filter(|h| *h != "register_nik")
            .cloned()
            .collect()
    }
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        let aid = self.aid_headers();
        let (headers, rows): (Vec<String>, &Vec<Row>) = match sheet {
            Sheet::Verified => {
                let mut h = aid;
                h.push("register_nik".into());
                (h, &self.verified)
            }
            Sheet::Duplicates => (
                DUPLICATES_HEADER.map(String::from).to_vec(),
                &self.duplicates,
            ),
            Sheet::Rejected => {
                let mut h: Vec<String> = REJECTED_LEAD.map(String::from).to_vec();
                h.extend(aid);
                (h, &self.rejected)
            }
        };
        let mut cells: Vec<&str> = Vec::with_capacity(headers.len());
        for row in rows {
            cells.clear();
            cells.extend(
                headers
                    .iter()
                    .map(|h| row.get(h).map_or("", String::as_str)),
            );
            f(&cells)?;
        }
        Ok(())
    }
}

/// The grouping key of an area cell and a label for it: `KEL. SUNGAI NANGKA`,
/// `SUNGAINANGKA` and `Sungai Nangka` share the key `SUNGAINANGKA`; the label is upper case
/// without prefixes (the spelling with most spaces wins, so `SUNGAI NANGKA`).
fn area_label(raw: &str) -> (String, String) {
    let key = crate::normalize::address::area_key(raw);
    if key.is_empty() {
        return ("-".to_string(), "-".to_string());
    }
    let tokens: Vec<String> = raw
        .to_uppercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    let start = tokens
        .iter()
        .take_while(|t| {
            matches!(
                t.as_str(),
                "KEL" | "KELURAHAN" | "KEC" | "KECAMATAN" | "DESA" | "DS"
            )
        })
        .count()
        .min(tokens.len().saturating_sub(1));
    (key, tokens[start..].join(" "))
}

/// `Rp 1.234.567.890` (Indonesian) or `Rp 1,234,567,890` (English).
pub fn rupiah(v: u64, lang: Lang) -> String {
    let digits = v.to_string();
    let sep = if lang == Lang::Id { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    format!("Rp {out}")
}

/// `Rp 1,23 miliar`, `Rp 45,6 juta` (or billion/million in English).
pub fn rupiah_words(v: u64, lang: Lang) -> String {
    let (div, id, en) = if v >= 1_000_000_000 {
        (1e9, "miliar", "billion")
    } else if v >= 1_000_000 {
        (1e6, "juta", "million")
    } else {
        return rupiah(v, lang);
    };
    let x = format!("{:.2}", v as f64 / div);
    let x = x.trim_end_matches('0').trim_end_matches('.');
    match lang {
        Lang::Id => format!("Rp {} {id}", x.replace('.', ",")),
        Lang::En => format!("Rp {x} {en}"),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn t(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Id {
        id
    } else {
        en
    }
}

fn status_label(s: &str, lang: Lang) -> &'static str {
    match s {
        "VERIFIED" => t(lang, "Terverifikasi (dibayar)", "Verified (paid)"),
        "DUPLICATE" => t(lang, "Data ganda", "Duplicate"),
        "NAME_MISMATCH" => t(lang, "NIK milik orang lain", "NIK of someone else"),
        "DECEASED" => t(lang, "Meninggal dunia", "Deceased"),
        "MOVED_OUT" => t(lang, "Pindah keluar", "Moved out"),
        "NOT_IN_REGISTER" => t(lang, "Tidak terdaftar", "Not in register"),
        "INVALID_NIK" => t(lang, "NIK tidak valid", "Invalid NIK"),
        "NIK_DAMAGED" => t(lang, "NIK rusak (Excel)", "NIK damaged (Excel)"),
        _ => "-",
    }
}

/// A horizontal SVG bar chart of the largest values.
fn bars(items: &[(String, u64)], lang: Lang) -> String {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let h = 18 * items.len() + 4;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"{h}\" role=\"img\">"
    );
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 18 * i + 2;
        let w = (*v as f64 / max as f64 * 330.0).round() as u64;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text><rect x=\"190\" y=\"{y}\" width=\"{w}\" height=\"13\" fill=\"#2f6f9f\"/><text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>",
            y + 11,
            esc(&label.chars().take(28).collect::<String>()),
            195 + w,
            y + 11,
            esc(&rupiah_words(*v, lang))
        );
    }
    s.push_str("</svg>");
    s
}

fn area_table(title: &str, m: &BTreeMap<String, [u64; 4]>, lang: Lang, limit: usize) -> String {
    let mut rows: Vec<(&String, &[u64; 4])> = m.iter().collect();
    rows.sort_by(|a, b| b.1[3].cmp(&a.1[3]).then(a.0.cmp(b.0)));
    rows.truncate(limit);
    let mut s = format!(
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(title),
        esc(title),
        t(lang, "Baris", "Rows"),
        t(lang, "Dibayar", "Paid"),
        t(lang, "Ditahan", "Withheld"),
        t(lang, "Penghematan", "Savings")
    );
    for (k, v) in &rows {
        let _ = write!(s, "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>", esc(k), v[0], v[1], v[2], rupiah(v[3], lang));
    }
    s.push_str("</table>");
    let chart: Vec<(String, u64)> = rows.iter().map(|(k, v)| ((*k).clone(), v[3])).collect();
    s.push_str(&bars(&chart, lang));
    s
}

/// The HTML report.
pub fn html(f: &Facts, lang: Lang) -> String {
    let c = |k: &str| f.status_counts.get(k).copied().unwrap_or(0);
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         @page{{size:A4;margin:16mm}}body{{font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#1b1b1b;max-width:760px;margin:auto}}\
         h1{{font-size:20px}}h2{{font-size:15px;border-bottom:1px solid #999;margin-top:22px}}table{{border-collapse:collapse;width:100%;margin:6px 0}}\
         td,th{{border:1px solid #bbb;padding:3px 6px;text-align:left}}td.n{{text-align:right}}.big{{font-size:22px;font-weight:bold;color:#1d4f73}}\
         .grid{{display:flex;flex-wrap:wrap;gap:8px}}.card{{border:1px solid #bbb;padding:6px 10px;min-width:150px}}small{{color:#555}}\
         </style></head><body>",
        if lang == Lang::Id { "id" } else { "en" },
        t(lang, "Laporan verifikasi penerima bantuan sosial", "Social-aid recipient verification report")
    );
    let _ = write!(
        s,
        "<h1>{}</h1>",
        t(
            lang,
            "Laporan verifikasi penerima bantuan sosial",
            "Social-aid recipient verification report"
        )
    );
    let _ = write!(
        s,
        "<h2>{}</h2><div class=grid>",
        t(lang, "Ringkasan", "Summary")
    );
    let cards: [(&str, usize); 7] = [
        (t(lang, "Baris diperiksa", "Rows checked"), f.rows),
        (status_label("VERIFIED", lang), c("VERIFIED")),
        (status_label("DUPLICATE", lang), c("DUPLICATE")),
        (status_label("DECEASED", lang), c("DECEASED")),
        (
            status_label("NOT_IN_REGISTER", lang),
            c("NOT_IN_REGISTER") + c("MOVED_OUT"),
        ),
        (
            t(lang, "NIK tidak valid/rusak", "Invalid or damaged NIK"),
            c("INVALID_NIK") + c("NIK_DAMAGED"),
        ),
        (status_label("NAME_MISMATCH", lang), c("NAME_MISMATCH")),
    ];
    for (label, n) in cards {
        let _ = write!(
            s,
            "<div class=card><small>{}</small><div class=big>{n}</div></div>",
            esc(label)
        );
    }
    s.push_str("</div>");
    let _ = write!(
        s,
        "<h2>{}</h2><p class=big>{}</p><p>{} ({}): {}. {}</p><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "Penghematan anggaran", "Budget savings"),
        esc(&rupiah_words(f.savings_total, lang)),
        esc(&rupiah(f.savings_total, lang)),
        match lang {
            Lang::Id => format!("{} bulan", f.months),
            Lang::En => format!("{} months", f.months),
        },
        t(lang, "baris yang tidak dibayar x besaran bantuan programnya x jumlah bulan", "rows withheld x their program's monthly benefit x months"),
        t(lang, "Besaran bantuan diatur di bagian [benefits] konfigurasi.", "Benefit amounts are set in the [benefits] section of the config."),
        t(lang, "Status", "Status"),
        t(lang, "Baris", "Rows"),
        t(lang, "Penghematan", "Savings"),
    );
    for (k, v) in &f.savings_by_status {
        if k != "VERIFIED" {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                status_label(k, lang),
                c(k),
                rupiah(*v, lang)
            );
        }
    }
    s.push_str("</table>");
    s.push_str(&area_table(
        t(lang, "Kecamatan", "Kecamatan"),
        &f.by_kecamatan,
        lang,
        40,
    ));
    s.push_str(&area_table(
        t(lang, "Kelurahan (30 terbesar)", "Kelurahan (top 30)"),
        &f.by_kelurahan,
        lang,
        30,
    ));
    s.push_str(&area_table(
        t(lang, "Program", "Program"),
        &f.by_program,
        lang,
        20,
    ));
    let _ = write!(
        s,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th></tr>",
        t(lang, "Kualitas data", "Data quality"),
        t(lang, "Masalah", "Issue"),
        t(lang, "Baris", "Rows")
    );
    let quality: [(&str, &str); 11] = [
        (
            "NIK_SCIENTIFIC",
            t(
                lang,
                "NIK rusak oleh Excel (format ilmiah)",
                "NIK in scientific notation (Excel)",
            ),
        ),
        (
            "NIK_ROUNDED",
            t(
                lang,
                "NIK dibulatkan Excel (digit ke-16)",
                "NIK rounded by Excel (16th digit)",
            ),
        ),
        (
            "NIK_FLOAT_PRECISION",
            t(
                lang,
                "NIK disimpan sebagai angka desimal",
                "NIK stored as a float",
            ),
        ),
        (
            "NIK_CORRECTED",
            t(
                lang,
                "NIK salah/rusak, penerima tetap dikenali",
                "NIK wrong or damaged, recipient recognised",
            ),
        ),
        (
            "NIK_LENGTH",
            t(lang, "NIK tidak 16 digit", "NIK not 16 digits"),
        ),
        (
            "NIK_NON_DIGIT",
            t(lang, "NIK berisi huruf", "NIK with letters"),
        ),
        ("NIK_EMPTY", t(lang, "NIK kosong", "NIK empty")),
        (
            "NIK_DATE",
            t(lang, "Tanggal pada NIK tidak valid", "Invalid date in NIK"),
        ),
        (
            "NIK_PROVINCE",
            t(
                lang,
                "Kode provinsi NIK tidak dikenal",
                "Unknown province code",
            ),
        ),
        (
            "NIK_REGION",
            t(lang, "Kode wilayah NIK 00", "Region code 00"),
        ),
        ("NIK_SERIAL", t(lang, "Nomor urut NIK 0000", "Serial 0000")),
    ];
    let aq = &f.summary["aid_quality"];
    let more: [(&str, &str); 6] = [
        (
            "birth_date_missing",
            t(lang, "Tanggal lahir kosong", "Birth date missing"),
        ),
        (
            "birth_date_unreadable",
            t(lang, "Tanggal lahir tidak terbaca", "Birth date unreadable"),
        ),
        (
            "birth_date_placeholder",
            t(
                lang,
                "Tanggal lahir pengganti (1 Jan, 1 Jul, 31 Des)",
                "Placeholder birth date (1 Jan, 1 Jul, 31 Dec)",
            ),
        ),
        (
            "sex_unreadable",
            t(lang, "Jenis kelamin tidak terbaca", "Sex unreadable"),
        ),
        ("kk_missing", t(lang, "No. KK kosong", "KK number missing")),
        (
            "kk_invalid",
            t(lang, "No. KK tidak valid", "KK number invalid"),
        ),
    ];
    for (key, label) in more {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=n>{}</td></tr>",
            esc(label),
            aq[key].as_u64().unwrap_or(0)
        );
    }
    for (code, label) in quality {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=n>{}</td></tr>",
            esc(label),
            f.reason_counts.get(code).copied().unwrap_or(0)
        );
    }
    s.push_str("</table>");
    let _ = write!(
        s,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>NIK</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "Contoh kelompok data ganda", "Sample duplicate groups"),
        t(lang, "Kelompok", "Group"),
        t(lang, "Baris", "Row"),
        t(lang, "Nama", "Name"),
        t(lang, "Alamat", "Address"),
        t(lang, "Dibayar", "Paid"),
    );
    let mut shown = 0;
    let mut last = String::new();
    for d in &f.duplicates {
        if d["group_id"] != last {
            last = d["group_id"].clone();
            shown += 1;
            if shown > SAMPLE_GROUPS {
                break;
            }
        }
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d["group_id"]),
            esc(&d["row"]),
            esc(&mask(&d["nik"])),
            esc(&d["name"]),
            esc(&format!("{} {}", d["address"], d["kelurahan"])),
            if d["kept"] == "true" {
                t(lang, "ya", "yes")
            } else {
                t(lang, "tidak", "no")
            }
        );
    }
    s.push_str("</table>");
    let sm = &f.summary;
    let _ = write!(
        s,
        "<h2>{}</h2><p>{}</p><table><tr><td>{}</td><td>dedupe {}</td></tr><tr><td>{}</td><td>{}<br><small>SHA-256 {}</small></td></tr><tr><td>{}</td><td>{}<br><small>SHA-256 {}</small></td></tr><tr><td>{}</td><td><small>{}</small></td></tr></table></body></html>",
        t(lang, "Cara pemeriksaan dan metadata", "Method and metadata"),
        t(lang, "Setiap baris daftar bantuan dicocokkan dengan data kependudukan: NIK persis lebih dulu, lalu pencocokan nama, tanggal lahir, alamat dan digit NIK yang tersisa untuk NIK yang salah ketik atau rusak. Penerima yang tercatat lebih dari sekali hanya dibayar satu kali. NIK ditampilkan tersamar.", "Each aid row is matched to the population register: the exact NIK first, then name, birth date, address and the surviving NIK digits for mistyped or damaged NIKs. Recipients listed more than once are paid once. NIKs are masked."),
        t(lang, "Versi", "Version"),
        esc(sm["version"].as_str().unwrap_or("")),
        t(lang, "Daftar bantuan", "Aid list"),
        esc(sm["aid"]["path"].as_str().unwrap_or("")),
        esc(sm["aid"]["sha256"].as_str().unwrap_or("")),
        t(lang, "Data kependudukan", "Register"),
        esc(sm["register"]["path"].as_str().unwrap_or("")),
        esc(sm["register"]["sha256"].as_str().unwrap_or("")),
        t(lang, "Konfigurasi", "Configuration"),
        esc(&sm["config"]["match"].to_string()),
    );
    s.push('\n');
    s
}

/// The workbook, ready to save.
pub fn xlsx(
    f: &Facts,
    source: &dyn SheetRows,
    lang: Lang,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    // Ringkasan
    let ws = wb.add_worksheet();
    ws.set_name("Ringkasan")?;
    ws.write_string_with_format(0, 0, t(lang, "Keterangan", "Item"), &bold)?;
    ws.write_string_with_format(0, 1, t(lang, "Baris", "Rows"), &bold)?;
    ws.write_string_with_format(0, 2, t(lang, "Penghematan (Rp)", "Savings (Rp)"), &bold)?;
    let mut r = 1;
    ws.write_string(r, 0, t(lang, "Baris diperiksa", "Rows checked"))?;
    ws.write_number(r, 1, f.rows as f64)?;
    for (k, n) in &f.status_counts {
        r += 1;
        ws.write_string(r, 0, status_label(k, lang))?;
        ws.write_number(r, 1, *n as f64)?;
        ws.write_number(
            r,
            2,
            f.savings_by_status.get(k).copied().unwrap_or(0) as f64,
        )?;
    }
    r += 1;
    ws.write_string_with_format(r, 0, t(lang, "Total penghematan", "Total savings"), &bold)?;
    ws.write_number_with_format(r, 2, f.savings_total as f64, &bold)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "Bulan", "Months"))?;
    ws.write_number(r, 1, f64::from(f.months))?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 10)?;
    ws.set_column_width(2, 20)?;
    ws.set_freeze_panes(1, 0)?;
    // Row sheets: every cell as text, so NIK and KK never become numbers. Written in
    // constant-memory mode (inline strings, rows streamed to a temporary file).
    let aid = source.aid_headers();
    let sheets: [(&str, Sheet, Vec<String>); 3] = [
        ("Terverifikasi", Sheet::Verified, {
            let mut h = aid.clone();
            h.push("register_nik".into());
            h
        }),
        (
            "Data Ganda",
            Sheet::Duplicates,
            DUPLICATES_HEADER.map(String::from).to_vec(),
        ),
        ("Ditolak", Sheet::Rejected, {
            let mut h: Vec<String> = REJECTED_LEAD.map(String::from).to_vec();
            h.extend(aid.iter().cloned());
            h
        }),
    ];
    let mut kinds = Vec::new();
    for (name, sheet, headers) in sheets {
        // Column widths from the first rows (they must be set before rows are streamed).
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        let mut seen = 0;
        let _ = source.each_row(sheet, &mut |cells| {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(c.chars().count());
            }
            seen += 1;
            if seen >= 200 {
                // Stop early: enough rows seen.
                return Err(rust_xlsxwriter::XlsxError::ParameterError(String::new()));
            }
            Ok(())
        });
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(name)?;
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, ((*w).min(60) + 2) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        kinds.push(sheet);
    }
    // The row sheets are filled side by side (each streams to its own temporary file).
    let row_sheets = &mut wb.worksheets_mut()[1..];
    use rayon::prelude::*;
    let filled: Vec<Result<(), rust_xlsxwriter::XlsxError>> = row_sheets
        .par_iter_mut()
        .zip(kinds.par_iter())
        .map(|(ws, &sheet)| fill_sheet(ws, sheet, source, &text))
        .collect();
    for f in filled {
        f?;
    }
    Ok(wb)
}

/// Stream one row sheet's rows into its worksheet.
fn fill_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    sheet: Sheet,
    source: &dyn SheetRows,
    text: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut r: u32 = 0;
    source.each_row(sheet, &mut |cells| {
        r += 1;
        for (c, v) in cells.iter().enumerate() {
            // Digit strings (NIK, KK, RT, codes) carry the text format so that Excel keeps
            // them as text when edited; other cells need no format (looking a format up
            // costs a hash of it per cell).
            if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                ws.write_string_with_format(r, c as u16, xlsx_cell(v), text)?;
            } else {
                ws.write_string(r, c as u16, xlsx_cell(v))?;
            }
        }
        Ok(())
    })
}

/// The reports' view of a run's results in memory.
pub trait RunFacts {
    /// What the officials' reports need of every row, in input order.
    fn row_facts(&self) -> impl Iterator<Item = RowFacts<'_>> + '_;
    /// The rows of the first duplicate groups, by column name (for the report's sample).
    fn duplicate_sample(&self) -> Vec<Row>;
}

impl RunFacts for RunOutput<'_> {
    fn row_facts(&self) -> impl Iterator<Item = RowFacts<'_>> + '_ {
        self.decisions.iter().map(move |d| {
            let get = |f: Field| {
                let v = self.aid_map.get(self.aid_table, f, d.row);
                match v {
                    std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.trim()),
                    std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o.trim().to_string()),
                }
            };
            RowFacts {
                status: d.status.code(),
                reason: d.reason,
                program: get(Field::Program),
                kecamatan: get(Field::Kecamatan),
                kelurahan: get(Field::Kelurahan),
            }
        })
    }

    fn duplicate_sample(&self) -> Vec<Row> {
        let mut out = Vec::new();
        let _ = self.each_duplicate(0..SAMPLE_GROUPS, |rec| {
            out.push(
                DUPLICATES_HEADER
                    .iter()
                    .zip(rec)
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect(),
            );
            Ok::<(), ()>(())
        });
        out
    }
}

impl SheetRows for RunOutput<'_> {
    fn aid_headers(&self) -> Vec<String> {
        self.aid_table
            .headers()
            .into_iter()
            .map(String::from)
            .collect()
    }
    fn each_row(
        &self,
        sheet: Sheet,
        f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        match sheet {
            Sheet::Verified => self.each_verified(f),
            Sheet::Rejected => self.each_rejected(f),
            Sheet::Duplicates => self.each_duplicate(0..usize::MAX, f),
        }
    }
}

/// Excel's limit on the characters of one cell.
pub const XLSX_CELL_MAX: usize = 32_767;

/// A cell cut to Excel's limit, with a marker, so that an oversized cell never fails the
/// workbook.
pub fn xlsx_cell(v: &str) -> std::borrow::Cow<'_, str> {
    if v.len() <= XLSX_CELL_MAX {
        return v.into();
    }
    const MARK: &str = " [...]";
    let keep = XLSX_CELL_MAX - MARK.len();
    let cut = v
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|&end| end <= keep)
        .last()
        .unwrap_or(0);
    // Characters, not bytes, are what Excel counts; bytes are never fewer.
    format!("{}{MARK}", &v[..cut]).into()
}

/// Write `report.html` and `report.xlsx` into the out folder (the two in parallel).
pub fn write_reports_with(
    out_dir: &Path,
    facts: &Facts,
    source: &dyn SheetRows,
    lang: Lang,
) -> Result<(), crate::core::error::Error> {
    let (page, book) = rayon::join(
        || {
            let page = html(facts, lang);
            write_atomic(out_dir, "report.html", |w| w.write_all(page.as_bytes()))
        },
        || {
            let path = out_dir.join("report.xlsx");
            let err = |e: rust_xlsxwriter::XlsxError| WriteError::Other {
                path: path.clone(),
                message: e.to_string(),
            };
            let book = xlsx(facts, source, lang)
                .and_then(|mut wb| wb.save_to_buffer())
                .map_err(err)?;
            write_atomic(out_dir, "report.xlsx", |w| w.write_all(&book))
        },
    );
    page?;
    book?;
    Ok(())
}

/// Rebuild `report.html` and `report.xlsx` from a run's files (`dedupe report`).
pub fn write_reports(
    out_dir: &Path,
    benefits: &Benefits,
    lang: Lang,
) -> Result<Facts, crate::core::error::Error> {
    let files = RunFiles::read(out_dir)?;
    let facts = files.facts(benefits);
    write_reports_with(out_dir, &facts, &files, lang)?;
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_formats() {
        assert_eq!(rupiah(1_234_567_890, Lang::Id), "Rp 1.234.567.890");
        assert_eq!(rupiah(1_234_567_890, Lang::En), "Rp 1,234,567,890");
        assert_eq!(rupiah(0, Lang::Id), "Rp 0");
        assert_eq!(rupiah(999, Lang::Id), "Rp 999");
        assert_eq!(rupiah_words(1_234_567_890, Lang::Id), "Rp 1,23 miliar");
        assert_eq!(rupiah_words(45_600_000, Lang::Id), "Rp 45,6 juta");
        assert_eq!(rupiah_words(2_000_000_000, Lang::En), "Rp 2 billion");
        assert_eq!(rupiah_words(500_000, Lang::Id), "Rp 500.000");
    }

    #[test]
    fn oversized_cells_are_cut_with_a_marker() {
        for big in [
            "x".repeat(1_000_000),
            "é".repeat(40_000),
            "9".repeat(32_768),
        ] {
            let cut = xlsx_cell(&big);
            assert!(cut.chars().count() <= XLSX_CELL_MAX, "{}", cut.len());
            assert!(cut.ends_with(" [...]"));
        }
        let fits = "y".repeat(XLSX_CELL_MAX);
        assert_eq!(xlsx_cell(&fits), fits.as_str());
        assert_eq!(xlsx_cell("SITI"), "SITI");
    }

    #[test]
    fn html_escapes() {
        assert_eq!(esc("<b>&\"x\""), "&lt;b&gt;&amp;&quot;x&quot;");
    }
}
