//! Property tests in place of fuzzing (cargo-fuzz needs a nightly toolchain CI does not have):
//! the legacy list parser, the config loader and the Trivy JSON normalizer take any input
//! without panicking, and what they accept is handled consistently. CI runs the default case
//! count; `PROPTEST_CASES=100000 cargo test --release --test e2e -- fuzz_props` runs them longer
//! (docs/testing.md).

use std::path::Path;

use proptest::prelude::*;
use trivyscan::legacy_list::parse_list;
use trivyscan::settings::{self, LoadOptions};
use trivyscan::stage::normalize::normalize;

const FIXTURE: &[u8] = include_bytes!("../fixtures/trivy-0.76-mixed.json");

/// 2,000 cases a property in CI (a few seconds), or PROPTEST_CASES.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Lines that look like a legacy list: comments, severity lines, refs, paths, noise.
fn legacy_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "#[ -~]{0,40}",
        "# ?severity ?= ?-?[0-9]{0,3}",
        "severity=[0-9a-z]{0,3}",
        "[a-z0-9./:@_-]{1,60}",
        "[ \t]*",
        ".{0,80}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn legacy_parser_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let list = parse_list(Path::new("input_images.txt"), &bytes);
        for entry in &list.entries {
            // Every entry points inside the text it came from.
            prop_assert!(entry.span.end <= list.file.text.len());
        }
    }

    #[test]
    fn legacy_parser_takes_list_like_text(lines in proptest::collection::vec(legacy_line(), 0..60)) {
        let text = lines.join("\n");
        let list = parse_list(Path::new("input_images.txt"), text.as_bytes());
        for entry in &list.entries {
            prop_assert!(!entry.text.trim().is_empty());
            prop_assert!(!entry.text.starts_with('#'));
        }
    }

    #[test]
    fn normalizer_takes_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = normalize(&bytes);
    }

    #[test]
    fn normalizer_takes_damaged_real_reports(
        cut in 0..FIXTURE.len(),
        flips in proptest::collection::vec((0..FIXTURE.len(), any::<u8>()), 0..8),
    ) {
        let mut bytes = FIXTURE[..cut].to_vec();
        for (at, byte) in flips {
            if at < bytes.len() {
                bytes[at] = byte;
            }
        }
        if let Ok(report) = normalize(&bytes) {
            // Whatever parsed is usable by the later stages.
            let grouped = trivyscan::stage::group::group(&report, trivyscan::model::Severity::Unknown);
            let _ = grouped.total();
        }
    }

    #[test]
    fn trivy_text_is_written_as_serde_json_writes_it(
        text in "(.|[<>&\"\\\\\n\r\t\u{8}\u{c}\u{0}-\u{1f}\u{2028}])*",
        go_style in any::<bool>(),
    ) {
        // Trivy (Go) escapes <, >, &, U+2028 and control characters its own way; whatever it
        // wrote, the reports must hold what serde_json writes for the string.
        let trivy = if go_style { go_json(&text) } else { serde_json::to_string(&text).unwrap() };
        let kept: trivyscan::model::JsonText = serde_json::from_str(&trivy).unwrap();
        prop_assert_eq!(serde_json::to_string(&kept).unwrap(), serde_json::to_string(&text).unwrap());
        prop_assert_eq!(kept.to_text(), text);
    }

    #[test]
    fn config_loader_takes_any_toml_like_text(text in config_text()) {

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join("scanner.toml"), &text).unwrap();
        let opts = LoadOptions {
            config: None,
            profile: None,
            cwd: dir.path().to_path_buf(),
            env: Default::default(),
            flags: Default::default(),
            legacy_only: false,
            launched_by_trivy: None,
        };
        // Ok or a list of diagnostics, never a panic; every diagnostic renders.
        if let Err(e) = settings::load(&opts) {
            let _ = format!("{:?}", miette::Report::new(e));
        }
    }
}

/// TOML made of the schema's own keys and values of every kind, so the loader's deeper paths
/// are reached, mixed with arbitrary lines.
fn config_text() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("severity"),
        Just("scanners"),
        Just("fail_on"),
        Just("fail_on_new"),
        Just("remote"),
        Just("local"),
        Just("timeout"),
        Just("backend"),
        Just("formats"),
        Just("images"),
        Just("dockerfiles"),
        Just("name"),
        Just("id"),
        Just("expires"),
        Just("packages"),
        Just("output_dir"),
        Just("allow_outside_paths"),
        Just("severty"),
    ];
    let value = prop_oneof![
        Just("\"high\"".to_string()),
        Just("4".to_string()),
        Just("-1".to_string()),
        Just("true".to_string()),
        Just("[\"vuln\", \"x\"]".to_string()),
        Just("2026-12-31".to_string()),
        Just("{ a = 1 }".to_string()),
        "\"[ -~]{0,20}\"",
        "[0-9]{1,20}",
    ];
    let header = prop_oneof![
        Just("[default]"),
        Just("[prod]"),
        Just("[default.trivy]"),
        Just("[default.report]"),
        Just("[default.concurrency]"),
        Just("[[default.targets]]"),
        Just("[[default.ignore]]"),
        Just("[[prod.targets]]"),
        Just("[global]"),
    ];
    let line = prop_oneof![
        header.prop_map(String::from),
        (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        ".{0,40}",
    ];
    proptest::collection::vec(line, 0..30).prop_map(|l| l.join("\n"))
}

/// A string as Go's encoding/json writes it (HTML-safe escaping, `\u00XX` for control bytes).
fn go_json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
