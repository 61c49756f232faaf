//! The JSON report's wire types: what the writer (`json`) emits and the reader (`doc`) parses
//! back, in one place both depend on. Pure data, and the finding identity they share.

use serde::{Deserialize, Serialize};

use crate::model::{Coverage, EpssInfo, KevInfo, Ledger, Severity, Verdict};

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
    /// `false`, `true` (only new findings count) or `"introduced"` (only new ones a DB update
    /// alone does not explain).
    pub fail_on_new: crate::model::NewFindings,
    #[serde(default)]
    pub fail_on_kev: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_epss: Option<f64>,
    /// Findings past their due date fail the gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_overdue: bool,
    /// `fail_on_kev = "overdue"`: known-exploited findings count only past their due date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kev_overdue_only: bool,
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
    /// The run's verdict, from the ledger and the gate ([`Verdict::of`]). A report without one
    /// reads as incomplete.
    #[serde(default = "incomplete")]
    pub verdict: Verdict,
    /// True only for the verdict `passed`.
    pub passed: bool,
}

fn incomplete() -> Verdict {
    Verdict::Incomplete
}

impl GateResult {
    /// Sets the verdict (and `passed`) from what was done and the gate's findings.
    pub fn conclude(&mut self, ledger: &Ledger, failed_targets: usize, interrupted: bool) {
        self.verdict = Verdict::of(Coverage {
            ledger,
            failed_targets,
            interrupted,
            gate_hits: self.findings,
        });
        self.passed = self.verdict == Verdict::Passed;
    }

    /// Whether any part of the gate is set.
    pub fn is_set(&self) -> bool {
        self.fail_on.is_some()
            || self.fail_on_kev
            || self.fail_on_epss.is_some()
            || self.fail_on_overdue
    }

    /// What fails the gate, in words: "at or above HIGH, known exploited with a fix".
    pub fn criteria(&self) -> String {
        let mut parts = Vec::new();
        if let Some(level) = self.fail_on {
            parts.push(format!("at or above {level}"));
        }
        if self.fail_on_kev && self.kev_overdue_only {
            parts.push("known exploited (KEV) with a fix, past its due date".to_string());
        } else if self.fail_on_kev {
            parts.push("known exploited (KEV) with a fix".to_string());
        }
        if let Some(p) = self.fail_on_epss {
            parts.push(format!("with EPSS >= {p}"));
        }
        if self.fail_on_overdue {
            parts.push("past its due date".to_string());
        }
        parts.join(", or ")
    }
}

/// What one finding is, as far as the gate is concerned.
#[derive(Debug, Clone, Copy)]
pub struct GateInput {
    pub severity: Severity,
    /// Listed in the KEV catalog.
    pub kev: bool,
    pub has_fix: bool,
    pub epss: Option<f64>,
    /// With a baseline: whether the finding is new.
    pub new: Option<bool>,
    /// Past its due date (KEV's, or `[sla]`'s from when it was first seen).
    pub overdue: bool,
    /// New only because a DB update disclosed it on an unchanged image (`report::triage`).
    pub disclosed: bool,
}

/// Which of the gate's rules caught a finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GateCatch {
    pub severity: bool,
    pub kev: bool,
    pub epss: bool,
    pub overdue: bool,
}

impl GateCatch {
    pub fn any(self) -> bool {
        self.severity || self.kev || self.epss || self.overdue
    }

    /// The rules, as a JUnit failure names them: `severity`, `kev`, `epss`.
    pub fn rules(self) -> Vec<&'static str> {
        [
            (self.severity, "severity"),
            (self.kev, "kev"),
            (self.epss, "epss"),
            (self.overdue, "overdue"),
        ]
        .into_iter()
        .filter_map(|(hit, name)| hit.then_some(name))
        .collect()
    }
}

/// The gate's one rule: a finding fails it when at or above `fail_on`, known exploited with a
/// fix (`fail_on_kev`) or at or above `fail_on_epss`; with `fail_on_new`, only when new (and
/// with `"introduced"`, not when disclosed on an unchanged image). The
/// run, `report merge` and JUnit all ask here.
pub fn gate_catch(gate: &crate::settings::Gate, f: GateInput) -> GateCatch {
    let not_counted = match gate.fail_on_new {
        crate::model::NewFindings::Off => false,
        crate::model::NewFindings::Any => f.new == Some(false),
        // Fail closed: only what is shown to be disclosed is let through; a new finding whose
        // cause is not known counts.
        crate::model::NewFindings::Introduced => f.new == Some(false) || f.disclosed,
    };
    if not_counted {
        return GateCatch::default();
    }
    GateCatch {
        severity: gate.fail_on.is_some_and(|level| f.severity >= level),
        kev: gate.fail_on_kev && f.kev && f.has_fix && (!gate.kev_overdue_only || f.overdue),
        epss: gate
            .fail_on_epss
            .is_some_and(|threshold| f.epss.is_some_and(|p| p >= threshold)),
        overdue: gate.fail_on_overdue && f.overdue,
    }
}

impl GateResult {
    /// The gate's settings and what it counted, not concluded yet (`conclude` gives the
    /// verdict from the ledger).
    pub fn counted(
        gate: crate::settings::Gate,
        findings: usize,
        kev_findings: usize,
        epss_findings: usize,
        unevaluated: Vec<String>,
    ) -> GateResult {
        GateResult {
            fail_on: gate.fail_on,
            fail_on_new: gate.fail_on_new,
            fail_on_kev: gate.fail_on_kev,
            fail_on_epss: gate.fail_on_epss,
            fail_on_overdue: gate.fail_on_overdue,
            kev_overdue_only: gate.kev_overdue_only,
            findings,
            kev_findings,
            epss_findings,
            unevaluated,
            verdict: crate::model::Verdict::Incomplete,
            passed: false,
        }
    }

    /// The gate's settings.
    pub fn settings(&self) -> crate::settings::Gate {
        crate::settings::Gate {
            fail_on: self.fail_on,
            fail_on_new: self.fail_on_new,
            fail_on_kev: self.fail_on_kev,
            fail_on_epss: self.fail_on_epss,
            fail_on_overdue: self.fail_on_overdue,
            kev_overdue_only: self.kev_overdue_only,
        }
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
    /// Every input besides the targets, with its outcome.
    pub ledger: Ledger,
    pub gate: GateResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_exploited: Option<KnownExploited>,
    /// With deadlines on (`[sla]`, a baseline, `fail_on_overdue`): findings past their due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<Overdue>,
    pub fix_impact: Vec<FixImpact>,
    pub vulnerabilities: Vec<FleetVulnerability>,
}

/// Findings past their due date across the fleet, and of them known exploited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Overdue {
    pub findings: usize,
    pub known_exploited: usize,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NewFindings;

    /// The fail-open matrix of `fail_on_new = "introduced"`: only a finding shown to be
    /// disclosed on an unchanged image is let through.
    #[test]
    fn the_introduced_gate_lets_through_only_what_is_shown_disclosed() {
        let gate = crate::settings::Gate {
            fail_on: Some(Severity::High),
            fail_on_new: NewFindings::Introduced,
            ..Default::default()
        };
        let finding = |new: Option<bool>, disclosed: bool| GateInput {
            severity: Severity::Critical,
            kev: false,
            has_fix: true,
            epss: None,
            new,
            disclosed,
            overdue: false,
        };
        // Disclosed: let through. Unchanged: not counted (a new-only gate).
        assert!(!gate_catch(&gate, finding(Some(true), true)).any());
        assert!(!gate_catch(&gate, finding(Some(false), false)).any());
        // Introduced, or new for a reason not known (appeared): counted.
        assert!(gate_catch(&gate, finding(Some(true), false)).any());
        // No baseline at all: every finding counts.
        assert!(gate_catch(&gate, finding(None, false)).any());
        // `any` counts the disclosed one too.
        let any = crate::settings::Gate {
            fail_on_new: NewFindings::Any,
            ..gate
        };
        assert!(gate_catch(&any, finding(Some(true), true)).any());
    }
}
