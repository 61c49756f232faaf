//! Image archives as targets: docker-archive tarballs, OCI layout directories, OCI layout tars,
//! globs of them, and the diagnostics for paths that are not archives.

use std::fs;

use crate::common::{Project, findings_of, fleet_db, report_paths, text};
use testkit::image::Image;
use testkit::{Rootfs, recipes};

fn oci_tar(layout: &std::path::Path) -> Vec<u8> {
    let mut fs_ = Rootfs::new();
    for entry in walkdir::WalkDir::new(layout)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry
            .path()
            .strip_prefix(layout)
            .unwrap()
            .to_string_lossy()
            .to_string();
        fs_ = fs_.file(&rel, fs::read(entry.path()).unwrap());
    }
    fs_.to_tar()
}

#[test]
fn docker_archive_oci_layout_oci_tar_and_a_glob() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let image = Image::single(&recipes::debian_openssl());
    let dir = p.path().join("archives");
    fs::create_dir_all(&dir).unwrap();
    image.write_docker_archive(&dir.join("saved.tar"), "fleet/debian:12");
    image.write_oci_layout(&p.path().join("layout"), "v1");
    fs::write(
        dir.join("packed-oci.tar"),
        oci_tar(&p.path().join("layout")),
    )
    .unwrap();
    p.write_config(
        "",
        "[[default.targets]]\nname = \"archives\"\narchives = [\"archives/*.tar\", \"layout\"]\n",
    );
    let out = p.trivyscan().arg("run").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let targets = report["targets"].as_array().unwrap();
    let names: Vec<&str> = targets
        .iter()
        .map(|t| t["target"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["packed-oci.tar", "saved.tar", "layout"]);
    for t in targets {
        assert_eq!(t["kind"], "archive");
        assert_eq!(t["scan_type"], "archive");
        assert_eq!(findings_of(t).len(), 1, "{t}");
    }
    // Identity: the manifest digest of an OCI layout, the image ID of a docker-archive.
    assert_eq!(targets[0]["digest"], image.manifest_digest());
    assert_eq!(targets[1]["digest"], image.config_digest());
    assert_eq!(targets[2]["digest"], image.manifest_digest());
    // The unpacked OCI tar is cleaned up with the run's scratch dir.
    assert!(!stderr.contains("archive-"), "{stderr}");
}

#[test]
fn paths_that_are_not_archives_are_diagnostics_and_error_entries() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    fs::write(p.path().join("notes.txt"), "not a tar\n").unwrap();
    let layout_without_index =
        Rootfs::new().file("oci-layout", r#"{"imageLayoutVersion":"1.0.0"}"#);
    fs::write(p.path().join("no-index.tar"), layout_without_index.to_tar()).unwrap();
    let good = Image::single(&recipes::debian_openssl());
    good.write_docker_archive(&p.path().join("good.tar"), "fleet/debian:12");
    p.write_config(
        "",
        "[[default.targets]]\nname = \"a\"\narchives = [\"missing.tar\", \"notes.txt\", \"no-index.tar\", \"good.tar\"]\n",
    );
    let out = p.trivyscan().args(["config", "check"]).output().unwrap();
    let stderr = text(&out.stderr).replace("\n  │ ", " ");
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("missing.tar is not an image archive: it does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("notes.txt is not an image archive: not a tar archive"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("no-index.tar is not an image archive: an OCI layout tar without index.json"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("trivyscan::resolve::archive").count(),
        3,
        "{stderr}"
    );

    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = p.read_json(&report_paths(&out)[0]);
    let kinds = crate::common::statuses(&report);
    assert_eq!(
        kinds,
        ["invalid_target", "invalid_target", "invalid_target", "ok"]
    );
}

/// Hardening item 4: an archive's claimed identity (the config its manifest.json names) is not
/// what the result cache trusts. An archive claiming another's image ID gets its own scan, not
/// the other's stored result.
#[test]
fn an_archive_claiming_anothers_digest_gets_its_own_scan() {
    let p = Project::new();
    p.seed_db(&fleet_db());
    let vulnerable = Image::single(&recipes::debian_openssl());
    let clean = Image::single(&Rootfs::new().file("srv/hello.txt", "hello"));
    vulnerable.write_docker_archive(&p.path().join("a.tar"), "fleet/a:1");
    // b.tar: the clean image, its config stored under the vulnerable image's ID.
    clean.write_docker_archive(&p.path().join("clean.tar"), "fleet/b:1");
    let claimed = vulnerable.config_digest();
    let claimed_name = format!("{}.json", claimed.trim_start_matches("sha256:"));
    let real_name = format!(
        "{}.json",
        clean.config_digest().trim_start_matches("sha256:")
    );
    let mut lying = Rootfs::new();
    let mut archive = tar::Archive::new(fs::File::open(p.path().join("clean.tar")).unwrap());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut body).unwrap();
        if name == real_name {
            lying = lying.file(&claimed_name, body);
        } else if name == "manifest.json" {
            let text = String::from_utf8(body)
                .unwrap()
                .replace(&real_name, &claimed_name);
            lying = lying.file(&name, text);
        } else if entry.header().entry_type().is_file() {
            lying = lying.file(&name, body);
        }
    }
    fs::write(p.path().join("b.tar"), lying.to_tar()).unwrap();
    let scan = |archive: &str| {
        p.write_config(
            "[default.report]\noutput_dir = \"out\"",
            &format!("[[default.targets]]\nname = \"a\"\narchives = [{archive:?}]\n"),
        );
        let (report, _) = p.run_report(&["run"], 0);
        report["targets"][0].clone()
    };
    let a = scan("a.tar");
    assert_eq!(a["digest"], claimed);
    assert_eq!(findings_of(&a).len(), 1, "{a}");
    let b = scan("b.tar");
    assert_eq!(b["digest"], claimed, "it claims the same image ID");
    assert_eq!(b["cache"], "scanned", "{b}");
    assert_eq!(
        findings_of(&b).len(),
        0,
        "the other archive's stored result: {b}"
    );
    // Its own content is cached under its own key: the next run reuses it.
    let b_again = scan("b.tar");
    assert_eq!(b_again["cache"], "reused", "{b_again}");
}
