//! The errors `main` turns into a message and an exit code, and the exit-code contract.

use miette::Diagnostic;

use crate::settings::InvalidConfig;

/// Exit codes, as documented in docs/cli.md.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Kept for the fleet gate: findings at or above `fail_on`.
    pub const GATE: u8 = 1;
    /// The run is incomplete: some targets failed or a scanner was skipped; the report was
    /// still written.
    pub const PARTIAL: u8 = 2;
    /// The command line is wrong (unknown flag, bad value). EX_USAGE from sysexits.h; not 2,
    /// which CI reads as "some targets failed".
    pub const USAGE: u8 = 64;
    /// The configuration (or a target list) is invalid. EX_CONFIG from sysexits.h.
    pub const CONFIG: u8 = 78;
    /// A report could not be written. EX_IOERR from sysexits.h.
    pub const IO: u8 = 74;
    /// An input file (a saved report) is missing or unreadable. EX_NOINPUT from sysexits.h.
    pub const NOINPUT: u8 = 66;
    /// Interrupted by Ctrl-C or SIGTERM.
    pub const INTERRUPTED: u8 = 130;

    /// The exit code of a verdict: an interruption first, then the verdict's own.
    pub fn of_verdict(verdict: crate::model::Verdict, interrupted: bool) -> u8 {
        use crate::model::Verdict;
        match verdict {
            _ if interrupted => INTERRUPTED,
            Verdict::Failed => GATE,
            Verdict::Incomplete => PARTIAL,
            Verdict::Passed => OK,
        }
    }
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] InvalidConfig),

    #[error("{}", crate::msg!("plan-invalid-targets", n = .0))]
    #[diagnostic(
        code(trivyscan::resolve::invalid_targets),
        url("docs/diagnostics.md#trivyscan-resolve-invalid_targets"),
        help("{}", crate::msg!("plan-invalid-targets-help"))
    )]
    InvalidTargets(usize),

    #[error("{}", crate::msg!("trivy-missing", binary = .binary))]
    #[diagnostic(
        code(trivyscan::trivy::missing),
        url("docs/diagnostics.md#trivyscan-trivy-missing"),
        help(
            "{}", crate::msg!("trivy-missing-help"))
    )]
    TrivyMissing {
        binary: String,
        #[source]
        source: crate::exec::ExecError,
    },

    #[error("{}", crate::msg!("trivy-too-old", binary = .binary, version = .version))]
    #[diagnostic(
        code(trivyscan::trivy::too_old),
        url("docs/diagnostics.md#trivyscan-trivy-too_old"),
        help(
            "{}", crate::msg!("trivy-too-old-help"))
    )]
    TrivyTooOld { binary: String, version: String },

    #[error("{}", crate::msg!("run-no-targets"))]
    #[diagnostic(
        code(trivyscan::run::no_targets),
        url("docs/diagnostics.md#trivyscan-run-no_targets"),
        help(
            "{}", crate::msg!("run-no-targets-help"))
    )]
    NoTargets,

    #[error("{}", crate::msg!("run-no-config"))]
    #[diagnostic(
        code(trivyscan::run::no_config),
        url("docs/diagnostics.md#trivyscan-run-no_config"),
        help(
            "{}", crate::msg!("run-no-config-help"))
    )]
    NoConfig,

    #[error("{}", crate::msg!("init-exists", path = .0))]
    #[diagnostic(
        code(trivyscan::init::exists),
        url("docs/diagnostics.md#trivyscan-init-exists"),
        help("{}", crate::msg!("init-exists-help"))
    )]
    InitExists(String),

    #[error("{}", crate::msg!("init-no-legacy-lists"))]
    #[diagnostic(
        code(trivyscan::init::no_legacy),
        url("docs/diagnostics.md#trivyscan-init-no_legacy"),
        help("{}", crate::msg!("init-no-legacy-lists-help"))
    )]
    InitNoLegacy,

    #[error(
        "{}", crate::msg!("legacy-mode-missing"))]
    #[diagnostic(
        code(trivyscan::legacy::mode),
        url("docs/diagnostics.md#trivyscan-legacy-mode"),
        help("{}", crate::msg!("legacy-mode-missing-help"))
    )]
    LegacyModeMissing,

    #[error(transparent)]
    #[diagnostic(transparent)]
    Report(#[from] crate::atomic::WriteError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Remote(#[from] crate::stage::scan::RemoteError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    SavedReport(#[from] crate::report::json_reader::LoadError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    MergeShards(#[from] crate::report::merge::ShardError),

    #[error("{}", crate::msg!("merge-too-few-inputs", found = if .0.is_empty() { "none".to_string() } else { .0.join(", ") }))]
    #[diagnostic(
        code(trivyscan::report::merge_inputs),
        url("docs/diagnostics.md#trivyscan-report-merge_inputs"),
        help(
            "{}", crate::msg!("merge-too-few-inputs-help"))
    )]
    MergeInputs(Vec<String>),

    #[error("{}", crate::msg!("trend-no-inputs", given = .0.join(", ")))]
    #[diagnostic(
        code(trivyscan::report::trend_inputs),
        url("docs/diagnostics.md#trivyscan-report-trend_inputs"),
        help("{}", crate::msg!("trend-no-inputs-help"))
    )]
    TrendInputs(Vec<String>),

    #[error("{}", crate::msg!("report-render-format", format = format!("{:?}", .0)))]
    #[diagnostic(
        code(trivyscan::report::render_format),
        url("docs/diagnostics.md#trivyscan-report-render_format"),
        help(
            "{}", crate::msg!("report-render-format-help"))
    )]
    RenderFormat(String),

    #[error("{}", crate::msg!("run-shard", text = format!("{:?}", .0)))]
    #[diagnostic(
        code(trivyscan::run::shard),
        url("docs/diagnostics.md#trivyscan-run-shard"),
        help(
            "{}", crate::msg!("run-shard-help"))
    )]
    Shard(String),

    #[error("{}", crate::msg!("run-shard-auto", why = .0))]
    #[diagnostic(
        code(trivyscan::run::shard_auto),
        url("docs/diagnostics.md#trivyscan-run-shard_auto"),
        help(
            "{}", crate::msg!("run-shard-auto-help"))
    )]
    ShardAuto(crate::i18n::Msg),

    #[error("{}", crate::msg!("duration-invalid", text = format!("{:?}", .0)))]
    #[diagnostic(
        code(trivyscan::cache::duration),
        url("docs/diagnostics.md#trivyscan-cache-duration"),
        help("{}", crate::msg!("cache-duration-help"))
    )]
    Duration(String),

    #[error("{}", crate::msg!("report-render-output"))]
    #[diagnostic(
        code(trivyscan::report::render_output),
        url("docs/diagnostics.md#trivyscan-report-render_output"),
        help(
            "{}", crate::msg!("report-render-output-help"))
    )]
    RenderOutput,

    #[error("{}", crate::msg!("run-scratch", dir = .dir.display(), source = .source))]
    #[diagnostic(
        code(trivyscan::run::scratch),
        url("docs/diagnostics.md#trivyscan-run-scratch"),
        help(
            "{}", crate::msg!("run-scratch-help"))
    )]
    Scratch {
        dir: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}", crate::msg!("stdout-write", error = .0))]
    #[diagnostic(
        code(trivyscan::io::stdout),
        url("docs/diagnostics.md#trivyscan-io-stdout")
    )]
    Stdout(#[source] std::io::Error),
}

impl From<crate::report::merge::MergeError> for Error {
    fn from(e: crate::report::merge::MergeError) -> Error {
        match e {
            crate::report::merge::MergeError::Load(e) => Error::SavedReport(e),
            crate::report::merge::MergeError::Shards(e) => Error::MergeShards(e),
        }
    }
}

impl Error {
    /// Ready for stderr: the report handler renders it in the chosen language.
    pub fn into_report(self) -> miette::Report {
        miette::Report::new(self)
    }

    /// Errors that read better as a few plain lines than as a diagnostic: the first run with
    /// nothing set up.
    pub fn plain(&self) -> Option<String> {
        match self {
            Error::NoConfig => Some(crate::i18n::t("nothing_set_up").to_string()),
            _ => None,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            // What the user typed on the command line is wrong: a usage error, as clap's own.
            Error::Config(c) if c.is_usage_error() => exit::USAGE,
            Error::Shard(_) | Error::RenderFormat(_) | Error::RenderOutput | Error::Duration(_) => {
                exit::USAGE
            }
            Error::Config(_)
            | Error::InvalidTargets(_)
            | Error::TrivyMissing { .. }
            | Error::TrivyTooOld { .. }
            | Error::NoTargets
            | Error::NoConfig
            | Error::LegacyModeMissing
            | Error::InitExists(_)
            | Error::InitNoLegacy
            | Error::ShardAuto(_)
            | Error::Remote(_) => exit::CONFIG,

            Error::SavedReport(_)
            | Error::MergeShards(_)
            | Error::MergeInputs(_)
            | Error::TrendInputs(_) => exit::NOINPUT,
            Error::Report(_) => exit::IO,
            Error::Stdout(_) | Error::Scratch { .. } => exit::IO,
        }
    }
}
