//! Finding the config files and stacking the layers with figment:
//! built-in defaults < scanner.toml `[default]` < its `[profile]` < `profiles/<profile>.toml`
//! < `TRIVYSCAN_*` env vars < flags. Each layer keeps what is needed to say, for any merged
//! value, which file line, env var or flag it came from.

use crate::diagnostic_code::Code;
use crate::i18n::Msg;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use figment::value::{Dict, Map, Tag, Value};
use figment::{Figment, Metadata, Profile, Provider};
use toml_edit::{Item, Value as TomlValue};

use super::diagnostics::{Problem, suggest};
use super::schema::FileConfig;
use crate::environment::Environment;
use crate::source::{KeyPath, Origin, Seg, SourceFile, locate, locate_key};

pub const CONFIG_FILE: &str = "scanner.toml";
pub const LEGACY_IMAGES: &str = "input_images.txt";
pub const LEGACY_DOCKERFILES: &str = "input_images_files.txt";
pub const ENV_PREFIX: &str = "TRIVYSCAN_";
/// Variables with the prefix that are not config keys.
const ENV_NOT_KEYS: [&str; 6] = [
    "CONFIG",
    "PROFILE",
    "LANG",
    "LOG",
    "MAX_INPUT_MB",
    "SHARD_TOTAL",
];

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

/// Config values given as flags; `None` leaves the lower layers alone.
#[derive(Debug, Clone, Default)]
pub struct FlagOverrides {
    pub severity: Option<String>,
    pub jobs_remote: Option<i64>,
    pub jobs_local: Option<i64>,
    pub trivy_binary: Option<String>,
    pub cache_dir: Option<String>,
    pub trivy_timeout: Option<String>,
    pub output_dir: Option<String>,
    pub formats: Vec<String>,
    pub offline: bool,
    pub fail_on: Option<String>,
    pub fail_on_new: bool,
    pub fail_on_kev: bool,
    pub fail_on_epss: Option<String>,
    pub no_intel: bool,
    pub no_cache: bool,
}

impl FlagOverrides {
    /// (key path, flag name, value) for each flag that was given.
    fn entries(&self) -> Vec<(&'static str, &'static str, Value)> {
        let mut out = Vec::new();
        let mut push = |path, flag, v: Option<Value>| {
            if let Some(v) = v {
                out.push((path, flag, v));
            }
        };
        push(
            "severity",
            "--severity",
            self.severity.clone().map(severity_value),
        );
        push(
            "concurrency.remote",
            "--jobs-remote",
            self.jobs_remote.map(Value::from),
        );
        push(
            "concurrency.local",
            "--jobs-local",
            self.jobs_local.map(Value::from),
        );
        push(
            "trivy.binary",
            "--trivy-binary",
            self.trivy_binary.clone().map(Value::from),
        );
        push(
            "trivy.cache_dir",
            "--cache-dir",
            self.cache_dir.clone().map(Value::from),
        );
        push(
            "trivy.timeout",
            "--trivy-timeout",
            self.trivy_timeout.clone().map(Value::from),
        );
        push(
            "report.output_dir",
            "--output-dir",
            self.output_dir.clone().map(Value::from),
        );
        let formats = (!self.formats.is_empty()).then(|| {
            Value::from(
                self.formats
                    .iter()
                    .cloned()
                    .map(Value::from)
                    .collect::<Vec<_>>(),
            )
        });
        push("report.formats", "--format", formats);
        // Offline means no download at all: the vulnerability DB and the exploitation data.
        push(
            "trivy.offline",
            "--offline",
            self.offline.then_some(Value::from(true)),
        );
        push(
            "intel.offline",
            "--offline",
            self.offline.then_some(Value::from(true)),
        );
        push(
            "fail_on",
            "--fail-on",
            self.fail_on.clone().map(Value::from),
        );
        push(
            "fail_on_new",
            "--fail-on-new",
            self.fail_on_new.then_some(Value::from(true)),
        );
        push(
            "fail_on_kev",
            "--fail-on-kev",
            self.fail_on_kev.then_some(Value::from(true)),
        );
        push(
            "fail_on_epss",
            "--fail-on-epss",
            self.fail_on_epss
                .clone()
                .map(|p| match p.trim().parse::<f64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::from(p),
                }),
        );
        push(
            "intel.kev",
            "--no-intel",
            self.no_intel.then_some(Value::from(false)),
        );
        push(
            "intel.epss",
            "--no-intel",
            self.no_intel.then_some(Value::from(false)),
        );
        push(
            "trivy.result_cache",
            "--no-cache",
            self.no_cache.then_some(Value::from(false)),
        );

        out
    }
}

/// `--severity 4` means the legacy level, as in the config files.
fn severity_value(s: String) -> Value {
    match s.trim().parse::<i64>() {
        Ok(n) => Value::from(n),
        Err(_) => Value::from(s),
    }
}

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

enum LayerKind {
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

struct Layer {
    name: String,
    data: Map<Profile, Dict>,
    kind: LayerKind,
}

/// figment sees each layer through this; the name links merged values back to the layer.
struct LayerProvider<'a>(&'a Layer);

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

fn dotted(path: &KeyPath) -> String {
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
                crate::msg!("config-file-path-does-not", path = path.display()),
            )
            .help(crate::msg!("check-config-trivyscan-config")));
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

/// scanner.toml as a layer: each top-level table a profile (`[default]` and named ones);
/// keys outside a table, section names, `global` and names that cannot name a profile are
/// problems. The profiles found are added to `available`.
fn scanner_toml_layer(
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
                                crate::msg!("key-outside-profile-table", key = key),
                            )
                            .help(crate::msg!(
                                "scanner-toml-holds-profile-tables",
                                key = key,
                                key2 = key
                            ))
                            .in_file(&file, span),
                        );
                        continue;
                    }
                    if let Some(field) = super::schema::ROOT.iter().find(|f| f.name == key) {
                        // `[trivy]` meant as `[default.trivy]` would otherwise be a
                        // profile nobody selects, its settings silently unused.
                        let span = table.key(key).and_then(|k| k.span()).unwrap_or(0..0);
                        problems.push(
                            Problem::error(
                                Code::ConfigSectionAsProfile,
                                crate::msg!("key-config-section-not-profile", key = key),
                            )
                            .label(crate::msg!("section-name-cannot-name-profile"))
                            .help(crate::msg!(
                                "did-you-mean-default-key",
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
                                crate::msg!("global-reserved-profile-name"),
                            )
                            .in_file(&file, table.key(key).and_then(|k| k.span()).unwrap_or(0..0)),
                        );
                        continue;
                    }
                    if !valid_profile_name(key) {
                        problems.push(
                            Problem::error(
                                Code::ConfigProfileName,
                                crate::msg!(
                                    "profile-cannot-name-profile",
                                    profile = format!("{:?}", key)
                                ),
                            )
                            .label(crate::msg!("letters-digits-only"))
                            .help(crate::msg!("profile-names-are-letters-digits"))
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
fn profile_file_layer(
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
            if super::schema::ROOT.iter().any(|f| f.name == stem) {
                problems.push(
                    Problem::error(
                        Code::ConfigSectionAsProfile,
                        crate::msg!(
                            "path-would-be-profile-stem",
                            path = path.display(),
                            stem = stem
                        ),
                    )
                    .help(crate::msg!("rename-file-section-names-trivy")),
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
fn legacy_layer(dir: &Path) -> Layer {
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

    if let Some(trivy) = &opts.launched_by_trivy {
        // Run as a Trivy plugin: the Trivy that launched trivyscan, unless configured otherwise.
        let mut trivy_table = Dict::new();
        trivy_table.insert("binary".into(), Value::from(trivy.display().to_string()));
        let mut dict = Dict::new();
        dict.insert("trivy".into(), Value::from(trivy_table));
        layers.push(Layer {
            name: "the Trivy that launched the plugin".into(),
            data: profile_map(Profile::Default, dict),
            kind: LayerKind::Implicit("the Trivy that launched trivyscan as a plugin"),
        });
    }

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
                crate::msg!(
                    "profile-cannot-name-profile",
                    profile = format!("{:?}", profile)
                ),
            )
            .help(crate::msg!("profile-names-are-letters-digits")),
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

    if profile != "default" && !available.contains(&profile) {
        let list: Vec<&str> = available.iter().map(String::as_str).collect();
        let mut p = Problem::error(
            Code::ConfigUnknownProfile,
            crate::msg!("unknown-profile-profile", profile = profile),
        );
        p = match (list.is_empty(), suggest(&profile, list.iter().copied())) {
            (true, _) => p.help(crate::msg!("no-profiles-are-defined-add")),
            (false, Some(s)) => p.help(crate::msg!(
                "did-you-mean-s-available",
                s = s,
                list = list.join(", ")
            )),
            (false, None) => p.help(crate::msg!(
                "available-profiles-list",
                list = list.join(", ")
            )),
        };
        problems.push(p);
    }

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

fn profile_map(profile: Profile, dict: Dict) -> Map<Profile, Dict> {
    let mut m = Map::new();
    m.insert(profile, dict);
    m
}

/// Reads a TOML config file; `root` is the tree it must resolve inside (profiles/ files).
fn read_toml(path: &Path, root: Option<&Path>) -> Result<(Arc<SourceFile>, Item), Problem> {
    let unreadable = |e: std::io::Error| {
        Problem::error(
            Code::ConfigUnreadable,
            crate::msg!("cannot-read-path-error", path = path.display(), error = e),
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
                crate::msg!("toml-syntax-error-message", message = e.message().trim()),
            )
            .label(crate::msg!("here"))
            .help(crate::msg!("see-https-toml-io-for"))
            .in_file(&file, span))
        }
    }
}

fn item_to_value(item: &Item) -> Value {
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

fn toml_value(v: &TomlValue) -> Value {
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

/// Bounds on `TRIVYSCAN_*` variables: the schema is 4 levels deep at most; no config value
/// needs more than a few levels of brackets or 64 KiB.
const MAX_ENV_LEVELS: usize = 8;
const MAX_ENV_KEY_LEN: usize = 256;
const MAX_ENV_VALUE_LEN: usize = 64 * 1024;
const MAX_ENV_VALUE_DEPTH: usize = 16;

/// `TRIVYSCAN_A__B=v` sets `a.b`; the value is read as figment reads env values (numbers,
/// booleans and `[a, b]` arrays are typed).
fn env_layer(env: &[(String, String)]) -> (Layer, Vec<Problem>) {
    let mut root = Dict::new();
    let mut vars = HashMap::new();
    let mut problems = Vec::new();
    let mut sorted: Vec<&(String, String)> = env.iter().collect();
    sorted.sort();
    for (var, raw) in sorted {
        let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        if ENV_NOT_KEYS.contains(&rest) {
            continue;
        }
        // figment parses a value's brackets recursively and a key's levels into nested maps:
        // pathological values must be refused before, not overflow the stack or the memory.
        let depth = raw
            .chars()
            .scan(0usize, |open, c| {
                match c {
                    '[' | '{' => *open += 1,
                    ']' | '}' => *open = open.saturating_sub(1),
                    _ => {}
                }
                Some(*open)
            })
            .max()
            .unwrap_or(0);
        if rest.len() > MAX_ENV_KEY_LEN
            || rest.matches("__").count() >= MAX_ENV_LEVELS
            || raw.len() > MAX_ENV_VALUE_LEN
            || depth > MAX_ENV_VALUE_DEPTH
        {
            problems.push(
                Problem::error(
                    Code::ConfigEnv,
                    crate::msg!(
                        "environment-variable-var-too-large",
                        var = if var.chars().count() > 64 {
                            format!("{}...", var.chars().take(64).collect::<String>())
                        } else {
                            var.clone()
                        }
                    ),
                )
                .help(crate::msg!(
                    "config-keys-have-at-most",
                    levels = MAX_ENV_LEVELS,
                    len = MAX_ENV_VALUE_LEN,
                    depth = MAX_ENV_VALUE_DEPTH
                )),
            );
            continue;
        }
        let keys: Vec<String> = rest.split("__").map(|k| k.to_lowercase()).collect();
        if keys.iter().any(String::is_empty) {
            problems.push(
                Problem::error(
                    Code::ConfigEnv,
                    crate::msg!("environment-variable-var-does-not", var = var),
                )
                .help(crate::msg!("levels-are-separated-by-double")),
            );
            continue;
        }
        let value: Value = raw.parse().expect("figment parses any string");
        insert_nested(&mut root, &keys, value);
        vars.insert(keys.join("."), var.clone());
    }
    (
        Layer {
            name: "environment".into(),
            data: profile_map(Profile::Global, root),
            kind: LayerKind::Env { vars },
        },
        problems,
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

/// Trivy's own variables that trivyscan has a key for, and the key each sets. They form a layer
/// above the built-in defaults and below scanner.toml, so a site's Trivy setup (an air-gapped
/// mirror in `TRIVY_DB_REPOSITORY`, a shared `TRIVY_CACHE_DIR`) holds unless the config says
/// otherwise; `config show` names the variable. Every other `TRIVY_*` reaches Trivy untouched.
pub const TRIVY_ENV_KEYS: &[(&str, &str)] = &[
    ("TRIVY_DB_REPOSITORY", "trivy.db_repositories"),
    ("TRIVY_JAVA_DB_REPOSITORY", "trivy.java_db_repositories"),
    ("TRIVY_CACHE_DIR", "trivy.cache_dir"),
    ("TRIVY_TIMEOUT", "trivy.timeout"),
    ("TRIVY_SKIP_DB_UPDATE", "trivy.offline"),
    ("TRIVY_SEVERITY", "severity"),
];

/// The layer of [`TRIVY_ENV_KEYS`], each value read as Trivy reads it: comma-separated lists,
/// `true`/`false`, and for `TRIVY_SEVERITY` (a list of severities) its lowest one, which is
/// trivyscan's threshold.
fn trivy_env_layer(env: &[(String, String)]) -> (Layer, Vec<Problem>) {
    let mut root = Dict::new();
    let mut vars = HashMap::new();
    let mut problems = Vec::new();
    for (var, key) in TRIVY_ENV_KEYS {
        let Some((_, raw)) = env.iter().find(|(k, _)| k == var) else {
            continue;
        };
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let list = || -> Vec<Value> {
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::from)
                .collect()
        };
        let value = match *var {
            "TRIVY_DB_REPOSITORY" | "TRIVY_JAVA_DB_REPOSITORY" => Value::from(list()),
            "TRIVY_SKIP_DB_UPDATE" => match raw.to_ascii_lowercase().as_str() {
                "true" | "1" => Value::from(true),
                "false" | "0" => Value::from(false),
                _ => {
                    problems.push(
                        Problem::error(
                            Code::ConfigTrivyEnv,
                            crate::msg!(
                                "var-raw-not-true-false",
                                var = var,
                                raw = format!("{:?}", raw)
                            ),
                        )
                        .help(crate::msg!("trivy-reads-as-boolean-set")),
                    );
                    continue;
                }
            },
            "TRIVY_SEVERITY" => {
                let parsed: Option<Vec<crate::model::Severity>> = raw
                    .split(',')
                    .map(crate::model::Severity::from_name)
                    .collect();
                match parsed.and_then(|v| v.into_iter().min()) {
                    Some(lowest) => Value::from(lowest.as_str().to_ascii_lowercase()),
                    None => {
                        problems.push(
                            Problem::error(
                                Code::ConfigTrivyEnv,
                                crate::msg!(
                                    "var-raw-not-list-severities",
                                    var = var,
                                    raw = format!("{:?}", raw)
                                ),
                            )
                            .help(crate::msg!("write-e-g-trivy-severity")),
                        );
                        continue;
                    }
                }
            }
            _ => Value::from(raw.to_string()),
        };
        let keys: Vec<String> = key.split('.').map(String::from).collect();
        insert_nested(&mut root, &keys, value);
        vars.insert(key.to_string(), var.to_string());
    }
    (
        Layer {
            name: "Trivy's environment".into(),
            data: profile_map(Profile::Default, root),
            kind: LayerKind::Env { vars },
        },
        problems,
    )
}

fn flags_layer(flags: &FlagOverrides) -> Layer {
    let mut root = Dict::new();
    let mut names = HashMap::new();
    for (path, flag, value) in flags.entries() {
        let keys: Vec<String> = path.split('.').map(String::from).collect();
        insert_nested(&mut root, &keys, value);
        names.insert(path.to_string(), flag.to_string());
    }
    Layer {
        name: "command line".into(),
        data: profile_map(Profile::Global, root),
        kind: LayerKind::Flags { flags: names },
    }
}

fn insert_nested(dict: &mut Dict, keys: &[String], value: Value) {
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
