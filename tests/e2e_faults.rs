//! Interruption and faults, with real processes: Ctrl-C mid-run, the registry going away, a
//! missing or hung trivy, a DB corrupted mid-run, an unwritable report directory, and a soak
//! run. Stubs only wrap the real Trivy to inject what it cannot be made to do on demand
//! (hang, or pause while the test pulls the registry away).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Project, report_paths, statuses, text};
use testkit::recipes;

/// A shell wrapper around the real Trivy: `cases` are `case "$*" in` arms run first.
fn wrapper(p: &Project, name: &str, cases: &str) -> PathBuf {
    common::script(
        p.path(),
        name,
        &format!(
            "#!/bin/sh\ncase \"$*\" in\n{cases}\nesac\nexec {} \"$@\"\n",
            testkit::trivy_bin().display()
        ),
    )
}

/// `trivyscan run` with `stub` as trivy, in the background, its output captured.
fn spawn_run(p: &Project, stub: &Path) -> std::process::Child {
    p.std_command()
        .args(["run", "--trivy-binary", stub.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `trivyscan run` with `stub` as trivy, to the end.
fn run_with(p: &Project, stub: &Path) -> std::process::Output {
    p.trivyscan()
        .args(["run", "--trivy-binary", stub.to_str().unwrap()])
        .output()
        .unwrap()
}

fn wait_for(path: &Path, what: &str) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} never happened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Processes whose command line contains `needle` (other than this test).
fn processes_with(needle: &str) -> Vec<String> {
    let me = std::process::id().to_string();
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy() != me)
        .filter_map(|e| fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|l| l.contains(needle))
        .collect()
}

#[test]
fn sigint_mid_run_stops_every_process_and_reports_what_finished() {
    interrupted_mid_run(libc::SIGINT);
}

#[test]
fn sigterm_mid_run_does_the_same() {
    interrupted_mid_run(libc::SIGTERM);
}

fn interrupted_mid_run(signal: i32) {
    // A sleep no other test (or the other signal's run, in parallel) uses.
    let sleep_marker = 3500 + signal;
    let p = Project::new();
    p.seed_db(&common::fleet_db());
    let image = recipes::debian_openssl();
    let refs: Vec<String> = ["a", "b", "slow-1", "slow-2"]
        .iter()
        .map(|t| p.push("fleet/app", t, &image))
        .collect();
    let stub = wrapper(
        &p,
        "trivy-hangs-on-slow",
        &format!(
            "image*slow-1*) touch {0}/started-1; exec sleep {1};;\nimage*slow-2*) touch {0}/started-2; exec sleep {1};;",
            p.path().display(),
            sleep_marker
        ),
    );
    p.write_images_config(
        "[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 2",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let child = spawn_run(&p, &stub);
    wait_for(&p.path().join("started-1"), "the first hung scan");
    wait_for(&p.path().join("started-2"), "the second hung scan");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, signal) };
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["run"]["interrupted"], true);
    assert_eq!(
        statuses(&report),
        ["ok", "ok", "interrupted", "interrupted"]
    );
    // The hung scans, their wrappers and the local trivy server are gone.
    assert_eq!(
        processes_with(&format!("sleep {sleep_marker}")),
        Vec::<String>::new()
    );
    assert_eq!(
        processes_with(&p.cache_dir().display().to_string()),
        Vec::<String>::new()
    );
    // This run's wrapper only: the other signal's run uses one of the same name at once.
    assert_eq!(
        processes_with(&stub.display().to_string()),
        Vec::<String>::new()
    );
}

#[test]
fn the_registry_going_away_mid_run_fails_the_rest_and_the_report_is_written() {
    let mut p = Project::new();
    p.seed_db(&common::fleet_db());
    let image = recipes::debian_openssl();
    let refs: Vec<String> = (1..=5)
        .map(|i| p.push("fleet/app", &i.to_string(), &image))
        .collect();
    // The third scan waits until the test has killed the registry.
    let gone = p.path().join("registry-gone");
    let stub = wrapper(
        &p,
        "trivy-waits",
        &format!(
            "image*app:3*) touch {0}/at-3; while [ ! -e {1} ]; do sleep 0.05; done;;",
            p.path().display(),
            gone.display()
        ),
    );
    p.write_images_config(
        "[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 1",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let child = spawn_run(&p, &stub);
    wait_for(&p.path().join("at-3"), "the third scan");
    p.registry.stop();
    fs::write(&gone, "").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    // Scans start in plan order: app:1 and app:2 before the registry died, the rest after.
    assert_eq!(
        statuses(&report),
        [
            "ok",
            "ok",
            "registry_unreachable",
            "registry_unreachable",
            "registry_unreachable"
        ]
    );
    assert!(stderr.contains("3 of 5 target(s) failed"), "{stderr}");
}

#[test]
fn a_missing_trivy_is_one_diagnostic() {
    let p = Project::new();
    p.write_images_config("", &["example.invalid/app:1", "example.invalid/app:2"]);
    let out = p
        .trivyscan()
        .args(["run", "--trivy-binary", "/nonexistent/trivy"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr.matches("trivyscan::trivy::missing").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("/nonexistent/trivy"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_hung_trivy_is_killed_at_the_timeout_and_the_rest_goes_on() {
    let p = Project::new();
    p.seed_db(&common::fleet_db());
    let image = recipes::debian_openssl();
    let good = p.push("fleet/app", "good", &image);
    let hung = p.push("fleet/app", "hangs", &image);
    let stub = wrapper(&p, "trivy-hangs", "image*app:hangs*) exec sleep 3518;;");
    p.write_images_config(
        "[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 1",
        &[&hung, &good],
    );
    let config = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    fs::write(
        p.path().join("scanner.toml"),
        config.replace("timeout = \"2m\"", "timeout = \"2s\""),
    )
    .unwrap();
    let start = Instant::now();
    let out = run_with(&p, &stub);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // 2 s timeout + 1 s grace, not the stub's hour.
    assert!(start.elapsed() < Duration::from_secs(30), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(statuses(&report), ["timeout", "ok"]);
    assert!(processes_with("sleep 3518").is_empty());
}

#[test]
fn a_db_corrupted_mid_run_is_repaired_once_and_the_run_succeeds() {
    let p = Project::new();
    let db = common::fleet_db();
    p.seed_db(&db);
    p.publish_db(&db);
    let image = recipes::debian_openssl();
    let refs: Vec<String> = (1..=3)
        .map(|i| p.push("fleet/app", &i.to_string(), &image))
        .collect();
    // Before the second scan, the DB file is truncated (once), as a crash or a full disk might.
    let stub = wrapper(
        &p,
        "trivy-corrupts",
        &format!(
            "image*app:2*) if [ ! -e {0}/corrupted ]; then touch {0}/corrupted; : > {1}/db/trivy.db; fi;;",
            p.path().display(),
            p.cache_dir().display()
        ),
    );
    p.write_images_config(
        "[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 1",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let out = run_with(&p, &stub);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(p.path().join("corrupted").exists());
    assert_eq!(stderr.matches("repairing").count(), 1, "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(statuses(&report), ["ok", "ok", "ok"]);
    for t in report["targets"].as_array().unwrap() {
        assert_eq!(common::findings_of(t).len(), 1, "{t}");
    }
}

#[test]
fn an_unwritable_report_directory_is_a_clear_error_before_any_scan() {
    let p = Project::new();
    p.seed_db(&common::fleet_db());
    let reference = p.push("fleet/app", "1", &recipes::debian_openssl());
    // Tests run as root, which ignores permission bits: a file where a directory must be is
    // refused to everyone.
    fs::write(p.path().join("blocker"), "").unwrap();
    p.write_images_config(
        "[default.report]\noutput_dir = \"blocker/reports\"\nformats = [\"json\", \"sarif\"]",
        &[&reference],
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(74), "{stderr}");
    assert!(stderr.contains("trivyscan::report::write"), "{stderr}");
    assert!(stderr.contains("blocker/reports"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!stderr.contains("[1/1]"), "no scan ran: {stderr}");
    let leftovers: Vec<_> = walkdir::WalkDir::new(p.path())
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".trivyscan-"))
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
