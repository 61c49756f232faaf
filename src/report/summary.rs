//! The summary on stderr: the old script's component-type table with percentages, totals, and
//! the targets that failed.

use crate::model::{Outcome, Severity, TargetResult};
use crate::stage::group::SECRET;

use super::severity_counts;

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
pub fn component_summary(results: &[TargetResult]) -> String {
    let stats = severity_counts(results);
    let mut lines = vec!["\n📊 COMPONENT TYPE SUMMARY:".to_string(), "=".repeat(60)];
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
            lines.push(format!("\n🔐 SECRETS: {total_secrets} findings"));
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
            lines.push(format!("\n{name}: {total} vulnerabilities"));
            block(&mut lines, counts, total);
        }
    }
    lines.push(format!(
        "\n📈 TOTAL: {total_vulns} vulnerabilities across {} component types",
        names.len()
    ));
    if total_secrets > 0 {
        lines.push(format!("🔐 SECRETS: {total_secrets} findings"));
    }
    lines.join("\n")
}

/// The failed targets, one line each.
pub fn failures(results: &[TargetResult]) -> Vec<String> {
    results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed { kind, message } => Some(format!(
                "  ❌ {} ({}): {message}",
                r.target.kind.display_name(),
                kind.as_str()
            )),
            Outcome::Scanned { .. } => None,
        })
        .collect()
}
