//! One function per kind of target, each returning Trivy's report (or why there is none) with
//! what the scan learnt about the target: the image a Dockerfile was built as, the digest an
//! archive or a resolved tag was scanned at.

use std::path::Path;

use crate::exec;
use crate::model::{FailureKind, PlannedTarget, TargetKind};
use crate::stage::build;

use super::Scan;
use super::failure::{Failure, failure};

/// What Trivy is pointed at.
#[derive(Debug, Clone, Copy)]
pub(super) enum ImageSource<'a> {
    /// An image in a registry (`--image-src remote`).
    Registry(&'a str),
    /// An image in the local Docker engine, just built (`--image-src docker`).
    Docker(&'a str),
    /// An image archive or OCI layout directory (`--input`).
    Archive(&'a Path),
}

/// A target's raw result.
pub(super) struct Raw {
    pub report: Result<Vec<u8>, Failure>,
    /// Dockerfiles: the temporary image name it was built as.
    pub built_image: Option<String>,
    /// Archives: the digest the archive names; images by tag with `resolve_tags`: the digest
    /// scanned.
    pub digest: Option<String>,
}

impl Raw {
    fn failed(kind: FailureKind, message: impl Into<String>) -> Raw {
        Raw::of(Err(failure(kind, message)))
    }

    fn of(report: Result<Vec<u8>, Failure>) -> Raw {
        Raw {
            report,
            built_image: None,
            digest: None,
        }
    }
}

impl Scan<'_> {
    /// Trivy's report for a target, or why there is none.
    pub(super) fn raw_report(&self, target: &PlannedTarget, index: usize) -> Raw {
        if exec::interrupted() {
            return Raw::failed(
                FailureKind::Interrupted,
                "not scanned: the run was interrupted",
            );
        }
        if let Some(problem) = &target.problem {
            return Raw::failed(FailureKind::InvalidTarget, problem.clone());
        }
        if let Some(why) = &self.no_db
            && target.kind.runs_trivy()
        {
            return Raw::failed(
                FailureKind::DatabaseUnavailable,
                format!("no vulnerability DB: {why}"),
            );
        }
        match &target.kind {
            TargetKind::Image(reference) => self.image(target, reference, index),
            TargetKind::Report(path) => Raw::of(imported(path)),
            TargetKind::Archive(path) => self.archive(target, path, index),
            TargetKind::Dockerfile(path) => self.dockerfile(target, path, index),
        }
    }

    fn image(&self, target: &PlannedTarget, reference: &str, index: usize) -> Raw {
        let parsed = crate::reference::parse(reference).ok();
        let mut digest = parsed.as_ref().and_then(|r| r.digest.clone());
        // resolve_tags: the tag's digest from the registry, and the scan pinned to it, so what
        // is stored under the digest is what was scanned.
        let mut scan_ref = reference.to_string();
        if digest.is_none()
            && self.settings.resolve_tags
            && self.cache.is_some()
            && let Some(parsed) = &parsed
            && let Ok(resolved) =
                crate::registry::resolve_digest(parsed, self.registry_login(), &self.settings.env)
        {
            scan_ref = format!("{}@{resolved}", parsed.name);
            digest = Some(resolved);
        }
        let identity = digest.as_ref().map(|d| format!("image {d}"));
        let report = self.cached(target, identity, index, |all| {
            self.scan_image(
                ImageSource::Registry(&scan_ref),
                index,
                target.ignore_file.as_deref(),
                all,
            )
        });
        Raw {
            report,
            built_image: None,
            // Reported only when the scan was pinned to a digest the reference did not name.
            digest: digest.filter(|_| scan_ref != reference),
        }
    }

    fn archive(&self, target: &PlannedTarget, path: &Path, index: usize) -> Raw {
        let info = match crate::archive::inspect(path) {
            Ok(info) => info,
            Err(why) => {
                return Raw::failed(
                    FailureKind::InvalidTarget,
                    format!("not an image archive: {why}"),
                );
            }
        };
        let input = if info.format == crate::archive::ArchiveFormat::OciTar {
            // Trivy reads OCI layouts only as directories.
            let dir = self.work_dir.join(format!("archive-{index}"));
            if let Err(why) = crate::archive::unpack(path, &dir) {
                return Raw::failed(FailureKind::InvalidTarget, why);
            }
            dir
        } else {
            path.to_path_buf()
        };
        // Keyed by the content, not by the digest the archive claims: one archive must not be
        // able to plant results for another's digest.
        let identity = crate::archive::content_hash(path)
            .ok()
            .map(|hash| format!("archive content {hash}"));
        let report = self.cached(target, identity, index, |all| {
            self.scan_image(
                ImageSource::Archive(&input),
                index,
                target.ignore_file.as_deref(),
                all,
            )
        });
        if input != path {
            let _ = std::fs::remove_dir_all(&input);
        }
        Raw {
            report,
            built_image: None,
            digest: Some(info.digest),
        }
    }

    fn dockerfile(&self, target: &PlannedTarget, path: &Path, index: usize) -> Raw {
        let docker = match &self.docker {
            Some(Ok(docker)) => docker,
            Some(Err(e)) => return Raw::failed(FailureKind::DockerUnavailable, e.to_string()),
            None => return Raw::failed(FailureKind::DockerUnavailable, "Docker was not checked"),
        };
        let name = build::image_name(path);
        let built = match docker.build(path, &target.build, &name) {
            Ok(built) => built,
            // A build stopped by Ctrl-C is not a failed build.
            Err(_) if exec::interrupted() => {
                return Raw::failed(FailureKind::Interrupted, "interrupted during the build");
            }
            Err(output) => {
                return Raw::failed(FailureKind::BuildFailed, format!("Build error: {output}"));
            }
        };
        // The image is removed when `built` drops, after the scan, whatever its outcome.
        let identity = docker.content_identity(&built.name);
        let report = self.cached(target, identity, index, |all| {
            self.scan_image(
                ImageSource::Docker(&built.name),
                index,
                target.ignore_file.as_deref(),
                all,
            )
        });
        drop(built);
        Raw {
            report,
            built_image: Some(name),
            digest: None,
        }
    }
}

/// An imported Trivy report: its bytes, bounded.
fn imported(path: &Path) -> Result<Vec<u8>, Failure> {
    crate::input::read_io(path, None, crate::input::limit(crate::input::REPORT_LIMIT)).map_err(
        |e| {
            failure(
                FailureKind::InvalidTarget,
                crate::msg!("file-unreadable", path = path.display(), error = e).to_string(),
            )
        },
    )
}
