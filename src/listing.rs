//! Listing pages: aggregators, section fronts, roundups and "related stories" blocks.
//!
//! A listing page carries the headlines and teasers of many stories; each of its items can
//! match the story it announces, and two listing pages of one network share many items.
//! Neither is one article reusing another: a listing page's matches are reported with
//! relation `listing` only on request ([`crate::config::Config::listings`]).
//!
//! A story's snippet is a listing of one: a page of a few paragraphs (200 words at most)
//! whose last is cut short by an ellipsis (a "read the full story" line may follow), as an
//! aggregator or a feed prints the opening of the story it links to. Every match of a snippet page is a listing, however much of the page
//! it covers: the page is the story's teaser, not a reprint of it.
//!
//! Otherwise a page is recognised two ways, and a match is a listing when one of its
//! articles is a listing page and what the pair shares is a minor part of that page (less
//! than half of it), or when both articles are listing pages:
//!
//! * **by its shape** ([`PageShape`], measured while fingerprinting): most body
//!   paragraphs are teasers (cut short by an ellipsis, or running on into the next
//!   headline after one) or bare headlines (a dozen words or fewer with no sentence end),
//!   or it is a teaser followed by a "read the full story" line, or a roundup of items each
//!   followed by one or closing on one ("… More here.");
//! * **by its matches**: it carries the ledes of three articles that are different
//!   stories — through disjoint sets of its paragraphs, each a minor part of it, each
//!   including the other article's first body paragraph, no two of the three matching
//!   each other. Two would not do (an article may well combine two wire stories), nor
//!   would paragraphs other than ledes (three local stories each quoting another
//!   paragraph of one wire story make the wire story no listing).
//!
//! Cost: O(paragraphs) while fingerprinting, O(matches · log) afterwards.

use std::ops::Range;

use crate::align::{ArticleMatch, Relation};

/// What a page is made of, counted over its body paragraphs: enough to tell a listing
/// page from an article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PageShape {
    /// Body paragraphs.
    pub paragraphs: u16,
    /// Of those, teasers: text cut short by an ellipsis, at its end or before the next
    /// headline.
    pub teasers: u16,
    /// Of those, bare headlines: a dozen words or fewer, no sentence end.
    pub headlines: u16,
    /// Lines inviting to read the full story ("Read more", "Click here to read the full
    /// story"), body or boilerplate.
    pub read_more: u16,
    /// Words of the body paragraphs (saturating).
    pub words: u16,
    /// The last body paragraph (a "read the full story" line after it aside) ends with an
    /// ellipsis: the text is cut short.
    pub cut_at_end: bool,
}

/// Words a snippet page has at most ([`PageShape::is_snippet`]): the opening paragraphs
/// of a story, not the story.
const SNIPPET_WORDS: u16 = 200;

/// Words of a paragraph up to which it may be a bare headline.
const HEADLINE_WORDS: u32 = 12;

impl PageShape {
    /// Counts one body paragraph with `words` words and text `raw`.
    pub fn body(&mut self, raw: &str, words: u32) {
        self.paragraphs = self.paragraphs.saturating_add(1);
        self.words = self.words.saturating_add(words.min(u16::MAX as u32) as u16);
        let t = raw.trim();
        // A "read the full story" line after the cut text leaves the page cut short.
        let cut = ends_cut(t);
        if cut != self.cut_at_end && (t.len() > 80 || !is_read_more(t)) {
            self.cut_at_end = cut;
        }
        // An item that closes on an invitation to read the story elsewhere ("… More
        // here.") is a roundup's item followed by its link, as a line of its own would be.
        if t.len() > 80 && ends_with_read_more(t) {
            self.read_more();
        }
        if is_teaser(t) {
            self.teasers = self.teasers.saturating_add(1);
        } else if words <= HEADLINE_WORDS
            && !t.ends_with(['.', '!', '?', '"', '”', '»', ':', ';', ')'])
            && !tabular(t)
        {
            self.headlines = self.headlines.saturating_add(1);
        }
    }

    /// Counts a line inviting to read the full story.
    pub fn read_more(&mut self) {
        self.read_more = self.read_more.saturating_add(1);
    }

    /// Whether the page is a story's snippet: a few paragraphs, the last cut short by an
    /// ellipsis, as an aggregator or a feed prints the opening of a story it links to
    /// (see the module documentation).
    pub fn is_snippet(&self) -> bool {
        self.cut_at_end && self.words <= SNIPPET_WORDS
    }

    /// Whether the page looks like a listing page (see the module documentation).
    pub fn is_listing(&self) -> bool {
        let (n, t, h, r) = (
            self.paragraphs as u32,
            self.teasers as u32,
            self.headlines as u32,
            self.read_more as u32,
        );
        (n >= 4 && t * 10 >= n * 4)
            || (n >= 6 && h * 10 >= n * 6)
            || (n <= 2 && t >= 1 && r >= 1)
            || r >= 2
    }
}

/// A line of a table (figures, scores, earnings), not a headline: digits in a fifth of its
/// words or more.
fn tabular(t: &str) -> bool {
    let words = t.split_whitespace().count().max(1);
    let numeric = t.split_whitespace().filter(|w| w.bytes().any(|b| b.is_ascii_digit())).count();
    numeric * 5 >= words
}

/// A teaser: text that an ellipsis cuts short, at its end, or mid-paragraph before a
/// capitalised headline (aggregators run teaser and next headline together).
fn is_teaser(t: &str) -> bool {
    use memchr::memmem;
    if ends_cut(t) {
        return true;
    }
    // An ellipsis followed by a space and a capital, after a word.
    let b = t.as_bytes();
    let next_is_headline = |after: usize| {
        let rest = &t[after.min(t.len())..];
        let trimmed = rest.trim_start();
        trimmed.len() + 2 <= rest.len() && trimmed.starts_with(char::is_uppercase)
    };
    // Finders built once: building one per call cost more than the search.
    static DOTS: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    static ELLIPSIS: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    DOTS.get_or_init(|| memmem::Finder::new("...")).find_iter(b).any(|i| next_is_headline(i + 3))
        || ELLIPSIS
            .get_or_init(|| memmem::Finder::new("…"))
            .find_iter(b)
            .any(|i| next_is_headline(i + "…".len()))
}

/// Whether text ends with an ellipsis (a closing bracket may follow): cut short.
fn ends_cut(t: &str) -> bool {
    let end = t.trim_end_matches(|c: char| c.is_whitespace() || c == ']' || c == ')');
    end.ends_with("...") || end.ends_with('…')
}

/// Words of a line that invite to read the full story, lower-cased: the line holds one of
/// these and little else.
const READ_MORE: &[&str] = &[
    "read more",
    "read the full story",
    "read the full article",
    "read full story",
    "read full article",
    "click here to read the full story",
    "click here to read more",
    "continue reading",
    "full story",
    "more here",
    "lire la suite",
    "weiterlesen",
    "leer más",
    "seguir leyendo",
];

/// Whether a short line invites to read the full story.
pub fn is_read_more(raw: &str) -> bool {
    static WORDS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let ac = WORDS.get_or_init(|| {
        // Built from constants: cannot fail (every test of this module would).
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(READ_MORE)
            .expect("read-more patterns are valid")
    });
    // Most short lines hold none of the phrases: one search, no allocation.
    if !ac.is_match(raw) {
        return false;
    }
    let t = raw.trim().trim_end_matches(['.', '»', '>', '…', ' ', ':']).to_lowercase();
    t.split_whitespace().count() <= 8 && READ_MORE.iter().any(|p| holds_phrase(&t, p))
}

/// Whether `text` holds `phrase` as words, not inside others ("spread more", "More
/// Hereford roads closed" hold none).
fn holds_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Whether a paragraph's last sentence is an invitation to read the full story and
/// nothing else ("Councillors voted to … More here."): the sentence before it ended, so
/// prose that merely says "read more" or "the full story" is not one. A text an ellipsis
/// cuts before the invitation is a teaser, counted as such ([`is_teaser`]): a sidebar of
/// them beside an article does not make the article a roundup of summaries.
fn ends_with_read_more(t: &str) -> bool {
    let end = t.trim_end_matches(|c: char| c.is_whitespace() || ".»>›…:".contains(c));
    // The longest phrase is 33 bytes: only the paragraph's tail can hold one.
    let mut from = end.len().saturating_sub(40);
    while !end.is_char_boundary(from) {
        from += 1;
    }
    let tail = end[from..].to_lowercase();
    READ_MORE.iter().any(|p| {
        tail.strip_suffix(p).is_some_and(|before| {
            // On a line of its own the invitation is a read-more line, counted as such.
            let gap = &before[before.trim_end().len()..];
            let before = before.trim_end();
            before.ends_with(['.', '!', '?', '"', '”', ')', '»'])
                && !ends_cut(before)
                && !gap.contains('\n')
        })
    })
}

/// The matches that are listings (see the module documentation): their indices in
/// `matches`, sorted. `listing_page(d)` tells whether document `d` has a listing shape,
/// `lede(d)` which of its paragraphs is its first body paragraph.
pub fn find(
    matches: &[ArticleMatch],
    n_docs: usize,
    listing_page: impl Fn(u32) -> bool,
    snippet_page: impl Fn(u32) -> bool,
    lede: impl Fn(u32) -> Option<u32>,
) -> Vec<usize> {
    // Per document: (partner, coverage of the document's side, its aligned paragraphs),
    // for the matches that carry the partner's lede.
    let mut by_doc: Vec<Vec<(u32, f32, Range<usize>)>> = vec![Vec::new(); n_docs];
    let mut paras: Vec<u32> = Vec::new();
    for m in matches.iter().filter(|m| m.relation.is_reuse()) {
        for (d, other, cov, side_a) in
            [(m.a, m.b, m.coverage_a, true), (m.b, m.a, m.coverage_b, false)]
        {
            let partner_lede = lede(other);
            let carries_lede =
                m.paragraphs.iter().any(|p| Some(if side_a { p.b } else { p.a }) == partner_lede);
            if !carries_lede {
                continue;
            }
            let start = paras.len();
            paras.extend(m.paragraphs.iter().map(|p| if side_a { p.a } else { p.b }));
            paras[start..].sort_unstable();
            let mut end = start;
            for i in start..paras.len() {
                if end == start || paras[i] != paras[end - 1] {
                    paras[end] = paras[i];
                    end += 1;
                }
            }
            paras.truncate(end);
            by_doc[d as usize].push((other, cov, start..end));
        }
    }
    let mut pairs: Vec<(u32, u32)> = matches
        .iter()
        .filter(|m| m.relation.is_reuse())
        .map(|m| (m.a.min(m.b), m.a.max(m.b)))
        .collect();
    pairs.sort_unstable();
    let matched = |x: u32, y: u32| pairs.binary_search(&(x.min(y), x.max(y))).is_ok();
    let disjoint = |r: &Range<usize>, s: &Range<usize>| {
        crate::verify::intersection(&paras[r.clone()], &paras[s.clone()]) == 0
    };
    // A page whose minor parts match three different stories through different paragraphs.
    let carries_stories = |d: u32| {
        let minor: Vec<&(u32, f32, Range<usize>)> =
            by_doc[d as usize].iter().filter(|e| e.1 < 0.5).collect();
        // Bounded: a page with hundreds of matches is decided by its first 32.
        let minor = &minor[..minor.len().min(32)];
        let apart = |i: usize, j: usize| {
            disjoint(&minor[i].2, &minor[j].2) && !matched(minor[i].0, minor[j].0)
        };
        (0..minor.len()).any(|i| {
            (i + 1..minor.len())
                .any(|j| apart(i, j) && (j + 1..minor.len()).any(|k| apart(i, k) && apart(j, k)))
        })
    };
    let mut listing_doc: Vec<Option<bool>> = vec![None; n_docs];
    let mut is_listing = |d: u32| -> bool {
        *listing_doc[d as usize].get_or_insert_with(|| listing_page(d) || carries_stories(d))
    };
    let mut out = Vec::new();
    for (i, m) in matches.iter().enumerate() {
        if !m.relation.is_reuse() || m.relation == Relation::Translation {
            continue;
        }
        let (la, lb) = (is_listing(m.a), is_listing(m.b));
        let snippet = snippet_page(m.a) || snippet_page(m.b);
        if snippet || (la && (lb || m.coverage_a < 0.5)) || (lb && m.coverage_b < 0.5) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_page_cut_by_an_ellipsis_is_a_snippet() {
        let shape = |paragraphs: &[&str]| {
            let mut s = PageShape::default();
            for p in paragraphs {
                s.body(p, p.split_whitespace().count() as u32);
            }
            s
        };
        let opening = "The council approved the harbour plan on Monday after a long debate";
        assert!(shape(&[&format!("{opening} ...")]).is_snippet());
        assert!(shape(&[&format!("{opening}…"), "Read the full article"]).is_snippet());
        assert!(!shape(&[&format!("{opening}.")]).is_snippet(), "not cut");
        assert!(!shape(&[&format!("{opening} ..."), "Officials said more."]).is_snippet());
        let long = format!("{} ...", [opening; 20].join(" "));
        assert!(!shape(&[&long]).is_snippet(), "a story cut late is more than a snippet");
    }

    #[test]
    fn teasers_and_headlines_make_a_listing_shape() {
        let mut s = PageShape::default();
        for i in 0..5 {
            s.body(
                &format!("Officials said on Monday that the plan number {i} would go ahead ...     Next headline {i} here"),
                20,
            );
        }
        s.body("A full paragraph of an article, with its sentence end.", 10);
        assert!(s.is_listing(), "{s:?}");
        let mut article = PageShape::default();
        for _ in 0..8 {
            article.body(
                "The council voted on Tuesday to raise taxes by two percent, officials said.",
                14,
            );
        }
        article.body("Related", 1);
        assert!(!article.is_listing(), "{article:?}");
        let mut teaser = PageShape::default();
        teaser.body("The vast majority of us will never get to drive the new car…", 12);
        teaser.read_more();
        assert!(teaser.is_listing());
    }

    #[test]
    fn an_item_closing_on_its_link_counts_as_a_read_more_line() {
        assert!(ends_with_read_more(
            "Councillor Helen Leach says she is livid her colleagues put cyclists first. More here."
        ));
        assert!(ends_with_read_more(
            "The region's fire risk is forecast to be above average. Read more »"
        ));
        assert!(!ends_with_read_more("She said she would tell the full story."));
        assert!(!ends_with_read_more("Anyone who wants to can read more"));
        assert!(!ends_with_read_more("More here."), "a bare line is is_read_more's");
        assert!(
            !ends_with_read_more("The council approved the new bike lanes on Tuesday.\nMore here."),
            "a line of its own is counted by is_read_more, not twice"
        );
        assert!(ends_with_read_more(
            "Le conseil a voté le budget mardi soir. Lire la suite\u{a0}»"
        ));
        assert!(
            !ends_with_read_more(
                "Drag and drop files between your Mac and your iPhone or... Read more"
            ),
            "a cut teaser is a teaser"
        );
        let mut roundup = PageShape::default();
        for item in [
            "Footpaths not bike lanes: a councillor is livid her colleagues put cyclists first. More here.",
            "Brewers to test their mettle: homemade frothies will be poured this Sunday at the hotel. More here.",
            "Risky fire season ahead: the region's fire risk is forecast to be above average. More here.",
        ] {
            roundup.body(item, item.split_whitespace().count() as u32);
        }
        assert!(roundup.is_listing());
        let mut article = PageShape::default();
        for p in [
            "The council voted on Tuesday to build new bike lanes along the main road this year.",
            "Councillor Helen Leach said she would read more of the report before the next vote.",
            "The works are due to start in March and to take about six months to finish in all.",
        ] {
            article.body(p, p.split_whitespace().count() as u32);
        }
        assert!(!article.is_listing());
    }

    #[test]
    fn read_more_lines() {
        assert!(!is_read_more("More Hereford roads closed by floods"), "a phrase is whole words");
        assert!(!is_read_more("Flu spread more quickly this winter"));
        assert!(is_read_more(" Click here to read the full story. "));
        assert!(is_read_more("Read more »"));
        assert!(!is_read_more(
            "Read more about the budget in our analysis of the numbers on page two today."
        ));
    }
}
