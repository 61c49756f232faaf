//! trivyscan's own local `trivy server`: parallel scans share one cache through it.

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::exec::{self, Cmd, Service};
use crate::settings::Settings;

use super::ScanSetupError;
use super::failure::reason;

/// The server's token: 128 bits from the OS's generator. A failure stops the start (a
/// predictable token would let another local user's process use our server).
fn random_token() -> Result<String, ScanSetupError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ScanSetupError::Server {
        reason: format!("no random token: {e}"),
        log: String::new(),
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The status of `GET http://{addr}{path}`, or None when nothing answered.
fn http_status(addr: &str, path: &str) -> Option<u16> {
    let response = crate::http::agent(Duration::from_secs(2))
        .get(&format!("http://{addr}{path}"))
        .call()
        .ok()?;
    Some(response.status().as_u16())
}

/// How many ports `start_server` tries: another program can take the free port it picked
/// before the server binds it (parallel runs on one machine do).
const SERVER_PORT_TRIES: usize = 5;

/// Starts `trivy server` on a free 127.0.0.1 port with a random token, and waits until it
/// answers `/healthz` and accepts the token. A port taken by someone else first (the server
/// exits with "address already in use", or another server answers and refuses our token) is
/// retried on a new port.
pub(super) fn start_server(
    settings: &Settings,
    work_dir: &Path,
) -> Result<(Service, String, String), ScanSetupError> {
    let token = random_token()?;
    let log_path = work_dir.join("trivy-server.log");
    let read_log = || exec::tail(&std::fs::read_to_string(&log_path).unwrap_or_default());
    let mut last_error = None;
    for _ in 0..SERVER_PORT_TRIES {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| ScanSetupError::Server {
                reason: format!("no free port: {e}"),
                log: String::new(),
            })?;
        let addr = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(&log_path).map_err(|e| ScanSetupError::Server {
            reason: e.to_string(),
            log: String::new(),
        })?;
        let cmd = Cmd::new(&settings.trivy.binary)
            .arg("server")
            .arg("--listen")
            .arg(&addr)
            .arg("--cache-dir")
            .arg(&settings.trivy.cache_dir)
            .arg("--skip-db-update")
            // In the environment, not on the command line, where `ps` shows it to every user.
            .env("TRIVY_TOKEN", &token)
            .env("TMPDIR", work_dir);
        let service = cmd.spawn_service(log)?;
        match wait_for_own_server(service, &addr, &token, &read_log) {
            Ok(service) => return Ok((service, format!("http://{addr}"), token)),
            Err(ServerStart::PortTaken(log)) => {
                last_error = Some(ScanSetupError::Server {
                    reason: format!("port {port} was taken by another program"),
                    log,
                })
            }
            Err(ServerStart::Failed(e)) => return Err(e),
        }
    }
    Err(last_error.expect("at least one try"))
}

enum ServerStart {
    /// Someone else holds the port: try another.
    PortTaken(String),
    Failed(ScanSetupError),
}

/// Waits until the server on `addr` is up and is ours (it accepts `token`).
fn wait_for_own_server(
    mut service: Service,
    addr: &str,
    token: &str,
    read_log: &dyn Fn() -> String,
) -> Result<Service, ServerStart> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if service.exited().is_some() {
            let log = read_log();
            if log.contains("address already in use") {
                return Err(ServerStart::PortTaken(log));
            }
            return Err(ServerStart::Failed(ScanSetupError::Server {
                reason: reason(&log),
                log,
            }));
        }
        if http_status(addr, "/healthz") == Some(200) {
            match accepts_token(addr, token) {
                Some(true) => return Ok(service),
                // Another server on the port: ours cannot bind it and is ended here.
                Some(false) => {
                    drop(service);
                    return Err(ServerStart::PortTaken(read_log()));
                }
                None => {}
            }
        }
        if exec::interrupted() {
            break;
        }
        // Every scan waits for this: asked often at first (a refused connect costs nothing),
        // less often once the server is slow to load its DB.
        let pause = if start.elapsed() < Duration::from_secs(2) {
            10
        } else {
            50
        };
        std::thread::sleep(Duration::from_millis(pause));
    }
    Err(ServerStart::Failed(ScanSetupError::Server {
        reason: "no answer on /healthz within 60 s".into(),
        log: read_log(),
    }))
}

/// Whether the Trivy server on `addr` takes `token` (a cache call that needs it), or None
/// when it did not answer.
fn accepts_token(addr: &str, token: &str) -> Option<bool> {
    let probe = crate::http::agent(Duration::from_secs(5))
        .post(&format!(
            "http://{addr}/twirp/trivy.cache.v1.Cache/MissingBlobs"
        ))
        .header("Content-Type", "application/json")
        .header("Trivy-Token", token)
        .send(r#"{"artifact_id":"trivyscan-probe","blob_ids":[]}"#)
        .ok()?;
    match probe.status().as_u16() {
        200 => Some(true),
        401 | 403 => Some(false),
        _ => None,
    }
}
