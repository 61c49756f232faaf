//! `legacy-json`: exactly the old script's report. A JSON array with one object per target;
//! compact, UTF-8 unescaped, keys in the old order.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::value::RawValue;

use crate::model::FindingRef;
use crate::model::{Outcome, ScanReport, TargetKind, TargetResult};

use super::iso_local;

struct Entry<'a>(&'a TargetResult);

struct Finding<'a>(&'a ScanReport, FindingRef);

impl Serialize for Finding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        match self.1 {
            FindingRef::Vulnerability { result, index } => {
                let r = &report.results[result];
                let v = &r.vulnerabilities[index];
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("vuln_id", &v.id)?;
                m.serialize_entry("installed_vers", &v.installed_version)?;
                m.serialize_entry("fixed", &v.fixed_version)?;
                m.serialize_entry("library", &v.pkg_name)?;
                m.serialize_entry("type_detail", &r.kind)?;
                m.serialize_entry("class_detail", &r.class)?;
                m.serialize_entry("target", &r.target)?;
                m.serialize_entry("type", "vulnerability")?;
                // The old script copied these when Trivy gave a non-empty value.
                if !v.title.is_empty() {
                    m.serialize_entry("title", &v.title)?;
                }
                if !v.description.is_empty() {
                    m.serialize_entry("description", &v.description)?;
                }
                if let Some(cvss) = &v.cvss {
                    m.serialize_entry("cvss", cvss.as_ref() as &RawValue)?;
                }
                if !v.severity_source.is_empty() {
                    m.serialize_entry("severitysource", &v.severity_source)?;
                }
                if !v.primary_url.is_empty() {
                    m.serialize_entry("primaryurl", &v.primary_url)?;
                }
                m.end()
            }
            FindingRef::Secret { result, index } => {
                let r = &report.results[result];
                let sec = &r.secrets[index];
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("secret_id", &sec.rule_id)?;
                m.serialize_entry("category", &sec.category)?;
                m.serialize_entry("title", &sec.title)?;
                m.serialize_entry("target", &r.target)?;
                line(&mut m, "start_line", sec.start_line)?;
                line(&mut m, "end_line", sec.end_line)?;
                m.serialize_entry("match", &sec.matched)?;
                m.serialize_entry("type_detail", &r.kind)?;
                m.serialize_entry("class_detail", &r.class)?;
                m.serialize_entry("type", "secret")?;
                m.end()
            }
            FindingRef::Misconfiguration { result, index } => {
                let r = &report.results[result];
                let c = &r.misconfigurations[index];
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("misconfig_id", &c.id)?;
                m.serialize_entry("title", &c.title)?;
                m.serialize_entry("message", &c.message)?;
                m.serialize_entry("resolution", &c.resolution)?;
                m.serialize_entry("target", &r.target)?;
                m.serialize_entry("type_detail", &r.kind)?;
                m.serialize_entry("class_detail", &r.class)?;
                m.serialize_entry("type", "misconfiguration")?;
                m.end()
            }
            FindingRef::License { result, index } => {
                let r = &report.results[result];
                let l = &r.licenses[index];
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("license", &l.name)?;
                m.serialize_entry("library", &l.pkg_name)?;
                m.serialize_entry("category", &l.category)?;
                m.serialize_entry("target", &r.target)?;
                m.serialize_entry("class_detail", &r.class)?;
                m.serialize_entry("type", "license")?;
                m.end()
            }
        }
    }
}

/// The old script wrote `secret.get("StartLine", "")`: a number, or "" when absent.
fn line<M: SerializeMap>(m: &mut M, key: &str, value: Option<i64>) -> Result<(), M::Error> {
    match value {
        Some(n) => m.serialize_entry(key, &n),
        None => m.serialize_entry(key, ""),
    }
}

struct Severities<'a>(
    &'a ScanReport,
    &'a indexmap::IndexMap<crate::model::Severity, Vec<FindingRef>>,
);

impl Serialize for Severities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.1.len()))?;
        for (sev, findings) in self.1 {
            let list: Vec<Finding> = findings.iter().map(|f| Finding(self.0, *f)).collect();
            m.serialize_entry(sev.as_str(), &list)?;
        }
        m.end()
    }
}

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        let local = matches!(r.target.kind, TargetKind::Dockerfile(_));
        if let TargetKind::Dockerfile(p) = &r.target.kind {
            m.serialize_entry("dockerfile", &p.display().to_string())?;
        }
        match &r.outcome {
            Outcome::Failed { message, .. } => {
                match (&r.image, local) {
                    (Some(image), _) => m.serialize_entry("image", image)?,
                    (None, false) => m.serialize_entry("image", &r.target.kind.display_name())?,
                    (None, true) => {}
                }
                m.serialize_entry("error", message)?;
                m.serialize_entry("scan_timestamp", &iso_local(&r.timestamp))?;
                m.serialize_entry("scan_type", r.scan_type.as_str())?;
            }
            Outcome::Scanned { report, grouped } => {
                let image = match (&r.image, local) {
                    (Some(image), _) => image.clone(),
                    (None, true) => report.artifact_name.clone(),
                    (None, false) => r.target.kind.display_name(),
                };
                m.serialize_entry("image", &image)?;
                m.serialize_entry("scan_timestamp", &iso_local(&r.timestamp))?;
                m.serialize_entry("severity_level", &r.target.severity.legacy_level())?;
                m.serialize_entry("included_severities", &r.target.severity.included())?;
                m.serialize_entry("scan_type", r.scan_type.as_str())?;
                for (component, sevs) in &grouped.components {
                    m.serialize_entry(component, &Severities(report, sevs))?;
                }
            }
        }
        m.end()
    }
}

/// One target's entry, compact (rendered on a worker thread).
pub fn entry(result: &TargetResult) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(super::entry_size_hint(result));
    serde_json::to_writer(&mut bytes, &Entry(result)).expect("legacy entry serializes");
    bytes
}

/// Writes the report as targets finish: `[`, the entries, `]`.
pub struct Writer<W: std::io::Write> {
    out: W,
    entries: usize,
}

impl<W: std::io::Write> Writer<W> {
    pub fn new(mut out: W) -> std::io::Result<Writer<W>> {
        out.write_all(b"[")?;
        Ok(Writer { out, entries: 0 })
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Appends an entry made by [`entry`].
    pub fn push(&mut self, entry: &[u8]) -> std::io::Result<()> {
        if self.entries > 0 {
            self.out.write_all(b",")?;
        }
        self.entries += 1;
        self.out.write_all(entry)
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.write_all(b"]")?;
        Ok(self.out)
    }
}

/// The whole report for `results`, in memory.
pub fn render(results: &[TargetResult]) -> Vec<u8> {
    let mut w = Writer::new(Vec::new()).expect("in memory");
    for r in results {
        w.push(&entry(r)).expect("in memory");
    }
    w.finish().expect("in memory")
}
