//! The on-disk format: one data file of checksummed sections behind a fixed header, and a
//! manifest naming it.
//!
//! ```text
//! DIR/manifest.json        {"format":"wirematch-index","version":1,"data":"index-1.wmi",
//!                           "header_checksum":"<xxh3-64 of the data file's header, hex>"}
//! DIR/index-<n>.wmi        header | section 0 | section 1 | …   (each section 16-byte aligned)
//!
//! header  magic "WMINDEX\x1a" · format version u32 · fingerprint version u32
//!         shingle size u32 · permutations u32 · seed u64 · bands u32 · rows u32
//!         threshold f64 · documents u64 · paragraphs u64 · unique paragraphs u64
//!         signed paragraphs u64 · section count u32 · band key bits u32 (32 or 48)
//!         per section: offset u64 · length u64 · xxh3-64 u64
//!         xxh3-64 of all the header bytes before it
//! ```
//!
//! Everything is little-endian and read in place from a memory map through [`U32s`] and
//! [`U64s`] (safe byte reads, no alignment or endianness assumptions). The data file is
//! written to a temporary name and renamed, then the manifest is replaced the same way:
//! a crash leaves the previous index whole, and a reader never sees half of a new one.
//! On open every checksum is verified, so a changed byte anywhere is refused with the file
//! and the section named.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use crate::config::Config;
use crate::error::{Error, IndexProblem, Result};

/// First bytes of every data file.
pub const MAGIC: [u8; 8] = *b"WMINDEX\x1a";
/// Version of this layout; bumped on any change to it.
pub const FORMAT_VERSION: u32 = 6;
/// Name of the manifest in an index directory.
pub const MANIFEST: &str = "manifest.json";

/// The sections of a data file, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Section {
    /// The full [`Config`] as JSON.
    Config,
    /// Input paths the documents were read from (JSON array), for locations.
    Inputs,
    /// Outlet names (JSON array).
    Outlets,
    /// One JSON record per document: metadata and text.
    Docs,
    /// `u64 × (docs + 1)`: offsets of each document's record in [`Section::Docs`].
    DocOffsets,
    /// `u32 × (docs + 1)`: each document's first paragraph.
    DocParagraphs,
    /// `u32 × 6` per paragraph: start, length, tokens, unique, kind, language.
    Paragraphs,
    /// `u64 × 2` per unique paragraph: content key (low, high).
    UniqueKeys,
    /// `u32 × 2` per unique paragraph: tokens, flags ([`crate::store::Unique::flags`]:
    /// template, recurring).
    UniqueInfo,
    /// `u64 × (uniques + 1)`: offsets into [`Section::Shingles`].
    ShingleOffsets,
    /// Sorted shingle sets of unique paragraphs, concatenated (`u32`).
    Shingles,
    /// `u64 × (uniques + 1)`: offsets into [`Section::Facts`].
    FactOffsets,
    /// Fact keys (numbers, names) of unique paragraphs, concatenated (`u32`).
    Facts,
    /// `u32` per unique paragraph: unique ids in content-key order (exact lookup).
    KeyOrder,
    /// `u32 × (uniques + 1)`: offsets into [`Section::Occurrences`].
    OccurrenceOffsets,
    /// Sorted distinct documents carrying each unique paragraph as body text (`u32`).
    Occurrences,
    /// Per band, the signed paragraphs' `band key << 32 | unique` (`u64`, the key's low 32
    /// bits), sorted.
    Bands,
    /// With 48-bit band keys ([`Header::key_bits`]), the 16-bit check of each row of
    /// [`Section::Bands`] (`u16`, same order); empty with 32-bit keys.
    BandChecks,
    /// `u64 × 2` per document, sorted: xxh3-64 of the id, document.
    Ids,
    /// `u32 × (docs + 1)`: offsets into [`Section::Adjacency`] (in entries).
    AdjacencyOffsets,
    /// `u32 × 4` per evident match end: other document, round, paragraph offset, count.
    Adjacency,
    /// The document's own aligned paragraph indices of each adjacency entry (`u32`).
    AdjacencyParagraphs,
    /// Outlet-template evidence of paragraphs that are not templates: `u64 × 2` per
    /// distinct (unique, outlet, context), sorted: `unique << 32 | outlet`, context.
    TemplateRows,
    /// `u64 × 3` per document: language (packed code, see [`crate::lang::Lang`]), and the
    /// bounds of its publication time in seconds (`i64`; `i64::MIN, i64::MAX` undated).
    DocInfo,
    /// Cross-language anchors of each document's body text ([`crate::anchors::cross`]):
    /// `anchor << 32 | document` (`u64`), one block per document language, each sorted
    /// and distinct. Translation queries look up stored articles in other languages
    /// through it, reading only the blocks of the languages they look for.
    AnchorDocs,
    /// `u64 × 3` per block of [`Section::AnchorDocs`], by language: language (packed
    /// code), first row, end row.
    AnchorBlocks,
    /// Each document's best translation partner per language in the stored run, for the
    /// best-partner rule of translation queries: `u64 × 2` per (document, language),
    /// sorted: `document << 32 | language`, `score bits << 32 | partner`.
    TranslationBest,
    /// The name of the embedder that scored [`Section::TranslationBest`] (JSON string;
    /// empty when the run found no translation).
    TranslationEmbedder,
    /// Shingles the run found recurring across news cycles ([`crate::recurring`]), sorted
    /// (`u32`): no evidence of reuse in queries either.
    Recurring,
    /// `u64 × (uniques + 1)`: offsets into [`Section::Words`].
    WordOffsets,
    /// Distinct words of unique paragraphs ([`crate::vocabulary::word_set`]), concatenated
    /// (`u32`).
    Words,
    /// Words of the distinct paragraphs the rules set aside: `word << 32 | count` (`u64`),
    /// sorted; then [`Section::FurnitureKeys`], the keys of those paragraphs' word sets.
    FurnitureCounts,
    /// See [`Section::FurnitureCounts`] (`u64`, sorted).
    FurnitureKeys,
    /// The run's boilerplate vocabulary ([`crate::vocabulary`]): the log-odds of unseen
    /// words (`f32` bits), then `word << 32 | log-odds bits` (`u64`) sorted; empty when
    /// none was learned.
    Vocabulary,
    /// Trigram frequencies over the distinct body paragraphs of the stored documents in a
    /// known language ([`crate::translate::embed::TrigramEmbedder::to_rows`]; always
    /// written). A query's trigram embedder starts from them and adds its own new
    /// paragraphs, as a full run over both would count them.
    TrigramFrequencies,
}

impl Section {
    /// Every section, in file order.
    pub const ALL: [Section; 35] = [
        Section::Config,
        Section::Inputs,
        Section::Outlets,
        Section::Docs,
        Section::DocOffsets,
        Section::DocParagraphs,
        Section::Paragraphs,
        Section::UniqueKeys,
        Section::UniqueInfo,
        Section::ShingleOffsets,
        Section::Shingles,
        Section::FactOffsets,
        Section::Facts,
        Section::KeyOrder,
        Section::OccurrenceOffsets,
        Section::Occurrences,
        Section::Bands,
        Section::BandChecks,
        Section::Ids,
        Section::AdjacencyOffsets,
        Section::Adjacency,
        Section::AdjacencyParagraphs,
        Section::TemplateRows,
        Section::DocInfo,
        Section::AnchorDocs,
        Section::AnchorBlocks,
        Section::TranslationBest,
        Section::TranslationEmbedder,
        Section::Recurring,
        Section::WordOffsets,
        Section::Words,
        Section::FurnitureCounts,
        Section::FurnitureKeys,
        Section::Vocabulary,
        Section::TrigramFrequencies,
    ];

    /// Name used in error messages.
    pub fn name(self) -> &'static str {
        [
            "config",
            "inputs",
            "outlets",
            "documents",
            "document offsets",
            "document paragraphs",
            "paragraphs",
            "unique keys",
            "unique info",
            "shingle offsets",
            "shingles",
            "fact offsets",
            "facts",
            "key order",
            "occurrence offsets",
            "occurrences",
            "bands",
            "band checks",
            "ids",
            "adjacency offsets",
            "adjacency",
            "adjacency paragraphs",
            "template rows",
            "document info",
            "anchor documents",
            "anchor blocks",
            "translation best",
            "translation embedder",
            "recurring shingles",
            "word offsets",
            "words",
            "furniture counts",
            "furniture keys",
            "vocabulary",
            "trigram frequencies",
        ][self as usize]
    }
}

/// The fixed fields of a header: what a reader checks before using anything.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    /// [`FORMAT_VERSION`] of the writer.
    pub version: u32,
    /// [`crate::fingerprint::FINGERPRINT_VERSION`] of the writer.
    pub fingerprint_version: u32,
    /// Words per shingle.
    pub shingle_size: u32,
    /// MinHash permutations.
    pub num_perm: u32,
    /// Seed of shingle hashing and MinHash.
    pub seed: u64,
    /// LSH bands.
    pub bands: u32,
    /// LSH rows per band.
    pub rows: u32,
    /// Paragraph similarity threshold.
    pub threshold: f64,
    /// Documents stored.
    pub docs: u64,
    /// Paragraphs stored.
    pub paragraphs: u64,
    /// Unique paragraphs stored.
    pub uniques: u64,
    /// Unique paragraphs in the band tables.
    pub signed: u64,
    /// Bits of each band key in the band tables (32 or 48, see [`crate::lsh::KeyWidth`]).
    pub key_bits: u32,
}

const FIXED: usize = 8 + 4 * 6 + 8 + 8 + 8 * 4;

impl Header {
    /// The header a run with `config` (and its chosen bands × rows) would write.
    pub fn for_config(config: &Config, docs: u64, paragraphs: u64, uniques: u64) -> Result<Self> {
        let lsh = config.lsh_params()?;
        Ok(Header {
            version: FORMAT_VERSION,
            fingerprint_version: crate::fingerprint::FINGERPRINT_VERSION,
            shingle_size: config.shingle_size as u32,
            num_perm: config.num_perm as u32,
            seed: config.seed,
            bands: lsh.bands as u32,
            rows: lsh.rows as u32,
            threshold: config.threshold,
            docs,
            paragraphs,
            uniques,
            signed: 0,
            key_bits: 32,
        })
    }

    /// The first parameter that differs from `run`'s, as a refusal.
    pub fn check_against(&self, run: &Header) -> std::result::Result<(), IndexProblem> {
        let p = |name: &'static str, expected: String, found: String| {
            Err(IndexProblem::Parameter { name, expected, found })
        };
        if self.fingerprint_version != run.fingerprint_version {
            return p(
                "fingerprint (normaliser) version",
                run.fingerprint_version.to_string(),
                self.fingerprint_version.to_string(),
            );
        }
        macro_rules! same {
            ($f:ident, $name:literal) => {
                if self.$f != run.$f {
                    return p($name, run.$f.to_string(), self.$f.to_string());
                }
            };
        }
        same!(shingle_size, "shingle size");
        same!(num_perm, "permutations");
        same!(seed, "seed");
        same!(bands, "bands");
        same!(rows, "rows");
        same!(threshold, "threshold");
        Ok(())
    }
}

/// Streams a data file: a zeroed header first, then each section, checksummed as it is
/// written, and at the end the header over the zeros. Only one section at a time needs
/// to be in memory.
pub struct SectionWriter<'w> {
    out: &'w mut dyn crate::atomic::WriteSeek,
    path: PathBuf,
    at: u64,
    table: Vec<(u64, u64, u64)>,
}

impl std::fmt::Debug for SectionWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SectionWriter").field("at", &self.at).field("table", &self.table).finish()
    }
}

/// Bytes of a header with every section's table entry.
fn header_len() -> usize {
    FIXED + 8 + Section::ALL.len() * 24 + 8
}

impl<'w> SectionWriter<'w> {
    fn new(out: &'w mut dyn crate::atomic::WriteSeek, path: &Path) -> std::io::Result<Self> {
        out.write_all(&vec![0u8; header_len()])?;
        Ok(SectionWriter { out, path: path.into(), at: header_len() as u64, table: Vec::new() })
    }

    /// Writes the next section (sections come in [`Section::ALL`] order) from pieces
    /// that are concatenated.
    pub fn section<B: AsRef<[u8]>>(&mut self, pieces: impl IntoIterator<Item = B>) -> Result<()> {
        let io = |e| Error::io(&self.path, e);
        let pad = align16(self.at) - self.at;
        self.out.write_all(&[0u8; 16][..pad as usize]).map_err(io)?;
        let start = self.at + pad;
        let mut hash = xxhash_rust::xxh3::Xxh3::new();
        let mut len = 0u64;
        for p in pieces {
            let p = p.as_ref();
            hash.update(p);
            self.out.write_all(p).map_err(|e| Error::io(&self.path, e))?;
            len += p.len() as u64;
        }
        self.table.push((start, len, hash.digest()));
        self.at = start + len;
        Ok(())
    }

    /// Writes the next section from one buffer.
    pub fn push(&mut self, bytes: &[u8]) -> Result<()> {
        self.section([bytes])
    }

    /// Writes the header; returns its checksum.
    fn finish(self, header: &Header) -> std::io::Result<u64> {
        if self.table.len() != Section::ALL.len() {
            return Err(std::io::Error::other(format!(
                "{} sections written, the format has {}",
                self.table.len(),
                Section::ALL.len()
            )));
        }
        let mut head = Vec::with_capacity(header_len());
        head.extend_from_slice(&MAGIC);
        for v in [header.version, header.fingerprint_version, header.shingle_size, header.num_perm]
        {
            head.extend_from_slice(&v.to_le_bytes());
        }
        head.extend_from_slice(&header.seed.to_le_bytes());
        head.extend_from_slice(&header.bands.to_le_bytes());
        head.extend_from_slice(&header.rows.to_le_bytes());
        head.extend_from_slice(&header.threshold.to_le_bytes());
        for v in [header.docs, header.paragraphs, header.uniques, header.signed] {
            head.extend_from_slice(&v.to_le_bytes());
        }
        head.extend_from_slice(&(self.table.len() as u32).to_le_bytes());
        head.extend_from_slice(&header.key_bits.to_le_bytes());
        for &(start, len, sum) in &self.table {
            for v in [start, len, sum] {
                head.extend_from_slice(&v.to_le_bytes());
            }
        }
        let sum = xxh3_64(&head);
        head.extend_from_slice(&sum.to_le_bytes());
        self.out.seek(std::io::SeekFrom::Start(0))?;
        self.out.write_all(&head)?;
        self.out.seek(std::io::SeekFrom::End(0))?;
        Ok(sum)
    }
}

fn align16(x: u64) -> u64 {
    x.div_ceil(16) * 16
}

/// The manifest: which data file is the index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Always `wirematch-index`.
    pub format: String,
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// File name of the data file, in the same directory.
    pub data: String,
    /// Checksum of the data file's header, hex: ties the manifest to that exact file.
    pub header_checksum: String,
}

/// Writes a data file into the locked index folder with `fill`, which writes every
/// section and returns the header, then the manifest naming it, each atomically; removes
/// the previous data file and whatever killed writers left. Returns the data file's path.
/// On error no new file is left behind.
pub fn write_index(
    lock: super::lock::WriteLock,
    fill: impl FnOnce(&mut SectionWriter<'_>) -> Result<Header>,
) -> Result<PathBuf> {
    let dir = lock.dir().to_path_buf();
    let dir = dir.as_path();
    let previous = read_manifest(dir).ok();
    lock.clear_leftovers(previous.as_ref().map(|m| m.data.as_str()));
    let generation =
        previous.as_ref().and_then(|m| generation_of(Path::new(&m.data))).map_or(1, |g| g + 1);
    let name = format!("index-{generation}.wmi");
    let data = dir.join(&name);
    let mut sum = 0;
    let mut failure = None;
    let written = crate::atomic::write_atomically_seekable(&data, |w| {
        let mut sections = SectionWriter::new(w, &data)?;
        match fill(&mut sections) {
            Ok(header) => {
                sum = sections.finish(&header)?;
                Ok(())
            }
            Err(e) => {
                let io = std::io::Error::other(e.to_string());
                failure = Some(e);
                Err(io)
            }
        }
    });
    if let Err(e) = written {
        // Only removes the folder if this build created it and it is empty.
        lock.abandon();
        return Err(failure.unwrap_or(e));
    }
    let manifest = Manifest {
        format: "wirematch-index".into(),
        version: FORMAT_VERSION,
        data: name.clone(),
        header_checksum: format!("{sum:016x}"),
    };
    let path = dir.join(MANIFEST);
    let written = crate::atomic::write_atomically(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&data);
        lock.abandon();
        return Err(e);
    }
    if let Some(old) = previous.filter(|m| m.data != name) {
        // The new manifest is in place; the old data file is garbage now. Failing to remove
        // it wastes space but loses nothing.
        let _ = std::fs::remove_file(dir.join(old.data));
    }
    Ok(data)
}

/// The generation of a data file, from its name (`index-<generation>.wmi`): each commit
/// writes the next one.
pub fn generation_of(data: &Path) -> Option<u64> {
    let name = data.file_name()?.to_str()?;
    name.strip_prefix("index-")?.strip_suffix(".wmi")?.parse().ok()
}

/// Reads and checks the manifest of `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let bad = |problem| Error::Index { path: path.clone(), problem };
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(bad(IndexProblem::Missing(MANIFEST)));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    let m: Manifest = serde_json::from_slice(&text)
        .map_err(|e| bad(IndexProblem::Malformed { section: "manifest", detail: e.to_string() }))?;
    if m.format != "wirematch-index" {
        return Err(bad(IndexProblem::BadMagic));
    }
    if m.version != FORMAT_VERSION {
        return Err(bad(IndexProblem::Version { expected: FORMAT_VERSION, found: m.version }));
    }
    if m.data.contains(['/', '\\']) || m.data.starts_with('.') {
        return Err(bad(IndexProblem::Malformed {
            section: "manifest",
            detail: format!("data file name {:?}", m.data),
        }));
    }
    Ok(m)
}

/// Opens `path` for reading if it is a regular file. A FIFO or a device in its place
/// (opening one can block forever, or map nothing sensible) is refused without opening it
/// for more than a non-blocking moment.
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (an index data file must be one)",
        ));
    }
    Ok(file)
}

/// An opened, verified data file.
#[derive(Debug)]
pub struct DataFile {
    /// Path of the data file.
    pub path: PathBuf,
    /// Its header.
    pub header: Header,
    /// The xxh3-64 of the header (hex), as the manifest names it: tells this data file
    /// from another of the same name (an index folder replaced by another index).
    pub checksum: String,
    map: memmap2::Mmap,
    sections: Vec<(usize, usize)>,
}

impl DataFile {
    /// Opens the index in `dir`: manifest, memory map, header, every checksum.
    pub fn open(dir: &Path) -> Result<Self> {
        // A writer may replace the manifest and remove the data file it named between our
        // reading the one and opening the other: then the new manifest names a new file.
        let mut attempts = 0;
        let (manifest, path, file) = loop {
            let manifest = read_manifest(dir)?;
            let path = dir.join(&manifest.data);
            match open_regular(&path) {
                Ok(file) => break (manifest, path, file),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && attempts < 3 => {
                    attempts += 1;
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        };
        // SAFETY: the file is mapped read-only. An index is replaced by writing a new file
        // and renaming it, never modified in place, so the mapped bytes do not change under
        // us unless another program edits the file — which the checksums then report.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }
            .map_err(|e| Error::io(&path, e))?;
        let bad = |problem| Error::Index { path: path.clone(), problem };
        let (header, sections, sum) = parse_header(&map).map_err(bad)?;
        if format!("{sum:016x}") != manifest.header_checksum {
            return Err(Error::Index {
                path: dir.join(MANIFEST),
                problem: IndexProblem::Malformed {
                    section: "manifest",
                    detail: format!("it names a data file with another header ({})", manifest.data),
                },
            });
        }
        let data = DataFile { path, header, checksum: manifest.header_checksum, map, sections };
        data.verify()?;
        Ok(data)
    }

    /// Verifies every section's checksum (in parallel: a big index is hundreds of MB).
    fn verify(&self) -> Result<()> {
        use rayon::prelude::*;
        let bad = Section::ALL.par_iter().find_first(|&&s| {
            let (start, len) = self.sections[s as usize];
            let stored = self.table_checksum(s as usize);
            xxh3_64(&self.map[start..start + len]) != stored
        });
        match bad {
            Some(s) => Err(Error::Index {
                path: self.path.clone(),
                problem: IndexProblem::Checksum(s.name()),
            }),
            None => Ok(()),
        }
    }

    fn table_checksum(&self, i: usize) -> u64 {
        let at = FIXED + 8 + i * 24 + 16;
        read_u64(&self.map, at).unwrap_or(0)
    }

    /// The bytes of section `s`.
    pub fn bytes(&self, s: Section) -> &[u8] {
        let (start, len) = self.sections[s as usize];
        &self.map[start..start + len]
    }

    /// Section `s` as `u32` values.
    pub fn u32s(&self, s: Section) -> U32s<'_> {
        U32s(self.bytes(s))
    }

    /// Section `s` as `u64` values.
    pub fn u64s(&self, s: Section) -> U64s<'_> {
        U64s(self.bytes(s))
    }

    /// A refusal naming this file.
    pub fn malformed(&self, section: Section, detail: impl Into<String>) -> Error {
        Error::Index {
            path: self.path.clone(),
            problem: IndexProblem::Malformed { section: section.name(), detail: detail.into() },
        }
    }
}

fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// What [`parse_header`] returns: header, section (offset, length) table, header checksum.
pub type Parsed = (Header, Vec<(usize, usize)>, u64);

/// The header, the section table and the header checksum of a data file's bytes; public
/// so that the fuzz target can name a data file in a manifest as an index build would.
pub fn parse_header(b: &[u8]) -> std::result::Result<Parsed, IndexProblem> {
    let short = || IndexProblem::Truncated("header".into());
    if b.len() < 8 || b[..8] != MAGIC {
        return Err(if b.len() < 8 { short() } else { IndexProblem::BadMagic });
    }
    let u32_at = |at: usize| read_u32(b, at).ok_or_else(short);
    let u64_at = |at: usize| read_u64(b, at).ok_or_else(short);
    let version = u32_at(8)?;
    if version != FORMAT_VERSION {
        return Err(IndexProblem::Version { expected: FORMAT_VERSION, found: version });
    }
    let count = u32_at(FIXED)? as usize;
    if count != Section::ALL.len() {
        return Err(IndexProblem::Malformed {
            section: "header",
            detail: format!("{count} sections, expected {}", Section::ALL.len()),
        });
    }
    let end = FIXED + 8 + count * 24;
    let sum = u64_at(end)?;
    if xxh3_64(&b[..end]) != sum {
        return Err(IndexProblem::Checksum("header"));
    }
    let header = Header {
        version,
        fingerprint_version: u32_at(12)?,
        shingle_size: u32_at(16)?,
        num_perm: u32_at(20)?,
        seed: u64_at(24)?,
        bands: u32_at(32)?,
        rows: u32_at(36)?,
        threshold: f64::from_bits(u64_at(40)?),
        docs: u64_at(48)?,
        paragraphs: u64_at(56)?,
        uniques: u64_at(64)?,
        signed: u64_at(72)?,
        key_bits: u32_at(FIXED + 4)?,
    };
    if header.key_bits != 32 && header.key_bits != 48 {
        return Err(IndexProblem::Malformed {
            section: "header",
            detail: format!("band keys of {} bits (32 or 48)", header.key_bits),
        });
    }
    // Sections follow each other at 16-byte boundaries; padding must be zero and the file
    // must end with the last section, so that no byte escapes the checksums.
    let mut sections = Vec::with_capacity(count);
    let mut at_end = (end + 8) as u64;
    for (i, s) in Section::ALL.iter().enumerate() {
        let at = FIXED + 8 + i * 24;
        let (start, len) = (u64_at(at)?, u64_at(at + 8)?);
        let stop = start.checked_add(len).filter(|&e| e <= b.len() as u64);
        let Some(stop) = stop else {
            return Err(IndexProblem::Truncated(format!("section {}", s.name())));
        };
        if start != align16(at_end) || b[at_end as usize..start as usize].iter().any(|&x| x != 0) {
            return Err(IndexProblem::Checksum("padding"));
        }
        sections.push((start as usize, len as usize));
        at_end = stop;
    }
    if at_end != b.len() as u64 {
        return Err(IndexProblem::Truncated(format!(
            "{} bytes after the last section",
            b.len() as u64 - at_end.min(b.len() as u64)
        )));
    }
    Ok((header, sections, sum))
}

/// Little-endian `u32` values read in place.
#[derive(Debug, Clone, Copy)]
pub struct U32s<'a>(pub &'a [u8]);

impl<'a> U32s<'a> {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`, if in range.
    pub fn get(&self, i: usize) -> Option<u32> {
        read_u32(self.0, i.checked_mul(4)?)
    }

    /// Values `range` copied out (empty when out of range).
    pub fn range(&self, start: usize, end: usize) -> Vec<u32> {
        self.0
            .get(start.saturating_mul(4)..end.saturating_mul(4))
            .map(|b| {
                b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
            })
            .unwrap_or_default()
    }
}

/// Little-endian `u64` values read in place.
#[derive(Debug, Clone, Copy)]
pub struct U64s<'a>(pub &'a [u8]);

impl<'a> U64s<'a> {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len() / 8
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`, if in range.
    pub fn get(&self, i: usize) -> Option<u64> {
        read_u64(self.0, i.checked_mul(8)?)
    }

    /// Index of the first value `>= x` among values `lo..hi` (sorted).
    pub fn lower_bound(&self, lo: usize, hi: usize, x: u64) -> usize {
        self.lower_bound_rows(lo, hi, 1, x)
    }

    /// The same over rows of `stride` values sorted by their first value: the first row
    /// among rows `lo..hi` whose first value is `>= x`.
    pub fn lower_bound_rows(&self, mut lo: usize, mut hi: usize, stride: usize, x: u64) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(stride * mid).unwrap_or(u64::MAX) < x {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// Little-endian section builders.
pub(crate) fn u32_bytes(v: impl IntoIterator<Item = u32>) -> Vec<u8> {
    v.into_iter().flat_map(u32::to_le_bytes).collect()
}

pub(crate) fn u64_bytes(v: impl IntoIterator<Item = u64>) -> Vec<u8> {
    v.into_iter().flat_map(u64::to_le_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header::for_config(&Config::default(), 3, 10, 7).expect("default config is valid")
    }

    #[test]
    fn round_trip_and_every_flipped_byte_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lock = super::super::lock::WriteLock::create(dir.path(), || {}).expect("lock");
        let path = write_index(lock, |w| {
            for (i, _) in Section::ALL.iter().enumerate() {
                w.push(&u32_bytes((0..i as u32 * 3).map(|x| x * 7)))?;
            }
            Ok(header())
        })
        .expect("write");
        let data = DataFile::open(dir.path()).expect("open");
        assert_eq!(data.header, header());
        assert_eq!(data.u32s(Section::Outlets).range(0, 6), vec![0, 7, 14, 21, 28, 35]);
        drop(data);
        let good = std::fs::read(&path).expect("read");
        for p in 0..good.len() {
            let mut bad = good.clone();
            bad[p] ^= 1;
            std::fs::write(&path, &bad).expect("write");
            let e = DataFile::open(dir.path()).expect_err("a flipped byte is refused");
            let named = matches!(&e, Error::Index { path: q, .. } if q == &path
                || q.ends_with(MANIFEST));
            assert!(named, "byte {p}: {e}");
        }
    }

    #[test]
    fn parameters_are_compared_one_by_one() {
        let h = header();
        assert_eq!(h.check_against(&h), Ok(()));
        let mut other = h;
        other.seed += 1;
        assert!(matches!(
            h.check_against(&other),
            Err(IndexProblem::Parameter { name: "seed", .. })
        ));
        other = h;
        other.fingerprint_version += 1;
        let e = h.check_against(&other).expect_err("refused");
        assert!(e.to_string().contains("fingerprint"), "{e}");
    }

    #[test]
    fn lower_bound_finds_the_first_not_smaller() {
        let b = u64_bytes([1, 3, 3, 5]);
        let v = U64s(&b);
        assert_eq!(v.lower_bound(0, 4, 3), 1);
        assert_eq!(v.lower_bound(0, 4, 4), 3);
        assert_eq!(v.lower_bound(0, 4, 9), 4);
        assert_eq!(v.lower_bound(0, 4, 0), 0);
    }
}
