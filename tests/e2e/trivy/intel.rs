//! Exploited first (CISA KEV, FIRST EPSS): feeds served over HTTP on 127.0.0.1 and as
//! `file://`, the harness images scanned by the real Trivy, and the enrichment, the ranking
//! and both gates in every format; a stale and an unreachable feed said everywhere; no second
//! download within a day.

use std::fs;

use crate::common::{Project, mixed_rootfs, report_paths, text};
use testkit::intel::{FeedServer, KevEntry, date_days_ago, epss_csv_gz, kev_json};
use testkit::recipes;

use super::reports::{chromium, validate_sarif};

/// Debian with openssl (CVE-2099-0001, CRITICAL) and the mixed image (busybox CVE-2099-0101
/// MEDIUM, lodash CVE-2099-0002 HIGH, requests CVE-2099-0003 LOW, rack UNKNOWN), all
/// reported (severity low). The feeds: busybox's CVE is known exploited (ransomware);
/// requests' is the likeliest to be exploited by EPSS, openssl's the least.
fn project(server: &FeedServer) -> (Project, Vec<String>) {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let refs = vec![
        p.push("intel/debian", "12", &recipes::debian_openssl()),
        p.push("intel/app", "1", &mixed_rootfs()),
    ];
    let today = date_days_ago(0);
    server.serve(
        "/kev.json",
        kev_json(
            &today,
            &[
                KevEntry::new("CVE-2099-0101", "2026-10-01", "2026-10-22", true),
                KevEntry::new("CVE-2000-9999", "2020-01-01", "2020-01-22", false),
            ],
        ),
    );
    server.serve(
        "/epss.csv.gz",
        epss_csv_gz(
            &today,
            &[
                ("CVE-2099-0003", 0.91234, 0.99876),
                ("CVE-2099-0101", 0.45, 0.97),
                ("CVE-2099-0002", 0.012, 0.6),
                ("CVE-2099-0001", 0.00042, 0.05),
            ],
        ),
    );
    (p, refs)
}

fn write_config(p: &Project, server: &FeedServer, refs: &[String], extra: &str) {
    p.config()
        .images("fleet", refs)
        .set("default.severity", "low")
        .set("default.intel.kev", true)
        .set("default.intel.epss", true)
        .set("default.intel.kev_url", server.url("/kev.json"))
        .set("default.intel.epss_url", server.url("/epss.csv.gz"))
        .set(
            "default.report.formats",
            crate::common::strings(&["json", "sarif", "junit", "markdown", "html"]),
        )
        .set("default.report.output_dir", "out")
        .default_toml(extra)
        .write();
}

/// The report validates against the published schema (docs/report.schema.json).
pub(crate) fn validate_report(report: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/report.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the report does not validate: {errors:#?}"
    );
}

fn vulnerability<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["findings"].as_object().unwrap().values())
        .flat_map(|by_sev| by_sev.as_object().unwrap().values())
        .flat_map(|l| l.as_array().unwrap())
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("{id} not reported"))
}

#[test]
fn known_exploited_and_epss_rank_the_fleet_in_every_format_and_gate() {
    let server = FeedServer::start();
    let (p, refs) = project(&server);
    write_config(&p, &server, &refs, "fail_on_kev = true");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    // busybox's CVE is known exploited and has a fix: the KEV gate fails the run.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let paths = report_paths(&out);
    assert_eq!(paths.len(), 5, "{paths:?}");
    let report = p.read_json(&paths[0]);
    validate_report(&report);

    // Every vulnerability finding carries what is known of its exploitation.
    let busybox = vulnerability(&report, "CVE-2099-0101");
    assert_eq!(busybox["kev"]["date_added"], "2026-10-01");
    assert_eq!(busybox["kev"]["due_date"], "2026-10-22");
    assert_eq!(busybox["kev"]["known_ransomware_use"], true);
    assert_eq!(busybox["epss"]["probability"], 0.45);
    assert_eq!(busybox["epss"]["date"], date_days_ago(0).as_str());
    let requests = vulnerability(&report, "CVE-2099-0003");
    assert!(requests.get("kev").is_none());
    assert_eq!(requests["epss"]["probability"], 0.91234);
    assert_eq!(requests["epss"]["percentile"], 0.99876);
    assert_eq!(report["run"]["intel"]["kev"]["status"], "ok");
    assert_eq!(report["run"]["intel"]["kev"]["entries"], 2);
    assert_eq!(report["run"]["intel"]["epss"]["status"], "ok");

    // Fix impact: the known-exploited upgrade first, then by expected exploitation, then
    // severity: requests (EPSS 0.91, LOW) before openssl (CRITICAL, EPSS 0.0004).
    let fixes: Vec<&str> = report["fix_impact"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["package"].as_str().unwrap())
        .collect();
    assert_eq!(&fixes[..2], ["busybox", "requests"], "{fixes:?}");
    // openssl's fix (libssl3 on Debian) clears a CRITICAL, and still comes after lodash's
    // HIGH with the higher EPSS.
    assert_eq!(&fixes[2..], ["lodash", "libssl3"], "{fixes:?}");
    assert_eq!(
        report["fix_impact"][0]["known_exploited"][0],
        "CVE-2099-0101"
    );
    assert_eq!(report["vulnerabilities"][0]["id"], "CVE-2099-0101");
    let ke = &report["known_exploited"];
    assert_eq!(
        (
            ke["vulnerabilities"].as_u64(),
            ke["targets"].as_u64(),
            ke["upgrades"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{ke}"
    );
    assert_eq!(report["gate"]["fail_on_kev"], true);
    assert_eq!(report["gate"]["kev_findings"], 1);
    assert_eq!(report["gate"]["passed"], false);

    // stderr leads with the known-exploited count.
    let first = stderr
        .lines()
        .find(|l| l.contains("known-exploited"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        first.contains("1 known-exploited vulnerability in 1 image"),
        "{stderr}"
    );
    assert!(
        stderr.find("known-exploited") < stderr.find("COMPONENT TYPE SUMMARY"),
        "{stderr}"
    );
    assert!(
        stderr.contains("known exploited (KEV) with a fix (exit 1)"),
        "{stderr}"
    );

    // SARIF: a higher rank, the KEV in the message and the data in properties.
    let sarif: serde_json::Value = p.read_json(&paths[1]);
    validate_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let kev_result = results
        .iter()
        .find(|r| r["ruleId"] == "CVE-2099-0101")
        .unwrap();
    assert_eq!(kev_result["rank"], 100.0);
    assert!(
        kev_result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("KNOWN EXPLOITED (CISA KEV, added 2026-10-01, due 2026-10-22, used in ransomware campaigns)"),
        "{kev_result}"
    );
    assert_eq!(kev_result["properties"]["kev"]["due_date"], "2026-10-22");
    let requests_rank = results
        .iter()
        .find(|r| r["ruleId"] == "CVE-2099-0003")
        .unwrap()["rank"]
        .as_f64()
        .unwrap();
    assert!(
        requests_rank < 100.0 && requests_rank > 80.0,
        "{requests_rank}"
    );

    // JUnit names it in the failure text.
    let junit = fs::read_to_string(p.path().join(&paths[2])).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let failure = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .find(|n| {
            n.attribute("message")
                .unwrap_or("")
                .contains("CVE-2099-0101")
        })
        .unwrap();
    assert!(
        failure
            .attribute("message")
            .unwrap()
            .starts_with("KNOWN EXPLOITED"),
        "{junit}"
    );

    // Markdown lists the known-exploited findings first.
    let md = fs::read_to_string(p.path().join(&paths[3])).unwrap();
    let kev_at = md
        .find("## Known exploited (CISA KEV)")
        .unwrap_or_else(|| panic!("{md}"));
    assert!(kev_at < md.find("## Fleet totals").unwrap(), "{md}");
    assert!(md[kev_at..].contains("`CVE-2099-0101`"), "{md}");
    assert!(
        md.contains("**Verdict: FAILED. 1 finding(s) known exploited (KEV) with a fix.**"),
        "{md}"
    );

    // HTML: badges, an EPSS column, and the "known exploited" filter in a real browser.
    let html_path = p.path().join(&paths[4]);
    let html = fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("class=\"kev\""), "KEV badge");
    assert!(html.contains("<th>EPSS</th>"));
    let artifacts = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("intel-report");
    fs::create_dir_all(&artifacts).unwrap();
    let dom = chromium(&html_path, "#kev=1", &artifacts.join("kev.png"));
    assert!(dom.contains("data-ready=\"1\""), "the page script ran");
    let shown = regex::Regex::new(r#"data-shown="(\d+)""#).unwrap();
    assert_eq!(
        &shown.captures(&dom).unwrap()[1],
        "1",
        "only the KEV finding"
    );

    // Kept as test artifacts (docs/reports.md quotes them).
    for path in &paths {
        let name = std::path::Path::new(path).file_name().unwrap();
        fs::copy(p.path().join(path), artifacts.join(name)).unwrap();
    }
    fs::write(artifacts.join("stderr.txt"), &stderr).unwrap();

    // A second run the same day downloads nothing.
    let again = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stderr));
    assert_eq!(server.hits("/kev.json"), 1);
    assert_eq!(server.hits("/epss.csv.gz"), 1);

    // Shards merge into what one run says: the gate, the ranking and the KEV section.
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = p
            .trivyscan()
            .args(["run", "--format", "json", "--shard", &format!("{k}/2")])
            .output()
            .unwrap();
        let path = report_paths(&out)[0].clone();
        let renamed = format!("shard-{k}.json");
        fs::rename(p.path().join(&path), p.path().join(&renamed)).unwrap();
        shards.push(renamed);
    }
    let out = p
        .trivyscan()
        .args(["report", "merge"])
        .args(&shards)
        .args(["-o", "merged.json"])
        .output()
        .unwrap();
    // The merged fleet's verdict is the single run's: the gate failed.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let merged = p.read_json("merged.json");
    validate_report(&merged);
    for key in ["gate", "known_exploited", "fix_impact", "vulnerabilities"] {
        assert_eq!(merged[key], report[key], "{key}");
    }
    assert_eq!(merged["run"]["intel"]["kev"]["status"], "ok");
}

#[test]
fn the_gates_pass_and_fail_and_ignoring_a_known_exploited_cve_needs_a_reason() {
    let server = FeedServer::start();
    let (p, refs) = project(&server);
    // EPSS gate: requests' 0.91 is over 0.5.
    write_config(&p, &server, &refs, "fail_on_epss = 0.5");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("with EPSS >= 0.5 (exit 1)"), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["gate"]["epss_findings"], 1);
    // Over every score: passes.
    let out = p
        .trivyscan()
        .args(["run", "--fail-on-epss", "0.95"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("gate passed: no finding with EPSS >= 0.95"));

    // An ignore entry without a reason does not accept a known-exploited CVE.
    write_config(
        &p,
        &server,
        &refs,
        "fail_on_kev = true\n[[default.ignore]]\nid = \"CVE-2099-0101\"\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("trivyscan::policy::kev_reason"), "{stderr}");
    assert!(
        stderr.contains("scanner.toml:"),
        "points at the entry: {stderr}"
    );
    // With a reason it does, and is listed apart.
    write_config(
        &p,
        &server,
        &refs,
        "fail_on_kev = true\n[[default.ignore]]\nid = \"CVE-2099-0101\"\nreason = \"busybox is not in the runtime path\"\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let paths = report_paths(&out);
    let report = p.read_json(&paths[0]);
    validate_report(&report);
    let ignored = &report["known_exploited"]["ignored"];
    assert_eq!(ignored[0]["id"], "CVE-2099-0101");
    assert_eq!(ignored[0]["reason"], "busybox is not in the runtime path");
    let md = fs::read_to_string(p.path().join(&paths[3])).unwrap();
    let accepted = md
        .split("### Accepted by ignore entries")
        .nth(1)
        .unwrap_or_default();
    assert!(
        accepted.contains("busybox is not in the runtime path")
            && accepted.contains("CVE-2099-0101"),
        "{md}"
    );
    assert!(
        stderr.contains("1 known-exploited finding(s) accepted by [[ignore]] entries"),
        "{stderr}"
    );
}

/// `--offline` downloads nothing, the exploitation data included (an air-gapped run must not
/// reach out, nor wait on timeouts): without a copy it says so; with one it uses it.
#[test]
fn offline_downloads_no_feed_and_uses_the_cached_copies() {
    let server = FeedServer::start();
    let (p, refs) = project(&server);
    write_config(&p, &server, &refs, "");
    let out = p
        .trivyscan()
        .args(["-q", "run", "--offline", "--format", "json"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(server.hits("/kev.json"), 0, "{stderr}");
    assert_eq!(server.hits("/epss.csv.gz"), 0, "{stderr}");
    assert!(
        stderr.contains("not prioritized by KEV") && stderr.contains("intel.offline = true"),
        "{stderr}"
    );
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["run"]["intel"]["kev"]["status"], "unavailable");

    // Online, the feeds are fetched; offline again, the copies are used.
    let out = p.trivyscan().args(["-q", "run"]).output().unwrap();
    assert_eq!(server.hits("/kev.json"), 1, "{}", text(&out.stderr));
    let out = p
        .trivyscan()
        .args(["-q", "run", "--offline", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(server.hits("/kev.json"), 1);
    assert_eq!(server.hits("/epss.csv.gz"), 1);
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["run"]["intel"]["kev"]["status"], "ok");
    assert!(vulnerability(&report, "CVE-2099-0101").get("kev").is_some());
}

#[test]
fn a_stale_and_an_unreachable_feed_are_said_in_every_format_and_the_kev_gate_is_incomplete() {
    let server = FeedServer::start();
    let (p, refs) = project(&server);
    // KEV from a file (file://), ten days old; EPSS from a port that refuses.
    let kev_file = p.path().join("kev-mirror.json");
    fs::write(
        &kev_file,
        kev_json(
            &date_days_ago(10),
            &[KevEntry::new(
                "CVE-2099-0101",
                "2026-10-01",
                "2026-10-22",
                true,
            )],
        ),
    )
    .unwrap();
    p.config()
        .images("fleet", &refs)
        .set("default.severity", "low")
        .set("default.fail_on_kev", true)
        .set("default.intel.kev", true)
        .set("default.intel.epss", true)
        .set(
            "default.intel.kev_url",
            format!("file://{}", kev_file.display()),
        )
        .set(
            "default.intel.epss_url",
            format!("http://{}/epss.csv.gz", p.closed_addr()),
        )
        .set(
            "default.report.formats",
            crate::common::strings(&["json", "sarif", "junit", "markdown", "html"]),
        )
        .set("default.report.output_dir", "out")
        .write();
    let out = p.trivyscan().args(["-q", "run"]).output().unwrap();
    let stderr = text(&out.stderr);
    // The KEV gate could not be evaluated: incomplete, not a pass.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let stale = format!(
        "not prioritized by KEV: the KEV catalog is of {}, older than intel.max_age (3d)",
        date_days_ago(10)
    );
    assert!(stderr.contains(&stale), "even with -q: {stderr}");
    assert!(
        stderr.contains("not prioritized by EPSS: no EPSS scores could be had"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the gate could not be evaluated: fail_on_kev"),
        "{stderr}"
    );
    let paths = report_paths(&out);
    let report = p.read_json(&paths[0]);
    validate_report(&report);
    assert_eq!(report["run"]["intel"]["kev"]["status"], "stale");
    assert_eq!(report["run"]["intel"]["epss"]["status"], "unavailable");
    assert!(
        vulnerability(&report, "CVE-2099-0101").get("kev").is_none(),
        "stale data is not used"
    );
    assert!(report.get("known_exploited").is_none());
    // Every rendered format says it.
    for path in &paths[1..] {
        let body = fs::read_to_string(p.path().join(path)).unwrap();
        assert!(
            body.contains("Not prioritized by KEV: the KEV catalog is of"),
            "{path}: {body}"
        );
        assert!(
            body.contains("Not prioritized by EPSS: no EPSS scores could be had"),
            "{path}"
        );
    }
    // The copy was kept in the cache dir all the same (a later run reads it without a download).
    assert!(p.cache_dir().join("intel/kev.json").is_file());

    // Without the vuln scanner there is nothing to prioritize: no feed is asked, nothing said.
    let config = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    fs::write(
        p.path().join("scanner.toml"),
        config.replace(
            "fail_on_kev = true",
            "fail_on_kev = false\nscanners = [\"secret\"]",
        ),
    )
    .unwrap();
    let out = p.trivyscan().args(["run"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("not prioritized"), "{stderr}");
}

#[test]
fn a_known_exploited_finding_is_due_on_cisas_date_and_overdue_after_it() {
    let server = FeedServer::start();
    let (p, refs) = project(&server);
    // No [sla]: only busybox's KEV finding (due 2026-10-22) has a due date.
    write_config(&p, &server, &refs, "fail_on_overdue = true");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    validate_report(&report);
    let busybox = vulnerability(&report, "CVE-2099-0101");
    assert_eq!(busybox["due"], "2026-10-22");
    assert_eq!(busybox["overdue"], true);
    assert!(vulnerability(&report, "CVE-2099-0002")["due"].is_null());
    assert_eq!(report["overdue"]["findings"], 1);
    assert_eq!(report["overdue"]["known_exploited"], 1);
    assert_eq!(report["gate"]["findings"], 1);
    assert!(
        stderr.contains("⏰ 1 finding past their due date, 1 of them known exploited"),
        "{stderr}"
    );
    // `fail_on_kev = "overdue"`: the KEV gate counts it only once past CISA's date. Busybox's
    // is past; the catalog listing it as due in a year would let it through.
    write_config(&p, &server, &refs, "fail_on_kev = \"overdue\"");
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("known exploited (KEV) with a fix, past its due date"),
        "{stderr}"
    );
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["gate"]["kev_overdue_only"], true);
    assert_eq!(report["gate"]["kev_findings"], 1);
    let next_year = (chrono::Local::now().date_naive() + chrono::Days::new(365)).to_string();
    server.serve(
        "/kev.json",
        kev_json(
            &date_days_ago(0),
            &[KevEntry::new(
                "CVE-2099-0101",
                "2026-10-01",
                &next_year,
                true,
            )],
        ),
    );
    // A fresh download of the catalog (it is kept a day otherwise).
    fs::remove_dir_all(p.cache_dir().join("intel")).unwrap();
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "gate passed: no finding known exploited (KEV) with a fix, past its due date"
        ),
        "{stderr}"
    );
}
