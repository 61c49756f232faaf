//! Configuration: the file schema, the layers, provenance, validation and the resolved
//! `Settings`.

mod diagnostics;
pub mod keys;
mod layers;
mod resolved;
mod resolver;
pub mod schema;
mod show;
mod validate;

use crate::diagnostic_code::Code;

pub use crate::source::{KeyPath, Origin, Seg, SourceFile};
pub use diagnostics::{InvalidConfig, Problem, SHOWN_PROBLEMS, suggest};
pub use layers::{
    CONFIG_FILE, ConfigSource, ENV_PREFIX, FlagOverrides, LEGACY_DOCKERFILES, LEGACY_IMAGES,
    Layered, LoadOptions, env_var_name,
};
pub use resolved::{
    Backend, Concurrency, DockerSettings, Gate, IgnoreRule, IntelSettings, LegacyList,
    LegacyListKind, RemoteServer, RenderedFormat, ReportFormat, ReportSettings, SARIF_MAX_RESULTS,
    SARIF_SHOWN_RESULTS, SarifSplit, Settings, Sla, Sourced, StreamedFormat, TargetSet,
    TrivySettings,
};
use schema::FileConfig;
pub use show::render_effective;

/// Trivy fails every scan with "the number of usernames and passwords must match" when it gets
/// a registry user name without a password or the reverse: said once, before anything runs.
fn credential_pair(settings: &Settings) -> Option<Problem> {
    let set = |var: &str| settings.env.get(var).is_some_and(|v| !v.is_empty());
    // The variable Trivy's value comes from: the one the config names, else Trivy's own.
    let source = |trivy_var: &str| -> Option<String> {
        let ours = settings
            .trivy
            .credentials
            .iter()
            .find(|(t, _)| *t == trivy_var)
            .map(|(_, ours)| ours.clone());
        match ours {
            Some(ours) if set(&ours) => Some(ours),
            _ if set(trivy_var) => Some(trivy_var.to_string()),
            _ => None,
        }
    };
    let (present, missing) = match (source("TRIVY_USERNAME"), source("TRIVY_PASSWORD")) {
        (Some(user), None) => (user, "a password (TRIVY_PASSWORD or trivy.password_env)"),
        (None, Some(password)) => (
            password,
            "a user name (TRIVY_USERNAME or trivy.username_env)",
        ),
        _ => return None,
    };
    Some(
        Problem::error(
            Code::ConfigCredentialPair,
            crate::msg!(
                "config-credential-pair",
                present = present,
                missing = missing
            ),
        )
        .help(crate::msg!("config-credential-pair-help")),
    )
}

/// Loads, merges and validates the configuration. On failure, every problem found is returned.
pub fn load(opts: &LoadOptions) -> Result<(Settings, Layered), InvalidConfig> {
    match check(opts) {
        Checked {
            settings: Some(loaded),
            problems,
        } if problems.is_empty() => Ok(loaded),
        Checked { problems, .. } => Err(InvalidConfig::in_file_order(problems)),
    }
}

/// What `config check` needs: every problem, and the settings as far as they could be made
/// (bad values are left at their defaults), so the targets can be checked too.
pub struct Checked {
    pub settings: Option<(Settings, Layered)>,
    pub problems: Vec<Problem>,
}

pub fn check(opts: &LoadOptions) -> Checked {
    let layered = match layers::load_layers(opts) {
        Ok(layered) => layered,
        Err(problems) => {
            return Checked {
                settings: None,
                problems,
            };
        }
    };
    // Both phases run, so one pass reports every problem.
    let (mut problems, pruned) = validate::check_shape(&layered);
    let file: FileConfig = match pruned.deserialize() {
        Ok(file) => file,
        Err(e) => {
            problems.push(Problem::error(
                Code::ConfigSchema,
                crate::i18n::Msg::verbatim(e.to_string()),
            ));
            return Checked {
                settings: None,
                problems,
            };
        }
    };
    let (settings, more) = resolver::settings_from(&layered, file, opts.env.clone());
    problems.extend(more);
    problems.extend(credential_pair(&settings));
    Checked {
        settings: Some((settings, layered)),
        problems,
    }
}
