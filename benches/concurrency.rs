//! Parallel scans of 8 images with a 42 MB layer each (`cargo bench --bench concurrency`):
//! trivyscan with 1 worker, trivyscan with 4 workers (local trivy server), and the naive way,
//! `trivy image` 4 at a time on one cache dir. Equal work: every side scans the same 8 images
//! from a fresh cache. `BENCH_ROUNDS` rounds (default 3), the order of the sides rotated each
//! round so none always goes first; the best of the rounds per side. Needs
//! scripts/setup-test-tools.sh.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use testkit::image::Image;
use testkit::{Registry, VulnDb, recipes};

const IMAGES: usize = 8;
const PARALLEL: usize = 4;

#[derive(Clone, Copy, Debug)]
enum Side {
    OneWorker,
    FourWorkers,
    Naive,
}

impl Side {
    fn label(self) -> &'static str {
        match self {
            Side::OneWorker => "trivyscan, 1 worker",
            Side::FourWorkers => "trivyscan, 4 workers",
            Side::Naive => "naive: `trivy image`, 4 at a time on one cache dir",
        }
    }
}

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(3);
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let db = recipes::fleet_advisories()
        .into_iter()
        .fold(VulnDb::new(), VulnDb::with);
    let refs: Vec<String> = (0..IMAGES)
        .map(|i| {
            registry.push_image(
                "fleet/big",
                &format!("v{i}"),
                &Image::new(&[
                    recipes::debian_openssl(),
                    recipes::big_layer(42, i as u64 + 1),
                ]),
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
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/trivyscan");
    assert!(binary.exists(), "build first: cargo build --release");

    let sides = [Side::OneWorker, Side::FourWorkers, Side::Naive];
    let mut best = [f64::MAX; 3];
    for round in 0..rounds {
        for k in 0..sides.len() {
            let i = (round + k) % sides.len();
            let side = sides[i];
            // A fresh cache each run: no layer is cached from the run before.
            let cache = dir.path().join(format!("cache-{round}-{i}"));
            db.write_to_cache(&cache);
            let (secs, scanned) = match side {
                Side::OneWorker => trivyscan(&binary, dir.path(), &cache, "1"),
                Side::FourWorkers => trivyscan(&binary, dir.path(), &cache, "4"),
                Side::Naive => {
                    let (secs, ok) = testkit::bench::bare_trivy_loop(
                        &cache,
                        &dir.path().join("tmp"),
                        &refs,
                        PARALLEL,
                        &[],
                    );
                    (secs, ok as u64)
                }
            };
            println!(
                "round {}: {}: {secs:.1} s, {scanned}/{IMAGES} scanned",
                round + 1,
                side.label()
            );
            best[i] = best[i].min(secs);
            let _ = std::fs::remove_dir_all(&cache);
        }
    }
    for (side, secs) in sides.iter().zip(best) {
        println!("best of {rounds}: {}: {secs:.1} s", side.label());
    }
    println!(
        "speed-up with 4 workers: {:.2}x; 4 workers vs naive: {:.2}x",
        best[0] / best[1],
        best[2] / best[1]
    );
}

/// One `trivyscan run` of the 8 images: (seconds, targets scanned).
fn trivyscan(binary: &Path, dir: &Path, cache: &Path, jobs: &str) -> (f64, u64) {
    let start = Instant::now();
    let out = Command::new(binary)
        .current_dir(dir)
        .args([
            "-q",
            "run",
            "--format",
            "json",
            "--jobs-remote",
            jobs,
            "--cache-dir",
        ])
        .arg(cache)
        .output()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let report_path = dir.join(String::from_utf8_lossy(&out.stdout).trim());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report_path).unwrap()).unwrap();
    (secs, report["totals"]["scanned"].as_u64().unwrap_or(0))
}
