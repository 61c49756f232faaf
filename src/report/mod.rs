//! Report formats (pure renderers) and the atomic writing of report files.

pub mod baseline;
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

/// Renders a saved (or just written) JSON report in one of the formats made from it.
pub fn render_from_doc(
    doc: &json_reader::Doc,
    format: crate::settings::RenderedFormat,
    show_secrets: bool,
) -> Vec<u8> {
    use crate::settings::RenderedFormat;
    match format {
        RenderedFormat::Sarif => sarif::render(doc),
        RenderedFormat::Junit => junit::render(doc),
        RenderedFormat::Markdown => markdown::render(doc),
        RenderedFormat::Html => html::render(doc, &html::HtmlOptions { show_secrets }),
        RenderedFormat::OpenVex => openvex::render(doc, "trivyscan").0,
        RenderedFormat::Gitlab => gitlab::render(doc),
    }
}
