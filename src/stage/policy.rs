//! Policy stage: `[[ignore]]` entries and VEX statements applied to grouped findings. Pure: a
//! suppressed finding moves from `Grouped::components` to `Grouped::suppressed`, with the entry
//! or statement that accepted it, so reports can count and list it.

use crate::diagnostic_code::Code;
use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};

use crate::model::{
    FindingPackage, ImageIdentity, Outcome, ScanReport, SuppressedBy, TargetKind, TargetResult,
    VexStatement,
};
use crate::settings::{IgnoreRule, Problem};
use crate::stage::group::{FindingRef, Grouped, Suppressed};

struct Compiled {
    index: usize,
    id: String,
    packages: Vec<GlobMatcher>,
    targets: Vec<GlobMatcher>,
}

/// The rules that apply today, and the run's VEX statements.
pub struct Policy {
    rules: Vec<Compiled>,
    vex: Vec<VexStatement>,
    /// Known-exploited vulnerabilities: only a justified statement accepts them.
    kev: std::collections::HashSet<String>,
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
        (
            Policy {
                rules: compiled,
                vex: Vec::new(),
                kev: Default::default(),
            },
            warnings,
        )
    }

    /// Takes the run's VEX statements. One that would take out a known-exploited finding
    /// without a justification (an impact statement alone) does not apply to it: a warning at
    /// its place says so.
    pub fn add_vex(
        &mut self,
        statements: Vec<VexStatement>,
        intel: &crate::stage::intel::Intel,
    ) -> Vec<Problem> {
        let mut warnings = Vec::new();
        for s in &statements {
            let kev: Vec<&String> = s
                .vulnerability
                .iter()
                .filter(|v| intel.kev(v).is_some())
                .collect();
            self.kev.extend(kev.iter().map(|v| v.to_string()));
            if s.status.suppresses()
                && !s.justified()
                && let Some(id) = kev.first()
            {
                warnings.push(
                    Problem::warning(
                        Code::VexKevJustification,
                        crate::msg!("vex-kev-justification", id = id.as_str()),
                    )
                    .label(crate::msg!("vex-kev-justification-label"))
                    .help(crate::msg!("vex-kev-justification-help"))
                    .at(&s.origin),
                );
            }
        }
        self.vex = statements;
        warnings
    }

    /// The run's VEX statements, as `SuppressedBy::Vex` indexes them.
    pub fn vex_statements(&self) -> &[VexStatement] {
        &self.vex
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
        self.rules.is_empty() && self.vex.is_empty()
    }

    /// Moves the findings the rules and statements accept into `suppressed`.
    pub fn apply(&self, result: &mut TargetResult) {
        self.apply_ignores(result);
        self.apply_vex(result);
    }

    fn apply_ignores(&self, result: &mut TargetResult) {
        if self.rules.is_empty() {
            return;
        }
        // An entry may name a file target by its absolute path too.
        let absolute = result.target.kind.path().map(|p| p.display().to_string());
        let names = [
            Some(result.target.kind.display_name()),
            absolute,
            Some(result.target.set.clone()),
        ];
        let rules: Vec<&Compiled> = self
            .rules
            .iter()
            .filter(|r| {
                r.targets.is_empty()
                    || r.targets
                        .iter()
                        .any(|m| names.iter().flatten().any(|n| m.is_match(n)))
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
                            by: SuppressedBy::Ignore(rule.index),
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

impl Policy {
    /// VEX statements in the target's scope, applied to its vulnerabilities: of those that
    /// cover a finding, the latest decides; `not_affected` and `fixed` take it out.
    fn apply_vex(&self, result: &mut TargetResult) {
        let statements: Vec<(usize, &VexStatement)> = self
            .vex
            .iter()
            .enumerate()
            .filter(|(_, s)| s.scope.as_ref().is_none_or(|set| *set == result.target.set))
            .collect();
        if statements.is_empty() {
            return;
        }
        let Outcome::Scanned { report, grouped } = &mut result.outcome else {
            return;
        };
        let image = image_identity(&result.target.kind, result.digest.as_deref(), report);
        let mut taken = Vec::new();
        let mut kept = Vec::new();
        for (component, by_severity) in grouped.components.iter_mut() {
            for (severity, findings) in by_severity.iter_mut() {
                findings.retain(|f| {
                    let FindingRef::Vulnerability { result, index } = *f else {
                        return true;
                    };
                    let v = &report.results[result].vulnerabilities[index];
                    let package = FindingPackage {
                        purl: v.purl.parse().ok(),
                        name: &v.pkg_name,
                        version: &v.installed_version,
                    };
                    let refuse_unjustified = self.kev.contains(&v.id);
                    let covering: Vec<&(usize, &VexStatement)> = statements
                        .iter()
                        .filter(|(_, s)| s.covers(&v.id, &image, &package))
                        .filter(|(_, s)| {
                            !(refuse_unjustified && s.status.suppresses() && !s.justified())
                        })
                        .collect();
                    // The latest statement wins (OpenVEX); one without a time is the oldest.
                    let Some((index, winner)) = covering
                        .iter()
                        .max_by_key(|(_, s)| s.timestamp)
                        .copied()
                        .copied()
                    else {
                        return true;
                    };
                    if !winner.status.suppresses() {
                        kept.push((*f, index));
                        return true;
                    }
                    let overruled = covering
                        .iter()
                        .filter(|(_, s)| s.status != winner.status)
                        .count();
                    taken.push(Suppressed {
                        component: component.clone(),
                        severity: *severity,
                        finding: *f,
                        by: SuppressedBy::Vex {
                            statement: index,
                            overruled,
                        },
                    });
                    false
                });
            }
            by_severity.retain(|_, findings| !findings.is_empty());
        }
        grouped.components.retain(|_, s| !s.is_empty());
        grouped.suppressed.extend(taken);
        grouped.vex_kept.extend(kept);
    }
}

/// What `pkg:oci` purls are matched against: the image's digests (the pinned one, those the
/// registry gave) and the repositories it is known by.
fn image_identity(kind: &TargetKind, digest: Option<&str>, report: &ScanReport) -> ImageIdentity {
    let mut id = ImageIdentity::default();
    if let Some(d) = digest {
        id.digests.push(d.to_string());
    }
    for rd in &report.repo_digests {
        if let Some((repo, d)) = rd.split_once('@') {
            id.digests.push(d.to_string());
            id.repositories.push(repo.to_string());
        }
    }
    if let TargetKind::Image(reference) = kind
        && let Ok(r) = crate::reference::parse(reference)
    {
        id.repositories.push(r.name);
    }
    id
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
