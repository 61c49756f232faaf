//! The harness against the real Trivy: each recipe image, pushed to a real registry, is found to
//! have exactly the advisories the test put in the DB; DBs download from the registry.

use testkit::db::{Advisory, Ecosystem, VulnDb};
use testkit::image::Image;
use testkit::recipes;
use testkit::tools::findings;
use testkit::{Registry, TrivyRun};

fn s(v: &str) -> String {
    v.to_string()
}

fn fleet_db() -> VulnDb {
    recipes::fleet_db()
        // An advisory for a version the images do not have: must not be reported.
        .with(Advisory::lang(
            Ecosystem::Npm,
            "CVE-2099-0999",
            "lodash",
            "<4.0.0",
            "4.0.0",
            "CRITICAL",
        ))
}

#[test]
fn debian_image_has_exactly_the_openssl_advisory() {
    let registry = Registry::start();
    let trivy = TrivyRun::with_db(&fleet_db());
    let image = Image::single(&recipes::debian_openssl());
    let reference = registry.push_image("fleet/debian", "12", &image);
    let report = trivy.scan_image(&reference, &[]);
    assert_eq!(
        findings(&report),
        [(s("debian"), s("CVE-2099-0001"), s("libssl3"), s("CRITICAL"))]
    );
    let vuln = &report["Results"][0]["Vulnerabilities"][0];
    assert_eq!(vuln["FixedVersion"], "3.0.99-1~deb12u1");
    assert_eq!(vuln["InstalledVersion"], "3.0.11-1~deb12u2");
    assert_eq!(vuln["Title"], "openssl: remote code execution in test");
    assert_eq!(vuln["CVSS"]["nvd"]["V3Score"], 9.8);
}

#[test]
fn alpine_and_language_packages_and_secrets() {
    let registry = Registry::start();
    let trivy = TrivyRun::with_db(&fleet_db());
    let rootfs = recipes::alpine(&[
        ("busybox", "busybox", "1.36.1-r15"),
        ("musl", "musl", "1.2.4-r2"),
    ])
    .with(recipes::npm_package("lodash", "4.17.20"))
    .with(recipes::python_package("requests", "2.30.0"))
    .with(recipes::ruby_gem("rack", "3.0.8"))
    .with(recipes::secrets());
    let reference = registry.push_image("fleet/alpine-mixed", "1", &Image::single(&rootfs));
    let report = trivy.scan_image(&reference, &[]);
    assert_eq!(
        findings(&report),
        [
            (s("alpine"), s("CVE-2099-0101"), s("busybox"), s("MEDIUM")),
            (s("gemspec"), s("CVE-2099-0004"), s("rack"), s("UNKNOWN")),
            (s("node-pkg"), s("CVE-2099-0002"), s("lodash"), s("HIGH")),
            (s("python-pkg"), s("CVE-2099-0003"), s("requests"), s("LOW")),
            (s("secret"), s("aws-access-key-id"), s("AWS"), s("CRITICAL")),
            (
                s("secret"),
                s("private-key"),
                s("AsymmetricPrivateKey"),
                s("HIGH")
            ),
        ]
    );
    // Image scans merge language packages into one result per language.
    let targets: Vec<&str> = report["Results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Target"].as_str().unwrap())
        .collect();
    assert!(
        targets.contains(&"Node.js") && targets.contains(&"Python"),
        "{targets:?}"
    );
}

#[test]
fn oci_layout_and_docker_archive_inputs() {
    let trivy = TrivyRun::with_db(&fleet_db());
    let image = Image::single(&recipes::debian_openssl());
    let dir = tempfile::tempdir().unwrap();
    image.write_oci_layout(&dir.path().join("layout"), "v1");
    image.write_docker_archive(&dir.path().join("image.tar"), "fleet/debian:12");
    for input in ["layout", "image.tar"] {
        let path = dir.path().join(input);
        let out = trivy.run(
            "image",
            &[
                "--skip-db-update",
                "--skip-java-db-update",
                "--format",
                "json",
                "--input",
                path.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{input}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(findings(&report).len(), 1, "{input}");
    }
}

#[test]
fn db_downloads_from_the_local_registry_into_an_empty_cache() {
    let registry = Registry::start();
    let db = fleet_db().updated_at("2025-06-01T00:00:00Z");
    let repo = registry.push_db(&db);
    let trivy = TrivyRun::empty();
    let out = trivy.run("image", &["--download-db-only", "--db-repository", &repo]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(trivy.cache_dir().join("db/metadata.json")).unwrap())
            .unwrap();
    assert_eq!(meta["UpdatedAt"], "2025-06-01T00:00:00Z");
    // The downloaded DB works.
    let reference = registry.push_image(
        "fleet/debian",
        "12",
        &Image::single(&recipes::debian_openssl()),
    );
    assert_eq!(findings(&trivy.scan_image(&reference, &[])).len(), 1);
    assert!(
        registry.log().contains("trivy-db"),
        "the registry served the DB"
    );
}

#[test]
fn registry_stops_when_dropped() {
    let registry = Registry::start();
    let url = format!("{}/v2/", registry.url());
    assert!(ureq::get(&url).call().is_ok());
    drop(registry);
    assert!(ureq::get(&url).call().is_err());
}

#[test]
fn jar_is_found_with_the_java_db() {
    let registry = Registry::start();
    let trivy = TrivyRun::with_db(&fleet_db());
    let jar = recipes::jar_bytes("org.example", "vuln-lib", "1.0.0");
    testkit::javadb::JavaDb::new()
        .with_jar("org.example", "vuln-lib", "1.0.0", &jar)
        .write_to_cache(&trivy.cache_dir());
    let reference = registry.push_image(
        "fleet/java",
        "1",
        &Image::single(&recipes::java_app("org.example", "vuln-lib", "1.0.0")),
    );
    let report = trivy.scan_image(&reference, &[]);
    assert_eq!(
        findings(&report),
        [(
            s("jar"),
            s("CVE-2099-0005"),
            s("org.example:vuln-lib"),
            s("HIGH")
        )]
    );
}

#[test]
fn java_db_downloads_from_the_local_registry() {
    let registry = Registry::start();
    let jar = recipes::jar_bytes("org.example", "vuln-lib", "1.0.0");
    let java_db = testkit::javadb::JavaDb::new().with_jar("org.example", "vuln-lib", "1.0.0", &jar);
    let repo = registry.push_artifact(
        "trivy-java-db",
        "1",
        testkit::registry::TRIVY_JAVA_DB_LAYER,
        "javadb.tar.gz",
        &java_db.to_tar_gz(),
    );
    let trivy = TrivyRun::empty();
    let out = trivy.run(
        "image",
        &["--download-java-db-only", "--java-db-repository", &repo],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(trivy.cache_dir().join("java-db/trivy-java.db").is_file());
    assert!(trivy.cache_dir().join("java-db/metadata.json").is_file());
}
