//! Decision statuses and reason codes, with their plain-language explanations in Bahasa
//! Indonesia (for the rejected rows sent back to Dinsos) and English.

use serde::Serialize;

/// The one status each aid row receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// NIK in the register, alive and resident, name agrees: pay.
    Verified,
    /// Another row of the same person is kept.
    Duplicate,
    /// The NIK is in the register under someone else's name.
    NameMismatch,
    /// The register records the person as deceased.
    Deceased,
    /// The register records the person as moved away.
    MovedOut,
    /// A valid NIK that the register does not hold.
    NotInRegister,
    /// Not a NIK (length, characters, region, date or serial).
    InvalidNik,
    /// A NIK damaged by a spreadsheet (scientific notation, rounding): cannot be checked.
    NikDamaged,
}

impl Status {
    pub(crate) const ALL: [Status; 8] = [
        Status::Verified,
        Status::Duplicate,
        Status::NameMismatch,
        Status::Deceased,
        Status::MovedOut,
        Status::NotInRegister,
        Status::InvalidNik,
        Status::NikDamaged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Verified => "VERIFIED",
            Status::Duplicate => "DUPLICATE",
            Status::NameMismatch => "NAME_MISMATCH",
            Status::Deceased => "DECEASED",
            Status::MovedOut => "MOVED_OUT",
            Status::NotInRegister => "NOT_IN_REGISTER",
            Status::InvalidNik => "INVALID_NIK",
            Status::NikDamaged => "NIK_DAMAGED",
        }
    }

    #[cfg(test)]
    pub(crate) fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Plain-language reason in Bahasa Indonesia for a reason code.
pub(crate) fn reason_id(code: &str) -> &'static str {
    match code {
        "NIK_AND_NAME_MATCH" => "NIK terdaftar dan nama sesuai dengan data kependudukan.",
        "NIK_CORRECTED" => "NIK pada daftar salah ketik atau rusak; penerima dikenali dari nama, tanggal lahir dan alamat, dan NIK yang benar ada di kolom register_nik.",
        "FIELDS_MATCH" => "Baris tanpa nomor identitas; orang dikenali dari nama, tanggal lahir dan alamat (baris register di kolom register_row).",
        "LIST_DECEASED" => "Daftar bantuan sendiri menandai penerima sudah meninggal (ALM./ALMH. pada nama, tanggal kematian, atau kolom status), walaupun data kependudukan belum mencatatnya; jangan dibayar, laporkan kematiannya ke Disdukcapil.",
        "LIST_MOVED_OUT" => "Daftar bantuan sendiri menandai penerima sudah pindah, walaupun data kependudukan belum mencatatnya; periksa sebelum dibayar.",
        "DUPLICATE_OF_ROW" => "Penerima tercatat lebih dari satu kali; hanya satu baris yang dibayar (lihat kolom group_id).",
        "NAME_DIFFERS" => "NIK terdaftar atas nama orang lain dalam data kependudukan; periksa NIK dan nama penerima.",
        "PERSON_DIFFERS" => "Nama mirip pemilik NIK, tetapi tanggal lahir atau jenis kelamin menunjukkan orang lain (misalnya anak yang memakai NIK orang tua); periksa NIK penerima.",
        "REVIEW_SAME_PERSON" => "Petugas memutuskan baris ini orang yang sama dengan penduduk di kolom register_nik (berkas --decisions).",
        "REVIEW_DIFFERENT_PERSON" => "Petugas memutuskan baris ini bukan penduduk yang dicocokkan sebelumnya (berkas --decisions).",
        "HOUSEHOLD_NIK" => "NIK pada daftar milik anggota keluarga lain (biasanya kepala keluarga); penerima dikenali dalam KK yang sama dari nama dan tanggal lahir, dan NIK miliknya ada di kolom register_nik.",
        "NIK_SUPERSEDED" => "NIK lama: penduduk ini tercatat dua kali (pindah dan terdaftar lagi di daerah lain); NIK yang berlaku ada di kolom register_nik. Perbaiki NIK pada daftar.",
        "REGISTER_DECEASED" => "Menurut data kependudukan, penduduk ini telah meninggal dunia.",
        "REGISTER_MOVED_OUT" => "Menurut data kependudukan, penduduk ini telah pindah keluar daerah.",
        "NIK_NOT_FOUND" => "NIK tidak ditemukan dalam data kependudukan daerah ini.",
        "NIK_EMPTY" => "NIK kosong.",
        "NIK_NON_DIGIT" => "NIK mengandung huruf atau tanda selain angka.",
        "NIK_LENGTH" => "NIK tidak terdiri dari 16 digit.",
        "NIK_PROVINCE" => "Dua digit pertama NIK bukan kode provinsi yang berlaku.",
        "NIK_REGION" => "Kode kabupaten/kota atau kecamatan pada NIK bernilai 00.",
        "NIK_DATE" => "Digit tanggal lahir pada NIK (digit 7-12) bukan tanggal yang benar.",
        "NIK_SERIAL" => "Nomor urut NIK (4 digit terakhir) bernilai 0000.",
        "NIK_SCIENTIFIC" => "NIK rusak oleh Excel (tertulis seperti 6,47101E+15) sehingga digit terakhir hilang; isi ulang NIK dari KTP/KK dan simpan kolom NIK sebagai teks.",
        "NIK_FLOAT_PRECISION" => "NIK disimpan sebagai angka desimal sehingga digit terakhir tidak dapat dipercaya; isi ulang NIK dari KTP/KK dan simpan sebagai teks.",
        "NIK_ROUNDED" => "NIK kemungkinan dibulatkan Excel menjadi 15 digit bermakna (digit terakhir menjadi 0) dan tidak ditemukan; isi ulang NIK dari KTP/KK dan simpan sebagai teks.",
        _ => "Lihat kode alasan.",
    }
}

/// Plain-language reason in English for a reason code.
pub(crate) fn reason_en(code: &str) -> &'static str {
    match code {
        "NIK_AND_NAME_MATCH" => "The NIK is in the register and the name agrees.",
        "NIK_CORRECTED" => "The listed NIK was mistyped or damaged; the person was recognised by name, birth date and address, and register_nik holds the right NIK.",
        "FIELDS_MATCH" => "The row has no identifier; the person was recognised by name, birth date and address (their register row is in register_row).",
        "LIST_DECEASED" => "The aid list itself marks the recipient as deceased (ALM./ALMH. in the name, a death date, or its status column) though the register does not yet; do not pay, and report the death to Disdukcapil.",
        "LIST_MOVED_OUT" => "The aid list itself marks the recipient as moved out though the register does not yet; check before paying.",
        "DUPLICATE_OF_ROW" => "The recipient is listed more than once; only one row is paid (see group_id).",
        "NAME_DIFFERS" => "The NIK belongs to someone else in the register; check the NIK and the name.",
        "PERSON_DIFFERS" => "The name is like the NIK holder's, but the birth date or sex says another person (for example a child on a parent's NIK); check the recipient's NIK.",
        "REVIEW_SAME_PERSON" => "A reviewer decided this row is the register person in register_nik (--decisions file).",
        "REVIEW_DIFFERENT_PERSON" => "A reviewer decided this row is not the register person it was matched to (--decisions file).",
        "HOUSEHOLD_NIK" => "The listed NIK is another household member's (usually the head of the family); the recipient was recognised in the same KK by name and birth date, and register_nik holds their own NIK.",
        "NIK_SUPERSEDED" => "An old NIK: the register holds this person twice (moved and registered again elsewhere); register_nik holds the NIK in force. Correct the NIK in the list.",
        "REGISTER_DECEASED" => "The register records this person as deceased.",
        "REGISTER_MOVED_OUT" => "The register records this person as moved away.",
        "NIK_NOT_FOUND" => "The NIK is not in this region's register.",
        "NIK_EMPTY" => "The NIK is empty.",
        "NIK_NON_DIGIT" => "The NIK contains letters or signs other than digits.",
        "NIK_LENGTH" => "The NIK does not have 16 digits.",
        "NIK_PROVINCE" => "The first two digits are not a province code.",
        "NIK_REGION" => "The regency/city or kecamatan code is 00.",
        "NIK_DATE" => "Digits 7-12 are not a real birth date.",
        "NIK_SERIAL" => "The serial (last four digits) is 0000.",
        "NIK_SCIENTIFIC" => "A spreadsheet wrote the NIK in scientific notation (6.47101E+15) and lost its last digits.",
        "NIK_FLOAT_PRECISION" => "The NIK was stored as a floating-point number; its last digit cannot be trusted.",
        "NIK_ROUNDED" => "The NIK was probably rounded to 15 significant digits by a spreadsheet (last digit 0) and is not in the register.",
        _ => "See the reason code.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_reasons_have_text() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for code in [
            "NIK_AND_NAME_MATCH",
            "NIK_CORRECTED",
            "FIELDS_MATCH",
            "LIST_DECEASED",
            "LIST_MOVED_OUT",
            "DUPLICATE_OF_ROW",
            "NAME_DIFFERS",
            "PERSON_DIFFERS",
            "HOUSEHOLD_NIK",
            "NIK_SUPERSEDED",
            "REVIEW_SAME_PERSON",
            "REVIEW_DIFFERENT_PERSON",
            "REGISTER_DECEASED",
            "REGISTER_MOVED_OUT",
            "NIK_NOT_FOUND",
        ] {
            assert_ne!(reason_id(code), reason_id("?"), "{code}");
            assert_ne!(reason_en(code), reason_en("?"), "{code}");
        }
    }
}
