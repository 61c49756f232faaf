//! Never a false clean (issue 15): what a run did not do is said on stderr even with `-q`, in
//! every report format, and in the exit code.

use std::fs;

use crate::common::{Project, report_paths, text};
use testkit::recipes;

/// No vulnerability DB and `require_db = false`: vulnerabilities are skipped, secrets scanned.
/// One image has a secret; one image does not exist; the gate is at HIGH.
fn run_without_a_db(quiet: bool) -> (Project, std::process::Output) {
    let p = Project::new();
    let image = p.push(
        "fleet/app",
        "1",
        &recipes::debian_openssl().with(recipes::secrets()),
    );
    let missing = format!("{}/fleet/missing:1", p.registry().addr);
    p.config()
        .default_toml(
            "fail_on = \"high\"\n[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"sarif\", \"junit\", \"markdown\", \"html\"]",
        )
        .set("default.trivy.require_db", false)
        .set("default.trivy.offline", true)
        .images("a", &[&image, &missing])
        .write();
    let mut cmd = p.trivyscan();
    if quiet {
        cmd.arg("-q");
    }
    let out = cmd.arg("run").output().unwrap();
    (p, out)
}

#[test]
fn skipped_vulnerability_scanning_is_said_in_every_format() {
    let (p, out) = run_without_a_db(false);
    let stderr = text(&out.stderr);
    // The gate fails on the secret; the skipped scan would make it 2 otherwise.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("vulnerabilities were NOT scanned in this run"),
        "the total does not read as zero vulnerabilities: {stderr}"
    );
    assert!(!stderr.contains("TOTAL: 0 vulnerabilities"), "{stderr}");
    let paths = report_paths(&out);
    let read = |ext: &str| {
        let path = paths.iter().find(|p| p.ends_with(ext)).unwrap();
        fs::read_to_string(p.path().join(path)).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&read(".json")).unwrap();
    assert_eq!(json["run"]["skipped_scanners"], serde_json::json!(["vuln"]));

    let html = read(".html");
    assert!(
        html.contains("role=\"alert\"")
            && html.contains("Vulnerabilities were NOT scanned: no vulnerability DB"),
        "an HTML banner"
    );
    assert!(
        html.contains("DB none (no vulnerability DB)"),
        "the header says no DB"
    );

    let md = read(".md");
    let top: String = md.lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(
        top.contains("> [!WARNING]") && top.contains("Vulnerabilities were NOT scanned"),
        "a warning at the top of the Markdown: {md}"
    );
    assert!(
        top.contains("1 of 2 target(s) could not be scanned"),
        "{top}"
    );

    let sarif: serde_json::Value = serde_json::from_str(&read(".sarif")).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes: Vec<&str> = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("Vulnerabilities were NOT scanned")),
        "{notes:?}"
    );

    let xml = read(".junit.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let run_suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("trivyscan run"))
        .expect("a suite for the run itself");
    let error = run_suite
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an error for the skipped scanner");
    assert!(
        error
            .attribute("message")
            .unwrap()
            .starts_with("Vulnerabilities were NOT scanned")
    );
}

#[test]
fn quiet_hides_progress_but_never_what_changes_the_verdict() {
    let (_p, out) = run_without_a_db(true);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("[1/2]"), "no progress with -q: {stderr}");
    assert!(!stderr.contains("COMPONENT TYPE SUMMARY"), "{stderr}");
    // One line each: the skipped scanner, the failed target, the failed gate.
    assert!(
        stderr.contains("vulnerabilities were NOT scanned"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("❌ ") && l.contains("fleet/missing:1 (image_not_found)")),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("gate FAILED: ") && l.contains("at or above HIGH")),
        "{stderr}"
    );
}

#[test]
fn a_run_that_skipped_a_scanner_does_not_pass() {
    let p = Project::new();
    let image = p.push("fleet/app", "1", &recipes::debian_openssl());
    p.config()
        .set("default.trivy.require_db", false)
        .set("default.trivy.offline", true)
        .set(
            "default.scanners",
            crate::common::strings(&["vuln", "secret"]),
        )
        .images("a", &[&image])
        .write();
    let out = p.trivyscan().args(["-q", "run"]).output().unwrap();
    let stderr = text(&out.stderr);
    // Nothing failed and no secret was found, but the image's packages were never matched
    // against advisories: not a clean pass.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("vulnerabilities were NOT scanned"),
        "{stderr}"
    );
}
