//! The result cache with the real Trivy: a digest-pinned image is scanned once; with the same
//! DB its stored result is reused and the registry is not asked again; after a DB update its
//! vulnerabilities are recomputed from the stored SBOM (no pull) and the new advisory is found;
//! a damaged entry is discarded and the image scanned again.

use std::fs;

use crate::common::{Project, cache_of, report_paths, text};
use testkit::image::Image;

/// Registry requests that touched `repo` so far.
fn requests_for(p: &Project, repo: &str) -> usize {
    p.registry().log().matches(&format!("/v2/{repo}/")).count()
}

fn ids(t: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = crate::common::findings_of(t)
        .into_iter()
        .map(|f| f.2)
        .collect();
    v.sort();
    v
}

/// Standalone scans record no Scan call: the SBOM kept for each image is what a DB update
/// rescans.
#[test]
fn pinned_images_are_reused_rescanned_from_their_sbom_and_recovered() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = Image::single(&crate::common::mixed_rootfs());
    p.registry().push_image("cached/app", "1", &image);
    let pinned = format!(
        "{}/cached/app@{}",
        p.registry().addr,
        image.manifest_digest()
    );
    let by_tag = format!("{}/cached/app:1", p.registry().addr);
    p.write_images_config(
        "severity = \"low\"\n[default.trivy]\nbackend = \"standalone\"\n[default.report]\noutput_dir = \"out\"",
        &[&pinned, &by_tag],
    );

    // Cold: scanned, and stored (the tag is scanned as always, never cached).
    let (cold, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&cold), ["scanned", "-"], "{stderr}");
    let cold_ids = ids(&cold["targets"][0]);
    assert!(
        cold_ids.contains(&"aws-access-key-id".to_string()),
        "{cold_ids:?}"
    );

    // Warm, same DB: reused; the registry is not asked about the pinned image at all.
    let pinned_only = |p: &Project| {
        p.write_images_config(
            "severity = \"low\"\n[default.trivy]\nbackend = \"standalone\"\n[default.report]\noutput_dir = \"out\"",
            &[&pinned],
        )
    };
    pinned_only(&p);
    let before = requests_for(&p, "cached/app");
    let (warm, _) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&warm), ["reused"]);
    assert_eq!(ids(&warm["targets"][0]), cold_ids);
    assert_eq!(
        requests_for(&p, "cached/app"),
        before,
        "no registry traffic"
    );

    // A newer DB with one more advisory for a package of the image (requests 2.30.0).
    let newer = testkit::recipes::newer_fleet_db();
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&newer);
    let (rescanned, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&rescanned), ["rescanned_from_sbom"], "{stderr}");
    assert_eq!(
        requests_for(&p, "cached/app"),
        before,
        "no pull for an SBOM rescan"
    );
    let mut expected = cold_ids.clone();
    expected.push("CVE-2099-0777".to_string());
    expected.sort();
    assert_eq!(
        ids(&rescanned["targets"][0]),
        expected,
        "the new advisory, secrets kept"
    );
    assert_eq!(rescanned["run"]["db_updated_at"], "2030-01-01T00:00:00Z");
    // ...and then that result is reused.
    let (again, _) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&again), ["reused"]);
    assert_eq!(ids(&again["targets"][0]), expected);

    // A damaged entry is discarded and the image scanned again: its report no longer Trivy's
    // (the entry whole otherwise), cut short, or empty (what a crash can leave of an entry,
    // stored without waiting for the disk).
    let entries: Vec<_> = walkdir::WalkDir::new(p.cache_dir().join("trivyscan-results"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "entry"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert_eq!(entries.len(), 1);
    type Damage = fn(Vec<u8>) -> Vec<u8>;
    let damages: [(&str, Damage); 3] = [
        ("report not Trivy's", |mut bytes| {
            // The report starts after the second line (the header); the same length, so only
            // the report is wrong.
            let newlines = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n');
            let at = newlines.map(|(i, _)| i).nth(1).unwrap() + 1;
            bytes[at] = b'[';
            bytes
        }),
        ("cut short", |mut bytes| {
            bytes.truncate(bytes.len() - 10);
            bytes
        }),
        ("empty", |_| Vec::new()),
    ];
    for (damage, damaged) in damages {
        let (stored, _) = p.run_report(&["run"], 0);
        assert_eq!(cache_of(&stored), ["reused"], "{damage}");
        fs::write(&entries[0], damaged(fs::read(&entries[0]).unwrap())).unwrap();
        let scanned_before = requests_for(&p, "cached/app");
        let (recovered, _) = p.run_report(&["run"], 0);
        assert_eq!(cache_of(&recovered), ["scanned"], "{damage}");
        assert_eq!(ids(&recovered["targets"][0]), expected, "{damage}");
        assert!(requests_for(&p, "cached/app") > scanned_before, "{damage}");
    }
    assert!(requests_for(&p, "cached/app") > before);

    // --no-cache scans in full and says nothing of the cache.
    let after = requests_for(&p, "cached/app");
    let out = p.trivyscan().args(["run", "--no-cache"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(cache_of(&report), ["-"]);
    assert!(requests_for(&p, "cached/app") > after);

    // cache stats / prune.
    let stats = |p: &Project| {
        let out = p.trivyscan().args(["cache", "stats"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        text(&out.stdout)
    };
    // An entry directory an earlier build left (an entry is one file now): listed, not read,
    // removed by any prune.
    let earlier = p
        .cache_dir()
        .join("trivyscan-results/ab")
        .join("ab".repeat(32));
    fs::create_dir_all(&earlier).unwrap();
    fs::write(earlier.join("report.json"), "{}").unwrap();
    let shown = stats(&p);
    assert!(
        shown.contains("entries: 2")
            && shown.contains("DB 2030-01-01T00:00:00Z: 1")
            && shown.contains("not read (removed by `cache prune`): 1")
            && !shown.contains("damaged"),
        "{shown}"
    );
    let out = p
        .trivyscan()
        .args(["cache", "prune", "--older-than", "30d"])
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "removed 1 of 2 entries\n");
    assert!(!earlier.exists());
    let out = p.trivyscan().args(["cache", "prune"]).output().unwrap();
    assert_eq!(text(&out.stdout), "removed 1 of 1 entries\n");
    assert!(stats(&p).contains("entries: 0"));
}

#[test]
fn resolve_tags_caches_refs_by_tag_through_a_registry_login() {
    let registry = testkit::Registry::start_with_login("ci-bot", "tag-secret");
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let first = Image::single(&crate::common::mixed_rootfs());
    let reference = registry.push_image("private/app", "stable", &first);
    p.config()
        .default_toml(
            "severity = \"low\"\nresolve_tags = true\n[default.report]\noutput_dir = \"out\"",
        )
        .images("a", &[&reference])
        .login_from_env()
        .write();
    let run = |p: &Project| {
        let out = p
            .trivyscan()
            .arg("run")
            .env("REG_USER", "ci-bot")
            .env("REG_PASS", "tag-secret")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        p.read_json(&report_paths(&out)[0])
    };
    let blobs = |r: &testkit::Registry| r.log().matches("/blobs/").count();

    let cold = run(&p);
    assert_eq!(cache_of(&cold), ["scanned"]);
    assert_eq!(cold["targets"][0]["digest"], first.manifest_digest());
    assert_eq!(
        cold["targets"][0]["target"],
        reference.as_str(),
        "the tag stays the identity"
    );
    let pulled = blobs(&registry);

    let warm = run(&p);
    assert_eq!(cache_of(&warm), ["reused"]);
    assert_eq!(ids(&warm["targets"][0]), ids(&cold["targets"][0]));
    assert_eq!(
        blobs(&registry),
        pulled,
        "only the tag was asked about, nothing pulled"
    );

    // The tag moves: the new content is scanned.
    let second = Image::single(&crate::common::mixed_rootfs().file("moved", "yes"));
    registry.push_image("private/app", "stable", &second);
    let moved = run(&p);
    assert_eq!(cache_of(&moved), ["scanned"]);
    assert_eq!(moved["targets"][0]["digest"], second.manifest_digest());
}

/// Issue 17, lazy backends: a run whose every target the result cache serves starts no Trivy
/// process at all: no local `trivy server` (it starts on the first scan that needs it), and
/// no version probe (remembered per binary path, size and mtime). Every Trivy process is
/// recorded by a wrapper, however short it lives.
#[test]
fn a_warm_run_starts_no_trivy_process() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let refs = p.pinned_mixed_images("warm/app", &["1", "2"]);
    let (wrapper, recorded) = p.recording_trivy();
    p.config()
        .default_toml("[default.concurrency]\nremote = 2\n[default.report]\noutput_dir = \"out\"")
        .images("a", &refs)
        .set("default.trivy.binary", wrapper.display().to_string())
        .write();

    let (cold, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&cold), ["scanned", "scanned"], "{stderr}");
    let cold_calls = recorded();
    assert!(cold_calls.lines().any(|l| l == "version"), "{cold_calls}");
    assert!(cold_calls.lines().any(|l| l == "server"), "{cold_calls}");

    let (warm, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&warm), ["reused", "reused"], "{stderr}");
    // A result in 0.0s says how it was made (issue 34, item 5).
    assert_eq!(
        stderr.matches("reused from the result cache").count(),
        2,
        "{stderr}"
    );
    assert_eq!(recorded(), cold_calls, "the warm run started Trivy");

    // A changed binary (its size and mtime moved) is asked again.
    let script = fs::read_to_string(&wrapper).unwrap();
    fs::write(&wrapper, format!("{script}\n")).unwrap();
    p.run_report(&["run"], 0);
    assert_eq!(
        recorded().lines().filter(|l| *l == "version").count(),
        2,
        "{}",
        recorded()
    );
}

/// Issue 17, DB-update rescans through the server's cache: targets the local trivy server
/// scanned are rescanned after a DB update by replaying their Scan call (the server holds their
/// layers): no registry request, no `trivy image`, `sbom` or `convert` process, and the new
/// advisory is found. Issue 35: the cold scan starts one Trivy process per image (no
/// `convert`); when the server's cache was wiped, what each client uploaded, kept in the result
/// cache, is given to the server again and the call replayed, said, with no pull and no
/// client, finding exactly what a fresh scan finds.
#[test]
fn a_db_update_is_rescanned_on_the_server_with_no_pull_and_no_client() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let refs = p.pinned_mixed_images("replay/app", &["1", "2"]);
    let (wrapper, recorded) = p.recording_trivy();
    p.config()
        .default_toml(
            "severity = \"low\"\n[default.concurrency]\nremote = 2\n[default.report]\noutput_dir = \"out\"",
        )
        .images("a", &refs)
        .set("default.trivy.binary", wrapper.display().to_string())
        .write();

    let (cold, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&cold), ["scanned", "scanned"], "{stderr}");
    let cold_ids = ids(&cold["targets"][0]);
    assert!(!cold_ids.contains(&"CVE-2099-0777".to_string()));
    let mut cold_calls: Vec<String> = recorded().lines().map(str::to_string).collect();
    cold_calls.sort();
    assert_eq!(
        cold_calls,
        ["image", "image", "server", "version"],
        "one Trivy process per image"
    );

    // A newer DB with one more advisory (requests 2.30.0).
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&testkit::recipes::newer_fleet_db());
    let requests = requests_for(&p, "replay/app");
    let calls_before = recorded().lines().count();
    let (replayed, stderr) = p.run_report(&["run"], 0);
    assert_eq!(
        cache_of(&replayed),
        ["rescanned_on_server", "rescanned_on_server"],
        "{stderr}"
    );
    let mut expected = cold_ids.clone();
    expected.push("CVE-2099-0777".to_string());
    expected.sort();
    for t in replayed["targets"].as_array().unwrap() {
        assert_eq!(ids(t), expected, "the new advisory, secrets kept");
    }
    assert_eq!(
        requests_for(&p, "replay/app"),
        requests,
        "no registry request"
    );
    let new_calls: Vec<String> = recorded()
        .lines()
        .skip(calls_before)
        .map(str::to_string)
        .collect();
    assert_eq!(new_calls, ["server"], "only the server ran");

    // The server's cache wiped, and another DB: the layers are gone; the kept uploads are
    // given to the server again and the call replayed.
    fs::remove_dir_all(p.cache_dir().join("fanal")).unwrap();
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&testkit::recipes::newer_fleet_db().updated_at("2031-01-01T00:00:00Z"));
    let calls_before = recorded().lines().count();
    let (fallback, stderr) = p.run_report(&["run"], 0);
    assert_eq!(
        cache_of(&fallback),
        ["rescanned_on_server", "rescanned_on_server"],
        "{stderr}"
    );
    assert_eq!(
        stderr
            .matches("the trivy server no longer held its layers; gave it again")
            .count(),
        2,
        "{stderr}"
    );
    assert_eq!(requests_for(&p, "replay/app"), requests, "still no pull");
    let calls = recorded();
    let new_calls: Vec<&str> = calls.lines().skip(calls_before).collect();
    assert_eq!(new_calls, ["server"], "only the server ran");
    // Exactly what a fresh scan with the same DB finds, vulnerabilities and secrets.
    let (fresh, stderr) = p.run_report(&["run", "--no-cache"], 0);
    for (t, f) in fallback["targets"]
        .as_array()
        .unwrap()
        .iter()
        .zip(fresh["targets"].as_array().unwrap())
    {
        assert_eq!(ids(t), ids(f), "{stderr}");
        assert_eq!(ids(t), expected);
    }
}

/// A result is reused only under the Trivy options it was made with: `--pkg-types os` leaves
/// the application packages out, and a run without it must find their vulnerabilities again,
/// not take the cached OS-only result for the image (that would be a false clean).
#[test]
fn a_result_made_with_other_trivy_options_is_not_reused() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let refs = p.pinned_mixed_images("options/app", &["1"]);
    let configure = |extra_args: &[&str]| {
        p.config()
            .default_toml("[default.report]\noutput_dir = \"out\"")
            .images("a", &refs)
            .set(
                "default.trivy.extra_args",
                crate::common::strings(extra_args),
            )
            .write();
    };

    configure(&["--pkg-types", "os"]);
    let (os_only, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&os_only), ["scanned"], "{stderr}");
    let os_ids = ids(&os_only["targets"][0]);

    configure(&[]);
    let (all, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&all), ["scanned"], "{stderr}");
    let all_ids = ids(&all["targets"][0]);
    assert!(
        os_ids.len() < all_ids.len() && os_ids.iter().all(|id| all_ids.contains(id)),
        "{os_ids:?} {all_ids:?}"
    );

    // Each is reused under its own options.
    let (again, _) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&again), ["reused"]);
    assert_eq!(ids(&again["targets"][0]), all_ids);
    configure(&["--pkg-types", "os"]);
    let (again, _) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&again), ["reused"]);
    assert_eq!(ids(&again["targets"][0]), os_ids);

    // Trivy's own files in the working directory count too: a `.trivyignore` there drops a
    // finding, and when it goes the finding is back (not the result made with it).
    configure(&[]);
    let dropped = all_ids
        .iter()
        .find(|id| id.starts_with("CVE-"))
        .unwrap()
        .clone();
    fs::write(p.path().join(".trivyignore"), format!("{dropped}\n")).unwrap();
    let (ignored, stderr) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&ignored), ["scanned"], "{stderr}");
    assert!(!ids(&ignored["targets"][0]).contains(&dropped), "{stderr}");
    assert!(
        stderr.contains("Trivy reads .trivyignore from the working directory"),
        "said: {stderr}"
    );
    fs::remove_file(p.path().join(".trivyignore")).unwrap();
    let (back, _) = p.run_report(&["run"], 0);
    assert_eq!(cache_of(&back), ["reused"]);
    assert_eq!(ids(&back["targets"][0]), all_ids);
}

/// A result is reused only by the Trivy version that made it: a newer Trivy may see packages
/// an older one did not, and a DB update rescans the stored SBOM, never the image again. With
/// the pass's Trivy and 0.59.1 (the same binary in the 0.59.1 pass: then it is reused).
#[test]
fn another_trivy_version_scans_again() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let refs = p.pinned_mixed_images("versions/app", &["1"]);
    p.config()
        .default_toml("[default.report]\noutput_dir = \"out\"")
        .images("a", &refs)
        .write();
    let (current, old) = (testkit::trivy_bin(), testkit::trivy_old_bin());
    let run = |binary: &std::path::Path| {
        p.run_report(&["run", "--trivy-binary", binary.to_str().unwrap()], 0)
    };
    let (first, stderr) = run(&current);
    assert_eq!(cache_of(&first), ["scanned"], "{stderr}");
    let (warm, _) = run(&current);
    assert_eq!(cache_of(&warm), ["reused"]);
    let (other, stderr) = run(&old);
    assert_eq!(other["run"]["trivy_version"], "0.59.1");
    if testkit::trivy_version() == "0.59.1" {
        assert_eq!(cache_of(&other), ["reused"], "{stderr}");
    } else {
        assert_eq!(cache_of(&other), ["scanned"], "{stderr}");
        // And each version's result stays for it.
        let (back, _) = run(&current);
        assert_eq!(cache_of(&back), ["reused"]);
    }
}
