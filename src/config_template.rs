//! `trivyscan init`: a commented scanner.toml to start from, or (`--from-legacy`) one made from
//! the old script's `input_images.txt` / `input_images_files.txt`, their comments kept beside
//! the entries they describe.

use std::fmt::Write;
use std::path::Path;

use crate::legacy_list::LegacyList;
use crate::settings::{LEGACY_DOCKERFILES, LEGACY_IMAGES};

/// The starting config: every section, commented, with example targets.
pub const TEMPLATE: &str = r#"# trivyscan configuration (docs/configuration.md lists every key).
#
# Layers, lowest first: built-in defaults < Trivy's own TRIVY_CACHE_DIR, TRIVY_DB_REPOSITORY,
# TRIVY_TIMEOUT, ... < [default] here < the selected profile's table (--profile NAME)
# < profiles/<NAME>.toml < TRIVYSCAN_* env vars < flags.
# `trivyscan config show` prints the result with where each value came from;
# `trivyscan targets` prints what would be scanned.

[default]
# Lowest severity reported: unknown, low, medium, high, critical (or the old levels 1..5).
severity = "high"
# Trivy scanners: vuln, secret, misconfig, license.
scanners = ["vuln", "secret"]
# Fleet gate: `trivyscan run` exits 1 when a finding at or above this remains ("none": never).
fail_on = "none"

[default.concurrency]
remote = 2   # parallel registry image scans
local = 1    # parallel Dockerfile builds

[default.trivy]
# Left to their defaults here, so a site's TRIVY_CACHE_DIR / TRIVY_TIMEOUT hold:
# cache_dir = ".trivy_cache"
# timeout = "10m"
# Registry credentials: the NAMES of environment variables, never the secrets themselves.
# username_env = "REGISTRY_USER"
# password_env = "REGISTRY_PASSWORD"

# Exploitation data (CISA KEV, FIRST EPSS), downloaded at most once a day into the cache dir:
# known-exploited findings are marked and ranked first. Air-gapped: point these at mirrors
# or files (file:///srv/feeds/kev.json), or turn them off (kev = false, epss = false).
# [default.intel]
# kev_url = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
# epss_url = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
# max_age = "3d"

[default.report]
output_dir = "reports"
# json, legacy-json, sarif, junit, markdown, html, openvex, gitlab, cyclonedx
formats = ["json"]

# What to scan: uncomment and edit (`trivyscan targets` shows the plan).
# Images from registries.
# [[default.targets]]
# name = "images"
# images = [
#   "registry.example.com/team/app:1.2.3",
#   "registry.example.com/team/app@sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",
# ]


# Dockerfiles in this repository: built with Docker, scanned, removed.
# [[default.targets]]
# name = "services"
# dockerfiles = ["services/**/Dockerfile"]

# Accepted findings, until they expire.
# [[default.ignore]]
# id = "CVE-2024-1234"
# expires = 2026-12-31
# reason = "why this is acceptable"

# Profiles override [default]: trivyscan run --profile prod
# The nightly fleet scan: more findings reported, more registry scans at once, every format.
[prod]
severity = "medium"
fail_on = "high"
# ... and on a known-exploited vulnerability that has a fix, whatever its severity.
fail_on_kev = true

[prod.concurrency]
remote = 4

[prod.report]
formats = ["json", "html", "sarif"]

# Pull requests: fail on CRITICAL only, reports CI systems read.
[ci]
fail_on = "critical"

[ci.report]
formats = ["json", "sarif", "junit", "markdown"]
"#;

/// A TOML basic string: JSON's escapes are TOML's, and TOML also wants DEL escaped.
fn quoted(s: &str) -> String {
    serde_json::to_string(s)
        .expect("a string serializes")
        .replace('\u{7f}', "\\u007f")
}

/// A list comment (one line) as TOML comment text: TOML allows no control character but tab
/// there, so the others are written visibly escaped (`\u{1b}`) and the file stays valid.
fn comment_text(comment: &str) -> String {
    crate::terminal::printable(comment).into_owned()
}

/// The list's comments and entries in file order, as array lines.
fn array_lines(list: &LegacyList) -> String {
    let text = list.file.text.as_str();
    let mut items: Vec<(usize, String)> = list
        .entries
        .iter()
        .map(|e| (e.span.start, format!("  {},\n", quoted(&e.text))))
        .collect();
    let mut offset = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            items.push((offset, format!("  #{}\n", comment_text(comment.trim_end()))));
        }
        offset += line.len();
    }
    items.sort_by_key(|(at, _)| *at);
    items.into_iter().map(|(_, line)| line).collect()
}

pub struct FromLegacy {
    pub config: String,
    /// The lists that were found, for the message.
    pub imported: Vec<&'static str>,
    /// Image lines that are no valid reference as the old script read them (`file:line`, the
    /// line shown escaped): kept as they are, and said, so they are fixed in scanner.toml.
    pub invalid: Vec<(String, String)>,
}

/// A scanner.toml holding the lists of `dir` as target sets, or `None` when neither exists.
pub fn from_legacy(dir: &Path) -> std::io::Result<Option<FromLegacy>> {
    let mut out = String::from(
        "# trivyscan configuration, made by `trivyscan init --from-legacy` from the old\n# trivy-scanner.py lists; docs/migration.md says what changed.\n\n[default]\n# The old script's default: level 4, HIGH and above.\nseverity = \"high\"\n",
    );
    let mut sets = String::new();
    let mut imported = Vec::new();
    let mut invalid = Vec::new();
    let mut outside = false;
    for (file, name, key) in [
        (LEGACY_IMAGES, "input_images", "images"),
        (LEGACY_DOCKERFILES, "input_images_files", "dockerfiles"),
    ] {
        let path = dir.join(file);
        if !path.is_file() {
            continue;
        }
        let list = crate::legacy_list::read_list(&path, dir)?;
        imported.push(file);
        let _ = write!(
            sets,
            "\n# From {file}.\n[[default.targets]]\nname = \"{name}\"\n"
        );
        if let Some(level) = list.severity {
            let _ = writeln!(
                sets,
                "severity = {}  # severity={} in {file}",
                level.legacy_level(),
                level.legacy_level()
            );
        }
        let _ = write!(sets, "{key} = [\n{}]\n", array_lines(&list));
        // The old script's rule is kept (an inline `# comment` stays part of its line), so a
        // line it makes invalid is said, not silently carried over.
        if key == "images" {
            invalid.extend(
                list.entries
                    .iter()
                    .filter(|e| crate::reference::parse(&e.text).is_err())
                    .map(|e| {
                        (
                            format!("{file}:{}", list.file.line_of(e.span.start)),
                            crate::stage::resolve::shown_line(&e.text),
                        )
                    }),
            );
        }
        if key == "dockerfiles" {
            outside |= list.entries.iter().any(|e| {
                let p = Path::new(&e.text);
                p.is_absolute() || p.starts_with("..")
            });
        }
    }
    if imported.is_empty() {
        return Ok(None);
    }
    if outside {
        out.push_str("# The lists name Dockerfiles outside this directory, as the old script allowed.\nallow_outside_paths = true\n");
    }
    out.push_str(&sets);
    Ok(Some(FromLegacy {
        config: out,
        imported,
        invalid,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn config_of(list: &[u8]) -> String {
        let list = crate::legacy_list::parse_list(Path::new("input_images.txt"), list);
        format!(
            "[[default.targets]]\nname = \"x\"\nimages = [\n{}]\n",
            array_lines(&list)
        )
    }

    #[test]
    fn control_characters_in_comments_stay_valid_toml() {
        let config = config_of(b"# bell \x07 and escape \x1b[31m red\x7f\nalpine\n#\x00nul\n");
        let parsed: toml::Table = toml::from_str(&config).expect(&config);
        assert!(
            config.contains("# bell \\u{7} and escape \\u{1b}[31m red\\u{7f}"),
            "{config}"
        );
        assert_eq!(
            parsed["default"]["targets"][0]["images"][0].as_str(),
            Some("alpine")
        );
    }

    proptest! {
        /// Whatever a list holds, the scanner.toml made from it reads back, with every entry.
        #[test]
        fn any_list_makes_a_config_that_reads_back(lines in proptest::collection::vec(
            prop_oneof![any::<String>(), "#[\\x00-\\x7f]{0,20}", "[ -~]{0,20}"], 0..12)
        ) {
            let text = lines.join("\n");
            let list = crate::legacy_list::parse_list(Path::new("input_images.txt"), text.as_bytes());
            let config = config_of(text.as_bytes());
            let parsed: toml::Table = toml::from_str(&config)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{config}")))?;
            let images = parsed["default"]["targets"][0]["images"].as_array().unwrap();
            let read: Vec<&str> = images.iter().map(|v| v.as_str().unwrap()).collect();
            let listed: Vec<&str> = list.entries.iter().map(|e| e.text.as_str()).collect();
            prop_assert_eq!(read, listed);
        }
    }
}
