//! Trivy's JSON report (`trivy image --format json`), the fields trivyscan uses: read by the
//! normalize stage, written by the server replay (`stage/scan/twirp.rs`) in the same shape.
//! Everything else Trivy writes is skipped, so large reports parse quickly into little memory.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::model::JsonText;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivyReport {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub artifact_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<TrivyMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<TrivyResult>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TrivyMetadata {
    #[serde(rename = "ImageID", default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(
        rename = "RepoDigests",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub repo_digests: Option<Vec<String>>,
    #[serde(rename = "OS", default, skip_serializing_if = "Option::is_none")]
    pub os: Option<TrivyOs>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TrivyOs {
    #[serde(rename = "Family", default, skip_serializing_if = "String::is_empty")]
    pub family: String,
    #[serde(rename = "Name", default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(rename = "EOSL", default, skip_serializing_if = "std::ops::Not::not")]
    pub eosl: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivyResult {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    #[serde(default, rename = "Type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerabilities: Option<Vec<TrivyVulnerability>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<Vec<TrivySecret>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misconfigurations: Option<Vec<TrivyMisconfiguration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses: Option<Vec<TrivyLicense>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivyVulnerability {
    #[serde(
        rename = "VulnerabilityID",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub vulnerability_id: String,
    /// Written by the server replay as Trivy writes it; not read (nothing uses it, and a
    /// fleet's reports hold one per finding).
    #[serde(
        rename = "PkgID",
        skip_deserializing,
        skip_serializing_if = "String::is_empty"
    )]
    pub pkg_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pkg_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pkg_path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub installed_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fixed_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub severity: String,
    #[serde(default, skip_serializing_if = "JsonText::is_empty")]
    pub title: JsonText,
    #[serde(default, skip_serializing_if = "JsonText::is_empty")]
    pub description: JsonText,
    #[serde(rename = "CVSS", default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub severity_source: String,
    #[serde(
        rename = "PrimaryURL",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub primary_url: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "PkgIdentifier::is_empty")]
    pub pkg_identifier: PkgIdentifier,
}

/// The package's identity (only its purl is read: VEX statements name packages by it).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PkgIdentifier {
    #[serde(rename = "PURL", default, skip_serializing_if = "String::is_empty")]
    pub purl: String,
}

impl PkgIdentifier {
    pub fn is_empty(&self) -> bool {
        self.purl.is_empty()
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivySecret {
    #[serde(rename = "RuleID", default, skip_serializing_if = "String::is_empty")]
    pub rule_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub severity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<i64>,
    #[serde(default, rename = "Match", skip_serializing_if = "String::is_empty")]
    pub matched: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivyMisconfiguration {
    #[serde(rename = "ID", default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolution: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub severity: String,
    #[serde(
        rename = "PrimaryURL",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub primary_url: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivyLicense {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pkg_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file_path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub severity: String,
}

/// `trivy version --format json`, and a `trivy server`'s `GET /version`: the same document.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrivyVersion {
    #[serde(default)]
    pub version: String,
    #[serde(rename = "VulnerabilityDB", default)]
    pub vulnerability_db: Option<DbMetadata>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbMetadata {
    #[serde(default)]
    pub updated_at: String,
}

/// Only the image's layers (DiffIDs) of a report: what a replay checks the server's answer
/// against, read without the results.
#[derive(Debug, Default, Deserialize)]
pub struct TrivyLayers {
    #[serde(rename = "Metadata", default)]
    pub metadata: LayersMetadata,
}

#[derive(Debug, Default, Deserialize)]
pub struct LayersMetadata {
    #[serde(rename = "DiffIDs", default)]
    pub diff_ids: Vec<String>,
}
