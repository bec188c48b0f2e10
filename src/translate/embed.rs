//! Paragraph embedders: the multilingual encoder, or a resource-free fallback.

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
    /// The vectors the translation stage compares (by default [`Self::embed`]'s).
    fn vectors(&self, texts: &[&str]) -> Vec<Vector> {
        self.embed(texts).into_iter().map(|v| Vector::Dense(Box::new(v))).collect()
    }
    /// The cosine from which two paragraphs count as translations of each other.
    fn paragraph_threshold(&self) -> f32;
    /// Whether the embedder was trained on `lang` (unknown languages: no). Pairs with a
    /// language it does not know are verified by the fitted trigram embedder instead.
    fn knows(&self, lang: crate::lang::Lang) -> bool {
        lang.is_known()
    }
}

/// Character-trigram vectors: the fallback when the multilingual model is not installed,
/// and the verifier of languages it does not know.
///
/// Related languages share names, numbers, cognates and spelling (nation / nation,
/// gouvernement / government), so translations share more character trigrams than
/// unrelated paragraphs do. The text is first written in Latin letters
/// ([`crate::transliterate`]), so that a Russian or Greek translation shares the trigrams
/// of its names and international words (prezident / president). Each trigram is weighted
/// by its inverse document frequency over the paragraphs being compared ([`Self::fitted`]):
/// trigrams of every paragraph (`_th`, `ion`, `ogo`) say nothing, a name's say a lot. The
/// weighted counts are kept sparse ([`Vector::Sparse`]), so cosines are exact; only
/// articles' mean vectors are feature-hashed into 512 dimensions. Weaker than the
/// encoder; the run summary says when it is in use.
///
/// In Latin letters, lower-cased, a word is a run of `a`–`z` and `0`–`9`, padded with `_`:
/// 37 symbols, so 37³ = 50,653 possible trigrams, and the frequencies are a dense table
/// (200 kB) counted at about the speed of reading the text.
#[derive(Debug, Clone)]
pub struct TrigramEmbedder {
    /// Number of fitted paragraphs with each trigram ([`TRIGRAMS`] entries).
    df: Vec<u32>,
    /// Paragraphs fitted.
    n: u32,
}

/// Distinct trigrams of the 37-symbol alphabet.
pub const TRIGRAMS: usize = 37 * 37 * 37;

impl Default for TrigramEmbedder {
    fn default() -> Self {
        TrigramEmbedder { df: vec![0; TRIGRAMS], n: 0 }
    }
}

/// The symbol of an ASCII byte: 1–26 letters, 27–36 digits, 0 for everything else (a word
/// boundary, written `_`).
fn symbol(b: u8) -> u32 {
    match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => (c - b'a') as u32 + 1,
        c @ b'0'..=b'9' => (c - b'0') as u32 + 27,
        _ => 0,
    }
}

/// Calls `f` with each trigram of `text` (its index below [`TRIGRAMS`]), in order.
fn for_each_trigram(text: &str, mut f: impl FnMut(usize)) {
    let latin = crate::transliterate::to_latin(text);
    // (symbol two back, symbol one back); a word's first trigram is `_` + two letters.
    let (mut a, mut b) = (0u32, 0u32);
    let mut in_word = false;
    for &byte in latin.as_bytes().iter().chain(std::iter::once(&b' ')) {
        let c = symbol(byte);
        if c == 0 {
            if in_word {
                // The closing `_`: "ab_" (a one-letter word gives "_a_").
                f(((a * 37 + b) * 37) as usize);
                in_word = false;
            }
            continue;
        }
        if !in_word {
            in_word = true;
            a = 0;
            b = c;
            continue;
        }
        f(((a * 37 + b) * 37 + c) as usize);
        a = b;
        b = c;
    }
}

/// Feature hash of trigram `t`: its dimension and sign (from a table computed once).
fn slot(t: usize) -> (usize, f32) {
    static SLOTS: std::sync::OnceLock<Vec<(u16, f32)>> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        (0..TRIGRAMS)
            .map(|t| {
                let (d, sign) = hash_slot(t);
                (d as u16, sign)
            })
            .collect()
    });
    slots.get(t).map_or((0, 0.0), |&(d, sign)| (d as usize, sign))
}

/// Feature hash of trigram `t` (xxh3 of its three characters): its dimension and sign.
fn hash_slot(t: usize) -> (usize, f32) {
    let char_of = |s: usize| match s {
        0 => b'_',
        1..=26 => b'a' + (s - 1) as u8,
        _ => b'0' + (s - 27) as u8,
    };
    let h = xxh3_64(&[char_of(t / 1369), char_of(t / 37 % 37), char_of(t % 37)]);
    ((h % DIM as u64) as usize, if h >> 63 == 0 { 1.0 } else { -1.0 })
}

impl TrigramEmbedder {
    /// An embedder whose trigram weights are fitted to `texts` (the distinct paragraphs a
    /// run compares): a trigram in `df` of `n` paragraphs weighs ln((n + 1) / (df + 1)).
    pub fn fitted(texts: &[&str]) -> Self {
        Self::fitted_after(None, texts)
    }

    /// Fitted to `texts` on top of `prior` frequencies, if any: an index query adds the
    /// paragraphs it compares that the stored ones do not include, so that its weights
    /// are those of a full run over both.
    pub fn fitted_after(prior: Option<&TrigramEmbedder>, texts: &[&str]) -> Self {
        use rayon::prelude::*;
        let counted = texts
            .par_chunks(256)
            .map(|chunk| {
                let mut df = vec![0u32; TRIGRAMS];
                // The last paragraph (+1) that counted each trigram: distinct per paragraph.
                let mut seen = vec![0u32; TRIGRAMS];
                for (i, t) in chunk.iter().enumerate() {
                    let stamp = i as u32 + 1;
                    for_each_trigram(t, |g| {
                        if seen[g] != stamp {
                            seen[g] = stamp;
                            df[g] += 1;
                        }
                    });
                }
                df
            })
            .reduce(
                || vec![0u32; TRIGRAMS],
                |mut x, y| {
                    x.iter_mut().zip(&y).for_each(|(a, b)| *a = a.saturating_add(*b));
                    x
                },
            );
        let base = prior.cloned().unwrap_or_default();
        let df = base.df.iter().zip(&counted).map(|(a, b)| a.saturating_add(*b)).collect();
        let n = (base.n as usize).saturating_add(texts.len()).min(u32::MAX as usize) as u32;
        TrigramEmbedder { df, n }
    }

    /// The frequencies as `u64`s: the number of paragraphs, then `trigram << 32 | count`
    /// for each trigram seen, in order (what an index stores).
    pub fn to_rows(&self) -> Vec<u64> {
        std::iter::once(self.n as u64)
            .chain(
                self.df
                    .iter()
                    .enumerate()
                    .filter(|&(_, &c)| c > 0)
                    .map(|(t, &c)| (t as u64) << 32 | c as u64),
            )
            .collect()
    }

    /// Frequencies written by [`Self::to_rows`]; `None` for empty rows, a trigram out of
    /// range or out of order.
    pub fn from_rows(rows: impl Iterator<Item = u64>) -> Option<Self> {
        let mut rows = rows;
        let n = u32::try_from(rows.next()?).ok()?;
        let mut df = vec![0u32; TRIGRAMS];
        let mut next = 0usize;
        for r in rows {
            let t = (r >> 32) as usize;
            if t < next || t >= TRIGRAMS {
                return None;
            }
            df[t] = r as u32;
            next = t + 1;
        }
        Some(TrigramEmbedder { df, n })
    }

    /// The weighted trigram counts of `text`, sorted by trigram, scaled to unit length.
    fn sparse(&self, text: &str) -> Vec<(u16, f32)> {
        let mut ts: Vec<u16> = Vec::new();
        for_each_trigram(text, |t| ts.push(t as u16));
        ts.sort_unstable();
        let top = (self.n as f32 + 1.0).ln();
        let mut v: Vec<(u16, f32)> = Vec::with_capacity(ts.len());
        for t in ts {
            match v.last_mut() {
                Some((last, x)) if *last == t => *x += 1.0,
                _ => v.push((t, 1.0)),
            }
        }
        for (t, x) in &mut v {
            let df = self.df.get(*t as usize).copied().unwrap_or(0) as f32;
            *x *= if self.n == 0 { 1.0 } else { (top - (df + 1.0).ln()).max(0.0) };
        }
        v.retain(|&(_, x)| x > 0.0);
        let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, x)| *x /= norm);
        }
        v
    }
}

/// A paragraph's vector: the encoder's 512 dimensions, or trigram weights kept sparse
/// (exact cosines: hashing 50,653 trigrams into 512 dimensions costs the trigram
/// embedder half its translated paragraphs across scripts, measured).
#[derive(Debug, Clone, PartialEq)]
pub enum Vector {
    /// A dense unit vector.
    Dense(Box<[f32; DIM]>),
    /// `(trigram, weight)` sorted by trigram, unit length.
    Sparse(Box<[(u16, f32)]>),
}

impl Vector {
    /// Cosine of two unit vectors of one kind (0 for two kinds: never compared).
    pub fn cosine(&self, other: &Vector) -> f32 {
        match (self, other) {
            (Vector::Dense(a), Vector::Dense(b)) => cosine(a, b),
            (Vector::Sparse(a), Vector::Sparse(b)) => {
                let (mut i, mut j, mut dot) = (0, 0, 0f32);
                while i < a.len() && j < b.len() {
                    match a[i].0.cmp(&b[j].0) {
                        std::cmp::Ordering::Less => i += 1,
                        std::cmp::Ordering::Greater => j += 1,
                        std::cmp::Ordering::Equal => {
                            dot += a[i].1 * b[j].1;
                            i += 1;
                            j += 1;
                        }
                    }
                }
                dot
            }
            _ => 0.0,
        }
    }

    /// Adds the vector to a dense sum (a sparse one through the trigrams' feature hash):
    /// articles' mean vectors.
    pub fn add_to(&self, sum: &mut [f32; DIM]) {
        match self {
            Vector::Dense(v) => sum.iter_mut().zip(v.iter()).for_each(|(s, x)| *s += x),
            Vector::Sparse(v) => {
                for &(t, x) in v.iter() {
                    let (d, sign) = slot(t as usize);
                    sum[d] += sign * x;
                }
            }
        }
    }
}

/// Cosines of every vector of `a` with every vector of `b`, row by row. Sparse rows are
/// scattered once into a dense table of the trigrams (kept per thread, cleared after), so
/// each cosine reads only `b`'s entries: an article pair's paragraphs cost about what
/// dense vectors cost.
pub fn cosine_matrix(a: &[&Vector], b: &[&Vector]) -> Vec<f32> {
    thread_local! {
        static TABLE: std::cell::RefCell<Vec<f32>> = std::cell::RefCell::new(vec![0.0; TRIGRAMS]);
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for va in a {
        let Vector::Sparse(sa) = va else {
            out.extend(b.iter().map(|vb| va.cosine(vb)));
            continue;
        };
        TABLE.with(|table| {
            let mut table = table.borrow_mut();
            for &(t, x) in sa.iter() {
                if let Some(slot) = table.get_mut(t as usize) {
                    *slot = x;
                }
            }
            out.extend(b.iter().map(|vb| match vb {
                Vector::Sparse(sb) => {
                    sb.iter().map(|&(t, y)| table.get(t as usize).copied().unwrap_or(0.0) * y).sum()
                }
                Vector::Dense(_) => 0.0,
            }));
            for &(t, _) in sa.iter() {
                if let Some(slot) = table.get_mut(t as usize) {
                    *slot = 0.0;
                }
            }
        });
    }
    out
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
        self.vectors(texts)
            .iter()
            .map(|v| {
                let mut d = [0f32; DIM];
                v.add_to(&mut d);
                normalize(&mut d);
                d
            })
            .collect()
    }

    fn vectors(&self, texts: &[&str]) -> Vec<Vector> {
        texts.iter().map(|t| Vector::Sparse(self.sparse(t).into_boxed_slice())).collect()
    }

    fn paragraph_threshold(&self) -> f32 {
        // Measured on the WMT documents of wmt-multi-dev (8 languages, Latin and Cyrillic;
        // the dev_sets test `the_model_free_threshold_…` prints the figures): 3.0 % of
        // unrelated paragraph pairs in one script reach 0.12 and 0.5 % across scripts
        // (99th percentiles 0.15 and 0.11), against three quarters of translated
        // paragraphs in one script and half across scripts. A paragraph alone decides
        // nothing: a pair of articles needs several aligned paragraphs, a quarter of the
        // smaller article, agreeing numbers and shared anchors, and unrelated articles
        // rarely align more than one (document precision 0.99 over the 26 language pairs
        // of that set).
        0.12
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
    fn the_cosine_matrix_is_the_pairwise_cosines() {
        let texts = ["Putin met Xi in Beijing.", "Путин встретился с Си в Пекине.", "Rain.", ""];
        let e = TrigramEmbedder::fitted(&texts);
        let v = e.vectors(&texts);
        let refs: Vec<&Vector> = v.iter().collect();
        let m = cosine_matrix(&refs, &refs[1..]);
        for (i, a) in refs.iter().enumerate() {
            for (j, b) in refs[1..].iter().enumerate() {
                assert_eq!(m[i * 3 + j], a.cosine(b), "{i} {j}");
            }
        }
        assert!(m[0] > m[1], "Putin / Путин {} against Putin / Rain {}", m[0], m[1]);
        // Kinds are never mixed: a dense and a sparse vector have cosine 0.
        let dense = Vector::Dense(Box::new(e.embed(&texts[..1])[0]));
        assert_eq!(cosine_matrix(&[&dense], &refs[..1]), [0.0]);
    }

    #[test]
    fn trigram_weights_come_from_the_fitted_paragraphs_and_survive_storage() {
        let a = ["The minister said the harvest reached 104 million tonnes.", "The port said so."];
        let b = ["Министр заявил, что урожай достиг 104 миллионов тонн (the end).", "The end."];
        let all: Vec<&str> = a.iter().chain(&b).copied().collect();
        let whole = TrigramEmbedder::fitted(&all);
        // Fitting in two steps (an index, then a query's new paragraphs) is fitting once.
        let stepwise = TrigramEmbedder::fitted_after(Some(&TrigramEmbedder::fitted(&a)), &b);
        assert_eq!(whole.embed(&all), stepwise.embed(&all));
        // And the stored form gives the same embedder back.
        let rows = whole.to_rows();
        let back = TrigramEmbedder::from_rows(rows.iter().copied()).expect("rows");
        assert_eq!(whole.embed(&all), back.embed(&all));
        let mut swapped = rows.clone();
        swapped.swap(1, 2);
        assert!(TrigramEmbedder::from_rows(swapped.into_iter()).is_none());
        assert!(TrigramEmbedder::from_rows(std::iter::empty()).is_none());
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
    if let Some(e) = models.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
        return Ok(e.clone());
    }
    // Loaded without holding the lock: loading runs parallel work, and a worker waiting
    // in it may pick up another query that wants the model — which would then wait for
    // a lock held lower on its own stack. Two threads may load the same model once each;
    // the first one stored is kept.
    let e: Loaded = Arc::new(crate::encoder::Encoder::load(dir)?);
    let mut models = models.lock().unwrap_or_else(|e| e.into_inner());
    Ok(models.entry(dir.to_path_buf()).or_insert(e).clone())
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
    /// `prior` frequencies when given ([`TrigramEmbedder::fitted_after`]).
    pub fn get(
        &self,
        texts: &[&str],
        prior: Option<&TrigramEmbedder>,
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
