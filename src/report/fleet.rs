//! What is computed across the whole fleet: fix impact, unique vulnerabilities, the gate, and
//! the identity of a finding that baselines and diffs compare by. Pure.

use std::collections::BTreeSet;

// A fast hash: every vulnerability finding of the fleet is looked up here, on the thread that
// writes the reports.

use rustc_hash::FxHashMap as HashMap;

use indexmap::IndexMap;

use crate::model::Severity;

use super::schema::{FixImpact, FleetVulnerability};

/// One vulnerability finding, as the fleet features need it.
#[derive(Debug, Clone, Default)]
pub struct VulnItem {
    pub id: String,
    pub package: String,
    pub fixed_version: String,
    pub severity: Severity,
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
