//! The fail-open matrix (issue 27): every kind of input against every way it can fail, each
//! beside a target that scans cleanly. For the single run and for the same fleet run as two
//! shards and merged, the verdict is not `passed`, the exit code is not 0, and the cause is
//! named in every format (JSON, SARIF, JUnit, Markdown, HTML) and on stderr, even with `-q`.
//! Real Trivy, real registry; a stub wraps Trivy only to crash or hang.

use std::fs;
use std::path::PathBuf;

use crate::common::{Project, report_paths, text};
use testkit::intel::{FeedServer, KevEntry, date_days_ago, kev_json};
use testkit::recipes;

/// What a case adds to the project: config, files, maybe a Trivy stub.
#[derive(Default)]
struct Setup {
    /// Inside `[default]`.
    default_toml: String,
    /// Further TOML (target sets).
    toml: String,
    trivy: Option<PathBuf>,
    /// No vulnerability DB in the cache.
    no_db: bool,
    /// Kept alive for the runs (feeds).
    _server: Option<FeedServer>,
    /// Held while Docker builds, as every local-mode test does.
    _docker: Option<std::sync::RwLockReadGuard<'static, ()>>,
}

/// How the JSON report names the cause.
#[derive(Clone, Copy)]
enum Cause {
    /// A ledger entry of this kind and status.
    Ledger(&'static str, &'static str),
    /// A target whose error has this kind.
    Target(&'static str),
}

struct Case {
    setup: fn(&Project) -> Setup,
    cause: Cause,
    /// What names the cause in the formats a person reads (any of these, case-insensitive).
    words: &'static [&'static str],
}

const FORMATS: &str = "[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"sarif\", \"junit\", \"markdown\", \"html\"]\n";

fn set(name: &str, key: &str, values: &str) -> String {
    format!("[[default.targets]]\nname = \"{name}\"\n{key} = [{values}]\n")
}

fn write(p: &Project, setup: &Setup, good: &str) {
    let mut cfg = p
        .config()
        .default_toml(&format!("{}{FORMATS}", setup.default_toml))
        .set("default.trivy.offline", true)
        .images("good", &[good]);
    if setup.no_db {
        cfg = cfg.set("default.trivy.require_db", false);
    }
    cfg.toml(&setup.toml).write();
}

fn contains_any(haystack: &str, words: &[&str]) -> bool {
    let haystack = haystack.to_lowercase();
    words.iter().any(|w| haystack.contains(&w.to_lowercase()))
}

/// The cause in the JSON report.
fn json_names(report: &serde_json::Value, cause: Cause) -> bool {
    match cause {
        Cause::Ledger(kind, status) => report["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == kind && e["status"] == status),
        Cause::Target(kind) => report["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["error"]["kind"] == kind),
    }
}

/// Every format of one JSON report (rendered beside it) says the verdict is not passed and
/// names the cause.
fn assert_formats(p: &Project, json_rel: &str, case: &Case, what: &str) {
    let report = p.read_json(json_rel);
    let verdict = report["gate"]["verdict"].as_str().unwrap().to_string();
    assert_ne!(verdict, "passed", "{what}: {report:#}");
    assert_eq!(report["gate"]["passed"], false, "{what}");
    assert!(
        json_names(&report, case.cause),
        "{what}: cause not in JSON: {report:#}"
    );

    let out = p
        .trivyscan()
        .args(["report", "render", "--format", "sarif", "--format", "junit"])
        .args(["--format", "markdown", "--format", "html", json_rel])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rendered: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    let read = |ext: &str| {
        let path = rendered.iter().find(|r| r.ends_with(ext)).unwrap();
        fs::read_to_string(p.path().join(path)).unwrap()
    };

    let sarif: serde_json::Value = serde_json::from_str(&read(".sarif")).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["properties"]["verdict"], verdict.as_str(), "{what}");
    let invocation = &run["invocations"][0];
    assert_eq!(
        invocation["executionSuccessful"], false,
        "{what}: {invocation:#}"
    );
    let notes = invocation["toolExecutionNotifications"].to_string();
    assert!(contains_any(&notes, case.words), "{what}: SARIF: {notes}");

    let xml = read(".junit.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let verdict_property = doc
        .descendants()
        .find(|n| n.has_tag_name("property") && n.attribute("name") == Some("verdict"))
        .and_then(|n| n.attribute("value"));
    assert_eq!(verdict_property, Some(verdict.as_str()), "{what}");
    let verdict_case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("verdict"))
        .unwrap();
    assert!(
        verdict_case
            .children()
            .any(|c| c.has_tag_name("error") || c.has_tag_name("failure")),
        "{what}: the JUnit verdict case does not pass"
    );
    assert!(contains_any(&xml, case.words), "{what}: JUnit: {xml}");

    let md = read(".md");
    assert!(!md.contains("Verdict: PASSED"), "{what}: {md}");
    assert!(
        md.contains(&format!("Verdict: {}", verdict.to_uppercase())),
        "{what}"
    );
    assert!(contains_any(&md, case.words), "{what}: Markdown: {md}");

    let html = read(".html");
    assert!(
        html.contains(&format!("data-verdict=\"{verdict}\"")) && !html.contains("verdict: PASSED"),
        "{what}"
    );
    assert!(contains_any(&html, case.words), "{what}: HTML");
}

fn assert_stderr(stderr: &str, case: &Case, what: &str) {
    assert!(!stderr.contains("verdict: PASSED"), "{what}: {stderr}");
    assert!(
        stderr.contains("verdict: INCOMPLETE") || stderr.contains("verdict: FAILED"),
        "{what}: {stderr}"
    );
    assert!(contains_any(stderr, case.words), "{what}: stderr: {stderr}");
}

fn run(p: &Project, setup: &Setup, args: &[&str]) -> std::process::Output {
    let mut cmd = p.trivyscan();
    cmd.arg("-q").arg("run").args(args);
    if let Some(stub) = &setup.trivy {
        cmd.arg("--trivy-binary").arg(stub);
    }
    cmd.output().unwrap()
}

fn check(case: Case) {
    let p = Project::new();
    let good = p.push("fleet/good", "1", &recipes::debian_openssl());
    let setup = (case.setup)(&p);
    if !setup.no_db {
        p.seed_db(&crate::common::fleet_db());
    }
    write(&p, &setup, &good);

    // One run.
    let out = run(&p, &setup, &[]);
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "single run: {:?} {stderr}",
        out.status
    );
    assert_stderr(&stderr, &case, "single run");
    let json = report_paths(&out)
        .into_iter()
        .find(|r| r.ends_with(".json"))
        .unwrap();
    assert_formats(&p, &json, &case, "single run");

    // The same fleet as two shards, merged.
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = run(&p, &setup, &["--shard", &format!("{k}/2")]);
        assert!(out.status.code().is_some(), "{}", text(&out.stderr));
        let json = report_paths(&out)
            .into_iter()
            .find(|r| r.ends_with(".json"))
            .unwrap();
        shards.push(json);
    }
    let out = p
        .trivyscan()
        .arg("-q")
        .args(["report", "merge"])
        .args(&shards)
        .args(["-o", "fleet.json"])
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "merge: {:?} {stderr}",
        out.status
    );
    assert_stderr(&stderr, &case, "merge");
    assert_formats(&p, "fleet.json", &case, "merged shards");
}

macro_rules! matrix {
    ($($name:ident => $case:expr,)*) => {
        $(
            #[test]
            fn $name() {
                check($case);
            }
        )*
    };
}

fn kev_server(kev: Option<Vec<u8>>) -> (FeedServer, String) {
    let server = FeedServer::start();
    if let Some(body) = kev {
        server.serve("/kev.json", body);
    }
    let url = server.url("/kev.json");
    (server, url)
}

matrix! {
    // Offline with no Java DB: an image with jars fails as the DB's fault, never scanned
    // without its Java packages.
    java_db_unavailable_with_jars => Case {
        setup: |p| {
            let jars = p.push(
                "fleet/java",
                "1",
                &recipes::java_app("org.example", "vuln-lib", "1.0.0"),
            );
            Setup { toml: set("jars", "images", &format!("\"{jars}\"")), ..Setup::default() }
        },
        cause: Cause::Target("database_unavailable"),
        words: &["Java DB"],
    },
    registry_unreachable => Case {
        setup: |p| Setup {
            toml: set("bad", "images", &format!("\"{}/fleet/app:1\"", p.closed_addr())),
            ..Setup::default()
        },
        cause: Cause::Target("registry_unreachable"),
        words: &["registry_unreachable"],
    },
    tag_missing => Case {
        setup: |p| Setup {
            toml: set("bad", "images", &format!("\"{}/fleet/good:missing\"", p.registry().addr)),
            ..Setup::default()
        },
        cause: Cause::Target("image_not_found"),
        words: &["image_not_found"],
    },
    registry_glob_matching_nothing => Case {
        setup: |p| Setup {
            toml: set("bad", "images", &format!("\"{}/nothing/*:*\"", p.registry().addr)),
            ..Setup::default()
        },
        cause: Cause::Ledger("registry_glob", "failed"),
        words: &["matches no image"],
    },
    registry_glob_refused => Case {
        setup: |p| Setup {
            toml: set("bad", "images", &format!("\"{}/fleet/*:*\"", p.closed_addr())),
            ..Setup::default()
        },
        cause: Cause::Ledger("registry_glob", "failed"),
        words: &["not expanded"],
    },
    manifest_with_invalid_yaml => Case {
        setup: |p| {
            fs::write(
                p.path().join("deploy.yaml"),
                "kind: Pod\nspec:\n  containers:\n    - image: x/y:1\n      args: [unclosed\n",
            )
            .unwrap();
            Setup { toml: set("k8s", "manifests", "\"deploy.yaml\""), ..Setup::default() }
        },
        cause: Cause::Ledger("manifest", "failed"),
        words: &["not valid YAML"],
    },
    manifest_missing => Case {
        setup: |_| Setup {
            toml: set("k8s", "manifests", "\"deploy/missing.yaml\""),
            ..Setup::default()
        },
        cause: Cause::Ledger("manifest", "failed"),
        words: &["missing.yaml"],
    },
    manifest_glob_matching_nothing => Case {
        setup: |_| Setup {
            toml: set("k8s", "manifests", "\"deploy/**/*.yaml\""),
            ..Setup::default()
        },
        cause: Cause::Ledger("file_glob", "failed"),
        words: &["matches no manifest"],
    },
    compose_build_skipped => Case {
        setup: |p| {
            fs::write(
                p.path().join("compose.yaml"),
                "services:\n  api:\n    build: ./api\n",
            )
            .unwrap();
            Setup { toml: set("compose", "manifests", "\"compose.yaml\""), ..Setup::default() }
        },
        cause: Cause::Ledger("compose_build", "skipped"),
        words: &["compose_build = false"],
    },
    dockerfile_build_failing => Case {
        setup: |p| {
            let dir = p.path().join("broken");
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join("Dockerfile"), "FROM scratch\nNOTANINSTRUCTION here\n").unwrap();
            Setup {
                toml: set("apps", "dockerfiles", "\"broken/Dockerfile\""),
                _docker: Some(super::local::shared_docker()),
                ..Setup::default()
            }
        },
        cause: Cause::Target("build_failed"),
        words: &["build_failed"],
    },
    archive_corrupt => Case {
        setup: |p| {
            fs::write(p.path().join("image.tar"), b"not a tar at all").unwrap();
            Setup { toml: set("archives", "archives", "\"image.tar\""), ..Setup::default() }
        },
        cause: Cause::Target("invalid_target"),
        words: &["not an image archive"],
    },
    imported_report_invalid => Case {
        setup: |p| {
            fs::write(p.path().join("broken-report.json"), b"{\"SchemaVersion\": 2, \"Results\": [").unwrap();
            Setup { toml: set("imported", "reports", "\"broken-report.json\""), ..Setup::default() }
        },
        cause: Cause::Target("bad_output"),
        words: &["broken-report.json"],
    },
    legacy_list_line_invalid => Case {
        setup: |p| {
            fs::write(p.path().join("input_images.txt"), "INVALID@@REF\n").unwrap();
            Setup {
                toml: "[[default.targets]]\nname = \"old\"\nimages_file = \"input_images.txt\"\n".into(),
                ..Setup::default()
            }
        },
        cause: Cause::Target("invalid_target"),
        words: &["invalid image reference"],
    },
    db_missing_without_require_db => Case {
        setup: |_| Setup { no_db: true, ..Setup::default() },
        cause: Cause::Ledger("scanner", "skipped"),
        words: &["NOT scanned", "vulnerability scanning skipped"],
    },
    trivy_crashing => Case {
        setup: |p| Setup {
            toml: set("bad", "images", &format!("\"{}/fleet/good:crash\"", p.registry().addr)),
            trivy: Some(p.trivy_wrapper("trivy-crashes", "image*good:crash*) kill -SEGV $$;;")),
            ..Setup::default()
        },
        cause: Cause::Target("trivy_crashed"),
        words: &["trivy_crashed"],
    },
    trivy_timing_out => Case {
        setup: |p| Setup {
            default_toml: "[default.trivy]\ntimeout = \"3s\"\n".into(),
            toml: set("bad", "images", &format!("\"{}/fleet/good:hang\"", p.registry().addr)),
            trivy: Some(p.trivy_wrapper("trivy-hangs", "image*good:hang*) exec sleep 300;;")),
            ..Setup::default()
        },
        cause: Cause::Target("timeout"),
        words: &["timeout"],
    },
    kev_feed_404_with_its_gate => Case {
        setup: |_| {
            let (server, url) = kev_server(None);
            Setup {
                default_toml: format!(
                    "fail_on_kev = true\n[default.intel]\nkev = true\nkev_url = \"{url}\"\n"
                ),
                _server: Some(server),
                ..Setup::default()
            }
        },
        cause: Cause::Ledger("gate", "not_evaluated"),
        words: &["prioritized by KEV", "fail_on_kev"],
    },
    kev_feed_stale_with_its_gate => Case {
        setup: |_| {
            let body = kev_json(&date_days_ago(30), &[KevEntry::new("CVE-2099-0101", "2026-01-01", "2026-02-01", false)]);
            let (server, url) = kev_server(Some(body));
            Setup {
                default_toml: format!(
                    "fail_on_kev = true\n[default.intel]\nkev = true\nkev_url = \"{url}\"\n"
                ),
                _server: Some(server),
                ..Setup::default()
            }
        },
        cause: Cause::Ledger("feed", "failed"),
        words: &["prioritized by KEV", "fail_on_kev"],
    },
    epss_feed_unreachable_with_its_gate => Case {
        setup: |p| Setup {
            default_toml: format!(
                "fail_on_epss = 0.5\n[default.intel]\nepss = true\nepss_url = \"http://{}/epss.csv.gz\"\n",
                p.closed_addr()
            ),
            ..Setup::default()
        },
        cause: Cause::Ledger("gate", "not_evaluated"),
        words: &["prioritized by EPSS", "fail_on_epss"],
    },
}

/// The shard cases `report merge` must refuse or mark: a shard missing, shards gated
/// differently, two reports that disagree on one target.
mod merge {
    use super::*;

    fn project() -> (Project, String) {
        let p = Project::new();
        p.seed_db(&crate::common::fleet_db());
        let images: Vec<String> = ["1", "2", "3", "4"]
            .iter()
            .map(|t| p.push("fleet/app", t, &recipes::debian_openssl()))
            .collect();
        p.config()
            .default_toml("[default.report]\noutput_dir = \"out\"")
            .set("default.trivy.offline", true)
            .images("a", &images)
            .write();
        let first = images[0].clone();
        (p, first)
    }

    fn shard(p: &Project, k: u32, n: u32, extra: &[&str]) -> String {
        let out = p
            .trivyscan()
            .args(["-q", "run", "--shard", &format!("{k}/{n}")])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.code().is_some(), "{}", text(&out.stderr));
        report_paths(&out)[0].clone()
    }

    fn merge(p: &Project, reports: &[String]) -> std::process::Output {
        p.trivyscan()
            .arg("-q")
            .args(["report", "merge"])
            .args(reports)
            .args(["-o", "fleet.json"])
            .output()
            .unwrap()
    }

    #[test]
    fn a_missing_shard_is_refused() {
        let (p, _) = project();
        let one = shard(&p, 1, 3, &[]);
        let three = shard(&p, 3, 3, &[]);
        let out = merge(&p, &[one, three]);
        let stderr = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("trivyscan::report::merge_shards"),
            "{stderr}"
        );
        let flat = stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            flat.contains("--shard 2/3") && !flat.contains("2/3/3"),
            "the hint names the shard to rerun: {stderr}"
        );
        assert!(!p.path().join("fleet.json").exists());
    }

    #[test]
    fn shards_gated_differently_are_refused_naming_both() {
        let (p, _) = project();
        let one = shard(&p, 1, 2, &["--fail-on", "critical"]);
        let two = shard(&p, 2, 2, &["--fail-on", "none"]);
        let out = merge(&p, &[one.clone(), two.clone()]);
        let stderr = text(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("trivyscan::report::merge_gates"),
            "{stderr}"
        );
        let name = |r: &str| r.rsplit('/').next().unwrap().to_string();
        assert!(
            stderr.contains(&name(&one)) && stderr.contains(&name(&two)),
            "{stderr}"
        );
        assert!(!p.path().join("fleet.json").exists());
    }

    #[test]
    fn two_reports_that_disagree_on_a_target_merge_incomplete() {
        let (p, first) = project();
        let ok = p.trivyscan().args(["-q", "run"]).output().unwrap();
        assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
        let ok = report_paths(&ok)[0].clone();
        // The same plan once more, with a Trivy that crashes on the first image.
        let tag = first.rsplit(':').next().unwrap();
        let stub = p.trivy_wrapper(
            "trivy-crashes",
            &format!("image*app:{tag}*) kill -SEGV $$;;"),
        );
        let crashed = p
            .trivyscan()
            .args(["-q", "run", "--trivy-binary", stub.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(crashed.status.code(), Some(2), "{}", text(&crashed.stderr));
        let crashed = report_paths(&crashed)[0].clone();
        let out = merge(&p, &[ok, crashed]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("reported differently"), "{stderr}");
        assert!(stderr.contains("verdict: INCOMPLETE"), "{stderr}");
        let merged = p.read_json("fleet.json");
        assert_eq!(merged["gate"]["verdict"], "incomplete");
        let entry = merged["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "target")
            .expect("a ledger entry for the disagreement");
        assert_eq!(entry["input"], first.as_str());
        assert_eq!(entry["status"], "failed");
    }

    #[test]
    fn the_same_fleet_merged_from_clean_shards_passes() {
        // The matrix's control: without a failure the same path says passed and exits 0.
        let (p, _) = project();
        let shards = [shard(&p, 1, 2, &[]), shard(&p, 2, 2, &[])];
        let out = merge(&p, &shards);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("verdict: PASSED"), "{stderr}");
        let merged = p.read_json("fleet.json");
        assert_eq!(merged["gate"]["verdict"], "passed");
        assert_eq!(merged["gate"]["passed"], true);
    }
}
