//! Trivy's Java DB (`java-db/trivy-java.db`, sqlite, schema 1), which Trivy needs to analyze jars:
//! `artifacts(idx, group_id, artifact_id)` and `indices(artifact_idx, version, sha1, archive_type)`.

use std::fs;
use std::path::Path;

use serde_json::json;
use sha1::{Digest, Sha1};

#[derive(Debug, Clone)]
struct Entry {
    group: String,
    artifact: String,
    version: String,
    sha1: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct JavaDb {
    entries: Vec<Entry>,
}

impl JavaDb {
    pub fn new() -> JavaDb {
        JavaDb::default()
    }

    /// Records a jar's identity under the SHA-1 of its bytes, as Maven Central indexes it.
    pub fn with_jar(mut self, group: &str, artifact: &str, version: &str, jar: &[u8]) -> JavaDb {
        self.entries.push(Entry {
            group: group.into(),
            artifact: artifact.into(),
            version: version.into(),
            sha1: Sha1::digest(jar).to_vec(),
        });
        self
    }

    fn write_files(&self, dir: &Path) {
        let path = dir.join("trivy-java.db");
        let _ = fs::remove_file(&path);
        let conn = rusqlite::Connection::open(&path).expect("create trivy-java.db");
        conn.execute_batch(
            "CREATE TABLE artifacts(idx INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
             CREATE TABLE indices(artifact_idx INTEGER, version TEXT, sha1 BLOB, archive_type TEXT);
             CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
             CREATE INDEX indices_sha1_idx ON indices(sha1);",
        )
        .unwrap();
        for e in &self.entries {
            conn.execute(
                "INSERT INTO artifacts(group_id, artifact_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                (&e.group, &e.artifact),
            )
            .unwrap();
            let idx: i64 = conn
                .query_row(
                    "SELECT idx FROM artifacts WHERE group_id = ?1 AND artifact_id = ?2",
                    (&e.group, &e.artifact),
                    |r| r.get(0),
                )
                .unwrap();
            conn.execute(
                "INSERT INTO indices(artifact_idx, version, sha1, archive_type) VALUES (?1, ?2, ?3, 'jar')",
                (idx, &e.version, &e.sha1),
            )
            .unwrap();
        }
        drop(conn);
        let meta = json!({
            "Version": 1,
            "NextUpdate": "2999-01-01T00:00:00Z",
            "UpdatedAt": "2024-01-01T00:00:00Z",
            "DownloadedAt": "2024-01-01T00:00:00Z",
        });
        fs::write(dir.join("metadata.json"), meta.to_string()).unwrap();
    }

    /// Writes `<cache_dir>/java-db/trivy-java.db` and `metadata.json`.
    pub fn write_to_cache(&self, cache_dir: &Path) {
        let dir = cache_dir.join("java-db");
        fs::create_dir_all(&dir).unwrap();
        self.write_files(&dir);
    }

    /// The Java DB as Trivy downloads it (`javadb.tar.gz`).
    pub fn to_tar_gz(&self) -> Vec<u8> {
        let tmp = tempfile::tempdir().unwrap();
        self.write_files(tmp.path());
        let files: Vec<(String, Vec<u8>)> = ["trivy-java.db", "metadata.json"]
            .iter()
            .map(|n| (n.to_string(), fs::read(tmp.path().join(n)).unwrap()))
            .collect();
        crate::image::tar_gz(&files)
    }
}
