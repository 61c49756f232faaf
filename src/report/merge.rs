//! `report merge`: shard reports (or any trivyscan JSON reports) combined into one fleet report.
//! Target entries are copied byte for byte; totals, the gate, fix impact and the fleet's
//! vulnerability list are recomputed over all of them.

use std::collections::HashSet;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::fleet::{FleetAccumulator, VulnItem, empty_counts};
use super::json_reader::{Doc, DocRun, LoadError};
use super::schema::{GateResult, SCHEMA};
use crate::model::{InputKind, Ledger, LedgerEntry, LedgerStatus, Severity, Verdict};

/// The targets of a report as written, copied byte for byte into the merged report.
#[derive(Deserialize)]
struct RawTargets {
    targets: Vec<Box<RawValue>>,
}

/// Shard reports that are not the shards of one plan.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ShardError {
    #[error("{}", crate::msg!("merge-other-plan", path = .path, shard = .shard, first = .first, first_shard = .first_shard))]
    #[diagnostic(
        code(trivyscan::report::merge_shards),
        url("docs/diagnostics.md#trivyscan-report-merge_shards"),
        help(
            "{}", crate::msg!("merge-other-plan-help"))
    )]
    OtherPlan {
        path: String,
        shard: String,
        first: String,
        first_shard: String,
    },
    #[error("{}", crate::msg!("merge-shard-twice", shard = .shard, first = .first, second = .second))]
    #[diagnostic(
        code(trivyscan::report::merge_shards),
        url("docs/diagnostics.md#trivyscan-report-merge_shards"),
        help("{}", crate::msg!("merge-shard-twice-help"))
    )]
    Twice {
        shard: String,
        first: String,
        second: String,
    },
    #[error("{}", crate::msg!("merge-shards-missing", missing = .missing, total = .total, present = .present))]
    #[diagnostic(
        code(trivyscan::report::merge_shards),
        url("docs/diagnostics.md#trivyscan-report-merge_shards"),
        help(
            "{}", crate::msg!("merge-shards-missing-help", missing = .missing))
    )]
    Missing {
        missing: String,
        total: u32,
        present: String,
    },
    #[error("{}", crate::msg!("merge-other-gate", path = .path, gate = .gate, first = .first, first_gate = .first_gate))]
    #[diagnostic(
        code(trivyscan::report::merge_gates),
        url("docs/diagnostics.md#trivyscan-report-merge_gates"),
        help("{}", crate::msg!("merge-other-gate-help"))
    )]
    OtherGate {
        path: String,
        gate: String,
        first: String,
        first_gate: String,
    },
}

/// A report's gate settings, as a diagnostic shows them.
fn gate_settings(g: Option<&GateResult>) -> String {
    let Some(g) = g else {
        return "no gate".to_string();
    };
    format!(
        "fail_on = {}, fail_on_new = {}, fail_on_kev = {}, fail_on_epss = {}{}",
        g.fail_on
            .map_or("none".to_string(), |s| s.as_str().to_lowercase()),
        g.fail_on_new,
        g.fail_on_kev,
        g.fail_on_epss.map_or("none".to_string(), |p| p.to_string()),
        // Said only when set: reports of earlier versions have no such parts.
        match (g.fail_on_overdue, g.kev_overdue_only) {
            (false, false) => "",
            (true, false) => ", fail_on_overdue = true",
            (false, true) => ", fail_on_kev = \"overdue\"",
            (true, true) => ", fail_on_overdue = true, fail_on_kev = \"overdue\"",
        }
    )
}

/// Every input must have been gated alike: a merged report has one gate, and taking one
/// input's would judge the others by settings they did not run with.
fn check_gates(paths: &[&str], docs: &[Doc]) -> Result<(), ShardError> {
    let first = gate_settings(docs[0].gate.as_ref());
    for (path, doc) in paths.iter().zip(docs).skip(1) {
        let gate = gate_settings(doc.gate.as_ref());
        if gate != first {
            return Err(ShardError::OtherGate {
                path: path.to_string(),
                gate,
                first: paths[0].to_string(),
                first_gate: first,
            });
        }
    }
    Ok(())
}

/// What two reports of one target must agree on: its status and the findings' identities.
fn result_signature(t: &super::json_reader::DocTarget) -> (String, Option<String>, Vec<String>) {
    let mut keys: Vec<String> = t.all_findings().map(|(_, f)| f.key()).collect();
    keys.sort();
    (
        t.status.clone(),
        t.error.as_ref().map(|e| e.kind.clone()),
        keys,
    )
}

/// "ok, 3 finding(s)" or "error (timeout)".
fn result_words(t: &super::json_reader::DocTarget) -> String {
    match &t.error {
        Some(e) => format!("{} ({})", t.status, e.kind),
        None => format!("{}, {} finding(s)", t.status, t.all_findings().count()),
    }
}

/// Shard reports (those with `run.shard`) must be the N shards of one plan, each once.
fn check_shards(inputs: &[(&str, &DocRun)]) -> Result<(), ShardError> {
    let shards: Vec<(&str, u32, u32, &str)> = inputs
        .iter()
        .filter_map(|(path, run)| {
            let (k, n) = run.shard.as_deref()?.split_once('/')?;
            Some((
                *path,
                k.parse().ok()?,
                n.parse().ok()?,
                run.plan.as_deref().unwrap_or(""),
            ))
        })
        .collect();
    let Some(&(first, _, total, plan)) = shards.first() else {
        return Ok(());
    };
    let mut seen: std::collections::BTreeMap<u32, &str> = Default::default();
    for &(path, k, n, p) in &shards {
        if n != total || p != plan {
            return Err(ShardError::OtherPlan {
                path: path.to_string(),
                shard: format!("{k}/{n}"),
                first: first.to_string(),
                first_shard: format!("{}/{total}", shards[0].1),
            });
        }
        if let Some(earlier) = seen.insert(k, path) {
            return Err(ShardError::Twice {
                shard: format!("{k}/{n}"),
                first: earlier.to_string(),
                second: path.to_string(),
            });
        }
    }
    if let Some(missing) = (1..=total).find(|k| !seen.contains_key(k)) {
        return Err(ShardError::Missing {
            missing: format!("{missing}/{total}"),
            total,
            present: seen
                .keys()
                .map(|k| format!("{k}/{total}"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(())
}

pub struct Merged {
    pub json: Vec<u8>,
    /// Targets found in more than one input with the same result (kept once, from the first).
    pub duplicates: Vec<String>,
    /// The fleet's verdict, recomputed from the union of the inputs' ledgers.
    pub verdict: Verdict,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum MergeError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Shards(#[from] ShardError),
}

/// Merges `inputs` (display path, bytes) in order. Shard reports must be every shard of one
/// plan, each once.
pub fn merge(inputs: &[(String, Vec<u8>)]) -> Result<Merged, MergeError> {
    let mut docs = Vec::new();
    let mut raws = Vec::new();
    for (path, bytes) in inputs {
        let doc = Doc::parse(bytes, path)?;
        let raw: RawTargets = serde_json::from_slice(bytes).map_err(|source| LoadError::Parse {
            path: path.clone(),
            source,
        })?;
        docs.push(doc);
        raws.push(raw);
    }
    let runs: Vec<(&str, &DocRun)> = inputs
        .iter()
        .zip(&docs)
        .map(|((path, _), doc)| (path.as_str(), &doc.run))
        .collect();
    // Gates first: shards run with other gate settings are also of another plan, and this
    // says what differs.
    let paths: Vec<&str> = inputs.iter().map(|(p, _)| p.as_str()).collect();
    check_gates(&paths, &docs)?;
    check_shards(&runs)?;
    let mut ledger = Ledger::default();
    for doc in &docs {
        ledger.union(&doc.full_ledger());
    }
    let (kept, entries, duplicates) = dedupe(&docs, &raws, &paths, &mut ledger);

    let run = merged_run(inputs, &docs);

    // Totals and fleet sections, recomputed.
    // The shards' gates are the same (checked above): the first one's settings.
    let gate = docs
        .first()
        .and_then(|d| d.gate.as_ref())
        .map(GateResult::settings)
        .unwrap_or_default();
    let (totals, mut gate, fleet) = recompute(&kept, gate);
    // A gate part a shard could not evaluate was not evaluated over the fleet.
    let mut unevaluated: Vec<String> = docs
        .iter()
        .filter_map(|d| d.gate.as_ref())
        .flat_map(|g| g.unevaluated.iter().cloned())
        .collect();
    unevaluated.sort();
    unevaluated.dedup();
    gate.unevaluated = unevaluated;
    let failed = kept.iter().filter(|t| t.status != "ok").count();
    let interrupted = docs.iter().any(|d| d.run.interrupted);
    gate.conclude(&ledger, failed, interrupted);
    let known_exploited = docs
        .iter()
        .all(|d| d.known_exploited.is_some())
        .then(|| known_exploited(&kept, &docs, &fleet));

    let (fix_impact, vulnerabilities) = (fleet.fix_impact(), fleet.vulnerabilities());
    let mut parts: Vec<(&str, &dyn erased::Json)> = vec![
        ("run", &run),
        ("totals", &totals),
        ("ledger", &ledger),
        ("gate", &gate),
    ];
    if let Some(k) = &known_exploited {
        parts.push(("known_exploited", k));
    }
    // Deadlines, when a shard worked them out: summed again from the findings.
    let overdue = docs.iter().any(|d| d.overdue.is_some()).then(|| {
        let mut o = super::schema::Overdue::default();
        for (_, f) in kept.iter().flat_map(|t| t.all_findings()) {
            if f.overdue == Some(true) {
                o.findings += 1;
                o.known_exploited += usize::from(f.kev.is_some());
            }
        }
        o
    });
    if let Some(o) = &overdue {
        parts.push(("overdue", o));
    }
    parts.push(("fix_impact", &fix_impact));
    parts.push(("vulnerabilities", &vulnerabilities));
    let out = merged_json(&entries, &parts);
    Ok(Merged {
        json: out,
        duplicates,
        verdict: gate.verdict,
    })
}

/// Each target once, in input order: (the kept targets, their raw entries, the targets that
/// came again with the same result). A target reported differently by two inputs is not done:
/// a failed entry in the ledger.
fn dedupe<'a>(
    docs: &'a [Doc],
    raws: &'a [RawTargets],
    paths: &[&str],
    ledger: &mut Ledger,
) -> (
    Vec<&'a super::json_reader::DocTarget>,
    Vec<&'a RawValue>,
    Vec<String>,
) {
    // (kind, target) -> (index in kept, the input it came from)
    let mut seen: std::collections::HashMap<(String, String), (usize, usize)> = Default::default();
    let mut duplicates = Vec::new();
    let mut entries: Vec<&RawValue> = Vec::new();
    let mut kept = Vec::new();
    for (input, (doc, raw)) in docs.iter().zip(raws).enumerate() {
        for (target, entry) in doc.targets.iter().zip(&raw.targets) {
            let key = (target.kind.clone(), target.target.clone());
            match seen.get(&key) {
                None => {
                    seen.insert(key, (kept.len(), input));
                    entries.push(entry);
                    kept.push(target);
                }
                Some(&(index, first_input)) => {
                    let first: &super::json_reader::DocTarget = kept[index];
                    if result_signature(first) == result_signature(target) {
                        duplicates.push(target.target.clone());
                    } else {
                        // Which of the two is right is unknown: the target is not done.
                        ledger.push(
                            LedgerEntry::new(
                                InputKind::Target,
                                target.target.clone(),
                                LedgerStatus::Failed,
                            )
                            .origin(format!("{}, {}", paths[first_input], paths[input]))
                            .reason(format!(
                                "reported differently: {} in {}, {} in {}",
                                result_words(first),
                                paths[first_input],
                                result_words(target),
                                paths[input]
                            )),
                        );
                    }
                }
            }
        }
    }

    (kept, entries, duplicates)
}

/// The merged report's bytes: the targets' entries as they were, then the recomputed parts.
fn merged_json(entries: &[&RawValue], parts: &[(&str, &dyn erased::Json)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(format!("{{\"schema\":\"{}\",\"targets\":[", SCHEMA).as_bytes());
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'\n');
        out.extend_from_slice(entry.get().as_bytes());
    }
    let tail = |key: &str, value: &dyn erased::Json| -> Vec<u8> {
        let mut v = format!(",\n\"{key}\":").into_bytes();
        v.extend_from_slice(&value.to_json());
        v
    };
    out.extend_from_slice(b"\n]");
    for (key, value) in parts {
        out.extend(tail(key, *value));
    }
    out.extend_from_slice(b"}\n");
    out
}

/// The merged `run`: the first input's, spanning every run (as instants: jobs may run in
/// different time zones), interrupted if any was, every skipped scanner, every Trivy version,
/// no shard or plan, a feed one input lacked said as lacked, and the inputs in `merged_from`.
fn merged_run(inputs: &[(String, Vec<u8>)], docs: &[Doc]) -> DocRun {
    let mut run = docs[0].run.clone();
    let instant = |t: &String| chrono::DateTime::parse_from_rfc3339(t).ok();
    if let Some(started) = docs
        .iter()
        .map(|d| d.run.started_at.clone())
        .min_by_key(|t| (instant(t), t.clone()))
    {
        run.started_at = started;
    }
    if let Some(finished) = docs
        .iter()
        .map(|d| d.run.finished_at.clone())
        .max_by_key(|t| (instant(t), t.clone()))
    {
        run.finished_at = finished;
    }
    run.interrupted = docs.iter().any(|d| d.run.interrupted);
    // A scanner skipped in any shard was not run over the whole fleet.
    let mut skipped: Vec<String> = docs
        .iter()
        .flat_map(|d| d.run.skipped_scanners.iter().cloned())
        .collect();
    skipped.sort();
    skipped.dedup();
    run.skipped_scanners = skipped;
    // A shard that ran no Trivy (no targets) says no version: not an empty entry.
    let mut versions: Vec<String> = docs
        .iter()
        .map(|d| d.run.trivy_version.clone())
        .filter(|v| !v.is_empty())
        .collect();
    versions.sort();
    versions.dedup();
    run.trivy_version = versions.join(", ");
    run.shard = None;
    run.plan = None;
    // A feed one shard lacked was lacked for part of the fleet: said as that shard said it.
    if let Some(intel) = &mut run.intel {
        if let Some(kev) = docs
            .iter()
            .filter_map(|d| d.run.intel.as_ref())
            .find(|i| i.kev.missing())
        {
            intel.kev = kev.kev.clone();
        }
        if let Some(epss) = docs
            .iter()
            .filter_map(|d| d.run.intel.as_ref())
            .find(|i| i.epss.missing())
        {
            intel.epss = epss.epss.clone();
        }
    }
    run.merged_from = inputs.iter().map(|(p, _)| p.clone()).collect();
    run
}

/// Totals, the gate and the fleet sections over the kept targets.
fn recompute(
    kept: &[&super::json_reader::DocTarget],
    gate: crate::settings::Gate,
) -> (serde_json::Value, GateResult, FleetAccumulator) {
    let mut counts = empty_counts();
    let mut by_component: IndexMap<String, IndexMap<Severity, usize>> = IndexMap::new();
    let (mut scanned, mut failed, mut suppressed, mut gate_hits) = (0, 0, 0, 0);
    let (mut kev_hits, mut epss_hits) = (0, 0);
    let mut fleet = FleetAccumulator::default();
    for t in kept {
        if t.status == "ok" {
            scanned += 1;
        } else {
            failed += 1;
        }
        suppressed += t.suppressed.len();
        let mut vulns = Vec::new();
        for (component, by_sev) in &t.findings {
            for (sev, list) in by_sev {
                *counts.entry(*sev).or_default() += list.len();
                *by_component
                    .entry(component.clone())
                    .or_default()
                    .entry(*sev)
                    .or_default() += list.len();
                for f in list {
                    let caught = super::schema::gate_catch(&gate, f.gate_input());
                    gate_hits += usize::from(caught.any());
                    kev_hits += usize::from(caught.kev);
                    epss_hits += usize::from(caught.epss);
                    if f.kind == "vulnerability" {
                        if let Some(e) = &f.epss {
                            fleet.set_epss_date(&e.date);
                        }
                        vulns.push(VulnItem {
                            id: f.id.clone(),
                            package: f.package.clone(),
                            fixed_version: f.fixed_version.clone(),
                            severity: f.severity,
                            kev: f.kev.clone().map(Box::new),
                            epss: f.epss.as_ref().map(|e| (e.probability, e.percentile)),
                        });
                    }
                }
            }
        }
        fleet.add(&t.target, &vulns);
    }
    let totals = serde_json::json!({
        "targets": kept.len(),
        "scanned": scanned,
        "failed": failed,
        "counts": counts,
        "suppressed": suppressed,
        "by_component": by_component,
    });
    let gate = GateResult::counted(gate, gate_hits, kev_hits, epss_hits, Vec::new());

    (totals, gate, fleet)
}

/// The known-exploited section over the kept targets (every input had the KEV catalog).
fn known_exploited(
    kept: &[&super::json_reader::DocTarget],
    docs: &[super::json_reader::Doc],
    fleet: &FleetAccumulator,
) -> super::schema::KnownExploited {
    let mut section = super::schema::KnownExploited::default();
    let mut ids = HashSet::new();
    for t in kept {
        let kev: Vec<_> = t
            .all_findings()
            .map(|(_, f)| f)
            .filter(|f| f.kev.is_some())
            .collect();
        section.findings += kev.len();
        section.with_fix += kev.iter().filter(|f| !f.fixed_version.is_empty()).count();
        section.targets += usize::from(!kev.is_empty());
        ids.extend(kev.iter().map(|f| f.id.clone()));
    }
    section.vulnerabilities = ids.len();
    section.upgrades = fleet
        .fix_impact()
        .iter()
        .filter(|f| !f.known_exploited.is_empty())
        .count();
    let kept_names: HashSet<&str> = kept.iter().map(|t| t.target.as_str()).collect();
    section.ignored = docs
        .iter()
        .filter_map(|d| d.known_exploited.as_ref())
        .flat_map(|k| k.ignored.iter())
        .filter(|i| kept_names.contains(i.target.as_str()))
        .cloned()
        .collect();
    section
}

mod erased {
    /// Serializes any of the sections to JSON bytes.
    pub trait Json {
        fn to_json(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec(self).expect("a report section serializes")
        }
    }
}
