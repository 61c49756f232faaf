//! A Trivy vulnerability DB (schema v2) made from a typed list of advisories.
//!
//! Layout (all values JSON): `data-source/<bucket>` names each advisory bucket's source;
//! `<bucket>/<package>/<vuln id>` holds the advisory (OS: `FixedVersion`; languages: version
//! ranges); `vulnerability/<vuln id>` holds the details. Trivy takes the severity from
//! `VendorSeverity[<data-source ID>]`.

use std::fs;
use std::path::Path;

use bbolt_rs::{Bolt, BucketRwApi, DbRwAPI, TxRwRefApi};
use serde_json::{Value, json};

/// Where an advisory applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ecosystem {
    /// Debian release, e.g. "12"; packages are SOURCE package names.
    Debian(String),
    /// Alpine release, e.g. "3.19"; packages are origin package names.
    Alpine(String),
    Npm,
    Pip,
    Go,
    Maven,
    Cargo,
    RubyGems,
}

impl Ecosystem {
    /// The advisory bucket's name.
    fn bucket(&self) -> String {
        match self {
            Ecosystem::Debian(v) => format!("debian {v}"),
            Ecosystem::Alpine(v) => format!("alpine {v}"),
            Ecosystem::Npm => "npm::GitHub Security Advisory npm".into(),
            Ecosystem::Pip => "pip::GitHub Security Advisory pip".into(),
            Ecosystem::Go => "go::GitHub Security Advisory Go".into(),
            Ecosystem::Maven => "maven::GitHub Security Advisory Maven".into(),
            Ecosystem::Cargo => "cargo::GitHub Security Advisory Rust".into(),
            Ecosystem::RubyGems => "rubygems::GitHub Security Advisory RubyGems".into(),
        }
    }

    /// (data-source ID, name) as Trivy's data-source bucket records it.
    fn source(&self) -> (&'static str, String) {
        match self {
            Ecosystem::Debian(_) => ("debian", "Debian Security Tracker".into()),
            Ecosystem::Alpine(_) => ("alpine", "Alpine Secdb".into()),
            other => {
                let b = other.bucket();
                ("ghsa", b.split("::").nth(1).unwrap_or_default().to_string())
            }
        }
    }

    fn is_os(&self) -> bool {
        matches!(self, Ecosystem::Debian(_) | Ecosystem::Alpine(_))
    }
}

#[derive(Debug, Clone)]
pub struct Advisory {
    pub id: String,
    pub ecosystem: Ecosystem,
    pub package: String,
    /// OS: the fixed version (empty = no fix yet). Languages: the patched version.
    pub fixed: String,
    /// Languages: the vulnerable range, e.g. "<4.17.21".
    pub vulnerable: String,
    /// UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL.
    pub severity: String,
    pub title: String,
    pub description: String,
    pub cvss_score: Option<f64>,
}

impl Advisory {
    /// An OS advisory: `package` (source package) is fixed in `fixed`.
    pub fn os(
        ecosystem: Ecosystem,
        id: &str,
        package: &str,
        fixed: &str,
        severity: &str,
    ) -> Advisory {
        Advisory::new(ecosystem, id, package, fixed, "", severity)
    }

    /// A language advisory: versions in `vulnerable` are affected, `patched` fixes it.
    pub fn lang(
        ecosystem: Ecosystem,
        id: &str,
        package: &str,
        vulnerable: &str,
        patched: &str,
        severity: &str,
    ) -> Advisory {
        Advisory::new(ecosystem, id, package, patched, vulnerable, severity)
    }

    fn new(
        ecosystem: Ecosystem,
        id: &str,
        package: &str,
        fixed: &str,
        vulnerable: &str,
        severity: &str,
    ) -> Advisory {
        Advisory {
            id: id.into(),
            ecosystem,
            package: package.into(),
            fixed: fixed.into(),
            vulnerable: vulnerable.into(),
            severity: severity.into(),
            title: format!("{package}: test advisory {id}"),
            description: format!("A made-up vulnerability in {package} for trivyscan's tests."),
            cvss_score: None,
        }
    }

    pub fn title(mut self, title: &str) -> Advisory {
        self.title = title.into();
        self
    }

    pub fn description(mut self, d: &str) -> Advisory {
        self.description = d.into();
        self
    }

    pub fn cvss(mut self, score: f64) -> Advisory {
        self.cvss_score = Some(score);
        self
    }

    fn advisory_json(&self) -> Value {
        if self.ecosystem.is_os() {
            json!({ "FixedVersion": self.fixed })
        } else {
            json!({
                "VendorIDs": [format!("GHSA-test-{}", self.id.to_lowercase())],
                "PatchedVersions": if self.fixed.is_empty() { vec![] } else { vec![self.fixed.clone()] },
                "VulnerableVersions": [self.vulnerable.clone()],
            })
        }
    }

    fn severity_number(&self) -> u8 {
        match self.severity.as_str() {
            "LOW" => 1,
            "MEDIUM" => 2,
            "HIGH" => 3,
            "CRITICAL" => 4,
            _ => 0,
        }
    }

    fn vulnerability_json(&self) -> Value {
        let (source_id, _) = self.ecosystem.source();
        let mut v = json!({
            "Title": self.title,
            "Description": self.description,
            "Severity": self.severity,
            "VendorSeverity": { source_id: self.severity_number(), "nvd": self.severity_number() },
            "References": [format!("https://example.invalid/{}", self.id)],
            "PublishedDate": "2024-01-01T00:00:00Z",
            "LastModifiedDate": "2024-01-02T00:00:00Z",
        });
        if let Some(score) = self.cvss_score {
            v["CVSS"] = json!({ "nvd": { "V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": score } });
        }
        v
    }
}

/// A vulnerability DB under construction.
#[derive(Debug, Clone, Default)]
pub struct VulnDb {
    pub advisories: Vec<Advisory>,
    /// `UpdatedAt` in metadata.json (RFC 3339).
    pub updated_at: String,
    /// `NextUpdate`; far in the future so Trivy never tries to update.
    pub next_update: String,
}

impl VulnDb {
    pub fn new() -> VulnDb {
        VulnDb {
            advisories: Vec::new(),
            updated_at: "2024-01-01T00:00:00Z".into(),
            next_update: "2999-01-01T00:00:00Z".into(),
        }
    }

    pub fn with(mut self, advisory: Advisory) -> VulnDb {
        self.advisories.push(advisory);
        self
    }

    pub fn updated_at(mut self, at: &str) -> VulnDb {
        self.updated_at = at.into();
        self
    }

    pub fn next_update(mut self, at: &str) -> VulnDb {
        self.next_update = at.into();
        self
    }

    pub fn metadata_json(&self) -> String {
        json!({
            "Version": 2,
            "NextUpdate": self.next_update,
            "UpdatedAt": self.updated_at,
            "DownloadedAt": self.updated_at,
        })
        .to_string()
    }

    /// Writes `<cache_dir>/db/trivy.db` and `metadata.json`.
    pub fn write_to_cache(&self, cache_dir: &Path) {
        let dir = cache_dir.join("db");
        fs::create_dir_all(&dir).unwrap();
        self.write_files(&dir);
    }

    /// Writes `trivy.db` and `metadata.json` into `dir`.
    pub fn write_files(&self, dir: &Path) {
        let db_path = dir.join("trivy.db");
        let _ = fs::remove_file(&db_path);
        let mut db = Bolt::open(&db_path).expect("create trivy.db");
        db.update(|mut tx| {
            {
                let mut sources = tx.create_bucket_if_not_exists("data-source")?;
                for a in &self.advisories {
                    let (id, name) = a.ecosystem.source();
                    let v = json!({ "ID": id, "Name": name, "URL": "https://example.invalid/" });
                    sources.put(a.ecosystem.bucket(), v.to_string())?;
                }
            }
            for a in &self.advisories {
                let mut bucket = tx.create_bucket_if_not_exists(a.ecosystem.bucket())?;
                let mut pkg = bucket.create_bucket_if_not_exists(&a.package)?;
                pkg.put(&a.id, a.advisory_json().to_string())?;
            }
            let mut vulns = tx.create_bucket_if_not_exists("vulnerability")?;
            for a in &self.advisories {
                vulns.put(&a.id, a.vulnerability_json().to_string())?;
            }
            Ok(())
        })
        .expect("write trivy.db");
        drop(db);
        fs::write(dir.join("metadata.json"), self.metadata_json()).unwrap();
    }

    /// The DB as Trivy downloads it: a gzipped tar of `trivy.db` and `metadata.json`.
    pub fn to_tar_gz(&self) -> Vec<u8> {
        let tmp = tempfile::tempdir().unwrap();
        self.write_files(tmp.path());
        let mut files = Vec::new();
        for name in ["trivy.db", "metadata.json"] {
            files.push((name.to_string(), fs::read(tmp.path().join(name)).unwrap()));
        }
        crate::image::tar_gz(&files)
    }
}
