//! Interruption and faults, with real processes: Ctrl-C mid-run, the registry going away, a
//! missing or hung trivy, a DB corrupted mid-run, an unwritable report directory. Stubs only
//! wrap the real Trivy to inject what it cannot be made to do on demand (hang, or pause while
//! the test pulls the registry away); they tell the test where they are through marker files
//! and FIFOs, and the test checks the very processes they were.

use std::fs;
use std::path::Path;

use crate::common::{Project, Streams, process_ended, report_paths, statuses, text};
use testkit::recipes;

/// `trivyscan run` with `stub` as trivy, in the background, its output collected as it comes.
fn spawn_run(p: &Project, stub: &Path) -> (std::process::Child, Streams) {
    let mut child = p.spawn(&["run", "--trivy-binary", stub.to_str().unwrap()]);
    let streams = Streams::of(&mut child);
    (child, streams)
}

/// `trivyscan run` with `stub` as trivy, to the end.
fn run_with(p: &Project, stub: &Path) -> std::process::Output {
    p.trivyscan()
        .args(["run", "--trivy-binary", stub.to_str().unwrap()])
        .output()
        .unwrap()
}

/// A FIFO at `path`: a stub that reads it blocks until the test writes to it.
fn fifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string; the result is checked.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
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
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = recipes::debian_openssl();
    let refs: Vec<String> = ["a", "b", "slow-1", "slow-2"]
        .iter()
        .map(|t| p.push("fleet/app", t, &image))
        .collect();
    let (hung_1, hung_2) = (p.marker("hung-1"), p.marker("hung-2"));
    let stub = p.trivy_wrapper(
        "trivy-hangs-on-slow",
        &format!(
            "image*slow-1*) {};;\nimage*slow-2*) {};;",
            hung_1.signal_and_hang(),
            hung_2.signal_and_hang()
        ),
    );
    p.write_images_config(
        "[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 2",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let (child, streams) = spawn_run(&p, &stub);
    let hung = [hung_1.wait(), hung_2.wait()];
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, signal) };
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = streams.finish();
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let report = p.read_json(stdout.lines().next().unwrap());
    assert_eq!(report["run"]["interrupted"], true);
    assert_eq!(
        statuses(&report),
        ["ok", "ok", "interrupted", "interrupted"]
    );
    // The hung scans (the very processes), their wrappers and the local trivy server are gone.
    for pid in hung {
        assert!(process_ended(pid), "the hung scan {pid} was left running");
    }
    assert_eq!(p.leftover_processes(), Vec::<String>::new());
}

#[test]
fn the_registry_going_away_mid_run_fails_the_rest_and_the_report_is_written() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = recipes::debian_openssl();
    let refs: Vec<String> = (1..=5)
        .map(|i| p.push("fleet/app", &i.to_string(), &image))
        .collect();
    // The third scan tells the test it started, then waits until the registry is gone.
    let at_3 = p.marker("at-3");
    let gone = p.path().join("registry-gone");
    fifo(&gone);
    let stub = p.trivy_wrapper(
        "trivy-waits",
        &format!(
            "image*app:3*) {}; cat '{}' > /dev/null;;",
            at_3.signal(),
            gone.display()
        ),
    );
    p.write_images_config(
        "[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 1",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let (child, streams) = spawn_run(&p, &stub);
    at_3.wait();
    // Refused from now on: the port stays ours, so no other test's server answers there.
    let _held = p.registry().stop_and_hold_port();
    fs::write(&gone, "").unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = streams.finish();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(stdout.lines().next().unwrap());
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
    p.seed_db(&crate::common::fleet_db());
    let image = recipes::debian_openssl();
    let good = p.push("fleet/app", "good", &image);
    let hung = p.push("fleet/app", "hangs", &image);
    let hangs = p.marker("hangs");
    let stub = p.trivy_wrapper(
        "trivy-hangs",
        &format!("image*app:hangs*) {};;", hangs.signal_and_hang()),
    );
    // The timeout applies to the real scan of the good image too: long enough for it on a
    // loaded machine (a scan of this image takes about a second), short for a test.
    p.config()
        .default_toml("[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 1")
        .images("a", &[&hung, &good])
        .set("default.trivy.timeout", "10s")
        .write();
    let out = run_with(&p, &stub);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(statuses(&report), ["timeout", "ok"]);
    let pid = hangs.wait();
    assert!(process_ended(pid), "the hung scan {pid} was left running");
    assert_eq!(p.leftover_processes(), Vec::<String>::new());
}

#[test]
fn a_db_corrupted_mid_run_is_repaired_once_and_the_run_succeeds() {
    let p = Project::new();
    let db = crate::common::fleet_db();
    p.seed_db(&db);
    p.publish_db(&db);
    let image = recipes::debian_openssl();
    let refs: Vec<String> = (1..=3)
        .map(|i| p.push("fleet/app", &i.to_string(), &image))
        .collect();
    // Before the second scan, the DB file is truncated (once), as a crash or a full disk might.
    let stub = p.trivy_wrapper(
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
        assert_eq!(crate::common::findings_of(t).len(), 1, "{t}");
    }
}

#[test]
fn an_unwritable_report_directory_is_a_clear_error_before_any_scan() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
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

/// Hardening item 11: Ctrl-C (or SIGTERM) while waiting for another run's DB lock ends the run
/// at once with its report (every target interrupted), instead of waiting on in flock.
#[test]
fn a_signal_while_waiting_for_the_db_lock_ends_the_run_with_its_report() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let p = Project::new();
        let image = p.push("fleet/app", "1", &recipes::debian_openssl());
        p.write_images_config("[default.report]\noutput_dir = \"out\"", &[&image]);
        // Another run holds the lock: the test itself, as trivyscan takes it.
        fs::create_dir_all(p.cache_dir()).unwrap();
        let held = fs::File::create(p.cache_dir().join(".trivyscan-db.lock")).unwrap();
        held.lock().unwrap();
        let mut child = p.spawn(&["run"]);
        let streams = Streams::of(&mut child);
        streams.wait_for_stderr("waiting for another trivyscan");
        let pid = child.id();
        // SAFETY: signalling our own child.
        unsafe { libc::kill(pid as i32, signal) };
        // Waited for on a thread; the timeout is a safety net, not a timing claim: before the
        // fix the run never ended.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let Ok(status) = rx.recv_timeout(std::time::Duration::from_secs(120)) else {
            // SAFETY: ending our own child that outlived the signal.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("the run still waits for the lock after signal {signal}");
        };
        let status = status.unwrap();
        let (stdout, stderr) = streams.finish();
        assert_eq!(status.code(), Some(130), "{stderr}");
        let report = p.read_json(stdout.lines().next().unwrap());
        assert_eq!(report["run"]["interrupted"], true);
        assert_eq!(statuses(&report), ["interrupted"]);
        drop(held);
        assert_eq!(p.leftover_processes(), Vec::<String>::new());
    }
}
