//! Atomic file output.
//!
//! Every file wirematch writes goes to a temporary file in the destination's folder, is
//! flushed and synced, and is then renamed over the destination. A run that is killed or
//! fails midway leaves either the old file or the new one, never a truncated mix.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `path` atomically with `write`. On error the destination is untouched.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wirematch-").suffix(".tmp");
    // A temporary file is private (0600) by default, and the rename would hand that mode to
    // the output. Create it as `File::create` would (0666 less the umask) instead, and give
    // it the mode of the file it replaces, if any.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| Error::io(path, e))?;
    if let Ok(old) = std::fs::metadata(path) {
        if old.is_file() {
            std::fs::set_permissions(tmp.path(), old.permissions())
                .map_err(|e| Error::io(path, e))?;
        }
    }
    let mut w = BufWriter::with_capacity(1 << 20, tmp);
    write(&mut w).map_err(|e| Error::io(path, e))?;
    let tmp = w.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn outputs_get_the_usual_mode_and_replacements_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A new file: as File::create makes it (0666 less the umask), not 0600.
        let made = dir.path().join("made-by-create");
        std::fs::File::create(&made).unwrap();
        let want = std::fs::metadata(&made).unwrap().permissions().mode() & 0o777;
        let p = dir.path().join("new.jsonl");
        write_atomically(&p, |w| w.write_all(b"x")).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, want);
        // A replaced file keeps its mode.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&p, |w| w.write_all(b"y")).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read(&p).unwrap(), b"y");
    }
}
