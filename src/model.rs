//! Types shared by every stage: severities, scanners, the plan of targets, grouped findings
//! and each target's result. A leaf: it depends on nothing else of trivyscan but `source`
//! (where a target came from) and `paths`.

use std::fmt;
use std::path::PathBuf;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::source::Origin;

/// Trivy's severity scale, lowest first, so `>=` means "at least as severe".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    #[default]
    Unknown,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Unknown,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// Names accepted in config files, lowercase.
    pub const NAMES: [&'static str; 5] = ["unknown", "low", "medium", "high", "critical"];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Parses a config name (`high`, case-insensitive).
    pub fn from_name(name: &str) -> Option<Severity> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// The old script's levels: 1 = UNKNOWN+ .. 5 = CRITICAL.
    pub fn from_legacy_level(level: i64) -> Option<Severity> {
        match level {
            1..=5 => Some(Self::ALL[(level - 1) as usize]),
            _ => None,
        }
    }

    pub fn legacy_level(self) -> u8 {
        self as u8 + 1
    }

    /// Trivy reports severities as upper-case strings; anything else is UNKNOWN, as Trivy does.
    pub fn from_trivy(s: &str) -> Severity {
        Self::from_name(s).unwrap_or(Severity::Unknown)
    }

    /// The severities a threshold lets through, highest last, as the old script listed them.
    pub fn included(self) -> Vec<&'static str> {
        Self::ALL
            .into_iter()
            .filter(|s| *s >= self)
            .map(Severity::as_str)
            .collect()
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Trivy's `--scanners` values that trivyscan exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scanner {
    Vuln,
    Secret,
    Misconfig,
    License,
}

impl Scanner {
    pub const NAMES: [&'static str; 4] = ["vuln", "secret", "misconfig", "license"];

    pub fn from_name(name: &str) -> Option<Scanner> {
        match name {
            "vuln" => Some(Scanner::Vuln),
            "secret" => Some(Scanner::Secret),
            "misconfig" => Some(Scanner::Misconfig),
            "license" => Some(Scanner::License),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scanner::Vuln => "vuln",
            Scanner::Secret => "secret",
            Scanner::Misconfig => "misconfig",
            Scanner::License => "license",
        }
    }
}

/// What one planned target is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "target", rename_all = "snake_case")]
pub enum TargetKind {
    /// An image reference scanned from its registry.
    Image(String),
    /// A Dockerfile that is built, scanned and removed.
    Dockerfile(PathBuf),
    /// An existing Trivy JSON report, imported without scanning.
    Report(PathBuf),
    /// An image archive: docker-archive, OCI layout directory, or OCI layout tar.
    Archive(PathBuf),
}

impl TargetKind {
    /// Targets scanned by Trivy (reports are imported as they are).
    pub fn runs_trivy(&self) -> bool {
        !matches!(self, TargetKind::Report(_))
    }

    pub fn label(&self) -> &'static str {
        match self {
            TargetKind::Image(_) => "image",
            TargetKind::Dockerfile(_) => "dockerfile",
            TargetKind::Report(_) => "report",
            TargetKind::Archive(_) => "archive",
        }
    }

    /// The text a person recognises the target by (paths relative to the working directory).
    pub fn display_name(&self) -> String {
        match self {
            TargetKind::Image(r) => r.clone(),
            TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => {
                crate::paths::display_path(p)
            }
        }
    }

    /// What identifies the target for de-duplication and reports (absolute paths).
    pub fn identity(&self) -> String {
        match self {
            TargetKind::Image(r) => r.clone(),
            TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => {
                p.display().to_string()
            }
        }
    }
}

/// How a Dockerfile target is built (from its target set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// The build context; the Dockerfile's directory when `None`.
    pub context: Option<PathBuf>,
    pub build_args: Vec<(String, String)>,
    pub target: Option<String>,
    pub platform: Option<String>,
}

/// One target of the plan, with everything later stages need to know about it.
#[derive(Debug, Clone)]
pub struct PlannedTarget {
    pub set: String,
    pub kind: TargetKind,
    /// For Dockerfiles: how to build them.
    pub build: BuildOptions,
    pub severity: Severity,
    pub origin: Origin,
    /// The other places that name the same target through another kind of source (a registry
    /// glob, a Kubernetes manifest, a Compose file, a legacy list): where it is built and
    /// where it is deployed.
    pub also: Vec<Origin>,
    /// Why this target cannot be scanned; it becomes an error entry in the report.
    pub problem: Option<String>,
    /// The set's `.trivyignore`, passed to Trivy.
    pub ignore_file: Option<PathBuf>,
}

/// The resolve stage's output.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub targets: Vec<PlannedTarget>,
}

/// A Trivy report in trivyscan's terms: only what the reports need.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    pub artifact_name: String,
    pub image_id: Option<String>,
    pub repo_digests: Vec<String>,
    /// The operating system Trivy found, if any (boxed, so an `Outcome` stays small).
    pub os: Option<Box<OsInfo>>,
    pub results: Vec<ResultBlock>,
}

/// The operating system of a scanned image, as Trivy names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsInfo {
    pub family: String,
    pub name: String,
    /// Past its end of support (Trivy's `EOSL`): the distribution publishes no more advisories
    /// for it, so vulnerabilities found after that date are not reported.
    #[serde(default)]
    pub end_of_support: bool,
}

impl OsInfo {
    /// `debian 9.13`.
    pub fn label(&self) -> String {
        format!("{} {}", self.family, self.name).trim().to_string()
    }
}

/// One of Trivy's `Results`: what was found in one place of the image.
#[derive(Debug, Clone, Default)]
pub struct ResultBlock {
    pub target: String,
    pub class: String,
    /// Trivy's `Type`; empty when absent (secret results have none).
    pub kind: String,
    pub vulnerabilities: Vec<Vulnerability>,
    pub secrets: Vec<Secret>,
    pub misconfigurations: Vec<Misconfiguration>,
    pub licenses: Vec<License>,
}

#[derive(Debug, Clone, Default)]
pub struct Vulnerability {
    pub id: String,
    pub pkg_name: String,
    pub pkg_path: String,
    pub installed_version: String,
    pub fixed_version: String,
    /// Trivy's severity string as given (upper-cased), and its parsed level.
    pub severity_text: String,
    pub severity: Severity,
    pub title: JsonText,
    pub description: JsonText,
    /// Trivy's CVSS object, kept byte for byte.
    pub cvss: Option<Box<serde_json::value::RawValue>>,
    pub severity_source: String,
    pub primary_url: String,
    pub fingerprint: String,
}

/// A string kept as JSON text (quotes and escapes included). Trivy's text is kept when it is
/// exactly what serde_json writes for that string, so the reports copy it instead of unescaping
/// and escaping it again: descriptions are most of a big fleet report. Other text (Go's
/// `\u003c` for `<`, say) is decoded and written again, so the output is the same either way.
#[derive(Debug, Clone)]
pub struct JsonText(Box<serde_json::value::RawValue>);

impl JsonText {
    pub fn new(text: &str) -> JsonText {
        JsonText(serde_json::value::to_raw_value(text).expect("a string serializes"))
    }

    pub fn is_empty(&self) -> bool {
        self.0.get() == "\"\""
    }

    /// The length of the JSON text.
    pub fn len(&self) -> usize {
        self.0.get().len()
    }

    /// The decoded string.
    pub fn to_text(&self) -> String {
        serde_json::from_str(self.0.get()).expect("JsonText holds a JSON string")
    }

    /// Whether `raw` (a JSON string as parsed by serde_json, so free of control characters and
    /// with valid escapes) is byte for byte what serde_json writes for the string it means.
    fn is_canonical(raw: &str) -> bool {
        let bytes = raw.as_bytes();
        if bytes.len() < 2 || bytes[0] != b'"' {
            return false;
        }
        let inner = &bytes[1..bytes.len() - 1];
        memchr::memchr_iter(b'\\', inner).all(|at| match inner.get(at + 1) {
            // The second backslash of `\\` is checked here as if it began an escape too. That
            // can only send canonical text to be decoded and written again, which is still
            // right, never the other way.
            Some(b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f') => true,
            Some(b'u') => match inner.get(at + 2..at + 6) {
                Some([b'0', b'0', hi @ (b'0' | b'1'), lo]) => {
                    let lo_value = match lo {
                        b'0'..=b'9' => lo - b'0',
                        b'a'..=b'f' => lo - b'a' + 10,
                        _ => return false,
                    };
                    let value = (hi - b'0') * 16 + lo_value;
                    !matches!(value, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d)
                }
                _ => false,
            },
            _ => false,
        })
    }
}

impl Default for JsonText {
    fn default() -> JsonText {
        JsonText::new("")
    }
}

impl From<&str> for JsonText {
    fn from(text: &str) -> JsonText {
        JsonText::new(text)
    }
}

impl PartialEq for JsonText {
    fn eq(&self, other: &JsonText) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Serialize for JsonText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<JsonText, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        if JsonText::is_canonical(raw.get()) {
            return Ok(JsonText(raw));
        }
        let text: String = serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
        Ok(JsonText::new(&text))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Secret {
    pub rule_id: String,
    pub category: String,
    pub title: String,
    pub severity_text: String,
    pub severity: Severity,
    pub start_line: Option<i64>,
    pub end_line: Option<i64>,
    pub matched: String,
}

#[derive(Debug, Clone, Default)]
pub struct Misconfiguration {
    pub id: String,
    pub title: String,
    pub message: String,
    pub resolution: String,
    pub severity_text: String,
    pub severity: Severity,
    pub primary_url: String,
}

#[derive(Debug, Clone, Default)]
pub struct License {
    pub name: String,
    pub pkg_name: String,
    pub file_path: String,
    pub category: String,
    pub severity_text: String,
    pub severity: Severity,
}

/// Why a target has no findings: the one-line classification of what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The target itself is invalid (bad reference, missing file).
    InvalidTarget,
    ImageNotFound,
    Unauthorized,
    RegistryUnreachable,
    Timeout,
    /// The vulnerability DB is broken (and a repair did not help).
    DatabaseBroken,
    /// No vulnerability DB could be had (offline, or the download failed).
    DatabaseUnavailable,
    /// Trivy crashed or was killed.
    TrivyCrashed,
    /// Trivy's output could not be read.
    BadOutput,
    /// This kind of target cannot be handled yet.
    Unsupported,
    /// Docker is missing, its daemon unreachable, or its socket refused us.
    DockerUnavailable,
    /// `docker build` failed (the message has the end of its output).
    BuildFailed,
    Interrupted,
    Other,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::InvalidTarget => "invalid_target",
            FailureKind::ImageNotFound => "image_not_found",
            FailureKind::Unauthorized => "unauthorized",
            FailureKind::RegistryUnreachable => "registry_unreachable",
            FailureKind::Timeout => "timeout",
            FailureKind::DatabaseBroken => "database_broken",
            FailureKind::DatabaseUnavailable => "database_unavailable",
            FailureKind::TrivyCrashed => "trivy_crashed",
            FailureKind::BadOutput => "bad_output",
            FailureKind::Unsupported => "unsupported",
            FailureKind::DockerUnavailable => "docker_unavailable",
            FailureKind::BuildFailed => "build_failed",
            FailureKind::Interrupted => "interrupted",
            FailureKind::Other => "other",
        }
    }
}

/// What happened to one target.
#[derive(Debug, Clone)]
pub enum Outcome {
    Scanned {
        report: ScanReport,
        grouped: Grouped,
    },
    Failed {
        kind: FailureKind,
        message: String,
    },
}

/// How a target was scanned, as the reports name it (the old script's `remote` and `local`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanType {
    /// A registry image.
    Remote,
    /// A built Dockerfile.
    Local,
    /// An image archive.
    Archive,
    /// An imported Trivy report.
    Report,
}

impl ScanType {
    pub fn of(kind: &TargetKind) -> ScanType {
        match kind {
            TargetKind::Image(_) => ScanType::Remote,
            TargetKind::Archive(_) => ScanType::Archive,
            TargetKind::Dockerfile(_) => ScanType::Local,
            TargetKind::Report(_) => ScanType::Report,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScanType::Remote => "remote",
            ScanType::Local => "local",
            ScanType::Archive => "archive",
            ScanType::Report => "report",
        }
    }
}

/// One target's result, as the reports see it.
#[derive(Debug, Clone)]
pub struct TargetResult {
    pub target: PlannedTarget,
    pub scan_type: ScanType,
    /// Local time the result was made, as the old script stamped it.
    pub timestamp: chrono::DateTime<chrono::Local>,
    pub duration: std::time::Duration,
    /// For Dockerfiles: the temporary image name it was built as (removed after the scan).
    pub image: Option<String>,
    /// For archives: the digest that identifies the image (image ID or manifest digest).
    pub digest: Option<String>,
    /// How the result was made when the result cache was involved.
    pub cache: Option<CacheUse>,
    pub outcome: Outcome,
}

/// Where one finding sits in the report it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingRef {
    Vulnerability { result: usize, index: usize },
    Secret { result: usize, index: usize },
    Misconfiguration { result: usize, index: usize },
    License { result: usize, index: usize },
}

/// Component type -> severity -> findings, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Grouped {
    pub components: IndexMap<String, IndexMap<Severity, Vec<FindingRef>>>,
    /// Findings an `[[ignore]]` entry accepted: kept out of `components`, never dropped.
    pub suppressed: Vec<Suppressed>,
}

/// A finding taken out of the report's findings by an ignore rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub component: String,
    pub severity: Severity,
    pub finding: FindingRef,
    /// Index of the rule in `Settings::ignores`.
    pub rule: usize,
}

impl Grouped {
    pub fn count(&self, component: &str, severity: Severity) -> usize {
        self.components
            .get(component)
            .and_then(|s| s.get(&severity))
            .map_or(0, Vec::len)
    }

    pub fn total(&self) -> usize {
        self.components
            .values()
            .flat_map(|s| s.values())
            .map(Vec::len)
            .sum()
    }

    /// Counts per severity over every component but secrets.
    pub fn vulnerabilities(&self) -> usize {
        self.components
            .iter()
            .filter(|(c, _)| c.as_str() != SECRET)
            .flat_map(|(_, s)| s.values())
            .map(Vec::len)
            .sum()
    }

    pub fn secrets(&self) -> usize {
        self.components
            .get(SECRET)
            .map_or(0, |s| s.values().map(Vec::len).sum())
    }

    pub(crate) fn push(&mut self, component: String, severity: Severity, finding: FindingRef) {
        self.components
            .entry(component)
            .or_default()
            .entry(severity)
            .or_default()
            .push(finding);
    }
}

/// Component types of the findings that are not packages.
pub const SECRET: &str = "Secret";
pub const CONFIGURATION: &str = "Configuration";
pub const LICENSE: &str = "License";

/// How a target's result was made, as the report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheUse {
    /// Scanned by Trivy (and stored).
    Scanned,
    /// Vulnerabilities recomputed from the stored SBOM against a newer DB.
    RescannedFromSbom,
    /// Vulnerabilities recomputed by replaying the stored Scan call on the trivy server,
    /// whose cache holds the image's layers: no pull, no Trivy client.
    RescannedOnServer,
    /// The stored result of the same content and DB.
    Reused,
}

impl CacheUse {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheUse::Scanned => "scanned",
            CacheUse::RescannedFromSbom => "rescanned_from_sbom",
            CacheUse::RescannedOnServer => "rescanned_on_server",
            CacheUse::Reused => "reused",
        }
    }
}

/// What the run knows about itself (the JSON report's `run`).
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub tool: &'static str,
    pub version: &'static str,
    pub trivy_version: String,
    pub db_updated_at: Option<String>,
    pub profile: String,
    pub started_at: String,
    pub finished_at: String,
    pub interrupted: bool,
    /// Scanners that could not run (`vuln` without a DB and `trivy.require_db = false`).
    pub skipped_scanners: Vec<&'static str>,
    /// `K/N` when the run scanned one shard of the plan (`run --shard`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// What was known about exploitation (CISA KEV, FIRST EPSS); absent in legacy mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intel: Option<IntelRun>,
    /// With a shard: what identifies the whole plan the shard is a slice of (a SHA-256 over
    /// every target's kind and identity), so `report merge` can tell shards of one plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

/// A finding's entry in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevInfo {
    pub date_added: String,
    pub due_date: String,
    /// The catalog's `knownRansomwareCampaignUse` is `Known`.
    pub known_ransomware_use: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// A finding's EPSS score: the probability of exploitation in the next 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssInfo {
    pub probability: f64,
    pub percentile: f64,
    /// The day the scores were computed.
    pub date: String,
}

/// What became of one exploitation feed in this run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedStatus {
    /// Used.
    Ok,
    /// Turned off in the config.
    #[default]
    Disabled,
    /// Had, but older than `intel.max_age`: not used.
    Stale,
    /// Could not be had (download failed and nothing cached, or unreadable).
    Unavailable,
}

/// One feed's part of the run's record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedRun {
    pub status: FeedStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// KEV: `catalogVersion`; EPSS: `model_version`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The data's own date (KEV: released; EPSS: scored).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fetched_at: String,
    #[serde(default)]
    pub entries: usize,
    /// Why it was not used, or what went wrong on the way to a copy that was.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl FeedRun {
    /// Was meant to be used and was not: the run must say so everywhere.
    pub fn missing(&self) -> bool {
        matches!(self.status, FeedStatus::Stale | FeedStatus::Unavailable)
    }
}

/// The exploitation data of one run, looked up by vulnerability ID.
#[derive(Debug, Default)]
pub struct Intel {
    pub(crate) kev: rustc_hash::FxHashMap<String, KevInfo>,
    /// Probability and percentile by CVE.
    pub(crate) epss: rustc_hash::FxHashMap<String, (f64, f64)>,
    pub(crate) epss_date: String,
    pub run: IntelRun,
}

impl Intel {
    /// No data, nothing wanted (legacy mode, rendering from memory).
    pub fn none() -> Intel {
        Intel::default()
    }

    pub fn kev(&self, id: &str) -> Option<&KevInfo> {
        self.kev.get(id)
    }

    pub fn epss(&self, id: &str) -> Option<EpssInfo> {
        self.epss.get(id).map(|(probability, percentile)| EpssInfo {
            probability: *probability,
            percentile: *percentile,
            date: self.epss_date.clone(),
        })
    }

    pub fn epss_probability(&self, id: &str) -> Option<f64> {
        self.epss.get(id).map(|(p, _)| *p)
    }

    pub fn has_kev(&self) -> bool {
        self.run.kev.status == FeedStatus::Ok
    }

    pub fn has_epss(&self) -> bool {
        self.run.epss.status == FeedStatus::Ok
    }
}

/// The run's exploitation data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntelRun {
    pub kev: FeedRun,
    pub epss: FeedRun,
}

impl IntelRun {
    /// The feeds the run was asked to use, each with what became of it: a feed not had is not
    /// done; a copy used after a failed download is done, with why.
    pub fn ledger_entries(&self) -> Vec<LedgerEntry> {
        [("KEV", &self.kev), ("EPSS", &self.epss)]
            .into_iter()
            .filter(|(_, f)| f.status != FeedStatus::Disabled)
            .map(|(name, f)| {
                let status = if f.missing() {
                    LedgerStatus::Failed
                } else {
                    LedgerStatus::Done
                };
                LedgerEntry::new(InputKind::Feed, name, status)
                    .origin(&f.source)
                    .reason(f.reason.clone())
            })
            .collect()
    }

    /// The feeds that were wanted and not had: (name, why).
    pub fn missing_feeds(&self) -> Vec<(&'static str, &str)> {
        [("KEV", &self.kev), ("EPSS", &self.epss)]
            .into_iter()
            .filter(|(_, f)| f.missing())
            .map(|(name, f)| (name, f.reason.as_str()))
            .collect()
    }
}

/// What became of one input the run was asked to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerStatus {
    Done,
    /// Not done on purpose (a setting turned it off), with why: still not looked at.
    Skipped,
    /// Could not be judged: its data was not had.
    NotEvaluated,
    Failed,
}

impl LedgerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerStatus::Done => "done",
            LedgerStatus::Skipped => "skipped",
            LedgerStatus::NotEvaluated => "not_evaluated",
            LedgerStatus::Failed => "failed",
        }
    }

    /// How bad it is, for keeping the worst of several reports of one input.
    fn rank(self) -> u8 {
        match self {
            LedgerStatus::Done => 0,
            LedgerStatus::Skipped => 1,
            LedgerStatus::NotEvaluated => 2,
            LedgerStatus::Failed => 3,
        }
    }
}

/// The kinds of input a run is asked to look at, besides the targets themselves (whose
/// outcomes are their report entries' `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// An `images` entry that is a registry glob.
    RegistryGlob,
    /// A legacy list (`images_file`, `dockerfiles_file`).
    LegacyList,
    /// A Kubernetes manifest or Compose file.
    Manifest,
    /// A `manifests`, `dockerfiles`, `reports` or `archives` glob.
    FileGlob,
    /// A Compose service's `build:`.
    ComposeBuild,
    Scanner,
    /// An exploitation feed (KEV, EPSS).
    Feed,
    /// A part of the gate (`fail_on_kev`, `fail_on_epss`).
    Gate,
    /// One shard of a merged fleet.
    Shard,
    /// A target two merged reports disagree on.
    Target,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::RegistryGlob => "registry_glob",
            InputKind::LegacyList => "legacy_list",
            InputKind::Manifest => "manifest",
            InputKind::FileGlob => "file_glob",
            InputKind::ComposeBuild => "compose_build",
            InputKind::Scanner => "scanner",
            InputKind::Feed => "feed",
            InputKind::Gate => "gate",
            InputKind::Shard => "shard",
            InputKind::Target => "target",
        }
    }
}

/// One line of the run's ledger: an input, where it was named, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub kind: InputKind,
    pub input: String,
    /// Where the config named it (`scanner.toml:12`), when it was.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub origin: String,
    pub status: LedgerStatus,
    /// Why it is not done, or what a done input should still say (a fallback copy).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// For inputs that expand into targets: how many they yielded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<usize>,
}

impl LedgerEntry {
    pub fn new(kind: InputKind, input: impl Into<String>, status: LedgerStatus) -> LedgerEntry {
        LedgerEntry {
            kind,
            input: input.into(),
            origin: String::new(),
            status,
            reason: String::new(),
            targets: None,
        }
    }

    pub fn origin(mut self, origin: impl fmt::Display) -> LedgerEntry {
        self.origin = origin.to_string();
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> LedgerEntry {
        self.reason = reason.into();
        self
    }

    pub fn targets(mut self, n: usize) -> LedgerEntry {
        self.targets = Some(n);
        self
    }

    pub fn is_done(&self) -> bool {
        self.status == LedgerStatus::Done
    }
}

/// The run's ledger: every input besides the targets, each with one outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
}

impl Ledger {
    pub fn push(&mut self, entry: LedgerEntry) {
        self.entries.push(entry);
    }

    pub fn not_done(&self) -> impl Iterator<Item = &LedgerEntry> {
        self.entries.iter().filter(|e| !e.is_done())
    }

    /// Adds `other`'s entries; an input both name (same kind, input and origin) keeps the worse
    /// outcome, so a shard that failed to read a manifest is never hidden by one that did.
    pub fn union(&mut self, other: &Ledger) {
        // Indexed, so merging shards that each list thousands of manifests stays linear.
        let mut at: std::collections::HashMap<(InputKind, String, String), usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.kind, e.input.clone(), e.origin.clone()), i))
            .collect();
        for entry in &other.entries {
            let key = (entry.kind, entry.input.clone(), entry.origin.clone());
            match at.get(&key) {
                Some(&i) if entry.status.rank() > self.entries[i].status.rank() => {
                    self.entries[i] = entry.clone();
                }
                Some(_) => {}
                None => {
                    at.insert(key, self.entries.len());
                    self.entries.push(entry.clone());
                }
            }
        }
    }
}

/// The run's one verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Everything asked was looked at, and nothing failed the gate.
    Passed,
    /// A finding failed the gate (whatever else was not done).
    Failed,
    /// Something asked was not looked at: nothing is known of what it would have found.
    Incomplete,
}

/// What the verdict is made of.
#[derive(Debug, Clone, Copy)]
pub struct Coverage<'a> {
    pub ledger: &'a Ledger,
    /// Targets whose status is not `ok`.
    pub failed_targets: usize,
    pub interrupted: bool,
    /// Findings that fail the gate.
    pub gate_hits: usize,
}

impl Verdict {
    /// The one place the verdict is computed: every format, stderr, the exit code and
    /// `report merge` take it from here.
    pub fn of(c: Coverage<'_>) -> Verdict {
        if c.gate_hits > 0 {
            Verdict::Failed
        } else if c.interrupted || c.failed_targets > 0 || c.ledger.not_done().next().is_some() {
            Verdict::Incomplete
        } else {
            Verdict::Passed
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::Incomplete => "incomplete",
        }
    }
}

#[cfg(test)]
mod ledger_tests {
    use super::*;

    #[test]
    fn a_union_keeps_each_input_once_with_its_worst_outcome() {
        let entry = |input: &str, status| LedgerEntry::new(InputKind::Manifest, input, status);
        let mut fleet = Ledger::default();
        fleet.union(&Ledger {
            entries: vec![
                entry("a.yaml", LedgerStatus::Done),
                entry("b.yaml", LedgerStatus::Failed),
            ],
        });
        fleet.union(&Ledger {
            entries: vec![
                entry("a.yaml", LedgerStatus::Failed),
                entry("b.yaml", LedgerStatus::Done),
                entry("c.yaml", LedgerStatus::Skipped),
            ],
        });
        let got: Vec<(&str, LedgerStatus)> = fleet
            .entries
            .iter()
            .map(|e| (e.input.as_str(), e.status))
            .collect();
        assert_eq!(
            got,
            [
                ("a.yaml", LedgerStatus::Failed),
                ("b.yaml", LedgerStatus::Failed),
                ("c.yaml", LedgerStatus::Skipped),
            ]
        );
        let verdict = |ledger: &Ledger, hits| {
            Verdict::of(Coverage {
                ledger,
                failed_targets: 0,
                interrupted: false,
                gate_hits: hits,
            })
        };
        assert_eq!(verdict(&fleet, 0), Verdict::Incomplete);
        assert_eq!(verdict(&fleet, 1), Verdict::Failed, "a gate hit wins");
        assert_eq!(verdict(&Ledger::default(), 0), Verdict::Passed);
    }
}
