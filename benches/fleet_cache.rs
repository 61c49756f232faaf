//! Fleet-scale rescans (`cargo build --release && cargo bench --bench fleet_cache`; needs the
//! tools of scripts/setup-test-tools.sh). Numbers go to docs/performance.md.
//!
//! 1. 50 digest-pinned images (an Alpine base with npm/Python packages and secrets, plus a
//!    16 MB layer of its own each; `BENCH_LAYER_MB` changes the size): a cold run (scanned and stored), then a warm run with the same
//!    DB (target: at least 50x faster, no registry traffic, no Trivy process), then a run after a
//!    DB update that adds one advisory: each image's Scan call replayed on the local trivy
//!    server, whose cache holds the layers (target: at least 20x faster than cold, the advisory
//!    in every image, no registry traffic).
//! 2. Overhead per target over a bare `trivy image`, 20 small images one at a time (target:
//!    under 30 ms).
//! 3. 2,000 targets (tags of small images) in one run: trivyscan's own peak RSS (target: under
//!    200 MB).
//! 4. Only with `BENCH_ONLY=fleet10k` (it takes minutes): a 10,000-target fleet, 100 distinct small images,
//!    each pushed into 100 repositories and pinned by digest there (10,000 references, 100
//!    digests: the result cache keys by digest). Cold, then after a DB update (target: under
//!    5 minutes on 2 cores, trivyscan's RSS under 200 MB), with the cost per target.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use testkit::image::Image;
use testkit::recipes::{fleet_db, newer_fleet_db};
use testkit::{Registry, recipes};

fn mixed() -> testkit::Rootfs {
    recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
        .with(recipes::npm_package("lodash", "4.17.20"))
        .with(recipes::python_package("requests", "2.30.0"))
        .with(recipes::secrets())
}

fn config(dir: &Path, refs: &[String], extra: &str) {
    let list = refs
        .iter()
        .map(|r| format!("\"{r}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    std::fs::write(
        dir.join("scanner.toml"),
        format!(
            "[default]\nseverity = \"low\"\n{extra}\n[default.intel]\nkev = false\nepss = false\n[default.trivy]\nbinary = {:?}\njava_db_repositories = []\n[default.report]\noutput_dir = \"out\"\n[[default.targets]]\nname = \"fleet\"\nimages = [\n{list}\n]\n",
            testkit::trivy_bin().display().to_string()
        ),
    )
    .unwrap();
}

fn binary() -> std::path::PathBuf {
    let b = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/trivyscan");
    assert!(b.exists(), "build first: cargo build --release");
    b
}

/// Runs trivyscan in `dir`; returns wall time, its own peak RSS (kB) and the report.
fn run(dir: &Path, args: &[&str]) -> (Duration, u64, serde_json::Value) {
    let start = Instant::now();
    let mut child = Command::new(binary())
        .current_dir(dir)
        .args(["-q"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    assert!(
        matches!(status.code(), Some(0..=2)),
        "trivyscan failed: {status}"
    );
    let mut out = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(out.lines().next().unwrap())).unwrap())
            .unwrap();
    (elapsed, peak, report)
}

fn count(report: &serde_json::Value, cache: &str) -> usize {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["cache"] == cache)
        .count()
}

/// Replaces the DB in `dir`'s cache with the newer one (one more advisory, for requests).
fn update_db(dir: &Path) {
    std::fs::remove_dir_all(dir.join(".trivy_cache/db")).unwrap();
    newer_fleet_db().write_to_cache(&dir.join(".trivy_cache"));
}

/// Targets whose findings include the newer DB's advisory.
fn with_new_advisory(report: &serde_json::Value) -> usize {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t.to_string().contains("CVE-2099-0777"))
        .count()
}

fn main() {
    let registry = Registry::start();
    if std::env::var("BENCH_ONLY").is_ok_and(|v| v == "fleet10k") {
        fleet_10k(&registry);
        return;
    }

    // 1. Cold, warm, after a DB update.
    let dir = tempfile::tempdir().unwrap();
    fleet_db().write_to_cache(&dir.path().join(".trivy_cache"));
    let layer_mb: usize = std::env::var("BENCH_LAYER_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let refs: Vec<String> = (0..50)
        .map(|i| {
            let image = Image::new(&[mixed(), recipes::big_layer(layer_mb, 1000 + i)]);
            registry.push_image("bench/app", &format!("v{i}"), &image);
            format!("{}/bench/app@{}", registry.addr, image.manifest_digest())
        })
        .collect();
    config(dir.path(), &refs, "");
    let (cold, _, report) = run(dir.path(), &["run"]);
    assert_eq!(count(&report, "scanned"), 50);
    let requests = registry.log().matches("/v2/bench/app/").count();
    let (warm, _, report) = run(dir.path(), &["run"]);
    assert_eq!(count(&report, "reused"), 50);
    let registry_traffic = registry.log().matches("/v2/bench/app/").count() - requests;
    update_db(dir.path());
    let before_rescan = registry.log().matches("/v2/bench/app/").count();
    let (sbom, _, report) = run(dir.path(), &["run"]);
    assert_eq!(count(&report, "rescanned_on_server"), 50);
    let rescan_traffic = registry.log().matches("/v2/bench/app/").count() - before_rescan;
    let found = with_new_advisory(&report);
    println!(
        "50 pinned images ({layer_mb} MB layer each): cold {:.2} s, warm {:.2} s ({:.1}x, {registry_traffic} registry requests), after a DB update {:.2} s ({:.1}x, new advisory in {found}/50, {rescan_traffic} registry requests)",
        cold.as_secs_f64(),
        warm.as_secs_f64(),
        cold.as_secs_f64() / warm.as_secs_f64(),
        sbom.as_secs_f64(),
        cold.as_secs_f64() / sbom.as_secs_f64()
    );
    // BENCH_ONLY=rescans: this part alone (the others take minutes).
    if std::env::var("BENCH_ONLY").is_ok_and(|v| v == "rescans") {
        return;
    }

    // 2. Overhead per target: bare `trivy image`, one after another, vs trivyscan with one
    // standalone worker and no result cache, on the same 20 small images.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(".trivy_cache");
    fleet_db().write_to_cache(&cache);
    let small: Vec<String> = (0..20)
        .map(|i| {
            registry.push_image(
                "bench/small",
                &format!("v{i}"),
                &Image::single(&recipes::debian_openssl().file("id", format!("{i}"))),
            )
        })
        .collect();
    let bare = Instant::now();
    for r in &small {
        let out = Command::new(testkit::trivy_bin())
            .args(["image", "--cache-dir"])
            .arg(&cache)
            .args([
                "--skip-db-update",
                "--skip-java-db-update",
                "--quiet",
                "--skip-version-check",
                "--disable-telemetry",
                "--format",
                "json",
                "--scanners",
                "vuln,secret",
                "--image-src",
                "remote",
                "--output",
                "/dev/null",
                r,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let bare = bare.elapsed();
    config(dir.path(), &small, "");
    let (ours, _, report) = run(dir.path(), &["run", "--no-cache", "--jobs-remote", "1"]);
    assert_eq!(report["totals"]["scanned"], 20);
    let overhead_ms = (ours.as_secs_f64() - bare.as_secs_f64()) * 1000.0 / 20.0;
    println!(
        "20 small images one at a time: bare trivy {:.2} s, trivyscan {:.2} s: {overhead_ms:.1} ms per target",
        bare.as_secs_f64(),
        ours.as_secs_f64()
    );

    // 3. 2,000 targets.
    let dir = tempfile::tempdir().unwrap();
    fleet_db().write_to_cache(&dir.path().join(".trivy_cache"));
    let tiny = Image::single(&recipes::debian_openssl());
    let many: Vec<String> = (0..2000)
        .map(|i| registry.push_image("bench/many", &format!("t{i}"), &tiny))
        .collect();
    config(dir.path(), &many, "[default.concurrency]\nremote = 2");
    let (time, peak, report) = run(dir.path(), &["run"]);
    assert_eq!(report["totals"]["scanned"], 2000);
    println!(
        "2,000 targets: {:.1} s, trivyscan peak RSS {} MB",
        time.as_secs_f64(),
        peak / 1024
    );
}

/// Part 4: 10,000 references to 100 distinct images (each pushed into 100 repositories),
/// pinned by digest; cold, then after a DB update.
fn fleet_10k(registry: &Registry) {
    let dir = tempfile::tempdir().unwrap();
    fleet_db().write_to_cache(&dir.path().join(".trivy_cache"));
    let images: Vec<Image> = (0..100)
        .map(|i| Image::single(&mixed().file("srv/id", format!("{i}"))))
        .collect();
    let pushing = Instant::now();
    let mut refs = Vec::new();
    // Repository-major: the first 100 targets are the distinct images, scanned first.
    for repo in 0..100 {
        for image in &images {
            registry.push_image(&format!("fleet10k/r{repo}"), "1", image);
            refs.push(format!(
                "{}/fleet10k/r{repo}@{}",
                registry.addr,
                image.manifest_digest()
            ));
        }
    }
    println!(
        "10,000 targets: pushed in {:.0} s",
        pushing.elapsed().as_secs_f64()
    );
    config(dir.path(), &refs, "");
    let (cold, cold_rss, report) = run(dir.path(), &["run"]);
    assert_eq!(report["totals"]["targets"], 10_000);
    update_db(dir.path());
    let pulls = registry.log().matches("/blobs/").count();
    let (rescan, rss, report) = run(dir.path(), &["run"]);
    let pulled = registry.log().matches("/blobs/").count() - pulls;
    let found = with_new_advisory(&report);
    println!(
        "10,000 targets (100 distinct images): cold {:.1} s ({:.1} ms per target, RSS {} MB); after a DB update {:.1} s ({:.1} ms per target, RSS {} MB, {} on server, {} reused, new advisory in {found}, {pulled} blob requests)",
        cold.as_secs_f64(),
        cold.as_secs_f64() * 1000.0 / 10_000.0,
        cold_rss / 1024,
        rescan.as_secs_f64(),
        rescan.as_secs_f64() * 1000.0 / 10_000.0,
        rss / 1024,
        count(&report, "rescanned_on_server"),
        count(&report, "reused"),
    );
}
