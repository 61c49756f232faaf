//! The pure stages (normalize, group, emit) on real Trivy 0.76 output, snapshot-tested.

use std::time::Duration;

use chrono::TimeZone;
use trivyscan::model::RunInfo;
use trivyscan::model::{FailureKind, Outcome, PlannedTarget, Severity, TargetKind, TargetResult};
use trivyscan::report::{json, legacy_json};
use trivyscan::settings::Origin;
use trivyscan::stage::{group, normalize};

const FIXTURE: &[u8] = include_bytes!("../fixtures/trivy-0.76-mixed.json");

/// A planned image target, as the stages after resolve see one (also used by `verdict_props`).
pub(crate) fn planned(name: &str, severity: Severity) -> PlannedTarget {
    PlannedTarget {
        set: "fleet".into(),
        kind: TargetKind::Image(name.into()),
        build: Default::default(),
        severity,
        origin: Origin::Implicit("test"),
        also: Vec::new(),
        problem: None,
        ignore_file: None,
    }
}

fn when() -> chrono::DateTime<chrono::Local> {
    chrono::Local
        .with_ymd_and_hms(2026, 11, 27, 13, 30, 20)
        .unwrap()
        + chrono::Duration::microseconds(123_456)
}

fn scanned(severity: Severity) -> TargetResult {
    let report = normalize::normalize(FIXTURE).unwrap();
    let grouped = group::group(&report, severity);
    TargetResult {
        target: planned("127.0.0.1:5000/fleet/mixed:1", severity),
        scan_type: trivyscan::model::ScanType::Remote,
        timestamp: when(),
        duration: Duration::from_millis(812),
        image: None,
        digest: None,
        cache: None,
        db_updated_at: None,
        sbom: None,
        cache_entry: None,
        outcome: Outcome::Scanned { report, grouped },
    }
}

fn failed() -> TargetResult {
    TargetResult {
        target: planned("127.0.0.1:5000/fleet/gone:1", Severity::High),
        scan_type: trivyscan::model::ScanType::Remote,
        timestamp: when(),
        duration: Duration::from_millis(40),
        image: None,
        digest: None,
        cache: None,
        db_updated_at: None,
        sbom: None,
        cache_entry: None,
        outcome: Outcome::Failed {
            kind: FailureKind::ImageNotFound,
            message: "MANIFEST_UNKNOWN: manifest unknown".into(),
        },
    }
}

#[test]
fn normalize_keeps_what_reports_need() {
    let report = normalize::normalize(FIXTURE).unwrap();
    assert_eq!(report.artifact_name, "127.0.0.1:5000/fleet/mixed:1");
    let summary: Vec<String> = report
        .results
        .iter()
        .map(|r| {
            format!(
                "{} | class={} type={} | vulns={:?} secrets={:?}",
                r.target,
                r.class,
                r.kind,
                r.vulnerabilities
                    .iter()
                    .map(|v| format!(
                        "{} {} {}->{} {}",
                        v.id, v.pkg_name, v.installed_version, v.fixed_version, v.severity
                    ))
                    .collect::<Vec<_>>(),
                r.secrets
                    .iter()
                    .map(|s| format!(
                        "{} {} L{:?}-{:?}",
                        s.rule_id, s.severity, s.start_line, s.end_line
                    ))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    insta::assert_snapshot!(summary.join("\n"));
}

#[test]
fn group_by_component_and_threshold() {
    let report = normalize::normalize(FIXTURE).unwrap();
    for (severity, total) in [
        (Severity::Unknown, 6),
        (Severity::Low, 5),
        (Severity::Medium, 4),
        (Severity::High, 3),
        (Severity::Critical, 1),
    ] {
        assert_eq!(group::group(&report, severity).total(), total, "{severity}");
    }
    let g = group::group(&report, Severity::Unknown);
    let layout: Vec<String> = g
        .components
        .iter()
        .map(|(c, s)| {
            format!(
                "{c}: {}",
                s.iter()
                    .map(|(sev, l)| format!("{sev}={}", l.len()))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })
        .collect();
    insta::assert_snapshot!(layout.join("\n"), @r"
    Alpine-package: MEDIUM=1
    NodeJS-package: HIGH=1
    Python-package: LOW=1
    Ruby-package: UNKNOWN=1
    Secret: CRITICAL=1 HIGH=1
    ");
}

#[test]
fn legacy_json_report() {
    let out = legacy_json::render(&[scanned(Severity::Low), failed()]);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn trivyscan_json_report() {
    let run = RunInfo {
        tool: "trivyscan",
        version: "0.0.0-test",
        trivy_version: "0.76.0".into(),
        db_updated_at: Some("2024-01-01T00:00:00Z".into()),
        profile: "prod".into(),
        started_at: "2026-11-27T13:30:20.000001+01:00".into(),
        finished_at: "2026-11-27T13:30:21.000001+01:00".into(),
        interrupted: false,
        skipped_scanners: vec![],
        intel: None,
        shard: None,
        plan: None,
    };
    let out = json::render(
        &run,
        &[scanned(Severity::High), failed()],
        Default::default(),
    );
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn json_report_validates_against_the_published_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let run = RunInfo {
        tool: "trivyscan",
        version: "0.0.0-test",
        trivy_version: "0.76.0".into(),
        db_updated_at: None,
        profile: "default".into(),
        started_at: "2026-11-27T13:30:20.000001Z".into(),
        finished_at: "2026-11-27T13:30:21.000001-05:00".into(),
        interrupted: false,
        skipped_scanners: vec![],
        intel: None,
        shard: None,
        plan: None,
    };
    let out = json::render(
        &run,
        &[scanned(Severity::Unknown), failed()],
        Default::default(),
    );
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is not vacuous: a report missing its totals fails, and so does a time
    // without its UTC offset.
    let mut broken = report.clone();
    broken.as_object_mut().unwrap().remove("totals");
    assert!(!validator.is_valid(&broken));
    let mut zoneless = report.clone();
    zoneless["run"]["started_at"] = "2026-11-27T13:30:20.000001".into();
    assert!(!validator.is_valid(&zoneless));
}
