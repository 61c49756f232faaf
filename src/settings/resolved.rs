//! The resolved `Settings`: what the stages read, every default applied and every value
//! checked (`settings::resolver` builds them from the file schema and the layers).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::environment::Environment;

use super::layers::ConfigSource;
use crate::model::{Scanner, Severity};
use crate::source::Origin;

/// A value with the place it came from, for diagnostics about it later.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One `trivy server` shared by the workers.
    Server,
    /// Each scan with `--cache-backend memory`.
    Memory,
    /// One worker, plain `trivy image`.
    Standalone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    LegacyJson,
    Sarif,
    Junit,
    Markdown,
    Html,
    OpenVex,
    Gitlab,
    CycloneDx,
}

impl ReportFormat {
    pub fn from_name(name: &str) -> Option<ReportFormat> {
        Some(match name {
            "json" => ReportFormat::Json,
            "legacy-json" => ReportFormat::LegacyJson,
            "sarif" => ReportFormat::Sarif,
            "junit" => ReportFormat::Junit,
            "markdown" => ReportFormat::Markdown,
            "html" => ReportFormat::Html,
            "openvex" => ReportFormat::OpenVex,
            "gitlab" => ReportFormat::Gitlab,
            "cyclonedx" => ReportFormat::CycloneDx,
            _ => return None,
        })
    }

    /// The formats written entry by entry while the run goes.
    pub fn streamed(self) -> Option<StreamedFormat> {
        match self {
            ReportFormat::Json => Some(StreamedFormat::Json),
            ReportFormat::LegacyJson => Some(StreamedFormat::LegacyJson),
            ReportFormat::CycloneDx => Some(StreamedFormat::CycloneDx),
            _ => None,
        }
    }

    /// The formats made from the finished JSON report.
    pub fn rendered(self) -> Option<RenderedFormat> {
        match self {
            ReportFormat::Sarif => Some(RenderedFormat::Sarif),
            ReportFormat::Junit => Some(RenderedFormat::Junit),
            ReportFormat::Markdown => Some(RenderedFormat::Markdown),
            ReportFormat::Html => Some(RenderedFormat::Html),
            ReportFormat::OpenVex => Some(RenderedFormat::OpenVex),
            ReportFormat::Gitlab => Some(RenderedFormat::Gitlab),
            _ => None,
        }
    }

    /// The file name's ending after the run's stem.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json | ReportFormat::LegacyJson => "json",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Junit => "junit.xml",
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::OpenVex => "openvex.json",
            ReportFormat::Gitlab => "gitlab.json",
            ReportFormat::CycloneDx => "cdx.json",
        }
    }
}

/// A report written entry by entry as targets finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamedFormat {
    Json,
    LegacyJson,
    /// The fleet's CycloneDX SBOM, from the SBOMs the result cache keeps.
    CycloneDx,
}

/// A report rendered from the finished JSON report (by `run`, or `report render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderedFormat {
    Sarif,
    Junit,
    Markdown,
    Html,
    /// The run's decisions (ignores, VEX statements) as OpenVEX.
    OpenVex,
    /// GitLab's container-scanning report.
    Gitlab,
}

impl RenderedFormat {
    /// The file name's ending after the run's stem.
    pub fn extension(self) -> &'static str {
        match self {
            RenderedFormat::Sarif => "sarif",
            RenderedFormat::Junit => "junit.xml",
            RenderedFormat::Markdown => "md",
            RenderedFormat::Html => "html",
            RenderedFormat::OpenVex => "openvex.json",
            RenderedFormat::Gitlab => "gitlab.json",
        }
    }
}

/// The fleet gate: when `run` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gate {
    /// Exit 1 when a finding at or above this level remains; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Count only findings new since the baseline.
    pub fail_on_new: crate::model::NewFindings,
    /// Exit 1 when a finding listed in the KEV catalog, with a fix, remains.
    pub fail_on_kev: bool,
    /// `fail_on_kev = "overdue"`: only such findings past their due date.
    pub kev_overdue_only: bool,
    /// Exit 1 when a finding with an EPSS probability at or above this remains.
    pub fail_on_epss: Option<f64>,
    /// Exit 1 when a finding past its due date (KEV, `[sla]`) remains.
    pub fail_on_overdue: bool,
}

/// `[sla]`: days a finding of each severity may stay open from when it was first seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sla {
    pub days: Vec<(Severity, i64)>,
}

impl Sla {
    pub fn days_for(&self, severity: Severity) -> Option<i64> {
        self.days
            .iter()
            .find(|(s, _)| *s == severity)
            .map(|(_, d)| *d)
    }

    pub fn is_set(&self) -> bool {
        !self.days.is_empty()
    }
}

/// `[intel]`: where the exploitation data comes from and how old it may be.
#[derive(Debug, Clone, PartialEq)]
pub struct IntelSettings {
    pub kev: bool,
    pub epss: bool,
    pub kev_url: String,
    pub epss_url: String,
    pub max_age: Duration,
    pub max_age_text: String,
    pub offline: bool,
    /// `<cache_dir>/intel`.
    pub dir: PathBuf,
}

/// One `[[ignore]]` entry, checked.
#[derive(Debug, Clone)]
pub struct IgnoreRule {
    pub id: String,
    /// Package-name globs; empty means any package.
    pub packages: Vec<String>,
    /// Globs over target names, paths and set names; empty means every target.
    pub targets: Vec<String>,
    pub expires: Option<chrono::NaiveDate>,
    pub reason: String,
    /// One of OpenVEX's five justifications, for `vex export`.
    pub justification: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Concurrency {
    pub remote: usize,
    pub local: usize,
}

#[derive(Debug, Clone)]
pub struct TrivySettings {
    pub binary: PathBuf,
    pub cache_dir: PathBuf,
    pub timeout: Duration,
    /// The timeout as the user wrote it, passed to Trivy's `--timeout`.
    pub timeout_text: String,
    pub backend: Backend,
    pub db_repositories: Vec<String>,
    pub java_db_repositories: Vec<String>,
    pub offline: bool,
    /// Without a vulnerability DB: fail image targets (true), or scan without `vuln` (false).
    pub require_db: bool,
    pub extra_args: Vec<String>,
    /// (variable Trivy reads, variable of ours it is copied from): credentials travel only in
    /// the environment, never on a command line.
    pub credentials: Vec<(&'static str, String)>,
    /// A remote `trivy server` every scan goes through.
    pub remote: Option<RemoteServer>,
    /// Reuse results of targets with a fixed identity (src/stage/result_cache.rs).
    pub result_cache: bool,
}

impl TrivySettings {
    /// The registry login Trivy would use: the configured variables, else TRIVY_USERNAME and
    /// TRIVY_PASSWORD.
    pub fn registry_login(&self, env: &Environment) -> Option<(String, String)> {
        let var = |trivy_var: &str| {
            self.credentials
                .iter()
                .find(|(t, _)| *t == trivy_var)
                .and_then(|(_, ours)| env.get(ours))
                .or_else(|| env.get(trivy_var))
                .map(str::to_string)
        };
        Some((var("TRIVY_USERNAME")?, var("TRIVY_PASSWORD")?))
    }

    /// The variables a Trivy process gets from ours (`trivy.*_env`): (Trivy's name, value),
    /// for those set.
    pub fn credential_env<'a>(&'a self, env: &'a Environment) -> Vec<(&'static str, &'a str)> {
        self.credentials
            .iter()
            .filter_map(|(trivy_var, ours)| Some((*trivy_var, env.get(ours)?)))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct RemoteServer {
    pub url: String,
    /// The variable holding the token (read at run time, never stored).
    pub token_env: Option<String>,
    pub token_header: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub output_dir: PathBuf,
    pub formats: Vec<ReportFormat>,
    pub redact_secrets: bool,
    /// The most results the SARIF report keeps (`report.sarif.max_results`).
    pub sarif_max_results: usize,
    /// One SARIF file, or one per target set or image (`report.sarif.split`).
    pub sarif_split: SarifSplit,
}

/// How the SARIF report is split into files, each its own GitHub code-scanning category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SarifSplit {
    #[default]
    None,
    TargetSet,
    Image,
}

impl SarifSplit {
    pub const NAMES: [&str; 3] = ["none", "target-set", "image"];

    pub fn from_name(name: &str) -> Option<SarifSplit> {
        Some(match name {
            "none" => SarifSplit::None,
            "target-set" => SarifSplit::TargetSet,
            "image" => SarifSplit::Image,
            _ => return None,
        })
    }
}

/// What GitHub code scanning shows of a run's results; the SARIF report keeps this many unless
/// `report.sarif.max_results` says otherwise.
pub const SARIF_SHOWN_RESULTS: usize = 5_000;
/// GitHub code scanning rejects a run with more results than this.
pub const SARIF_MAX_RESULTS: usize = 25_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyListKind {
    Images,
    Dockerfiles,
}

/// A legacy `input_images*.txt` list imported into a target set.
#[derive(Debug, Clone)]
pub struct LegacyList {
    pub kind: LegacyListKind,
    pub path: PathBuf,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct DockerSettings {
    pub binary: PathBuf,
    pub build_timeout: Duration,
    pub allow_sudo: bool,
}

#[derive(Debug, Clone)]
pub struct TargetSet {
    pub name: String,
    /// How this set's Dockerfiles are built.
    pub build: crate::model::BuildOptions,
    pub origin: Origin,
    /// The effective threshold: the set's own, else the top-level one.
    pub severity: Severity,
    pub images: Vec<Sourced<String>>,
    pub dockerfiles: Vec<Sourced<String>>,
    pub reports: Vec<Sourced<String>>,
    pub archives: Vec<Sourced<String>>,
    /// Kubernetes manifests and Compose files whose images are targets.
    pub manifests: Vec<Sourced<String>>,
    /// Compose services with only `build:` become Dockerfile targets.
    pub compose_build: bool,
    /// Registry globs keep the N newest matching tags of each repository.
    pub max_tags: Option<usize>,
    pub exclude: Vec<Sourced<String>>,
    /// VEX documents (paths or globs) applied to this set's targets only.
    pub vex: Vec<Sourced<String>>,
    pub legacy_lists: Vec<LegacyList>,
    /// A `.trivyignore` file passed to Trivy for this set's targets.
    pub trivyignore: Option<PathBuf>,
}

/// The resolved configuration: every default applied, every value checked.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: String,
    pub source: ConfigSource,
    pub base_dir: PathBuf,
    pub severity: Severity,
    pub scanners: Vec<Scanner>,
    pub concurrency: Concurrency,
    pub trivy: TrivySettings,
    pub report: ReportSettings,
    pub docker: DockerSettings,
    pub target_sets: Vec<TargetSet>,
    pub gate: Gate,
    pub sla: Sla,
    pub intel: IntelSettings,
    pub ignores: Vec<IgnoreRule>,
    /// VEX documents (paths or globs) applied to every target.
    pub vex: Vec<Sourced<String>>,
    /// File targets may lie outside the config's directory tree (symlinks resolved).
    pub allow_outside_paths: bool,
    /// Resolve refs by tag to digests for the result cache.
    pub resolve_tags: bool,
    /// The most names one registry catalog or tag listing may hold.
    pub registry_listing_limit: usize,
    /// The process environment, read once in `main`: where the credentials the config names
    /// are read from at run time (never stored in a setting).
    pub env: Arc<Environment>,
}

impl Settings {
    /// Every `vex` entry, with the set it is limited to (`None`: every target).
    pub fn vex_patterns(&self) -> Vec<(Option<&str>, &Sourced<String>)> {
        let mut out: Vec<_> = self.vex.iter().map(|v| (None, v)).collect();
        for set in &self.target_sets {
            out.extend(set.vex.iter().map(|v| (Some(set.name.as_str()), v)));
        }
        out
    }

    /// What must be the same in every shard of one fleet for their reports to merge into one
    /// verdict: the profile, the gate, the scanners, the severity, the ignores and the
    /// exploitation feeds (`run.plan` hashes it with the targets).
    pub fn results_fingerprint(&self) -> String {
        let ignores: Vec<_> = self
            .ignores
            .iter()
            .map(|i| {
                (
                    &i.id,
                    &i.packages,
                    &i.targets,
                    i.expires,
                    &i.reason,
                    &i.justification,
                )
            })
            .collect();
        format!(
            "profile={:?} gate={:?} scanners={:?} severity={:?} ignores={:?} intel={:?} vex={:?}",
            self.profile,
            self.gate,
            self.scanners,
            self.severity,
            ignores,
            (self.intel.kev, self.intel.epss, &self.intel.max_age),
            self.vex_patterns(),
        )
    }
}
