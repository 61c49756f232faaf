//! Where a value came from: a built-in default, a line of a file, an env var or a flag; and
//! the files themselves, kept for diagnostics. A leaf: it depends on nothing else of trivyscan
//! but `paths`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml_edit::{Item, Value as TomlValue};

use crate::paths::display_path;

/// A text file trivyscan read, kept whole so diagnostics can show the offending line.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The name shown to people: relative to the working directory when possible.
    pub name: String,
    pub text: Arc<String>,
    /// Byte offset of each line's start, for quick line lookups.
    line_starts: Vec<usize>,
    /// The text as a diagnostic's snippet shows it (`terminal::inert`), made once per file.
    shown: std::sync::OnceLock<Arc<String>>,
}

impl SourceFile {
    pub fn new(path: &Path, text: String) -> Arc<SourceFile> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Arc::new(SourceFile {
            path: path.to_path_buf(),
            name: display_path(path),
            text: Arc::new(text),
            line_starts,
            shown: std::sync::OnceLock::new(),
        })
    }

    /// The text with what a terminal would act on made inert, of the same length (spans into
    /// it still hold): what a diagnostic shows of the file.
    pub fn shown_text(&self) -> Arc<String> {
        self.shown
            .get_or_init(|| match crate::terminal::inert(&self.text) {
                std::borrow::Cow::Borrowed(_) => self.text.clone(),
                std::borrow::Cow::Owned(shown) => Arc::new(shown),
            })
            .clone()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }
}

#[derive(Debug, Clone)]
pub enum Origin {
    /// trivyscan's built-in default.
    Default,
    /// A key in a TOML config file; `profile` is the `[profile]` table it sits in, for scanner.toml.
    File {
        file: Arc<SourceFile>,
        span: Range<usize>,
        profile: Option<String>,
    },
    Env {
        var: String,
    },
    Flag {
        flag: String,
    },
    /// A line of a legacy `input_images*.txt` list.
    Legacy {
        file: Arc<SourceFile>,
        span: Range<usize>,
    },
    /// An `image:` (or `build:`) of a Kubernetes manifest or Compose file.
    Manifest {
        file: Arc<SourceFile>,
        span: Range<usize>,
    },
    /// A statement of a VEX document.
    Document {
        file: Arc<SourceFile>,
        span: Range<usize>,
    },
    /// Found by expanding a registry glob written at `inner`.
    Via {
        inner: Box<Origin>,
        via: String,
    },
    /// Made up by trivyscan itself, e.g. the target sets of the legacy fallback.
    Implicit(&'static str),
}

impl Origin {
    /// The file and span a diagnostic can point at, if any.
    pub fn location(&self) -> Option<(&Arc<SourceFile>, Range<usize>)> {
        match self {
            Origin::File { file, span, .. }
            | Origin::Legacy { file, span }
            | Origin::Manifest { file, span }
            | Origin::Document { file, span } => Some((file, span.clone())),
            Origin::Via { inner, .. } => inner.location(),
            _ => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File {
                file,
                span,
                profile,
            } => {
                write!(f, "{}:{}", file.name, file.line_of(span.start))?;
                if let Some(p) = profile {
                    write!(f, " [{p}]")?;
                }
                Ok(())
            }
            Origin::Env { var } => write!(f, "env {var}"),
            Origin::Flag { flag } => write!(f, "flag {flag}"),
            Origin::Legacy { file, span }
            | Origin::Manifest { file, span }
            | Origin::Document { file, span } => {
                write!(f, "{}:{}", file.name, file.line_of(span.start))
            }
            Origin::Via { inner, via } => write!(f, "{inner} via {via}"),
            Origin::Implicit(what) => f.write_str(what),
        }
    }
}

/// One step of a path into the config tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A dotted key path with array indices, `targets[1].images[0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn key(&self, k: &str) -> KeyPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> KeyPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Finds the span of the value at `path` in a parsed TOML document (the key's span when the
/// value has none, as for tables). Works on references: configs with thousands of targets
/// ask this once per target.
pub fn locate(root: &Item, path: &[Seg]) -> Option<Range<usize>> {
    find(Node::Item(root), path, false, None)
}

/// The span of a key (not its value), for unknown-key diagnostics.
pub fn locate_key(root: &Item, path: &[Seg]) -> Option<Range<usize>> {
    find(Node::Item(root), path, true, None)
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Value(&'a TomlValue),
    Table(&'a toml_edit::Table),
}

impl<'a> Node<'a> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Item(Item::Value(v)) | Node::Value(v) => v.span(),
            Node::Item(Item::Table(t)) | Node::Table(t) => t.span(),
            Node::Item(Item::ArrayOfTables(a)) => a.span(),
            Node::Item(Item::None) => None,
        }
    }

    fn child(self, seg: &Seg) -> Option<(Option<Range<usize>>, Node<'a>)> {
        match (seg, self) {
            (Seg::Key(k), Node::Table(t)) => t
                .get_key_value(k)
                .map(|(key, item)| (key.span(), Node::Item(item))),
            (Seg::Key(k), Node::Item(item)) => {
                let (key, child) = item.as_table_like()?.get_key_value(k)?;
                Some((key.span(), Node::Item(child)))
            }
            (Seg::Key(k), Node::Value(TomlValue::InlineTable(t))) => t
                .get_key_value(k)
                .map(|(key, item)| (key.span(), Node::Item(item))),
            (Seg::Index(i), Node::Item(Item::ArrayOfTables(aot))) => {
                aot.get(*i).map(|t| (t.span(), Node::Table(t)))
            }
            (
                Seg::Index(i),
                Node::Item(Item::Value(TomlValue::Array(a))) | Node::Value(TomlValue::Array(a)),
            ) => a.get(*i).map(|v| (v.span(), Node::Value(v))),
            _ => None,
        }
    }
}

fn find(
    node: Node<'_>,
    path: &[Seg],
    key_span: bool,
    best: Option<Range<usize>>,
) -> Option<Range<usize>> {
    let Some((seg, rest)) = path.split_first() else {
        return node.span().or(best);
    };
    let Some((key, child)) = node.child(seg) else {
        return best;
    };
    if rest.is_empty() && key_span && key.is_some() {
        return key;
    }
    find(child, rest, key_span, key.or(best))
}
