//! Exclusive file locks between trivyscan processes sharing a cache (the DB download, the
//! exploitation feeds). A leaf: the stages that need one take it here.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Holds a lock while alive.
pub struct FileLock {
    _file: File,
}

#[derive(Debug)]
pub enum LockError {
    /// The lock file (or its directory) could not be made or locked.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Ctrl-C or SIGTERM while waiting for another run's lock.
    Interrupted,
}

/// Takes the exclusive lock `dir/name` (created with `dir`), saying when another trivyscan
/// holds it, polling so a signal ends the wait.
pub fn exclusive(
    dir: &Path,
    name: &str,
    say: &dyn Fn(&crate::i18n::Msg),
) -> Result<FileLock, LockError> {
    std::fs::create_dir_all(dir).map_err(|source| LockError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(name);
    let err = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(err)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            say(&crate::msg!(
                "lock-waiting",
                path = crate::paths::display_path(dir)
            ));
            // Polled rather than blocking in flock, so Ctrl-C or SIGTERM ends the wait at once.
            loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(std::fs::TryLockError::WouldBlock) if crate::exec::interrupted() => {
                        return Err(LockError::Interrupted);
                    }
                    Err(std::fs::TryLockError::WouldBlock) => {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
                }
            }
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
    }
    Ok(FileLock { _file: file })
}
