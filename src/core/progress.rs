//! The one progress helper: indicatif bars on a terminal, nothing otherwise.
//!
//! Bars are hidden with `--quiet` or when stderr is not a terminal (scheduled jobs, pipes),
//! so logs stay clean. Bars show counts and stage names only, never row contents.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

#[derive(Debug, Clone, Copy)]
pub struct Progress {
    hidden: bool,
}

impl Progress {
    /// Progress shown only when not quiet and stderr is a terminal.
    pub fn new(quiet: bool) -> Self {
        Progress {
            hidden: quiet || !std::io::stderr().is_terminal(),
        }
    }

    /// A helper that never draws (tests, benches).
    pub fn hidden() -> Self {
        Progress { hidden: true }
    }

    /// A spinner for a stage of unknown length (loading a file).
    pub(crate) fn spinner(&self, stage: &str) -> ProgressBar {
        if self.hidden {
            return ProgressBar::hidden();
        }
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let pb = ProgressBar::new_spinner()
            .with_style(style)
            .with_message(stage.to_string());
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    }
}
