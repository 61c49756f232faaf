//! What is computed across the whole fleet: fix impact, unique vulnerabilities, the gate, and
//! the identity of a finding that baselines and diffs compare by. Pure.

use std::collections::BTreeSet;

// A fast hash: every vulnerability finding of the fleet is looked up here, on the thread that
// writes the reports.

use rustc_hash::FxHashMap as HashMap;

use indexmap::IndexMap;

use crate::model::{EpssInfo, KevInfo, Severity};

use super::schema::{FixImpact, FleetVulnerability};

/// One vulnerability finding, as the fleet features need it.
#[derive(Debug, Clone, Default)]
pub struct VulnItem {
    pub id: String,
    pub package: String,
    pub fixed_version: String,
    pub severity: Severity,
    /// Listed in the KEV catalog (rare: boxed, so the common case costs a pointer).
    pub kev: Option<Box<KevInfo>>,
    /// EPSS probability and percentile.
    pub epss: Option<(f64, f64)>,
}

#[derive(Default)]
struct FixAcc {
    findings: usize,
    highest: Severity,
    /// Interned vulnerability IDs.
    ids: BTreeSet<u32>,
    /// Of `ids`, the known-exploited ones.
    kev_ids: BTreeSet<u32>,
    epss_sum: f64,
    targets: Vec<u32>,
}

/// One vulnerability ID across the fleet. Small on purpose: a fleet may have a hundred
/// thousand distinct IDs, each with one or two packages.
#[derive(Default)]
struct VulnAcc {
    severity: Severity,
    /// Interned package names, distinct.
    packages: Vec<u32>,
    targets: Vec<u32>,
    kev: Option<Box<KevInfo>>,
    epss: Option<(f64, f64)>,
}

/// Strings stored once and named by index: IDs, packages and targets recur across findings.
#[derive(Default)]
struct Interner {
    strings: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(i) = self.index.get(text) {
            return *i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(text.to_string());
        self.index.insert(text.to_string(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        &self.strings[i as usize]
    }
}

/// Collects vulnerability findings target by target.
#[derive(Default)]
pub struct FleetAccumulator {
    /// package -> fixed version -> what upgrading clears.
    fixes: HashMap<String, HashMap<String, FixAcc>>,
    /// By interned ID.
    vulns: HashMap<u32, VulnAcc>,
    ids: Interner,
    packages: Interner,
    /// Target names: a fleet's vulnerabilities list the same targets many times over.
    names: Interner,
    /// The day the EPSS scores were computed.
    epss_date: String,
}

/// The entry for `key`, allocating the key only when it is new: this runs once per finding
/// on the thread that writes the reports.
fn entry<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("just inserted")
}

/// The strings, sorted, each once.
fn sorted_distinct<'a>(strings: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = strings.map(str::to_string).collect();
    out.sort();
    out.dedup();
    out
}

fn push_target(targets: &mut Vec<u32>, target: u32) {
    if targets.last() != Some(&target) {
        targets.push(target);
    }
}

impl FleetAccumulator {
    pub fn add(&mut self, target: &str, items: &[VulnItem]) {
        let target = self.names.id(target);
        for item in items {
            let id = self.ids.id(&item.id);
            if !item.fixed_version.is_empty() {
                let acc = entry(entry(&mut self.fixes, &item.package), &item.fixed_version);
                acc.findings += 1;
                acc.highest = acc.highest.max(item.severity);
                acc.ids.insert(id);
                if item.kev.is_some() {
                    acc.kev_ids.insert(id);
                }
                acc.epss_sum += item.epss.map_or(0.0, |(p, _)| p);
                push_target(&mut acc.targets, target);
            }
            let package = self.packages.id(&item.package);
            let acc = self.vulns.entry(id).or_default();
            acc.severity = acc.severity.max(item.severity);
            if acc.kev.is_none() {
                acc.kev.clone_from(&item.kev);
            }
            if acc.epss.is_none() {
                acc.epss = item.epss;
            }
            if !acc.packages.contains(&package) {
                acc.packages.push(package);
            }
            push_target(&mut acc.targets, target);
        }
    }

    /// The day of the EPSS scores the items carry.
    pub fn set_epss_date(&mut self, date: &str) {
        self.epss_date = date.to_string();
    }

    fn epss_info(&self, epss: Option<(f64, f64)>) -> Option<Box<EpssInfo>> {
        epss.map(|(probability, percentile)| {
            Box::new(EpssInfo {
                probability,
                percentile,
                date: self.epss_date.clone(),
            })
        })
    }

    /// Sorted, distinct target names.
    fn names_of(&self, targets: &[u32]) -> Vec<String> {
        sorted_distinct(targets.iter().map(|i| self.names.get(*i)))
    }

    /// Upgrades ranked by what they clear: known-exploited vulnerabilities first, then the
    /// expected exploitation (the sum of EPSS), then, where those tie (no exploitation data),
    /// as before: findings, targets, severity. So the upgrades with known-exploited
    /// vulnerabilities, the few that clear every one of them from the fleet, come first.
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
                    vulnerabilities: sorted_distinct(acc.ids.iter().map(|i| self.ids.get(*i))),
                    target_names: targets,
                    known_exploited: sorted_distinct(acc.kev_ids.iter().map(|i| self.ids.get(*i))),
                    // Rounded: a sum of floats in hash order is not the same every run.
                    epss_sum: (acc.epss_sum * 1e6).round() / 1e6,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.known_exploited
                .len()
                .cmp(&a.known_exploited.len())
                .then(b.epss_sum.total_cmp(&a.epss_sum))
                .then(b.findings.cmp(&a.findings))
                .then(b.targets.cmp(&a.targets))
                .then(b.highest_severity.cmp(&a.highest_severity))
                .then(a.package.cmp(&b.package))
                .then(a.fixed_version.cmp(&b.fixed_version))
        });
        out
    }

    /// As [`Self::vulnerabilities`], using the accumulator up: its IDs move into the result
    /// and what only adding needed is freed first.
    pub fn into_vulnerabilities(mut self) -> Vec<FleetVulnerability> {
        self.fixes = HashMap::default();
        self.ids.index = HashMap::default();
        self.packages.index = HashMap::default();
        self.names.index = HashMap::default();
        let mut ids = std::mem::take(&mut self.ids.strings);
        let vulns = std::mem::take(&mut self.vulns);
        let mut out: Vec<FleetVulnerability> = vulns
            .into_iter()
            .map(|(id, acc)| FleetVulnerability {
                id: std::mem::take(&mut ids[id as usize]),
                severity: acc.severity,
                packages: sorted_distinct(acc.packages.iter().map(|i| self.packages.get(*i))),
                targets: self.names_of(&acc.targets),
                epss: self.epss_info(acc.epss),
                kev: acc.kev,
            })
            .collect();
        sort_vulnerabilities(&mut out);
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
                    id: self.ids.get(*id).to_string(),
                    severity: acc.severity,
                    packages: sorted_distinct(acc.packages.iter().map(|i| self.packages.get(*i))),
                    targets,
                    kev: acc.kev.clone(),
                    epss: self.epss_info(acc.epss),
                }
            })
            .collect();
        sort_vulnerabilities(&mut out);
        out
    }
}

/// Known exploited first, then the likeliest to be exploited (EPSS), then the most severe,
/// then the most widespread, then by ID.
fn sort_vulnerabilities(out: &mut [FleetVulnerability]) {
    let epss = |v: &FleetVulnerability| v.epss.as_ref().map_or(0.0, |e| e.probability);
    out.sort_by(|a, b| {
        b.kev
            .is_some()
            .cmp(&a.kev.is_some())
            .then(epss(b).total_cmp(&epss(a)))
            .then(b.severity.cmp(&a.severity))
            .then(b.targets.len().cmp(&a.targets.len()))
            .then(a.id.cmp(&b.id))
    });
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
            kev: None,
            epss: None,
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

    #[test]
    fn known_exploited_then_epss_outrank_severity() {
        let kev = KevInfo {
            date_added: "2026-11-01".into(),
            due_date: "2026-11-22".into(),
            known_ransomware_use: true,
            name: String::new(),
        };
        let mut acc = FleetAccumulator::default();
        acc.set_epss_date("2026-11-29");
        let mut exploited = item("CVE-9", "busybox", "1.37", Severity::Medium);
        exploited.kev = Some(Box::new(kev.clone()));
        let mut likely = item("CVE-8", "requests", "2.31", Severity::Low);
        likely.epss = Some((0.9, 0.99));
        acc.add(
            "a",
            &[
                item("CVE-1", "openssl", "3.0.1", Severity::Critical),
                item("CVE-2", "openssl", "3.0.1", Severity::Critical),
                likely,
                exploited,
            ],
        );
        let fixes = acc.fix_impact();
        let order: Vec<&str> = fixes.iter().map(|f| f.package.as_str()).collect();
        assert_eq!(order, ["busybox", "requests", "openssl"]);
        assert_eq!(fixes[0].known_exploited, ["CVE-9"]);
        assert_eq!(fixes[1].epss_sum, 0.9);
        let vulns = acc.vulnerabilities();
        assert_eq!(vulns[0].id, "CVE-9");
        assert_eq!(vulns[0].kev.as_deref(), Some(&kev));
        assert_eq!(vulns[1].id, "CVE-8");
        assert_eq!(vulns[1].epss.as_ref().unwrap().date, "2026-11-29");
    }
}
