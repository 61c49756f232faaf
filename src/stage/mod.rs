//! The pipeline, one module per stage, each with typed input and output, in the order a run
//! goes through them: `resolve` (targets -> plan), `db_prepare` (the Trivy DBs, under a lock),
//! `build` (Dockerfiles -> images), `scan` (Trivy, in parallel), `normalize` (Trivy JSON -> the
//! model), `group` (component type x severity), `emit` (report entries and writers). `cache`
//! (the result cache) serves `scan`; `policy` (ignores, VEX statements that `vex` reads,
//! redaction) runs before `emit`.

pub mod build;
pub mod db_prepare;
pub mod emit;
pub mod group;
pub mod intel;
pub mod normalize;
pub mod policy;
pub mod resolve;
pub mod result_cache;
pub mod scan;
pub mod vex;
