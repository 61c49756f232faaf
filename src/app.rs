//! Commands: each takes the raw args, loads what it needs, and returns an exit code.
//! stdout carries only the command's product; everything for a person goes to stderr.

use std::io::Write;

use serde::Serialize;

use crate::cli::{Args, CacheCommand, Command, ConfigCommand, LegacyMode, ReportCommand};
use crate::error::{Error, exit};
use crate::i18n::{t, tf};
use crate::model::{Outcome, TargetKind, TargetResult};
use crate::pipeline::{self, Reporter};
use crate::report;
use crate::report::summary::Summary;
use crate::settings::ReportFormat;
use crate::settings::{
    self, ConfigSource, InvalidConfig, Layered, LoadOptions, Problem, Settings, display_path,
};
use crate::stage::policy::Policy;
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
            eprintln!("{:?}", crate::i18n::report(problem.localized()));
        }
    }

    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("note: {}", crate::i18n::translate(message));
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
        Command::Targets { json, shard } => {
            let shard = shard.as_deref().map(parse_shard).transpose()?;
            targets(&opts, ui, *json, shard)
        }
        Command::Run { baseline, shard } => {
            let shard = shard.as_deref().map(parse_shard).transpose()?;
            run_scan(&opts, ui, baseline.as_deref(), shard)
        }
        Command::Report(ReportCommand::Merge { reports, output }) => {
            report_merge(ui, reports, output)
        }
        Command::Report(ReportCommand::Render {
            output,
            show_secrets,
            report,
        }) => report_render(
            &args.overrides.formats,
            output.as_deref(),
            *show_secrets,
            report,
        ),
        Command::Report(ReportCommand::Diff { old, new, json }) => report_diff(old, new, *json),
        Command::Init { from_legacy, force } => init(&opts, ui, *from_legacy, *force),
        Command::Completions { shell } => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "trivyscan", &mut out);
            print_stdout(&String::from_utf8_lossy(&out))?;
            Ok(exit::OK)
        }
        Command::Cache(command) => cache_command(&opts, ui, command),
        Command::Man => {
            let cmd = <Args as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut out)
                .map_err(Error::Stdout)?;
            print_stdout(&String::from_utf8_lossy(&out))?;
            Ok(exit::OK)
        }

        Command::Legacy { mode } => legacy(&opts, ui, *mode),
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

fn targets(opts: &LoadOptions, ui: Ui, json: bool, shard: Option<(u32, u32)>) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    let resolved = resolve_plan(&settings, ui);
    let planned = match shard {
        Some((k, n)) => resolve::shard(resolved.plan.targets.clone(), &settings.base_dir, k, n),
        None => resolved.plan.targets.clone(),
    };
    let rows: Vec<PlanRow> = planned
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

/// Plain progress lines, one per finished target: what CI logs show.
struct PlainReporter {
    ui: Ui,
    /// The old script's per-target lines instead of trivyscan's.
    legacy_style: bool,
}

impl Reporter for PlainReporter {
    fn say(&self, message: &str) {
        self.ui.note(message);
    }

    fn warn_diagnostic(&self, diagnostic: miette::Report) {
        if !self.ui.quiet {
            eprintln!("{diagnostic:?}");
        }
    }

    fn target_done(&self, done: usize, total: usize, r: &TargetResult) {
        if self.ui.quiet {
            return;
        }
        let name = r.target.kind.display_name();
        let secs = r.duration.as_secs_f64();
        let line = match (&r.outcome, self.legacy_style) {
            (Outcome::Scanned { grouped, .. }, false) => tf(
                "progress_ok",
                &[
                    ("done", &done),
                    ("total", &total),
                    ("name", &name),
                    ("vulns", &grouped.vulnerabilities()),
                    ("secrets", &grouped.secrets()),
                    ("secs", &format!("{secs:.1}")),
                ],
            ),
            (Outcome::Failed { kind, message }, false) => tf(
                "progress_error",
                &[
                    ("done", &done),
                    ("total", &total),
                    ("name", &name),
                    ("kind", &kind.as_str()),
                    ("message", message),
                ],
            ),
            (Outcome::Scanned { grouped, .. }, true) => {
                let mut text = format!(
                    "\n[{done}/{total}] {} {name}\n{}",
                    icon(r),
                    tf(
                        "legacy_ok",
                        &[
                            ("vulns", &grouped.vulnerabilities()),
                            ("secrets", &grouped.secrets()),
                            ("secs", &format!("{secs:.1}")),
                        ]
                    )
                );
                let comps: Vec<String> = grouped
                    .components
                    .iter()
                    .map(|(c, s)| format!("{c}:{}", s.values().map(Vec::len).sum::<usize>()))
                    .collect();
                if !comps.is_empty() {
                    let more = if comps.len() > 10 { " ..." } else { "" };
                    let list = format!("{}{more}", comps[..comps.len().min(10)].join(", "));
                    text.push('\n');
                    text.push_str(&tf("legacy_components", &[("list", &list)]));
                }
                text
            }
            (Outcome::Failed { message, .. }, true) => {
                format!(
                    "\n[{done}/{total}] {} {name}\n{}",
                    icon(r),
                    tf("legacy_failed", &[("message", message)])
                )
            }
        };
        eprintln!("{line}");
    }
}

/// On a terminal: a bar for the fleet and a spinner per running scan; failures and messages
/// are printed above them.
struct BarReporter {
    multi: indicatif::MultiProgress,
    fleet: indicatif::ProgressBar,
    active: std::sync::Mutex<std::collections::HashMap<String, indicatif::ProgressBar>>,
}

impl BarReporter {
    fn new(total: usize) -> BarReporter {
        let multi = indicatif::MultiProgress::new();
        let fleet = multi.add(indicatif::ProgressBar::new(total as u64));
        fleet.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30}] {pos}/{len} targets {msg}",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        BarReporter {
            multi,
            fleet,
            active: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }
}

impl Reporter for BarReporter {
    fn say(&self, message: &str) {
        let _ = self
            .multi
            .println(format!("note: {}", crate::i18n::translate(message)));
    }

    fn warn_diagnostic(&self, diagnostic: miette::Report) {
        self.multi.suspend(|| eprintln!("{diagnostic:?}"));
    }

    fn target_started(&self, _index: usize, target: &crate::model::PlannedTarget) {
        let spinner = self.multi.add(indicatif::ProgressBar::new_spinner());
        spinner.set_style(
            indicatif::ProgressStyle::with_template("  {spinner} {msg} {elapsed}")
                .expect("template"),
        );
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        let name = target.kind.display_name();
        spinner.set_message(name.clone());
        self.active.lock().expect("bars").insert(name, spinner);
    }

    fn target_done(&self, _done: usize, _total: usize, r: &TargetResult) {
        let name = r.target.kind.display_name();
        if let Some(spinner) = self.active.lock().expect("bars").remove(&name) {
            spinner.finish_and_clear();
            self.multi.remove(&spinner);
        }
        self.fleet.inc(1);
        let line = match &r.outcome {
            Outcome::Scanned { grouped, .. } => format!(
                "  ok    {name}: vulns={}, secrets={}, {:.1}s",
                grouped.vulnerabilities(),
                grouped.secrets(),
                r.duration.as_secs_f64()
            ),
            Outcome::Failed { kind, message } => {
                format!("  error {name} ({}): {message}", kind.as_str())
            }
        };
        let _ = self.multi.println(line);
        if self.fleet.position() == self.fleet.length().unwrap_or(0) {
            self.fleet.finish_and_clear();
        }
    }
}

/// Bars on a terminal, plain lines elsewhere (CI logs).
fn progress(ui: Ui, total: usize, legacy_style: bool) -> Box<dyn Reporter> {
    use std::io::IsTerminal;
    if !ui.quiet && !legacy_style && std::io::stderr().is_terminal() {
        Box::new(BarReporter::new(total))
    } else {
        Box::new(PlainReporter { ui, legacy_style })
    }
}

/// The old script's marks: 📡 registry image, 🔧 Dockerfile.
fn icon(r: &TargetResult) -> &'static str {
    if matches!(r.target.kind, TargetKind::Dockerfile(_)) {
        "🔧"
    } else {
        "📡"
    }
}

fn timestamp_now() -> String {
    chrono::Local::now().format("%Y%m%d_%H%M%S").to_string()
}

/// `remote`, `local` or `both`, by the kinds of targets in the plan.
fn scan_mode(targets: &[crate::model::PlannedTarget]) -> &'static str {
    let images = targets
        .iter()
        .any(|t| !matches!(t.kind, TargetKind::Dockerfile(_)));
    let dockerfiles = targets
        .iter()
        .any(|t| matches!(t.kind, TargetKind::Dockerfile(_)));
    match (images, dockerfiles) {
        (false, true) => "local",
        (true, true) => "both",
        _ => "remote",
    }
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<(u32, u32), Error> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?)))
        .filter(|(k, n)| *n >= 1 && (1..=*n).contains(k));
    parsed.ok_or_else(|| Error::Shard(text.to_string()))
}

fn run_scan(
    opts: &LoadOptions,
    ui: Ui,
    baseline: Option<&std::path::Path>,
    shard: Option<(u32, u32)>,
) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    if let ConfigSource::Nothing(_) = settings.source {
        return Err(Error::NoConfig);
    }
    let baseline = match baseline {
        Some(path) => {
            let doc = report::doc::Doc::load(path)?;
            Some(report::baseline::Baseline::from_doc(
                &doc,
                &display_path(path),
            ))
        }
        None => None,
    };
    if settings.gate.fail_on_new && baseline.is_none() && !ui.quiet {
        ui.note("fail_on_new is set but no --baseline was given: every finding counts as new");
    }
    let (policy, expired) = Policy::new(&settings.ignores, chrono::Local::now().date_naive());
    for p in &expired {
        ui.warn(p);
    }
    let resolved = resolve_plan(&settings, ui);
    // Invalid targets do not stop the run: they become error entries.
    for p in resolved.problems.iter().filter(|p| p.is_error()) {
        ui.warn(p);
    }
    let mut targets = resolved.plan.targets;
    if let Some((k, n)) = shard {
        let all = targets.len();
        targets = resolve::shard(targets, &settings.base_dir, k, n);
        ui.note(&format!(
            "shard {k}/{n}: {} of {all} target(s)",
            targets.len()
        ));
    }
    if targets.is_empty() && shard.is_none() {
        return Err(Error::NoTargets);
    }
    crate::exec::install_signal_handlers();
    let reporter = progress(ui, targets.len(), false);
    if !ui.quiet {
        eprintln!(
            "{}",
            tf(
                "run_start",
                &[
                    ("count", &targets.len()),
                    ("profile", &settings.profile),
                    ("workers", &settings.concurrency.remote),
                    ("cache", &display_path(&settings.trivy.cache_dir)),
                ]
            )
        );
    }
    let mode = scan_mode(&targets);
    // Two runs in one second must not overwrite each other's reports: `-2`, `-3`, ... then.
    let base_stamp = timestamp_now();
    let dir = &settings.report.output_dir;
    let stamp = (1..)
        .map(|n| match n {
            1 => base_stamp.clone(),
            n => format!("{base_stamp}-{n}"),
        })
        .find(|s| {
            !dir.join(format!("trivyscan-{}-{s}.json", settings.profile))
                .exists()
                && !dir
                    .join(format!("advanced_scan_results_{mode}_{s}.json"))
                    .exists()
        })
        .expect("a free name");
    let stem = format!("trivyscan-{}-{stamp}", settings.profile);

    let wanted = &settings.report.formats;
    let rendered_formats: Vec<ReportFormat> =
        wanted.iter().copied().filter(|f| f.is_rendered()).collect();
    // The rendered formats are made from the JSON report: write it even when not asked for,
    // and remove it afterwards.
    let mut streamed: Vec<ReportFormat> = wanted
        .iter()
        .copied()
        .filter(|f| !f.is_rendered())
        .collect();
    let keep_json = streamed.contains(&ReportFormat::Json);
    if !rendered_formats.is_empty() && !keep_json {
        streamed.push(ReportFormat::Json);
    }
    let mut emitters = Vec::new();
    for format in &streamed {
        let name = match format {
            ReportFormat::LegacyJson => format!("advanced_scan_results_{mode}_{stamp}.json"),
            _ => format!("{stem}.json"),
        };
        emitters.push(Emitter::new(*format, &settings.report.output_dir, &name)?);
    }
    let mut summary = Summary::default();
    let mut fleet = report::fleet::Fleet::default();
    let mut write_error = None;
    let ctx = RenderContext {
        formats: &streamed,
        policy: &policy,
        ignores: &settings.ignores,
        gate: settings.gate,
        baseline: baseline.as_ref(),
        redact_secrets: settings.report.redact_secrets,
    };
    let prepare = |r: TargetResult| Rendered::of(&ctx, r);
    let mut info = pipeline::execute(
        &settings,
        &targets,
        &settings.profile,
        reporter.as_ref(),
        &prepare,
        &mut |rendered: Rendered| {
            for (e, entry) in emitters.iter_mut().zip(&rendered.entries) {
                if let Err(err) = e.push(entry) {
                    write_error.get_or_insert(err);
                }
            }
            fleet.add(&rendered.facts);
            summary.add_item(rendered.summary);
        },
    )?;
    info.shard = shard.map(|(k, n)| format!("{k}/{n}"));
    if let Some(err) = write_error {
        return Err(err.into());
    }
    let section = fleet.finish(settings.gate, baseline.as_ref());
    let mut paths = Vec::new();
    let mut json_path = None;
    for e in emitters {
        let is_json = matches!(e, Emitter::Json(_));
        let path = e.finish(&info, &section)?;
        if is_json {
            json_path = Some(path.clone());
            if !keep_json {
                continue;
            }
        }
        paths.push(path);
    }
    if !rendered_formats.is_empty() {
        let json_path = json_path.expect("the JSON report is written for the rendered formats");
        let doc = report::doc::Doc::load(&json_path)?;
        for format in &rendered_formats {
            let bytes = report::render_from_doc(&doc, *format, false);
            let name = format!("{stem}.{}", format.extension());
            paths.push(report::write_atomic(
                &settings.report.output_dir,
                &name,
                &bytes,
            )?);
        }
        if !keep_json {
            let _ = std::fs::remove_file(&json_path);
        }
    }
    let text: String = paths
        .iter()
        .map(|p| format!("{}\n", display_path(p)))
        .collect();
    print_stdout(&text)?;
    if !ui.quiet {
        eprintln!("{}", report::summary::component_summary(&summary));
        eprint!("{}", report::summary::fleet_summary(&section, &summary));
        let failures = summary.failure_lines();
        if !failures.is_empty() {
            eprintln!(
                "{}\n{}",
                tf(
                    "failed_targets",
                    &[("failed", &failures.len()), ("total", &summary.targets)]
                ),
                failures.join("\n")
            );
        }
    }
    Ok(if info.interrupted {
        exit::INTERRUPTED
    } else if !section.gate.passed {
        exit::GATE
    } else if !summary.failures.is_empty() {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// What every target's entries are rendered with.
struct RenderContext<'a> {
    formats: &'a [ReportFormat],
    policy: &'a Policy,
    ignores: &'a [settings::IgnoreRule],
    gate: settings::Gate,
    baseline: Option<&'a report::baseline::Baseline>,
    redact_secrets: bool,
}

impl RenderContext<'_> {
    /// Legacy mode: the old script's report alone, no policy, no gate.
    fn legacy<'a>(formats: &'a [ReportFormat], policy: &'a Policy) -> RenderContext<'a> {
        RenderContext {
            formats,
            policy,
            ignores: &[],
            gate: settings::Gate::default(),
            baseline: None,
            redact_secrets: false,
        }
    }
}

/// A target's report entries, rendered on a worker thread, in the order of the formats.
struct Rendered {
    entries: Vec<RenderedEntry>,
    facts: report::fleet::TargetFacts,
    summary: report::summary::SummaryItem,
}

enum RenderedEntry {
    Json(Vec<u8>, report::json::TargetTotals),
    LegacyJson(Vec<u8>),
}

impl Rendered {
    fn of(ctx: &RenderContext, mut r: TargetResult) -> Rendered {
        ctx.policy.apply(&mut r);
        if ctx.redact_secrets {
            crate::stage::policy::redact_secrets(&mut r);
        }
        let facts = report::fleet::TargetFacts::of(&r, ctx.gate, ctx.baseline);
        Rendered {
            entries: ctx
                .formats
                .iter()
                .map(|f| match f {
                    ReportFormat::LegacyJson => {
                        RenderedEntry::LegacyJson(report::legacy_json::entry(&r))
                    }
                    _ => {
                        let (bytes, share) = report::json::target_entry(&r, &facts, ctx.ignores);
                        RenderedEntry::Json(bytes, share)
                    }
                })
                .collect(),
            summary: report::summary::SummaryItem::of(&r),
            facts,
        }
    }
}

/// One report being written while the run goes.
enum Emitter {
    Json(report::json::Writer<report::AtomicFile>),
    LegacyJson(report::legacy_json::Writer<report::AtomicFile>),
}

impl Emitter {
    fn new(
        format: ReportFormat,
        dir: &std::path::Path,
        name: &str,
    ) -> Result<Emitter, report::WriteError> {
        let file = report::AtomicFile::create(dir, name)?;
        let path = file.path().to_path_buf();
        let err = |source| report::WriteError {
            path: path.clone(),
            source,
        };
        Ok(match format {
            ReportFormat::LegacyJson => {
                Emitter::LegacyJson(report::legacy_json::Writer::new(file).map_err(err)?)
            }
            _ => Emitter::Json(report::json::Writer::new(file).map_err(err)?),
        })
    }

    fn push(&mut self, entry: &RenderedEntry) -> Result<(), report::WriteError> {
        let (result, file) = match (self, entry) {
            (Emitter::Json(w), RenderedEntry::Json(bytes, share)) => {
                (w.push(bytes, share), w.get_ref())
            }
            (Emitter::LegacyJson(w), RenderedEntry::LegacyJson(bytes)) => {
                (w.push(bytes), w.get_ref())
            }
            _ => unreachable!("entries are rendered in the emitters' order"),
        };
        result.map_err(|e| file.error(e))
    }

    fn finish(
        self,
        info: &report::json::RunInfo,
        fleet: &report::fleet::FleetSection,
    ) -> Result<std::path::PathBuf, report::WriteError> {
        let (file, path) = match self {
            Emitter::Json(w) => {
                let path = w.get_ref().path().to_path_buf();
                (w.finish(info, fleet), path)
            }
            Emitter::LegacyJson(w) => {
                let path = w.get_ref().path().to_path_buf();
                (w.finish(), path)
            }
        };
        file.map_err(|source| report::WriteError { path, source })?
            .persist()
    }
}

/// `report render`: a saved JSON report in other formats, next to it unless `--output`.
fn report_render(
    formats: &[String],
    output: Option<&std::path::Path>,
    show_secrets: bool,
    saved: &std::path::Path,
) -> Result<u8, Error> {
    let mut wanted = Vec::new();
    for name in formats {
        match ReportFormat::from_name(name).filter(|f| f.is_rendered()) {
            Some(f) => wanted.push(f),
            None => return Err(Error::RenderFormat(name.clone())),
        }
    }
    if wanted.is_empty() {
        return Err(Error::RenderFormat(String::new()));
    }
    if output.is_some() && wanted.len() > 1 {
        return Err(Error::RenderOutput);
    }
    let doc = report::doc::Doc::load(saved)?;
    let mut text = String::new();
    for format in wanted {
        let bytes = report::render_from_doc(&doc, format, show_secrets);
        let target = match output {
            Some(path) => path.to_path_buf(),
            None => {
                let stem = saved
                    .file_name()
                    .map(|n| n.to_string_lossy().trim_end_matches(".json").to_string())
                    .unwrap_or_else(|| "report".into());
                saved.with_file_name(format!("{stem}.{}", format.extension()))
            }
        };
        let path = report::write_atomic_at(&target, &bytes)?;
        text.push_str(&format!("{}\n", display_path(&path)));
    }
    print_stdout(&text)?;
    Ok(exit::OK)
}

/// `report diff`: exit 0 when nothing is new, 1 (as the gate) when something is.
fn report_diff(old: &std::path::Path, new: &std::path::Path, json: bool) -> Result<u8, Error> {
    let old_doc = report::doc::Doc::load(old)?;
    let new_doc = report::doc::Doc::load(new)?;
    let diff = report::baseline::diff_docs(&old_doc, &new_doc, &display_path(old));
    if json {
        let mut text = serde_json::to_string_pretty(&diff).expect("diff serializes");
        text.push('\n');
        print_stdout(&text)?;
    } else {
        print_stdout(&diff.to_text())?;
    }
    Ok(if diff.totals.new > 0 {
        exit::GATE
    } else {
        exit::OK
    })
}

/// The old script's exit code when it had no results to save.
const NOTHING_TO_SAVE: u8 = 1;

/// The old script, as its users know it: the lists in the working directory, the report next
/// to them, its file name alone on stdout, progress and the summary on stderr; exit 1 when
/// there was nothing to save.
fn legacy(opts: &LoadOptions, ui: Ui, mode: Option<LegacyMode>) -> Result<u8, Error> {
    let mode = match mode {
        Some(mode) => mode,
        // On a terminal, the old script's menu; without one, --mode is required.
        None if std::io::IsTerminal::is_terminal(&std::io::stdin()) => match legacy_menu() {
            Some(mode) => mode,
            None => return Ok(exit::OK),
        },
        None => return Err(Error::LegacyModeMissing),
    };
    let (settings, _) = settings::load(opts)?;
    let want_images = mode != LegacyMode::Local;
    let want_dockerfiles = mode != LegacyMode::Remote;
    let lists = [
        (
            want_images,
            settings::LEGACY_IMAGES,
            "create_input_images",
            "# severity=4\n# registry.example.com/image@sha256:....\n",
        ),
        (
            want_dockerfiles,
            settings::LEGACY_DOCKERFILES,
            "create_input_dockerfiles",
            "# severity=4\n# /path/to/Dockerfile\n",
        ),
    ];
    for (wanted, file, create, example) in lists {
        let list = opts.cwd.join(file);
        if wanted && !list.is_file() && !ui.quiet {
            eprintln!("{}", tf("file_not_found", &[("path", &list.display())]));
            eprintln!("{}\n{example}", t(create));
        }
    }
    let resolved = resolve_plan(&settings, ui);
    for p in resolved.problems.iter().filter(|p| p.is_error()) {
        ui.warn(p);
    }
    // As the old script: remote images first, then the Dockerfiles.
    let (images, dockerfiles): (Vec<_>, Vec<_>) = resolved
        .plan
        .targets
        .into_iter()
        .partition(|t| matches!(t.kind, TargetKind::Image(_)));
    let images = if want_images { images } else { Vec::new() };
    let dockerfiles = if want_dockerfiles {
        dockerfiles
    } else {
        Vec::new()
    };
    if !ui.quiet {
        for (list, noun, none, empty) in [
            (&images, "item_images", "no_images", want_images),
            (
                &dockerfiles,
                "item_dockerfiles",
                "no_dockerfiles",
                want_dockerfiles,
            ),
        ] {
            if !empty {
                continue;
            }
            match list.first() {
                Some(first) => {
                    eprintln!(
                        "{}",
                        tf(
                            "found_items",
                            &[("count", &list.len()), ("item_name", &t(noun))]
                        )
                    );
                    eprintln!(
                        "{}",
                        tf(
                            "severity_level",
                            &[
                                ("level", &first.severity.legacy_level()),
                                ("severities", &format!("{:?}", first.severity.included())),
                            ]
                        )
                    );
                }
                None => eprintln!("{}", t(none)),
            }
        }
    }
    let targets: Vec<_> = images.into_iter().chain(dockerfiles).collect();
    if targets.is_empty() {
        if !ui.quiet {
            eprintln!("{}", t("no_results_to_save"));
        }
        return Ok(NOTHING_TO_SAVE);
    }
    crate::exec::install_signal_handlers();
    if !ui.quiet {
        eprintln!(
            "{}",
            tf(
                "start_scan",
                &[("total", &targets.len()), ("mode", &mode.as_str())]
            )
        );
        eprintln!(
            "{}",
            tf("remote_jobs", &[("jobs", &settings.concurrency.remote)])
        );
        eprintln!(
            "{}",
            tf("local_jobs", &[("jobs", &settings.concurrency.local)])
        );
        eprintln!(
            "{}",
            tf(
                "cache_dir",
                &[("path", &settings.trivy.cache_dir.display())]
            )
        );
    }
    let reporter = PlainReporter {
        ui,
        legacy_style: true,
    };
    let name = format!(
        "advanced_scan_results_{}_{}.json",
        mode.as_str(),
        timestamp_now()
    );
    let mut emitter = Emitter::new(ReportFormat::LegacyJson, &opts.cwd, &name)?;
    let mut summary = Summary::default();
    let mut write_error = None;
    let formats = [ReportFormat::LegacyJson];
    let no_policy = Policy::new(&[], chrono::Local::now().date_naive()).0;
    let ctx = RenderContext::legacy(&formats, &no_policy);
    let prepare = |r: TargetResult| Rendered::of(&ctx, r);
    let info = pipeline::execute(
        &settings,
        &targets,
        "legacy",
        &reporter,
        &prepare,
        &mut |rendered: Rendered| {
            if let Err(e) = emitter.push(&rendered.entries[0]) {
                write_error.get_or_insert(e);
            }
            summary.add_item(rendered.summary);
        },
    )?;
    if let Some(err) = write_error {
        return Err(err.into());
    }
    if !ui.quiet {
        eprintln!("{}", report::summary::component_summary(&summary));
    }
    let fleet = report::fleet::Fleet::default().finish(settings::Gate::default(), None);
    emitter.finish(&info, &fleet)?;
    print_stdout(&format!("{name}\n"))?;
    Ok(if info.interrupted {
        exit::INTERRUPTED
    } else {
        exit::OK
    })
}

/// `init`: scanner.toml in the working directory (or `--config PATH`), never overwritten
/// without `--force`.
fn init(opts: &LoadOptions, ui: Ui, from_legacy: bool, force: bool) -> Result<u8, Error> {
    let path = opts
        .config
        .clone()
        .unwrap_or_else(|| opts.cwd.join(settings::CONFIG_FILE));
    if path.exists() && !force {
        return Err(Error::InitExists(display_path(&path)));
    }
    let (text, imported) = if from_legacy {
        match crate::init::from_legacy(&opts.cwd).map_err(Error::Stdout)? {
            Some(made) => (made.config, Some(made.imported.join(", "))),
            None => return Err(Error::InitNoLegacy),
        }
    } else {
        (crate::init::TEMPLATE.to_string(), None)
    };
    // Written whole or not at all; 0644: a config holds no secrets.
    let written = report::write_atomic_at(&path, text.as_bytes())?;
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o644));
    print_stdout(&format!("{}\n", display_path(&written)))?;
    let shown = display_path(&written);
    ui.note(&match imported {
        Some(lists) => tf("init_imported", &[("path", &shown), ("lists", &lists)]),
        None => tf("init_wrote", &[("path", &shown)]),
    });
    Ok(exit::OK)
}

/// The old script's menu: asks until the answer is 1, 2 or 3; `None` (after "Bye") on end of
/// input (Ctrl-D).
fn legacy_menu() -> Option<LegacyMode> {
    use std::io::BufRead;
    let rule = "=".repeat(60);
    eprintln!("{rule}\n{}\n{rule}", t("menu_title"));
    eprintln!("{}", t("menu_select_mode"));
    for option in ["menu_opt_remote", "menu_opt_local", "menu_opt_both"] {
        eprintln!("{}", t(option));
    }
    let stdin = std::io::stdin();
    loop {
        eprint!("{}", t("menu_prompt"));
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                eprintln!("{}", t("bye"));
                return None;
            }
            Ok(_) => {}
        }
        match line.trim() {
            "1" => return Some(LegacyMode::Remote),
            "2" => return Some(LegacyMode::Local),
            "3" => return Some(LegacyMode::Both),
            _ => eprintln!("{}", t("menu_invalid")),
        }
    }
}

/// `report merge`: one report from several (shards); duplicates are kept once and named.
fn report_merge(
    ui: Ui,
    reports: &[std::path::PathBuf],
    output: &std::path::Path,
) -> Result<u8, Error> {
    let mut inputs = Vec::new();
    for path in reports {
        let shown = display_path(path);
        let bytes = std::fs::read(path).map_err(|source| report::doc::LoadError::Read {
            path: shown.clone(),
            source,
        })?;
        inputs.push((shown, bytes));
    }
    let merged = report::merge::merge(&inputs)?;
    for d in &merged.duplicates {
        ui.note(&format!("{d} is in more than one report; kept the first"));
    }
    let path = report::write_atomic_at(output, &merged.json)?;
    print_stdout(&format!("{}\n", display_path(&path)))?;
    Ok(exit::OK)
}

/// `cache stats` and `cache prune`: the result cache in the configured Trivy cache dir.
fn cache_command(opts: &LoadOptions, ui: Ui, command: &CacheCommand) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    let cache = crate::stage::cache::ResultCache::new(&settings.trivy.cache_dir);
    let entries = cache.entries();
    match command {
        CacheCommand::Stats => {
            let size: u64 = entries.iter().map(|e| e.2).sum();
            let mut by_db: std::collections::BTreeMap<String, usize> = Default::default();
            let mut damaged = 0;
            for (_, meta, _, _) in &entries {
                match meta {
                    Some(m) => *by_db.entry(m.db_updated_at.clone()).or_default() += 1,
                    None => damaged += 1,
                }
            }
            let mut text = format!(
                "{}\nentries: {}\nsize: {:.1} MB\n",
                display_path(&crate::stage::cache::dir_in(&settings.trivy.cache_dir)),
                entries.len(),
                size as f64 / 1e6
            );
            for (db, n) in by_db {
                text.push_str(&format!("  DB {db}: {n}\n"));
            }
            if damaged > 0 {
                text.push_str(&format!("damaged (removed by `cache prune`): {damaged}\n"));
            }
            print_stdout(&text)?;
        }
        CacheCommand::Prune { older_than } => {
            let limit = match older_than {
                Some(text) => Some(
                    humantime::parse_duration(text).map_err(|_| Error::Duration(text.clone()))?,
                ),
                None => None,
            };
            let now = std::time::SystemTime::now();
            let mut removed = 0;
            for (dir, meta, _, modified) in &entries {
                let old =
                    limit.is_none_or(|l| now.duration_since(*modified).unwrap_or_default() >= l);
                if (meta.is_none() || old) && std::fs::remove_dir_all(dir).is_ok() {
                    removed += 1;
                }
            }
            print_stdout(&format!("removed {removed} of {} entries\n", entries.len()))?;
        }
    }
    Ok(exit::OK)
}
