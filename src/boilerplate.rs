//! Boilerplate: text around the copy that says nothing about it.
//!
//! Share buttons, photo credits and captions, bylines, newsletter prompts, copyright
//! footers, "To be continued" lines and machine-translation loops appear in thousands of
//! unrelated articles. Left in, they would make every two articles of one outlet look like
//! partial copies of each other. Two mechanisms remove them:
//!
//! * **Rules** ([`classify`]) look at one line or paragraph: short, formulaic text in
//!   English, French, German and Spanish. They are deliberately narrow (a rule that fires on
//!   a real wire paragraph loses evidence), and every one of them is tested.
//! * **Templates** ([`TemplateFinder`]) are learned from the corpus: a paragraph that an
//!   outlet prints in many *different* articles is that outlet's template, whatever its
//!   wording. "Different" matters: a wire that re-sends the same story three times repeats
//!   its paragraphs too, and those re-sends are exactly what a user wants found.
//!
//! Nothing is silently deleted: boilerplate paragraphs keep their place and span in the
//! document, carry the reason they were set aside, and are counted in every run summary.

use std::fmt;
use std::ops::Range;

use crate::normalize::Tokens;

/// Why a paragraph was set aside as boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boilerplate {
    /// Share-button lines ("Share on facebook", "Tweet", "Email").
    Share,
    /// Advertising and navigation lines ("Advertisement", "Read more:", "Related coverage").
    Navigation,
    /// Photo credits and captions ("Sputnik / Kremlin Pool / EPA / Shutterstock").
    Credit,
    /// Bylines and date lines ("By Ruth Reid, Reuters", "Staff and agencies", "Published:
    /// 2 February 2022, 10:27").
    Byline,
    /// Newsletter, subscription, app and membership prompts ("Subscribe now for the full
    /// story", "Download our app", "Would you consider supporting our work?").
    Newsletter,
    /// Copyright lines, wire footers ("(Reporting by …; Editing by …)"), licence and
    /// affiliate notices, a blog's filing line ("This entry was posted in …").
    Footer,
    /// "To be continued", "À suivre", "More to follow", "Read the full story…".
    Continuation,
    /// A degenerate loop: one phrase repeated over and over (machine-translation artefact).
    Loop,
    /// A paragraph the outlet prints in many different articles (learned from the corpus).
    Template,
    /// Text several outlets print across news cycles, whatever the story around it (a
    /// publishing system's notice, a distributor's footer; learned from the corpus, see
    /// [`crate::recurring`]).
    Recurring,
    /// A press release's closing sections: "About <company>", forward-looking statements,
    /// media contacts.
    Release,
    /// The standing header of a running series of updates, printed on every installment
    /// ("The latest developments after … All times local:"). Worded like news, so it does
    /// not teach the corpus what its furniture reads like ([`crate::vocabulary`]).
    Series,
}

impl Boilerplate {
    /// All reasons, in report order.
    pub const ALL: [Boilerplate; 12] = [
        Boilerplate::Share,
        Boilerplate::Navigation,
        Boilerplate::Credit,
        Boilerplate::Byline,
        Boilerplate::Newsletter,
        Boilerplate::Footer,
        Boilerplate::Continuation,
        Boilerplate::Loop,
        Boilerplate::Template,
        Boilerplate::Recurring,
        Boilerplate::Release,
        Boilerplate::Series,
    ];

    /// What the reason covers, in words for reports.
    pub fn meaning(self) -> &'static str {
        match self {
            Boilerplate::Share => "share-button lines",
            Boilerplate::Navigation => "advertising, navigation and related-reading labels",
            Boilerplate::Credit => "photo credits, captions and source lines",
            Boilerplate::Byline => "bylines, date and reading-time lines",
            Boilerplate::Newsletter => "newsletter, subscription, app and membership prompts",
            Boilerplate::Footer => "copyright lines, wire footers, licence and affiliate notices",
            Boilerplate::Continuation => "\"To be continued\", \"À suivre\" and read-more lines",
            Boilerplate::Loop => "machine-translation loops (one phrase repeated)",
            Boilerplate::Template => "paragraphs an outlet prints in many different articles",
            Boilerplate::Recurring => "text several outlets print whatever the story",
            Boilerplate::Release => "press releases' closing sections",
            Boilerplate::Series => {
                "a running series' standing header (\"The Latest … All times local\")"
            }
        }
    }

    /// Short lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Boilerplate::Share => "share",
            Boilerplate::Navigation => "navigation",
            Boilerplate::Credit => "credit",
            Boilerplate::Byline => "byline",
            Boilerplate::Newsletter => "newsletter",
            Boilerplate::Footer => "footer",
            Boilerplate::Continuation => "continuation",
            Boilerplate::Loop => "loop",
            Boilerplate::Template => "template",
            Boilerplate::Recurring => "recurring",
            Boilerplate::Release => "release",
            Boilerplate::Series => "series",
        }
    }
}

impl fmt::Display for Boilerplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A view of some tokens of a [`Tokens`] buffer.
struct View<'a> {
    toks: &'a Tokens,
    range: Range<usize>,
}

impl<'a> View<'a> {
    fn len(&self) -> usize {
        self.range.len()
    }
    fn get(&self, i: usize) -> &'a str {
        self.toks.get(self.range.start + i)
    }
    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.range.clone().map(move |i| self.toks.get(i))
    }
}

/// Words a share-button line is made of.
const SHARE_CORE: &[&str] = &[
    "share",
    "shares",
    "facebook",
    "twitter",
    "linkedin",
    "email",
    "mail",
    "whatsapp",
    "tweet",
    "pin",
    "pinterest",
    "print",
    "save",
    "comment",
    "comments",
    "reddit",
    "telegram",
    "messenger",
    "flipboard",
    "bluesky",
    "threads",
    "partager",
    "partagez",
    "teilen",
    "compartir",
    "condividi",
    "imprimer",
    "drucken",
    "imprimir",
    "copy",
    "link",
    "sms",
    "xing",
];
const SHARE_FILLER: &[&str] = &[
    "on",
    "via",
    "this",
    "article",
    "story",
    "the",
    "to",
    "e",
    "x",
    "sur",
    "par",
    "en",
    "per",
    "auf",
    "url",
    "page",
    "cet",
    "l",
    "artikel",
    "por",
    "articulo",
    "artículo",
    "or",
    "by",
];

const NAVIGATION: &[&[&str]] = &[
    &["advertisement"],
    &["advertising"],
    &["sponsored"],
    &["sponsored", "content"],
    &["story", "continues", "below"],
    &["story", "continues", "below", "advertisement"],
    &["continue", "reading"],
    &["continue", "reading", "the", "main", "story"],
    &["related"],
    &["related", "coverage"],
    &["related", "articles"],
    &["related", "stories"],
    &["read", "more"],
    &["read", "also"],
    &["see", "also"],
    &["most", "read"],
    &["publicité"],
    &["lire", "aussi"],
    &["à", "lire", "aussi"],
    &["anzeige"],
    &["werbung"],
    &["mehr", "zum", "thema"],
    &["publicidad"],
    &["lea", "también"],
    &["skip", "advert"],
    &["skip", "ad"],
    // Labels of what follows an article: related reading, its author box, embeds.
    &["you", "may", "also", "like"],
    &["you", "might", "also", "like"],
    &["more", "stories"],
    &["more", "news"],
    &["related", "posts"],
    &["related", "content"],
    &["further", "reading"],
    &["recommended", "for", "you"],
    &["read", "next"],
    &["up", "next"],
    &["now", "watching"],
    &["about", "the", "author"],
    &["verwandte", "artikel"],
    &["ähnliche", "artikel"],
    &["ähnliche", "beiträge"],
    &["weitere", "artikel"],
    &["weitere", "informationen"],
    &["zum", "weiterlesen"],
    &["auch", "interessant"],
    &["lesen", "sie", "auch"],
    &["mehr", "themen"],
    &["neueste", "artikel"],
    &["über", "den", "autor"],
    &["über", "die", "autorin"],
    &["externer", "inhalt"],
    &["vous", "aimerez", "aussi"],
    &["lire", "également"],
    &["à", "lire", "également"],
    &["sur", "le", "même", "sujet"],
    &["voir", "aussi"],
    &["les", "plus", "lus"],
    &["también", "te", "puede", "interesar"],
    &["te", "puede", "interesar"],
    &["lee", "también"],
    &["noticias", "relacionadas"],
    &["lo", "más", "leído"],
    &["leggi", "anche"],
    &["articoli", "correlati"],
    &["czytaj", "także"],
    &["czytaj", "też"],
    &["zobacz", "także"],
    &["zobacz", "też"],
];

const CONTINUATION_START: &[&[&str]] = &[
    &["to", "be", "continued"],
    &["à", "suivre"],
    &["a", "suivre"],
    &["more", "to", "follow"],
    &["read", "the", "full", "story"],
    &["continued", "on", "page"],
    &["this", "story", "is", "developing"],
    &["this", "is", "a", "developing", "story"],
    &["this", "is", "an", "abridged", "version"],
    &["fortsetzung", "folgt"],
    &["möchten", "sie", "weiterlesen"],
    &["möchtest", "du", "weiterlesen"],
    &["want", "to", "keep", "reading"],
    &["continuará"],
];

const NEWSLETTER_ACTION: &[&[&str]] = &[
    &["sign", "up"],
    &["subscribe"],
    &["register", "for", "free"],
    &["abonnez", "vous"],
    &["s", "abonner"],
    &["inscrivez", "vous"],
    &["abonnieren"],
    &["suscríbete"],
    &["suscribirse"],
    &["never", "miss"],
    &["download"],
    &["join"],
    &["únete"],
    &["follow"],
    &["síguenos"],
    &["abonniere"],
    &["melde", "dich"],
    &["melden", "sie", "sich"],
    &["unterstütze"],
    &["unterstützen", "sie"],
    &["werden", "sie", "mitglied"],
    &["become", "a", "member"],
    &["support", "our"],
    &["log", "in"],
    &["sign", "in"],
    &["submit"],
    &["apóyanos"],
    &["support", "us"],
    &["consider", "supporting"],
    &["donate"],
];
const NEWSLETTER_OBJECT: &[&[&str]] = &[
    &["newsletter"],
    &["newsletters"],
    &["inbox"],
    &["alerts"],
    &["briefing"],
    &["headlines"],
    &["keep", "reading"],
    &["lettre"],
    &["infolettre"],
    &["updates"],
    &["delivered"],
    &["app"],
    &["apps"],
    &["telegram"],
    &["whatsapp"],
    &["channel"],
    &["canal"],
    &["kanal"],
    &["full", "story"],
    &["twitter"],
    &["instagram"],
    &["facebook"],
    &["journalism"],
    &["journalismus"],
    &["our", "work"],
    &["unsere", "arbeit"],
    &["exklusive"],
    &["subscriber"],
    &["subscribers"],
    &["abonnent"],
    &["abonnenten"],
    &["letter", "to", "the", "editor"],
    &["letters", "to", "the", "editor"],
];

const FOOTER_ANYWHERE: &[&[&str]] = &[
    &["all", "rights", "reserved"],
    &["tous", "droits", "réservés"],
    &["alle", "rechte", "vorbehalten"],
    &["todos", "los", "derechos", "reservados"],
    &["may", "not", "be", "published", "broadcast", "rewritten", "or", "redistributed"],
    &["contributed", "to", "this", "report"],
    &["republication", "or", "redistribution"],
    // Affiliate and advertising disclosures.
    &["affiliate", "links"],
    &["affiliate", "link"],
    &["may", "receive", "compensation"],
    &["may", "receive", "a", "commission"],
    &["may", "earn", "a", "commission"],
    &["we", "earn", "a", "commission"],
    &["provision", "vom", "händler"],
    &["enthält", "werbung"],
    // Licence lines and a blog's filing line.
    &["under", "a", "creative", "commons"],
    &["unter", "der", "lizenz"],
    &["unter", "einer", "creative", "commons"],
    &["this", "entry", "was", "posted", "in"],
    &["bookmark", "the", "permalink"],
    &["dieser", "eintrag", "wurde", "veröffentlicht"],
    &["und", "verschlagwortet", "mit"],
    &["und", "abgelegt", "unter"],
    // A mailing list's footer under every message of its web archive.
    &["you", "received", "this", "message", "because", "you", "are", "subscribed"],
    &["to", "unsubscribe", "from", "this", "group"],
    &["to", "post", "to", "this", "group", "send"],
    &["visit", "this", "group", "at"],
    &["for", "more", "options", "visit"],
];
/// Phrases of a press release's closing matter: legal notices and distributors' lines.
/// Searched in paragraphs of up to [`RELEASE_WORDS`] words (legal paragraphs are long).
const RELEASE_ANYWHERE: &[&[&str]] = &[
    &["forward", "looking", "statements", "within", "the", "meaning"],
    &["private", "securities", "litigation", "reform", "act"],
    &["undue", "reliance", "on", "these", "forward", "looking"],
    &["undue", "reliance", "on", "any", "forward", "looking"],
    &["undue", "reliance", "on", "such", "forward", "looking"],
    &["to", "view", "the", "original", "version", "on"],
    &["for", "the", "original", "version", "on"],
    &["view", "source", "version", "on"],
    &["press", "release", "distribution", "provided", "by"],
    &["press", "release", "service", "and", "press", "release", "distribution"],
    &["this", "announcement", "is", "distributed", "by"],
    &["the", "issuer", "is", "solely", "responsible", "for", "the", "content"],
    &["accepts", "responsibility", "for", "the", "adequacy", "or", "accuracy"],
    &["déclarations", "prospectives"],
    &["zukunftsgerichtete", "aussagen"],
    &["declaraciones", "prospectivas"],
];
/// Longest paragraph (in words) searched for [`RELEASE_ANYWHERE`] phrases.
const RELEASE_WORDS: usize = 250;

/// Headings that open a press release's closing sections, with the number of paragraphs
/// after them that belong to the section.
const RELEASE_HEADINGS: &[(&[&str], usize)] = &[
    (&["forward", "looking", "statements"], 2),
    (&["forward", "looking", "statement"], 2),
    (&["safe", "harbor", "statement"], 2),
    (&["safe", "harbour", "statement"], 2),
    (&["cautionary", "note"], 2),
    (&["cautionary", "statement"], 2),
    (&["media", "contact"], 4),
    (&["media", "contacts"], 4),
    (&["press", "contact"], 4),
    (&["press", "contacts"], 4),
    (&["investor", "contact"], 4),
    (&["investor", "contacts"], 4),
    (&["investor", "relations"], 4),
    (&["contact"], 4),
    (&["contacts"], 4),
    (&["contact", "presse"], 4),
    (&["pressekontakt"], 4),
    (&["kontakt"], 4),
    (&["contacto"], 4),
    (&["contacto", "de", "prensa"], 4),
];

/// Words that open an "About <Company>" heading (English, French, German, Spanish).
const ABOUT: &[&[&str]] = &[
    &["about"],
    &["à", "propos", "de"],
    &["a", "propos", "de"],
    &["über"],
    &["acerca", "de"],
    &["sobre"],
];

/// Paragraphs after an "About <Company>" heading that belong to its section.
const ABOUT_PARAGRAPHS: usize = 2;

/// Whether the line or paragraph `raw` (with tokens `range` of `toks`) is a heading that
/// opens a press release's closing section — "About Acme Corp.", "Forward-Looking
/// Statements", "Media contact:" — and how many paragraphs after it the section spans.
pub fn release_heading(raw: &str, toks: &Tokens, range: Range<usize>) -> Option<usize> {
    let v = View { toks, range };
    let n = v.len();
    if n == 0 || n > 10 {
        return None;
    }
    let t = raw.trim();
    // A heading is not a sentence.
    if t.ends_with(['.', '!', '?'])
        && !t.ends_with("Inc.")
        && !t.ends_with("Ltd.")
        && !t.ends_with("Corp.")
    {
        return None;
    }
    let words: Vec<&str> = v.iter().collect();
    for (phrase, span) in RELEASE_HEADINGS {
        if words == *phrase {
            return Some(*span);
        }
    }
    for phrase in ABOUT {
        if words.len() > phrase.len() && words[..phrase.len()] == **phrase {
            // "About Acme", "ABOUT ACME": a name follows, written with a capital.
            let after = t.split_whitespace().nth(phrase.len());
            if after
                .and_then(|w| w.chars().find(|c| c.is_alphanumeric()))
                .is_some_and(|c| c.is_uppercase())
            {
                return Some(ABOUT_PARAGRAPHS);
            }
        }
    }
    None
}

const FOOTER_START: &[&[&str]] = &[
    &["reporting", "by"],
    &["additional", "reporting", "by"],
    &["editing", "by"],
    &["writing", "by"],
    &["compiled", "by"],
    &["avec", "afp"],
    &["avec", "reuters"],
];

const AGENCIES: &[&str] = &[
    "reuters",
    "afp",
    "ap",
    "epa",
    "efe",
    "dpa",
    "ansa",
    "tass",
    "xinhua",
    "sputnik",
    "getty",
    "shutterstock",
    "bloomberg",
    "anadolu",
    "alamy",
    "pool",
    "kremlin",
    "sipa",
    "abaca",
    "zuma",
    "imago",
    "nurphoto",
    "upi",
    "pa",
    "aap",
    "kyodo",
    "yonhap",
    "belga",
    "anp",
    "kna",
];
const BYLINE_WORDS: &[&[&str]] = &[
    &["staff", "and", "agencies"],
    &["from", "wire", "reports"],
    &["wire", "reports"],
    &["staff", "writer"],
    &["staff", "reporter"],
    &["staff", "with"],
    &["news", "service"],
    &["news", "desk"],
    &["correspondent"],
    &["and", "agencies"],
    &["with", "agencies"],
];

/// Phrase groups looked for in a paragraph's token string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Navigation = 0,
    Continuation = 1,
    NewsletterAction = 2,
    NewsletterObject = 3,
    FooterAnywhere = 4,
    Release = 7,
    FooterStart = 5,
    Byline = 6,
}

/// What the phrase automata found in a paragraph.
#[derive(Debug, Default, Clone, Copy)]
struct Found {
    /// Groups (of those that count anywhere) with a phrase anywhere.
    anywhere: u8,
    /// Groups (of those that count at the start) with a phrase at the start.
    at_start: u8,
    /// Navigation: an exact phrase, or a phrase of ≥ 2 words at the start leaving at most
    /// two more words.
    navigation: bool,
}

/// Phrases of some groups, in one automaton.
struct Phrases {
    ac: aho_corasick::AhoCorasick,
    /// Per pattern: its group and its length in words.
    meta: Vec<(Group, usize)>,
}

impl Phrases {
    fn new(groups: &[(Group, &[&[&str]])], start: aho_corasick::StartKind) -> Phrases {
        let mut patterns = Vec::new();
        let mut meta = Vec::new();
        for &(g, phrases) in groups {
            for p in phrases {
                patterns.push(p.join(" "));
                meta.push((g, p.len()));
            }
        }
        // Leftmost-longest, non-overlapping: a phrase inside a longer one belongs to the
        // same rule family, and the search can use the automaton's prefilter. Built from
        // constants: it cannot fail (a failure would be a programming error caught by every
        // test of this module).
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .start_kind(start)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("phrase patterns are valid");
        Phrases { ac, meta }
    }
}

/// The phrase rules' automata, split by where a phrase counts so that each paragraph is
/// searched only for phrases that can change its verdict: the groups that count at the
/// start are searched there alone (anchored: a few bytes); those that count anywhere are
/// searched through the paragraph — all of them up to 40 words, only the footer phrases
/// beyond, where no other rule applies.
struct PhraseMatcher {
    start: Phrases,
    anywhere: Phrases,
    footer: Phrases,
    release: Phrases,
}

fn phrase_matcher() -> &'static PhraseMatcher {
    use aho_corasick::StartKind;
    static M: std::sync::OnceLock<PhraseMatcher> = std::sync::OnceLock::new();
    M.get_or_init(|| PhraseMatcher {
        start: Phrases::new(
            &[
                (Group::Navigation, NAVIGATION),
                (Group::Continuation, CONTINUATION_START),
                (Group::FooterStart, FOOTER_START),
            ],
            StartKind::Anchored,
        ),
        anywhere: Phrases::new(
            &[
                (Group::NewsletterAction, NEWSLETTER_ACTION),
                (Group::NewsletterObject, NEWSLETTER_OBJECT),
                (Group::FooterAnywhere, FOOTER_ANYWHERE),
                (Group::Byline, BYLINE_WORDS),
            ],
            StartKind::Unanchored,
        ),
        footer: Phrases::new(&[(Group::FooterAnywhere, FOOTER_ANYWHERE)], StartKind::Unanchored),
        release: Phrases::new(&[(Group::Release, RELEASE_ANYWHERE)], StartKind::Unanchored),
    })
}

/// Longest paragraph (in words) any anywhere-rule other than the footer's looks at.
const ANYWHERE_WORDS: usize = 40;

impl View<'_> {
    /// Which phrase groups occur in the token string, and which open it.
    fn find(&self) -> Found {
        let text = self.toks.run(self.range.start, self.range.end);
        let bytes = text.as_bytes();
        let m = phrase_matcher();
        let n = self.len();
        let mut f = Found::default();
        let bounded_end = |e: usize| e == text.len() || bytes[e] == b' ';
        let anchored = aho_corasick::Input::new(text).anchored(aho_corasick::Anchored::Yes);
        if let Some(hit) = m.start.ac.find(anchored) {
            let e = hit.end();
            if bounded_end(e) {
                let (g, words) = m.start.meta[hit.pattern().as_usize()];
                f.at_start |= 1 << g as u8;
                if g == Group::Navigation && (e == text.len() || (words >= 2 && n <= words + 2)) {
                    f.navigation = true;
                }
            }
        }
        let anywhere = if n <= ANYWHERE_WORDS { &m.anywhere } else { &m.footer };
        for hit in anywhere.ac.find_iter(text) {
            let (s, e) = (hit.start(), hit.end());
            if (s == 0 || bytes[s - 1] == b' ') && bounded_end(e) {
                f.anywhere |= 1 << anywhere.meta[hit.pattern().as_usize()].0 as u8;
            }
        }
        f
    }

    /// Whether the token string holds a press release's legal or distribution phrase.
    fn has_release_phrase(&self) -> bool {
        let text = self.toks.run(self.range.start, self.range.end);
        let bytes = text.as_bytes();
        phrase_matcher().release.ac.find_iter(text).any(|hit| {
            let (s, e) = (hit.start(), hit.end());
            (s == 0 || bytes[s - 1] == b' ') && (e == text.len() || bytes[e] == b' ')
        })
    }
}

fn has(bits: u8, g: Group) -> bool {
    bits & (1 << g as u8) != 0
}

/// Classifies one line or paragraph. `raw` is its original text, `range` the span of its
/// tokens in `toks`.
pub fn classify(raw: &str, toks: &Tokens, range: Range<usize>) -> Option<Boilerplate> {
    let v = View { toks, range };
    let n = v.len();
    if n == 0 {
        return None;
    }
    if n <= 6 && is_share(&v) {
        return Some(Boilerplate::Share);
    }
    // Every phrase rule below looks at paragraphs of at most 60 words: longer ones skip
    // the automaton.
    let f = if n <= 60 { v.find() } else { Found::default() };
    if n <= 6 && f.navigation {
        return Some(Boilerplate::Navigation);
    }
    if n <= 14 && has(f.at_start, Group::Continuation) {
        return Some(Boilerplate::Continuation);
    }
    if n <= 60 && is_series_header(&v) {
        return Some(Boilerplate::Series);
    }
    if n <= 40
        && has(f.anywhere, Group::NewsletterAction)
        && has(f.anywhere, Group::NewsletterObject)
    {
        return Some(Boilerplate::Newsletter);
    }
    if n <= 60 && (has(f.anywhere, Group::FooterAnywhere) || has(f.at_start, Group::FooterStart)) {
        return Some(Boilerplate::Footer);
    }
    if n <= 60 && (is_footer_raw(raw) || is_copyright_line(&v)) {
        return Some(Boilerplate::Footer);
    }
    if n <= RELEASE_WORDS && v.has_release_phrase() {
        return Some(Boilerplate::Release);
    }
    if n <= 10 && is_byline(raw, &v, has(f.anywhere, Group::Byline)) {
        return Some(Boilerplate::Byline);
    }
    if n <= DATELINE_WORDS && is_dateline(&v) {
        return Some(Boilerplate::Byline);
    }
    if n <= 6 && is_reading_time(&v) {
        return Some(Boilerplate::Byline);
    }
    if is_credit(raw, &v) {
        return Some(Boilerplate::Credit);
    }
    None
}

fn is_share(v: &View<'_>) -> bool {
    let mut core = false;
    for t in v.iter() {
        if SHARE_CORE.contains(&t) {
            core = true;
        } else if !SHARE_FILLER.contains(&t) && !t.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    core
}

/// "Copyright 1987 X", "Copyright (c) X": the word followed by a year or a (c), or a short line.
fn is_copyright_line(v: &View<'_>) -> bool {
    v.get(0) == "copyright"
        && (v.len() <= 8
            || v.iter()
                .skip(1)
                .take(2)
                .any(|t| t == "c" || (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))))
}

/// The standing header of a running series of updates, printed on every installment
/// whatever it adds: AP's "The Latest" pages open with "The latest developments after …
/// All times local:" (after a dateline at most). Two installments sharing only it are two
/// different updates, not one reused.
fn is_series_header(v: &View<'_>) -> bool {
    let opens = (0..=SERIES_DATELINE_WORDS)
        .any(|i| v.len() > i + 1 && v.get(i) == "the" && v.get(i + 1) == "latest");
    // "All times local", "All times are local", "All times EDT".
    let local = |i: usize| {
        (i..(i + 2).min(v.len())).any(|j| v.get(j) == "local")
            || (i < v.len() && TIME_ZONES.contains(&v.get(i)))
    };
    opens && (1..v.len()).any(|i| v.get(i - 1) == "all" && v.get(i) == "times" && local(i + 1))
}

/// Time zones a series header gives its times in.
const TIME_ZONES: &[&str] =
    &["et", "edt", "est", "ct", "cdt", "pt", "pdt", "gmt", "utc", "bst", "cet", "cest"];

/// Words of a dateline ("CAIRO", "NEW YORK") a series header may follow.
const SERIES_DATELINE_WORDS: usize = 3;

fn is_footer_raw(raw: &str) -> bool {
    let t = raw.trim_start();
    t.starts_with('©')
        || t.starts_with("(c)")
        || t.starts_with("(C)")
        || (t.contains('©') && t.split_whitespace().count() <= 12)
}

fn is_byline(raw: &str, v: &View<'_>, byline_words: bool) -> bool {
    let first = v.get(0);
    if matches!(first, "by" | "par" | "von" | "por" | "di") && v.len() >= 2 && v.len() <= 8 {
        // "By Ruth Reid, Reuters": the word after "by" must be a capitalised name.
        let mut words = raw.split_whitespace();
        words.next();
        if words.next().and_then(|w| w.chars().next()).is_some_and(char::is_uppercase) {
            return true;
        }
    }
    if byline_words {
        return true;
    }
    if v.len() == 1 && AGENCIES.contains(&first) {
        return true;
    }
    // "Reuters | 06 March 1987", "By AP | Updated …"
    raw.contains('|') && v.len() <= 8 && v.iter().any(|t| AGENCIES.contains(&t))
}

/// Longest date line, in words ("Veröffentlicht am Mittwoch, 2. Februar 2022 um 10:27 Uhr").
const DATELINE_WORDS: usize = 12;

/// Month and weekday names and their short forms (English, German, French, Spanish,
/// Italian, Portuguese, Dutch, Polish), as the tokenizer folds them.
const DATE_WORDS: &[&str] = &[
    "jan",
    "january",
    "januar",
    "janvier",
    "enero",
    "gennaio",
    "janeiro",
    "januari",
    "stycznia",
    "feb",
    "february",
    "februar",
    "février",
    "febrero",
    "febbraio",
    "fevereiro",
    "februari",
    "lutego",
    "mar",
    "march",
    "märz",
    "mars",
    "marzo",
    "março",
    "maart",
    "marca",
    "apr",
    "april",
    "avril",
    "abril",
    "aprile",
    "kwietnia",
    "may",
    "mai",
    "mayo",
    "maggio",
    "maio",
    "mei",
    "maja",
    "jun",
    "june",
    "juni",
    "juin",
    "junio",
    "giugno",
    "junho",
    "czerwca",
    "jul",
    "july",
    "juli",
    "juillet",
    "julio",
    "luglio",
    "julho",
    "lipca",
    "aug",
    "august",
    "août",
    "agosto",
    "augustus",
    "sierpnia",
    "sep",
    "sept",
    "september",
    "septembre",
    "septiembre",
    "settembre",
    "setembro",
    "września",
    "oct",
    "okt",
    "october",
    "oktober",
    "octobre",
    "octubre",
    "ottobre",
    "outubro",
    "października",
    "nov",
    "november",
    "novembre",
    "noviembre",
    "novembro",
    "listopada",
    "dec",
    "dez",
    "december",
    "dezember",
    "décembre",
    "diciembre",
    "dicembre",
    "dezembro",
    "grudnia",
    "mon",
    "monday",
    "montag",
    "lundi",
    "lunes",
    "lunedì",
    "tue",
    "tuesday",
    "dienstag",
    "mardi",
    "martes",
    "martedì",
    "wed",
    "wednesday",
    "mittwoch",
    "mercredi",
    "miércoles",
    "mercoledì",
    "thu",
    "thursday",
    "donnerstag",
    "jeudi",
    "jueves",
    "giovedì",
    "fri",
    "friday",
    "freitag",
    "vendredi",
    "viernes",
    "venerdì",
    "sat",
    "saturday",
    "samstag",
    "samedi",
    "sábado",
    "sabato",
    "sun",
    "sunday",
    "sonntag",
    "dimanche",
    "domingo",
    "domenica",
];

/// Words that label or join a date line: "Published", "Updated on", "Stand:", "Mis à jour
/// le", "Publicado el … a las", "Publikacja", "at", "um … Uhr".
const DATELINE_LABELS: &[&str] = &[
    "published",
    "updated",
    "posted",
    "last",
    "modified",
    "on",
    "at",
    "am",
    "pm",
    "date",
    "veröffentlicht",
    "veröffentlichung",
    "aktualisiert",
    "publiziert",
    "erstellt",
    "geändert",
    "zuletzt",
    "stand",
    "datum",
    "um",
    "uhr",
    "den",
    "vom",
    "publié",
    "publie",
    "mis",
    "à",
    "a",
    "jour",
    "modifié",
    "le",
    "h",
    "publicado",
    "actualizado",
    "el",
    "de",
    "del",
    "las",
    "hs",
    "pubblicato",
    "aggiornato",
    "il",
    "alle",
    "ore",
    "publikacja",
    "aktualizacja",
    "opublikowano",
    "r",
    "godz",
    "gmt",
    "utc",
    "cet",
    "cest",
    "est",
    "edt",
    "bst",
];

/// Words of a reading-time line besides its number.
const READING_TIME_UNITS: &[&str] =
    &["min", "mins", "minute", "minutes", "minuten", "minuti", "minutos"];
const READING_TIME_WORDS: &[&str] =
    &["read", "reading", "time", "lesezeit", "lecture", "de", "lectura", "lettura", "di"];

/// "4 min read", "Lesezeit: 3 Minuten", "5 min de lecture": a number, a unit of minutes and
/// the words around them, nothing else.
fn is_reading_time(v: &View<'_>) -> bool {
    let (mut number, mut unit, mut label) = (false, false, false);
    for t in v.iter() {
        if t.bytes().all(|b| b.is_ascii_digit()) {
            number = true;
        } else if READING_TIME_UNITS.contains(&t) {
            unit = true;
        } else if READING_TIME_WORDS.contains(&t) {
            label |= t != "de" && t != "di";
        } else {
            return false;
        }
    }
    number && unit && label
}

/// A line that only dates the article: a day, month and year (or a year and digits), with
/// at most times, weekdays and the labels of [`DATELINE_LABELS`] around them. A line
/// with any other word ("Deadline: 3.11.2019", "Concert on 29 February 2020") says
/// something and is kept.
fn is_dateline(v: &View<'_>) -> bool {
    let (mut year, mut numbers, mut month) = (false, 0, false);
    for t in v.iter() {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            // "2022", "10", "39h", "18h30", "1st", "19hs".
            let suffix = &t[digits..];
            let clock =
                suffix.strip_prefix('h').is_some_and(|m| m.bytes().all(|b| b.is_ascii_digit()));
            // Days, months, hours and minutes have one or two digits, years four (a
            // phone number "+81 158-23-2012" has a three).
            let is_year = digits == 4 && matches!(t.get(..2), Some("19" | "20"));
            if !(digits <= 2 || is_year)
                || !(clock || matches!(suffix, "" | "hs" | "st" | "nd" | "rd" | "th" | "r"))
            {
                return false;
            }
            numbers += 1;
            year |= is_year;
        } else if DATE_WORDS.contains(&t) {
            month = true;
        } else if !DATELINE_LABELS.contains(&t) {
            return false;
        }
    }
    year && (month || numbers >= 3)
}

const CREDIT_PREFIXES: &[&str] = &[
    "Photo:",
    "Photo :",
    "Photograph:",
    "Photos:",
    "Image:",
    "Image caption",
    "Image source",
    "Picture:",
    "Pictured:",
    "Credit:",
    "Caption:",
    "Légende",
    "Crédit",
    "Foto:",
    "Bild:",
    "Getty Images",
    "Media caption",
    "Titelbild:",
    "Beitragsbild:",
    "Bildquelle:",
    "Bildnachweis:",
    "Fotos:",
    "Crédit photo",
    "Crédits photo",
];
const CREDIT_MARKERS: &[&str] = &[
    "Getty Images",
    "Shutterstock",
    "AP Photo",
    "AFP via Getty",
    "EPA-EFE",
    "REUTERS/",
    "/ AFP",
    "/AFP",
    "AFP/",
    "(Photo by",
    "(Photo:",
    "Photo credit",
    "PA Media",
    "PA Wire",
    "Alamy",
    "Anadolu Agency",
    "picture alliance",
    "Kremlin Pool",
    "File photo",
    "(Foto:",
    "(Fotos:",
    "(Bild:",
    "(Credit:",
    "(Quelle: Foto",
    ", photo:",
    ", foto:",
];

fn is_credit(raw: &str, v: &View<'_>) -> bool {
    let t = raw.trim();
    if v.len() > 80 {
        // A long block opening with a credit list ("Sputnik / Kremlin Pool / EPA / …").
        if memchr::memchr(b'/', &t.as_bytes()[..t.len().min(400)]).is_none() {
            return false;
        }
        let head: String = t.chars().take(100).collect();
        return head.matches(" / ").count() >= 2
            && head
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| AGENCIES.contains(&w.to_lowercase().as_str()))
                .count()
                >= 2;
    }
    // Prefixes count only at the start, markers only in short paragraphs: a prefix test
    // and, where it can matter, one search that stops at the first marker.
    if CREDIT_PREFIXES.iter().any(|p| t.starts_with(p))
        || (v.len() <= 40 && credit_markers().is_match(t))
        || (v.len() <= SOURCE_WORDS && is_source_line(t))
        || (v.len() <= 40 && (is_figure_caption(t) || ends_with_copyright(t)))
        || (v.len() <= VIDEO_CAPTION_WORDS && is_video_caption(t))
        || ends_with_photo_credit(t)
    {
        return true;
    }
    // "Sputnik / Kremlin Pool / EPA / Shutterstock": slash-separated agency list.
    let slashes =
        if memchr::memchr(b'/', t.as_bytes()).is_some() { t.matches(" / ").count() } else { 0 };
    if slashes >= 2 && v.iter().filter(|w| AGENCIES.contains(w)).count() >= 2 {
        return true;
    }
    // A caption with its credit glued to the last word: "… à PékinReuters".
    glued_credit(t)
}

/// Longest source line, in words ("Quelle: Deutscher Jagdverband (DJV), 02. Februar 2022").
const SOURCE_WORDS: usize = 12;

/// Labels of a line naming where the text or its figures came from.
const SOURCE_LABELS: &[&str] =
    &["Source", "Sources", "Quelle", "Quellen", "Fuente", "Źródło", "Fonte"];

/// "Quelle: Landesregierung", "Źródło: ISBnews": a short line that is a source label and a name.
fn is_source_line(t: &str) -> bool {
    t.split_once(':').is_some_and(|(label, rest)| {
        SOURCE_LABELS.contains(&label.trim()) && !rest.trim().is_empty()
    })
}

/// Words that label a figure in its caption.
const FIGURE_WORDS: &[&str] = &["Abbildung", "Abb.", "Figure", "Fig.", "Grafik", "Bild", "Foto"];

/// "Abbildung 4: klassische Schwachschicht", "Figure 2: …": a figure label, an optional
/// number and a colon open the paragraph.
fn is_figure_caption(t: &str) -> bool {
    FIGURE_WORDS.iter().any(|w| {
        t.strip_prefix(w).is_some_and(|rest| {
            let rest = rest.trim_start();
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            rest.starts_with(':')
        })
    })
}

/// Words inside a closing parenthesis that credit a photograph ("(AP Photo/Mark J.
/// Terrill)", "(AFP Photo/…)", "(Photo by …)").
const PHOTO_CREDITS: &[&str] = &["AP Photo", "AFP Photo", "Reuters Photo", "REUTERS/", "Photo by"];

/// "Republican presidential candidates … speak during the debate in Simi Valley, Calif.
/// (AP Photo/Mark J. Terrill)": a photograph's caption, however long, ends with its
/// credit in parentheses (an agency's transmission code, "ORG XMIT: NY167", may follow).
/// Outlets print the agency's caption under the agency's photograph whatever story they
/// tell around it; a caption is no reprinted story.
fn ends_with_photo_credit(t: &str) -> bool {
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || c == '"' || c == '”');
    let t = match t.rfind("ORG XMIT:") {
        Some(at) if t[at..].split_whitespace().count() <= 3 => t[..at].trim_end(),
        _ => t,
    };
    let Some(inner) = t.strip_suffix(')') else { return false };
    let Some(open) = inner.rfind('(') else { return false };
    let credit = inner[open + 1..].trim_start();
    credit.len() <= 80 && PHOTO_CREDITS.iter().any(|c| credit.starts_with(c))
}

/// Longest video caption, in words.
pub const VIDEO_CAPTION_WORDS: usize = 60;

/// "Tony Abbott's last word Watch the press conference in full. PT6M11S 620 349": an
/// embedded video's caption, with the player's metadata leaked into the text — an ISO 8601
/// duration standing as a word. Outlets embed one video under many stories, so its caption
/// is a site's furniture, not a story's text; no prose writes a duration that way.
pub fn is_video_caption(t: &str) -> bool {
    memchr::memmem::find(t.as_bytes(), b"PT").is_some() && t.split_whitespace().any(is_iso_duration)
}

/// "PT6M11S", "PT45S", "PT1H2M": an ISO 8601 duration of hours, minutes and seconds.
fn is_iso_duration(w: &str) -> bool {
    let Some(mut rest) = w.strip_prefix("PT") else { return false };
    let mut parts = 0;
    for unit in ['H', 'M', 'S'] {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(unit) {
            rest = &rest[digits + 1..];
            parts += 1;
        }
    }
    parts > 0 && rest.is_empty()
}

/// "… auf DA42 und DA40 ausbilden. © CAE": a caption whose last words credit the picture.
/// A year after the sign ("© 1997-2015") is a site's copyright line glued to the text, which
/// does not make the text a caption.
fn ends_with_copyright(t: &str) -> bool {
    t.rfind('©').is_some_and(|at| {
        let tail = t[at..].trim_start_matches('©').trim_start();
        tail.split_whitespace().count() <= 3
            && !tail.starts_with(|c: char| c.is_ascii_digit())
            && !tail.contains(['!', '?'])
    })
}

/// The credit markers in one automaton; its prefilter skips most of a paragraph.
fn credit_markers() -> &'static aho_corasick::AhoCorasick {
    static M: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(CREDIT_MARKERS)
            .expect("credit patterns are valid")
    })
}

fn glued_credit(t: &str) -> bool {
    const CREDITS: &[&str] = &[
        "Reuters",
        "AFP",
        "Getty Images",
        "EPA",
        "Shutterstock",
        "AP",
        "PA Media",
        "Sputnik",
        "Bloomberg",
        "Anadolu",
        "Xinhua",
        "Alamy",
        "BBC",
        "EPA-EFE",
    ];
    let t = t.trim_end_matches(['.', ' ']);
    CREDITS.iter().any(|c| {
        t.strip_suffix(c)
            .and_then(|head| head.chars().next_back())
            .is_some_and(|ch| ch.is_lowercase())
    })
}

/// Repetition test for machine-translation loops: `sorted` are the paragraph's shingle
/// hashes, sorted, repeats kept (the fingerprint stage sorts them once for this test and
/// for its set). A paragraph is a loop when it is long enough and repeats most of its
/// shingles, or many different ones.
pub fn is_loop(sorted: &[u32]) -> bool {
    const MIN_SHINGLES: usize = 16;
    let shingles = sorted;
    if shingles.len() < MIN_SHINGLES {
        return false;
    }
    let scratch = sorted;
    // Ordinary prose repeats almost no 5-word sequence. A loop either repeats most of them,
    // or repeats a long phrase (many different shingles occurring again) even after a
    // unique opening; a stutter ("according to the report, according to the report")
    // repeats only a handful.
    let (mut distinct, mut repeated_distinct, mut repeated) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < scratch.len() {
        let j = i + scratch[i..].iter().take_while(|&&x| x == scratch[i]).count();
        distinct += 1;
        if j - i > 1 {
            repeated_distinct += 1;
            repeated += j - i;
        }
        i = j;
    }
    distinct * 5 < shingles.len() * 3
        || (repeated * 5 >= shingles.len() * 2 && repeated_distinct >= 10)
}

/// Learns outlet templates from the whole corpus.
///
/// Feed it, for every body paragraph, the outlet of its article, the paragraph's content
/// key and a *context* for the article (what the article is about apart from this
/// paragraph; see [`TemplateFinder::add`]). A paragraph is an outlet template when it occurs
/// with at least `min_contexts` different contexts in that outlet's articles.
#[derive(Debug)]
pub struct TemplateFinder {
    rows: Vec<(u32, u32, u64)>,
    min_contexts: usize,
}

impl TemplateFinder {
    /// A finder that marks paragraphs seen in at least `min_contexts` different articles of
    /// one outlet.
    pub fn new(min_contexts: usize) -> Self {
        TemplateFinder { rows: Vec::new(), min_contexts: min_contexts.max(2) }
    }

    /// Records that paragraph `key` appears in an article of `outlet` whose other content
    /// is summarised by `context` (e.g. the key of its longest other paragraph). Identical
    /// re-sends share a context and so count once.
    pub fn add(&mut self, outlet: u32, key: u32, context: u64) {
        self.rows.push((outlet, key, context));
    }

    /// The keys that are templates of some outlet, sorted.
    pub fn finish(mut self) -> Vec<u32> {
        self.rows.sort_unstable();
        self.rows.dedup();
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.rows.len() {
            let (o, k, _) = self.rows[i];
            let mut j = i;
            while j < self.rows.len() && self.rows[j].0 == o && self.rows[j].1 == k {
                j += 1;
            }
            if j - i >= self.min_contexts {
                out.push(k);
            }
            i = j;
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;
    use crate::shingle::Shingler;

    fn c(raw: &str) -> Option<Boilerplate> {
        let t = Normalizer::new().tokenize(raw);
        classify(raw, &t, 0..t.len())
    }

    const CASES: &[(&str, Option<Boilerplate>)] = &[
        ("Share on facebook", Some(Boilerplate::Share)),
        ("Share this article", Some(Boilerplate::Share)),
        ("Tweet", Some(Boilerplate::Share)),
        ("Email", Some(Boilerplate::Share)),
        ("Partager sur Facebook", Some(Boilerplate::Share)),
        ("Comments (12)", Some(Boilerplate::Share)),
        ("Advertisement", Some(Boilerplate::Navigation)),
        ("Story continues below", Some(Boilerplate::Navigation)),
        ("Read more:", Some(Boilerplate::Navigation)),
        ("RELATED COVERAGE", Some(Boilerplate::Navigation)),
        ("Continue reading the main story", Some(Boilerplate::Navigation)),
        ("À suivre", Some(Boilerplate::Continuation)),
        (
            "CAIRO — The latest developments after Egyptian troops mistakenly opened fire on a group of Mexican tourists. All times are local, Cairo time:",
            Some(Boilerplate::Series),
        ),
        (
            "The latest developments as European governments rush to cope with the huge number of people moving across Europe. All times local (CET):",
            Some(Boilerplate::Series),
        ),
        // A story's sentence about the latest figures is no header, nor one ending on
        // "all times".
        ("The latest figures show that all times of day saw more traffic than last year.", None),
        ("The latest guidance says staff must wear masks at all times", None),
        ("To be continued...", Some(Boilerplate::Continuation)),
        ("More to follow.", Some(Boilerplate::Continuation)),
        ("Read the full story on our website.", Some(Boilerplate::Continuation)),
        ("This is an abridged version of a wire report.", Some(Boilerplate::Continuation)),
        (
            "Sign up for the Ironwood Express Morning Briefing to get the day's top stories in your inbox.",
            Some(Boilerplate::Newsletter),
        ),
        (
            "Get the latest headlines delivered daily. Subscribe to our free newsletter.",
            Some(Boilerplate::Newsletter),
        ),
        ("Never miss a story: sign up for Marlow Post alerts.", Some(Boilerplate::Newsletter)),
        (
            "Enjoying this article? Register for free to keep reading X.",
            Some(Boilerplate::Newsletter),
        ),
        ("Copyright 1987 Marlow Post. All rights reserved.", Some(Boilerplate::Footer)),
        (
            "(c) 1987 Marlow Post. This material may not be published, broadcast, rewritten or redistributed.",
            Some(Boilerplate::Footer),
        ),
        ("Reuters contributed to this report.", Some(Boilerplate::Footer)),
        ("(Reporting by Ruth Reid; Editing by Paul Byrne)", Some(Boilerplate::Footer)),
        ("All content © 1987 Zennor Bay Star and its licensors.", Some(Boilerplate::Footer)),
        ("By Ruth Reid, Reuters", Some(Boilerplate::Byline)),
        ("By Ruth Reid | Reuters", Some(Boilerplate::Byline)),
        ("Staff and agencies", Some(Boilerplate::Byline)),
        ("From wire reports", Some(Boilerplate::Byline)),
        ("Reuters | 06 March 1987", Some(Boilerplate::Byline)),
        ("Marlow Post staff with Reuters", Some(Boilerplate::Byline)),
        ("Reuters", Some(Boilerplate::Byline)),
        ("Par Jean Dupont", Some(Boilerplate::Byline)),
        ("Sputnik / Kremlin Pool / EPA / Shutterstock", Some(Boilerplate::Credit)),
        (
            "Le président russe de Reuters Vladimir Poutine et le leader nord-coréen Kim Jong Un assistent à une réunion à PékinReuters",
            Some(Boilerplate::Credit),
        ),
        ("Image caption: Kim Jong Un in Beijing", Some(Boilerplate::Credit)),
        ("Troops on parade. (Photo by John Smith/Getty Images)", Some(Boilerplate::Credit)),
        ("Subscribe now to our eNATION edition for the full story.", Some(Boilerplate::Newsletter)),
        (
            "For the latest stories and breaking news updates download the Nationnews apps for iOS and Android.",
            Some(Boilerplate::Newsletter),
        ),
        (
            "If you enjoyed reading this post – would you consider supporting our work? Just click here.",
            Some(Boilerplate::Newsletter),
        ),
        (
            "Wenn Ihnen unser Artikel gefallen hat: Unterstützen Sie diese Form des Journalismus.",
            Some(Boilerplate::Newsletter),
        ),
        ("Thousands join the protest, union members said on Tuesday.", None),
        ("You may also like", Some(Boilerplate::Navigation)),
        ("Das könnte Sie auch interessieren", None),
        ("Verwandte Artikel", Some(Boilerplate::Navigation)),
        ("Lesen Sie auch:", Some(Boilerplate::Navigation)),
        ("Vous aimerez aussi", Some(Boilerplate::Navigation)),
        ("También te puede interesar", Some(Boilerplate::Navigation)),
        ("Czytaj także:", Some(Boilerplate::Navigation)),
        ("About the author", Some(Boilerplate::Navigation)),
        ("Möchten Sie weiterlesen?", Some(Boilerplate::Continuation)),
        (
            "If you're seeing this message but you're already a subscriber, you can log in for immediate access to this story.",
            Some(Boilerplate::Newsletter),
        ),
        (
            "We want to hear what you think about this article. Submit a letter to the editor or write to letters@example.com.",
            Some(Boilerplate::Newsletter),
        ),
        (
            "This post contains references to products from one or more of our advertisers. We may receive compensation when you click on links to those products.",
            Some(Boilerplate::Footer),
        ),
        ("Anzeige, enthält Affiliate-Links", Some(Boilerplate::Footer)),
        (
            "Für Links auf dieser Seite erhält die Redaktion ggf. eine Provision vom Händler.",
            Some(Boilerplate::Footer),
        ),
        (
            "Dieser Text wurde veröffentlicht unter der Lizenz CC-BY-NC-ND-4.0-DE.",
            Some(Boilerplate::Footer),
        ),
        (
            "This entry was posted in Politics and tagged election, senate. Bookmark the permalink.",
            Some(Boilerplate::Footer),
        ),
        (
            "You received this message because you are subscribed to the Google Groups \
             \"phonegap\" group. To post to this group, send email to phonegap@googlegroups.com",
            Some(Boilerplate::Footer),
        ),
        (
            "To unsubscribe from this group and stop receiving emails from it, send an email.",
            Some(Boilerplate::Footer),
        ),
        ("Quelle: Landesregierung", Some(Boilerplate::Credit)),
        ("Source: Reuters", Some(Boilerplate::Credit)),
        ("Abbildung 4: klassische Schwachschicht im Schneeprofil.", Some(Boilerplate::Credit)),
        ("Titelbild: Geyres Christophe/ABACA/picture-alliance", Some(Boilerplate::Credit)),
        (
            "Tony Abbott's last word Watch the last press conference of outgoing Prime \
             Minister Tony Abbott in full. PT6M11S 620 349",
            Some(Boilerplate::Credit),
        ),
        ("Serena's racquet abuse. PT1M9S 620 349 Autoplay OnOff Video", Some(Boilerplate::Credit)),
        (
            "Republican presidential candidates, former Florida Gov. Jeb Bush, right, and \
             Donald Trump both speak during the CNN Republican presidential debate at the \
             Ronald Reagan Presidential Library and Museum on Wednesday, Sept. 16, 2015, in \
             Simi Valley, Calif. (AP Photo/Mark J. Terrill)",
            Some(Boilerplate::Credit),
        ),
        (
            "Jerome Kersey, 1962-2015. In this April 30, 1997, file photo, Portland Trail \
             Blazers guard Kerry rests. (AP Photo/Jack Smith, File) ORG XMIT: NY167",
            Some(Boilerplate::Credit),
        ),
        // A long story paragraph naming the agency's photo service before it ends, and
        // one closing on a parenthesis that credits nothing.
        (
            "The agency said its archive, which the AP Photo desk in New York has kept since \
             1946, holds more than a million prints, and that the collection would be opened \
             to researchers and to the public next spring after a review of every negative \
             (a task that took four years).",
            None,
        ),
        ("The senator spoke for an hour (a record for the chamber).", None),
        // Not a duration: a word that only starts like one.
        ("The PTA met at 7PM to vote on the PT1 budget for the school year.", None),
        (
            "Rund um Wurzeln lagert sich Eisenoxid ab. (Foto: Andreas Voegelin)",
            Some(Boilerplate::Credit),
        ),
        (
            "Die Firma wird Piloten der Luftwaffe in Bremen auf DA42 ausbilden. © CAE",
            Some(Boilerplate::Credit),
        ),
        (
            "Investors were alarmed by the yuan's fall last month. Powered by • Content: © 1997-2015",
            None,
        ),
        ("4 Min Read", Some(Boilerplate::Byline)),
        ("Lesezeit: 3 Minuten", Some(Boilerplate::Byline)),
        ("5 min de lecture", Some(Boilerplate::Byline)),
        // Sentences that use the same words must survive.
        ("The source: a senior official who asked not to be named, the paper said.", None),
        ("The bank will charge a commission of 2 percent on each transfer.", None),
        ("Figures released on Monday showed exports rose 3 percent.", None),
        ("The vote took 20 minutes, officials said.", None),
        ("Read more about the plan in the minister's letter to parliament.", None),
        ("Supporters were asked to log in to the party's website to vote.", None),
        ("The minister announced the plan on Twitter on Monday.", None),
        ("23.10.2018", Some(Boilerplate::Byline)),
        ("Veröffentlichung: 2. Februar 2022", Some(Boilerplate::Byline)),
        ("Aktualisiert: 11.04.2020, 10:27", Some(Boilerplate::Byline)),
        ("Published on Tuesday, March 3, 2020 at 9:45 pm EST", Some(Boilerplate::Byline)),
        ("16 marca 2021", Some(Boilerplate::Byline)),
        ("Mis à jour le 4 mai 2021 à 18h30", Some(Boilerplate::Byline)),
        ("Termin: 29.02.2020, 19 Uhr", None),
        ("Einsendeschluss: 03.11.2019 (Poststempel)", None),
        ("Elections on 5 May 2022", None),
        ("1987", None),
        ("+81 158-23-2012", None),
        // Real wire paragraphs must survive.
        ("By contrast, analysts said the move was expected.", None),
        ("The company said it would subscribe to the new shares of the free float.", None),
        ("The Reuters/Ipsos poll showed a lead of 5 points.", None),
        (
            "M-1 money supply for the week ended February 23, reported today, rose 1.9 billion dlrs to 738.5 billion.",
            None,
        ),
        ("Shr 10 cts vs 12 cts", None),
        (
            "Copyright infringement lawsuits against the two firms rose sharply last year, the report said.",
            None,
        ),
        ("Copyright (c) Marlow Post", Some(Boilerplate::Footer)),
        ("UN agencies warn of famine in Sudan", None),
        ("Breaking news: the Fed raised rates by half a point today.", None),
        ("Kim, en réponse, a déclaré qu'il était prêt à aider la Russie.", None),
        ("Email addresses of 2 million customers were stolen, the bank said.", None),
    ];

    #[test]
    fn rules_fire_on_boilerplate_and_spare_copy() {
        for (raw, want) in CASES {
            assert_eq!(c(raw), *want, "{raw}");
        }
    }

    #[test]
    fn loops_are_detected_by_repetition() {
        let looped: Vec<u32> = (0..40).map(|i| i % 6).collect();
        let prose: Vec<u32> = (0..40).collect();
        let sorted = |v: &[u32]| {
            let mut v = v.to_vec();
            v.sort_unstable();
            v
        };
        assert!(is_loop(&sorted(&looped)));
        assert!(!is_loop(&sorted(&prose)));
        assert!(!is_loop(&sorted(&looped[..10])), "short paragraphs are never loops");
    }

    #[test]
    fn a_long_looping_caption_is_a_loop_but_a_stutter_is_not() {
        let s = Shingler::new(5, 1);
        let hashes = |t: &str| {
            let toks = Normalizer::new().tokenize(t);
            let mut h = Vec::new();
            s.hashes(&toks, 0..toks.len(), &mut h);
            h.sort_unstable();
            h
        };
        let caption = "Président russe Vladimir Poutine, président chinois Xi Jinping, leader nord-coréen Kim Jong Un et les chefs de délégations étrangères arrivent pour assister à un défilé militaire marquant le 80e anniversaire de la fin de la deuxième guerre mondiale sino-japonaise, connu en Chine sous la guerre de l'agression japonaise et de la fin de la guerre mondiale, de Tianmen, de la guerre de la résistance, et de la fin de la guerre mondiale, de Tianman, de la guerre de la résistance, et de la fin de la guerre mondiale, de Tianmen de Tianmen, de l'agression japonaise, et de la fin de la guerre mondiale, de Tianmen, de la guerre de la résistance, et de la fin de la Guerre mondiale, de Tianmen, de Trianmen, de l'agression japonai";
        let stutter = "According to the report, according to the report, according to the report, Cyclops has reportedly 4.1 million shares outstanding, and its board will meet next week to consider the offer from the investor group.";
        assert!(is_loop(&hashes(caption)));
        assert!(!is_loop(&hashes(stutter)));
    }

    #[test]
    fn templates_need_different_articles_of_one_outlet() {
        let mut f = TemplateFinder::new(3);
        // Key 7: footer of outlet 1 in three different articles -> template.
        for ctx in [10, 11, 12] {
            f.add(1, 7, ctx);
        }
        // Key 8: a wire paragraph re-sent three times in one outlet (same context) -> kept.
        for _ in 0..3 {
            f.add(2, 8, 99);
        }
        // Key 9: one article each in three outlets -> syndication, kept.
        for o in [1, 2, 3] {
            f.add(o, 9, o as u64);
        }
        assert_eq!(f.finish(), vec![7]);
    }
}
