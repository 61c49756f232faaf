//! Cold scans against bare Trivy (issue 35): `cargo build --release && cargo bench --bench cold`.
//! Needs the tools of scripts/setup-test-tools.sh. Numbers go to docs/performance.md.
//!
//! `BENCH_IMAGES` (default 200) distinct small images in the harness registry, each one layer
//! of its own (a Debian base with openssl and a file naming the image), so no side gains from
//! a layer another image shares. Sides, on the same images and cores, from a fresh Trivy cache
//! holding the same DB each time:
//!
//! - trivyscan cold: `trivyscan -q run` with an empty result cache, `concurrency.remote` workers
//!   (the local `trivy server`);
//! - bare Trivy's parallel loop, as a user would write it: `trivy image --cache-backend memory`
//!   over the images, 2 at a time and 4 at a time, the same scanners (`vuln,secret`); the
//!   faster of the two is the baseline.
//!
//! `BENCH_WORKERS` sets trivyscan's `concurrency.remote` (default 2, the default's).
//! `BENCH_ROUNDS` rounds (default 3), the order of the sides rotated each round; the best of the
//! rounds per side. Prints the ratio trivyscan / best bare loop (issue 35's goal: at most 1.1).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use testkit::image::Image;
use testkit::{Registry, recipes};

#[derive(Clone, Copy)]
enum Side {
    /// With this many remote workers.
    Trivyscan(usize),
    Bare(usize),
}

impl Side {
    fn label(self) -> String {
        match self {
            Side::Trivyscan(n) => format!("trivyscan cold, {n} remote workers"),
            Side::Bare(n) => format!("bare `trivy image --cache-backend memory`, {n} at a time"),
        }
    }
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(default)
}

fn main() {
    let images = env_number("BENCH_IMAGES", 200);
    let rounds = env_number("BENCH_ROUNDS", 3);
    let workers = env_number("BENCH_WORKERS", 2);
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/trivyscan");
    assert!(binary.exists(), "build first: cargo build --release");
    let registry = Registry::start();
    let dir = tempfile::tempdir().unwrap();
    let pushing = Instant::now();
    let refs: Vec<String> = (0..images)
        .map(|i| {
            let image =
                Image::single(&recipes::debian_openssl().file("etc/image-id", format!("{i}")));
            registry.push_image("cold/app", &format!("v{i}"), &image);
            format!("{}/cold/app@{}", registry.addr, image.manifest_digest())
        })
        .collect();
    println!(
        "{images} distinct images pushed in {:.1} s",
        pushing.elapsed().as_secs_f64()
    );
    std::fs::write(
        dir.path().join("scanner.toml"),
        format!(
            "[default]\n[default.concurrency]\nremote = {workers}\n[default.intel]\nkev = false\nepss = false\n[default.trivy]\nbinary = {:?}\njava_db_repositories = []\n[[default.targets]]\nname = \"cold\"\nimages = [{}]\n",
            testkit::trivy_bin().display().to_string(),
            testkit::toml_strings(&refs)
        ),
    )
    .unwrap();

    let sides = [Side::Trivyscan(workers), Side::Bare(2), Side::Bare(4)];
    let mut best = [f64::MAX; 3];
    for round in 0..rounds {
        for k in 0..sides.len() {
            let i = (round + k) % sides.len();
            let cache = dir.path().join(format!("cache-{round}-{i}"));
            recipes::fleet_db().write_to_cache(&cache);
            let (secs, scanned) = match sides[i] {
                Side::Trivyscan(_) => trivyscan(&binary, dir.path(), &cache),
                Side::Bare(n) => testkit::bench::bare_trivy_loop(
                    &cache,
                    &dir.path().join("tmp"),
                    &refs,
                    n,
                    &testkit::bench::MEMORY_CACHE_LOOP,
                ),
            };
            assert_eq!(scanned, images, "{}: every image scanned", sides[i].label());
            println!(
                "round {}: {}: {secs:.2} s ({:.1} ms per image)",
                round + 1,
                sides[i].label(),
                secs * 1000.0 / images as f64
            );
            best[i] = best[i].min(secs);
            let _ = std::fs::remove_dir_all(&cache);
        }
    }
    for (side, secs) in sides.iter().zip(best) {
        println!(
            "best of {rounds}: {}: {secs:.2} s ({:.1} ms per image)",
            side.label(),
            secs * 1000.0 / images as f64
        );
    }
    let baseline = best[1].min(best[2]);
    println!(
        "trivyscan cold / best bare loop: {:.2}x ({images} images)",
        best[0] / baseline
    );
}

/// One cold `trivyscan run` (empty result cache, `cache` as Trivy's cache): (seconds, images
/// scanned).
fn trivyscan(binary: &Path, dir: &Path, cache: &Path) -> (f64, usize) {
    let start = Instant::now();
    let out = Command::new(binary)
        .current_dir(dir)
        .args(["-q", "run", "--format", "json", "--cache-dir"])
        .arg(cache)
        .output()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let report: PathBuf = dir.join(String::from_utf8_lossy(&out.stdout).trim());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap_or_default()).unwrap_or_else(|_| {
            panic!(
                "trivyscan wrote no report: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let scanned = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["cache"] == "scanned")
        .count();
    (secs, scanned)
}
