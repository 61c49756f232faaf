//! The pipeline, one module per stage, each with typed input and output.

pub mod build;
pub mod cache;
pub mod db_prepare;
pub mod group;
pub mod normalize;
pub mod policy;
pub mod resolve;
pub mod scan;
