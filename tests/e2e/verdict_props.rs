//! The verdict contract as a property (issue 27): any ledger with at least one input not done
//! renders no "passed" anywhere (JSON, SARIF, JUnit, Markdown, HTML, the stderr lines) and no
//! exit 0; with everything done and no gate hit, every one of them says passed.

use std::time::Duration;

use proptest::prelude::*;
use trivyscan::error::exit;
use trivyscan::model::{
    FailureKind, InputKind, Ledger, LedgerEntry, LedgerStatus, Outcome, RunInfo, ScanType,
    Severity, TargetResult, Verdict,
};
use trivyscan::report::{json, json_reader::Doc, render_from_doc, summary};
use trivyscan::settings::{Gate, RenderedFormat};
use trivyscan::stage::{group, normalize};

const FIXTURE: &[u8] = include_bytes!("../fixtures/trivy-0.76-mixed.json");

const KINDS: [InputKind; 10] = [
    InputKind::RegistryGlob,
    InputKind::LegacyList,
    InputKind::Manifest,
    InputKind::FileGlob,
    InputKind::ComposeBuild,
    InputKind::Scanner,
    InputKind::Feed,
    InputKind::Gate,
    InputKind::Shard,
    InputKind::Target,
];
const NOT_DONE: [LedgerStatus; 3] = [
    LedgerStatus::Failed,
    LedgerStatus::Skipped,
    LedgerStatus::NotEvaluated,
];

fn result(name: &str, severity: Severity, failed: bool) -> TargetResult {
    let outcome = if failed {
        Outcome::Failed {
            kind: FailureKind::Timeout,
            message: "killed after 2m".into(),
        }
    } else {
        let report = normalize::normalize(FIXTURE).unwrap();
        let grouped = group::group(&report, severity);
        Outcome::Scanned { report, grouped }
    };
    TargetResult {
        target: crate::pure_stages::planned(name, severity),
        scan_type: ScanType::Remote,
        timestamp: chrono::Local::now(),
        duration: Duration::from_millis(5),
        image: None,
        digest: None,
        cache: None,
        db_updated_at: None,
        sbom: None,
        cache_entry: None,
        outcome,
    }
}

fn run_info(interrupted: bool) -> RunInfo {
    RunInfo {
        tool: "trivyscan",
        version: "0.0.0-test",
        trivy_version: "0.76.0".into(),
        db_updated_at: Some("2024-01-01T00:00:00Z".into()),
        profile: "prod".into(),
        started_at: "2026-11-27T13:30:20+01:00".into(),
        finished_at: "2026-11-27T13:30:21+01:00".into(),
        interrupted,
        skipped_scanners: vec![],
        intel: None,
        shard: None,
        plan: None,
    }
}

/// Every way a report can say its verdict, for one report.
struct Said {
    json: serde_json::Value,
    sarif: serde_json::Value,
    junit: String,
    markdown: String,
    html: String,
    stderr: String,
    exit: u8,
}

fn say(ledger: Ledger, results: &[TargetResult], gate: Gate, interrupted: bool) -> Said {
    let bytes = json::render_with_ledger(&run_info(interrupted), results, gate, ledger);
    let doc = Doc::parse(&bytes, "report.json").unwrap();
    let text = |f| String::from_utf8(render_from_doc(&doc, f, false)).unwrap();
    let code = exit::of_verdict(doc.verdict(), interrupted);
    let stderr = format!(
        "{}{}",
        summary::verdict_lines_of_doc(&doc, code),
        doc.gate
            .as_ref()
            .and_then(summary::gate_line)
            .unwrap_or_default()
    );
    Said {
        json: serde_json::from_slice(&bytes).unwrap(),
        sarif: serde_json::from_str(&text(RenderedFormat::Sarif)).unwrap(),
        junit: text(RenderedFormat::Junit),
        markdown: text(RenderedFormat::Markdown),
        html: text(RenderedFormat::Html),
        stderr,
        exit: code,
    }
}

fn says_passed(s: &Said) -> Vec<&'static str> {
    let mut where_ = Vec::new();
    if s.json["gate"]["verdict"] == "passed" || s.json["gate"]["passed"] == true {
        where_.push("json");
    }
    if s.sarif["runs"][0]["properties"]["verdict"] == "passed"
        || s.sarif["runs"][0]["invocations"][0]["executionSuccessful"] == true
    {
        where_.push("sarif");
    }
    if s.junit.contains("name=\"verdict\" value=\"passed\"") {
        where_.push("junit");
    }
    if s.markdown.contains("Verdict: PASSED") {
        where_.push("markdown");
    }
    if s.html.contains("data-verdict=\"passed\"") || s.html.contains("verdict: PASSED") {
        where_.push("html");
    }
    if s.stderr.contains("verdict: PASSED") || s.stderr.contains("gate passed") {
        where_.push("stderr");
    }
    if s.exit == 0 {
        where_.push("exit code");
    }
    where_
}

fn gate() -> impl Strategy<Value = Gate> {
    (
        prop::option::of(prop::sample::select(Severity::ALL.to_vec())),
        any::<bool>(),
    )
        .prop_map(|(fail_on, fail_on_kev)| Gate {
            fail_on,
            fail_on_new: trivyscan::model::NewFindings::Off,
            fail_on_kev,
            fail_on_epss: None,
            fail_on_overdue: false,
            kev_overdue_only: false,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn an_input_not_done_is_never_passed(
        done in prop::collection::vec(0..KINDS.len(), 0..4),
        not_done in prop::collection::vec((0..KINDS.len(), 0..NOT_DONE.len()), 1..4),
        scanned in 0usize..3,
        failed in 0usize..2,
        severity in prop::sample::select(Severity::ALL.to_vec()),
        gate in gate(),
        interrupted in any::<bool>(),
    ) {
        let mut ledger = Ledger::default();
        for (i, k) in done.iter().enumerate() {
            ledger.push(LedgerEntry::new(KINDS[*k], format!("done-{i}"), LedgerStatus::Done));
        }
        for (i, (k, s)) in not_done.iter().enumerate() {
            ledger.push(
                LedgerEntry::new(KINDS[*k], format!("input-{i}"), NOT_DONE[*s])
                    .origin("scanner.toml:3")
                    .reason("why"),
            );
        }
        let results: Vec<TargetResult> = (0..scanned)
            .map(|i| result(&format!("r/ok:{i}"), severity, false))
            .chain((0..failed).map(|i| result(&format!("r/bad:{i}"), severity, true)))
            .collect();
        let said = say(ledger, &results, gate, interrupted);
        prop_assert_eq!(says_passed(&said), Vec::<&str>::new());
        prop_assert_ne!(&said.json["gate"]["verdict"], "passed");
    }
}

#[test]
fn everything_done_and_no_gate_hit_is_passed_everywhere() {
    let mut ledger = Ledger::default();
    ledger.push(LedgerEntry::new(
        InputKind::Scanner,
        "vuln",
        LedgerStatus::Done,
    ));
    let results = [result("r/ok:1", Severity::High, false)];
    let said = say(ledger, &results, Gate::default(), false);
    assert_eq!(said.json["gate"]["verdict"], "passed");
    assert_eq!(said.exit, 0);
    assert!(said.markdown.contains("Verdict: PASSED"));
    assert!(said.html.contains("data-verdict=\"passed\""));
    assert!(said.stderr.contains("verdict: PASSED"));
    assert_eq!(said.sarif["runs"][0]["properties"]["verdict"], "passed");
    assert!(said.junit.contains("name=\"verdict\" value=\"passed\""));
}

#[test]
fn one_failed_target_alone_is_incomplete() {
    let results = [
        result("r/ok:1", Severity::High, false),
        result("r/bad:1", Severity::High, true),
    ];
    let said = say(Ledger::default(), &results, Gate::default(), false);
    assert_eq!(said.json["gate"]["verdict"], "incomplete");
    assert_eq!(said.exit, 2);
    assert_eq!(Verdict::Incomplete.as_str(), "incomplete");
}

fn report_of(results: &[TargetResult], gate: Gate) -> Vec<u8> {
    json::render(&run_info(false), results, gate)
}

/// Issue 27 item 5: a JUnit failure is exactly a finding the gate failed on. With only
/// `fail_on_kev`, one known-exploited finding with a fix fails, and nothing else does.
#[test]
fn junit_failures_are_the_gates_findings_and_name_their_rule() {
    let gate = Gate {
        fail_on_kev: true,
        ..Gate::default()
    };
    let bytes = report_of(&[result("r/app:1", Severity::Low, false)], gate);
    let mut report: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let findings = &mut report["targets"][0]["findings"];
    let mut total = 0;
    let mut marked = None;
    for (_, by_severity) in findings.as_object_mut().unwrap() {
        for (_, list) in by_severity.as_object_mut().unwrap() {
            for f in list.as_array_mut().unwrap() {
                total += 1;
                if marked.is_none()
                    && f["type"] == "vulnerability"
                    && f["fixed_version"].is_string()
                {
                    f["kev"] = serde_json::json!({"date_added": "2026-01-01", "due_date": "2026-02-01", "known_ransomware_use": false});
                    marked = Some(f["id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    let marked = marked.expect("a vulnerability with a fix in the fixture");
    assert!(total > 1, "the fixture has other findings");
    let doc = Doc::parse(report.to_string().as_bytes(), "r.json").unwrap();
    let xml = String::from_utf8(render_from_doc(&doc, RenderedFormat::Junit, false)).unwrap();
    let parsed = roxmltree::Document::parse(&xml).unwrap();
    let failures: Vec<_> = parsed
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter(|n| n.attribute("type") != Some("gate"))
        .collect();
    assert_eq!(failures.len(), 1, "{xml}");
    let message = failures[0].attribute("message").unwrap();
    assert!(
        message.contains(&marked) && message.ends_with("(gate: kev)"),
        "{message}"
    );
    let passing = parsed
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && n.attribute("classname").is_some())
        .filter(|n| !n.children().any(|c| c.is_element()))
        .count();
    assert_eq!(passing, total - 1, "the other findings are passing cases");
}

/// Issue 27 item 6: two reports made at different thresholds are compared at the stricter: a
/// finding below it is neither fixed nor new.
#[test]
fn a_diff_across_thresholds_compares_at_the_stricter() {
    let low = Doc::parse(
        &report_of(&[result("r/app:1", Severity::Low, false)], Gate::default()),
        "low.json",
    )
    .unwrap();
    let medium = Doc::parse(
        &report_of(
            &[result("r/app:1", Severity::Medium, false)],
            Gate::default(),
        ),
        "medium.json",
    )
    .unwrap();
    assert!(
        low.targets[0].all_findings().count() > medium.targets[0].all_findings().count(),
        "the fixture has findings below MEDIUM"
    );
    let diff = trivyscan::report::baseline::diff_docs(&low, &medium);
    assert_eq!(diff.totals.fixed, 0, "{}", diff.to_text());
    assert_eq!(diff.totals.new, 0);
    assert_eq!(diff.targets[0].compared_at, Some(Severity::Medium));
    assert!(diff.to_text().contains("compared at MEDIUM and above"));
    let back = trivyscan::report::baseline::diff_docs(&medium, &low);
    assert_eq!(
        (back.totals.new, back.totals.fixed),
        (0, 0),
        "{}",
        back.to_text()
    );
}
