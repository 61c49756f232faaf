//! Raw command-line arguments, as clap parses them. Nothing here is resolved or validated
//! beyond what clap does; `settings` turns the config overrides into a layer.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use crate::settings::FlagOverrides;

/// The exit-code contract (docs/cli.md), shown by `--help` and in the man page.
pub const EXIT_STATUS: &str = "Exit status:
  0    verdict passed: every input was looked at and nothing failed the gate
  1    verdict failed: the fleet gate failed (findings at or above fail_on, or caught by
       fail_on_kev/fail_on_epss)
  2    verdict incomplete: something asked was not done (a target, glob, manifest, list, feed,
       scanner or gate part); report merge exits with the merged fleet's verdict too
  64   usage error (unknown flag, bad value)
  66   a saved report to read is missing or not a trivyscan report
  74   a report could not be written
  78   configuration error (every problem is listed)
  130  interrupted (the reports of what finished are written)
With several, the first of 130, 1, 2 wins.";

#[derive(Debug, Parser)]
#[command(
    name = "trivyscan",
    version,
    about = "Scan whole fleets of container images with Trivy",
    long_about = "Scan whole fleets of container images with Trivy.\n\n\
        Targets, thresholds and outputs come from scanner.toml (with profiles), \
        TRIVYSCAN_* environment variables and the flags below, in that order of precedence.",
    after_long_help = EXIT_STATUS
)]
pub struct Args {
    /// Config file (default: scanner.toml here or in the nearest parent up to the repo root)
    #[arg(long, global = true, env = "TRIVYSCAN_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Profile to apply on top of [default]
    #[arg(long, global = true, env = "TRIVYSCAN_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Print no progress or summaries on stderr (what changes the verdict is still printed)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more (repeat for more still)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// When to color output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Language of messages (else TRIVYSCAN_LANG, else the old script's SCANNER_LANG; English
    /// by default)
    #[arg(long, global = true, value_name = "LANG", value_parser = ["en", "ru"], ignore_case = true)]
    pub lang: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// The global options each command has but does not use: not listed in its `--help` (still
/// accepted, so a `TRIVYSCAN_PROFILE` set for a whole CI job does not break `completions`).
const UNUSED_GLOBALS: [(&str, &[&str]); 3] = [
    ("man", &["config", "profile"]),
    ("completions", &["config", "profile"]),
    // `init --config PATH` says where to write; no profile is read.
    ("init", &["profile"]),
];

/// The command line as parsed, documented (`man`) and completed.
pub fn command() -> clap::Command {
    let mut cmd = <Args as clap::CommandFactory>::command();
    for (name, unused) in UNUSED_GLOBALS {
        // A hidden option of the subcommand's own stands in for the global one (which is not
        // propagated over it), so its `--help` does not list it.
        cmd = cmd.mut_subcommand(name, |sub| {
            sub.args(unused.iter().map(|id| {
                clap::Arg::new(*id)
                    .long(*id)
                    .hide(true)
                    .value_parser(clap::value_parser!(String))
            }))
        });
    }
    cmd
}

impl Args {
    /// The process's arguments, parsed by [`command`].
    pub fn try_parse_process() -> Result<Args, clap::Error> {
        use clap::FromArgMatches;
        Args::from_arg_matches(&command().try_get_matches()?)
    }

    /// The config overrides of the command, for those that read the config (the others have
    /// none: `init --severity low` is refused by clap, not ignored).
    pub fn overrides(&self) -> OverrideArgs {
        match &self.command {
            Command::Config(ConfigCommand::Show { overrides })
            | Command::Config(ConfigCommand::Check { overrides })
            | Command::Targets { overrides, .. }
            | Command::Run { overrides, .. }
            | Command::Legacy { overrides, .. }
            | Command::Cache(CacheCommand::Stats { overrides })
            | Command::Cache(CacheCommand::Prune { overrides, .. }) => overrides.clone(),
            _ => OverrideArgs::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The shard of the plan a command works on (`run` scans it, `targets` lists it).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ShardArgs {
    /// Only shard K of N (1-based): a stable slice of the plan, by a hash of each target, so
    /// adding or removing targets elsewhere moves no other target. `auto` takes K/N from the CI
    /// engine: GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, or a Kubernetes Indexed Job's
    /// JOB_COMPLETION_INDEX with --shard-total
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,
    /// N for `--shard auto` under a Kubernetes Indexed Job (else TRIVYSCAN_SHARD_TOTAL)
    #[arg(long, value_name = "N")]
    pub shard_total: Option<u32>,
}

/// Flags that override config keys; the highest layer.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Config overrides")]
pub struct OverrideArgs {
    /// Lowest severity reported: unknown, low, medium, high, critical, or a level 1..5
    #[arg(long, value_name = "LEVEL")]
    pub severity: Option<String>,

    /// Parallel scans of registry images (concurrency.remote)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub jobs_remote: Option<i64>,

    /// Parallel Dockerfile builds and scans (concurrency.local)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub jobs_local: Option<i64>,

    /// The trivy executable (trivy.binary)
    #[arg(long, value_name = "PATH")]
    pub trivy_binary: Option<String>,

    /// Trivy's cache directory (trivy.cache_dir)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<String>,

    /// Timeout per scan, e.g. 10m (trivy.timeout)
    #[arg(long, value_name = "DURATION")]
    pub trivy_timeout: Option<String>,

    /// Where reports are written (report.output_dir)
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<String>,

    /// Report format, repeatable (report.formats)
    #[arg(long = "format", value_name = "FORMAT")]
    pub formats: Vec<String>,

    /// Download nothing: use the cached vulnerability DB and exploitation data (trivy.offline,
    /// intel.offline)
    #[arg(long)]
    pub offline: bool,

    /// Fleet gate: exit 1 when a finding at or above LEVEL remains (fail_on; `none` turns it off)
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<String>,

    /// The gate counts only findings new since --baseline (fail_on_new): any new one, or only
    /// those `introduced` (not those disclosed by a DB update on an unchanged image)
    #[arg(long, value_name = "any|introduced", num_args = 0..=1, default_missing_value = "any")]
    pub fail_on_new: Option<String>,

    /// Fleet gate: exit 1 when a finding past its due date remains (fail_on_overdue; KEV due
    /// dates, [sla] from when it was first seen)
    #[arg(long)]
    pub fail_on_overdue: bool,

    /// Fleet gate: exit 1 when a known-exploited finding (CISA KEV) with a fix remains
    /// (fail_on_kev); `overdue`: only once past its due date
    #[arg(long, value_name = "overdue", num_args = 0..=1, default_missing_value = "true")]
    pub fail_on_kev: Option<String>,

    /// Fleet gate: exit 1 when a finding with an EPSS probability at or above P remains (fail_on_epss; `none` turns it off)
    #[arg(long, value_name = "P")]
    pub fail_on_epss: Option<String>,

    /// No exploitation data this run: no KEV, no EPSS (intel.kev = intel.epss = false)
    #[arg(long)]
    pub no_intel: bool,

    /// Scan every target in full, ignoring stored results (trivy.result_cache = false)
    #[arg(long)]
    pub no_cache: bool,
}

impl From<&OverrideArgs> for FlagOverrides {
    fn from(a: &OverrideArgs) -> FlagOverrides {
        FlagOverrides {
            severity: a.severity.clone(),
            jobs_remote: a.jobs_remote,
            jobs_local: a.jobs_local,
            trivy_binary: a.trivy_binary.clone(),
            cache_dir: a.cache_dir.clone(),
            trivy_timeout: a.trivy_timeout.clone(),
            output_dir: a.output_dir.clone(),
            formats: a.formats.clone(),
            offline: a.offline,
            fail_on: a.fail_on.clone(),
            fail_on_new: a.fail_on_new.clone(),
            fail_on_kev: a.fail_on_kev.clone(),
            fail_on_overdue: a.fail_on_overdue,
            fail_on_epss: a.fail_on_epss.clone(),
            no_intel: a.no_intel,
            no_cache: a.no_cache,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect and validate the configuration
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Print the plan: every target with its set, kind, severity and origin
    Targets {
        /// Print the plan as JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        shard: ShardArgs,
        #[command(flatten)]
        overrides: OverrideArgs,
    },

    /// Scan every target of the plan and write the reports (their paths go to stdout)
    Run {
        /// An earlier run's JSON report: findings are marked new or unchanged, fixed ones listed
        #[arg(long, value_name = "OLD.json")]
        baseline: Option<PathBuf>,
        #[command(flatten)]
        shard: ShardArgs,
        #[command(flatten)]
        overrides: OverrideArgs,
    },

    /// Work with saved trivyscan JSON reports
    #[command(subcommand)]
    Report(ReportCommand),

    /// VEX: the fleet's decisions (ignores and VEX statements) as a VEX document
    #[command(subcommand)]
    Vex(VexCommand),

    /// Write a commented scanner.toml to start from (refuses to overwrite without --force)
    Init {
        /// Make it from input_images.txt / input_images_files.txt in this directory
        #[arg(long)]
        from_legacy: bool,
        /// Overwrite an existing scanner.toml
        #[arg(long)]
        force: bool,
    },

    /// Print a shell completion script (bash, zsh, fish, powershell)
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff) of trivyscan
    Man,

    /// Manage the result cache (stored results and SBOMs of digest-pinned images and archives)
    #[command(subcommand)]
    Cache(CacheCommand),

    /// The old trivy-scanner.py: input_images*.txt in, advanced_scan_results_<mode>_<time>.json out
    Legacy {
        /// remote: images from input_images.txt; local: Dockerfiles from input_images_files.txt; both
        #[arg(long, value_enum)]
        mode: Option<LegacyMode>,
        #[command(flatten)]
        overrides: OverrideArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LegacyMode {
    Remote,
    Local,
    Both,
}

impl LegacyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            LegacyMode::Remote => "remote",
            LegacyMode::Local => "local",
            LegacyMode::Both => "both",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Entries, size, and the DB versions they were made with
    Stats {
        #[command(flatten)]
        overrides: OverrideArgs,
    },
    /// Remove entries (all, or those older than --older-than), and damaged ones
    Prune {
        /// e.g. 30d, 12h
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
        #[command(flatten)]
        overrides: OverrideArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SarifSplitArg {
    None,
    TargetSet,
    Image,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VexFormatArg {
    Openvex,
    Cyclonedx,
}

#[derive(Debug, Subcommand)]
pub enum VexCommand {
    /// Write a VEX document of what a saved JSON report's ignores and VEX statements
    /// accepted: one statement per image digest and vulnerability, packages by purl
    Export {
        /// A saved JSON report of `trivyscan run`
        report: PathBuf,
        /// openvex (OpenVEX 0.2.0) or cyclonedx (a CycloneDX 1.6 VEX BOM)
        #[arg(long, value_name = "FORMAT", default_value = "openvex")]
        format: VexFormatArg,
        /// Where to write (default: stdout)
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// The document's author
        #[arg(long, default_value = "trivyscan")]
        author: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Render a saved JSON report as sarif, junit, markdown, html, openvex or gitlab (--format,
    /// repeatable),
    /// without scanning
    Render {
        /// Where to write (one format only; default: next to the report, extension changed)

        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Format to render: sarif, junit, markdown, html, openvex or gitlab (repeatable, at least
        /// one)
        #[arg(long = "format", value_name = "FORMAT")]
        formats: Vec<String>,
        /// In HTML, show secret findings' match lines as Trivy reported them (Trivy has already
        /// replaced the secret itself with `*`; trivyscan masks the whole line by default)
        #[arg(long)]
        show_secrets: bool,
        /// SARIF: keep at most this many results, the highest ranked (1 to 25000; GitHub code
        /// scanning shows 5000)
        #[arg(long, value_name = "N", default_value_t = 5000,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=25_000))]
        sarif_max_results: usize,
        /// SARIF: one file per target set (target-set) or per image (image), each its own
        /// code-scanning category, or one file (none)
        #[arg(long, value_name = "SPLIT", default_value = "none")]
        sarif_split: SarifSplitArg,
        /// A report written by `trivyscan run` (format json)
        report: PathBuf,
    },
    /// Combine JSON reports (e.g. of shards) into one, with totals and fleet sections recomputed
    Merge {
        /// The reports, in the order their targets should appear: files, globs
        /// (`reports/trivyscan-prod-*.json`) or directories (their `trivyscan-*.json`)
        #[arg(required = true, num_args = 1..)]
        reports: Vec<PathBuf>,
        /// The merged report's path
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
    },
    /// Compare two saved JSON reports: each finding's change and why (disclosed, introduced,
    /// fixed by change, ...). Exit 1 when something is newly reported, else 2 when a target
    /// could not be compared, else 0
    Diff {
        /// The earlier report (the baseline)
        old: PathBuf,
        /// The later report, compared with OLD
        new: PathBuf,
        /// text, json, or sarif (NEW's results with SARIF's baselineState against OLD, and
        /// the findings OLD had that NEW does not as `absent`)
        #[arg(long, value_name = "FORMAT", default_value = "text")]
        format: DiffFormat,
        /// The same as --format json
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// Trends over saved JSON reports (files, globs or directories), in the order they ran:
    /// per run the findings by severity, known exploited, overdue, and the changes since the
    /// run before by cause
    Trend {
        /// The reports: files, globs (`nightly/*.json`) or directories (their `trivyscan-*.json`)
        #[arg(required = true, num_args = 1..)]
        reports: Vec<PathBuf>,
        /// text, json, markdown or html (a page with a chart that needs no script)
        #[arg(long, value_name = "FORMAT", default_value = "text")]
        format: TrendFormat,
        /// Where to write (default: stdout)
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrendFormat {
    Text,
    Json,
    Markdown,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective config as TOML, each value annotated with where it came from
    Show {
        #[command(flatten)]
        overrides: OverrideArgs,
    },
    /// Validate the config, every legacy list it imports and every target; exit 78 on any error
    Check {
        #[command(flatten)]
        overrides: OverrideArgs,
    },
}
