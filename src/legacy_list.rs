//! The old script's input lists, `input_images.txt` and `input_images_files.txt`, read exactly
//! as `trivy-scanner.py` read them: blank lines and `#` comments skipped, `severity=N` (key in
//! any case) sets the threshold, every other line is one target; default severity 4.
//!
//! Where the old script silently fell back (`severity=9`, `severity=high`), trivyscan falls
//! back the same way but says so with a warning pointing at the line. Two deliberate
//! differences: a UTF-8 byte order mark is ignored (the old script made it part of the first
//! line), and invalid UTF-8 is replaced as before but warned about.

use crate::diagnostic_code::Code;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::model::Severity;
use crate::settings::{Problem, SourceFile};

/// The old script's default level when a list has no (valid) `severity=` line.
pub const DEFAULT_LEVEL: i64 = 4;

#[derive(Debug, Clone)]
pub struct LegacyEntry {
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct LegacyList {
    pub file: Arc<SourceFile>,
    /// The level set by a `severity=` line (after the old fallback), if the list has one.
    pub severity: Option<Severity>,
    pub entries: Vec<LegacyEntry>,
    pub problems: Vec<Problem>,
}

/// Reads a list that must resolve (symlinks followed) inside `root`, the tree of the config
/// that names it (or, in legacy mode, the working directory), as a regular file of at most
/// [`crate::input::LIST_LIMIT`] bytes.
pub fn read_list(path: &Path, root: &Path) -> std::io::Result<LegacyList> {
    let bytes = crate::input::read_io(
        path,
        Some(root),
        crate::input::limit(crate::input::LIST_LIMIT),
    )?;
    Ok(parse_list(path, &bytes))
}

/// Python's `str.strip()` whitespace: Unicode white space plus the ASCII separators 0x1c-0x1f.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `int(s.strip())` for the forms people write: sign, digits, `_` between digits.
fn py_int(s: &str) -> Option<i64> {
    let s = s.trim_matches(is_py_space);
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -n } else { n })
}

pub fn parse_list(path: &Path, bytes: &[u8]) -> LegacyList {
    let mut problems = Vec::new();
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let (text, invalid_utf8) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    };
    let text = lone_cr_as_lf(text);
    let file = SourceFile::new(path, text);
    let text = file.text.as_str();

    let mut severity = None;
    let mut entries = Vec::new();
    for (start, raw) in lines(text) {
        let trimmed = raw.trim_matches(is_py_space);
        if trimmed.is_empty() {
            continue;
        }
        let offset = start + (raw.len() - raw.trim_start_matches(is_py_space).len());
        let span = offset..offset + trimmed.len();
        if invalid_utf8 && trimmed.contains('\u{FFFD}') {
            problems.push(
                Problem::warning(Code::LegacyEncoding, crate::msg!("legacy-list-encoding"))
                    .label(crate::msg!("legacy-list-encoding-label"))
                    .help(crate::msg!("legacy-list-encoding-help"))
                    .in_file(&file, span.clone()),
            );
        }
        if trimmed.starts_with('#') {
            continue;
        }
        if trimmed.to_lowercase().starts_with("severity=") {
            let value = &trimmed[trimmed.find('=').map_or(0, |i| i + 1)..];
            let level = py_int(value).filter(|n| (1..=5).contains(n));
            if level.is_none() {
                problems.push(
                    Problem::warning(
                        Code::LegacySeverity,
                        crate::msg!(
                            "legacy-list-severity",
                            value = format!("{:?}", value.trim())
                        ),
                    )
                    .label(crate::msg!("legacy-list-severity-label"))
                    .help(crate::msg!("legacy-list-severity-help"))
                    .in_file(&file, span.clone()),
                );
            }
            severity = Severity::from_legacy_level(level.unwrap_or(DEFAULT_LEVEL));
            continue;
        }
        entries.push(LegacyEntry {
            text: trimmed.to_string(),
            span,
        });
    }
    LegacyList {
        file,
        severity,
        entries,
        problems,
    }
}

/// Old Mac line endings (a lone `\r`) as `\n`, so line numbers in diagnostics count them as
/// lines; one byte for one byte, so every offset stays where it was.
fn lone_cr_as_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).expect("ASCII for ASCII keeps UTF-8 valid")
}

/// Lines with their byte offsets, split on `\n`, `\r\n` and `\r` as Python's universal
/// newlines do.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((start, &text[start..i]));
                i += 1;
                start = i;
            }
            b'\r' => {
                out.push((start, &text[start..i]));
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        out.push((start, &text[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> LegacyList {
        parse_list(Path::new("input_images.txt"), text)
    }

    fn texts(l: &LegacyList) -> Vec<&str> {
        l.entries.iter().map(|e| e.text.as_str()).collect()
    }

    #[test]
    fn comments_blank_lines_and_severity() {
        let l = parse(
            b"# fleet\n\n  severity=2  \nalpine:3.19\n   \n  # indented comment\nnginx:1.25 \n",
        );
        assert_eq!(texts(&l), ["alpine:3.19", "nginx:1.25"]);
        assert_eq!(l.severity, Some(Severity::Low));
        assert!(l.problems.is_empty());
        assert_eq!(&l.file.text[l.entries[1].span.clone()], "nginx:1.25");
    }

    #[test]
    fn no_severity_line_leaves_the_set_s_threshold() {
        let l = parse(b"alpine\n");
        assert_eq!(l.severity, None);
    }

    #[test]
    fn severity_key_any_case_and_last_wins() {
        let l = parse(b"SEVERITY=5\nSeverity= 3 \nalpine\n");
        assert_eq!(l.severity, Some(Severity::Medium));
    }

    #[test]
    fn bad_severity_falls_back_with_warning() {
        for bad in ["severity=9", "severity=high", "severity=", "severity=0"] {
            let l = parse(format!("{bad}\nalpine\n").as_bytes());
            assert_eq!(l.severity, Some(Severity::High), "{bad}");
            assert_eq!(l.problems.len(), 1, "{bad}");
            assert_eq!(l.problems[0].code, Code::LegacySeverity);
            assert_eq!(l.problems[0].place().as_deref(), Some("input_images.txt:1"));
        }
    }

    #[test]
    fn severity_with_space_before_equals_is_a_target_as_before() {
        // The old script tested `startswith("severity=")`, so this is a target line.
        let l = parse(b"severity = 3\n");
        assert_eq!(texts(&l), ["severity = 3"]);
        assert_eq!(l.severity, None);
    }

    #[test]
    fn crlf_cr_and_bom() {
        let l = parse(b"\xEF\xBB\xBF# comment\r\nseverity=1\r\nalpine\rnginx\r\n");
        assert_eq!(texts(&l), ["alpine", "nginx"]);
        assert_eq!(l.severity, Some(Severity::Unknown));
    }

    #[test]
    fn cr_only_line_endings_count_lines() {
        let l = parse(b"# fleet\rseverity=9\ralpine\r\r\nbad image\r");
        assert_eq!(texts(&l), ["alpine", "bad image"]);
        assert_eq!(l.problems[0].place().as_deref(), Some("input_images.txt:2"));
        assert_eq!(l.file.line_of(l.entries[1].span.start), 5);
    }

    #[test]
    fn non_utf8_is_replaced_and_warned() {
        let l = parse(b"alpine\nbad\xff\xfeimage\n");
        assert_eq!(texts(&l), ["alpine", "bad\u{FFFD}\u{FFFD}image"]);
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].place().as_deref(), Some("input_images.txt:2"));
    }

    #[test]
    fn python_int_forms() {
        assert_eq!(py_int(" +3 "), Some(3));
        assert_eq!(py_int("1_0"), Some(10));
        assert_eq!(py_int("-1"), Some(-1));
        assert_eq!(py_int("3.0"), None);
        assert_eq!(py_int("_3"), None);
    }
}
