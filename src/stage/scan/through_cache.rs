//! Targets with a fixed identity through the result cache: reused, rescanned from their SBOM
//! when only the DB changed, or scanned and stored.

use std::path::Path;

use crate::exec::Cmd;
use crate::model::{FailureKind, PlannedTarget};

use super::failure::{Failure, classify, failure};
use super::twirp::ReplayError;
use super::{ActiveBackend, Scan, hard_timeout};
use crate::stage::db_prepare::DbState;
use crate::stage::result_cache::{CacheUse, Entry, Meta, with_fresh_vulnerabilities};

/// Variables that change who Trivy logs in as, not what it reports: left out of
/// [`options_fingerprint`], so rotating a credential keeps the cache.
const CREDENTIAL_VARIABLES: [&str; 5] = [
    "TRIVY_USERNAME",
    "TRIVY_PASSWORD",
    "TRIVY_PASSWORD_STDIN",
    "TRIVY_REGISTRY_TOKEN",
    "TRIVY_TOKEN",
];

/// Files Trivy reads from its working directory (trivyscan's) unless told otherwise: its
/// config, its secret rules and its ignore files.
pub(super) const FILES_TRIVY_READS: [&str; 4] = [
    "trivy.yaml",
    "trivy-secret.yaml",
    ".trivyignore",
    ".trivyignore.yaml",
];

/// What else changes Trivy's report of one image with one DB: `trivy.extra_args` (with the
/// contents of the files they name: a VEX document, a secret-scanning config), the `TRIVY_*`
/// variables Trivy reads, credentials aside, and the `present` files of [`FILES_TRIVY_READS`]
/// (name, content). A hash, so none of it is kept in clear; empty when there is none of it.
/// A file an option names that cannot be read (a FIFO, a device, too large, unreadable) is an
/// error naming it: an empty stand-in would let another file's result be reused.
pub(super) fn options_fingerprint(
    extra_args: &[String],
    env: &[(String, String)],
    present: &[(&str, Vec<u8>)],
) -> Result<String, String> {
    use sha2::Digest;
    let mut env: Vec<&(String, String)> = env
        .iter()
        .filter(|(name, _)| {
            name.starts_with("TRIVY_") && !CREDENTIAL_VARIABLES.contains(&name.as_str())
        })
        .collect();
    if extra_args.is_empty() && env.is_empty() && present.is_empty() {
        return Ok(String::new());
    }
    env.sort();
    let mut hash = sha2::Sha256::new();
    for arg in extra_args {
        hash.update(b"arg\0");
        hash.update(arg.as_bytes());
        hash.update(b"\0");
        // `--vex FILE` or `--vex=FILE`: the file's content counts, not only its name.
        let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
        if let Some(bytes) = named_file(value)? {
            hash.update(sha2::Sha256::digest(&bytes));
        }
    }
    for (name, value) in env {
        hash.update(b"env\0");
        hash.update(name.as_bytes());
        hash.update(b"=");
        hash.update(value.as_bytes());
        hash.update(b"\0");
        // A variable naming a file (TRIVY_SECRET_CONFIG, TRIVY_IGNOREFILE): its content counts.
        if let Some(bytes) = named_file(value)? {
            hash.update(sha2::Sha256::digest(&bytes));
        }
    }
    for (name, content) in present {
        hash.update(b"file\0");
        hash.update(name.as_bytes());
        hash.update(sha2::Sha256::digest(content));
    }
    Ok(hash
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The layers (DiffIDs) a stored Trivy report says its image has; empty when it does not say.
fn layers_of(report: &[u8]) -> Vec<String> {
    serde_json::from_slice::<crate::trivy_json::TrivyLayers>(report)
        .map(|r| r.metadata.diff_ids)
        .unwrap_or_default()
}

/// The content of `value` when it names something on the disk: read bounded (a FIFO, a
/// device or a huge file is refused, never waited on or read whole); `None` when it names
/// nothing there.
pub(super) fn named_file(value: &str) -> Result<Option<Vec<u8>>, String> {
    let path = Path::new(value);
    // A directory (`--cache-dir`, TRIVY_TEMP_DIR) has no content to hash.
    match std::fs::metadata(path) {
        _ if value.is_empty() => return Ok(None),
        Ok(meta) if meta.is_dir() => return Ok(None),
        Err(_) if std::fs::symlink_metadata(path).is_err() => return Ok(None),
        _ => {}
    }
    crate::input::read_io(path, None, crate::input::limit(crate::input::LIST_LIMIT))
        .map(Some)
        .map_err(|e| format!("{}: {e}", crate::paths::display_path(path)))
}

impl Scan<'_> {
    /// A target with a fixed identity through the result cache: reused, replayed on the server
    /// or rescanned from its SBOM when only the DB changed, or scanned (`scan(true)`: with every
    /// package listed) and stored.
    pub(super) fn cached(
        &self,
        target: &PlannedTarget,
        identity: Option<String>,
        index: usize,
        scan: impl Fn(bool) -> Result<Vec<u8>, Failure>,
    ) -> Result<Vec<u8>, Failure> {
        let db = self.db.read().expect("db state").clone();
        let (Some(cache), Some(identity), Some(updated)) =
            (&self.cache, identity, db.updated_at.clone())
        else {
            return scan(false);
        };
        let Some(key) = self.cache_key(target, identity) else {
            return scan(false);
        };
        let mut scanners: Vec<String> = self
            .scanners
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        scanners.sort();
        let meta = Meta {
            identity: key.clone(),
            db_updated_at: updated.clone(),
            scanners: scanners.clone(),
            created_at: chrono::Local::now().to_rfc3339(),
            trivyscan: env!("CARGO_PKG_VERSION").to_string(),
        };
        let sbom_kept = cache.sbom_path(&key);
        // A fleet SBOM was asked for: every target needs its own.
        let wants_sbom = self
            .settings
            .report
            .formats
            .contains(&crate::settings::ReportFormat::CycloneDx);
        let record = |how| self.record_cache_use(index, how, &key, &sbom_kept);
        if let Some(entry) = cache.lookup(&key)
            && entry.meta.scanners == scanners
        {
            if wants_sbom && entry.sbom.is_none() {
                // Stored without one (none was needed then): made now from the stored report.
                self.keep_sbom(&sbom_kept, &entry.report, index);
            }
            if entry.meta.db_updated_at == updated {
                record(CacheUse::Reused);
                return Ok(entry.report);
            }
            if let Some(merged) = self.replay_on_server(target, &entry, &db) {
                let (cache, stored) = (cache.clone(), merged.clone());
                let sbom = Some(sbom_kept.clone()).filter(|p| p.is_file());
                self.cache_writer.later(move || {
                    let uploads = entry.uploads.as_deref();
                    let call = entry.scan_call.as_ref().map(|c| (c, uploads));
                    let _ = cache.store(&meta, &stored, sbom.as_deref(), call);
                });
                record(CacheUse::RescannedOnServer);
                return Ok(merged);
            }
            if let Some(merged) = self.rescan_from_sbom(&entry, &db, index) {
                let _ = cache.store(&meta, &merged, entry.sbom.as_deref(), None);
                record(CacheUse::RescannedFromSbom);
                return Ok(merged);
            }
        }
        let report = scan(true)?;
        // The Scan call its own client made through the recording proxy, and what it uploaded,
        // for a replay after the next DB update. An SBOM (a second Trivy process) only when a
        // report needs it or the uploads are not all there, the rescan's fallback.
        let call = self.recorded_call(index);
        let replayable = matches!(&call, Some((_, Some(_))));
        let sbom = self.work_dir.join(format!("sbom-{index}.cdx.json"));
        let made =
            (wants_sbom || !replayable) && self.convert_to_sbom(&report, &sbom, index).is_ok();
        if made {
            // Stored now: the fleet SBOM reads it as the target is recorded below.
            let call = call.as_ref().map(|(c, u)| (c, u.as_deref()));
            let _ = cache.store(&meta, &report, Some(&sbom), call);
            let _ = std::fs::remove_file(&sbom);
        } else {
            let (cache, stored) = (cache.clone(), report.clone());
            self.cache_writer.later(move || {
                let call = call.as_ref().map(|(c, u)| (c, u.as_deref()));
                let _ = cache.store(&meta, &stored, None, call);
            });
        }
        record(CacheUse::Scanned);
        Ok(report)
    }

    /// The key a result is stored under: the target's identity, and what else changes Trivy's
    /// report. `None` when part of it cannot be read: then nothing is reused.
    fn cache_key(&self, target: &PlannedTarget, identity: String) -> Option<String> {
        // The ignore file changes what Trivy reports: part of the identity.
        let identity = match &target.ignore_file {
            Some(f) => {
                use sha2::Digest;
                // An unreadable ignore file is not an empty one: no result is reused for it.
                let content =
                    crate::input::read_io(f, None, crate::input::limit(crate::input::LIST_LIMIT))
                        .ok()?;
                let hash = sha2::Sha256::digest(content);
                let hex: String = hash.iter().take(8).map(|b| format!("{b:02x}")).collect();
                format!("{identity} ignore {hex}")
            }
            None => identity,
        };
        // So do Trivy's version (a newer one may find packages an older one did not see, and a
        // DB update rescans the stored SBOM, not the image) and its other options (a result made
        // with `--ignore-unfixed` must not stand in for one made without).
        let identity = format!("{identity} trivy {}", self.trivy.version_text());
        match &self.options_fingerprint {
            Ok(fp) if fp.is_empty() => Some(identity),
            Ok(fp) => Some(format!("{identity} options {fp}")),
            // A file that shapes Trivy's report could not be read: nothing is reused.
            Err(_) => None,
        }
    }

    /// How target `index`'s result was made, the entry it is kept in, and its SBOM if kept.
    fn record_cache_use(&self, index: usize, how: CacheUse, key: &str, sbom_kept: &Path) {
        self.cache_uses
            .lock()
            .expect("cache uses")
            .insert(index, how);
        self.cache_entries
            .lock()
            .expect("cache entries")
            .insert(index, crate::stage::result_cache::entry_id(key));
        if sbom_kept.is_file() {
            self.sboms
                .lock()
                .expect("sboms")
                .insert(index, sbom_kept.to_path_buf());
        }
    }

    /// The SBOM of a stored report, made and kept at `kept` (best effort: a target without
    /// one is listed as such in the fleet SBOM).
    fn keep_sbom(&self, kept: &Path, report: &[u8], index: usize) {
        let _ = keep_sbom_of(
            self.trivy,
            &self.settings.trivy,
            self.work_dir,
            report,
            kept,
            index,
        );
    }

    /// After a DB update: the recorded Scan call replayed against the new DB (no pull, no
    /// client), merged into the stored report. A server that no longer holds the layers is
    /// given what the target's client uploaded, kept in the result cache, and asked again.
    fn replay_on_server(
        &self,
        target: &PlannedTarget,
        entry: &Entry,
        db: &DbState,
    ) -> Option<Vec<u8>> {
        let call = entry.scan_call.as_ref()?;
        let (url, token, header) = match (&self.backend, db.vuln_db) {
            (ActiveBackend::LocalServer, true) => {
                self.local_server().map(|(url, token)| (url, token, None))?
            }
            (ActiveBackend::Server { url, token, header }, true) => {
                (url.clone(), token.clone(), header.clone())
            }
            _ => return None,
        };
        let target = target.kind.display_name();
        let timeout = hard_timeout(self.settings.trivy.timeout);
        let replay = || {
            let layers = layers_of(&entry.report);
            super::twirp::replay(&url, &token, header.as_deref(), call, &layers, timeout)
        };
        let mut answer = replay();
        if let (Err(ReplayError::CacheMissing), Some(kept)) = (&answer, &entry.uploads) {
            answer = match super::uploads::upload_again(
                &url,
                &token,
                header.as_deref(),
                call,
                kept,
                timeout,
            ) {
                Ok(()) => {
                    (self.say)(&crate::msg!(
                        "rescan-layers-uploaded",
                        target = target.clone()
                    ));
                    replay()
                }
                Err(why) => Err(ReplayError::Other(why)),
            };
        }
        // What comes next: the kept SBOM's rescan, or (none kept) a scan of the image.
        let next = if entry.sbom.is_some() { "sbom" } else { "scan" };
        let why = match answer {
            Ok(fresh) => return with_fresh_vulnerabilities(&entry.report, &fresh).ok(),
            Err(ReplayError::CacheMissing) => {
                crate::msg!("rescan-layers-gone", target = target, next = next)
            }
            Err(ReplayError::Unverified(why)) => {
                crate::msg!(
                    "rescan-replay-unverified",
                    target = target,
                    why = why,
                    next = next
                )
            }
            Err(ReplayError::Other(why)) => {
                crate::msg!(
                    "rescan-replay-failed",
                    target = target,
                    why = why,
                    next = next
                )
            }
        };
        (self.say)(&why);
        None
    }

    /// After a DB update: the stored SBOM scanned against the new DB (once more on failure, a
    /// busy server), merged into the stored report.
    fn rescan_from_sbom(&self, entry: &Entry, db: &DbState, index: usize) -> Option<Vec<u8>> {
        let sbom = entry.sbom.as_ref().filter(|_| db.vuln_db)?;
        let fresh = self
            .scan_sbom(sbom, index)
            .or_else(|_| self.scan_sbom(sbom, index))
            .ok()?;
        with_fresh_vulnerabilities(&entry.report, &fresh).ok()
    }

    /// `trivy convert`: the CycloneDX SBOM of a report made with `--list-all-pkgs`.
    fn convert_to_sbom(&self, report: &[u8], sbom: &Path, index: usize) -> Result<(), Failure> {
        sbom_of_report(
            self.trivy,
            &self.settings.trivy,
            self.work_dir,
            report,
            sbom,
            index,
        )
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
        // scans them standalone with a memory cache instead, when the DB is here. A remote
        // server's DB is not: through it (the retry above covers a race).
        let via_server = match self.backend {
            ActiveBackend::Server { .. } => true,
            ActiveBackend::LocalServer => !self.trivy.opens_db_read_only(),
            _ => false,
        };
        let cmd = self.backend_args(cmd, via_server, index);
        let result = self.trivy.run(&cmd.arg(sbom));
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
}

/// The SBOM of a stored report (`trivy convert`), kept at `kept` (beside its entry, as
/// `ResultCache::sbom_path` says); where it landed, or `None` when it could not be made.
pub fn keep_sbom_of(
    trivy: &crate::trivy::Trivy,
    settings: &crate::settings::TrivySettings,
    work_dir: &Path,
    report: &[u8],
    kept: &Path,
    n: usize,
) -> Option<std::path::PathBuf> {
    let made = work_dir.join(format!("sbom-{n}.cdx.json"));
    let landed = sbom_of_report(trivy, settings, work_dir, report, &made, n)
        .ok()
        .and_then(|()| {
            let bytes = std::fs::read(&made).ok()?;
            let name = kept.file_name()?.to_string_lossy();
            crate::atomic::write_atomic(kept.parent()?, &name, &bytes).ok()
        });
    let _ = std::fs::remove_file(&made);
    landed
}

/// `trivy convert`: the CycloneDX SBOM (at `sbom`) of a stored report made with
/// `--list-all-pkgs`, its input written in `work_dir` as `convert-<n>.json`.
fn sbom_of_report(
    trivy: &crate::trivy::Trivy,
    settings: &crate::settings::TrivySettings,
    work_dir: &Path,
    report: &[u8],
    sbom: &Path,
    n: usize,
) -> Result<(), Failure> {
    let input = work_dir.join(format!("convert-{n}.json"));
    std::fs::write(&input, report).map_err(|e| failure(FailureKind::Other, e.to_string()))?;
    let cmd = Cmd::new(&settings.binary)
        .arg("convert")
        .args(["--format", "cyclonedx", "--output"])
        .arg(sbom)
        .args(["--quiet", "--skip-version-check", "--disable-telemetry"])
        .arg(&input)
        .env("TMPDIR", work_dir)
        .timeout(settings.timeout);
    let result = trivy.run(&cmd);
    let _ = std::fs::remove_file(&input);
    result.map(|_| ()).map_err(|e| classify(&e))
}

#[cfg(test)]
mod tests {
    use super::options_fingerprint;

    #[test]
    fn a_failed_replay_says_what_comes_next() {
        let said =
            |next: &str| crate::msg!("rescan-layers-gone", target = "img", next = next).to_string();
        assert!(
            said("sbom").ends_with("rescanning from its SBOM"),
            "{}",
            said("sbom")
        );
        assert!(
            said("scan").ends_with("scanning it again"),
            "{}",
            said("scan")
        );
    }

    fn fp(args: &[String], env: &[(String, String)]) -> String {
        options_fingerprint(args, env, &[]).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_options_that_change_a_report_change_the_fingerprint() {
        let none = fp(&[], &env(&[("PATH", "/bin"), ("TRIVY_PASSWORD", "x")]));
        assert_eq!(
            none, "",
            "no options, no credentials counted: the old identities"
        );
        let unfixed = fp(&["--ignore-unfixed".into()], &[]);
        assert_eq!(unfixed.len(), 16);
        assert_ne!(unfixed, fp(&["--pkg-types".into(), "os".into()], &[]));
        let a = fp(
            &[],
            &env(&[("TRIVY_IGNORE_UNFIXED", "true"), ("TRIVY_X", "1")]),
        );
        let b = fp(
            &[],
            &env(&[("TRIVY_X", "1"), ("TRIVY_IGNORE_UNFIXED", "true")]),
        );
        assert_eq!(a, b, "the order of the environment does not matter");
        assert_ne!(a, fp(&[], &env(&[("TRIVY_X", "1")])));
        // A credential does not; a file an option names does, by its content.
        let with_token = env(&[
            ("TRIVY_X", "1"),
            ("TRIVY_IGNORE_UNFIXED", "true"),
            ("TRIVY_TOKEN", "t"),
        ]);
        assert_eq!(a, fp(&[], &with_token));
        let dir = tempfile::tempdir().unwrap();
        let vex = dir.path().join("vex.json");
        std::fs::write(&vex, "{}").unwrap();
        let args = ["--vex".to_string(), vex.display().to_string()];
        let before = fp(&args, &[]);
        std::fs::write(&vex, "{\"statements\": []}").unwrap();
        assert_ne!(before, fp(&args, &[]));
        let inline = [format!("--vex={}", vex.display())];
        assert_ne!(fp(&inline, &[]), "");
        // Trivy's own files in the working directory count, by content.
        let trivy_yaml =
            |text: &str| options_fingerprint(&[], &[], &[("trivy.yaml", text.into())]).unwrap();
        assert_ne!(trivy_yaml("severity: HIGH"), "");
        assert_ne!(trivy_yaml("severity: HIGH"), trivy_yaml("severity: LOW"));
    }

    #[test]
    fn a_file_an_option_names_is_read_bounded_and_an_unreadable_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid C string; the result is checked.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Neither waits for a writer nor reads without end.
        for path in [fifo.display().to_string(), "/dev/zero".to_string()] {
            let args = ["--secret-config".to_string(), path.clone()];
            let err = options_fingerprint(&args, &[], &[]).unwrap_err();
            assert!(err.contains(&path) || err.contains("fifo"), "{err}");
            let env = env(&[("TRIVY_IGNOREFILE", path.as_str())]);
            assert!(options_fingerprint(&[], &env, &[]).is_err(), "{path}");
        }
        // A directory names no content: not an error.
        let cache = ["--cache-dir".to_string(), dir.path().display().to_string()];
        assert!(options_fingerprint(&cache, &[], &[]).is_ok());
    }
}
