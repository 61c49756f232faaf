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
use super::resolved::{Concurrency, Gate, Settings, Sla, Sourced, TargetSet};
use super::schema::{FileConfig, NewFindingsValue, SeverityValue};
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
                        crate::msg!("duration-invalid", text = format!("{:?}", text)),
                    )
                    .label(crate::msg!("config-duration-label"))
                    .help(crate::msg!("config-duration-help"))
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
                        "config-severity-suggest-help",
                        s = s,
                        list = Severity::NAMES.join(", ")
                    ),
                    None => crate::msg!(
                        "config-severity-list-help",
                        list = Severity::NAMES.join(", ")
                    ),
                };
                self.problems.push(
                    Problem::error(
                        Code::ConfigSeverity,
                        crate::msg!("config-severity-name", name = format!("{:?}", name)),
                    )
                    .label(crate::msg!("config-severity-name-label"))
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
                            crate::msg!("config-severity-level", n = n),
                        )
                        .label(crate::msg!("config-severity-level-label"))
                        .help(crate::msg!("config-severity-level-help"))
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
                crate::msg!("config-concurrency", path = path, value = value),
            )
            .label(crate::msg!("label-at-least-one"))
            .help(crate::msg!("config-concurrency-help"))
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
        // `what` is a key the catalogs choose the noun by (`config-value-kind`, `config-value-kinds`).
        let (noun, nouns) = (
            crate::msg!("config-value-kind", kind = what),
            crate::msg!("config-value-kinds", kind = what),
        );
        let help = match suggest(value, allowed.iter().copied()) {
            Some(s) => crate::msg!(
                "config-unknown-value-suggest-help",
                s = s,
                what = nouns,
                list = allowed.join(", ")
            ),
            None => crate::msg!(
                "config-unknown-value-list-help",
                what = nouns,
                list = allowed.join(", ")
            ),
        };
        self.problems.push(
            Problem::error(
                code,
                crate::msg!(
                    "config-unknown-value",
                    what = noun,
                    value = format!("{:?}", value)
                ),
            )
            .label(crate::msg!("config-unknown-value-label", what = noun))
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

    /// `vex` entries: paths and globs (checked as globs), or http(s) URLs without credentials.
    fn check_vex(&mut self, items: &[Sourced<String>]) {
        let (urls, globs): (Vec<_>, Vec<_>) =
            items.iter().cloned().partition(|i| i.value.contains("://"));
        self.check_globs(&globs);
        for item in urls {
            let lower = item.value.to_ascii_lowercase();
            let (scheme, rest) = lower.split_once("://").unwrap_or_default();
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let problem = if authority.contains('@') {
                // Neither the URL nor its line is shown: it holds a password.
                Problem::error(
                    Code::ConfigFeedUrl,
                    crate::msg!("feed-url-credentials", key = "vex", origin = &item.origin),
                )
                .help(crate::msg!("feed-url-credentials-help"))
            } else if scheme != "http" && scheme != "https" {
                Problem::error(
                    Code::ConfigFeedUrl,
                    crate::msg!(
                        "feed-url-scheme",
                        key = "vex",
                        url = format!("{:?}", crate::terminal::printable(&item.value))
                    ),
                )
                .label(crate::msg!("label-not-http-url"))
                .help(crate::msg!("feed-url-help"))
                .at(&item.origin)
            } else {
                continue;
            };
            self.problems.push(problem);
        }
    }

    fn check_globs(&mut self, items: &[Sourced<String>]) {
        for item in items {
            if let Err(e) = globset::Glob::new(&item.value) {
                self.problems.push(
                    Problem::error(
                        Code::ConfigGlob,
                        crate::msg!(
                            "config-glob",
                            glob = format!("{:?}", item.value),
                            why = e.kind()
                        ),
                    )
                    .label(crate::msg!("config-glob-label"))
                    .help(crate::msg!("config-glob-help"))
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
        // Not there (yet): judged as written, `..` applied.
        if crate::paths::outside(&base_dir.join(value), base_dir).is_some() {
            self.problems.push(
                Problem::error(
                    Code::ConfigOutsidePath,
                    crate::msg!(
                        "config-path-outside",
                        key = key,
                        value = format!("{:?}", value)
                    ),
                )
                .label(crate::msg!("path-outside-label"))
                .help(crate::msg!("path-outside-help"))
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
        crate::msg!("config-duration-too-long", text = format!("{:?}", text)),
    )
    .label(crate::msg!("config-duration-too-long-label"))
    .help(crate::msg!("config-duration-too-long-help"))
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
    let sla = r.sla(&file);
    let intel = r.intel_settings(&file, &defaults, &trivy.cache_dir, &base_dir);
    let ignores = file
        .ignore
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, entry)| r.ignore_rule(i, entry))
        .collect();
    let vex = r.sourced(&file.vex, &parse_path("vex"));
    r.check_vex(&vex);
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
            sla,
            intel,
            ignores,
            vex,
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
                Problem::error(Code::ConfigScanner, crate::msg!("config-no-scanners"))
                    .help(crate::msg!(
                        "config-no-scanners-help",
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
        let kev = self.kev_gate(or_builtin(
            file.fail_on_kev.clone(),
            defaults.fail_on_kev.clone(),
        ));
        Gate {
            fail_on,
            fail_on_new: self.new_findings(or_builtin(
                file.fail_on_new.clone(),
                defaults.fail_on_new.clone(),
            )),
            fail_on_kev: kev.0,
            kev_overdue_only: kev.1,
            fail_on_epss: self.probability(
                or_builtin(file.fail_on_epss.clone(), defaults.fail_on_epss.clone()),
                "fail_on_epss",
            ),
            fail_on_overdue: or_builtin(file.fail_on_overdue, defaults.fail_on_overdue),
        }
    }

    /// `[sla]`: whole days, 1 to 3650, per severity.
    fn sla(&mut self, file: &FileConfig) -> Sla {
        let Some(sla) = &file.sla else {
            return Sla::default();
        };
        let mut days = Vec::new();
        for (severity, text) in [
            (Severity::Critical, &sla.critical),
            (Severity::High, &sla.high),
            (Severity::Medium, &sla.medium),
            (Severity::Low, &sla.low),
            (Severity::Unknown, &sla.unknown),
        ] {
            let Some(text) = text else { continue };
            let key = format!("sla.{}", severity.as_str().to_lowercase());
            match humantime::parse_duration(text) {
                Ok(d) if (86_400..=3650 * 86_400).contains(&d.as_secs()) => {
                    days.push((severity, (d.as_secs() / 86_400) as i64));
                }
                _ => {
                    let at = self.origin(&key);
                    self.problems.push(
                        Problem::error(
                            Code::ConfigDuration,
                            crate::msg!("config-sla-days", key = key, text = format!("{text:?}")),
                        )
                        .label(crate::msg!("config-duration-label"))
                        .help(crate::msg!("config-sla-days-help"))
                        .at(&at),
                    );
                }
            }
        }
        Sla { days }
    }

    /// `fail_on_kev`: a boolean, or `"overdue"` (on, for findings past their due date only).
    fn kev_gate(&mut self, value: NewFindingsValue) -> (bool, bool) {
        match value {
            NewFindingsValue::Flag(on) => (on, false),
            NewFindingsValue::Name(name) => self
                .one_of(
                    &name.to_lowercase(),
                    &["overdue"],
                    &parse_path("fail_on_kev"),
                    Code::ConfigFailOnKev,
                    "kev_gate",
                    |n| (n == "overdue").then_some((true, true)),
                )
                .unwrap_or((true, false)),
        }
    }

    /// `fail_on_new`: `true` is `"any"`.
    fn new_findings(&mut self, value: NewFindingsValue) -> crate::model::NewFindings {
        use crate::model::NewFindings;
        match value {
            NewFindingsValue::Flag(false) => NewFindings::Off,
            NewFindingsValue::Flag(true) => NewFindings::Any,
            NewFindingsValue::Name(name) => self
                .one_of(
                    &name.to_lowercase(),
                    &NewFindings::NAMES,
                    &parse_path("fail_on_new"),
                    Code::ConfigFailOnNew,
                    "new_findings",
                    NewFindings::from_name,
                )
                .unwrap_or(NewFindings::Any),
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
                .label(crate::msg!("label-at-least-one"))
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
                    "config-duplicate-set",
                    name = set.name,
                    place = first.origin
                );
                let at = self.at(&parse_path("targets").index(i).key("name"));
                self.problems.push(
                    Problem::error(Code::ConfigDuplicateSet, msg)
                        .help(crate::msg!("config-duplicate-set-help"))
                        .at(&at),
                );
            }
            target_sets.push(set);
        }
        target_sets
    }
}
