//! File targets: Dockerfiles, imported reports and archives, named or globbed below the config's
//! directory, excludes applied, and kept inside the tree unless `allow_outside_paths`.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::Resolver;
use crate::diagnostic_code::Code;
use crate::model::{InputKind, LedgerEntry, LedgerStatus, Severity, TargetKind};
use crate::settings::{Origin, Problem, Sourced, TargetSet};

impl Resolver<'_> {
    pub(super) fn file(
        &mut self,
        set: &TargetSet,
        kind: TargetKind,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
        check_exists: bool,
    ) {
        let path = match &kind {
            TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => p.clone(),
            TargetKind::Image(_) => unreachable!("images are not files"),
        };
        if self.excluded(&path, excludes) {
            return;
        }
        let mut problem = self.outside(&path, &kind, &origin);
        let not_a_file = match std::fs::metadata(&path) {
            _ if problem.is_some() || !check_exists => None,
            Ok(meta) if meta.is_file() => None,
            Ok(meta) => Some(not_a_regular_file(&meta)),
            Err(_) => Some(crate::msg!("label-not-found")),
        };
        if let Some(why) = not_a_file {
            let missing = why.id() == Some("label-not-found");
            let what = kind.label();
            let shown = crate::paths::display_path(&path);
            let problem_here = if missing {
                Problem::error(
                    Code::ResolveMissingFile,
                    crate::msg!("file-target-missing", what = what, path = shown),
                )
                .label(crate::msg!("file-target-missing-label", what = what))
                .help(crate::msg!("file-target-missing-help"))
            } else {
                Problem::error(
                    Code::ResolveNotAFile,
                    crate::msg!(
                        "file-target-not-a-file",
                        what = what,
                        path = shown,
                        kind = why
                    ),
                )
                .label(why.clone())
                .help(crate::msg!("file-target-not-a-file-help"))
            };
            self.out.problems.push(problem_here.at(&origin));
            problem = Some(if missing {
                format!("{what} not found: {shown}")
            } else {
                format!("{what} is {why}, not a file: {shown}")
            });
        }
        self.push(set, kind, severity, origin, problem);
    }

    /// A file target outside the config's directory tree (after resolving symlinks), unless
    /// `allow_outside_paths` is set.
    pub(super) fn outside(
        &mut self,
        path: &Path,
        kind: &TargetKind,
        origin: &Origin,
    ) -> Option<String> {
        // Allowed outside, or missing (said as not found, not as outside).
        self.real_base.as_ref()?;
        let real = crate::paths::outside(&path.canonicalize().ok()?, self.base_dir)?;
        let what = kind.label();
        let shown = crate::paths::display_path(path);
        let via = if real != *path {
            crate::msg!("file-target-outside-via", real = real.display())
        } else {
            crate::i18n::Msg::verbatim("")
        };
        self.out.problems.push(
            Problem::error(
                Code::ResolveOutsidePath,
                crate::msg!("file-target-outside", what = what, path = shown, via = via),
            )
            .label(crate::msg!("path-outside-label"))
            .help(crate::msg!("path-outside-help"))
            .at(origin),
        );
        Some(format!("{what} outside the config's directory: {shown}"))
    }

    /// What one `dockerfiles`, `reports`, `archives` or `manifests` entry names: its path, or
    /// the paths its glob matches (with OCI layout directories when `layouts`); `globbed` when
    /// they came from a walk (so they exist). None for a glob that cannot be used (said).
    pub(super) fn paths_named(
        &mut self,
        pattern: &Sourced<String>,
        layouts: bool,
        what: &str,
    ) -> Option<(Vec<PathBuf>, bool)> {
        if is_glob(&pattern.value) {
            // Invalid globs were reported by config validation.
            self.expand_glob(pattern, layouts, what)
                .map(|found| (found, true))
        } else {
            Some((vec![normalize(&self.base_dir.join(&pattern.value))], false))
        }
    }

    /// Whether an `exclude` glob matches the path (relative to the config's directory, or whole).
    pub(super) fn excluded(&self, path: &Path, excludes: &GlobSet) -> bool {
        let rel = path.strip_prefix(self.base_dir).unwrap_or(path);
        excludes.is_match(rel) || excludes.is_match(path)
    }

    /// Dockerfiles or imported reports.
    pub(super) fn patterns(
        &mut self,
        set: &TargetSet,
        patterns: &[Sourced<String>],
        excludes: &GlobSet,
        make: fn(PathBuf) -> TargetKind,
    ) {
        for pattern in patterns {
            let Some((paths, globbed)) = self.paths_named(pattern, false, "file") else {
                continue;
            };
            for path in paths {
                self.file(
                    set,
                    make(path),
                    set.severity,
                    pattern.origin.clone(),
                    excludes,
                    !globbed,
                );
            }
        }
    }

    /// Archives: files, or OCI layout directories; each is checked to be an image archive.
    pub(super) fn archives(&mut self, set: &TargetSet, excludes: &GlobSet) {
        for pattern in &set.archives {
            let Some((paths, _)) = self.paths_named(pattern, true, "archive") else {
                continue;
            };
            for path in paths {
                if self.excluded(&path, excludes) {
                    continue;
                }
                if let Some(problem) =
                    self.outside(&path, &TargetKind::Archive(path.clone()), &pattern.origin)
                {
                    self.push(
                        set,
                        TargetKind::Archive(path),
                        set.severity,
                        pattern.origin.clone(),
                        Some(problem),
                    );
                    continue;
                }
                let shown = crate::paths::display_path(&path);
                let why = if path.exists() {
                    crate::archive::inspect(&path).err()
                } else {
                    Some("it does not exist".to_string())
                };
                let problem = why.map(|why| {
                    self.out.problems.push(
                        Problem::error(
                            Code::ResolveArchive,
                            crate::msg!("archive-invalid", path = shown, why = why),
                        )
                        .label(crate::msg!("archive-invalid-label"))
                        .help(crate::msg!("archive-invalid-help"))
                        .at(&pattern.origin),
                    );
                    format!("not an image archive: {why}")
                });
                self.push(
                    set,
                    TargetKind::Archive(path),
                    set.severity,
                    pattern.origin.clone(),
                    problem,
                );
            }
        }
    }

    /// The paths a glob matches (with OCI layout directories when `layouts`), warning when it
    /// matches nothing; `None` for a glob that does not compile (config validation said so).
    pub(super) fn expand_glob(
        &mut self,
        pattern: &Sourced<String>,
        layouts: bool,
        what: &str,
    ) -> Option<Vec<PathBuf>> {
        let matcher = compile(&pattern.value)?.compile_matcher();
        let root = normalize(&self.base_dir.join(literal_prefix(&pattern.value)));
        if self.real_base.is_some()
            && let Some(real_root) = crate::paths::outside(&root, self.base_dir)
        {
            self.out.problems.push(
                Problem::error(
                    Code::ResolveOutsidePath,
                    crate::msg!(
                        "file-glob-outside",
                        glob = format!("{:?}", pattern.value),
                        root = real_root.display()
                    ),
                )
                .label(crate::msg!("file-glob-outside-label"))
                .help(crate::msg!("file-glob-outside-help"))
                .at(&pattern.origin),
            );
            self.out.ledger.push(
                LedgerEntry::new(InputKind::FileGlob, &pattern.value, LedgerStatus::Failed)
                    .origin(&pattern.origin)
                    .reason("it would search outside the config's directory"),
            );
            return None;
        }
        let found = expand(self.base_dir, &pattern.value, &matcher, layouts);
        if found.is_empty() {
            self.out.problems.push(
                Problem::warning(
                    Code::ResolveGlobNoMatch,
                    crate::msg!(
                        "file-glob-no-match",
                        glob = format!("{:?}", pattern.value),
                        what = what
                    ),
                )
                .label(crate::msg!("glob-no-match-label"))
                .help(crate::msg!("file-glob-no-match-help"))
                .at(&pattern.origin),
            );
            self.out.ledger.push(
                LedgerEntry::new(InputKind::FileGlob, &pattern.value, LedgerStatus::Failed)
                    .origin(&pattern.origin)
                    .reason(format!("matches no {what}"))
                    .targets(0),
            );
        } else {
            self.out.ledger.push(
                LedgerEntry::new(InputKind::FileGlob, &pattern.value, LedgerStatus::Done)
                    .origin(&pattern.origin),
            );
        }
        Some(found)
    }
}

/// What a path that exists but is no regular file is, for a diagnostic.
pub(super) fn not_a_regular_file(meta: &std::fs::Metadata) -> crate::i18n::Msg {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        crate::msg!("file-kind-directory")
    } else if kind.is_fifo() {
        crate::msg!("file-kind-fifo")
    } else if kind.is_socket() {
        crate::msg!("file-kind-socket")
    } else if kind.is_block_device() || kind.is_char_device() {
        crate::msg!("file-kind-device")
    } else {
        crate::msg!("file-kind-special")
    }
}

/// Patterns with any of these are globs; anything else is a literal path.
pub(super) fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

pub(super) fn compile(pattern: &str) -> Option<Glob> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
}

/// `a/./b/../c` -> `a/c` (see [`crate::paths::lexical`]).
pub(super) fn normalize(path: &Path) -> PathBuf {
    crate::paths::lexical(path)
}

pub(super) fn exclude_set(excludes: &[Sourced<String>]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for e in excludes {
        if let Some(g) = compile(&e.value) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The directories of a glob before its first glob part: where the walk starts.
pub(super) fn literal_prefix(pattern: &str) -> String {
    let literal: Vec<&str> = pattern
        .split('/')
        .take_while(|part| !is_glob(part))
        .collect();
    match literal.join("/") {
        // `/**/x`: the walk starts at the root.
        root if root.is_empty() && pattern.starts_with('/') => "/".to_string(),
        root => root,
    }
}

/// Files below the pattern's literal prefix whose path relative to `base` matches; with
/// `layouts`, OCI layout directories too (and not the files inside them).
pub(super) fn expand(
    base: &Path,
    pattern: &str,
    matcher: &globset::GlobMatcher,
    layouts: bool,
) -> Vec<PathBuf> {
    let root = base.join(literal_prefix(pattern));
    let absolute = Path::new(pattern).is_absolute();
    let mut out = Vec::new();
    let mut walk = walkdir::WalkDir::new(&root).follow_links(false).into_iter();
    while let Some(entry) = walk.next() {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_dir() && entry.file_name() == ".git" {
            walk.skip_current_dir();
            continue;
        }
        let path = entry.path();
        let candidate = if absolute {
            path
        } else {
            path.strip_prefix(base).unwrap_or(path)
        };
        // A symlink counts as what it points at (the resolved path must then be inside the
        // tree, see `outside`), but symlinked directories are not descended into.
        let is_link = entry.path_is_symlink() && entry.depth() > 0;
        let is_dir = entry.file_type().is_dir() || (is_link && path.is_dir());
        let is_file = entry.file_type().is_file() || (is_link && path.is_file());
        let is_layout = layouts && is_dir && path.join("oci-layout").is_file();
        if (is_file || is_layout) && matcher.is_match(candidate) {
            out.push(path.to_path_buf());
        }
        if is_layout && !is_link {
            walk.skip_current_dir();
        }
    }
    out.sort();
    out
}
