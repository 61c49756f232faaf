//! Types shared by every stage: severities, scanners, the plan of targets, grouped findings
//! and each target's result. A leaf: it depends on nothing else of trivyscan but `source`
//! (where a target came from) and `paths`.
//!
//! One module per concern; this one only names them, so `crate::model::X` reaches every type.

mod findings;
mod gate;
mod intel;
mod ledger;
mod run;
mod target;
mod vex;

pub use findings::{
    CONFIGURATION, CacheUse, FailureKind, FindingRef, Grouped, JsonText, LICENSE, License,
    Misconfiguration, OsInfo, Outcome, ResultBlock, SECRET, ScanReport, ScanType, Secret,
    Suppressed, SuppressedBy, TargetResult, Vulnerability,
};
pub use gate::NewFindings;
pub use intel::{EpssInfo, FeedRun, FeedStatus, Intel, IntelRun, KevInfo};
pub use ledger::{Coverage, InputKind, Ledger, LedgerEntry, LedgerStatus, Verdict};
pub use run::RunInfo;
pub use target::{BuildOptions, Plan, PlannedTarget, Scanner, Severity, TargetKind};
pub use vex::{
    FindingPackage, ImageIdentity, JUSTIFICATIONS, Purl, VexFormat, VexProduct, VexStatement,
    VexStatus, oci_name, oci_purl,
};
