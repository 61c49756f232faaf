//! The file layers: scanner.toml (with its profile tables), `profiles/<profile>.toml`, and the
//! old script's input lists standing in for a config.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use figment::Profile;
use figment::value::{Dict, Map, Value};
use toml_edit::{Item, Value as TomlValue};

use super::layer::{
    ConfigSource, LEGACY_DOCKERFILES, LEGACY_IMAGES, Layer, LayerKind, profile_map,
    valid_profile_name,
};
use crate::diagnostic_code::Code;
use crate::settings::diagnostics::Problem;
use crate::source::SourceFile;

/// scanner.toml as a layer: each top-level table a profile (`[default]` and named ones);
/// keys outside a table, section names, `global` and names that cannot name a profile are
/// problems. The profiles found are added to `available`.
pub(super) fn scanner_toml_layer(
    path: &Path,
    problems: &mut Vec<Problem>,
    available: &mut BTreeSet<String>,
) -> Option<Layer> {
    match read_toml(path, None) {
        Ok((file, root)) => {
            let mut data = Map::new();
            if let Some(table) = root.as_table() {
                for (key, item) in table.iter() {
                    if !item.is_table_like() || item.is_array_of_tables() {
                        let span = table.key(key).and_then(|k| k.span()).unwrap_or(0..0);
                        problems.push(
                            Problem::error(
                                Code::ConfigOutsideProfile,
                                crate::msg!("config-outside-profile", key = key),
                            )
                            .help(crate::msg!(
                                "config-outside-profile-help",
                                key = key,
                                key2 = key
                            ))
                            .in_file(&file, span),
                        );
                        continue;
                    }
                    if let Some(field) = crate::settings::keys::ROOT.iter().find(|f| f.name == key)
                    {
                        // `[trivy]` meant as `[default.trivy]` would otherwise be a
                        // profile nobody selects, its settings silently unused.
                        let span = table.key(key).and_then(|k| k.span()).unwrap_or(0..0);
                        problems.push(
                            Problem::error(
                                Code::ConfigSectionAsProfile,
                                crate::msg!("config-section-as-profile", key = key),
                            )
                            .label(crate::msg!("config-section-as-profile-label"))
                            .help(crate::msg!(
                                "config-section-as-profile-help",
                                key = key,
                                key2 = key,
                                doc = field.doc
                            ))
                            .in_file(&file, span),
                        );
                        continue;
                    }
                    if key == "global" {
                        problems.push(
                            Problem::error(
                                Code::ConfigReservedProfile,
                                crate::msg!("config-reserved-profile"),
                            )
                            .in_file(&file, table.key(key).and_then(|k| k.span()).unwrap_or(0..0)),
                        );
                        continue;
                    }
                    if !valid_profile_name(key) {
                        problems.push(
                            Problem::error(
                                Code::ConfigProfileName,
                                crate::msg!("config-profile-name", profile = format!("{:?}", key)),
                            )
                            .label(crate::msg!("config-profile-name-label"))
                            .help(crate::msg!("config-profile-name-help"))
                            .in_file(&file, table.key(key).and_then(|k| k.span()).unwrap_or(0..0)),
                        );
                        continue;
                    }
                    if key != "default" {
                        available.insert(key.to_string());
                    }
                    let prof = if key == "default" {
                        Profile::Default
                    } else {
                        Profile::new(key)
                    };
                    data.insert(prof, item_to_value(item).into_dict().unwrap_or_default());
                }
            }
            Some(Layer {
                name: path.display().to_string(),
                data,
                kind: LayerKind::File {
                    file,
                    root,
                    nested: true,
                },
            })
        }
        Err(p) => {
            problems.push(p);
            None
        }
    }
}

/// `profiles/<profile>.toml` as a layer, when the selected profile has one; every file there
/// is a profile `available`, and one named after a config section is a problem.
pub(super) fn profile_file_layer(
    source: &ConfigSource,
    profile: &str,
    problems: &mut Vec<Problem>,
    available: &mut BTreeSet<String>,
) -> Option<Layer> {
    let mut found = None;
    let profiles_dir = source.base_dir().join("profiles");
    if let Ok(entries) = std::fs::read_dir(&profiles_dir) {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for path in files {
            let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().to_string()) else {
                continue;
            };
            if crate::settings::keys::ROOT.iter().any(|f| f.name == stem) {
                problems.push(
                    Problem::error(
                        Code::ConfigSectionAsProfile,
                        crate::msg!("config-file-as-profile", path = path.display(), stem = stem),
                    )
                    .help(crate::msg!("config-file-as-profile-help")),
                );
                continue;
            }
            available.insert(stem.clone());
            if stem != profile {
                continue;
            }
            match read_toml(&path, Some(&source.base_dir())) {
                Ok((file, root)) => {
                    let prof = if stem == "default" {
                        Profile::Default
                    } else {
                        Profile::new(&stem)
                    };
                    found = Some(Layer {
                        name: path.display().to_string(),
                        data: profile_map(
                            prof,
                            item_to_value(&root).into_dict().unwrap_or_default(),
                        ),
                        kind: LayerKind::File {
                            file,
                            root,
                            nested: false,
                        },
                    });
                }
                Err(p) => problems.push(p),
            }
        }
    }
    found
}

/// The old script's lists as the target sets of a config (legacy mode, or no scanner.toml).
pub(super) fn legacy_layer(dir: &Path) -> Layer {
    let mut sets = Vec::new();
    for (name, key, file) in [
        ("input_images", "images_file", LEGACY_IMAGES),
        ("input_images_files", "dockerfiles_file", LEGACY_DOCKERFILES),
    ] {
        if dir.join(file).is_file() {
            let mut set = Dict::new();
            set.insert("name".into(), Value::from(name));
            set.insert(key.into(), Value::from(file));
            sets.push(Value::from(set));
        }
    }
    let mut dict = Dict::new();
    dict.insert("targets".into(), Value::from(sets));
    Layer {
        name: "legacy input files".into(),
        data: profile_map(Profile::Default, dict),
        kind: LayerKind::Implicit("legacy input files"),
    }
}

/// Reads a TOML config file; `root` is the tree it must resolve inside (profiles/ files).
pub(super) fn read_toml(
    path: &Path,
    root: Option<&Path>,
) -> Result<(Arc<SourceFile>, Item), Problem> {
    let unreadable = |e: std::io::Error| {
        Problem::error(
            Code::ConfigUnreadable,
            crate::msg!("file-unreadable", path = path.display(), error = e),
        )
    };
    let bytes = crate::input::read_io(path, root, crate::input::limit(crate::input::LIST_LIMIT))
        .map_err(unreadable)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        unreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 ({e})"),
        ))
    })?;
    let file = SourceFile::new(path, text);
    match toml_edit::Document::parse(file.text.as_str().to_string()) {
        Ok(doc) => Ok((file, doc.as_item().clone())),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            Err(Problem::error(
                Code::ConfigSyntax,
                crate::msg!("config-syntax", message = e.message().trim()),
            )
            .label(crate::msg!("label-here"))
            .help(crate::msg!("config-syntax-help"))
            .in_file(&file, span))
        }
    }
}

pub(super) fn item_to_value(item: &Item) -> Value {
    match item {
        Item::None => Value::from(Dict::new()),
        Item::Value(v) => toml_value(v),
        Item::Table(t) => Value::from(
            t.iter()
                .map(|(k, v)| (k.to_string(), item_to_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        Item::ArrayOfTables(a) => Value::from(
            a.iter()
                .map(|t| item_to_value(&Item::Table(t.clone())))
                .collect::<Vec<_>>(),
        ),
    }
}

pub(super) fn toml_value(v: &TomlValue) -> Value {
    match v {
        TomlValue::String(s) => Value::from(s.value().clone()),
        TomlValue::Integer(i) => Value::from(*i.value()),
        TomlValue::Float(f) => Value::from(*f.value()),
        TomlValue::Boolean(b) => Value::from(*b.value()),
        TomlValue::Datetime(d) => Value::from(d.value().to_string()),
        TomlValue::Array(a) => Value::from(a.iter().map(toml_value).collect::<Vec<_>>()),
        TomlValue::InlineTable(t) => Value::from(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}
