//! Image archives: what kind an archive is, and the digest that identifies it.
//!
//! - a docker-archive (`docker save`): a tar with `manifest.json`; identity = the image ID
//!   (the config's digest)
//! - an OCI layout directory: `oci-layout` + `index.json`; identity = the manifest digest
//! - an OCI layout packed as a tar: the same inside a tar; Trivy cannot read it, so trivyscan
//!   unpacks it first

use std::fs::File;
use std::io::Read;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    DockerArchive,
    OciLayout,
    OciTar,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveInfo {
    pub format: ArchiveFormat,
    /// `sha256:...`: the image ID of a docker-archive, the manifest digest of an OCI layout.
    pub digest: String,
}

fn manifest_digest(index: &[u8]) -> Result<String, String> {
    let index: serde_json::Value =
        serde_json::from_slice(index).map_err(|e| format!("index.json is not JSON: {e}"))?;
    index["manifests"][0]["digest"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| "index.json lists no manifest".into())
}

fn image_id(manifest: &[u8]) -> Result<String, String> {
    let manifest: serde_json::Value =
        serde_json::from_slice(manifest).map_err(|e| format!("manifest.json is not JSON: {e}"))?;
    let config = manifest[0]["Config"]
        .as_str()
        .ok_or("manifest.json names no config")?;
    // "<hex>.json" (docker save) or "blobs/sha256/<hex>" (newer Docker).
    let hex = config
        .rsplit('/')
        .next()
        .unwrap_or(config)
        .trim_end_matches(".json");
    Ok(format!("sha256:{hex}"))
}

/// Tells what `path` is, or why it is not an image archive.
pub fn inspect(path: &Path) -> Result<ArchiveInfo, String> {
    if path.is_dir() {
        if !path.join("oci-layout").is_file() {
            return Err("a directory without an oci-layout file is not an OCI image layout".into());
        }
        let index = std::fs::read(path.join("index.json"))
            .map_err(|_| "the OCI layout has no index.json".to_string())?;
        return Ok(ArchiveInfo {
            format: ArchiveFormat::OciLayout,
            digest: manifest_digest(&index)?,
        });
    }
    let file = File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    let mut archive = tar::Archive::new(file);
    let entries = archive
        .entries()
        .map_err(|_| "not a tar archive".to_string())?;
    let (mut manifest, mut index, mut oci_layout, mut any) = (None, None, false, false);
    for entry in entries {
        let mut entry = entry.map_err(|_| "not a tar archive (or a damaged one)".to_string())?;
        any = true;
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().trim_start_matches("./").to_string())
            .unwrap_or_default();
        match name.as_str() {
            "manifest.json" => {
                let mut buf = Vec::new();
                entry.read_to_end(&mut buf).map_err(|e| e.to_string())?;
                manifest = Some(buf);
            }
            "index.json" => {
                let mut buf = Vec::new();
                entry.read_to_end(&mut buf).map_err(|e| e.to_string())?;
                index = Some(buf);
            }
            "oci-layout" => oci_layout = true,
            _ => {}
        }
    }
    if !any {
        return Err("not a tar archive (or an empty one)".into());
    }
    match (manifest, index, oci_layout) {
        (Some(m), _, _) => Ok(ArchiveInfo {
            format: ArchiveFormat::DockerArchive,
            digest: image_id(&m)?,
        }),
        (None, Some(i), true) => Ok(ArchiveInfo {
            format: ArchiveFormat::OciTar,
            digest: manifest_digest(&i)?,
        }),
        (None, None, true) => Err("an OCI layout tar without index.json".into()),
        _ => Err("a tar that is neither a docker-archive (no manifest.json) nor an OCI layout (no oci-layout)".into()),
    }
}

/// A SHA-256 over the archive's whole content: what the result cache keys an archive by. The
/// digest an archive claims (its `manifest.json` or `index.json`) is chosen by whoever made the
/// file, so it cannot be trusted to tell two archives apart. For a layout directory: every
/// file's relative path and bytes, in path order (symlinks by their target, never followed).
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    if path.is_dir() {
        let mut entries: Vec<walkdir::DirEntry> = walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .collect::<Result<_, _>>()?;
        entries.retain(|e| e.depth() > 0);
        for entry in entries {
            let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
            hasher.update(rel.as_os_str().as_encoded_bytes());
            hasher.update([0]);
            if entry.path_is_symlink() {
                let target = std::fs::read_link(entry.path())?;
                hasher.update(b"link:");
                hasher.update(target.as_os_str().as_encoded_bytes());
            } else if entry.file_type().is_file() {
                let len = hash_file(entry.path(), &mut hasher)?;
                hasher.update(len.to_le_bytes());
            }
            hasher.update([0]);
        }
    } else {
        hash_file(path, &mut hasher)?;
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("sha256:{hex}"))
}

/// Feeds a file to `hasher` in blocks; returns its length.
fn hash_file(path: &Path, hasher: &mut sha2::Sha256) -> std::io::Result<u64> {
    use sha2::Digest;
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut len = 0u64;
    loop {
        match file.read(&mut buf)? {
            0 => return Ok(len),
            n => {
                hasher.update(&buf[..n]);
                len += n as u64;
            }
        }
    }
}

/// Unpacks an OCI layout tar into `into` for Trivy's `--input`.
pub fn unpack(path: &Path, into: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    tar::Archive::new(file)
        .unpack(into)
        .map_err(|e| format!("cannot unpack: {e}"))
}
