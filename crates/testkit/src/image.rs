//! Deterministic container images: one gzipped tar layer per `Rootfs` (mtime 0, uid 0, sorted
//! entries), written as an OCI layout directory or a docker-archive tarball, or pushed to a
//! registry by [`crate::registry`].

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;
use sha2::{Digest, Sha256};

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file tree: path (without leading `/`) -> contents.
#[derive(Debug, Clone, Default)]
pub struct Rootfs {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Rootfs {
    pub fn new() -> Rootfs {
        Rootfs::default()
    }

    pub fn file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Rootfs {
        self.files
            .insert(path.trim_start_matches('/').to_string(), contents.into());
        self
    }

    /// Adds every file of `other` (its files win on conflict).
    pub fn with(mut self, other: Rootfs) -> Rootfs {
        self.files.extend(other.files);
        self
    }

    /// Writes the tree into `dir` (for `docker build` contexts).
    pub fn write_to(&self, dir: &Path) {
        for (path, data) in &self.files {
            let p = dir.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, data).unwrap();
        }
    }

    /// The uncompressed layer tar, with parent directories as entries.
    pub fn to_tar(&self) -> Vec<u8> {
        let mut dirs = BTreeMap::new();
        for path in self.files.keys() {
            let mut acc = String::new();
            let parts: Vec<&str> = path.split('/').collect();
            for part in &parts[..parts.len() - 1] {
                if !acc.is_empty() {
                    acc.push('/');
                }
                acc.push_str(part);
                dirs.insert(acc.clone(), ());
            }
        }
        let mut builder = tar::Builder::new(Vec::new());
        let mut entries: Vec<(String, Option<&Vec<u8>>)> =
            dirs.keys().map(|d| (format!("{d}/"), None)).collect();
        entries.extend(self.files.iter().map(|(p, d)| (p.clone(), Some(d))));
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, data) in entries {
            let mut header = tar::Header::new_ustar();
            header.set_mtime(0);
            header.set_uid(0);
            header.set_gid(0);
            match data {
                None => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(0o755);
                    header.set_size(0);
                    builder
                        .append_data(&mut header, &path, std::io::empty())
                        .unwrap();
                }
                Some(d) => {
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_mode(0o644);
                    header.set_size(d.len() as u64);
                    builder
                        .append_data(&mut header, &path, d.as_slice())
                        .unwrap();
                }
            }
        }
        builder.into_inner().unwrap()
    }
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A gzipped tar of flat files (for DB artifacts).
pub fn tar_gz(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut rootfs = Rootfs::new();
    for (name, data) in files {
        rootfs = rootfs.file(name, data.clone());
    }
    gzip(&rootfs.to_tar())
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub tar: Vec<u8>,
    pub tar_gz: Vec<u8>,
    /// sha256 of the uncompressed tar.
    pub diff_id: String,
    /// sha256 of the gzipped tar.
    pub digest: String,
}

/// An image: layers, a config and an OCI manifest, all with their digests.
#[derive(Debug, Clone)]
pub struct Image {
    pub layers: Vec<Layer>,
    pub config: Vec<u8>,
    pub manifest: Vec<u8>,
}

impl Image {
    /// The same image with another `created` time in its config (registry globs keep the
    /// newest tags by it).
    pub fn created(self, created: &str) -> Image {
        let mut config: serde_json::Value = serde_json::from_slice(&self.config).unwrap();
        config["created"] = created.into();
        let config = config.to_string().into_bytes();
        let mut manifest: serde_json::Value = serde_json::from_slice(&self.manifest).unwrap();
        manifest["config"]["digest"] = format!("sha256:{}", sha256_hex(&config)).into();
        manifest["config"]["size"] = config.len().into();
        Image {
            layers: self.layers,
            config,
            manifest: manifest.to_string().into_bytes(),
        }
    }

    /// One layer per root file system, in order.
    pub fn new(layers: &[Rootfs]) -> Image {
        let layers: Vec<Layer> = layers
            .iter()
            .map(|fs| {
                let tar = fs.to_tar();
                let tar_gz = gzip(&tar);
                Layer {
                    diff_id: format!("sha256:{}", sha256_hex(&tar)),
                    digest: format!("sha256:{}", sha256_hex(&tar_gz)),
                    tar,
                    tar_gz,
                }
            })
            .collect();
        let config = json!({
            "architecture": "amd64",
            "os": "linux",
            "created": "2024-01-01T00:00:00Z",
            "config": { "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
            "rootfs": { "type": "layers", "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>() },
            "history": layers.iter().map(|_| json!({ "created": "2024-01-01T00:00:00Z", "created_by": "testkit" })).collect::<Vec<_>>(),
        })
        .to_string()
        .into_bytes();
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": { "mediaType": OCI_CONFIG, "digest": format!("sha256:{}", sha256_hex(&config)), "size": config.len() },
            "layers": layers.iter().map(|l| json!({ "mediaType": OCI_LAYER_GZIP, "digest": l.digest, "size": l.tar_gz.len() })).collect::<Vec<_>>(),
        })
        .to_string()
        .into_bytes();
        Image {
            layers,
            config,
            manifest,
        }
    }

    pub fn single(rootfs: &Rootfs) -> Image {
        Image::new(std::slice::from_ref(rootfs))
    }

    pub fn config_digest(&self) -> String {
        format!("sha256:{}", sha256_hex(&self.config))
    }

    pub fn manifest_digest(&self) -> String {
        format!("sha256:{}", sha256_hex(&self.manifest))
    }

    /// Writes an OCI image layout directory with the manifest tagged `tag`.
    pub fn write_oci_layout(&self, dir: &Path, tag: &str) {
        let blobs = dir.join("blobs/sha256");
        fs::create_dir_all(&blobs).unwrap();
        let put = |data: &[u8]| fs::write(blobs.join(sha256_hex(data)), data).unwrap();
        put(&self.config);
        put(&self.manifest);
        for l in &self.layers {
            put(&l.tar_gz);
        }
        fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        let index = json!({
            "schemaVersion": 2,
            "manifests": [{
                "mediaType": OCI_MANIFEST,
                "digest": self.manifest_digest(),
                "size": self.manifest.len(),
                "annotations": { "org.opencontainers.image.ref.name": tag },
            }],
        });
        fs::write(dir.join("index.json"), index.to_string()).unwrap();
    }

    /// Writes a docker-archive (`docker save` format) tarball tagged `repo_tag`.
    pub fn write_docker_archive(&self, path: &Path, repo_tag: &str) {
        let config_name = format!("{}.json", sha256_hex(&self.config));
        let mut fs_ = Rootfs::new().file(&config_name, self.config.clone());
        let mut layer_names = Vec::new();
        for l in &self.layers {
            let name = format!("{}/layer.tar", sha256_hex(&l.tar));
            fs_ = fs_.file(&name, l.tar.clone());
            layer_names.push(name);
        }
        let manifest =
            json!([{ "Config": config_name, "RepoTags": [repo_tag], "Layers": layer_names }]);
        fs_ = fs_.file("manifest.json", manifest.to_string());
        fs::write(path, fs_.to_tar()).unwrap();
    }
}
