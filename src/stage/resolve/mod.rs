//! Resolve stage: target sets -> the plan. Expands globs, applies excludes, imports legacy
//! lists, checks that files exist and image references are valid, and drops duplicates.
//!
//! A bad target is kept in the plan with its problem, so `run` can report it as an error entry
//! while the rest goes on; `config check` and `targets` show the problems as diagnostics.

mod files;
mod images;
mod manifests;
mod shard;

use files::{exclude_set, normalize};
pub use images::shown_line;
pub use shard::{plan_id, shard, shard_of};

use crate::diagnostic_code::Code;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::legacy_list;
use crate::model::{
    InputKind, Ledger, LedgerEntry, LedgerStatus, Plan, PlannedTarget, Severity, TargetKind,
};
use crate::settings::{LegacyList, LegacyListKind, Origin, Problem, Settings, TargetSet};
use globset::GlobSet;

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
            self.legacy_list(set, list, &excludes);
        }
        self.manifests(set, &excludes);
        self.patterns(set, &set.dockerfiles, &excludes, TargetKind::Dockerfile);
        self.patterns(set, &set.reports, &excludes, TargetKind::Report);
        self.archives(set, &excludes);
    }

    fn push(
        &mut self,
        set: &TargetSet,
        kind: TargetKind,
        severity: Severity,
        origin: Origin,
        problem: Option<String>,
    ) {
        let identity = (kind.label(), kind.display_name());
        if let Some(&first) = self.seen.get(&identity) {
            let earlier = &self.out.plan.targets[first];
            // The same image from another kind of source (globbed from the registry and named
            // in a manifest, say) is the normal case, not a mistake: one target, every origin.
            if !is_repeat(&earlier.origin, &origin) {
                self.out.plan.targets[first].also.push(origin);
                return;
            }
            let message = crate::msg!(
                "target-duplicate",
                what = kind.label(),
                name = format!("{:?}", kind.display_name()),
                first = earlier.origin,
                set1 = earlier.set,
                set2 = set.name
            );
            self.out.problems.push(
                Problem::warning(Code::ResolveDuplicate, message)
                    .label(crate::msg!("target-duplicate-label"))
                    .help(crate::msg!("target-duplicate-help"))
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

    /// One of the old script's lists: each line an image or a Dockerfile, and its ledger entry.
    fn legacy_list(&mut self, set: &TargetSet, list: &LegacyList, excludes: &GlobSet) {
        let parsed = match legacy_list::read_list(&list.path, self.base_dir) {
            Ok(p) => p,
            Err(e) => {
                self.out.problems.push(
                    Problem::error(
                        Code::ResolveLegacyList,
                        crate::msg!(
                            "legacy-list-unreadable",
                            path = crate::paths::display_path(&list.path),
                            error = e
                        ),
                    )
                    .label(crate::msg!("legacy-list-unreadable-label"))
                    .help(crate::msg!("legacy-list-unreadable-help"))
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
                return;
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
                LegacyListKind::Images => self.image(set, &entry.text, severity, origin, excludes),
                LegacyListKind::Dockerfiles => {
                    let path = normalize(&list_dir.join(&entry.text));
                    self.file(
                        set,
                        TargetKind::Dockerfile(path),
                        severity,
                        origin,
                        excludes,
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

/// The files a `vex`-like entry names below `base_dir`: a glob's matches, or the path itself
/// (whether or not it exists: reading it says why not).
pub fn files_named(base_dir: &Path, pattern: &str) -> Vec<PathBuf> {
    if !files::is_glob(pattern) {
        return vec![normalize(&base_dir.join(pattern))];
    }
    match files::compile(pattern) {
        Some(glob) => files::expand(base_dir, pattern, &glob.compile_matcher(), false),
        None => Vec::new(),
    }
}
