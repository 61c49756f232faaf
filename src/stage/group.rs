//! Group stage: findings by component type, then severity, filtered by the target's threshold.
//! Pure; the order of first appearance is kept, as the old script's dicts kept it.

use indexmap::IndexMap;

use crate::model::{ScanReport, Severity};

/// Where one finding sits in the report it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingRef {
    Vulnerability { result: usize, index: usize },
    Secret { result: usize, index: usize },
    Misconfiguration { result: usize, index: usize },
    License { result: usize, index: usize },
}

/// Component type -> severity -> findings, in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Grouped {
    pub components: IndexMap<String, IndexMap<Severity, Vec<FindingRef>>>,
    /// Findings an `[[ignore]]` entry accepted: kept out of `components`, never dropped.
    pub suppressed: Vec<Suppressed>,
}

/// A finding taken out of the report's findings by an ignore rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub component: String,
    pub severity: Severity,
    pub finding: FindingRef,
    /// Index of the rule in `Settings::ignores`.
    pub rule: usize,
}

impl Grouped {
    pub fn count(&self, component: &str, severity: Severity) -> usize {
        self.components
            .get(component)
            .and_then(|s| s.get(&severity))
            .map_or(0, Vec::len)
    }

    pub fn total(&self) -> usize {
        self.components
            .values()
            .flat_map(|s| s.values())
            .map(Vec::len)
            .sum()
    }

    /// Counts per severity over every component but secrets.
    pub fn vulnerabilities(&self) -> usize {
        self.components
            .iter()
            .filter(|(c, _)| c.as_str() != SECRET)
            .flat_map(|(_, s)| s.values())
            .map(Vec::len)
            .sum()
    }

    pub fn secrets(&self) -> usize {
        self.components
            .get(SECRET)
            .map_or(0, |s| s.values().map(Vec::len).sum())
    }

    pub(crate) fn push(&mut self, component: String, severity: Severity, finding: FindingRef) {
        self.components
            .entry(component)
            .or_default()
            .entry(severity)
            .or_default()
            .push(finding);
    }
}

pub const SECRET: &str = "Secret";
pub const CONFIGURATION: &str = "Configuration";
pub const LICENSE: &str = "License";

/// Python's `str.capitalize()`: first character upper case, the rest lower case.
fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// The component type of a Trivy result, by its Class and Type (docs/report.md has the table).
pub fn component_type(class: &str, kind: &str) -> String {
    match class {
        "secret" => return SECRET.into(),
        "config" => return CONFIGURATION.into(),
        "license" | "license-file" => return LICENSE.into(),
        "os-pkgs" | "os" => return format!("{}-package", capitalize(kind)),
        _ => {}
    }
    let family = match kind {
        "gobinary" | "gomod" => "Go",
        "python-pkg" | "pip" | "pipenv" | "poetry" | "uv" | "pylock" => "Python",
        "node-pkg" | "npm" | "yarn" | "pnpm" | "bun" | "javascript" => "NodeJS",
        "jar" | "pom" | "gradle" | "sbt" => "Java",
        "composer" | "composer-vendor" => "PHP",
        "gemspec" | "bundler" => "Ruby",
        "cargo" | "rustbinary" => "Rust",
        "nuget" | "dotnet-core" | "packages-props" => "DotNet",
        "conda-pkg" | "conda-environment" => "Conda",
        "" if class == "lang-pkgs" => "Unknown-language",
        "" => return "Unknown-component".into(),
        other if class == "lang-pkgs" => return format!("{other}-package"),
        other => return format!("{other}-component"),
    };
    format!("{family}-package")
}

/// Groups every finding at or above `threshold`.
pub fn group(report: &ScanReport, threshold: Severity) -> Grouped {
    let mut g = Grouped::default();
    for (ri, result) in report.results.iter().enumerate() {
        let component = component_type(&result.class, &result.kind);
        for (i, v) in result.vulnerabilities.iter().enumerate() {
            if v.severity >= threshold {
                g.push(
                    component.clone(),
                    v.severity,
                    FindingRef::Vulnerability {
                        result: ri,
                        index: i,
                    },
                );
            }
        }
        for (i, s) in result.secrets.iter().enumerate() {
            if s.severity >= threshold {
                g.push(
                    SECRET.into(),
                    s.severity,
                    FindingRef::Secret {
                        result: ri,
                        index: i,
                    },
                );
            }
        }
        for (i, m) in result.misconfigurations.iter().enumerate() {
            if m.severity >= threshold {
                g.push(
                    CONFIGURATION.into(),
                    m.severity,
                    FindingRef::Misconfiguration {
                        result: ri,
                        index: i,
                    },
                );
            }
        }
        for (i, l) in result.licenses.iter().enumerate() {
            if l.severity >= threshold {
                g.push(
                    LICENSE.into(),
                    l.severity,
                    FindingRef::License {
                        result: ri,
                        index: i,
                    },
                );
            }
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_types() {
        for (class, kind, want) in [
            ("os-pkgs", "debian", "Debian-package"),
            ("os-pkgs", "alpine", "Alpine-package"),
            ("os-pkgs", "redhat", "Redhat-package"),
            ("lang-pkgs", "jar", "Java-package"),
            ("lang-pkgs", "gobinary", "Go-package"),
            ("lang-pkgs", "node-pkg", "NodeJS-package"),
            ("lang-pkgs", "python-pkg", "Python-package"),
            ("lang-pkgs", "gemspec", "Ruby-package"),
            ("lang-pkgs", "rustbinary", "Rust-package"),
            ("lang-pkgs", "dotnet-core", "DotNet-package"),
            ("lang-pkgs", "conda-pkg", "Conda-package"),
            ("lang-pkgs", "composer", "PHP-package"),
            ("lang-pkgs", "swift", "swift-package"),
            ("secret", "", "Secret"),
            ("config", "dockerfile", "Configuration"),
            ("license", "", "License"),
            ("custom", "", "Unknown-component"),
        ] {
            assert_eq!(component_type(class, kind), want, "{class}/{kind}");
        }
    }
}
