//! The environment's layers: `TRIVYSCAN_*` variables (keys split on `__`), and Trivy's own
//! variables that have a trivyscan key.

use std::collections::HashMap;

use figment::Profile;
use figment::value::{Dict, Value};

use super::layer::{ENV_PREFIX, Layer, LayerKind, insert_nested, profile_map};
use crate::diagnostic_code::Code;
use crate::settings::diagnostics::Problem;

/// Variables with the prefix that are not config keys.
pub(super) const ENV_NOT_KEYS: [&str; 6] = [
    "CONFIG",
    "PROFILE",
    "LANG",
    "LOG",
    "MAX_INPUT_MB",
    "SHARD_TOTAL",
];

/// Bounds on `TRIVYSCAN_*` variables: the schema is 4 levels deep at most; no config value
/// needs more than a few levels of brackets or 64 KiB.
pub(super) const MAX_ENV_LEVELS: usize = 8;

pub(super) const MAX_ENV_KEY_LEN: usize = 256;

pub(super) const MAX_ENV_VALUE_LEN: usize = 64 * 1024;

pub(super) const MAX_ENV_VALUE_DEPTH: usize = 16;

/// `TRIVYSCAN_A__B=v` sets `a.b`; the value is read as figment reads env values (numbers,
/// booleans and `[a, b]` arrays are typed).
pub(super) fn env_layer(env: &[(String, String)]) -> (Layer, Vec<Problem>) {
    let mut root = Dict::new();
    let mut vars = HashMap::new();
    let mut problems = Vec::new();
    let mut sorted: Vec<&(String, String)> = env.iter().collect();
    sorted.sort();
    for (var, raw) in sorted {
        let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        if ENV_NOT_KEYS.contains(&rest) {
            continue;
        }
        // figment parses a value's brackets recursively and a key's levels into nested maps:
        // pathological values must be refused before, not overflow the stack or the memory.
        let depth = raw
            .chars()
            .scan(0usize, |open, c| {
                match c {
                    '[' | '{' => *open += 1,
                    ']' | '}' => *open = open.saturating_sub(1),
                    _ => {}
                }
                Some(*open)
            })
            .max()
            .unwrap_or(0);
        if rest.len() > MAX_ENV_KEY_LEN
            || rest.matches("__").count() >= MAX_ENV_LEVELS
            || raw.len() > MAX_ENV_VALUE_LEN
            || depth > MAX_ENV_VALUE_DEPTH
        {
            problems.push(
                Problem::error(
                    Code::ConfigEnv,
                    crate::msg!(
                        "env-variable-too-large",
                        var = if var.chars().count() > 64 {
                            format!("{}...", var.chars().take(64).collect::<String>())
                        } else {
                            var.clone()
                        }
                    ),
                )
                .help(crate::msg!(
                    "env-too-many-levels",
                    levels = MAX_ENV_LEVELS,
                    len = MAX_ENV_VALUE_LEN,
                    depth = MAX_ENV_VALUE_DEPTH
                )),
            );
            continue;
        }
        let keys: Vec<String> = rest.split("__").map(|k| k.to_lowercase()).collect();
        if keys.iter().any(String::is_empty) {
            problems.push(
                Problem::error(
                    Code::ConfigEnv,
                    crate::msg!("env-unknown-variable", var = var),
                )
                .help(crate::msg!("env-unknown-variable-help")),
            );
            continue;
        }
        let value: Value = raw.parse().expect("figment parses any string");
        insert_nested(&mut root, &keys, value);
        vars.insert(keys.join("."), var.clone());
    }
    (
        Layer {
            name: "environment".into(),
            data: profile_map(Profile::Global, root),
            kind: LayerKind::Env { vars },
        },
        problems,
    )
}

/// Trivy's own variables that trivyscan has a key for, and the key each sets. They form a layer
/// above the built-in defaults and below scanner.toml, so a site's Trivy setup (an air-gapped
/// mirror in `TRIVY_DB_REPOSITORY`, a shared `TRIVY_CACHE_DIR`) holds unless the config says
/// otherwise; `config show` names the variable. Every other `TRIVY_*` reaches Trivy untouched.
pub const TRIVY_ENV_KEYS: &[(&str, &str)] = &[
    ("TRIVY_DB_REPOSITORY", "trivy.db_repositories"),
    ("TRIVY_JAVA_DB_REPOSITORY", "trivy.java_db_repositories"),
    ("TRIVY_CACHE_DIR", "trivy.cache_dir"),
    ("TRIVY_TIMEOUT", "trivy.timeout"),
    ("TRIVY_SKIP_DB_UPDATE", "trivy.offline"),
    ("TRIVY_SEVERITY", "severity"),
];

/// The layer of [`TRIVY_ENV_KEYS`], each value read as Trivy reads it: comma-separated lists,
/// `true`/`false`, and for `TRIVY_SEVERITY` (a list of severities) its lowest one, which is
/// trivyscan's threshold.
pub(super) fn trivy_env_layer(env: &[(String, String)]) -> (Layer, Vec<Problem>) {
    let mut root = Dict::new();
    let mut vars = HashMap::new();
    let mut problems = Vec::new();
    for (var, key) in TRIVY_ENV_KEYS {
        let Some((_, raw)) = env.iter().find(|(k, _)| k == var) else {
            continue;
        };
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let list = || -> Vec<Value> {
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect()
        };
        let value = match *var {
            "TRIVY_DB_REPOSITORY" | "TRIVY_JAVA_DB_REPOSITORY" => Value::from(list()),
            "TRIVY_SKIP_DB_UPDATE" => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" => Value::from(true),
                "false" | "0" => Value::from(false),
                _ => {
                    problems.push(
                        Problem::error(
                            Code::ConfigTrivyEnv,
                            crate::msg!(
                                "env-trivy-not-boolean",
                                var = var,
                                raw = format!("{:?}", raw)
                            ),
                        )
                        .help(crate::msg!("env-trivy-not-boolean-help")),
                    );
                    continue;
                }
            },
            "TRIVY_SEVERITY" => {
                let parsed: Option<Vec<crate::model::Severity>> = raw
                    .split(',')
                    .map(crate::model::Severity::from_name)
                    .collect();
                match parsed.and_then(|v| v.into_iter().min()) {
                    Some(lowest) => Value::from(lowest.as_str().to_ascii_lowercase()),
                    None => {
                        problems.push(
                            Problem::error(
                                Code::ConfigTrivyEnv,
                                crate::msg!(
                                    "env-trivy-not-severities",
                                    var = var,
                                    raw = format!("{:?}", raw)
                                ),
                            )
                            .help(crate::msg!("env-trivy-not-severities-help")),
                        );
                        continue;
                    }
                }
            }
            _ => Value::from(raw.to_string()),
        };
        let keys: Vec<String> = key.split('.').map(String::from).collect();
        insert_nested(&mut root, &keys, value);
        vars.insert(key.to_string(), var.to_string());
    }
    (
        Layer {
            name: "Trivy's environment".into(),
            data: profile_map(Profile::Default, root),
            kind: LayerKind::Env { vars },
        },
        problems,
    )
}
