//! `gitlab`: GitLab's container-scanning report (schema 15.2.4), one for the whole fleet, for
//! `artifacts:reports:container_scanning`: merge-request widgets and the vulnerability report
//! read only this format. Each vulnerability of each scanned image with its image, operating
//! system and package, identifiers and links, and the fixed version as its solution. What the
//! run did not do (failed targets, skipped scanners, ...) is never silently absent: the scan's
//! `status` is `failure` and each is a message.

use serde_json::{Value, json};

use super::json_reader::{Doc, DocFinding, DocTarget, safe_url};
use crate::model::Severity;

/// The schema version the report conforms to (tests/fixtures/gitlab).
pub const SCHEMA_VERSION: &str = "15.2.4";

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Unknown => "Unknown",
    }
}

/// GitLab's `yyyy-mm-ddThh:mm:ss`, in UTC.
fn gitlab_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now())
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// The identifier's type GitLab shows: cve, ghsa, or the source's prefix.
fn identifier(id: &str, url: Option<&str>) -> Value {
    let kind = match id.split('-').next().unwrap_or("") {
        "CVE" => "cve".to_string(),
        "GHSA" => "ghsa".to_string(),
        "" => "trivy".to_string(),
        other => other.to_ascii_lowercase(),
    };
    let mut v = json!({ "type": kind, "name": id, "value": id });
    if let Some(url) = url {
        v["url"] = url.into();
    }
    v
}

fn vulnerability(t: &DocTarget, f: &DocFinding) -> Value {
    let url = safe_url(&f.primary_url);
    let mut v = json!({
        "id": super::stable_uuid(&[&t.target, &f.key()]),
        "name": if f.title.is_empty() { f.id.clone() } else { f.title.chars().take(255).collect() },
        "description": f.description.chars().take(1 << 20).collect::<String>(),
        "severity": severity(f.severity),
        "identifiers": [identifier(&f.id, url)],
        "location": {
            "dependency": { "package": { "name": f.package }, "version": f.installed_version },
            "operating_system": t.os.as_ref().map(|o| o.label()).filter(|l| !l.is_empty())
                .unwrap_or_else(|| "unknown".to_string()),
            "image": t.target,
        },
    });
    if !f.fixed_version.is_empty() {
        v["solution"] = format!("Upgrade {} to {}.", f.package, f.fixed_version).into();
    }
    if let Some(url) = url {
        v["links"] = json!([{ "url": url }]);
    }
    v
}

pub fn render(doc: &Doc) -> Vec<u8> {
    let mut vulnerabilities = Vec::new();
    for t in doc.targets.iter().filter(|t| t.status == "ok") {
        for (_, f) in t.all_findings().filter(|(_, f)| f.kind == "vulnerability") {
            vulnerabilities.push(vulnerability(t, f));
        }
    }
    let mut messages: Vec<Value> = doc
        .not_done()
        .into_iter()
        .filter(|item| item.key != "failed_targets")
        .map(|item| {
            json!({ "level": if item.is_notice() { "info" } else { "warn" }, "value": item.text })
        })
        .collect();
    for t in &doc.targets {
        if let Some(e) = &t.error {
            messages.push(json!({
                "level": "warn",
                "value": format!("{} could not be scanned ({}): {}", t.target, e.kind, e.message),
            }));
        }
    }
    let (verdict, verdict_text) = doc.verdict_text();
    messages.push(json!({ "level": "info", "value": verdict_text }));
    let version = |v: &str| {
        if v.is_empty() {
            "unknown".to_string()
        } else {
            v.to_string()
        }
    };
    let report = json!({
        "version": SCHEMA_VERSION,
        "scan": {
            "analyzer": {
                "id": "trivyscan",
                "name": "trivyscan",
                "version": version(&doc.run.version),
                "vendor": { "name": "trivyscan" },
            },
            "scanner": {
                "id": "trivy",
                "name": "Trivy",
                "version": version(&doc.run.trivy_version),
                "url": "https://github.com/aquasecurity/trivy",
                "vendor": { "name": "Aqua Security" },
            },
            "type": "container_scanning",
            "start_time": gitlab_time(&doc.run.started_at),
            "end_time": gitlab_time(&doc.run.finished_at),
            // Not everything asked was looked at: GitLab must not show a clean pipeline.
            "status": if doc.complete() { "success" } else { "failure" },
            "messages": messages,
            "options": [{ "name": "verdict", "value": verdict.as_str(), "source": "other" }],
        },
        "vulnerabilities": vulnerabilities,
    });
    let mut out = serde_json::to_vec_pretty(&report).expect("the GitLab report serializes");
    out.push(b'\n');
    out
}
