//! Commands: each takes the raw args, loads what it needs, and returns an exit code.
//! stdout carries only the command's product; everything for a person goes to stderr.
//!
//! This module dispatches and holds what every command shares (loading settings, resolving
//! the plan, writing stdout); each command, or group of `report` / `cache` subcommands, has a
//! submodule of its own, and `progress` the stderr reporters `run` and `legacy` use.

use std::io::Write;
use std::sync::Arc;

use crate::cli::{Args, Command, ConfigCommand, ReportCommand};
use crate::environment::Environment;
use crate::error::{Error, exit};
use crate::paths::display_path;
use crate::settings::{self, ConfigSource, Layered, LoadOptions, Problem, Settings};
use crate::stage::resolve::{self, Resolved};

mod cache;
mod init;
mod legacy;
mod man;
mod plan;
mod progress;
mod reports;
mod run;

use cache::cache_command;
use init::init;
use legacy::legacy;
use plan::{config_check, targets};
use progress::{PlainReporter, progress};
use reports::{report_diff, report_merge, report_render, report_trend, vex_export};
use run::run_scan;

/// How chatty stderr is.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub quiet: bool,
    pub verbose: u8,
}

impl Ui {
    pub fn warn(&self, problem: &Problem) {
        if !self.quiet {
            eprintln!("{:?}", miette::Report::new(problem.clone()));
        }
    }

    pub fn note(&self, message: &crate::i18n::Msg) {
        if !self.quiet {
            eprintln!(
                "{}: {}",
                crate::i18n::t("note_label"),
                crate::terminal::printable(&message.localized())
            );
        }
    }

    pub fn verbose(&self, message: &crate::i18n::Msg) {
        if self.verbose > 0 {
            eprintln!("{}: {}", crate::i18n::t("note_label"), message.localized());
        }
    }
}

pub fn run(args: &Args, env: Arc<Environment>) -> Result<u8, Error> {
    let ui = Ui {
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let opts = load_options(args, env);
    match &args.command {
        Command::Config(ConfigCommand::Show { .. }) => {
            let (_, layered) = load(&opts, ui)?;
            print_stdout(&settings::render_effective(&layered))?;
            Ok(exit::OK)
        }
        Command::Config(ConfigCommand::Check { .. }) => config_check(&opts, ui),
        Command::Targets { json, shard, .. } => {
            targets(&opts, ui, *json, shard_of_run(shard, &opts.env, ui)?)
        }
        Command::Run {
            baseline, shard, ..
        } => run_scan(
            &opts,
            ui,
            baseline.as_deref(),
            shard_of_run(shard, &opts.env, ui)?,
        ),
        Command::Report(ReportCommand::Merge { reports, output }) => {
            report_merge(ui, reports, output)
        }
        Command::Report(ReportCommand::Render {
            output,
            formats,
            show_secrets,
            sarif_max_results,
            sarif_split,
            report,
        }) => report_render(
            formats,
            output.as_deref(),
            crate::report::RenderOptions {
                show_secrets: *show_secrets,
                sarif_max_results: *sarif_max_results,
                sarif_split: match sarif_split {
                    crate::cli::SarifSplitArg::None => crate::settings::SarifSplit::None,
                    crate::cli::SarifSplitArg::TargetSet => crate::settings::SarifSplit::TargetSet,
                    crate::cli::SarifSplitArg::Image => crate::settings::SarifSplit::Image,
                },
            },
            report,
            || load(&opts, ui).map(|(settings, _)| settings),
        ),
        Command::Report(ReportCommand::Diff {
            old,
            new,
            format,
            json,
        }) => report_diff(
            old,
            new,
            if *json {
                crate::cli::DiffFormat::Json
            } else {
                *format
            },
        ),
        Command::Report(ReportCommand::Trend {
            reports,
            format,
            output,
        }) => report_trend(reports, *format, output.as_deref()),
        Command::Vex(crate::cli::VexCommand::Export {
            report,
            format,
            output,
            author,
        }) => vex_export(report, *format, output.as_deref(), author),
        Command::Init { from_legacy, force } => init(&opts, ui, *from_legacy, *force),
        Command::Completions { shell } => {
            let mut cmd = crate::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "trivyscan", &mut out);
            print_stdout(&String::from_utf8_lossy(&out))?;
            Ok(exit::OK)
        }
        Command::Cache(command) => cache_command(&opts, ui, command),
        Command::Man => {
            print_stdout(&man::page().map_err(Error::Stdout)?)?;
            Ok(exit::OK)
        }

        Command::Legacy { mode, .. } => legacy(&opts, ui, *mode),
    }
}

fn load_options(args: &Args, env: Arc<Environment>) -> LoadOptions {
    LoadOptions {
        config: args.config.clone(),
        profile: args.profile.clone(),
        cwd: std::env::current_dir().unwrap_or_default(),
        env,
        flags: (&args.overrides()).into(),
        legacy_only: matches!(args.command, Command::Legacy { .. }),
        launched_by_trivy: launching_trivy(),
    }
}

/// When trivyscan runs as a Trivy plugin (`trivy trivyscan ...`), the Trivy that launched it:
/// its binary lives in Trivy's `plugins/` directory and its parent process is a `trivy`.
/// (Trivy passes no marker of its own; it runs the plugin with its own environment.)
fn launching_trivy() -> Option<std::path::PathBuf> {
    let me = std::env::current_exe().ok()?;
    if !me.components().any(|c| c.as_os_str() == "plugins") {
        return None;
    }
    let parent =
        std::fs::read_link(format!("/proc/{}/exe", std::os::unix::process::parent_id())).ok()?;
    parent
        .file_name()?
        .to_string_lossy()
        .starts_with("trivy")
        .then_some(parent)
}

/// Loads the settings, saying once on stderr when the legacy input files stand in for a config.
pub fn load(opts: &LoadOptions, ui: Ui) -> Result<(Settings, Layered), Error> {
    let (settings, layered) = settings::load(opts)?;
    announce_legacy_source(&settings, ui);
    Ok((settings, layered))
}

/// Says once on stderr when the legacy input files stand in for a config.
fn announce_legacy_source(settings: &Settings, ui: Ui) {
    if let ConfigSource::Legacy(dir) = &settings.source {
        // The file names are in the message: they are fixed (settings::CONFIG_FILE, ...).
        ui.note(&crate::msg!(
            "config-from-legacy-lists",
            dir = if display_path(dir).is_empty() {
                ".".into()
            } else {
                display_path(dir)
            }
        ));
    }
}

/// Runs the resolve stage and prints its warnings; errors are returned for the caller.
fn resolve_plan(settings: &Settings, ui: Ui) -> Resolved {
    let resolved = resolve::resolve(settings);
    warn_all(ui, resolved.problems.iter().filter(|p| !p.is_error()));
    for n in &resolved.said {
        ui.note(n);
    }
    for n in &resolved.notes {
        ui.verbose(n);
    }
    resolved
}

/// Prints problems as warnings: the first [`settings::SHOWN_PROBLEMS`] in full, the rest
/// counted in one line (rendering each costs a look at its file).
fn warn_all<'a>(ui: Ui, problems: impl Iterator<Item = &'a Problem>) {
    let mut hidden = 0;
    for (i, p) in problems.enumerate() {
        if i < settings::SHOWN_PROBLEMS {
            ui.warn(p);
        } else {
            hidden += 1;
        }
    }
    if hidden > 0 && !ui.quiet {
        eprintln!(
            "{}",
            crate::msg!("problems-not-shown", n = hidden).localized()
        );
    }
}

fn errors_of(resolved: &Resolved) -> Vec<Problem> {
    resolved
        .problems
        .iter()
        .filter(|p| p.is_error())
        .cloned()
        .collect()
}

/// Writes a command's product. Text from outside (imported reports) may hold terminal
/// escapes: they are shown escaped (JSON escapes them itself).
fn print_stdout(text: &str) -> Result<(), Error> {
    let text = crate::terminal::printable(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(Error::Stdout)
}

fn timestamp_now() -> String {
    chrono::Local::now().format("%Y%m%d_%H%M%S").to_string()
}

/// `K/N` with 1 <= K <= N.
/// `--shard K/N`, or `auto`: K/N from the engine the job runs on, said on stderr; `None`
/// without `--shard`.
fn shard_of_run(
    args: &crate::cli::ShardArgs,
    env: &Environment,
    ui: Ui,
) -> Result<Option<(u32, u32)>, Error> {
    let total = args.shard_total;
    let Some(text) = &args.shard else {
        return Ok(None);
    };
    if !text.trim().eq_ignore_ascii_case("auto") {
        return parse_shard(text).map(Some);
    }
    let env = |name: &str| env.non_blank(name).map(str::to_string);
    let ((k, how), n) = shard_from_engine(&env, total)?;
    ui.note(&how);
    Ok(Some((k, n)))
}

/// K/N from a CI engine's variables: GitLab's `parallel:` (CI_NODE_INDEX, CI_NODE_TOTAL,
/// 1-based), or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based, with N from
/// `--shard-total` or TRIVYSCAN_SHARD_TOTAL). Neither: an error, never a silent full run.
fn shard_from_engine(
    env: &dyn Fn(&str) -> Option<String>,
    total: Option<u32>,
) -> Result<((u32, crate::i18n::Msg), u32), Error> {
    let number = |name: &str| -> Result<Option<u32>, Error> {
        env(name)
            .map(|v| {
                v.trim().parse::<u32>().map_err(|_| {
                    Error::ShardAuto(crate::msg!(
                        "shard-auto-not-a-number",
                        name = name,
                        value = format!("{v:?}")
                    ))
                })
            })
            .transpose()
    };
    let checked = |k: u32, n: u32, how: crate::i18n::Msg| {
        if n >= 1 && (1..=n).contains(&k) {
            Ok(((k, how), n))
        } else {
            Err(Error::ShardAuto(crate::msg!(
                "shard-auto-out-of-range",
                how = how
            )))
        }
    };
    if let (Some(k), Some(n)) = (number("CI_NODE_INDEX")?, number("CI_NODE_TOTAL")?) {
        return checked(k, n, crate::msg!("shard-from-gitlab", k = k, n = n));
    }
    if let Some(index) = number("JOB_COMPLETION_INDEX")? {
        let n = match (total, number("TRIVYSCAN_SHARD_TOTAL")?) {
            (Some(n), _) | (None, Some(n)) => n,
            (None, None) => {
                return Err(Error::ShardAuto(crate::msg!("shard-auto-no-total")));
            }
        };
        let k = index + 1;
        return checked(
            k,
            n,
            crate::msg!("shard-from-indexed-job", k = k, n = n, index = index),
        );
    }
    Err(Error::ShardAuto(crate::msg!("shard-auto-no-engine")))
}

fn parse_shard(text: &str) -> Result<(u32, u32), Error> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?)))
        .filter(|(k, n)| *n >= 1 && (1..=*n).contains(k));
    parsed.ok_or_else(|| Error::Shard(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::shard_from_engine;

    fn with(vars: &[(&str, &str)], total: Option<u32>) -> Result<(u32, u32), String> {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        shard_from_engine(&env, total)
            .map(|((k, _), n)| (k, n))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn shard_auto_reads_gitlab_and_kubernetes() {
        assert_eq!(
            with(&[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "8")], None),
            Ok((2, 8))
        );
        // Kubernetes counts from 0; N comes from the flag, else the variable.
        assert_eq!(with(&[("JOB_COMPLETION_INDEX", "0")], Some(4)), Ok((1, 4)));
        assert_eq!(
            with(
                &[
                    ("JOB_COMPLETION_INDEX", "3"),
                    ("TRIVYSCAN_SHARD_TOTAL", "4")
                ],
                None
            ),
            Ok((4, 4))
        );
        for (vars, total) in [
            (&[][..], None),
            (&[("JOB_COMPLETION_INDEX", "0")][..], None),
            (&[("JOB_COMPLETION_INDEX", "4")][..], Some(4)),
            (&[("CI_NODE_INDEX", "0"), ("CI_NODE_TOTAL", "2")][..], None),
            (&[("CI_NODE_INDEX", "x"), ("CI_NODE_TOTAL", "2")][..], None),
        ] {
            assert!(with(vars, total).is_err(), "{vars:?} {total:?}");
        }
    }
}
