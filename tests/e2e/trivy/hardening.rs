//! Hostile input and races found by probing the landed code (issue 21): each test fails on the
//! code before its fix.

use std::fs;

use crate::common::{Project, report_paths, text};
use testkit::recipes;

/// Shell that writes `precious` files named as a report of each of the last 60 seconds would
/// be, for each of `names` (`{s}` is the `YYYYmmdd_HHMMSS` stamp): what a run started in the
/// same second as ours writes while ours is still scanning.
fn plant_reports_of_the_last_minute(dir: &std::path::Path, names: &[&str]) -> String {
    let writes: String = names
        .iter()
        .map(|n| {
            format!(
                "echo precious > \"{}/{}\"; ",
                dir.display(),
                n.replace("{s}", "$s")
            )
        })
        .collect();
    format!(
        "now=$(date +%s); for i in $(seq 0 60); do s=$(date -d @$((now - i)) +%Y%m%d_%H%M%S); {writes}done"
    )
}

fn precious_files(dir: &std::path::Path) -> usize {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| fs::read_to_string(e.path()).is_ok_and(|t| t == "precious\n"))
        .count()
}

#[test]
fn a_report_never_replaces_one_a_same_second_run_wrote() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = p.push("fleet/app", "1", &recipes::debian_openssl());
    let out_dir = p.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let plant = plant_reports_of_the_last_minute(
        &out_dir,
        &[
            "trivyscan-default-{s}.json",
            "trivyscan-default-{s}.md",
            "advanced_scan_results_remote_{s}.json",
        ],
    );
    let stub = p.trivy_wrapper("trivy-plants", &format!("image*) {plant};;"));
    p.config()
        .default_toml(
            "[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"legacy-json\", \"markdown\"]",
        )
        .images("a", &[&image])
        .write();
    let out = p
        .trivyscan()
        .args(["run", "--trivy-binary", stub.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        precious_files(&out_dir),
        3 * 61,
        "a planted report was replaced"
    );
    let paths = report_paths(&out);
    assert_eq!(paths.len(), 3, "{paths:?}");
    // Each report took the next free name, and the Markdown follows the JSON's.
    assert!(paths[0].ends_with("-2.json"), "{paths:?}");
    assert!(paths[1].ends_with("-2.json"), "{paths:?}");
    assert_eq!(
        paths[2],
        paths[0].replace(".json", ".md"),
        "the formats of one run share a name"
    );
    let report = p.read_json(&paths[0]);
    assert_eq!(report["targets"][0]["status"], "ok");
}

#[test]
fn a_legacy_report_never_replaces_one_a_same_second_run_wrote() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = p.push("fleet/app", "1", &recipes::debian_openssl());
    fs::write(p.path().join("input_images.txt"), format!("{image}\n")).unwrap();
    let plant =
        plant_reports_of_the_last_minute(p.path(), &["advanced_scan_results_remote_{s}.json"]);
    let stub = p.trivy_wrapper("trivy-plants", &format!("image*) {plant};;"));
    let out = p
        .trivyscan()
        .args(["legacy", "--mode", "remote", "--trivy-binary"])
        .arg(&stub)
        .env("TRIVYSCAN_TRIVY__JAVA_DB_REPOSITORIES", "[]")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        precious_files(p.path()),
        61,
        "a planted report was replaced"
    );
    let name = text(&out.stdout).trim().to_string();
    assert!(
        regex::Regex::new(r"^advanced_scan_results_remote_\d{8}_\d{6}-2\.json$")
            .unwrap()
            .is_match(&name),
        "{name}"
    );
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(p.path().join(&name)).unwrap()).unwrap();
    assert_eq!(entries.len(), 1);
}

/// Fields of an imported Trivy report are text from a file anyone could have written: a
/// `javascript:` URL becomes no link (HTML) and no `helpUri` (SARIF), and HTML in a package
/// name is shown, not interpreted, in Markdown (items 3 and 13).
#[test]
fn imported_urls_and_html_are_never_live_in_reports() {
    let p = Project::new();
    let mut report: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/trivy-0.76-mixed.json")).unwrap();
    let hostile_urls = [
        "javascript:alert(1)",
        "  JavaScript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
        "https://ok.example/\u{1}x",
    ];
    let mut i = 0;
    for result in report["Results"].as_array_mut().unwrap() {
        for v in result["Vulnerabilities"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            v["PrimaryURL"] = hostile_urls[i % hostile_urls.len()].into();
            if i == 0 {
                v["PkgName"] = "<img src=x onerror=alert(1)><!--".into();
                v["FixedVersion"] = "`9`</td>".into();
            }
            i += 1;
        }
    }
    fs::create_dir(p.path().join("ci")).unwrap();
    fs::write(p.path().join("ci/app.json"), report.to_string()).unwrap();
    p.config()
        .default_toml(
            "severity = \"low\"\n[default.report]\noutput_dir = \"out\"\nformats = [\"html\", \"sarif\", \"markdown\"]",
        )
        .target_set("imported", "reports", &["ci/*.json"])
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let paths = report_paths(&out);
    let read = |ext: &str| {
        fs::read_to_string(
            p.path()
                .join(paths.iter().find(|p| p.ends_with(ext)).unwrap()),
        )
        .unwrap()
    };
    let html = read(".html");
    assert!(
        !html.to_lowercase().contains("javascript:"),
        "a live javascript: link"
    );
    assert!(!html.contains("href=\"data:"), "a data: link");
    assert!(!html.contains("<img src=x"), "HTML from a package name");
    let sarif = read(".sarif");
    assert!(!sarif.to_lowercase().contains("javascript:"), "{sarif}");
    assert!(!sarif.contains("data:text/html"), "{sarif}");
    let md = read(".md");
    assert!(!md.contains("<img") && !md.contains("<!--"), "{md}");
    assert!(
        md.contains("&lt;img src=x onerror=alert(1)&gt;&lt;!--"),
        "{md}"
    );
    assert!(!md.contains("</td>"), "{md}");
}

/// Secrets never reach Trivy's command line through the config (item 14): `extra_args` with a
/// secret flag and a server URL with credentials are refused, and neither value is echoed.
#[test]
fn secrets_in_extra_args_or_the_server_url_are_refused_unechoed() {
    let p = Project::new();
    p.config()
        .images("a", &["example.invalid/app:1"])
        .set(
            "default.trivy.extra_args",
            crate::common::strings(&[
                "--password",
                "hunter2-a",
                "--registry-token=hunter2-b",
                "--token",
                "hunter2-c",
                "--list-all-pkgs",
            ]),
        )
        .set(
            "default.trivy.server",
            "https://ci:hunter2-d@trivy.internal:4954",
        )
        .write();
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr.matches("trivyscan::config::secret_flag").count(),
        3,
        "{stderr}"
    );
    assert!(
        stderr.contains("trivyscan::config::server_credentials"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("hunter2-d"),
        "the URL is not shown: {stderr}"
    );
    for shown in ["config show", "run"] {
        let out = p.trivyscan().args(shown.split(' ')).output().unwrap();
        assert_eq!(out.status.code(), Some(78));
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(!all.contains("hunter2"), "{shown}: {all}");
    }
}

/// Input that used to crash (items 8 and 9): a timeout too large for a clock, a target longer
/// than a format width, env values deep enough to overflow the stack. Each is a diagnostic
/// (78), never a panic (101) or an abort (134).
#[test]
fn pathological_values_are_diagnostics_not_crashes() {
    let p = Project::new();
    p.config()
        .images("a", &["example.invalid/app:1"])
        .set("default.trivy.timeout", "999999999h")
        .write();
    for args in [&["config", "check"][..], &["run"]] {
        let out = p.trivyscan().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{args:?}: {stderr}");
        assert!(stderr.contains("longer than the 7 days"), "{stderr}");
    }
    let out = p
        .trivyscan()
        .args(["run", "--trivy-timeout", "99999999999999h"])
        .output()
        .unwrap();
    // A bad flag value: a usage error.
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));

    let long = format!("registry.example.com/{}:1", "a".repeat(70_000));
    p.config().images("a", &[long.as_str()]).write();
    let out = p.trivyscan().arg("targets").output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0) | Some(78)),
        "no panic on a long cell: {:?} {}",
        out.status,
        text(&out.stderr).chars().take(2000).collect::<String>()
    );
    assert!(text(&out.stdout).starts_with("SET"), "the table is printed");

    p.config().images("a", &["example.invalid/app:1"]).write();
    let deep = "[".repeat(1600);
    let many_levels = format!("TRIVYSCAN_{}X", "A__".repeat(5000));
    for (var, value) in [
        ("TRIVYSCAN_SEVERITY", deep.as_str()),
        (many_levels.as_str(), "1"),
    ] {
        let out = p
            .trivyscan()
            .args(["config", "check"])
            .env(var, value)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(78),
            "{}",
            &stderr[..stderr.len().min(2000)]
        );
        assert!(stderr.contains("trivyscan::config::env"), "{stderr}");
        assert!(stderr.len() < 4000, "the value is not echoed whole");
    }
}

/// A list file is read only when it is a regular file inside the config's tree (item 1): a
/// symlink to `/proc/self/environ` would put the runner's environment, tokens included, into
/// logs and reports. An invalid line is echoed as a short prefix with control characters
/// escaped (item 12).
#[test]
fn list_files_outside_the_tree_or_special_are_refused_and_lines_are_not_echoed_raw() {
    let p = Project::new();
    std::os::unix::fs::symlink("/proc/self/environ", p.path().join("environ.txt")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(
        elsewhere.path().join("list.txt"),
        "registry.example.com/a:1\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("list.txt"),
        p.path().join("outside.txt"),
    )
    .unwrap();
    // A FIFO inside the tree: reading it would wait for a writer forever.
    let fifo =
        std::ffi::CString::new(p.path().join("fifo.txt").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string; the result is checked.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let long_secret = format!("\u{1b}[31mTOKEN={}", "s".repeat(500));
    fs::write(
        p.path().join("bad-lines.txt"),
        format!("{long_secret}\nok.example/app:1\n"),
    )
    .unwrap();
    let mut config = p.config();
    for (name, file) in [
        ("environ", "environ.txt"),
        ("outside", "outside.txt"),
        ("fifo", "fifo.txt"),
        ("bad", "bad-lines.txt"),
    ] {
        let mut row = toml::Table::new();
        row.insert("name".into(), name.into());
        row.insert("images_file".into(), file.into());
        config = config.toml(
            &toml::to_string(&toml::Table::from_iter([(
                "default".to_string(),
                toml::Value::Table(toml::Table::from_iter([(
                    "targets".to_string(),
                    toml::Value::Array(vec![row.into()]),
                )])),
            )]))
            .unwrap(),
        );
    }
    config.set("default.allow_outside_paths", true).write();
    // SECRET_MARKER is in the environment trivyscan reads: it must not come out.
    let out = p
        .trivyscan()
        .args(["targets"])
        .env("SECRET_MARKER", "leaked-env-value")
        .output()
        .unwrap();
    let all = text(&out.stdout) + &text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{all}");
    assert!(
        !all.contains("leaked-env-value"),
        "the environment leaked: {all}"
    );
    assert!(all.contains("outside"), "{all}");
    assert!(all.contains("FIFO, not a regular file"), "{all}");
    assert!(!all.contains('\u{1b}'), "a raw escape reached the terminal");
    assert!(
        !all.contains(&"s".repeat(100)),
        "a long line was echoed whole"
    );
    assert!(
        all.contains("\\u{1b}[31mTOKEN="),
        "the prefix, escaped: {all}"
    );
}

/// `cache prune` stays inside the cache (item 5): a symlinked shard or entry pointing out of
/// it is skipped, and what it points at survives.
#[test]
fn cache_prune_never_follows_links_out_of_the_cache() {
    let p = Project::new();
    p.config().images("a", &["example.invalid/app:1"]).write();
    let precious = tempfile::tempdir().unwrap();
    let victim = precious.path().join("entry");
    fs::create_dir(&victim).unwrap();
    fs::write(victim.join("meta.json"), "not json: a damaged entry").unwrap();
    fs::write(victim.join("keep.txt"), "precious").unwrap();
    let results = p.cache_dir().join("trivyscan-results");
    fs::create_dir_all(results.join("ab")).unwrap();
    std::os::unix::fs::symlink(precious.path(), results.join("cd")).unwrap();
    std::os::unix::fs::symlink(&victim, results.join("ab/linked-entry")).unwrap();
    // An entry file that is a link out: neither it nor its target is touched.
    let precious_file = precious.path().join("precious.entry");
    fs::write(&precious_file, "precious").unwrap();
    let linked_file = results.join(format!("ab/{}.entry", "ab".repeat(32)));
    std::os::unix::fs::symlink(&precious_file, &linked_file).unwrap();
    let out = p.trivyscan().args(["cache", "prune"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        fs::read_to_string(victim.join("keep.txt")).unwrap(),
        "precious",
        "prune deleted outside the cache"
    );
    assert_eq!(fs::read_to_string(&precious_file).unwrap(), "precious");
    assert!(linked_file.is_symlink());
}

/// A set's build `context` and `trivyignore` follow the outside-the-tree rule (item 6).
#[test]
fn context_and_trivyignore_outside_the_tree_are_refused() {
    let p = Project::new();
    fs::create_dir(p.path().join("app")).unwrap();
    fs::write(p.path().join("app/Dockerfile"), "FROM scratch\n").unwrap();
    let write = |context: &str, ignore: &str, allow: bool| {
        p.config()
            .set("default.allow_outside_paths", allow)
            .toml(&format!(
                "[[default.targets]]\nname = \"a\"\ndockerfiles = [\"app/Dockerfile\"]\ncontext = {context:?}\ntrivyignore = {ignore:?}\n"
            ))
            .write()
    };
    for (context, ignore) in [("../x", "/etc/shadow"), ("/", "../../etc/passwd")] {
        write(context, ignore, false);
        let out = p.trivyscan().args(["config", "check"]).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{stderr}");
        assert_eq!(
            stderr.matches("trivyscan::config::outside_path").count(),
            2,
            "{stderr}"
        );
    }
    // Inside the tree, or allowed: no such problem.
    write("app", "app/Dockerfile", false);
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    assert!(
        !text(&out.stderr).contains("outside_path"),
        "{}",
        text(&out.stderr)
    );
    write("/", "/etc/passwd", true);
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    assert!(
        !text(&out.stderr).contains("outside_path"),
        "{}",
        text(&out.stderr)
    );
}

fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string; the result is checked.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Item 17: a Dockerfile path that exists but is no file says what it is; lone-CR line
/// endings still count lines.
#[test]
fn dockerfile_paths_that_are_no_file_say_what_they_are_and_cr_lines_count() {
    let p = Project::new();
    fs::create_dir_all(p.path().join("services/api")).unwrap();
    mkfifo(&p.path().join("pipe"));
    fs::write(
        p.path().join("input_images_files.txt"),
        "# old Mac line endings\rseverity=3\rgone/Dockerfile\r",
    )
    .unwrap();
    p.config()
        .target_set("a", "dockerfiles", &["services/api", "pipe"])
        .toml("[[default.targets]]\nname = \"legacy\"\ndockerfiles_file = \"input_images_files.txt\"\n")
        .write();
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("dockerfile services/api is a directory, not a file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("dockerfile pipe is a named pipe (FIFO), not a file"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("trivyscan::resolve::not_a_file").count(), 2);
    assert!(
        stderr.contains("input_images_files.txt:3"),
        "the third line, not the first: {stderr}"
    );
}

/// Item 17: a glob may not climb out of the config's tree (no walk of the file system); it
/// takes symlinks to files, whose targets must be inside the tree, and does not descend into
/// symlinked directories.
#[test]
fn globs_stay_inside_the_tree_and_take_links_to_files_inside_it() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("far")).unwrap();
    fs::write(outside.path().join("far/Dockerfile"), "FROM scratch\n").unwrap();
    fs::write(outside.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let repo = p.path().join("repo");
    fs::create_dir_all(repo.join("real")).unwrap();
    fs::create_dir_all(repo.join("linked")).unwrap();
    fs::write(repo.join("real/Dockerfile"), "FROM scratch\n").unwrap();
    std::os::unix::fs::symlink(repo.join("real/Dockerfile"), repo.join("linked/Dockerfile"))
        .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("Dockerfile"),
        repo.join("escape.Dockerfile"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("far"), repo.join("far")).unwrap();
    let config = |extra: &str| {
        fs::write(
            repo.join("scanner.toml"),
            format!(
                "[default]\n{extra}\n[[default.targets]]\nname = \"a\"\ndockerfiles = [\"**/Dockerfile\", \"*.Dockerfile\"]\n\
                 [[default.targets]]\nname = \"climb\"\ndockerfiles = [\"../../**/Dockerfile\", \"/**/Dockerfile\"]\n"
            ),
        )
        .unwrap()
    };
    config("");
    let out = p
        .trivyscan()
        .args(["targets", "--json", "--config", "repo/scanner.toml"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr
            .matches("would search outside the config's directory")
            .count(),
        2,
        "{stderr}"
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut targets: Vec<(String, bool)> = plan
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap().to_string(),
                t["problem"].is_null(),
            )
        })
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            ("repo/escape.Dockerfile".to_string(), false),
            ("repo/linked/Dockerfile".to_string(), true),
            ("repo/real/Dockerfile".to_string(), true),
        ],
        "the link to a file inside is a target, the link out is refused, the linked directory is not searched: {stderr}"
    );
    assert!(
        stderr.contains("repo/escape.Dockerfile is outside"),
        "{stderr}"
    );
}

/// Item 16: `init --from-legacy` writes a scanner.toml it can read back, whatever the lists'
/// comments hold.
#[test]
fn init_from_legacy_escapes_control_characters_in_comments() {
    let p = Project::new();
    fs::write(
        p.path().join("input_images.txt"),
        "# team \u{7} bell, \u{1b}[31mred\u{1b}[0m, DEL \u{7f}\nregistry.example.com/a:1\n",
    )
    .unwrap();
    let out = p
        .trivyscan()
        .args(["init", "--from-legacy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    assert!(
        written.contains("# team \\u{7} bell, \\u{1b}[31mred"),
        "{written}"
    );
    let out = p.trivyscan().args(["targets", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan[0]["target"], "registry.example.com/a:1");
}

/// Item 7: many invalid targets cost linear work, and what is printed stays readable: the
/// first hundred problems in full, the rest counted in one line (before, 20,000 bad lines took
/// minutes: each diagnostic looked through the whole list file).
#[test]
fn many_invalid_targets_are_summed_up_past_a_hundred() {
    let p = Project::new();
    let lines: String = (0..20_000).map(|i| format!("Bad Image {i}\n")).collect();
    fs::write(p.path().join("input_images.txt"), lines).unwrap();
    p.config()
        .set("default.trivy.offline", true)
        .toml("[[default.targets]]\nname = \"a\"\nimages_file = \"input_images.txt\"\n")
        .write();
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78));
    assert_eq!(
        stderr.matches("trivyscan::resolve::image_ref").count(),
        100,
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
    assert!(stderr.contains("20000 problems in the configuration"));
    assert!(stderr.contains("19900 more are not"), "{}", &stderr[..2000]);
    // The plan still holds every target, each with its problem.
    let out = p.trivyscan().args(["targets", "--json"]).output().unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan = plan.as_array().unwrap();
    assert_eq!(plan.len(), 20_000);
    assert!(plan.iter().all(|t| t["problem"].is_string()));
    // `run` reports every one in the report and counts past a hundred on stderr.
    let (report, stderr) = p.run_report(&["run"], 2);
    assert_eq!(report["targets"].as_array().unwrap().len(), 20_000);
    assert!(
        stderr.contains("19900 more problems are not shown"),
        "{}",
        &stderr[..2000]
    );
    assert!(
        stderr.contains("and 19900 more failed targets"),
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
    assert_eq!(stderr.matches("❌").count(), 101);
}

/// Item 12: names from an imported report reach stdout and stderr escaped, never as terminal
/// escapes or bidi overrides (a title change, a cleared line, text that reads backwards).
#[test]
fn imported_names_reach_the_terminal_escaped() {
    let p = Project::new();
    let mut report: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/trivy-0.76-mixed.json")).unwrap();
    let hostile = "evil\u{1b}]0;pwned\u{7}\u{202e}gkp\r";
    for result in report["Results"].as_array_mut().unwrap() {
        for v in result["Vulnerabilities"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            v["PkgName"] = hostile.into();
            v["FixedVersion"] = "9.9".into();
        }
    }
    report["ArtifactName"] = "app\u{1b}[2K".into();
    fs::create_dir(p.path().join("ci")).unwrap();
    fs::write(p.path().join("ci/app.json"), report.to_string()).unwrap();
    p.config()
        .default_toml("severity = \"low\"\n[default.report]\noutput_dir = \"out\"")
        .target_set("imported", "reports", &["ci/*.json"])
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let raw = |s: &str| s.contains(['\u{1b}', '\u{7}', '\u{202e}', '\r']);
    assert!(!raw(&stderr) && !raw(&stdout), "{stderr:?}");
    assert!(
        stderr.contains("evil\\u{1b}]0;pwned\\u{7}\\u{202e}gkp\\u{d}"),
        "the name is shown, escaped: {stderr}"
    );
    // `report diff` prints the names of a changed fleet as text on stdout.
    let new_json = p.path().join(stdout.lines().next().unwrap());
    let mut old: serde_json::Value = serde_json::from_slice(&fs::read(&new_json).unwrap()).unwrap();
    // The same target with no findings then: every finding is new, named on stdout.
    old["targets"][0]["findings"] = serde_json::json!({});
    fs::write(p.path().join("old.json"), old.to_string()).unwrap();
    let out = p
        .trivyscan()
        .args(["report", "diff", "old.json", new_json.to_str().unwrap()])
        .output()
        .unwrap();
    let diff = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!raw(&diff), "{diff:?}");
    assert!(diff.contains("\\u{1b}"), "{diff}");
}
