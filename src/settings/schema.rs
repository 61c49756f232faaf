//! The config file schema: what `scanner.toml` and `profiles/*.toml` may say.
//!
//! Two views of one schema: the serde types here, which figment extracts into, and the table of
//! keys in `keys.rs` (`ROOT`), which lets validation report every unknown key and wrong type at
//! once. A unit test there keeps the two in step.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanners: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<ConcurrencyFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trivy: Option<TrivyFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<DockerFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<TargetSetFile>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_new: Option<NewFindingsValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_kev: Option<NewFindingsValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_epss: Option<ProbabilityValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_overdue: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intel: Option<IntelFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore: Option<Vec<IgnoreFile>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_outside_paths: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_tags: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_listing_limit: Option<i64>,
}

/// `[sla]`: how long a finding of each severity may stay open, counted from when it was first
/// seen (a KEV finding's due date is CISA's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

/// One `[[ignore]]` entry: findings it matches are suppressed (and listed) until it expires.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_sudo: Option<bool>,
}

/// `[intel]`: exploitation data (CISA KEV, FIRST EPSS) that ranks and gates findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntelFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<bool>,
}

/// A probability threshold as written: a number (`0.5`) or `"none"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProbabilityValue {
    Number(f64),
    Name(String),
}

/// A boolean or a name: `fail_on_new` (`true` is `"any"`, or `"introduced"`) and
/// `fail_on_kev` (`true`, or `"overdue"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NewFindingsValue {
    Flag(bool),
    Name(String),
}

/// The publishers' feeds: CISA's Known Exploited Vulnerabilities catalog and FIRST's daily
/// EPSS scores.
pub const DEFAULT_KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
pub const DEFAULT_EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";

/// A severity as written: a name (`"high"`) or the old script's level (`4`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SeverityValue {
    Level(i64),
    Name(String),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrivyFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_repositories: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub java_db_repositories: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_db: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_token_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_cache: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_token_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_token_header: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formats: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redact_secrets: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sarif: Option<SarifFile>,
}

/// `[report.sarif]`: what the SARIF report keeps within GitHub code scanning's limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SarifFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSetFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<SeverityValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfiles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archives: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifests: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compose_build: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tags: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfiles_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_args: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trivyignore: Option<String>,
}

/// Trivy's own default DB locations, tried in order.
pub const DEFAULT_DB_REPOSITORIES: [&str; 2] = [
    "mirror.gcr.io/aquasec/trivy-db:2",
    "ghcr.io/aquasecurity/trivy-db:2",
];
pub const DEFAULT_JAVA_DB_REPOSITORIES: [&str; 2] = [
    "mirror.gcr.io/aquasec/trivy-java-db:1",
    "ghcr.io/aquasecurity/trivy-java-db:1",
];

pub const BACKENDS: [&str; 3] = ["server", "memory", "standalone"];
pub const FORMATS: [&str; 9] = [
    "json",
    "legacy-json",
    "sarif",
    "junit",
    "markdown",
    "html",
    "openvex",
    "gitlab",
    "cyclonedx",
];

impl FileConfig {
    /// The built-in defaults, the lowest layer.
    pub fn builtin() -> FileConfig {
        let strings = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect());
        FileConfig {
            severity: Some(SeverityValue::Name("high".into())),
            scanners: strings(&["vuln", "secret"]),
            concurrency: Some(ConcurrencyFile {
                remote: Some(2),
                local: Some(1),
            }),
            trivy: Some(TrivyFile {
                binary: Some("trivy".into()),
                cache_dir: Some(".trivy_cache".into()),
                timeout: Some("10m".into()),
                backend: Some("server".into()),
                db_repositories: strings(&DEFAULT_DB_REPOSITORIES),
                java_db_repositories: strings(&DEFAULT_JAVA_DB_REPOSITORIES),
                offline: Some(false),
                require_db: Some(true),
                extra_args: Some(vec![]),
                username_env: None,
                password_env: None,
                registry_token_env: None,
                result_cache: Some(true),
                server: None,
                server_token_env: None,
                server_token_header: None,
            }),
            report: Some(ReportFile {
                output_dir: Some("reports".into()),
                formats: strings(&["json"]),
                redact_secrets: Some(false),
                sarif: None,
            }),
            docker: Some(DockerFile {
                binary: Some("docker".into()),
                build_timeout: Some("30m".into()),
                allow_sudo: Some(false),
            }),
            targets: None,
            fail_on: Some("none".into()),
            fail_on_new: Some(NewFindingsValue::Flag(false)),
            fail_on_kev: Some(NewFindingsValue::Flag(false)),
            fail_on_epss: Some(ProbabilityValue::Name("none".into())),
            fail_on_overdue: Some(false),
            sla: None,
            intel: Some(IntelFile {
                kev: Some(true),
                epss: Some(true),
                kev_url: Some(DEFAULT_KEV_URL.into()),
                epss_url: Some(DEFAULT_EPSS_URL.into()),
                max_age: Some("3d".into()),
                offline: Some(false),
            }),
            ignore: None,
            vex: None,
            allow_outside_paths: None,
            resolve_tags: Some(false),
            registry_listing_limit: Some(100_000),
        }
    }
}
