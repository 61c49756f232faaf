//! CycloneDX VEX (1.4 to 1.6 JSON): `vulnerabilities[]` with an `analysis` and the components
//! they `affects`, by bom-ref or purl. When the BOM's `metadata.component` is an image
//! (`pkg:oci`), package refs are taken as that image's packages.

use std::collections::HashMap;

use serde_json::Value;

use super::{Draft, Parsed, Rejected, product_of, purl_of, str_at, time_at};
use crate::model::{Purl, VexFormat, VexProduct, VexStatus};

pub fn parse(doc: &Value, text: &str, fallback_id: &str) -> Parsed {
    let places = super::places::array_elements(text, "vulnerabilities");
    let mut refs = HashMap::new();
    collect_refs(&doc["metadata"]["component"], &mut refs);
    for c in doc["components"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        collect_refs(c, &mut refs);
    }
    let image = str_at(&doc["metadata"]["component"], "purl")
        .and_then(purl_of)
        .filter(Purl::is_image);
    let doc_time = time_at(&doc["metadata"], "timestamp");
    let statements = doc["vulnerabilities"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
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

/// bom-ref -> purl, for a component and those it contains.
fn collect_refs(c: &Value, refs: &mut HashMap<String, String>) {
    if let (Some(r), Some(p)) = (str_at(c, "bom-ref"), str_at(c, "purl")) {
        refs.insert(r.to_string(), p.to_string());
    }
    for sub in c["components"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        collect_refs(sub, refs);
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
    refs: &HashMap<String, String>,
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
    if status == VexStatus::NotAffected && justification.is_none() && statement.is_none() {
        return Err(Rejected::NoJustification);
    }
    let mut products = Vec::new();
    for a in v["affects"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let r = str_at(a, "ref").unwrap_or("");
        // `urn:cdx:<serial>/<version>#<bom-ref>` names a component of another BOM by its ref.
        let local = r.rsplit_once('#').map_or(r, |(_, b)| b);
        let Some(purl) = refs
            .get(r)
            .or_else(|| refs.get(local))
            .and_then(|p| purl_of(p))
            .or_else(|| purl_of(r))
        else {
            continue;
        };
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
    for r in v["references"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
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
