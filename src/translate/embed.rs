//! Paragraph embedders: the multilingual encoder, or a resource-free fallback.

use unicode_normalization::UnicodeNormalization;
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
}

/// Character-trigram vectors: the fallback when the multilingual model is not installed.
///
/// Related Latin-script languages share names, numbers, cognates and spelling (nation /
/// nation, gouvernement / government), so translations share more character trigrams
/// than unrelated paragraphs do. Trigrams of the accent-stripped lower-cased text are
/// feature-hashed (with random signs) into 512 dimensions. Far weaker than the encoder
/// and useless across scripts; the run summary says when it is in use.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrigramEmbedder;

impl TrigramEmbedder {
    fn vector(text: &str) -> [f32; DIM] {
        let mut v = [0f32; DIM];
        let folded: String = text
            .nfkd()
            .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
            .flat_map(char::to_lowercase)
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        for word in folded.split_whitespace() {
            let padded: Vec<char> =
                std::iter::once('_').chain(word.chars()).chain(std::iter::once('_')).collect();
            for w in padded.windows(3) {
                let mut buf = [0u8; 12];
                let mut n = 0;
                for c in w {
                    n += c.encode_utf8(&mut buf[n..]).len();
                }
                let h = xxh3_64(&buf[..n]);
                let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
                v[(h % DIM as u64) as usize] += sign;
            }
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
        texts.iter().map(|t| Self::vector(t)).collect()
    }

    fn paragraph_threshold(&self) -> f32 {
        // WMT en-fr paragraphs: translations have median cosine 0.32; 99 % of same-day
        // paragraphs that are not translations stay below 0.28.
        0.28
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigram_vectors_are_unit_and_see_shared_spelling() {
        let e = TrigramEmbedder;
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
}

impl Embedder for crate::encoder::Encoder {
    fn name(&self) -> &'static str {
        "multilingual Universal Sentence Encoder v3"
    }

    fn embed(&self, texts: &[&str]) -> Vec<[f32; DIM]> {
        crate::encoder::Encoder::embed(self, texts)
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

    /// The embedder to use, and a note when the model could not be used.
    pub fn get(&self) -> (std::sync::Arc<dyn Embedder + Send + Sync>, Option<String>) {
        match self {
            EmbedderChoice::Fallback => (std::sync::Arc::new(TrigramEmbedder), None),
            EmbedderChoice::Given(e) => (e.clone(), None),
            EmbedderChoice::Model(dir) => match load_once(dir) {
                Ok(e) => (e, None),
                Err(e) => (
                    std::sync::Arc::new(TrigramEmbedder),
                    Some(format!("multilingual model not used: {e}")),
                ),
            },
        }
    }
}
