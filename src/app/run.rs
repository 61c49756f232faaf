//! `run`: the main job. Scans the plan and streams each target's entries into the reports as
//! the run goes, then adds the fleet sections and renders the formats made from the JSON report.

use crate::error::{Error, exit};
use crate::i18n::{t, tf};
use crate::model::{
    InputKind, Ledger, LedgerEntry, LedgerStatus, PlannedTarget, TargetKind, TargetResult,
};
use crate::paths::display_path;
use crate::pipeline;
use crate::report;
use crate::report::summary::Summary;
use crate::settings::{
    ConfigSource, LoadOptions, RenderedFormat, ReportFormat, Settings, StreamedFormat,
};
use crate::stage::emit::{Emitter, RenderContext, Rendered};
use crate::stage::policy::Policy;
use crate::stage::resolve;

use crate::terminal::printable;

use super::{Ui, load, print_stdout, progress, resolve_plan, timestamp_now, warn_all};

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

pub(super) fn run_scan(
    opts: &LoadOptions,
    ui: Ui,
    baseline: Option<&std::path::Path>,
    shard: Option<(u32, u32)>,
) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    if let ConfigSource::Nothing(_) = settings.source {
        return Err(Error::NoConfig);
    }
    let baseline = baseline.map(load_baseline).transpose()?;
    if settings.gate.fail_on_new.is_on() && baseline.is_none() && !ui.quiet {
        ui.note(&crate::msg!("gate-new-without-baseline"));
    }
    let (mut policy, expired) = Policy::new(&settings.ignores, chrono::Local::now().date_naive());
    for p in &expired {
        ui.warn(p);
    }
    let (targets, mut ledger, plan) = planned_targets(&settings, ui, shard)?;
    crate::exec::install_signal_handlers();
    let intel = prepare_intel(&settings, ui);
    for p in policy.refuse_unreasoned_kev(&settings.ignores, &intel) {
        ui.warn(&p);
    }
    add_vex(&settings, ui, &mut ledger, &mut policy, &intel);
    let reporter = progress(ui, targets.len(), false);
    say_start(ui, &settings, targets.len());
    let mode = scan_mode(&targets);
    let (stem, legacy_stem) = report_stems(&settings, mode, shard);

    let formats = Formats::of(&settings.report.formats);
    let mut emitters = Vec::new();
    for format in &formats.streamed {
        let name = match format {
            StreamedFormat::LegacyJson => &legacy_stem,
            StreamedFormat::Json | StreamedFormat::CycloneDx => &stem,
        };
        emitters.push(Emitter::new(*format, &settings.report.output_dir, name)?);
    }
    let mut summary = Summary::default();
    let mut fleet = report::target_facts::Fleet::new(&intel);
    let mut write_error = None;
    let ctx = RenderContext {
        formats: &formats.streamed,
        policy: &policy,
        ignores: &settings.ignores,
        gate: settings.gate,
        baseline: baseline.as_ref(),
        redact_secrets: settings.report.redact_secrets,
        intel: &intel,
        deadlines: report::target_facts::DeadlineRules {
            today: chrono::Local::now().date_naive(),
            sla: settings.sla.clone(),
        },
    };
    let prepare = |r: TargetResult| Rendered::of(&ctx, r);
    let mut info = pipeline::execute(
        &settings,
        &targets,
        &settings.profile,
        reporter.as_ref(),
        &prepare,
        &mut |rendered: Rendered| {
            for e in emitters.iter_mut() {
                if let Err(err) = e.push(&rendered) {
                    write_error.get_or_insert(err);
                }
            }
            fleet.add(&rendered.facts);
            summary.add_item(rendered.summary);
        },
    )?;
    info.intel = Some(intel.run.clone());
    info.shard = shard.map(|(k, n)| format!("{k}/{n}"));
    info.plan = plan;
    if let Some(err) = write_error {
        return Err(err.into());
    }
    record_scanners_and_feeds(&mut ledger, &settings, &info);
    let section = fleet.finish(
        settings.gate,
        baseline.as_ref(),
        &intel,
        ledger,
        info.interrupted,
    );
    let (paths, notes) = finish_reports(emitters, &formats, &info, &section, &settings, &stem)?;
    for note in &notes {
        ui.note(note);
    }
    print_outcome(ui, &paths, &info, &section, &summary)
}

/// The run's VEX documents into the policy: what cannot be read leaves its findings in, and
/// the ledger says so.
fn add_vex(
    settings: &Settings,
    ui: Ui,
    ledger: &mut Ledger,
    policy: &mut Policy,
    intel: &crate::stage::intel::Intel,
) {
    let vex = crate::stage::vex::load(settings);
    for p in &vex.problems {
        ui.warn(p);
    }
    for entry in vex.ledger {
        ledger.push(entry);
    }
    for p in policy.add_vex(vex.statements, intel) {
        ui.warn(&p);
    }
}

/// A `--baseline` report, as the comparison reads it.
fn load_baseline(path: &std::path::Path) -> Result<report::baseline::Baseline, Error> {
    let doc = report::json_reader::Doc::load(path)?;
    Ok(report::baseline::Baseline::from_doc(
        &doc,
        &display_path(path),
    ))
}

/// The targets this run scans (its shard's, with `--shard`), the ledger so far, and with
/// `--shard` the plan's identity. Invalid targets do not stop the run: they become error
/// entries. No target at all (outside a shard, where none is normal) is an error.
fn planned_targets(
    settings: &Settings,
    ui: Ui,
    shard: Option<(u32, u32)>,
) -> Result<(Vec<PlannedTarget>, Ledger, Option<String>), Error> {
    let resolved = resolve_plan(settings, ui);
    warn_all(ui, resolved.problems.iter().filter(|p| p.is_error()));
    let mut ledger = resolved.ledger;
    let mut targets = resolved.plan.targets;
    let plan = shard.map(|_| {
        resolve::plan_id(
            &targets,
            &settings.base_dir,
            &settings.results_fingerprint(),
        )
    });
    if let Some((k, n)) = shard {
        let all = targets.len();
        targets = resolve::shard(targets, &settings.base_dir, k, n);
        ledger.push(
            LedgerEntry::new(InputKind::Shard, format!("{k}/{n}"), LedgerStatus::Done)
                .targets(targets.len()),
        );
        ui.note(&crate::msg!(
            "shard-targets",
            k = k,
            n = n,
            count = targets.len(),
            all = all
        ));
    }
    if targets.is_empty() && shard.is_none() {
        return Err(Error::NoTargets);
    }
    Ok((targets, ledger, plan))
}

/// The run's first line on stderr.
fn say_start(ui: Ui, settings: &Settings, count: usize) {
    if !ui.quiet {
        eprintln!(
            "{}",
            tf(
                "run_start",
                &[
                    ("count", &count),
                    ("profile", &settings.profile),
                    ("workers", &settings.concurrency.remote),
                    ("cache", &display_path(&settings.trivy.cache_dir)),
                ]
            )
        );
    }
}

/// The exploitation data, downloaded at most once a day. What could not be had is said at
/// once, even with -q (the reports and the summary say it again): it never stops the run.
fn prepare_intel(settings: &Settings, ui: Ui) -> crate::stage::intel::Intel {
    let say = |m: &crate::i18n::Msg| {
        if !ui.quiet {
            ui.note(m)
        }
    };
    // Exploitation data ranks vulnerabilities: without the vuln scanner there are none.
    if !settings.scanners.contains(&crate::model::Scanner::Vuln) {
        return crate::stage::intel::Intel::none();
    }
    // Interrupted while waiting for another run's lock: nothing is had, and the scans that
    // follow see the interruption.
    let intel = crate::stage::intel::prepare(&settings.intel, chrono::Utc::now(), &say)
        .unwrap_or_else(|_| crate::stage::intel::Intel::none());
    for line in not_prioritized(&intel.run) {
        eprintln!("⚠ {}", printable(&line));
    }
    // A copy used after a failed download is said too: the data is not today's.
    for (feed, run) in [("KEV", &intel.run.kev), ("EPSS", &intel.run.epss)] {
        if !run.missing() && !run.reason.is_empty() {
            eprintln!("⚠ {feed}: {}", printable(&run.reason));
        }
    }
    intel
}

/// The scanners the run was asked to run and the feeds it was asked to use, each with what
/// became of it, into the ledger.
fn record_scanners_and_feeds(
    ledger: &mut crate::model::Ledger,
    settings: &Settings,
    info: &crate::model::RunInfo,
) {
    for scanner in &settings.scanners {
        let name = scanner.as_str();
        ledger.push(if info.skipped_scanners.contains(&name) {
            LedgerEntry::new(InputKind::Scanner, name, LedgerStatus::Skipped)
                .reason(report::json_reader::skipped_reason(name))
        } else {
            LedgerEntry::new(InputKind::Scanner, name, LedgerStatus::Done)
        });
    }
    if let Some(intel) = &info.intel {
        ledger.entries.extend(intel.ledger_entries());
    }
}

/// `IntelRun::not_prioritized` for stderr, in the chosen language (the reason is the report's).
fn not_prioritized(intel: &crate::model::IntelRun) -> Vec<String> {
    intel
        .missing_feeds()
        .into_iter()
        .map(|(feed, why)| crate::msg!("not-prioritized", feed = feed, reason = why).localized())
        .collect()
}

/// The run's report names: `trivyscan-<profile>-<stamp>` and the old script's
/// `advanced_scan_results_<mode>_<stamp>`. Two runs in one second must not overwrite each
/// other's reports: `-2`, `-3`, ... then (the final names are taken without replacing anyway).
/// A shard's report says which it is: `trivyscan-<profile>-shard-2-of-4-<stamp>`, so the N
/// reports of one fleet in one directory never take `-2` names (`trivyscan-prod-shard-*.json`
/// matches them all).
fn report_stems(settings: &Settings, mode: &str, shard: Option<(u32, u32)>) -> (String, String) {
    let base_stamp = timestamp_now();
    let dir = &settings.report.output_dir;
    let name = match shard {
        Some((k, n)) => format!("trivyscan-{}-shard-{k}-of-{n}", settings.profile),
        None => format!("trivyscan-{}", settings.profile),
    };
    let stamp = (1..)
        .map(|n| match n {
            1 => base_stamp.clone(),
            n => format!("{base_stamp}-{n}"),
        })
        .find(|s| {
            !dir.join(format!("{name}-{s}.json")).exists()
                && !dir
                    .join(format!("advanced_scan_results_{mode}_{s}.json"))
                    .exists()
        })
        .expect("a free name");
    (
        format!("{name}-{stamp}"),
        format!("advanced_scan_results_{mode}_{stamp}"),
    )
}

/// The formats a run writes: streamed while it goes, rendered from the JSON report at the end.
struct Formats {
    streamed: Vec<StreamedFormat>,
    rendered: Vec<RenderedFormat>,
    /// Whether the JSON report was asked for (else it is written for the rendered formats
    /// and removed).
    keep_json: bool,
}

impl Formats {
    fn of(wanted: &[ReportFormat]) -> Formats {
        let rendered: Vec<RenderedFormat> = wanted.iter().filter_map(|f| f.rendered()).collect();
        let mut streamed: Vec<StreamedFormat> =
            wanted.iter().filter_map(|f| f.streamed()).collect();
        let keep_json = streamed.contains(&StreamedFormat::Json);
        if !rendered.is_empty() && !keep_json {
            streamed.push(StreamedFormat::Json);
        }
        Formats {
            streamed,
            rendered,
            keep_json,
        }
    }
}

/// Finishes the streamed reports (each on a thread of its own, so the disk writes of one
/// overlap the other's), then renders the other formats from the JSON report; returns the
/// paths, in the order they are printed.
fn finish_reports(
    emitters: Vec<Emitter>,
    formats: &Formats,
    info: &crate::model::RunInfo,
    section: &report::schema::FleetSection,
    settings: &Settings,
    stem: &str,
) -> Result<(Vec<std::path::PathBuf>, Vec<crate::i18n::Msg>), Error> {
    type Finished = (
        bool,
        usize,
        Result<std::path::PathBuf, crate::atomic::WriteError>,
    );
    let finished: Vec<Finished> = std::thread::scope(|scope| {
        let writers: Vec<_> = emitters
            .into_iter()
            .map(|e| {
                let is_json = matches!(e, Emitter::Json(_));
                // Targets the fleet's SBOM has no SBOM of: said on stderr too.
                let missing = match &e {
                    Emitter::CycloneDx(_, bom) => bom.missing.len(),
                    _ => 0,
                };
                (
                    is_json,
                    missing,
                    scope.spawn(move || e.finish(info, section)),
                )
            })
            .collect();
        writers
            .into_iter()
            .map(|(is_json, missing, w)| {
                (is_json, missing, w.join().expect("report writer thread"))
            })
            .collect()
    });
    let mut paths = Vec::new();
    let mut notes = Vec::new();
    let mut json_path = None;
    for (is_json, missing, path) in finished {
        let path = path?;
        if missing > 0 {
            notes.push(crate::msg!(
                "cyclonedx-missing",
                count = missing,
                file = display_path(&path)
            ));
        }
        if is_json {
            json_path = Some(path.clone());
            if !formats.keep_json {
                continue;
            }
        }
        paths.push(path);
    }
    if !formats.rendered.is_empty() {
        let json_path = json_path.expect("the JSON report is written for the rendered formats");
        let doc = report::json_reader::Doc::load(&json_path)?;
        // Named after the JSON report as it landed (`-2` when another run had its name).
        let stem = json_path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
            .unwrap_or(stem)
            .to_string();
        let options = report::RenderOptions {
            show_secrets: false,
            sarif_max_results: settings.report.sarif_max_results,
            sarif_split: settings.report.sarif_split,
        };
        for format in &formats.rendered {
            for file in report::render_files(&doc, *format, &options) {
                let extension = match &file.part {
                    Some(part) => format!("{part}.{}", format.extension()),
                    None => format.extension().to_string(),
                };
                let path = crate::atomic::write_atomic_unique(
                    &settings.report.output_dir,
                    &stem,
                    &extension,
                    &file.bytes,
                )?;
                notes.extend(
                    file.cut
                        .and_then(|c| super::reports::sarif_cut_note(&c, &path)),
                );
                paths.push(path);
            }
        }
        if !formats.keep_json {
            let _ = std::fs::remove_file(&json_path);
        }
    }
    Ok((paths, notes))
}

/// The report paths on stdout, the summary (or with `-q` the verdict lines) on stderr, and the
/// exit code.
fn print_outcome(
    ui: Ui,
    paths: &[std::path::PathBuf],
    info: &crate::model::RunInfo,
    section: &report::schema::FleetSection,
    summary: &Summary,
) -> Result<u8, Error> {
    let text: String = paths
        .iter()
        .map(|p| format!("{}\n", display_path(p)))
        .collect();
    // The verdict reaches the exit code even when stdout is gone.
    let printed = print_stdout(&text);
    let vulns_scanned = !info.skipped_scanners.contains(&"vuln");
    let not_prioritized = info.intel.as_ref().map(not_prioritized).unwrap_or_default();
    // The verdict was computed once, from the ledger and the gate (`GateResult::conclude`).
    let verdict = exit::of_verdict(section.gate.verdict, info.interrupted);
    if ui.quiet {
        // -q hides progress, never what changes the verdict: one line each.
        eprint!("{}", printable(&verdict_lines(info, section, summary)));
    } else {
        // Without vulnerability scanning, "0 known-exploited" would read as clean.
        if let Some(kev) = &section.known_exploited
            && vulns_scanned
        {
            eprint!("\n{}", report::summary::known_exploited_lines(kev));
        }
        eprintln!(
            "{}",
            report::summary::component_summary(summary, vulns_scanned, false)
        );
        eprint!(
            "{}",
            printable(&report::summary::fleet_summary(section, summary))
        );
        let failures = summary.failure_lines();
        if !failures.is_empty() {
            eprintln!(
                "{}\n{}",
                tf(
                    "failed_targets",
                    &[
                        ("failed", &summary.failures.len()),
                        ("total", &summary.targets)
                    ]
                ),
                printable(&failures.join("\n"))
            );
        }
        if !vulns_scanned {
            // "(exit 2)" only when that is the exit code: a failed gate (1) comes first.
            let line = if verdict == exit::PARTIAL {
                t("vulns_not_scanned_exit")
            } else {
                t("vulns_not_scanned")
            };
            eprintln!("\n⚠ {line}");
        }
        for line in &not_prioritized {
            eprintln!("⚠ {}", printable(line));
        }
        if let Some(line) = summary.end_of_support_line() {
            eprintln!("⚠ {}", printable(&line));
        }
        if let Some(overdue) = section.overdue.filter(|o| o.findings > 0) {
            eprintln!(
                "⏰ {}",
                tf(
                    "summary_overdue",
                    &[
                        ("count", &overdue.findings),
                        ("kev", &overdue.known_exploited)
                    ]
                )
            );
        }
        eprint!(
            "{}",
            printable(&report::summary::ledger_lines(&section.ledger))
        );
    }
    eprint!(
        "{}",
        report::summary::verdict_line(section.gate.verdict, verdict)
    );
    match printed {
        Ok(()) => Ok(verdict),
        // A closed stdout (`| head`, a dead pipe) loses the paths, not the verdict: said on
        // stderr even with -q, and the exit code is the verdict's when it is not a pass.
        Err(e) if verdict != exit::OK => {
            eprintln!("{:?}", miette::Report::new(e));
            Ok(verdict)
        }
        Err(e) => Err(e),
    }
}

/// With `-q`: what changes the verdict, one line each (skipped scanners, interruption, failed
/// targets, a failed gate).
fn verdict_lines(
    info: &crate::model::RunInfo,
    section: &report::schema::FleetSection,
    summary: &report::summary::Summary,
) -> String {
    // A skipped scanner was said when the run skipped it (even with -q): not again here.
    let mut out = String::new();
    if info.interrupted {
        out.push_str(&format!("⚠ {}\n", t("run_interrupted")));
    }
    for line in summary.failure_lines() {
        out.push_str(line.trim_start());
        out.push('\n');
    }
    out.push_str(&report::summary::ledger_lines(&section.ledger));
    // An unsupported OS makes a short list of vulnerabilities no sign of safety.
    if let Some(line) = summary.end_of_support_line() {
        out.push_str(&format!("⚠ {line}\n"));
    }
    if let Some(kev) = &section.known_exploited
        && kev.vulnerabilities > 0
    {
        out.push_str(&report::summary::known_exploited_lines(kev));
    }
    // A gate that found nothing changes nothing: not said with -q (the verdict line is).
    if section.gate.findings > 0 || !section.gate.unevaluated.is_empty() {
        for line in report::summary::gate_line(&section.gate)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            out.push_str(line.trim_start());
            out.push('\n');
        }
    }
    out
}
