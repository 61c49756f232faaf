//! The only place trivyscan starts other programs. Every child runs in its own process group,
//! without a shell, so a timeout or an interruption can stop it with everything it started.
//! Spawn failure, non-zero exit, death by signal and timeout are distinct errors that keep the
//! command line and the tool's stderr.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use std::time::{Duration, Instant};

use miette::Diagnostic;

/// Set by the signal handler: no new process starts, running ones are stopped.
pub static INTERRUPTED: LazyLock<Arc<AtomicBool>> =
    LazyLock::new(|| Arc::new(AtomicBool::new(false)));

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Process groups of the tools running now, killed outright on a second Ctrl-C.
static LIVE_GROUPS: LazyLock<Mutex<HashSet<i32>>> = LazyLock::new(Default::default);

/// Cleanup commands that must run even when trivyscan exits at once (removing built images),
/// by a key their owner drops them with when it has cleaned up itself.
static FORCED_CLEANUP: LazyLock<Mutex<Vec<(u64, Cmd)>>> = LazyLock::new(Default::default);

/// Registers `cmd` to run if trivyscan is made to exit at once; returns its key.
pub fn on_forced_exit(cmd: Cmd) -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let key = NEXT.fetch_add(1, Ordering::SeqCst);
    FORCED_CLEANUP
        .lock()
        .expect("cleanup list")
        .push((key, cmd));
    key
}

pub fn forget_forced_exit(key: u64) {
    FORCED_CLEANUP
        .lock()
        .expect("cleanup list")
        .retain(|(k, _)| *k != key);
}

/// Scratch directories removed even when trivyscan exits at once (nothing left in /tmp).
static FORCED_REMOVE: LazyLock<Mutex<Vec<std::path::PathBuf>>> = LazyLock::new(Default::default);

/// A scratch directory, removed when dropped or when trivyscan is made to exit at once.
pub struct ScratchDir(tempfile::TempDir);

impl ScratchDir {
    pub fn new(dir: tempfile::TempDir) -> ScratchDir {
        if let Ok(mut dirs) = FORCED_REMOVE.lock() {
            dirs.push(dir.path().to_path_buf());
        }
        ScratchDir(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Ok(mut dirs) = FORCED_REMOVE.lock() {
            dirs.retain(|d| d != self.0.path());
        }
    }
}

/// Ctrl-C and SIGTERM set `INTERRUPTED`: running tools are stopped and the report of what
/// finished is written. A second one exits at once with 130, after killing the running tools
/// and running the registered cleanups (built images are still removed).
pub fn install_signal_handlers() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM] {
        let _ = signal_hook::flag::register(signal, INTERRUPTED.clone());
    }
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        std::thread::spawn(move || {
            let mut seen = 0;
            for _ in signals.forever() {
                seen += 1;
                if seen >= 2 {
                    forced_exit();
                }
            }
        });
    });
}

fn forced_exit() -> ! {
    eprintln!("{}", crate::msg!("interrupted-again").localized());
    for pgid in LIVE_GROUPS.lock().map(|g| g.clone()).unwrap_or_default() {
        // SAFETY: a group trivyscan created for one of its children.
        unsafe { libc::killpg(pgid, libc::SIGKILL) };
    }
    let cleanups: Vec<Cmd> = FORCED_CLEANUP
        .lock()
        .map(|c| c.iter().map(|(_, cmd)| cmd.clone()).collect())
        .unwrap_or_default();
    for cmd in cleanups {
        let _ = cmd.timeout(Duration::from_secs(30)).run();
    }
    for dir in FORCED_REMOVE.lock().map(|d| d.clone()).unwrap_or_default() {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(130);
}

/// A program to run: arguments are passed as they are, never through a shell.
#[derive(Debug, Clone)]
pub struct Cmd {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, OsString)>,
    pub timeout: Option<Duration>,
    /// Runs even after an interruption (cleanup: removing built images).
    pub cleanup: bool,
    /// Written to the program's stdin (else stdin is empty).
    pub input: Option<Vec<u8>>,
}

impl Cmd {
    pub fn new(program: impl Into<PathBuf>) -> Cmd {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            timeout: None,
            cleanup: false,
            input: None,
        }
    }

    /// Bytes for the program's stdin (a credential helper reads the registry's host there).
    pub fn input(mut self, bytes: Vec<u8>) -> Cmd {
        self.input = Some(bytes);
        self
    }

    /// Marks a cleanup command: it runs, and is not stopped, when trivyscan is interrupted.
    pub fn cleanup(mut self) -> Cmd {
        self.cleanup = true;
        self
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cmd {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Cmd {
        self.timeout = Some(timeout);
        self
    }

    /// The command line as a person would type it (for messages).
    pub fn line(&self) -> String {
        std::iter::once(self.program.display().to_string())
            .chain(self.args.iter().map(|a| {
                let s = a.to_string_lossy();
                if s.is_empty() || s.contains([' ', '"', '\'']) {
                    format!("{s:?}")
                } else {
                    s.into_owned()
                }
            }))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).stdin(Stdio::null()).process_group(0);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs to completion and returns stdout; anything but exit code 0 is an error.
    pub fn run(&self) -> Result<Output, ExecError> {
        let out = self.output()?;
        if out.status.success() {
            Ok(out)
        } else {
            Err(self.failure(out))
        }
    }

    /// Runs to completion; a non-zero exit is returned, not an error.
    pub fn output(&self) -> Result<Output, ExecError> {
        if interrupted() && !self.cleanup {
            return Err(ExecError::Interrupted {
                command: self.line(),
            });
        }
        let mut command = self.command();
        if self.input.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| ExecError::Spawn {
                command: self.line(),
                source,
            })?;
        if let (Some(bytes), Some(mut stdin)) = (self.input.clone(), child.stdin.take()) {
            // On a thread: a program that does not read its stdin must not block us.
            std::thread::spawn(move || {
                use std::io::Write;
                let _ = stdin.write_all(&bytes);
            });
        }
        let group = LiveGroup::new(child.id() as i32);
        let stdout = read_in_background(child.stdout.take());
        let stderr = read_in_background(child.stderr.take());
        let start = Instant::now();
        let mut timed_out = false;
        // Waited for on a thread of its own, not polled: a poll interval would add its half,
        // on average, to every process a run starts (thousands in a fleet).
        let pgid = child.id() as i32;
        let (ended, exit) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = ended.send(child.wait());
        });
        let status = loop {
            match exit.recv_timeout(Duration::from_millis(50)) {
                Ok(status) => {
                    let status = status.map_err(|source| ExecError::Spawn {
                        command: self.line(),
                        source,
                    })?;
                    // What the tool left running in its group (a daemonised helper) would hold
                    // the pipes open and the readers below would wait for ever: it goes with
                    // the tool.
                    // SAFETY: killpg only signals the group created for this child.
                    unsafe { libc::killpg(pgid, libc::SIGKILL) };
                    break status;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    break ExitStatus::from_raw(9);
                }
            }
            if self.timeout.is_some_and(|t| start.elapsed() >= t) {
                timed_out = true;
                break stop_waited_group(pgid, &exit);
            }
            if interrupted() && !self.cleanup {
                stop_waited_group(pgid, &exit);
                return Err(ExecError::Interrupted {
                    command: self.line(),
                });
            }
        };
        let out = Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned(),
            elapsed: start.elapsed(),
        };
        drop(group);
        if timed_out {
            return Err(ExecError::Timeout {
                command: self.line(),
                after: self.timeout.unwrap_or_default(),
                stderr: tail(&out.stderr),
            });
        }
        Ok(out)
    }

    /// The error for a finished process that did not exit with 0.
    pub fn failure(&self, out: Output) -> ExecError {
        match (out.status.code(), out.status.signal()) {
            (Some(code), _) => ExecError::Exit {
                command: self.line(),
                code,
                stderr: tail(&out.stderr),
            },
            (None, signal) => ExecError::Signal {
                command: self.line(),
                signal: signal.unwrap_or(0),
                stderr: tail(&out.stderr),
            },
        }
    }

    /// Starts a long-running process (a server); it is stopped when the guard drops.
    pub fn spawn_service(&self, log: std::fs::File) -> Result<Service, ExecError> {
        let child = self
            .command()
            .stdout(log.try_clone().map_err(|source| ExecError::Spawn {
                command: self.line(),
                source,
            })?)
            .stderr(log)
            .spawn()
            .map_err(|source| ExecError::Spawn {
                command: self.line(),
                source,
            })?;
        Ok(Service {
            _group: LiveGroup::new(child.id() as i32),
            child,
            command: self.line(),
        })
    }
}

/// A child's process group, known to the forced exit while the child runs.
struct LiveGroup(i32);

impl LiveGroup {
    fn new(pgid: i32) -> LiveGroup {
        LIVE_GROUPS.lock().expect("live groups").insert(pgid);
        LiveGroup(pgid)
    }
}

impl Drop for LiveGroup {
    fn drop(&mut self) {
        if let Ok(mut groups) = LIVE_GROUPS.lock() {
            groups.remove(&self.0);
        }
    }
}

fn read_in_background<R: Read + Send + 'static>(
    pipe: Option<R>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// As [`kill_group`], for a child whose exit a waiting thread reports on `exit`.
fn stop_waited_group(
    pgid: i32,
    exit: &std::sync::mpsc::Receiver<std::io::Result<ExitStatus>>,
) -> ExitStatus {
    // SAFETY: killpg only sends a signal to the group we created for this child.
    unsafe { libc::killpg(pgid, libc::SIGTERM) };
    let status = exit.recv_timeout(Duration::from_secs(3));
    // SAFETY: as above; the group's stragglers, or the child itself after the grace period.
    unsafe { libc::killpg(pgid, libc::SIGKILL) };
    let status = match status {
        Ok(status) => status,
        Err(_) => exit.recv().unwrap_or_else(|_| Ok(ExitStatus::from_raw(9))),
    };
    status.unwrap_or_else(|_| ExitStatus::from_raw(9))
}

/// SIGTERM to the whole group, SIGKILL after a grace period; returns the exit status.
fn kill_group(child: &mut Child) -> ExitStatus {
    let pgid = child.id() as i32;
    // SAFETY: killpg only sends a signal to the group we created for this child.
    unsafe { libc::killpg(pgid, libc::SIGTERM) };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        if let Ok(Some(status)) = child.try_wait() {
            // SAFETY: as above; stragglers of the group get SIGKILL too.
            unsafe { libc::killpg(pgid, libc::SIGKILL) };
            return status;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: as above.
    unsafe { libc::killpg(pgid, libc::SIGKILL) };
    child.wait().unwrap_or_else(|_| ExitStatus::from_raw(9))
}

/// The last lines of a tool's stderr: enough to see why, short enough for a report.
pub fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub elapsed: Duration,
}

/// A background process stopped (with its process group) when dropped.
pub struct Service {
    child: Child,
    pub command: String,
    _group: LiveGroup,
}

impl Service {
    /// `Some(status)` when the process has already ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn stop(&mut self) {
        if self.exited().is_none() {
            kill_group(&mut self.child);
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ExecError {
    #[error("{}", crate::msg!("exec-spawn", command = .command, source = .source))]
    #[diagnostic(
        code(trivyscan::exec::spawn),
        url("docs/diagnostics.md#trivyscan-exec-spawn"),
        help("{}", crate::msg!("exec-spawn-help"))
    )]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", crate::msg!("exec-exit", command = .command, code = .code))]
    #[diagnostic(
        code(trivyscan::exec::exit),
        url("docs/diagnostics.md#trivyscan-exec-exit")
    )]
    Exit {
        command: String,
        code: i32,
        stderr: String,
    },
    #[error("{}", crate::msg!("exec-signal", command = .command, signal = .signal))]
    #[diagnostic(
        code(trivyscan::exec::signal),
        url("docs/diagnostics.md#trivyscan-exec-signal")
    )]
    Signal {
        command: String,
        signal: i32,
        stderr: String,
    },
    #[error("{}", crate::msg!("exec-timeout", command = .command, after = humantime::format_duration(*.after)))]
    #[diagnostic(
        code(trivyscan::exec::timeout),
        url("docs/diagnostics.md#trivyscan-exec-timeout"),
        help("{}", crate::msg!("exec-timeout-help"))
    )]
    Timeout {
        command: String,
        after: Duration,
        stderr: String,
    },
    #[error("{}", crate::msg!("exec-interrupted", command = .command))]
    #[diagnostic(
        code(trivyscan::exec::interrupted),
        url("docs/diagnostics.md#trivyscan-exec-interrupted")
    )]
    Interrupted { command: String },
}

impl ExecError {
    pub fn stderr(&self) -> &str {
        match self {
            ExecError::Exit { stderr, .. }
            | ExecError::Signal { stderr, .. }
            | ExecError::Timeout { stderr, .. } => stderr,
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_errors() {
        let ok = Cmd::new("sh")
            .args(["-c", "echo hi; echo warn >&2"])
            .run()
            .unwrap();
        assert_eq!(ok.stdout, b"hi\n");
        assert_eq!(ok.stderr, "warn\n");

        match Cmd::new("/nonexistent/tool").run() {
            Err(ExecError::Spawn { command, .. }) => assert_eq!(command, "/nonexistent/tool"),
            other => panic!("{other:?}"),
        }
        match Cmd::new("sh").args(["-c", "echo boom >&2; exit 3"]).run() {
            Err(ExecError::Exit { code, stderr, .. }) => {
                assert_eq!(code, 3);
                assert_eq!(stderr, "boom");
            }
            other => panic!("{other:?}"),
        }
        match Cmd::new("sh").args(["-c", "kill -9 $$"]).run() {
            Err(ExecError::Signal { signal, .. }) => assert_eq!(signal, 9),
            other => panic!("{other:?}"),
        }
    }

    /// Whether `pid` is gone or a zombie, after up to a minute for a killed process to die.
    fn ended(pid: u32) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(") ")
                        .and_then(|(_, rest)| rest.chars().next())
                });
            if matches!(state, None | Some('Z') | Some('X')) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let script = format!(
            "sleep 100000 & echo $! > {0}.tmp && mv {0}.tmp {0}; wait",
            pid_file.display()
        );
        // The grandchild must exist before the timeout fires for the test to mean anything;
        // on a loaded machine the shell may not get that far, so the timeout grows until it does.
        for timeout_ms in [300, 2_000, 10_000, 60_000] {
            let err = Cmd::new("sh")
                .args(["-c", &script])
                .timeout(Duration::from_millis(timeout_ms))
                .run()
                .unwrap_err();
            assert!(matches!(err, ExecError::Timeout { .. }), "{err:?}");
            if let Ok(pid) = std::fs::read_to_string(&pid_file) {
                let pid: u32 = pid.trim().parse().unwrap();
                assert!(ended(pid), "the grandchild {pid} outlived the timeout");
                return;
            }
        }
        panic!("the shell never started its grandchild before the timeout");
    }

    #[test]
    fn a_grandchild_holding_stdout_does_not_outlive_a_finished_tool() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("grandchild.pid");
        let script = format!(
            "sleep 100000 & echo $! > {0}.tmp && mv {0}.tmp {0}; echo done",
            pid_file.display()
        );
        // On a thread: before the fix this never returned (the sleep kept stdout open).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(Cmd::new("sh").args(["-c", &script]).run());
        });
        let out = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the tool's output was read to its end")
            .unwrap();
        assert_eq!(out.stdout, b"done\n");
        let pid: u32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(ended(pid), "the grandchild {pid} outlived its tool");
    }

    #[test]
    fn command_line_quotes_what_needs_it() {
        let cmd = Cmd::new("trivy").args(["image", "a b", ""]);
        assert_eq!(cmd.line(), "trivy image \"a b\" \"\"");
    }
}
