//! Local mode: Dockerfiles built with the real Docker engine, scanned with the real Trivy, and
//! always removed. Test Dockerfiles are `FROM scratch` + `COPY rootfs/ /` (no pulls).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{
    Project, Streams, findings_of, fleet_db, mixed_rootfs, process_ended, report_paths, text,
};
use testkit::{Rootfs, recipes};

fn t(c: &str, s: &str, id: &str) -> (String, String, String) {
    (c.into(), s.into(), id.into())
}

/// `dir/Dockerfile` with `rootfs/` beside it.
fn dockerfile(root: &Path, dir: &str, rootfs: &Rootfs, text: &str) -> PathBuf {
    let d = root.join(dir);
    rootfs.write_to(&d.join("rootfs"));
    fs::write(d.join("Dockerfile"), text).unwrap();
    d.join("Dockerfile")
}

const SIMPLE: &str = "FROM scratch\nCOPY rootfs/ /\n";

/// Every trivyscan run removes images of dead runs when it starts: the test that plants such an
/// image runs alone (write lock), the others side by side (read lock).
static DOCKER: std::sync::RwLock<()> = std::sync::RwLock::new(());

pub(super) fn shared_docker() -> std::sync::RwLockReadGuard<'static, ()> {
    DOCKER.read().unwrap_or_else(|e| e.into_inner())
}

fn image_exists(name: &str) -> bool {
    Command::new("docker")
        .args(["image", "inspect", name])
        .output()
        .unwrap()
        .status
        .success()
}

fn images_in(report: &serde_json::Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["image"].as_str().map(String::from))
        .collect()
}

#[test]
fn three_dockerfiles_built_scanned_and_removed() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    dockerfile(
        p.path(),
        "services/debian",
        &recipes::debian_openssl(),
        SIMPLE,
    );
    dockerfile(p.path(), "services/mixed", &mixed_rootfs(), SIMPLE);
    dockerfile(
        p.path(),
        "services/Secrets-Only",
        &recipes::secrets(),
        SIMPLE,
    );
    p.write_config(
        "severity = \"low\"\n[default.concurrency]\nlocal = 2",
        "[[default.targets]]\nname = \"services\"\ndockerfiles = [\"services/*/Dockerfile\"]\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    // Sorted by path: Secrets-Only, debian, mixed.
    assert_eq!(
        findings_of(&targets[0]),
        [
            t("Secret", "CRITICAL", "aws-access-key-id"),
            t("Secret", "HIGH", "private-key")
        ]
    );
    assert_eq!(
        findings_of(&targets[1]),
        [t("Debian-package", "CRITICAL", "CVE-2099-0001")]
    );
    assert_eq!(
        findings_of(&targets[2]),
        [
            t("Alpine-package", "MEDIUM", "CVE-2099-0101"),
            t("NodeJS-package", "HIGH", "CVE-2099-0002"),
            t("Python-package", "LOW", "CVE-2099-0003"),
            t("Secret", "CRITICAL", "aws-access-key-id"),
            t("Secret", "HIGH", "private-key"),
        ]
    );
    for target in targets {
        assert_eq!(target["scan_type"], "local");
        assert_eq!(target["kind"], "dockerfile");
    }
    let images = images_in(&report);
    assert_eq!(images.len(), 3);
    assert!(
        images[0].starts_with("local_scan_secrets-only_"),
        "{images:?}"
    );
    for image in images {
        assert!(!image_exists(&image), "{image} was left behind");
    }
}

#[test]
fn bad_and_missing_dockerfiles_are_error_entries_and_the_rest_goes_on() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    dockerfile(p.path(), "good", &recipes::debian_openssl(), SIMPLE);
    dockerfile(
        p.path(),
        "bad",
        &recipes::debian_openssl(),
        "FROM scratch\nCOPY rootfs/ /\nNOTANINSTRUCTION here\n",
    );
    p.write_config(
        "",
        "[[default.targets]]\nname = \"apps\"\ndockerfiles = [\"bad/Dockerfile\", \"good/Dockerfile\", \"gone/Dockerfile\"]\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets[0]["error"]["kind"], "build_failed");
    let message = targets[0]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Build error:") && message.to_lowercase().contains("notaninstruction"),
        "{message}"
    );
    assert_eq!(targets[1]["status"], "ok");
    assert_eq!(findings_of(&targets[1]).len(), 1);
    assert_eq!(targets[2]["error"]["kind"], "invalid_target");
    for image in images_in(&report) {
        assert!(!image_exists(&image), "{image} was left behind");
    }
}

#[test]
fn build_args_and_a_multi_stage_target() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    let d = p.path().join("multi");
    recipes::debian_openssl().write_to(&d.join("rootfs-debian"));
    recipes::secrets().write_to(&d.join("rootfs-secrets"));
    fs::write(
        d.join("Dockerfile"),
        "FROM scratch AS with-secrets\nCOPY rootfs-secrets/ /\n\nFROM scratch AS chosen\nARG VARIANT=secrets\nCOPY rootfs-${VARIANT}/ /\n",
    )
    .unwrap();
    p.write_config(
        "",
        "[[default.targets]]\nname = \"multi\"\ndockerfiles = [\"multi/Dockerfile\"]\ntarget = \"chosen\"\nbuild_args = { VARIANT = \"debian\" }\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = p.read_json(&report_paths(&out)[0]);
    // The `chosen` stage with VARIANT=debian: the Debian finding, not the secrets.
    assert_eq!(
        findings_of(&report["targets"][0]),
        [t("Debian-package", "CRITICAL", "CVE-2099-0001")]
    );
}

#[test]
fn legacy_both_mode_makes_one_report() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    fs::write(
        p.path().join("input_images.txt"),
        format!("severity=5\n{image}\n"),
    )
    .unwrap();
    let df = dockerfile(p.path(), "Web App", &recipes::secrets(), SIMPLE);
    fs::write(
        p.path().join("input_images_files.txt"),
        format!("severity=4\n{}\nmissing/Dockerfile\n", df.display()),
    )
    .unwrap();
    let trivy = testkit::trivy_bin();
    let out = p
        .trivyscan()
        .args([
            "legacy",
            "--mode",
            "both",
            "--trivy-binary",
            trivy.to_str().unwrap(),
        ])
        .env("TRIVYSCAN_TRIVY__JAVA_DB_REPOSITORIES", "[]")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let name = text(&out.stdout).trim().to_string();
    assert!(
        regex::Regex::new(r"^advanced_scan_results_both_\d{8}_\d{6}\.json$")
            .unwrap()
            .is_match(&name),
        "{name}"
    );
    let raw = fs::read_to_string(p.path().join(&name)).unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&raw).unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["scan_type"], "remote");
    assert_eq!(entries[0]["severity_level"], 5);
    assert_eq!(entries[1]["scan_type"], "local");
    assert_eq!(entries[1]["dockerfile"], df.display().to_string());
    let built = entries[1]["image"].as_str().unwrap();
    assert!(
        regex::Regex::new(r"^local_scan_web_app_\d{8}_\d{6}_\d{6}:latest$")
            .unwrap()
            .is_match(built),
        "{built}"
    );
    assert!(!image_exists(built));
    assert_eq!(entries[1]["severity_level"], 4);
    assert!(entries[1]["Secret"]["CRITICAL"].is_array());
    assert!(
        raw.contains(&format!(
            r#"{{"dockerfile":"{}","image":"{built}","scan_timestamp":"#,
            df.display()
        )),
        "{raw}"
    );
    // The missing Dockerfile: dockerfile, error, scan_timestamp, scan_type.
    assert_eq!(entries[2].as_object().unwrap().len(), 4, "{}", entries[2]);
    assert!(entries[2]["error"].as_str().unwrap().contains("not found"));
}

#[test]
fn unreachable_docker_is_one_diagnostic_and_images_still_scan() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    dockerfile(p.path(), "a", &recipes::secrets(), SIMPLE);
    dockerfile(p.path(), "b", &recipes::secrets(), SIMPLE);
    p.write_config(
        "",
        &format!("[[default.targets]]\nname = \"all\"\nimages = [\"{image}\"]\ndockerfiles = [\"*/Dockerfile\"]\n"),
    );
    let out = p
        .trivyscan()
        .arg("run")
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.matches("trivyscan::docker::unreachable").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("DOCKER_HOST"), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let kinds = crate::common::statuses(&report);
    assert_eq!(kinds, ["ok", "docker_unavailable", "docker_unavailable"]);
}

#[test]
fn stale_image_of_a_killed_run_is_removed_at_the_next_start() {
    let _docker = DOCKER.write().unwrap_or_else(|e| e.into_inner());
    let p = Project::new();
    p.seed_db(&fleet_db());
    let stale_dir = p.path().join("stale");
    recipes::secrets().write_to(&stale_dir.join("rootfs"));
    // Labelled as a run that was killed (its process is gone) long ago, in one step, so no
    // half-labelled intermediate image exists for a parallel test's cleanup to catch.
    fs::write(
        stale_dir.join("Dockerfile"),
        "FROM scratch\nCOPY rootfs/ /\nLABEL org.trivyscan.run=killed-run org.trivyscan.pid=999999 org.trivyscan.started=1\n",
    )
    .unwrap();
    let stale = format!("local_scan_stale_{}:latest", std::process::id());
    // Another suite's trivyscan on the same Docker engine may remove the image as soon as it
    // exists (it is a dead run's, by its labels): build it again until it is there.
    let mut failures = Vec::new();
    for _ in 0..5 {
        let built = Command::new("docker")
            .args(["build", "-q", "-t", &stale])
            .arg(&stale_dir)
            .output()
            .unwrap();
        if built.status.success() && image_exists(&stale) {
            break;
        }
        failures.push(format!("{:?}: {}", built.status, text(&built.stderr)));
    }
    assert!(
        failures.len() < 5,
        "the stale image was never built: {failures:#?}"
    );
    dockerfile(p.path(), "app", &recipes::debian_openssl(), SIMPLE);
    p.write_config(
        "",
        "[[default.targets]]\nname = \"app\"\ndockerfiles = [\"app/Dockerfile\"]\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Removed by this run, or by a parallel test's run that started first: any start cleans up.
    assert!(
        !image_exists(&stale),
        "the stale image is still there: {stderr}"
    );
}

/// Starts `trivyscan run` on one Dockerfile in `dir` with a Trivy wrapper whose image scan
/// runs `scan` after recording its arguments and signalling the `scanning` marker; waits for
/// that signal and returns the run, its output, the scan's PID and the built image.
fn run_until_scanning(
    p: &Project,
    dir: &str,
    scan: &str,
) -> (std::process::Child, Streams, u32, String) {
    let scanning = p.marker("scanning");
    let args = p.path().join("scan-args");
    let stub = p.trivy_wrapper(
        &format!("{dir}-trivy"),
        &format!(
            "image*) printf '%s\\n' \"$@\" > '{}'; {scan};;",
            args.display()
        )
        .replace("{signal}", &scanning.signal()),
    );
    // A directory name no other test uses: tests run in parallel on one Docker engine.
    dockerfile(p.path(), dir, &recipes::debian_openssl(), SIMPLE);
    p.config()
        .target_set("app", "dockerfiles", &[format!("{dir}/Dockerfile")])
        .write();
    // Its own temp dir, so a test can see that the run's scratch directory is gone.
    fs::create_dir_all(p.path().join("tmp")).unwrap();
    let mut child = p
        .std_command()
        .env("TMPDIR", p.path().join("tmp"))
        .args([
            "run",
            "--jobs-remote",
            "1",
            "--trivy-binary",
            stub.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let streams = Streams::of(&mut child);
    let pid = scanning.wait();
    // The image scanned is the last argument.
    let built = fs::read_to_string(&args)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(built.starts_with(&format!("local_scan_{dir}_")), "{built}");
    (child, streams, pid, built)
}

#[test]
fn sigint_mid_run_removes_the_built_image_and_writes_a_partial_report() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    // A scan that hangs: a fault the real Trivy cannot be made to show on demand.
    let (child, streams, pid, built) =
        run_until_scanning(&p, "sigint-app", "{signal}; exec sleep 100000");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = streams.finish();
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(!image_exists(&built), "{built} was left behind: {stderr}");
    let report = p.read_json(stdout.lines().next().unwrap());
    assert_eq!(report["run"]["interrupted"], true);
    assert_eq!(report["targets"][0]["error"]["kind"], "interrupted");
    assert!(process_ended(pid), "the hung scan was left running");
    assert_eq!(p.leftover_processes(), Vec::<String>::new());
}

#[test]
fn a_second_sigint_exits_at_once_and_still_removes_the_built_image() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    // Deaf to SIGTERM, so the first Ctrl-C's orderly stop waits out its grace period; the
    // scan says when that SIGTERM came (the first signal was handled), and only then does the
    // test send the second (two signals sent at once can arrive as one).
    let got_term = p.marker("got-term");
    let (child, streams, pid, built) = run_until_scanning(
        &p,
        "sigint-twice",
        &format!(
            "trap \"{}\" TERM; {{signal}}; while :; do sleep 1; done",
            got_term.signal().replace('\'', "")
        ),
    );
    // The run's scratch directory, where Trivy unpacks what it analyses, is its owner's alone.
    let scratch: Vec<_> = fs::read_dir(p.path().join("tmp"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(scratch.len(), 1, "{scratch:?}");
    let mode = scratch[0].metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    // SAFETY: signalling our own child, twice.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    got_term.wait();
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let (_, stderr) = streams.finish();
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted again"),
        "the forced exit ran: {stderr}"
    );
    assert!(!image_exists(&built), "{built} was left behind: {stderr}");
    assert!(process_ended(pid), "the hung scan was left running");
    assert_eq!(p.leftover_processes(), Vec::<String>::new());
    let scratch: Vec<_> = fs::read_dir(p.path().join("tmp")).unwrap().collect();
    assert!(
        scratch.is_empty(),
        "the run's scratch directory was left: {scratch:?}"
    );
}

#[test]
fn a_rebuilt_dockerfile_with_the_same_content_reuses_its_scan() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    dockerfile(p.path(), "cache-app", &mixed_rootfs(), SIMPLE);
    p.write_config(
        "severity = \"low\"",
        "[[default.targets]]\nname = \"app\"\ndockerfiles = [\"cache-app/Dockerfile\"]\n",
    );
    let run = |p: &Project| {
        let out = p.trivyscan().arg("run").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        p.read_json(&report_paths(&out)[0])
    };
    let first = run(&p);
    assert_eq!(first["targets"][0]["cache"], "scanned");
    let second = run(&p);
    assert_eq!(
        second["targets"][0]["cache"], "reused",
        "same layers, same DB"
    );
    assert_eq!(
        findings_of(&second["targets"][0]),
        findings_of(&first["targets"][0])
    );
    // Changed content is scanned again.
    fs::write(p.path().join("cache-app/rootfs/extra.txt"), "changed").unwrap();
    let third = run(&p);
    assert_eq!(third["targets"][0]["cache"], "scanned");
}

/// A build that fails after some steps: the entry says the cause first, with its step, once and
/// without the builder's deprecation notice; and the images of the steps that worked (the
/// legacy builder keeps them as cache) are not left behind.
#[test]
fn a_failed_build_says_its_cause_first_and_leaves_no_intermediate_image() {
    let _docker = shared_docker();
    let p = Project::new();
    p.seed_db(&fleet_db());
    // A path no other build uses, to find this build's images among the engine's.
    let unique = format!(
        "trivyscan-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let dir = p.path().join("broken");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a.txt"), &unique).unwrap();
    fs::write(dir.join("b.txt"), &unique).unwrap();
    fs::write(
        dir.join("Dockerfile"),
        format!("FROM scratch\nCOPY a.txt /{unique}/a\nCOPY b.txt /{unique}/b\nCOPY missing.txt /{unique}/m\n"),
    )
    .unwrap();
    // A multi-stage build that works: its first stage's images are no parents of the final
    // image, so removing that does not take them.
    let multi = p.path().join("multi");
    fs::create_dir_all(&multi).unwrap();
    fs::write(multi.join("a.txt"), &unique).unwrap();
    fs::write(
        multi.join("Dockerfile"),
        format!("FROM scratch AS first\nCOPY a.txt /{unique}/first\nFROM scratch\nCOPY a.txt /{unique}/final\n"),
    )
    .unwrap();
    p.write_config(
        "",
        "[[default.targets]]\nname = \"apps\"\ndockerfiles = [\"broken/Dockerfile\", \"multi/Dockerfile\"]\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["targets"][1]["status"], "ok");
    let message = report["targets"][0]["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("Build error: "), "{message}");
    let first_line = message.lines().next().unwrap();
    assert!(
        first_line.contains("missing.txt") && first_line.contains("COPY missing.txt"),
        "the cause and its step first: {message}"
    );
    assert!(!message.contains("DEPRECATED"), "{message}");
    assert_eq!(
        message.matches("file does not exist").count(),
        1,
        "{message}"
    );
    // No image of this build is left: none has a step that copied into the unique path.
    let ids = Command::new("docker")
        .args(["images", "-a", "-q", "--no-trunc"])
        .output()
        .unwrap();
    let ids: Vec<String> = text(&ids.stdout).lines().map(String::from).collect();
    if !ids.is_empty() {
        let inspect = Command::new("docker")
            .args([
                "image",
                "inspect",
                "--format",
                "{{.Id}} {{json .ContainerConfig.Cmd}} {{json .Config.Cmd}}",
            ])
            .args(&ids)
            .output()
            .unwrap();
        let left: Vec<String> = text(&inspect.stdout)
            .lines()
            .filter(|l| l.contains(&unique))
            .map(String::from)
            .collect();
        assert_eq!(
            left,
            Vec::<String>::new(),
            "intermediate images left behind"
        );
    }
}
