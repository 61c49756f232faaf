//! Soak: 500 targets from the harness registry in one run, with the real Trivy through the
//! local server. The run completes, memory stays bounded and file descriptors do not grow.

mod common;

use std::fs;
use std::time::Duration;

use common::Project;
use testkit::image::Image;
use testkit::recipes;

const TARGETS: usize = 500;

/// trivyscan's own peak resident memory so far (`VmHWM`), in kB. (wait4's ru_maxrss would be
/// the largest of trivyscan and the Trivy processes it waited for.)
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
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
    p.seed_db(&common::fleet_db());
    let image = Image::single(&recipes::debian_openssl());
    let refs: Vec<String> = (0..TARGETS)
        .map(|i| p.registry.push_image("soak/app", &format!("t{i}"), &image))
        .collect();
    p.write_images_config(
        "severity = \"low\"\n[default.report]\noutput_dir = \"out\"\nformats = [\"json\", \"legacy-json\"]\n[default.concurrency]\nremote = 2",
        &refs.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let mut child = p
        .std_command()
        .args(["-q", "run"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // File descriptors, sampled while the run goes.
    let mut samples = Vec::new();
    let mut peak_kb = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code().unwrap_or(-1);
        }
        if let Some(n) = open_fds(pid) {
            samples.push(n);
        }
        peak_kb = peak_kb.max(peak_rss_kb(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
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
    // No descriptor leak: the last tenth of the run holds no more than the first tenth.
    assert!(samples.len() > 20, "{} samples", samples.len());
    let tenth = samples.len() / 10;
    let early = samples[..tenth].iter().max().unwrap();
    let late = samples[samples.len() - tenth..].iter().max().unwrap();
    eprintln!(
        "soak: {TARGETS} targets, trivyscan peak RSS {} MB, descriptors {early} early / {late} late",
        peak_kb / 1024
    );
    assert!(
        late <= &(early + 4),
        "descriptors grew from {early} to {late}: {samples:?}"
    );
}
