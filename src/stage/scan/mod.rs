//! Scan stage: runs `trivy image` for every image target on a pool of workers, imports report
//! targets, and turns each into a `TargetResult` (normalized and grouped), in plan order.
//!
//! Parallel `trivy image` runs on one `--cache-dir` fail (Trivy locks `fanal/fanal.db` for a
//! whole scan and gives up after 5 s), so with several workers trivyscan starts its own
//! `trivy server` and points the workers at it (`backend = "server"`), or gives each scan an
//! in-memory cache (`backend = "memory"`). One worker scans standalone.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use miette::Diagnostic;

use crate::exec::{self, Cmd, ExecError, Service};
use crate::model::{FailureKind, Outcome, PlannedTarget, Scanner, TargetKind, TargetResult};
use crate::settings::{Backend, Settings};
use crate::stage::db_prepare::{self, DbState};
use crate::stage::{build, group, normalize};

mod failure;
mod remote;
mod schedule;
mod server;

pub use failure::{Failure, classify};
use failure::{db_broken, failure};
pub use remote::{RemoteError, check_remote, remote_token};
use schedule::Semaphore;
use server::start_server;

/// How the workers reach Trivy in this run.
#[derive(Debug, Clone)]
pub enum ActiveBackend {
    Standalone,
    Memory,
    Server {
        url: String,
        token: String,
        /// A custom header for the token (a remote server behind a proxy).
        header: Option<String>,
    },
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ScanSetupError {
    #[error("the local trivy server did not become ready: {reason}")]
    #[diagnostic(
        code(trivyscan::scan::server),
        help("set trivy.backend = \"memory\" to scan without a server; the server's log:\n{log}")
    )]
    Server { reason: String, log: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Exec(#[from] ExecError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Db(#[from] db_prepare::DbError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Remote(#[from] RemoteError),
}

/// Everything a worker needs.
pub struct Scan<'a> {
    pub settings: &'a Settings,
    /// Replaced when a repair brings a new DB.
    pub db: RwLock<DbState>,
    /// The one repair a run may do, and how it went.
    repair: Mutex<Option<Result<(), String>>>,
    /// The scanners this run uses (the configured ones, less any that cannot run).
    pub scanners: Vec<Scanner>,
    /// For Dockerfile targets: the engine, or why it cannot be used.
    pub docker: Option<Result<build::Docker, build::DockerUnavailable>>,
    /// The run's scratch dir: Trivy's TMPDIR and its output files.
    pub work_dir: &'a Path,
    pub backend: ActiveBackend,
    /// Kept alive for the run; stopped when dropped.
    pub server: Option<Service>,
    /// The result cache, when the run may use it.
    cache: Option<super::cache::ResultCache>,
    /// How each target's result was made, by plan index (reported per target).
    cache_uses: Mutex<std::collections::HashMap<usize, super::cache::CacheUse>>,
    /// Why no vulnerability DB could be had, when that stops every Trivy scan of the run:
    /// such targets fail at once with that reason (imported reports still go through).
    pub no_db: Option<String>,
    /// Credential values Trivy may echo: replaced in every message kept from its output.
    secrets: Vec<String>,
}

impl<'a> Scan<'a> {
    pub fn new(
        settings: &'a Settings,
        db: DbState,
        work_dir: &'a Path,
        backend: ActiveBackend,
        server: Option<Service>,
    ) -> Scan<'a> {
        Scan {
            settings,
            db: RwLock::new(db),
            repair: Mutex::new(None),
            scanners: settings.scanners.clone(),
            docker: None,
            work_dir,
            backend,
            server,
            cache: (settings.trivy.result_cache && settings.trivy.remote.is_none())
                .then(|| super::cache::ResultCache::new(&settings.trivy.cache_dir)),
            cache_uses: Mutex::new(Default::default()),
            no_db: None,
            secrets: crate::trivy::secret_values(&settings.trivy),
        }
    }

    /// Picks and starts the backend for `image_targets` scans.
    pub fn start(
        settings: &'a Settings,
        db: DbState,
        work_dir: &'a Path,
        image_targets: usize,
        say: &dyn Fn(&str),
    ) -> Result<Scan<'a>, ScanSetupError> {
        let workers = settings.concurrency.remote.min(image_targets.max(1));
        let mut db = db;
        if let Some(remote) = &settings.trivy.remote {
            // A remote server: no local server, no local DB; every scan goes through it.
            let token = remote_token(remote)?;
            let backend = ActiveBackend::Server {
                url: remote.url.clone(),
                token,
                header: remote.token_header.clone(),
            };
            return Ok(Scan::new(settings, db, work_dir, backend, None));
        }
        let (backend, server) = match settings.trivy.backend {
            Backend::Memory => (ActiveBackend::Memory, None),
            Backend::Standalone => (ActiveBackend::Standalone, None),
            Backend::Server if workers <= 1 || !db.vuln_db => {
                // A server needs the vulnerability DB; without the vuln scanner, memory caches do.
                if workers > 1 {
                    (ActiveBackend::Memory, None)
                } else {
                    (ActiveBackend::Standalone, None)
                }
            }
            Backend::Server => match start_server(settings, work_dir) {
                Ok((service, url, token)) => (
                    ActiveBackend::Server {
                        url,
                        token,
                        header: None,
                    },
                    Some(service),
                ),
                Err(ScanSetupError::Server { log, .. }) if db_broken(&log) => {
                    db = db_prepare::repair(&settings.trivy, say)?;
                    let (service, url, token) = start_server(settings, work_dir)?;
                    (
                        ActiveBackend::Server {
                            url,
                            token,
                            header: None,
                        },
                        Some(service),
                    )
                }
                Err(e) => return Err(e),
            },
        };
        Ok(Scan::new(settings, db, work_dir, backend, server))
    }

    pub fn workers(&self) -> usize {
        match self.backend {
            ActiveBackend::Standalone => 1,
            _ => self.settings.concurrency.remote,
        }
    }

    /// Through the server (when `via_server` and there is one), or standalone on the cache dir
    /// with a per-scan memory cache.
    fn backend_args(&self, cmd: Cmd, via_server: bool) -> Cmd {
        match &self.backend {
            ActiveBackend::Server { url, token, header } if via_server => {
                let cmd = match header {
                    Some(header) => cmd.arg("--token-header").arg(header),
                    None => cmd,
                };
                cmd.arg("--server")
                    .arg(url)
                    .env("TRIVY_TOKEN", token)
                    .arg("--cache-dir")
                    .arg(self.work_dir.join("client-cache"))
            }
            _ => self
                .standalone_args(cmd)
                .args(["--cache-backend", "memory"]),
        }
    }

    /// On the persistent cache dir, with the DBs trivyscan prepared.
    fn standalone_args(&self, cmd: Cmd) -> Cmd {
        let db = self.db.read().expect("db state");
        let mut cmd = cmd.arg("--cache-dir").arg(&self.settings.trivy.cache_dir);
        if db.vuln_db {
            cmd = cmd.arg("--skip-db-update");
        }
        if db.java_db {
            cmd = cmd.arg("--skip-java-db-update");
        }
        cmd
    }

    /// `image_src` is Trivy's `--image-src`, or `input` for an archive path (`--input`).
    fn trivy_command(
        &self,
        reference: &str,
        image_src: &str,
        output: &Path,
        ignore_file: Option<&Path>,
        list_all_pkgs: bool,
    ) -> Cmd {
        let t = &self.settings.trivy;
        let scanners: Vec<&str> = self.scanners.iter().map(|s| s.as_str()).collect();
        let mut cmd = Cmd::new(&t.binary)
            .arg("image")
            .args(["--format", "json", "--output"])
            .arg(output)
            .args(["--quiet", "--skip-version-check", "--disable-telemetry"])
            .arg("--timeout")
            .arg(&t.timeout_text)
            .arg("--scanners")
            .arg(scanners.join(","))
            .env("TMPDIR", self.work_dir)
            // A hung Trivy is killed a little after its own timeout.
            .timeout(hard_timeout(t.timeout));

        cmd = match &self.backend {
            ActiveBackend::Server { .. } => self.backend_args(cmd, true),
            ActiveBackend::Memory => self.backend_args(cmd, false),
            ActiveBackend::Standalone => self.standalone_args(cmd),
        };
        cmd = cmd.args(&t.extra_args);
        for (trivy_var, ours) in &t.credentials {
            if let Ok(value) = std::env::var(ours) {
                cmd = cmd.env(trivy_var, value);
            }
        }
        if let Some(file) = ignore_file {
            cmd = cmd.arg("--ignorefile").arg(file);
        }
        if list_all_pkgs {
            // Every package, so `trivy convert` can make the SBOM the cache keeps.
            cmd = cmd.arg("--list-all-pkgs");
        }
        if image_src == "input" {
            cmd.arg("--input").arg(reference)
        } else {
            cmd.arg("--image-src")
                .arg(image_src)
                .arg("--")
                .arg(reference)
        }
    }

    /// Scans one image and returns Trivy's JSON bytes.
    fn scan_image(
        &self,
        reference: &str,
        image_src: &str,
        index: usize,
        ignore_file: Option<&Path>,
        list_all_pkgs: bool,
    ) -> Result<Vec<u8>, Failure> {
        let output = self.work_dir.join(format!("scan-{index}.json"));
        let result = crate::trivy::run(&self.trivy_command(
            reference,
            image_src,
            &output,
            ignore_file,
            list_all_pkgs,
        ));
        let bytes = std::fs::read(&output);
        let _ = std::fs::remove_file(&output);
        match result {
            Ok(_) => bytes.map_err(|e| {
                failure(
                    FailureKind::BadOutput,
                    format!("trivy wrote no report: {e}"),
                )
            }),
            Err(e) => Err(classify(&e)),
        }
    }

    /// A target with a fixed identity through the result cache: reused, rescanned from its SBOM
    /// when only the DB changed, or scanned (`scan(true)`: with every package listed) and stored.
    fn cached(
        &self,
        target: &PlannedTarget,
        identity: Option<String>,
        index: usize,
        scan: impl Fn(bool) -> Result<Vec<u8>, Failure>,
    ) -> Result<Vec<u8>, Failure> {
        use super::cache::{CacheUse, Meta, with_fresh_vulnerabilities};
        let db = self.db.read().expect("db state").clone();
        let (Some(cache), Some(identity), Some(updated)) =
            (&self.cache, identity, db.updated_at.clone())
        else {
            return scan(false);
        };
        // The ignore file changes what Trivy reports: part of the identity.
        let identity = match &target.ignore_file {
            Some(f) => {
                use sha2::Digest;
                let hash = sha2::Sha256::digest(std::fs::read(f).unwrap_or_default());
                let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
                format!("{identity} ignore {hex}")
            }
            None => identity,
        };
        let mut scanners: Vec<String> = self
            .scanners
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        scanners.sort();
        let meta = |db: &str| Meta {
            identity: identity.clone(),
            db_updated_at: db.to_string(),
            scanners: scanners.clone(),
            created_at: chrono::Local::now().to_rfc3339(),
            trivyscan: env!("CARGO_PKG_VERSION").to_string(),
        };
        let record = |how| {
            self.cache_uses
                .lock()
                .expect("cache uses")
                .insert(index, how);
        };
        if let Some(entry) = cache.lookup(&identity)
            && entry.meta.scanners == scanners
        {
            if entry.meta.db_updated_at == updated {
                record(CacheUse::Reused);
                return Ok(entry.report);
            }
            let fresh = match &entry.sbom {
                // Once more on failure (a busy server), then a full scan.
                Some(sbom) if db.vuln_db => self
                    .scan_sbom(sbom, index)
                    .or_else(|_| self.scan_sbom(sbom, index))
                    .ok(),
                _ => None,
            };

            if let Some(merged) =
                fresh.and_then(|f| with_fresh_vulnerabilities(&entry.report, &f).ok())
            {
                let _ = cache.store(&meta(&updated), &merged, entry.sbom.as_deref());
                record(CacheUse::RescannedFromSbom);
                return Ok(merged);
            }
        }
        let report = scan(true)?;
        let sbom = self.work_dir.join(format!("sbom-{index}.cdx.json"));
        let made = self.convert_to_sbom(&report, &sbom, index).is_ok();
        let _ = cache.store(&meta(&updated), &report, made.then_some(sbom.as_path()));
        let _ = std::fs::remove_file(&sbom);
        record(CacheUse::Scanned);
        Ok(report)
    }

    /// `trivy convert`: the CycloneDX SBOM of a report made with `--list-all-pkgs`.
    fn convert_to_sbom(&self, report: &[u8], sbom: &Path, index: usize) -> Result<(), Failure> {
        let input = self.work_dir.join(format!("convert-{index}.json"));
        std::fs::write(&input, report).map_err(|e| failure(FailureKind::Other, e.to_string()))?;
        let cmd = Cmd::new(&self.settings.trivy.binary)
            .arg("convert")
            .args(["--format", "cyclonedx", "--output"])
            .arg(sbom)
            .args(["--quiet", "--skip-version-check", "--disable-telemetry"])
            .arg(&input)
            .env("TMPDIR", self.work_dir)
            .timeout(self.settings.trivy.timeout);
        let result = crate::trivy::run(&cmd);
        let _ = std::fs::remove_file(&input);
        result.map(|_| ()).map_err(|e| classify(&e))
    }

    /// `trivy sbom`: the vulnerabilities of a stored SBOM against the current DB.
    fn scan_sbom(&self, sbom: &Path, index: usize) -> Result<Vec<u8>, Failure> {
        let t = &self.settings.trivy;
        let output = self.work_dir.join(format!("sbom-scan-{index}.json"));
        let cmd = Cmd::new(&t.binary)
            .arg("sbom")
            .args(["--format", "json", "--output"])
            .arg(&output)
            .args(["--quiet", "--skip-version-check", "--disable-telemetry"])
            .arg("--timeout")
            .arg(&t.timeout_text)
            .args(["--scanners", "vuln"])
            .env("TMPDIR", self.work_dir)
            .timeout(hard_timeout(t.timeout));
        // Through a server, parallel SBOM scans of identical package sets were seen to race in
        // its cache ("layer cache missing", Trivy 0.76); a Trivy that opens the DB read-only
        // scans them standalone with a memory cache instead.
        let via_server = matches!(self.backend, ActiveBackend::Server { .. })
            && !crate::trivy::opens_db_read_only();
        let cmd = self.backend_args(cmd, via_server);
        let result = crate::trivy::run(&cmd.arg(sbom));
        let bytes = std::fs::read(&output);
        let _ = std::fs::remove_file(&output);
        result.map_err(|e| classify(&e))?;
        bytes.map_err(|e| {
            failure(
                FailureKind::BadOutput,
                format!("trivy wrote no report: {e}"),
            )
        })
    }

    /// The registry login Trivy would use: the configured variables, else TRIVY_USERNAME and
    /// TRIVY_PASSWORD.
    fn registry_login(&self) -> Option<(String, String)> {
        let var = |trivy_var: &str| {
            self.settings
                .trivy
                .credentials
                .iter()
                .find(|(t, _)| *t == trivy_var)
                .and_then(|(_, ours)| std::env::var(ours).ok())
                .or_else(|| std::env::var(trivy_var).ok())
        };
        Some((var("TRIVY_USERNAME")?, var("TRIVY_PASSWORD")?))
    }

    /// How target `index`'s result was made, when the cache was involved.
    pub fn cache_use(&self, index: usize) -> Option<super::cache::CacheUse> {
        self.cache_uses
            .lock()
            .expect("cache uses")
            .get(&index)
            .copied()
    }

    /// Trivy's report for a target, and the temporary image name for a built Dockerfile.
    fn raw_report(
        &self,
        target: &PlannedTarget,
        index: usize,
    ) -> (Result<Vec<u8>, Failure>, Option<String>) {
        if exec::interrupted() {
            return (
                Err(failure(
                    FailureKind::Interrupted,
                    "not scanned: the run was interrupted",
                )),
                None,
            );
        }
        if let Some(problem) = &target.problem {
            return (
                Err(failure(FailureKind::InvalidTarget, problem.clone())),
                None,
            );
        }
        if let Some(why) = &self.no_db
            && target.kind.runs_trivy()
        {
            return (
                Err(failure(
                    FailureKind::DatabaseUnavailable,
                    format!("no vulnerability DB: {why}"),
                )),
                None,
            );
        }
        match &target.kind {
            TargetKind::Image(reference) => {
                let parsed = crate::reference::parse(reference).ok();
                let mut digest = parsed.as_ref().and_then(|r| r.digest.clone());
                // resolve_tags: the tag's digest from the registry, and the scan pinned to it, so
                // what is stored under the digest is what was scanned.
                let mut scan_ref = reference.clone();
                if digest.is_none()
                    && self.settings.resolve_tags
                    && self.cache.is_some()
                    && let Some(parsed) = &parsed
                    && let Ok(resolved) =
                        crate::registry::resolve_digest(parsed, self.registry_login())
                {
                    scan_ref = format!("{}@{resolved}", parsed.name);
                    digest = Some(resolved);
                }
                let identity = digest.as_ref().map(|d| format!("image {d}"));
                (
                    self.cached(target, identity, index, |all| {
                        self.scan_image(
                            &scan_ref,
                            "remote",
                            index,
                            target.ignore_file.as_deref(),
                            all,
                        )
                    }),
                    digest.filter(|_| scan_ref != *reference),
                )
            }
            TargetKind::Report(path) => (
                crate::input::read_io(path, None, crate::input::limit(crate::input::REPORT_LIMIT))
                    .map_err(|e| {
                        failure(
                            FailureKind::InvalidTarget,
                            format!("cannot read {}: {e}", path.display()),
                        )
                    }),
                None,
            ),
            TargetKind::Archive(path) => {
                let info = match crate::archive::inspect(path) {
                    Ok(info) => info,
                    Err(why) => {
                        return (
                            Err(failure(
                                FailureKind::InvalidTarget,
                                format!("not an image archive: {why}"),
                            )),
                            None,
                        );
                    }
                };
                let input = if info.format == crate::archive::ArchiveFormat::OciTar {
                    // Trivy reads OCI layouts only as directories.
                    let dir = self.work_dir.join(format!("archive-{index}"));
                    if let Err(why) = crate::archive::unpack(path, &dir) {
                        return (Err(failure(FailureKind::InvalidTarget, why)), None);
                    }
                    dir
                } else {
                    path.clone()
                };
                // Keyed by the content, not by the digest the archive claims: one archive must
                // not be able to plant results for another's digest.
                let identity = match crate::archive::content_hash(path) {
                    Ok(hash) => Some(format!("archive content {hash}")),
                    Err(_) => None,
                };
                let result = self.cached(target, identity, index, |all| {
                    self.scan_image(
                        &input.to_string_lossy(),
                        "input",
                        index,
                        target.ignore_file.as_deref(),
                        all,
                    )
                });
                if input != *path {
                    let _ = std::fs::remove_dir_all(&input);
                }
                (result, Some(info.digest))
            }
            TargetKind::Dockerfile(path) => {
                let docker = match &self.docker {
                    Some(Ok(docker)) => docker,
                    Some(Err(e)) => {
                        return (
                            Err(failure(FailureKind::DockerUnavailable, e.to_string())),
                            None,
                        );
                    }
                    None => {
                        return (
                            Err(failure(
                                FailureKind::DockerUnavailable,
                                "Docker was not checked",
                            )),
                            None,
                        );
                    }
                };
                let name = build::image_name(path);
                let built = match docker.build(path, &target.build, &name) {
                    Ok(built) => built,
                    // A build stopped by Ctrl-C is not a failed build.
                    Err(_) if exec::interrupted() => {
                        return (
                            Err(failure(
                                FailureKind::Interrupted,
                                "interrupted during the build",
                            )),
                            None,
                        );
                    }
                    Err(output) => {
                        return (
                            Err(failure(
                                FailureKind::BuildFailed,
                                format!("Build error: {output}"),
                            )),
                            None,
                        );
                    }
                };
                // The image is removed when `built` drops, after the scan, whatever its outcome.
                let identity = docker.content_identity(&built.name);
                let result = self.cached(target, identity, index, |all| {
                    self.scan_image(
                        &built.name,
                        "docker",
                        index,
                        target.ignore_file.as_deref(),
                        all,
                    )
                });

                drop(built);
                (result, Some(name))
            }
        }
    }

    /// Scans, normalizes and groups one target.
    pub fn target(&self, target: &PlannedTarget, index: usize) -> TargetResult {
        let start = Instant::now();
        let scan_type = crate::model::ScanType::of(&target.kind);
        let (raw, image) = self.raw_report(target, index);
        let outcome = match raw {
            Ok(bytes) => match normalize::normalize(&bytes) {
                Ok(report) => {
                    let grouped = group::group(&report, target.severity);
                    Outcome::Scanned { report, grouped }
                }
                Err(e) => Outcome::Failed {
                    kind: FailureKind::BadOutput,
                    message: e.to_string(),
                },
            },
            // Trivy's stderr may quote a credential (a registry's error echoing the login).
            Err(f) => Outcome::Failed {
                kind: f.kind,
                message: crate::trivy::redact(&f.message, &self.secrets),
            },
        };
        TargetResult {
            target: target.clone(),
            scan_type,
            timestamp: chrono::Local::now(),
            duration: start.elapsed(),
            // The second value of raw_report: the built image, or the archive's digest.
            image: if matches!(target.kind, TargetKind::Dockerfile(_)) {
                image.clone()
            } else {
                None
            },
            // Archives: their digest; images by tag with resolve_tags: the digest scanned.
            digest: if matches!(target.kind, TargetKind::Archive(_) | TargetKind::Image(_)) {
                image
            } else {
                None
            },
            cache: self.cache_use(index),
            outcome,
        }
    }

    /// Scans one target; a DB the scan finds broken is repaired (once per run, whichever worker
    /// sees it first) and the target scanned again.
    fn target_with_repair(
        &self,
        target: &PlannedTarget,
        index: usize,
        say: &(dyn Fn(&str) + Sync),
    ) -> TargetResult {
        let mut first = self.target(target, index);
        // A DB file changed under the scan makes its result suspect (an older Trivy even scans
        // with an empty DB it made itself): a broken DB, repaired and scanned again.
        if target.kind.runs_trivy()
            && !matches!(self.backend, ActiveBackend::Server { .. })
            && self
                .db
                .read()
                .expect("db state")
                .changed(&self.settings.trivy.cache_dir)
        {
            first.outcome = Outcome::Failed {
                kind: FailureKind::DatabaseBroken,
                message: "the vulnerability DB file changed during the scan".into(),
            };
        }
        let broken = matches!(
            first.outcome,
            Outcome::Failed {
                kind: FailureKind::DatabaseBroken,
                ..
            }
        );
        // A server checked its DB when it started; a broken DB there shows as a failed start.
        if !broken || matches!(self.backend, ActiveBackend::Server { .. }) {
            return first;
        }
        let mut repair = self.repair.lock().expect("repair state");
        if repair.is_none() {
            *repair = Some(match db_prepare::repair(&self.settings.trivy, say) {
                Ok(db) => {
                    *self.db.write().expect("db state") = db;
                    Ok(())
                }
                Err(e) => Err(e.to_string()),
            });
        }
        match repair.as_ref().expect("repair done") {
            Ok(()) => {
                drop(repair);
                self.target(target, index)
            }
            Err(e) => {
                let mut r = first;
                if let Outcome::Failed { message, .. } = &mut r.outcome {
                    let e = crate::trivy::redact(e, &self.secrets);
                    message.push_str(&format!(" (the DB repair failed too: {e})"));
                }
                r
            }
        }
    }

    /// Scans every target. Trivy scans run at most `workers()` at a time; imported reports use
    /// every core. `on_done` hears of each target as it finishes; `sink` gets the results in
    /// plan order as soon as they and all before them are done, so a report can be written as
    /// the run goes and no more than the unfinished window is held in memory.
    ///
    /// `prepare` runs on the worker too (rendering report entries there keeps the main thread
    /// free), and the heavy result is dropped there; `sink` gets what it made.
    pub fn all<P: Send>(
        &self,
        targets: &[PlannedTarget],
        on_start: &(dyn Fn(usize, &PlannedTarget) + Sync),
        on_done: &(dyn Fn(usize, usize, &TargetResult) + Sync),
        prepare: &(dyn Fn(TargetResult) -> P + Sync),
        sink: &mut dyn FnMut(P),
        say: &(dyn Fn(&str) + Sync),
    ) {
        let total = targets.len();
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let scans = Semaphore::new(self.workers().max(1));
        let builds = Semaphore::new(self.settings.concurrency.local.max(1));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let threads = self.workers().max(cores).min(total.max(1));
        let (tx, rx) = mpsc::channel::<(usize, P)>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (next, done, scans, builds) = (&next, &done, &scans, &builds);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(target) = targets.get(i) else { break };
                        // Targets that fail before any scan (invalid, or no DB to scan with)
                        // need no permit and no repair.
                        let valid = target.problem.is_none() && self.no_db.is_none();
                        let result = if valid
                            && matches!(target.kind, TargetKind::Image(_) | TargetKind::Archive(_))
                        {
                            let _permit = scans.acquire(i);
                            on_start(i, target);
                            self.target_with_repair(target, i, say)
                        } else if valid && matches!(target.kind, TargetKind::Dockerfile(_)) {
                            // Builds (and their scans) are limited by concurrency.local.
                            let _permit = builds.acquire(i);
                            on_start(i, target);
                            self.target_with_repair(target, i, say)
                        } else {
                            on_start(i, target);
                            self.target(target, i)
                        };
                        on_done(done.fetch_add(1, Ordering::SeqCst) + 1, total, &result);
                        if tx.send((i, prepare(result))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut waiting = BTreeMap::new();
            let mut next_out = 0;
            for (i, result) in rx {
                waiting.insert(i, result);
                while let Some(result) = waiting.remove(&next_out) {
                    sink(result);
                    next_out += 1;
                }
            }
        });
    }
}

/// When a Trivy run is killed: its own timeout plus half of it again (at least 1 s, at most
/// 30 s), so Trivy's own timeout error comes first when it can.
fn hard_timeout(timeout: Duration) -> Duration {
    timeout + (timeout / 2).clamp(Duration::from_secs(1), Duration::from_secs(30))
}

/// Does the plan need the vulnerability DB at all?
pub fn needs_vuln_db(settings: &Settings) -> bool {
    settings.scanners.contains(&Scanner::Vuln)
}

/// The run's scratch directory (removed when dropped).
pub fn work_dir() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("trivyscan-").tempdir()
}
