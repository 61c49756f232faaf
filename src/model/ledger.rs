//! The run's ledger: what became of every input it was asked to look at, and the verdict
//! computed from it in one place.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What became of one input the run was asked to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerStatus {
    Done,
    /// Not done on purpose (a setting turned it off), with why: still not looked at.
    Skipped,
    /// Could not be judged: its data was not had.
    NotEvaluated,
    Failed,
}

impl LedgerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerStatus::Done => "done",
            LedgerStatus::Skipped => "skipped",
            LedgerStatus::NotEvaluated => "not_evaluated",
            LedgerStatus::Failed => "failed",
        }
    }

    /// How bad it is, for keeping the worst of several reports of one input.
    fn rank(self) -> u8 {
        match self {
            LedgerStatus::Done => 0,
            LedgerStatus::Skipped => 1,
            LedgerStatus::NotEvaluated => 2,
            LedgerStatus::Failed => 3,
        }
    }
}

/// The kinds of input a run is asked to look at, besides the targets themselves (whose
/// outcomes are their report entries' `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// An `images` entry that is a registry glob.
    RegistryGlob,
    /// A legacy list (`images_file`, `dockerfiles_file`).
    LegacyList,
    /// A Kubernetes manifest or Compose file.
    Manifest,
    /// A `manifests`, `dockerfiles`, `reports` or `archives` glob.
    FileGlob,
    /// A Compose service's `build:`.
    ComposeBuild,
    Scanner,
    /// An exploitation feed (KEV, EPSS).
    Feed,
    /// A part of the gate (`fail_on_kev`, `fail_on_epss`).
    Gate,
    /// One shard of a merged fleet.
    Shard,
    /// A target two merged reports disagree on.
    Target,
    /// A VEX document (`vex`).
    Vex,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::RegistryGlob => "registry_glob",
            InputKind::LegacyList => "legacy_list",
            InputKind::Manifest => "manifest",
            InputKind::FileGlob => "file_glob",
            InputKind::ComposeBuild => "compose_build",
            InputKind::Scanner => "scanner",
            InputKind::Feed => "feed",
            InputKind::Gate => "gate",
            InputKind::Shard => "shard",
            InputKind::Target => "target",
            InputKind::Vex => "vex",
        }
    }
}

/// One line of the run's ledger: an input, where it was named, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub kind: InputKind,
    pub input: String,
    /// Where the config named it (`scanner.toml:12`), when it was.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub origin: String,
    pub status: LedgerStatus,
    /// Why it is not done, or what a done input should still say (a fallback copy).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// For inputs that expand into targets: how many they yielded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<usize>,
}

impl LedgerEntry {
    pub fn new(kind: InputKind, input: impl Into<String>, status: LedgerStatus) -> LedgerEntry {
        LedgerEntry {
            kind,
            input: input.into(),
            origin: String::new(),
            status,
            reason: String::new(),
            targets: None,
        }
    }

    pub fn origin(mut self, origin: impl fmt::Display) -> LedgerEntry {
        self.origin = origin.to_string();
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> LedgerEntry {
        self.reason = reason.into();
        self
    }

    pub fn targets(mut self, n: usize) -> LedgerEntry {
        self.targets = Some(n);
        self
    }

    pub fn is_done(&self) -> bool {
        self.status == LedgerStatus::Done
    }
}

/// The run's ledger: every input besides the targets, each with one outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
}

impl Ledger {
    pub fn push(&mut self, entry: LedgerEntry) {
        self.entries.push(entry);
    }

    pub fn not_done(&self) -> impl Iterator<Item = &LedgerEntry> {
        self.entries.iter().filter(|e| !e.is_done())
    }

    /// Adds `other`'s entries; an input both name (same kind, input and origin) keeps the worse
    /// outcome, so a shard that failed to read a manifest is never hidden by one that did.
    pub fn union(&mut self, other: &Ledger) {
        // Indexed, so merging shards that each list thousands of manifests stays linear.
        let mut at: std::collections::HashMap<(InputKind, String, String), usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.kind, e.input.clone(), e.origin.clone()), i))
            .collect();
        for entry in &other.entries {
            let key = (entry.kind, entry.input.clone(), entry.origin.clone());
            match at.get(&key) {
                Some(&i) if entry.status.rank() > self.entries[i].status.rank() => {
                    self.entries[i] = entry.clone();
                }
                Some(_) => {}
                None => {
                    at.insert(key, self.entries.len());
                    self.entries.push(entry.clone());
                }
            }
        }
    }
}

/// The run's one verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Everything asked was looked at, and nothing failed the gate.
    Passed,
    /// A finding failed the gate (whatever else was not done).
    Failed,
    /// Something asked was not looked at: nothing is known of what it would have found.
    Incomplete,
}

/// What the verdict is made of.
#[derive(Debug, Clone, Copy)]
pub struct Coverage<'a> {
    pub ledger: &'a Ledger,
    /// Targets whose status is not `ok`.
    pub failed_targets: usize,
    pub interrupted: bool,
    /// Findings that fail the gate.
    pub gate_hits: usize,
}

impl Verdict {
    /// The one place the verdict is computed: every format, stderr, the exit code and
    /// `report merge` take it from here.
    pub fn of(c: Coverage<'_>) -> Verdict {
        if c.gate_hits > 0 {
            Verdict::Failed
        } else if c.interrupted || c.failed_targets > 0 || c.ledger.not_done().next().is_some() {
            Verdict::Incomplete
        } else {
            Verdict::Passed
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::Incomplete => "incomplete",
        }
    }
}

#[cfg(test)]
mod ledger_tests {
    use super::*;

    #[test]
    fn a_union_keeps_each_input_once_with_its_worst_outcome() {
        let entry = |input: &str, status| LedgerEntry::new(InputKind::Manifest, input, status);
        let mut fleet = Ledger::default();
        fleet.union(&Ledger {
            entries: vec![
                entry("a.yaml", LedgerStatus::Done),
                entry("b.yaml", LedgerStatus::Failed),
            ],
        });
        fleet.union(&Ledger {
            entries: vec![
                entry("a.yaml", LedgerStatus::Failed),
                entry("b.yaml", LedgerStatus::Done),
                entry("c.yaml", LedgerStatus::Skipped),
            ],
        });
        let got: Vec<(&str, LedgerStatus)> = fleet
            .entries
            .iter()
            .map(|e| (e.input.as_str(), e.status))
            .collect();
        assert_eq!(
            got,
            [
                ("a.yaml", LedgerStatus::Failed),
                ("b.yaml", LedgerStatus::Failed),
                ("c.yaml", LedgerStatus::Skipped),
            ]
        );
        let verdict = |ledger: &Ledger, hits| {
            Verdict::of(Coverage {
                ledger,
                failed_targets: 0,
                interrupted: false,
                gate_hits: hits,
            })
        };
        assert_eq!(verdict(&fleet, 0), Verdict::Incomplete);
        assert_eq!(verdict(&fleet, 1), Verdict::Failed, "a gate hit wins");
        assert_eq!(verdict(&Ledger::default(), 0), Verdict::Passed);
    }
}
