# trivyscan: progress, summaries and the legacy menu (Russian).
# One message a line; newlines and edge blanks are {"\u000A"} / {"  "} literals,
# counts choose their plural form with a selector.

menu_title = 🔐 ADVANCED DOCKER IMAGES SCANNER
menu_select_mode = {"\u000A"}Выберите режим работы:
menu_opt_remote = 1. 📡 Сканировать удаленные Docker образы (input_images.txt)
menu_opt_local = 2. 🔧 Собрать и просканировать локальные Dockerfile (input_images_files.txt)
menu_opt_both = 3. 🧩 Оба режима (remote + local)
menu_prompt = {"\u000A"}Выберите режим (1/2/3):{" "}
menu_invalid = ❌ Неверный выбор. Введите 1, 2 или 3
bye = {"\u000A"}👋 Выход
file_not_found = ❌ Файл { $path } не найден
create_input_images = 📝 Создайте файл input_images.txt, пример:
create_input_dockerfiles = 📝 Создайте файл input_images_files.txt, пример:
found_items = 📋 Найдено { $count } { $item_name } для сканирования
item_images = образов
item_dockerfiles = Dockerfile
severity_level = 📊 Уровень критичности: { $level } (включая { $severities })
no_images = ❌ Не найдено образов для сканирования
no_dockerfiles = ❌ Не найдено Dockerfile для сканирования
no_results_to_save = ❌ Нет результатов для сохранения
start_scan = {"\u000A"}🚀 Начинаю сканирование { $total } целей (режим { $mode })...
remote_jobs = ⚙️  Параллельность (remote jobs): { $jobs }
local_jobs = ⚙️  Параллельность (local jobs): { $jobs }
cache_dir = 📁 Trivy cache-dir: { $path }
legacy_ok = {"  "}✅ Уязвимости={ $vulns }, Секреты={ $secrets }, Время={ $secs }s
legacy_components = {"  "}📦 Компоненты: { $list }
legacy_failed = {"  "}❌ Ошибка при сканировании: { $message }
summary_title = {"\u000A"}📊 СВОДКА ПО ТИПАМ КОМПОНЕНТОВ:
summary_secrets_header = {"\u000A"}🔐 SECRETS (Секреты): { $count } { $count ->
    [one] находка
    [few] находки
   *[many] находок
}
summary_vulns_header = {"\u000A"}{ $comp }: { $count } { $count ->
    [one] уязвимость
    [few] уязвимости
   *[many] уязвимостей
}
summary_total = {"\u000A"}📈 ИТОГО: { $vulns } { $vulns ->
    [one] уязвимость
    [few] уязвимости
   *[many] уязвимостей
} в { $types } { $types ->
    [one] типе
    [few] типах
   *[many] типах
} компонентов
summary_total_secrets = 🔐 СЕКРЕТЫ: { $secrets } { $secrets ->
    [one] находка
    [few] находки
   *[many] находок
}
summary_vulns_not_scanned = {"\u000A"}📈 ИТОГО: уязвимости в этом запуске НЕ сканировались (нет базы уязвимостей): отсутствие находок выше не значит, что их нет
run_interrupted = запуск прерван: цели, которые не успели просканировать, не просканированы (код 130)
vulns_not_scanned_exit = уязвимости НЕ сканировались (нет базы уязвимостей): запуск неполный (код 2)
vulns_not_scanned = уязвимости НЕ сканировались (нет базы уязвимостей): запуск неполный
more_failures = {"  "}❌ ... и ещё несработавших целей: { $count } (все они есть в отчётах)
summary_suppressed = {"\u000A"}Подавлено записями [[ignore]] или утверждениями VEX: { $count } (перечислены в JSON-отчёте)
summary_top_fixes = {"\u000A"}Главные исправления (устраняет находок / целей):
summary_baseline_missing = {"\u000A"}{ $count } { $count ->
    [one] цели
    [few] целей
   *[many] целей
} из базового отчёта не было в этом запуске
gate_passed = {"\u000A"}проверка пройдена: нет { $which }находок { $criteria }
gate_failed = {"\u000A"}проверка НЕ ПРОЙДЕНА: { $which }находок { $criteria }: { $count } (код 1)
gate_criteria_severity = уровня { $level } и выше
gate_criteria_kev = из каталога KEV (эксплуатируемых) с исправлением
gate_criteria_kev_overdue = известные эксплуатируемые (KEV) с исправлением и истёкшим сроком
gate_criteria_overdue = с истёкшим сроком исправления
gate_criteria_epss = с EPSS >= { $p }
gate_criteria_or = {", или "}
gate_kev_count = {"  "}из них известных эксплуатируемых с исправлением: { $count }
gate_epss_count = {"  "}из них с EPSS >= { $p }: { $count }
gate_unevaluated = проверку не удалось выполнить: { $part } (код 2)
summary_known_exploited = 🎯 известных эксплуатируемых уязвимостей (CISA KEV): { $vulns } в { $targets } { $targets ->
    [one] образе
   *[other] образах
}
summary_known_exploited_upgrades = {"  "}обновлений, устраняющих все из них, у которых есть исправление: { $upgrades } (первые строки списка исправлений)
summary_overdue = { $count } { $count ->
    [one] находка
    [few] находки
   *[many] находок
} с истёкшим сроком исправления, из них известных эксплуатируемых: { $kev }
summary_kev_ignored = {"  "}известных эксплуатируемых находок, принятых записями [[ignore]]: { $count } (с причинами — в JSON-отчёте)
gate_new = новых{" "}
gate_introduced = привнесённых{" "}
failed_targets = {"\u000A"}Не удалось просканировать { $failed } из { $total } { $total ->
    [one] цели
    [few] целей
   *[many] целей
}:
run_start = сканирую целей: { $count }, профиль "{ $profile }", параллельных сканов: { $workers }, кэш { $cache }
progress_ok = [{ $done }/{ $total }] { $name }: готово, уязвимости={ $vulns }, секреты={ $secrets }, { $secs }s{ $how }
progress_error = [{ $done }/{ $total }] { $name }: ошибка ({ $kind }): { $message }
nothing_set_up = trivyscan: сканировать нечего: нет scanner.toml здесь или выше по дереву и нет input_images.txt.{"\u000A"}Запустите `trivyscan init` — он создаст scanner.toml с комментариями (или `trivyscan init --from-legacy` — перенесёт старые списки),{"\u000A"}перечислите в нём образы и Dockerfile и снова запустите `trivyscan run`.{"\u000A"}
init_wrote = создан { $path }: впишите цели, затем `trivyscan { $config }targets` и `trivyscan { $config }run --profile prod`
init_imported = создан { $path }: перенесены { $lists }; `trivyscan { $config }targets` покажет план, `trivyscan { $config }run` просканирует
legacy_needs_mode = `trivyscan legacy` без терминала нужен --mode remote, local или both
legacy_not_scanned = {"\u000A"}⚠ Не просканировано целей: { $failed } из { $total } (см. выше); их ошибки есть в отчёте
# Слово перед примечанием в stderr ("примечание: ...").
note_label = примечание
label_error = Ошибка
label_warning = Предупреждение
label_advice = Совет
label_help = подсказка
gate_incomplete = {"\u000A"}порог НЕ пройден: среди просканированного нет { $which }находок { $criteria }, но просканировано не всё
verdict_passed = итог: ПРОЙДЕНО (код { $code }): просмотрено всё, что задано, и ничто не нарушило порог
verdict_failed = итог: НЕ ПРОЙДЕНО (код { $code }): находки нарушили порог
verdict_incomplete = итог: НЕПОЛНЫЙ (код { $code }): просмотрено не всё, что задано; что не просмотрено, перечислено выше и в каждом отчёте
count_not_scanned = не сканировались
summary_nothing_scanned = {"\u000A"}📈 ИТОГО: ни одна цель не просканирована: об их уязвимостях ничего не известно
cache_reused = взято из кэша результатов
cache_rescanned_on_server = пересканировано на trivy server (новая база)
cache_rescanned_from_sbom = пересканировано по SBOM (новая база)
sarif-cut = { $count } результатов с меньшим рангом не вошли в { $file } (в нём { $kept } самых важных{ $shrunk ->
    [yes] , меньше report.sarif.max_results, чтобы уложиться в 10 МБ в gzip
   *[no] {""}
}); все они есть в JSON-отчёте
cyclonedx-missing = целей не вошло в { $file }: { $count }; в его метаданных каждая указана с причиной (не закреплена по дайджесту, не просканирована, кэш результатов выключен или очищен)
merge-bom-unreadable = { $file } не BOM CycloneDX: не вошёл в общий SBOM парка
