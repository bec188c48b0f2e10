//! The paragraphs report: one record per document with its paragraphs, each with the
//! decision taken about it (body, or the reason it was set aside), as `wirematch
//! paragraphs` prints it. Tools read the JSONL form to export the extracted text.

use serde::Serialize;

use crate::pipeline::MatchRun;

/// One paragraph of a [`ParagraphRecord`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParagraphItem<'a> {
    /// Index among the document's paragraphs (as in the pair reports).
    pub index: u32,
    /// `body`, or the reason it was set aside (see [`crate::boilerplate::Boilerplate`]).
    pub kind: &'static str,
    /// Language of the paragraph (`?` when unknown).
    pub lang: String,
    /// Word tokens.
    pub words: u32,
    /// The paragraph's text, as in the input.
    pub text: &'a str,
}

/// One document and its paragraphs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParagraphRecord<'a> {
    /// Document id.
    pub id: &'a str,
    /// URL, when the input gave one.
    pub url: Option<&'a str>,
    /// Outlet, when known.
    pub outlet: Option<&'a str>,
    /// Publication time as given.
    pub published: Option<&'a str>,
    /// Language of the document (declared, else detected; `?` when unknown).
    pub lang: String,
    /// Title, when the input gave one.
    pub title: Option<&'a str>,
    /// The paragraphs in text order.
    pub paragraphs: Vec<ParagraphItem<'a>>,
}

/// The record of document `d` of a finished run, whose text is `text` (as the run read
/// it: see [`MatchRun::texts`]).
pub fn paragraph_records<'a>(run: &'a MatchRun, d: u32, text: &'a str) -> ParagraphRecord<'a> {
    let store = &run.store;
    let doc = &store.docs[d as usize];
    let paragraphs = store
        .doc_paragraphs(d)
        .iter()
        .enumerate()
        .map(|(i, p)| ParagraphItem {
            index: i as u32,
            kind: p.kind.name(),
            lang: p.lang.to_string(),
            words: p.tokens,
            text: p.text_in(text).unwrap_or(""),
        })
        .collect();
    ParagraphRecord {
        id: &doc.id,
        url: doc.url.as_deref(),
        outlet: store.outlet_of(d),
        published: doc.published_raw.as_deref(),
        lang: doc.language.to_string(),
        title: doc.title.as_deref(),
        paragraphs,
    }
}
