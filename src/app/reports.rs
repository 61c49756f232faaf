//! `report render`, `report diff` and `report merge`: work on saved JSON reports.

use crate::error::{Error, exit};
use crate::paths::display_path;
use crate::report;
use crate::settings::ReportFormat;

use super::{Ui, print_stdout};

/// `report render`: a saved JSON report in other formats, next to it unless `--output`.
pub(super) fn report_render(
    formats: &[String],
    output: Option<&std::path::Path>,
    options: report::RenderOptions,
    saved: &std::path::Path,
    settings: impl FnOnce() -> Result<crate::settings::Settings, Error>,
) -> Result<u8, Error> {
    let mut wanted = Vec::new();
    let mut fleet_bom = false;
    for name in formats {
        match ReportFormat::from_name(name) {
            Some(ReportFormat::CycloneDx) => fleet_bom = true,
            Some(f) if f.rendered().is_some() => wanted.extend(f.rendered()),
            _ => return Err(Error::RenderFormat(name.clone())),
        }
    }
    if wanted.is_empty() && !fleet_bom {
        return Err(Error::RenderFormat(String::new()));
    }
    if output.is_some() && wanted.len() + usize::from(fleet_bom) > 1 {
        return Err(Error::RenderOutput);
    }
    let doc = report::json_reader::Doc::load(saved)?;
    let mut text = String::new();
    if fleet_bom {
        let target = output.map(std::path::Path::to_path_buf).unwrap_or_else(|| {
            let stem = saved
                .file_name()
                .map(|n| n.to_string_lossy().trim_end_matches(".json").to_string())
                .unwrap_or_else(|| "report".into());
            saved.with_file_name(format!("{stem}.cdx.json"))
        });
        let (bom, missing) = fleet_bom_of_saved(&doc, &settings()?)?;
        let path = crate::atomic::write_atomic_at(&target, &bom)?;
        if missing > 0 {
            let note = crate::msg!(
                "cyclonedx-missing",
                count = missing,
                file = display_path(&path)
            );
            eprintln!("{}: {}", crate::i18n::t("note_label"), note.localized());
        }
        text.push_str(&format!("{}\n", display_path(&path)));
    }
    for format in wanted {
        let files = report::render_files(&doc, format, &options);
        let single = files.len() == 1;
        for file in files {
            let extension = match &file.part {
                Some(part) => format!("{part}.{}", format.extension()),
                None => format.extension().to_string(),
            };
            let target = match output {
                // `-o` names the one file; the parts of a split report go beside it.
                Some(path) if single => path.to_path_buf(),
                Some(path) => path.with_extension(&extension),
                None => {
                    let stem = saved
                        .file_name()
                        .map(|n| n.to_string_lossy().trim_end_matches(".json").to_string())
                        .unwrap_or_else(|| "report".into());
                    saved.with_file_name(format!("{stem}.{extension}"))
                }
            };
            let path = crate::atomic::write_atomic_at(&target, &file.bytes)?;
            if let Some(note) = file.cut.and_then(|c| sarif_cut_note(&c, &path)) {
                eprintln!("{}: {}", crate::i18n::t("note_label"), note.localized());
            }
            text.push_str(&format!("{}\n", display_path(&path)));
        }
    }
    print_stdout(&text)?;
    Ok(exit::OK)
}

/// The fleet's CycloneDX BOM of a saved report, from the result cache entries it names: each
/// entry's kept SBOM, or one made now from its stored Trivy report (`trivy convert`, kept in
/// the entry). A target whose entry is gone, or that has none, is listed as missing, with why;
/// the count of those is returned beside the BOM.
fn fleet_bom_of_saved(
    doc: &report::json_reader::Doc,
    settings: &crate::settings::Settings,
) -> Result<(Vec<u8>, usize), Error> {
    use report::cyclonedx::{FleetBom, ImagePart};
    let cache = crate::stage::result_cache::ResultCache::new(&settings.trivy.cache_dir);
    let work_dir = crate::stage::scan::work_dir().map_err(|source| Error::Scratch {
        dir: std::env::temp_dir(),
        source,
    })?;
    // Its version is not asked: a Trivy without the newer flags is retried without them.
    let trivy = crate::trivy::Trivy::new(None);
    let mut fleet = FleetBom::default();
    for (n, t) in doc.targets.iter().enumerate() {
        let part = if t.status != "ok" {
            ImagePart::missing(&t.target, "it could not be scanned")
        } else if let Some(id) = &t.cache_entry {
            match cache.stored(id) {
                None => ImagePart::missing(
                    &t.target,
                    "its result cache entry is not here (pruned, or another machine's cache)",
                ),
                Some(stored) => {
                    let repo_digests = repo_digests(&stored.report);
                    let made = stored.sbom.clone().or_else(|| {
                        crate::stage::scan::keep_sbom_of(
                            &trivy,
                            &settings.trivy,
                            work_dir.path(),
                            &stored.report,
                            &stored.sbom_path,
                            n,
                        )
                    });
                    match made {
                        Some(sbom) => {
                            ImagePart::of_sbom(&t.target, &repo_digests, t.digest.as_deref(), &sbom)
                        }
                        None => ImagePart::missing(
                            &t.target,
                            "its SBOM could not be made from the stored report",
                        ),
                    }
                }
            }
        } else {
            ImagePart::missing(
                &t.target,
                "no SBOM is kept for it (not pinned by digest, or the result cache is off)",
            )
        };
        fleet.push(&part);
    }
    let missing = fleet.missing.len();
    Ok((
        fleet.finish(&doc.run.profile, &doc.run.started_at, &doc.run.version),
        missing,
    ))
}

/// `Metadata.RepoDigests` of a stored Trivy report.
fn repo_digests(report: &[u8]) -> Vec<String> {
    serde_json::from_slice::<serde_json::Value>(report)
        .ok()
        .and_then(|v| serde_json::from_value(v["Metadata"]["RepoDigests"].clone()).ok())
        .unwrap_or_default()
}

/// "4,210 lower-ranked results left out of fleet.sarif; all are in the JSON report", when
/// the SARIF report had to leave some out.
pub(super) fn sarif_cut_note(
    cut: &report::sarif::Cut,
    path: &std::path::Path,
) -> Option<crate::i18n::Msg> {
    (cut.left_out > 0).then(|| {
        crate::msg!(
            "sarif-cut",
            count = report::sarif::thousands(cut.left_out),
            kept = report::sarif::thousands(cut.kept),
            file = display_path(path),
            shrunk = if cut.shrunk { "yes" } else { "no" }
        )
    })
}

/// `report diff`: exit 0 when nothing is new, 1 (as the gate) when something is.
pub(super) fn report_diff(
    old: &std::path::Path,
    new: &std::path::Path,
    format: crate::cli::DiffFormat,
) -> Result<u8, Error> {
    use crate::cli::DiffFormat;
    let old_doc = report::json_reader::Doc::load(old)?;
    let new_doc = report::json_reader::Doc::load(new)?;
    let diff = report::baseline::diff_docs(&old_doc, &new_doc);
    let text = match format {
        DiffFormat::Text => diff.to_text(),
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&diff).expect("diff serializes");
            text.push('\n');
            text
        }
        DiffFormat::Sarif => {
            String::from_utf8(report::sarif::render_diff(&old_doc, &new_doc, &diff))
                .expect("SARIF is UTF-8")
        }
    };
    print_stdout(&text)?;
    // Something new: 1. Nothing new, but a target could not be compared: 2, as an incomplete
    // run (what it would have said is not known).
    Ok(if diff.totals.new > 0 {
        exit::GATE
    } else if !diff.not_compared.is_empty() {
        exit::PARTIAL
    } else {
        exit::OK
    })
}

/// `report trend`: the fleet over saved runs, ordered by when each started.
pub(super) fn report_trend(
    reports: &[std::path::PathBuf],
    format: crate::cli::TrendFormat,
    output: Option<&std::path::Path>,
) -> Result<u8, Error> {
    use crate::cli::TrendFormat;
    let paths = merge_inputs(reports)?;
    if paths.is_empty() {
        return Err(Error::TrendInputs(
            reports.iter().map(|p| display_path(p)).collect(),
        ));
    }
    let mut docs = Vec::new();
    for path in paths {
        docs.push((display_path(&path), report::json_reader::Doc::load(&path)?));
    }
    let trend = report::trend::trend(docs);
    let text = match format {
        TrendFormat::Text => trend.to_text(),
        TrendFormat::Json => {
            let mut t = serde_json::to_string_pretty(&trend).expect("a trend serializes");
            t.push('\n');
            t
        }
        TrendFormat::Markdown => trend.to_markdown(),
        TrendFormat::Html => trend.to_html(),
    };
    match output {
        None => print_stdout(&text)?,
        Some(path) => {
            crate::atomic::write_atomic_at(path, text.as_bytes())?;
        }
    }
    Ok(exit::OK)
}

/// `vex export`: the report's decisions as OpenVEX, on stdout or atomically to a file.
pub(super) fn vex_export(
    saved: &std::path::Path,
    format: crate::cli::VexFormatArg,
    output: Option<&std::path::Path>,
    author: &str,
) -> Result<u8, Error> {
    let doc = report::json_reader::Doc::load(saved)?;
    let (bytes, _) = match format {
        crate::cli::VexFormatArg::Openvex => report::openvex::render(&doc, author),
        crate::cli::VexFormatArg::Cyclonedx => report::cyclonedx_vex::render(&doc),
    };
    match output {
        None => print_stdout(&String::from_utf8(bytes).expect("JSON is UTF-8"))?,
        Some(path) => {
            crate::atomic::write_atomic_at(path, &bytes)?;
        }
    }
    Ok(exit::OK)
}

/// `report merge`: one report from several (shards); duplicates are kept once and named.
pub(super) fn report_merge(
    ui: Ui,
    reports: &[std::path::PathBuf],
    output: &std::path::Path,
) -> Result<u8, Error> {
    let reports_given = reports;
    let reports = merge_inputs(reports)?;
    let not_enough = || Error::MergeInputs(reports.iter().map(|p| display_path(p)).collect());
    if reports.is_empty() {
        return Err(not_enough());
    }
    let mut inputs = Vec::new();
    for path in &reports {
        let shown = display_path(path);
        let limit = crate::input::limit(crate::input::REPORT_LIMIT);
        let bytes = crate::input::read_io(path, None, limit).map_err(|source| {
            report::json_reader::LoadError::Read {
                path: shown.clone(),
                source,
            }
        })?;
        inputs.push((shown, bytes));
    }
    // One shard report alone is merged, so the merge names the shards that are missing (and
    // a `1/1` shard is whole); one unsharded report has nothing to merge with.
    if let [(shown, bytes)] = inputs.as_slice()
        && report::json_reader::Doc::parse(bytes, shown).is_ok_and(|d| d.run.shard.is_none())
    {
        return Err(not_enough());
    }
    let merged = report::merge::merge(&inputs)?;
    for d in &merged.duplicates {
        ui.note(&crate::msg!("merge-duplicate-same-result", target = d));
    }
    let path = crate::atomic::write_atomic_at(output, &merged.json)?;
    let mut printed_paths = format!("{}\n", display_path(&path));
    // The shards' fleet SBOMs, when they made them, as one beside the merged report.
    let boms = shard_boms(reports_given)?;
    if !boms.is_empty() {
        let doc = report::json_reader::Doc::parse(&merged.json, &display_path(&path))?;
        let mut parsed = Vec::new();
        let mut unreadable = Vec::new();
        for bom in &boms {
            let limit = crate::input::limit(crate::input::REPORT_LIMIT);
            let bytes = crate::input::read_io(bom, None, limit).map_err(|source| {
                report::json_reader::LoadError::Read {
                    path: display_path(bom),
                    source,
                }
            })?;
            match serde_json::from_slice(&bytes) {
                Ok(v) => parsed.push(v),
                Err(_) => {
                    ui.note(&crate::msg!(
                        "merge-bom-unreadable",
                        file = display_path(bom)
                    ));
                    unreadable.push((display_path(bom), "not a CycloneDX BOM".to_string()));
                }
            }
        }
        let mut fleet = report::cyclonedx::FleetBom::merged(&parsed);
        // Never silently absent: the merged BOM's metadata says which shard BOM is not in it.
        fleet.missing.extend(unreadable);
        let bom = fleet.finish(&doc.run.profile, &doc.run.started_at, &doc.run.version);
        let bom_path = crate::atomic::write_atomic_at(&output.with_extension("cdx.json"), &bom)?;
        printed_paths.push_str(&format!("{}\n", display_path(&bom_path)));
    }
    let printed = print_stdout(&printed_paths);
    // The fleet's verdict, even with -q: the exit code CI acts on, said in words.
    let doc = report::json_reader::Doc::parse(&merged.json, &display_path(&path))?;
    let code = exit::of_verdict(merged.verdict, false);
    eprint!(
        "{}",
        crate::terminal::printable(&report::summary::verdict_lines_of_doc(&doc, code))
    );
    printed?;
    Ok(code)
}

/// The files `report merge` was given: a directory stands for its JSON reports
/// (`trivyscan-*.json`), a glob for what it matches (sorted by name), both without the other
/// formats a run writes beside them (`.cdx.json`, `.gitlab.json`, `.openvex.json`); other
/// paths as they are.
fn merge_inputs(args: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, Error> {
    // The other formats a run writes beside its JSON report also end in `.json`.
    let beside = [
        ReportFormat::CycloneDx,
        ReportFormat::Gitlab,
        ReportFormat::OpenVex,
    ]
    .map(|f| format!(".{}", f.extension()));
    files_in(args, "trivyscan-*.json", |name| {
        !beside.iter().any(|ext| name.ends_with(ext.as_str()))
    })
}

/// The fleet SBOMs (`trivyscan-*.cdx.json`) in the directories `report merge` was given.
fn shard_boms(args: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, Error> {
    let dirs: Vec<std::path::PathBuf> = args.iter().filter(|a| a.is_dir()).cloned().collect();
    files_in(&dirs, "trivyscan-*.cdx.json", |_| true)
}

/// Paths, with each directory standing for its files named by `pattern` (and `keep`).
fn files_in(
    args: &[std::path::PathBuf],
    pattern: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<std::path::PathBuf>, Error> {
    let mut out = Vec::new();
    for arg in args {
        let text = arg.to_string_lossy();
        let (dir, pattern) = if arg.is_dir() {
            (arg.clone(), pattern.to_string())
        } else if text.contains(['*', '?', '[', '{']) {
            let dir = arg
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map(std::path::Path::to_path_buf)
                .unwrap_or_else(|| ".".into());
            let name = arg
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (dir, name)
        } else {
            out.push(arg.clone());
            continue;
        };
        let matcher = globset::Glob::new(&pattern)
            .map_err(|_| Error::MergeInputs(vec![text.to_string()]))?
            .compile_matcher();
        let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .map_err(|source| report::json_reader::LoadError::Read {
                path: display_path(&dir),
                source,
            })?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .is_some_and(|n| matcher.is_match(n) && keep(&n.to_string_lossy()))
            })
            .collect();
        found.sort();
        out.extend(found);
    }
    Ok(out)
}
