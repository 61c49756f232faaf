//! Files trivyscan reads because a user named them (target lists, profiles, saved reports):
//! only regular files on a real file system, of a bounded size, and for the files that name
//! targets, inside the tree they belong to. A list that is a symlink to `/proc/self/environ`
//! would otherwise echo a CI runner's environment, tokens included, into logs and reports; a
//! FIFO would hang the run and `/dev/zero` would fill the memory.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The size limits, in bytes: a target list of 16 MiB holds some 200,000 references; a fleet
/// report of 1 GiB is far beyond any seen. `TRIVYSCAN_MAX_INPUT_MB` raises (or lowers) both.
pub const LIST_LIMIT: u64 = 16 << 20;
pub const REPORT_LIMIT: u64 = 1 << 30;
pub const LIMIT_VARIABLE: &str = "TRIVYSCAN_MAX_INPUT_MB";

/// The limit `TRIVYSCAN_MAX_INPUT_MB` sets, in bytes, chosen once at start like the language:
/// every reader of outside input applies it, however deep.
static LIMIT_SET: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();

/// Reads `TRIVYSCAN_MAX_INPUT_MB` from the environment `main` read (once per process).
pub fn init_limit(env: &crate::environment::Environment) {
    let set = env
        .get(LIMIT_VARIABLE)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|mb| *mb > 0)
        .map(|mb| mb.saturating_mul(1 << 20));
    let _ = LIMIT_SET.set(set);
}

/// `default`, or the limit `TRIVYSCAN_MAX_INPUT_MB` sets.
pub fn limit(default: u64) -> u64 {
    LIMIT_SET.get().copied().flatten().unwrap_or(default)
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}", crate::msg!("input-outside-root", real = .real.display(), root = .root.display()))]
    Outside { real: PathBuf, root: PathBuf },
    #[error("{}", crate::msg!("input-not-regular-file", kind = .0))]
    NotRegular(&'static str),
    #[error("{}", crate::msg!("input-pseudo-file-system", fs = .0))]
    PseudoFs(&'static str),
    #[error("{}", crate::msg!("input-over-limit", size = .size, limit = .limit))]
    TooLarge { size: u64, limit: u64 },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<InputError> for std::io::Error {
    fn from(e: InputError) -> std::io::Error {
        match e {
            InputError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

/// [`read`] for callers that report an `io::Error`.
pub fn read_io(path: &Path, root: Option<&Path>, limit: u64) -> std::io::Result<Vec<u8>> {
    read(path, root, limit).map_err(std::io::Error::from)
}

/// Reads `path` whole, refusing what is not a regular file on a real file system, what is over
/// `limit` bytes, and, with a `root`, what resolves (symlinks followed) outside it.
pub fn read(path: &Path, root: Option<&Path>, limit: u64) -> Result<Vec<u8>, InputError> {
    if let Some(root) = root {
        // Must exist: a missing file is "not found", not "outside".
        let real = path.canonicalize()?;
        if let Some(real) = crate::paths::outside(&real, root) {
            return Err(InputError::Outside {
                real,
                root: crate::paths::real(root),
            });
        }
    }
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked next.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(InputError::NotRegular(if kind.is_dir() {
            "directory"
        } else if kind.is_fifo() {
            "FIFO"
        } else if kind.is_char_device() {
            "character device"
        } else if kind.is_block_device() {
            "block device"
        } else if kind.is_socket() {
            "socket"
        } else {
            "special file"
        }));
    }
    if let Some(fs) = pseudo_fs(&file) {
        return Err(InputError::PseudoFs(fs));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while read is cut at the limit and refused.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The name of the kernel's pseudo file system `file` is on (procfs and sysfs files look
/// regular, with a size of 0 or 4096, whatever they hold).
fn pseudo_fs(file: &std::fs::File) -> Option<&'static str> {
    use std::os::fd::AsRawFd;
    // SAFETY: fstatfs on an open descriptor into a zeroed struct we own.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstatfs(file.as_raw_fd(), &mut st) } != 0 {
        return None;
    }
    const PROC: i64 = 0x9fa0;
    const SYSFS: i64 = 0x6265_6572;
    const DEBUGFS: i64 = 0x6462_6720;
    const SECURITYFS: i64 = 0x7363_6673;
    const TRACEFS: i64 = 0x7472_6163;
    const CGROUP: i64 = 0x0027_e0eb;
    const CGROUP2: i64 = 0x6367_7270;
    const BPF: i64 = 0xcafe_4a11;
    const CONFIGFS: i64 = 0x6265_6570;
    const EFIVARFS: i64 = 0xde5e_81e4;
    #[allow(clippy::unnecessary_cast)]
    match st.f_type as i64 {
        PROC => Some("proc"),
        SYSFS => Some("sysfs"),
        DEBUGFS => Some("debugfs"),
        SECURITYFS => Some("securityfs"),
        TRACEFS => Some("tracefs"),
        CGROUP | CGROUP2 => Some("cgroup"),
        BPF => Some("bpf"),
        CONFIGFS => Some("configfs"),
        EFIVARFS => Some("efivarfs"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_inside_the_root_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("list.txt");
        std::fs::write(&list, "a\nb\n").unwrap();
        assert_eq!(read(&list, Some(dir.path()), 100).unwrap(), b"a\nb\n");
        assert!(matches!(
            read(&list, Some(dir.path()), 2),
            Err(InputError::TooLarge { .. })
        ));

        let link = dir.path().join("environ.txt");
        std::os::unix::fs::symlink("/proc/self/environ", &link).unwrap();
        assert!(matches!(
            read(&link, Some(dir.path()), 100),
            Err(InputError::Outside { .. })
        ));
        // Without a root the file system itself is refused.
        assert!(matches!(
            read(&link, None, 1 << 20),
            Err(InputError::PseudoFs("proc"))
        ));
        assert!(matches!(
            read(Path::new("/dev/zero"), None, 1 << 20),
            Err(InputError::NotRegular("character device"))
        ));
        assert!(matches!(
            read(dir.path(), None, 1 << 20),
            Err(InputError::NotRegular("directory"))
        ));
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read(&fifo, None, 1 << 20),
            Err(InputError::NotRegular("FIFO"))
        ));
    }
}
