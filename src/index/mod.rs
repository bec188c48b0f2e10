//! A persistent index: a matched corpus stored on disk, to ask "is this new article wire
//! copy, and whose?" without reading and matching the corpus again.
//!
//! | module | concept |
//! |---|---|
//! | [`format`](mod@format) | the files: header, checksummed sections, manifest, memory map |
//! | [`build`] | a finished [`MatchRun`] → an index directory |
//! | `stored` | stored documents read back as the fingerprints the run computed |
//! | [`query`] | new articles against the index, by the rules of a full run |
//! | [`live`] | one index folder shared by concurrent queries and serialised additions |
//! | [`translations`] | stored articles in other languages a new article may translate |
//!
//! An index is the run's store frozen (documents, texts, paragraphs, unique paragraphs with
//! shingle sets and fact keys, outlet templates) plus lookup tables (LSH band keys,
//! content keys, occurrences, ids) and the graph of evident matches. Adding documents
//! rebuilds it from the stored fingerprints and the new documents (no original input is
//! read again), so templates and the match graph are those of a run over everything.
//!
//! A query finds same-language reuse (copy, partial, rewrite) by replaying the full run's
//! rules on the pairs with a new article, and translated copy by handing the new articles
//! and the stored articles in other languages that share anchors with them to the
//! translation stage ([`translations`]).

pub mod build;
pub mod format;
pub mod live;
pub mod lock;
pub mod query;
mod stored;
pub mod translations;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::config::Config;
use crate::error::{Error, IndexProblem, Location, Result};
use crate::pipeline::MatchRun;
use crate::store::Store;
use format::{DataFile, Header, Section};

pub use query::read_documents;

/// An opened, verified index.
#[derive(Debug)]
pub struct Index {
    data: DataFile,
    config: Config,
    inputs: Vec<PathBuf>,
    /// Outlet names → their index in the stored corpus.
    outlets: ahash::AHashMap<String, u32>,
    /// The stored trigram frequencies, once a query has needed them.
    trigrams: std::sync::OnceLock<Option<std::sync::Arc<crate::translate::embed::TrigramEmbedder>>>,
}

impl Index {
    /// Opens the index in `dir`, verifying its magic number, format version and every
    /// checksum. Use [`Index::check_config`] before querying with a configuration of yours.
    pub fn open(dir: &Path) -> Result<Index> {
        let data = DataFile::open(dir)?;
        let config: Config = serde_json::from_slice(data.bytes(Section::Config))
            .map_err(|e| data.malformed(Section::Config, e.to_string()))?;
        let inputs: Vec<String> = serde_json::from_slice(data.bytes(Section::Inputs))
            .map_err(|e| data.malformed(Section::Inputs, e.to_string()))?;
        let outlets: Vec<String> = serde_json::from_slice(data.bytes(Section::Outlets))
            .map_err(|e| data.malformed(Section::Outlets, e.to_string()))?;
        let outlets = outlets.into_iter().enumerate().map(|(i, o)| (o, i as u32)).collect();
        let inputs = inputs.into_iter().map(PathBuf::from).collect();
        let index = Index { config, inputs, outlets, data, trigrams: std::sync::OnceLock::new() };
        index.check_config(&index.config.clone())?;
        Ok(index)
    }

    /// Refuses `config` if it differs from the index's in anything that shaped the stored
    /// data: the header's parameters (shingle size, permutations, seed, bands, rows,
    /// threshold, fingerprint version), then every other matching setting. Translation
    /// settings are free (queries do not look for translations).
    pub fn check_config(&self, config: &Config) -> Result<()> {
        let refuse = |problem| Error::Index { path: self.data.path.clone(), problem };
        let run = Header::for_config(config, 0, 0, 0)?;
        self.data.header.check_against(&run).map_err(refuse)?;
        let strip = |c: &Config| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| !k.starts_with("translation"));
            }
            v
        };
        let (mine, theirs) = (strip(&self.config), strip(config));
        if let (Some(m), Some(t)) = (mine.as_object(), theirs.as_object()) {
            for (k, v) in t {
                if m.get(k) != Some(v) {
                    return Err(refuse(IndexProblem::Parameter {
                        name: "setting",
                        expected: format!("{k} = {v}"),
                        found: format!("{k} = {}", m.get(k).cloned().unwrap_or_default()),
                    }));
                }
            }
        }
        Ok(())
    }

    /// The configuration the index was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The header (parameters and counts).
    pub fn header(&self) -> &Header {
        &self.data.header
    }

    /// Path of the data file.
    pub fn path(&self) -> &Path {
        &self.data.path
    }

    /// The generation of the data file (each commit writes the next; 0 for a data file
    /// not named by an index writer).
    pub fn generation(&self) -> u64 {
        format::generation_of(&self.data.path).unwrap_or(0)
    }

    /// The checksum of the data file's header, as its manifest names it.
    pub fn header_checksum(&self) -> &str {
        &self.data.checksum
    }

    /// Number of stored documents.
    pub fn len(&self) -> usize {
        self.data.header.docs as usize
    }

    /// Whether no document is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn docs(&self) -> stored::Docs<'_> {
        stored::Docs { data: &self.data, inputs: &self.inputs }
    }

    /// The stored corpus as a store (before outlet templates are learned) with every
    /// document's text: the run that built the index, ready to be continued with
    /// [`crate::Detector::run_onto`].
    pub fn load_store(&self) -> Result<(Store, Vec<Option<String>>)> {
        let docs = self.docs();
        let loaded: Vec<stored::Loaded<'_>> =
            (0..self.len() as u32).into_par_iter().map(|d| docs.load(d)).collect::<Result<_>>()?;
        let mut store = Store::new(self.inputs.clone());
        let mut texts = Vec::with_capacity(loaded.len());
        for l in loaded {
            let doc = l.record.document();
            store
                .add(&doc, l.fingerprint, l.source, &l.location)
                .map_err(|p| self.data.malformed(Section::Docs, format!("{}: {p}", l.location)))?;
            texts.push(Some(l.record.text.into_owned()));
        }
        // The furniture the rules set aside in the stored documents (their paragraphs are
        // not stored), for the boilerplate vocabulary of a run continued from here.
        let counts = self.data.u64s(Section::FurnitureCounts);
        let keys = self.data.u64s(Section::FurnitureKeys);
        store.restore_furniture(
            (0..counts.len())
                .filter_map(|i| counts.get(i))
                .map(|x| ((x >> 32) as u32, x as u32))
                .collect(),
            (0..keys.len()).filter_map(|i| keys.get(i)).collect(),
        );
        Ok((store, texts))
    }

    /// Where the stored document with id `id` was read from, if there is one.
    pub fn find_id(&self, id: &str) -> Result<Option<(u32, Location)>> {
        let ids = self.data.u64s(Section::Ids);
        let n = ids.len() / 2;
        let h = xxh3_64(id.as_bytes());
        let mut lo = ids.lower_bound_rows(0, n, 2, h);
        let docs = self.docs();
        while lo < n && ids.get(2 * lo) == Some(h) {
            let d = ids.get(2 * lo + 1).unwrap_or(u64::MAX) as u32;
            let rec = docs.record(d)?;
            if rec.id == id {
                let path = self.inputs.get(rec.input as usize).cloned().unwrap_or_default();
                return Ok(Some((d, Location { path, line: rec.line })));
            }
            lo += 1;
        }
        Ok(None)
    }
}

/// Builds an index of `run` in `dir`, waiting for any other writer of that folder to
/// finish first: see [`build::write`].
pub fn write(dir: &Path, detector: &crate::Detector, run: &MatchRun) -> Result<PathBuf> {
    let lock = lock::WriteLock::create(dir, || {
        log::warn!("{}: another process is writing this index; waiting", dir.display())
    })?;
    build::write(lock, detector, run)
}

pub use lock::WriteLock;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_can_be_shared_between_threads() {
        fn check<T: Send + Sync + std::panic::UnwindSafe>() {}
        check::<Index>();
        check::<format::Header>();
        check::<IndexProblem>();
    }

    #[test]
    fn a_folder_without_an_index_is_refused_with_a_typed_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = Index::open(dir.path()).expect_err("no index");
        assert!(
            matches!(&e, Error::Index { problem: IndexProblem::Missing(_), path } if path.ends_with("manifest.json")),
            "{e}"
        );
    }
}
