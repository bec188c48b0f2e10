//! Writing an index from a finished run.
//!
//! The index is the run's [`Store`] frozen (documents, paragraphs, unique paragraphs with
//! their shingle sets and fact keys, template flags), the documents' texts, the lookup
//! tables a query needs (band keys, content keys, occurrences, ids) and the graph of the
//! matches that were *evident* during the run, with the round that found them: a query
//! re-applies neighbour expansion and corroboration with them (see [`super::query`]).

use std::path::PathBuf;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::format::{Header, u32_bytes, u64_bytes, write_index};
use super::lock::WriteLock;
use super::stored::{DocRecord, kind_code};
use crate::boilerplate::Boilerplate;
use crate::error::{Error, Result};
use crate::fingerprint::Kind;
use crate::lsh::KeyWidth;
use crate::pipeline::{Detector, MatchRun};
use crate::store::Store;
use crate::translate::embed::TrigramEmbedder;

/// Writes the index of `run` (made by `detector`, which must have kept the texts, see
/// [`Detector::with_kept_texts`]) into the folder `lock` holds, atomically. Returns the data file's path.
/// Sections are streamed: beyond the run itself, memory holds one section at a time.
pub fn write(lock: WriteLock, detector: &Detector, run: &MatchRun) -> Result<PathBuf> {
    let store = &run.store;
    let cfg = &run.config;
    if cfg.exhaustive {
        lock.abandon();
        return Err(Error::Config(
            "an index cannot be built with exact (all-pairs) matching".into(),
        ));
    }
    let n = store.docs.len();
    let mut header = Header::for_config(
        cfg,
        n as u64,
        store.paragraphs.len() as u64,
        store.uniques.len() as u64,
    )?;
    write_index(lock, |w| {
        w.push(&json(cfg)?)?;
        let inputs: Vec<String> =
            store.inputs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        w.push(&json(&inputs)?)?;
        w.push(&json(&store.outlets)?)?;

        // Documents: metadata and text as one JSON record each, serialised in parallel
        // chunks and streamed; then their offsets.
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u64);
        let mut failed = None;
        let chunks = (0..n as u32).collect::<Vec<_>>();
        let records = chunks.chunks(4096).map(|chunk| {
            let out: Result<Vec<Vec<u8>>> = chunk
                .par_iter()
                .map(|&d| {
                    let text = run.kept_text(d).ok_or_else(|| {
                        Error::Config("the run did not keep the documents' texts".into())
                    })?;
                    serde_json::to_vec(&DocRecord::of(store, d, text))
                        .map_err(|e| Error::Config(e.to_string()))
                })
                .collect();
            let out = out.unwrap_or_else(|e| {
                failed.get_or_insert(e);
                Vec::new()
            });
            for r in &out {
                offsets.push(offsets.last().copied().unwrap_or(0) + r.len() as u64);
            }
            out.concat()
        });
        w.section(records)?;
        if let Some(e) = failed {
            return Err(e);
        }
        w.push(&u64_bytes(offsets))?;
        w.push(&u32_bytes(
            store.docs.iter().map(|d| d.paragraphs.start).chain([store.paragraphs.len() as u32]),
        ))?;
        w.push(&u32_bytes(store.paragraphs.iter().flat_map(|p| {
            [
                p.start,
                p.len,
                p.tokens,
                p.unique,
                kind_code(p.kind),
                u32::from_le_bytes(p.lang.to_bytes()),
            ]
        })))?;

        // Unique paragraphs.
        let uniques = store.uniques.len() as u32;
        w.push(&u64_bytes(
            store.uniques.iter().flat_map(|u| [u.key as u64, (u.key >> 64) as u64]),
        ))?;
        w.push(&u32_bytes(store.uniques.iter().flat_map(|u| [u.tokens, u.flags as u32])))?;
        let offsets_of = |len: &dyn Fn(u32) -> u64| {
            let mut at = 0u64;
            u64_bytes(std::iter::once(0).chain((0..uniques).map(|u| {
                at += len(u);
                at
            })))
        };
        w.push(&offsets_of(&|u| store.set(u).len() as u64))?;
        w.section((0..uniques).map(|u| u32_bytes(store.set(u).iter().copied())))?;
        w.push(&offsets_of(&|u| store.numbers_of(u).len() as u64))?;
        w.section((0..uniques).map(|u| u32_bytes(store.numbers_of(u).iter().copied())))?;
        let mut order: Vec<u32> = (0..uniques).collect();
        order.par_sort_unstable_by_key(|&u| store.uniques[u as usize].key);
        w.push(&u32_bytes(order))?;
        let occ = store.occurrences();
        // Occurrence offsets are u32: there is at most one occurrence per paragraph.
        let mut at = 0u32;
        w.push(&u32_bytes(std::iter::once(0).chain((0..uniques).map(|u| {
            at += occ.of(u).len() as u32;
            at
        }))))?;
        w.section((0..uniques).map(|u| u32_bytes(occ.of(u).iter().copied())))?;
        drop(occ);

        // Band tables: per band, (key, unique) sorted, at the width a run over this many
        // paragraphs uses.
        let eligible = store.signed(cfg.shingle_size);
        header.signed = eligible.len() as u64;
        let width = KeyWidth::for_items(eligible.len(), cfg.wide_keys_from);
        header.key_bits = width.bits();
        let params = detector.lsh_params();
        let hasher = detector.hasher();
        let keys: Vec<u64> = eligible
            .par_iter()
            .map_init(
                || vec![0u32; hasher.num_perm()],
                |sig, &u| {
                    hasher.sign_into(store.set(u), sig);
                    (0..params.bands)
                        .map(|b| width.cut(params.band_key(sig, b)))
                        .collect::<Vec<u64>>()
                },
            )
            .flatten_iter()
            .collect();
        // Rows sorted by (low key, unique); with wide keys their checks, in the same order,
        // are gathered as each band is sorted (2 bytes a row, a quarter of `keys`) and
        // written as the next section.
        let mut checks: Vec<u8> = Vec::new();
        w.section((0..params.bands).map(|b| {
            let mut col: Vec<(u64, u16)> = eligible
                .iter()
                .enumerate()
                .map(|(i, &u)| {
                    let k = keys[i * params.bands + b];
                    ((KeyWidth::low(k) as u64) << 32 | u as u64, KeyWidth::check(k))
                })
                .collect();
            col.par_sort_unstable_by_key(|r| r.0);
            if width == KeyWidth::Wide {
                checks.extend(col.iter().flat_map(|r| r.1.to_le_bytes()));
            }
            u64_bytes(col.into_iter().map(|r| r.0))
        }))?;
        drop(keys);
        w.push(&checks)?;

        let mut ids: Vec<(u64, u64)> = store
            .docs
            .iter()
            .enumerate()
            .map(|(d, m)| (xxh3_64(m.id.as_bytes()), d as u64))
            .collect();
        ids.par_sort_unstable();
        w.push(&u64_bytes(ids.into_iter().flat_map(|(h, d)| [h, d])))?;

        // Evident-match graph: each end with the round and its own aligned paragraphs.
        let (adj_off, entries, paras) = graph(run);
        w.push(&u32_bytes(adj_off))?;
        w.push(&u32_bytes(entries))?;
        w.push(&u32_bytes(paras))?;

        // Template evidence, so that a query can tell when its articles complete a template.
        w.push(&u64_bytes(template_rows(store).into_iter().flat_map(|(k, c)| [k, c])))?;

        // What a translation query needs to find stored articles in other languages.
        w.push(&u64_bytes(store.docs.iter().flat_map(|m| {
            let (lo, hi) = m.published.map_or((i64::MIN, i64::MAX), |p| p.bounds());
            [u32::from_le_bytes(m.language.to_bytes()) as u64, lo as u64, hi as u64]
        })))?;
        let (rows, blocks) = anchor_docs(run)?;
        w.push(&u64_bytes(rows))?;
        w.push(&u64_bytes(blocks.into_iter().flat_map(|(l, s, e)| [l, s, e])))?;
        w.push(&u64_bytes(translation_best(run).into_iter().flat_map(|(k, v)| [k, v])))?;
        w.push(&json(&run.stats.translation.embedder)?)?;
        w.push(&u32_bytes(store.recurring().iter().copied()))?;
        // What the boilerplate vocabulary is learned from, and the model itself.
        let mut at = 0u64;
        w.push(&u64_bytes(std::iter::once(0).chain((0..uniques).map(|u| {
            at += store.words_of(u).len() as u64;
            at
        }))))?;
        w.section((0..uniques).map(|u| u32_bytes(store.words_of(u).iter().copied())))?;
        let (counts, seen) = store.furniture_counts();
        let mut counts: Vec<u64> =
            counts.iter().map(|(&w, &c)| (w as u64) << 32 | c as u64).collect();
        counts.sort_unstable();
        w.push(&u64_bytes(counts))?;
        let mut seen: Vec<u64> = seen.iter().copied().collect();
        seen.sort_unstable();
        w.push(&u64_bytes(seen))?;
        // The value of unseen words leads (queries read it first), then (word, log-odds);
        // no rows at all without a vocabulary.
        let vocabulary = store.vocabulary().map(|v| {
            let rows = v.pairs().into_iter().map(|(w, l)| (w as u64) << 32 | l.to_bits() as u64);
            std::iter::once(v.unseen().to_bits() as u64).chain(rows).collect::<Vec<u64>>()
        });
        w.push(&u64_bytes(vocabulary.unwrap_or_default()))?;
        w.push(&u64_bytes(trigram_frequencies(run)?.to_rows()))?;
        Ok(header)
    })
}

/// A block of the anchor table: language (packed code), first row, end row.
type AnchorBlock = (u64, u64, u64);

/// `anchor << 32 | document` for the cross-language anchors of every document's body
/// paragraphs (outlet templates left out, as the translation stage leaves them out), in
/// one sorted, distinct block per document language; and the blocks as (language, first
/// row, end row). Documents of no known language take no part in translation.
fn anchor_docs(run: &MatchRun) -> Result<(Vec<u64>, Vec<AnchorBlock>)> {
    let store = &run.store;
    let lang = |d: u32| u32::from_le_bytes(store.docs[d as usize].language.to_bytes());
    let mut rows: Vec<(u32, u64)> = (0..store.docs.len() as u32)
        .into_par_iter()
        .filter(|&d| store.docs[d as usize].language.is_known())
        .map(|d| -> Result<Vec<(u32, u64)>> {
            let text = run
                .kept_text(d)
                .ok_or_else(|| Error::Config("the run did not keep the documents' texts".into()))?;
            Ok(super::translations::doc_anchors(store, d, text)
                .into_iter()
                .map(|a| (lang(d), (a as u64) << 32 | d as u64))
                .collect())
        })
        .collect::<Result<Vec<Vec<(u32, u64)>>>>()?
        .into_iter()
        .flatten()
        .collect();
    rows.par_sort_unstable();
    rows.dedup();
    let mut blocks: Vec<AnchorBlock> = Vec::new();
    for (i, &(l, _)) in rows.iter().enumerate() {
        match blocks.last_mut() {
            Some(b) if b.0 == l as u64 => b.2 = i as u64 + 1,
            _ => blocks.push((l as u64, i as u64, i as u64 + 1)),
        }
    }
    Ok((rows.into_iter().map(|r| r.1).collect(), blocks))
}

/// Trigram frequencies over the distinct body paragraphs of every stored document in a
/// known language: what a full run's model-free embedder is fitted to when it compares
/// them all (a multilingual corpus), so that a query — these plus its own new paragraphs
/// — weighs trigrams as a full run over the stored and the new articles does. One pass
/// over the texts into a dense table: within the noise of building an index of 100 MB.
fn trigram_frequencies(run: &MatchRun) -> Result<TrigramEmbedder> {
    let store = &run.store;
    let mut first: Vec<Option<(u32, u32)>> = vec![None; store.uniques.len()];
    for d in (0..store.docs.len() as u32).filter(|&d| store.docs[d as usize].language.is_known()) {
        for (i, p) in store.doc_paragraphs(d).iter().enumerate() {
            if p.kind == Kind::Body && first[p.unique as usize].is_none() {
                first[p.unique as usize] = Some((d, i as u32));
            }
        }
    }
    let mut texts: Vec<&str> = Vec::new();
    for &(d, i) in first.iter().flatten() {
        let text = run
            .kept_text(d)
            .ok_or_else(|| Error::Config("the run did not keep the documents' texts".into()))?;
        if let Some(t) = store.doc_paragraphs(d).get(i as usize).and_then(|p| p.text_in(text)) {
            texts.push(t);
        }
    }
    Ok(TrigramEmbedder::fitted(&texts))
}

/// Each document's best translation partner per language among the run's translated
/// pairs (the rule of [`crate::translate::best_partners`]): `(document << 32 | language,
/// score bits << 32 | partner)`, sorted.
fn translation_best(run: &MatchRun) -> Vec<(u64, u64)> {
    let store = &run.store;
    let mut best: ahash::AHashMap<(u32, u32), (f32, u32)> = ahash::AHashMap::new();
    for m in run.matches.iter().filter(|m| m.relation == crate::align::Relation::Translation) {
        let score = crate::translate::partner_score(m);
        for (d, other) in [(m.a, m.b), (m.b, m.a)] {
            let lang = u32::from_le_bytes(store.docs[other as usize].language.to_bytes());
            let id = |x: u32| &*store.docs[x as usize].id;
            let slot = best.entry((d, lang)).or_insert((score, other));
            if score > slot.0 || (score == slot.0 && id(other) < id(slot.1)) {
                *slot = (score, other);
            }
        }
    }
    let mut rows: Vec<(u64, u64)> = best
        .into_iter()
        .map(|((d, l), (score, p))| {
            ((d as u64) << 32 | l as u64, (score.to_bits() as u64) << 32 | p as u64)
        })
        .collect();
    rows.sort_unstable();
    rows
}

/// The evident-match graph as compressed rows: offsets per document (in entries),
/// entries `(other, round, paragraph offset, count)`, and the own aligned paragraphs.
fn graph(run: &MatchRun) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut by_pair: Vec<((u32, u32), usize)> = run
        .matches
        .iter()
        .enumerate()
        .filter(|(_, m)| m.relation != crate::align::Relation::Translation)
        .map(|(i, m)| ((m.a.min(m.b), m.a.max(m.b)), i))
        .collect();
    by_pair.par_sort_unstable();
    let mut adj: Vec<Vec<(u32, u32, Vec<u32>)>> = vec![Vec::new(); run.store.docs.len()];
    for &(x, y, round) in &run.evident {
        let Ok(i) = by_pair.binary_search_by_key(&(x, y), |e| e.0) else { continue };
        let m = &run.matches[by_pair[i].1];
        adj[m.a as usize].push((m.b, round as u32, m.own_paragraphs(true)));
        adj[m.b as usize].push((m.a, round as u32, m.own_paragraphs(false)));
    }
    let mut adj_off = vec![0u32];
    let mut entries = Vec::new();
    let mut paras = Vec::new();
    for a in &mut adj {
        a.sort_unstable();
        for (other, round, own) in a.iter() {
            entries.extend_from_slice(&[*other, *round, paras.len() as u32, own.len() as u32]);
            paras.extend_from_slice(own);
        }
        adj_off.push((entries.len() / 4) as u32);
    }
    (adj_off, entries, paras)
}

/// Distinct `(unique << 32 | outlet, context)` template evidence of paragraphs that are not
/// templates, sorted (see [`crate::store::template_contexts`]).
fn template_rows(store: &Store) -> Vec<(u64, u64)> {
    let mut rows: Vec<(u64, u64)> = (0..store.docs.len() as u32)
        .into_par_iter()
        .flat_map_iter(|d| {
            let doc = &store.docs[d as usize];
            let rows: Vec<(u64, u64)> = match doc.outlet {
                Some(o) => crate::store::template_contexts(
                    store.doc_paragraphs(d),
                    |p| p.kind == Kind::Body || p.kind == Kind::Boilerplate(Boilerplate::Template),
                    |u| u,
                    |u| store.uniques[u as usize].key,
                )
                .into_iter()
                .filter(|&(u, _)| !store.uniques[u as usize].is_template())
                .map(|(u, c)| ((u as u64) << 32 | o as u64, c))
                .collect(),
                None => Vec::new(),
            };
            rows.into_iter()
        })
        .collect();
    rows.par_sort_unstable();
    rows.dedup();
    rows
}

/// Body tokens of a document (after templates): the coverage denominator.
pub(crate) fn body_tokens(store: &Store, d: u32) -> u64 {
    store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body).map(|p| p.tokens as u64).sum()
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Config(format!("serialising the index: {e}")))
}
