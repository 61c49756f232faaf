//! The flags' layer: config values given on the command line.

use std::collections::HashMap;

use figment::Profile;
use figment::value::{Dict, Value};

use super::layer::{Layer, LayerKind, insert_nested, profile_map};

/// Config values given as flags; `None` leaves the lower layers alone.
#[derive(Debug, Clone, Default)]
pub struct FlagOverrides {
    pub severity: Option<String>,
    pub jobs_remote: Option<i64>,
    pub jobs_local: Option<i64>,
    pub trivy_binary: Option<String>,
    pub cache_dir: Option<String>,
    pub trivy_timeout: Option<String>,
    pub output_dir: Option<String>,
    pub formats: Vec<String>,
    pub offline: bool,
    pub fail_on: Option<String>,
    pub fail_on_new: Option<String>,
    pub fail_on_kev: Option<String>,
    pub fail_on_overdue: bool,
    pub fail_on_epss: Option<String>,
    pub no_intel: bool,
    pub no_cache: bool,
}

impl FlagOverrides {
    /// (key path, flag name, value) for each flag that was given.
    fn entries(&self) -> Vec<(&'static str, &'static str, Value)> {
        let text = |v: &Option<String>| v.clone().map(Value::from);
        let on = |set: bool, v: bool| set.then_some(Value::from(v));
        let formats = (!self.formats.is_empty()).then(|| {
            Value::from(
                self.formats
                    .iter()
                    .cloned()
                    .map(Value::from)
                    .collect::<Vec<_>>(),
            )
        });
        let number_or_text = |p: &String| match p.trim().parse::<f64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(p.clone()),
        };
        let all: [(&'static str, &'static str, Option<Value>); 18] = [
            (
                "severity",
                "--severity",
                self.severity.clone().map(severity_value),
            ),
            (
                "concurrency.remote",
                "--jobs-remote",
                self.jobs_remote.map(Value::from),
            ),
            (
                "concurrency.local",
                "--jobs-local",
                self.jobs_local.map(Value::from),
            ),
            ("trivy.binary", "--trivy-binary", text(&self.trivy_binary)),
            ("trivy.cache_dir", "--cache-dir", text(&self.cache_dir)),
            (
                "trivy.timeout",
                "--trivy-timeout",
                text(&self.trivy_timeout),
            ),
            ("report.output_dir", "--output-dir", text(&self.output_dir)),
            ("report.formats", "--format", formats),
            // Offline means no download at all: the vulnerability DB and the exploitation data.
            ("trivy.offline", "--offline", on(self.offline, true)),
            ("intel.offline", "--offline", on(self.offline, true)),
            ("fail_on", "--fail-on", text(&self.fail_on)),
            ("fail_on_new", "--fail-on-new", text(&self.fail_on_new)),
            (
                "fail_on_kev",
                "--fail-on-kev",
                self.fail_on_kev.as_ref().map(|v| match v.as_str() {
                    "true" => Value::from(true),
                    "false" => Value::from(false),
                    other => Value::from(other),
                }),
            ),
            (
                "fail_on_overdue",
                "--fail-on-overdue",
                on(self.fail_on_overdue, true),
            ),
            (
                "fail_on_epss",
                "--fail-on-epss",
                self.fail_on_epss.as_ref().map(number_or_text),
            ),
            ("intel.kev", "--no-intel", on(self.no_intel, false)),
            ("intel.epss", "--no-intel", on(self.no_intel, false)),
            ("trivy.result_cache", "--no-cache", on(self.no_cache, false)),
        ];
        all.into_iter()
            .filter_map(|(path, flag, value)| Some((path, flag, value?)))
            .collect()
    }
}

/// `--severity 4` means the legacy level, as in the config files.
pub(super) fn severity_value(s: String) -> Value {
    match s.trim().parse::<i64>() {
        Ok(n) => Value::from(n),
        Err(_) => Value::from(s),
    }
}

pub(super) fn flags_layer(flags: &FlagOverrides) -> Layer {
    let mut root = Dict::new();
    let mut names = HashMap::new();
    for (path, flag, value) in flags.entries() {
        let keys: Vec<String> = path.split('.').map(String::from).collect();
        insert_nested(&mut root, &keys, value);
        names.insert(path.to_string(), flag.to_string());
    }
    Layer {
        name: "command line".into(),
        data: profile_map(Profile::Global, root),
        kind: LayerKind::Flags { flags: names },
    }
}
