//! The whole integration suite in one test binary (linked once, as ripgrep's): the CLI and
//! config tests, the pure stages on real Trivy output, and under [`trivy`] the end-to-end tests
//! against the real Trivy, registry and Docker engine (`scripts/test.sh` runs those again with
//! the oldest supported Trivy: `cargo test --test e2e -- trivy::`).
//!
//! Every test runs trivyscan through [`common::trivyscan`] (a cleared environment), writes
//! configs with [`common::Config`], and waits for explicit signals, never for time.

mod architecture;
mod common;

mod config_cli;
mod docs_coverage;
mod first_run;
mod fuzz_props;
mod hostile_registry;
mod html_fleet;
mod legacy_menu;
mod plugin;
mod pure_stages;
mod readme_demo;
mod trivy;
mod verdict_props;
