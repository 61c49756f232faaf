//! The pipeline from a plan to results: db-prepare -> scan (normalize, group) for every target.
//! Emitting is left to the caller, which knows which reports it writes.

use std::time::Duration;

use crate::error::Error;
use crate::exec::{self, Cmd};
use crate::model::RunInfo;
use crate::model::{PlannedTarget, Scanner, TargetKind, TargetResult};
use crate::settings::Settings;
use crate::stage::build;
use crate::stage::db_prepare::{self, DbState};
use crate::stage::scan::{self, Scan};

/// Messages for a person (stderr), and per-target progress.
pub trait Reporter: Sync {
    fn say(&self, message: &crate::i18n::Msg);
    /// Something the run will not do (a skipped scanner): shown even with `-q`.
    fn alert(&self, message: &crate::i18n::Msg) {
        eprintln!("⚠ {}", message.localized());
    }
    fn warn_diagnostic(&self, diagnostic: miette::Report);
    /// The scanners every target is scanned with (said before the first scan): a count of
    /// what a scanner that did not run would have found is never shown as 0.
    fn scanners(&self, _scanners: &[crate::model::Scanner]) {}
    /// A target's scan starts (`index` in the plan).
    fn target_started(&self, _index: usize, _target: &PlannedTarget) {}
    fn target_done(&self, done: usize, total: usize, result: &TargetResult);
}

/// The Trivy binary `binary` names (a path, or a name looked up on PATH), and what identifies
/// its content well enough to reuse a version read from it: its path, size and mtime.
fn binary_stamp(binary: &std::path::Path, env: &crate::environment::Environment) -> Option<String> {
    let path = if binary.components().count() > 1 {
        binary.to_path_buf()
    } else {
        std::env::split_paths(env.get_os("PATH")?)
            .map(|dir| dir.join(binary))
            .find(|p| p.is_file())?
    };
    let path = path.canonicalize().ok()?;
    let meta = std::fs::metadata(&path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(format!("{} {} {mtime}", path.display(), meta.len()))
}

fn remembered_version_path(settings: &Settings) -> std::path::PathBuf {
    crate::stage::result_cache::dir_in(&settings.trivy.cache_dir).join("trivy-version")
}

/// `trivy version`, remembered in the cache dir per binary (path, size, mtime), so a run
/// whose every target the result cache serves starts no Trivy process at all: the version
/// remembered for this binary, if any.
fn remembered_version(settings: &Settings) -> Option<String> {
    let stamp = binary_stamp(&settings.trivy.binary, &settings.env)?;
    let text = std::fs::read_to_string(remembered_version_path(settings)).ok()?;
    let (for_stamp, version) = text.trim_end().rsplit_once('\n')?;
    (for_stamp == stamp).then(|| version.to_string())
}

/// The version asked of the binary, and remembered.
fn probed_version(settings: &Settings) -> Result<String, Error> {
    let version = probe_version(settings)?;
    if let Some(stamp) = binary_stamp(&settings.trivy.binary, &settings.env) {
        let remembered = remembered_version_path(settings);
        // Best effort: without it, the next run asks again.
        let _ = std::fs::create_dir_all(remembered.parent().expect("in the cache dir"));
        let _ =
            crate::atomic::write_atomic_at(&remembered, format!("{stamp}\n{version}\n").as_bytes());
    }
    check_version(settings, version)
}

/// `trivy version --format json` -> "0.76.0".
fn probe_version(settings: &Settings) -> Result<String, Error> {
    let out = Cmd::new(&settings.trivy.binary)
        .args(["version", "--format", "json"])
        .timeout(Duration::from_secs(60))
        .run()
        .map_err(|source| Error::TrivyMissing {
            binary: settings.trivy.binary.display().to_string(),
            source,
        })?;
    let version = serde_json::from_slice::<crate::trivy_json::TrivyVersion>(&out.stdout)
        .map(|v| v.version)
        .unwrap_or_default();
    Ok(if version.is_empty() {
        "unknown".to_string()
    } else {
        version
    })
}

/// Trivy older than the oldest supported is refused.
fn check_version(settings: &Settings, version: String) -> Result<String, Error> {
    // A version that does not parse (a development build) is given the benefit of the doubt.
    if let Some(parsed) = crate::trivy::parse_version(&version)
        && parsed < crate::trivy::MINIMUM
    {
        return Err(Error::TrivyTooOld {
            binary: settings.trivy.binary.display().to_string(),
            version,
        });
    }
    Ok(version)
}

/// What db-prepare left the scans: the DBs, why no image can be scanned (no DB, or
/// interrupted while waiting for another run's lock), and the scanners skipped instead.
#[derive(Default)]
struct PreparedDb {
    db: DbState,
    db_error: Option<String>,
    skipped: Vec<Scanner>,
}

/// The db-prepare stage. Without a DB, `trivy.require_db = false` goes on with the other
/// scanners and says so once; otherwise every image target fails with the reason.
fn prepare_db(
    settings: &Settings,
    trivy: &crate::trivy::Trivy,
    reporter: &dyn Reporter,
    say: &(dyn Fn(&crate::i18n::Msg) + Sync),
) -> PreparedDb {
    match db_prepare::prepare(settings, trivy, scan::needs_vuln_db(settings), say) {
        Ok(db) => PreparedDb {
            db,
            ..PreparedDb::default()
        },
        // Every target is then reported as interrupted, and the reports are written.
        Err(e @ db_prepare::DbError::Interrupted) => PreparedDb {
            db_error: Some(e.to_string()),
            ..PreparedDb::default()
        },
        Err(e) => {
            let message = e.to_string();
            let others: Vec<_> = settings
                .scanners
                .iter()
                .filter(|s| **s != Scanner::Vuln)
                .collect();
            if !settings.trivy.require_db && !others.is_empty() {
                let names: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
                reporter.alert(&crate::msg!(
                    "vuln-scanning-skipped-no-db",
                    why = message,
                    list = names.join(", ")
                ));
                PreparedDb {
                    skipped: vec![Scanner::Vuln],
                    ..PreparedDb::default()
                }
            } else {
                reporter.warn_diagnostic(miette::Report::new(e));
                PreparedDb {
                    db_error: Some(message),
                    ..PreparedDb::default()
                }
            }
        }
    }
}

/// The DBs the scans use: prepared locally, or the remote server's (its UpdatedAt keys
/// results in the result cache); none when no target runs Trivy.
fn databases(
    settings: &Settings,
    trivy: &crate::trivy::Trivy,
    images: usize,
    reporter: &dyn Reporter,
    say: &(dyn Fn(&crate::i18n::Msg) + Sync),
) -> PreparedDb {
    match &settings.trivy.remote {
        None if images > 0 => prepare_db(settings, trivy, reporter, say),
        Some(remote) if images > 0 => {
            let versions = crate::stage::scan::remote_db_versions(remote);
            if versions.len() > 1 {
                reporter.warn_diagnostic(miette::Report::new(crate::stage::scan::MixedDb {
                    url: remote.url.clone(),
                    versions: versions.clone(),
                }));
            }
            PreparedDb {
                db: crate::stage::db_prepare::DbState {
                    vuln_db: true,
                    // The oldest: a result is never kept as newer than the DB that made it.
                    updated_at: versions.into_iter().next(),
                    ..Default::default()
                },
                ..PreparedDb::default()
            }
        }
        _ => PreparedDb::default(),
    }
}

/// The scan stage on its backend; a backend that cannot start falls back to per-scan memory
/// caches, said as a warning.
fn start_scan<'a>(
    settings: &'a Settings,
    trivy: &'a crate::trivy::Trivy,
    db: crate::stage::db_prepare::DbState,
    work_dir: &'a std::path::Path,
    images: usize,
    reporter: &dyn Reporter,
    say: &'a (dyn Fn(&crate::i18n::Msg) + Sync),
) -> Scan<'a> {
    match Scan::start(settings, trivy, db.clone(), work_dir, images, say) {
        Ok(scan) => scan,
        Err(e) => {
            reporter.warn_diagnostic(
                miette::Report::new(e).wrap_err("falling back to per-scan memory caches"),
            );
            Scan::new(
                settings,
                trivy,
                db,
                work_dir,
                scan::ActiveBackend::Memory,
                say,
            )
        }
    }
}

/// Trivy's version (when some target runs Trivy). When it must be asked of the binary (a new
/// cache dir or a new Trivy: nothing in the result cache can serve this run), the local server
/// starts beside that probe (each costs a Trivy process start); it is kept only if the DB
/// checked next is the one it loaded (`Scan::adopt`). A remembered version starts nothing, so
/// a run the result cache serves whole still starts no process.
fn version_and_early_server(
    settings: &Settings,
    work_dir: &std::path::Path,
    images: usize,
) -> (Result<String, Error>, Option<scan::EarlyServer>) {
    if images == 0 {
        return (Ok(String::new()), None);
    }
    if let Some(version) = remembered_version(settings) {
        return (check_version(settings, version), None);
    }
    std::thread::scope(|scope| {
        let early = scope.spawn(|| scan::EarlyServer::start(settings, work_dir, images));
        let version = probed_version(settings);
        (version, early.join().ok().flatten())
    })
}

/// Runs db-prepare and the scans. `prepare` turns each target's result into what the caller
/// keeps (on a worker thread); `sink` gets those in plan order, as soon as it can (the caller
/// writes its reports from them). Returns what the run knows about itself.
pub fn execute<P: Send>(
    settings: &Settings,
    targets: &[PlannedTarget],
    profile: &str,
    reporter: &dyn Reporter,
    prepare: &(dyn Fn(TargetResult) -> P + Sync),
    sink: &mut dyn FnMut(P),
) -> Result<RunInfo, Error> {
    let started_at = chrono::Local::now();
    let images = targets
        .iter()
        .filter(|t| t.kind.runs_trivy() && t.problem.is_none())
        .count();
    let dockerfiles = targets
        .iter()
        .any(|t| matches!(t.kind, TargetKind::Dockerfile(_)) && t.problem.is_none());
    // Asked once, when some target runs Trivy; every stage gets this handle.
    let work = scan::work_dir().map_err(|source| Error::Scratch {
        dir: std::env::temp_dir(),
        source,
    })?;
    let (trivy_version, early_server) = version_and_early_server(settings, work.path(), images);
    let trivy_version = trivy_version?;
    let trivy = crate::trivy::Trivy::new(crate::trivy::parse_version(&trivy_version));
    let say = |m: &crate::i18n::Msg| reporter.say(m);

    if let Some(remote) = &settings.trivy.remote
        && images > 0
    {
        // Fail fast: a server that is down or refuses the token would fail every target.
        crate::stage::scan::check_remote(remote, &settings.env)?;
    }
    let PreparedDb {
        db,
        db_error,
        skipped,
    } = databases(settings, &trivy, images, reporter, &say);

    let done = |n: usize, total: usize, r: &TargetResult| reporter.target_done(n, total, r);
    // Trivy applies these whatever the config says: a person should know where a dropped
    // finding or a changed setting came from.
    if images > 0 {
        for name in scan::trivy_files_in_working_dir() {
            say(&crate::msg!("trivy-reads-working-dir-file", file = name));
        }
    }
    let mut scan = if db_error.is_some() {
        Scan::new(
            settings,
            &trivy,
            db,
            work.path(),
            scan::ActiveBackend::Standalone,
            &say,
        )
    } else {
        start_scan(settings, &trivy, db, work.path(), images, reporter, &say)
    };
    scan.adopt(early_server);
    // Without a DB no image can be scanned; each says why, the rest (reports) goes on.
    scan.no_db = db_error;
    scan.scanners.retain(|s| !skipped.contains(s));
    reporter.scanners(&scan.scanners);
    if dockerfiles && scan.no_db.is_none() {
        // Checked once, before any build; without Docker, images are still scanned.
        let docker = build::Docker::connect(&settings.docker);
        match &docker {
            Ok(d) => d.remove_stale(&say),
            Err(e) => reporter.warn_diagnostic(miette::Report::new(e.clone())),
        }
        scan.docker = Some(docker);
    }
    let started = |i: usize, t: &PlannedTarget| reporter.target_started(i, t);
    scan.all(targets, &started, &done, prepare, sink, &say);
    // A repair during the scans brought another DB.
    let updated_at = scan.db.read().expect("db state").updated_at.clone();
    Ok(RunInfo {
        tool: "trivyscan",
        version: env!("CARGO_PKG_VERSION"),
        trivy_version,
        db_updated_at: updated_at,
        profile: profile.to_string(),
        started_at: crate::report::iso_zoned(&started_at),
        finished_at: crate::report::iso_zoned(&chrono::Local::now()),
        interrupted: exec::interrupted(),
        skipped_scanners: skipped.iter().map(|s| s.as_str()).collect(),
        intel: None,
        shard: None,
        plan: None,
    })
}
