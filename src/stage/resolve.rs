//! Resolve stage: target sets -> the plan. Expands globs, applies excludes, imports legacy
//! lists, checks that files exist and image references are valid, and drops duplicates.
//!
//! A bad target is kept in the plan with its problem, so `run` can report it as an error entry
//! while the rest goes on; `config check` and `targets` show the problems as diagnostics.

use crate::diagnostic_code::Code;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::legacy_list;
use crate::model::{
    InputKind, Ledger, LedgerEntry, LedgerStatus, Plan, PlannedTarget, Severity, TargetKind,
};
use crate::reference;
use crate::settings::{LegacyListKind, Origin, Problem, Settings, Sourced, TargetSet};

#[derive(Debug, Default)]
pub struct Resolved {
    pub plan: Plan,
    /// Errors and warnings, each pointing at its place.
    pub problems: Vec<Problem>,
    /// Things worth knowing in verbose mode (refs not pinned by digest).
    pub notes: Vec<crate::i18n::Msg>,
    /// Things to say on stderr (unless -q): what `max_tags` left out.
    pub said: Vec<crate::i18n::Msg>,
    /// What became of each input that expands into targets (globs, lists, manifests): the
    /// run's ledger starts here, so one that yields nothing or fails is never dropped.
    pub ledger: Ledger,
}

pub fn resolve(settings: &Settings) -> Resolved {
    let mut r = Resolver {
        base_dir: &settings.base_dir,
        real_base: (!settings.allow_outside_paths)
            .then(|| settings.base_dir.canonicalize().ok())
            .flatten(),
        out: Resolved::default(),
        seen: HashMap::new(),
        registry: std::cell::OnceCell::new(),
        login: settings.trivy.registry_login(&settings.env),
        listing_limit: settings.registry_listing_limit,
        env: &settings.env,
    };
    for set in &settings.target_sets {
        r.set(set);
    }
    r.out
}

struct Resolver<'a> {
    base_dir: &'a Path,
    /// The config's directory with symlinks resolved, when file targets must stay inside it.
    real_base: Option<PathBuf>,
    out: Resolved,
    /// identity -> index in the plan, for dedupe.
    seen: HashMap<(&'static str, String), usize>,
    /// Asks registries what their globs match; made when the first glob needs it, and kept for
    /// the run (each catalog and tag list is asked once).
    registry: std::cell::OnceCell<crate::registry::Client>,
    login: Option<crate::registry::Login>,
    listing_limit: usize,
    env: &'a crate::environment::Environment,
}

/// How much of an invalid list line is echoed.
const SHOWN_LINE_CHARS: usize = 80;

/// `text` as diagnostics and reports show an invalid line: at most [`SHOWN_LINE_CHARS`]
/// characters, then `...`, with what a terminal would act on escaped (`\u{1b}`).
pub fn shown_line(text: &str) -> String {
    let mut chars = text.chars();
    let prefix: String = chars.by_ref().take(SHOWN_LINE_CHARS).collect();
    let more = if chars.next().is_some() { "..." } else { "" };
    format!("{}{more}", crate::terminal::printable(&prefix))
}

/// What a path that exists but is no regular file is, for a diagnostic.
fn not_a_regular_file(meta: &std::fs::Metadata) -> crate::i18n::Msg {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        crate::msg!("directory")
    } else if kind.is_fifo() {
        crate::msg!("named-pipe-fifo")
    } else if kind.is_socket() {
        crate::msg!("socket")
    } else if kind.is_block_device() || kind.is_char_device() {
        crate::msg!("device")
    } else {
        crate::msg!("special-file")
    }
}

/// Patterns with any of these are globs; anything else is a literal path.
fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

fn compile(pattern: &str) -> Option<Glob> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
}

/// `a/./b/../c` -> `a/c` (see [`crate::paths::lexical`]).
fn normalize(path: &Path) -> PathBuf {
    crate::paths::lexical(path)
}

impl Resolver<'_> {
    fn set(&mut self, set: &TargetSet) {
        let excludes = exclude_set(&set.exclude);
        for image in &set.images {
            self.image(
                set,
                &image.value,
                set.severity,
                image.origin.clone(),
                &excludes,
            );
        }
        for list in &set.legacy_lists {
            let parsed = match legacy_list::read_list(&list.path, self.base_dir) {
                Ok(p) => p,
                Err(e) => {
                    self.out.problems.push(
                        Problem::error(
                            Code::ResolveLegacyList,
                            crate::msg!(
                                "cannot-read-legacy-list-path",
                                path = crate::paths::display_path(&list.path),
                                error = e
                            ),
                        )
                        .label(crate::msg!("this-list"))
                        .help(crate::msg!("check-path-relative-config-file"))
                        .at(&list.origin),
                    );
                    self.out.ledger.push(
                        LedgerEntry::new(
                            InputKind::LegacyList,
                            crate::paths::display_path(&list.path),
                            LedgerStatus::Failed,
                        )
                        .origin(&list.origin)
                        .reason(format!("cannot be read: {e}")),
                    );
                    continue;
                }
            };
            let before = self.out.plan.targets.len();
            let severity = parsed.severity.unwrap_or(set.severity);
            let list_dir = list.path.parent().unwrap_or(self.base_dir).to_path_buf();
            for entry in &parsed.entries {
                let origin = Origin::Legacy {
                    file: parsed.file.clone(),
                    span: entry.span.clone(),
                };
                match list.kind {
                    LegacyListKind::Images => {
                        self.image(set, &entry.text, severity, origin, &excludes)
                    }
                    LegacyListKind::Dockerfiles => {
                        let path = normalize(&list_dir.join(&entry.text));
                        self.file(
                            set,
                            TargetKind::Dockerfile(path),
                            severity,
                            origin,
                            &excludes,
                            true,
                        );
                    }
                }
            }
            let list_errors = parsed.problems.iter().filter(|p| p.is_error()).count();
            self.out.problems.extend(parsed.problems);
            let entry = LedgerEntry::new(
                InputKind::LegacyList,
                crate::paths::display_path(&list.path),
                if list_errors == 0 {
                    LedgerStatus::Done
                } else {
                    LedgerStatus::Failed
                },
            )
            .origin(&list.origin)
            .targets(self.out.plan.targets.len() - before);
            self.out.ledger.push(if list_errors == 0 {
                entry
            } else {
                entry.reason(format!("{list_errors} line(s) could not be read"))
            });
        }
        self.manifests(set, &excludes);
        self.patterns(set, &set.dockerfiles, &excludes, TargetKind::Dockerfile);
        self.patterns(set, &set.reports, &excludes, TargetKind::Report);
        self.archives(set, &excludes);
    }

    fn image(
        &mut self,
        set: &TargetSet,
        text: &str,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
    ) {
        if let Some(glob) = crate::registry::parse_glob(text) {
            self.registry_glob(set, text, glob, severity, origin, excludes);
            return;
        }
        self.image_literal(set, text, severity, origin, excludes);
    }

    /// An image reference taken as it is: what a registry glob expands to is never a glob
    /// again (a tag named `release-*` would otherwise expand forever).
    fn image_literal(
        &mut self,
        set: &TargetSet,
        text: &str,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
    ) {
        if excludes.is_match(text) {
            return;
        }
        let problem = match reference::parse(text) {
            Ok(r) => {
                if !r.is_pinned() {
                    self.out.notes.push(crate::msg!(
                        "reference-not-pinned",
                        text = text,
                        origin = origin
                    ));
                }
                None
            }
            Err(why) => {
                // Echoed only as a short prefix with control characters escaped: a "list" may be
                // any text (a secret, terminal escapes), and it goes to logs and reports.
                let shown = shown_line(text);
                let quoted = format!("\"{shown}\"");
                // The source line itself is shown only when it is short plain text.
                let problem = if shown == text {
                    Problem::error(
                        Code::ResolveImageRef,
                        crate::msg!("text-not-valid-image-reference-2", text = quoted, why = why),
                    )
                    .label(why.clone())
                    .at(&origin)
                } else {
                    Problem::error(
                        Code::ResolveImageRef,
                        crate::msg!(
                            "text-not-valid-image-reference",
                            text = quoted,
                            why = why,
                            origin = origin
                        ),
                    )
                };
                self.out
                    .problems
                    .push(problem.help(crate::msg!("write-registry-repository-tag-sha256")));
                self.push(
                    set,
                    TargetKind::Image(shown),
                    severity,
                    origin,
                    Some(format!("invalid image reference: {why}")),
                );
                return;
            }
        };
        self.push(
            set,
            TargetKind::Image(text.to_string()),
            severity,
            origin,
            problem,
        );
    }

    /// A registry glob: each reference it matches, with the glob in its origin. A glob the
    /// registry cannot answer is a diagnostic and an error entry named after it; the rest of
    /// the plan stands.
    fn registry_glob(
        &mut self,
        set: &TargetSet,
        text: &str,
        glob: Result<crate::registry::RefGlob, String>,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
    ) {
        let login = self.login.clone();
        let expanded = glob.and_then(|g| {
            self.registry
                .get_or_init(|| crate::registry::Client::new(login, self.listing_limit, self.env))
                .expand(&g, set.max_tags)
        });
        let before = self.out.plan.targets.len();
        match expanded {
            Ok(crate::registry::Expansion { refs, trimmed }) => {
                for (repo, kept, all) in trimmed {
                    self.out.said.push(crate::msg!(
                        "max-tags-kept",
                        glob = text,
                        repo = repo,
                        kept = kept.len(),
                        all = all
                    ));
                    self.out.notes.push(crate::msg!(
                        "max-tags-kept-which",
                        repo = repo,
                        tags = kept.join(", ")
                    ));
                }
                if refs.is_empty() {
                    self.out.ledger.push(
                        LedgerEntry::new(InputKind::RegistryGlob, text, LedgerStatus::Failed)
                            .origin(&origin)
                            .reason("matches no image in the registry")
                            .targets(0),
                    );
                    self.out.problems.push(
                        Problem::warning(
                            Code::ResolveGlobNoMatch,
                            crate::msg!(
                                "text-matches-no-image-registry",
                                text = format!("{:?}", text)
                            ),
                        )
                        .label(crate::msg!("matches-nothing"))
                        .help(crate::msg!("repository-globs-are-matched-against"))
                        .at(&origin),
                    );
                }
                let matched = refs.len();
                for found in refs {
                    let via = Origin::Via {
                        inner: Box::new(origin.clone()),
                        via: text.to_string(),
                    };
                    self.image_literal(set, &found, severity, via, excludes);
                }
                if matched > 0 {
                    let yielded = self.out.plan.targets.len() - before;
                    self.out.ledger.push(
                        LedgerEntry::new(InputKind::RegistryGlob, text, LedgerStatus::Done)
                            .origin(&origin)
                            .targets(yielded),
                    );
                }
            }
            Err(why) => {
                let why = crate::terminal::printable(&why).into_owned();
                self.out.problems.push(
                    Problem::error(
                        Code::ResolveRegistryGlob,
                        crate::msg!(
                            "cannot-expand-registry-glob-text",
                            text = format!("{:?}", text),
                            why = why
                        ),
                    )
                    .label(crate::msg!("this-glob"))
                    .help(crate::msg!("globs-need-registry-s-catalog"))
                    .at(&origin),
                );
                self.out.ledger.push(
                    LedgerEntry::new(InputKind::RegistryGlob, text, LedgerStatus::Failed)
                        .origin(&origin)
                        .reason(format!("not expanded: {why}")),
                );
                self.push(
                    set,
                    TargetKind::Image(shown_line(text)),
                    severity,
                    origin,
                    Some(format!("registry glob not expanded: {why}")),
                );
            }
        }
    }

    fn file(
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
        let rel = path.strip_prefix(self.base_dir).unwrap_or(&path);
        if excludes.is_match(rel) || excludes.is_match(&path) {
            return;
        }
        let mut problem = self.outside(&path, &kind, &origin);
        let not_a_file = match std::fs::metadata(&path) {
            _ if problem.is_some() || !check_exists => None,
            Ok(meta) if meta.is_file() => None,
            Ok(meta) => Some(not_a_regular_file(&meta)),
            Err(_) => Some(crate::msg!("not-found")),
        };
        if let Some(why) = not_a_file {
            let missing = why.id() == Some("not-found");
            let what = kind.label();
            let shown = crate::paths::display_path(&path);
            let problem_here = if missing {
                Problem::error(
                    Code::ResolveMissingFile,
                    crate::msg!("what-path-does-not-exist", what = what, path = shown),
                )
                .label(crate::msg!("what-not-found", what = what))
                .help(crate::msg!("paths-are-relative-config-file-2"))
            } else {
                Problem::error(
                    Code::ResolveNotAFile,
                    crate::msg!(
                        "what-path-kind-not-file",
                        what = what,
                        path = shown,
                        kind = why
                    ),
                )
                .label(why.clone())
                .help(crate::msg!("name-file-itself-dockerfile-s"))
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
    fn outside(&mut self, path: &Path, kind: &TargetKind, origin: &Origin) -> Option<String> {
        let base = self.real_base.as_ref()?;
        let real = path.canonicalize().ok()?;
        if real.starts_with(base) {
            return None;
        }
        let what = kind.label();
        let shown = crate::paths::display_path(path);
        let via = if real != *path {
            crate::msg!("resolves-real", real = real.display())
        } else {
            crate::i18n::Msg::verbatim("")
        };
        self.out.problems.push(
            Problem::error(
                Code::ResolveOutsidePath,
                crate::msg!(
                    "what-path-outside-config-s",
                    what = what,
                    path = shown,
                    via = via
                ),
            )
            .label(crate::msg!("outside-config-s-directory-tree"))
            .help(crate::msg!("move-under-config-s-directory"))
            .at(origin),
        );
        Some(format!("{what} outside the config's directory: {shown}"))
    }

    fn patterns(
        &mut self,
        set: &TargetSet,
        patterns: &[Sourced<String>],
        excludes: &GlobSet,
        make: fn(PathBuf) -> TargetKind,
    ) {
        for pattern in patterns {
            if !is_glob(&pattern.value) {
                let path = normalize(&self.base_dir.join(&pattern.value));
                self.file(
                    set,
                    make(path),
                    set.severity,
                    pattern.origin.clone(),
                    excludes,
                    true,
                );
                continue;
            }
            // Invalid globs were reported by config validation.
            let Some(matches) = self.expand_glob(pattern, false, "file") else {
                continue;
            };
            for path in matches {
                self.file(
                    set,
                    make(path),
                    set.severity,
                    pattern.origin.clone(),
                    excludes,
                    false,
                );
            }
        }
    }

    /// Kubernetes manifests and Compose files: each image they name, with the place of its
    /// `image:` as its origin. A file that cannot be read or parsed is a diagnostic at its
    /// place; what it yielded before the error, and the other files, are still used.
    fn manifests(&mut self, set: &TargetSet, excludes: &GlobSet) {
        for pattern in &set.manifests {
            let paths = if is_glob(&pattern.value) {
                let Some(found) = self.expand_glob(pattern, false, "manifest") else {
                    continue;
                };
                found
            } else {
                vec![normalize(&self.base_dir.join(&pattern.value))]
            };
            for path in paths {
                let shown = crate::paths::display_path(&path);
                let manifest = match crate::manifests::read(&path, self.real_base.as_deref()) {
                    Ok(m) => m,
                    Err(e) => {
                        self.out.problems.push(
                            Problem::error(
                                Code::ResolveManifest,
                                crate::msg!("cannot-read-manifest-path-e", path = shown, e = e),
                            )
                            .label(crate::msg!("this-manifest"))
                            .help(crate::msg!("paths-globs-are-relative-config"))
                            .at(&pattern.origin),
                        );
                        self.out.ledger.push(
                            LedgerEntry::new(InputKind::Manifest, shown, LedgerStatus::Failed)
                                .origin(&pattern.origin)
                                .reason(format!("cannot be read: {e}")),
                        );
                        continue;
                    }
                };
                let before = self.out.plan.targets.len();
                let mut skipped_builds = Vec::new();
                if let Some((why, span)) = &manifest.error {
                    self.out.problems.push(
                        Problem::error(
                            Code::ResolveManifest,
                            crate::msg!("path-not-valid-yaml-why", path = shown, why = why),
                        )
                        .label(crate::msg!("here"))
                        .help(crate::msg!("images-before-this-point-are"))
                        .at(&Origin::Manifest {
                            file: manifest.file.clone(),
                            span: span.clone(),
                        }),
                    );
                }
                for image in &manifest.images {
                    let origin = Origin::Manifest {
                        file: manifest.file.clone(),
                        span: image.span.clone(),
                    };
                    self.image(set, &image.image, set.severity, origin, excludes);
                }
                let dir = path.parent().unwrap_or(self.base_dir).to_path_buf();
                for build in &manifest.builds {
                    let origin = Origin::Manifest {
                        file: manifest.file.clone(),
                        span: build.span.clone(),
                    };
                    if !set.compose_build {
                        self.out.problems.push(
                            Problem::warning(
                                Code::ResolveComposeBuild,
                                crate::msg!(
                                    "service-name-built-from-dockerfile",
                                    name = build.service
                                ),
                            )
                            .label(crate::msg!("built-no-image"))
                            .help(crate::msg!("set-compose-build-true-target"))
                            .at(&origin),
                        );
                        skipped_builds.push((build.service.clone(), origin));
                        continue;
                    }
                    let context = normalize(&dir.join(&build.context));
                    let dockerfile = normalize(&context.join(&build.dockerfile));
                    let before = self.out.plan.targets.len();
                    self.file(
                        set,
                        TargetKind::Dockerfile(dockerfile),
                        set.severity,
                        origin,
                        excludes,
                        true,
                    );
                    // Built in the service's context, as Compose builds it.
                    if let Some(t) = self.out.plan.targets.get_mut(before) {
                        t.build.context = Some(context);
                    }
                }
                let yielded = self.out.plan.targets.len() - before;
                let entry = match &manifest.error {
                    Some((why, span)) => {
                        LedgerEntry::new(InputKind::Manifest, &shown, LedgerStatus::Failed)
                            .origin(Origin::Manifest {
                                file: manifest.file.clone(),
                                span: span.clone(),
                            })
                            .reason(format!(
                                "not valid YAML ({}): images after this point were not read",
                                crate::terminal::printable(why)
                            ))
                    }
                    None => LedgerEntry::new(InputKind::Manifest, &shown, LedgerStatus::Done)
                        .origin(&pattern.origin),
                };
                self.out.ledger.push(entry.targets(yielded));
                for (service, origin) in skipped_builds {
                    self.out.ledger.push(
                        LedgerEntry::new(InputKind::ComposeBuild, service, LedgerStatus::Skipped)
                            .origin(origin)
                            .reason("built from a Dockerfile; compose_build = false"),
                    );
                }
            }
        }
    }

    /// Archives: files, or OCI layout directories; each is checked to be an image archive.
    fn archives(&mut self, set: &TargetSet, excludes: &GlobSet) {
        for pattern in &set.archives {
            let paths = if is_glob(&pattern.value) {
                let Some(found) = self.expand_glob(pattern, true, "archive") else {
                    continue;
                };
                found
            } else {
                vec![normalize(&self.base_dir.join(&pattern.value))]
            };
            for path in paths {
                let rel = path.strip_prefix(self.base_dir).unwrap_or(&path);
                if excludes.is_match(rel) || excludes.is_match(&path) {
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
                            crate::msg!("path-not-image-archive-why", path = shown, why = why),
                        )
                        .label(crate::msg!("not-image-archive"))
                        .help(crate::msg!("archives-are-docker-save-tarballs"))
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
    fn expand_glob(
        &mut self,
        pattern: &Sourced<String>,
        layouts: bool,
        what: &str,
    ) -> Option<Vec<PathBuf>> {
        let matcher = compile(&pattern.value)?.compile_matcher();
        if let Some(base) = &self.real_base {
            let root = normalize(&self.base_dir.join(literal_prefix(&pattern.value)));
            let real_root = root.canonicalize().unwrap_or_else(|_| root.clone());
            if !root.starts_with(normalize(self.base_dir)) || !real_root.starts_with(base) {
                self.out.problems.push(
                    Problem::error(
                        Code::ResolveOutsidePath,
                        crate::msg!(
                            "glob-would-search-outside-config",
                            glob = format!("{:?}", pattern.value),
                            root = real_root.display()
                        ),
                    )
                    .label(crate::msg!("climbs-out-config-s-directory"))
                    .help(crate::msg!("write-globs-below-config-s"))
                    .at(&pattern.origin),
                );
                self.out.ledger.push(
                    LedgerEntry::new(InputKind::FileGlob, &pattern.value, LedgerStatus::Failed)
                        .origin(&pattern.origin)
                        .reason("it would search outside the config's directory"),
                );
                return None;
            }
        }
        let found = expand(self.base_dir, &pattern.value, &matcher, layouts);
        if found.is_empty() {
            self.out.problems.push(
                Problem::warning(
                    Code::ResolveGlobNoMatch,
                    crate::msg!(
                        "glob-matches-no-what",
                        glob = format!("{:?}", pattern.value),
                        what = what
                    ),
                )
                .label(crate::msg!("matches-nothing"))
                .help(crate::msg!("globs-are-matched-against-paths"))
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

    fn push(
        &mut self,
        set: &TargetSet,
        kind: TargetKind,
        severity: Severity,
        origin: Origin,
        problem: Option<String>,
    ) {
        let identity = (kind.label(), kind.identity());
        if let Some(&first) = self.seen.get(&identity) {
            let earlier = &self.out.plan.targets[first];
            // The same image from another kind of source (globbed from the registry and named
            // in a manifest, say) is the normal case, not a mistake: one target, every origin.
            if !is_repeat(&earlier.origin, &origin) {
                self.out.plan.targets[first].also.push(origin);
                return;
            }
            let message = crate::msg!(
                "what-name-listed-twice-first",
                what = kind.label(),
                name = format!("{:?}", kind.display_name()),
                first = earlier.origin,
                set1 = earlier.set,
                set2 = set.name
            );
            self.out.problems.push(
                Problem::warning(Code::ResolveDuplicate, message)
                    .label(crate::msg!("duplicate"))
                    .help(crate::msg!("remove-one-two-entries"))
                    .at(&origin),
            );
            return;
        }
        self.seen.insert(identity, self.out.plan.targets.len());
        let build = match kind {
            TargetKind::Dockerfile(_) => set.build.clone(),
            _ => Default::default(),
        };
        self.out.plan.targets.push(PlannedTarget {
            set: set.name.clone(),
            kind,
            build,
            severity,
            origin,
            also: Vec::new(),
            problem,
            ignore_file: set.trivyignore.clone(),
        });
    }
}

/// Whether a target named at `first` and again at `again` is a true repeat (the same kind of
/// source twice: two entries of the config files, two lines of legacy lists), which a person
/// should remove; any other pair names one target from two places.
fn is_repeat(first: &Origin, again: &Origin) -> bool {
    matches!(
        (first, again),
        (Origin::File { .. }, Origin::File { .. }) | (Origin::Legacy { .. }, Origin::Legacy { .. })
    )
}

fn exclude_set(excludes: &[Sourced<String>]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for e in excludes {
        if let Some(g) = compile(&e.value) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The directories of a glob before its first glob part: where the walk starts.
fn literal_prefix(pattern: &str) -> String {
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
fn expand(
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

/// What identifies a plan across the jobs that each scan a shard of it: a SHA-256 over the
/// settings that shape results (`settings`: profile, gate, scanners, ...) and every target's
/// kind, identity (files relative to the config's directory) and threshold, in plan order.
pub fn plan_id(targets: &[PlannedTarget], base_dir: &Path, settings: &str) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(settings.as_bytes());
    hasher.update([0]);
    for t in targets {
        hasher.update(t.kind.label().as_bytes());
        hasher.update([0]);
        hasher.update(shard_identity(t, base_dir).as_bytes());
        hasher.update([0]);
        hasher.update(t.severity.as_str().as_bytes());
        hasher.update([0]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// A target's identity as shards and plans see it: files relative to the config's directory.
fn shard_identity(target: &PlannedTarget, base_dir: &Path) -> String {
    match &target.kind {
        TargetKind::Image(reference) => reference.clone(),
        TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => p
            .strip_prefix(base_dir)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned(),
    }
}

/// The targets of shard `k` of `n` (1-based): each target goes to the shard its identity
/// hashes to, so a target's shard never depends on the others in the plan.
pub fn shard(targets: Vec<PlannedTarget>, base_dir: &Path, k: u32, n: u32) -> Vec<PlannedTarget> {
    targets
        .into_iter()
        .filter(|t| shard_of(t, base_dir, n) == k)
        .collect()
}

/// 1-based shard of a target among `n`: the first 8 bytes of SHA-256 over its kind and its
/// identity (files relative to the config's directory, so every checkout agrees).
pub fn shard_of(target: &PlannedTarget, base_dir: &Path, n: u32) -> u32 {
    use sha2::Digest;
    let identity = shard_identity(target, base_dir);
    let digest = sha2::Sha256::new()
        .chain_update(target.kind.label().as_bytes())
        .chain_update([0])
        .chain_update(identity.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(n)) as u32 + 1
}
