//! Register index files: the normalized register, stored for scheduled runs.
//!
//! In: a register's records ([`StoredRecords`]) and what a run reports of its source (path,
//! SHA-256, size and time, rows, columns, warnings), or an index file. Out: the file
//! (`dedupe index`), or the records and the header read back, checked.
//!
//! Layout (version 1; integers little-endian, values in bincode 2's standard encoding:
//! variable-length integers, strings as length and UTF-8 bytes):
//! - the 8 bytes `DEDUPEIX` and a `u32` format version;
//! - the [`IndexHeader`] (one bincode value);
//! - five sections, in this order: the records in row order ([`Person`]), then by id the
//!   distinct NIK parses, name tokens, street tokens and area keys of [`StoredRecords`].
//!   A section is a `u32` count of chunks, a `u64` byte length per chunk, then the chunks;
//!   a chunk is one bincode `Vec` of up to 65,536 items. Chunks are encoded and decoded in
//!   parallel, one section in memory at a time.
//!
//! The header comes first so that a foreign or stale index is refused before the records
//! are read.
//!
//! [`Person`]: crate::matching::record::Person

use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::core::error::{LoadError, WriteError};
use crate::io::output::InputSummary;
use crate::matching::record::StoredRecords;

/// The first bytes of every index file.
pub(crate) const MAGIC: &[u8; 8] = b"DEDUPEIX";
/// The layout version; files of another version are refused.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// What an index says about itself and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexHeader {
    /// The dedupe version that wrote the file (normalization rules change between
    /// versions: an index is used only by the version that wrote it).
    pub tool_version: String,
    /// [`rules_fingerprint`] of the build that wrote it: builds of one version whose
    /// normalization differs refuse each other's indexes too.
    ///
    /// [`rules_fingerprint`]: crate::matching::record::rules_fingerprint
    pub rules: String,
    /// The register file the index was built from, as a run's `summary.json` reports it:
    /// its path as given, SHA-256, rows, columns used and long rows.
    pub source: InputSummary,
    /// The same file's absolute path (what a run checks, from any working folder; empty
    /// when it could not be resolved).
    pub source_canonical: String,
    pub source_bytes: u64,
    /// Modification time of the source, nanoseconds since 1970 (0 when unknown).
    pub source_mtime: u64,
    /// The register settings the records were built with (`[register]`, `[status]`,
    /// `id_kind`, as JSON): another config would build other records.
    pub settings: String,
    /// Warnings about the register that a run repeats (status and death-date columns,
    /// cells spanning lines).
    pub warnings: Vec<String>,
    pub multiline_warning: Option<String>,
}

/// Size and modification time of a file, as an index records its source.
pub(crate) fn file_stamp(path: &Path) -> std::io::Result<(u64, u64)> {
    let meta = std::fs::metadata(path)?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        // Nanoseconds: a file rewritten at its old size within the second it was indexed
        // in still shows as changed (and is hashed).
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok((meta.len(), mtime))
}

/// Write an index file (atomically: a reader never sees half an index).
pub fn write(path: &Path, header: &IndexHeader, records: &StoredRecords) -> Result<(), WriteError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "register.idx".to_string());
    crate::core::fsio::write_atomic(&dir, &name, |w| {
        let mut w = BufWriter::with_capacity(1 << 20, w);
        w.write_all(MAGIC)?;
        w.write_all(&FORMAT_VERSION.to_le_bytes())?;
        bincode::serde::encode_into_std_write(header, &mut w, bincode::config::standard())
            .map_err(encode_error)?;
        write_section(&mut w, &records.people)?;
        write_section(&mut w, &records.niks)?;
        write_section(&mut w, &records.names)?;
        write_section(&mut w, &records.streets)?;
        write_section(&mut w, &records.areas)?;
        w.flush()
    })?;
    Ok(())
}

/// Items per chunk of a section.
const CHUNK: usize = 1 << 16;

fn encode_error(e: bincode::error::EncodeError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// One section: its chunks encoded in parallel, written with their lengths first.
fn write_section<T: Serialize + Sync>(w: &mut dyn Write, items: &[T]) -> std::io::Result<()> {
    let chunks: Vec<Vec<u8>> = items
        .par_chunks(CHUNK)
        .map(|c| bincode::serde::encode_to_vec(c, bincode::config::standard()))
        .collect::<Result<_, _>>()
        .map_err(encode_error)?;
    w.write_all(&(chunks.len() as u32).to_le_bytes())?;
    for c in &chunks {
        w.write_all(&(c.len() as u64).to_le_bytes())?;
    }
    for c in &chunks {
        w.write_all(c)?;
    }
    Ok(())
}

/// The most a decoded value may claim (bytes): a length written in the file asks for no
/// more than this, so a forged one is refused instead of allocated (a chunk holds at most
/// 65,536 items, a header a few thousand bytes).
const DECODE_LIMIT: usize = 1 << 30;

/// The decoding configuration: bincode 2's standard encoding, with [`DECODE_LIMIT`].
fn decode_config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<DECODE_LIMIT>()
}

/// Read one section: its bytes (never more than the file has left), then its chunks
/// decoded in parallel. An error names what is wrong with the section.
fn read_section<T: DeserializeOwned + Send>(
    r: &mut impl Read,
    left: &mut u64,
    what: &str,
) -> Result<Vec<T>, String> {
    let mut take = |n: u64| -> Result<Vec<u8>, String> {
        if n > *left {
            return Err(format!("the {what} section is longer than the file"));
        }
        let mut buf = Vec::with_capacity(n as usize);
        r.take(n)
            .read_to_end(&mut buf)
            .map_err(|e| format!("the {what} section cannot be read: {e}"))?;
        if buf.len() as u64 != n {
            return Err(format!("the {what} section is cut short"));
        }
        *left -= n;
        Ok(buf)
    };
    let count = u32::from_le_bytes(take(4)?.try_into().unwrap_or_default()) as u64;
    let lengths: Vec<u64> = take(count * 8)?
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
        .collect();
    let total = lengths
        .iter()
        .try_fold(0u64, |a, &b| a.checked_add(b))
        .ok_or_else(|| format!("the {what} section's lengths overflow"))?;
    let bytes = take(total)?;
    let mut chunks = Vec::with_capacity(lengths.len());
    let mut at = 0usize;
    for &n in &lengths {
        chunks.push(&bytes[at..at + n as usize]);
        at += n as usize;
    }
    let decoded: Vec<Vec<T>> = chunks
        .par_iter()
        .map(|c| {
            bincode::serde::decode_from_slice::<Vec<T>, _>(c, decode_config())
                .map(|(v, used)| (v, used == c.len()))
                .map_err(|e| format!("the {what} section is unreadable: {e}"))
                .and_then(|(v, whole)| {
                    whole
                        .then_some(v)
                        .ok_or_else(|| format!("the {what} section has stray bytes"))
                })
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(decoded.iter().map(Vec::len).sum());
    for d in decoded {
        out.extend(d);
    }
    Ok(out)
}

/// An open index whose header has been read: check it, then read the records.
pub(crate) struct IndexReader {
    path: PathBuf,
    reader: BufReader<std::fs::File>,
    /// Bytes of the file after the header.
    left: u64,
    pub header: IndexHeader,
}

impl IndexReader {
    /// Open an index and read its header. A file of another format, layout version or
    /// dedupe version is refused.
    pub fn open(path: &Path) -> Result<IndexReader, LoadError> {
        let foreign = |message: String| LoadError::ForeignIndex {
            path: path.to_path_buf(),
            message,
        };
        let file = std::fs::File::open(path).map_err(|source| LoadError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let size = file.metadata().map_or(0, |m| m.len());
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let mut head = [0u8; 12];
        reader
            .read_exact(&mut head)
            .map_err(|_| foreign("too short to be an index".to_string()))?;
        if &head[..8] != MAGIC {
            return Err(foreign("it does not start with DEDUPEIX".to_string()));
        }
        let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
        if version != FORMAT_VERSION {
            return Err(foreign(format!(
                "layout version {version}, this version reads {FORMAT_VERSION}"
            )));
        }
        let header: IndexHeader =
            bincode::serde::decode_from_std_read(&mut reader, decode_config())
                .map_err(|e| foreign(format!("unreadable header: {e}")))?;
        // Where the sections start: what the header took (the buffered reader's position
        // counts only what was consumed).
        let at = reader.stream_position().map_err(|source| LoadError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let left = size.saturating_sub(at);
        if header.tool_version != env!("CARGO_PKG_VERSION") {
            return Err(foreign(format!(
                "written by dedupe {}, this is {}",
                header.tool_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        if header.rules != crate::matching::record::rules_fingerprint() {
            return Err(foreign(
                "its records were normalized by other rules than this build's".to_string(),
            ));
        }
        Ok(IndexReader {
            path: path.to_path_buf(),
            reader,
            left,
            header,
        })
    }

    /// Refuse the index when its source file is still where it was and has changed. The
    /// source is hashed only when its size or time differ from those recorded. A source
    /// that is gone is no reason to refuse (the index holds the records): `Ok(false)`.
    pub(crate) fn check_source(
        &self,
        hash: impl Fn(&Path) -> Result<String, LoadError>,
    ) -> Result<bool, LoadError> {
        let source = PathBuf::from(if self.header.source_canonical.is_empty() {
            &self.header.source.path
        } else {
            &self.header.source_canonical
        });
        let Ok((bytes, mtime)) = file_stamp(&source) else {
            return Ok(false);
        };
        if bytes == self.header.source_bytes && mtime == self.header.source_mtime {
            return Ok(true);
        }
        let now = hash(&source)?;
        if now != self.header.source.sha256 {
            return Err(LoadError::StaleIndex {
                path: self.path.clone(),
                source_path: source,
                then: self.header.source.sha256.clone(),
                now,
            });
        }
        Ok(true)
    }

    /// Read the records (after the header's checks).
    pub fn records(mut self) -> Result<StoredRecords, LoadError> {
        let (r, left) = (&mut self.reader, &mut self.left);
        let mut read = || -> Result<StoredRecords, String> {
            Ok(StoredRecords {
                people: read_section(r, left, "records")?,
                niks: read_section(r, left, "NIK")?,
                names: read_section(r, left, "name")?,
                streets: read_section(r, left, "street")?,
                areas: read_section(r, left, "area")?,
            })
        };
        let records = read().map_err(|message| LoadError::ForeignIndex {
            path: self.path.clone(),
            message,
        })?;
        if records.people.len() != self.header.source.rows || !records.consistent() {
            return Err(LoadError::ForeignIndex {
                path: self.path,
                message: "its records do not fit together (a damaged file)".to_string(),
            });
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::{Field, IdKind, StatusValues};
    use crate::matching::record::FieldRows;

    fn header(source: &Path) -> IndexHeader {
        let (source_bytes, source_mtime) = file_stamp(source).expect("stamp");
        IndexHeader {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            rules: crate::matching::record::rules_fingerprint(),
            source: InputSummary {
                path: source.display().to_string(),
                sha256: "abc".to_string(),
                rows: 2,
                columns: Default::default(),
                long_rows: 0,
            },
            source_canonical: String::new(),
            source_bytes,
            source_mtime,
            settings: "{}".to_string(),
            warnings: vec!["a warning".to_string()],
            multiline_warning: None,
        }
    }

    fn records() -> StoredRecords {
        let rows = FieldRows::new(
            &[Field::Nik, Field::Name],
            &[&["6471054507890003", "SITI AMINAH"], &["", "RINA"]],
        );
        StoredRecords::build(&rows, &StatusValues::default(), IdKind::Nik)
    }

    /// The bytes of the five sections of `r` (the end of an index file).
    fn records_bytes(r: &StoredRecords) -> usize {
        let mut v = Vec::new();
        write_section(&mut v, &r.people).expect("w");
        write_section(&mut v, &r.niks).expect("w");
        write_section(&mut v, &r.names).expect("w");
        write_section(&mut v, &r.streets).expect("w");
        write_section(&mut v, &r.areas).expect("w");
        v.len()
    }

    #[test]
    fn sections_of_many_chunks_read_back_in_order() {
        let items: Vec<String> = (0..CHUNK * 2 + 7).map(|i| i.to_string()).collect();
        let mut bytes = Vec::new();
        write_section(&mut bytes, &items).expect("written");
        let mut left = bytes.len() as u64;
        let back: Vec<String> =
            read_section(&mut bytes.as_slice(), &mut left, "test").expect("read");
        assert_eq!(back, items);
        assert_eq!(left, 0);
    }

    #[test]
    fn a_forged_length_inside_a_chunk_is_refused_not_allocated() {
        let items: Vec<String> = (0..100).map(|i| format!("NAMA {i}")).collect();
        let mut bytes = Vec::new();
        write_section(&mut bytes, &items).expect("written");
        // One chunk: its count (4 bytes), its length (8), then the Vec's length as a
        // varint: 253 and a u64 claiming 2^40 items.
        bytes[12] = 253;
        bytes[13..21].copy_from_slice(&(1u64 << 40).to_le_bytes());
        let mut left = bytes.len() as u64;
        let got = read_section::<String>(&mut bytes.as_slice(), &mut left, "names");
        assert!(
            got.as_ref().is_err_and(|e| e.contains("unreadable")),
            "{got:?}"
        );
    }

    /// A folder with a register file and an index written from it.
    fn written() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().expect("tmp");
        let source = dir.path().join("population.csv");
        std::fs::write(&source, "NIK,NAMA\n").expect("source");
        let path = dir.path().join("register.idx");
        write(&path, &header(&source), &records()).expect("written");
        (dir, source, path)
    }

    #[test]
    fn an_index_reads_back_what_was_written() {
        let (_dir, source, path) = written();
        assert_eq!(&std::fs::read(&path).expect("read")[..8], MAGIC);
        let r = IndexReader::open(&path).expect("opened");
        assert_eq!(r.header, header(&source));
        assert!(r
            .check_source(|_| panic!("unchanged source: not hashed"))
            .expect("fresh"));
        assert_eq!(r.records().expect("records"), records());
    }

    #[test]
    fn foreign_damaged_and_stale_indexes_are_refused() {
        let (_dir, source, path) = written();
        let good = std::fs::read(&path).expect("read");
        let refused = |bytes: &[u8]| {
            std::fs::write(&path, bytes).expect("write");
            match IndexReader::open(&path).and_then(IndexReader::records) {
                Err(LoadError::ForeignIndex { message, .. }) => message,
                other => panic!("not refused: {:?}", other.map(|r| r.people.len())),
            }
        };
        assert!(refused(b"NIK,NAMA\n1,2\n").contains("DEDUPEIX"));
        assert!(refused(b"DEDU").contains("too short"));
        let mut v2 = good.clone();
        v2[8] = 2;
        assert!(refused(&v2).contains("layout version 2"));
        // Cut short: the records are unreadable.
        assert!(refused(&good[..good.len() - 3]).contains("longer than the file"));
        // A chunk length past the end of the file.
        let mut long = good.clone();
        let at = good.len() - records_bytes(&records()) + 4;
        long[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(refused(&long).contains("longer than the file"));
        // Another dedupe version wrote it.
        let mut old = header(&source);
        old.tool_version = "0.0.1".to_string();
        write(&path, &old, &records()).expect("written");
        assert!(refused(&std::fs::read(&path).expect("read")).contains("dedupe 0.0.1"));
        // Same version, other normalization rules.
        let mut other = header(&source);
        other.rules = "0123456789abcdef".to_string();
        write(&path, &other, &records()).expect("written");
        assert!(refused(&std::fs::read(&path).expect("read")).contains("other rules"));
        // The source changed since: refused as stale when its hash differs.
        write(&path, &header(&source), &records()).expect("written");
        std::fs::write(&source, "NIK,NAMA\n6471054507890003,SITI\n").expect("changed");
        let r = IndexReader::open(&path).expect("opened");
        match r.check_source(|_| Ok("def".to_string())) {
            Err(LoadError::StaleIndex { then, now, .. }) => {
                assert_eq!((then, now), ("abc".into(), "def".into()))
            }
            other => panic!("not stale: {other:?}"),
        }
        // Same hash (the file was only touched): used.
        assert!(r
            .check_source(|_| Ok("abc".to_string()))
            .expect("same content"));
        // The source is gone: the index stands on its own.
        std::fs::remove_file(&source).expect("rm");
        assert!(!r
            .check_source(|_| panic!("nothing to hash"))
            .expect("no source"));
    }
}
