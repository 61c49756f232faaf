//! trivyscan as a Trivy plugin, with the real Trivy: the packaged release installs offline
//! (from its directory and from its tarball), `trivy trivyscan ...` passes every argument and
//! returns trivyscan's exit code, and trivyscan scans with the Trivy that launched it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Project, text};
use testkit::recipes;

/// Packages the binary under test as the release would be, into `out`.
fn package(out: &Path) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let made = Command::new("bash")
        .arg(root.join("scripts/package-plugin.sh"))
        .args(["--binary", env!("CARGO_BIN_EXE_trivyscan"), "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let lines: Vec<PathBuf> = text(&made.stdout).lines().map(PathBuf::from).collect();
    (lines[0].clone(), lines[1].clone())
}

/// `trivy <args>` with its own home (where plugins are installed), no TRIVY* variables, and a
/// PATH without any trivy.
fn trivy(home: &Path, dir: &Path) -> Command {
    let mut cmd = crate::common::bare_command(testkit::trivy_bin());
    cmd.current_dir(dir)
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin");
    cmd
}

#[test]
fn installed_plugin_runs_trivyscan_with_the_launching_trivy() {
    let dist = tempfile::tempdir().unwrap();
    let (dir, tarball) = package(dist.path());
    // The committed manifest is what was packaged, and names the tarball next to it.
    let manifest = fs::read_to_string(dir.join("plugin.yaml")).unwrap();
    assert!(manifest.contains(&format!("version: \"{}\"", env!("CARGO_PKG_VERSION"))));
    assert!(dir.join("trivyscan_linux-amd64.tar.gz").is_file());

    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let missing = format!("{}/fleet/missing:1", p.registry().addr);
    // No trivy.binary, and no trivy on PATH: only the launching Trivy can scan.
    let write_config = |images: &[&str]| {
        p.config()
            .unset("default.trivy.binary")
            .default_toml("severity = \"low\"\n[default.report]\noutput_dir = \"out\"")
            .images("a", images)
            .write()
    };
    write_config(&[&image]);

    for source in [&dir, &tarball] {
        let home = tempfile::tempdir().unwrap();
        let install = trivy(home.path(), p.path())
            .args(["plugin", "install"])
            .arg(source)
            .output()
            .unwrap();
        assert!(install.status.success(), "{}", text(&install.stderr));
        assert!(text(&install.stderr).contains("successfully installed"));

        let version = trivy(home.path(), p.path())
            .args(["trivyscan", "--version"])
            .output()
            .unwrap();
        assert_eq!(
            text(&version.stdout).trim(),
            format!("trivyscan {}", env!("CARGO_PKG_VERSION"))
        );

        // Arguments pass through; the config shows where the Trivy came from.
        let show = trivy(home.path(), p.path())
            .args(["trivyscan", "config", "show"])
            .output()
            .unwrap();
        let shown = text(&show.stdout);
        assert!(
            shown.contains(&format!(
                "binary = \"{}\"  # the Trivy that launched trivyscan as a plugin",
                testkit::trivy_bin().canonicalize().unwrap().display()
            )),
            "{shown}"
        );

        // Exit codes pass through: 0, then 1 from the gate, then 2 with a failed target.
        let run = |args: &[&str]| {
            let out = trivy(home.path(), p.path())
                .arg("trivyscan")
                .args(args)
                .output()
                .unwrap();
            (out.status.code(), text(&out.stdout), text(&out.stderr))
        };
        let (code, stdout, stderr) = run(&["run"]);
        assert_eq!(code, Some(0), "{stderr}");
        let report = p.read_json(stdout.trim());
        assert_eq!(report["run"]["trivy_version"], testkit::trivy_version());
        assert_eq!(crate::common::findings_of(&report["targets"][0]).len(), 1);
        let (code, _, stderr) = run(&["run", "--fail-on", "critical"]);
        assert_eq!(code, Some(1), "{stderr}");
        write_config(&[&image, &missing]);
        let (code, _, stderr) = run(&["-q", "run"]);
        assert_eq!(code, Some(2), "{stderr}");
        write_config(&[&image]);
    }
}
