//! Files written atomically: a temp file in the target directory, synced, then renamed into
//! place, so a report, a cache entry or a feed's copy is either whole or not there. A leaf:
//! reports, stages and commands all write through it.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", crate::msg!("report-write", path = .path.display(), error = .source))]
#[diagnostic(
    code(trivyscan::report::write),
    url("docs/diagnostics.md#trivyscan-report-write"),
    help("{}", crate::msg!("report-write-help"))
)]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// A report file being written: a temp file in the target directory, renamed into place by
/// `persist`, so a report is either whole or not there. Mode 0600: reports may hold fragments of
/// secrets. A missing directory is made with 0700.
pub struct AtomicFile {
    path: PathBuf,
    out: std::io::BufWriter<EarlyWriteback>,
    /// `(stem, extension)` when the file must not replace anything: it then lands at the
    /// first free name of `stem.ext`, `stem-2.ext`, `stem-3.ext`, ...
    unique: Option<(String, String)>,
}

/// Hands each written chunk to the disk as the report grows (Linux `sync_file_range`), so the
/// fsync in `persist` waits for the last chunk only: a fleet report of 100+ MB would otherwise
/// wait at the end for all of it to reach the disk.
struct EarlyWriteback {
    file: tempfile::NamedTempFile,
    written: u64,
    handed: u64,
}

const WRITEBACK_CHUNK: u64 = 8 << 20;

impl Write for EarlyWriteback {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.handed >= WRITEBACK_CHUNK {
            start_writeback(self.file.as_file(), self.handed, self.written - self.handed);
            self.handed = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain syscall on an open descriptor we own; it only starts I/O. A failure is
    // harmless: the fsync in `persist` writes whatever is left.
    unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            offset as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _offset: u64, _len: u64) {}

impl AtomicFile {
    /// A file that lands at `dir/name`, replacing what is there.
    pub fn create(dir: &Path, name: &str) -> Result<AtomicFile, WriteError> {
        AtomicFile::open(dir, name, None)
    }

    /// A file that lands at `dir/stem.ext` or, when that name is taken by then (another run
    /// started in the same second), at `stem-2.ext`, `stem-3.ext`, ...: never over another file.
    pub fn create_unique(dir: &Path, stem: &str, ext: &str) -> Result<AtomicFile, WriteError> {
        AtomicFile::open(
            dir,
            &format!("{stem}.{ext}"),
            Some((stem.to_string(), ext.to_string())),
        )
    }

    fn open(
        dir: &Path,
        name: &str,
        unique: Option<(String, String)>,
    ) -> Result<AtomicFile, WriteError> {
        let path = dir.join(name);
        let err = |source| WriteError {
            path: path.clone(),
            source,
        };
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(err)?;
        }
        let tmp = tempfile::Builder::new()
            .prefix(".trivyscan-")
            .suffix(".tmp")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map_err(err)?;
        Ok(AtomicFile {
            out: std::io::BufWriter::with_capacity(
                1 << 20,
                EarlyWriteback {
                    file: tmp,
                    written: 0,
                    handed: 0,
                },
            ),
            path,
            unique,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn error(&self, source: std::io::Error) -> WriteError {
        WriteError {
            path: self.path.clone(),
            source,
        }
    }

    /// Flushes, syncs and renames the file into place; returns where it landed.
    pub fn persist(self) -> Result<PathBuf, WriteError> {
        self.finish(true)
    }

    fn finish(self, sync: bool) -> Result<PathBuf, WriteError> {
        let path = self.path.clone();
        let err = |source| WriteError {
            path: path.clone(),
            source,
        };
        let mut tmp = self.out.into_inner().map_err(|e| err(e.into_error()))?.file;

        if sync {
            tmp.as_file().sync_all().map_err(err)?;
        }

        let Some((stem, ext)) = self.unique else {
            tmp.persist(&path).map_err(|e| err(e.error))?;
            return Ok(path);
        };
        // The name is taken only at the end, by a rename that fails rather than replace:
        // whoever renames first keeps the name, the other takes the next number.
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        for n in 1..=MAX_NUMBERED_NAMES {
            let candidate = match n {
                1 => path.clone(),
                n => dir.join(format!("{stem}-{n}.{ext}")),
            };
            match tmp.persist_noclobber(&candidate) {
                Ok(_) => return Ok(candidate),
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
                Err(e) => return Err(err(e.error)),
            }
        }
        Err(err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{stem}.{ext} and {MAX_NUMBERED_NAMES} numbered names after it are taken"),
        )))
    }
}

/// How many numbered names (`-2` ...) a report tries when its name is taken.
const MAX_NUMBERED_NAMES: usize = 1000;

/// Writes `bytes` to `dir/stem.ext` atomically, never over another file (see
/// [`AtomicFile::create_unique`]); returns where it landed.
pub fn write_atomic_unique(
    dir: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<PathBuf, WriteError> {
    let mut file = AtomicFile::create_unique(dir, stem, ext)?;
    file.write_all(bytes).map_err(|e| file.error(e))?;
    file.persist()
}

/// Writes `bytes` to `dir/name` atomically, as `AtomicFile` does.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let mut file = AtomicFile::create(dir, name)?;
    file.write_all(bytes).map_err(|e| file.error(e))?;
    file.persist()
}

/// Writes `bytes` to `dir/name` whole or not at all (renamed into place), without waiting for
/// the disk: for what can be made again and is checked when read (the result cache drops an
/// entry a crash left torn), never for reports.
pub fn write_atomic_unsynced(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let mut file = AtomicFile::create(dir, name)?;
    file.write_all(bytes).map_err(|e| file.error(e))?;
    file.finish(false)
}

/// Writes `bytes` to `path` (relative to the working directory) atomically, as `AtomicFile`
/// does.
pub fn write_atomic_at(path: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::env::current_dir().unwrap_or_default(),
    };
    let Some(name) = path.file_name() else {
        return Err(WriteError {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        });
    };
    write_atomic(&dir, &name.to_string_lossy(), bytes)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
