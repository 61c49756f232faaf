//! Report formats (pure renderers) and the atomic writing of report files.

pub mod baseline;
pub mod cyclonedx;
pub mod cyclonedx_vex;
pub mod fleet;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod json_reader;
pub mod junit;
pub mod legacy_json;
pub mod markdown;
pub mod merge;
pub mod openvex;
pub mod sarif;
pub mod schema;
pub mod sections;
pub mod summary;
pub mod target_facts;
pub mod trend;
pub mod triage;

/// Python's `datetime.isoformat()` for a local time: microseconds unless they are zero.
/// RFC 3339 with the local offset (`2026-11-29T21:31:49.884812+00:00`): trivyscan's own
/// formats, read by people and tools in other time zones.
pub fn iso_zoned(t: &chrono::DateTime<chrono::Local>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

pub fn iso_local(t: &chrono::DateTime<chrono::Local>) -> String {
    if t.timestamp_subsec_micros() == 0 {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}

/// About how many bytes one target's report entry takes, so it is rendered into one allocation
/// instead of growing (and copying) a buffer of half a megabyte step by step.
pub(crate) fn entry_size_hint(result: &crate::model::TargetResult) -> usize {
    let crate::model::Outcome::Scanned { report, .. } = &result.outcome else {
        return 1024;
    };
    let per_vulnerability: usize = report
        .results
        .iter()
        .flat_map(|r| &r.vulnerabilities)
        .map(|v| {
            v.description.len() + v.title.len() + v.cvss.as_ref().map_or(0, |c| c.get().len()) + 400
        })
        .sum();
    let others: usize = report
        .results
        .iter()
        .map(|r| (r.secrets.len() + r.misconfigurations.len() + r.licenses.len()) * 600)
        .sum();
    4096 + per_vulnerability + others
}

/// `2026-11-29 21:31:49` (and its UTC offset when the report has one) of an ISO time; as
/// written when it is not one.
pub fn readable_time(iso: &str) -> String {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(iso) {
        return t.format("%Y-%m-%d %H:%M:%S %:z").to_string();
    }
    chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// `, took 4m 12s` between two ISO times; nothing when either is not one.
pub fn took(started: &str, finished: &str) -> String {
    let parse = |iso: &str| {
        chrono::DateTime::parse_from_rfc3339(iso)
            .map(|t| t.naive_utc())
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M:%S%.f"))
            .ok()
    };
    let (Some(a), Some(b)) = (parse(started), parse(finished)) else {
        return String::new();
    };
    let seconds = (b - a).num_milliseconds().max(0) as f64 / 1000.0;
    if seconds < 60.0 {
        format!(", took {seconds:.1} s")
    } else {
        let whole = seconds.round() as u64;
        format!(", took {}m {:02}s", whole / 60, whole % 60)
    }
}

/// A UUID made from `parts` (SHA-256 of them, in UUID version 5's layout): the same parts give
/// the same UUID, so GitLab and SBOM consumers track what they name across runs.
pub fn stable_uuid(parts: &[&str]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0]);
        }
        h.update(part.as_bytes());
    }
    let hex: String = h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-5{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// Renders a saved (or just written) JSON report in one of the formats made from it.
pub fn render_from_doc(
    doc: &json_reader::Doc,
    format: crate::settings::RenderedFormat,
    show_secrets: bool,
) -> Vec<u8> {
    let options = RenderOptions {
        show_secrets,
        ..RenderOptions::default()
    };
    render_with(doc, format, &options).0
}

/// How the formats made from the JSON report are rendered.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// HTML: secret findings' match lines as Trivy gave them.
    pub show_secrets: bool,
    /// SARIF: the most results kept (`report.sarif.max_results`).
    pub sarif_max_results: usize,
    /// SARIF: one file, or one per target set or image (`report.sarif.split`).
    pub sarif_split: crate::settings::SarifSplit,
}

/// One file of a rendered format: its part's name (a split SARIF report's set or image) for
/// the file name, its bytes, and for SARIF what was left out.
pub struct RenderedFile {
    pub part: Option<String>,
    pub bytes: Vec<u8>,
    pub cut: Option<sarif::Cut>,
}

/// The files of one format made from the report: one, or one per part of a split SARIF report.
pub fn render_files(
    doc: &json_reader::Doc,
    format: crate::settings::RenderedFormat,
    options: &RenderOptions,
) -> Vec<RenderedFile> {
    use crate::settings::{RenderedFormat, SarifSplit};
    if format == RenderedFormat::Sarif && options.sarif_split != SarifSplit::None {
        return sarif::render_parts(doc, options.sarif_max_results, options.sarif_split)
            .into_iter()
            .map(|p| RenderedFile {
                part: Some(p.name),
                bytes: p.bytes,
                cut: Some(p.cut),
            })
            .collect();
    }
    let (bytes, cut) = render_with(doc, format, options);
    vec![RenderedFile {
        part: None,
        bytes,
        cut,
    }]
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            show_secrets: false,
            sarif_max_results: crate::settings::SARIF_SHOWN_RESULTS,
            sarif_split: crate::settings::SarifSplit::None,
        }
    }
}

/// [`render_from_doc`], and for SARIF what was left out to stay within GitHub's limits.
pub fn render_with(
    doc: &json_reader::Doc,
    format: crate::settings::RenderedFormat,
    options: &RenderOptions,
) -> (Vec<u8>, Option<sarif::Cut>) {
    use crate::settings::RenderedFormat;
    let show_secrets = options.show_secrets;
    let bytes = match format {
        RenderedFormat::Sarif => {
            let (bytes, cut) = sarif::render_limited(doc, options.sarif_max_results);
            return (bytes, Some(cut));
        }
        RenderedFormat::Junit => junit::render(doc),
        RenderedFormat::Markdown => markdown::render(doc),
        RenderedFormat::Html => html::render(doc, &html::HtmlOptions { show_secrets }),
        RenderedFormat::OpenVex => openvex::render(doc, "trivyscan").0,
        RenderedFormat::Gitlab => gitlab::render(doc),
    };
    (bytes, None)
}

#[cfg(test)]
mod tests {
    use super::{readable_time, took};

    #[test]
    fn run_times_read_as_a_person_would() {
        assert_eq!(
            readable_time("2026-11-29T21:31:49.884812"),
            "2026-11-29 21:31:49"
        );
        assert_eq!(
            readable_time("2026-12-05T17:30:51.123+01:00"),
            "2026-12-05 17:30:51 +01:00"
        );
        assert_eq!(readable_time("not a time"), "not a time");
        assert_eq!(
            took("2026-12-05T17:30:51+00:00", "2026-12-05T17:35:03+00:00"),
            ", took 4m 12s"
        );
        assert_eq!(
            took("2026-12-05T17:30:51.0", "2026-12-05T17:30:51.4"),
            ", took 0.4 s"
        );
        assert_eq!(took("2026-12-05T17:30:51.0", "later"), "");
    }
}
