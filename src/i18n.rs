//! User-facing messages in English and Russian, as the old script had them: `--lang en|ru`,
//! `TRIVYSCAN_LANG`, or the old script's `SCANNER_LANG`; English by default. Each message is a
//! key with a template; `{name}` placeholders are filled by [`tf`]. A unit test checks that both
//! catalogs have every key with the same placeholders, and that every key the code uses exists.

use std::sync::OnceLock;

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

fn catalog(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => EN,
        Lang::Ru => RU,
    }
}

/// The message `key` in the chosen language (English when a catalog lacks it).
pub fn t(key: &str) -> &'static str {
    let find = |c: &'static [(&'static str, &'static str)]| {
        c.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    };
    find(catalog(lang()))
        .or_else(|| find(EN))
        .unwrap_or("<missing message>")
}

/// `t(key)` with `{name}` placeholders filled in.
pub fn tf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = t(key).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

pub const EN: &[(&str, &str)] = &[
    // The old script's menu and messages (legacy mode).
    ("menu_title", "🔐 ADVANCED DOCKER IMAGES SCANNER"),
    ("menu_select_mode", "\nSelect mode:"),
    (
        "menu_opt_remote",
        "1. 📡 Scan remote Docker images (input_images.txt)",
    ),
    (
        "menu_opt_local",
        "2. 🔧 Build and scan local Dockerfiles (input_images_files.txt)",
    ),
    ("menu_opt_both", "3. 🧩 Both modes (remote + local)"),
    ("menu_prompt", "\nSelect mode (1/2/3): "),
    ("menu_invalid", "❌ Invalid choice. Enter 1, 2, or 3."),
    ("bye", "\n👋 Bye"),
    ("file_not_found", "❌ File {path} not found"),
    (
        "create_input_images",
        "📝 Create input_images.txt, example:",
    ),
    (
        "create_input_dockerfiles",
        "📝 Create input_images_files.txt, example:",
    ),
    ("found_items", "📋 Found {count} {item_name} to scan"),
    ("item_images", "images"),
    ("item_dockerfiles", "Dockerfiles"),
    (
        "severity_level",
        "📊 Severity level: {level} (including {severities})",
    ),
    ("no_images", "❌ No images found to scan"),
    ("no_dockerfiles", "❌ No Dockerfiles found to scan"),
    ("no_results_to_save", "❌ No results to save"),
    (
        "start_scan",
        "\n🚀 Starting scan of {total} targets ({mode} mode)...",
    ),
    ("remote_jobs", "⚙️  Parallelism (remote jobs): {jobs}"),
    ("local_jobs", "⚙️  Parallelism (local jobs): {jobs}"),
    ("cache_dir", "📁 Trivy cache-dir: {path}"),
    (
        "legacy_ok",
        "  ✅ Vulns={vulns}, Secrets={secrets}, Time={secs}s",
    ),
    ("legacy_components", "  📦 Components: {list}"),
    ("legacy_failed", "  ❌ Scan failed: {message}"),
    // The summary (both modes).
    ("summary_title", "\n📊 COMPONENT TYPE SUMMARY:"),
    ("summary_secrets_header", "\n🔐 SECRETS: {count} findings"),
    ("summary_vulns_header", "\n{comp}: {count} vulnerabilities"),
    (
        "summary_total",
        "\n📈 TOTAL: {vulns} vulnerabilities across {types} component types",
    ),
    ("summary_total_secrets", "🔐 SECRETS: {secrets} findings"),
    (
        "summary_suppressed",
        "\n{count} finding(s) suppressed by [[ignore]] entries (listed in the JSON report)",
    ),
    (
        "summary_top_fixes",
        "\nTop fixes (findings cleared / targets):",
    ),
    (
        "summary_baseline_missing",
        "\n{count} target(s) of the baseline were not in this run",
    ),
    (
        "gate_passed",
        "\ngate passed: no {which}finding at or above {level}",
    ),
    (
        "gate_failed",
        "\ngate FAILED: {count} {which}finding(s) at or above {level} (exit 1)",
    ),
    ("gate_new", "new "),
    ("failed_targets", "\n{failed} of {total} target(s) failed:"),
    // `run`.
    (
        "run_start",
        "scanning {count} target(s), profile \"{profile}\", {workers} remote worker(s), cache {cache}",
    ),
    (
        "progress_ok",
        "[{done}/{total}] {name}: ok, vulns={vulns}, secrets={secrets}, {secs}s",
    ),
    (
        "progress_error",
        "[{done}/{total}] {name}: error ({kind}): {message}",
    ),
    (
        "nothing_set_up",
        "trivyscan: nothing to scan: no scanner.toml here or in a parent directory, and no input_images.txt.\nRun `trivyscan init` for a commented scanner.toml (or `trivyscan init --from-legacy` to import the old lists),\nlist your images and Dockerfiles in it, then run `trivyscan run` again.\n",
    ),
    (
        "init_wrote",
        "wrote {path}: edit its targets, then `trivyscan targets` and `trivyscan run`",
    ),
    ("init_imported", "wrote {path}: imported {lists}"),
    (
        "legacy_needs_mode",
        "`trivyscan legacy` needs --mode remote, local or both when stdin is not a terminal",
    ),
];

pub const RU: &[(&str, &str)] = &[
    ("menu_title", "🔐 ADVANCED DOCKER IMAGES SCANNER"),
    ("menu_select_mode", "\nВыберите режим работы:"),
    (
        "menu_opt_remote",
        "1. 📡 Сканировать удаленные Docker образы (input_images.txt)",
    ),
    (
        "menu_opt_local",
        "2. 🔧 Собрать и просканировать локальные Dockerfile (input_images_files.txt)",
    ),
    ("menu_opt_both", "3. 🧩 Оба режима (remote + local)"),
    ("menu_prompt", "\nВыберите режим (1/2/3): "),
    ("menu_invalid", "❌ Неверный выбор. Введите 1, 2 или 3"),
    ("bye", "\n👋 Выход"),
    ("file_not_found", "❌ Файл {path} не найден"),
    (
        "create_input_images",
        "📝 Создайте файл input_images.txt, пример:",
    ),
    (
        "create_input_dockerfiles",
        "📝 Создайте файл input_images_files.txt, пример:",
    ),
    (
        "found_items",
        "📋 Найдено {count} {item_name} для сканирования",
    ),
    ("item_images", "образов"),
    ("item_dockerfiles", "Dockerfile"),
    (
        "severity_level",
        "📊 Уровень критичности: {level} (включая {severities})",
    ),
    ("no_images", "❌ Не найдено образов для сканирования"),
    (
        "no_dockerfiles",
        "❌ Не найдено Dockerfile для сканирования",
    ),
    ("no_results_to_save", "❌ Нет результатов для сохранения"),
    (
        "start_scan",
        "\n🚀 Начинаю сканирование {total} целей (режим {mode})...",
    ),
    ("remote_jobs", "⚙️  Параллельность (remote jobs): {jobs}"),
    ("local_jobs", "⚙️  Параллельность (local jobs): {jobs}"),
    ("cache_dir", "📁 Trivy cache-dir: {path}"),
    (
        "legacy_ok",
        "  ✅ Уязвимости={vulns}, Секреты={secrets}, Время={secs}s",
    ),
    ("legacy_components", "  📦 Компоненты: {list}"),
    ("legacy_failed", "  ❌ Ошибка при сканировании: {message}"),
    ("summary_title", "\n📊 СВОДКА ПО ТИПАМ КОМПОНЕНТОВ:"),
    (
        "summary_secrets_header",
        "\n🔐 SECRETS (Секреты): {count} находок",
    ),
    ("summary_vulns_header", "\n{comp}: {count} уязвимостей"),
    (
        "summary_total",
        "\n📈 ИТОГО: {vulns} уязвимостей в {types} типах компонентов",
    ),
    ("summary_total_secrets", "🔐 СЕКРЕТЫ: {secrets} находок"),
    (
        "summary_suppressed",
        "\nПодавлено записями [[ignore]]: {count} (перечислены в JSON-отчёте)",
    ),
    (
        "summary_top_fixes",
        "\nГлавные исправления (устраняет находок / целей):",
    ),
    (
        "summary_baseline_missing",
        "\n{count} целей из базового отчёта не было в этом запуске",
    ),
    (
        "gate_passed",
        "\nпроверка пройдена: нет {which}находок уровня {level} и выше",
    ),
    (
        "gate_failed",
        "\nпроверка НЕ ПРОЙДЕНА: {count} {which}находок уровня {level} и выше (код 1)",
    ),
    ("gate_new", "новых "),
    (
        "failed_targets",
        "\nНе удалось просканировать {failed} из {total} целей:",
    ),
    (
        "run_start",
        "сканирую целей: {count}, профиль \"{profile}\", параллельных сканов: {workers}, кэш {cache}",
    ),
    (
        "progress_ok",
        "[{done}/{total}] {name}: готово, уязвимости={vulns}, секреты={secrets}, {secs}s",
    ),
    (
        "progress_error",
        "[{done}/{total}] {name}: ошибка ({kind}): {message}",
    ),
    (
        "nothing_set_up",
        "trivyscan: сканировать нечего: нет scanner.toml здесь или выше по дереву и нет input_images.txt.\nЗапустите `trivyscan init` — он создаст scanner.toml с комментариями (или `trivyscan init --from-legacy` — перенесёт старые списки),\nперечислите в нём образы и Dockerfile и снова запустите `trivyscan run`.\n",
    ),
    (
        "init_wrote",
        "создан {path}: впишите цели, затем `trivyscan targets` и `trivyscan run`",
    ),
    ("init_imported", "создан {path}: перенесены {lists}"),
    (
        "legacy_needs_mode",
        "`trivyscan legacy` без терминала нужен --mode remote, local или both",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut out: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn both_catalogs_have_every_message_with_the_same_placeholders() {
        for (a, b, a_name, b_name) in [(EN, RU, "en", "ru"), (RU, EN, "ru", "en")] {
            for (key, text) in a {
                let other = b.iter().find(|(k, _)| k == key);
                let Some((_, other)) = other else {
                    panic!("{key} is in the {a_name} catalog but not in {b_name}");
                };
                assert_eq!(placeholders(text), placeholders(other), "{key}");
            }
        }
        let mut keys: Vec<&str> = EN.iter().map(|(k, _)| *k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), EN.len(), "a key is listed twice");
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_catalogs() {
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
                    EN.iter().any(|(k, _)| *k == &cap[1]),
                    "{}: message {:?} is not in the catalogs",
                    entry.path().display(),
                    &cap[1]
                );
            }
        }
        assert!(used > 20, "the scan found the uses ({used})");
    }
}
