//! Severities, scanners and the plan: what is to be scanned, from where, at what threshold.

use std::fmt;
use std::path::PathBuf;

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

    /// The text a person recognises the target by (paths relative to the working directory
    /// when below it), and what identifies it in de-duplication and in every report: one form
    /// everywhere (paths are made absolute when planned, so two spellings of one file are one
    /// target).
    pub fn display_name(&self) -> String {
        match self {
            TargetKind::Image(r) => r.clone(),
            TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => {
                crate::paths::display_path(p)
            }
        }
    }

    /// The file of a path target, absolute.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            TargetKind::Image(_) => None,
            TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => Some(p),
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
