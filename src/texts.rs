//! Paragraph texts, read again when a later stage needs them.
//!
//! The store keeps spans, not texts, so a same-language run holds no text in memory. The
//! stages that do need words — the multilingual encoder, the side-by-side report — ask for
//! the documents they want, and the inputs are read a second time (plain files at each
//! record's offset, from the page cache by then; compressed ones decompressed again) and
//! checked against the checksum the first pass kept. Standard input cannot be read twice,
//! so its texts are kept from the first pass.

use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::corpus::{self, Document, Input, InputKind, ReadOptions};
use crate::error::Result;
use crate::store::Store;

/// Where document texts can be read again.
#[derive(Debug, Clone, Copy)]
pub enum TextSource<'a> {
    /// The run's inputs, read again.
    Inputs(&'a [Input], &'a ReadOptions),
    /// Texts kept in memory, one per document of the store (`None` for a document whose
    /// text was not kept).
    Memory(&'a [Option<String>]),
}

/// Whether the inputs can be read a second time.
pub fn rereadable(inputs: &[Input]) -> bool {
    !inputs.iter().any(|i| i.kind == InputKind::Stdin)
}

impl TextSource<'_> {
    /// Calls `f(doc, text)` for every document `d` of the store with `wanted[d]`, with the
    /// text exactly as the first pass saw it (so stored spans apply). `f` runs in
    /// parallel; documents come in no particular order. A text is handed over only if it is
    /// the one the first pass read (same checksum): an input changed, truncated or removed
    /// since then gives no text, never another one. Returns the wanted documents that got
    /// none, in order, for the caller to say so.
    pub fn for_each<F>(&self, store: &Store, wanted: &[bool], f: F) -> Result<Vec<u32>>
    where
        F: Fn(u32, &str) + Sync,
    {
        let given: Vec<AtomicBool> =
            (0..store.docs.len()).map(|_| AtomicBool::new(false)).collect();
        let give = |d: u32, text: &str| {
            let Some(meta) = store.docs.get(d as usize) else { return };
            if xxh3_64(text.as_bytes()) == meta.text_hash && !given[d as usize].swap(true, Relaxed)
            {
                f(d, text);
            }
        };
        match self {
            TextSource::Memory(texts) => {
                texts.par_iter().enumerate().for_each(|(d, t)| {
                    if let (Some(t), true) = (t, wanted.get(d).copied().unwrap_or(false)) {
                        give(d as u32, t);
                    }
                });
            }
            TextSource::Inputs(inputs, opts) => {
                // Plain files: each wanted record is read at its offset. Compressed inputs
                // and folders are read through again.
                let is_plain = |i: &Input| i.kind == InputKind::Jsonl(corpus::Compression::None);
                for (i, input) in inputs.iter().enumerate().filter(|(_, i)| is_plain(i)) {
                    read_direct(store, wanted, i as u32, input, opts, &give);
                }
                let other: Vec<Input> = inputs.iter().filter(|i| !is_plain(i)).cloned().collect();
                let locations = wanted_locations(store, wanted);
                corpus::read_batches(&other, opts, &mut |batch| {
                    batch.par_iter().for_each(|rec| {
                        // Records that hold no wanted document are not even parsed.
                        let wanted_here = locations
                            .get(rec.location.path.as_path())
                            .is_some_and(|lines| lines.contains(&rec.location.line));
                        if !wanted_here {
                            return;
                        }
                        let Some(doc) = rec.parse(opts).doc else { return };
                        if let Some(d) = wanted_doc(store, wanted, &doc, rec) {
                            give(d, &doc.text);
                        }
                    });
                    Ok(())
                })?;
            }
        }
        Ok((0..store.docs.len() as u32)
            .filter(|&d| wanted.get(d as usize).copied().unwrap_or(false))
            .filter(|&d| !given[d as usize].load(Relaxed))
            .collect())
    }
}

/// Reads the wanted documents of plain input `index` at their offsets, with positional
/// reads (no map: a file truncated meanwhile must give a short read, not a fault).
/// Records that cannot be read are left out; the caller counts them.
fn read_direct<F>(
    store: &Store,
    wanted: &[bool],
    index: u32,
    input: &Input,
    opts: &ReadOptions,
    give: &F,
) where
    F: Fn(u32, &str) + Sync,
{
    let docs: Vec<u32> = (0..store.docs.len() as u32)
        .filter(|&d| {
            wanted.get(d as usize).copied().unwrap_or(false)
                && store.docs[d as usize].source.input == index
        })
        .collect();
    if docs.is_empty() {
        return;
    }
    let Ok(file) = std::fs::File::open(&input.path) else { return };
    docs.par_iter().for_each(|&d| {
        let meta = &store.docs[d as usize];
        let Some(line) = read_line_at(&file, meta.source.offset, opts.max_record_bytes) else {
            return;
        };
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        let rec = corpus::RawRecord {
            location: crate::error::Location { path: input.path.clone(), line: meta.source.line },
            offset: meta.source.offset,
            payload: corpus::Payload::JsonLine(line),
        };
        if let Some(doc) = rec.parse(opts).doc {
            if *doc.id == *meta.id {
                give(d, &doc.text);
            }
        }
    });
}

/// The line of `file` starting at byte `offset` (without its line feed), read with
/// positional reads; `None` past the end, on an error or beyond `max` bytes.
fn read_line_at(file: &std::fs::File, offset: u64, max: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = read_at(file, &mut chunk, offset + out.len() as u64).ok()?;
        if n == 0 {
            return (!out.is_empty()).then_some(out);
        }
        match memchr::memchr(b'\n', &chunk[..n]) {
            Some(i) => {
                out.extend_from_slice(&chunk[..i]);
                return Some(out);
            }
            None => out.extend_from_slice(&chunk[..n]),
        }
        if out.len() as u64 > max {
            return None;
        }
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Where the wanted documents' records are: file path → lines (0 for a whole file).
fn wanted_locations(
    store: &Store,
    wanted: &[bool],
) -> ahash::AHashMap<std::path::PathBuf, ahash::AHashSet<u64>> {
    let mut out: ahash::AHashMap<std::path::PathBuf, ahash::AHashSet<u64>> = ahash::AHashMap::new();
    for (d, meta) in store.docs.iter().enumerate() {
        if !wanted.get(d).copied().unwrap_or(false) {
            continue;
        }
        out.entry(store.location(d as u32).path).or_default().insert(meta.source.line);
    }
    out
}

/// The store's index of `doc` if it is wanted and is the record the store kept for that id
/// (a later duplicate of the id was skipped in the first pass and must be skipped again).
fn wanted_doc(
    store: &Store,
    wanted: &[bool],
    doc: &Document<'_>,
    rec: &corpus::RawRecord<'_>,
) -> Option<u32> {
    let d = store.doc_index(&doc.id)?;
    if !wanted.get(d as usize).copied().unwrap_or(false) {
        return None;
    }
    let meta = &store.docs[d as usize];
    let same_path = store
        .inputs
        .get(meta.source.input as usize)
        .is_some_and(|p| rec.location.path.starts_with(p));
    (meta.source.line == rec.location.line && same_path).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Location;
    use crate::fingerprint::Fingerprinter;
    use crate::shingle::Shingler;
    use crate::store::SourceRef;
    use std::sync::Mutex;

    #[test]
    fn texts_come_back_for_wanted_documents_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.jsonl");
        std::fs::write(&path, "{\"id\":\"a\",\"text\":\"Alpha text here.\"}\n{\"id\":\"b\",\"text\":\"Beta text here.\"}\n{\"id\":\"a\",\"text\":\"A duplicate id.\"}\n").unwrap();
        let input = Input::detect(&path).unwrap();
        let mut store = Store::new(vec![path.clone()]);
        // Offsets as the first pass records them: where each line starts.
        let second = "{\"id\":\"a\",\"text\":\"Alpha text here.\"}\n".len() as u64;
        for (line, offset, (id, text)) in
            [(1u64, 0u64, ("a", "Alpha text here.")), (2, second, ("b", "Beta text here."))]
        {
            let fp = Fingerprinter::new(Shingler::new(5, 1)).fingerprint(text);
            let loc = Location { path: path.clone(), line };
            store
                .add(&Document::new(id, text), fp, SourceRef { input: 0, line, offset }, &loc)
                .unwrap();
        }
        let got = Mutex::new(Vec::new());
        let inputs = [input];
        let read = ReadOptions::default();
        TextSource::Inputs(&inputs, &read)
            .for_each(&store, &[true, false], |d, t| got.lock().unwrap().push((d, t.to_string())))
            .unwrap();
        assert_eq!(got.into_inner().unwrap(), vec![(0, "Alpha text here.".to_string())]);
        // The second record, read directly at its offset.
        let got = Mutex::new(Vec::new());
        TextSource::Inputs(&inputs, &read)
            .for_each(&store, &[false, true], |d, t| got.lock().unwrap().push((d, t.to_string())))
            .unwrap();
        assert_eq!(got.into_inner().unwrap(), vec![(1, "Beta text here.".to_string())]);
        let mem = vec![Some("Alpha text here.".to_string()), None];
        let got = Mutex::new(Vec::new());
        let missing = TextSource::Memory(&mem)
            .for_each(&store, &[true, true], |d, t| got.lock().unwrap().push((d, t.to_string())))
            .unwrap();
        assert_eq!(got.into_inner().unwrap(), vec![(0, "Alpha text here.".to_string())]);
        assert_eq!(missing, vec![1]);

        // The file changes under the run: "a" is rewritten in place (same id, same offset,
        // other text), "b" is cut off. Neither gives a text; both are reported.
        std::fs::write(&path, "{\"id\":\"a\",\"text\":\"Alpha text HERE.\"}\n{\"id\":\"b\",")
            .unwrap();
        let got = Mutex::new(Vec::new());
        let missing = TextSource::Inputs(&inputs, &read)
            .for_each(&store, &[true, true], |d, t| got.lock().unwrap().push((d, t.to_string())))
            .unwrap();
        assert!(got.into_inner().unwrap().is_empty());
        assert_eq!(missing, vec![0, 1]);
        // Gone altogether.
        std::fs::remove_file(&path).unwrap();
        let missing = TextSource::Inputs(&inputs, &read)
            .for_each(&store, &[true, false], |_, _| panic!("no text"))
            .unwrap();
        assert_eq!(missing, vec![0]);
    }
}
