//! The old script's menu, on a real pseudo-terminal: `trivyscan legacy` without `--mode` asks
//! 1/2/3, asks again on a wrong answer, exits cleanly on Ctrl-D; without a terminal it names
//! `--mode`. Messages in English and, with `--lang ru` or the old `SCANNER_LANG=ru`, Russian.

use std::fs;
use std::process::Command;

use rexpect::session::spawn_command;

/// rexpect reads the terminal a byte at a time, each byte as one char: the UTF-8 text we expect,
/// seen the same way.
fn bytes_as_chars(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

fn assert_exit(p: &rexpect::session::PtySession, code: i32) {
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, got) => assert_eq!(got, code),
        other => panic!("ended with {other:?}"),
    }
}

fn legacy_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    // A list with no images: the run ends with "nothing to save" (exit 1) without scanning.
    fs::write(dir.path().join("input_images.txt"), "severity=4\n").unwrap();
    dir
}

fn command(dir: &std::path::Path, extra_env: &[(&str, &str)]) -> Command {
    let mut cmd = crate::common::bare_command(env!("CARGO_BIN_EXE_trivyscan"));
    cmd.current_dir(dir).arg("legacy");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd
}

#[test]
fn the_menu_asks_again_on_a_wrong_choice_then_runs_the_mode() {
    let dir = legacy_dir();
    let mut p = spawn_command(command(dir.path(), &[]), Some(20_000)).unwrap();
    p.exp_string(&bytes_as_chars("ADVANCED DOCKER IMAGES SCANNER"))
        .unwrap();
    p.exp_string(&bytes_as_chars(
        "1. 📡 Scan remote Docker images (input_images.txt)",
    ))
    .unwrap();
    p.exp_string(&bytes_as_chars("Select mode (1/2/3): "))
        .unwrap();
    p.send_line("7").unwrap();
    p.exp_string(&bytes_as_chars("❌ Invalid choice. Enter 1, 2, or 3."))
        .unwrap();
    p.exp_string(&bytes_as_chars("Select mode (1/2/3): "))
        .unwrap();
    p.send_line("1").unwrap();
    p.exp_string(&bytes_as_chars("❌ No images found to scan"))
        .unwrap();
    p.exp_string(&bytes_as_chars("❌ No results to save"))
        .unwrap();
    p.exp_eof().unwrap();
    assert_exit(&p, 1);
}

#[test]
fn ctrl_d_at_the_menu_exits_cleanly_in_russian_too() {
    let dir = legacy_dir();
    let mut p =
        spawn_command(command(dir.path(), &[("SCANNER_LANG", "ru")]), Some(20_000)).unwrap();
    p.exp_string(&bytes_as_chars("Выберите режим работы:"))
        .unwrap();
    p.exp_string(&bytes_as_chars("Выберите режим (1/2/3): "))
        .unwrap();
    p.send_control('d').unwrap();
    p.exp_string(&bytes_as_chars("👋 Выход")).unwrap();
    p.exp_eof().unwrap();
    assert_exit(&p, 0);
    // No report was written.
    let reports = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("advanced_scan_results_")
        })
        .count();
    assert_eq!(reports, 0);
}

#[test]
fn without_a_terminal_the_diagnostic_names_mode() {
    let dir = legacy_dir();
    let out = command(dir.path(), &[])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("trivyscan::legacy::mode") && stderr.contains("--mode"),
        "{stderr}"
    );
}

#[test]
fn lang_flag_and_env_choose_the_language() {
    let dir = legacy_dir();
    for (args, env, expected) in [
        (
            vec!["--lang", "ru"],
            vec![],
            "❌ Не найдено образов для сканирования",
        ),
        (
            vec![],
            vec![("TRIVYSCAN_LANG", "ru")],
            "❌ Не найдено образов для сканирования",
        ),
        (
            vec![],
            vec![("SCANNER_LANG", "RU")],
            "❌ Не найдено образов для сканирования",
        ),
        // The flag wins over the environment.
        (
            vec!["--lang", "en"],
            vec![("SCANNER_LANG", "ru")],
            "❌ No images found to scan",
        ),
        (vec![], vec![], "❌ No images found to scan"),
    ] {
        let out = command(dir.path(), &env)
            .args(["--mode", "remote"])
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?} {env:?}: {stderr}");
    }
}
