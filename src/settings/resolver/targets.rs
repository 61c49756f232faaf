//! `[[targets]]` sets and `[[ignore]]` rules.

use std::path::Path;

use crate::diagnostic_code::Code;

use super::{Resolver, parse_path};
use crate::model::Severity;
use crate::settings::diagnostics::Problem;
use crate::settings::resolved::{IgnoreRule, LegacyList, LegacyListKind, TargetSet};
use crate::settings::schema::{IgnoreFile, TargetSetFile};
use crate::source::KeyPath;

impl Resolver<'_> {
    fn empty_target_set(&mut self, name: &str, path: &KeyPath) {
        self.problems.push(
            Problem::error(
                Code::ConfigEmptyTargetSet,
                crate::msg!("config-empty-target-set", name = name),
            )
            .label(crate::msg!("config-empty-target-set-label"))
            .help(crate::msg!("config-empty-target-set-help"))
            .at(&self.layered.key_origin(path)),
        );
    }

    pub(super) fn target_set(
        &mut self,
        index: usize,
        set: &TargetSetFile,
        default_severity: Severity,
        base_dir: &Path,
    ) -> TargetSet {
        if let Some(context) = &set.context {
            self.outside_tree(
                &parse_path("targets").index(index),
                "context",
                context,
                base_dir,
            );
        }
        if let Some(ignore) = &set.trivyignore {
            self.outside_tree(
                &parse_path("targets").index(index),
                "trivyignore",
                ignore,
                base_dir,
            );
        }
        let path = KeyPath::default().key("targets").index(index);
        let name = set
            .name
            .clone()
            .unwrap_or_else(|| format!("set-{}", index + 1));
        let severity = match &set.severity {
            Some(v) => self
                .severity(v, &path.key("severity"))
                .unwrap_or(default_severity),
            None => default_severity,
        };
        let images = self.sourced(&set.images, &path.key("images"));
        let dockerfiles = self.sourced(&set.dockerfiles, &path.key("dockerfiles"));
        let reports = self.sourced(&set.reports, &path.key("reports"));
        let archives = self.sourced(&set.archives, &path.key("archives"));
        let manifests = self.sourced(&set.manifests, &path.key("manifests"));
        let exclude = self.sourced(&set.exclude, &path.key("exclude"));
        let vex = self.sourced(&set.vex, &path.key("vex"));
        self.check_vex(&vex);
        for globs in [&dockerfiles, &reports, &archives, &manifests, &exclude] {
            self.check_globs(globs);
        }
        let legacy_lists = self.legacy_lists(set, &path, base_dir);
        let origin = self.at(&path);
        let empty = [&images, &dockerfiles, &reports, &archives, &manifests]
            .iter()
            .all(|l| l.is_empty())
            && legacy_lists.is_empty();
        if empty {
            self.empty_target_set(&name, &path);
        }
        let build = crate::model::BuildOptions {
            context: set.context.as_ref().map(|c| base_dir.join(c)),
            build_args: set
                .build_args
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            target: set.target.clone(),
            platform: set.platform.clone(),
        };
        TargetSet {
            name,
            build,
            origin,
            severity,
            images,
            dockerfiles,
            reports,
            archives,
            manifests,
            compose_build: set.compose_build.unwrap_or(false),
            max_tags: set.max_tags.map(|n| self.max_tags(n, &path)),
            exclude,
            vex,
            legacy_lists,
            trivyignore: set
                .trivyignore
                .as_ref()
                .map(|f| self.trivyignore(f, &path, base_dir)),
        }
    }

    /// `images_file` and `dockerfiles_file`: the old script's lists.
    fn legacy_lists(
        &mut self,
        set: &TargetSetFile,
        path: &KeyPath,
        base_dir: &Path,
    ) -> Vec<LegacyList> {
        let mut legacy_lists = Vec::new();
        for (file, key, kind) in [
            (&set.images_file, "images_file", LegacyListKind::Images),
            (
                &set.dockerfiles_file,
                "dockerfiles_file",
                LegacyListKind::Dockerfiles,
            ),
        ] {
            if let Some(file) = file {
                legacy_lists.push(LegacyList {
                    kind,
                    path: base_dir.join(file),
                    origin: self.at(&path.key(key)),
                });
            }
        }
        legacy_lists
    }

    /// `max_tags`: at least 1.
    fn max_tags(&mut self, n: i64, path: &KeyPath) -> usize {
        if n < 1 {
            let at = self.at(&path.key("max_tags"));
            self.problems.push(
                Problem::error(Code::ConfigMaxTags, crate::msg!("config-max-tags", n = n))
                    .label(crate::msg!("label-at-least-one"))
                    .help(crate::msg!("config-max-tags-help"))
                    .at(&at),
            );
        }
        n.max(1) as usize
    }

    /// A set's `trivyignore`: a file that exists.
    fn trivyignore(&mut self, name: &str, path: &KeyPath, base_dir: &Path) -> std::path::PathBuf {
        let file = base_dir.join(name);
        if !file.is_file() {
            let at = self.at(&path.key("trivyignore"));
            self.problems.push(
                Problem::error(
                    Code::ConfigTrivyignore,
                    crate::msg!("config-trivyignore-missing", file = format!("{:?}", name)),
                )
                .label(crate::msg!("label-not-found"))
                .help(crate::msg!("config-trivyignore-missing-help"))
                .at(&at),
            );
        }
        file
    }

    pub(super) fn ignore_rule(&mut self, index: usize, entry: &IgnoreFile) -> Option<IgnoreRule> {
        let path = KeyPath::default().key("ignore").index(index);
        let origin = self.layered.key_origin(&path);
        let Some(id) = entry.id.clone().filter(|id| !id.trim().is_empty()) else {
            self.problems.push(
                Problem::error(Code::ConfigIgnore, crate::msg!("config-ignore-no-id"))
                    .label(crate::msg!("config-ignore-no-id-label"))
                    .help(crate::msg!("config-ignore-no-id-help"))
                    .at(&origin),
            );
            return None;
        };
        let packages = self.sourced(&entry.packages, &path.key("packages"));
        let targets = self.sourced(&entry.targets, &path.key("targets"));
        self.check_globs(&packages);
        self.check_globs(&targets);
        let expires = match &entry.expires {
            None => None,
            Some(text) => match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    self.problems.push(
                        Problem::error(
                            Code::ConfigDate,
                            crate::msg!("config-date", text = format!("{:?}", text)),
                        )
                        .label(crate::msg!("config-date-label"))
                        .help(crate::msg!("config-date-help"))
                        .at(&self.at(&path.key("expires"))),
                    );
                    None
                }
            },
        };
        let justification = entry.justification.as_ref().and_then(|j| {
            self.one_of(
                j.trim(),
                &crate::model::JUSTIFICATIONS,
                &path.key("justification"),
                Code::ConfigIgnore,
                "justification",
                |name| {
                    crate::model::JUSTIFICATIONS
                        .contains(&name)
                        .then(|| name.to_string())
                },
            )
        });
        Some(IgnoreRule {
            id,
            packages: packages.into_iter().map(|s| s.value).collect(),
            targets: targets.into_iter().map(|s| s.value).collect(),
            expires,
            reason: entry.reason.clone().unwrap_or_default(),
            justification,
            origin,
        })
    }
}
