//! Report formats (pure renderers) and the atomic writing of report files.

pub mod json;
pub mod legacy_json;
pub mod summary;

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::model::TargetResult;

/// Python's `datetime.isoformat()` for a local time: microseconds unless they are zero.
pub fn iso_local(t: &chrono::DateTime<chrono::Local>) -> String {
    if t.timestamp_subsec_micros() == 0 {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write the report {}: {source}", .path.display())]
#[diagnostic(
    code(trivyscan::report::write),
    help("check that the output directory is writable (report.output_dir / --output-dir)")
)]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Writes `bytes` to `dir/name` atomically (a temp file in the same directory, then a rename),
/// with mode 0600: reports may hold fragments of secrets. A missing `dir` is made with 0700.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let path = dir.join(name);
    let err = |source| WriteError {
        path: path.clone(),
        source,
    };
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(err)?;
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".trivyscan-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(&path).map_err(|e| err(e.error))?;
    Ok(path)
}

/// Counts per severity, highest first, for summaries.
pub fn severity_counts(
    results: &[TargetResult],
) -> indexmap::IndexMap<String, indexmap::IndexMap<crate::model::Severity, usize>> {
    let mut out: indexmap::IndexMap<String, indexmap::IndexMap<crate::model::Severity, usize>> =
        indexmap::IndexMap::new();
    for r in results {
        if let crate::model::Outcome::Scanned { grouped, .. } = &r.outcome {
            for (component, sevs) in &grouped.components {
                let entry = out.entry(component.clone()).or_default();
                for (sev, list) in sevs {
                    *entry.entry(*sev).or_default() += list.len();
                }
            }
        }
    }
    out
}
