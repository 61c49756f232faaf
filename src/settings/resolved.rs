//! Second validation phase: the extracted file schema becomes `Settings`, with every value
//! checked for meaning (severity names, scanners, limits, globs) and every problem collected.

use crate::diagnostic_code::Code;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::environment::Environment;

use super::diagnostics::{Problem, suggest};
use super::layers::{ConfigSource, Layered};
use super::schema::{
    BACKENDS, FORMATS, FileConfig, IgnoreFile, ProbabilityValue, SeverityValue, TargetSetFile,
    TrivyFile,
};
use crate::model::{Scanner, Severity};
use crate::source::{KeyPath, Origin};

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
            _ => return None,
        })
    }

    /// The formats written entry by entry while the run goes.
    pub fn streamed(self) -> Option<StreamedFormat> {
        match self {
            ReportFormat::Json => Some(StreamedFormat::Json),
            ReportFormat::LegacyJson => Some(StreamedFormat::LegacyJson),
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
        }
    }
}

/// A report written entry by entry as targets finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamedFormat {
    Json,
    LegacyJson,
}

/// A report rendered from the finished JSON report (by `run`, or `report render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderedFormat {
    Sarif,
    Junit,
    Markdown,
    Html,
}

impl RenderedFormat {
    /// The file name's ending after the run's stem.
    pub fn extension(self) -> &'static str {
        match self {
            RenderedFormat::Sarif => "sarif",
            RenderedFormat::Junit => "junit.xml",
            RenderedFormat::Markdown => "md",
            RenderedFormat::Html => "html",
        }
    }
}

/// The fleet gate: when `run` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gate {
    /// Exit 1 when a finding at or above this level remains; `None` never fails.
    pub fail_on: Option<Severity>,
    /// Count only findings new since the baseline.
    pub fail_on_new: bool,
    /// Exit 1 when a finding listed in the KEV catalog, with a fix, remains.
    pub fail_on_kev: bool,
    /// Exit 1 when a finding with an EPSS probability at or above this remains.
    pub fail_on_epss: Option<f64>,
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
}

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
    pub intel: IntelSettings,
    pub ignores: Vec<IgnoreRule>,
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
    /// What must be the same in every shard of one fleet for their reports to merge into one
    /// verdict: the profile, the gate, the scanners, the severity, the ignores and the
    /// exploitation feeds (`run.plan` hashes it with the targets).
    pub fn results_fingerprint(&self) -> String {
        let ignores: Vec<_> = self
            .ignores
            .iter()
            .map(|i| (&i.id, &i.packages, &i.targets, i.expires, &i.reason))
            .collect();
        format!(
            "profile={:?} gate={:?} scanners={:?} severity={:?} ignores={:?} intel={:?}",
            self.profile,
            self.gate,
            self.scanners,
            self.severity,
            ignores,
            (self.intel.kev, self.intel.epss, &self.intel.max_age),
        )
    }
}

struct Resolver<'a> {
    layered: &'a Layered,
    problems: Vec<Problem>,
    /// `allow_outside_paths`: file keys may point outside the config's tree.
    allow_outside: bool,
}

impl Resolver<'_> {
    /// `[trivy]`: the binary, cache, timeout, backend, DB locations, credentials and server.
    fn trivy_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        base_dir: &Path,
    ) -> TrivySettings {
        let t = file.trivy.clone().unwrap_or_default();
        let remote = self.remote_server(&t);
        let credentials = self.credential_variables(&t);
        let td = defaults.trivy.clone().unwrap_or_default();
        let timeout_text = or_builtin(t.timeout, td.timeout.clone());
        let timeout = self.duration(&timeout_text, td.timeout.as_deref(), "trivy.timeout");
        let backend_name = or_builtin(t.backend, td.backend);
        let backend = self
            .one_of(
                &backend_name,
                &BACKENDS,
                &parse_path("trivy.backend"),
                Code::ConfigBackend,
                "backend",
                |b| match b {
                    "server" => Some(Backend::Server),
                    "memory" => Some(Backend::Memory),
                    "standalone" => Some(Backend::Standalone),
                    _ => None,
                },
            )
            .unwrap_or(Backend::Server);
        let binary = or_builtin(t.binary, td.binary);
        let binary = if binary.contains('/') {
            base_dir.join(binary)
        } else {
            PathBuf::from(binary)
        };
        let trivy = TrivySettings {
            binary,
            cache_dir: base_dir.join(or_builtin(t.cache_dir, td.cache_dir)),
            timeout,
            timeout_text,
            backend,
            db_repositories: or_builtin(t.db_repositories, td.db_repositories),
            java_db_repositories: or_builtin(t.java_db_repositories, td.java_db_repositories),
            offline: or_builtin(t.offline, td.offline),
            require_db: or_builtin(t.require_db, td.require_db),
            extra_args: t.extra_args.clone().unwrap_or_default(),
            credentials,
            remote,
            result_cache: or_builtin(t.result_cache, td.result_cache),
        };
        self.refuse_secret_flags(&trivy.extra_args);
        trivy
    }

    /// A secret on Trivy's command line is visible to every user of the machine (`ps`), and
    /// lands in logs: the credentials go through the `*_env` keys only.
    fn refuse_secret_flags(&mut self, extra_args: &[String]) {
        for (i, arg) in extra_args.iter().enumerate() {
            let flag = arg.split('=').next().unwrap_or(arg);
            if let Some((_, key)) = SECRET_FLAGS.iter().find(|(f, _)| *f == flag) {
                self.problems.push(
                    Problem::error(
                        Code::ConfigSecretFlag,
                        crate::msg!("flag-trivy-extra-args-i", flag = flag, i = i),
                    )
                    // Neither the value nor its line is shown: the secret may be on it.
                    .help(crate::msg!(
                        "name-environment-variable-that-holds",
                        key = key
                    )),
                );
            }
        }
    }

    /// `trivy.server`: an http(s) URL without credentials in it.
    fn remote_server(&mut self, t: &TrivyFile) -> Option<RemoteServer> {
        if let Some(url) = t
            .server
            .as_ref()
            .map(|u| u.trim().trim_end_matches('/').to_string())
        {
            let has_userinfo = url
                .split_once("://")
                .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
                .is_some_and(|authority| authority.contains('@'));
            if has_userinfo {
                // The URL is not shown: it holds a password.
                self.problems.push(
                    Problem::error(
                        Code::ConfigServerCredentials,
                        crate::msg!("trivy-server-holds-user-name"),
                    )
                    .label(crate::msg!("credentials-url"))
                    .help(crate::msg!("remove-them-from-url-server")),
                );
            } else if url.starts_with("http://") || url.starts_with("https://") {
                return Some(RemoteServer {
                    url,
                    token_env: t.server_token_env.clone(),
                    token_header: t.server_token_header.clone(),
                });
            } else {
                self.problems.push(
                    Problem::error(
                        Code::ConfigServer,
                        crate::msg!("invalid-server-address-url", url = format!("{:?}", url)),
                    )
                    .label(crate::msg!("not-http-s-url"))
                    .help(crate::msg!("write-server-s-url-e"))
                    .at(&self.origin("trivy.server")),
                );
            }
        }
        None
    }

    /// The `*_env` keys: names of environment variables (never the secrets), as (the variable
    /// Trivy reads, ours).
    fn credential_variables(&mut self, t: &TrivyFile) -> Vec<(&'static str, String)> {
        let mut credentials = Vec::new();
        for (key, trivy_var, name) in [
            ("username_env", "TRIVY_USERNAME", &t.username_env),
            ("password_env", "TRIVY_PASSWORD", &t.password_env),
            (
                "registry_token_env",
                "TRIVY_REGISTRY_TOKEN",
                &t.registry_token_env,
            ),
            // Read by trivyscan itself for the remote server's token.
            ("server_token_env", "", &t.server_token_env),
        ] {
            let Some(name) = name else { continue };
            let valid = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if valid {
                if !trivy_var.is_empty() {
                    credentials.push((trivy_var, name.clone()));
                }
            } else {
                // Neither the value nor its line is shown: it may be the secret itself, pasted in
                // by mistake, and diagnostics end up in CI logs.
                let place = self.origin(&format!("trivy.{key}"));
                self.problems.push(
                    Problem::error(
                        Code::ConfigCredentialEnv,
                        crate::msg!("trivy-key-place-must-name", key = key, place = place),
                    )
                    .help(crate::msg!("write-variable-s-name-e", key = key)),
                );
            }
        }
        credentials
    }

    /// A duration key's value (at most [`MAX_DURATION`], not zero); a refused one is a problem
    /// at `key` and leaves the built-in default.
    fn duration(&mut self, text: &str, builtin: Option<&str>, key: &str) -> Duration {
        match humantime::parse_duration(text) {
            Ok(d) if d > MAX_DURATION => {
                self.problems.push(too_long(text).at(&self.origin(key)));
                builtin_duration(builtin)
            }
            Ok(d) if !d.is_zero() => d,
            _ => {
                self.problems.push(
                    Problem::error(
                        Code::ConfigDuration,
                        crate::msg!("invalid-duration-text", text = format!("{:?}", text)),
                    )
                    .label(crate::msg!("not-duration"))
                    .help(crate::msg!("write-duration-such-as-90s"))
                    .at(&self.origin(key)),
                );
                builtin_duration(builtin)
            }
        }
    }

    /// `[report]`: where reports go and in which formats.
    fn report_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        base_dir: &Path,
    ) -> ReportSettings {
        let rep = file.report.clone().unwrap_or_default();
        let rep_def = defaults.report.clone().unwrap_or_default();
        let mut formats = Vec::new();
        for (i, name) in or_builtin(rep.formats.clone(), rep_def.formats)
            .iter()
            .enumerate()
        {
            let path = parse_path("report.formats").index(i);
            if let Some(f) = self.one_of(
                name,
                &FORMATS,
                &path,
                Code::ConfigFormat,
                "report_format",
                ReportFormat::from_name,
            ) && !formats.contains(&f)
            {
                formats.push(f);
            }
        }
        ReportSettings {
            output_dir: base_dir.join(or_builtin(rep.output_dir, rep_def.output_dir)),
            formats,
            redact_secrets: or_builtin(rep.redact_secrets, rep_def.redact_secrets),
        }
    }

    /// `[docker]`: the binary, build timeout and sudo.
    /// A probability threshold: a number in (0, 1], or `none` for no threshold.
    fn probability(&mut self, value: ProbabilityValue, key: &str) -> Option<f64> {
        let number = match &value {
            ProbabilityValue::Number(n) => Some(*n),
            ProbabilityValue::Name(s) if s.trim().eq_ignore_ascii_case("none") => return None,
            ProbabilityValue::Name(s) => s.trim().parse::<f64>().ok(),
        };
        match number {
            Some(p) if p > 0.0 && p <= 1.0 => Some(p),
            _ => {
                let shown = match &value {
                    ProbabilityValue::Number(n) => n.to_string(),
                    ProbabilityValue::Name(s) => format!("{s:?}"),
                };
                self.problems.push(
                    Problem::error(
                        Code::ConfigProbability,
                        crate::msg!("key-must-be-probability-above", key = key, shown = shown),
                    )
                    .label(crate::msg!("not-probability"))
                    .help(crate::msg!("epss-scores-are-probabilities-from"))
                    .at(&self.origin(key)),
                );
                None
            }
        }
    }

    /// `[intel]`: the feeds, their age limit and where they are kept.
    fn intel_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        cache_dir: &Path,
        base_dir: &Path,
    ) -> IntelSettings {
        // A path (no scheme) is relative to the config file, like every path in it.
        let source = |url: String| {
            if url.contains("://") {
                url
            } else {
                base_dir.join(url).display().to_string()
            }
        };
        let i = file.intel.clone().unwrap_or_default();
        let id = defaults.intel.clone().unwrap_or_default();
        let max_age_text = or_builtin(i.max_age, id.max_age.clone());
        let max_age = match humantime::parse_duration(&max_age_text) {
            Ok(d) if !d.is_zero() && d <= MAX_INTEL_AGE => d,
            _ => {
                self.problems.push(
                    Problem::error(
                        Code::ConfigDuration,
                        crate::msg!(
                            "invalid-intel-max-age-text",
                            text = format!("{:?}", max_age_text)
                        ),
                    )
                    .label(crate::msg!("not-duration-from-1s-365d"))
                    .help(crate::msg!("write-duration-such-as-3d"))
                    .at(&self.origin("intel.max_age")),
                );
                builtin_duration(id.max_age.as_deref())
            }
        };
        let kev = or_builtin(i.kev, id.kev);
        let epss = or_builtin(i.epss, id.epss);
        let offline = or_builtin(i.offline, id.offline);
        let kev_url = source(or_builtin(i.kev_url, id.kev_url));
        let epss_url = source(or_builtin(i.epss_url, id.epss_url));
        for (wanted, url, key) in [
            (kev, &kev_url, "intel.kev_url"),
            (epss, &epss_url, "intel.epss_url"),
        ] {
            if wanted {
                self.check_feed_source(url, key, offline);
            }
        }
        IntelSettings {
            kev,
            epss,
            kev_url,
            epss_url,
            max_age,
            max_age_text,
            offline,
            dir: cache_dir.join("intel"),
        }
    }

    /// A feed's source: an `http(s)://` URL without credentials in it, or a file (`file://`
    /// or a path) that exists unless the run is offline. Found by `config check`, not first by
    /// a run that then goes without the data.
    fn check_feed_source(&mut self, url: &str, key: &str, offline: bool) {
        let lower = url.to_ascii_lowercase();
        let problem = match lower.split_once("://") {
            Some((_, rest))
                if rest
                    .split(['/', '?', '#'])
                    .next()
                    .is_some_and(|authority| authority.contains('@')) =>
            {
                // Neither the URL nor its line is shown (a snippet would be): it holds a
                // password. The message names the place.
                self.problems.push(
                    Problem::error(
                        Code::ConfigFeedUrl,
                        crate::msg!("feed-url-credentials", key = key, origin = self.origin(key)),
                    )
                    .help(crate::msg!("feed-url-credentials-help")),
                );
                None
            }
            Some(("http" | "https", _)) => None,
            Some(("file", _)) | None => {
                let path = if lower.starts_with("file://") {
                    &url["file://".len()..]
                } else {
                    url
                };
                (!offline && !Path::new(path).is_file()).then(|| {
                    Problem::error(
                        Code::ConfigFeedUrl,
                        crate::msg!(
                            "feed-file-missing",
                            key = key,
                            path = crate::terminal::printable(&crate::paths::display_path(
                                Path::new(path)
                            ))
                        ),
                    )
                    .label(crate::msg!("not-found"))
                    .help(crate::msg!("feed-url-help"))
                })
            }
            Some(_) => Some(
                Problem::error(
                    Code::ConfigFeedUrl,
                    crate::msg!(
                        "feed-url-scheme",
                        key = key,
                        url = format!("{:?}", crate::terminal::printable(url))
                    ),
                )
                .label(crate::msg!("not-http-s-url"))
                .help(crate::msg!("feed-url-help")),
            ),
        };
        if let Some(p) = problem {
            self.problems.push(p.at(&self.origin(key)));
        }
    }

    fn docker_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        base_dir: &Path,
    ) -> DockerSettings {
        let d = file.docker.clone().unwrap_or_default();
        let dd = defaults.docker.clone().unwrap_or_default();
        let build_timeout_text = or_builtin(d.build_timeout, dd.build_timeout.clone());
        let build_timeout = self.duration(
            &build_timeout_text,
            dd.build_timeout.as_deref(),
            "docker.build_timeout",
        );
        let docker_binary = or_builtin(d.binary, dd.binary);
        DockerSettings {
            binary: if docker_binary.contains('/') {
                base_dir.join(docker_binary)
            } else {
                PathBuf::from(docker_binary)
            },
            build_timeout,
            allow_sudo: or_builtin(d.allow_sudo, dd.allow_sudo),
        }
    }

    fn origin(&self, path: &str) -> Origin {
        self.layered.origin(&parse_path(path))
    }

    fn at(&self, path: &KeyPath) -> Origin {
        self.layered.origin(path)
    }

    fn severity(&mut self, value: &SeverityValue, path: &KeyPath) -> Option<Severity> {
        match value {
            SeverityValue::Name(name) => {
                if let Some(s) = Severity::from_name(name) {
                    return Some(s);
                }
                if let Ok(n) = name.trim().parse::<i64>()
                    && let Some(s) = Severity::from_legacy_level(n)
                {
                    return Some(s);
                }
                let help = match suggest(&name.to_lowercase(), Severity::NAMES) {
                    Some(s) => crate::msg!(
                        "did-you-mean-s-severities",
                        s = s,
                        list = Severity::NAMES.join(", ")
                    ),
                    None => crate::msg!(
                        "severities-list-level-1-5",
                        list = Severity::NAMES.join(", ")
                    ),
                };
                self.problems.push(
                    Problem::error(
                        Code::ConfigSeverity,
                        crate::msg!("invalid-severity-name", name = format!("{:?}", name)),
                    )
                    .label(crate::msg!("not-severity"))
                    .help(help)
                    .at(&self.at(path)),
                );
                None
            }
            SeverityValue::Level(n) => match Severity::from_legacy_level(*n) {
                Some(s) => Some(s),
                None => {
                    self.problems.push(
                        Problem::error(
                            Code::ConfigSeverity,
                            crate::msg!("invalid-severity-level-n", n = n),
                        )
                        .label(crate::msg!("not-1-5"))
                        .help(crate::msg!("levels-are-1-unknown-above"))
                        .at(&self.at(path)),
                    );
                    None
                }
            },
        }
    }

    fn positive(&mut self, value: i64, path: &str) -> usize {
        if value >= 1 {
            return value as usize;
        }
        self.problems.push(
            Problem::error(
                Code::ConfigConcurrency,
                crate::msg!("path-must-be-at-least", path = path, value = value),
            )
            .label(crate::msg!("must-be-1-more"))
            .help(crate::msg!("number-parallel-workers-1-runs"))
            .at(&self.origin(path)),
        );
        1
    }

    fn one_of<T>(
        &mut self,
        value: &str,
        allowed: &[&str],
        path: &KeyPath,
        code: crate::diagnostic_code::Code,
        what: &str,
        f: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if let Some(v) = f(value) {
            return Some(v);
        }
        // `what` is a key the catalogs choose the noun by (`value-kind`, `value-kinds`).
        let (noun, nouns) = (
            crate::msg!("value-kind", kind = what),
            crate::msg!("value-kinds", kind = what),
        );
        let help = match suggest(value, allowed.iter().copied()) {
            Some(s) => crate::msg!(
                "did-you-mean-s-whats",
                s = s,
                what = nouns,
                list = allowed.join(", ")
            ),
            None => crate::msg!("whats-list", what = nouns, list = allowed.join(", ")),
        };
        self.problems.push(
            Problem::error(
                code,
                crate::msg!(
                    "unknown-what-value",
                    what = noun,
                    value = format!("{:?}", value)
                ),
            )
            .label(crate::msg!("not-what", what = noun))
            .help(help)
            .at(&self.at(path)),
        );
        None
    }

    fn sourced(&self, items: &Option<Vec<String>>, path: &KeyPath) -> Vec<Sourced<String>> {
        items
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, v)| Sourced {
                value: v.clone(),
                origin: self.at(&path.index(i)),
            })
            .collect()
    }

    fn check_globs(&mut self, items: &[Sourced<String>]) {
        for item in items {
            if let Err(e) = globset::Glob::new(&item.value) {
                self.problems.push(
                    Problem::error(
                        Code::ConfigGlob,
                        crate::msg!(
                            "invalid-glob-glob-why",
                            glob = format!("{:?}", item.value),
                            why = e.kind()
                        ),
                    )
                    .label(crate::msg!("does-not-compile"))
                    .help(crate::msg!("globs-use-abc-b-escape"))
                    .at(&item.origin),
                );
            }
        }
    }

    /// `key` of target set `path` names `value`, which resolves outside the config's tree:
    /// refused unless `allow_outside_paths` (a build context of `/` sends the whole disk to
    /// Docker; a `trivyignore` of `/etc/shadow` is read by Trivy).
    fn outside_tree(&mut self, path: &KeyPath, key: &str, value: &str, base_dir: &Path) {
        if self.allow_outside {
            return;
        }
        let joined = base_dir.join(value);
        // Not there (yet): judged as written, `..` applied.
        let resolved = joined
            .canonicalize()
            .unwrap_or_else(|_| crate::paths::lexical(&joined));
        let base = base_dir
            .canonicalize()
            .unwrap_or_else(|_| base_dir.to_path_buf());
        if !resolved.starts_with(&base) {
            self.problems.push(
                Problem::error(
                    Code::ConfigOutsidePath,
                    crate::msg!(
                        "key-value-outside-config-s",
                        key = key,
                        value = format!("{:?}", value)
                    ),
                )
                .label(crate::msg!("outside-config-s-directory-tree"))
                .help(crate::msg!("move-under-config-s-directory"))
                .at(&self.at(&path.key(key))),
            );
        }
    }

    fn target_set(
        &mut self,
        index: usize,
        set: &TargetSetFile,
        default_severity: Severity,
        base_dir: &Path,
    ) -> TargetSet {
        if let Some(context) = &set.context {
            self.outside_tree(
                &parse_path("targets").index(index),
                "context",
                context,
                base_dir,
            );
        }
        if let Some(ignore) = &set.trivyignore {
            self.outside_tree(
                &parse_path("targets").index(index),
                "trivyignore",
                ignore,
                base_dir,
            );
        }
        let path = KeyPath::default().key("targets").index(index);
        let name = set
            .name
            .clone()
            .unwrap_or_else(|| format!("set-{}", index + 1));
        let severity = match &set.severity {
            Some(v) => self
                .severity(v, &path.key("severity"))
                .unwrap_or(default_severity),
            None => default_severity,
        };
        let images = self.sourced(&set.images, &path.key("images"));
        let dockerfiles = self.sourced(&set.dockerfiles, &path.key("dockerfiles"));
        let reports = self.sourced(&set.reports, &path.key("reports"));
        let archives = self.sourced(&set.archives, &path.key("archives"));
        let manifests = self.sourced(&set.manifests, &path.key("manifests"));
        let exclude = self.sourced(&set.exclude, &path.key("exclude"));
        for globs in [&dockerfiles, &reports, &archives, &manifests, &exclude] {
            self.check_globs(globs);
        }
        let mut legacy_lists = Vec::new();
        for (file, key, kind) in [
            (&set.images_file, "images_file", LegacyListKind::Images),
            (
                &set.dockerfiles_file,
                "dockerfiles_file",
                LegacyListKind::Dockerfiles,
            ),
        ] {
            if let Some(file) = file {
                legacy_lists.push(LegacyList {
                    kind,
                    path: base_dir.join(file),
                    origin: self.at(&path.key(key)),
                });
            }
        }
        let origin = self.at(&path);
        if images.is_empty()
            && dockerfiles.is_empty()
            && reports.is_empty()
            && archives.is_empty()
            && manifests.is_empty()
            && legacy_lists.is_empty()
        {
            self.problems.push(
                Problem::error(
                    Code::ConfigEmptyTargetSet,
                    crate::msg!("target-set-name-has-no", name = name),
                )
                .label(crate::msg!("this-set-empty"))
                .help(crate::msg!("give-images-dockerfiles-archives-manifests"))
                .at(&self.layered.key_origin(&path)),
            );
        }
        let build = crate::model::BuildOptions {
            context: set.context.as_ref().map(|c| base_dir.join(c)),
            build_args: set
                .build_args
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            target: set.target.clone(),
            platform: set.platform.clone(),
        };
        TargetSet {
            name,
            build,
            origin,
            severity,
            images,
            dockerfiles,
            reports,
            archives,
            manifests,
            compose_build: set.compose_build.unwrap_or(false),
            max_tags: set.max_tags.map(|n| {
                if n < 1 {
                    self.problems.push(
                        Problem::error(
                            Code::ConfigMaxTags,
                            crate::msg!("max-tags-must-be-at", n = n),
                        )
                        .label(crate::msg!("must-be-1-more"))
                        .help(crate::msg!("number-newest-tags-kept-per"))
                        .at(&self.at(&path.key("max_tags"))),
                    );
                }
                n.max(1) as usize
            }),
            exclude,
            legacy_lists,
            trivyignore: set.trivyignore.as_ref().map(|f| {
                let file = base_dir.join(f);
                if !file.is_file() {
                    self.problems.push(
                        Problem::error(
                            Code::ConfigTrivyignore,
                            crate::msg!("ignore-file-file-does-not", file = format!("{:?}", f)),
                        )
                        .label(crate::msg!("not-found"))
                        .help(crate::msg!("paths-are-relative-config-file"))
                        .at(&self.at(&path.key("trivyignore"))),
                    );
                }
                file
            }),
        }
    }

    fn ignore_rule(&mut self, index: usize, entry: &IgnoreFile) -> Option<IgnoreRule> {
        let path = KeyPath::default().key("ignore").index(index);
        let origin = self.layered.key_origin(&path);
        let Some(id) = entry.id.clone().filter(|id| !id.trim().is_empty()) else {
            self.problems.push(
                Problem::error(Code::ConfigIgnore, crate::msg!("ignore-entry-has-no-id"))
                    .label(crate::msg!("needs-id"))
                    .help(crate::msg!("give-vulnerability-id-cve-2024"))
                    .at(&origin),
            );
            return None;
        };
        let packages = self.sourced(&entry.packages, &path.key("packages"));
        let targets = self.sourced(&entry.targets, &path.key("targets"));
        self.check_globs(&packages);
        self.check_globs(&targets);
        let expires = match &entry.expires {
            None => None,
            Some(text) => match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    self.problems.push(
                        Problem::error(
                            Code::ConfigDate,
                            crate::msg!("invalid-date-text", text = format!("{:?}", text)),
                        )
                        .label(crate::msg!("not-date"))
                        .help(crate::msg!("write-date-as-yyyy-mm"))
                        .at(&self.at(&path.key("expires"))),
                    );
                    None
                }
            },
        };
        Some(IgnoreRule {
            id,
            packages: packages.into_iter().map(|s| s.value).collect(),
            targets: targets.into_iter().map(|s| s.value).collect(),
            expires,
            reason: entry.reason.clone().unwrap_or_default(),
            origin,
        })
    }
}

/// Dotted key path to `KeyPath` (no indices).
fn parse_path(path: &str) -> KeyPath {
    path.split('.').fold(KeyPath::default(), |p, k| p.key(k))
}

/// The longest timeout trivyscan takes: longer is a hang, and durations near the maximum
/// overflow when added to a clock.
const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);
/// An air-gapped copy of the exploitation data may be refreshed rarely; a year is the most
/// that still means something.
const MAX_INTEL_AGE: Duration = Duration::from_secs(365 * 24 * 3600);

fn too_long(text: &str) -> Problem {
    Problem::error(
        Code::ConfigDuration,
        crate::msg!("duration-text-longer-than-7", text = format!("{:?}", text)),
    )
    .label(crate::msg!("too-long"))
    .help(crate::msg!("scan-build-that-takes-longer"))
}

/// Trivy flags that carry a secret, and the key that takes the variable holding it instead.
const SECRET_FLAGS: &[(&str, &str)] = &[
    ("--password", "password_env"),
    ("--password-stdin", "password_env"),
    ("--registry-token", "registry_token_env"),
    ("--token", "server_token_env"),
];

/// A key's value, else its built-in default: [`FileConfig::builtin`] is the one place defaults
/// live, and it sets every key that has one.
fn or_builtin<T>(value: Option<T>, builtin: Option<T>) -> T {
    value
        .or(builtin)
        .expect("FileConfig::builtin() sets every defaulted key")
}

/// A built-in duration, for a key whose own value was refused.
fn builtin_duration(text: Option<&str>) -> Duration {
    humantime::parse_duration(text.expect("a built-in duration"))
        .expect("a valid built-in duration")
}

/// The settings, with every bad value left at its default, and the problems found.
pub fn resolve(
    layered: &Layered,
    file: FileConfig,
    env: Arc<Environment>,
) -> (Settings, Vec<Problem>) {
    let mut r = Resolver {
        layered,
        problems: Vec::new(),
        // The old script took Dockerfile paths from anywhere: its lists alone keep that.
        allow_outside: file
            .allow_outside_paths
            .unwrap_or(matches!(layered.source, ConfigSource::Legacy(_))),
    };
    let defaults = FileConfig::builtin();
    let base_dir = layered.source.base_dir();

    let severity = file
        .severity
        .as_ref()
        .and_then(|v| r.severity(v, &parse_path("severity")))
        .unwrap_or_else(|| {
            let builtin = defaults.severity.as_ref().expect("a built-in severity");
            r.severity(builtin, &parse_path("severity"))
                .expect("a valid built-in severity")
        });

    let scanner_names = or_builtin(file.scanners.clone(), defaults.scanners.clone());
    let mut scanners = Vec::new();
    for (i, name) in scanner_names.iter().enumerate() {
        let path = parse_path("scanners").index(i);
        if let Some(s) = r.one_of(
            name,
            &Scanner::NAMES,
            &path,
            Code::ConfigScanner,
            "scanner",
            Scanner::from_name,
        ) && !scanners.contains(&s)
        {
            scanners.push(s);
        }
    }
    if scanner_names.is_empty() {
        r.problems.push(
            Problem::error(Code::ConfigScanner, crate::msg!("no-scanners-are-enabled"))
                .help(crate::msg!(
                    "scanners-list",
                    list = Scanner::NAMES.join(", ")
                ))
                .at(&r.origin("scanners")),
        );
    }

    let conc = file.concurrency.clone().unwrap_or_default();
    let conc_def = defaults.concurrency.clone().unwrap_or_default();
    let concurrency = Concurrency {
        remote: r.positive(
            or_builtin(conc.remote, conc_def.remote),
            "concurrency.remote",
        ),
        local: r.positive(or_builtin(conc.local, conc_def.local), "concurrency.local"),
    };

    let trivy = r.trivy_settings(&file, &defaults, &base_dir);

    let report = r.report_settings(&file, &defaults, &base_dir);

    let fail_on_text = or_builtin(file.fail_on.clone(), defaults.fail_on.clone());
    let mut levels = vec!["none"];
    levels.extend(Severity::NAMES);
    let fail_on = r
        .one_of(
            &fail_on_text.to_lowercase(),
            &levels,
            &parse_path("fail_on"),
            Code::ConfigFailOn,
            "gate_level",
            |name| match name {
                "none" => Some(None),
                other => Severity::from_name(other).map(Some),
            },
        )
        .flatten();
    let gate = Gate {
        fail_on,
        fail_on_new: or_builtin(file.fail_on_new, defaults.fail_on_new),
        fail_on_kev: or_builtin(file.fail_on_kev, defaults.fail_on_kev),
        fail_on_epss: r.probability(
            or_builtin(file.fail_on_epss.clone(), defaults.fail_on_epss.clone()),
            "fail_on_epss",
        ),
    };
    let intel = r.intel_settings(&file, &defaults, &trivy.cache_dir, &base_dir);
    let ignores = file
        .ignore
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, entry)| r.ignore_rule(i, entry))
        .collect();

    let docker = r.docker_settings(&file, &defaults, &base_dir);
    let listing_limit = or_builtin(file.registry_listing_limit, defaults.registry_listing_limit);
    if listing_limit < 1 {
        r.problems.push(
            Problem::error(
                Code::ConfigListingLimit,
                crate::msg!("registry-listing-limit", n = listing_limit),
            )
            .label(crate::msg!("must-be-1-more"))
            .help(crate::msg!("registry-listing-limit-help"))
            .at(&r.origin("registry_listing_limit")),
        );
    }
    let registry_listing_limit = listing_limit.max(1) as usize;

    let mut target_sets: Vec<TargetSet> = Vec::new();
    for (i, set) in file.targets.iter().flatten().enumerate() {
        let set = r.target_set(i, set, severity, &base_dir);
        if let Some(first) = target_sets.iter().find(|s| s.name == set.name) {
            let msg = crate::msg!(
                "two-target-sets-are-named",
                name = set.name,
                place = first.origin
            );
            r.problems.push(
                Problem::error(Code::ConfigDuplicateSet, msg)
                    .help(crate::msg!("give-each-target-set-its"))
                    .at(&r.at(&parse_path("targets").index(i).key("name"))),
            );
        }
        target_sets.push(set);
    }

    (
        Settings {
            profile: layered.profile.clone(),
            source: layered.source.clone(),
            base_dir,
            severity,
            scanners,
            concurrency,
            trivy,
            report,
            docker,
            target_sets,
            gate,
            intel,
            ignores,
            allow_outside_paths: r.allow_outside,
            resolve_tags: or_builtin(file.resolve_tags, defaults.resolve_tags),
            registry_listing_limit,
            env,
        },
        r.problems,
    )
}
