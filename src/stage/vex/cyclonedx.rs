//! CycloneDX VEX (1.4 to 1.6 JSON): `vulnerabilities[]` with an `analysis` and the components
//! they `affects`, by bom-ref or purl. A package component nested in an image component
//! (`pkg:oci`) is that image's package; when the BOM's `metadata.component` is an image, every
//! other package is taken as its package.

use std::collections::HashMap;

use serde_json::Value;

use super::{Draft, Parsed, Rejected, list, product_of, purl_of, str_at, time_at};
use crate::model::{Purl, VexFormat, VexProduct, VexStatus};

pub fn parse(doc: &Value, text: &str, fallback_id: &str) -> Parsed {
    let places = super::places::array_elements(text, "vulnerabilities");
    let image = str_at(&doc["metadata"]["component"], "purl")
        .and_then(purl_of)
        .filter(Purl::is_image);
    let mut refs = HashMap::new();
    collect_refs(&doc["metadata"]["component"], None, &mut refs);
    for c in list(doc, "components") {
        collect_refs(c, image.as_ref(), &mut refs);
    }
    let doc_time = time_at(&doc["metadata"], "timestamp");
    let statements = list(doc, "vulnerabilities")
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let at = places.get(i).copied().unwrap_or(0);
            (at, statement(v, &refs, image.as_ref(), doc_time))
        })
        .collect();
    Parsed {
        document: str_at(doc, "serialNumber")
            .unwrap_or(fallback_id)
            .to_string(),
        format: VexFormat::CycloneDx,
        statements,
    }
}

/// bom-ref -> what it names, for a component and those it contains (a package within an
/// image, by the image it is nested in, else `image`).
fn collect_refs(c: &Value, image: Option<&Purl>, refs: &mut HashMap<String, VexProduct>) {
    let purl = str_at(c, "purl").and_then(purl_of);
    if let (Some(r), Some(p)) = (str_at(c, "bom-ref"), &purl) {
        let product = match image {
            Some(img) if !p.is_image() => VexProduct {
                image: Some(img.clone()),
                packages: vec![p.clone()],
            },
            _ => product_of(p.clone()),
        };
        refs.insert(r.to_string(), product);
    }
    let inner = purl.as_ref().filter(|p| p.is_image()).or(image);
    for sub in list(c, "components") {
        collect_refs(sub, inner, refs);
    }
}

/// CycloneDX's justifications in OpenVEX's terms.
fn justification(cdx: &str) -> Option<&'static str> {
    Some(match cdx {
        "code_not_present" => "vulnerable_code_not_present",
        "code_not_reachable" => "vulnerable_code_not_in_execute_path",
        "requires_configuration" | "requires_dependency" | "requires_environment" => {
            "vulnerable_code_cannot_be_controlled_by_adversary"
        }
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => "inline_mitigations_already_exist",
        _ => return None,
    })
}

fn statement(
    v: &Value,
    refs: &HashMap<String, VexProduct>,
    image: Option<&Purl>,
    doc_time: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<Draft, Rejected> {
    let Some(id) = str_at(v, "id") else {
        return Err(Rejected::NoVulnerability);
    };
    let analysis = &v["analysis"];
    let state = str_at(analysis, "state").unwrap_or("");
    let status = match state {
        "not_affected" | "false_positive" => VexStatus::NotAffected,
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "exploitable" => VexStatus::Affected,
        "in_triage" => VexStatus::UnderInvestigation,
        other => return Err(Rejected::Status(other.to_string())),
    };
    let justification = match str_at(analysis, "justification") {
        Some(j) => Some(
            justification(j)
                .ok_or_else(|| Rejected::Justification(j.to_string()))?
                .to_string(),
        ),
        None => None,
    };
    let statement = str_at(analysis, "detail")
        .map(str::to_string)
        .or_else(|| (state == "false_positive").then(|| "false positive".to_string()));
    super::says_why(status, &justification, &statement)?;
    let mut products = Vec::new();
    for a in list(v, "affects") {
        let r = str_at(a, "ref").unwrap_or("");
        // `urn:cdx:<serial>/<version>#<bom-ref>` names a component of another BOM by its ref.
        let local = r.rsplit_once('#').map_or(r, |(_, b)| b);
        if let Some(product) = refs.get(r).or_else(|| refs.get(local)) {
            products.push(product.clone());
            continue;
        }
        let Some(purl) = purl_of(r) else { continue };
        products.push(match image {
            Some(img) if !purl.is_image() => VexProduct {
                image: Some(img.clone()),
                packages: vec![purl],
            },
            _ => product_of(purl),
        });
    }
    if products.is_empty() {
        return Err(Rejected::NoProduct);
    }
    let mut vulnerability = vec![id.to_string()];
    for r in list(v, "references") {
        if let Some(alias) = str_at(r, "id") {
            vulnerability.push(alias.to_string());
        }
    }
    Ok(Draft {
        vulnerability,
        products,
        status,
        justification,
        statement,
        timestamp: time_at(analysis, "lastUpdated")
            .or_else(|| time_at(v, "updated"))
            .or(doc_time),
    })
}
