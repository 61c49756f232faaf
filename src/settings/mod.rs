//! Configuration: the file schema, the layers, provenance, validation and the resolved
//! `Settings`.

mod diagnostics;
mod layers;
mod origin;
mod resolved;
pub mod schema;
mod show;
mod validate;

pub use diagnostics::{InvalidConfig, Problem, suggest};
pub use layers::{
    CONFIG_FILE, ConfigSource, ENV_PREFIX, FlagOverrides, LEGACY_DOCKERFILES, LEGACY_IMAGES,
    Layered, LoadOptions, env_var_name,
};
pub use origin::{KeyPath, Origin, Seg, SourceFile, display_path};
pub use resolved::{
    Backend, Concurrency, DockerSettings, Gate, IgnoreRule, LegacyList, LegacyListKind,
    RemoteServer, ReportFormat, ReportSettings, Settings, Sourced, TargetSet, TrivySettings,
};
use schema::FileConfig;
pub use show::render_effective;

/// Loads, merges and validates the configuration. On failure, every problem found is returned.
pub fn load(opts: &LoadOptions) -> Result<(Settings, Layered), InvalidConfig> {
    let layered = layers::load_layers(opts).map_err(|problems| InvalidConfig { problems })?;
    // Both phases run, so one pass reports every problem.
    let (mut problems, pruned) = validate::check_shape(&layered);
    let file: FileConfig = match pruned.deserialize() {
        Ok(file) => file,
        Err(e) => {
            problems.push(Problem::error("trivyscan::config::schema", e.to_string()));
            return Err(InvalidConfig { problems });
        }
    };
    let settings = match resolved::resolve(&layered, file) {
        Ok(settings) if problems.is_empty() => settings,
        Ok(_) => return Err(InvalidConfig { problems }),
        Err(more) => {
            problems.extend(more);
            return Err(InvalidConfig { problems });
        }
    };
    Ok((settings, layered))
}
