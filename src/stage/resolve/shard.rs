//! A plan's identity across the jobs that scan its shards, and which shard a target is in.

use std::path::Path;

use crate::model::{PlannedTarget, TargetKind};

/// What identifies a plan across the jobs that each scan a shard of it: a SHA-256 over the
/// settings that shape results (`settings`: profile, gate, scanners, ...) and every target's
/// kind, identity (files relative to the config's directory) and threshold, in plan order.
pub fn plan_id(targets: &[PlannedTarget], base_dir: &Path, settings: &str) -> String {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(settings.as_bytes());
    hasher.update([0]);
    for t in targets {
        hasher.update(t.kind.label().as_bytes());
        hasher.update([0]);
        hasher.update(shard_identity(t, base_dir).as_bytes());
        hasher.update([0]);
        hasher.update(t.severity.as_str().as_bytes());
        hasher.update([0]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// A target's identity as shards and plans see it: files relative to the config's directory.
fn shard_identity(target: &PlannedTarget, base_dir: &Path) -> String {
    match &target.kind {
        TargetKind::Image(reference) => reference.clone(),
        TargetKind::Dockerfile(p) | TargetKind::Report(p) | TargetKind::Archive(p) => p
            .strip_prefix(base_dir)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned(),
    }
}

/// The targets of shard `k` of `n` (1-based): each target goes to the shard its identity
/// hashes to, so a target's shard never depends on the others in the plan.
pub fn shard(targets: Vec<PlannedTarget>, base_dir: &Path, k: u32, n: u32) -> Vec<PlannedTarget> {
    targets
        .into_iter()
        .filter(|t| shard_of(t, base_dir, n) == k)
        .collect()
}

/// 1-based shard of a target among `n`: the first 8 bytes of SHA-256 over its kind and its
/// identity (files relative to the config's directory, so every checkout agrees).
pub fn shard_of(target: &PlannedTarget, base_dir: &Path, n: u32) -> u32 {
    use sha2::Digest;
    let identity = shard_identity(target, base_dir);
    let digest = sha2::Sha256::new()
        .chain_update(target.kind.label().as_bytes())
        .chain_update([0])
        .chain_update(identity.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(n)) as u32 + 1
}
