//! Exploitation data: the CISA KEV catalog and EPSS scores, and what became of each feed.

use serde::{Deserialize, Serialize};

use super::ledger::{InputKind, LedgerEntry, LedgerStatus};

/// A finding's entry in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevInfo {
    pub date_added: String,
    pub due_date: String,
    /// The catalog's `knownRansomwareCampaignUse` is `Known`.
    pub known_ransomware_use: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// A finding's EPSS score: the probability of exploitation in the next 30 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssInfo {
    pub probability: f64,
    pub percentile: f64,
    /// The day the scores were computed.
    pub date: String,
}

/// What became of one exploitation feed in this run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedStatus {
    /// Used.
    Ok,
    /// Turned off in the config.
    #[default]
    Disabled,
    /// Had, but older than `intel.max_age`: not used.
    Stale,
    /// Could not be had (download failed and nothing cached, or unreadable).
    Unavailable,
}

/// One feed's part of the run's record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedRun {
    pub status: FeedStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// KEV: `catalogVersion`; EPSS: `model_version`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// The data's own date (KEV: released; EPSS: scored).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fetched_at: String,
    #[serde(default)]
    pub entries: usize,
    /// Why it was not used, or what went wrong on the way to a copy that was.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl FeedRun {
    /// Was meant to be used and was not: the run must say so everywhere.
    pub fn missing(&self) -> bool {
        matches!(self.status, FeedStatus::Stale | FeedStatus::Unavailable)
    }
}

/// The exploitation data of one run, looked up by vulnerability ID.
#[derive(Debug, Default)]
pub struct Intel {
    pub(crate) kev: rustc_hash::FxHashMap<String, KevInfo>,
    /// Probability and percentile by CVE.
    pub(crate) epss: rustc_hash::FxHashMap<String, (f64, f64)>,
    pub(crate) epss_date: String,
    pub run: IntelRun,
}

impl Intel {
    /// No data, nothing wanted (legacy mode, rendering from memory).
    pub fn none() -> Intel {
        Intel::default()
    }

    pub fn kev(&self, id: &str) -> Option<&KevInfo> {
        self.kev.get(id)
    }

    pub fn epss(&self, id: &str) -> Option<EpssInfo> {
        self.epss.get(id).map(|(probability, percentile)| EpssInfo {
            probability: *probability,
            percentile: *percentile,
            date: self.epss_date.clone(),
        })
    }

    pub fn epss_probability(&self, id: &str) -> Option<f64> {
        self.epss.get(id).map(|(p, _)| *p)
    }

    pub fn has_kev(&self) -> bool {
        self.run.kev.status == FeedStatus::Ok
    }

    pub fn has_epss(&self) -> bool {
        self.run.epss.status == FeedStatus::Ok
    }
}

/// The run's exploitation data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntelRun {
    pub kev: FeedRun,
    pub epss: FeedRun,
}

impl IntelRun {
    /// The feeds the run was asked to use, each with what became of it: a feed not had is not
    /// done; a copy used after a failed download is done, with why.
    pub fn ledger_entries(&self) -> Vec<LedgerEntry> {
        [("KEV", &self.kev), ("EPSS", &self.epss)]
            .into_iter()
            .filter(|(_, f)| f.status != FeedStatus::Disabled)
            .map(|(name, f)| {
                let status = if f.missing() {
                    LedgerStatus::Failed
                } else {
                    LedgerStatus::Done
                };
                LedgerEntry::new(InputKind::Feed, name, status)
                    .origin(&f.source)
                    .reason(f.reason.clone())
            })
            .collect()
    }

    /// The feeds that were wanted and not had: (name, why).
    pub fn missing_feeds(&self) -> Vec<(&'static str, &str)> {
        [("KEV", &self.kev), ("EPSS", &self.epss)]
            .into_iter()
            .filter(|(_, f)| f.missing())
            .map(|(name, f)| (name, f.reason.as_str()))
            .collect()
    }
}
