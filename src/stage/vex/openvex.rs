//! OpenVEX 0.2.0 (and the 0.0.x shapes still in use: a vulnerability as a string, products as
//! strings).

use serde_json::Value;

use super::{Draft, Parsed, Rejected, list, product_of, purl_of, str_at, time_at};
use crate::model::{JUSTIFICATIONS, VexFormat, VexProduct, VexStatus};

pub fn parse(doc: &Value, text: &str, fallback_id: &str) -> Parsed {
    let places = super::places::array_elements(text, "statements");
    let doc_time = time_at(doc, "timestamp");
    let statements = list(doc, "statements")
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = places.get(i).copied().unwrap_or(0);
            (at, statement(s, doc_time))
        })
        .collect();
    Parsed {
        document: str_at(doc, "@id").unwrap_or(fallback_id).to_string(),
        format: VexFormat::OpenVex,
        statements,
    }
}

fn statement(
    s: &Value,
    doc_time: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> Result<Draft, Rejected> {
    let mut vulnerability = Vec::new();
    match &s["vulnerability"] {
        Value::String(name) => vulnerability.push(name.clone()),
        v => {
            if let Some(name) = str_at(v, "name") {
                vulnerability.push(name.to_string());
            }
            for alias in list(v, "aliases") {
                if let Some(a) = alias.as_str() {
                    vulnerability.push(a.to_string());
                }
            }
        }
    }
    if vulnerability.is_empty() {
        return Err(Rejected::NoVulnerability);
    }
    let status = match str_at(s, "status") {
        Some("not_affected") => VexStatus::NotAffected,
        Some("fixed") => VexStatus::Fixed,
        Some("affected") => VexStatus::Affected,
        Some("under_investigation") => VexStatus::UnderInvestigation,
        other => return Err(Rejected::Status(other.unwrap_or("").to_string())),
    };
    let justification = str_at(s, "justification").map(str::to_string);
    if let Some(j) = &justification
        && !JUSTIFICATIONS.contains(&j.as_str())
    {
        return Err(Rejected::Justification(j.clone()));
    }
    let statement = str_at(s, "impact_statement")
        .or_else(|| str_at(s, "action_statement"))
        .map(str::to_string);
    super::says_why(status, &justification, &statement)?;
    let mut products = Vec::new();
    for p in list(s, "products") {
        let id = p.as_str().or_else(|| str_at(p, "@id")).unwrap_or("");
        let Some(main) = purl_of(id) else { continue };
        let subcomponents: Vec<_> = list(p, "subcomponents")
            .iter()
            .filter_map(|c| purl_of(c.as_str().or_else(|| str_at(c, "@id")).unwrap_or("")))
            .collect();
        products.push(if subcomponents.is_empty() {
            product_of(main)
        } else {
            VexProduct {
                image: Some(main).filter(|m| m.is_image()),
                packages: subcomponents,
            }
        });
    }
    if products.is_empty() {
        return Err(Rejected::NoProduct);
    }
    Ok(Draft {
        vulnerability,
        products,
        status,
        justification,
        statement,
        timestamp: time_at(s, "timestamp").or(doc_time),
    })
}
