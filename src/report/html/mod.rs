//! `html`: one self-contained page (no external assets; works offline). A fleet overview chart
//! (findings per severity per target, inline SVG), the fix-impact table, and a section per
//! target whose findings can be sorted (click a column) and filtered by severity, component and
//! text. Filters can be preset in the address: `report.html#severity=CRITICAL,HIGH&q=openssl`.
//! Secret matches are masked unless `show_secrets` is set.

use std::fmt::Write;

use super::json_reader::Doc;
use super::sections::{self, Cell, Column, Section, Table};
use assets::{SCRIPT, STYLE};
use parts::{badge, epss_cell, esc, kev_badge, severities};
use targets::{target_sections, targets_overview};

mod assets;
mod parts;
mod targets;
use crate::model::Severity;
pub use parts::HtmlOptions;

/// How many upgrades Fix impact lists (the JSON report has them all).
const FIX_IMPACT_ROWS: usize = 100;

pub fn render(doc: &Doc, opts: &HtmlOptions) -> Vec<u8> {
    let mut out = String::new();
    page_head(&mut out, doc);
    not_done_and_gate(&mut out, doc);
    overview(&mut out, doc);
    fleet_tables(&mut out, doc);
    filters(&mut out, doc);
    target_sections(&mut out, doc, opts);
    let _ = writeln!(out, "</main><script>{SCRIPT}</script></body></html>");
    out.into_bytes()
}

/// The document head and the run's header line.
fn page_head(out: &mut String, doc: &Doc) {
    let run = &doc.run;
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>trivyscan report: {}</title><style>{STYLE}</style></head><body>",
        esc(&run.profile)
    );
    let _ = write!(
        out,
        "<header><h1>trivyscan report: profile {}</h1><p><time datetime=\"{}\">{}</time>{} · trivyscan {} · Trivy {} · DB {} · {} targets, {}, {} failed{} · verdict: {}</p></header><main>",
        esc(&run.profile),
        esc(&run.started_at),
        esc(&super::readable_time(&run.started_at)),
        esc(&super::took(&run.started_at, &run.finished_at)),
        esc(&run.version),
        esc(&run.trivy_version),
        esc(run
            .db_updated_at
            .as_deref()
            .unwrap_or("none (no vulnerability DB)")),
        doc.totals.targets,
        if run.skipped_scanners.iter().any(|s| s == "vuln") {
            format!("{} scanned without vulnerabilities", doc.totals.scanned)
        } else {
            format!("{} scanned", doc.totals.scanned)
        },
        doc.totals.failed,
        if run.interrupted {
            " · interrupted"
        } else {
            ""
        },
        doc.verdict().as_str().to_uppercase()
    );
}

/// What the run did not do (a banner), then the gate's verdict.
fn not_done_and_gate(out: &mut String, doc: &Doc) {
    let not_done = doc.not_done();
    if !not_done.is_empty() {
        let _ = write!(
            out,
            "<section id=\"not-done\" class=\"not-done\" role=\"alert\">"
        );
        for item in &not_done {
            let _ = write!(
                out,
                "<p data-key=\"{}\"><strong>{}</strong></p>",
                esc(&item.key),
                esc(&item.text)
            );
        }
        let _ = write!(out, "</section>");
    }
    let (verdict, text) = doc.verdict_text();
    let class = match verdict {
        crate::model::Verdict::Passed => "gate-passed",
        crate::model::Verdict::Failed => "gate-failed",
        crate::model::Verdict::Incomplete => "not-done",
    };
    let _ = write!(
        out,
        "<section id=\"gate\" class=\"{class}\" data-verdict=\"{}\"><strong>{}</strong></section>",
        verdict.as_str(),
        esc(&text)
    );
    if let Some(since) = doc.since_baseline() {
        let _ = write!(
            out,
            "<section id=\"since\"><p>{}</p></section>",
            esc(&since.words())
        );
    }
    known_exploited(out, doc);
}

/// A fleet section (`report::sections`) as HTML: severity and KEV cells sort by rank.
fn section(out: &mut String, s: &Section, sortable: bool) {
    let _ = write!(
        out,
        "<section id=\"{}\"><h2>{}</h2>",
        s.anchor,
        esc(s.title)
    );
    if let Some(intro) = &s.intro {
        let _ = write!(out, "<p>{}</p>", esc(intro));
    }
    if let Some(t) = &s.table {
        table(out, t, sortable);
    }
    for (heading, t) in &s.parts {
        let _ = write!(out, "<h3>{}</h3>", esc(heading));
        table(out, t, false);
    }
}

fn table(out: &mut String, t: &Table, sortable: bool) {
    out.push_str(if sortable {
        "<div class=\"scroll\"><table class=\"sortable\"><thead><tr>"
    } else {
        "<div class=\"scroll\"><table><thead><tr>"
    });
    for c in &t.columns {
        // A severity's column is headed by its badge.
        let title = Severity::from_name(c.title).map_or_else(|| esc(c.title), badge);
        // Aligned as its cells, so a count sits under its badge.
        let class = if c.numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th{class}>{title}</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for (column, cell) in t.columns.iter().zip(row) {
            let class = if column.numeric { " class=\"num\"" } else { "" };
            let (sort, shown) = match cell {
                Cell::Text(text) | Cell::Id(text) => (None, esc(text)),
                Cell::Count(n) => (None, n.to_string()),
                Cell::Decimal(x) if *x > 0.0 => (None, format!("{x:.3}")),
                Cell::Decimal(_) | Cell::Empty => (None, String::new()),
                Cell::Severity(s) => (Some((*s as u8).to_string()), badge(*s)),
                Cell::Kev(k) => (
                    Some(u8::from(k.is_some()).to_string()),
                    kev_badge(k.as_deref()),
                ),
                Cell::Epss(e) => (
                    Some(e.as_ref().map_or(0.0, |e| e.probability).to_string()),
                    epss_cell(e.as_deref()),
                ),
                Cell::NotScanned => (None, "not scanned".to_string()),
            };
            match sort {
                Some(key) => {
                    let _ = write!(out, "<td{class} data-sort=\"{key}\">{shown}</td>");
                }
                None => {
                    let _ = write!(out, "<td{class}>{shown}</td>");
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if t.more > 0 {
        let _ = write!(out, "<p>{} more in the JSON report.</p>", t.more);
    }
}

/// Fleet totals, and the chart of findings per target.
fn overview(out: &mut String, doc: &Doc) {
    section(out, &sections::totals(doc), false);
    // A chart only for what was looked at: an empty bar would read as clean.
    if doc.totals.scanned == 0 {
        out.push_str("<p class=\"muted\">No target was scanned.</p>");
    } else if doc.counts_known() {
        out.push_str(&fleet_chart(doc));
    } else {
        out.push_str(
            "<p class=\"not-done\">No chart: vulnerabilities were not scanned in any target.</p>",
        );
    }
    out.push_str("</section>");
    targets_overview(out, doc);
}

/// The fleet's findings by severity as one bar, each part titled with its count.
fn fleet_chart(doc: &Doc) -> String {
    let total: usize = doc.totals.counts.values().sum();
    if total == 0 {
        return "<p id=\"fleet-chart\" class=\"muted\">No findings in any scanned target.</p>"
            .into();
    }
    let mut bar = String::from(
        "<div id=\"fleet-chart\" class=\"bar fleet-bar\" role=\"img\" aria-label=\"findings per severity across the fleet\">",
    );
    for s in severities() {
        let n = doc.totals.counts.get(&s).copied().unwrap_or(0);
        if n > 0 {
            let _ = write!(
                bar,
                "<span style=\"width:{:.2}%;background:{}\" title=\"{n} {s}\"></span>",
                100.0 * n as f64 / total as f64,
                parts::color(s)
            );
        }
    }
    bar.push_str("</div>");
    bar
}

/// The fleet's known-exploited vulnerabilities, first of all the tables: what to fix first.
fn known_exploited(out: &mut String, doc: &Doc) {
    if let Some(s) = sections::known_exploited(doc, usize::MAX) {
        section(out, &s, true);
        out.push_str("</section>");
    }
}

/// Fix impact and every vulnerability across the fleet.
fn fleet_tables(out: &mut String, doc: &Doc) {
    if let Some(s) = sections::fix_impact(doc, FIX_IMPACT_ROWS) {
        section(out, &s, true);
        out.push_str("</section>");
    }
    if !doc.vulnerabilities.is_empty() {
        let _ = write!(
            out,
            "<section id=\"fleet-vulnerabilities\"><details><summary><h2 style=\"display:inline\">Vulnerabilities across the fleet ({})</h2></summary>",
            doc.vulnerabilities.len()
        );
        let rows = doc
            .vulnerabilities
            .iter()
            .map(|v| {
                vec![
                    Cell::Severity(v.severity),
                    Cell::Id(v.id.clone()),
                    Cell::Text(v.packages.join(", ")),
                    Cell::Count(v.targets.len()),
                    Cell::Text(v.targets.join(", ")),
                    Cell::Kev(v.kev.clone()),
                    Cell::Epss(v.epss.clone()),
                ]
            })
            .collect();
        let columns = [
            "Severity",
            "ID",
            "Packages",
            "Targets",
            "Affected targets",
            "KEV",
            "EPSS",
        ]
        .into_iter()
        .map(|title| Column {
            title,
            numeric: matches!(title, "Targets" | "EPSS"),
        })
        .collect();
        table(
            out,
            &Table {
                columns,
                rows,
                more: 0,
            },
            true,
        );
        out.push_str("</details></section>");
    }
}

/// The severity, component and text filters.
fn filters(out: &mut String, doc: &Doc) {
    let mut components: Vec<&str> = doc
        .targets
        .iter()
        .flat_map(|t| t.findings.keys().map(String::as_str))
        .collect();
    components.sort();
    components.dedup();
    out.push_str("<section id=\"filters\"><div class=\"filters\"><strong>Filter:</strong>");
    for s in severities() {
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" class=\"sev-filter\" value=\"{s}\" checked> {s}</label>"
        );
    }
    out.push_str(
        "<label>Component <select id=\"component-filter\"><option value=\"\">all</option>",
    );
    for c in &components {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", esc(c));
    }
    out.push_str("</select></label>");
    // With a baseline: new findings by cause; with deadlines: the overdue ones.
    if doc.baseline.is_some() {
        out.push_str("<label>Change <select id=\"change-filter\"><option value=\"\">all</option><option value=\"new\">new</option><option value=\"introduced\">introduced</option><option value=\"disclosed\">disclosed</option><option value=\"appeared\">appeared</option><option value=\"updated\">rescored</option><option value=\"unchanged\">unchanged</option></select></label>");
    }
    if doc
        .targets
        .iter()
        .flat_map(|t| t.all_findings())
        .any(|(_, f)| f.due.is_some())
    {
        out.push_str("<label><input type=\"checkbox\" id=\"overdue-filter\"> overdue only</label>");
    }
    out.push_str("<label><input type=\"checkbox\" id=\"kev-filter\"> known exploited only</label><input type=\"search\" id=\"text-filter\" placeholder=\"search ID, package, title\"></div></section>");
}

#[cfg(test)]
mod tests {
    use super::{HtmlOptions, esc, render};
    use crate::report::json_reader::Doc;
    use proptest::prelude::*;

    /// A report trivyscan wrote for the Trivy fixture (every finding type).
    const REPORT: &str = include_str!("../../../tests/fixtures/trivyscan-0.76-mixed-report.json");

    /// Fields whose text comes from outside: target lists, imported reports, Trivy's DB.
    const FREE_TEXT: [&str; 17] = [
        "set",
        "target",
        "artifact",
        "origin",
        "digest",
        "image_id",
        "id",
        "package",
        "installed_version",
        "fixed_version",
        "result_target",
        "title",
        "description",
        "primary_url",
        "match",
        "file",
        "message",
    ];

    fn replace_free_text(value: &mut serde_json::Value, with: &str) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if v.is_string() && FREE_TEXT.contains(&key.as_str()) {
                        *v = with.into();
                    } else {
                        replace_free_text(v, with);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|v| replace_free_text(v, with))
            }
            _ => {}
        }
    }

    fn html_with(text: &str) -> String {
        let mut value: serde_json::Value = serde_json::from_str(REPORT).unwrap();
        // An imported report's own name is outside text too.
        value["targets"][0]["artifact"] = "x".into();
        replace_free_text(&mut value, text);
        let doc = Doc::parse(value.to_string().as_bytes(), "report.json").unwrap();
        String::from_utf8(render(&doc, &HtmlOptions { show_secrets: true })).unwrap()
    }

    fn hostile() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("<b x=1>".to_string()),
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("</script>".to_string()),
                Just("<!--".to_string()),
                Just("-->".to_string()),
                Just("javascript:alert(1)".to_string()),
                Just("&amp;".to_string()),
                Just("`".to_string()),
                Just("\u{202e}".to_string()),
                "[a-z ]{0,5}",
            ],
            1..8,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever outside text holds, the page has the structure it has with plain text:
        /// no tag, comment, script end or attribute it did not have, and no link to anything
        /// but http(s).
        #[test]
        fn outside_text_never_changes_the_page_structure(text in hostile()) {
            let page = html_with(&text);
            let plain = html_with("x");
            for marker in ["<", "</script", "<!--", "\"", "href=\""] {
                prop_assert_eq!(page.matches(marker).count(), plain.matches(marker).count(), "{}", marker);
            }
            for href in page.split("href=\"").skip(1) {
                prop_assert!(href.starts_with("http") || href.starts_with('#'), "{}", &href[..href.len().min(40)]);
            }
        }

        #[test]
        fn escaped_text_holds_no_markup(text in any::<String>()) {
            let out = esc(&text);
            prop_assert!(!out.contains(['<', '>', '"', '\'']));
        }
    }
}
