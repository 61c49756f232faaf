//! `sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. One run; a rule per
//! vulnerability / secret / misconfiguration / license ID; a result per finding with its level
//! from the severity, a location naming the image (or Dockerfile) and the package's place in it,
//! and a stable fingerprint. Suppressed findings are results with a suppression; failed targets
//! are notifications of the invocation.

use std::collections::{BTreeMap, HashMap};

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool, ToolComponent,
};
use sha2::{Digest, Sha256};

use super::baseline::DocDiff;
use super::json_reader::{Doc, DocFinding, DocTarget};
use super::triage::Cause;
use crate::model::Severity;

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Unknown => ResultLevel::Note,
    }
}

/// GitHub ranks alerts by this property (a CVSS-like score), as Trivy's own SARIF sets it.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Unknown => "0.0",
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn message(s: impl Into<String>) -> Message {
    Message {
        text: Some(s.into()),
        ..Message::default()
    }
}

/// A URI reference for the target: a Dockerfile's path relative to the working directory, or
/// the image reference with the characters a URI path cannot hold escaped.
fn target_uri(t: &DocTarget) -> String {
    if t.kind == "dockerfile" || t.kind == "archive" {
        let path = std::path::Path::new(&t.target);
        if let Ok(cwd) = std::env::current_dir()
            && let Ok(rel) = path.strip_prefix(&cwd)
        {
            return rel.display().to_string();
        }
        return format!("file://{}", t.target);
    }
    t.target
        .chars()
        .map(|c| match c {
            ':' => "%3A".to_string(),
            '@' => "%40".to_string(),
            ' ' => "%20".to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn rule_of(f: &DocFinding, severity: Severity) -> ReportingDescriptor {
    let id = f.rule_id();
    let short = if f.title.is_empty() { id } else { &f.title };
    let full = if f.description.is_empty() {
        short
    } else {
        &f.description
    };
    let help = match f.kind.as_str() {
        "vulnerability" if !f.fixed_version.is_empty() => {
            format!("Upgrade {} to {}.", f.package, f.fixed_version)
        }
        "vulnerability" => format!("No fixed version of {} is known yet.", f.package),
        "secret" => "Remove the secret from the image and rotate it.".to_string(),
        "license" => format!("Review the license {} of {}.", f.name, f.package),
        _ if !f.message.is_empty() => f.message.clone(),
        _ => short.to_string(),
    };
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        serde_json::Value::from(security_severity(severity)),
    );
    let mut rule = ReportingDescriptor::builder()
        .id(id.to_string())
        .name(f.kind.clone())
        .short_description(text(short))
        .full_description(text(full))
        .help(text(help))
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    "security".to_string(),
                    f.kind.clone(),
                    severity.as_str().to_string(),
                ])
                .additional_properties(props)
                .build(),
        )
        .build();
    if let Some(url) = super::json_reader::safe_url(&f.primary_url) {
        rule.help_uri = Some(url.to_string());
    }
    rule
}

/// SARIF's `rank` (0 to 100, higher first): 100 for a known-exploited vulnerability, 90 times
/// the EPSS probability for others with a score; none without either.
fn rank(f: &DocFinding) -> Option<f64> {
    if f.kev.is_some() {
        Some(100.0)
    } else {
        f.epss
            .as_ref()
            .map(|e| (e.probability * 90.0 * 10.0).round() / 10.0)
    }
}

fn result_message(t: &DocTarget, f: &DocFinding) -> String {
    match f.kind.as_str() {
        "vulnerability" => {
            let fix = if f.fixed_version.is_empty() {
                "no fixed version yet".to_string()
            } else {
                format!("fixed in {}", f.fixed_version)
            };
            let (kev, epss) = f.exploitation_words();
            format!(
                "{kev}{} {} in {} {} ({fix}) in {} ({}){epss}",
                f.severity, f.id, f.package, f.installed_version, t.target, f.result_target
            )
        }
        // The match itself is left out: SARIF files travel further than reports.
        "secret" => format!(
            "{} {}: {} in {} at {}{}",
            f.severity,
            f.id,
            f.title,
            t.target,
            f.result_target,
            f.start_line.map(|l| format!(":{l}")).unwrap_or_default()
        ),
        "license" => format!(
            "{} license {} of {} in {}",
            f.severity, f.name, f.package, t.target
        ),
        _ => format!(
            "{} {}: {} in {} at {}",
            f.severity, f.id, f.title, t.target, f.result_target
        ),
    }
}

fn fingerprint(t: &DocTarget, f: &DocFinding) -> String {
    let mut h = Sha256::new();
    h.update(t.target.as_bytes());
    h.update([0]);
    h.update(f.key().as_bytes());
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A result's properties: its deadline, why it is new, a VEX statement that keeps it in, its
/// KEV and EPSS data; none when it has none of them.
fn properties(f: &DocFinding, cause: Option<&str>, suppressed: bool) -> Option<PropertyBag> {
    let vex = f.vex.as_ref().filter(|_| !suppressed);
    if f.kev.is_none() && f.epss.is_none() && cause.is_none() && f.due.is_none() && vex.is_none() {
        return None;
    }
    let mut props = BTreeMap::new();
    // Deadlines: when it was first seen, when it is due, whether that has passed.
    for (key, value) in [("first_seen", &f.first_seen), ("due", &f.due)] {
        if let Some(v) = value {
            props.insert(key.to_string(), serde_json::Value::from(v.as_str()));
        }
    }
    if let Some(overdue) = f.overdue {
        props.insert("overdue".to_string(), serde_json::Value::from(overdue));
    }
    // Why a new finding is new (`report::triage`): disclosed, introduced, appeared.
    if let Some(cause) = cause {
        props.insert("cause".to_string(), serde_json::Value::from(cause));
    }
    if let Some(v) = vex {
        props.insert(
            "vex".to_string(),
            serde_json::to_value(v).expect("serializes"),
        );
    }
    if let Some(k) = &f.kev {
        props.insert(
            "kev".to_string(),
            serde_json::to_value(k).expect("serializes"),
        );
    }
    if let Some(e) = &f.epss {
        props.insert(
            "epss".to_string(),
            serde_json::to_value(e).expect("serializes"),
        );
    }
    Some(PropertyBag::builder().additional_properties(props).build())
}

struct Builder {
    rules: Vec<ReportingDescriptor>,
    index: HashMap<String, usize>,
    results: Vec<SarifResult>,
}

/// A result's place in a comparison: SARIF's `baselineState` and, for a changed finding, its
/// cause (`report::triage`).
#[derive(Clone, Copy)]
struct Comparison {
    state: &'static str,
    cause: Option<Cause>,
}

impl Comparison {
    fn of(cause: Cause) -> Comparison {
        let state = match cause {
            Cause::Unchanged | Cause::Accepted => "unchanged",
            Cause::Rescored => "updated",
            c if c.is_gone() => "absent",
            _ => "new",
        };
        Comparison {
            state,
            cause: (cause != Cause::Unchanged).then_some(cause),
        }
    }
}

impl Builder {
    /// A result for `f` of `t`; `compared` overrides what the report says of a baseline.
    fn add(
        &mut self,
        t: &DocTarget,
        f: &DocFinding,
        suppression: Option<Suppression>,
        compared: Option<Comparison>,
    ) {
        let id = f.rule_id().to_string();
        let rule_index = *self.index.entry(id.clone()).or_insert_with(|| {
            self.rules.push(rule_of(f, f.severity));
            self.rules.len() - 1
        });
        let start_line = f.start_line.filter(|l| *l >= 1).unwrap_or(1);
        let location = Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: Some(ArtifactLocation {
                    uri: Some(target_uri(t)),
                    ..ArtifactLocation::default()
                }),
                region: Some(Region {
                    start_line: Some(start_line),
                    ..Region::default()
                }),
                ..PhysicalLocation::default()
            }),
            logical_locations: Some(vec![
                LogicalLocation {
                    name: Some(t.target.clone()),
                    kind: Some(t.kind.clone()),
                    ..LogicalLocation::default()
                },
                LogicalLocation {
                    name: Some(f.result_target.clone()),
                    fully_qualified_name: Some(format!("{}:{}", t.target, f.result_target)),
                    kind: Some("package-target".into()),
                    ..LogicalLocation::default()
                },
            ]),
            message: Some(message(t.target.clone())),
            ..Location::default()
        };
        let mut partial = BTreeMap::new();
        partial.insert("trivyscan/v1".to_string(), fingerprint(t, f));
        let mut result = SarifResult::builder()
            .message(message(result_message(t, f)))
            .rule_id(id)
            .rule_index(rule_index as i64)
            .level(level(f.severity))
            .locations(vec![location])
            .partial_fingerprints(partial)
            .build();
        result.rank = rank(f);
        let cause = match compared {
            Some(c) => c.cause.map(Cause::as_str),
            None => f.cause.as_deref(),
        };
        result.properties = properties(f, cause, suppression.is_some());
        if let Some(c) = compared {
            result.baseline_state = Some(serde_json::Value::from(c.state));
            if c.state == "absent" {
                // Gone since the old report: a check that now passes, not an alert.
                result.kind = Some(serde_sarif::sarif::ResultKind::Pass);
                result.level = Some(ResultLevel::None);
            }
        } else if let Some(state) = &f.baseline {
            result.baseline_state = Some(serde_json::Value::from(state.as_str()));
        }
        if let Some(s) = suppression {
            result.suppressions = Some(vec![s]);
        }
        self.results.push(result);
    }
}

/// The SARIF log for a saved report, keeping at most what GitHub code scanning shows.
pub fn render(doc: &Doc) -> Vec<u8> {
    render_limited(doc, crate::settings::SARIF_SHOWN_RESULTS).0
}

/// What was left out of a SARIF log to keep it within GitHub code scanning's limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    /// Results written.
    pub kept: usize,
    /// Lower-ranked results left out (all are in the JSON report).
    pub left_out: usize,
    /// The cap had to shrink below `max_results` to stay under 10 MB gzipped.
    pub shrunk: bool,
}

/// The SARIF log with at most `max_results` results, the highest ranked (known exploited,
/// then EPSS, then severity, then how many targets have the same vulnerability), and under
/// GitHub's 10 MB gzipped: what was left out is said in the run's notifications.
pub fn render_limited(doc: &Doc, max_results: usize) -> (Vec<u8>, Cut) {
    render_compared(doc, None, max_results, &category(doc, None))
}

/// GitHub code scanning's category of a run (`runAutomationDetails.id`): uploads of one
/// category replace each other, so each part of a split report has its own.
fn category(doc: &Doc, part: Option<&str>) -> String {
    match part {
        None => format!("trivyscan/{}/", doc.run.profile),
        Some(part) => format!("trivyscan/{}/{part}/", doc.run.profile),
    }
}

/// One file of a split SARIF report.
pub struct Part {
    /// For the file name and the category: the set's or image's name, made file-safe.
    pub name: String,
    pub bytes: Vec<u8>,
    pub cut: Cut,
}

/// A file-safe name: letters, digits, `.`, `_` and `-` kept, the rest `-`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The report split by target set or by image, each part within the limits on its own.
pub fn render_parts(
    doc: &Doc,
    max_results: usize,
    split: crate::settings::SarifSplit,
) -> Vec<Part> {
    use crate::settings::SarifSplit;
    let key = |t: &DocTarget| match split {
        SarifSplit::TargetSet => t.set.clone(),
        _ => t.target.clone(),
    };
    let mut parts: indexmap::IndexMap<String, Doc> = indexmap::IndexMap::new();
    for t in &doc.targets {
        parts
            .entry(file_safe(&key(t)))
            .or_insert_with(|| Doc {
                targets: Vec::new(),
                ..doc.clone()
            })
            .targets
            .push(t.clone());
    }
    parts
        .into_iter()
        .map(|(name, part)| {
            let (bytes, cut) =
                render_compared(&part, None, max_results, &category(doc, Some(&name)));
            Part { name, bytes, cut }
        })
        .collect()
}

/// `report diff --format sarif`: NEW's results, each with its `baselineState` against OLD
/// (`new`, `unchanged`, `updated`) and its cause, and a result with `baselineState` `absent`
/// (kind `pass`) for each finding OLD reported that NEW does not. Targets that were not
/// compared (only in NEW, or failed in either) have results without a state.
pub fn render_diff(old: &Doc, new: &Doc, diff: &DocDiff) -> Vec<u8> {
    render_compared(
        new,
        Some((old, diff)),
        crate::settings::SARIF_MAX_RESULTS,
        &category(new, Some("diff")),
    )
    .0
}

/// What the run did not do, and each failed target, as the invocation's notifications.
fn notifications(doc: &Doc) -> Vec<Notification> {
    let mut notifications = Vec::new();
    for item in doc.not_done() {
        // A notice (a feed's fallback copy, an OS past its end of support) is a warning: what
        // it is about was done. Failed targets have a notification each, below.
        let level = if item.is_notice() {
            "warning"
        } else if item.key == "failed_targets" {
            continue;
        } else {
            "error"
        };
        notifications.push(
            Notification::builder()
                .message(message(item.text))
                .level(serde_json::Value::from(level))
                .build(),
        );
    }
    for t in &doc.targets {
        if let Some(e) = &t.error {
            notifications.push(
                Notification::builder()
                    .message(message(format!(
                        "{} could not be scanned ({}): {}",
                        t.target, e.kind, e.message
                    )))
                    .level(serde_json::Value::from("error"))
                    .build(),
            );
        }
    }
    notifications
}

/// One result to be written.
struct Candidate<'a> {
    t: &'a DocTarget,
    f: &'a DocFinding,
    suppression: Option<Suppression>,
    compared: Option<Comparison>,
}

/// Every result of `doc` (and, for a diff, the absent ones of the old report), in report order.
fn candidates<'a>(doc: &'a Doc, against: Option<(&'a Doc, &'a DocDiff)>) -> Vec<Candidate<'a>> {
    let compared = |t: &DocTarget, f: &DocFinding| -> Option<Comparison> {
        let (_, diff) = against?;
        diff.causes
            .get(&(t.target.clone(), f.key()))
            .map(|c| Comparison::of(*c))
    };
    let mut out = Vec::new();
    for t in &doc.targets {
        for (_, f) in t.all_findings() {
            out.push(Candidate {
                t,
                f,
                suppression: None,
                compared: compared(t, f),
            });
        }
        for s in &t.suppressed {
            let mut justification = match &s.ignored_by.vex {
                Some(v) => format!(
                    "VEX {} ({}) at {}",
                    v.document, v.format, s.ignored_by.origin
                ),
                None => format!("ignored by [[ignore]] {}", s.ignored_by.id),
            };
            if !s.ignored_by.reason.is_empty() {
                justification = format!("{}: {}", justification, s.ignored_by.reason);
            }
            let suppression = Suppression::builder()
                .kind(serde_json::Value::from("external"))
                .justification(justification)
                .build();
            out.push(Candidate {
                t,
                f: &s.finding,
                suppression: Some(suppression),
                compared: compared(t, &s.finding),
            });
        }
    }
    if let Some((old, _)) = against {
        for t in &old.targets {
            for (_, f) in t.all_findings() {
                if let Some(c) = compared(t, f).filter(|c| c.state == "absent") {
                    out.push(Candidate {
                        t,
                        f,
                        suppression: None,
                        compared: Some(c),
                    });
                }
            }
        }
    }
    out
}

/// Highest ranked first: open before suppressed or gone, then known exploited, EPSS,
/// severity, and how many targets have the same vulnerability (fixing it helps more).
fn rank_order(candidates: &mut [Candidate<'_>]) {
    let mut reach: HashMap<&str, usize> = HashMap::new();
    for c in candidates.iter() {
        *reach.entry(c.f.rule_id()).or_default() += 1;
    }
    let key = |c: &Candidate<'_>| {
        let closed = c.suppression.is_some() || c.compared.is_some_and(|x| x.state == "absent");
        (
            closed,
            std::cmp::Reverse(c.f.kev.is_some()),
            std::cmp::Reverse((c.f.epss_probability() * 1e6) as u64),
            std::cmp::Reverse(c.f.severity),
            std::cmp::Reverse(reach.get(c.f.rule_id()).copied().unwrap_or(0)),
        )
    };
    candidates.sort_by_cached_key(key);
}

/// GitHub code scanning refuses an upload over this, gzipped.
const MAX_GZIPPED: usize = 10 << 20;

fn gzipped_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("in memory");
    gz.finish().expect("in memory").len()
}

/// 4210 -> "4,210".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn render_compared(
    doc: &Doc,
    against: Option<(&Doc, &DocDiff)>,
    max_results: usize,
    category: &str,
) -> (Vec<u8>, Cut) {
    let mut candidates = candidates(doc, against);
    let total = candidates.len();
    let mut cap = max_results.min(crate::settings::SARIF_MAX_RESULTS);
    let (mut shrunk, mut ranked) = (false, false);
    loop {
        let kept = total.min(cap);
        // Report order when everything fits; the highest ranked when not.
        if kept < total && !ranked {
            rank_order(&mut candidates);
            ranked = true;
        }
        let mut notifications = notifications(doc);
        if kept < total {
            notifications.push(
                Notification::builder()
                    .message(message(format!(
                        "{} lower-ranked results left out of this SARIF file (it keeps the {} highest ranked{}); all are in the JSON report",
                        thousands(total - kept),
                        thousands(kept),
                        if shrunk { ", fewer than report.sarif.max_results to stay under 10 MB gzipped" } else { "" }
                    )))
                    .level(serde_json::Value::from("warning"))
                    .build(),
            );
        }
        let bytes = log(doc, &candidates[..kept], notifications, category);
        // Only a file over the limit as it is can be over it gzipped.
        let gz = if bytes.len() <= MAX_GZIPPED || kept <= 1 {
            0
        } else {
            gzipped_len(&bytes)
        };
        if gz <= MAX_GZIPPED {
            let cut = Cut {
                kept,
                left_out: total - kept,
                shrunk,
            };
            return (bytes, cut);
        }
        // Shrink in proportion, with a margin, until it fits.
        cap = ((kept as f64) * (MAX_GZIPPED as f64 / gz as f64) * 0.9) as usize;
        cap = cap.max(1);
        shrunk = true;
    }
}

/// The log of `results` (rules for them only).
fn log(
    doc: &Doc,
    results: &[Candidate<'_>],
    notifications: Vec<Notification>,
    category: &str,
) -> Vec<u8> {
    let mut b = Builder {
        rules: Vec::new(),
        index: HashMap::new(),
        results: Vec::new(),
    };
    for c in results {
        b.add(c.t, c.f, c.suppression.clone(), c.compared);
    }
    let driver = ToolComponent::builder()
        .name("trivyscan")
        .version(doc.run.version.clone())
        .information_uri("https://github.com/trivyscan/trivyscan")
        .rules(b.rules)
        .build();
    let mut run_props = BTreeMap::new();
    run_props.insert(
        "trivyVersion".to_string(),
        serde_json::Value::from(doc.run.trivy_version.clone()),
    );
    run_props.insert(
        "profile".to_string(),
        serde_json::Value::from(doc.run.profile.clone()),
    );
    run_props.insert(
        "verdict".to_string(),
        serde_json::Value::from(doc.verdict().as_str()),
    );
    if let Some(intel) = &doc.run.intel {
        run_props.insert(
            "intel".to_string(),
            serde_json::to_value(intel).expect("serializes"),
        );
    }
    let invocation = Invocation::builder()
        .execution_successful(doc.complete())
        .tool_execution_notifications(notifications)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(b.results)
        .invocations(vec![invocation])
        .properties(
            PropertyBag::builder()
                .additional_properties(run_props)
                .build(),
        )
        .build();
    run.automation_details = Some(serde_sarif::sarif::RunAutomationDetails {
        id: Some(category.to_string()),
        ..Default::default()
    });
    let log = Sarif::builder()
        .schema(SCHEMA_URI)
        .version(serde_json::Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    let mut out = serde_json::to_vec_pretty(&log).expect("SARIF serializes");
    out.push(b'\n');
    out
}
