//! The JSON report's wire types: what the writer (`json`) emits and the reader (`doc`) parses
//! back, in one place both depend on. Pure data, and the finding identity they share.

use serde::{Deserialize, Serialize};

use crate::model::{EpssInfo, KevInfo, Severity};

pub const SCHEMA: &str = "trivyscan.report/v1";

/// A finding's identity within its target, stable across runs: the kind, ID, package (or file)
/// and installed version. Not Trivy's `Fingerprint`: observed with Trivy 0.76, it changes when
/// the same tag is rebuilt with the same package (it hashes the artifact too), so every finding
/// of a rebuilt image would look new.
pub fn finding_key(kind: &str, id: &str, package: &str, installed_version: &str) -> String {
    format!("{kind}|{id}|{package}|{installed_version}")
}

/// Upgrading one package to one version: what it clears across the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixImpact {
    pub package: String,
    pub fixed_version: String,
    /// Findings the upgrade clears.
    pub findings: usize,
    /// Targets (images) where it clears at least one.
    pub targets: usize,
    pub highest_severity: Severity,
    pub vulnerabilities: Vec<String>,
    pub target_names: Vec<String>,
    /// Of `vulnerabilities`, those in the KEV catalog.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_exploited: Vec<String>,
    /// The EPSS probabilities of the findings it clears, summed: the exploitations it is
    /// expected to prevent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub epss_sum: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// One vulnerability ID across the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetVulnerability {
    pub id: String,
    pub severity: Severity,
    pub packages: Vec<String>,
    pub targets: Vec<String>,
    /// Boxed: a fleet may list a hundred thousand IDs, few of them with either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<Box<KevInfo>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<Box<EpssInfo>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// `None`: no severity gate.
    pub fail_on: Option<Severity>,
    pub fail_on_new: bool,
    #[serde(default)]
    pub fail_on_kev: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_epss: Option<f64>,
    /// Findings that fail the gate (new ones only with `fail_on_new`), after ignores: at or
    /// above `fail_on`, known exploited with a fix, or at or above `fail_on_epss`.
    pub findings: usize,
    /// Of `findings`: known exploited with a fix (with `fail_on_kev`).
    #[serde(default)]
    pub kev_findings: usize,
    /// Of `findings`: EPSS at or above `fail_on_epss`.
    #[serde(default)]
    pub epss_findings: usize,
    /// Parts of the gate that could not be evaluated (their data was not had), with why: the
    /// run is incomplete (exit 2) unless the gate failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unevaluated: Vec<String>,
    pub passed: bool,
}

impl GateResult {
    /// Whether any part of the gate is set.
    pub fn is_set(&self) -> bool {
        self.fail_on.is_some() || self.fail_on_kev || self.fail_on_epss.is_some()
    }

    /// What fails the gate, in words: "at or above HIGH, known exploited with a fix".
    pub fn criteria(&self) -> String {
        let mut parts = Vec::new();
        if let Some(level) = self.fail_on {
            parts.push(format!("at or above {level}"));
        }
        if self.fail_on_kev {
            parts.push("known exploited (KEV) with a fix".to_string());
        }
        if let Some(p) = self.fail_on_epss {
            parts.push(format!("with EPSS >= {p}"));
        }
        parts.join(", or ")
    }
}

/// The fleet's known-exploited findings (CISA KEV), when the catalog was had.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KnownExploited {
    /// Distinct KEV-listed vulnerability IDs found.
    pub vulnerabilities: usize,
    pub findings: usize,
    /// Targets with at least one.
    pub targets: usize,
    /// Findings a package upgrade clears.
    pub with_fix: usize,
    /// The upgrades that clear every known-exploited finding that has a fix: the first
    /// entries of `fix_impact`.
    pub upgrades: usize,
    /// Known-exploited findings accepted by `[[ignore]]` entries (each with its reason).
    pub ignored: Vec<IgnoredKev>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgnoredKev {
    pub target: String,
    pub id: String,
    pub package: String,
    pub reason: String,
    pub origin: String,
}

/// The baseline part of the JSON report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineInfo {
    pub path: String,
    /// Targets the baseline had that this run did not scan.
    pub targets_not_in_run: Vec<String>,
}

/// The fleet sections of the JSON report, written after the targets.
#[derive(Debug, Clone, Serialize)]
pub struct FleetSection {
    pub gate: GateResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_exploited: Option<KnownExploited>,
    pub fix_impact: Vec<FixImpact>,
    pub vulnerabilities: Vec<FleetVulnerability>,
}

/// A finding of the earlier run, as much as a diff lists of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineFinding {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub component: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub package: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub installed_version: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub fixed_version: String,
    pub severity: Severity,
}

/// One target's comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetDiff {
    pub new: usize,
    pub unchanged: usize,
    pub fixed: Vec<BaselineFinding>,
}
