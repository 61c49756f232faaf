//! Where the test tools are (installed by scripts/setup-test-tools.sh into .tools/, or named by
//! env vars), and Trivy runs isolated from each other and from the user's cache.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

use crate::db::VulnDb;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn tool(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(default));
    assert!(
        path.exists(),
        "{} not found (set {var} or run scripts/setup-test-tools.sh)",
        path.display()
    );
    path
}

/// Trivy 0.76.0.
pub fn trivy_bin() -> PathBuf {
    tool("TESTKIT_TRIVY", ".tools/trivy-0.76.0/bin/trivy")
}

/// The version `trivy` at `binary` reports (`0.76.0`), asked once per binary.
pub fn trivy_version_of(binary: &std::path::Path) -> String {
    static SEEN: std::sync::Mutex<Vec<(PathBuf, String)>> = std::sync::Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap();
    if let Some((_, v)) = seen.iter().find(|(b, _)| b == binary) {
        return v.clone();
    }
    let out = Command::new(binary)
        .arg("--version")
        .output()
        .expect("run trivy --version");
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("Version: "))
        .expect("trivy --version prints `Version: X`")
        .trim()
        .to_string();
    seen.push((binary.to_path_buf(), version.clone()));
    version
}

/// The version of the Trivy the tests run (TESTKIT_TRIVY): 0.76.0, or 0.59.1 in the suite's
/// second pass.
pub fn trivy_version() -> String {
    trivy_version_of(&trivy_bin())
}

/// Whether that Trivy has `--skip-version-check` and `--disable-telemetry` (0.60 and later).
pub fn trivy_has_quiet_flags(binary: &std::path::Path) -> bool {
    let version = trivy_version_of(binary);
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (0, 60)
}

/// Trivy 0.59.1, for older-Trivy tests.
pub fn trivy_old_bin() -> PathBuf {
    tool("TESTKIT_TRIVY_OLD", ".tools/trivy-0.59.1/trivy")
}

pub fn registry_bin() -> PathBuf {
    match std::env::var_os("TESTKIT_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from("/usr/bin/docker-registry"),
    }
}

/// A Trivy with its own cache dir and TMPDIR, so parallel tests never share state.
pub struct TrivyRun {
    pub binary: PathBuf,
    pub dir: TempDir,
}

impl TrivyRun {
    /// A cache with `db` already in place.
    pub fn with_db(db: &VulnDb) -> TrivyRun {
        let run = TrivyRun::empty();
        db.write_to_cache(&run.cache_dir());
        run
    }

    /// An empty cache.
    pub fn empty() -> TrivyRun {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("cache")).unwrap();
        std::fs::create_dir_all(dir.path().join("tmp")).unwrap();
        TrivyRun {
            binary: trivy_bin(),
            dir,
        }
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    /// `trivy <subcommand> --cache-dir .. --skip-version-check --disable-telemetry <args>`.
    pub fn command(&self, subcommand: &str) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.arg(subcommand)
            .arg("--cache-dir")
            .arg(self.cache_dir())
            .arg("--quiet")
            .env("TMPDIR", self.tmp_dir())
            .env_remove("TRIVY_USERNAME")
            .env_remove("TRIVY_PASSWORD");
        if trivy_has_quiet_flags(&self.binary) {
            cmd.args(["--skip-version-check", "--disable-telemetry"]);
        }
        cmd
    }

    pub fn run(&self, subcommand: &str, args: &[&str]) -> Output {
        self.command(subcommand)
            .args(args)
            .output()
            .expect("run trivy")
    }

    /// `trivy image` of a registry reference with the DBs already in place: Trivy's JSON, as
    /// it wrote it.
    pub fn scan_image_raw(&self, reference: &str, extra: &[&str]) -> Vec<u8> {
        let mut args = vec![
            "--skip-db-update",
            "--skip-java-db-update",
            "--image-src",
            "remote",
            "--format",
            "json",
            "--scanners",
            "vuln,secret",
        ];
        args.extend_from_slice(extra);
        args.push(reference);
        let out = self.run("image", &args);
        assert!(
            out.status.success(),
            "trivy image {reference} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Scans an image reference from its registry and returns Trivy's JSON report.
    pub fn scan_image(&self, reference: &str, extra: &[&str]) -> serde_json::Value {
        serde_json::from_slice(&self.scan_image_raw(reference, extra)).expect("trivy JSON")
    }
}

/// (result target/class, finding ID, package or rule, severity) of every finding in a report,
/// sorted: what tests compare against the advisories they put in the DB.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for result in report["Results"].as_array().into_iter().flatten() {
        let target = result["Type"]
            .as_str()
            .unwrap_or(result["Class"].as_str().unwrap_or(""))
            .to_string();
        for v in result["Vulnerabilities"].as_array().into_iter().flatten() {
            out.push((
                target.clone(),
                v["VulnerabilityID"].as_str().unwrap().to_string(),
                v["PkgName"].as_str().unwrap().to_string(),
                v["Severity"].as_str().unwrap().to_string(),
            ));
        }
        for s in result["Secrets"].as_array().into_iter().flatten() {
            out.push((
                target.clone(),
                s["RuleID"].as_str().unwrap().to_string(),
                s["Category"].as_str().unwrap_or("").to_string(),
                s["Severity"].as_str().unwrap().to_string(),
            ));
        }
    }
    out.sort();
    out
}
