//! `json`: trivyscan's own report, schema `trivyscan.report/v1` (docs/report.md,
//! docs/report.schema.json): run metadata, one entry per target, and fleet totals.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::value::RawValue;

use super::fleet::empty_counts;
use super::schema::{FleetSection, SCHEMA, TargetDiff};
use super::target_facts::{BaselineMark, Deadline, DeadlineRules, TargetFacts};
use crate::model::FindingRef;
use crate::model::Intel;
use crate::model::RunInfo;
use crate::model::{EpssInfo, JsonText, KevInfo, Outcome, ScanReport, Severity, TargetResult};

#[derive(Serialize)]
struct Target<'a> {
    set: &'a str,
    kind: &'static str,
    target: String,
    /// For an imported report: what it scanned, its own `ArtifactName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    artifact: Option<&'a str>,
    origin: String,
    /// The other places that name it (a registry glob, a manifest): where it is deployed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_origins: Vec<String>,
    scan_type: &'static str,
    severity_threshold: Severity,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_id: Option<&'a str>,
    /// The temporary image a Dockerfile was built as.
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    /// The operating system Trivy found, and whether it is past its end of support.
    #[serde(skip_serializing_if = "Option::is_none")]
    os: Option<&'a crate::model::OsInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorInfo<'a>>,
    duration_ms: u128,
    /// `scanned`, `rescanned_on_server`, `rescanned_from_sbom` or `reused`, when the result cache was involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    cache: Option<&'static str>,
    /// The result cache entry (its id) the result is kept in: what `report render --format
    /// cyclonedx` makes the fleet SBOM from.
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_entry: Option<&'a str>,
    counts: IndexMap<Severity, usize>,
    findings: IndexMap<&'a str, IndexMap<Severity, Vec<Finding<'a>>>>,
    /// Findings an `[[ignore]]` entry accepted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressed: Vec<SuppressedEntry<'a>>,
    /// With a baseline: new, unchanged and fixed findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a TargetDiff>,
}

#[derive(Serialize)]
struct SuppressedEntry<'a> {
    component: &'a str,
    #[serde(flatten)]
    finding: Finding<'a>,
    ignored_by: IgnoredBy,
}

#[derive(Serialize)]
struct IgnoredBy {
    id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
    /// An ignore entry's OpenVEX justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    origin: String,
    /// Accepted by a VEX statement: which, and what it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    vex: Option<super::target_facts::VexDecision>,
}

#[derive(Serialize)]
struct ErrorInfo<'a> {
    kind: &'static str,
    message: &'a str,
}

/// What a run adds to any finding: its place against a baseline, and its deadline.
#[derive(Serialize, Default)]
struct Marked {
    /// `new`, `unchanged` or `updated` (rescored) when the run has a baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'static str>,
    /// Why a new finding is new (`report::triage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<&'static str>,
    /// With `baseline` `updated`: the severity the baseline reported it at.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_severity: Option<Severity>,
    /// With deadlines on: when it was first seen, when it is due, whether that passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overdue: Option<bool>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Finding<'a> {
    Vulnerability {
        id: &'a str,
        package: &'a str,
        installed_version: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        fixed_version: &'a str,
        severity: Severity,
        result_target: &'a str,
        result_type: &'a str,
        #[serde(skip_serializing_if = "JsonText::is_empty")]
        title: &'a JsonText,
        #[serde(skip_serializing_if = "JsonText::is_empty")]
        description: &'a JsonText,
        #[serde(skip_serializing_if = "Option::is_none")]
        cvss: Option<&'a RawValue>,
        /// Listed in CISA's Known Exploited Vulnerabilities catalog.
        #[serde(skip_serializing_if = "Option::is_none")]
        kev: Option<&'a KevInfo>,
        #[serde(skip_serializing_if = "Option::is_none")]
        epss: Option<EpssInfo>,

        #[serde(skip_serializing_if = "str::is_empty")]
        primary_url: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        fingerprint: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        purl: &'a str,
        /// A VEX statement that keeps it in: affected, or under investigation.
        #[serde(skip_serializing_if = "Option::is_none")]
        vex: Option<Box<super::target_facts::VexDecision>>,
        #[serde(flatten)]
        marked: Marked,
    },
    Secret {
        id: &'a str,
        category: &'a str,
        title: &'a str,
        severity: Severity,
        result_target: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        start_line: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        end_line: Option<i64>,
        #[serde(rename = "match")]
        matched: &'a str,
        #[serde(flatten)]
        marked: Marked,
    },
    Misconfiguration {
        id: &'a str,
        title: &'a str,
        message: &'a str,
        severity: Severity,
        result_target: &'a str,
        #[serde(flatten)]
        marked: Marked,
    },
    License {
        name: &'a str,
        package: &'a str,
        category: &'a str,
        severity: Severity,
        result_target: &'a str,
        #[serde(flatten)]
        marked: Marked,
    },
}

/// What a run adds to a finding: with a baseline `new` (and why) or `unchanged`; with
/// deadlines on, its deadline.
#[derive(Default)]
struct Marks {
    /// (`new` / `unchanged` / `updated`, why it is new, the severity it had before).
    baseline: Option<(&'static str, Option<&'static str>, Option<Severity>)>,
    deadline: Option<Deadline>,
    /// A VEX statement that kept the finding in (affected, under investigation).
    vex: Option<Box<super::target_facts::VexDecision>>,
}

/// One finding, with its marks.
fn finding<'a>(
    report: &'a ScanReport,
    f: FindingRef,
    marks: Marks,
    intel: &'a Intel,
) -> Finding<'a> {
    let marked = Marked {
        baseline: marks.baseline.map(|m| m.0),
        cause: marks.baseline.and_then(|m| m.1),
        previous_severity: marks.baseline.and_then(|m| m.2),
        first_seen: marks.deadline.map(|d| d.first_seen.to_string()),
        due: marks.deadline.and_then(|d| d.due).map(|d| d.to_string()),
        overdue: marks.deadline.and_then(|d| d.due.map(|_| d.overdue)),
    };
    match f {
        FindingRef::Vulnerability { result, index } => {
            let r = &report.results[result];
            let v = &r.vulnerabilities[index];
            Finding::Vulnerability {
                id: &v.id,
                package: &v.pkg_name,
                installed_version: &v.installed_version,
                fixed_version: &v.fixed_version,
                severity: v.severity,
                result_target: &r.target,
                result_type: &r.kind,
                title: &v.title,
                description: &v.description,
                cvss: v.cvss.as_deref(),
                kev: intel.kev(&v.id),
                epss: intel.epss(&v.id),
                primary_url: &v.primary_url,
                fingerprint: &v.fingerprint,
                purl: &v.purl,
                vex: marks.vex,
                marked,
            }
        }
        FindingRef::Secret { result, index } => {
            let r = &report.results[result];
            let s = &r.secrets[index];
            Finding::Secret {
                id: &s.rule_id,
                category: &s.category,
                title: &s.title,
                severity: s.severity,
                result_target: &r.target,
                start_line: s.start_line,
                end_line: s.end_line,
                matched: &s.matched,
                marked,
            }
        }
        FindingRef::Misconfiguration { result, index } => {
            let r = &report.results[result];
            let m = &r.misconfigurations[index];
            Finding::Misconfiguration {
                id: &m.id,
                title: &m.title,
                message: &m.message,
                severity: m.severity,
                result_target: &r.target,
                marked,
            }
        }
        FindingRef::License { result, index } => {
            let r = &report.results[result];
            let l = &r.licenses[index];
            Finding::License {
                name: &l.name,
                package: &l.pkg_name,
                category: &l.category,
                severity: l.severity,
                result_target: &r.target,
                marked,
            }
        }
    }
}

#[derive(Serialize, Default)]
struct Totals {
    targets: usize,
    scanned: usize,
    failed: usize,
    counts: IndexMap<Severity, usize>,
    suppressed: usize,
    by_component: IndexMap<String, IndexMap<Severity, usize>>,
}

/// The target's suppressed findings, each with what accepted it.
fn suppressed_entries<'a>(
    report: &'a ScanReport,
    grouped: &'a crate::model::Grouped,
    decisions: super::target_facts::Decisions<'_>,
    intel: &'a Intel,
) -> Vec<SuppressedEntry<'a>> {
    grouped
        .suppressed
        .iter()
        .map(|s| {
            let by = decisions.of(s.by);
            SuppressedEntry {
                component: &s.component,
                finding: finding(report, s.finding, Marks::default(), intel),
                ignored_by: IgnoredBy {
                    id: by.id,
                    reason: by.reason,
                    expires: by.expires.map(|d| d.to_string()),
                    justification: by.justification,
                    origin: by.origin,
                    vex: by.vex,
                },
            }
        })
        .collect()
}

/// What one target adds to the fleet totals.
#[derive(Debug, Clone, Default)]
pub struct TargetTotals {
    scanned: bool,
    suppressed: usize,
    counts: Vec<(String, Severity, usize)>,
}

/// One target's line of the report, and its share of the totals (made on a worker thread).
pub fn target_entry(
    r: &TargetResult,
    facts: &TargetFacts,
    decisions: super::target_facts::Decisions<'_>,
    intel: &Intel,
) -> (Vec<u8>, TargetTotals) {
    let mut totals = TargetTotals::default();
    let mut counts = empty_counts();
    let mut findings = IndexMap::new();
    let mut suppressed = Vec::new();
    let mut marks = facts.new_marks.iter().flatten();
    let mut deadlines = facts.deadlines.iter().flatten();
    let mut mark = || Marks {
        baseline: marks.next().map(|m| match m {
            BaselineMark::New(cause) => ("new", Some(cause.as_str()), None),
            BaselineMark::Unchanged => ("unchanged", None, None),
            BaselineMark::Rescored { from } => ("updated", None, Some(*from)),
        }),
        deadline: deadlines.next().copied(),
        vex: None,
    };
    let os = match &r.outcome {
        Outcome::Scanned { report, .. } => report.os.as_deref(),
        Outcome::Failed { .. } => None,
    };
    let (status, error, digest, image_id) = match &r.outcome {
        Outcome::Scanned { report, grouped } => {
            totals.scanned = true;
            totals.suppressed = grouped.suppressed.len();
            for (component, sevs) in &grouped.components {
                let mut by_sev = IndexMap::new();
                for (sev, list) in sevs {
                    *counts.entry(*sev).or_default() += list.len();
                    totals.counts.push((component.clone(), *sev, list.len()));
                    by_sev.insert(
                        *sev,
                        list.iter()
                            .map(|f| {
                                let mut m = mark();
                                m.vex = grouped
                                    .vex_kept
                                    .iter()
                                    .find(|(kept, _)| kept == f)
                                    .map(|(_, i)| Box::new(decisions.vex_decision(*i, 0)));
                                finding(report, *f, m, intel)
                            })
                            .collect(),
                    );
                }
                findings.insert(component.as_str(), by_sev);
            }
            suppressed = suppressed_entries(report, grouped, decisions, intel);
            let (image_id, digest) = super::target_facts::image_identity(r, report);
            ("ok", None, digest, image_id)
        }
        Outcome::Failed { kind, message } => (
            "error",
            Some(ErrorInfo {
                kind: kind.as_str(),
                message,
            }),
            None,
            None,
        ),
    };
    let target = Target {
        set: &r.target.set,
        kind: r.target.kind.label(),
        target: r.target.kind.display_name(),
        artifact: match (&r.target.kind, &r.outcome) {
            (crate::model::TargetKind::Report(_), Outcome::Scanned { report, .. }) => {
                Some(report.artifact_name.as_str()).filter(|a| !a.is_empty())
            }
            _ => None,
        },
        origin: r.target.origin.to_string(),
        other_origins: r.target.also.iter().map(|o| o.to_string()).collect(),
        scan_type: r.scan_type.as_str(),
        severity_threshold: r.target.severity,
        status,
        digest,
        image_id,
        image: r.image.as_deref(),
        os,
        error,
        duration_ms: r.duration.as_millis(),
        cache: r.cache.map(|c| c.as_str()),
        cache_entry: r.cache_entry.as_deref(),
        counts,
        findings,
        suppressed,
        diff: facts.diff.as_ref(),
    };
    let mut bytes = Vec::with_capacity(super::entry_size_hint(r));
    serde_json::to_writer(&mut bytes, &target).expect("target serializes");
    (bytes, totals)
}

/// Writes the report as targets finish: `{"schema":..,"targets":[`, one target a line, `],
/// "run":..,"totals":..}`.
pub struct Writer<W: std::io::Write> {
    out: W,
    totals: Totals,
}

impl<W: std::io::Write> Writer<W> {
    pub fn new(mut out: W) -> std::io::Result<Writer<W>> {
        write!(out, "{{\"schema\":\"{SCHEMA}\",\"targets\":[")?;
        Ok(Writer {
            out,
            totals: Totals {
                counts: empty_counts(),
                ..Totals::default()
            },
        })
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Appends a target made by [`target_entry`].
    pub fn push(&mut self, entry: &[u8], share: &TargetTotals) -> std::io::Result<()> {
        let totals = &mut self.totals;
        if totals.targets > 0 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        totals.targets += 1;
        totals.suppressed += share.suppressed;
        if share.scanned {
            totals.scanned += 1;
        } else {
            totals.failed += 1;
        }
        for (component, sev, n) in &share.counts {
            *totals.counts.entry(*sev).or_default() += n;
            *totals
                .by_component
                .entry(component.clone())
                .or_default()
                .entry(*sev)
                .or_default() += n;
        }
        self.out.write_all(entry)
    }

    pub fn finish(mut self, run: &RunInfo, fleet: &FleetSection) -> std::io::Result<W> {
        self.out.write_all(b"\n],\n\"run\":")?;
        serde_json::to_writer(&mut self.out, run).map_err(std::io::Error::other)?;
        self.out.write_all(b",\n\"totals\":")?;
        serde_json::to_writer(&mut self.out, &self.totals).map_err(std::io::Error::other)?;
        // The fleet sections are the members of one object: written after the totals.
        // Streamed, less its opening brace: the fleet sections can be tens of megabytes.
        self.out.write_all(b",\n")?;
        let mut members = WithoutFirstByte {
            out: &mut self.out,
            skipped: false,
        };
        serde_json::to_writer(&mut members, fleet).map_err(std::io::Error::other)?;
        self.out.write_all(b"\n")?;
        Ok(self.out)
    }
}

/// Passes everything on but the first byte written.
struct WithoutFirstByte<'a, W: std::io::Write> {
    out: &'a mut W,
    skipped: bool,
}

impl<W: std::io::Write> std::io::Write for WithoutFirstByte<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.skipped && !buf.is_empty() {
            self.skipped = true;
            return Ok(1 + self.out.write(&buf[1..])?);
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The whole report for `results`, in memory, with no ignores and no baseline.
pub fn render(run: &RunInfo, results: &[TargetResult], gate: crate::settings::Gate) -> Vec<u8> {
    render_with_ledger(run, results, gate, crate::model::Ledger::default())
}

/// [`render`], with the run's ledger.
pub fn render_with_ledger(
    run: &RunInfo,
    results: &[TargetResult],
    gate: crate::settings::Gate,
    ledger: crate::model::Ledger,
) -> Vec<u8> {
    let mut w = Writer::new(Vec::new()).expect("in memory");
    let intel = Intel::none();
    let mut fleet = super::target_facts::Fleet::new(&intel);
    for r in results {
        let facts = TargetFacts::of(
            r,
            gate,
            None,
            &intel,
            super::target_facts::Decisions::default(),
            &DeadlineRules::none(),
        );
        fleet.add(&facts);
        let (entry, share) =
            target_entry(r, &facts, super::target_facts::Decisions::default(), &intel);
        w.push(&entry, &share).expect("in memory");
    }
    w.finish(
        run,
        &fleet.finish(gate, None, &intel, ledger, run.interrupted),
    )
    .expect("in memory")
}
