//! What the benches compare trivyscan with: bare Trivy as a user would loop over the images.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// `trivy image` over `refs`, `parallel` at a time (as `xargs -P` would run it, the next
/// starting as one ends), on `cache` (the DB there, not updated), each report thrown away;
/// `extra` goes before the reference. Returns the seconds taken and how many scans succeeded.
pub fn bare_trivy_loop(
    cache: &Path,
    tmp: &Path,
    refs: &[String],
    parallel: usize,
    extra: &[&str],
) -> (f64, usize) {
    std::fs::create_dir_all(tmp).unwrap();
    let next = AtomicUsize::new(0);
    let ok = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            scope.spawn(|| {
                while let Some(r) = refs.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let status = Command::new(crate::trivy_bin())
                        .env("TMPDIR", tmp)
                        .args(["image", "--cache-dir"])
                        .arg(cache)
                        .args(["--skip-db-update", "--skip-java-db-update"])
                        .args(["--image-src", "remote", "--format", "json"])
                        .args(["--output", "/dev/null", "--quiet"])
                        .args(extra)
                        .arg(r)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    if status.success() {
                        ok.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    (start.elapsed().as_secs_f64(), ok.into_inner())
}

/// The flags of the loop trivyscan's cold scans are compared with: a memory cache per scan
/// (nothing shared, nothing locked) and trivyscan's default scanners.
pub const MEMORY_CACHE_LOOP: [&str; 6] = [
    "--cache-backend",
    "memory",
    "--skip-version-check",
    "--disable-telemetry",
    "--scanners",
    "vuln,secret",
];
