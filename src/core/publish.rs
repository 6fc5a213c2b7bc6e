//! Publishing a run's outputs into its folder: one run at a time, all or nothing.
//!
//! In: the output folder and the names of the outputs a run wrote into its staging folder.
//! Out: a lock on the folder for the run's life ([`lock`]), the staging folder
//! ([`staging_dir`]), and the outputs moved into place ([`publish`]).
//!
//! - One run per folder: `.dedupe.lock` is held with `flock` while a run works; a second
//!   run into the same folder stops at once (exit 2) and names the first one's process.
//!   The kernel lets go of the lock when a process ends, killed or not.
//! - Every obstacle (a folder standing where an output goes) is found before anything is
//!   replaced.
//! - The renames are journaled: `.dedupe-publishing` names the staging folder while they
//!   run. A run killed between two renames leaves the journal; the next run into the folder
//!   (holding the lock) finishes those renames first, so the folder never keeps a mix of
//!   two runs, and readers ([`interrupted`]) refuse a folder whose journal is still there.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::core::error::WriteError;

/// The prefix of a staging folder inside the out folder.
pub(crate) const STAGING_PREFIX: &str = ".dedupe-staging-";
/// The lock file of an out folder.
pub(crate) const LOCK_FILE: &str = ".dedupe.lock";
/// The journal of a publish under way: the staging folder's name.
pub(crate) const JOURNAL: &str = ".dedupe-publishing";

/// The lock on an out folder; let go when dropped (or when the process ends).
#[derive(Debug)]
pub struct OutLock {
    _file: std::fs::File,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Take the lock on `out_dir` (created if need be), or refuse when another run holds it.
pub fn lock(out_dir: &Path) -> Result<OutLock, WriteError> {
    use std::os::fd::AsRawFd;
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let path = out_dir.join(LOCK_FILE);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_err(&path))?;
    // SAFETY: flock takes the descriptor of a file this function owns and integer flags.
    let held = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0;
    if held {
        let holder = std::fs::read_to_string(&path).unwrap_or_default();
        return Err(WriteError::Locked {
            path: out_dir.to_path_buf(),
            holder: holder.trim().to_string(),
        });
    }
    file.set_len(0).map_err(io_err(&path))?;
    write!(file, "pid {}", std::process::id()).map_err(io_err(&path))?;
    Ok(OutLock { _file: file })
}

/// A staging folder inside `out_dir` for a run's outputs, after finishing a publish that
/// a killed run left half done and removing staging folders that runs killed while writing
/// left behind. The caller holds the folder's [`lock`].
pub(crate) fn staging_dir(out_dir: &Path) -> Result<tempfile::TempDir, WriteError> {
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    recover(out_dir)?;
    if let Ok(entries) = std::fs::read_dir(out_dir) {
        for e in entries.flatten() {
            let stale = e.file_name().to_string_lossy().starts_with(STAGING_PREFIX);
            if stale && e.path().is_dir() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(out_dir)
        .map_err(io_err(out_dir))
}

/// Finish the publish a journal names: move what its staging folder still holds into
/// place, then drop the journal.
fn recover(out_dir: &Path) -> Result<(), WriteError> {
    let journal = out_dir.join(JOURNAL);
    let Ok(name) = std::fs::read_to_string(&journal) else {
        return Ok(());
    };
    let staging = out_dir.join(name.trim());
    let valid = name.trim().starts_with(STAGING_PREFIX) && !name.contains(['/', '\\']);
    if valid && staging.is_dir() {
        let mut left: Vec<PathBuf> = std::fs::read_dir(&staging)
            .map_err(io_err(&staging))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        left.sort();
        for from in left {
            let to = out_dir.join(from.file_name().unwrap_or_default());
            std::fs::rename(&from, &to).map_err(io_err(&from))?;
        }
    }
    std::fs::remove_file(&journal).map_err(io_err(&journal))
}

/// Whether `out_dir` holds a publish that was cut off (a reader's outputs may be of two
/// runs until the next run into the folder finishes it).
pub(crate) fn interrupted(out_dir: &Path) -> bool {
    out_dir.join(JOURNAL).exists()
}

/// Move the outputs `names` from `staging` into `out_dir`: every obstacle found first,
/// then the renames under a journal. `abort_after`: a test hook that ends the process
/// after that many renames, as a kill would.
pub fn publish(
    staging: &Path,
    out_dir: &Path,
    names: &[String],
    abort_after: Option<usize>,
) -> Result<(), WriteError> {
    let names: Vec<&String> = names.iter().filter(|n| staging.join(n).is_file()).collect();
    for name in &names {
        let to = out_dir.join(name);
        if to.exists() && !to.is_file() {
            return Err(WriteError::Other {
                path: to,
                message: "something other than a file stands where this output goes; \
                          move it away, or choose another output folder (-o/--out)"
                    .to_string(),
            });
        }
    }
    let staging_name = staging
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::core::fsio::write_atomic(out_dir, JOURNAL, |w| w.write_all(staging_name.as_bytes()))?;
    for (i, name) in names.iter().enumerate() {
        if abort_after == Some(i) {
            std::process::abort();
        }
        let from = staging.join(name);
        std::fs::rename(&from, out_dir.join(name)).map_err(io_err(&from))?;
    }
    let journal = out_dir.join(JOURNAL);
    std::fs::remove_file(&journal).map_err(io_err(&journal))
}
