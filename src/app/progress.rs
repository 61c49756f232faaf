//! Progress on stderr: bars on a terminal, one plain line per target elsewhere (CI logs),
//! or the old script's lines in legacy mode.

use crate::i18n::{Msg, tf};
use crate::model::{Outcome, TargetKind, TargetResult};
use crate::pipeline::Reporter;

use super::Ui;

/// Plain progress lines, one per finished target: what CI logs show.
pub(super) struct PlainReporter {
    pub(super) ui: Ui,
    /// The old script's per-target lines instead of trivyscan's.
    pub(super) legacy_style: bool,
    /// Whether vulnerabilities are scanned (else a count would read as none found).
    pub(super) vulns: std::sync::atomic::AtomicBool,
}

/// A target's vulnerability count, or "not scanned" when the vuln scanner did not run.
fn vuln_count(scanned: &std::sync::atomic::AtomicBool, count: usize) -> String {
    if scanned.load(std::sync::atomic::Ordering::Relaxed) {
        count.to_string()
    } else {
        crate::i18n::t("count_not_scanned")
    }
}

/// How the result cache made a result, after its time (`, reused from the result cache`): a
/// result in "0.0s" is not a scan.
fn how_made(r: &TargetResult) -> String {
    use crate::model::CacheUse;
    let key = match r.cache {
        Some(CacheUse::Reused) => "cache_reused",
        Some(CacheUse::RescannedOnServer) => "cache_rescanned_on_server",
        Some(CacheUse::RescannedFromSbom) => "cache_rescanned_from_sbom",
        Some(CacheUse::Scanned) | None => return String::new(),
    };
    format!(", {}", crate::i18n::t(key))
}

fn has_vuln(scanners: &[crate::model::Scanner]) -> bool {
    scanners.contains(&crate::model::Scanner::Vuln)
}

impl Reporter for PlainReporter {
    fn say(&self, message: &Msg) {
        self.ui.note(message);
    }

    fn scanners(&self, scanners: &[crate::model::Scanner]) {
        self.vulns
            .store(has_vuln(scanners), std::sync::atomic::Ordering::Relaxed);
    }

    fn alert(&self, message: &Msg) {
        eprintln!("⚠ {}", crate::terminal::printable(&message.localized()));
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
                    ("vulns", &vuln_count(&self.vulns, grouped.vulnerabilities())),
                    ("secrets", &grouped.secrets()),
                    ("secs", &format!("{secs:.1}")),
                    ("how", &how_made(r)),
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
                            ("vulns", &vuln_count(&self.vulns, grouped.vulnerabilities())),
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
        eprintln!("{}", crate::terminal::printable(&line));
    }
}

/// On a terminal: a bar for the fleet and a spinner per running scan; failures and messages
/// are printed above them.
struct BarReporter {
    multi: indicatif::MultiProgress,
    fleet: indicatif::ProgressBar,
    active: std::sync::Mutex<std::collections::HashMap<String, indicatif::ProgressBar>>,
    vulns: std::sync::atomic::AtomicBool,
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
            vulns: std::sync::atomic::AtomicBool::new(true),
        }
    }
}

impl Reporter for BarReporter {
    fn say(&self, message: &Msg) {
        let _ = self.multi.println(crate::terminal::printable(&format!(
            "{}: {}",
            crate::i18n::t("note_label"),
            message.localized()
        )));
    }

    fn alert(&self, message: &Msg) {
        let _ = self.multi.println(crate::terminal::printable(&format!(
            "⚠ {}",
            message.localized()
        )));
    }

    fn warn_diagnostic(&self, diagnostic: miette::Report) {
        self.multi.suspend(|| eprintln!("{diagnostic:?}"));
    }

    fn scanners(&self, scanners: &[crate::model::Scanner]) {
        self.vulns
            .store(has_vuln(scanners), std::sync::atomic::Ordering::Relaxed);
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
                "  ok    {name}: vulns={}, secrets={}, {:.1}s{}",
                vuln_count(&self.vulns, grouped.vulnerabilities()),
                grouped.secrets(),
                r.duration.as_secs_f64(),
                how_made(r)
            ),
            Outcome::Failed { kind, message } => {
                format!("  error {name} ({}): {message}", kind.as_str())
            }
        };
        let _ = self.multi.println(crate::terminal::printable(&line));
        if self.fleet.position() == self.fleet.length().unwrap_or(0) {
            self.fleet.finish_and_clear();
        }
    }
}

/// Bars on a terminal, plain lines elsewhere (CI logs).
pub(super) fn progress(ui: Ui, total: usize, legacy_style: bool) -> Box<dyn Reporter> {
    use std::io::IsTerminal;
    if !ui.quiet && !legacy_style && std::io::stderr().is_terminal() {
        Box::new(BarReporter::new(total))
    } else {
        Box::new(PlainReporter {
            ui,
            legacy_style,
            vulns: std::sync::atomic::AtomicBool::new(true),
        })
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
