//! Paragraph texts, read again when a later stage needs them.
//!
//! The store keeps spans, not texts, so a same-language run holds no text in memory. The
//! stages that do need words — the multilingual encoder, the side-by-side report — ask for
//! the documents they want, and the inputs are read a second time (memory-mapped files are
//! in the page cache by then; compressed ones are decompressed again). Standard input
//! cannot be read twice, so its texts are kept from the first pass.

use rayon::prelude::*;

use crate::corpus::{self, Document, Input, InputKind, ReadOptions};
use crate::error::Result;
use crate::store::Store;

/// Where document texts can be read again.
#[derive(Debug, Clone, Copy)]
pub enum TextSource<'a> {
    /// The run's inputs, read again.
    Inputs(&'a [Input], ReadOptions),
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
    /// parallel; documents come in no particular order.
    pub fn for_each<F>(&self, store: &Store, wanted: &[bool], f: F) -> Result<()>
    where
        F: Fn(u32, &str) + Sync,
    {
        match self {
            TextSource::Memory(texts) => {
                texts.par_iter().enumerate().for_each(|(d, t)| {
                    if let (Some(t), true) = (t, wanted.get(d).copied().unwrap_or(false)) {
                        f(d as u32, t);
                    }
                });
                Ok(())
            }
            TextSource::Inputs(inputs, opts) => corpus::read_batches(inputs, opts, &mut |batch| {
                batch.par_iter().for_each(|rec| {
                    let Some(doc) = rec.parse(opts.max_record_bytes).doc else { return };
                    if let Some(d) = wanted_doc(store, wanted, &doc, rec) {
                        f(d, &doc.text);
                    }
                });
                Ok(())
            }),
        }
    }
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
        for (line, (id, text)) in [(1u64, ("a", "Alpha text here.")), (2, ("b", "Beta text here."))]
        {
            let fp = Fingerprinter::new(Shingler::new(5, 1)).fingerprint(text);
            let loc = Location { path: path.clone(), line };
            store.add(&Document::new(id, text), fp, SourceRef { input: 0, line }, &loc).unwrap();
        }
        let got = Mutex::new(Vec::new());
        let inputs = [input];
        TextSource::Inputs(&inputs, ReadOptions::default())
            .for_each(&store, &[true, false], |d, t| got.lock().unwrap().push((d, t.to_string())))
            .unwrap();
        assert_eq!(got.into_inner().unwrap(), vec![(0, "Alpha text here.".to_string())]);
        let mem = vec![Some("x".to_string()), None];
        let got = Mutex::new(Vec::new());
        TextSource::Memory(&mem)
            .for_each(&store, &[true, true], |d, t| got.lock().unwrap().push((d, t.to_string())))
            .unwrap();
        assert_eq!(got.into_inner().unwrap(), vec![(0, "x".to_string())]);
    }
}
