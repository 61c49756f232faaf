//! Comparing findings with an earlier run: `run --baseline OLD.json` marks each finding new or
//! unchanged and lists the fixed ones; `report diff OLD.json NEW.json` says, for two saved
//! reports, each finding's change and why (`report::triage`). Findings are matched within a target (by its identity) by
//! [`finding_key`](super::schema::finding_key).

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Serialize;

use super::json_reader::{Doc, DocFinding, DocTarget};
use super::schema::{BaselineFinding, TargetDiff};
use super::triage::{Cause, Change, ImageChange, db_newer, later, same_image, target_changes};
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
    /// Each target's image then: (Trivy's image ID, digest).
    images: HashMap<String, (Option<String>, Option<String>)>,
    /// The earlier run's vulnerability DB.
    db_updated_at: Option<String>,
    /// (target, finding key) -> when it was first seen: the earlier report's `first_seen`,
    /// else the day that run started.
    first_seen: HashMap<(String, String), chrono::NaiveDate>,
}

impl Baseline {
    pub fn from_doc(doc: &Doc, path: &str) -> Baseline {
        let mut b = Baseline {
            path: path.to_string(),
            db_updated_at: doc.run.db_updated_at.clone(),
            ..Baseline::default()
        };
        for t in &doc.targets {
            // A target that failed then says nothing about what was fixed since.
            if t.status != "ok" {
                continue;
            }
            let started = chrono::DateTime::parse_from_rfc3339(&doc.run.started_at)
                .ok()
                .map(|t| t.date_naive());
            for (_, f) in t.all_findings() {
                let seen = f
                    .first_seen
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .or(started);
                if let Some(seen) = seen {
                    b.first_seen.insert((t.target.clone(), f.key()), seen);
                }
            }
            let findings = t
                .all_findings()
                .map(|(component, f)| (f.key(), BaselineFinding::of(component, f)))
                .collect();
            b.order.push(t.target.clone());
            b.thresholds.insert(t.target.clone(), t.severity_threshold);
            b.images
                .insert(t.target.clone(), (t.image_id.clone(), t.digest.clone()));
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

    /// When the earlier run's report says a finding of `identity` was first seen.
    pub fn first_seen(&self, identity: &str, key: &str) -> Option<chrono::NaiveDate> {
        self.first_seen
            .get(&(identity.to_string(), key.to_string()))
            .copied()
    }

    /// Why a finding of `identity` new since the earlier run is new, given the image and the
    /// DB it was scanned with now.
    pub fn cause_of_new(
        &self,
        identity: &str,
        image_id: Option<&str>,
        digest: Option<&str>,
        db_updated_at: Option<&str>,
    ) -> Cause {
        let image = match self.images.get(identity) {
            Some((then_id, then_digest)) => same_image(
                (then_id.as_deref(), then_digest.as_deref()),
                (image_id, digest),
            ),
            None => ImageChange::Unknown,
        };
        let newer = later(self.db_updated_at.as_deref(), db_updated_at);
        crate::report::triage::cause_of_new(image, newer)
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

/// A finding of this run against the baseline's report of its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    New,
    Unchanged,
    /// In the baseline at another severity (SARIF's `updated`).
    Rescored {
        from: Severity,
    },
}

/// Marks findings of one target (by key, with their severity now) against the baseline:
/// returns each one's comparison, and the target's diff (a rescored finding is unchanged
/// there: it was reported before).
/// Findings of the baseline below `floor` are never fixed: the newer run did not look there.
pub fn compare<'k>(
    baseline: Option<&IndexMap<String, BaselineFinding>>,
    keys: impl Iterator<Item = (&'k str, Severity)>,
    floor: Severity,
) -> (Vec<Compared>, TargetDiff) {
    let mut seen = std::collections::HashSet::new();
    let mut diff = TargetDiff::default();
    let marks = keys
        .map(|(k, now)| {
            seen.insert(k.to_string());
            match baseline.and_then(|b| b.get(k)) {
                None => {
                    diff.new += 1;
                    Compared::New
                }
                Some(then) => {
                    diff.unchanged += 1;
                    if then.severity == now {
                        Compared::Unchanged
                    } else {
                        Compared::Rescored {
                            from: then.severity,
                        }
                    }
                }
            }
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

/// `report diff`: per target both runs scanned, each finding's change and its cause
/// (`report::triage`); the targets that could not be compared, said as such.
#[derive(Debug, Clone, Serialize)]
pub struct DocDiff {
    /// The two runs' vulnerability DBs.
    pub db: DiffDbs,
    pub targets: Vec<DocTargetDiff>,
    /// Targets only in the new report: not compared, none of their findings is "new".
    pub added_targets: Vec<String>,
    /// Targets only in the old report.
    pub removed_targets: Vec<String>,
    /// Targets in both that failed in one: not compared.
    pub not_compared: Vec<NotCompared>,
    pub totals: DiffTotals,
    /// (target, finding key) -> its change, for every finding of a compared target in either
    /// report (the SARIF comparison log marks each result by it).
    #[serde(skip)]
    pub causes: HashMap<(String, String), Cause>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffDbs {
    pub old: Option<String>,
    pub new: Option<String>,
    /// `None` when either report does not say.
    pub newer: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotCompared {
    pub target: String,
    pub why: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffTotals {
    /// Disclosed, introduced, appeared and expired: newly reported.
    pub new: usize,
    /// Fixed by change, withdrawn, vanished.
    pub fixed: usize,
    pub unchanged: usize,
    /// Every cause, with its count (zero ones too, so a reader need not guess).
    pub by_cause: IndexMap<Cause, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocTargetDiff {
    pub target: String,
    /// When the two reports' thresholds differ: the stricter, at which they were compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_at: Option<Severity>,
    /// Whether the image is the one the old run scanned.
    pub image: ImageChange,
    /// Newly reported: disclosed, introduced, appeared, expired.
    pub new: Vec<Change>,
    /// No longer reported: fixed by change, withdrawn, vanished.
    pub fixed: Vec<Change>,
    pub rescored: Vec<Change>,
    /// Now covered by an ignore entry.
    pub accepted: Vec<Change>,
    pub unchanged: usize,
}

pub fn diff_docs(old: &Doc, new: &Doc) -> DocDiff {
    let newer = db_newer(old, new);
    let mut totals = DiffTotals {
        by_cause: Cause::ALL.iter().map(|c| (*c, 0)).collect(),
        ..DiffTotals::default()
    };
    let old_targets: HashMap<&str, &DocTarget> =
        old.targets.iter().map(|t| (t.target.as_str(), t)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut targets = Vec::new();
    let mut added_targets = Vec::new();
    let mut not_compared = Vec::new();
    let mut causes = HashMap::new();
    for t in &new.targets {
        seen.insert(t.target.as_str());
        let Some(before) = old_targets.get(t.target.as_str()) else {
            added_targets.push(t.target.clone());
            continue;
        };
        let why = match (before.status.as_str(), t.status.as_str()) {
            ("ok", "ok") => None,
            ("ok", _) => Some("it failed in the new report"),
            (_, "ok") => Some("it failed in the old report"),
            _ => Some("it failed in both reports"),
        };
        if let Some(why) = why {
            not_compared.push(NotCompared {
                target: t.target.clone(),
                why: why.into(),
            });
            continue;
        }
        // Compared at the stricter of the two thresholds: below it one report did not look.
        let floor = before.severity_threshold.max(t.severity_threshold);
        let (image, changes) = target_changes(before, t, floor, newer);
        let mut diff = DocTargetDiff {
            target: t.target.clone(),
            compared_at: (before.severity_threshold != t.severity_threshold).then_some(floor),
            image,
            new: Vec::new(),
            fixed: Vec::new(),
            rescored: Vec::new(),
            accepted: Vec::new(),
            unchanged: 0,
        };
        for change in changes {
            *totals.by_cause.entry(change.cause).or_default() += 1;
            causes.insert((t.target.clone(), change.key.clone()), change.cause);
            match change.cause {
                c if c.is_new() || c == Cause::Expired => diff.new.push(change),
                c if c.is_gone() => diff.fixed.push(change),
                Cause::Rescored => diff.rescored.push(change),
                Cause::Accepted => diff.accepted.push(change),
                _ => diff.unchanged += 1,
            }
        }
        totals.new += diff.new.len();
        totals.fixed += diff.fixed.len();
        totals.unchanged += diff.unchanged;
        targets.push(diff);
    }
    let removed_targets = old
        .targets
        .iter()
        .filter(|t| !seen.contains(t.target.as_str()))
        .map(|t| t.target.clone())
        .collect();
    DocDiff {
        db: DiffDbs {
            old: old.run.db_updated_at.clone(),
            new: new.run.db_updated_at.clone(),
            newer,
        },
        targets,
        added_targets,
        removed_targets,
        not_compared,
        totals,
        causes,
    }
}

impl DocDiff {
    /// A person's view: one block per target with changes, each finding with its cause.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let line = |c: &Change| {
            let f = &c.finding;
            let mut s = format!("{} {} {}", f.severity, f.id, f.package);
            if !f.installed_version.is_empty() {
                s.push_str(&format!(" {}", f.installed_version));
            }
            if !f.fixed_version.is_empty() {
                s.push_str(&format!(" (fixed in {})", f.fixed_version));
            }
            if let Some(r) = &c.rescore {
                s.push_str(&format!(" ({})", r.words()));
            }
            format!("{s} [{}]", c.cause.as_str())
        };
        for t in &self.targets {
            // A target compared at another threshold is said even without changes: its
            // findings below it were not compared.
            let quiet = t.new.is_empty()
                && t.fixed.is_empty()
                && t.rescored.is_empty()
                && t.accepted.is_empty();
            if quiet && t.compared_at.is_none() {
                continue;
            }
            let at = t
                .compared_at
                .map(|s| {
                    format!(" (compared at {s} and above: the stricter of the two thresholds)")
                })
                .unwrap_or_default();
            let image = match t.image {
                ImageChange::Same => "same image",
                ImageChange::Changed => "image changed",
                ImageChange::Unknown => "image identity unknown",
            };
            let _ = writeln!(
                out,
                "{} ({image}): {} new, {} fixed, {} rescored, {} accepted, {} unchanged{at}",
                t.target,
                t.new.len(),
                t.fixed.len(),
                t.rescored.len(),
                t.accepted.len(),
                t.unchanged
            );
            for (mark, list) in [
                ("+", &t.new),
                ("-", &t.fixed),
                ("~", &t.rescored),
                ("=", &t.accepted),
            ] {
                for c in list {
                    let _ = writeln!(out, "  {mark} {}", line(c));
                }
            }
        }
        for t in &self.added_targets {
            let _ = writeln!(out, "{t}: only in the new report (not compared)");
        }
        for t in &self.removed_targets {
            let _ = writeln!(out, "{t}: only in the old report");
        }
        for n in &self.not_compared {
            let _ = writeln!(out, "{}: not compared: {}", n.target, n.why);
        }
        let causes: Vec<String> = self
            .totals
            .by_cause
            .iter()
            .filter(|(c, n)| **n > 0 && **c != Cause::Unchanged)
            .map(|(c, n)| format!("{n} {}", c.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "total: {} new, {} fixed, {} unchanged{}",
            self.totals.new,
            self.totals.fixed,
            self.totals.unchanged,
            if causes.is_empty() {
                String::new()
            } else {
                format!(" ({})", causes.join(", "))
            }
        );
        out
    }
}
