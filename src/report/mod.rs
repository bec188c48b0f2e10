//! Reports: article pairs, stories and outlets, as JSONL, CSV, a terminal table or an HTML
//! page.
//!
//! The JSONL pair record is a contract (other tools and the evaluation scorer read it):
//! `a`, `b` (document ids), `relation`, `source` (id or null), `similarity`, `coverage_a`,
//! `coverage_b`, `outlet_a`, `outlet_b`, `published_a`, `published_b`, `paragraphs` (list of
//! `{a, b, similarity}` paragraph indices), plus `shared`. Field names are stable; new
//! fields may be added. Numbers are rounded to 4 decimals so that output is byte-stable.

mod html;
mod outlets;
mod paragraphs;
mod table;

use std::io::{self, Write};

use serde::Serialize;

use crate::align::ArticleMatch;
use crate::cluster::Story;
use crate::pipeline::MatchRun;
use crate::store::Store;

pub use html::{HtmlFigures, HtmlView, write_html};
pub use outlets::{OutletReport, SourceShare, outlet_report};
pub use paragraphs::{ParagraphItem, ParagraphRecord, paragraph_records};
pub use table::{
    counted, note, printable, thousands, write_outlets_table, write_pairs_table,
    write_stories_table,
};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned, readable text.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header.
    Csv,
    /// One self-contained HTML page (see [`write_html`]).
    Html,
}

fn r4(x: f32) -> f64 {
    (x as f64 * 10_000.0).round() / 10_000.0
}

/// One paragraph pair of a [`PairRow`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParagraphRow<'a> {
    /// Paragraph index in a.
    pub a: u32,
    /// Paragraph index in b.
    pub b: u32,
    /// Jaccard similarity of the two paragraphs' shingle sets.
    pub similarity: f64,
    /// The paragraph of a, with `--with-text` (empty when its input could not be read again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_a: Option<&'a str>,
    /// The paragraph of b, with `--with-text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_b: Option<&'a str>,
}

/// The texts of matched articles, read again from the inputs, to quote their paragraphs.
pub struct PairTexts(ahash::AHashMap<u32, String>);

impl PairTexts {
    /// The texts of every article in `run`'s pairs.
    pub fn of(run: &MatchRun) -> crate::error::Result<PairTexts> {
        Ok(PairTexts(run.texts(&Self::documents(run))?))
    }

    /// The matched articles, in store order.
    pub fn documents(run: &MatchRun) -> Vec<u32> {
        let mut docs: Vec<u32> = run.matches.iter().flat_map(|m| [m.a, m.b]).collect();
        docs.sort_unstable();
        docs.dedup();
        docs
    }

    /// The text of document `d`, when it could be read again.
    pub fn text(&self, d: u32) -> Option<&str> {
        self.0.get(&d).map(String::as_str)
    }

    /// Paragraph `i` of document `d` ("" when the text could not be read again).
    fn paragraph<'a>(&'a self, store: &Store, d: u32, i: u32) -> &'a str {
        let Some(text) = self.text(d) else { return "" };
        let Some(p) = store.doc_paragraphs(d).get(i as usize) else { return "" };
        p.text_in(text).unwrap_or("")
    }
}

/// One article pair as written to JSONL/CSV.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairRow<'a> {
    /// Id of side a (the source when known).
    pub a: &'a str,
    /// Id of side b.
    pub b: &'a str,
    /// `copy`, `partial` or `rewrite`.
    pub relation: &'static str,
    /// Id of the source (earlier) article, or null when undecidable.
    pub source: Option<&'a str>,
    /// Verbatim share of the reused copy.
    pub similarity: f64,
    /// Share of a's body in aligned paragraphs.
    pub coverage_a: f64,
    /// Share of b's body in aligned paragraphs.
    pub coverage_b: f64,
    /// Shingles shared through aligned paragraphs.
    pub shared: u32,
    /// Outlet of a.
    pub outlet_a: Option<&'a str>,
    /// Outlet of b.
    pub outlet_b: Option<&'a str>,
    /// Publication time of a, as given.
    pub published_a: Option<&'a str>,
    /// Publication time of b, as given.
    pub published_b: Option<&'a str>,
    /// Aligned paragraphs.
    pub paragraphs: Vec<ParagraphRow<'a>>,
}

impl<'a> PairRow<'a> {
    /// The row for match `m`.
    pub fn new(store: &'a Store, m: &ArticleMatch) -> Self {
        Self::quoting(store, m, None)
    }

    /// The row for match `m`, each aligned paragraph with its texts when `texts` are given.
    pub fn quoting(store: &'a Store, m: &ArticleMatch, texts: Option<&'a PairTexts>) -> Self {
        let (da, db) = (&store.docs[m.a as usize], &store.docs[m.b as usize]);
        PairRow {
            a: &da.id,
            b: &db.id,
            relation: m.relation.name(),
            source: m.source.map(|s| &*store.docs[s as usize].id),
            similarity: r4(m.similarity),
            coverage_a: r4(m.coverage_a),
            coverage_b: r4(m.coverage_b),
            shared: m.shared,
            outlet_a: store.outlet_of(m.a),
            outlet_b: store.outlet_of(m.b),
            published_a: da.published_raw.as_deref(),
            published_b: db.published_raw.as_deref(),
            paragraphs: m
                .paragraphs
                .iter()
                .map(|p| ParagraphRow {
                    a: p.a,
                    b: p.b,
                    similarity: r4(p.similarity),
                    text_a: texts.map(|t| t.paragraph(store, m.a, p.a)),
                    text_b: texts.map(|t| t.paragraph(store, m.b, p.b)),
                })
                .collect(),
        }
    }
}

/// Writes the pairs as JSONL. Rows are serialised in parallel, in chunks, and written in
/// order.
pub fn write_pairs_jsonl(run: &MatchRun, w: &mut dyn Write) -> io::Result<()> {
    write_pairs_jsonl_quoting(run, None, w)
}

/// [`write_pairs_jsonl`], each aligned paragraph with its texts (`text_a`, `text_b`) when
/// `texts` are given.
pub fn write_pairs_jsonl_quoting(
    run: &MatchRun,
    texts: Option<&PairTexts>,
    w: &mut dyn Write,
) -> io::Result<()> {
    use rayon::prelude::*;
    for chunk in run.matches.chunks(1 << 14) {
        let parts: Vec<io::Result<Vec<u8>>> = chunk
            .par_chunks(512)
            .map(|c| {
                let mut buf = Vec::with_capacity(c.len() * 400);
                for m in c {
                    serde_json::to_writer(&mut buf, &PairRow::quoting(&run.store, m, texts))?;
                    buf.push(b'\n');
                }
                Ok(buf)
            })
            .collect();
        for p in parts {
            w.write_all(&p?)?;
        }
    }
    Ok(())
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// Writes the pairs as CSV; `paragraphs` becomes `a-b:similarity` items joined by `;`.
pub fn write_pairs_csv(run: &MatchRun, w: &mut dyn Write) -> io::Result<()> {
    write_pairs_csv_quoting(run, None, w)
}

/// [`write_pairs_csv`] with two more columns when `texts` are given, `texts_a` and
/// `texts_b`: the aligned paragraphs of each side, in the order of `paragraphs`, separated
/// by a blank line.
pub fn write_pairs_csv_quoting(
    run: &MatchRun,
    texts: Option<&PairTexts>,
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    let mut header = vec![
        "a",
        "b",
        "relation",
        "source",
        "similarity",
        "coverage_a",
        "coverage_b",
        "shared",
        "outlet_a",
        "outlet_b",
        "published_a",
        "published_b",
        "paragraphs",
    ];
    if texts.is_some() {
        header.extend(["texts_a", "texts_b"]);
    }
    c.write_record(&header).map_err(csv_err)?;
    for m in &run.matches {
        let r = PairRow::quoting(&run.store, m, texts);
        let paras: Vec<String> =
            r.paragraphs.iter().map(|p| format!("{}-{}:{}", p.a, p.b, p.similarity)).collect();
        let mut record = vec![
            r.a,
            r.b,
            r.relation,
            r.source.unwrap_or(""),
            &r.similarity.to_string(),
            &r.coverage_a.to_string(),
            &r.coverage_b.to_string(),
            &r.shared.to_string(),
            r.outlet_a.unwrap_or(""),
            r.outlet_b.unwrap_or(""),
            r.published_a.unwrap_or(""),
            r.published_b.unwrap_or(""),
            &paras.join(";"),
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<String>>();
        if texts.is_some() {
            let side = |a: bool| -> String {
                let texts: Vec<&str> = r
                    .paragraphs
                    .iter()
                    .map(|p| if a { p.text_a } else { p.text_b }.unwrap_or(""))
                    .collect();
                texts.join("\n\n")
            };
            record.push(side(true));
            record.push(side(false));
        }
        c.write_record(&record).map_err(csv_err)?;
    }
    c.flush()
}

/// One story as written to JSONL/CSV.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryRow<'a> {
    /// Canonical id (smallest member id).
    pub id: &'a str,
    /// Number of articles.
    pub articles: usize,
    /// Distinct outlets.
    pub outlets: usize,
    /// Matched pairs inside the story.
    pub pairs: usize,
    /// Earliest dated article.
    pub origin: Option<&'a str>,
    /// Its outlet.
    pub origin_outlet: Option<&'a str>,
    /// Its publication time, as given.
    pub origin_published: Option<&'a str>,
    /// Whether the origin is surely earlier than every other dated member.
    pub origin_certain: bool,
    /// Member ids, earliest first.
    pub members: Vec<&'a str>,
}

impl<'a> StoryRow<'a> {
    /// The row for story `s`.
    pub fn new(store: &'a Store, s: &'a Story) -> Self {
        StoryRow {
            id: &s.id,
            articles: s.members.len(),
            outlets: s.outlets,
            pairs: s.pairs,
            origin: s.origin.map(|o| &*store.docs[o as usize].id),
            origin_outlet: s.origin.and_then(|o| store.outlet_of(o)),
            origin_published: s
                .origin
                .and_then(|o| store.docs[o as usize].published_raw.as_deref()),
            origin_certain: s.origin_certain,
            members: s.members.iter().map(|&d| &*store.docs[d as usize].id).collect(),
        }
    }
}

/// Writes stories as JSONL.
pub fn write_stories_jsonl(run: &MatchRun, w: &mut dyn Write) -> io::Result<()> {
    for s in &run.stories {
        serde_json::to_writer(&mut *w, &StoryRow::new(&run.store, s))?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes stories as CSV (members joined by `;`).
pub fn write_stories_csv(run: &MatchRun, w: &mut dyn Write) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "id",
        "articles",
        "outlets",
        "pairs",
        "origin",
        "origin_outlet",
        "origin_published",
        "origin_certain",
        "members",
    ])
    .map_err(csv_err)?;
    for s in &run.stories {
        let r = StoryRow::new(&run.store, s);
        c.write_record([
            r.id,
            &r.articles.to_string(),
            &r.outlets.to_string(),
            &r.pairs.to_string(),
            r.origin.unwrap_or(""),
            r.origin_outlet.unwrap_or(""),
            r.origin_published.unwrap_or(""),
            &r.origin_certain.to_string(),
            &r.members.join(";"),
        ])
        .map_err(csv_err)?;
    }
    c.flush()
}

/// Writes the outlet report as JSONL.
pub fn write_outlets_jsonl(report: &[OutletReport], w: &mut dyn Write) -> io::Result<()> {
    for o in report {
        serde_json::to_writer(&mut *w, o)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes the outlet report as CSV (sources as `outlet:articles/paragraphs` joined by `;`).
pub fn write_outlets_csv(report: &[OutletReport], w: &mut dyn Write) -> io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "outlet",
        "articles",
        "body_paragraphs",
        "articles_reusing",
        "paragraphs_reused",
        "articles_undirected",
        "stories_first",
        "sources",
        "articles_translated",
        "paragraphs_translated",
        "translated_from",
    ])
    .map_err(csv_err)?;
    let fmt = |v: &[SourceShare]| -> String {
        v.iter()
            .map(|s| format!("{}:{}/{}", s.outlet, s.articles, s.paragraphs))
            .collect::<Vec<_>>()
            .join(";")
    };
    for o in report {
        c.write_record([
            o.outlet.as_str(),
            &o.articles.to_string(),
            &o.body_paragraphs.to_string(),
            &o.articles_reusing.to_string(),
            &o.paragraphs_reused.to_string(),
            &o.articles_undirected.to_string(),
            &o.stories_first.to_string(),
            &fmt(&o.sources),
            &o.articles_translated.to_string(),
            &o.paragraphs_translated.to_string(),
            &fmt(&o.translated_from),
        ])
        .map_err(csv_err)?;
    }
    c.flush()
}
