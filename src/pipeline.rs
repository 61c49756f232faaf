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
    fn say(&self, message: &str);
    /// Something the run will not do (a skipped scanner): shown even with `-q`.
    fn alert(&self, message: &str) {
        eprintln!("⚠ {message}");
    }
    fn warn_diagnostic(&self, diagnostic: miette::Report);
    /// A target's scan starts (`index` in the plan).
    fn target_started(&self, _index: usize, _target: &PlannedTarget) {}
    fn target_done(&self, done: usize, total: usize, result: &TargetResult);
}

/// `trivy version --format json` -> "0.76.0".
pub fn trivy_version(settings: &Settings) -> Result<String, Error> {
    let out = Cmd::new(&settings.trivy.binary)
        .args(["version", "--format", "json"])
        .timeout(Duration::from_secs(60))
        .run()
        .map_err(|source| Error::TrivyMissing {
            binary: settings.trivy.binary.display().to_string(),
            source,
        })?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let version = v["Version"].as_str().unwrap_or("unknown").to_string();
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
    let trivy_version = if images > 0 {
        trivy_version(settings)?
    } else {
        String::new()
    };
    let trivy = crate::trivy::Trivy::new(crate::trivy::parse_version(&trivy_version));
    let say = |m: &str| reporter.say(m);

    let mut db_error = None;
    let mut skipped = Vec::new();
    if let Some(remote) = &settings.trivy.remote
        && images > 0
    {
        // Fail fast: a server that is down or refuses the token would fail every target.
        crate::stage::scan::check_remote(remote)?;
    }
    let db = if images > 0 && settings.trivy.remote.is_none() {
        match db_prepare::prepare(&settings.trivy, &trivy, scan::needs_vuln_db(settings), &say) {
            Ok(db) => db,
            // Every target is then reported as interrupted, and the reports are written.
            Err(e @ db_prepare::DbError::Interrupted) => {
                db_error = Some(e.to_string());
                DbState::default()
            }
            Err(e) => {
                let message = e.to_string();
                let others: Vec<_> = settings
                    .scanners
                    .iter()
                    .filter(|s| **s != Scanner::Vuln)
                    .collect();
                if !settings.trivy.require_db && !others.is_empty() {
                    // trivy.require_db = false: go on with the other scanners, and say so once.
                    let names: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
                    reporter.alert(&format!(
                        "vulnerability scanning skipped: no vulnerability DB could be had ({}); scanning with {} only",
                        message,
                        names.join(", ")
                    ));
                    skipped.push(Scanner::Vuln);
                } else {
                    reporter.warn_diagnostic(crate::i18n::report(e));
                    db_error = Some(message);
                }
                DbState::default()
            }
        }
    } else {
        DbState::default()
    };

    let work = scan::work_dir().map_err(|e| {
        Error::Report(crate::report::WriteError {
            path: std::env::temp_dir(),
            source: e,
        })
    })?;
    let done = |n: usize, total: usize, r: &TargetResult| reporter.target_done(n, total, r);
    let mut scan = if db_error.is_some() {
        Scan::new(
            settings,
            &trivy,
            db,
            work.path(),
            scan::ActiveBackend::Standalone,
            None,
        )
    } else {
        match Scan::start(settings, &trivy, db.clone(), work.path(), images, &say) {
            Ok(scan) => scan,
            Err(e) => {
                reporter.warn_diagnostic(
                    crate::i18n::report(e).wrap_err("falling back to per-scan memory caches"),
                );
                Scan::new(
                    settings,
                    &trivy,
                    db,
                    work.path(),
                    scan::ActiveBackend::Memory,
                    None,
                )
            }
        }
    };
    // Without a DB no image can be scanned; each says why, the rest (reports) goes on.
    scan.no_db = db_error;
    scan.scanners.retain(|s| !skipped.contains(s));
    if dockerfiles && scan.no_db.is_none() {
        // Checked once, before any build; without Docker, images are still scanned.
        let docker = build::Docker::connect(&settings.docker);
        match &docker {
            Ok(d) => d.remove_stale(&say),
            Err(e) => reporter.warn_diagnostic(crate::i18n::report(e.clone())),
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
        shard: None,
    })
}
