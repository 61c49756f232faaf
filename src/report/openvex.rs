//! `vex export`: the fleet's decisions as an OpenVEX 0.2.0 document, from a saved JSON report.
//! One statement per (image digest, vulnerability) that an `[[ignore]]` entry or a VEX
//! statement accepted: the image as Trivy matches it (`pkg:oci/<name>@<digest>?repository_url=
//! <repository>`), the packages as subcomponents by their purls. An expired ignore accepted
//! nothing in the run, so it exports nothing. The same decisions export the same document.

use indexmap::IndexMap;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::json_reader::{Doc, DocSuppressed, DocTarget};

const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

#[derive(Serialize)]
struct Document {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id")]
    id: String,
    author: String,
    timestamp: String,
    version: u32,
    tooling: String,
    statements: Vec<Statement>,
}

#[derive(Serialize)]
struct Statement {
    #[serde(rename = "@id")]
    id: String,
    vulnerability: Vulnerability,
    products: Vec<Product>,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact_statement: Option<String>,
}

#[derive(Serialize)]
struct Vulnerability {
    name: String,
}

#[derive(Serialize)]
struct Product {
    #[serde(rename = "@id")]
    id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subcomponents: Vec<Subcomponent>,
}

#[derive(Serialize)]
struct Subcomponent {
    #[serde(rename = "@id")]
    id: String,
}

/// The image's purl as Trivy matches it, when the target is an image scanned by digest.
pub fn image_purl(t: &DocTarget) -> Option<String> {
    if t.kind != "image" {
        return None;
    }
    let digest = t.digest.as_deref()?;
    let repository = crate::reference::parse(&t.target).ok()?.name;
    Some(crate::model::oci_purl(&repository, digest))
}

/// The status, justification and impact statement a suppressed finding exports with.
fn decision(s: &DocSuppressed) -> (String, Option<String>, Option<String>) {
    match &s.ignored_by.vex {
        Some(v) => (
            v.status.clone(),
            v.justification.clone(),
            v.statement.clone(),
        ),
        None => {
            let reason = if s.ignored_by.reason.trim().is_empty() {
                format!("accepted by [[ignore]] at {}", s.ignored_by.origin)
            } else {
                s.ignored_by.reason.clone()
            };
            (
                "not_affected".to_string(),
                s.ignored_by.justification.clone(),
                Some(reason),
            )
        }
    }
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One decision of the fleet: a vulnerability of an image, accepted with a status, in the
/// packages named by `packages`.
#[derive(Debug, Clone)]
pub struct Decision {
    pub image: String,
    pub vulnerability: String,
    pub status: String,
    pub justification: Option<String>,
    pub impact: Option<String>,
    pub packages: Vec<String>,
}

impl Decision {
    /// Stable across exports of the same decision.
    pub fn id(&self) -> String {
        short_hash(&[&self.image, &self.vulnerability, &self.status])
    }
}

/// The report's decisions, one per (image purl, vulnerability, status), in report order.
pub fn decisions(doc: &Doc) -> Vec<Decision> {
    let mut out: IndexMap<(String, String, String), Decision> = IndexMap::new();
    for t in doc.targets.iter().filter(|t| t.status == "ok") {
        let Some(image) = image_purl(t) else { continue };
        for s in t
            .suppressed
            .iter()
            // Without a purl the package cannot be named: a statement of the whole image
            // would say more than was decided.
            .filter(|s| s.finding.kind == "vulnerability" && !s.finding.purl.is_empty())
        {
            let (status, justification, impact) = decision(s);
            let key = (image.clone(), s.finding.id.clone(), status.clone());
            let d = out.entry(key).or_insert_with(|| Decision {
                image: image.clone(),
                vulnerability: s.finding.id.clone(),
                status,
                justification,
                impact,
                packages: Vec::new(),
            });
            if !d.packages.contains(&s.finding.purl) {
                d.packages.push(s.finding.purl.clone());
            }
        }
    }
    out.into_values().collect()
}

/// The OpenVEX document of a saved report's decisions, and how many statements it holds.
pub fn render(doc: &Doc, author: &str) -> (Vec<u8>, usize) {
    let statements: Vec<Statement> = decisions(doc)
        .into_iter()
        .map(|d| Statement {
            id: format!("urn:trivyscan:vex:{}", d.id()),
            vulnerability: Vulnerability {
                name: d.vulnerability,
            },
            products: vec![Product {
                id: d.image,
                subcomponents: d
                    .packages
                    .into_iter()
                    .map(|id| Subcomponent { id })
                    .collect(),
            }],
            status: d.status,
            justification: d.justification,
            impact_statement: d.impact,
        })
        .collect();
    let ids: Vec<&str> = statements.iter().map(|s| s.id.as_str()).collect();
    let document = Document {
        context: CONTEXT,
        id: format!("urn:trivyscan:vex:document:{}", short_hash(&ids)),
        author: author.to_string(),
        timestamp: doc.run.started_at.clone(),
        version: 1,
        tooling: format!("trivyscan {}", doc.run.version),
        statements,
    };
    let n = document.statements.len();
    let mut out = serde_json::to_vec_pretty(&document).expect("OpenVEX serializes");
    out.push(b'\n');
    (out, n)
}
