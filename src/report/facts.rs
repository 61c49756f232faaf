//! What each finished target contributes to the fleet sections (its findings' keys, gate hits,
//! vulnerabilities, the baseline comparison), and the collector that makes the sections.

use crate::model::{Outcome, ScanReport, TargetResult};
use crate::settings::Gate;
use crate::stage::group::FindingRef;

use super::baseline::{Baseline, compare};
use super::fleet::{FleetAccumulator, VulnItem};
use super::schema::{BaselineInfo, FleetSection, GateResult, TargetDiff, finding_key};

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

    /// The fleet sections; the accumulator is used up making them (a fleet's worth of
    /// vulnerability IDs is not held twice).
    pub fn finish(self, gate: Gate, baseline: Option<&Baseline>) -> FleetSection {
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
            vulnerabilities: self.acc.into_vulnerabilities(),
        }
    }
}
