//! Text before it is a table: the encoding of a file's bytes (UTF-8, UTF-16 with or
//! without a byte-order mark, Windows-1252 cell by cell) and the delimiter of a header
//! line.
//!
//! In: bytes. Out: UTF-8 text, or the delimiter byte. Shared by [`super::csv`] and
//! [`super::header`] (the header search splits its lines).

/// Pick the delimiter that occurs most often in the header line, outside quotes.
pub fn detect_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'|', b'\t'];
    let mut quoted = false;
    for &b in header_line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = candidates.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// A cell's bytes as text: UTF-8, else Windows-1252 (files saved by older Excel).
pub(super) fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// UTF-16 text (Excel's "Unicode Text", with a byte-order mark, or without one when the
/// zero bytes give it away) turned into UTF-8; other bytes are returned as they are (UTF-8,
/// or Windows-1252 decoded cell by cell later).
pub fn to_utf8(bytes: Vec<u8>) -> Vec<u8> {
    match utf16_of(&bytes) {
        Some(enc) => enc
            .decode_with_bom_removal(&bytes)
            .0
            .into_owned()
            .into_bytes(),
        None => bytes,
    }
}

/// The UTF-16 encoding of text that starts with `bytes` (a byte-order mark, or the zero
/// bytes of ASCII letters), if it is UTF-16.
pub(super) fn utf16_of(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.starts_with(b"\xff\xfe") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xfe\xff") {
        Some(encoding_rs::UTF_16BE)
    } else {
        // Without a mark: text of ASCII letters in UTF-16 has a zero in every other byte.
        let head = &bytes[..bytes.len().min(4096) & !1];
        let zeros = |parity: usize| {
            head.iter()
                .skip(parity)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count()
        };
        let pairs = head.len() / 2;
        if pairs >= 4 && zeros(1) * 10 >= pairs * 9 && zeros(0) * 10 < pairs {
            Some(encoding_rs::UTF_16LE)
        } else if pairs >= 4 && zeros(0) * 10 >= pairs * 9 && zeros(1) * 10 < pairs {
            Some(encoding_rs::UTF_16BE)
        } else {
            None
        }
    }
}
