//! Failed Trivy runs, classified from their exit and stderr.

use crate::exec::ExecError;
use crate::model::FailureKind;

/// A failed scan, classified.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

pub(super) fn failure(kind: FailureKind, message: impl Into<String>) -> Failure {
    Failure {
        kind,
        message: message.into(),
    }
}

/// Trivy's error without log decoration: from its FATAL line (or last ERROR line) to the end,
/// on one line, e.g. "run error: ... MANIFEST_UNKNOWN: manifest unknown".
pub(super) fn reason(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines
        .iter()
        .rposition(|l| l.contains("FATAL"))
        .or_else(|| lines.iter().rposition(|l| l.contains("ERROR")))
        .unwrap_or(lines.len().saturating_sub(1));
    let mut parts = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start) {
        let mut text = *line;
        if i == start {
            // "2026-01-01T00:00:00Z\tFATAL\tFatal error\tmessage" -> "message"
            text = text.rsplit('\t').next().unwrap_or(text).trim();
            text = text
                .strip_prefix("Fatal error")
                .map(str::trim)
                .unwrap_or(text);
        }
        if text.starts_with("goroutine ") {
            break;
        }
        parts.push(text.trim_start_matches("* "));
    }
    let text = parts.join(" ");
    if text.chars().count() > 500 {
        text.chars().take(500).collect::<String>() + "…"
    } else {
        text
    }
}

/// The Java DB could not be had (its download failed, or offline without one): an image with
/// jars cannot be scanned whole. Not the vulnerability DB's fault, and nothing to repair.
fn java_db_unavailable(stderr: &str) -> bool {
    stderr.contains("Unable to initialize the Java DB") || stderr.contains("Java DB update failed")
}

/// Trivy's ways of saying that its vulnerability DB is corrupt, incomplete or missing.
pub(super) fn db_broken(stderr: &str) -> bool {
    let has = |needle: &str| stderr.contains(needle);
    if java_db_unavailable(stderr) {
        return false;
    }
    has("invalid database")
        || has("Page expected to be")
        || has("old DB schema")
        || has("cannot be specified on the first run")
        || has("failed to open db")
        || (has("trivy.db") && has("no such file"))
}

/// Classifies a failed Trivy run from its exit and stderr.
pub fn classify(err: &ExecError) -> Failure {
    let stderr = err.stderr();
    let has = |needle: &str| stderr.contains(needle);
    match err {
        ExecError::Timeout { after, .. } => {
            return failure(
                FailureKind::Timeout,
                format!(
                    "trivy did not finish within {}",
                    humantime::format_duration(*after)
                ),
            );
        }
        ExecError::Signal { signal, .. } => {
            return failure(
                FailureKind::TrivyCrashed,
                format!("trivy was killed by signal {signal}"),
            );
        }
        ExecError::Interrupted { .. } => {
            return failure(
                FailureKind::Interrupted,
                "interrupted before the scan finished",
            );
        }
        ExecError::Spawn { source, .. } => {
            return failure(
                FailureKind::TrivyCrashed,
                format!("could not start trivy: {source}"),
            );
        }
        ExecError::Exit { .. } => {}
    }
    let why = reason(stderr);
    let kind = if java_db_unavailable(stderr) {
        // Its download's network error is the DB's, not the image registry's.
        FailureKind::DatabaseUnavailable
    } else if db_broken(stderr) {
        FailureKind::DatabaseBroken
    } else if has("MANIFEST_UNKNOWN") || has("NAME_UNKNOWN") || has("manifest unknown") {
        FailureKind::ImageNotFound
    } else if has("UNAUTHORIZED")
        || has("authentication required")
        || has("DENIED")
        || has("401 Unauthorized")
    {
        FailureKind::Unauthorized
    } else if has("connection refused")
        || has("no such host")
        || has("i/o timeout")
        || has("network is unreachable")
    {
        FailureKind::RegistryUnreachable
    } else if has("context deadline exceeded") {
        FailureKind::Timeout
    } else if has("panic:") || has("goroutine ") {
        FailureKind::TrivyCrashed
    } else {
        FailureKind::Other
    };
    let message = match kind {
        FailureKind::TrivyCrashed => format!(
            "trivy crashed: {}",
            stderr
                .lines()
                .find(|l| l.starts_with("panic:"))
                .unwrap_or(&why)
        ),
        _ if why.is_empty() => format!("trivy failed ({err})"),
        _ => why,
    };
    failure(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit(stderr: &str) -> ExecError {
        ExecError::Exit {
            command: "trivy".into(),
            code: 1,
            stderr: stderr.into(),
        }
    }

    #[test]
    fn classification_of_trivy_failures() {
        let cases = [
            (
                "2026-01-01T00:00:00Z\tFATAL\tFatal error\trun error: image scan error: MANIFEST_UNKNOWN: manifest unknown",
                FailureKind::ImageNotFound,
            ),
            (
                "FATAL\tFatal error\tdial tcp 127.0.0.1:1: connect: connection refused",
                FailureKind::RegistryUnreachable,
            ),
            (
                "FATAL\tFatal error\tfailed to open db: invalid database",
                FailureKind::DatabaseBroken,
            ),
            (
                "panic: assertion failed: Page expected to be: 23, but self identifies as 0\n\ngoroutine 1 [running]:",
                FailureKind::DatabaseBroken,
            ),
            ("FATAL\told DB schema", FailureKind::DatabaseBroken),
            (
                "FATAL\tFatal error\trun error: image scan error: post analysis error: Unable to initialize the Java DB: Java DB update failed: failed to download artifact from mirror.gcr.io/aquasec/trivy-java-db:1: dial tcp: lookup mirror.gcr.io: no such host",
                FailureKind::DatabaseUnavailable,
            ),
            (
                "FATAL\tFatal error\trun error: post analysis error: Unable to initialize the Java DB: Java DB update failed: '--skip-java-db-update' cannot be specified on the first run",
                FailureKind::DatabaseUnavailable,
            ),
            ("FATAL\tcontext deadline exceeded", FailureKind::Timeout),
            (
                "FATAL\tUNAUTHORIZED: authentication required",
                FailureKind::Unauthorized,
            ),
            (
                "panic: runtime error: index out of range\ngoroutine 7",
                FailureKind::TrivyCrashed,
            ),
            ("something else", FailureKind::Other),
        ];
        for (stderr, kind) in cases {
            assert_eq!(classify(&exit(stderr)).kind, kind, "{stderr}");
        }
        assert_eq!(
            classify(&exit("2026-01-01T00:00:00Z\tFATAL\tFatal error\trun error: unable to find the image: 1 error occurred:\n\t* remote error: MANIFEST_UNKNOWN: manifest unknown\n\n")).message,
            "run error: unable to find the image: 1 error occurred: remote error: MANIFEST_UNKNOWN: manifest unknown"
        );
    }
}
