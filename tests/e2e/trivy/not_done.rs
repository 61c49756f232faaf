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
    // Issue 27 item 4: a count only for what was looked at.
    assert!(
        stderr.contains("vulns=not scanned") && !stderr.contains("vulns=0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the run is incomplete") && !stderr.contains("(exit 2)"),
        "the exit code said is the one given: {stderr}"
    );
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
    assert!(
        html.contains("1 scanned without vulnerabilities, 1 failed")
            && html.contains("verdict: FAILED")
            && html.contains("<td class=\"num\">not scanned</td>")
            && html.contains("No chart: vulnerabilities were not scanned")
            && html.contains(
                "Vulnerabilities were not scanned: these counts are of the other findings only"
            ),
        "no zero reads as clean in the HTML"
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
    assert!(
        md.contains("| 2 | 1 | 1 | not scanned | not scanned |"),
        "{md}"
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
    assert_eq!(
        stderr.matches("vulnerability scanning skipped").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("NOT scanned"), "said once: {stderr}");
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
    assert_eq!(
        stderr.matches("vulnerability scanning skipped").count(),
        1,
        "{stderr}"
    );
}

/// An air-gapped site as the old script ran there: Trivy on PATH, its DB mirrors in
/// `TRIVY_DB_REPOSITORY` / `TRIVY_JAVA_DB_REPOSITORY`, no scanner.toml and no trivyscan
/// variable. Legacy mode downloads from the mirrors and finds the fixture's CVE.
#[test]
fn legacy_mode_honours_trivys_own_db_repository_variables() {
    let p = Project::new();
    let db_repo = p.publish_db(&crate::common::fleet_db());
    let java_db = testkit::javadb::JavaDb::new();
    let java_repo = p.publish_java_db(&java_db);
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    fs::write(
        p.path().join("input_images.txt"),
        format!("severity=4\n{image}\n"),
    )
    .unwrap();
    let trivy_dir = testkit::trivy_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        trivy_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = p
        .trivyscan()
        .args(["legacy", "--mode", "remote"])
        .env("PATH", path)
        .env("TRIVY_DB_REPOSITORY", &db_repo)
        .env("TRIVY_JAVA_DB_REPOSITORY", &java_repo)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let name = text(&out.stdout).trim().to_string();
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(p.path().join(&name)).unwrap()).unwrap();
    assert_eq!(
        entries[0]["Debian-package"]["CRITICAL"][0]["vuln_id"], "CVE-2099-0001",
        "{stderr}"
    );
    // The DB came from the mirror the variable names.
    assert!(p.registry().log().contains("/v2/trivy-db/"), "{stderr}");
}

#[test]
fn config_show_names_trivys_variables_as_the_origin() {
    let p = Project::new();
    p.config()
        .unset("default.trivy.db_repositories")
        .images("a", &["example.invalid/app:1"])
        .write();
    let out = p
        .trivyscan()
        .args(["config", "show"])
        .env(
            "TRIVY_DB_REPOSITORY",
            "mirror.internal/trivy-db:2, mirror2.internal/trivy-db:2",
        )
        .env("TRIVY_SEVERITY", "HIGH,CRITICAL")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line = |key: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
            .to_string()
    };
    let repos = line("db_repositories = ");
    assert!(
        repos.contains("\"mirror.internal/trivy-db:2\", \"mirror2.internal/trivy-db:2\"")
            && repos.contains("env TRIVY_DB_REPOSITORY"),
        "{repos}"
    );
    // Trivy's severity list is trivyscan's threshold: its lowest entry.
    let severity = line("severity = ");
    assert!(
        severity.contains("\"high\"") && severity.contains("env TRIVY_SEVERITY"),
        "{severity}"
    );
    // scanner.toml wins over Trivy's variables.
    p.config().images("a", &["example.invalid/app:1"]).write();
    let out = p
        .trivyscan()
        .args(["config", "show"])
        .env("TRIVY_DB_REPOSITORY", "mirror.internal/trivy-db:2")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("mirror.internal"), "{stdout}");
}

#[test]
fn only_one_of_trivys_username_and_password_is_said_before_the_run() {
    let p = Project::new();
    p.config().images("a", &["example.invalid/app:1"]).write();
    for (var, present) in [
        ("TRIVY_PASSWORD", "TRIVY_PASSWORD"),
        ("TRIVY_USERNAME", "TRIVY_USERNAME"),
    ] {
        let out = p
            .trivyscan()
            .arg("run")
            .env(var, "s3cret-value")
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{stderr}");
        assert!(
            stderr.contains("trivyscan::config::credential_pair"),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("{present} is set")), "{stderr}");
        assert!(
            !stderr.contains("s3cret-value"),
            "the value is not shown: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    // Both set: no problem (config check needs no registry).
    let out = p
        .trivyscan()
        .args(["config", "check"])
        .env("TRIVY_USERNAME", "u")
        .env("TRIVY_PASSWORD", "p")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // Variables the config names (any name, not only TRIVY_*) are checked the same way.
    let p = Project::new();
    p.config()
        .images("a", &["example.invalid/app:1"])
        .login_from_env()
        .write();
    let out = p
        .trivyscan()
        .args(["config", "check"])
        .env("REG_USER", "someone")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("trivyscan::config::credential_pair") && stderr.contains("REG_USER"),
        "{stderr}"
    );
}

/// A closed stdout (`trivyscan run | head -0`, a dead pipe) loses the report paths, never the
/// verdict: a failed gate still exits 1, and stderr says stdout was lost; a passing run exits 74.
#[test]
fn a_broken_stdout_does_not_hide_the_gates_verdict() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = p.push("fleet/app", "1", &recipes::debian_openssl());
    let run = |fail_on: &str| {
        p.config()
            .set("default.fail_on", fail_on)
            .images("a", &[&image])
            .write();
        let mut child = p.spawn(&["run"]);
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        (out.status.code(), text(&out.stderr))
    };
    let (code, stderr) = run("high");
    assert_eq!(code, Some(1), "the gate's verdict: {stderr}");
    assert!(stderr.contains("trivyscan::io::stdout"), "{stderr}");
    let (code, stderr) = run("none");
    assert_eq!(code, Some(74), "{stderr}");
}

/// An image whose OS is past its end of support (Debian 9): Trivy finds what advisories there
/// were, but none come any more, so a short list is no sign of safety. The JSON report gives
/// each target's OS; stderr (even with -q) and the rendered formats say it; a supported Debian
/// 12 beside it is not named; the exit code is the gate's (the scan itself is whole).
#[test]
fn an_os_past_its_end_of_support_is_said_in_every_format() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let stretch = p.push(
        "eosl/stretch",
        "9",
        &recipes::debian_release(
            "9",
            "stretch",
            "9.13",
            &[("libssl1.1", "openssl", "1.1.0l-1~deb9u1")],
        ),
    );
    let bookworm = p.push("eosl/bookworm", "12", &recipes::debian_openssl());
    p.config()
        .default_toml(
            "[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"sarif\", \"junit\", \"markdown\", \"html\"]",
        )
        .images("a", &[&stretch, &bookworm])
        .write();
    let out = p.trivyscan().args(["-q", "run"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let said = "1 target(s) run an OS past its end of support (debian 9.13)";
    assert!(stderr.contains(said), "even with -q: {stderr}");

    let paths = report_paths(&out);
    let read = |ext: &str| {
        let path = paths.iter().find(|p| p.ends_with(ext)).unwrap();
        fs::read_to_string(p.path().join(path)).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&read(".json")).unwrap();
    assert_eq!(
        json["targets"][0]["os"],
        serde_json::json!({"family": "debian", "name": "9.13", "end_of_support": true}),
        "{}",
        json["targets"][0]
    );
    assert_eq!(json["targets"][1]["os"]["end_of_support"], false);
    assert_eq!(json["targets"][1]["os"]["name"], "12.5");

    let md = read(".md");
    assert!(md.contains(&format!("> **{said}")), "{md}");
    assert!(read(".html").contains("data-key=\"os_end_of_support\""));
    let sarif: serde_json::Value = serde_json::from_str(&read(".sarif")).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true, "the scan is whole");
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["level"] == "warning"
                && n["message"]["text"].as_str().unwrap().starts_with(said)),
        "{notes:?}"
    );

    // JUnit: the target's suite carries its OS as properties and says it in system-err.
    let xml = read(".junit.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(stretch.as_str()))
        .expect("the target's suite");
    let property = |name: &str| {
        suite
            .descendants()
            .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
            .and_then(|n| n.attribute("value"))
            .map(str::to_string)
    };
    assert_eq!(property("os").as_deref(), Some("debian 9.13"));
    assert_eq!(property("os.end_of_support").as_deref(), Some("true"));
    let err = suite
        .children()
        .find(|n| n.has_tag_name("system-err"))
        .unwrap();
    assert!(
        err.text().unwrap().contains("past its end of support"),
        "{xml}"
    );
}

/// Issue 27 item 4: when every target failed, the summary says nothing was scanned instead of
/// a total of 0 vulnerabilities.
#[test]
fn every_target_failing_prints_no_zero_total() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let missing = format!("{}/fleet/missing:1", p.registry().addr);
    p.config()
        .default_toml("[default.report]\noutput_dir = \"out\"")
        .set("default.trivy.offline", true)
        .images("a", &[&missing])
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no target was scanned"), "{stderr}");
    assert!(!stderr.contains("TOTAL: 0"), "{stderr}");
    assert!(stderr.contains("verdict: INCOMPLETE (exit 2)"), "{stderr}");
}
