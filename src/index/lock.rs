//! One writer at a time per index folder.
//!
//! `index add` reads the stored corpus, matches the new documents onto it and writes a new
//! data file; two of them running at once would each write the old corpus plus their own
//! documents, and the last manifest written would silently drop the other's. Writers
//! therefore hold an exclusive lock on `DIR/write.lock` from before they read the index
//! until the new manifest is in place. The lock is the operating system's (`flock`):
//! visible to every other writer, released when the process ends, however it ends — a
//! crashed writer leaves no stale lock. Readers take no lock: a data file is never changed
//! once written, and the manifest is replaced atomically.
//!
//! Holding the lock also makes it safe to clear what crashed writers left in the folder:
//! temporary files and data files no manifest names.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Name of the lock file in an index folder.
pub const LOCK_FILE: &str = "write.lock";

/// The right to write the index in one folder, held until dropped.
#[derive(Debug)]
pub struct WriteLock {
    dir: PathBuf,
    /// Whether acquiring created the folder (a failed first build removes it again).
    pub(crate) created: bool,
    _file: File,
}

impl WriteLock {
    /// Locks the index in folder `dir`, which must exist, for writing. When another
    /// process holds the lock, calls `waiting` once and waits for it.
    pub fn acquire(dir: &Path, waiting: impl FnOnce()) -> Result<WriteLock> {
        if !dir.is_dir() {
            return Err(Error::Index {
                path: dir.to_path_buf(),
                problem: crate::error::IndexProblem::Missing(super::format::MANIFEST),
            });
        }
        Self::locked(dir, false, waiting)
    }

    /// Whether an index can be written at `dir`: a new name, or a folder (an existing index
    /// gets a new generation). A file there is refused, so that a build is not run for
    /// nothing.
    pub fn check_destination(dir: &Path) -> Result<()> {
        match std::fs::metadata(dir) {
            Ok(m) if !m.is_dir() => Err(Error::Input {
                path: dir.to_path_buf(),
                problem: "is a file, and an index is a folder: name a new folder or an existing \
                          index"
                    .into(),
            }),
            _ => Ok(()),
        }
    }

    /// [`WriteLock::acquire`] for a new index: creates the folder if needed.
    pub fn create(dir: &Path, waiting: impl FnOnce()) -> Result<WriteLock> {
        Self::check_destination(dir)?;
        let created = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Self::locked(dir, created, waiting)
    }

    fn locked(dir: &Path, created: bool, waiting: impl FnOnce()) -> Result<WriteLock> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if !try_lock(&file).map_err(|e| Error::io(&path, e))? {
            waiting();
            lock(&file).map_err(|e| Error::io(&path, e))?;
        }
        Ok(WriteLock { dir: dir.to_path_buf(), created, _file: file })
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes what crashed writers left: temporary files, and data files other than
    /// `keep` (the one the manifest names). Returns how many files were removed.
    pub(crate) fn clear_leftovers(&self, keep: Option<&str>) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return 0 };
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            let data = name.starts_with("index-") && name.ends_with(".wmi");
            let leftover = crate::atomic::is_temporary(name) || (data && Some(name) != keep);
            if leftover
                && e.file_type().is_ok_and(|t| t.is_file())
                && std::fs::remove_file(e.path()).is_ok()
            {
                log::info!(
                    "removed {} left by an index writer that was killed",
                    e.path().display()
                );
                removed += 1;
            }
        }
        removed
    }

    /// Gives up a lock whose first build failed: removes the lock file and the folder if
    /// acquiring created it and nothing else is in it.
    pub(crate) fn abandon(self) {
        if self.created {
            let _ = std::fs::remove_file(self.dir.join(LOCK_FILE));
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Takes the exclusive lock of `file` if it is free; whether it was.
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor this File owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

/// Waits for the exclusive lock of `file`.
#[cfg(unix)]
fn lock(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: as in try_lock.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

/// Without `flock` writers are not serialised.
#[cfg(not(unix))]
fn try_lock(_: &File) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(not(unix))]
fn lock(_: &File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_until_the_first_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let idx = dir.path().join("idx");
        assert!(WriteLock::acquire(&idx, || {}).is_err(), "no folder, no index to add to");
        let first = WriteLock::create(&idx, || panic!("nobody holds it yet")).unwrap();
        assert!(first.created);
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let idx = idx.clone();
            std::thread::spawn(move || {
                let second = WriteLock::acquire(&idx, || tx.send("waiting").unwrap()).unwrap();
                assert!(!second.created);
            })
        };
        // The second writer says it waits, and does not get the lock while we hold it.
        assert_eq!(rx.recv().unwrap(), "waiting");
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished());
        drop(first);
        waiter.join().unwrap();
    }
}
