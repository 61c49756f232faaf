//! `cyclonedx`: one CycloneDX 1.6 BOM for the fleet, made from the SBOMs the result cache keeps
//! (no rescans): each image a `container` component (its `pkg:oci` purl with the digest)
//! holding its packages, with their dependencies. Targets without a kept SBOM (not pinned by
//! digest, failed, the cache off) are never silently absent: the BOM's metadata lists them.

use serde_json::{Value, json};

use crate::model::{Outcome, TargetResult};

/// The largest kept SBOM read.
const SBOM_LIMIT: u64 = 256 << 20;

/// What one target adds to the fleet's BOM (made on the worker that scanned it).
#[derive(Debug, Clone)]
pub enum ImagePart {
    /// The image's component (with its packages) and the dependencies among them.
    Image {
        component: Value,
        dependencies: Vec<Value>,
    },
    /// Not in the BOM, and why.
    Missing { target: String, why: String },
}

/// `pkg:oci/<name>@<digest>?repository_url=<repository>` of a scanned image: from its first
/// repo digest, else its reference's name and `digest`.
fn image_purl(
    name: &str,
    repo_digests: &[String],
    digest: Option<&str>,
) -> Option<(String, String)> {
    let (repo, digest) = repo_digests
        .first()
        .and_then(|d| d.split_once('@'))
        .map(|(repo, d)| (repo.to_string(), d.to_string()))
        .or_else(|| {
            let name = crate::reference::parse(name).ok()?.name;
            Some((name, digest?.to_string()))
        })?;
    Some((
        crate::model::oci_purl(&repo, &digest),
        crate::model::oci_name(&repo),
    ))
}

/// Prefixes every `bom-ref` (and reference to one) of a kept SBOM's part with the image's, so
/// refs stay unique across the fleet.
fn prefix_refs(v: &mut Value, prefix: &str) {
    match v {
        Value::Object(m) => {
            for (k, value) in m.iter_mut() {
                match (k.as_str(), value) {
                    ("bom-ref" | "ref", Value::String(s)) => *s = format!("{prefix}#{s}"),
                    ("dependsOn", Value::Array(a)) => {
                        for d in a.iter_mut() {
                            if let Value::String(s) = d {
                                *s = format!("{prefix}#{s}");
                            }
                        }
                    }
                    (_, other) => prefix_refs(other, prefix),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| prefix_refs(x, prefix)),
        _ => {}
    }
}

impl ImagePart {
    pub fn of(r: &TargetResult) -> ImagePart {
        let target = r.target.kind.display_name();
        if matches!(r.outcome, Outcome::Failed { .. }) {
            return ImagePart::missing(&target, "it could not be scanned");
        }
        let Some(path) = &r.sbom else {
            return ImagePart::missing(
                &target,
                "no SBOM is kept for it (not pinned by digest, or the result cache is off)",
            );
        };
        let repo_digests = match &r.outcome {
            Outcome::Scanned { report, .. } => report.repo_digests.as_slice(),
            Outcome::Failed { .. } => &[],
        };
        ImagePart::of_sbom(&target, repo_digests, r.digest.as_deref(), path)
    }

    pub fn missing(target: &str, why: &str) -> ImagePart {
        ImagePart::Missing {
            target: target.to_string(),
            why: why.to_string(),
        }
    }

    /// The image `target` (its repo digests, or its digest) holding the packages of the
    /// SBOM at `path`.
    pub fn of_sbom(
        target: &str,
        repo_digests: &[String],
        digest: Option<&str>,
        path: &std::path::Path,
    ) -> ImagePart {
        let Some((purl, name)) = image_purl(target, repo_digests, digest) else {
            return ImagePart::missing(target, "it is not an image with a digest");
        };
        let sbom: Value = match crate::input::read(path, None, crate::input::limit(SBOM_LIMIT))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
        {
            Some(v) => v,
            None => return ImagePart::missing(target, "its kept SBOM cannot be read"),
        };
        let mut packages = sbom["components"].clone();
        prefix_refs(&mut packages, &purl);
        let mut dependencies = sbom["dependencies"].as_array().cloned().unwrap_or_default();
        for d in &mut dependencies {
            prefix_refs(d, &purl);
        }
        // The SBOM's own root (its metadata component) is the image: its dependencies are the
        // image's.
        let root = sbom["metadata"]["component"]["bom-ref"]
            .as_str()
            .map(|r| format!("{purl}#{r}"));
        for d in &mut dependencies {
            if root.as_deref().is_some_and(|r| d["ref"] == r) {
                d["ref"] = purl.clone().into();
            }
        }
        ImagePart::Image {
            component: json!({
                "type": "container",
                "name": name,
                "bom-ref": purl,
                "purl": purl,
                "version": purl.split('@').nth(1).and_then(|v| v.split('?').next())
                    .map(|v| v.replace("%3A", ":")),
                "components": packages.as_array().cloned().unwrap_or_default(),
            }),
            dependencies,
        }
    }
}

/// The fleet's BOM as targets finish.
#[derive(Debug, Default)]
pub struct FleetBom {
    components: Vec<Value>,
    dependencies: Vec<Value>,
    pub missing: Vec<(String, String)>,
}

impl FleetBom {
    /// The fleet BOMs of shards as one: each image once (by its `bom-ref`), their
    /// dependencies, and every target one of them lacks.
    pub fn merged(boms: &[Value]) -> FleetBom {
        let mut out = FleetBom::default();
        let mut seen = std::collections::HashSet::new();
        for bom in boms {
            for c in bom["components"].as_array().into_iter().flatten() {
                let key = c["bom-ref"].as_str().unwrap_or_default().to_string();
                if seen.insert(key.clone()) {
                    out.components.push(c.clone());
                    out.dependencies.extend(
                        bom["dependencies"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|d| {
                                d["ref"]
                                    .as_str()
                                    .is_some_and(|r| r == key || r.starts_with(&format!("{key}#")))
                            })
                            .cloned(),
                    );
                }
            }
            for p in bom["metadata"]["properties"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if p["name"] == "trivyscan:missing"
                    && let Some((t, why)) = p["value"].as_str().and_then(|v| v.split_once(": "))
                {
                    let entry = (t.to_string(), why.to_string());
                    if !out.missing.contains(&entry) {
                        out.missing.push(entry);
                    }
                }
            }
        }
        out
    }

    pub fn push(&mut self, part: &ImagePart) {
        match part {
            ImagePart::Image {
                component,
                dependencies,
            } => {
                self.components.push(component.clone());
                self.dependencies.extend(dependencies.iter().cloned());
            }
            ImagePart::Missing { target, why } => {
                self.missing.push((target.clone(), why.clone()));
            }
        }
    }

    /// The BOM, with `profile` and the run's start in its metadata.
    pub fn finish(self, profile: &str, started_at: &str, version: &str) -> Vec<u8> {
        let images: Vec<Value> = self
            .components
            .iter()
            .map(|c| c["bom-ref"].clone())
            .collect();
        let refs: Vec<&str> = images.iter().filter_map(Value::as_str).collect();
        let serial = format!("urn:uuid:{}", super::stable_uuid(&refs));
        let mut dependencies = vec![json!({ "ref": "fleet", "dependsOn": images })];
        dependencies.extend(self.dependencies);
        let properties: Vec<Value> = self
            .missing
            .iter()
            .map(|(t, why)| json!({ "name": "trivyscan:missing", "value": format!("{t}: {why}") }))
            .collect();
        let bom = json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": serial,
            "version": 1,
            "metadata": {
                "timestamp": started_at,
                "tools": { "components": [{ "type": "application", "name": "trivyscan", "version": version }] },
                "component": { "type": "application", "name": format!("fleet {profile}"), "bom-ref": "fleet" },
                "properties": properties,
            },
            "components": self.components,
            "dependencies": dependencies,
        });
        let mut out = serde_json::to_vec_pretty(&bom).expect("the BOM serializes");
        out.push(b'\n');
        out
    }
}
