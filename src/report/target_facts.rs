//! What each finished target contributes to the fleet sections (its findings' keys, gate hits,
//! vulnerabilities, the baseline comparison), and the collector that makes the sections.

use crate::model::FindingRef;
use crate::model::Intel;
use crate::model::{
    InputKind, Ledger, LedgerEntry, LedgerStatus, Outcome, ScanReport, TargetResult,
};
use crate::settings::{Gate, IgnoreRule};

use super::baseline::{Baseline, Compared, compare};
use super::fleet::{FleetAccumulator, VulnItem};
use super::schema::{
    BaselineInfo, FleetSection, GateResult, IgnoredKev, KnownExploited, Overdue, TargetDiff,
    finding_key,
};
use super::triage::Cause;

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
    /// Not scanned: its findings are unknown.
    pub failed: bool,
    /// With a baseline, per finding in report order: new (and why), unchanged or rescored.
    pub new_marks: Option<Vec<BaselineMark>>,
    /// With deadlines on (`[sla]`, a baseline or `fail_on_overdue`), per finding in report
    /// order: when it was first seen, when it is due, whether that has passed.
    pub deadlines: Option<Vec<Deadline>>,
    /// Findings past their due date, and of them known exploited.
    pub overdue: usize,
    pub overdue_kev: usize,
    pub diff: Option<TargetDiff>,
    pub vulns: Vec<VulnItem>,
    pub gate_hits: usize,
    /// Of `gate_hits`: known exploited with a fix, and EPSS at or above the threshold.
    pub gate_kev_hits: usize,
    pub gate_epss_hits: usize,
    pub suppressed: usize,
    /// Known-exploited findings `[[ignore]]` entries accepted.
    pub kev_ignored: Vec<IgnoredKev>,
}

/// What a finding's deadline is made of: today, and `[sla]` (KEV findings are due when CISA
/// says).
#[derive(Debug, Clone)]
pub struct DeadlineRules {
    pub today: chrono::NaiveDate,
    pub sla: crate::settings::Sla,
}

impl DeadlineRules {
    /// Today, no `[sla]`.
    pub fn none() -> DeadlineRules {
        DeadlineRules {
            today: chrono::Local::now().date_naive(),
            sla: Default::default(),
        }
    }

    /// Deadlines are worked out with an `[sla]`, a baseline (which carries `first_seen`) or a
    /// gate on them.
    pub fn on(&self, has_baseline: bool, gate: Gate) -> bool {
        self.sla.is_set() || has_baseline || gate.fail_on_overdue || gate.kev_overdue_only
    }

    /// A finding first seen on `first_seen`: due on CISA's date when known exploited, else
    /// its severity's SLA after it was first seen.
    pub fn deadline(
        &self,
        severity: crate::model::Severity,
        first_seen: chrono::NaiveDate,
        kev_due: Option<chrono::NaiveDate>,
    ) -> Deadline {
        let due = kev_due.or_else(|| {
            self.sla
                .days_for(severity)
                .map(|days| first_seen + chrono::Days::new(days as u64))
        });
        Deadline {
            first_seen,
            due,
            overdue: due.is_some_and(|d| d < self.today),
        }
    }
}

/// When a finding was first seen, when it is due, and whether that has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub first_seen: chrono::NaiveDate,
    pub due: Option<chrono::NaiveDate>,
    pub overdue: bool,
}

/// A scanned target's image as reports name it: (Trivy's image ID, digest). The digest is
/// the scan's (archives, refs pinned by digest), else the first of Trivy's repo digests.
pub fn image_identity<'a>(
    r: &TargetResult,
    report: &'a ScanReport,
) -> (Option<&'a str>, Option<String>) {
    let digest = r.digest.clone().or_else(|| {
        report
            .repo_digests
            .first()
            .and_then(|d| d.split_once('@'))
            .map(|(_, d)| d.to_string())
    });
    (report.image_id.as_deref(), digest)
}

/// What suppressed findings point at: the config's ignore entries and the run's VEX statements
/// (`SuppressedBy` indexes them).
#[derive(Debug, Clone, Copy, Default)]
pub struct Decisions<'a> {
    pub ignores: &'a [IgnoreRule],
    pub vex: &'a [crate::model::VexStatement],
}

/// Who accepted a suppressed finding, and why, as every format says it.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub id: String,
    pub reason: String,
    pub expires: Option<chrono::NaiveDate>,
    /// An ignore entry's OpenVEX justification.
    pub justification: Option<String>,
    /// `scanner.toml:12` for an ignore entry, `vex/app.openvex.json:9` for a statement.
    pub origin: String,
    pub vex: Option<VexDecision>,
}

/// The statement that accepted a finding.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VexDecision {
    pub document: String,
    pub format: crate::model::VexFormat,
    pub status: crate::model::VexStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The statement's place: `vex/app.openvex.json:12`.
    pub origin: String,
    /// Older statements that covered the finding with another status.
    #[serde(skip_serializing_if = "is_zero")]
    pub overruled: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Decisions<'_> {
    /// What the run's VEX statement `index` says.
    pub fn vex_decision(&self, index: usize, overruled: usize) -> VexDecision {
        let s = &self.vex[index];
        VexDecision {
            document: s.document.clone(),
            format: s.format,
            status: s.status,
            justification: s.justification.clone(),
            statement: s.statement.clone(),
            origin: s.origin.to_string(),
            overruled,
        }
    }

    pub fn of(&self, by: crate::model::SuppressedBy) -> Acceptance {
        match by {
            crate::model::SuppressedBy::Ignore(i) => {
                let rule = &self.ignores[i];
                Acceptance {
                    id: rule.id.clone(),
                    reason: rule.reason.clone(),
                    expires: rule.expires,
                    justification: rule.justification.clone(),
                    origin: rule.origin.to_string(),
                    vex: None,
                }
            }
            crate::model::SuppressedBy::Vex {
                statement,
                overruled,
            } => {
                let s = &self.vex[statement];
                // "not_affected: vulnerable_code_not_in_execute_path (the parser is not used)".
                let mut reason = s.status.as_str().to_string();
                if let Some(j) = &s.justification {
                    reason.push_str(&format!(": {j}"));
                }
                if let Some(text) = &s.statement {
                    reason.push_str(&format!(" ({text})"));
                }
                Acceptance {
                    id: s.vulnerability[0].clone(),
                    reason,
                    expires: None,
                    justification: None,
                    origin: s.origin.to_string(),
                    vex: Some(self.vex_decision(statement, overruled)),
                }
            }
        }
    }
}

/// A finding against the baseline, as the reports mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineMark {
    /// Not in the baseline's report of the target, and why.
    New(Cause),
    Unchanged,
    /// In it at another severity.
    Rescored {
        from: crate::model::Severity,
    },
}

impl BaselineMark {
    pub fn is_new(self) -> bool {
        matches!(self, BaselineMark::New(_))
    }
}

/// With a baseline: per finding in report order, its mark; and the target's diff.
fn baseline_marks(
    b: &Baseline,
    identity: &str,
    r: &TargetResult,
    report: &ScanReport,
    in_order: &[(crate::model::Severity, FindingRef)],
) -> (Vec<BaselineMark>, super::schema::TargetDiff) {
    let keys: Vec<(String, crate::model::Severity)> = in_order
        .iter()
        .map(|(sev, f)| (key_of(report, *f), *sev))
        .collect();
    let floor = b.stricter(identity, r.target.severity);
    let (marks, diff) = compare(
        b.target(identity),
        keys.iter().map(|(k, sev)| (k.as_str(), *sev)),
        floor,
    );
    let (image_id, digest) = image_identity(r, report);
    let cause = b.cause_of_new(
        identity,
        image_id,
        digest.as_deref(),
        r.db_updated_at.as_deref(),
    );
    let marks = marks
        .into_iter()
        .map(|m| match m {
            Compared::New => BaselineMark::New(cause),
            Compared::Unchanged => BaselineMark::Unchanged,
            Compared::Rescored { from } => BaselineMark::Rescored { from },
        })
        .collect();
    (marks, diff)
}

/// Each finding's deadline, in report order: first seen as the baseline says (else today),
/// due on CISA's date when known exploited, else by `[sla]`.
fn deadlines_of(
    rules: &DeadlineRules,
    baseline: Option<&Baseline>,
    identity: &str,
    report: &ScanReport,
    in_order: &[(crate::model::Severity, FindingRef)],
    intel: &Intel,
) -> Vec<Deadline> {
    in_order
        .iter()
        .map(|(sev, f)| {
            let first_seen = baseline
                .and_then(|b| b.first_seen(identity, &key_of(report, *f)))
                .unwrap_or(rules.today);
            let kev_due = match f {
                FindingRef::Vulnerability { result, index } => intel
                    .kev(&report.results[*result].vulnerabilities[*index].id)
                    .and_then(|k| chrono::NaiveDate::parse_from_str(&k.due_date, "%Y-%m-%d").ok()),
                _ => None,
            };
            rules.deadline(*sev, first_seen, kev_due)
        })
        .collect()
}

/// The target's vulnerabilities as the fleet sections count them, and its known-exploited
/// findings that `[[ignore]]` entries accepted.
fn vulns_and_accepted_kev(
    identity: &str,
    report: &ScanReport,
    grouped: &crate::model::Grouped,
    in_order: &[(crate::model::Severity, FindingRef)],
    intel: &Intel,
    decisions: Decisions<'_>,
) -> (Vec<VulnItem>, Vec<IgnoredKev>) {
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
                    kev: intel.kev(&v.id).cloned().map(Box::new),
                    epss: intel.epss(&v.id).map(|e| (e.probability, e.percentile)),
                })
            }
            _ => None,
        })
        .collect();
    let kev_ignored = grouped
        .suppressed
        .iter()
        .filter_map(|s| match s.finding {
            FindingRef::Vulnerability { result, index } => {
                let v = &report.results[result].vulnerabilities[index];
                intel.kev(&v.id)?;
                let by = decisions.of(s.by);
                Some(IgnoredKev {
                    target: identity.to_string(),
                    id: v.id.clone(),
                    package: v.pkg_name.clone(),
                    reason: by.reason,
                    origin: by.origin,
                })
            }
            _ => None,
        })
        .collect();
    (vulns, kev_ignored)
}

impl TargetFacts {
    pub fn of(
        r: &TargetResult,
        gate: Gate,
        baseline: Option<&Baseline>,
        intel: &Intel,
        decisions: Decisions<'_>,
        deadlines: &DeadlineRules,
    ) -> TargetFacts {
        let identity = r.target.kind.display_name();
        let Outcome::Scanned { report, grouped } = &r.outcome else {
            return TargetFacts {
                identity,
                failed: true,
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
                let (marks, diff) = baseline_marks(b, &identity, r, report, &in_order);
                (Some(marks), Some(diff))
            }
            None => (None, None),
        };
        let deadlines = deadlines
            .on(baseline.is_some(), gate)
            .then(|| deadlines_of(deadlines, baseline, &identity, report, &in_order, intel));
        let (mut gate_hits, mut gate_kev_hits, mut gate_epss_hits) = (0, 0, 0);
        let (mut overdue, mut overdue_kev) = (0, 0);
        for (i, (sev, f)) in in_order.iter().enumerate() {
            let mut input = super::schema::GateInput {
                severity: *sev,
                kev: false,
                has_fix: false,
                epss: None,
                new: new_marks.as_ref().map(|m| m[i].is_new()),
                disclosed: new_marks
                    .as_ref()
                    .is_some_and(|m| m[i] == BaselineMark::New(Cause::Disclosed)),
                overdue: deadlines.as_ref().is_some_and(|d| d[i].overdue),
            };
            if let FindingRef::Vulnerability { result, index } = f {
                let v = &report.results[*result].vulnerabilities[*index];
                input.kev = intel.kev(&v.id).is_some();
                input.has_fix = !v.fixed_version.is_empty();
                input.epss = intel.epss_probability(&v.id);
            }
            if input.overdue {
                overdue += 1;
                overdue_kev += usize::from(input.kev);
            }
            let caught = super::schema::gate_catch(&gate, input);
            gate_hits += usize::from(caught.any());
            gate_kev_hits += usize::from(caught.kev);
            gate_epss_hits += usize::from(caught.epss);
        }
        let (vulns, kev_ignored) =
            vulns_and_accepted_kev(&identity, report, grouped, &in_order, intel, decisions);
        TargetFacts {
            identity,
            failed: false,
            new_marks,
            deadlines,
            overdue,
            overdue_kev,
            diff,
            vulns,
            gate_hits,
            gate_kev_hits,
            gate_epss_hits,
            suppressed: grouped.suppressed.len(),
            kev_ignored,
        }
    }
}

/// Collects [`TargetFacts`] as targets finish.
#[derive(Default)]
pub struct Fleet {
    acc: FleetAccumulator,
    gate_hits: usize,
    gate_kev_hits: usize,
    gate_epss_hits: usize,
    failed_targets: usize,
    seen: std::collections::HashSet<String>,
    known_exploited: KnownExploited,
    kev_ids: std::collections::HashSet<String>,
    /// With deadlines on: findings past their due date.
    overdue: Option<Overdue>,
}

impl Fleet {
    /// A collector for a run with this exploitation data.
    pub fn new(intel: &Intel) -> Fleet {
        let mut fleet = Fleet::default();
        fleet.acc.set_epss_date(&intel.run.epss.date);
        fleet
    }

    pub fn add(&mut self, facts: &TargetFacts) {
        self.acc.add(&facts.identity, &facts.vulns);
        if facts.deadlines.is_some() {
            let o = self.overdue.get_or_insert_with(Overdue::default);
            o.findings += facts.overdue;
            o.known_exploited += facts.overdue_kev;
        }
        self.gate_hits += facts.gate_hits;
        self.gate_kev_hits += facts.gate_kev_hits;
        self.gate_epss_hits += facts.gate_epss_hits;
        self.failed_targets += usize::from(facts.failed);
        self.seen.insert(facts.identity.clone());
        let ke = &mut self.known_exploited;
        let mut any = false;
        for v in facts.vulns.iter().filter(|v| v.kev.is_some()) {
            any = true;
            ke.findings += 1;
            ke.with_fix += usize::from(!v.fixed_version.is_empty());
            if !self.kev_ids.contains(&v.id) {
                self.kev_ids.insert(v.id.clone());
            }
        }
        ke.targets += usize::from(any);
        ke.ignored.extend(facts.kev_ignored.iter().cloned());
    }

    /// The fleet sections and the verdict, from the run's `ledger` (to which the gate parts
    /// that could not be evaluated are added); the accumulator is used up making them (a
    /// fleet's worth of vulnerability IDs is not held twice).
    pub fn finish(
        self,
        gate: Gate,
        baseline: Option<&Baseline>,
        intel: &Intel,
        mut ledger: Ledger,
        interrupted: bool,
    ) -> FleetSection {
        let mut unevaluated = Vec::new();
        if gate.fail_on_kev && !intel.has_kev() {
            unevaluated.push(("fail_on_kev", feed_reason(&intel.run.kev)));
        }
        if gate.fail_on_epss.is_some() && !intel.has_epss() {
            unevaluated.push(("fail_on_epss", feed_reason(&intel.run.epss)));
        }
        for (part, why) in &unevaluated {
            ledger.push(
                LedgerEntry::new(InputKind::Gate, *part, LedgerStatus::NotEvaluated).reason(why),
            );
        }
        let unevaluated = unevaluated
            .into_iter()
            .map(|(part, why)| format!("{part}: {why}"))
            .collect();
        let fix_impact = self.acc.fix_impact();
        let known_exploited = intel.has_kev().then(|| KnownExploited {
            vulnerabilities: self.kev_ids.len(),
            upgrades: fix_impact
                .iter()
                .filter(|f| !f.known_exploited.is_empty())
                .count(),
            ..self.known_exploited
        });
        let mut result = GateResult::counted(
            gate,
            self.gate_hits,
            self.gate_kev_hits,
            self.gate_epss_hits,
            unevaluated,
        );
        result.conclude(&ledger, self.failed_targets, interrupted);
        FleetSection {
            overdue: self.overdue,
            ledger,
            gate: result,
            known_exploited,
            fix_impact,
            baseline: baseline.map(|b| BaselineInfo {
                path: b.path.clone(),
                targets_not_in_run: b
                    .missing_from(&self.seen)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            }),
            vulnerabilities: self.acc.into_vulnerabilities(),
        }
    }
}

/// Why a feed a gate needs was not had.
fn feed_reason(feed: &crate::model::FeedRun) -> String {
    match feed.status {
        crate::model::FeedStatus::Disabled => "its data is turned off (intel)".to_string(),
        _ => feed.reason.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    #[test]
    fn kev_due_dates_come_first_then_the_sla_from_first_seen() {
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let rules = DeadlineRules {
            today: day("2026-12-05"),
            sla: crate::settings::Sla {
                days: vec![(Severity::High, 30)],
            },
        };
        // By the SLA: 30 days after first seen.
        let d = rules.deadline(Severity::High, day("2026-11-01"), None);
        assert_eq!((d.due, d.overdue), (Some(day("2026-12-01")), true));
        let d = rules.deadline(Severity::High, day("2026-11-10"), None);
        assert_eq!((d.due, d.overdue), (Some(day("2026-12-10")), false));
        // Due today is not yet overdue.
        let d = rules.deadline(Severity::High, day("2026-11-05"), None);
        assert_eq!((d.due, d.overdue), (Some(day("2026-12-05")), false));
        // Known exploited: CISA's date, whatever the SLA says.
        let d = rules.deadline(Severity::High, day("2026-12-01"), Some(day("2026-12-02")));
        assert_eq!((d.due, d.overdue), (Some(day("2026-12-02")), true));
        // No SLA for the severity and not known exploited: no due date, never overdue.
        let d = rules.deadline(Severity::Low, day("2020-01-01"), None);
        assert_eq!((d.due, d.overdue), (None, false));
    }
}
