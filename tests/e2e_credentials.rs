//! Registry credentials reach Trivy only through the environment: never on a command line
//! (where `ps` shows them), never in output, diagnostics or reports.

mod common;

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Project, report_paths, text};
use testkit::image::Image;
use testkit::{Registry, recipes};

/// Every process's command line that holds `needle`, until `stop` (polled every few ms).
fn watch_command_lines(
    needle: String,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<(usize, Vec<String>)> {
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut polls = 0;
        while !stop.load(Ordering::Relaxed) {
            polls += 1;
            for entry in fs::read_dir("/proc").unwrap().flatten() {
                if let Ok(cmdline) = fs::read(entry.path().join("cmdline")) {
                    let line = String::from_utf8_lossy(&cmdline).replace('\0', " ");
                    if line.contains(&needle) {
                        seen.push(line);
                    }
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        (polls, seen)
    })
}

#[test]
fn a_planted_password_appears_in_no_command_line_output_or_report() {
    let password = format!("planted-S3cret-{}", std::process::id());
    let registry = Registry::start_with_login("ci-bot", &password);
    let p = Project::new();
    p.seed_db(&common::fleet_db());
    let refs: Vec<String> = ["1", "2"]
        .iter()
        .map(|tag| {
            registry.push_image(
                "private/app",
                tag,
                &Image::single(&recipes::debian_openssl().with(recipes::secrets())),
            )
        })
        .collect();
    let list = testkit::toml_strings(&refs);
    p.write_config(
        "severity = \"low\"\n[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"legacy-json\", \"sarif\", \"junit\", \"markdown\", \"html\"]\n[default.concurrency]\nremote = 2",
        &format!("[[default.targets]]\nname = \"private\"\nimages = [{list}]\n"),
    );
    p.login_from_env();

    // Without the credentials: each image is an `unauthorized` error entry.
    let (report, _) = p.run_report(&["run"], 2);
    for t in report["targets"].as_array().unwrap() {
        assert_eq!(t["error"]["kind"], "unauthorized", "{t}");
    }

    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_command_lines(password.clone(), stop.clone());
    let out = p
        .trivyscan()
        .args(["-vv", "run"])
        .env("REG_USER", "ci-bot")
        .env("REG_PASS", &password)
        .output()
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    let (polls, seen) = watcher.join().unwrap();
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(polls > 10, "the process list was watched during the run");
    let seen: Vec<String> = seen
        .into_iter()
        .filter(|l| !l.contains("e2e_credentials"))
        .collect();
    assert!(seen.is_empty(), "on a command line: {seen:?}");
    assert!(!stdout.contains(&password) && !stderr.contains(&password));
    let report = p.read_json(&report_paths(&out)[0]);
    for t in report["targets"].as_array().unwrap() {
        assert_eq!(t["status"], "ok", "{t}");
        assert!(!common::findings_of(t).is_empty());
    }
    let mut files = 0;
    for entry in walkdir::WalkDir::new(p.path().join("out")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files += 1;
            let body = fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&body).contains(&password),
                "{} holds the password",
                entry.path().display()
            );
        }
    }
    assert_eq!(files, 2 * 6, "every format of both runs was checked");
    assert!(!config_show(&p).contains(&password));
}

fn config_show(p: &Project) -> String {
    let out = p
        .trivyscan()
        .args(["config", "show"])
        .env("REG_PASS", "x")
        .output()
        .unwrap();
    text(&out.stdout) + &text(&out.stderr)
}

#[test]
fn a_secret_pasted_where_a_variable_name_belongs_is_refused_without_echoing_it() {
    let p = Project::new();
    p.write_images_config("", &["example.invalid/app:1"]);
    let config = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    fs::write(
        p.path().join("scanner.toml"),
        config.replace(
            "[default.trivy]\n",
            "[default.trivy]\npassword_env = \"hunter2-the-real-password!\"\n",
        ),
    )
    .unwrap();
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("trivyscan::config::credential_env"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scanner.toml:"),
        "the place is named: {stderr}"
    );
    assert!(
        !stderr.contains("hunter2"),
        "the value is not echoed: {stderr}"
    );
}
