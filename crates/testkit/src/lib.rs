//! Test support for trivyscan's end-to-end tests, against the real Trivy, fully offline:
//!
//! - [`db`]: a Trivy vulnerability DB (bbolt, v2 layout) built from typed advisories
//! - [`javadb`]: Trivy's Java DB (sqlite), which jar analysis needs
//! - [`image`]: deterministic image layers, written as OCI layouts and docker-archives
//! - [`recipes`]: ready-made root file systems (Debian, Alpine, npm, Python, Ruby, secrets, big)
//! - [`registry`]: a real `docker-registry` on 127.0.0.1 that images and DB artifacts are pushed to
//! - [`tools`]: where the installed Trivy binaries are, and isolated Trivy runs

pub mod bench;
pub mod corpus;
pub mod db;
pub mod image;
pub mod intel;
pub mod javadb;
pub mod net;
pub mod recipes;
pub mod registry;
pub mod tools;
pub mod trivy_server;

pub use db::{Advisory, VulnDb};
pub use image::{Image, Rootfs};
pub use net::ClosedPort;
pub use registry::Registry;
pub use tools::{TrivyRun, trivy_bin, trivy_old_bin, trivy_version};

/// The items of a TOML array of strings, `"a", "b"`, for the configs tests and benches write
/// (image references and paths need no escaping).
pub fn toml_strings<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|item| format!("\"{}\"", item.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
