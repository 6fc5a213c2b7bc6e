//! The clerical-review outputs and the reviewers' decisions file.
//!
//! In: the review queue ([`crate::matching::review::queue`]), the aid table with its field
//! map, the aid and register records, the benefit amounts. Out: `review.csv` (one line per
//! row to review, the candidates side by side, ordered by the Rupiah at stake times the
//! doubt), `review.html` (a self-contained page to decide them, exporting `keputusan.csv`),
//! `review-rt.xlsx` (the same rows as worklists, a sheet per kelurahan sorted by RT), and
//! [`read_decisions`] for `--decisions keputusan.csv`.
//!
//! Every row carries `row_hash`: a hash of its key cells (NIK, name, birth date, KK,
//! address). A decision is applied only when the row still has that hash: a decision for
//! a row whose data changed since it was reviewed is stale and is reported, not applied.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::core::config::{Benefits, Field, Lang};
use crate::core::error::WriteError;
use crate::core::status::Status;
use crate::io::files::{REVIEW_CSV, REVIEW_HTML, REVIEW_XLSX};
use crate::io::load::{FieldMap, Table};
use crate::io::xlsx::XLSX_LAST_ROW;
use crate::matching::record::{Rec, Records};
use crate::matching::review::{ReviewItem, ReviewKind};
use crate::matching::verdicts::Candidate;
use crate::matching::verify::Decision;
use crate::normalize::nik::NikParse;
use crate::normalize::sex::Sex;

/// The hash of an aid row's key cells (16 hex digits of SHA-256).
pub fn row_hash(table: &Table, map: &FieldMap, row: usize) -> String {
    let mut h = Sha256::new();
    for f in [
        Field::Nik,
        Field::Name,
        Field::BirthDate,
        Field::Kk,
        Field::Address,
    ] {
        h.update(map.get(table, f, row).trim().as_bytes());
        h.update([0x1f]);
    }
    let d = h.finalize();
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// One person as the review shows it: normalized values, so that both sides compare alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Shown {
    /// `register` or `aid`.
    pub source: String,
    /// 1-based row in its file.
    pub row: usize,
    pub nik: String,
    pub name: String,
    pub birth_date: String,
    pub sex: String,
    pub kk: String,
    pub address: String,
    pub rt: String,
    pub kelurahan: String,
    pub status: String,
}

pub(crate) const SHOWN_FIELDS: [&str; 8] = [
    "nik",
    "name",
    "birth_date",
    "sex",
    "kk",
    "address",
    "rt",
    "kelurahan",
];

fn shown(source: &'static str, p: Rec<'_>) -> Shown {
    use NikParse;
    let nik = match p.nik() {
        NikParse::Valid { nik, .. } => nik.to_string(),
        NikParse::Generic(id) => id.clone(),
        NikParse::Damaged { digits, .. } => format!("{digits}?"),
        NikParse::Invalid { cleaned, .. } => cleaned.clone(),
    };
    Shown {
        source: source.to_string(),
        row: p.row as usize + 1,
        nik,
        name: p.name().join(" "),
        birth_date: p
            .birth
            .map(|b| b.date.format("%d-%m-%Y").to_string())
            .unwrap_or_default(),
        sex: match p.sex {
            Some(Sex::Male) => "L".to_string(),
            Some(Sex::Female) => "P".to_string(),
            None => String::new(),
        },
        kk: p.kk.map(|k| format!("{:016}", k.get())).unwrap_or_default(),
        address: p.street().join(" "),
        rt: p.rtrw.rt.map(|r| format!("{r:03}")).unwrap_or_default(),
        kelurahan: p.kelurahan().to_string(),
        // The register's life status, empty for a person alive and resident.
        status: match crate::matching::link::life_status_as(p, "").0 {
            Status::Verified => String::new(),
            other => other.code().to_string(),
        },
    }
}

impl Shown {
    pub fn field(&self, f: &str) -> &str {
        match f {
            "nik" => &self.nik,
            "name" => &self.name,
            "birth_date" => &self.birth_date,
            "sex" => &self.sex,
            "kk" => &self.kk,
            "address" => &self.address,
            "rt" => &self.rt,
            "kelurahan" => &self.kelurahan,
            _ => "",
        }
    }
}

/// One row of the review, ready to write.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReviewRow {
    /// 1-based position in the queue (the order of review).
    pub rank: usize,
    /// 1-based aid row.
    pub row: usize,
    pub aid_id: String,
    pub row_hash: String,
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub doubt: f64,
    /// Rupiah at stake over the configured months.
    pub amount: u64,
    pub program: String,
    /// As written in the aid list (for the worklists).
    pub kelurahan_label: String,
    pub rt: String,
    pub aid: Shown,
    pub candidates: Vec<Shown>,
    /// The run's evidence for the row: the weights per field.
    pub evidence: String,
}

/// The review rows, ordered by amount x doubt (largest first), then aid row.
#[allow(clippy::too_many_arguments)]
pub fn rows(
    items: &[ReviewItem],
    table: &Table,
    map: &FieldMap,
    aid: &Records,
    register: &Records,
    decisions: &[Decision],
    benefits: &Benefits,
) -> Vec<ReviewRow> {
    let mut out: Vec<ReviewRow> = items
        .iter()
        .map(|it| {
            let cell = |f: Field| map.get(table, f, it.row).trim().to_string();
            let program = cell(Field::Program);
            let amount = benefits.monthly(&program) * u64::from(benefits.months);
            let d = &decisions[it.row];
            let a = aid.get(it.row);
            ReviewRow {
                rank: 0,
                row: it.row + 1,
                aid_id: cell(Field::AidId),
                row_hash: row_hash(table, map, it.row),
                kind: it.kind.code().to_string(),
                status: d.status.code().to_string(),
                reason: d.reason.to_string(),
                doubt: it.doubt,
                amount,
                program,
                kelurahan_label: cell(Field::Kelurahan).to_uppercase(),
                rt: a.rtrw.rt.map(|r| format!("{r:03}")).unwrap_or_default(),
                aid: shown("aid", a),
                candidates: it
                    .candidates
                    .iter()
                    .map(|c| match *c {
                        Candidate::Register(r) => shown("register", register.get(r)),
                        Candidate::Aid(r) => shown("aid", aid.get(r)),
                    })
                    .collect(),
                evidence: d.evidence.clone(),
            }
        })
        .collect();
    rank(&mut out);
    out
}

/// Order the review rows by amount x doubt (largest first), then aid row and kind, and
/// number them.
pub fn rank(rows: &mut [ReviewRow]) {
    rows.sort_by(|x, y| {
        let (vx, vy) = (x.amount as f64 * x.doubt, y.amount as f64 * y.doubt);
        vy.total_cmp(&vx)
            .then(x.row.cmp(&y.row))
            .then(x.kind.cmp(&y.kind))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
    }
}

/// The candidate reference a decision names: `register:NIK` or `aid:ROW` (1-based).
pub(crate) fn candidate_ref(c: &Shown) -> String {
    format!(
        "{}:{}",
        c.source,
        if c.source == "aid" {
            c.row.to_string()
        } else {
            c.nik.clone()
        }
    )
}

/// `review.csv`: one line per row to review, up to two candidates side by side.
pub(crate) fn write_csv(w: &mut dyn Write, rows: &[ReviewRow]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<String> = [
        "rank",
        "row",
        "aid_id",
        "row_hash",
        "kind",
        "status",
        "reason",
        "doubt",
        "amount_rp",
        "program",
        "kelurahan",
        "rt",
    ]
    .map(String::from)
    .to_vec();
    for side in ["aid", "candidate1", "candidate2"] {
        if side != "aid" {
            header.push(format!("{side}_ref"));
        }
        for f in SHOWN_FIELDS {
            header.push(format!("{side}_{f}"));
        }
    }
    header.push("evidence".to_string());
    out.write_record(&header)?;
    for r in rows {
        let mut rec: Vec<String> = vec![
            r.rank.to_string(),
            r.row.to_string(),
            r.aid_id.clone(),
            r.row_hash.clone(),
            r.kind.to_string(),
            r.status.clone(),
            r.reason.clone(),
            format!("{:.2}", r.doubt),
            r.amount.to_string(),
            r.program.clone(),
            r.kelurahan_label.clone(),
            r.rt.clone(),
        ];
        rec.extend(SHOWN_FIELDS.iter().map(|f| r.aid.field(f).to_string()));
        for k in 0..2 {
            match r.candidates.get(k) {
                Some(c) => {
                    rec.push(candidate_ref(c));
                    rec.extend(SHOWN_FIELDS.iter().map(|f| c.field(f).to_string()));
                }
                None => rec.extend((0..=SHOWN_FIELDS.len()).map(|_| String::new())),
            }
        }
        rec.push(r.evidence.clone());
        out.write_record(rec.iter().map(|c| crate::io::cells::formula_safe_bytes(c)))?;
    }
    out.flush()
}

/// Counts for `summary.json`: the queue's size per kind, and the thresholds behind it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ReviewSummary {
    pub rows: usize,
    pub by_kind: BTreeMap<String, usize>,
    pub amount_rp: u64,
    /// The RTs with the most rows to review (kelurahan as written, RT), largest first.
    pub by_rt: Vec<RtCount>,
    /// Reviewers' decisions given with `--decisions`.
    pub decisions: Option<DecisionCounts>,
}

/// Rows to review in one RT.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct RtCount {
    pub kelurahan: String,
    pub rt: String,
    pub rows: usize,
}

/// How many RTs `summary.json` and the report list.
pub(crate) const TOP_RTS: usize = 30;

/// What became of the decisions given with `--decisions`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct DecisionCounts {
    pub read: usize,
    pub applied: usize,
    /// The row's key cells changed since the decision (hash differs): not applied.
    pub stale: usize,
    /// No such aid row or ID, or the candidate is not in this run's files.
    pub unknown: usize,
    /// `skip` decisions.
    pub skipped: usize,
}

pub fn summary(rows: &[ReviewRow]) -> ReviewSummary {
    let mut by_kind: BTreeMap<String, usize> = ReviewKind::ALL
        .iter()
        .map(|k| (k.code().to_string(), 0))
        .collect();
    for r in rows {
        *by_kind.entry(r.kind.to_string()).or_default() += 1;
    }
    let mut rt: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in rows {
        *rt.entry((r.kelurahan_label.as_str(), r.rt.as_str()))
            .or_default() += 1;
    }
    let mut by_rt: Vec<RtCount> = rt
        .into_iter()
        .map(|((k, t), n)| RtCount {
            kelurahan: if k.is_empty() {
                "-".into()
            } else {
                k.to_string()
            },
            rt: if t.is_empty() {
                "-".into()
            } else {
                t.to_string()
            },
            rows: n,
        })
        .collect();
    by_rt.sort_by(|a, b| {
        b.rows
            .cmp(&a.rows)
            .then(a.kelurahan.cmp(&b.kelurahan))
            .then(a.rt.cmp(&b.rt))
    });
    by_rt.truncate(TOP_RTS);
    ReviewSummary {
        rows: rows.len(),
        by_kind,
        amount_rp: rows.iter().map(|r| r.amount).sum(),
        by_rt,
        decisions: None,
    }
}

/// One line of `keputusan.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecisionIn {
    /// 1-based aid row.
    pub row: usize,
    pub aid_id: String,
    pub row_hash: String,
    /// `register:NIK` or `aid:ROW`.
    pub candidate: String,
    /// `same`, `different` or `skip`.
    pub decision: String,
    pub reviewer: String,
    pub time: String,
}

/// Read a decisions file (`keputusan.csv` as the review page exports it; `,` or `;`).
pub(crate) fn read_decisions(path: &Path) -> Result<Vec<DecisionIn>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let text = text.trim_start_matches('\u{feff}');
    let delim = if text.lines().next().is_some_and(|l| l.contains(';')) {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("no column `{name}` (expected the columns row, aid_id, row_hash, candidate, decision, reviewer, time)"))
    };
    let (c_row, c_id, c_hash, c_cand, c_dec) = (
        col("row")?,
        col("aid_id")?,
        col("row_hash")?,
        col("candidate")?,
        col("decision")?,
    );
    let (c_rev, c_time) = (col("reviewer").ok(), col("time").ok());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| format!("line {}: {e}", i + 2))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_string();
        let row: usize = get(c_row)
            .parse()
            .map_err(|_| format!("line {}: row `{}` is not a row number", i + 2, get(c_row)))?;
        let decision = get(c_dec).to_lowercase();
        if !matches!(decision.as_str(), "same" | "different" | "skip") {
            return Err(format!(
                "line {}: decision `{decision}` (expected same, different or skip)",
                i + 2
            ));
        }
        out.push(DecisionIn {
            row,
            aid_id: get(c_id),
            row_hash: get(c_hash),
            candidate: get(c_cand),
            decision,
            reviewer: c_rev.map(get).unwrap_or_default(),
            time: c_time.map(get).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The review page's data and words.
pub fn html(rows: &[ReviewRow], lang: Lang, run_id: &str) -> String {
    let strings: BTreeMap<&str, &str> = crate::io::strings::table(lang).iter().copied().collect();
    let data = serde_json::json!({
        "run": run_id,
        "fields": SHOWN_FIELDS,
        "rows": rows,
    });
    // The JSON sits in a script element: no cell may end it (`</script>`) or open a
    // comment or another script (`<!--`, `<script`), nor break a line for JavaScript.
    let json = script_safe(&data.to_string());
    let ctx = minijinja::context! {
        lang => if lang == Lang::Id { "id" } else { "en" },
        t => strings,
        data => json,
        count => rows.len(),
    };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    match env
        .add_template("review.html", REVIEW_TEMPLATE)
        .and_then(|()| env.get_template("review.html"))
        .and_then(|tpl| tpl.render(ctx))
    {
        Ok(mut page) => {
            page.push('\n');
            page
        }
        Err(e) => format!("<!DOCTYPE html><p>review template error: {e}</p>\n"),
    }
}

const REVIEW_TEMPLATE: &str = include_str!("review.html.j2");

/// JSON text made safe inside a `<script>` element: `<`, `>`, `&` and the line and
/// paragraph separators written as `\u` escapes, which JSON reads as the same strings
/// (they occur only inside strings: JSON's own syntax has none of them).
pub(crate) fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Kelurahan beyond which the worklists go on one sheet.
pub(crate) const MAX_SHEETS: usize = 250;

/// The worklists: one sheet per kelurahan (as the aid list writes it), rows by RT then rank.
pub(crate) fn worklists(
    rows: &[ReviewRow],
    lang: Lang,
) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let t = |k: &str| crate::io::strings::get(lang, k);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = [
        t("review.rt"),
        t("review.rank"),
        t("review.row"),
        "aid_id",
        t("review.kind"),
        t("review.name"),
        t("review.address"),
        t("review.candidate"),
        t("review.note"),
    ];
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (n, (kel, mut list)) in by_kelurahan(rows, t("review.all_kelurahan"))
        .into_iter()
        .enumerate()
    {
        list.sort_by(|a, b| {
            a.kelurahan_label
                .cmp(&b.kelurahan_label)
                .then(a.rt.cmp(&b.rt))
                .then(a.rank.cmp(&b.rank))
        });
        let name = sheet_name(&kel, &mut used);
        let ws = wb.add_worksheet();
        if ws.set_name(&name).is_err() {
            ws.set_name(format!("Kelurahan {}", n + 1))?;
        }
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        worklist_rows(ws, &list, lang)?;
        ws.set_column_width(5, 28)?;
        ws.set_column_width(6, 34)?;
        ws.set_column_width(7, 34)?;
        ws.set_column_width(8, 24)?;
        ws.set_freeze_panes(1, 0)?;
    }
    if rows.is_empty() {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, t("review.none"))?;
    }
    Ok(wb)
}

/// The rows by kelurahan (as the aid list writes it, `-` for none), in kelurahan order. A
/// country's list has thousands of kelurahan: past [`MAX_SHEETS`], one list (`all`) holds
/// them all.
fn by_kelurahan<'r>(rows: &'r [ReviewRow], all: &str) -> Vec<(String, Vec<&'r ReviewRow>)> {
    let mut by_kel: BTreeMap<&str, Vec<&ReviewRow>> = BTreeMap::new();
    for r in rows {
        let k = if r.kelurahan_label.is_empty() {
            "-"
        } else {
            r.kelurahan_label.as_str()
        };
        by_kel.entry(k).or_default().push(r);
    }
    if by_kel.len() > MAX_SHEETS {
        let all_rows: Vec<&ReviewRow> = by_kel.into_values().flatten().collect();
        return vec![(all.to_string(), all_rows)];
    }
    by_kel
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// A sheet name for a kelurahan: at most 31 characters, none of `[]:*?/\`, not starting or
/// ending with an apostrophe, unique (case-insensitively) among `used`; a name Excel still
/// refuses becomes "Kelurahan N" at the caller.
fn sheet_name(kel: &str, used: &mut std::collections::HashSet<String>) -> String {
    let base: String = kel
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control())
        .take(28)
        .collect();
    let base = base.trim().trim_matches('\'').trim().to_string();
    let mut name = if base.is_empty() {
        "-".to_string()
    } else {
        base
    };
    let mut k = 2;
    while !used.insert(name.to_lowercase()) {
        name = format!("{} {k}", name.chars().take(27).collect::<String>());
        k += 1;
    }
    name
}

/// One worklist's rows under its header; Excel holds 1,048,576 rows, `review.csv` them all.
fn worklist_rows(
    ws: &mut rust_xlsxwriter::Worksheet,
    list: &[&ReviewRow],
    lang: Lang,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let t = |k: &str| crate::io::strings::get(lang, k);
    for (i, r) in list.iter().take(XLSX_LAST_ROW as usize).enumerate() {
        let y = i as u32 + 1;
        let cand = r
            .candidates
            .first()
            .map(|c| format!("{} ({})", c.name, c.birth_date))
            .unwrap_or_default();
        let cells = [
            r.rt.clone(),
            r.rank.to_string(),
            r.row.to_string(),
            r.aid_id.clone(),
            t(&format!("review.kind.{}", r.kind)).to_string(),
            r.aid.name.clone(),
            r.aid.address.clone(),
            cand,
            String::new(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(y, c as u16, crate::io::xlsx::xlsx_cell(v))?;
        }
    }
    Ok(())
}

/// Write `review.csv`, `review.html` and `review-rt.xlsx` into `dir`.
pub fn write_all(
    dir: &Path,
    rows: &[ReviewRow],
    lang: Lang,
    run_id: &str,
) -> Result<(), WriteError> {
    crate::core::fsio::write_atomic(dir, REVIEW_CSV, |w| write_csv(w, rows))?;
    let page = html(rows, lang, run_id);
    crate::core::fsio::write_atomic(dir, REVIEW_HTML, |w| w.write_all(page.as_bytes()))?;
    let path = dir.join(REVIEW_XLSX);
    let mut wb = worklists(rows, lang).map_err(|e| WriteError::Other {
        path: path.clone(),
        message: e.to_string(),
    })?;
    wb.save(&path).map_err(|e| WriteError::Other {
        path,
        message: e.to_string(),
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(rank: usize, kel: &str, rt: &str, address: &str) -> ReviewRow {
        let person = Shown {
            source: "aid".to_string(),
            row: rank,
            nik: "6471054507890003".into(),
            name: "SITI AMINAH".into(),
            birth_date: "05-07-1989".into(),
            sex: "P".into(),
            kk: String::new(),
            address: address.into(),
            rt: rt.into(),
            kelurahan: kel.into(),
            status: String::new(),
        };
        ReviewRow {
            rank,
            row: rank,
            aid_id: format!("ID{rank}"),
            row_hash: "0".repeat(16),
            kind: "POSSIBLE_MATCH".to_string(),
            status: "NOT_IN_REGISTER".into(),
            reason: "NIK_NOT_FOUND".into(),
            doubt: 0.5,
            amount: 1000,
            program: "BPNT".into(),
            kelurahan_label: kel.into(),
            rt: rt.into(),
            aid: person.clone(),
            candidates: vec![Shown {
                source: "register".to_string(),
                ..person
            }],
            evidence: String::new(),
        }
    }

    fn sheet_names(rows: &[ReviewRow]) -> Vec<String> {
        let mut wb = worklists(rows, Lang::Id).expect("workbook");
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("w.xlsx");
        wb.save(&path).expect("saved");
        wb.worksheets().iter().map(|w| w.name()).collect()
    }

    #[test]
    fn worklist_sheets_take_any_kelurahan_a_list_holds() {
        let long = "KELURAHAN DENGAN NAMA YANG SANGAT PANJANG SEKALI";
        let rows = vec![
            row(1, "'SEPINGGAN'", "001", "JL MAWAR"),
            row(2, "A/B:C*D?", "002", "JL MELATI"),
            row(3, "", "", "JL KENANGA"),
            row(4, &format!("{long} SATU"), "003", &"X".repeat(1_000_000)),
            row(5, &format!("{long} DUA"), "004", "JL ANGGREK"),
            row(6, "history", "005", "JL DAHLIA"),
        ];
        let names = sheet_names(&rows);
        assert_eq!(names.len(), 6, "{names:?}");
        assert!(names
            .iter()
            .all(|n| n.chars().count() <= 31 && !n.starts_with('\'')));
        let unique: std::collections::HashSet<String> =
            names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        // Thousands of kelurahan: one sheet.
        let many: Vec<ReviewRow> = (0..MAX_SHEETS + 1)
            .map(|i| row(i + 1, &format!("KEL {i}"), "001", "JL"))
            .collect();
        assert_eq!(sheet_names(&many), vec!["Semua kelurahan".to_string()]);
    }

    #[test]
    fn a_decisions_file_is_read_with_either_separator_and_bad_lines_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("k.csv");
        std::fs::write(
            &p,
            "\u{feff}row;aid_id;row_hash;candidate;decision;reviewer;time\n7;A7;abc;register:6471054507890003;SAME;uji;t\n",
        )
        .expect("write");
        let d = read_decisions(&p).expect("read");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].row, d[0].decision.as_str()), (7, "same"));
        std::fs::write(
            &p,
            "row,aid_id,row_hash,candidate,decision\n7,A7,abc,aid:3,maybe\n",
        )
        .expect("write");
        let e = read_decisions(&p).unwrap_err();
        assert!(e.contains("line 2") && e.contains("maybe"), "{e}");
    }
}
