//! `report merge`: shard reports (or any trivyscan JSON reports) combined into one fleet report.
//! Target entries are copied byte for byte; totals, the gate, fix impact and the fleet's
//! vulnerability list are recomputed over all of them.

use std::collections::HashSet;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::doc::{Doc, LoadError};
use super::fleet::{FleetAccumulator, VulnItem, empty_counts};
use super::schema::{GateResult, SCHEMA};
use crate::model::Severity;

#[derive(Deserialize)]
struct RawReport {
    targets: Vec<Box<RawValue>>,
    run: serde_json::Value,
}

pub struct Merged {
    pub json: Vec<u8>,
    /// Targets found in more than one input (kept once, from the first).
    pub duplicates: Vec<String>,
}

/// Merges `inputs` (display path, bytes) in order.
pub fn merge(inputs: &[(String, Vec<u8>)]) -> Result<Merged, LoadError> {
    let mut docs = Vec::new();
    let mut raws = Vec::new();
    for (path, bytes) in inputs {
        let doc = Doc::parse(bytes, path)?;
        let raw: RawReport = serde_json::from_slice(bytes).map_err(|source| LoadError::Parse {
            path: path.clone(),
            source,
        })?;
        docs.push(doc);
        raws.push(raw);
    }
    let mut seen = HashSet::new();
    let mut duplicates = Vec::new();
    let mut entries: Vec<&RawValue> = Vec::new();
    let mut kept = Vec::new();
    for (doc, raw) in docs.iter().zip(&raws) {
        for (target, entry) in doc.targets.iter().zip(&raw.targets) {
            if seen.insert((target.kind.clone(), target.target.clone())) {
                entries.push(entry);
                kept.push(target);
            } else {
                duplicates.push(target.target.clone());
            }
        }
    }

    // Run: the span of all runs; interrupted if any was.
    let mut run = raws
        .first()
        .map(|r| r.run.clone())
        .unwrap_or(serde_json::Value::Null);
    let field = |r: &RawReport, key: &str| r.run[key].as_str().unwrap_or("").to_string();
    if let Some(obj) = run.as_object_mut() {
        let started = raws.iter().map(|r| field(r, "started_at")).min();
        let finished = raws.iter().map(|r| field(r, "finished_at")).max();
        obj.insert("started_at".into(), started.unwrap_or_default().into());
        obj.insert("finished_at".into(), finished.unwrap_or_default().into());
        obj.insert(
            "interrupted".into(),
            raws.iter()
                .any(|r| r.run["interrupted"].as_bool().unwrap_or(false))
                .into(),
        );
        // A scanner skipped in any shard was not run over the whole fleet.
        let mut skipped: Vec<String> = raws
            .iter()
            .flat_map(|r| {
                r.run["skipped_scanners"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|s| s.as_str().map(String::from))
            .collect();
        skipped.sort();
        skipped.dedup();
        obj.insert("skipped_scanners".into(), skipped.into());
        let mut versions: Vec<String> = raws.iter().map(|r| field(r, "trivy_version")).collect();
        versions.dedup();
        obj.insert("trivy_version".into(), versions.join(", ").into());
        obj.remove("shard");
        obj.insert(
            "merged_from".into(),
            inputs
                .iter()
                .map(|(p, _)| p.clone())
                .collect::<Vec<_>>()
                .into(),
        );
    }

    // Totals and fleet sections, recomputed.
    let gate = docs.first().and_then(|d| d.gate.clone());
    let (fail_on, fail_on_new) = gate
        .as_ref()
        .map_or((None, false), |g| (g.fail_on, g.fail_on_new));
    let mut counts = empty_counts();
    let mut by_component: IndexMap<String, IndexMap<Severity, usize>> = IndexMap::new();
    let (mut scanned, mut failed, mut suppressed, mut gate_hits) = (0, 0, 0, 0);
    let mut fleet = FleetAccumulator::default();
    for t in &kept {
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
                    if let Some(level) = fail_on
                        && f.severity >= level
                        && (!fail_on_new || f.baseline.as_deref() != Some("unchanged"))
                    {
                        gate_hits += 1;
                    }
                    if f.kind == "vulnerability" {
                        vulns.push(VulnItem {
                            id: f.id.clone(),
                            package: f.package.clone(),
                            fixed_version: f.fixed_version.clone(),
                            severity: f.severity,
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
    let gate = GateResult {
        fail_on,
        fail_on_new,
        findings: gate_hits,
        passed: gate_hits == 0,
    };

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
    out.extend(tail("run", &run));
    out.extend(tail("totals", &totals));
    out.extend(tail("gate", &gate));
    out.extend(tail("fix_impact", &fleet.fix_impact()));
    out.extend(tail("vulnerabilities", &fleet.vulnerabilities()));
    out.extend_from_slice(b"}\n");
    Ok(Merged {
        json: out,
        duplicates,
    })
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
