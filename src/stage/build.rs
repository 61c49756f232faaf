//! build stage: `docker build` for each Dockerfile target, labelled as trivyscan's, and always
//! removed afterwards: after a scan, a failed scan, a timeout, and an interruption (the guard's
//! drop runs the removal, which an interruption does not stop). Images left by a run that was
//! killed hard are found by label and removed at the next start.

use std::path::Path;
use std::time::Duration;

use miette::Diagnostic;

use crate::exec::{Cmd, ExecError};
use crate::model::BuildOptions;
use crate::settings::DockerSettings;

pub const LABEL_RUN: &str = "org.trivyscan.run";
pub const LABEL_PID: &str = "org.trivyscan.pid";
pub const LABEL_STARTED: &str = "org.trivyscan.started";

#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
pub enum DockerUnavailable {
    #[error("{}", crate::msg!("docker-missing", binary = .binary))]
    #[diagnostic(
        code(trivyscan::docker::missing),
        url("docs/diagnostics.md#trivyscan-docker-missing"),
        help(
            "{}", crate::msg!("docker-missing-help"))
    )]
    NotInstalled { binary: String },
    #[error("{}", crate::msg!("docker-unreachable", reason = .reason))]
    #[diagnostic(
        code(trivyscan::docker::unreachable),
        url("docs/diagnostics.md#trivyscan-docker-unreachable"),
        help(
            "{}", crate::msg!("docker-unreachable-help"))
    )]
    Unreachable { reason: String },
    #[error("{}", crate::msg!("docker-permission", reason = .reason))]
    #[diagnostic(
        code(trivyscan::docker::permission),
        url("docs/diagnostics.md#trivyscan-docker-permission"),
        help(
            "{}", crate::msg!("docker-permission-help"))
    )]
    PermissionDenied { reason: String },
}

/// A reachable Docker engine.
#[derive(Debug, Clone)]
pub struct Docker {
    binary: std::path::PathBuf,
    sudo: bool,
    pub run_id: String,
    started: i64,
    build_timeout: Duration,
}

fn last_line(stderr: &str) -> String {
    stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

impl Docker {
    /// Checks once, before any build, that Docker can be used.
    pub fn connect(settings: &DockerSettings) -> Result<Docker, DockerUnavailable> {
        let started = chrono::Utc::now().timestamp();
        let mut docker = Docker {
            binary: settings.binary.clone(),
            sudo: false,
            run_id: format!(
                "{}-{}",
                std::process::id(),
                chrono::Utc::now().timestamp_micros()
            ),
            started,
            build_timeout: settings.build_timeout,
        };
        match docker
            .cmd()
            .args(["version", "--format", "{{.Server.Version}}"])
            .timeout(Duration::from_secs(30))
            .run()
        {
            Ok(_) => Ok(docker),
            Err(ExecError::Spawn { .. }) => Err(DockerUnavailable::NotInstalled {
                binary: settings.binary.display().to_string(),
            }),
            Err(e) => {
                let reason = last_line(e.stderr());
                let reason = if reason.is_empty() {
                    e.to_string()
                } else {
                    reason
                };
                if !reason.to_lowercase().contains("permission denied") {
                    return Err(DockerUnavailable::Unreachable { reason });
                }
                if settings.allow_sudo {
                    docker.sudo = true;
                    if docker
                        .cmd()
                        .args(["version", "--format", "{{.Server.Version}}"])
                        .timeout(Duration::from_secs(30))
                        .run()
                        .is_ok()
                    {
                        return Ok(docker);
                    }
                }
                Err(DockerUnavailable::PermissionDenied { reason })
            }
        }
    }

    fn cmd(&self) -> Cmd {
        if self.sudo {
            Cmd::new("sudo").arg("-n").arg(&self.binary)
        } else {
            Cmd::new(&self.binary)
        }
    }

    /// Removes images that an earlier trivyscan built and could not remove (it was killed):
    /// labelled by another run whose process is gone.
    /// What a built image is made of: a hash of its layers' content digests. Not the image ID,
    /// which trivyscan's per-run labels change every time; the same Dockerfile and context
    /// build the same layers, so the result cache can reuse their scan.
    pub fn content_identity(&self, name: &str) -> Option<String> {
        use sha2::Digest;
        let out = self
            .cmd()
            .args([
                "image",
                "inspect",
                "--format",
                "{{json .RootFS.Layers}}",
                name,
            ])
            .timeout(Duration::from_secs(60))
            .run()
            .ok()?;
        let layers = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !layers.starts_with('[') {
            return None;
        }
        let hash = sha2::Sha256::digest(layers.as_bytes());
        Some(format!(
            "built sha256:{}",
            hash.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
    }

    pub fn remove_stale(&self, say: &dyn Fn(&crate::i18n::Msg)) {
        let Ok(out) = self
            .cmd()
            .args(["images", "--quiet", "--no-trunc", "--filter"])
            .arg(format!("label={LABEL_RUN}"))
            .timeout(Duration::from_secs(60))
            .run()
        else {
            return;
        };
        let ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        let mut seen = std::collections::HashSet::new();
        for id in ids.into_iter().filter(|id| seen.insert(id.clone())) {
            let Ok(info) = self
                .cmd()
                .args([
                    "image",
                    "inspect",
                    "--format",
                    "{{json .Config.Labels}} {{json .RepoTags}}",
                    &id,
                ])
                .timeout(Duration::from_secs(30))
                .run()
            else {
                continue;
            };
            let text = String::from_utf8_lossy(&info.stdout).to_string();
            let (labels, tags) = text.trim().split_once(' ').unwrap_or((text.trim(), "[]"));
            let labels: std::collections::HashMap<String, String> =
                serde_json::from_str(labels).unwrap_or_default();
            let tags: Vec<String> = serde_json::from_str(tags).unwrap_or_default();
            if labels.get(LABEL_RUN) == Some(&self.run_id) {
                continue;
            }
            let started: i64 = labels
                .get(LABEL_STARTED)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let pid: i32 = labels
                .get(LABEL_PID)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if started > self.started || process_alive(pid) {
                continue;
            }
            let names = if tags.is_empty() {
                vec![id.clone()]
            } else {
                tags
            };
            for name in names {
                if self.remove(&name) {
                    say(&crate::msg!("docker-stale-image-removed", name = name));
                }
            }
        }
    }

    /// `docker build`, labelled; the image is removed when the returned guard drops.
    pub fn build(
        &self,
        dockerfile: &Path,
        options: &BuildOptions,
        name: &str,
    ) -> Result<BuiltImage<'_>, String> {
        let context = options
            .context
            .clone()
            .unwrap_or_else(|| dockerfile.parent().unwrap_or(Path::new(".")).to_path_buf());
        let mut cmd = self
            .cmd()
            // Not -q: the legacy builder's step lines name the intermediate images a failed
            // build leaves behind, which are removed below.
            .args(["build", "-f"])
            .arg(dockerfile)
            .arg("-t")
            .arg(name)
            .arg("--label")
            .arg(format!("{LABEL_RUN}={}", self.run_id))
            .arg("--label")
            .arg(format!("{LABEL_PID}={}", std::process::id()))
            .arg("--label")
            .arg(format!("{LABEL_STARTED}={}", self.started))
            .timeout(self.build_timeout);
        for (k, v) in &options.build_args {
            cmd = cmd.arg("--build-arg").arg(format!("{k}={v}"));
        }
        if let Some(t) = &options.target {
            cmd = cmd.arg("--target").arg(t);
        }
        if let Some(p) = &options.platform {
            cmd = cmd.arg("--platform").arg(p);
        }
        let mut guard = BuiltImage {
            docker: self,
            name: name.to_string(),
            intermediates: Vec::new(),
            forced_exit_key: crate::exec::on_forced_exit(self.remove_cmd(name)),
        };
        match cmd.arg("--").arg(&context).output() {
            Ok(out) => {
                let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), out.stderr);
                // The steps' images: of a failed build, and of the other stages of a
                // multi-stage one, which removing the final image does not take with it.
                guard.intermediates = intermediate_images(&text);
                if out.status.success() {
                    Ok(guard)
                } else {
                    Err(build_failure(&text))
                }
            }
            Err(ExecError::Timeout { after, .. }) => Err(format!(
                "the build did not finish within {}",
                humantime::format_duration(after)
            )),
            Err(e) => Err(e.to_string()),
        }
    }

    fn remove_cmd(&self, name: &str) -> Cmd {
        self.cmd().args(["rmi", "-f", name]).cleanup()
    }

    fn remove(&self, name: &str) -> bool {
        self.remove_cmd(name)
            .timeout(Duration::from_secs(300))
            .run()
            .is_ok()
    }
}

/// The images a legacy-builder build made for its steps (` ---> 1a2b3c4d5e6f`), not those it
/// took from the cache (` ---> Using cache` before the ID): what a failed build leaves behind.
/// BuildKit makes none.
fn intermediate_images(output: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cached = false;
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("---> ") else {
            continue;
        };
        let rest = rest.trim();
        if rest == "Using cache" {
            cached = true;
            continue;
        }
        if rest.len() >= 12 && rest.chars().all(|c| c.is_ascii_hexdigit()) {
            if !cached {
                ids.push(rest.to_string());
            }
            cached = false;
        }
    }
    ids
}

/// Lines Docker prints around every build that say nothing about this one.
fn is_noise(line: &str) -> bool {
    let l = line.trim();
    l.is_empty()
        || l.starts_with("DEPRECATED: The legacy builder")
        || l.starts_with("Install the buildx component")
        || l.starts_with("https://docs.docker.com/go/buildx")
        || l.starts_with("Sending build context")
        || l.starts_with("--->")
        || l.starts_with("Removing intermediate container")
}

/// A failed build's message: the cause first (the builder's error line), with the step it
/// happened in, then that step's own output (at most 20 lines); said once, without the
/// builder's deprecation notice.
fn build_failure(output: &str) -> String {
    let lines: Vec<&str> = output.lines().filter(|l| !is_noise(l)).collect();
    // BuildKit: "ERROR: failed to solve: ..."; the legacy builder: its last line.
    let cause = lines
        .iter()
        .rev()
        .find(|l| l.trim_start().starts_with("ERROR:"))
        .or_else(|| lines.last())
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| "docker build failed with no output".into());
    // Legacy: "Step 4/5 : COPY ..."; BuildKit: "#7 [3/4] RUN ..." (its last one started).
    let step_at = lines.iter().rposition(|l| {
        let l = l.trim_start();
        l.starts_with("Step ") && l.contains(" : ")
            || (l.starts_with('#') && l.contains(" [") && l.contains("] "))
    });
    let mut message = cause.clone();
    if let Some(at) = step_at {
        message.push_str(&format!(" (at {})", lines[at].trim()));
        // BuildKit repeats the step's output in a "------" block before its error: once is enough.
        let own: Vec<&str> = lines[at + 1..]
            .iter()
            .map(|l| l.trim_end())
            .take_while(|l| l.trim() != "------")
            .filter(|l| l.trim() != cause && !l.contains("ERROR:"))
            .collect();
        for line in &own[own.len().saturating_sub(20)..] {
            message.push('\n');
            message.push_str(line);
        }
    }
    message
}

fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    pid > 0
        && unsafe { libc::kill(pid, 0) } == 0
        && std::fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("trivyscan"))
}

/// A built image; removed (`docker rmi -f`) when dropped, whatever happened in between, with
/// the images its build made for its steps.
pub struct BuiltImage<'a> {
    docker: &'a Docker,
    pub name: String,
    /// Step images this build made (not taken from the cache), oldest first.
    intermediates: Vec<String>,
    /// Its removal, registered to run even if trivyscan is made to exit at once.
    forced_exit_key: u64,
}

impl Drop for BuiltImage<'_> {
    fn drop(&mut self) {
        self.docker.remove(&self.name);
        // Newest first: each is the parent of the next. Most went with the final image; a
        // refusal (another build now uses one as its cache) leaves it to that build.
        for id in self.intermediates.iter().rev() {
            let _ = self
                .docker
                .cmd()
                .args(["rmi", id])
                .cleanup()
                .timeout(Duration::from_secs(60))
                .run();
        }
        crate::exec::forget_forced_exit(self.forced_exit_key);
    }
}

/// The old script's image name: `local_scan_<dir name lowercased>_<YYYYmmdd_HHMMSS_ffffff>:latest`
/// (characters a reference cannot hold become `_`).
pub fn image_name(dockerfile: &Path) -> String {
    let dir = dockerfile
        .parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().to_lowercase())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "dockerfile".into());
    let dir: String = dir
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stamp = chrono::Local::now().format("%Y%m%d_%H%M%S_%6f");
    format!("local_scan_{dir}_{stamp}:latest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legacy_build_failure_names_its_cause_and_step_once() {
        let output = "Sending build context to Docker daemon  4.096kB\nStep 1/4 : FROM scratch\n ---> \nStep 2/4 : COPY a.txt /a\n ---> Using cache\n ---> fd160ce25df3\nStep 3/4 : COPY b.txt /b\n ---> aa9b387618e3\nStep 4/4 : COPY missing.txt /m\n\nDEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n            Install the buildx component to build images with BuildKit:\n            https://docs.docker.com/go/buildx/\n\nCOPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist\n";
        assert_eq!(
            build_failure(output),
            "COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist (at Step 4/4 : COPY missing.txt /m)"
        );
        // Only the image the build made, not the one it took from the cache.
        assert_eq!(intermediate_images(output), ["aa9b387618e3"]);
    }

    #[test]
    fn a_buildkit_failure_names_its_cause_and_step_once() {
        let output = "#5 [2/3] RUN make\n#5 0.21 make: *** No targets.  Stop.\n#5 ERROR: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n------\n > [2/3] RUN make:\n0.21 make: *** No targets.  Stop.\n------\nERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n";
        let message = build_failure(output);
        assert!(
            message.starts_with("ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2 (at #5 [2/3] RUN make)"),
            "{message}"
        );
        assert_eq!(message.matches("did not complete").count(), 1, "{message}");
        assert!(intermediate_images(output).is_empty());
    }

    #[test]
    fn old_image_names() {
        let name = image_name(Path::new("/src/My App/Dockerfile"));
        let re = regex::Regex::new(r"^local_scan_my_app_\d{8}_\d{6}_\d{6}:latest$").unwrap();
        assert!(re.is_match(&name), "{name}");
        assert!(crate::reference::parse(&name).is_ok());
    }
}
