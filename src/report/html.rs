//! `html`: one self-contained page (no external assets; works offline). A fleet overview chart
//! (findings per severity per target, inline SVG), the fix-impact table, and a section per
//! target whose findings can be sorted (click a column) and filtered by severity, component and
//! text. Filters can be preset in the address: `report.html#severity=CRITICAL,HIGH&q=openssl`.
//! Secret matches are masked unless `show_secrets` is set.

use std::fmt::Write;

use super::json_reader::{Doc, DocFinding, DocTarget};
use super::sections::{self, Cell, Column, Section, Table};

/// How many upgrades Fix impact lists (the JSON report has them all).
const FIX_IMPACT_ROWS: usize = 100;
use crate::model::Severity;

pub struct HtmlOptions {
    /// Show secret findings' matched text (masked by default).
    pub show_secrets: bool,
}

const MASK: &str = "••••••••";

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8b0000",
        Severity::High => "#e0452b",
        Severity::Medium => "#f0a30a",
        Severity::Low => "#4a90d9",
        Severity::Unknown => "#8c8c8c",
    }
}

fn severities() -> impl Iterator<Item = Severity> {
    Severity::ALL.into_iter().rev()
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#1f2937;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#cbd5e1;font-size:13px}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f4f6;cursor:pointer;user-select:none;white-space:nowrap}
th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
td.num{text-align:right}
.sev{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:11px;font-weight:600}
.kev{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;background:#6f1d8f;font-size:11px;font-weight:700}
.gate-failed{background:#fee2e2;border-color:#f87171}.not-done{background:#fef3c7;border:2px solid #d97706;padding:.5em 1em;margin:1em 0}.not-done p{margin:.3em 0}.gate-passed{background:#dcfce7;border-color:#4ade80}
.error{color:#b91c1c}.muted{color:#6b7280}
.filters{display:flex;gap:12px;flex-wrap:wrap;align-items:center;font-size:13px}
.filters input[type=search]{padding:3px 6px;min-width:220px}
tr[hidden]{display:none}
code{font-size:12px}
"#;

const SCRIPT: &str = r#"
(function(){
  'use strict';
  var root = document.documentElement;
  function rows(){ return Array.prototype.slice.call(document.querySelectorAll('tr.finding')); }
  function checked(){
    return Array.prototype.slice.call(document.querySelectorAll('input.sev-filter'))
      .filter(function(i){ return i.checked; }).map(function(i){ return i.value; });
  }
  function apply(){
    var sevs = checked();
    var comp = document.getElementById('component-filter').value;
    var q = document.getElementById('text-filter').value.toLowerCase();
    var kevOnly = document.getElementById('kev-filter').checked;
    var changeEl = document.getElementById('change-filter');
    var change = changeEl ? changeEl.value : '';
    var overdueEl = document.getElementById('overdue-filter');
    var overdueOnly = overdueEl ? overdueEl.checked : false;
    var shown = 0;
    rows().forEach(function(r){
      var c = r.dataset.change || '';
      var changeOk = change === '' || c === change ||
        (change === 'new' && c !== '' && c !== 'unchanged' && c !== 'updated');
      var ok = sevs.indexOf(r.dataset.severity) >= 0 &&
        (!kevOnly || r.dataset.kev === '1') &&
        changeOk && (!overdueOnly || r.dataset.overdue === '1') &&
        (comp === '' || r.dataset.component === comp) &&
        (q === '' || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    });
    root.dataset.shown = String(shown);
  }
  function sortBy(th){
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = !th.classList.contains('sorted-asc');
    Array.prototype.forEach.call(th.parentNode.children, function(h){ h.classList.remove('sorted-asc','sorted-desc'); });
    th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
    var body = table.tBodies[0];
    var list = Array.prototype.slice.call(body.rows);
    list.sort(function(a, b){
      var x = a.cells[index].dataset.sort || a.cells[index].textContent;
      var y = b.cells[index].dataset.sort || b.cells[index].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    list.forEach(function(r){ body.appendChild(r); });
  }
  function fromHash(){
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function(kv){
      var p = kv.split('=');
      if (p[0]) { params[decodeURIComponent(p[0])] = decodeURIComponent(p[1] || ''); }
    });
    if (params.severity) {
      var want = params.severity.toUpperCase().split(',');
      document.querySelectorAll('input.sev-filter').forEach(function(i){ i.checked = want.indexOf(i.value) >= 0; });
    }
    if (params.component !== undefined) { document.getElementById('component-filter').value = params.component; }
    if (params.q !== undefined) { document.getElementById('text-filter').value = params.q; }
    if (params.kev !== undefined) { document.getElementById('kev-filter').checked = params.kev === '1'; }
    var changeEl = document.getElementById('change-filter');
    if (params.change !== undefined && changeEl) { changeEl.value = params.change; }
    var overdueEl = document.getElementById('overdue-filter');
    if (params.overdue !== undefined && overdueEl) { overdueEl.checked = params.overdue === '1'; }
  }
  document.querySelectorAll('table.sortable th').forEach(function(th){
    th.addEventListener('click', function(){ sortBy(th); });
  });
  document.querySelectorAll('input.sev-filter, #component-filter, #kev-filter, #change-filter, #overdue-filter').forEach(function(i){ i.addEventListener('change', apply); });
  document.getElementById('text-filter').addEventListener('input', apply);
  window.addEventListener('hashchange', function(){ fromHash(); apply(); });
  fromHash();
  apply();
  root.dataset.ready = '1';
})();
"#;

/// Findings per severity per target as stacked horizontal bars.
fn chart(doc: &Doc) -> String {
    let scanned: Vec<&DocTarget> = doc.targets.iter().filter(|t| t.status == "ok").collect();
    if scanned.is_empty() {
        return "<p class=\"muted\">No target was scanned.</p>".into();
    }
    let max = scanned
        .iter()
        .map(|t| t.counts.values().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (320.0, 560.0, 22.0);
    let height = row_h * scanned.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg id=\"fleet-chart\" role=\"img\" aria-label=\"findings per severity per target\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" font-size=\"12\">",
        label_w + bar_w + 60.0,
        label_w + bar_w + 60.0
    );
    for (i, t) in scanned.iter().enumerate() {
        let y = i as f64 * row_h;
        let name: String = if t.target.chars().count() > 48 {
            let tail: String = t
                .target
                .chars()
                .rev()
                .take(47)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("…{tail}")
        } else {
            t.target.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 15.0,
            esc(&name)
        );
        let mut x = label_w;
        let mut total = 0;
        for s in severities() {
            let n = t.counts.get(&s).copied().unwrap_or(0);
            total += n;
            if n == 0 {
                continue;
            }
            let w = bar_w * n as f64 / max as f64;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {n} {s}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                color(s),
                esc(&t.target)
            );
            x += w;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\">{total}</text>",
            x + 4.0,
            y + 15.0
        );
    }
    let mut lx = label_w;
    let ly = height - 10.0;
    for s in severities() {
        let _ = write!(
            svg,
            "<rect x=\"{lx}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\">{s}</text>",
            ly - 9.0,
            color(s),
            lx + 14.0
        );
        lx += 90.0;
    }
    svg.push_str("</svg>");
    svg
}

/// A known-exploited finding's badge, with the catalog's dates in its tooltip.
fn kev_badge(kev: Option<&crate::model::KevInfo>) -> String {
    match kev {
        Some(k) => format!(
            "<span class=\"kev\" title=\"CISA KEV: added {}, due {}{}\">KEV{}</span>",
            esc(&k.date_added),
            esc(&k.due_date),
            if k.known_ransomware_use {
                ", used in ransomware campaigns"
            } else {
                ""
            },
            if k.known_ransomware_use {
                " · ransomware"
            } else {
                ""
            }
        ),
        None => String::new(),
    }
}

fn epss_cell(epss: Option<&crate::model::EpssInfo>) -> String {
    match epss {
        Some(e) => format!(
            "<span title=\"{:.0}th percentile, scored {}\">{:.3}</span>",
            e.percentile * 100.0,
            esc(&e.date),
            e.probability
        ),
        None => String::new(),
    }
}

fn badge(s: Severity) -> String {
    format!(
        "<span class=\"sev\" style=\"background:{}\">{s}</span>",
        color(s)
    )
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
        _ if let Some(url) = super::json_reader::safe_url(&f.primary_url) => format!(
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
        "<header><h1>trivyscan report: profile {}</h1><p>{} to {} · trivyscan {} · Trivy {} · DB {} · {} targets, {}, {} failed{} · verdict: {}</p></header><main>",
        esc(&run.profile),
        esc(&run.started_at),
        esc(&run.finished_at),
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
        "<table class=\"sortable\"><thead><tr>"
    } else {
        "<table><thead><tr>"
    });
    for c in &t.columns {
        // A severity's column is headed by its badge.
        let title = Severity::from_name(c.title).map_or_else(|| esc(c.title), badge);
        let _ = write!(out, "<th>{title}</th>");
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
    out.push_str("</tbody></table>");
    if t.more > 0 {
        let _ = write!(out, "<p>{} more in the JSON report.</p>", t.more);
    }
}

/// Fleet totals, and the chart of findings per target.
fn overview(out: &mut String, doc: &Doc) {
    section(out, &sections::totals(doc), false);
    // A chart only for what was looked at: empty bars would read as clean.
    if doc.counts_known() || doc.totals.scanned == 0 {
        out.push_str(&chart(doc));
    } else {
        out.push_str(
            "<p class=\"not-done\">No chart: vulnerabilities were not scanned in any target.</p>",
        );
    }
    out.push_str("</section>");
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

/// A section per target: its findings (sortable), its suppressed findings, or why it was not scanned.
fn target_sections(out: &mut String, doc: &Doc, opts: &HtmlOptions) {
    for (i, t) in doc.targets.iter().enumerate() {
        let _ = write!(
            out,
            "<section class=\"target\" id=\"target-{i}\"><h2>{} <span class=\"muted\">({}, set {})</span></h2>",
            esc(&t.target),
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
        if t.findings.is_empty() && t.suppressed.is_empty() {
            let _ = write!(
                out,
                "<p class=\"muted\">No findings at or above {}.</p></section>",
                t.severity_threshold
            );
            continue;
        }
        out.push_str("<table class=\"sortable findings\"><thead><tr><th>Severity</th><th>ID</th><th>Component</th><th>Package</th><th>Installed</th><th>Fixed</th><th>Title</th><th>In</th><th>KEV</th><th>EPSS</th></tr></thead><tbody>");
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
        out.push_str("</tbody></table></section>");
    }
}

#[cfg(test)]
mod tests {
    use super::{HtmlOptions, esc, render};
    use crate::report::json_reader::Doc;
    use proptest::prelude::*;

    /// A report trivyscan wrote for the Trivy fixture (every finding type).
    const REPORT: &str = include_str!("../../tests/fixtures/trivyscan-0.76-mixed-report.json");

    /// Fields whose text comes from outside: target lists, imported reports, Trivy's DB.
    const FREE_TEXT: [&str; 16] = [
        "set",
        "target",
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
