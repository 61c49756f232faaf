//! Reports the platforms accept (issue 32): GitLab's container-scanning report, checked
//! against GitLab's published schema on a real fleet run.

use std::fs;

use crate::common::text;
use crate::trivy::reports::fleet_run;

fn gitlab_errors(report: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(include_str!(
        "../../fixtures/gitlab/container-scanning-report-format.json"
    ))
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn the_gitlab_report_is_valid_and_says_what_was_not_scanned() {
    let run = fleet_run();
    let p = &run.p;
    let out = p
        .trivyscan()
        .args([
            "report",
            "render",
            "--format",
            "gitlab",
            "-o",
            "gl-container-scanning-report.json",
        ])
        .arg(&run.paths[0])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let gl: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(p.path().join("gl-container-scanning-report.json")).unwrap(),
    )
    .unwrap();
    // Shown with --nocapture: docs/reports.md quotes it.
    println!("{}", serde_json::to_string_pretty(&gl["scan"]).unwrap());
    println!(
        "{}",
        serde_json::to_string_pretty(&gl["vulnerabilities"][0]).unwrap()
    );
    let errors = gitlab_errors(&gl);
    assert!(errors.is_empty(), "{errors:#?}");
    let mut broken = gl.clone();
    broken["vulnerabilities"][0]["severity"] = "Severe".into();
    assert!(
        !gitlab_errors(&broken).is_empty(),
        "the schema check can fail"
    );

    // One fleet target could not be scanned: the scan failed, and a message says which.
    assert_eq!(gl["scan"]["status"], "failure");
    let messages = gl["scan"]["messages"].to_string();
    assert!(
        messages.contains("fleet/missing:1 could not be scanned"),
        "{messages}"
    );
    assert_eq!(gl["scan"]["scanner"]["id"], "trivy");
    assert_eq!(
        gl["scan"]["scanner"]["version"],
        run.report["run"]["trivy_version"]
    );
    assert_eq!(gl["scan"]["type"], "container_scanning");

    // Every vulnerability the JSON report lists (suppressed ones are not), by image.
    let listed = crate::trivy::triage::findings(&run.report)
        .filter(|f| f["type"] == "vulnerability")
        .count();
    let vulns = gl["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), listed);
    let openssl = vulns
        .iter()
        .find(|v| {
            v["identifiers"][0]["value"] == "CVE-2099-0001"
                && v["location"]["image"]
                    .as_str()
                    .unwrap()
                    .ends_with("/fleet/debian:12")
        })
        .unwrap();
    assert_eq!(openssl["severity"], "Critical");
    assert_eq!(openssl["identifiers"][0]["type"], "cve");
    // The binary package (libssl3, of source package openssl), as Trivy names it.
    assert_eq!(
        openssl["location"]["dependency"]["package"]["name"],
        "libssl3"
    );
    assert!(
        openssl["location"]["image"]
            .as_str()
            .unwrap()
            .ends_with("/fleet/debian:12"),
        "{openssl}"
    );
    assert!(
        openssl["location"]["operating_system"]
            .as_str()
            .unwrap()
            .starts_with("debian"),
        "{openssl}"
    );
    assert_eq!(openssl["solution"], "Upgrade libssl3 to 3.0.99-1~deb12u1.");
    // lodash is accepted in app:2 only: reported for app:1, not for app:2.
    let lodash_images: Vec<&str> = vulns
        .iter()
        .filter(|v| v["identifiers"][0]["value"] == "CVE-2099-0002")
        .map(|v| v["location"]["image"].as_str().unwrap())
        .collect();
    assert_eq!(lodash_images.len(), 1, "{lodash_images:?}");
    assert!(lodash_images[0].ends_with("/fleet/app:1"));
    // Stable ids: the same finding has the same id in another render.
    let again = p
        .trivyscan()
        .args(["report", "render", "--format", "gitlab", "-o", "again.json"])
        .arg(&run.paths[0])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let again: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("again.json")).unwrap()).unwrap();
    assert_eq!(again["vulnerabilities"], gl["vulnerabilities"]);
}

/// A Trivy report of `n` vulnerabilities for the fleet past GitHub's limits: ids
/// `CVE-2098-<set>-<i>` (every fifth shared across the reports), severities by `i`, and, with
/// `noisy`, a description of random text (which gzip cannot shrink).
fn imported_report(name: &str, set: usize, n: usize, noisy: bool) -> String {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ set as u64;
    let mut random_text = |len: usize| -> String {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (b'a' + (seed % 26) as u8) as char
            })
            .collect()
    };
    let severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "LOW", "LOW", "UNKNOWN"];
    let vulns: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let id = if i % 5 == 0 {
                format!("CVE-2098-{i:06}")
            } else {
                format!("CVE-2098-{set}{i:06}")
            };
            serde_json::json!({
                "VulnerabilityID": id,
                "PkgName": format!("pkg{i}"),
                "InstalledVersion": "1.0.0",
                "FixedVersion": "1.0.1",
                "Severity": severities[(i + set) % severities.len()],
                "Title": format!("test advisory {i}"),
                "Description": if noisy { random_text(1200) } else { format!("made-up vulnerability {i}") },
                "PrimaryURL": format!("https://example.com/{id}"),
            })
        })
        .collect();
    serde_json::json!({
        "SchemaVersion": 2,
        "ArtifactName": name,
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
        "Results": [{"Target": name, "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": vulns}]
    })
    .to_string()
}

fn sarif_of(p: &crate::common::Project, out: &std::process::Output) -> serde_json::Value {
    let paths = crate::common::report_paths(out);
    let sarif = paths.iter().find(|p| p.ends_with(".sarif")).unwrap();
    serde_json::from_str(&fs::read_to_string(p.path().join(sarif)).unwrap()).unwrap()
}

fn severity_rank(level: &str) -> u8 {
    match level {
        "CRITICAL" => 4,
        "HIGH" => 3,
        "MEDIUM" => 2,
        "LOW" => 1,
        _ => 0,
    }
}

#[test]
fn sarif_stays_within_github_code_scanning_limits_at_fleet_size() {
    let p = crate::common::Project::new();
    fs::create_dir_all(p.path().join("imported")).unwrap();
    // 3 x 10,000 findings: past GitHub's 25,000 results per run.
    for set in 0..3 {
        fs::write(
            p.path().join(format!("imported/app-{set}.json")),
            imported_report(
                &format!("registry.example.com/app-{set}:1"),
                set,
                10_000,
                false,
            ),
        )
        .unwrap();
    }
    let write = |extra: &str| {
        p.config()
            .default_toml(&format!("severity = \"unknown\"\n{extra}"))
            .target_set("imported", "reports", &["imported/*.json"])
            .set(
                "default.report.formats",
                toml::Value::Array(vec!["json".into(), "sarif".into()]),
            )
            .write()
    };
    write("");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // GitHub shows the 5,000 highest ranked: that is what is kept, and the rest is said.
    let sarif = sarif_of(&p, &out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5_000);
    assert!(
        stderr.contains("25,000 lower-ranked results left out of")
            && stderr.contains("all are in the JSON report"),
        "{stderr}"
    );
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(
        notes.contains("25,000 lower-ranked results left out"),
        "{notes}"
    );
    // Ranked: every critical finding (4,286) is in, then highs: nothing kept ranks below
    // anything left out.
    // A result's message starts with its finding's severity.
    let level = |r: &serde_json::Value| {
        let text = r["message"]["text"].as_str().unwrap();
        text.split(' ').next().unwrap().to_string()
    };
    let lowest_kept = results
        .iter()
        .map(|r| severity_rank(&level(r)))
        .min()
        .unwrap();
    assert_eq!(lowest_kept, 3, "criticals then highs");
    let criticals = (0..3)
        .flat_map(|set| (0..10_000).map(move |i| (i + set) % 7))
        .filter(|k| *k == 0)
        .count();
    assert_eq!(
        results.iter().filter(|r| level(r) == "CRITICAL").count(),
        criticals,
        "every critical is kept"
    );
    // Stable fingerprints: the same findings, the same fingerprints, run after run.
    let prints = |s: &serde_json::Value| -> std::collections::BTreeSet<String> {
        s["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["trivyscan/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let again = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(prints(&sarif_of(&p, &again)), prints(&sarif));
    crate::trivy::reports::validate_sarif(&sarif);

    // Up to GitHub's hard limit, on request; past it is a config error.
    write("[default.report.sarif]\nmax_results = 25000");
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sarif = sarif_of(&p, &out);
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        25_000
    );
    assert!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len()
            <= 25_000
    );
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "trivyscan/default/"
    );

    // Split per image: one file each, each within the limits, each its own category so
    // their uploads do not replace each other.
    write("[default.report.sarif]\nsplit = \"image\"");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let parts: Vec<String> = crate::common::report_paths(&out)
        .into_iter()
        .filter(|p| p.ends_with(".sarif"))
        .collect();
    assert_eq!(parts.len(), 3, "{parts:?}");
    let mut categories = std::collections::BTreeSet::new();
    for part in &parts {
        // Named by the target: an imported report's path as `targets` shows it.
        assert!(part.contains(".imported-app-"), "{part}");
        let sarif: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p.path().join(part)).unwrap()).unwrap();
        assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5_000);
        categories.insert(
            sarif["runs"][0]["automationDetails"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(categories.len(), 3, "{categories:?}");
    assert!(
        categories
            .iter()
            .all(|c| c.starts_with("trivyscan/default/")
                && ["0", "1", "2"]
                    .iter()
                    .any(|n| c.ends_with(&format!("/imported-app-{n}.json/")))),
        "{categories:?}"
    );
    assert_eq!(
        stderr
            .matches("5,000 lower-ranked results left out of")
            .count(),
        3,
        "{stderr}"
    );

    write("[default.report.sarif]\nmax_results = 30000");
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("trivyscan::config::sarif"), "{stderr}");
}

#[test]
fn sarif_shrinks_below_its_cap_to_stay_under_ten_megabytes_gzipped() {
    let p = crate::common::Project::new();
    fs::create_dir_all(p.path().join("imported")).unwrap();
    // 20,000 findings, each with its own rule and 1,200 bytes of text gzip cannot shrink:
    // about 20 MB gzipped at 20,000 results.
    for set in 0..2 {
        fs::write(
            p.path().join(format!("imported/noisy-{set}.json")),
            imported_report(
                &format!("registry.example.com/noisy-{set}:1"),
                set + 5,
                10_000,
                true,
            ),
        )
        .unwrap();
    }
    p.config()
        .default_toml("severity = \"unknown\"\n[default.report.sarif]\nmax_results = 25000")
        .target_set("imported", "reports", &["imported/*.json"])
        .set(
            "default.report.formats",
            toml::Value::Array(vec!["json".into(), "sarif".into()]),
        )
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("to stay under 10 MB gzipped"), "{stderr}");
    let paths = crate::common::report_paths(&out);
    let sarif_path = p
        .path()
        .join(paths.iter().find(|p| p.ends_with(".sarif")).unwrap());
    let bytes = fs::read(&sarif_path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &bytes).unwrap();
    let gzipped = gz.finish().unwrap().len();
    assert!(gzipped <= 10 << 20, "{gzipped} bytes gzipped");
    let sarif: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let kept = sarif["runs"][0]["results"].as_array().unwrap().len();
    assert!((1_000..20_000).contains(&kept), "{kept} results kept");
}

/// A project with two images under `prefix` (lodash in one, requests in the other, busybox in
/// both) and the reference of a third that is not in the registry.
fn sbom_fleet(prefix: &str) -> (crate::common::Project, String, String, String) {
    let p = crate::common::Project::new();
    p.seed_db(&testkit::recipes::fleet_db());
    let busybox = || testkit::recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]);
    let api = p.push(
        &format!("{prefix}/api"),
        "1",
        &busybox().with(testkit::recipes::npm_package("lodash", "4.17.20")),
    );
    let web = p.push(
        &format!("{prefix}/web"),
        "1",
        &busybox().with(testkit::recipes::python_package("requests", "2.30.0")),
    );
    let missing = format!("{}/{prefix}/missing:1", p.registry().addr);
    (p, api, web, missing)
}

#[test]
fn the_fleet_sbom_is_one_cyclonedx_bom_from_the_kept_sboms() {
    let (p, api, web, missing) = sbom_fleet("sbom");
    // First without the BOM: the cold scans keep no SBOM (no `trivy convert`: their clients'
    // uploads are what a rescan falls back on).
    p.config()
        .default_toml("resolve_tags = true")
        .images("fleet", &[&api, &web, &missing])
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let kept_sboms = || {
        walkdir::WalkDir::new(p.cache_dir().join("trivyscan-results"))
            .into_iter()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".cdx.json"))
            .count()
    };
    assert_eq!(kept_sboms(), 0);
    // Then with it: the results are reused and their SBOMs made from them.
    p.config()
        .default_toml("resolve_tags = true")
        .images("fleet", &[&api, &web, &missing])
        .set(
            "default.report.formats",
            toml::Value::Array(vec!["json".into(), "cyclonedx".into()]),
        )
        .write();
    let bom_of = |out: &std::process::Output| -> serde_json::Value {
        let paths = crate::common::report_paths(out);
        let bom = paths.iter().find(|p| p.ends_with(".cdx.json")).unwrap();
        serde_json::from_str(&fs::read_to_string(p.path().join(bom)).unwrap()).unwrap()
    };
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(kept_sboms(), 2);
    let report = p.read_json(&crate::common::report_paths(&out)[0]);
    let uses: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["cache"].as_str())
        .collect();
    assert_eq!(uses, ["reused", "reused"], "{stderr}");
    let bom = bom_of(&out);
    crate::trivy::vex::validate_cyclonedx(&bom);
    let images = bom["components"].as_array().unwrap();
    assert_eq!(images.len(), 2, "{bom}");
    let purls: Vec<&str> = images.iter().map(|c| c["purl"].as_str().unwrap()).collect();
    assert!(
        purls
            .iter()
            .all(|p| p.starts_with("pkg:oci/") && p.contains("@sha256%3A")),
        "{purls:?}"
    );
    let packages = |name: &str| -> Vec<String> {
        images.iter().find(|c| c["name"] == name).unwrap()["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["purl"].as_str().map(str::to_string))
            .collect()
    };
    assert!(packages("api").contains(&"pkg:npm/lodash@4.17.20".to_string()));
    assert!(
        packages("web")
            .iter()
            .any(|p| p.starts_with("pkg:pypi/requests@2.30.0"))
    );
    assert!(
        packages("api")
            .iter()
            .any(|p| p.starts_with("pkg:apk/alpine/busybox@"))
    );
    // The fleet depends on each image; each image's packages keep their dependencies.
    let deps = bom["dependencies"].as_array().unwrap();
    assert_eq!(deps[0]["ref"], "fleet");
    assert_eq!(deps[0]["dependsOn"].as_array().unwrap().len(), 2);
    // The image that could not be scanned is not silently absent.
    let said = bom["metadata"]["properties"].to_string();
    assert!(said.contains("sbom/missing:1"), "{said}");
    assert!(stderr.contains("1 target(s) are not in"), "{stderr}");

    // Again from the cache: no scan, the same BOM's images.
    let again = p.trivyscan().arg("run").output().unwrap();
    let bom2 = bom_of(&again);
    assert_eq!(bom2["components"], bom["components"]);

    // In two shards, with the other formats beside the JSON reports: `report merge` of the
    // directory takes the JSON reports only, and merges the shards' BOMs into one.
    p.config()
        .default_toml("resolve_tags = true")
        .images("fleet", &[&api, &web, &missing])
        .set(
            "default.report.formats",
            toml::Value::Array(vec![
                "json".into(),
                "cyclonedx".into(),
                "gitlab".into(),
                "openvex".into(),
            ]),
        )
        .set("default.report.output_dir", "shards")
        .write();
    for shard in ["1/2", "2/2"] {
        let out = p
            .trivyscan()
            .args(["run", "--shard", shard])
            .output()
            .unwrap();
        assert!(out.status.code().unwrap() <= 2, "{}", text(&out.stderr));
    }
    let out = p
        .trivyscan()
        .args(["report", "merge", "shards", "-o", "fleet.json"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let printed = text(&out.stdout);
    assert!(printed.contains("fleet.cdx.json"), "{printed}");
    // So does the glob docs/cli.md shows, though it matches the other formats' files too.
    let by_glob = p
        .trivyscan()
        .args([
            "report",
            "merge",
            "shards/trivyscan-*-shard-*.json",
            "-o",
            "by-glob.json",
        ])
        .output()
        .unwrap();
    assert_eq!(by_glob.status.code(), Some(2), "{}", text(&by_glob.stderr));
    assert_eq!(
        p.read_json("by-glob.json")["targets"],
        p.read_json("fleet.json")["targets"]
    );
    let merged: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("fleet.cdx.json")).unwrap())
            .unwrap();
    crate::trivy::vex::validate_cyclonedx(&merged);
    let mut names: Vec<&str> = merged["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["api", "web"]);
    assert_eq!(merged["components"], {
        let mut c = bom["components"].as_array().unwrap().clone();
        c.sort_by_key(|x| x["name"].as_str().unwrap().to_string());
        let mut m = merged["components"].as_array().unwrap().clone();
        m.sort_by_key(|x| x["name"].as_str().unwrap().to_string());
        assert_eq!(m, c, "the shards' images are the unsharded run's");
        merged["components"].clone()
    });
    assert!(
        merged["metadata"]["properties"]
            .to_string()
            .contains("sbom/missing:1"),
        "{}",
        merged["metadata"]
    );
}

#[test]
fn report_render_makes_the_fleet_sbom_of_a_saved_report_from_the_result_cache() {
    let (p, api, web, missing) = sbom_fleet("render");
    // A run without the BOM keeps no SBOM; its report names each result's cache entry.
    p.config()
        .default_toml("resolve_tags = true")
        .images("fleet", &[&api, &web, &missing])
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let saved = crate::common::report_paths(&out)[0].clone();
    let report = p.read_json(&saved);
    let entries: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["cache_entry"].as_str())
        .collect();
    assert_eq!(entries.len(), 2, "{report}");
    let render = |report: &str, output: &str| {
        let out = p
            .trivyscan()
            .args([
                "report",
                "render",
                "--format",
                "cyclonedx",
                report,
                "-o",
                output,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let bom: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(p.path().join(output)).unwrap()).unwrap();
        crate::trivy::vex::validate_cyclonedx(&bom);
        (bom, text(&out.stderr))
    };
    let names = |bom: &serde_json::Value| -> Vec<String> {
        let mut n: Vec<String> = bom["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect();
        n.sort();
        n
    };
    let (rendered, stderr) = render(&saved, "rendered.cdx.json");
    assert_eq!(names(&rendered), ["api", "web"], "{stderr}");
    let api_packages = rendered["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "api")
        .unwrap()["components"]
        .to_string();
    assert!(
        api_packages.contains("pkg:npm/lodash@4.17.20"),
        "{api_packages}"
    );
    assert!(
        rendered["metadata"]["properties"]
            .to_string()
            .contains("render/missing:1"),
        "{}",
        rendered["metadata"]
    );
    assert!(stderr.contains("1 target(s) are not in"), "{stderr}");

    // The same images as the run that writes the BOM itself (its SBOMs were kept by the render).
    p.config()
        .default_toml("resolve_tags = true")
        .images("fleet", &[&api, &web, &missing])
        .set(
            "default.report.formats",
            toml::Value::Array(vec!["json".into(), "cyclonedx".into()]),
        )
        .write();
    let out = p.trivyscan().arg("run").output().unwrap();
    let paths = crate::common::report_paths(&out);
    let bom_path = paths.iter().find(|p| p.ends_with(".cdx.json")).unwrap();
    let bom: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join(bom_path)).unwrap()).unwrap();
    let sorted = |bom: &serde_json::Value| {
        let mut c = bom["components"].as_array().unwrap().clone();
        c.sort_by_key(|x| x["name"].as_str().unwrap().to_string());
        c
    };
    assert_eq!(sorted(&rendered), sorted(&bom));

    // An entry pruned from the cache, and one a tampered report points outside it: each is
    // listed as missing, never silently absent, and nothing outside the cache is read.
    let mut tampered = report.clone();
    let gone = tampered["targets"][0]["cache_entry"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::remove_file(
        p.cache_dir()
            .join("trivyscan-results")
            .join(&gone[..2])
            .join(format!("{gone}.entry")),
    )
    .unwrap();
    tampered["targets"][1]["cache_entry"] = "../../../../etc".into();
    fs::write(
        p.path().join("tampered.json"),
        serde_json::to_vec(&tampered).unwrap(),
    )
    .unwrap();
    let (rendered, stderr) = render("tampered.json", "tampered.cdx.json");
    assert!(
        rendered["components"].as_array().unwrap().is_empty(),
        "{rendered}"
    );
    let said = rendered["metadata"]["properties"].to_string();
    assert!(said.contains("is not here"), "{said}");
    assert!(stderr.contains("3 target(s) are not in"), "{stderr}");
}
