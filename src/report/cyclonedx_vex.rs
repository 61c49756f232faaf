//! `vex export --format cyclonedx`: the fleet's decisions as a CycloneDX 1.6 VEX BOM. Each image
//! is a `container` component (its `pkg:oci` purl as bom-ref) holding the packages the decisions
//! name; each decision is a vulnerability whose analysis `affects` those packages. trivyscan
//! reads it back with each package scoped to its image.

use serde_json::{Value, json};

use super::json_reader::Doc;
use super::openvex::decisions;

/// OpenVEX's status in CycloneDX's analysis states.
fn state(status: &str) -> &'static str {
    match status {
        "fixed" => "resolved",
        "affected" => "exploitable",
        "under_investigation" => "in_triage",
        _ => "not_affected",
    }
}

/// OpenVEX's justifications in CycloneDX's terms.
fn justification(openvex: &str) -> &'static str {
    match openvex {
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => "code_not_present",
    }
}

/// A name for a purl's component: its name, after its namespace.
fn purl_name(purl: &str) -> String {
    let path = purl.split(['@', '?', '#']).next().unwrap_or(purl);
    path.rsplit('/').next().unwrap_or(path).to_string()
}

pub fn render(doc: &Doc) -> (Vec<u8>, usize) {
    let decisions = decisions(doc);
    let mut images: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
    for d in &decisions {
        let packages = images.entry(d.image.clone()).or_default();
        for p in &d.packages {
            if !packages.contains(p) {
                packages.push(p.clone());
            }
        }
    }
    let package_ref = |image: &str, purl: &str| format!("{image}#{purl}");
    let components: Vec<Value> = images
        .iter()
        .map(|(image, packages)| {
            json!({
                "type": "container",
                "name": purl_name(image),
                "bom-ref": image,
                "purl": image,
                "components": packages.iter().map(|p| json!({
                    "type": "library",
                    "name": purl_name(p),
                    "bom-ref": package_ref(image, p),
                    "purl": p,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let vulnerabilities: Vec<Value> = decisions
        .iter()
        .map(|d| {
            let mut analysis = json!({ "state": state(&d.status) });
            if let Some(j) = d.justification.as_ref().filter(|_| d.status == "not_affected") {
                analysis["justification"] = justification(j).into();
            }
            if let Some(text) = &d.impact {
                analysis["detail"] = text.clone().into();
            }
            json!({
                "bom-ref": format!("urn:trivyscan:vex:{}", d.id()),
                "id": d.vulnerability,
                "analysis": analysis,
                "affects": d.packages.iter().map(|p| json!({ "ref": package_ref(&d.image, p) })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ids: Vec<String> = decisions.iter().map(|d| d.id()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    // Made from the decisions: the same decisions give the same serial number.
    let serial = format!("urn:uuid:{}", super::stable_uuid(&ids));
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial,
        "version": 1,
        "metadata": {
            "timestamp": doc.run.started_at,
            "tools": { "components": [{ "type": "application", "name": "trivyscan", "version": doc.run.version }] },
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    });
    let mut out = serde_json::to_vec_pretty(&bom).expect("CycloneDX serializes");
    out.push(b'\n');
    (out, decisions.len())
}
