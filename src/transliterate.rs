//! Latin letters for every script: the one transliteration that cross-language anchors and
//! the model-free translation embedder share.
//!
//! A Russian or Greek translation of an English wire story writes its names, and many of
//! its words (президент / president, Αθήνα / Athens), in another script; spelt in Latin
//! letters they share character trigrams and consonant skeletons with the original.
//!
//! The tables are `deunicode`'s (kept by the Rust community, every Unicode block, no
//! allocation per character). Chosen over `any_ascii` by measurement: on the WMT
//! documents of `wmt-multi-dev` without the model, Russian translations of English, German
//! and French articles were found more often with it (its Cyrillic spelling is closer to
//! how English and German write Russian names); both take well under a microsecond per
//! word.

use std::borrow::Cow;

/// `text` in Latin letters: every non-ASCII character replaced by its usual romanisation
/// (Cyrillic, Greek, Arabic, Hebrew, Devanagari and other Indic scripts, Chinese pinyin,
/// Korean, Japanese kana; Latin letters lose their accents, ß → ss). ASCII text is
/// returned as it is, without copying.
pub fn to_latin(text: &str) -> Cow<'_, str> {
    if text.is_ascii() { Cow::Borrowed(text) } else { Cow::Owned(deunicode::deunicode(text)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_other_scripts_come_out_in_latin_letters() {
        for (written, latin) in [
            ("Владимир Путин", "Vladimir Putin"),
            ("Αλέξης Τσίπρας", "Alexes Tsipras"),
            ("Zürich Straße", "Zurich Strasse"),
            ("Dvořák", "Dvorak"),
            ("北京", "Bei Jing"),
        ] {
            assert_eq!(to_latin(written), latin, "{written}");
        }
        assert!(matches!(to_latin("plain ASCII"), Cow::Borrowed(_)));
        // Scripts without a case still give letters (vowels may be implicit).
        for written in ["नरेंद्र मोदी", "محمد عباس", "בנימין נתניהו", "서울"]
        {
            let l = to_latin(written);
            assert!(l.chars().filter(char::is_ascii_alphabetic).count() >= 4, "{written} → {l}");
        }
    }
}
