//! Where the secret of the person ids comes from.
//!
//! In: the environment. Out: a [`PersonKey`] and where it came from ([`KeySource`]), in
//! this order:
//! 1. `DEDUPE_PERSON_KEY`: a passphrase (at least 16 characters), for scheduled jobs
//!    whose secrets come from the environment and for runs on several machines that must
//!    give the same ids;
//! 2. the machine's key file, `$XDG_CONFIG_HOME/dedupe/person.key` (else
//!    `~/.config/dedupe/person.key`): 64 hex digits, made on the first run from the
//!    system's random source and readable by its owner only;
//! 3. when neither can be had, a public key, with a warning: the ids are then stable but
//!    not secret.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::matching::person_id::PersonKey;

/// The variable that carries a passphrase for the person ids.
pub(crate) const ENV: &str = "DEDUPE_PERSON_KEY";

/// Where a run's person key came from (in `summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum KeySource {
    Environment,
    File { path: String },
    Public { why: String },
}

/// The key and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct KeyChoice {
    pub key: PersonKey,
    pub source: KeySource,
}

impl KeyChoice {
    /// A warning for the summary when the ids are not secret.
    pub fn warning(&self) -> Option<String> {
        match &self.source {
            KeySource::Public { why } => Some(format!(
                "person_id is computed with a public key ({why}): the ids are stable but \
                 not secret; set {ENV} to a passphrase of 16 characters or more"
            )),
            _ => None,
        }
    }
}

/// The key of this run.
pub(crate) fn choose() -> KeyChoice {
    choose_from(std::env::var_os(ENV), key_file())
}

fn choose_from(env: Option<std::ffi::OsString>, file: Option<PathBuf>) -> KeyChoice {
    if let Some(secret) = env {
        let secret = secret.to_string_lossy();
        if secret.chars().count() >= 16 {
            return KeyChoice {
                key: PersonKey::from_secret(secret.as_bytes()),
                source: KeySource::Environment,
            };
        }
        return public(format!("{ENV} is shorter than 16 characters"));
    }
    let Some(path) = file else {
        return public("no home folder for the key file".to_string());
    };
    match read_or_make(&path) {
        Ok(key) => KeyChoice {
            key,
            source: KeySource::File {
                path: path.display().to_string(),
            },
        },
        Err(e) => public(format!("key file {}: {e}", path.display())),
    }
}

fn public(why: String) -> KeyChoice {
    KeyChoice {
        key: PersonKey::from_secret(b"dedupe public person key"),
        source: KeySource::Public { why },
    }
}

/// The machine's key file.
fn key_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("dedupe").join("person.key"))
}

/// Read the key file, or make it (owner-only) when it does not exist.
fn read_or_make(path: &Path) -> Result<PersonKey, String> {
    match read_key(path)? {
        Some(key) => Ok(key),
        None => make(path),
    }
}

/// The key of the key file; None when there is no such file.
fn read_key(path: &Path) -> Result<Option<PersonKey>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    parse_hex(text.trim())
        .map(Some)
        .ok_or_else(|| "not 64 hex digits; delete it to make a new key (the ids change)".into())
}

fn parse_hex(text: &str) -> Option<PersonKey> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        key[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(PersonKey::from_bytes(key))
}

fn make(path: &Path) -> Result<PersonKey, String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("no random source to make a key ({e})"))?;
    let key = PersonKey::from_bytes(bytes);
    let text = crate::core::fsio::hex(&bytes);
    let dir = path.parent().ok_or("no folder")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    // A temporary file is readable by its owner only; it becomes the key file unless
    // another run made one first, whose key is then the one.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| e.to_string())?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(key),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(path)?.ok_or_else(|| "made and gone at once".to_string())
        }
        Err(e) => Err(e.error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_comes_from_the_environment_then_the_file_then_a_public_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dedupe").join("person.key");
        let env = choose_from(Some("a passphrase long enough".into()), Some(file.clone()));
        assert_eq!(env.source, KeySource::Environment);
        assert!(!file.exists(), "the environment's key makes no file");
        let short = choose_from(Some("short".into()), Some(file.clone()));
        assert!(short.warning().unwrap().contains(ENV));
        let made = choose_from(None, Some(file.clone()));
        assert!(matches!(made.source, KeySource::File { .. }));
        assert!(made.warning().is_none());
        let again = choose_from(None, Some(file.clone()));
        assert_eq!(
            made.key, again.key,
            "the file keeps the key from run to run"
        );
        std::fs::write(&file, "not a key").unwrap();
        let damaged = choose_from(None, Some(file));
        assert!(damaged.warning().unwrap().contains("64 hex digits"));
        assert!(choose_from(None, None).warning().is_some());
    }
}
