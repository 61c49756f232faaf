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
    pub uploads: Option<Vec<u8>>,
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

    /// Where the SBOM of `identity` is kept (it may not exist): beside its entry.
    pub fn sbom_path(&self, identity: &str) -> PathBuf {
        let id = entry_id(identity);
        self.shard_of(&id).join(format!("{id}.cdx.json"))
    }

    fn shard_of(&self, id: &str) -> PathBuf {
        self.dir.join(&id[..2])
    }

    fn entry_path(&self, id: &str) -> PathBuf {
        self.shard_of(id).join(format!("{id}.entry"))
    }

    /// The stored report and kept SBOM of the entry a saved report names (by its id), when
    /// the entry is still here and sound.
    pub fn stored(&self, id: &str) -> Option<Stored> {
        // An id is 64 hex digits: nothing a report says can name a path outside the cache.
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let entry = self.read_entry(&id.to_ascii_lowercase(), None)?;
        Some(Stored {
            sbom_path: self.sbom_path(&entry.meta.identity),
            report: entry.report,
            sbom: entry.sbom,
        })
    }

    /// The entry for `identity`, if there is a sound one; a damaged entry is removed.
    pub fn lookup(&self, identity: &str) -> Option<Entry> {
        self.read_entry(&entry_id(identity), Some(identity))
    }

    /// The entry with id `id`, read once and checked whole: it must be stored under its own
    /// identity's id (and be `identity`'s, when given) and hold a report trivyscan can read.
    /// A damaged entry is removed.
    fn read_entry(&self, id: &str, identity: Option<&str>) -> Option<Entry> {
        let path = self.entry_path(id);
        let bytes = std::fs::read(&path).ok()?;
        let read = || -> Option<Entry> {
            let (header, report, uploads) = parse_entry(&bytes)?;
            let own = &header.meta.identity;
            if entry_id(own) != id || identity.is_some_and(|i| i != own) {
                return None;
            }
            // The report must still be a Trivy report trivyscan can read.
            crate::stage::normalize::normalize(report).ok()?;
            let sbom = self.sbom_path(own);
            let sbom = (sbom.is_file()
                // Whole JSON, whatever its content (Trivy reads it).
                && serde_json::from_slice::<serde::de::IgnoredAny>(&std::fs::read(&sbom).ok()?)
                    .is_ok())
            .then_some(sbom);
            Some(Entry {
                meta: header.meta,
                report: report.to_vec(),
                sbom,
                scan_call: header.scan_call,
                uploads: uploads.map(<[u8]>::to_vec),
            })
        };
        let entry = read();
        if entry.is_none() {
            remove_entry(&path);
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

    /// Stores an entry: one file (meta, Scan call, report and uploads), written to a temp name
    /// and renamed, so it is read whole or not at all; its SBOM, when given, beside it first.
    /// One file, not a directory of them: a cold fleet scan stores one per image, and each new
    /// file costs the file system an inode.
    pub fn store(
        &self,
        meta: &Meta,
        report: &[u8],
        sbom: Option<&Path>,
        scan_call: Option<(&ScanCall, Option<&[u8]>)>,
    ) -> std::io::Result<()> {
        let id = entry_id(&meta.identity);
        let shard = self.shard_of(&id);
        self.private_dirs(&shard)?;
        if let Some(sbom) = sbom {
            write_atomic(&shard, &format!("{id}.cdx.json"), &std::fs::read(sbom)?)?;
        }
        let uploads = scan_call.and_then(|(_, u)| u);
        let header = EntryHeader {
            meta: meta.clone(),
            scan_call: scan_call.map(|(c, _)| c.clone()),
            report_len: report.len(),
            uploads_len: uploads.map(<[u8]>::len),
        };
        let mut bytes = format!("{ENTRY_MAGIC}\n").into_bytes();
        serde_json::to_writer(&mut bytes, &header).expect("an entry header serializes");
        bytes.push(b'\n');
        bytes.extend_from_slice(report);
        bytes.extend_from_slice(uploads.unwrap_or_default());
        write_atomic(&shard, &format!("{id}.entry"), &bytes)
    }

    /// Every entry: (path, meta, size in bytes with its SBOM, modified). Directories left by
    /// earlier trivyscan builds (one per entry, no longer read) are listed too, without meta,
    /// so `cache prune` removes them.
    pub fn entries(&self) -> Vec<(PathBuf, Option<Meta>, u64, std::time::SystemTime)> {
        // Real directories only: a symlink planted in the cache (to /etc, to a home) must not
        // lead `cache prune` out of it. (DirEntry::file_type does not follow links.)
        let is = |e: &std::fs::DirEntry, dir: bool| {
            e.file_type()
                .is_ok_and(|t| if dir { t.is_dir() } else { t.is_file() })
        };
        let mut out = Vec::new();
        for shard in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            if !is(&shard, true) {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = entry.path();
                let stat = |p: &Path| std::fs::symlink_metadata(p).ok();
                if is(&entry, true) {
                    let (size, modified) = std::fs::read_dir(&path)
                        .into_iter()
                        .flatten()
                        .flatten()
                        .filter_map(|f| stat(&f.path()))
                        .fold((0, std::time::SystemTime::UNIX_EPOCH), |(n, t), m| {
                            (n + m.len(), t.max(m.modified().unwrap_or(t)))
                        });
                    out.push((path, None, size, modified));
                } else if is(&entry, false) && path.extension().is_some_and(|e| e == "entry") {
                    let meta = std::fs::read(&path)
                        .ok()
                        .and_then(|b| parse_entry(&b).map(|(h, _, _)| h.meta));
                    let sbom = stat(&path.with_extension("cdx.json"));
                    let m = stat(&path);
                    let size =
                        m.as_ref().map_or(0, |m| m.len()) + sbom.as_ref().map_or(0, |m| m.len());
                    let modified = m
                        .and_then(|m| m.modified().ok())
                        .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
                    out.push((path, meta, size, modified));
                }
            }
        }
        out
    }
}

/// Removes an entry [`ResultCache::entries`] listed: its file and SBOM (or an old entry's
/// directory). Whether it was removed.
pub fn remove_entry(path: &Path) -> bool {
    if path.is_dir() {
        return std::fs::remove_dir_all(path).is_ok();
    }
    let _ = std::fs::remove_file(path.with_extension("cdx.json"));
    std::fs::remove_file(path).is_ok()
}

/// The first line of an entry file.
const ENTRY_MAGIC: &str = "trivyscan-result-cache 2";

/// An entry file's second line; the report and the uploads follow, in that order.
#[derive(Serialize, Deserialize)]
struct EntryHeader {
    meta: Meta,
    scan_call: Option<ScanCall>,
    report_len: usize,
    uploads_len: Option<usize>,
}

/// An entry file's header, report and uploads.
type ParsedEntry<'a> = (EntryHeader, &'a [u8], Option<&'a [u8]>);

/// An entry file read; `None` unless it is whole.
fn parse_entry(bytes: &[u8]) -> Option<ParsedEntry<'_>> {
    let rest = bytes.strip_prefix(format!("{ENTRY_MAGIC}\n").as_bytes())?;
    let end = memchr::memchr(b'\n', rest)?;
    let header: EntryHeader = serde_json::from_slice(&rest[..end]).ok()?;
    let body = &rest[end + 1..];
    if body.len() != header.report_len + header.uploads_len.unwrap_or(0) {
        return None;
    }
    let (report, uploads) = body.split_at(header.report_len);
    let uploads = header.uploads_len.map(|_| uploads);
    Some((header, report, uploads))
}

/// Renamed into place, mode 0600 (entries hold reports), not synced: an entry can be made
/// again, and `lookup` checks it whole and drops an entry a crash left torn, so a store costs
/// no disk wait.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(identity: &str) -> Meta {
        Meta {
            identity: identity.into(),
            db_updated_at: "2030-01-01T00:00:00Z".into(),
            scanners: vec!["vuln".into()],
            created_at: "now".into(),
            trivyscan: "0".into(),
        }
    }

    #[test]
    fn an_entry_is_one_file_read_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ResultCache::new(dir.path());
        let report = br#"{"SchemaVersion": 2, "ArtifactName": "app", "Results": []}"#;
        let call = ScanCall {
            target: "app".into(),
            artifact_id: "sha256:a".into(),
            blob_ids: vec!["sha256:b".into()],
        };
        cache
            .store(
                &meta("image x"),
                report,
                None,
                Some((&call, Some(b"up\nloads"))),
            )
            .unwrap();
        let entry = cache.lookup("image x").expect("stored");
        assert_eq!(entry.report, report);
        assert_eq!(entry.scan_call, Some(call));
        assert_eq!(entry.uploads.as_deref(), Some(&b"up\nloads"[..]));
        assert!(entry.sbom.is_none());
        let listed = cache.entries();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].1.as_ref().unwrap().identity, "image x");
        // Stored without a call: none read back.
        cache.store(&meta("image y"), report, None, None).unwrap();
        let entry = cache.lookup("image y").unwrap();
        assert!(entry.scan_call.is_none() && entry.uploads.is_none());
        // Cut short: not read, and removed.
        let path = listed[0].0.clone();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(cache.lookup("image x").is_none());
        assert!(!path.exists());
        // Another identity's entry under this one's name is not this one's.
        std::fs::copy(cache.entry_path(&entry_id("image y")), &path).unwrap();
        assert!(cache.lookup("image x").is_none());
    }

    #[test]
    fn an_old_entry_directory_is_listed_without_meta_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ResultCache::new(dir.path());
        let old = dir_in(dir.path()).join("ab").join("ab".repeat(32));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("report.json"), "{}").unwrap();
        let listed = cache.entries();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].1.is_none(), "pruned as damaged");
        assert!(remove_entry(&listed[0].0));
        assert!(!old.exists());
    }
}
