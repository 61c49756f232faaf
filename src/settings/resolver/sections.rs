//! `[report]`, `[intel]` and `[docker]`, and the probabilities of the gate.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diagnostic_code::Code;

use super::{Resolver, builtin_duration, or_builtin, parse_path};
use crate::settings::diagnostics::Problem;
use crate::settings::resolved::{DockerSettings, IntelSettings, ReportFormat, ReportSettings};
use crate::settings::schema::{FORMATS, FileConfig, ProbabilityValue};

impl Resolver<'_> {
    /// `[report]`: where reports go and in which formats.
    pub(super) fn report_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        base_dir: &Path,
    ) -> ReportSettings {
        let rep = file.report.clone().unwrap_or_default();
        let rep_def = defaults.report.clone().unwrap_or_default();
        let mut formats = Vec::new();
        for (i, name) in or_builtin(rep.formats.clone(), rep_def.formats)
            .iter()
            .enumerate()
        {
            let path = parse_path("report.formats").index(i);
            if let Some(f) = self.one_of(
                name,
                &FORMATS,
                &path,
                Code::ConfigFormat,
                "report_format",
                ReportFormat::from_name,
            ) && !formats.contains(&f)
            {
                formats.push(f);
            }
        }
        let sarif = rep.sarif.unwrap_or_default();
        let sarif_max_results = self.sarif_max_results(sarif.max_results);
        let sarif_split = match &sarif.split {
            None => crate::settings::SarifSplit::None,
            Some(name) => self
                .one_of(
                    name,
                    &crate::settings::SarifSplit::NAMES,
                    &parse_path("report.sarif.split"),
                    Code::ConfigSarif,
                    "sarif_split",
                    crate::settings::SarifSplit::from_name,
                )
                .unwrap_or_default(),
        };
        ReportSettings {
            output_dir: base_dir.join(or_builtin(rep.output_dir, rep_def.output_dir)),
            formats,
            redact_secrets: or_builtin(rep.redact_secrets, rep_def.redact_secrets),
            sarif_max_results,
            sarif_split,
        }
    }

    /// `report.sarif.max_results`: 1 to GitHub's hard limit of 25,000 results per run.
    fn sarif_max_results(&mut self, value: Option<i64>) -> usize {
        use crate::settings::{SARIF_MAX_RESULTS, SARIF_SHOWN_RESULTS};
        let Some(value) = value else {
            return SARIF_SHOWN_RESULTS;
        };
        if (1..=SARIF_MAX_RESULTS as i64).contains(&value) {
            return value as usize;
        }
        let key = "report.sarif.max_results";
        self.problems.push(
            Problem::error(
                Code::ConfigSarif,
                crate::msg!("config-sarif-max-results", value = value),
            )
            .label(crate::msg!("config-sarif-max-results-label"))
            .help(crate::msg!("config-sarif-max-results-help"))
            .at(&self.origin(key)),
        );
        SARIF_SHOWN_RESULTS
    }

    /// `[docker]`: the binary, build timeout and sudo.
    /// A probability threshold: a number in (0, 1], or `none` for no threshold.
    pub(super) fn probability(&mut self, value: ProbabilityValue, key: &str) -> Option<f64> {
        let number = match &value {
            ProbabilityValue::Number(n) => Some(*n),
            ProbabilityValue::Name(s) if s.trim().eq_ignore_ascii_case("none") => return None,
            ProbabilityValue::Name(s) => s.trim().parse::<f64>().ok(),
        };
        match number {
            Some(p) if p > 0.0 && p <= 1.0 => Some(p),
            _ => {
                let shown = match &value {
                    ProbabilityValue::Number(n) => n.to_string(),
                    ProbabilityValue::Name(s) => format!("{s:?}"),
                };
                self.problems.push(
                    Problem::error(
                        Code::ConfigProbability,
                        crate::msg!("config-probability", key = key, shown = shown),
                    )
                    .label(crate::msg!("config-probability-label"))
                    .help(crate::msg!("config-probability-help"))
                    .at(&self.origin(key)),
                );
                None
            }
        }
    }

    /// `[intel]`: the feeds, their age limit and where they are kept.
    pub(super) fn intel_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        cache_dir: &Path,
        base_dir: &Path,
    ) -> IntelSettings {
        // A path (no scheme) is relative to the config file, like every path in it.
        let source = |url: String| {
            if url.contains("://") {
                url
            } else {
                base_dir.join(url).display().to_string()
            }
        };
        let i = file.intel.clone().unwrap_or_default();
        let id = defaults.intel.clone().unwrap_or_default();
        let max_age_text = or_builtin(i.max_age, id.max_age.clone());
        let max_age = match humantime::parse_duration(&max_age_text) {
            Ok(d) if !d.is_zero() && d <= MAX_INTEL_AGE => d,
            _ => {
                self.problems.push(
                    Problem::error(
                        Code::ConfigDuration,
                        crate::msg!("config-intel-max-age", text = format!("{:?}", max_age_text)),
                    )
                    .label(crate::msg!("config-intel-max-age-label"))
                    .help(crate::msg!("config-intel-max-age-help"))
                    .at(&self.origin("intel.max_age")),
                );
                builtin_duration(id.max_age.as_deref())
            }
        };
        let kev = or_builtin(i.kev, id.kev);
        let epss = or_builtin(i.epss, id.epss);
        let offline = or_builtin(i.offline, id.offline);
        let kev_url = source(or_builtin(i.kev_url, id.kev_url));
        let epss_url = source(or_builtin(i.epss_url, id.epss_url));
        for (wanted, url, key) in [
            (kev, &kev_url, "intel.kev_url"),
            (epss, &epss_url, "intel.epss_url"),
        ] {
            if wanted {
                self.check_feed_source(url, key, offline);
            }
        }
        IntelSettings {
            kev,
            epss,
            kev_url,
            epss_url,
            max_age,
            max_age_text,
            offline,
            dir: cache_dir.join("intel"),
        }
    }

    /// A feed's source: an `http(s)://` URL without credentials in it, or a file (`file://`
    /// or a path) that exists unless the run is offline. Found by `config check`, not first by
    /// a run that then goes without the data.
    fn check_feed_source(&mut self, url: &str, key: &str, offline: bool) {
        let lower = url.to_ascii_lowercase();
        let problem = match lower.split_once("://") {
            Some((_, rest))
                if rest
                    .split(['/', '?', '#'])
                    .next()
                    .is_some_and(|authority| authority.contains('@')) =>
            {
                // Neither the URL nor its line is shown (a snippet would be): it holds a
                // password. The message names the place.
                self.problems.push(
                    Problem::error(
                        Code::ConfigFeedUrl,
                        crate::msg!("feed-url-credentials", key = key, origin = self.origin(key)),
                    )
                    .help(crate::msg!("feed-url-credentials-help")),
                );
                None
            }
            Some(("http" | "https", _)) => None,
            Some(("file", _)) | None => {
                let path = if lower.starts_with("file://") {
                    &url["file://".len()..]
                } else {
                    url
                };
                (!offline && !Path::new(path).is_file()).then(|| {
                    Problem::error(
                        Code::ConfigFeedUrl,
                        crate::msg!(
                            "feed-file-missing",
                            key = key,
                            path = crate::terminal::printable(&crate::paths::display_path(
                                Path::new(path)
                            ))
                        ),
                    )
                    .label(crate::msg!("label-not-found"))
                    .help(crate::msg!("feed-url-help"))
                })
            }
            Some(_) => Some(
                Problem::error(
                    Code::ConfigFeedUrl,
                    crate::msg!(
                        "feed-url-scheme",
                        key = key,
                        url = format!("{:?}", crate::terminal::printable(url))
                    ),
                )
                .label(crate::msg!("label-not-http-url"))
                .help(crate::msg!("feed-url-help")),
            ),
        };
        if let Some(p) = problem {
            self.problems.push(p.at(&self.origin(key)));
        }
    }

    pub(super) fn docker_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        base_dir: &Path,
    ) -> DockerSettings {
        let d = file.docker.clone().unwrap_or_default();
        let dd = defaults.docker.clone().unwrap_or_default();
        let build_timeout_text = or_builtin(d.build_timeout, dd.build_timeout.clone());
        let build_timeout = self.duration(
            &build_timeout_text,
            dd.build_timeout.as_deref(),
            "docker.build_timeout",
        );
        let docker_binary = or_builtin(d.binary, dd.binary);
        DockerSettings {
            binary: if docker_binary.contains('/') {
                base_dir.join(docker_binary)
            } else {
                PathBuf::from(docker_binary)
            },
            build_timeout,
            allow_sudo: or_builtin(d.allow_sudo, dd.allow_sudo),
        }
    }
}

/// An air-gapped copy of the exploitation data may be refreshed rarely; a year is the most
/// that still means something.
const MAX_INTEL_AGE: Duration = Duration::from_secs(365 * 24 * 3600);
