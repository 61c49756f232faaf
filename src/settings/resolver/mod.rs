//! Second validation phase: the extracted file schema becomes `Settings`, with every value
//! checked for meaning (severity names, scanners, limits, globs) and every problem collected.
//! One module per part of the file; this one holds what they share and puts them together.

mod sections;
mod targets;
mod trivy;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::diagnostics::{Problem, suggest};
use super::layers::{ConfigSource, Layered};
use super::resolved::{Concurrency, Gate, Settings, Sourced, TargetSet};
use super::schema::{FileConfig, SeverityValue};
use crate::diagnostic_code::Code;
use crate::environment::Environment;
use crate::model::{Scanner, Severity};
use crate::source::{KeyPath, Origin};

struct Resolver<'a> {
    layered: &'a Layered,
    problems: Vec<Problem>,
    /// `allow_outside_paths`: file keys may point outside the config's tree.
    allow_outside: bool,
}

impl Resolver<'_> {
    /// A duration key's value (at most [`MAX_DURATION`], not zero); a refused one is a problem
    /// at `key` and leaves the built-in default.
    fn duration(&mut self, text: &str, builtin: Option<&str>, key: &str) -> Duration {
        match humantime::parse_duration(text) {
            Ok(d) if d > MAX_DURATION => {
                self.problems.push(too_long(text).at(&self.origin(key)));
                builtin_duration(builtin)
            }
            Ok(d) if !d.is_zero() => d,
            _ => {
                self.problems.push(
                    Problem::error(
                        Code::ConfigDuration,
                        crate::msg!("invalid-duration-text", text = format!("{:?}", text)),
                    )
                    .label(crate::msg!("not-duration"))
                    .help(crate::msg!("write-duration-such-as-90s"))
                    .at(&self.origin(key)),
                );
                builtin_duration(builtin)
            }
        }
    }

    fn origin(&self, path: &str) -> Origin {
        self.layered.origin(&parse_path(path))
    }

    fn at(&self, path: &KeyPath) -> Origin {
        self.layered.origin(path)
    }

    fn severity(&mut self, value: &SeverityValue, path: &KeyPath) -> Option<Severity> {
        match value {
            SeverityValue::Name(name) => {
                if let Some(s) = Severity::from_name(name) {
                    return Some(s);
                }
                if let Ok(n) = name.trim().parse::<i64>()
                    && let Some(s) = Severity::from_legacy_level(n)
                {
                    return Some(s);
                }
                let help = match suggest(&name.to_lowercase(), Severity::NAMES) {
                    Some(s) => crate::msg!(
                        "did-you-mean-s-severities",
                        s = s,
                        list = Severity::NAMES.join(", ")
                    ),
                    None => crate::msg!(
                        "severities-list-level-1-5",
                        list = Severity::NAMES.join(", ")
                    ),
                };
                self.problems.push(
                    Problem::error(
                        Code::ConfigSeverity,
                        crate::msg!("invalid-severity-name", name = format!("{:?}", name)),
                    )
                    .label(crate::msg!("not-severity"))
                    .help(help)
                    .at(&self.at(path)),
                );
                None
            }
            SeverityValue::Level(n) => match Severity::from_legacy_level(*n) {
                Some(s) => Some(s),
                None => {
                    self.problems.push(
                        Problem::error(
                            Code::ConfigSeverity,
                            crate::msg!("invalid-severity-level-n", n = n),
                        )
                        .label(crate::msg!("not-1-5"))
                        .help(crate::msg!("levels-are-1-unknown-above"))
                        .at(&self.at(path)),
                    );
                    None
                }
            },
        }
    }

    fn positive(&mut self, value: i64, path: &str) -> usize {
        if value >= 1 {
            return value as usize;
        }
        self.problems.push(
            Problem::error(
                Code::ConfigConcurrency,
                crate::msg!("path-must-be-at-least", path = path, value = value),
            )
            .label(crate::msg!("must-be-1-more"))
            .help(crate::msg!("number-parallel-workers-1-runs"))
            .at(&self.origin(path)),
        );
        1
    }

    fn one_of<T>(
        &mut self,
        value: &str,
        allowed: &[&str],
        path: &KeyPath,
        code: crate::diagnostic_code::Code,
        what: &str,
        f: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if let Some(v) = f(value) {
            return Some(v);
        }
        // `what` is a key the catalogs choose the noun by (`value-kind`, `value-kinds`).
        let (noun, nouns) = (
            crate::msg!("value-kind", kind = what),
            crate::msg!("value-kinds", kind = what),
        );
        let help = match suggest(value, allowed.iter().copied()) {
            Some(s) => crate::msg!(
                "did-you-mean-s-whats",
                s = s,
                what = nouns,
                list = allowed.join(", ")
            ),
            None => crate::msg!("whats-list", what = nouns, list = allowed.join(", ")),
        };
        self.problems.push(
            Problem::error(
                code,
                crate::msg!(
                    "unknown-what-value",
                    what = noun,
                    value = format!("{:?}", value)
                ),
            )
            .label(crate::msg!("not-what", what = noun))
            .help(help)
            .at(&self.at(path)),
        );
        None
    }

    fn sourced(&self, items: &Option<Vec<String>>, path: &KeyPath) -> Vec<Sourced<String>> {
        items
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, v)| Sourced {
                value: v.clone(),
                origin: self.at(&path.index(i)),
            })
            .collect()
    }

    fn check_globs(&mut self, items: &[Sourced<String>]) {
        for item in items {
            if let Err(e) = globset::Glob::new(&item.value) {
                self.problems.push(
                    Problem::error(
                        Code::ConfigGlob,
                        crate::msg!(
                            "invalid-glob-glob-why",
                            glob = format!("{:?}", item.value),
                            why = e.kind()
                        ),
                    )
                    .label(crate::msg!("does-not-compile"))
                    .help(crate::msg!("globs-use-abc-b-escape"))
                    .at(&item.origin),
                );
            }
        }
    }

    /// `key` of target set `path` names `value`, which resolves outside the config's tree:
    /// refused unless `allow_outside_paths` (a build context of `/` sends the whole disk to
    /// Docker; a `trivyignore` of `/etc/shadow` is read by Trivy).
    fn outside_tree(&mut self, path: &KeyPath, key: &str, value: &str, base_dir: &Path) {
        if self.allow_outside {
            return;
        }
        let joined = base_dir.join(value);
        // Not there (yet): judged as written, `..` applied.
        let resolved = joined
            .canonicalize()
            .unwrap_or_else(|_| crate::paths::lexical(&joined));
        let base = base_dir
            .canonicalize()
            .unwrap_or_else(|_| base_dir.to_path_buf());
        if !resolved.starts_with(&base) {
            self.problems.push(
                Problem::error(
                    Code::ConfigOutsidePath,
                    crate::msg!(
                        "key-value-outside-config-s",
                        key = key,
                        value = format!("{:?}", value)
                    ),
                )
                .label(crate::msg!("outside-config-s-directory-tree"))
                .help(crate::msg!("move-under-config-s-directory"))
                .at(&self.at(&path.key(key))),
            );
        }
    }
}

/// Dotted key path to `KeyPath` (no indices).
fn parse_path(path: &str) -> KeyPath {
    path.split('.').fold(KeyPath::default(), |p, k| p.key(k))
}

/// The longest timeout trivyscan takes: longer is a hang, and durations near the maximum
/// overflow when added to a clock.
const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

fn too_long(text: &str) -> Problem {
    Problem::error(
        Code::ConfigDuration,
        crate::msg!("duration-text-longer-than-7", text = format!("{:?}", text)),
    )
    .label(crate::msg!("too-long"))
    .help(crate::msg!("scan-build-that-takes-longer"))
}

/// A key's value, else its built-in default: [`FileConfig::builtin`] is the one place defaults
/// live, and it sets every key that has one.
fn or_builtin<T>(value: Option<T>, builtin: Option<T>) -> T {
    value
        .or(builtin)
        .expect("FileConfig::builtin() sets every defaulted key")
}

/// A built-in duration, for a key whose own value was refused.
fn builtin_duration(text: Option<&str>) -> Duration {
    humantime::parse_duration(text.expect("a built-in duration"))
        .expect("a valid built-in duration")
}

/// The settings, with every bad value left at its default, and the problems found.
pub fn settings_from(
    layered: &Layered,
    file: FileConfig,
    env: Arc<Environment>,
) -> (Settings, Vec<Problem>) {
    let mut r = Resolver {
        layered,
        problems: Vec::new(),
        // The old script took Dockerfile paths from anywhere: its lists alone keep that.
        allow_outside: file
            .allow_outside_paths
            .unwrap_or(matches!(layered.source, ConfigSource::Legacy(_))),
    };
    let defaults = FileConfig::builtin();
    let base_dir = layered.source.base_dir();

    let severity = r.top_severity(&file, &defaults);
    let scanners = r.scanners(or_builtin(file.scanners.clone(), defaults.scanners.clone()));
    let conc = file.concurrency.clone().unwrap_or_default();
    let conc_def = defaults.concurrency.clone().unwrap_or_default();
    let concurrency = Concurrency {
        remote: r.positive(
            or_builtin(conc.remote, conc_def.remote),
            "concurrency.remote",
        ),
        local: r.positive(or_builtin(conc.local, conc_def.local), "concurrency.local"),
    };
    let trivy = r.trivy_settings(&file, &defaults, &base_dir);
    let report = r.report_settings(&file, &defaults, &base_dir);
    let gate = r.gate(&file, &defaults);
    let intel = r.intel_settings(&file, &defaults, &trivy.cache_dir, &base_dir);
    let ignores = file
        .ignore
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, entry)| r.ignore_rule(i, entry))
        .collect();
    let docker = r.docker_settings(&file, &defaults, &base_dir);
    let registry_listing_limit = r.listing_limit(or_builtin(
        file.registry_listing_limit,
        defaults.registry_listing_limit,
    ));
    let target_sets = r.target_sets(&file, severity, &base_dir);
    (
        Settings {
            profile: layered.profile.clone(),
            source: layered.source.clone(),
            base_dir,
            severity,
            scanners,
            concurrency,
            trivy,
            report,
            docker,
            target_sets,
            gate,
            intel,
            ignores,
            allow_outside_paths: r.allow_outside,
            resolve_tags: or_builtin(file.resolve_tags, defaults.resolve_tags),
            registry_listing_limit,
            env,
        },
        r.problems,
    )
}

impl Resolver<'_> {
    /// The top-level `severity`.
    fn top_severity(&mut self, file: &FileConfig, defaults: &FileConfig) -> Severity {
        file.severity
            .as_ref()
            .and_then(|v| self.severity(v, &parse_path("severity")))
            .unwrap_or_else(|| {
                let builtin = defaults.severity.as_ref().expect("a built-in severity");
                self.severity(builtin, &parse_path("severity"))
                    .expect("a valid built-in severity")
            })
    }

    /// `scanners`: known names, each once, at least one.
    fn scanners(&mut self, names: Vec<String>) -> Vec<Scanner> {
        let mut scanners = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let path = parse_path("scanners").index(i);
            if let Some(s) = self.one_of(
                name,
                &Scanner::NAMES,
                &path,
                Code::ConfigScanner,
                "scanner",
                Scanner::from_name,
            ) && !scanners.contains(&s)
            {
                scanners.push(s);
            }
        }
        if names.is_empty() {
            let at = self.origin("scanners");
            self.problems.push(
                Problem::error(Code::ConfigScanner, crate::msg!("no-scanners-are-enabled"))
                    .help(crate::msg!(
                        "scanners-list",
                        list = Scanner::NAMES.join(", ")
                    ))
                    .at(&at),
            );
        }
        scanners
    }

    /// The fleet gate: `fail_on`, `fail_on_new`, `fail_on_kev`, `fail_on_epss`.
    fn gate(&mut self, file: &FileConfig, defaults: &FileConfig) -> Gate {
        let fail_on_text = or_builtin(file.fail_on.clone(), defaults.fail_on.clone());
        let mut levels = vec!["none"];
        levels.extend(Severity::NAMES);
        let fail_on = self
            .one_of(
                &fail_on_text.to_lowercase(),
                &levels,
                &parse_path("fail_on"),
                Code::ConfigFailOn,
                "gate_level",
                |name| match name {
                    "none" => Some(None),
                    other => Severity::from_name(other).map(Some),
                },
            )
            .flatten();
        Gate {
            fail_on,
            fail_on_new: or_builtin(file.fail_on_new, defaults.fail_on_new),
            fail_on_kev: or_builtin(file.fail_on_kev, defaults.fail_on_kev),
            fail_on_epss: self.probability(
                or_builtin(file.fail_on_epss.clone(), defaults.fail_on_epss.clone()),
                "fail_on_epss",
            ),
        }
    }

    /// `registry_listing_limit`: at least 1.
    fn listing_limit(&mut self, limit: i64) -> usize {
        if limit < 1 {
            let at = self.origin("registry_listing_limit");
            self.problems.push(
                Problem::error(
                    Code::ConfigListingLimit,
                    crate::msg!("registry-listing-limit", n = limit),
                )
                .label(crate::msg!("must-be-1-more"))
                .help(crate::msg!("registry-listing-limit-help"))
                .at(&at),
            );
        }
        limit.max(1) as usize
    }

    /// `[[targets]]`, each name once.
    fn target_sets(
        &mut self,
        file: &FileConfig,
        severity: Severity,
        base_dir: &Path,
    ) -> Vec<TargetSet> {
        let mut target_sets: Vec<TargetSet> = Vec::new();
        for (i, set) in file.targets.iter().flatten().enumerate() {
            let set = self.target_set(i, set, severity, base_dir);
            if let Some(first) = target_sets.iter().find(|s| s.name == set.name) {
                let msg = crate::msg!(
                    "two-target-sets-are-named",
                    name = set.name,
                    place = first.origin
                );
                let at = self.at(&parse_path("targets").index(i).key("name"));
                self.problems.push(
                    Problem::error(Code::ConfigDuplicateSet, msg)
                        .help(crate::msg!("give-each-target-set-its"))
                        .at(&at),
                );
            }
            target_sets.push(set);
        }
        target_sets
    }
}
