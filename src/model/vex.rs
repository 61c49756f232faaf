//! VEX statements as trivyscan applies them, whatever document they came from (OpenVEX,
//! CycloneDX VEX, CSAF VEX): a vulnerability, the products it speaks of (an image by its
//! `pkg:oci` purl, a package by its purl, or a package within an image), a status and why.

use std::str::FromStr;

use packageurl::PackageUrl;
use serde::{Deserialize, Serialize};

use crate::source::Origin;

/// OpenVEX's four statuses; CycloneDX's and CSAF's map onto them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    NotAffected,
    Fixed,
    Affected,
    UnderInvestigation,
}

impl VexStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Fixed => "fixed",
            VexStatus::Affected => "affected",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }

    /// `not_affected` and `fixed` take a finding out of the report; the others keep it.
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// OpenVEX's five justifications for `not_affected`.
pub const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VexFormat {
    OpenVex,
    CycloneDx,
    Csaf,
}

impl VexFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            VexFormat::OpenVex => "openvex",
            VexFormat::CycloneDx => "cyclonedx",
            VexFormat::Csaf => "csaf",
        }
    }
}

/// A package URL, parsed once: what statements name and what findings are matched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    pub ty: String,
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// Sorted, so two purls compare alike whatever their order.
    pub qualifiers: Vec<(String, String)>,
}

impl FromStr for Purl {
    type Err = String;

    fn from_str(s: &str) -> Result<Purl, String> {
        let p = PackageUrl::from_str(s).map_err(|e| e.to_string())?;
        let mut qualifiers: Vec<(String, String)> = p
            .qualifiers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        qualifiers.sort();
        Ok(Purl {
            ty: p.ty().to_string(),
            namespace: p.namespace().map(str::to_string),
            name: p.name().to_string(),
            version: p.version().map(str::to_string),
            qualifiers,
        })
    }
}

impl Purl {
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether this purl (a statement's) names `other` (a finding's): the same type,
    /// namespace and name; the same version unless this one has none (every version); and
    /// each of this one's qualifiers in `other`.
    pub fn covers(&self, other: &Purl) -> bool {
        self.ty == other.ty
            && self.namespace == other.namespace
            && self.name == other.name
            && self
                .version
                .as_ref()
                .is_none_or(|v| other.version.as_ref() == Some(v))
            && self
                .qualifiers
                .iter()
                .all(|(k, v)| other.qualifier(k) == Some(v.as_str()))
    }

    pub fn is_image(&self) -> bool {
        self.ty == "oci"
    }
}

/// What a statement speaks of: an image (every package in it unless `packages` says which),
/// or packages wherever they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexProduct {
    /// A `pkg:oci` purl.
    pub image: Option<Purl>,
    /// Package purls; empty: every package of the image.
    pub packages: Vec<Purl>,
}

/// One statement, as trivyscan applies it.
#[derive(Debug, Clone)]
pub struct VexStatement {
    /// The vulnerability's ID and its aliases.
    pub vulnerability: Vec<String>,
    pub products: Vec<VexProduct>,
    pub status: VexStatus,
    /// One of [`JUSTIFICATIONS`] (CycloneDX's and CSAF's mapped onto them, or kept as given).
    pub justification: Option<String>,
    /// Free text: why it does not apply (OpenVEX `impact_statement`, CycloneDX `detail`,
    /// CSAF's impact threat) or what to do (`action_statement`).
    pub statement: Option<String>,
    /// When it was made (its own timestamp, else its document's): the latest wins.
    pub timestamp: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The document's `@id` (or its tracking ID, serial number or path).
    pub document: String,
    pub format: VexFormat,
    /// The statement's place in its document.
    pub origin: Origin,
    /// `Some(set)` when it came from a target set's `vex`: it applies to that set only.
    pub scope: Option<String>,
}

/// The last segment of an image's repository, lower-cased: its name in a `pkg:oci` purl.
pub fn oci_name(repository: &str) -> String {
    repository
        .rsplit('/')
        .next()
        .unwrap_or(repository)
        .to_ascii_lowercase()
}

/// `pkg:oci/<name>@<digest>?repository_url=<repository>`: an image as Trivy names it in its
/// SBOMs and matches it in VEX.
pub fn oci_purl(repository: &str, digest: &str) -> String {
    format!(
        "pkg:oci/{}@{}?repository_url={repository}",
        oci_name(repository),
        digest.replace(':', "%3A")
    )
}

/// The identity of a scanned image that `pkg:oci` purls are matched against.
#[derive(Debug, Clone, Default)]
pub struct ImageIdentity {
    /// `sha256:...` digests of the image (its index and manifest).
    pub digests: Vec<String>,
    /// `host/path/name` repositories it was pulled from or is known by.
    pub repositories: Vec<String>,
}

impl ImageIdentity {
    /// Whether a `pkg:oci` purl names this image: its name is a repository's last segment,
    /// its version (if any) one of the digests, its `repository_url` (if any) a repository.
    pub fn named_by(&self, purl: &Purl) -> bool {
        let name = purl.name.to_ascii_lowercase();
        let repo_ok = match purl.qualifier("repository_url") {
            Some(url) => self
                .repositories
                .iter()
                .any(|r| r.eq_ignore_ascii_case(url) && oci_name(r) == name),
            None => self.repositories.iter().any(|r| oci_name(r) == name),
        };
        let digest_ok = purl
            .version
            .as_ref()
            .is_none_or(|v| self.digests.iter().any(|d| d.eq_ignore_ascii_case(v)));
        repo_ok && digest_ok
    }
}

impl VexStatement {
    /// Whether it speaks of `vulnerability` in the package `package` (its purl, or, for
    /// results without one, its name and version) of an image known as `image`.
    pub fn covers(
        &self,
        vulnerability: &str,
        image: &ImageIdentity,
        package: &FindingPackage<'_>,
    ) -> bool {
        self.vulnerability.iter().any(|v| v == vulnerability)
            && self.products.iter().any(|p| {
                p.image.as_ref().is_none_or(|i| image.named_by(i))
                    && (p.packages.is_empty() && p.image.is_some()
                        || p.packages.iter().any(|purl| package.is(purl)))
            })
    }

    /// `not_affected` with a justification (or `fixed`, which needs none) may accept a
    /// known-exploited finding; an impact statement alone may not.
    pub fn justified(&self) -> bool {
        self.status == VexStatus::Fixed || self.justification.is_some()
    }
}

/// A finding's package as statements are matched against it.
pub struct FindingPackage<'a> {
    pub purl: Option<Purl>,
    pub name: &'a str,
    pub version: &'a str,
}

impl FindingPackage<'_> {
    fn is(&self, statement: &Purl) -> bool {
        match &self.purl {
            Some(p) => statement.covers(p),
            // A result cached before purls were kept: its name and version.
            None => {
                statement.name == self.name
                    && statement.version.as_ref().is_none_or(|v| v == self.version)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl(s: &str) -> Purl {
        s.parse().unwrap()
    }

    #[test]
    fn an_image_purl_names_the_image_by_digest_and_repository() {
        let image = ImageIdentity {
            digests: vec!["sha256:abc".into()],
            repositories: vec!["127.0.0.1:5000/fleet/api".into()],
        };
        for (p, named) in [
            ("pkg:oci/api@sha256%3Aabc", true),
            (
                "pkg:oci/api@sha256%3Aabc?repository_url=127.0.0.1:5000/fleet/api",
                true,
            ),
            ("pkg:oci/api", true),
            ("pkg:oci/api@sha256%3Adef", false),
            ("pkg:oci/web@sha256%3Aabc", false),
            (
                "pkg:oci/api@sha256%3Aabc?repository_url=other.example/fleet/api",
                false,
            ),
        ] {
            assert_eq!(image.named_by(&purl(p)), named, "{p}");
        }
    }

    #[test]
    fn a_package_purl_covers_what_it_names_and_no_more() {
        let found = purl("pkg:npm/lodash@4.17.20");
        assert!(purl("pkg:npm/lodash@4.17.20").covers(&found));
        assert!(purl("pkg:npm/lodash").covers(&found));
        assert!(!purl("pkg:npm/lodash@4.17.21").covers(&found));
        assert!(!purl("pkg:pypi/lodash@4.17.20").covers(&found));
        assert!(
            !purl("pkg:npm/lodash@4.17.20?arch=x86").covers(&found),
            "a qualifier the finding lacks"
        );
    }
}
