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
    // The nightly job's image is the debian one, found first in broken.yaml: one target with
    // both places it is deployed, and no warning (issue 34, item 1).
    assert!(!stderr.contains("listed twice"), "{stderr}");
    assert_eq!(rows.len(), 4, "scanned once: {rows:?}");

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
    assert_eq!(
        report["targets"][2]["other_origins"],
        serde_json::json!(["deploy/jobs/nightly.yml:8"]),
        "every place the image is deployed"
    );
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

/// A registry with more repositories than one catalog page (the harness pages 3 at a time).
fn glob_fleet(p: &Project) -> String {
    let small = recipes::alpine(&[]);
    // release-2 is the newest (by its config's created time), release-1 the oldest.
    p.registry().push_image(
        "team/api",
        "release-2",
        &testkit::Image::single(&small).created("2026-06-01T00:00:00Z"),
    );
    p.registry().push_image(
        "team/api",
        "release-3",
        &testkit::Image::single(&small).created("2025-06-01T00:00:00+02:00"),
    );
    for (repo, tag) in [
        ("team/api", "release-1"),
        ("team/api", "dev"),
        ("team/web", "release-1"),
        ("team/sub/deep", "release-1"),
        ("base/alpine", "3"),
        ("other/tool", "release-1"),
    ] {
        p.push(repo, tag, &small);
    }
    p.push("base/debian", "12", &recipes::debian_openssl());
    p.push("base/debian", "12-slim", &recipes::debian_openssl());
    p.push("base/debian", "11", &small);
    p.registry().addr.clone()
}

#[test]
fn registry_globs_expand_exactly_across_catalog_pages_and_are_scanned() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let reg = glob_fleet(&p);
    let closed = p.closed_addr();
    p.config()
        .toml(&format!(
            "[[default.targets]]\nname = \"fleet\"\nimages = [{}]\nexclude = [\"**/team/web:*\"]\n",
            testkit::toml_strings(&[
                format!("{reg}/team/*:release-*"),
                format!("{reg}/base/debian:12*"),
                format!("{closed}/gone/*:1"),
            ])
        ))
        .write();
    let (rows, stderr, code) = plan(&p);
    assert_eq!(code, Some(78), "the unreachable glob is an error: {stderr}");
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|(_, t, o, _)| (t.as_str(), o.as_str()))
        .collect();
    let targets: Vec<&str> = got.iter().map(|(t, _)| *t).collect();
    assert_eq!(
        targets,
        [
            format!("{reg}/team/api:release-1").as_str(),
            &format!("{reg}/team/api:release-2"),
            &format!("{reg}/team/api:release-3"),
            &format!("{reg}/base/debian:12"),
            &format!("{reg}/base/debian:12-slim"),
            &format!("{closed}/gone/*:1"),
        ],
        "`*` stays in its path segment (team/sub/deep is out), excludes apply (team/web), \
         other repositories and tags are out\n{stderr}"
    );
    assert!(
        got[0].1.ends_with(&format!(" via {reg}/team/*:release-*")),
        "{:?}",
        got[0]
    );
    assert!(got[3].1.ends_with(&format!(" via {reg}/base/debian:12*")));
    assert!(rows[5].3.contains("registry glob not expanded"), "{rows:?}");
    assert!(
        stderr.contains("trivyscan::resolve::registry_glob"),
        "{stderr}"
    );
    // The catalog was read page by page.
    let log = p.registry().log();
    assert!(log.contains("/v2/_catalog?last="), "catalog paging: {log}");

    // The scan: the expanded images by the real Trivy; the dead glob an error entry.
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 6);
    for t in &targets[..5] {
        assert_eq!(t["status"], "ok", "{t}");
    }
    assert_eq!(targets[5]["status"], "error");
    let debian = crate::common::findings_of(&targets[3]);
    assert!(debian.iter().any(|f| f.2 == "CVE-2099-0001"), "{debian:?}");

    // max_tags: the newest matching tags of each repository, by the image's created time.
    p.config()
        .toml(&format!(
            "[[default.targets]]\nname = \"fleet\"\nmax_tags = 2\nimages = [\"{reg}/team/api:release-*\"]\n"
        ))
        .write();
    let (rows, stderr, code) = plan(&p);
    assert_eq!(code, Some(0), "{stderr}");
    let targets: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        targets,
        [
            format!("{reg}/team/api:release-2"),
            format!("{reg}/team/api:release-3")
        ],
        "release-1 (2024) is the oldest"
    );
    // What max_tags left out is said, and which were kept with -v (issue 34, item 5).
    assert!(
        stderr.contains("team/api has 3 matching tags; max_tags keeps the 2 newest"),
        "{stderr}"
    );
    let out = p.trivyscan().args(["-v", "targets"]).output().unwrap();
    assert!(
        text(&out.stderr).contains("team/api: the tags kept: release-2, release-3"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn registry_globs_log_in_with_docker_config_json_and_credential_helpers() {
    use base64::Engine;
    let registry = testkit::Registry::start_with_login("ci-bot", "s3cret-pass");
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    for tag in ["1", "2"] {
        registry.push_image(
            "private/app",
            tag,
            &testkit::Image::single(&recipes::debian_openssl()),
        );
    }
    let glob = format!("{}/private/*:*", registry.addr);
    p.config().images("private", &[glob.as_str()]).write();

    // No login: the registry refuses its catalog; said, and the glob is an error entry.
    let (rows, stderr, code) = plan(&p);
    assert_eq!(code, Some(78), "{stderr}");
    assert_eq!(rows.len(), 1);
    assert!(stderr.contains("wants a login"), "{stderr}");

    // `docker login` left a Basic entry in config.json: expanded, and scanned (Trivy reads the
    // same file).
    let docker = p.path().join("docker-config");
    fs::create_dir_all(&docker).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode("ci-bot:s3cret-pass");
    fs::write(
        docker.join("config.json"),
        format!(
            r#"{{"auths": {{"{}": {{"auth": "{auth}"}}}}}}"#,
            registry.addr
        ),
    )
    .unwrap();
    let out = p
        .trivyscan()
        .env("DOCKER_CONFIG", &docker)
        .args(["targets", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            format!("{}/private/app:1", registry.addr),
            format!("{}/private/app:2", registry.addr)
        ]
    );
    let out = p
        .trivyscan()
        .env("DOCKER_CONFIG", &docker)
        .arg("run")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    for t in report["targets"].as_array().unwrap() {
        assert_eq!(t["status"], "ok", "{t}");
        assert!(
            crate::common::findings_of(t)
                .iter()
                .any(|f| f.2 == "CVE-2099-0001")
        );
    }

    // A credential helper (`credHelpers`), asked with the host on stdin.
    let bin = p.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    crate::common::script(
        &bin,
        "docker-credential-testkit",
        &format!(
            "#!/bin/sh\nread host\n[ \"$1\" = get ] && [ \"$host\" = \"{}\" ] || exit 1\necho '{{\"Username\":\"ci-bot\",\"Secret\":\"s3cret-pass\"}}'\n",
            registry.addr
        ),
    );
    fs::write(
        docker.join("config.json"),
        format!(r#"{{"credHelpers": {{"{}": "testkit"}}}}"#, registry.addr),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = p
        .trivyscan()
        .env("DOCKER_CONFIG", &docker)
        .env("PATH", path)
        .args(["targets", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows}");
}

/// Issue 34, item 1: an image both globbed from the registry and named in a manifest is one
/// target with both origins (where it is built and where it is deployed), with no warning; the
/// same image twice in scanner.toml is still a repeat to remove.
#[test]
fn an_image_globbed_and_deployed_is_one_target_with_every_origin() {
    let p = Project::new();
    let host = glob_fleet(&p);
    fs::write(
        p.path().join("deploy.yaml"),
        format!(
            "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: {host}/team/web:release-1\n"
        ),
    )
    .unwrap();
    p.config()
        .toml(&format!(
            "[[default.targets]]\nname = \"built\"\nimages = [\"{host}/team/web:release-*\"]\n\n[[default.targets]]\nname = \"deployed\"\nmanifests = [\"deploy.yaml\"]\n"
        ))
        .write();
    let out = p.trivyscan().args(["targets", "--json"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("trivyscan::resolve::duplicate"),
        "{stderr}"
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0]["origin"].as_str().unwrap().contains("via"),
        "{rows:?}"
    );
    assert_eq!(
        rows[0]["other_origins"],
        serde_json::json!(["deploy.yaml:6"]),
        "where it is deployed"
    );
    // Twice in the config itself: a repeat, said.
    p.config()
        .images("a", &[format!("{host}/team/web:release-1")])
        .images("b", &[format!("{host}/team/web:release-1")])
        .write();
    let (_, stderr, code) = plan(&p);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("trivyscan::resolve::duplicate").count(),
        1,
        "{stderr}"
    );
}
