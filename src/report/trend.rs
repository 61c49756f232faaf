//! `report trend`: a fleet over runs, from saved JSON reports (the reports are the memory):
//! per run the findings by severity, known exploited, overdue, and the changes since the run
//! before by cause (`report::triage`). As text, JSON, a Markdown table for CI summaries, or an
//! HTML page whose chart is inline SVG (no script, nothing fetched).

use indexmap::IndexMap;
use serde::Serialize;

use super::baseline::diff_docs;
use super::json_reader::Doc;
use super::triage::Cause;
use crate::model::{Severity, Verdict};

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub runs: Vec<TrendRun>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendRun {
    pub report: String,
    pub started_at: String,
    pub db_updated_at: Option<String>,
    pub verdict: Verdict,
    pub targets: usize,
    pub failed: usize,
    /// Findings by severity, highest first; `None` when vulnerabilities were not looked at
    /// (a zero would read as clean).
    pub findings: Option<IndexMap<Severity, usize>>,
    pub known_exploited: Option<usize>,
    pub overdue: Option<usize>,
    /// Since the run before (none for the first): the changes by cause, zero ones left out.
    pub changes: Option<IndexMap<Cause, usize>>,
}

/// The trend of `docs` (path, report), ordered by when each run started.
pub fn trend(mut docs: Vec<(String, Doc)>) -> Trend {
    let started = |d: &Doc| chrono::DateTime::parse_from_rfc3339(&d.run.started_at).ok();
    docs.sort_by_key(|(_, d)| started(d));
    let mut runs: Vec<TrendRun> = Vec::new();
    for (i, (path, doc)) in docs.iter().enumerate() {
        let changes = (i > 0).then(|| {
            diff_docs(&docs[i - 1].1, doc)
                .totals
                .by_cause
                .into_iter()
                .filter(|(c, n)| *n > 0 && *c != Cause::Unchanged)
                .collect()
        });
        runs.push(TrendRun {
            report: path.clone(),
            started_at: doc.run.started_at.clone(),
            db_updated_at: doc.run.db_updated_at.clone(),
            verdict: doc.verdict(),
            targets: doc.totals.targets,
            failed: doc.totals.failed,
            findings: doc.counts_known().then(|| {
                Severity::ALL
                    .iter()
                    .rev()
                    .map(|s| (*s, doc.totals.counts.get(s).copied().unwrap_or(0)))
                    .collect()
            }),
            known_exploited: doc.known_exploited.as_ref().map(|k| k.findings),
            overdue: doc.overdue.map(|o| o.findings),
            changes,
        });
    }
    Trend { runs }
}

impl TrendRun {
    fn day(&self) -> &str {
        self.started_at.get(..10).unwrap_or(&self.started_at)
    }

    fn total(&self) -> Option<usize> {
        self.findings.as_ref().map(|f| f.values().sum())
    }

    fn changes_words(&self) -> String {
        match &self.changes {
            None => "-".to_string(),
            Some(c) if c.is_empty() => "no change".to_string(),
            Some(c) => c
                .iter()
                .map(|(cause, n)| {
                    let sign = if cause.is_gone() { "-" } else { "+" };
                    format!("{sign}{n} {}", cause.as_str())
                })
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// The cells of a row: day, verdict, findings by severity, KEV, overdue, changes.
    fn cells(&self) -> Vec<String> {
        let count = |n: Option<usize>| n.map_or("-".to_string(), |n| n.to_string());
        let mut cells = vec![self.day().to_string(), self.verdict.as_str().to_string()];
        match &self.findings {
            Some(f) => cells.extend(f.values().map(|n| n.to_string())),
            None => cells.extend(Severity::ALL.iter().map(|_| "not scanned".to_string())),
        }
        cells.push(count(self.known_exploited));
        cells.push(count(self.overdue));
        cells.push(self.changes_words());
        cells
    }
}

fn headings() -> Vec<String> {
    let mut h = vec!["run".to_string(), "verdict".to_string()];
    h.extend(Severity::ALL.iter().rev().map(|s| s.as_str().to_string()));
    h.extend(["KEV", "overdue", "since the run before"].map(String::from));
    h
}

impl Trend {
    pub fn to_text(&self) -> String {
        let mut out = headings().join("\t");
        out.push('\n');
        for run in &self.runs {
            out.push_str(&run.cells().join("\t"));
            out.push('\n');
        }
        out
    }

    pub fn to_markdown(&self) -> String {
        let escape = |s: &str| s.replace('|', "\\|").replace(['<', '>'], "");
        let h = headings();
        let mut out = format!(
            "## Trend over {} runs\n\n| {} |\n|",
            self.runs.len(),
            h.join(" | ")
        );
        out.push_str(&"---|".repeat(h.len()));
        out.push('\n');
        for run in &self.runs {
            let cells: Vec<String> = run.cells().iter().map(|c| escape(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out
    }

    /// A page with the table and an inline SVG chart of the findings per run, a line per
    /// severity; nothing runs and nothing is fetched to see it.
    pub fn to_html(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let mut out = String::from(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>trivyscan trend</title><style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}td:first-child,th:first-child{text-align:left}svg{max-width:100%;height:auto}</style></head><body>",
        );
        out.push_str(&format!(
            "<h1>trivyscan: trend over {} runs</h1>",
            self.runs.len()
        ));
        out.push_str(&self.chart());
        out.push_str("<table><thead><tr>");
        for h in headings() {
            out.push_str(&format!("<th>{}</th>", esc(&h)));
        }
        out.push_str("</tr></thead><tbody>");
        for run in &self.runs {
            out.push_str(&format!("<tr title=\"{}\">", esc(&run.report)));
            for c in run.cells() {
                out.push_str(&format!("<td>{}</td>", esc(&c)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></body></html>\n");
        out
    }

    /// Findings per run, a line per severity (and the total), 640 x 240.
    fn chart(&self) -> String {
        const W: f64 = 640.0;
        const H: f64 = 240.0;
        const PAD: f64 = 30.0;
        let highest = self
            .runs
            .iter()
            .filter_map(TrendRun::total)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let step = if self.runs.len() > 1 {
            (W - 2.0 * PAD) / (self.runs.len() - 1) as f64
        } else {
            0.0
        };
        let x = |i: usize| PAD + step * i as f64;
        let y = |n: usize| H - PAD - (H - 2.0 * PAD) * n as f64 / highest;
        let mut svg = format!(
            "<svg id=\"trend-chart\" role=\"img\" aria-label=\"findings per run\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\"><line x1=\"{PAD}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#999\"/><text x=\"2\" y=\"{2}\" font-size=\"10\">{highest}</text>",
            H - PAD,
            W - PAD,
            PAD,
        );
        let colors = [
            (Severity::Critical, "#7b1fa2"),
            (Severity::High, "#d32f2f"),
            (Severity::Medium, "#f57c00"),
            (Severity::Low, "#1976d2"),
            (Severity::Unknown, "#757575"),
        ];
        for (severity, color) in colors {
            let points: Vec<String> = self
                .runs
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let n = r.findings.as_ref()?.get(&severity).copied()?;
                    Some(format!("{:.1},{:.1}", x(i), y(n)))
                })
                .collect();
            if points.is_empty() {
                continue;
            }
            svg.push_str(&format!(
                "<polyline data-severity=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                severity.as_str(),
                points.join(" ")
            ));
        }
        for (i, run) in self.runs.iter().enumerate() {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                x(i),
                H - 8.0,
                run.day()
            ));
        }
        svg.push_str("</svg>");
        svg
    }
}
