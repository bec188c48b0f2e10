//! What real crawls share without reusing each other: quotations, furniture many outlets
//! print, listing pages, and noise that looks like another language. Each case is a corpus
//! built here, run through the library as `match` runs it.

use std::collections::BTreeSet;

use wirematch::align::Relation;
use wirematch::{Config, Detector, Document, MatchRun, Quiet};

/// Deterministic prose that no two calls share: words drawn from a vocabulary by a seeded
/// generator, in sentences, with a name and a figure each.
fn prose(seed: u64, sentences: usize) -> String {
    const WORDS: &[&str] = &[
        "council",
        "budget",
        "river",
        "school",
        "market",
        "road",
        "hospital",
        "farmers",
        "residents",
        "officials",
        "company",
        "plant",
        "harbour",
        "police",
        "court",
        "bridge",
        "teachers",
        "museum",
        "station",
        "festival",
        "league",
        "club",
        "coach",
        "season",
        "voters",
        "mayor",
        "district",
        "county",
        "water",
        "energy",
        "prices",
        "wages",
        "rent",
        "tenants",
        "trains",
        "airport",
        "flights",
        "weather",
        "storm",
        "harvest",
        "orchard",
        "library",
        "parents",
        "pupils",
        "nurses",
        "doctors",
        "clinic",
        "plans",
        "report",
        "inquiry",
        "scheme",
        "grant",
        "repairs",
        "traffic",
        "cyclists",
        "park",
        "lake",
    ];
    const VERBS: &[&str] = &[
        "approved",
        "rejected",
        "delayed",
        "discussed",
        "praised",
        "questioned",
        "funded",
        "opened",
        "closed",
        "expanded",
        "reviewed",
        "welcomed",
        "criticised",
        "announced",
    ];
    const NAMES: &[&str] = &[
        "Harlow", "Fenwick", "Ostrava", "Calder", "Brixham", "Tilbury", "Morwen", "Dunmore",
        "Kestrel", "Alston", "Pembury", "Roscoe", "Wexford", "Gaskell", "Hadley", "Ilford",
    ];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5151;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut out = String::new();
    for s in 0..sentences {
        let w = |k: usize| WORDS[k];
        let sentence = format!(
            "The {} of {} {} the {} {} on {} after {} {} and {} {} {}. ",
            w(next(WORDS.len())),
            NAMES[next(NAMES.len())],
            VERBS[next(VERBS.len())],
            w(next(WORDS.len())),
            w(next(WORDS.len())),
            ["Monday", "Tuesday", "Friday", "Sunday"][next(4)],
            w(next(WORDS.len())),
            VERBS[next(VERBS.len())],
            w(next(WORDS.len())),
            seed * 100 + s as u64,
            w(next(WORDS.len())),
        );
        out.push_str(&sentence);
        if s % 2 == 1 {
            out.push_str("\n\n");
        }
    }
    out.trim().to_string()
}

fn run(cfg: Config, docs: Vec<Document<'static>>) -> MatchRun {
    Detector::new(cfg).expect("config").run_documents(docs, &Quiet).expect("run")
}

fn pairs(run: &MatchRun) -> BTreeSet<(String, String, Relation)> {
    run.matches
        .iter()
        .map(|m| {
            let (a, b) = (&run.store.docs[m.a as usize].id, &run.store.docs[m.b as usize].id);
            (a.min(b).to_string(), a.max(b).to_string(), m.relation)
        })
        .collect()
}

const TWEET: &str = "Today we honor the brave men and women who serve our great nation, and we will never forget the sacrifice of their families";

#[test]
fn fifty_outlets_quoting_one_tweet_and_sharing_nothing_else_make_no_pair() {
    let docs: Vec<Document<'static>> = (0..50u64)
        .map(|i| {
            // Every convention an outlet may use to carry the statement.
            let quoted = match i % 5 {
                0 => format!("“{TWEET},” the president wrote on Twitter on Wednesday."),
                1 => format!("The president wrote on Twitter: \"{TWEET}.\""),
                2 => format!("The president tweeted:\n\n{TWEET}.\n\n— The President (@POTUS) November 11, 2015"),
                3 => format!("In a post, the president said: {TWEET}."),
                _ => format!("> {TWEET}."),
            };
            let text = format!("{}\n\n{quoted}\n\n{}", prose(i, 4), prose(1000 + i, 4));
            Document::new(format!("d{i:02}"), text)
                .with_outlet(format!("Outlet {i}"))
                .with_published(format!("2015-11-11T{:02}:{:02}:00Z", 10 + i / 10, i % 60))
        })
        .collect();
    let r = run(Config::default(), docs.clone());
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
    // With --quotes they are reported, as quotes.
    let q = run(Config { quotes: true, ..Config::default() }, docs);
    assert!(q.matches.len() >= 100, "{}", q.matches.len());
    assert!(q.matches.iter().all(|m| m.relation == Relation::Quote));
}

const NOTICE: &str = "Subscription Required. An online service is needed to view this article in its entirety. You need an online service to view this article in its entirety. Login or choose an online service. Current print subscribers need an account? Create one now.";

#[test]
fn a_paywall_notice_printed_by_thirty_unrelated_outlets_makes_no_pair() {
    // All month long, in the middle of each article: only its recurrence tells.
    let spread: Vec<Document<'static>> = (0..30u64)
        .map(|i| {
            let text = format!("{}\n\n{NOTICE}\n\n{}", prose(i, 3), prose(500 + i, 3));
            Document::new(format!("p{i:02}"), text)
                .with_outlet(format!("Paper {i}"))
                .with_published(format!("2015-09-{:02}T08:00:00Z", 1 + i))
        })
        .collect();
    let r = run(Config::default(), spread);
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
    assert!(r.stats.recurring_shingles > 0);
    // All on one day, at the end of each article: it is what sites print after the story.
    let same_day: Vec<Document<'static>> = (0..30u64)
        .map(|i| {
            let text = format!("{}\n\n{NOTICE}", prose(2000 + i, 6));
            Document::new(format!("q{i:02}"), text)
                .with_outlet(format!("Paper {i}"))
                .with_published(format!("2015-09-15T{:02}:00:00Z", i % 24))
        })
        .collect();
    let r = run(Config::default(), same_day);
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
}

#[test]
fn one_wire_story_reprinted_by_thirty_outlets_with_its_quotes_is_found_as_copy() {
    let story = format!(
        "WASHINGTON (AP) — {}\n\n\"We are not going to let this stand,\" Senator Maria Alvarez said at a news conference on Tuesday, adding that the committee would meet again.\n\n{}\n\n“The numbers speak for themselves,” the agency's director told reporters. “We expect a decision by Friday.”\n\n{}",
        prose(7, 2),
        prose(8, 2),
        prose(9, 2)
    );
    let docs: Vec<Document<'static>> = (0..30u64)
        .map(|i| {
            // Each outlet adds its own lede to a third of the reprints, and its own footer.
            let lede =
                if i % 3 == 0 { format!("{}\n\n", prose(300 + i, 1)) } else { String::new() };
            Document::new(
                format!("r{i:02}"),
                format!("{lede}{story}\n\nCopyright 2015 Outlet {i}."),
            )
            .with_outlet(format!("Outlet {i}"))
            .with_published(format!("2015-10-06T{:02}:30:00Z", 8 + i / 4))
        })
        .collect();
    let r = run(Config::default(), docs);
    let found = pairs(&r);
    assert_eq!(found.len(), 30 * 29 / 2, "every pair of reprints");
    assert!(found.iter().all(|p| p.2 == Relation::Copy), "{found:?}");
}

#[test]
fn a_listing_page_is_not_reported_as_reuse_of_the_stories_it_lists() {
    let stories: Vec<String> = (0..5u64).map(|i| prose(40 + i, 8)).collect();
    let lede = |s: &str| s.split("\n\n").next().unwrap_or("").to_string();
    // An aggregator page: each item is a headline and the story's lede cut short.
    let mut page = String::new();
    for (i, s) in stories.iter().enumerate() {
        let l = lede(s);
        let cut: String = l.split_whitespace().take(24).collect::<Vec<_>>().join(" ");
        page.push_str(&format!("Headline number {i} of the day\n\n{cut} ...\n\n"));
    }
    let mut docs: Vec<Document<'static>> = stories
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Document::new(format!("story{i}"), s.clone())
                .with_outlet(format!("Paper {i}"))
                .with_published("2015-09-21T09:00:00Z")
        })
        .collect();
    docs.push(
        Document::new("aggregator", page)
            .with_outlet("News Aggregator")
            .with_published("2015-09-21T12:00:00Z"),
    );
    let r = run(Config::default(), docs.clone());
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
    let l = run(Config { listings: true, ..Config::default() }, docs);
    let found = pairs(&l);
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(
        found
            .iter()
            .all(|p| p.2 == Relation::Listing && (p.0 == "aggregator" || p.1 == "aggregator"))
    );
}

#[test]
fn a_one_language_corpus_without_lang_never_starts_the_translation_stage() {
    // English articles, and the noise real crawls carry: a score table, scrambled
    // paywall text, a list of names, a page of links.
    let mut docs: Vec<Document<'static>> =
        (0..20u64).map(|i| Document::new(format!("e{i}"), prose(900 + i, 6))).collect();
    docs.push(Document::new(
        "table",
        "Kipnis dh 5 0 0 0 Reyes ss 4 1 2 1 Lindor ss 4 0 1 0\n\nSantana 1b 3 0 0 0 Bruce rf 4 1 1 2 a de la o y e\n\nTotals 35 2 6 2 Totals 34 4 9 4",
    ));
    docs.push(Document::new(
        "scrambled",
        "-r, -h-r-’- ----h-r w-y -- b--- -h- pr-bl--: --k- -w-y -h- -r-ff-c l-gh- -- -h-- ----r--c----. --k- -- - 4-w-y ---p. W--h -h--- l-v-bl- ---p --g--. a w z o i na do nie",
    ));
    docs.push(Document::new(
        "links",
        "au-jour-le-jour-ready-to-wear-spring-summer-2016-milan-16223-looks-20150927-811506 de la le les des du en",
    ));
    let r = run(Config::default(), docs);
    assert_eq!(r.stats.translation.skipped.as_deref(), Some("one language in the corpus"));
    assert_eq!(r.stats.translation.documents_read, 0);
}

#[test]
fn a_french_article_among_english_ones_is_still_found_without_lang() {
    let text = std::fs::read_to_string(crate::util::bilingual()).expect("bilingual corpus");
    let docs: Vec<Document<'static>> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            Document::new(s("id"), s("text"))
                .with_outlet(s("outlet"))
                .with_published(s("published"))
        })
        .chain((0..30u64).map(|i| {
            Document::new(format!("bg{i}"), prose(1200 + i, 6))
                .with_outlet("Background")
                .with_published("2023-03-04T12:00:00Z")
        }))
        .collect();
    let r = run(Config::default(), docs);
    let found: BTreeSet<(String, String)> = r
        .matches
        .iter()
        .filter(|m| m.relation == Relation::Translation)
        .map(|m| {
            let (a, b) = (&r.store.docs[m.a as usize].id, &r.store.docs[m.b as usize].id);
            (a.min(b).to_string(), a.max(b).to_string())
        })
        .collect();
    assert!(found.contains(&("monde-ecb-fr".to_string(), "wire-ecb-en".to_string())), "{found:?}");
}
