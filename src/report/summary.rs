//! The summary on stderr: the old script's component-type table with percentages, totals, and
//! the targets that failed.

use indexmap::IndexMap;

use crate::i18n::{t, tf};
use crate::model::SECRET;
use crate::model::{FailureKind, Outcome, Severity, TargetResult};

/// What the summary needs of every target, kept while the reports themselves stream to disk.
#[derive(Debug, Default)]
pub struct Summary {
    /// component -> severity -> findings, over the whole fleet.
    pub counts: IndexMap<String, IndexMap<Severity, usize>>,
    pub failures: Vec<(String, FailureKind, String)>,
    pub targets: usize,
    /// Findings `[[ignore]]` entries accepted.
    pub suppressed: usize,
    /// The OS of each target past its end of support (`debian 9.13`), one entry a target.
    pub end_of_support: Vec<String>,
}

/// One target's part of the summary, small enough to keep for every target.
#[derive(Debug, Clone, Default)]
pub struct SummaryItem {
    counts: Vec<(String, Severity, usize)>,
    failure: Option<(String, FailureKind, String)>,
    suppressed: usize,
    end_of_support: Option<String>,
}

impl SummaryItem {
    pub fn of(r: &TargetResult) -> SummaryItem {
        match &r.outcome {
            Outcome::Scanned { grouped, report } => SummaryItem {
                counts: grouped
                    .components
                    .iter()
                    .flat_map(|(c, sevs)| sevs.iter().map(move |(s, l)| (c.clone(), *s, l.len())))
                    .collect(),
                failure: None,
                suppressed: grouped.suppressed.len(),
                end_of_support: report
                    .os
                    .as_ref()
                    .filter(|os| os.end_of_support)
                    .map(|os| os.label()),
            },
            Outcome::Failed { kind, message } => SummaryItem {
                counts: Vec::new(),
                failure: Some((r.target.kind.display_name(), *kind, message.clone())),
                suppressed: 0,
                end_of_support: None,
            },
        }
    }
}

impl Summary {
    pub fn add(&mut self, r: &TargetResult) {
        self.add_item(SummaryItem::of(r));
    }

    pub fn add_item(&mut self, item: SummaryItem) {
        self.targets += 1;
        self.suppressed += item.suppressed;
        for (component, sev, n) in item.counts {
            *self
                .counts
                .entry(component)
                .or_default()
                .entry(sev)
                .or_default() += n;
        }
        self.failures.extend(item.failure);
        self.end_of_support.extend(item.end_of_support);
    }

    /// The warning about targets whose OS is past its end of support, for stderr.
    pub fn end_of_support_line(&self) -> Option<String> {
        super::json_reader::end_of_support_message(self.end_of_support.iter().cloned())
            .map(|m| m.localized())
    }

    pub fn of(results: &[TargetResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            s.add(r);
        }
        s
    }

    /// The failed targets, one line each; beyond [`SHOWN_FAILURES`], one line counts the rest.
    pub fn failure_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .failures
            .iter()
            .take(SHOWN_FAILURES)
            .map(|(name, kind, message)| format!("  ❌ {name} ({}): {message}", kind.as_str()))
            .collect();
        if self.failures.len() > SHOWN_FAILURES {
            let count = self.failures.len() - SHOWN_FAILURES;
            lines.push(tf("more_failures", &[("count", &count)]));
        }
        lines
    }
}

/// How many failed targets stderr lists one by one (the reports list all).
pub const SHOWN_FAILURES: usize = 100;

const ORDER: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Unknown,
];

fn marker(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🔴",
        Severity::High => "🟠",
        Severity::Medium => "🟡",
        Severity::Low => "🟢",
        Severity::Unknown => "⚪",
    }
}

/// The old script's `generate_summary_report`, line for line.
/// The component table; `vulns_scanned = false` says that vulnerabilities were not looked at
/// instead of totalling them (a zero there would read as a clean fleet).
/// `exact_legacy`: the old script's lines, which say a total of 0 even when no target was
/// scanned (legacy mode says the not-scanned count after them).
pub fn component_summary(summary: &Summary, vulns_scanned: bool, exact_legacy: bool) -> String {
    let stats = &summary.counts;
    let mut lines = vec![t("summary_title").to_string(), "=".repeat(60)];
    let block =
        |lines: &mut Vec<String>, counts: &indexmap::IndexMap<Severity, usize>, total: usize| {
            for sev in ORDER {
                if let Some(&n) = counts.get(&sev).filter(|n| **n > 0) {
                    let pct = n as f64 * 100.0 / total as f64;
                    lines.push(format!(
                        "  {} {}: {n} ({pct:.1}%)",
                        marker(sev),
                        sev.as_str()
                    ));
                }
            }
        };
    let mut total_secrets = 0;
    if let Some(secret) = stats.get(SECRET) {
        total_secrets = secret.values().sum();
        if total_secrets > 0 {
            lines.push(tf("summary_secrets_header", &[("count", &total_secrets)]));
            block(&mut lines, secret, total_secrets);
        }
    }
    let mut names: Vec<&String> = stats.keys().filter(|k| k.as_str() != SECRET).collect();
    names.sort();
    let mut total_vulns = 0;
    for name in &names {
        let counts = &stats[*name];
        let total: usize = counts.values().sum();
        total_vulns += total;
        if total > 0 {
            lines.push(tf(
                "summary_vulns_header",
                &[("comp", name), ("count", &total)],
            ));
            block(&mut lines, counts, total);
        }
    }
    if !exact_legacy && summary.failures.len() == summary.targets {
        // Every target failed: a total of 0 would read as clean.
        lines.push(t("summary_nothing_scanned").to_string());
    } else if vulns_scanned {
        lines.push(tf(
            "summary_total",
            &[("vulns", &total_vulns), ("types", &names.len())],
        ));
    } else {
        lines.push(t("summary_vulns_not_scanned").to_string());
    }
    if total_secrets > 0 {
        lines.push(tf("summary_total_secrets", &[("secrets", &total_secrets)]));
    }
    lines.join("\n")
}

/// After the component table: suppressed findings, the top fixes, the baseline and the gate.
pub fn fleet_summary(fleet: &super::schema::FleetSection, summary: &Summary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if let Some(kev) = &fleet.known_exploited
        && !kev.ignored.is_empty()
    {
        let _ = writeln!(
            out,
            "{}",
            tf("summary_kev_ignored", &[("count", &kev.ignored.len())])
        );
    }
    if summary.suppressed > 0 {
        let _ = writeln!(
            out,
            "{}",
            tf("summary_suppressed", &[("count", &summary.suppressed)])
        );
    }
    if !fleet.fix_impact.is_empty() {
        let _ = writeln!(out, "{}", t("summary_top_fixes"));
        for f in fleet.fix_impact.iter().take(10) {
            let kev = if f.known_exploited.is_empty() {
                String::new()
            } else {
                format!(", KEV: {}", f.known_exploited.join(" "))
            };
            let epss = if f.epss_sum > 0.0 {
                format!(", EPSS sum {:.3}", f.epss_sum)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {} -> {}: {} / {} (highest {}{kev}{epss})",
                f.package, f.fixed_version, f.findings, f.targets, f.highest_severity
            );
        }
    }
    if let Some(b) = &fleet.baseline
        && !b.targets_not_in_run.is_empty()
    {
        let _ = writeln!(
            out,
            "{}",
            tf(
                "summary_baseline_missing",
                &[("count", &b.targets_not_in_run.len())]
            )
        );
    }
    if let Some(line) = gate_line(&fleet.gate) {
        out.push_str(&line);
    }
    out
}

/// What fails the gate, in the chosen language: "at or above HIGH, or known exploited ...".
fn gate_criteria(g: &super::schema::GateResult) -> String {
    let mut parts = Vec::new();
    if let Some(level) = g.fail_on {
        parts.push(tf("gate_criteria_severity", &[("level", &level)]));
    }
    if g.fail_on_kev && g.kev_overdue_only {
        parts.push(t("gate_criteria_kev_overdue"));
    } else if g.fail_on_kev {
        parts.push(t("gate_criteria_kev"));
    }
    if let Some(p) = g.fail_on_epss {
        parts.push(tf("gate_criteria_epss", &[("p", &p)]));
    }
    if g.fail_on_overdue {
        parts.push(t("gate_criteria_overdue"));
    }
    parts.join(&t("gate_criteria_or"))
}

/// The gate's verdict (with how many of the failing findings each exploitation criterion
/// caught), or `None` without a gate. A part that could not be evaluated is said apart.
pub fn gate_line(g: &super::schema::GateResult) -> Option<String> {
    use std::fmt::Write;
    if !g.is_set() {
        return None;
    }
    let which = match g.fail_on_new {
        crate::model::NewFindings::Off => String::new(),
        crate::model::NewFindings::Any => t("gate_new"),
        crate::model::NewFindings::Introduced => t("gate_introduced"),
    };
    let criteria = gate_criteria(g);
    let mut out = String::new();
    if g.verdict == crate::model::Verdict::Passed {
        let _ = writeln!(
            out,
            "{}",
            tf("gate_passed", &[("which", &which), ("criteria", &criteria)])
        );
    } else if g.findings == 0 && g.unevaluated.is_empty() {
        // Nothing scanned failed it, but not everything was scanned: never "passed".
        let _ = writeln!(
            out,
            "{}",
            tf(
                "gate_incomplete",
                &[("which", &which), ("criteria", &criteria)]
            )
        );
    } else if g.findings > 0 {
        let _ = writeln!(
            out,
            "{}",
            tf(
                "gate_failed",
                &[
                    ("count", &g.findings),
                    ("which", &which),
                    ("criteria", &criteria)
                ]
            )
        );
        if g.fail_on_kev && (g.fail_on.is_some() || g.fail_on_epss.is_some()) {
            let _ = writeln!(
                out,
                "{}",
                tf("gate_kev_count", &[("count", &g.kev_findings)])
            );
        }
        if let Some(p) = g.fail_on_epss
            && (g.fail_on.is_some() || g.fail_on_kev)
        {
            let _ = writeln!(
                out,
                "{}",
                tf("gate_epss_count", &[("count", &g.epss_findings), ("p", &p)])
            );
        }
    }
    for part in &g.unevaluated {
        let _ = writeln!(out, "⚠ {}", tf("gate_unevaluated", &[("part", part)]));
    }
    Some(out)
}

/// "N known-exploited vulnerabilities in M images", and the upgrades that remove them.
pub fn known_exploited_lines(kev: &super::schema::KnownExploited) -> String {
    let mut out = tf(
        "summary_known_exploited",
        &[("vulns", &kev.vulnerabilities), ("targets", &kev.targets)],
    );
    out.push('\n');
    if kev.upgrades > 0 {
        out.push_str(&tf(
            "summary_known_exploited_upgrades",
            &[("upgrades", &kev.upgrades)],
        ));
        out.push('\n');
    }
    out
}

/// The ledger's inputs that were not done, one line each ("⚠ Manifest deploy/api.yaml
/// (deploy/api.yaml:7) failed: ..."), but for the scanners, feeds and gate parts, which have
/// lines of their own.
pub fn ledger_lines(ledger: &crate::model::Ledger) -> String {
    use crate::model::InputKind;
    ledger
        .not_done()
        .filter(|e| {
            !matches!(
                e.kind,
                InputKind::Scanner | InputKind::Feed | InputKind::Gate
            )
        })
        .map(|e| format!("⚠ {}\n", super::json_reader::ledger_text(e)))
        .collect()
}

/// The verdict in one line, with its exit code: said on stderr by every run and merge, even
/// with -q.
pub fn verdict_line(verdict: crate::model::Verdict, code: u8) -> String {
    let key = match verdict {
        crate::model::Verdict::Passed => "verdict_passed",
        crate::model::Verdict::Failed => "verdict_failed",
        crate::model::Verdict::Incomplete => "verdict_incomplete",
    };
    format!("{}\n", tf(key, &[("code", &code)]))
}

/// For `report merge`: what the merged fleet did not do, one line each, and its verdict with
/// the exit code that goes with it.
pub fn verdict_lines_of_doc(doc: &super::json_reader::Doc, code: u8) -> String {
    let mut out: String = doc
        .not_done()
        .iter()
        .map(|item| format!("⚠ {}\n", item.text))
        .collect();
    // Each target that could not be scanned, as a run says it (the first 100).
    let failed: Vec<_> = doc.targets.iter().filter(|t| t.error.is_some()).collect();
    for t in failed.iter().take(SHOWN_FAILURES) {
        let e = t.error.as_ref().expect("filtered");
        out.push_str(&format!("❌ {} ({}): {}\n", t.target, e.kind, e.message));
    }
    if failed.len() > SHOWN_FAILURES {
        out.push_str(&tf(
            "more_failures",
            &[("count", &(failed.len() - SHOWN_FAILURES))],
        ));
        out.push('\n');
    }
    out.push_str(&verdict_line(doc.verdict(), code));
    out
}
