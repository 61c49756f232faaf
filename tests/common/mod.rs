//! Shared helpers for the end-to-end tests: a project directory with a scanner.toml that points
//! trivyscan at the harness's Trivy, cache and registry.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;
use testkit::db::VulnDb;
use testkit::image::Image;
use testkit::{Registry, recipes};

pub struct Project {
    pub dir: TempDir,
    pub registry: Registry,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        Project {
            dir,
            registry: Registry::start(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.path().join(".trivy_cache")
    }

    /// Puts `db` into the cache, as if downloaded before.
    pub fn seed_db(&self, db: &VulnDb) {
        db.write_to_cache(&self.cache_dir());
    }

    /// Publishes `db` in the registry, where `db_repositories` points.
    pub fn publish_db(&self, db: &VulnDb) -> String {
        self.registry.push_db(db)
    }

    pub fn push(&self, repo: &str, tag: &str, rootfs: &testkit::Rootfs) -> String {
        self.registry.push_image(repo, tag, &Image::single(rootfs))
    }

    /// The `[default]` settings every test needs, then `rest` (more keys and target sets).
    pub fn write_config(&self, default_extra: &str, rest: &str) {
        let text = format!(
            "[default]\n{default_extra}\n\n[default.trivy]\nbinary = {:?}\ndb_repositories = [\"{}/trivy-db:2\"]\njava_db_repositories = []\ntimeout = \"2m\"\n\n{rest}",
            testkit::trivy_bin().display().to_string(),
            self.registry.addr,
        );
        fs::write(self.path().join("scanner.toml"), text).unwrap();
    }

    /// A config with one target set `a` holding `images`.
    pub fn write_images_config(&self, default_extra: &str, images: &[&str]) {
        let list = testkit::toml_strings(images);
        self.write_config(
            default_extra,
            &format!("[[default.targets]]\nname = \"a\"\nimages = [{list}]\n"),
        );
    }

    /// Makes the written config log in to registries with `REG_USER` / `REG_PASS`.
    pub fn login_from_env(&self) {
        let path = self.path().join("scanner.toml");
        let config = fs::read_to_string(&path).unwrap();
        fs::write(
            path,
            config.replace(
                "[default.trivy]\n",
                "[default.trivy]\nusername_env = \"REG_USER\"\npassword_env = \"REG_PASS\"\n",
            ),
        )
        .unwrap();
    }

    /// Runs `trivyscan <args>`, checks the exit code, and returns the first report and stderr.
    pub fn run_report(&self, args: &[&str], code: i32) -> (serde_json::Value, String) {
        let out = self.trivyscan().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        (self.read_json(&report_paths(&out)[0]), stderr)
    }

    pub fn trivyscan(&self) -> Command {
        Command::from_std(self.std_command())
    }

    /// The binary as a plain process (for tests that run several at once), with no
    /// TRIVYSCAN_*/TRIVY_* variables of the test's own environment.
    pub fn std_command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("trivyscan"));
        cmd.current_dir(self.path()).args(["--color", "never"]);
        for (k, _) in std::env::vars() {
            if k.starts_with("TRIVYSCAN_") || k.starts_with("TRIVY_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("NO_COLOR", "1");
        cmd
    }

    pub fn read_json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_slice(&fs::read(self.path().join(rel)).unwrap()).unwrap()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The report paths trivyscan printed on stdout.
pub fn report_paths(out: &Output) -> Vec<String> {
    text(&out.stdout).lines().map(String::from).collect()
}

pub use testkit::recipes::fleet_db;

/// Alpine with busybox (MEDIUM), lodash (HIGH), requests (LOW), rack (UNKNOWN) and two secrets
/// (CRITICAL AWS key, HIGH private key).
pub fn mixed_rootfs() -> testkit::Rootfs {
    recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
        .with(recipes::npm_package("lodash", "4.17.20"))
        .with(recipes::python_package("requests", "2.30.0"))
        .with(recipes::ruby_gem("rack", "3.0.8"))
        .with(recipes::secrets())
}

/// (component, severity, id) of every finding of a trivyscan JSON report target, sorted.
pub fn findings_of(target: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (component, sevs) in target["findings"].as_object().unwrap() {
        for (sev, list) in sevs.as_object().unwrap() {
            for f in list.as_array().unwrap() {
                out.push((
                    component.clone(),
                    sev.clone(),
                    f["id"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Each target's error kind, or `ok`, in report order.
pub fn statuses(report: &serde_json::Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["error"]["kind"].as_str().unwrap_or("ok").to_string())
        .collect()
}

/// An executable shell script `name` in `dir` (stub tools that inject faults).
pub fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    fs::write(&path, body).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}
