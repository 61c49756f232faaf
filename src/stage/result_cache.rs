//! The result cache: for a target whose content is fixed (an image pinned by digest, an archive
//! by its digest), its Trivy report and SBOM, keyed by that identity and the DB's `UpdatedAt`.
//! Same identity and DB: the stored report is reused, Trivy does not run. Same identity, newer
//! DB: vulnerabilities are recomputed by replaying the target's Scan call on the trivy server
//! (giving it the uploads its client made when it no longer holds them), or from the stored
//! SBOM (`trivy sbom`); the image is not pulled again, and secret (and misconfiguration, license) findings, which depend only on the
//! content, are kept. Entries are written atomically; one that does not read back is discarded.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest;

pub use crate::model::CacheUse;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub identity: String,
    pub db_updated_at: String,
    pub scanners: Vec<String>,
    pub created_at: String,
    pub trivyscan: String,
}

/// One stored entry, read back and checked.
pub struct Entry {
    pub meta: Meta,
    pub report: Vec<u8>,
    /// The CycloneDX SBOM, when one was made.
    pub sbom: Option<PathBuf>,
    /// The local server's Scan call for the target, when it went through the server.
    pub scan_call: Option<ScanCall>,
    /// What the target's client uploaded for that call (`stage::scan`'s uploads), to give a
    /// server that lost them.
    pub uploads: Option<PathBuf>,
}

/// What a `trivy server` Scan call names: the artifact and its layers (blobs) in the server's
/// cache. Replayed after a DB update, it rescans the target with no pull and no client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanCall {
    pub target: String,
    pub artifact_id: String,
    pub blob_ids: Vec<String>,
}

#[derive(Clone)]
pub struct ResultCache {
    dir: PathBuf,
}

/// Entries stored on a thread of their own, so that a worker's next scan does not wait for the
/// disk (an entry is a few synced files). Dropping it waits for what was queued; a run that
/// ends before (killed) loses only entries, which are written whole or not at all.
pub struct Writer {
    jobs: Option<std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    pub fn new() -> Writer {
        let (jobs, queue) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let thread = std::thread::Builder::new()
            .name("result-cache".into())
            .spawn(move || queue.into_iter().for_each(|job| job()))
            .ok();
        Writer {
            jobs: thread.is_some().then_some(jobs),
            thread,
        }
    }

    /// Runs `job` on the writer's thread (here, when it has none).
    pub fn later(&self, job: impl FnOnce() + Send + 'static) {
        match &self.jobs {
            Some(jobs) => {
                if let Err(refused) = jobs.send(Box::new(job)) {
                    (refused.0)();
                }
            }
            None => job(),
        }
    }
}

impl Default for Writer {
    fn default() -> Writer {
        Writer::new()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The id of the entry for `identity`: its directory's name, which a report records.
pub fn entry_id(identity: &str) -> String {
    let hash = sha2::Sha256::digest(identity.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// An entry a saved report names: its stored Trivy report, its SBOM when one is kept, and
/// where one would be kept.
#[derive(Debug)]
pub struct Stored {
    pub report: Vec<u8>,
    pub sbom: Option<PathBuf>,
    pub sbom_path: PathBuf,
}

/// The cache's directory inside Trivy's cache dir.
pub fn dir_in(cache_dir: &Path) -> PathBuf {
    cache_dir.join("trivyscan-results")
}

impl ResultCache {
    pub fn new(cache_dir: &Path) -> ResultCache {
        ResultCache {
            dir: dir_in(cache_dir),
        }
    }

    /// Where the SBOM of `identity` is kept (it may not exist).
    pub fn sbom_path(&self, identity: &str) -> PathBuf {
        self.entry_dir(identity).join("sbom.cdx.json")
    }

    fn entry_dir(&self, identity: &str) -> PathBuf {
        self.dir_of(&entry_id(identity))
    }

    fn dir_of(&self, id: &str) -> PathBuf {
        self.dir.join(&id[..2]).join(id)
    }

    /// The stored report and kept SBOM of the entry a saved report names (by its id), when
    /// the entry is still here and sound.
    pub fn stored(&self, id: &str) -> Option<Stored> {
        // An id is 64 hex digits: nothing a report says can name a path outside the cache.
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let dir = self.dir_of(&id.to_ascii_lowercase());
        let meta: Meta =
            serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()?;
        let entry = self.lookup(&meta.identity)?;
        Some(Stored {
            sbom_path: self.sbom_path(&meta.identity),
            report: entry.report,
            sbom: entry.sbom,
        })
    }

    /// The entry for `identity`, if there is a sound one; a damaged entry is removed.
    pub fn lookup(&self, identity: &str) -> Option<Entry> {
        let dir = self.entry_dir(identity);
        if !dir.exists() {
            return None;
        }
        let read = || -> Option<Entry> {
            let meta: Meta =
                serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()?;
            if meta.identity != identity {
                return None;
            }
            let report = std::fs::read(dir.join("report.json")).ok()?;
            // The report must still be a Trivy report trivyscan can read.
            crate::stage::normalize::normalize(&report).ok()?;
            let sbom = dir.join("sbom.cdx.json");
            let sbom = (sbom.is_file()
                // Whole JSON, whatever its content (Trivy reads it).
                && serde_json::from_slice::<serde::de::IgnoredAny>(&std::fs::read(&sbom).ok()?)
                    .is_ok())
            .then_some(sbom);
            let scan_call = std::fs::read(dir.join("scan-call.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            let uploads = Some(dir.join("uploads.json")).filter(|p| p.is_file());
            Some(Entry {
                meta,
                report,
                sbom,
                scan_call,
                uploads,
            })
        };
        let entry = read();
        if entry.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        entry
    }

    /// `dir` and the directories above it up to the cache's own, made (or made again) mode
    /// 0700: what Trivy found in each image is nobody else's to read or plant.
    fn private_dirs(&self, dir: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let mut at = Some(dir);
        while let Some(d) = at {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))?;
            if d == self.dir {
                break;
            }
            at = d.parent();
        }
        Ok(())
    }

    /// Stores an entry: each file written to a temp name and renamed, `meta.json` last, so a
    /// half-written entry has no meta and is never read.
    pub fn store(
        &self,
        meta: &Meta,
        report: &[u8],
        sbom: Option<&Path>,
        scan_call: Option<(&ScanCall, Option<&[u8]>)>,
    ) -> std::io::Result<()> {
        let dir = self.entry_dir(&meta.identity);
        self.private_dirs(&dir)?;
        let _ = std::fs::remove_file(dir.join("meta.json"));
        write_atomic(&dir, "report.json", report)?;
        if let Some(sbom) = sbom {
            write_atomic(&dir, "sbom.cdx.json", &std::fs::read(sbom)?)?;
        }
        match scan_call {
            Some((call, uploads)) => {
                write_atomic(
                    &dir,
                    "scan-call.json",
                    &serde_json::to_vec(call).expect("a scan call serializes"),
                )?;
                match uploads {
                    Some(uploads) => write_atomic(&dir, "uploads.json", uploads)?,
                    None => {
                        let _ = std::fs::remove_file(dir.join("uploads.json"));
                    }
                }
            }
            None => {
                let _ = std::fs::remove_file(dir.join("scan-call.json"));
                let _ = std::fs::remove_file(dir.join("uploads.json"));
            }
        }
        write_atomic(
            &dir,
            "meta.json",
            &serde_json::to_vec(meta).expect("meta serializes"),
        )
    }

    /// Every entry: (directory, meta, size in bytes, modified).
    pub fn entries(&self) -> Vec<(PathBuf, Option<Meta>, u64, std::time::SystemTime)> {
        // Real directories only: a symlink planted in the cache (to /etc, to a home) must not
        // lead `cache prune` out of it. (DirEntry::file_type does not follow links.)
        let is_dir = |e: &std::fs::DirEntry| e.file_type().is_ok_and(|t| t.is_dir());
        let mut out = Vec::new();
        for shard in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            if !is_dir(&shard) {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if !is_dir(&entry) {
                    continue;
                }
                let path = entry.path();
                let meta = std::fs::read(path.join("meta.json"))
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok());
                let mut size = 0;
                let mut modified = std::time::SystemTime::UNIX_EPOCH;
                for f in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    if let Ok(m) = f.metadata() {
                        size += m.len();
                        modified = modified.max(m.modified().unwrap_or(modified));
                    }
                }
                out.push((path, meta, size, modified));
            }
        }
        out
    }
}

/// Renamed into place, mode 0600 (entries hold reports), not synced: an entry can be made
/// again, and `lookup` checks every file of it and drops an entry a crash left torn, so a
/// store costs no disk wait (four files an image).
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    crate::atomic::write_atomic_unsynced(dir, name, bytes)
        .map(|_| ())
        .map_err(|e| e.source)
}

/// A Trivy report as the cache merges it: its results by class, everything else Trivy wrote
/// kept as it was (a stored report is handed to the normalize stage whole).
#[derive(serde::Deserialize, serde::Serialize)]
struct StoredReport {
    /// Absent or `null` when Trivy found nothing to report on.
    #[serde(rename = "Results", default)]
    results: Option<Vec<StoredResult>>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(serde::Deserialize, serde::Serialize)]
struct StoredResult {
    #[serde(rename = "Class", default)]
    class: String,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

impl StoredResult {
    /// Secrets, misconfigurations and licenses: what a newer DB does not change.
    fn independent_of_db(&self) -> bool {
        matches!(
            self.class.as_str(),
            "secret" | "config" | "license" | "license-file"
        )
    }
}

/// A stored report with its vulnerability results replaced by `fresh` (a `trivy sbom` report
/// of the same content against a newer DB); results that do not depend on the DB (secrets,
/// misconfigurations, licenses) are kept.
pub fn with_fresh_vulnerabilities(stored: &[u8], fresh: &[u8]) -> Result<Vec<u8>, String> {
    let mut report: StoredReport =
        serde_json::from_slice(stored).map_err(|e| format!("stored report: {e}"))?;
    let fresh: StoredReport =
        serde_json::from_slice(fresh).map_err(|e| format!("SBOM scan: {e}"))?;
    let kept = report
        .results
        .take()
        .into_iter()
        .flatten()
        .filter(StoredResult::independent_of_db);
    report.results = Some(
        fresh
            .results
            .into_iter()
            .flatten()
            .filter(|r| !r.independent_of_db())
            .chain(kept)
            .collect(),
    );
    serde_json::to_vec(&report).map_err(|e| e.to_string())
}
