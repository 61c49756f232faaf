//! The HTTP client every registry, Trivy server and feed request goes through: one timeout for
//! the whole exchange, and HTTP error statuses as values (callers say what a 401 or 404 means).

use std::time::Duration;

/// An agent whose requests give up after `timeout` in all.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

/// [`agent`], and giving up after `connect` without a connection (a firewall that drops
/// packets rather than refusing them).
pub fn agent_with_connect_timeout(timeout: Duration, connect: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(connect))
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}
