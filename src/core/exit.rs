//! The process's exit codes, as one type.
//!
//! In: how a command ended. Out: the code the shell sees ([`Exit::code`]), documented in
//! the README: scheduled jobs branch on it.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done; with `--fail-on`, nothing of the kind asked for was found.
    Success,
    /// Done, and `--fail-on` (or `--fail-on-findings`) found what it names: the outputs
    /// are written.
    Findings,
    /// Stopped by the input, the config or the environment (a message names the file,
    /// row, column or flag and the fix); also a command line clap refuses.
    Error,
    /// A bug in dedupe (a panic); no output is left half written.
    Bug,
}

impl Exit {
    /// The process exit code: 0, 1, 2 or 3.
    pub fn code(self) -> i32 {
        match self {
            Exit::Success => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
            Exit::Bug => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        let codes: Vec<i32> = [Exit::Success, Exit::Findings, Exit::Error, Exit::Bug]
            .iter()
            .map(|e| e.code())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }
}
