//! Trivy's flags differ between versions. As the old script did, a flag Trivy calls unknown is
//! dropped and the command run again; trivyscan also remembers it for the rest of the run, so
//! later commands leave it out from the start. Only flags that change nothing about the results
//! are dropped.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::exec::{Cmd, ExecError, Output};

/// Flags trivyscan passes where Trivy has them, and can do without.
const OPTIONAL: [&str; 3] = ["--skip-version-check", "--disable-telemetry", "--quiet"];

/// The oldest Trivy trivyscan supports: the oldest the test suite runs (0.59.1).
pub const MINIMUM: (u32, u32, u32) = (0, 59, 0);

/// Parses `0.76.0` (or `v0.76.0`, `0.76.0-rc1`).
pub fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().trim_start_matches('v').split(['.', '-', '+']);
    let mut next = || parts.next()?.parse::<u32>().ok();
    Some((next()?, next()?, next().unwrap_or(0)))
}

/// One Trivy binary as this run uses it: its version, and the optional flags it lacks. Made
/// once per run and passed to every stage that runs Trivy (no process-wide state).
#[derive(Debug)]
pub struct Trivy {
    /// `trivy version`'s, when it was asked and parsed.
    version: Option<(u32, u32, u32)>,
    /// Optional flags this Trivy called unknown (or lacks by its version).
    unsupported: Mutex<HashSet<String>>,
}

impl Trivy {
    /// A Trivy of `version` (None: not asked, or a development build): `--skip-version-check`
    /// and `--disable-telemetry` came with Trivy 0.60, so older ones are run without them
    /// from the start. The unknown-flag fallback stays for builds that differ.
    pub fn new(version: Option<(u32, u32, u32)>) -> Trivy {
        let mut unsupported = HashSet::new();
        if version.is_some_and(|v| v < (0, 60, 0)) {
            unsupported.insert("--skip-version-check".to_string());
            unsupported.insert("--disable-telemetry".to_string());
        }
        Trivy {
            version,
            unsupported: Mutex::new(unsupported),
        }
    }

    /// The version as `0.76.0`, or `unknown` (not asked, or a development build).
    pub fn version_text(&self) -> String {
        match self.version {
            Some((major, minor, patch)) => format!("{major}.{minor}.{patch}"),
            None => "unknown".to_string(),
        }
    }

    /// Whether this Trivy opens the vulnerability DB read-only (0.68 and later), so standalone
    /// scans can run beside a `trivy server` on the same cache dir.
    pub fn opens_db_read_only(&self) -> bool {
        self.version.is_some_and(|v| v >= (0, 68, 0))
    }

    fn without_unsupported(&self, cmd: &Cmd) -> Cmd {
        let unsupported = self.unsupported.lock().expect("flag set");
        let mut out = cmd.clone();
        out.args
            .retain(|a| !unsupported.contains(a.to_string_lossy().as_ref()));
        out
    }

    /// Runs a Trivy command, dropping optional flags this Trivy does not know. Each retry runs
    /// without one more flag, so this ends.
    pub fn run(&self, cmd: &Cmd) -> Result<Output, ExecError> {
        loop {
            let attempt = self.without_unsupported(cmd);
            let result = attempt.run();
            if let Err(ExecError::Exit { stderr, .. }) = &result
                && let Some(flag) = unknown_flag(stderr).filter(|f| OPTIONAL.contains(f))
            {
                // Another worker may have recorded it already; retry if this run still had it.
                self.unsupported
                    .lock()
                    .expect("flag set")
                    .insert(flag.to_string());
                if attempt.args.iter().any(|a| a.to_string_lossy() == flag) {
                    continue;
                }
            }
            return result;
        }
    }
}

/// The flag in `unknown flag: --name`, if Trivy said that.
fn unknown_flag(stderr: &str) -> Option<&str> {
    let rest = &stderr[stderr.find("unknown flag: ")? + "unknown flag: ".len()..];
    rest.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_unknown_flag() {
        assert_eq!(
            unknown_flag(
                "2026-11-27T14:59:14Z\tFATAL\tFatal error\tunknown flag: --skip-version-check\n"
            ),
            Some("--skip-version-check")
        );
        assert_eq!(unknown_flag("FATAL something else"), None);
    }

    #[test]
    fn old_trivy_runs_without_the_newer_flags() {
        let cmd = Cmd::new("trivy").args(["image", "--skip-version-check", "--quiet"]);
        let old = Trivy::new(Some((0, 59, 1)));
        let args: Vec<String> = old
            .without_unsupported(&cmd)
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["image", "--quiet"]);
        assert_eq!(
            Trivy::new(Some((0, 76, 0)))
                .without_unsupported(&cmd)
                .args
                .len(),
            3
        );
        assert!(Trivy::new(Some((0, 76, 0))).opens_db_read_only());
        assert!(!old.opens_db_read_only());
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("0.76.0"), Some((0, 76, 0)));
        assert_eq!(parse_version("v0.59.1"), Some((0, 59, 1)));
        assert_eq!(parse_version("0.60.0-rc1"), Some((0, 60, 0)));
        assert_eq!(parse_version("dev"), None);
        assert!(parse_version("0.58.2").unwrap() < MINIMUM);
        assert!(parse_version("0.59.1").unwrap() >= MINIMUM);
    }
}

/// Variables whose values are credentials Trivy may be given, besides those the config names.
const SECRET_VARIABLES: [&str; 3] = ["TRIVY_PASSWORD", "TRIVY_REGISTRY_TOKEN", "TRIVY_TOKEN"];

/// Values shorter than this are not searched for: they would mangle every message and are too
/// short to be a real credential.
const SHORTEST_REDACTED: usize = 4;

/// The credential values Trivy gets in this run (registry password and token, the remote
/// server's token), read from the environment: what must never appear in a message, an error
/// entry or a report, even when Trivy echoes one on stderr.
pub fn secret_values(settings: &crate::settings::Settings) -> Vec<String> {
    let t = &settings.trivy;
    let ours = t
        .credentials
        .iter()
        .filter(|(trivy_var, _)| *trivy_var != "TRIVY_USERNAME")
        .map(|(_, ours)| ours.as_str());
    let server = t.remote.iter().filter_map(|r| r.token_env.as_deref());
    let mut values: Vec<String> = SECRET_VARIABLES
        .into_iter()
        .chain(ours)
        .chain(server)
        .filter_map(|var| settings.env.get(var).map(str::to_string))
        .filter(|v| v.chars().count() >= SHORTEST_REDACTED)
        .collect();
    // Longest first, so a secret that contains another is replaced whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
}

/// `text` with every one of `secrets` replaced by `[redacted]`.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod redact_tests {
    use super::redact;

    #[test]
    fn every_occurrence_longest_first() {
        let secrets = vec!["hunter2-long".to_string(), "hunter2".to_string()];
        assert_eq!(
            redact("a hunter2-long b hunter2 c hunter2", &secrets),
            "a [redacted] b [redacted] c [redacted]"
        );
        assert_eq!(redact("nothing here", &secrets), "nothing here");
    }
}
