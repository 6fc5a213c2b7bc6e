//! Tests of the load stage: headers, fields and each format, with messy inputs.

use super::parquet::parquet_slices;
use super::*;
use crate::core::config::{ColumnSpec, Field};
use crate::io::workbook::format_float;

#[test]
fn the_header_is_found_under_a_title_and_after_a_sep_line() {
    // (what, text, header line, title lines, sep line, headers, first NIK)
    type Case<'a> = (&'a str, &'a str, usize, usize, bool, &'a [&'a str], &'a str);
    let cases: [Case; 9] = [
        (
            "plain",
            "NIK;NAMA\n6471054507890003;SITI\n",
            1,
            0,
            false,
            &["NIK", "NAMA"],
            "6471054507890003",
        ),
        (
            "a title, a blank line",
            "DAFTAR PENERIMA BANSOS\n\nNIK;NAMA\n6471054507890003;SITI\n",
            3,
            1,
            false,
            &["NIK", "NAMA"],
            "6471054507890003",
        ),
        (
            "a title in a row of empty cells, CRLF",
            "DAFTAR;;\r\nTahap II;;\r\nNIK;NAMA;ALAMAT\r\n6471054507890003;SITI;JL\r\n",
            3,
            2,
            false,
            &["NIK", "NAMA", "ALAMAT"],
            "6471054507890003",
        ),
        (
            "a title with commas above a semicolon header",
            "Daftar penerima, kota Balikpapan, 2026\nNIK;NAMA\n6471054507890003;SITI, A\n",
            2,
            1,
            false,
            &["NIK", "NAMA"],
            "6471054507890003",
        ),
        (
            "sep=;",
            "sep=;\nNIK;NAMA\n6471054507890003;SITI, A\n",
            2,
            0,
            true,
            &["NIK", "NAMA"],
            "6471054507890003",
        ),
        (
            "quoted \"sep=,\"",
            "\"sep=,\"\nNIK,NAMA\n6471054507890003,SITI\n",
            2,
            0,
            true,
            &["NIK", "NAMA"],
            "6471054507890003",
        ),
        (
            "sep= then a title",
            "SEP=;\nDAFTAR\nNIK;NAMA\n6471054507890003;SITI\n",
            3,
            1,
            true,
            &["NIK", "NAMA"],
            "6471054507890003",
        ),
        // No line names the fields: the first line stays the header (the run says
        // which column is missing).
        (
            "no header anywhere",
            "DAFTAR\nNAMA;ALAMAT\nSITI;JL\n",
            1,
            0,
            false,
            &["DAFTAR"],
            "NAMA;ALAMAT",
        ),
        // A quoted cell over two lines in a title: lines are no longer rows, the
        // search stops there.
        (
            "a quoted line break above",
            "\"DAFTAR\nPENERIMA\"\nNIK;NAMA\n6471054507890003;SITI\n",
            1,
            0,
            false,
            &["DAFTAR\nPENERIMA"],
            "NIK;NAMA",
        ),
    ];
    let input = InputConfig::default();
    let dir = tempfile::tempdir().unwrap();
    for (what, text, line, titles, sep, headers, first) in cases {
        let path = dir.path().join("aid.csv");
        std::fs::write(&path, text).unwrap();
        let t = read_csv_for(&path, None, Some((&input, "aid")))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(t.headers(), headers, "{what}");
        assert_eq!(t.columns[0].get(0), first, "{what}");
        assert_eq!(
            (
                t.layout.header_line,
                t.layout.title_lines,
                t.layout.sep_line
            ),
            (line, titles, sep),
            "{what}"
        );
        // The same lines, a register slice at a time.
        let mut firsts = Vec::new();
        let facts = read_csv_slices(&path, &input, "register", 1, |s| {
            firsts.push(s.columns.first().map(|c| c.get(0).to_string()));
            Ok(())
        });
        if titles > 0 || sep {
            let facts = facts.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(facts.layout, t.layout, "{what}");
            assert_eq!(firsts[0].as_deref(), Some(first), "{what}");
        }
    }
    // Without the fields to look for, the first line is the header.
    let path = dir.path().join("aid.csv");
    std::fs::write(&path, "DAFTAR\nNIK;NAMA\n6471054507890003;SITI\n").unwrap();
    assert_eq!(read_csv(&path, None).unwrap().headers(), ["DAFTAR"]);
}

#[test]
fn rows_under_the_list_without_nik_or_name_are_dropped() {
    // (what, rows as (NIK, NAMA, KET), rows kept)
    type Case<'a> = (&'a str, &'a [[&'a str; 3]], usize);
    let cases: [Case; 6] = [
        (
            "no footer",
            &[["6471054507890003", "SITI", ""], ["", "BUDI", ""]],
            2,
        ),
        (
            "a total and a signature",
            &[
                ["6471054507890003", "SITI", ""],
                ["", "", "Jumlah 1"],
                ["-", "NULL", "Kepala Dinas"],
            ],
            1,
        ),
        // A row without NIK or name inside the list stays (it is reported).
        (
            "a hole inside",
            &[
                ["6471054507890003", "SITI", ""],
                ["", "", "x"],
                ["", "BUDI", ""],
            ],
            3,
        ),
        (
            "a last row with a NIK only",
            &[["", "SITI", ""], ["6471050507890001", "", ""]],
            2,
        ),
        ("nothing but blanks", &[["", "", "a"], ["", "", "b"]], 2),
        ("no rows", &[], 0),
    ];
    for (what, rows, kept) in cases {
        let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.to_vec()).collect();
        let mut t = Table::from_rows("aid.csv", &["NIK", "NAMA", "KET"], &rows);
        let map = t.resolve(&InputConfig::default(), "aid").expect("map");
        let dropped = drop_footer(&mut t, &map);
        assert_eq!((t.n_rows, dropped), (kept, rows.len() - kept), "{what}");
        assert!(t.columns.iter().all(|c| c.len() == kept), "{what}");
        assert_eq!(t.layout.footer_rows, rows.len() - kept, "{what}");
        if kept > 0 {
            assert_eq!(t.columns[1].get(kept - 1), rows[kept - 1][1], "{what}");
        }
    }
}

#[test]
fn a_second_header_row_under_merged_cells_is_merged_into_the_header() {
    let input = InputConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aid.csv");
    // (what, text, headers, data rows, merged)
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], usize, bool);
    let cases: [Case; 4] = [
        (
            "ALAMAT over JALAN, RT, RW, then the column numbers",
            "NO;NIK;NAMA;ALAMAT;;;KET\n;;;JALAN;RT;RW;\n1;2;3;4;5;6;7\n1;6471054507890003;SITI;JL. A;003;012;\n",
            &["NO", "NIK", "NAMA", "ALAMAT", "RT", "RW", "KET"],
            1,
            true,
        ),
        (
            "a row without NIK or name whose program is BANSOS: data",
            "NIK;NAMA;PROGRAM\n;;BANSOS\n6471054507890003;SITI;BPNT\n",
            &["NIK", "NAMA", "PROGRAM"],
            2,
            false,
        ),
        (
            "a row with a name under a gap: data",
            "NIK;NAMA;;\n;SITI;RT;x\n",
            &["NIK", "NAMA", "", ""],
            1,
            false,
        ),
        (
            "names under gaps, but no NIK column even then: data",
            "NO;NAMA;;\n;;RT;RW\n",
            &["NO", "NAMA", "", ""],
            1,
            false,
        ),
    ];
    for (what, text, headers, rows, merged) in cases {
        std::fs::write(&path, text).unwrap();
        let t = read_csv_for(&path, None, Some((&input, "aid"))).unwrap();
        assert_eq!(t.headers(), headers, "{what}");
        assert_eq!((t.n_rows, t.layout.sub_header), (rows, merged), "{what}");
    }
    std::fs::write(&path, cases[0].1).unwrap();
    let t = read_csv_for(&path, None, Some((&input, "aid"))).unwrap();
    let map = t.resolve(&input, "aid").unwrap();
    assert_eq!(map.get(&t, Field::Rt, 0), "003");
    assert_eq!(map.get(&t, Field::Rw, 0), "012");
    assert!(t.layout.numbering_row);
}

#[test]
fn column_numbers_under_a_header_are_told_from_data() {
    let cases: [(&str, &[&str], bool); 9] = [
        ("plain numbers", &["1", "2", "3", "4"], true),
        ("in brackets", &["(1)", "(2)", "(3)"], true),
        ("floats from a sheet", &["1.0", "2.0", "3.0"], true),
        ("padded, a blank column", &[" 1 ", "", "3", "4"], true),
        ("two numbers only", &["1", "2"], false),
        ("out of order", &["1", "3", "2", "4"], false),
        (
            "a data row",
            &["1", "6471054507890003", "SITI", "JL"],
            false,
        ),
        ("mostly empty", &["1", "2", "3", "", "", "", "", ""], false),
        ("a row number and values", &["1", "2", "3", "BUDI"], false),
    ];
    for (what, cells, want) in cases {
        let cells: Vec<&[u8]> = cells.iter().map(|c| c.as_bytes()).collect();
        assert_eq!(is_numbering_row(&cells), want, "{what}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aid.csv");
    std::fs::write(&path, "NIK;NAMA;ALAMAT\n1;2;3\n6471054507890003;SITI;JL\n").unwrap();
    let t = read_csv(&path, None).unwrap();
    assert_eq!((t.n_rows, t.layout.numbering_row), (1, true));
    assert_eq!(t.columns[0].get(0), "6471054507890003");
}

#[test]
fn text_encodings_are_read() {
    let text = "NIK\tNAMA\tALAMAT\r\n6471054507890003\tSITI AMINAH\tJL. MAWAR RT 03\r\n'6471050507890001\tBUDI ŞANTOSO\tGG. MELATI\r\n";
    let utf16 = |big: bool, bom: bool| {
        let mut out: Vec<u8> = Vec::new();
        if bom {
            out.extend(if big { [0xfe, 0xff] } else { [0xff, 0xfe] });
        }
        for unit in text.encode_utf16() {
            out.extend(if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let mut bom8 = b"\xef\xbb\xbf".to_vec();
    bom8.extend(text.as_bytes());
    let cases: [(&str, Vec<u8>); 6] = [
        ("utf-8", text.as_bytes().to_vec()),
        ("utf-8 with BOM", bom8),
        ("utf-16le with BOM (Excel Unicode Text)", utf16(false, true)),
        ("utf-16be with BOM", utf16(true, true)),
        ("utf-16le without BOM", utf16(false, false)),
        ("utf-16be without BOM", utf16(true, false)),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes) in cases {
        let path = dir.path().join("aid.txt");
        std::fs::write(&path, &bytes).unwrap();
        let t = read_csv(&path, None).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(t.headers(), ["NIK", "NAMA", "ALAMAT"], "{what}");
        assert_eq!(t.n_rows, 2, "{what}");
        assert_eq!(t.columns[0].get(0), "6471054507890003", "{what}");
        assert_eq!(t.columns[1].get(1), "BUDI ŞANTOSO", "{what}");
        assert_eq!(t.columns[2].get(0), "JL. MAWAR RT 03", "{what}");
    }
    // Windows-1252 (older Excel): decoded, not refused.
    let path = dir.path().join("cp1252.csv");
    std::fs::write(&path, b"NIK;NAMA\n6471054507890003;JOS\xc9\n").unwrap();
    let t = read_csv(&path, None).unwrap();
    assert_eq!(t.columns[1].get(0), "JOSÉ");
}

#[test]
fn parquet_slices_follow_row_groups() {
    type Case<'a> = (&'a [usize], usize, &'a [(usize, usize)]);
    let cases: [Case; 7] = [
        (&[], 10, &[]),
        (&[5], 10, &[(0, 5)]),
        (&[4, 4, 4], 10, &[(0, 8), (8, 4)]),
        (&[10, 10], 10, &[(0, 10), (10, 10)]),
        (&[25], 10, &[(0, 10), (10, 10), (20, 5)]),
        (&[3, 25, 2], 10, &[(0, 3), (3, 10), (13, 10), (23, 7)]),
        (&[0, 6, 0, 6], 10, &[(0, 6), (6, 6)]),
    ];
    for (groups, rows, want) in cases {
        let got = parquet_slices(groups.iter().copied(), rows);
        assert_eq!(got, want, "{groups:?} by {rows}");
        let covered: usize = got.iter().map(|s| s.1).sum();
        assert_eq!(covered, groups.iter().sum::<usize>());
    }
}

#[test]
fn delimiter_detection() {
    assert_eq!(detect_delimiter(b"NIK,NAMA,ALAMAT"), b',');
    assert_eq!(detect_delimiter(b"NIK;NAMA;ALAMAT"), b';');
    assert_eq!(detect_delimiter(b"NIK|NAMA|ALAMAT"), b'|');
    assert_eq!(detect_delimiter(b"NIK\tNAMA\tALAMAT"), b'\t');
    assert_eq!(detect_delimiter(b"\"NAMA, LENGKAP\";NIK"), b';');
    assert_eq!(detect_delimiter(b"NIK"), b',');
}

#[test]
fn formats_from_extension() {
    assert_eq!(
        FileFormat::from_path(Path::new("a.CSV")).ok(),
        Some(FileFormat::Csv)
    );
    assert_eq!(
        FileFormat::from_path(Path::new("a.tsv")).ok(),
        Some(FileFormat::Csv)
    );
    assert_eq!(
        FileFormat::from_path(Path::new("a.parquet")).ok(),
        Some(FileFormat::Parquet)
    );
    assert_eq!(
        FileFormat::from_path(Path::new("a.xlsx")).ok(),
        Some(FileFormat::Spreadsheet)
    );
    assert!(FileFormat::from_path(Path::new("a.docx")).is_err());
    assert!(FileFormat::from_path(Path::new("a")).is_err());
}

#[test]
fn floats_print_as_digits() {
    assert_eq!(format_float(6471054507890001.0), "6471054507890001");
    assert_eq!(format_float(1.5), "1.5");
}

#[test]
fn resolve_by_alias_and_config() {
    let t = Table::from_rows(
        "x.csv",
        &["nik_art", "Nama Lengkap", "first", "last"],
        &[vec!["1", "A", "B", "C"]],
    );
    let map = t.resolve(&InputConfig::default(), "aid").expect("aliases");
    assert_eq!(map.get(&t, Field::Nik, 0), "1");
    assert_eq!(map.get(&t, Field::Name, 0), "A");
    let mut cfg = InputConfig::default();
    cfg.columns.insert(
        "name".into(),
        ColumnSpec::Many(vec!["first".into(), "last".into()]),
    );
    let map = t.resolve(&cfg, "aid").expect("config");
    assert_eq!(map.get(&t, Field::Name, 0), "B C");
    cfg.columns
        .insert("kk".into(), ColumnSpec::One("NOPE".into()));
    let err = t.resolve(&cfg, "aid").unwrap_err().to_string();
    assert!(
        err.contains("\"NOPE\"") && err.contains("[aid.columns] kk"),
        "{err}"
    );
    let t = Table::from_rows("y.csv", &["ID", "NAMA"], &[]);
    let err = t
        .resolve(&InputConfig::default(), "register")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`nik`")
            && err.contains("\"ID\", \"NAMA\"")
            && err.contains("[register.columns] nik"),
        "{err}"
    );
}

#[test]
fn bansos_list_headers_resolve() {
    // Headers of KPM lists (keluarga penerima manfaat) and one RT/RW column.
    let t = Table::from_rows(
        "kpm.csv",
        &[
            "No",
            "NIK KPM",
            "Nama KPM",
            "NIK Pengurus",
            "Nama Pengurus",
            "RT/RW",
            "Desa/Kel",
            "Jenis Bansos",
        ],
        &[vec![
            "1",
            "6471054507890003",
            "SITI",
            "6471050507890001",
            "BUDI",
            "003/012",
            "SEPINGGAN",
            "BPNT",
        ]],
    );
    let map = t.resolve(&InputConfig::default(), "aid").expect("aliases");
    for (field, want) in [
        (Field::Nik, "6471054507890003"),
        (Field::Name, "SITI"),
        (Field::Rt, "003/012"),
        (Field::Kelurahan, "SEPINGGAN"),
        (Field::Program, "BPNT"),
    ] {
        assert_eq!(map.get(&t, field, 0), want, "{field:?}");
    }
    let rtrw = crate::normalize::address::parse_rt_rw(&map.get(&t, Field::Rt, 0));
    assert_eq!((rtrw.rt, rtrw.rw), (Some(3), Some(12)));
}

#[test]
fn english_headers_resolve_by_parts_and_plain_identifiers() {
    // (headers, row, name, address, plain identifier)
    type Case<'a> = (&'a [&'a str], &'a [&'a str], &'a str, &'a str, bool);
    let cases: [Case; 5] = [
        (
            &[
                "rec_id",
                "given_name",
                "surname",
                "street_number",
                "address_1",
                "address_2",
                "soc_sec_id",
            ],
            &[
                "r1",
                "laura",
                "hefford",
                "3",
                "partridge street",
                "home 186",
                "4977825",
            ],
            "laura hefford",
            "3 partridge street home 186",
            true,
        ),
        (
            &["Last Name", "First Name", "Middle Name", "SSN", "Street"],
            &["Smith", "John", "Q", "123", "Main St"],
            "John Q Smith",
            "Main St",
            true,
        ),
        // A whole name wins over its parts; a NIK header over a plain identifier's.
        (
            &["NAMA", "first_name", "NIK", "ssn", "ALAMAT", "address_1"],
            &["SITI", "X", "6471054507890003", "9", "JL. MAWAR", "Y"],
            "SITI",
            "JL. MAWAR",
            false,
        ),
        (
            &["full_name", "national_id"],
            &["Ann Lee", "AB12"],
            "Ann Lee",
            "",
            true,
        ),
        (&["surname", "id_number"], &["Lee", "7"], "Lee", "", true),
    ];
    for (headers, row, name, address, plain) in cases {
        let t = Table::from_rows("x.csv", headers, &[row.to_vec()]);
        let map = t
            .resolve(&InputConfig::default(), "aid")
            .unwrap_or_else(|e| panic!("{headers:?}: {e}"));
        assert_eq!(map.get(&t, Field::Name, 0), name, "{headers:?}");
        assert_eq!(map.get(&t, Field::Address, 0), address, "{headers:?}");
        assert_eq!(map.plain_id, plain, "{headers:?}");
    }
    // A configured identifier column is read as the config says.
    let t = Table::from_rows("x.csv", &["ssn", "name"], &[]);
    let mut cfg = InputConfig::default();
    cfg.columns
        .insert("nik".into(), ColumnSpec::One("ssn".into()));
    assert!(!t.resolve(&cfg, "aid").expect("config").plain_id);
}
