//! `legacy`: the old script as its users know it.

use crate::cli::LegacyMode;
use crate::error::{Error, exit};
use crate::i18n::{t, tf};
use crate::model::{PlannedTarget, TargetKind, TargetResult};
use crate::pipeline;
use crate::report;
use crate::report::summary::Summary;
use crate::settings::{self, LoadOptions, StreamedFormat};
use crate::stage::emit::{Emitter, RenderContext, Rendered};
use crate::stage::policy::Policy;

use super::{PlainReporter, Ui, print_stdout, resolve_plan, timestamp_now, warn_all};

/// The old script's exit code when it had no results to save.
const NOTHING_TO_SAVE: u8 = 1;

/// The old script, as its users know it: the lists in the working directory, the report next
/// to them, its file name alone on stdout, progress and the summary on stderr; exit 1 when
/// there was nothing to save.
pub(super) fn legacy(opts: &LoadOptions, ui: Ui, mode: Option<LegacyMode>) -> Result<u8, Error> {
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
    say_missing_lists(opts, ui, want_images, want_dockerfiles);
    let targets = legacy_targets(&settings, ui, want_images, want_dockerfiles);
    if targets.is_empty() {
        if !ui.quiet {
            eprintln!("{}", t("no_results_to_save"));
        }
        return Ok(NOTHING_TO_SAVE);
    }
    crate::exec::install_signal_handlers();
    say_start(ui, &settings, targets.len(), mode);
    let reporter = PlainReporter {
        ui,
        legacy_style: true,
        vulns: std::sync::atomic::AtomicBool::new(true),
    };
    let name = format!(
        "advanced_scan_results_{}_{}",
        mode.as_str(),
        timestamp_now()
    );
    let mut emitter = Emitter::new(StreamedFormat::LegacyJson, &opts.cwd, &name)?;
    let mut summary = Summary::default();
    let mut write_error = None;
    let formats = [StreamedFormat::LegacyJson];
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
            if let Err(e) = emitter.push(&rendered) {
                write_error.get_or_insert(e);
            }
            summary.add_item(rendered.summary);
        },
    )?;
    if let Some(err) = write_error {
        return Err(err.into());
    }
    say_totals(ui, &summary, &info);
    let no_intel = crate::stage::intel::Intel::none();
    let fleet = report::target_facts::Fleet::new(&no_intel).finish(
        settings::Gate::default(),
        None,
        &no_intel,
        crate::model::Ledger::default(),
        info.interrupted,
    );
    let landed = emitter.finish(&info, &fleet)?;
    // The file name alone, as the old script printed it (`-2` when a run in the same second
    // had taken the name).
    let file_name = landed
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(name);
    print_stdout(&format!("{file_name}\n"))?;
    Ok(if info.interrupted {
        exit::INTERRUPTED
    } else {
        exit::OK
    })
}

/// The targets of the lists the mode wants; as the old script, remote images first, then the
/// Dockerfiles. Invalid lines are said, and become error entries.
fn legacy_targets(
    settings: &settings::Settings,
    ui: Ui,
    want_images: bool,
    want_dockerfiles: bool,
) -> Vec<crate::model::PlannedTarget> {
    let resolved = resolve_plan(settings, ui);
    warn_all(ui, resolved.problems.iter().filter(|p| p.is_error()));
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
    say_what_was_found(ui, &images, &dockerfiles, want_images, want_dockerfiles);
    images.into_iter().chain(dockerfiles).collect()
}

/// The old script's component summary; and, even with -q, the targets that were not scanned.
fn say_totals(ui: Ui, summary: &Summary, info: &crate::model::RunInfo) {
    if !ui.quiet {
        let vulns_scanned = !info.skipped_scanners.contains(&"vuln");
        eprintln!(
            "{}",
            report::summary::component_summary(summary, vulns_scanned, true)
        );
    }
    // The old script's exit code stays (0: a report was written), but a total of zero after
    // targets that were not scanned must not read as a clean fleet: said even with -q.
    if !summary.failures.is_empty() {
        if ui.quiet {
            // -q hid the progress lines that named them: one line each instead.
            for line in summary.failure_lines() {
                eprintln!("{}", crate::terminal::printable(line.trim_start()));
            }
        }
        eprintln!(
            "{}",
            crate::terminal::printable(&tf(
                "legacy_not_scanned",
                &[
                    ("failed", &summary.failures.len()),
                    ("total", &summary.targets)
                ]
            ))
        );
    }
}

/// As the old script: for each list the mode needs and does not find, where to create it and an
/// example.
fn say_missing_lists(opts: &LoadOptions, ui: Ui, want_images: bool, want_dockerfiles: bool) {
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
}

/// As the old script: how many images and Dockerfiles were found, at which severity level.
fn say_what_was_found(
    ui: Ui,
    images: &[PlannedTarget],
    dockerfiles: &[PlannedTarget],
    want_images: bool,
    want_dockerfiles: bool,
) {
    if !ui.quiet {
        for (list, noun, none, empty) in [
            (images, "item_images", "no_images", want_images),
            (
                dockerfiles,
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
}

/// As the old script: the scan's start, its parallelism and cache dir.
fn say_start(ui: Ui, settings: &settings::Settings, total: usize, mode: LegacyMode) {
    if !ui.quiet {
        eprintln!(
            "{}",
            tf("start_scan", &[("total", &total), ("mode", &mode.as_str())])
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
