//! Comparing findings with an earlier run: `run --baseline OLD.json` marks each finding new or
//! unchanged and lists the fixed ones; `report diff OLD.json NEW.json` does the same for two
//! saved reports. Findings are matched within a target (by its identity) by
//! [`finding_key`](super::schema::finding_key).

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Serialize;

use super::json_reader::{Doc, DocFinding};
use super::schema::{BaselineFinding, TargetDiff};
use crate::model::Severity;

impl BaselineFinding {
    pub(super) fn of(component: &str, f: &DocFinding) -> BaselineFinding {
        BaselineFinding {
            kind: f.kind.clone(),
            id: f.rule_id().to_string(),
            component: component.to_string(),
            package: f.subject().to_string(),
            installed_version: f.installed_version.clone(),
            fixed_version: f.fixed_version.clone(),
            severity: f.severity,
        }
    }
}

/// The earlier run's findings, per target identity, by key.
#[derive(Debug, Default)]
pub struct Baseline {
    pub path: String,
    targets: HashMap<String, IndexMap<String, BaselineFinding>>,
    /// Each target's severity threshold then: below it, nothing was reported.
    thresholds: HashMap<String, Severity>,
    /// Targets the earlier run had, in its order.
    order: Vec<String>,
}

impl Baseline {
    pub fn from_doc(doc: &Doc, path: &str) -> Baseline {
        let mut b = Baseline {
            path: path.to_string(),
            ..Baseline::default()
        };
        for t in &doc.targets {
            // A target that failed then says nothing about what was fixed since.
            if t.status != "ok" {
                continue;
            }
            let findings = t
                .all_findings()
                .map(|(component, f)| (f.key(), BaselineFinding::of(component, f)))
                .collect();
            b.order.push(t.target.clone());
            b.thresholds.insert(t.target.clone(), t.severity_threshold);
            b.targets.insert(t.target.clone(), findings);
        }
        b
    }

    pub fn target(&self, identity: &str) -> Option<&IndexMap<String, BaselineFinding>> {
        self.targets.get(identity)
    }

    /// The stricter of the earlier run's threshold for a target and `now`: below it, one of
    /// the two runs did not look, so nothing there is new or fixed.
    pub fn stricter(&self, identity: &str, now: Severity) -> Severity {
        self.thresholds
            .get(identity)
            .map_or(now, |then| now.max(*then))
    }

    /// Targets the earlier run scanned that `seen` does not contain.
    pub fn missing_from<'a>(&'a self, seen: &std::collections::HashSet<String>) -> Vec<&'a str> {
        self.order
            .iter()
            .filter(|t| !seen.contains(*t))
            .map(String::as_str)
            .collect()
    }
}

/// Marks findings of one target (by key) against the baseline: returns, for each key, whether
/// it is new, and the target's diff.
/// Findings of the baseline below `floor` are never fixed: the newer run did not look there.
pub fn compare<'k>(
    baseline: Option<&IndexMap<String, BaselineFinding>>,
    keys: impl Iterator<Item = &'k str>,
    floor: Severity,
) -> (Vec<bool>, TargetDiff) {
    let mut seen = std::collections::HashSet::new();
    let mut diff = TargetDiff::default();
    let marks = keys
        .map(|k| {
            seen.insert(k.to_string());
            let is_new = baseline.is_none_or(|b| !b.contains_key(k));
            if is_new {
                diff.new += 1;
            } else {
                diff.unchanged += 1;
            }
            is_new
        })
        .collect();
    if let Some(b) = baseline {
        diff.fixed = b
            .iter()
            .filter(|(k, f)| !seen.contains(k.as_str()) && f.severity >= floor)
            .map(|(_, f)| f.clone())
            .collect();
    }
    (marks, diff)
}

/// `report diff`: per target, new, fixed and unchanged findings.
#[derive(Debug, Clone, Serialize)]
pub struct DocDiff {
    pub targets: Vec<DocTargetDiff>,
    /// Targets only in the old report.
    pub removed_targets: Vec<String>,
    pub totals: DiffTotals,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffTotals {
    pub new: usize,
    pub fixed: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocTargetDiff {
    pub target: String,
    /// When the two reports' thresholds differ: the stricter, at which they were compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_at: Option<Severity>,
    /// `true` when the old report did not have this target.
    pub added: bool,
    pub new: Vec<BaselineFinding>,
    pub fixed: Vec<BaselineFinding>,
    pub unchanged: usize,
}

pub fn diff_docs(old: &Doc, new: &Doc, old_path: &str) -> DocDiff {
    let baseline = Baseline::from_doc(old, old_path);
    let mut totals = DiffTotals::default();
    let mut seen = std::collections::HashSet::new();
    let mut targets = Vec::new();
    for t in new.targets.iter().filter(|t| t.status == "ok") {
        seen.insert(t.target.clone());
        let before = baseline.target(&t.target);
        // Compared at the stricter of the two thresholds: below it one report did not look.
        let floor = baseline.stricter(&t.target, t.severity_threshold);
        let findings: Vec<(&str, &DocFinding)> = t
            .all_findings()
            .filter(|(_, f)| f.severity >= floor)
            .collect();
        let keys: Vec<String> = findings.iter().map(|(_, f)| f.key()).collect();
        let (marks, d) = compare(before, keys.iter().map(String::as_str), floor);
        let new_findings: Vec<BaselineFinding> = findings
            .iter()
            .zip(&marks)
            .filter(|(_, is_new)| **is_new)
            .map(|((c, f), _)| BaselineFinding::of(c, f))
            .collect();
        totals.new += d.new;
        totals.fixed += d.fixed.len();
        totals.unchanged += d.unchanged;
        targets.push(DocTargetDiff {
            target: t.target.clone(),
            compared_at: baseline
                .thresholds
                .get(&t.target)
                .filter(|then| **then != t.severity_threshold)
                .map(|_| floor),
            added: before.is_none(),
            new: new_findings,
            fixed: d.fixed,
            unchanged: d.unchanged,
        });
    }
    let removed_targets = baseline
        .missing_from(&seen)
        .into_iter()
        .map(String::from)
        .collect();
    DocDiff {
        targets,
        removed_targets,
        totals,
    }
}

impl DocDiff {
    /// A person's view: one block per target with changes.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let line = |f: &BaselineFinding| {
            let mut s = format!("{} {} {}", f.severity, f.id, f.package);
            if !f.installed_version.is_empty() {
                s.push_str(&format!(" {}", f.installed_version));
            }
            if !f.fixed_version.is_empty() {
                s.push_str(&format!(" (fixed in {})", f.fixed_version));
            }
            s
        };
        for t in &self.targets {
            // A target compared at another threshold is said even without changes: its
            // findings below it were not compared.
            if t.new.is_empty() && t.fixed.is_empty() && t.compared_at.is_none() {
                continue;
            }
            let added = if t.added {
                " (not in the old report)"
            } else {
                ""
            };
            let at = t
                .compared_at
                .map(|s| {
                    format!(" (compared at {s} and above: the stricter of the two thresholds)")
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}{added}: {} new, {} fixed, {} unchanged{at}",
                t.target,
                t.new.len(),
                t.fixed.len(),
                t.unchanged
            );
            for f in &t.new {
                let _ = writeln!(out, "  + {}", line(f));
            }
            for f in &t.fixed {
                let _ = writeln!(out, "  - {}", line(f));
            }
        }
        for t in &self.removed_targets {
            let _ = writeln!(out, "{t}: only in the old report");
        }
        let _ = writeln!(
            out,
            "total: {} new, {} fixed, {} unchanged",
            self.totals.new, self.totals.fixed, self.totals.unchanged
        );
        out
    }
}
