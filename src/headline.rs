//! Headlines: what an article is about, to tell one story reused from two stories that
//! share furniture.
//!
//! Reuse shares a story, and a story is what its headline says: a reprint of an AP story
//! names the AP story's people and places, retitled or not. On a real crawl most text two
//! articles share without sharing a story is text about neither of them — a regulator's
//! form filled in for two companies ("Form 8.5 … Ball Corp" and "Form 8.5 … Alent Plc"),
//! a rating agency's disclaimer under two ratings, a trading-halt notice for two tickers,
//! a law firm's "announces investigation of X" release, a network's paywall page under
//! two headlines. Two tests tell these apart, each needing both articles to say so:
//!
//! * **two subjects**: each headline has a subject — a capitalised word its own body
//!   uses — that the other article never uses, neither in its body nor in its headline.
//!   The subject of a reprint is in the reprinted text; the name that fills a form's blank
//!   is not in the other filled-in form.
//! * **a headline untold**: one article's body uses no content word of its own headline
//!   (three letters or more, not a function word: [`crate::lang::is_function_word`]), so
//!   what was extracted is not the story the headline announces (a page of site
//!   furniture, a "this feed has moved" notice, an error page), and whatever it shares
//!   is not that story either. One headline over both ([`titles_agree`]) is one article
//!   sent again, whatever its text.
//!
//! Such a match still stands when the text it shares is a story's: aligned, in the same
//! article, in a match of two articles that tell one story. A local article that prints
//! a few paragraphs of a wire story about something else shares them with the wire
//! story's reprints too; a form, a notice or a site's furniture is nobody's story. Each
//! side must say so: either its shared paragraphs are aligned in a match of one story
//! too, or they are a minor part of it printed in one place (half its text at most, in a
//! few runs of paragraphs: a story printed inside a host article). A filled-in form shares
//! its labels with another company's form between every value of its own, all down the
//! page, and the form printed by a second outlet vouches for nothing. A trading-halt
//! notice for one ticker is mostly the regulator's standard paragraph, which a re-sent
//! notice for another ticker vouches for; the notice itself tells that story with nobody.
//!
//! Both tests need a title on both sides in one language (a translation's headline shares
//! no words with its original's). A headline's first word is capitalised
//! whatever it is, so it is a subject only as an acronym or a name its body writes as one
//! ([`crate::anchors::names`], or the first word of a name standing on its own line, as
//! forms print the company they are filled in for: [`crate::anchors::fact_keys`]); the
//! outlet's own name is never one ("… | Daily Union").
//! Words are compared as the word sets the store keeps for every body paragraph
//! ([`crate::vocabulary::word_hash`]), so the test costs a few binary searches per match,
//! and a headline a few dozen bytes per document.

use rayon::prelude::*;

use crate::align::ArticleMatch;
use crate::fingerprint::{DocFingerprint, Kind};
use crate::normalize::{Normalizer, is_word_char};
use crate::store::Store;
use crate::vocabulary::word_hash;

/// What a document's headline says, as far as telling stories apart needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headline {
    /// Word hashes ([`word_hash`]): first the subject's, then all the headline's; each
    /// part sorted.
    keys: Box<[u32]>,
    /// How many of `keys` are the subject.
    subject: u16,
    /// The headline has content words and the body uses none of them.
    untold: bool,
}

impl Headline {
    /// The headline of a document titled `title`, published by `outlet`, fingerprinted as
    /// `fp` (its body paragraphs' facts and words).
    pub fn of(title: Option<&str>, outlet: Option<&str>, fp: &DocFingerprint) -> Headline {
        let Some(title) = title.filter(|t| !t.trim().is_empty()) else {
            return Headline::default();
        };
        let title = html_escape::decode_html_entities(title);
        let title = &*title;
        let mut normalizer = Normalizer::new();
        let outlet: Vec<u32> = outlet
            .map(|o| normalizer.tokenize(o).iter().map(word_hash).collect())
            .unwrap_or_default();
        let body: Vec<usize> =
            (0..fp.paragraphs.len()).filter(|&i| fp.paragraphs[i].kind == Kind::Body).collect();
        let in_body = |w: u32| body.iter().any(|&i| fp.words(i).binary_search(&w).is_ok());

        // The subject: capitalised words of the headline that its body writes as names
        // (capitalised where no sentence starts, or acronyms). A title-case headline
        // capitalises every word; only names say what it is about.
        let mut subject: Vec<u32> = Vec::new();
        let mut tokens = crate::normalize::Tokens::new();
        for part in title.split(|c: char| !is_word_char(c)).filter(|p| !p.is_empty()) {
            let mut chars = part.chars();
            let capital = chars.next().is_some_and(char::is_uppercase);
            if !capital || chars.next().is_none() || part.chars().all(char::is_numeric) {
                continue;
            }
            let key = crate::anchors::name_key(&part.to_lowercase());
            if !body.iter().any(|&p| fp.numbers(p).binary_search(&key).is_ok()) {
                continue;
            }
            tokens.clear();
            normalizer.tokenize_into(part, &mut tokens);
            for w in tokens.iter().filter(|w| !crate::lang::is_function_word(w)) {
                let h = word_hash(w);
                if !outlet.contains(&h) {
                    subject.push(h);
                }
            }
        }
        subject.sort_unstable();
        subject.dedup();
        subject.truncate(MAX_WORDS);

        // Every word of the headline (what another article's headline mentions), and the
        // content words among them.
        let all = normalizer.tokenize(title);
        let mut words: Vec<u32> = all.iter().map(word_hash).collect();
        words.sort_unstable();
        words.dedup();
        words.truncate(MAX_WORDS);
        let content: Vec<u32> = all
            .iter()
            .filter(|w| w.chars().count() >= 3 && !w.chars().all(char::is_numeric))
            .filter(|w| !crate::lang::is_function_word(w))
            .map(word_hash)
            .filter(|h| !outlet.contains(h))
            .collect();
        let told = content.iter().any(|&h| in_body(h));
        let count = subject.len() as u16;
        subject.extend(words);
        Headline {
            keys: subject.into_boxed_slice(),
            subject: count,
            untold: !content.is_empty() && !told,
        }
    }

    /// Words of the headline's subject (hashes as [`crate::vocabulary::word_hash`]
    /// makes them), sorted.
    pub fn subject(&self) -> &[u32] {
        &self.keys[..self.subject as usize]
    }

    /// Whether the headline has word `w` (hashed).
    fn has_word(&self, w: u32) -> bool {
        self.keys[self.subject as usize..].binary_search(&w).is_ok()
    }

    /// Whether the headline has content words its body never uses.
    pub fn untold(&self) -> bool {
        self.untold
    }

    /// Heap bytes.
    pub fn heap_bytes(&self) -> usize {
        self.keys.len() * 4
    }
}

/// Share of an article that a story printed inside it covers at most: beyond, what it
/// shares is most of its text, and not a story inserted into its own.
const INSERT_COVERAGE: f32 = 0.5;

/// Runs of paragraphs a story printed inside an article takes at most. A host article
/// prints a story it quotes in one place (a paragraph of the host's own may break it once
/// or twice); a form filled in for another company shares its labels between every value
/// of its own, all down the page.
const INSERT_RUNS: usize = 3;

/// How many runs paragraphs `own` (sorted, distinct indices into `paras`) make: a run
/// breaks where a body paragraph that is not shared stands between two that are (what
/// was set aside — captions, credits, templates — does not break it).
fn runs(paras: &[crate::store::ParaMeta], own: &[u32]) -> usize {
    let breaks = own
        .windows(2)
        .filter(|w| {
            let between = paras.get(w[0] as usize + 1..w[1] as usize).unwrap_or_default();
            between.iter().any(|p| p.kind == Kind::Body)
        })
        .count();
    breaks + usize::from(!own.is_empty())
}

/// Words of a headline kept at most (a headline is a line, not a page).
const MAX_WORDS: usize = 64;

/// Whether document `d` uses word `w` (hashed): in its headline or in its body
/// paragraphs (as fingerprinted: text set aside later as a template or recurring furniture
/// still counts).
fn mentions(store: &Store, d: u32, w: u32) -> bool {
    store.docs[d as usize].headline.has_word(w)
        || store
            .doc_paragraphs(d)
            .iter()
            .any(|p| p.unique != u32::MAX && store.words_of(p.unique).binary_search(&w).is_ok())
}

/// Whether articles `a` and `b` tell different stories by their headlines (see the module
/// documentation): whatever text they share is then no evidence that one reused the other.
pub fn different_stories(store: &Store, a: u32, b: u32) -> bool {
    let (da, db) = (&store.docs[a as usize], &store.docs[b as usize]);
    if da.language != db.language {
        return false;
    }
    let (ha, hb) = (&da.headline, &db.headline);
    // A text that does not tell its own headline is not that story; but one headline
    // over two texts is one article sent again, whatever its text.
    if ha.untold || hb.untold {
        if let (Some(ta), Some(tb)) = (da.title.as_deref(), db.title.as_deref()) {
            if !titles_agree(ta, tb) {
                return true;
            }
        }
    }
    let own_subject =
        |h: &Headline, other: u32| h.subject().iter().any(|&k| !mentions(store, other, k));
    own_subject(ha, b) && own_subject(hb, a)
}

/// Which of `matches` are between articles telling different stories, sharing text that
/// is not a story's (see the module documentation): one flag per match. Matches flagged
/// in `skip` (a listing page's) neither count nor vouch for others. `told_elsewhere(d,
/// paragraphs)` says whether paragraphs of document `d` are aligned in a match of one
/// story that `matches` does not hold (an index query asks the stored run's matches).
pub fn unrelated(
    store: &Store,
    matches: &[ArticleMatch],
    skip: &[bool],
    told_elsewhere: impl Fn(u32, &[u32]) -> bool + Sync,
) -> Vec<bool> {
    let different: Vec<bool> = matches
        .par_iter()
        .zip(skip)
        .map(|(m, &skip)| !skip && different_stories(store, m.a, m.b))
        .collect();
    if !different.contains(&true) {
        return different;
    }
    // (document, match) of every match of one story, by document.
    let mut story: Vec<(u32, usize)> = Vec::new();
    for (i, m) in matches.iter().enumerate() {
        if !skip[i] && !different[i] {
            story.push((m.a, i));
            story.push((m.b, i));
        }
    }
    story.sort_unstable();
    matches
        .par_iter()
        .enumerate()
        .map(|(i, m)| {
            if !different[i] {
                return false;
            }
            let told = |d: u32, own: &[u32]| {
                let from = story.partition_point(|e| e.0 < d);
                story[from..].iter().take_while(|e| e.0 == d).any(|&(_, j)| {
                    let theirs = matches[j].own_paragraphs(d == matches[j].a);
                    own.iter().any(|p| theirs.binary_search(p).is_ok())
                }) || told_elsewhere(d, own)
            };
            let (own_a, own_b) = (m.own_paragraphs(true), m.own_paragraphs(false));
            let (told_a, told_b) = (told(m.a, &own_a), told(m.b, &own_b));
            // Each side either tells the story too, or prints it as a part of its own text,
            // in one place: a trading notice or a filled-in form that is mostly what it
            // shares, or that shares it between every line of its own, and tells no story
            // with anyone, is the form, whoever else prints the same form. And a story
            // printed inside another article is in one place on one side at least: forms
            // of two companies, each printed by two outlets, are told by their reprints,
            // and share their labels all down both pages.
            let placed_a = runs(store.doc_paragraphs(m.a), &own_a) <= INSERT_RUNS;
            let placed_b = runs(store.doc_paragraphs(m.b), &own_b) <= INSERT_RUNS;
            let inserted = |told: bool, coverage: f32, placed: bool| {
                told || (coverage <= INSERT_COVERAGE && placed)
            };
            let story_text = (told_a || told_b)
                && (placed_a || placed_b)
                && inserted(told_a, m.coverage_a, placed_a)
                && inserted(told_b, m.coverage_b, placed_b);
            !story_text
        })
        .collect()
}

/// Whether two titles are one headline: at least half the words (of three letters or more)
/// of the shorter one are in the other — the same article, perhaps retitled as it was
/// updated or corrected ("… 3RD QTR JAN 31", "CORRECTED-… 3RD QTR NET"). An empty title
/// agrees with anything.
pub fn titles_agree(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    let common = wa.iter().filter(|w| wb.binary_search(w).is_ok()).count();
    let smaller = wa.len().min(wb.len());
    smaller == 0 || common * 2 >= smaller
}

/// Whether two titles are the same headline, stricter than [`titles_agree`]: every word (of three
/// letters or more, the outlet's name left out) of one title is in the other. A page sent
/// again weeks later is sent under its headline, a section or a word added at most
/// ("… | Politics"); two titles each naming what the other does not ("How to draw
/// Hamail", "How to draw Heart S") are two pages of one series, however many words they
/// share. An empty title agrees with anything.
pub fn one_headline(a: &str, b: &str, outlet: Option<&str>) -> bool {
    let outlet_words: Vec<String> = outlet.map(words).unwrap_or_default();
    let content = |t: &str| -> Vec<String> {
        let mut w = words(t);
        w.retain(|w| !outlet_words.contains(w));
        w
    };
    let (wa, wb) = (content(a), content(b));
    let (small, large) = if wa.len() <= wb.len() { (&wa, &wb) } else { (&wb, &wa) };
    small.iter().all(|w| large.binary_search(w).is_ok())
}

/// A title's words of three letters or more, lower-cased, sorted and distinct.
fn words(t: &str) -> Vec<String> {
    let mut w: Vec<String> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    w.sort_unstable();
    w.dedup();
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::Fingerprinter;
    use crate::shingle::Shingler;

    fn headline(title: &str, outlet: Option<&str>, text: &str) -> Headline {
        let fp = Fingerprinter::new(Shingler::new(5, 1)).fingerprint(text);
        Headline::of(Some(title), outlet, &fp)
    }

    const BODY: &str = "Police in Harlow searched the moor on Tuesday for a missing walker, officers said.\n\n\
        The search around Calder Ridge was called off at dusk and will resume in the morning.";

    #[test]
    fn the_subject_is_the_headline_words_its_body_writes_as_names() {
        let h = headline("Search for walker resumes near Calder Ridge", None, BODY);
        let subject: Vec<u32> = {
            let mut v: Vec<u32> = ["calder", "ridge"].iter().map(|w| word_hash(w)).collect();
            v.sort_unstable();
            v
        };
        // "Search" and "walker" are no names in the body; "resumes" is lower case.
        assert_eq!(h.subject(), &subject[..]);
        assert!(!h.untold());
        // A first word the body writes as a name counts.
        let h = headline("Harlow police search moor", None, BODY);
        assert!(h.subject().contains(&word_hash("harlow")));
    }

    #[test]
    fn an_outlet_name_is_no_subject_and_no_content() {
        let h = headline("Walker missing | Harlow Gazette", Some("Harlow Gazette"), BODY);
        assert!(h.subject().is_empty());
        let h = headline("Harlow Gazette", Some("Harlow Gazette"), BODY);
        assert!(!h.untold(), "a headline of only the outlet's name says nothing");
    }

    #[test]
    fn shared_paragraphs_break_into_runs_only_at_unshared_body_text() {
        use crate::boilerplate::Boilerplate;
        use crate::store::ParaMeta;
        let para = |kind| ParaMeta {
            doc: 0,
            start: 0,
            len: 0,
            tokens: 0,
            kind,
            unique: 0,
            lang: crate::lang::Lang::UNKNOWN,
        };
        // body, caption, body, body, body, body
        let mut paras = vec![para(Kind::Body); 6];
        paras[1] = para(Kind::Boilerplate(Boilerplate::Credit));
        assert_eq!(runs(&paras, &[]), 0);
        assert_eq!(runs(&paras, &[0, 2, 3]), 1, "a caption does not break a run");
        assert_eq!(runs(&paras, &[0, 3]), 2, "a body paragraph of the host's does");
        let labels = vec![para(Kind::Body); 7];
        assert_eq!(runs(&labels, &[0, 2, 4, 6]), 4, "label, value, label, value…");
    }

    #[test]
    fn a_body_that_never_uses_its_headline_leaves_it_untold() {
        let notice = "We've moved! Update your reader now. This feed has moved to a new address.";
        assert!(headline("How to draw Hamail", None, notice).untold());
        assert!(!headline("Feed moved", None, notice).untold());
        // Function words and numbers are not content.
        assert!(!headline("The 2015 of", None, notice).untold());
        assert!(!Headline::of(None, None, &DocFingerprint::default()).untold());
    }

    #[test]
    fn prepositions_do_not_tell_a_headline() {
        let furniture = "Plug your news into the daily news cycle with our release service.";
        assert!(headline("Small Plane Crashes Into Wooded Area", None, furniture).untold());
        assert!(!headline("Plane crashes into the cycle path", None, furniture).untold());
    }

    #[test]
    fn titles_agree_by_half_their_words() {
        assert!(titles_agree("Alvarez vows committee will act", "Senator Alvarez vows action"));
        assert!(titles_agree("HARPER INTL <HNT> 3RD QTR JAN 31", "HARPER INTL <HNT> 3RD QTR NET"));
        assert!(!titles_agree("Alvarez vows committee will act", "Festival draws crowds"));
        assert!(titles_agree("", "Anything at all"));
    }

    #[test]
    fn one_headline_is_one_titles_words_inside_the_others() {
        assert!(one_headline("Plane crashes in Iowa", "Plane crashes in Iowa, two dead", None));
        assert!(one_headline("Holy Grail | Politics", "Holy Grail", None));
        let gazette = Some("Harlow Gazette");
        assert!(one_headline("Holy Grail found", "Holy Grail | Harlow Gazette", gazette));
        assert!(!one_headline("Holy Grail found", "Holy Grail | Harlow Gazette", None));
        assert!(!one_headline("How to draw HAMAIL", "How to draw HEART S", None));
        assert!(!one_headline(
            "HARPER INTL <HNT> 3RD QTR JAN 31",
            "HARPER INTL <HNT> 3RD QTR NET",
            None
        ));
        assert!(!one_headline("Alvarez vows committee will act", "Festival draws crowds", None));
        assert!(one_headline("", "Anything at all", None));
    }
}
