//! Normalize stage: Trivy's JSON report -> trivyscan's model. Pure: bytes in, model out.
//!
//! The serde types name only the fields trivyscan uses, so large reports parse quickly into
//! little memory; everything else Trivy writes is skipped.

use crate::trivy_json::{
    TrivyLicense, TrivyMetadata, TrivyMisconfiguration, TrivyReport, TrivyResult, TrivySecret,
    TrivyVulnerability,
};
use serde_json::value::RawValue;

use crate::model::{
    License, Misconfiguration, ResultBlock, ScanReport, Secret, Severity, Vulnerability,
};

#[derive(Debug, thiserror::Error)]
#[error("{}", crate::msg!("normalize-invalid-json", error = .0))]
pub struct NormalizeError(#[from] serde_json::Error);

fn severity(text: &str) -> (String, Severity) {
    let upper = if text.is_empty() {
        "UNKNOWN".to_string()
    } else {
        text.to_uppercase()
    };
    let level = Severity::from_trivy(&upper);
    (upper, level)
}

/// Trivy pretty-prints its report; the CVSS object is kept in Trivy's key order but compact.
fn compact(raw: Box<RawValue>) -> Box<RawValue> {
    let text = raw.get().as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    while let Some(&b) = text.get(at) {
        if b == b'"' {
            // Copy a string whole, up to its closing quote (escaped characters skipped).
            let mut end = at + 1;
            while let Some(k) = text
                .get(end..)
                .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
            {
                end += k;
                if text[end] == b'"' {
                    break;
                }
                end += 2;
            }
            let end = (end + 1).min(text.len());
            out.extend_from_slice(&text[at..end]);
            at = end;
        } else {
            if !b.is_ascii_whitespace() {
                out.push(b);
            }
            at += 1;
        }
    }

    // Only ASCII whitespace outside strings was dropped: still valid UTF-8 and JSON.
    String::from_utf8(out)
        .ok()
        .and_then(|s| RawValue::from_string(s).ok())
        .unwrap_or(raw)
}

/// Parses Trivy's `--format json` output.
pub fn normalize(bytes: &[u8]) -> Result<ScanReport, NormalizeError> {
    // One UTF-8 check of the whole report (fast) lets serde_json skip checking every string.
    let raw: TrivyReport = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text)?,
        Err(_) => serde_json::from_slice(bytes)?,
    };
    let metadata = raw.metadata.unwrap_or(TrivyMetadata {
        image_id: None,
        repo_digests: None,
        os: None,
    });
    let results = raw
        .results
        .unwrap_or_default()
        .into_iter()
        .map(ResultBlock::from)
        .collect();
    Ok(ScanReport {
        artifact_name: raw.artifact_name,
        image_id: metadata.image_id,
        repo_digests: metadata.repo_digests.unwrap_or_default(),
        os: metadata.os.filter(|os| !os.family.is_empty()).map(|os| {
            Box::new(crate::model::OsInfo {
                family: os.family,
                name: os.name,
                end_of_support: os.eosl,
            })
        }),
        results,
    })
}

/// Each of Trivy's lists, converted item by item; a missing list is an empty one.
fn each<T, U: From<T>>(items: Option<Vec<T>>) -> Vec<U> {
    items.unwrap_or_default().into_iter().map(U::from).collect()
}

impl From<TrivyResult> for ResultBlock {
    fn from(r: TrivyResult) -> ResultBlock {
        ResultBlock {
            target: r.target,
            class: r.class,
            kind: r.kind,
            vulnerabilities: each(r.vulnerabilities),
            secrets: each(r.secrets),
            misconfigurations: each(r.misconfigurations),
            licenses: each(r.licenses),
        }
    }
}

impl From<TrivyVulnerability> for Vulnerability {
    fn from(v: TrivyVulnerability) -> Vulnerability {
        let (severity_text, severity) = severity(&v.severity);
        Vulnerability {
            id: v.vulnerability_id,
            pkg_name: v.pkg_name,
            pkg_path: v.pkg_path,
            installed_version: v.installed_version,
            fixed_version: v.fixed_version,
            severity_text,
            severity,
            title: v.title,
            description: v.description,
            cvss: v
                .cvss
                .filter(|c| !matches!(c.get(), "null" | "{}"))
                .map(compact),
            severity_source: v.severity_source,
            primary_url: v.primary_url,
            fingerprint: v.fingerprint,
            purl: v.pkg_identifier.purl,
        }
    }
}

impl From<TrivySecret> for Secret {
    fn from(s: TrivySecret) -> Secret {
        let (severity_text, severity) = severity(&s.severity);
        Secret {
            rule_id: s.rule_id,
            category: s.category,
            title: s.title,
            severity_text,
            severity,
            start_line: s.start_line,
            end_line: s.end_line,
            matched: s.matched,
        }
    }
}

impl From<TrivyMisconfiguration> for Misconfiguration {
    fn from(m: TrivyMisconfiguration) -> Misconfiguration {
        let (severity_text, severity) = severity(&m.severity);
        Misconfiguration {
            id: m.id,
            title: m.title,
            message: m.message,
            resolution: m.resolution,
            severity_text,
            severity,
            primary_url: m.primary_url,
        }
    }
}

impl From<TrivyLicense> for License {
    fn from(l: TrivyLicense) -> License {
        let (severity_text, severity) = severity(&l.severity);
        License {
            name: l.name,
            pkg_name: l.pkg_name,
            file_path: l.file_path,
            category: l.category,
            severity_text,
            severity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::JsonText;

    #[test]
    fn cvss_is_kept_in_order_and_compacted() {
        let raw = RawValue::from_string("{\n  \"nvd\": {\n    \"V3Vector\": \"CVSS:3.1/AV:N\",\n    \"V3Score\": 9.8, \"Note\": \"a \\\" b\"\n  }\n}".into()).unwrap();
        assert_eq!(
            compact(raw).get(),
            r#"{"nvd":{"V3Vector":"CVSS:3.1/AV:N","V3Score":9.8,"Note":"a \" b"}}"#
        );
        let raw = RawValue::from_string(r#"{ "a\\" : [ "x \\\" y\\", 1 ] }"#.into()).unwrap();
        assert_eq!(compact(raw).get(), r#"{"a\\":["x \\\" y\\",1]}"#);
    }

    #[test]
    fn descriptions_are_written_as_serde_json_writes_them() {
        // Go escapes <, > and & and may use \u for what serde_json writes plainly; such text
        // is decoded and written again, canonical text is kept as it is.
        for (trivy, expected) in [
            (r#""plain \"quoted\" \\ line\nnext\ttab""#, None),
            (
                r#""a \u003cscript\u003e \u0026 b""#,
                Some(r#""a <script> & b""#),
            ),
            (r#""esc \u001b and \u0008""#, Some(r#""esc \u001b and \b""#)),
            (
                r#""slash \/ and \u00e9 and \u001B""#,
                Some(r#""slash / and é and \u001b""#),
            ),
            (r#""ends with \\\\""#, None),
        ] {
            let text: JsonText = serde_json::from_str(trivy).unwrap();
            let written = serde_json::to_string(&text).unwrap();
            assert_eq!(written, expected.unwrap_or(trivy), "{trivy}");
            let decoded: String = serde_json::from_str(trivy).unwrap();
            assert_eq!(written, serde_json::to_string(&decoded).unwrap());
            assert_eq!(text.to_text(), decoded);
        }
        assert!(serde_json::from_str::<JsonText>("null").is_err());
        assert!(serde_json::from_str::<JsonText>("3").is_err());
    }
}
