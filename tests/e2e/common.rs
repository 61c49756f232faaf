//! The suite's one way to run trivyscan and to set up what a run needs:
//!
//! - [`trivyscan`] / [`trivyscan_std`]: the binary under test with a cleared environment (only
//!   `PATH`, `HOME` and `TMPDIR` of the caller's pass), so no `SCANNER_LANG`, `TRIVY_*` or
//!   `TRIVYSCAN_*` of the machine changes what a test sees;
//! - [`Project`]: a temp directory with a registry started on first use, a [`Config`] builder for
//!   its scanner.toml, and stub Trivy wrappers ([`Project::trivy_wrapper`]) that signal the test
//!   through marker files instead of being waited for with sleeps;
//! - [`Marker`] and [`leftover_processes`]: readiness signals, and the processes a test's own runs
//!   left behind (found by a tag in their environment, never by guessing at command lines).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;
use testkit::db::VulnDb;
use testkit::image::Image;
use testkit::{ClosedPort, Registry, recipes};

/// The variables of the caller that a trivyscan run keeps: where programs are, the home
/// directory (Docker's client reads its config there) and the temp dir.
const KEPT_VARIABLES: [&str; 3] = ["PATH", "HOME", "TMPDIR"];

/// The variable that tags every process a test's runs start (their environment is inherited).
pub const TAG_VARIABLE: &str = "TESTKIT_PROCESS_TAG";

/// `trivyscan` in `dir` with a cleared environment and no colour: the only way tests run it.
pub fn trivyscan_std(dir: &Path) -> std::process::Command {
    let mut cmd = bare_command(env!("CARGO_BIN_EXE_trivyscan"));
    cmd.current_dir(dir).args(["--color", "never"]);
    cmd
}

/// [`trivyscan_std`] as an assert_cmd command.
pub fn trivyscan(dir: &Path) -> Command {
    Command::from_std(trivyscan_std(dir))
}

/// `program` with only [`KEPT_VARIABLES`] of the caller's environment, and `NO_COLOR`.
pub fn bare_command(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.env_clear();
    for key in KEPT_VARIABLES {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A unique tag for processes started by this test process.
fn new_tag() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "t{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct Project {
    pub dir: TempDir,
    registry: OnceLock<Registry>,
    /// Where `db_repositories` points while no registry was started: refused at once.
    closed: ClosedPort,
    /// Set in the environment of every run, so what they leave behind can be found.
    tag: String,
}

impl Project {
    /// A project directory (a git root, as teams' repos are). Its registry starts when a test
    /// first uses it.
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".git")).unwrap();
        Project {
            dir,
            registry: OnceLock::new(),
            closed: ClosedPort::new(),
            tag: new_tag(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// For a fixture a whole test run shares (a static, which is never dropped): its
    /// directory, and its registry's, are removed when the test binary exits.
    pub fn remove_at_exit(&self) {
        remove_at_exit(self.path());
        if let Some(registry) = self.registry.get() {
            remove_at_exit(registry.dir());
        }
    }

    /// The project's registry, started on first use.
    pub fn registry(&self) -> &Registry {
        self.registry.get_or_init(Registry::start)
    }

    /// `127.0.0.1:PORT` of a port no one listens on (connections are refused).
    pub fn closed_addr(&self) -> String {
        self.closed.addr()
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.path().join(".trivy_cache")
    }

    /// Puts `db` into the cache, as if downloaded before.
    pub fn seed_db(&self, db: &VulnDb) {
        db.write_to_cache(&self.cache_dir());
    }

    /// Publishes `db` in the registry, where `db_repositories` points.
    pub fn publish_db(&self, db: &VulnDb) -> String {
        self.registry().push_db(db)
    }

    pub fn push(&self, repo: &str, tag: &str, rootfs: &testkit::Rootfs) -> String {
        self.registry()
            .push_image(repo, tag, &Image::single(rootfs))
    }

    /// The config every test starts from: the harness's Trivy, DBs from the project's registry
    /// (or, when none was started, from a port that refuses), no Java DB, a 2 minute timeout,
    /// and no exploitation data (the intel tests serve their own feeds).
    pub fn config(&self) -> Config<'_> {
        let db_host = match self.registry.get() {
            Some(registry) => registry.addr.clone(),
            None => self.closed_addr(),
        };
        Config {
            project: self,
            doc: toml::Table::new(),
            verbatim: String::new(),
        }
        .set(
            "default.trivy.binary",
            testkit::trivy_bin().display().to_string(),
        )
        .set(
            "default.trivy.db_repositories",
            strings(&[format!("{db_host}/trivy-db:2")]),
        )
        .set("default.trivy.java_db_repositories", strings::<&str>(&[]))
        .set("default.trivy.timeout", "2m")
        .set("default.intel.kev", false)
        .set("default.intel.epss", false)
    }

    /// The base config, `default_extra` inside `[default]`, then `rest` (TOML documents).
    pub fn write_config(&self, default_extra: &str, rest: &str) {
        self.config().default_toml(default_extra).toml(rest).write();
    }

    /// A config with one target set `a` holding `images`.
    pub fn write_images_config(&self, default_extra: &str, images: &[&str]) {
        self.config()
            .default_toml(default_extra)
            .images("a", images)
            .write();
    }

    /// Runs `trivyscan <args>`, checks the exit code, and returns the first report and stderr.
    pub fn run_report(&self, args: &[&str], code: i32) -> (serde_json::Value, String) {
        let out = self.trivyscan().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        (self.read_json(&report_paths(&out)[0]), stderr)
    }

    pub fn trivyscan(&self) -> Command {
        Command::from_std(self.std_command())
    }

    /// The binary as a plain process (for tests that run it in the background), tagged.
    pub fn std_command(&self) -> std::process::Command {
        let mut cmd = trivyscan_std(self.path());
        cmd.env(TAG_VARIABLE, &self.tag);
        cmd
    }

    /// `trivyscan <args>` in the background with stdout and stderr piped.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.std_command()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Publishes `java_db` in the registry as Trivy's Java DB artifact; returns its repository.
    pub fn publish_java_db(&self, java_db: &testkit::javadb::JavaDb) -> String {
        self.registry().push_artifact(
            "trivy-java-db",
            "1",
            testkit::registry::TRIVY_JAVA_DB_LAYER,
            "javadb.tar.gz",
            &java_db.to_tar_gz(),
        )
    }

    pub fn read_json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_slice(&fs::read(self.path().join(rel)).unwrap()).unwrap()
    }

    /// A shell wrapper around the real Trivy named `name`: `cases` are `case "$*" in` arms run
    /// first (use [`Marker::signal`] in them), anything else goes to the real Trivy.
    pub fn trivy_wrapper(&self, name: &str, cases: &str) -> PathBuf {
        script(
            self.path(),
            name,
            &format!(
                "#!/bin/sh\ncase \"$*\" in\n{cases}\nesac\nexec {} \"$@\"\n",
                testkit::trivy_bin().display()
            ),
        )
    }

    /// A Trivy that records the first argument of every call (`image`, `server`, `sbom`,
    /// `version`, ...) before running the real one, and a reader of what it recorded.
    pub fn recording_trivy(&self) -> (PathBuf, impl Fn() -> String) {
        let calls = self.path().join("trivy-calls.log");
        let wrapper = self.trivy_wrapper(
            "trivy-recording",
            &format!("*) echo \"$1\" >> '{}';;", calls.display()),
        );
        (wrapper, move || {
            fs::read_to_string(&calls).unwrap_or_default()
        })
    }

    /// The mixed image under `repo:tag` for each tag, each with a file of its own (so each has
    /// its own digest), as refs pinned by digest.
    pub fn pinned_mixed_images(&self, repo: &str, tags: &[&str]) -> Vec<String> {
        tags.iter()
            .map(|tag| {
                let image = Image::single(&mixed_rootfs().file("srv/tag", tag.as_bytes().to_vec()));
                self.registry().push_image(repo, tag, &image);
                format!(
                    "{}/{repo}@{}",
                    self.registry().addr,
                    image.manifest_digest()
                )
            })
            .collect()
    }

    /// A marker file in the project that a wrapper writes and the test waits for.
    pub fn marker(&self, name: &str) -> Marker {
        Marker(self.path().join(name))
    }

    /// Processes started by this project's runs that are still alive, after waiting (up to a
    /// minute) for them to go: a process killed with SIGKILL needs a moment to die.
    pub fn leftover_processes(&self) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let alive = tagged_processes(&self.tag);
            if alive.is_empty() || Instant::now() > deadline {
                return alive;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A file a stub writes when it reaches a point (with its PID), and the test waits for.
pub struct Marker(pub PathBuf);

impl Marker {
    /// Shell that records `$$` in the marker atomically (a reader never sees it half written).
    pub fn signal(&self) -> String {
        let path = self.0.display();
        format!("echo $$ > '{path}.tmp' && mv '{path}.tmp' '{path}'")
    }

    /// Shell that signals, then becomes a process that never ends by itself (same PID).
    pub fn signal_and_hang(&self) -> String {
        format!("{}; exec sleep 100000", self.signal())
    }

    /// Waits until the marker is written (a test fails after five minutes, which only a
    /// broken run reaches) and returns the PID it holds.
    pub fn wait(&self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            if let Ok(text) = fs::read_to_string(&self.0) {
                return text.trim().parse().expect("a PID in the marker");
            }
            assert!(
                Instant::now() < deadline,
                "{} was never written",
                self.0.display()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Whether `pid` is gone or a zombie, waiting up to a minute for a killed process to die.
pub fn process_ended(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let state = fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| rest.chars().next()))
            .flatten();
        if matches!(state, None | Some('Z') | Some('X')) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Command lines of live processes whose environment holds `TESTKIT_PROCESS_TAG=<tag>`.
fn tagged_processes(tag: &str) -> Vec<String> {
    let needle = format!("{TAG_VARIABLE}={tag}");
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(environ) = fs::read(entry.path().join("environ")) else {
            continue;
        };
        if environ
            .split(|b| *b == 0)
            .any(|var| var == needle.as_bytes())
        {
            let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
            found.push(String::from_utf8_lossy(&cmdline).replace('\0', " "));
        }
    }
    found
}

/// A scanner.toml under construction: TOML tables merged, keys set by dotted path.
pub struct Config<'a> {
    project: &'a Project,
    doc: toml::Table,
    /// TOML written as it is after the built part, for tests about places in the file.
    verbatim: String,
}

impl Config<'_> {
    /// Sets `path` (`default.trivy.timeout`), making the tables on the way.
    pub fn set(mut self, path: &str, value: impl Into<toml::Value>) -> Self {
        let mut keys: Vec<&str> = path.split('.').collect();
        let last = keys.pop().unwrap();
        let mut table = &mut self.doc;
        for key in keys {
            table = table
                .entry(key)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .unwrap_or_else(|| panic!("{key} in {path} is not a table"));
        }
        table.insert(last.to_string(), value.into());
        self
    }

    /// Removes the key at `path`.
    pub fn unset(mut self, path: &str) -> Self {
        let mut keys: Vec<&str> = path.split('.').collect();
        let last = keys.pop().unwrap();
        let mut table = &mut self.doc;
        for key in keys {
            match table.get_mut(key).and_then(toml::Value::as_table_mut) {
                Some(t) => table = t,
                None => return self,
            }
        }
        table.remove(last);
        self
    }

    /// Merges a TOML document: tables merge, arrays of tables append, other values replace.
    pub fn toml(mut self, text: &str) -> Self {
        let other: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("test TOML: {e}\n{text}"));
        merge(&mut self.doc, other);
        self
    }

    /// Merges `text` as the body of `[default]` (its own table headers are full paths).
    pub fn default_toml(self, text: &str) -> Self {
        self.toml(&format!("[default]\n{text}"))
    }

    /// Logs in to registries with the credentials in `REG_USER` / `REG_PASS`.
    pub fn login_from_env(self) -> Self {
        self.set("default.trivy.username_env", "REG_USER")
            .set("default.trivy.password_env", "REG_PASS")
    }

    /// Adds the target set `[[default.targets]] name = set, images = [...]`.
    pub fn images<S: AsRef<str>>(self, set: &str, images: &[S]) -> Self {
        self.target_set(set, "images", images)
    }

    /// Adds the target set `[[default.targets]] name = set, <key> = [...]`.
    pub fn target_set<S: AsRef<str>>(mut self, set: &str, key: &str, values: &[S]) -> Self {
        let mut row = toml::Table::new();
        row.insert("name".into(), set.into());
        row.insert(key.into(), strings(values));
        let mut doc = toml::Table::new();
        let mut default = toml::Table::new();
        default.insert("targets".into(), toml::Value::Array(vec![row.into()]));
        doc.insert("default".into(), default.into());
        merge(&mut self.doc, doc);
        self
    }

    /// Appends `text` to the file as it is (tables only: it follows the built part), for tests
    /// that check diagnostics at lines of their own.
    pub fn verbatim(mut self, text: &str) -> Self {
        self.verbatim.push_str(text);
        self
    }

    pub fn text(&self) -> String {
        format!("{}\n{}", toml::to_string(&self.doc).unwrap(), self.verbatim)
    }

    /// Writes `scanner.toml` in the project.
    pub fn write(self) {
        fs::write(self.project.path().join("scanner.toml"), self.text()).unwrap();
    }
}

fn merge(into: &mut toml::Table, from: toml::Table) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (Some(toml::Value::Array(a)), toml::Value::Array(b))
                if b.iter().all(toml::Value::is_table) && a.iter().all(toml::Value::is_table) =>
            {
                a.extend(b)
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// A TOML array of strings.
pub fn strings<S: AsRef<str>>(items: &[S]) -> toml::Value {
    toml::Value::Array(
        items
            .iter()
            .map(|s| toml::Value::String(s.as_ref().to_string()))
            .collect(),
    )
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The report paths trivyscan printed on stdout.
static AT_EXIT: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

extern "C" fn remove_registered_dirs() {
    if let Ok(dirs) = AT_EXIT.lock() {
        for dir in dirs.iter() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// Removes `dir` when the test binary exits.
fn remove_at_exit(dir: &Path) {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    // SAFETY: registers a plain function with the C runtime, once; it runs at exit.
    REGISTERED.call_once(|| unsafe {
        libc::atexit(remove_registered_dirs);
    });
    AT_EXIT.lock().unwrap().push(dir.to_path_buf());
}

pub fn report_paths(out: &Output) -> Vec<String> {
    text(&out.stdout).lines().map(String::from).collect()
}

pub use testkit::recipes::fleet_db;

/// Alpine with busybox (MEDIUM), lodash (HIGH), requests (LOW), rack (UNKNOWN) and two secrets
/// (CRITICAL AWS key, HIGH private key).
pub fn mixed_rootfs() -> testkit::Rootfs {
    recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
        .with(recipes::npm_package("lodash", "4.17.20"))
        .with(recipes::python_package("requests", "2.30.0"))
        .with(recipes::ruby_gem("rack", "3.0.8"))
        .with(recipes::secrets())
}

/// Each target's `cache` field of a trivyscan JSON report (`-` when absent).
pub fn cache_of(report: &serde_json::Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["cache"].as_str().unwrap_or("-").to_string())
        .collect()
}

/// (component, severity, id) of every finding of a trivyscan JSON report target, sorted.
pub fn findings_of(target: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (component, sevs) in target["findings"].as_object().unwrap() {
        for (sev, list) in sevs.as_object().unwrap() {
            for f in list.as_array().unwrap() {
                out.push((
                    component.clone(),
                    sev.clone(),
                    f["id"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Each target's error kind, or `ok`, in report order.
pub fn statuses(report: &serde_json::Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["error"]["kind"].as_str().unwrap_or("ok").to_string())
        .collect()
}

/// An executable shell script `name` in `dir` (stub tools that inject faults).
pub fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    fs::write(&path, body).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Collects a child's stdout and stderr on threads as it runs (a pipe read only after exit
/// blocks the child once it holds 64 KiB), and hands stderr lines to the test as they come.
pub struct Streams {
    stdout: std::thread::JoinHandle<String>,
    stderr_lines: std::sync::mpsc::Receiver<String>,
    stderr_all: std::thread::JoinHandle<String>,
}

impl Streams {
    pub fn of(child: &mut std::process::Child) -> Streams {
        use std::io::{BufRead, Read};
        let mut stdout = child.stdout.take().expect("stdout piped");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, rx) = std::sync::mpsc::channel();
        Streams {
            stdout: std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stdout.read_to_string(&mut text);
                text
            }),
            stderr_lines: rx,
            stderr_all: std::thread::spawn(move || {
                let mut all = String::new();
                for line in std::io::BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    all.push_str(&line);
                    all.push('\n');
                    let _ = tx.send(line);
                }
                all
            }),
        }
    }

    /// Waits for a stderr line containing `needle` (or the end of stderr, which fails).
    pub fn wait_for_stderr(&self, needle: &str) -> String {
        loop {
            match self.stderr_lines.recv() {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => continue,
                Err(_) => panic!("stderr ended without a line containing {needle:?}"),
            }
        }
    }

    /// The next stderr line, or None at its end.
    pub fn next_stderr_line(&self) -> Option<String> {
        self.stderr_lines.recv().ok()
    }

    /// Both streams in full, once the child has closed them.
    pub fn finish(self) -> (String, String) {
        (self.stdout.join().unwrap(), self.stderr_all.join().unwrap())
    }
}
