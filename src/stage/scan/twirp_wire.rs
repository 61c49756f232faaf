//! The Twirp JSON messages trivyscan sends to and reads from a `trivy server`
//! (`/twirp/trivy.scanner.v1.Scanner/Scan`, protobuf field names), typed, and the answer turned
//! into Trivy's JSON report (`crate::trivy_json`) as `trivy image` writes it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::JsonText;
use crate::stage::result_cache::ScanCall;
use crate::trivy_json::{TrivyReport, TrivyResult, TrivyVulnerability};

/// A Scan request replaying a recorded call: vulnerabilities only (the rest of a stored
/// report does not depend on the DB).
#[derive(Debug, Serialize)]
pub struct ScanRequest<'a> {
    pub target: &'a str,
    pub artifact_id: &'a str,
    pub blob_ids: &'a [String],
    pub options: ScanOptions,
}

#[derive(Debug, Serialize)]
pub struct ScanOptions {
    pub scanners: [&'static str; 1],
    pub pkg_types: [&'static str; 2],
}

impl<'a> ScanRequest<'a> {
    pub fn replaying(call: &'a ScanCall) -> ScanRequest<'a> {
        ScanRequest {
            target: &call.target,
            artifact_id: &call.artifact_id,
            blob_ids: &call.blob_ids,
            options: ScanOptions {
                scanners: ["vuln"],
                pkg_types: ["os", "library"],
            },
        }
    }
}

/// A Twirp error body, as the server sends it and as the proxy answers a refused client.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TwirpError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub msg: String,
}

/// A protobuf varint at `at`, and where the next field starts.
fn varint(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(at)?;
        at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

/// The length-delimited fields (strings, bytes, messages) of a protobuf message as the Go
/// client sends it, in order: (field number, bytes); the other wire types are skipped. `None`
/// when the message does not parse.
pub fn length_delimited_fields(bytes: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let (key, next) = varint(bytes, at)?;
        at = next;
        match key & 7 {
            0 => at = varint(bytes, at)?.1,
            1 => at += 8,
            5 => at += 4,
            2 => {
                let (len, next) = varint(bytes, at)?;
                let end = next.checked_add(usize::try_from(len).ok()?)?;
                fields.push((key >> 3, bytes.get(next..end)?));
                at = end;
            }
            _ => return None,
        }
    }
    Some(fields)
}

/// The first string field numbered `number` of a protobuf message.
pub fn string_field(bytes: &[u8], number: u64) -> Option<String> {
    length_delimited_fields(bytes)?
        .into_iter()
        .find(|(n, _)| *n == number)
        .and_then(|(_, v)| String::from_utf8(v.to_vec()).ok())
}

#[derive(Debug, Default, Deserialize)]
pub struct ScanResponse {
    #[serde(default)]
    pub results: Vec<WireResult>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireResult {
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub class: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub vulnerabilities: Vec<WireVulnerability>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireVulnerability {
    #[serde(default)]
    pub vulnerability_id: String,
    #[serde(default)]
    pub pkg_id: String,
    #[serde(default)]
    pub pkg_name: String,
    #[serde(default)]
    pub pkg_path: String,
    #[serde(default)]
    pub installed_version: String,
    #[serde(default)]
    pub fixed_version: String,
    #[serde(default)]
    pub severity_source: String,
    #[serde(default)]
    pub primary_url: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub cvss: BTreeMap<String, WireCvss>,
    #[serde(default)]
    pub layer: Option<WireLayer>,
    #[serde(default)]
    pub pkg_identifier: Option<WirePkgIdentifier>,
}

#[derive(Debug, Default, Deserialize)]
pub struct WirePkgIdentifier {
    #[serde(default)]
    pub purl: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireLayer {
    #[serde(default)]
    pub diff_id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct WireCvss {
    #[serde(default)]
    pub v2_vector: String,
    #[serde(default)]
    pub v3_vector: String,
    #[serde(default)]
    pub v2_score: f64,
    #[serde(default)]
    pub v3_score: f64,
}

/// One vendor's CVSS as Trivy's report writes it (absent parts left out).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReportCvss<'a> {
    #[serde(rename = "V2Vector", skip_serializing_if = "str::is_empty")]
    v2_vector: &'a str,
    #[serde(rename = "V3Vector", skip_serializing_if = "str::is_empty")]
    v3_vector: &'a str,
    #[serde(rename = "V2Score", skip_serializing_if = "is_zero")]
    v2_score: f64,
    #[serde(rename = "V3Score", skip_serializing_if = "is_zero")]
    v3_score: f64,
}

fn is_zero(n: &f64) -> bool {
    *n == 0.0
}

impl ScanResponse {
    /// The layers the answer's packages sit in (a replay checks they are the image's own).
    pub fn layers(&self) -> impl Iterator<Item = &str> {
        self.results
            .iter()
            .flat_map(|r| &r.vulnerabilities)
            .filter_map(|v| v.layer.as_ref())
            .map(|l| l.diff_id.as_str())
            .filter(|d| !d.is_empty())
    }

    /// The answer as Trivy's JSON report for `target`.
    pub fn into_report(self, target: &str) -> TrivyReport {
        TrivyReport {
            artifact_name: target.to_string(),
            metadata: None,
            results: Some(self.results.into_iter().map(TrivyResult::from).collect()),
        }
    }
}

impl From<WireResult> for TrivyResult {
    fn from(r: WireResult) -> TrivyResult {
        TrivyResult {
            target: r.target,
            class: r.class,
            kind: r.kind,
            vulnerabilities: (!r.vulnerabilities.is_empty()).then(|| {
                r.vulnerabilities
                    .into_iter()
                    .map(TrivyVulnerability::from)
                    .collect()
            }),
            ..TrivyResult::default()
        }
    }
}

impl From<WireVulnerability> for TrivyVulnerability {
    fn from(v: WireVulnerability) -> TrivyVulnerability {
        let cvss: BTreeMap<&str, ReportCvss> = v
            .cvss
            .iter()
            .map(|(vendor, c)| {
                (
                    vendor.as_str(),
                    ReportCvss {
                        v2_vector: &c.v2_vector,
                        v3_vector: &c.v3_vector,
                        v2_score: c.v2_score,
                        v3_score: c.v3_score,
                    },
                )
            })
            .collect();
        TrivyVulnerability {
            vulnerability_id: v.vulnerability_id,
            pkg_id: v.pkg_id,
            pkg_name: v.pkg_name,
            pkg_path: v.pkg_path,
            installed_version: v.installed_version,
            fixed_version: v.fixed_version,
            severity: v
                .severity
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "UNKNOWN".into()),
            title: JsonText::new(&v.title),
            description: JsonText::new(&v.description),
            cvss: (!cvss.is_empty())
                .then(|| serde_json::value::to_raw_value(&cvss).ok())
                .flatten(),
            severity_source: v.severity_source,
            primary_url: v.primary_url,
            fingerprint: String::new(),
            pkg_identifier: crate::trivy_json::PkgIdentifier {
                purl: v.pkg_identifier.map(|p| p.purl).unwrap_or_default(),
            },
        }
    }
}
