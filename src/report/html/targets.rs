//! The targets: those that need action first (not scanned, then with findings ranked), the
//! clean ones folded into one line, and a section per target with findings.

use std::fmt::Write;

use super::parts::{HtmlOptions, MASK, badge, color, epss_cell, esc, kev_badge, severities};
use crate::model::Severity;
use crate::report::json_reader::{Doc, DocFinding, DocTarget};
use crate::report::sections::{self, RankedTarget};

/// The text a target filter searches (its full name, which holds the short one). A clean
/// target's line has only its title: at 10,000 targets each byte counts ten thousand times.
fn searched(t: &DocTarget) -> String {
    esc(&t.shown().to_lowercase())
}

/// The targets that need action, ranked, each with its counts under the severity badges and
/// a bar; then the clean ones folded into one line. A search box filters both, and the
/// sections below.
pub(super) fn targets_overview(out: &mut String, doc: &Doc) {
    let (need, clean) = sections::targets_by_need(doc);
    let _ = write!(
        out,
        "<section id=\"targets\"><h2>Targets ({})</h2><div class=\"filters\"><input type=\"search\" id=\"target-filter\" placeholder=\"search targets\" aria-label=\"search targets\"></div>",
        crate::report::sarif::thousands(doc.targets.len())
    );
    if !need.is_empty() && !doc.counts_known() && doc.totals.scanned > 0 {
        // Counts without vulnerabilities are not a vulnerability count.
        out.push_str("<p class=\"not-done\" id=\"targets-without-vulns\">Vulnerabilities were not scanned: these counts are of the other findings only.</p>");
    }
    if !need.is_empty() {
        let max = need
            .iter()
            .map(|r| r.target.counts.values().sum::<usize>())
            .max()
            .unwrap_or(0)
            .max(1);
        // The exploitation columns only when the run had exploitation data (a 0 would read as
        // "not exploited" otherwise).
        let intel = sections::has_intel(doc);
        out.push_str("<div class=\"scroll\"><table class=\"sortable\" id=\"target-table\"><thead><tr><th>Target</th><th>Set</th>");
        if intel {
            out.push_str("<th class=\"num\">KEV</th><th class=\"num\">EPSS</th>");
        }
        for s in severities() {
            let _ = write!(out, "<th class=\"num\">{}</th>", badge(s));
        }
        out.push_str("<th class=\"num\">Total</th><th>Findings</th></tr></thead><tbody>");
        for r in &need {
            target_row(out, r, max, intel);
        }
        out.push_str("</tbody></table></div>");
    }
    if !clean.is_empty() {
        // Counts not taken are not a clean result: said on the line itself.
        let why = if doc.counts_known() {
            ""
        } else {
            " (vulnerabilities were not scanned)"
        };
        let _ = write!(
            out,
            "<details id=\"clean-targets\"><summary>{} targets with no findings{why}</summary><ul class=\"clean-list\">",
            crate::report::sarif::thousands(clean.len())
        );
        for t in clean {
            let _ = write!(
                out,
                "<li class=\"target-row\" title=\"{}\">{}</li>",
                esc(&t.shown()),
                esc(&sections::short_name(t))
            );
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>");
}

/// One ranked target: its name (the full one as a title), counts and a bar of its findings.
fn target_row(out: &mut String, r: &RankedTarget<'_>, max: usize, intel: bool) {
    let t = r.target;
    let _ = write!(
        out,
        "<tr class=\"target-row\" data-name=\"{}\"><td title=\"{}\"><a href=\"#target-{}\">{}</a></td><td>{}</td>",
        searched(t),
        esc(&t.shown()),
        r.index,
        esc(&sections::short_name(t)),
        esc(&t.set)
    );
    if let Some(e) = &t.error {
        // Never a row of zeros: not scanned, and why.
        for _ in 0..Severity::ALL.len() + 1 + if intel { 2 } else { 0 } {
            out.push_str("<td class=\"num\" data-sort=\"-1\">–</td>");
        }
        let _ = write!(
            out,
            "<td class=\"error\">not scanned: {}</td></tr>",
            esc(&e.kind)
        );
        return;
    }
    if intel {
        let _ = write!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\" data-sort=\"{}\">{}</td>",
            r.kev,
            r.epss,
            if r.epss > 0.0 {
                format!("{:.3}", r.epss)
            } else {
                String::new()
            }
        );
    }
    let mut total = 0;
    let mut bar = String::new();
    for s in severities() {
        let n = t.counts.get(&s).copied().unwrap_or(0);
        total += n;
        let _ = write!(out, "<td class=\"num\">{n}</td>");
        if n > 0 {
            let _ = write!(
                bar,
                "<span style=\"width:{:.2}%;background:{}\" title=\"{n} {s}\"></span>",
                100.0 * n as f64 / max as f64,
                color(s)
            );
        }
    }
    let _ = write!(
        out,
        "<td class=\"num\">{total}</td><td><div class=\"bar\">{bar}</div></td></tr>"
    );
}

fn finding_row(out: &mut String, component: &str, f: &DocFinding, opts: &HtmlOptions, note: &str) {
    let details = match f.kind.as_str() {
        "secret" => {
            let shown = if opts.show_secrets {
                esc(&f.matched)
            } else {
                MASK.to_string()
            };
            format!(
                "{} <code class=\"secret-match\">{shown}</code>",
                esc(&f.title)
            )
        }
        _ if let Some(url) = crate::report::json_reader::safe_url(&f.primary_url) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc(url),
            esc(if f.title.is_empty() { &f.id } else { &f.title })
        ),
        _ => esc(if f.title.is_empty() {
            &f.message
        } else {
            &f.title
        }),
    };
    let _ = write!(
        out,
        "<tr class=\"finding\" data-severity=\"{sev}\" data-component=\"{comp}\" data-kev=\"{kev_flag}\" data-change=\"{change}\" data-overdue=\"{overdue}\"><td data-sort=\"{rank}\">{badge}</td><td>{id}</td><td>{comp}</td><td>{pkg}</td><td>{inst}</td><td>{fixed}</td><td>{details}{note}</td><td>{place}</td><td data-sort=\"{kev_flag}\">{kev}</td><td class=\"num\" data-sort=\"{epss_sort}\">{epss}</td></tr>",
        kev_flag = u8::from(f.kev.is_some()),
        // With a baseline: why the finding is new, or `unchanged`.
        change = match f.baseline.as_deref() {
            Some("new") => esc(f.cause.as_deref().unwrap_or("new")),
            Some(other) => esc(other),
            None => String::new(),
        },
        overdue = u8::from(f.overdue == Some(true)),
        kev = kev_badge(f.kev.as_ref()),
        epss_sort = f.epss_probability(),
        epss = epss_cell(f.epss.as_ref()),
        sev = f.severity,
        rank = f.severity as u8,
        badge = badge(f.severity),
        comp = esc(component),
        id = esc(f.rule_id()),
        pkg = esc(&f.package),
        inst = esc(&f.installed_version),
        fixed = esc(&f.fixed_version),
        place = esc(&f.result_target),
    );
}

/// A section per target: its findings (sortable), its suppressed findings, or why it was not scanned.
pub(super) fn target_sections(out: &mut String, doc: &Doc, opts: &HtmlOptions) {
    // In the overview's order (what needs action first), then those whose findings were all
    // accepted; a clean target is a line of the overview's folded list, not a section.
    let (need, _) = sections::targets_by_need(doc);
    let accepted = doc
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.status == "ok" && t.findings.is_empty() && !t.suppressed.is_empty());
    for (i, t) in need.iter().map(|r| (r.index, r.target)).chain(accepted) {
        let _ = write!(
            out,
            "<section class=\"target\" id=\"target-{i}\" data-name=\"{}\"><h2 title=\"{}\">{} <span class=\"muted\">({}, set {})</span></h2>",
            searched(t),
            esc(&t.shown()),
            esc(&sections::short_name(t)),
            esc(&t.kind),
            esc(&t.set)
        );
        if let Some(e) = &t.error {
            let _ = write!(
                out,
                "<p class=\"error\">Not scanned ({}): {}</p></section>",
                esc(&e.kind),
                esc(&e.message)
            );
            continue;
        }
        out.push_str("<div class=\"scroll\"><table class=\"sortable findings\"><thead><tr><th>Severity</th><th>ID</th><th>Component</th><th>Package</th><th>Installed</th><th>Fixed</th><th>Title</th><th>In</th><th>KEV</th><th>EPSS</th></tr></thead><tbody>");
        for (component, f) in t.all_findings() {
            // New since the baseline, and why (disclosed, introduced, appeared).
            let note = match (f.baseline.as_deref(), &f.cause) {
                (Some("new"), Some(cause)) => format!(
                    " <strong class=\"new\" data-cause=\"{0}\">new: {0}</strong>",
                    esc(cause)
                ),
                (Some("new"), None) => " <strong class=\"new\">new</strong>".to_string(),
                (Some("updated"), _) => match f.previous_severity {
                    Some(from) => {
                        format!(" <strong class=\"updated\">rescored from {from}</strong>")
                    }
                    None => " <strong class=\"updated\">rescored</strong>".to_string(),
                },
                _ => String::new(),
            };
            // A VEX statement that keeps it in says so (affected, under investigation).
            let note = match &f.vex {
                Some(v) => format!(
                    "{note} <span class=\"vex\" title=\"{} ({})\">VEX: {}{}</span>",
                    esc(&v.document),
                    esc(&v.origin),
                    esc(&v.status),
                    v.statement
                        .as_deref()
                        .map(|s| format!(": {}", esc(s)))
                        .unwrap_or_default()
                ),
                None => note,
            };
            // Past its due date (KEV's, or the SLA's from when it was first seen).
            let note = match (f.overdue, &f.due) {
                (Some(true), Some(due)) => format!(
                    "{note} <strong class=\"overdue\" title=\"first seen {}\">overdue (due {})</strong>",
                    esc(f.first_seen.as_deref().unwrap_or("")),
                    esc(due)
                ),
                _ => note,
            };
            finding_row(out, component, f, opts, &note);
        }
        for s in &t.suppressed {
            let note = format!(
                " <em class=\"muted\">(ignored: {})</em>",
                esc(if s.ignored_by.reason.is_empty() {
                    &s.ignored_by.id
                } else {
                    &s.ignored_by.reason
                })
            );
            finding_row(out, &s.component, &s.finding, opts, &note);
        }
        out.push_str("</tbody></table></div></section>");
    }
}
