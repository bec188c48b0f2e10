//! Stored documents read back: metadata, text, and the fingerprint the run computed, so
//! that a store rebuilt from an index is the store of the original run without
//! fingerprinting anything again.

use std::borrow::Cow;

use super::format::{DataFile, Section};
use crate::boilerplate::Boilerplate;
use crate::corpus::Document;
use crate::error::{Location, Result};
use crate::fingerprint::{DocFingerprint, Kind, Paragraph};
use crate::lang::Lang;
use crate::store::{SourceRef, Store};

/// One document's record in [`Section::Docs`].
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocRecord<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub outlet: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub published: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub lang: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub title: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub url: Option<Cow<'a, str>>,
    pub language: u32,
    pub input: u32,
    pub line: u64,
    pub offset: u64,
    pub text_bytes: u64,
    /// [`crate::listing::PageShape`]: paragraphs, teasers, headlines, read-more lines,
    /// words, whether the text ends cut short (1) or not (0).
    pub shape: [u16; 6],
    #[serde(borrow)]
    pub text: Cow<'a, str>,
}

impl<'a> DocRecord<'a> {
    /// The record of document `d` of `store` with its `text`.
    pub fn of(store: &'a Store, d: u32, text: &'a str) -> Self {
        let m = &store.docs[d as usize];
        let b = |s: &'a Option<Box<str>>| s.as_deref().map(Cow::Borrowed);
        DocRecord {
            id: Cow::Borrowed(&m.id),
            outlet: store.outlet_of(d).map(Cow::Borrowed),
            published: b(&m.published_raw),
            lang: b(&m.lang),
            title: b(&m.title),
            url: b(&m.url),
            language: u32::from_le_bytes(m.language.to_bytes()),
            input: m.source.input,
            line: m.source.line,
            offset: m.source.offset,
            text_bytes: text.len() as u64,
            shape: [
                m.shape.paragraphs,
                m.shape.teasers,
                m.shape.headlines,
                m.shape.read_more,
                m.shape.words,
                u16::from(m.shape.cut_at_end),
            ],
            text: Cow::Borrowed(text),
        }
    }

    /// The document (the publication time parsed again from its raw form, as readers do).
    pub fn document(&self) -> Document<'a> {
        let mut d = Document::new(self.id.clone(), self.text.clone());
        d.outlet = self.outlet.clone();
        if let Some(p) = &self.published {
            d = d.with_published(p.clone());
        }
        d.lang = self.lang.clone();
        d.title = self.title.clone();
        d.url = self.url.clone();
        d
    }
}

/// Paragraph kinds as stored: 0 body, 1 + position in [`Boilerplate::ALL`] otherwise.
pub(crate) fn kind_code(k: Kind) -> u32 {
    match k {
        Kind::Body => 0,
        Kind::Boilerplate(b) => {
            1 + Boilerplate::ALL.iter().position(|&x| x == b).unwrap_or(0) as u32
        }
    }
}

fn kind_of(code: u32) -> Option<Kind> {
    match code {
        0 => Some(Kind::Body),
        c => Boilerplate::ALL.get(c as usize - 1).map(|&b| Kind::Boilerplate(b)),
    }
}

/// Reads stored documents from an opened data file.
#[derive(Debug)]
pub(crate) struct Docs<'a> {
    pub data: &'a DataFile,
    pub inputs: &'a [std::path::PathBuf],
}

/// A stored document ready to be added to a [`Store`].
pub(crate) struct Loaded<'a> {
    pub record: DocRecord<'a>,
    pub fingerprint: DocFingerprint,
    pub location: Location,
    pub source: SourceRef,
}

impl<'a> Docs<'a> {
    /// The record of document `d`.
    pub fn record(&self, d: u32) -> Result<DocRecord<'a>> {
        let off = self.data.u64s(Section::DocOffsets);
        let (s, e) = match (off.get(d as usize), off.get(d as usize + 1)) {
            (Some(s), Some(e)) if s <= e => (s as usize, e as usize),
            _ => return Err(self.data.malformed(Section::DocOffsets, format!("document {d}"))),
        };
        let bytes = self.data.bytes(Section::Docs);
        let slice = bytes.get(s..e).ok_or_else(|| {
            self.data.malformed(Section::Docs, format!("document {d} out of range"))
        })?;
        serde_json::from_slice(slice)
            .map_err(|err| self.data.malformed(Section::Docs, format!("document {d}: {err}")))
    }

    /// Document `d` with the fingerprint the run computed (kinds before outlet templates,
    /// which a store marks again).
    pub fn load(&self, d: u32) -> Result<Loaded<'a>> {
        let record = self.record(d)?;
        let data = self.data;
        let dp = data.u32s(Section::DocParagraphs);
        let (ps, pe) = match (dp.get(d as usize), dp.get(d as usize + 1)) {
            (Some(s), Some(e)) if s <= e => (s as usize, e as usize),
            _ => return Err(data.malformed(Section::DocParagraphs, format!("document {d}"))),
        };
        let paras = data.u32s(Section::Paragraphs).range(ps * 6, pe * 6);
        if paras.len() != (pe - ps) * 6 {
            return Err(data.malformed(Section::Paragraphs, format!("document {d}")));
        }
        let keys = data.u64s(Section::UniqueKeys);
        let set_off = data.u64s(Section::ShingleOffsets);
        let num_off = data.u64s(Section::FactOffsets);
        let arena = data.u32s(Section::Shingles);
        let facts = data.u32s(Section::Facts);
        let word_off = data.u64s(Section::WordOffsets);
        let word_arena = data.u32s(Section::Words);
        let [paragraphs, teasers, headlines, read_more, words, cut_at_end] = record.shape;
        let mut fp = DocFingerprint {
            lang: Lang::from_bytes(record.language.to_le_bytes()),
            text_bytes: record.text_bytes,
            text_hash: xxhash_rust::xxh3::xxh3_64(record.text.as_bytes()),
            shape: crate::listing::PageShape {
                paragraphs,
                teasers,
                headlines,
                read_more,
                words,
                cut_at_end: cut_at_end != 0,
            },
            ..Default::default()
        };
        for p in paras.chunks_exact(6) {
            let bad = || data.malformed(Section::Paragraphs, format!("document {d}"));
            let mut kind = kind_of(p[4]).ok_or_else(bad)?;
            let (mut key, mut shingles, mut numbers, mut words) = (0u128, 0..0, 0..0, 0..0);
            if p[3] != u32::MAX {
                // Templates and recurring text were body text before the store learned them.
                kind = Kind::Body;
                let u = p[3] as usize;
                let (lo, hi) =
                    (keys.get(2 * u).ok_or_else(bad)?, keys.get(2 * u + 1).ok_or_else(bad)?);
                key = (hi as u128) << 64 | lo as u128;
                let (s, e) = (set_off.get(u).ok_or_else(bad)?, set_off.get(u + 1).ok_or_else(bad)?);
                let set = arena.range(s as usize, e as usize);
                let (fs, fe) =
                    (num_off.get(u).ok_or_else(bad)?, num_off.get(u + 1).ok_or_else(bad)?);
                let nums = facts.range(fs as usize, fe as usize);
                let (ws, we) =
                    (word_off.get(u).ok_or_else(bad)?, word_off.get(u + 1).ok_or_else(bad)?);
                let wset = word_arena.range(ws as usize, we as usize);
                if set.len() as u64 != e.saturating_sub(s)
                    || nums.len() as u64 != fe.saturating_sub(fs)
                    || wset.len() as u64 != we.saturating_sub(ws)
                {
                    return Err(bad());
                }
                shingles = fp.shingles.len() as u32..(fp.shingles.len() + set.len()) as u32;
                numbers = fp.numbers.len() as u32..(fp.numbers.len() + nums.len()) as u32;
                words = fp.words.len() as u32..(fp.words.len() + wset.len()) as u32;
                fp.shingles.extend(set);
                fp.numbers.extend(nums);
                fp.words.extend(wset);
            } else if kind == Kind::Body {
                return Err(bad());
            }
            let start = p[0] as usize;
            fp.paragraphs.push(Paragraph {
                span: start..start + p[1] as usize,
                tokens: p[2],
                kind,
                key,
                shingles,
                numbers,
                words,
                lang: Lang::from_bytes(p[5].to_le_bytes()),
            });
        }
        let path = self.inputs.get(record.input as usize).cloned().unwrap_or_default();
        let location = Location { path, line: record.line };
        let source = SourceRef { input: record.input, line: record.line, offset: record.offset };
        Ok(Loaded { record, fingerprint: fp, location, source })
    }
}
