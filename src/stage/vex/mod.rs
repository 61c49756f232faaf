//! VEX stage: the run's `vex` documents (OpenVEX, CycloneDX VEX, CSAF VEX) read into one list of
//! statements, which `policy` applies with the ignores. A document that cannot be read leaves
//! its findings in (it never suppresses anything) and is a failed input of the ledger; a
//! statement trivyscan cannot apply is a warning at its line, and the document's others apply.

mod csaf;
mod cyclonedx;
mod openvex;
pub mod places;

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use sha2::Digest as _;

use crate::diagnostic_code::Code;
use crate::i18n::Msg;
use crate::model::{
    InputKind, LedgerEntry, LedgerStatus, Purl, VexFormat, VexProduct, VexStatement, VexStatus,
};
use crate::settings::{Origin, Problem, Settings, Sourced};
use crate::source::SourceFile;

/// A statement as a document says it, before it is placed.
#[derive(Debug)]
struct Draft {
    vulnerability: Vec<String>,
    products: Vec<VexProduct>,
    status: VexStatus,
    justification: Option<String>,
    statement: Option<String>,
    timestamp: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// Why a statement is not applied.
#[derive(Debug)]
enum Rejected {
    NoVulnerability,
    Status(String),
    Justification(String),
    NoJustification,
    NoProduct,
}

impl Rejected {
    fn msg(&self) -> Msg {
        match self {
            Rejected::NoVulnerability => crate::msg!("vex-no-vulnerability"),
            Rejected::Status(s) => crate::msg!("vex-status", status = format!("{s:?}")),
            Rejected::Justification(j) => {
                crate::msg!("vex-justification", justification = format!("{j:?}"))
            }
            Rejected::NoJustification => crate::msg!("vex-no-justification"),
            Rejected::NoProduct => crate::msg!("vex-no-product"),
        }
    }
}

/// OpenVEX's rule, held for every format: `not_affected` says why, with a justification or a
/// statement of its impact.
fn says_why(
    status: VexStatus,
    justification: &Option<String>,
    statement: &Option<String>,
) -> Result<(), Rejected> {
    if status == VexStatus::NotAffected && justification.is_none() && statement.is_none() {
        return Err(Rejected::NoJustification);
    }
    Ok(())
}

/// One document's statements, each at its byte offset in the text.
struct Parsed {
    document: String,
    format: VexFormat,
    statements: Vec<(usize, Result<Draft, Rejected>)>,
}

fn str_at<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)?.as_str().filter(|s| !s.trim().is_empty())
}

/// The array at `key`, or none.
fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn time_at(v: &Value, key: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(str_at(v, key)?).ok()
}

/// A purl, when the text is one.
fn purl_of(text: &str) -> Option<Purl> {
    text.starts_with("pkg:")
        .then(|| text.parse().ok())
        .flatten()
}

/// A product named by one purl: an image, or a package wherever it is.
fn product_of(purl: Purl) -> VexProduct {
    if purl.is_image() {
        VexProduct {
            image: Some(purl),
            packages: Vec::new(),
        }
    } else {
        VexProduct {
            image: None,
            packages: vec![purl],
        }
    }
}

/// Which of the three formats a document is, by its own marks.
fn parse(doc: &Value, text: &str, fallback_id: &str) -> Option<Parsed> {
    let context = str_at(doc, "@context").unwrap_or("");
    if context.contains("openvex") || doc.get("statements").is_some_and(Value::is_array) {
        Some(openvex::parse(doc, text, fallback_id))
    } else if str_at(doc, "bomFormat") == Some("CycloneDX") {
        Some(cyclonedx::parse(doc, text, fallback_id))
    } else if doc["document"].get("csaf_version").is_some() {
        Some(csaf::parse(doc, text, fallback_id))
    } else {
        None
    }
}

/// The statements of the run's `vex` entries, and what became of each document.
#[derive(Debug, Default)]
pub struct Loaded {
    pub statements: Vec<VexStatement>,
    pub ledger: Vec<LedgerEntry>,
    pub problems: Vec<Problem>,
}

/// The largest VEX document read: CSAF advisories of a big vendor run to a few MB.
const VEX_LIMIT: u64 = 64 << 20;

/// Reads every document the settings' `vex` entries name (globs expanded).
pub fn load(settings: &Settings) -> Loaded {
    let mut out = Loaded::default();
    let root = (!settings.allow_outside_paths).then_some(settings.base_dir.as_path());
    let cache = settings.trivy.cache_dir.join("vex");
    for (scope, pattern) in settings.vex_patterns() {
        let lower = pattern.value.to_ascii_lowercase();
        if lower.contains("://") {
            // One with a user name or password is a config error (never shown, never used).
            let authority = lower.split_once("://").map_or("", |(_, rest)| rest);
            if authority
                .split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .contains('@')
                || !(lower.starts_with("http://") || lower.starts_with("https://"))
            {
                continue;
            }
            out.remote(
                &pattern.value,
                scope,
                pattern,
                &cache,
                settings.intel.offline,
            );
            continue;
        }
        let files = crate::stage::resolve::files_named(&settings.base_dir, &pattern.value);
        if files.is_empty() {
            out.problems.push(
                Problem::warning(
                    Code::VexRead,
                    crate::msg!("vex-no-match", glob = format!("{:?}", pattern.value)),
                )
                .label(crate::msg!("glob-no-match-label"))
                .help(crate::msg!("vex-no-match-help"))
                .at(&pattern.origin),
            );
            out.ledger.push(
                LedgerEntry::new(InputKind::Vex, &pattern.value, LedgerStatus::Failed)
                    .origin(&pattern.origin)
                    .reason("matches no file"),
            );
        }
        for path in files {
            out.document(&path, root, scope, pattern);
        }
    }
    out
}

impl Loaded {
    fn document(
        &mut self,
        path: &Path,
        root: Option<&Path>,
        scope: Option<&str>,
        pattern: &Sourced<String>,
    ) {
        let shown = crate::paths::display_path(path);
        let fail = |this: &mut Loaded, problem: Problem, reason: String| {
            this.problems.push(problem);
            this.ledger.push(
                LedgerEntry::new(InputKind::Vex, &shown, LedgerStatus::Failed)
                    .origin(&pattern.origin)
                    .reason(reason),
            );
        };
        let text = match crate::input::read(path, root, crate::input::limit(VEX_LIMIT))
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
        {
            Ok(text) => text,
            Err(e) => {
                let problem = Problem::error(
                    Code::VexRead,
                    crate::msg!("vex-unreadable", path = shown, error = e),
                )
                .label(crate::msg!("vex-unreadable-label"))
                .help(crate::msg!("vex-unreadable-help"))
                .at(&pattern.origin);
                return fail(self, problem, format!("cannot be read: {e}"));
            }
        };
        self.text(&shown, path, text, scope, pattern, None);
    }

    /// A document named by URL: downloaded each run (VEX changes as triage goes on) and kept
    /// in `<cache_dir>/vex`; when the download fails (or with `intel.offline`), the kept copy
    /// is used and said; without one, nothing of it applies.
    fn remote(
        &mut self,
        url: &str,
        scope: Option<&str>,
        pattern: &Sourced<String>,
        cache: &Path,
        offline: bool,
    ) {
        let name: String = sha2::Sha256::digest(url.as_bytes())[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let copy = cache.join(format!("{name}.json"));
        let fresh = if offline {
            Err("intel.offline is set: not downloaded".to_string())
        } else {
            crate::stage::intel::fetch(url)
        };
        let (bytes, note) = match fresh {
            Ok(bytes) => {
                // A copy that cannot be kept only costs the fallback next time.
                let _ = std::fs::create_dir_all(cache)
                    .map_err(|e| e.to_string())
                    .and_then(|()| {
                        crate::atomic::write_atomic_at(&copy, &bytes).map_err(|e| e.to_string())
                    });
                (bytes, None)
            }
            Err(e) => match crate::input::read(&copy, None, crate::input::limit(VEX_LIMIT)) {
                Ok(bytes) => {
                    let when = std::fs::metadata(&copy)
                        .and_then(|m| m.modified())
                        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339())
                        .unwrap_or_default();
                    self.problems.push(
                        Problem::warning(
                            Code::VexRead,
                            crate::msg!("vex-cached-copy", url = url, error = &e, when = &when),
                        )
                        .help(crate::msg!("vex-cached-copy-help"))
                        .at(&pattern.origin),
                    );
                    (
                        bytes,
                        Some(format!("not downloaded ({e}): the copy of {when} is used")),
                    )
                }
                Err(_) => {
                    self.problems.push(
                        Problem::error(
                            Code::VexRead,
                            crate::msg!("vex-unreadable", path = url, error = &e),
                        )
                        .label(crate::msg!("vex-unreadable-label"))
                        .help(crate::msg!("vex-unreadable-help"))
                        .at(&pattern.origin),
                    );
                    self.ledger.push(
                        LedgerEntry::new(InputKind::Vex, url, LedgerStatus::Failed)
                            .origin(&pattern.origin)
                            .reason(format!("cannot be downloaded and no copy is kept: {e}")),
                    );
                    return;
                }
            },
        };
        match String::from_utf8(bytes) {
            Ok(text) => self.text(url, Path::new(url), text, scope, pattern, note),
            Err(e) => {
                self.problems.push(
                    Problem::error(
                        Code::VexInvalid,
                        crate::msg!("vex-invalid", path = url, error = e.to_string()),
                    )
                    .label(crate::msg!("vex-invalid-label"))
                    .help(crate::msg!("vex-invalid-help"))
                    .at(&pattern.origin),
                );
                self.ledger.push(
                    LedgerEntry::new(InputKind::Vex, url, LedgerStatus::Failed)
                        .origin(&pattern.origin)
                        .reason(format!("not a VEX document: {e}")),
                );
            }
        }
    }

    /// A document's text, parsed and its statements placed.
    fn text(
        &mut self,
        shown: &str,
        path: &Path,
        text: String,
        scope: Option<&str>,
        pattern: &Sourced<String>,
        note: Option<String>,
    ) {
        let fail = |this: &mut Loaded, problem: Problem, reason: String| {
            this.problems.push(problem);
            this.ledger.push(
                LedgerEntry::new(InputKind::Vex, shown, LedgerStatus::Failed)
                    .origin(&pattern.origin)
                    .reason(reason),
            );
        };
        let file = SourceFile::new(path, text);
        let parsed = serde_json::from_str::<Value>(&file.text)
            .map_err(|e| e.to_string())
            .and_then(|doc| {
                parse(&doc, &file.text, shown).ok_or_else(|| {
                    "not OpenVEX, CycloneDX or CSAF (no @context, bomFormat or csaf_version)"
                        .to_string()
                })
            });
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                let problem = Problem::error(
                    Code::VexInvalid,
                    crate::msg!("vex-invalid", path = shown, error = e),
                )
                .label(crate::msg!("vex-invalid-label"))
                .help(crate::msg!("vex-invalid-help"))
                .in_file(&file, 0..0);
                return fail(self, problem, format!("not a VEX document: {e}"));
            }
        };
        self.place(parsed, &file, scope, pattern, shown, note);
    }

    /// Each statement of a read document, applied or said why not.
    fn place(
        &mut self,
        parsed: Parsed,
        file: &Arc<SourceFile>,
        scope: Option<&str>,
        pattern: &Sourced<String>,
        shown: &str,
        note: Option<String>,
    ) {
        let total = parsed.statements.len();
        let mut rejected = 0;
        for (at, statement) in parsed.statements {
            let origin = Origin::Document {
                file: file.clone(),
                span: at..at + 1,
            };
            match statement {
                Ok(d) => self.statements.push(VexStatement {
                    vulnerability: d.vulnerability,
                    products: d.products,
                    status: d.status,
                    justification: d.justification,
                    statement: d.statement,
                    timestamp: d.timestamp,
                    document: parsed.document.clone(),
                    format: parsed.format,
                    origin,
                    scope: scope.map(str::to_string),
                }),
                Err(why) => {
                    rejected += 1;
                    self.problems.push(
                        Problem::warning(
                            Code::VexStatement,
                            crate::msg!("vex-statement-skipped", why = why.msg()),
                        )
                        .label(crate::msg!("vex-statement-skipped-label"))
                        .help(crate::msg!("vex-statement-skipped-help"))
                        .at(&origin),
                    );
                }
            }
        }
        let mut entry =
            LedgerEntry::new(InputKind::Vex, shown, LedgerStatus::Done).origin(&pattern.origin);
        let mut reasons: Vec<String> = note.into_iter().collect();
        if rejected > 0 {
            reasons.push(format!(
                "{rejected} of {total} statements not applied (see the warnings)"
            ));
        }
        if !reasons.is_empty() {
            entry = entry.reason(reasons.join("; "));
        }
        self.ledger.push(entry);
    }
}
