//! The interruption flag is process-wide, so this test has a test binary to itself.

use std::sync::atomic::Ordering;

use trivyscan::exec::{Cmd, ExecError, INTERRUPTED};

#[test]
fn cleanup_commands_run_after_an_interruption() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("cleaned");
    INTERRUPTED.store(true, Ordering::SeqCst);
    let normal = Cmd::new("true").run();
    let cleanup = Cmd::new("touch").arg(&marker).cleanup().run();
    INTERRUPTED.store(false, Ordering::SeqCst);
    assert!(
        matches!(normal, Err(ExecError::Interrupted { .. })),
        "{normal:?}"
    );
    assert!(cleanup.is_ok() && marker.exists(), "{cleanup:?}");
}
