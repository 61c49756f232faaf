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

/// `a/./b/../c` -> `a/c`, without touching the file system (the path may not exist yet): a
/// relative path keeps the `..` that climb above it (`../x` stays `../x`, so a check of "is it
/// inside the tree" sees it climb out); an absolute one stops at the root, as the OS does.
pub fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_root = out.parent().is_none() && out.has_root();
                let climbing = out.as_os_str().is_empty() || out.ends_with("..");
                if climbing && !at_root {
                    out.push("..");
                } else if !at_root {
                    out.pop();
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lexical;
    use std::path::Path;

    #[test]
    fn lexical_paths_keep_relative_climbs_and_stop_at_the_root() {
        for (path, want) in [
            ("a/./b/../c", "a/c"),
            ("../x", "../x"),
            ("a/../../x", "../x"),
            ("../../x", "../../x"),
            ("/a/../../etc", "/etc"),
            ("/a/b/..", "/a"),
            ("./", ""),
        ] {
            assert_eq!(lexical(Path::new(path)), Path::new(want), "{path}");
        }
    }
}
