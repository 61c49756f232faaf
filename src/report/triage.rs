//! Why each finding changed between two runs (issue 30): the previous report is the memory.
//!
//! A target's image is the same in both runs when Trivy's image ID (the config digest) is, else
//! when its digest is; the vulnerability DB is newer when the new run's `db_updated_at` is
//! later. A new finding of the same image under a newer DB was `disclosed` (the world learned
//! of it); of a changed image, `introduced`. A finding gone from a changed image was
//! `fixed_by_change`; from the same image under a newer DB, `withdrawn`. When the image's
//! identity is not known in one of the runs, or neither the image nor the DB changed (another
//! Trivy, other options), a new finding `appeared` and a gone one `vanished`: the cause is not
//! guessed. A finding in both whose severity or KEV listing changed, or whose EPSS moved by
//! [`EPSS_STEP`] or more, was `rescored`; one an ignore entry started covering, `accepted`; one
//! it stopped covering, `expired`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::json_reader::{Doc, DocFinding, DocTarget};
use super::schema::BaselineFinding;
use crate::model::Severity;

/// An EPSS probability moving by this much or more is a rescore (it moves a little every day).
pub const EPSS_STEP: f64 = 0.1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Disclosed,
    Introduced,
    Appeared,
    FixedByChange,
    Withdrawn,
    Vanished,
    Rescored,
    Accepted,
    Expired,
    Unchanged,
}

impl Cause {
    pub const ALL: [Cause; 10] = [
        Cause::Disclosed,
        Cause::Introduced,
        Cause::Appeared,
        Cause::FixedByChange,
        Cause::Withdrawn,
        Cause::Vanished,
        Cause::Rescored,
        Cause::Accepted,
        Cause::Expired,
        Cause::Unchanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Disclosed => "disclosed",
            Cause::Introduced => "introduced",
            Cause::Appeared => "appeared",
            Cause::FixedByChange => "fixed_by_change",
            Cause::Withdrawn => "withdrawn",
            Cause::Vanished => "vanished",
            Cause::Rescored => "rescored",
            Cause::Accepted => "accepted",
            Cause::Expired => "expired",
            Cause::Unchanged => "unchanged",
        }
    }

    /// A finding the new run reports that the old one did not.
    pub fn is_new(self) -> bool {
        matches!(self, Cause::Disclosed | Cause::Introduced | Cause::Appeared)
    }

    /// A finding the old run reported that the new one does not (suppressed ones are
    /// `accepted`, not gone).
    pub fn is_gone(self) -> bool {
        matches!(
            self,
            Cause::FixedByChange | Cause::Withdrawn | Cause::Vanished
        )
    }
}

/// Whether a target's image is the one the old run scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageChange {
    Same,
    Changed,
    /// One of the runs does not say (a Dockerfile built anew, an imported report).
    Unknown,
}

pub fn image_change(old: &DocTarget, new: &DocTarget) -> ImageChange {
    same_image(
        (old.image_id.as_deref(), old.digest.as_deref()),
        (new.image_id.as_deref(), new.digest.as_deref()),
    )
}

/// Two images, each as (Trivy's image ID, digest): the same when the IDs are, else when the
/// digests are; unknown when neither pair is known on both sides.
pub fn same_image(
    old: (Option<&str>, Option<&str>),
    new: (Option<&str>, Option<&str>),
) -> ImageChange {
    let same = |a: Option<&str>, b: Option<&str>| match (a, b) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => Some(a == b),
        _ => None,
    };
    match same(old.0, new.0).or_else(|| same(old.1, new.1)) {
        Some(true) => ImageChange::Same,
        Some(false) => ImageChange::Changed,
        None => ImageChange::Unknown,
    }
}

/// Whether the DB of `new` (an RFC 3339 `UpdatedAt`) is later than that of `old`; `None`
/// when either is not known.
pub fn later(old: Option<&str>, new: Option<&str>) -> Option<bool> {
    let at = |t: Option<&str>| chrono::DateTime::parse_from_rfc3339(t?).ok();
    Some(at(new)? > at(old)?)
}

/// Whether the new run's vulnerability DB is later than the old one's; `None` when either
/// does not say (then nothing is `disclosed` or `withdrawn`).
pub fn db_newer(old: &Doc, new: &Doc) -> Option<bool> {
    later(
        old.run.db_updated_at.as_deref(),
        new.run.db_updated_at.as_deref(),
    )
}

/// The cause of a finding new in the target.
pub fn cause_of_new(image: ImageChange, db_newer: Option<bool>) -> Cause {
    match (image, db_newer) {
        (ImageChange::Changed, _) => Cause::Introduced,
        (ImageChange::Same, Some(true)) => Cause::Disclosed,
        _ => Cause::Appeared,
    }
}

/// The cause of a finding gone from the target.
pub fn cause_of_gone(image: ImageChange, db_newer: Option<bool>) -> Cause {
    match (image, db_newer) {
        (ImageChange::Changed, _) => Cause::FixedByChange,
        (ImageChange::Same, Some(true)) => Cause::Withdrawn,
        _ => Cause::Vanished,
    }
}

/// What changed in a finding both runs report: `None` when nothing that matters did.
pub fn rescore(old: &DocFinding, new: &DocFinding) -> Option<Rescore> {
    let epss = |f: &DocFinding| f.epss.as_ref().map(|e| e.probability);
    let epss_moved = match (epss(old), epss(new)) {
        (Some(a), Some(b)) => (a - b).abs() >= EPSS_STEP,
        (a, b) => a.is_some() != b.is_some(),
    };
    let changed = old.severity != new.severity || old.kev.is_some() != new.kev.is_some();
    (changed || epss_moved).then(|| Rescore {
        severity: (old.severity != new.severity).then_some((old.severity, new.severity)),
        kev: (old.kev.is_some() != new.kev.is_some())
            .then_some((old.kev.is_some(), new.kev.is_some())),
        epss: epss_moved.then_some((epss(old), epss(new))),
    })
}

impl Rescore {
    /// "HIGH -> CRITICAL, now known exploited, EPSS 0.20 -> 0.35".
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if let Some((from, to)) = self.severity {
            parts.push(format!("{from} -> {to}"));
        }
        if let Some((_, now)) = self.kev {
            parts.push(
                if now {
                    "now known exploited"
                } else {
                    "no longer in KEV"
                }
                .to_string(),
            );
        }
        if let Some((from, to)) = self.epss {
            let shown = |p: Option<f64>| p.map_or("none".to_string(), |p| format!("{p:.2}"));
            parts.push(format!("EPSS {} -> {}", shown(from), shown(to)));
        }
        parts.join(", ")
    }
}

/// From -> to, for what changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rescore {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<(Severity, Severity)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kev: Option<(bool, bool)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epss: Option<(Option<f64>, Option<f64>)>,
}

/// One finding's change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub cause: Cause,
    /// The finding's key in its target (`DocFinding::key`).
    #[serde(skip)]
    pub key: String,
    #[serde(flatten)]
    pub finding: BaselineFinding,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescore: Option<Rescore>,
}

/// The changes of one target both runs scanned, compared at `floor` (findings below it in
/// either run are left out: one of the runs did not look there).
pub fn target_changes(
    old: &DocTarget,
    new: &DocTarget,
    floor: Severity,
    db_newer: Option<bool>,
) -> (ImageChange, Vec<Change>) {
    let image = image_change(old, new);
    let reported = |t: &DocTarget| -> HashMap<String, (String, DocFinding)> {
        t.all_findings()
            .filter(|(_, f)| f.severity >= floor)
            .map(|(c, f)| (f.key(), (c.to_string(), f.clone())))
            .collect()
    };
    let suppressed = |t: &DocTarget| -> HashMap<String, (String, DocFinding)> {
        t.suppressed
            .iter()
            .filter(|s| s.finding.severity >= floor)
            .map(|s| (s.finding.key(), (s.component.clone(), s.finding.clone())))
            .collect()
    };
    let (old_reported, new_reported) = (reported(old), reported(new));
    let (old_suppressed, new_suppressed) = (suppressed(old), suppressed(new));
    let change = |cause, (component, f): &(String, DocFinding), rescore| Change {
        cause,
        key: f.key(),
        finding: BaselineFinding::of(component, f),
        rescore,
    };
    let mut changes = Vec::new();
    // In the new run's order, then the old run's for what is gone.
    for (_, f) in new.all_findings().filter(|(_, f)| f.severity >= floor) {
        let key = f.key();
        let now = &new_reported[&key];
        let cause = match (old_reported.get(&key), old_suppressed.get(&key)) {
            (Some((_, before)), _) => match rescore(before, f) {
                Some(r) => {
                    changes.push(change(Cause::Rescored, now, Some(r)));
                    continue;
                }
                None => Cause::Unchanged,
            },
            (None, Some(_)) => Cause::Expired,
            (None, None) => cause_of_new(image, db_newer),
        };
        changes.push(change(cause, now, None));
    }
    for (_, f) in old.all_findings().filter(|(_, f)| f.severity >= floor) {
        let key = f.key();
        if new_reported.contains_key(&key) {
            continue;
        }
        let before = &old_reported[&key];
        let cause = if new_suppressed.contains_key(&key) {
            Cause::Accepted
        } else {
            cause_of_gone(image, db_newer)
        };
        changes.push(change(cause, before, None));
    }
    (image, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_follow_the_image_and_the_db() {
        use Cause::*;
        use ImageChange::*;
        for (image, db, new, gone) in [
            (Same, Some(true), Disclosed, Withdrawn),
            (Changed, Some(true), Introduced, FixedByChange),
            (Changed, Some(false), Introduced, FixedByChange),
            (Changed, None, Introduced, FixedByChange),
            (Same, Some(false), Appeared, Vanished),
            (Same, None, Appeared, Vanished),
            (Unknown, Some(true), Appeared, Vanished),
        ] {
            assert_eq!(cause_of_new(image, db), new, "{image:?} {db:?}");
            assert_eq!(cause_of_gone(image, db), gone, "{image:?} {db:?}");
            assert!(new.is_new() && !new.is_gone() && gone.is_gone() && !gone.is_new());
        }
        assert!(!Rescored.is_new() && !Accepted.is_gone() && !Unchanged.is_new());
    }

    #[test]
    fn a_small_epss_move_is_no_rescore() {
        let with = |severity, kev: bool, epss: Option<f64>| DocFinding {
            severity,
            kev: kev.then(|| crate::model::KevInfo {
                date_added: "2026-01-01".into(),
                due_date: "2026-01-22".into(),
                known_ransomware_use: false,
                name: String::new(),
            }),
            epss: epss.map(|probability| crate::model::EpssInfo {
                probability,
                percentile: 0.5,
                date: "2026-12-01".into(),
            }),
            ..DocFinding::default()
        };
        let base = with(Severity::High, false, Some(0.20));
        assert_eq!(
            rescore(&base, &with(Severity::High, false, Some(0.25))),
            None
        );
        let r = rescore(&base, &with(Severity::Critical, false, Some(0.25))).unwrap();
        assert_eq!(r.severity, Some((Severity::High, Severity::Critical)));
        assert_eq!(r.epss, None);
        let r = rescore(&base, &with(Severity::High, true, Some(0.35))).unwrap();
        assert_eq!(r.kev, Some((false, true)));
        assert_eq!(r.epss, Some((Some(0.20), Some(0.35))));
    }
}
