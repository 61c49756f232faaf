//! Finding the config files and stacking the layers with figment:
//! built-in defaults < scanner.toml `[default]` < its `[profile]` < `profiles/<profile>.toml`
//! < `TRIVYSCAN_*` env vars < flags. Each layer keeps what is needed to say, for any merged
//! value, which file line, env var or flag it came from.

mod env;
mod files;
mod flags;
mod layer;

use env::{env_layer, trivy_env_layer};
use files::{legacy_layer, profile_file_layer, scanner_toml_layer};
pub use flags::FlagOverrides;
use flags::flags_layer;
pub use layer::{
    CONFIG_FILE, ConfigSource, ENV_PREFIX, LEGACY_DOCKERFILES, LEGACY_IMAGES, env_var_name,
    valid_profile_name,
};
use layer::{Layer, LayerKind, LayerProvider, dotted, profile_map};

use crate::diagnostic_code::Code;
use crate::i18n::Msg;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use figment::value::{Dict, Tag, Value};
use figment::{Figment, Profile};

use super::diagnostics::{Problem, suggest};
use super::schema::FileConfig;
use crate::environment::Environment;
use crate::source::{KeyPath, Origin, Seg, locate, locate_key};

/// What the loader is given; the environment is passed in so tests need not touch the process's.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub cwd: PathBuf,
    /// The process environment (crate::environment): its TRIVYSCAN_ and TRIVY_ variables are
    /// layers; the stages read credentials from it through `Settings::env`.
    pub env: Arc<Environment>,
    pub flags: FlagOverrides,
    /// Ignore any scanner.toml: the legacy input files in `cwd` are the config (legacy mode).
    pub legacy_only: bool,
    /// Run as a Trivy plugin: the Trivy binary that launched trivyscan.
    pub launched_by_trivy: Option<PathBuf>,
}

/// The merged configuration with the provenance of every value.
pub struct Layered {
    pub source: ConfigSource,
    pub profile: String,
    pub available_profiles: Vec<String>,
    pub merged: Value,
    figment: Figment,
    layers: HashMap<String, Layer>,
}

impl Layered {
    pub fn value(&self, path: &KeyPath) -> Option<&Value> {
        let mut v = &self.merged;
        for seg in &path.0 {
            v = match (seg, v) {
                (Seg::Key(k), Value::Dict(_, d)) => d.get(k)?,
                (Seg::Index(i), Value::Array(_, a)) => a.get(*i)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// Where the value at `path` came from (the value's span in a file).
    pub fn origin(&self, path: &KeyPath) -> Origin {
        self.origin_inner(path, false)
    }

    /// Like `origin`, but a file origin spans the key rather than the value.
    pub fn key_origin(&self, path: &KeyPath) -> Origin {
        self.origin_inner(path, true)
    }

    fn origin_inner(&self, path: &KeyPath, key_span: bool) -> Origin {
        let Some(value) = self.value(path) else {
            return Origin::Default;
        };
        self.origin_of_tag(value.tag(), path, key_span)
    }

    fn origin_of_tag(&self, tag: Tag, path: &KeyPath, key_span: bool) -> Origin {
        let Some(layer) = self
            .figment
            .get_metadata(tag)
            .and_then(|m| self.layers.get(m.name.as_ref()))
        else {
            return Origin::Default;
        };
        match &layer.kind {
            LayerKind::Default => Origin::Default,
            LayerKind::Implicit(what) => Origin::Implicit(what),
            LayerKind::File { file, root, nested } => {
                // Tags only remember default/global; a custom profile can only be the selected one.
                let profile = Some(match tag.profile() {
                    Some(p) if p == Profile::Default => "default".to_string(),
                    Some(p) => p.as_str().as_str().to_string(),
                    None => self.profile.clone(),
                });
                let mut full = Vec::new();
                if *nested {
                    full.push(Seg::Key(
                        profile.clone().unwrap_or_else(|| "default".into()),
                    ));
                }
                full.extend(path.0.iter().cloned());
                let span = if key_span {
                    locate_key(root, &full).or_else(|| locate(root, &full))
                } else {
                    locate(root, &full)
                };
                Origin::File {
                    file: file.clone(),
                    span: span.unwrap_or(0..0),
                    profile: if *nested { profile } else { None },
                }
            }
            LayerKind::Env { vars } => Origin::Env {
                var: lookup_up(vars, path).unwrap_or_else(|| env_var_name(path)),
            },
            LayerKind::Flags { flags } => Origin::Flag {
                flag: lookup_up(flags, path).unwrap_or_else(|| "?".into()),
            },
        }
    }

    pub fn extract(&self) -> Result<FileConfig, figment::Error> {
        self.figment.extract()
    }
}

/// The entry for `path` or its nearest parent (array items inherit their array's flag).
fn lookup_up(map: &HashMap<String, String>, path: &KeyPath) -> Option<String> {
    let mut p = path.clone();
    loop {
        if let Some(v) = map.get(&dotted(&p)) {
            return Some(v.clone());
        }
        p.0.pop()?;
    }
}

/// Finds the config file: `--config`/`TRIVYSCAN_CONFIG`, else scanner.toml here or in the
/// nearest parent up to the repository root, else the legacy input files here.
pub fn discover(opts: &LoadOptions) -> Result<ConfigSource, Problem> {
    if opts.legacy_only {
        return Ok(ConfigSource::Legacy(opts.cwd.clone()));
    }
    if let Some(path) = &opts.config {
        let path = if path.is_absolute() {
            path.clone()
        } else {
            opts.cwd.join(path)
        };
        if !path.is_file() {
            return Err(Problem::error(
                Code::ConfigNotFound,
                crate::msg!("config-not-found", path = path.display()),
            )
            .help(crate::msg!("config-not-found-help")));
        }
        return Ok(ConfigSource::File(path));
    }
    let mut dir = Some(opts.cwd.as_path());
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_FILE);
        if candidate.is_file() {
            return Ok(ConfigSource::File(candidate));
        }
        if d.join(".git").exists() {
            break;
        }
        dir = d.parent();
    }
    if opts.cwd.join(LEGACY_IMAGES).is_file() || opts.cwd.join(LEGACY_DOCKERFILES).is_file() {
        return Ok(ConfigSource::Legacy(opts.cwd.clone()));
    }
    Ok(ConfigSource::Nothing(opts.cwd.clone()))
}

/// Reads and stacks every layer. Problems here are the ones that stop loading: syntax errors,
/// an unknown profile, unreadable files.
pub fn load_layers(opts: &LoadOptions) -> Result<Layered, Vec<Problem>> {
    let source = discover(opts).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let mut layers: Vec<Layer> = Vec::new();

    let defaults = Value::serialize(FileConfig::builtin()).expect("defaults serialize");
    layers.push(Layer {
        name: "built-in defaults".into(),
        data: profile_map(Profile::Default, defaults.into_dict().unwrap_or_default()),
        kind: LayerKind::Default,
    });

    layers.extend(opts.launched_by_trivy.as_deref().map(plugin_layer));

    let env_vars = opts.env.with_prefixes(&[ENV_PREFIX, "TRIVY_"]);
    let (trivy_env, trivy_env_problems) = trivy_env_layer(&env_vars);
    problems.extend(trivy_env_problems);
    layers.push(trivy_env);

    let profile = opts.profile.clone().unwrap_or_else(|| "default".into());
    if !valid_profile_name(&profile) {
        // It becomes part of report file names: `x/../..` would write outside output_dir.
        return Err(vec![
            Problem::error(
                Code::ConfigProfileName,
                crate::msg!("config-profile-name", profile = format!("{:?}", profile)),
            )
            .help(crate::msg!("config-profile-name-help")),
        ]);
    }
    let mut available: BTreeSet<String> = BTreeSet::new();

    match &source {
        ConfigSource::File(path) => {
            layers.extend(scanner_toml_layer(path, &mut problems, &mut available));
            layers.extend(profile_file_layer(
                &source,
                &profile,
                &mut problems,
                &mut available,
            ));
        }
        ConfigSource::Legacy(dir) => layers.push(legacy_layer(dir)),
        ConfigSource::Nothing(_) => {}
    }

    problems.extend(unknown_profile(&profile, &available));

    let (env_layer, env_problems) = env_layer(&env_vars);
    problems.extend(env_problems);
    layers.push(env_layer);
    layers.push(flags_layer(&opts.flags));

    if !problems.is_empty() {
        return Err(problems);
    }

    let mut figment = Figment::new();
    for layer in &layers {
        figment = figment.merge(LayerProvider(layer));
    }
    let figment = figment.select(profile.as_str());
    let merged = figment.extract::<Value>().map_err(|e| {
        vec![Problem::error(
            Code::ConfigMerge,
            Msg::verbatim(e.to_string()),
        )]
    })?;
    let layers = layers.into_iter().map(|l| (l.name.clone(), l)).collect();
    Ok(Layered {
        source,
        profile,
        available_profiles: available.into_iter().collect(),
        merged,
        figment,
        layers,
    })
}

/// Run as a Trivy plugin: the Trivy that launched trivyscan, unless configured otherwise.
fn plugin_layer(trivy: &std::path::Path) -> Layer {
    let mut trivy_table = Dict::new();
    trivy_table.insert("binary".into(), Value::from(trivy.display().to_string()));
    let mut dict = Dict::new();
    dict.insert("trivy".into(), Value::from(trivy_table));
    Layer {
        name: "the Trivy that launched the plugin".into(),
        data: profile_map(Profile::Default, dict),
        kind: LayerKind::Implicit("the Trivy that launched trivyscan as a plugin"),
    }
}

/// `--profile` names a profile no file defines (`default` always exists).
fn unknown_profile(profile: &str, available: &BTreeSet<String>) -> Option<Problem> {
    if profile == "default" || available.contains(profile) {
        return None;
    }
    let list: Vec<&str> = available.iter().map(String::as_str).collect();
    let p = Problem::error(
        Code::ConfigUnknownProfile,
        crate::msg!("config-unknown-profile", profile = profile),
    );
    Some(
        match (list.is_empty(), suggest(profile, list.iter().copied())) {
            (true, _) => p.help(crate::msg!("config-unknown-profile-none-help")),
            (false, Some(s)) => p.help(crate::msg!(
                "config-unknown-profile-suggest-help",
                s = s,
                list = list.join(", ")
            )),
            (false, None) => p.help(crate::msg!(
                "config-unknown-profile-list-help",
                list = list.join(", ")
            )),
        },
    )
}
