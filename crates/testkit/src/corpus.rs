//! Realistic Trivy image reports in bulk, for benchmarks: every vulnerability, package and
//! result is a copy of a real Trivy 0.76 report's (the template), varied in IDs, names,
//! versions and severities, with long descriptions, CVSS and references as in the real DB.

use serde_json::{Value, json};

const WORDS: [&str; 16] = [
    "buffer",
    "overflow",
    "allows",
    "remote",
    "attackers",
    "to",
    "execute",
    "arbitrary",
    "code",
    "via",
    "crafted",
    "request",
    "in",
    "the",
    "parser",
    "component",
];

fn text(seed: u64, words: usize) -> String {
    let mut x = seed | 1;
    (0..words)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[(x % WORDS.len() as u64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A report with `vulns` vulnerabilities spread over the template's results, each a varied
/// copy of the template's vulnerability of that result. About 2.5 KB per vulnerability.
/// Across reports, IDs repeat (a few thousand distinct in a fleet of 300).
pub fn report(template: &Value, seed: u64, vulns: usize) -> String {
    report_with(template, seed, vulns, false)
}

/// As [`report`]; with `distinct_ids`, every vulnerability of the fleet has an ID of its own
/// (the worst case for the fleet sections, which index findings by ID).
pub fn report_with(template: &Value, seed: u64, vulns: usize, distinct_ids: bool) -> String {
    let mut report = template.clone();
    report["ArtifactName"] = json!(format!("registry.example.com/fleet/app-{seed}:1.{seed}"));
    let results = report["Results"]
        .as_array_mut()
        .expect("template has results");
    let with_vulns: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r["Vulnerabilities"].is_array())
        .map(|(i, _)| i)
        .collect();
    let severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
    let mut made = 0;
    let per_result = vulns.div_ceil(with_vulns.len().max(1));
    for &ri in &with_vulns {
        let proto = results[ri]["Vulnerabilities"][0].clone();
        let mut list = Vec::new();
        for k in 0..per_result {
            if made == vulns {
                break;
            }
            let n = seed * 100_000 + made as u64;
            let mut v = proto.clone();
            let id = if distinct_ids {
                format!("CVE-{}-{:07}", 2010 + n % 15, n)
            } else {
                format!("CVE-20{:02}-{:05}", 10 + (n % 15), n % 100_000)
            };
            v["VulnerabilityID"] = json!(id);
            v["PkgName"] = json!(format!(
                "{}-{}",
                proto["PkgName"].as_str().unwrap_or("pkg"),
                k % 40
            ));
            v["InstalledVersion"] = json!(format!("1.{}.{}", k % 13, k % 7));
            v["FixedVersion"] = json!(format!("1.{}.{}", k % 13, k % 7 + 1));
            v["Severity"] = json!(severities[(n % 5) as usize]);
            v["Title"] = json!(text(n, 12));
            v["Description"] = json!(text(n ^ 0xABCD, 85));
            v["CVSS"] = json!({
                "nvd": { "V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": 9.8 },
                "redhat": { "V3Vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": 8.1 }
            });
            v["References"] = json!(
                (0..8)
                    .map(|r| format!("https://security.example.com/advisories/{id}/{r}"))
                    .collect::<Vec<_>>()
            );
            v["CweIDs"] = json!(["CWE-787", "CWE-20"]);
            list.push(v);
            made += 1;
        }
        results[ri]["Vulnerabilities"] = Value::Array(list);
    }
    serde_json::to_string_pretty(&report).unwrap()
}
