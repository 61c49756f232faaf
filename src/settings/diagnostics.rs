//! Config and target problems as miette diagnostics that point at their file, line and key.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};

use crate::diagnostic_code::Code;
use crate::i18n::Msg;
use crate::source::{Origin, SourceFile};

/// One problem found in the configuration, a legacy list or a target.
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: Code,
    pub severity: Severity,
    pub message: Msg,
    pub help: Option<Msg>,
    pub label: Msg,
    pub location: Option<(Arc<SourceFile>, std::ops::Range<usize>)>,
    source_code: Option<NamedSource<Arc<String>>>,
    /// The value came from a command-line flag: a usage error (exit 64), not the config's.
    pub from_flag: bool,
}

impl Problem {
    pub fn error(code: Code, message: Msg) -> Problem {
        Problem {
            code,
            severity: Severity::Error,
            message,
            help: None,
            label: crate::msg!("label-here"),
            location: None,
            source_code: None,
            from_flag: false,
        }
    }

    pub fn warning(code: Code, message: Msg) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code, message)
        }
    }

    pub fn help(mut self, help: Msg) -> Problem {
        self.help = Some(help);
        self
    }

    pub fn label(mut self, label: Msg) -> Problem {
        self.label = label;
        self
    }

    /// Points the problem at a span of a file.
    pub fn in_file(mut self, file: &Arc<SourceFile>, span: std::ops::Range<usize>) -> Problem {
        let language = match file.path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => "yaml",
            _ => "toml",
        };
        // The snippet is shown on a terminal: a file's escapes are made inert (same length,
        // so the span still points where it did).
        self.source_code = Some(
            NamedSource::new(crate::terminal::printable(&file.name), file.shown_text())
                .with_language(language),
        );
        self.location = Some((file.clone(), span));
        self
    }

    /// Points the problem at where a value came from: a file span, or the env var or flag named
    /// in the message, since those have no file to show.
    pub fn at(self, origin: &Origin) -> Problem {
        match origin {
            Origin::File { file, span, .. }
            | Origin::Legacy { file, span }
            | Origin::Manifest { file, span }
            | Origin::Document { file, span } => self.in_file(file, span.clone()),
            Origin::Via { inner, .. } => self.at(inner),
            Origin::Env { var } => {
                let message = crate::msg!("problem-from-env", var = var, message = self.message);
                Problem { message, ..self }
            }
            Origin::Flag { flag } => {
                let message = crate::msg!("problem-from-flag", flag = flag, message = self.message);
                Problem {
                    message,
                    from_flag: true,
                    ..self
                }
            }
            Origin::Default | Origin::Implicit(_) => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line` for plain-text listings.
    pub fn place(&self) -> Option<String> {
        self.location
            .as_ref()
            .map(|(f, span)| format!("{}:{}", f.name, f.line_of(span.start)))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.message, f)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.docs_url()))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source_code.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.location.as_ref()?;
        let len = span.end.saturating_sub(span.start);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.to_string()), (span.start, len)),
        )))
    }
}

/// Every error-level problem of a config, reported together.
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::msg!("config-problems", n = .problems.len()))]
pub struct InvalidConfig {
    pub problems: Vec<Problem>,
}

/// How many problems are shown in full; the rest are summed up in one line, so a list of
/// 100,000 bad lines costs no more to report than one of a hundred.
pub const SHOWN_PROBLEMS: usize = 100;

impl InvalidConfig {
    /// A bad flag value is among the errors: the command line is wrong (exit 64).
    pub fn is_usage_error(&self) -> bool {
        self.problems.iter().any(|p| p.is_error() && p.from_flag)
    }

    /// The problems shown in full, in file order.
    pub fn shown(&self) -> &[Problem] {
        &self.problems[..self.problems.len().min(SHOWN_PROBLEMS)]
    }

    /// How many are not shown.
    pub fn hidden(&self) -> usize {
        self.problems.len() - self.shown().len()
    }
}

impl Diagnostic for InvalidConfig {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(Code::ConfigInvalid))
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(Code::ConfigInvalid.docs_url()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let help = match (self.problems.len(), self.hidden()) {
            (1, _) => crate::msg!("config-invalid-shown-below"),
            (_, 0) => crate::msg!("config-invalid-each-shown"),
            (_, hidden) => {
                crate::msg!("config-invalid-first-shown", n = SHOWN_PROBLEMS, m = hidden)
            }
        };
        Some(Box::new(help))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.shown().iter().map(|p| p as &dyn Diagnostic)))
    }
}

impl InvalidConfig {
    /// Problems in file order: those with no file first (env vars, flags), then by file and
    /// place, so a reader goes down the file once.
    pub fn in_file_order(mut problems: Vec<Problem>) -> InvalidConfig {
        let mut files: Vec<String> = Vec::new();
        let mut key = |p: &Problem| match &p.location {
            None => (0, 0),
            Some((file, span)) => {
                let index = files
                    .iter()
                    .position(|f| *f == file.name)
                    .unwrap_or_else(|| {
                        files.push(file.name.clone());
                        files.len() - 1
                    });
                (index + 1, span.start)
            }
        };
        let keys: Vec<(usize, usize)> = problems.iter().map(&mut key).collect();
        let mut order: Vec<usize> = (0..problems.len()).collect();
        order.sort_by_key(|&i| keys[i]);
        let mut slots: Vec<Option<Problem>> = problems.drain(..).map(Some).collect();
        InvalidConfig {
            problems: order.into_iter().filter_map(|i| slots[i].take()).collect(),
        }
    }
}

/// "Did you mean" for a misspelt name.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
