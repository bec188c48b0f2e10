//! Text normalisation and tokenisation.
//!
//! Two copies of a wire story differ in ways that say nothing about their content: HTML
//! entities, compatibility characters (ligatures, full-width digits), curly or straight
//! quotes, dashes, no-break spaces, letter case. All of these are folded away so that only
//! the words remain: the output of this stage is a sequence of lower-cased word tokens
//! (maximal runs of letters, digits, marks and `_`, the `\w+` rule the evaluation tools use),
//! held in one string joined by single spaces so that a shingle is a plain byte slice.
//!
//! Cost: one pass over the bytes; ASCII text without `&` (most English copy) takes a
//! byte-level fast path with no Unicode tables and no allocation.

use unicode_normalization::UnicodeNormalization;

/// Lower-cased word tokens joined by single spaces.
///
/// Token `i` is `text[start(i)..end(i)]`; a run of tokens `i..j` is one contiguous slice,
/// which is what makes hashing a shingle cheap.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tokens {
    text: String,
    ends: Vec<u32>,
}

impl Tokens {
    /// An empty token buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Removes every token.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Keeps the first `n` tokens.
    pub fn truncate(&mut self, n: usize) {
        if n < self.ends.len() {
            self.ends.truncate(n);
            let end = self.ends.last().map_or(0, |&e| e as usize);
            self.text.truncate(end);
        }
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.ends[i - 1] as usize + 1 }
    }

    /// Token `i`.
    pub fn get(&self, i: usize) -> &str {
        &self.text[self.start(i)..self.ends[i] as usize]
    }

    /// Tokens `i..j` as one slice, joined by single spaces (`i < j <= len`).
    pub fn run(&self, i: usize, j: usize) -> &str {
        &self.text[self.start(i)..self.ends[j - 1] as usize]
    }

    /// All tokens joined by single spaces.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Iterates over the tokens.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    fn begin_token(&mut self) {
        if !self.ends.is_empty() {
            self.text.push(' ');
        }
    }

    fn end_token(&mut self) {
        self.ends.push(self.text.len() as u32);
    }
}

/// Whether `c` belongs to a word token (`\w` in Unicode regex terms, keeping combining
/// marks so that Indic and decomposed Latin words stay whole).
#[inline]
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_mark(c)
}

#[inline]
fn is_mark(c: char) -> bool {
    // The combining blocks that matter after NFKC composition.
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0900}'..='\u{0DFF}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Reusable normaliser; keeps scratch buffers between calls so that the hot path does not
/// allocate.
#[derive(Debug, Default)]
pub struct Normalizer {
    decoded: String,
}

impl Normalizer {
    /// A new normaliser.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the tokens of `text` to `out` and returns how many were added.
    pub fn tokenize_into(&mut self, text: &str, out: &mut Tokens) -> usize {
        let before = out.len();
        if text.contains('&') {
            self.decoded.clear();
            html_escape::decode_html_entities_to_string(text, &mut self.decoded);
            let decoded = std::mem::take(&mut self.decoded);
            tokenize_decoded(&decoded, out);
            self.decoded = decoded;
        } else {
            tokenize_decoded(text, out);
        }
        out.len() - before
    }

    /// How many tokens `text` has (what [`Normalizer::tokenize_into`] would add), without
    /// building them for plain ASCII text.
    pub fn count_tokens(&mut self, text: &str, scratch: &mut Tokens) -> usize {
        if text.is_ascii() && !text.contains('&') {
            let mut n = 0;
            let mut in_word = false;
            for &b in text.as_bytes() {
                let word = ASCII_WORD[b as usize] != 0;
                n += (word && !in_word) as usize;
                in_word = word;
            }
            return n;
        }
        scratch.clear();
        self.tokenize_into(text, scratch)
    }

    /// The tokens of `text` in a new buffer.
    pub fn tokenize(&mut self, text: &str) -> Tokens {
        let mut t = Tokens::new();
        self.tokenize_into(text, &mut t);
        t
    }
}

fn tokenize_decoded(text: &str, out: &mut Tokens) {
    if text.is_ascii() {
        tokenize_ascii(text, out);
    } else {
        tokenize_unicode(text, out);
    }
}

/// For each byte: 0 if it is not part of an ASCII word, else the byte lower-cased. One
/// table lookup replaces three range tests and the case fold in the tokenizer's hot loop.
static ASCII_WORD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// Branch-free over the bytes: every byte writes its lower-cased form or a space, and the
/// write position only moves past a word byte or the first space after a word. Word ends
/// are written the same way. A branch per word end would be mispredicted about once per
/// word, which cost more than all the rest of the loop.
fn tokenize_ascii(text: &str, out: &mut Tokens) {
    let bytes = text.as_bytes();
    let Tokens { text: joined, ends } = out;
    // SAFETY: only bytes from `ASCII_WORD` (ASCII) and `b' '` are written, and the
    // buffer is cut back to the bytes written, so it stays valid UTF-8.
    let buf = unsafe { joined.as_mut_vec() };
    let base = buf.len();
    let separate = !ends.is_empty();
    // At most a separator before the first token and one byte per input byte.
    buf.resize(base + bytes.len() + 2, 0);
    let dst = &mut buf[base..];
    let mut w = 0;
    if separate {
        dst[0] = b' ';
        w = 1;
    }
    // A token is at least one byte and is followed by a non-word byte or the end.
    let first_end = ends.len();
    ends.resize(first_end + bytes.len() / 2 + 2, 0);
    let ends_dst = &mut ends[first_end..];
    let mut e = 0;
    let mut in_word = false;
    for &b in bytes {
        let c = ASCII_WORD[b as usize];
        let word = c != 0;
        dst[w] = if word { c } else { b' ' };
        ends_dst[e] = (base + w) as u32;
        e += (in_word && !word) as usize;
        w += (word || in_word) as usize;
        in_word = word;
    }
    if in_word {
        ends_dst[e] = (base + w) as u32;
        e += 1;
    } else if e > 0 {
        w -= 1; // the space after the last token
    }
    ends.truncate(first_end + e);
    buf.truncate(if e == 0 { base } else { base + w });
}

fn tokenize_unicode(text: &str, out: &mut Tokens) {
    let mut in_token = false;
    for c in text.nfkc() {
        if is_word_char(c) {
            if !in_token {
                out.begin_token();
                in_token = true;
            }
            push_folded(c, &mut out.text);
        } else if in_token {
            out.end_token();
            in_token = false;
        }
    }
    if in_token {
        out.end_token();
    }
}

/// Lower-cases `c` with the two full case foldings that matter for matching (ß → ss,
/// final sigma → sigma).
#[inline]
fn push_folded(c: char, out: &mut String) {
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'ς' => out.push('σ'),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => out.extend(c.to_lowercase()),
    }
}

/// The normalised form of a whole text, for display and for rules that look at
/// punctuation: entities decoded, NFKC, case folded, curly quotes straightened, dashes
/// folded to `-`, every kind of space (NBSP, narrow NBSP, thin space…) to a plain space.
pub fn normalize_text(text: &str) -> String {
    let decoded = html_escape::decode_html_entities(text);
    let mut out = String::with_capacity(decoded.len());
    for c in decoded.nfkc() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => {
                out.push('\'')
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
                out.push('-')
            }
            '\u{00A0}'
            | '\u{202F}'
            | '\u{2007}'
            | '\u{2009}'
            | '\u{200A}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}' => out.push(' '),
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            c => push_folded(c, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        Normalizer::new().tokenize(s).iter().map(str::to_string).collect()
    }

    #[test]
    fn ascii_words_are_lowercased_and_punctuation_splits() {
        assert_eq!(
            toks("U.S. money-supply, M-1 ROSE 1.9 bln_dlrs!"),
            ["u", "s", "money", "supply", "m", "1", "rose", "1", "9", "bln_dlrs"]
        );
        assert!(toks("  ... -- !!").is_empty());
    }

    #[test]
    fn unicode_is_nfkc_folded_and_case_folded() {
        // Ligature, full-width digits, composed vs decomposed accents, sharp s, sigma.
        assert_eq!(toks("ﬁnance １２３"), ["finance", "123"]);
        assert_eq!(toks("Cafe\u{301} CAFÉ café"), ["café", "café", "café"]);
        assert_eq!(toks("STRASSE Straße"), ["strasse", "strasse"]);
        assert_eq!(toks("ΟΔΟΣ οδος"), ["οδοσ", "οδοσ"]);
        assert_eq!(toks("Séoul l’armée"), ["séoul", "l", "armée"]);
    }

    #[test]
    fn spaces_quotes_dashes_and_entities_do_not_change_tokens() {
        let plain = toks("He said \"15 000\" - not 'twenty'.");
        assert_eq!(toks("He\u{a0}said “15\u{202f}000” — not ‘twenty’."), plain);
        assert_eq!(toks("He&nbsp;said &quot;15 000&quot; &mdash; not &#39;twenty&#39;."), plain);
        assert_eq!(toks("AT&amp;T and AT&T"), ["at", "t", "and", "at", "t"]);
    }

    proptest::proptest! {
        /// The ASCII fast path gives exactly the tokens of the general path, also when
        /// appending to a buffer that already holds tokens.
        #[test]
        fn ascii_fast_path_equals_the_general_path(
            before in "[a-z ]{0,12}",
            text in "[A-Za-z0-9_ .,;:!?'()\\[\\]-]{0,80}",
        ) {
            let (mut fast, mut slow) = (Tokens::new(), Tokens::new());
            tokenize_unicode(&before, &mut fast);
            tokenize_unicode(&before, &mut slow);
            tokenize_ascii(&text, &mut fast);
            tokenize_unicode(&text, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    proptest::proptest! {
        /// Counting tokens gives the number tokenizing adds.
        #[test]
        fn counting_equals_tokenizing(text in "[A-Za-z0-9_ .,;:!?'&()é-]{0,60}") {
            let mut n = Normalizer::new();
            let mut scratch = Tokens::new();
            let counted = n.count_tokens(&text, &mut scratch);
            proptest::prop_assert_eq!(counted, n.tokenize(&text).len());
        }
    }

    #[test]
    fn token_runs_are_contiguous_slices() {
        let t = Normalizer::new().tokenize("One two, THREE four");
        assert_eq!(t.len(), 4);
        assert_eq!(t.run(1, 3), "two three");
        assert_eq!(t.run(0, 4), t.as_str());
        let mut t2 = t.clone();
        t2.truncate(2);
        assert_eq!(t2.as_str(), "one two");
    }

    #[test]
    fn normalize_text_folds_typography() {
        assert_eq!(
            normalize_text("“Quote” – it’s\u{a0}here&hellip;\u{ad}"),
            "\"quote\" - it's here..."
        );
    }
}
