//! The config file's keys as a table: each with its kind and a line of docs. Validation walks
//! it to report every unknown key and wrong type at once (serde stops at the first), `config
//! show` and the docs test read it; a unit test keeps it in step with the serde schema
//! (`schema.rs`).

/// What a key holds, for validation and docs.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    String,
    Integer,
    Boolean,
    /// A name or a legacy level 1..5.
    Severity,
    Strings,
    /// A number from 0 to 1, or `"none"`.
    Probability,
    /// A boolean, or `"any"` / `"introduced"`.
    NewFindings,
    /// A boolean, or `"overdue"`.
    KevGate,
    /// A table of string values with keys of the user's choosing (build args).
    StringMap,
    Table(&'static [Field]),
    Tables(&'static [Field]),
}

impl Kind {
    pub fn describe(self) -> crate::i18n::Msg {
        match self {
            Kind::String => crate::msg!("kind-string"),
            Kind::Integer => crate::msg!("kind-integer"),
            Kind::Boolean => crate::msg!("kind-boolean"),
            Kind::Severity => crate::msg!("kind-severity"),
            Kind::Probability => crate::msg!("kind-probability"),
            Kind::NewFindings => crate::msg!("kind-new-findings"),
            Kind::KevGate => crate::msg!("kind-kev-gate"),
            Kind::Strings => crate::msg!("kind-strings"),
            Kind::StringMap => crate::msg!("kind-string-map"),
            Kind::Table(_) => crate::msg!("kind-table"),
            Kind::Tables(_) => crate::msg!("kind-tables"),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub doc: &'static str,
}

const fn field(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field { name, kind, doc }
}

pub const CONCURRENCY: &[Field] = &[
    field("remote", Kind::Integer, "parallel scans of registry images"),
    field(
        "local",
        Kind::Integer,
        "parallel Dockerfile builds and scans",
    ),
];

pub const TRIVY: &[Field] = &[
    field(
        "binary",
        Kind::String,
        "the trivy executable (a name on PATH or a path)",
    ),
    field(
        "cache_dir",
        Kind::String,
        "Trivy's cache dir, relative to the config file",
    ),
    field("timeout", Kind::String, "timeout per scan, e.g. \"10m\""),
    field(
        "backend",
        Kind::String,
        "how parallel scans share the cache: server, memory, standalone",
    ),
    field(
        "db_repositories",
        Kind::Strings,
        "where the vulnerability DB is downloaded from, in order",
    ),
    field(
        "java_db_repositories",
        Kind::Strings,
        "where the Java DB is downloaded from, in order",
    ),
    field(
        "offline",
        Kind::Boolean,
        "never download a DB; fail when none is there",
    ),
    field(
        "require_db",
        Kind::Boolean,
        "without a vulnerability DB, fail image targets (true) or scan them with the other scanners (false)",
    ),
    field(
        "extra_args",
        Kind::Strings,
        "more arguments for every `trivy image` call",
    ),
    field(
        "username_env",
        Kind::String,
        "the NAME of the environment variable holding the registry user name (passed to Trivy as TRIVY_USERNAME)",
    ),
    field(
        "password_env",
        Kind::String,
        "the NAME of the environment variable holding the registry password (passed to Trivy as TRIVY_PASSWORD)",
    ),
    field(
        "registry_token_env",
        Kind::String,
        "the NAME of the environment variable holding a registry token (passed to Trivy as TRIVY_REGISTRY_TOKEN)",
    ),
    field(
        "result_cache",
        Kind::Boolean,
        "keep results and SBOMs of digest-pinned images and archives in the cache dir, and reuse them (--no-cache: false)",
    ),
    field(
        "server",
        Kind::String,
        "a remote `trivy server` to scan through (http(s)://host:port); no local server, no DB download",
    ),
    field(
        "server_token_env",
        Kind::String,
        "the NAME of the environment variable holding the remote server's token",
    ),
    field(
        "server_token_header",
        Kind::String,
        "the HTTP header the remote server reads the token from (Trivy's default: Trivy-Token)",
    ),
];

pub const REPORT: &[Field] = &[
    field(
        "output_dir",
        Kind::String,
        "where reports are written, relative to the config file",
    ),
    field(
        "formats",
        Kind::Strings,
        "report formats: json, legacy-json, sarif, junit, markdown, html, openvex, gitlab, cyclonedx",
    ),
    field(
        "redact_secrets",
        Kind::Boolean,
        "replace the matched text of secret findings with a fixed mask in every format",
    ),
    field(
        "sarif",
        Kind::Table(SARIF),
        "the SARIF report within GitHub code scanning's limits",
    ),
];

pub const SARIF: &[Field] = &[
    field(
        "max_results",
        Kind::Integer,
        "the most results the SARIF report keeps, highest ranked first (1 to 25000; GitHub shows 5000)",
    ),
    field(
        "split",
        Kind::String,
        "one SARIF file per target set (\"target-set\") or per image (\"image\"), each its own code-scanning category; \"none\" by default",
    ),
];

pub const IGNORE: &[Field] = &[
    field(
        "id",
        Kind::String,
        "the vulnerability ID (CVE-..., GHSA-...), secret rule ID, misconfiguration ID or license name",
    ),
    field(
        "packages",
        Kind::Strings,
        "only in these packages (names or globs); default: any package",
    ),
    field(
        "targets",
        Kind::Strings,
        "only in targets whose name, path or set matches one of these globs; default: every target",
    ),
    field(
        "expires",
        Kind::String,
        "the date (YYYY-MM-DD) from which the entry stops applying",
    ),
    field("reason", Kind::String, "why the finding is accepted"),
    field(
        "justification",
        Kind::String,
        "OpenVEX's justification for vex export: component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist",
    ),
];

pub const TARGET_SET: &[Field] = &[
    field("name", Kind::String, "the set's name in reports"),
    field(
        "severity",
        Kind::Severity,
        "threshold for this set, overrides the top-level one",
    ),
    field("images", Kind::Strings, "image references"),
    field(
        "dockerfiles",
        Kind::Strings,
        "Dockerfile paths or globs, relative to the config file",
    ),
    field(
        "reports",
        Kind::Strings,
        "existing Trivy JSON reports (paths or globs) imported without scanning",
    ),
    field(
        "archives",
        Kind::Strings,
        "image archives (docker save tarballs, OCI layout directories or tars; paths or globs)",
    ),
    field(
        "manifests",
        Kind::Strings,
        "Kubernetes manifests and Compose files (paths or globs): every image they name is a target",
    ),
    field(
        "compose_build",
        Kind::Boolean,
        "Compose services with only `build:` become Dockerfile targets (default: skipped, with a warning)",
    ),
    field(
        "max_tags",
        Kind::Integer,
        "registry globs: keep the N newest matching tags of each repository (by the image's created time)",
    ),
    field(
        "exclude",
        Kind::Strings,
        "globs removed from what dockerfiles, reports and images match",
    ),
    field(
        "vex",
        Kind::Strings,
        "VEX documents (OpenVEX, CycloneDX, CSAF; paths or globs) applied to this set's targets",
    ),
    field(
        "images_file",
        Kind::String,
        "a legacy input_images.txt list imported into this set",
    ),
    field(
        "dockerfiles_file",
        Kind::String,
        "a legacy input_images_files.txt list imported into this set",
    ),
    field(
        "context",
        Kind::String,
        "build context for this set's Dockerfiles (default: each Dockerfile's directory)",
    ),
    field(
        "build_args",
        Kind::StringMap,
        "--build-arg values for this set's Dockerfiles",
    ),
    field(
        "target",
        Kind::String,
        "the build stage to build (--target)",
    ),
    field(
        "platform",
        Kind::String,
        "the platform to build for (--platform)",
    ),
    field(
        "trivyignore",
        Kind::String,
        "a .trivyignore or .trivyignore.yaml file passed to Trivy (--ignorefile) for this set",
    ),
];

pub const DOCKER: &[Field] = &[
    field("binary", Kind::String, "the docker executable"),
    field(
        "build_timeout",
        Kind::String,
        "timeout per build, e.g. \"30m\"",
    ),
    field(
        "allow_sudo",
        Kind::Boolean,
        "retry a build under sudo when the Docker socket refuses access",
    ),
];

pub const SLA: &[Field] = &[
    field(
        "critical",
        Kind::String,
        "days a CRITICAL finding may stay open, e.g. \"7d\"",
    ),
    field(
        "high",
        Kind::String,
        "days a HIGH finding may stay open, e.g. \"30d\"",
    ),
    field(
        "medium",
        Kind::String,
        "days a MEDIUM finding may stay open, e.g. \"90d\"",
    ),
    field("low", Kind::String, "days a LOW finding may stay open"),
    field(
        "unknown",
        Kind::String,
        "days an UNKNOWN finding may stay open",
    ),
];

pub const INTEL: &[Field] = &[
    field(
        "kev",
        Kind::Boolean,
        "mark findings listed in CISA's Known Exploited Vulnerabilities catalog",
    ),
    field(
        "epss",
        Kind::Boolean,
        "add FIRST's EPSS exploitation probability to findings",
    ),
    field(
        "kev_url",
        Kind::String,
        "where the KEV catalog (JSON) is downloaded from: http(s)://, file:// or a path",
    ),
    field(
        "epss_url",
        Kind::String,
        "where the EPSS scores (CSV, gzipped or not) are downloaded from: http(s)://, file:// or a path",
    ),
    field(
        "max_age",
        Kind::String,
        "data older than this (by its own date) is not used, and the run says so, e.g. \"3d\"",
    ),
    field(
        "offline",
        Kind::Boolean,
        "never download: use what is cached in <cache_dir>/intel",
    ),
];

pub const ROOT: &[Field] = &[
    field(
        "severity",
        Kind::Severity,
        "lowest severity reported: unknown, low, medium, high, critical (or 1..5)",
    ),
    field(
        "scanners",
        Kind::Strings,
        "Trivy scanners: vuln, secret, misconfig, license",
    ),
    field("concurrency", Kind::Table(CONCURRENCY), "worker pools"),
    field("trivy", Kind::Table(TRIVY), "how Trivy is run"),
    field("report", Kind::Table(REPORT), "report outputs"),
    field(
        "docker",
        Kind::Table(DOCKER),
        "how Dockerfiles are built (local mode)",
    ),
    field("targets", Kind::Tables(TARGET_SET), "target sets"),
    field(
        "fail_on",
        Kind::String,
        "fleet gate: exit 1 when a finding at or above this severity remains after ignores (none, unknown, low, medium, high, critical)",
    ),
    field(
        "fail_on_new",
        Kind::NewFindings,
        "the gate counts only findings that are new since the baseline (run --baseline): true or \"any\", or \"introduced\" (not those disclosed on an unchanged image)",
    ),
    field(
        "fail_on_kev",
        Kind::KevGate,
        "fleet gate: exit 1 when a finding listed in CISA's KEV catalog and with a fix remains after ignores",
    ),
    field(
        "fail_on_epss",
        Kind::Probability,
        "fleet gate: exit 1 when a finding with an EPSS probability at or above this remains after ignores (\"none\" turns it off)",
    ),
    field(
        "fail_on_overdue",
        Kind::Boolean,
        "fleet gate: exit 1 when a finding past its due date remains (KEV due dates, [sla])",
    ),
    field(
        "sla",
        Kind::Table(SLA),
        "how long a finding of each severity may stay open, from when it was first seen (needs run --baseline to carry first_seen)",
    ),
    field(
        "intel",
        Kind::Table(INTEL),
        "exploitation data: CISA KEV and FIRST EPSS",
    ),
    field(
        "ignore",
        Kind::Tables(IGNORE),
        "accepted findings, each with an optional expiry",
    ),
    field(
        "vex",
        Kind::Strings,
        "VEX documents (OpenVEX, CycloneDX, CSAF; paths or globs) applied to every target",
    ),
    field(
        "resolve_tags",
        Kind::Boolean,
        "ask the registry which digest each tag points at, so refs by tag use the result cache too",
    ),
    field(
        "registry_listing_limit",
        Kind::Integer,
        "registry globs: the most names one catalog or tag listing may hold",
    ),
    field(
        "allow_outside_paths",
        Kind::Boolean,
        "allow Dockerfiles, reports and archives outside the config file's directory tree (symlinks resolved)",
    ),
];

#[cfg(test)]
mod tests {
    use super::super::schema::FileConfig;
    use super::*;

    /// Every key in the table is accepted by the serde schema, and the serde schema has no key
    /// the table lacks.
    #[test]
    fn table_and_serde_schema_agree() {
        fn sample(fields: &[Field]) -> toml::Table {
            let mut t = toml::Table::new();
            for f in fields {
                let v = match f.kind {
                    Kind::String => toml::Value::String("x".into()),
                    Kind::Integer => toml::Value::Integer(1),
                    Kind::Boolean => toml::Value::Boolean(true),
                    Kind::Severity => toml::Value::String("high".into()),
                    Kind::Probability => toml::Value::Float(0.5),
                    Kind::NewFindings => toml::Value::String("introduced".into()),
                    Kind::KevGate => toml::Value::String("overdue".into()),
                    Kind::Strings => toml::Value::Array(vec!["x".into()]),
                    Kind::StringMap => toml::Value::Table(toml::Table::from_iter([(
                        "KEY".to_string(),
                        toml::Value::from("v"),
                    )])),
                    Kind::Table(sub) => toml::Value::Table(sample(sub)),
                    Kind::Tables(sub) => toml::Value::Array(vec![toml::Value::Table(sample(sub))]),
                };
                t.insert(f.name.into(), v);
            }
            t
        }
        let full = sample(ROOT);
        let parsed: FileConfig = full
            .clone()
            .try_into()
            .expect("every table key is in the serde schema");
        let back = toml::Table::try_from(&parsed).unwrap();
        assert_eq!(back, full, "the serde schema has keys the table lacks");
    }
}
