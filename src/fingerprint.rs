//! One document → its paragraphs, each classified and fingerprinted.
//!
//! This is the per-document half of the pipeline (segment → boilerplate rules → tokens →
//! shingles), fused into one pass so that a document's text is touched once and no
//! per-token allocation happens: a [`Fingerprinter`] owns its scratch buffers and is reused
//! for every document a worker thread sees. Everything here depends on the document alone,
//! which is what makes it embarrassingly parallel.

use std::ops::Range;

use xxhash_rust::xxh3::xxh3_128_with_seed;

use crate::anchors;
use crate::boilerplate::{self, Boilerplate};
use crate::lang::{self, Lang};
use crate::normalize::{Normalizer, Tokens};
use crate::quotes;
use crate::segment;
use crate::shingle::{QUOTED, Shingler};

/// Paragraphs longer than this many words are cut into passages at sentence ends: no real
/// paragraph is this long, so the text must have lost its line breaks.
pub const MAX_PARAGRAPH_WORDS: usize = 100;
/// Target passage length when a long block is cut.
const PASSAGE_WORDS: usize = 40;

/// Version of everything that turns a text into paragraphs, content keys, shingle sets and
/// fact keys (segmentation, boilerplate rules, normalisation, shingling, anchors). A
/// persistent index records it and refuses to be used by a build with another value, since
/// its stored sets would no longer match freshly fingerprinted queries. **Bump it whenever
/// any of those stages changes its output.**
pub const FINGERPRINT_VERSION: u32 = 6;

/// What a paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Article content: fingerprinted and matched.
    Body,
    /// Set aside, with the reason.
    Boilerplate(Boilerplate),
}

impl Kind {
    /// `body`, or the boilerplate reason's name (as in reports).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Body => "body",
            Kind::Boilerplate(b) => b.name(),
        }
    }
}

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte span in the document's original text.
    pub span: Range<usize>,
    /// Number of word tokens.
    pub tokens: u32,
    /// Body or boilerplate.
    pub kind: Kind,
    /// Content key: 128-bit xxh3 of the normalised tokens and of which of them are quoted;
    /// equal keys mean equal words, equally quoted.
    pub key: u128,
    /// Range of this paragraph's shingle set in [`DocFingerprint::shingles`] (empty for
    /// boilerplate).
    pub shingles: Range<u32>,
    /// Range of this paragraph's fact keys (numbers and names) in [`DocFingerprint::numbers`].
    pub numbers: Range<u32>,
    /// Range of this paragraph's distinct words in [`DocFingerprint::words`] (empty for
    /// boilerplate).
    pub words: Range<u32>,
    /// Language (the document's when the paragraph alone does not tell).
    pub lang: Lang,
}

/// A document's paragraphs and their shingle sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFingerprint {
    /// Paragraphs in text order.
    pub paragraphs: Vec<Paragraph>,
    /// Concatenated shingle sets (each sorted, de-duplicated) of the body paragraphs.
    pub shingles: Vec<u32>,
    /// Concatenated fact keys (numbers and names, see [`crate::anchors`]) of the body paragraphs.
    pub numbers: Vec<u32>,
    /// Language of the document: the declared one, else the one most of its words are in.
    pub lang: Lang,
    /// Whether that language is known with confidence: declared, or detected on strong
    /// evidence over enough of a text that reads like prose (see [`confident`]). Only such
    /// documents take part in the search for translated copy.
    pub lang_confident: bool,
    /// Bytes of the document's text.
    pub text_bytes: u64,
    /// Checksum (xxh3-64) of the document's text: a text read again later (for the
    /// translation stage) is used only if it is the same text, so stored spans apply.
    pub text_hash: u64,
    /// What the page is made of (to tell listing pages, see [`crate::listing`]).
    pub shape: crate::listing::PageShape,
    /// Concatenated word sets of the body paragraphs ([`crate::vocabulary::word_set`]).
    pub words: Vec<u32>,
    /// Word sets of the paragraphs the rules set aside, concatenated, each with a key of
    /// its words (so that a store counts each distinct one once): what the corpus's
    /// furniture reads like ([`crate::vocabulary`]).
    pub furniture: Vec<(u64, Range<u32>)>,
    /// The words of [`DocFingerprint::furniture`].
    pub furniture_words: Vec<u32>,
}

impl DocFingerprint {
    /// The shingle set of paragraph `i`.
    pub fn set(&self, i: usize) -> &[u32] {
        let r = &self.paragraphs[i].shingles;
        &self.shingles[r.start as usize..r.end as usize]
    }

    /// The distinct words of paragraph `i`.
    pub fn words(&self, i: usize) -> &[u32] {
        let r = &self.paragraphs[i].words;
        &self.words[r.start as usize..r.end as usize]
    }

    /// Leaves out of the furniture's words those the document's body uses, then keys each
    /// furniture text by the words it keeps. A press release's "About Acme" section names
    /// Acme, which is what the release is about, not what furniture reads like. Counted as
    /// furniture, a company's or a site's name would make the body paragraphs naming it
    /// read like furniture too ([`crate::vocabulary`]), and a release reprinted whole would
    /// be no evidence of anything.
    fn finish_furniture(&mut self) {
        if self.furniture.is_empty() {
            return;
        }
        let mut body: Vec<u32> = (0..self.paragraphs.len())
            .filter(|&i| self.paragraphs[i].kind == Kind::Body)
            .flat_map(|i| self.words(i).iter().copied())
            .collect();
        body.sort_unstable();
        body.dedup();
        let old = std::mem::take(&mut self.furniture_words);
        for (key, r) in &mut self.furniture {
            let start = self.furniture_words.len();
            self.furniture_words.extend(
                old[r.start as usize..r.end as usize]
                    .iter()
                    .filter(|w| body.binary_search(w).is_err()),
            );
            *key = furniture_key(&self.furniture_words[start..]);
            *r = start as u32..self.furniture_words.len() as u32;
        }
    }

    /// The number keys of paragraph `i`.
    pub fn numbers(&self, i: usize) -> &[u32] {
        let r = &self.paragraphs[i].numbers;
        &self.numbers[r.start as usize..r.end as usize]
    }

    /// Total tokens of body paragraphs.
    pub fn body_tokens(&self) -> u64 {
        self.paragraphs.iter().filter(|p| p.kind == Kind::Body).map(|p| p.tokens as u64).sum()
    }
}

/// Reusable per-thread fingerprinter.
#[derive(Debug)]
pub struct Fingerprinter {
    shingler: Shingler,
    key_seed: u64,
    normalizer: Normalizer,
    tokens: Tokens,
    piece_tokens: Tokens,
    hashes: Vec<u32>,
    line_tokens: Vec<Range<usize>>,
    line_kind: Vec<Option<Boilerplate>>,
    declared: Lang,
    weak: Vec<usize>,
    /// Per token of the paragraph being fingerprinted: inside a quotation.
    quoted: Vec<bool>,
    quote_tokens: Tokens,
    /// The previous body paragraph introduced speech (a colon after "said").
    introduced: bool,
    /// Paragraphs still to come of a press release's closing section (after "About Acme"
    /// or "Media contact:").
    release_left: usize,
    /// Bytes of the document's text (sections only open in its later part).
    text_len: usize,
    /// One-letter tokens of the document's body text (obfuscated or tabular text is full
    /// of them, prose is not).
    short_tokens: u64,
}

/// Words of strongly detected text a document needs for its language to be known with
/// confidence ([`DocFingerprint::lang_confident`]).
pub const CONFIDENT_WORDS: u64 = 40;

/// A closing-section heading only counts from this share of the document on: "About the
/// study" near the top of a news story opens no release section.
const RELEASE_FROM: f64 = 0.25;

impl Fingerprinter {
    /// A fingerprinter producing `shingler`'s shingles.
    pub fn new(shingler: Shingler) -> Self {
        Fingerprinter {
            shingler,
            key_seed: 0x77_69_72_65_6d_61_74_63,
            normalizer: Normalizer::new(),
            tokens: Tokens::new(),
            piece_tokens: Tokens::new(),
            hashes: Vec::new(),
            line_tokens: Vec::new(),
            line_kind: Vec::new(),
            declared: Lang::UNKNOWN,
            weak: Vec::new(),
            quoted: Vec::new(),
            quote_tokens: Tokens::new(),
            introduced: false,
            release_left: 0,
            text_len: 0,
            short_tokens: 0,
        }
    }

    /// Detects a body paragraph's language and remembers whether the evidence was weak.
    fn detect(&mut self, tokens: &Tokens, toks: Range<usize>, index: usize) -> Lang {
        match lang::detect_scored(tokens, toks) {
            Some(d) => {
                if !d.strong {
                    self.weak.push(index);
                }
                d.lang
            }
            None => Lang::UNKNOWN,
        }
    }

    /// Fingerprints one document's text.
    pub fn fingerprint(&mut self, text: &str) -> DocFingerprint {
        self.fingerprint_lang(text, None)
    }

    /// Fingerprints one document whose record may declare its language (which then wins).
    pub fn fingerprint_lang(&mut self, text: &str, declared: Option<&str>) -> DocFingerprint {
        self.declared = declared.map_or(Lang::UNKNOWN, Lang::from_tag);
        self.weak.clear();
        self.introduced = false;
        self.release_left = 0;
        self.text_len = text.len();
        self.short_tokens = 0;
        // About one shingle and one word per six bytes of text: sized once, the vectors
        // are not regrown paragraph after paragraph (growth was ~5 % of a run's time).
        let per_token = text.len() / 6 + 8;
        let mut out = DocFingerprint {
            text_bytes: text.len() as u64,
            text_hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            shingles: Vec::with_capacity(per_token),
            words: Vec::with_capacity(per_token),
            paragraphs: Vec::with_capacity(text.len() / 256 + 4),
            ..Default::default()
        };
        for block in segment::blocks(text) {
            self.block(text, &block, &mut out);
        }
        out.finish_furniture();
        out.lang = if self.declared.is_known() { self.declared } else { majority_lang(&out, text) };
        out.lang_confident = self.declared.is_known() || self.confident(&out);
        if !out.lang_confident {
            // Noise (tables, obfuscated or scrambled text, a few words) is in no language
            // that translated copy could be looked for in.
            out.lang = Lang::UNKNOWN;
            for p in &mut out.paragraphs {
                p.lang = Lang::UNKNOWN;
            }
            return out;
        }
        // Detected paragraph languages within a document are noise far more often than a
        // second language (names, figures and tables fool function-word counts): the
        // paragraphs take the document's.
        for p in &mut out.paragraphs {
            p.lang = Lang::UNKNOWN;
        }
        for p in &mut out.paragraphs {
            if p.kind == Kind::Body && !p.lang.is_known() {
                p.lang = out.lang;
            }
        }
        out
    }

    fn block(&mut self, text: &str, lines: &[segment::Line], out: &mut DocFingerprint) {
        self.tokens.clear();
        self.line_tokens.clear();
        self.line_kind.clear();
        for l in lines {
            let before = self.tokens.len();
            self.normalizer.tokenize_into(&text[l.clone()], &mut self.tokens);
            self.line_tokens.push(before..self.tokens.len());
        }
        if self.tokens.is_empty() {
            return; // No word characters: not a paragraph.
        }
        for l in lines {
            if l.len() <= 80 && crate::listing::is_read_more(&text[l.clone()]) {
                out.shape.read_more();
            }
        }
        // Inside a press release's closing section: all of the block.
        if self.release_left > 0 {
            self.release_left -= 1;
            self.line_kind.extend(lines.iter().map(|_| Some(Boilerplate::Release)));
        } else if lines.len() > 1 {
            // Line-level rules only matter when a block has several lines: share buttons
            // and captions stacked above a paragraph in one block, or a section heading
            // above its first paragraph.
            let mut section = false;
            for (l, r) in lines.iter().zip(&self.line_tokens) {
                let verdict = if section {
                    Some(Boilerplate::Release)
                } else if let Some(span) = self.release_heading(text, l.clone(), r.clone()) {
                    section = true;
                    self.release_left = span.saturating_sub(1);
                    Some(Boilerplate::Release)
                } else {
                    boilerplate::classify(&text[l.clone()], &self.tokens, r.clone())
                };
                self.line_kind.push(verdict);
            }
            // A video's caption: lines stacked above the player's metadata in one block
            // ("Tony Abbott's last word / Watch the press conference in full. / PT6M11S
            // 620 349"). Outlets embed one video under many stories.
            // Only a line already judged a credit can be the metadata (`is_credit` holds
            // the test): the others are not searched again.
            if let Some(k) = lines.iter().zip(&self.line_kind).position(|(l, v)| {
                *v == Some(Boilerplate::Credit) && boilerplate::is_video_caption(&text[l.clone()])
            }) {
                let above = self.line_tokens[0].start..self.line_tokens[k].start;
                if above.len() <= boilerplate::VIDEO_CAPTION_WORDS {
                    for v in &mut self.line_kind[..k] {
                        v.get_or_insert(Boilerplate::Credit);
                    }
                }
            }
        } else if let Some(span) =
            self.release_heading(text, lines[0].clone(), self.line_tokens[0].clone())
        {
            self.release_left = span;
            self.line_kind.push(Some(Boilerplate::Release));
        } else {
            self.line_kind.push(None);
        }
        // Group consecutive lines of the same verdict into paragraphs.
        let mut i = 0;
        while i < lines.len() {
            let verdict = self.line_kind[i];
            let mut j = i + 1;
            while j < lines.len() && self.line_kind[j] == verdict {
                j += 1;
            }
            let span = lines[i].start..lines[j - 1].end;
            let toks = self.line_tokens[i].start..self.line_tokens[j - 1].end;
            if !toks.is_empty() {
                if let Some(b) = verdict {
                    furniture(b, &self.tokens, toks.clone(), out);
                }
                match verdict {
                    Some(b) => out.paragraphs.push(Paragraph {
                        span,
                        tokens: toks.len() as u32,
                        kind: Kind::Boilerplate(b),
                        key: 0,
                        shingles: 0..0,
                        numbers: 0..0,
                        words: 0..0,
                        lang: Lang::UNKNOWN,
                    }),
                    None => self.paragraph(text, span, toks, out),
                }
            }
            i = j;
        }
    }

    fn paragraph(
        &mut self,
        text: &str,
        span: Range<usize>,
        toks: Range<usize>,
        out: &mut DocFingerprint,
    ) {
        if let Some(b) = boilerplate::classify(&text[span.clone()], &self.tokens, toks.clone()) {
            furniture(b, &self.tokens, toks.clone(), out);
            out.paragraphs.push(Paragraph {
                span,
                tokens: toks.len() as u32,
                kind: Kind::Boilerplate(b),
                key: 0,
                shingles: 0..0,
                numbers: 0..0,
                words: 0..0,
                lang: Lang::UNKNOWN,
            });
            return;
        }
        if toks.len() <= MAX_PARAGRAPH_WORDS {
            let tokens = std::mem::take(&mut self.tokens);
            self.body(&tokens, toks, &text[span.clone()], span, out);
            self.tokens = tokens;
            return;
        }
        // A block far longer than a paragraph lost its breaks: cut it into sentences, set
        // aside boilerplate sentences glued into it, and group the rest into passages.
        let mut group: Option<Range<usize>> = None;
        let mut group_words = 0;
        for sentence in segment::sentences(text, span) {
            let mut pt = std::mem::take(&mut self.piece_tokens);
            pt.clear();
            let n = self.normalizer.tokenize_into(&text[sentence.clone()], &mut pt);
            self.piece_tokens = pt;
            if n == 0 {
                continue;
            }
            if let Some(b) =
                boilerplate::classify(&text[sentence.clone()], &self.piece_tokens, 0..n)
            {
                // Before the pending passage is fingerprinted: that reuses the piece buffer.
                furniture(b, &self.piece_tokens, 0..n, out);
                if let Some(g) = group.take() {
                    self.passage(text, g, out);
                    group_words = 0;
                }
                out.paragraphs.push(Paragraph {
                    span: sentence,
                    tokens: n as u32,
                    kind: Kind::Boilerplate(b),
                    key: 0,
                    shingles: 0..0,
                    numbers: 0..0,
                    words: 0..0,
                    lang: Lang::UNKNOWN,
                });
                continue;
            }
            group = Some(group.map_or(sentence.clone(), |g| g.start..sentence.end));
            group_words += n;
            if group_words >= PASSAGE_WORDS {
                if let Some(g) = group.take() {
                    self.passage(text, g, out);
                }
                group_words = 0;
            }
        }
        if let Some(g) = group {
            self.passage(text, g, out);
        }
    }

    fn passage(&mut self, text: &str, span: Range<usize>, out: &mut DocFingerprint) {
        let mut pt = std::mem::take(&mut self.piece_tokens);
        pt.clear();
        self.normalizer.tokenize_into(&text[span.clone()], &mut pt);
        if !pt.is_empty() {
            let n = pt.len();
            self.body(&pt, 0..n, &text[span.clone()], span, out);
        }
        self.piece_tokens = pt;
    }

    fn body(
        &mut self,
        tokens: &Tokens,
        toks: Range<usize>,
        raw: &str,
        span: Range<usize>,
        out: &mut DocFingerprint,
    ) {
        let q = quotes::paragraph(raw, self.introduced);
        self.introduced = q.introduces_next;
        let any_quoted = self.mark_quoted(raw, &q.spans, toks.len());
        self.hashes.clear();
        self.shingler.hashes_marked(tokens, toks.clone(), &self.quoted, &mut self.hashes);
        let n_tokens = toks.len() as u32;
        self.hashes.sort_unstable();
        if boilerplate::is_loop(&self.hashes) {
            out.paragraphs.push(Paragraph {
                span,
                tokens: n_tokens,
                kind: Kind::Boilerplate(Boilerplate::Loop),
                key: 0,
                shingles: 0..0,
                numbers: 0..0,
                words: 0..0,
                lang: Lang::UNKNOWN,
            });
            return;
        }
        self.hashes.dedup();
        if q.signs_previous {
            quote_previous(out);
        }
        let start = out.shingles.len() as u32;
        out.shingles.extend_from_slice(&self.hashes);
        let words = tokens.run(toks.start, toks.end).as_bytes();
        let mut key = xxh3_128_with_seed(words, self.key_seed);
        if any_quoted {
            let marks: Vec<u8> = self.quoted.iter().map(|&b| b as u8).collect();
            key ^= xxh3_128_with_seed(&marks, self.key_seed ^ QUOTE_KEY_SEED);
        }
        out.shape.body(raw, n_tokens);
        let wstart = out.words.len() as u32;
        self.short_tokens +=
            crate::vocabulary::word_set(tokens, toks.clone(), &mut out.words) as u64;
        let nstart = out.numbers.len() as u32;
        anchors::fact_keys(raw, &mut out.numbers);
        let lang = if self.declared.is_known() {
            self.declared
        } else {
            self.detect(tokens, toks, out.paragraphs.len())
        };
        out.paragraphs.push(Paragraph {
            span,
            tokens: n_tokens,
            kind: Kind::Body,
            key,
            shingles: start..out.shingles.len() as u32,
            numbers: nstart..out.numbers.len() as u32,
            words: wstart..out.words.len() as u32,
            lang,
        });
    }

    /// Whether the detected language of `out` is known with confidence: at least
    /// [`CONFIDENT_WORDS`] words of paragraphs detected in it on strong evidence, making at
    /// least half of the body, and a body that reads like prose (fewer than three tokens
    /// in ten of one letter: obfuscated, tabular or URL text fools function-word counts).
    fn confident(&self, out: &DocFingerprint) -> bool {
        if !out.lang.is_known() {
            return false;
        }
        let body: u64 = out.body_tokens();
        let strong: u64 = out
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(i, p)| p.kind == Kind::Body && p.lang == out.lang && !self.weak.contains(i))
            .map(|(_, p)| p.tokens as u64)
            .sum();
        strong >= CONFIDENT_WORDS && strong * 2 >= body && self.short_tokens * 10 < body * 3
    }

    /// The span of the press-release section the line at `span` opens, if it is such a
    /// heading in the later part of the document (see [`boilerplate::release_heading`]).
    fn release_heading(&self, text: &str, span: Range<usize>, toks: Range<usize>) -> Option<usize> {
        if (span.start as f64) < RELEASE_FROM * self.text_len as f64 {
            return None;
        }
        boilerplate::release_heading(&text[span], &self.tokens, toks)
    }

    /// Fills `self.quoted` with one flag per token of `raw` (which has `n` tokens): inside
    /// one of the quoted byte `spans` or not. Returns whether any token is quoted. The
    /// text is tokenized piece by piece between span boundaries, which are quotation
    /// marks (never inside a word), so the pieces' tokens are the paragraph's.
    fn mark_quoted(&mut self, raw: &str, spans: &[Range<usize>], n: usize) -> bool {
        self.quoted.clear();
        if spans.is_empty() {
            return false;
        }
        let mut at = 0;
        for s in spans {
            for (piece, q) in [(at..s.start.max(at), false), (s.start.max(at)..s.end, true)] {
                if piece.is_empty() {
                    continue;
                }
                let k = self.normalizer.count_tokens(&raw[piece], &mut self.quote_tokens);
                self.quoted.extend(std::iter::repeat_n(q, k));
            }
            at = at.max(s.end);
        }
        if at < raw.len() {
            let k = self.normalizer.count_tokens(&raw[at..], &mut self.quote_tokens);
            self.quoted.extend(std::iter::repeat_n(false, k));
        }
        if self.quoted.len() != n {
            // Pieces tokenized differently from the whole (an entity cut in two): leave the
            // paragraph unquoted rather than misplace the flags.
            self.quoted.clear();
            return false;
        }
        self.quoted.iter().any(|&q| q)
    }
}

/// Records the words of a paragraph set aside by rule `b` as furniture (a machine-
/// translation loop is not furniture: its words are the story's).
fn furniture(b: Boilerplate, tokens: &Tokens, toks: Range<usize>, out: &mut DocFingerprint) {
    // A loop is one phrase, not a site's wording; a series header is worded like news.
    if matches!(b, Boilerplate::Loop | Boilerplate::Series) {
        return;
    }
    let start = out.furniture_words.len();
    crate::vocabulary::word_set(tokens, toks, &mut out.furniture_words);
    // Keyed once the document is read ([`DocFingerprint::finish_furniture`]).
    out.furniture.push((0, start as u32..out.furniture_words.len() as u32));
}

/// The key that counts a distinct furniture text once in the corpus's vocabulary: a hash
/// of its word set.
fn furniture_key(set: &[u32]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytemuck::cast_slice(set))
}

/// Seed mixed into a content key for the quotation flags of its words.
const QUOTE_KEY_SEED: u64 = 0x7175_6f74_6564;

/// Marks the last body paragraph of `out` as quoted throughout (it is the text of an
/// embedded post whose signature follows). Its shingles get [`QUOTED`] and its content key
/// changes the same way wherever these words are a post.
fn quote_previous(out: &mut DocFingerprint) {
    let Some(p) = out.paragraphs.iter_mut().rev().find(|p| p.kind == Kind::Body) else {
        return;
    };
    let r = p.shingles.start as usize..p.shingles.end as usize;
    if r.end != out.shingles.len() {
        return; // not the last set written: cannot happen, body sets are appended in order
    }
    let set = &mut out.shingles[r.clone()];
    if set.iter().all(|&h| h & QUOTED != 0) {
        return;
    }
    for h in set.iter_mut() {
        *h |= QUOTED;
    }
    set.sort_unstable();
    let mut v = out.shingles.split_off(r.start);
    v.dedup();
    out.shingles.extend_from_slice(&v);
    p.shingles = r.start as u32..out.shingles.len() as u32;
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&p.key.to_le_bytes());
    p.key = xxh3_128_with_seed(&bytes, QUOTE_KEY_SEED);
}

/// The language most body words are in; whatlang on the text when no paragraph tells.
fn majority_lang(fp: &DocFingerprint, text: &str) -> Lang {
    let mut tally: Vec<(Lang, u64)> = Vec::new();
    for p in fp.paragraphs.iter().filter(|p| p.kind == Kind::Body && p.lang.is_known()) {
        match tally.iter_mut().find(|t| t.0 == p.lang) {
            Some(t) => t.1 += p.tokens as u64,
            None => tally.push((p.lang, p.tokens as u64)),
        }
    }
    match tally.iter().max_by_key(|t| (t.1, std::cmp::Reverse(t.0))) {
        Some(t) => t.0,
        None if fp.paragraphs.iter().any(|p| p.kind == Kind::Body) => {
            lang::detect_text(text).unwrap_or(Lang::UNKNOWN)
        }
        None => Lang::UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(text: &str) -> DocFingerprint {
        Fingerprinter::new(Shingler::new(5, 1)).fingerprint(text)
    }

    #[test]
    fn share_lines_and_caption_stacked_in_one_block_are_separated() {
        let t = "Share on facebook\nShare on twitter\nKim arrives in BeijingReuters\n\n\
                 Russia's Vladimir Putin has thanked North Korean leader Kim Jong Un.";
        let d = fp(t);
        let kinds: Vec<Kind> = d.paragraphs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Boilerplate(Boilerplate::Share),
                Kind::Boilerplate(Boilerplate::Credit),
                Kind::Body
            ]
        );
        assert_eq!(&t[d.paragraphs[0].span.clone()], "Share on facebook\nShare on twitter");
        assert_eq!(d.set(2).len(), 12 - 4, "12 tokens, 8 five-word shingles");
    }

    #[test]
    fn a_video_caption_above_the_players_metadata_is_set_aside() {
        let t = "Tony Abbott's last word\nWatch the last press conference of the outgoing \
                 prime minister in full.\n PT6M11S   620  349\n\n\
                 They are the power couple who have run the party's back room since 2009.";
        let kinds: Vec<Kind> = fp(t).paragraphs.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, vec![Kind::Boilerplate(Boilerplate::Credit), Kind::Body]);
    }

    #[test]
    fn furniture_words_leave_out_what_the_body_is_about() {
        let t = "PARK CITY, Utah -- Calderwick Health Care said today that a trade magazine \
                 ranked the company third among recruitment providers this year.\n\n\
                 The full list of the winners will appear in the magazine's next issue, the \
                 editors said on Wednesday.\n\n\
                 About Calderwick Health Care\n\n\
                 Since 1984, Calderwick Health Care has been a leading provider of staffing \
                 solutions to hospitals and clinics.";
        let d = fp(t);
        let furniture: Vec<u32> = d.furniture_words.clone();
        assert!(!furniture.is_empty(), "the About section is furniture: {:?}", d.paragraphs);
        for w in ["calderwick", "health", "care"] {
            assert!(!furniture.contains(&crate::vocabulary::word_hash(w)), "{w} is the subject");
        }
        for w in ["leading", "solutions", "hospitals"] {
            assert!(furniture.contains(&crate::vocabulary::word_hash(w)), "{w} is furniture");
        }
        // The keys that count each distinct furniture text once follow the words kept.
        for (key, r) in &d.furniture {
            let set = &d.furniture_words[r.start as usize..r.end as usize];
            assert_eq!(*key, furniture_key(set));
        }
    }

    #[test]
    fn equal_words_give_equal_keys_whatever_the_typography() {
        let a = fp("He said “15 000” — today.");
        let b = fp("HE SAID \"15 000\" - today!");
        assert_eq!(a.paragraphs[0].key, b.paragraphs[0].key);
        assert_eq!(a.shingles, b.shingles);
        assert_ne!(fp("He said 15 001 today.").paragraphs[0].key, a.paragraphs[0].key);
    }

    #[test]
    fn long_blocks_become_passages_and_loops_are_dropped() {
        let sentence =
            "The central bank raised its main interest rate by half a point on Tuesday. ";
        let long = sentence.to_string()
            + &(0..40)
                .map(|i| {
                    format!("Analyst {i} expects {} cuts by {}, not {i}. ", i * 7 % 13, 1990 + i)
                })
                .collect::<String>();
        let d = fp(&long);
        assert!(d.paragraphs.len() > 3, "cut into passages");
        assert!(
            d.paragraphs
                .iter()
                .all(|p| p.kind == Kind::Body && p.tokens as usize <= MAX_PARAGRAPH_WORDS)
        );
        let looped =
            "de la guerre de la résistance, et de la fin de la guerre mondiale, ".repeat(6);
        assert_eq!(fp(&looped).paragraphs[0].kind, Kind::Boilerplate(Boilerplate::Loop));
    }

    #[test]
    fn documents_get_a_language_when_it_is_certain_and_the_field_wins() {
        let english = "The two leaders met on Wednesday in Beijing to talk about the war and its costs, and they agreed that their ministers would meet again in the spring.\n\n\
                       Officials from both sides said the talks had been long and difficult, but that there was now a chance of an agreement before the end of the year.";
        let text = format!(
            "{english}\n\nLes deux dirigeants se sont rencontrés mercredi à Pékin pour parler de la guerre.\n\nKim Jong Un"
        );
        let d = Fingerprinter::new(Shingler::new(5, 1)).fingerprint(&text);
        assert!(d.lang_confident);
        assert_eq!(d.lang.to_string(), "en");
        // Paragraphs take the document's language: a detected second language inside a
        // document is noise far more often than not.
        assert!(d.paragraphs.iter().all(|p| p.lang.to_string() == "en"));
        // Too little text to be sure: no language.
        let short = Fingerprinter::new(Shingler::new(5, 1))
            .fingerprint("The two leaders met on Wednesday in Beijing.");
        assert!(!short.lang_confident);
        assert!(!short.lang.is_known());
        // Scrambled text fools function-word counts, not the prose test.
        let scrambled = "-r, -h-r-’- ----h-r w-y -- b--- -h- pr-bl--: --k- -w-y -h- -r-ff-c l-gh- -- -h-- ----r--c----. ".repeat(4);
        assert!(!Fingerprinter::new(Shingler::new(5, 1)).fingerprint(&scrambled).lang_confident);
        let declared =
            Fingerprinter::new(Shingler::new(5, 1)).fingerprint_lang(&text, Some("fr-FR"));
        assert!(declared.lang_confident);
        assert!(declared.paragraphs.iter().all(|p| p.lang.to_string() == "fr"));
    }

    #[test]
    fn empty_and_symbol_only_texts_have_no_paragraphs() {
        assert!(fp("").paragraphs.is_empty());
        assert!(fp("***\n\n---").paragraphs.is_empty());
    }
}
