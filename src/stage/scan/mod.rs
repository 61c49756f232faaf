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

use crate::exec::{Cmd, ExecError, Service};
use crate::model::{FailureKind, Outcome, PlannedTarget, Scanner, TargetKind, TargetResult};
use crate::settings::{Backend, Settings};
use crate::stage::db_prepare::{self, DbState};
use crate::stage::{build, group, normalize};

mod failure;
mod remote;
mod schedule;
mod server;
mod targets;
mod through_cache;
mod twirp;
mod twirp_wire;
mod uploads;

use targets::ImageSource;

pub use failure::{Failure, classify};
use failure::{db_broken, failure};
pub use remote::{MixedDb, RemoteError, check_remote, remote_db_versions, remote_token};
use schedule::Semaphore;
use server::start_server;
pub use through_cache::keep_sbom_of;

/// How the workers reach Trivy in this run.
#[derive(Debug, Clone)]
pub enum ActiveBackend {
    Standalone,
    Memory,
    /// trivyscan's own local `trivy server`, started when the first scan needs it: a run whose
    /// every target the result cache serves starts none.
    LocalServer,
    Server {
        url: String,
        token: String,
        /// A custom header for the token (a remote server behind a proxy).
        header: Option<String>,
    },
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ScanSetupError {
    #[error("{}", crate::msg!("scan-server-start", reason = .reason))]
    #[diagnostic(
        code(trivyscan::scan::server),
        url("docs/diagnostics.md#trivyscan-scan-server"),
        help("{}", crate::msg!("scan-server-start-help", log = .log))
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

/// The lazy local server's state.
enum LocalServer {
    NotStarted,
    Running {
        /// Stops the server when dropped.
        _service: Service,
        url: String,
        token: String,
        /// The proxy clients go through, which records their Scan calls; `None` when it could
        /// not start (clients then talk to the server directly).
        recorder: Option<twirp::Recorder>,
    },
    /// It could not start: scans use memory caches.
    Unavailable,
}

/// A local server started before the DB was checked, beside the other start-up work (each
/// costs a Trivy process start), on the DB that was in place then: see [`Scan::adopt`].
pub struct EarlyServer {
    service: Service,
    url: String,
    token: String,
    /// `db/trivy.db` as the server loaded it.
    db_stamp: Option<(u64, std::time::SystemTime)>,
}

impl EarlyServer {
    /// Starts the local server now when the run will want one (no remote server, the server
    /// backend, more than one worker, the vulnerability scanner) and a DB is already there.
    /// `None` otherwise or when it does not start (the start on first use then says why).
    pub fn start(settings: &Settings, work_dir: &Path, image_targets: usize) -> Option<Self> {
        let wanted = settings.trivy.remote.is_none()
            && matches!(settings.trivy.backend, Backend::Server)
            && settings.concurrency.remote.min(image_targets) > 1
            && needs_vuln_db(settings);
        let db_stamp = db_prepare::file_stamp(&settings.trivy.cache_dir);
        if !wanted || db_stamp.is_none() {
            return None;
        }
        let (service, url, token) = start_server(settings, work_dir).ok()?;
        Some(EarlyServer {
            service,
            url,
            token,
            db_stamp,
        })
    }
}

/// Everything a worker needs.
pub struct Scan<'a> {
    pub settings: &'a Settings,
    /// The Trivy this run uses (its version and the flags it lacks).
    pub trivy: &'a crate::trivy::Trivy,
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
    /// The local server of [`ActiveBackend::LocalServer`]: kept alive for the run once started,
    /// stopped when dropped.
    local: Mutex<LocalServer>,
    /// Messages for a person (the lazy server's start, a DB repair).
    say: &'a (dyn Fn(&crate::i18n::Msg) + Sync),
    /// The result cache, when the run may use it.
    cache: Option<super::result_cache::ResultCache>,
    /// Stores its entries off the workers' path.
    cache_writer: super::result_cache::Writer,
    /// How each target's result was made, by plan index (reported per target).
    cache_uses: Mutex<std::collections::HashMap<usize, super::result_cache::CacheUse>>,
    /// Each cached target's kept SBOM.
    sboms: Mutex<std::collections::HashMap<usize, std::path::PathBuf>>,
    /// Per target index: the result cache entry its result is kept in.
    cache_entries: Mutex<std::collections::HashMap<usize, String>>,
    /// Why no vulnerability DB could be had, when that stops every Trivy scan of the run:
    /// such targets fail at once with that reason (imported reports still go through).
    pub no_db: Option<String>,
    /// Credential values Trivy may echo: replaced in every message kept from its output.
    secrets: Vec<String>,
    /// The recording proxy in front of a remote server, started with the first scan.
    remote_recorder: std::sync::OnceLock<Option<twirp::Recorder>>,
    /// Trivy's options beyond the image and the DB, as part of every cached result's identity
    /// (see `through_cache::options_fingerprint`); an error names a file that could not be read, and
    /// then no result is reused.
    options_fingerprint: Result<String, String>,
}

/// The files Trivy reads from the working directory unless told otherwise (its config, its
/// secret rules, its ignore files) that are there: they apply to every scan.
pub fn trivy_files_in_working_dir() -> Vec<&'static str> {
    through_cache::FILES_TRIVY_READS
        .into_iter()
        .filter(|name| std::path::Path::new(name).is_file())
        .collect()
}

/// The fingerprint of Trivy's options for this run's result cache (said when a file it needs
/// cannot be read: the cache is then not used).
fn options_fingerprint_of(
    settings: &Settings,
    say: &(dyn Fn(&crate::i18n::Msg) + Sync),
) -> Result<String, String> {
    let present = trivy_files_in_working_dir()
        .into_iter()
        .map(|name| Ok((name, through_cache::named_file(name)?.unwrap_or_default())))
        .collect::<Result<Vec<_>, String>>();
    let fingerprint = present.and_then(|present| {
        through_cache::options_fingerprint(
            &settings.trivy.extra_args,
            &settings
                .env
                .utf8_pairs()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
            &present,
        )
    });
    if let (Err(why), true) = (&fingerprint, settings.trivy.result_cache) {
        say(&crate::msg!("result-cache-off-unreadable", why = why));
    }
    fingerprint
}

impl<'a> Scan<'a> {
    pub fn new(
        settings: &'a Settings,
        trivy: &'a crate::trivy::Trivy,
        db: DbState,
        work_dir: &'a Path,
        backend: ActiveBackend,
        say: &'a (dyn Fn(&crate::i18n::Msg) + Sync),
    ) -> Scan<'a> {
        Scan {
            settings,
            trivy,
            db: RwLock::new(db),
            repair: Mutex::new(None),
            scanners: settings.scanners.clone(),
            docker: None,
            work_dir,
            backend,
            local: Mutex::new(LocalServer::NotStarted),
            say,
            // With a remote server, results are keyed by its DB (`GET /version`).
            cache: settings
                .trivy
                .result_cache
                .then(|| super::result_cache::ResultCache::new(&settings.trivy.cache_dir)),
            cache_writer: Default::default(),
            cache_uses: Mutex::new(Default::default()),
            sboms: Mutex::new(Default::default()),
            cache_entries: Mutex::new(Default::default()),
            no_db: None,
            secrets: crate::trivy::secret_values(settings),
            remote_recorder: std::sync::OnceLock::new(),
            options_fingerprint: options_fingerprint_of(settings, say),
        }
    }

    /// Picks the backend for `image_targets` scans (a local server starts on first use).
    pub fn start(
        settings: &'a Settings,
        trivy: &'a crate::trivy::Trivy,
        db: DbState,
        work_dir: &'a Path,
        image_targets: usize,
        say: &'a (dyn Fn(&crate::i18n::Msg) + Sync),
    ) -> Result<Scan<'a>, ScanSetupError> {
        let workers = settings.concurrency.remote.min(image_targets.max(1));
        if let Some(remote) = &settings.trivy.remote {
            // A remote server: no local server, no local DB; every scan goes through it.
            let token = remote_token(remote, &settings.env)?;
            let backend = ActiveBackend::Server {
                url: remote.url.clone(),
                token,
                header: remote.token_header.clone(),
            };
            return Ok(Scan::new(settings, trivy, db, work_dir, backend, say));
        }
        let backend = match settings.trivy.backend {
            Backend::Memory => ActiveBackend::Memory,
            Backend::Standalone => ActiveBackend::Standalone,
            // A server needs the vulnerability DB; without the vuln scanner, memory caches do.
            Backend::Server if workers > 1 && !db.vuln_db => ActiveBackend::Memory,
            Backend::Server if workers <= 1 => ActiveBackend::Standalone,
            Backend::Server => ActiveBackend::LocalServer,
        };
        Ok(Scan::new(settings, trivy, db, work_dir, backend, say))
    }

    /// The local server's address and token, starting it on first use. A DB the server finds
    /// broken is repaired once and the start retried; a server that cannot start leaves the
    /// run to per-scan memory caches (`None`), said once.
    fn local_server(&self) -> Option<(String, String)> {
        let mut local = self.local.lock().expect("local server");
        if let LocalServer::NotStarted = *local {
            let started = match start_server(self.settings, self.work_dir) {
                Err(ScanSetupError::Server { log, .. }) if db_broken(&log) => {
                    match db_prepare::repair(self.settings, self.trivy, self.say) {
                        Ok(db) => {
                            *self.db.write().expect("db state") = db;
                            start_server(self.settings, self.work_dir)
                        }
                        Err(e) => Err(e.into()),
                    }
                }
                other => other,
            };
            *local = match started {
                Ok((service, url, token)) => self.running(service, url, token),
                Err(e) => {
                    (self.say)(&crate::msg!("server-start-fallback", error = e));
                    LocalServer::Unavailable
                }
            };
        }
        match &*local {
            LocalServer::Running { url, token, .. } => Some((url.clone(), token.clone())),
            _ => None,
        }
    }

    /// The local server, up, with its recording proxy in front.
    fn running(&self, service: Service, url: String, token: String) -> LocalServer {
        LocalServer::Running {
            _service: service,
            recorder: twirp::Recorder::start(
                &url,
                hard_timeout(self.settings.trivy.timeout),
                Some(("Trivy-Token".to_string(), token.clone())),
                &self.work_dir.join("uploads-local"),
            )
            .ok(),
            url,
            token,
        }
    }

    /// Takes the server [`EarlyServer::start`] started, when this run uses a local server and
    /// the DB it loaded is the one prepared since; otherwise it is stopped, and the server is
    /// started on first use as without it.
    pub fn adopt(&self, early: Option<EarlyServer>) {
        let Some(early) = early else { return };
        let same_db = self.db.read().expect("db state").is_stamped(early.db_stamp);
        if !matches!(self.backend, ActiveBackend::LocalServer) || !same_db {
            return;
        }
        let mut local = self.local.lock().expect("local server");
        if let LocalServer::NotStarted = *local {
            *local = self.running(early.service, early.url, early.token);
        }
    }

    /// The URL clients are given for the local server (its recording proxy when that runs,
    /// with a ticket for target `index`), and the token.
    fn local_client_url(&self, index: usize) -> Option<(String, String, Option<String>)> {
        let (url, token) = self.local_server()?;
        let local = self.local.lock().expect("local server");
        match &*local {
            LocalServer::Running {
                recorder: Some(r), ..
            } => r.ticket(index).map(|t| (r.url.clone(), token, Some(t))),
            _ => Some((url, token, None)),
        }
    }

    /// The Scan call target `index`'s own client made through the recording proxy, and what the
    /// run's clients uploaded for it (`None` unless all of it).
    fn recorded_call(
        &self,
        index: usize,
    ) -> Option<(crate::stage::result_cache::ScanCall, Option<Vec<u8>>)> {
        let take = |r: &twirp::Recorder| {
            r.take(index).map(|call| {
                let uploads = r.uploads_for(&call);
                (call, uploads)
            })
        };
        if let Some(Some(r)) = self.remote_recorder.get() {
            return take(r);
        }
        match &*self.local.lock().expect("local server") {
            LocalServer::Running {
                recorder: Some(r), ..
            } => take(r),
            _ => None,
        }
    }

    /// The URL clients are given for the remote server (the recording proxy in front of it,
    /// with a ticket for target `index`).
    fn remote_client_url(
        &self,
        url: &str,
        token: &str,
        header: Option<&str>,
        index: usize,
    ) -> (String, Option<String>) {
        let recorder = self.remote_recorder.get_or_init(|| {
            let token = (!token.is_empty()).then(|| {
                (
                    header.unwrap_or("Trivy-Token").to_string(),
                    token.to_string(),
                )
            });
            twirp::Recorder::start(
                url,
                hard_timeout(self.settings.trivy.timeout),
                token,
                &self.work_dir.join("uploads-remote"),
            )
            .ok()
        });
        match recorder {
            Some(r) => match r.ticket(index) {
                Some(ticket) => (r.url.clone(), Some(ticket)),
                None => (url.to_string(), None),
            },
            None => (url.to_string(), None),
        }
    }

    /// Whether scans go through a server (remote, or the local one once it runs).
    fn through_server(&self) -> bool {
        match self.backend {
            ActiveBackend::Server { .. } => true,
            ActiveBackend::LocalServer => matches!(
                *self.local.lock().expect("local server"),
                LocalServer::Running { .. }
            ),
            _ => false,
        }
    }

    pub fn workers(&self) -> usize {
        match self.backend {
            ActiveBackend::Standalone => 1,
            _ => self.settings.concurrency.remote,
        }
    }

    /// Through the server (when `via_server` and there is one), or standalone on the cache dir
    /// with a per-scan memory cache.
    fn backend_args(&self, cmd: Cmd, via_server: bool, index: usize) -> Cmd {
        let server = match &self.backend {
            ActiveBackend::Server { url, token, header } if via_server => {
                let (url, ticket) = self.remote_client_url(url, token, header.as_deref(), index);
                Some((url, token.clone(), header.clone(), ticket))
            }
            ActiveBackend::LocalServer if via_server => self
                .local_client_url(index)
                .map(|(url, token, ticket)| (url, token, None, ticket)),
            _ => None,
        };
        match server {
            Some((url, token, header, ticket)) => {
                let cmd = match header {
                    Some(header) => cmd.arg("--token-header").arg(header),
                    None => cmd,
                };
                let cmd = match ticket {
                    Some(ticket) => self.with_ticket(cmd, &ticket),
                    None => cmd,
                };
                let cmd = cmd
                    .arg("--server")
                    .arg(url)
                    .env("TRIVY_TOKEN", token)
                    .arg("--cache-dir")
                    .arg(self.client_cache_dir());
                // A client analyses jars itself, with the Java DB trivyscan prepared; offline,
                // never a download (without the DB, Trivy then fails an image with jars).
                if self.db.read().expect("db state").java_db || self.settings.trivy.offline {
                    cmd.arg("--skip-java-db-update")
                } else {
                    cmd
                }
            }
            None => self
                .standalone_args(cmd)
                .args(["--cache-backend", "memory"]),
        }
    }

    /// The proxy's ticket as a header every request of the client carries: in its environment
    /// (not on a command line other users can read), beside the user's own custom headers; as a
    /// flag when `trivy.extra_args` sets `--custom-headers`, which overrides the variable.
    fn with_ticket(&self, cmd: Cmd, ticket: &str) -> Cmd {
        let header = format!("{}:{ticket}", twirp::TICKET_HEADER);
        let in_args = self
            .settings
            .trivy
            .extra_args
            .iter()
            .any(|a| a == "--custom-headers" || a.starts_with("--custom-headers="));
        if in_args {
            return cmd.arg("--custom-headers").arg(header);
        }
        match self.settings.env.non_blank("TRIVY_CUSTOM_HEADERS") {
            Some(own) => cmd.env("TRIVY_CUSTOM_HEADERS", format!("{own},{header}")),
            _ => cmd.env("TRIVY_CUSTOM_HEADERS", header),
        }
    }

    /// A server client's cache dir: the run's own (the server keeps the layers), with the Java
    /// DB of the persistent cache dir in it.
    fn client_cache_dir(&self) -> std::path::PathBuf {
        let dir = self.work_dir.join("client-cache");
        let java_db = self.settings.trivy.cache_dir.join("java-db");
        if java_db.is_dir() && !dir.join("java-db").exists() {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::os::unix::fs::symlink(&java_db, dir.join("java-db"));
        }
        dir
    }

    /// On the persistent cache dir, with the DBs trivyscan prepared.
    fn standalone_args(&self, cmd: Cmd) -> Cmd {
        let db = self.db.read().expect("db state");
        let mut cmd = cmd.arg("--cache-dir").arg(&self.settings.trivy.cache_dir);
        if db.vuln_db {
            cmd = cmd.arg("--skip-db-update");
        }
        if db.java_db || self.settings.trivy.offline {
            cmd = cmd.arg("--skip-java-db-update");
        }
        cmd
    }

    /// `trivy image` for `source`, its JSON report on stdout (a pipe, not a file: no file to
    /// create and delete per image).
    fn trivy_command(
        &self,
        source: ImageSource,
        ignore_file: Option<&Path>,
        list_all_pkgs: bool,
        index: usize,
    ) -> Cmd {
        let t = &self.settings.trivy;
        let scanners: Vec<&str> = self.scanners.iter().map(|s| s.as_str()).collect();
        let mut cmd = Cmd::new(&t.binary)
            .arg("image")
            .args(["--format", "json"])
            .args(["--quiet", "--skip-version-check", "--disable-telemetry"])
            .arg("--timeout")
            .arg(&t.timeout_text)
            .arg("--scanners")
            .arg(scanners.join(","))
            .env("TMPDIR", self.work_dir)
            // A hung Trivy is killed a little after its own timeout.
            .timeout(hard_timeout(t.timeout));

        cmd = match &self.backend {
            ActiveBackend::Server { .. } | ActiveBackend::LocalServer => {
                self.backend_args(cmd, true, index)
            }
            ActiveBackend::Memory => self.backend_args(cmd, false, index),
            ActiveBackend::Standalone => self.standalone_args(cmd),
        };
        cmd = cmd.args(&t.extra_args);
        for (trivy_var, value) in t.credential_env(&self.settings.env) {
            cmd = cmd.env(trivy_var, value);
        }
        if let Some(file) = ignore_file {
            cmd = cmd.arg("--ignorefile").arg(file);
        }
        if list_all_pkgs {
            // Every package, so `trivy convert` can make the SBOM the cache keeps.
            cmd = cmd.arg("--list-all-pkgs");
        }
        match source {
            ImageSource::Archive(path) => cmd.arg("--input").arg(path),
            ImageSource::Registry(reference) => {
                cmd.args(["--image-src", "remote", "--"]).arg(reference)
            }
            ImageSource::Docker(name) => cmd.args(["--image-src", "docker", "--"]).arg(name),
        }
    }

    /// Scans one image and returns Trivy's JSON bytes.
    fn scan_image(
        &self,
        source: ImageSource,
        index: usize,
        ignore_file: Option<&Path>,
        list_all_pkgs: bool,
    ) -> Result<Vec<u8>, Failure> {
        let command = self.trivy_command(source, ignore_file, list_all_pkgs, index);
        match self.trivy.run(&command) {
            Ok(out) if out.stdout.is_empty() => Err(failure(
                FailureKind::BadOutput,
                "trivy wrote no report".to_string(),
            )),
            Ok(out) => Ok(out.stdout),
            Err(e) => Err(classify(&e)),
        }
    }

    fn registry_login(&self) -> Option<(String, String)> {
        self.settings.trivy.registry_login(&self.settings.env)
    }

    /// How target `index`'s result was made, when the cache was involved.
    pub fn cache_use(&self, index: usize) -> Option<super::result_cache::CacheUse> {
        self.cache_uses
            .lock()
            .expect("cache uses")
            .get(&index)
            .copied()
    }

    /// Scans, normalizes and groups one target.
    pub fn target(&self, target: &PlannedTarget, index: usize) -> TargetResult {
        let start = Instant::now();
        let scan_type = crate::model::ScanType::of(&target.kind);
        let raw = self.raw_report(target, index);
        let outcome = match raw.report {
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
            image: raw.built_image,
            digest: raw.digest,
            cache: self.cache_use(index),
            sbom: self.sboms.lock().expect("sboms").get(&index).cloned(),
            cache_entry: self
                .cache_entries
                .lock()
                .expect("cache entries")
                .get(&index)
                .cloned(),
            db_updated_at: target
                .kind
                .runs_trivy()
                .then(|| self.db.read().expect("db state").updated_at.clone())
                .flatten(),
            outcome,
        }
    }

    /// Scans one target; a DB the scan finds broken is repaired (once per run, whichever worker
    /// sees it first) and the target scanned again.
    fn target_with_repair(
        &self,
        target: &PlannedTarget,
        index: usize,
        say: &(dyn Fn(&crate::i18n::Msg) + Sync),
    ) -> TargetResult {
        let mut first = self.target(target, index);
        // A DB file changed under the scan makes its result suspect (an older Trivy even scans
        // with an empty DB it made itself): a broken DB, repaired and scanned again.
        if target.kind.runs_trivy()
            && !self.through_server()
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
        if !broken || self.through_server() {
            return first;
        }
        let mut repair = self.repair.lock().expect("repair state");
        if repair.is_none() {
            *repair = Some(match db_prepare::repair(self.settings, self.trivy, say) {
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
        say: &(dyn Fn(&crate::i18n::Msg) + Sync),
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

/// The run's scratch directory (removed when dropped, or at a forced exit), mode 0700: Trivy
/// unpacks what it analyses there.
pub fn work_dir() -> std::io::Result<crate::exec::ScratchDir> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix("trivyscan-")
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .map(crate::exec::ScratchDir::new)
}
