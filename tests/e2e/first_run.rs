//! The first run: nothing set up, `init`, `init --from-legacy`, shell completions, the man page.

use std::fs;

use crate::common::trivyscan;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn with_nothing_set_up_run_explains_in_three_lines() {
    let dir = project();
    let out = trivyscan(dir.path()).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(stderr.contains("trivyscan init"), "{stderr}");
    assert!(stderr.contains("--from-legacy"), "{stderr}");
}

#[test]
fn init_writes_a_config_that_loads_and_never_overwrites() {
    let dir = project();
    let out = trivyscan(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "scanner.toml\n");
    let written = fs::read_to_string(dir.path().join("scanner.toml")).unwrap();
    assert!(written.starts_with("# trivyscan configuration"));
    // The profiles the docs use exist (`run --profile prod` is the README's main job).
    for profile in ["default", "prod", "ci"] {
        trivyscan(dir.path())
            .args(["--profile", profile, "config", "check"])
            .assert()
            .code(0);
    }
    assert!(
        text(&out.stderr).contains("`trivyscan run --profile prod`"),
        "{}",
        text(&out.stderr)
    );
    // Elsewhere, the next commands are told with --config.
    let out = trivyscan(dir.path())
        .args(["init", "--config", "ci/scan.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`trivyscan --config ci/scan.toml targets`"),
        "{}",
        text(&out.stderr)
    );
    // A second init refuses; --force replaces.
    fs::write(dir.path().join("scanner.toml"), "# mine\n[default]\n").unwrap();
    let again = trivyscan(dir.path()).arg("init").output().unwrap();
    assert_eq!(again.status.code(), Some(78));
    assert!(text(&again.stderr).contains("trivyscan::init::exists"));
    assert_eq!(
        fs::read_to_string(dir.path().join("scanner.toml")).unwrap(),
        "# mine\n[default]\n"
    );
    trivyscan(dir.path())
        .args(["init", "--force"])
        .assert()
        .code(0);
    assert_eq!(
        fs::read_to_string(dir.path().join("scanner.toml")).unwrap(),
        written
    );
}

#[test]
fn init_from_legacy_keeps_severities_and_comments_and_plans_the_same_targets() {
    let dir = project();
    fs::write(
        dir.path().join("input_images.txt"),
        "# production images\nseverity=2\n# the API\nregistry.example.com/team/api:1.4\n\n# workers \"blue\"\nregistry.example.com/team/worker@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("svc")).unwrap();
    fs::write(dir.path().join("svc/Dockerfile"), "FROM scratch\n").unwrap();
    fs::write(
        dir.path().join("input_images_files.txt"),
        "# services\nsvc/Dockerfile\n",
    )
    .unwrap();
    // The plan legacy mode makes from the lists themselves.
    let legacy_plan = trivyscan(dir.path())
        .args(["targets", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        legacy_plan.status.code(),
        Some(0),
        "{}",
        text(&legacy_plan.stderr)
    );

    let out = trivyscan(dir.path())
        .args(["init", "--from-legacy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let config = fs::read_to_string(dir.path().join("scanner.toml")).unwrap();
    // Comments stay next to the entries they described.
    let api = config
        .find("\"registry.example.com/team/api:1.4\"")
        .unwrap();
    let api_comment = config.find("# the API").unwrap();
    let worker_comment = config.find("# workers \"blue\"").unwrap();
    assert!(api_comment < api && api < worker_comment, "{config}");
    assert!(
        config.contains("severity = 2  # severity=2 in input_images.txt"),
        "{config}"
    );
    assert!(
        config.contains("# services\n  \"svc/Dockerfile\","),
        "{config}"
    );

    let plan = trivyscan(dir.path())
        .args(["targets", "--json"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    let rows = |out: &[u8]| -> Vec<(String, String, String)> {
        let v: serde_json::Value = serde_json::from_slice(out).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().to_string(),
                    r["target"].to_string(),
                    r["severity"].to_string(),
                )
            })
            .collect()
    };
    assert_eq!(rows(&plan.stdout), rows(&legacy_plan.stdout));

    // Nothing to import elsewhere.
    let empty = project();
    let none = trivyscan(empty.path())
        .args(["init", "--from-legacy"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(78));
    assert!(text(&none.stderr).contains("trivyscan::init::no_legacy"));
    assert!(!empty.path().join("scanner.toml").exists());
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    let dir = project();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef trivyscan"),
        ("fish", "complete -c trivyscan"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = trivyscan(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        for command in ["run", "legacy", "report", "init"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    // bash accepts its script.
    let out = trivyscan(dir.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    fs::write(dir.path().join("c.bash"), &out.stdout).unwrap();
    let sourced = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p trivyscan",
            dir.path().join("c.bash").display()
        ))
        .output()
        .unwrap();
    assert!(sourced.status.success(), "{}", text(&sourced.stderr));

    let man = trivyscan(dir.path()).arg("man").output().unwrap();
    assert_eq!(man.status.code(), Some(0));
    let page = text(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH trivyscan"),
        "{page}"
    );
    assert!(page.contains("fleet"), "{page}");
}

#[test]
fn usage_errors_exit_64_not_2() {
    let dir = project();
    for args in [
        &["--bogus"][..],
        &["--lang", "xx", "run"],
        &["run", "--jobs-remote", "abc"],
        &["nosuchcommand"],
    ] {
        let out = trivyscan(dir.path()).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(64),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = trivyscan(dir.path())
        .args(["--lang", "xx", "run"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("[possible values: en, ru]"),
        "each value once: {}",
        text(&out.stderr)
    );
    // --lang is case-insensitive, as SCANNER_LANG was.
    let out = trivyscan(dir.path())
        .args(["--lang", "RU", "config", "check"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(64), "{}", text(&out.stderr));
    // --help documents the contract.
    let out = trivyscan(dir.path()).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(
        help.contains("Exit status:") && help.contains("64   usage error"),
        "{help}"
    );
}

/// `--help` lists config overrides only where the command reads the config; elsewhere they
/// are refused (64), not ignored. Every positional argument says what it is; `--lang` lists
/// its values once.
#[test]
fn help_shows_what_each_command_takes() {
    let dir = project();
    let help = |args: &[&str]| {
        let out = trivyscan(dir.path())
            .args(args)
            .arg("--help")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        text(&out.stdout)
    };
    for args in [
        &["init"][..],
        &["completions"],
        &["man"],
        &["report", "render"],
        &["report", "merge"],
        &["report", "diff"],
    ] {
        let text = help(args);
        assert!(!text.contains("Config overrides"), "{args:?}: {text}");
        assert!(!text.contains("--severity"), "{args:?}: {text}");
    }
    for args in [
        &["run"][..],
        &["targets"],
        &["config", "check"],
        &["legacy"],
    ] {
        assert!(help(args).contains("Config overrides"), "{args:?}");
    }
    // The global --config and --profile are listed where they do something: `init --config`
    // says where to write, and no profile is read by init, man or completions (#34 item 9).
    for (args, config, profile) in [
        (&["man"][..], false, false),
        (&["completions"], false, false),
        (&["init"], true, false),
        (&["run"], true, true),
        (&[], true, true),
    ] {
        let text = help(args);
        assert_eq!(text.contains("--config"), config, "{args:?}: {text}");
        assert_eq!(text.contains("--profile"), profile, "{args:?}: {text}");
    }
    // Still accepted there: a TRIVYSCAN_PROFILE or --profile set for a whole job breaks nothing.
    for args in [
        &["man", "--profile", "prod"][..],
        &["--profile", "prod", "completions", "bash"],
    ] {
        let out = trivyscan(dir.path()).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = trivyscan(dir.path())
        .args(["init", "--severity", "low"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
    assert!(!dir.path().join("scanner.toml").exists());
    let top = help(&[]);
    assert_eq!(top.matches("en, ru").count(), 1, "{top}");
    assert!(!top.contains("en or ru"), "{top}");

    fn positionals_described(cmd: &clap::Command, path: &str) -> Vec<String> {
        let mut missing: Vec<String> = cmd
            .get_positionals()
            .filter(|a| a.get_help().is_none())
            .map(|a| format!("{path} <{}>", a.get_id()))
            .collect();
        for sub in cmd.get_subcommands() {
            missing.extend(positionals_described(
                sub,
                &format!("{path} {}", sub.get_name()),
            ));
        }
        missing
    }
    let cmd = <trivyscan::cli::Args as clap::CommandFactory>::command();
    assert_eq!(
        positionals_described(&cmd, "trivyscan"),
        Vec::<String>::new()
    );
}

/// The man page documents the exit codes, the environment and the files.
#[test]
fn the_man_page_has_exit_status_environment_and_files() {
    let dir = project();
    let out = trivyscan(dir.path()).arg("man").output().unwrap();
    let page = text(&out.stdout);
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH \"ENVIRONMENT\"",
        ".SH \"FILES\"",
    ] {
        assert!(page.contains(section), "{section}");
    }
    let exit_status = &page[page.find("EXIT STATUS").unwrap()..page.find("ENVIRONMENT").unwrap()];
    for code in ["0", "1", "2", "64", "66", "74", "78", "130"] {
        assert!(
            exit_status.contains(&format!("\\fB{code}\\fR")),
            "exit code {code}"
        );
    }
    for name in [
        "TRIVYSCAN_CONFIG",
        "TRIVY_DB_REPOSITORY",
        "TRIVY_PASSWORD",
        "NO_COLOR",
    ] {
        assert!(page.contains(name), "{name}");
    }
    assert!(page.contains("scanner.toml") && page.contains("input_images.txt"));
}

/// Issue 34, item 3: the commented example of `init` is valid when uncommented as it is.
#[test]
fn inits_image_example_is_valid_when_uncommented() {
    let dir = project();
    assert!(
        trivyscan(dir.path())
            .arg("init")
            .output()
            .unwrap()
            .status
            .success()
    );
    let path = dir.path().join("scanner.toml");
    let written = std::fs::read_to_string(&path).unwrap();
    // The "Images from registries." block: its commented lines, uncommented.
    let mut out = String::new();
    let mut inside = false;
    for line in written.lines() {
        if line.starts_with("# Images from registries.") {
            inside = true;
        } else if inside && !line.starts_with('#') {
            inside = false;
        }
        match line
            .strip_prefix("# ")
            .filter(|_| inside && !line.contains("Images from"))
        {
            Some(code) => out.push_str(code),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    assert!(
        out.contains("\n[[default.targets]]\nname = \"images\""),
        "{out}"
    );
    std::fs::write(&path, out).unwrap();
    let check = trivyscan(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // A site's Trivy setup holds in a config made by init: it leaves the cache dir and the
    // timeout to their defaults, which Trivy's variables sit above.
    let shown = trivyscan(dir.path())
        .args(["config", "show"])
        .env("TRIVY_CACHE_DIR", "/srv/trivy-cache")
        .env("TRIVY_TIMEOUT", "20m")
        .output()
        .unwrap();
    let shown = text(&shown.stdout);
    assert!(
        shown.contains("cache_dir = \"/srv/trivy-cache\"  # env TRIVY_CACHE_DIR"),
        "{shown}"
    );
    assert!(
        shown.contains("timeout = \"20m\"  # env TRIVY_TIMEOUT"),
        "{shown}"
    );
}

/// Issue 34, item 8: `init --from-legacy` keeps the old script's rule (an inline comment stays
/// part of its line) and says which lines it made invalid.
#[test]
fn init_from_legacy_says_which_lines_the_old_rule_made_invalid() {
    let dir = project();
    std::fs::write(
        dir.path().join("input_images.txt"),
        "alpine:3.19\nnginx:1.27 # the web tier\n",
    )
    .unwrap();
    let out = trivyscan(dir.path())
        .args(["init", "--from-legacy"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("input_images.txt:2") && stderr.contains("nginx:1.27 # the web tier"),
        "{stderr}"
    );
    assert!(!stderr.contains("input_images.txt:1"), "{stderr}");
}
