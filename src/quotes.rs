//! Quoted material: what a paragraph quotes rather than reports.
//!
//! Independent reporters quote the same public statement word for word — a head of state's
//! tweet, a remark at a press conference, a company's statement. Text two articles share
//! only inside quotations is therefore no evidence that one reused the other; the prose
//! around it is. This module finds the byte spans of a paragraph that are quoted:
//!
//! * **quotation marks** of the common conventions: straight and curly double and single
//!   quotes (“…”, "…", ‘…’, '…'), guillemets in both directions («…», »…«, ‹…›, ›…‹), German
//!   and Polish low quotes („…“, „…”, ‚…‘), CJK corner brackets (「…」, 『…』), and their HTML
//!   entities. A single quote between two letters is an apostrophe; an opening quote that
//!   is never closed runs to the end of the paragraph (the wire convention for a quotation
//!   over several paragraphs: each opens, only the last closes).
//! * **block quotes**: a line starting with `>` (how HTML `<blockquote>` is rendered into
//!   text, and the e-mail convention).
//! * **speech introduced by a colon** after a speech verb or a word for a statement ("Trump
//!   tweeted:", "a déclaré :", "sagte:", "dijo:", "said in a statement:"): what follows the
//!   colon, in the paragraph or, when the colon ends it, in the next paragraph.
//! * **dialogue dashes** (French, Spanish, Russian...): a paragraph opened by an em dash
//!   with an attribution (", a déclaré le ministre", "—dijo—") is speech.
//! * **embedded posts**: the signature of an embedded tweet ("— Name (@handle) Month D,
//!   YYYY"), `pic.twitter.com` links and "A post shared by" make their paragraph quoted,
//!   and a signature standing alone quotes the paragraph before it (the post's text).
//!
//! Words are quoted or not; the fingerprint stage turns that into a flag on each shingle
//! (see [`crate::shingle::QUOTED`]), which alignment reads: quoted shingles still align
//! paragraphs and count in coverage, but only prose shingles are evidence of reuse.
//!
//! Cost: one pass over the bytes of paragraphs that contain a candidate mark; paragraphs
//! without any (most) cost one `memchr`-style scan.

use std::ops::Range;

/// Speech verbs and statement words that introduce a quotation before a colon, or
/// attribute a dialogue line after a comma: English, French, German, Spanish, Italian,
/// Portuguese and Dutch, lower-cased word forms.
const SPEECH_WORDS: &[&str] = &[
    // English
    "said",
    "says",
    "say",
    "told",
    "tells",
    "tweeted",
    "tweets",
    "wrote",
    "writes",
    "posted",
    "added",
    "adds",
    "stated",
    "states",
    "declared",
    "announced",
    "explained",
    "insisted",
    "warned",
    "replied",
    "responded",
    "answered",
    "noted",
    "remarked",
    "quipped",
    "commented",
    "claimed",
    "argued",
    "testified",
    "asked",
    "continued",
    "concluded",
    "read",
    "reads",
    "statement",
    "tweet",
    "post",
    "message",
    "remarks",
    "saying",
    "telling",
    "writing",
    // French
    "dit",
    "déclaré",
    "déclare",
    "affirmé",
    "affirme",
    "écrit",
    "tweeté",
    "twitté",
    "ajouté",
    "ajoute",
    "expliqué",
    "explique",
    "estimé",
    "estime",
    "souligné",
    "souligne",
    "indiqué",
    "indique",
    "lancé",
    "lance",
    "assuré",
    "assure",
    "martelé",
    "prévenu",
    "confié",
    "précisé",
    "précise",
    "répondu",
    "répond",
    "déclaration",
    "communiqué",
    "selon",
    "poursuivi",
    // German
    "sagte",
    "sagt",
    "sagten",
    "erklärte",
    "erklärt",
    "schrieb",
    "schreibt",
    "twitterte",
    "betonte",
    "betont",
    "meinte",
    "meint",
    "warnte",
    "fügte",
    "ergänzte",
    "antwortete",
    "erklärung",
    "mitteilung",
    "laut",
    "hieß",
    "heißt",
    // Spanish
    "dijo",
    "dice",
    "afirmó",
    "afirma",
    "declaró",
    "declara",
    "escribió",
    "tuiteó",
    "añadió",
    "agregó",
    "explicó",
    "señaló",
    "aseguró",
    "indicó",
    "advirtió",
    "respondió",
    "comunicado",
    "declaración",
    "según",
    // Italian
    "detto",
    "dichiarato",
    "scritto",
    "aggiunto",
    "spiegato",
    "affermato",
    "dichiarazione",
    "secondo",
    "ha",
    // Portuguese
    "disse",
    "afirmou",
    "declarou",
    "escreveu",
    "acrescentou",
    "explicou",
    "segundo",
    // Dutch
    "zei",
    "zegt",
    "schreef",
    "verklaarde",
    "aldus",
    "volgens",
];

/// How far (in words) before a colon a speech word may stand: "said in a statement on
/// Tuesday:" is five.
const COLON_REACH: usize = 6;

fn is_speech_word(w: &str) -> bool {
    SPEECH_WORDS.contains(&w)
}

/// What a quotation mark can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// “ ” " „
    Double,
    /// ‘ ’ ' ‚
    Single,
    /// « » (either direction)
    Guillemet,
    /// ‹ › (either direction)
    SingleGuillemet,
    /// 「 」
    Corner,
    /// 『 』
    WhiteCorner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
    /// Opens or closes depending on context (straight quotes, ” used both ways, guillemets
    /// that point either way).
    Either,
}

/// A quotation mark found at byte `at`, `len` bytes long.
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: usize,
    len: usize,
    family: Family,
    role: Role,
    /// The character, for direction-sensitive families («» vs »«, „“ vs “”).
    ch: char,
}

/// HTML entities of quotation marks (a text field may carry them undecoded).
const ENTITIES: &[(&str, char)] = &[
    ("&quot;", '"'),
    ("&#34;", '"'),
    ("&#x22;", '"'),
    ("&ldquo;", '\u{201C}'),
    ("&rdquo;", '\u{201D}'),
    ("&bdquo;", '\u{201E}'),
    ("&#8220;", '\u{201C}'),
    ("&#8221;", '\u{201D}'),
    ("&#8222;", '\u{201E}'),
    ("&#x201c;", '\u{201C}'),
    ("&#x201d;", '\u{201D}'),
    ("&#x201C;", '\u{201C}'),
    ("&#x201D;", '\u{201D}'),
    ("&laquo;", '\u{AB}'),
    ("&raquo;", '\u{BB}'),
    ("&#171;", '\u{AB}'),
    ("&#187;", '\u{BB}'),
    ("&lsquo;", '\u{2018}'),
    ("&rsquo;", '\u{2019}'),
    ("&sbquo;", '\u{201A}'),
    ("&#8216;", '\u{2018}'),
    ("&#8217;", '\u{2019}'),
    ("&#39;", '\''),
    ("&apos;", '\''),
];

fn classify(ch: char) -> Option<(Family, Role)> {
    Some(match ch {
        '"' => (Family::Double, Role::Either),
        '\u{201C}' => (Family::Double, Role::Either), // “ opens in English, closes after „
        '\u{201D}' => (Family::Double, Role::Either), // ” closes; Swedish opens with it too
        '\u{201E}' => (Family::Double, Role::Open),   // „
        '\u{201F}' => (Family::Double, Role::Open),
        '\'' | '\u{2019}' => (Family::Single, Role::Either),
        '\u{2018}' => (Family::Single, Role::Either), // ‘ opens; closes after ‚
        '\u{201A}' => (Family::Single, Role::Open),   // ‚
        '\u{AB}' | '\u{BB}' => (Family::Guillemet, Role::Either),
        '\u{2039}' | '\u{203A}' => (Family::SingleGuillemet, Role::Either),
        '\u{300C}' | '\u{FF62}' => (Family::Corner, Role::Open),
        '\u{300D}' | '\u{FF63}' => (Family::Corner, Role::Close),
        '\u{300E}' => (Family::WhiteCorner, Role::Open),
        '\u{300F}' => (Family::WhiteCorner, Role::Close),
        _ => return None,
    })
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(crate::normalize::is_word_char)
}

/// The quotation marks of `text`, in order.
fn marks(text: &str) -> Vec<Mark> {
    // Every quotation mark starts with one of these bytes: only their positions are
    // looked at (a vectorised scan), in order.
    let b = text.as_bytes();
    let mut at: Vec<usize> = memchr::memchr3_iter(b'"', b'\'', 0xE2, b)
        .chain(memchr::memchr3_iter(b'&', 0xC2, 0xE3, b))
        .chain(memchr::memchr_iter(0xEF, b))
        .collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut skip_to = 0;
    for i in at {
        if i < skip_to {
            continue;
        }
        let (ch, len) = if b[i] == b'&' {
            match ENTITIES.iter().find(|(e, _)| text[i..].starts_with(e)) {
                Some(&(e, c)) => (c, e.len()),
                None => continue,
            }
        } else {
            match text[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => continue,
            }
        };
        if let Some((family, role)) = classify(ch) {
            out.push(Mark { at: i, len, family, role, ch });
            skip_to = i + len;
        }
    }
    out
}

/// The character before byte `at` and the one after byte `end` (entities count as the
/// character they stand for only through their neighbours, which is what matters here).
fn around(text: &str, at: usize, end: usize) -> (Option<char>, Option<char>) {
    (text[..at].chars().next_back(), text[end..].chars().next())
}

/// Byte spans of `text` (one paragraph) inside quotation marks, outermost only, sorted
/// and disjoint. Each span runs from its opening mark to its closing mark inclusive; an
/// opening mark never closed runs to the end of `text`.
pub fn marked_spans(text: &str) -> Vec<Range<usize>> {
    let marks = marks(text);
    let mut spans: Vec<Range<usize>> = Vec::new();
    // Open quotes: (family, opening char, start byte).
    let mut open: Vec<(Family, char, usize)> = Vec::new();
    for m in &marks {
        let end = m.at + m.len;
        let (before, after) = around(text, m.at, end);
        let top = open.iter().rposition(|o| o.0 == m.family);
        let closes = |open_ch: char| -> bool {
            match m.family {
                // „…“ and „…” close with either; “…” with ”; "…" with ".
                Family::Double => matches!(
                    (open_ch, m.ch),
                    ('\u{201E}' | '\u{201F}', '\u{201C}' | '\u{201D}' | '"')
                        | ('\u{201C}', '\u{201D}' | '"')
                        | ('\u{201D}', '\u{201D}')
                        | ('"', '"' | '\u{201D}')
                ),
                Family::Single => {
                    let apostrophe = is_word(before) && is_word(after);
                    !apostrophe
                        && !is_word(after)
                        && matches!(
                            (open_ch, m.ch),
                            ('\u{201A}', '\u{2018}' | '\u{2019}')
                                | ('\u{2018}' | '\'', '\u{2019}' | '\'')
                        )
                }
                Family::Guillemet => open_ch != m.ch,
                Family::SingleGuillemet => open_ch != m.ch,
                Family::Corner | Family::WhiteCorner => m.role == Role::Close,
            }
        };
        if let Some(i) = top.filter(|&i| m.role != Role::Open && closes(open[i].1)) {
            let start = open[i].2;
            open.truncate(i);
            if open.is_empty() {
                spans.push(start..end);
            }
            continue;
        }
        if m.role == Role::Close {
            continue;
        }
        // An opening mark is followed by a word (or another mark, or a space in French
        // typography: « Nous »), not preceded by one (an apostrophe or inch sign is).
        let opens = match m.family {
            Family::Single => !is_word(before) && is_word(after),
            Family::Guillemet | Family::SingleGuillemet => {
                // « opens (French); » opens only when no « is open and a « follows
                // (German »…«).
                m.ch == '\u{AB}'
                    || m.ch == '\u{2039}'
                    || text[end..].contains(if m.ch == '\u{BB}' { '\u{AB}' } else { '\u{2039}' })
            }
            Family::Double => {
                m.role == Role::Open
                    || (!is_word(before) || before.is_some_and(|c| c == '('))
                        && after.is_some_and(|c| !c.is_whitespace() || m.ch == '"')
            }
            Family::Corner | Family::WhiteCorner => true,
        };
        if opens {
            // A new opening double quote while one of its family is open (a quotation
            // over several paragraphs of a text that lost its breaks): the open one ends
            // where the new one starts.
            if let Some(i) = top.filter(|_| m.family == Family::Double) {
                let start = open[i].2;
                open.truncate(i);
                if open.is_empty() {
                    spans.push(start..m.at);
                }
            }
            open.push((m.family, m.ch, m.at));
        }
    }
    if let Some(&(_, _, start)) = open.first() {
        spans.push(start..text.len());
    }
    merge(spans)
}

fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(l) if s.start <= l.end => l.end = l.end.max(s.end),
            _ if s.start < s.end => out.push(s),
            _ => {}
        }
    }
    out
}

/// Lower-cased words of `text` with their byte spans.
fn words(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if crate::normalize::is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s..i, text[s..i].to_lowercase()));
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), text[s..].to_lowercase()));
    }
    out
}

/// How a paragraph relates to quotation, beyond its own quotation marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParagraphQuotes {
    /// Quoted byte spans of the paragraph, sorted and disjoint.
    pub spans: Vec<Range<usize>>,
    /// The paragraph ends with a colon introducing speech: the next paragraph is quoted.
    pub introduces_next: bool,
    /// The paragraph is (mostly) an embedded post's signature: the paragraph before it is
    /// the post's text.
    pub signs_previous: bool,
}

/// Finds the quoted spans of one paragraph `text` (see the module documentation).
/// `introduced` says that the previous paragraph ended by introducing speech.
pub fn paragraph(text: &str, introduced: bool) -> ParagraphQuotes {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let mut out = ParagraphQuotes::default();
    // A block quote, or speech announced by the paragraph before: all of it.
    if trimmed.starts_with('>') || (introduced && !has_marks(trimmed)) {
        out.spans.push(lead..text.len());
        out.introduces_next = trimmed.trim_end().ends_with(':') && colon_speech(text);
        return out;
    }
    if let Some(post) = embedded_post(text) {
        out.spans.push(lead..text.len());
        out.signs_previous = post;
        return out;
    }
    if dialogue(trimmed) {
        out.spans.push(lead..text.len());
        return out;
    }
    let mut spans = if has_marks(text) { marked_spans(text) } else { Vec::new() };
    // Speech after a colon within the paragraph, not itself in quotation marks.
    if let Some(colon) = speech_colon(text) {
        let rest = text[colon + 1..].trim_start();
        if rest.is_empty() {
            out.introduces_next = true;
        } else if !rest.starts_with(|c| classify(c).is_some()) {
            spans.push(text.len() - rest.len()..text.len());
        }
    }
    out.spans = merge(spans);
    out
}

/// Whether `text` may contain a quotation mark: a cheap byte scan before the full one. An
/// apostrophe inside a word ("company's", "don’t") is not one, which leaves most
/// paragraphs without a candidate.
fn has_marks(text: &str) -> bool {
    let b = text.as_bytes();
    let alnum = |i: Option<&u8>| i.is_some_and(|c| c.is_ascii_alphanumeric());
    let candidate = |i: usize| match b[i] {
        b'"' => true,
        b'\'' => !(i > 0 && alnum(b.get(i - 1)) && alnum(b.get(i + 1))),
        b'&' => ENTITIES.iter().any(|(e, _)| text[i..].starts_with(e)),
        0xE2 if b.get(i + 1) == Some(&0x80) => {
            let c = b.get(i + 2).copied().unwrap_or(0);
            let apostrophe = c == 0x99 && i > 0 && alnum(b.get(i - 1)) && alnum(b.get(i + 3));
            matches!(c, 0x98..=0x9F | 0xB9 | 0xBA) && !apostrophe
        }
        0xC2 => matches!(b.get(i + 1), Some(0xAB | 0xBB)),
        0xE3 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0x8C..=0x8F)),
        0xEF => b.get(i + 1) == Some(&0xBD) && matches!(b.get(i + 2), Some(0xA2 | 0xA3)),
        _ => false,
    };
    // Two vectorised scans for the candidate bytes; each hit is checked in context.
    memchr::memchr3_iter(b'"', b'\'', 0xE2, b).any(candidate)
        || memchr::memchr3_iter(b'&', 0xC2, 0xE3, b).any(candidate)
        || memchr::memchr_iter(0xEF, b).any(candidate)
}

/// The byte offset of a colon that introduces speech: preceded, within
/// [`COLON_REACH`] words, by a speech verb or a word for a statement.
fn speech_colon(text: &str) -> Option<usize> {
    let colon = memchr::memrchr(b':', text.as_bytes())?;
    // "10:30", "http://": not a colon of speech.
    let after = text[colon + 1..].chars().next();
    if after.is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    // The last few words before the colon, lower-cased one at a time (no allocation for
    // ASCII words, which a speech word of the list is or is not).
    let mut buf = String::new();
    let head = &text[..colon];
    head.rsplit(|c: char| !crate::normalize::is_word_char(c))
        .filter(|w| !w.is_empty())
        .take(COLON_REACH)
        .any(|w| {
            if w.bytes().all(|c| c.is_ascii_lowercase()) {
                is_speech_word(w)
            } else {
                buf.clear();
                buf.extend(w.chars().flat_map(char::to_lowercase));
                is_speech_word(&buf)
            }
        })
        .then_some(colon)
}

fn colon_speech(text: &str) -> bool {
    speech_colon(text).is_some()
}

/// An embedded post: its signature ("— Name (@handle) Month D, YYYY"), a picture link of
/// one, or Instagram's "A post shared by". Returns whether the paragraph is little more
/// than the signature (then the paragraph before is the post's text).
fn embedded_post(text: &str) -> Option<bool> {
    use memchr::memmem;
    static PIC: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    static SHARED: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    static HANDLE: std::sync::OnceLock<memmem::Finder<'static>> = std::sync::OnceLock::new();
    let b = text.as_bytes();
    let signature = HANDLE.get_or_init(|| memmem::Finder::new("(@")).find_iter(b).find(|&at| {
        // A handle, a closing parenthesis, then a year within a few words.
        let rest = &text[at + 2..];
        let handle = rest.find(')').filter(|&e| {
            e > 0 && e <= 16 && rest[..e].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        handle.is_some_and(|e| {
            let tail: String = rest[e + 1..].chars().take(40).collect();
            tail.split(|c: char| !c.is_ascii_digit())
                .any(|d| d.len() == 4 && d.starts_with(['1', '2']))
        })
    });
    let picture = PIC.get_or_init(|| memmem::Finder::new("pic.twitter.com/")).find(b).is_some()
        || SHARED.get_or_init(|| memmem::Finder::new("A post shared by")).find(b).is_some();
    if signature.is_none() && !picture {
        return None;
    }
    // Words outside the signature: a lone signature quotes the paragraph before.
    let before = signature.map_or(text, |at| &text[..at]);
    let before = before.trim_end_matches(|c: char| !c.is_alphanumeric());
    let own_words = words(before).len();
    Some(signature.is_some() && own_words <= 6)
}

/// A dialogue line: opened by an em dash or horizontal bar (not a hyphen: lists use them)
/// and attributed (", a déclaré le ministre", "—dijo—", ", said Smith").
fn dialogue(trimmed: &str) -> bool {
    let Some(rest) = trimmed.strip_prefix(['\u{2014}', '\u{2015}']) else { return false };
    if !rest.starts_with(|c: char| c.is_whitespace() || c.is_alphanumeric() || c == '¿' || c == '¡')
    {
        return false;
    }
    // An attribution: a speech word within three words after a comma or a second dash
    // (", a déclaré le ministre", "—dijo—", ", said Smith").
    let ws = words(rest);
    ws.iter().enumerate().any(|(i, (r, w))| {
        if !is_speech_word(w) || i == 0 {
            return false;
        }
        (i.saturating_sub(3)..i).any(|k| {
            let next = if k + 1 < i { ws[k + 1].0.start } else { r.start };
            let gap = &rest[ws[k].0.end..next];
            gap.contains(',') || gap.contains(['\u{2014}', '\u{2015}', '\u{2013}'])
        })
    })
}

/// Quoted spans of every paragraph of a document, in order (`paragraphs` are byte spans
/// of `text`). The spans returned are relative to `text`.
pub fn document(text: &str, paragraphs: &[Range<usize>]) -> Vec<Vec<Range<usize>>> {
    let mut out: Vec<Vec<Range<usize>>> = Vec::with_capacity(paragraphs.len());
    let mut introduced = false;
    for (i, p) in paragraphs.iter().enumerate() {
        let q = paragraph(&text[p.clone()], introduced);
        introduced = q.introduces_next;
        if q.signs_previous && i > 0 {
            let prev = &paragraphs[i - 1];
            out[i - 1] = vec![prev.clone()];
        }
        out.push(q.spans.into_iter().map(|s| s.start + p.start..s.end + p.start).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quoted words of a paragraph, joined by spaces.
    fn quoted(text: &str) -> Vec<String> {
        paragraph(text, false)
            .spans
            .iter()
            .map(|s| words(&text[s.clone()]).into_iter().map(|w| w.1).collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// One case per convention: the paragraph and what must be quoted in it.
    const CASES: &[(&str, &str, &[&str])] = &[
        (
            "english_curly",
            "Trump said: “We will win so big, believe me.” The crowd cheered.",
            &["we will win so big believe me"],
        ),
        (
            "straight_double",
            "\"We will not back down,\" the minister told reporters on Tuesday.",
            &["we will not back down"],
        ),
        (
            "single_curly",
            "He called it ‘a very sad day for the whole country’ and left.",
            &["a very sad day for the whole country"],
        ),
        (
            "single_straight_with_apostrophes",
            "It's the 'worst crisis in a generation', Merkel's aide said.",
            &["worst crisis in a generation"],
        ),
        (
            "french_guillemets",
            "« Nous ne céderons pas », a déclaré le Premier ministre.",
            &["nous ne céderons pas"],
        ),
        ("german_low", "„Wir schaffen das“, sagte die Kanzlerin am Montag.", &["wir schaffen das"]),
        (
            "german_guillemets",
            "»Das ist ein guter Tag für Europa«, erklärte der Minister.",
            &["das ist ein guter tag für europa"],
        ),
        (
            "polish_low",
            "„To jest wielki dzień dla Polski” – powiedział premier.",
            &["to jest wielki dzień dla polski"],
        ),
        (
            "german_single",
            "Er nannte es ‚einen historischen Fehler‘ und ging.",
            &["einen historischen fehler"],
        ),
        (
            "swiss_single_guillemets",
            "Sie sagte ‹wir kommen morgen wieder› und lachte.",
            &["wir kommen morgen wieder"],
        ),
        ("japanese_corner", "首相は「経済を立て直す」と述べた。", &["経済を立て直す"]),
        ("japanese_white_corner", "彼は『新しい時代が来た』と語った。", &["新しい時代が来た"]),
        ("spanish_angle", "«No vamos a rendirnos», dijo el presidente.", &["no vamos a rendirnos"]),
        (
            "entities",
            "He said &ldquo;the deal is done and dusted&rdquo; before leaving.",
            &["ldquo the deal is done and dusted rdquo"],
        ),
        (
            "unclosed_runs_to_end",
            "“The first paragraph of a long quotation goes on here",
            &["the first paragraph of a long quotation goes on here"],
        ),
        (
            "colon_without_marks",
            "Trump tweeted: We will make America great again!",
            &["we will make america great again"],
        ),
        (
            "spanish_colon",
            "El ministro dijo: no habrá más recortes este año.",
            &["no habrá más recortes este año"],
        ),
        (
            "block_quote",
            "> We are deeply saddened by the loss of our colleague.",
            &["we are deeply saddened by the loss of our colleague"],
        ),
        (
            "french_dialogue",
            "— Nous allons gagner cette bataille, a déclaré le président.",
            &["nous allons gagner cette bataille a déclaré le président"],
        ),
        (
            "apostrophes_only",
            "The company's chief executive didn't comment on Monday's figures.",
            &[],
        ),
        ("inches_and_feet", "The 6' 2\" centre scored twice in the second half.", &[]),
        ("time_colon", "The meeting starts at 10:30 and ends at noon, officials said.", &[]),
        ("list_dash_is_not_dialogue", "— Revenue rose 10 percent in the third quarter.", &[]),
    ];

    #[test]
    fn quotation_conventions() {
        for (name, text, want) in CASES {
            let got = quoted(text);
            assert_eq!(
                got,
                want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "case {name}: {text}"
            );
        }
    }

    #[test]
    fn a_colon_at_the_end_quotes_the_next_paragraph() {
        let text = "The president wrote on Twitter:\n\nWe will rebuild every town that was hit.\n\nOfficials said the storm had passed.";
        let paras = [0..31, 33..74, 76..text.len()];
        let q = document(text, &paras);
        assert!(q[0].is_empty());
        assert_eq!(q[1], vec![33..74]);
        assert!(q[2].is_empty());
    }

    #[test]
    fn an_embedded_post_signature_quotes_its_post() {
        let text = "Thank you to all the volunteers who came out today!\n\n— Jane Doe (@janedoe) September 3, 2015\n\nThe mayor thanked the volunteers later.";
        let a = 0..51;
        let b = 53..94;
        let c = 96..text.len();
        let q = document(text, &[a.clone(), b.clone(), c]);
        assert_eq!(q[0], vec![a]);
        assert_eq!(q[1], vec![b]);
        assert!(q[2].is_empty());
        let inline = "Great game tonight pic.twitter.com/abc123 — Team (@team) May 1, 2016";
        assert_eq!(paragraph(inline, false).spans, vec![0..inline.len()]);
    }
}
