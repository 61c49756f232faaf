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
    #[error("Docker is not installed: `{binary}` cannot be started")]
    #[diagnostic(
        code(trivyscan::docker::missing),
        help(
            "install Docker, or set docker.binary to its path; Dockerfile targets become error entries, images are still scanned"
        )
    )]
    NotInstalled { binary: String },
    #[error("the Docker daemon cannot be reached: {reason}")]
    #[diagnostic(
        code(trivyscan::docker::unreachable),
        help(
            "start the Docker daemon, or point DOCKER_HOST at it; Dockerfile targets become error entries, images are still scanned"
        )
    )]
    Unreachable { reason: String },
    #[error("permission denied on the Docker socket: {reason}")]
    #[diagnostic(
        code(trivyscan::docker::permission),
        help(
            "add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again), or set docker.allow_sudo = true to build under sudo"
        )
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

    pub fn remove_stale(&self, say: &dyn Fn(&str)) {
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
                    say(&format!(
                        "removed {name}, left behind by an earlier trivyscan run that was stopped"
                    ));
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
            .args(["build", "-q", "-f"])
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
        let guard = BuiltImage {
            docker: self,
            name: name.to_string(),
            forced_exit_key: crate::exec::on_forced_exit(self.remove_cmd(name)),
        };
        match cmd.arg("--").arg(&context).output() {
            Ok(out) if out.status.success() => Ok(guard),
            Ok(out) => {
                let text = if out.stderr.trim().is_empty() {
                    String::from_utf8_lossy(&out.stdout).to_string()
                } else {
                    out.stderr
                };
                let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                Err(lines[lines.len().saturating_sub(30)..].join("\n"))
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

fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    pid > 0
        && unsafe { libc::kill(pid, 0) } == 0
        && std::fs::read(format!("/proc/{pid}/cmdline"))
            .is_ok_and(|c| String::from_utf8_lossy(&c).contains("trivyscan"))
}

/// A built image; removed (`docker rmi -f`) when dropped, whatever happened in between.
pub struct BuiltImage<'a> {
    docker: &'a Docker,
    pub name: String,
    /// Its removal, registered to run even if trivyscan is made to exit at once.
    forced_exit_key: u64,
}

impl Drop for BuiltImage<'_> {
    fn drop(&mut self) {
        self.docker.remove(&self.name);
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
    fn old_image_names() {
        let name = image_name(Path::new("/src/My App/Dockerfile"));
        let re = regex::Regex::new(r"^local_scan_my_app_\d{8}_\d{6}_\d{6}:latest$").unwrap();
        assert!(re.is_match(&name), "{name}");
        assert!(crate::reference::parse(&name).is_ok());
    }
}
