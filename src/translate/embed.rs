//! Paragraph embedders: the multilingual encoder, or a resource-free fallback.

use ahash::AHashMap;
use xxhash_rust::xxh3::xxh3_64;

/// Dimension of every embedding.
pub const DIM: usize = 512;

/// Turns paragraphs into L2-normalised vectors whose dot product says how likely two
/// paragraphs in different languages are one text.
pub trait Embedder: Sync {
    /// Short name shown in run summaries.
    fn name(&self) -> &'static str;
    /// One unit vector per text, in order.
    fn embed(&self, texts: &[&str]) -> Vec<[f32; DIM]>;
    /// The cosine from which two paragraphs count as translations of each other.
    fn paragraph_threshold(&self) -> f32;
    /// Whether the embedder was trained on `lang` (unknown languages: no). Pairs with a
    /// language it does not know are verified by the fitted trigram embedder instead.
    fn knows(&self, lang: crate::lang::Lang) -> bool {
        lang.is_known()
    }
}

/// Character-trigram vectors: the fallback when the multilingual model is not installed.
///
/// Related languages share names, numbers, cognates and spelling (nation / nation,
/// gouvernement / government), so translations share more character trigrams than
/// unrelated paragraphs do. The text is first written in Latin letters
/// ([`crate::transliterate`]), so that a Russian or Greek translation shares the trigrams
/// of its names and international words (prezident / president). Each trigram is weighted
/// by its inverse document frequency over the paragraphs being compared ([`Self::fitted`]):
/// trigrams of every paragraph (`_th`, `ion`, `ogo`) say nothing, a name's say a lot; the
/// weighted counts are feature-hashed (with random signs) into 512 dimensions. Far weaker
/// than the encoder; the run summary says when it is in use.
#[derive(Debug, Clone, Default)]
pub struct TrigramEmbedder {
    /// Document frequency of each trigram (by hash) over the paragraphs fitted here.
    df: AHashMap<u64, u32>,
    /// Frequencies fitted before (an index's), counted on top of `df` without copying.
    base: Option<std::sync::Arc<TrigramEmbedder>>,
    /// Paragraphs fitted, `base`'s included.
    n: u32,
}

/// How many of `texts` have each trigram.
fn document_frequencies(texts: &[&str]) -> AHashMap<u64, u32> {
    use rayon::prelude::*;
    texts
        .par_iter()
        .fold(AHashMap::new, |mut m: AHashMap<u64, u32>, t| {
            for (h, _) in trigrams(t) {
                *m.entry(h).or_default() += 1;
            }
            m
        })
        .reduce(AHashMap::new, |a, b| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (h, c) in small {
                let e = big.entry(h).or_default();
                *e = e.saturating_add(c);
            }
            big
        })
}

/// The distinct trigram hashes of `text` with their counts, sorted by hash.
fn trigrams(text: &str) -> Vec<(u64, u32)> {
    let folded: String = crate::transliterate::to_latin(text)
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut hashes = Vec::new();
    for word in folded.split_whitespace() {
        let padded: Vec<char> =
            std::iter::once('_').chain(word.chars()).chain(std::iter::once('_')).collect();
        for w in padded.windows(3) {
            let mut buf = [0u8; 12];
            let mut n = 0;
            for c in w {
                n += c.encode_utf8(&mut buf[n..]).len();
            }
            hashes.push(xxh3_64(&buf[..n]));
        }
    }
    hashes.sort_unstable();
    let mut out: Vec<(u64, u32)> = Vec::with_capacity(hashes.len());
    for h in hashes {
        match out.last_mut() {
            Some((last, c)) if *last == h => *c += 1,
            _ => out.push((h, 1)),
        }
    }
    out
}

impl TrigramEmbedder {
    /// An embedder whose trigram weights are fitted to `texts` (the distinct paragraphs a
    /// run compares): a trigram in `df` of `n` paragraphs weighs ln((n + 1) / (df + 1)).
    pub fn fitted(texts: &[&str]) -> Self {
        let n = texts.len().min(u32::MAX as usize) as u32;
        TrigramEmbedder { df: document_frequencies(texts), base: None, n }
    }

    /// Fitted to `texts` on top of `prior` frequencies, if any.
    pub fn fitted_after(prior: Option<&std::sync::Arc<TrigramEmbedder>>, texts: &[&str]) -> Self {
        match prior {
            Some(p) => Self::and(p, texts),
            None => Self::fitted(texts),
        }
    }

    /// `base`'s frequencies with those of `texts` added: an index query adds the
    /// paragraphs it compares that the stored ones do not include, so that its weights
    /// are those of a full run over both. `base` is shared, not copied.
    pub fn and(base: &std::sync::Arc<TrigramEmbedder>, texts: &[&str]) -> Self {
        let n = (base.n as usize).saturating_add(texts.len()).min(u32::MAX as usize) as u32;
        TrigramEmbedder { df: document_frequencies(texts), base: Some(base.clone()), n }
    }

    /// The number of fitted paragraphs with trigram `h`.
    fn count(&self, h: u64) -> u32 {
        let own = self.df.get(&h).copied().unwrap_or(0);
        own.saturating_add(self.base.as_ref().map_or(0, |b| b.count(h)))
    }

    /// The frequencies as `u64`s: the number of paragraphs, then `hash, count` per trigram
    /// sorted by hash (what an index stores).
    pub fn to_rows(&self) -> Vec<u64> {
        let mut all: AHashMap<u64, u32> = AHashMap::new();
        let mut layer = Some(self);
        while let Some(l) = layer {
            for (&h, &c) in &l.df {
                let e = all.entry(h).or_default();
                *e = e.saturating_add(c);
            }
            layer = l.base.as_deref();
        }
        let mut pairs: Vec<(u64, u32)> = all.into_iter().collect();
        pairs.sort_unstable();
        std::iter::once(self.n as u64)
            .chain(pairs.into_iter().flat_map(|(h, c)| [h, c as u64]))
            .collect()
    }

    /// Frequencies written by [`Self::to_rows`]; `None` for empty or malformed rows.
    pub fn from_rows(rows: impl ExactSizeIterator<Item = u64>) -> Option<Self> {
        let mut rows = rows;
        if rows.len() % 2 != 1 {
            return None;
        }
        let n = u32::try_from(rows.next()?).ok()?;
        let mut df = AHashMap::with_capacity(rows.len() / 2);
        while let (Some(h), Some(c)) = (rows.next(), rows.next()) {
            df.insert(h, u32::try_from(c).ok()?);
        }
        Some(TrigramEmbedder { df, base: None, n })
    }

    fn vector(&self, text: &str) -> [f32; DIM] {
        let mut v = [0f32; DIM];
        let top = (self.n as f32 + 1.0).ln();
        for (h, count) in trigrams(text) {
            let df = self.count(h) as f32;
            let weight = if self.n == 0 { 1.0 } else { (top - (df + 1.0).ln()).max(0.0) };
            let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
            v[(h % DIM as u64) as usize] += sign * count as f32 * weight;
        }
        normalize(&mut v);
        v
    }
}

/// Scales `v` to unit length (leaves a zero vector alone).
pub fn normalize(v: &mut [f32; DIM]) {
    let n: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

/// Dot product of two unit vectors: their cosine.
pub fn cosine(a: &[f32; DIM], b: &[f32; DIM]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Embedder for TrigramEmbedder {
    fn name(&self) -> &'static str {
        "character trigrams (fallback without the multilingual model; install it with `wirematch model fetch`)"
    }

    fn embed(&self, texts: &[&str]) -> Vec<[f32; DIM]> {
        texts.iter().map(|t| self.vector(t)).collect()
    }

    fn paragraph_threshold(&self) -> f32 {
        // Measured on the WMT documents of wmt-multi-dev (8 languages, Latin and Cyrillic;
        // the dev_sets test `the_model_free_threshold_…` prints the figures): 3.8 % of
        // unrelated paragraph pairs in one script reach 0.15 and 1.4 % across scripts
        // (99th percentiles 0.19 and 0.16), against two thirds of translated paragraphs in
        // one script and 38 % across scripts. A paragraph alone decides nothing: a pair of
        // articles needs several aligned paragraphs, a quarter of the smaller article,
        // agreeing numbers and shared anchors, and unrelated articles rarely align more
        // than one (document precision 0.98 over the 26 language pairs of that set).
        0.15
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigram_vectors_are_unit_and_see_shared_spelling() {
        let e = TrigramEmbedder::default();
        let v = e.embed(&[
            "The government said the national bank would intervene.",
            "Le gouvernement a déclaré que la banque nationale interviendrait.",
            "Des pluies abondantes sont attendues ce week-end dans le sud.",
            "",
        ]);
        let norm: f32 = v[0].iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.05);
        assert_eq!(v[3], [0.0; DIM]);
    }

    #[test]
    fn trigram_weights_come_from_the_fitted_paragraphs_and_survive_storage() {
        let a = ["The minister said the harvest reached 104 million tonnes.", "The port said so."];
        let b = ["Министр заявил, что урожай достиг 104 миллионов тонн (the end).", "The end."];
        let all: Vec<&str> = a.iter().chain(&b).copied().collect();
        let whole = TrigramEmbedder::fitted(&all);
        // Fitting in two steps (an index, then a query's new paragraphs) is fitting once.
        let stepwise = TrigramEmbedder::and(&std::sync::Arc::new(TrigramEmbedder::fitted(&a)), &b);
        assert_eq!(whole.embed(&all), stepwise.embed(&all));
        // And the stored form gives the same embedder back.
        let rows = whole.to_rows();
        let back = TrigramEmbedder::from_rows(rows.iter().copied()).expect("rows");
        assert_eq!(whole.embed(&all), back.embed(&all));
        assert!(TrigramEmbedder::from_rows(rows[..rows.len() - 1].iter().copied()).is_none());
        // Trigrams of every paragraph ("the" here) weigh nothing; the number and the
        // words that transliterate alike (ministr, million) are what a translation shares.
        assert_eq!(whole.embed(&["the the the"])[0], [0.0; DIM]);
        assert!(cosine(&whole.embed(&[a[0]])[0], &whole.embed(&[b[0]])[0]) > 0.15);
    }
}

impl Embedder for crate::encoder::Encoder {
    fn name(&self) -> &'static str {
        "multilingual Universal Sentence Encoder v3"
    }

    fn embed(&self, texts: &[&str]) -> Vec<[f32; DIM]> {
        crate::encoder::Encoder::embed(self, texts)
    }

    fn knows(&self, lang: crate::lang::Lang) -> bool {
        // The 16 languages of multilingual USE v3 (its model card).
        matches!(
            lang.as_str(),
            "ar" | "zh"
                | "nl"
                | "en"
                | "de"
                | "fr"
                | "it"
                | "pt"
                | "es"
                | "ja"
                | "ko"
                | "ru"
                | "pl"
                | "th"
                | "tr"
        )
    }

    fn paragraph_threshold(&self) -> f32 {
        // WMT en-fr (200 document pairs): parallel paragraphs have median cosine 0.80 and
        // 99 % above 0.53; 99.9 % of same-day paragraphs that are not translations stay
        // below 0.35. At 0.5: paragraph recall 0.992, false rate 0.0002.
        0.5
    }
}

/// Which embedder verifies translated copy, chosen when the stage first needs one, so that a
/// same-language run never loads the model.
#[derive(Clone)]
pub enum EmbedderChoice {
    /// Character trigrams.
    Fallback,
    /// The multilingual encoder in this folder (`wirematch model fetch` installs it); if it
    /// cannot be loaded, the fallback is used and the reason reported.
    Model(std::path::PathBuf),
    /// An embedder the caller built.
    Given(std::sync::Arc<dyn Embedder + Send + Sync>),
}

impl std::fmt::Debug for EmbedderChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmbedderChoice::Fallback => write!(f, "Fallback"),
            EmbedderChoice::Model(p) => write!(f, "Model({})", p.display()),
            EmbedderChoice::Given(e) => write!(f, "Given({})", e.name()),
        }
    }
}

/// The encoder in `dir`, loaded once per process: an index answering one article at a time
/// would otherwise load 84 MB of weights (0.16 s) per query. The weights never change
/// under a running process (a new `model fetch` writes a new folder's files atomically, and
/// a run already going keeps what it loaded).
fn load_once(
    dir: &std::path::Path,
) -> Result<std::sync::Arc<dyn Embedder + Send + Sync>, crate::encoder::EncoderError> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Loaded = Arc<dyn Embedder + Send + Sync>;
    static MODELS: OnceLock<Mutex<HashMap<std::path::PathBuf, Loaded>>> = OnceLock::new();
    let models = MODELS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut models = models.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = models.get(dir) {
        return Ok(e.clone());
    }
    let e: Loaded = Arc::new(crate::encoder::Encoder::load(dir)?);
    models.insert(dir.to_path_buf(), e.clone());
    Ok(e)
}

impl EmbedderChoice {
    /// The model folder if installed there, else the fallback.
    pub fn default_model() -> Self {
        match crate::encoder::default_model_dir() {
            Some(dir) if dir.join("weights.npz").exists() => EmbedderChoice::Model(dir),
            _ => EmbedderChoice::Fallback,
        }
    }

    /// The embedder to use for comparing `texts`, and a note when the model could not be
    /// used. The fallback is fitted to `texts` ([`TrigramEmbedder::fitted`]), on top of
    /// `prior` frequencies when given ([`TrigramEmbedder::and`]).
    pub fn get(
        &self,
        texts: &[&str],
        prior: Option<&std::sync::Arc<TrigramEmbedder>>,
    ) -> (std::sync::Arc<dyn Embedder + Send + Sync>, Option<String>) {
        let fallback = || std::sync::Arc::new(TrigramEmbedder::fitted_after(prior, texts));
        match self {
            EmbedderChoice::Fallback => (fallback(), None),
            EmbedderChoice::Given(e) => (e.clone(), None),
            EmbedderChoice::Model(dir) => match load_once(dir) {
                Ok(e) => (e, None),
                Err(e) => (fallback(), Some(format!("multilingual model not used: {e}"))),
            },
        }
    }
}
