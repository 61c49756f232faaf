//! The recording proxy in front of the trivy server (issue 28, item 1): a Scan call planted by
//! another local process never becomes a target's recorded call, so a DB update never replays a
//! clean image's layers for a vulnerable one. Real Trivy, real registry; the wrapper around the
//! real Trivy plays the other process, posting the planted call after the real scan.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::common::{Project, cache_of, script};
use testkit::image::Image;
use testkit::recipes;

fn pinned(p: &Project, repo: &str, rootfs: &testkit::Rootfs) -> String {
    let image = Image::single(rootfs);
    p.registry().push_image(repo, "1", &image);
    format!("{}/{repo}@{}", p.registry().addr, image.manifest_digest())
}

/// Every stored Scan call of the result cache (in the header line of each entry file).
fn stored_calls(p: &Project) -> Vec<serde_json::Value> {
    walkdir::WalkDir::new(p.cache_dir().join("trivyscan-results"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "entry"))
        .filter_map(|e| {
            let bytes = fs::read(e.path()).unwrap();
            let header = bytes.split(|b| *b == b'\n').nth(1).unwrap();
            let header: serde_json::Value = serde_json::from_slice(header).unwrap();
            Some(header["scan_call"].clone()).filter(|c| !c.is_null())
        })
        .collect()
}

fn ids(t: &serde_json::Value) -> Vec<String> {
    crate::common::findings_of(t)
        .into_iter()
        .map(|f| f.2)
        .collect()
}

#[test]
fn a_planted_scan_call_is_refused_and_the_vulnerable_image_is_rescanned_as_it_is() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let clean = pinned(
        &p,
        "fleet/clean",
        &recipes::alpine(&[]).file("srv/id", "clean".as_bytes().to_vec()),
    );
    let other = pinned(
        &p,
        "fleet/other",
        &recipes::alpine(&[]).file("srv/id", "other".as_bytes().to_vec()),
    );
    let vulnerable = pinned(
        &p,
        "fleet/vulnerable",
        &recipes::debian_openssl().file("srv/id", "v".as_bytes().to_vec()),
    );
    let config = |images: &[&str], binary: &str| {
        p.config()
            .default_toml(
                "severity = \"low\"\n[default.concurrency]\nremote = 2\n[default.report]\noutput_dir = \"out\"",
            )
            .images("a", images)
            .set("default.trivy.binary", binary)
            .write();
    };
    let real = testkit::trivy_bin().display().to_string();

    // Run 1: the clean image through the server; its Scan call is stored.
    config(&[&clean, &other], &real);
    let (first, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&first), ["scanned", "scanned"], "{stderr}");
    let clean_call = stored_calls(&p)
        .into_iter()
        .find(|c| c["target"] == clean.as_str())
        .expect("the clean image's call was recorded");

    // Run 2: the vulnerable image, with another process planting the clean image's layers as
    // its Scan call, on a path that merely ends with the Scan path and on the Scan path
    // itself, without the run's token or ticket.
    let planted = serde_json::json!({
        "target": vulnerable,
        "artifact_id": clean_call["artifact_id"],
        "blob_ids": clean_call["blob_ids"],
    });
    fs::write(p.path().join("planted.json"), planted.to_string()).unwrap();
    let codes = p.path().join("codes.txt");
    let stub = script(
        p.path(),
        "trivy-planting",
        &format!(
            r#"#!/bin/sh
case "$*" in
  *image*fleet/vulnerable*)
    "{real}" "$@"; code=$?
    server=""; prev=""
    for a in "$@"; do [ "$prev" = "--server" ] && server="$a"; prev="$a"; done
    for path in "/healthz?x=/twirp/trivy.scanner.v1.Scanner/Scan" "/twirp/trivy.scanner.v1.Scanner/Scan"; do
      curl -s -o /dev/null -w '%{{http_code}}\n' -X POST "$server$path" \
        -H 'Content-Type: application/json' --data-binary @{planted} >> {codes}
    done
    exit $code;;
esac
exec "{real}" "$@"
"#,
            planted = p.path().join("planted.json").display(),
            codes = codes.display(),
        ),
    );
    config(&[&vulnerable, &clean], &stub.display().to_string());
    let (second, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&second), ["scanned", "reused"], "{stderr}");
    let found = ids(&second["targets"][0]);
    assert!(found.contains(&"CVE-2099-0001".to_string()), "{found:?}");
    let answered = fs::read_to_string(&codes).unwrap();
    assert_eq!(
        answered.lines().collect::<Vec<_>>(),
        ["401", "401"],
        "the proxy refused both planted calls"
    );
    let vulnerable_call = stored_calls(&p)
        .into_iter()
        .find(|c| c["target"] == vulnerable.as_str())
        .expect("the vulnerable image's own call was recorded");
    assert_ne!(
        vulnerable_call["artifact_id"], clean_call["artifact_id"],
        "the planted call was stored"
    );

    // A newer DB: the vulnerable image is rescanned on the server from its own layers.
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&recipes::newer_fleet_db());
    config(&[&vulnerable, &clean], &real);
    let (third, stderr) = p.run_report(&["run"], 0);
    assert_eq!(
        cache_of(&third),
        ["rescanned_on_server", "rescanned_on_server"],
        "{stderr}"
    );
    assert_eq!(ids(&third["targets"][0]), found, "not a false clean");

    // What the cache holds is its owner's alone.
    for found in walkdir::WalkDir::new(p.cache_dir().join("trivyscan-results"))
        .into_iter()
        .flatten()
    {
        let mode = found.metadata().unwrap().permissions().mode() & 0o777;
        let owners_only = if found.file_type().is_dir() {
            0o700
        } else {
            0o600
        };
        assert_eq!(mode, owners_only, "{}", found.path().display());
    }
}
