//! `trivyscan run` end to end: the real Trivy, real images in a real registry on 127.0.0.1, and
//! a vulnerability DB the test builds.

use std::fs;

use crate::common::{Project, findings_of, fleet_db, mixed_rootfs, report_paths, statuses, text};
use testkit::recipes;
use trivyscan::model::Severity;

fn t(c: &str, s: &str, id: &str) -> (String, String, String) {
    (c.into(), s.into(), id.into())
}

/// A Debian image and the mixed image at each of the old severity levels 1..5, scanned once
/// for the tests below (each checks one part of what that one real run made).
struct LevelsRun {
    p: Project,
    code: Option<i32>,
    stderr: String,
    paths: Vec<String>,
    report: serde_json::Value,
}

fn levels_run() -> &'static LevelsRun {
    static RUN: std::sync::OnceLock<LevelsRun> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let p = Project::new();
        p.seed_db(&fleet_db());
        let debian = p.push("fleet/debian", "12", &recipes::debian_openssl());
        let mut sets = format!("[[default.targets]]\nname = \"os\"\nimages = [\"{debian}\"]\n");
        for level in 1..=5 {
            let reference = p.push("fleet/mixed", &format!("l{level}"), &mixed_rootfs());
            sets.push_str(&format!("\n[[default.targets]]\nname = \"level-{level}\"\nseverity = {level}\nimages = [\"{reference}\"]\n"));
        }
        p.write_config("severity = \"low\"\n[default.report]\nformats = [\"json\", \"legacy-json\"]\noutput_dir = \"out\"", &sets);
        p.remove_at_exit();

        let out = p.trivyscan().arg("run").output().unwrap();
        let paths = report_paths(&out);
        let report = p.read_json(&paths[0]);
        LevelsRun {
            code: out.status.code(),
            stderr: text(&out.stderr),
            paths,
            report,
            p,
        }
    })
}

#[test]
fn levels_stdout_holds_only_the_report_paths() {
    let LevelsRun {
        code,
        stderr,
        paths,
        ..
    } = levels_run();
    assert_eq!(*code, Some(0), "{stderr}");
    assert_eq!(
        paths.len(),
        2,
        "stdout holds only the report paths: {paths:?}"
    );
    assert!(
        paths[0].starts_with("out/trivyscan-default-") && paths[0].ends_with(".json"),
        "{paths:?}"
    );
    assert!(
        paths[1].starts_with("out/advanced_scan_results_remote_"),
        "{paths:?}"
    );
    assert!(stderr.contains("[6/6]"), "{stderr}");
    assert!(stderr.contains("COMPONENT TYPE SUMMARY"), "{stderr}");
}

#[test]
fn levels_each_old_level_keeps_its_severities() {
    let LevelsRun { report, .. } = levels_run();
    assert_eq!(report["schema"], "trivyscan.report/v1");
    assert_eq!(report["run"]["trivy_version"], testkit::trivy_version());
    assert_eq!(report["run"]["db_updated_at"], "2024-01-01T00:00:00Z");
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(
        findings_of(&targets[0]),
        [t("Debian-package", "CRITICAL", "CVE-2099-0001")]
    );
    let all = [
        t("Alpine-package", "MEDIUM", "CVE-2099-0101"),
        t("NodeJS-package", "HIGH", "CVE-2099-0002"),
        t("Python-package", "LOW", "CVE-2099-0003"),
        t("Ruby-package", "UNKNOWN", "CVE-2099-0004"),
        t("Secret", "CRITICAL", "aws-access-key-id"),
        t("Secret", "HIGH", "private-key"),
    ];
    let at_least = |min: &[&str]| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = all
            .iter()
            .filter(|f| min.contains(&f.1.as_str()))
            .cloned()
            .collect();
        v.sort();
        v
    };
    let expected = [
        at_least(&["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]),
        at_least(&["LOW", "MEDIUM", "HIGH", "CRITICAL"]),
        at_least(&["MEDIUM", "HIGH", "CRITICAL"]),
        at_least(&["HIGH", "CRITICAL"]),
        at_least(&["CRITICAL"]),
    ];
    for (level, want) in expected.iter().enumerate() {
        let target = &targets[level + 1];
        assert_eq!(target["set"], format!("level-{}", level + 1));
        assert_eq!(&findings_of(target), want, "level {}", level + 1);
    }
    assert_eq!(report["totals"]["scanned"], 6);
    assert_eq!(report["totals"]["failed"], 0);
}

#[test]
fn levels_legacy_report_has_the_old_schema_entry_for_entry() {
    let LevelsRun { p, paths, .. } = levels_run();
    // The legacy report: the old schema, entry for entry.
    let legacy = p.read_json(&paths[1]);
    let entries = legacy.as_array().unwrap();
    assert_eq!(entries.len(), 6);
    let l4 = &entries[4];
    // Keys in the old order (serde_json::Value sorts them, so look at the text).
    let raw = fs::read_to_string(p.path().join(&paths[1])).unwrap();
    assert!(!raw.contains('\n'), "compact JSON");
    let image = l4["image"].as_str().unwrap();
    assert!(
        raw.contains(&format!("{{\"image\":\"{image}\",\"scan_timestamp\":\"")),
        "{raw}"
    );
    assert!(
        raw.contains(
            r#","severity_level":4,"included_severities":["HIGH","CRITICAL"],"scan_type":"remote","#
        ),
        "{raw}"
    );
    assert!(raw.contains(r#"{"vuln_id":"CVE-2099-0002","installed_vers":"4.17.20","fixed":"4.17.21","library":"lodash","type_detail":"node-pkg","class_detail":"lang-pkgs","target":"Node.js","type":"vulnerability","title":"#), "{raw}");
    assert_eq!(l4["severity_level"], 4);
    assert_eq!(
        l4["included_severities"],
        serde_json::json!(["HIGH", "CRITICAL"])
    );
    assert_eq!(l4["scan_type"], "remote");
    let lodash = &l4["NodeJS-package"]["HIGH"][0];
    assert_eq!(lodash["vuln_id"], "CVE-2099-0002");
    assert_eq!(lodash["installed_vers"], "4.17.20");
    assert_eq!(lodash["fixed"], "4.17.21");
    assert_eq!(lodash["library"], "lodash");
    assert_eq!(lodash["type_detail"], "node-pkg");
    assert_eq!(lodash["class_detail"], "lang-pkgs");
    assert_eq!(lodash["target"], "Node.js");
    assert_eq!(lodash["type"], "vulnerability");
    let aws = &l4["Secret"]["CRITICAL"][0];
    assert_eq!(aws["secret_id"], "aws-access-key-id");
    assert_eq!(aws["type"], "secret");
    assert_eq!(aws["type_detail"], "");
    assert_eq!(aws["class_detail"], "secret");
    assert_eq!(aws["start_line"], 2);
    let debian_entry = &entries[0]["Debian-package"]["CRITICAL"][0];
    assert_eq!(debian_entry["cvss"]["nvd"]["V3Score"], 9.8);
    assert_eq!(
        debian_entry["title"],
        "openssl: remote code execution in test"
    );
}

#[test]
fn levels_reports_are_readable_by_the_owner_only() {
    let LevelsRun { p, paths, .. } = levels_run();
    // Reports may hold secrets: only the owner can read them.
    use std::os::unix::fs::PermissionsExt;
    for path in paths {
        let mode = fs::metadata(p.path().join(path))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{path}");
    }
    let dir_mode = fs::metadata(p.path().join("out"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
}

#[test]
fn unknown_image_and_dead_registry_become_error_entries() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let good = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let missing = format!("{}/fleet/nothing:1", p.registry().addr);
    // A port the project holds closed: refused, and no other test's server can take it.
    let dead = format!("{}/fleet/app:1", p.closed_addr());
    p.write_config(
        "[default.concurrency]\nremote = 2",
        &format!("[[default.targets]]\nname = \"fleet\"\nimages = [\"{missing}\", \"{good}\", \"{dead}\", \"Bad/Ref\"]\n"),
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let paths = report_paths(&out);
    let report = p.read_json(&paths[0]);
    let targets = report["targets"].as_array().unwrap();
    let status: Vec<(&str, &str)> = targets
        .iter()
        .map(|t| {
            (
                t["status"].as_str().unwrap(),
                t["error"]["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("error", "image_not_found"),
            ("ok", ""),
            ("error", "registry_unreachable"),
            ("error", "invalid_target")
        ]
    );
    assert!(
        targets[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("MANIFEST_UNKNOWN"),
        "{:?}",
        targets[0]
    );
    assert_eq!(findings_of(&targets[1]).len(), 1);
    assert!(stderr.contains("3 of 4 target(s) failed"), "{stderr}");
}

#[test]
fn missing_db_is_downloaded_from_the_registry() {
    let p = Project::new();
    p.publish_db(&fleet_db().updated_at("2025-03-03T00:00:00Z"));
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    p.write_images_config("", &[&image]);
    let (report, stderr) = p.run_report(&["run"], 0);
    assert!(
        stderr.contains("no vulnerability DB yet; downloading it"),
        "{stderr}"
    );
    assert_eq!(report["run"]["db_updated_at"], "2025-03-03T00:00:00Z");
    assert_eq!(findings_of(&report["targets"][0]).len(), 1);
}

#[test]
fn stale_db_is_refreshed() {
    let p = Project::new();
    p.seed_db(
        &fleet_db()
            .updated_at("2020-01-01T00:00:00Z")
            .next_update("2020-01-02T00:00:00Z"),
    );
    // The new DB knows one more advisory.
    let newer = fleet_db()
        .updated_at("2025-05-05T00:00:00Z")
        .with(testkit::Advisory::os(
            testkit::db::Ecosystem::Debian("12".into()),
            "CVE-2099-0500",
            "openssl",
            "",
            "HIGH",
        ));
    p.publish_db(&newer);
    // Two images: scanned through the local server, which starts while the DB is checked,
    // on the stale DB then in place; it must not be the one that scans.
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let other = p.push("fleet/debian-too", "12", &recipes::debian_openssl());
    p.write_images_config("", &[&image, &other]);
    let (report, stderr) = p.run_report(&["run"], 0);
    assert!(
        stderr.contains("out of date; downloading a new one"),
        "{stderr}"
    );
    assert_eq!(report["run"]["db_updated_at"], "2025-05-05T00:00:00Z");
    for target in report["targets"].as_array().unwrap() {
        assert_eq!(findings_of(target).len(), 2, "{target}");
    }
}

#[test]
fn corrupt_db_is_repaired_once_and_the_scan_retried() {
    for jobs in [1, 2] {
        let p = Project::new();
        p.seed_db(&fleet_db());
        fs::write(p.cache_dir().join("db/trivy.db"), vec![0x42; 64 * 1024]).unwrap();
        p.publish_db(&fleet_db().updated_at("2025-07-07T00:00:00Z"));
        let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
        p.write_images_config(
            &format!("[default.concurrency]\nremote = {jobs}"),
            &[&image],
        );
        let (report, stderr) = p.run_report(&["run"], 0);
        assert_eq!(
            stderr.matches("repairing it").count(),
            1,
            "jobs={jobs}: {stderr}"
        );
        assert_eq!(findings_of(&report["targets"][0]).len(), 1, "jobs={jobs}");
        assert_eq!(report["run"]["db_updated_at"], "2025-07-07T00:00:00Z");
    }
}

#[test]
fn offline_without_a_db_is_a_diagnostic_and_error_entries() {
    let p = Project::new();
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let other = p.push("fleet/debian", "13", &recipes::debian_openssl());
    // An imported report needs no DB: it still goes through.
    fs::create_dir_all(p.path().join("ci")).unwrap();
    fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/trivy-0.76-mixed.json"),
        p.path().join("ci/app.json"),
    )
    .unwrap();
    p.write_config(
        "[default.concurrency]\nremote = 2",
        &format!(
            "[[default.targets]]\nname = \"a\"\nimages = [\"{image}\", \"{other}\"]\n[[default.targets]]\nname = \"imported\"\nreports = [\"ci/*.json\"]\n"
        ),
    );
    let out = p.trivyscan().args(["run", "--offline"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("trivyscan::db::offline_missing"),
        "{stderr}"
    );
    assert!(stderr.contains("and trivy.offline is set"), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(
        statuses(&report),
        ["database_unavailable", "database_unavailable", "ok"]
    );
    assert!(
        report["targets"][0]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("no vulnerability DB: "),
        "{report}"
    );
    assert_eq!(report["targets"][2]["scan_type"], "report");
    assert!(!findings_of(&report["targets"][2]).is_empty());
    assert!(
        !p.registry().log().contains("trivy-db"),
        "offline must not download"
    );
}

#[test]
fn two_runs_on_one_cache_dir_at_once() {
    let p = Project::new();
    p.publish_db(&fleet_db());
    let a = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let b = p.push("fleet/mixed", "1", &mixed_rootfs());
    p.write_config(
        "[default.concurrency]\nremote = 2",
        &format!("[[default.targets]]\nname = \"a\"\nimages = [\"{a}\", \"{b}\"]\n"),
    );
    let spawn = |out: &str| {
        p.std_command()
            .args(["run", "--output-dir", out])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn("out1");
    let second = spawn("out2");
    for child in [first, second] {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let report = p.read_json(&report_paths(&out)[0]);
        assert_eq!(report["totals"]["scanned"], 2);
    }
    // The DB was downloaded once, under the lock.
    assert_eq!(
        p.registry()
            .log()
            .matches("GET /v2/trivy-db/manifests/2")
            .count(),
        1,
        "{}",
        p.registry().log()
    );
}

/// A real Trivy 0.76 report of the mixed image, for the snapshot tests of the pure stages.
/// The committed fixture must still be what Trivy writes today (timestamps and the registry
/// port aside); `TRIVYSCAN_REGENERATE=1` rewrites it.
#[test]
fn committed_trivy_fixture_matches_a_fresh_scan() {
    let p = Project::new();
    let trivy = testkit::TrivyRun::with_db(&fleet_db());
    let reference = p.push("fleet/mixed", "1", &mixed_rootfs());
    let raw = trivy.scan_image_raw(&reference, &[]);
    if testkit::trivy_version() != "0.76.0" {
        // The fixture is Trivy 0.76.0's own output; another version must find the same.
        let findings = |bytes: &[u8]| -> Vec<(String, String, String)> {
            let report = &trivyscan::stage::normalize::normalize(bytes).unwrap();
            let grouped = trivyscan::stage::group::group(report, Severity::Unknown);
            let mut out: Vec<_> = grouped
                .components
                .iter()
                .flat_map(|(c, sevs)| {
                    sevs.iter().flat_map(move |(s, list)| {
                        list.iter().map(move |f| {
                            let (id, _) = trivyscan::stage::policy::id_and_package(report, *f);
                            (c.clone(), s.to_string(), id.to_string())
                        })
                    })
                })
                .collect();
            out.sort();
            out
        };
        let committed = fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/trivy-0.76-mixed.json"),
        )
        .unwrap();
        assert_eq!(findings(&raw), findings(&committed));
        return;
    }

    let stable = |raw: &str| -> String {
        // Run-specific: timestamps, the report ID, the artifact ID and fingerprints (they hash
        // the artifact name, which holds the registry's port).
        let volatile =
            regex::Regex::new(r#""(CreatedAt|ReportID|Fingerprint|ArtifactID)": "[^"]*""#).unwrap();
        volatile
            .replace_all(
                &raw.replace(&p.registry().addr, "127.0.0.1:5000"),
                r#""$1": "-""#,
            )
            .into_owned()
    };
    let fresh = stable(&text(&raw));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trivy-0.76-mixed.json");
    if std::env::var_os("TRIVYSCAN_REGENERATE").is_some() {
        fs::write(&path, &fresh).unwrap();
    }
    let committed = stable(&fs::read_to_string(&path).unwrap());
    if let Some((i, (a, b))) = committed
        .lines()
        .zip(fresh.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
    {
        panic!(
            "Trivy's output changed at line {}: {a:?} != {b:?}; rerun with TRIVYSCAN_REGENERATE=1 and review the diff",
            i + 1
        );
    }
    assert_eq!(
        committed.lines().count(),
        fresh.lines().count(),
        "Trivy's output changed length"
    );
}

#[test]
fn existing_trivy_reports_are_imported_without_scanning() {
    let p = Project::new();
    fs::create_dir_all(p.path().join("ci-reports/job-1")).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trivy-0.76-mixed.json");
    fs::copy(&fixture, p.path().join("ci-reports/job-1/app.json")).unwrap();
    fs::write(
        p.path().join("ci-reports/job-1/broken.json"),
        "{\"Results\": [",
    )
    .unwrap();
    // No trivy at all: imported reports need none.
    fs::write(
        p.path().join("scanner.toml"),
        "[default]\nseverity = \"high\"\n[default.trivy]\nbinary = \"/nonexistent/trivy\"\n[[default.targets]]\nname = \"imported\"\nreports = [\"ci-reports/**/*.json\"]\n",
    )
    .unwrap();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2);
    // One name form (#34 item 6): the path as `targets` shows it, and what the report scanned.
    let listed = p.trivyscan().args(["targets", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(targets[0]["target"], "ci-reports/job-1/app.json");
    assert_eq!(targets[0]["target"], listed[0]["target"]);
    assert_eq!(targets[0]["artifact"], "127.0.0.1:5000/fleet/mixed:1");
    assert_eq!(targets[0]["scan_type"], "report");
    assert_eq!(
        findings_of(&targets[0]),
        [
            t("NodeJS-package", "HIGH", "CVE-2099-0002"),
            t("Secret", "CRITICAL", "aws-access-key-id"),
            t("Secret", "HIGH", "private-key"),
        ]
    );
    assert_eq!(targets[1]["error"]["kind"], "bad_output");
    let out = p
        .trivyscan()
        .args(["report", "render", "--format", "markdown", "-o", "r.md"])
        .arg(&report_paths(&out)[0])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let markdown = fs::read_to_string(p.path().join("r.md")).unwrap();
    assert!(
        markdown.contains("127.0.0.1:5000/fleet/mixed:1 (from ci-reports/job-1/app.json)"),
        "{markdown}"
    );
    // A baseline written before (absolute paths) still matches: nothing is new.
    let mut old = report.clone();
    for t in old["targets"].as_array_mut().unwrap() {
        let absolute = p.path().join(t["target"].as_str().unwrap());
        t["target"] = absolute.display().to_string().into();
    }
    fs::write(p.path().join("old.json"), old.to_string()).unwrap();
    let out = p
        .trivyscan()
        .args(["run", "--baseline", "old.json"])
        .output()
        .unwrap();
    let again = p.read_json(&report_paths(&out)[0]);
    assert_eq!(
        again["targets"][0]["diff"]["new"], 0,
        "{}",
        again["targets"][0]
    );
    assert_eq!(
        again["targets"][0]["diff"]["unchanged"], 3,
        "{}",
        again["targets"][0]
    );
}

/// A Java DB that knows one jar, published in the project's registry, and an image holding
/// that jar: (the DB's repository, the image).
fn java_fixture(p: &Project) -> (String, String) {
    let jar = recipes::jar_bytes("org.example", "vuln-lib", "1.0.0");
    let java_db = testkit::javadb::JavaDb::new().with_jar("org.example", "vuln-lib", "1.0.0", &jar);
    let java_repo = p.publish_java_db(&java_db);
    let image = p.push(
        "fleet/java",
        "1",
        &recipes::java_app("org.example", "vuln-lib", "1.0.0"),
    );
    (java_repo, image)
}

#[test]
fn java_db_is_downloaded_once_and_jars_are_scanned() {
    let p = Project::new();
    p.publish_db(&fleet_db());
    let (java_repo, image) = java_fixture(&p);
    p.config()
        .set(
            "default.trivy.java_db_repositories",
            crate::common::strings(&[&java_repo]),
        )
        .images("java", &[&image])
        .write();
    for _ in 0..2 {
        let out = p.trivyscan().arg("run").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let report = p.read_json(&report_paths(&out)[0]);
        assert_eq!(
            findings_of(&report["targets"][0]),
            [t("Java-package", "HIGH", "CVE-2099-0005")]
        );
    }
    assert!(p.cache_dir().join("java-db/trivy-java.db").is_file());
    // Two images, two workers: the clients of the local trivy server analyse the jars with
    // the same Java DB.
    let other = p.push(
        "fleet/java",
        "2",
        &recipes::java_app("org.example", "vuln-lib", "1.0.0").file("srv/id", "2"),
    );
    p.config()
        .set(
            "default.trivy.java_db_repositories",
            crate::common::strings(&[&java_repo]),
        )
        .images("java", &[&image, &other])
        .write();
    let out = p.trivyscan().args(["run", "--no-cache"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = p.read_json(&report_paths(&out)[0]);
    for target in report["targets"].as_array().unwrap() {
        assert_eq!(
            findings_of(target),
            [t("Java-package", "HIGH", "CVE-2099-0005")]
        );
    }
    assert_eq!(
        p.registry()
            .log()
            .matches("GET /v2/trivy-java-db/manifests/1")
            .count(),
        1,
        "downloaded once"
    );
}

/// Offline means no download at all, the Java DB's included: without one, an image with jars
/// fails as the DB's fault (never scanned without its Java packages), and nothing is asked of
/// the Java DB's repository, with one worker (standalone) or two (the local server's clients).
#[test]
fn offline_without_the_java_db_fails_jars_and_downloads_nothing() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let (java_repo, image) = java_fixture(&p);
    let other = p.push(
        "fleet/java",
        "2",
        &recipes::java_app("org.example", "vuln-lib", "1.0.0").file("srv/id", "2"),
    );
    let java_db_pulls = || p.registry().log().matches("GET /v2/trivy-java-db/").count();
    let before = java_db_pulls();
    for images in [vec![image.as_str()], vec![image.as_str(), other.as_str()]] {
        p.config()
            .set("default.trivy.offline", true)
            .images("java", &images)
            .write();
        // In Trivy's own variable, which its processes see too: a Trivy told nothing would
        // download from there.
        let out = p
            .trivyscan()
            .arg("run")
            .env("TRIVY_JAVA_DB_REPOSITORY", &java_repo)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let report = p.read_json(&report_paths(&out)[0]);
        for target in report["targets"].as_array().unwrap() {
            assert_eq!(target["error"]["kind"], "database_unavailable", "{target}");
        }
    }
    assert_eq!(
        java_db_pulls(),
        before,
        "offline: the Java DB's repository is never asked"
    );
}

/// Trivy 0.59.1 knows neither `--skip-version-check` nor `--disable-telemetry`: trivyscan drops
/// them (as the old script did with unknown flags) and scans, in parallel, all the same.
#[test]
fn older_trivy_without_newer_flags() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let a = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let b = p.push("fleet/mixed", "1", &mixed_rootfs());
    p.write_config(
        "[default.concurrency]\nremote = 2",
        &format!("[[default.targets]]\nname = \"a\"\nimages = [\"{a}\", \"{b}\"]\n"),
    );
    let old = testkit::trivy_old_bin();
    let out = p
        .trivyscan()
        .args(["run", "--trivy-binary", old.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["run"]["trivy_version"], "0.59.1");
    assert_eq!(
        findings_of(&report["targets"][0]),
        [t("Debian-package", "CRITICAL", "CVE-2099-0001")]
    );
    assert_eq!(report["totals"]["scanned"], 2);
}

#[test]
fn a_trivy_older_than_the_minimum_is_one_clear_diagnostic() {
    let p = Project::new();
    // A stub that reports an old version: no old enough real Trivy is at hand.
    let stub = crate::common::script(
        p.path(),
        "old-trivy",
        "#!/bin/sh\ncase \"$1\" in version) echo '{\"Version\":\"0.48.3\"}';; *) echo scanned >> \"$0.calls\";; esac\n",
    );
    p.write_images_config("", &["example.invalid/app:1"]);
    let out = p
        .trivyscan()
        .args(["run", "--trivy-binary", stub.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr.matches("trivyscan::trivy::too_old").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("Trivy 0.48.3") && stderr.contains("0.59.0"),
        "{stderr}"
    );
    assert!(
        !p.path().join("old-trivy.calls").exists(),
        "nothing was scanned"
    );
}
