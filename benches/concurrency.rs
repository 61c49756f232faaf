//! Parallel scans of 8 images with a 42 MB layer each (`cargo bench --bench concurrency`):
//! trivyscan with 1 worker vs 4 workers (local trivy server), and, for contrast, 4 naive
//! parallel `trivy image` runs on one cache dir. Needs scripts/setup-test-tools.sh.

use std::process::Command;
use std::time::Instant;

use testkit::image::Image;
use testkit::{Registry, VulnDb, recipes};

fn main() {
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let db = recipes::fleet_advisories()
        .into_iter()
        .fold(VulnDb::new(), VulnDb::with);
    let refs: Vec<String> = (0..8)
        .map(|i| {
            registry.push_image(
                "fleet/big",
                &format!("v{i}"),
                &Image::new(&[recipes::debian_openssl(), recipes::big_layer(42, i + 1)]),
            )
        })
        .collect();
    let list = testkit::toml_strings(&refs);
    std::fs::write(
        dir.path().join("scanner.toml"),
        format!(
            "[default]\n[default.intel]\nkev = false\nepss = false\n[default.trivy]\nbinary = {:?}\njava_db_repositories = []\n[[default.targets]]\nname = \"big\"\nimages = [{list}]\n",
            testkit::trivy_bin().display().to_string()
        ),
    )
    .unwrap();
    let binary = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/trivyscan");
    assert!(binary.exists(), "build first: cargo build --release");
    let mut times = Vec::new();
    for jobs in ["1", "4"] {
        // A fresh cache each time: no layer is cached from the run before.
        let cache = dir.path().join(format!("cache-{jobs}"));
        db.write_to_cache(&cache);
        let start = Instant::now();
        let out = Command::new(&binary)
            .current_dir(dir.path())
            .args([
                "-q",
                "run",
                "--format",
                "json",
                "--jobs-remote",
                jobs,
                "--cache-dir",
            ])
            .arg(&cache)
            .output()
            .unwrap();
        let secs = start.elapsed().as_secs_f64();
        let report_path = dir.path().join(String::from_utf8_lossy(&out.stdout).trim());
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(report_path).unwrap()).unwrap();
        println!(
            "trivyscan, {jobs} worker(s): {secs:.1} s, {}/8 scanned",
            report["totals"]["scanned"]
        );
        times.push(secs);
    }
    println!("speed-up with 4 workers: {:.2}x", times[0] / times[1]);

    // The naive way: 4 `trivy image` at once on one cache dir.
    let naive = testkit::TrivyRun::with_db(&db);
    let start = Instant::now();
    let children: Vec<_> = refs[..4]
        .iter()
        .map(|r| {
            naive
                .command("image")
                .args([
                    "--skip-db-update",
                    "--skip-java-db-update",
                    "--image-src",
                    "remote",
                    "--format",
                    "json",
                    "--output",
                    "/dev/null",
                    r,
                ])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let ok = children
        .into_iter()
        .filter(|_| true)
        .map(|c| c.wait_with_output().unwrap())
        .filter(|o| o.status.success())
        .count();
    println!(
        "naive: 4 parallel `trivy image` on one cache dir: {ok}/4 succeeded in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
