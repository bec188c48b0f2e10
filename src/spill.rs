//! Large `u32` columns that live on the heap, or — under a memory budget — in a file-backed
//! map that is handed back to the operating system after each use.
//!
//! Two columns dominate wirematch's memory and grow with the corpus: the shingle arena
//! (4 bytes per shingle of every unique paragraph, about two thirds of the input's size)
//! and the LSH band keys (4 bytes per band per unique paragraph). With a budget
//! ([`crate::config::Config::memory_budget`]) both are written to an unlinked temporary
//! file (written with `pwrite`, so a full disk is an error, not a fault) and read through
//! a shared memory map. The map's pages are released with `MADV_DONTNEED` after every
//! stretch of work (each band joined, each stage, each block of articles aligned), so they
//! count against the process only while in use;
//! the data stays in the page cache, which the kernel can evict and read back, instead of
//! in anonymous memory it cannot. Results are identical by construction: the same values,
//! stored elsewhere.
//!
//! The temporary file is unlinked from creation, so nothing is left behind even when the
//! process is killed.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::MmapMut;

use crate::error::{Error, Result};

/// A growable `u32` column (see the module documentation).
#[derive(Debug, Default)]
pub struct Column {
    inner: Inner,
}

#[derive(Debug, Default)]
enum Inner {
    #[default]
    Empty,
    Heap(Vec<u32>),
    Mapped(Mapped),
}

#[derive(Debug)]
struct Mapped {
    file: File,
    path: PathBuf,
    map: MmapMut,
    /// Values in use (the file is larger: capacity).
    len: usize,
}

impl Column {
    /// A heap column.
    pub fn heap(v: Vec<u32>) -> Column {
        Column { inner: Inner::Heap(v) }
    }

    /// An empty column in a file-backed map in folder `dir`.
    pub fn spilled(dir: &Path) -> Result<Column> {
        let file = tempfile::tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
        let mut m = Mapped { map: map(&file, dir, 0)?, file, path: dir.to_path_buf(), len: 0 };
        m.reserve(1 << 20)?;
        Ok(Column { inner: Inner::Mapped(m) })
    }

    /// A column of `n` zeros: on the heap, or in a file-backed map in `spill` if given.
    pub fn zeroed(n: usize, spill: Option<&Path>) -> Result<Column> {
        match spill {
            None => Ok(Column::heap(vec![0; n])),
            Some(dir) => {
                let mut c = Column::spilled(dir)?;
                if let Inner::Mapped(m) = &mut c.inner {
                    m.reserve(n)?;
                    m.len = n;
                }
                Ok(c)
            }
        }
    }

    /// Whether the column lives in a file-backed map.
    pub fn is_spilled(&self) -> bool {
        matches!(self.inner, Inner::Mapped(_))
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        match &self.inner {
            Inner::Empty => 0,
            Inner::Heap(v) => v.len(),
            Inner::Mapped(m) => m.len,
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of heap held (a mapped column holds none).
    pub fn heap_bytes(&self) -> usize {
        match &self.inner {
            Inner::Heap(v) => v.capacity() * 4,
            _ => 0,
        }
    }

    /// The values.
    pub fn as_slice(&self) -> &[u32] {
        match &self.inner {
            Inner::Empty => &[],
            Inner::Heap(v) => v,
            Inner::Mapped(m) => &bytemuck::cast_slice(&m.map[..])[..m.len],
        }
    }

    /// The values, writable, for a heap column; `None` for a mapped one (write it with
    /// [`Column::write_at`], whose errors — a full disk — are reported rather than raised
    /// as a fault on a mapped page).
    pub fn heap_mut(&mut self) -> Option<&mut [u32]> {
        match &mut self.inner {
            Inner::Heap(v) => Some(v),
            _ => None,
        }
    }

    /// Writes `values` at position `at` of a mapped column (`at + values.len()` within its
    /// length); safe to call from several threads on disjoint ranges.
    pub fn write_at(&self, at: usize, values: &[u32]) -> Result<()> {
        match &self.inner {
            Inner::Mapped(m) if at + values.len() <= m.len => {
                write_all_at(&m.file, bytemuck::cast_slice(values), at as u64 * 4)
                    .map_err(|e| Error::io(&m.path, e))
            }
            _ => Err(Error::io(
                Path::new("<spill>"),
                std::io::Error::other("write_at outside a mapped column"),
            )),
        }
    }

    /// Appends `values`.
    pub fn extend_from_slice(&mut self, values: &[u32]) -> Result<()> {
        match &mut self.inner {
            Inner::Empty => self.inner = Inner::Heap(values.to_vec()),
            Inner::Heap(v) => v.extend_from_slice(values),
            Inner::Mapped(m) => {
                m.reserve(m.len + values.len())?;
                // Written through the file, not the map: the pages land in the page cache
                // without joining this process's resident set, and a full disk is an
                // error here rather than a fault later.
                write_all_at(&m.file, bytemuck::cast_slice(values), m.len as u64 * 4)
                    .map_err(|e| Error::io(&m.path, e))?;
                m.len += values.len();
            }
        }
        Ok(())
    }

    /// Hands the pages of a mapped column back to the operating system (a no-op on the
    /// heap). The values stay readable: they are read back from the page cache or file.
    pub fn release(&self) {
        if let Inner::Mapped(m) = &self.inner {
            m.release(0..m.len * 4);
        }
    }

    /// Like [`Column::release`], for the values in `range` only.
    pub fn release_range(&self, range: std::ops::Range<usize>) {
        if let Inner::Mapped(m) = &self.inner {
            let end = range.end.min(m.len);
            m.release(range.start.min(end) * 4..end * 4);
        }
    }
}

/// Positioned write that does not move a shared cursor (several threads write at once).
#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, buf, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        buf = &buf[n..];
        offset += n as u64;
    }
    Ok(())
}

fn map(file: &File, dir: &Path, bytes: usize) -> Result<MmapMut> {
    file.set_len(bytes as u64).map_err(|e| Error::io(dir, e))?;
    // SAFETY: the file is private to this process (created unlinked by `tempfile_in`), so
    // nothing else can truncate or modify it while it is mapped.
    unsafe { MmapMut::map_mut(file) }.map_err(|e| Error::io(dir, e))
}

impl Mapped {
    /// Makes room for `n` values, doubling the file (sparse) and mapping it again.
    fn reserve(&mut self, n: usize) -> Result<()> {
        if n * 4 <= self.map.len() {
            return Ok(());
        }
        let bytes = (n * 4).max(self.map.len() * 2).max(4096);
        self.map = map(&self.file, &self.path, bytes)?;
        Ok(())
    }

    fn release(&self, bytes: std::ops::Range<usize>) {
        let page = 4096;
        let start = bytes.start / page * page;
        let end = bytes.end.min(self.map.len());
        if end <= start {
            return;
        }
        // SAFETY: MADV_DONTNEED on a shared file mapping only drops this process's page
        // table entries; the contents live on in the page cache and file and are faulted
        // back on the next access, so no reference into the map sees other values.
        unsafe {
            let _ = self.map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                start,
                end - start,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_and_heap_columns_hold_the_same_values_across_growth_and_release() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut heap = Column::heap(Vec::new());
        let mut spilled = Column::spilled(dir.path()).expect("spill");
        assert!(spilled.is_spilled() && !heap.is_spilled());
        let mut x = 7u32;
        // Past several doublings of the file and past a release threshold.
        for round in 0..40 {
            let chunk: Vec<u32> = (0..(1 << 19) + round)
                .map(|_| {
                    x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    x
                })
                .collect();
            heap.extend_from_slice(&chunk).expect("heap");
            spilled.extend_from_slice(&chunk).expect("spilled");
            if round % 7 == 0 {
                spilled.release();
            }
        }
        assert_eq!(heap.len(), spilled.len());
        assert!(heap.as_slice() == spilled.as_slice());
        spilled.release_range(10..spilled.len() / 2);
        assert!(heap.as_slice() == spilled.as_slice());
        assert_eq!(spilled.heap_bytes(), 0);
    }

    #[test]
    fn zeroed_columns_are_writable() {
        let dir = tempfile::tempdir().expect("temp dir");
        for spill in [None, Some(dir.path())] {
            let mut c = Column::zeroed(10_000, spill).expect("column");
            assert_eq!(c.len(), 10_000);
            assert!(c.as_slice().iter().all(|&v| v == 0));
            match c.heap_mut() {
                Some(v) => v[9_999] = 5,
                None => c.write_at(9_999, &[5]).expect("write"),
            }
            c.release();
            assert_eq!(c.as_slice()[9_999], 5);
        }
    }
}
