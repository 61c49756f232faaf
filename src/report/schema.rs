//! The JSON report's wire types: what the writer (`json`) emits and the reader (`doc`) parses
//! back, in one place both depend on. Pure data, and the finding identity they share.

use serde::{Deserialize, Serialize};

use crate::model::Severity;

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
}

/// One vulnerability ID across the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetVulnerability {
    pub id: String,
    pub severity: Severity,
    pub packages: Vec<String>,
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// `None`: no gate.
    pub fail_on: Option<Severity>,
    pub fail_on_new: bool,
    /// Findings at or above `fail_on` (new ones only with `fail_on_new`), after ignores.
    pub findings: usize,
    pub passed: bool,
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
