//! What a Trivy client uploads to the server for one image: the image config's analysis
//! (`PutArtifact`) and each layer's packages (`PutBlob`). The recording proxy keeps them
//! (only those of the clients trivyscan started, under their tickets), the result cache keeps
//! them beside the Scan call, and they are uploaded again when a server no longer holds them
//! (restarted, cache wiped, another replica, Redis flushed). The DB-update rescan then stays a
//! replay, with no pull and no client, and finds what the client's own analysis found; no SBOM
//! (a second Trivy process per image) is needed for it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::twirp_wire::string_field;
use crate::stage::result_cache::ScanCall;

pub const PUT_ARTIFACT: &str = "/twirp/trivy.cache.v1.Cache/PutArtifact";
pub const PUT_BLOB: &str = "/twirp/trivy.cache.v1.Cache/PutBlob";

/// One upload as the client sent it: its Twirp path, content type and body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub path: String,
    pub content_type: String,
    /// Base64: the Go client sends protobuf.
    pub body: String,
}

impl Upload {
    fn body(&self) -> Option<Vec<u8>> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.body)
            .ok()
    }

    /// The artifact or blob this upload stores (`artifact_id` / `diff_id`, field 1 of both
    /// requests).
    fn key(&self) -> Option<String> {
        key_of(&self.content_type, &self.body()?)
    }
}

/// Everything a Scan call needs the server to hold: its artifact and each of its blobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Uploads {
    artifact: Upload,
    blobs: Vec<Upload>,
}

fn key_of(content_type: &str, body: &[u8]) -> Option<String> {
    if content_type.contains("json") {
        #[derive(Deserialize)]
        struct Keys {
            artifact_id: Option<String>,
            diff_id: Option<String>,
        }
        let keys: Keys = serde_json::from_slice(body).ok()?;
        keys.artifact_id.or(keys.diff_id)
    } else {
        string_field(body, 1)
    }
}

/// Where the proxy keeps what the run's clients uploaded: one append-only file in the run's
/// private work dir (gone with it) and an index in memory. One file, not one per upload: the
/// proxy records while the client waits for its answer, and creating a file per upload cost
/// every client that wait (and the file system an inode) for each image.
pub struct Spool {
    file: std::fs::File,
    /// Where the next record goes: taken before writing, so writers never overlap.
    end: std::sync::atomic::AtomicU64,
    /// (Twirp path, artifact or blob key) → (offset, length) of its latest record, put in
    /// only once the record is written whole.
    index: std::sync::Mutex<HashMap<(String, String), (u64, usize)>>,
}

impl Spool {
    pub fn new(dir: PathBuf) -> std::io::Result<Spool> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)?;
        // Unnamed where the system allows it (nothing else can open it, and it is gone when
        // the run ends however it ends); a second recorder in the run gets its own.
        let file = tempfile::tempfile_in(&dir)?;
        Ok(Spool {
            file,
            end: std::sync::atomic::AtomicU64::new(0),
            index: std::sync::Mutex::default(),
        })
    }

    /// Keeps a request the server accepted, when it is an upload; anything else is ignored.
    pub fn record(&self, path: &str, content_type: &str, body: &[u8]) {
        use std::os::unix::fs::FileExt;
        if path != PUT_ARTIFACT && path != PUT_BLOB {
            return;
        }
        let Some(key) = key_of(content_type, body) else {
            return;
        };
        let upload = Upload {
            path: path.to_string(),
            content_type: content_type.to_string(),
            body: base64::engine::general_purpose::STANDARD.encode(body),
        };
        let bytes = serde_json::to_vec(&upload).expect("an upload serializes");
        let at = self
            .end
            .fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::SeqCst);
        // Two clients may upload one shared layer at once: each writes its own record and the
        // last one indexed wins (the same analysis either way).
        if self.file.write_all_at(&bytes, at).is_ok() {
            self.index
                .lock()
                .expect("spool index")
                .insert((path.to_string(), key), (at, bytes.len()));
        }
    }

    fn read(&self, path: &str, key: &str) -> Option<Upload> {
        use std::os::unix::fs::FileExt;
        let (at, len) = *self
            .index
            .lock()
            .expect("spool index")
            .get(&(path.to_string(), key.to_string()))?;
        let mut bytes = vec![0; len];
        self.file.read_exact_at(&mut bytes, at).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// What `call` needs, as the result cache keeps it; `None` unless the run's clients
    /// uploaded its artifact and every one of its blobs (a server that already held a layer is
    /// not sent it again).
    pub fn collect(&self, call: &ScanCall) -> Option<Vec<u8>> {
        let uploads = Uploads {
            artifact: self.read(PUT_ARTIFACT, &call.artifact_id)?,
            blobs: call
                .blob_ids
                .iter()
                .map(|blob| self.read(PUT_BLOB, blob))
                .collect::<Option<_>>()?,
        };
        Some(serde_json::to_vec(&uploads).expect("uploads serialize"))
    }
}

/// Uploads what the result cache kept for `call` (`kept`, as `Spool::collect` made it) to
/// the server at `url` again.
/// Refused, before anything is sent, when the kept uploads are not exactly those `call` names.
pub fn upload_again(
    url: &str,
    token: &str,
    token_header: Option<&str>,
    call: &ScanCall,
    kept: &[u8],
    timeout: Duration,
) -> Result<(), String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("the kept uploads cannot be read: {e}");
    let uploads: Uploads = serde_json::from_slice(kept).map_err(|e| unreadable(&e))?;
    let blob_keys: Vec<Option<String>> = uploads.blobs.iter().map(Upload::key).collect();
    let matches = uploads.artifact.path == PUT_ARTIFACT
        && uploads.artifact.key().as_deref() == Some(call.artifact_id.as_str())
        && uploads.blobs.iter().all(|b| b.path == PUT_BLOB)
        && blob_keys
            .iter()
            .map(Option::as_deref)
            .eq(call.blob_ids.iter().map(|b| Some(b.as_str())));
    if !matches {
        return Err("the kept uploads are not those of the stored Scan call".into());
    }
    let agent = crate::http::agent(timeout);
    for upload in uploads.blobs.iter().chain([&uploads.artifact]) {
        let body = upload.body().ok_or("a kept upload is not base64")?;
        let mut response = agent
            .post(&format!("{url}{}", upload.path))
            .header("Content-Type", &upload.content_type)
            .header(token_header.unwrap_or("Trivy-Token"), token)
            .send(&body[..])
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        if status != 200 {
            let text = response
                .body_mut()
                .with_config()
                .limit(1 << 20)
                .read_to_string()
                .unwrap_or_default();
            return Err(format!("the server answered {status}: {}", text.trim()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A protobuf message with string fields (number, text).
    fn proto(fields: &[(u8, &str)]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for (field, text) in fields {
            bytes.push(field << 3 | 2);
            bytes.push(text.len() as u8);
            bytes.extend_from_slice(text.as_bytes());
        }
        bytes
    }

    #[test]
    fn a_call_collects_only_when_every_upload_it_names_was_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path().join("spool")).unwrap();
        let ct = "application/protobuf";
        spool.record(PUT_ARTIFACT, ct, &proto(&[(1, "sha256:art"), (2, "info")]));
        spool.record(PUT_BLOB, ct, &proto(&[(1, "sha256:b1"), (3, "pkgs")]));
        // Not an upload: never kept.
        spool.record(
            "/twirp/trivy.cache.v1.Cache/MissingBlobs",
            ct,
            &proto(&[(1, "sha256:b2")]),
        );
        let call = |blobs: &[&str]| ScanCall {
            target: "img".into(),
            artifact_id: "sha256:art".into(),
            blob_ids: blobs.iter().map(|b| b.to_string()).collect(),
        };
        assert!(spool.collect(&call(&["sha256:b1", "sha256:b2"])).is_none());
        let kept = spool.collect(&call(&["sha256:b1"])).expect("all recorded");
        // Refused before anything is sent (no server listens on port 9).
        let refused = |blobs: &[&str], kept: &[u8]| {
            let timeout = Duration::from_secs(1);
            upload_again("http://127.0.0.1:9", "t", None, &call(blobs), kept, timeout).unwrap_err()
        };
        // Kept for another call.
        let err = refused(&["sha256:b9"], &kept);
        assert!(err.contains("not those"), "{err}");
        // Damaged: said as such.
        let err = refused(&["sha256:b1"], b"garbage");
        assert!(err.starts_with("the kept uploads cannot be read"), "{err}");
        // JSON bodies are keyed too.
        spool.record(PUT_BLOB, "application/json", br#"{"diff_id":"sha256:b2"}"#);
        assert!(spool.collect(&call(&["sha256:b1", "sha256:b2"])).is_some());
    }

    #[test]
    fn uploads_recorded_at_once_by_many_clients_are_all_kept_whole() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path().join("spool")).unwrap();
        let ct = "application/protobuf";
        std::thread::scope(|scope| {
            for t in 0..8 {
                let spool = &spool;
                scope.spawn(move || {
                    for i in 0..50 {
                        let key = format!("sha256:{t}-{i}");
                        let payload = "x".repeat(10 + t * 5 + i);
                        spool.record(PUT_BLOB, ct, &proto(&[(1, &key), (3, &payload)]));
                    }
                });
            }
        });
        spool.record(PUT_ARTIFACT, ct, &proto(&[(1, "sha256:art")]));
        for t in 0..8 {
            let blobs: Vec<String> = (0..50).map(|i| format!("sha256:{t}-{i}")).collect();
            let call = ScanCall {
                target: "img".into(),
                artifact_id: "sha256:art".into(),
                blob_ids: blobs.clone(),
            };
            let kept: Uploads = serde_json::from_slice(&spool.collect(&call).unwrap()).unwrap();
            let keys: Vec<String> = kept.blobs.iter().map(|b| b.key().unwrap()).collect();
            assert_eq!(keys, blobs);
            for (i, blob) in kept.blobs.iter().enumerate() {
                assert_eq!(
                    blob.body().unwrap().len(),
                    2 + blobs[i].len() + 2 + 10 + t * 5 + i
                );
            }
        }
        // No file per upload (the spool's own is unnamed where the system allows it).
        assert!(std::fs::read_dir(dir.path().join("spool")).unwrap().count() <= 1);
    }
}
