//! The docs keep up with the code: every config key of the schema is in
//! docs/configuration.md, every diagnostic code trivyscan can emit is in docs/diagnostics.md,
//! and every command is in docs/cli.md.

use std::collections::BTreeSet;
use std::path::Path;

use trivyscan::settings::schema::{Field, Kind, ROOT};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// Dotted paths of every key: `trivy.binary`; keys of arrays of tables by their own name
/// (`targets` rows document `name`, `images`, ...), prefixed for the report.
fn keys(fields: &[Field], prefix: &str, out: &mut Vec<(String, String)>) {
    for f in fields {
        let path = if prefix.is_empty() {
            f.name.to_string()
        } else {
            format!("{prefix}.{}", f.name)
        };
        match f.kind {
            Kind::Table(sub) => keys(sub, &path, out),
            Kind::Tables(sub) => {
                out.push((path.clone(), path.clone()));
                for s in sub {
                    out.push((format!("{path}[].{}", s.name), s.name.to_string()));
                }
            }
            _ => out.push((path.clone(), path)),
        }
    }
}

#[test]
fn every_config_key_is_documented() {
    let doc = read("docs/configuration.md");
    let mut all = Vec::new();
    keys(ROOT, "", &mut all);
    assert!(all.len() > 40, "{} keys", all.len());
    let missing: Vec<&str> = all
        .iter()
        .filter(|(_, shown)| !doc.contains(&format!("`{shown}`")))
        .map(|(path, _)| path.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "not in docs/configuration.md: {missing:?}"
    );
}

#[test]
fn every_diagnostic_code_is_documented() {
    let pattern = regex::Regex::new(r#"trivyscan::[a-z_]+::[a-z_]+"#).unwrap();
    let mut codes = BTreeSet::new();
    for entry in walkdir::WalkDir::new(root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for m in pattern.find_iter(&text) {
            // Module paths in `use` lines look alike; codes are in strings or code(...).
            let before = &text[..m.start()];
            if before.ends_with('"') || before.ends_with("code(") {
                codes.insert(m.as_str().to_string());
            }
        }
    }
    assert!(codes.len() > 50, "{} codes found", codes.len());
    let doc = read("docs/diagnostics.md");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !doc.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in docs/diagnostics.md: {missing:?}"
    );
}

#[test]
fn every_command_is_documented() {
    let cmd = <trivyscan::cli::Args as clap::CommandFactory>::command();
    let doc = read("docs/cli.md");
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        assert!(
            doc.contains(&format!("`{name}")),
            "`{name}` is not in docs/cli.md"
        );
        for nested in sub.get_subcommands() {
            let full = format!("`{name} {}", nested.get_name());
            assert!(doc.contains(&full), "{full}` is not in docs/cli.md");
        }
    }
}
