//! CSAF 2.0 VEX (`document.category` `csaf_vex`): products from the product tree by their purl
//! (a package within an image through a `default_component_of` relationship), statements from
//! each vulnerability's `product_status`, justified by its `flags` or an `impact` threat.

use std::collections::HashMap;

use serde_json::Value;

use super::{Draft, Parsed, Rejected, list, product_of, purl_of, str_at, time_at};
use crate::model::{JUSTIFICATIONS, VexFormat, VexProduct, VexStatus};

pub fn parse(doc: &Value, text: &str, fallback_id: &str) -> Parsed {
    let places = super::places::array_elements(text, "vulnerabilities");
    let products = product_tree(&doc["product_tree"]);
    let doc_time = time_at(&doc["document"]["tracking"], "current_release_date");
    let mut statements = Vec::new();
    for (i, v) in list(doc, "vulnerabilities").iter().enumerate() {
        let at = places.get(i).copied().unwrap_or(0);
        for s in vulnerability(v, &products, doc_time) {
            statements.push((at, s));
        }
    }
    Parsed {
        document: str_at(&doc["document"]["tracking"], "id")
            .unwrap_or(fallback_id)
            .to_string(),
        format: VexFormat::Csaf,
        statements,
    }
}

/// product_id -> what it is.
fn product_tree(tree: &Value) -> HashMap<String, VexProduct> {
    let mut by_id = HashMap::new();
    let mut add = |p: &Value| {
        if let (Some(id), Some(purl)) = (
            str_at(p, "product_id"),
            str_at(&p["product_identification_helper"], "purl").and_then(purl_of),
        ) {
            by_id.insert(id.to_string(), product_of(purl));
        }
    };
    fn walk(branches: &Value, add: &mut dyn FnMut(&Value)) {
        for b in branches.as_array().map(Vec::as_slice).unwrap_or_default() {
            add(&b["product"]);
            walk(&b["branches"], add);
        }
    }
    walk(&tree["branches"], &mut add);
    for p in list(tree, "full_product_names") {
        add(p);
    }
    for r in list(tree, "relationships") {
        let (Some(id), Some(component), Some(image)) = (
            str_at(&r["full_product_name"], "product_id"),
            str_at(r, "product_reference")
                .and_then(|p| by_id.get(p))
                .cloned(),
            str_at(r, "relates_to_product_reference")
                .and_then(|p| by_id.get(p))
                .cloned(),
        ) else {
            continue;
        };
        if let Some(img) = image.image {
            by_id.insert(
                id.to_string(),
                VexProduct {
                    image: Some(img),
                    packages: component.packages,
                },
            );
        }
    }
    by_id
}

/// One statement per status the vulnerability lists products under.
fn vulnerability(
    v: &Value,
    products: &HashMap<String, VexProduct>,
    doc_time: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Vec<Result<Draft, Rejected>> {
    let mut names: Vec<String> = str_at(v, "cve").map(str::to_string).into_iter().collect();
    for id in list(v, "ids") {
        if let Some(t) = str_at(id, "text") {
            names.push(t.to_string());
        }
    }
    if names.is_empty() {
        return vec![Err(Rejected::NoVulnerability)];
    }
    let for_product = |list: &str, key: &str, id: &str| -> Option<String> {
        v[list]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .find(|e| {
                e["product_ids"]
                    .as_array()
                    .is_some_and(|ids| ids.iter().any(|i| i.as_str() == Some(id)))
                    && (list != "threats" || str_at(e, "category") == Some("impact"))
            })
            .and_then(|e| str_at(e, key))
            .map(str::to_string)
    };
    let mut out = Vec::new();
    for (list, status) in [
        ("known_not_affected", VexStatus::NotAffected),
        ("fixed", VexStatus::Fixed),
        ("known_affected", VexStatus::Affected),
        ("under_investigation", VexStatus::UnderInvestigation),
    ] {
        for id in v["product_status"][list]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_str)
        {
            let Some(product) = products.get(id) else {
                out.push(Err(Rejected::NoProduct));
                continue;
            };
            let justification = for_product("flags", "label", id);
            if let Some(j) = &justification
                && !JUSTIFICATIONS.contains(&j.as_str())
            {
                out.push(Err(Rejected::Justification(j.clone())));
                continue;
            }
            let statement = for_product("threats", "details", id);
            if let Err(why) = super::says_why(status, &justification, &statement) {
                out.push(Err(why));
                continue;
            }
            out.push(Ok(Draft {
                vulnerability: names.clone(),
                products: vec![product.clone()],
                status,
                justification,
                statement,
                timestamp: doc_time,
            }));
        }
    }
    out
}
