//! What real crawls share without reusing each other: quotations, furniture many outlets
//! print, listing pages, and noise that looks like another language. Each case is a corpus
//! built here, run through the library as `match` runs it.

use std::collections::BTreeSet;

use wirematch::align::Relation;
use wirematch::{Config, Detector, Document, MatchRun, Quiet};

/// Deterministic prose that no two calls share: words drawn from a vocabulary by a seeded
/// generator, in sentences, with a name and a figure each.
pub fn prose(seed: u64, sentences: usize) -> String {
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
            // Outlets retitle: sentence case, title case, a quote, a local angle naming
            // the town of their own lede.
            let town = ["Harlow", "Fenwick", "Ostrava", "Calder"][(i / 3 % 4) as usize];
            let title = match i % 4 {
                _ if i % 3 == 0 => format!("{town} reacts as Senator Alvarez vows action"),
                0 => "Senator Alvarez vows committee will act".to_string(),
                1 => "Committee To Meet Again, Alvarez Says".to_string(),
                2 => "Alvarez: 'We are not going to let this stand'".to_string(),
                _ => "Agency expects decision by Friday".to_string(),
            };
            // Each outlet adds its own lede to a third of the reprints, and its own footer.
            let lede = if i % 3 == 0 {
                format!("Residents of {town} gathered on Monday. {}\n\n", prose(300 + i, 1))
            } else {
                String::new()
            };
            Document::new(
                format!("r{i:02}"),
                format!("{lede}{story}\n\nCopyright 2015 Outlet {i}."),
            )
            .with_outlet(format!("Outlet {i}"))
            .with_title(title)
            .with_published(format!("2015-10-06T{:02}:30:00Z", 8 + i / 4))
        })
        .collect();
    let r = run(Config::default(), docs);
    let found = pairs(&r);
    assert_eq!(found.len(), 30 * 29 / 2, "every pair of reprints");
    assert!(found.iter().all(|p| p.2 == Relation::Copy), "{found:?}");
}

/// A disclosure form as regulators publish it: fixed text with blanks.
pub fn form(company: &str, trader: &str, n: u64) -> String {
    format!(
        "FORM 8.5 (EPT/RI)\n\nPUBLIC DEALING DISCLOSURE BY AN EXEMPT PRINCIPAL TRADER WITH RECOGNISED INTERMEDIARY STATUS DEALING IN A CLIENT-SERVING CAPACITY\n\n\
         Rule 8.5 of the Takeover Code (the \"Code\")\n\n1. KEY INFORMATION\n\n(a) Name of exempt principal trader:\n\n{trader}\n\n\
         (b) Name of offeror/offeree in relation to whose relevant securities this form relates: Use a separate form for each offeror/offeree\n\n{company}\n\n\
         (c) Name of the party to the offer with which exempt principal trader is connected\n\n(d) Date dealing undertaken: {n} September 2015\n\n\
         2. DEALINGS BY THE EXEMPT PRINCIPAL TRADER\n\nWhere there have been dealings in more than one class of relevant securities of the offeror or offeree named in 1(b), copy table 2(a) or (b) (as appropriate) for each additional class of relevant security dealt in.\n\n\
         The currency of all prices and other monetary amounts should be stated.\n\n(a) Purchases and sales\n\nClass of relevant security, purchase/sale, number of securities, price per unit: {n}0,000 ordinary shares at {n}.25\n\n\
         3. OTHER INFORMATION\n\nDetails of any indemnity or option arrangement, or any agreement or understanding, formal or informal, relating to relevant securities which may be an inducement to deal or refrain from dealing entered into by the exempt principal trader making the disclosure and any party to the offer or any person acting in concert with a party to the offer.\n\n\
         Irrevocable commitments and letters of intent should not be included. If there are no such agreements, arrangements or understandings, state \"none\"."
    )
}

#[test]
fn one_form_filled_in_for_three_companies_by_three_outlets_makes_no_pair() {
    // Three filings are too few for the text to recur across news cycles (and each outlet
    // prints one, so it is no outlet's template): only their headlines tell.
    const FILED: &[(&str, &str, &str)] = &[
        ("Ball Corporation", "Credit Suisse Securities", "MoneyAM"),
        ("Alent Plc", "Morgan Stanley", "TrustNet"),
        ("Royal Dutch Shell Plc", "Barclays Capital", "Investegate"),
    ];
    let docs: Vec<Document<'static>> = FILED
        .iter()
        .enumerate()
        .map(|(i, (company, trader, outlet))| {
            Document::new(format!("f{i:02}"), form(company, trader, 1 + i as u64))
                .with_outlet(*outlet)
                .with_title(format!("{trader} : Form 8.5 (EPT/RI) - {company}"))
                .with_published(format!("2015-09-{:02}T10:00:00Z", 1 + 9 * i))
        })
        .collect();
    let r = run(Config::default(), docs.clone());
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
    assert!(r.stats.different_stories > 0);
    // Two filings for one company are one story, and are still found.
    let mut again = docs;
    again.push(
        Document::new("f12", form("Alent Plc", "Morgan Stanley", 30))
            .with_outlet("Investegate")
            .with_title("Morgan Stanley : Form 8.5 (EPT/RI) - Alent Plc")
            .with_published("2015-09-12T10:00:00Z"),
    );
    let found = pairs(&run(Config::default(), again));
    assert!(found.iter().any(|p| p.0 == "f01" && p.1 == "f12"), "{found:?}");
}

/// A disclosure form as the regulator's table prints it: a label, then the value filled
/// in for `company`, all down the page.
fn table_form(company: &str, n: u64) -> String {
    const LABELS: &[&str] = &[
        "Name of the exempt principal trader making the disclosure:",
        "Name of the offeror or offeree whose relevant securities this form relates to:",
        "Date on which the dealing in relevant securities was undertaken:",
        "Class of relevant security dealt in by the trader:",
        "Number of relevant securities purchased on that date:",
        "Highest price per unit paid for the relevant securities:",
        "Number of relevant securities sold on that date:",
        "Lowest price per unit received for the relevant securities:",
        "Nature of any dealing in derivatives referenced to the securities:",
        "Number of reference securities to which the derivative relates:",
        "Details of any indemnity or option arrangement entered into by the trader:",
        "Date of disclosure to the regulator and contact name for queries:",
    ];
    let mut out = String::new();
    for (k, label) in LABELS.iter().enumerate() {
        let v = n * 1000 + k as u64 * 37;
        out.push_str(&format!(
            "{label}\n\n{company} ordinary shares of {v} pence each, {} per cent of the class, settled through the {company} register\n\n",
            v % 97
        ));
    }
    out.trim().to_string()
}

#[test]
fn forms_of_two_companies_each_printed_by_two_outlets_pair_only_per_company() {
    // Each company's form is printed by two outlets: those two tell one story, and their
    // match must not vouch for the labels the other company's form shares too. (Four
    // forms are too few for the labels to recur across news cycles, and no outlet prints
    // two: no rule but the headlines' tells them apart.)
    const COMPANIES: &[&str] = &["Ball Corporation", "Alent Plc"];
    const OUTLETS: &[&str] = &["MoneyAM", "Investegate", "TrustNet", "London Stock Exchange"];
    let mut docs: Vec<Document<'static>> = Vec::new();
    for (i, company) in COMPANIES.iter().enumerate() {
        for j in 0..2 {
            docs.push(
                Document::new(format!("f{i}{j}"), table_form(company, 3 + i as u64))
                    .with_outlet(OUTLETS[2 * i + j])
                    .with_title(format!("Form 8.5 (EPT/RI) - {company}"))
                    .with_published(format!("2015-09-{:02}T1{j}:00:00Z", 1 + 8 * i)),
            );
        }
    }
    let r = run(Config::default(), docs);
    let expected: BTreeSet<(String, String, Relation)> =
        (0..2).map(|i| (format!("f{i}0"), format!("f{i}1"), Relation::Copy)).collect();
    assert_eq!(pairs(&r), expected);
    assert_eq!(r.stats.different_stories, 4);
}

#[test]
fn one_traders_forms_for_three_companies_titled_by_company_make_no_pair() {
    // One trader files for every company it deals in, and the crawl titles each filing
    // by the company alone, abbreviated: the filled-in name on its own line is all that
    // tells the filings apart.
    const FILED: &[(&str, &str)] = &[
        ("Ball Corporation", "Form 8.5 (EPT/NON-RI) Ball Corp"),
        ("Alent Plc", "Form 8.5 (EPT/RI) - Alent"),
        ("Rexam Plc", "Form 8.5 (EPT/RI) Rexam"),
    ];
    let docs: Vec<Document<'static>> = FILED
        .iter()
        .enumerate()
        .map(|(i, (company, title))| {
            Document::new(format!("f{i}"), form(company, "Credit Suisse Securities", 3 + i as u64))
                .with_outlet(["MoneyAM", "TrustNet", "Investegate"][i])
                .with_title(*title)
                .with_published(format!("2015-09-{:02}T10:00:00Z", 10 + i))
        })
        .collect();
    let r = run(Config::default(), docs);
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
    assert_eq!(r.stats.different_stories, 3);
}

#[test]
fn installments_of_a_live_series_sharing_only_their_header_make_no_pair() {
    // AP's "The Latest": every installment opens with the series' standing header, then
    // its own timed entries. Two installments share the header and nothing else; two
    // printings of one installment are a copy.
    let header = "CAIRO — The latest developments after Egyptian troops mistakenly opened fire on \
                  a group of Mexican tourists in the western desert. All times local:";
    let installment = |seed: u64| {
        format!(
            "{header}\n\n2:30 p.m.\n\n{}\n\n1:00 p.m.\n\n{}",
            prose(seed, 3),
            prose(seed + 1, 3)
        )
    };
    let docs: Vec<Document<'static>> = [(0u64, 500u64), (1, 510), (2, 520), (3, 520)]
        .iter()
        .map(|&(i, seed)| {
            Document::new(format!("latest{i}"), installment(seed))
                .with_outlet(format!("Station {i}"))
                .with_title(format!("The Latest: update {seed}"))
                .with_published(format!("2015-09-1{}T12:00:00Z", 4 + i))
        })
        .collect();
    let found = pairs(&run(Config::default(), docs));
    let ids: Vec<(&str, &str)> = found.iter().map(|p| (p.0.as_str(), p.1.as_str())).collect();
    assert_eq!(ids, vec![("latest2", "latest3")], "{found:?}");
    assert!(found.iter().all(|p| p.2 == Relation::Copy), "{found:?}");
}

#[test]
fn trading_notices_for_other_tickers_are_not_vouched_for_by_a_resent_one() {
    // A regulator's halt and resumption notices: a few filled-in lines, then its standard
    // paragraph. The notice for one ticker is printed by two outlets (one story, a copy);
    // the others share the standard paragraph with it, and that is no story of theirs.
    let notice = |what: &str, company: &str, ticker: &str, time: &str| {
        format!(
            "SOURCE Investment Industry Regulatory Organization of Canada\n\nVANCOUVER\n\n\
             Company: {company}\n\nTSX-Venture Symbol: {ticker}\n\n{what} (ET): {time}\n\n\
             IIROC can make a decision to impose a temporary suspension (halt) of trading in a \
             security of a publicly-listed company. Trading halts are implemented to ensure a \
             fair and orderly market. IIROC is the national self-regulatory organization which \
             oversees all investment dealers and trading activity on debt and equity \
             marketplaces in Canada."
        )
    };
    let filed = [
        ("ll-a", "Resumption", "Canada Rare Earth Corp.", "LL", "2:45 PM", "CNN Money"),
        ("ll-b", "Resumption", "Canada Rare Earth Corp.", "LL", "2:45 PM", "WSFA"),
        ("cne", "Halt Time", "Canacol Energy Ltd.", "CNE", "1:37 PM", "WMCTV"),
        ("gpy", "Resumption", "Golden Predator Mining Corp.", "GPY", "8:00 AM", "KTUL"),
    ];
    let docs: Vec<Document<'static>> = filed
        .iter()
        .map(|&(id, what, company, ticker, time, outlet)| {
            let kind = if what == "Resumption" { "Resumption" } else { "Halt" };
            Document::new(id, notice(what, company, ticker, time))
                .with_outlet(outlet)
                .with_title(format!("IIROC Trading {kind} - {ticker}"))
                .with_published("2015-09-02T18:15:00Z")
        })
        .collect();
    let found = pairs(&run(Config::default(), docs));
    let ids: Vec<(&str, &str)> = found.iter().map(|p| (p.0.as_str(), p.1.as_str())).collect();
    assert_eq!(ids, vec![("ll-a", "ll-b")], "{found:?}");
}

#[test]
fn a_local_article_printing_paragraphs_of_a_reprinted_wire_story_is_partial_reuse() {
    // A local story with two paragraphs of a wire story about something else, which three
    // outlets reprint: different headlines, different subjects, but the text it shares is
    // the wire story's.
    let wire = format!(
        "The council of Marston approved the harbour plan on Monday. {}\n\n{}\n\n{}",
        prose(40, 2),
        prose(41, 2),
        prose(42, 2)
    );
    let mut docs: Vec<Document<'static>> = (0..3u64)
        .map(|i| {
            Document::new(format!("w{i}"), wire.clone())
                .with_outlet(format!("Wire reprint {i}"))
                .with_title("Marston council approves harbour plan")
                .with_published(format!("2015-10-06T{:02}:00:00Z", 8 + i))
        })
        .collect();
    docs.push(
        Document::new(
            "local",
            format!(
                "Crowds filled the streets of Seaton for the festival. {}\n\nThe agency reported: {}\n\n{}",
                prose(60, 4),
                prose(41, 2),
                prose(61, 4)
            ),
        )
        .with_outlet("Brixham Gazette")
        .with_title("Seaton festival draws record crowds")
        .with_published("2015-10-06T12:00:00Z"),
    );
    let found = pairs(&run(Config::default(), docs));
    for i in 0..3 {
        assert!(found.contains(&("local".into(), format!("w{i}"), Relation::Partial)), "{found:?}");
    }
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
fn a_snippet_of_a_story_is_a_listing_and_a_full_reprint_stays_copy() {
    // A feed or an aggregator prints a story's opening cut short by an ellipsis, with a
    // "Read the full article" line: that page is the story's teaser. The same opening
    // printed whole, as the story's own short reprint, stays a copy.
    let story = prose(70, 10);
    let mut words = story.split_whitespace();
    let opening: Vec<&str> = words.by_ref().take(60).collect();
    let docs = vec![
        Document::new("story", story.clone())
            .with_outlet("Wire")
            .with_title("Harbour plan approved")
            .with_published("2015-09-21T09:00:00Z"),
        Document::new("snippet", format!("{} ...\n\nRead the full article", opening.join(" ")))
            .with_outlet("Feed")
            .with_title("Harbour plan approved")
            .with_published("2015-09-21T09:30:00Z"),
        Document::new("reprint", story)
            .with_outlet("Paper")
            .with_title("Harbour plan approved")
            .with_published("2015-09-21T10:00:00Z"),
    ];
    let found = pairs(&run(Config::default(), docs.clone()));
    assert_eq!(
        found,
        BTreeSet::from([("reprint".into(), "story".into(), Relation::Copy)]),
        "{found:?}"
    );
    let listed = pairs(&run(Config { listings: true, ..Config::default() }, docs));
    assert!(listed.contains(&("snippet".into(), "story".into(), Relation::Listing)), "{listed:?}");
}

#[test]
fn a_morning_digest_whose_items_close_on_their_links_is_a_listing() {
    // A regional site's morning snapshot: short local items, each a whole summary
    // closing on "More here.", and among them the lede of an agency story. The digest
    // carries the story's summary; it is not a reprint of it. The same story with an
    // article's own paragraphs around it (and no item links) stays partial reuse.
    let story = prose(310, 12);
    let lede = story.split("\n\n").next().unwrap_or_default().to_string();
    let mut digest = vec!["Here's a morning news snapshot from around the region.".to_string()];
    for i in 0..5u64 {
        digest.push(format!("{} More here.", prose(320 + i, 2).replace("\n\n", " ")));
    }
    digest.push(format!("{lede} More here."));
    digest.push(prose(330, 4));
    let local = format!("{}\n\n{lede}\n\n{}", prose(340, 4), prose(341, 4));
    let docs = vec![
        Document::new("story", story)
            .with_outlet("Agency")
            .with_title("Journalists acquitted of defaming navy")
            .with_published("2015-09-01T06:00:00Z"),
        Document::new("digest", digest.join("\n\n"))
            .with_outlet("Advertiser")
            .with_title("On the go | Wednesday, September 2, 2015")
            .with_published("2015-09-01T20:00:00Z"),
        Document::new("local", local)
            .with_outlet("Gazette")
            .with_title("Journalists acquitted of defaming navy")
            .with_published("2015-09-01T09:00:00Z"),
    ];
    let found = pairs(&run(Config::default(), docs.clone()));
    assert!(found.iter().all(|(a, b, _)| a != "digest" && b != "digest"), "{found:?}");
    assert!(found.iter().any(|(a, b, _)| a == "local" && b == "story"), "{found:?}");
    let listed = pairs(&run(Config { listings: true, ..Config::default() }, docs));
    assert!(listed.contains(&("digest".into(), "story".into(), Relation::Listing)), "{listed:?}");
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
    // A market data page: English labels around figures, and "com" (Portuguese "with")
    // in every "Briefing.com".
    docs.push(Document::new(
        "figures",
        "August\n\nProducer Price Index: Actual 0.0%, Briefing.com consensus -0.1%, Prior +0.2% \
         August Core Producer Price Index: Actual 0.3%, Briefing.com consensus 0.1%, Prior +0.3% \
         September Michigan Sentiment: Actual 85.7, Briefing.com consensus 91.5, Prior 9.19 \
         August Treasury\n\nBudget: Actual -$64.4 bln, Briefing.com consensus -$62.0 bln, \
         Prior -$128.7 bln",
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

#[test]
fn one_outlets_page_sent_again_weeks_later_is_a_copy_only_under_its_headline() {
    // A series' pages all carry one notice ("this feed has moved"); two of them, two weeks
    // apart, have the same text under two headlines of the series. The same page sent
    // again under its own headline (a section added) is still the same article.
    let notice = prose(900, 4);
    let page = |id: &str, title: &str, day: u32| {
        Document::new(id.to_string(), notice.clone())
            .with_outlet("Tangle Patterns")
            .with_title(title.to_string())
            .with_published(format!("2015-09-{day:02}T16:00:00Z"))
    };
    let series =
        vec![page("hamail", "How to draw Hamail", 4), page("heart", "How to draw Heart S", 18)];
    let r = run(Config::default(), series);
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
    let resent = vec![
        page("hamail", "How to draw Hamail", 4),
        page("again", "How to draw Hamail | Patterns", 18),
    ];
    let found = pairs(&run(Config::default(), resent));
    let expected: BTreeSet<(String, String, Relation)> =
        [("again".to_string(), "hamail".to_string(), Relation::Copy)].into_iter().collect();
    assert_eq!(found, expected);
}

#[test]
fn stories_under_one_embedded_video_or_one_agency_photo_make_no_pair() {
    // Two outlets' stories open with the same video (its caption above the player's
    // metadata) or the same agency photo (a long caption closing on its credit), and tell
    // different stories after it. The caption is no reprinted story.
    let video = "Abbott's last word\nWatch the last press conference of the outgoing prime \
                 minister in full, from the courtyard of Parliament House on Tuesday.\n \
                 PT6M11S   620  349";
    let photo = "Republican presidential candidates, former Florida Gov. Jeb Bush, right, and \
                 Donald Trump both speak during the CNN Republican presidential debate at the \
                 Ronald Reagan Presidential Library and Museum on Wednesday, Sept. 16, 2015, in \
                 Simi Valley, Calif. (AP Photo/Mark J. Terrill)";
    let docs: Vec<Document<'static>> = [(video, 0u64), (video, 1), (photo, 2), (photo, 3)]
        .iter()
        .map(|&(caption, i)| {
            Document::new(format!("s{i}"), format!("{caption}\n\n{}", prose(700 + i, 6)))
                .with_outlet(format!("Paper {i}"))
                .with_published("2015-09-16T10:00:00Z")
        })
        .collect();
    let r = run(Config::default(), docs);
    assert!(r.matches.is_empty(), "{:?}", pairs(&r));
}
