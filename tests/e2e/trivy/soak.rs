//! Soak: 500 targets from the harness registry in one run, with the real Trivy through the
//! local server. The run completes, memory stays bounded and file descriptors do not grow.

use std::fs;

use crate::common::{Project, Streams};
use testkit::image::Image;
use testkit::recipes;

const TARGETS: usize = 500;

/// A line of trivyscan's own `/proc/PID/status` in kB: `VmHWM` (peak resident memory so far)
/// or `VmRSS` (now). (wait4's ru_maxrss would be the largest of trivyscan and the Trivy
/// processes it waited for.)
fn status_kb(pid: u32, key: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn open_fds(pid: u32) -> Option<usize> {
    fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()
        .map(|d| d.count())
}

#[test]
fn five_hundred_targets_with_bounded_memory_and_no_fd_growth() {
    let p = Project::new();
    p.seed_db(&crate::common::fleet_db());
    let image = Image::single(&recipes::debian_openssl());
    let refs: Vec<String> = (0..TARGETS)
        .map(|i| {
            p.registry()
                .push_image("soak/app", &format!("t{i}"), &image)
        })
        .collect();
    p.write_images_config(
        "severity = \"low\"\n[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"legacy-json\"]\n[default.concurrency]\nremote = 2",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let mut child = p.spawn(&["run"]);
    let pid = child.id();
    let streams = Streams::of(&mut child);
    // Descriptors and memory, sampled at each finished target (its progress line), so the
    // early and late samples are the same stages of the run on any machine.
    let mut early = Vec::new();
    let mut late = Vec::new();
    let (mut early_rss, mut late_rss) = (Vec::new(), Vec::new());
    let mut peak_kb = 0;
    let progress = regex::Regex::new(&format!(r"^\[(\d+)/{TARGETS}\]")).unwrap();
    while let Some(line) = streams.next_stderr_line() {
        let Some(done) = progress.captures(&line) else {
            continue;
        };
        let done: usize = done[1].parse().unwrap();
        let fds = open_fds(pid);
        peak_kb = peak_kb.max(status_kb(pid, "VmHWM:").unwrap_or(0));
        let rss = status_kb(pid, "VmRSS:");
        match (done, fds) {
            (50..=150, Some(n)) => early.push(n),
            (350..=450, Some(n)) => late.push(n),
            _ => {}
        }
        match (done, rss) {
            (50..=150, Some(kb)) => early_rss.push(kb),
            (350..=450, Some(kb)) => late_rss.push(kb),
            _ => {}
        }
    }
    let status = child.wait().unwrap().code().unwrap_or(-1);
    let (stdout, stderr) = streams.finish();
    assert_eq!(status, 0, "{stderr}");
    let report = p.read_json(stdout.lines().next().unwrap());
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), TARGETS);
    assert!(targets.iter().all(|t| t["status"] == "ok"));
    assert_eq!(report["totals"]["counts"]["CRITICAL"], TARGETS);
    // Bounded memory: results stream to the report files; nothing grows with the fleet.
    assert!(
        peak_kb > 0 && peak_kb < 100 * 1024,
        "peak RSS {} MB",
        peak_kb / 1024
    );
    // No descriptor leak: late in the run no more are open than early on. (Each window has
    // a sample per target, unless the run ended before the test read its line.)
    assert!(!early.is_empty() && !late.is_empty(), "{early:?} {late:?}");
    let early_max = early.iter().max().unwrap();
    let late_max = late.iter().max().unwrap();
    eprintln!(
        "soak: {TARGETS} targets, trivyscan peak RSS {} MB, descriptors {early_max} early / {late_max} late",
        peak_kb / 1024
    );
    assert!(
        late_max <= &(early_max + 4),
        "descriptors grew from {early_max} to {late_max}: {early:?} {late:?}"
    );
    // Nor does memory grow with the targets done: late in the run trivyscan holds no more
    // than early on, but for allocator slack (a leak of a result per target would be tens of
    // megabytes by then).
    assert!(!early_rss.is_empty() && !late_rss.is_empty());
    let (early_rss, late_rss) = (
        early_rss.iter().max().unwrap(),
        late_rss.iter().max().unwrap(),
    );
    assert!(
        *late_rss <= early_rss + 16 * 1024,
        "resident memory grew from {} MB to {} MB",
        early_rss / 1024,
        late_rss / 1024
    );
}
