//! What is computed across the whole fleet: fix impact, unique vulnerabilities, the gate, and
//! the identity of a finding that baselines and diffs compare by. Pure.

use std::collections::BTreeSet;

// A fast hash: every vulnerability finding of the fleet is looked up here, on the thread that
// writes the reports.

use rustc_hash::FxHashMap as HashMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// A finding's identity within its target, stable across runs: the kind, ID, package (or file)
/// and installed version. Not Trivy's `Fingerprint`: observed with Trivy 0.76, it changes when
/// the same tag is rebuilt with the same package (it hashes the artifact too), so every finding
/// of a rebuilt image would look new.
pub fn finding_key(kind: &str, id: &str, package: &str, installed_version: &str) -> String {
    format!("{kind}|{id}|{package}|{installed_version}")
}

/// One vulnerability finding, as the fleet features need it.
#[derive(Debug, Clone, Default)]
pub struct VulnItem {
    pub id: String,
    pub package: String,
    pub fixed_version: String,
    pub severity: Severity,
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

#[derive(Default)]
struct FixAcc {
    findings: usize,
    highest: Severity,
    ids: BTreeSet<String>,
    targets: Vec<u32>,
}

#[derive(Default)]
struct VulnAcc {
    severity: Severity,
    packages: BTreeSet<String>,
    targets: Vec<u32>,
}

/// Collects vulnerability findings target by target.
#[derive(Default)]
pub struct FleetAccumulator {
    /// package -> fixed version -> what upgrading clears.
    fixes: HashMap<String, HashMap<String, FixAcc>>,
    vulns: HashMap<String, VulnAcc>,
    /// Target names, each stored once: a fleet's vulnerabilities list the same targets many
    /// times over, by index.
    names: Vec<String>,
    index: HashMap<String, u32>,
}

/// The entry for `key`, allocating the key only when it is new: this runs once per finding
/// on the thread that writes the reports.
fn entry<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("just inserted")
}

fn push_target(targets: &mut Vec<u32>, target: u32) {
    if targets.last() != Some(&target) {
        targets.push(target);
    }
}

impl FleetAccumulator {
    pub fn add(&mut self, target: &str, items: &[VulnItem]) {
        let target = match self.index.get(target) {
            Some(i) => *i,
            None => {
                let i = self.names.len() as u32;
                self.names.push(target.to_string());
                self.index.insert(target.to_string(), i);
                i
            }
        };
        for item in items {
            if !item.fixed_version.is_empty() {
                let acc = entry(entry(&mut self.fixes, &item.package), &item.fixed_version);
                acc.findings += 1;
                acc.highest = acc.highest.max(item.severity);
                if !acc.ids.contains(&item.id) {
                    acc.ids.insert(item.id.clone());
                }
                push_target(&mut acc.targets, target);
            }
            let acc = entry(&mut self.vulns, &item.id);
            acc.severity = acc.severity.max(item.severity);
            if !acc.packages.contains(&item.package) {
                acc.packages.insert(item.package.clone());
            }
            push_target(&mut acc.targets, target);
        }
    }

    /// Sorted, distinct target names.
    fn names_of(&self, targets: &[u32]) -> Vec<String> {
        let mut names: Vec<String> = targets
            .iter()
            .map(|i| self.names[*i as usize].clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Upgrades ranked by the findings they clear, then the targets, then severity.
    pub fn fix_impact(&self) -> Vec<FixImpact> {
        let mut out: Vec<FixImpact> = self
            .fixes
            .iter()
            .flat_map(|(package, by_fixed)| {
                by_fixed
                    .iter()
                    .map(move |(fixed, acc)| (package, fixed, acc))
            })
            .map(|(package, fixed, acc)| {
                let targets = self.names_of(&acc.targets);
                FixImpact {
                    package: package.clone(),
                    fixed_version: fixed.clone(),
                    findings: acc.findings,
                    targets: targets.len(),
                    highest_severity: acc.highest,
                    vulnerabilities: acc.ids.iter().cloned().collect(),
                    target_names: targets,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.findings
                .cmp(&a.findings)
                .then(b.targets.cmp(&a.targets))
                .then(b.highest_severity.cmp(&a.highest_severity))
                .then(a.package.cmp(&b.package))
                .then(a.fixed_version.cmp(&b.fixed_version))
        });
        out
    }

    /// Unique vulnerability IDs, most severe and most widespread first.
    pub fn vulnerabilities(&self) -> Vec<FleetVulnerability> {
        let mut out: Vec<FleetVulnerability> = self
            .vulns
            .iter()
            .map(|(id, acc)| {
                let targets = self.names_of(&acc.targets);
                FleetVulnerability {
                    id: id.clone(),
                    severity: acc.severity,
                    packages: acc.packages.iter().cloned().collect(),
                    targets,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.targets.len().cmp(&a.targets.len()))
                .then(a.id.cmp(&b.id))
        });
        out
    }
}

/// The fleet gate's verdict, as the JSON report records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// `None`: no gate.
    pub fail_on: Option<Severity>,
    pub fail_on_new: bool,
    /// Findings at or above `fail_on` (new ones only with `fail_on_new`), after ignores.
    pub findings: usize,
    pub passed: bool,
}

/// Per-severity counts with every severity present, highest first.
pub fn empty_counts() -> IndexMap<Severity, usize> {
    Severity::ALL.iter().rev().map(|s| (*s, 0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, package: &str, fixed: &str, severity: Severity) -> VulnItem {
        VulnItem {
            id: id.into(),
            package: package.into(),
            fixed_version: fixed.into(),
            severity,
        }
    }

    #[test]
    fn fix_impact_ranks_by_findings_cleared() {
        let mut acc = FleetAccumulator::default();
        acc.add(
            "a",
            &[
                item("CVE-1", "openssl", "3.0.1", Severity::High),
                item("CVE-2", "openssl", "3.0.1", Severity::Critical),
                item("CVE-3", "zlib", "", Severity::Low),
            ],
        );
        acc.add("b", &[item("CVE-1", "openssl", "3.0.1", Severity::High)]);
        acc.add("b", &[item("CVE-4", "curl", "8.0", Severity::Medium)]);
        let fixes = acc.fix_impact();
        assert_eq!(fixes.len(), 2, "no fix for zlib");
        assert_eq!(fixes[0].package, "openssl");
        assert_eq!((fixes[0].findings, fixes[0].targets), (3, 2));
        assert_eq!(fixes[0].highest_severity, Severity::Critical);
        assert_eq!(fixes[0].vulnerabilities, ["CVE-1", "CVE-2"]);
        let vulns = acc.vulnerabilities();
        assert_eq!(vulns[0].id, "CVE-2");
        assert_eq!(vulns[1].id, "CVE-1");
        assert_eq!(vulns[1].targets, ["a", "b"]);
        assert_eq!(vulns.len(), 4);
    }
}

use crate::model::{Outcome, ScanReport, TargetResult};
use crate::settings::Gate;
use crate::stage::group::FindingRef;

use super::baseline::{Baseline, TargetDiff, compare};

/// [`finding_key`] of a finding in trivyscan's model.
pub fn key_of(report: &ScanReport, f: FindingRef) -> String {
    match f {
        FindingRef::Vulnerability { result, index } => {
            let v = &report.results[result].vulnerabilities[index];
            finding_key("vulnerability", &v.id, &v.pkg_name, &v.installed_version)
        }
        FindingRef::Secret { result, index } => {
            let r = &report.results[result];
            finding_key("secret", &r.secrets[index].rule_id, &r.target, "")
        }
        FindingRef::Misconfiguration { result, index } => {
            let r = &report.results[result];
            finding_key(
                "misconfiguration",
                &r.misconfigurations[index].id,
                &r.target,
                "",
            )
        }
        FindingRef::License { result, index } => {
            let l = &report.results[result].licenses[index];
            finding_key("license", &l.name, &l.pkg_name, "")
        }
    }
}

/// What one finished target contributes to the fleet features, computed once whatever the
/// report formats.
#[derive(Debug, Clone, Default)]
pub struct TargetFacts {
    pub identity: String,
    /// With a baseline: for each reported finding, in report order, whether it is new.
    pub new_marks: Option<Vec<bool>>,
    pub diff: Option<TargetDiff>,
    pub vulns: Vec<VulnItem>,
    pub gate_hits: usize,
    pub suppressed: usize,
}

impl TargetFacts {
    pub fn of(r: &TargetResult, gate: Gate, baseline: Option<&Baseline>) -> TargetFacts {
        let identity = r.target.kind.identity();
        let Outcome::Scanned { report, grouped } = &r.outcome else {
            return TargetFacts {
                identity,
                ..TargetFacts::default()
            };
        };
        let in_order: Vec<(crate::model::Severity, FindingRef)> = grouped
            .components
            .values()
            .flat_map(|s| s.iter().flat_map(|(sev, l)| l.iter().map(|f| (*sev, *f))))
            .collect();
        let (new_marks, diff) = match baseline {
            Some(b) => {
                let keys: Vec<String> = in_order.iter().map(|(_, f)| key_of(report, *f)).collect();
                let (marks, diff) = compare(b.target(&identity), keys.iter().map(String::as_str));
                (Some(marks), Some(diff))
            }
            None => (None, None),
        };
        let gate_hits = match gate.fail_on {
            None => 0,
            Some(level) => in_order
                .iter()
                .enumerate()
                .filter(|(i, (sev, _))| {
                    *sev >= level && (!gate.fail_on_new || new_marks.as_ref().is_none_or(|m| m[*i]))
                })
                .count(),
        };
        let vulns = in_order
            .iter()
            .filter_map(|(sev, f)| match f {
                FindingRef::Vulnerability { result, index } => {
                    let v = &report.results[*result].vulnerabilities[*index];
                    Some(VulnItem {
                        id: v.id.clone(),
                        package: v.pkg_name.clone(),
                        fixed_version: v.fixed_version.clone(),
                        severity: *sev,
                    })
                }
                _ => None,
            })
            .collect();
        TargetFacts {
            identity,
            new_marks,
            diff,
            vulns,
            gate_hits,
            suppressed: grouped.suppressed.len(),
        }
    }
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

/// Collects [`TargetFacts`] as targets finish.
#[derive(Default)]
pub struct Fleet {
    acc: FleetAccumulator,
    gate_hits: usize,
    seen: std::collections::HashSet<String>,
}

impl Fleet {
    pub fn add(&mut self, facts: &TargetFacts) {
        self.acc.add(&facts.identity, &facts.vulns);
        self.gate_hits += facts.gate_hits;
        self.seen.insert(facts.identity.clone());
    }

    pub fn finish(&self, gate: Gate, baseline: Option<&Baseline>) -> FleetSection {
        FleetSection {
            gate: GateResult {
                fail_on: gate.fail_on,
                fail_on_new: gate.fail_on_new,
                findings: self.gate_hits,
                passed: self.gate_hits == 0,
            },
            baseline: baseline.map(|b| BaselineInfo {
                path: b.path.clone(),
                targets_not_in_run: b
                    .missing_from(&self.seen)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            }),
            fix_impact: self.acc.fix_impact(),
            vulnerabilities: self.acc.vulnerabilities(),
        }
    }
}
