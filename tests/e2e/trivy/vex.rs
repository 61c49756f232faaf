//! VEX in (issue 31), from real scans: a fleet of three images and one VEX document in each
//! format (OpenVEX, CycloneDX, CSAF) that together take out every finding, so the gate passes
//! only because of them and says so; a statement trivyscan cannot apply and a document it
//! cannot read leave their findings in.

use std::fs;

use crate::common::text as text_of;
use crate::common::{Project, text};
use testkit::recipes;

/// Checks an OpenVEX document against the vendored OpenVEX 0.2.0 schema.
pub(crate) fn validate_openvex(doc: &serde_json::Value) {
    let errors = openvex_errors(doc);
    assert!(errors.is_empty(), "OpenVEX does not validate: {errors:#?}");
}

fn openvex_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../fixtures/vex-schemas/openvex-0.2.0.schema.json"
    ))
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Checks a CycloneDX BOM against the vendored CycloneDX 1.6 schema (and the two it refers to).
pub(crate) fn validate_cyclonedx(bom: &serde_json::Value) {
    let errors = cyclonedx_errors(bom);
    assert!(
        errors.is_empty(),
        "CycloneDX does not validate: {errors:#?}"
    );
}

fn cyclonedx_errors(bom: &serde_json::Value) -> Vec<String> {
    let load = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let schema = load(include_str!(
        "../../fixtures/vex-schemas/bom-1.6.schema.json"
    ));
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json",
            jsonschema::Resource::from_contents(load(include_str!(
                "../../fixtures/vex-schemas/spdx.schema.json"
            ))),
        )
        .unwrap()
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json",
            jsonschema::Resource::from_contents(load(include_str!(
                "../../fixtures/vex-schemas/jsf-0.82.schema.json"
            ))),
        )
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(bom)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// (host/repo, digest) of each target, from a report.
fn identities(report: &serde_json::Value) -> Vec<(String, String)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let target = t["target"].as_str().unwrap();
            let repo = target.rsplit_once(':').unwrap().0.to_string();
            (repo, t["digest"].as_str().unwrap().to_string())
        })
        .collect()
}

/// `pkg:oci/<name>@<digest>?repository_url=<repo>`, as Trivy matches an image.
fn oci_purl(repo: &str, digest: &str) -> String {
    let name = repo.rsplit('/').next().unwrap();
    format!(
        "pkg:oci/{name}@{}?repository_url={repo}",
        digest.replace(':', "%3A")
    )
}

/// (id, format, status) of every suppressed finding of `target`'s name ending, sorted.
fn accepted(report: &serde_json::Value, name: &str) -> Vec<(String, String, String)> {
    let t = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"].as_str().unwrap().ends_with(name))
        .unwrap();
    let mut out: Vec<_> = t["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let vex = &s["ignored_by"]["vex"];
            (
                s["id"].as_str().unwrap().to_string(),
                vex["format"].as_str().unwrap_or("").to_string(),
                vex["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn openvex(api: &str, worker: &str) -> String {
    // Three statements: the second has no justification and no impact statement (not
    // applied, a warning at its line); the third speaks of every package of the image.
    format!(
        r#"{{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/api-2026-12",
  "author": "Platform security",
  "timestamp": "2026-12-01T10:00:00Z",
  "version": 1,
  "statements": [
    {{
      "vulnerability": {{"name": "CVE-2099-0002"}},
      "products": [{{"@id": "{api}", "subcomponents": [{{"@id": "pkg:npm/lodash@4.17.20"}}]}}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path"
    }},
    {{
      "vulnerability": {{"name": "CVE-2099-0002"}},
      "products": [{{"@id": "{worker}"}}],
      "status": "not_affected"
    }},
    {{
      "vulnerability": {{"name": "CVE-2099-0101"}},
      "products": [{{"@id": "{api}"}}],
      "status": "not_affected",
      "impact_statement": "busybox's vulnerable applet is removed at build time"
    }},
    {{
      "vulnerability": {{"name": "CVE-2099-0101"}},
      "products": [{{"@id": "{worker}"}}],
      "status": "under_investigation",
      "timestamp": "2026-11-20T00:00:00Z"
    }}
  ]
}}
"#
    )
}

fn cyclonedx(web: &str) -> String {
    format!(
        r#"{{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {{"component": {{"type": "container", "name": "web", "bom-ref": "web-image", "purl": "{web}"}}}},
  "vulnerabilities": [
    {{
      "id": "CVE-2099-0003",
      "analysis": {{"state": "not_affected", "justification": "code_not_reachable", "detail": "requests is only used offline"}},
      "affects": [{{"ref": "pkg:pypi/requests@2.30.0"}}]
    }},
    {{
      "id": "CVE-2099-0101",
      "analysis": {{"state": "resolved"}},
      "affects": [{{"ref": "web-image"}}]
    }}
  ]
}}
"#
    )
}

fn csaf(worker: &str) -> String {
    format!(
        r#"{{
  "document": {{
    "category": "csaf_vex",
    "csaf_version": "2.0",
    "title": "worker VEX",
    "publisher": {{"category": "vendor", "name": "Example", "namespace": "https://example.com"}},
    "tracking": {{"id": "EXAMPLE-VEX-2026-0042", "status": "final", "version": "1",
      "initial_release_date": "2026-12-01T00:00:00Z", "current_release_date": "2026-12-02T00:00:00Z",
      "revision_history": [{{"date": "2026-12-02T00:00:00Z", "number": "1", "summary": "first"}}]}}
  }},
  "product_tree": {{
    "full_product_names": [
      {{"name": "worker", "product_id": "worker-image", "product_identification_helper": {{"purl": "{worker}"}}}},
      {{"name": "lodash 4.17.20", "product_id": "lodash", "product_identification_helper": {{"purl": "pkg:npm/lodash@4.17.20"}}}}
    ],
    "relationships": [
      {{"category": "default_component_of", "product_reference": "lodash", "relates_to_product_reference": "worker-image",
        "full_product_name": {{"name": "lodash in worker", "product_id": "worker-lodash"}}}}
    ]
  }},
  "vulnerabilities": [
    {{
      "cve": "CVE-2099-0002",
      "product_status": {{"known_not_affected": ["worker-lodash"]}},
      "flags": [{{"label": "vulnerable_code_not_present", "product_ids": ["worker-lodash"]}}]
    }},
    {{
      "cve": "CVE-2099-0101",
      "product_status": {{"fixed": ["worker-image"]}}
    }}
  ]
}}
"#
    )
}

#[test]
fn vex_in_three_formats_takes_out_exactly_the_findings_it_speaks_of() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let busybox = || recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]);
    let api = p.push(
        "vex/api",
        "1",
        &busybox().with(recipes::npm_package("lodash", "4.17.20")),
    );
    let web = p.push(
        "vex/web",
        "1",
        &busybox().with(recipes::python_package("requests", "2.30.0")),
    );
    let worker = p.push(
        "vex/worker",
        "1",
        &busybox().with(recipes::npm_package("lodash", "4.17.20")),
    );
    let gate = "severity = \"low\"\nfail_on = \"low\"";
    p.write_images_config(gate, &[&api, &web, &worker]);
    // Without VEX: six findings fail the gate.
    let (before, stderr) = p.run_report(&["run"], 1);
    assert_eq!(before["gate"]["findings"], 6, "{stderr}");
    let ids = identities(&before);
    let purl = |name: &str| {
        let (repo, digest) = ids.iter().find(|(r, _)| r.ends_with(name)).unwrap();
        oci_purl(repo, digest)
    };
    fs::create_dir_all(p.path().join("vex")).unwrap();
    fs::write(
        p.path().join("vex/api.openvex.json"),
        openvex(&purl("/api"), &purl("/worker")),
    )
    .unwrap();
    fs::write(p.path().join("vex/web.cdx.json"), cyclonedx(&purl("/web"))).unwrap();
    fs::write(
        p.path().join("vex/worker.csaf.json"),
        csaf(&purl("/worker")),
    )
    .unwrap();

    p.write_images_config(
        &format!("{gate}\nvex = [\"vex/*.json\"]"),
        &[&api, &web, &worker],
    );
    let (report, stderr) = p.run_report(&["run"], 0);
    crate::trivy::intel::validate_report(&report);
    assert_eq!(report["gate"]["verdict"], "passed", "{stderr}");
    assert_eq!(report["gate"]["findings"], 0, "{stderr}");
    let row = |id: &str, format: &str, status: &str| {
        (id.to_string(), format.to_string(), status.to_string())
    };
    assert_eq!(
        accepted(&report, "/api:1"),
        vec![
            row("CVE-2099-0002", "openvex", "not_affected"),
            row("CVE-2099-0101", "openvex", "not_affected"),
        ]
    );
    assert_eq!(
        accepted(&report, "/web:1"),
        vec![
            row("CVE-2099-0003", "cyclonedx", "not_affected"),
            row("CVE-2099-0101", "cyclonedx", "fixed"),
        ]
    );
    assert_eq!(
        accepted(&report, "/worker:1"),
        vec![
            row("CVE-2099-0002", "csaf", "not_affected"),
            row("CVE-2099-0101", "csaf", "fixed"),
        ]
    );
    // worker's busybox: OpenVEX said under_investigation on 2026-11-20, CSAF fixed on
    // 2026-12-02: the later wins, and the older one it overruled is counted.
    let worker_entry = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"].as_str().unwrap().ends_with("/worker:1"))
        .unwrap();
    let busybox = worker_entry["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "CVE-2099-0101")
        .unwrap();
    assert_eq!(busybox["ignored_by"]["vex"]["overruled"], 1, "{busybox}");
    // Each says what accepted it: the document, the statement's line, why.
    let api_lodash = report["targets"][0]["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "CVE-2099-0002")
        .unwrap()["ignored_by"]
        .clone();
    assert_eq!(
        api_lodash["origin"], "vex/api.openvex.json:8",
        "{api_lodash}"
    );
    assert_eq!(
        api_lodash["vex"]["document"],
        "https://example.com/vex/api-2026-12"
    );
    assert_eq!(
        api_lodash["reason"],
        "not_affected: vulnerable_code_not_in_execute_path"
    );
    let lodash = report["targets"][0]["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "CVE-2099-0002")
        .unwrap();
    assert_eq!(lodash["purl"], "pkg:npm/lodash@4.17.20");
    // The fleet's decisions exported as OpenVEX: Trivy itself, given the document, takes out
    // exactly what trivyscan did (here: every finding of each image).
    fs::write(p.path().join("decided.json"), report.to_string()).unwrap();
    let out = p
        .trivyscan()
        .args([
            "vex",
            "export",
            "-o",
            "exported.openvex.json",
            "decided.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let exported: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("exported.openvex.json")).unwrap())
            .unwrap();
    assert_eq!(exported["@context"], "https://openvex.dev/ns/v0.2.0");
    validate_openvex(&exported);
    let mut broken = exported.clone();
    broken["statements"][0]["status"] = "fine".into();
    assert!(
        !openvex_errors(&broken).is_empty(),
        "the schema check can fail"
    );
    assert_eq!(
        exported["statements"].as_array().unwrap().len(),
        6,
        "{exported}"
    );
    // The same decisions export the same document.
    let again = p
        .trivyscan()
        .args(["vex", "export", "decided.json"])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&again.stdout).unwrap(),
        exported
    );
    let trivy_vulns = |image: &str, vex: bool| -> Vec<String> {
        let mut cmd = std::process::Command::new(testkit::trivy_bin());
        cmd.args(["image", "--cache-dir"]).arg(p.cache_dir()).args([
            "--skip-db-update",
            "--image-src",
            "remote",
            "--scanners",
            "vuln",
            "--severity",
            "LOW,MEDIUM,HIGH,CRITICAL,UNKNOWN",
            "--format",
            "json",
            "--quiet",
        ]);
        if vex {
            cmd.arg("--vex").arg(p.path().join("exported.openvex.json"));
        }
        let out = cmd.arg(image).output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids: Vec<String> = json["Results"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["Vulnerabilities"].as_array().cloned().unwrap_or_default())
            .map(|v| v["VulnerabilityID"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    for image in [&api, &web, &worker] {
        assert_eq!(trivy_vulns(image, false).len(), 2, "{image} without VEX");
        assert_eq!(
            trivy_vulns(image, true),
            Vec::<String>::new(),
            "{image} with the export"
        );
    }

    // The same as a CycloneDX 1.6 VEX BOM: valid, and read back by trivyscan alone it takes
    // out the same findings (each package scoped to the image it is nested in).
    let out = p
        .trivyscan()
        .args([
            "vex",
            "export",
            "--format",
            "cyclonedx",
            "-o",
            "vex-cdx/fleet.cdx.json",
            "decided.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bom: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("vex-cdx/fleet.cdx.json")).unwrap())
            .unwrap();
    validate_cyclonedx(&bom);
    let mut broken = bom.clone();
    broken["vulnerabilities"][0]["analysis"]["state"] = "fine".into();
    assert!(
        !cyclonedx_errors(&broken).is_empty(),
        "the schema check can fail"
    );
    assert_eq!(bom["vulnerabilities"].as_array().unwrap().len(), 6);
    p.write_images_config(
        &format!("{gate}\nvex = [\"vex-cdx/fleet.cdx.json\"]"),
        &[&api, &web, &worker],
    );
    let (round, round_stderr) = p.run_report(&["run"], 0);
    assert_eq!(round["gate"]["findings"], 0, "{round_stderr}");
    for name in ["/api:1", "/web:1", "/worker:1"] {
        let formats: Vec<_> = accepted(&round, name)
            .into_iter()
            .map(|(_, f, _)| f)
            .collect();
        assert_eq!(formats, ["cyclonedx", "cyclonedx"], "{name}");
    }
    p.write_images_config(
        &format!("{gate}\nvex = [\"vex/*.json\"]"),
        &[&api, &web, &worker],
    );

    // After a DB update the results are rescanned on the server (a replay of its Scan calls,
    // no new Trivy client): the statements still apply, by the packages' purls.
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&recipes::newer_fleet_db());
    let (rescanned, stderr2) = p.run_report(&["run"], 1);
    let web_new: Vec<_> = crate::trivy::triage::findings(&rescanned)
        .filter(|f| f["id"] == "CVE-2099-0777")
        .collect();
    assert_eq!(
        web_new.len(),
        1,
        "the update's new advisory, of no statement: {stderr2}"
    );
    assert_eq!(rescanned["gate"]["findings"], 1);
    let purls: Vec<_> = rescanned["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["suppressed"].as_array().unwrap())
        .filter(|s| s["id"] == "CVE-2099-0002")
        .map(|s| s["purl"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(purls, ["pkg:npm/lodash@4.17.20"; 2]);

    // The statement without a justification is not applied, said at its line; the ledger
    // counts it.
    assert!(
        stderr.contains("trivyscan::vex::statement") && stderr.contains("api.openvex.json:14"),
        "{stderr}"
    );
    let ledger: Vec<_> = report["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "vex")
        .map(|e| {
            (
                e["input"].as_str().unwrap().to_string(),
                e["status"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        ledger,
        vec![
            (
                "vex/api.openvex.json".to_string(),
                "done".to_string(),
                "1 of 4 statements not applied (see the warnings)".to_string()
            ),
            ("vex/web.cdx.json".into(), "done".into(), String::new()),
            ("vex/worker.csaf.json".into(), "done".into(), String::new()),
        ]
    );
}

#[test]
fn a_vex_document_that_cannot_be_read_suppresses_nothing_and_the_run_says_so() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let api = p.push(
        "vex/api",
        "1",
        &recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]),
    );
    fs::write(p.path().join("broken.openvex.json"), "{\"statements\": [").unwrap();
    // Missing, not JSON: nothing is suppressed; each is a failed input, so the run is
    // incomplete (2) when nothing else fails the gate, and failed (1) when something does.
    p.write_images_config(
        "vex = [\"missing.openvex.json\", \"broken.openvex.json\"]",
        &[&api],
    );
    // config check reads them too: both are errors before any run.
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let check = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{check}");
    assert!(
        check.contains("trivyscan::vex::read") && check.contains("trivyscan::vex::invalid"),
        "{check}"
    );
    let (report, stderr) = p.run_report(&["run"], 2);
    assert_eq!(report["gate"]["verdict"], "incomplete", "{stderr}");
    crate::trivy::intel::validate_report(&report);
    assert!(stderr.contains("trivyscan::vex::read"), "{stderr}");
    assert!(stderr.contains("trivyscan::vex::invalid"), "{stderr}");
    let failed: Vec<_> = report["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "vex" && e["status"] == "failed")
        .map(|e| e["input"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed, ["missing.openvex.json", "broken.openvex.json"]);
    assert!(report["targets"][0].get("suppressed").is_none());
    assert_eq!(report["gate"]["findings"], 0);
    p.write_images_config(
        "severity = \"low\"\nfail_on = \"medium\"\nvex = [\"missing.openvex.json\"]",
        &[&api],
    );
    let (report, _) = p.run_report(&["run"], 1);
    assert_eq!(report["gate"]["verdict"], "failed");
    let out = p.trivyscan().args(["run", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn ignores_export_with_their_justification_and_an_expired_one_exports_nothing() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let api = p.push(
        "vex/api",
        "1",
        &recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
            .with(recipes::npm_package("lodash", "4.17.20")),
    );
    p.config()
        .default_toml("severity = \"low\"")
        .images("a", &[&api])
        .set(
            "default.report.formats",
            toml::Value::Array(vec!["json".into(), "openvex".into()]),
        )
        .toml(
            r#"
[[default.ignore]]
id = "CVE-2099-0002"
reason = "lodash is only used by the build"
justification = "vulnerable_code_not_in_execute_path"

[[default.ignore]]
id = "CVE-2099-0101"
reason = "was accepted until the rebuild"
expires = "2026-01-01"
"#,
        )
        .write();
    // A statement that keeps a finding in (under investigation) is shown on it.
    fs::write(
        p.path().join("triage.openvex.json"),
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "urn:test:triage", "author": "t",
  "timestamp": "2026-12-01T00:00:00Z", "version": 1,
  "statements": [{"vulnerability": {"name": "CVE-2099-0101"},
    "products": [{"@id": "pkg:apk/alpine/busybox@1.36.1-r15"}],
    "status": "under_investigation", "impact_statement": "checking which applets ship"}]}"#,
    )
    .unwrap();
    let config_text = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    fs::write(
        p.path().join("scanner.toml"),
        config_text.replacen(
            "[default]\n",
            "[default]\nvex = [\"triage.openvex.json\"]\n",
            1,
        ),
    )
    .unwrap();
    let config = p.path().join("scanner.toml");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text_of(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // The run wrote the OpenVEX of its decisions beside the JSON report.
    let paths = crate::common::report_paths(&out);
    let openvex = paths
        .iter()
        .find(|p| p.ends_with(".openvex.json"))
        .unwrap_or_else(|| panic!("{paths:?}"));
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join(openvex)).unwrap()).unwrap();
    validate_openvex(&doc);
    let report = p.read_json(&paths[0]);
    crate::trivy::intel::validate_report(&report);
    let busybox = crate::trivy::triage::findings(&report)
        .find(|f| f["id"] == "CVE-2099-0101")
        .unwrap();
    assert_eq!(busybox["vex"]["status"], "under_investigation", "{busybox}");
    assert_eq!(busybox["vex"]["origin"], "triage.openvex.json:3");
    let statements = doc["statements"].as_array().unwrap();
    assert_eq!(
        statements.len(),
        1,
        "the expired entry exports nothing: {doc}"
    );
    assert_eq!(statements[0]["vulnerability"]["name"], "CVE-2099-0002");
    assert_eq!(statements[0]["status"], "not_affected");
    assert_eq!(
        statements[0]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    assert_eq!(
        statements[0]["impact_statement"],
        "lodash is only used by the build"
    );
    assert_eq!(
        statements[0]["products"][0]["subcomponents"][0]["@id"],
        "pkg:npm/lodash@4.17.20"
    );
    // A justification that is not one of OpenVEX's five is a config error, with a suggestion.
    let text = fs::read_to_string(&config).unwrap().replace(
        "vulnerable_code_not_in_execute_path",
        "vulnerable_code_not_in_path",
    );
    fs::write(&config, text).unwrap();
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text_of(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("did you mean `vulnerable_code_not_in_execute_path`?"),
        "{stderr}"
    );
}

#[test]
fn a_vex_url_is_downloaded_kept_and_its_copy_used_when_the_server_is_gone() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let api = p.push(
        "vex/api",
        "1",
        &recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]),
    );
    p.write_images_config("severity = \"low\"\nfail_on = \"low\"", &[&api]);
    let (before, _) = p.run_report(&["run"], 1);
    let ids = identities(&before);
    let image = oci_purl(&ids[0].0, &ids[0].1);
    let server = testkit::intel::FeedServer::start();
    let doc = format!(
        r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "urn:test:remote", "author": "t",
  "timestamp": "2026-12-01T00:00:00Z", "version": 1,
  "statements": [{{"vulnerability": {{"name": "CVE-2099-0101"}}, "products": [{{"@id": "{image}"}}],
    "status": "not_affected", "justification": "vulnerable_code_not_present"}}]}}"#
    );
    let url = server.serve("/vex/api.json", doc.into_bytes());
    let config = |vex: &str| {
        p.write_images_config(
            &format!("severity = \"low\"\nfail_on = \"low\"\nvex = [\"{vex}\"]"),
            &[&api],
        )
    };
    config(&url);
    let (report, stderr) = p.run_report(&["run"], 0);
    assert_eq!(report["gate"]["verdict"], "passed", "{stderr}");
    assert_eq!(server.hits("/vex/api.json"), 1);
    let suppressed = &report["targets"][0]["suppressed"][0]["ignored_by"];
    assert_eq!(suppressed["vex"]["document"], "urn:test:remote");
    assert_eq!(suppressed["origin"], format!("{url}:3"));

    // The server is gone: the kept copy is used, and said (a warning, the ledger's reason).
    let unserved = server.url("/vex/never-served.json");
    drop(server);
    let (report, stderr) = p.run_report(&["run"], 0);
    assert!(stderr.contains("its copy of"), "{stderr}");
    let entry = report["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "vex")
        .unwrap()
        .clone();
    assert_eq!(entry["status"], "done");
    assert!(
        entry["reason"].as_str().unwrap().contains("the copy of"),
        "{entry}"
    );
    // A URL never had: nothing suppressed, a failed input, the gate fails on the finding.
    config(&unserved);
    let (report, _) = p.run_report(&["run"], 1);
    let entry = report["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "vex")
        .unwrap()
        .clone();
    assert_eq!(entry["status"], "failed", "{entry}");
    // Credentials in a VEX URL are refused before anything runs, without showing them.
    config("https://user:hunter2@vex.example.com/api.json");
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("trivyscan::config::feed_url"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
