//! `config check` and `targets`: the plan, checked or listed.

use crate::diagnostic_code::Code;
use serde::Serialize;

use crate::error::{Error, exit};
use crate::settings::{self, ConfigSource, InvalidConfig, LoadOptions, Problem};
use crate::stage::resolve;

use super::{Ui, announce_legacy_source, errors_of, load, print_stdout, resolve_plan, warn_all};

pub(super) fn config_check(opts: &LoadOptions, ui: Ui) -> Result<u8, Error> {
    // Schema and target problems together, so one pass shows every one (in file order).
    let checked = settings::check(opts);
    let mut problems = checked.problems;
    let Some((settings, _)) = checked.settings else {
        return Err(InvalidConfig::in_file_order(problems).into());
    };
    if let ConfigSource::Nothing(_) = &settings.source {
        return Err(Error::NoConfig);
    }
    if problems.is_empty() {
        announce_legacy_source(&settings, ui);
    }
    let resolved = resolve_plan(&settings, ui);
    problems.extend(errors_of(&resolved));
    if !problems.is_empty() {
        return Err(InvalidConfig::in_file_order(problems).into());
    }
    // VEX documents are read too: a broken one is found before the run, not during it.
    let vex = crate::stage::vex::load(&settings);
    warn_all(ui, vex.problems.iter().filter(|p| !p.is_error()));
    let vex_warnings = vex.problems.iter().filter(|p| !p.is_error()).count();
    problems.extend(vex.problems.into_iter().filter(|p| p.is_error()));
    if !problems.is_empty() {
        return Err(InvalidConfig::in_file_order(problems).into());
    }
    let targets = resolved.plan.targets.len();
    if targets == 0 {
        ui.warn(
            &Problem::warning(
                Code::ConfigNoTargets,
                crate::msg!("config-no-targets", profile = settings.profile),
            )
            .help(crate::msg!("config-no-targets-help")),
        );
    }
    if !ui.quiet {
        let warnings = resolved.problems.len() + usize::from(targets == 0) + vex_warnings;
        eprintln!(
            "{}",
            crate::msg!(
                "config-ok",
                profile = settings.profile,
                sets = settings.target_sets.len(),
                targets = targets,
                warnings = warnings
            )
            .localized()
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
    /// The other places that name it (a registry glob, a manifest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_origins: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<&'a str>,
}

pub(super) fn targets(
    opts: &LoadOptions,
    ui: Ui,
    json: bool,
    shard: Option<(u32, u32)>,
) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    // What `run` would say, rather than an empty plan.
    if let ConfigSource::Nothing(_) = &settings.source {
        return Err(Error::NoConfig);
    }
    let resolved = resolve_plan(&settings, ui);
    // No targets at all is said as `run` says it, not as an empty table (a shard may be
    // empty: the plan is not).
    if resolved.plan.targets.is_empty() {
        let errors = errors_of(&resolved);
        if !errors.is_empty() {
            return Err(InvalidConfig { problems: errors }.into());
        }
        return Err(Error::NoTargets);
    }
    let planned = match shard {
        Some((k, n)) => resolve::shard(resolved.plan.targets.clone(), &settings.base_dir, k, n),
        None => resolved.plan.targets.clone(),
    };
    let rows: Vec<PlanRow> = planned
        .iter()
        .map(|t| PlanRow {
            set: &t.set,
            kind: t.kind.label(),
            // One path form in text and JSON: as `display_path` shows paths everywhere.
            target: t.kind.display_name(),
            severity: t.severity.as_str(),
            origin: t.origin.to_string(),
            other_origins: t.also.iter().map(|o| o.to_string()).collect(),
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
            [
                r.set.to_string(),
                r.kind.to_string(),
                r.severity.to_string(),
                r.target.clone(),
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
                // Padded by hand: a format width is limited to u16, and a cell may be longer.
                s.push_str(c);
                let pad = widths[i].saturating_sub(c.chars().count()) + 2;
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(headers);
    for (row, r) in cells.iter().zip(rows) {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
        // A problem gets a line of its own, so the table keeps its columns.
        if let Some(problem) = r.problem {
            out.push_str(&format!("  error: {problem}\n"));
        }
    }
    out
}
