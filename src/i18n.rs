//! User-facing messages in English and Russian, as the old script had them: `--lang en|ru`,
//! `TRIVYSCAN_LANG`, or the old script's `SCANNER_LANG`; English by default. Every message is
//! an id in the Fluent catalogs (`locales/<lang>/*.ftl`): progress and summaries are looked up
//! at once with [`t`]/[`tf`]; diagnostics and notes are [`Msg`] values (id and arguments,
//! [`msg!`]) rendered when shown, English in reports and the chosen language on stderr. The
//! tests below keep the catalogs complete and every id the code uses in them.

use std::sync::{LazyLock, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Chooses the language once: the flag, else TRIVYSCAN_LANG, else SCANNER_LANG, else English.
pub fn init(flag: Option<&str>, env: &crate::environment::Environment) {
    let chosen = flag
        .and_then(Lang::parse)
        .or_else(|| env.get("TRIVYSCAN_LANG").and_then(Lang::parse))
        .or_else(|| env.get("SCANNER_LANG").and_then(Lang::parse))
        .unwrap_or(Lang::En);
    let _ = LANG.set(chosen);
}

pub fn lang() -> Lang {
    *LANG.get().unwrap_or(&Lang::En)
}

// The messages of progress, summaries and the legacy menu: Fluent catalogs, one per language
// (locales/<lang>/messages.ftl), built into the binary. Fluent's isolation marks around
// placeables are off: the text goes to terminals and logs, not to bidirectional layouts.
fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn language(lang: Lang) -> fluent_templates::LanguageIdentifier {
    match lang {
        Lang::En => fluent_templates::langid!("en"),
        Lang::Ru => fluent_templates::langid!("ru"),
    }
}

/// The message `key` in the chosen language (English when a catalog lacks it).
pub fn t(key: &str) -> String {
    tf(key, &[])
}

/// `t(key)` with its arguments: `{ $name }` in the catalog. A whole number is passed as a
/// number, so the catalog can choose its plural form (`{ $count -> [one] ... *[other] ... }`).
pub fn tf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    lookup(lang(), key, args)
}

/// The message `key` in `lang`, else in English, else a marker a test would catch.
fn lookup(lang: Lang, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    use fluent_templates::Loader;
    use fluent_templates::fluent_bundle::FluentValue;
    let args: std::collections::HashMap<std::borrow::Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| {
            let text = value.to_string();
            let whole = !text.is_empty()
                && text.bytes().all(|b| b.is_ascii_digit())
                && (text == "0" || !text.starts_with('0'));
            // Fluent keeps numbers as f64: larger ones (IDs, sizes in bytes) stay text.
            let value = match text.parse::<u64>() {
                Ok(n) if whole && n < (1 << 53) => FluentValue::from(n),
                _ => FluentValue::from(text),
            };
            (std::borrow::Cow::Owned(name.to_string()), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(&language(lang), key, &args)
        .or_else(|| LOCALES.try_lookup_with_args(&language(Lang::En), key, &args))
        .unwrap_or_else(|| format!("<missing message {key}>"))
}

/// A message as data: its id in the catalogs (`locales/<lang>/diagnostics.ftl`) and its
/// arguments. It is rendered when shown: in English by default, which is what report files and
/// logs get, and in the chosen language inside [`in_chosen_language`], which is how stderr
/// shows diagnostics. An argument that is itself a `Msg` is rendered in the same language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg(MsgKind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum MsgKind {
    Keyed {
        id: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    /// Text that is not ours to translate: a tool's output, a name, an OS error.
    Verbatim(String),
}

/// One argument of a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Msg(Msg),
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg(MsgKind::Keyed {
            id,
            args: Vec::new(),
        })
    }

    /// Text shown as it is, in every language.
    pub fn verbatim(text: impl Into<String>) -> Msg {
        Msg(MsgKind::Verbatim(text.into()))
    }

    pub fn arg(mut self, name: &'static str, value: Arg) -> Msg {
        if let MsgKind::Keyed { args, .. } = &mut self.0 {
            args.push((name, value));
        }
        self
    }

    /// The catalog id, or None for verbatim text.
    pub fn id(&self) -> Option<&'static str> {
        match &self.0 {
            MsgKind::Keyed { id, .. } => Some(id),
            MsgKind::Verbatim(_) => None,
        }
    }

    /// The message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let (id, args) = match &self.0 {
            MsgKind::Verbatim(text) => return text.clone(),
            MsgKind::Keyed { id, args } => (id, args),
        };
        let values: Vec<(&str, String)> = args
            .iter()
            .map(|(name, value)| {
                let text = match value {
                    Arg::Text(text) => text.clone(),
                    Arg::Msg(msg) => msg.render(lang),
                };
                (*name, text)
            })
            .collect();
        let shown: Vec<(&str, &dyn std::fmt::Display)> = values
            .iter()
            .map(|(name, text)| (*name, text as &dyn std::fmt::Display))
            .collect();
        lookup(lang, id, &shown)
    }

    /// The message in the chosen language (`--lang`), for stderr.
    pub fn localized(&self) -> String {
        self.render(lang())
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(SHOWING.with(|s| s.get())))
    }
}

thread_local! {
    /// The language `Msg`'s Display renders in on this thread: English but inside
    /// [`in_chosen_language`].
    static SHOWING: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// Runs `f` with every `Msg` displayed in the chosen language: how a diagnostic, with its
/// help, labels and causes, is rendered for stderr.
pub fn in_chosen_language<R>(f: impl FnOnce() -> R) -> R {
    // Restored on the way out, even by a panic.
    struct Restore(Lang);
    impl Drop for Restore {
        fn drop(&mut self) {
            SHOWING.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SHOWING.with(|s| s.replace(lang())));
    f()
}

/// How [`msg!`] takes an argument: a `Msg` stays a message (rendered in the language it is
/// shown in), anything else `Display` is rendered to text now. (Autoref specialisation: the
/// `Msg` impls are found before the blanket one.)
pub struct ArgOf<'a, T: ?Sized>(pub &'a T);

pub trait ArgFromMsg {
    fn to_arg(&self) -> Arg;
}

impl ArgFromMsg for ArgOf<'_, Msg> {
    fn to_arg(&self) -> Arg {
        Arg::Msg(self.0.clone())
    }
}

impl ArgFromMsg for ArgOf<'_, &Msg> {
    fn to_arg(&self) -> Arg {
        Arg::Msg((*self.0).clone())
    }
}

pub trait ArgFromDisplay {
    fn to_arg(&self) -> Arg;
}

impl<T: std::fmt::Display + ?Sized> ArgFromDisplay for &ArgOf<'_, T> {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.0.to_string())
    }
}

/// A [`Msg`] from its catalog id and named arguments: `msg!("unknown-profile", profile = name)`.
/// A test checks that every id used exists in both catalogs with the arguments given.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        #[allow(unused_imports)]
        use $crate::i18n::{ArgFromDisplay as _, ArgFromMsg as _};
        $crate::i18n::Msg::new($id)$(.arg(stringify!($name), (&$crate::i18n::ArgOf(&$value)).to_arg()))*
    }};
}

/// miette's own words in a rendered diagnostic ("Error:", "Warning:", "help:") in the chosen
/// language; they may be wrapped in color escapes.
pub fn localize_labels(rendered: &str) -> std::borrow::Cow<'_, str> {
    static LABEL: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"^((?:[ \t]|\x1b\[[0-9;]*m)*)(Error|Warning|Advice|help)((?:\x1b\[[0-9;]*m)*):",
        )
        .expect("label pattern")
    });
    if lang() == Lang::En {
        return std::borrow::Cow::Borrowed(rendered);
    }
    let mut out = String::with_capacity(rendered.len() + 64);
    // miette indents a wrapped help text under its first word: the longer word moves it.
    let mut help_indent: Option<(String, usize)> = None;
    for line in rendered.split_inclusive('\n') {
        if let Some(caps) = LABEL.captures(line) {
            // miette's English word, and the catalog's for it.
            let english = &caps[2];
            let word = t(match english {
                "Error" => "label_error",
                "Warning" => "label_warning",
                "Advice" => "label_advice",
                _ => "label_help",
            });
            let whole = caps.get(0).expect("match");
            out.push_str(&line[..whole.start()]);
            out.push_str(&format!("{}{word}{}:", &caps[1], &caps[3]));
            out.push_str(&line[whole.end()..]);
            let lead = caps[1].chars().filter(|c| *c == ' ').count();
            help_indent = (english == "help").then(|| {
                (
                    " ".repeat(lead + english.len() + 2),
                    word.chars().count().saturating_sub(english.len()),
                )
            });
            continue;
        }
        match &help_indent {
            Some((indent, extra)) if line.starts_with(indent.as_str()) => {
                out.push_str(&" ".repeat(*extra));
                out.push_str(line);
            }
            _ => {
                help_indent = None;
                out.push_str(line);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Fluent catalog as (message id, the variables it uses), from its files: a message
    /// starts at the beginning of a line; its select variants and closing brace follow it.
    fn catalog(lang: &str) -> Vec<(String, Vec<String>)> {
        catalog_file(lang, "messages.ftl")
            .into_iter()
            .chain(catalog_file(lang, "diagnostics.ftl"))
            .collect()
    }

    fn catalog_file(lang: &str, file: &str) -> Vec<(String, Vec<String>)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang)
            .join(file);
        let variable = regex::Regex::new(r"\$([a-z_0-9]+)").unwrap();
        let mut messages: Vec<(String, String)> = Vec::new();
        for line in std::fs::read_to_string(path).unwrap().lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            match line.split_once(" = ") {
                Some((id, value)) if !line.starts_with([' ', '}']) => {
                    messages.push((id.to_string(), value.to_string()))
                }
                _ => messages
                    .last_mut()
                    .expect("a message first")
                    .1
                    .push_str(line),
            }
        }
        messages
            .into_iter()
            .map(|(id, value)| {
                let mut vars: Vec<String> = variable
                    .captures_iter(&value)
                    .map(|c| c[1].to_string())
                    .collect();
                vars.sort();
                vars.dedup();
                (id, vars)
            })
            .collect()
    }

    #[test]
    fn both_catalogs_have_every_message_with_the_same_variables() {
        let (en, ru) = (catalog("en"), catalog("ru"));
        assert!(en.len() > 300, "{} messages", en.len());
        for (a, b, a_name, b_name) in [(&en, &ru, "en", "ru"), (&ru, &en, "ru", "en")] {
            for (id, vars) in a {
                let Some((_, other)) = b.iter().find(|(k, _)| k == id) else {
                    panic!("{id} is in the {a_name} catalog but not in {b_name}");
                };
                // A translation may leave a part out (English's "{ $what }s"), never invent one.
                let (english, russian) = if a_name == "en" {
                    (vars, other)
                } else {
                    (other, vars)
                };
                for v in russian {
                    assert!(
                        english.contains(v),
                        "{id}: ${v} is not in the English message"
                    );
                }
            }
        }
        let mut ids: Vec<&String> = en.iter().map(|(k, _)| k).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), en.len(), "a message is listed twice");
    }

    #[test]
    fn catalogs_keep_edges_and_choose_plurals() {
        // The built-in catalogs, read through Fluent: leading newlines and blanks survive, and
        // Russian counts take their forms.
        use fluent_templates::Loader;
        use fluent_templates::fluent_bundle::FluentValue;
        let ru = language(Lang::Ru);
        let lookup = |id: &str, n: u64| {
            let args: std::collections::HashMap<std::borrow::Cow<'static, str>, FluentValue> =
                [(std::borrow::Cow::Borrowed("secrets"), FluentValue::from(n))].into();
            LOCALES.lookup_with_args(&ru, id, &args)
        };
        assert_eq!(lookup("summary_total_secrets", 1), "🔐 СЕКРЕТЫ: 1 находка");
        assert_eq!(lookup("summary_total_secrets", 3), "🔐 СЕКРЕТЫ: 3 находки");
        assert_eq!(
            lookup("summary_total_secrets", 11),
            "🔐 СЕКРЕТЫ: 11 находок"
        );
        assert_eq!(
            LOCALES.lookup(&language(Lang::En), "menu_prompt"),
            "\nSelect mode (1/2/3): "
        );
    }

    #[test]
    fn messages_render_in_either_language_with_their_parts() {
        // Plural forms in both languages, from the number the argument holds.
        for (n, en, ru) in [
            (
                1,
                "1 problem in the configuration",
                "1 ошибка в конфигурации",
            ),
            (
                3,
                "3 problems in the configuration",
                "3 ошибки в конфигурации",
            ),
            (
                11,
                "11 problems in the configuration",
                "11 ошибок в конфигурации",
            ),
            (
                21,
                "21 problems in the configuration",
                "21 ошибка в конфигурации",
            ),
        ] {
            let m = crate::msg!("config-problems", n = n);
            assert_eq!(m.render(Lang::En), en);
            assert_eq!(m.render(Lang::Ru), ru);
        }
        // A number chooses a variant by its value too.
        for (warnings, tail) in [(0, ""), (2, ", 2 warning(s)")] {
            let m = crate::msg!(
                "config-ok",
                profile = "p",
                sets = 1,
                targets = 3,
                warnings = warnings
            );
            assert_eq!(
                m.render(Lang::En),
                format!("config OK: profile \"p\", 1 target set(s), 3 target(s){tail}")
            );
        }
        // A message inside a message is rendered in the same language; a text argument is
        // never read as a template ("{b}" stays).
        let inner = crate::msg!("label-not-found");
        let outer = crate::msg!("problem-from-flag", flag = "--x {b}", message = inner);
        assert_eq!(outer.render(Lang::En), "flag --x {b}: not found");
        assert_eq!(outer.render(Lang::Ru), "флаг --x {b}: не найдено");
        // Display is English (report files, logs) but while a diagnostic is drawn for stderr.
        assert_eq!(outer.to_string(), "flag --x {b}: not found");
        assert_eq!(Msg::verbatim("as is").render(Lang::Ru), "as is");
    }

    /// Every `msg!("id", name = ...)` in the code names a message of the catalogs and gives it
    /// exactly the arguments the English message uses; every diagnostic message is used.
    #[test]
    fn every_message_the_code_uses_is_in_the_catalogs_with_its_arguments() {
        let english = catalog("en");
        let diagnostics = catalog_file("en", "diagnostics.ftl");
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let call = regex::Regex::new(r#"msg!\(\s*"([a-z0-9-]+)""#).unwrap();
        let arg = regex::Regex::new(r"^\s*([a-z_][a-z_0-9]*)\s*=[^=]").unwrap();
        let mut used = std::collections::BTreeSet::new();
        let mut problems = Vec::new();
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Comments are not uses (the macro's own documentation names an example).
            let text: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for cap in call.captures_iter(&text) {
                let id = cap[1].to_string();
                let rest = &text[cap.get(0).unwrap().end()..];
                let mut given: Vec<String> = top_level_args(rest)
                    .iter()
                    .filter_map(|a| arg.captures(a).map(|c| c[1].to_string()))
                    .collect();
                given.sort();
                match english.iter().find(|(k, _)| *k == id) {
                    None => problems.push(format!("{id}: not in the catalogs")),
                    Some((_, vars)) if *vars != given => problems.push(format!(
                        "{id}: the catalog uses {vars:?}, {} gives {given:?}",
                        entry.path().display()
                    )),
                    Some(_) => {}
                }
                used.insert(id);
            }
        }
        for (id, _) in &diagnostics {
            if !used.contains(id) {
                problems.push(format!("{id}: in the catalogs but never used"));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(used.len() > 250, "the scan found the uses ({})", used.len());
    }

    /// The arguments after a `msg!` id, up to its closing parenthesis, split at top-level
    /// commas (string literals skipped).
    fn top_level_args(rest: &str) -> Vec<String> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut args = vec![String::new()];
        for c in rest.chars() {
            if in_string {
                in_string = c != '"' || escaped;
                escaped = c == '\\' && !escaped;
                args.last_mut().unwrap().push(c);
                continue;
            }
            match c {
                '"' => in_string = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    args.push(String::new());
                    continue;
                }
                _ => {}
            }
            args.last_mut().unwrap().push(c);
        }
        args
    }

    /// Our own words go in the catalogs: verbatim text is for what others wrote (a tool's
    /// output, an OS error), never a literal of the code.
    #[test]
    fn verbatim_text_is_never_a_literal() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let literal = regex::Regex::new(r#"Msg::verbatim\(\s*"[^"]+""#).unwrap();
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs")
                || entry.path().ends_with("i18n.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(
                !literal.is_match(&text),
                "{}: a literal passed to Msg::verbatim",
                entry.path().display()
            );
        }
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_catalogs() {
        let english = catalog("en");
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let pattern = regex::Regex::new(r#"\btf?\(\s*"([a-z_]+)""#).unwrap();
        let mut used = 0;
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for cap in pattern.captures_iter(&text) {
                used += 1;
                assert!(
                    english.iter().any(|(k, _)| k == &cap[1]),
                    "{}: message {:?} is not in the catalogs",
                    entry.path().display(),
                    &cap[1]
                );
            }
        }
        assert!(used > 20, "the scan found the uses ({used})");
    }
}
