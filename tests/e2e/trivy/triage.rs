//! Daily triage (issue 30), from real scans: a fleet scanned with a DB, then again after a DB
//! update that adds an advisory, with one image rebuilt with an upgraded package and one with a
//! newly added vulnerable package; `report diff` says why each finding changed.

use std::fs;

use crate::common::{Project, report_paths, text};
use testkit::recipes;

/// The changes of `target` in `report diff --json`, as (cause, id), sorted.
fn causes(diff: &serde_json::Value, target: &str) -> Vec<(String, String)> {
    let t = diff["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"] == target)
        .unwrap_or_else(|| panic!("{target} not in {diff}"));
    let mut out: Vec<(String, String)> = ["new", "fixed", "rescored", "accepted"]
        .iter()
        .flat_map(|list| t[*list].as_array().unwrap())
        .map(|c| {
            (
                c["cause"].as_str().unwrap().to_string(),
                c["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn run_into(p: &Project, name: &str, code: i32) {
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(code), "{}", text(&out.stderr));
    fs::rename(p.path().join(&report_paths(&out)[0]), p.path().join(name)).unwrap();
}

/// `report diff --json OLD NEW`: the exit code and the diff.
fn diff_json(p: &Project, old: &str, new: &str) -> (Option<i32>, serde_json::Value) {
    let out = p
        .trivyscan()
        .args(["report", "diff", "--json", old, new])
        .output()
        .unwrap();
    let diff = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    (out.status.code(), diff)
}

/// Every finding of a run's JSON report.
pub(crate) fn findings(report: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["findings"].as_object().unwrap().values())
        .flat_map(|s| s.as_object().unwrap().values())
        .flat_map(|l| l.as_array().unwrap())
}

#[test]
fn a_db_update_and_two_rebuilds_are_disclosed_introduced_and_fixed_by_change() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let busybox = || recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]);
    let steady = p.push(
        "fleet/steady",
        "1",
        &busybox().with(recipes::python_package("requests", "2.30.0")),
    );
    let upgraded = p.push(
        "fleet/upgraded",
        "1",
        &busybox().with(recipes::npm_package("lodash", "4.17.20")),
    );
    let added = p.push("fleet/added", "1", &busybox());
    p.write_images_config("severity = \"low\"", &[&steady, &upgraded, &added]);
    run_into(&p, "old.json", 0);

    // Overnight: the DB learns of CVE-2099-0777 in requests 2.30.0 (in `steady`, unchanged);
    // `upgraded` is rebuilt with lodash 4.17.21; `added` is rebuilt with lodash 4.17.20.
    assert_eq!(
        p.push(
            "fleet/upgraded",
            "1",
            &busybox().with(recipes::npm_package("lodash", "4.17.21"))
        ),
        upgraded
    );
    assert_eq!(
        p.push(
            "fleet/added",
            "1",
            &busybox().with(recipes::npm_package("lodash", "4.17.20"))
        ),
        added
    );
    // The rebuilds scanned with yesterday's DB: the baseline of a merge request's pipeline.
    run_into(&p, "mid.json", 0);
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&recipes::newer_fleet_db());
    run_into(&p, "new.json", 0);

    let (code, diff) = diff_json(&p, "old.json", "new.json");
    assert_eq!(code, Some(1), "{diff}");
    assert_eq!(diff["db"]["newer"], true, "{diff}");
    let pair = |cause: &str, id: &str| vec![(cause.to_string(), id.to_string())];
    assert_eq!(causes(&diff, &steady), pair("disclosed", "CVE-2099-0777"));
    assert_eq!(
        causes(&diff, &upgraded),
        pair("fixed_by_change", "CVE-2099-0002")
    );
    assert_eq!(causes(&diff, &added), pair("introduced", "CVE-2099-0002"));
    let image = |target: &str| {
        diff["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["target"] == target)
            .unwrap()["image"]
            .clone()
    };
    assert_eq!(image(&steady), "same");
    assert_eq!(image(&upgraded), "changed");
    assert_eq!(image(&added), "changed");
    // The rest unchanged: busybox's CVE-2099-0101 in each, requests' CVE-2099-0003 in steady.
    let by_cause = &diff["totals"]["by_cause"];
    for (cause, n) in [
        ("disclosed", 1),
        ("introduced", 1),
        ("fixed_by_change", 1),
        ("unchanged", 4),
        ("appeared", 0),
        ("vanished", 0),
        ("withdrawn", 0),
        ("rescored", 0),
        ("accepted", 0),
        ("expired", 0),
    ] {
        assert_eq!(by_cause[cause], n, "{cause}: {diff}");
    }

    // The same in words.
    let out = p
        .trivyscan()
        .args(["report", "diff", "old.json", "new.json"])
        .output()
        .unwrap();
    let words = text(&out.stdout);
    // Shown with --nocapture: docs/reports.md quotes it.
    println!("{words}");
    assert!(
        words.contains(&format!("{steady} (same image): 1 new, 0 fixed")),
        "{words}"
    );
    assert!(
        words.contains("  + HIGH CVE-2099-0777 requests 2.30.0 (fixed in 2.32.0) [disclosed]"),
        "{words}"
    );
    assert!(
        words
            .contains("  - HIGH CVE-2099-0002 lodash 4.17.20 (fixed in 4.17.21) [fixed_by_change]"),
        "{words}"
    );
    assert!(
        words.contains("  + HIGH CVE-2099-0002 lodash 4.17.20 (fixed in 4.17.21) [introduced]"),
        "{words}"
    );

    // Gates by cause. Against `mid` only CVE-2099-0777 is new, disclosed on an unchanged
    // image: `introduced` lets it through, `any` does not.
    let gate = |baseline: &str, new: &str, code: i32| {
        p.run_report(
            &[
                "run",
                "--baseline",
                baseline,
                "--fail-on",
                "high",
                "--fail-on-new",
                new,
            ],
            code,
        )
    };
    let (report, stderr) = gate("mid.json", "introduced", 0);
    crate::trivy::intel::validate_report(&report);
    assert_eq!(report["gate"]["fail_on_new"], "introduced");
    assert_eq!(report["gate"]["findings"], 0, "{stderr}");
    let disclosed = findings(&report)
        .find(|f| f["id"] == "CVE-2099-0777")
        .unwrap()
        .clone();
    assert_eq!(disclosed["baseline"], "new");
    assert_eq!(disclosed["cause"], "disclosed");
    let (report, _) = gate("mid.json", "any", 1);
    crate::trivy::intel::validate_report(&report);
    assert_eq!(report["gate"]["fail_on_new"], true);
    assert_eq!(report["gate"]["findings"], 1);
    // Against `old`, `added` brought CVE-2099-0002: the introduced-only gate fails on it alone.
    let (report, stderr) = gate("old.json", "introduced", 1);
    assert_eq!(report["gate"]["findings"], 1, "{stderr}");
    assert!(
        stderr.contains("gate FAILED: 1 introduced finding at or above HIGH"),
        "{stderr}"
    );
    // Every format says why: Markdown and HTML lead with the change since the previous run,
    // SARIF has each new result's cause, JUnit's failure names it.
    fs::write(p.path().join("gated.json"), report.to_string()).unwrap();
    let render = |format: &str| {
        let path = p.path().join(format!("gated.{format}"));
        let out = p
            .trivyscan()
            .args(["report", "render", "--format", format, "-o"])
            .arg(&path)
            .arg("gated.json")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        fs::read_to_string(path).unwrap()
    };
    let since =
        "since the previous run (old.json): +1 disclosed, +1 introduced, -1 fixed, 4 unchanged";
    let md = render("markdown");
    assert!(md.contains("## Since the previous run"), "{md}");
    assert!(md.contains(since), "{md}");
    let html = render("html");
    assert!(html.contains(since), "the HTML's change line");
    assert!(
        html.contains("data-cause=\"introduced\""),
        "a cause per new finding"
    );
    // The page filters by change, from its address too: 6 findings, 2 new, 1 introduced.
    let page = p.path().join("gated.html");
    let shown = |fragment: &str| {
        let dom = crate::trivy::reports::chromium(&page, fragment, &p.path().join("gated.png"));
        let shown = regex::Regex::new(r#"data-shown="(\d+)""#).unwrap();
        shown.captures(&dom).unwrap()[1].parse::<usize>().unwrap()
    };
    let all = "#severity=critical,high,medium,low,unknown";
    assert_eq!(shown(all), 6);
    assert_eq!(shown(&format!("{all}&change=new")), 2);
    assert_eq!(shown(&format!("{all}&change=introduced")), 1);
    let sarif: serde_json::Value = serde_json::from_str(&render("sarif")).unwrap();
    let causes: Vec<(String, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["baselineState"] == "new")
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["properties"]["cause"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(causes.len(), 2, "{causes:?}");
    assert!(
        causes.contains(&("CVE-2099-0777".into(), "disclosed".into())),
        "{causes:?}"
    );
    assert!(
        causes.contains(&("CVE-2099-0002".into(), "introduced".into())),
        "{causes:?}"
    );
    let junit = render("junit");
    assert!(
        junit.contains("(gate: severity, introduced; new: introduced)"),
        "{junit}"
    );

    // The comparison as a SARIF log: NEW's results with their baselineState against OLD, and
    // what OLD had that NEW does not as `absent` (a passing check, not an alert).
    let out = p
        .trivyscan()
        .args([
            "report", "diff", "--format", "sarif", "old.json", "new.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::trivy::reports::validate_sarif(&sarif);
    let mut states: Vec<(String, String, String, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let target = r["locations"][0]["logicalLocations"][0]["name"]
                .as_str()
                .unwrap();
            let fleet_name = target.rsplit('/').next().unwrap().to_string();
            (
                fleet_name,
                r["ruleId"].as_str().unwrap().to_string(),
                r["baselineState"].as_str().unwrap().to_string(),
                r["properties"]["cause"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    states.sort();
    let row = |t: &str, id: &str, state: &str, cause: &str| {
        (
            t.to_string(),
            id.to_string(),
            state.to_string(),
            cause.to_string(),
        )
    };
    assert_eq!(
        states,
        vec![
            row("added:1", "CVE-2099-0002", "new", "introduced"),
            row("added:1", "CVE-2099-0101", "unchanged", ""),
            row("steady:1", "CVE-2099-0003", "unchanged", ""),
            row("steady:1", "CVE-2099-0101", "unchanged", ""),
            row("steady:1", "CVE-2099-0777", "new", "disclosed"),
            row("upgraded:1", "CVE-2099-0002", "absent", "fixed_by_change"),
            row("upgraded:1", "CVE-2099-0101", "unchanged", ""),
        ]
    );
    let absent = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["baselineState"] == "absent")
        .unwrap();
    assert_eq!(
        (absent["kind"].as_str(), absent["level"].as_str()),
        (Some("pass"), Some("none"))
    );

    // A finding the baseline had at another severity is `updated`, with the severity it had:
    // here a baseline that said busybox's CVE-2099-0101 was LOW.
    let mut lowered: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(p.path().join("new.json")).unwrap()).unwrap();
    let mut lowered_count = 0;
    for t in lowered["targets"].as_array_mut().unwrap() {
        for by_sev in t["findings"].as_object_mut().unwrap().values_mut() {
            for list in by_sev.as_object_mut().unwrap().values_mut() {
                for f in list.as_array_mut().unwrap() {
                    if f["id"] == "CVE-2099-0101" {
                        f["severity"] = "LOW".into();
                        lowered_count += 1;
                    }
                }
            }
        }
    }
    assert_eq!(lowered_count, 3);
    fs::write(p.path().join("lowered.json"), lowered.to_string()).unwrap();
    let (report, stderr) = p.run_report(&["run", "--baseline", "lowered.json"], 0);
    crate::trivy::intel::validate_report(&report);
    let rescored: Vec<_> = findings(&report)
        .filter(|f| f["baseline"] == "updated")
        .map(|f| {
            (
                f["id"].clone(),
                f["severity"].clone(),
                f["previous_severity"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rescored,
        vec![
            (
                serde_json::json!("CVE-2099-0101"),
                serde_json::json!("MEDIUM"),
                serde_json::json!("LOW")
            );
            3
        ],
        "{stderr}"
    );
    assert_eq!(
        report["gate"]["findings"], 0,
        "rescored is not new: {stderr}"
    );

    // Nothing changed between a report and itself.
    let (code, same) = diff_json(&p, "new.json", "new.json");
    assert_eq!(code, Some(0));
    assert_eq!(same["totals"]["by_cause"]["unchanged"], 6, "{same}");
    assert_eq!(same["db"]["newer"], false);
}

#[test]
fn targets_that_failed_or_are_in_one_report_only_are_said_never_compared() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let alpine = || recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]);
    let kept = p.push("fleet/kept", "1", &alpine());
    let gone = p.push("fleet/gone", "1", &alpine());
    // An imported Trivy report: readable in the first run, garbage in the second.
    fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/trivy-0.76-mixed.json"),
        p.path().join("imported.json"),
    )
    .unwrap();
    p.config()
        .default_toml("severity = \"low\"")
        .images("a", &[&kept, &gone])
        .target_set("b", "reports", &["imported.json"])
        .write();
    run_into(&p, "old.json", 0);

    let newcomer = p.push("fleet/newcomer", "1", &alpine());
    fs::write(p.path().join("imported.json"), "not a report").unwrap();
    p.config()
        .default_toml("severity = \"low\"")
        .images("a", &[&kept, &newcomer])
        .target_set("b", "reports", &["imported.json"])
        .write();
    run_into(&p, "new.json", 2);

    let (code, diff) = diff_json(&p, "old.json", "new.json");
    assert_eq!(
        diff["added_targets"],
        serde_json::json!([newcomer]),
        "{diff}"
    );
    assert_eq!(diff["removed_targets"], serde_json::json!([gone]), "{diff}");
    let not_compared = diff["not_compared"].as_array().unwrap();
    assert_eq!(not_compared.len(), 1, "{diff}");
    assert!(
        not_compared[0]["target"]
            .as_str()
            .unwrap()
            .ends_with("imported.json"),
        "{diff}"
    );
    assert_eq!(not_compared[0]["why"], "it failed in the new report");
    // The newcomer's findings are not "new" (it was not compared), and `kept` did not change:
    // nothing is new, but what a target not compared would have said is not known: exit 2.
    assert_eq!(diff["totals"]["new"], 0, "{diff}");
    assert_eq!(diff["totals"]["by_cause"]["unchanged"], 1, "{diff}");
    assert_eq!(code, Some(2), "{diff}");
    let words = p
        .trivyscan()
        .args(["report", "diff", "old.json", "new.json"])
        .output()
        .unwrap();
    let words = text(&words.stdout);
    assert!(
        words.contains(&format!(
            "{newcomer}: only in the new report (not compared)"
        )),
        "{words}"
    );
    assert!(
        words.contains(": not compared: it failed in the new report"),
        "{words}"
    );
}

/// Every finding of `report` by ID: (first_seen, due, overdue).
fn deadlines(
    report: &serde_json::Value,
) -> std::collections::BTreeMap<String, (String, String, bool)> {
    findings(report)
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                (
                    f["first_seen"].as_str().unwrap_or("").to_string(),
                    f["due"].as_str().unwrap_or("").to_string(),
                    f["overdue"].as_bool().unwrap_or(false),
                ),
            )
        })
        .collect()
}

#[test]
fn first_seen_is_carried_forward_and_an_sla_past_due_is_overdue_and_can_gate() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let image = p.push(
        "fleet/aging",
        "1",
        &recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
            .with(recipes::npm_package("lodash", "4.17.20")),
    );
    p.write_images_config(
        "severity = \"low\"\n[default.sla]\nhigh = \"30d\"\nmedium = \"90d\"",
        &[&image],
    );
    let (first, stderr) = p.run_report(&["run"], 0);
    // The run's own day (not the test's: a run may cross midnight).
    let today = chrono::DateTime::parse_from_rfc3339(first["run"]["started_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Local)
        .date_naive();
    let d = deadlines(&first);
    let in_days = |n: u64| (today + chrono::Days::new(n)).to_string();
    assert_eq!(
        d["CVE-2099-0002"],
        (today.to_string(), in_days(30), false),
        "{stderr}"
    );
    assert_eq!(d["CVE-2099-0101"], (today.to_string(), in_days(90), false));
    assert!(!stderr.contains("past their due date"), "{stderr}");

    // The baseline says lodash's finding was first seen long ago: it is carried forward, and
    // its 30 days have passed.
    let mut old = first.clone();
    for f in old["targets"][0]["findings"]["NodeJS-package"]["HIGH"]
        .as_array_mut()
        .unwrap()
    {
        f["first_seen"] = "2026-01-01".into();
    }
    fs::write(p.path().join("r1.json"), old.to_string()).unwrap();
    let (second, stderr) = p.run_report(&["run", "--baseline", "r1.json"], 0);
    crate::trivy::intel::validate_report(&second);
    let d = deadlines(&second);
    assert_eq!(
        d["CVE-2099-0002"],
        ("2026-01-01".to_string(), "2026-01-31".to_string(), true)
    );
    assert_eq!(d["CVE-2099-0101"], (today.to_string(), in_days(90), false));
    assert_eq!(second["overdue"]["findings"], 1);
    assert!(
        stderr.contains("⏰ 1 finding past their due date, 0 of them known exploited"),
        "{stderr}"
    );

    // A third run against the second keeps the first date, and the overdue gate fails on it.
    fs::write(p.path().join("r2.json"), second.to_string()).unwrap();
    let (third, stderr) = p.run_report(&["run", "--baseline", "r2.json", "--fail-on-overdue"], 1);
    assert_eq!(deadlines(&third)["CVE-2099-0002"].0, "2026-01-01");
    assert_eq!(third["gate"]["fail_on_overdue"], true);
    assert_eq!(third["gate"]["findings"], 1, "{stderr}");
    assert!(
        stderr.contains("gate FAILED: 1 finding past its due date"),
        "{stderr}"
    );
    // Every format marks it.
    fs::write(p.path().join("r3.json"), third.to_string()).unwrap();
    let render = |format: &str| {
        let path = p.path().join(format!("r3.{format}"));
        let out = p
            .trivyscan()
            .args(["report", "render", "--format", format, "-o"])
            .arg(&path)
            .arg("r3.json")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        fs::read_to_string(path).unwrap()
    };
    let md = render("markdown");
    assert!(
        md.contains("| HIGH, **overdue** (due 2026-01-31) |"),
        "{md}"
    );
    let html = render("html");
    assert!(html.contains("overdue (due 2026-01-31)"), "the HTML's mark");
    let dom = crate::trivy::reports::chromium(
        &p.path().join("r3.html"),
        "#severity=critical,high,medium,low,unknown&overdue=1",
        &p.path().join("r3.png"),
    );
    assert!(
        dom.contains("data-shown=\"1\""),
        "the overdue filter: {dom}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&render("sarif")).unwrap();
    let overdue: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["properties"]["overdue"] == true)
        .collect();
    assert_eq!(overdue.len(), 1, "{sarif}");
    assert_eq!(overdue[0]["ruleId"], "CVE-2099-0002");
    assert_eq!(overdue[0]["properties"]["due"], "2026-01-31");
    let junit = render("junit");
    assert!(junit.contains("(gate: overdue)"), "{junit}");
    // `report merge` sums the deadlines again (the same report twice: its target once).
    fs::write(p.path().join("r3-again.json"), third.to_string()).unwrap();
    let out = p
        .trivyscan()
        .args([
            "report",
            "merge",
            "r3.json",
            "r3-again.json",
            "-o",
            "merged.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let merged = p.read_json("merged.json");
    assert_eq!(merged["overdue"]["findings"], 1, "{merged}");
    assert_eq!(merged["gate"]["findings"], 1);
}

#[test]
fn a_trend_of_five_runs_is_a_table_and_a_chart_that_draws_without_script() {
    let p = Project::new();
    p.seed_db(&recipes::fleet_db());
    let busybox = || recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")]);
    let app = p.push("fleet/app", "1", &busybox());
    p.write_images_config("severity = \"low\"", &[&app]);
    fs::create_dir(p.path().join("nightly")).unwrap();
    let night = |n: usize| {
        let out = p.trivyscan().arg("run").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        fs::rename(
            p.path().join(&report_paths(&out)[0]),
            p.path().join(format!("nightly/trivyscan-{n}.json")),
        )
        .unwrap();
    };
    night(1);
    // 2: lodash added; 3: the DB learns of requests' CVE-2099-0777 (not yet in the image);
    // 4: requests added; 5: lodash upgraded.
    p.push(
        "fleet/app",
        "1",
        &busybox().with(recipes::npm_package("lodash", "4.17.20")),
    );
    night(2);
    fs::remove_dir_all(p.cache_dir().join("db")).unwrap();
    p.seed_db(&recipes::newer_fleet_db());
    night(3);
    p.push(
        "fleet/app",
        "1",
        &busybox()
            .with(recipes::npm_package("lodash", "4.17.20"))
            .with(recipes::python_package("requests", "2.30.0")),
    );
    night(4);
    p.push(
        "fleet/app",
        "1",
        &busybox()
            .with(recipes::npm_package("lodash", "4.17.21"))
            .with(recipes::python_package("requests", "2.30.0")),
    );
    night(5);

    let trend = |format: &str| {
        let out = p
            .trivyscan()
            .args(["report", "trend", "nightly", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let json: serde_json::Value = serde_json::from_str(&trend("json")).unwrap();
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 5);
    let totals: Vec<u64> = runs
        .iter()
        .map(|r| {
            r["findings"]
                .as_object()
                .unwrap()
                .values()
                .map(|n| n.as_u64().unwrap())
                .sum()
        })
        .collect();
    // busybox; + lodash; the same; + requests (two advisories); - lodash.
    assert_eq!(totals, [1, 2, 2, 4, 3], "{json}");
    assert!(runs[0]["changes"].is_null());
    assert_eq!(runs[1]["changes"], serde_json::json!({"introduced": 1}));
    assert_eq!(runs[2]["changes"], serde_json::json!({}));
    assert_eq!(runs[3]["changes"], serde_json::json!({"introduced": 2}));
    assert_eq!(
        runs[4]["changes"],
        serde_json::json!({"fixed_by_change": 1})
    );
    let md = trend("markdown");
    assert!(md.contains("## Trend over 5 runs"), "{md}");
    assert!(md.contains("| -1 fixed_by_change |"), "{md}");

    // The HTML page draws its chart in Chromium, with no script at all.
    let html = trend("html");
    assert!(!html.contains("<script"), "no script");
    let page = p.path().join("trend.html");
    fs::write(&page, &html).unwrap();
    let dom = crate::trivy::reports::chromium(&page, "", &p.path().join("trend.png"));
    assert!(dom.contains("<svg id=\"trend-chart\""), "{dom}");
    assert_eq!(
        dom.matches("<polyline").count(),
        5,
        "a line per severity: {dom}"
    );
    // HIGH goes 0, 1, 1, 2, 1 on a scale of 4.
    assert!(
        dom.contains("data-severity=\"HIGH\" fill=\"none\" stroke=\"#d32f2f\" stroke-width=\"2\" points=\"30.0,210.0 175.0,165.0 320.0,165.0 465.0,120.0 610.0,165.0\""),
        "{dom}"
    );
    assert!(fs::metadata(p.path().join("trend.png")).unwrap().len() > 1000);

    // A directory with no report in it is a mistake said as such, not an empty trend.
    fs::create_dir(p.path().join("empty")).unwrap();
    let out = p
        .trivyscan()
        .args(["report", "trend", "empty"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(66));
    assert!(
        text(&out.stderr).contains("trivyscan::report::trend_inputs"),
        "{}",
        text(&out.stderr)
    );
}
