//! What a scan found: Trivy's results as the model holds them, each target's result, and its
//! findings grouped by component type and severity.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::target::{PlannedTarget, Severity, TargetKind};

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
    /// The package's purl as Trivy gives it (`PkgIdentifier.PURL`); empty when it gives none.
    pub purl: String,
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
    /// The `UpdatedAt` of the vulnerability DB trivyscan scanned it with (not for imported
    /// reports): what says whether a new finding was disclosed.
    pub db_updated_at: Option<String>,
    /// The CycloneDX SBOM the result cache keeps for it (targets with a fixed identity).
    pub sbom: Option<std::path::PathBuf>,
    /// The result cache entry it was stored in or taken from (the entry's id): what a saved
    /// report's fleet SBOM is later made from (`report render --format cyclonedx`).
    pub cache_entry: Option<String>,
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
    /// Findings a VEX statement kept in (`affected`, `under_investigation`), with the index of
    /// the statement in the run's VEX statements: the reports show what it says.
    pub vex_kept: Vec<(FindingRef, usize)>,
}

/// A finding taken out of the report's findings by an ignore rule or a VEX statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub component: String,
    pub severity: Severity,
    pub finding: FindingRef,
    pub by: SuppressedBy,
}

/// What took a finding out: one suppression model for ignores and VEX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressedBy {
    /// The index of the entry in `Settings::ignores`.
    Ignore(usize),
    /// The index of the statement in the run's VEX statements; `overruled` other statements
    /// covered the finding with another status and were older.
    Vex { statement: usize, overruled: usize },
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
