//! Report formats (pure renderers) and the atomic writing of report files.

pub mod baseline;
pub mod doc;
pub mod fleet;
pub mod html;
pub mod json;
pub mod junit;
pub mod legacy_json;
pub mod markdown;
pub mod merge;
pub mod sarif;
pub mod summary;

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

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

/// A report file being written: a temp file in the target directory, renamed into place by
/// `persist`, so a report is either whole or not there. Mode 0600: reports may hold fragments of
/// secrets. A missing directory is made with 0700.
pub struct AtomicFile {
    path: PathBuf,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(dir: &Path, name: &str) -> Result<AtomicFile, WriteError> {
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
        let tmp = tempfile::Builder::new()
            .prefix(".trivyscan-")
            .suffix(".tmp")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map_err(err)?;
        Ok(AtomicFile {
            out: std::io::BufWriter::with_capacity(1 << 20, tmp),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn error(&self, source: std::io::Error) -> WriteError {
        WriteError {
            path: self.path.clone(),
            source,
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn persist(self) -> Result<PathBuf, WriteError> {
        let path = self.path.clone();
        let err = |source| WriteError {
            path: path.clone(),
            source,
        };
        let tmp = self.out.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(path)
    }
}

/// Writes `bytes` to `dir/name` atomically, as `AtomicFile` does.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let mut file = AtomicFile::create(dir, name)?;
    file.write_all(bytes).map_err(|e| file.error(e))?;
    file.persist()
}

/// Writes `bytes` to `path` (relative to the working directory) atomically, as `AtomicFile`
/// does.
pub fn write_atomic_at(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().unwrap_or_default(),
    };
    let Some(name) = path.file_name() else {
        return Err(WriteError {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        });
    };
    write_atomic(&dir, &name.to_string_lossy(), bytes)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Renders a saved (or just written) JSON report in one of the formats made from it.
pub fn render_from_doc(
    doc: &doc::Doc,
    format: crate::settings::ReportFormat,
    show_secrets: bool,
) -> Vec<u8> {
    use crate::settings::ReportFormat;
    match format {
        ReportFormat::Sarif => sarif::render(doc),
        ReportFormat::Junit => junit::render(doc),
        ReportFormat::Markdown => markdown::render(doc),
        ReportFormat::Html => html::render(doc, &html::HtmlOptions { show_secrets }),
        ReportFormat::Json | ReportFormat::LegacyJson => {
            unreachable!("streamed formats are not rendered from a saved report")
        }
    }
}
