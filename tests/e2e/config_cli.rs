//! `config show`, `config check` and `targets`, run as a user runs them.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

use crate::common::trivyscan;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn project() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        r#"[default]
severity = "high"

[default.concurrency]
remote = 2

[[default.targets]]
name = "base"
images = ["registry.example.com/base/debian:12"]

[prod]
severity = "medium"

[prod.concurrency]
local = 2
"#,
    );
    write(
        dir.path(),
        "profiles/prod.toml",
        "[concurrency]\nremote = 6\n",
    );
    write(dir.path(), "profiles/nightly.toml", "severity = 1\n");
    dir
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn line_of<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}"))
}

#[test]
fn each_layer_overrides_the_one_below() {
    let dir = project();
    let show = stdout(trivyscan(dir.path()).args(["config", "show"]));
    assert_eq!(
        line_of(&show, "severity"),
        r#"severity = "high"  # scanner.toml:2 [default]"#
    );
    assert_eq!(line_of(&show, "local"), "local = 1  # default");

    let show = stdout(trivyscan(dir.path()).args(["config", "show", "--profile", "prod"]));
    assert_eq!(
        line_of(&show, "severity"),
        r#"severity = "medium"  # scanner.toml:12 [prod]"#
    );
    assert_eq!(
        line_of(&show, "local"),
        "local = 2  # scanner.toml:15 [prod]"
    );
    assert_eq!(
        line_of(&show, "remote"),
        "remote = 6  # profiles/prod.toml:2"
    );

    let show = stdout(
        trivyscan(dir.path())
            .args(["config", "show", "--profile", "prod"])
            .env("TRIVYSCAN_CONCURRENCY__REMOTE", "7")
            .env("TRIVYSCAN_SEVERITY", "critical"),
    );
    assert_eq!(
        line_of(&show, "remote"),
        "remote = 7  # env TRIVYSCAN_CONCURRENCY__REMOTE"
    );
    assert_eq!(
        line_of(&show, "severity"),
        r#"severity = "critical"  # env TRIVYSCAN_SEVERITY"#
    );

    let show = stdout(
        trivyscan(dir.path())
            .args(["config", "show", "--jobs-remote", "9", "--severity", "low"])
            .env("TRIVYSCAN_PROFILE", "prod")
            .env("TRIVYSCAN_CONCURRENCY__REMOTE", "7"),
    );
    assert_eq!(line_of(&show, "remote"), "remote = 9  # flag --jobs-remote");
    assert_eq!(
        line_of(&show, "severity"),
        r#"severity = "low"  # flag --severity"#
    );
    assert!(show.contains(r#"profile "prod""#));
}

#[test]
fn profile_only_in_profiles_dir_and_legacy_level() {
    let dir = project();
    let show = stdout(trivyscan(dir.path()).args(["config", "show", "--profile", "nightly"]));
    assert_eq!(
        line_of(&show, "severity"),
        "severity = 1  # profiles/nightly.toml:1"
    );
    let plan = stdout(trivyscan(dir.path()).args(["targets", "--profile", "nightly", "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(rows[0]["severity"], "UNKNOWN");
}

#[test]
fn config_found_in_parent_directory() {
    let dir = project();
    fs::create_dir_all(dir.path().join("sub/deeper")).unwrap();
    let show = stdout(trivyscan(&dir.path().join("sub/deeper")).args(["config", "show"]));
    assert!(show.contains("# config file: "), "{show}");
    assert!(show.contains("scanner.toml:2 [default]"), "{show}");
}

#[test]
fn unknown_profile_lists_the_available_ones() {
    let dir = project();
    let out = trivyscan(dir.path())
        .args(["config", "show", "--profile", "prdo"])
        .assert()
        .code(78);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("unknown profile `prdo`"), "{err}");
    assert!(
        err.contains("did you mean `prod`? available profiles: nightly, prod"),
        "{err}"
    );
}

#[test]
fn full_provenance_snapshot() {
    let dir = project();
    let show = stdout(
        trivyscan(dir.path())
            .args([
                "config",
                "show",
                "--profile",
                "prod",
                "--format",
                "legacy-json",
            ])
            .env("TRIVYSCAN_TRIVY__TIMEOUT", "5m"),
    );
    insta::assert_snapshot!(show);
}

fn check_stderr(dir: &Path, extra_env: &[(&str, &str)]) -> String {
    let mut cmd = trivyscan(dir);
    cmd.args(["config", "check"]);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.assert().code(78);
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

#[test]
fn every_config_mistake_is_reported_at_once_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scanner.toml",
        r#"[default]
severty = "high"
scanners = ["vuln", "secrets"]

[default.concurrency]
remote = 0
local = "two"

[default.trivy]
timeout = "ten minutes"

[[default.targets]]
name = "empty"

[[default.targets]]
name = "globs"
severity = "hgih"
dockerfiles = ["src/[a-/Dockerfile"]
"#,
    );
    let err = check_stderr(dir.path(), &[("TRIVYSCAN_REPORT__FORMATS", "[json, pdf]")]);
    insta::assert_snapshot!(err);
}

#[test]
fn toml_syntax_error_points_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nseverity = \"high\nscanners = []\n",
    );
    let err = check_stderr(dir.path(), &[]);
    assert!(err.contains("trivyscan::config::syntax"), "{err}");
    assert!(err.contains("scanner.toml:2:"), "{err}");
}

#[test]
fn key_outside_a_profile_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "scanner.toml", "severity = \"high\"\n");
    let err = check_stderr(dir.path(), &[]);
    assert!(
        err.contains("`severity` is outside a profile table"),
        "{err}"
    );
    assert!(err.contains("scanner.toml:1:1"), "{err}");
}

#[test]
fn env_var_with_a_bad_value_is_named() {
    let dir = project();
    let err = check_stderr(
        dir.path(),
        &[
            ("TRIVYSCAN_CONCURRENCY__LOCAL", "many"),
            ("TRIVYSCAN_TRIVY__OFLINE", "true"),
        ],
    );
    let err = err.replace("\n  │ ", " ");
    assert!(
        err.contains("environment variable TRIVYSCAN_CONCURRENCY__LOCAL: `concurrency.local` must be an integer, found the string \"many\""),
        "{err}"
    );
    assert!(
        err.contains(
            "environment variable TRIVYSCAN_TRIVY__OFLINE: unknown key `ofline` in `trivy`"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `offline`?"), "{err}");
}

#[test]
fn negative_flag_value_is_named_by_its_flag() {
    let dir = project();
    let out = trivyscan(dir.path())
        .args(["config", "check", "--jobs-remote", "-1"])
        .assert()
        .code(64);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let err = err.replace("\n  │ ", " ");
    assert!(
        err.contains("flag --jobs-remote: `concurrency.remote` must be at least 1, found -1"),
        "{err}"
    );
}

#[test]
fn resolve_problems_invalid_ref_missing_file_glob_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "services/a/Dockerfile", "FROM scratch\n");
    write(dir.path(), "services/b/Dockerfile", "FROM scratch\n");
    write(dir.path(), "services/old/Dockerfile", "FROM scratch\n");
    write(
        dir.path(),
        "scanner.toml",
        r#"[default]
[[default.targets]]
name = "apps"
images = ["Registry/App:1", "ok/app:1", "--output=/etc/x"]
dockerfiles = ["services/*/Dockerfile", "missing/Dockerfile", "nothing/**/Dockerfile"]
exclude = ["services/old/**"]

[[default.targets]]
name = "more"
images = ["ok/app:1"]
dockerfiles = ["services/a/Dockerfile"]
"#,
    );
    let err = check_stderr(dir.path(), &[]);
    insta::assert_snapshot!(err);
    assert!(!dir.path().join("etc").exists());

    let out = trivyscan(dir.path())
        .args(["targets", "--json"])
        .assert()
        .code(78);
    let rows: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let names: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["set"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["target"]
                    .as_str()
                    .unwrap()
                    .replace(dir.path().to_str().unwrap(), "")
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "apps image Registry/App:1",
            "apps image ok/app:1",
            "apps image --output=/etc/x",
            "apps dockerfile services/a/Dockerfile",
            "apps dockerfile services/b/Dockerfile",
            "apps dockerfile missing/Dockerfile",
        ],
        "paths as the text table shows them"
    );
    assert!(rows[0]["problem"].as_str().unwrap().contains("lowercase"));
    assert!(rows[1].get("problem").is_none());
}

#[test]
fn legacy_files_used_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "input_images.txt",
        "# fleet\nseverity=2\nalpine:3.19\n\nnginx:1.25\r\n",
    );
    write(
        dir.path(),
        "input_images_files.txt",
        "\u{feff}severity=9\n./app/Dockerfile\n",
    );
    write(dir.path(), "app/Dockerfile", "FROM scratch\n");
    let out = trivyscan(dir.path()).arg("targets").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    insta::assert_snapshot!(stdout);
    assert_eq!(
        stderr.matches("legacy compatibility").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("invalid severity \"9\"; using 4 (HIGH and above) as the old script did"),
        "{stderr}"
    );
    assert!(stderr.contains("input_images_files.txt:1:1"), "{stderr}");

    // A check of the legacy lists passes (warnings are not errors).
    trivyscan(dir.path())
        .args(["config", "check"])
        .assert()
        .success();
}

#[test]
fn legacy_lists_imported_into_a_set_with_non_utf8() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("lists.txt"), b"alpine:3.19\nbad\xffimage\n").unwrap();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\n[[default.targets]]\nname = \"old\"\nimages_file = \"lists.txt\"\nseverity = \"critical\"\n",
    );
    let err = check_stderr(dir.path(), &[]);
    assert!(err.contains("this line is not valid UTF-8"), "{err}");
    assert!(err.contains("lists.txt:2:1"), "{err}");
    assert!(err.contains("is not a valid image reference"), "{err}");
}

#[test]
fn no_config_at_all() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    let err = check_stderr(dir.path(), &[]);
    assert!(
        err.contains("no scanner.toml here or in a parent directory"),
        "{err}"
    );
    assert!(err.contains("Run `trivyscan init`"), "{err}");
    // `targets` says what `run` and `config check` say, not an empty plan.
    for args in [&["targets"][..], &["run"]] {
        let out = trivyscan(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(78));
        assert!(out.stdout.is_empty());
        assert_eq!(String::from_utf8_lossy(&out.stderr), err, "{args:?}");
    }
}

#[test]
fn the_shipped_example_and_profiles_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for profile in ["default", "prod", "ci"] {
        let out = trivyscan(root)
            .args([
                "--config",
                "scanner.toml.example",
                "--profile",
                profile,
                "config",
                "show",
            ])
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(text.contains(&format!("profile \"{profile}\"")));
    }
}

#[test]
fn diagnostics_in_russian() {
    let dir = project();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nseverty = \"high\"\nseverity = \"hgih\"\n[default.concurrency]\nremote = 0\n[default.trivy]\ntimeout = \"ten minutes\"\n",
    );
    let out = trivyscan(dir.path())
        .args(["--lang", "ru", "config", "check"])
        .assert()
        .code(78);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for russian in [
        "4 ошибки в конфигурации",
        "Ошибка: trivyscan::config::unknown_key",
        "  подсказка: ",
        "неизвестный ключ `severty`",
        "может быть, `severity`?",
        "неверный уровень критичности \"hgih\"",
        "должен быть не меньше 1, а здесь 0",
        "неверная длительность \"ten minutes\"",
    ] {
        assert!(stderr.contains(russian), "{russian}: {stderr}");
    }
    for english in [
        "Error:",
        "help:",
        "unknown key",
        "invalid severity",
        "must be",
        "invalid duration",
        "did you mean",
    ] {
        assert!(!stderr.contains(english), "{english}: {stderr}");
    }
    // The codes and the file places stay as they are.
    assert!(stderr.contains("trivyscan::config::unknown_key") && stderr.contains("scanner.toml:2"));
    // Plural forms: 1 ошибка, 2 ошибки, 5 ошибок.
    for (config, count) in [
        ("[default]\nseverty = 1\n", "1 ошибка в конфигурации"),
        (
            "[default]\nseverty = 1\nscaners = 1\n",
            "2 ошибки в конфигурации",
        ),
        (
            "[default]\na1 = 1\na2 = 1\na3 = 1\na4 = 1\na5 = 1\n",
            "5 ошибок в конфигурации",
        ),
    ] {
        write(dir.path(), "scanner.toml", config);
        let out = trivyscan(dir.path())
            .args(["--lang", "ru", "config", "check"])
            .assert()
            .code(78);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(count), "{count}: {stderr}");
    }
}

/// Every part of a diagnostic is in the chosen language: the place a value came from (an
/// environment variable), the parts filled in (what a key must be, what it was), the nouns
/// chosen by kind, and the causes below the message; while report files stay English.
#[test]
fn every_part_of_a_diagnostic_in_russian() {
    let dir = project();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nscanners = [\"vuln\", \"bogus\"]\n[[default.targets]]\nimages = [\"a/b:1\"]\n",
    );
    let out = trivyscan(dir.path())
        .env("TRIVYSCAN_CONCURRENCY__REMOTE", "abc")
        .env("TRIVYSCAN_BOGUS", "1")
        .args(["--lang", "ru", "config", "check"])
        .assert()
        .code(78);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for russian in [
        "переменная окружения TRIVYSCAN_BOGUS: неизвестный ключ `bogus`",
        "должен быть: целое число; а здесь строка \"abc\"",
        "неизвестное значение (сканер): \"bogus\"",
        "подсказка: сканеры: vuln, secret, misconfig, license",
    ] {
        assert!(stderr.contains(russian), "{russian}: {stderr}");
    }
    for english in ["environment variable", "must be", "integer", "(scanner)"] {
        assert!(!stderr.contains(english), "{english}: {stderr}");
    }

    // What tools read stays English: the plan's problems (and the reports, made from them).
    write(
        dir.path(),
        "scanner.toml",
        "[default]\n[[default.targets]]\nimages = [\"Upper/Case:1\"]\n",
    );
    let out = trivyscan(dir.path())
        .args(["--lang", "ru", "targets", "--json"])
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows[0]["problem"], "invalid image reference: repository names must be lowercase",
        "{rows}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("имена репозиториев пишутся строчными"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A cause (the `├─▶` lines) is translated too.
    write(
        dir.path(),
        "scanner.toml",
        "[default]\n[[default.targets]]\nimages = [\"a/b:1\"]\n",
    );
    let out = trivyscan(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "--lang",
            "ru",
            "run",
            "--trivy-binary",
            "/nonexistent/trivy",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.contains("не удалось запустить `/nonexistent/trivy version"),
        "{stderr}"
    );
}

#[test]
fn a_section_name_is_not_a_profile() {
    let dir = project();
    let config = fs::read_to_string(dir.path().join("scanner.toml")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        &format!("{config}\n[trivy]\ntimeout = \"5m\"\n"),
    );
    write(dir.path(), "profiles/report.toml", "formats = [\"json\"]\n");
    let out = trivyscan(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr
            .matches("trivyscan::config::section_as_profile")
            .count(),
        2,
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `[default.trivy]`"),
        "{stderr}"
    );
    assert!(stderr.contains("profiles/report.toml"), "{stderr}");
    let line = config.lines().count() + 2;
    assert!(
        stderr.contains(&format!("scanner.toml:{line}:")),
        "{stderr}"
    );
}

#[test]
fn config_show_pasted_into_a_scanner_toml_means_what_it_showed() {
    let dir = project();
    let shown = stdout(trivyscan(dir.path()).args(["config", "show", "--profile", "prod"]));
    let pasted = tempfile::tempdir().unwrap();
    fs::create_dir(pasted.path().join(".git")).unwrap();
    write(pasted.path(), "scanner.toml", &shown);
    let again = stdout(trivyscan(pasted.path()).args(["config", "show"]));
    let values = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split("  # ").next().unwrap().to_string())
            .collect()
    };
    assert_eq!(values(&again), values(&shown));
    assert!(shown.contains("\n[default.trivy]\n"), "{shown}");
}

/// A profile name becomes part of report file names: `x/../..` would write outside the
/// output directory (issue 21, item 15).
#[test]
fn a_profile_name_that_could_leave_the_output_dir_is_refused() {
    let dir = project();
    for bad in ["x/../../..", "..", "a b", "prod\u{1b}[31m"] {
        let out = trivyscan(dir.path())
            .args(["run", "--profile", bad])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{bad:?}: {stderr}");
        assert!(
            stderr.contains("trivyscan::config::profile_name"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    let config = fs::read_to_string(dir.path().join("scanner.toml")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        &format!("{config}\n[\"prod/../../x\"]\nseverity = \"low\"\n"),
    );
    let out = trivyscan(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("trivyscan::config::profile_name")
            && stderr.contains(&format!("scanner.toml:{}:", config.lines().count() + 2)),
        "{stderr}"
    );
}

/// `config check` shows schema and target problems in one pass, in the order of the file, and
/// the header reads right for one problem as for many.
#[test]
fn config_check_lists_schema_and_target_problems_together_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nseverity = \"hgih\"\n\n[[default.targets]]\nname = \"a\"\ndockerfiles = [\"missing/Dockerfile\"]\nimages = [\"Bad Ref\"]\nfrobnicate = 1\n",
    );
    let err = check_stderr(dir.path(), &[]);
    let codes: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("Error: "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "trivyscan::config::severity",
            "trivyscan::resolve::missing_file",
            "trivyscan::resolve::image_ref",
            "trivyscan::config::unknown_key",
        ],
        "{err}"
    );
    assert!(err.contains("4 problems in the configuration"), "{err}");
    assert!(err.contains("each is shown below, in file order"), "{err}");
    // `run` shows the config's own problems in file order too (it stops before the targets).
    let out = trivyscan(dir.path()).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    let run_err = String::from_utf8_lossy(&out.stderr).into_owned();
    let run_codes: Vec<&str> = run_err
        .lines()
        .filter_map(|l| l.strip_prefix("Error: "))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        run_codes,
        [
            "trivyscan::config::severity",
            "trivyscan::config::unknown_key"
        ],
        "{run_err}"
    );
    // A closed stderr (`2>&1 | head`) keeps the exit code: no panic (101).
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("trivyscan"))
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("run")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(78));
    write(
        dir.path(),
        "scanner.toml",
        "[default]\n[[default.targets]]\nname = \"a\"\nimages = [\"Bad Ref\"]\n",
    );
    let err = check_stderr(dir.path(), &[]);
    assert!(err.contains("1 problem in the configuration"), "{err}");
    assert!(err.contains("it is shown below"), "{err}");
}

/// A config that scans nothing passes `config check` with a warning, since `run` would fail.
#[test]
fn config_check_warns_when_a_profile_has_no_targets() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nseverity = \"high\"\n",
    );
    let out = trivyscan(dir.path())
        .args(["config", "check"])
        .assert()
        .code(0);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("trivyscan::config::no_targets"), "{err}");
    assert!(err.contains("0 target(s), 1 warning(s)"), "{err}");
}

/// `--shard auto` takes K/N from the CI engine's variables (GitLab `parallel:`, a Kubernetes
/// Indexed Job) and gives the plan `--shard K/N` gives; with none it is an error (78), never
/// a silent full run.
#[test]
fn shard_auto_reads_the_engine_it_runs_on() {
    let dir = project();
    let refs: Vec<String> = (0..12)
        .map(|i| format!("registry.example.com/app:{i}"))
        .collect();
    let list: Vec<String> = refs.iter().map(|r| format!("{r:?}")).collect();
    write(
        dir.path(),
        "scanner.toml",
        &format!(
            "[[default.targets]]\nname = \"fleet\"\nimages = [{}]\n",
            list.join(", ")
        ),
    );
    let plan = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = trivyscan(dir.path());
        cmd.args(["targets", "--json"]).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (_, explicit, _) = plan(&["--shard", "2/3"], &[]);
    assert!(explicit.contains("registry.example.com"));
    let (code, gitlab, stderr) = plan(
        &["--shard", "auto"],
        &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(gitlab, explicit);
    assert!(
        stderr.contains("shard 2/3 from GitLab's CI_NODE_INDEX=2"),
        "{stderr}"
    );
    let (code, kubernetes, stderr) = plan(
        &["--shard", "auto"],
        &[
            ("JOB_COMPLETION_INDEX", "1"),
            ("TRIVYSCAN_SHARD_TOTAL", "3"),
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(kubernetes, explicit);
    assert!(stderr.contains("JOB_COMPLETION_INDEX=1"), "{stderr}");
    let (code, out, stderr) = plan(&["--shard", "auto"], &[]);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(out.is_empty());
    assert!(stderr.contains("trivyscan::run::shard_auto"), "{stderr}");
}

/// Issue 27 item 7 and issue 28 item 7: a feed's source is checked before any run: a scheme
/// that is not http(s) or file, a file that does not exist, and a password in the URL (never
/// shown) are config errors at their lines.
#[test]
fn feed_sources_are_checked_by_config_check() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        r#"[default.intel]
kev = true
epss = true
kev_url = "htps://www.cisa.gov/kev.json"
epss_url = "mirror/epss.csv.gz"

[[default.targets]]
name = "base"
images = ["registry.example.com/base/debian:12"]

[creds.intel]
kev_url = "https://user:s3cr3t-token@feeds.internal/kev.json"
"#,
    );
    let out = trivyscan(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    let stderr = crate::common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert_eq!(
        stderr.matches("trivyscan::config::feed_url").count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("scanner.toml:4"), "{stderr}");
    assert!(stderr.contains("scanner.toml:5"), "{stderr}");

    let out = trivyscan(dir.path())
        .args(["config", "check", "--profile", "creds"])
        .output()
        .unwrap();
    let stderr = crate::common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("trivyscan::config::feed_url"), "{stderr}");
    assert!(
        !stderr.contains("s3cr3t-token"),
        "the password is never shown: {stderr}"
    );

    // Offline, a feed file is not read: its absence is not an error.
    let out = trivyscan(dir.path())
        .args(["config", "check", "--profile", "creds"])
        .env("TRIVYSCAN_INTEL__OFFLINE", "true")
        .env("TRIVYSCAN_INTEL__KEV_URL", "https://www.cisa.gov/kev.json")
        .output()
        .unwrap();
    let stderr = crate::common::text(&out.stderr);
    assert!(!stderr.contains("mirror/epss.csv.gz"), "{stderr}");
}

/// Issue 28, items 6 and 9: a manifest's source line under a diagnostic never carries raw
/// terminal escapes, and an alias bomb is a diagnostic at its line, not gigabytes of memory.
#[test]
fn manifests_are_shown_inert_and_alias_bombs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "deploy.yaml",
        "kind: Pod\nspec:\n  containers:\n    - image: a/b:1 # \u{1b}]0;pwned\u{7}\n      args: [unclosed \u{1b}]0;pwned\u{7}\n",
    );
    let mut bomb =
        String::from("kind: Pod\nspec:\n  containers:\n    - image: c/d:1\na0: &a0 [x]\n");
    for level in 1..10 {
        let refs: Vec<String> = (0..10).map(|_| format!("*a{}", level - 1)).collect();
        bomb.push_str(&format!("a{level}: &a{level} [{}]\n", refs.join(", ")));
    }
    write(dir.path(), "bomb.yaml", &bomb);
    write(
        dir.path(),
        "scanner.toml",
        "[[default.targets]]\nname = \"k8s\"\nmanifests = [\"deploy.yaml\", \"bomb.yaml\"]\n",
    );
    let out = trivyscan(dir.path())
        .args(["targets", "--json"])
        .output()
        .unwrap();
    let stderr = crate::common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "raw escapes reached the terminal: {stderr:?}"
    );
    assert!(stderr.contains("deploy.yaml:5"), "{stderr}");
    assert!(stderr.contains("aliases expand to more than"), "{stderr}");
    assert!(stderr.contains("bomb.yaml:"), "{stderr}");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        ["a/b:1", "c/d:1"],
        "what came before each error is kept"
    );
}

/// Issue 34, item 2: a bad flag value is a usage error (64), as docs/cli.md says; the same bad
/// value in scanner.toml is a configuration error (78).
#[test]
fn a_bad_flag_value_is_a_usage_error() {
    let dir = project();
    for args in [
        &["run", "--fail-on", "hgih"][..],
        &["run", "--shard", "two"],
        &["run", "--jobs-remote", "0"],
        &["run", "--fail-on-epss", "50"],
        &["config", "check", "--fail-on", "hgih"],
        &["report", "render", "--format", "xml", "x.json"],
    ] {
        let out = trivyscan(dir.path()).args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(64),
            "{args:?}: {}",
            crate::common::text(&out.stderr)
        );
    }
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nfail_on = \"hgih\"\n[[default.targets]]\nname = \"a\"\nimages = [\"alpine:3\"]\n",
    );
    let out = trivyscan(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
}

/// Issue 34, item 5: `targets` with no targets says so, as `run` does, instead of an empty
/// table and exit 0.
#[test]
fn targets_with_no_targets_says_so() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "scanner.toml",
        "[default]\nseverity = \"high\"\n",
    );
    let out = trivyscan(dir.path()).args(["targets"]).output().unwrap();
    let stderr = crate::common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("trivyscan::run::no_targets"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn fail_on_new_takes_a_boolean_or_a_cause_and_suggests_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = |value: &str| {
        format!(
            "[default]\nfail_on_new = {value}\n[[default.targets]]\nname = \"a\"\nimages = [\"alpine:3\"]\n"
        )
    };
    for ok in ["true", "false", "\"any\"", "\"introduced\""] {
        write(dir.path(), "scanner.toml", &config(ok));
        trivyscan(dir.path())
            .args(["config", "check"])
            .assert()
            .code(0);
    }
    write(dir.path(), "scanner.toml", &config("\"introducd\""));
    let err = check_stderr(dir.path(), &[]);
    assert!(err.contains("trivyscan::config::fail_on_new"), "{err}");
    assert!(err.contains("scanner.toml:2"), "{err}");
    assert!(err.contains("`introduced`"), "did you mean: {err}");
    write(dir.path(), "scanner.toml", &config("3"));
    let err = check_stderr(dir.path(), &[]);
    assert!(err.contains("trivyscan::config::wrong_type"), "{err}");
    // The flag: bare is "any", with a value the cause.
    write(dir.path(), "scanner.toml", &config("false"));
    for (args, shown) in [
        (&["--fail-on-new"][..], "\"any\""),
        (&["--fail-on-new", "introduced"][..], "\"introduced\""),
    ] {
        let out = trivyscan(dir.path())
            .args(["config", "show"])
            .args(args)
            .assert()
            .code(0);
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("fail_on_new = {shown}"))),
            "{text}"
        );
    }
}
