//! Scale-out against a shared trivy server (issue 33, item 3): `cargo build --release && cargo
//! bench --bench scale`. Needs the tools of scripts/setup-test-tools.sh. Numbers go to
//! docs/performance.md.
//!
//! `BENCH_SIZES` (default `100,300,1000`) distinct small images in the harness registry, each
//! one layer of its own (Debian with openssl, a Python package and a file naming the image). For each size, and for 1 shard and for 4 shards run at once (each
//! shard its own process and result cache, as CI jobs would be), against one `trivy server`
//! started by the bench (`trivy.server`, a token):
//!
//! - cold: the server's cache and the shards' result caches empty;
//! - warm: the same again (every result reused);
//! - after a DB update: the server restarted on a newer DB with one more advisory, its cache
//!   kept; every image is rescanned by replaying its Scan call on the server (no pull, no
//!   client), and the bench checks the advisory is found in every image.
//!
//! And, as the peer baseline for the cold scans, bare `trivy image --cache-backend memory` over
//! the same images, 2 at a time. Issue 33's goal: the DB-update rescan of 1,000 images in under
//! 30 s here, its cost per image not growing with the fleet.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use testkit::image::Image;
use testkit::trivy_server::TrivyServer;
use testkit::{Registry, recipes};

const TOKEN: &str = "bench-token";

fn binary() -> PathBuf {
    let b = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/trivyscan");
    assert!(b.exists(), "build first: cargo build --release");
    b
}

/// Runs `shards` trivyscan processes at once (`--shard K/N`), each in its own directory with
/// its own result cache; returns the wall time and every target's JSON entry.
fn run_shards(root: &Path, shards: usize) -> (f64, Vec<serde_json::Value>) {
    let start = Instant::now();
    let children: Vec<(PathBuf, Child)> = (1..=shards)
        .map(|k| {
            let dir = root.join(format!("shard-{k}"));
            let mut cmd = Command::new(binary());
            cmd.current_dir(&dir)
                .args(["-q", "run", "--format", "json"])
                .env("REMOTE_TOKEN", TOKEN)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            if shards > 1 {
                cmd.args(["--shard", &format!("{k}/{shards}")]);
            }
            (dir, cmd.spawn().unwrap())
        })
        .collect();
    let mut targets = Vec::new();
    let outputs: Vec<(PathBuf, std::process::Output)> = children
        .into_iter()
        .map(|(dir, child)| (dir, child.wait_with_output().unwrap()))
        .collect();
    let secs = start.elapsed().as_secs_f64();
    for (dir, out) in outputs {
        let path = dir.join(String::from_utf8_lossy(&out.stdout).trim());
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap_or_default())
                .unwrap_or_else(|_| panic!("no report: {}", String::from_utf8_lossy(&out.stderr)));
        targets.extend(report["targets"].as_array().unwrap().iter().cloned());
    }
    (secs, targets)
}

fn count(targets: &[serde_json::Value], cache: &str) -> usize {
    targets.iter().filter(|t| t["cache"] == cache).count()
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "100,300,1000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let largest = sizes
        .iter()
        .copied()
        .max()
        .expect("BENCH_SIZES names a size");
    let registry = Registry::start();
    let pushing = Instant::now();
    let refs: Vec<String> = (0..largest)
        .map(|i| {
            // With a package the newer DB's advisory is for (requests 2.30.0).
            let image = Image::single(
                &recipes::debian_openssl()
                    .with(recipes::python_package("requests", "2.30.0"))
                    .file("etc/image-id", format!("{i}")),
            );
            registry.push_image("scale/app", &format!("v{i}"), &image);
            format!("{}/scale/app@{}", registry.addr, image.manifest_digest())
        })
        .collect();
    println!(
        "{largest} distinct images pushed in {:.1} s",
        pushing.elapsed().as_secs_f64()
    );
    let per = |secs: f64, n: usize| secs * 1000.0 / n as f64;
    for &n in &sizes {
        let refs = &refs[..n];
        let root = tempfile::tempdir().unwrap();
        let db_cache = root.path().join("bare-cache");
        recipes::fleet_db().write_to_cache(&db_cache);
        let (bare_secs, ok) = testkit::bench::bare_trivy_loop(
            &db_cache,
            &root.path().join("tmp"),
            refs,
            2,
            &testkit::bench::MEMORY_CACHE_LOOP,
        );
        assert_eq!(ok, n, "bare trivy failed on some images");
        println!(
            "{n} images: bare `trivy image`, 2 at a time: {bare_secs:.1} s ({:.1} ms per image)",
            per(bare_secs, n)
        );
        for shards in [1, 4] {
            let server_cache = tempfile::tempdir().unwrap();
            recipes::fleet_db().write_to_cache(server_cache.path());
            let server = TrivyServer::start(server_cache.path(), TOKEN, None, &[]);
            // Each shard its own directory and result cache, pointed at the server.
            let write_configs = |url: &str| {
                for k in 1..=shards {
                    let dir = root.path().join(format!("shard-{k}"));
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(
                        dir.join("scanner.toml"),
                        format!(
                            "[default]\n[default.concurrency]\nremote = 2\n[default.intel]\nkev = false\nepss = false\n[default.trivy]\nbinary = {:?}\nserver = {url:?}\nserver_token_env = \"REMOTE_TOKEN\"\njava_db_repositories = []\n[[default.targets]]\nname = \"scale\"\nimages = [{}]\n",
                            testkit::trivy_bin().display().to_string(),
                            testkit::toml_strings(refs)
                        ),
                    )
                    .unwrap();
                }
            };
            for k in 1..=4 {
                let _ = std::fs::remove_dir_all(root.path().join(format!("shard-{k}")));
            }
            write_configs(&server.url);
            let (cold, targets) = run_shards(root.path(), shards);
            assert_eq!(count(&targets, "scanned"), n, "cold: every image scanned");
            let (warm, targets) = run_shards(root.path(), shards);
            assert_eq!(count(&targets, "reused"), n, "warm: every result reused");
            // Overnight: the server restarted on a newer DB, its cache (the layers) kept.
            drop(server);
            std::fs::remove_dir_all(server_cache.path().join("db")).unwrap();
            recipes::newer_fleet_db().write_to_cache(server_cache.path());
            let server = TrivyServer::start(server_cache.path(), TOKEN, None, &[]);
            write_configs(&server.url);
            let blobs_before = registry.log().matches("/blobs/").count();
            let (rescan, targets) = run_shards(root.path(), shards);
            let pulled = registry.log().matches("/blobs/").count() - blobs_before;
            assert_eq!(
                count(&targets, "rescanned_on_server"),
                n,
                "after a DB update: every image replayed on the server"
            );
            let found = targets
                .iter()
                .filter(|t| t.to_string().contains("CVE-2099-0777"))
                .count();
            drop(server);
            println!(
                "{n} images, {shards} shard(s) at once: cold {cold:.1} s ({:.1} ms per image, {:.2}x bare), warm {warm:.2} s, after a DB update {rescan:.2} s ({:.2} ms per image, new advisory in {found}/{n}, {pulled} blob requests)",
                per(cold, n),
                cold / bare_secs,
                per(rescan, n),
            );
        }
    }
}
