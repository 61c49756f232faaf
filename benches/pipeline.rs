//! normalize + group + emit at fleet scale (`cargo bench --bench pipeline`): 300 realistic Trivy
//! 0.76 image reports (~1 MB, ~400 vulnerabilities each) imported as `reports` targets by the
//! real binary, at severity UNKNOWN+, both report formats. Prints wall time and peak RSS.
//! Targets: under 0.5 s and under 150 MB. Numbers go to docs/performance.md.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const REPORTS: u64 = 300;
const VULNS: usize = 400;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // BENCH_DISTINCT_IDS=1: every vulnerability ID of the fleet distinct (120,000 of them).
    let distinct = std::env::var("BENCH_DISTINCT_IDS").is_ok_and(|v| v == "1");
    let corpus = root.join(if distinct {
        "target/bench-corpus-distinct"
    } else {
        "target/bench-corpus"
    });
    let template: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join("tests/fixtures/trivy-0.76-mixed.json")).unwrap(),
    )
    .unwrap();
    std::fs::create_dir_all(corpus.join("reports")).unwrap();
    let mut bytes = 0;
    for seed in 0..REPORTS {
        let path = corpus.join(format!("reports/app-{seed:03}.json"));
        if !path.exists() {
            std::fs::write(
                &path,
                testkit::corpus::report_with(&template, seed, VULNS, distinct),
            )
            .unwrap();
        }
        bytes += std::fs::metadata(&path).unwrap().len();
    }
    std::fs::write(
        corpus.join("scanner.toml"),
        "[default]\nseverity = \"unknown\"\n[default.intel]\nkev = false\nepss = false\n[default.report]\nformats = [\"json\", \"legacy-json\"]\noutput_dir = \"out\"\n[[default.targets]]\nname = \"corpus\"\nreports = [\"reports/*.json\"]\n",
    )
    .unwrap();
    println!("corpus: {REPORTS} reports, {:.0} MB", bytes as f64 / 1e6);
    let binary = root.join("target/release/trivyscan");
    assert!(binary.exists(), "build first: cargo build --release");
    let mut best = (f64::MAX, 0, 0.0);
    for _ in 0..5 {
        let _ = std::fs::remove_dir_all(corpus.join("out"));
        let start = Instant::now();
        let mut child = Command::new(&binary)
            .current_dir(&corpus)
            .args(["-q", "run"])
            .spawn()
            .unwrap();
        let (status, rss_kb, cpu) = wait_with_rusage(&mut child);
        let secs = start.elapsed().as_secs_f64();
        assert!(status == 0, "trivyscan exited with {status}");
        if secs < best.0 {
            best = (secs, rss_kb, cpu);
        }
    }
    // CPU time beside wall time: the reports are written durably (fsync), so on a slow disk
    // the wall time is the disk's, not the code's.
    println!(
        "normalize+group+emit, {REPORTS} reports at UNKNOWN+{}: best of 5 = {:.3} s wall ({:.2} s CPU), peak RSS {} MB",
        if distinct {
            ", every vulnerability ID distinct"
        } else {
            ""
        },
        best.0,
        best.2,
        best.1 / 1024
    );
}

fn wait_with_rusage(child: &mut std::process::Child) -> (i32, i64, f64) {
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by wait4 for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (
        libc::WEXITSTATUS(status),
        usage.ru_maxrss,
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
    )
}
