//! `markdown`: a summary for pull-request comments and CI job summaries: the gate, fleet
//! totals, Fix impact, a table per target, failed targets.

use std::fmt::Write;

use super::json_reader::Doc;
use super::sections::{self, Cell as SectionCell, Section, Table};
use crate::model::Severity;

/// How many upgrades the summary lists.
const TOP_FIXES: usize = 10;

/// How many findings a target's folded list shows (a PR comment holds 65,536 characters).
const FINDINGS_PER_TARGET: usize = 100;

/// Table cells hold arbitrary text: pipes and line breaks would break the table.
/// Text in a table cell or a list item: what Markdown or the HTML a PR comment allows would
/// interpret (`<img onerror>`, `<!--` hiding the rows below, backticks, `|`) is escaped, and
/// line breaks become spaces.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push_str("\\`"),
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// `s` as a code span: a fence longer than any run of backticks in it (CommonMark), so the
/// text cannot close the span early; `|` escaped for tables; line breaks as spaces.
fn code(s: &str) -> String {
    let text: String = s
        .chars()
        .map(|c| match c {
            '\n' | '\r' => " ".to_string(),
            '|' => "\\|".to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect();
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // An empty span would be two backticks, which Markdown shows as they are.
    let pad = if text.is_empty() || text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
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

/// A target's findings, most severe first, folded (`<details>`, which GitHub and GitLab render)
/// so a fleet's comment stays short. Secrets show their rule and file, never the match.
fn findings_list(out: &mut String, target: &super::json_reader::DocTarget, intel: bool) {
    let mut rows: Vec<(Severity, &str, &super::json_reader::DocFinding)> = Vec::new();
    for severity in severities() {
        for (component, by_severity) in &target.findings {
            for f in by_severity.get(&severity).into_iter().flatten() {
                rows.push((severity, component, f));
            }
        }
    }
    // Known exploited first, then the likeliest to be exploited; by severity within.
    rows.sort_by(|a, b| {
        b.2.kev
            .is_some()
            .cmp(&a.2.kev.is_some())
            .then(b.2.epss_probability().total_cmp(&a.2.epss_probability()))
    });
    let _ = writeln!(
        out,
        "<details><summary>{} finding(s) in {}</summary>\n",
        rows.len(),
        cell(&target.target)
    );
    let _ = writeln!(
        out,
        "| Severity | ID | Package or file | Installed | Fixed | Component | Title |{}",
        if intel { " Exploitation |" } else { "" }
    );
    let _ = writeln!(
        out,
        "|---|---|---|---|---|---|---|{}",
        if intel { "---|" } else { "" }
    );
    for (severity, component, f) in rows.iter().take(FINDINGS_PER_TARGET) {
        let extra = if intel {
            format!(" {} |", exploitation(f))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} | {} | {} | {} |{extra}",
            severity.as_str(),
            marks(f),
            code(f.rule_id()),
            cell(f.subject()),
            cell(&f.installed_version),
            if f.fixed_version.is_empty() {
                "-".to_string()
            } else {
                cell(&f.fixed_version)
            },
            cell(component),
            cell(if f.title.is_empty() {
                &f.message
            } else {
                &f.title
            }),
        );
    }
    if rows.len() > FINDINGS_PER_TARGET {
        let _ = writeln!(
            out,
            "\n{} more in the JSON and HTML reports.",
            rows.len() - FINDINGS_PER_TARGET
        );
    }
    let _ = writeln!(out, "\n</details>\n");
}

pub fn render(doc: &Doc) -> Vec<u8> {
    let mut out = String::new();
    header(&mut out, doc);
    if let Some(s) = sections::known_exploited(doc, FINDINGS_PER_TARGET) {
        section(&mut out, &s);
    }
    section(&mut out, &sections::totals(doc));
    if let Some(s) = sections::fix_impact(doc, TOP_FIXES) {
        section(&mut out, &s);
    }
    targets_table(&mut out, doc);
    per_target(&mut out, doc);
    failed_targets(&mut out, doc);
    out.into_bytes()
}

/// The title, the run's line, what it did not do, and the gate.
fn header(out: &mut String, doc: &Doc) {
    let run = &doc.run;
    // A saved report's run fields are text from a file: escaped like any other.
    let _ = writeln!(out, "# trivyscan report: profile {}\n", code(&run.profile));
    let _ = writeln!(
        out,
        "Run {}{}, trivyscan {}, Trivy {}{}.\n",
        cell(&super::readable_time(&run.started_at)),
        cell(&super::took(&run.started_at, &run.finished_at)),
        cell(&run.version),
        if run.trivy_version.is_empty() {
            "-".to_string()
        } else {
            cell(&run.trivy_version)
        },
        run.db_updated_at
            .as_deref()
            .map(|d| format!(", vulnerability DB of {}", cell(d)))
            .unwrap_or_else(|| ", no vulnerability DB".into()),
    );
    let not_done = doc.not_done();
    if !not_done.is_empty() {
        let _ = writeln!(out, "> [!WARNING]");
        for item in &not_done {
            let _ = writeln!(out, "> **{}.**", cell(&item.text));
        }
        let _ = writeln!(out);
    }
    let (_, verdict) = doc.verdict_text();
    let _ = writeln!(out, "**{}**\n", cell(&verdict));
    if let Some(since) = doc.since_baseline() {
        let _ = writeln!(
            out,
            "## Since the previous run\n\n{}\n",
            cell(&since.words())
        );
    }
}

/// "KEV (due 2026-11-22, ransomware)" and "EPSS 0.912".
fn exploitation(f: &super::json_reader::DocFinding) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &f.kev {
        parts.push(format!(
            "**KEV** (due {}{})",
            cell(&k.due_date),
            if k.known_ransomware_use {
                ", ransomware"
            } else {
                ""
            }
        ));
    }
    if let Some(e) = &f.epss {
        parts.push(format!("EPSS {:.3}", e.probability));
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

/// After the severity: new since the baseline (and why), past its due date.
fn marks(f: &super::json_reader::DocFinding) -> String {
    let mut out = String::new();
    match (f.baseline.as_deref(), f.previous_severity) {
        (Some("new"), _) => out.push_str(&format!(
            ", new: {}",
            cell(f.cause.as_deref().unwrap_or("-"))
        )),
        (Some("updated"), Some(from)) => out.push_str(&format!(", rescored from {from}")),
        _ => {}
    }
    if f.overdue == Some(true) {
        out.push_str(&format!(
            ", **overdue** (due {})",
            cell(f.due.as_deref().unwrap_or("-"))
        ));
    }
    out
}

/// A fleet section (`report::sections`) as Markdown.
fn section(out: &mut String, s: &Section) {
    let _ = writeln!(out, "## {}\n", s.title);
    if let Some(intro) = &s.intro {
        let _ = writeln!(out, "{}\n", cell(intro));
    }
    if let Some(t) = &s.table {
        table(out, t);
    }
    for (heading, t) in &s.parts {
        let _ = writeln!(out, "### {heading}\n");
        table(out, t);
    }
}

fn table(out: &mut String, t: &Table) {
    let titles: Vec<&str> = t.columns.iter().map(|c| c.title).collect();
    let _ = writeln!(out, "| {} |", titles.join(" | "));
    let rule: String = t
        .columns
        .iter()
        .map(|c| if c.numeric { "---:|" } else { "---|" })
        .collect();
    let _ = writeln!(out, "|{rule}");
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                SectionCell::Text(text) => cell(text),
                SectionCell::Id(text) => code(text),
                SectionCell::Count(n) => n.to_string(),
                SectionCell::Decimal(x) => format!("{x:.3}"),
                SectionCell::Severity(s) => s.to_string(),
                SectionCell::Kev(Some(_)) => "KEV".to_string(),
                SectionCell::Epss(Some(e)) => format!("{:.3}", e.probability),
                SectionCell::Kev(None) | SectionCell::Epss(None) | SectionCell::Empty => {
                    "-".to_string()
                }
                SectionCell::NotScanned => "not scanned".to_string(),
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if t.more > 0 {
        let _ = writeln!(out, "\n{} more in the JSON and HTML reports.", t.more);
    }
    out.push('\n');
}

/// A row per target: an error and dashes for one that could not be scanned.
fn targets_table(out: &mut String, doc: &Doc) {
    let head: Vec<&str> = severities().map(Severity::as_str).collect();
    let _ = writeln!(out, "## Targets\n");
    let _ = writeln!(out, "| Target | Set | Status | {} |", head.join(" | "));
    let _ = writeln!(out, "|---|---|---|{}", "---:|".repeat(head.len()));
    for target in &doc.targets {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code(&target.shown()),
            cell(&target.set),
            target.status,
            // A target that could not be scanned has no counts: a dash, not a clean 0.
            if target.error.is_some() {
                vec!["-"; Severity::ALL.len()].join(" | ")
            } else {
                severity_cells(&target.counts)
            }
        );
    }
    out.push('\n');
}

/// Per target with findings: counts by component, then the findings, folded.
fn per_target(out: &mut String, doc: &Doc) {
    let head: Vec<&str> = severities().map(Severity::as_str).collect();
    let with_findings: Vec<_> = doc
        .targets
        .iter()
        .filter(|t| !t.findings.is_empty())
        .collect();
    for target in with_findings {
        let _ = writeln!(out, "### {}\n", code(&target.shown()));
        let _ = writeln!(out, "| Component | {} |", head.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(head.len()));
        for (component, by_severity) in &target.findings {
            let counts: Vec<String> = severities()
                .map(|s| by_severity.get(&s).map_or(0, Vec::len).to_string())
                .collect();
            let _ = writeln!(out, "| {} | {} |", cell(component), counts.join(" | "));
        }
        out.push('\n');
        findings_list(out, target, sections::has_intel(doc));
    }
}

/// The targets that could not be scanned, with why.
fn failed_targets(out: &mut String, doc: &Doc) {
    let failed: Vec<_> = doc.targets.iter().filter(|t| t.error.is_some()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "## Failed targets\n");
        for t in failed {
            let e = t.error.as_ref().expect("filtered");
            let _ = writeln!(
                out,
                "- {}: {} ({})",
                code(&t.target),
                cell(&e.message),
                e.kind
            );
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::{cell, code};
    use proptest::prelude::*;

    #[test]
    fn html_and_markdown_in_text_are_shown_not_interpreted() {
        assert_eq!(
            cell("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(cell("<!-- hide"), "&lt;!-- hide");
        assert_eq!(cell("a|b`c`&"), "a\\|b\\`c\\`&amp;");
        assert_eq!(code("app:1"), "`app:1`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }

    proptest! {
        /// Whatever the text, a cell holds no raw `<`, `>`, line break or unescaped backtick
        /// or pipe, so it can neither open HTML nor leave its table cell.
        #[test]
        fn a_cell_never_opens_html_or_leaves_its_cell(s in "\\PC*|[<>&`|\\\\\n\r!-]*") {
            let out = cell(&s);
            prop_assert!(!out.contains('<') && !out.contains('>'));
            prop_assert!(!out.contains('\n') && !out.contains('\r'));
            let bytes = out.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                if *b == b'`' || *b == b'|' {
                    // Preceded by an odd number of backslashes: escaped.
                    let slashes = bytes[..i].iter().rev().take_while(|c| **c == b'\\').count();
                    prop_assert!(slashes % 2 == 1, "{out:?}");
                }
            }
        }

        /// A code span's fence is longer than any backtick run inside it.
        #[test]
        fn a_code_span_is_never_closed_early(s in "[a-z`|<]*") {
            let out = code(&s);
            let fence = out.chars().take_while(|c| *c == '`').count();
            let inner = &out[fence..out.len() - fence];
            let longest = inner.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            prop_assert!(longest < fence, "{out:?}");
            prop_assert!(out.ends_with(&"`".repeat(fence)));
        }
    }
}
