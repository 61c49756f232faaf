//! trivyscan: scan whole fleets of container images with Trivy.
//!
//! The binary is a thin shell around [`app::run`]; the pipeline lives in [`stage`], one
//! module per stage.

// Diagnostics carry their source text and are rare; boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod app;
pub mod archive;
pub mod atomic;
pub mod cli;
pub mod config_template;
pub mod diagnostic_code;
pub mod environment;
pub mod error;
pub mod exec;
pub mod http;
pub mod i18n;
pub mod input;
pub mod legacy_list;
pub mod lock;
pub mod manifests;
pub mod model;
pub mod paths;
pub mod pipeline;
pub mod reference;
pub mod registry;
pub mod report;
pub mod settings;
pub mod source;
pub mod stage;
pub mod terminal;
pub mod trivy;
pub mod trivy_json;
