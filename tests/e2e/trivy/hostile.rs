//! Hostile and broken input: targets that could be read as options or shell, paths that leave
//! the config's tree, and malformed Trivy JSON. Each is a diagnostic naming its place and, in
//! `run`, an error entry; nothing is executed, no file is created, nothing panics.

use std::fs;

use crate::common::{Project, report_paths, text};

/// Lines that would do harm if trivyscan ever passed them through a shell or as options.
fn hostile_refs(dir: &std::path::Path) -> Vec<String> {
    let marker = dir.join("pwned");
    vec![
        format!("--output={}", dir.join("x.json").display()),
        "-q".to_string(),
        format!("app:1; touch {}", marker.display()),
        format!("$(touch {})", marker.display()),
        format!("`touch {}`", marker.display()),
        format!("app:1|touch {}", marker.display()),
        "app:1\ttab".to_string(),
        "app:1\u{1b}[31m".to_string(),
        "app:1 && reboot".to_string(),
    ]
}

#[test]
fn option_and_shell_like_targets_are_rejected_and_nothing_runs() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let good = p.push("fleet/app", "1", &testkit::recipes::debian_openssl());
    let bad = hostile_refs(p.path());
    // TOML strings hold tabs and escapes as \t and \u001b.
    let list: Vec<String> = std::iter::once(good.clone())
        .chain(bad.iter().cloned())
        .map(|r| serde_json::to_string(&r).unwrap())
        .collect();
    p.config()
        .default_toml("[default.report]\noutput_dir = \"out\"")
        .verbatim(&format!(
            "[[default.targets]]\nname = \"a\"\nimages = [\n{}\n]\n",
            list.join(",\n")
        ))
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // One diagnostic per bad line, each at its own line of scanner.toml.
    let config = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    let first = config
        .lines()
        .position(|l| l.contains("--output="))
        .unwrap()
        + 1;
    for i in 0..bad.len() {
        assert!(
            stderr.contains(&format!("scanner.toml:{}", first + i)),
            "no diagnostic at line {}: {stderr}",
            first + i
        );
    }
    assert_eq!(
        stderr.matches("trivyscan::resolve::image_ref").count(),
        bad.len(),
        "{stderr}"
    );
    assert!(stderr.contains("cannot start with '-'"), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let kinds = crate::common::statuses(&report);
    let mut expected = vec!["ok"];
    expected.extend(std::iter::repeat_n("invalid_target", bad.len()));
    assert_eq!(kinds, expected);
    // Nothing was executed or written by any of those lines.
    assert!(!p.path().join("pwned").exists());
    assert!(!p.path().join("x.json").exists());

    // The same lines in a legacy list: each named by its line, exit 78 for `config check`.
    let legacy = tempfile::tempdir().unwrap();
    fs::write(
        legacy.path().join("input_images.txt"),
        format!("# severity=4\n{}\n", hostile_refs(legacy.path()).join("\n")),
    )
    .unwrap();
    let out = p
        .trivyscan()
        .current_dir(legacy.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let stderr = text(&out.stderr);
    for line in 2..=bad.len() + 1 {
        assert!(
            stderr.contains(&format!("input_images.txt:{line}")),
            "line {line}: {stderr}"
        );
    }
    assert!(!legacy.path().join("pwned").exists());
}

#[test]
fn dockerfiles_outside_the_config_tree_need_allow_outside_paths() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("project");
    let outside = root.path().join("elsewhere");
    fs::create_dir_all(project.join(".git")).unwrap();
    fs::create_dir_all(project.join("inside")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("Dockerfile"), "FROM scratch\n").unwrap();
    fs::write(project.join("inside/Dockerfile"), "FROM scratch\n").unwrap();
    // A symlink inside the tree that points out of it.
    std::os::unix::fs::symlink(&outside, project.join("link")).unwrap();
    let config = |extra: &str| {
        fs::write(
            project.join("scanner.toml"),
            format!("[default]\n{extra}\n[[default.targets]]\nname = \"a\"\ndockerfiles = [\n  \"inside/Dockerfile\",\n  \"../elsewhere/Dockerfile\",\n  \"link/Dockerfile\",\n]\n"),
        )
        .unwrap();
    };
    let check = || {
        let mut cmd = assert_cmd::Command::cargo_bin("trivyscan").unwrap();
        cmd.current_dir(&project)
            .args(["--color", "never", "targets", "--json"])
            .env("NO_COLOR", "1");
        cmd.output().unwrap()
    };
    config("");
    let out = check();
    assert_eq!(out.status.code(), Some(78));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.matches("trivyscan::resolve::outside_path").count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("scanner.toml:8"), "{stderr}");
    assert!(stderr.contains("scanner.toml:7"), "{stderr}");
    assert!(
        stderr.contains("it resolves"),
        "the symlink is named: {stderr}"
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems: Vec<bool> = plan
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.get("problem").is_some())
        .collect();
    assert_eq!(problems, [false, true, true]);

    config("allow_outside_paths = true");
    let out = check();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn malformed_trivy_json_becomes_error_entries_never_a_panic() {
    let p = Project::new();
    let reports = p.path().join("reports");
    fs::create_dir(&reports).unwrap();
    let valid = include_str!("../../fixtures/trivy-0.76-mixed.json");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", valid.as_bytes()[..valid.len() / 2].to_vec()),
        ("wrong-types", br#"{"Results": "not a list"}"#.to_vec()),
        (
            "wrong-nested-type",
            br#"{"Results": [{"Target": 5, "Vulnerabilities": [{"VulnerabilityID": []}]}]}"#
                .to_vec(),
        ),
        (
            "huge-string",
            format!(
                r#"{{"Results":[{{"Target":"x","Class":"lang-pkgs","Type":"npm","Vulnerabilities":[{{"VulnerabilityID":"CVE-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH","Description":"{}"}}]}}]}}"#,
                "A".repeat(20 << 20)
            )
            .into_bytes(),
        ),
        ("deep-nesting", "[".repeat(100_000).into_bytes()),
        ("not-utf8", b"{\"Results\": [\xff\xfe]}".to_vec()),
        ("empty", Vec::new()),
        ("valid", valid.as_bytes().to_vec()),
    ];
    for (name, bytes) in &cases {
        fs::write(reports.join(format!("{name}.json")), bytes).unwrap();
    }
    p.write_config(
        "severity = \"low\"\n[default.report]\noutput_dir = \"out\"",
        "[[default.targets]]\nname = \"imported\"\nreports = [\"reports/*.json\"]\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    for t in report["targets"].as_array().unwrap() {
        let name = t["target"].as_str().unwrap();
        // The huge string is a valid report: it is read, not rejected.
        if name.ends_with("/valid.json") || name.ends_with("/huge-string.json") {
            assert_eq!(t["status"], "ok", "{t}");
        } else {
            assert_eq!(t["error"]["kind"], "bad_output", "{name}: {t}");
            let message = t["error"]["message"].as_str().unwrap();
            assert!(message.len() < 400 && !message.contains('\n'), "{message}");
        }
    }
    assert_eq!(report["totals"]["targets"], cases.len());
}
