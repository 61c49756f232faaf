//! Ready-made root file systems that Trivy recognises, and the advisories that match them.

use crate::db::{Advisory, Ecosystem, VulnDb};
use crate::image::Rootfs;

/// A fake AWS access key ID (Trivy rule `aws-access-key-id`, CRITICAL).
pub const AWS_ACCESS_KEY_ID: &str = "AKIA2E0A8F3B244C9986";

/// Debian 12 with dpkg packages: (`package`, built from source `source`, at `version`).
pub fn debian(packages: &[(&str, &str, &str)]) -> Rootfs {
    debian_release("12", "bookworm", "12.5", packages)
}

/// Debian `version` (`codename`, `/etc/debian_version` holding `point`) with dpkg packages.
pub fn debian_release(
    version: &str,
    codename: &str,
    point: &str,
    packages: &[(&str, &str, &str)],
) -> Rootfs {
    let mut status = String::new();
    for (package, source, version) in packages {
        status.push_str(&format!(
            "Package: {package}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 100\nMaintainer: Test <test@example.invalid>\nArchitecture: amd64\nSource: {source}\nVersion: {version}\nDescription: test package\n\n"
        ));
    }
    Rootfs::new()
        .file("etc/debian_version", format!("{point}\n"))
        .file(
            "etc/os-release",
            format!(
                "PRETTY_NAME=\"Debian GNU/Linux {version} ({codename})\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"{version}\"\nVERSION=\"{version} ({codename})\"\nID=debian\n"
            ),
        )
        .file("var/lib/dpkg/status", status)
}

/// Debian 12 with openssl 3.0.11-1~deb12u2 (source openssl).
pub fn debian_openssl() -> Rootfs {
    debian(&[("libssl3", "openssl", "3.0.11-1~deb12u2")])
}

/// Alpine 3.19 with apk packages (name, origin, version).
pub fn alpine(packages: &[(&str, &str, &str)]) -> Rootfs {
    let mut db = String::new();
    for (name, origin, version) in packages {
        db.push_str(&format!(
            "C:Q1dGVzdGNoZWNrc3VtMDAwMDAwMDA=\nP:{name}\nV:{version}\nA:x86_64\nS:1000\nI:2000\nT:test package\nU:https://example.invalid\nL:MIT\no:{origin}\nm:Test <test@example.invalid>\nt:1700000000\nc:0000000000000000000000000000000000000000\n\n"
        ));
    }
    Rootfs::new()
        .file("etc/alpine-release", "3.19.1\n")
        .file(
            "etc/os-release",
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n",
        )
        .file("lib/apk/db/installed", db)
}

/// A global npm package in node_modules.
pub fn npm_package(name: &str, version: &str) -> Rootfs {
    Rootfs::new().file(
        &format!("usr/lib/node_modules/{name}/package.json"),
        format!("{{\"name\":\"{name}\",\"version\":\"{version}\",\"license\":\"MIT\"}}"),
    )
}

/// A Python package installed in site-packages (dist-info METADATA).
pub fn python_package(name: &str, version: &str) -> Rootfs {
    Rootfs::new().file(
        &format!("usr/lib/python3/dist-packages/{name}-{version}.dist-info/METADATA"),
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: MIT\n"),
    )
}

/// A Ruby gem's specification.
pub fn ruby_gem(name: &str, version: &str) -> Rootfs {
    Rootfs::new().file(
        &format!("usr/lib/ruby/gems/3.1.0/specifications/{name}-{version}.gemspec"),
        format!(
            "# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = \"{name}\".freeze\n  s.version = \"{version}\"\n  s.licenses = [\"MIT\".freeze]\nend\n"
        ),
    )
}

/// A jar built by Maven: `META-INF/maven/<group>/<artifact>/pom.properties` inside a zip.
pub fn jar_bytes(group: &str, artifact: &str, version: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    zip.start_file("META-INF/MANIFEST.MF", options).unwrap();
    zip.write_all(b"Manifest-Version: 1.0\r\nCreated-By: testkit\r\n\r\n")
        .unwrap();
    zip.start_file(
        format!("META-INF/maven/{group}/{artifact}/pom.properties"),
        options,
    )
    .unwrap();
    write!(
        zip,
        "groupId={group}\nartifactId={artifact}\nversion={version}\n"
    )
    .unwrap();
    zip.start_file(format!("{}/Main.class", group.replace('.', "/")), options)
        .unwrap();
    zip.write_all(&[0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52])
        .unwrap();
    zip.finish().unwrap().into_inner()
}

/// An application with one jar in `app/lib`.
pub fn java_app(group: &str, artifact: &str, version: &str) -> Rootfs {
    Rootfs::new().file(
        &format!("app/lib/{artifact}-{version}.jar"),
        jar_bytes(group, artifact, version),
    )
}

/// A file with an AWS access key and one with a private key.
pub fn secrets() -> Rootfs {
    Rootfs::new()
        .file(
            "app/config/deploy.env",
            format!("REGION=eu-west-1\nAWS_ACCESS_KEY_ID={AWS_ACCESS_KEY_ID}\n"),
        )
        .file(
            "app/keys/id_rsa",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAtestkeytestkeytestkeytestkeytestkeytestkeytestkey\nqwertyuiopasdfghjklzxcvbnm0123456789qwertyuiopasdfghjklzxcv\n-----END RSA PRIVATE KEY-----\n",
        )
}

/// One layer of `megabytes` incompressible bytes (for concurrency tests), deterministic.
pub fn big_layer(megabytes: usize, seed: u64) -> Rootfs {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut data = Vec::with_capacity(megabytes << 20);
    while data.len() < megabytes << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.extend_from_slice(&x.to_le_bytes());
    }
    Rootfs::new().file("opt/blob/data.bin", data)
}

/// The advisories matching the recipes above, one per ecosystem, with distinct severities.
pub fn fleet_advisories() -> Vec<Advisory> {
    vec![
        Advisory::os(
            Ecosystem::Debian("12".into()),
            "CVE-2099-0001",
            "openssl",
            "3.0.99-1~deb12u1",
            "CRITICAL",
        )
        .title("openssl: remote code execution in test")
        .cvss(9.8),
        Advisory::os(
            Ecosystem::Alpine("3.19".into()),
            "CVE-2099-0101",
            "busybox",
            "1.36.1-r99",
            "MEDIUM",
        ),
        Advisory::lang(
            Ecosystem::Npm,
            "CVE-2099-0002",
            "lodash",
            "<4.17.21",
            "4.17.21",
            "HIGH",
        ),
        Advisory::lang(
            Ecosystem::Pip,
            "CVE-2099-0003",
            "requests",
            "<2.31.0",
            "2.31.0",
            "LOW",
        ),
        Advisory::lang(
            Ecosystem::RubyGems,
            "CVE-2099-0004",
            "rack",
            "<3.0.9",
            "3.0.9",
            "UNKNOWN",
        ),
        Advisory::lang(
            Ecosystem::Maven,
            "CVE-2099-0005",
            "org.example:vuln-lib",
            "<1.0.1",
            "1.0.1",
            "HIGH",
        ),
    ]
}

/// The DB with every recipe's advisory.
pub fn fleet_db() -> VulnDb {
    fleet_advisories()
        .into_iter()
        .fold(VulnDb::new(), VulnDb::with)
}

/// A later [`fleet_db`]: one more advisory, for requests 2.30.0 (HIGH, CVE-2099-0777), which
/// the cache tests and benches use to see a DB update change a stored result.
pub fn newer_fleet_db() -> VulnDb {
    fleet_db()
        .with(Advisory::lang(
            Ecosystem::Pip,
            "CVE-2099-0777",
            "requests",
            "<2.32.0",
            "2.32.0",
            "HIGH",
        ))
        .updated_at("2030-01-01T00:00:00Z")
}
