//! The errors `main` turns into a message and an exit code, and the exit-code contract.

use miette::Diagnostic;

use crate::settings::InvalidConfig;

/// Exit codes, as documented in docs/cli.md.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Kept for the fleet gate: findings at or above `fail_on`.
    pub const GATE: u8 = 1;
    /// Some targets failed; the report was still written.
    pub const PARTIAL: u8 = 2;
    /// The configuration (or a target list) is invalid. EX_CONFIG from sysexits.h.
    pub const CONFIG: u8 = 78;
    /// Interrupted by Ctrl-C or SIGTERM.
    pub const INTERRUPTED: u8 = 130;
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] InvalidConfig),

    #[error("the plan has {0} invalid target(s)")]
    #[diagnostic(
        code(trivyscan::resolve::invalid_targets),
        help("fix the targets above; `trivyscan targets` shows the whole plan")
    )]
    InvalidTargets(usize),

    #[error("cannot write to stdout: {0}")]
    #[diagnostic(code(trivyscan::io::stdout))]
    Stdout(#[source] std::io::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::InvalidTargets(_) => exit::CONFIG,
            Error::Stdout(_) => 1,
        }
    }
}
