//! One layer of the config, as figment sees it, and the names layers share.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use figment::value::{Dict, Map, Value};
use figment::{Metadata, Profile, Provider};
use toml_edit::Item;

use crate::source::{KeyPath, Seg, SourceFile};

pub const CONFIG_FILE: &str = "scanner.toml";

pub const LEGACY_IMAGES: &str = "input_images.txt";

pub const LEGACY_DOCKERFILES: &str = "input_images_files.txt";

pub const ENV_PREFIX: &str = "TRIVYSCAN_";

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    /// No scanner.toml, but the old script's input files in this directory.
    Legacy(PathBuf),
    /// Nothing found: built-in defaults only.
    Nothing(PathBuf),
}

impl ConfigSource {
    /// The directory relative paths are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        match self {
            ConfigSource::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            ConfigSource::Legacy(d) | ConfigSource::Nothing(d) => d.clone(),
        }
    }
}

pub(super) enum LayerKind {
    Default,
    File {
        file: Arc<SourceFile>,
        root: Item,
        /// scanner.toml holds profile tables; profiles/*.toml hold one profile's keys.
        nested: bool,
    },
    Env {
        vars: HashMap<String, String>,
    },
    Flags {
        flags: HashMap<String, String>,
    },
    /// Made up by trivyscan: what it says is the origin.
    Implicit(&'static str),
}

pub(super) struct Layer {
    pub(super) name: String,
    pub(super) data: Map<Profile, Dict>,
    pub(super) kind: LayerKind,
}

/// figment sees each layer through this; the name links merged values back to the layer.
pub(super) struct LayerProvider<'a>(pub(super) &'a Layer);

impl Provider for LayerProvider<'_> {
    fn metadata(&self) -> Metadata {
        let meta = Metadata::named(self.0.name.clone());
        match &self.0.kind {
            LayerKind::File { file, .. } => meta.source(figment::Source::File(file.path.clone())),
            _ => meta,
        }
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(self.0.data.clone())
    }
}

pub(super) fn profile_map(profile: Profile, dict: Dict) -> Map<Profile, Dict> {
    let mut m = Map::new();
    m.insert(profile, dict);
    m
}

pub(super) fn insert_nested(dict: &mut Dict, keys: &[String], value: Value) {
    match keys {
        [] => {}
        [last] => {
            dict.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = dict
                .entry(first.clone())
                .or_insert_with(|| Value::from(Dict::new()));
            if entry.as_dict().is_none() {
                *entry = Value::from(Dict::new());
            }
            if let Value::Dict(_, d) = entry {
                insert_nested(d, rest, value);
            }
        }
    }
}

pub(super) fn dotted(path: &KeyPath) -> String {
    path.0
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The env var that sets a key: `concurrency.remote` -> `TRIVYSCAN_CONCURRENCY__REMOTE`.
pub fn env_var_name(path: &KeyPath) -> String {
    format!(
        "{ENV_PREFIX}{}",
        dotted(path).replace('.', "__").to_uppercase()
    )
}

/// Profile names become part of report file names: `[A-Za-z0-9._-]+`, and not `.` or `..`.
pub fn valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
