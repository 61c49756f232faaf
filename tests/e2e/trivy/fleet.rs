//! Fleet scale: `run --shard K/N` scans a stable, hash-based slice of the plan; the shards'
//! union is exactly the plan; `report merge` of the shard reports equals one unsharded run.

use std::collections::BTreeMap;
use std::fs;

use crate::common::{Project, report_paths, text};
use testkit::recipes;

fn plan_of(p: &Project, shard: Option<&str>) -> Vec<String> {
    let mut cmd = p.trivyscan();
    cmd.args(["targets", "--json"]);
    if let Some(s) = shard {
        cmd.args(["--shard", s]);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap().to_string())
        .collect()
}

/// A target's status and its sorted (component, severity, id).
pub(crate) type TargetView = (String, Vec<(String, String, String)>);

/// Per target identity: status and findings.
pub(crate) fn by_target(report: &serde_json::Value) -> BTreeMap<String, TargetView> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap().to_string(),
                (
                    t["status"].as_str().unwrap().to_string(),
                    crate::common::findings_of(t),
                ),
            )
        })
        .collect()
}

/// The shard (1-based, of 3) trivyscan puts an image reference in.
fn shard_of_image(reference: &str) -> u32 {
    use trivyscan::model::{PlannedTarget, Severity, TargetKind};
    let target = PlannedTarget {
        set: "a".into(),
        kind: TargetKind::Image(reference.into()),
        build: Default::default(),
        severity: Severity::Low,
        origin: trivyscan::settings::Origin::Implicit("test"),
        also: Vec::new(),
        problem: None,
        ignore_file: None,
    };
    trivyscan::stage::resolve::shard_of(&target, std::path::Path::new("/"), 3)
}

#[test]
fn shards_cover_the_plan_once_and_merge_into_the_full_run() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    // References include the registry's port, so their shards differ from run to run: tags
    // are added until every shard holds at least two images, so no shard is empty by chance.
    let mut refs = Vec::new();
    let mut per_shard = [0; 3];
    let mut i = 0;
    while i < 6 || per_shard.iter().any(|n| *n < 2) {
        assert!(i < 100, "no tags fill every shard: {per_shard:?}");
        for (repo, rootfs) in [
            ("fleet/debian", recipes::debian_openssl()),
            ("fleet/mixed", crate::common::mixed_rootfs()),
        ] {
            let reference = p.push(repo, &format!("v{i}"), &rootfs);
            per_shard[shard_of_image(&reference) as usize - 1] += 1;
            refs.push(reference);
        }
        i += 1;
    }
    refs.push(format!("{}/fleet/missing:1", p.registry().addr));
    let list: Vec<&str> = refs.iter().map(String::as_str).collect();
    p.write_images_config(
        "severity = \"low\"\nfail_on = \"high\"\n[default.report]\noutput_dir = \"out\"",
        &list,
    );

    // The shards partition the plan, each target where its identity's hash puts it.
    let full_plan = plan_of(&p, None);
    let shards: Vec<Vec<String>> = (1..=3)
        .map(|k| plan_of(&p, Some(&format!("{k}/3"))))
        .collect();
    let mut union: Vec<String> = shards.iter().flatten().cloned().collect();
    union.sort();
    let mut expected = full_plan.clone();
    expected.sort();
    assert_eq!(union, expected, "every target in exactly one shard");
    for (k, shard) in shards.iter().enumerate() {
        let wanted: Vec<String> = full_plan
            .iter()
            .filter(|t| shard_of_image(t) == k as u32 + 1)
            .cloned()
            .collect();
        assert_eq!(shard, &wanted, "shard {}", k + 1);
        assert!(shard.len() >= 2, "shard {}: {shard:?}", k + 1);
    }

    // Stable: a new target elsewhere in the list moves no other target.
    let extra = format!("{}/fleet/another:1", p.registry().addr);
    let mut longer = vec![extra.as_str()];
    longer.extend(&list);
    p.write_images_config(
        "severity = \"low\"\nfail_on = \"high\"\n[default.report]\noutput_dir = \"out\"",
        &longer,
    );
    for (k, before) in shards.iter().enumerate() {
        let after = plan_of(&p, Some(&format!("{}/3", k + 1)));
        let kept: Vec<&String> = after.iter().filter(|t| **t != extra).collect();
        assert_eq!(kept, before.iter().collect::<Vec<_>>(), "shard {}", k + 1);
    }
    p.write_images_config(
        "severity = \"low\"\nfail_on = \"high\"\n[default.report]\noutput_dir = \"out\"",
        &list,
    );

    // One full run, then each shard; the merge of the shards is the full run.
    let (full, _) = p.run_report(&["run"], 1);
    let mut shard_reports = Vec::new();
    for k in 1..=3 {
        let out = p
            .trivyscan()
            .args(["run", "--shard", &format!("{k}/3")])
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{}",
            text(&out.stderr)
        );
        let path = report_paths(&out)[0].clone();
        let report = p.read_json(&path);
        assert_eq!(report["run"]["shard"], format!("{k}/3"));
        assert!(
            path.starts_with(&format!("out/trivyscan-default-shard-{k}-of-3-")),
            "named by its shard: {path}"
        );
        let renamed = format!("shard-{k}.json");
        fs::rename(p.path().join(&path), p.path().join(&renamed)).unwrap();
        shard_reports.push(renamed);
    }
    let out = p
        .trivyscan()
        .args(["report", "merge"])
        .args(&shard_reports)
        .args(["-o", "fleet.json"])
        .output()
        .unwrap();
    // The merge exits with the fleet's verdict, as the full run did (the gate failed).
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "fleet.json\n");
    let merged = p.read_json("fleet.json");
    assert_eq!(by_target(&merged), by_target(&full));
    for key in ["totals", "gate", "fix_impact", "vulnerabilities"] {
        assert_eq!(merged[key], full[key], "{key}");
    }
    assert_eq!(
        merged["run"]["merged_from"],
        serde_json::json!(shard_reports)
    );
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&merged)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    // Shards carry their plan's identity; a directory or a glob of them merges the same.
    let plan_ids: Vec<serde_json::Value> = shard_reports
        .iter()
        .map(|r| p.read_json(r)["run"]["plan"].clone())
        .collect();
    assert!(plan_ids[0].as_str().unwrap().starts_with("sha256:"));
    assert!(plan_ids.iter().all(|id| *id == plan_ids[0]), "{plan_ids:?}");
    fs::create_dir(p.path().join("shards")).unwrap();
    for (k, r) in shard_reports.iter().enumerate() {
        fs::copy(
            p.path().join(r),
            p.path().join(format!("shards/trivyscan-prod-{k}.json")),
        )
        .unwrap();
    }
    let merge = |args: &[&str]| {
        let out = p
            .trivyscan()
            .args(["report", "merge"])
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), text(&out.stderr))
    };
    for (args, out) in [
        (&["shards", "-o", "from-dir.json"][..], "from-dir.json"),
        (
            &["shards/trivyscan-prod-*.json", "-o", "from-glob.json"],
            "from-glob.json",
        ),
    ] {
        let (code, stderr) = merge(args);
        assert_eq!(code, Some(1), "the fleet's verdict: {args:?}: {stderr}");
        assert_eq!(by_target(&p.read_json(out)), by_target(&full), "{args:?}");
    }

    // A shard missing, or given twice, or of another plan: an error naming it, never a merged
    // report that looks like the whole fleet.
    let (code, stderr) = merge(&["shard-1.json", "shard-3.json", "-o", "partial.json"]);
    assert_eq!(code, Some(66), "{stderr}");
    assert!(stderr.contains("shard 2/3 of 3 is missing"), "{stderr}");
    assert!(!p.path().join("partial.json").exists());
    // One shard alone names the first missing one, not "two or more reports".
    let (code, stderr) = merge(&["shard-3.json", "-o", "partial.json"]);
    assert_eq!(code, Some(66), "{stderr}");
    assert!(stderr.contains("shard 1/3 of 3 is missing"), "{stderr}");
    assert!(!p.path().join("partial.json").exists());
    let (code, stderr) = merge(&[
        "shard-1.json",
        "shard-1.json",
        "shard-2.json",
        "shard-3.json",
        "-o",
        "twice.json",
    ]);
    assert_eq!(code, Some(66), "{stderr}");
    assert!(stderr.contains("shard 1/3 is in both"), "{stderr}");
    let mut other = p.read_json("shard-2.json");
    other["run"]["plan"] = format!("sha256:{}", "0".repeat(64)).into();
    fs::write(p.path().join("other-plan.json"), other.to_string()).unwrap();
    let (code, stderr) = merge(&[
        "shard-1.json",
        "other-plan.json",
        "shard-3.json",
        "-o",
        "mixed.json",
    ]);
    assert_eq!(code, Some(66), "{stderr}");
    assert!(stderr.contains("of another plan"), "{stderr}");

    // Merging a (non-shard) report twice keeps its targets once, and says so.
    let full_path = p.path().join("full.json");
    fs::write(&full_path, full.to_string()).unwrap();
    let (code, stderr) = merge(&["full.json", "full.json", "-o", "twice.json"]);
    assert_eq!(code, Some(1), "the full run's verdict: {stderr}");
    assert!(stderr.contains("in more than one report"));
    let twice = p.read_json("twice.json");
    assert_eq!(
        twice["targets"].as_array().unwrap().len(),
        full["targets"].as_array().unwrap().len()
    );

    // A bad shard is a diagnostic.
    let out = p
        .trivyscan()
        .args(["run", "--shard", "4/3"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(64),
        "a bad flag value is a usage error"
    );
    assert!(text(&out.stderr).contains("trivyscan::run::shard"));
}
