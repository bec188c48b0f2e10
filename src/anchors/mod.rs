//! Anchors: facts of a paragraph that survive rewording and translation.
//!
//! A rewrite changes the words and keeps the facts; a wire *template* ("X Corp is raising
//! 35 mln dlrs via an offering of convertible debentures…") keeps the words and changes the
//! facts. Numbers tell the two apart, and they survive translation too, so they are
//! extracted once, in a form that does not depend on the locale that wrote them:
//!
//! * `15000`, `15,000`, `15 000` (any space, incl. narrow no-break), `15.000` and `15'000`
//!   are one number; `1,5` (decimal comma) is `1.5`; `1.5` stays `1.5`;
//! * fractions `1-1/4`, `5/8` and percentages keep their value;
//! * a number is identified by its value (rounded to 4 significant decimals) hashed to 32
//!   bits, so comparing two paragraphs' numbers is a sorted-set intersection.
//!
//! Ambiguity is resolved the way news copy uses it: a separator followed by exactly three
//! digits (and not then by another digit) groups thousands; any other single `,` or `.`
//! between digits is a decimal mark.

pub mod cross;

use xxhash_rust::xxh3::xxh3_64;

use crate::shingle::fold;

/// Parsed numbers of a text, as values (in text order).
pub fn number_values(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for_each_number(text, |v| out.push(v));
    out
}

/// Calls `f` with each number of `text`, in text order.
pub fn for_each_number(text: &str, mut f: impl FnMut(f64)) {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(d) = find_in_range(b, i, b'0', b'9') {
        i = d;
        if i > 0 && (b[i - 1].is_ascii_alphabetic() || b[i - 1] == b'_') {
            // Digits glued to letters ("M1", "B737") are names, not quantities.
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            continue;
        }
        let (value, end) = parse_number(b, i);
        // "1-1/4", "5/8": a fraction after an optional whole part.
        let (value, end) = match fraction(b, end) {
            Some((frac, e)) if b[end] == b'-' || b[end] == b' ' => (value + frac, e),
            _ => match (b.get(end), fraction(b, i)) {
                (Some(b'/'), Some((frac, e))) => (frac, e),
                _ => (value, end),
            },
        };
        f(value);
        i = end;
    }
}

/// Position of the first byte of `b[from..]` in `lo..=hi` (ASCII bounds), if any.
///
/// Digits and capitals are a small share of news text: testing eight bytes at once (the
/// exact "has a byte between" test of bit-twiddling lore, no carries between bytes) skips
/// the stretches between them several times faster than a byte loop.
fn find_in_range(b: &[u8], from: usize, lo: u8, hi: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    debug_assert!(0 < lo && lo <= hi && hi < 127);
    let (below, above) = (u64::from(lo - 1), u64::from(hi + 1));
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let x = u64::from_le_bytes(w);
        let low7 = x & (ONES * 0x7F);
        // Per byte: high bit set iff below < byte < above (bytes ≥ 0x80 never are).
        let hit = (ONES * (0x7F + above)).wrapping_sub(low7)
            & !x
            & (low7 + ONES * (0x7F - below))
            & (ONES * 0x80);
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?.iter().position(|c| (lo..=hi).contains(c)).map(|p| i + p)
}

/// Parses digits with grouping and decimal marks starting at `start`; returns the value
/// and the end offset.
fn parse_number(b: &[u8], start: usize) -> (f64, usize) {
    // Digits accumulate into integers (no strings): the integer part, its digit count (for
    // the grouping rule) and up to 15 fraction digits.
    let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let accumulate = |mut v: f64, s: &[u8]| {
        for &c in s {
            v = v * 10.0 + (c - b'0') as f64;
        }
        v
    };
    let mut i = start;
    let mut grouped = false;
    let n = digits(i);
    let mut int_val = accumulate(0.0, &b[i..i + n]);
    let mut int_len = n;
    let mut frac: Option<f64> = None;
    i += n;
    loop {
        let (sep_len, is_space) = separator(b, i);
        if sep_len == 0 {
            break;
        }
        let after = i + sep_len;
        let m = if after < b.len() { digits(after) } else { 0 };
        if m == 0 {
            break;
        }
        let sep = b[i];
        if m == 3 && (grouped || int_len <= 3) && int_len <= 18 {
            // Thousands group: only after a leading group of 1-3 digits ("2019 150" is two numbers).
            grouped = true;
            int_val = accumulate(int_val, &b[after..after + 3]);
            int_len += 3;
            i = after + 3;
            continue;
        }
        if (sep == b'.' || sep == b',') && !is_space {
            let kept = m.min(15);
            frac = Some(accumulate(0.0, &b[after..after + kept]) / 10f64.powi(kept as i32));
            i = after + m;
        }
        break;
    }
    (int_val + frac.unwrap_or(0.0), i)
}

/// Length of a digit-group separator at `i`: `,` `.` `'` `’`, a space, NBSP or narrow NBSP.
fn separator(b: &[u8], i: usize) -> (usize, bool) {
    match b.get(i) {
        Some(b',' | b'.' | b'\'') => (1, false),
        Some(b' ') => (1, true),
        Some(0xC2) if b.get(i + 1) == Some(&0xA0) => (2, true),
        Some(0xE2) if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xAF) => (3, true),
        Some(0xE2) if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x99) => (3, false),
        _ => (0, false),
    }
}

/// A fraction `n/d` starting at `i` (after an optional `-` or space), if any.
fn fraction(b: &[u8], i: usize) -> Option<(f64, usize)> {
    let mut j = i;
    if matches!(b.get(j), Some(b'-' | b' ')) {
        j += 1;
    }
    let n = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || n > 3 || b.get(j + n) != Some(&b'/') {
        return None;
    }
    let d = b[j + n + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if d == 0 || d > 3 {
        return None;
    }
    let num: f64 = std::str::from_utf8(&b[j..j + n]).ok()?.parse().ok()?;
    let den: f64 = std::str::from_utf8(&b[j + n + 1..j + n + 1 + d]).ok()?.parse().ok()?;
    (den > 0.0).then(|| (num / den, j + n + 1 + d))
}

/// The numbers of `text` as sorted, distinct 32-bit keys.
pub fn number_keys(text: &str, out: &mut Vec<u32>) {
    let start = out.len();
    for v in number_values(text) {
        out.push(number_key(v));
    }
    sort_tail(out, start);
}

fn sort_tail(out: &mut Vec<u32>, start: usize) {
    out[start..].sort_unstable();
    // In-place dedup of the tail.
    let mut w = start;
    for r in start..out.len() {
        if w == start || out[r] != out[w - 1] {
            out[w] = out[r];
            w += 1;
        }
    }
    out.truncate(w);
}

/// Fact keys of names have this bit set, number keys do not, so a sorted fact set holds
/// its numbers first and its names after.
pub const NAME_BIT: u32 = 1 << 31;

/// The key of one number value.
pub fn number_key(v: f64) -> u32 {
    // The value to 4 decimals, as an integer: 1.5 and 1.50 are one key, 15000 another.
    let fixed = (v * 10_000.0).round() as i64;
    fold(xxh3_64(&fixed.to_le_bytes())) & !NAME_BIT
}

/// The key of one (lower-cased) name.
pub fn name_key(name: &str) -> u32 {
    fold(xxh3_64(name.as_bytes())) | NAME_BIT
}

/// Splits a sorted fact set into its numbers and its names.
pub fn split_facts(facts: &[u32]) -> (&[u32], &[u32]) {
    facts.split_at(facts.partition_point(|&k| k & NAME_BIT == 0))
}

/// Proper names of `text`: words written with a capital that do not start a sentence
/// (sentence-initial capitals say nothing), and acronyms anywhere. Each name is its
/// lower-cased letters; names shorter than two letters are ignored.
pub fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    for word in text.split_whitespace() {
        let core = word.trim_start_matches(|c: char| !c.is_alphanumeric());
        if core.is_empty() {
            continue; // a quote or dash standing alone
        }
        let opens_sentence = sentence_start;
        // The next word starts a sentence if this one ends with . ! ? : (after closing
        // quotes and brackets), unless it is a single-letter initial ("J. Smith", "U.S.").
        let end = word.trim_end_matches(['"', '\'', ')', ']', '”', '’', '»']);
        let last_word_len = end
            .trim_end_matches(['.', '!', '?', ':'])
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .map_or(0, |w| w.chars().count());
        sentence_start =
            end.ends_with(['!', '?', ':']) || (end.ends_with('.') && last_word_len > 1);
        for part in core.split(|c: char| !(c.is_alphanumeric())).filter(|p| p.chars().count() >= 2)
        {
            let mut chars = part.chars();
            let first = chars.next().unwrap_or(' ');
            if !first.is_uppercase() {
                continue;
            }
            let acronym = part.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
                && part.chars().count() >= 2;
            if opens_sentence && !acronym {
                continue;
            }
            if part.chars().all(|c| c.is_numeric()) {
                continue;
            }
            out.push(part.to_lowercase());
        }
    }
    out
}

/// The facts of `text` — numbers and proper names — as sorted, distinct 32-bit keys. HTML
/// entities are decoded first (`&#8217;` is an apostrophe, not the number 8217).
pub fn fact_keys(text: &str, out: &mut Vec<u32>) {
    let decoded;
    let text = if text.contains('&') {
        decoded = html_escape::decode_html_entities(text);
        &*decoded
    } else {
        text
    };
    let start = out.len();
    for_each_number(text, |v| out.push(number_key(v)));
    if text.is_ascii() {
        ascii_name_keys(text.as_bytes(), out);
    } else {
        for n in names(text) {
            out.push(name_key(&n));
        }
    }
    if let Some(first) = name_line_opening(text) {
        out.push(name_key(&first));
    }
    sort_tail(out, start);
}

/// Words a line of only capitalised words has at most to be read as a name.
const NAME_LINE_WORDS: usize = 6;

/// Lower-case words a name may hold ("Bank of America", "Banco de España"): any other
/// lower-case word makes the line a phrase ("Plane Crashes into Trees").
const NAME_CONNECTORS: &[&str] = &[
    "of", "and", "the", "for", "de", "del", "la", "le", "les", "du", "des", "di", "da", "do",
    "von", "van", "der", "den", "y", "e", "et", "und",
];

/// Capitalised first words that open a title or a heading rather than a name ("The
/// Times", "A New Hope"); the words after them still count as names.
const NAME_OPENERS: &[&str] =
    &["the", "a", "an", "le", "la", "les", "el", "los", "las", "der", "die", "das", "il"];

/// Bytes such a line has at most (six long words).
const NAME_LINE_BYTES: usize = 96;

/// The first word of `text` when `text` is a name standing on its own line — a few
/// capitalised words with no sentence around them ("Ball Corporation", "Credit Suisse
/// Capital LLC"), as forms, signatures and lists print the names they are about. A
/// sentence's first capital says nothing ([`names`] skips it); a name line's says which
/// company a form was filled in for. Lower-cased; `None` for anything else (a sentence, a
/// question, an acronym [`names`] already keeps, a function word).
fn name_line_opening(text: &str) -> Option<String> {
    let text = text.trim();
    // Cheap tests first: this runs on every paragraph, and nearly all are sentences.
    if text.len() > NAME_LINE_BYTES
        || text.ends_with(['?', '!', ':'])
        || text.contains(['\n', ',', ';'])
    {
        return None;
    }
    let count = text.split_whitespace().take(NAME_LINE_WORDS + 1).count();
    if !(2..=NAME_LINE_WORDS).contains(&count) {
        return None;
    }
    let mut words = text.split_whitespace();
    let capitalised = |w: &str| {
        let core = w.trim_start_matches(|c: char| !c.is_alphanumeric());
        core.chars().next().is_some_and(char::is_uppercase)
    };
    let connector = |w: &str| NAME_CONNECTORS.contains(&w) || w.chars().all(|c| !c.is_alphabetic());
    if !words.clone().all(|w| capitalised(w) || connector(w)) {
        return None;
    }
    let first = words
        .next()?
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split(|c: char| !c.is_alphanumeric())
        .next()?;
    let acronym = first.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    let name = first.to_lowercase();
    (first.chars().count() >= 2
        && !acronym
        && !first.chars().all(char::is_numeric)
        && !NAME_OPENERS.contains(&name.as_str()))
    .then_some(name)
}

/// [`names`] for ASCII text, hashing each name as it is found (no allocation): the hot
/// path of the fingerprint stage on English copy.
///
/// Instead of walking every word, it jumps from capital to capital (most words have none)
/// and looks back only at the word before a capitalised one to tell whether it opens a
/// sentence. The look-back stops at the previous capital of the same word, so the work
/// stays linear in the text even for one endless word.
fn ascii_name_keys(b: &[u8], out: &mut Vec<u32>) {
    let mut buf = [0u8; 64];
    // The previous capital that started a part, and where its word starts.
    let mut memo: Option<(usize, usize)> = None;
    let mut i = 0;
    while let Some(p) = find_in_range(b, i, b'A', b'Z') {
        let end = p + b[p..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
        i = end;
        // A part is a maximal run of letters and digits: a capital inside one ("McDonald")
        // is not the start of a name.
        if p > 0 && b[p - 1].is_ascii_alphanumeric() {
            continue;
        }
        let part = &b[p..end];
        if part.len() < 2 {
            continue;
        }
        let word_start = word_start(b, p, memo);
        memo = Some((p, word_start));
        // Acronyms count anywhere; other capitals only when they do not open a sentence.
        let acronym = !part.iter().any(u8::is_ascii_lowercase);
        if !acronym && opens_sentence(b, word_start) {
            continue;
        }
        if part.len() <= buf.len() {
            for (d, c) in buf.iter_mut().zip(part) {
                *d = c.to_ascii_lowercase();
            }
            out.push(fold(xxh3_64(&buf[..part.len()])) | NAME_BIT);
        } else {
            out.push(fold(xxh3_64(&part.to_ascii_lowercase())) | NAME_BIT);
        }
    }
}

/// Start of the whitespace-delimited word holding byte `p`; `memo` is an earlier position
/// and its word start, which ends the search when no whitespace lies between.
fn word_start(b: &[u8], p: usize, memo: Option<(usize, usize)>) -> usize {
    let mut i = p;
    while i > 0 && !b[i - 1].is_ascii_whitespace() {
        i -= 1;
        if let Some((q, start)) = memo {
            if i == q {
                return start;
            }
        }
    }
    i
}

/// Whether the word starting at `start` opens a sentence: the nearest earlier word with a
/// letter or digit ends with `!`, `?`, `:` or a `.` that does not close a single-letter
/// initial ("J.", "U.S."), after closing quotes and brackets — or there is no such word.
fn opens_sentence(b: &[u8], start: usize) -> bool {
    let mut i = start;
    loop {
        while i > 0 && b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        if i == 0 {
            return true;
        }
        let end = i;
        while i > 0 && !b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        let word = &b[i..end];
        let Some(cs) = word.iter().position(u8::is_ascii_alphanumeric) else { continue };
        let mut e = word.len();
        while e > cs && matches!(word[e - 1], b'"' | b'\'' | b')' | b']') {
            e -= 1;
        }
        return match word[e - 1] {
            b'!' | b'?' | b':' => true,
            b'.' => {
                let mut k = e - 1;
                while k > cs && matches!(word[k - 1], b'.' | b'!' | b'?' | b':') {
                    k -= 1;
                }
                word[cs..k].iter().rev().take_while(|c| c.is_ascii_alphanumeric()).count() > 1
            }
            _ => false,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<f64> {
        number_values(s)
    }

    #[test]
    fn locales_agree_on_the_same_number() {
        for s in ["15000", "15,000", "15 000", "15\u{202f}000", "15\u{a0}000", "15.000", "15'000"] {
            assert_eq!(v(s), vec![15000.0], "{s}");
        }
        assert_eq!(v("1,234,567 and 1 234 567"), vec![1234567.0, 1234567.0]);
        assert_eq!(v("rose 1.9 billion to 738.5"), vec![1.9, 738.5]);
        assert_eq!(v("hausse de 1,9 milliard, soit 3,25 %"), vec![1.9, 3.25]);
        assert_eq!(v("a 5-3/4 pct coupon, pays 5/8 pct"), vec![5.75, 0.625]);
        assert_eq!(v("1-1/4 pct"), vec![1.25]);
    }

    #[test]
    fn digits_inside_names_are_not_numbers() {
        assert_eq!(v("M1 and B737 rose, 24 pct"), vec![24.0]);
        assert_eq!(v("no numbers here"), Vec::<f64>::new());
        assert_eq!(v("in 1987, up 3."), vec![1987.0, 3.0]);
        assert_eq!(v("in 2019 150 people"), vec![2019.0, 150.0]);
        assert_eq!(v("300-307 head"), vec![300.0, 307.0]);
    }

    #[test]
    fn a_name_on_its_own_line_keeps_its_first_word() {
        let keys = |t: &str| {
            let mut v = Vec::new();
            fact_keys(t, &mut v);
            v
        };
        assert!(keys("Ball Corporation").contains(&name_key("ball")));
        assert!(keys("Bank of America").contains(&name_key("bank")));
        // A sentence's first word, a question, a long line and a function word are not.
        assert!(!keys("Ball games resumed on Tuesday.").contains(&name_key("ball")));
        assert!(!keys("Ball Corporation?").contains(&name_key("ball")));
        assert!(
            !keys("Ball Corporation Buys Rexam In Big Packaging Deal").contains(&name_key("ball"))
        );
        assert!(!keys("The Times").contains(&name_key("the")));
        assert!(keys("Under Armour Inc").contains(&name_key("under")));
        assert!(!keys("Plane Crashes into Trees").contains(&name_key("plane")));
    }

    #[test]
    fn names_skip_sentence_starts_but_keep_acronyms() {
        let got = names(
            "The Bank of England said. It gave KCNA a call, J. Smith said. U.S. Treasury bills rose",
        );
        assert_eq!(got, vec!["bank", "england", "kcna", "smith", "treasury"]);
        assert_eq!(
            names("« Vladimir Poutine » a rencontré Kim Jong Un à Pékin."),
            vec!["poutine", "kim", "jong", "un", "pékin"]
        );
    }

    #[test]
    fn entities_are_not_numbers() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        fact_keys("The Commission&#8217;s 10.3 billion dlr saga", &mut a);
        fact_keys("The Commission’s 10.3 billion dlr saga", &mut b);
        assert_eq!(a, b);
    }

    proptest::proptest! {
        /// The ASCII fast path finds exactly the names the general path finds.
        #[test]
        fn ascii_fast_path_equals_the_general_path(text in "([A-Za-z]{1,8}|[A-Z]{1,3}|[0-9]{1,4}|[ \t\n.,;:!?\"'()\\]\\[-]){0,40}") {
            let mut fast = Vec::new();
            ascii_name_keys(text.as_bytes(), &mut fast);
            let slow: Vec<u32> = names(&text).iter().map(|n| name_key(n)).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    proptest::proptest! {
        /// The eight-at-a-time search finds exactly what a byte loop finds, whatever the
        /// bytes (UTF-8 or not) and the start.
        #[test]
        fn find_in_range_equals_a_byte_loop(
            b in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            from in 0usize..44,
            lo in 1u8..126,
            width in 0u8..20,
        ) {
            let hi = lo.saturating_add(width).min(126);
            let naive = b.get(from..).and_then(|t| {
                t.iter().position(|c| (lo..=hi).contains(c)).map(|p| from + p)
            });
            proptest::prop_assert_eq!(find_in_range(&b, from, lo, hi), naive);
        }
    }

    #[test]
    fn keys_are_sorted_distinct_and_value_based() {
        let mut a = Vec::new();
        number_keys("4,700 victimes, 600 décès, sur 15 000; 15 000 again", &mut a);
        let mut b = Vec::new();
        number_keys("15,000 troops, 4,700 casualties including 600 deaths", &mut b);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_eq!(number_key(1.5), number_key(1.50));
        assert_ne!(number_key(1.5), number_key(15.0));
    }
}
