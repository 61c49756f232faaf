//! Target discovery: the images Kubernetes manifests and Compose files name, each with the file
//! and line of its `image:`, scanned by the real Trivy from the harness registry.

use std::fs;

use crate::common::{Project, mixed_rootfs, report_paths, text};
use testkit::recipes;

/// (kind, target, origin, problem) of a plan row.
type Row = (String, String, String, String);

/// The rows of `trivyscan targets --json`, its stderr and exit code.
fn plan(p: &Project) -> (Vec<Row>, String, Option<i32>) {
    let out = p.trivyscan().args(["targets", "--json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    let rows = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_string(),
                r["target"]
                    .as_str()
                    .unwrap()
                    .replace(&format!("{}/", p.path().display()), ""),
                r["origin"].as_str().unwrap().to_string(),
                r["problem"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (rows, text(&out.stderr), out.status.code())
}

#[test]
fn manifests_and_compose_files_yield_exactly_their_images_with_file_line_origins() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let debian = p.push("deploy/debian", "12", &recipes::debian_openssl());
    let app = p.push("deploy/app", "1", &mixed_rootfs());
    let init = p.push("deploy/init", "1", &recipes::alpine(&[]));
    fs::create_dir_all(p.path().join("deploy/jobs")).unwrap();
    fs::write(
        p.path().join("deploy/app.yaml"),
        format!(
            "\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: {init}
      containers:
        - name: app
          image: \"{app}\"
---
apiVersion: v1
kind: ConfigMap
data:
  image: not/a-container:1
"
        ),
    )
    .unwrap();
    fs::write(
        p.path().join("deploy/jobs/nightly.yml"),
        format!(
            "\
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - image: {debian}
"
        ),
    )
    .unwrap();
    fs::write(
        p.path().join("compose.yml"),
        format!(
            "\
services:
  web:
    image: {app}
  api:
    build: ./api
  bad:
    image: \"UPPER/Case:1\"
"
        ),
    )
    .unwrap();
    fs::write(
        p.path().join("deploy/broken.yaml"),
        format!("kind: Pod\nspec:\n  containers:\n    - image: {debian}\n---\nkind: [oops\n"),
    )
    .unwrap();
    p.config()
        .target_set(
            "deployed",
            "manifests",
            &["deploy/**/*.yaml", "deploy/**/*.yml", "compose.yml"],
        )
        .write();

    let (rows, stderr, code) = plan(&p);
    // The broken file and the bad reference are errors (78), each pointing at its line; the
    // rest of the plan stands.
    assert_eq!(code, Some(78), "{stderr}");
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(k, t, o, _)| (k.as_str(), t.as_str(), o.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("image", init.as_str(), "deploy/app.yaml:9"),
            ("image", app.as_str(), "deploy/app.yaml:12"),
            ("image", debian.as_str(), "deploy/broken.yaml:4"),
            ("image", "UPPER/Case:1", "compose.yml:7"),
        ],
        "{stderr}"
    );
    assert!(rows[3].3.contains("invalid image reference"), "{rows:?}");
    assert!(
        stderr.contains("deploy/broken.yaml is not valid YAML"),
        "{stderr}"
    );
    assert!(
        stderr.contains("broken.yaml:6"),
        "the error's line: {stderr}"
    );
    assert!(
        stderr.contains("trivyscan::resolve::compose_build")
            && stderr.contains("service `api` is built from a Dockerfile"),
        "{stderr}"
    );
    // The nightly job's image is the debian one, found first in broken.yaml: scanned once.
    assert!(stderr.contains("listed twice"), "{stderr}");

    // The scan: every found image by the real Trivy; the bad reference an error entry.
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let statuses: Vec<(String, String, String)> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
                t["origin"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 4);
    assert_eq!(
        statuses[1],
        (app.clone(), "ok".into(), "deploy/app.yaml:12".into())
    );
    assert_eq!(statuses[2].1, "ok");
    assert_eq!(statuses[3].1, "error");
    let app_findings = crate::common::findings_of(&report["targets"][1]);
    assert!(
        app_findings.iter().any(|f| f.2 == "CVE-2099-0002"),
        "{app_findings:?}"
    );

    // compose_build: the service becomes a Dockerfile target built in its context.
    fs::create_dir_all(p.path().join("api")).unwrap();
    fs::write(p.path().join("api/Dockerfile"), "FROM scratch\n").unwrap();
    let config = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    fs::write(
        p.path().join("scanner.toml"),
        config.replace(
            "name = \"deployed\"",
            "name = \"deployed\"\ncompose_build = true",
        ),
    )
    .unwrap();
    let (rows, stderr, _) = plan(&p);
    assert!(
        rows.iter()
            .any(|(k, t, o, _)| k == "dockerfile" && t == "api/Dockerfile" && o == "compose.yml:5"),
        "{rows:?}\n{stderr}"
    );
}
