//! Emit stage: each finished target's report entries, rendered on the worker that scanned it,
//! and the reports being written while the run goes (streamed formats: `json`, `legacy-json`).
//! The formats made from the finished JSON report are rendered by `report::render_from_doc`.

use std::path::{Path, PathBuf};

use crate::model::{RunInfo, TargetResult};
use crate::report;
use crate::settings::{Gate, IgnoreRule, StreamedFormat};
use crate::stage::intel::Intel;
use crate::stage::policy::Policy;

/// Legacy mode's exploitation data: none (the old script's report has no place for it).
static NO_INTEL: std::sync::LazyLock<Intel> = std::sync::LazyLock::new(Intel::none);

/// What every target's entries are rendered with.
pub struct RenderContext<'a> {
    pub formats: &'a [StreamedFormat],
    pub policy: &'a Policy,
    pub ignores: &'a [IgnoreRule],
    pub gate: Gate,
    pub baseline: Option<&'a report::baseline::Baseline>,
    pub redact_secrets: bool,
    pub intel: &'a Intel,
    pub deadlines: report::target_facts::DeadlineRules,
}

impl RenderContext<'_> {
    /// What the suppressed findings point at.
    pub fn decisions(&self) -> report::target_facts::Decisions<'_> {
        report::target_facts::Decisions {
            ignores: self.ignores,
            vex: self.policy.vex_statements(),
        }
    }

    /// Legacy mode: the old script's report alone, no policy, no gate.
    pub fn legacy<'a>(formats: &'a [StreamedFormat], policy: &'a Policy) -> RenderContext<'a> {
        RenderContext {
            formats,
            policy,
            ignores: &[],
            gate: Gate::default(),
            baseline: None,
            redact_secrets: false,
            intel: &NO_INTEL,
            deadlines: report::target_facts::DeadlineRules::none(),
        }
    }
}

/// A target's report entries, rendered on a worker thread: one per streamed format the
/// context asked for.
pub struct Rendered {
    pub json: Option<(Vec<u8>, report::json::TargetTotals)>,
    pub legacy_json: Option<Vec<u8>>,
    pub cyclonedx: Option<report::cyclonedx::ImagePart>,
    pub facts: report::target_facts::TargetFacts,
    pub summary: report::summary::SummaryItem,
}

impl Rendered {
    pub fn of(ctx: &RenderContext, mut r: TargetResult) -> Rendered {
        ctx.policy.apply(&mut r);
        if ctx.redact_secrets {
            crate::stage::policy::redact_secrets(&mut r);
        }
        let facts = report::target_facts::TargetFacts::of(
            &r,
            ctx.gate,
            ctx.baseline,
            ctx.intel,
            ctx.decisions(),
            &ctx.deadlines,
        );
        let wants = |f: StreamedFormat| ctx.formats.contains(&f);
        Rendered {
            json: wants(StreamedFormat::Json)
                .then(|| report::json::target_entry(&r, &facts, ctx.decisions(), ctx.intel)),
            legacy_json: wants(StreamedFormat::LegacyJson).then(|| report::legacy_json::entry(&r)),
            cyclonedx: wants(StreamedFormat::CycloneDx)
                .then(|| report::cyclonedx::ImagePart::of(&r)),
            summary: report::summary::SummaryItem::of(&r),
            facts,
        }
    }
}

/// One report being written while the run goes.
pub enum Emitter {
    Json(report::json::Writer<crate::atomic::AtomicFile>),
    LegacyJson(report::legacy_json::Writer<crate::atomic::AtomicFile>),
    /// The fleet's SBOM, built in memory and written whole at the end.
    CycloneDx(crate::atomic::AtomicFile, report::cyclonedx::FleetBom),
}

impl Emitter {
    /// A report to `dir/<stem>.json`, or `<stem>-2.json`, ... when another run took the name
    /// first: never over another file.
    pub fn new(
        format: StreamedFormat,
        dir: &Path,
        stem: &str,
    ) -> Result<Emitter, crate::atomic::WriteError> {
        let extension = match format {
            StreamedFormat::CycloneDx => "cdx.json",
            _ => "json",
        };
        let file = crate::atomic::AtomicFile::create_unique(dir, stem, extension)?;
        let path = file.path().to_path_buf();
        let err = |source| crate::atomic::WriteError {
            path: path.clone(),
            source,
        };
        Ok(match format {
            StreamedFormat::LegacyJson => {
                Emitter::LegacyJson(report::legacy_json::Writer::new(file).map_err(err)?)
            }
            StreamedFormat::Json => Emitter::Json(report::json::Writer::new(file).map_err(err)?),
            StreamedFormat::CycloneDx => Emitter::CycloneDx(file, Default::default()),
        })
    }

    /// Appends this report's entry of a target (rendered for it by the same context).
    pub fn push(&mut self, rendered: &Rendered) -> Result<(), crate::atomic::WriteError> {
        match self {
            Emitter::Json(w) => match &rendered.json {
                Some((bytes, totals)) => w.push(bytes, totals).map_err(|e| w.get_ref().error(e)),
                None => Ok(()),
            },
            Emitter::LegacyJson(w) => match &rendered.legacy_json {
                Some(bytes) => w.push(bytes).map_err(|e| w.get_ref().error(e)),
                None => Ok(()),
            },
            Emitter::CycloneDx(_, bom) => {
                if let Some(part) = &rendered.cyclonedx {
                    bom.push(part);
                }
                Ok(())
            }
        }
    }

    /// Writes the end of the report and gives it its final name; returns that name.
    pub fn finish(
        self,
        info: &RunInfo,
        fleet: &report::schema::FleetSection,
    ) -> Result<PathBuf, crate::atomic::WriteError> {
        let (file, path) = match self {
            Emitter::Json(w) => {
                let path = w.get_ref().path().to_path_buf();
                (w.finish(info, fleet), path)
            }
            Emitter::LegacyJson(w) => {
                let path = w.get_ref().path().to_path_buf();
                (w.finish(), path)
            }
            Emitter::CycloneDx(mut file, bom) => {
                let path = file.path().to_path_buf();
                let bytes = bom.finish(&info.profile, &info.started_at, info.version);
                let written = std::io::Write::write_all(&mut file, &bytes).map(|()| file);
                (written, path)
            }
        };
        file.map_err(|source| crate::atomic::WriteError { path, source })?
            .persist()
    }
}
