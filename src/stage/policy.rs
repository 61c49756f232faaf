//! Policy stage: `[[ignore]]` entries applied to grouped findings. Pure: a suppressed finding
//! moves from `Grouped::components` to `Grouped::suppressed`, with the rule that accepted it,
//! so reports can count and list it.

use crate::diagnostic_code::Code;
use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};

use crate::model::{Outcome, ScanReport, TargetResult};
use crate::settings::{IgnoreRule, Problem};
use crate::stage::group::{FindingRef, Grouped, Suppressed};

struct Compiled {
    index: usize,
    id: String,
    packages: Vec<GlobMatcher>,
    targets: Vec<GlobMatcher>,
}

/// The rules that apply today.
pub struct Policy {
    rules: Vec<Compiled>,
}

fn matchers(globs: &[String]) -> Vec<GlobMatcher> {
    // Globs were checked when the config was loaded.
    globs
        .iter()
        .filter_map(|g| Glob::new(g).ok())
        .map(|g| g.compile_matcher())
        .collect()
}

impl Policy {
    /// Rules that expired before `today` are left out, each with a warning at its place.
    pub fn new(rules: &[IgnoreRule], today: NaiveDate) -> (Policy, Vec<Problem>) {
        let mut warnings = Vec::new();
        let mut compiled = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if let Some(expires) = rule.expires
                && expires <= today
            {
                warnings.push(
                    Problem::warning(
                        Code::PolicyExpired,
                        crate::msg!("policy-expired", id = rule.id, date = expires),
                    )
                    .label(crate::msg!("policy-expired-label"))
                    .help(crate::msg!("policy-expired-help"))
                    .at(&rule.origin),
                );
                continue;
            }
            compiled.push(Compiled {
                index,
                id: rule.id.clone(),
                packages: matchers(&rule.packages),
                targets: matchers(&rule.targets),
            });
        }
        (Policy { rules: compiled }, warnings)
    }

    /// An ignore entry without a reason does not apply to a vulnerability in the KEV catalog:
    /// accepting a known-exploited finding must say why. Each such entry is left out, with a
    /// warning at its place.
    pub fn refuse_unreasoned_kev(
        &mut self,
        rules: &[IgnoreRule],
        intel: &crate::stage::intel::Intel,
    ) -> Vec<Problem> {
        let mut warnings = Vec::new();
        self.rules.retain(|c| {
            let rule = &rules[c.index];
            let refused = rule.reason.trim().is_empty() && intel.kev(&rule.id).is_some();
            if refused {
                warnings.push(
                    Problem::warning(
                        Code::PolicyKevReason,
                        crate::msg!("policy-kev-reason", id = rule.id, id2 = rule.id),
                    )
                    .label(crate::msg!("policy-kev-reason-label"))
                    .help(crate::msg!("policy-kev-reason-help"))
                    .at(&rule.origin),
                );
            }
            !refused
        });
        warnings
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Moves the findings the rules accept into `suppressed`.
    pub fn apply(&self, result: &mut TargetResult) {
        if self.rules.is_empty() {
            return;
        }
        let names = [
            result.target.kind.display_name(),
            result.target.kind.identity(),
            result.target.set.clone(),
        ];
        let rules: Vec<&Compiled> = self
            .rules
            .iter()
            .filter(|r| {
                r.targets.is_empty()
                    || r.targets
                        .iter()
                        .any(|m| names.iter().any(|n| m.is_match(n)))
            })
            .collect();
        if rules.is_empty() {
            return;
        }
        if let Outcome::Scanned { report, grouped } = &mut result.outcome {
            suppress(report, grouped, &rules);
        }
    }
}

fn suppress(report: &ScanReport, grouped: &mut Grouped, rules: &[&Compiled]) {
    for (component, by_severity) in grouped.components.iter_mut() {
        for (severity, findings) in by_severity.iter_mut() {
            findings.retain(|f| {
                let (id, package) = id_and_package(report, *f);
                let rule = rules.iter().find(|r| {
                    r.id == id
                        && (r.packages.is_empty() || r.packages.iter().any(|m| m.is_match(package)))
                });
                match rule {
                    Some(rule) => {
                        grouped.suppressed.push(Suppressed {
                            component: component.clone(),
                            severity: *severity,
                            finding: *f,
                            rule: rule.index,
                        });
                        false
                    }
                    None => true,
                }
            });
        }
        by_severity.retain(|_, findings| !findings.is_empty());
    }
    grouped.components.retain(|_, s| !s.is_empty());
}

/// What an ignore entry's `id` and `packages` are matched against.
pub fn id_and_package(report: &ScanReport, f: FindingRef) -> (&str, &str) {
    match f {
        FindingRef::Vulnerability { result, index } => {
            let v = &report.results[result].vulnerabilities[index];
            (&v.id, &v.pkg_name)
        }
        FindingRef::Secret { result, index } => {
            let r = &report.results[result];
            (&r.secrets[index].rule_id, &r.target)
        }
        FindingRef::Misconfiguration { result, index } => {
            let r = &report.results[result];
            (&r.misconfigurations[index].id, &r.target)
        }
        FindingRef::License { result, index } => {
            let l = &report.results[result].licenses[index];
            (&l.name, &l.pkg_name)
        }
    }
}

/// What `redact_secrets = true` puts in place of a secret's matched text, in every format.
pub const REDACTED: &str = "[redacted by trivyscan]";

/// Replaces every secret finding's matched text with [`REDACTED`].
pub fn redact_secrets(result: &mut TargetResult) {
    if let Outcome::Scanned { report, .. } = &mut result.outcome {
        for r in &mut report.results {
            for s in &mut r.secrets {
                s.matched = REDACTED.to_string();
            }
        }
    }
}
