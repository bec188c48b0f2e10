//! A live index: one index folder answering many concurrent queries while additions
//! commit one at a time — what a long-running service (`wirematch serve`) holds.
//!
//! A query takes the current *generation* ([`LiveIndex::current`]: one data file,
//! memory-mapped, behind an `Arc`) and queries it ([`Index::query`]) to the end,
//! whatever commits meanwhile. An addition rebuilds the
//! index from the stored documents plus the new ones ([`add`], the same code as `wirematch
//! index add`) and commits it atomically (data file, then manifest); the next query sees
//! it. A generation committed by another process (`wirematch index add` on the same
//! folder) is picked up too: `current` reads the manifest (a few hundred bytes) and
//! reopens the index when it names another data file. A data file removed by a commit
//! stays readable by the queries that have it mapped.
//!
//! Additions are serialised twice: within the process by a mutex, across processes by
//! the index's [`WriteLock`]. Either way an addition waits for the one before it and adds
//! onto what that one wrote.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use super::format::read_manifest;
use super::{Index, WriteLock};
use crate::corpus::Input;
use crate::error::Result;
use crate::pipeline::{Detector, MatchRun, Observer};

/// An index folder shared by concurrent queries and serialised additions.
#[derive(Debug)]
pub struct LiveIndex {
    dir: PathBuf,
    detector: Detector,
    current: RwLock<Arc<Index>>,
    adding: Mutex<()>,
    /// Held while a new generation is opened: opening maps the whole data file and checks
    /// every section, so the requests that notice a commit wait for one open instead of
    /// each doing their own.
    reopening: Mutex<()>,
}

/// The result of one addition.
#[derive(Debug)]
pub struct Added {
    /// The run over the stored documents and the new ones that the index was rebuilt
    /// from (its store holds every document).
    pub run: MatchRun,
    /// Documents stored before the addition.
    pub before: usize,
    /// The new data file.
    pub data: PathBuf,
    /// The generation it committed.
    pub generation: u64,
}

impl Added {
    /// Documents the addition stored (new ids; ids already stored are skipped).
    pub fn added(&self) -> usize {
        self.run.store.docs.len() - self.before
    }
}

impl LiveIndex {
    /// Opens the index in `dir` for queries and additions with `detector`, whose settings
    /// must be the index's (see [`Index::check_config`]).
    pub fn open(dir: &Path, detector: Detector) -> Result<LiveIndex> {
        let index = Index::open(dir)?;
        index.check_config(detector.config())?;
        Ok(LiveIndex {
            dir: dir.to_path_buf(),
            detector,
            current: RwLock::new(Arc::new(index)),
            adding: Mutex::new(()),
            reopening: Mutex::new(()),
        })
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The detector queries and additions run with.
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    /// The current generation, reopened first if the manifest names another data file
    /// than the one held (a commit by another process, or the folder replaced by another
    /// index: same file name, another header checksum).
    pub fn current(&self) -> Result<Arc<Index>> {
        let held = self.held();
        if names(&read_manifest(&self.dir)?, &held) {
            return Ok(held);
        }
        let _one = self.reopening.lock().unwrap_or_else(|p| p.into_inner());
        // Another request may have opened it while this one waited.
        let held = self.held();
        if names(&read_manifest(&self.dir)?, &held) {
            return Ok(held);
        }
        let index = Arc::new(Index::open(&self.dir)?);
        index.check_config(self.detector.config())?;
        self.install(Arc::clone(&index));
        Ok(index)
    }

    /// The generation held, without looking at the manifest.
    pub fn held(&self) -> Arc<Index> {
        // A poisoned lock only means a thread panicked while swapping an `Arc`: the value
        // in it is whole either way.
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Makes `index` current if the manifest still names its data file. The manifest is
    /// the truth, not the generation number: a folder replaced by another index (copied
    /// over, restored from a backup) may count from 1 again, and comparing numbers would
    /// leave every later query reopening it. Checking the manifest keeps a slow thread
    /// from installing a generation a commit has already replaced.
    fn install(&self, index: Arc<Index>) {
        // The manifest is read under the write guard: a commit between reading it and
        // installing cannot leave an outdated generation installed.
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if read_manifest(&self.dir).is_ok_and(|m| names(&m, &index)) {
            *current = index;
        }
    }

    /// Adds the documents of `inputs` (see [`add`]; `names` as there) and makes the new
    /// generation current. Waits for an addition in progress, in this process or another,
    /// to commit first. The locks are taken on the calling thread, which must not be a
    /// worker of a rayon pool, and only the work runs on `pool`: a pool worker waiting for
    /// a lock could be the one that, blocked in a join of the addition holding it, stole
    /// this one.
    pub fn add(
        &self,
        pool: &rayon::ThreadPool,
        inputs: &[Input],
        names: Option<&[String]>,
        obs: &dyn Observer,
    ) -> Result<Added> {
        debug_assert!(rayon::current_thread_index().is_none(), "locks taken inside a pool");
        let _serial = self.adding.lock().unwrap_or_else(|p| p.into_inner());
        let lock = WriteLock::acquire(&self.dir, || {
            log::warn!("{}: another process is writing this index; waiting", self.dir.display())
        })?;
        let added = pool.install(|| add(lock, &self.detector, inputs, names, obs))?;
        // Committed: failing to open it now is not failing to add (the next request opens
        // whatever the manifest names). Opening verifies every checksum, in parallel: on
        // the pool too. A request that noticed the commit first may have opened it already.
        let _one = self.reopening.lock().unwrap_or_else(|p| p.into_inner());
        if !read_manifest(&self.dir).is_ok_and(|m| self::names(&m, &self.held())) {
            match pool.install(|| Index::open(&self.dir)) {
                Ok(index) => self.install(Arc::new(index)),
                Err(e) => log::warn!("{}: added, but reopening failed: {e}", self.dir.display()),
            }
        }
        Ok(added)
    }
}

/// Whether `manifest` names the data file `index` has open.
fn names(manifest: &super::format::Manifest, index: &Index) -> bool {
    index.path().file_name().and_then(|n| n.to_str()) == Some(manifest.data.as_str())
        && index.header_checksum() == manifest.header_checksum
}

/// Adds the documents of `inputs` to the index in the folder `lock` holds: the index is
/// rebuilt from its stored documents (not read from the original inputs again) followed
/// by the new ones, as one run over everything, and committed atomically. `detector` must
/// run with the index's settings; ids already stored are reported to `obs` and skipped,
/// like a repeated id in `match`. `names`, one per input, are what the index records as
/// those inputs' paths (for locations in later messages) instead of the paths read: a
/// service reads request bodies from temporary files that will be gone.
pub fn add(
    lock: WriteLock,
    detector: &Detector,
    inputs: &[Input],
    names: Option<&[String]>,
    obs: &dyn Observer,
) -> Result<Added> {
    let index = Index::open(lock.dir())?;
    index.check_config(detector.config())?;
    let base = index.load_store()?;
    let before = base.0.docs.len();
    let mut run = detector.run_onto(Some(base), inputs, obs)?;
    if let Some(names) = names {
        let first = run.store.inputs.len().saturating_sub(inputs.len());
        for (path, name) in run.store.inputs[first..].iter_mut().zip(names) {
            *path = PathBuf::from(name);
        }
    }
    // The old data file stays mapped until the new one is in place.
    let data = super::build::write(lock, detector, &run)?;
    drop(index);
    // Committed: nothing after this point may fail the addition.
    let generation = super::format::generation_of(&data).unwrap_or(0);
    Ok(Added { run, before, data, generation })
}
