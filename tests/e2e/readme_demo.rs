//! The README's main command, exactly as written, in a fresh clone: it must build trivyscan and
//! finish the demo scan on a machine with no internet, the report path alone on stdout.

use std::path::Path;
use std::process::Command;

fn readme_main_command(readme: &str) -> String {
    let section = readme
        .split("Build and run the main job")
        .nth(1)
        .expect("README names the main job");
    let block = section.split("```sh\n").nth(1).expect("a sh block follows");
    block.split("\n```").next().unwrap().trim().to_string()
}

#[test]
fn the_readme_main_command_works_in_a_fresh_clone() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let command = readme_main_command(&std::fs::read_to_string(repo.join("README.md")).unwrap());
    let clone = tempfile::tempdir().unwrap();
    let status = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(repo)
        .arg(clone.path().join("trivyscan"))
        .status()
        .unwrap();
    assert!(status.success());
    let dir = clone.path().join("trivyscan");
    // A new user's environment: PATH and HOME (and where Rust is installed), nothing else.
    let mut cmd = crate::common::bare_command("bash");
    cmd.arg("-c").arg(&command).current_dir(&dir);
    for key in ["CARGO_HOME", "RUSTUP_HOME"] {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    // Reuse this build's artifacts: the clone compiles the same code.
    cmd.env("CARGO_TARGET_DIR", repo.join("target"));
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let path = stdout.trim();
    assert!(
        !path.contains('\n') && path.starts_with("reports/demo/trivyscan-demo-"),
        "`{command}` wrote no report: {stdout:?}\n{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(path)).unwrap()).unwrap();
    let target = &report["targets"][0];
    assert_eq!(target["status"], "ok", "{target}");
    assert_eq!(
        target["findings"]["Secret"]["CRITICAL"][0]["id"],
        "aws-access-key-id"
    );
    assert!(stderr.contains("SECRETS: 1 findings"), "{stderr}");
    // Offline (as CI is), vulnerability scanning is skipped with one line and the run says it
    // is incomplete (exit 2); online, it ran (exit 0).
    let skipped = report["run"]["skipped_scanners"] == serde_json::json!(["vuln"]);
    assert_eq!(
        out.status.code(),
        Some(if skipped { 2 } else { 0 }),
        "`{command}` failed:\n{stderr}"
    );
    assert!(
        !skipped || stderr.matches("vulnerability scanning skipped").count() == 1,
        "{stderr}"
    );
}

#[test]
fn the_demo_image_is_what_its_script_makes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(repo.join("scripts/make-demo-image.py"))
        .arg(out.path().join("image"))
        .status()
        .unwrap();
    assert!(status.success());
    let list = |root: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        list(&out.path().join("image")),
        list(&repo.join("examples/demo/image"))
    );
}
