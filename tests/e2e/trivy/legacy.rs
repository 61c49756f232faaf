//! `trivyscan legacy`: the old script's files, report name, schema, stdout and exit codes.

use std::fs;

use crate::common::{Project, fleet_db, mixed_rootfs, text};
use testkit::recipes;

fn legacy(p: &Project, args: &[&str]) -> std::process::Output {
    let trivy = testkit::trivy_bin();
    p.trivyscan()
        .args(["legacy", "--trivy-binary", trivy.to_str().unwrap()])
        .args(args)
        .env("TRIVYSCAN_TRIVY__JAVA_DB_REPOSITORIES", "[]")
        .output()
        .unwrap()
}

#[test]
fn remote_mode_writes_the_old_report_and_prints_only_its_name() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let good = p.push("fleet/mixed", "1", &mixed_rootfs());
    let missing = format!("{}/fleet/gone:1", p.registry().addr);
    // A scanner.toml is ignored in legacy mode: the lists are the config.
    fs::write(
        p.path().join("scanner.toml"),
        "[default]\nseverity = \"critical\"\n",
    )
    .unwrap();
    fs::write(
        p.path().join("input_images.txt"),
        format!("# fleet of the week\r\nseverity=3\r\n\r\n{good}\r\n{missing}\r\n"),
    )
    .unwrap();
    let out = legacy(&p, &["--mode", "remote"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = text(&out.stdout);
    let name = stdout.strip_suffix('\n').expect("one line");
    assert!(
        !name.contains('\n'),
        "stdout is the file name alone: {stdout:?}"
    );
    let pattern = regex::Regex::new(r"^advanced_scan_results_remote_\d{8}_\d{6}\.json$").unwrap();
    assert!(pattern.is_match(name), "{name}");
    assert!(stderr.contains("📋 Found 2 images to scan"), "{stderr}");
    assert!(stderr.contains("📊 Severity level: 3"), "{stderr}");
    assert!(stderr.contains("📊 COMPONENT TYPE SUMMARY:"), "{stderr}");
    assert!(
        stderr.contains("NodeJS-package: 1 vulnerabilities"),
        "{stderr}"
    );

    let raw = fs::read_to_string(p.path().join(name)).unwrap();
    let report: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let entries = report.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["severity_level"], 3);
    assert_eq!(
        entries[0]["included_severities"],
        serde_json::json!(["MEDIUM", "HIGH", "CRITICAL"])
    );
    let mut components: Vec<&str> = entries[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| k.contains('-') || *k == "Secret")
        .collect();
    components.sort();
    assert_eq!(components, ["Alpine-package", "NodeJS-package", "Secret"]);
    let stamp = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$").unwrap();
    assert!(stamp.is_match(entries[0]["scan_timestamp"].as_str().unwrap()));
    // A failed target: image, error, scan_timestamp, scan_type, in that order.
    assert!(
        raw.contains(&format!(r#"{{"image":"{missing}","error":""#)),
        "{raw}"
    );
    assert!(
        entries[1]["error"]
            .as_str()
            .unwrap()
            .contains("MANIFEST_UNKNOWN")
    );
    assert_eq!(entries[1]["scan_type"], "remote");
    assert_eq!(entries[1].as_object().unwrap().len(), 4);
}

#[test]
fn nothing_to_save_exits_1() {
    let p = Project::new();
    let out = legacy(&p, &["--mode", "remote"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert!(text(&out.stderr).contains("No results to save"));

    fs::write(
        p.path().join("input_images.txt"),
        "# only comments\nseverity=2\n",
    )
    .unwrap();
    let out = legacy(&p, &["--mode", "remote"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("No images found to scan"));
    assert_eq!(
        fs::read_dir(p.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("advanced"))
            .count(),
        0
    );
}

#[test]
fn mode_is_required_and_missing_lists_mean_nothing_to_save() {
    let p = Project::new();
    let out = legacy(&p, &[]);
    assert_eq!(out.status.code(), Some(78));
    assert!(text(&out.stderr).contains("needs --mode remote, local or both"));
    for mode in ["local", "both"] {
        let out = legacy(&p, &["--mode", mode]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{mode}: {stderr}");
        assert!(
            stderr.contains("input_images_files.txt not found"),
            "{mode}: {stderr}"
        );
        assert!(stderr.contains("No results to save"), "{mode}: {stderr}");
    }
}

#[test]
fn db_comes_from_the_old_cache_dir_next_to_the_lists() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    fs::write(p.path().join("input_images.txt"), format!("{image}\n")).unwrap();
    let out = legacy(&p, &["--mode", "remote", "--offline"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(p.cache_dir().join("db/trivy.db").is_file());
}

/// The old script's exit code stays 0 when a report was written, but targets that were not
/// scanned are said at the end, even with -q (each named), so a total of zero never reads as a
/// clean fleet.
#[test]
fn targets_not_scanned_are_said_at_the_end_even_with_quiet() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let good = p.push("fleet/mixed", "1", &mixed_rootfs());
    let missing = format!("{}/fleet/gone:1", p.registry().addr);
    fs::write(
        p.path().join("input_images.txt"),
        format!("severity=1\n{good}\n{missing}\n"),
    )
    .unwrap();
    for quiet in [false, true] {
        let args: &[&str] = if quiet {
            &["--mode", "remote", "-q"]
        } else {
            &["--mode", "remote"]
        };
        let out = legacy(&p, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("1 of 2 targets were NOT scanned"),
            "quiet={quiet}: {stderr}"
        );
        assert!(
            stderr
                .lines()
                .any(|l| l.contains("fleet/gone:1") && l.contains("❌")),
            "the target is named: {stderr}"
        );
    }
}
