//! Anchors that survive translation: the keys cross-language candidates are found by.
//!
//! A French translation of an English wire story shares almost no words with it, but it
//! shares its numbers, acronyms and names — under a transliteration (Poutine/Putin,
//! Koursk/Kursk) or an exonym (Pékin/Beijing, Allemagne/Germany, mercredi/Wednesday,
//! ONU/UN). Each paragraph gets the set of:
//!
//! * **numbers**, by value ([`super::number_key`]: 15 000 = 15,000 = 15000);
//! * **exonyms**: phrases of the table in `exonyms.tsv` (countries, months and weekdays
//!   from CLDR in eleven languages; major cities, demonyms and organisations written for
//!   this project), each mapped to one language-independent key. Table forms written in
//!   capitals (US, WHO, UN) only match words written in capitals, so "us", "who" and "may"
//!   in running text do not;
//! * **acronyms** (KCNA) verbatim;
//! * **names**: capitalised words that do not start a sentence, folded to a consonant
//!   skeleton — transliterated into Latin letters ([`crate::transliterate`]), `ph→f`, `c/q→k`,
//!   `w→v`, `z→s`, vowels, `h` and `j/y` dropped, repeats collapsed — so that
//!   Poutine/Putin → `ptn`, Koursk/Kursk → `krsk`, Selenskyj/Zelensky → `slnsk`.
//!
//! Anchors only propose candidates: many paragraphs about one event share the same names.

use std::sync::OnceLock;

use ahash::{AHashMap, AHashSet};
use unicode_normalization::UnicodeNormalization;
use xxhash_rust::xxh3::xxh3_64;

use crate::shingle::fold;

/// The exonym table, one `KEY<TAB>FORM` per line.
const TABLE: &str = include_str!("exonyms.tsv");

/// Forms left out of the table because they are common words in running text.
const AMBIGUOUS: &[&str] = &["may", "march"];

struct Exonyms {
    /// Folded phrase → (key, written in capitals only).
    phrases: AHashMap<String, (u32, bool)>,
    /// Folded first words of phrases (a cheap filter before building phrases).
    first: AHashSet<String>,
    max_words: usize,
}

fn exonyms() -> &'static Exonyms {
    static T: OnceLock<Exonyms> = OnceLock::new();
    T.get_or_init(|| {
        let mut phrases = AHashMap::new();
        let mut first = AHashSet::new();
        let mut max_words = 1;
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let Some((key, form)) = line.split_once('\t') else { continue };
            let words = words_of(form);
            if words.is_empty() {
                continue;
            }
            let folded: Vec<String> = words.iter().map(|w| fold_word(w.text)).collect();
            let phrase = folded.join(" ");
            if AMBIGUOUS.contains(&phrase.as_str()) {
                continue;
            }
            let caps_only = words.iter().all(|w| w.caps == Caps::All)
                && form.chars().filter(|c| c.is_alphabetic()).count() <= 6;
            max_words = max_words.max(folded.len());
            first.insert(folded[0].clone());
            phrases.entry(phrase).or_insert((key_hash("x", key), caps_only));
        }
        Exonyms { phrases, first, max_words }
    })
}

fn key_hash(kind: &str, s: &str) -> u32 {
    let mut buf = String::with_capacity(kind.len() + 1 + s.len());
    buf.push_str(kind);
    buf.push(':');
    buf.push_str(s);
    fold(xxh3_64(buf.as_bytes())) & !super::NAME_BIT
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caps {
    Lower,
    Initial,
    All,
}

#[derive(Debug, Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    caps: Caps,
    sentence_start: bool,
    numeric: bool,
}

/// Words of `text` (runs of letters, digits and marks), with their case and whether they
/// start a sentence.
fn words_of(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut sentence_start = true;
    let mut last_word_len = 0usize;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let word_char = crate::normalize::is_word_char(c);
        match (start, word_char) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let w = &text[s..i];
                let alpha: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
                let caps = if alpha.len() >= 2 && alpha.iter().all(|c| c.is_uppercase()) {
                    Caps::All
                } else if alpha.first().is_some_and(|c| c.is_uppercase())
                    && w.chars().next().is_some_and(char::is_alphabetic)
                {
                    Caps::Initial
                } else {
                    Caps::Lower
                };
                out.push(Word {
                    text: w,
                    caps,
                    sentence_start,
                    numeric: w.chars().next().is_some_and(|c| c.is_numeric()),
                });
                sentence_start = false;
                last_word_len = w.chars().count();
                start = None;
                if matches!(c, '.' | '!' | '?' | ':') && !(c == '.' && last_word_len == 1) {
                    sentence_start = true;
                }
            }
            (None, false) => {
                if matches!(c, '.' | '!' | '?' | ':')
                    && !(c == '.' && last_word_len == 1)
                    && !out.is_empty()
                {
                    sentence_start = true;
                }
            }
            (Some(_), true) => {}
        }
    }
    out
}

/// Lower case, accents stripped.
fn fold_word(w: &str) -> String {
    if w.is_ascii() {
        return w.to_ascii_lowercase();
    }
    w.nfkd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The consonant skeleton of a (folded) name: `poutine` → `ptn`.
pub fn skeleton(folded: &str) -> String {
    let latin: String = crate::transliterate::to_latin(folded)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let latin =
        latin.replace("tsch", "tch").replace("dsch", "j").replace("sch", "sh").replace("ph", "f");
    let mut out = String::with_capacity(latin.len());
    let mut prev = '\0';
    for c in latin.chars() {
        let c = match c {
            'c' | 'q' => 'k',
            'w' => 'v',
            'z' => 's',
            'x' => 'k',
            c => c,
        };
        if matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'j' | 'h') {
            continue;
        }
        if c != prev {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Appends the cross-language anchor keys of `text` to `out`, sorted and distinct (the
/// whole of `out` from its previous length on).
pub fn anchor_keys(text: &str, out: &mut Vec<u32>) {
    let start = out.len();
    let table = exonyms();
    let words = words_of(text);
    let folded: Vec<String> = words.iter().map(|w| fold_word(w.text)).collect();
    let mut i = 0;
    'words: while i < words.len() {
        let w = words[i];
        if w.numeric {
            i += 1;
            continue;
        }
        if table.first.contains(&folded[i]) {
            for n in (1..=table.max_words.min(words.len() - i)).rev() {
                let phrase = folded[i..i + n].join(" ");
                if let Some(&(key, caps_only)) = table.phrases.get(&phrase) {
                    if !caps_only || words[i..i + n].iter().all(|w| w.caps == Caps::All) {
                        out.push(key);
                        i += n;
                        continue 'words;
                    }
                }
            }
        }
        match w.caps {
            Caps::All => out.push(key_hash("acr", &folded[i])),
            Caps::Initial if !w.sentence_start => {
                let s = skeleton(&folded[i]);
                if s.chars().count() >= 2 {
                    out.push(key_hash("nm", &s));
                }
            }
            _ => {}
        }
        i += 1;
    }
    for v in super::number_values(text) {
        out.push(super::number_key(v));
    }
    out[start..].sort_unstable();
    let mut tail = out.split_off(start);
    tail.dedup();
    out.extend(tail);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<u32> {
        let mut v = Vec::new();
        anchor_keys(s, &mut v);
        v
    }

    fn shared(a: &str, b: &str) -> usize {
        crate::verify::intersection(&keys(a), &keys(b))
    }

    #[test]
    fn skeletons_survive_transliteration() {
        for (a, b) in [
            ("poutine", "putin"),
            ("koursk", "kursk"),
            ("selenskyj", "zelensky"),
            ("tschaikowski", "tchaikovsky"),
            ("medwedew", "medvedev"),
        ] {
            assert_eq!(skeleton(a), skeleton(b), "{a} / {b}");
        }
        assert_eq!(skeleton("putin"), "ptn");
        assert_eq!(skeleton(&fold_word("Путин")), "ptn");
        // Every script is written in Latin letters first.
        for (written, latin) in
            [("Τσίπρας", "Tsipras"), ("मोदी", "Modi"), ("عباس", "Abbas"), ("Патрушев", "Patrushev")]
        {
            assert_eq!(skeleton(&fold_word(written)), skeleton(&fold_word(latin)), "{written}");
        }
        assert_ne!(skeleton("iran"), skeleton("iraq"));
    }

    #[test]
    fn exonyms_numbers_and_names_agree_across_languages() {
        let en = "Russia's Vladimir Putin met North Korean leader Kim Jong Un in Beijing on Wednesday; about 15,000 troops, KCNA said.";
        let fr = "Le président russe Vladimir Poutine a rencontré mercredi à Pékin le dirigeant nord-coréen Kim Jong Un ; environ 15 000 soldats, selon KCNA.";
        let (ke, kf) = (keys(en), keys(fr));
        let common = crate::verify::intersection(&ke, &kf);
        // putin, north korean (cc:KP), kim, beijing, wednesday, 15000, kcna (russia/russe too)
        assert!(common >= 7, "{common} of {} / {}", ke.len(), kf.len());
        assert_eq!(shared("Pékin et Londres", "Beijing and London"), 2);
        assert_eq!(shared("l'Allemagne", "Germany"), 1);
        assert_eq!(shared("l'ONU", "the UN"), 1);
    }

    #[test]
    fn capitals_only_forms_do_not_match_running_text() {
        assert!(keys("tell us who may march").is_empty());
        assert_eq!(keys("The US and WHO").len(), 2);
        // Sentence-initial capitals are not names; acronyms are.
        assert!(keys("Officials said. They left.").is_empty());
        assert_eq!(keys("It said. NATO agreed.").len(), 1);
    }
}
