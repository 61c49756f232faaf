//! A shared remote `trivy server` (`trivy.server`): its token, and the check before a run.

use std::time::Duration;

use miette::Diagnostic;

use crate::environment::Environment;
use crate::settings::RemoteServer;

/// A remote `trivy server` that cannot be used: the run stops before any scan.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RemoteError {
    #[error("{}", crate::msg!("server-unreachable", url = .url, reason = .reason))]
    #[diagnostic(
        code(trivyscan::server::unreachable),
        url("docs/diagnostics.md#trivyscan-server-unreachable"),
        help("{}", crate::msg!("server-unreachable-help"))
    )]
    Unreachable { url: String, reason: String },

    #[error("{}", crate::msg!("server-token-refused", url = .url))]
    #[diagnostic(
        code(trivyscan::server::token),
        url("docs/diagnostics.md#trivyscan-server-token"),
        help(
            "{}", crate::msg!("server-token-refused-help"))
    )]
    TokenRefused { url: String },

    #[error("{}", crate::msg!("server-token-missing", var = .var))]
    #[diagnostic(
        code(trivyscan::server::token_missing),
        url("docs/diagnostics.md#trivyscan-server-token_missing"),
        help("{}", crate::msg!("server-token-missing-help"))
    )]
    TokenMissing { var: String },
}

/// Replicas behind the `trivy.server` address that answer with different vulnerability DBs
/// (one updated before the others): results are keyed by the oldest, and the run says so.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{}", crate::msg!("server-mixed-db", url = .url, versions = .versions.join(", ")))]
#[diagnostic(
    code(trivyscan::server::mixed_db),
    url("docs/diagnostics.md#trivyscan-server-mixed_db"),
    severity(Warning),
    help("{}", crate::msg!("server-mixed-db-help", oldest = .versions[0]))
)]
pub struct MixedDb {
    pub url: String,
    /// Oldest first; at least two.
    pub versions: Vec<String>,
}

/// How many times `/version` is asked, each on a new connection, so that a load balancer in
/// front of several replicas spreads the questions over them.
const VERSION_PROBES: usize = 6;

/// The remote server's token, read from the variable the config names.
pub fn remote_token(remote: &RemoteServer, env: &Environment) -> Result<String, RemoteError> {
    match &remote.token_env {
        None => Ok(String::new()),
        Some(var) => env
            .get(var)
            .map(str::to_string)
            .ok_or_else(|| RemoteError::TokenMissing { var: var.clone() }),
    }
}

/// Checks, before the run, that the server answers `/healthz` and accepts the token (a cache
/// API call that a server with a token refuses without it).
pub fn check_remote(remote: &RemoteServer, env: &Environment) -> Result<(), RemoteError> {
    let token = remote_token(remote, env)?;
    let agent = crate::http::agent(Duration::from_secs(15));
    let unreachable = |reason: String| RemoteError::Unreachable {
        url: remote.url.clone(),
        reason,
    };
    let health = agent
        .get(&format!("{}/healthz", remote.url))
        .call()
        .map_err(|e| unreachable(e.to_string()))?;
    if health.status() != 200 {
        return Err(unreachable(format!(
            "/healthz answered {}",
            health.status()
        )));
    }
    let header = remote.token_header.as_deref().unwrap_or("Trivy-Token");
    let probe = agent
        .post(&format!(
            "{}/twirp/trivy.cache.v1.Cache/MissingBlobs",
            remote.url
        ))
        .header("Content-Type", "application/json")
        .header(header, &token)
        .send(r#"{"artifact_id":"trivyscan-probe","blob_ids":[]}"#)
        .map_err(|e| unreachable(e.to_string()))?;
    if probe.status() == 401 || probe.status() == 403 {
        return Err(RemoteError::TokenRefused {
            url: remote.url.clone(),
        });
    }
    Ok(())
}

/// The vulnerability DB `UpdatedAt` of each replica that answered `GET /version` at the remote
/// address, distinct, oldest first: one for a single server (or replicas that agree), more when
/// replicas disagree, none when it does not say (then the cache is not used for the run).
pub fn remote_db_versions(remote: &RemoteServer) -> Vec<String> {
    let mut versions: Vec<String> = (0..VERSION_PROBES)
        .filter_map(|_| remote_db_updated_at(remote))
        .collect();
    let instant = |v: &String| chrono::DateTime::parse_from_rfc3339(v).ok();
    versions.sort_by(|a, b| instant(a).cmp(&instant(b)).then_with(|| a.cmp(b)));
    versions.dedup();
    versions
}

/// One answer to `GET /version`, on a connection of its own.
fn remote_db_updated_at(remote: &RemoteServer) -> Option<String> {
    let agent = crate::http::agent(Duration::from_secs(15));
    let mut response = agent.get(&format!("{}/version", remote.url)).call().ok()?;
    if response.status() != 200 {
        return None;
    }
    let body: crate::trivy_json::TrivyVersion =
        serde_json::from_str(&response.body_mut().read_to_string().ok()?).ok()?;
    body.vulnerability_db
        .map(|db| db.updated_at)
        .filter(|s| !s.is_empty())
}
