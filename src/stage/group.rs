//! Group stage: findings by component type, then severity, filtered by the target's threshold.
//! Pure; the order of first appearance is kept, as the old script's dicts kept it.

use crate::model::{ScanReport, Severity};

pub use crate::model::{CONFIGURATION, FindingRef, Grouped, LICENSE, SECRET, Suppressed};

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
