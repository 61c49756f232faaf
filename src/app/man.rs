//! `trivyscan man`: clap's sections, then EXIT STATUS, ENVIRONMENT and FILES, which clap does
//! not know about.

use crate::cli::EXIT_STATUS;

/// The variables trivyscan reads itself (besides its `TRIVYSCAN_*` config layer).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "TRIVYSCAN_CONFIG, TRIVYSCAN_PROFILE",
        "the config file and profile, as --config and --profile",
    ),
    (
        "TRIVYSCAN_<KEY>",
        "any config key, `__` between levels (TRIVYSCAN_CONCURRENCY__REMOTE=8); above scanner.toml, below flags",
    ),
    (
        "TRIVYSCAN_LANG, SCANNER_LANG",
        "language of messages (en, ru), as --lang; SCANNER_LANG is the old script's",
    ),
    (
        "TRIVYSCAN_MAX_INPUT_MB",
        "the size limit of files trivyscan reads (16 MiB lists and configs, 1 GiB reports by default)",
    ),
    (
        "TRIVY_DB_REPOSITORY, TRIVY_JAVA_DB_REPOSITORY, TRIVY_CACHE_DIR, TRIVY_TIMEOUT, TRIVY_SEVERITY, TRIVY_SKIP_DB_UPDATE",
        "Trivy's own settings that trivyscan has a key for: a config layer between the defaults and scanner.toml (`config show` names them); other TRIVY_* variables (TRIVY_INSECURE, TRIVY_OFFLINE_SCAN, ...) reach Trivy untouched",
    ),
    (
        "TRIVY_USERNAME, TRIVY_PASSWORD, TRIVY_REGISTRY_TOKEN",
        "registry credentials for Trivy (or the variables trivy.username_env, trivy.password_env and trivy.registry_token_env name); set both or neither of the first two",
    ),
    ("NO_COLOR", "no color in diagnostics, as --color never"),
    (
        "DOCKER_HOST, DOCKER_CONFIG",
        "the Docker engine and its login, for Dockerfile targets",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "scanner.toml",
        "the config: found in the working directory or the nearest parent up to the repository root",
    ),
    (
        "profiles/<NAME>.toml",
        "a profile's settings beside scanner.toml, above its [<NAME>] table",
    ),
    (
        "input_images.txt, input_images_files.txt",
        "the old script's lists: used when there is no scanner.toml, and by `trivyscan legacy`",
    ),
    (
        "<trivy.cache_dir>/ (.trivy_cache)",
        "Trivy's DBs and layer cache, trivyscan's result cache (trivyscan-results/) and its DB lock",
    ),
    (
        "<report.output_dir>/ (reports)",
        "the reports, trivyscan-<profile>-<YYYYmmdd_HHMMSS>.<ext>, never replacing a file",
    ),
];

/// Escapes text for roff: backslashes, and a leading `.` or `'` (a request otherwise).
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

fn tagged(out: &mut String, heading: &str, rows: impl IntoIterator<Item = (String, String)>) {
    out.push_str(&format!(".SH \"{heading}\"\n"));
    for (tag, body) in rows {
        out.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_text(&tag),
            roff_text(&body)
        ));
    }
}

/// The whole page.
pub(super) fn page() -> std::io::Result<String> {
    let cmd = crate::cli::command();
    let man = clap_mangen::Man::new(cmd);
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    let mut page = String::from_utf8_lossy(&out).into_owned();
    // A code's line, and the indented lines that continue its meaning.
    let mut codes: Vec<(String, String)> = Vec::new();
    for line in EXIT_STATUS.lines().skip(1) {
        let parsed = line
            .trim()
            .split_once(char::is_whitespace)
            .filter(|(code, _)| code.parse::<u8>().is_ok());
        match (parsed, codes.last_mut()) {
            (Some((code, meaning)), _) => {
                codes.push((code.to_string(), meaning.trim().to_string()))
            }
            (None, Some((_, meaning))) if line.starts_with("  ") => {
                meaning.push(' ');
                meaning.push_str(line.trim());
            }
            _ => {}
        }
    }
    tagged(&mut page, "EXIT STATUS", codes);
    if let Some(rule) = EXIT_STATUS.lines().last() {
        page.push_str(&format!(".PP\n{}\n", roff_text(rule)));
    }
    let own = |rows: &[(&str, &str)]| -> Vec<(String, String)> {
        rows.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    tagged(&mut page, "ENVIRONMENT", own(ENVIRONMENT));
    tagged(&mut page, "FILES", own(FILES));
    let mut version = Vec::new();
    man.render_version_section(&mut version)?;
    page.push_str(&String::from_utf8_lossy(&version));
    Ok(page)
}
