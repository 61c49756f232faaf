//! The process environment, read once (in `main`) into one value that is passed down: to
//! the settings' layers, and through `Settings::env` to the stages that
//! hand credentials to Trivy. Nothing else in the crate reads a variable (the architecture
//! test checks), so a test gives the code exactly the environment it means.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};

#[derive(Clone, Default)]
pub struct Environment {
    vars: BTreeMap<OsString, OsString>,
}

impl Environment {
    /// This process's environment, as it is now.
    pub fn of_process() -> Environment {
        Environment {
            vars: std::env::vars_os().collect(),
        }
    }

    /// An environment of just these variables (tests, and commands that must not see the
    /// caller's).
    pub fn of<K: Into<OsString>, V: Into<OsString>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Environment {
        Environment {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// A variable's value, when it is set and is UTF-8.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(OsStr::new(name))?.to_str()
    }

    /// A variable's value whatever its encoding (paths: PATH, HOME, DOCKER_CONFIG).
    pub fn get_os(&self, name: &str) -> Option<&OsStr> {
        self.vars.get(OsStr::new(name)).map(OsString::as_os_str)
    }

    /// A variable's value when it holds more than blanks.
    pub fn non_blank(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// Every variable whose name and value are UTF-8, by name.
    pub fn utf8_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars
            .iter()
            .filter_map(|(k, v)| Some((k.to_str()?, v.to_str()?)))
    }

    /// The UTF-8 variables whose names start with one of `prefixes`, owned (the settings'
    /// environment layers).
    pub fn with_prefixes(&self, prefixes: &[&str]) -> Vec<(String, String)> {
        self.utf8_pairs()
            .filter(|(k, _)| prefixes.iter().any(|p| k.starts_with(p)))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

/// Names only: values may be secrets.
impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.vars.keys().map(|k| k.to_string_lossy()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_never_values() {
        let env = Environment::of([("TRIVY_PASSWORD", "hunter2-long-secret")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("TRIVY_PASSWORD") && !shown.contains("hunter2"));
    }

    #[test]
    fn prefixes_and_blanks() {
        let env = Environment::of([("TRIVY_A", "1"), ("TRIVYSCAN_B", " "), ("HOME", "/h")]);
        assert_eq!(
            env.with_prefixes(&["TRIVY_"]),
            [("TRIVY_A".into(), "1".into())]
        );
        assert_eq!(env.non_blank("TRIVYSCAN_B"), None);
        assert_eq!(env.get("TRIVYSCAN_B"), Some(" "));
        assert_eq!(env.get("NOPE"), None);
    }
}
