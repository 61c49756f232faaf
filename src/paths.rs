//! Paths as people read them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The working directory, read once: trivyscan never changes it, and diagnostics and reports
/// show many paths.
fn cwd() -> Option<&'static Path> {
    static CWD: OnceLock<Option<PathBuf>> = OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
}

/// A path as a person would type it: relative to the working directory when below it.
pub fn display_path(path: &Path) -> String {
    match cwd().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}
