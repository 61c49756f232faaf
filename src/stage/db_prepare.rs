//! db-prepare stage: one place owns the Trivy DBs in the cache dir. Under an exclusive file lock
//! (a second trivyscan on the same cache waits, and says so), it checks `db/metadata.json` and
//! downloads the DB when it is missing, of the wrong schema, or stale; the Java DB likewise when
//! the vulnerability scanner is on. Scans then run with `--skip-db-update`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use miette::Diagnostic;
use serde::Deserialize;

use crate::environment::Environment;
use crate::exec::{Cmd, ExecError};
use crate::settings::{Settings, TrivySettings};
use crate::trivy::Trivy;

/// What the scans may rely on.
#[derive(Debug, Clone, Default)]
pub struct DbState {
    /// A usable vulnerability DB is in place.
    pub vuln_db: bool,
    pub java_db: bool,
    /// `UpdatedAt` of the vulnerability DB.
    pub updated_at: Option<String>,
    /// Size and mtime of `db/trivy.db` when it was prepared: nothing may change it during the
    /// run, so a change means it broke (see [`DbState::changed`]).
    pub file_stamp: Option<(u64, std::time::SystemTime)>,
}

/// Size and mtime of `db/trivy.db` in `cache_dir`, when it is there.
pub fn file_stamp(cache_dir: &Path) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(cache_dir.join("db/trivy.db")).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

impl DbState {
    /// Whether `db/trivy.db` is no longer the file that was prepared. Observed with Trivy
    /// 0.59.1: given a truncated trivy.db it initializes an empty DB and reports no
    /// vulnerabilities, exit 0, so the file itself is watched rather than Trivy's word.
    pub fn changed(&self, cache_dir: &Path) -> bool {
        self.vuln_db && self.file_stamp.is_some() && file_stamp(cache_dir) != self.file_stamp
    }

    /// Whether a usable DB was prepared and it is the file `stamp` ([`file_stamp`]) describes:
    /// what a Trivy that loaded the DB at that stamp scans with.
    pub fn is_stamped(&self, stamp: Option<(u64, std::time::SystemTime)>) -> bool {
        self.vuln_db && self.file_stamp.is_some() && self.file_stamp == stamp
    }
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum DbError {
    #[error("{}", crate::msg!("db-offline-missing", path = .cache_dir.display()))]
    #[diagnostic(
        code(trivyscan::db::offline_missing), url("docs/diagnostics.md#trivyscan-db-offline_missing"),
        help("{}", crate::msg!("db-offline-missing-help", path = .cache_dir.display()))
    )]
    OfflineMissing { cache_dir: PathBuf },

    #[error("{}", crate::msg!("db-download", repositories = .repositories))]
    #[diagnostic(
        code(trivyscan::db::download),
        url("docs/diagnostics.md#trivyscan-db-download"),
        help("{}", crate::msg!("db-download-help", stderr = .stderr))
    )]
    Download {
        repositories: String,
        stderr: String,
    },

    #[error("{}", crate::msg!("db-lock", path = .path.display(), error = .source))]
    #[diagnostic(
        code(trivyscan::db::lock),
        url("docs/diagnostics.md#trivyscan-db-lock"),
        help("{}", crate::msg!("db-lock-help"))
    )]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}", crate::msg!("db-lock-interrupted"))]
    #[diagnostic(
        code(trivyscan::db::interrupted),
        url("docs/diagnostics.md#trivyscan-db-interrupted"),
        help("{}", crate::msg!("db-lock-interrupted-help"))
    )]
    Interrupted,

    #[error(transparent)]
    #[diagnostic(transparent)]
    Exec(#[from] ExecError),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    version: i64,
    next_update: Option<String>,
    updated_at: Option<String>,
    downloaded_at: Option<String>,
}

/// Why a DB has to be downloaded, or nothing when it is fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    Missing,
    WrongSchema(i64),
    Stale,
}

fn parse_time(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Checks `db/`: stale means NextUpdate has passed and the download is over an hour old.
pub fn freshness(cache_dir: &Path, now: DateTime<Utc>) -> (Freshness, Option<String>) {
    let db = cache_dir.join("db");
    let has_db = std::fs::metadata(db.join("trivy.db")).is_ok_and(|m| m.len() > 0);
    let meta: Option<Metadata> = std::fs::read(db.join("metadata.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let Some(meta) = meta.filter(|_| has_db) else {
        return (Freshness::Missing, None);
    };
    if meta.version != 2 {
        return (Freshness::WrongSchema(meta.version), meta.updated_at);
    }
    let next_passed = parse_time(&meta.next_update).is_none_or(|t| t < now);
    let downloaded_long_ago =
        parse_time(&meta.downloaded_at).is_none_or(|t| now - t > chrono::Duration::hours(1));
    if next_passed && downloaded_long_ago {
        return (Freshness::Stale, meta.updated_at);
    }
    (Freshness::Fresh, meta.updated_at)
}

fn java_db_present(cache_dir: &Path) -> bool {
    cache_dir.join("java-db/metadata.json").is_file()
        && cache_dir.join("java-db/trivy-java.db").is_file()
}

/// Takes the exclusive DB lock, telling the user when another trivyscan holds it.
pub fn lock(
    cache_dir: &Path,
    say: &dyn Fn(&crate::i18n::Msg),
) -> Result<crate::lock::FileLock, DbError> {
    crate::lock::exclusive(cache_dir, ".trivyscan-db.lock", say).map_err(|e| match e {
        crate::lock::LockError::Io { path, source } => DbError::Lock { path, source },
        crate::lock::LockError::Interrupted => DbError::Interrupted,
    })
}

fn download_command(settings: &TrivySettings, env: &Environment) -> Cmd {
    let mut cmd = Cmd::new(&settings.binary)
        .arg("image")
        .arg("--cache-dir")
        .arg(&settings.cache_dir)
        .args(["--skip-version-check", "--disable-telemetry", "--quiet"])
        .timeout(Duration::from_secs(15 * 60));
    // A DB mirror behind a login takes the registry credentials, as the scans do.
    for (trivy_var, value) in settings.credential_env(env) {
        cmd = cmd.env(trivy_var, value);
    }
    cmd
}

fn download_vuln_db(settings: &Settings, trivy: &Trivy) -> Result<(), DbError> {
    let mut cmd = download_command(&settings.trivy, &settings.env).arg("--download-db-only");
    for repo in &settings.trivy.db_repositories {
        cmd = cmd.arg("--db-repository").arg(repo);
    }
    match trivy.run(&cmd) {
        Ok(_) => Ok(()),
        Err(ExecError::Exit { stderr, .. }) => Err(DbError::Download {
            repositories: settings.trivy.db_repositories.join(", "),
            stderr: crate::trivy::redact(&stderr, &crate::trivy::secret_values(settings)),
        }),
        Err(e) => Err(e.into()),
    }
}

fn download_java_db(settings: &Settings, trivy: &Trivy) -> Result<(), ExecError> {
    let mut cmd = download_command(&settings.trivy, &settings.env).arg("--download-java-db-only");
    for repo in &settings.trivy.java_db_repositories {
        cmd = cmd.arg("--java-db-repository").arg(repo);
    }
    trivy.run(&cmd).map(|_| ())
}

/// Makes sure the DBs are usable. `needs_vuln_db` is false when the vulnerability scanner is off.
pub fn prepare(
    settings: &Settings,
    trivy: &Trivy,
    needs_vuln_db: bool,
    say: &dyn Fn(&crate::i18n::Msg),
) -> Result<DbState, DbError> {
    if !needs_vuln_db {
        return Ok(DbState::default());
    }
    let _lock = lock(&settings.trivy.cache_dir, say)?;
    ensure(settings, trivy, say)
}

/// Deletes both DBs and downloads them again, under the lock: for a DB a scan found broken.
pub fn repair(
    settings: &Settings,
    trivy: &Trivy,
    say: &dyn Fn(&crate::i18n::Msg),
) -> Result<DbState, DbError> {
    let _lock = lock(&settings.trivy.cache_dir, say)?;
    say(&crate::msg!("db-broken-repairing"));
    let _ = std::fs::remove_dir_all(settings.trivy.cache_dir.join("db"));
    let _ = std::fs::remove_dir_all(settings.trivy.cache_dir.join("java-db"));
    ensure(settings, trivy, say)
}

fn ensure(
    settings: &Settings,
    trivy: &Trivy,
    say: &dyn Fn(&crate::i18n::Msg),
) -> Result<DbState, DbError> {
    let (state, _) = freshness(&settings.trivy.cache_dir, Utc::now());
    match (&state, settings.trivy.offline) {
        (Freshness::Fresh, _) => {}
        (Freshness::Missing | Freshness::WrongSchema(_), true) => {
            return Err(DbError::OfflineMissing {
                cache_dir: settings.trivy.cache_dir.clone(),
            });
        }
        (Freshness::Stale, true) => say(&crate::msg!("db-stale-offline")),
        (Freshness::Stale, false) => {
            say(&crate::msg!("db-stale-downloading"));
            if let Err(e) = download_vuln_db(settings, trivy) {
                say(&crate::msg!("db-refresh-failed", error = e));
            }
        }
        (Freshness::Missing | Freshness::WrongSchema(_), false) => {
            if let Freshness::WrongSchema(v) = state {
                say(&crate::msg!("db-wrong-schema-downloading", v = v));
            } else {
                say(&crate::msg!("db-missing-downloading"));
            }
            download_vuln_db(settings, trivy)?;
        }
    }
    let (_, updated_at) = freshness(&settings.trivy.cache_dir, Utc::now());
    let mut java_db = java_db_present(&settings.trivy.cache_dir);
    if !java_db && !settings.trivy.offline && !settings.trivy.java_db_repositories.is_empty() {
        match download_java_db(settings, trivy) {
            Ok(()) => java_db = java_db_present(&settings.trivy.cache_dir),
            Err(e) => say(&crate::msg!(
                "java-db-unavailable",
                why = crate::exec::tail(e.stderr())
                    .lines()
                    .last()
                    .unwrap_or(&e.to_string())
            )),
        }
    }
    Ok(DbState {
        vuln_db: true,
        java_db,
        updated_at,
        file_stamp: file_stamp(&settings.trivy.cache_dir),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_meta(dir: &Path, meta: &str) {
        std::fs::create_dir_all(dir.join("db")).unwrap();
        std::fs::write(dir.join("db/trivy.db"), b"x").unwrap();
        std::fs::write(dir.join("db/metadata.json"), meta).unwrap();
    }

    #[test]
    fn freshness_rules() {
        let dir = tempfile::tempdir().unwrap();
        let now = DateTime::parse_from_rfc3339("2026-01-10T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(freshness(dir.path(), now).0, Freshness::Missing);
        write_meta(
            dir.path(),
            r#"{"Version":2,"NextUpdate":"2999-01-01T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z","DownloadedAt":"2026-01-01T00:00:00Z"}"#,
        );
        assert_eq!(
            freshness(dir.path(), now),
            (Freshness::Fresh, Some("2026-01-01T00:00:00Z".into()))
        );
        write_meta(
            dir.path(),
            r#"{"Version":2,"NextUpdate":"2026-01-02T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z","DownloadedAt":"2026-01-01T00:00:00Z"}"#,
        );
        assert_eq!(freshness(dir.path(), now).0, Freshness::Stale);
        // Downloaded within the hour: not stale even though NextUpdate passed.
        write_meta(
            dir.path(),
            r#"{"Version":2,"NextUpdate":"2026-01-02T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z","DownloadedAt":"2026-01-09T23:30:00Z"}"#,
        );
        assert_eq!(freshness(dir.path(), now).0, Freshness::Fresh);
        write_meta(
            dir.path(),
            r#"{"Version":1,"NextUpdate":"2999-01-01T00:00:00Z"}"#,
        );
        assert_eq!(freshness(dir.path(), now).0, Freshness::WrongSchema(1));
        write_meta(dir.path(), "garbage");
        assert_eq!(freshness(dir.path(), now).0, Freshness::Missing);
    }
}
