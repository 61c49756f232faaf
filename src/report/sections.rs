//! The fleet sections the formats people read show (known exploited, totals, fix impact), as
//! tables of typed cells: what each holds is decided here once, and `html.rs` and
//! `markdown.rs` only draw them (escaping, badges, sorting, alignment).

use super::json_reader::Doc;
use crate::model::{EpssInfo, KevInfo, Severity};

/// One cell: what it holds, so each renderer can show it its own way.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Free text from the report (escaped by the renderer).
    Text(String),
    /// An identifier: an image, a vulnerability ID (code in Markdown).
    Id(String),
    Count(usize),
    /// A sum of probabilities, shown with three decimals.
    Decimal(f64),
    Severity(Severity),
    /// Found in the KEV catalog, with its dates.
    Kev(Option<Box<KevInfo>>),
    Epss(Option<Box<EpssInfo>>),
    /// Nothing to show here ("-" in Markdown, empty in HTML).
    Empty,
    /// A count that was not taken: never a zero that would read as clean.
    NotScanned,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Right-aligned.
    pub numeric: bool,
}

const fn text(title: &'static str) -> Column {
    Column {
        title,
        numeric: false,
    }
}

const fn number(title: &'static str) -> Column {
    Column {
        title,
        numeric: true,
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows left out by the limit the caller gave (the JSON report has them all).
    pub more: usize,
}

impl Table {
    fn new(columns: Vec<Column>, mut rows: Vec<Vec<Cell>>, limit: usize) -> Table {
        let more = rows.len().saturating_sub(limit);
        rows.truncate(limit);
        Table {
            columns,
            rows,
            more,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// The HTML anchor.
    pub anchor: &'static str,
    pub title: &'static str,
    pub intro: Option<String>,
    pub table: Option<Table>,
    /// Tables under their own headings.
    pub parts: Vec<(&'static str, Table)>,
}

/// The known-exploited vulnerabilities across the fleet, and those ignore entries accepted;
/// `None` when the run had no KEV catalog.
pub fn known_exploited(doc: &Doc, limit: usize) -> Option<Section> {
    let k = doc.known_exploited.as_ref()?;
    let intro = format!(
        "{} known-exploited vulnerabilit{} in {} target(s), {} finding(s); {} upgrade(s) remove every one that has a fix (the first rows of Fix impact).",
        k.vulnerabilities,
        if k.vulnerabilities == 1 { "y" } else { "ies" },
        k.targets,
        k.findings,
        k.upgrades
    );
    let rows: Vec<Vec<Cell>> = doc
        .vulnerabilities
        .iter()
        .filter(|v| v.kev.is_some())
        .map(|v| {
            let kev = v.kev.as_deref().expect("filtered");
            vec![
                Cell::Id(v.id.clone()),
                Cell::Severity(v.severity),
                Cell::Text(v.packages.join(", ")),
                Cell::Text(v.targets.join(", ")),
                Cell::Text(kev.date_added.clone()),
                Cell::Text(kev.due_date.clone()),
                if kev.known_ransomware_use {
                    Cell::Text("known".into())
                } else {
                    Cell::Empty
                },
                Cell::Epss(v.epss.clone()),
            ]
        })
        .collect();
    let table = (!rows.is_empty()).then(|| {
        Table::new(
            vec![
                text("ID"),
                text("Severity"),
                text("Packages"),
                text("Targets"),
                text("Added"),
                text("Due"),
                text("Ransomware"),
                number("EPSS"),
            ],
            rows,
            limit,
        )
    });
    let ignored: Vec<Vec<Cell>> = k
        .ignored
        .iter()
        .map(|i| {
            vec![
                Cell::Id(i.id.clone()),
                Cell::Text(i.package.clone()),
                Cell::Id(i.target.clone()),
                Cell::Text(i.reason.clone()),
                Cell::Text(i.origin.clone()),
            ]
        })
        .collect();
    let parts = if ignored.is_empty() {
        Vec::new()
    } else {
        let columns = vec![
            text("ID"),
            text("Package"),
            text("Target"),
            text("Reason"),
            text("Entry"),
        ];
        vec![(
            "Accepted by ignore entries",
            Table::new(columns, ignored, usize::MAX),
        )]
    };
    Some(Section {
        anchor: "known-exploited",
        title: "Known exploited (CISA KEV)",
        intro: Some(intro),
        table,
        parts,
    })
}

/// Targets, scanned, failed, the findings per severity and the suppressed; the severity counts
/// say "not scanned" when vulnerabilities were not looked at.
pub fn totals(doc: &Doc) -> Section {
    let t = &doc.totals;
    let known = doc.counts_known();
    let mut columns = vec![number("Targets"), number("Scanned"), number("Failed")];
    let mut row = vec![
        Cell::Count(t.targets),
        Cell::Count(t.scanned),
        Cell::Count(t.failed),
    ];
    for s in Severity::ALL.iter().rev() {
        columns.push(number(s.as_str()));
        row.push(if known {
            Cell::Count(t.counts.get(s).copied().unwrap_or(0))
        } else {
            Cell::NotScanned
        });
    }
    columns.push(number("Suppressed"));
    row.push(Cell::Count(t.suppressed));
    Section {
        anchor: "overview",
        title: "Fleet totals",
        intro: None,
        table: Some(Table::new(columns, vec![row], 1)),
        parts: Vec::new(),
    }
}

/// The upgrades that clear the most, first; the exploitation columns only when the run had
/// exploitation data (noise otherwise).
pub fn fix_impact(doc: &Doc, limit: usize) -> Option<Section> {
    if doc.fix_impact.is_empty() {
        return None;
    }
    let intel = has_intel(doc);
    let mut columns = vec![
        text("Package"),
        text("Upgrade to"),
        number("Findings cleared"),
        number("Targets"),
        text("Highest"),
        text("Vulnerabilities"),
    ];
    if intel {
        columns.extend([text("KEV cleared"), number("EPSS sum")]);
    }
    let rows = doc
        .fix_impact
        .iter()
        .map(|f| {
            let mut row = vec![
                Cell::Text(f.package.clone()),
                Cell::Text(f.fixed_version.clone()),
                Cell::Count(f.findings),
                Cell::Count(f.targets),
                Cell::Severity(f.highest_severity),
                Cell::Text(f.vulnerabilities.join(", ")),
            ];
            if intel {
                row.push(if f.known_exploited.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.known_exploited.join(", "))
                });
                row.push(Cell::Decimal(f.epss_sum));
            }
            row
        })
        .collect();
    Some(Section {
        anchor: "fix-impact",
        title: "Fix impact",
        intro: None,
        table: Some(Table::new(columns, rows, limit)),
        parts: Vec::new(),
    })
}

/// Whether the run had exploitation data to show.
pub fn has_intel(doc: &Doc) -> bool {
    doc.run.intel.as_ref().is_some_and(|i| {
        i.kev.status == crate::model::FeedStatus::Ok
            || i.epss.status == crate::model::FeedStatus::Ok
    })
}

/// A target as the fleet overview ranks it.
#[derive(Debug)]
pub struct RankedTarget<'a> {
    pub target: &'a super::json_reader::DocTarget,
    /// Its place in the report (the anchor of its section).
    pub index: usize,
    pub kev: usize,
    /// The highest EPSS probability among its findings.
    pub epss: f64,
}

/// The targets that need action, first to last: those not scanned, then those with findings by
/// known-exploited count, highest EPSS, then severity (most criticals, then highs, ...); and
/// apart, the targets with no finding.
pub fn targets_by_need(doc: &Doc) -> (Vec<RankedTarget<'_>>, Vec<&super::json_reader::DocTarget>) {
    let mut need = Vec::new();
    let mut clean = Vec::new();
    for (index, t) in doc.targets.iter().enumerate() {
        if t.status == "ok" && t.findings.is_empty() {
            clean.push(t);
            continue;
        }
        let findings: Vec<_> = t.all_findings().map(|(_, f)| f).collect();
        need.push(RankedTarget {
            target: t,
            index,
            kev: findings.iter().filter(|f| f.kev.is_some()).count(),
            epss: findings
                .iter()
                .map(|f| f.epss_probability())
                .fold(0.0, f64::max),
        });
    }
    let by_severity = |t: &super::json_reader::DocTarget| -> Vec<usize> {
        Severity::ALL
            .iter()
            .rev()
            .map(|s| t.counts.get(s).copied().unwrap_or(0))
            .collect()
    };
    need.sort_by(|a, b| {
        (b.target.status != "ok")
            .cmp(&(a.target.status != "ok"))
            .then(b.kev.cmp(&a.kev))
            .then(b.epss.total_cmp(&a.epss))
            .then(by_severity(b.target).cmp(&by_severity(a.target)))
            .then(a.target.target.cmp(&b.target.target))
    });
    (need, clean)
}

/// A target's name as a person reads it in a long list: an image as `repository:tag`, or
/// `repository@sha256:` and 12 digits, without the registry (the full reference is beside it
/// as a title); an imported report by what it scanned, so named, with its file; other targets
/// as they are.
pub fn short_name(t: &super::json_reader::DocTarget) -> String {
    match (t.kind.as_str(), &t.artifact) {
        ("image", _) => short_reference(&t.target),
        (_, Some(artifact)) => format!("{} (from {})", short_reference(artifact), t.target),
        _ => t.target.clone(),
    }
}

fn short_reference(text: &str) -> String {
    let Ok(r) = crate::reference::parse(text) else {
        return text.to_string();
    };
    let repository = match r.name.split_once('/') {
        Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => rest,
        _ => r.name.as_str(),
    };
    match (&r.tag, &r.digest) {
        (Some(tag), _) => format!("{repository}:{tag}"),
        (None, Some(digest)) => {
            let (algorithm, hex) = digest.split_once(':').unwrap_or(("", digest));
            format!("{repository}@{algorithm}:{}", &hex[..hex.len().min(12)])
        }
        (None, None) => repository.to_string(),
    }
}
