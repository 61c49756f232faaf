//! `junit`: JUnit XML for CI dashboards. A `trivyscan run` suite with the verdict (a failure
//! when the gate failed, an error when the run is incomplete) and an error per input not done;
//! then a testsuite per target: a failing testcase per finding the gate failed on (naming the
//! rules that caught it), a passing one per other finding, and an error testcase when the
//! target could not be scanned.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::json_reader::{Doc, DocFinding};

fn case_name(f: &DocFinding) -> String {
    match f.kind.as_str() {
        "vulnerability" => format!("{} {} {}", f.id, f.package, f.installed_version),
        "license" => format!("{} {}", f.name, f.package),
        _ => format!("{} {}", f.id, f.result_target),
    }
}

fn description(f: &DocFinding) -> String {
    let mut lines = vec![format!("severity: {}", f.severity)];
    if !f.title.is_empty() {
        lines.push(format!("title: {}", f.title));
    }
    if f.kind == "vulnerability" {
        lines.push(format!(
            "fixed version: {}",
            if f.fixed_version.is_empty() {
                "none yet"
            } else {
                &f.fixed_version
            }
        ));
    }
    if !f.result_target.is_empty() {
        lines.push(format!("in: {}", f.result_target));
    }
    if let Some(k) = &f.kev {
        lines.push(format!(
            "known exploited: CISA KEV, added {}, due {}{}",
            k.date_added,
            k.due_date,
            if k.known_ransomware_use {
                ", used in ransomware campaigns"
            } else {
                ""
            }
        ));
    }
    if let Some(e) = &f.epss {
        lines.push(format!(
            "EPSS: {:.3} ({:.0}th percentile, {})",
            e.probability,
            e.percentile * 100.0,
            e.date
        ));
    }
    if !f.primary_url.is_empty() {
        lines.push(format!("see: {}", f.primary_url));
    }
    lines.join("\n")
}

pub fn render(doc: &Doc) -> Vec<u8> {
    let gate = doc.gate.as_ref().map(|g| g.settings()).unwrap_or_default();
    let mut report = Report::new("trivyscan");
    // What the run did not do, as errors CI dashboards show, before the targets' suites (each
    // failed target is an error in its own suite).
    let not_done: Vec<_> = doc
        .not_done()
        .into_iter()
        .filter(|item| !item.is_notice() && item.key != "failed_targets")
        .collect();
    let (verdict, verdict_text) = doc.verdict_text();
    let mut run_suite = TestSuite::new("trivyscan run");
    run_suite.add_property(("verdict", verdict.as_str()));
    for item in not_done {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(item.text.clone());
        status.set_type("not_scanned");
        run_suite.add_test_case(TestCase::new(item.key, status));
    }
    let verdict_status = match verdict {
        crate::model::Verdict::Passed => TestCaseStatus::success(),
        crate::model::Verdict::Failed => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(verdict_text);
            s.set_type("gate");
            s
        }
        crate::model::Verdict::Incomplete => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(verdict_text);
            s.set_type("incomplete");
            s
        }
    };
    run_suite.add_test_case(TestCase::new("verdict", verdict_status));
    report.add_test_suite(run_suite);
    for t in &doc.targets {
        let mut suite = TestSuite::new(t.target.clone());
        if let Some(e) = &t.error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(format!("{}: {}", e.kind, e.message));
            status.set_type(e.kind.clone());
            suite.add_test_case(TestCase::new("scan", status));
            report.add_test_suite(suite);
            continue;
        }
        if let Some(os) = &t.os {
            suite.add_property(("os", os.label().as_str()));
            suite.add_property((
                "os.end_of_support",
                if os.end_of_support { "true" } else { "false" },
            ));
            if os.end_of_support {
                suite.set_system_err(format!(
                    "{} is past its end of support: no advisories are published for it any more, so its vulnerabilities may be incomplete",
                    os.label()
                ));
            }
        }
        // A failure is exactly a finding the gate failed on, with the rules that caught it;
        // the other findings are passing cases, listed so a dashboard still shows them.
        let mut failing = 0;
        for (component, f) in t.all_findings() {
            let caught = super::schema::gate_catch(&gate, f.gate_input());
            let status = if caught.any() {
                failing += 1;
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(failure_message(f, caught, &gate));
                status.set_type(f.kind.clone());
                status.set_description(description(f));
                status
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(case_name(f), status);
            case.set_classname(format!("{}.{}", t.set, component));
            suite.add_test_case(case);
        }
        if failing == 0 && t.all_findings().next().is_none() {
            suite.add_test_case(TestCase::new("no findings", TestCaseStatus::success()));
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .expect("JUnit XML serializes")
        .into_bytes()
}

/// A failing finding in one line: what it is, and the gate's rules that caught it (with a new
/// finding's cause, so the failure says whether the change brought it).
fn failure_message(
    f: &super::json_reader::DocFinding,
    caught: super::schema::GateCatch,
    gate: &crate::settings::Gate,
) -> String {
    let (kev, epss) = f.exploitation_words();
    let mut rules = caught.rules();
    rules.extend(gate.fail_on_new.rule());
    let cause = f
        .cause
        .as_deref()
        .map(|c| format!("; new: {c}"))
        .unwrap_or_default();
    format!(
        "{kev}{} {} in {}{epss} (gate: {}{cause})",
        f.severity,
        f.rule_id(),
        f.subject(),
        rules.join(", ")
    )
}
