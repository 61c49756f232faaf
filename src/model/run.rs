//! What the run knows about itself (the JSON report's `run`).

use serde::Serialize;

use super::intel::IntelRun;

/// What the run knows about itself (the JSON report's `run`).
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub tool: &'static str,
    pub version: &'static str,
    pub trivy_version: String,
    pub db_updated_at: Option<String>,
    pub profile: String,
    pub started_at: String,
    pub finished_at: String,
    pub interrupted: bool,
    /// Scanners that could not run (`vuln` without a DB and `trivy.require_db = false`).
    pub skipped_scanners: Vec<&'static str>,
    /// `K/N` when the run scanned one shard of the plan (`run --shard`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// What was known about exploitation (CISA KEV, FIRST EPSS); absent in legacy mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intel: Option<IntelRun>,
    /// With a shard: what identifies the whole plan the shard is a slice of (a SHA-256 over
    /// every target's kind and identity), so `report merge` can tell shards of one plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}
