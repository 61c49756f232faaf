//! End-to-end tests with the real Trivy (`TESTKIT_TRIVY`), a real registry on 127.0.0.1 and,
//! for local mode, the real Docker engine.

mod archive;
mod cache;
mod concurrency;
mod credentials;
mod discovery;
mod fail_open;
mod faults;
mod fleet;
mod hardening;
mod hostile;
mod intel;
mod legacy;
mod local;
mod not_done;
mod platforms;
mod proxy;
mod remote_server;
mod reports;
mod run;
mod soak;
mod triage;
mod vex;
