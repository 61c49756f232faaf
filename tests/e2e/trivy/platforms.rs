//! Reports the platforms accept (issue 32): GitLab's container-scanning report, checked
//! against GitLab's published schema on a real fleet run.

use std::fs;

use crate::common::text;
use crate::trivy::reports::fleet_run;

fn gitlab_errors(report: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../fixtures/gitlab/container-scanning-report-format.json"
    ))
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn the_gitlab_report_is_valid_and_says_what_was_not_scanned() {
    let run = fleet_run();
    let p = &run.p;
    let out = p
        .trivyscan()
        .args([
            "report",
            "render",
            "--format",
            "gitlab",
            "-o",
            "gl-container-scanning-report.json",
        ])
        .arg(&run.paths[0])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let gl: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(p.path().join("gl-container-scanning-report.json")).unwrap(),
    )
    .unwrap();
    // Shown with --nocapture: docs/reports.md quotes it.
    println!("{}", serde_json::to_string_pretty(&gl["scan"]).unwrap());
    println!(
        "{}",
        serde_json::to_string_pretty(&gl["vulnerabilities"][0]).unwrap()
    );
    let errors = gitlab_errors(&gl);
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = gl.clone();
    broken["vulnerabilities"][0]["severity"] = "Severe".into();
    assert!(
        !gitlab_errors(&broken).is_empty(),
        "the schema check can fail"
    );

    // One fleet target could not be scanned: the scan failed, and a message says which.
    assert_eq!(gl["scan"]["status"], "failure");
    let messages = gl["scan"]["messages"].to_string();
    assert!(
        messages.contains("fleet/missing:1 could not be scanned"),
        "{messages}"
    );
    assert_eq!(gl["scan"]["scanner"]["id"], "trivy");
    assert_eq!(
        gl["scan"]["scanner"]["version"],
        run.report["run"]["trivy_version"]
    );
    assert_eq!(gl["scan"]["type"], "container_scanning");

    // Every vulnerability the JSON report lists (suppressed ones are not), by image.
    let listed = crate::trivy::triage::findings(&run.report)
        .filter(|f| f["type"] == "vulnerability")
        .count();
    let vulns = gl["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), listed);
    let openssl = vulns
        .iter()
        .find(|v| {
            v["identifiers"][0]["value"] == "CVE-2099-0001"
                && v["location"]["image"]
                    .as_str()
                    .unwrap()
                    .ends_with("/fleet/debian:12")
        })
        .unwrap();
    assert_eq!(openssl["severity"], "Critical");
    assert_eq!(openssl["identifiers"][0]["type"], "cve");
    // The binary package (libssl3, of source package openssl), as Trivy names it.
    assert_eq!(
        openssl["location"]["dependency"]["package"]["name"],
        "libssl3"
    );
    assert!(
        openssl["location"]["image"]
            .as_str()
            .unwrap()
            .ends_with("/fleet/debian:12"),
        "{openssl}"
    );
    assert!(
        openssl["location"]["operating_system"]
            .as_str()
            .unwrap()
            .starts_with("debian"),
        "{openssl}"
    );
    assert_eq!(openssl["solution"], "Upgrade libssl3 to 3.0.99-1~deb12u1.");
    // lodash is accepted in app:2 only: reported for app:1, not for app:2.
    let lodash_images: Vec<&str> = vulns
        .iter()
        .filter(|v| v["identifiers"][0]["value"] == "CVE-2099-0002")
        .map(|v| v["location"]["image"].as_str().unwrap())
        .collect();
    assert_eq!(lodash_images.len(), 1, "{lodash_images:?}");
    assert!(lodash_images[0].ends_with("/fleet/app:1"));
    // Stable ids: the same finding has the same id in another render.
    let again = p
        .trivyscan()
        .args(["report", "render", "--format", "gitlab", "-o", "again.json"])
        .arg(&run.paths[0])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let again: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("again.json")).unwrap()).unwrap();
    assert_eq!(again["vulnerabilities"], gl["vulnerabilities"]);
}
