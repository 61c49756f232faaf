//! `junit`: JUnit XML for CI dashboards. A testsuite per target; in it a failing testcase per
//! finding at or above the gate level (`fail_on`; without a gate, every reported finding), a
//! passing testcase when there is none, and an error testcase when the target could not be
//! scanned.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::doc::{Doc, DocFinding};

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
    let gate = doc.gate.as_ref().and_then(|g| g.fail_on);
    let new_only = doc.gate.as_ref().is_some_and(|g| g.fail_on_new);
    let fail_on_kev = doc.gate.as_ref().is_some_and(|g| g.fail_on_kev);
    let fail_on_epss = doc.gate.as_ref().and_then(|g| g.fail_on_epss);
    let mut report = Report::new("trivyscan");
    // What the run did not do, as errors CI dashboards show, before the targets' suites.
    let skipped: Vec<_> = doc
        .not_done()
        .into_iter()
        .filter(|item| {
            item.key.starts_with("skipped:")
                || item.key.starts_with("not_prioritized:")
                || item.key == "gate_unevaluated"
        })
        .collect();
    if !skipped.is_empty() {
        let mut suite = TestSuite::new("trivyscan run");
        for item in skipped {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status.set_message(item.text.clone());
            status.set_type("not_scanned");
            suite.add_test_case(TestCase::new(item.key, status));
        }
        report.add_test_suite(suite);
    }
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
        let level = gate.unwrap_or(t.severity_threshold);
        let mut failing = 0;
        for (component, f) in t.all_findings() {
            let by_kev = fail_on_kev && f.kev.is_some() && !f.fixed_version.is_empty();
            let by_epss =
                fail_on_epss.is_some_and(|p| f.epss.as_ref().is_some_and(|e| e.probability >= p));
            if (f.severity < level && !by_kev && !by_epss)
                || (new_only && f.baseline.as_deref() == Some("unchanged"))
            {
                continue;
            }
            failing += 1;
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let (kev, epss) = f.exploitation_words();
            status.set_message(format!(
                "{kev}{} {} in {}{epss}",
                f.severity,
                f.rule_id(),
                f.subject()
            ));
            status.set_type(f.kind.clone());
            status.set_description(description(f));
            let mut case = TestCase::new(case_name(f), status);
            case.set_classname(format!("{}.{}", t.set, component));
            suite.add_test_case(case);
        }
        if failing == 0 {
            let name = format!("no findings at or above {level}");
            suite.add_test_case(TestCase::new(name, TestCaseStatus::success()));
        }
        report.add_test_suite(suite);
    }
    report
        .to_string()
        .expect("JUnit XML serializes")
        .into_bytes()
}
