//! Parallel scans of images with big layers: Trivy locks its layer cache for a whole scan, so
//! naive parallel `trivy image` runs on one cache dir fail with big layers. trivyscan's local
//! `trivy server` (and the memory backend) make all of them succeed.

use crate::common::{Project, fleet_db, report_paths, text};
use testkit::image::Image;
use testkit::recipes;

fn big_fleet(p: &Project, n: u64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let image = Image::new(&[recipes::debian_openssl(), recipes::big_layer(42, i + 1)]);
            p.registry()
                .push_image("fleet/big", &format!("v{i}"), &image)
        })
        .collect()
}

fn run_fleet(backend: &str, images: u64) {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let refs = big_fleet(&p, images);
    let list = testkit::toml_strings(&refs);
    p.write_config(
        "[default.concurrency]\nremote = 4",
        &format!("[[default.targets]]\nname = \"big\"\nimages = [{list}]\n"),
    );
    let out = p
        .trivyscan()
        .args(["run", "--format", "json"])
        .env("TRIVYSCAN_TRIVY__BACKEND", backend)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{backend}: {stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(report["totals"]["scanned"], images, "{backend}: {stderr}");
    assert_eq!(report["totals"]["counts"]["CRITICAL"], images, "{backend}");
}

#[test]
fn eight_big_images_with_four_workers_through_the_local_server() {
    run_fleet("server", 8);
}

#[test]
fn big_images_with_four_workers_and_memory_caches() {
    run_fleet("memory", 4);
}
