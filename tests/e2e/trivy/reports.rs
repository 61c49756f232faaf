//! Reports people act on, from real scans: SARIF (validated against the official 2.1.0
//! schema), JUnit, Markdown, HTML (rendered in headless Chromium), the fleet gate, ignores with
//! expiry, fix impact, baselines and `report diff`, and `report render` of a saved report.

use std::fs;
use std::path::Path;

use crate::common::{Project, mixed_rootfs, report_paths, text};
use testkit::recipes;

/// The line of `needle` in the project's scanner.toml (1-based).
fn line_of(p: &Project, needle: &str) -> usize {
    let config = fs::read_to_string(p.path().join("scanner.toml")).unwrap();
    config
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in scanner.toml"))
        + 1
}

pub(crate) fn validate_sarif(sarif: &serde_json::Value) {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/sarif-schema-2.1.0.json")).unwrap();
    // The published schema's `language` patterns have a stray `]`, which the meta-schema's
    // regex check rejects; they are replaced here (in memory) by the pattern they mean.
    // trivyscan sets no `language`; everything else is checked as published.
    fn fix_language(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => {
                let mut n = 0;
                if let Some(p) = m.get_mut("pattern")
                    && p == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"
                {
                    *p = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
                    n += 1;
                }
                n + m.values_mut().map(fix_language).sum::<usize>()
            }
            serde_json::Value::Array(a) => a.iter_mut().map(fix_language).sum(),
            _ => 0,
        }
    }
    assert!(fix_language(&mut schema) > 0);
    let validator = jsonschema::validator_for(&schema).unwrap();

    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");
}

/// A fleet of four: Debian with openssl, two copies of the mixed image, and one that does
/// not exist. Gate at HIGH; lodash accepted in app:2 only; an expired entry for requests.
fn fleet_project() -> (Project, Vec<String>) {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let refs = vec![
        p.push("fleet/debian", "12", &recipes::debian_openssl()),
        p.push("fleet/app", "1", &mixed_rootfs()),
        p.push("fleet/app", "2", &mixed_rootfs()),
        format!("{}/fleet/missing:1", p.registry().addr),
    ];
    let list = testkit::toml_strings(&refs);
    p.config().default_toml(
        "severity = \"low\"\nfail_on = \"high\"\n[default.report]\nformats = [\"json\", \"sarif\", \"junit\", \"markdown\", \"html\"]\noutput_dir = \"out\"").verbatim(
        &format!(
            "[[default.targets]]\nname = \"fleet\"\nimages = [{list}]\n\n\
             [[default.ignore]]\nid = \"CVE-2099-0002\"\npackages = [\"lodash\"]\ntargets = [\"*/fleet/app:2\"]\nexpires = 2999-12-31\nreason = \"not reachable: test-only dependency\"\n\n\
             [[default.ignore]]\nid = \"CVE-2099-0003\"\nexpires = \"2000-01-01\"\nreason = \"was accepted once\"\n"
        ),
    ).write();
    (p, refs)
}

/// The fleet of [`fleet_project`], scanned once for all the tests below (each checks one
/// part of what that one real run made).
pub(crate) struct FleetRun {
    pub(crate) p: Project,
    refs: Vec<String>,
    code: Option<i32>,
    stderr: String,
    pub(crate) paths: Vec<String>,
    pub(crate) report: serde_json::Value,
}

impl FleetRun {
    fn targets(&self) -> &Vec<serde_json::Value> {
        self.report["targets"].as_array().unwrap()
    }

    /// How many findings the JSON report lists (suppressed ones aside).
    fn reported(&self) -> usize {
        self.targets()
            .iter()
            .map(|t| crate::common::findings_of(t).len())
            .sum()
    }
}

pub(crate) fn fleet_run() -> &'static FleetRun {
    static RUN: std::sync::OnceLock<FleetRun> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let (p, refs) = fleet_project();
        p.remove_at_exit();
        let out = p.trivyscan().arg("run").output().unwrap();
        let paths = report_paths(&out);
        let report = p.read_json(&paths[0]);
        FleetRun {
            refs,
            code: out.status.code(),
            stderr: text(&out.stderr),
            paths,
            report,
            p,
        }
    })
}

#[test]
fn fleet_gate_wins_and_stdout_lists_every_format() {
    let FleetRun {
        p,
        code,
        stderr,
        paths,
        ..
    } = fleet_run();
    // Findings at HIGH and above remain: the gate wins over the failed target's exit 2.
    assert_eq!(*code, Some(1), "{stderr}");
    let ext: Vec<&str> = paths.iter().map(|p| p.split_once('.').unwrap().1).collect();
    assert_eq!(
        ext,
        ["json", "sarif", "junit.xml", "md", "html"],
        "{paths:?}"
    );

    // The expired entry is warned about at its place, and its finding is reported again.
    let expired_line = line_of(p, "id = \"CVE-2099-0003\"") - 1;
    assert!(
        stderr.contains("expired on 2000-01-01")
            && stderr.contains(&format!("scanner.toml:{expired_line}")),
        "{stderr}"
    );
    assert!(stderr.contains("gate FAILED"), "{stderr}");
    assert!(stderr.contains("1 finding(s) suppressed"), "{stderr}");
    assert!(stderr.contains("Top fixes"), "{stderr}");
}

#[test]
fn fleet_ignores_suppress_with_their_reason_and_place() {
    let FleetRun { p, report, .. } = fleet_run();
    let targets = report["targets"].as_array().unwrap();
    let app1 = &targets[1];
    let app2 = &targets[2];
    // app:1 keeps lodash; app:2 has it suppressed, with the entry's reason and place.
    let ids = |t: &serde_json::Value| -> Vec<String> {
        crate::common::findings_of(t)
            .into_iter()
            .map(|f| f.2)
            .collect()
    };
    assert!(ids(app1).contains(&"CVE-2099-0002".to_string()));
    assert!(!ids(app2).contains(&"CVE-2099-0002".to_string()));
    assert!(
        ids(app2).contains(&"CVE-2099-0003".to_string()),
        "expired entry still applied"
    );
    let suppressed = app2["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["id"], "CVE-2099-0002");
    assert_eq!(suppressed[0]["component"], "NodeJS-package");
    assert_eq!(
        suppressed[0]["ignored_by"]["reason"],
        "not reachable: test-only dependency"
    );
    let entry_line = line_of(p, "id = \"CVE-2099-0002\"") - 1;
    assert!(
        suppressed[0]["ignored_by"]["origin"]
            .as_str()
            .unwrap()
            .contains(&format!("scanner.toml:{entry_line} ")),
        "{}",
        suppressed[0]["ignored_by"]
    );
    assert!(app1.get("suppressed").is_none());
    assert_eq!(report["totals"]["suppressed"], 1);
}

#[test]
fn fleet_gate_fix_impact_and_vulnerability_index() {
    let FleetRun { refs, report, .. } = fleet_run();
    // Gate: CRITICAL openssl, and per app the AWS key (CRITICAL) and private key (HIGH); lodash
    // (HIGH) only in app:1.
    assert_eq!(report["gate"]["fail_on"], "HIGH");
    assert_eq!(report["gate"]["findings"], 1 + 3 + 2);
    assert_eq!(report["gate"]["passed"], false);

    // Fix impact, ranked by findings cleared, then targets, then severity.
    let fixes: Vec<(String, String, u64, u64)> = report["fix_impact"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["package"].as_str().unwrap().to_string(),
                f["fixed_version"].as_str().unwrap().to_string(),
                f["findings"].as_u64().unwrap(),
                f["targets"].as_u64().unwrap(),
            )
        })
        .collect();
    let fix = |p: &str, v: &str, f, t| (p.to_string(), v.to_string(), f, t);
    assert_eq!(
        fixes,
        [
            fix("busybox", "1.36.1-r99", 2, 2),
            fix("requests", "2.31.0", 2, 2),
            fix("libssl3", "3.0.99-1~deb12u1", 1, 1),
            fix("lodash", "4.17.21", 1, 1),
        ]
    );
    let vulns = report["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns[0]["id"], "CVE-2099-0001");
    let busybox = vulns.iter().find(|v| v["id"] == "CVE-2099-0101").unwrap();
    assert_eq!(busybox["targets"], serde_json::json!([refs[1], refs[2]]));
}

#[test]
fn fleet_sarif_is_valid_with_a_result_per_finding() {
    let run_ = fleet_run();
    let FleetRun { p, refs, paths, .. } = run_;
    let reported = run_.reported();
    // SARIF: valid against the official schema; a result per finding (and per suppressed one).
    let sarif = p.read_json(&paths[1]);
    validate_sarif(&sarif);
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), reported + 1);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let openssl_rule = rules.iter().find(|r| r["id"] == "CVE-2099-0001").unwrap();
    assert_eq!(openssl_rule["properties"]["security-severity"], "9.5");
    let openssl = results
        .iter()
        .find(|r| r["ruleId"] == "CVE-2099-0001")
        .unwrap();
    assert_eq!(openssl["level"], "error");
    assert_eq!(
        rules[openssl["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "CVE-2099-0001"
    );
    assert_eq!(
        openssl["locations"][0]["logicalLocations"][0]["name"],
        refs[0].as_str()
    );
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "CVE-2099-0002");
    let mut prints: Vec<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["trivyscan/v1"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), results.len(), "fingerprints are unique");
    // The failed target; the test images' Alpine 3.19 is past its end of support, a warning.
    let notes: Vec<_> = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            !n["message"]["text"]
                .as_str()
                .unwrap()
                .contains("past its end of support")
        })
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains(&refs[3])
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    // Secret matches stay out of SARIF.
    assert!(
        !fs::read_to_string(p.path().join(&paths[1]))
            .unwrap()
            .contains("AKIA")
    );
}

#[test]
fn fleet_junit_has_a_suite_per_target() {
    let FleetRun { p, refs, paths, .. } = fleet_run();
    // JUnit: a suite per target; a failure per finding at or above the gate; an error for the
    // target that could not be scanned.
    let xml = fs::read_to_string(p.path().join(&paths[2])).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let all: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    // First the run's own suite: the verdict (the gate failed) as a failure.
    assert_eq!(all[0].attribute("name"), Some("trivyscan run"));
    let verdict = all[0]
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("verdict"))
        .unwrap();
    assert!(verdict.children().any(|c| c.has_tag_name("failure")));
    let suites = &all[1..];
    assert_eq!(suites.len(), 4);
    let count = |suite: &roxmltree::Node, tag: &str| {
        suite.descendants().filter(|n| n.has_tag_name(tag)).count()
    };
    assert_eq!(suites[0].attribute("name"), Some(refs[0].as_str()));
    assert_eq!(count(&suites[0], "failure"), 1);
    assert_eq!(count(&suites[1], "failure"), 3);
    assert_eq!(count(&suites[2], "failure"), 2);
    assert_eq!(count(&suites[3], "error"), 1);
}

#[test]
fn fleet_markdown_has_the_gate_fixes_and_every_target() {
    let FleetRun { p, refs, paths, .. } = fleet_run();
    // Markdown: the gate, totals, Fix impact in rank order, a row per target.
    let md = fs::read_to_string(p.path().join(&paths[3])).unwrap();
    assert!(
        md.contains("**Verdict: FAILED. 6 finding(s) at or above HIGH.**"),
        "{md}"
    );
    let top = md.split("## Fix impact").nth(1).unwrap();
    assert!(
        top.find("busybox").unwrap() < top.find("libssl3").unwrap(),
        "{md}"
    );
    for r in refs {
        assert!(md.contains(&format!("| `{r}` |")), "{md}");
    }
    // The target that could not be scanned: an error and dashes, not a clean row of zeros.
    assert!(
        md.contains(&format!(
            "| `{}` | fleet | error | - | - | - | - | - |",
            refs[3]
        )),
        "{md}"
    );
    // Per target, the findings themselves, folded: as many rows as the JSON has findings.
    let report = p.read_json(&paths[0]);
    for t in report["targets"].as_array().unwrap() {
        let findings = crate::common::findings_of(t);
        if findings.is_empty() {
            continue;
        }
        let name = t["target"].as_str().unwrap();
        let section = md
            .split(&format!("finding(s) in {name}</summary>"))
            .nth(1)
            .unwrap_or_else(|| panic!("no findings list for {name}: {md}"));
        let section = &section[..section.find("</details>").unwrap()];
        let rows = section
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity"))
            .count();
        assert_eq!(rows, findings.len(), "{section}");
        for (_, _, id) in findings {
            assert!(section.contains(&format!("`{id}`")), "{id}: {section}");
        }
    }
}

#[test]
fn fleet_html_renders_in_a_browser_and_filters_from_the_address() {
    let run_ = fleet_run();
    let FleetRun { p, paths, .. } = run_;
    let targets = run_.targets();
    let reported = run_.reported();
    // HTML: renders in a real browser with no console errors; filters work from the address.
    let html_path = p.path().join(&paths[4]);
    let html = fs::read_to_string(&html_path).unwrap();
    assert!(
        !html.contains("http://") || !html.contains("src=\"http"),
        "no external assets"
    );
    // Trivy stars out the key itself; the match line around it is masked too.
    assert!(
        !html.contains("AWS_ACCESS_KEY_ID=") && html.contains("••••••••"),
        "secret matches are masked by default"
    );
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    fs::create_dir_all(&artifacts).unwrap();
    let dom = chromium(&html_path, "", &artifacts.join("report.png"));
    assert!(dom.contains("data-ready=\"1\""), "the page script ran");
    assert!(
        dom.contains("Vulnerabilities across the fleet (4)"),
        "unique IDs listed"
    );

    let all_rows = dom.matches("class=\"finding\"").count();
    assert_eq!(all_rows, reported + 1);
    let critical = chromium(
        &html_path,
        "#severity=CRITICAL",
        &artifacts.join("critical.png"),
    );
    let shown = regex::Regex::new(r#"data-shown="(\d+)""#).unwrap();
    let criticals = targets
        .iter()
        .flat_map(crate::common::findings_of)
        .filter(|f| f.1 == "CRITICAL")
        .count();
    assert_eq!(
        shown.captures(&critical).unwrap()[1]
            .parse::<usize>()
            .unwrap(),
        criticals
    );
    assert!(fs::metadata(artifacts.join("report.png")).unwrap().len() > 10_000);
    // Kept as test artifacts (docs/reports.md quotes them).
    for path in paths {
        let name = Path::new(path).file_name().unwrap();
        fs::copy(p.path().join(path), artifacts.join(name)).unwrap();
    }
}

#[test]
fn fleet_saved_report_renders_to_the_same_bytes() {
    let FleetRun { p, paths, .. } = fleet_run();
    // A saved report renders to the same bytes as the run made.
    let saved = p.path().join("saved");
    fs::create_dir(&saved).unwrap();
    let copy = saved.join(Path::new(&paths[0]).file_name().unwrap());
    fs::copy(p.path().join(&paths[0]), &copy).unwrap();
    let rendered = p
        .trivyscan()
        .args(["report", "render", "--format", "sarif", "--format", "junit"])
        .args(["--format", "markdown", "--format", "html"])
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        text(&rendered.stderr)
    );
    let again = report_paths(&rendered);
    assert_eq!(again.len(), 4);
    for (new, old) in again.iter().zip(&paths[1..]) {
        assert_eq!(
            fs::read(p.path().join(new)).unwrap(),
            fs::read(p.path().join(old)).unwrap(),
            "{new} differs from {old}"
        );
    }
}

/// Runs headless Chromium on `page` (+ `fragment`), saves a screenshot, returns the DOM after
/// the page's script ran. Fails on any console message (errors, uncaught exceptions).
pub(crate) fn chromium(page: &Path, fragment: &str, screenshot: &Path) -> String {
    let bin = std::env::var("TESTKIT_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let url = format!("file://{}{fragment}", page.display());
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(&bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .args(extra)
            .arg(&url)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run {bin}: {e} (scripts/test.sh installs chromium)")
            });
        let log = text(&out.stderr);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "console messages: {console:#?}");
        text(&out.stdout)
    };
    run(&[
        "--window-size=1280,1600",
        &format!("--screenshot={}", screenshot.display()),
    ]);
    run(&["--dump-dom"])
}

#[test]
fn baseline_marks_new_and_fixed_and_gates_on_new_only() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let before = recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
        .with(recipes::npm_package("lodash", "4.17.20"));
    let reference = p.push("fleet/app", "1", &before);
    p.write_images_config(
        "severity = \"low\"\n[default.report]\noutput_dir = \"out\"",
        &[&reference],
    );
    let first = report_paths(&p.trivyscan().arg("run").output().unwrap())[0].clone();
    let old = p.path().join("old.json");
    fs::rename(p.path().join(&first), &old).unwrap();

    // The same tag, rebuilt: lodash upgraded (fixed), requests added (new), busybox unchanged.
    let after = recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
        .with(recipes::npm_package("lodash", "4.17.21"))
        .with(recipes::python_package("requests", "2.30.0"));
    assert_eq!(p.push("fleet/app", "1", &after), reference);

    // Gate on new findings at LOW and above: requests is new.
    let (report, stderr) = p.run_report(
        &[
            "run",
            "--baseline",
            "old.json",
            "--fail-on",
            "low",
            "--fail-on-new",
        ],
        1,
    );
    assert!(
        stderr.contains("gate FAILED: 1 new finding at or above LOW"),
        "{stderr}"
    );
    let target = &report["targets"][0];
    let marks: Vec<(String, String)> = target["findings"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|s| s.as_object().unwrap().values())
        .flat_map(|l| l.as_array().unwrap())
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["baseline"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut marks = marks;
    marks.sort();
    assert_eq!(
        marks,
        [
            ("CVE-2099-0003".to_string(), "new".to_string()),
            ("CVE-2099-0101".to_string(), "unchanged".to_string()),
        ]
    );
    assert_eq!(target["diff"]["new"], 1);
    assert_eq!(target["diff"]["unchanged"], 1);
    assert_eq!(target["diff"]["fixed"][0]["id"], "CVE-2099-0002");
    assert_eq!(target["diff"]["fixed"][0]["package"], "lodash");
    assert_eq!(report["baseline"]["path"], "old.json");

    // At MEDIUM, only busybox (unchanged) is there: the new-only gate passes.
    let (report, _) = p.run_report(
        &[
            "run",
            "--baseline",
            "old.json",
            "--fail-on",
            "medium",
            "--fail-on-new",
        ],
        0,
    );
    assert_eq!(report["gate"]["passed"], true);
    // Without fail_on_new the same gate fails on busybox.
    let (report, _) = p.run_report(&["run", "--fail-on", "medium"], 1);
    assert_eq!(report["gate"]["findings"], 1);
    let new = p.path().join("new.json");
    let latest = report_paths(&p.trivyscan().arg("run").output().unwrap())[0].clone();
    fs::rename(p.path().join(latest), &new).unwrap();

    // report diff: exit 1 with something new, 0 without.
    let diff = p
        .trivyscan()
        .args(["report", "diff", "old.json", "new.json"])
        .output()
        .unwrap();
    assert_eq!(diff.status.code(), Some(1), "{}", text(&diff.stderr));
    let out = text(&diff.stdout);
    assert!(
        out.contains(&format!(
            "{reference} (image changed): 1 new, 1 fixed, 0 rescored, 0 accepted, 1 unchanged"
        )),
        "{out}"
    );
    assert!(
        out.contains("  + LOW CVE-2099-0003 requests 2.30.0 (fixed in 2.31.0) [introduced]"),
        "{out}"
    );
    assert!(
        out.contains("  - HIGH CVE-2099-0002 lodash 4.17.20 (fixed in 4.17.21) [fixed_by_change]"),
        "{out}"
    );
    let json = p
        .trivyscan()
        .args(["report", "diff", "--json", "new.json", "new.json"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(0));
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(parsed["totals"]["new"], 0);
    assert_eq!(parsed["totals"]["unchanged"], 2);

    // A report that is not trivyscan's JSON is named in a diagnostic.
    fs::write(p.path().join("bad.json"), "[1,2]").unwrap();
    let bad = p
        .trivyscan()
        .args(["report", "render", "--format", "sarif", "bad.json"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(66));
    assert!(text(&bad.stderr).contains("bad.json is not a trivyscan JSON report"));
}

#[test]
fn redact_secrets_masks_matches_in_every_format() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let reference = p.push("fleet/app", "1", &recipes::secrets());
    p.write_images_config(
        "severity = \"low\"\n[default.report]\nformats = [\"json\", \"legacy-json\", \"sarif\", \"junit\", \"markdown\", \"html\"]\noutput_dir = \"out\"\nredact_secrets = true",
        &[&reference],
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let paths = report_paths(&out);
    assert_eq!(paths.len(), 6);
    let report = p.read_json(&paths[0]);
    let secrets = &report["targets"][0]["findings"]["Secret"];
    let matches: Vec<&str> = secrets
        .as_object()
        .unwrap()
        .values()
        .flat_map(|l| l.as_array().unwrap())
        .map(|f| f["match"].as_str().unwrap())
        .collect();
    assert_eq!(matches, ["[redacted by trivyscan]"; 2]);
    for path in &paths {
        let body = fs::read_to_string(p.path().join(path)).unwrap();
        assert!(
            !body.contains("AKIA") && !body.contains("AWS_ACCESS_KEY_ID="),
            "{path} holds a secret's match"
        );

        let mode = fs::metadata(p.path().join(path)).unwrap().permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600,
            "{path}"
        );
    }
}

#[test]
fn a_sets_trivyignore_file_is_passed_to_trivy() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let reference = p.push("fleet/app", "1", &mixed_rootfs());
    fs::write(
        p.path().join(".trivyignore"),
        "# accepted upstream\nCVE-2099-0002\n",
    )
    .unwrap();
    p.write_config(
        "severity = \"low\"\n[default.report]\noutput_dir = \"out\"",
        &format!(
            "[[default.targets]]\nname = \"with-ignore\"\ntrivyignore = \".trivyignore\"\nimages = [\"{reference}\"]\n"
        ),
    );
    let (report, _) = p.run_report(&["run"], 0);
    let ids: Vec<String> = crate::common::findings_of(&report["targets"][0])
        .into_iter()
        .map(|f| f.2)
        .collect();
    assert!(ids.contains(&"CVE-2099-0101".to_string()), "{ids:?}");
    assert!(
        !ids.contains(&"CVE-2099-0002".to_string()),
        "Trivy dropped it: {ids:?}"
    );

    // A missing file is a config error at its line.
    p.write_config(
        "",
        &format!(
            "[[default.targets]]\nname = \"with-ignore\"\ntrivyignore = \".trivyignor\"\nimages = [\"{reference}\"]\n"
        ),
    );
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    let stderr = text(&out.stderr);
    let line = line_of(&p, "trivyignore =");
    assert!(
        stderr.contains("trivyscan::config::trivyignore")
            && stderr.contains(&format!("scanner.toml:{line}")),
        "{stderr}"
    );
}
