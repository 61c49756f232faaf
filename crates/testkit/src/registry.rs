//! A real `docker-registry` (Debian's distribution registry) on 127.0.0.1, with its own storage,
//! stopped when dropped (also when a test panics, and with the test process via PDEATHSIG).

use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;
use tempfile::TempDir;

use crate::image::{Image, OCI_MANIFEST, sha256_hex};
use crate::tools::registry_bin;

pub const TRIVY_DB_CONFIG: &str = "application/vnd.aquasec.trivy.config.v1+json";
pub const TRIVY_DB_LAYER: &str = "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip";
pub const TRIVY_JAVA_DB_LAYER: &str = "application/vnd.aquasec.trivy.javadb.layer.v1.tar+gzip";

pub struct Registry {
    child: Mutex<Option<Child>>,
    /// `127.0.0.1:PORT`
    pub addr: String,
    dir: TempDir,
    /// `Authorization` header value when the registry requires a login.
    auth: Option<String>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Registry {
    /// Starts a registry and waits until `GET /v2/` answers.
    pub fn start() -> Registry {
        Registry::start_with(None)
    }

    /// A registry that requires HTTP basic auth (htpasswd, bcrypt) as `user` / `password`.
    pub fn start_with_login(user: &str, password: &str) -> Registry {
        Registry::start_with(Some((user, password)))
    }

    fn start_with(login: Option<(&str, &str)>) -> Registry {
        use base64::Engine;
        let dir = tempfile::tempdir().unwrap();
        let (auth_yaml, auth) = match login {
            Some((user, password)) => {
                let hash = bcrypt::hash(password, 4).unwrap();
                let htpasswd = dir.path().join("htpasswd");
                fs::write(&htpasswd, format!("{user}:{hash}\n")).unwrap();
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                (
                    format!(
                        "auth:\n  htpasswd:\n    realm: testkit\n    path: {}\n",
                        htpasswd.display()
                    ),
                    Some(format!("Basic {token}")),
                )
            }
            None => (String::new(), None),
        };
        // A port taken between `free_port` and the registry's bind is retried.
        for _ in 0..10 {
            let addr = format!("127.0.0.1:{}", free_port());
            let config = dir.path().join("config.yml");
            fs::write(
                &config,
                format!(
                    "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\ncatalog:\n  maxentries: 3\n{auth_yaml}",
                    dir.path().join("storage").display()
                ),
            )
            .unwrap();
            let log = fs::File::create(dir.path().join("registry.log")).unwrap();
            let mut cmd = Command::new(registry_bin());
            cmd.arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log);
            // SAFETY: prctl is async-signal-safe; it only asks for SIGKILL when the test dies.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
            let mut child = cmd
                .spawn()
                .expect("start docker-registry (run scripts/setup-test-tools.sh)");
            if wait_ready(
                &mut child,
                &addr,
                &dir.path().join("registry.log"),
                auth.as_deref(),
            ) {
                return Registry {
                    child: Mutex::new(Some(child)),
                    addr,
                    dir,
                    auth,
                };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("docker-registry did not start");
    }

    fn authed<B>(&self, req: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.auth {
            Some(auth) => req.header("Authorization", auth),
            None => req,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The registry's log: access lines and errors.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("registry.log")
    }

    /// Kills the registry (tests of a registry going away).
    pub fn stop(&self) {
        let child = self.child.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut child) = child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills the registry and keeps its port bound but closed, so the clients that still use
    /// its address are refused (as when a registry goes away) and no other test's server can
    /// take the port and answer in its place.
    pub fn stop_and_hold_port(&self) -> crate::ClosedPort {
        self.stop();
        let port: u16 = self.addr.rsplit(':').next().unwrap().parse().unwrap();
        crate::ClosedPort::at(port).unwrap_or_else(|e| {
            panic!("port {port} was taken by another program the moment the registry ended: {e}")
        })
    }

    fn push_blob(&self, repo: &str, data: &[u8]) -> String {
        let digest = format!("sha256:{}", sha256_hex(data));
        let resp = self
            .authed(ureq::post(&format!(
                "{}/v2/{repo}/blobs/uploads/",
                self.url()
            )))
            .send_empty()
            .expect("start blob upload");
        let location = resp
            .headers()
            .get("Location")
            .expect("upload Location")
            .to_str()
            .unwrap()
            .to_string();
        let location = if location.starts_with("http") {
            location
        } else {
            format!("{}{location}", self.url())
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        self.authed(ureq::put(&format!("{location}{sep}digest={digest}")))
            .header("Content-Type", "application/octet-stream")
            .send(data)
            .expect("upload blob");
        digest
    }

    fn push_manifest(&self, repo: &str, tag: &str, media_type: &str, manifest: &[u8]) {
        self.authed(ureq::put(&format!(
            "{}/v2/{repo}/manifests/{tag}",
            self.url()
        )))
        .header("Content-Type", media_type)
        .send(manifest)
        .expect("upload manifest");
    }

    /// Pushes an image; returns its reference `127.0.0.1:PORT/repo:tag`.
    pub fn push_image(&self, repo: &str, tag: &str, image: &Image) -> String {
        self.push_blob(repo, &image.config);
        for layer in &image.layers {
            self.push_blob(repo, &layer.tar_gz);
        }
        self.push_manifest(repo, tag, OCI_MANIFEST, &image.manifest);
        format!("{}/{repo}:{tag}", self.addr)
    }

    /// Pushes an OCI artifact with one layer, as Trivy's DBs are published.
    pub fn push_artifact(
        &self,
        repo: &str,
        tag: &str,
        layer_media_type: &str,
        title: &str,
        layer: &[u8],
    ) -> String {
        let config = b"{}";
        self.push_blob(repo, config);
        self.push_blob(repo, layer);
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": { "mediaType": TRIVY_DB_CONFIG, "digest": format!("sha256:{}", sha256_hex(config)), "size": config.len() },
            "layers": [{
                "mediaType": layer_media_type,
                "digest": format!("sha256:{}", sha256_hex(layer)),
                "size": layer.len(),
                "annotations": { "org.opencontainers.image.title": title },
            }],
        })
        .to_string();
        self.push_manifest(repo, tag, OCI_MANIFEST, manifest.as_bytes());
        format!("{}/{repo}:{tag}", self.addr)
    }

    /// Pushes a vulnerability DB where `--db-repository` finds it; returns the repository ref.
    pub fn push_db(&self, db: &crate::db::VulnDb) -> String {
        self.push_artifact(
            "trivy-db",
            "2",
            TRIVY_DB_LAYER,
            "db.tar.gz",
            &db.to_tar_gz(),
        )
    }
}

impl Registry {
    /// Where it keeps its storage, config and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits until this registry process has bound `addr` (its log says so: an answer on the port
/// alone could come from another test's server that took the port first) and answers `/v2/`.
/// False when it exited (the port was taken: the caller tries another).
fn wait_ready(child: &mut Child, addr: &str, log: &Path, auth: Option<&str>) -> bool {
    let listening = format!("listening on {addr}");
    let url = format!("http://{addr}/v2/");
    // Generous: on a loaded machine a start can take seconds; a healthy one takes 0.1 s.
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        let bound = fs::read_to_string(log).is_ok_and(|text| text.contains(&listening));
        if bound {
            let mut req = ureq::get(&url);
            if let Some(auth) = auth {
                req = req.header("Authorization", auth);
            }
            if req.call().is_ok() {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "docker-registry on {addr} did not become ready: {}",
        fs::read_to_string(log).unwrap_or_default()
    );
}
