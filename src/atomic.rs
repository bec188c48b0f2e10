//! Atomic file output.
//!
//! Every file wirematch writes goes to a temporary file in the destination's folder, is
//! flushed and synced, and is then renamed over the destination. A run that is killed or
//! fails midway leaves either the old file or the new one, never a truncated mix.
//!
//! A rename replaces whatever the name points at, so it is only done onto regular files
//! (or a new name): a destination that is a device, a FIFO or a socket (`-o /dev/stdout`)
//! is written directly, as a shell's `>` would, and a symbolic link is followed so that
//! the file it names is replaced and the link kept.
//!
//! Temporary files are named `.wirematch-<pid>-<random>.tmp`. A killed run cannot remove
//! its own; the next write into the same folder removes those whose process is gone.

use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A writer that can also seek (a file being written).
pub trait WriteSeek: Write + Seek {}

impl<T: Write + Seek> WriteSeek for T {}

/// Prefix of every temporary file.
const PREFIX: &str = ".wirematch-";
/// Suffix of every temporary file.
const SUFFIX: &str = ".tmp";

/// Writes `path` atomically with `write`. On error the destination is untouched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match target(path)? {
        Target::Special(path) => {
            // Not a file that can be replaced: written in place, as `>` would.
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            let mut w = BufWriter::with_capacity(1 << 16, file);
            write(&mut w).and_then(|()| w.flush()).map_err(|e| Error::io(&path, e))
        }
        Target::File(path) => replace(&path, |w| write(w)),
    }
}

/// [`write_atomically`] for writers that need to seek (a header completed last). The
/// destination must be a regular file or a new name.
pub fn write_atomically_seekable(
    path: &Path,
    write: impl FnOnce(&mut dyn WriteSeek) -> std::io::Result<()>,
) -> Result<()> {
    match target(path)? {
        Target::Special(path) => Err(Error::io(
            &path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file: this output must be a file",
            ),
        )),
        Target::File(path) => replace(&path, write),
    }
}

enum Target {
    /// A regular file or a new name: replaced by renaming.
    File(PathBuf),
    /// A device, FIFO or socket: written in place.
    Special(PathBuf),
}

/// What `path` names, symbolic links followed.
fn target(path: &Path) -> Result<Target> {
    let resolved = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(path) {
            Ok(p) => p,
            // A dangling link: what it points at does not exist yet; create that.
            Err(_) => match std::fs::read_link(path) {
                Ok(t) if t.is_absolute() => t,
                Ok(t) => path.parent().map_or(t.clone(), |d| d.join(t)),
                Err(e) => return Err(Error::io(path, e)),
            },
        },
        _ => path.to_path_buf(),
    };
    match std::fs::metadata(&resolved) {
        Ok(m) if m.is_dir() => Err(Error::io(
            &resolved,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a folder, not a file"),
        )),
        Ok(m) if !m.is_file() => Ok(Target::Special(resolved)),
        _ => Ok(Target::File(resolved)),
    }
}

fn replace(
    path: &Path,
    write: impl FnOnce(&mut dyn WriteSeek) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale(dir);
    let mut builder = tempfile::Builder::new();
    let prefix = format!("{PREFIX}{}-", std::process::id());
    builder.prefix(&prefix).suffix(SUFFIX);
    // A temporary file is private (0600); the result is an ordinary output file: keep the
    // permissions of the file it replaces, else 0666 less the umask, as `>` would give.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o666);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(path, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, tmp);
    write(&mut w).map_err(|e| Error::io(path, e))?;
    let tmp = w.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// The process that wrote temporary file `name`, if it is one of ours.
fn owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    rest.split_once('-')?.0.parse().ok()
}

/// Whether process `pid` is running (on this machine).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists and may be signalled.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes the temporary files of `dir` left by runs that were killed (their process is
/// gone). Best effort: a folder that cannot be listed is left alone.
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(owner) else { continue };
        if pid != std::process::id()
            && !alive(pid)
            && e.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(e.path()).is_ok()
        {
            log::info!("removed {} left by a run that was killed", e.path().display());
        }
    }
}

/// Whether `name` is one of wirematch's temporary files (of any process).
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(PREFIX) && name.ends_with(SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        std::fs::write(&p, "old\n").unwrap();
        let failed = write_atomically(&p, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old\n");
        write_atomically(&p, |w| w.write_all(b"new\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let e =
            write_atomically(&dir.path().join("no/such/dir/x"), |w| w.write_all(b"x")).unwrap_err();
        assert!(e.to_string().contains("no/such/dir"), "{e}");
    }

    #[test]
    #[cfg(unix)]
    fn outputs_get_ordinary_permissions_not_those_of_a_temporary_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.jsonl");
        write_atomically(&fresh, |w| w.write_all(b"x")).unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        // What `File::create` (0666 less the umask) gives here, where a temporary file
        // would be 0600.
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let want = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, want, "{mode:o} vs {want:o}");
        // A replaced file keeps its mode.
        let kept = dir.path().join("kept.jsonl");
        std::fs::write(&kept, "old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&kept, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    #[cfg(unix)]
    fn a_fifo_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_atomically(&fifo, |w| w.write_all(b"through the pipe\n")).unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe\n");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        // A seekable output (an index) refuses it rather than hang or replace it.
        let e = write_atomically_seekable(&fifo, |w| w.write_all(b"x")).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }

    #[test]
    #[cfg(unix)]
    fn a_symbolic_link_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.jsonl");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, |w| w.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let folder = dir.path().join("sub");
        std::fs::create_dir(&folder).unwrap();
        let e = write_atomically(&folder, |w| w.write_all(b"x")).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
    }

    #[test]
    fn temporaries_of_dead_runs_are_removed_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A process that has exited: its pid is free (reuse within the test is unlikely
        // and would only keep the file).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".wirematch-{dead}-abc123.tmp"));
        let mine = dir.path().join(format!(".wirematch-{}-def456.tmp", std::process::id()));
        let other = dir.path().join(".wirematch-notapid.tmp");
        for p in [&stale, &mine, &other] {
            std::fs::write(p, "partial").unwrap();
        }
        write_atomically(&dir.path().join("out"), |w| w.write_all(b"x")).unwrap();
        assert!(!stale.exists());
        assert!(mine.exists() && other.exists());
    }
}
