# trivyscan: progress, summaries and the legacy menu (English).
# One message a line; newlines and edge blanks are {"\u000A"} / {"  "} literals,
# counts choose their plural form with a selector.

menu_title = 🔐 ADVANCED DOCKER IMAGES SCANNER
menu_select_mode = {"\u000A"}Select mode:
menu_opt_remote = 1. 📡 Scan remote Docker images (input_images.txt)
menu_opt_local = 2. 🔧 Build and scan local Dockerfiles (input_images_files.txt)
menu_opt_both = 3. 🧩 Both modes (remote + local)
menu_prompt = {"\u000A"}Select mode (1/2/3):{" "}
menu_invalid = ❌ Invalid choice. Enter 1, 2, or 3.
bye = {"\u000A"}👋 Bye
file_not_found = ❌ File { $path } not found
create_input_images = 📝 Create input_images.txt, example:
create_input_dockerfiles = 📝 Create input_images_files.txt, example:
found_items = 📋 Found { $count } { $item_name } to scan
item_images = images
item_dockerfiles = Dockerfiles
severity_level = 📊 Severity level: { $level } (including { $severities })
no_images = ❌ No images found to scan
no_dockerfiles = ❌ No Dockerfiles found to scan
no_results_to_save = ❌ No results to save
start_scan = {"\u000A"}🚀 Starting scan of { $total } targets ({ $mode } mode)...
remote_jobs = ⚙️  Parallelism (remote jobs): { $jobs }
local_jobs = ⚙️  Parallelism (local jobs): { $jobs }
cache_dir = 📁 Trivy cache-dir: { $path }
legacy_ok = {"  "}✅ Vulns={ $vulns }, Secrets={ $secrets }, Time={ $secs }s
legacy_components = {"  "}📦 Components: { $list }
legacy_failed = {"  "}❌ Scan failed: { $message }
summary_title = {"\u000A"}📊 COMPONENT TYPE SUMMARY:
summary_secrets_header = {"\u000A"}🔐 SECRETS: { $count } findings
summary_vulns_header = {"\u000A"}{ $comp }: { $count } vulnerabilities
summary_total = {"\u000A"}📈 TOTAL: { $vulns } vulnerabilities across { $types } component types
summary_total_secrets = 🔐 SECRETS: { $secrets } findings
summary_vulns_not_scanned = {"\u000A"}📈 TOTAL: vulnerabilities were NOT scanned in this run (no vulnerability DB): the absence of a vulnerability count above does not mean there are none
run_interrupted = the run was interrupted: targets that did not finish were not scanned (exit 130)
vulns_not_scanned_exit = vulnerabilities were NOT scanned (no vulnerability DB): the run is incomplete (exit 2)
vulns_not_scanned = vulnerabilities were NOT scanned (no vulnerability DB): the run is incomplete
more_failures = {"  "}❌ ... and { $count } more failed targets (every one is in the reports)
summary_suppressed = {"\u000A"}{ $count } finding(s) suppressed by [[ignore]] entries or VEX statements (listed in the JSON report)
summary_top_fixes = {"\u000A"}Top fixes (findings cleared / targets):
summary_baseline_missing = {"\u000A"}{ $count } target(s) of the baseline were not in this run
gate_passed = {"\u000A"}gate passed: no { $which }finding { $criteria }
gate_failed = {"\u000A"}gate FAILED: { $count } { $which }{ $count ->
    [one] finding
   *[other] findings
} { $criteria } (exit 1)
gate_criteria_severity = at or above { $level }
gate_criteria_kev = known exploited (KEV) with a fix
gate_criteria_kev_overdue = known exploited (KEV) with a fix, past its due date
gate_criteria_epss = with EPSS >= { $p }
gate_criteria_overdue = past its due date
gate_criteria_or = {", or "}
gate_kev_count = {"  "}of them known exploited with a fix: { $count }
gate_epss_count = {"  "}of them with EPSS >= { $p }: { $count }
gate_unevaluated = the gate could not be evaluated: { $part } (exit 2)
summary_known_exploited = 🎯 { $vulns } known-exploited { $vulns ->
    [one] vulnerability
   *[other] vulnerabilities
} in { $targets } { $targets ->
    [one] image
   *[other] images
} (CISA KEV)
summary_known_exploited_upgrades = {"  "}{ $upgrades } { $upgrades ->
    [one] upgrade removes
   *[other] upgrades remove
} every one that has a fix: the first lines of the top fixes
summary_overdue = { $count } { $count ->
    [one] finding
   *[other] findings
} past their due date, { $kev } of them known exploited
summary_kev_ignored = {"  "}{ $count } known-exploited finding(s) accepted by [[ignore]] entries (with their reasons in the JSON report)
gate_new = new{" "}
gate_introduced = introduced{" "}
failed_targets = {"\u000A"}{ $failed } of { $total } target(s) failed:
run_start = scanning { $count } target(s), profile "{ $profile }", { $workers } remote worker(s), cache { $cache }
progress_ok = [{ $done }/{ $total }] { $name }: ok, vulns={ $vulns }, secrets={ $secrets }, { $secs }s{ $how }
progress_error = [{ $done }/{ $total }] { $name }: error ({ $kind }): { $message }
nothing_set_up = trivyscan: nothing to scan: no scanner.toml here or in a parent directory, and no input_images.txt.{"\u000A"}Run `trivyscan init` for a commented scanner.toml (or `trivyscan init --from-legacy` to import the old lists),{"\u000A"}list your images and Dockerfiles in it, then run `trivyscan run` again.{"\u000A"}
init_wrote = wrote { $path }: edit its targets, then `trivyscan { $config }targets` and `trivyscan { $config }run --profile prod`
init_imported = wrote { $path }: imported { $lists }; `trivyscan { $config }targets` shows the plan, `trivyscan { $config }run` scans it
legacy_needs_mode = `trivyscan legacy` needs --mode remote, local or both when stdin is not a terminal
legacy_not_scanned = {"\u000A"}⚠ { $failed } of { $total } { $total ->
    [one] target was
   *[other] targets were
} NOT scanned (see above); their errors are in the report
# The word before a note on stderr ("note: ...").
note_label = note
# miette's own words before a diagnostic's parts, in the chosen language.
label_error = Error
label_warning = Warning
label_advice = Advice
label_help = help
gate_incomplete = {"\u000A"}gate NOT passed: no { $which }finding { $criteria } among what was scanned, but not everything was scanned
verdict_passed = verdict: PASSED (exit { $code }): every input was looked at and nothing failed the gate
verdict_failed = verdict: FAILED (exit { $code }): findings failed the gate
verdict_incomplete = verdict: INCOMPLETE (exit { $code }): not everything asked was looked at; what was not is listed above and in every report
count_not_scanned = not scanned
summary_nothing_scanned = {"\u000A"}📈 TOTAL: no target was scanned: nothing is known of their vulnerabilities
cache_reused = reused from the result cache
cache_rescanned_on_server = rescanned on the trivy server (new DB)
cache_rescanned_from_sbom = rescanned from its SBOM (new DB)
sarif-cut = { $count } lower-ranked results left out of { $file } (it keeps the { $kept } highest ranked{ $shrunk ->
    [yes] , fewer than report.sarif.max_results to stay under 10 MB gzipped
   *[no] {""}
}); all are in the JSON report
cyclonedx-missing = { $count } target(s) are not in { $file }; its metadata lists each with why (not pinned by digest, failed, the result cache off or pruned)
merge-bom-unreadable = { $file } is not a CycloneDX BOM: left out of the merged fleet SBOM
