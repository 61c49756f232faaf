//! A `trivy server` for tests and benches, stopped when dropped.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct TrivyServer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl TrivyServer {
    /// `trivy server` over `cache` (its DB, not updated) with `token` (under `header` when
    /// given) and `extra` flags (`--cache-backend redis://...`), on a free port. The port is
    /// picked, released and then bound by Trivy, so another program may take it first: the
    /// server is ready when it answers a call that needs our token (another server on the port
    /// refuses it); when ours exits, another port is tried.
    pub fn start(cache: &Path, token: &str, header: Option<&str>, extra: &[&str]) -> TrivyServer {
        for _ in 0..10 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let addr = format!("127.0.0.1:{port}");
            let mut cmd = Command::new(crate::trivy_bin());
            cmd.args(["server", "--listen", &addr, "--cache-dir"])
                .arg(cache)
                .args(["--skip-db-update", "--quiet"])
                .args(extra)
                .env("TRIVY_TOKEN", token)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if let Some(h) = header {
                cmd.args(["--token-header", h]);
            }
            let mut child = cmd.spawn().unwrap();
            let url = format!("http://{addr}");
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                if accepts_token(&url, header.unwrap_or("Trivy-Token"), token) {
                    return TrivyServer { child, url };
                }
                assert!(Instant::now() < deadline, "trivy server did not start");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("trivy server did not start on any of 10 ports");
    }
}

impl Drop for TrivyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the server at `url` answers a cache call that needs `token`.
pub fn accepts_token(url: &str, header: &str, token: &str) -> bool {
    ureq::post(&format!("{url}/twirp/trivy.cache.v1.Cache/MissingBlobs"))
        .header("Content-Type", "application/json")
        .header(header, token)
        .send(r#"{"artifact_id":"test-probe","blob_ids":[]}"#)
        .is_ok()
}
