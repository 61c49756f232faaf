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

/// Where a path really leads: symlinks resolved or, for one that does not exist (yet), as
/// written with `..` applied.
pub fn real(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| lexical(path))
}

/// The one "is it inside the tree" check: `None` when `path` leads inside `root` (both taken
/// with [`real`]); else where it really leads.
pub fn outside(path: &Path, root: &Path) -> Option<PathBuf> {
    let real_path = real(path);
    (!real_path.starts_with(real(root))).then_some(real_path)
}

#[cfg(test)]
mod tests {
    use super::{lexical, outside};
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

    #[test]
    fn outside_follows_symlinks_and_judges_missing_paths_as_written() {
        let tree = tempfile::tempdir().unwrap();
        let root = tree.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("escape")).unwrap();
        assert_eq!(outside(&root.join("a/../b"), &root), None);
        assert_eq!(outside(&root.join("not-yet"), &root), None);
        assert!(outside(&root.join("../sibling"), &root).is_some());
        assert_eq!(
            outside(&root.join("escape/hosts"), &root),
            Some(Path::new("/etc/hosts").canonicalize().unwrap())
        );
    }
}
