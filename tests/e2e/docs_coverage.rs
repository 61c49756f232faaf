//! The docs keep up with the code: every config key of the schema is in
//! docs/configuration.md, every diagnostic code trivyscan can emit is in docs/diagnostics.md,
//! and every command is in docs/cli.md.

use std::path::Path;

use trivyscan::settings::keys::{Field, Kind, ROOT};

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

/// Driven by the code type: every code has a row in docs/diagnostics.md with its anchor (the
/// URL each diagnostic carries), every documented code is one trivyscan has, and every code a
/// derived diagnostic spells in its attribute is in the type, with its URL.
#[test]
fn every_diagnostic_code_is_documented() {
    use trivyscan::diagnostic_code::Code;
    let doc = read("docs/diagnostics.md");
    for code in Code::ALL {
        let row = format!("| <a id=\"{}\"></a>`{code}` |", code.anchor());
        assert!(doc.contains(&row), "no row `{row}` in docs/diagnostics.md");
    }
    let documented =
        regex::Regex::new(r#"(?m)^\| <a id="[^"]*"></a>`(trivyscan::[a-z_]+::[a-z_]+)`"#).unwrap();
    let rows: Vec<&str> = documented
        .captures_iter(&doc)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert_eq!(rows.len(), Code::ALL.len(), "one row per code");
    for row in rows {
        assert!(
            Code::parse(row).is_some(),
            "{row} is documented but no code"
        );
    }
    let attribute =
        regex::Regex::new(r#"code\((trivyscan::[a-z_]+::[a-z_]+)\)(,\s*url\("([^"]*)"\))?"#)
            .unwrap();
    let mut derived = 0;
    for entry in walkdir::WalkDir::new(root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for cap in attribute.captures_iter(&text) {
            derived += 1;
            let code = Code::parse(&cap[1]).unwrap_or_else(|| panic!("{} is not in Code", &cap[1]));
            assert_eq!(
                cap.get(3).map(|m| m.as_str()),
                Some(code.docs_url().as_str()),
                "{code} in {}: its url",
                entry.path().display()
            );
        }
    }
    assert!(derived > 30, "{derived} derived codes found");
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

/// Markdown pitfalls a blank line makes: a table cut in two (the second half renders as
/// text) and a sentence cut in two (it renders as two paragraphs). Code blocks are skipped.
fn blank_line_cuts(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_code = false;
    let mut previous: Option<(usize, &str)> = None;
    let mut blank_since_previous = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            previous = None;
            continue;
        }
        if in_code {
            continue;
        }
        if trimmed.is_empty() {
            blank_since_previous = true;
            continue;
        }
        if let Some((at, before)) = previous
            && blank_since_previous
        {
            let before = before.trim();
            if before.starts_with('|') && trimmed.starts_with('|') {
                problems.push(format!("line {}: a table cut by a blank line", at + 1));
            }
            let prose = |l: &str| {
                !l.starts_with(['#', '|', '-', '*', '>', '<', '!', '['])
                    && !l.chars().next().is_some_and(|c| c.is_ascii_digit())
            };
            let ends_open = before.ends_with(|c: char| c.is_alphanumeric() || c == ',');
            let starts_lower = trimmed.chars().next().is_some_and(char::is_lowercase);
            if prose(before) && prose(trimmed) && ends_open && starts_lower {
                problems.push(format!("line {}: a sentence cut by a blank line", at + 1));
            }
        }
        previous = Some((i, line));
        blank_since_previous = false;
    }
    problems
}

#[test]
fn no_table_or_sentence_is_cut_by_a_blank_line() {
    assert_eq!(
        blank_line_cuts("| a |\n|---|\n| 1 |\n\n| 2 |\n"),
        ["line 3: a table cut by a blank line"]
    );
    assert_eq!(
        blank_line_cuts("It runs, and a\n\nsection follows.\n"),
        ["line 1: a sentence cut by a blank line"]
    );
    assert!(blank_line_cuts("Done.\n\nNext one.\n\n```\n| x |\n\n| y |\n```\n").is_empty());
    let mut files = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for p in blank_line_cuts(&text) {
            problems.push(format!("{}: {p}", file.display()));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The CI examples of docs/scaling.md are the files in examples/ci/, byte for byte; each is
/// valid YAML; the Kubernetes one, read with `manifests =`, yields exactly its two images.
#[test]
fn ci_examples_parse_and_are_what_the_docs_show() {
    let scaling = read("docs/scaling.md");
    for name in [
        "gitlab-ci.yml",
        "github-actions.yml",
        "kubernetes-indexed-job.yaml",
    ] {
        let text = read(&format!("examples/ci/{name}"));
        assert!(
            scaling.contains(&format!("```yaml\n{text}```")),
            "docs/scaling.md does not show examples/ci/{name} as it is"
        );
        let docs = yaml_rust2::YamlLoader::load_from_str(&text)
            .unwrap_or_else(|e| panic!("examples/ci/{name}: {e}"));
        assert!(!docs.is_empty());
        assert!(text.contains("run --profile prod --shard"), "{name}");
        assert!(text.contains("trivyscan report merge"), "{name}");
    }
    let gitlab =
        &yaml_rust2::YamlLoader::load_from_str(&read("examples/ci/gitlab-ci.yml")).unwrap()[0];
    assert_eq!(gitlab["scan"]["parallel"].as_i64(), Some(8));
    assert_eq!(gitlab["merge"]["needs"][0].as_str(), Some("scan"));
    assert_eq!(
        gitlab["merge"]["artifacts"]["reports"]["container_scanning"].as_str(),
        Some("gl-container-scanning-report.json")
    );
    let github =
        &yaml_rust2::YamlLoader::load_from_str(&read("examples/ci/github-actions.yml")).unwrap()[0];
    assert_eq!(
        github["jobs"]["scan"]["strategy"]["matrix"]["shard"]
            .as_vec()
            .map(Vec::len),
        Some(4)
    );
    let k8s =
        yaml_rust2::YamlLoader::load_from_str(&read("examples/ci/kubernetes-indexed-job.yaml"))
            .unwrap();
    let shards = k8s
        .iter()
        .find(|d| d["metadata"]["name"].as_str() == Some("trivyscan-shards"))
        .unwrap();
    assert_eq!(shards["spec"]["completionMode"].as_str(), Some("Indexed"));
    assert_eq!(
        shards["spec"]["completions"].as_i64(),
        Some(4),
        "as TRIVYSCAN_SHARD_TOTAL says"
    );

    // `manifests =` pointed at the Kubernetes example finds its images, with their lines.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("examples/ci/kubernetes-indexed-job.yaml"),
        dir.path().join("k8s.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scanner.toml"),
        "[[default.targets]]\nname = \"ci\"\nmanifests = [\"k8s.yaml\"]\n",
    )
    .unwrap();
    let out = crate::common::trivyscan(dir.path())
        .args(["targets", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        crate::common::text(&out.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        found,
        [
            "aquasec/trivy:0.76.0",
            "redis:7.0",
            "registry.example.com/tools/trivyscan:0.1.0"
        ]
    );
    // The server's replicas share the analysed layers in Redis (docs/scaling.md).
    let server = k8s
        .iter()
        .find(|d| {
            d["metadata"]["name"].as_str() == Some("trivy-server")
                && d["kind"].as_str() == Some("Deployment")
        })
        .unwrap();
    assert_eq!(server["spec"]["replicas"].as_i64(), Some(2));
    let args: Vec<&str> = server["spec"]["template"]["spec"]["containers"][0]["args"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        args.windows(2)
            .any(|w| w == ["--cache-backend", "redis://trivy-redis:6379"]),
        "{args:?}"
    );
}
