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

/// Unpacks an OCI layout tar into `into` for Trivy's `--input`.
pub fn unpack(path: &Path, into: &Path) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    tar::Archive::new(file)
        .unpack(into)
        .map_err(|e| format!("cannot unpack: {e}"))
}
