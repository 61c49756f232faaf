//! Image targets: references (checked, and said when not pinned) and registry globs (asked of
//! the registry, newest tags first).

use globset::GlobSet;

use super::Resolver;
use crate::diagnostic_code::Code;
use crate::model::{InputKind, LedgerEntry, LedgerStatus, Severity, TargetKind};
use crate::reference;
use crate::settings::{Origin, Problem, TargetSet};

impl Resolver<'_> {
    pub(super) fn image(
        &mut self,
        set: &TargetSet,
        text: &str,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
    ) {
        if let Some(glob) = crate::registry::parse_glob(text) {
            self.registry_glob(set, text, glob, severity, origin, excludes);
            return;
        }
        self.image_literal(set, text, severity, origin, excludes);
    }

    /// An image reference taken as it is: what a registry glob expands to is never a glob
    /// again (a tag named `release-*` would otherwise expand forever).
    pub(super) fn image_literal(
        &mut self,
        set: &TargetSet,
        text: &str,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
    ) {
        if excludes.is_match(text) {
            return;
        }
        let problem = match reference::parse(text) {
            Ok(r) => {
                if !r.is_pinned() {
                    self.out.notes.push(crate::msg!(
                        "reference-not-pinned",
                        text = text,
                        origin = origin
                    ));
                }
                None
            }
            Err(why) => {
                // Echoed only as a short prefix with control characters escaped: a "list" may be
                // any text (a secret, terminal escapes), and it goes to logs and reports.
                let shown = shown_line(text);
                let quoted = format!("\"{shown}\"");
                // The source line itself is shown only when it is short plain text.
                let problem = if shown == text {
                    Problem::error(
                        Code::ResolveImageRef,
                        crate::msg!("image-ref-invalid-line", text = quoted, why = why),
                    )
                    .label(why.clone())
                    .at(&origin)
                } else {
                    Problem::error(
                        Code::ResolveImageRef,
                        crate::msg!(
                            "image-ref-invalid",
                            text = quoted,
                            why = why,
                            origin = origin
                        ),
                    )
                };
                self.out
                    .problems
                    .push(problem.help(crate::msg!("image-ref-invalid-help")));
                self.push(
                    set,
                    TargetKind::Image(shown),
                    severity,
                    origin,
                    Some(format!("invalid image reference: {why}")),
                );
                return;
            }
        };
        self.push(
            set,
            TargetKind::Image(text.to_string()),
            severity,
            origin,
            problem,
        );
    }

    /// A registry glob: each reference it matches, with the glob in its origin. A glob the
    /// registry cannot answer is a diagnostic and an error entry named after it; the rest of
    /// the plan stands.
    pub(super) fn registry_glob(
        &mut self,
        set: &TargetSet,
        text: &str,
        glob: Result<crate::registry::RefGlob, String>,
        severity: Severity,
        origin: Origin,
        excludes: &GlobSet,
    ) {
        let login = self.login.clone();
        let expanded = glob.and_then(|g| {
            self.registry
                .get_or_init(|| crate::registry::Client::new(login, self.listing_limit, self.env))
                .expand(&g, set.max_tags)
        });
        let before = self.out.plan.targets.len();
        match expanded {
            Ok(crate::registry::Expansion { refs, trimmed }) => {
                for (repo, kept, all) in trimmed {
                    self.out.said.push(crate::msg!(
                        "max-tags-kept",
                        glob = text,
                        repo = repo,
                        kept = kept.len(),
                        all = all
                    ));
                    self.out.notes.push(crate::msg!(
                        "max-tags-kept-which",
                        repo = repo,
                        tags = kept.join(", ")
                    ));
                }
                if refs.is_empty() {
                    self.out.ledger.push(
                        LedgerEntry::new(InputKind::RegistryGlob, text, LedgerStatus::Failed)
                            .origin(&origin)
                            .reason("matches no image in the registry")
                            .targets(0),
                    );
                    self.out.problems.push(
                        Problem::warning(
                            Code::ResolveGlobNoMatch,
                            crate::msg!("registry-glob-no-match", text = format!("{:?}", text)),
                        )
                        .label(crate::msg!("glob-no-match-label"))
                        .help(crate::msg!("registry-glob-no-match-help"))
                        .at(&origin),
                    );
                }
                let matched = refs.len();
                for found in refs {
                    let via = Origin::Via {
                        inner: Box::new(origin.clone()),
                        via: text.to_string(),
                    };
                    self.image_literal(set, &found, severity, via, excludes);
                }
                if matched > 0 {
                    let yielded = self.out.plan.targets.len() - before;
                    self.out.ledger.push(
                        LedgerEntry::new(InputKind::RegistryGlob, text, LedgerStatus::Done)
                            .origin(&origin)
                            .targets(yielded),
                    );
                }
            }
            Err(why) => {
                let why = crate::terminal::printable(&why).into_owned();
                self.out.problems.push(
                    Problem::error(
                        Code::ResolveRegistryGlob,
                        crate::msg!(
                            "registry-glob-failed",
                            text = format!("{:?}", text),
                            why = why
                        ),
                    )
                    .label(crate::msg!("registry-glob-failed-label"))
                    .help(crate::msg!("registry-glob-failed-help"))
                    .at(&origin),
                );
                self.out.ledger.push(
                    LedgerEntry::new(InputKind::RegistryGlob, text, LedgerStatus::Failed)
                        .origin(&origin)
                        .reason(format!("not expanded: {why}")),
                );
                self.push(
                    set,
                    TargetKind::Image(shown_line(text)),
                    severity,
                    origin,
                    Some(format!("registry glob not expanded: {why}")),
                );
            }
        }
    }
}

/// How much of an invalid list line is echoed.
pub(super) const SHOWN_LINE_CHARS: usize = 80;

/// `text` as diagnostics and reports show an invalid line: at most [`SHOWN_LINE_CHARS`]
/// characters, then `...`, with what a terminal would act on escaped (`\u{1b}`).
pub fn shown_line(text: &str) -> String {
    let mut chars = text.chars();
    let prefix: String = chars.by_ref().take(SHOWN_LINE_CHARS).collect();
    let more = if chars.next().is_some() { "..." } else { "" };
    format!("{}{more}", crate::terminal::printable(&prefix))
}
