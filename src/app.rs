//! Commands: each takes the raw args, loads what it needs, and returns an exit code.
//! stdout carries only the command's product; everything for a person goes to stderr.

use std::io::Write;

use serde::Serialize;

use crate::cli::{Args, Command, ConfigCommand};
use crate::error::{Error, exit};
use crate::settings::{
    self, ConfigSource, InvalidConfig, Layered, LoadOptions, Problem, Settings, display_path,
};
use crate::stage::resolve::{self, Resolved};

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

    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("note: {message}");
        }
    }

    pub fn verbose(&self, message: &str) {
        if self.verbose > 0 {
            eprintln!("note: {message}");
        }
    }
}

pub fn run(args: &Args) -> Result<u8, Error> {
    let ui = Ui {
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let opts = load_options(args);
    match &args.command {
        Command::Config(ConfigCommand::Show) => {
            let (_, layered) = load(&opts, ui)?;
            print_stdout(&settings::render_effective(&layered))?;
            Ok(exit::OK)
        }
        Command::Config(ConfigCommand::Check) => config_check(&opts, ui),
        Command::Targets { json } => targets(&opts, ui, *json),
    }
}

fn load_options(args: &Args) -> LoadOptions {
    LoadOptions {
        config: args.config.clone(),
        profile: args.profile.clone(),
        cwd: std::env::current_dir().unwrap_or_default(),
        env: std::env::vars()
            .filter(|(k, _)| k.starts_with(settings::ENV_PREFIX))
            .collect(),
        flags: (&args.overrides).into(),
    }
}

/// Loads the settings, saying once on stderr when the legacy input files stand in for a config.
pub fn load(opts: &LoadOptions, ui: Ui) -> Result<(Settings, Layered), Error> {
    let (settings, layered) = settings::load(opts)?;
    if let ConfigSource::Legacy(dir) = &settings.source {
        ui.note(&format!(
            "no {} found; using the legacy {} / {} in {} (legacy compatibility)",
            settings::CONFIG_FILE,
            settings::LEGACY_IMAGES,
            settings::LEGACY_DOCKERFILES,
            if display_path(dir).is_empty() {
                ".".into()
            } else {
                display_path(dir)
            }
        ));
    }
    Ok((settings, layered))
}

/// Runs the resolve stage and prints its warnings; errors are returned for the caller.
fn resolve_plan(settings: &Settings, ui: Ui) -> Resolved {
    let resolved = resolve::resolve(settings);
    for p in resolved.problems.iter().filter(|p| !p.is_error()) {
        ui.warn(p);
    }
    for n in &resolved.notes {
        ui.verbose(n);
    }
    resolved
}

fn errors_of(resolved: &Resolved) -> Vec<Problem> {
    resolved
        .problems
        .iter()
        .filter(|p| p.is_error())
        .cloned()
        .collect()
}

fn config_check(opts: &LoadOptions, ui: Ui) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    if let ConfigSource::Nothing(dir) = &settings.source {
        return Err(InvalidConfig {
            problems: vec![
                Problem::error(
                    "trivyscan::config::not_found",
                    format!(
                        "no {} found in {} or its parents, and no legacy input files",
                        settings::CONFIG_FILE,
                        dir.display()
                    ),
                )
                .help("copy scanner.toml.example to scanner.toml, or pass --config PATH"),
            ],
        }
        .into());
    }
    let resolved = resolve_plan(&settings, ui);
    let errors = errors_of(&resolved);
    if !errors.is_empty() {
        return Err(InvalidConfig { problems: errors }.into());
    }
    if !ui.quiet {
        let warnings = resolved.problems.len();
        eprintln!(
            "config OK: profile \"{}\", {} target set(s), {} target(s){}",
            settings.profile,
            settings.target_sets.len(),
            resolved.plan.targets.len(),
            if warnings > 0 {
                format!(", {warnings} warning(s)")
            } else {
                String::new()
            }
        );
    }
    Ok(exit::OK)
}

#[derive(Serialize)]
struct PlanRow<'a> {
    set: &'a str,
    kind: &'static str,
    target: String,
    severity: &'static str,
    origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<&'a str>,
}

fn targets(opts: &LoadOptions, ui: Ui, json: bool) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    let resolved = resolve_plan(&settings, ui);
    let rows: Vec<PlanRow> = resolved
        .plan
        .targets
        .iter()
        .map(|t| PlanRow {
            set: &t.set,
            kind: t.kind.label(),
            target: if json {
                t.kind.identity()
            } else {
                t.kind.display_name()
            },
            severity: t.severity.as_str(),
            origin: t.origin.to_string(),
            problem: t.problem.as_deref(),
        })
        .collect();
    let text = if json {
        serde_json::to_string_pretty(&rows).expect("plan serializes") + "\n"
    } else {
        plan_table(&rows)
    };
    print_stdout(&text)?;
    let errors = errors_of(&resolved);
    if !errors.is_empty() {
        return Err(InvalidConfig { problems: errors }.into());
    }
    Ok(exit::OK)
}

fn plan_table(rows: &[PlanRow]) -> String {
    let headers = ["SET", "KIND", "SEVERITY", "TARGET", "FROM"];
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let target = match r.problem {
                Some(p) => format!("{} (error: {p})", r.target),
                None => r.target.clone(),
            };
            [
                r.set.to_string(),
                r.kind.to_string(),
                r.severity.to_string(),
                target,
                r.origin.clone(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cols: [&str; 5]| {
        let mut s = String::new();
        for (i, c) in cols.iter().enumerate() {
            if i == 4 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(headers);
    for row in &cells {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    out
}

fn print_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(Error::Stdout)
}
