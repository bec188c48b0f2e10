//! The HTML report: one self-contained file an editor opens offline or receives by mail.
//!
//! It holds the run's pairs, stories and outlet figures and the texts of every matched
//! article, so that a pair page can quote both sides exactly, paragraph by paragraph, with
//! quotations and boilerplate marked. Nothing is fetched: the styles and the script are
//! inlined ([`CSS`], [`SCRIPT`]) and the data is one JSON document, gzip-compressed and
//! base64-encoded inside the page, which the browser's own `DecompressionStream` unpacks.
//! Compression is what keeps the report of a large corpus mailable: news text shrinks
//! about fourfold, base64 costs a third back.
//!
//! The page renders lazily: lists are paginated and filtered in memory, and the words that
//! differ between two paragraphs are computed only when their pair is opened.
//!
//! Every figure and decision comes from the run (relations, directions and why a pair has
//! none, quotations from [`crate::quotes`], boilerplate reasons from the store); the script
//! only arranges them.

use std::io::{self, Write};

use ahash::AHashMap;
use base64::Engine;
use serde::Serialize;

use super::{OutletReport, PairTexts, outlet_report};
use crate::pipeline::MatchRun;
use crate::published::why_undirected;

/// The page's styles.
const CSS: &str = include_str!("html/report.css");
/// The page's script.
const SCRIPT: &str = include_str!("html/report.js");

/// Which view the report opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlView {
    /// The list of article pairs.
    Pairs,
    /// The list of stories.
    Stories,
    /// The outlet table and heat map.
    Outlets,
}

impl HtmlView {
    fn name(self) -> &'static str {
        match self {
            HtmlView::Pairs => "pairs",
            HtmlView::Stories => "stories",
            HtmlView::Outlets => "outlets",
        }
    }
}

/// What was written, for the caller to report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HtmlFigures {
    /// Bytes of the JSON data before compression.
    pub data_bytes: u64,
    /// Bytes of the whole page.
    pub page_bytes: u64,
    /// Matched articles whose text could not be read again (their pages say so).
    pub texts_missing: u64,
}

/// The corpus as the overview shows it.
#[derive(Serialize)]
struct CorpusData<'a> {
    inputs: Vec<String>,
    documents: u64,
    paragraphs: u64,
    body_paragraphs: u64,
    /// Reason, paragraphs, what the reason covers.
    set_aside: Vec<(&'static str, u64, &'static str)>,
    records_skipped: u64,
    outlets: usize,
    generated_by: &'a str,
}

/// One paragraph: its kind (`body` or the reason it was set aside), its text, and its
/// quoted spans as UTF-16 offsets into the text (what the script's strings index).
#[derive(Serialize)]
struct ParaData<'a> {
    k: &'static str,
    t: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    q: Vec<[u32; 2]>,
}

/// One matched article.
#[derive(Serialize)]
struct DocData<'a> {
    id: &'a str,
    outlet: Option<u32>,
    published: Option<&'a str>,
    /// Seconds since the epoch, to place the article on a timeline (earliest plausible
    /// instant of its publication time).
    time: Option<i64>,
    url: Option<&'a str>,
    title: Option<&'a str>,
    lang: String,
    /// `None` when the text could not be read again.
    paragraphs: Option<Vec<ParaData<'a>>>,
}

/// One article pair; `a` and `b` index [`Data::docs`].
#[derive(Serialize)]
struct PairData {
    a: u32,
    b: u32,
    relation: &'static str,
    /// Whether `a` is surely the earlier (the source).
    directed: bool,
    /// Why the dates cannot tell, when they cannot.
    why: Option<&'static str>,
    similarity: f64,
    coverage_a: f64,
    coverage_b: f64,
    shared: u32,
    /// Aligned paragraphs: index in a, index in b, similarity.
    paragraphs: Vec<(u32, u32, f64)>,
}

/// One story; member indices into [`Data::docs`], earliest first.
#[derive(Serialize)]
struct StoryData<'a> {
    id: &'a str,
    members: Vec<u32>,
    origin: Option<u32>,
    origin_certain: bool,
    outlets: usize,
    pairs: usize,
}

#[derive(Serialize)]
struct Data<'a> {
    open: &'static str,
    /// Every relation's name and meaning, in report order.
    relations: Vec<(&'static str, &'static str)>,
    corpus: CorpusData<'a>,
    outlets: Vec<&'a str>,
    docs: Vec<DocData<'a>>,
    pairs: Vec<PairData>,
    stories: Vec<StoryData<'a>>,
    outlet_report: Vec<OutletReport>,
}

/// Writes the report of `run` as one HTML page opening on `open`.
pub fn write_html(run: &MatchRun, open: HtmlView, w: &mut dyn Write) -> io::Result<HtmlFigures> {
    let store = &run.store;
    // The matched articles, in store order, and their place in the page's list.
    let wanted = PairTexts::documents(run);
    let slot: AHashMap<u32, u32> = wanted.iter().enumerate().map(|(i, &d)| (d, i as u32)).collect();
    let texts = PairTexts::of(run).map_err(io::Error::other)?;
    let mut figures = HtmlFigures::default();
    let docs: Vec<DocData<'_>> = wanted
        .iter()
        .map(|&d| {
            let meta = &store.docs[d as usize];
            let paragraphs = texts.text(d).map(|text| paragraphs_of(run, d, text));
            figures.texts_missing += u64::from(paragraphs.is_none());
            DocData {
                id: &meta.id,
                outlet: meta.outlet,
                published: meta.published_raw.as_deref(),
                time: meta.published.map(|p| p.sort_key()),
                url: meta.url.as_deref(),
                title: meta.title.as_deref(),
                lang: meta.language.to_string(),
                paragraphs,
            }
        })
        .collect();
    let at = |d: u32| slot.get(&d).copied().unwrap_or(u32::MAX);
    let pairs = run
        .matches
        .iter()
        .map(|m| {
            let (pa, pb) = (store.docs[m.a as usize].published, store.docs[m.b as usize].published);
            PairData {
                a: at(m.a),
                b: at(m.b),
                relation: m.relation.name(),
                directed: m.source.is_some(),
                why: if m.source.is_some() { None } else { why_undirected(pa, pb) },
                similarity: super::r4(m.similarity),
                coverage_a: super::r4(m.coverage_a),
                coverage_b: super::r4(m.coverage_b),
                shared: m.shared,
                paragraphs: m
                    .paragraphs
                    .iter()
                    .map(|p| (p.a, p.b, super::r4(p.similarity)))
                    .collect(),
            }
        })
        .collect();
    let stories = run
        .stories
        .iter()
        .map(|s| StoryData {
            id: &s.id,
            members: s.members.iter().map(|&d| at(d)).collect(),
            origin: s.origin.map(at),
            origin_certain: s.origin_certain,
            outlets: s.outlets,
            pairs: s.pairs,
        })
        .collect();
    let c = &run.stats.corpus;
    let generated_by = concat!("wirematch ", env!("CARGO_PKG_VERSION"));
    let data = Data {
        open: open.name(),
        relations: crate::align::Relation::ALL.iter().map(|r| (r.name(), r.meaning())).collect(),
        corpus: CorpusData {
            inputs: store.inputs.iter().map(|p| p.display().to_string()).collect(),
            documents: c.documents,
            paragraphs: c.paragraphs,
            body_paragraphs: c.body_paragraphs,
            set_aside: c.boilerplate.iter().map(|&(b, n)| (b.name(), n, b.meaning())).collect(),
            records_skipped: run.stats.records_skipped,
            outlets: store.outlets.len(),
            generated_by,
        },
        outlets: store.outlets.iter().map(|o| &**o).collect(),
        docs,
        pairs,
        stories,
        outlet_report: outlet_report(run),
    };
    let json = serde_json::to_vec(&data)?;
    figures.data_bytes = json.len() as u64;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json)?;
    let packed = base64::engine::general_purpose::STANDARD.encode(gz.finish()?);
    let title = match store.inputs.as_slice() {
        [one] => format!("wirematch report: {}", file_name(one)),
        _ => "wirematch report".to_string(),
    };
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{generated_by}\">\n<title>{}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to the report</a>\n\
         <header class=\"top\"><span class=\"brand\">wirematch</span>\
         <nav aria-label=\"Views\" id=\"views\"></nav></header>\n\
         <div id=\"wm-error\" role=\"alert\" hidden></div>\n\
         <main id=\"main\" tabindex=\"-1\"><p class=\"loading\">Opening the report…</p>\
         <noscript><p>This report needs JavaScript to show its data.</p></noscript></main>\n\
         <script type=\"application/octet-stream\" id=\"wm-data\">{packed}</script>\n\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        html_escape::encode_text(&title),
    );
    w.write_all(page.as_bytes())?;
    figures.page_bytes = page.len() as u64;
    Ok(figures)
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The paragraphs of document `d` with their texts and quoted spans.
fn paragraphs_of<'t>(run: &MatchRun, d: u32, text: &'t str) -> Vec<ParaData<'t>> {
    let paras = run.store.doc_paragraphs(d);
    let spans: Vec<std::ops::Range<usize>> =
        paras.iter().map(|p| if p.text_in(text).is_some() { p.span() } else { 0..0 }).collect();
    let quoted = crate::quotes::document(text, &spans);
    paras
        .iter()
        .zip(&spans)
        .zip(quoted)
        .map(|((p, span), q)| {
            let t = &text[span.clone()];
            let utf16 = |byte: usize| -> u32 {
                let at = byte.saturating_sub(span.start).min(t.len());
                t.get(..at).map_or(0, |s| s.encode_utf16().count() as u32)
            };
            ParaData {
                k: p.kind.name(),
                t,
                q: q.iter().map(|r| [utf16(r.start), utf16(r.end)]).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Detector, Quiet};
    use crate::{Config, Input};

    fn unpack(page: &str) -> serde_json::Value {
        let start = page.find("id=\"wm-data\">").map(|i| i + 13).unwrap_or(0);
        let end = start + page[start..].find("</script>").unwrap_or(0);
        let gz = base64::engine::general_purpose::STANDARD.decode(&page[start..end]).unwrap();
        let mut json = Vec::new();
        io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut json).unwrap();
        serde_json::from_slice(&json).unwrap()
    }

    #[test]
    fn the_page_is_self_contained_and_quotes_both_sides_exactly() {
        let wire = "The central bank raised its main rate by half a point on Tuesday, the third \
                    increase this year, citing inflation that stayed above its target.";
        let quote = "\"We will do what it takes,\" the governor said after the meeting.";
        let other = "Markets had expected a smaller move and the currency rose sharply.";
        let docs = format!(
            "{{\"id\":\"a\",\"outlet\":\"Wire\",\"published\":\"2020-01-01T10:00:00Z\",\"text\":\"{}\\n\\n{}\\n\\nShare on Facebook\"}}\n\
             {{\"id\":\"b\",\"outlet\":\"Paper\",\"text\":\"{}\\n\\n{}\\n\\n{}\"}}\n",
            wire,
            quote.replace('"', "\\\""),
            wire,
            quote.replace('"', "\\\""),
            other
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        std::fs::write(&path, docs).unwrap();
        let run = Detector::new(Config::default())
            .unwrap()
            .run(&[Input::detect(&path).unwrap()], &Quiet)
            .unwrap();
        assert_eq!(run.matches.len(), 1);
        let mut out = Vec::new();
        let figures = write_html(&run, HtmlView::Stories, &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert_eq!(figures.page_bytes, page.len() as u64);
        assert_eq!(figures.texts_missing, 0);
        // Nothing outside the file: no linked scripts, styles, fonts or images.
        for outside in ["<script src", "<link", "@import", "url(", "<img", "http://", "https://"] {
            assert!(!page.contains(outside), "{outside}");
        }
        let data = unpack(&page);
        assert_eq!(data["open"], "stories");
        assert_eq!(data["pairs"].as_array().unwrap().len(), 1);
        let pair = &data["pairs"][0];
        assert_eq!(pair["relation"], run.matches[0].relation.name());
        // b has no date: the pair has no direction, and says why.
        assert_eq!(pair["directed"], false);
        assert!(pair["why"].as_str().unwrap().contains("only one"));
        let a = data["docs"].as_array().unwrap().iter().find(|d| d["id"] == "a").unwrap();
        let texts: Vec<&str> =
            a["paragraphs"].as_array().unwrap().iter().map(|p| p["t"].as_str().unwrap()).collect();
        assert!(texts.contains(&wire) && texts.contains(&quote));
        let kinds: Vec<&str> =
            a["paragraphs"].as_array().unwrap().iter().map(|p| p["k"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"share"), "{kinds:?}");
        // The quoted words are marked, in the script's (UTF-16) offsets.
        let q = a["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["t"] == quote)
            .map(|p| p["q"][0].clone())
            .unwrap();
        let (s, e) = (q[0].as_u64().unwrap() as usize, q[1].as_u64().unwrap() as usize);
        assert!(quote[s..e].contains("We will do what it takes"), "{}", &quote[s..e]);
    }
}
