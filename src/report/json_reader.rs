//! A saved `trivyscan.report/v1` JSON report, read back: what `report render`, `report diff`
//! and `run --baseline` work from, and what the rendered formats (SARIF, JUnit, Markdown, HTML)
//! are made of, so a saved report renders exactly as the run that wrote it.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::schema::{
    FixImpact, FleetVulnerability, GateResult, KnownExploited, SCHEMA, finding_key,
};
use crate::model::{
    Coverage, EpssInfo, InputKind, IntelRun, KevInfo, Ledger, LedgerEntry, LedgerStatus, Severity,
    Verdict,
};

#[derive(Debug, Clone, Deserialize)]
pub struct Doc {
    pub schema: String,
    pub targets: Vec<DocTarget>,
    pub run: DocRun,
    pub totals: DocTotals,
    /// Every input besides the targets, with its outcome.
    #[serde(default)]
    pub ledger: Ledger,
    #[serde(default)]
    pub gate: Option<GateResult>,
    #[serde(default)]
    pub known_exploited: Option<KnownExploited>,
    #[serde(default)]
    pub fix_impact: Vec<FixImpact>,
    #[serde(default)]
    pub vulnerabilities: Vec<FleetVulnerability>,
    /// With `run --baseline`: the report compared with.
    #[serde(default)]
    pub baseline: Option<DocBaseline>,
    /// With deadlines on: findings past their due date.
    #[serde(default)]
    pub overdue: Option<super::schema::Overdue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocBaseline {
    pub path: String,
}

/// What changed over the fleet since the baseline, as the Markdown and HTML reports lead with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SinceBaseline {
    pub path: String,
    /// New findings by cause (`disclosed`, `introduced`, `appeared`; `new` from reports that
    /// carry no cause).
    pub new_by_cause: IndexMap<String, usize>,
    pub fixed: usize,
    pub unchanged: usize,
}

impl SinceBaseline {
    /// "since the previous run (old.json): +1 disclosed, +1 introduced, -1 fixed, 4 unchanged".
    pub fn words(&self) -> String {
        let mut parts: Vec<String> = self
            .new_by_cause
            .iter()
            .map(|(cause, n)| format!("+{n} {cause}"))
            .collect();
        parts.push(format!("-{} fixed", self.fixed));
        parts.push(format!("{} unchanged", self.unchanged));
        format!(
            "since the previous run ({}): {}",
            self.path,
            parts.join(", ")
        )
    }
}

/// A report's `run`, read back whole: what `report merge` combines and writes again.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DocRun {
    #[serde(default = "trivyscan")]
    pub tool: String,
    pub version: String,
    #[serde(default)]
    pub trivy_version: String,
    #[serde(default)]
    pub db_updated_at: Option<String>,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub finished_at: String,
    #[serde(default)]
    pub interrupted: bool,
    /// Scanners the run could not run (`vuln` without a DB).
    #[serde(default)]
    pub skipped_scanners: Vec<String>,
    /// `K/N` for a shard's report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The exploitation data the run had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intel: Option<IntelRun>,
    /// The whole plan's identity, for a shard's report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The reports a merged report was made from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
}

fn trivyscan() -> String {
    "trivyscan".to_string()
}

/// `url` when it is an `http(s)` URL with nothing that could make it something else (no
/// whitespace or control characters): the only links the HTML and SARIF reports make from
/// report data, which may come from an imported file (`javascript:` would be clickable).
pub fn safe_url(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (web && clean).then_some(url)
}

/// One thing a run did not do, said at the top of every report format: a report must never
/// look clean because something was not looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotDone {
    /// A stable key for tools (`skipped:vuln`, `failed_targets`, `interrupted`).
    pub key: String,
    pub text: String,
}

impl NotDone {
    /// Something to know of what was done (a feed's fallback copy, an OS past its end of
    /// support), not a thing left undone: it does not change the verdict.
    pub fn is_notice(&self) -> bool {
        self.key.starts_with("feed_fallback:") || self.key == "os_end_of_support"
    }
}

/// The scanner's name in a sentence.
fn scanner_noun(scanner: &str) -> String {
    match scanner {
        "vuln" => "Vulnerabilities".into(),
        "secret" => "Secrets".into(),
        "misconfig" => "Misconfigurations".into(),
        "license" => "Licenses".into(),
        other => format!("Findings of scanner `{other}`"),
    }
}

impl Doc {
    /// The run's ledger, with what reports written before the ledger existed said in other
    /// fields (skipped scanners, feeds, unevaluated gate parts) added.
    pub fn full_ledger(&self) -> Ledger {
        let mut derived = Ledger::default();
        for s in &self.run.skipped_scanners {
            derived.push(
                LedgerEntry::new(InputKind::Scanner, s.as_str(), LedgerStatus::Skipped)
                    .reason(skipped_reason(s)),
            );
        }
        if let Some(intel) = &self.run.intel {
            derived.entries.extend(intel.ledger_entries());
        }
        if let Some(g) = &self.gate {
            for part in &g.unevaluated {
                let (name, why) = part.split_once(": ").unwrap_or((part, ""));
                derived.push(
                    LedgerEntry::new(InputKind::Gate, name, LedgerStatus::NotEvaluated).reason(why),
                );
            }
        }
        let mut ledger = self.ledger.clone();
        ledger.union(&derived);
        ledger
    }

    /// The verdict, from the report's ledger, targets and gate ([`Verdict::of`], the one place).
    pub fn verdict(&self) -> Verdict {
        Verdict::of(Coverage {
            ledger: &self.full_ledger(),
            failed_targets: self.totals.failed,
            interrupted: self.run.interrupted,
            gate_hits: self.gate.as_ref().map_or(0, |g| g.findings),
        })
    }

    /// Whether everything asked was looked at (whatever the gate found).
    pub fn complete(&self) -> bool {
        self.totals.failed == 0
            && !self.run.interrupted
            && self.full_ledger().not_done().next().is_none()
    }

    /// What the run did not do, most serious first: the ledger's inputs that are not done
    /// (skipped scanners, feeds, gate parts, globs, manifests, lists, shards), the interruption,
    /// the targets that could not be scanned; then what a person should know of what was done
    /// (a feed's fallback copy, an OS past its end of support).
    pub fn not_done(&self) -> Vec<NotDone> {
        let ledger = self.full_ledger();
        let mut out: Vec<NotDone> = Vec::new();
        let mut notices: Vec<NotDone> = Vec::new();
        for e in &ledger.entries {
            let item = match (e.kind, e.status) {
                (InputKind::Scanner, LedgerStatus::Done) => continue,
                (InputKind::Scanner, _) => NotDone {
                    key: format!("skipped:{}", e.input),
                    text: format!("{} were NOT scanned: {}", scanner_noun(&e.input), e.reason),
                },
                (InputKind::Feed, LedgerStatus::Done) => {
                    if !e.reason.is_empty() {
                        notices.push(NotDone {
                            key: format!("feed_fallback:{}", e.input.to_lowercase()),
                            text: format!("{}: {}", e.input, e.reason),
                        });
                    }
                    continue;
                }
                (InputKind::Feed, _) => NotDone {
                    key: format!("not_prioritized:{}", e.input.to_lowercase()),
                    text: format!("Not prioritized by {}: {}", e.input, e.reason),
                },
                (InputKind::Gate, _) => NotDone {
                    key: "gate_unevaluated".into(),
                    text: format!("The gate could not be evaluated: {}: {}", e.input, e.reason),
                },
                (_, LedgerStatus::Done) => continue,
                (kind, status) => NotDone {
                    key: format!("{}:{}", kind.as_str(), status.as_str()),
                    text: ledger_text(e),
                },
            };
            out.push(item);
        }
        if self.run.interrupted {
            out.push(NotDone {
                key: "interrupted".into(),
                text: "The run was interrupted: targets that did not finish were not scanned"
                    .into(),
            });
        }
        if self.totals.failed > 0 {
            out.push(NotDone {
                key: "failed_targets".into(),
                text: format!(
                    "{} of {} target(s) could not be scanned: their findings are unknown",
                    self.totals.failed, self.totals.targets
                ),
            });
        }
        out.extend(notices);
        let past_support = self
            .targets
            .iter()
            .filter_map(|t| t.os.as_ref())
            .filter(|os| os.end_of_support)
            .map(|os| os.label());
        if let Some(message) = end_of_support_message(past_support) {
            out.push(NotDone {
                key: "os_end_of_support".into(),
                text: message.to_string(),
            });
        }
        out
    }
}

impl Doc {
    /// With a baseline: what changed since it over the fleet.
    pub fn since_baseline(&self) -> Option<SinceBaseline> {
        let mut since = SinceBaseline {
            path: self.baseline.as_ref()?.path.clone(),
            ..SinceBaseline::default()
        };
        for t in &self.targets {
            if let Some(d) = &t.diff {
                since.fixed += d.fixed.len();
                since.unchanged += d.unchanged;
            }
            for (_, f) in t.all_findings() {
                if f.baseline.as_deref() == Some("new") {
                    let cause = f.cause.clone().unwrap_or_else(|| "new".into());
                    *since.new_by_cause.entry(cause).or_default() += 1;
                }
            }
        }
        Some(since)
    }

    /// The verdict in a sentence, as the Markdown and HTML reports lead with it.
    pub fn verdict_text(&self) -> (Verdict, String) {
        let verdict = self.verdict();
        let gate = self.gate.as_ref().filter(|g| g.is_set());
        let which = match gate.map(|g| g.fail_on_new) {
            Some(crate::model::NewFindings::Any) => "new finding(s)",
            Some(crate::model::NewFindings::Introduced) => "introduced finding(s)",
            _ => "finding(s)",
        };
        let text = match (verdict, gate) {
            (Verdict::Failed, Some(g)) => {
                format!("Verdict: FAILED. {} {which} {}.", g.findings, g.criteria())
            }
            (Verdict::Failed, None) => "Verdict: FAILED.".to_string(),
            (Verdict::Incomplete, _) => "Verdict: INCOMPLETE. Not everything asked was looked at \
                 (see above): what was not may hold findings this report cannot show."
                .to_string(),
            (Verdict::Passed, Some(g)) => format!(
                "Verdict: PASSED. Every input was looked at; no {which} {}.",
                g.criteria()
            ),
            (Verdict::Passed, None) => {
                "Verdict: PASSED. Every input was looked at (no gate is set).".to_string()
            }
        };
        (verdict, text)
    }

    /// Whether the fleet's counts mean what they say: some target was scanned, with the
    /// vulnerability scanner. Otherwise a zero would read as clean.
    pub fn counts_known(&self) -> bool {
        self.totals.scanned > 0 && !self.run.skipped_scanners.iter().any(|s| s == "vuln")
    }
}

/// Why a scanner was skipped: the run's ledger says it, and reports made before the ledger
/// imply it.
pub fn skipped_reason(scanner: &str) -> &'static str {
    if scanner == "vuln" {
        "no vulnerability DB could be had (trivy.require_db = false)"
    } else {
        "the scanner could not run"
    }
}

/// A ledger entry that is not done, in a sentence: "Manifest deploy/api.yaml
/// (deploy/api.yaml:7) failed: not valid YAML ...".
pub fn ledger_text(e: &LedgerEntry) -> String {
    let kind = match e.kind {
        InputKind::RegistryGlob => "Registry glob",
        InputKind::LegacyList => "List",
        InputKind::Manifest => "Manifest",
        InputKind::FileGlob => "Glob",
        InputKind::ComposeBuild => "Compose service",
        InputKind::Scanner => "Scanner",
        InputKind::Feed => "Feed",
        InputKind::Gate => "Gate part",
        InputKind::Shard => "Shard",
        InputKind::Target => "Target",
        InputKind::Vex => "VEX document",
    };
    let status = match e.status {
        LedgerStatus::Done => "done",
        LedgerStatus::Skipped => "was skipped",
        LedgerStatus::NotEvaluated => "was not evaluated",
        LedgerStatus::Failed => "failed",
    };
    let origin = if e.origin.is_empty() {
        String::new()
    } else {
        format!(" ({})", e.origin)
    };
    let reason = if e.reason.is_empty() {
        String::new()
    } else {
        format!(": {}", e.reason)
    };
    format!("{kind} {}{origin} {status}{reason}", e.input)
}

/// "N target(s) run an OS past its end of support (debian 9.13): ..." for the OS labels of the
/// targets past it (one a target), or None when there are none. Their vulnerabilities are only
/// those known before the distribution stopped publishing advisories: a short list is no sign
/// of safety. English in reports (`Display`), the chosen language on stderr.
pub fn end_of_support_message(
    labels: impl IntoIterator<Item = String>,
) -> Option<crate::i18n::Msg> {
    let mut systems: Vec<String> = Vec::new();
    let mut targets = 0;
    for label in labels {
        targets += 1;
        if !systems.contains(&label) {
            systems.push(label);
        }
    }
    (targets > 0).then(|| {
        crate::msg!(
            "os-end-of-support",
            targets = targets,
            systems = systems.join(", ")
        )
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocTotals {
    pub targets: usize,
    pub scanned: usize,
    pub failed: usize,
    pub counts: IndexMap<Severity, usize>,
    #[serde(default)]
    pub suppressed: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocError {
    pub kind: String,
    pub message: String,
}

impl DocTarget {
    /// The target as a person is shown it: an imported report by what it scanned, with its
    /// file (`alpine:3.19 (from reports/alpine.json)`).
    pub fn shown(&self) -> String {
        match &self.artifact {
            Some(artifact) => format!("{artifact} (from {})", self.target),
            None => self.target.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocTarget {
    pub set: String,
    pub kind: String,
    pub target: String,
    /// An imported report's own `ArtifactName`.
    #[serde(default)]
    pub artifact: Option<String>,
    #[serde(default)]
    pub origin: String,
    pub status: String,
    pub severity_threshold: Severity,
    #[serde(default)]
    pub digest: Option<String>,
    /// Trivy's image ID (the config digest): the image's content, whatever its name.
    #[serde(default)]
    pub image_id: Option<String>,
    /// The result cache entry the target's result is kept in (`report render --format
    /// cyclonedx` finds its SBOM there).
    #[serde(default)]
    pub cache_entry: Option<String>,
    #[serde(default)]
    pub error: Option<DocError>,
    #[serde(default)]
    pub os: Option<crate::model::OsInfo>,
    pub counts: IndexMap<Severity, usize>,
    pub findings: IndexMap<String, IndexMap<Severity, Vec<DocFinding>>>,
    #[serde(default)]
    pub suppressed: Vec<DocSuppressed>,
    /// With `run --baseline`: the counts and the fixed findings.
    #[serde(default)]
    pub diff: Option<super::schema::TargetDiff>,
}

impl DocTarget {
    /// Every finding with its component, in report order.
    pub fn all_findings(&self) -> impl Iterator<Item = (&str, &DocFinding)> {
        self.findings.iter().flat_map(|(component, by_severity)| {
            by_severity
                .values()
                .flatten()
                .map(move |f| (component.as_str(), f))
        })
    }
}

/// Every kind of finding, flattened: fields a kind lacks are empty.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocFinding {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub id: String,
    /// Licenses: the license name.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub package: String,
    #[serde(default)]
    pub installed_version: String,
    #[serde(default)]
    pub fixed_version: String,
    pub severity: Severity,
    #[serde(default)]
    pub result_target: String,
    #[serde(default)]
    pub result_type: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub primary_url: String,
    #[serde(default)]
    pub fingerprint: String,
    /// The package's purl, when Trivy gave one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purl: String,
    /// A VEX statement that kept the finding in (affected, under investigation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex: Option<DocVex>,
    #[serde(default)]
    pub start_line: Option<i64>,
    #[serde(default)]
    pub end_line: Option<i64>,
    #[serde(default, rename = "match")]
    pub matched: String,
    /// `new`, `unchanged` or `updated` when the run had a baseline.
    #[serde(default)]
    pub baseline: Option<String>,
    /// With `baseline` `updated`: the severity the baseline reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_severity: Option<Severity>,
    /// Why a new finding is new (`disclosed`, `introduced`, `appeared`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// With deadlines on: when it was first seen, when it is due, whether that has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<KevInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<EpssInfo>,
}

impl DocFinding {
    /// What is known of a vulnerability's exploitation, as a message says it: the KEV listing
    /// before the finding, the EPSS score after it.
    pub fn exploitation_words(&self) -> (String, String) {
        let kev = self
            .kev
            .as_ref()
            .map(|k| {
                format!(
                    "KNOWN EXPLOITED (CISA KEV, added {}, due {}{}): ",
                    k.date_added,
                    k.due_date,
                    if k.known_ransomware_use {
                        ", used in ransomware campaigns"
                    } else {
                        ""
                    }
                )
            })
            .unwrap_or_default();
        let epss = self
            .epss
            .as_ref()
            .map(|e| {
                format!(
                    "; EPSS {:.3} ({:.0}th percentile, {})",
                    e.probability,
                    e.percentile * 100.0,
                    e.date
                )
            })
            .unwrap_or_default();
        (kev, epss)
    }

    /// What the gate looks at.
    pub fn gate_input(&self) -> super::schema::GateInput {
        super::schema::GateInput {
            severity: self.severity,
            kev: self.kev.is_some(),
            has_fix: !self.fixed_version.is_empty(),
            epss: self.epss.as_ref().map(|e| e.probability),
            new: self.baseline.as_deref().map(|b| b == "new"),
            disclosed: self.cause.as_deref() == Some("disclosed"),
            overdue: self.overdue == Some(true),
        }
    }

    /// The EPSS probability, 0 when unknown.
    pub fn epss_probability(&self) -> f64 {
        self.epss.as_ref().map_or(0.0, |e| e.probability)
    }

    /// The rule or advisory ID (a license's name).
    pub fn rule_id(&self) -> &str {
        if self.id.is_empty() {
            &self.name
        } else {
            &self.id
        }
    }

    /// The package, or for secrets and misconfigurations the file they are in.
    pub fn subject(&self) -> &str {
        if self.package.is_empty() {
            &self.result_target
        } else {
            &self.package
        }
    }

    pub fn key(&self) -> String {
        finding_key(
            &self.kind,
            self.rule_id(),
            self.subject(),
            &self.installed_version,
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocSuppressed {
    pub component: String,
    #[serde(flatten)]
    pub finding: DocFinding,
    pub ignored_by: DocIgnoredBy,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocIgnoredBy {
    pub id: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub expires: Option<String>,
    #[serde(default)]
    pub justification: Option<String>,
    #[serde(default)]
    pub origin: String,
    /// Accepted by a VEX statement.
    #[serde(default)]
    pub vex: Option<DocVex>,
}

/// The VEX statement that accepted a finding, or kept it in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocVex {
    pub document: String,
    pub format: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    #[serde(default)]
    pub origin: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LoadError {
    #[error("{}", crate::msg!("file-unreadable", path = .path, error = .source))]
    #[diagnostic(
        code(trivyscan::report::read),
        url("docs/diagnostics.md#trivyscan-report-read"),
        help("{}", crate::msg!("report-parse-help"))
    )]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", crate::msg!("report-parse", path = .path, error = .source))]
    #[diagnostic(
        code(trivyscan::report::parse),
        url("docs/diagnostics.md#trivyscan-report-parse"),
        help(
            "{}", crate::msg!("report-parse-reads-help"))
    )]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}", crate::msg!("report-schema", path = .path, found = format!("{:?}", .found), schema = SCHEMA))]
    #[diagnostic(
        code(trivyscan::report::schema),
        url("docs/diagnostics.md#trivyscan-report-schema"),
        help("{}", crate::msg!("report-schema-help"))
    )]
    Schema { path: String, found: String },
}

impl Doc {
    pub fn parse(bytes: &[u8], path: &str) -> Result<Doc, LoadError> {
        let doc: Doc = serde_json::from_slice(bytes).map_err(|source| LoadError::Parse {
            path: path.to_string(),
            source,
        })?;
        if doc.schema != SCHEMA {
            return Err(LoadError::Schema {
                path: path.to_string(),
                found: doc.schema,
            });
        }
        let mut doc = doc;
        // Reports before one name form wrote file targets' absolute paths: read as today's
        // (relative below the working directory), so baselines and diffs still match them.
        for t in &mut doc.targets {
            if t.kind != "image" && std::path::Path::new(&t.target).is_absolute() {
                t.target = crate::paths::display_path(std::path::Path::new(&t.target));
            }
        }
        Ok(doc)
    }

    pub fn load(path: &std::path::Path) -> Result<Doc, LoadError> {
        let shown = crate::paths::display_path(path);
        let limit = crate::input::limit(crate::input::REPORT_LIMIT);
        let bytes = crate::input::read_io(path, None, limit).map_err(|source| LoadError::Read {
            path: shown.clone(),
            source,
        })?;
        Doc::parse(&bytes, &shown)
    }
}

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn only_plain_http_urls_become_links() {
        assert_eq!(
            safe_url("https://avd.aquasec.com/nvd/cve-2099-0001"),
            Some("https://avd.aquasec.com/nvd/cve-2099-0001")
        );
        assert!(safe_url("HTTP://example.com").is_some());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "  javascript:alert(1)",
            "\tjavascript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "https://x.com/\u{0}javascript:",
            "https://x.com/ onmouseover=x",
            "//evil.example/x",
            "",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }
}
