//! What every part of the HTML page draws with: escaping, severity colors and badges.

use crate::model::Severity;

pub struct HtmlOptions {
    /// Show secret findings' matched text (masked by default).
    pub show_secrets: bool,
}

pub(super) const MASK: &str = "••••••••";

pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8b0000",
        Severity::High => "#e0452b",
        Severity::Medium => "#f0a30a",
        Severity::Low => "#4a90d9",
        Severity::Unknown => "#8c8c8c",
    }
}

pub(super) fn severities() -> impl Iterator<Item = Severity> {
    Severity::ALL.into_iter().rev()
}

/// A known-exploited finding's badge, with the catalog's dates in its tooltip.
pub(super) fn kev_badge(kev: Option<&crate::model::KevInfo>) -> String {
    match kev {
        Some(k) => format!(
            "<span class=\"kev\" title=\"CISA KEV: added {}, due {}{}\">KEV{}</span>",
            esc(&k.date_added),
            esc(&k.due_date),
            if k.known_ransomware_use {
                ", used in ransomware campaigns"
            } else {
                ""
            },
            if k.known_ransomware_use {
                " · ransomware"
            } else {
                ""
            }
        ),
        None => String::new(),
    }
}

pub(super) fn epss_cell(epss: Option<&crate::model::EpssInfo>) -> String {
    match epss {
        Some(e) => format!(
            "<span title=\"{:.0}th percentile, scored {}\">{:.3}</span>",
            e.percentile * 100.0,
            esc(&e.date),
            e.probability
        ),
        None => String::new(),
    }
}

pub(super) fn badge(s: Severity) -> String {
    format!(
        "<span class=\"sev\" style=\"background:{}\">{s}</span>",
        color(s)
    )
}
