//! Language of documents and paragraphs.
//!
//! Translated copy is looked for only between paragraphs of different languages, so every
//! paragraph needs one — cheaply, because same-language corpora must not pay for it. The
//! `lang` field wins when a record has one. Otherwise the tokens the fingerprint stage has
//! already made are scored against short lists of function words (Latin-script languages),
//! or the letters' script decides (Cyrillic, Greek, Arabic, Hebrew, CJK, Hangul, Thai,
//! Devanagari). This costs one hash lookup per short token; a general detector (whatlang)
//! runs at ~5 MB/s here and is kept for the document-level fallback only.

use ahash::{AHashMap, AHashSet};
use std::sync::OnceLock;

use crate::normalize::Tokens;

/// An ISO 639-1 (or 639-3) code packed in four bytes; `Lang::UNKNOWN` when not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Lang([u8; 4]);

impl Lang {
    /// Not known.
    pub const UNKNOWN: Lang = Lang([0; 4]);

    /// The four packed bytes (for persistent storage).
    pub const fn to_bytes(self) -> [u8; 4] {
        self.0
    }

    /// The language of four packed bytes from [`Lang::to_bytes`].
    pub const fn from_bytes(b: [u8; 4]) -> Lang {
        Lang(b)
    }

    /// Parses a language tag (`fr`, `FR`, `fr-CA`, `pt_BR`, `eng`): its primary subtag,
    /// lower-cased, 2–3 ASCII letters. Anything else is unknown.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Lang::UNKNOWN;
        }
        let mut b = [0u8; 4];
        for (i, c) in primary.bytes().enumerate() {
            b[i] = c.to_ascii_lowercase();
        }
        // Three-letter codes of the languages we know map to their two-letter form.
        let l = Lang(b);
        match l.as_str() {
            "eng" => Lang::from_tag("en"),
            "fra" | "fre" => Lang::from_tag("fr"),
            "deu" | "ger" => Lang::from_tag("de"),
            "spa" => Lang::from_tag("es"),
            "ita" => Lang::from_tag("it"),
            "por" => Lang::from_tag("pt"),
            "nld" | "dut" => Lang::from_tag("nl"),
            "rus" => Lang::from_tag("ru"),
            "pol" => Lang::from_tag("pl"),
            "tur" => Lang::from_tag("tr"),
            "cmn" | "zho" | "chi" => Lang::from_tag("zh"),
            "jpn" => Lang::from_tag("ja"),
            "kor" => Lang::from_tag("ko"),
            "ara" => Lang::from_tag("ar"),
            "tha" => Lang::from_tag("th"),
            _ => l,
        }
    }

    /// The code (`""` when unknown).
    pub fn as_str(&self) -> &str {
        let n = self.0.iter().position(|&b| b == 0).unwrap_or(4);
        std::str::from_utf8(&self.0[..n]).unwrap_or("")
    }

    /// Whether the language is known.
    pub fn is_known(&self) -> bool {
        self.0[0] != 0
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_known() { self.as_str() } else { "?" })
    }
}

/// Function words per language: frequent, short, and together distinctive.
const STOPWORDS: &[(&str, &str)] = &[
    (
        "en",
        "the of and to in is that for it with was on as he by at from his an a were are which this be has have had not but they their its been would will said who or we you than more after about also one all there",
    ),
    (
        "fr",
        "le la les de des du et en un une est que qui dans pour pas au aux sur par il elle ont sont avec ce cette ses son sa mais plus été qu été aussi leur selon",
    ),
    (
        "de",
        "der die das und den dem des ein eine einen ist nicht mit von zu im auf für sich auch es sie er wird wurde werden dass bei aus nach hat haben sind war noch wie über",
    ),
    (
        "es",
        "el la los las de del y en un una que es por con para se su sus al lo como más pero fue ha han este esta son sobre entre sin también",
    ),
    (
        "it",
        "il lo la gli le di del della dei delle e è in un una che per con non da al alla si sono ha hanno come più ma anche questo nel nella",
    ),
    (
        "pt",
        "o a os as de do da dos das e em no na nos um uma que é para com não por se ao foi mais mas como sua seu são pelo pela",
    ),
    (
        "nl",
        "de het een en van in is op te dat die voor met zijn niet aan er ook als bij door naar om wordt werd heeft hebben maar uit over nog",
    ),
    (
        "pl",
        "i w z na się nie do to że jest o jak po od za przez dla są był była ale tak może jego już",
    ),
    (
        "tr",
        "ve bir bu da de için ile olarak çok daha gibi olan ama sonra kadar ise değil her ne mi var yok",
    ),
];

/// Token → bit set of the languages listing it.
fn stopword_table() -> &'static (Vec<Lang>, AHashMap<&'static str, u16>) {
    static T: OnceLock<(Vec<Lang>, AHashMap<&'static str, u16>)> = OnceLock::new();
    T.get_or_init(|| {
        let mut langs = Vec::new();
        let mut map: AHashMap<&'static str, u16> = AHashMap::new();
        for (i, (code, words)) in STOPWORDS.iter().enumerate() {
            langs.push(Lang::from_tag(code));
            for w in words.split_whitespace() {
                *map.entry(w).or_default() |= 1 << i;
            }
        }
        (langs, map)
    })
}

/// Function words beyond the detection table's (which keeps the most frequent and most
/// distinctive): they say no more of what a text is about than "the" does (a headline
/// "… Crashes Into Wooded Area" is not told by a page that only says "plug your news into
/// the daily cycle").
const MORE_FUNCTION_WORDS: &str = "into onto over under out up down off upon within without \
    through across against among between before during since until while if when where what \
    how why so no yes can could may might must shall should do does did being our your her \
    she him them these those other such some any each every both only just very too here now \
    then my me us its \
    vers sous chez sans entre depuis pendant avant après contre ou où si comme tout tous \
    toute nous vous ils elles leurs ces mes tes nos vos y ne \
    unter zwischen gegen ohne durch seit während vor hinter bis wenn als ob wir ihr ihnen \
    diese dieser dieses jeder alle kein keine nur schon \
    hacia hasta desde durante contra según tras cuando donde si ya muy todo todos nos les \
    estos estas ese esa";

/// Whether `token` (lower-cased) is a function word of one of the languages listed here:
/// words that say nothing of what a text is about.
pub fn is_function_word(token: &str) -> bool {
    static MORE: OnceLock<AHashSet<&'static str>> = OnceLock::new();
    stopword_table().1.contains_key(token)
        || MORE.get_or_init(|| MORE_FUNCTION_WORDS.split_whitespace().collect()).contains(token)
}

/// The script of a letter, for languages that a script identifies.
fn script_lang(c: char) -> Option<&'static str> {
    Some(match c as u32 {
        0x0400..=0x04FF => "ru",
        0x0370..=0x03FF => "el",
        0x0590..=0x05FF => "he",
        0x0600..=0x06FF | 0x0750..=0x077F => "ar",
        0x0900..=0x097F => "hi",
        0x0E00..=0x0E7F => "th",
        0x3040..=0x30FF => "ja",
        0xAC00..=0xD7AF | 0x1100..=0x11FF => "ko",
        0x4E00..=0x9FFF | 0x3400..=0x4DBF => "zh",
        _ => return None,
    })
}

/// Guesses the language of tokens `range` of `toks`. Returns `None` when the evidence is
/// too thin (few function words, no distinctive script).
pub fn detect(toks: &Tokens, range: std::ops::Range<usize>) -> Option<Lang> {
    detect_scored(toks, range).map(|d| d.lang)
}

/// A detection with its evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The language.
    pub lang: Lang,
    /// Whether the evidence is strong: the script decided, or at least 3 weighted function
    /// words and twice the next language's. A paragraph that contradicts its document's
    /// language is believed only on strong evidence.
    pub strong: bool,
}

/// [`detect`] with the strength of the evidence.
pub fn detect_scored(toks: &Tokens, range: std::ops::Range<usize>) -> Option<Detection> {
    let (langs, table) = stopword_table();
    let mut score = [0f32; 16];
    let mut scripts: AHashMap<&'static str, u32> = AHashMap::new();
    let mut latin = 0u32;
    // Distinct function words per language ([`MIN_FUNCTION_WORDS`]: "com" in every
    // "Briefing.com" of a table of figures is not Portuguese).
    let mut seen: Vec<&str> = Vec::with_capacity(40);
    let mut distinct = [0u32; 16];
    // Forty words are evidence enough; long paragraphs stop there.
    for i in range.clone().take(40) {
        let t = toks.get(i);
        if let Some(c) = t.chars().next() {
            if c.is_ascii() {
                latin += 1;
            } else if let Some(s) = script_lang(c) {
                *scripts.entry(s).or_default() += 1;
            } else {
                latin += 1;
            }
        }
        if t.len() <= 8 {
            if let Some(&mask) = table.get(t) {
                let w = 1.0 / mask.count_ones() as f32;
                let new = !seen.contains(&t);
                if new {
                    seen.push(t);
                }
                for (b, s) in score.iter_mut().enumerate().take(langs.len()) {
                    if mask & (1 << b) != 0 {
                        *s += w;
                        distinct[b] += u32::from(new);
                    }
                }
            }
        }
    }
    // A non-Latin script in most tokens decides; kana beats Han (Japanese writes both).
    let total = (range.len().min(40) as u32).max(1);
    if let Some((&s, &n)) = scripts.iter().max_by_key(|(s, n)| (**n, **s)) {
        let kana = scripts.get("ja").copied().unwrap_or(0);
        if n * 2 > total || (s == "zh" && kana > 0) {
            let s = if s == "zh" && kana > 0 { "ja" } else { s };
            return Some(Detection { lang: Lang::from_tag(s), strong: true });
        }
    }
    if latin * 2 < total {
        return None;
    }
    let mut order: Vec<(f32, usize)> = score[..langs.len()].iter().copied().zip(0..).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, second) = (order[0], order[1]);
    let enough = distinct[best.1] as usize >= MIN_FUNCTION_WORDS;
    (best.0 >= 2.5 && best.0 >= 1.5 * second.0 && enough).then(|| Detection {
        lang: langs[best.1],
        strong: best.0 >= 3.0 && best.0 >= 2.0 * second.0,
    })
}

/// Document-level fallback when neither a field nor the paragraphs tell: whatlang on a
/// sample of the text (it supports ~70 languages).
pub fn detect_text(text: &str) -> Option<Lang> {
    let sample: String = text.chars().take(600).collect();
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code = match info.lang() {
        whatlang::Lang::Eng => "en",
        whatlang::Lang::Fra => "fr",
        whatlang::Lang::Deu => "de",
        whatlang::Lang::Spa => "es",
        whatlang::Lang::Ita => "it",
        whatlang::Lang::Por => "pt",
        whatlang::Lang::Nld => "nl",
        whatlang::Lang::Rus => "ru",
        whatlang::Lang::Pol => "pl",
        whatlang::Lang::Tur => "tr",
        whatlang::Lang::Ara => "ar",
        whatlang::Lang::Cmn => "zh",
        whatlang::Lang::Jpn => "ja",
        whatlang::Lang::Kor => "ko",
        whatlang::Lang::Tha => "th",
        other => return Some(Lang::from_tag(other.code())),
    };
    // Letter trigrams of a few repeated labels ("Actual", "Prior", "consensus" in a table of
    // figures) can look like any language; a language whose function words are listed
    // here is believed only if the text uses two different ones, as any sentence of it
    // does.
    let (langs, table) = stopword_table();
    if let Some(bit) = langs.iter().position(|l| l.as_str() == code) {
        let mut used: Vec<String> = sample
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| table.get(w.as_str()).is_some_and(|m| m & (1 << bit) != 0))
            .collect();
        used.sort_unstable();
        used.dedup();
        let used = used.len();
        if used < MIN_FUNCTION_WORDS {
            return None;
        }
    }
    Some(Lang::from_tag(code))
}

/// Different function words of its language a text uses at least to be named that
/// language, by a paragraph's detection or by the document-level fallback: one word
/// repeated is no language.
const MIN_FUNCTION_WORDS: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;

    fn d(s: &str) -> Option<String> {
        let t = Normalizer::new().tokenize(s);
        detect(&t, 0..t.len()).map(|l| l.to_string())
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(Lang::from_tag("FR-ca").as_str(), "fr");
        assert_eq!(Lang::from_tag("pt_BR").as_str(), "pt");
        assert_eq!(Lang::from_tag("eng").as_str(), "en");
        assert_eq!(Lang::from_tag("x"), Lang::UNKNOWN);
        assert_eq!(Lang::from_tag("english"), Lang::UNKNOWN);
        assert_eq!(Lang::UNKNOWN.to_string(), "?");
    }

    #[test]
    fn paragraphs_in_the_common_languages() {
        assert_eq!(d("The two leaders met on Wednesday in Beijing as China held one of its largest ever military parades.").as_deref(), Some("en"));
        assert_eq!(d("Les deux dirigeants se sont rencontrés mercredi à Pékin alors que la Chine a organisé un défilé.").as_deref(), Some("fr"));
        assert_eq!(d("Die beiden Politiker trafen sich am Mittwoch in Peking, wo China eine der größten Paraden abhielt.").as_deref(), Some("de"));
        assert_eq!(d("Los dos líderes se reunieron el miércoles en Pekín mientras China celebraba uno de sus mayores desfiles.").as_deref(), Some("es"));
        assert_eq!(d("I due leader si sono incontrati mercoledì a Pechino, mentre la Cina teneva una delle più grandi parate.").as_deref(), Some("it"));
        assert_eq!(
            d("Путин поблагодарил Ким Чен Ына за мужество его солдат").as_deref(),
            Some("ru")
        );
        assert_eq!(d("金正恩在北京会见了普京").as_deref(), Some("zh"));
        assert_eq!(d("プーチン大統領は北京で金正恩氏と会談した").as_deref(), Some("ja"));
        assert_eq!(d("푸틴 대통령은 베이징에서 김정은 위원장을 만났다").as_deref(), Some("ko"));
    }

    #[test]
    fn english_with_articles_and_possessives_is_english() {
        assert_eq!(d("Adelman expects Morris to final eight a a share this year compared to 3.44 dlrs a share earned a year ago.").as_deref(), Some("en"));
        let t = Normalizer::new().tokenize(
            "Affirmed were PNC Funding's AA-plus senior debt and A-1-plus commercial paper.",
        );
        assert!(detect_scored(&t, 0..t.len()).is_none_or(|d| !d.strong || d.lang.as_str() == "en"));
    }

    #[test]
    fn thin_evidence_gives_no_answer() {
        assert_eq!(d("Reuters"), None);
        assert_eq!(d("Shr 10 cts vs 12 cts"), None);
        assert_eq!(d("Kim Jong Un"), None);
    }

    #[test]
    fn whole_text_fallback() {
        assert_eq!(detect_text("Dies ist ein längerer deutscher Text über die Wirtschaft und die Politik des Landes, der eindeutig erkannt werden sollte.").map(|l| l.to_string()).as_deref(), Some("de"));
        assert_eq!(detect_text("12 34"), None);
        // A table of figures under English labels names no language, whatever its
        // letter trigrams look like.
        let table = "August Producer Price Index: Actual 0.0%, Briefing.com consensus -0.1%, \
            Prior +0.2% August Core Producer Price Index: Actual 0.3%, Briefing.com consensus \
            0.1%, Prior +0.3% September Michigan Sentiment: Actual 85.7, Briefing.com \
            consensus 91.5, Prior 9.19 August Treasury Budget: Actual -$64.4 bln, Briefing.com \
            consensus -$62.0 bln, Prior -$128.7 bln";
        assert_eq!(detect_text(table), None);
    }
}
