//! `markdown`: a summary for pull-request comments and CI job summaries: the gate, fleet
//! totals, the top fixes, a table per target, failed targets.

use std::fmt::Write;

use super::doc::Doc;
use crate::model::Severity;

/// How many upgrades the summary lists.
const TOP_FIXES: usize = 10;

/// Table cells hold arbitrary text: pipes and line breaks would break the table.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn severities() -> impl Iterator<Item = Severity> {
    Severity::ALL.into_iter().rev()
}

/// Counts per severity, highest first, as table cells.
fn severity_cells(counts: &indexmap::IndexMap<Severity, usize>) -> String {
    severities()
        .map(|s| counts.get(&s).copied().unwrap_or(0).to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

pub fn render(doc: &Doc) -> Vec<u8> {
    let mut out = String::new();
    let run = &doc.run;
    let _ = writeln!(out, "# trivyscan report: profile `{}`\n", run.profile);
    let _ = writeln!(
        out,
        "Run {} to {}, trivyscan {}, Trivy {}{}.\n",
        run.started_at,
        run.finished_at,
        run.version,
        if run.trivy_version.is_empty() {
            "-"
        } else {
            &run.trivy_version
        },
        run.db_updated_at
            .as_deref()
            .map(|d| format!(", vulnerability DB of {d}"))
            .unwrap_or_else(|| ", no vulnerability DB".into()),
    );
    let not_done = doc.not_done();
    if !not_done.is_empty() {
        let _ = writeln!(out, "> [!WARNING]");
        for item in &not_done {
            let _ = writeln!(out, "> **{}.**", item.text);
        }
        let _ = writeln!(out);
    }
    match &doc.gate {
        Some(g) if g.fail_on.is_some() => {
            let level = g.fail_on.expect("checked");
            let which = if g.fail_on_new {
                "new finding(s)"
            } else {
                "finding(s)"
            };
            if g.passed {
                let _ = writeln!(out, "**Gate passed**: no {which} at or above {level}.\n");
            } else {
                let _ = writeln!(
                    out,
                    "**Gate failed**: {} {which} at or above {level}.\n",
                    g.findings
                );
            }
        }
        _ => {}
    }
    let t = &doc.totals;
    let _ = writeln!(out, "## Fleet totals\n");
    let head: Vec<&str> = severities().map(Severity::as_str).collect();
    let _ = writeln!(
        out,
        "| Targets | Scanned | Failed | {} | Suppressed |",
        head.join(" | ")
    );
    let _ = writeln!(out, "|---:|---:|---:|{}---:|", "---:|".repeat(head.len()));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n",
        t.targets,
        t.scanned,
        t.failed,
        severity_cells(&t.counts),
        t.suppressed
    );
    if !doc.fix_impact.is_empty() {
        let _ = writeln!(out, "## Top fixes\n");
        let _ = writeln!(
            out,
            "| Package | Upgrade to | Findings cleared | Targets | Highest |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---|");
        for f in doc.fix_impact.iter().take(TOP_FIXES) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&f.package),
                cell(&f.fixed_version),
                f.findings,
                f.targets,
                f.highest_severity
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Targets\n");
    let _ = writeln!(out, "| Target | Set | Status | {} |", head.join(" | "));
    let _ = writeln!(out, "|---|---|---|{}", "---:|".repeat(head.len()));
    for target in &doc.targets {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            cell(&target.target),
            cell(&target.set),
            target.status,
            severity_cells(&target.counts)
        );
    }
    out.push('\n');
    let with_findings: Vec<_> = doc
        .targets
        .iter()
        .filter(|t| !t.findings.is_empty())
        .collect();
    for target in with_findings {
        let _ = writeln!(out, "### `{}`\n", cell(&target.target));
        let _ = writeln!(out, "| Component | {} |", head.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(head.len()));
        for (component, by_severity) in &target.findings {
            let counts: Vec<String> = severities()
                .map(|s| by_severity.get(&s).map_or(0, Vec::len).to_string())
                .collect();
            let _ = writeln!(out, "| {} | {} |", cell(component), counts.join(" | "));
        }
        out.push('\n');
    }
    let failed: Vec<_> = doc.targets.iter().filter(|t| t.error.is_some()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "## Failed targets\n");
        for t in failed {
            let e = t.error.as_ref().expect("filtered");
            let _ = writeln!(
                out,
                "- `{}`: {} ({})",
                cell(&t.target),
                cell(&e.message),
                e.kind
            );
        }
        out.push('\n');
    }
    out.into_bytes()
}
