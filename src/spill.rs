//! Large columns of plain values that live on the heap, or — under a memory budget — in a
//! file-backed map that is handed back to the operating system after each use.
//!
//! The columns that grow with the corpus are the shingle arena (4 bytes per shingle of
//! every unique paragraph, about two thirds of the input's size), the LSH band keys (4
//! bytes per band per unique paragraph), the unique paragraphs' records (48 bytes each)
//! and their fact keys. With a budget
//! ([`crate::config::Config::memory_budget`]) they are written to an unlinked temporary
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

use bytemuck::Pod;
use memmap2::MmapMut;

use crate::error::{Error, Result};

/// A growable column of `T` (see the module documentation).
#[derive(Debug)]
pub struct Column<T: Pod = u32> {
    inner: Inner<T>,
}

impl<T: Pod> Default for Column<T> {
    fn default() -> Self {
        Column { inner: Inner::Empty }
    }
}

#[derive(Debug)]
enum Inner<T> {
    Empty,
    Heap(Vec<T>),
    Mapped(Mapped),
}

#[derive(Debug)]
struct Mapped {
    file: File,
    path: PathBuf,
    map: MmapMut,
    /// Values in use (the file is larger: capacity).
    len: usize,
    /// Whether the file's blocks are allocated up to the map's length, so that writes
    /// through the map cannot fail for want of space.
    allocated: bool,
}

impl<T: Pod> Column<T> {
    const SIZE: usize = std::mem::size_of::<T>();

    /// A heap column.
    pub fn heap(v: Vec<T>) -> Column<T> {
        Column { inner: Inner::Heap(v) }
    }

    /// An empty column in a file-backed map in folder `dir`.
    pub fn spilled(dir: &Path) -> Result<Column<T>> {
        let file = tempfile::tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
        let mut m = Mapped {
            map: map(&file, dir, 0)?,
            file,
            path: dir.to_path_buf(),
            len: 0,
            allocated: false,
        };
        m.reserve((1 << 22) / Self::SIZE, Self::SIZE)?;
        Ok(Column { inner: Inner::Mapped(m) })
    }

    /// An empty column: on the heap, or in a file-backed map in `spill` if given.
    pub fn new_in(spill: Option<&Path>) -> Result<Column<T>> {
        match spill {
            None => Ok(Column::heap(Vec::new())),
            Some(dir) => Column::spilled(dir),
        }
    }

    /// A column of `n` zeros: on the heap, or in a file-backed map in `spill` if given.
    pub fn zeroed(n: usize, spill: Option<&Path>) -> Result<Column<T>> {
        match spill {
            None => Ok(Column::heap(vec![T::zeroed(); n])),
            Some(dir) => {
                let mut c = Column::spilled(dir)?;
                if let Inner::Mapped(m) = &mut c.inner {
                    m.reserve(n, Self::SIZE)?;
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
            Inner::Heap(v) => v.capacity() * Self::SIZE,
            _ => 0,
        }
    }

    /// The values.
    pub fn as_slice(&self) -> &[T] {
        match &self.inner {
            Inner::Empty => &[],
            Inner::Heap(v) => v,
            // The map starts on a page boundary, so any `T` is aligned in it.
            Inner::Mapped(m) => bytemuck::cast_slice(&m.map[..m.len * Self::SIZE]),
        }
    }

    /// The values, writable, for a heap column; `None` for a mapped one (write it with
    /// [`Column::write_at`], whose errors — a full disk — are reported rather than raised
    /// as a fault on a mapped page).
    pub fn heap_mut(&mut self) -> Option<&mut [T]> {
        match &mut self.inner {
            Inner::Heap(v) => Some(v),
            _ => None,
        }
    }

    /// Writes `values` at position `at` of a mapped column (`at + values.len()` within its
    /// length); safe to call from several threads on disjoint ranges.
    pub fn write_at(&self, at: usize, values: &[T]) -> Result<()> {
        match &self.inner {
            Inner::Mapped(m) if at + values.len() <= m.len => {
                write_all_at(&m.file, bytemuck::cast_slice(values), (at * Self::SIZE) as u64)
                    .map_err(|e| Error::io(&m.path, e))
            }
            _ => Err(Error::io(
                Path::new("<spill>"),
                std::io::Error::other("write_at outside a mapped column"),
            )),
        }
    }

    /// Appends `values`.
    pub fn extend_from_slice(&mut self, values: &[T]) -> Result<()> {
        match &mut self.inner {
            Inner::Empty => self.inner = Inner::Heap(values.to_vec()),
            Inner::Heap(v) => v.extend_from_slice(values),
            Inner::Mapped(m) => {
                m.reserve(m.len + values.len(), Self::SIZE)?;
                let at = m.len * Self::SIZE;
                let bytes: &[u8] = bytemuck::cast_slice(values);
                if m.allocated {
                    // The file's blocks are reserved (see `Mapped::reserve`), so writing
                    // through the map cannot fault on a full disk: a copy, not a system
                    // call per append (the store appends three times per paragraph).
                    m.map[at..at + bytes.len()].copy_from_slice(bytes);
                } else {
                    // Written through the file: a full disk is an error here rather than
                    // a fault on a mapped page later.
                    write_all_at(&m.file, bytes, at as u64).map_err(|e| Error::io(&m.path, e))?;
                }
                m.len += values.len();
            }
        }
        Ok(())
    }

    /// Appends one value.
    pub fn push(&mut self, value: T) -> Result<()> {
        match &mut self.inner {
            Inner::Heap(v) => {
                v.push(value);
                Ok(())
            }
            _ => self.extend_from_slice(std::slice::from_ref(&value)),
        }
    }

    /// Replaces the value at `at` (which must exist).
    pub fn set(&mut self, at: usize, value: T) -> Result<()> {
        match self.heap_mut() {
            Some(v) => {
                if let Some(slot) = v.get_mut(at) {
                    *slot = value;
                }
                Ok(())
            }
            None => self.write_at(at, std::slice::from_ref(&value)),
        }
    }

    /// Hands the pages of a mapped column back to the operating system (a no-op on the
    /// heap). The values stay readable: they are read back from the page cache or file.
    pub fn release(&self) {
        if let Inner::Mapped(m) = &self.inner {
            m.release(0..m.len * Self::SIZE);
        }
    }

    /// Like [`Column::release`], for the values in `range` only.
    pub fn release_range(&self, range: std::ops::Range<usize>) {
        if let Inner::Mapped(m) = &self.inner {
            let end = range.end.min(m.len);
            m.release(range.start.min(end) * Self::SIZE..end * Self::SIZE);
        }
    }
}

impl<T: Pod> std::ops::Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
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

/// Reserves the blocks of bytes `from..to` of `file` (Linux: `posix_fallocate`). `Ok(true)`
/// when they are reserved; `Ok(false)` where the system cannot say (appends then go
/// through `pwrite`); an error when the disk is full.
#[cfg(target_os = "linux")]
fn allocate(file: &File, from: usize, to: usize, dir: &Path) -> Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain system call on an open descriptor this process owns.
    let rc = unsafe {
        libc::posix_fallocate(file.as_raw_fd(), from as libc::off_t, (to - from) as libc::off_t)
    };
    match rc {
        0 => Ok(true),
        libc::EOPNOTSUPP | libc::EINVAL => Ok(false),
        e => Err(Error::io(dir, std::io::Error::from_raw_os_error(e))),
    }
}

#[cfg(not(target_os = "linux"))]
fn allocate(_file: &File, _from: usize, _to: usize, _dir: &Path) -> Result<bool> {
    Ok(false)
}

fn map(file: &File, dir: &Path, bytes: usize) -> Result<MmapMut> {
    file.set_len(bytes as u64).map_err(|e| Error::io(dir, e))?;
    // SAFETY: the file is private to this process (created unlinked by `tempfile_in`), so
    // nothing else can truncate or modify it while it is mapped.
    unsafe { MmapMut::map_mut(file) }.map_err(|e| Error::io(dir, e))
}

impl Mapped {
    /// Makes room for `n` values of `size` bytes, doubling the file (sparse) and mapping
    /// it again.
    fn reserve(&mut self, n: usize, size: usize) -> Result<()> {
        if n * size <= self.map.len() {
            return Ok(());
        }
        let bytes = (n * size).max(self.map.len() * 2).max(4096);
        let old = self.map.len();
        self.map = map(&self.file, &self.path, bytes)?;
        self.allocated = allocate(&self.file, old, bytes, &self.path)?;
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
    fn columns_of_records_round_trip_on_the_heap_and_spilled() {
        let dir = tempfile::tempdir().expect("temp dir");
        for spill in [None, Some(dir.path())] {
            let mut c: Column<[u64; 6]> = Column::new_in(spill).expect("column");
            assert_eq!(c.is_spilled(), spill.is_some());
            for i in 0..200_000u64 {
                c.push([i, 2 * i, 3 * i, 4 * i, 5 * i, 6 * i]).expect("push");
                if i % 50_000 == 0 {
                    c.release();
                }
            }
            c.set(77_777, [1; 6]).expect("set");
            c.release();
            assert_eq!(c.len(), 200_000);
            assert_eq!(c[77_777], [1; 6]);
            assert_eq!(c[199_999][5], 199_999 * 6);
            assert_eq!(c[12_345], [12_345, 24_690, 37_035, 49_380, 61_725, 74_070]);
        }
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
