//! The words of the reports for officials, one table per language.
//!
//! In: a [`Lang`] and a key. Out: the text in that language. Both tables hold the same keys
//! in the same order (tested); a translator edits one column of one file.

use crate::core::config::Lang;

/// Bahasa Indonesia.
pub const ID: &[(&str, &str)] = &[
    ("title", "Laporan verifikasi penerima bantuan sosial"),
    ("summary", "Ringkasan"),
    ("rows_checked", "Baris diperiksa"),
    ("invalid_or_damaged", "NIK tidak valid/rusak"),
    ("savings_title", "Penghematan anggaran"),
    ("months", "bulan"),
    (
        "savings_formula",
        "baris yang tidak dibayar x besaran bantuan programnya x jumlah bulan",
    ),
    (
        "savings_config",
        "Besaran bantuan diatur di bagian [benefits] konfigurasi.",
    ),
    ("status", "Status"),
    ("rows", "Baris"),
    ("savings", "Penghematan"),
    (
        "savings_confirmed",
        "Penghematan pasti (data ganda, meninggal, pindah, NIK orang lain)",
    ),
    (
        "savings_pending",
        "Ditahan menunggu perbaikan NIK (NIK tidak valid, rusak, atau tidak terdaftar)",
    ),
    ("paid", "Dibayar"),
    ("withheld", "Ditahan"),
    ("kecamatan", "Kecamatan"),
    ("kelurahan_top", "Kelurahan (30 terbesar)"),
    ("program", "Program"),
    ("quality", "Kualitas data"),
    ("issue", "Masalah"),
    ("sample_groups", "Contoh kelompok data ganda"),
    ("group", "Kelompok"),
    ("row", "Baris"),
    ("name", "Nama"),
    ("address", "Alamat"),
    ("yes", "ya"),
    ("no", "tidak"),
    ("method", "Cara pemeriksaan dan metadata"),
    (
        "method_text",
        "Setiap baris daftar bantuan dicocokkan dengan data kependudukan: NIK persis lebih dulu, lalu pencocokan nama, tanggal lahir, alamat dan digit NIK yang tersisa untuk NIK yang salah ketik atau rusak. Penerima yang tercatat lebih dari sekali hanya dibayar satu kali. NIK ditampilkan tersamar.",
    ),
    ("version", "Versi"),
    ("aid_list", "Daftar bantuan"),
    ("register", "Data kependudukan"),
    ("configuration", "Konfigurasi"),
    ("item", "Keterangan"),
    ("savings_rp", "Penghematan (Rp)"),
    ("total_savings", "Total penghematan"),
    ("months_label", "Bulan"),
    ("status.VERIFIED", "Terverifikasi (dibayar)"),
    ("status.DUPLICATE", "Data ganda"),
    ("status.NAME_MISMATCH", "NIK milik orang lain"),
    ("status.DECEASED", "Meninggal dunia"),
    ("status.MOVED_OUT", "Pindah keluar"),
    ("status.NOT_IN_REGISTER", "Tidak terdaftar"),
    ("status.INVALID_NIK", "NIK tidak valid"),
    ("status.NIK_DAMAGED", "NIK rusak (Excel)"),
    ("quality.NIK_SCIENTIFIC", "NIK rusak oleh Excel (format ilmiah)"),
    ("quality.NIK_ROUNDED", "NIK dibulatkan Excel (digit ke-16)"),
    ("quality.NIK_FLOAT_PRECISION", "NIK disimpan sebagai angka desimal"),
    ("quality.NIK_CORRECTED", "NIK salah/rusak, penerima tetap dikenali"),
    ("quality.HOUSEHOLD_NIK", "NIK anggota keluarga lain, penerima dikenali dalam KK"),
    ("quality.NIK_SUPERSEDED", "NIK lama (tercatat dua kali), NIK yang berlaku dikenali"),
    ("quality.NIK_LENGTH", "NIK tidak 16 digit"),
    ("quality.NIK_NON_DIGIT", "NIK berisi huruf"),
    ("quality.NIK_EMPTY", "NIK kosong"),
    ("quality.NIK_DATE", "Tanggal pada NIK tidak valid"),
    ("quality.NIK_PROVINCE", "Kode provinsi NIK tidak dikenal"),
    ("quality.NIK_REGION", "Kode wilayah NIK 00"),
    ("quality.NIK_SERIAL", "Nomor urut NIK 0000"),
    ("quality.birth_date_missing", "Tanggal lahir kosong"),
    ("quality.birth_date_unreadable", "Tanggal lahir tidak terbaca"),
    (
        "quality.birth_date_placeholder",
        "Tanggal lahir pengganti (1 Jan, 1 Jul, 31 Des)",
    ),
    ("quality.sex_unreadable", "Jenis kelamin tidak terbaca"),
    ("quality.kk_missing", "No. KK kosong"),
    ("quality.kk_invalid", "No. KK tidak valid"),
    (
        "xlsx_left_out",
        "... {n} baris lagi tidak muat di Excel (batas 1.048.576 baris): lihat berkas CSV.",
    ),
    ("review.title", "Tinjauan petugas: baris yang perlu diperiksa"),
    ("review.nik_note", "Halaman kerja: NIK ditampilkan lengkap untuk petugas, seperti di berkas CSV. Jangan disebarkan; laporan untuk pejabat (report.html) menyamarkan NIK."),
    ("review.help", "Satu kartu per baris. Tombol atau tombol keyboard:"),
    ("review.same", "orang yang sama"),
    ("review.same2", "sama dengan kandidat 2"),
    ("review.different", "orang berbeda"),
    ("review.skip", "lewati"),
    ("review.move", "kartu berikut/sebelumnya"),
    ("review.export", "Ekspor keputusan"),
    ("review.file", "keputusan.csv"),
    ("review.reviewer", "Nama petugas"),
    ("review.aid_row", "Baris bansos"),
    ("review.candidate", "Kandidat"),
    ("review.evidence", "Bobot bukti per kolom (bit):"),
    ("review.amount", "Nilai"),
    ("review.decided", "Keputusan"),
    ("review.of", "dari"),
    ("review.kind.AMBIGUOUS", "Dua kandidat sama kuat"),
    ("review.kind.NEAR_THRESHOLD", "Kecocokan mendekati batas"),
    ("review.kind.POSSIBLE_MATCH", "Mungkin orang yang terdaftar"),
    ("review.kind.NAME_BEHIND_NIK", "Nama berbeda di balik NIK"),
    ("review.kind.HOUSEHOLD_NIK", "NIK anggota keluarga lain"),
    ("review.kind.FUZZY_GROUP", "Data ganda dari kemiripan"),
    ("review.name", "Nama"),
    ("review.birth_date", "Tanggal lahir"),
    ("review.sex", "Jenis kelamin"),
    ("review.address", "Alamat"),
    ("review.kelurahan", "Kelurahan"),
    ("review.rt", "RT"),
    ("review.rank", "Urutan"),
    ("review.row", "Baris"),
    ("review.kind", "Jenis"),
    ("review.note", "Catatan petugas"),
    ("review.none", "Tidak ada baris yang perlu ditinjau."),
    ("review.all_kelurahan", "Semua kelurahan"),
    ("review.count_title", "Baris yang perlu ditinjau petugas"),
    ("twice.title", "Penduduk tercatat di dua tempat (data kependudukan)"),
    ("twice.pairs", "penduduk dengan dua NIK"),
    ("twice.both_open", "kedua NIK masih aktif (NIK ganda, untuk ditindaklanjuti Disdukcapil)"),
    ("twice.superseded", "baris bantuan dengan NIK lama, dialihkan ke NIK yang berlaku"),
    ("twice.file", "Rinciannya di register-duplicates.csv (berkas kerja, NIK lengkap: jangan disebarkan)."),
    ("review.by_rt", "RT dengan baris tinjauan terbanyak"),
    ("review.decisions_applied", "Keputusan petugas diterapkan"),
    ("review.decisions_stale", "Keputusan usang (data baris berubah)"),
];

/// English.
pub const EN: &[(&str, &str)] = &[
    ("title", "Social-aid recipient verification report"),
    ("summary", "Summary"),
    ("rows_checked", "Rows checked"),
    ("invalid_or_damaged", "Invalid or damaged NIK"),
    ("savings_title", "Budget savings"),
    ("months", "months"),
    (
        "savings_formula",
        "rows withheld x their program's monthly benefit x months",
    ),
    (
        "savings_config",
        "Benefit amounts are set in the [benefits] section of the config.",
    ),
    ("status", "Status"),
    ("rows", "Rows"),
    ("savings", "Savings"),
    (
        "savings_confirmed",
        "Confirmed savings (duplicates, deceased, moved out, someone else's NIK)",
    ),
    (
        "savings_pending",
        "Withheld pending NIK correction (invalid, damaged or unknown NIK)",
    ),
    ("paid", "Paid"),
    ("withheld", "Withheld"),
    ("kecamatan", "Kecamatan"),
    ("kelurahan_top", "Kelurahan (top 30)"),
    ("program", "Program"),
    ("quality", "Data quality"),
    ("issue", "Issue"),
    ("sample_groups", "Sample duplicate groups"),
    ("group", "Group"),
    ("row", "Row"),
    ("name", "Name"),
    ("address", "Address"),
    ("yes", "yes"),
    ("no", "no"),
    ("method", "Method and metadata"),
    (
        "method_text",
        "Each aid row is matched to the population register: the exact NIK first, then name, birth date, address and the surviving NIK digits for mistyped or damaged NIKs. Recipients listed more than once are paid once. NIKs are masked.",
    ),
    ("version", "Version"),
    ("aid_list", "Aid list"),
    ("register", "Register"),
    ("configuration", "Configuration"),
    ("item", "Item"),
    ("savings_rp", "Savings (Rp)"),
    ("total_savings", "Total savings"),
    ("months_label", "Months"),
    ("status.VERIFIED", "Verified (paid)"),
    ("status.DUPLICATE", "Duplicate"),
    ("status.NAME_MISMATCH", "NIK of someone else"),
    ("status.DECEASED", "Deceased"),
    ("status.MOVED_OUT", "Moved out"),
    ("status.NOT_IN_REGISTER", "Not in register"),
    ("status.INVALID_NIK", "Invalid NIK"),
    ("status.NIK_DAMAGED", "NIK damaged (Excel)"),
    ("quality.NIK_SCIENTIFIC", "NIK in scientific notation (Excel)"),
    ("quality.NIK_ROUNDED", "NIK rounded by Excel (16th digit)"),
    ("quality.NIK_FLOAT_PRECISION", "NIK stored as a float"),
    (
        "quality.NIK_CORRECTED",
        "NIK wrong or damaged, recipient recognised",
    ),
    (
        "quality.HOUSEHOLD_NIK",
        "Another household member's NIK, recipient found in the KK",
    ),
    (
        "quality.NIK_SUPERSEDED",
        "An old NIK (registered twice), the NIK in force found",
    ),
    ("quality.NIK_LENGTH", "NIK not 16 digits"),
    ("quality.NIK_NON_DIGIT", "NIK with letters"),
    ("quality.NIK_EMPTY", "NIK empty"),
    ("quality.NIK_DATE", "Invalid date in NIK"),
    ("quality.NIK_PROVINCE", "Unknown province code"),
    ("quality.NIK_REGION", "Region code 00"),
    ("quality.NIK_SERIAL", "Serial 0000"),
    ("quality.birth_date_missing", "Birth date missing"),
    ("quality.birth_date_unreadable", "Birth date unreadable"),
    (
        "quality.birth_date_placeholder",
        "Placeholder birth date (1 Jan, 1 Jul, 31 Dec)",
    ),
    ("quality.sex_unreadable", "Sex unreadable"),
    ("quality.kk_missing", "KK number missing"),
    ("quality.kk_invalid", "KK number invalid"),
    (
        "xlsx_left_out",
        "... {n} more rows do not fit in Excel (1,048,576 rows): see the CSV file.",
    ),
    ("review.title", "Clerical review: the rows to check"),
    ("review.nik_note", "A working page: NIKs are shown in full for the analyst, as in the CSV files. Do not circulate it; the officials' report (report.html) masks NIKs."),
    ("review.help", "One card per row. Buttons or keys:"),
    ("review.same", "same person"),
    ("review.same2", "same as candidate 2"),
    ("review.different", "different person"),
    ("review.skip", "skip"),
    ("review.move", "next/previous card"),
    ("review.export", "Export decisions"),
    ("review.file", "keputusan.csv"),
    ("review.reviewer", "Reviewer"),
    ("review.aid_row", "Aid row"),
    ("review.candidate", "Candidate"),
    ("review.evidence", "Evidence per field (bits):"),
    ("review.amount", "Amount"),
    ("review.decided", "Decision"),
    ("review.of", "of"),
    ("review.kind.AMBIGUOUS", "Two candidates as strong"),
    ("review.kind.NEAR_THRESHOLD", "Match near the threshold"),
    ("review.kind.POSSIBLE_MATCH", "Possibly a registered person"),
    ("review.kind.NAME_BEHIND_NIK", "Another name behind the NIK"),
    ("review.kind.HOUSEHOLD_NIK", "Another household member's NIK"),
    ("review.kind.FUZZY_GROUP", "Duplicate by likeness"),
    ("review.name", "Name"),
    ("review.birth_date", "Birth date"),
    ("review.sex", "Sex"),
    ("review.address", "Address"),
    ("review.kelurahan", "Kelurahan"),
    ("review.rt", "RT"),
    ("review.rank", "Rank"),
    ("review.row", "Row"),
    ("review.kind", "Kind"),
    ("review.note", "Reviewer's note"),
    ("review.none", "No rows need review."),
    ("review.all_kelurahan", "All kelurahan"),
    ("review.count_title", "Rows for clerical review"),
    ("twice.title", "People the register holds twice"),
    ("twice.pairs", "people with two NIKs"),
    ("twice.both_open", "both NIKs still open (NIK ganda, for Disdukcapil to close)"),
    ("twice.superseded", "aid rows under an old NIK, moved to the NIK in force"),
    ("twice.file", "Details in register-duplicates.csv (a working file with whole NIKs: do not circulate)."),
    ("review.by_rt", "RTs with the most rows to review"),
    ("review.decisions_applied", "Reviewers' decisions applied"),
    ("review.decisions_stale", "Stale decisions (row data changed)"),
];

/// The table of a language.
pub fn table(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Id => ID,
        Lang::En => EN,
    }
}

/// The text of `key` in `lang` (`-` for a key no table has).
pub fn get(lang: Lang, key: &str) -> &'static str {
    table(lang)
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("-", |(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys_in_the_same_order() {
        fn keys(t: &[(&'static str, &'static str)]) -> Vec<&'static str> {
            t.iter().map(|(k, _)| *k).collect()
        }
        assert_eq!(keys(ID), keys(EN));
        let mut sorted = keys(ID);
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ID.len(), "a key is listed twice");
        assert!(ID.iter().chain(EN).all(|(_, v)| !v.trim().is_empty()));
    }

    #[test]
    fn lookups() {
        assert_eq!(get(Lang::Id, "savings_title"), "Penghematan anggaran");
        assert_eq!(get(Lang::En, "savings_title"), "Budget savings");
        assert_eq!(get(Lang::En, "no such key"), "-");
    }
}
