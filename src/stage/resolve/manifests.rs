//! Kubernetes manifests and Compose files: the images they name, and the Dockerfiles Compose
//! builds.

use std::path::Path;

use globset::GlobSet;

use super::Resolver;
use super::files::normalize;
use crate::diagnostic_code::Code;
use crate::model::{InputKind, LedgerEntry, LedgerStatus, TargetKind};
use crate::settings::{Origin, Problem, Sourced, TargetSet};

impl Resolver<'_> {
    /// Kubernetes manifests and Compose files: each image they name, with the place of its
    /// `image:` as its origin. A file that cannot be read or parsed is a diagnostic at its
    /// place; what it yielded before the error, and the other files, are still used.
    pub(super) fn manifests(&mut self, set: &TargetSet, excludes: &GlobSet) {
        for pattern in &set.manifests {
            let Some((paths, _)) = self.paths_named(pattern, false, "manifest") else {
                continue;
            };
            for path in paths {
                self.manifest(set, pattern, &path, excludes);
            }
        }
    }

    /// One manifest file: its images and Compose builds, and its ledger entry.
    fn manifest(
        &mut self,
        set: &TargetSet,
        pattern: &Sourced<String>,
        path: &Path,
        excludes: &GlobSet,
    ) {
        let shown = crate::paths::display_path(path);
        let manifest = match crate::manifests::read(path, self.real_base.as_deref()) {
            Ok(m) => m,
            Err(e) => {
                self.out.problems.push(
                    Problem::error(
                        Code::ResolveManifest,
                        crate::msg!("manifest-unreadable", path = shown, e = e),
                    )
                    .label(crate::msg!("manifest-unreadable-label"))
                    .help(crate::msg!("manifest-unreadable-help"))
                    .at(&pattern.origin),
                );
                self.out.ledger.push(
                    LedgerEntry::new(InputKind::Manifest, shown, LedgerStatus::Failed)
                        .origin(&pattern.origin)
                        .reason(format!("cannot be read: {e}")),
                );
                return;
            }
        };
        let at = |span: &std::ops::Range<usize>| Origin::Manifest {
            file: manifest.file.clone(),
            span: span.clone(),
        };
        let before = self.out.plan.targets.len();
        if let Some((why, span)) = &manifest.error {
            self.out.problems.push(
                Problem::error(
                    Code::ResolveManifest,
                    crate::msg!("manifest-invalid-yaml", path = shown, why = why),
                )
                .label(crate::msg!("label-here"))
                .help(crate::msg!("manifest-invalid-yaml-help"))
                .at(&at(span)),
            );
        }
        for image in &manifest.images {
            self.image(set, &image.image, set.severity, at(&image.span), excludes);
        }
        let dir = path.parent().unwrap_or(self.base_dir).to_path_buf();
        let skipped_builds = self.compose_builds(set, &manifest, &dir, excludes);
        let yielded = self.out.plan.targets.len() - before;
        let entry = match &manifest.error {
            Some((why, span)) => {
                LedgerEntry::new(InputKind::Manifest, &shown, LedgerStatus::Failed)
                    .origin(at(span))
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

    /// The Dockerfiles a Compose file builds, as targets built in the service's context when
    /// the set has `compose_build`; else each is a warning, and returned (service, origin) to
    /// be said skipped in the ledger.
    fn compose_builds(
        &mut self,
        set: &TargetSet,
        manifest: &crate::manifests::Manifest,
        dir: &Path,
        excludes: &GlobSet,
    ) -> Vec<(String, Origin)> {
        let mut skipped = Vec::new();
        for build in &manifest.builds {
            let origin = Origin::Manifest {
                file: manifest.file.clone(),
                span: build.span.clone(),
            };
            if !set.compose_build {
                self.out.problems.push(
                    Problem::warning(
                        Code::ResolveComposeBuild,
                        crate::msg!("compose-build-skipped", name = build.service),
                    )
                    .label(crate::msg!("compose-build-skipped-label"))
                    .help(crate::msg!("compose-build-skipped-help"))
                    .at(&origin),
                );
                skipped.push((build.service.clone(), origin));
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
        skipped
    }
}
