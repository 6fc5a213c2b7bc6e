//! What the officials' report says changed since the previous verification.
//!
//! In: the lines of a comparison with the previous run ([`ChangeLine`]s, each with the
//! program of its rows) or, for the report, `summary.json`'s `changes`, and the benefit
//! amounts. Out: the rows per finding and program ([`tally`], kept in `summary.json`) and
//! the report's lines with their Rupiah ([`lines`]), so `dedupe report` can price them
//! again when the amounts change.
//!
//! The findings, in the report's order ([`FINDINGS`]):
//! - `new_duplicates`: rows now `DUPLICATE` that were not (new in the list or changed);
//! - `duplicates_resolved`: rows removed from the list that were `DUPLICATE`;
//! - `newly_deceased`, `newly_moved`: rows now `DECEASED` / `MOVED_OUT` that were not;
//! - `nik_corrected`: rows whose NIK in the list changed and that are now paid;
//! - `new_recipients`: rows new in the list;
//! - `rows_removed`: other rows removed from the list.
//!
//! A row's Rupiah is its program's monthly benefit times the months of the config: what
//! the finding withholds (a duplicate, a death, a move), releases (a NIK corrected) or adds
//! or removes (rows of the list) per period.

use serde::Serialize;

use crate::core::config::{Benefits, Lang};
use crate::io::changes::{ChangeLine, RunRow};
use crate::io::money::rupiah;

/// The findings of a comparison, in the report's order.
pub(crate) const FINDINGS: [&str; 7] = [
    "new_duplicates",
    "duplicates_resolved",
    "newly_deceased",
    "newly_moved",
    "nik_corrected",
    "new_recipients",
    "rows_removed",
];

pub use crate::io::change_summary::FindingTally;

/// The finding of one line, with the row whose program prices it (none: no finding).
pub(crate) fn finding(l: &ChangeLine) -> Option<(&'static str, &RunRow)> {
    let was = l.previous.as_ref();
    let now = l.now.as_ref();
    let was_duplicate = was.is_some_and(|r| r.status == "DUPLICATE");
    match (was, now) {
        (Some(p), None) if p.status == "DUPLICATE" => Some(("duplicates_resolved", p)),
        (Some(p), None) => Some(("rows_removed", p)),
        (_, Some(n)) if n.status == "DUPLICATE" && !was_duplicate => Some(("new_duplicates", n)),
        (None, Some(n)) => Some(("new_recipients", n)),
        (Some(p), Some(n)) => match n.status.as_str() {
            "DECEASED" if p.status != "DECEASED" => Some(("newly_deceased", n)),
            "MOVED_OUT" if p.status != "MOVED_OUT" => Some(("newly_moved", n)),
            "VERIFIED" if p.nik != n.nik => Some(("nik_corrected", n)),
            _ => None,
        },
        (None, None) => None,
    }
}

/// Rows per finding and program of a comparison's lines.
pub(crate) fn tally(lines: &[ChangeLine]) -> FindingTally {
    let mut out = FindingTally::new();
    for (key, row) in lines.iter().filter_map(finding) {
        let program = row.program.trim().to_uppercase();
        *out.entry(key.to_string())
            .or_default()
            .entry(program)
            .or_default() += 1;
    }
    out
}

/// One line of the report's section: a finding's rows and their Rupiah.
#[derive(Debug, Clone, Serialize)]
pub struct FindingLine {
    pub key: &'static str,
    pub label: &'static str,
    pub rows: usize,
    pub rupiah: u64,
    pub amount: String,
}

/// The section's lines, every finding in [`FINDINGS`] order, priced with `benefits`.
pub fn lines(tally: &FindingTally, benefits: &Benefits, lang: Lang) -> Vec<FindingLine> {
    FINDINGS
        .iter()
        .map(|&key| {
            let programs = tally.get(key);
            let rows = programs.into_iter().flatten().map(|(_, n)| *n).sum();
            let rp = programs
                .into_iter()
                .flatten()
                .map(|(p, n)| {
                    benefits
                        .monthly(p)
                        .saturating_mul(u64::from(benefits.months))
                        .saturating_mul(*n as u64)
                })
                .fold(0u64, u64::saturating_add);
            FindingLine {
                key,
                label: crate::io::strings::get(lang, &format!("changes.{key}")),
                rows,
                rupiah: rp,
                amount: rupiah(rp, lang),
            }
        })
        .collect()
}

/// The report's section: the findings priced, and the savings of this cycle beside the
/// previous one's.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ChangesView {
    pub lines: Vec<FindingLine>,
    pub previous_period: String,
    /// Total and confirmed savings: this run, then the previous one.
    pub savings_now: [String; 2],
    pub savings_before: [String; 2],
}

/// The section from `summary.json`'s `changes` (None: the run had no `--previous`).
pub(crate) fn view(
    changes: &serde_json::Value,
    benefits: &Benefits,
    savings_now: [u64; 2],
    lang: Lang,
) -> Option<ChangesView> {
    let tally: FindingTally = serde_json::from_value(changes.get("findings")?.clone()).ok()?;
    let before = &changes["previous_savings"];
    let rp = |v: &serde_json::Value| v.as_u64().map_or("-".to_string(), |v| rupiah(v, lang));
    Some(ChangesView {
        lines: lines(&tally, benefits, lang),
        previous_period: changes["previous_period"]
            .as_str()
            .unwrap_or_else(|| changes["previous_dir"].as_str().unwrap_or("-"))
            .to_string(),
        savings_now: savings_now.map(|v| rupiah(v, lang)),
        savings_before: [rp(&before["total_rp"]), rp(&before["confirmed_rp"])],
    })
}

/// The workbook's sheet `Perubahan`: the section's lines and the two cycles' savings.
pub(crate) fn write_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    view: &ChangesView,
    lang: Lang,
    bold: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let t = |k: &str| crate::io::strings::get(lang, k);
    let ws = wb.add_worksheet();
    ws.set_name("Perubahan")?;
    ws.write_string_with_format(0, 0, t("changes.title"), bold)?;
    ws.write_string(1, 0, t("changes.previous"))?;
    ws.write_string(1, 1, crate::io::xlsx::xlsx_cell(&view.previous_period))?;
    for (c, h) in [t("changes.finding"), t("rows"), t("changes.amount")]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(3, c as u16, *h, bold)?;
    }
    let mut r = 3;
    for l in &view.lines {
        r += 1;
        ws.write_string(r, 0, l.label)?;
        ws.write_number(r, 1, l.rows as f64)?;
        ws.write_number(r, 2, l.rupiah as f64)?;
    }
    r += 2;
    ws.write_string_with_format(r, 1, t("changes.this_cycle"), bold)?;
    ws.write_string_with_format(r, 2, t("changes.previous_cycle"), bold)?;
    for (k, label) in ["total_savings", "savings_confirmed"]
        .into_iter()
        .enumerate()
    {
        r += 1;
        ws.write_string(r, 0, t(label))?;
        ws.write_string(r, 1, &view.savings_now[k])?;
        ws.write_string(r, 2, &view.savings_before[k])?;
    }
    ws.write_string(r + 2, 0, t("changes.note"))?;
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 22)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, nik: &str, program: &str) -> RunRow {
        RunRow {
            status: status.into(),
            nik: nik.into(),
            program: program.into(),
            ..RunRow::default()
        }
    }

    fn line(was: Option<RunRow>, now: Option<RunRow>) -> ChangeLine {
        ChangeLine {
            change: "",
            previous: was,
            now,
            alasan: "",
        }
    }

    #[test]
    fn each_change_is_one_finding_or_none() {
        let n = "6471054507890003";
        let m = "6471054507890011";
        let table: &[(Option<RunRow>, Option<RunRow>, Option<&str>)] = &[
            (
                Some(row("DUPLICATE", n, "PKH")),
                None,
                Some("duplicates_resolved"),
            ),
            (Some(row("VERIFIED", n, "PKH")), None, Some("rows_removed")),
            (
                None,
                Some(row("DUPLICATE", n, "PKH")),
                Some("new_duplicates"),
            ),
            (
                None,
                Some(row("VERIFIED", n, "PKH")),
                Some("new_recipients"),
            ),
            (
                Some(row("VERIFIED", n, "")),
                Some(row("DUPLICATE", n, "")),
                Some("new_duplicates"),
            ),
            (
                Some(row("DUPLICATE", n, "")),
                Some(row("DUPLICATE", n, "")),
                None,
            ),
            (
                Some(row("VERIFIED", n, "")),
                Some(row("DECEASED", n, "")),
                Some("newly_deceased"),
            ),
            (
                Some(row("DECEASED", n, "")),
                Some(row("DECEASED", n, "")),
                None,
            ),
            (
                Some(row("VERIFIED", n, "")),
                Some(row("MOVED_OUT", n, "")),
                Some("newly_moved"),
            ),
            (
                Some(row("NOT_IN_REGISTER", m, "")),
                Some(row("VERIFIED", n, "")),
                Some("nik_corrected"),
            ),
            (
                Some(row("NOT_IN_REGISTER", m, "")),
                Some(row("NOT_IN_REGISTER", n, "")),
                None,
            ),
            (
                Some(row("VERIFIED", n, "")),
                Some(row("VERIFIED", n, "")),
                None,
            ),
        ];
        for (was, now, want) in table {
            let l = line(was.clone(), now.clone());
            assert_eq!(finding(&l).map(|(k, _)| k), *want, "{was:?} -> {now:?}");
        }
    }

    #[test]
    fn findings_are_priced_by_their_programs_benefit() {
        let lines_in = vec![
            line(Some(row("DUPLICATE", "1", "pkh")), None),
            line(Some(row("DUPLICATE", "2", "BPNT")), None),
            line(None, Some(row("VERIFIED", "3", "PKH"))),
        ];
        let t = tally(&lines_in);
        assert_eq!(t["duplicates_resolved"]["PKH"], 1);
        assert_eq!(t["duplicates_resolved"]["BPNT"], 1);
        let benefits = Benefits {
            default: 100,
            months: 3,
            programs: [("PKH".to_string(), 1000)].into(),
        };
        let out = lines(&t, &benefits, Lang::Id);
        assert_eq!(out.len(), FINDINGS.len());
        let resolved = out
            .iter()
            .find(|l| l.key == "duplicates_resolved")
            .expect("line");
        assert_eq!((resolved.rows, resolved.rupiah), (2, 3000 + 300));
        let new = out
            .iter()
            .find(|l| l.key == "new_recipients")
            .expect("line");
        assert_eq!((new.rows, new.rupiah), (1, 3000));
        let none = out
            .iter()
            .find(|l| l.key == "newly_deceased")
            .expect("line");
        assert_eq!((none.rows, none.rupiah), (0, 0));
    }
}
