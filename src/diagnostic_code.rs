//! Every diagnostic code trivyscan emits, as a type: one list, unique, each documented in
//! docs/diagnostics.md under its own anchor (`tests/e2e/docs_coverage.rs` checks both ways).
//! Codes of derived diagnostics (`#[diagnostic(code(...))]`) are spelt in their attribute, as
//! miette wants them; a test checks each is listed here.

use std::fmt;

/// Where the codes are explained; each code's anchor is its name with `::` as `-`.
pub const DOCS: &str = "docs/diagnostics.md";

macro_rules! codes {
    ($($variant:ident = $text:literal,)*) => {
        /// A diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of this list.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// `trivyscan::config::unknown_key`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    CacheDuration = "trivyscan::cache::duration",
    ConfigBackend = "trivyscan::config::backend",
    ConfigConcurrency = "trivyscan::config::concurrency",
    ConfigCredentialEnv = "trivyscan::config::credential_env",
    ConfigCredentialPair = "trivyscan::config::credential_pair",
    ConfigDate = "trivyscan::config::date",
    ConfigDuplicateSet = "trivyscan::config::duplicate_set",
    ConfigDuration = "trivyscan::config::duration",
    ConfigEmptyTargetSet = "trivyscan::config::empty_target_set",
    ConfigEnv = "trivyscan::config::env",
    ConfigFailOn = "trivyscan::config::fail_on",
    ConfigFailOnKev = "trivyscan::config::fail_on_kev",
    ConfigFailOnNew = "trivyscan::config::fail_on_new",
    ConfigFormat = "trivyscan::config::format",
    ConfigSarif = "trivyscan::config::sarif",
    ConfigGlob = "trivyscan::config::glob",
    ConfigIgnore = "trivyscan::config::ignore",
    ConfigInvalid = "trivyscan::config::invalid",
    ConfigMaxTags = "trivyscan::config::max_tags",
    ConfigFeedUrl = "trivyscan::config::feed_url",
    ConfigListingLimit = "trivyscan::config::listing_limit",
    ConfigMerge = "trivyscan::config::merge",
    ConfigNoTargets = "trivyscan::config::no_targets",
    ConfigNotFound = "trivyscan::config::not_found",
    ConfigOutsidePath = "trivyscan::config::outside_path",
    ConfigOutsideProfile = "trivyscan::config::outside_profile",
    ConfigProbability = "trivyscan::config::probability",
    ConfigProfileName = "trivyscan::config::profile_name",
    ConfigReservedProfile = "trivyscan::config::reserved_profile",
    ConfigScanner = "trivyscan::config::scanner",
    ConfigSchema = "trivyscan::config::schema",
    ConfigSecretFlag = "trivyscan::config::secret_flag",
    ConfigSectionAsProfile = "trivyscan::config::section_as_profile",
    ConfigServer = "trivyscan::config::server",
    ConfigServerCredentials = "trivyscan::config::server_credentials",
    ConfigSeverity = "trivyscan::config::severity",
    ConfigSyntax = "trivyscan::config::syntax",
    ConfigTrivyEnv = "trivyscan::config::trivy_env",
    ConfigTrivyignore = "trivyscan::config::trivyignore",
    ConfigUnknownKey = "trivyscan::config::unknown_key",
    ConfigUnknownProfile = "trivyscan::config::unknown_profile",
    ConfigUnreadable = "trivyscan::config::unreadable",
    ConfigWrongType = "trivyscan::config::wrong_type",
    DbDownload = "trivyscan::db::download",
    DbInterrupted = "trivyscan::db::interrupted",
    DbLock = "trivyscan::db::lock",
    DbOfflineMissing = "trivyscan::db::offline_missing",
    DockerMissing = "trivyscan::docker::missing",
    DockerPermission = "trivyscan::docker::permission",
    DockerUnreachable = "trivyscan::docker::unreachable",
    ExecExit = "trivyscan::exec::exit",
    ExecInterrupted = "trivyscan::exec::interrupted",
    ExecSignal = "trivyscan::exec::signal",
    ExecSpawn = "trivyscan::exec::spawn",
    ExecTimeout = "trivyscan::exec::timeout",
    InitExists = "trivyscan::init::exists",
    InitNoLegacy = "trivyscan::init::no_legacy",
    IoStdout = "trivyscan::io::stdout",
    LegacyEncoding = "trivyscan::legacy::encoding",
    LegacyMode = "trivyscan::legacy::mode",
    LegacySeverity = "trivyscan::legacy::severity",
    PolicyExpired = "trivyscan::policy::expired",
    PolicyKevReason = "trivyscan::policy::kev_reason",
    VexRead = "trivyscan::vex::read",
    VexInvalid = "trivyscan::vex::invalid",
    VexStatement = "trivyscan::vex::statement",
    VexKevJustification = "trivyscan::vex::kev_justification",
    ReportParse = "trivyscan::report::parse",
    ReportRead = "trivyscan::report::read",
    ReportMergeInputs = "trivyscan::report::merge_inputs",
    ReportTrendInputs = "trivyscan::report::trend_inputs",
    ReportMergeGates = "trivyscan::report::merge_gates",
    ReportMergeShards = "trivyscan::report::merge_shards",
    ReportRenderFormat = "trivyscan::report::render_format",
    ReportRenderOutput = "trivyscan::report::render_output",
    ReportSchema = "trivyscan::report::schema",
    ReportWrite = "trivyscan::report::write",
    ResolveArchive = "trivyscan::resolve::archive",
    ResolveComposeBuild = "trivyscan::resolve::compose_build",
    ResolveDuplicate = "trivyscan::resolve::duplicate",
    ResolveGlobNoMatch = "trivyscan::resolve::glob_no_match",
    ResolveImageRef = "trivyscan::resolve::image_ref",
    ResolveInvalidTargets = "trivyscan::resolve::invalid_targets",
    ResolveLegacyList = "trivyscan::resolve::legacy_list",
    ResolveManifest = "trivyscan::resolve::manifest",
    ResolveMissingFile = "trivyscan::resolve::missing_file",
    ResolveNotAFile = "trivyscan::resolve::not_a_file",
    ResolveOutsidePath = "trivyscan::resolve::outside_path",
    ResolveRegistryGlob = "trivyscan::resolve::registry_glob",
    RunNoConfig = "trivyscan::run::no_config",
    RunNoTargets = "trivyscan::run::no_targets",
    RunScratch = "trivyscan::run::scratch",
    RunShard = "trivyscan::run::shard",
    RunShardAuto = "trivyscan::run::shard_auto",
    ScanServer = "trivyscan::scan::server",
    ServerToken = "trivyscan::server::token",
    ServerTokenMissing = "trivyscan::server::token_missing",
    ServerMixedDb = "trivyscan::server::mixed_db",
    ServerUnreachable = "trivyscan::server::unreachable",
    TrivyMissing = "trivyscan::trivy::missing",
    TrivyTooOld = "trivyscan::trivy::too_old",
}

impl Code {
    /// The code's anchor in docs/diagnostics.md: `trivyscan-config-unknown_key`.
    pub fn anchor(self) -> String {
        self.as_str().replace("::", "-")
    }

    /// Where the code is explained: `docs/diagnostics.md#trivyscan-config-unknown_key`.
    pub fn docs_url(self) -> String {
        format!("{DOCS}#{}", self.anchor())
    }

    /// The code named `text`, if it is one.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            let parts: Vec<&str> = code.as_str().split("::").collect();
            assert_eq!(parts.len(), 3, "{code}");
            assert_eq!(parts[0], "trivyscan");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
        assert!(Code::ALL.len() > 70);
    }
}
